-- counties on the map: county_of, contiguity, morans_i, local_morans_i
SET search_path = public, scomm;
SET extra_float_digits = 0;

-- SQLSTATE and message of a statement that should fail
CREATE FUNCTION pg_temp.fails(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'no error';
EXCEPTION WHEN others THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

------------------------------------------------------------------------------
-- A 3 x 3 grid of unit squares, fips '00' .. '08' = 3 * row + column
------------------------------------------------------------------------------
CREATE TABLE spatial_grid AS
SELECT lpad((3 * r + c)::text, 2, '0') AS fips, ST_Multi(ST_MakeEnvelope(c, r, c + 1, r + 1, 4326)) AS geom,
       (3 * r + c + 1)::float8 AS x
FROM generate_series(0, 2) r, generate_series(0, 2) c;

-- inside, on an edge (the lower fips of the two), on a corner of four squares
-- (the lowest), on the outer boundary, outside
SELECT county_of(0.5, 0.5, 'spatial_grid') AS inside_00, county_of(2.5, 1.5, 'spatial_grid') AS inside_05,
       county_of(1, 0.5, 'spatial_grid') AS edge_00_01, county_of(2, 1.5, 'spatial_grid') AS edge_04_05,
       county_of(1, 1, 'spatial_grid') AS corner_00_01_03_04, county_of(2, 2, 'spatial_grid') AS corner_04_05_07_08,
       county_of(3, 3, 'spatial_grid') AS outer_corner_08, county_of(0, 1.5, 'spatial_grid') AS outer_edge_03,
       county_of(-0.5, 0.5, 'spatial_grid') AS outside, county_of(3.0000001, 1, 'spatial_grid') AS just_outside;
-- point geometries: SRID 4326 or none; POINT EMPTY is in no county
SELECT county_of(ST_SetSRID(ST_MakePoint(1.5, 2.5), 4326), 'spatial_grid') AS geom_07,
       county_of(ST_MakePoint(1.5, 2.5), 'spatial_grid') AS no_srid_07,
       county_of('POINT EMPTY'::geometry, 'spatial_grid') IS NULL AS empty_is_null,
       county_of(NULL::float8, 1, 'spatial_grid') IS NULL AS strict;
-- against PostGIS (the lowest fips whose polygon intersects the point):
-- random points, the grid's vertices and points on its lines
SELECT setseed(0.5);
SELECT count(*) AS points, count(*) FILTER (WHERE county_of(lon, lat, 'spatial_grid') IS DISTINCT FROM
         (SELECT min(g.fips) FROM spatial_grid g WHERE ST_Intersects(g.geom, ST_SetSRID(ST_MakePoint(lon, lat), 4326)))) AS differ
FROM (SELECT -0.2 + 3.4 * random() AS lon, -0.2 + 3.4 * random() AS lat FROM generate_series(1, 3000)
      UNION ALL SELECT a, b FROM generate_series(0, 3) a, generate_series(0, 3) b
      UNION ALL SELECT floor(4 * random()), 3 * random() FROM generate_series(1, 500)
      UNION ALL SELECT 3 * random(), floor(4 * random()) FROM generate_series(1, 500)) p;

------------------------------------------------------------------------------
-- The real counties, from the GeoJSON in data/ (50 states and DC)
------------------------------------------------------------------------------
CREATE TEMP TABLE geo_raw (line int GENERATED ALWAYS AS IDENTITY, raw text);
\copy geo_raw (raw) FROM PROGRAM 'gzip -dc data/us_counties_2010_20m.geojson.gz' WITH (FORMAT csv, HEADER false, DELIMITER E'\x02', QUOTE E'\x01')
CREATE TABLE spatial_county AS
SELECT right(f -> 'properties' ->> 'GEO_ID', 5) AS fips,
       ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(f ->> 'geometry'), 4326)) AS geom
FROM (SELECT string_agg(raw, E'\n' ORDER BY line)::jsonb AS doc FROM geo_raw) d,
     jsonb_array_elements(d.doc -> 'features') f
WHERE left(right(f -> 'properties' ->> 'GEO_ID', 5), 2) <> '72';
CREATE INDEX ON spatial_county USING gist (geom);
ANALYZE spatial_county;
SELECT count(*) AS counties FROM spatial_county;

-- one point in every state: the capitol, or a point of known county
-- (Hershey for Pennsylvania: at 1:20m the Susquehanna border puts the
-- Harrisburg capitol in Cumberland County); county FIPS from the Census
CREATE TEMP TABLE capital (state text, place text, lon float8, lat float8, fips text);
INSERT INTO capital VALUES
('AL','Montgomery',-86.300,32.377,'01101'),('AK','Juneau',-134.420,58.301,'02110'),
('AZ','Phoenix',-112.074,33.448,'04013'),('AR','Little Rock',-92.290,34.746,'05119'),
('CA','Sacramento',-121.494,38.576,'06067'),('CO','Denver',-104.985,39.739,'08031'),
('CT','Hartford',-72.682,41.764,'09003'),('DE','Dover',-75.524,39.158,'10001'),
('DC','Washington',-77.036,38.895,'11001'),('FL','Tallahassee',-84.281,30.438,'12073'),
('GA','Atlanta',-84.388,33.749,'13121'),('HI','Honolulu',-157.858,21.307,'15003'),
('ID','Boise',-116.202,43.615,'16001'),('IL','Springfield',-89.654,39.798,'17167'),
('IN','Indianapolis',-86.158,39.768,'18097'),('IA','Des Moines',-93.604,41.591,'19153'),
('KS','Topeka',-95.678,39.048,'20177'),('KY','Frankfort',-84.873,38.200,'21073'),
('LA','Baton Rouge',-91.187,30.451,'22033'),('ME','Augusta',-69.780,44.311,'23011'),
('MD','Annapolis',-76.492,38.978,'24003'),('MA','Boston',-71.058,42.360,'25025'),
('MI','Lansing',-84.556,42.733,'26065'),('MN','St. Paul',-93.090,44.954,'27123'),
('MS','Jackson',-90.185,32.299,'28049'),('MO','Jefferson City',-92.173,38.577,'29051'),
('MT','Helena',-112.018,46.586,'30049'),('NE','Lincoln',-96.700,40.808,'31109'),
('NV','Carson City',-119.766,39.164,'32510'),('NH','Concord',-71.538,43.207,'33013'),
('NJ','Trenton',-74.770,40.220,'34021'),('NM','Santa Fe',-105.938,35.687,'35049'),
('NY','Albany',-73.757,42.653,'36001'),('NC','Raleigh',-78.639,35.780,'37183'),
('ND','Bismarck',-100.784,46.808,'38015'),('OH','Columbus',-82.999,39.961,'39049'),
('OK','Oklahoma City',-97.516,35.468,'40109'),('OR','Salem',-123.031,44.943,'41047'),
('PA','Hershey',-76.650,40.286,'42043'),('RI','Providence',-71.413,41.824,'44007'),
('SC','Columbia',-81.035,34.000,'45079'),('SD','Pierre',-100.351,44.368,'46065'),
('TN','Nashville',-86.781,36.163,'47037'),('TX','Austin',-97.743,30.267,'48453'),
('UT','Salt Lake City',-111.891,40.761,'49035'),('VT','Montpelier',-72.576,44.260,'50023'),
('VA','Richmond',-77.434,37.541,'51760'),('WA','Olympia',-122.901,47.037,'53067'),
('WV','Charleston',-81.633,38.350,'54039'),('WI','Madison',-89.401,43.073,'55025'),
('WY','Cheyenne',-104.820,41.140,'56021');
SELECT count(DISTINCT state) AS states, count(*) FILTER (WHERE county_of(lon, lat, 'spatial_county') = fips) AS right_county,
       count(*) FILTER (WHERE county_of(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 'spatial_county') = fips) AS right_county_geom
FROM capital;

-- points on borders: every vertex shared by two or more counties belongs to
-- the lowest FIPS code among them (the four corners of AZ, CO, NM, UT too)
CREATE TEMP TABLE shared_vertex AS
SELECT ST_X(d.geom) AS lon, ST_Y(d.geom) AS lat, min(c.fips) AS lowest, count(DISTINCT c.fips) AS counties
FROM spatial_county c, ST_DumpPoints(c.geom) d
GROUP BY 1, 2 HAVING count(DISTINCT c.fips) > 1;
SELECT count(*) AS border_points, max(counties) AS most_counties_at_a_point,
       count(*) FILTER (WHERE county_of(lon, lat, 'spatial_county') IS DISTINCT FROM lowest) AS wrong
FROM shared_vertex;
SELECT lowest, county_of(lon, lat, 'spatial_county') AS county_of
FROM shared_vertex
WHERE lowest = '04001' AND counties = 4;
-- midpoints of shared border segments lie on the border up to rounding:
-- in one of the two counties or, where the border meets a third county's,
-- in the lowest of those (as PostGIS finds), never in none
WITH seg AS (
	SELECT c.fips, least(d.geom::text || (lead(d.geom) OVER w)::text, (lead(d.geom) OVER w)::text || d.geom::text) AS k,
	       (ST_X(d.geom) + ST_X(lead(d.geom) OVER w)) / 2 AS lon, (ST_Y(d.geom) + ST_Y(lead(d.geom) OVER w)) / 2 AS lat
	FROM spatial_county c, ST_DumpPoints(c.geom) d
	WINDOW w AS (PARTITION BY c.fips, d.path[1], d.path[2] ORDER BY d.path[3])),
shared AS (SELECT min(lon) AS lon, min(lat) AS lat, min(fips) AS a, max(fips) AS b
           FROM seg WHERE k IS NOT NULL GROUP BY k HAVING count(DISTINCT fips) = 2),
found AS (SELECT a, b, county_of(lon, lat, 'spatial_county') AS got,
                 (SELECT min(c.fips) FROM spatial_county c
                  WHERE ST_Intersects(c.geom, ST_SetSRID(ST_MakePoint(lon, lat), 4326))) AS postgis
          FROM shared)
SELECT count(*) > 0 AS shared_segments, count(*) FILTER (WHERE got IS NULL) AS in_none,
       count(*) FILTER (WHERE got IS DISTINCT FROM postgis) AS not_as_postgis
FROM found;
-- outside every county: the Gulf of Mexico, Lake Michigan, the Atlantic,
-- Canada, Mexico, Puerto Rico (not loaded), (0, 0); PostGIS agrees
SELECT place, county_of(lon, lat, 'spatial_county') AS county_of,
       NOT EXISTS (SELECT 1 FROM spatial_county c WHERE ST_Intersects(c.geom, ST_SetSRID(ST_MakePoint(lon, lat), 4326))) AS postgis_outside
FROM (VALUES ('Gulf of Mexico', -90.0, 25.0), ('Lake Michigan', -87.0, 43.5), ('Atlantic', -60.0, 35.0),
             ('Canada', -100.0, 55.0), ('Mexico', -100.0, 22.0), ('Puerto Rico', -66.5, 18.2),
             ('null island', 0.0, 0.0)) v(place, lon, lat);
-- 20,000 random points over the 50 states: the same as PostGIS
SELECT setseed(0.25);
CREATE TEMP TABLE random_point AS
SELECT -170 + 105 * random() AS lon, 18 + 54 * random() AS lat FROM generate_series(1, 20000);
SELECT count(*) AS points, count(county_of(lon, lat, 'spatial_county')) AS in_a_county,
       count(*) FILTER (WHERE county_of(lon, lat, 'spatial_county') IS DISTINCT FROM
         (SELECT min(c.fips) FROM spatial_county c WHERE ST_Intersects(c.geom, ST_SetSRID(ST_MakePoint(lon, lat), 4326)))) AS differ
FROM random_point;

-- in parallel workers: the same answers
CREATE TABLE spatial_point AS SELECT * FROM random_point;
ANALYZE spatial_point;
CREATE TEMP TABLE serial AS SELECT county_of(lon, lat, 'spatial_county') AS fips, count(*) FROM spatial_point GROUP BY 1;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
CREATE FUNCTION pg_temp.plan(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || q; END $$;
SELECT bool_or(p LIKE '%Parallel Seq Scan%') AS parallel_plan
FROM pg_temp.plan($$SELECT county_of(lon, lat, 'spatial_county') AS fips, count(*) FROM spatial_point GROUP BY 1$$) p;
CREATE TEMP TABLE parallel AS SELECT county_of(lon, lat, 'spatial_county') AS fips, count(*) FROM spatial_point GROUP BY 1;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SELECT (SELECT count(*) FROM serial) AS groups,
       (SELECT count(*) FROM (SELECT * FROM serial EXCEPT ALL SELECT * FROM parallel) d) +
       (SELECT count(*) FROM (SELECT * FROM parallel EXCEPT ALL SELECT * FROM serial) d) AS differ;

------------------------------------------------------------------------------
-- Queen contiguity
------------------------------------------------------------------------------
-- 3 x 3 grid by hand: 6 horizontal and 6 vertical borders, 2 diagonal
-- corners in each of the 4 blocks of 2 x 2: 20 pairs, 40 in both directions
SELECT count(*) AS directed_pairs, count(*) FILTER (WHERE shares_edge) AS edges,
       count(*) FILTER (WHERE NOT shares_edge) AS corners
FROM contiguity('spatial_grid');
SELECT fips, string_agg(neighbor || CASE WHEN shares_edge THEN '' ELSE '*' END, ' ' ORDER BY neighbor) AS neighbors
FROM contiguity('spatial_grid') GROUP BY fips ORDER BY fips;
-- real counties: the pairs PostGIS finds (ST_Intersects), and rook pairs
-- where the boundaries share a line (ST_Relate boundary/boundary dimension 1)
CREATE TABLE spatial_nb AS SELECT * FROM contiguity('spatial_county');
CREATE TEMP TABLE postgis_nb AS
SELECT a.fips, b.fips AS neighbor, ST_Relate(a.geom, b.geom) AS de9im
FROM spatial_county a JOIN spatial_county b ON a.fips <> b.fips AND ST_Intersects(a.geom, b.geom);
SELECT (SELECT count(*) FROM spatial_nb) AS pairs, (SELECT count(*) FROM postgis_nb) AS postgis_pairs,
       (SELECT count(*) FROM spatial_nb n FULL JOIN postgis_nb p USING (fips, neighbor)
        WHERE n.fips IS NULL OR p.fips IS NULL) AS differ,
       (SELECT count(*) FROM spatial_nb n JOIN postgis_nb p USING (fips, neighbor)
        WHERE n.shares_edge <> (substr(p.de9im, 5, 1) = '1')) AS rook_differ,
       (SELECT count(*) FROM spatial_nb n WHERE NOT EXISTS
          (SELECT 1 FROM spatial_nb m WHERE m.fips = n.neighbor AND m.neighbor = n.fips)) AS not_symmetric;

------------------------------------------------------------------------------
-- Moran's I
------------------------------------------------------------------------------
-- by hand on the grid with x = 1..9 (see test/unit/test_spatial.c for the
-- sums): binary I = 9/40 * 80/60 = 0.3, row-standardised I = (64/3)/60 = 16/45,
-- E[I] = -1/8; local I = z_i lag_i / (60/9): 0.8 at 00, 0.54 at 01, 0.06 at 03
CREATE TEMP TABLE grid_in AS
SELECT (SELECT array_agg(fips ORDER BY fips) FROM spatial_grid) AS id,
       (SELECT array_agg(x ORDER BY fips) FROM spatial_grid) AS x,
       array_agg(fips) AS nb_from, array_agg(neighbor) AS nb_to
FROM contiguity('spatial_grid');
SELECT n, pairs, islands, abs(i - 0.3) < 1e-12 AS i_is_0_3, expected = -0.125 AS expected_is_minus_1_8
FROM grid_in, morans_i(id, x, nb_from, nb_to, permutations => 0, weights => 'binary');
SELECT abs(i - 16.0 / 45) < 1e-12 AS i_is_16_45, z > 0 AS positive_z, p_permutation < 0.05 AS clustered,
       abs(p_permutation * 10000 - round(p_permutation * 10000)) < 1e-9 AS p_is_k_over_10000
FROM grid_in, morans_i(id, x, nb_from, nb_to, permutations => 9999, seed => 3);
SELECT l.id, l.value, round(l.lag::numeric, 4) AS lag, round(l.i::numeric, 4) AS local_i, l.quadrant, l.neighbors
FROM grid_in, local_morans_i(id, x, nb_from, nb_to, permutations => 0) l ORDER BY l.id;

-- a 10 x 10 grid: E[I] = -1/99 under random permutation, by simulation (500
-- permutations of the values drawn here, outside morans_i), and the mean of
-- morans_i's own 9,999 permutations
CREATE TABLE spatial_grid10 AS
SELECT lpad((10 * r + c)::text, 3, '0') AS fips, ST_Multi(ST_MakeEnvelope(c, r, c + 1, r + 1, 4326)) AS geom,
       ((10 * r + c) * 37 % 101)::float8 AS x
FROM generate_series(0, 9) r, generate_series(0, 9) c;
CREATE TEMP TABLE grid10_in AS
SELECT (SELECT array_agg(fips ORDER BY fips) FROM spatial_grid10) AS id,
       (SELECT array_agg(x ORDER BY fips) FROM spatial_grid10) AS x,
       array_agg(fips) AS nb_from, array_agg(neighbor) AS nb_to
FROM contiguity('spatial_grid10');
SELECT setseed(0.75);
CREATE TEMP TABLE simulated AS
SELECT s, (morans_i(id, (SELECT array_agg(g.x ORDER BY random() + 0 * s) FROM spatial_grid10 g),
                    nb_from, nb_to, permutations => 0)).i
FROM grid10_in, generate_series(1, 500) s;
SELECT count(*) AS simulations,
       abs(avg(i) - (-1.0 / 99)) < 4 * stddev(i) / sqrt(count(*)) AS mean_is_minus_1_99
FROM simulated;
SELECT abs(mean_permuted - expected) < 4 * sd_permuted / sqrt(9999) AS permuted_mean_is_minus_1_99,
       abs(sd_permuted ^ 2 / variance - 1) < 0.05 AS permuted_variance_is_randomization_variance
FROM grid10_in, morans_i(id, x, nb_from, nb_to, permutations => 9999, seed => 11);

-- the real counties, latitude of a point inside each: I against the
-- formula computed here with PostGIS's neighbours; the order of the input
-- does not matter; the same seed gives the same test
CREATE TEMP TABLE county_x AS SELECT fips, ST_Y(ST_PointOnSurface(geom)) AS x FROM spatial_county;
WITH z AS (SELECT fips, x - avg(x) OVER () AS z FROM county_x),
     lag AS (SELECT p.fips, avg(z.z) AS lagz FROM postgis_nb p JOIN z ON z.fips = p.neighbor GROUP BY p.fips)
SELECT abs(m.i - f.i) < 1e-12 AS i_as_formula, m.islands, m.n, m.p_permutation = 0.001 AS p_is_1_in_1000
FROM (SELECT (SELECT count(*) FROM z)::float8 / (SELECT count(*) FROM lag) * sum(z.z * lag.lagz) / (SELECT sum(z * z) FROM z) AS i
      FROM z JOIN lag USING (fips)) f,
     (SELECT (morans_i(array_agg(fips), array_agg(x), (SELECT array_agg(fips) FROM spatial_nb),
                       (SELECT array_agg(neighbor) FROM spatial_nb))).* FROM county_x) m;
SELECT a.i = b.i AND a.p_permutation = b.p_permutation AS same_for_any_order
FROM (SELECT (morans_i(array_agg(fips ORDER BY fips), array_agg(x ORDER BY fips), (SELECT array_agg(fips) FROM spatial_nb),
                       (SELECT array_agg(neighbor) FROM spatial_nb), seed => 5)).* FROM county_x) a,
     (SELECT (morans_i(array_agg(fips ORDER BY md5(fips)), array_agg(x ORDER BY md5(fips)),
                       (SELECT array_agg(fips ORDER BY md5(fips || neighbor)) FROM spatial_nb),
                       (SELECT array_agg(neighbor ORDER BY md5(fips || neighbor)) FROM spatial_nb), seed => 5)).* FROM county_x) b;
CREATE TEMP TABLE lisa_a AS
SELECT l.* FROM (SELECT array_agg(fips ORDER BY fips) f, array_agg(x ORDER BY fips) x FROM county_x) c,
     (SELECT array_agg(fips) a, array_agg(neighbor) b FROM spatial_nb) n, local_morans_i(c.f, c.x, n.a, n.b, 99, 5) l;
CREATE TEMP TABLE lisa_b AS
SELECT l.* FROM (SELECT array_agg(fips ORDER BY md5(fips)) f, array_agg(x ORDER BY md5(fips)) x FROM county_x) c,
     (SELECT array_agg(fips ORDER BY md5(fips || neighbor)) a, array_agg(neighbor ORDER BY md5(fips || neighbor)) b FROM spatial_nb) n,
     local_morans_i(c.f, c.x, n.a, n.b, 99, 5) l;
SELECT count(*) AS counties, count(*) FILTER (WHERE a.i = b.i AND a.p_value IS NOT DISTINCT FROM b.p_value
                                               AND a.quadrant IS NOT DISTINCT FROM b.quadrant) AS same_for_any_order,
       count(*) FILTER (WHERE a.quadrant IS NULL) AS without_neighbors
FROM lisa_a a JOIN lisa_b b USING (id);
-- a county's local I: z_i times the mean z of its neighbours, over m2
WITH z AS (SELECT fips, x - avg(x) OVER () AS z FROM county_x)
SELECT count(*) FILTER (WHERE abs(l.i - (SELECT z.z FROM z WHERE z.fips = l.id) *
          (SELECT avg(z.z) FROM spatial_nb n JOIN z ON z.fips = n.neighbor WHERE n.fips = l.id) /
          (SELECT avg(z * z) FROM z)) > 1e-9) AS local_i_differ
FROM lisa_a l WHERE l.neighbors > 0;

------------------------------------------------------------------------------
-- Bad input
------------------------------------------------------------------------------
CREATE TABLE spatial_bad_type (fips text, geom text);
CREATE TABLE spatial_line (fips text, geom geometry);
INSERT INTO spatial_line VALUES ('1', 'SRID=4326;LINESTRING(0 0, 1 1)');
CREATE TABLE spatial_mixed (fips text, geom geometry);
INSERT INTO spatial_mixed VALUES ('1', 'SRID=4326;POLYGON((0 0,1 0,1 1,0 0))'), ('2', 'SRID=3857;POLYGON((0 0,1 0,1 1,0 0))');
CREATE TABLE spatial_merc (fips text, geom geometry);
INSERT INTO spatial_merc VALUES ('1', 'SRID=3857;POLYGON((0 0,1 0,1 1,0 0))');
CREATE TABLE spatial_null_fips (fips text, geom geometry);
INSERT INTO spatial_null_fips VALUES (NULL, 'SRID=4326;POLYGON((0 0,1 0,1 1,0 0))');
SELECT q, pg_temp.fails(q) FROM (VALUES
	($$SELECT scomm.county_of('NaN', 1, 'spatial_grid')$$),
	($$SELECT scomm.county_of(-200, 30, 'spatial_grid')$$),
	($$SELECT scomm.county_of(10, 'infinity', 'spatial_grid')$$),
	($$SELECT scomm.county_of(1, 1)$$),
	($$SELECT scomm.county_of(ST_MakePoint(1, 1))$$),
	($$SELECT * FROM scomm.contiguity()$$),
	($$SELECT scomm.county_of(1, 1, 'pg_class')$$),
	($$SELECT scomm.county_of(1, 1, 'spatial_bad_type')$$),
	($$SELECT scomm.county_of(1, 1, 'spatial_line')$$),
	($$SELECT scomm.county_of(1, 1, 'spatial_mixed')$$),
	($$SELECT scomm.county_of(1, 1, 'spatial_merc')$$),
	($$SELECT scomm.county_of(1, 1, 'spatial_null_fips')$$),
	($$SELECT scomm.county_of('SRID=4326;LINESTRING(0 0, 1 1)'::geometry, 'spatial_grid')$$),
	($$SELECT scomm.county_of('SRID=3857;POINT(0 0)'::geometry, 'spatial_grid')$$),
	($$SELECT scomm.county_of(1, 1, 'no_such_table')$$)) t(q);
SELECT q, pg_temp.fails(q) FROM (VALUES
	($$SELECT scomm.morans_i(NULL, '{1,2,3}', '{a}', '{b}')$$),
	($$SELECT scomm.morans_i('{a,b,c}', '{1,NULL,3}', '{a}', '{b}')$$),
	($$SELECT scomm.morans_i('{a,b,c}', '{1,2}', '{a}', '{b}')$$),
	($$SELECT scomm.morans_i('{a,b,c}', '{1,2,3}', '{a,b}', '{b}')$$),
	($$SELECT scomm.morans_i('{{a,b},{c,d}}', '{1,2,3,4}', '{a}', '{b}')$$),
	($$SELECT scomm.morans_i('{a,b}', '{1,2}', '{a}', '{b}')$$),
	($$SELECT scomm.morans_i('{a,b,c}', '{1,NaN,3}', '{a}', '{b}')$$),
	($$SELECT scomm.morans_i('{a,b,c}', '{1,2,infinity}', '{a}', '{b}')$$),
	($$SELECT scomm.morans_i('{a,b,a}', '{1,2,3}', '{a}', '{b}')$$),
	($$SELECT scomm.morans_i('{a,b,c}', '{1,2,3}', '{a,b}', '{b,b}')$$),
	($$SELECT scomm.morans_i('{a,b,c}', '{1,2,3}', '{a,a}', '{b,b}')$$),
	($$SELECT scomm.morans_i('{a,b,c}', '{1,2,3}', '{x}', '{y}')$$),
	($$SELECT scomm.morans_i('{a,b,c}', '{2,2,2}', '{a,b}', '{b,a}')$$),
	($$SELECT scomm.morans_i('{a,b,c}', '{1,2,3}', '{a,b}', '{b,a}', permutations => -1)$$),
	($$SELECT scomm.morans_i('{a,b,c}', '{1,2,3}', '{a,b}', '{b,a}', permutations => NULL)$$),
	($$SELECT scomm.morans_i('{a,b,c}', '{1,2,3}', '{a,b}', '{b,a}', weights => 'queen')$$),
	($$SELECT scomm.local_morans_i('{a,b,c}', '{1,2,3}', '{a,b}', '{b,a}', seed => NULL)$$),
	($$SELECT scomm.local_morans_i('{a,b,c}', '{5,5,5}', '{a,b}', '{b,a}')$$)) t(q);
-- a unit without neighbours: no lag, p-value or quadrant.  By hand: mean 4,
-- z = -3, 1, -2, 4, m2 = 30/4 = 7.5; a: -3 * 1 / 7.5 = -0.4; b: 1 * (-3 - 2)/2
-- / 7.5 = -1/3; c: -2 * 1 / 7.5 = -0.26667
SELECT * FROM local_morans_i('{a,b,c,d}', '{1,5,2,8}', '{a,b,b,c}', '{b,a,c,b}', permutations => 0) ORDER BY id;
SELECT n, pairs, islands, variance IS NOT NULL AS has_variance
FROM morans_i('{a,b,c,d,e}', '{1,5,2,8,3}', '{a,b,b,c,c,d,x}', '{b,a,c,b,d,c,a}', permutations => 0, weights => 'BINARY');

DROP TABLE spatial_grid, spatial_grid10, spatial_county, spatial_point, spatial_nb, spatial_bad_type,
	spatial_line, spatial_mixed, spatial_merc, spatial_null_fips;
