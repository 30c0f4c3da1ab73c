#!/usr/bin/env bash
# scripts/figure estimators [OUTPUT.png]: the event studies of violent crime
# by four estimators (group-time ATT, two-way fixed effects, Sun & Abraham,
# imputation) on one plot, default out/event_study_estimators.png.  Real
# data, the panel of scripts/demo.d/45_robust.sql; SQL in estimators.sql,
# the plot in estimators.gp.  Uses the server in PGHOST/PGPORT/PGDATABASE
# when set (loading the data when scomm_data.county_crime is missing), else a
# private cluster (port SCOMM_FIGURE_PORT, default 54331).
source "$(dirname "$0")/../lib.sh"

png="${1:-$SCOMM_ROOT/out/event_study_estimators.png}"
mkdir -p "$(dirname "$png")"
png="$(cd "$(dirname "$png")" && pwd)/$(basename "$png")"

started=0
if [ -z "${PGHOST:-}${PGPORT:-}${PGDATABASE:-}" ]; then
	started=1
	ensure_packages
	build_install
	cluster_start "${SCOMM_FIGURE_PORT:-54331}"
	unset PGDATABASE
fi
db="${PGDATABASE:-scomm_figure}"
if ! psql -X -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
	psql -X -d postgres -qc "CREATE DATABASE \"$db\""
fi
export PGDATABASE="$db"
if [ "$(psql -X -Atqc "SELECT to_regclass('scomm_data.county_crime') IS NOT NULL")" != t ]; then
	psql -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS scomm CASCADE"
	"$SCOMM_ROOT/scripts/load" >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"; [ $started = 0 ] || cluster_stop' EXIT
psql -X -q -At -F ' ' -v ON_ERROR_STOP=1 -f "$SCOMM_ROOT/scripts/figure.d/estimators.sql" >"$work/es.dat"
[ -s "$work/es.dat" ] || { echo "no event-study rows" >&2; exit 1; }
gnuplot -e "datafile='$work/es.dat'; outfile='$png'" "$SCOMM_ROOT/scripts/figure.d/estimators.gp"
echo "figure written to $png"
