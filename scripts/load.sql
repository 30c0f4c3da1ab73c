-- scripts/load.sql: load the real public data into schema scomm_data.
--
-- Run by scripts/load, which decompresses the data files into a scratch
-- directory, makes it psql's working directory and runs this script in one
-- transaction (psql --single-transaction, ON_ERROR_STOP).  Any error rolls
-- everything back, so a failed load leaves the previous data as it was.
--
-- Every source line is either loaded, skipped for a stated reason (state
-- total lines of the Census files) or written to scomm_data.rejects with the
-- file, the line number and the reason.  Decisions on known quirks are
-- documented in docs/data.md and data/SOURCES.md.

SET client_encoding = 'UTF8';
SET client_min_messages = warning;
SET datestyle = 'ISO, YMD';
SET check_function_bodies = off;

\echo '--> checking the database'
DO $$
BEGIN
	IF to_regtype('geometry') IS NULL THEN
		RAISE EXCEPTION 'PostGIS is not installed in database "%"', current_database()
			USING ERRCODE = 'undefined_object',
				  HINT = 'Run CREATE EXTENSION scomm CASCADE (it installs PostGIS) and load again.';
	END IF;
	IF to_regtype('scomm.activation_cohort') IS NULL THEN
		RAISE EXCEPTION 'extension scomm is not installed in database "%"', current_database()
			USING ERRCODE = 'undefined_object',
				  HINT = 'Run CREATE EXTENSION scomm CASCADE and load again.';
	END IF;
END
$$;

----------------------------------------------------------------------------
-- Helpers (session-local, dropped with the session)
----------------------------------------------------------------------------

-- the 50 states and DC (FIPS state codes); S-Comm covered exactly these
CREATE TEMP TABLE us_state (state_fips text PRIMARY KEY);
INSERT INTO us_state
SELECT lpad(s::text, 2, '0')
FROM unnest(ARRAY[1, 2, 4, 5, 6, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 19, 20,
				  21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,
				  36, 37, 38, 39, 40, 41, 42, 44, 45, 46, 47, 48, 49, 50, 51,
				  53, 54, 55, 56]) AS s;

-- a date in YYYY-MM-DD form, or NULL when the text is not one
CREATE FUNCTION pg_temp.try_date(t text) RETURNS date
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	IF t !~ '^\d{4}-\d{2}-\d{2}$' THEN
		RETURN NULL;
	END IF;
	RETURN t::date;
EXCEPTION WHEN others THEN
	RETURN NULL;
END
$$;

-- a geometry from GeoJSON text, or NULL when it cannot be parsed
CREATE FUNCTION pg_temp.try_geojson(t text) RETURNS geometry
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	RETURN ST_GeomFromGeoJSON(t);
EXCEPTION WHEN others THEN
	RETURN NULL;
END
$$;

-- why a count field cannot be loaded, or NULL when it can (blank is fine)
CREATE FUNCTION pg_temp.count_problem(field text, v text) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT CASE
		WHEN v IS NULL OR v ~ '^\d{1,9}$' THEN NULL
		WHEN v ~ '^\s*-\s*\d+(\.0*)?\s*$' THEN format('negative count in %s: %s', field, v)
		ELSE format('%s is not a whole number: %s', field, quote_literal(v))
	END
$$;

-- why a FIPS code is not a county of the 2010 geography, or NULL when it is;
-- the caller joins us_state and scomm_data.county (a function with a
-- sub-select would not be inlined, and would run once per row)
CREATE FUNCTION pg_temp.fips_problem(code text, in_state boolean, in_county boolean) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT CASE
		WHEN code IS NULL THEN 'missing FIPS code'
		WHEN code !~ '^\d{5}$' THEN format('invalid FIPS code %s', quote_literal(code))
		WHEN NOT in_state THEN format('FIPS %s is outside the 50 states and DC', code)
		WHEN NOT in_county THEN format('unknown FIPS code %s (not a county of the 2010 geography)', code)
	END
$$;

----------------------------------------------------------------------------
-- Tables (replaced on every load, so a load gives the same database twice)
----------------------------------------------------------------------------

\echo '--> creating schema scomm_data'
-- the map layers of scripts/demo.d/70_map_layers.sql read the tables replaced
-- here: dropped (the demo makes them again), with the dissolved states and
-- field offices, which are made again below
DROP VIEW IF EXISTS scomm_data.county_layer, scomm_data.state_layer, scomm_data.field_office_layer;
DROP TABLE IF EXISTS scomm_data.field_office, scomm_data.state;
CREATE SCHEMA IF NOT EXISTS scomm_data;
COMMENT ON SCHEMA scomm_data IS
	'Real public data on the Secure Communities rollout, loaded by scripts/load (not owned by the scomm extension)';

-- foreign keys that tables made elsewhere (the demo's scomm_data.county_class and
-- county_trajectory) hold on the
-- tables replaced here: dropped now, put back once the new rows are in (those tables stay)
CREATE TEMP TABLE foreign_keys_kept ON COMMIT DROP AS
SELECT c.conrelid::regclass::text AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def
FROM pg_constraint c
JOIN pg_class r ON r.oid = c.confrelid
JOIN pg_class t ON t.oid = c.conrelid
WHERE c.contype = 'f'
  AND r.relnamespace = 'scomm_data'::regnamespace
  AND r.relname IN ('rejects', 'crime', 'state_crime', 'noncitizen', 'population', 'ice_aor',
                    'activation', 'fips_crosswalk', 'county')
  AND NOT (t.relnamespace = 'scomm_data'::regnamespace
           AND t.relname IN ('rejects', 'crime', 'state_crime', 'noncitizen', 'population', 'ice_aor',
                             'activation', 'fips_crosswalk', 'county'));
DO $$
DECLARE
	k record;
BEGIN
	FOR k IN SELECT * FROM foreign_keys_kept LOOP
		EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', k.tbl, k.conname);
	END LOOP;
END $$;

DROP VIEW IF EXISTS scomm_data.county_activation;
DROP TABLE IF EXISTS scomm_data.rejects, scomm_data.crime, scomm_data.state_crime,
	scomm_data.noncitizen, scomm_data.population, scomm_data.ice_aor,
	scomm_data.activation, scomm_data.fips_crosswalk, scomm_data.county;

CREATE TABLE scomm_data.rejects (
	file   text NOT NULL,
	line   int  NOT NULL,
	reason text NOT NULL,
	raw    text
);
COMMENT ON TABLE scomm_data.rejects IS
	'Source lines that were not loaded, with the reason (scripts/load)';
COMMENT ON COLUMN scomm_data.rejects.line IS
	'Line number in the file, header = 1; for the GeoJSON file, the 1-based position of the feature';
COMMENT ON COLUMN scomm_data.rejects.raw IS
	'The line as it is in the file; for a GeoJSON feature, the feature without its coordinates';

CREATE TABLE scomm_data.county (
	fips           text PRIMARY KEY CHECK (fips ~ '^\d{5}$'),
	name           text NOT NULL,
	state          text NOT NULL CHECK (state ~ '^[A-Z]{2}$'),
	state_fips     text NOT NULL CHECK (state_fips = left(fips, 2)),
	geojson_id     text NOT NULL,
	land_area_sqmi float8,
	geom           geometry(MultiPolygon, 4326) NOT NULL
);
COMMENT ON TABLE scomm_data.county IS
	'Counties of the 50 states and DC, Census 2010 geography (1:20m cartographic boundaries)';
COMMENT ON COLUMN scomm_data.county.fips IS
	'5-digit FIPS code, 2010 vintage (Shannon County SD = 46113, Wade Hampton AK = 02270)';
COMMENT ON COLUMN scomm_data.county.state IS 'USPS state abbreviation';
COMMENT ON COLUMN scomm_data.county.geojson_id IS
	'The feature id in the GeoJSON file (46102 for Shannon County SD; equal to fips elsewhere)';
COMMENT ON COLUMN scomm_data.county.land_area_sqmi IS 'Land area in square miles (Census CENSUSAREA)';
COMMENT ON COLUMN scomm_data.county.geom IS 'Boundary, WGS 84 longitude/latitude';
ALTER TABLE scomm_data.county ADD COLUMN geom_simple geometry(MultiPolygon, 4326);
COMMENT ON COLUMN scomm_data.county.geom_simple IS
	'Boundary simplified for drawing (about 1 km, 0.01 degree): shared borders simplified once, so neighbours still meet without gaps or overlaps';

CREATE TABLE scomm_data.fips_crosswalk (
	source_fips text NOT NULL CHECK (source_fips ~ '^\d{5}$'),
	county_fips text NOT NULL REFERENCES scomm_data.county,
	changed     int  NOT NULL,
	kind        text NOT NULL CHECK (kind IN ('renamed', 'split', 'merged')),
	note        text NOT NULL,
	PRIMARY KEY (source_fips, county_fips)
);
COMMENT ON TABLE scomm_data.fips_crosswalk IS
	'FIPS codes of other vintages that appear in the sources, and the 2010 county they belong to';

CREATE TABLE scomm_data.activation (
	fips                    text PRIMARY KEY CHECK (fips ~ '^\d{5}$'),
	state_fips              text NOT NULL CHECK (state_fips = left(fips, 2)),
	cohort                  scomm.activation_cohort NOT NULL,
	activation_date         date NOT NULL,
	statewide_complete_date date,
	borough                 boolean NOT NULL,
	parish                  boolean NOT NULL,
	independent_city        boolean NOT NULL,
	legacy_code             boolean NOT NULL
);
COMMENT ON TABLE scomm_data.activation IS
	'Secure Communities activation date of every jurisdiction ICE listed, with FIPS codes as in the source (Alsan & Yang 2018, updated by Asad & Baer-Bositis 2025)';
COMMENT ON COLUMN scomm_data.activation.cohort IS
	'Activation cohort: the day S-Comm was switched on for the county''s jail bookings';
COMMENT ON COLUMN scomm_data.activation.activation_date IS
	'The same date as cohort, as a plain date for tools that drop custom types';
COMMENT ON COLUMN scomm_data.activation.statewide_complete_date IS
	'The day the state reached 100% coverage';
COMMENT ON COLUMN scomm_data.activation.independent_city IS
	'The jurisdiction ICE listed was an independent city';
COMMENT ON COLUMN scomm_data.activation.legacy_code IS
	'The FIPS code is not a county of the 2010 geography (pre-2010 Alaska and Virginia codes; see fips_crosswalk and county_activation)';

CREATE TABLE scomm_data.population (
	fips       text NOT NULL,
	year       int  NOT NULL,
	population int  NOT NULL CHECK (population >= 0),
	vintage    int  NOT NULL
);
COMMENT ON TABLE scomm_data.population IS
	'Census Population Estimates, 1 July of each year 2000-2019 (vintage 2009 for 2000-2009, vintage 2019 for 2010-2019)';
COMMENT ON COLUMN scomm_data.population.vintage IS 'Estimates vintage the figure comes from';

CREATE TABLE scomm_data.noncitizen (
	fips        text NOT NULL,
	year        int  NOT NULL,
	noncitizens int  NOT NULL CHECK (noncitizens >= 0),
	moe         int  CHECK (moe >= 0)
);
COMMENT ON TABLE scomm_data.noncitizen IS
	'American Community Survey estimate of residents who are not US citizens, 2009-2018';
COMMENT ON COLUMN scomm_data.noncitizen.moe IS '90% margin of error of the estimate';

CREATE TABLE scomm_data.crime (
	fips     text NOT NULL,
	year     int  NOT NULL,
	offense  text NOT NULL CHECK (offense IN ('murder', 'rape', 'robbery', 'aggravated assault',
											  'burglary', 'larceny', 'motor vehicle theft', 'arson')),
	count    int  NOT NULL CHECK (count >= 0),
	agencies int  NOT NULL CHECK (agencies > 0)
);
COMMENT ON TABLE scomm_data.crime IS
	'Offenses known to county-level agencies (sheriffs, county police), FBI Crime in the United States Table 10, 2006-2016. Not total county crime: city police are not included';
COMMENT ON COLUMN scomm_data.crime.offense IS
	'FBI offense name; rape uses the legacy definition through 2012 and the revised definition from 2013';
COMMENT ON COLUMN scomm_data.crime.agencies IS
	'Number of county agencies summed (2 where a sheriff and a county police department both reported)';

CREATE TABLE scomm_data.ice_aor (
	fips   text NOT NULL,
	aor    text NOT NULL CHECK (aor ~ '^[A-Z]{3}$'),
	source text NOT NULL CHECK (source IN ('file', 'state'))
);
COMMENT ON TABLE scomm_data.ice_aor IS
	'ICE Enforcement and Removal Operations Area of Responsibility of each county (UWCHR, GPL-3.0)';
COMMENT ON COLUMN scomm_data.ice_aor.source IS
	'file: from a row of the source; state: the county has no row and its whole state is one AOR';

CREATE TABLE scomm_data.state_crime (
	state               text NOT NULL,
	state_abbr          text NOT NULL,
	year                int  NOT NULL,
	population          bigint,
	violent_crime       int,
	homicide            int,
	rape_legacy         int,
	rape_revised        int,
	robbery             int,
	aggravated_assault  int,
	property_crime      int,
	burglary            int,
	larceny             int,
	motor_vehicle_theft int,
	arson               int
);
COMMENT ON TABLE scomm_data.state_crime IS
	'FBI UCR estimated offenses by state and year, 1979-2020 (Crime Data Explorer, packaged by H. Hofmann, CC BY 4.0); for calibration';

----------------------------------------------------------------------------
-- County names and states
----------------------------------------------------------------------------

\echo '--> county_fips_names.csv'
CREATE TEMP TABLE raw_names (line int GENERATED ALWAYS AS IDENTITY (START 2), raw text);
\copy raw_names (raw) from 'county_fips_names.csv' with (format csv, header true, delimiter E'\x02', quote E'\x01')
CREATE TEMP TABLE s_names (line int GENERATED ALWAYS AS IDENTITY (START 2),
	county_fips text, state text, state_fips text, county_name text);
\copy s_names (county_fips, state, state_fips, county_name) from 'county_fips_names.csv' with (format csv, header match)

CREATE TEMP TABLE v_names AS
SELECT line, county_fips AS fips, state, state_fips, county_name AS name,
	CASE
		WHEN county_fips IS NULL OR county_fips !~ '^\d{5}$'
			THEN format('invalid FIPS code %s', coalesce(quote_literal(county_fips), '(empty)'))
		WHEN NOT EXISTS (SELECT 1 FROM us_state u WHERE u.state_fips = left(county_fips, 2))
			THEN format('FIPS %s is outside the 50 states and DC', county_fips)
		WHEN state IS NULL OR state !~ '^[A-Z]{2}$'
			THEN format('invalid state abbreviation %s', coalesce(quote_literal(state), '(empty)'))
		WHEN state_fips IS DISTINCT FROM left(county_fips, 2)
			THEN format('state_fips %s does not match FIPS %s', coalesce(state_fips, '(empty)'), county_fips)
		WHEN county_name IS NULL THEN 'missing county name'
	END AS problem
FROM s_names;
UPDATE v_names v SET problem = format('duplicate of line %s', d.first)
FROM (SELECT fips, min(line) AS first FROM v_names WHERE problem IS NULL GROUP BY fips) d
WHERE v.problem IS NULL AND v.fips = d.fips AND v.line > d.first;

----------------------------------------------------------------------------
-- County geometries
----------------------------------------------------------------------------

\echo '--> us_counties_2010_20m.geojson (parsing 3,221 polygons)'
CREATE TEMP TABLE raw_geo (line int GENERATED ALWAYS AS IDENTITY, raw text);
\copy raw_geo (raw) from 'us_counties_2010_20m.geojson' with (format csv, header false, delimiter E'\x02', quote E'\x01')

CREATE TEMP TABLE s_geo AS
SELECT f.n::int AS line,
	f.feature - 'geometry' AS raw,
	f.feature ->> 'id' AS geojson_id,
	f.feature -> 'properties' ->> 'GEO_ID' AS geo_id,
	f.feature -> 'properties' ->> 'NAME' AS name,
	f.feature -> 'properties' ->> 'LSAD' AS lsad,
	f.feature -> 'properties' ->> 'CENSUSAREA' AS censusarea,
	f.feature -> 'geometry' AS geometry
FROM (SELECT string_agg(raw, E'\n' ORDER BY line)::jsonb AS doc FROM raw_geo) d,
	jsonb_array_elements(d.doc -> 'features') WITH ORDINALITY AS f(feature, n);

-- FIPS from GEO_ID ("0500000US46113"), not from id: the id of Shannon County
-- SD is its 2015 code 46102, while the activation and FBI data use 46113.
CREATE TEMP TABLE v_geo AS
SELECT line, raw, geojson_id, right(geo_id, 5) AS fips, name, lsad, censusarea,
	pg_temp.try_geojson(geometry::text) AS geom,
	NULL::text AS problem
FROM s_geo;
UPDATE v_geo SET problem = CASE
		WHEN fips IS NULL OR fips !~ '^\d{5}$'
			THEN format('invalid FIPS code in GEO_ID %s', coalesce(quote_literal(raw -> 'properties' ->> 'GEO_ID'), '(missing)'))
		WHEN NOT EXISTS (SELECT 1 FROM us_state u WHERE u.state_fips = left(fips, 2))
			THEN format('FIPS %s is outside the 50 states and DC', fips)
		WHEN geom IS NULL THEN 'geometry is not valid GeoJSON'
		WHEN GeometryType(geom) NOT IN ('POLYGON', 'MULTIPOLYGON')
			THEN format('geometry is a %s, not a polygon', GeometryType(geom))
		WHEN censusarea IS NOT NULL AND censusarea !~ '^\d+(\.\d+)?$'
			THEN format('invalid CENSUSAREA %s', quote_literal(censusarea))
	END;
UPDATE v_geo v SET problem = format('duplicate of feature %s', d.first)
FROM (SELECT fips, min(line) AS first FROM v_geo WHERE problem IS NULL GROUP BY fips) d
WHERE v.problem IS NULL AND v.fips = d.fips AND v.line > d.first;

-- a county's name and state come from the names crosswalk; the state of a
-- county missing there comes from another county of the same state
INSERT INTO scomm_data.county (fips, name, state, state_fips, geojson_id, land_area_sqmi, geom)
SELECT g.fips,
	coalesce(n.name, concat_ws(' ', g.name, g.lsad)),
	coalesce(n.state, (SELECT min(s.state) FROM v_names s
					   WHERE s.problem IS NULL AND s.state_fips = left(g.fips, 2))),
	left(g.fips, 2), g.geojson_id, g.censusarea::float8,
	ST_Multi(ST_SetSRID(g.geom, 4326))
FROM v_geo g
LEFT JOIN v_names n ON n.fips = g.fips AND n.problem IS NULL
WHERE g.problem IS NULL;
CREATE INDEX county_geom_idx ON scomm_data.county USING gist (geom);

-- names of counties with no polygon cannot be loaded either
UPDATE v_names v SET problem = format('no polygon for FIPS %s in the GeoJSON', v.fips)
WHERE v.problem IS NULL AND NOT EXISTS (SELECT 1 FROM scomm_data.county c WHERE c.fips = v.fips);

INSERT INTO scomm_data.rejects
SELECT 'us_counties_2010_20m.geojson', line, problem, raw::text FROM v_geo WHERE problem IS NOT NULL;
INSERT INTO scomm_data.rejects
SELECT 'county_fips_names.csv', v.line, v.problem, r.raw
FROM v_names v JOIN raw_names r USING (line) WHERE v.problem IS NOT NULL;

SELECT format('    %s: %s features, %s loaded, %s rejected',
	'us_counties_2010_20m.geojson', count(*), count(*) FILTER (WHERE problem IS NULL),
	count(*) FILTER (WHERE problem IS NOT NULL)) FROM v_geo;
SELECT format('    %s: %s lines, %s loaded, %s rejected',
	'county_fips_names.csv', count(*), count(*) FILTER (WHERE problem IS NULL),
	count(*) FILTER (WHERE problem IS NOT NULL)) FROM v_names;

----------------------------------------------------------------------------
-- FIPS crosswalk (hand-made, data/fips_crosswalk.csv); a bad line here is an
-- error in the project's own file, so it fails the load
----------------------------------------------------------------------------

\echo '--> fips_crosswalk.csv'
\copy scomm_data.fips_crosswalk (source_fips, county_fips, changed, kind, note) from 'fips_crosswalk.csv' with (format csv, header match)

-- Codes of a later vintage that name the same area as a 2010 county
-- (renamings): applied to every file.  Splits are applied to the AOR only.
CREATE TEMP TABLE renaming AS
SELECT source_fips, county_fips FROM scomm_data.fips_crosswalk WHERE kind = 'renamed';

----------------------------------------------------------------------------
-- Activation dates
----------------------------------------------------------------------------

\echo '--> scomm_activation_by_county.csv'
CREATE TEMP TABLE raw_act (line int GENERATED ALWAYS AS IDENTITY (START 2), raw text);
\copy raw_act (raw) from 'scomm_activation_by_county.csv' with (format csv, header true, delimiter E'\x02', quote E'\x01')
CREATE TEMP TABLE s_act (line int GENERATED ALWAYS AS IDENTITY (START 2),
	county_fips text, state_fips text, activation_date text, activation_year text,
	statewide_complete_date text, borough_flag text, parish_flag text, city_flag text);
\copy s_act (county_fips, state_fips, activation_date, activation_year, statewide_complete_date, borough_flag, parish_flag, city_flag) from 'scomm_activation_by_county.csv' with (format csv, header match)

-- Legacy codes with a date (02201, 02232, 02280, 51560, 51780) are kept as
-- they are: they are jurisdictions ICE listed, and the documented yearly
-- counts include them.  Codes with no date (02231, 12025, 30113, 41006) are
-- rejected.  A code is accepted when it is a 2010 county or a crosswalk code.
CREATE TEMP TABLE v_act AS
SELECT s.line, s.county_fips AS fips, s.state_fips,
	pg_temp.try_date(s.activation_date) AS activation_date,
	pg_temp.try_date(s.statewide_complete_date) AS statewide_complete_date,
	coalesce(s.borough_flag, '0') = '1' AS borough,
	coalesce(s.parish_flag, '0') = '1' AS parish,
	coalesce(s.city_flag, '0') = '1' AS independent_city,
	c.fips IS NULL AS legacy_code,
	CASE
		WHEN s.county_fips IS NULL OR s.county_fips !~ '^\d{5}$'
			THEN format('invalid FIPS code %s', coalesce(quote_literal(s.county_fips), '(empty)'))
		WHEN s.state_fips IS DISTINCT FROM left(s.county_fips, 2)
			THEN format('state_fips %s does not match FIPS %s', coalesce(quote_literal(s.state_fips), '(empty)'), s.county_fips)
		WHEN s.activation_date IS NULL
			THEN 'no activation date'
		WHEN pg_temp.try_date(s.activation_date) IS NULL
			THEN format('unparsable activation_date %s', quote_literal(s.activation_date))
		WHEN s.statewide_complete_date IS NOT NULL AND pg_temp.try_date(s.statewide_complete_date) IS NULL
			THEN format('unparsable statewide_complete_date %s', quote_literal(s.statewide_complete_date))
		WHEN coalesce(s.borough_flag, '0') NOT IN ('0', '1') OR coalesce(s.parish_flag, '0') NOT IN ('0', '1')
			 OR coalesce(s.city_flag, '0') NOT IN ('0', '1')
			THEN 'a jurisdiction flag is not 0 or 1'
		WHEN c.fips IS NULL AND NOT EXISTS (SELECT 1 FROM scomm_data.fips_crosswalk x
											WHERE x.source_fips = s.county_fips)
			THEN pg_temp.fips_problem(s.county_fips, u.state_fips IS NOT NULL, false)
	END AS problem
FROM s_act s
LEFT JOIN scomm_data.county c ON c.fips = s.county_fips
LEFT JOIN us_state u ON u.state_fips = left(s.county_fips, 2);
UPDATE v_act v SET problem = format('duplicate of line %s', d.first)
FROM (SELECT fips, min(line) AS first FROM v_act WHERE problem IS NULL GROUP BY fips) d
WHERE v.problem IS NULL AND v.fips = d.fips AND v.line > d.first;

INSERT INTO scomm_data.activation
SELECT fips, state_fips, activation_date::scomm.activation_cohort, activation_date,
	statewide_complete_date, borough, parish, independent_city, legacy_code
FROM v_act WHERE problem IS NULL;
INSERT INTO scomm_data.rejects
SELECT 'scomm_activation_by_county.csv', v.line, v.problem, r.raw
FROM v_act v JOIN raw_act r USING (line) WHERE v.problem IS NOT NULL;
SELECT format('    %s: %s lines, %s loaded (%s with a pre-2010 code), %s rejected',
	'scomm_activation_by_county.csv', count(*), count(*) FILTER (WHERE problem IS NULL),
	count(*) FILTER (WHERE problem IS NULL AND legacy_code),
	count(*) FILTER (WHERE problem IS NOT NULL)) FROM v_act;

-- one row per 2010 county: its own activation row, or else the row of the
-- pre-2010 area it was part of (the five Alaska areas created 2007-2008)
CREATE VIEW scomm_data.county_activation AS
SELECT DISTINCT ON (c.fips)
	c.fips, a.cohort, a.activation_date, a.fips AS activation_fips
FROM scomm_data.county c
LEFT JOIN (SELECT fips AS county_fips, fips AS source_fips, 0 AS via FROM scomm_data.activation
		   UNION ALL
		   SELECT county_fips, source_fips, 1 FROM scomm_data.fips_crosswalk) m ON m.county_fips = c.fips
LEFT JOIN scomm_data.activation a ON a.fips = m.source_fips
ORDER BY c.fips, a.fips IS NULL, m.via, a.activation_date;
COMMENT ON VIEW scomm_data.county_activation IS
	'Activation cohort of every 2010 county; counties created after the source''s codes take the date of the area they came from';
COMMENT ON COLUMN scomm_data.county_activation.activation_fips IS
	'The row of scomm_data.activation the date comes from (differs from fips for 02105, 02195, 02198, 02230, 02275)';

----------------------------------------------------------------------------
-- Population 2000-2009 (vintage 2009) and 2010-2019 (vintage 2019)
----------------------------------------------------------------------------

\echo '--> census_county_population_2000_2009_v2009.csv'
CREATE TEMP TABLE raw_pop1 (line int GENERATED ALWAYS AS IDENTITY (START 2), raw text);
\copy raw_pop1 (raw) from 'census_county_population_2000_2009_v2009.csv' with (format csv, header true, delimiter E'\x02', quote E'\x01')
CREATE TEMP TABLE s_pop1 (line int GENERATED ALWAYS AS IDENTITY (START 2),
	"SUMLEV" text, "REGION" text, "DIVISION" text, "STATE" text, "COUNTY" text,
	"STNAME" text, "CTYNAME" text, "CENSUS2000POP" text, "ESTIMATESBASE2000" text,
	"POPESTIMATE2000" text, "POPESTIMATE2001" text, "POPESTIMATE2002" text,
	"POPESTIMATE2003" text, "POPESTIMATE2004" text, "POPESTIMATE2005" text,
	"POPESTIMATE2006" text, "POPESTIMATE2007" text, "POPESTIMATE2008" text,
	"POPESTIMATE2009" text);
\copy s_pop1 ("SUMLEV", "REGION", "DIVISION", "STATE", "COUNTY", "STNAME", "CTYNAME", "CENSUS2000POP", "ESTIMATESBASE2000", "POPESTIMATE2000", "POPESTIMATE2001", "POPESTIMATE2002", "POPESTIMATE2003", "POPESTIMATE2004", "POPESTIMATE2005", "POPESTIMATE2006", "POPESTIMATE2007", "POPESTIMATE2008", "POPESTIMATE2009") from 'census_county_population_2000_2009_v2009.csv' with (format csv, header match)

\echo '--> census_county_popestimate_2010_2019_v2019.csv'
CREATE TEMP TABLE raw_pop2 (line int GENERATED ALWAYS AS IDENTITY (START 2), raw text);
\copy raw_pop2 (raw) from 'census_county_popestimate_2010_2019_v2019.csv' with (format csv, header true, delimiter E'\x02', quote E'\x01')
CREATE TEMP TABLE s_pop2 (line int GENERATED ALWAYS AS IDENTITY (START 2),
	"SUMLEV" text, "REGION" text, "DIVISION" text, "STATE" text, "COUNTY" text,
	"STNAME" text, "CTYNAME" text,
	"POPESTIMATE2010" text, "POPESTIMATE2011" text, "POPESTIMATE2012" text,
	"POPESTIMATE2013" text, "POPESTIMATE2014" text, "POPESTIMATE2015" text,
	"POPESTIMATE2016" text, "POPESTIMATE2017" text, "POPESTIMATE2018" text,
	"POPESTIMATE2019" text);
\copy s_pop2 ("SUMLEV", "REGION", "DIVISION", "STATE", "COUNTY", "STNAME", "CTYNAME", "POPESTIMATE2010", "POPESTIMATE2011", "POPESTIMATE2012", "POPESTIMATE2013", "POPESTIMATE2014", "POPESTIMATE2015", "POPESTIMATE2016", "POPESTIMATE2017", "POPESTIMATE2018", "POPESTIMATE2019") from 'census_county_popestimate_2010_2019_v2019.csv' with (format csv, header match)

-- both files in one long form: file, line, summary level, FIPS, year, value
CREATE TEMP TABLE l_pop AS
SELECT 'census_county_population_2000_2009_v2009.csv' AS file, 2009 AS vintage, line,
	ltrim("SUMLEV", '0') AS sumlev,
	CASE WHEN "STATE" ~ '^\d{1,2}$' AND "COUNTY" ~ '^\d{1,3}$'
		 THEN lpad("STATE", 2, '0') || lpad("COUNTY", 3, '0') END AS code,
	"STATE" AS state, "COUNTY" AS county,
	y.year, y.value
FROM s_pop1, LATERAL (VALUES
	(2000, "POPESTIMATE2000"), (2001, "POPESTIMATE2001"), (2002, "POPESTIMATE2002"),
	(2003, "POPESTIMATE2003"), (2004, "POPESTIMATE2004"), (2005, "POPESTIMATE2005"),
	(2006, "POPESTIMATE2006"), (2007, "POPESTIMATE2007"), (2008, "POPESTIMATE2008"),
	(2009, "POPESTIMATE2009")) AS y(year, value)
UNION ALL
SELECT 'census_county_popestimate_2010_2019_v2019.csv', 2019, line,
	ltrim("SUMLEV", '0'),
	CASE WHEN "STATE" ~ '^\d{1,2}$' AND "COUNTY" ~ '^\d{1,3}$'
		 THEN lpad("STATE", 2, '0') || lpad("COUNTY", 3, '0') END,
	"STATE", "COUNTY",
	y.year, y.value
FROM s_pop2, LATERAL (VALUES
	(2010, "POPESTIMATE2010"), (2011, "POPESTIMATE2011"), (2012, "POPESTIMATE2012"),
	(2013, "POPESTIMATE2013"), (2014, "POPESTIMATE2014"), (2015, "POPESTIMATE2015"),
	(2016, "POPESTIMATE2016"), (2017, "POPESTIMATE2017"), (2018, "POPESTIMATE2018"),
	(2019, "POPESTIMATE2019")) AS y(year, value);

-- one verdict per line: skipped (state totals, SUMLEV 40), rejected, or loaded
CREATE TEMP TABLE v_pop AS
SELECT l.file, l.line, min(l.vintage) AS vintage, min(l.sumlev) = '40' AS state_total,
	min(m.fips) AS fips,
	CASE
		WHEN min(l.sumlev) = '40' THEN NULL
		WHEN min(l.sumlev) IS DISTINCT FROM '50'
			THEN format('unknown summary level %s', coalesce(quote_literal(min(l.sumlev)), '(empty)'))
		WHEN min(l.code) IS NULL
			THEN format('invalid STATE/COUNTY codes %s/%s', coalesce(quote_literal(min(l.state)), '(empty)'),
						coalesce(quote_literal(min(l.county)), '(empty)'))
		ELSE coalesce(pg_temp.fips_problem(min(m.fips), bool_and(u.state_fips IS NOT NULL),
										   bool_and(c.fips IS NOT NULL)),
					  min(pg_temp.count_problem('POPESTIMATE' || l.year, l.value)),
					  CASE WHEN bool_or(l.value IS NULL) THEN 'missing population estimate' END)
	END AS problem
FROM l_pop l
LEFT JOIN renaming r ON r.source_fips = l.code
CROSS JOIN LATERAL (SELECT coalesce(r.county_fips, l.code) AS fips) m
LEFT JOIN scomm_data.county c ON c.fips = m.fips
LEFT JOIN us_state u ON u.state_fips = left(m.fips, 2)
GROUP BY l.file, l.line;
UPDATE v_pop v SET problem = format('duplicate of line %s', d.first)
FROM (SELECT file, fips, min(line) AS first FROM v_pop
	  WHERE problem IS NULL AND NOT state_total GROUP BY file, fips) d
WHERE v.problem IS NULL AND NOT v.state_total AND v.file = d.file AND v.fips = d.fips AND v.line > d.first;

INSERT INTO scomm_data.population (fips, year, population, vintage)
SELECT v.fips, l.year, l.value::int, v.vintage
FROM v_pop v JOIN l_pop l USING (file, line)
WHERE v.problem IS NULL AND NOT v.state_total;
INSERT INTO scomm_data.rejects
SELECT v.file, v.line, v.problem, r.raw
FROM v_pop v JOIN raw_pop1 r USING (line)
WHERE v.problem IS NOT NULL AND v.file = 'census_county_population_2000_2009_v2009.csv'
UNION ALL
SELECT v.file, v.line, v.problem, r.raw
FROM v_pop v JOIN raw_pop2 r USING (line)
WHERE v.problem IS NOT NULL AND v.file = 'census_county_popestimate_2010_2019_v2019.csv';
SELECT format('    %s: %s lines, %s loaded, %s rejected, %s skipped (state totals)',
	file, count(*), count(*) FILTER (WHERE problem IS NULL AND NOT state_total),
	count(*) FILTER (WHERE problem IS NOT NULL), count(*) FILTER (WHERE state_total))
FROM v_pop GROUP BY file ORDER BY file;

----------------------------------------------------------------------------
-- Non-citizen population (ACS)
----------------------------------------------------------------------------

\echo '--> acs_noncitizen_population_county_2009_2018.csv'
CREATE TEMP TABLE raw_ncit (line int GENERATED ALWAYS AS IDENTITY (START 2), raw text);
\copy raw_ncit (raw) from 'acs_noncitizen_population_county_2009_2018.csv' with (format csv, header true, delimiter E'\x02', quote E'\x01')
CREATE TEMP TABLE s_ncit (line int GENERATED ALWAYS AS IDENTITY (START 2),
	county_fips text, year text, noncit_pop text, moe text);
\copy s_ncit (county_fips, year, noncit_pop, moe) from 'acs_noncitizen_population_county_2009_2018.csv' with (format csv, header match)

CREATE TEMP TABLE v_ncit AS
SELECT s.line, m.fips, s.year, s.noncit_pop, s.moe,
	coalesce(pg_temp.fips_problem(m.fips, u.state_fips IS NOT NULL, c.fips IS NOT NULL),
		CASE WHEN s.year IS NULL OR s.year !~ '^\d{4}$'
			 THEN format('invalid year %s', coalesce(quote_literal(s.year), '(empty)')) END,
		pg_temp.count_problem('noncit_pop', s.noncit_pop),
		pg_temp.count_problem('moe', s.moe),
		CASE WHEN s.noncit_pop IS NULL THEN 'no estimate' END) AS problem
FROM s_ncit s
LEFT JOIN renaming r ON r.source_fips = s.county_fips
CROSS JOIN LATERAL (SELECT coalesce(r.county_fips, s.county_fips) AS fips) m
LEFT JOIN scomm_data.county c ON c.fips = m.fips
LEFT JOIN us_state u ON u.state_fips = left(m.fips, 2);
UPDATE v_ncit v SET problem = format('duplicate of line %s', d.first)
FROM (SELECT fips, year, min(line) AS first FROM v_ncit WHERE problem IS NULL GROUP BY fips, year) d
WHERE v.problem IS NULL AND v.fips = d.fips AND v.year = d.year AND v.line > d.first;

INSERT INTO scomm_data.noncitizen
SELECT fips, year::int, noncit_pop::int, moe::int FROM v_ncit WHERE problem IS NULL;
INSERT INTO scomm_data.rejects
SELECT 'acs_noncitizen_population_county_2009_2018.csv', v.line, v.problem, r.raw
FROM v_ncit v JOIN raw_ncit r USING (line) WHERE v.problem IS NOT NULL;
SELECT format('    %s: %s lines, %s loaded, %s rejected',
	'acs_noncitizen_population_county_2009_2018.csv', count(*),
	count(*) FILTER (WHERE problem IS NULL), count(*) FILTER (WHERE problem IS NOT NULL)) FROM v_ncit;

----------------------------------------------------------------------------
-- FBI Table 10 county-agency offenses
----------------------------------------------------------------------------

\echo '--> fbi_cius_table10_county_agency_offenses_2006_2016.csv'
CREATE TEMP TABLE raw_crime (line int GENERATED ALWAYS AS IDENTITY (START 2), raw text);
\copy raw_crime (raw) from 'fbi_cius_table10_county_agency_offenses_2006_2016.csv' with (format csv, header true, delimiter E'\x02', quote E'\x01')
CREATE TEMP TABLE s_crime (line int GENERATED ALWAYS AS IDENTITY (START 2),
	county_fips text, year text, state text, county_name text, metro_status text, agency_kind text,
	violent_crime text, murder text, rape_revised text, rape_legacy text, robbery text,
	agg_assault text, property_crime text, burglary text, larceny text,
	motor_vehicle_theft text, arson text);
\copy s_crime (county_fips, year, state, county_name, metro_status, agency_kind, violent_crime, murder, rape_revised, rape_legacy, robbery, agg_assault, property_crime, burglary, larceny, motor_vehicle_theft, arson) from 'fbi_cius_table10_county_agency_offenses_2006_2016.csv' with (format csv, header match)

CREATE TEMP TABLE v_crime AS
SELECT s.line, m.fips, s.year, s.agency_kind,
	s.murder, s.rape_legacy, s.rape_revised, s.robbery, s.agg_assault, s.burglary, s.larceny,
	s.motor_vehicle_theft, s.arson,
	coalesce(pg_temp.fips_problem(m.fips, u.state_fips IS NOT NULL, c.fips IS NOT NULL),
		CASE WHEN s.year IS NULL OR s.year !~ '^\d{4}$'
			 THEN format('invalid year %s', coalesce(quote_literal(s.year), '(empty)')) END,
		CASE WHEN s.agency_kind IS DISTINCT FROM 'county_sheriff' AND s.agency_kind IS DISTINCT FROM 'county_police'
			 THEN format('unknown agency_kind %s', coalesce(quote_literal(s.agency_kind), '(empty)')) END,
		pg_temp.count_problem('violent_crime', s.violent_crime),
		pg_temp.count_problem('murder', s.murder),
		pg_temp.count_problem('rape_revised', s.rape_revised),
		pg_temp.count_problem('rape_legacy', s.rape_legacy),
		pg_temp.count_problem('robbery', s.robbery),
		pg_temp.count_problem('agg_assault', s.agg_assault),
		pg_temp.count_problem('property_crime', s.property_crime),
		pg_temp.count_problem('burglary', s.burglary),
		pg_temp.count_problem('larceny', s.larceny),
		pg_temp.count_problem('motor_vehicle_theft', s.motor_vehicle_theft),
		pg_temp.count_problem('arson', s.arson)) AS problem
FROM s_crime s
LEFT JOIN renaming r ON r.source_fips = s.county_fips
CROSS JOIN LATERAL (SELECT coalesce(r.county_fips, s.county_fips) AS fips) m
LEFT JOIN scomm_data.county c ON c.fips = m.fips
LEFT JOIN us_state u ON u.state_fips = left(m.fips, 2);
UPDATE v_crime v SET problem = format('duplicate of line %s (same county, year and agency kind)', d.first)
FROM (SELECT fips, year, agency_kind, min(line) AS first FROM v_crime
	  WHERE problem IS NULL GROUP BY fips, year, agency_kind) d
WHERE v.problem IS NULL AND v.fips = d.fips AND v.year = d.year
	AND v.agency_kind = d.agency_kind AND v.line > d.first;

-- Long form, summed over the agencies of a county-year.  Rape: the legacy
-- definition through 2012, the revised one from 2013 (the FBI's own switch).
-- A blank is "not published": a county-year offense with a blank from any of
-- its agencies gets no row rather than a partial sum.
INSERT INTO scomm_data.crime (fips, year, offense, count, agencies)
SELECT fips, year::int, o.offense, sum(o.value::int), count(*)
FROM v_crime v,
	LATERAL (VALUES ('murder', murder),
			 ('rape', CASE WHEN v.year::int <= 2012 THEN rape_legacy ELSE rape_revised END),
			 ('robbery', robbery), ('aggravated assault', agg_assault),
			 ('burglary', burglary), ('larceny', larceny),
			 ('motor vehicle theft', motor_vehicle_theft), ('arson', arson)) AS o(offense, value)
WHERE v.problem IS NULL
GROUP BY fips, year::int, o.offense
HAVING bool_and(o.value IS NOT NULL);
INSERT INTO scomm_data.rejects
SELECT 'fbi_cius_table10_county_agency_offenses_2006_2016.csv', v.line, v.problem, r.raw
FROM v_crime v JOIN raw_crime r USING (line) WHERE v.problem IS NOT NULL;
SELECT format('    %s: %s lines, %s loaded, %s rejected',
	'fbi_cius_table10_county_agency_offenses_2006_2016.csv', count(*),
	count(*) FILTER (WHERE problem IS NULL), count(*) FILTER (WHERE problem IS NOT NULL)) FROM v_crime;

----------------------------------------------------------------------------
-- ICE Areas of Responsibility
----------------------------------------------------------------------------

\echo '--> county_ice_aor.csv'
CREATE TEMP TABLE raw_aor (line int GENERATED ALWAYS AS IDENTITY (START 2), raw text);
\copy raw_aor (raw) from 'county_ice_aor.csv' with (format csv, header true, delimiter E'\x02', quote E'\x01')
CREATE TEMP TABLE s_aor (line int GENERATED ALWAYS AS IDENTITY (START 2),
	geoid text, geoid_state text, geoid_county text, name text, aor text);
\copy s_aor (geoid, geoid_state, geoid_county, name, aor) from 'county_ice_aor.csv' with (format csv, header match)

-- the file uses recent codes: every crosswalk code that belongs to a single
-- 2010 county is mapped to it (renamings, and the 2019 Valdez-Cordova split)
CREATE TEMP TABLE v_aor AS
SELECT s.line, m.fips, s.aor, s.geoid,
	coalesce(pg_temp.fips_problem(m.fips, u.state_fips IS NOT NULL, c.fips IS NOT NULL),
		CASE WHEN s.aor IS NULL OR s.aor !~ '^[A-Z]{3}$'
			 THEN format('invalid AOR code %s', coalesce(quote_literal(s.aor), '(empty)')) END) AS problem
FROM s_aor s
LEFT JOIN (SELECT source_fips, min(county_fips) AS county_fips FROM scomm_data.fips_crosswalk
		   GROUP BY source_fips HAVING count(*) = 1) x ON x.source_fips = s.geoid
CROSS JOIN LATERAL (SELECT coalesce(x.county_fips, s.geoid) AS fips) m
LEFT JOIN scomm_data.county c ON c.fips = m.fips
LEFT JOIN us_state u ON u.state_fips = left(m.fips, 2);
UPDATE v_aor v SET problem = format('AOR %s conflicts with AOR %s of line %s for county %s',
									v.aor, d.aor, d.first, v.fips)
FROM (SELECT DISTINCT ON (fips) fips, aor, line AS first FROM v_aor
	  WHERE problem IS NULL ORDER BY fips, line) d
WHERE v.problem IS NULL AND v.fips = d.fips AND v.aor <> d.aor;

INSERT INTO scomm_data.ice_aor
SELECT DISTINCT fips, aor, 'file' FROM v_aor WHERE problem IS NULL;
-- counties with no row of their own (Connecticut's 8 counties, which the file
-- replaces by 2022 planning regions; Bedford city VA, merged in 2013): the
-- state's AOR when every row of that state in the file (rejected planning
-- regions included) names the same AOR
INSERT INTO scomm_data.ice_aor
SELECT c.fips, s.aor, 'state'
FROM scomm_data.county c
JOIN (SELECT left(geoid, 2) AS state_fips, min(aor) AS aor FROM v_aor
	  WHERE geoid ~ '^\d{5}$' AND aor ~ '^[A-Z]{3}$'
	  GROUP BY 1 HAVING count(DISTINCT aor) = 1) s ON s.state_fips = c.state_fips
WHERE NOT EXISTS (SELECT 1 FROM scomm_data.ice_aor a WHERE a.fips = c.fips);
INSERT INTO scomm_data.rejects
SELECT 'county_ice_aor.csv', v.line, v.problem, r.raw
FROM v_aor v JOIN raw_aor r USING (line) WHERE v.problem IS NOT NULL;
SELECT format('    %s: %s lines, %s loaded, %s rejected; %s counties take their state''s AOR',
	'county_ice_aor.csv', count(*), count(*) FILTER (WHERE problem IS NULL),
	count(*) FILTER (WHERE problem IS NOT NULL),
	(SELECT count(*) FROM scomm_data.ice_aor WHERE source = 'state')) FROM v_aor;

----------------------------------------------------------------------------
-- FBI UCR state estimates (calibration)
----------------------------------------------------------------------------

\echo '--> fbi_ucr_state_crime_1979_2020.csv'
CREATE TEMP TABLE raw_ucr (line int GENERATED ALWAYS AS IDENTITY (START 2), raw text);
\copy raw_ucr (raw) from 'fbi_ucr_state_crime_1979_2020.csv' with (format csv, header true, delimiter E'\x02', quote E'\x01')
CREATE TEMP TABLE s_ucr (line int GENERATED ALWAYS AS IDENTITY (START 2),
	state text, state_id text, state_abbr text, year text, population text, violent_crime text,
	homicide text, rape_legacy text, rape_revised text, robbery text, aggravated_assault text,
	property_crime text, burglary text, larceny text, motor_vehicle_theft text, arson text);
\copy s_ucr (state, state_id, state_abbr, year, population, violent_crime, homicide, rape_legacy, rape_revised, robbery, aggravated_assault, property_crime, burglary, larceny, motor_vehicle_theft, arson) from 'fbi_ucr_state_crime_1979_2020.csv' with (format csv, header match)

CREATE TEMP TABLE v_ucr AS
SELECT s.*,
	coalesce(
		CASE WHEN state_abbr IS NULL OR state_abbr !~ '^[A-Z]{2}$'
			 THEN format('invalid state_abbr %s', coalesce(quote_literal(state_abbr), '(empty)')) END,
		CASE WHEN state IS NULL THEN 'missing state name' END,
		CASE WHEN year IS NULL OR year !~ '^\d{4}$'
			 THEN format('invalid year %s', coalesce(quote_literal(year), '(empty)')) END,
		CASE WHEN population IS NOT NULL AND population !~ '^\d{1,12}$'
			 THEN format('invalid population %s', quote_literal(population)) END,
		pg_temp.count_problem('violent_crime', violent_crime),
		pg_temp.count_problem('homicide', homicide),
		pg_temp.count_problem('rape_legacy', rape_legacy),
		pg_temp.count_problem('rape_revised', rape_revised),
		pg_temp.count_problem('robbery', robbery),
		pg_temp.count_problem('aggravated_assault', aggravated_assault),
		pg_temp.count_problem('property_crime', property_crime),
		pg_temp.count_problem('burglary', burglary),
		pg_temp.count_problem('larceny', larceny),
		pg_temp.count_problem('motor_vehicle_theft', motor_vehicle_theft),
		pg_temp.count_problem('arson', arson)) AS problem
FROM s_ucr s;
UPDATE v_ucr v SET problem = format('duplicate of line %s', d.first)
FROM (SELECT state_abbr, year, min(line) AS first FROM v_ucr WHERE problem IS NULL GROUP BY 1, 2) d
WHERE v.problem IS NULL AND v.state_abbr = d.state_abbr AND v.year = d.year AND v.line > d.first;

INSERT INTO scomm_data.state_crime
SELECT state, state_abbr, year::int, population::bigint, violent_crime::int, homicide::int,
	rape_legacy::int, rape_revised::int, robbery::int, aggravated_assault::int,
	property_crime::int, burglary::int, larceny::int, motor_vehicle_theft::int, arson::int
FROM v_ucr WHERE problem IS NULL;
INSERT INTO scomm_data.rejects
SELECT 'fbi_ucr_state_crime_1979_2020.csv', v.line, v.problem, r.raw
FROM v_ucr v JOIN raw_ucr r USING (line) WHERE v.problem IS NOT NULL;
SELECT format('    %s: %s lines, %s loaded, %s rejected',
	'fbi_ucr_state_crime_1979_2020.csv', count(*),
	count(*) FILTER (WHERE problem IS NULL), count(*) FILTER (WHERE problem IS NOT NULL)) FROM v_ucr;

----------------------------------------------------------------------------
-- Map geometries: simplified county boundaries, states and ICE field offices
----------------------------------------------------------------------------

-- Simplified boundaries for drawing.  Simplifying each county on its own
-- would move the two copies of a shared border differently (gaps and
-- overlaps), and ST_CoverageSimplify needs PostGIS 3.4.  So: node the
-- boundaries of all counties into edges (each shared border once), cut
-- closed edges (islands, enclaves) into three pieces so that none can
-- collapse, simplify all pieces together with ST_SimplifyPreserveTopology
-- (which keeps their end points and keeps them from crossing each other),
-- rebuild the faces and give each face to the county that contains it.
\echo '--> simplified county boundaries, states and ICE field offices'
CREATE TEMP TABLE map_edge AS
SELECT e.geom AS edge
FROM (SELECT ST_LineMerge(ST_Node(ST_Collect(b.geom))) AS lines
	  FROM scomm_data.county, ST_Dump(ST_Boundary(geom)) b) l,
	ST_Dump(l.lines) e;
CREATE TEMP TABLE map_face AS
SELECT f.geom AS face
FROM (SELECT ST_Polygonize(d.geom) AS faces
	  FROM (SELECT ST_SimplifyPreserveTopology(ST_Collect(piece), 0.01) AS pieces
			FROM (SELECT edge AS piece FROM map_edge WHERE NOT ST_IsClosed(edge)
				  UNION ALL
				  SELECT ST_MakeLine(ARRAY(SELECT ST_PointN(edge, i) FROM generate_series(p.a, p.b) i))
				  FROM map_edge, ST_NPoints(edge) n,
					  LATERAL (VALUES (1, 1 + (n - 1) / 3), (1 + (n - 1) / 3, 1 + 2 * (n - 1) / 3),
									  (1 + 2 * (n - 1) / 3, n)) p(a, b)
				  WHERE ST_IsClosed(edge)) c) s,
		  ST_Dump(s.pieces) d) p,
	ST_Dump(p.faces) f;
UPDATE scomm_data.county c SET geom_simple = s.geom
FROM (SELECT c.fips, ST_Multi(ST_Union(f.face)) AS geom
	  FROM map_face f
	  JOIN scomm_data.county c ON c.geom && f.face AND ST_Contains(c.geom, ST_PointOnSurface(f.face))
	  GROUP BY c.fips) s
WHERE s.fips = c.fips;
-- a county without a face would be missing from the map: fail the load
DO $$
DECLARE
	missing text;
BEGIN
	SELECT string_agg(fips, ', ' ORDER BY fips) INTO missing
	FROM scomm_data.county WHERE geom_simple IS NULL OR NOT ST_IsValid(geom_simple);
	IF missing IS NOT NULL THEN
		RAISE EXCEPTION 'simplified boundaries missing or invalid for counties %', missing;
	END IF;
END
$$;
ALTER TABLE scomm_data.county ALTER COLUMN geom_simple SET NOT NULL;
CREATE INDEX county_geom_simple_idx ON scomm_data.county USING gist (geom_simple);

-- states: the union of their counties
CREATE TABLE scomm_data.state (
	state_fips     text PRIMARY KEY,
	state          text NOT NULL UNIQUE,
	counties       int NOT NULL,
	land_area_sqmi float8,
	geom           geometry(MultiPolygon, 4326) NOT NULL,
	geom_simple    geometry(MultiPolygon, 4326) NOT NULL
);
COMMENT ON TABLE scomm_data.state IS
	'The 50 states and DC, dissolved from their counties (scomm_data.county)';
COMMENT ON COLUMN scomm_data.state.state IS 'USPS state abbreviation';
COMMENT ON COLUMN scomm_data.state.counties IS 'Number of counties';
COMMENT ON COLUMN scomm_data.state.land_area_sqmi IS 'Land area in square miles, the sum over its counties';
COMMENT ON COLUMN scomm_data.state.geom IS 'Boundary: the union of the county boundaries';
COMMENT ON COLUMN scomm_data.state.geom_simple IS 'Boundary for drawing: the union of the simplified county boundaries';
INSERT INTO scomm_data.state
SELECT state_fips, min(state), count(*), sum(land_area_sqmi),
	ST_Multi(ST_Union(geom)), ST_Multi(ST_Union(geom_simple))
FROM scomm_data.county
GROUP BY state_fips;
CREATE INDEX state_geom_idx ON scomm_data.state USING gist (geom);

-- ICE ERO field offices: the union of the counties of their area of
-- responsibility; the city of each code as ICE names its field offices
-- (data/SOURCES.md)
CREATE TABLE scomm_data.field_office (
	aor            text PRIMARY KEY,
	name           text NOT NULL,
	counties       int NOT NULL,
	states         text NOT NULL,
	land_area_sqmi float8,
	geom           geometry(MultiPolygon, 4326) NOT NULL,
	geom_simple    geometry(MultiPolygon, 4326) NOT NULL
);
COMMENT ON TABLE scomm_data.field_office IS
	'ICE Enforcement and Removal Operations field offices, dissolved from the counties of their area of responsibility (scomm_data.ice_aor)';
COMMENT ON COLUMN scomm_data.field_office.aor IS 'Field office code (as in scomm_data.ice_aor.aor)';
COMMENT ON COLUMN scomm_data.field_office.name IS 'The field office''s city';
COMMENT ON COLUMN scomm_data.field_office.counties IS 'Number of counties in its area of responsibility';
COMMENT ON COLUMN scomm_data.field_office.states IS 'States with counties in its area, USPS abbreviations separated by ", "';
COMMENT ON COLUMN scomm_data.field_office.land_area_sqmi IS 'Land area in square miles, the sum over its counties';
COMMENT ON COLUMN scomm_data.field_office.geom IS 'Boundary: the union of the county boundaries';
COMMENT ON COLUMN scomm_data.field_office.geom_simple IS 'Boundary for drawing: the union of the simplified county boundaries';
INSERT INTO scomm_data.field_office
SELECT a.aor, coalesce(n.name, a.aor), count(*),
	string_agg(DISTINCT c.state, ', ' ORDER BY c.state), sum(c.land_area_sqmi),
	ST_Multi(ST_Union(c.geom)), ST_Multi(ST_Union(c.geom_simple))
FROM scomm_data.ice_aor a
JOIN scomm_data.county c USING (fips)
LEFT JOIN (VALUES ('ATL', 'Atlanta'), ('BAL', 'Baltimore'), ('BOS', 'Boston'), ('BUF', 'Buffalo'),
				  ('CHI', 'Chicago'), ('DAL', 'Dallas'), ('DEN', 'Denver'), ('DET', 'Detroit'),
				  ('ELP', 'El Paso'), ('HOU', 'Houston'), ('LOS', 'Los Angeles'), ('MIA', 'Miami'),
				  ('NEW', 'Newark'), ('NOL', 'New Orleans'), ('NYC', 'New York City'),
				  ('PHI', 'Philadelphia'), ('PHO', 'Phoenix'), ('SEA', 'Seattle'),
				  ('SFR', 'San Francisco'), ('SLC', 'Salt Lake City'), ('SNA', 'San Antonio'),
				  ('SND', 'San Diego'), ('SPM', 'St. Paul'), ('WAS', 'Washington')) n(aor, name)
	ON n.aor = a.aor
GROUP BY a.aor, n.name;
CREATE INDEX field_office_geom_idx ON scomm_data.field_office USING gist (geom);
SELECT format('    %s counties simplified (%s points, %s before), %s states, %s field offices',
	count(*), sum(ST_NPoints(geom_simple)), sum(ST_NPoints(geom)),
	(SELECT count(*) FROM scomm_data.state), (SELECT count(*) FROM scomm_data.field_office))
FROM scomm_data.county;

----------------------------------------------------------------------------
-- Summary
----------------------------------------------------------------------------

-- keys are added after the rows are in: one check per table is much faster
-- than one per row, and a violation still fails the whole load
\echo '--> keys and indexes'
ALTER TABLE scomm_data.population ADD PRIMARY KEY (fips, year),
	ADD FOREIGN KEY (fips) REFERENCES scomm_data.county;
ALTER TABLE scomm_data.noncitizen ADD PRIMARY KEY (fips, year),
	ADD FOREIGN KEY (fips) REFERENCES scomm_data.county;
ALTER TABLE scomm_data.crime ADD PRIMARY KEY (fips, year, offense),
	ADD FOREIGN KEY (fips) REFERENCES scomm_data.county;
ALTER TABLE scomm_data.ice_aor ADD PRIMARY KEY (fips),
	ADD FOREIGN KEY (fips) REFERENCES scomm_data.county;
ALTER TABLE scomm_data.state_crime ADD PRIMARY KEY (state_abbr, year);
ALTER TABLE scomm_data.rejects ADD PRIMARY KEY (file, line);
DO $$
DECLARE
	k record;
BEGIN
	FOR k IN SELECT * FROM foreign_keys_kept LOOP
		-- rows of counties that are gone from the new data go too
		IF k.def = 'FOREIGN KEY (fips) REFERENCES scomm_data.county(fips)' THEN
			EXECUTE format('DELETE FROM %s k WHERE NOT EXISTS (SELECT FROM scomm_data.county c WHERE c.fips = k.fips)', k.tbl);
		END IF;
		EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', k.tbl, k.conname, k.def);
	END LOOP;
END $$;

ANALYZE scomm_data.county, scomm_data.activation, scomm_data.population,
	scomm_data.noncitizen, scomm_data.crime, scomm_data.ice_aor,
	scomm_data.state_crime, scomm_data.rejects, scomm_data.fips_crosswalk,
	scomm_data.state, scomm_data.field_office;

\echo '--> rows in scomm_data'
SELECT format('    %-16s %7s rows', t, n) FROM (VALUES
	('county', (SELECT count(*) FROM scomm_data.county)),
	('activation', (SELECT count(*) FROM scomm_data.activation)),
	('population', (SELECT count(*) FROM scomm_data.population)),
	('noncitizen', (SELECT count(*) FROM scomm_data.noncitizen)),
	('crime', (SELECT count(*) FROM scomm_data.crime)),
	('ice_aor', (SELECT count(*) FROM scomm_data.ice_aor)),
	('state_crime', (SELECT count(*) FROM scomm_data.state_crime)),
	('state', (SELECT count(*) FROM scomm_data.state)),
	('field_office', (SELECT count(*) FROM scomm_data.field_office)),
	('fips_crosswalk', (SELECT count(*) FROM scomm_data.fips_crosswalk)),
	('rejects', (SELECT count(*) FROM scomm_data.rejects))) AS t(t, n);
\echo '--> rejected lines by file and reason (see scomm_data.rejects)'
SELECT format('    %s: %s x %s', file, count(*), pattern)
FROM (SELECT file, regexp_replace(regexp_replace(regexp_replace(reason,
		'''[^'']*''', '…', 'g'), '\m\d{5}\M', 'NNNNN', 'g'), 'line \d+', 'line N', 'g') AS pattern
	  FROM scomm_data.rejects) r
GROUP BY file, pattern
ORDER BY file, count(*) DESC, pattern;
