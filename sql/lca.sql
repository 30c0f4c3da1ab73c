-- latent class analysis: response_patterns, lca_model, lca and its summaries,
-- against poLCA's published results and a simulation with known classes
SET search_path = public, scomm;
SET extra_float_digits = 0;

-- SQLSTATE and message of a statement that should fail
CREATE FUNCTION pg_temp.error_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'no error';
EXCEPTION
	WHEN query_canceled THEN RETURN SQLSTATE || ': ' || SQLERRM;
	WHEN OTHERS THEN RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- poLCA's data sets (data/reference/lca, provenance in data/SOURCES.md): one row
-- per respondent, items as int[] (an empty CSV field is a missing answer);
-- cheating's GPA and election's covariates are not items
CREATE TABLE lca_line (data text, line text);
\copy lca_line (line) FROM PROGRAM 'gzip -dc data/reference/lca/carcinoma.csv.gz'
UPDATE lca_line SET data = 'carcinoma' WHERE data IS NULL;
\copy lca_line (line) FROM PROGRAM 'gzip -dc data/reference/lca/values.csv.gz'
UPDATE lca_line SET data = 'values' WHERE data IS NULL;
\copy lca_line (line) FROM PROGRAM 'gzip -dc data/reference/lca/gss82.csv.gz'
UPDATE lca_line SET data = 'gss82' WHERE data IS NULL;
\copy lca_line (line) FROM PROGRAM 'gzip -dc data/reference/lca/cheating.csv.gz'
UPDATE lca_line SET data = 'cheating' WHERE data IS NULL;
\copy lca_line (line) FROM PROGRAM 'gzip -dc data/reference/lca/election.csv.gz'
UPDATE lca_line SET data = 'election' WHERE data IS NULL;
CREATE TABLE lca_data AS
SELECT data, (string_to_array(line, ',', '')::int[])[1:CASE data WHEN 'carcinoma' THEN 7 WHEN 'election' THEN 12 ELSE 4 END] AS items
FROM lca_line WHERE line NOT LIKE '"%';
SELECT data, count(*) AS rows, count(*) FILTER (WHERE array_position(items, NULL) IS NULL) AS complete
FROM lca_data GROUP BY data ORDER BY data;

-- poLCA's tables of distinct complete patterns with their frequencies
TRUNCATE lca_line;
\copy lca_line (line) FROM PROGRAM 'gzip -dc data/reference/lca/carcinoma_patterns.csv.gz'
UPDATE lca_line SET data = 'carcinoma' WHERE data IS NULL;
\copy lca_line (line) FROM PROGRAM 'gzip -dc data/reference/lca/values_patterns.csv.gz'
UPDATE lca_line SET data = 'values' WHERE data IS NULL;
\copy lca_line (line) FROM PROGRAM 'gzip -dc data/reference/lca/gss82_patterns.csv.gz'
UPDATE lca_line SET data = 'gss82' WHERE data IS NULL;
\copy lca_line (line) FROM PROGRAM 'gzip -dc data/reference/lca/cheating_patterns.csv.gz'
UPDATE lca_line SET data = 'cheating' WHERE data IS NULL;
\copy lca_line (line) FROM PROGRAM 'gzip -dc data/reference/lca/election_patterns.csv.gz'
UPDATE lca_line SET data = 'election' WHERE data IS NULL;
CREATE TABLE lca_ref_pattern AS
SELECT data, a[1:array_length(a, 1) - 1] AS pattern, a[array_length(a, 1)]::float8 AS freq
FROM (SELECT data, string_to_array(line, ',')::int[] AS a FROM lca_line WHERE line NOT LIKE '"%') x;
DROP TABLE lca_line;

-- the pattern tables: every row, and (election) the complete cases only
CREATE TABLE lca_pt AS
SELECT data, response_patterns(items) AS p FROM lca_data GROUP BY data
UNION ALL
SELECT 'election complete', response_patterns(items) FROM lca_data
WHERE data = 'election' AND array_position(items, NULL) IS NULL;
SELECT data, (pattern_size(p)).* FROM lca_pt ORDER BY data;

-- the aggregate gives poLCA's pattern tables (complete patterns) exactly
SELECT r.data,
       (SELECT count(*) FROM (SELECT pattern, count FROM lca_pt t, pattern_counts(t.p)
                              WHERE t.data = CASE r.data WHEN 'election' THEN 'election complete' ELSE r.data END
                              EXCEPT SELECT pattern, freq FROM lca_ref_pattern f WHERE f.data = r.data) d) AS extra,
       (SELECT count(*) FROM (SELECT pattern, freq FROM lca_ref_pattern f WHERE f.data = r.data
                              EXCEPT SELECT pattern, count FROM lca_pt t, pattern_counts(t.p)
                              WHERE t.data = CASE r.data WHEN 'election' THEN 'election complete' ELSE r.data END) d) AS missing
FROM (SELECT DISTINCT data FROM lca_ref_pattern) r ORDER BY r.data;
-- and the counts of a plain GROUP BY, missing answers included
SELECT count(*) AS differing
FROM (SELECT pattern, count FROM lca_pt t, pattern_counts(t.p) WHERE t.data = 'election'
      EXCEPT SELECT items, count(*) FROM lca_data WHERE data = 'election' GROUP BY items) d;

-- poLCA's best log-likelihoods, AIC, BIC and class shares (reference/README.md):
-- log-likelihood to 1e-4, AIC, BIC and shares to 1e-3, default arguments
-- (20 starts, seed 1); gss82 reaches the global maximum -2754.5454
CREATE TABLE lca_ref (data text, classes int, loglik float8, aic float8, bic float8, shares float8[]);
INSERT INTO lca_ref VALUES
	('carcinoma', 2, -317.2568, 664.5137, 706.0739, '{.5012,.4988}'),
	('carcinoma', 3, -293.7050, 633.4100, 697.1357, '{.4447,.3736,.1817}'),
	('carcinoma', 4, -289.2858, 640.5717, 726.4629, '{.3751,.3430,.1882,.0936}'),
	('values', 2, -504.4677, 1026.9353, 1057.3128, '{.7208,.2792}'),
	('gss82', 3, -2754.5454, 5549.0908, 5650.9257, '{.6207,.2070,.1723}'),
	('cheating', 2, -440.0271, 898.0542, 931.9409, '{.8394,.1606}'),
	('election complete', 3, -16714.6591, 33649.3183, 34218.9583, '{.4194,.3198,.2608}'),
	('election', 3, -21311.5357, 42843.0713, 43446.6604, '{.4313,.2908,.2779}');
CREATE TABLE lca_m AS SELECT r.data, r.classes, lca(t.p, r.classes) AS m FROM lca_ref r JOIN lca_pt t USING (data);
SELECT r.data, r.classes, f.n, f.npar,
       abs(f.loglik - r.loglik) < 1e-4 AS loglik_ok,
       abs(f.aic - r.aic) < 1e-3 AS aic_ok,
       abs(f.bic - r.bic) < 1e-3 AS bic_ok,
       (SELECT bool_and(abs(c.share - r.shares[c.class]) < 1e-3) AND count(*) = r.classes
        FROM lca_classes(m.m) c) AS shares_ok,
       f.starts = 20 AND f.starts_at_best BETWEEN 1 AND 20 AS starts_ok
FROM lca_ref r JOIN lca_m m USING (data, classes), lca_fit(m.m) f
ORDER BY r.data, r.classes;

-- carcinoma, 3 classes: G2 15.2617, X2 20.5034, 23 parameters, 95 residual df,
-- relative entropy 0.9257 (reference/README.md)
SELECT abs(gsq - 15.2617) < 1e-4 AS gsq_ok, abs(chisq - 20.5034) < 1e-4 AS chisq_ok,
       npar, resid_df, abs(entropy - 0.9257) < 1e-4 AS entropy_ok, converged, n_dropped
FROM lca_m m, lca_fit(m.m) f WHERE m.data = 'carcinoma' AND m.classes = 3;

-- gss82: single starts stop at poLCA's local maxima -2755.617, -2755.739 and
-- -2762.231 or at the global -2754.5454; each is reached from some seed in 1..30
WITH single AS (
	SELECT (lca_fit(lca(p, 3, starts => 1, seed => s))).loglik AS ll
	FROM lca_pt, generate_series(1, 30) s WHERE data = 'gss82')
SELECT x.ll AS polca_maximum, count(*) FILTER (WHERE abs(single.ll - x.ll) < 1e-3) > 0 AS reached,
       max(single.ll) < -2754.5454 + 1e-4 AS none_above_global
FROM (VALUES (-2754.5454::float8), (-2755.617), (-2755.739), (-2762.231)) x(ll), single
GROUP BY x.ll ORDER BY x.ll DESC;

-- the statistics follow from the log-likelihood: npar = (R-1) + R sum(K-1),
-- AIC, BIC, sample-size adjusted BIC; shares and modal shares sum to 1; each
-- class's probabilities of an item sum to 1
SELECT m.data, m.classes,
       f.npar = (m.classes - 1) + m.classes * (SELECT sum(k - 1) FROM (SELECT max(category) k FROM lca_items(m.m) GROUP BY item) i) AS npar_ok,
       abs(f.aic - (-2 * f.loglik + 2 * f.npar)) < 1e-9 AND abs(f.bic - (-2 * f.loglik + ln(f.n) * f.npar)) < 1e-9
       AND abs(f.sabic - (-2 * f.loglik + ln((f.n + 2) / 24) * f.npar)) < 1e-9 AS criteria_ok,
       (SELECT abs(sum(share) - 1) < 1e-12 AND abs(sum(modal_share) - 1) < 1e-12 FROM lca_classes(m.m)) AS shares_sum_1,
       (SELECT bool_and(abs(s - 1) < 1e-12) FROM (SELECT sum(probability) s FROM lca_items(m.m) GROUP BY class, item) i) AS probabilities_sum_1,
       (SELECT array_agg(share ORDER BY class) = array_agg(share ORDER BY share DESC) FROM lca_classes(m.m)) AS classes_by_share
FROM lca_m m, lca_fit(m.m) f ORDER BY m.data, m.classes;

-- lca_posterior is Bayes' rule over lca_classes and lca_items, computed here
-- in SQL (missing answers left out); lca_classify is its largest element
CREATE TABLE lca_item AS SELECT m.data, m.classes, i.* FROM lca_m m, lca_items(m.m) i;
WITH joint AS (
	-- log of share x product of the observed answers' probabilities (NULL when one is 0)
	SELECT m.data, m.classes, d.items, c.class,
	       (SELECT CASE WHEN min(i.probability) = 0 THEN NULL
	                    ELSE ln(c.share) + coalesce(sum(ln(nullif(i.probability, 0))), 0) END
	        FROM unnest(d.items) WITH ORDINALITY a(y, j)
	        JOIN lca_item i ON i.data = m.data AND i.classes = m.classes AND i.class = c.class
	                       AND i.item = a.j AND i.category = a.y) AS lj
	FROM lca_m m
	JOIN (SELECT DISTINCT data, items FROM lca_data) d USING (data)
	CROSS JOIN LATERAL lca_classes(m.m) c),
scaled AS (
	SELECT data, classes, items, class, lj - max(lj) OVER (PARTITION BY data, classes, items) AS d FROM joint),
bayes AS (
	SELECT data, classes, items, class, e / sum(e) OVER w AS post,
	       rank() OVER (w ORDER BY e DESC, class) AS rk
	FROM (SELECT *, CASE WHEN d IS NULL OR d < -700 THEN 0 ELSE exp(d) END AS e FROM scaled) x
	WINDOW w AS (PARTITION BY data, classes, items))
SELECT b.data, b.classes, count(DISTINCT b.items) AS patterns,
       bool_and(abs((lca_posterior(m.m, b.items))[b.class] - b.post) < 1e-12) AS posterior_ok,
       bool_and(lca_classify(m.m, b.items) = b.class) FILTER (WHERE b.rk = 1) AS classify_ok
FROM bayes b JOIN lca_m m USING (data, classes)
GROUP BY b.data, b.classes ORDER BY b.data, b.classes;

-- modal_share, avepp and the relative entropy over the rows, recomputed here
SELECT m.data, m.classes,
       (SELECT bool_and(abs(c.modal_share - x.assigned::float8 / x.n) < 1e-12 AND abs(c.avepp - x.pp) < 1e-12)
        FROM lca_classes(m.m) c
        JOIN (SELECT k, sum(count(*)) OVER () AS n, count(*) AS assigned, avg(p[k]) AS pp
              FROM (SELECT lca_classify(m.m, items) k, lca_posterior(m.m, items) p FROM lca_data WHERE data = m.data) r
              GROUP BY k) x ON x.k = c.class) AS modal_ok,
       abs(f.entropy - (1 - (SELECT sum(-v * ln(v)) FROM lca_data d, unnest(lca_posterior(m.m, d.items)) v
                             WHERE d.data = m.data AND v > 0) / (f.n * ln(m.classes)))) < 1e-9 AS entropy_ok
FROM lca_m m, lca_fit(m.m) f WHERE m.data IN ('carcinoma', 'values', 'cheating') ORDER BY m.data, m.classes;

-- rows without any observed answer are dropped and counted; the fit is that
-- of the other rows (the same starts, so the same numbers)
SELECT f.n, f.n_dropped, f.loglik = g.loglik AS same_loglik, f.bic = g.bic AS same_bic
FROM (SELECT lca(response_patterns(items), 2) m
      FROM (SELECT items FROM lca_data WHERE data = 'values'
            UNION ALL SELECT '{NULL,NULL,NULL,NULL}' FROM generate_series(1, 3)) x) a,
     lca_fit(a.m) f, lca_m b, lca_fit(b.m) g
WHERE b.data = 'values' AND b.classes = 2;
-- NULL arrays are ignored, as aggregates ignore NULL; over no rows the table is NULL
SELECT (pattern_size(response_patterns(items))).rows FROM (SELECT items FROM lca_data WHERE data = 'values' UNION ALL SELECT NULL) x;
SELECT response_patterns(items) IS NULL AS no_rows_is_null FROM lca_data WHERE false;
SELECT response_patterns(NULL::int[]) IS NULL AS null_rows_is_null FROM generate_series(1, 3);

-- lca_select: one row per number of classes, each the fit lca() gives alone
SELECT s.classes, s.npar, s.loglik = f.loglik AND s.aic = f.aic AND s.bic = f.bic AND s.entropy IS NOT DISTINCT FROM f.entropy
       AND s.iterations = f.iterations AS same_as_lca,
       s.classes = 1 OR abs(s.loglik - r.loglik) < 1e-4 AS polca_ok
FROM lca_pt t, lca_select(t.p, 4) s
JOIN LATERAL lca_fit(lca(t.p, s.classes)) f ON true
LEFT JOIN lca_ref r ON r.data = 'carcinoma' AND r.classes = s.classes
WHERE t.data = 'carcinoma' ORDER BY s.classes;
-- one class: the independence model, whose log-likelihood is the sum over
-- items of sum n_k ln(n_k / n), computed here from the rows; entropy undefined
SELECT abs(f.loglik - (SELECT sum(c * ln(c / 118.0)) FROM (SELECT count(*) c FROM lca_data, unnest(items) WITH ORDINALITY u(y, j)
                                                       WHERE data = 'carcinoma' GROUP BY j, y) x)) < 1e-9 AS independence_ok,
       f.entropy IS NULL AS entropy_null, f.converged
FROM lca_pt t, lca_select(t.p, 1) f WHERE t.data = 'carcinoma';

-- simulated localities with known classes: SIMULATED removals of 2000
-- counties (scomm.simulate_removals, true_class 1 active, 2 moderate, 3
-- limited); indicators: removals per non-citizen (5 groups), non-criminal share
-- (4 groups) and Level 1 share among convicted removals (4 groups), which are
-- independent given the class (the level profile is Dirichlet, so the NC share
-- is independent of the proportions among the other levels).  Agreement with
-- the true classes, each estimated class matched to the true class most of its
-- counties have, is the share the model expects to classify correctly (the
-- mean largest posterior, sum of modal_share x avepp), within sampling error.
CREATE TABLE lca_sim_county AS
SELECT 'S' || lpad(i::text, 4, '0') AS fips, '2008-10-27'::activation_cohort AS cohort,
       (2000 + (i * 7919) % 20000)::float8 AS noncitizens
FROM generate_series(1, 2000) i;
CREATE TABLE lca_sim AS
SELECT r.fips, max(r.true_class) AS true_class, sum(r.removals) / max(c.noncitizens) AS per_noncitizen,
       sum(r.removals) FILTER (WHERE r.level = 'NC')::float8 / sum(r.removals) AS nc_share,
       sum(r.removals) FILTER (WHERE r.level = 'L1')::float8 / sum(r.removals) FILTER (WHERE r.level <> 'NC') AS l1_share
FROM (SELECT array_agg(fips) f, array_agg(cohort) c, array_agg(noncitizens) n FROM lca_sim_county) a,
     simulate_removals(a.f, a.c, a.n, seed => 1, total => 3e6) r
JOIN lca_sim_county c USING (fips)
GROUP BY r.fips;
CREATE TABLE lca_sim_items AS
SELECT fips, true_class,
       ARRAY[ntile(5) OVER (ORDER BY per_noncitizen), ntile(4) OVER (ORDER BY nc_share), ntile(4) OVER (ORDER BY l1_share)] AS items
FROM lca_sim;
CREATE TABLE lca_sim_model AS SELECT lca(response_patterns(items), 3) AS m FROM lca_sim_items;
WITH crossed AS (
	SELECT lca_classify(m, items) AS class, true_class, count(*) AS n
	FROM lca_sim_items, lca_sim_model GROUP BY 1, 2),
matched AS (SELECT DISTINCT ON (class) class, true_class, n FROM crossed ORDER BY class, n DESC)
SELECT count(DISTINCT true_class) = 3 AS one_to_one,
       sum(n) / 2000.0 > 0.85 AS agreement_high,
       abs(sum(n) / 2000.0 - (SELECT sum(modal_share * avepp) FROM lca_sim_model, lca_classes(m))) < 0.03 AS agreement_as_implied
FROM matched;
-- the true shares are 20%, 45% and 35%: class 1 (the largest) is the moderate one
SELECT c.class, t.true_class, abs(c.share - t.share) < 0.05 AS share_ok
FROM lca_sim_model, lca_classes(m) c
JOIN (VALUES (1, 2, 0.45), (2, 3, 0.35), (3, 1, 0.20)) t(class, true_class, share) USING (class)
ORDER BY c.class;

-- text forms round-trip exactly, and so does a model through its text form
SELECT bool_and(p::text::response_patterns::text = p::text) AS patterns_round_trip FROM lca_pt;
SELECT bool_and(m::text::lca_model::text = m::text) AS model_round_trip,
       bool_and(row(lca_fit(m::text::lca_model)) IS NOT DISTINCT FROM row(lca_fit(m))) AS same_fit
FROM lca_m;
SELECT '{J=3;0,2,1:3;1,2,1:40;1,2,2:0.5}'::response_patterns, ' {J=2} '::response_patterns AS empty_table;
SELECT * FROM pattern_counts('{J=3;0,2,1:3;1,2,1:40;1,2,2:0.5}');
-- the array's bounds do not matter, only its elements in order
SELECT response_patterns(x) FROM (VALUES ('[0:2]={1,NULL,3}'::int[]), ('{1,NULL,3}'), ('[5:7]={2,1,1}')) v(x);
-- a model written by hand (the text form of docs/lca_core.md) classifies by Bayes'
-- rule: P(class 1 | 1,1) = .6*.9*.7 / (.6*.9*.7 + .4*.2*.4) = .378/.41
SELECT lca_posterior(m, '{1,1}') AS posterior, abs((lca_posterior(m, '{1,1}'))[1] - 0.378 / 0.41) < 1e-15 AS bayes_ok,
       lca_classify(m, '{2,2}') AS class_of_2_2, lca_posterior(m, '{NULL,NULL}') AS no_answer_gives_shares
FROM (SELECT '{lca=1;J=2;R=2;K=2,2;share=0.6,0.4;probs=0.9,0.1/0.7,0.3|0.2,0.8/0.4,0.6;modal_share=0.6,0.4;avepp=0.9,0.8;loglik=-10;aic=30;bic=32;sabic=31;gsq=NaN;chisq=NaN;entropy=0.5;n=10;n_dropped=0;n_complete=10;resid_df=-2;tol=1e-10;npar=5;iterations=3;converged=1;starts=1;starts_at_best=1;starts_failed=0;max_iter=10;seed=1}'::lca_model AS m) x;
SELECT lca_classify(m, NULL) IS NULL AS strict_classify, lca_posterior(NULL, '{1,2}') IS NULL AS strict_posterior
FROM lca_m WHERE data = 'values';

-- binary COPY of stored pattern tables and models
CREATE TABLE lca_copy (data text, p response_patterns, m lca_model);
INSERT INTO lca_copy SELECT t.data, t.p, m.m FROM lca_pt t LEFT JOIN lca_m m ON m.data = t.data AND m.classes = 2;
CREATE TABLE lca_copy2 (LIKE lca_copy);
COPY lca_copy TO '/tmp/scomm_regress_lca.bin' WITH (FORMAT binary);
COPY lca_copy2 FROM '/tmp/scomm_regress_lca.bin' WITH (FORMAT binary);
SELECT count(*) AS copied,
       count(*) FILTER (WHERE a.p::text = b.p::text AND a.m::text IS NOT DISTINCT FROM b.m::text) AS identical
FROM lca_copy a JOIN lca_copy2 b USING (data);
-- hand-made binary values: a valid table (J=2, one pattern 1,2 with count 3),
-- then an unknown version, a pattern out of order, a count of 0, a trailing byte
CREATE FUNCTION pg_temp.copy_patterns(hex text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	body bytea := decode(hex, 'hex');
BEGIN
	PERFORM lo_from_bytea(4242060, decode('5047434f50590aff0d0a00' || '00000000' || '00000000' || '0001', 'hex')
	        || int4send(length(body)) || body || decode('ffff', 'hex'));
	PERFORM lo_export(4242060, '/tmp/scomm_regress_lca_bad.bin');
	PERFORM lo_unlink(4242060);
	TRUNCATE lca_copy2;
	COPY lca_copy2 (p) FROM '/tmp/scomm_regress_lca_bad.bin' WITH (FORMAT binary);
	RETURN (SELECT p::text FROM lca_copy2);
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT what, pg_temp.copy_patterns(hex) AS result
FROM (VALUES ('valid', '01' || '00000002' || '0000000000000001' || '0102' || '4008000000000000'),
             ('version 2', '02' || '00000002' || '0000000000000001' || '0102' || '4008000000000000'),
             ('out of order', '01' || '00000002' || '0000000000000002' || '0102' || '4008000000000000' || '0101' || '3ff0000000000000'),
             ('count 0', '01' || '00000002' || '0000000000000001' || '0102' || '0000000000000000'),
             ('trailing byte', '01' || '00000002' || '0000000000000001' || '0102' || '4008000000000000' || '00'),
             ('too short', '01' || '00000002' || '0000000000000002' || '0102' || '4008000000000000')) v(what, hex);
-- a model's binary form cut short, and with its class shares swapped for a non-distribution
CREATE FUNCTION pg_temp.copy_model(body bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	PERFORM lo_from_bytea(4242061, decode('5047434f50590aff0d0a00' || '00000000' || '00000000' || '0001', 'hex')
	        || int4send(length(body)) || body || decode('ffff', 'hex'));
	PERFORM lo_export(4242061, '/tmp/scomm_regress_lca_bad.bin');
	PERFORM lo_unlink(4242061);
	TRUNCATE lca_copy2;
	COPY lca_copy2 (m) FROM '/tmp/scomm_regress_lca_bad.bin' WITH (FORMAT binary);
	RETURN (SELECT (lca_fit(m)).loglik::text FROM lca_copy2);
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT pg_temp.copy_model(lca_model_send(m)) = (lca_fit(m)).loglik::text AS valid_ok,
       pg_temp.copy_model(substring(lca_model_send(m) FROM 1 FOR 40)) AS cut_short,
       pg_temp.copy_model(overlay(lca_model_send(m) PLACING float8send(0.9) FROM 1 + 1 + 4 + 4 + 4 FOR 8)) AS bad_shares
FROM lca_m WHERE data = 'values';
DROP TABLE lca_copy, lca_copy2;

-- stored pattern tables merged later give the one-pass table (parts of 100 rows)
CREATE TABLE lca_part AS
SELECT data, i / 100 AS part, response_patterns(items) AS p
FROM (SELECT data, items, row_number() OVER (PARTITION BY data) AS i FROM lca_data) x GROUP BY 1, 2;
SELECT t.data, count(*) AS parts, response_patterns(s.p)::text = t.p::text AS merged_equals_one_pass
FROM lca_part s JOIN lca_pt t USING (data) GROUP BY t.data, t.p::text ORDER BY t.data;
SELECT response_patterns_merge(a.p, b.p)::text
       = (SELECT response_patterns(p)::text FROM lca_part WHERE data = 'gss82' AND part IN (0, 1)) AS two_argument_merge_ok
FROM lca_part a, lca_part b
WHERE a.data = 'gss82' AND a.part = 0 AND b.data = 'gss82' AND b.part = 1;
SELECT response_patterns_merge(NULL, p)::text = p::text AS null_merge_ok FROM lca_pt WHERE data = 'values';

-- a parallel plan gives the serial answer
CREATE TABLE lca_big AS SELECT d.items FROM lca_data d, generate_series(1, 20) g WHERE d.data = 'election';
ANALYZE lca_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT response_patterns(items) FROM lca_big;
CREATE TEMP TABLE lca_parallel AS SELECT response_patterns(items) AS p FROM lca_big;
EXPLAIN (COSTS OFF) SELECT response_patterns(p) FROM lca_part;
CREATE TEMP TABLE lca_parallel_merge AS SELECT data, response_patterns(p) AS p FROM lca_part GROUP BY data;
SET max_parallel_workers_per_gather = 0;
SELECT p::text = (SELECT response_patterns(items)::text FROM lca_big) AS parallel_equals_serial,
       (pattern_size(p)).rows = 20 * 1785 AS rows_ok
FROM lca_parallel;
SELECT bool_and(m.p::text = t.p::text) AS parallel_merge_equals_one_pass FROM lca_parallel_merge m JOIN lca_pt t USING (data);
RESET ALL;
SET search_path = public, scomm;
SET extra_float_digits = 0;

-- bad input: every case an ERROR with a specific SQLSTATE
SELECT what, pg_temp.error_of(q) AS error
FROM (VALUES
	('row of another length', 'SELECT response_patterns(x) FROM (VALUES (''{1,2,NULL}''::int[]), (''{1,2}'')) v(x)'),
	('category 0', 'SELECT response_patterns(x) FROM (VALUES (''{1,2}''::int[]), (''{1,0}'')) v(x)'),
	('negative category', 'SELECT response_patterns(x) FROM (VALUES (''{-1,2}''::int[])) v(x)'),
	('smallest int category', 'SELECT response_patterns(x) FROM (VALUES (''{-2147483648,2}''::int[])) v(x)'),
	('category 256', 'SELECT response_patterns(x) FROM (VALUES (''{1,256}''::int[])) v(x)'),
	('category 0 after a missing answer', 'SELECT response_patterns(x) FROM (VALUES (''{NULL,0,2}''::int[])) v(x)'),
	('empty array', 'SELECT response_patterns(x) FROM (VALUES (''{}''::int[])) v(x)'),
	('two-dimensional array', 'SELECT response_patterns(x) FROM (VALUES (''{{1,2},{1,1}}''::int[])) v(x)'),
	('1001 items', 'SELECT response_patterns(array_fill(1, ARRAY[1001]))'),
	('merging tables of 2 and 3 items', 'SELECT response_patterns(p) FROM (VALUES (''{J=2;1,2:1}''::response_patterns), (''{J=3;1,2,1:1}'')) v(p)'),
	('patterns out of order', 'SELECT ''{J=2;1,2:1;1,1:1}''::response_patterns'),
	('pattern twice', 'SELECT ''{J=2;1,2:1;1,2:1}''::response_patterns'),
	('count 0', 'SELECT ''{J=2;1,2:0}''::response_patterns'),
	('count NaN', 'SELECT ''{J=2;1,2:NaN}''::response_patterns'),
	('pattern of 3 items in J=2', 'SELECT ''{J=2;1,2,3:1}''::response_patterns'),
	('J=0', 'SELECT ''{J=0}''::response_patterns'),
	('category 256 in text', 'SELECT ''{J=2;1,256:1}''::response_patterns'),
	('text after the value', 'SELECT ''{J=2} x''::response_patterns'),
	('model text cut short', 'SELECT ''{lca=1;J=2}''::lca_model'),
	('model shares summing to 1.2', 'SELECT ''{lca=1;J=2;R=2;K=2,2;share=0.6,0.6;probs=0.9,0.1/0.7,0.3|0.2,0.8/0.4,0.6;modal_share=0.6,0.4;avepp=0.9,0.8;loglik=-10;aic=30;bic=32;sabic=31;gsq=NaN;chisq=NaN;entropy=0.5;n=10;n_dropped=0;n_complete=10;resid_df=-2;tol=1e-10;npar=5;iterations=3;converged=1;starts=1;starts_at_best=1;starts_failed=0;max_iter=10;seed=1}''::lca_model'),
	('0 classes', 'SELECT lca(p, 0) FROM lca_pt WHERE data = ''values'''),
	('-1 classes', 'SELECT lca(p, -1) FROM lca_pt WHERE data = ''values'''),
	('101 classes', 'SELECT lca(p, 101) FROM lca_pt WHERE data = ''values'''),
	('more classes than patterns', 'SELECT lca(p, 17) FROM lca_pt WHERE data = ''values'''),
	('lca_select beyond the patterns', 'SELECT lca_select(p, 17) FROM lca_pt WHERE data = ''values'''),
	('starts 0', 'SELECT lca(p, 2, starts => 0) FROM lca_pt WHERE data = ''values'''),
	('max_iter 0', 'SELECT lca(p, 2, max_iter => 0) FROM lca_pt WHERE data = ''values'''),
	('tolerance NaN', 'SELECT lca(p, 2, tolerance => ''NaN'') FROM lca_pt WHERE data = ''values'''),
	('tolerance infinite', 'SELECT lca(p, 2, tolerance => ''Infinity'') FROM lca_pt WHERE data = ''values'''),
	('tolerance negative', 'SELECT lca(p, 2, tolerance => -1e-10) FROM lca_pt WHERE data = ''values'''),
	('NULL patterns', 'SELECT lca(NULL, 2)'),
	('NULL classes', 'SELECT lca(p, NULL) FROM lca_pt WHERE data = ''values'''),
	('NULL starts', 'SELECT lca(p, 2, starts => NULL) FROM lca_pt WHERE data = ''values'''),
	('NULL seed', 'SELECT lca(p, 2, seed => NULL) FROM lca_pt WHERE data = ''values'''),
	('only unanswered rows', 'SELECT lca(''{J=2;0,0:5}'', 1)'),
	('an item never answered', 'SELECT lca(''{J=2;0,1:5;0,2:4}'', 1)'),
	('empty table', 'SELECT lca(''{J=2}'', 1)'),
	('classify: wrong length', 'SELECT lca_classify(m, ''{1,2,1}'') FROM lca_m WHERE data = ''values'''),
	('classify: category not in the model', 'SELECT lca_classify(m, ''{1,2,3,1}'') FROM lca_m WHERE data = ''values'''),
	('posterior: category 0', 'SELECT lca_posterior(m, ''{1,2,0,1}'') FROM lca_m WHERE data = ''values''')
) v(what, q);

-- a long fit stops at the statement timeout (57014), and the session goes on
SET statement_timeout = '300ms';
SELECT pg_temp.error_of('SELECT lca(p, 3, starts => 100000) FROM lca_pt WHERE data = ''election''') AS error;
RESET statement_timeout;
SELECT abs((lca_fit(lca(p, 2))).loglik - -504.4677) < 1e-4 AS fits_after_cancel FROM lca_pt WHERE data = 'values';

DROP TABLE lca_data, lca_ref_pattern, lca_pt, lca_ref, lca_m, lca_item, lca_sim_county, lca_sim, lca_sim_items,
	lca_sim_model, lca_part, lca_big;
