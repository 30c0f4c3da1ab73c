#!/usr/bin/env bash
# Keeps the README true: runs every ```sql block of README.md in order, in ONE
# psql session, as a reader pastes them one after the other, on a fresh
# database set up as scripts/demo sets up its own (the extension, the
# database's search_path = public, scomm, the real data loaded by
# scripts/load; the demo's analysis steps are not needed), from a scratch
# directory (no example may depend on the current directory).  Compares each
# block's output with the output block that follows it in the README (when
# there is one): the last lines of the block's output, trailing spaces and
# psql's row-count footer ignored.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# the README's one \copy of a repository file reads it from SCOMM_ROOT
export SCOMM_ROOT="$root"
db=scomm_readme_test
work=$(mktemp -d)
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db"; rm -rf "$work"' EXIT
export PGDATABASE=$db
psql -X -q -c "SET client_min_messages = warning; CREATE EXTENSION scomm CASCADE"
psql -X -q -c "ALTER DATABASE $db SET search_path = public, scomm"
"$root/scripts/load" >/dev/null 2>&1

# Split README into numbered sql blocks and the output blocks right after them.
awk -v dir="$work" '
	/^```sql$/ { n++; mode = "sql"; file = dir "/" n ".sql"; printf "" > file; next }
	/^```$/ && mode == "" && last == "sql" && blank_only { mode = "out"; file = dir "/" n ".want"; printf "" > file; next }
	/^```/ && mode != "" { last = mode; mode = ""; blank_only = 1; next }
	mode != "" { print > file; next }
	/^[[:space:]]*$/ { next }
	{ blank_only = 0; last = "" }
' "$root/README.md"

# one script: each block after a marker line
blocks=$(ls "$work"/*.sql | wc -l)
for n in $(seq 1 "$blocks"); do
	printf '\\echo @@README-BLOCK %s@@\n' "$n"
	cat "$work/$n.sql"
	printf '\n'
done >"$work/all.psql"
mkdir "$work/elsewhere"
status=0
(cd "$work/elsewhere" && psql -X -q -v ON_ERROR_STOP=1 -P footer=off -f "$work/all.psql" >"$work/all.out" 2>&1 </dev/null) || status=$?
# the output of each block, by its marker
awk -v dir="$work" '/^@@README-BLOCK [0-9]+@@$/ { n = $2; sub(/@@$/, "", n); file = dir "/" n ".got"; printf "" > file; next }
	n != "" { print > file }' "$work/all.out"

fail=0
ran=0
for n in $(seq 1 "$blocks"); do
	[ -f "$work/$n.got" ] || break
	ran=$n
	if [ -f "$work/$n.want" ]; then
		# the output of the block's last statement, compared without trailing spaces
		if ! diff <(sed 's/[[:space:]]*$//' "$work/$n.want" | sed '/^$/d') \
				<(sed 's/[[:space:]]*$//' "$work/$n.got" | sed '/^$/d' | tail -n "$(sed '/^$/d' "$work/$n.want" | wc -l)") >"$work/$n.diff"; then
			echo "  README output of block $n differs:"; sed 's/^/    /' "$work/$n.diff"; fail=1
		fi
	fi
done
if [ "$status" != 0 ]; then
	echo "  README sql block $ran failed (psql status $status), in the one session:"
	sed 's/^/    /' "$work/$ran.sql"
	echo "  its output:"
	sed 's/^/    /' "$work/$ran.got"
	fail=1
fi
echo "  $ran of $blocks README sql blocks run in one session"
[ "$blocks" -gt 0 ] && [ "$ran" = "$blocks" ] || fail=1
exit $fail
