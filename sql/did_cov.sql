-- Staggered difference-in-differences with covariates, sampling weights,
-- clusters, unbalanced panels kept and repeated cross sections (1.1).
-- Reference: R's did 2.1.2 with DRDID 1.2.3 on mpdta with lpop and weights
-- (data/reference/did/mpdta_cov.csv.gz, mpdta_cov_expected.txt; the R calls
-- in ref_A_mpdta.R): every number of the 12 configurations, through SQL.
SET search_path = public, scomm;
SET extra_float_digits = 0;
-- error(query): the SQLSTATE and message a query fails with
CREATE FUNCTION pg_temp.error(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'no error';
EXCEPTION WHEN query_canceled OR others THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

CREATE TABLE mpc (year int, countyreal bigint, lpop float8, lemp float8, first_treat int, treat int, w float8);
\copy mpc FROM PROGRAM 'gzip -dc data/reference/did/mpdta_cov.csv.gz' WITH (FORMAT csv, HEADER)
CREATE TABLE ref (config text, quantity text, g text, t text, e text, estimate text, se text);
\copy ref FROM PROGRAM 'grep -v "^#" data/reference/did/mpdta_cov_expected.txt' WITH (FORMAT csv, HEADER, DELIMITER E'\t')
CREATE TABLE r AS
SELECT split_part(config, '_', 1) AS method, split_part(config, '_', 2) AS control,
       split_part(config, '_', 3) = 'w' AS weighted, quantity,
       nullif(g, 'NA')::int AS g, nullif(t, 'NA')::int AS t, nullif(e, 'NA')::int AS e,
       nullif(estimate, 'NA')::float8 AS estimate, nullif(se, 'NA')::float8 AS se
FROM ref;
SELECT count(*) AS reference_numbers, count(DISTINCT (method, control, weighted)) AS configurations FROM r;

-- the panels: covariate lpop; weights w in the weighted one
CREATE TABLE panels AS
SELECT false AS weighted, did_panel(countyreal, year, lemp, nullif(first_treat, 0), ARRAY[lpop], NULL, NULL) AS panel FROM mpc
UNION ALL
SELECT true, did_panel(countyreal, year, lemp, nullif(first_treat, 0), ARRAY[lpop], w, NULL) FROM mpc;
SELECT p.weighted, s.* FROM panels p, did_panel_summary(p.panel) s ORDER BY p.weighted;
CREATE TABLE configs AS
SELECT DISTINCT method, control, weighted FROM r;

-- every ATT(g,t): estimate to 1e-8, SE to 1e-6 relative
SELECT c.method, c.control, c.weighted, count(*) AS cells,
       count(*) FILTER (WHERE abs(a.att - r.estimate) < 1e-8) AS att_match,
       count(*) FILTER (WHERE abs(a.se / r.se - 1) < 1e-6) AS se_match
FROM configs c JOIN panels p USING (weighted),
     LATERAL att_gt(p.panel, control => c.control, method => c.method) a, r
WHERE r.method = c.method AND r.control = c.control AND r.weighted = c.weighted
  AND r.quantity = 'attgt' AND r.g = a.cohort AND r.t = a.period
GROUP BY 1, 2, 3 ORDER BY 3, 2, 1;

-- the Wald pre-test (did rounds p to 5 decimals)
SELECT c.method, c.control, c.weighted,
       abs(w.statistic / rw.estimate - 1) < 1e-8 AS statistic_ok, w.df,
       round(w.p_value::numeric, 5) = rp.estimate::numeric AS p_ok
FROM configs c JOIN panels p USING (weighted),
     LATERAL pretest(p.panel, control => c.control, method => c.method) w, r rw, r rp
WHERE rw.quantity = 'pretest_W' AND (rw.method, rw.control, rw.weighted) = (c.method, c.control, c.weighted)
  AND rp.quantity = 'pretest_pval' AND (rp.method, rp.control, rp.weighted) = (c.method, c.control, c.weighted)
ORDER BY 3, 2, 1;

-- the four aggregations, the event study with min_e = -3, max_e = 2 and with
-- balance_e = 1: every overall number and every term
CREATE TABLE aggs AS
SELECT c.method, c.control, c.weighted, v.label AS quantity, a.label AS term, a.estimate, a.se
FROM configs c JOIN panels p USING (weighted),
     (VALUES ('simple', 'simple', NULL::int, NULL::int, NULL::int), ('dynamic', 'dynamic', NULL, NULL, NULL),
             ('group', 'group', NULL, NULL, NULL), ('calendar', 'calendar', NULL, NULL, NULL),
             ('dynamic', 'dynamic_mine-3_maxe2', -3, 2, NULL), ('dynamic', 'dynamic_balance_e1', NULL, NULL, 1))
        v(kind, label, min_e, max_e, balance_e),
     LATERAL att_aggregate(p.panel, v.kind, c.control, method => c.method,
                           min_e => v.min_e, max_e => v.max_e, balance_e => v.balance_e) a;
SELECT r.quantity, count(*) AS numbers,
       count(*) FILTER (WHERE abs(a.estimate - r.estimate) < 1e-8) AS estimate_match,
       count(*) FILTER (WHERE abs(a.se / r.se - 1) < 1e-6) AS se_match
FROM r JOIN aggs a ON (a.method, a.control, a.weighted) = (r.method, r.control, r.weighted)
     AND (a.quantity = r.quantity AND a.term = coalesce(r.e, r.g, r.t)
          OR a.quantity || '_overall' = r.quantity AND a.term IS NULL)
WHERE r.quantity NOT IN ('attgt', 'pretest_W', 'pretest_pval')
GROUP BY 1 ORDER BY 1;
-- and no term that did does not report
SELECT count(*) AS extra_terms
FROM aggs a
WHERE a.term IS NOT NULL AND NOT EXISTS (
	SELECT 1 FROM r WHERE (a.method, a.control, a.weighted, a.quantity) = (r.method, r.control, r.weighted, r.quantity)
	  AND a.term = coalesce(r.e, r.g, r.t));

-- without covariates or weights every method is the 2x2 difference of means:
-- the 1.0 answer (did 2.5.1's simple ATT)
SELECT m AS method, abs(estimate - -0.03995127516) < 1e-10 AS estimate_ok, abs(se / 0.01203401277 - 1) < 1e-6 AS se_ok
FROM unnest(ARRAY['dr', 'ipw', 'reg']) m,
     LATERAL att_aggregate((SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0), NULL, NULL, NULL) FROM mpc),
                           control => 'nevertreated', method => m) a
WHERE a.label IS NULL ORDER BY 1;

-- clusters: one cluster per unit gives the unit-level SEs; with 40 clusters the
-- analytic SE is sqrt(sum over clusters of the summed influence function^2) / n,
-- which equals the unit-level SE scaled by the cluster sums' excess (checked
-- against the bootstrap of the same cluster sums); the estimate does not move
CREATE TABLE cl AS
SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0), ARRAY[lpop], NULL, countyreal) AS by_unit,
       did_panel(countyreal, year, lemp, nullif(first_treat, 0), ARRAY[lpop], NULL, countyreal % 40) AS by_40
FROM mpc;
SELECT bool_and(abs(a.se / b.se - 1) < 1e-12) AS unit_clusters_equal_units, count(*) AS cells
FROM att_gt((SELECT by_unit FROM cl), 'nevertreated', cluster => 'cluster') a
JOIN att_gt((SELECT by_unit FROM cl), 'nevertreated') b USING (cohort, period);
SELECT a.label, a.estimate = b.estimate AS same_estimate, a.se <> b.se AS se_differs,
       abs(c.se / a.se - 1) < 0.2 AS bootstrap_close
FROM att_aggregate((SELECT by_40 FROM cl), 'dynamic', 'nevertreated', cluster => 'cluster') a
JOIN att_aggregate((SELECT by_40 FROM cl), 'dynamic', 'nevertreated') b USING (label)
JOIN att_aggregate((SELECT by_40 FROM cl), 'dynamic', 'nevertreated', cluster => 'cluster',
                   bootstrap => 999, seed => 3) c USING (label)
ORDER BY a.label NULLS FIRST;
-- the same seed draws the same multipliers (one per cluster)
SELECT (SELECT array_agg(se ORDER BY label) FROM att_aggregate((SELECT by_40 FROM cl), 'dynamic', cluster => 'cluster', bootstrap => 99, seed => 5))
     = (SELECT array_agg(se ORDER BY label) FROM att_aggregate((SELECT by_40 FROM cl), 'dynamic', cluster => 'cluster', bootstrap => 99, seed => 5))
       AS same_seed_same_se;
SELECT round(statistic::numeric, 6) > 0 AS clustered_pretest, df
FROM pretest((SELECT by_40 FROM cl), 'nevertreated', cluster => 'cluster');

-- unbalanced panels kept: without covariates the estimate of a cell is the
-- difference of the four means over the rows observed (the repeated
-- cross-section estimator), computed here by hand; cross sections too
CREATE TABLE holes AS
SELECT * FROM mpc WHERE NOT (countyreal % 7 = 0 AND year = 2005) AND NOT (countyreal % 11 = 0 AND year = 2006);
SELECT count(*) AS rows, count(DISTINCT countyreal) AS units FROM holes;
SELECT s.* FROM did_panel_summary((SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0)) FROM holes)) s;
WITH cells AS (
	SELECT k.cohort, k.period, k.att
	FROM att_gt((SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0)) FROM holes), 'nevertreated',
	            unbalanced => 'keep') k),
hand AS (
	SELECT c.cohort, c.period,
	       (avg(lemp) FILTER (WHERE first_treat = c.cohort AND year = c.period)
	        - avg(lemp) FILTER (WHERE first_treat = c.cohort AND year = CASE WHEN c.period >= c.cohort THEN c.cohort - 1 ELSE c.period - 1 END))
	     - (avg(lemp) FILTER (WHERE first_treat = 0 AND year = c.period)
	        - avg(lemp) FILTER (WHERE first_treat = 0 AND year = CASE WHEN c.period >= c.cohort THEN c.cohort - 1 ELSE c.period - 1 END)) AS att
	FROM cells c, holes GROUP BY c.cohort, c.period)
SELECT count(*) AS cells, count(*) FILTER (WHERE abs(c.att - h.att) < 1e-12) AS four_means
FROM cells c JOIN hand h USING (cohort, period);
SELECT count(*) AS cells, bool_and(abs(k.att - x.att) < 1e-12) AS same_estimates, bool_and(k.se <> x.se) AS other_ses
FROM att_gt((SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0)) FROM holes), 'nevertreated', unbalanced => 'keep') k
JOIN att_gt((SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0)) FROM holes), 'nevertreated', sampling => 'cross_section') x
USING (cohort, period);
-- keep uses every unit, drop only the complete ones
SELECT (SELECT round(estimate::numeric, 6) FROM att_aggregate((SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0), ARRAY[lpop], w, NULL) FROM holes),
                                                              unbalanced => 'keep') WHERE label IS NULL) AS kept,
       (SELECT round(estimate::numeric, 6) FROM att_aggregate((SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0), ARRAY[lpop], w, NULL) FROM holes))
        WHERE label IS NULL) AS dropped;
-- repeated cross sections: the same unit id in several periods is allowed
SELECT count(*) AS cells FROM att_gt((SELECT did_panel(countyreal % 50, year, lemp, nullif(first_treat, 0)) FROM mpc),
                                     sampling => 'cross_section');

-- the panel as a value: version 2 round trips, version 1 when there is nothing more
SELECT panel::text::did_panel::text = panel::text AS text_round_trip, left(panel::text, 40) AS text_form FROM panels ORDER BY weighted;
SELECT (SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0), NULL, NULL, NULL) FROM mpc)::text
     = (SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0)) FROM mpc)::text AS plain_rows_stay_version_1;
COPY panels TO '/tmp/scomm_regress_did_cov.bin' WITH (FORMAT binary);
CREATE TABLE panels_copy (LIKE panels);
COPY panels_copy FROM '/tmp/scomm_regress_did_cov.bin' WITH (FORMAT binary);
SELECT bool_and(a.panel::text = b.panel::text) AS binary_round_trip FROM panels a JOIN panels_copy b USING (weighted);
SELECT 'did_panel:2:2:1;7,2004,2006,1.5,2,31,0.5,-1'::did_panel::text AS v2_text;
SELECT 'did_panel:2:0:1;7,2004,never,1.5,,'::did_panel::text AS empty_extras_are_version_1;
-- merged parts equal the one-pass panel; a parallel plan too
SELECT (SELECT did_panel(p) FROM (SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0), ARRAY[lpop], w, NULL) AS p
                                   FROM mpc GROUP BY first_treat) s)::text
     = (SELECT panel::text FROM panels WHERE weighted) AS merged_equal;
SELECT pg_temp.error($q$SELECT did_panel(p) FROM (VALUES ((SELECT panel FROM panels WHERE weighted)),
       ((SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0)) FROM mpc))) v(p)$q$);
CREATE TABLE mpc_big AS SELECT * FROM mpc, generate_series(0, 9) k;
ANALYZE mpc_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT did_panel(countyreal * 100 + k, year, lemp, nullif(first_treat, 0), ARRAY[lpop], w, countyreal) FROM mpc_big;
CREATE TABLE par AS SELECT did_panel(countyreal * 100 + k, year, lemp, nullif(first_treat, 0), ARRAY[lpop], w, countyreal) AS panel FROM mpc_big;
SET max_parallel_workers_per_gather = 0;
SELECT (SELECT panel::text FROM par) =
       (SELECT did_panel(countyreal * 100 + k, year, lemp, nullif(first_treat, 0), ARRAY[lpop], w, countyreal)::text FROM mpc_big)
       AS parallel_equals_serial;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- the two-way fixed effects use the outcomes only, and say so
SELECT round(estimate::numeric, 10) AS twfe FROM twfe((SELECT panel FROM panels WHERE weighted));

-- bad input: each with its SQLSTATE, naming the unit
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0), NULL,
                       CASE WHEN countyreal = 8019 THEN NULL ELSE w END, NULL) FROM mpc))$q$);
SELECT pg_temp.error($q$SELECT did_panel(1, 2004, 1.0, NULL, NULL, -2, NULL)$q$);
SELECT pg_temp.error($q$SELECT did_panel(1, 2004, 1.0, NULL, NULL, 'Infinity', NULL)$q$);
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0), NULL,
                       CASE WHEN countyreal = 8019 AND year = 2006 THEN 2 ELSE 1 END, NULL) FROM mpc))$q$);
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0), NULL, NULL,
                       CASE WHEN countyreal = 8019 AND year = 2006 THEN 2 ELSE 1 END) FROM mpc))$q$);
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0), NULL, NULL,
                       CASE WHEN countyreal = 8019 THEN NULL ELSE 1 END) FROM mpc))$q$);
SELECT pg_temp.error($q$SELECT did_panel(u, 2004, 1.0, NULL, CASE WHEN u = 2 THEN ARRAY[1.0, 2.0] ELSE ARRAY[1.0] END, NULL, NULL)
                       FROM generate_series(1, 3) u$q$);
SELECT pg_temp.error($q$SELECT did_panel(u, 2004, 1.0, NULL, CASE WHEN u = 2 THEN NULL ELSE ARRAY[1.0] END, NULL, NULL)
                       FROM generate_series(1, 3) u$q$);
SELECT pg_temp.error($q$SELECT did_panel(1, 2004, 1.0, NULL, ARRAY[1.0, NULL], NULL, NULL)$q$);
SELECT pg_temp.error($q$SELECT did_panel(1, 2004, 1.0, NULL, ARRAY['NaN'::float8], NULL, NULL)$q$);
SELECT pg_temp.error($q$SELECT did_panel(1, 2004, 1.0, NULL, ARRAY[[1.0], [2.0]], NULL, NULL)$q$);
SELECT pg_temp.error($q$SELECT did_panel(1, 2004, 1.0, NULL, NULL, NULL, -9223372036854775808)$q$);
-- covariates that are constant, or a combination of the others
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0), ARRAY[lpop, 2 * lpop - 1], NULL, NULL) FROM mpc))$q$);
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0), ARRAY[lpop, 3.0], NULL, NULL) FROM mpc))$q$);
-- a covariate that separates: units with x = 1 are all never treated
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0),
                       ARRAY[lpop, (first_treat = 0 AND countyreal % 3 = 0)::int], NULL, NULL) FROM mpc), 'nevertreated')$q$);
-- but the outcome regression does not need a propensity score
SELECT count(*) AS cells FROM att_gt((SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0),
       ARRAY[lpop, (first_treat = 0 AND countyreal % 3 = 0)::int], NULL, NULL) FROM mpc), 'nevertreated', method => 'reg');
-- a propensity score reaching 0.999 (did's overlap check): NULL cells with a NOTICE
SELECT count(*) AS cells, count(att) AS estimated
FROM att_gt((SELECT did_panel(u, t, u * 0.01 + t + (u % 5) * 0.1, CASE WHEN u < 999 THEN 2005 END, ARRAY[(u % 3)::float8], NULL, NULL)
             FROM generate_series(0, 1000) u, generate_series(2003, 2006) t), 'nevertreated');
-- options
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT panel FROM panels WHERE weighted), method => 'ols')$q$);
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT panel FROM panels WHERE weighted), cluster => 'state')$q$);
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT panel FROM panels WHERE weighted), cluster => 'cluster')$q$);
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT panel FROM panels WHERE weighted), sampling => 'survey')$q$);
SELECT pg_temp.error($q$SELECT * FROM att_aggregate((SELECT panel FROM panels WHERE weighted), 'dynamic', balance_e => -1)$q$);
SELECT pg_temp.error($q$SELECT * FROM att_aggregate((SELECT panel FROM panels WHERE weighted), 'dynamic', min_e => 2, max_e => 1)$q$);
SELECT pg_temp.error($q$SELECT * FROM twfe((SELECT panel FROM panels WHERE weighted), unbalanced => 'keep')$q$);
SELECT count(*) AS no_rows_for_null FROM att_aggregate(NULL::did_panel);
-- malformed version 2 values
SELECT pg_temp.error($q$SELECT 'did_panel:2:1:1;7,2004,2006,1.5,,'::did_panel$q$);
SELECT pg_temp.error($q$SELECT 'did_panel:2:1:1;7,2004,2006,1.5,-1,,1'::did_panel$q$);
SELECT pg_temp.error($q$SELECT 'did_panel:2:101:1;7,2004,2006,1.5,,'::did_panel$q$);
SELECT pg_temp.error($q$SELECT 'did_panel:3:1;7,2004,2006,1.5'::did_panel$q$);
-- a cancelled clustered bootstrap stops
SET statement_timeout = '300ms';
SELECT pg_temp.error($q$SELECT count(*) FROM att_aggregate((SELECT panel FROM par), 'dynamic', bootstrap => 1000000)$q$);
RESET statement_timeout;

DROP TABLE mpc, ref, r, panels, configs, aggs, cl, holes, panels_copy, mpc_big, par;
