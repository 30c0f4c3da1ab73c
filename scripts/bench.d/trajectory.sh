# scripts/bench trajectory (sourced by scripts/bench): trajectory_groups on
#  - crimCV's example (TO1adj: 378 offenders x ages 8..38, data/reference), 4 zero-inflated
#    Poisson groups, quadratic, 20 starts; crimCV needed 267 s for it on this machine;
#  - 3,000 simulated counties x 11 years (2006-2016) with population exposures, 3 Poisson
#    groups, quadratic, 20 starts;
#  - 3,000 simulated overdispersed counties x 11 years (4 groups, one dispersion each) with
#    three covariates of membership: 4 negative binomial groups, quadratic, 20 starts, against
#    4 Poisson groups on the same panel (the ratio is printed), and with the covariates.
# Targets: the crimCV and Poisson fits under 2 s, the negative binomial fit under 3 s.  Also
# times building the panels.  Then the coverage of the 95% confidence intervals over
# SCOMM_BENCH_REPLICATES (default 200) simulated panels with known negative binomial groups,
# dispersions and membership coefficients (test/unit/bench_traj_coverage.c).
# SCOMM_BENCH_UNITS changes the number of simulated counties.
units="${SCOMM_BENCH_UNITS:-3000}"
replicates="${SCOMM_BENCH_REPLICATES:-200}"

log "loading crimCV's TO1adj and simulating $units counties x 11 years in 3 groups"
cols=$(seq -s, -f 'o%g int' 8 38)
names=$(seq -s, -f 'o%g' 8 38)
psql -X -q -v ON_ERROR_STOP=1 <<SQL
SET search_path = public, scomm;
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_crimcv, bench_crimcv_obs, bench_county, bench_nb;
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
-- four groups of overdispersed counties (40/30/20/10%): a county's rate per 100,000 is its
-- group's curve times a gamma draw (mean 1, variance alpha of the group; Wilson-Hilferty from
-- hashed normals), counts ~ Poisson (normal approximation); covariates of membership: an
-- activation year, a share of non-citizens, log10 of the population
CREATE UNLOGGED TABLE bench_nb AS
SELECT i AS county, yr AS year, pop, g,
       greatest(0, round(m + sqrt(m) * z1))::float8 AS count,
       ARRAY[2009 + (i * 7) % 5, round((((i * 0.7548776662) % 1) * 0.2)::numeric, 4), log(pop)]::float8[] AS x
FROM generate_series(1, $units) i,
	LATERAL (SELECT CASE WHEN i % 10 < 4 THEN 0 WHEN i % 10 < 7 THEN 1 WHEN i % 10 < 9 THEN 2 ELSE 3 END AS g,
	                round(1000 * 10 ^ (2.5 * ((i * 0.6180339887) % 1))) AS pop) c,
	generate_series(2006, 2016) yr,
	LATERAL (SELECT ((i::bigint * 7919 + yr::bigint * 104729) % 10007 + 0.5) / 10007 AS u1,
	                ((i::bigint * 15485863 + yr::bigint * 32452843) % 10009 + 0.5) / 10009 AS u2,
	                ((i::bigint * 49979687 + yr::bigint * 86028121) % 10037 + 0.5) / 10037 AS u3,
	                ((i::bigint * 67867967 + yr::bigint * 15485867) % 10039 + 0.5) / 10039 AS u4) u,
	LATERAL (SELECT sqrt(-2 * ln(u1)) * cos(2 * pi() * u2) AS z1, sqrt(-2 * ln(u3)) * cos(2 * pi() * u4) AS z2,
	                (ARRAY[0.04, 0.06, 0.03, 0.1])[g + 1] AS alpha) n,
	LATERAL (SELECT pop / 1e5 * CASE g WHEN 0 THEN 300 * exp(-0.03 * (yr - 2006))
	                                   WHEN 1 THEN 1200 * exp(0.04 * (yr - 2006) - 0.006 * (yr - 2006) ^ 2)
	                                   WHEN 2 THEN 3000 * exp(-0.06 * (yr - 2006))
	                                   ELSE 600 * exp(0.02 * (yr - 2006)) END
	                * greatest(0, 1 - alpha / 9 + z2 * sqrt(alpha / 9)) ^ 3 AS m) r;
ANALYZE bench_crimcv_obs;
ANALYZE bench_county;
ANALYZE bench_nb;
SQL

log "timing (fastest of $reps runs each)"
psql -X -q -v ON_ERROR_STOP=1 -P footer=off <<SQL
SET search_path = public, scomm;
\i $SCOMM_ROOT/scripts/bench.d/best_ms.sql
CREATE TEMP TABLE panels AS
SELECT (SELECT trajectory_panel(id, age, y) FROM bench_crimcv_obs) AS crimcv,
       (SELECT trajectory_panel(county, year - 2011, count, pop) FROM bench_county) AS counties,
       (SELECT trajectory_panel(county, year - 2011, count, pop / 1e5) FROM bench_nb) AS nb,
       (SELECT trajectory_panel(county, year - 2011, count, pop / 1e5, x) FROM bench_nb) AS nbx;
CREATE TEMP TABLE timing (what text, ms float8);
INSERT INTO timing SELECT 'panel: crimCV 378 x 31', pg_temp.best_ms('SELECT trajectory_panel(id, age, y) FROM bench_crimcv_obs', $reps);
INSERT INTO timing SELECT 'panel: $units counties x 11 years', pg_temp.best_ms('SELECT trajectory_panel(county, year - 2011, count, pop) FROM bench_county', $reps);
INSERT INTO timing SELECT 'fit: crimCV, 4 zip groups', pg_temp.best_ms('SELECT trajectory_groups(crimcv, 4, 2, ''zip'') FROM panels', $reps);
INSERT INTO timing SELECT 'fit: $units counties, 3 poisson groups', pg_temp.best_ms('SELECT trajectory_groups(counties, 3) FROM panels', $reps);
INSERT INTO timing SELECT 'panel: $units overdispersed counties x 11 years, 3 covariates', pg_temp.best_ms('SELECT trajectory_panel(county, year - 2011, count, pop / 1e5, x) FROM bench_nb', $reps);
INSERT INTO timing SELECT 'fit: overdispersed counties, 4 poisson groups', pg_temp.best_ms('SELECT trajectory_groups(nb, 4) FROM panels', $reps);
INSERT INTO timing SELECT 'fit: overdispersed counties, 4 nbinom groups', pg_temp.best_ms('SELECT trajectory_groups(nb, 4, family => ''nbinom'') FROM panels', $reps);
INSERT INTO timing SELECT 'fit: overdispersed counties, 4 nbinom groups, 3 covariates', pg_temp.best_ms('SELECT trajectory_groups(nbx, 4, family => ''nbinom'') FROM panels', $reps);
SELECT what, round(ms::numeric, 1) AS ms FROM timing;
SELECT 'crimCV fit: seconds' AS ratio,
       round(((SELECT ms FROM timing WHERE what LIKE 'fit: crimCV%') / 1000)::numeric, 3) AS measured, '< 2' AS target
UNION ALL
SELECT 'crimCV fit: speed-up over crimCV (267 s)',
       round((267000 / (SELECT ms FROM timing WHERE what LIKE 'fit: crimCV%'))::numeric, 0), ''
UNION ALL
SELECT 'county fit: seconds',
       round(((SELECT ms FROM timing WHERE what LIKE 'fit: $units%') / 1000)::numeric, 3), '< 2'
UNION ALL
SELECT 'nbinom fit, 4 groups, 20 starts: seconds',
       round(((SELECT ms FROM timing WHERE what = 'fit: overdispersed counties, 4 nbinom groups') / 1000)::numeric, 3), '<= 3'
UNION ALL
SELECT 'nbinom fit / poisson fit on the same panel',
       round(((SELECT ms FROM timing WHERE what = 'fit: overdispersed counties, 4 nbinom groups')
              / (SELECT ms FROM timing WHERE what = 'fit: overdispersed counties, 4 poisson groups'))::numeric, 1), ''
UNION ALL
SELECT 'nbinom fit with 3 covariates: seconds',
       round(((SELECT ms FROM timing WHERE what LIKE 'fit: overdispersed counties, 4 nbinom groups, 3%') / 1000)::numeric, 3), '<= 3';
-- what the fits found (the simulated counties: shares 0.5, 0.3, 0.2)
SELECT 'crimCV' AS data, f.loglik, f.bic, f.converged, f.starts_at_best,
       (SELECT string_agg(round(share::numeric, 3)::text, ' ' ORDER BY group_id) FROM trajectory_shares(m)) AS shares
FROM (SELECT trajectory_groups(crimcv, 4, 2, 'zip') m FROM panels OFFSET 0) x, trajectory_fit(m) f
UNION ALL
SELECT 'counties', f.loglik, f.bic, f.converged, f.starts_at_best,
       (SELECT string_agg(round(share::numeric, 3)::text, ' ' ORDER BY group_id) FROM trajectory_shares(m))
FROM (SELECT trajectory_groups(counties, 3) m FROM panels OFFSET 0) x, trajectory_fit(m) f;
-- the overdispersed counties (simulated shares 0.4 0.3 0.2 0.1, dispersions 0.04 0.06 0.03 0.1):
-- poisson and nbinom, and BIC by the number of groups for nbinom
SELECT family, k AS groups, round(f.loglik) AS loglik, round(f.bic) AS bic, f.converged, f.starts_at_best,
       (SELECT string_agg(round(share::numeric, 3)::text, ' ' ORDER BY group_id) FROM trajectory_shares(m)) AS shares,
       (SELECT string_agg(round(estimate::numeric, 3)::text, ' ' ORDER BY group_id) FROM trajectory_coefficients(m)
        WHERE term = 'dispersion') AS dispersions
FROM (VALUES ('poisson'), ('nbinom')) v(family), generate_series(3, 5) k,
     LATERAL (SELECT trajectory_groups(nb, k, family => v.family) m FROM panels OFFSET 0) x, trajectory_fit(m) f
ORDER BY family DESC, k;
SQL
psql -X -q -c "DROP TABLE bench_crimcv, bench_crimcv_obs, bench_county, bench_nb"

log "coverage of the 95% intervals: $replicates simulated negative binomial panels with covariates of membership"
make -C "$SCOMM_ROOT" -s test/unit/bench_traj_coverage >/dev/null
"$SCOMM_ROOT/test/unit/bench_traj_coverage" "$replicates" 500
