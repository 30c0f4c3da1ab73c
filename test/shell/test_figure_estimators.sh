#!/usr/bin/env bash
# scripts/figure estimators draws a 1500x900 PNG of four event studies from the
# real data on the server in the PG environment variables (scripts/test sets
# them to its private cluster), and its data has the four estimators' rows.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
db=scomm_figure_estimators_test
work=$(mktemp -d)
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db"; rm -rf "$work"' EXIT
PGDATABASE=$db "$root/scripts/figure" estimators "$work/f.png" >/dev/null 2>&1
sig=$(od -An -tx1 -N8 "$work/f.png" | tr -d ' \n')
size=$(od -An -tu1 -j16 -N8 "$work/f.png" | awk '{ print $1*16777216 + $2*65536 + $3*256 + $4 "x" $5*16777216 + $6*65536 + $7*256 + $8 }')
bytes=$(stat -c %s "$work/f.png")
fail=0
[ "$sig" = 89504e470d0a1a0a ] || { echo "  not a PNG: $sig"; fail=1; }
[ "$size" = 1500x900 ] || { echo "  size $size, want 1500x900"; fail=1; }
[ "$bytes" -gt 40000 ] || { echo "  only $bytes bytes: an empty plot?"; fail=1; }
# the plotted data: 13 columns per event time, the reference year -1 where the
# group-time ATT and TWFE are 0 by construction, imputation only from e = 0
# on (and there in the activation year)
PGDATABASE=$db psql -X -q -At -F ' ' -v ON_ERROR_STOP=1 -f "$root/scripts/figure.d/estimators.sql" >"$work/es.dat"
awk 'NF != 13 { bad = 1 } $1 == -1 && !($2 == 0 && $5 == 0) { bad = 1 }
	$1 < 0 && $11 != "NaN" { bad = 1 } $1 == 0 && $11 == "NaN" { bad = 1 }
	END { exit bad }' "$work/es.dat" || { echo "  the event-study data is not as expected:"; cat "$work/es.dat"; fail=1; }
[ $fail = 0 ] && echo "  ok: figure $size, $bytes bytes, $(wc -l <"$work/es.dat") event times"
exit $fail
