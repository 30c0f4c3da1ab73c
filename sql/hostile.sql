-- Hostile input, round two (issue 18): each finding's reproducer, with the
-- clean error or the right answer it gets now.  Answers are checked against
-- values computed independently (by hand, by PostGIS, by a recomputation in
-- plain SQL); errors by their SQLSTATE.  Everything runs under a statement
-- timeout: a loop that cannot be cancelled would fail here with 57014.
SET search_path = public, scomm;
SET client_min_messages = warning;
SET extra_float_digits = 0;
SET statement_timeout = '20s';

-- error(q): the SQLSTATE and message a statement fails with, or 'no error'
CREATE FUNCTION pg_temp.error(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'no error';
EXCEPTION WHEN query_canceled OR others THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- 1. a polygon wider than a double can measure: an error, not a crash
CREATE TABLE hostile_wide AS SELECT 'a'::text AS fips, ST_MakeEnvelope(-1e308, 0, 1e308, 1, 4326) AS geom;
CREATE TABLE hostile_tall AS SELECT 'a'::text AS fips, ST_MakeEnvelope(0, -1e308, 1, 1e308, 4326) AS geom;
CREATE TABLE hostile_nan AS SELECT 'a'::text AS fips,
	ST_MakePolygon(ST_MakeLine(ARRAY[ST_MakePoint(0, 0), ST_MakePoint('NaN'::float8, 1), ST_MakePoint(1, 1), ST_MakePoint(0, 0)])) AS geom;
SELECT pg_temp.error($$SELECT county_of(0, 0.5, 'hostile_wide')$$) AS wide,
       pg_temp.error($$SELECT * FROM contiguity('hostile_wide')$$) AS wide_contiguity,
       pg_temp.error($$SELECT county_of(0.5, 0, 'hostile_tall')$$) AS tall,
       pg_temp.error($$SELECT county_of(0.5, 0.5, 'hostile_nan')$$) AS nan_vertex,
       pg_temp.error($$SELECT county_of(ST_MakePoint('Infinity', 0), 'hostile_wide')$$) AS infinite_point;
-- the same shapes at 1e99 are answered (the limit is 1e100 in magnitude)
CREATE TABLE hostile_wide99 AS SELECT 'a'::text AS fips, ST_MakeEnvelope(-1e99, 0, 1e99, 1, 4326) AS geom;
SELECT county_of(ST_MakePoint(0, 0.5), 'hostile_wide99') AS inside,
       county_of(ST_MakePoint(-1e99, 1), 'hostile_wide99') AS corner,
       county_of(ST_MakePoint(0, 1.5), 'hostile_wide99') IS NULL AS outside;

-- 2, 3. huge Poisson means: answered at once (a normal approximation above
-- 2^31) or a 22003 when a count does not fit its column; never negative
SET statement_timeout = '5s';
SELECT count(*) AS rows, bool_and(count >= 0) AS non_negative,
       abs(avg(count / expected) - 1) < 0.25 AS mean_ratio_near_1
FROM simulate_crime(ARRAY['01001'], ARRAY['2010-01-01']::activation_cohort[], ARRAY[1e12]);
SELECT abs(avg(count / expected) - 1) < 0.25 AS population_1e15_near_1
FROM simulate_crime(ARRAY['01001'], ARRAY['2010-01-01']::activation_cohort[], ARRAY[1e15]);
SELECT pg_temp.error($$SELECT max(count) FROM simulate_crime(ARRAY['01001'], ARRAY['2010-01-01']::activation_cohort[], ARRAY[1e300])$$) AS population_1e300;
SELECT pg_temp.error($$SELECT max(count) FROM simulate_crime(ARRAY['01001'], ARRAY['2010-01-01']::activation_cohort[], ARRAY[1e5], effect => 1e300)$$) AS effect_1e300;
SELECT pg_temp.error($$SELECT max(removals) FROM simulate_removals(ARRAY['01001', '01003'], ARRAY['2009-01-01', '2010-01-01']::activation_cohort[], ARRAY[1000, 2000], total => 3e11)$$) AS total_3e11;
SELECT pg_temp.error($$SELECT max(removals) FROM simulate_removals(ARRAY['01001', '01003'], ARRAY['2009-01-01', '2010-01-01']::activation_cohort[], ARRAY[1000, 2000], total => 1e300)$$) AS total_1e300;
-- a total whose counts fit: calibrated to the total (Poisson noise: sd about 3e4)
SELECT min(removals) >= 0 AS non_negative, abs(sum(removals) FILTER (WHERE month < '2011-04-01') - 1e9) < 5e5 AS total_1e9
FROM simulate_removals(ARRAY['01001', '01003'], ARRAY['2009-01-01', '2010-01-01']::activation_cohort[], ARRAY[1000, 2000], total => 1e9);
SELECT pg_temp.error($$SELECT * FROM simulate_panel(10, 5, effect => 1e308, effect_growth => 1e308, cohorts => 2)$$) AS panel_overflow,
       pg_temp.error($$SELECT * FROM simulate_panel(10, 5, seed => NULL)$$) AS null_seed,
       pg_temp.error($$SELECT * FROM simulate_crime(ARRAY['01001'], ARRAY['never']::activation_cohort[], ARRAY[1e5], effect => NULL)$$) AS null_effect,
       pg_temp.error($$SELECT * FROM simulate_removals(ARRAY['01001'], ARRAY['2009-01-01']::activation_cohort[], ARRAY[10], seed => NULL)$$) AS null_seed_removals,
       pg_temp.error($$SELECT * FROM simulate_panel(1, 20000000)$$) AS too_many_periods;
SET statement_timeout = '20s';

-- 4. contiguity of 300 overlapping squares: the pairs PostGIS finds, quickly
SELECT setseed(0.25);
CREATE TABLE hostile_squares AS
SELECT i::text AS fips, ST_MakeEnvelope(x, y, x + 10, y + 10, 4326) AS geom
FROM (SELECT i, round((random() * 20)::numeric, 1)::float8 AS x, round((random() * 20)::numeric, 1)::float8 AS y
      FROM generate_series(1, 300) i) s;
WITH postgis AS (
	SELECT a.fips, b.fips AS neighbor,
	       ST_Dimension(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))) = 1 AS shares_edge
	FROM hostile_squares a JOIN hostile_squares b
	  ON a.fips <> b.fips AND ST_Intersects(ST_Boundary(a.geom), ST_Boundary(b.geom)))
SELECT (SELECT count(*) FROM postgis) AS postgis_pairs,
       (SELECT count(*) FROM contiguity('hostile_squares')) AS scomm_pairs,
       NOT EXISTS (SELECT * FROM postgis EXCEPT SELECT * FROM contiguity('hostile_squares'))
       AND NOT EXISTS (SELECT * FROM contiguity('hostile_squares') EXCEPT SELECT * FROM postgis) AS same_pairs;

-- 5. the bootstrap keeps every draw: beyond 50,000,000 values a 54000 at once
-- (cancellation within a second: test/shell/test_cancel.sh)
CREATE TABLE hostile_panel AS
SELECT did_panel(unit, period, outcome, first_period) AS p
FROM simulate_panel(400, 12, seed => 3, cohorts => 8, never_share => 0.2);
SELECT pg_temp.error($$SELECT count(*) FROM att_gt((SELECT p FROM hostile_panel), bootstrap => 1000000)$$) AS bootstrap_1e6;

-- 6. the inverse transition below zero: 22023, not XX000
SELECT pg_temp.error($$SELECT level_tally_retract(NULL, 'L1')$$) AS retract_empty,
       pg_temp.error($$SELECT level_tally_retract('{L1=1,L2=0,L3=0,NC=0}', 'NC')$$) AS retract_missing,
       level_tally_retract('{L1=1,L2=0,L3=0,NC=0}', 'L1')::text AS retract_ok;

-- 7. periods at the int4 limits: event times cannot wrap
SELECT pg_temp.error($$SELECT * FROM att_gt('did_panel:1:4;1,-2147483648,-2147483647,1;1,2147483646,-2147483647,5;2,-2147483648,never,2;2,2147483646,never,3')$$) AS att_gt_limits,
       pg_temp.error($$SELECT * FROM att_aggregate('did_panel:1:4;1,-2147483648,-2147483647,1;1,2147483646,-2147483647,5;2,-2147483648,never,2;2,2147483646,never,3', 'dynamic')$$) AS dynamic_limits;
-- near the limits but less than 2^31 apart: answered (by hand: unit 1
-- changes by 5 - 1 = 4, unit 2 by 3 - 2 = 1: ATT = 3 at event time 0)
SELECT event_time, att FROM att_gt('did_panel:1:4;1,2147483645,2147483646,1;1,2147483646,2147483646,5;2,2147483645,never,2;2,2147483646,never,3');

-- 8. moving windows that start at a NULL level, against a recomputation
CREATE TABLE hostile_levels AS
SELECT i, CASE WHEN i % 3 = 1 THEN NULL ELSE (ARRAY['L1', 'L2', 'L3', 'NC'])[1 + i % 4] END::criminality_level AS l
FROM generate_series(1, 40) i;
SELECT bool_and(w.n = w.m) AS moving_equals_count, count(*) AS rows
FROM (SELECT (level_counts(l) OVER f).n, count(l) OVER f AS m
      FROM hostile_levels WINDOW f AS (ORDER BY i ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)) w;
SELECT bool_and(w.n = w.m) AS excluding_current_row
FROM (SELECT (level_counts(l) OVER f).n, count(l) OVER f AS m
      FROM hostile_levels WINDOW f AS (ORDER BY i ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW)) w;
SELECT (level_counts(l) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)).n
FROM (VALUES (1, NULL::criminality_level), (2, 'L1')) v(i, l);
SELECT level_tally(l) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
FROM (VALUES (1, NULL::criminality_level), (2, 'L1'), (3, NULL), (4, NULL)) v(i, l);
-- a plain aggregate of NULL levels alone stays NULL, as in 1.0
SELECT level_tally(l) IS NULL AS plain_all_null FROM (VALUES (NULL::criminality_level)) v(l);

-- 9. functions that read a named table are not PARALLEL SAFE; a temporary
-- table of polygons works under forced parallel query
SELECT p.oid::regprocedure AS reads_a_table, p.proparallel
FROM pg_proc p
WHERE p.pronamespace = 'scomm'::regnamespace AND p.proname IN ('county_of', 'contiguity')
ORDER BY 1::text;
CREATE TEMP TABLE hostile_temp_poly AS SELECT '1'::text AS fips, ST_MakeEnvelope(0, 0, 1, 1, 4326) AS geom;
CREATE TABLE hostile_points AS SELECT i, (i % 200) / 100.0 AS x, 0.5 AS y FROM generate_series(1, 20000) i;
ANALYZE hostile_points;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET force_parallel_mode = on;
SELECT count(*) FILTER (WHERE county_of(x, y, 'hostile_temp_poly') = '1') AS inside,
       count(*) FILTER (WHERE x BETWEEN 0 AND 1) AS want
FROM hostile_points;
RESET force_parallel_mode;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- 10. the polygons are read again when the table changes, also inside one
-- PL/pgSQL block (where the function's cache outlives a statement)
CREATE TABLE hostile_poly AS SELECT '1'::text AS fips, ST_MakeEnvelope(0, 0, 1, 1, 4326) AS geom;
DO $$
DECLARE before text; after text; again text;
BEGIN
	before := scomm.county_of(0.5, 0.5, 'hostile_poly');
	DELETE FROM hostile_poly;
	after := scomm.county_of(0.5, 0.5, 'hostile_poly');
	INSERT INTO hostile_poly VALUES ('2', ST_MakeEnvelope(0, 0, 1, 1, 4326));
	again := scomm.county_of(0.5, 0.5, 'hostile_poly');
	RAISE WARNING 'before %, after DELETE %, after INSERT %', before, coalesce(after, 'NULL'), again;
END $$;

-- 11. sizes that an argument implies are bounded before allocating
SELECT pg_temp.error($$SELECT lca('{J=2;1,1:5;1,2:3;2,1:2;2,2:6}', 1, starts => 300000000)$$) AS lca_starts,
       pg_temp.error($$SELECT lca('{J=2;1,1:5;1,2:3;2,1:2;2,2:6}', 1, starts => 2147483647)$$) AS lca_starts_max;
CREATE TABLE hostile_small AS
SELECT did_panel(unit, period, outcome, first_period) AS p FROM simulate_panel(30, 5, seed => 1, cohorts => 3);
SELECT pg_temp.error($$SELECT * FROM twfe_event_study((SELECT p FROM hostile_small), 10000, 10000)$$) AS event_study_10000;
-- a self-intersecting polygon of 40,000 vertices (a star: every edge spans
-- the whole box): answered, as the even-odd rule computed in SQL
CREATE TABLE hostile_star AS SELECT 'star'::text AS fips,
	ST_MakePolygon(ST_MakeLine(array_agg(ST_MakePoint(cos(2 * pi() * ((k * 19997) % 40000) / 40000),
	                                                  sin(2 * pi() * ((k * 19997) % 40000) / 40000)) ORDER BY k)
	               || ARRAY[ST_MakePoint(1, 0)])) AS geom
FROM generate_series(0, 39999) k;
CREATE TABLE hostile_star_edges AS
SELECT x1, y1, x2, y2
FROM (SELECT ST_X(d.geom) AS x1, ST_Y(d.geom) AS y1,
             lead(ST_X(d.geom)) OVER (ORDER BY d.path[1]) AS x2, lead(ST_Y(d.geom)) OVER (ORDER BY d.path[1]) AS y2
      FROM hostile_star, ST_DumpPoints(ST_ExteriorRing(hostile_star.geom)) d) e
WHERE x2 IS NOT NULL;
CREATE TABLE hostile_star_points AS
SELECT i, sin(i * 12.9898) * 1.1 AS x, cos(i * 78.233) * 1.1 AS y FROM generate_series(1, 60) i;
WITH parity AS (
	SELECT p.i, p.x, p.y,
	       count(*) FILTER (WHERE (e.y1 > p.y) <> (e.y2 > p.y)
	                          AND p.x < (e.x2 - e.x1) * (p.y - e.y1) / (e.y2 - e.y1) + e.x1) % 2 = 1 AS inside
	FROM hostile_star_points p CROSS JOIN hostile_star_edges e GROUP BY p.i, p.x, p.y)
SELECT count(*) FILTER (WHERE inside) AS inside, count(*) AS points,
       bool_and(inside = (county_of(x, y, 'hostile_star') IS NOT NULL)) AS as_even_odd_rule
FROM parity;

-- 12. smaller findings
-- latent classes of tables whose statistics used to fail the model check
SELECT classes, n, loglik FROM lca_fit(lca('{J=3;0,0,0:50;0,0,1:1;0,2,0:1;1,0,0:1}', 2));
SELECT classes, n = 4e300 AS n_4e300, loglik < 0 AS loglik_negative, chisq > 0 AS chisq_positive
FROM lca_fit(lca('{J=2;1,1:1e300;1,2:1e300;2,1:1e300;2,2:1e300}', 2));
-- a square 0.125 wide at 1e15 (one unit in the last place): its points
CREATE TABLE hostile_tiny AS SELECT 'a'::text AS fips, ST_MakeEnvelope(1e15, 1e15, 1e15 + 0.125, 1e15 + 0.125, 0) AS geom;
SELECT county_of(ST_MakePoint(1e15, 1e15), 'hostile_tiny') AS corner,
       county_of(ST_MakePoint(1e15 + 0.125, 1e15 + 0.0625), 'hostile_tiny') AS edge,
       county_of(ST_MakePoint(1e15 + 0.25, 1e15), 'hostile_tiny') IS NULL AS outside;
-- prepost_diff of a result with a negative standard deviation
SELECT pg_temp.error($$SELECT prepost_diff((10::bigint, 1.0, -2.0, 10::bigint, 2.0, 1.0, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::prepost_result,
                                           (10::bigint, 1.0, 1.0, 10::bigint, 2.0, 1.0, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::prepost_result)$$) AS negative_sd;
-- outcomes of +-1e308: 22003 as prepost, never NULL estimates or a wrong number
CREATE TABLE hostile_huge AS
SELECT did_panel(u, t, CASE WHEN (u + t) % 2 = 0 THEN 1e308 ELSE -1e308 END, CASE WHEN u <= 2 THEN 3 END) AS p
FROM generate_series(1, 6) u, generate_series(1, 4) t;
SELECT pg_temp.error($$SELECT * FROM att_gt((SELECT p FROM hostile_huge))$$) AS att_gt_1e308,
       pg_temp.error($$SELECT * FROM twfe((SELECT p FROM hostile_huge))$$) AS twfe_1e308,
       pg_temp.error($$SELECT prepost(v, '2010-01-01'::date + i, '2010-01-03') FROM (VALUES (1, 1e308), (2, -1e308), (3, 1e308), (4, -1e308)) x(i, v)$$) AS prepost_1e308;
-- Moran's I of 1e8, 1e8 + 1e-8, 1e8, 1e8 along a chain: the I of 0, 1, 0, 0
-- (by hand, binary weights: I = 4/6 * (-10/16) / (12/16) = -5/9)
SELECT round(i::numeric, 9) AS i, round(variance::numeric, 9) AS variance
FROM morans_i(ARRAY['a', 'b', 'c', 'd'], ARRAY[1e8, 1e8 + 1e-8, 1e8, 1e8], ARRAY['a', 'b', 'b', 'c', 'c', 'd'],
              ARRAY['b', 'a', 'c', 'b', 'd', 'c'], 0, weights => 'binary')
UNION ALL
SELECT round(i::numeric, 9), round(variance::numeric, 9)
FROM morans_i(ARRAY['a', 'b', 'c', 'd'], ARRAY[0, 1, 0, 0]::float8[], ARRAY['a', 'b', 'b', 'c', 'c', 'd'],
              ARRAY['b', 'a', 'c', 'b', 'd', 'c'], 0, weights => 'binary');
-- values of +-1e300: the statistic of +-1
SELECT round(i::numeric, 12) = round(-1.0, 12) AS i_of_alternating
FROM morans_i(ARRAY['a', 'b', 'c', 'd'], ARRAY[1e300, -1e300, 1e300, -1e300], ARRAY['a', 'b', 'b', 'c', 'c', 'd'],
              ARRAY['b', 'a', 'c', 'b', 'd', 'c'], 0);
-- level_tally text input takes exactly these keys
SELECT pg_temp.error($$SELECT '{l1=1,L2=0,L3=0,NC=0}'::level_tally$$) AS lower_case,
       pg_temp.error($$SELECT '{L1=007,L2=0,L3=0,NC=0}'::level_tally$$) AS leading_zeros;

-- the server process survived everything above
SELECT 'alive' AS backend;

DROP TABLE hostile_wide, hostile_tall, hostile_nan, hostile_wide99, hostile_squares, hostile_panel,
	hostile_levels, hostile_points, hostile_poly, hostile_small, hostile_star, hostile_star_edges,
	hostile_star_points, hostile_tiny, hostile_huge;
