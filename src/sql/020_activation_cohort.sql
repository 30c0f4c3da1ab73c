-- activation_cohort: a locality's activation date, or never (after every date)

CREATE TYPE @extschema@.activation_cohort;

CREATE FUNCTION @extschema@.activation_cohort_in(cstring) RETURNS @extschema@.activation_cohort
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.activation_cohort_out(@extschema@.activation_cohort) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.activation_cohort_recv(internal) RETURNS @extschema@.activation_cohort
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.activation_cohort_send(@extschema@.activation_cohort) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.activation_cohort (
	INPUT = @extschema@.activation_cohort_in,
	OUTPUT = @extschema@.activation_cohort_out,
	RECEIVE = @extschema@.activation_cohort_recv,
	SEND = @extschema@.activation_cohort_send,
	INTERNALLENGTH = 4,
	PASSEDBYVALUE,
	ALIGNMENT = int4,
	STORAGE = plain
);
COMMENT ON TYPE @extschema@.activation_cohort IS
	'when a locality''s Secure Communities activation happened: a date (YYYY-MM-DD) or never; ordered by date, never last';

CREATE FUNCTION @extschema@.activation_cohort_lt(@extschema@.activation_cohort, @extschema@.activation_cohort) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.activation_cohort_le(@extschema@.activation_cohort, @extschema@.activation_cohort) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.activation_cohort_eq(@extschema@.activation_cohort, @extschema@.activation_cohort) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.activation_cohort_ne(@extschema@.activation_cohort, @extschema@.activation_cohort) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.activation_cohort_ge(@extschema@.activation_cohort, @extschema@.activation_cohort) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.activation_cohort_gt(@extschema@.activation_cohort, @extschema@.activation_cohort) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.activation_cohort_cmp(@extschema@.activation_cohort, @extschema@.activation_cohort) RETURNS int4
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.activation_cohort_hash(@extschema@.activation_cohort) RETURNS int4
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.activation_cohort_hash_extended(@extschema@.activation_cohort, int8) RETURNS int8
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

COMMENT ON FUNCTION @extschema@.activation_cohort_lt(@extschema@.activation_cohort, @extschema@.activation_cohort) IS 'activated earlier than';
COMMENT ON FUNCTION @extschema@.activation_cohort_le(@extschema@.activation_cohort, @extschema@.activation_cohort) IS 'activated no later than';
COMMENT ON FUNCTION @extschema@.activation_cohort_eq(@extschema@.activation_cohort, @extschema@.activation_cohort) IS 'same activation date (or both never)';
COMMENT ON FUNCTION @extschema@.activation_cohort_ne(@extschema@.activation_cohort, @extschema@.activation_cohort) IS 'different activation date';
COMMENT ON FUNCTION @extschema@.activation_cohort_ge(@extschema@.activation_cohort, @extschema@.activation_cohort) IS 'activated no earlier than';
COMMENT ON FUNCTION @extschema@.activation_cohort_gt(@extschema@.activation_cohort, @extschema@.activation_cohort) IS 'activated later than';
COMMENT ON FUNCTION @extschema@.activation_cohort_cmp(@extschema@.activation_cohort, @extschema@.activation_cohort) IS 'btree comparison: -1, 0 or 1 by activation date, never last';
COMMENT ON FUNCTION @extschema@.activation_cohort_hash(@extschema@.activation_cohort) IS 'hash of an activation cohort';
COMMENT ON FUNCTION @extschema@.activation_cohort_hash_extended(@extschema@.activation_cohort, int8) IS 'seeded 64-bit hash of an activation cohort (hash partitioning)';
COMMENT ON FUNCTION @extschema@.activation_cohort_in(cstring) IS 'activation_cohort text input: YYYY-MM-DD or never';
COMMENT ON FUNCTION @extschema@.activation_cohort_out(@extschema@.activation_cohort) IS 'activation_cohort text output';
COMMENT ON FUNCTION @extschema@.activation_cohort_recv(internal) IS 'activation_cohort binary input';
COMMENT ON FUNCTION @extschema@.activation_cohort_send(@extschema@.activation_cohort) IS 'activation_cohort binary output';

CREATE OPERATOR @extschema@.< (
	LEFTARG = @extschema@.activation_cohort, RIGHTARG = @extschema@.activation_cohort,
	FUNCTION = @extschema@.activation_cohort_lt,
	COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
	RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR @extschema@.<= (
	LEFTARG = @extschema@.activation_cohort, RIGHTARG = @extschema@.activation_cohort,
	FUNCTION = @extschema@.activation_cohort_le,
	COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
	RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR @extschema@.= (
	LEFTARG = @extschema@.activation_cohort, RIGHTARG = @extschema@.activation_cohort,
	FUNCTION = @extschema@.activation_cohort_eq,
	COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR @extschema@.<> (
	LEFTARG = @extschema@.activation_cohort, RIGHTARG = @extschema@.activation_cohort,
	FUNCTION = @extschema@.activation_cohort_ne,
	COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR @extschema@.>= (
	LEFTARG = @extschema@.activation_cohort, RIGHTARG = @extschema@.activation_cohort,
	FUNCTION = @extschema@.activation_cohort_ge,
	COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
	RESTRICT = scalargesel, JOIN = scalargejoinsel
);
CREATE OPERATOR @extschema@.> (
	LEFTARG = @extschema@.activation_cohort, RIGHTARG = @extschema@.activation_cohort,
	FUNCTION = @extschema@.activation_cohort_gt,
	COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
	RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);

COMMENT ON OPERATOR @extschema@.< (@extschema@.activation_cohort, @extschema@.activation_cohort) IS
	'activated earlier than (never comes after every date)';
COMMENT ON OPERATOR @extschema@.<= (@extschema@.activation_cohort, @extschema@.activation_cohort) IS
	'activated earlier than or on the same date as (never comes after every date)';
COMMENT ON OPERATOR @extschema@.= (@extschema@.activation_cohort, @extschema@.activation_cohort) IS
	'the same activation date, or both never';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.activation_cohort, @extschema@.activation_cohort) IS
	'different activation dates (never differs from every date)';
COMMENT ON OPERATOR @extschema@.>= (@extschema@.activation_cohort, @extschema@.activation_cohort) IS
	'activated later than or on the same date as (never comes after every date)';
COMMENT ON OPERATOR @extschema@.> (@extschema@.activation_cohort, @extschema@.activation_cohort) IS
	'activated later than (never comes after every date)';

CREATE OPERATOR CLASS @extschema@.activation_cohort_ops
	DEFAULT FOR TYPE @extschema@.activation_cohort USING btree AS
		OPERATOR 1 @extschema@.<,
		OPERATOR 2 @extschema@.<=,
		OPERATOR 3 @extschema@.=,
		OPERATOR 4 @extschema@.>=,
		OPERATOR 5 @extschema@.>,
		FUNCTION 1 @extschema@.activation_cohort_cmp(@extschema@.activation_cohort, @extschema@.activation_cohort);

CREATE OPERATOR CLASS @extschema@.activation_cohort_hash_ops
	DEFAULT FOR TYPE @extschema@.activation_cohort USING hash AS
		OPERATOR 1 @extschema@.=,
		FUNCTION 1 @extschema@.activation_cohort_hash(@extschema@.activation_cohort),
		FUNCTION 2 @extschema@.activation_cohort_hash_extended(@extschema@.activation_cohort, int8);
COMMENT ON OPERATOR CLASS @extschema@.activation_cohort_ops USING btree IS
	'default btree class: activation cohorts by date, never last';
COMMENT ON OPERATOR FAMILY @extschema@.activation_cohort_ops USING btree IS
	'btree family of activation_cohort';
COMMENT ON OPERATOR CLASS @extschema@.activation_cohort_hash_ops USING hash IS
	'default hash class of activation_cohort (with the 64-bit extended hash)';
COMMENT ON OPERATOR FAMILY @extschema@.activation_cohort_hash_ops USING hash IS
	'hash family of activation_cohort';

CREATE FUNCTION @extschema@.activation_cohort_from_date(date) RETURNS @extschema@.activation_cohort
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.activation_cohort_from_date(date) IS
	'the cohort of localities activated on that date';
CREATE CAST (date AS @extschema@.activation_cohort)
	WITH FUNCTION @extschema@.activation_cohort_from_date(date);
COMMENT ON CAST (date AS @extschema@.activation_cohort) IS
	'explicit: the cohort activated on that date (infinite dates are an error; use ''never'')';

CREATE FUNCTION @extschema@.activated_on(@extschema@.activation_cohort) RETURNS date
	AS 'MODULE_PATHNAME', 'activation_cohort_activated_on' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.activated_on(@extschema@.activation_cohort) IS
	'the activation date; NULL for never';

CREATE FUNCTION @extschema@.is_activated(@extschema@.activation_cohort, at date) RETURNS bool
	AS 'MODULE_PATHNAME', 'activation_cohort_is_activated' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.is_activated(@extschema@.activation_cohort, date) IS
	'true from the activation date on; always false for never';

CREATE FUNCTION @extschema@.event_time(@extschema@.activation_cohort, at date, unit text DEFAULT 'year') RETURNS int4
	AS 'MODULE_PATHNAME', 'activation_cohort_event_time' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.event_time(@extschema@.activation_cohort, date, text) IS
	'periods (year, quarter, month or day) from the period containing the activation to the period containing at: 0 = activation period, -1 = the one before; NULL for never';

CREATE FUNCTION @extschema@.is_early(@extschema@.activation_cohort, cutoff date DEFAULT '2010-10-01') RETURNS bool
	AS 'MODULE_PATHNAME', 'activation_cohort_is_early' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.is_early(@extschema@.activation_cohort, date) IS
	'true when activated before the cutoff (default 2010-10-01, the start of FY2011); false for never';

CREATE FUNCTION @extschema@.fiscal_year(@extschema@.activation_cohort) RETURNS int4
	AS 'MODULE_PATHNAME', 'activation_cohort_fiscal_year' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.fiscal_year(@extschema@.activation_cohort) IS
	'US federal fiscal year of the activation (FY2011 starts 2010-10-01); NULL for never';

CREATE FUNCTION @extschema@.crime_rate(offenses bigint, population bigint, per int4 DEFAULT 100000) RETURNS float8
	AS 'MODULE_PATHNAME', 'scomm_crime_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.crime_rate(bigint, bigint, int4) IS
	'offenses per "per" residents (default per 100,000); errors on negative offenses or a population of zero or less';

CREATE FUNCTION @extschema@.period_of(at date, unit text DEFAULT 'year') RETURNS int4
	AS 'MODULE_PATHNAME', 'scomm_period_of' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.period_of(date, text) IS
	'consecutive number of the period containing at: year = the year, quarter = year*4 + quarter-1, month = year*12 + month-1, day = days since 2000-01-01';

CREATE FUNCTION @extschema@.period_start(period int4, unit text DEFAULT 'year') RETURNS date
	AS 'MODULE_PATHNAME', 'scomm_period_start' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.period_start(int4, text) IS
	'first day of a numbered period (the inverse of period_of)';
