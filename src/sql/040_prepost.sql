
-- prepost_state: the storable state of prepost; prepost: before/after means, change and Welch's test

CREATE TYPE @extschema@.prepost_state;

CREATE FUNCTION @extschema@.prepost_state_in(cstring) RETURNS @extschema@.prepost_state
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.prepost_state_out(@extschema@.prepost_state) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.prepost_state_recv(internal) RETURNS @extschema@.prepost_state
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.prepost_state_send(@extschema@.prepost_state) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.prepost_state (
	INPUT = @extschema@.prepost_state_in,
	OUTPUT = @extschema@.prepost_state_out,
	RECEIVE = @extschema@.prepost_state_recv,
	SEND = @extschema@.prepost_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = plain
);
COMMENT ON TYPE @extschema@.prepost_state IS
	'count, mean and sum of squared deviations before and after activation (and the window, if any), e.g. {n_before=5,mean_before=11.2,m2_before=14.8,n_after=6,mean_after=16.5,m2_after=29.5}: the storable, mergeable state of prepost';
COMMENT ON FUNCTION @extschema@.prepost_state_in(cstring) IS 'prepost_state text input';
COMMENT ON FUNCTION @extschema@.prepost_state_out(@extschema@.prepost_state) IS 'prepost_state text output (exact: doubles in shortest round-trip form)';
COMMENT ON FUNCTION @extschema@.prepost_state_recv(internal) IS 'prepost_state binary input';
COMMENT ON FUNCTION @extschema@.prepost_state_send(@extschema@.prepost_state) IS 'prepost_state binary output';

CREATE TYPE @extschema@.prepost_result AS (
	n_before bigint, mean_before float8, sd_before float8,
	n_after bigint, mean_after float8, sd_after float8,
	change float8, pct_change float8,
	t float8, df float8, p_value float8, ci_low float8, ci_high float8
);
COMMENT ON TYPE @extschema@.prepost_result IS
	'before/after counts, means and standard deviations, change (after - before), pct_change (100 * change / mean_before) and Welch''s two-sided t-test with its 95% interval; NULL where undefined';

CREATE TYPE @extschema@.prepost_diff_result AS (
	diff float8, se float8, t float8, df float8, p_value float8, ci_low float8, ci_high float8
);
COMMENT ON TYPE @extschema@.prepost_diff_result IS
	'difference of two before/after changes, its standard error and Welch-Satterthwaite t-test (two-sided, 95% interval)';

CREATE FUNCTION @extschema@.prepost_accum(@extschema@.prepost_state, float8, date, @extschema@.activation_cohort)
	RETURNS @extschema@.prepost_state
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.prepost_accum(@extschema@.prepost_state, float8, date, @extschema@.activation_cohort) IS
	'prepost transition: count one value before (at < activation) or after (at >= activation); never is ignored; not STRICT: rows with a NULL value, date or cohort are skipped, and a NULL state starts a new one';
CREATE FUNCTION @extschema@.prepost_accum_within(@extschema@.prepost_state, float8, date, @extschema@.activation_cohort, interval)
	RETURNS @extschema@.prepost_state
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.prepost_accum_within(@extschema@.prepost_state, float8, date, @extschema@.activation_cohort, interval) IS
	'windowed prepost transition: count one value when activation - within <= at < activation + within; not STRICT: rows with a NULL value, date or cohort are skipped, a NULL state starts a new one, and a NULL window is an error (22004)';
CREATE FUNCTION @extschema@.prepost_state_merge(@extschema@.prepost_state, @extschema@.prepost_state)
	RETURNS @extschema@.prepost_state
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.prepost_state_merge(@extschema@.prepost_state, @extschema@.prepost_state) IS
	'merge two prepost states (combine function, Chan''s formulas; different windows are an error); not STRICT: a NULL state is an empty one';
CREATE FUNCTION @extschema@.prepost_result(@extschema@.prepost_state) RETURNS @extschema@.prepost_result
	AS 'MODULE_PATHNAME', 'prepost_state_result' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.prepost_result(@extschema@.prepost_state) IS
	'before/after statistics and Welch''s test of a stored prepost state; not STRICT: a NULL state is an empty one';

CREATE AGGREGATE @extschema@.prepost(value float8, at date, cohort @extschema@.activation_cohort) (
	SFUNC = @extschema@.prepost_accum,
	STYPE = @extschema@.prepost_state,
	FINALFUNC = @extschema@.prepost_result,
	COMBINEFUNC = @extschema@.prepost_state_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.prepost(float8, date, @extschema@.activation_cohort) IS
	'before (at < activation date) and after (at >= activation date) means, change and Welch''s t-test; NULL values, dates and cohorts and never are ignored';

CREATE AGGREGATE @extschema@.prepost(value float8, at date, cohort @extschema@.activation_cohort, within interval) (
	SFUNC = @extschema@.prepost_accum_within,
	STYPE = @extschema@.prepost_state,
	FINALFUNC = @extschema@.prepost_result,
	COMBINEFUNC = @extschema@.prepost_state_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.prepost(float8, date, @extschema@.activation_cohort, interval) IS
	'prepost over the rows with activation - within <= at < activation + within only';

CREATE AGGREGATE @extschema@.prepost(@extschema@.prepost_state) (
	SFUNC = @extschema@.prepost_state_merge,
	STYPE = @extschema@.prepost_state,
	FINALFUNC = @extschema@.prepost_result,
	COMBINEFUNC = @extschema@.prepost_state_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.prepost(@extschema@.prepost_state) IS
	'before/after statistics and Welch''s test over stored prepost states, merged';

CREATE AGGREGATE @extschema@.prepost_state(value float8, at date, cohort @extschema@.activation_cohort) (
	SFUNC = @extschema@.prepost_accum,
	STYPE = @extschema@.prepost_state,
	COMBINEFUNC = @extschema@.prepost_state_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.prepost_state(float8, date, @extschema@.activation_cohort) IS
	'the prepost state as a storable value, to keep per county and merge later';

CREATE AGGREGATE @extschema@.prepost_state(value float8, at date, cohort @extschema@.activation_cohort, within interval) (
	SFUNC = @extschema@.prepost_accum_within,
	STYPE = @extschema@.prepost_state,
	COMBINEFUNC = @extschema@.prepost_state_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.prepost_state(float8, date, @extschema@.activation_cohort, interval) IS
	'the windowed prepost state as a storable value';

CREATE AGGREGATE @extschema@.prepost_state(@extschema@.prepost_state) (
	SFUNC = @extschema@.prepost_state_merge,
	STYPE = @extschema@.prepost_state,
	COMBINEFUNC = @extschema@.prepost_state_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.prepost_state(@extschema@.prepost_state) IS
	'merge stored prepost states into one';

CREATE FUNCTION @extschema@.prepost_diff(a @extschema@.prepost_result, b @extschema@.prepost_result)
	RETURNS @extschema@.prepost_diff_result
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.prepost_diff(@extschema@.prepost_result, @extschema@.prepost_result) IS
	'difference in differences a.change - b.change, se = sqrt of the sum of the four sd^2/n, Welch-Satterthwaite t-test and 95% interval';

CREATE FUNCTION @extschema@.baseline_change(value float8, at date, cohort @extschema@.activation_cohort) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.baseline_change(float8, date, @extschema@.activation_cohort) IS
	'window function: value minus the mean of the partition''s values before activation (NULL when none); one cohort per partition; not STRICT: a row with a NULL value gets NULL, but rows with a NULL date or cohort still belong to the partition';
CREATE FUNCTION @extschema@.baseline_ratio(value float8, at date, cohort @extschema@.activation_cohort) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.baseline_ratio(float8, date, @extschema@.activation_cohort) IS
	'window function: value divided by the mean of the partition''s values before activation (NULL when none or 0); one cohort per partition; not STRICT: a row with a NULL value gets NULL, but rows with a NULL date or cohort still belong to the partition';
