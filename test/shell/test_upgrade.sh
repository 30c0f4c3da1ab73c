#!/usr/bin/env bash
# Upgrade from the 1.0 release, as a user who stored values would live it:
#   1. the 1.0 release is built from this repository's history (commit below)
#      and installed into a private copy of the PostgreSQL installation;
#   2. on a throwaway cluster of that copy, 1.0 stores a value of every
#      storable type and a model of every kind, and answers a battery of
#      queries (test/shell/upgrade/battery.sql);
#   3. the current build is installed over it (the 1.0 SQL objects now call
#      the new library): the battery gives the 1.0 answers;
#   4. ALTER EXTENSION scomm UPDATE: the battery still gives the 1.0 answers,
#      the values 1.0 wrote (on disk, and in its binary and text COPY forms)
#      read back identically;
#   5. the updated schema equals a fresh install: both are detached from the
#      extension and compared with pg_dump --schema-only.
# Runs beside the cluster of scripts/test (port PGPORT + 103).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$root/scripts/lib.sh"
set +e

# the commit of release 1.0 (tagged v1.0)
release_commit=78b1c2e414885e6653109b31df6dfca685f9f24c
release=1.0
current=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$root/scomm.control")

port=$((PGPORT + 103))
dir="/tmp/scomm-upgrade-$port"
work=$(mktemp -d)
chmod 755 "$work"
cleanup() {
	node_stop "$dir/cluster"
	rm -rf "$work" "$dir"
}
trap cleanup EXIT
fail=0
checks=0
ok() { checks=$((checks + 1)); echo "  ok: $1"; }
bad() { checks=$((checks + 1)); echo "  FAILED: $1"; fail=1; }

release_commit=$(git -C "$root" rev-parse --verify -q "v$release^{commit}" 2>/dev/null ||
	git -C "$root" rev-parse --verify -q "$release_commit^{commit}" 2>/dev/null)
if [ -z "$release_commit" ]; then
	echo "  FAILED: the $release release (tag v$release) is not in this clone's history; clone without --depth"
	exit 1
fi

# 1. a private copy of the PostgreSQL installation, the release built into it
bin=$(pg_copy_install "$dir/pg") || { echo "  FAILED: could not copy the PostgreSQL installation"; exit 1; }
mkdir -p "$work/src"
git -C "$root" archive "$release_commit" | tar -x -C "$work/src"
if ! make -C "$work/src" -s -j2 PG_CONFIG="$bin/pg_config" all install >"$work/build.log" 2>&1; then
	echo "  FAILED: building release $release"; tail -20 "$work/build.log"; exit 1
fi
# the release's own install scripts; this build's 1.0 script must equal them
# apart from the header line
cat "$work"/src/src/sql/*.sql | tail -n +2 >"$work/release.sql"
if tail -n +2 "$root/scomm--$release.sql" | cmp -s - "$work/release.sql"; then
	ok "scomm--$release.sql is the release's install script"
else
	bad "scomm--$release.sql differs from the install script of release $release"
fi
ok "release $release built from commit ${release_commit:0:12}"

export PATH="$bin:$PATH"
node_start "$dir/cluster" "$port" || { echo "  FAILED: could not start the cluster"; exit 1; }
export PGHOST="$dir/cluster" PGPORT="$port" PGUSER=postgres
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
battery() { psql -X -A -v ON_ERROR_STOP=1 -d "$1" -f "$root/test/shell/upgrade/battery.sql" 2>&1; }

# 2. release 1.0 stores values and answers the battery
q -d postgres -c "CREATE DATABASE up" -c "CREATE DATABASE upd" -c "CREATE DATABASE fresh"
q -d up -c "SET client_min_messages = warning" -c "CREATE EXTENSION scomm VERSION '$release' CASCADE"
q -d up -f "$root/test/shell/upgrade/store.sql" || { echo "  FAILED: storing values with $release"; exit 1; }
battery up >"$work/answers-$release.txt"
if grep -q '^ERROR\|^psql:' "$work/answers-$release.txt"; then
	echo "  FAILED: the battery failed on $release:"; grep '^ERROR\|^psql:' "$work/answers-$release.txt" | head; exit 1
fi
ok "release $release stored values and answered the battery ($(wc -l <"$work/answers-$release.txt") lines)"
for fmt in text binary; do
	q -d up -c "\\copy kept TO '$work/kept.$fmt' (FORMAT $fmt)"
done

# 3. the current build replaces the library; the 1.0 SQL objects call it
node_stop "$dir/cluster"
make -C "$root" -s install PG_CONFIG="$bin/pg_config" >"$work/install.log" 2>&1 ||
	{ echo "  FAILED: installing this build"; tail "$work/install.log"; exit 1; }
node_restart "$dir/cluster" "$port" || { echo "  FAILED: could not restart the cluster"; exit 1; }
battery up >"$work/answers-mixed.txt"
if diff "$work/answers-$release.txt" "$work/answers-mixed.txt" >"$work/diff"; then
	ok "$release SQL objects on the $current library give the $release answers"
else
	bad "$release SQL objects on the $current library answer differently:"; head -30 "$work/diff" | sed 's/^/    /'
fi

# 4. ALTER EXTENSION UPDATE with the values in place
if q -d up -c "ALTER EXTENSION scomm UPDATE" 2>"$work/update.err"; then
	ok "ALTER EXTENSION scomm UPDATE from $release"
else
	bad "ALTER EXTENSION scomm UPDATE failed:"; sed 's/^/    /' "$work/update.err"
fi
v=$(psql -X -A -t -d up -c "SELECT extversion FROM pg_extension WHERE extname = 'scomm'")
[ "$v" = "$current" ] && ok "extension version is now $current" || bad "extension version after update: $v"
battery up >"$work/answers-updated.txt"
if diff "$work/answers-$release.txt" "$work/answers-updated.txt" >"$work/diff"; then
	ok "after the update the battery gives the $release answers, stored values included"
else
	bad "after the update the battery answers differently:"; head -30 "$work/diff" | sed 's/^/    /'
fi
for fmt in text binary; do
	got=$(q -d up -t -A -c "CREATE TABLE kept_$fmt (LIKE kept)" \
		-c "\\copy kept_$fmt FROM '$work/kept.$fmt' (FORMAT $fmt)" \
		-c "SELECT count(*) FROM kept k JOIN kept_$fmt c USING (id)
		    WHERE k::text = c::text" 2>&1 | tail -1)
	want=$(psql -X -A -t -d up -c "SELECT count(*) FROM kept")
	[ "$got" = "$want" ] && ok "the $release $fmt COPY of $want stored rows reads back identically" ||
		bad "$release $fmt COPY: $got of $want rows identical"
done

# 5. an updated empty database equals a fresh install
q -d upd -c "SET client_min_messages = warning" -c "CREATE EXTENSION scomm VERSION '$release' CASCADE" \
	-c "ALTER EXTENSION scomm UPDATE"
q -d fresh -c "SET client_min_messages = warning" -c "CREATE EXTENSION scomm CASCADE"
for db in upd fresh; do
	# detach every member so that pg_dump writes it out
	psql -X -A -t -d $db -v ON_ERROR_STOP=1 -o "$work/detach-$db.sql" -c "
		SELECT format('ALTER EXTENSION scomm DROP %s %s;', upper(i.type), i.identity)
		FROM pg_depend d, pg_identify_object(d.classid, d.objid, d.objsubid) i
		WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
		  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'scomm')"
	q -d $db -f "$work/detach-$db.sql" >/dev/null
	pg_dump --schema-only --no-owner -d $db | grep -v '^-- Dumped \|^SET \|^SELECT pg_catalog.set_config\|^\\restrict \|^\\unrestrict ' >"$work/schema-$db.sql"
done
n=$(grep -c '^CREATE ' "$work/schema-fresh.sql")
if diff "$work/schema-fresh.sql" "$work/schema-upd.sql" >"$work/diff"; then
	ok "the updated schema equals a fresh $current install (pg_dump --schema-only, $n CREATE statements)"
else
	bad "the updated schema differs from a fresh $current install (< fresh, > updated):"
	head -40 "$work/diff" | sed 's/^/    /'
fi
[ "$n" -gt 150 ] || bad "the schema dump holds only $n CREATE statements"

echo "  $checks checks"
exit $fail
