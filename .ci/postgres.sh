#!/usr/bin/env bash
# Starts a throw-away PostgreSQL 15 on 127.0.0.1 for the tests, installing the
# Debian package when it is missing. Source it: it exports LIVEOPS_TEST_POSTGRES
# and defines stop_test_postgres. Reuses a server that already answers at
# LIVEOPS_TEST_POSTGRES.
set -euo pipefail

start_test_postgres() {
	if [ -n "${LIVEOPS_TEST_POSTGRES:-}" ] && psql "$LIVEOPS_TEST_POSTGRES" -Atqc 'select 1' >/dev/null 2>&1; then
		echo "postgres: using $LIVEOPS_TEST_POSTGRES"
		return
	fi
	local bin=/usr/lib/postgresql/15/bin
	if [ ! -x "$bin/initdb" ]; then
		echo "postgres: installing postgresql-15"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
	fi
	PG_DIR=$(mktemp -d /tmp/liveops-pg.XXXXXX)
	chown postgres:postgres "$PG_DIR"
	local port
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)
	su postgres -s /bin/sh -c "$bin/initdb -D $PG_DIR/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >"$PG_DIR/initdb.log"
	su postgres -s /bin/sh -c "$bin/pg_ctl -D $PG_DIR/data -l $PG_DIR/server.log -w start -o '-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200'" >/dev/null
	export LIVEOPS_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
	echo "postgres: started $LIVEOPS_TEST_POSTGRES"
}

stop_test_postgres() {
	if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
		su postgres -s /bin/sh -c "/usr/lib/postgresql/15/bin/pg_ctl -D $PG_DIR/data -m fast stop" >/dev/null 2>&1 || true
		rm -rf "$PG_DIR"
	fi
}
