# scripts/figure event-study (sourced by scripts/figure): the event study of
# att_aggregate(..., 'dynamic') as R's ggdid draws it: one point per event time
# (pre-treatment blue, post-treatment red), its pointwise 95% interval
# (estimate +- z * se, thin bars) and the interval att_aggregate reports
# (ci_low, ci_high: with bootstrap => B the simultaneous sup-t band, thick pale
# bars), a line at 0 and a dotted line between event times -1 and 0.
#
#   scripts/figure event-study [--query SQL | --table NAME] [--title TEXT] [OUTPUT.png]
#
# --query: a query returning att_aggregate's columns (label, estimate, se,
#   ci_low, ci_high; the overall row, label NULL, is left out);
# --table: a table holding such rows (a stored result);
# neither: the demo's stored event study, scomm_data.did_event_study.
# Default output out/event_study.png.  Uses the server in PGHOST/PGPORT/
# PGDATABASE when set, else a private cluster (SCOMM_FIGURE_PORT).
es_query=""
es_table=""
es_title=""
while [ $# -gt 0 ]; do
	case "$1" in
		--query) es_query="$2"; shift 2 ;;
		--table) es_table="$2"; shift 2 ;;
		--title) es_title="$2"; shift 2 ;;
		-h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$SCOMM_ROOT/scripts/figure.d/event_study.sh"; exit 0 ;;
		-*) echo "scripts/figure event-study: unknown option $1" >&2; exit 2 ;;
		*) break ;;
	esac
done
png="${1:-$SCOMM_ROOT/out/event_study.png}"
mkdir -p "$(dirname "$png")"
png="$(cd "$(dirname "$png")" && pwd)/$(basename "$png")"

started=0
if [ -z "${PGHOST:-}${PGPORT:-}${PGDATABASE:-}" ]; then
	started=1
	ensure_packages
	build_install
	cluster_start "${SCOMM_FIGURE_PORT:-54331}"
	unset PGDATABASE
	psql -X -q -d postgres -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS scomm CASCADE"
fi
if [ -z "$es_query" ]; then
	es_table="${es_table:-scomm_data.did_event_study}"
	if [ "$(psql -X -Atqc "SELECT to_regclass('$es_table') IS NOT NULL")" != t ]; then
		echo "scripts/figure event-study: no --query and no table $es_table (scripts/demo stores scomm_data.did_event_study)" >&2
		exit 1
	fi
	es_query="SELECT label, estimate, se, ci_low, ci_high FROM $es_table"
	[ -n "$es_title" ] || es_title="$(psql -X -Atqc "SELECT coalesce(obj_description('$es_table'::regclass), '$es_table')")"
fi
[ -n "$es_title" ] || es_title="Event study"

work=$(mktemp -d)
trap 'rm -rf "$work"; [ $started = 0 ] || cluster_stop' EXIT
# event time, estimate, pointwise low and high, band low and high
psql -X -At -F ' ' -v ON_ERROR_STOP=1 >"$work/es.dat" <<SQL
SET search_path = public, scomm;
SELECT label, estimate,
       estimate - 1.959963984540054 * se, estimate + 1.959963984540054 * se,
       coalesce(ci_low, estimate - 1.959963984540054 * se), coalesce(ci_high, estimate + 1.959963984540054 * se)
FROM ($es_query) r
WHERE label IS NOT NULL AND estimate IS NOT NULL AND se IS NOT NULL
ORDER BY label;
SQL
if [ ! -s "$work/es.dat" ]; then
	echo "scripts/figure event-study: the query returned no event time with an estimate and a standard error" >&2
	exit 1
fi
awk '$1 < 0' "$work/es.dat" >"$work/pre.dat"
awk '$1 >= 0' "$work/es.dat" >"$work/post.dat"
# the title wrapped at 100 characters, as a double-quoted gnuplot string
title=$(printf '%s' "$es_title" | sed 's/[\\"]//g' | fold -s -w 100 | sed 's/ *$//' | awk 'NR > 1 { printf "\\n" } { printf "%s", $0 }')
{
	echo "set terminal pngcairo size 1200,700 font 'DejaVu Sans,11' noenhanced"
	echo "set output '$png'"
	echo "set title \"$title\" font ',13'"
	echo "set xlabel 'event time (periods since treatment; 0 = first treated period)'"
	echo "set ylabel 'average treatment effect'"
	echo "set grid ytics lc rgb '#dddddd'"
	echo "set key top left"
	echo "set xzeroaxis lt 1 lc rgb '#555555'"
	echo "set arrow 1 from -0.5, graph 0 to -0.5, graph 1 nohead dt 3 lw 1.5 lc rgb 'black'"
	echo "set bars 0"
	echo "set offsets 0.5, 0.5, 0, 0"
	echo "set xtics 1"
	line="plot"
	sep=""
	for part in pre post; do
		[ -s "$work/$part.dat" ] || continue
		if [ $part = pre ]; then col='#1f78b4'; pale='#a6cee3'; name='before treatment'; else col='#e31a1c'; pale='#fb9a99'; name='after treatment'; fi
		line+="$sep '$work/$part.dat' using 1:2:5:6 with yerrorbars lw 8 lc rgb '$pale' pt -1 title '$name: band (ci_low to ci_high; simultaneous with bootstrap)'"
		line+=", '' using 1:2:3:4 with yerrorbars lw 1.5 lc rgb '$col' pt 7 ps 1.2 title '$name: estimate, pointwise 95% interval'"
		sep=","
	done
	echo "$line"
} >"$work/plot.gp"
gnuplot "$work/plot.gp"
echo "figure written to $png"
