#!/usr/bin/env bash
# The hostile-input battery on a throwaway cluster: builds nothing (run
# scripts/test or make install first), starts a cluster whose server
# processes may use at most 3 GB of address space each (a runaway allocation
# fails there instead of taking the machine), loads the fixtures of
# test/hostile/setup.sql and runs test/hostile/battery.py with the arguments
# given (e.g. --family "text input", -v).  Port: SCOMM_HOSTILE_PORT, else
# SCOMM_TEST_PORT + 105 (beside the clusters of scripts/test).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$root/scripts/lib.sh"
port="${SCOMM_HOSTILE_PORT:-$((${SCOMM_TEST_PORT:-54329} + 105))}"
dir="/tmp/scomm-hostile-$port"
cleanup() {
	node_stop "$dir"
	as_root rm -rf "$dir" /tmp/scomm_battery_recv_*.bin
}
trap cleanup EXIT
(ulimit -v 3000000 && node_start "$dir" "$port")
export PGHOST="$dir" PGPORT="$port" PGUSER=postgres PGDATABASE=battery
psql -X -q -d postgres -c "CREATE DATABASE battery"
psql -X -q -v ON_ERROR_STOP=1 -f "$root/test/hostile/setup.sql"
python3 "$root/test/hostile/battery.py" "$@"
