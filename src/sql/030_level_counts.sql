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
	'level_counts transition: count one level; not STRICT: a NULL level is skipped and a NULL state starts a new tally';
CREATE FUNCTION @extschema@.level_tally_retract(@extschema@.level_tally, @extschema@.criminality_level)
	RETURNS @extschema@.level_tally
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.level_tally_retract(@extschema@.level_tally, @extschema@.criminality_level) IS
	'level_counts inverse transition for moving window frames; not STRICT: a NULL level is skipped, as the transition skips it';
CREATE FUNCTION @extschema@.level_tally_merge(@extschema@.level_tally, @extschema@.level_tally)
	RETURNS @extschema@.level_tally
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.level_tally_merge(@extschema@.level_tally, @extschema@.level_tally) IS
	'sum of two level tallies (combine function); not STRICT: a NULL tally is an empty one';
CREATE FUNCTION @extschema@.counts(@extschema@.level_tally) RETURNS @extschema@.level_counts_result
	AS 'MODULE_PATHNAME', 'level_tally_counts' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.counts(@extschema@.level_tally) IS
	'counts and shares of each criminality level in a stored tally; not STRICT: a NULL tally is an empty one (n = 0)';

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
