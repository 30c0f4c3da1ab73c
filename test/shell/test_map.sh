#!/usr/bin/env bash
# scripts/map draws every map of scripts/scomm.qgs from the real data on the
# server in the PG environment variables (scripts/test sets them to its
# private cluster): five 1600 x 1000 PNGs.  The latent class map is drawn
# from classes made up here (class = FIPS mod 3 + 1, so all three occur):
# its pixels hold the colours of classes 1, 2 and 3 of the palette
# (ColorBrewer Set1: #e41a1c, #377eb8, #4daf4a) and not the colour of the
# absent class 4 (#984ea3); the activation map holds the colour of each
# year 2008-2013 (viridis: #440154 ... #fde725).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
db=scomm_map_test
work=$(mktemp -d)
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db"; rm -rf "$work"' EXIT
export PGDATABASE=$db
psql -X -q -c "SET client_min_messages = warning; CREATE EXTENSION scomm CASCADE"
"$root/scripts/load" >/dev/null 2>&1
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE scomm_data.county_class (
	fips text PRIMARY KEY REFERENCES scomm_data.county,
	class int NOT NULL,
	posterior float8 NOT NULL
);
INSERT INTO scomm_data.county_class SELECT fips, fips::int % 3 + 1, 0.9 FROM scomm_data.county;
SQL
psql -X -q -v ON_ERROR_STOP=1 -f "$root/scripts/demo.d/70_map_layers.sql" >/dev/null
"$root/scripts/map" "$work/maps" >"$work/written"

fail=0
for m in latent_class activation_year burglary_change activation_clusters field_offices; do
	f="$work/maps/$m.png"
	grep -qx "$f" "$work/written" || { echo "  scripts/map did not report $m.png"; fail=1; continue; }
	sig=$(od -An -tx1 -N8 "$f" | tr -d ' \n')
	size=$(od -An -tu1 -j16 -N8 "$f" | awk '{ print $1*16777216 + $2*65536 + $3*256 + $4 "x" $5*16777216 + $6*65536 + $7*256 + $8 }')
	[ "$sig" = 89504e470d0a1a0a ] || { echo "  $m.png is not a PNG"; fail=1; }
	[ "$size" = 1600x1000 ] || { echo "  $m.png is $size, want 1600x1000"; fail=1; }
done

# pixels of each colour (exact RGB), read with Qt (a dependency of python3-qgis)
count_colours() {
	QT_QPA_PLATFORM=offscreen /usr/bin/python3 - "$@" <<'PY'
import sys
from PyQt5.QtGui import QImage
img = QImage(sys.argv[1]).convertToFormat(QImage.Format_RGB32)
want = {int(c.lstrip('#'), 16): 0 for c in sys.argv[2:]}
bits = img.constBits()
bits.setsize(img.sizeInBytes())
data = memoryview(bits).cast('I')
for px in data:
    px &= 0xffffff
    if px in want:
        want[px] += 1
print(' '.join(str(want[int(c.lstrip('#'), 16)]) for c in sys.argv[2:]))
PY
}
read -r c1 c2 c3 c4 <<<"$(count_colours "$work/maps/latent_class.png" '#e41a1c' '#377eb8' '#4daf4a' '#984ea3')"
for k in 1 2 3; do
	n=$(eval echo "\$c$k")
	[ "$n" -ge 5000 ] || { echo "  latent class map: only $n pixels of class $k's colour"; fail=1; }
done
[ "$c4" = 0 ] || { echo "  latent class map: $c4 pixels of the absent class 4's colour"; fail=1; }
years=$(count_colours "$work/maps/activation_year.png" '#440154' '#414487' '#2a788e' '#22a884' '#7ad151' '#fde725')
for n in $years; do
	[ "$n" -ge 100 ] || { echo "  activation year map: a year's colour has only $n pixels ($years)"; fail=1; }
done
[ $fail = 0 ] && echo "  ok: 5 maps of 1600x1000; class colours $c1, $c2, $c3 pixels, absent class 0; years $years"
exit $fail
