#!/usr/bin/env bash
# The hostile-input battery (test/hostile/battery.py) on its own throwaway
# cluster, every 10th case of each family (about 250 cases): no crash, no
# XX000, every timeout honoured, peak backend memory under 1 GB, every
# checked answer right.  test/hostile/run.sh runs all of them (about 2,500).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
SCOMM_HOSTILE_PORT="${SCOMM_HOSTILE_PORT:-$((${PGPORT:-54329} + 105))}" \
	bash "$root/test/hostile/run.sh" --sample "${SCOMM_HOSTILE_SAMPLE:-10}" | sed 's/^/  /'
exit "${PIPESTATUS[0]}"
