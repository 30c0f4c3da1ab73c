-- scomm 1.0 install script (released; frozen: never edit. 1.1 and later are built from src/sql/)

\echo Use "CREATE EXTENSION scomm" to load this file. \quit
-- criminality_level: ICE criminality levels, ordered NC < L3 < L2 < L1

CREATE TYPE @extschema@.criminality_level;

CREATE FUNCTION @extschema@.criminality_level_in(cstring) RETURNS @extschema@.criminality_level
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.criminality_level_out(@extschema@.criminality_level) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.criminality_level_recv(internal) RETURNS @extschema@.criminality_level
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.criminality_level_send(@extschema@.criminality_level) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.criminality_level (
	INPUT = @extschema@.criminality_level_in,
	OUTPUT = @extschema@.criminality_level_out,
	RECEIVE = @extschema@.criminality_level_recv,
	SEND = @extschema@.criminality_level_send,
	INTERNALLENGTH = 1,
	PASSEDBYVALUE,
	ALIGNMENT = char,
	STORAGE = plain
);
COMMENT ON TYPE @extschema@.criminality_level IS
	'ICE criminality level of a person identified through Secure Communities: L1, L2, L3 or NC (non-criminal); ordered NC < L3 < L2 < L1';

CREATE FUNCTION @extschema@.criminality_level_lt(@extschema@.criminality_level, @extschema@.criminality_level) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.criminality_level_le(@extschema@.criminality_level, @extschema@.criminality_level) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.criminality_level_eq(@extschema@.criminality_level, @extschema@.criminality_level) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.criminality_level_ne(@extschema@.criminality_level, @extschema@.criminality_level) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.criminality_level_ge(@extschema@.criminality_level, @extschema@.criminality_level) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.criminality_level_gt(@extschema@.criminality_level, @extschema@.criminality_level) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.criminality_level_cmp(@extschema@.criminality_level, @extschema@.criminality_level) RETURNS int4
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.criminality_level_hash(@extschema@.criminality_level) RETURNS int4
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.criminality_level_hash_extended(@extschema@.criminality_level, int8) RETURNS int8
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

COMMENT ON FUNCTION @extschema@.criminality_level_lt(@extschema@.criminality_level, @extschema@.criminality_level) IS 'less severe than';
COMMENT ON FUNCTION @extschema@.criminality_level_le(@extschema@.criminality_level, @extschema@.criminality_level) IS 'less severe than or equal to';
COMMENT ON FUNCTION @extschema@.criminality_level_eq(@extschema@.criminality_level, @extschema@.criminality_level) IS 'same level';
COMMENT ON FUNCTION @extschema@.criminality_level_ne(@extschema@.criminality_level, @extschema@.criminality_level) IS 'different level';
COMMENT ON FUNCTION @extschema@.criminality_level_ge(@extschema@.criminality_level, @extschema@.criminality_level) IS 'more severe than or equal to';
COMMENT ON FUNCTION @extschema@.criminality_level_gt(@extschema@.criminality_level, @extschema@.criminality_level) IS 'more severe than';
COMMENT ON FUNCTION @extschema@.criminality_level_cmp(@extschema@.criminality_level, @extschema@.criminality_level) IS 'btree comparison: -1, 0 or 1 by severity';
COMMENT ON FUNCTION @extschema@.criminality_level_hash(@extschema@.criminality_level) IS 'hash of a criminality level';
COMMENT ON FUNCTION @extschema@.criminality_level_hash_extended(@extschema@.criminality_level, int8) IS 'seeded 64-bit hash of a criminality level (hash partitioning)';
COMMENT ON FUNCTION @extschema@.criminality_level_in(cstring) IS 'criminality_level text input';
COMMENT ON FUNCTION @extschema@.criminality_level_out(@extschema@.criminality_level) IS 'criminality_level text output';
COMMENT ON FUNCTION @extschema@.criminality_level_recv(internal) IS 'criminality_level binary input';
COMMENT ON FUNCTION @extschema@.criminality_level_send(@extschema@.criminality_level) IS 'criminality_level binary output';

CREATE OPERATOR @extschema@.< (
	LEFTARG = @extschema@.criminality_level, RIGHTARG = @extschema@.criminality_level,
	FUNCTION = @extschema@.criminality_level_lt,
	COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
	RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR @extschema@.<= (
	LEFTARG = @extschema@.criminality_level, RIGHTARG = @extschema@.criminality_level,
	FUNCTION = @extschema@.criminality_level_le,
	COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
	RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR @extschema@.= (
	LEFTARG = @extschema@.criminality_level, RIGHTARG = @extschema@.criminality_level,
	FUNCTION = @extschema@.criminality_level_eq,
	COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR @extschema@.<> (
	LEFTARG = @extschema@.criminality_level, RIGHTARG = @extschema@.criminality_level,
	FUNCTION = @extschema@.criminality_level_ne,
	COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR @extschema@.>= (
	LEFTARG = @extschema@.criminality_level, RIGHTARG = @extschema@.criminality_level,
	FUNCTION = @extschema@.criminality_level_ge,
	COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
	RESTRICT = scalargesel, JOIN = scalargejoinsel
);
CREATE OPERATOR @extschema@.> (
	LEFTARG = @extschema@.criminality_level, RIGHTARG = @extschema@.criminality_level,
	FUNCTION = @extschema@.criminality_level_gt,
	COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
	RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);

CREATE OPERATOR CLASS @extschema@.criminality_level_ops
	DEFAULT FOR TYPE @extschema@.criminality_level USING btree AS
		OPERATOR 1 @extschema@.<,
		OPERATOR 2 @extschema@.<=,
		OPERATOR 3 @extschema@.=,
		OPERATOR 4 @extschema@.>=,
		OPERATOR 5 @extschema@.>,
		FUNCTION 1 @extschema@.criminality_level_cmp(@extschema@.criminality_level, @extschema@.criminality_level);

CREATE OPERATOR CLASS @extschema@.criminality_level_hash_ops
	DEFAULT FOR TYPE @extschema@.criminality_level USING hash AS
		OPERATOR 1 @extschema@.=,
		FUNCTION 1 @extschema@.criminality_level_hash(@extschema@.criminality_level),
		FUNCTION 2 @extschema@.criminality_level_hash_extended(@extschema@.criminality_level, int8);

-- casts: the level's number (1, 2, 3; 0 for NC)
CREATE FUNCTION @extschema@.criminality_level_to_int4(@extschema@.criminality_level) RETURNS int4
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.criminality_level_from_int4(int4) RETURNS @extschema@.criminality_level
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.criminality_level_to_int4(@extschema@.criminality_level) IS
	'the level''s number: 1, 2, 3 for L1, L2, L3 and 0 for NC';
COMMENT ON FUNCTION @extschema@.criminality_level_from_int4(int4) IS
	'level from its number: 1, 2, 3 give L1, L2, L3 and 0 gives NC';
CREATE CAST (@extschema@.criminality_level AS int4)
	WITH FUNCTION @extschema@.criminality_level_to_int4(@extschema@.criminality_level);
CREATE CAST (int4 AS @extschema@.criminality_level)
	WITH FUNCTION @extschema@.criminality_level_from_int4(int4);

CREATE FUNCTION @extschema@.level_number(@extschema@.criminality_level) RETURNS int4
	AS 'MODULE_PATHNAME', 'criminality_level_number' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.level_number(@extschema@.criminality_level) IS
	'1, 2 or 3 for levels L1, L2 and L3; NULL for NC (no criminal conviction)';
CREATE FUNCTION @extschema@.is_criminal(@extschema@.criminality_level) RETURNS bool
	AS 'MODULE_PATHNAME', 'criminality_level_is_criminal' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.is_criminal(@extschema@.criminality_level) IS
	'true for L1, L2 and L3 (a criminal conviction), false for NC';
CREATE FUNCTION @extschema@.label(@extschema@.criminality_level) RETURNS text
	AS 'MODULE_PATHNAME', 'criminality_level_label' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.label(@extschema@.criminality_level) IS
	'readable description of a criminality level (ICE''s definition)';

-- most and least severe level of a group
CREATE FUNCTION @extschema@.criminality_level_larger(@extschema@.criminality_level, @extschema@.criminality_level)
	RETURNS @extschema@.criminality_level
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.criminality_level_larger(@extschema@.criminality_level, @extschema@.criminality_level) IS
	'the more severe of two levels';
CREATE FUNCTION @extschema@.criminality_level_smaller(@extschema@.criminality_level, @extschema@.criminality_level)
	RETURNS @extschema@.criminality_level
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.criminality_level_smaller(@extschema@.criminality_level, @extschema@.criminality_level) IS
	'the less severe of two levels';
CREATE AGGREGATE @extschema@.max(@extschema@.criminality_level) (
	SFUNC = @extschema@.criminality_level_larger,
	STYPE = @extschema@.criminality_level,
	COMBINEFUNC = @extschema@.criminality_level_larger,
	SORTOP = OPERATOR(@extschema@.>),
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.max(@extschema@.criminality_level) IS 'the most severe level of a group';
CREATE AGGREGATE @extschema@.min(@extschema@.criminality_level) (
	SFUNC = @extschema@.criminality_level_smaller,
	STYPE = @extschema@.criminality_level,
	COMBINEFUNC = @extschema@.criminality_level_smaller,
	SORTOP = OPERATOR(@extschema@.<),
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.min(@extschema@.criminality_level) IS 'the least severe level of a group';
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

CREATE FUNCTION @extschema@.activation_cohort_from_date(date) RETURNS @extschema@.activation_cohort
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.activation_cohort_from_date(date) IS
	'the cohort of localities activated on that date';
CREATE CAST (date AS @extschema@.activation_cohort)
	WITH FUNCTION @extschema@.activation_cohort_from_date(date);

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
-- level_tally: the storable state of level_counts; level_counts: counts and shares by level

CREATE TYPE @extschema@.level_tally;

CREATE FUNCTION @extschema@.level_tally_in(cstring) RETURNS @extschema@.level_tally
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.level_tally_out(@extschema@.level_tally) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.level_tally_recv(internal) RETURNS @extschema@.level_tally
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.level_tally_send(@extschema@.level_tally) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.level_tally (
	INPUT = @extschema@.level_tally_in,
	OUTPUT = @extschema@.level_tally_out,
	RECEIVE = @extschema@.level_tally_recv,
	SEND = @extschema@.level_tally_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = plain
);
COMMENT ON TYPE @extschema@.level_tally IS
	'counts of people by criminality level, e.g. {L1=12,L2=3,L3=40,NC=7}: the storable, mergeable state of level_counts';
COMMENT ON FUNCTION @extschema@.level_tally_in(cstring) IS 'level_tally text input';
COMMENT ON FUNCTION @extschema@.level_tally_out(@extschema@.level_tally) IS 'level_tally text output';
COMMENT ON FUNCTION @extschema@.level_tally_recv(internal) IS 'level_tally binary input';
COMMENT ON FUNCTION @extschema@.level_tally_send(@extschema@.level_tally) IS 'level_tally binary output';

CREATE TYPE @extschema@.level_counts_result AS (
	n bigint, n_l1 bigint, n_l2 bigint, n_l3 bigint, n_nc bigint,
	share_l1 float8, share_l2 float8, share_l3 float8, share_nc float8
);
COMMENT ON TYPE @extschema@.level_counts_result IS
	'counts and shares of each criminality level (shares are NULL when n = 0)';

CREATE FUNCTION @extschema@.level_tally_accum(@extschema@.level_tally, @extschema@.criminality_level)
	RETURNS @extschema@.level_tally
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.level_tally_accum(@extschema@.level_tally, @extschema@.criminality_level) IS
	'level_counts transition: count one level (NULL ignored)';
CREATE FUNCTION @extschema@.level_tally_retract(@extschema@.level_tally, @extschema@.criminality_level)
	RETURNS @extschema@.level_tally
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.level_tally_retract(@extschema@.level_tally, @extschema@.criminality_level) IS
	'level_counts inverse transition for moving window frames';
CREATE FUNCTION @extschema@.level_tally_merge(@extschema@.level_tally, @extschema@.level_tally)
	RETURNS @extschema@.level_tally
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.level_tally_merge(@extschema@.level_tally, @extschema@.level_tally) IS
	'sum of two level tallies (combine function; NULL is an empty tally)';
CREATE FUNCTION @extschema@.counts(@extschema@.level_tally) RETURNS @extschema@.level_counts_result
	AS 'MODULE_PATHNAME', 'level_tally_counts' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.counts(@extschema@.level_tally) IS
	'counts and shares of each criminality level in a stored tally';

CREATE AGGREGATE @extschema@.level_counts(@extschema@.criminality_level) (
	SFUNC = @extschema@.level_tally_accum,
	STYPE = @extschema@.level_tally,
	FINALFUNC = @extschema@.counts,
	COMBINEFUNC = @extschema@.level_tally_merge,
	MSFUNC = @extschema@.level_tally_accum,
	MINVFUNC = @extschema@.level_tally_retract,
	MSTYPE = @extschema@.level_tally,
	MFINALFUNC = @extschema@.counts,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.level_counts(@extschema@.criminality_level) IS
	'counts and shares of L1, L2, L3 and NC (NULLs ignored); parallel, and an exact moving-window aggregate';

CREATE AGGREGATE @extschema@.level_counts(@extschema@.level_tally) (
	SFUNC = @extschema@.level_tally_merge,
	STYPE = @extschema@.level_tally,
	FINALFUNC = @extschema@.counts,
	COMBINEFUNC = @extschema@.level_tally_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.level_counts(@extschema@.level_tally) IS
	'counts and shares of each criminality level over stored tallies, merged';

CREATE AGGREGATE @extschema@.level_tally(@extschema@.criminality_level) (
	SFUNC = @extschema@.level_tally_accum,
	STYPE = @extschema@.level_tally,
	COMBINEFUNC = @extschema@.level_tally_merge,
	MSFUNC = @extschema@.level_tally_accum,
	MINVFUNC = @extschema@.level_tally_retract,
	MSTYPE = @extschema@.level_tally,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.level_tally(@extschema@.criminality_level) IS
	'the tally of criminality levels as a storable value, to keep per county and merge later';

CREATE AGGREGATE @extschema@.level_tally(@extschema@.level_tally) (
	SFUNC = @extschema@.level_tally_merge,
	STYPE = @extschema@.level_tally,
	COMBINEFUNC = @extschema@.level_tally_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.level_tally(@extschema@.level_tally) IS
	'merge stored level tallies into one';

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
	'prepost transition: count one value before (at < activation) or after (at >= activation); NULLs and never ignored';
CREATE FUNCTION @extschema@.prepost_accum_within(@extschema@.prepost_state, float8, date, @extschema@.activation_cohort, interval)
	RETURNS @extschema@.prepost_state
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.prepost_accum_within(@extschema@.prepost_state, float8, date, @extschema@.activation_cohort, interval) IS
	'windowed prepost transition: count one value when activation - within <= at < activation + within';
CREATE FUNCTION @extschema@.prepost_state_merge(@extschema@.prepost_state, @extschema@.prepost_state)
	RETURNS @extschema@.prepost_state
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.prepost_state_merge(@extschema@.prepost_state, @extschema@.prepost_state) IS
	'merge two prepost states (combine function, Chan''s formulas; NULL is an empty state; different windows are an error)';
CREATE FUNCTION @extschema@.prepost_result(@extschema@.prepost_state) RETURNS @extschema@.prepost_result
	AS 'MODULE_PATHNAME', 'prepost_state_result' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.prepost_result(@extschema@.prepost_state) IS
	'before/after statistics and Welch''s test of a stored prepost state (NULL is an empty state)';

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
	'window function: value minus the mean of the partition''s values before activation (NULL when none); one cohort per partition';
CREATE FUNCTION @extschema@.baseline_ratio(value float8, at date, cohort @extschema@.activation_cohort) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.baseline_ratio(float8, date, @extschema@.activation_cohort) IS
	'window function: value divided by the mean of the partition''s values before activation (NULL when none or 0); one cohort per partition';
-- did_panel: a panel for staggered difference-in-differences, collected by an
-- aggregate and stored; att_gt, att_aggregate, pretest, twfe and
-- twfe_event_study estimate from it.

CREATE TYPE @extschema@.did_panel;

CREATE FUNCTION @extschema@.did_panel_in(cstring) RETURNS @extschema@.did_panel
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.did_panel_out(@extschema@.did_panel) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.did_panel_recv(internal) RETURNS @extschema@.did_panel
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.did_panel_send(@extschema@.did_panel) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.did_panel (
	INPUT = @extschema@.did_panel_in,
	OUTPUT = @extschema@.did_panel_out,
	RECEIVE = @extschema@.did_panel_recv,
	SEND = @extschema@.did_panel_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.did_panel IS
	'the rows (unit, period, first treated period, outcome) of a panel, e.g. did_panel:1:1;7,2004,2006,1.5: the storable, mergeable state of the did_panel aggregate';
COMMENT ON FUNCTION @extschema@.did_panel_in(cstring) IS 'did_panel text input';
COMMENT ON FUNCTION @extschema@.did_panel_out(@extschema@.did_panel) IS 'did_panel text output';
COMMENT ON FUNCTION @extschema@.did_panel_recv(internal) IS 'did_panel binary input';
COMMENT ON FUNCTION @extschema@.did_panel_send(@extschema@.did_panel) IS 'did_panel binary output';

CREATE FUNCTION @extschema@.did_panel_accum(@extschema@.did_panel, bigint, int4, float8, int4)
	RETURNS @extschema@.did_panel
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.did_panel_accum(@extschema@.did_panel, bigint, int4, float8, int4) IS
	'did_panel transition: add a row (unit, period, outcome, first treated period or NULL for never)';
CREATE FUNCTION @extschema@.did_panel_accum(@extschema@.did_panel, bigint, date, float8,
	@extschema@.activation_cohort, text)
	RETURNS @extschema@.did_panel
	AS 'MODULE_PATHNAME', 'did_panel_accum_dated' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.did_panel_accum(@extschema@.did_panel, bigint, date, float8,
	@extschema@.activation_cohort, text) IS
	'did_panel transition: add a row dated by day, with periods numbered as period_of does';
CREATE FUNCTION @extschema@.did_panel_merge(@extschema@.did_panel, @extschema@.did_panel)
	RETURNS @extschema@.did_panel
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.did_panel_merge(@extschema@.did_panel, @extschema@.did_panel) IS
	'the rows of two panels together (combine function; NULL is an empty panel)';

CREATE AGGREGATE @extschema@.did_panel(unit bigint, period int4, outcome float8, first_period int4) (
	SFUNC = @extschema@.did_panel_accum,
	STYPE = @extschema@.did_panel,
	COMBINEFUNC = @extschema@.did_panel_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.did_panel(bigint, int4, float8, int4) IS
	'collect a panel: unit, period, outcome (NULL: not observed) and first treated period (NULL: never treated)';

CREATE AGGREGATE @extschema@.did_panel(unit bigint, at date, outcome float8,
	cohort @extschema@.activation_cohort, unit_of_time text) (
	SFUNC = @extschema@.did_panel_accum,
	STYPE = @extschema@.did_panel,
	COMBINEFUNC = @extschema@.did_panel_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.did_panel(bigint, date, float8, @extschema@.activation_cohort, text) IS
	'collect a panel from dated rows and activation cohorts; periods are numbered by period_of(at, unit_of_time)';

CREATE AGGREGATE @extschema@.did_panel(@extschema@.did_panel) (
	SFUNC = @extschema@.did_panel_merge,
	STYPE = @extschema@.did_panel,
	COMBINEFUNC = @extschema@.did_panel_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.did_panel(@extschema@.did_panel) IS
	'merge stored panels (e.g. one per state) into one';

CREATE FUNCTION @extschema@.rows(@extschema@.did_panel) RETURNS bigint
	AS 'MODULE_PATHNAME', 'did_panel_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rows(@extschema@.did_panel) IS 'number of rows in a panel';

CREATE FUNCTION @extschema@.att_gt(panel @extschema@.did_panel,
	control text DEFAULT 'notyettreated', base_period text DEFAULT 'varying',
	anticipation int4 DEFAULT 0, alpha float8 DEFAULT 0.05,
	bootstrap int4 DEFAULT 0, seed bigint DEFAULT 1, unbalanced text DEFAULT 'drop',
	OUT cohort int4, OUT period int4, OUT event_time int4, OUT att float8, OUT se float8,
	OUT ci_low float8, OUT ci_high float8, OUT n_treated int4, OUT n_control int4)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'scomm_att_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.att_gt(@extschema@.did_panel, text, text, int4, float8, int4, bigint, text) IS
	'Callaway & Sant''Anna group-time average treatment effects ATT(g,t) with influence-function standard errors clustered by unit (or multiplier-bootstrap SEs and simultaneous bands when bootstrap > 0)';

CREATE FUNCTION @extschema@.att_aggregate(panel @extschema@.did_panel, kind text DEFAULT 'simple',
	control text DEFAULT 'notyettreated', base_period text DEFAULT 'varying',
	anticipation int4 DEFAULT 0, alpha float8 DEFAULT 0.05,
	bootstrap int4 DEFAULT 0, seed bigint DEFAULT 1, unbalanced text DEFAULT 'drop',
	OUT kind text, OUT label int4, OUT estimate float8, OUT se float8,
	OUT ci_low float8, OUT ci_high float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'scomm_att_aggregate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION @extschema@.att_aggregate(@extschema@.did_panel, text, text, text, int4, float8, int4, bigint, text) IS
	'aggregated group-time effects: simple, dynamic (event study: label = event time), group (label = cohort) or calendar (label = period); the overall row has label NULL';

CREATE FUNCTION @extschema@.pretest(panel @extschema@.did_panel,
	control text DEFAULT 'notyettreated', base_period text DEFAULT 'varying',
	anticipation int4 DEFAULT 0, leads int4 DEFAULT NULL, unbalanced text DEFAULT 'drop',
	OUT statistic float8, OUT df int4, OUT p_value float8)
	RETURNS record
	AS 'MODULE_PATHNAME', 'scomm_pretest' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pretest(@extschema@.did_panel, text, text, int4, int4, text) IS
	'Wald test that every pre-treatment ATT(g,t) is zero (parallel trends), optionally only the cells up to leads periods before treatment';

CREATE FUNCTION @extschema@.twfe(panel @extschema@.did_panel, alpha float8 DEFAULT 0.05,
	unbalanced text DEFAULT 'drop',
	OUT estimate float8, OUT se float8, OUT ci_low float8, OUT ci_high float8,
	OUT t float8, OUT p_value float8, OUT n_obs int4, OUT n_clusters int4)
	RETURNS record
	AS 'MODULE_PATHNAME', 'scomm_twfe' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.twfe(@extschema@.did_panel, float8, text) IS
	'two-way fixed-effects regression y ~ treated | unit + period, CR1 standard error clustered by unit, t test with clusters - 1 degrees of freedom';

CREATE FUNCTION @extschema@.twfe_event_study(panel @extschema@.did_panel, leads int4, lags int4,
	alpha float8 DEFAULT 0.05, unbalanced text DEFAULT 'drop',
	OUT event_time int4, OUT estimate float8, OUT se float8, OUT ci_low float8, OUT ci_high float8,
	OUT p_value float8, OUT binned bool)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'scomm_twfe_event_study' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION @extschema@.twfe_event_study(@extschema@.did_panel, int4, int4, float8, text) IS
	'two-way fixed-effects event study: relative-period indicators from -leads to lags (end points binned, -1 the reference with estimate 0), unit and period fixed effects, CR1 SEs clustered by unit';

-- Latent class analysis: response_patterns (the storable pattern table and its aggregates),
-- lca_model, lca, lca_fit, lca_classes, lca_items, lca_select, lca_classify, lca_posterior

CREATE TYPE @extschema@.response_patterns;

CREATE FUNCTION @extschema@.response_patterns_in(cstring) RETURNS @extschema@.response_patterns
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.response_patterns_out(@extschema@.response_patterns) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.response_patterns_recv(internal) RETURNS @extschema@.response_patterns
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.response_patterns_send(@extschema@.response_patterns) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.response_patterns (
	INPUT = @extschema@.response_patterns_in,
	OUTPUT = @extschema@.response_patterns_out,
	RECEIVE = @extschema@.response_patterns_recv,
	SEND = @extschema@.response_patterns_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.response_patterns IS
	'distinct response patterns of J items with their counts, e.g. {J=3;0,2,1:3;1,2,1:40} (0 = missing): the sufficient statistic of a latent class model; storable and mergeable';
COMMENT ON FUNCTION @extschema@.response_patterns_in(cstring) IS 'response_patterns text input';
COMMENT ON FUNCTION @extschema@.response_patterns_out(@extschema@.response_patterns) IS 'response_patterns text output (canonical: patterns in ascending order, shortest exact counts)';
COMMENT ON FUNCTION @extschema@.response_patterns_recv(internal) IS 'response_patterns binary input';
COMMENT ON FUNCTION @extschema@.response_patterns_send(@extschema@.response_patterns) IS 'response_patterns binary output';

CREATE FUNCTION @extschema@.response_patterns_accum(@extschema@.response_patterns, int4[])
	RETURNS @extschema@.response_patterns
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.response_patterns_accum(@extschema@.response_patterns, int4[]) IS
	'response_patterns transition: count one row of answers (categories 1..255, NULL element = missing; a NULL array is ignored)';
CREATE FUNCTION @extschema@.response_patterns_merge(@extschema@.response_patterns, @extschema@.response_patterns)
	RETURNS @extschema@.response_patterns
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.response_patterns_merge(@extschema@.response_patterns, @extschema@.response_patterns) IS
	'the patterns of both tables with their counts added (combine function; NULL is no table); both must have the same number of items';

CREATE AGGREGATE @extschema@.response_patterns(items int4[]) (
	SFUNC = @extschema@.response_patterns_accum,
	STYPE = @extschema@.response_patterns,
	COMBINEFUNC = @extschema@.response_patterns_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.response_patterns(int4[]) IS
	'the table of distinct response patterns and their counts, for lca(); every row has the same number of items, categories 1..255, NULL = missing answer';

CREATE AGGREGATE @extschema@.response_patterns(@extschema@.response_patterns) (
	SFUNC = @extschema@.response_patterns_merge,
	STYPE = @extschema@.response_patterns,
	COMBINEFUNC = @extschema@.response_patterns_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.response_patterns(@extschema@.response_patterns) IS
	'merge stored response pattern tables into one';

CREATE FUNCTION @extschema@.pattern_counts(patterns @extschema@.response_patterns)
	RETURNS TABLE (pattern int4[], count float8)
	AS 'MODULE_PATHNAME', 'response_patterns_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pattern_counts(@extschema@.response_patterns) IS
	'each distinct response pattern (NULL = missing answer) with its count, in ascending order';

CREATE FUNCTION @extschema@.pattern_size(patterns @extschema@.response_patterns,
	OUT items int4, OUT distinct_patterns bigint, OUT rows float8)
	AS 'MODULE_PATHNAME', 'response_patterns_size' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pattern_size(@extschema@.response_patterns) IS
	'number of items, of distinct patterns, and of rows (the sum of the counts) of a response pattern table';

CREATE TYPE @extschema@.lca_model;

CREATE FUNCTION @extschema@.lca_model_in(cstring) RETURNS @extschema@.lca_model
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.lca_model_out(@extschema@.lca_model) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.lca_model_recv(internal) RETURNS @extschema@.lca_model
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.lca_model_send(@extschema@.lca_model) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.lca_model (
	INPUT = @extschema@.lca_model_in,
	OUTPUT = @extschema@.lca_model_out,
	RECEIVE = @extschema@.lca_model_recv,
	SEND = @extschema@.lca_model_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.lca_model IS
	'a fitted latent class model: class shares, response probabilities, fit statistics and how it was fitted; written by lca()';
COMMENT ON FUNCTION @extschema@.lca_model_in(cstring) IS 'lca_model text input';
COMMENT ON FUNCTION @extschema@.lca_model_out(@extschema@.lca_model) IS 'lca_model text output (exact: doubles in shortest round-trip form)';
COMMENT ON FUNCTION @extschema@.lca_model_recv(internal) IS 'lca_model binary input';
COMMENT ON FUNCTION @extschema@.lca_model_send(@extschema@.lca_model) IS 'lca_model binary output';

CREATE TYPE @extschema@.lca_fit_result AS (
	classes int4, n float8, n_dropped float8, npar int4,
	loglik float8, aic float8, bic float8, sabic float8, gsq float8, chisq float8, resid_df float8,
	entropy float8, iterations int4, converged bool, starts int4, starts_at_best int4
);
COMMENT ON TYPE @extschema@.lca_fit_result IS
	'fit of a latent class model: rows used and dropped (no observed item), parameters, log-likelihood, AIC, BIC, sample-size adjusted BIC, G2 and X2 over the complete patterns, residual df, relative entropy, EM iterations and convergence of the best start, starts run and starts that reached the best log-likelihood';

CREATE FUNCTION @extschema@.lca(patterns @extschema@.response_patterns, classes int4,
	starts int4 DEFAULT 20, seed bigint DEFAULT 1, max_iter int4 DEFAULT 5000, tolerance float8 DEFAULT 1e-10)
	RETURNS @extschema@.lca_model
	AS 'MODULE_PATHNAME', 'lca_fit_model' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 100000;
COMMENT ON FUNCTION @extschema@.lca(@extschema@.response_patterns, int4, int4, bigint, int4, float8) IS
	'fit a latent class model with the given number of classes by EM from "starts" random starting points (seeded), keeping the best log-likelihood; classes are numbered by share, largest first';

CREATE FUNCTION @extschema@.lca_fit(model @extschema@.lca_model) RETURNS @extschema@.lca_fit_result
	AS 'MODULE_PATHNAME', 'lca_fit_stats' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lca_fit(@extschema@.lca_model) IS
	'fit statistics of a latent class model';

CREATE FUNCTION @extschema@.lca_classes(model @extschema@.lca_model)
	RETURNS TABLE (class int4, share float8, modal_share float8, avepp float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 5;
COMMENT ON FUNCTION @extschema@.lca_classes(@extschema@.lca_model) IS
	'each class''s estimated share, the share of rows whose most likely class it is, and their average posterior probability of it';

CREATE FUNCTION @extschema@.lca_items(model @extschema@.lca_model)
	RETURNS TABLE (class int4, item int4, category int4, probability float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 50;
COMMENT ON FUNCTION @extschema@.lca_items(@extschema@.lca_model) IS
	'the probability of each answer category of each item within each class';

CREATE FUNCTION @extschema@.lca_select(patterns @extschema@.response_patterns, max_classes int4,
	starts int4 DEFAULT 20, seed bigint DEFAULT 1, max_iter int4 DEFAULT 5000, tolerance float8 DEFAULT 1e-10)
	RETURNS SETOF @extschema@.lca_fit_result
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 5 COST 500000;
COMMENT ON FUNCTION @extschema@.lca_select(@extschema@.response_patterns, int4, int4, bigint, int4, float8) IS
	'the fit statistics of models with 1 to max_classes classes from one pattern table, to choose the number of classes';

CREATE FUNCTION @extschema@.lca_classify(model @extschema@.lca_model, items int4[]) RETURNS int4
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lca_classify(@extschema@.lca_model, int4[]) IS
	'the most likely class of a row of answers (NULL element = missing)';

CREATE FUNCTION @extschema@.lca_posterior(model @extschema@.lca_model, items int4[]) RETURNS float8[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lca_posterior(@extschema@.lca_model, int4[]) IS
	'the posterior probability of each class for a row of answers (NULL element = missing)';
-- trajectory_panel: the storable, mergeable panel of a trajectory fit; trajectory_groups: group-based
-- trajectory models (Nagin) by EM; trajectory_model and its accessors

CREATE TYPE @extschema@.trajectory_panel;

CREATE FUNCTION @extschema@.trajectory_panel_in(cstring) RETURNS @extschema@.trajectory_panel
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.trajectory_panel_out(@extschema@.trajectory_panel) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.trajectory_panel_recv(internal) RETURNS @extschema@.trajectory_panel
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.trajectory_panel_send(@extschema@.trajectory_panel) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.trajectory_panel (
	INPUT = @extschema@.trajectory_panel_in,
	OUTPUT = @extschema@.trajectory_panel_out,
	RECEIVE = @extschema@.trajectory_panel_recv,
	SEND = @extschema@.trajectory_panel_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.trajectory_panel IS
	'observations (unit, t, y, exposure) of a trajectory fit, e.g. {n=2;1,2006,0,1;1,2007,3,1}: the storable, mergeable value of the trajectory_panel aggregate (text form in canonical order, exact round trip)';
COMMENT ON FUNCTION @extschema@.trajectory_panel_in(cstring) IS 'trajectory_panel text input';
COMMENT ON FUNCTION @extschema@.trajectory_panel_out(@extschema@.trajectory_panel) IS 'trajectory_panel text output (canonical order; doubles in shortest round-trip form)';
COMMENT ON FUNCTION @extschema@.trajectory_panel_recv(internal) IS 'trajectory_panel binary input';
COMMENT ON FUNCTION @extschema@.trajectory_panel_send(@extschema@.trajectory_panel) IS 'trajectory_panel binary output';

CREATE FUNCTION @extschema@.trajectory_panel_accum(@extschema@.trajectory_panel, bigint, float8, float8, float8)
	RETURNS @extschema@.trajectory_panel
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.trajectory_panel_accum(@extschema@.trajectory_panel, bigint, float8, float8, float8) IS
	'trajectory_panel transition: add one observation (unit, t, y, exposure); y NULL is skipped, exposure NULL is 1';
CREATE FUNCTION @extschema@.trajectory_panel_accum(@extschema@.trajectory_panel, bigint, float8, float8)
	RETURNS @extschema@.trajectory_panel
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.trajectory_panel_accum(@extschema@.trajectory_panel, bigint, float8, float8) IS
	'trajectory_panel transition: add one observation (unit, t, y) with exposure 1; y NULL is skipped';
CREATE FUNCTION @extschema@.trajectory_panel_merge(@extschema@.trajectory_panel, @extschema@.trajectory_panel)
	RETURNS @extschema@.trajectory_panel
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.trajectory_panel_merge(@extschema@.trajectory_panel, @extschema@.trajectory_panel) IS
	'the observations of two panels (combine function; NULL is an empty panel)';

CREATE AGGREGATE @extschema@.trajectory_panel(unit bigint, t float8, y float8, exposure float8) (
	SFUNC = @extschema@.trajectory_panel_accum,
	STYPE = @extschema@.trajectory_panel,
	COMBINEFUNC = @extschema@.trajectory_panel_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.trajectory_panel(bigint, float8, float8, float8) IS
	'collect a panel for trajectory_groups: one row per unit and time; y NULL is skipped, exposure NULL is 1 (counts with a population exposure give rates)';

CREATE AGGREGATE @extschema@.trajectory_panel(unit bigint, t float8, y float8) (
	SFUNC = @extschema@.trajectory_panel_accum,
	STYPE = @extschema@.trajectory_panel,
	COMBINEFUNC = @extschema@.trajectory_panel_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.trajectory_panel(bigint, float8, float8) IS
	'collect a panel for trajectory_groups with exposure 1 (y NULL is skipped)';

CREATE AGGREGATE @extschema@.trajectory_panel(@extschema@.trajectory_panel) (
	SFUNC = @extschema@.trajectory_panel_merge,
	STYPE = @extschema@.trajectory_panel,
	COMBINEFUNC = @extschema@.trajectory_panel_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.trajectory_panel(@extschema@.trajectory_panel) IS
	'merge stored panels into one';

CREATE TYPE @extschema@.trajectory_model;

CREATE FUNCTION @extschema@.trajectory_model_in(cstring) RETURNS @extschema@.trajectory_model
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.trajectory_model_out(@extschema@.trajectory_model) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.trajectory_model_recv(internal) RETURNS @extschema@.trajectory_model
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.trajectory_model_send(@extschema@.trajectory_model) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.trajectory_model (
	INPUT = @extschema@.trajectory_model_in,
	OUTPUT = @extschema@.trajectory_model_out,
	RECEIVE = @extschema@.trajectory_model_recv,
	SEND = @extschema@.trajectory_model_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.trajectory_model IS
	'a fitted group-based trajectory model (family, groups, coefficients and their covariance, shares, classification, fit statistics), from trajectory_groups; text form {traj=1;family=...;seed=...}';
COMMENT ON FUNCTION @extschema@.trajectory_model_in(cstring) IS 'trajectory_model text input (validated)';
COMMENT ON FUNCTION @extschema@.trajectory_model_out(@extschema@.trajectory_model) IS 'trajectory_model text output (exact)';
COMMENT ON FUNCTION @extschema@.trajectory_model_recv(internal) IS 'trajectory_model binary input (validated)';
COMMENT ON FUNCTION @extschema@.trajectory_model_send(@extschema@.trajectory_model) IS 'trajectory_model binary output';

CREATE FUNCTION @extschema@.trajectory_groups(panel @extschema@.trajectory_panel, groups int, degree int DEFAULT 2,
		family text DEFAULT 'poisson', starts int DEFAULT 20, seed bigint DEFAULT 1,
		lower float8 DEFAULT NULL, upper float8 DEFAULT NULL)
	RETURNS @extschema@.trajectory_model
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.trajectory_groups(@extschema@.trajectory_panel, int, int, text, int, bigint, float8, float8) IS
	'fit a finite mixture of groups with polynomial trajectories in t (family poisson, zip or cnorm; lower/upper: cnorm censoring bounds, default min(y) - 1 and max(y) + 1 as trajeR) by EM from seeded random starts; groups numbered by share, largest first';

CREATE FUNCTION @extschema@.trajectory_fit(model @extschema@.trajectory_model,
		OUT loglik float8, OUT npar int, OUT bic float8, OUT aic float8,
		OUT iterations int, OUT converged boolean, OUT starts_at_best int)
	RETURNS record
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.trajectory_fit(@extschema@.trajectory_model) IS
	'fit statistics: log-likelihood with all constants, parameters, BIC = loglik - npar/2 ln(units) and AIC = loglik - npar (Nagin''s convention, larger is better), iterations and convergence of the best start, starts that reached the best log-likelihood';

CREATE FUNCTION @extschema@.trajectory_shares(model @extschema@.trajectory_model)
	RETURNS TABLE (group_id int, share float8, avepp float8, occ float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 5;
COMMENT ON FUNCTION @extschema@.trajectory_shares(@extschema@.trajectory_model) IS
	'per group: estimated share, average posterior probability of the units assigned to it, odds of correct classification (NULL when undefined)';

CREATE FUNCTION @extschema@.trajectory_coefficients(model @extschema@.trajectory_model)
	RETURNS TABLE (group_id int, term text, estimate float8, se float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION @extschema@.trajectory_coefficients(@extschema@.trajectory_model) IS
	'per group: the polynomial''s coefficients in powers of t (log scale for poisson and zip), then sigma (cnorm) or zero_prob (zip), with standard errors from the observed information';

CREATE FUNCTION @extschema@.trajectory_curves(model @extschema@.trajectory_model)
	RETURNS TABLE (group_id int, t float8, expected float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 50;
COMMENT ON FUNCTION @extschema@.trajectory_curves(@extschema@.trajectory_model) IS
	'per group and distinct time of the panel: the expected y per unit of exposure';

CREATE FUNCTION @extschema@.trajectory_membership(model @extschema@.trajectory_model, panel @extschema@.trajectory_panel)
	RETURNS TABLE (unit bigint, group_id int, posterior float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.trajectory_membership(@extschema@.trajectory_model, @extschema@.trajectory_panel) IS
	'per unit of the panel: the group of highest posterior probability under the model and that probability';
-- counties on the map: the county of a point, queen contiguity, Moran's I
--
-- county_of and contiguity read polygons from a table or view with columns
-- fips (the key, as text) and geom (polygons): the one given as the last
-- argument, or else scomm_data.county, which scripts/load creates.  It is
-- looked up by name when a query first calls the function, so it need not
-- exist when the extension is created.

CREATE FUNCTION @extschema@.county_of(lon float8, lat float8) RETURNS text
	AS 'MODULE_PATHNAME', 'scomm_county_of_lonlat' LANGUAGE C STABLE STRICT PARALLEL SAFE COST 10;
COMMENT ON FUNCTION @extschema@.county_of(float8, float8) IS
	'FIPS code of the county of scomm_data.county that contains the point (longitude, latitude in degrees, WGS 84); a point on a border belongs to the lowest FIPS code of the counties that meet there; NULL outside every county. The first call of a query reads the counties into a grid index.';

CREATE FUNCTION @extschema@.county_of(lon float8, lat float8, counties regclass) RETURNS text
	AS 'MODULE_PATHNAME', 'scomm_county_of_lonlat' LANGUAGE C STABLE STRICT PARALLEL SAFE COST 10;
COMMENT ON FUNCTION @extschema@.county_of(float8, float8, regclass) IS
	'fips of the row of "counties" (a table or view with columns fips and geom, polygons in SRID 4326) that contains the point (longitude, latitude); the lowest fips on a border; NULL outside every polygon.';

CREATE FUNCTION @extschema@.county_of(point geometry) RETURNS text
	AS 'MODULE_PATHNAME', 'scomm_county_of_geom' LANGUAGE C STABLE STRICT PARALLEL SAFE COST 10;
COMMENT ON FUNCTION @extschema@.county_of(geometry) IS
	'FIPS code of the county of scomm_data.county that contains the point geometry (SRID 4326 or none); the lowest FIPS code on a border; NULL outside every county or for POINT EMPTY.';

CREATE FUNCTION @extschema@.county_of(point geometry, counties regclass) RETURNS text
	AS 'MODULE_PATHNAME', 'scomm_county_of_geom' LANGUAGE C STABLE STRICT PARALLEL SAFE COST 10;
COMMENT ON FUNCTION @extschema@.county_of(geometry, regclass) IS
	'fips of the row of "counties" (columns fips and geom) that contains the point geometry (in the same SRID); the lowest fips on a border; NULL outside every polygon.';

CREATE FUNCTION @extschema@.contiguity()
	RETURNS TABLE (fips text, neighbor text, shares_edge bool)
	AS 'MODULE_PATHNAME', 'scomm_contiguity' LANGUAGE C STABLE PARALLEL SAFE ROWS 20000;
COMMENT ON FUNCTION @extschema@.contiguity() IS
	'Queen contiguity of scomm_data.county: every pair of counties whose boundaries touch, in both directions, ordered by fips and neighbor; shares_edge is true for a common stretch of border (rook neighbours), false when they meet only at points.';

CREATE FUNCTION @extschema@.contiguity(counties regclass)
	RETURNS TABLE (fips text, neighbor text, shares_edge bool)
	AS 'MODULE_PATHNAME', 'scomm_contiguity' LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 20000;
COMMENT ON FUNCTION @extschema@.contiguity(regclass) IS
	'Queen contiguity of the polygons of "counties" (a table or view with columns fips and geom): every pair of fips whose boundaries touch, in both directions; shares_edge as for contiguity().';

CREATE FUNCTION @extschema@.morans_i(
	units text[], x float8[], neighbor_of text[], neighbor text[],
	permutations int4 DEFAULT 999, seed bigint DEFAULT 1, weights text DEFAULT 'row',
	OUT n int4, OUT pairs bigint, OUT islands int4, OUT i float8, OUT expected float8,
	OUT variance float8, OUT z float8, OUT p_normal float8, OUT p_permutation float8,
	OUT mean_permuted float8, OUT sd_permuted float8)
	AS 'MODULE_PATHNAME', 'scomm_morans_i' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.morans_i(text[], float8[], text[], text[], int4, bigint, text) IS
	'Global Moran''s I of x over the units, with the neighbour pairs (neighbor_of[k], neighbor[k]) (as contiguity() returns them; pairs naming other units are ignored), row-standardised or binary weights: the statistic, its expectation -1/(n-1), variance under randomization, z and two-sided normal p-value, and a pseudo p-value from "permutations" random permutations (deterministic for a seed).';

CREATE FUNCTION @extschema@.local_morans_i(
	units text[], x float8[], neighbor_of text[], neighbor text[],
	permutations int4 DEFAULT 999, seed bigint DEFAULT 1, weights text DEFAULT 'row')
	RETURNS TABLE (id text, value float8, lag float8, i float8, p_value float8, quadrant text, neighbors int4)
	AS 'MODULE_PATHNAME', 'scomm_local_morans_i' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 3000;
COMMENT ON FUNCTION @extschema@.local_morans_i(text[], float8[], text[], text[], int4, bigint, text) IS
	'Local Moran''s I (LISA) of each unit: the spatial lag of the value (weighted sum of the neighbours'' x), the local statistic, a pseudo p-value from a conditional permutation test (the unit''s own stream of the seed), and the quadrant high-high, low-low, high-low or low-high (NULL without neighbours).';
-- calibrated simulators for what is not public (removals by level, county crime panels)
-- and for tests of the estimators (a generic staggered panel)

CREATE FUNCTION @extschema@.simulate_removals(
	fips text[], cohort @extschema@.activation_cohort[], noncitizens float8[],
	seed bigint DEFAULT 1, through date DEFAULT '2011-03-31', total float8 DEFAULT 100000)
	RETURNS TABLE (fips text, month date, level @extschema@.criminality_level, removals int4, true_class int4)
	AS 'MODULE_PATHNAME', 'scomm_simulate_removals' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 200000;
COMMENT ON FUNCTION @extschema@.simulate_removals(text[], @extschema@.activation_cohort[], float8[], bigint, date, float8) IS
	'SIMULATED removals through Secure Communities by county, month (from 2008-10 through "through") and criminality level, from each county''s activation on; calibrated so that October 2008 to March 2011 has "total" removals in expectation with national shares L1 28%, L2 11%, L3 32%, NC 29%; true_class is the county''s latent class (1 active, 2 moderate, 3 limited). Deterministic for a seed.';

CREATE FUNCTION @extschema@.simulate_crime(
	fips text[], cohort @extschema@.activation_cohort[], population float8[],
	seed bigint DEFAULT 1, effect float8 DEFAULT 0, first_year int4 DEFAULT 2006, last_year int4 DEFAULT 2016)
	RETURNS TABLE (fips text, year int4, offense text, count bigint, expected float8, treated bool, true_effect float8)
	AS 'MODULE_PATHNAME', 'scomm_simulate_crime' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 300000;
COMMENT ON FUNCTION @extschema@.simulate_crime(text[], @extschema@.activation_cohort[], float8[], bigint, float8, int4, int4) IS
	'SIMULATED county crime panel: yearly counts of the eight FBI offences 2006-2016 following the national FBI trend, with county effects and negative binomial noise; counts rise by the proportion "effect" (default 0) from the activation year on; true_effect returns it. Deterministic for a seed.';

CREATE FUNCTION @extschema@.simulate_panel(
	units int4, periods int4, seed bigint DEFAULT 1, cohorts int4 DEFAULT 5, never_share float8 DEFAULT 0.2,
	effect float8 DEFAULT 1, effect_growth float8 DEFAULT 0, noise float8 DEFAULT 1)
	RETURNS TABLE (unit bigint, period int4, first_period int4, outcome float8, true_att float8)
	AS 'MODULE_PATHNAME', 'scomm_simulate_panel' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 100000;
COMMENT ON FUNCTION @extschema@.simulate_panel(int4, int4, bigint, int4, float8, float8, float8, float8) IS
	'SIMULATED staggered-adoption panel with a known effect: outcome = unit effect + period effect + true_att + noise, true_att = effect + effect_growth * (period - first_period) once treated; first_period NULL = never treated. Deterministic for a seed.';
