#!/usr/bin/env bash
# Dump and restore: a database with the real data, tables of scomm types,
# stored states, a latent class model and a trajectory model survives pg_dump and pg_restore into a fresh database with
# identical query results.  Runs against the server in the PG environment
# variables (scripts/test sets them to its private cluster).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
src=scomm_dump_src
dst=scomm_dump_dst
work=$(mktemp -d)
cleanup() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $src" -c "DROP DATABASE IF EXISTS $dst" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
psql -X -q -d postgres -c "SET client_min_messages = warning" \
	-c "DROP DATABASE IF EXISTS $src" -c "DROP DATABASE IF EXISTS $dst" -c "CREATE DATABASE $src"
PGDATABASE=$src psql -X -q -c "SET client_min_messages = warning; CREATE EXTENSION scomm CASCADE"
PGDATABASE=$src "$root/scripts/load" >/dev/null 2>&1

PGDATABASE=$src psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
SET search_path = public, scomm;
SET client_min_messages = warning;
-- simulated removals (criminality_level), stored per-state states of three kinds
CREATE TABLE removals AS
SELECT r.* FROM (SELECT array_agg(fips ORDER BY fips) AS f, array_agg(cohort ORDER BY fips) AS c,
                        array_agg(1000.0::float8 ORDER BY fips) AS n
                 FROM scomm_data.activation) a,
     simulate_removals(a.f, a.c, a.n, seed => 5) r;
CREATE TABLE robbery AS
SELECT c.fips, c.year, a.cohort, crime_rate(c.count, p.population) AS rate
FROM scomm_data.crime c JOIN scomm_data.activation a USING (fips)
JOIN scomm_data.population p ON p.fips = c.fips AND p.year = c.year
WHERE c.offense = 'robbery' AND p.population > 0;
CREATE TABLE stored_states AS
SELECT t.state_fips, t.tally, b.pp, b.panel
FROM (SELECT left(fips, 2) AS state_fips, level_tally(level) AS tally FROM removals GROUP BY 1) t
JOIN (SELECT left(fips, 2) AS state_fips, prepost_state(rate, make_date(year, 7, 1), cohort) AS pp,
             did_panel(fips::bigint, make_date(year, 7, 1), rate, cohort, 'year') AS panel
      FROM robbery GROUP BY 1) b USING (state_fips);
CREATE TABLE classes AS
SELECT response_patterns(ARRAY[CASE WHEN is_early(cohort) THEN 2 ELSE 1 END,
                               CASE WHEN rate > 50 THEN 2 WHEN rate IS NULL THEN NULL ELSE 1 END,
                               1 + year % 2]) AS patterns
FROM robbery;
ALTER TABLE classes ADD COLUMN model lca_model;
UPDATE classes SET model = lca(patterns, 2, seed => 3);
CREATE TABLE trajectories AS
SELECT trajectory_panel(fips::bigint, year, rate) AS panel FROM robbery WHERE rate IS NOT NULL;
ALTER TABLE trajectories ADD COLUMN model trajectory_model;
UPDATE trajectories SET model = trajectory_groups(panel, 2, family => 'cnorm', seed => 2);
SQL
echo "  source database ready"

queries="$work/queries.sql"
cat >"$queries" <<'SQL'
SET search_path = public, scomm;
SET client_min_messages = warning;
SET extra_float_digits = 3;
SELECT count(*), sum(removals), max(level), min(level) FROM removals;
SELECT level, sum(removals) FROM removals GROUP BY level ORDER BY level;
SELECT state_fips, tally, pp, md5(panel::text) FROM stored_states ORDER BY state_fips;
SELECT level_counts(tally) FROM stored_states;
SELECT prepost(pp) FROM stored_states;
SELECT * FROM att_aggregate((SELECT did_panel(panel) FROM stored_states), 'dynamic');
SELECT patterns, model FROM classes;
SELECT * FROM lca_fit((SELECT model FROM classes));
SELECT lca_classify((SELECT model FROM classes), ARRAY[2, 1, 2]);
SELECT md5(panel::text), model FROM trajectories;
SELECT * FROM trajectory_shares((SELECT model FROM trajectories));
SELECT cohort, count(*) FROM scomm_data.activation GROUP BY cohort ORDER BY cohort LIMIT 20;
SELECT count(*), sum(ST_Area(geom::geography))::bigint FROM scomm_data.county;
SQL
PGDATABASE=$src psql -X -A -v ON_ERROR_STOP=1 -f "$queries" >"$work/before.txt"
pg_dump -Fc -d $src -f "$work/dump"
psql -X -q -d postgres -c "CREATE DATABASE $dst"
pg_restore -d $dst "$work/dump" 2>"$work/restore.err" || { echo "  pg_restore failed:"; sed 's/^/    /' "$work/restore.err"; exit 1; }
PGDATABASE=$dst psql -X -A -v ON_ERROR_STOP=1 -f "$queries" >"$work/after.txt"
if ! diff "$work/before.txt" "$work/after.txt" >"$work/diff"; then
	echo "  results differ after pg_dump and pg_restore:"; head -20 "$work/diff" | sed 's/^/    /'; exit 1
fi
echo "  $(wc -l <"$work/before.txt") lines of query results identical after pg_dump -Fc and pg_restore"
