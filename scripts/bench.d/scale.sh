# scripts/bench scale (sourced by scripts/bench): how the main aggregates
# grow with the data.  Measured in one run:
#   each aggregate at 1M and at 10M rows (ratio target 8-12: linear)
#   at 10M rows, 2 parallel workers against none (target >= 1.6)
#   two shard clusters on this machine (postgres_fdw, states pushed down and
#   merged) against one node, on the same 10M rows
#   the memory response_patterns holds over the 10M rows
small="${SCOMM_BENCH_SMALL:-1000000}"
large="${SCOMM_BENCH_LARGE:-10000000}"

# rows(n): the benchmark table's SELECT for n rows (3,000 units)
rows_sql() {
	cat <<SQL
SELECT (i % 50)::int AS state, (i % 3000)::bigint AS unit, (i / 3000)::int AS period,
       CASE WHEN i % 3000 % 40 = 0 THEN NULL ELSE 200 + i % 3000 % 50 * 30 END AS first_period,
       date '2006-01-01' + (i / 3000)::int AS at,
       CASE WHEN i % 3000 % 40 = 0 THEN 'never'::scomm.activation_cohort
            ELSE (date '2006-01-01' + (200 + i % 3000 % 50 * 30))::scomm.activation_cohort END AS cohort,
       (ARRAY['L1', 'L2', 'L3', 'NC'])[1 + (i * 7) % 4]::scomm.criminality_level AS level,
       ((i::bigint * 7919 % 10007) / 100.0 + (i % 4000) / 1000.0)::float8 AS value,
       ARRAY[1 + i % 2, 1 + i / 2 % 2, 1 + i / 5 % 2, 1 + i / 7 % 2, 1 + i / 11 % 2,
             1 + i / 13 % 2, 1 + i / 17 % 2, 1 + i / 19 % 2, 1 + i / 23 % 2, 1 + i / 29 % 2] AS items
FROM generate_series(0, $1 - 1) i
SQL
}

log "building tables of $small and $large rows"
psql -X -q -v ON_ERROR_STOP=1 <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS scale_small, scale_large;
CREATE UNLOGGED TABLE scale_small AS $(rows_sql "$small");
CREATE UNLOGGED TABLE scale_large AS $(rows_sql "$large");
VACUUM ANALYZE scale_small;
VACUUM ANALYZE scale_large;
SQL

log "memory of response_patterns over $large rows (a fresh session)"
psql -X -q -v ON_ERROR_STOP=1 -P footer=off <<SQL
SET search_path = public, scomm;
-- memory: the backend's peak resident memory grows by the aggregate's own memory
-- once count(*) has mapped the shared buffers the scan will touch
SET max_parallel_workers_per_gather = 0;
SELECT count(*) FROM scale_large \gset warm_
CREATE FUNCTION pg_temp.hwm_kb() RETURNS bigint LANGUAGE sql AS
	\$f\$ SELECT substring(pg_read_file('/proc/' || pg_backend_pid() || '/status') FROM 'VmHWM:\s*(\d+) kB')::bigint \$f\$;
SELECT pg_temp.hwm_kb() AS before_kb \gset
SELECT (pattern_size(response_patterns(items))).distinct_patterns AS patterns FROM scale_large \gset
SELECT 'response_patterns over $large rows' AS aggregate, :patterns AS distinct_patterns,
       pg_temp.hwm_kb() - :before_kb AS peak_memory_growth_kb;
SQL

log "timing (fastest of $reps runs each)"
psql -X -q -v ON_ERROR_STOP=1 -P footer=off <<SQL
SET search_path = public, scomm;
SET client_min_messages = warning;
\i $SCOMM_ROOT/scripts/bench.d/best_ms.sql
CREATE TEMP TABLE aggs (name text, expr text);
INSERT INTO aggs VALUES
	('count(*)', 'count(*)'),
	('level_counts', 'level_counts(level)'),
	('prepost', 'prepost(value, at, cohort)'),
	('did_panel', 'rows(did_panel(unit, period, value, first_period))'),
	('response_patterns', '(pattern_size(response_patterns(items))).rows');
CREATE TEMP TABLE timing (name text, rows bigint, workers int, ms float8);
SET max_parallel_workers_per_gather = 0;
INSERT INTO timing SELECT name, $small, 0, pg_temp.best_ms('SELECT ' || expr || ' FROM scale_small', $reps) FROM aggs;
INSERT INTO timing SELECT name, $large, 0, pg_temp.best_ms('SELECT ' || expr || ' FROM scale_large', $reps) FROM aggs;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
INSERT INTO timing SELECT name, $large, 2, pg_temp.best_ms('SELECT ' || expr || ' FROM scale_large', $reps) FROM aggs;
RESET parallel_leader_participation;
SELECT a.name AS aggregate,
       round(s.ms::numeric, 1) AS ms_small, round(l.ms::numeric, 1) AS ms_large,
       round((l.ms / s.ms)::numeric, 2) AS growth, '8-12' AS growth_target,
       round(p.ms::numeric, 1) AS ms_large_2_workers,
       round((l.ms / p.ms)::numeric, 2) AS speedup, '>= 1.6' AS speedup_target
FROM aggs a
JOIN timing s ON s.name = a.name AND s.rows = $small
JOIN timing l ON l.name = a.name AND l.rows = $large AND l.workers = 0
JOIN timing p ON p.name = a.name AND p.rows = $large AND p.workers = 2
ORDER BY a.name = 'count(*)' DESC, a.name;
SQL

# two shards on this machine against one node: the same rows, split by state
p1=$((${SCOMM_BENCH_PORT:-54330} + 201))
p2=$((${SCOMM_BENCH_PORT:-54330} + 202))
d1="/tmp/scomm-bench-shard-$p1"
d2="/tmp/scomm-bench-shard-$p2"
trap 'node_stop "$d1"; node_stop "$d2"; cluster_stop' EXIT
log "two shard clusters on ports $p1 and $p2, $large rows split between them"
node_start "$d1" "$p1"
node_start "$d2" "$p2"
for port in "$p1" "$p2"; do
	half=$([ "$port" = "$p1" ] && echo "state < 25" || echo "state >= 25")
	psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE DATABASE scomm_shard"
	psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d scomm_shard <<SQL
SET client_min_messages = warning;
CREATE EXTENSION scomm CASCADE;
CREATE UNLOGGED TABLE scale AS SELECT * FROM ($(rows_sql "$large")) s WHERE $half;
VACUUM ANALYZE scale;
SQL
done
psql -X -q -v ON_ERROR_STOP=1 -P footer=off <<SQL
SET search_path = public, scomm;
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS postgres_fdw;
DROP TABLE IF EXISTS scale_sharded;
DROP SERVER IF EXISTS bench_shard1 CASCADE;
DROP SERVER IF EXISTS bench_shard2 CASCADE;
CREATE SERVER bench_shard1 FOREIGN DATA WRAPPER postgres_fdw
	OPTIONS (host '127.0.0.1', port '$p1', dbname 'scomm_shard', extensions 'scomm', async_capable 'true');
CREATE SERVER bench_shard2 FOREIGN DATA WRAPPER postgres_fdw
	OPTIONS (host '127.0.0.1', port '$p2', dbname 'scomm_shard', extensions 'scomm', async_capable 'true');
CREATE USER MAPPING FOR CURRENT_USER SERVER bench_shard1 OPTIONS (user 'postgres');
CREATE USER MAPPING FOR CURRENT_USER SERVER bench_shard2 OPTIONS (user 'postgres');
CREATE TABLE scale_sharded (LIKE scale_large) PARTITION BY RANGE (state);
CREATE FOREIGN TABLE scale_shard1 PARTITION OF scale_sharded FOR VALUES FROM (0) TO (25)
	SERVER bench_shard1 OPTIONS (table_name 'scale');
CREATE FOREIGN TABLE scale_shard2 PARTITION OF scale_sharded FOR VALUES FROM (25) TO (50)
	SERVER bench_shard2 OPTIONS (table_name 'scale');
\i $SCOMM_ROOT/scripts/bench.d/best_ms.sql
SET enable_partitionwise_aggregate = on;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE shard_timing (what text, ms float8);
INSERT INTO shard_timing SELECT 'prepost, one node', pg_temp.best_ms(
	'SELECT prepost(s) FROM (SELECT state, prepost_state(value, at, cohort) s FROM scale_large GROUP BY state) x', $reps);
INSERT INTO shard_timing SELECT 'prepost, two shards', pg_temp.best_ms(
	'SELECT prepost(s) FROM (SELECT state, prepost_state(value, at, cohort) s FROM scale_sharded GROUP BY state) x', $reps);
INSERT INTO shard_timing SELECT 'level_counts, one node', pg_temp.best_ms(
	'SELECT level_counts(t) FROM (SELECT state, level_tally(level) t FROM scale_large GROUP BY state) x', $reps);
INSERT INTO shard_timing SELECT 'level_counts, two shards', pg_temp.best_ms(
	'SELECT level_counts(t) FROM (SELECT state, level_tally(level) t FROM scale_sharded GROUP BY state) x', $reps);
SELECT what, round(ms::numeric, 1) AS ms FROM shard_timing;
SELECT split_part(a.what, ',', 1) AS aggregate,
       round((a.ms / b.ms)::numeric, 2) AS speedup_two_shards_vs_one_node
FROM shard_timing a JOIN shard_timing b ON split_part(a.what, ',', 1) = split_part(b.what, ',', 1)
WHERE a.what LIKE '%one node' AND b.what LIKE '%two shards';
DROP TABLE scale_sharded;
DROP SERVER bench_shard1 CASCADE;
DROP SERVER bench_shard2 CASCADE;
DROP TABLE scale_small, scale_large;
SQL
