-- counties on the map: the county of a point, queen contiguity, Moran's I
--
-- county_of and contiguity read polygons from a table or view with columns
-- fips (the key, as text) and geom (polygons): the one given as the last
-- argument, or else scomm_data.county, which scripts/load creates.  It is
-- looked up by name when a query first calls the function, so it need not
-- exist when the extension is created.

CREATE FUNCTION @extschema@.county_of(lon float8, lat float8) RETURNS text
	AS 'MODULE_PATHNAME', 'scomm_county_of_lonlat' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED COST 10;
COMMENT ON FUNCTION @extschema@.county_of(float8, float8) IS
	'FIPS code of the county of scomm_data.county that contains the point (longitude, latitude in degrees, WGS 84); a point on a border belongs to the lowest FIPS code of the counties that meet there; NULL outside every county. The first call of a query reads the counties into a grid index.';

CREATE FUNCTION @extschema@.county_of(lon float8, lat float8, counties regclass) RETURNS text
	AS 'MODULE_PATHNAME', 'scomm_county_of_lonlat' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED COST 10;
COMMENT ON FUNCTION @extschema@.county_of(float8, float8, regclass) IS
	'fips of the row of "counties" (a table or view with columns fips and geom, polygons in SRID 4326) that contains the point (longitude, latitude); the lowest fips on a border; NULL outside every polygon.';

CREATE FUNCTION @extschema@.county_of(point geometry) RETURNS text
	AS 'MODULE_PATHNAME', 'scomm_county_of_geom' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED COST 10;
COMMENT ON FUNCTION @extschema@.county_of(geometry) IS
	'FIPS code of the county of scomm_data.county that contains the point geometry (SRID 4326 or none); the lowest FIPS code on a border; NULL outside every county or for POINT EMPTY.';

CREATE FUNCTION @extschema@.county_of(point geometry, counties regclass) RETURNS text
	AS 'MODULE_PATHNAME', 'scomm_county_of_geom' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED COST 10;
COMMENT ON FUNCTION @extschema@.county_of(geometry, regclass) IS
	'fips of the row of "counties" (columns fips and geom) that contains the point geometry (in the same SRID); the lowest fips on a border; NULL outside every polygon.';

CREATE FUNCTION @extschema@.contiguity()
	RETURNS TABLE (fips text, neighbor text, shares_edge bool)
	AS 'MODULE_PATHNAME', 'scomm_contiguity' LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 20000;
COMMENT ON FUNCTION @extschema@.contiguity() IS
	'Queen contiguity of scomm_data.county: every pair of counties whose boundaries touch, in both directions, ordered by fips and neighbor; shares_edge is true for a common stretch of border (rook neighbours), false when they meet only at points.';

CREATE FUNCTION @extschema@.contiguity(counties regclass)
	RETURNS TABLE (fips text, neighbor text, shares_edge bool)
	AS 'MODULE_PATHNAME', 'scomm_contiguity' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED ROWS 20000;
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
