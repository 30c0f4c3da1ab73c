#!/usr/bin/env bash
# scripts/figure_trajectories draws a 1500x900 PNG from the real data on the server in the PG
# environment variables (scripts/test sets them to its private cluster), storing one trajectory
# group per county of the model's panel (property crime with adequate coverage, risk factors
# known) in scomm_data.county_trajectory; loading the data again keeps that table and its
# foreign key.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
db=scomm_figure_traj_test
work=$(mktemp -d)
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db"; rm -rf "$work"' EXIT
export PGDATABASE=$db
"$root/scripts/figure_trajectories" "$work/f.png" >/dev/null 2>&1
sig=$(od -An -tx1 -N8 "$work/f.png" | tr -d ' \n')
size=$(od -An -tu1 -j16 -N8 "$work/f.png" | awk '{ print $1*16777216 + $2*65536 + $3*256 + $4 "x" $5*16777216 + $6*65536 + $7*256 + $8 }')
bytes=$(stat -c %s "$work/f.png")
fail=0
[ "$sig" = 89504e470d0a1a0a ] || { echo "  not a PNG: $sig"; fail=1; }
[ "$size" = 1500x900 ] || { echo "  size $size, want 1500x900"; fail=1; }
[ "$bytes" -gt 50000 ] || { echo "  only $bytes bytes: empty panels?"; fail=1; }
# every county fitted (a property crime year with at least 90% coverage, risk factors known) is
# in exactly one group, its modal one: group ids 1..K, posteriors in [1/K, 1]
counts() {
	psql -X -Atq -c "SELECT (SELECT count(*) FROM scomm_data.county_trajectory) || ' ' ||
		(SELECT count(DISTINCT fips) FROM (SELECT fips FROM scomm_data.county_crime
		 WHERE offense IN ('burglary', 'larceny', 'motor vehicle theft')
		 GROUP BY fips, year HAVING count(*) = 3 AND min(coverage) >= 0.9 AND max(population_covered) > 0) x
		 WHERE fips IN (SELECT a.fips FROM scomm_data.activation a
		                JOIN scomm_data.noncitizen n ON n.fips = a.fips AND n.year = 2010
		                JOIN scomm_data.population p ON p.fips = a.fips AND p.year = 2010 WHERE p.population > 0)) || ' ' ||
		(SELECT count(*) FROM pg_constraint WHERE conrelid = 'scomm_data.county_trajectory'::regclass AND contype = 'f') || ' ' ||
		(SELECT count(*) FROM scomm_data.county_trajectory, scomm_data.county_trajectory_model m, scomm.trajectory_summary(m.model) s
		 WHERE group_id NOT BETWEEN 1 AND s.groups OR NOT posterior BETWEEN 1.0 / s.groups AND 1)"
}
read -r stored want fk bad <<<"$(counts)"
[ "$stored" = "$want" ] && [ "$stored" -gt 2000 ] || { echo "  county_trajectory has $stored counties, want $want"; fail=1; }
[ "$fk" = 1 ] && [ "$bad" = 0 ] || { echo "  foreign key $fk, rows out of range $bad"; fail=1; }
"$root/scripts/load" >/dev/null 2>&1 || { echo "  loading again failed with county_trajectory present"; fail=1; }
read -r stored2 want2 fk2 bad2 <<<"$(counts)"
[ "$stored2" = "$stored" ] && [ "$fk2" = 1 ] || { echo "  after a reload: $stored2 rows, foreign key $fk2"; fail=1; }
[ $fail = 0 ] && echo "  ok: figure $size, $bytes bytes; $stored counties in county_trajectory, kept by a reload"
exit $fail
