-- Security: objects planted in public do not change scomm's results; a
-- read-only role runs the analyses and can change no data; the extension is
-- not trusted and has no SECURITY DEFINER function.
SET extra_float_digits = 0;
SELECT extname, extrelocatable, (SELECT trusted FROM pg_available_extension_versions
                                  WHERE name = 'scomm' AND version = extversion) AS trusted
FROM pg_extension WHERE extname = 'scomm';
SELECT count(*) AS security_definer_functions
FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'scomm'
WHERE p.prosecdef;

CREATE TABLE sec_rows AS
SELECT (ARRAY['L1', 'L2', 'L3', 'NC'])[1 + i % 4]::scomm.criminality_level AS level,
       (i % 50)::bigint AS unit, (i / 50)::int AS period,
       CASE WHEN i % 50 < 10 THEN NULL ELSE 3 + i % 50 % 4 END AS first_period,
       date '2008-01-01' + i AS at,
       CASE WHEN i % 50 < 10 THEN 'never'::scomm.activation_cohort
            ELSE (date '2008-01-01' + 200 + i % 50 * 3)::scomm.activation_cohort END AS cohort,
       (i * 37 % 101)::float8 + i / 50 AS value
FROM generate_series(0, 399) i;

-- the answers before anything is planted
CREATE TABLE sec_before AS
SELECT 'level_counts' AS what, scomm.level_counts(level)::text AS result FROM sec_rows
UNION ALL SELECT 'max', scomm.max(level)::text FROM sec_rows
UNION ALL SELECT 'prepost', scomm.prepost(value, at, cohort)::text FROM sec_rows
UNION ALL SELECT 'did', (SELECT string_agg(a::text, ';' ORDER BY a.cohort, a.period)
                         FROM scomm.att_gt((SELECT scomm.did_panel(unit, period, value, first_period) FROM sec_rows)) a)
UNION ALL SELECT 'sort', (SELECT string_agg(level::text, ',' ORDER BY level, at) FROM sec_rows WHERE unit < 3)
UNION ALL SELECT 'event_time', (SELECT sum(scomm.event_time(cohort, at, 'month'))::text FROM sec_rows);

-- plant functions and operators in public named like those scomm uses
CREATE FUNCTION public.level_tally_merge(scomm.level_tally, scomm.level_tally) RETURNS scomm.level_tally
	LANGUAGE sql AS $$ SELECT '{L1=999,L2=0,L3=0,NC=0}'::scomm.level_tally $$;
CREATE FUNCTION public.counts(scomm.level_tally) RETURNS int LANGUAGE sql AS $$ SELECT -1 $$;
CREATE FUNCTION public.prepost_state_merge(scomm.prepost_state, scomm.prepost_state) RETURNS scomm.prepost_state
	LANGUAGE sql AS $$ SELECT NULL::scomm.prepost_state $$;
CREATE FUNCTION public.activated_on(scomm.activation_cohort) RETURNS date LANGUAGE sql AS $$ SELECT date '1900-01-01' $$;
CREATE FUNCTION public.sec_lt(scomm.criminality_level, scomm.criminality_level) RETURNS bool
	LANGUAGE sql AS $$ SELECT random() < 0.5 $$;
CREATE OPERATOR public.< (LEFTARG = scomm.criminality_level, RIGHTARG = scomm.criminality_level, FUNCTION = public.sec_lt);
CREATE FUNCTION public.sec_eq(scomm.activation_cohort, scomm.activation_cohort) RETURNS bool
	LANGUAGE sql AS $$ SELECT false $$;
CREATE OPERATOR public.= (LEFTARG = scomm.activation_cohort, RIGHTARG = scomm.activation_cohort, FUNCTION = public.sec_eq);
CREATE FUNCTION public.sqrt(float8) RETURNS float8 LANGUAGE sql AS $$ SELECT 0::float8 $$;
CREATE FUNCTION public.gsl_cdf_tdist_Q(float8, float8) RETURNS float8 LANGUAGE sql AS $$ SELECT 0.5::float8 $$;

-- the same answers with public first on the search path
SET search_path = public, scomm;
SELECT b.what, b.result = a.result AS unchanged
FROM sec_before b JOIN (
	SELECT 'level_counts' AS what, scomm.level_counts(level)::text AS result FROM sec_rows
	UNION ALL SELECT 'max', scomm.max(level)::text FROM sec_rows
	UNION ALL SELECT 'prepost', scomm.prepost(value, at, cohort)::text FROM sec_rows
	UNION ALL SELECT 'did', (SELECT string_agg(a::text, ';' ORDER BY a.cohort, a.period)
	                         FROM scomm.att_gt((SELECT scomm.did_panel(unit, period, value, first_period) FROM sec_rows)) a)
	UNION ALL SELECT 'sort', (SELECT string_agg(level::text, ',' ORDER BY level, at) FROM sec_rows WHERE unit < 3)
	UNION ALL SELECT 'event_time', (SELECT sum(scomm.event_time(cohort, at, 'month'))::text FROM sec_rows)) a USING (what)
ORDER BY 1;
RESET search_path;
DROP OPERATOR public.< (scomm.criminality_level, scomm.criminality_level);
DROP OPERATOR public.= (scomm.activation_cohort, scomm.activation_cohort);
DROP FUNCTION public.level_tally_merge(scomm.level_tally, scomm.level_tally), public.counts(scomm.level_tally),
	public.prepost_state_merge(scomm.prepost_state, scomm.prepost_state), public.activated_on(scomm.activation_cohort),
	public.sec_lt(scomm.criminality_level, scomm.criminality_level),
	public.sec_eq(scomm.activation_cohort, scomm.activation_cohort), public.sqrt(float8),
	public.gsl_cdf_tdist_Q(float8, float8);

-- a read-only analyst: USAGE on the schemas, SELECT on the data, EXECUTE (the default)
CREATE ROLE scomm_regress_reader NOLOGIN;
GRANT USAGE ON SCHEMA scomm TO scomm_regress_reader;
GRANT SELECT ON sec_rows TO scomm_regress_reader;
CREATE FUNCTION pg_temp.error(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SET ROLE scomm_regress_reader;
SET search_path = public, scomm;
SELECT (level_counts(level)).n AS counted,
       (prepost(value, at, cohort)).n_after = count(*) FILTER (WHERE at >= activated_on(cohort)) AS after_rows_ok,
       (SELECT count(*) FROM att_aggregate((SELECT did_panel(unit, period, value, first_period) FROM sec_rows), 'dynamic')) AS event_study_rows
FROM sec_rows;
SELECT pg_temp.error($q$INSERT INTO sec_rows (level) VALUES ('L1')$q$) AS insert_refused;
SELECT pg_temp.error($q$UPDATE sec_rows SET value = 0$q$) AS update_refused;
SELECT pg_temp.error($q$CREATE TABLE scomm.planted (x int)$q$) AS create_refused;
SELECT pg_temp.error($q$DROP FUNCTION scomm.crime_rate(bigint, bigint, int)$q$) AS drop_refused;
RESET ROLE;
RESET search_path;
REVOKE ALL ON sec_rows FROM scomm_regress_reader;
REVOKE ALL ON SCHEMA scomm FROM scomm_regress_reader;
DROP TABLE sec_rows, sec_before;
DROP ROLE scomm_regress_reader;
