-- trajectory groups of the negative binomial families, every group's posterior, the summary,
-- risk factors of membership (covariates per unit in trajectory_panel)
SET search_path = public, scomm;
SET extra_float_digits = 0;
CREATE FUNCTION pg_temp.sqlstate_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- crimCV's example (data/reference): 378 offenders, offences at ages 8..38, overdispersed counts
CREATE TABLE nb_wide (o8 int, o9 int, o10 int, o11 int, o12 int, o13 int, o14 int, o15 int, o16 int,
	o17 int, o18 int, o19 int, o20 int, o21 int, o22 int, o23 int, o24 int, o25 int, o26 int, o27 int,
	o28 int, o29 int, o30 int, o31 int, o32 int, o33 int, o34 int, o35 int, o36 int, o37 int, o38 int);
\copy nb_wide FROM 'data/reference/crimCV_TO1adj.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE nb_obs AS
SELECT id, 7 + a.age AS age, a.y
FROM (SELECT row_number() OVER () AS id, * FROM nb_wide) w,
	LATERAL unnest(ARRAY[o8, o9, o10, o11, o12, o13, o14, o15, o16, o17, o18, o19, o20, o21, o22, o23,
	                     o24, o25, o26, o27, o28, o29, o30, o31, o32, o33, o34, o35, o36, o37, o38])
	        WITH ORDINALITY a(y, age);
SELECT count(*) AS observations, count(DISTINCT id) AS units, round(avg(y), 3) AS mean,
       round(var_pop(y), 3) AS variance FROM nb_obs;

-- two negative binomial groups, quadratic in age
CREATE TABLE nb_model AS
SELECT trajectory_groups(trajectory_panel(id, age, y), 2, 2, 'nbinom', 10) AS m,
       trajectory_groups(trajectory_panel(id, age, y), 2, 2, 'poisson', 10) AS mp,
       trajectory_groups(trajectory_panel(id, age, y), 2, 2, 'zinb', 10) AS mz,
       trajectory_groups(trajectory_panel(id, age, y), 2, 2, 'zip', 10) AS mzp,
       trajectory_panel(id, age, y) AS p
FROM nb_obs;
SELECT f.npar, f.converged, f.starts_at_best >= 2 AS best_reached_twice,
       abs(f.bic - (f.loglik - 0.5 * f.npar * ln(378))) < 1e-9 AS bic_nagin
FROM nb_model, trajectory_fit(m) f;
SELECT s.* FROM nb_model, trajectory_summary(m) s;
SELECT c.group_id, c.term, c.estimate > 0 AS positive, c.se > 0 AS has_se
FROM nb_model, trajectory_coefficients(m) c ORDER BY c.group_id, c.term;
-- nested families: the negative binomial fits at least as well as the Poisson, zinb as zip
SELECT (trajectory_fit(m)).loglik > (trajectory_fit(mp)).loglik + 100 AS nbinom_far_above_poisson,
       (trajectory_fit(mz)).loglik >= (trajectory_fit(mzp)).loglik AS zinb_at_least_zip,
       (SELECT string_agg(term, ', ' ORDER BY group_id, term) FROM trajectory_coefficients(mz) WHERE group_id = 1) AS zinb_terms
FROM nb_model;

-- the log-likelihood written out here from the coefficients, the dispersions and the shares:
-- log f(y) = sum_{j<y} ln(theta + j) - ln y! + theta ln(theta / (theta + mu)) + y ln(mu / (theta + mu)),
-- theta = 1 / dispersion, mu = exp(b0 + b1 t + b2 t^2); each unit's posteriors by hand too
CREATE TABLE nb_hand AS
WITH c AS (SELECT c.group_id, max(c.estimate) FILTER (WHERE c.term = 'intercept') AS b0,
                  max(c.estimate) FILTER (WHERE c.term = 't') AS b1,
                  max(c.estimate) FILTER (WHERE c.term = 't^2') AS b2,
                  1 / max(c.estimate) FILTER (WHERE c.term = 'dispersion') AS th
           FROM nb_model, trajectory_coefficients(m) c GROUP BY c.group_id),
     s AS (SELECT s.group_id, s.share FROM nb_model, trajectory_shares(m) s),
     l AS (SELECT o.id, c.group_id,
                  ln(s.share) + sum((SELECT coalesce(sum(ln(c.th + j)), 0) FROM generate_series(0, o.y - 1) j)
                                    - (SELECT coalesce(sum(ln(j)), 0) FROM generate_series(1, o.y) j)
                                    + c.th * ln(c.th / (c.th + exp(c.b0 + c.b1 * o.age + c.b2 * o.age ^ 2)))
                                    + o.y * ln(exp(c.b0 + c.b1 * o.age + c.b2 * o.age ^ 2)
                                               / (c.th + exp(c.b0 + c.b1 * o.age + c.b2 * o.age ^ 2)))) AS ll
           FROM nb_obs o, c JOIN s USING (group_id) GROUP BY o.id, c.group_id, s.share)
SELECT id, group_id, ll, exp(ll - mx) / sum(exp(ll - mx)) OVER (PARTITION BY id) AS post,
       mx + ln(sum(exp(ll - mx)) OVER (PARTITION BY id)) AS unit_ll
FROM (SELECT *, max(ll) OVER (PARTITION BY id) AS mx FROM l) x;
SELECT abs((SELECT sum(unit_ll) FROM (SELECT DISTINCT id, unit_ll FROM nb_hand) u) - f.loglik)
       < 1e-8 * abs(f.loglik) AS loglik_matches_hand
FROM nb_model, trajectory_fit(m) f;

-- every group's posterior: one row per unit and group, summing to 1, the modal one as before
SELECT count(*) AS rows, count(DISTINCT mb.unit) AS units,
       bool_and(abs(mb.posterior - h.post) < 1e-9) AS posteriors_match_hand
FROM nb_model, trajectory_membership(m, p, all_groups => true) mb
JOIN nb_hand h ON h.id = mb.unit AND h.group_id = mb.group_id;
SELECT bool_and(abs(total - 1) < 1e-12) AS sum_to_one, bool_and(top = modal) AS max_is_modal_posterior,
       bool_and(arg = modal_group) AS argmax_is_modal_group
FROM (SELECT a.unit, sum(a.posterior) AS total, max(a.posterior) AS top,
             (array_agg(a.group_id ORDER BY a.posterior DESC, a.group_id))[1] AS arg
      FROM nb_model, trajectory_membership(m, p, true) a GROUP BY a.unit) a
JOIN (SELECT mb.unit, mb.group_id AS modal_group, mb.posterior AS modal
      FROM nb_model, trajectory_membership(m, p) mb) b USING (unit);
-- without covariates the membership intercepts are log(share_k / share_1), with the share's SE
SELECT r.group_id, r.covariate, abs(r.estimate - ln(s2.share / s1.share)) < 1e-12 AS log_share_ratio,
       r.se > 0 AS has_se
FROM nb_model, trajectory_risk_factors(m) r, trajectory_shares(m) s1, trajectory_shares(m) s2
WHERE s1.group_id = 1 AND s2.group_id = r.group_id;

-- the negative binomial model is stored as version 2, its text and binary forms round-trip
SELECT left(m::text, 28) AS text_head, m::text::trajectory_model::text = m::text AS text_round_trip,
       left(mp::text, 29) AS poisson_head
FROM nb_model;
CREATE TABLE nb_copy (LIKE nb_model);
COPY nb_model TO '/tmp/scomm_regress_nb_model.bin' WITH (FORMAT binary);
COPY nb_copy FROM '/tmp/scomm_regress_nb_model.bin' WITH (FORMAT binary);
SELECT count(*) AS copied, bool_and(c.m::text = o.m::text AND c.mz::text = o.mz::text AND c.p::text = o.p::text) AS identical
FROM nb_copy c, nb_model o;

-- covariates per unit: constant within a unit, NULL leaves the unit out, stored once per unit
SELECT trajectory_panel(u, t, y, NULL, x)
FROM (VALUES (2, 1, 3, ARRAY[0.5, -1]::float8[]), (1, 1, 0, NULL), (2, 2, 4, ARRAY[0.5, -1]),
             (3, 1, 1, ARRAY[2, NULL]), (3, 2, 2, ARRAY[2, 7])) v(u, t, y, x);
SELECT '{n=1;5,1,2,1;covariates=1;units=1;5:-0.25}'::trajectory_panel AS typed,
       trajectory_panel_merge('{n=1;1,1,1,1;covariates=1;units=1;1:3}', '{n=1;2,1,1,1;covariates=1;units=1;2:NULL}') AS merged;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_panel(u, 1, 1, 1, x)
  FROM (VALUES (7, ARRAY[1, 2]::float8[]), (7, ARRAY[1, 3])) v(u, x)$$) AS differs_within_unit;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_panel(u, 1, 1, 1, x)
  FROM (VALUES (7, ARRAY[1, 2]::float8[]), (8, ARRAY[1])) v(u, x)$$) AS other_count;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_panel(1, 1, 1, 1, ARRAY[]::float8[])$$) AS empty_array;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_panel(1, 1, 1, 1, array_fill(1::float8, ARRAY[21]))$$) AS too_many;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_panel(1, 1, 1, 1, ARRAY[[1, 2], [3, 4]]::float8[])$$) AS two_dimensions;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_panel(1, 1, 1, 1, ARRAY['NaN']::float8[])$$) AS nan_covariate;
SELECT pg_temp.sqlstate_of($$SELECT '{n=1;1,1,1,1;covariates=1;units=1;1:1;2:2}'::trajectory_panel$$) AS bad_text;

-- risk factors: two covariates per offender (made up from the row number), NULL for every 25th
CREATE TABLE nb_risk AS
SELECT trajectory_panel(id, age, y, NULL,
                        CASE WHEN id % 25 <> 0 THEN ARRAY[((id * 37) % 11 - 5) / 3.0, 1000 * (id % 4)]::float8[] END) AS p
FROM nb_obs;
CREATE TABLE nb_risk_model AS SELECT trajectory_groups(p, 2, 2, 'nbinom', 10) AS m FROM nb_risk;
SELECT s.family, s.covariates, s.units, s.units_left_out, f.npar, f.converged,
       left(m::text, 55) AS text_head
FROM nb_risk_model, trajectory_summary(m) s, trajectory_fit(m) f;
SELECT r.group_id, r.covariate, r.se > 0 AS has_se FROM nb_risk_model, trajectory_risk_factors(m) r;
-- the log-likelihood and the posteriors by hand, each unit's prior from the logit's coefficients
CREATE TABLE nb_risk_hand AS
WITH x AS (SELECT id, ((id * 37) % 11 - 5) / 3.0 AS x1, 1000 * (id % 4) AS x2 FROM nb_obs
           WHERE id % 25 <> 0 GROUP BY id),
     r AS (SELECT max(estimate) FILTER (WHERE covariate = 0) AS g0, max(estimate) FILTER (WHERE covariate = 1) AS g1,
                  max(estimate) FILTER (WHERE covariate = 2) AS g2
           FROM nb_risk_model, trajectory_risk_factors(m)),
     pri AS (SELECT x.id, g.group_id,
                    CASE g.group_id WHEN 1 THEN 0 ELSE r.g0 + r.g1 * x.x1 + r.g2 * x.x2 END
                    - ln(1 + exp(r.g0 + r.g1 * x.x1 + r.g2 * x.x2)) AS lp
             FROM x, r, (VALUES (1), (2)) g(group_id)),
     c AS (SELECT c.group_id, max(c.estimate) FILTER (WHERE c.term = 'intercept') AS b0,
                  max(c.estimate) FILTER (WHERE c.term = 't') AS b1,
                  max(c.estimate) FILTER (WHERE c.term = 't^2') AS b2,
                  1 / max(c.estimate) FILTER (WHERE c.term = 'dispersion') AS th
           FROM nb_risk_model, trajectory_coefficients(m) c GROUP BY c.group_id),
     l AS (SELECT o.id, c.group_id,
                  min(pri.lp) + sum((SELECT coalesce(sum(ln(c.th + j)), 0) FROM generate_series(0, o.y - 1) j)
                                    - (SELECT coalesce(sum(ln(j)), 0) FROM generate_series(1, o.y) j)
                                    + c.th * ln(c.th / (c.th + exp(c.b0 + c.b1 * o.age + c.b2 * o.age ^ 2)))
                                    + o.y * ln(exp(c.b0 + c.b1 * o.age + c.b2 * o.age ^ 2)
                                               / (c.th + exp(c.b0 + c.b1 * o.age + c.b2 * o.age ^ 2)))) AS ll
           FROM nb_obs o JOIN pri ON pri.id = o.id JOIN c ON c.group_id = pri.group_id
           GROUP BY o.id, c.group_id)
SELECT id, group_id, exp(ll - mx) / sum(exp(ll - mx)) OVER (PARTITION BY id) AS post,
       mx + ln(sum(exp(ll - mx)) OVER (PARTITION BY id)) AS unit_ll
FROM (SELECT *, max(ll) OVER (PARTITION BY id) AS mx FROM l) x;
SELECT abs((SELECT sum(unit_ll) FROM (SELECT DISTINCT id, unit_ll FROM nb_risk_hand) u) - f.loglik)
       < 1e-8 * abs(f.loglik) AS loglik_matches_hand
FROM nb_risk_model, trajectory_fit(m) f;
SELECT count(*) AS rows, count(DISTINCT mb.unit) AS units,
       bool_and(abs(mb.posterior - h.post) < 1e-9) AS posteriors_match_hand
FROM nb_risk_model, nb_risk, trajectory_membership(m, p, true) mb
JOIN nb_risk_hand h ON h.id = mb.unit AND h.group_id = mb.group_id;
-- the shares are the mean prior probabilities
SELECT bool_and(abs(s.share - h.mean_post) < 1e-6) AS shares_are_mean_posteriors
FROM nb_risk_model, trajectory_shares(m) s
JOIN (SELECT group_id, avg(post) AS mean_post FROM nb_risk_hand GROUP BY group_id) h USING (group_id);
SELECT pg_temp.sqlstate_of($$SELECT trajectory_membership(m, (SELECT p FROM nb_model)) FROM nb_risk_model$$) AS panel_without_covariates;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups(trajectory_panel(id, age, y, NULL, ARRAY[1, id % 3]::float8[]), 2) FROM nb_obs$$) AS constant_covariate;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups(trajectory_panel(id, age, y, NULL, NULL::float8[]), 2) FROM nb_obs$$) AS no_covariates;

-- a parallel plan gives the serial panel, covariate records included
CREATE TABLE nb_big AS
SELECT id + 1000 * g AS id, age, y, ARRAY[(id % 7)::float8, g] AS x
FROM nb_obs, generate_series(0, 9) g;
ANALYZE nb_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT trajectory_panel(id, age, y, NULL, x) FROM nb_big;
CREATE TEMP TABLE nb_parallel AS SELECT trajectory_panel(id, age, y, NULL, x) AS p FROM nb_big;
SET max_parallel_workers_per_gather = 0;
SELECT (SELECT p::text FROM nb_parallel) = trajectory_panel(id, age, y, NULL, x)::text AS parallel_equals_serial
FROM nb_big;
RESET ALL;
SET search_path = public, scomm;
SET extra_float_digits = 0;

-- a long negative binomial fit with covariates is cancelled by statement_timeout (57014)
CREATE TABLE nb_heavy AS
SELECT trajectory_panel(id, age, y, NULL, x) AS p FROM nb_big;
SET statement_timeout = '300ms';
\set VERBOSITY sqlstate
SELECT trajectory_groups(p, 8, 3, 'zinb', 100000) FROM nb_heavy;
\set VERBOSITY default
RESET statement_timeout;

-- bad arguments
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups(p, 2, family => 'negbin') FROM nb_model$$) AS unknown_family;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups('{n=2;1,1,0.5,1;1,2,3,1}', 1, family => 'nbinom')$$) AS fractional_count;
SELECT pg_temp.sqlstate_of($$SELECT trajectory_groups(p, 2, family => 'zinb', lower => 0) FROM nb_model$$) AS bounds_for_zinb;

DROP TABLE nb_wide, nb_obs, nb_model, nb_hand, nb_copy, nb_big, nb_risk, nb_risk_model, nb_risk_hand, nb_heavy;
