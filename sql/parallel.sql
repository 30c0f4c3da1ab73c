-- Every scomm aggregate runs in parallel and can be pushed down to other
-- servers: a combine function, a state type that is not a pseudo-type (Citus
-- and postgres_fdw move partial states as text), PARALLEL SAFE throughout.
-- Then each aggregate in a forced parallel plan against the serial answer,
-- and the text round trip of every state type on real states.
SET search_path = public, scomm;
SET extra_float_digits = 0;

CREATE TEMP VIEW scomm_aggregates AS
SELECT p.oid::regprocedure::text AS aggregate, a.*, t.typtype AS stype_kind
FROM pg_aggregate a
JOIN pg_proc p ON p.oid = a.aggfnoid
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'scomm'
JOIN pg_type t ON t.oid = a.aggtranstype;

-- the properties, aggregate by aggregate (a new aggregate shows up here)
SELECT aggregate,
       aggcombinefn <> 0 AS combine,
       stype_kind <> 'p' AS storable_state,
       (SELECT proparallel FROM pg_proc WHERE oid = aggfnoid) = 's' AS parallel_safe,
       (SELECT bool_and(proparallel = 's') FROM pg_proc
        WHERE oid IN (aggtransfn, aggcombinefn, aggfinalfn, aggserialfn, aggdeserialfn)) AS support_safe,
       (SELECT typinput <> 0 AND typoutput <> 0 AND typreceive <> 0 AND typsend <> 0
        FROM pg_type WHERE oid = aggtranstype) AS state_has_io
FROM scomm_aggregates ORDER BY aggregate;
-- no function of the extension is SECURITY DEFINER or written in SQL with an
-- unqualified body (all are C, so nothing depends on the caller's search_path)
SELECT array_agg(DISTINCT l.lanname ORDER BY l.lanname) AS languages, bool_or(p.prosecdef) AS any_security_definer
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'scomm';

-- data for every aggregate: 60,000 rows over 300 units and 200 periods
CREATE TABLE par_rows AS
SELECT i AS id,
       (ARRAY['L1', 'L2', 'L3', 'NC'])[1 + (i * 7) % 4]::criminality_level AS level,
       (i % 300)::bigint AS unit, (i / 300)::int AS period,
       CASE WHEN i % 300 % 5 = 0 THEN NULL ELSE 50 + i % 300 % 7 * 20 END AS first_period,
       (date '2006-01-01' + (i / 300) * 7) AS at,
       CASE WHEN i % 300 % 5 = 0 THEN 'never'::activation_cohort
            ELSE (date '2006-01-01' + (50 + i % 300 % 7 * 20) * 7)::activation_cohort END AS cohort,
       (i * 7919 % 10007) / 100.0 + i % 300 AS value,
       ARRAY[1 + i % 2, 1 + (i / 3) % 3, CASE WHEN i % 11 = 0 THEN NULL ELSE 1 + (i * 7) % 2 END, 1 + (i / 7) % 4] AS items
FROM generate_series(0, 59999) i;
CREATE TABLE par_states AS
SELECT id % 3000 AS grp, level_tally(level) AS tally, prepost_state(value, at, cohort) AS pp,
       prepost_state(value, at, cohort, '1 year') AS ppw,
       did_panel(unit, period, value, first_period) AS panel,
       response_patterns(items) AS patterns,
       trajectory_panel(unit, period, value) AS tp
FROM par_rows GROUP BY id % 3000;
ANALYZE par_rows;
ANALYZE par_states;

-- run(q): the query's result as text; plan(q): does EXPLAIN show a Partial Aggregate?
CREATE FUNCTION pg_temp.run(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
	EXECUTE 'SELECT (' || q || ')::text' INTO r;
	RETURN r;
END $$;
CREATE FUNCTION pg_temp.plan(q text) RETURNS bool LANGUAGE plpgsql AS $$
DECLARE line text; found bool := false;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
		found := found OR line LIKE '%Partial Aggregate%';
	END LOOP;
	RETURN found;
END $$;
CREATE TABLE par_queries (aggregate text, q text);
INSERT INTO par_queries VALUES
	('max(criminality_level)', 'SELECT max(level) FROM par_rows'),
	('min(criminality_level)', 'SELECT min(level) FROM par_rows'),
	('level_counts(criminality_level)', 'SELECT level_counts(level) FROM par_rows'),
	('level_counts(level_tally)', 'SELECT level_counts(tally) FROM par_states'),
	('level_tally(criminality_level)', 'SELECT level_tally(level) FROM par_rows'),
	('level_tally(level_tally)', 'SELECT level_tally(tally) FROM par_states'),
	('prepost(double precision,date,activation_cohort)',
	 'SELECT x.n_before || '' '' || x.n_after || '' '' || round(x.mean_before::numeric, 8) || '' '' || round(x.sd_after::numeric, 8) FROM (SELECT (prepost(value, at, cohort)).* FROM par_rows) x'),
	('prepost(double precision,date,activation_cohort,interval)',
	 'SELECT x.n_before || '' '' || x.n_after || '' '' || round(x.change::numeric, 8) FROM (SELECT (prepost(value, at, cohort, ''1 year'')).* FROM par_rows) x'),
	('prepost(prepost_state)',
	 'SELECT x.n_before || '' '' || round(x.change::numeric, 8) FROM (SELECT (prepost(pp)).* FROM par_states) x'),
	('prepost_state(double precision,date,activation_cohort)',
	 'SELECT x.n_after || '' '' || round(x.mean_after::numeric, 8) FROM (SELECT (prepost_result(prepost_state(value, at, cohort))).* FROM par_rows) x'),
	('prepost_state(double precision,date,activation_cohort,interval)',
	 'SELECT x.n_after || '' '' || round(x.mean_after::numeric, 8) FROM (SELECT (prepost_result(prepost_state(value, at, cohort, ''1 year''))).* FROM par_rows) x'),
	('prepost_state(prepost_state)',
	 'SELECT x.n_after || '' '' || round(x.mean_after::numeric, 8) FROM (SELECT (prepost_result(prepost_state(ppw))).* FROM par_states) x'),
	('did_panel(bigint,integer,double precision,integer)',
	 'SELECT md5(did_panel(unit, period, value, first_period)::text) FROM par_rows'),
	('did_panel(bigint,date,double precision,activation_cohort,text)',
	 'SELECT md5(did_panel(unit, at, value, cohort, ''month'')::text) FROM par_rows'),
	('did_panel(did_panel)', 'SELECT md5(did_panel(panel)::text) FROM par_states'),
	('did_panel(bigint,integer,double precision,integer,double precision[],double precision,bigint)',
	 'SELECT md5(did_panel(unit, period, value, first_period, ARRAY[value * 2, unit::float8], 1 + unit % 3, unit % 7)::text) FROM par_rows'),
	('did_panel(bigint,date,double precision,activation_cohort,text,double precision[],double precision,bigint)',
	 'SELECT md5(did_panel(unit, at, value, cohort, ''month'', ARRAY[value], NULL, unit % 7)::text) FROM par_rows'),
	('response_patterns(integer[])', 'SELECT response_patterns(items) FROM par_rows'),
	('response_patterns(response_patterns)', 'SELECT response_patterns(patterns) FROM par_states'),
	('response_patterns(integer[],double precision[])',
	 'SELECT response_patterns(items, ARRAY[unit % 3, CASE WHEN id % 13 = 0 THEN NULL ELSE period % 2 END]) FROM par_rows'),
	('lca_bch_state(double precision[],double precision)',
	 'SELECT string_agg(round(b.modal_n::numeric, 4) || '' '' || round(b.bch_mean::numeric, 4), '' '') FROM lca_bch((SELECT lca_bch_state(ARRAY[(unit % 4) / 4.0, 1 - (unit % 4) / 4.0], value) FROM par_rows)) b'),
	('trajectory_panel(bigint,double precision,double precision,double precision)',
	 'SELECT md5(trajectory_panel(unit, period, round(value), NULL)::text) FROM par_rows'),
	('trajectory_panel(bigint,double precision,double precision,double precision,double precision[])',
	 'SELECT md5(trajectory_panel(unit, period, round(value), 1 + unit % 3, ARRAY[unit % 5, CASE WHEN unit % 11 = 0 THEN NULL ELSE unit % 2 END])::text) FROM par_rows'),
	('trajectory_panel(bigint,double precision,double precision)', 'SELECT md5(trajectory_panel(unit, period, value)::text) FROM par_rows'),
	('trajectory_panel(trajectory_panel)', 'SELECT md5(trajectory_panel(tp)::text) FROM par_states');

-- every aggregate of the extension has a query here
SELECT aggregate AS aggregate_without_parallel_test FROM scomm_aggregates
EXCEPT SELECT aggregate FROM par_queries;

CREATE TABLE par_serial AS SELECT aggregate, pg_temp.run(q) AS result FROM par_queries;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT q.aggregate, pg_temp.plan(q.q) AS partial_aggregate, pg_temp.run(q.q) = s.result AS parallel_equals_serial
FROM par_queries q JOIN par_serial s USING (aggregate) ORDER BY 1;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;

-- text round trips of real states (each group's state, and the merged ones)
SELECT count(*) AS states,
       bool_and(tally::text::level_tally::text = tally::text) AS level_tally,
       bool_and(pp::text::prepost_state::text = pp::text) AS prepost_state,
       bool_and(ppw::text::prepost_state::text = ppw::text) AS prepost_state_windowed,
       bool_and(panel::text::did_panel::text = panel::text) AS did_panel,
       bool_and(patterns::text::response_patterns::text = patterns::text) AS response_patterns,
       bool_and(tp::text::trajectory_panel::text = tp::text) AS trajectory_panel
FROM par_states;
SELECT level_tally(tally)::text::level_tally::text = level_tally(tally)::text AS merged_tally,
       prepost_state(pp)::text::prepost_state::text = prepost_state(pp)::text AS merged_prepost,
       response_patterns(patterns)::text::response_patterns::text = response_patterns(patterns)::text AS merged_patterns
FROM par_states;

DROP TABLE par_rows, par_states, par_queries, par_serial;
DROP VIEW scomm_aggregates;
