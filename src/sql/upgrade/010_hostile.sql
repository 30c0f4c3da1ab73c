
-- hostile input (issue 18): functions that read a named table are not
-- PARALLEL SAFE (a parallel worker cannot read the leader's temporary tables)
ALTER FUNCTION @extschema@.county_of(float8, float8) PARALLEL RESTRICTED;
ALTER FUNCTION @extschema@.county_of(float8, float8, regclass) PARALLEL RESTRICTED;
ALTER FUNCTION @extschema@.county_of(geometry) PARALLEL RESTRICTED;
ALTER FUNCTION @extschema@.county_of(geometry, regclass) PARALLEL RESTRICTED;
ALTER FUNCTION @extschema@.contiguity() PARALLEL RESTRICTED;
ALTER FUNCTION @extschema@.contiguity(regclass) PARALLEL RESTRICTED;
