# scripts/bench lca (sourced by scripts/bench): a table of $rows rows of 10
# binary items drawn from 3 latent classes; times response_patterns against
# SELECT count(*), the 3-class fit with 20 starts over the pattern table, and
# response_patterns with 2 parallel workers against none (and, for scale, what
# 2 workers gain for SELECT count(*) on the same table and machine).  Then the
# same size with overlapping classes: plain EM against accelerated EM; and the
# class-number tests over SCOMM_BENCH_LCA_TABLES (20) simulated tables.
rows="${SCOMM_BENCH_ROWS:-1000000}"

# class shares 50/30/20%; probability of answer 1 for items 1-10 in each class
items=""
for j in $(seq 1 10); do
	p1=0.9; p2=0.2; p3=$([ "$j" -le 5 ] && echo 0.85 || echo 0.15)
	items="$items${items:+, }CASE WHEN random() < (CASE c WHEN 1 THEN $p1 WHEN 2 THEN $p2 ELSE $p3 END) THEN 1 ELSE 2 END"
done

log "building a table of $rows rows (10 binary items, 3 latent classes with shares 50/30/20%)"
psql -X -q -v ON_ERROR_STOP=1 <<SQL
SET search_path = public, scomm;
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_lca;
DO \$\$ BEGIN PERFORM setseed(0.5); END \$\$;
CREATE UNLOGGED TABLE bench_lca AS
SELECT ARRAY[$items] AS items
FROM (SELECT CASE WHEN u < 0.5 THEN 1 WHEN u < 0.8 THEN 2 ELSE 3 END AS c
      FROM (SELECT random() AS u FROM generate_series(1, $rows)) x) y;
VACUUM ANALYZE bench_lca;
SQL

log "timing (fastest of $reps rounds; each round runs every query once, in turn)"
psql -X -q -v ON_ERROR_STOP=1 -P footer=off <<SQL
SET search_path = public, scomm;
CREATE TEMP TABLE bench_lca_patterns AS SELECT response_patterns(items) AS p FROM bench_lca;
CREATE TEMP TABLE timing (what text, ms float8);
-- the queries alternate, so a busy moment of the shared machine hits all of them alike
DO \$\$
DECLARE
	q text[] := ARRAY['SELECT count(*) FROM bench_lca',
	                  'SELECT response_patterns(items) FROM bench_lca',
	                  'SELECT lca(p, 3) FROM bench_lca_patterns',
	                  'SELECT response_patterns(items) FROM bench_lca',
	                  'SELECT count(*) FROM bench_lca'];
	what text[] := ARRAY['count(*)', 'response_patterns', 'lca, 3 classes, 20 starts',
	                     'response_patterns, 2 workers', 'count(*), 2 workers'];
	best float8[] := array_fill('infinity'::float8, ARRAY[5]);
	t0 timestamptz;
BEGIN
	FOR r IN 1 .. $reps LOOP
		FOR i IN 1 .. 5 LOOP
			PERFORM set_config('max_parallel_workers_per_gather', CASE WHEN i >= 4 THEN '2' ELSE '0' END, false);
			PERFORM set_config('parallel_leader_participation', CASE WHEN i >= 4 THEN 'off' ELSE 'on' END, false);
			t0 := clock_timestamp();
			EXECUTE q[i];
			best[i] := least(best[i], 1000 * extract(epoch FROM clock_timestamp() - t0));
		END LOOP;
	END LOOP;
	INSERT INTO timing SELECT w, b FROM unnest(what, best) u(w, b);
END
\$\$;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
\pset title 'the table and the fit'
SELECT (pattern_size(p)).rows AS rows, (pattern_size(p)).distinct_patterns, f.loglik, f.bic, f.iterations, f.converged,
       f.starts_at_best, (SELECT string_agg(round(share::numeric, 3)::text, ' / ' ORDER BY class) FROM lca_classes(m)) AS shares
FROM bench_lca_patterns, lca(p, 3) m, lca_fit(m) f;
\pset title 'times (ms)'
SELECT what, round(ms::numeric, 1) AS ms FROM timing;
\pset title 'ratios'
SELECT 'response_patterns / count(*)' AS ratio,
       round(((SELECT ms FROM timing WHERE what = 'response_patterns') / (SELECT ms FROM timing WHERE what = 'count(*)'))::numeric, 2) AS measured,
       '<= 2' AS target
UNION ALL
SELECT 'fit with 20 starts, seconds',
       round(((SELECT ms FROM timing WHERE what = 'lca, 3 classes, 20 starts') / 1000)::numeric, 3), '<= 1'
UNION ALL
SELECT 'speed-up of response_patterns, 2 workers vs none',
       round(((SELECT ms FROM timing WHERE what = 'response_patterns') / (SELECT ms FROM timing WHERE what = 'response_patterns, 2 workers'))::numeric, 2), '>= 1.6'
UNION ALL
SELECT 'the same for count(*): what a scan of this table gains here',
       round(((SELECT ms FROM timing WHERE what = 'count(*)') / (SELECT ms FROM timing WHERE what = 'count(*), 2 workers'))::numeric, 2), ''
UNION ALL
SELECT 'pattern table + fit, seconds (poLCA: about 61 s for one start)',
       round((((SELECT ms FROM timing WHERE what = 'response_patterns') + (SELECT ms FROM timing WHERE what = 'lca, 3 classes, 20 starts')) / 1000)::numeric, 3), ''
;
SQL
psql -X -q -c "DROP TABLE bench_lca"

# Hard data: the same size with overlapping classes (answer-1 probabilities .6 / .4 /
# .6-then-.35), where plain EM needs about 2,000 iterations per start.  Plain EM (the
# default) against accelerated EM (SQUAREM with a monotone safeguard, hopeless starts
# stopped early), 20 starts of 3 classes each, the same table and the same run.
log "building a table of $rows rows with overlapping classes"
items=""
for j in $(seq 1 10); do
	p3=$([ "$j" -le 5 ] && echo 0.6 || echo 0.35)
	items="$items${items:+, }CASE WHEN random() < (CASE c WHEN 1 THEN 0.6 WHEN 2 THEN 0.4 ELSE $p3 END) THEN 1 ELSE 2 END"
done
psql -X -q -v ON_ERROR_STOP=1 <<SQL
SET search_path = public, scomm;
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_lca_hard;
DO \$\$ BEGIN PERFORM setseed(0.25); END \$\$;
CREATE UNLOGGED TABLE bench_lca_hard AS
SELECT response_patterns(ARRAY[$items]) AS p
FROM (SELECT CASE WHEN u < 0.5 THEN 1 WHEN u < 0.8 THEN 2 ELSE 3 END AS c
      FROM (SELECT random() AS u FROM generate_series(1, $rows)) x) y;
SQL

log "timing plain EM once and accelerated EM ($reps rounds, the fastest counts)"
psql -X -q -v ON_ERROR_STOP=1 -P footer=off <<SQL
SET search_path = public, scomm;
CREATE TEMP TABLE hard (method text, ms float8, m lca_model);
DO \$\$
DECLARE
	t0 timestamptz;
	m lca_model;
	best float8 := 'infinity';
BEGIN
	t0 := clock_timestamp();
	SELECT lca(p, 3) INTO m FROM bench_lca_hard;
	INSERT INTO hard VALUES ('plain EM', 1000 * extract(epoch FROM clock_timestamp() - t0), m);
	FOR r IN 1 .. $reps LOOP
		t0 := clock_timestamp();
		SELECT lca(p, 3, accelerate => true) INTO m FROM bench_lca_hard;
		best := least(best, 1000 * extract(epoch FROM clock_timestamp() - t0));
	END LOOP;
	INSERT INTO hard VALUES ('accelerated EM', best, m);
END
\$\$;
\pset title 'overlapping classes, 20 starts of 3 classes'
SELECT method, (pattern_size(p)).distinct_patterns, round(ms::numeric) AS ms, f.loglik, f.iterations AS em_steps_of_best,
       f.converged, f.starts_at_best,
       (SELECT string_agg(round(share::numeric, 4)::text, ' / ' ORDER BY class) FROM lca_classes(m)) AS shares
FROM hard, bench_lca_hard, lca_fit(m) f ORDER BY ms DESC;
\pset title 'ratios'
SELECT 'plain EM / accelerated EM, time' AS ratio,
       round(((SELECT ms FROM hard WHERE method = 'plain EM') / (SELECT ms FROM hard WHERE method = 'accelerated EM'))::numeric, 1) AS measured,
       '' AS target
UNION ALL
SELECT 'accelerated fit, seconds', round(((SELECT ms FROM hard WHERE method = 'accelerated EM') / 1000)::numeric, 3), '<= 1'
UNION ALL
SELECT 'log-likelihood, accelerated - plain (relative)',
       round((((SELECT (lca_fit(m)).loglik FROM hard WHERE method = 'accelerated EM') -
               (SELECT (lca_fit(m)).loglik FROM hard WHERE method = 'plain EM')) /
              abs((SELECT (lca_fit(m)).loglik FROM hard WHERE method = 'plain EM')))::numeric, 12), '|.| <= 1e-6'
UNION ALL
SELECT 'log-likelihood, accelerated - plain (absolute)',
       round(((SELECT (lca_fit(m)).loglik FROM hard WHERE method = 'accelerated EM') -
              (SELECT (lca_fit(m)).loglik FROM hard WHERE method = 'plain EM'))::numeric, 6), '';
SQL
psql -X -q -c "DROP TABLE bench_lca_hard"

# How many classes, by simulation: tables of 1,000 rows of 8 binary items from 2
# classes; how often each test rejects 1 vs 2 (power) and 2 vs 3 (level) at 5%.
tables="${SCOMM_BENCH_LCA_TABLES:-20}"
log "class-number tests on $tables simulated 2-class tables (bootstrap with 39 draws)"
psql -X -q -v ON_ERROR_STOP=1 -P footer=off <<SQL
SET search_path = public, scomm;
CREATE TEMP TABLE sim_tests (tbl int, classes int, vlmr_p float8, lmr_p float8, blrt_p float8);
DO \$\$
BEGIN
	FOR t IN 1 .. $tables LOOP
		PERFORM setseed(t / 1000.0);
		INSERT INTO sim_tests
		SELECT t, s.classes, s.vlmr_p, s.lmr_p, s.blrt_p
		FROM lca_select((SELECT response_patterns(ARRAY(SELECT CASE WHEN random() < CASE WHEN c THEN 0.8 ELSE 0.25 END THEN 1 ELSE 2 END
		                                                FROM generate_series(1, 8) j WHERE i > 0))
		                 FROM (SELECT i, random() < 0.6 AS c FROM generate_series(1, 1000) i) x),
		                3, accelerate => true, draws => 39, bootstrap_starts => 3, seed => t) s
		WHERE s.classes > 1;
	END LOOP;
END
\$\$;
\pset title 'share of tables where the test rejects at 5% (2 true classes)'
SELECT CASE classes WHEN 2 THEN '1 vs 2 (power)' ELSE '2 vs 3 (level)' END AS test, count(*) AS tables,
       round(avg((vlmr_p < 0.05)::int), 2) AS vlmr, round(avg((lmr_p < 0.05)::int), 2) AS lmr_adjusted,
       round(avg((blrt_p < 0.05)::int), 2) AS bootstrap
FROM sim_tests GROUP BY classes ORDER BY classes;
SQL
