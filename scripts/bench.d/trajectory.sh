# scripts/bench trajectory (sourced by scripts/bench): trajectory_groups on
#  - crimCV's example (TO1adj: 378 offenders x ages 8..38, data/reference), 4 zero-inflated
#    Poisson groups, quadratic, 20 starts; crimCV needed 267 s for it on this machine;
#  - 3,000 simulated counties x 11 years (2006-2016) with population exposures, 3 Poisson
#    groups, quadratic, 20 starts.
# Target: each fit under 2 s.  Also times building the panels.  SCOMM_BENCH_UNITS changes the
# number of simulated counties.
units="${SCOMM_BENCH_UNITS:-3000}"

log "loading crimCV's TO1adj and simulating $units counties x 11 years in 3 groups"
cols=$(seq -s, -f 'o%g int' 8 38)
names=$(seq -s, -f 'o%g' 8 38)
psql -X -q -v ON_ERROR_STOP=1 <<SQL
SET search_path = public, scomm;
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_crimcv, bench_crimcv_obs, bench_county;
CREATE UNLOGGED TABLE bench_crimcv (id serial, $cols);
\copy bench_crimcv ($names) FROM '$SCOMM_ROOT/data/reference/crimCV_TO1adj.csv' WITH (FORMAT csv, HEADER)
CREATE UNLOGGED TABLE bench_crimcv_obs AS
SELECT id, 7 + a.age AS age, a.y FROM bench_crimcv c,
	LATERAL unnest(ARRAY[$names]) WITH ORDINALITY a(y, age);
-- three groups of counties (50/30/20%), rates per 100,000 quadratic in the year, population
-- 1,000-300,000, counts ~ Poisson (normal approximation from hashed uniforms)
CREATE UNLOGGED TABLE bench_county AS
SELECT i AS county, yr AS year, pop,
       greatest(0, round(mu + sqrt(mu) * sqrt(-2 * ln(u1)) * cos(2 * pi() * u2)))::float8 AS count
FROM generate_series(1, $units) i,
	LATERAL (SELECT CASE WHEN i % 10 < 5 THEN 0 WHEN i % 10 < 8 THEN 1 ELSE 2 END AS g,
	                round(1000 * 10 ^ (2.5 * ((i * 0.6180339887) % 1))) AS pop) c,
	generate_series(2006, 2016) yr,
	LATERAL (SELECT pop / 1e5 * CASE g WHEN 0 THEN 300 * exp(-0.03 * (yr - 2006))
	                                   WHEN 1 THEN 1200 * exp(0.04 * (yr - 2006) - 0.006 * (yr - 2006) ^ 2)
	                                   ELSE 3000 * exp(-0.06 * (yr - 2006)) END AS mu,
	                ((i::bigint * 7919 + yr::bigint * 104729) % 10007 + 0.5) / 10007 AS u1,
	                ((i::bigint * 15485863 + yr::bigint * 32452843) % 10009 + 0.5) / 10009 AS u2) r;
ANALYZE bench_crimcv_obs;
ANALYZE bench_county;
SQL

log "timing (fastest of $reps runs each)"
psql -X -q -v ON_ERROR_STOP=1 -P footer=off <<SQL
SET search_path = public, scomm;
\i $SCOMM_ROOT/scripts/bench.d/best_ms.sql
CREATE TEMP TABLE panels AS
SELECT (SELECT trajectory_panel(id, age, y) FROM bench_crimcv_obs) AS crimcv,
       (SELECT trajectory_panel(county, year - 2011, count, pop) FROM bench_county) AS counties;
CREATE TEMP TABLE timing (what text, ms float8);
INSERT INTO timing SELECT 'panel: crimCV 378 x 31', pg_temp.best_ms('SELECT trajectory_panel(id, age, y) FROM bench_crimcv_obs', $reps);
INSERT INTO timing SELECT 'panel: $units counties x 11 years', pg_temp.best_ms('SELECT trajectory_panel(county, year - 2011, count, pop) FROM bench_county', $reps);
INSERT INTO timing SELECT 'fit: crimCV, 4 zip groups', pg_temp.best_ms('SELECT trajectory_groups(crimcv, 4, 2, ''zip'') FROM panels', $reps);
INSERT INTO timing SELECT 'fit: $units counties, 3 poisson groups', pg_temp.best_ms('SELECT trajectory_groups(counties, 3) FROM panels', $reps);
SELECT what, round(ms::numeric, 1) AS ms FROM timing;
SELECT 'crimCV fit: seconds' AS ratio,
       round(((SELECT ms FROM timing WHERE what LIKE 'fit: crimCV%') / 1000)::numeric, 3) AS measured, '< 2' AS target
UNION ALL
SELECT 'crimCV fit: speed-up over crimCV (267 s)',
       round((267000 / (SELECT ms FROM timing WHERE what LIKE 'fit: crimCV%'))::numeric, 0), ''
UNION ALL
SELECT 'county fit: seconds',
       round(((SELECT ms FROM timing WHERE what LIKE 'fit: $units%') / 1000)::numeric, 3), '< 2';
-- what the fits found (the simulated counties: shares 0.5, 0.3, 0.2)
SELECT 'crimCV' AS data, f.loglik, f.bic, f.converged, f.starts_at_best,
       (SELECT string_agg(round(share::numeric, 3)::text, ' ' ORDER BY group_id) FROM trajectory_shares(m)) AS shares
FROM (SELECT trajectory_groups(crimcv, 4, 2, 'zip') m FROM panels) x, trajectory_fit(m) f
UNION ALL
SELECT 'counties', f.loglik, f.bic, f.converged, f.starts_at_best,
       (SELECT string_agg(round(share::numeric, 3)::text, ' ' ORDER BY group_id) FROM trajectory_shares(m))
FROM (SELECT trajectory_groups(counties, 3) m FROM panels) x, trajectory_fit(m) f;
SQL
psql -X -q -c "DROP TABLE bench_crimcv, bench_crimcv_obs, bench_county"
