# scripts/bench load (sourced by scripts/bench): pgbench with 8 clients for
# 60 s (SCOMM_BENCH_SECONDS) running a mix of the analysis queries on the real
# data; prints the transactions, the failed ones (target 0) and the server's
# memory (the sum of the resident memory of its processes, sampled every
# second) in the first and the last ten seconds (target: flat).
seconds="${SCOMM_BENCH_SECONDS:-60}"
clients="${SCOMM_BENCH_CLIENTS:-8}"
work=$(mktemp -d)

log "loading the real data and preparing the stored panels"
"$SCOMM_ROOT/scripts/load" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
SET search_path = public, scomm;
SET client_min_messages = warning;
DROP TABLE IF EXISTS load_rates, load_panels, load_removals;
CREATE TABLE load_rates AS
SELECT c.fips, c.year, c.offense, a.cohort, crime_rate(c.count, p.population) AS rate
FROM scomm_data.crime c JOIN scomm_data.activation a USING (fips)
JOIN scomm_data.population p ON p.fips = c.fips AND p.year = c.year
WHERE p.population > 0;
CREATE INDEX ON load_rates (offense);
CREATE TABLE load_panels AS
SELECT offense, did_panel(fips::bigint, make_date(year, 7, 1), rate, cohort, 'year') AS panel
FROM load_rates GROUP BY offense;
CREATE TABLE load_removals AS
SELECT r.* FROM (SELECT array_agg(a.fips ORDER BY a.fips) AS f, array_agg(a.cohort ORDER BY a.fips) AS c,
                        array_agg(coalesce(n.noncitizens, 0)::float8 ORDER BY a.fips) AS n
                 FROM scomm_data.activation a
                 LEFT JOIN scomm_data.noncitizen n ON n.fips = a.fips AND n.year = 2009) x,
     simulate_removals(x.f, x.c, x.n, seed => 1) r;
ANALYZE load_rates;
ANALYZE load_panels;
ANALYZE load_removals;
SQL

cat >"$work/prepost.sql" <<'SQL'
\set o random(1, 8)
SELECT (scomm.prepost(rate, make_date(year, 7, 1), cohort)).*
FROM load_rates WHERE offense = (ARRAY['murder', 'rape', 'robbery', 'aggravated assault', 'burglary',
                                       'larceny', 'motor vehicle theft', 'arson'])[:o];
SQL
cat >"$work/event_study.sql" <<'SQL'
\set o random(1, 8)
SELECT * FROM scomm.att_aggregate((SELECT panel FROM load_panels
	WHERE offense = (ARRAY['murder', 'rape', 'robbery', 'aggravated assault', 'burglary',
	                       'larceny', 'motor vehicle theft', 'arson'])[:o]), 'dynamic');
SQL
cat >"$work/levels.sql" <<'SQL'
SELECT scomm.is_early(a.cohort) AS early, (scomm.level_counts(r.level)).*
FROM load_removals r JOIN scomm_data.activation a USING (fips) GROUP BY 1;
SQL
cat >"$work/baseline.sql" <<'SQL'
\set s random(1, 56)
SELECT fips, year, scomm.baseline_change(rate, make_date(year, 7, 1), cohort) OVER (PARTITION BY fips)
FROM load_rates WHERE offense = 'burglary' AND left(fips, 2) = lpad(:s::text, 2, '0');
SQL
cat >"$work/bootstrap.sql" <<'SQL'
SELECT * FROM scomm.att_aggregate((SELECT panel FROM load_panels WHERE offense = 'robbery'), 'dynamic',
                                  bootstrap => 199, seed => 7);
SQL

# the server's memory: sum of RSS (kB) of the postmaster and its children
postmaster=$(head -1 "$(psql -X -At -c 'SHOW data_directory')/postmaster.pid")
server_rss() {
	ps -o rss= --ppid "$postmaster" -p "$postmaster" | awk '{ s += $1 } END { print s + 0 }'
}
log "pgbench: $clients clients, $seconds s, a mix of prepost, event studies, level counts, baselines, bootstraps"
( for i in $(seq 1 "$seconds"); do sleep 1; echo "$i $(server_rss)"; done ) >"$work/rss" &
sampler=$!
pgbench -n -c "$clients" -j 2 -T "$seconds" -P 10 \
	-f "$work/prepost.sql@4" -f "$work/event_study.sql@2" -f "$work/levels.sql@2" \
	-f "$work/baseline.sql@2" -f "$work/bootstrap.sql@1" 2>&1 | tee "$work/pgbench.out" |
	grep -E '^(number of (transactions|failed)|tps|latency average|progress)'
wait $sampler
first=$(awk '$1 <= 10 { s += $2; n++ } END { printf "%.0f", s / n }' "$work/rss")
last=$(awk -v t="$seconds" '$1 > t - 10 { s += $2; n++ } END { printf "%.0f", s / n }' "$work/rss")
failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$work/pgbench.out")
echo
echo "failed transactions: ${failed:-unknown} (target 0)"
echo "server memory, first 10 s: ${first} kB; last 10 s: ${last} kB; change $(awk -v a="$first" -v b="$last" 'BEGIN { printf "%+.1f%%", 100 * (b - a) / a }') (target: flat)"
psql -X -q -c "DROP TABLE load_rates, load_panels, load_removals"
rm -rf "$work"
