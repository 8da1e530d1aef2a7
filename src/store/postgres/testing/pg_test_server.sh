#!/usr/bin/env bash
# Throwaway PostgreSQL server for tests (never for production data).
#   pg_test_server.sh start DIR   initdb into DIR/data, start on a free loopback
#                                 port, create database "vox", print its URL
#                                 (also written to DIR/url)
#   pg_test_server.sh stop DIR    stop the server (if running) and delete DIR
#   pg_test_server.sh pause DIR   stop the server but keep DIR (fault tests)
#   pg_test_server.sh resume DIR  start it again on the same port
#   pg_test_server.sh start-shared FILE / stop-shared FILE
#                                 the same in a fresh temporary directory,
#                                 with the URL in FILE and the directory in
#                                 FILE.dir (CTest's fixture for a whole run)
# Exit status 77 when the PostgreSQL server binaries are not installed.
# initdb refuses to run as root, so as root the server runs as `nobody`.
set -euo pipefail

cmd=${1:?usage: pg_test_server.sh start|stop|pause|resume DIR}
dir=${2:?usage: pg_test_server.sh start|stop|pause|resume DIR}
bin=${VOX_PG_BIN:-}
if [ -z "$bin" ]; then
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && bin=$d; done
fi
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "pg_test_server: no PostgreSQL server binaries (apt-get install postgresql)" >&2
  exit 77
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u nobody -- "$@"
  else
    "$@"
  fi
}

start_on() {  # port
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $1 -k $dir -c listen_addresses=127.0.0.1 -c fsync=off \
        -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null
}

case "$cmd" in
  start-shared)
    "$0" stop-shared "$dir"  # a previous run that was killed
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/vox-pg-XXXXXX")
    echo "$tmp" >"$dir.dir"
    "$0" start "$tmp" >"$dir.tmp" && mv "$dir.tmp" "$dir"
    cat "$dir"
    ;;
  stop-shared)
    [ -f "$dir.dir" ] && "$0" stop "$(cat "$dir.dir")"
    rm -f "$dir" "$dir.dir" "$dir.tmp"
    ;;
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown nobody "$dir"
    chmod 700 "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U vox -A trust -E UTF8 --no-locale --no-sync \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    # A random port; retried when it turns out to be taken.
    for _ in 1 2 3 4 5 6 7 8; do
      port=$((20000 + RANDOM % 30000))
      if start_on "$port"; then
        echo "$port" >"$dir/port"
        "$bin/psql" -q -h 127.0.0.1 -p "$port" -U vox -d postgres \
          -c "CREATE DATABASE vox" >/dev/null
        echo "postgresql://vox@127.0.0.1:$port/vox" | tee "$dir/url"
        exit 0
      fi
    done
    echo "pg_test_server: could not start; log:" >&2
    cat "$dir/server.log" >&2 || true
    exit 1
    ;;
  pause)
    # fast: clients are disconnected at once, and committed data survives
    # (synchronous_commit=off could lose it in an immediate stop).
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  resume)
    start_on "$(cat "$dir/port")"
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "pg_test_server: unknown command $cmd" >&2
    exit 2
    ;;
esac
