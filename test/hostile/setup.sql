-- Fixtures of the hostile-input battery (test/hostile/battery.py): rows for
-- every aggregate, stored values of every type, panels, polygons, and the
-- helpers the cases call.  Runs once, in the battery's own database.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS scomm CASCADE;
SET search_path = public, scomm;

CREATE SCHEMA battery;

-- rows for every aggregate: NULLs at the start of the ordering and sprinkled
CREATE TABLE battery.rows AS
SELECT i AS id,
       CASE WHEN i % 5 = 1 THEN NULL ELSE (ARRAY['L1', 'L2', 'L3', 'NC'])[1 + (i * 7) % 4] END::criminality_level AS level,
       (i % 300)::bigint AS unit, (i / 300)::int AS period,
       CASE WHEN i % 300 % 5 = 0 THEN NULL ELSE 20 + i % 300 % 7 * 5 END AS first_period,
       (date '2006-01-01' + (i / 300) * 7) AS at,
       CASE WHEN i % 300 % 5 = 0 THEN 'never'::activation_cohort
            WHEN i % 300 % 11 = 0 THEN NULL
            ELSE (date '2006-01-01' + (20 + i % 300 % 7 * 5) * 7)::activation_cohort END AS cohort,
       CASE WHEN i % 13 = 1 THEN NULL ELSE (i * 7919 % 10007) / 100.0 + i % 300 END AS value,
       ARRAY[1 + i % 2, 1 + (i / 3) % 3, CASE WHEN i % 11 = 0 THEN NULL ELSE 1 + (i * 7) % 2 END, 1 + (i / 7) % 4] AS items,
       (i % 300 * 3 + i / 300 * 2) % 17 AS count
FROM generate_series(1, 12000) i;
CREATE TABLE battery.states AS
SELECT id % 400 AS grp, level_tally(level) AS tally, prepost_state(value, at, cohort) AS pp,
       prepost_state(value, at, cohort, '1 year') AS ppw,
       did_panel(unit, period, value, first_period) AS panel,
       response_patterns(items) AS patterns,
       trajectory_panel(unit, period, count) AS tp
FROM battery.rows GROUP BY id % 400;
ANALYZE battery.rows;
ANALYZE battery.states;

-- one stored value of every type (their text and binary forms are mutated)
CREATE TABLE battery.kept AS
SELECT 'L2'::criminality_level AS level, '2009-08-27'::activation_cohort AS cohort,
       (SELECT level_tally(level) FROM battery.rows) AS tally,
       (SELECT prepost_state(value, at, cohort) FROM battery.rows) AS pp,
       (SELECT prepost_state(value, at, cohort, '1 year') FROM battery.rows) AS ppw,
       (SELECT did_panel(unit, period, outcome, first_period) FROM simulate_panel(6, 4, seed => 2, cohorts => 2)) AS panel,
       (SELECT response_patterns(items) FROM battery.rows WHERE id < 40) AS patterns,
       (SELECT trajectory_panel(unit, period, count) FROM battery.rows WHERE unit < 4) AS tpanel;
ALTER TABLE battery.kept ADD COLUMN model lca_model, ADD COLUMN tmodel trajectory_model;
UPDATE battery.kept SET model = lca((SELECT response_patterns(items) FROM battery.rows), 2, starts => 3),
                        tmodel = trajectory_groups((SELECT trajectory_panel(unit, period, count) FROM battery.rows WHERE unit < 60), 2,
                                                   degree => 1, starts => 3);

-- a simulated panel and pattern table for the estimators
CREATE TABLE battery.sim AS SELECT * FROM simulate_panel(120, 8, seed => 5, cohorts => 3);
CREATE TABLE battery.panel AS SELECT did_panel(unit, period, outcome, first_period) AS p FROM battery.sim;
CREATE TABLE battery.big_panel AS
SELECT did_panel(unit, period, outcome, first_period) AS p FROM simulate_panel(400, 12, seed => 3, cohorts => 8);
CREATE TABLE battery.patterns AS SELECT response_patterns(items) AS r FROM battery.rows;
CREATE TABLE battery.big_patterns AS
SELECT response_patterns(ARRAY[1 + i % 3, 1 + i / 3 % 4, 1 + i / 7 % 2, 1 + i / 11 % 5, 1 + i / 13 % 3,
                               1 + i / 17 % 2, 1 + i / 19 % 4, 1 + i / 23 % 3]) AS r
FROM generate_series(1, 50000) i;
CREATE TABLE battery.tpanel AS SELECT trajectory_panel(unit, period, count) AS tp FROM battery.rows;
CREATE TABLE battery.big_tpanel AS
SELECT trajectory_panel(u, t, (u * 7 + t * t) % 23) AS tp FROM generate_series(1, 2000) u, generate_series(1, 12) t;

-- polygons: a 4 x 4 grid, and hostile layers
CREATE TABLE battery.grid AS
SELECT lpad((4 * i + j)::text, 2, '0') AS fips, ST_MakeEnvelope(i, j, i + 1, j + 1, 4326) AS geom,
       (i * j + (i + j) % 3)::float8 AS x
FROM generate_series(0, 3) i, generate_series(0, 3) j;
CREATE TABLE battery.grid_nb AS SELECT * FROM contiguity('battery.grid');

-- recv(typ, hex): a value of type typ read from its binary form by a binary
-- COPY; then its text and binary forms must round-trip.  True, or an error.
CREATE FUNCTION battery.recv(typ text, hex text) RETURNS bool LANGUAGE plpgsql AS $$
DECLARE lob oid; ok bool;
BEGIN
	lob := lo_from_bytea(0, decode('5047434f50590aff0d0a00' || '00000000' || '00000000' || '0001'
	                               || lpad(to_hex(length(hex) / 2), 8, '0') || hex || 'ffff', 'hex'));
	PERFORM lo_export(lob, '/tmp/scomm_battery_recv_' || pg_backend_pid() || '.bin');
	PERFORM lo_unlink(lob);
	EXECUTE format('CREATE TEMP TABLE recv_target (v scomm.%I)', typ);
	EXECUTE format('COPY recv_target FROM %L WITH (FORMAT binary)', '/tmp/scomm_battery_recv_' || pg_backend_pid() || '.bin');
	EXECUTE format('SELECT bool_and(v::text::scomm.%I::text = v::text) FROM recv_target', typ) INTO ok;
	RETURN coalesce(ok, true);
END $$;

-- the even-odd rule by brute force, to check county_of on a layer
CREATE FUNCTION battery.parity(g geometry, x float8, y float8) RETURNS bool LANGUAGE sql AS $$
	SELECT CASE WHEN ST_Intersects(ST_Boundary(g), ST_SetSRID(ST_MakePoint(x, y), ST_SRID(g))) THEN true ELSE
	(SELECT count(*) % 2 = 1 FROM (
		SELECT ST_X(d.geom) AS x1, ST_Y(d.geom) AS y1,
		       lead(ST_X(d.geom)) OVER (PARTITION BY d.path[1], d.path[2] ORDER BY d.path[3]) AS x2,
		       lead(ST_Y(d.geom)) OVER (PARTITION BY d.path[1], d.path[2] ORDER BY d.path[3]) AS y2
		FROM ST_DumpPoints(ST_Multi(g)) d) e
	 WHERE x2 IS NOT NULL AND (y1 > y) <> (y2 > y) AND x < (x2 - x1) * (y - y1) / (y2 - y1) + x1) END
$$;
