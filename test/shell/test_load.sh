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
	# tables with their rows; views by their definition (their rows come from the tables)
	out+="views $(md5_query "SELECT c.relname || ' ' || pg_get_viewdef(c.oid) FROM pg_class c
		WHERE c.relnamespace = 'scomm_data'::regnamespace AND c.relkind = 'v'")"$'\n'
	for t in $(q "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = 'scomm_data' AND c.relkind = 'r' ORDER BY 1"); do
		# count and an order-free checksum: the sum of 60 bits of each row's md5
		out+="$t $(q "SELECT count(*) || ' ' || coalesce(sum(('x' || left(md5(t::text), 15))::bit(60)::bigint::numeric), 0)
			FROM scomm_data.$t t")"$'\n'
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
cp "$data"/*.csv "$work/"
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
	county_ice_aor.csv fbi_ucr_state_crime_1979_2020.csv fips_crosswalk.csv geocorr2018_place_county_2010.csv \
	census_gazetteer_2017_cousub_names.csv agency_county_crosswalk.csv fbi_cius_table8_city_offenses_2006_2016.csv \
	ice_287g_agreements_pre2018.csv; do
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
# Census places and county subdivisions (the crosswalks for city agencies)
place_lines() {
	# skip the two header lines; Latin-1 names are not compared; the county
	# codes 46102 and 02158 are read as 46113 and 02270
	awk -F'"' 'NR > 2 { split($0, f, ","); c = $2; if (c == "46102") c = "46113"; if (c == "02158") c = "02270"
		n = split($0, g, ","); gsub(/ /, "", g[n]); gsub(/ /, "", g[n - 1])
		print $4 "|" $6 "|" c "|" g[n - 2] "|" g[n] + 0 "|" g[n - 1] + 0 }' "$D/geocorr2018_place_county_2010.csv"
}
check "place_county rows (every line but the two header lines)" "$(($(wc -l <"$D/geocorr2018_place_county_2010.csv") - 2))" \
	"$(q "SELECT count(*) FROM scomm_data.place_county")"
check "place_county checksum (state, place, county, population, shares)" "$(place_lines | md5_sorted)" \
	"$(md5_query "SELECT concat_ws('|', state_fips, placefp, fips, population_2010, share, county_share) FROM scomm_data.place_county")"
check "place_county: every place's shares sum to 1" 0 \
	"$(q "SELECT count(*) FROM (SELECT state_fips, placefp FROM scomm_data.place_county WHERE placefp <> '99999'
		GROUP BY 1, 2 HAVING abs(sum(share) - 1) > 0.001) s")"
check "place_county: the 2010 population of the US" 308745538 "$(q "SELECT sum(population_2010) FROM scomm_data.place_county")"
cousub_lines() {
	python3 -c 'import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
    if r["USPS"] != "PR":
        f = {"46102": "46113", "02158": "02270"}.get(r["county_fips"], r["county_fips"])
        print("|".join([r["GEOID"], f, r["USPS"], r["NAME"], r["FUNCSTAT"]]))' "$D/census_gazetteer_2017_cousub_names.csv"
}
check "county_subdivision checksum (every subdivision outside Puerto Rico)" "$(cousub_lines | md5_sorted)" \
	"$(md5_query "SELECT concat_ws('|', geoid, fips, state, name, funcstat) FROM scomm_data.county_subdivision")"

# ---------------------------------------------------------------------------
# FBI Table 8: every city agency matched to its county, or rejected
t8=fbi_cius_table8_city_offenses_2006_2016.csv
t8_lines=$(($(wc -l <"$D/$t8") - 1))
check "Table 8: every line is in agency_year or in rejects" "$t8_lines" \
	"$(q "SELECT (SELECT count(DISTINCT line) FROM scomm_data.agency_year WHERE source_table = 8)
		+ (SELECT count(*) FROM scomm_data.rejects WHERE file = '$t8')")"
check "Table 8: every rejected line has no county, and says why" 0 \
	"$(q "SELECT count(*) FROM scomm_data.rejects WHERE file = '$t8' AND reason !~ '^no county: (no place or county subdivision named|ambiguous: |the places of that name in)'")"
# the match rate per year, from the file's lines and the rejected lines
for y in $(seq 2006 2016); do
	lines=$(awk -F, -v y=$y 'NR > 1 && $1 == y' "$D/$t8" | wc -l)
	rejected=$(q "SELECT count(*) FROM scomm_data.rejects WHERE file = '$t8' AND raw LIKE '$y,%'")
	pct=$(awk -v l=$lines -v r=$rejected 'BEGIN { printf "%.2f", 100 * (l - r) / l }')
	check "Table 8 match rate $y printed by the loader" 1 \
		"$(grep -c "^      $y: $((lines - rejected)) of $lines lines ($pct%)" "$work/load.out")"
	check "Table 8 match rate $y at least 99%" 1 "$(awk -v p=$pct 'BEGIN { print (p >= 99) }')"
	echo "  Table 8, $y: $((lines - rejected)) of $lines lines matched to a county ($pct%)"
done
# agencies whose county is known independently of the rules: each rule and
# the hand-made crosswalk, one or more examples
while IFS='|' read -r st agency want; do
	check "Table 8 agency $agency ($st) in county $want" "$want" \
		"$(q "SELECT string_agg(fips || ':' || round(share::numeric, 4), ' ' ORDER BY fips) FROM scomm_data.city_agency
			WHERE state = '$st' AND agency = \$\$$agency\$\$")"
done <<'EOF'
TX|Houston|48157:0.0182 48201:0.9799 48339:0.0019
MO|Kansas City|29037:0.0004 29047:0.2467 29095:0.6579 29165:0.0950
NY|New York|36005:0.1694 36047:0.3064 36061:0.1940 36081:0.2729 36085:0.0573
KY|Louisville Metro|21111:1.0000
TN|Nashville Metropolitan|47037:1.0000
HI|Honolulu|15003:1.0000
AK|Anchorage|02020:1.0000
CA|Rancho Santa Margarit|06059:1.0000
CA|Paso Robles|06079:1.0000
CA|Ventura|06111:1.0000
MI|Canton Township|26163:1.0000
PA|Sugarloaf Township, Luzerne County|42079:1.0000
OH|Union Township, Clermont County|39025:1.0000
NJ|Washington Township, Glouchester County|34015:1.0000
PA|Southern Regional, Lancaster County|42071:1.0000
NY|Lakewood-Busti|36013:1.0000
NY|East Aurora-Aurora Town|36029:1.0000
UT|Alpine/Highland|49049:1.0000
PA|Northern York Regional|42133:1.0000
MA|North Attleboro|25005:1.0000
MA|Agawam|25013:1.0000
FL|Village of Pinecrest|12086:1.0000
IL|De Kalb|17037:1.0000
NV|Las Vegas Metropolitan Police Department|32003:1.0000
MD|Baltimore City Sheriff|24510:1.0000
GA|Athens-Clarke County|13059:1.0000
IN|Indianapolis|18097:1.0000
AK|Juneau|02110:1.0000
EOF
check "Houston's shares are Geocorr's population shares of Houston city (scaled to sum to 1)" \
	"$(awk -F, '/"Houston city, TX"/ { gsub(/"| /, "", $1); gsub(/ /, "", $NF); f[$1] = $NF; t += $NF }
		END { for (k in f) printf "%s:%.6f\n", k, f[k] / t }' "$D/geocorr2018_place_county_2010.csv" | sort | tr '\n' ' ' | sed 's/ $//')" \
	"$(q "SELECT string_agg(fips || ':' || round(share::numeric, 6), ' ' ORDER BY fips) FROM scomm_data.city_agency WHERE state = 'TX' AND agency = 'Houston'")"
check "every agency's shares sum to 1" 0 \
	"$(q "SELECT count(*) FROM (SELECT state, agency FROM scomm_data.city_agency GROUP BY 1, 2 HAVING abs(sum(share) - 1) > 1e-9) s")"
check "every line of the hand-made crosswalk names an agency of Table 8" 0 \
	"$(tail -n +2 "$D/agency_county_crosswalk.csv" | python3 -c 'import csv, sys
for r in csv.reader(sys.stdin): print(r[0] + "|" + r[1] + "|" + r[2])' | sort -u | comm -23 - \
		<(q "SELECT state || '|' || agency || '|' || fips FROM scomm_data.city_agency WHERE method = 'crosswalk'" | sort -u) | wc -l)"
# offences are conserved: over every line of Table 8, the matched lines'
# counts (times their shares) plus the rejected lines' counts are the file's
t8_sums() {
	python3 -c 'import csv, sys
s = {}
for r in csv.DictReader(open(sys.argv[1], newline="")):
    for o in ("murder", "robbery", "burglary", "motor_vehicle_theft"):
        if r[o]: s[(r["year"], o)] = s.get((r["year"], o), 0) + int(r[o])
for (y, o), v in sorted(s.items()): print(y, o, v)' "$1"
}
check "Table 8 counts: matched lines (times their shares) and rejected lines add up to the file" "$(t8_sums "$D/$t8")" \
	"$( (q "SELECT year || ',' || coalesce(murder::text, '') || ',' || coalesce(robbery::text, '') || ',' || coalesce(burglary::text, '') || ',' || coalesce(motor_vehicle_theft::text, '')
		FROM (SELECT line, year, sum(murder * share) murder, sum(robbery * share) robbery, sum(burglary * share) burglary,
			  sum(motor_vehicle_theft * share) motor_vehicle_theft FROM scomm_data.agency_year WHERE source_table = 8 GROUP BY 1, 2) s"
		q "SELECT raw FROM scomm_data.rejects WHERE file = '$t8'" | python3 -c 'import csv, sys
for r in csv.reader(sys.stdin): print(",".join([r[0], r[7], r[10], r[13], r[15]]))') |
	python3 -c 'import sys
s = {}
for l in sys.stdin:
    y, *v = l.rstrip("\n").split(",")
    for o, x in zip(("murder", "robbery", "burglary", "motor_vehicle_theft"), v):
        if x: s[(y, o)] = s.get((y, o), 0) + float(x)
for (y, o), v in sorted(s.items()): print(y, o, round(v))')"

# ---------------------------------------------------------------------------
# county_crime, recomputed from the files (Tables 8 and 10), the matches and
# the county populations by test/shell/county_crime_check.py
psql -X -At -F'|' -c "SELECT state, agency, fips, share, population FROM scomm_data.city_agency" >"$work/matches.txt"
psql -X -At -F'|' -c "SELECT fips, year, population FROM scomm_data.population" >"$work/population.txt"
psql -X -At -F'|' -c "SELECT fips, year, offense, count, agencies, city_agencies, county_agencies, split_agencies,
	population_covered, population, coverage FROM scomm_data.county_crime" >"$work/county_crime.txt"
check "county_crime recomputed from the files" "ok $(q "SELECT count(*) FROM scomm_data.county_crime") rows" \
	"$(python3 "$root/test/shell/county_crime_check.py" "$D" "$work/matches.txt" "$work/population.txt" "$work/county_crime.txt" | tail -1)"
check "county_crime includes scomm_data.crime (the county agencies)" 0 \
	"$(q "SELECT count(*) FROM scomm_data.crime k LEFT JOIN scomm_data.county_crime t USING (fips, year, offense)
		WHERE t.count IS NULL OR t.count < k.count OR t.county_agencies < k.agencies")"
check "a county with only a sheriff covers its whole population" "1" \
	"$(q "SELECT DISTINCT coverage FROM scomm_data.county_crime WHERE city_agencies = 0 AND county_agencies > 0
		AND fips NOT IN (SELECT fips FROM scomm_data.city_agency) AND population > 0")"
check "agency_crime is agency_year, one row per published offense" \
	"$(q "SELECT count(murder) + count(rape) + count(rape_legacy_2013) + count(robbery) + count(aggravated_assault)
		+ count(burglary) + count(larceny) + count(motor_vehicle_theft) + count(arson) FROM scomm_data.agency_year")" \
	"$(q "SELECT count(*) FROM scomm_data.agency_crime")"

# ---------------------------------------------------------------------------
# The FBI's own state totals: county_crime summed by state, over the FBI's
# estimate for the state (which imputes for agencies that did not report)
echo "  county_crime summed by state over the FBI's state estimate (scomm_data.state_crime), 2006-2016:"
echo "    state  burglary 2006 ... 2016 / robbery / motor vehicle theft"
q "WITH s AS (SELECT c.state, k.year, k.offense, sum(k.count) AS n FROM scomm_data.county_crime k
			 JOIN scomm_data.county c USING (fips) GROUP BY 1, 2, 3)
	SELECT format('    %s  %s / %s / %s', t.state_abbr,
		string_agg(to_char(b.n::float8 / t.burglary, 'FM0.00'), ' ' ORDER BY t.year),
		string_agg(to_char(r.n::float8 / t.robbery, 'FM0.00'), ' ' ORDER BY t.year),
		string_agg(to_char(m.n::float8 / t.motor_vehicle_theft, 'FM0.00'), ' ' ORDER BY t.year))
	FROM scomm_data.state_crime t
	LEFT JOIN s b ON b.state = t.state_abbr AND b.year = t.year AND b.offense = 'burglary'
	LEFT JOIN s r ON r.state = t.state_abbr AND r.year = t.year AND r.offense = 'robbery'
	LEFT JOIN s m ON m.state = t.state_abbr AND m.year = t.year AND m.offense = 'motor vehicle theft'
	WHERE t.year BETWEEN 2006 AND 2016 AND t.state_abbr <> 'PR'
	GROUP BY t.state_abbr ORDER BY t.state_abbr"
ratios="WITH s AS (SELECT c.state, k.year, k.offense, sum(k.count) AS n FROM scomm_data.county_crime k
			 JOIN scomm_data.county c USING (fips) GROUP BY 1, 2, 3)
	SELECT t.state_abbr, t.year, o.offense, coalesce(s.n, 0)::float8 / o.fbi AS ratio
	FROM scomm_data.state_crime t
	CROSS JOIN LATERAL (VALUES ('burglary', t.burglary), ('robbery', t.robbery), ('motor vehicle theft', t.motor_vehicle_theft)) o(offense, fbi)
	LEFT JOIN s ON s.state = t.state_abbr AND s.year = t.year AND s.offense = o.offense
	WHERE t.year BETWEEN 2006 AND 2016 AND t.state_abbr <> 'PR' AND o.fbi > 0"
medians=$(q "SELECT string_agg(format('%s %s %s', offense, year, to_char(m, 'FM0.000')), ', ' ORDER BY offense, year)
	FROM (SELECT offense, year, percentile_cont(0.5) WITHIN GROUP (ORDER BY ratio) AS m FROM ($ratios) r
		  WHERE year BETWEEN 2008 AND 2012 GROUP BY 1, 2) s")
echo "  median over the states, 2008-2012: $medians"
check "median over the states of the ratio, burglary, robbery and motor vehicle theft 2008-2012, at least 0.85" 0 \
	"$(q "SELECT count(*) FROM (SELECT offense, year, percentile_cont(0.5) WITHIN GROUP (ORDER BY ratio) AS m FROM ($ratios) r
		  WHERE year BETWEEN 2008 AND 2012 GROUP BY 1, 2) s WHERE m < 0.85")"
over=$(q "SELECT count(*) FILTER (WHERE ratio > 1.10) || ' of ' || count(*) FROM ($ratios) r")
echo "  state-years above 1.10 (double counting?), burglary, robbery, motor vehicle theft 2006-2016: $over"
check "at most 2% of the state-years above 1.10" t \
	"$(q "SELECT count(*) FILTER (WHERE ratio > 1.10) <= 0.02 * count(*) FROM ($ratios) r")"

# ---------------------------------------------------------------------------
# 287(g): agreement_287g from the file (the in-force rule computed here), and
# county_287g from agreement_287g (the days counted here)
psql -X -At -F'|' -c "SELECT id, coalesce(fips, ''), coalesce(county_source, '') FROM scomm_data.agreement_287g" >"$work/a287.txt"
check "agreement_287g: every line of the file, with its counties and the in-force rule" "ok" \
	"$(python3 - "$D/ice_287g_agreements_pre2018.csv" "$work/a287.txt" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
db = {}
for l in open(sys.argv[2]):
    i, f, src = l.rstrip("\n").split("|")
    db.setdefault(int(i), []).append((f, src))
bad = []
for n, r in enumerate(rows, start=2):
    fips = sorted({x.strip().zfill(5) for x in r["county_fips"].split(";") if x.strip()})
    got = db.get(n, [])
    if fips and sorted((f, "file") for f in fips) != sorted(got):
        bad.append((n, fips, got))
    if not fips and (len(got) != 1 or (got[0][1] != "agency name") != (got[0][0] == "")):
        bad.append((n, fips, got))
print("ok" if not bad and len(db) == len(rows) else "mismatch %s" % bad[:3])
EOF
)"
check "agreement_287g: in force from the earlier of signing and the activity window, to the window's end if terminated" 0 \
	"$(python3 - "$D/ice_287g_agreements_pre2018.csv" <<'EOF' | comm -3 - <(q "SELECT DISTINCT id || '|' || coalesce(in_force_from::text, '') || '|' || coalesce(in_force_to::text, '') FROM scomm_data.agreement_287g" | sort) | wc -l
import csv, sys
out = []
for n, r in enumerate(csv.DictReader(open(sys.argv[1], newline="")), start=2):
    frm = min(d for d in (r["first_signed_best"], r["active_from"]) if d) if r["active_from"] else ""
    to = r["active_to"] if r["active_from"] and r["terminated"] == "TRUE" else ""
    out.append(f"{n}|{frm}|{to}")
print("\n".join(sorted(out)))
EOF
)"
# by hand: Harris County TX signed 2008-07-20 (in force from then: 165 days of
# 2008), terminated after 2017-01-29 (every day of 2009-2016); Maricopa AZ,
# the sheriff from 2006-10-01 (92 days of 2006), Mesa and Phoenix police too
check "county_287g Harris TX 2007-2010" "2007|f|0 2008|t|165 2009|t|365 2010|t|365" \
	"$(q "SELECT string_agg(concat_ws('|', year, active, days_active), ' ' ORDER BY year) FROM scomm_data.county_287g WHERE fips = '48201' AND year BETWEEN 2007 AND 2010")"
check "county_287g Maricopa AZ 2006, 2010, 2016 (a leap year): agreements in force" "2006|92|1 2010|365|3 2016|366|1" \
	"$(q "SELECT string_agg(concat_ws('|', year, days_active, agreements), ' ' ORDER BY year) FROM scomm_data.county_287g WHERE fips = '04013' AND year IN (2006, 2010, 2016)")"
check "county_287g: statewide agreements (Arizona 2010 yes, Delaware 2013 no, Delaware 2010 yes)" "t f t" \
	"$(q "SELECT concat_ws(' ', (SELECT bool_and(statewide) FROM scomm_data.county_287g k JOIN scomm_data.county c USING (fips) WHERE c.state = 'AZ' AND year = 2010),
		(SELECT bool_or(statewide) FROM scomm_data.county_287g k JOIN scomm_data.county c USING (fips) WHERE c.state = 'DE' AND year = 2013),
		(SELECT bool_and(statewide) FROM scomm_data.county_287g k JOIN scomm_data.county c USING (fips) WHERE c.state = 'DE' AND year = 2010))")"
psql -X -At -F'|' -c "SELECT fips, in_force_from, coalesce(in_force_to::text, '') FROM scomm_data.agreement_287g WHERE fips IS NOT NULL AND in_force_from IS NOT NULL" >"$work/inforce.txt"
check "county_287g: days in force per county and year, counted here" \
	"$(python3 - "$work/inforce.txt" <<'EOF' | md5_sorted
import sys, datetime as dt
days = {}
for l in open(sys.argv[1]):
    f, a, b = l.rstrip("\n").split("|")
    a = dt.date.fromisoformat(a)
    b = dt.date.fromisoformat(b) if b else dt.date(2100, 1, 1)
    d = a
    while d <= b and d.year <= 2016:
        if d.year >= 2006:
            days.setdefault((f, d.year), set()).add(d)
        d += dt.timedelta(days=1)
for (f, y), s in days.items():
    print(f"{f}|{y}|{len(s)}")
EOF
)" "$(md5_query "SELECT concat_ws('|', fips, year, days_active) FROM scomm_data.county_287g WHERE active")"
check "county_287g: one row per county and year 2006-2016, active exactly when days_active > 0" "34573|0" \
	"$(q "SELECT count(*) || '|' || count(*) FILTER (WHERE active <> (days_active > 0)) FROM scomm_data.county_287g")"

# ---------------------------------------------------------------------------
# every table and view in scomm_data, and every column, has a comment
check "every table, view and column in scomm_data has a COMMENT" "" \
	"$(q "SELECT string_agg(x, ', ' ORDER BY x) FROM (
		SELECT c.relname AS x FROM pg_class c WHERE c.relnamespace = 'scomm_data'::regnamespace
			AND c.relkind IN ('r', 'v', 'm', 'p') AND obj_description(c.oid, 'pg_class') IS NULL
		UNION ALL
		SELECT c.relname || '.' || a.attname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
		WHERE c.relnamespace = 'scomm_data'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p')
			AND a.attnum > 0 AND NOT a.attisdropped AND col_description(c.oid, a.attnum) IS NULL) s")"

# ---------------------------------------------------------------------------
# every rejected line, by file
check "rejects per file" \
	"acs_noncitizen_population_county_2009_2018.csv:$(awk -F, 'NR > 1 && substr($1, 1, 2) == "72"' "$D/acs_noncitizen_population_county_2009_2018.csv" | wc -l) \
census_gazetteer_2017_cousub_names.csv:$(grep -c '^"PR",' "$D/census_gazetteer_2017_cousub_names.csv") \
county_fips_names.csv:$(awk -F, 'NR > 1 && $3 + 0 > 56' "$D/county_fips_names.csv" | wc -l) \
county_ice_aor.csv:$(awk -F, 'NR > 1 && (substr($1, 1, 2) == "72" || $1 ~ /^091[1-9]0$/)' "$D/county_ice_aor.csv" | wc -l) \
fbi_cius_table10_county_agency_offenses_2006_2016.csv:2 \
$t8:$(python3 -c 'import csv, sys
m = {tuple(l.rstrip("\n").split("|")[:2]) for l in open(sys.argv[2])}
st = dict(x.split(":") for x in sys.argv[3].split(","))
print(sum((st[r["state_clean"]], r["city_clean"]) not in m for r in csv.DictReader(open(sys.argv[1], newline=""))))' \
	"$D/$t8" "$work/matches.txt" "$(q "SELECT string_agg(name || ':' || state, ',') FROM (SELECT DISTINCT s.state AS name, c.state
		FROM scomm_data.county c JOIN (SELECT DISTINCT state, state_abbr FROM scomm_data.state_crime) s ON s.state_abbr = c.state) x")") \
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
# a data directory with bad rows: good rows load, bad rows are rejected (the
# load after DROP EXTENSION below gives the first database again)
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
rm "$bad/$t8"
cp "$D/$t8" "$bad/$t8"
cat >>"$bad/$t8" <<'EOF'
2010,TEXAS,Texas,Austin,Austin,790390,1,0,,0,1,0,5,-2,3,0,0
2010,ATLANTIS,Atlantis,Poseidonia,Poseidonia,100,0,0,,0,0,0,0,0,0,0,0
2010,TEXAS,Texas,Nowhere Springs,Nowhere Springs,100,0,0,,0,0,0,0,0,0,0,0
2010,TEXAS,Texas,Austin,Austin,790390,1,0,,0,1,0,5,2,3,0,0
EOF
nt8=$(wc -l <"$D/$t8")
g287=ice_287g_agreements_pre2018.csv
rm "$bad/$g287"
cp "$D/$g287" "$bad/$g287"
cat >>"$bad/$g287" <<'EOF'
"TEXAS","Nowhere County Sheriff's Office","local","48999","Nowhere County, TX","2008-01-01",,,,"Jail Enforcement",2008-10-01,2010-09-30,TRUE,,,,,,,,,,,,,,1,"high",,,
"TEXAS","Somewhere County Sheriff's Office","local","48201","Harris County, TX","2008-01-01",,,,"Jail Enforcement",2009-10-01,2008-09-30,TRUE,,,,,,,,,,,,,,1,"high",,,
EOF
ng287=$(wc -l <"$D/$g287")

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
	check "bad rows: Table 8 rejects" \
"$((nt8 + 1))|negative count in burglary: -2
$((nt8 + 2))|unknown state 'Atlantis'
$((nt8 + 3))|no county: no place or county subdivision named 'Nowhere Springs' in TX
$((nt8 + 4))|duplicate of line $(grep -n '^2010,TEXAS,Texas,Austin,' "$D/$t8" | cut -d: -f1) (same state, year and agency)" \
		"$(q "SELECT line || '|' || reason FROM scomm_data.rejects WHERE file = '$t8' AND line > $nt8 ORDER BY line")"
	check "bad rows: Austin 2010 still from its own line" \
		"$(awk -F, '$1 == 2010 && $5 == "Austin" && $2 == "TEXAS" { print $14 }' "$D/$t8")" \
		"$(q "SELECT burglary FROM scomm_data.agency_year WHERE state = 'TX' AND agency = 'Austin' AND year = 2010 AND fips = '48453'")"
	check "bad rows: 287(g) rejects" \
"$((ng287 + 1))|unknown FIPS code 48999 (not a county of the 2010 geography)
$((ng287 + 2))|activity window 2009-10-01 to 2008-09-30 is not an interval" \
		"$(q "SELECT line || '|' || reason FROM scomm_data.rejects WHERE file = '$g287' ORDER BY line")"
fi

# a bad line in the project's own crosswalk of agencies fails the load
mkdir "$work/badxw"
for f in "$D"/*.csv "$D"/*.geojson; do ln -s "$f" "$work/badxw/"; done
rm "$work/badxw/agency_county_crosswalk.csv"
{ cat "$D/agency_county_crosswalk.csv"; echo 'TX,Nowhere,06037,1,a county of another state'; } >"$work/badxw/agency_county_crosswalk.csv"
snap_bad=$(snapshot)
if "$root/scripts/load" "$work/badxw" >"$work/badxw.out" 2>&1; then
	check "a crosswalk line with a county of another state fails the load" failed succeeded
else
	check "a bad crosswalk line is named" 1 "$(grep -c 'agency_county_crosswalk.csv: unknown county.*TX Nowhere' "$work/badxw.out")"
fi
check "a load with a bad crosswalk line leaves the data intact" "$snap_bad" "$(snapshot)"

# ---------------------------------------------------------------------------
# the data is not owned by the extension
echo "  DROP EXTENSION scomm"
check "scomm_data objects are not members of the extension" 0 \
	"$(q "SELECT count(*) FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
		WHERE e.extname = 'scomm' AND d.deptype = 'e' AND d.classid = 'pg_class'::regclass
		AND d.objid IN (SELECT oid FROM pg_class WHERE relnamespace = 'scomm_data'::regnamespace)")"
snap_bad=$(snapshot)
if psql -X -q -c "DROP EXTENSION scomm" >"$work/drop.out" 2>&1; then
	check "DROP EXTENSION scomm refuses while activation.cohort uses its type" refused dropped
else
	check "DROP EXTENSION scomm names the dependent column" 1 "$(grep -m1 -c 'column cohort of table scomm_data.activation' "$work/drop.out")"
fi
check "a refused DROP EXTENSION leaves the data" "$snap_bad" "$(snapshot)"
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
check "CREATE EXTENSION scomm and a load restore everything (the first database, not the bad rows)" "$snap1" "$(snapshot)"

echo "  $checks checks, $failures failed"
[ $failures = 0 ]
