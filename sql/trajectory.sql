-- trajectory_panel, trajectory_groups, trajectory_model and its accessors
SET search_path = public, scomm;
SET extra_float_digits = 0;
CREATE FUNCTION pg_temp.sqlstate_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- trajeR's example data (data/reference, provenance in data/SOURCES.md): 50 units,
-- outcomes Y1..Y5 at times T1..T5 = 1..5
CREATE TABLE traj_pois (id int, y1 int, y2 int, y3 int, y4 int, y5 int,
	t1 int, t2 int, t3 int, t4 int, t5 int, x1 float8, gr int);
\copy traj_pois FROM 'data/reference/trajeR_POIS2gr.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE traj_cnorm (id int, y1 float8, y2 float8, y3 float8, y4 float8, y5 float8,
	t1 int, t2 int, t3 int, t4 int, t5 int, x1 float8, w1 float8, w2 float8, w3 float8, w4 float8, w5 float8, gr int);
\copy traj_cnorm FROM 'data/reference/trajeR_CNORM2gr.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE traj_obs AS
SELECT 'pois' AS data, id, t, y FROM traj_pois,
	LATERAL (VALUES (t1, y1), (t2, y2), (t3, y3), (t4, y4), (t5, y5)) v(t, y)
UNION ALL
SELECT 'cnorm', id, t, y FROM traj_cnorm,
	LATERAL (VALUES (t1, y1), (t2, y2), (t3, y3), (t4, y4), (t5, y5)) v(t, y);
SELECT data, count(*) AS observations, count(DISTINCT id) AS units FROM traj_obs GROUP BY data ORDER BY data;

-- the panel: canonical text form, y NULL skipped, exposure NULL = 1, empty input NULL
SELECT trajectory_panel(u, t, y, e)
FROM (VALUES (7, 2006, 3, 2.5), (-3, 2007, 0, NULL), (7, 2005, NULL, 1), (7, 2005, 1, 1)) v(u, t, y, e);
SELECT trajectory_panel(u, t, y)::text = trajectory_panel(u, t, y, NULL)::text AS three_args_mean_exposure_1,
       trajectory_panel(u, t, y) AS panel
FROM (VALUES (2, 1.5, -0.25), (1, 1, 1e-300), (1, 0, 1e300)) v(u, t, y);
SELECT trajectory_panel(1, 2, 3, 4) IS NULL AS empty_is_null FROM traj_obs WHERE false;
SELECT '{n=2;1,1,0,1;1,2,3,2}'::trajectory_panel AS typed, ' {n=0} '::trajectory_panel AS empty;
-- stored panels merge into the panel of all rows
CREATE TABLE traj_part AS
SELECT data, id % 3 AS part, trajectory_panel(id, t, y) AS p FROM traj_obs GROUP BY data, id % 3;
SELECT x.data, trajectory_panel(p)::text = (SELECT trajectory_panel(id, t, y)::text FROM traj_obs o WHERE o.data = x.data) AS merged_equals_whole
FROM traj_part x GROUP BY x.data ORDER BY x.data;
SELECT bool_and(p::text::trajectory_panel::text = p::text) AS text_round_trip_exact FROM traj_part;
SELECT trajectory_panel_merge(NULL, NULL) IS NULL AS null_merge,
       trajectory_panel_merge('{n=1;1,1,1,1}', NULL) AS left_only,
       trajectory_panel_merge(NULL, '{n=1;1,1,1,1}') AS right_only,
       trajectory_panel_accum('{n=1;5,1,1,1}', 4, 2, 3, NULL) AS accum_called_directly;

-- bad panel values
SELECT pg_temp.sqlstate_of($$SELECT trajectory_panel(1, 'NaN', 1, 1)$$) AS nan_t;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_panel(1, 1, 'Infinity', 1)$$) AS infinite_y;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_panel(1, 1, 1, 0)$$) AS zero_exposure;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_panel(1, 1, 1, -5)$$) AS negative_exposure;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_panel(1, 1, 1, 'NaN')$$) AS nan_exposure;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_panel(NULL, 1, 1, 1)$$) AS null_unit;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_panel(1, NULL, 1, 1)$$) AS null_t;
-- malformed text forms
SELECT pg_temp.sqlstate_of($$SELECT '{n=2;1,1,0,1}'::trajectory_panel$$) AS count_mismatch;
SELECT pg_temp.sqlstate_of($$SELECT '{n=2;1,2,0,1;1,1,0,1}'::trajectory_panel$$) AS not_canonical;
SELECT pg_temp.sqlstate_of($$SELECT '{n=1;1,1,0,0}'::trajectory_panel$$) AS zero_exposure_text;
SELECT pg_temp.sqlstate_of($$SELECT '{n=1;1,NaN,0,1}'::trajectory_panel$$) AS nan_text;
SELECT pg_temp.sqlstate_of($$SELECT '{n=1; 1,1,0,1}'::trajectory_panel$$) AS inner_space;
SELECT pg_temp.sqlstate_of($$SELECT '{n=99999999;1,1,0,1}'::trajectory_panel$$) AS huge_count;

-- trajeR POIS2gr and CNORM2gr (quadratic, 2 groups; data/reference/README.md):
-- LL -488.1306 with shares .7763/.2237 and LL -830.0071 with shares .3869/.6131
CREATE TABLE traj_model AS
SELECT 'pois' AS data, trajectory_groups(trajectory_panel(id, t, y), 2) AS m FROM traj_obs WHERE data = 'pois'
UNION ALL
SELECT 'cnorm', trajectory_groups(trajectory_panel(id, t, y), 2, family => 'cnorm') FROM traj_obs WHERE data = 'cnorm';
SELECT data, round(f.loglik::numeric, 4) AS loglik, abs(f.loglik - CASE data WHEN 'pois' THEN -488.1306 ELSE -830.0071 END) < 1e-3 AS matches_trajer,
       f.npar, f.converged, f.starts_at_best >= 2 AS best_reached_twice,
       abs(f.bic - (f.loglik - 0.5 * f.npar * ln(50))) < 1e-9 AS bic_nagin, abs(f.aic - (f.loglik - f.npar)) < 1e-9 AS aic_nagin
FROM traj_model, trajectory_fit(m) f ORDER BY data DESC;
SELECT data, s.group_id, round(s.share::numeric, 4) AS share,
       abs(s.share - CASE WHEN data = 'pois' THEN (ARRAY[.7763, .2237])[s.group_id] ELSE (ARRAY[.6131, .3869])[s.group_id] END) < 1e-3 AS matches_trajer,
       s.avepp BETWEEN 0.5 AND 1 AS avepp_ok, s.occ > 1 AS occ_above_1
FROM traj_model, trajectory_shares(m) s ORDER BY data DESC, s.group_id;
SELECT data, c.group_id, c.term, round(c.estimate::numeric, 3) AS estimate, round(c.se::numeric, 3) AS se
FROM traj_model, trajectory_coefficients(m) c ORDER BY data DESC, c.group_id, c.term;

-- POIS2gr: each unit's posterior recomputed here from the coefficients and shares
-- (Poisson likelihood in raw time; log y! cancels), and the classification statistics
CREATE TABLE traj_hand AS
WITH c AS (SELECT c.group_id, array_agg(c.estimate ORDER BY c.term) AS b   -- intercept, t, t^2
           FROM traj_model, trajectory_coefficients(m) c WHERE data = 'pois' GROUP BY c.group_id),
     s AS (SELECT s.group_id, s.share FROM traj_model, trajectory_shares(m) s WHERE data = 'pois'),
     l AS (SELECT o.id, c.group_id, ln(s.share) + sum(o.y * (b[1] + b[2] * o.t + b[3] * o.t ^ 2) - exp(b[1] + b[2] * o.t + b[3] * o.t ^ 2)) AS ll
           FROM traj_obs o, c JOIN s USING (group_id) WHERE o.data = 'pois' GROUP BY o.id, c.group_id, s.share)
SELECT id, group_id, exp(ll - m) / sum(exp(ll - m)) OVER (PARTITION BY id) AS post
FROM (SELECT *, max(ll) OVER (PARTITION BY id) AS m FROM l) x;
SELECT count(*) AS units,
       bool_and(mb.group_id = h.group_id AND abs(mb.posterior - h.post) < 1e-9) AS membership_matches_hand
FROM traj_model t, trajectory_membership(t.m, (SELECT trajectory_panel(id, t, y) FROM traj_obs WHERE data = 'pois')) mb
JOIN (SELECT DISTINCT ON (id) id, group_id, post FROM traj_hand ORDER BY id, post DESC) h ON h.id = mb.unit
WHERE t.data = 'pois';
SELECT bool_and(abs(s.avepp - a.avepp) < 1e-12) AS avepp_is_mean_posterior_of_assigned,
       bool_and(abs(s.occ - (a.avepp / a.miss) / (s.share / (1 - s.share))) < 1e-9 * s.occ) AS occ_formula
FROM traj_model t, trajectory_shares(t.m) s
JOIN (SELECT h.group_id, avg(h.post) AS avepp, avg(1 - h.post) AS miss
      FROM traj_hand h JOIN (SELECT DISTINCT ON (id) id, group_id FROM traj_hand ORDER BY id, post DESC) a USING (id, group_id)
      GROUP BY h.group_id) a USING (group_id)
WHERE t.data = 'pois';
-- curves: exp of the fitted polynomial at each time
SELECT count(*) AS points,
       bool_and(abs(cv.expected - exp(b[1] + b[2] * cv.t + b[3] * cv.t ^ 2)) < 1e-12 * cv.expected) AS curves_match_coefficients
FROM traj_model t, trajectory_curves(t.m) cv
JOIN (SELECT c.group_id, array_agg(c.estimate ORDER BY c.term) AS b
      FROM traj_model, trajectory_coefficients(m) c WHERE data = 'pois' GROUP BY c.group_id) c USING (group_id)
WHERE t.data = 'pois';
-- CNORM2gr: a unit from elsewhere is classified by its own data only
SELECT mb.unit, mb.group_id, mb.posterior = x.posterior AS same_posterior
FROM traj_model t,
     trajectory_membership(t.m, (SELECT trajectory_panel(id + 1000, t, y) FROM traj_obs WHERE data = 'cnorm' AND id = 7)) mb,
     trajectory_membership(t.m, (SELECT trajectory_panel(id, t, y) FROM traj_obs WHERE data = 'cnorm')) x
WHERE t.data = 'cnorm' AND x.unit = 7;

-- one group of degree 0: log(sum y / sum exposure) with SE 1/sqrt(sum y); normal: mean, ML sd, sd/sqrt(n)
SELECT abs(c.estimate - ln(sum_y / sum_e)) < 1e-10 AS rate_closed_form, abs(c.se - 1 / sqrt(sum_y)) < 1e-8 AS se_closed_form
FROM (SELECT trajectory_groups(trajectory_panel(id, t, y, 1 + id % 3), 1, 0, starts => 1) m,
             sum(y) AS sum_y, sum(1 + id % 3) AS sum_e
      FROM traj_obs WHERE data = 'pois') x, trajectory_coefficients(m) c;
SELECT c.term, CASE c.term WHEN 'intercept' THEN abs(c.estimate - mean) < 1e-9 AND abs(c.se - sd / sqrt(250)) < 1e-8
                           ELSE abs(c.estimate - sd) < 1e-8 AND abs(c.se - sd / sqrt(500)) < 1e-8 END AS closed_form
FROM (SELECT trajectory_groups(trajectory_panel(id, t, y), 1, 0, 'cnorm', 1, lower => '-Infinity', upper => 'Infinity') m,
             avg(y) AS mean, stddev_pop(y) AS sd
      FROM traj_obs WHERE data = 'cnorm') x, trajectory_coefficients(m) c ORDER BY c.term;

-- zero-inflated Poisson and censored normal run and report their extra parameter
SELECT c.group_id, c.term, c.estimate BETWEEN 0 AND 1 AS is_probability, c.se > 0 AS has_se
FROM (SELECT trajectory_groups(trajectory_panel(id, t, y), 2, 1, 'zip', 5) m FROM traj_obs WHERE data = 'pois') x,
     trajectory_coefficients(m) c WHERE c.term = 'zero_prob' ORDER BY c.group_id;
SELECT (trajectory_fit(m)).converged, m::text LIKE '%lower=-5;upper=5;%' AS bounds_stored,
       (SELECT count(*) FROM traj_obs WHERE data = 'cnorm' AND (y <= -5 OR y >= 5)) AS censored_values
FROM (SELECT trajectory_groups(trajectory_panel(id, t, y), 2, 2, 'cnorm', 5, lower => -5, upper => 5) m
      FROM traj_obs WHERE data = 'cnorm') x;

-- models are storable: text and binary round trips are exact
SELECT bool_and(m::text::trajectory_model::text = m::text) AS model_text_round_trip FROM traj_model;
CREATE TABLE traj_model_copy (LIKE traj_model);
COPY traj_model TO '/tmp/scomm_regress_traj_model.bin' WITH (FORMAT binary);
COPY traj_model_copy FROM '/tmp/scomm_regress_traj_model.bin' WITH (FORMAT binary);
CREATE TABLE traj_part_copy (LIKE traj_part);
COPY traj_part TO '/tmp/scomm_regress_traj_panel.bin' WITH (FORMAT binary);
COPY traj_part_copy FROM '/tmp/scomm_regress_traj_panel.bin' WITH (FORMAT binary);
SELECT (SELECT count(*) FROM traj_model_copy) AS models_copied,
       (SELECT count(*) FROM (SELECT data, m::text FROM traj_model EXCEPT SELECT data, m::text FROM traj_model_copy) d) AS models_differing,
       (SELECT count(*) FROM traj_part_copy) AS panels_copied,
       (SELECT count(*) FROM (SELECT data, part, p::text FROM traj_part EXCEPT SELECT data, part, p::text FROM traj_part_copy) d) AS panels_differing;
-- a binary panel with an unknown version, and one out of canonical order, are refused
CREATE TABLE traj_bin (p trajectory_panel);
SELECT lo_from_bytea(4242107, decode('5047434f50590aff0d0a00' || '00000000' || '00000000'
       || '0001' || '00000009' || '02' || '0000000000000000' || 'ffff', 'hex')) = 4242107 AS created;
SELECT lo_export(4242107, '/tmp/scomm_regress_bad_traj.bin') = 1 AS written;
SELECT lo_unlink(4242107);
COPY traj_bin FROM '/tmp/scomm_regress_bad_traj.bin' WITH (FORMAT binary);
SELECT lo_from_bytea(4242108, decode('5047434f50590aff0d0a00' || '00000000' || '00000000'
       || '0001' || '00000049' || '01' || '0000000000000002'
       || '0000000000000002' || '3ff0000000000000' || '0000000000000000' || '3ff0000000000000'
       || '0000000000000001' || '3ff0000000000000' || '0000000000000000' || '3ff0000000000000' || 'ffff', 'hex')) = 4242108 AS created;
SELECT lo_export(4242108, '/tmp/scomm_regress_bad_traj.bin') = 1 AS written;
SELECT lo_unlink(4242108);
COPY traj_bin FROM '/tmp/scomm_regress_bad_traj.bin' WITH (FORMAT binary);
SELECT pg_temp.sqlstate_of($$SELECT '{traj=1;family=poisson}'::trajectory_model$$) AS truncated_model;
SELECT pg_temp.sqlstate_of($$SELECT replace(m::text, ';bic=', ';bic=1')::trajectory_model FROM traj_model WHERE data = 'pois'$$) AS inconsistent_bic;
SELECT pg_temp.sqlstate_of($$SELECT replace(m::text, 'family=poisson', 'family=normal')::trajectory_model FROM traj_model WHERE data = 'pois'$$) AS unknown_family_in_model;

-- bad fit arguments and data
CREATE TABLE traj_panel AS SELECT trajectory_panel(id, t, y) AS p FROM traj_obs WHERE data = 'pois';
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups(NULL, 2)$$) AS null_panel;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups(p, NULL) FROM traj_panel$$) AS null_groups;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups(p, 2, family => NULL) FROM traj_panel$$) AS null_family;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups(p, 0) FROM traj_panel$$) AS zero_groups;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups(p, 21) FROM traj_panel$$) AS too_many_groups;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups(p, 2, -1) FROM traj_panel$$) AS negative_degree;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups(p, 2, 6) FROM traj_panel$$) AS degree_6;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups(p, 2, 5) FROM traj_panel$$) AS degree_above_times;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups(p, 2, starts => 0) FROM traj_panel$$) AS zero_starts;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups(p, 2, family => 'normal') FROM traj_panel$$) AS unknown_family;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups(p, 2, family => 'poisson', lower => 0) FROM traj_panel$$) AS bounds_for_poisson;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups(p, 2, family => 'cnorm', lower => 3, upper => 3) FROM traj_panel$$) AS empty_bounds;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups(p, 2, family => 'cnorm', lower => 'NaN') FROM traj_panel$$) AS nan_bound;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups(p, 51) FROM traj_panel$$) AS more_groups_than_units;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups('{n=0}', 1)$$) AS empty_panel;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups('{n=2;1,1,-1,1;1,2,3,1}', 1)$$) AS negative_count;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups('{n=2;1,1,0.5,1;1,2,3,1}', 1, family => 'zip')$$) AS fractional_count;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups('{n=2;1,1,0,1;1,1,3,1}', 1, 0)$$) AS two_values_at_one_time;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups('{n=2;1,1,0,2;1,2,3,1}', 1, 0, 'cnorm')$$) AS cnorm_with_exposure;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_membership(m, '{n=1;1,1,0.5,1}') FROM traj_model WHERE data = 'pois'$$) AS membership_bad_count;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_membership(m, '{n=0}') FROM traj_model WHERE data = 'pois'$$) AS membership_empty;

-- a parallel plan gives the serial answer (the panel is a multiset in canonical order)
CREATE TABLE traj_big AS
SELECT o.id + 100 * g AS id, o.t, o.y FROM traj_obs o, generate_series(0, 39) g WHERE o.data = 'pois';
ANALYZE traj_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT trajectory_panel(id, t, y, NULL) FROM traj_big;
CREATE TEMP TABLE traj_parallel AS SELECT trajectory_panel(id, t, y, NULL) AS p FROM traj_big;
SET max_parallel_workers_per_gather = 0;
SELECT (SELECT p::text FROM traj_parallel) = trajectory_panel(id, t, y, NULL)::text AS parallel_equals_serial,
       (SELECT trajectory_groups(p, 2, starts => 3)::text FROM traj_parallel)
       = trajectory_groups(trajectory_panel(id, t, y, NULL), 2, starts => 3)::text AS same_model
FROM traj_big;
RESET ALL;
SET search_path = public, scomm;
SET extra_float_digits = 0;

-- a long fit is cancelled by statement_timeout (57014)
CREATE TABLE traj_heavy AS
SELECT trajectory_panel(i, t, ((i * 7919 + t * 104729) % 13)::float8) AS p
FROM generate_series(1, 3000) i, generate_series(1, 10) t;
SET statement_timeout = '300ms';
\set VERBOSITY sqlstate
SELECT trajectory_groups(p, 8, 3, 'zip', 100000) FROM traj_heavy;
\set VERBOSITY default
RESET statement_timeout;

DROP TABLE traj_pois, traj_cnorm, traj_obs, traj_part, traj_part_copy, traj_model, traj_model_copy,
	traj_hand, traj_panel, traj_big, traj_heavy, traj_bin;
