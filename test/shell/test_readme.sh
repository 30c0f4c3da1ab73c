#!/usr/bin/env bash
# Keeps the README true: runs every ```sql block of README.md, each in its own
# session (search_path = public, scomm, as the README tells users to set it)
# on a fresh database with the extension and the real data, and
# compares each result with the output block that follows it in the README
# (when there is one; trailing spaces and psql's row-count footer ignored).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
db=scomm_readme_test
work=$(mktemp -d)
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db"; rm -rf "$work"' EXIT
export PGDATABASE=$db
psql -X -q -c "SET client_min_messages = warning; CREATE EXTENSION scomm CASCADE"
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

fail=0
blocks=0
for sql in $(ls "$work"/*.sql | sort -V); do
	n=$(basename "$sql" .sql)
	blocks=$((blocks + 1))
	if ! PGOPTIONS='-c search_path=public,scomm' psql -X -q -v ON_ERROR_STOP=1 -P footer=off -f "$sql" >"$work/$n.got" 2>&1 </dev/null; then
		echo "  README sql block $n failed:"; sed 's/^/    /' "$work/$n.got"; fail=1; continue
	fi
	if [ -f "$work/$n.want" ]; then
		# the output of the block's last statement, compared without trailing spaces
		if ! diff <(sed 's/[[:space:]]*$//' "$work/$n.want" | sed '/^$/d') \
				<(sed 's/[[:space:]]*$//' "$work/$n.got" | sed '/^$/d' | tail -n "$(sed '/^$/d' "$work/$n.want" | wc -l)") >"$work/$n.diff"; then
			echo "  README output of block $n differs:"; sed 's/^/    /' "$work/$n.diff"; fail=1
		fi
	fi
done
echo "  $blocks README sql blocks run"
[ "$blocks" -gt 0 ] || fail=1
exit $fail
