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

COMMENT ON OPERATOR @extschema@.< (@extschema@.criminality_level, @extschema@.criminality_level) IS
	'less severe than (NC < L3 < L2 < L1)';
COMMENT ON OPERATOR @extschema@.<= (@extschema@.criminality_level, @extschema@.criminality_level) IS
	'less severe than or as severe as (NC < L3 < L2 < L1)';
COMMENT ON OPERATOR @extschema@.= (@extschema@.criminality_level, @extschema@.criminality_level) IS
	'the same criminality level';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.criminality_level, @extschema@.criminality_level) IS
	'different criminality levels';
COMMENT ON OPERATOR @extschema@.>= (@extschema@.criminality_level, @extschema@.criminality_level) IS
	'more severe than or as severe as (L1 > L2 > L3 > NC)';
COMMENT ON OPERATOR @extschema@.> (@extschema@.criminality_level, @extschema@.criminality_level) IS
	'more severe than (L1 > L2 > L3 > NC)';

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
COMMENT ON OPERATOR CLASS @extschema@.criminality_level_ops USING btree IS
	'default btree class: criminality levels by severity';
COMMENT ON OPERATOR FAMILY @extschema@.criminality_level_ops USING btree IS
	'btree family of criminality_level';
COMMENT ON OPERATOR CLASS @extschema@.criminality_level_hash_ops USING hash IS
	'default hash class of criminality_level (with the 64-bit extended hash)';
COMMENT ON OPERATOR FAMILY @extschema@.criminality_level_hash_ops USING hash IS
	'hash family of criminality_level';

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
COMMENT ON CAST (@extschema@.criminality_level AS int4) IS
	'explicit: 1, 2, 3 for L1, L2, L3 and 0 for NC';
COMMENT ON CAST (int4 AS @extschema@.criminality_level) IS
	'explicit: 1, 2, 3 give L1, L2, L3 and 0 gives NC; other integers are an error (22003)';

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
