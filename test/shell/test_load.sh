#!/usr/bin/env bash
# test_load.sh: scripts/load and the real data it loads.
#
# On a fresh database (CREATE EXTENSION scomm CASCADE) of the server the PG*
# variables point at: loads data/, then checks row counts and checksums of
# every table against values computed here from the data files with
# awk/sort/md5sum, the documented activation counts, every known quirk, a
# data directory with bad rows, a second load (nothing changes), failing
# loads (nothing changes) and DROP EXTENSION scomm.  Drops its database at
# the end.  Exit status non-zero on any failure, with one line per failure.
set -uo pipefail
export LC_ALL=C
root="$(cd "$(dirname "$0")/../.." && pwd)"
data="$root/data"
db=scomm_load_test
work=$(mktemp -d)
failures=0
checks=0

psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" \
	-c "CREATE DATABASE $db" || { echo "  cannot create database $db"; exit 1; }
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1; rm -rf "$work"' EXIT
export PGDATABASE=$db
psql -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning; CREATE EXTENSION scomm CASCADE" ||
	{ echo "  CREATE EXTENSION scomm CASCADE failed"; exit 1; }

q() { psql -X -At -v ON_ERROR_STOP=1 -c "$1"; }
# the same with the extension's operators on the search path
qs() { PGOPTIONS="-c search_path=public,scomm" q "$1"; }

# check WHAT EXPECTED ACTUAL
check() {
	checks=$((checks + 1))
	if [ "$2" != "$3" ]; then
		echo "  FAIL: $1: expected '$2', got '$3'"
		failures=$((failures + 1))
	fi
}

# md5 of lines on stdin, sorted bytewise
md5_sorted() { sort | md5sum | cut -d' ' -f1; }
# md5 of the same lines built by a query: one text column
md5_query() { q "$1" | md5_sorted; }

# every scomm_data table and view, and their definitions, as one checksum
snapshot() {
	local t out=""
	for t in $(q "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = 'scomm_data' AND c.relkind IN ('r', 'v') ORDER BY 1"); do
		out+="$t $(q "SELECT count(*) FROM scomm_data.$t") $(md5_query "SELECT t::text FROM scomm_data.$t t")"$'\n'
	done
	out+="columns $(md5_query "SELECT concat_ws('|', table_name, column_name, data_type, udt_schema, udt_name, is_nullable)
		FROM information_schema.columns WHERE table_schema = 'scomm_data'")"$'\n'
	out+="indexes $(md5_query "SELECT indexdef FROM pg_indexes WHERE schemaname = 'scomm_data'")"$'\n'
	out+="constraints $(md5_query "SELECT conrelid::regclass || ' ' || pg_get_constraintdef(oid)
		FROM pg_constraint WHERE connamespace = 'scomm_data'::regnamespace")"
	printf '%s\n' "$out"
}

# the data files, decompressed
for f in "$data"/*.gz; do gzip -dc "$f" >"$work/$(basename "$f" .gz)"; done
cp "$data"/fips_crosswalk.csv "$work/"
D=$work

# ---------------------------------------------------------------------------
echo "  loading data/"
start=$(date +%s%N)
if ! "$root/scripts/load" >"$work/load.out" 2>&1; then
	echo "  FAIL: scripts/load failed:"; sed 's/^/    /' "$work/load.out"; exit 1
fi
ms=$((($(date +%s%N) - start) / 1000000))
echo "  scripts/load took $((ms / 1000)).$(printf %03d $((ms % 1000))) s"
for f in county_fips_names.csv us_counties_2010_20m.geojson scomm_activation_by_county.csv \
	census_county_population_2000_2009_v2009.csv census_county_popestimate_2010_2019_v2019.csv \
	acs_noncitizen_population_county_2009_2018.csv fbi_cius_table10_county_agency_offenses_2006_2016.csv \
	county_ice_aor.csv fbi_ucr_state_crime_1979_2020.csv; do
	check "loader reports loaded and rejected lines of $f" 1 \
		"$(grep -c "^    $f: .* loaded.* rejected" "$work/load.out")"
done

# ---------------------------------------------------------------------------
# county: names of the 50 states + DC from the names file, geometries
us='$3 + 0 <= 56'   # state_fips of the 50 states and DC (the file has 60+ for territories)
check "county rows" "$(awk -F, "NR > 1 && $us" "$D/county_fips_names.csv" | wc -l)" \
	"$(q "SELECT count(*) FROM scomm_data.county")"
check "county checksum (fips, name, state, state_fips)" \
	"$(awk -F, "NR > 1 && $us { print \$1 \"|\" \$4 \"|\" \$2 \"|\" \$3 }" "$D/county_fips_names.csv" | md5_sorted)" \
	"$(md5_query "SELECT concat_ws('|', fips, name, state, state_fips) FROM scomm_data.county")"
# points of every polygon, per county, from the GeoJSON text (FIPS from GEO_ID)
check "county geometry checksum (points per county)" \
	"$(awk 'BEGIN { RS = "\"type\": \"Feature\"" } NR > 1 {
		match($0, /"GEO_ID": "0500000US[0-9]+"/); id = substr($0, RSTART + 20, 5)
		n = gsub(/\[-?[0-9.]+, -?[0-9.]+\]/, "")
		if (substr(id, 1, 2) != "72") print id "|" n }' "$D/us_counties_2010_20m.geojson" | md5_sorted)" \
	"$(md5_query "SELECT fips || '|' || ST_NPoints(geom) FROM scomm_data.county")"
check "GeoJSON mixes Polygon and MultiPolygon" "yes" \
	"$(grep -q '"type": "Polygon"' "$D/us_counties_2010_20m.geojson" &&
		grep -q '"type": "MultiPolygon"' "$D/us_counties_2010_20m.geojson" && echo yes)"
check "all geometries MultiPolygon, SRID 4326, valid" "3143|MULTIPOLYGON|4326|3143" \
	"$(q "SELECT count(*), min(GeometryType(geom)), min(ST_SRID(geom)), count(*) FILTER (WHERE ST_IsValid(geom))
		FROM scomm_data.county GROUP BY GeometryType(geom), ST_SRID(geom)")"
check "geometry column types (geom, geom_simple)" "geom MULTIPOLYGON 4326,geom_simple MULTIPOLYGON 4326" \
	"$(q "SELECT string_agg(f_geometry_column || ' ' || type || ' ' || srid, ',' ORDER BY f_geometry_column)
		FROM geometry_columns WHERE f_table_schema = 'scomm_data' AND f_table_name = 'county'")"
# simplified boundaries: every county, valid, fewer points, within 0.01 degree
# of the boundary (plus rounding), neighbours still neighbours, no overlaps
check "simplified boundaries: all valid MultiPolygons with fewer points" "3143|3143|t" \
	"$(q "SELECT count(*), count(*) FILTER (WHERE ST_IsValid(geom_simple) AND GeometryType(geom_simple) = 'MULTIPOLYGON'),
		sum(ST_NPoints(geom_simple)) < sum(ST_NPoints(geom)) / 1.5 FROM scomm_data.county")"
check "simplified boundaries within 0.01 degree of the boundaries (islands below that size may go)" 0 \
	"$(q "SELECT count(*) FROM scomm_data.county
		WHERE ST_HausdorffDistance(ST_Boundary(geom_simple), ST_Boundary(geom)) > 0.0100001
		  AND ST_NumGeometries(geom_simple) = ST_NumGeometries(geom)")"
check "simplified boundaries: the same neighbour pairs, no overlaps" "9128|9128|0" \
	"$(q "SELECT count(*) FILTER (WHERE ST_Intersects(a.geom, b.geom)),
		count(*) FILTER (WHERE ST_Intersects(a.geom_simple, b.geom_simple)),
		count(*) FILTER (WHERE ST_Relate(a.geom_simple, b.geom_simple, '2********'))
		FROM scomm_data.county a JOIN scomm_data.county b
		ON a.fips < b.fips AND ST_Expand(a.geom, 0.05) && b.geom")"
check "states: 51, every county once, the union of their counties" "51|3143|0" \
	"$(q "SELECT count(*), sum(counties), count(*) FILTER (WHERE abs(ST_Area(geom) - (SELECT sum(ST_Area(c.geom))
		FROM scomm_data.county c WHERE c.state_fips = s.state_fips)) > 1e-6) FROM scomm_data.state s")"
check "field offices: the 24 AOR codes, every county once" "24|3143|0" \
	"$(q "SELECT count(*), sum(counties), count(*) FILTER (WHERE abs(ST_Area(geom) - (SELECT sum(ST_Area(c.geom))
		FROM scomm_data.county c JOIN scomm_data.ice_aor a USING (fips) WHERE a.aor = f.aor)) > 1e-6)
		FROM scomm_data.field_office f")"
check "field office of Harris County TX" "HOU Houston" \
	"$(q "SELECT f.aor || ' ' || f.name FROM scomm_data.field_office f WHERE ST_Contains(f.geom, ST_SetSRID(ST_MakePoint(-95.37, 29.76), 4326))")"
check "GiST index on county.geom" 1 \
	"$(q "SELECT count(*) FROM pg_indexes WHERE schemaname = 'scomm_data' AND tablename = 'county' AND indexdef LIKE '%USING gist (geom)%'")"
check "Shannon County SD: fips 46113 from GEO_ID, GeoJSON id 46102" "46113|Shannon County|SD|46102" \
	"$(q "SELECT concat_ws('|', fips, name, state, geojson_id) FROM scomm_data.county WHERE fips IN ('46113', '46102')")"
check "no Puerto Rico counties" 0 "$(q "SELECT count(*) FROM scomm_data.county WHERE state_fips = '72'")"
check "Puerto Rico features rejected" \
	"$(grep -o '"GEO_ID": "0500000US72' "$D/us_counties_2010_20m.geojson" | wc -l)" \
	"$(q "SELECT count(*) FROM scomm_data.rejects WHERE file = 'us_counties_2010_20m.geojson' AND reason LIKE '%outside the 50 states and DC'")"
check "a spatial query uses the geometries (Harris TX contains Houston)" "48201" \
	"$(q "SELECT fips FROM scomm_data.county WHERE ST_Contains(geom, ST_SetSRID(ST_MakePoint(-95.37, 29.76), 4326))")"

# ---------------------------------------------------------------------------
# activation
check "activation rows (every dated line)" "$(awk -F, 'NR > 1 && $3 != ""' "$D/scomm_activation_by_county.csv" | wc -l)" \
	"$(q "SELECT count(*) FROM scomm_data.activation")"
check "activation checksum" \
	"$(awk -F, 'NR > 1 && $3 != "" { print $1 "|" $2 "|" $3 "|" $5 "|" $6 "|" $7 "|" $8 }' "$D/scomm_activation_by_county.csv" | md5_sorted)" \
	"$(md5_query "SELECT concat_ws('|', fips, state_fips, activation_date, coalesce(statewide_complete_date::text, ''),
		borough::int, parish::int, independent_city::int) FROM scomm_data.activation")"
check "cohort equals activation_date" 0 \
	"$(qs "SELECT count(*) FROM scomm_data.activation
		WHERE cohort::text <> activation_date::text OR cohort <> activation_date::activation_cohort")"
# the counts documented with the source (SOURCES.md, from the paper's data)
check "counties activated per year 2008-2013" "2008:14 2009:91 2010:790 2011:1099 2012:1043 2013:106" \
	"$(q "SELECT string_agg(y || ':' || n, ' ' ORDER BY y) FROM (SELECT extract(year FROM activation_date)::int y, count(*) n
		FROM scomm_data.activation GROUP BY 1) s")"
check "counties activated per year, from the file" \
	"$(awk -F, 'NR > 1 && $3 != "" { n[substr($3, 1, 4)]++ } END { for (y in n) print y ":" n[y] }' "$D/scomm_activation_by_county.csv" | sort | tr '\n' ' ' | sed 's/ $//')" \
	"$(q "SELECT string_agg(y || ':' || n, ' ' ORDER BY y) FROM (SELECT extract(year FROM activation_date)::int y, count(*) n
		FROM scomm_data.activation GROUP BY 1) s")"
check "counties activated before 2010-10-01" 661 \
	"$(qs "SELECT count(*) FROM scomm_data.activation WHERE cohort < '2010-10-01'")"
check "legacy codes kept, flagged, not counties" "02201 02232 02280 51560 51780" \
	"$(q "SELECT string_agg(a.fips, ' ' ORDER BY a.fips) FROM scomm_data.activation a
		LEFT JOIN scomm_data.county c USING (fips) WHERE a.legacy_code AND c.fips IS NULL")"
check "no other activation row without a county" 0 \
	"$(q "SELECT count(*) FROM scomm_data.activation a WHERE NOT legacy_code AND NOT EXISTS (SELECT 1 FROM scomm_data.county c WHERE c.fips = a.fips)")"
check "codes without a date rejected" "02231:no activation date 12025:no activation date 30113:no activation date 41006:no activation date" \
	"$(q "SELECT string_agg(left(raw, 5) || ':' || reason, ' ' ORDER BY line) FROM scomm_data.rejects WHERE file = 'scomm_activation_by_county.csv'")"
check "Shannon County activation joins the county" "46113|Shannon County|2010-08-31" \
	"$(q "SELECT concat_ws('|', c.fips, c.name, a.cohort) FROM scomm_data.activation a JOIN scomm_data.county c USING (fips) WHERE c.geojson_id = '46102'")"
check "county_activation: one dated row per county" "3143|3143|3143" \
	"$(q "SELECT count(*), count(DISTINCT fips), count(cohort) FROM scomm_data.county_activation")"
check "county_activation: Alaska areas created 2007-2008 take their predecessor's date" \
	"02105<02232:2012-04-10 02195<02280:2012-04-10 02198<02201:2012-04-10 02230<02232:2012-04-10 02275<02280:2012-04-10" \
	"$(q "SELECT string_agg(fips || '<' || activation_fips || ':' || cohort, ' ' ORDER BY fips) FROM scomm_data.county_activation WHERE fips <> activation_fips")"

# ---------------------------------------------------------------------------
# population: 2000-2009 from vintage 2009, 2010-2019 from vintage 2019
# (renamed codes 46102 -> 46113 and 02158 -> 02270)
pop_lines() {
	tr -d '\r' <"$D/census_county_population_2000_2009_v2009.csv" |
		awk -F, 'NR > 1 && $1 == 50 { for (y = 0; y < 10; y++) printf "%02d%03d|%d|%s|2009\n", $4, $5, 2000 + y, $(10 + y) }'
	awk -F, 'NR > 1 && $1 == "050" { f = $4 $5; if (f == "46102") f = "46113"; if (f == "02158") f = "02270"
		for (y = 0; y < 10; y++) printf "%s|%d|%s|2019\n", f, 2010 + y, $(8 + y) }' \
		"$D/census_county_popestimate_2010_2019_v2019.csv"
}
check "population rows" "$(pop_lines | wc -l)" "$(q "SELECT count(*) FROM scomm_data.population")"
check "population checksum" "$(pop_lines | md5_sorted)" \
	"$(md5_query "SELECT concat_ws('|', fips, year, population, vintage) FROM scomm_data.population")"
check "Shannon SD and Wade Hampton AK have 2000-2019" "02270:20 46113:20" \
	"$(q "SELECT string_agg(fips || ':' || n, ' ' ORDER BY fips) FROM (SELECT fips, count(*) n FROM scomm_data.population
		WHERE fips IN ('46113', '02270') GROUP BY fips) s")"

# ---------------------------------------------------------------------------
# non-citizens: Puerto Rico rows (all empty) rejected
ncit_lines() {
	awk -F, 'NR > 1 && substr($1, 1, 2) != "72" && $3 != "" { f = $1; if (f == "46102") f = "46113"; if (f == "02158") f = "02270"
		print f "|" $2 "|" $3 "|" $4 }' "$D/acs_noncitizen_population_county_2009_2018.csv"
}
check "noncitizen rows" "$(ncit_lines | wc -l)" "$(q "SELECT count(*) FROM scomm_data.noncitizen")"
check "noncitizen checksum" "$(ncit_lines | md5_sorted)" \
	"$(md5_query "SELECT concat_ws('|', fips, year, noncitizens, coalesce(moe::text, '')) FROM scomm_data.noncitizen")"
check "noncitizen: Puerto Rico lines rejected" \
	"$(awk -F, 'NR > 1 && substr($1, 1, 2) == "72"' "$D/acs_noncitizen_population_county_2009_2018.csv" | wc -l)" \
	"$(q "SELECT count(*) FROM scomm_data.rejects WHERE file = 'acs_noncitizen_population_county_2009_2018.csv' AND reason LIKE 'FIPS 72% is outside the 50 states and DC'")"
check "Shannon SD non-citizens 2009-2018 under 46113" 10 "$(q "SELECT count(*) FROM scomm_data.noncitizen WHERE fips = '46113'")"

# ---------------------------------------------------------------------------
# crime: one row per county, year and offense, summed over the county's
# agencies; rape legacy through 2012, revised from 2013; a blank from any
# agency means no row; the same agency twice in a county-year is rejected
crime_lines() {
	sed 's/"[^"]*"/X/g' "$D/fbi_cius_table10_county_agency_offenses_2006_2016.csv" | awk -F, '
	NR > 1 {
		f = $1; if (f == "46102") f = "46113"
		if (seen[f "," $2 "," $6]++) next
		split("murder,rape,robbery,aggravated assault,burglary,larceny,motor vehicle theft,arson", name, ",")
		col[1] = 8; col[2] = ($2 <= 2012 ? 10 : 9); col[3] = 11; col[4] = 12
		col[5] = 14; col[6] = 15; col[7] = 16; col[8] = 17
		for (i = 1; i <= 8; i++) {
			k = f "|" $2 "|" name[i]
			n[k]++; if ($(col[i]) == "") blank[k] = 1; else sum[k] += $(col[i])
		}
	}
	END { for (k in n) if (!(k in blank)) print k "|" sum[k] "|" n[k] }'
}
check "crime rows" "$(crime_lines | wc -l)" "$(q "SELECT count(*) FROM scomm_data.crime")"
check "crime checksum" "$(crime_lines | md5_sorted)" \
	"$(md5_query "SELECT concat_ws('|', fips, year, offense, count, agencies) FROM scomm_data.crime")"
check "crime offenses as the FBI names them" "aggravated assault,arson,burglary,larceny,motor vehicle theft,murder,rape,robbery" \
	"$(q "SELECT string_agg(DISTINCT offense, ',' ORDER BY offense) FROM scomm_data.crime")"
check "county-years with a sheriff and a county police department, summed" \
	"$(sed 's/"[^"]*"/X/g' "$D/fbi_cius_table10_county_agency_offenses_2006_2016.csv" |
		awk -F, 'NR > 1 { k[$1 "," $2] = k[$1 "," $2] " " $6 } END { for (x in k) if (k[x] ~ /police/ && k[x] ~ /sheriff/) n++; print n }')" \
	"$(q "SELECT count(DISTINCT (fips, year)) FROM scomm_data.crime WHERE agencies = 2")"
check "the same sheriff twice in a county-year rejected as a duplicate" 2 \
	"$(q "SELECT count(*) FROM scomm_data.rejects WHERE file LIKE 'fbi_cius%' AND reason LIKE 'duplicate of line % (same county, year and agency kind)'")"
check "rape: legacy definition 2012, revised 2013 (Harris County TX)" \
	"$(awk -F, '$1 == "48201" && $2 == 2012 { a = $10 } $1 == "48201" && $2 == 2013 { b = $9 } END { print a "|" b }' "$D/fbi_cius_table10_county_agency_offenses_2006_2016.csv")" \
	"$(q "SELECT string_agg(count::text, '|' ORDER BY year) FROM scomm_data.crime WHERE fips = '48201' AND offense = 'rape' AND year IN (2012, 2013)")"
check "Oglala Lakota 2016 (46102) loaded as Shannon County 46113" "2014 2015 2016" \
	"$(q "SELECT string_agg(year::text, ' ' ORDER BY year) FROM scomm_data.crime WHERE fips = '46113' AND offense = 'murder'")"

# ---------------------------------------------------------------------------
# ICE AOR: recent codes mapped to 2010 counties; Connecticut (planning
# regions in the file) and Bedford city VA take their single-AOR state's AOR
aor_lines() {
	awk -F, 'NR > 1 { f = $1; a = $NF
		if (f == "46102") f = "46113"; if (f == "02158") f = "02270"; if (f == "02063" || f == "02066") f = "02261"
		if (substr(f, 1, 2) == "72" || f ~ /^091[1-9]0$/) next
		print f "|" a "|file" }' "$D/county_ice_aor.csv" | sort -u
	printf '%s|BOS|state\n' 09001 09003 09005 09007 09009 09011 09013 09015
	echo "51515|WAS|state"
}
check "ice_aor checksum" "$(aor_lines | md5_sorted)" \
	"$(md5_query "SELECT concat_ws('|', fips, aor, source) FROM scomm_data.ice_aor")"
check "every county has an AOR" 3143 "$(q "SELECT count(*) FROM scomm_data.ice_aor")"

# ---------------------------------------------------------------------------
# FBI state UCR file, as it is
check "state_crime checksum" "$(tr -d '"' <"$D/fbi_ucr_state_crime_1979_2020.csv" | awk -F, 'NR > 1 { $2 = ""; print }' OFS='|' | sed 's/||/|/' | md5_sorted)" \
	"$(md5_query "SELECT format('%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s', state, state_abbr, year, population,
		violent_crime, homicide, rape_legacy, rape_revised, robbery, aggravated_assault, property_crime, burglary,
		larceny, motor_vehicle_theft, arson) FROM scomm_data.state_crime")"

# ---------------------------------------------------------------------------
# every rejected line, by file
check "rejects per file" \
	"acs_noncitizen_population_county_2009_2018.csv:$(awk -F, 'NR > 1 && substr($1, 1, 2) == "72"' "$D/acs_noncitizen_population_county_2009_2018.csv" | wc -l) \
county_fips_names.csv:$(awk -F, 'NR > 1 && $3 + 0 > 56' "$D/county_fips_names.csv" | wc -l) \
county_ice_aor.csv:$(awk -F, 'NR > 1 && (substr($1, 1, 2) == "72" || $1 ~ /^091[1-9]0$/)' "$D/county_ice_aor.csv" | wc -l) \
fbi_cius_table10_county_agency_offenses_2006_2016.csv:2 \
scomm_activation_by_county.csv:$(awk -F, 'NR > 1 && $3 == ""' "$D/scomm_activation_by_county.csv" | wc -l) \
us_counties_2010_20m.geojson:$(grep -o '"GEO_ID": "0500000US72' "$D/us_counties_2010_20m.geojson" | wc -l)" \
	"$(q "SELECT string_agg(file || ':' || n, ' ' ORDER BY file) FROM (SELECT file, count(*) n FROM scomm_data.rejects GROUP BY file) s")"
check "rejected raw lines are the file's lines" 0 \
	"$(q "SELECT count(*) FROM scomm_data.rejects WHERE file = 'acs_noncitizen_population_county_2009_2018.csv'
		AND raw NOT LIKE '72%'")"
check "rejected line numbers point at the lines" \
	"$(awk -F, 'NR > 1 && $3 == "" { print NR "|" $0 }' "$D/scomm_activation_by_county.csv" | md5_sorted)" \
	"$(md5_query "SELECT line || '|' || raw FROM scomm_data.rejects WHERE file = 'scomm_activation_by_county.csv'")"

# ---------------------------------------------------------------------------
echo "  loading data/ again"
snap1=$(snapshot)
"$root/scripts/load" >"$work/load2.out" 2>&1 || { echo "  FAIL: second load failed"; sed 's/^/    /' "$work/load2.out"; failures=$((failures + 1)); }
check "a second load gives the same database" "$snap1" "$(snapshot)"

# ---------------------------------------------------------------------------
# failing loads leave the previous data intact
echo "  failing loads"
mkdir "$work/broken"
for f in "$D"/*.csv "$D"/*.geojson; do ln -s "$f" "$work/broken/"; done
rm "$work/broken/fbi_cius_table10_county_agency_offenses_2006_2016.csv"
sed '1s/murder/homicide/' "$D/fbi_cius_table10_county_agency_offenses_2006_2016.csv" \
	>"$work/broken/fbi_cius_table10_county_agency_offenses_2006_2016.csv"
if "$root/scripts/load" "$work/broken" >"$work/broken.out" 2>&1; then
	check "a load with a wrong header fails" failed succeeded
else
	check "a failing load says it was rolled back" 1 "$(grep -c 'rolled back' "$work/broken.out")"
fi
check "a failed load leaves the previous data intact" "$snap1" "$(snapshot)"

rm "$work/broken/county_ice_aor.csv"
if SCOMM_DATA_DIR="$work/broken" "$root/scripts/load" >"$work/missing.out" 2>&1; then
	check "a load with a missing file fails" failed succeeded
else
	check "a missing file is named" 1 "$(grep -c 'missing data file .*county_ice_aor.csv' "$work/missing.out")"
fi
check "a load with a missing file leaves the data intact" "$snap1" "$(snapshot)"

# ---------------------------------------------------------------------------
# a data directory with bad rows: good rows load, bad rows are rejected
echo "  loading a data directory with bad rows"
bad="$work/bad"
mkdir "$bad"
for f in "$D"/*.csv "$D"/*.geojson; do ln -s "$f" "$bad/"; done
act=scomm_activation_by_county.csv
rm "$bad/$act"
sed 's/^01001,01,2011-04-26,/01001,01,2011-13-45,/' "$D/$act" >"$bad/$act"
cat >>"$bad/$act" <<'EOF'
0600X,06,2011-01-01,2011,2011-01-01,0,0,0
99001,99,2011-01-01,2011,2011-01-01,0,0,0
06999,06,2011-01-01,2011,2011-01-01,0,0,0
06001,06,2011-01-01,2011,2011-01-01,0,0,0
06003,06,yesterday,2011,2011-01-01,0,0,0
EOF
nact=$(wc -l <"$D/$act")
ncit=acs_noncitizen_population_county_2009_2018.csv
rm "$bad/$ncit"
cp "$D/$ncit" "$bad/$ncit"
printf '01001,2019,-5,3\n01001,2020,abc,1\n01001,2009,445,158\n' >>"$bad/$ncit"
nncit=$(wc -l <"$D/$ncit")
crime=fbi_cius_table10_county_agency_offenses_2006_2016.csv
rm "$bad/$crime"
cp "$D/$crime" "$bad/$crime"
printf '01003,2016,Alabama,Baldwin,metropolitan,county_sheriff,1,-3,,,0,1,0,0,0,0,\n01999,2016,Alabama,Nowhere,metropolitan,county_sheriff,1,0,,,0,1,0,0,0,0,\n' >>"$bad/$crime"
ncrime=$(wc -l <"$D/$crime")
pop=census_county_popestimate_2010_2019_v2019.csv
rm "$bad/$pop"
cp "$D/$pop" "$bad/$pop"
echo '050,3,6,01,001,Alabama,Autauga County,1,2,3,4,5,6,7,8,9,10' >>"$bad/$pop"
echo '050,3,6,01,999,Alabama,Nowhere County,1,2,3,4,5,6,7,8,9,10' >>"$bad/$pop"
echo '050,3,6,01,003,Alabama,Baldwin County,1,2,3,-4,5,6,7,8,9,10' >>"$bad/$pop"
npop=$(wc -l <"$D/$pop")

if ! SCOMM_DATA_DIR="$bad" "$root/scripts/load" >"$work/bad.out" 2>&1; then
	echo "  FAIL: loading a data directory with bad rows failed:"; sed 's/^/    /' "$work/bad.out"
	failures=$((failures + 1))
else
	check "bad rows: activation good rows loaded" 3142 "$(q "SELECT count(*) FROM scomm_data.activation")"
	check "bad rows: 01001 with a bad date not loaded" 0 "$(q "SELECT count(*) FROM scomm_data.activation WHERE fips = '01001'")"
	check "bad rows: activation rejects" \
"2|unparsable activation_date '2011-13-45'
$((nact + 1))|invalid FIPS code '0600X'
$((nact + 2))|FIPS 99001 is outside the 50 states and DC
$((nact + 3))|unknown FIPS code 06999 (not a county of the 2010 geography)
$((nact + 4))|duplicate of line $(grep -n '^06001,' "$D/$act" | cut -d: -f1)
$((nact + 5))|unparsable activation_date 'yesterday'" \
		"$(q "SELECT line || '|' || reason FROM scomm_data.rejects WHERE file = '$act' AND reason <> 'no activation date' ORDER BY line")"
	check "bad rows: raw line kept" "06003,06,yesterday,2011,2011-01-01,0,0,0" \
		"$(q "SELECT raw FROM scomm_data.rejects WHERE file = '$act' AND line = $((nact + 5))")"
	check "bad rows: noncitizen rejects" \
"$((nncit + 1))|negative count in noncit_pop: -5
$((nncit + 2))|noncit_pop is not a whole number: 'abc'
$((nncit + 3))|duplicate of line 2" \
		"$(q "SELECT line || '|' || reason FROM scomm_data.rejects WHERE file = '$ncit' AND raw NOT LIKE '72%' ORDER BY line")"
	check "bad rows: noncitizen good rows loaded" "$(ncit_lines | wc -l)" "$(q "SELECT count(*) FROM scomm_data.noncitizen")"
	check "bad rows: crime rejects" \
"$((ncrime + 1))|negative count in murder: -3
$((ncrime + 2))|unknown FIPS code 01999 (not a county of the 2010 geography)" \
		"$(q "SELECT line || '|' || reason FROM scomm_data.rejects WHERE file = '$crime' AND reason NOT LIKE 'duplicate%' ORDER BY line")"
	check "bad rows: crime good rows loaded" "$(crime_lines | md5_sorted)" \
		"$(md5_query "SELECT concat_ws('|', fips, year, offense, count, agencies) FROM scomm_data.crime")"
	check "bad rows: population rejects" \
"$((npop + 1))|duplicate of line 3
$((npop + 2))|unknown FIPS code 01999 (not a county of the 2010 geography)
$((npop + 3))|negative count in POPESTIMATE2013: -4" \
		"$(q "SELECT line || '|' || reason FROM scomm_data.rejects WHERE file = '$pop' ORDER BY line")"
	check "bad rows: population good rows loaded" "$(pop_lines | md5_sorted)" \
		"$(md5_query "SELECT concat_ws('|', fips, year, population, vintage) FROM scomm_data.population")"
	check "bad rows: the loader reports them" 1 \
		"$(grep -c "^    $act: $((nact + 4)) lines, 3142 loaded (5 with a pre-2010 code), 10 rejected" "$work/bad.out")"
fi

echo "  loading data/ after the bad rows"
"$root/scripts/load" >/dev/null 2>&1 || { echo "  FAIL: reload failed"; failures=$((failures + 1)); }
check "reloading data/ gives the first database again" "$snap1" "$(snapshot)"

# ---------------------------------------------------------------------------
# the data is not owned by the extension
echo "  DROP EXTENSION scomm"
check "scomm_data objects are not members of the extension" 0 \
	"$(q "SELECT count(*) FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
		WHERE e.extname = 'scomm' AND d.deptype = 'e' AND d.classid = 'pg_class'::regclass
		AND d.objid IN (SELECT oid FROM pg_class WHERE relnamespace = 'scomm_data'::regnamespace)")"
if psql -X -q -c "DROP EXTENSION scomm" >"$work/drop.out" 2>&1; then
	check "DROP EXTENSION scomm refuses while activation.cohort uses its type" refused dropped
else
	check "DROP EXTENSION scomm names the dependent column" 1 "$(grep -m1 -c 'column cohort of table scomm_data.activation' "$work/drop.out")"
fi
check "a refused DROP EXTENSION leaves the data" "$snap1" "$(snapshot)"
counts_before=$(q "SELECT (SELECT count(*) FROM scomm_data.county) || ' ' || (SELECT count(*) FROM scomm_data.crime) || ' '
	|| (SELECT count(*) FROM scomm_data.population) || ' ' || (SELECT count(*) FROM scomm_data.activation)")
dates_before=$(md5_query "SELECT fips || activation_date FROM scomm_data.activation")
q "SET client_min_messages = warning; DROP EXTENSION scomm CASCADE" >/dev/null
check "after DROP EXTENSION scomm CASCADE the tables and rows remain" "$counts_before" \
	"$(q "SELECT (SELECT count(*) FROM scomm_data.county) || ' ' || (SELECT count(*) FROM scomm_data.crime) || ' '
	|| (SELECT count(*) FROM scomm_data.population) || ' ' || (SELECT count(*) FROM scomm_data.activation)")"
check "after DROP EXTENSION scomm CASCADE the activation dates remain" "$dates_before" \
	"$(md5_query "SELECT fips || activation_date FROM scomm_data.activation")"
q "SET client_min_messages = warning; CREATE EXTENSION scomm" >/dev/null
"$root/scripts/load" >/dev/null 2>&1 || { echo "  FAIL: load after CREATE EXTENSION failed"; failures=$((failures + 1)); }
check "CREATE EXTENSION scomm and a load restore everything" "$snap1" "$(snapshot)"

echo "  $checks checks, $failures failed"
[ $failures = 0 ]
