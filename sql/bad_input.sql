-- Bad input never crashes and never lies: every case below fails with its
-- own SQLSTATE and a message that says what is wrong (never XX000), and the
-- server process survives all of them.
SET search_path = public, scomm;
SET datestyle = 'ISO, YMD';

-- error(q): the SQLSTATE and message a statement fails with
CREATE FUNCTION pg_temp.error(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'no error';
EXCEPTION WHEN query_canceled OR others THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
-- recv(type, hex): COPY one value of a scomm type from its binary form (errors propagate)
CREATE FUNCTION pg_temp.recv(typ text, hex text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE lob oid;
BEGIN
	lob := lo_from_bytea(0, decode('5047434f50590aff0d0a00' || '00000000' || '00000000' || '0001'
	                               || lpad(to_hex(length(hex) / 2), 8, '0') || hex || 'ffff', 'hex'));
	PERFORM lo_export(lob, '/tmp/scomm_regress_recv.bin');
	PERFORM lo_unlink(lob);
	EXECUTE format('CREATE TEMP TABLE recv_target (v scomm.%I)', typ);
	EXECUTE $c$COPY recv_target FROM '/tmp/scomm_regress_recv.bin' WITH (FORMAT binary)$c$;
	DROP TABLE recv_target;
	RETURN 'no error';
END $$;

CREATE TEMP TABLE cases (id serial, area text, q text);
INSERT INTO cases (area, q) VALUES
-- criminality_level: text, integers, binary
('criminality_level', $$SELECT 'L4'::criminality_level$$),
('criminality_level', $$SELECT ''::criminality_level$$),
('criminality_level', $$SELECT 'Level 0'::criminality_level$$),
('criminality_level', $$SELECT 'L1 L2'::criminality_level$$),
('criminality_level', $$SELECT 'criminal'::criminality_level$$),
('criminality_level', $$SELECT 'L'::criminality_level$$),
('criminality_level', $$SELECT 'NC,'::criminality_level$$),
('criminality_level', $$SELECT E'L1\t2'::criminality_level$$),
('criminality_level', $$SELECT 5::criminality_level$$),
('criminality_level', $$SELECT (-1)::criminality_level$$),
('criminality_level', $$SELECT 2147483647::criminality_level$$),
('criminality_level', $$SELECT pg_temp.recv('criminality_level', '07')$$),
('criminality_level', $$SELECT pg_temp.recv('criminality_level', 'ff')$$),
('criminality_level', $$SELECT pg_temp.recv('criminality_level', '0001')$$),
('criminality_level', $$SELECT pg_temp.recv('criminality_level', '')$$),
('criminality_level', $$SELECT level_number('X')$$),
('criminality_level', $$SELECT label('L9')$$),
-- activation_cohort: text, dates, binary
('activation_cohort', $$SELECT '2010-13-01'::activation_cohort$$),
('activation_cohort', $$SELECT '2010-02-30'::activation_cohort$$),
('activation_cohort', $$SELECT '10/27/2008'::activation_cohort$$),
('activation_cohort', $$SELECT 'someday'::activation_cohort$$),
('activation_cohort', $$SELECT ''::activation_cohort$$),
('activation_cohort', $$SELECT '2010-1-1'::activation_cohort$$),
('activation_cohort', $$SELECT '20100101'::activation_cohort$$),
('activation_cohort', $$SELECT '2010-01-01 12:00'::activation_cohort$$),
('activation_cohort', $$SELECT 'never never'::activation_cohort$$),
('activation_cohort', $$SELECT '0000-01-01'::activation_cohort$$),
('activation_cohort', $$SELECT '10000-01-01'::activation_cohort$$),
('activation_cohort', $$SELECT 'infinity'::activation_cohort$$),
('activation_cohort', $$SELECT 'infinity'::date::activation_cohort$$),
('activation_cohort', $$SELECT '-infinity'::date::activation_cohort$$),
('activation_cohort', $$SELECT '4000-01-01 BC'::date::activation_cohort$$),
('activation_cohort', $$SELECT pg_temp.recv('activation_cohort', 'fff3cb00')$$),
('activation_cohort', $$SELECT pg_temp.recv('activation_cohort', '7fffff00')$$),
('activation_cohort', $$SELECT pg_temp.recv('activation_cohort', '0001')$$),
('activation_cohort', $$SELECT event_time('2010-01-01', 'infinity')$$),
('activation_cohort', $$SELECT event_time('2010-01-01', '2011-01-01', 'week')$$),
('activation_cohort', $$SELECT event_time('2010-01-01', '2011-01-01', '')$$),
('activation_cohort', $$SELECT period_of('infinity', 'year')$$),
('activation_cohort', $$SELECT period_of('2010-01-01', 'decade')$$),
('activation_cohort', $$SELECT period_start(2147483647, 'month')$$),
('activation_cohort', $$SELECT period_start(-2147483648, 'quarter')$$),
('activation_cohort', $$SELECT period_start(2147483647, 'day')$$),
('activation_cohort', $$SELECT period_start(9999999, 'year')$$),
-- crime_rate
('crime_rate', $$SELECT crime_rate(-1, 1000)$$),
('crime_rate', $$SELECT crime_rate(10, 0)$$),
('crime_rate', $$SELECT crime_rate(10, -5)$$),
('crime_rate', $$SELECT crime_rate(10, 1000, 0)$$),
('crime_rate', $$SELECT crime_rate(10, 1000, -100000)$$),
-- level_tally: text, binary, aggregates
('level_tally', $$SELECT '{L1=1,L2=2,L3=3}'::level_tally$$),
('level_tally', $$SELECT '{L1=1,L2=2,L3=3,NC=4,X=5}'::level_tally$$),
('level_tally', $$SELECT '{L1=-1,L2=2,L3=3,NC=4}'::level_tally$$),
('level_tally', $$SELECT '{L2=1,L1=2,L3=3,NC=4}'::level_tally$$),
('level_tally', $$SELECT '{L1=1;L2=2;L3=3;NC=4}'::level_tally$$),
('level_tally', $$SELECT 'L1=1,L2=2,L3=3,NC=4'::level_tally$$),
('level_tally', $$SELECT '{L1=1,L2=2,L3=3,NC=4'::level_tally$$),
('level_tally', $$SELECT '{L1=99999999999999999999,L2=0,L3=0,NC=0}'::level_tally$$),
('level_tally', $$SELECT '{L1=1.5,L2=0,L3=0,NC=0}'::level_tally$$),
('level_tally', $$SELECT '{L1=1,L2=2,L3=3,NC=4} x'::level_tally$$),
('level_tally', $$SELECT ''::level_tally$$),
('level_tally', $$SELECT pg_temp.recv('level_tally', '02' || repeat('0000000000000000', 4))$$),
('level_tally', $$SELECT pg_temp.recv('level_tally', '01' || 'ffffffffffffffff' || repeat('0000000000000000', 3))$$),
('level_tally', $$SELECT pg_temp.recv('level_tally', '01' || repeat('0000000000000000', 3))$$),
('level_tally', $$SELECT pg_temp.recv('level_tally', '')$$),
('level_tally', $$SELECT level_counts(t) FROM (VALUES ('{L1=9223372036854775807,L2=0,L3=0,NC=0}'::level_tally), ('{L1=1,L2=0,L3=0,NC=0}')) v(t)$$),
-- prepost: rows, windows, states, results
('prepost', $$SELECT prepost(v, '2010-01-01', '2009-01-01') FROM (VALUES ('NaN'::float8)) x(v)$$),
('prepost', $$SELECT prepost(v, '2010-01-01', '2009-01-01') FROM (VALUES ('Infinity'::float8)) x(v)$$),
('prepost', $$SELECT prepost(v, '2010-01-01', '2009-01-01') FROM (VALUES ('-Infinity'::float8)) x(v)$$),
('prepost', $$SELECT prepost(1.0, 'infinity', '2009-01-01')$$),
('prepost', $$SELECT prepost(1.0, '-infinity', '2009-01-01')$$),
('prepost', $$SELECT prepost(1.0, '2010-01-01', '2009-01-01', NULL::interval)$$),
('prepost', $$SELECT prepost(1.0, '2010-01-01', '2009-01-01', '0 days')$$),
('prepost', $$SELECT prepost(1.0, '2010-01-01', '2009-01-01', '-1 year')$$),
('prepost', $$SELECT prepost(1.0, '2010-01-01', '2009-01-01', w) FROM (VALUES ('1 year'::interval), ('2 years')) x(w)$$),
('prepost', $$SELECT prepost(1.0, '2010-01-01', '9999-01-01', '100000 years')$$),
('prepost', $$SELECT prepost(v, '2010-01-01', '2009-01-01') FROM (VALUES (1e308::float8), (-1e308)) x(v)$$),
('prepost', $$SELECT prepost_state(s) FROM (SELECT prepost_state(1.0, '2010-01-01', '2009-01-01') UNION ALL SELECT prepost_state(1.0, '2010-01-01', '2009-01-01', '1 year')) x(s)$$),
('prepost', $$SELECT '{n_before=1}'::prepost_state$$),
('prepost', $$SELECT '{n_before=-1,mean_before=0,m2_before=0,n_after=0,mean_after=0,m2_after=0}'::prepost_state$$),
('prepost', $$SELECT '{n_before=1,mean_before=NaN,m2_before=0,n_after=0,mean_after=0,m2_after=0}'::prepost_state$$),
('prepost', $$SELECT '{n_before=2,mean_before=1,m2_before=-1,n_after=0,mean_after=0,m2_after=0}'::prepost_state$$),
('prepost', $$SELECT '{n_before=0,mean_before=1,m2_before=0,n_after=0,mean_after=0,m2_after=0}'::prepost_state$$),
('prepost', $$SELECT '{n_before=1,mean_before=1,m2_before=2,n_after=0,mean_after=0,m2_after=0}'::prepost_state$$),
('prepost', $$SELECT '{mean_before=1,n_before=1,m2_before=0,n_after=0,mean_after=0,m2_after=0}'::prepost_state$$),
('prepost', $$SELECT '{n_before=1,mean_before=1,m2_before=0,n_after=0,mean_after=0,m2_after=0,within_months=0,within_days=0,within_usecs=0}'::prepost_state$$),
('prepost', $$SELECT '{n_before=1,mean_before=1e999,m2_before=0,n_after=0,mean_after=0,m2_after=0}'::prepost_state$$),
('prepost', $$SELECT 'prepost'::prepost_state$$),
('prepost', $$SELECT pg_temp.recv('prepost_state', '09')$$),
('prepost', $$SELECT pg_temp.recv('prepost_state', '0100')$$),
('prepost', $$SELECT pg_temp.recv('prepost_state', '0107' || repeat('00', 48))$$),
('prepost', $$SELECT pg_temp.recv('prepost_state', '0100' || 'ffffffffffffffff' || repeat('00', 40))$$),
('prepost', $$SELECT pg_temp.recv('prepost_state', '0100' || '0000000000000001' || '7ff8000000000000' || repeat('00', 32))$$),
('prepost', $$SELECT prepost_diff(ROW(-1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0)::prepost_result, ROW(2, 1, 1, 2, 1, 1, 0, 0, 0, 1, 0, 0, 0)::prepost_result)$$),
('prepost', $$SELECT prepost_diff(ROW(2, 'NaN', 1, 2, 1, 1, 0, 0, 0, 1, 0, 0, 0)::prepost_result, ROW(2, 1, 1, 2, 1, 1, 0, 0, 0, 1, 0, 0, 0)::prepost_result)$$),
-- baseline window functions
('baseline', $$SELECT baseline_change(v, '2010-01-01', '2009-01-01') OVER () FROM (VALUES ('NaN'::float8)) x(v)$$),
('baseline', $$SELECT baseline_ratio(v, '2010-01-01', '2009-01-01') OVER () FROM (VALUES ('Infinity'::float8)) x(v)$$),
('baseline', $$SELECT baseline_change(1.0, '2010-01-01', c) OVER () FROM (VALUES ('2009-01-01'::activation_cohort), ('2009-06-01')) x(c)$$),
-- simulators
('simulate', $$SELECT * FROM simulate_panel(0, 10)$$),
('simulate', $$SELECT * FROM simulate_panel(10, 1)$$),
('simulate', $$SELECT * FROM simulate_panel(-5, 10)$$),
('simulate', $$SELECT * FROM simulate_panel(2000000000, 2000000000)$$),
('simulate', $$SELECT * FROM simulate_panel(10, 10, cohorts => 0)$$),
('simulate', $$SELECT * FROM simulate_panel(10, 10, cohorts => 10)$$),
('simulate', $$SELECT * FROM simulate_panel(10, 10, never_share => 1)$$),
('simulate', $$SELECT * FROM simulate_panel(10, 10, never_share => -0.1)$$),
('simulate', $$SELECT * FROM simulate_panel(10, 10, never_share => 'NaN')$$),
('simulate', $$SELECT * FROM simulate_panel(10, 10, effect => 'Infinity')$$),
('simulate', $$SELECT * FROM simulate_panel(10, 10, noise => -1)$$),
('simulate', $$SELECT * FROM simulate_panel(10, 10, effect_growth => 'NaN')$$),
('simulate', $$SELECT * FROM simulate_removals(NULL, ARRAY['2010-01-01']::activation_cohort[], ARRAY[1.0])$$),
('simulate', $$SELECT * FROM simulate_removals(ARRAY['01001'], ARRAY['2010-01-01']::activation_cohort[], ARRAY[1.0, 2.0])$$),
('simulate', $$SELECT * FROM simulate_removals(ARRAY['01001', NULL], ARRAY['2010-01-01', '2010-01-01']::activation_cohort[], ARRAY[1.0, 2.0])$$),
('simulate', $$SELECT * FROM simulate_removals(ARRAY['01001', '01001'], ARRAY['2010-01-01', '2010-01-01']::activation_cohort[], ARRAY[1.0, 2.0])$$),
('simulate', $$SELECT * FROM simulate_removals(ARRAY['01001'], ARRAY['2010-01-01']::activation_cohort[], ARRAY[-1.0])$$),
('simulate', $$SELECT * FROM simulate_removals(ARRAY['01001'], ARRAY['2010-01-01']::activation_cohort[], ARRAY['NaN'::float8])$$),
('simulate', $$SELECT * FROM simulate_removals(ARRAY[]::text[], ARRAY[]::activation_cohort[], ARRAY[]::float8[])$$),
('simulate', $$SELECT * FROM simulate_removals(ARRAY[['01001']], ARRAY[['2010-01-01']]::activation_cohort[], ARRAY[[1.0]])$$),
('simulate', $$SELECT * FROM simulate_removals(ARRAY['01001'], ARRAY['2010-01-01']::activation_cohort[], ARRAY[1.0], total => 0)$$),
('simulate', $$SELECT * FROM simulate_removals(ARRAY['01001'], ARRAY['2010-01-01']::activation_cohort[], ARRAY[1.0], through => '2050-01-01')$$),
('simulate', $$SELECT * FROM simulate_removals(ARRAY['01001'], ARRAY['never']::activation_cohort[], ARRAY[1.0])$$),
('simulate', $$SELECT * FROM simulate_crime(ARRAY['01001'], ARRAY['2010-01-01']::activation_cohort[], ARRAY[1000.0], first_year => 1950)$$),
('simulate', $$SELECT * FROM simulate_crime(ARRAY['01001'], ARRAY['2010-01-01']::activation_cohort[], ARRAY[1000.0], effect => -1)$$),
('simulate', $$SELECT * FROM simulate_crime(ARRAY['01001'], ARRAY['2010-01-01']::activation_cohort[], ARRAY['Infinity'::float8])$$),
('simulate', $$SELECT * FROM simulate_crime(ARRAY['01001'], NULL, ARRAY[1000.0])$$),
-- did_panel: rows, options, text and binary values
('did', $$SELECT did_panel(1, 2004, 'NaN', NULL)$$),
('did', $$SELECT did_panel(1, 2004, '-Infinity', NULL)$$),
('did', $$SELECT did_panel(NULL, 2004, 1.0, NULL)$$),
('did', $$SELECT did_panel(1, NULL, 1.0, NULL)$$),
('did', $$SELECT did_panel(1, 2004, 1.0, 2147483647)$$),
('did', $$SELECT did_panel(1, 'infinity'::date, 1.0, 'never', 'year')$$),
('did', $$SELECT did_panel(1, '2008-01-01'::date, 1.0, NULL::activation_cohort, 'year')$$),
('did', $$SELECT did_panel(1, '2008-01-01'::date, 1.0, 'never', NULL)$$),
('did', $$SELECT did_panel(1, '2008-01-01'::date, 1.0, 'never', 'weeks')$$),
('did', $$SELECT did_panel(1, 2004, 1.0, NULL) OVER ()$$),
('did', $$SELECT did_panel_merge(NULL, NULL::did_panel) IS NULL AND did_panel_accum(NULL, 1, 1, 1.0, 1) IS NULL$$),
('did', $$SELECT * FROM att_gt((SELECT did_panel(u, 2004, 1.0, NULL) FROM generate_series(1, 3) u))$$),
('did', $$SELECT * FROM att_gt((SELECT did_panel(u, t, 1.0, 2005) FROM (VALUES (7, 2004), (7, 2004), (8, 2005)) v(u, t)))$$),
('did', $$SELECT * FROM att_gt((SELECT did_panel(7, t, 1.0, 2004 + t % 2) FROM generate_series(2003, 2006) t))$$),
('did', $$SELECT * FROM att_gt((SELECT did_panel(u, t, 1.0, NULL) FROM generate_series(1, 5) u, generate_series(2003, 2006) t))$$),
('did', $$SELECT * FROM att_gt((SELECT did_panel(u, t, 1.0, 2003) FROM generate_series(1, 5) u, generate_series(2003, 2006) t))$$),
('did', $$SELECT * FROM att_gt((SELECT did_panel(u, t, 1.0, NULL) FROM generate_series(1, 5) u, generate_series(2003, 2006) t WHERE u <> t - 2002))$$),
('did', $$SELECT * FROM att_gt((SELECT did_panel(u, t, 1.0, 2005) FROM generate_series(1, 5) u, generate_series(2003, 2006) t WHERE u <> t - 2002), unbalanced => 'error')$$),
('did', $$SELECT * FROM att_gt('did_panel:1:2;1,2004,never,1;1,2005,never,2', control => 'both')$$),
('did', $$SELECT * FROM att_gt('did_panel:1:2;1,2004,never,1;1,2005,never,2', base_period => 'first')$$),
('did', $$SELECT * FROM att_gt('did_panel:1:2;1,2004,never,1;1,2005,never,2', anticipation => -2)$$),
('did', $$SELECT * FROM att_gt('did_panel:1:2;1,2004,never,1;1,2005,never,2', alpha => 1)$$),
('did', $$SELECT * FROM att_gt('did_panel:1:2;1,2004,never,1;1,2005,never,2', alpha => -0.05)$$),
('did', $$SELECT * FROM att_gt('did_panel:1:2;1,2004,never,1;1,2005,never,2', bootstrap => 1)$$),
('did', $$SELECT * FROM att_gt('did_panel:1:2;1,2004,never,1;1,2005,never,2', bootstrap => 2000000)$$),
('did', $$SELECT * FROM att_gt('did_panel:1:2;1,2004,never,1;1,2005,never,2', unbalanced => 'ignore')$$),
('did', $$SELECT * FROM att_aggregate('did_panel:1:2;1,2004,never,1;1,2005,never,2', 'event')$$),
('did', $$SELECT * FROM pretest('did_panel:1:2;1,2004,never,1;1,2005,never,2', leads => -1)$$),
('did', $$SELECT * FROM twfe('did_panel:1:2;1,2004,never,1;1,2005,never,2', alpha => 'NaN')$$),
('did', $$SELECT * FROM twfe_event_study('did_panel:1:2;1,2004,never,1;1,2005,never,2', 0, 2)$$),
('did', $$SELECT * FROM twfe_event_study('did_panel:1:2;1,2004,never,1;1,2005,never,2', 3, 100000)$$),
('did', $$SELECT * FROM twfe((SELECT did_panel(u, t, u + t * 1.0, 2005) FROM generate_series(1, 10) u, generate_series(2003, 2006) t))$$),
('did', $$SELECT 'did_panel:1:1;1,2004,never'::did_panel$$),
('did', $$SELECT 'did_panel:1:1;1,2004,never,1,5'::did_panel$$),
('did', $$SELECT 'did_panel:1:0;1,2004,never,1'::did_panel$$),
('did', $$SELECT 'did_panel:1:1;1,2004,2005,Infinity'::did_panel$$),
('did', $$SELECT 'did_panel:1:1;1,2004,2005,0x10'::did_panel$$),
('did', $$SELECT 'did_panel:1:1;1,99999999999,2005,1'::did_panel$$),
('did', $$SELECT 'did_panel:1:1; 1,2004,2005,1'::did_panel$$),
('did', $$SELECT 'did_panel:1:99999999999999999999'::did_panel$$),
('did', $$SELECT 'DID_PANEL:1:0'::did_panel$$),
('did', $$SELECT pg_temp.recv('did_panel', '53434450')$$),
('did', $$SELECT pg_temp.recv('did_panel', '5343445000010000' || '0000000000000002' || repeat('00', 24))$$),
('did', $$SELECT pg_temp.recv('did_panel', '5343445000010000' || '0000000000000001' || repeat('00', 16) || '7ff0000000000000')$$),
('did', $$SELECT pg_temp.recv('did_panel', '58585850' || '00010000' || '0000000000000000')$$),
('did', $$SELECT pg_temp.recv('did_panel', '5343445000010001' || '0000000000000000')$$);

-- every case fails, with a specific SQLSTATE (never the internal-error class XX)
CREATE TEMP TABLE outcomes AS SELECT id, area, q, pg_temp.error(q) AS outcome FROM cases;
SELECT area, count(*) AS cases,
       count(*) FILTER (WHERE outcome = 'no error') AS not_failing,
       count(*) FILTER (WHERE outcome LIKE 'XX%') AS internal_errors
FROM outcomes GROUP BY area ORDER BY min(id);
SELECT count(*) AS bad_inputs, count(DISTINCT left(outcome, 5)) AS distinct_sqlstates FROM outcomes;
-- each case with its SQLSTATE and message
SELECT id, area, outcome FROM outcomes ORDER BY id;
-- the server process is still the same one, and answers
SELECT 'still here' AS server;
