# scripts/lib.sh: shared set-up for the README's commands (sourced, not run).
#
# ensure_packages  installs the Debian packages scomm needs, only when missing
# build_install    builds the extension and installs it when the build changed
# cluster_start    starts a private PostgreSQL 15 cluster as the postgres user
# cluster_stop     stops it (registered on EXIT by cluster_start)
# node_start/node_stop  more clusters (shards) listening on 127.0.0.1; the caller stops them
# node_restart     starts a stopped node again, keeping its data
# pg_copy_install  a private copy of the PostgreSQL installation (for other builds)

set -euo pipefail

SCOMM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# SCOMM_PG_BINDIR: another PostgreSQL 15 installation (e.g. a private relocated copy)
PG_BINDIR="${SCOMM_PG_BINDIR:-/usr/lib/postgresql/15/bin}"
export PATH="$PG_BINDIR:$PATH"

SCOMM_PACKAGES=(postgresql-15 postgresql-server-dev-15 postgresql-15-postgis-3
	libgsl-dev libglpk-dev gcc make gnuplot-nox clang)
# QGIS 3 for the maps (scripts/map, test/shell/test_map.sh): large, so only the
# scripts that draw maps install it, through ensure_map_packages
SCOMM_MAP_PACKAGES=(qgis python3-qgis qgis-providers fonts-dejavu-core)

log() { printf '==> %s\n' "$*" >&2; }

# Run a command as root (directly) or through sudo.
as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_packages() {
	install_missing "${SCOMM_PACKAGES[@]}"
}

ensure_map_packages() {
	install_missing "${SCOMM_MAP_PACKAGES[@]}"
}

# install_missing PACKAGE...: apt-get install those not installed yet
install_missing() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing Debian packages: ${missing[*]}"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 \
		"${missing[@]}" >/dev/null
}

# Build; install only the files that differ from the installed ones.
build_install() {
	local libdir sharedir f dest changed=0
	log "building scomm"
	make -C "$SCOMM_ROOT" -s -j2 all >/dev/null
	libdir="$(pg_config --pkglibdir)"
	sharedir="$(pg_config --sharedir)/extension"
	for f in scomm.so:"$libdir" scomm.control:"$sharedir" scomm--*.sql:"$sharedir"; do
		for src in "$SCOMM_ROOT"/${f%%:*}; do
			dest="${f##*:}/$(basename "$src")"
			cmp -s "$src" "$dest" || changed=1
		done
	done
	if [ $changed = 1 ]; then
		log "installing scomm into $(pg_config --pkglibdir)"
		as_root make -C "$SCOMM_ROOT" -s install >/dev/null
	fi
}

# cluster_start PORT: a throwaway cluster in $SCOMM_RUN_DIR, socket there too.
# Exports PGHOST, PGPORT, PGUSER and PGDATABASE for the caller.
cluster_start() {
	local port="$1"
	SCOMM_RUN_DIR="${SCOMM_RUN_DIR:-/tmp/scomm-cluster-$port}"
	cluster_stop_dir "$SCOMM_RUN_DIR"
	as_root rm -rf "$SCOMM_RUN_DIR"
	mkdir -p "$SCOMM_RUN_DIR"
	chown postgres: "$SCOMM_RUN_DIR" 2>/dev/null || true
	log "starting a private PostgreSQL 15 cluster on port $port (socket in $SCOMM_RUN_DIR)"
	run_as_postgres initdb -D "$SCOMM_RUN_DIR/data" -U postgres --auth=trust \
		--encoding=UTF8 --locale=C.UTF-8 >/dev/null
	trap cluster_stop EXIT
	run_as_postgres pg_ctl -D "$SCOMM_RUN_DIR/data" -l "$SCOMM_RUN_DIR/server.log" -w \
		-o "-p $port -k $SCOMM_RUN_DIR -c listen_addresses='' -c max_worker_processes=16 -c fsync=off" \
		start >/dev/null
	export PGHOST="$SCOMM_RUN_DIR" PGPORT="$port" PGUSER=postgres
	export PGDATABASE="${PGDATABASE:-postgres}"
}

run_as_postgres() {
	if [ "$(id -un)" = postgres ]; then
		"$@"
	elif [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		sudo -u postgres "$@"
	fi
}

cluster_stop_dir() {
	local dir="$1"
	if [ -f "$dir/data/postmaster.pid" ]; then
		run_as_postgres pg_ctl -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	fi
}

cluster_stop() {
	if [ -n "${SCOMM_RUN_DIR:-}" ] && [ -f "$SCOMM_RUN_DIR/data/postmaster.pid" ]; then
		log "stopping the private cluster in $SCOMM_RUN_DIR"
		cluster_stop_dir "$SCOMM_RUN_DIR"
	fi
}

# node_start DIR PORT: another throwaway cluster in DIR, listening on
# 127.0.0.1:PORT (trust authentication) and on a socket in DIR.  No trap is
# set: the caller stops it with node_stop DIR.
node_start() {
	local dir="$1" port="$2"
	cluster_stop_dir "$dir"
	as_root rm -rf "$dir"
	mkdir -p "$dir"
	chown postgres: "$dir" 2>/dev/null || true
	run_as_postgres initdb -D "$dir/data" -U postgres --auth=trust \
		--encoding=UTF8 --locale=C.UTF-8 >/dev/null
	run_as_postgres pg_ctl -D "$dir/data" -l "$dir/server.log" -w \
		-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
}

node_stop() {
	cluster_stop_dir "$1"
}

# node_restart DIR PORT: start the node in DIR again, with its data.
node_restart() {
	local dir="$1" port="$2"
	run_as_postgres pg_ctl -D "$dir/data" -l "$dir/server.log" -w \
		-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
}

# pg_copy_install DIR: copy the PostgreSQL installation whose pg_config is on
# PATH (programs, libraries, shared files, headers) under DIR, keeping their
# relative layout, so that PostgreSQL finds them there; prints the copy's
# bindir.  Other builds of scomm can then be installed into the copy
# (make PG_CONFIG=BINDIR/pg_config install) without touching the original.
pg_copy_install() {
	local dir="$1" d
	rm -rf "$dir"
	mkdir -p "$dir"
	for d in "$(pg_config --bindir)/.." "$(pg_config --sharedir)" "$(pg_config --includedir)"; do
		d="$(realpath "$d")"
		(cd / && cp -a --parents "${d#/}" "$dir/") || return 1
	done
	chmod -R a+rX "$dir"
	echo "$dir$(realpath "$(pg_config --bindir)")"
}
