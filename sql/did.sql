-- Staggered difference-in-differences: did_panel, att_gt, att_aggregate,
-- pretest, twfe, twfe_event_study.  Reference numbers are R's did 2.5.1 on
-- mpdta (data/reference/did/, reference values in data/reference/README.md).
SET search_path = public, scomm;
SET extra_float_digits = 0;
SET datestyle = 'ISO, YMD';
-- error(query): the SQLSTATE and message a query fails with
CREATE FUNCTION pg_temp.error(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'no error';
EXCEPTION WHEN query_canceled OR others THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

CREATE TABLE mpdta (year int, countyreal bigint, lpop float8, lemp float8, first_treat int, treat int);
\copy mpdta FROM PROGRAM 'gzip -dc data/reference/did/mpdta.csv.gz' WITH (FORMAT csv, HEADER)
SELECT count(*) AS rows, count(DISTINCT countyreal) AS counties FROM mpdta;

CREATE TABLE mp AS
SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0)) AS panel FROM mpdta;
SELECT rows(panel) FROM mp;

-- the twelve ATT(g,t) with never-treated controls: att to 1e-9, se to 1e-6 relative
CREATE TABLE ref_attgt (g int, t int, att float8, se float8);
INSERT INTO ref_attgt VALUES
	(2004, 2004, -0.010503246221, 0.02325103637), (2004, 2005, -0.070423158103, 0.03098476676),
	(2004, 2006, -0.137258738889, 0.03643566429), (2004, 2007, -0.100811363085, 0.03435922583),
	(2006, 2004, 0.006520112424, 0.02332680514), (2006, 2005, -0.002750818751, 0.01955856104),
	(2006, 2006, -0.004594606953, 0.01775519666), (2006, 2007, -0.041224471546, 0.02022918070),
	(2007, 2004, 0.030506655583, 0.01503356028), (2007, 2005, -0.002725892886, 0.01639583290),
	(2007, 2006, -0.031087119390, 0.01787751131), (2007, 2007, -0.026054410719, 0.01665543535);
SELECT count(*) AS cells,
       count(*) FILTER (WHERE abs(a.att - r.att) < 1e-9) AS att_match,
       count(*) FILTER (WHERE abs(a.se / r.se - 1) < 1e-6) AS se_match,
       bool_and(a.event_time = a.period - a.cohort) AS event_time_ok,
       bool_and(a.n_control = 309) AS controls_309,
       bool_and(abs(a.ci_high - a.ci_low - 2 * 1.959963984540054 * a.se) < 1e-12) AS ci_95
FROM att_gt((SELECT panel FROM mp), control => 'nevertreated') a
JOIN ref_attgt r ON r.g = a.cohort AND r.t = a.period;
SELECT cohort, min(n_treated) AS n_treated FROM att_gt((SELECT panel FROM mp), 'nevertreated')
GROUP BY cohort ORDER BY cohort;

-- the four aggregations (overall rows) and the event-study terms
CREATE TABLE ref_agg (kind text, estimate float8, se float8);
INSERT INTO ref_agg VALUES
	('simple', -0.03995127516, 0.01203401277), ('group', -0.03101828223, 0.01244605932),
	('dynamic', -0.07723982146, 0.01996498906), ('calendar', -0.04170043213, 0.01597185188);
SELECT r.kind, abs(a.estimate - r.estimate) < 1e-10 AS estimate_ok, abs(a.se / r.se - 1) < 1e-6 AS se_ok
FROM ref_agg r, att_aggregate((SELECT panel FROM mp), r.kind, 'nevertreated') a
WHERE a.label IS NULL ORDER BY r.kind;
SELECT a.label AS e, abs(a.estimate - r.est) < 1e-9 AS estimate_ok
FROM att_aggregate((SELECT panel FROM mp), 'dynamic', 'nevertreated') a
JOIN (VALUES (-3, 0.0305066556), (-2, -0.0005630846), (-1, -0.0244587450), (0, -0.0199318168),
             (1, -0.0509573671), (2, -0.1372587389), (3, -0.1008113631)) r(e, est) ON r.e = a.label
ORDER BY e;
-- group and calendar terms: the group term is the mean of its post cells (hand check)
SELECT a.label AS cohort, abs(a.estimate - c.m) < 1e-12 AS mean_of_post_cells
FROM att_aggregate((SELECT panel FROM mp), 'group', 'nevertreated') a
JOIN (SELECT cohort, avg(att) AS m FROM att_gt((SELECT panel FROM mp), 'nevertreated')
      WHERE period >= cohort GROUP BY cohort) c ON c.cohort = a.label
ORDER BY 1;
-- not-yet-treated controls (the default)
SELECT abs(estimate - -0.03976362562) < 1e-10 AS estimate_ok, abs(se / 0.01205242479 - 1) < 1e-6 AS se_ok
FROM att_aggregate((SELECT panel FROM mp)) WHERE label IS NULL;
-- the Wald pre-test over the five pre-treatment cells
SELECT abs(statistic - 7.791236627) < 1e-8 AS statistic_ok, df, round(p_value::numeric, 5) AS p_value
FROM pretest((SELECT panel FROM mp), 'nevertreated');
-- one pre cell only (cohort 2007 against the never treated, one lead): W = (att/se)^2
SELECT abs(w.statistic - (a.att / a.se) ^ 2) < 1e-9 AS one_cell_wald, w.df
FROM pretest((SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0)) FROM mpdta
              WHERE first_treat IN (0, 2007)), 'nevertreated', leads => 1) w,
     att_gt((SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0)) FROM mpdta
             WHERE first_treat IN (0, 2007)), 'nevertreated') a
WHERE a.cohort = 2007 AND a.period = 2006;
SELECT df FROM pretest((SELECT panel FROM mp), 'nevertreated', leads => 1);
-- two-way fixed effects: fixest's county-clustered CR1 standard error
SELECT abs(estimate - -0.0365489367) < 1e-9 AS estimate_ok, abs(se / 0.0132651554 - 1) < 1e-6 AS se_ok,
       abs(t - estimate / se) < 1e-12 AS t_ok, n_obs, n_clusters
FROM twfe((SELECT panel FROM mp));
-- the static coefficient by the within transformation in plain SQL (Frisch-Waugh)
WITH d AS (
	SELECT countyreal, year, lemp AS y, (first_treat > 0 AND year >= first_treat)::int::float8 AS x FROM mpdta),
m AS (
	SELECT y - avg(y) OVER (PARTITION BY countyreal) - avg(y) OVER (PARTITION BY year) + avg(y) OVER () AS yt,
	       x - avg(x) OVER (PARTITION BY countyreal) - avg(x) OVER (PARTITION BY year) + avg(x) OVER () AS xt
	FROM d)
SELECT abs(sum(xt * yt) / sum(xt * xt) - (SELECT estimate FROM twfe((SELECT panel FROM mp)))) < 1e-12 AS within_ok
FROM m;

-- universal base period: the cell before each cohort is the reference (0, no SE);
-- post cells compare with g - 1 under both rules, so they agree
SELECT count(*) FILTER (WHERE u.period = u.cohort - 1 AND u.att = 0 AND u.se IS NULL) AS reference_cells,
       count(*) FILTER (WHERE u.period >= u.cohort AND abs(u.att - v.att) < 1e-12
                        AND abs(u.se - v.se) < 1e-12) AS post_cells_equal,
       count(*) AS cells
FROM att_gt((SELECT panel FROM mp), 'nevertreated', 'universal') u
LEFT JOIN att_gt((SELECT panel FROM mp), 'nevertreated') v USING (cohort, period);

-- known truth: a noiseless simulated panel (unit + period effects + effect growing
-- by 0.5 per period) gives every ATT(g,t) and every event-study coefficient exactly
CREATE TABLE sim AS SELECT * FROM simulate_panel(300, 8, seed => 7, cohorts => 3, never_share => 0.3,
                                                 effect => 2, effect_growth => 0.5, noise => 0);
SELECT count(*) AS cells,
       count(*) FILTER (WHERE abs(a.att - coalesce(t.att, 0)) < 1e-9) AS exact
FROM att_gt((SELECT did_panel(unit, period, outcome, first_period) FROM sim), 'nevertreated') a
LEFT JOIN (SELECT DISTINCT first_period AS cohort, period, true_att AS att FROM sim
           WHERE period >= first_period) t USING (cohort, period);
SELECT e.event_time, round(e.estimate::numeric, 9) AS estimate,
       round(coalesce(t.att, 0)::numeric, 9) AS truth
FROM twfe_event_study((SELECT did_panel(unit, period, outcome, first_period) FROM sim), 3,
                      (SELECT max(period - first_period) FROM sim)) e
LEFT JOIN (SELECT DISTINCT period - first_period AS event_time, true_att AS att FROM sim
           WHERE period >= first_period) t USING (event_time)
ORDER BY 1;

-- no never-treated unit (as in Secure Communities): the last cohort is the control
-- until its own start, with a NOTICE; its cells and later periods drop out
CREATE TABLE sim_all AS SELECT * FROM simulate_panel(200, 10, seed => 3, cohorts => 4, never_share => 0,
                                                     effect => 1, noise => 0);
SELECT count(DISTINCT first_period) AS cohorts, bool_and(first_period IS NOT NULL) AS all_treated FROM sim_all;
SELECT count(*) AS cells, max(cohort) < (SELECT max(first_period) FROM sim_all) AS last_cohort_not_estimated,
       max(period) < (SELECT max(first_period) FROM sim_all) AS later_periods_dropped,
       bool_and(abs(att - CASE WHEN period >= cohort THEN 1 ELSE 0 END) < 1e-9) AS exact
FROM att_gt((SELECT did_panel(unit, period, outcome, first_period) FROM sim_all));

-- bootstrap: same seed, same answer; another seed, another draw; close to the analytic SE;
-- the simultaneous band is at least as wide as the pointwise interval
CREATE TABLE b1 AS SELECT * FROM att_aggregate((SELECT panel FROM mp), 'dynamic', 'nevertreated', bootstrap => 999, seed => 42);
CREATE TABLE b2 AS SELECT * FROM att_aggregate((SELECT panel FROM mp), 'dynamic', 'nevertreated', bootstrap => 999, seed => 42);
CREATE TABLE b3 AS SELECT * FROM att_aggregate((SELECT panel FROM mp), 'dynamic', 'nevertreated', bootstrap => 999, seed => 43);
SELECT (SELECT count(*) FROM b1 JOIN b2 USING (label) WHERE b1.se = b2.se AND b1.ci_low = b2.ci_low) AS same_seed_equal,
       (SELECT count(*) FROM b1 JOIN b3 USING (label) WHERE b1.se <> b3.se) AS other_seed_differs;
SELECT b.label, abs(b.se / a.se - 1) < 0.15 AS se_close, b.estimate = a.estimate AS same_estimate,
       (b.ci_high - b.ci_low) >= (a.ci_high - a.ci_low) * 0.85 AS band_wide
FROM b1 b JOIN att_aggregate((SELECT panel FROM mp), 'dynamic', 'nevertreated') a
     ON a.label IS NOT DISTINCT FROM b.label
ORDER BY b.label NULLS FIRST;
SELECT count(*) AS cells, bool_and(abs(b.se / a.se - 1) < 0.15) AS se_close,
       bool_and((b.ci_high - b.ci_low) / b.se >= 2 * 1.959963984540054 - 1e-9) AS sup_t_band
FROM att_gt((SELECT panel FROM mp), 'nevertreated', bootstrap => 999) b
JOIN att_gt((SELECT panel FROM mp), 'nevertreated') a USING (cohort, period);

-- the panel as a value: exact text round trip, binary round trip, canonical form
SELECT panel::text::did_panel::text = panel::text AS text_round_trip FROM mp;
SELECT left(panel::text, 60) AS text_form FROM mp;
SELECT (SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0) ORDER BY random()) FROM mpdta)::text
       = (SELECT panel::text FROM mp) AS order_independent;
COPY mp TO '/tmp/scomm_regress_did_panel.bin' WITH (FORMAT binary);
CREATE TABLE mp_copy (LIKE mp);
COPY mp_copy FROM '/tmp/scomm_regress_did_panel.bin' WITH (FORMAT binary);
SELECT (SELECT panel::text FROM mp_copy) = (SELECT panel::text FROM mp) AS binary_round_trip;
-- stored partial panels (one per cohort) merged give the one-pass panel
CREATE TABLE parts AS
SELECT first_treat, did_panel(countyreal, year, lemp, nullif(first_treat, 0)) AS panel
FROM mpdta GROUP BY first_treat;
SELECT (SELECT did_panel(panel) FROM parts)::text = (SELECT panel::text FROM mp) AS merged_equal;
SELECT abs(estimate - -0.03995127516) < 1e-10 AS merged_estimate_ok
FROM att_aggregate((SELECT did_panel(panel) FROM parts), control => 'nevertreated') WHERE label IS NULL;

-- parallel plan: Partial Aggregate, same panel as the serial plan
CREATE TABLE mp_big AS SELECT * FROM mpdta, generate_series(0, 19) k;
ANALYZE mp_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT did_panel(countyreal * 100 + k, year, lemp, nullif(first_treat, 0)) FROM mp_big;
CREATE TABLE par AS SELECT did_panel(countyreal * 100 + k, year, lemp, nullif(first_treat, 0)) AS panel FROM mp_big;
RESET max_parallel_workers_per_gather;
SET max_parallel_workers_per_gather = 0;
SELECT (SELECT panel::text FROM par) =
       (SELECT did_panel(countyreal * 100 + k, year, lemp, nullif(first_treat, 0))::text FROM mp_big) AS parallel_equals_serial;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
-- 20 copies of each county: same ATT(g,t)
SELECT bool_and(abs(a.att - r.att) < 1e-9) AS replicated_att_ok
FROM att_gt((SELECT panel FROM par), 'nevertreated') a JOIN ref_attgt r ON r.g = a.cohort AND r.t = a.period;

-- dated rows and activation cohorts: periods by period_of, the same estimates
SELECT abs(estimate - -0.03995127516) < 1e-10 AS dated_estimate_ok
FROM att_aggregate((SELECT did_panel(countyreal, make_date(year, 7, 1), lemp,
                                     CASE WHEN first_treat = 0 THEN 'never'::activation_cohort
                                          ELSE make_date(first_treat, 3, 15)::activation_cohort END, 'year')
                    FROM mpdta), control => 'nevertreated')
WHERE label IS NULL;
SELECT cohort, period, event_time, period_start(cohort, 'month') AS cohort_month
FROM att_gt((SELECT did_panel(countyreal, make_date(year, 7, 1), lemp,
                              CASE WHEN first_treat = 0 THEN 'never'::activation_cohort
                                   ELSE make_date(first_treat, 3, 15)::activation_cohort END, 'months')
             FROM mpdta WHERE first_treat IN (0, 2007)), 'nevertreated')
ORDER BY period;
SELECT period_of('2008-10-27', 'year') AS y, period_of('2008-10-27', 'quarter') AS q,
       period_of('2008-10-27', 'month') AS m, period_of('2008-10-27', 'day') AS d,
       period_start(2008 * 4 + 3, 'quarter') AS q_start, period_start(2008 * 12 + 9, 'month') AS m_start,
       period_start(3222, 'day') AS d_start, period_start(-1, 'month') AS before_year_0;

-- bad input: each with its SQLSTATE
SELECT pg_temp.error($q$SELECT did_panel(1, 2004, 'NaN', NULL)$q$);
SELECT pg_temp.error($q$SELECT did_panel(1, 2004, 'Infinity', 2005)$q$);
SELECT pg_temp.error($q$SELECT did_panel(NULL, 2004, 1.0, NULL)$q$);
SELECT pg_temp.error($q$SELECT did_panel(1, NULL, 1.0, NULL)$q$);
SELECT pg_temp.error($q$SELECT did_panel(1, 2004, 1.0, 2147483647)$q$);
SELECT pg_temp.error($q$SELECT did_panel(1, date 'infinity', 1.0, 'never', 'year')$q$);
SELECT pg_temp.error($q$SELECT did_panel(1, date '2008-01-01', 1.0, NULL, 'year')$q$);
SELECT pg_temp.error($q$SELECT did_panel(1, date '2008-01-01', 1.0, 'never', 'fortnight')$q$);
SELECT pg_temp.error($q$SELECT did_panel(u, date '2008-01-01', 1.0, 'never', CASE WHEN u = 1 THEN 'year' ELSE 'month' END)
FROM generate_series(1, 2) u$q$);
SELECT pg_temp.error($q$SELECT did_panel(1, 2004, 1.0, NULL) OVER ()$q$);
SELECT pg_temp.error($q$SELECT did_panel_accum(NULL, 1, 2004, 1.0, NULL)$q$);
-- a repeated (unit, period), a unit whose first period changes, one period only
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT did_panel(u, t, 1.0, 2005) FROM (VALUES (7, 2004), (7, 2004), (8, 2005)) v(u, t)))$q$);
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT did_panel(7, t, 1.0, 2004 + t % 2) FROM generate_series(2003, 2006) t))$q$);
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT did_panel(u, 2004, 1.0, NULL) FROM generate_series(1, 3) u))$q$);
-- unbalanced: dropped with a NOTICE that counts them, or an error on request
SELECT count(*) AS cells FROM att_gt((SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0))
                                      FROM mpdta WHERE NOT (countyreal IN (8001, 8019) AND year = 2005)));
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0))
                      FROM mpdta WHERE NOT (countyreal = 8001 AND year = 2005)), unbalanced => 'error')$q$);
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT did_panel(countyreal, year, CASE WHEN countyreal = 8001 AND year = 2005 THEN NULL ELSE lemp END,
                                       nullif(first_treat, 0)) FROM mpdta), unbalanced => 'error')$q$);
-- a cell whose treated share is 0.995 or more (DRDID trims it): NULL, not zero, with a NOTICE
SELECT cohort, period, att, se, n_treated, n_control
FROM att_gt((SELECT did_panel(u, t, u * 0.01 + t, CASE WHEN u = 0 THEN NULL ELSE 2005 END)
             FROM generate_series(0, 199) u, generate_series(2003, 2006) t), 'nevertreated')
ORDER BY period;
-- options
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT panel FROM mp), control => 'everyone')$q$);
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT panel FROM mp), base_period => 'fixed')$q$);
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT panel FROM mp), anticipation => -1)$q$);
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT panel FROM mp), alpha => 0)$q$);
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT panel FROM mp), alpha => 'NaN')$q$);
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT panel FROM mp), bootstrap => 1)$q$);
SELECT pg_temp.error($q$SELECT * FROM att_gt((SELECT panel FROM mp), unbalanced => 'fill')$q$);
SELECT pg_temp.error($q$SELECT * FROM att_aggregate((SELECT panel FROM mp), 'cohort')$q$);
SELECT pg_temp.error($q$SELECT * FROM att_aggregate((SELECT panel FROM mp), bootstrap => -5)$q$);
SELECT pg_temp.error($q$SELECT * FROM pretest((SELECT panel FROM mp), leads => 0)$q$);
SELECT pg_temp.error($q$SELECT * FROM twfe_event_study((SELECT panel FROM mp), 1, 3)$q$);
SELECT pg_temp.error($q$SELECT * FROM twfe_event_study((SELECT panel FROM mp), 3, -1)$q$);
SELECT pg_temp.error($q$SELECT * FROM twfe((SELECT panel FROM mp), alpha => 1.5)$q$);
-- no pre-treatment cell to test; a singular design
SELECT pg_temp.error($q$SELECT * FROM pretest((SELECT did_panel(u, t, u + t * 1.0, CASE WHEN u < 5 THEN 2004 END)
                       FROM generate_series(1, 10) u, generate_series(2003, 2005) t), 'nevertreated')$q$);
SELECT pg_temp.error($q$SELECT * FROM twfe((SELECT did_panel(u, t, u + t * 1.0, 2005) FROM generate_series(1, 10) u, generate_series(2003, 2006) t))$q$);
-- a pre-test over more than 1,000 cells is refused before its dense matrix is built
SELECT pg_temp.error($q$SELECT * FROM pretest((SELECT did_panel(unit, period, outcome, first_period)
                       FROM simulate_panel(200, 80, seed => 1, cohorts => 40, never_share => 0.1)))$q$);
-- a long bootstrap stops at statement_timeout
SET statement_timeout = '300ms';
SELECT pg_temp.error($q$SELECT count(*) FROM att_aggregate((SELECT panel FROM par), 'dynamic', 'nevertreated', bootstrap => 1000000)$q$);
RESET statement_timeout;
-- malformed text and binary values
SELECT 'did_panel:1:1;7,2004,2006,1.5'::did_panel::text AS ok;
SELECT pg_temp.error($q$SELECT 'did_panel:1:2;7,2004,2006,1.5'::did_panel$q$);
SELECT pg_temp.error($q$SELECT 'did_panel:2:1;7,2004,2006,1.5'::did_panel$q$);
SELECT pg_temp.error($q$SELECT 'did_panel:1:1;7,2004,2006,1.5x'::did_panel$q$);
SELECT pg_temp.error($q$SELECT 'did_panel:1:1;7,2004,2006,NaN'::did_panel$q$);
SELECT pg_temp.error($q$SELECT 'did_panel:1:1;7,2004,2006'::did_panel$q$);
SELECT pg_temp.error($q$SELECT 'did_panel:1:1;99999999999999999999,2004,2006,1'::did_panel$q$);
SELECT pg_temp.error($q$SELECT 'panel'::did_panel$q$);
SELECT pg_temp.error($q$SELECT ''::did_panel$q$);
-- binary values that claim 5 rows but hold none, and of format version 2: refused
CREATE TABLE cut (panel did_panel);
SELECT lo_from_bytea(4242005, decode('5047434f50590aff0d0a00' || '00000000' || '00000000'
       || '0001' || '00000010' || '53434450' || '0001' || '0000' || '0000000000000005' || 'ffff', 'hex')) = 4242005 AS created;
SELECT lo_export(4242005, '/tmp/scomm_regress_bad_panel.bin') = 1 AS written;
SELECT lo_unlink(4242005);
SELECT lo_from_bytea(4242006, decode('5047434f50590aff0d0a00' || '00000000' || '00000000'
       || '0001' || '00000010' || '53434450' || '0002' || '0000' || '0000000000000000' || 'ffff', 'hex')) = 4242006 AS created;
SELECT lo_export(4242006, '/tmp/scomm_regress_bad_panel2.bin') = 1 AS written;
SELECT lo_unlink(4242006);
SELECT pg_temp.error($q$COPY cut FROM '/tmp/scomm_regress_bad_panel.bin' WITH (FORMAT binary)$q$);
SELECT pg_temp.error($q$COPY cut FROM '/tmp/scomm_regress_bad_panel2.bin' WITH (FORMAT binary)$q$);

DROP TABLE mpdta, mp, ref_attgt, ref_agg, sim, sim_all, b1, b2, b3, mp_copy, parts, mp_big, par, cut;
