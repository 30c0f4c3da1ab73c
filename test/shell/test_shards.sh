#!/usr/bin/env bash
# Multi-node suite: the test cluster (PG environment variables) is the
# coordinator; two shard clusters on 127.0.0.1 hold a simulated county panel,
# partitioned by state, as foreign partitions (postgres_fdw, server option
# extensions 'scomm').  Shows that
#   - GROUP BY the partition key with partitionwise aggregation runs each
#     scomm aggregate inside the remote query, asynchronously;
#   - per-shard states pushed down and merged on the coordinator give the
#     single-node answer (prepost, did_panel -> att_aggregate, level_tally,
#     response_patterns -> lca);
#   - scomm works in remote sessions, which run with search_path = pg_catalog,
#     and an unqualified name fails there.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$root/scripts/lib.sh"
set +e

db=scomm_shards_test
p1=$((PGPORT + 101))
p2=$((PGPORT + 102))
d1="/tmp/scomm-shard-$p1"
d2="/tmp/scomm-shard-$p2"
cleanup() {
	node_stop "$d1"
	node_stop "$d2"
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
}
trap cleanup EXIT
fail=0
checks=0
check() {	# check LABEL WANT GOT
	checks=$((checks + 1))
	if [ "$2" = "$3" ]; then echo "  ok: $1"; else echo "  FAILED: $1: want '$2', got '$3'"; fail=1; fi
}

node_start "$d1" "$p1" || { echo "  could not start shard 1"; exit 1; }
node_start "$d2" "$p2" || { echo "  could not start shard 2"; exit 1; }

# the simulated panel: 1,000 units ("counties") in 10 "states", 12 years
panel_sql="SELECT (unit % 10)::int AS state, unit, period, first_period,
       make_date(2000 + period, 7, 1) AS at,
       CASE WHEN first_period IS NULL THEN 'never'::scomm.activation_cohort
            ELSE make_date(2000 + first_period, 3, 1)::scomm.activation_cohort END AS cohort,
       (ARRAY['L1', 'L2', 'L3', 'NC'])[1 + (unit * 7 + period) % 4]::scomm.criminality_level AS level,
       ARRAY[1 + unit % 2, 1 + (unit / 2 + period) % 3, 1 + (unit * period) % 2,
             CASE WHEN first_period IS NULL THEN 1 ELSE 2 END]::int[] AS items,
       outcome
FROM scomm.simulate_panel(1000, 12, seed => 11, cohorts => 5, never_share => 0.2)"

shard() {	# shard PORT STATES
	psql -X -q -h 127.0.0.1 -p "$1" -U postgres -d postgres -c "CREATE DATABASE scomm_shard" &&
	psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres -d scomm_shard <<SQL
SET client_min_messages = warning;
CREATE EXTENSION scomm CASCADE;
CREATE TABLE panel AS SELECT * FROM ($panel_sql) s WHERE state IN ($2);
ANALYZE panel;
SQL
}
shard "$p1" "0, 1, 2, 3, 4" || { echo "  shard 1 set-up failed"; exit 1; }
shard "$p2" "5, 6, 7, 8, 9" || { echo "  shard 2 set-up failed"; exit 1; }

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
export PGDATABASE=$db
psql -X -q -v ON_ERROR_STOP=1 <<SQL || { echo "  coordinator set-up failed"; exit 1; }
SET client_min_messages = warning;
CREATE EXTENSION scomm CASCADE;
CREATE EXTENSION postgres_fdw;
CREATE SERVER shard1 FOREIGN DATA WRAPPER postgres_fdw
	OPTIONS (host '127.0.0.1', port '$p1', dbname 'scomm_shard', extensions 'scomm', async_capable 'true', fetch_size '10000');
CREATE SERVER shard2 FOREIGN DATA WRAPPER postgres_fdw
	OPTIONS (host '127.0.0.1', port '$p2', dbname 'scomm_shard', extensions 'scomm', async_capable 'true', fetch_size '10000');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard1 OPTIONS (user 'postgres');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard2 OPTIONS (user 'postgres');
CREATE TABLE panel (state int, unit bigint, period int, first_period int, at date,
                    cohort scomm.activation_cohort, level scomm.criminality_level, items int[], outcome float8)
	PARTITION BY LIST (state);
CREATE FOREIGN TABLE panel_1 PARTITION OF panel FOR VALUES IN (0, 1, 2, 3, 4)
	SERVER shard1 OPTIONS (table_name 'panel');
CREATE FOREIGN TABLE panel_2 PARTITION OF panel FOR VALUES IN (5, 6, 7, 8, 9)
	SERVER shard2 OPTIONS (table_name 'panel');
ANALYZE panel;
-- the same rows on one node, for the single-node answers
CREATE TABLE panel_local AS $panel_sql;
SQL

q() { PGOPTIONS='-c enable_partitionwise_aggregate=on' psql -X -At -v ON_ERROR_STOP=1 -c "$1" 2>&1; }

check "rows on the shards" "12000" "$(q 'SELECT count(*) FROM panel')"

# 1. GROUP BY the partition key: the aggregate runs inside each remote query, asynchronously
plan=$(q "EXPLAIN (VERBOSE, COSTS OFF) SELECT state, scomm.prepost_state(outcome, at, cohort) FROM panel GROUP BY state")
check "two async foreign scans" 2 "$(printf '%s\n' "$plan" | grep -c 'Async Foreign Scan')"
check "prepost_state inside the remote SQL" 2 \
	"$(printf '%s\n' "$plan" | grep -c 'Remote SQL: SELECT state, scomm.prepost_state(outcome, at, cohort) FROM public.panel GROUP BY 1')"
plan=$(q "EXPLAIN (VERBOSE, COSTS OFF) SELECT state, scomm.did_panel(unit, period, outcome, first_period) FROM panel GROUP BY state")
check "did_panel inside the remote SQL" 2 "$(printf '%s\n' "$plan" | grep -c 'Remote SQL: SELECT state, scomm.did_panel(')"
check "per-state prepost equals the single-node per-state prepost" "10" "$(q "
	SELECT count(*) FROM (SELECT state, scomm.prepost(outcome, at, cohort) AS r FROM panel GROUP BY state) s
	JOIN (SELECT state, scomm.prepost(outcome, at, cohort) AS r FROM panel_local GROUP BY state) l USING (state)
	WHERE (s.r).n_before = (l.r).n_before AND (s.r).n_after = (l.r).n_after
	  AND abs((s.r).change - (l.r).change) <= 1e-12 * abs((l.r).change)")"

# 2. whole-table results: per-shard states pushed down, merged on the coordinator
check "prepost from merged shard states = single node" "t" "$(q "
	WITH s AS (SELECT (scomm.prepost(st)).* FROM (SELECT state, scomm.prepost_state(outcome, at, cohort) AS st
	                                             FROM panel GROUP BY state) x),
	     l AS (SELECT (scomm.prepost(outcome, at, cohort)).* FROM panel_local)
	SELECT s.n_before = l.n_before AND s.n_after = l.n_after
	       AND abs(s.mean_before - l.mean_before) <= 1e-12 * abs(l.mean_before)
	       AND abs(s.sd_after - l.sd_after) <= 1e-12 * l.sd_after
	       AND abs(s.p_value - l.p_value) <= 1e-9
	FROM s, l")"
check "did_panel merged from the shards = single-node panel" "t" "$(q "
	SELECT md5(scomm.did_panel(p)::text) = (SELECT md5(scomm.did_panel(unit, period, outcome, first_period)::text) FROM panel_local)
	FROM (SELECT state, scomm.did_panel(unit, period, outcome, first_period) AS p FROM panel GROUP BY state) x")"
check "att_aggregate on the merged panel = single node (exactly)" "t" "$(q "
	SELECT bool_and(s.estimate = l.estimate AND s.se = l.se)
	FROM scomm.att_aggregate((SELECT scomm.did_panel(p) FROM (SELECT state, scomm.did_panel(unit, period, outcome, first_period) AS p
	                                                          FROM panel GROUP BY state) x), 'dynamic') s
	JOIN scomm.att_aggregate((SELECT scomm.did_panel(unit, period, outcome, first_period) FROM panel_local), 'dynamic') l
	  ON s.label IS NOT DISTINCT FROM l.label")"
check "level tallies merged from the shards = single node" "t" "$(q "
	SELECT scomm.level_tally(t)::text = (SELECT scomm.level_tally(level)::text FROM panel_local)
	FROM (SELECT state, scomm.level_tally(level) AS t FROM panel GROUP BY state) x")"

check "response_patterns merged from the shards = single node" "t" "$(q "
	SELECT scomm.response_patterns(r)::text = (SELECT scomm.response_patterns(items)::text FROM panel_local)
	FROM (SELECT state, scomm.response_patterns(items) AS r FROM panel GROUP BY state) x")"
check "lca on the merged pattern table = single node (exactly)" "t" "$(q "
	SELECT s.loglik = l.loglik AND s.bic = l.bic
	FROM scomm.lca_fit(scomm.lca((SELECT scomm.response_patterns(r) FROM (SELECT state, scomm.response_patterns(items) AS r
	                                                                      FROM panel GROUP BY state) x), 2)) s,
	     scomm.lca_fit(scomm.lca((SELECT scomm.response_patterns(items) FROM panel_local), 2)) l")"

# 3. remote sessions run with search_path = pg_catalog: qualified names work, unqualified fail
shardq() { PGOPTIONS='-c search_path=pg_catalog' psql -X -At -h 127.0.0.1 -p "$p1" -U postgres -d scomm_shard -c "$1" 2>&1; }
check "qualified call with search_path = pg_catalog" \
	"$(q 'SELECT count(*) FROM panel_local WHERE state < 5 AND first_period IS NOT NULL')" \
	"$(shardq "SELECT r.n_before + r.n_after FROM (SELECT (scomm.prepost(outcome, at, cohort)).* FROM public.panel) r")"
check "unqualified name fails there" "1" \
	"$(shardq "SELECT prepost(outcome, at, cohort) FROM public.panel" | grep -c 'function prepost(double precision, date, scomm.activation_cohort) does not exist')"

echo "  $checks checks"
exit $fail
