#!/usr/bin/env bash
# scripts/figure draws a 1500x900 PNG from the real data on the server in the
# PG environment variables (scripts/test sets them to its private cluster).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
db=scomm_figure_test
work=$(mktemp -d)
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db"; rm -rf "$work"' EXIT
PGDATABASE=$db "$root/scripts/figure" "$work/f.png" >/dev/null 2>&1
# PNG signature, then the IHDR chunk: width and height as big-endian int32
sig=$(od -An -tx1 -N8 "$work/f.png" | tr -d ' \n')
size=$(od -An -tu1 -j16 -N8 "$work/f.png" | awk '{ print $1*16777216 + $2*65536 + $3*256 + $4 "x" $5*16777216 + $6*65536 + $7*256 + $8 }')
bytes=$(stat -c %s "$work/f.png")
fail=0
[ "$sig" = 89504e470d0a1a0a ] || { echo "  not a PNG: $sig"; fail=1; }
[ "$size" = 1500x900 ] || { echo "  size $size, want 1500x900"; fail=1; }
[ "$bytes" -gt 50000 ] || { echo "  only $bytes bytes: empty panels?"; fail=1; }
[ $fail = 0 ] && echo "  ok: figure $size, $bytes bytes"
exit $fail
