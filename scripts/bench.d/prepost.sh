# scripts/bench prepost (sourced by scripts/bench): prepost over a table of
# $rows rows against the same statistics in plain SQL (FILTER), against
# SELECT count(*), and 2 parallel workers against none.
rows="${SCOMM_BENCH_ROWS:-10000000}"

log "building a table of $rows rows (3000 counties, 4000 days, 2% never activated)"
psql -X -q -v ON_ERROR_STOP=1 <<SQL
SET search_path = public, scomm;
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_prepost;
CREATE UNLOGGED TABLE bench_prepost AS
SELECT i % 3000 AS county,
       date '2006-01-01' + (i % 4000)::int AS at,
       CASE WHEN i % 3000 % 50 = 0 THEN 'never'
            ELSE (date '2008-10-27' + (i % 3000 * 7 % 1550))::text END::activation_cohort AS cohort,
       ((i::bigint * 7919 % 10007) / 100.0 + (i % 4000) / 1000.0)::float8 AS value
FROM generate_series(1, $rows) i;
VACUUM ANALYZE bench_prepost;
SQL

log "timing (fastest of $reps runs each)"
psql -X -q -v ON_ERROR_STOP=1 -P footer=off <<SQL
SET search_path = public, scomm;
\i $SCOMM_ROOT/scripts/bench.d/best_ms.sql
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE timing (what text, ms float8);
INSERT INTO timing SELECT 'count(*)', pg_temp.best_ms('SELECT count(*) FROM bench_prepost', $reps);
INSERT INTO timing SELECT 'prepost', pg_temp.best_ms('SELECT prepost(value, at, cohort) FROM bench_prepost', $reps);
INSERT INTO timing SELECT 'plain SQL', pg_temp.best_ms(\$q\$
	SELECT nb, mb, sb, na, ma, sa, ma - mb AS change, (ma - mb) / sqrt(sa ^ 2 / na + sb ^ 2 / nb) AS t,
	       (sa ^ 2 / na + sb ^ 2 / nb) ^ 2 / ((sa ^ 2 / na) ^ 2 / (na - 1) + (sb ^ 2 / nb) ^ 2 / (nb - 1)) AS df
	FROM (SELECT count(value) FILTER (WHERE b) AS nb, avg(value) FILTER (WHERE b) AS mb,
	             stddev_samp(value) FILTER (WHERE b) AS sb,
	             count(value) FILTER (WHERE NOT b) AS na, avg(value) FILTER (WHERE NOT b) AS ma,
	             stddev_samp(value) FILTER (WHERE NOT b) AS sa
	      FROM (SELECT value, at < activated_on(cohort) AS b FROM bench_prepost WHERE cohort <> 'never') s) x
	\$q\$, $reps);
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
INSERT INTO timing SELECT 'prepost, 2 workers', pg_temp.best_ms('SELECT prepost(value, at, cohort) FROM bench_prepost', $reps);
RESET parallel_leader_participation;
SELECT what, round(ms::numeric, 1) AS ms FROM timing;
SELECT 'prepost / plain SQL' AS ratio,
       round(((SELECT ms FROM timing WHERE what = 'prepost') / (SELECT ms FROM timing WHERE what = 'plain SQL'))::numeric, 2) AS measured,
       '<= 0.7' AS target
UNION ALL
SELECT 'prepost / count(*)',
       round(((SELECT ms FROM timing WHERE what = 'prepost') / (SELECT ms FROM timing WHERE what = 'count(*)'))::numeric, 2), '<= 1.5'
UNION ALL
SELECT 'speed-up, 2 workers vs none',
       round(((SELECT ms FROM timing WHERE what = 'prepost') / (SELECT ms FROM timing WHERE what = 'prepost, 2 workers'))::numeric, 2), '>= 1.6';
SQL
psql -X -q -c "DROP TABLE bench_prepost"
