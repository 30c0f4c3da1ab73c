#!/usr/bin/env bash
# scripts/figure event-study draws a 1200x700 PNG of an event study: from a
# query (a simulated panel, state-clustered bootstrap bands) and from a stored
# result table, on the server in the PG environment variables (scripts/test
# sets them to its private cluster); without a query or table it says what is
# missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
db=scomm_figure_es_test
work=$(mktemp -d)
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db"; rm -rf "$work"' EXIT
export PGDATABASE=$db
psql -X -q -c "SET client_min_messages = warning" -c "CREATE EXTENSION scomm CASCADE"
query="SELECT * FROM scomm.att_aggregate((SELECT scomm.did_panel(unit, period, outcome, first_period, NULL, NULL, unit % 20)
       FROM scomm.simulate_panel(400, 10, seed => 3, cohorts => 4, never_share => 0.2, effect => 1, noise => 1)),
       'dynamic', cluster => 'cluster', bootstrap => 199)"
fail=0
check() {
	local f="$1" sig size bytes
	sig=$(od -An -tx1 -N8 "$f" | tr -d ' \n')
	size=$(od -An -tu1 -j16 -N8 "$f" | awk '{ print $1*16777216 + $2*65536 + $3*256 + $4 "x" $5*16777216 + $6*65536 + $7*256 + $8 }')
	bytes=$(stat -c %s "$f")
	[ "$sig" = 89504e470d0a1a0a ] || { echo "  $f: not a PNG: $sig"; fail=1; }
	[ "$size" = 1200x700 ] || { echo "  $f: size $size, want 1200x700"; fail=1; }
	[ "$bytes" -gt 20000 ] || { echo "  $f: only $bytes bytes: no points?"; fail=1; }
}
"$root/scripts/figure" event-study --query "$query" --title "simulated" "$work/q.png" >/dev/null
check "$work/q.png"
psql -X -q -c "CREATE TABLE es AS $query"
"$root/scripts/figure" event-study --table es "$work/t.png" >/dev/null
check "$work/t.png"
if "$root/scripts/figure" event-study "$work/none.png" >"$work/err" 2>&1; then
	echo "  no query and no stored event study, but it succeeded"; fail=1
elif ! grep -q "scomm_data.did_event_study" "$work/err"; then
	echo "  unhelpful message: $(cat "$work/err")"; fail=1
fi
[ $fail = 0 ] && echo "  ok: event-study figures from a query and from a stored table, 1200x700"
exit $fail
