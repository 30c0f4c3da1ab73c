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
-- documented in the README (section "Real data") and data/SOURCES.md.

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

-- the 50 states and DC (FIPS state codes, USPS abbreviations, names); S-Comm
-- covered exactly these
CREATE TEMP TABLE us_state (state_fips text PRIMARY KEY, usps text UNIQUE, name text UNIQUE);
INSERT INTO us_state VALUES
	('01', 'AL', 'Alabama'), ('02', 'AK', 'Alaska'), ('04', 'AZ', 'Arizona'),
	('05', 'AR', 'Arkansas'), ('06', 'CA', 'California'), ('08', 'CO', 'Colorado'),
	('09', 'CT', 'Connecticut'), ('10', 'DE', 'Delaware'), ('11', 'DC', 'District of Columbia'),
	('12', 'FL', 'Florida'), ('13', 'GA', 'Georgia'), ('15', 'HI', 'Hawaii'),
	('16', 'ID', 'Idaho'), ('17', 'IL', 'Illinois'), ('18', 'IN', 'Indiana'),
	('19', 'IA', 'Iowa'), ('20', 'KS', 'Kansas'), ('21', 'KY', 'Kentucky'),
	('22', 'LA', 'Louisiana'), ('23', 'ME', 'Maine'), ('24', 'MD', 'Maryland'),
	('25', 'MA', 'Massachusetts'), ('26', 'MI', 'Michigan'), ('27', 'MN', 'Minnesota'),
	('28', 'MS', 'Mississippi'), ('29', 'MO', 'Missouri'), ('30', 'MT', 'Montana'),
	('31', 'NE', 'Nebraska'), ('32', 'NV', 'Nevada'), ('33', 'NH', 'New Hampshire'),
	('34', 'NJ', 'New Jersey'), ('35', 'NM', 'New Mexico'), ('36', 'NY', 'New York'),
	('37', 'NC', 'North Carolina'), ('38', 'ND', 'North Dakota'), ('39', 'OH', 'Ohio'),
	('40', 'OK', 'Oklahoma'), ('41', 'OR', 'Oregon'), ('42', 'PA', 'Pennsylvania'),
	('44', 'RI', 'Rhode Island'), ('45', 'SC', 'South Carolina'), ('46', 'SD', 'South Dakota'),
	('47', 'TN', 'Tennessee'), ('48', 'TX', 'Texas'), ('49', 'UT', 'Utah'),
	('50', 'VT', 'Vermont'), ('51', 'VA', 'Virginia'), ('53', 'WA', 'Washington'),
	('54', 'WV', 'West Virginia'), ('55', 'WI', 'Wisconsin'), ('56', 'WY', 'Wyoming');

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

-- the tables replaced here
\set replaced '{rejects, crime, state_crime, noncitizen, population, ice_aor, activation, fips_crosswalk, place_county, county_subdivision, city_agency, agency_year, county_crime, agreement_287g, county_287g, county}'

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
  AND r.relname = ANY (:'replaced'::text[])
  AND NOT (t.relnamespace = 'scomm_data'::regnamespace AND t.relname = ANY (:'replaced'::text[]));
DO $$
DECLARE
	k record;
BEGIN
	FOR k IN SELECT * FROM foreign_keys_kept LOOP
		EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', k.tbl, k.conname);
	END LOOP;
END $$;

DROP VIEW IF EXISTS scomm_data.county_activation, scomm_data.agency_crime;
DROP TABLE IF EXISTS scomm_data.rejects, scomm_data.crime, scomm_data.state_crime,
	scomm_data.noncitizen, scomm_data.population, scomm_data.ice_aor,
	scomm_data.activation, scomm_data.fips_crosswalk, scomm_data.place_county,
	scomm_data.county_subdivision, scomm_data.city_agency, scomm_data.agency_year,
	scomm_data.county_crime, scomm_data.agreement_287g, scomm_data.county_287g, scomm_data.county;

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
	'Offenses known to county-level agencies only (sheriffs, county police), FBI Crime in the United States Table 10, 2006-2016. Not total county crime: city police are not included (scomm_data.county_crime has every reporting agency)';
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
COMMENT ON COLUMN scomm_data.state_crime.state IS 'State name';
COMMENT ON COLUMN scomm_data.state_crime.state_abbr IS 'USPS state abbreviation (PR for Puerto Rico, from 1999)';
COMMENT ON COLUMN scomm_data.state_crime.year IS 'Calendar year';
COMMENT ON COLUMN scomm_data.state_crime.population IS 'State population the FBI used for its rates';
COMMENT ON COLUMN scomm_data.state_crime.violent_crime IS 'Estimated violent crimes (murder, rape, robbery, aggravated assault)';
COMMENT ON COLUMN scomm_data.state_crime.homicide IS 'Estimated murders and nonnegligent manslaughters';
COMMENT ON COLUMN scomm_data.state_crime.rape_legacy IS 'Estimated rapes, legacy definition (NULL where the FBI gives none)';
COMMENT ON COLUMN scomm_data.state_crime.rape_revised IS 'Estimated rapes, revised definition (from 2013)';
COMMENT ON COLUMN scomm_data.state_crime.robbery IS 'Estimated robberies';
COMMENT ON COLUMN scomm_data.state_crime.aggravated_assault IS 'Estimated aggravated assaults';
COMMENT ON COLUMN scomm_data.state_crime.property_crime IS 'Estimated property crimes (burglary, larceny, motor vehicle theft)';
COMMENT ON COLUMN scomm_data.state_crime.burglary IS 'Estimated burglaries';
COMMENT ON COLUMN scomm_data.state_crime.larceny IS 'Estimated larceny-thefts';
COMMENT ON COLUMN scomm_data.state_crime.motor_vehicle_theft IS 'Estimated motor vehicle thefts';
COMMENT ON COLUMN scomm_data.state_crime.arson IS 'Arsons (not estimated: reported counts, NULL where not given)';

-- the columns the definitions above leave without a comment
COMMENT ON COLUMN scomm_data.rejects.file IS 'Data file the line comes from (as named in data/SOURCES.md, without .gz)';
COMMENT ON COLUMN scomm_data.rejects.reason IS 'Why the line was not loaded';
COMMENT ON COLUMN scomm_data.county.name IS 'County name with its legal description ("Harris County", "Baltimore city")';
COMMENT ON COLUMN scomm_data.county.state_fips IS '2-digit state FIPS code';
COMMENT ON COLUMN scomm_data.fips_crosswalk.source_fips IS 'A FIPS code as it appears in a source';
COMMENT ON COLUMN scomm_data.fips_crosswalk.county_fips IS 'The 2010 county it belongs to (scomm_data.county)';
COMMENT ON COLUMN scomm_data.fips_crosswalk.changed IS 'Year of the change';
COMMENT ON COLUMN scomm_data.fips_crosswalk.kind IS 'renamed: same area, new code; split: the area is now several counties or part of one; merged: an independent city that joined a county';
COMMENT ON COLUMN scomm_data.fips_crosswalk.note IS 'What changed';
COMMENT ON COLUMN scomm_data.activation.fips IS '5-digit FIPS code as in the source (some pre-2010 codes; see legacy_code)';
COMMENT ON COLUMN scomm_data.activation.state_fips IS '2-digit state FIPS code';
COMMENT ON COLUMN scomm_data.activation.borough IS 'The jurisdiction ICE listed was a borough';
COMMENT ON COLUMN scomm_data.activation.parish IS 'The jurisdiction ICE listed was a parish';
COMMENT ON COLUMN scomm_data.population.fips IS '5-digit county FIPS code, 2010 vintage';
COMMENT ON COLUMN scomm_data.population.year IS 'Year of the estimate (1 July)';
COMMENT ON COLUMN scomm_data.population.population IS 'Resident population estimate';
COMMENT ON COLUMN scomm_data.noncitizen.fips IS '5-digit county FIPS code, 2010 vintage';
COMMENT ON COLUMN scomm_data.noncitizen.year IS 'Year of the estimate';
COMMENT ON COLUMN scomm_data.noncitizen.noncitizens IS 'Residents who are not US citizens (estimate)';
COMMENT ON COLUMN scomm_data.crime.fips IS '5-digit county FIPS code, 2010 vintage';
COMMENT ON COLUMN scomm_data.crime.year IS 'Calendar year of the offenses';
COMMENT ON COLUMN scomm_data.crime.count IS 'Offenses known to the county''s sheriff and county police (summed)';
COMMENT ON COLUMN scomm_data.ice_aor.fips IS '5-digit county FIPS code, 2010 vintage';
COMMENT ON COLUMN scomm_data.ice_aor.aor IS 'ICE ERO field office code (ATL, BAL, ..., WAS; names in scomm_data.field_office)';

CREATE TABLE scomm_data.place_county (
	state_fips      text NOT NULL,
	placefp         text NOT NULL CHECK (placefp ~ '^\d{5}$'),
	fips            text NOT NULL,
	name            text,
	population_2010 int  NOT NULL CHECK (population_2010 >= 0),
	share           float8 NOT NULL CHECK (share BETWEEN 0 AND 1),
	county_share    float8 NOT NULL CHECK (county_share BETWEEN 0 AND 1)
);
COMMENT ON TABLE scomm_data.place_county IS
	'Census 2010 places (incorporated places and CDPs) and the counties they lie in, with population shares (Geocorr 2018, Missouri Census Data Center); place 99999 is the part of a county outside every place';
COMMENT ON COLUMN scomm_data.place_county.state_fips IS '2-digit state FIPS code';
COMMENT ON COLUMN scomm_data.place_county.placefp IS '5-digit Census place code within the state (99999: outside every place)';
COMMENT ON COLUMN scomm_data.place_county.fips IS '5-digit county FIPS code, 2010 vintage';
COMMENT ON COLUMN scomm_data.place_county.name IS 'Census place name with its legal description ("Abbeville city", "Urban Honolulu CDP"); NULL for 99999';
COMMENT ON COLUMN scomm_data.place_county.population_2010 IS 'Census 2010 population of the part of the place in the county';
COMMENT ON COLUMN scomm_data.place_county.share IS 'Share of the place''s 2010 population in this county (Geocorr AFACT2; 1 for a place in one county)';
COMMENT ON COLUMN scomm_data.place_county.county_share IS 'Share of the county''s 2010 population in this place (Geocorr afact)';

CREATE TABLE scomm_data.county_subdivision (
	geoid    text PRIMARY KEY CHECK (geoid ~ '^\d{10}$'),
	fips     text NOT NULL,
	state    text NOT NULL,
	name     text NOT NULL,
	funcstat text NOT NULL
);
COMMENT ON TABLE scomm_data.county_subdivision IS
	'Census county subdivisions (townships, towns, county census divisions) and their county, 2017 Gazetteer; a subdivision lies in one county';
COMMENT ON COLUMN scomm_data.county_subdivision.geoid IS '10-digit GEOID: state, county and subdivision codes';
COMMENT ON COLUMN scomm_data.county_subdivision.fips IS '5-digit county FIPS code, 2010 vintage';
COMMENT ON COLUMN scomm_data.county_subdivision.state IS 'USPS state abbreviation';
COMMENT ON COLUMN scomm_data.county_subdivision.name IS 'Name with its legal description ("Mahwah township", "Cañon City CCD")';
COMMENT ON COLUMN scomm_data.county_subdivision.funcstat IS 'Census functional status (A: active government, S: statistical, ...)';

CREATE TABLE scomm_data.city_agency (
	state      text NOT NULL,
	agency     text NOT NULL,
	fips       text NOT NULL,
	share      float8 NOT NULL CHECK (share > 0 AND share <= 1),
	split      boolean NOT NULL,
	method     text NOT NULL,
	population int,
	first_year int NOT NULL,
	last_year  int NOT NULL,
	years      int NOT NULL
);
COMMENT ON TABLE scomm_data.city_agency IS
	'Every city agency of FBI Table 8 with the county it was matched to (one row per county of a city that lies in several); the rule that matched it';
COMMENT ON COLUMN scomm_data.city_agency.state IS 'USPS state abbreviation';
COMMENT ON COLUMN scomm_data.city_agency.agency IS 'Agency name as printed in Table 8, footnote marks removed';
COMMENT ON COLUMN scomm_data.city_agency.fips IS '5-digit county FIPS code, 2010 vintage';
COMMENT ON COLUMN scomm_data.city_agency.share IS 'Share of the agency''s offences and population given to this county: 1, or the Census 2010 population share of a city in several counties';
COMMENT ON COLUMN scomm_data.city_agency.split IS 'The agency is split between several counties by population share';
COMMENT ON COLUMN scomm_data.city_agency.method IS 'How the county was found: name, truncated name, county (named in the agency name), parts (a joint department), county name (a regional department named after its county), crosswalk (data/agency_county_crosswalk.csv)';
COMMENT ON COLUMN scomm_data.city_agency.population IS 'Median of the FBI''s population of the agency over the years it reported';
COMMENT ON COLUMN scomm_data.city_agency.first_year IS 'First year the agency is in Table 8 (2006-2016)';
COMMENT ON COLUMN scomm_data.city_agency.last_year IS 'Last year the agency is in Table 8';
COMMENT ON COLUMN scomm_data.city_agency.years IS 'Number of years the agency is in Table 8';

CREATE TABLE scomm_data.agency_year (
	source_table        int  NOT NULL CHECK (source_table IN (8, 10)),
	line                int  NOT NULL,
	year                int  NOT NULL,
	state               text NOT NULL,
	agency              text NOT NULL,
	agency_kind         text NOT NULL CHECK (agency_kind IN ('city', 'county_sheriff', 'county_police')),
	population          int,
	fips                text NOT NULL,
	share               float8 NOT NULL CHECK (share > 0 AND share <= 1),
	split               boolean NOT NULL,
	match               text NOT NULL,
	murder              int CHECK (murder >= 0),
	rape                int CHECK (rape >= 0),
	rape_legacy_2013    int CHECK (rape_legacy_2013 >= 0),
	robbery             int CHECK (robbery >= 0),
	aggravated_assault  int CHECK (aggravated_assault >= 0),
	burglary            int CHECK (burglary >= 0),
	larceny             int CHECK (larceny >= 0),
	motor_vehicle_theft int CHECK (motor_vehicle_theft >= 0),
	arson               int CHECK (arson >= 0)
);
COMMENT ON TABLE scomm_data.agency_year IS
	'Offenses known to each reporting agency, FBI Crime in the United States 2006-2016: city, town, village and township police (Table 8; Table 6 in 2016) and county sheriffs and police (Table 10), one row per agency, year and county (scomm_data.agency_crime has one row per offense)';
COMMENT ON COLUMN scomm_data.agency_year.source_table IS 'FBI table: 8 (city agencies) or 10 (county agencies)';
COMMENT ON COLUMN scomm_data.agency_year.line IS 'Line of the agency-year in its data file (header = 1)';
COMMENT ON COLUMN scomm_data.agency_year.year IS 'Calendar year of the offenses';
COMMENT ON COLUMN scomm_data.agency_year.state IS 'USPS state abbreviation';
COMMENT ON COLUMN scomm_data.agency_year.agency IS 'Agency name as printed (Table 8: the city; Table 10: the county), footnote marks removed';
COMMENT ON COLUMN scomm_data.agency_year.agency_kind IS 'city, county_sheriff or county_police';
COMMENT ON COLUMN scomm_data.agency_year.population IS 'Population of the agency''s jurisdiction: Table 8, the FBI''s figure (NULL where it prints none); Table 10, which prints none, the county''s population less that of its cities with their own police in Table 8';
COMMENT ON COLUMN scomm_data.agency_year.fips IS '5-digit county FIPS code, 2010 vintage, of the county the agency was matched to';
COMMENT ON COLUMN scomm_data.agency_year.share IS 'Share of the agency in this county: 1, or for a city in several counties its Census 2010 population share (the counts are the agency''s whole counts: multiply)';
COMMENT ON COLUMN scomm_data.agency_year.split IS 'The agency is split between several counties';
COMMENT ON COLUMN scomm_data.agency_year.match IS 'How the county was found (scomm_data.city_agency.method); file for Table 10, which carries the FIPS code';
COMMENT ON COLUMN scomm_data.agency_year.murder IS 'Murders and nonnegligent manslaughters; NULL: not published';
COMMENT ON COLUMN scomm_data.agency_year.rape IS 'Rapes: legacy definition through 2012, revised definition from 2013; NULL: not published (or, from 2013, published under the legacy definition only)';
COMMENT ON COLUMN scomm_data.agency_year.rape_legacy_2013 IS 'From 2013: rapes counted under the legacy definition, where the agency published those instead of the revised count';
COMMENT ON COLUMN scomm_data.agency_year.robbery IS 'Robberies; NULL: not published';
COMMENT ON COLUMN scomm_data.agency_year.aggravated_assault IS 'Aggravated assaults; NULL: not published';
COMMENT ON COLUMN scomm_data.agency_year.burglary IS 'Burglaries; NULL: not published';
COMMENT ON COLUMN scomm_data.agency_year.larceny IS 'Larceny-thefts; NULL: not published';
COMMENT ON COLUMN scomm_data.agency_year.motor_vehicle_theft IS 'Motor vehicle thefts; NULL: not published';
COMMENT ON COLUMN scomm_data.agency_year.arson IS 'Arsons; NULL: not published (the FBI prints arson only for 12 complete months)';

CREATE VIEW scomm_data.agency_crime AS
SELECT a.source_table, a.line, a.year, a.state, a.agency, a.agency_kind, a.population, a.fips, a.share,
	a.split, a.match, o.offense, o.count
FROM scomm_data.agency_year a,
	LATERAL (VALUES ('murder', a.murder), ('rape', a.rape), ('rape (legacy definition)', a.rape_legacy_2013),
			 ('robbery', a.robbery), ('aggravated assault', a.aggravated_assault), ('burglary', a.burglary),
			 ('larceny', a.larceny), ('motor vehicle theft', a.motor_vehicle_theft), ('arson', a.arson)) AS o(offense, count)
WHERE o.count IS NOT NULL;
COMMENT ON VIEW scomm_data.agency_crime IS
	'Offenses known to each reporting agency (scomm_data.agency_year), one row per agency, year, county and offense; an offense the agency did not publish has no row';
COMMENT ON COLUMN scomm_data.agency_crime.source_table IS 'FBI table: 8 (city agencies) or 10 (county agencies)';
COMMENT ON COLUMN scomm_data.agency_crime.line IS 'Line of the agency-year in its data file (header = 1)';
COMMENT ON COLUMN scomm_data.agency_crime.year IS 'Calendar year of the offenses';
COMMENT ON COLUMN scomm_data.agency_crime.state IS 'USPS state abbreviation';
COMMENT ON COLUMN scomm_data.agency_crime.agency IS 'Agency name as printed (Table 8: the city; Table 10: the county), footnote marks removed';
COMMENT ON COLUMN scomm_data.agency_crime.agency_kind IS 'city, county_sheriff or county_police';
COMMENT ON COLUMN scomm_data.agency_crime.population IS 'Population of the agency''s jurisdiction (see scomm_data.agency_year.population)';
COMMENT ON COLUMN scomm_data.agency_crime.fips IS '5-digit county FIPS code, 2010 vintage, of the county the agency was matched to';
COMMENT ON COLUMN scomm_data.agency_crime.share IS 'Share of the agency in this county: 1, or for a city in several counties its Census 2010 population share (count is the agency''s whole count: multiply)';
COMMENT ON COLUMN scomm_data.agency_crime.split IS 'The agency is split between several counties';
COMMENT ON COLUMN scomm_data.agency_crime.match IS 'How the county was found (scomm_data.city_agency.method); file for Table 10';
COMMENT ON COLUMN scomm_data.agency_crime.offense IS 'FBI offense name; rape: legacy definition through 2012, revised from 2013; rape (legacy definition): a legacy count published for 2013 or later';
COMMENT ON COLUMN scomm_data.agency_crime.count IS 'Offenses known to the agency (all of them, not the county''s share)';

CREATE TABLE scomm_data.county_crime (
	fips               text NOT NULL,
	year               int  NOT NULL,
	offense            text NOT NULL CHECK (offense IN ('murder', 'rape', 'robbery', 'aggravated assault',
													   'burglary', 'larceny', 'motor vehicle theft', 'arson')),
	count              bigint NOT NULL CHECK (count >= 0),
	agencies           int  NOT NULL CHECK (agencies > 0),
	city_agencies      int  NOT NULL,
	county_agencies    int  NOT NULL,
	split_agencies     int  NOT NULL,
	population_covered bigint NOT NULL,
	population         bigint,
	coverage           float8
);
COMMENT ON TABLE scomm_data.county_crime IS
	'Offenses known to every reporting agency of the county (city police of FBI Table 8 and county agencies of Table 10), per county, year (2006-2016) and offense, with the share of the county''s population those agencies cover. Filter on coverage: agencies that did not report, and state police, are missing';
COMMENT ON COLUMN scomm_data.county_crime.fips IS '5-digit county FIPS code, 2010 vintage';
COMMENT ON COLUMN scomm_data.county_crime.year IS 'Calendar year of the offenses';
COMMENT ON COLUMN scomm_data.county_crime.offense IS 'FBI offense name, as in scomm_data.crime; rape: legacy definition through 2012, revised from 2013 (agencies that printed only a legacy count from 2013 do not count for rape)';
COMMENT ON COLUMN scomm_data.county_crime.count IS 'Offenses over the agencies that published this offense; a city in several counties adds its population share of its count; the sum is rounded to a whole number once';
COMMENT ON COLUMN scomm_data.county_crime.agencies IS 'Agencies summed (city_agencies + county_agencies)';
COMMENT ON COLUMN scomm_data.county_crime.city_agencies IS 'City agencies (Table 8) summed, split ones included';
COMMENT ON COLUMN scomm_data.county_crime.county_agencies IS 'County agencies (Table 10: sheriff, county police) summed: 0, 1 or 2';
COMMENT ON COLUMN scomm_data.county_crime.split_agencies IS 'City agencies among them that lie in several counties and add only their share';
COMMENT ON COLUMN scomm_data.county_crime.population_covered IS 'Population of the jurisdictions of the agencies summed: the cities'' FBI populations (times their share) plus, when a county agency reported, the county''s population outside the cities with their own police';
COMMENT ON COLUMN scomm_data.county_crime.population IS 'The county''s population that year (scomm_data.population); NULL when unknown (Bedford city VA from 2010)';
COMMENT ON COLUMN scomm_data.county_crime.coverage IS 'population_covered / population: the share of the county''s residents whose police reported this offense that year (can exceed 1 slightly where the FBI''s city populations exceed the Census estimate); NULL without population';

CREATE TABLE scomm_data.agreement_287g (
	id                  int  NOT NULL,
	fips                text,
	county_source       text CHECK (county_source IN ('file', 'agency name')),
	state               text,
	agency              text NOT NULL,
	jurisdiction_level  text,
	models              text,
	jail_enforcement    boolean NOT NULL,
	task_force          boolean NOT NULL,
	signed              date,
	latest_signed       date,
	active_from         date,
	active_to           date,
	terminated          boolean NOT NULL,
	in_force_from       date,
	in_force_to         date,
	confidence          text NOT NULL,
	n_sources           int,
	in_ice_roster       boolean,
	first_signed_source text,
	sources             text,
	UNIQUE NULLS NOT DISTINCT (id, fips)
);
COMMENT ON TABLE scomm_data.agreement_287g IS
	'287(g) agreements between ICE and state or local agencies signed before 2018, a best-guess reconstruction from public rosters and studies (deportationdata/ice-287g, no licence: cite it); one row per agreement and county';
COMMENT ON COLUMN scomm_data.agreement_287g.id IS 'The agreement''s line in ice_287g_agreements_pre2018.csv (header = 1)';
COMMENT ON COLUMN scomm_data.agreement_287g.fips IS 'County of the agency, 2010 vintage; NULL for statewide agencies and agencies whose county is unknown';
COMMENT ON COLUMN scomm_data.agreement_287g.county_source IS 'file: the county FIPS of the source; agency name: found here from the agency''s name (a county, or the county of a city police department)';
COMMENT ON COLUMN scomm_data.agreement_287g.state IS 'USPS state abbreviation (from the state column, or the state in brackets after the agency); NULL when neither names one';
COMMENT ON COLUMN scomm_data.agreement_287g.agency IS 'Agency as named in the source';
COMMENT ON COLUMN scomm_data.agreement_287g.jurisdiction_level IS 'local or statewide; NULL where the source does not say';
COMMENT ON COLUMN scomm_data.agreement_287g.models IS 'Jail Enforcement, Task Force, or Jail Enforcement -> Task Force (a change of model); NULL where unknown';
COMMENT ON COLUMN scomm_data.agreement_287g.jail_enforcement IS 'The agreement was (at some time) of the jail enforcement model';
COMMENT ON COLUMN scomm_data.agreement_287g.task_force IS 'The agreement was (at some time) of the task force model';
COMMENT ON COLUMN scomm_data.agreement_287g.signed IS 'Earliest signing date found in any source (first_signed_best)';
COMMENT ON COLUMN scomm_data.agreement_287g.latest_signed IS 'Latest signing date (a renewal)';
COMMENT ON COLUMN scomm_data.agreement_287g.active_from IS 'Start of the activity window the sources show (the true start is on or before it)';
COMMENT ON COLUMN scomm_data.agreement_287g.active_to IS 'End of the activity window the sources show (the true end is on or after it)';
COMMENT ON COLUMN scomm_data.agreement_287g.terminated IS 'The agreement had ended by the last roster (2017-08-01)';
COMMENT ON COLUMN scomm_data.agreement_287g.in_force_from IS 'In force from: the earlier of signed and active_from; NULL without an activity window (a signing date from a single list, never seen active)';
COMMENT ON COLUMN scomm_data.agreement_287g.in_force_to IS 'In force to (inclusive): active_to of a terminated agreement; NULL for one still in force at the last roster (2017-08-01)';
COMMENT ON COLUMN scomm_data.agreement_287g.confidence IS 'The source''s confidence: high (a roster and another source), medium (a roster, or two other sources), low (one other source)';
COMMENT ON COLUMN scomm_data.agreement_287g.n_sources IS 'Number of sources that list the agreement';
COMMENT ON COLUMN scomm_data.agreement_287g.in_ice_roster IS 'Listed in an ICE 287(g) roster';
COMMENT ON COLUMN scomm_data.agreement_287g.first_signed_source IS 'Source of the earliest signing date';
COMMENT ON COLUMN scomm_data.agreement_287g.sources IS 'The secondary sources that list it, separated by "; "';

CREATE TABLE scomm_data.county_287g (
	fips             text NOT NULL,
	year             int  NOT NULL,
	active           boolean NOT NULL,
	days_active      int  NOT NULL,
	agreements       int  NOT NULL,
	jail_enforcement boolean NOT NULL,
	task_force       boolean NOT NULL,
	statewide        boolean NOT NULL,
	first_in_force   date
);
COMMENT ON TABLE scomm_data.county_287g IS
	'287(g) per county and year 2006-2016, for panels: a local agreement of an agency in the county in force during the year (from scomm_data.agreement_287g)';
COMMENT ON COLUMN scomm_data.county_287g.fips IS '5-digit county FIPS code, 2010 vintage';
COMMENT ON COLUMN scomm_data.county_287g.year IS 'Calendar year';
COMMENT ON COLUMN scomm_data.county_287g.active IS 'A 287(g) agreement of an agency in the county (sheriff, city police, jail) was in force on at least one day of the year: in_force_from <= 31 December and in_force_to (or the open end) >= 1 January';
COMMENT ON COLUMN scomm_data.county_287g.days_active IS 'Days of the year on which at least one such agreement was in force (0-366)';
COMMENT ON COLUMN scomm_data.county_287g.agreements IS 'Agreements in force during the year';
COMMENT ON COLUMN scomm_data.county_287g.jail_enforcement IS 'One of them was of the jail enforcement model';
COMMENT ON COLUMN scomm_data.county_287g.task_force IS 'One of them was of the task force model';
COMMENT ON COLUMN scomm_data.county_287g.statewide IS 'A statewide agreement of the county''s state (state police, department of corrections or public safety) was in force during the year; not counted in active';
COMMENT ON COLUMN scomm_data.county_287g.first_in_force IS 'The earliest in_force_from of any agreement of the county (any year); NULL for a county that never had one';

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
SELECT format('    %s: %s lines, %s loaded, 0 rejected (a bad line fails the load)',
	'fips_crosswalk.csv', count(*), count(*)) FROM scomm_data.fips_crosswalk;

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
COMMENT ON COLUMN scomm_data.county_activation.fips IS '5-digit FIPS code of the county, 2010 vintage';
COMMENT ON COLUMN scomm_data.county_activation.cohort IS 'Activation cohort (scomm.activation_cohort; activation_date has the same date as a plain date)';
COMMENT ON COLUMN scomm_data.county_activation.activation_date IS 'Day Secure Communities was activated for the county''s jail bookings';
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
-- Census places and county subdivisions: the crosswalks that put a city
-- police department into its county (or counties)
----------------------------------------------------------------------------

\echo '--> geocorr2018_place_county_2010.csv'
-- Latin-1, and a second header line of labels (line 2), which is skipped
CREATE TEMP TABLE raw_place (line int GENERATED ALWAYS AS IDENTITY (START 2), raw text);
\copy raw_place (raw) from 'geocorr2018_place_county_2010.csv' with (format csv, header true, delimiter E'\x02', quote E'\x01', encoding 'LATIN1')
CREATE TEMP TABLE s_place (line int GENERATED ALWAYS AS IDENTITY (START 2),
	county text, state text, placefp text, stab text, cntyname text, placenm text, pop10 text,
	afact text, "AFACT2" text);
\copy s_place (county, state, placefp, stab, cntyname, placenm, pop10, afact, "AFACT2") from 'geocorr2018_place_county_2010.csv' with (format csv, header match, encoding 'LATIN1')

CREATE TEMP TABLE v_place AS
SELECT s.line, m.fips, s.state AS state_fips, s.placefp, s.stab,
	regexp_replace(s.placenm, ', [A-Z]{2}$', '') AS name,
	s.pop10, btrim(s.afact) AS afact, btrim(s."AFACT2") AS afact2,
	s.line = 2 AND s.county = 'County code' AS label_line,
	coalesce(pg_temp.fips_problem(m.fips, u.state_fips IS NOT NULL, c.fips IS NOT NULL),
		CASE WHEN s.state IS DISTINCT FROM left(s.county, 2)
			 THEN format('state %s does not match county %s', coalesce(quote_literal(s.state), '(empty)'), s.county) END,
		CASE WHEN s.stab IS DISTINCT FROM c.state
			 THEN format('state abbreviation %s does not match county %s', coalesce(quote_literal(s.stab), '(empty)'), m.fips) END,
		CASE WHEN s.placefp IS NULL OR s.placefp !~ '^\d{5}$'
			 THEN format('invalid place code %s', coalesce(quote_literal(s.placefp), '(empty)')) END,
		CASE WHEN s.placenm IS NULL THEN 'missing place name' END,
		pg_temp.count_problem('pop10', s.pop10),
		CASE WHEN s.pop10 IS NULL THEN 'missing pop10' END,
		CASE WHEN btrim(s."AFACT2") !~ '^(0|1)(\.\d+)?$' OR btrim(s."AFACT2")::numeric > 1
			 THEN format('AFACT2 is not a share: %s', coalesce(quote_literal(s."AFACT2"), '(empty)')) END,
		CASE WHEN btrim(s.afact) !~ '^(0|1)(\.\d+)?$' OR btrim(s.afact)::numeric > 1
			 THEN format('afact is not a share: %s', coalesce(quote_literal(s.afact), '(empty)')) END) AS problem
FROM s_place s
LEFT JOIN renaming r ON r.source_fips = s.county
CROSS JOIN LATERAL (SELECT coalesce(r.county_fips, s.county) AS fips) m
LEFT JOIN scomm_data.county c ON c.fips = m.fips
LEFT JOIN us_state u ON u.state_fips = left(m.fips, 2);
UPDATE v_place SET problem = NULL WHERE label_line;
UPDATE v_place v SET problem = format('duplicate of line %s', d.first)
FROM (SELECT state_fips, placefp, fips, min(line) AS first FROM v_place
	  WHERE problem IS NULL AND NOT label_line GROUP BY 1, 2, 3) d
WHERE v.problem IS NULL AND NOT v.label_line AND v.state_fips = d.state_fips
	AND v.placefp = d.placefp AND v.fips = d.fips AND v.line > d.first;

INSERT INTO scomm_data.place_county (state_fips, placefp, fips, name, population_2010, share, county_share)
SELECT state_fips, placefp, fips, CASE WHEN placefp = '99999' THEN NULL ELSE name END,
	pop10::int, afact2::float8, afact::float8
FROM v_place WHERE problem IS NULL AND NOT label_line;
INSERT INTO scomm_data.rejects
SELECT 'geocorr2018_place_county_2010.csv', v.line, v.problem, r.raw
FROM v_place v JOIN raw_place r USING (line) WHERE v.problem IS NOT NULL;
SELECT format('    %s: %s lines, %s loaded, %s rejected, %s skipped (the second header line, of labels)',
	'geocorr2018_place_county_2010.csv', count(*), count(*) FILTER (WHERE problem IS NULL AND NOT label_line),
	count(*) FILTER (WHERE problem IS NOT NULL), count(*) FILTER (WHERE label_line)) FROM v_place;

\echo '--> census_gazetteer_2017_cousub_names.csv'
CREATE TEMP TABLE raw_cousub (line int GENERATED ALWAYS AS IDENTITY (START 2), raw text);
\copy raw_cousub (raw) from 'census_gazetteer_2017_cousub_names.csv' with (format csv, header true, delimiter E'\x02', quote E'\x01')
CREATE TEMP TABLE s_cousub (line int GENERATED ALWAYS AS IDENTITY (START 2),
	"USPS" text, "GEOID" text, "NAME" text, "FUNCSTAT" text, county_fips text);
\copy s_cousub ("USPS", "GEOID", "NAME", "FUNCSTAT", county_fips) from 'census_gazetteer_2017_cousub_names.csv' with (format csv, header match)

CREATE TEMP TABLE v_cousub AS
SELECT s.line, s."GEOID" AS geoid, m.fips, s."USPS" AS state, s."NAME" AS name, s."FUNCSTAT" AS funcstat,
	coalesce(
		CASE WHEN s."GEOID" IS NULL OR s."GEOID" !~ '^\d{10}$'
			 THEN format('invalid GEOID %s', coalesce(quote_literal(s."GEOID"), '(empty)')) END,
		CASE WHEN s.county_fips IS DISTINCT FROM left(s."GEOID", 5)
			 THEN format('county_fips %s does not match GEOID %s', coalesce(quote_literal(s.county_fips), '(empty)'), s."GEOID") END,
		pg_temp.fips_problem(m.fips, u.state_fips IS NOT NULL, c.fips IS NOT NULL),
		CASE WHEN s."USPS" IS DISTINCT FROM c.state
			 THEN format('state abbreviation %s does not match county %s', coalesce(quote_literal(s."USPS"), '(empty)'), m.fips) END,
		CASE WHEN s."NAME" IS NULL THEN 'missing name' END,
		CASE WHEN s."FUNCSTAT" IS NULL OR s."FUNCSTAT" !~ '^[A-Z]$'
			 THEN format('invalid FUNCSTAT %s', coalesce(quote_literal(s."FUNCSTAT"), '(empty)')) END) AS problem
FROM s_cousub s
LEFT JOIN renaming r ON r.source_fips = s.county_fips
CROSS JOIN LATERAL (SELECT coalesce(r.county_fips, s.county_fips) AS fips) m
LEFT JOIN scomm_data.county c ON c.fips = m.fips
LEFT JOIN us_state u ON u.state_fips = left(m.fips, 2);
UPDATE v_cousub v SET problem = format('duplicate of line %s', d.first)
FROM (SELECT geoid, min(line) AS first FROM v_cousub WHERE problem IS NULL GROUP BY 1) d
WHERE v.problem IS NULL AND v.geoid = d.geoid AND v.line > d.first;

INSERT INTO scomm_data.county_subdivision (geoid, fips, state, name, funcstat)
SELECT geoid, fips, state, name, funcstat FROM v_cousub WHERE problem IS NULL;
INSERT INTO scomm_data.rejects
SELECT 'census_gazetteer_2017_cousub_names.csv', v.line, v.problem, r.raw
FROM v_cousub v JOIN raw_cousub r USING (line) WHERE v.problem IS NOT NULL;
SELECT format('    %s: %s lines, %s loaded, %s rejected',
	'census_gazetteer_2017_cousub_names.csv', count(*), count(*) FILTER (WHERE problem IS NULL),
	count(*) FILTER (WHERE problem IS NOT NULL)) FROM v_cousub;

\echo '--> agency_county_crosswalk.csv'
-- made here (data/SOURCES.md): agencies whose county no rule below finds; a
-- bad line is an error in the project's own file, so it fails the load
CREATE TEMP TABLE agency_xwalk (state text, agency text, county_fips text, share float8, note text);
\copy agency_xwalk (state, agency, county_fips, share, note) from 'agency_county_crosswalk.csv' with (format csv, header match)
DO $$
DECLARE
	bad text;
BEGIN
	SELECT string_agg(format('%s %s', x.state, x.agency), ', ') INTO bad
	FROM (SELECT state, agency FROM agency_xwalk x
		  WHERE NOT EXISTS (SELECT 1 FROM scomm_data.county c WHERE c.fips = x.county_fips AND c.state = x.state)
			 OR share IS NULL OR share <= 0 OR share > 1
		  UNION ALL
		  SELECT state, agency FROM agency_xwalk GROUP BY 1, 2 HAVING abs(sum(share) - 1) > 1e-9) x;
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION 'agency_county_crosswalk.csv: unknown county, a share outside (0, 1], or shares not summing to 1 for %', bad;
	END IF;
END
$$;
SELECT format('    %s: %s lines, %s loaded, 0 rejected (a bad line fails the load)',
	'agency_county_crosswalk.csv', count(*), count(*)) FROM agency_xwalk;

----------------------------------------------------------------------------
-- Matching a city agency's name to its county
----------------------------------------------------------------------------

-- A name as a key: lower case, accents and punctuation gone, Saint/St.,
-- Fort/Ft., Mount/Mt. and -borough/-boro written one way, no spaces
-- ("De Kalb" = "DeKalb")
CREATE FUNCTION pg_temp.name_key(t text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
		regexp_replace(lower(translate(t, 'ñáéíóúüÑÁÉÍÓÚÜ', 'naeiouuNAEIOUU')), '&', ' and ', 'g'),
		'[^a-z0-9 ]', ' ', 'g'),
		'\m(saint|st)\M', 'st', 'g'), '\m(fort|ft)\M', 'ft', 'g'), '\m(mount|mt)\M', 'mt', 'g'),
		'borough\M', 'boro', 'g'), ' ', '')
$$;

-- Edit distance of two short strings (Levenshtein), for misspelt county
-- names ("Glouchester County")
CREATE FUNCTION pg_temp.edit_distance(a text, b text) RETURNS int
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
	prev int[];
	cur int[];
	i int;
	j int;
BEGIN
	prev := ARRAY(SELECT generate_series(0, length(b)));
	FOR i IN 1 .. length(a) LOOP
		cur := ARRAY[i];
		FOR j IN 1 .. length(b) LOOP
			cur := cur || least(prev[j + 1] + 1, cur[j] + 1,
								prev[j] + CASE WHEN substr(a, i, 1) = substr(b, j, 1) THEN 0 ELSE 1 END);
		END LOOP;
		prev := cur;
	END LOOP;
	RETURN prev[length(b) + 1];
END
$$;

-- Every name a Census place or county subdivision is known by, as keys (a
-- place's shares of its counties, which Geocorr rounds to 4 decimals, are
-- scaled to sum to 1 exactly):
-- the name without its legal description ("Abbeville city" -> abbeville),
-- and aliases: without a leading "City of", "Village of", "The Village of"
-- or "Urban" ("City of Orange township" -> orange), without a trailing
-- City, Town or Village that is part of the name ("Agawam Town city",
-- "Boise City city"), and the first part of a consolidated government
-- ("Louisville/Jefferson County metro government (balance)" -> louisville)
CREATE TEMP TABLE unit (
	kind text, id text, state text, fips text, share float8, pop_total bigint,
	incorporated boolean, township boolean, name text, base text);
INSERT INTO unit
SELECT 'place', p.state_fips || p.placefp, c.state, p.fips,
	p.share / sum(p.share) OVER (PARTITION BY p.state_fips, p.placefp),
	sum(p.population_2010) OVER (PARTITION BY p.state_fips, p.placefp),
	p.name !~ ' CDP$', false, p.name,
	regexp_replace(regexp_replace(p.name, ' \(balance\)$', ''),
		' (city and borough|city|town|village|borough|CDP|municipality|corporation|urban county|unified government|consolidated government|metropolitan government|metro government)$', '')
FROM scomm_data.place_county p JOIN scomm_data.county c USING (fips)
WHERE p.placefp <> '99999' AND p.share > 0;
INSERT INTO unit
SELECT 'cousub', geoid, state, fips, 1, NULL, true, name ~ ' (charter )?township$', name,
	regexp_replace(name, ' (charter township|township|town|city|village|borough|CCD|plantation|UT|gore|grant|location|purchase|district)$', '')
FROM scomm_data.county_subdivision
WHERE name !~ '(not defined|^District \d)';

CREATE TEMP TABLE unit_name AS
SELECT DISTINCT u.kind, u.id, u.fips, v.variant, v.alias
FROM unit u,
	LATERAL (SELECT regexp_replace(u.base, '^(City of the Village of|The Village of|Village of|City of|Town of|Borough of|Urban) ', '') AS b) p,
	LATERAL (VALUES (u.base, false), (p.b, true), (regexp_replace(p.b, ' (City|Town|Village)$', ''), true),
		(CASE WHEN u.name ~ '(government|urban county|\(balance\))' THEN regexp_replace(u.base, '[-/].*$', '') END, true)
	) AS v(variant, alias)
WHERE v.variant IS NOT NULL;
CREATE TEMP TABLE name_key AS
SELECT variant, pg_temp.name_key(variant) AS key FROM (SELECT DISTINCT variant FROM unit_name) d;
CREATE TEMP TABLE unit_key AS
SELECT DISTINCT u.*, k.key, n.alias
FROM unit u JOIN unit_name n USING (kind, id, fips) JOIN name_key k USING (variant)
WHERE k.key <> '';
-- an alias that is also a unit's own name is not an alias
DELETE FROM unit_key a WHERE a.alias AND EXISTS (
	SELECT 1 FROM unit_key b WHERE b.kind = a.kind AND b.id = a.id AND b.fips = a.fips AND b.key = a.key AND NOT b.alias);
CREATE INDEX ON unit_key (state, key);
ANALYZE unit_key;

-- the counties of a state, keyed by name without "County", "Parish", "Borough", ...
CREATE TEMP TABLE county_key AS
SELECT fips, state, pg_temp.name_key(regexp_replace(name,
	' (County|Parish|Borough|Census Area|City and Borough|Municipality|city)$', '')) AS key
FROM scomm_data.county;

-- scratch table of the function below
CREATE TEMP TABLE part_found (n int, fips text[], share float8[], weight float8, problem text);

-- The units named KEYS in state ST (in COUNTIES when given), the best-ranked
-- kind only: incorporated places first, then county subdivisions, then
-- census-designated places (which have no police of their own); for a name
-- that says Township, townships first.  HOW: 'exact' (names), 'alias' (names
-- and aliases), 'prefix' (a name that starts with the key: truncated names)
CREATE FUNCTION pg_temp.units_named(st text, keys text[], how text, want_township boolean, counties text[])
RETURNS TABLE (kind text, id text, fips text, share float8, pop_total bigint)
LANGUAGE sql STABLE AS $$
	WITH c AS (
		SELECT u.kind, u.id, u.fips, u.share, u.pop_total,
			CASE WHEN want_township THEN
					 CASE WHEN u.township THEN 0 WHEN u.kind = 'cousub' THEN 1 WHEN u.incorporated THEN 2 ELSE 3 END
				 ELSE CASE WHEN u.kind = 'place' AND u.incorporated THEN 0 WHEN u.kind = 'cousub' THEN 1 ELSE 2 END
			END AS rank
		FROM unit_key u
		WHERE u.state = st
		  AND CASE how WHEN 'exact' THEN u.key = ANY (keys) AND NOT u.alias
					   WHEN 'alias' THEN u.key = ANY (keys)
					   ELSE NOT u.alias AND u.key LIKE keys[1] || '%' END
		  AND (counties IS NULL OR u.fips = ANY (counties)))
	SELECT DISTINCT kind, id, fips, share, pop_total FROM c WHERE rank = (SELECT min(rank) FROM c)
$$;

-- The counties of one name: NULL when no unit has it; one county (share 1);
-- one place that lies in several counties (split by its population share);
-- or, when several units have the name in different counties, the place
-- whose 2010 population is within 50% of the agency's, when there is
-- exactly one; else the problem "ambiguous".
CREATE FUNCTION pg_temp.resolve(st text, keys text[], how text, want_township boolean, counties text[], pop int,
	OUT fips text[], OUT share float8[], OUT problem text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	units text[];
	unit_fips text[];
	unit_share float8[];
	unit_pop bigint[];
	pick text;
	i int;
BEGIN
	SELECT array_agg(u.kind || ':' || u.id ORDER BY u.kind, u.id, u.fips), array_agg(u.fips ORDER BY u.kind, u.id, u.fips),
		   array_agg(u.share ORDER BY u.kind, u.id, u.fips), array_agg(u.pop_total ORDER BY u.kind, u.id, u.fips)
	INTO units, unit_fips, unit_share, unit_pop
	FROM pg_temp.units_named(st, keys, how, want_township, counties) u;
	IF units IS NULL THEN
		RETURN;
	END IF;
	-- a place far smaller than the agency is not its place (a town of 107
	-- residents for a police department of 6,477)
	IF pop > 0 AND NOT EXISTS (SELECT 1 FROM unnest(units, unit_pop) AS x(u, p)
							   WHERE p IS NULL OR pop <= 10 * p + 1000) THEN
		problem := format('the places of that name in %s have %s residents (Census 2010), the agency %s',
						  st, (SELECT max(p) FROM unnest(unit_pop) p), pop);
		RETURN;
	END IF;
	IF (SELECT count(DISTINCT f) FROM unnest(unit_fips) f) = 1 THEN
		fips := ARRAY[unit_fips[1]];
		share := ARRAY[1.0::float8];
		RETURN;
	END IF;
	IF (SELECT count(DISTINCT u) FROM unnest(units) u) > 1 THEN
		SELECT min(u) INTO pick
		FROM unnest(units, unit_pop) AS x(u, p)
		WHERE pop > 0 AND p > 0 AND abs(ln(pop::float8 / p)) < ln(1.5)
		HAVING count(DISTINCT u) = 1;
		IF pick IS NULL THEN
			problem := format('ambiguous: %s places or county subdivisions of that name in %s, in counties %s',
							  (SELECT count(DISTINCT u) FROM unnest(units) u), st,
							  (SELECT string_agg(DISTINCT f, ', ' ORDER BY f) FROM unnest(unit_fips) f));
			RETURN;
		END IF;
	ELSE
		pick := units[1];
	END IF;
	-- the picked unit, in every county it lies in
	FOR i IN 1 .. array_length(units, 1) LOOP
		IF units[i] = pick THEN
			fips := fips || unit_fips[i];
			share := share || unit_share[i];
		END IF;
	END LOOP;
END
$$;

-- A city agency's name taken apart: HINT, a county it names ("Union
-- Township, Clermont County" -> Clermont; "Douglass Township, Montgomery");
-- BODY, the name without it; BARE, the body without what is not part of a
-- place's name ("Regional", "Metro", "Police Department", "Village of",
-- "Township"); TOWNSHIP, the name says it is a township or town
CREATE FUNCTION pg_temp.agency_name_parts(agency text,
	OUT hint text, OUT body text, OUT bare text, OUT township boolean)
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	hint := substring(agency FROM '(?:^|,\s*|\s)([A-Z][A-Za-z.'' ]*?) (?:County|Parish)(?:$|\s|,)');
	body := btrim(regexp_replace(agency, ',?\s*([A-Z][A-Za-z.'' ]*? )?(County|Parish)$', ''));
	IF hint IS NULL AND agency ~ ', ' THEN
		hint := regexp_replace(substring(agency FROM ',\s*([^,]+)$'), '\s+(Township|Twp)$', '');
		body := btrim(substring(agency FROM '^(.*),'));
	END IF;
	township := body ~* '\m(township|towship|twp|town)$' OR body ~* '^town of ' OR body ~* ' town (and|&) village$';
	bare := regexp_replace(body, '(?i)\s+(town (and|&) village|police department|police dept|department of public safety|public safety|police|pd)$', '');
	bare := regexp_replace(bare, '(?i)\s+(area regional|regional|region|area|metropolitan|metro|district|boro|borough|township|towship|twp|town|village|city)$', '');
	bare := regexp_replace(bare, '(?i)^(city of the village of|the village of|village of|city of|town of|borough of)\s+', '');
END
$$;

-- The county (or counties, with shares) of a city agency of Table 8, and how
-- it was found, or the reason why none was.  In order:
--   crosswalk  the project's hand-made list (data/agency_county_crosswalk.csv)
--   county     a name that says its county ("Union Township, Clermont County",
--              "Southern Regional, Lancaster County"): the unit of that name in
--              that county, or else the county itself
--   name       a place or county subdivision of that name in the state
--              ("Wichita" = Wichita city; "Bensalem Township" = Bensalem
--              township), after words that are not part of a place's name
--              ("Regional", "Metro", "Police Department", "Village of") are
--              taken off; then aliases; then names the FBI truncated (not a
--              place with less than a tenth of the agency's population)
--   parts      a joint department named after its members ("Lakewood-Busti",
--              "Fraser/Winter Park", "Addison Town and Village"): every part
--              must be found; split between counties by the parts' population
--   county name  a regional department named after its county ("Northern
--              York Regional", "North Slope Borough")
CREATE FUNCTION pg_temp.match_city(st text, agency text, pop int,
	OUT fips text[], OUT share float8[], OUT method text, OUT problem text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	hint text;
	hint_counties text[];
	body text;
	bare text;
	keys text[];
	township boolean;
	parts text[];
	part text;
	r record;
	part_fips text[];
	part_share float8[];
	part_weight float8[];
	w float8;
	i int;
	first_problem text;
	agg record;
BEGIN
	-- the crosswalk
	SELECT array_agg(x.county_fips ORDER BY x.county_fips), array_agg(x.share ORDER BY x.county_fips)
	INTO fips, share FROM agency_xwalk x WHERE x.state = st AND x.agency = match_city.agency;
	IF fips IS NOT NULL THEN
		method := 'crosswalk';
		RETURN;
	END IF;

	-- the name taken apart
	SELECT p.hint, p.body, p.bare, p.township INTO hint, body, bare, township FROM pg_temp.agency_name_parts(agency) p;
	IF hint IS NOT NULL THEN
		-- the county whose name the hint ends with (longest), else the one a
		-- spelling mistake away (one only)
		SELECT array_agg(k.fips) INTO hint_counties FROM county_key k
		WHERE k.state = st AND pg_temp.name_key(hint) LIKE '%' || k.key
		  AND length(k.key) = (SELECT max(length(k2.key)) FROM county_key k2
							   WHERE k2.state = st AND pg_temp.name_key(hint) LIKE '%' || k2.key);
		IF hint_counties IS NULL THEN
			SELECT array_agg(k.fips) INTO hint_counties FROM county_key k
			WHERE k.state = st AND pg_temp.edit_distance(k.key, pg_temp.name_key(hint)) <= 2
			HAVING count(*) = 1;
		END IF;
	END IF;

	keys := ARRAY[pg_temp.name_key(body), pg_temp.name_key(bare)];

	IF hint_counties IS NOT NULL THEN
		SELECT * INTO r FROM pg_temp.resolve(st, keys, 'alias', township, hint_counties, pop);
		IF r.fips IS NOT NULL THEN
			fips := r.fips; share := r.share; method := 'county';
			RETURN;
		END IF;
		-- no place of that name in the county: the name says the county
		IF array_length(hint_counties, 1) = 1 THEN
			fips := hint_counties; share := ARRAY[1.0::float8]; method := 'county';
			RETURN;
		END IF;
	END IF;

	FOREACH method IN ARRAY ARRAY['exact', 'alias', 'prefix'] LOOP
		CONTINUE WHEN method = 'prefix' AND length(keys[2]) < 15;
		SELECT * INTO r FROM pg_temp.resolve(st, CASE WHEN method = 'prefix' THEN ARRAY[keys[2]] ELSE keys END,
											 method, township, NULL, pop);
		IF r.fips IS NOT NULL OR r.problem IS NOT NULL THEN
			fips := r.fips; share := r.share; problem := r.problem;
			method := CASE WHEN r.fips IS NULL THEN NULL WHEN method = 'prefix' THEN 'truncated name' ELSE 'name' END;
			RETURN;
		END IF;
	END LOOP;
	method := NULL;

	-- a joint department: every part found (a part found in several counties
	-- is looked for again in the counties of the other parts)
	parts := regexp_split_to_array(regexp_replace(body, '(?i)\s+(regional|region|area|police department|police)$', ''),
								   '\s*(?:-|/|&|\mand\M)\s*');
	IF array_length(parts, 1) >= 2 THEN
		DELETE FROM part_found;
		FOR i IN 1 .. array_length(parts, 1) LOOP
			part := regexp_replace(parts[i], '(?i)\s+(township|town|village|city|boro|borough)$', '');
			SELECT * INTO r FROM pg_temp.resolve(st, ARRAY[pg_temp.name_key(parts[i]), pg_temp.name_key(part)],
												 'alias', parts[i] ~* '(township|town)$', NULL, NULL);
			INSERT INTO part_found VALUES (i, r.fips, r.share,
				(SELECT max(u.pop_total) FROM pg_temp.units_named(st, ARRAY[pg_temp.name_key(parts[i]), pg_temp.name_key(part)],
																	'alias', parts[i] ~* '(township|town)$', r.fips) u),
				coalesce(r.problem, CASE WHEN r.fips IS NULL THEN format('no place or county subdivision named %s', quote_literal(parts[i])) END));
		END LOOP;
		-- parts in several counties, again within the counties of the others
		FOR i IN SELECT p.n FROM part_found p WHERE p.problem LIKE 'ambiguous%' LOOP
			part := regexp_replace(parts[i], '(?i)\s+(township|town|village|city|boro|borough)$', '');
			SELECT * INTO r FROM pg_temp.resolve(st, ARRAY[pg_temp.name_key(parts[i]), pg_temp.name_key(part)], 'alias',
				parts[i] ~* '(township|town)$',
				(SELECT array_agg(DISTINCT f) FROM part_found p, unnest(p.fips) f WHERE p.problem IS NULL), NULL);
			IF r.fips IS NOT NULL THEN
				UPDATE part_found p SET fips = r.fips, share = r.share, problem = NULL WHERE p.n = i;
			END IF;
		END LOOP;
		SELECT min(p.problem) INTO first_problem FROM part_found p WHERE p.problem IS NOT NULL;
		IF first_problem IS NULL THEN
			-- weights: the parts' 2010 populations, or equal when one is unknown
			SELECT bool_and(p.weight > 0) AS known, sum(p.weight) AS total, count(*) AS n INTO agg FROM part_found p;
			SELECT array_agg(x.fips ORDER BY x.fips), array_agg(x.s ORDER BY x.fips) INTO fips, share
			FROM (SELECT f.fips, sum(f.share * CASE WHEN agg.known THEN p.weight / agg.total ELSE 1.0 / agg.n END) AS s
				  FROM part_found p, unnest(p.fips, p.share) AS f(fips, share)
				  GROUP BY f.fips) x;
			method := 'parts';
			RETURN;
		END IF;
	END IF;

	-- a regional department named after its county (with or without a
	-- direction: "North Slope Borough", "Northern York Regional")
	SELECT array_agg(k.fips) INTO fips FROM county_key k
	WHERE k.state = st AND k.key IN (pg_temp.name_key(bare),
		pg_temp.name_key(regexp_replace(bare, '(?i)^((north|south|east|west)(ern)?\s*(north|south|east|west)?(ern)?|central|upper|lower)\s+', '')))
	HAVING count(*) = 1;
	IF fips IS NOT NULL THEN
		share := ARRAY[1.0::float8]; method := 'county name';
		RETURN;
	END IF;

	problem := coalesce(first_problem, format('no place or county subdivision named %s in %s', quote_literal(agency), st));
END
$$;

----------------------------------------------------------------------------
-- FBI Table 8 city offenses
----------------------------------------------------------------------------

\echo '--> fbi_cius_table8_city_offenses_2006_2016.csv (matching 11,581 city agencies to their counties)'
CREATE TEMP TABLE raw_city (line int GENERATED ALWAYS AS IDENTITY (START 2), raw text);
\copy raw_city (raw) from 'fbi_cius_table8_city_offenses_2006_2016.csv' with (format csv, header true, delimiter E'\x02', quote E'\x01')
CREATE TEMP TABLE s_city (line int GENERATED ALWAYS AS IDENTITY (START 2),
	year text, state text, state_clean text, city text, city_clean text, population text,
	violent_crime text, murder text, rape_revised text, rape_legacy text, robbery text,
	agg_assault text, property_crime text, burglary text, larceny text,
	motor_vehicle_theft text, arson text);
\copy s_city (year, state, state_clean, city, city_clean, population, violent_crime, murder, rape_revised, rape_legacy, robbery, agg_assault, property_crime, burglary, larceny, motor_vehicle_theft, arson) from 'fbi_cius_table8_city_offenses_2006_2016.csv' with (format csv, header match)

CREATE TEMP TABLE v_city AS
SELECT s.line, s.year, n.usps AS state, s.city_clean AS agency, s.population,
	s.murder, s.rape_legacy, s.rape_revised, s.robbery, s.agg_assault, s.burglary, s.larceny,
	s.motor_vehicle_theft, s.arson,
	coalesce(
		CASE WHEN s.year IS NULL OR s.year !~ '^\d{4}$'
			 THEN format('invalid year %s', coalesce(quote_literal(s.year), '(empty)')) END,
		CASE WHEN n.usps IS NULL
			 THEN format('unknown state %s', coalesce(quote_literal(s.state_clean), '(empty)')) END,
		CASE WHEN s.city_clean IS NULL THEN 'missing city name' END,
		CASE WHEN s.population IS NOT NULL AND s.population !~ '^\d{1,9}$'
			 THEN format('invalid population %s', quote_literal(s.population)) END,
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
FROM s_city s
LEFT JOIN us_state n ON n.name = s.state_clean;
UPDATE v_city v SET problem = format('duplicate of line %s (same state, year and agency)', d.first)
FROM (SELECT state, year, agency, min(line) AS first FROM v_city WHERE problem IS NULL GROUP BY 1, 2, 3) d
WHERE v.problem IS NULL AND v.state = d.state AND v.year = d.year AND v.agency = d.agency AND v.line > d.first;

-- one match per agency name and state (its median population over the years
-- picks between places of the same name).  Most names are simply the name of
-- places or subdivisions in one county: those are matched here at once, the
-- same way pg_temp.match_city would match them, and the function does the rest
CREATE TEMP TABLE city_name AS
SELECT a.state, a.agency, a.pop, p.*
FROM (SELECT state, agency,
			 (percentile_disc(0.5) WITHIN GROUP (ORDER BY population::int))::int AS pop
	  FROM v_city WHERE problem IS NULL GROUP BY state, agency) a,
	LATERAL pg_temp.agency_name_parts(a.agency) p;
CREATE TEMP TABLE city_match AS
SELECT n.state, n.agency, n.pop, ARRAY[min(u.fips)] AS fips, ARRAY[1.0::float8] AS share,
	'name'::text AS method, NULL::text AS problem
FROM city_name n,
	LATERAL pg_temp.units_named(n.state, ARRAY[pg_temp.name_key(n.body), pg_temp.name_key(n.bare)],
								'exact', n.township, NULL) u
WHERE n.hint IS NULL
  AND NOT EXISTS (SELECT 1 FROM agency_xwalk x WHERE x.state = n.state AND x.agency = n.agency)
GROUP BY n.state, n.agency, n.pop
HAVING count(DISTINCT u.fips) = 1
   AND NOT (n.pop > 0 AND bool_and(u.pop_total IS NOT NULL AND n.pop > 10 * u.pop_total + 1000));
INSERT INTO city_match
SELECT n.state, n.agency, n.pop, m.*
FROM city_name n, LATERAL pg_temp.match_city(n.state, n.agency, n.pop) m
WHERE NOT EXISTS (SELECT 1 FROM city_match c WHERE c.state = n.state AND c.agency = n.agency);
UPDATE v_city v SET problem = 'no county: ' || m.problem
FROM city_match m
WHERE v.problem IS NULL AND m.fips IS NULL AND m.state = v.state AND m.agency = v.agency;
INSERT INTO scomm_data.rejects
SELECT 'fbi_cius_table8_city_offenses_2006_2016.csv', v.line, v.problem, r.raw
FROM v_city v JOIN raw_city r USING (line) WHERE v.problem IS NOT NULL;
SELECT format('    %s: %s lines, %s loaded, %s rejected (%s without a county)',
	'fbi_cius_table8_city_offenses_2006_2016.csv', count(*), count(*) FILTER (WHERE problem IS NULL),
	count(*) FILTER (WHERE problem IS NOT NULL), count(*) FILTER (WHERE problem LIKE 'no county:%')) FROM v_city;
\echo '    city agencies matched to a county, by year (lines; population):'
SELECT format('      %s: %s of %s lines (%s%%), population %s%%; split between counties %s; by rule: %s', v.year,
	count(*) FILTER (WHERE v.problem IS NULL), count(*),
	round(100.0 * count(*) FILTER (WHERE v.problem IS NULL) / count(*), 2),
	round(100.0 * sum(v.population::bigint) FILTER (WHERE v.problem IS NULL) / sum(v.population::bigint), 2),
	count(*) FILTER (WHERE v.problem IS NULL AND cardinality(m.fips) > 1),
	(SELECT string_agg(format('%s %s', x.method, x.n), ', ' ORDER BY x.n DESC, x.method)
	 FROM (SELECT m2.method, count(*) AS n FROM v_city v2 JOIN city_match m2 USING (state, agency)
		   WHERE v2.year = v.year AND v2.problem IS NULL GROUP BY 1) x))
FROM v_city v LEFT JOIN city_match m USING (state, agency)
WHERE v.problem IS NULL OR v.problem LIKE 'no county:%'
GROUP BY v.year ORDER BY v.year;

INSERT INTO scomm_data.city_agency (state, agency, fips, share, split, method, population, first_year, last_year, years)
SELECT m.state, m.agency, f.fips, f.share, cardinality(m.fips) > 1, m.method, m.pop,
	y.first_year, y.last_year, y.years
FROM city_match m
CROSS JOIN LATERAL unnest(m.fips, m.share) AS f(fips, share)
JOIN (SELECT state, agency, min(year::int) AS first_year, max(year::int) AS last_year, count(*) AS years
	  FROM v_city WHERE problem IS NULL GROUP BY 1, 2) y USING (state, agency)
WHERE m.fips IS NOT NULL;

----------------------------------------------------------------------------
-- Offences per agency (Tables 8 and 10) and per county
----------------------------------------------------------------------------

\echo '--> agency_year and county_crime: every reporting agency, summed per county'
ANALYZE v_city, v_crime, city_match, scomm_data.city_agency, scomm_data.population;

-- a city's population in every year 2006-2016: the FBI's figure of that
-- year (none: 0), or, in a year it did not report, its median over the years
-- it did
CREATE TEMP TABLE city_pop AS
SELECT a.state, a.agency, a.fips, a.share, y.year,
	CASE WHEN v.line IS NOT NULL THEN coalesce(v.population::int, 0) ELSE a.population END AS population
FROM scomm_data.city_agency a
CROSS JOIN generate_series(2006, 2016) AS y(year)
LEFT JOIN v_city v ON v.state = a.state AND v.agency = a.agency AND v.year::int = y.year AND v.problem IS NULL;

-- the population of the county agencies' jurisdiction, which Table 10 does
-- not print: the county's population less that of its cities with a police
-- department of their own (every city of Table 8 in any year; never below 0)
CREATE TEMP TABLE county_agency_pop AS
SELECT p.fips, p.year, greatest(0, p.population - coalesce(round(sum(cp.population * cp.share)), 0))::int AS population
FROM scomm_data.population p
LEFT JOIN city_pop cp ON cp.fips = p.fips AND cp.year = p.year
WHERE p.year BETWEEN 2006 AND 2016
GROUP BY p.fips, p.year, p.population;

ANALYZE city_pop, county_agency_pop;

-- Rape: legacy definition through 2012, revised from 2013, as in
-- scomm_data.crime; a legacy count printed for 2013 or later is kept apart.
-- A blank is "not published": NULL.
INSERT INTO scomm_data.agency_year
SELECT 8, v.line, v.year::int, v.state, v.agency, 'city', v.population::int,
	a.fips, a.share, a.split, a.method, v.murder::int,
	CASE WHEN v.year::int <= 2012 THEN v.rape_legacy ELSE v.rape_revised END::int,
	CASE WHEN v.year::int >= 2013 THEN v.rape_legacy END::int,
	v.robbery::int, v.agg_assault::int, v.burglary::int, v.larceny::int, v.motor_vehicle_theft::int, v.arson::int
FROM v_city v
JOIN scomm_data.city_agency a USING (state, agency)
WHERE v.problem IS NULL
UNION ALL
SELECT 10, v.line, v.year::int, c.state, s.county_name, v.agency_kind, p.population,
	v.fips, 1, false, 'file', v.murder::int,
	CASE WHEN v.year::int <= 2012 THEN v.rape_legacy ELSE v.rape_revised END::int,
	CASE WHEN v.year::int >= 2013 THEN v.rape_legacy END::int,
	v.robbery::int, v.agg_assault::int, v.burglary::int, v.larceny::int, v.motor_vehicle_theft::int, v.arson::int
FROM v_crime v
JOIN s_crime s USING (line)
JOIN scomm_data.county c USING (fips)
LEFT JOIN county_agency_pop p ON p.fips = v.fips AND p.year = v.year::int
WHERE v.problem IS NULL;

-- Per county, year and offence: the sum over the agencies that published
-- that offence (a split city contributes its share, and the sum is rounded
-- once, to the nearest whole offence); the population they cover (cities:
-- the FBI's population times the share; county agencies: their
-- jurisdiction, once however many of them reported) over the county's
-- (one pass over the agencies per county-year, then one row per offence)
CREATE TEMP TABLE county_year_sum AS
SELECT fips, year,
		sum(murder * share) AS murder, count(murder) FILTER (WHERE source_table = 8) AS murder_c,
		count(murder) FILTER (WHERE source_table = 10) AS murder_k, count(murder) FILTER (WHERE split) AS murder_s,
		sum(population * share) FILTER (WHERE source_table = 8 AND murder IS NOT NULL) AS murder_cp,
		max(population) FILTER (WHERE source_table = 10 AND murder IS NOT NULL) AS murder_kp,
		sum(rape * share) AS rape, count(rape) FILTER (WHERE source_table = 8) AS rape_c,
		count(rape) FILTER (WHERE source_table = 10) AS rape_k, count(rape) FILTER (WHERE split) AS rape_s,
		sum(population * share) FILTER (WHERE source_table = 8 AND rape IS NOT NULL) AS rape_cp,
		max(population) FILTER (WHERE source_table = 10 AND rape IS NOT NULL) AS rape_kp,
		sum(robbery * share) AS robbery, count(robbery) FILTER (WHERE source_table = 8) AS robbery_c,
		count(robbery) FILTER (WHERE source_table = 10) AS robbery_k, count(robbery) FILTER (WHERE split) AS robbery_s,
		sum(population * share) FILTER (WHERE source_table = 8 AND robbery IS NOT NULL) AS robbery_cp,
		max(population) FILTER (WHERE source_table = 10 AND robbery IS NOT NULL) AS robbery_kp,
		sum(aggravated_assault * share) AS aggravated_assault, count(aggravated_assault) FILTER (WHERE source_table = 8) AS aggravated_assault_c,
		count(aggravated_assault) FILTER (WHERE source_table = 10) AS aggravated_assault_k, count(aggravated_assault) FILTER (WHERE split) AS aggravated_assault_s,
		sum(population * share) FILTER (WHERE source_table = 8 AND aggravated_assault IS NOT NULL) AS aggravated_assault_cp,
		max(population) FILTER (WHERE source_table = 10 AND aggravated_assault IS NOT NULL) AS aggravated_assault_kp,
		sum(burglary * share) AS burglary, count(burglary) FILTER (WHERE source_table = 8) AS burglary_c,
		count(burglary) FILTER (WHERE source_table = 10) AS burglary_k, count(burglary) FILTER (WHERE split) AS burglary_s,
		sum(population * share) FILTER (WHERE source_table = 8 AND burglary IS NOT NULL) AS burglary_cp,
		max(population) FILTER (WHERE source_table = 10 AND burglary IS NOT NULL) AS burglary_kp,
		sum(larceny * share) AS larceny, count(larceny) FILTER (WHERE source_table = 8) AS larceny_c,
		count(larceny) FILTER (WHERE source_table = 10) AS larceny_k, count(larceny) FILTER (WHERE split) AS larceny_s,
		sum(population * share) FILTER (WHERE source_table = 8 AND larceny IS NOT NULL) AS larceny_cp,
		max(population) FILTER (WHERE source_table = 10 AND larceny IS NOT NULL) AS larceny_kp,
		sum(motor_vehicle_theft * share) AS motor_vehicle_theft, count(motor_vehicle_theft) FILTER (WHERE source_table = 8) AS motor_vehicle_theft_c,
		count(motor_vehicle_theft) FILTER (WHERE source_table = 10) AS motor_vehicle_theft_k, count(motor_vehicle_theft) FILTER (WHERE split) AS motor_vehicle_theft_s,
		sum(population * share) FILTER (WHERE source_table = 8 AND motor_vehicle_theft IS NOT NULL) AS motor_vehicle_theft_cp,
		max(population) FILTER (WHERE source_table = 10 AND motor_vehicle_theft IS NOT NULL) AS motor_vehicle_theft_kp,
		sum(arson * share) AS arson, count(arson) FILTER (WHERE source_table = 8) AS arson_c,
		count(arson) FILTER (WHERE source_table = 10) AS arson_k, count(arson) FILTER (WHERE split) AS arson_s,
		sum(population * share) FILTER (WHERE source_table = 8 AND arson IS NOT NULL) AS arson_cp,
		max(population) FILTER (WHERE source_table = 10 AND arson IS NOT NULL) AS arson_kp
FROM scomm_data.agency_year
GROUP BY fips, year;
INSERT INTO scomm_data.county_crime (fips, year, offense, count, agencies, city_agencies, county_agencies,
	split_agencies, population_covered, population, coverage)
SELECT w.fips, w.year, o.offense, round(o.count)::bigint, o.cities + o.counties, o.cities, o.counties, o.split,
	round(coalesce(o.city_pop, 0) + coalesce(o.county_pop, 0))::bigint, p.population,
	round(coalesce(o.city_pop, 0) + coalesce(o.county_pop, 0)) / nullif(p.population, 0)
FROM county_year_sum w
CROSS JOIN LATERAL (VALUES
			('murder', w.murder, w.murder_c, w.murder_k, w.murder_s, w.murder_cp, w.murder_kp),
			('rape', w.rape, w.rape_c, w.rape_k, w.rape_s, w.rape_cp, w.rape_kp),
			('robbery', w.robbery, w.robbery_c, w.robbery_k, w.robbery_s, w.robbery_cp, w.robbery_kp),
			('aggravated assault', w.aggravated_assault, w.aggravated_assault_c, w.aggravated_assault_k, w.aggravated_assault_s, w.aggravated_assault_cp, w.aggravated_assault_kp),
			('burglary', w.burglary, w.burglary_c, w.burglary_k, w.burglary_s, w.burglary_cp, w.burglary_kp),
			('larceny', w.larceny, w.larceny_c, w.larceny_k, w.larceny_s, w.larceny_cp, w.larceny_kp),
			('motor vehicle theft', w.motor_vehicle_theft, w.motor_vehicle_theft_c, w.motor_vehicle_theft_k, w.motor_vehicle_theft_s, w.motor_vehicle_theft_cp, w.motor_vehicle_theft_kp),
			('arson', w.arson, w.arson_c, w.arson_k, w.arson_s, w.arson_cp, w.arson_kp)
	) AS o(offense, count, cities, counties, split, city_pop, county_pop)
LEFT JOIN scomm_data.population p ON p.fips = w.fips AND p.year = w.year
WHERE o.cities + o.counties > 0;
SELECT format('    agency_year: %s rows (%s city agencies, %s county agencies); county_crime: %s rows, %s counties',
	(SELECT count(*) FROM scomm_data.agency_year),
	(SELECT count(*) FROM city_match WHERE fips IS NOT NULL),
	(SELECT count(DISTINCT (fips, agency_kind)) FROM v_crime WHERE problem IS NULL),
	(SELECT count(*) FROM scomm_data.county_crime), (SELECT count(DISTINCT fips) FROM scomm_data.county_crime));

----------------------------------------------------------------------------
-- 287(g) agreements
----------------------------------------------------------------------------

\echo '--> ice_287g_agreements_pre2018.csv'
CREATE TEMP TABLE raw_287g (line int GENERATED ALWAYS AS IDENTITY (START 2), raw text);
\copy raw_287g (raw) from 'ice_287g_agreements_pre2018.csv' with (format csv, header true, delimiter E'\x02', quote E'\x01')
CREATE TEMP TABLE s_287g (line int GENERATED ALWAYS AS IDENTITY (START 2),
	state text, agency text, jurisdiction_level text, county_fips text, county_name text,
	first_signed_best text, first_signed_source text, latest_signed text, signing_dates text,
	models text, active_from text, active_to text, terminated text, n_rosters text,
	in_ice_roster text, in_gao_2007 text, in_kostandini text, in_yale_2008 text,
	in_ice_removals text, rem_fy_first text, rem_fy_last text, rem_identified text,
	rem_removed text, in_secondary text, n_secondary_sources text, secondary_sources text,
	n_sources text, confidence text, moa_files text, moa_pdf_present text, moa_archived_url text);
\copy s_287g (state, agency, jurisdiction_level, county_fips, county_name, first_signed_best, first_signed_source, latest_signed, signing_dates, models, active_from, active_to, terminated, n_rosters, in_ice_roster, in_gao_2007, in_kostandini, in_yale_2008, in_ice_removals, rem_fy_first, rem_fy_last, rem_identified, rem_removed, in_secondary, n_secondary_sources, secondary_sources, n_sources, confidence, moa_files, moa_pdf_present, moa_archived_url) from 'ice_287g_agreements_pre2018.csv' with (format csv, header match)

-- the state: the state column without its footnote marks, else the state
-- named after the agency ("... Sheriff's Office (North Carolina)",
-- "Barnstable County, Massachusetts")
CREATE TEMP TABLE v_287g AS
SELECT s.*, n.usps,
	CASE WHEN nullif(s.state, '') IS NULL AND s.agency ~ ', [A-Z][A-Za-z ]+$'
		 THEN regexp_replace(s.agency, ', [A-Z][A-Za-z ]+$', '')
		 ELSE regexp_replace(s.agency, '\s*\([^)]*\)$', '') END AS agency_name,
	ARRAY(SELECT DISTINCT lpad(btrim(f), 5, '0') FROM unnest(string_to_array(s.county_fips, ';')) f
		  ORDER BY 1) AS fips_list,
	coalesce(
		CASE WHEN s.agency IS NULL THEN 'missing agency' END,
		CASE WHEN s.county_fips !~ '^\s*\d{4,5}(\s*;\s*\d{4,5})*\s*$'
			 THEN format('invalid county_fips %s', quote_literal(s.county_fips)) END,
		CASE WHEN s.first_signed_best IS NOT NULL AND pg_temp.try_date(s.first_signed_best) IS NULL
			 THEN format('unparsable first_signed_best %s', quote_literal(s.first_signed_best)) END,
		CASE WHEN s.latest_signed IS NOT NULL AND pg_temp.try_date(s.latest_signed) IS NULL
			 THEN format('unparsable latest_signed %s', quote_literal(s.latest_signed)) END,
		CASE WHEN s.active_from IS NOT NULL AND pg_temp.try_date(s.active_from) IS NULL
			 THEN format('unparsable active_from %s', quote_literal(s.active_from)) END,
		CASE WHEN s.active_to IS NOT NULL AND pg_temp.try_date(s.active_to) IS NULL
			 THEN format('unparsable active_to %s', quote_literal(s.active_to)) END,
		CASE WHEN (s.active_from IS NULL) <> (s.active_to IS NULL) OR s.active_to < s.active_from
			 THEN format('activity window %s to %s is not an interval', coalesce(s.active_from, '(empty)'), coalesce(s.active_to, '(empty)')) END,
		CASE WHEN s.terminated IS DISTINCT FROM 'TRUE' AND s.terminated IS DISTINCT FROM 'FALSE'
			 THEN format('terminated is not TRUE or FALSE: %s', coalesce(quote_literal(s.terminated), '(empty)')) END,
		CASE WHEN s.confidence IS NULL OR s.confidence NOT IN ('high', 'medium', 'low')
			 THEN format('unknown confidence %s', coalesce(quote_literal(s.confidence), '(empty)')) END,
		CASE WHEN s.jurisdiction_level IS NOT NULL AND s.jurisdiction_level NOT IN ('local', 'statewide')
			 THEN format('unknown jurisdiction_level %s', quote_literal(s.jurisdiction_level)) END,
		pg_temp.count_problem('n_sources', s.n_sources),
		pg_temp.count_problem('n_rosters', s.n_rosters),
		pg_temp.count_problem('rem_identified', s.rem_identified),
		pg_temp.count_problem('rem_removed', s.rem_removed)) AS problem
FROM s_287g s
LEFT JOIN us_state n ON upper(n.name) = regexp_replace(s.state, '[^A-Za-z ]', '', 'g')
	OR (nullif(s.state, '') IS NULL AND n.name IN (substring(s.agency FROM '\(([^)]*)\)$'),
												   substring(s.agency FROM ', ([A-Z][A-Za-z ]+)$')));
UPDATE v_287g v SET problem = coalesce(
	(SELECT min(pg_temp.fips_problem(m.fips, u.state_fips IS NOT NULL, c.fips IS NOT NULL))
	 FROM unnest(v.fips_list) f
	 LEFT JOIN renaming r ON r.source_fips = f
	 CROSS JOIN LATERAL (SELECT coalesce(r.county_fips, f) AS fips) m
	 LEFT JOIN scomm_data.county c ON c.fips = m.fips
	 LEFT JOIN us_state u ON u.state_fips = left(m.fips, 2)),
	(SELECT format('county %s is not in %s', min(f), v.usps) FROM unnest(v.fips_list) f
	 JOIN scomm_data.county c ON c.fips = f WHERE v.jurisdiction_level = 'local' AND v.fips_list[2] IS NULL
	 AND c.state <> v.usps HAVING count(*) > 0))
WHERE v.problem IS NULL AND cardinality(v.fips_list) > 0;

-- A local agency without a county FIPS (rows from a single list, the GAO's
-- and Yale's): the county named in its name ("Brevard County Sheriff's
-- Office"), or the county of the city whose police it is ("Hudson City
-- Police Department") or that it is ("El Paso, Texas"), when the state is
-- known and the match is one county
CREATE TEMP TABLE county_287g_by_name AS
SELECT v.line, coalesce(k.fips, (m.fips)[1]) AS fips
FROM v_287g v
LEFT JOIN county_key k ON k.state = v.usps
	AND k.key = pg_temp.name_key(substring(v.agency_name FROM '^(.*?) (County|Parish)\M'))
LEFT JOIN LATERAL pg_temp.match_city(v.usps,
	regexp_replace(regexp_replace(v.agency_name, '(?i)\s*(city\s+)?police department$', ''), '(?i)^city of\s+', ''), NULL) m
	ON k.fips IS NULL AND (v.agency_name ~* 'police department$'
						   OR v.agency_name !~* '(sheriff|department|office|corrections|patrol|police|jail|center|safety)')
WHERE v.problem IS NULL AND v.usps IS NOT NULL AND cardinality(v.fips_list) = 0
  AND v.jurisdiction_level IS DISTINCT FROM 'statewide'
  AND (k.fips IS NOT NULL OR cardinality(m.fips) = 1);

INSERT INTO scomm_data.agreement_287g (id, fips, county_source, state, agency, jurisdiction_level, models,
	jail_enforcement, task_force, signed, latest_signed, active_from, active_to, terminated,
	in_force_from, in_force_to, confidence, n_sources, in_ice_roster, first_signed_source, sources)
SELECT v.line, f.fips, f.county_source, v.usps, v.agency, v.jurisdiction_level, v.models,
	coalesce(v.models ILIKE '%jail%', false), coalesce(v.models ILIKE '%task force%', false),
	v.first_signed_best::date, v.latest_signed::date, v.active_from::date, v.active_to::date,
	v.terminated::boolean,
	CASE WHEN v.active_from IS NOT NULL THEN least(v.first_signed_best::date, v.active_from::date) END,
	CASE WHEN v.terminated::boolean THEN v.active_to::date END,
	v.confidence, v.n_sources::int, v.in_ice_roster::boolean, v.first_signed_source, v.secondary_sources
FROM v_287g v
CROSS JOIN LATERAL (
	SELECT coalesce(r.county_fips, x) AS fips, 'file' AS county_source FROM unnest(v.fips_list) x
	LEFT JOIN renaming r ON r.source_fips = x
	UNION ALL
	SELECT b.fips, 'agency name' FROM county_287g_by_name b WHERE b.line = v.line
	UNION ALL
	SELECT NULL, NULL WHERE cardinality(v.fips_list) = 0
		AND NOT EXISTS (SELECT 1 FROM county_287g_by_name b WHERE b.line = v.line)) f
WHERE v.problem IS NULL;
INSERT INTO scomm_data.rejects
SELECT 'ice_287g_agreements_pre2018.csv', v.line, v.problem, r.raw
FROM v_287g v JOIN raw_287g r USING (line) WHERE v.problem IS NOT NULL;
SELECT format('    %s: %s lines, %s loaded (%s with a county from the file, %s from the agency''s name, %s statewide), %s rejected',
	'ice_287g_agreements_pre2018.csv', count(*), count(*) FILTER (WHERE problem IS NULL),
	(SELECT count(DISTINCT id) FROM scomm_data.agreement_287g WHERE county_source = 'file'),
	(SELECT count(DISTINCT id) FROM scomm_data.agreement_287g WHERE county_source = 'agency name'),
	(SELECT count(DISTINCT id) FROM scomm_data.agreement_287g WHERE jurisdiction_level = 'statewide'),
	count(*) FILTER (WHERE problem IS NOT NULL)) FROM v_287g;

-- Per county and year 2006-2016: whether a 287(g) agreement was in force on
-- at least one day of the year, for how many days, under which models; and
-- whether a statewide agreement of the county's state was
CREATE TEMP TABLE in_force_year AS
SELECT a.id, a.fips, a.state, a.jurisdiction_level, a.jail_enforcement, a.task_force, y.year,
	daterange(a.in_force_from, a.in_force_to, '[]') * daterange(make_date(y.year, 1, 1), make_date(y.year + 1, 1, 1)) AS days
FROM scomm_data.agreement_287g a
CROSS JOIN generate_series(2006, 2016) AS y(year)
WHERE a.in_force_from IS NOT NULL
  AND daterange(a.in_force_from, a.in_force_to, '[]') && daterange(make_date(y.year, 1, 1), make_date(y.year + 1, 1, 1));
INSERT INTO scomm_data.county_287g (fips, year, active, days_active, agreements, jail_enforcement, task_force,
	statewide, first_in_force)
SELECT c.fips, y.year, l.fips IS NOT NULL, coalesce(l.days, 0), coalesce(l.agreements, 0),
	coalesce(l.jail, false), coalesce(l.task, false), s.state IS NOT NULL, f.first_in_force
FROM scomm_data.county c
CROSS JOIN generate_series(2006, 2016) AS y(year)
LEFT JOIN (SELECT i.fips, i.year, count(DISTINCT i.id)::int AS agreements, bool_or(i.jail_enforcement) AS jail,
				  bool_or(i.task_force) AS task,
				  (SELECT sum(upper(x) - lower(x)) FROM unnest(range_agg(i.days)) x)::int AS days
		   FROM in_force_year i WHERE i.fips IS NOT NULL GROUP BY i.fips, i.year) l
	ON l.fips = c.fips AND l.year = y.year
LEFT JOIN (SELECT DISTINCT state, year FROM in_force_year WHERE jurisdiction_level = 'statewide') s
	ON s.state = c.state AND s.year = y.year
LEFT JOIN (SELECT fips, min(in_force_from) AS first_in_force FROM scomm_data.agreement_287g
		   WHERE fips IS NOT NULL GROUP BY fips) f ON f.fips = c.fips;
SELECT format('    county_287g: %s counties with an agreement in force in some year 2006-2016; by year: %s',
	(SELECT count(DISTINCT fips) FROM scomm_data.county_287g WHERE active),
	(SELECT string_agg(format('%s %s', year, n), ', ' ORDER BY year)
	 FROM (SELECT year, count(*) FILTER (WHERE active) AS n FROM scomm_data.county_287g GROUP BY year) s));

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
COMMENT ON COLUMN scomm_data.state.state_fips IS '2-digit state FIPS code';
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
ALTER TABLE scomm_data.place_county ADD PRIMARY KEY (state_fips, placefp, fips),
	ADD FOREIGN KEY (fips) REFERENCES scomm_data.county;
ALTER TABLE scomm_data.county_subdivision ADD FOREIGN KEY (fips) REFERENCES scomm_data.county;
ALTER TABLE scomm_data.city_agency ADD PRIMARY KEY (state, agency, fips),
	ADD FOREIGN KEY (fips) REFERENCES scomm_data.county;
ALTER TABLE scomm_data.agency_year ADD PRIMARY KEY (source_table, line, fips),
	ADD FOREIGN KEY (fips) REFERENCES scomm_data.county;
CREATE INDEX agency_year_fips_year_idx ON scomm_data.agency_year (fips, year);
ALTER TABLE scomm_data.county_crime ADD PRIMARY KEY (fips, year, offense),
	ADD FOREIGN KEY (fips) REFERENCES scomm_data.county;
ALTER TABLE scomm_data.agreement_287g ADD FOREIGN KEY (fips) REFERENCES scomm_data.county;
ALTER TABLE scomm_data.county_287g ADD PRIMARY KEY (fips, year),
	ADD FOREIGN KEY (fips) REFERENCES scomm_data.county;
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
	scomm_data.state, scomm_data.field_office, scomm_data.place_county,
	scomm_data.county_subdivision, scomm_data.city_agency, scomm_data.agency_year,
	scomm_data.county_crime, scomm_data.agreement_287g, scomm_data.county_287g;

\echo '--> rows in scomm_data'
SELECT format('    %-18s %7s rows', t, n) FROM (VALUES
	('county', (SELECT count(*) FROM scomm_data.county)),
	('activation', (SELECT count(*) FROM scomm_data.activation)),
	('population', (SELECT count(*) FROM scomm_data.population)),
	('noncitizen', (SELECT count(*) FROM scomm_data.noncitizen)),
	('crime', (SELECT count(*) FROM scomm_data.crime)),
	('agency_year', (SELECT count(*) FROM scomm_data.agency_year)),
	('county_crime', (SELECT count(*) FROM scomm_data.county_crime)),
	('city_agency', (SELECT count(*) FROM scomm_data.city_agency)),
	('place_county', (SELECT count(*) FROM scomm_data.place_county)),
	('county_subdivision', (SELECT count(*) FROM scomm_data.county_subdivision)),
	('agreement_287g', (SELECT count(*) FROM scomm_data.agreement_287g)),
	('county_287g', (SELECT count(*) FROM scomm_data.county_287g)),
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
