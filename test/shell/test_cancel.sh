#!/usr/bin/env bash
# Cancellation: long computations stop within a second of statement_timeout
# or pg_cancel_backend, with SQLSTATE 57014, and leave no memory behind: the
# backend's memory contexts grow by less than 256 kB over a stopped run (the
# noise of PostgreSQL's own message and cache contexts) while the run itself
# holds tens of megabytes.  Runs against the server in the PG environment
# variables.
set -euo pipefail
db=scomm_cancel_test
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1' EXIT
export PGDATABASE=$db
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION scomm CASCADE;
CREATE TABLE panel AS
SELECT scomm.did_panel(unit, period, outcome, first_period) AS p
FROM scomm.simulate_panel(3000, 40, seed => 1, cohorts => 20, never_share => 0.1);
CREATE TABLE patterns AS
SELECT scomm.response_patterns(ARRAY[1 + i % 3, 1 + i / 3 % 4, 1 + i / 7 % 2, 1 + i / 11 % 5, 1 + i / 13 % 3,
                                     1 + i / 17 % 2, 1 + i / 19 % 4, 1 + i / 23 % 3]) AS r
FROM generate_series(1, 100000) i;
CREATE TABLE trajectories AS
SELECT scomm.trajectory_panel(u, t, (u * 7 + t * t) % 23) AS tp
FROM generate_series(1, 3000) u, generate_series(1, 12) t;
-- issue 18: the bootstrap of 400 units x 12 periods (its summaries took 12 s
-- to see a cancel), and contiguity of heavily overlapping squares
CREATE TABLE panel400 AS
SELECT scomm.did_panel(unit, period, outcome, first_period) AS p
FROM scomm.simulate_panel(400, 12, seed => 3, cohorts => 8);
CREATE TABLE squares AS
SELECT i::text AS fips, ST_MakeEnvelope(i % 53 / 3.0, i % 59 / 3.0, i % 53 / 3.0 + 20, i % 59 / 3.0 + 20, 4326) AS geom
FROM generate_series(1, 3000) i;
SQL

# long(name, query): each long query, once stopped by statement_timeout and
# once by pg_cancel_backend from another session
declare -A long=(
	[bootstrap]="SELECT count(*) FROM scomm.att_aggregate((SELECT p FROM panel), 'dynamic', bootstrap => 1000000)"
	[lca]="SELECT scomm.lca((SELECT r FROM patterns), 6, starts => 10000, tolerance => 0)"
	[lca_bootstrap]="SELECT count(*) FROM scomm.lca_select((SELECT r FROM patterns), 3, accelerate => true, draws => 10000)"
	[trajectory]="SELECT scomm.trajectory_groups((SELECT tp FROM trajectories), 5, degree => 3, family => 'zip', starts => 100000)"
	[att_gt_bootstrap]="SELECT count(*) FROM scomm.att_gt((SELECT p FROM panel400), bootstrap => 500000)"
	[contiguity]="SELECT count(*) FROM scomm.contiguity('squares')"
)
set +e
fail=0
for name in "${!long[@]}"; do
	q="${long[$name]}"
	# statement_timeout: elapsed time, SQLSTATE, and the memory before and
	# after the second stopped run (the first one warms the caches up)
	out=$(psql -X -At -v ON_ERROR_STOP=0 2>&1 <<SQL
SELECT sum(total_bytes) FROM pg_backend_memory_contexts \gset before_
SELECT clock_timestamp() AS t0 \gset
SET statement_timeout = '1s';
\set VERBOSITY sqlstate
$q;
\set VERBOSITY default
RESET statement_timeout;
SELECT 'elapsed ' || round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 2);
SELECT 'growth ' || (SELECT sum(total_bytes) FROM pg_backend_memory_contexts) - :before_sum;
SELECT sum(total_bytes) FROM pg_backend_memory_contexts \gset before_
SELECT clock_timestamp() AS t0 \gset
SET statement_timeout = '1s';
\set VERBOSITY sqlstate
$q;
\set VERBOSITY default
RESET statement_timeout;
SELECT 'elapsed ' || round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 2);
SELECT 'growth ' || (SELECT sum(total_bytes) FROM pg_backend_memory_contexts) - :before_sum;
SQL
)
	elapsed=$(printf '%s\n' "$out" | sed -n 's/^elapsed //p' | tail -1)
	growth=$(printf '%s\n' "$out" | sed -n 's/^growth //p' | tail -1)
	state=$(printf '%s\n' "$out" | grep -o 'ERROR: *57014' | tail -1)
	if [ -n "$state" ] && awk -v e="$elapsed" 'BEGIN { exit !(e < 2.0) }' && [ "${growth:-999999999}" -le 262144 ]; then
		echo "  ok: $name stops at statement_timeout (1 s) after ${elapsed} s, 57014, memory growth ${growth} bytes"
	else
		echo "  FAILED: $name with statement_timeout: $out"; fail=1
	fi
	# pg_cancel_backend from another session, one second in
	psql -X -At -c "SET application_name = 'scomm_cancel_$name'" -c "$q" >/tmp/scomm_cancel_$$.out 2>&1 &
	bg=$!
	sleep 1
	t0=$(date +%s.%N)
	psql -X -At -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'scomm_cancel_$name'" >/dev/null
	wait $bg || true
	t1=$(date +%s.%N)
	took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	if grep -q 'canceling statement due to user request' /tmp/scomm_cancel_$$.out && awk -v e="$took" 'BEGIN { exit !(e < 1.0) }'; then
		echo "  ok: $name stops $took s after pg_cancel_backend"
	else
		echo "  FAILED: $name after pg_cancel_backend ($took s): $(cat /tmp/scomm_cancel_$$.out)"; fail=1
	fi
	rm -f /tmp/scomm_cancel_$$.out
done
exit $fail
