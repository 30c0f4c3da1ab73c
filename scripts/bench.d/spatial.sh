# scripts/bench spatial (sourced by scripts/bench): county_of over $rows
# random points against SELECT count(*) of the points (target <= 20), the
# same join done by PostGIS with the GiST index (on a sample), contiguity of
# all counties, and Moran's I (global and local) with 999 permutations over
# all counties (target <= 1 s).  Loads the real data into the benchmark
# database first when it is not there.
rows="${SCOMM_BENCH_ROWS:-1000000}"
sample=$(( rows < 100000 ? rows : 100000 ))

if [ "$(psql -X -Atqc "SELECT to_regclass('scomm_data.county') IS NOT NULL")" != t ]; then
	log "loading the real data (scripts/load)"
	"$SCOMM_ROOT/scripts/load" >/dev/null
fi

log "building a table of $rows random points over the 48 contiguous states' box"
psql -X -q -v ON_ERROR_STOP=1 <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_point;
SELECT setseed(0.5) \g /dev/null
CREATE UNLOGGED TABLE bench_point AS
SELECT i, -125 + 58 * random() AS lon, 24.5 + 25 * random() AS lat FROM generate_series(1, $rows) i;
VACUUM ANALYZE bench_point;
DROP TABLE IF EXISTS bench_moran;
CREATE UNLOGGED TABLE bench_moran AS
SELECT (SELECT array_agg(fips ORDER BY fips) FROM scomm_data.county_activation) AS f,
       (SELECT array_agg((activation_date - date '2008-10-27')::float8 ORDER BY fips) FROM scomm_data.county_activation) AS x,
       array_agg(fips) AS a, array_agg(neighbor) AS b
FROM scomm.contiguity();
SQL

log "timing (fastest of $reps runs each)"
psql -X -q -v ON_ERROR_STOP=1 -P footer=off <<SQL
SET search_path = public, scomm;
SET max_parallel_workers_per_gather = 0;
\i $SCOMM_ROOT/scripts/bench.d/best_ms.sql
CREATE TEMP TABLE timing (what text, ms float8);
INSERT INTO timing SELECT 'count(*) of the points', pg_temp.best_ms('SELECT count(*) FROM bench_point', $reps);
INSERT INTO timing SELECT 'county_of, every point', pg_temp.best_ms('SELECT count(county_of(lon, lat)) FROM bench_point', $reps);
INSERT INTO timing SELECT 'county_of, one point (reads the counties)', pg_temp.best_ms('SELECT county_of(-95.37, 29.76)', $reps);
INSERT INTO timing SELECT 'PostGIS ST_Intersects join with GiST, $sample points', pg_temp.best_ms(\$q\$
	SELECT count(c.fips) FROM (SELECT * FROM bench_point WHERE i <= $sample) p
	JOIN scomm_data.county c ON ST_Intersects(c.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))\$q\$, 1);
INSERT INTO timing SELECT 'contiguity() of 3,143 counties', pg_temp.best_ms('SELECT count(*) FROM contiguity()', $reps);
INSERT INTO timing SELECT 'morans_i, 999 permutations', pg_temp.best_ms('SELECT (morans_i(f, x, a, b, 999)).i FROM bench_moran', $reps);
INSERT INTO timing SELECT 'local_morans_i, 999 permutations', pg_temp.best_ms('SELECT count(*) FROM bench_moran, local_morans_i(f, x, a, b, 999)', $reps);
SELECT what, round(ms::numeric, 1) AS ms FROM timing;
SELECT 'county_of / count(*), $rows points' AS ratio,
       round(((SELECT ms FROM timing WHERE what = 'county_of, every point') /
              (SELECT ms FROM timing WHERE what = 'count(*) of the points'))::numeric, 1) AS measured,
       '<= 20' AS target
UNION ALL
SELECT 'PostGIS join / county_of, per point',
       round(((SELECT ms FROM timing WHERE what LIKE 'PostGIS%') / $sample /
              ((SELECT ms FROM timing WHERE what = 'county_of, every point') / $rows))::numeric, 1), ''
UNION ALL
SELECT 'morans_i, 999 permutations, seconds',
       round(((SELECT ms FROM timing WHERE what = 'morans_i, 999 permutations') / 1000)::numeric, 3), '<= 1'
UNION ALL
SELECT 'local_morans_i, 999 permutations, seconds',
       round(((SELECT ms FROM timing WHERE what = 'local_morans_i, 999 permutations') / 1000)::numeric, 3), '';
SQL
psql -X -q -c "DROP TABLE bench_point, bench_moran"
