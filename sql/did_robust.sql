-- Robustness of staggered DiD: sun_abraham, bacon_decomposition,
-- did_imputation, honest_bounds, honest_did.  References: R's did 2.5.1 and
-- fixest on mpdta, HonestDiD 0.2.6 on its own example (data/reference/,
-- values in data/reference/README.md), and simulated panels with a known
-- effect.
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

CREATE TABLE rb_mpdta (year int, countyreal bigint, lpop float8, lemp float8, first_treat int, treat int);
\copy rb_mpdta FROM PROGRAM 'gzip -dc data/reference/did/mpdta.csv.gz' WITH (FORMAT csv, HEADER)
CREATE TABLE rb_mp AS
SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0)) AS panel FROM rb_mpdta;

-- Sun & Abraham on mpdta: the rows by kind; every cohort x period
-- coefficient is att_gt's never-treated, universal-base ATT(g,t); the
-- overall effect is did's simple aggregation (-0.03995127516)
SELECT kind, count(*) AS rows, count(event_time) AS with_e, count(cohort) AS with_cohort
FROM sun_abraham((SELECT panel FROM rb_mp)) GROUP BY kind ORDER BY kind;
SELECT count(*) AS coefficients,
       bool_and(abs(s.estimate - a.att) < 1e-12) AS equal_attgt_universal,
       bool_and(s.se > 0 AND s.ci_low < s.estimate AND s.estimate < s.ci_high) AS intervals
FROM sun_abraham((SELECT panel FROM rb_mp)) s
JOIN att_gt((SELECT panel FROM rb_mp), 'nevertreated', 'universal') a
  ON a.cohort = s.cohort AND a.event_time = s.event_time
WHERE s.kind = 'cohort_period';
SELECT abs(estimate - (-0.03995127516)) < 1e-10 AS att_is_simple_aggregation,
       abs((ci_high - estimate) / se - 1.964729391) < 1e-9 AS t_499_df
FROM sun_abraham((SELECT panel FROM rb_mp)) WHERE kind = 'att';
-- a relative period's estimate is the cohort-size weighted mean of its coefficients
SELECT p.event_time, abs(p.estimate - w.est) < 1e-12 AS weighted_mean
FROM sun_abraham((SELECT panel FROM rb_mp)) p
JOIN (SELECT s.event_time, sum(s.estimate * n.units) / sum(n.units) AS est
      FROM sun_abraham((SELECT panel FROM rb_mp)) s
      JOIN (SELECT first_treat, count(DISTINCT countyreal) AS units FROM rb_mpdta GROUP BY 1) n
        ON n.first_treat = s.cohort
      WHERE s.kind = 'cohort_period' GROUP BY s.event_time) w USING (event_time)
WHERE p.kind = 'period' ORDER BY p.event_time;

-- Goodman-Bacon on mpdta: nine 2x2s; weights sum to 1; the weighted sum is
-- twfe's coefficient (fixest: -0.0365489367)
SELECT type, count(*) AS comparisons, round(sum(weight)::numeric, 6) AS weight,
       count(*) FILTER (WHERE untreated IS NULL) AS against_never
FROM bacon_decomposition((SELECT panel FROM rb_mp)) GROUP BY type ORDER BY type;
SELECT abs(sum(weight) - 1) < 1e-12 AS weights_sum_to_1,
       abs(sum(weight * estimate) - (SELECT estimate FROM twfe((SELECT panel FROM rb_mp)))) < 1e-10 AS equals_twfe,
       abs(sum(weight * estimate) - (-0.0365489367)) < 1e-9 AS equals_fixest
FROM bacon_decomposition((SELECT panel FROM rb_mp));
-- the 2004 cohort against the never treated, by hand: (post - pre) mean changes
SELECT abs(b.estimate - h.did) < 1e-12 AS hand_2x2
FROM bacon_decomposition((SELECT panel FROM rb_mp)) b,
     (SELECT avg(lemp) FILTER (WHERE first_treat = 2004 AND year >= 2004)
           - avg(lemp) FILTER (WHERE first_treat = 2004 AND year < 2004)
           - avg(lemp) FILTER (WHERE first_treat = 0 AND year >= 2004)
           + avg(lemp) FILTER (WHERE first_treat = 0 AND year < 2004) AS did FROM rb_mpdta) h
WHERE b.type = 'treated_vs_untreated' AND b.treated = 2004;

-- the imputation estimator on a noiseless panel equals the true effects
CREATE TABLE rb_sim AS
SELECT * FROM simulate_panel(120, 9, seed => 5, cohorts => 4, never_share => 0.25,
                             effect => 2, effect_growth => 0.5, noise => 0);
SELECT i.kind, count(*) AS rows,
       bool_and(abs(i.estimate - t.truth) < 1e-9) AS equals_truth,
       bool_and(i.se < 1e-9) AS se_zero,
       bool_and(i.n_obs = t.n) AS n_obs
FROM did_imputation((SELECT did_panel(unit, period, outcome, first_period) FROM rb_sim)) i
JOIN (SELECT period - first_period AS e, avg(true_att) AS truth, count(*) AS n
      FROM rb_sim WHERE period >= first_period GROUP BY ROLLUP (period - first_period)) t
  ON t.e IS NOT DISTINCT FROM i.event_time
GROUP BY i.kind ORDER BY i.kind;
-- with noise: the same estimates as Sun & Abraham where a cohort has one pre-period
CREATE TABLE rb_two AS
SELECT * FROM simulate_panel(200, 6, seed => 6, cohorts => 1, never_share => 0.5, effect => 1,
                             effect_growth => 0.3, noise => 1);
SELECT count(*) AS periods, bool_and(abs(i.estimate - s.estimate) < 1e-10) AS equal_sun_abraham
FROM did_imputation((SELECT did_panel(unit, period, outcome, first_period) FROM rb_two)) i
JOIN sun_abraham((SELECT did_panel(unit, period, outcome, first_period) FROM rb_two)) s
  ON s.kind = 'period' AND s.event_time = i.event_time
WHERE i.kind = 'period' AND (SELECT min(first_period) FROM rb_two) = 2;

-- HonestDiD's example: FLCIs to 1e-4 relative, C-LF bounds within 0.005 of
-- the finest grid (first post period)
CREATE TABLE rb_bc (idx int, time int, period_type text, betahat float8,
                    s1 float8, s2 float8, s3 float8, s4 float8, s5 float8, s6 float8, s7 float8, s8 float8);
\copy rb_bc FROM 'data/reference/did/honest/public_bc_inputs.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE rb_es AS
SELECT array_agg(betahat ORDER BY idx) AS betahat,
       array_agg(ARRAY[s1, s2, s3, s4, s5, s6, s7, s8] ORDER BY idx) AS sigma
FROM rb_bc;
SELECT array_length(betahat, 1) AS coefficients, array_dims(sigma) AS sigma_dims FROM rb_es;
SELECT h.m, abs(h.lb / r.lb - 1) < 1e-4 AS lb_ok, abs(h.ub / r.ub - 1) < 1e-4 AS ub_ok
FROM rb_es, honest_bounds(betahat, sigma, 4, 4, 'smoothness', ARRAY[0, 0.01, 0.02, 0.03, 0.04, 0.05]) h
JOIN (VALUES (0, 0.131411315936, 0.216169648182), (0.01, 0.154965267081, 0.270384530327),
             (0.02, 0.1773010879, 0.315956468195), (0.03, 0.189404464434, 0.348547750039),
             (0.04, 0.179441807764, 0.35851040671), (0.05, 0.169444000142, 0.368508214331))
     r(m, lb, ub) ON r.m = h.m
ORDER BY h.m;
SELECT h.m, abs(h.lb - r.lb) < 0.005 AS lb_ok, abs(h.ub - r.ub) < 0.005 AS ub_ok,
       h.lb <= r.lb AND h.ub >= r.ub AS outside_grid_points
FROM rb_es, honest_bounds(betahat, sigma, 4, 4, 'relative_magnitude', ARRAY[0.5, 1, 1.5, 2]) h
JOIN (VALUES (0.5, 0.118070391492, 0.271448006163), (1, 0.0671976183088, 0.318524303735),
             (1.5, 0.0132876646373, 0.369397076918), (2, -0.0421408792784, 0.424066325711))
     r(m, lb, ub) ON r.m = h.m
ORDER BY h.m;
-- the average of the four post periods (l), flat sigma accepted too
SELECT h.m, abs(h.lb / 0.0636558852651 - 1) < 1e-4 AS lb_ok, abs(h.ub / 0.738223595219 - 1) < 1e-4 AS ub_ok
FROM rb_es, honest_bounds(betahat, (SELECT array_agg(x) FROM unnest(sigma) x), 4, 4, 'smoothness',
                          ARRAY[0.05], l => ARRAY[0.25, 0.25, 0.25, 0.25]) h;

-- honest_did on mpdta: from the universal-base event study (e = -4 .. 3)
SELECT m, lb < ub AS ordered, lb <= e0.estimate AND e0.estimate <= ub AS covers_estimate
FROM honest_did((SELECT panel FROM rb_mp), 0, 'relative_magnitude', ARRAY[0, 1], control => 'nevertreated'),
     (SELECT estimate FROM att_aggregate((SELECT panel FROM rb_mp), 'dynamic', 'nevertreated', 'universal')
      WHERE label = 0) e0
ORDER BY m;
SELECT m, ub - lb > 0 AS positive_length
FROM honest_did((SELECT panel FROM rb_mp), 1, 'smoothness', ARRAY[0, 0.02], min_e => -3, max_e => 2,
                control => 'nevertreated') ORDER BY m;

-- bad input
SELECT pg_temp.error($$SELECT * FROM sun_abraham((SELECT panel FROM rb_mp), alpha => 1.5)$$);
SELECT pg_temp.error($$SELECT * FROM did_imputation((SELECT panel FROM rb_mp), unbalanced => 'maybe')$$);
SELECT pg_temp.error($$SELECT * FROM bacon_decomposition((SELECT did_panel(u, t, 1.0::float8, NULL::int4) FROM generate_series(1, 3) u, generate_series(2003, 2004) t))$$);
SELECT pg_temp.error($$SELECT * FROM sun_abraham((SELECT did_panel(u, t, t::float8, 2005) FROM generate_series(1, 3) u, generate_series(2003, 2007) t))$$);
SELECT pg_temp.error($$SELECT * FROM honest_bounds(ARRAY[1, 2, 3]::float8[], ARRAY[[1, 0], [0, 1]]::float8[], 1, 1, 'smoothness', ARRAY[0]::float8[])$$);
SELECT pg_temp.error($$SELECT * FROM honest_bounds(ARRAY[1, 2]::float8[], ARRAY[[1, 0, 0], [0, 1, 0]]::float8[], 1, 1, 'smoothness', ARRAY[0]::float8[])$$);
SELECT pg_temp.error($$SELECT * FROM honest_bounds(ARRAY[1, 2]::float8[], ARRAY[[1, 0.5], [0.4, 1]]::float8[], 1, 1, 'smoothness', ARRAY[0]::float8[])$$);
SELECT pg_temp.error($$SELECT * FROM honest_bounds(ARRAY[1, 2]::float8[], ARRAY[[1, NULL], [0, 1]]::float8[], 1, 1, 'smoothness', ARRAY[0]::float8[])$$);
SELECT pg_temp.error($$SELECT * FROM honest_bounds(ARRAY[1, 2]::float8[], ARRAY[[1, 0], [0, 1]]::float8[], 1, 1, 'linear', ARRAY[0]::float8[])$$);
SELECT pg_temp.error($$SELECT * FROM honest_bounds(ARRAY[1, 2]::float8[], ARRAY[[1, 0], [0, 1]]::float8[], 1, 1, 'smoothness', ARRAY[-1]::float8[])$$);
SELECT pg_temp.error($$SELECT * FROM honest_bounds(ARRAY[1, 2]::float8[], ARRAY[[1, 0], [0, 1]]::float8[], 1, 1, 'smoothness', ARRAY['NaN']::float8[])$$);
SELECT pg_temp.error($$SELECT * FROM honest_bounds(ARRAY[1, 2]::float8[], ARRAY[[1, 0], [0, 1]]::float8[], 0, 2, 'smoothness', ARRAY[0]::float8[])$$);
SELECT pg_temp.error($$SELECT * FROM honest_bounds(ARRAY[1, 2]::float8[], ARRAY[[1, 0], [0, 1]]::float8[], 1, 1, 'smoothness', ARRAY[0]::float8[], l => ARRAY[1, 2]::float8[])$$);
SELECT pg_temp.error($$SELECT * FROM honest_bounds(ARRAY[1, 2]::float8[], ARRAY[[1, 0], [0, 1]]::float8[], 1, 1, 'smoothness', ARRAY[0]::float8[], l => ARRAY[0]::float8[])$$);
SELECT pg_temp.error($$SELECT * FROM honest_bounds(ARRAY[1, 2]::float8[], ARRAY[[1, 0], [0, 1]]::float8[], 1, 1, 'smoothness', ARRAY[0]::float8[], alpha => 0)$$);
SELECT pg_temp.error($$SELECT * FROM honest_bounds(array_fill(0::float8, ARRAY[50]), array_fill(0::float8, ARRAY[50, 50]), 41, 9, 'smoothness', ARRAY[0]::float8[])$$);
SELECT pg_temp.error($$SELECT * FROM honest_bounds(ARRAY[1, 2]::float8[], ARRAY[[1, 0], [0, 1]]::float8[], 1, 1, 'smoothness', array_fill(0::float8, ARRAY[1001]))$$);
SELECT pg_temp.error($$SELECT * FROM honest_did((SELECT panel FROM rb_mp), 0, 'smoothness', ARRAY[0]::float8[], min_e => 0)$$);
SELECT pg_temp.error($$SELECT * FROM honest_did((SELECT panel FROM rb_mp), 5, 'smoothness', ARRAY[0]::float8[])$$);
SELECT pg_temp.error($$SELECT * FROM honest_did((SELECT panel FROM rb_mp), 2, 'smoothness', ARRAY[0]::float8[], max_e => 1)$$);
SELECT pg_temp.error($$SELECT * FROM honest_did((SELECT panel FROM rb_mp), -1, 'smoothness', ARRAY[0]::float8[])$$);
-- a cancel stops a long computation (the core polls the interrupt hook)
SET statement_timeout = '300ms';
SELECT pg_temp.error($$SELECT count(*) FROM honest_bounds(array_fill(0.1::float8, ARRAY[20]),
	(SELECT array_agg(CASE WHEN i = j THEN 1.0 ELSE 0.3 END ORDER BY i, j) FROM generate_series(1, 20) i, generate_series(1, 20) j),
	10, 10, 'relative_magnitude', (SELECT array_agg(x / 10.0) FROM generate_series(1, 1000) x))$$);
RESET statement_timeout;
-- the solver is usable again after the cancel
SELECT count(*) AS rows FROM rb_es, honest_bounds(betahat, sigma, 4, 4, 'relative_magnitude', ARRAY[1]);
-- NOTICEs: units treated in the first period are left out; without
-- never-treated units the last cohort is the comparison group
SELECT kind, count(*) FROM did_imputation((SELECT did_panel(u, t, (u * t % 7)::float8, CASE WHEN u % 3 = 0 THEN 2003 WHEN u % 3 = 1 THEN 2005 ELSE 2007 END)
                                          FROM generate_series(1, 12) u, generate_series(2003, 2008) t)) GROUP BY kind ORDER BY kind;
-- an incomplete unit: left out with a NOTICE, or an error on request
SELECT count(*) FROM sun_abraham((SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0)) FROM rb_mpdta WHERE NOT (countyreal = 12007 AND year = 2005)));
SELECT pg_temp.error($$SELECT count(*) FROM sun_abraham((SELECT did_panel(countyreal, year, lemp, nullif(first_treat, 0)) FROM rb_mpdta WHERE NOT (countyreal = 12007 AND year = 2005)), unbalanced => 'error')$$);
-- NULL required arguments give no rows; NULL l is the first post period
SELECT count(*) AS no_rows FROM honest_bounds(NULL, ARRAY[[1, 0], [0, 1]]::float8[], 1, 1, 'smoothness', ARRAY[0]::float8[]);
SELECT count(*) AS no_rows FROM honest_did(NULL, 0, 'smoothness', ARRAY[0]::float8[]);
SELECT count(*) AS one_row FROM honest_bounds(ARRAY[0.1, 0.5]::float8[], ARRAY[[0.01, 0.002], [0.002, 0.02]]::float8[], 1, 1,
                                              'smoothness', ARRAY[0]::float8[], l => NULL);

DROP TABLE rb_mpdta, rb_mp, rb_sim, rb_two, rb_bc, rb_es;
