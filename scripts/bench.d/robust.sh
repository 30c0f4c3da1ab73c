# scripts/bench robust (sourced by scripts/bench): the robustness estimators
# of issue 16 on the simulated panel of scripts/bench did (3,000 counties x
# 120 months, 50 monthly cohorts, 10% never activated), measured in one run:
#   sun_abraham (6,000 cohort x month coefficients) against att_gt with
#     never-treated controls and a universal base, whose cells it equals
#   bacon_decomposition against twfe, whose estimate it decomposes
#   did_imputation against sun_abraham
#   honest_did, smoothness and relative magnitudes (event times -10 .. 10),
#     and honest_bounds on HonestDiD's own example against the times R's
#     HonestDiD took on it (data/reference/did/honest/public_bc_expected.txt)
#   each target <= 2 s (<= 1 s for one sensitivity analysis);
# then the coverage of did_imputation's 95% intervals over simulated panels
# with heterogeneous dynamic effects (200 units x 8 periods).
units="${SCOMM_BENCH_UNITS:-3000}"
periods="${SCOMM_BENCH_PERIODS:-120}"
replicates="${SCOMM_BENCH_REPLICATES:-200}"

log "simulating $units units x $periods periods, 50 cohorts"
psql -X -q -v ON_ERROR_STOP=1 <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_robust, bench_robust_panel, bench_robust_bc;
CREATE UNLOGGED TABLE bench_robust AS
SELECT unit, period, first_period, outcome
FROM scomm.simulate_panel($units, $periods, seed => 1, cohorts => 50, never_share => 0.1,
                          effect => 1, effect_growth => 0.02, noise => 1);
CREATE TABLE bench_robust_panel AS
SELECT scomm.did_panel(unit, period, outcome, first_period) AS panel FROM bench_robust;
CREATE TABLE bench_robust_bc (idx int, time int, period_type text, betahat float8,
	s1 float8, s2 float8, s3 float8, s4 float8, s5 float8, s6 float8, s7 float8, s8 float8);
\copy bench_robust_bc FROM '$SCOMM_ROOT/data/reference/did/honest/public_bc_inputs.csv' WITH (FORMAT csv, HEADER)
SQL

log "timing (fastest of $reps runs each)"
psql -X -q -v ON_ERROR_STOP=1 -P footer=off <<SQL
SET search_path = public, scomm;
SET client_min_messages = warning;
\i $SCOMM_ROOT/scripts/bench.d/best_ms.sql
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE timing (what text, ms float8);
INSERT INTO timing SELECT 'twfe', pg_temp.best_ms(
	'SELECT * FROM twfe((SELECT panel FROM bench_robust_panel))', $reps);
INSERT INTO timing SELECT 'att_gt, never treated, universal base', pg_temp.best_ms(
	\$q\$SELECT count(*) FROM att_gt((SELECT panel FROM bench_robust_panel), 'nevertreated', 'universal')\$q\$, $reps);
INSERT INTO timing SELECT 'sun_abraham', pg_temp.best_ms(
	'SELECT count(*) FROM sun_abraham((SELECT panel FROM bench_robust_panel))', $reps);
INSERT INTO timing SELECT 'bacon_decomposition', pg_temp.best_ms(
	'SELECT count(*) FROM bacon_decomposition((SELECT panel FROM bench_robust_panel))', $reps);
INSERT INTO timing SELECT 'did_imputation', pg_temp.best_ms(
	'SELECT count(*) FROM did_imputation((SELECT panel FROM bench_robust_panel))', $reps);
INSERT INTO timing SELECT 'honest_did smoothness, 3 M', pg_temp.best_ms(\$q\$
	SELECT count(*) FROM honest_did((SELECT panel FROM bench_robust_panel), 0, 'smoothness',
	                                ARRAY[0, 0.01, 0.02], min_e => -10, max_e => 10)\$q\$, $reps);
INSERT INTO timing SELECT 'honest_did relative magnitudes, 3 Mbar', pg_temp.best_ms(\$q\$
	SELECT count(*) FROM honest_did((SELECT panel FROM bench_robust_panel), 0, 'relative_magnitude',
	                                ARRAY[0.5, 1, 2], min_e => -10, max_e => 10)\$q\$, $reps);
CREATE TEMP TABLE bc AS
SELECT array_agg(betahat ORDER BY idx) AS b,
       array_agg(ARRAY[s1, s2, s3, s4, s5, s6, s7, s8] ORDER BY idx) AS s FROM bench_robust_bc;
INSERT INTO timing SELECT 'HonestDiD example: FLCI, 6 M', pg_temp.best_ms(\$q\$
	SELECT count(*) FROM bc, honest_bounds(b, s, 4, 4, 'smoothness', ARRAY[0, 0.01, 0.02, 0.03, 0.04, 0.05])\$q\$, $reps);
INSERT INTO timing SELECT 'HonestDiD example: C-LF, 4 Mbar', pg_temp.best_ms(\$q\$
	SELECT count(*) FROM bc, honest_bounds(b, s, 4, 4, 'relative_magnitude', ARRAY[0.5, 1, 1.5, 2])\$q\$, $reps);
SELECT what, round(ms::numeric, 1) AS ms FROM timing;
CREATE FUNCTION pg_temp.t(w text) RETURNS float8 LANGUAGE sql AS
	\$f\$ SELECT ms FROM timing WHERE what = w \$f\$;
SELECT 'sun_abraham / att_gt with the same cells' AS measure,
       round((pg_temp.t('sun_abraham') / pg_temp.t('att_gt, never treated, universal base'))::numeric, 2) AS ratio,
       round((pg_temp.t('sun_abraham') / 1000)::numeric, 2) AS seconds, '<= 2 s' AS target
UNION ALL
SELECT 'bacon_decomposition / twfe', round((pg_temp.t('bacon_decomposition') / pg_temp.t('twfe'))::numeric, 2),
       round((pg_temp.t('bacon_decomposition') / 1000)::numeric, 2), '<= 2 s'
UNION ALL
SELECT 'did_imputation / sun_abraham', round((pg_temp.t('did_imputation') / pg_temp.t('sun_abraham'))::numeric, 2),
       round((pg_temp.t('did_imputation') / 1000)::numeric, 2), '<= 2 s'
UNION ALL
SELECT 'honest_did smoothness (event study included)', NULL,
       round((pg_temp.t('honest_did smoothness, 3 M') / 1000)::numeric, 2), '<= 2 s'
UNION ALL
SELECT 'honest_did relative magnitudes (event study included)', NULL,
       round((pg_temp.t('honest_did relative magnitudes, 3 Mbar') / 1000)::numeric, 2), '<= 2 s'
UNION ALL
SELECT 'FLCI on HonestDiD''s example / HonestDiD 0.2.6 (59.9 s, quoted)',
       round((pg_temp.t('HonestDiD example: FLCI, 6 M') / 59900)::numeric, 4),
       round((pg_temp.t('HonestDiD example: FLCI, 6 M') / 1000)::numeric, 2), '<= 1 s'
UNION ALL
SELECT 'C-LF on HonestDiD''s example / HonestDiD 0.2.6 (75.7 s, quoted)',
       round((pg_temp.t('HonestDiD example: C-LF, 4 Mbar') / 75700)::numeric, 4),
       round((pg_temp.t('HonestDiD example: C-LF, 4 Mbar') / 1000)::numeric, 2), '<= 1 s';
SELECT substring(pg_read_file('/proc/' || pg_backend_pid() || '/status') FROM 'VmHWM:\s*(\d+ kB)')
       AS backend_peak_memory;
SQL

log "coverage of did_imputation's 95% intervals: $replicates simulated panels (200 units x 8 periods, effects growing with time since treatment)"
psql -X -q -v ON_ERROR_STOP=1 -P footer=off <<SQL
SET search_path = public, scomm;
SET client_min_messages = warning;
CREATE TEMP TABLE cover AS
SELECT s, i.kind, i.event_time, i.estimate, i.ci_low, i.ci_high,
       (SELECT avg(true_att) FROM simulate_panel(200, 8, seed => s, cohorts => 3, never_share => 0.3,
                                                 effect => 1, effect_growth => 0.5, noise => 1) t
        WHERE t.period >= t.first_period
          AND (i.event_time IS NULL OR t.period - t.first_period = i.event_time)) AS truth
FROM generate_series(1, $replicates) s,
     LATERAL did_imputation((SELECT did_panel(unit, period, outcome, first_period)
                             FROM simulate_panel(200, 8, seed => s, cohorts => 3, never_share => 0.3,
                                                 effect => 1, effect_growth => 0.5, noise => 1))) i;
SELECT coalesce(event_time::text, 'overall') AS estimand, count(*) AS panels,
       round(avg((ci_low <= truth AND truth <= ci_high)::int)::numeric, 3) AS coverage,
       '>= 0.95 - 0.03 (conservative)' AS expected,
       round(avg(estimate - truth)::numeric, 3) AS mean_error
FROM cover GROUP BY kind, event_time ORDER BY kind, event_time NULLS FIRST;
SQL
psql -X -q -c "DROP TABLE bench_robust, bench_robust_panel, bench_robust_bc"
