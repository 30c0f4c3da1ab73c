#!/usr/bin/env bash
# The numbers scripts/demo prints, checked against counts computed here with
# awk straight from the shipped activation file.  Runs against the server in
# the PG environment variables (scripts/test sets them to its private cluster).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
db=scomm_demo_test
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db"' EXIT

out=$(PGDATABASE=$db "$root/scripts/demo" 2>/dev/null)
fail=0
expect() {	# expect LABEL WANT GOT
	if [ "$2" = "$3" ]; then echo "  ok: $1 = $2"; else echo "  MISMATCH: $1: want $2, got $3"; fail=1; fi
}

csv() { gzip -dc "$root/data/scomm_activation_by_county.csv.gz"; }
# cell NF PATTERN: column 2 of the demo's table with NF columns whose first
# column matches PATTERN (awk regex, spaces ignored)
cell() {
	printf '%s\n' "$out" | awk -F'|' -v nf="$1" -v pat="$2" '
		{ key = $1; gsub(/ /, "", key) } NF == nf && key ~ pat { gsub(/ /, "", $2); print $2 }'
}
for y in 2008 2009 2010 2011 2012 2013; do
	want=$(csv | awk -F, -v y="$y" 'NR > 1 && substr($3, 1, 4) == y' | wc -l)
	got=$(cell 2 "^$y\$")
	expect "activated in $y" "$want" "$got"
done
want=$(csv | awk -F, 'NR > 1 && $3 != "" && $3 < "2010-10-01"' | wc -l)
got=$(cell 4 '^early$')
expect "early (before 2010-10-01)" "$want" "$got"
want=$(csv | awk -F, 'NR > 1 && $3 >= "2010-10-01"' | wc -l)
got=$(cell 4 '^late$')
expect "late" "$want" "$got"
for fy in 2009 2010 2011 2012 2013; do
	want=$(csv | awk -F, -v fy="$fy" 'NR > 1 && $3 != "" {
		y = substr($3, 1, 4) + 0; m = substr($3, 6, 2) + 0; if (m >= 10) y++; if (y == fy) n++ } END { print n + 0 }')
	got=$(cell 3 "^FY$fy\$")
	expect "fiscal year $fy" "$want" "$got"
done
# the published per-year figures (SOURCES.md of the activation file)
expect "published 2011 count" 1099 "$(cell 2 '^2011$')"
# the event study: periods 2006-2012 are kept (2013, the last cohort, is the
# control until then), cohorts 2008-2012, varying base from 2007: e = -5 .. 4
got=$(printf '%s\n' "$out" | awk -F'|' '/^Event study/ { f = 1; next } f && /^$/ { f = 0 }
	f && NF == 5 { gsub(/ /, "", $1); if ($1 ~ /^-?[0-9]+$/) print $1 }' | paste -sd' ')
expect "event times of the DiD event study" "-5 -4 -3 -2 -1 0 1 2 3 4" "$got"
got=$(printf '%s\n' "$out" | grep -c "^ group-time ATT\|^ two-way fixed effects\|^ naive: mean after" || true)
expect "overall estimates printed" 3 "$got"
# the analysis as S-Comm studies run it: the 1.0 analysis uses the counties seen
# every year (from the panel table); on county totals with coverage >= 90%,
# unbalanced => 'keep' uses every county with one such year, 'drop' those with
# all eleven (both counted here from scomm_data.county_crime)
every_year=$(printf '%s\n' "$out" | awk -F'|' '/counties_every_year_2006_2016/ { getline; getline; gsub(/ /, "", $2); print $2; exit }')
expect "1.0 analysis: counties observed every year" "$every_year" "$(cell 6 '^1\.0:')"
read -r any_year all_years <<<"$(psql -X -At -F' ' -d $db -c "SELECT count(*), count(*) FILTER (WHERE years = 11) FROM (
	SELECT fips, count(*) AS years FROM (SELECT fips, year FROM scomm_data.county_crime
	  WHERE offense IN ('murder', 'rape', 'robbery', 'aggravated assault') AND population > 0
	  GROUP BY fips, year HAVING count(*) = 4 AND min(coverage) >= 0.9) y
	JOIN scomm_data.activation USING (fips) GROUP BY fips) c")"
expect "county totals, coverage >= 90%: counties seen every year" "$all_years" "$(cell 6 '^countytotals')"
expect "unbalanced => keep: every county with an adequate year" "$any_year" "$(cell 6 '^keepthecounties')"
expect "variants of the analysis printed" 8 "$(printf '%s\n' "$out" | awk -F'|' 'NF == 6 && $2 ~ /^ *[0-9]+ *$/ && $1 ~ /(1\.0:|county totals|keep the|\+ |the same with)/' | wc -l)"
expect "stored event study: an overall row and event times from -5" "t -5" \
	"$(psql -X -At -F' ' -d $db -c "SELECT count(*) FILTER (WHERE label IS NULL) = 1, min(label) FROM scomm_data.did_event_study")"
[ -s "$root/out/event_study.png" ] || { echo "  no out/event_study.png"; fail=1; }
# the latent class step (50_classes.sql): one class per county, the chosen model's
# classes numbered from 1, posteriors in (0, 1] and at least 1/classes (the largest)
chosen=$(printf '%s\n' "$out" | awk -F'|' '/lowest BIC/ { gsub(/ /, "", $1); print $1 }')
expect "county_class: every county, classes 1..$chosen, posteriors in range" t \
	"$(psql -X -At -d $db -c "SELECT count(*) = (SELECT count(*) FROM scomm_data.county)
		AND min(class) = 1 AND max(class) <= ${chosen:-0}
		AND bool_and(posterior <= 1 AND posterior >= 1.0 / ${chosen:-1} - 1e-12)
		FROM scomm_data.county_class")"
# the robustness step (45_robust.sql): four event studies side by side for
# e = -6 .. 4, the Goodman-Bacon weights summing to 1, the five sentences
got=$(printf '%s\n' "$out" | awk -F'|' '/^Four event studies/ { f = 1; next } f && /^$/ { f = 0 }
	f && NF == 8 { gsub(/ /, "", $1); if ($1 ~ /^-?[0-9]+$/) print $1 }' | paste -sd' ')
expect "event times of the four event studies" "-6 -5 -4 -3 -2 -1 0 1 2 3 4" "$got"
got=$(printf '%s\n' "$out" | awk -F'|' '/^Goodman-Bacon decomposition/ { f = 1; next } f && /^$/ { f = 0 }
	f && NF == 5 && $3 ~ /[0-9]/ { s += $3; n++ } END { printf "%d %.3f", n, s }')
expect "Goodman-Bacon: three types, weights summing to 1" "3 1.000" "$got"
got=$(printf '%s\n' "$out" | sed -n '/^Reading$/,/^$/p' | grep -c '^[1-5]\. ' || true)
expect "sentences of the reading" 5 "$got"
printf '%s\n' "$out" | grep -q "psql -h" || { echo "  the demo does not say how to connect"; fail=1; }
q() { psql -X -At -d $db -c "$1"; }
# a new session of the demo's database has scomm on its search path
expect "search_path of a new session" "public, scomm" "$(q "SHOW search_path")"
expect "an operator of scomm without a schema" t "$(q "SELECT 'L1'::scomm.criminality_level > 'L2'")"
# every table, view and column in scomm_data has a comment, the demo's too
expect "tables, views and columns of scomm_data without a COMMENT" "" \
	"$(q "SELECT string_agg(x, ', ' ORDER BY x) FROM (
		SELECT c.relname AS x FROM pg_class c WHERE c.relnamespace = 'scomm_data'::regnamespace
			AND c.relkind IN ('r', 'v', 'm', 'p') AND obj_description(c.oid, 'pg_class') IS NULL
		UNION ALL
		SELECT c.relname || '.' || a.attname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
		WHERE c.relnamespace = 'scomm_data'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p')
			AND a.attnum > 0 AND NOT a.attisdropped AND col_description(c.oid, a.attnum) IS NULL) s")"
# a BI tool or QGIS sees scomm's types as opaque: every relation with an
# activation cohort has the plain activation date beside it, and the layers
# have no column of scomm's types at all
expect "relations with an activation_cohort column but no activation_date date column" "" \
	"$(q "SELECT string_agg(DISTINCT c.relname, ', ') FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
		WHERE c.relnamespace = 'scomm_data'::regnamespace AND a.atttypid = 'scomm.activation_cohort'::regtype
		  AND NOT EXISTS (SELECT 1 FROM pg_attribute d WHERE d.attrelid = c.oid AND d.attname = 'activation_date'
						  AND d.atttypid = 'date'::regtype)")"
expect "columns of scomm's types in the map layers" 0 \
	"$(q "SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid
		WHERE c.relnamespace = 'scomm_data'::regnamespace AND c.relname LIKE '%\_layer' AND a.attnum > 0
		  AND t.typnamespace = 'scomm'::regnamespace")"
# the layers' extent is the United States (QGIS zooms to it), not -180..180:
# the Aleutians east of 180 degrees are moved by -360
for layer in county_layer state_layer field_office_layer; do
	expect "$layer extent within -190..-60 by 18..72 degrees" t \
		"$(q "SELECT ST_XMin(e) > -190 AND ST_XMax(e) < -60 AND ST_YMin(e) > 18 AND ST_YMax(e) < 72
			FROM (SELECT ST_Extent(geom) AS e FROM scomm_data.$layer) s")"
done
expect "Aleutians West in county_layer: west of -180, the same area" "t|t" \
	"$(q "SELECT ST_XMin(l.geom) < -180 AND ST_XMax(l.geom) < -160, abs(ST_Area(l.geom) - ST_Area(c.geom_simple)) < 1e-9
		FROM scomm_data.county_layer l JOIN scomm_data.county c USING (fips) WHERE fips = '02016'" | tr -d ' ')"
# DROP EXTENSION scomm CASCADE drops exactly what the README says it drops
# after the demo (the block after "drops these" in README.md)
want=$(awk '/DROP EXTENSION scomm CASCADE` drops these/ { f = 1; next } f && /^ *```$/ { if (b) exit; b = 1; next }
	f && b { sub(/^ +/, ""); print }' "$root/README.md" | sort)
got=$(psql -X -q -d $db -c "SET client_min_messages = notice" -c "DROP EXTENSION scomm CASCADE" 2>&1 |
	sed -n 's/^\(DETAIL:  \)\{0,1\}drop cascades to //p' | sort)
expect "DROP EXTENSION scomm CASCADE after the demo drops what the README lists" "$want" "$got"
[ -n "$want" ] || { echo "  README.md lists nothing that DROP EXTENSION scomm CASCADE drops"; fail=1; }
exit $fail
