#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a loopback port, for the PostgreSQL tests:
#
#   eval "$(scripts/throwaway-postgres.sh start)"   # prints `export ST_TEST_DATABASE_URL=...`
#   cargo test -p servicetitan-sync postgres
#   scripts/throwaway-postgres.sh stop
#
# It installs Debian's `postgresql` package when no server binaries are found (needs root),
# keeps the cluster in a temporary directory, and runs the server as the `postgres` user when
# started as root (PostgreSQL refuses to run as root).
set -euo pipefail

STATE_FILE="${TMPDIR:-/tmp}/servicetitan-throwaway-postgres"

find_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return; fi
  if command -v pg_ctl >/dev/null 2>&1; then dirname "$(command -v pg_ctl)"; return; fi
}

as_server_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    bin=$(find_bin)
    if [ -z "$bin" ]; then
      echo "installing postgresql (Debian package)" >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
      bin=$(find_bin)
    fi
    dir=$(mktemp -d "${TMPDIR:-/tmp}/st-postgres.XXXXXX")
    chmod 755 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_server_user "$bin/initdb" -D "$dir/data" -A trust -U st --no-sync -E UTF8 >/dev/null
    as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
    echo "$bin $dir" > "$STATE_FILE"
    echo "export ST_TEST_DATABASE_URL=postgres://st@127.0.0.1:$port/postgres"
    ;;
  stop)
    [ -f "$STATE_FILE" ] || exit 0
    read -r bin dir < "$STATE_FILE"
    as_server_user "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null || true
    rm -rf "$dir" "$STATE_FILE"
    ;;
  *)
    echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
