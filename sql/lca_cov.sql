-- latent class regression (covariates of membership), standard errors, the class-number
-- tests of lca_select, BCH class means: against poLCA 1.6.0.2 on election ~ PARTY
-- (data/reference/lca/election_polca_expected.txt.gz), hand computations and simulations
SET search_path = public, scomm;
SET extra_float_digits = 0;

CREATE FUNCTION pg_temp.error_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'no error';
EXCEPTION
	WHEN OTHERS THEN RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- election: 12 rating items (empty = missing) and PARTY (column 17, empty = unknown)
CREATE TABLE el_line (line text);
\copy el_line FROM PROGRAM 'gzip -dc data/reference/lca/election.csv.gz'
CREATE TABLE el AS
SELECT (a::int[])[1:12] AS items, a[17]::float8 AS party
FROM (SELECT string_to_array(line, ',', '') AS a FROM el_line WHERE line NOT LIKE '"%') x;
DROP TABLE el_line;
SELECT count(*) AS rows, count(party) AS with_party,
       count(*) FILTER (WHERE array_position(items, NULL) IS NULL AND party IS NOT NULL) AS complete
FROM el;

-- the pattern tables with PARTY: all rows (missing answers kept) and complete rows
CREATE TABLE el_pt AS
SELECT 'FALSE' AS narm, response_patterns(items, ARRAY[party]) AS p FROM el
UNION ALL
SELECT 'TRUE', response_patterns(items, ARRAY[party]) FROM el WHERE array_position(items, NULL) IS NULL;
SELECT narm, (pattern_size(p)).*, (pattern_covariates(p)).* FROM el_pt ORDER BY narm;
-- pattern_counts sums over covariate values: it equals the table without covariates
SELECT bool_and(x.equal) AS counts_as_without_covariates
FROM (SELECT (SELECT array_agg(c ORDER BY c) FROM pattern_counts(p) c) =
             (SELECT array_agg(c ORDER BY c) FROM pattern_counts((SELECT response_patterns(items) FROM el
                                                                  WHERE party IS NOT NULL)) c) AS equal
      FROM el_pt WHERE narm = 'FALSE') x;
SELECT sum(count) = 1760 AS rows_of_covariate_counts, count(DISTINCT covariates) AS party_values
FROM el_pt, pattern_covariate_counts(p) WHERE narm = 'FALSE';

-- poLCA's fits run to the floating-point floor, classes by share (*_canonical_tight)
CREATE TABLE el_ref (fit text, quantity text, item text, class text, category text, estimate float8, se float8);
\copy el_ref FROM PROGRAM 'gzip -dc data/reference/lca/election_polca_expected.txt.gz | grep ^election.*_canonical_tight' (NULL 'NA')
UPDATE el_ref SET fit = substring(fit FROM 'narm(TRUE|FALSE)');
SELECT fit, count(*) FROM el_ref GROUP BY fit ORDER BY fit;

-- the fits (accelerated EM to the floor, 10 starts)
CREATE TABLE el_m AS
SELECT narm, lca(p, 3, starts => 10, tolerance => 1e-13, max_iter => 20000, accelerate => true) AS m FROM el_pt;
-- log-likelihood 1e-4, npar, N, complete rows, BIC
SELECT r.fit, abs(f.loglik - r.estimate) < 1e-4 AS loglik, f.npar = (SELECT estimate FROM el_ref
       WHERE fit = r.fit AND quantity = 'npar') AS npar,
       f.n = (SELECT estimate FROM el_ref WHERE fit = r.fit AND quantity = 'N') AS n,
       f.n_dropped AS rows_without_party,
       abs(f.bic - (SELECT estimate FROM el_ref WHERE fit = r.fit AND quantity = 'bic')) < 2e-4 AS bic
FROM el_ref r JOIN el_m m ON m.narm = r.fit, lca_fit(m.m) f
WHERE r.quantity = 'llik' ORDER BY r.fit;
-- shares 1e-4, their SEs 1e-3 relative
SELECT r.fit, count(*) AS shares,
       count(*) FILTER (WHERE abs(c.share - r.estimate) <= 1e-4) AS share_ok,
       count(*) FILTER (WHERE abs(c.share_se - r.se) <= 1e-3 * r.se) AS se_ok
FROM el_ref r JOIN el_m m ON m.narm = r.fit JOIN lca_classes(m.m) c ON c.class = r.class::int
WHERE r.quantity = 'P' GROUP BY r.fit ORDER BY r.fit;
-- coefficients 1e-4 (log odds against class 1), their SEs 1e-3 relative
SELECT r.fit, count(*) AS coefficients,
       count(*) FILTER (WHERE abs(c.estimate - r.estimate) <= 1e-4) AS estimate_ok,
       count(*) FILTER (WHERE abs(c.se - r.se) <= 1e-3 * r.se) AS se_ok
FROM el_ref r JOIN el_m m ON m.narm = r.fit
     JOIN lca_coefficients(m.m) c ON c.class = r.class::int AND c.covariate = CASE r.item WHEN 'PARTY' THEN 1 ELSE 0 END
WHERE r.quantity = 'coeff' GROUP BY r.fit ORDER BY r.fit;
-- every item probability 1e-4, its SE 1e-3 relative (1e-10 absolute for probabilities
-- that EM drives to 0: poLCA stopped them at 1e-155 or 0)
SELECT r.fit, count(*) AS probabilities,
       count(*) FILTER (WHERE abs(i.probability - r.estimate) <= 1e-4) AS probability_ok,
       count(*) FILTER (WHERE abs(i.se - r.se) <= 1e-3 * r.se + 1e-10) AS se_ok
FROM el_ref r JOIN el_m m ON m.narm = r.fit
     JOIN lca_items(m.m) i ON i.class = r.class::int AND i.category = r.category::int
          AND i.item = array_position(ARRAY['MORALG','CARESG','KNOWG','LEADG','DISHONG','INTELG',
                                            'MORALB','CARESB','KNOWB','LEADB','DISHONB','INTELB'], r.item)
WHERE r.quantity = 'probs' GROUP BY r.fit ORDER BY r.fit;
-- plain EM (the default) reaches the same fit
SELECT abs((lca_fit(lca(p, 3, starts => 5, tolerance => 1e-13, max_iter => 20000))).loglik - -16222.3233483) < 1e-4
       AS plain_em_loglik
FROM el_pt WHERE narm = 'TRUE';

-- posteriors with covariates: by hand from the coefficients and probabilities
WITH m AS (SELECT m FROM el_m WHERE narm = 'TRUE'),
     lp AS (SELECT r, CASE WHEN r = 1 THEN 0 ELSE
                (SELECT estimate FROM m, lca_coefficients(m) c WHERE c.class = r AND covariate = 0) +
                4 * (SELECT estimate FROM m, lca_coefficients(m) c WHERE c.class = r AND covariate = 1) END +
                (SELECT sum(ln(probability)) FROM m, lca_items(m) i
                 WHERE i.class = r AND (i.item, i.category) IN (SELECT j, (ARRAY[1,1,1,1,4,1,3,3,3,3,1,3])[j]
                                                                FROM generate_series(1, 12) j)) AS l
            FROM generate_series(1, 3) r)
SELECT max(abs(post[r] - exp(l) / (SELECT sum(exp(l)) FROM lp))) < 1e-12 AS posterior_by_hand,
       (SELECT lca_classify(m, ARRAY[1,1,1,1,4,1,3,3,3,3,1,3], ARRAY[4.0]) FROM m) =
       (SELECT r FROM lp ORDER BY l DESC LIMIT 1) AS modal_class
FROM lp, (SELECT lca_posterior(m, ARRAY[1,1,1,1,4,1,3,3,3,3,1,3], ARRAY[4.0]) AS post FROM m) p;
SELECT lca_classify(m, ARRAY[1,1,1,1,4,1,3,3,3,3,1,3], ARRAY[NULL::float8]) IS NULL AS null_covariate_null_class,
       pg_temp.error_of($$SELECT lca_classify(m, ARRAY[1,1,1,1,4,1,3,3,3,3,1,3]) FROM el_m$$) AS without_covariates,
       pg_temp.error_of($$SELECT lca_posterior(m, ARRAY[1,1,1,1,4,1,3,3,3,3,1,3], ARRAY[1, 2.0]) FROM el_m$$) AS two_covariates
FROM el_m WHERE narm = 'TRUE';

-- the model value: format 2 round-trips in text, and its binary form is the same value's
SELECT m::text LIKE '{lca=2;J=12;R=3;K=4,4,4,4,4,4,4,4,4,4,4,4;P=1;%' AS format_2,
       m::text::lca_model::text = m::text AS text_round_trip,
       lca_model_send(m) = lca_model_send(m::text::lca_model) AS binary_of_text_input
FROM el_m WHERE narm = 'TRUE';
-- a model of scomm 1.0 reads as before: no standard errors, intercepts from the shares
SELECT c.*, (SELECT count(*) FROM lca_items(m) WHERE se IS NULL) AS items_without_se,
       (SELECT abs(estimate - ln(0.4 / 0.6)) < 1e-15 AND se IS NULL FROM lca_coefficients(m)) AS intercept_from_shares
FROM (SELECT '{lca=1;J=2;R=2;K=2,2;share=0.6,0.4;probs=0.9,0.1/0.7,0.3|0.2,0.8/0.4,0.6;modal_share=0.6,0.4;avepp=0.9,0.8;loglik=-10;aic=30;bic=32;sabic=31;gsq=NaN;chisq=NaN;entropy=0.5;n=10;n_dropped=0;n_complete=10;resid_df=-2;tol=1e-10;npar=5;iterations=3;converged=1;starts=1;starts_at_best=1;starts_failed=0;max_iter=10;seed=1}'::lca_model AS m) x,
     lca_classes(m) c;

-- response_patterns with covariates: text form, NULL covariates, parallel aggregation
SELECT response_patterns(i, c)::text
FROM (VALUES (ARRAY[1,2], ARRAY[0.5]), (ARRAY[1,2], ARRAY[-0.0]), (ARRAY[1,NULL], ARRAY[0.5]),
             (ARRAY[1,2], ARRAY[NULL::float8]), (ARRAY[2,2], NULL), (NULL, ARRAY[1.0])) v(i, c);
SELECT '{J=2;P=1;skipped=2;1,0|0.5:1;1,2|0:1}'::response_patterns::text AS text_input;
SELECT pg_temp.error_of($$SELECT response_patterns(i, c) FROM (VALUES (ARRAY[1], ARRAY[1.0]), (ARRAY[2], ARRAY[1.0, 2])) v(i, c)$$) AS covariate_count,
       pg_temp.error_of($$SELECT response_patterns(ARRAY[1], ARRAY['NaN'::float8])$$) AS nan_covariate,
       pg_temp.error_of($$SELECT response_patterns(ARRAY[1], array_fill(1.0::float8, ARRAY[101]))$$) AS too_many,
       pg_temp.error_of($$SELECT response_patterns(p) FROM (VALUES ('{J=1;1:1}'::response_patterns), ('{J=1;P=1;skipped=0;1|2:1}')) v(p)$$) AS merge,
       pg_temp.error_of($$SELECT '{J=1;P=1;skipped=0;1|inf:1}'::response_patterns$$) AS infinite_in_text;
CREATE TABLE el_big AS SELECT e.* FROM el e, generate_series(1, 20);
ANALYZE el_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT response_patterns(items, ARRAY[party]) FROM el_big;
CREATE TEMP TABLE el_par AS SELECT response_patterns(items, ARRAY[party]) AS p FROM el_big;
SET max_parallel_workers_per_gather = 0;
SELECT p::text = (SELECT response_patterns(items, ARRAY[party])::text FROM el_big) AS parallel_equals_serial,
       (pattern_covariates(p)).skipped_rows AS skipped
FROM el_par;
RESET ALL;
SET search_path = public, scomm;
SET extra_float_digits = 0;

-- how many classes, on 1,000 rows from 2 classes: 1 vs 2 rejected, 2 vs 3 not
SELECT setseed(0.25);
CREATE TABLE two AS
SELECT ARRAY(SELECT CASE WHEN random() < CASE WHEN c THEN 0.8 ELSE 0.25 END THEN 1 ELSE 2 END
             FROM generate_series(1, 8) j WHERE i > 0) AS items
FROM (SELECT i, random() < 0.6 AS c FROM generate_series(1, 1000) i) x;
SELECT classes, npar, lr > 0 AS lr_positive, round((lmr_lr / lr)::numeric, 3) AS adjustment,
       vlmr_p < 0.05 AS vlmr_rejects, lmr_p < 0.05 AS lmr_rejects, blrt_p < 0.05 AS blrt_rejects, blrt_draws
FROM lca_select((SELECT response_patterns(items) FROM two), 3, accelerate => true, draws => 39, bootstrap_starts => 3);
-- the same draws with the same seed
SELECT count(DISTINCT blrt_p) = 1 AS seeded
FROM (SELECT (lca_select((SELECT response_patterns(items) FROM two), 2, accelerate => true, draws => 9,
                         bootstrap_starts => 2)).blrt_p FROM generate_series(1, 2)) x;
SELECT pg_temp.error_of($$SELECT lca_select('{J=1;1:1;2:1}', 2, draws => 10001)$$) AS too_many_draws,
       pg_temp.error_of($$SELECT lca_select('{J=1;1:1;2:1}', 2, draws => -1)$$) AS negative_draws,
       pg_temp.error_of($$SELECT lca_select('{J=1;1:1;2:1}', 2, draws => 5, bootstrap_starts => 0)$$) AS no_starts,
       pg_temp.error_of($$SELECT lca_select('{J=1;1:1.5;2:1}', 2, draws => 5)$$) AS weights,
       pg_temp.error_of($$SELECT lca('{J=1;1:1;2:1}', 2, starts => 100001)$$) AS too_many_starts;

-- class means of an outcome: on 4,000 rows of 2 weakly separated classes with means 0 and 1,
-- BCH against a computation written out in SQL, and the modal means' bias
SELECT setseed(0.5);
CREATE TABLE bch AS
SELECT ARRAY(SELECT CASE WHEN random() < CASE WHEN c THEN 0.75 ELSE 0.3 END THEN 1 ELSE 2 END
             FROM generate_series(1, 5) j WHERE i > 0) AS items,
       CASE WHEN c THEN 1 ELSE 0 END + (random() - 0.5) AS y, c
FROM (SELECT i, random() < 0.5 AS c FROM generate_series(1, 4000) i) x;
CREATE TABLE bch_m AS SELECT lca(response_patterns(items), 2, accelerate => true) AS m FROM bch;
CREATE TABLE bch_p AS SELECT lca_posterior(m, items) AS p, y FROM bch, bch_m;
CREATE TABLE bch_s AS SELECT lca_bch_state(p, y) AS s FROM bch_p;
SELECT class, modal_n, round(modal_mean::numeric, 2) AS modal_mean, round(bch_mean::numeric, 2) AS bch_mean,
       round(bch_se::numeric, 3) AS bch_se
FROM bch_s, lca_bch(s) ORDER BY class;
-- BCH written out: D[t][s] = sum p_t [modal s] / sum p_t, weights (D^-1)[modal][t]
WITH a AS (SELECT p, y, CASE WHEN p[1] >= p[2] THEN 1 ELSE 2 END AS s FROM bch_p),
     d AS (SELECT sum(p[1] * (s = 1)::int) / sum(p[1]) AS d11, sum(p[1] * (s = 2)::int) / sum(p[1]) AS d12,
                  sum(p[2] * (s = 1)::int) / sum(p[2]) AS d21, sum(p[2] * (s = 2)::int) / sum(p[2]) AS d22 FROM a),
     inv AS (SELECT d22 / (d11 * d22 - d12 * d21) AS i11, -d12 / (d11 * d22 - d12 * d21) AS i12,
                    -d21 / (d11 * d22 - d12 * d21) AS i21, d11 / (d11 * d22 - d12 * d21) AS i22 FROM d),
     w AS (SELECT y, CASE s WHEN 1 THEN i11 ELSE i21 END AS w1, CASE s WHEN 1 THEN i12 ELSE i22 END AS w2 FROM a, inv),
     mean AS (SELECT sum(w1 * y) / sum(w1) AS m1, sum(w2 * y) / sum(w2) AS m2 FROM w)
SELECT abs(b1.bch_mean - m1) < 1e-12 AND abs(b2.bch_mean - m2) < 1e-12 AS bch_by_hand,
       abs(b1.bch_se - (SELECT sqrt(sum(w1 * w1 * (y - m1) ^ 2)) / sum(w1) FROM w)) < 1e-12 AS bch_se_by_hand
FROM mean, bch_s, lca_bch(s) b1, lca_bch(s) b2 WHERE b1.class = 1 AND b2.class = 2;
-- the truth: each model class's true mean (0 or 1); modal means are pulled toward each other
SELECT bool_and(abs(bch_mean - truth) < 3 * bch_se) AS bch_within_3_se,
       bool_and(abs(modal_mean - truth) > 0.1) AS modal_biased
FROM bch_s, lca_bch(s) b,
     LATERAL (SELECT round(avg(y))::float8 AS truth FROM bch_p WHERE p[b.class] > 0.9) t;
-- parallel combine equals serial
CREATE TABLE bch_big AS SELECT p, y FROM bch_p, generate_series(1, 10);
ANALYZE bch_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT lca_bch_state(p, y) FROM bch_big;
CREATE TEMP TABLE bch_par AS SELECT lca_bch_state(p, y) AS s FROM bch_big;
SET max_parallel_workers_per_gather = 0;
SELECT (SELECT array_agg(round(x::numeric, 6)) FROM unnest(s) x) =
       (SELECT array_agg(round(x::numeric, 6)) FROM unnest((SELECT lca_bch_state(p, y) FROM bch_big)) x)
       AS parallel_equals_serial
FROM bch_par;
RESET ALL;
SET search_path = public, scomm;
SELECT lca_bch_state(p, y) IS NULL AS no_rows FROM bch_p WHERE false;
SELECT pg_temp.error_of($$SELECT lca_bch_state(p, y) FROM (VALUES ('{0.5,0.5}'::float8[], 1.0), ('{1,0,0}', 2.0)) v(p, y)$$) AS classes_differ,
       pg_temp.error_of($$SELECT lca_bch_state('{1.5,-0.5}', 1.0)$$) AS not_a_probability,
       pg_temp.error_of($$SELECT lca_bch_state('{0.5,0.5}', 'Infinity')$$) AS infinite_outcome,
       pg_temp.error_of($$SELECT * FROM lca_bch('{2,0,0}')$$) AS not_a_state;

DROP TABLE el, el_pt, el_ref, el_m, el_big, two, bch, bch_m, bch_p, bch_s, bch_big;
