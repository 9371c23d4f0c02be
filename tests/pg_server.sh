#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests: initdb into a fresh temporary
# directory, listening only on 127.0.0.1 on a random free port with its unix
# socket inside that directory, trust authentication (nothing else can reach
# it), one database `autolic_test` owned by the superuser `autolic`.
#
#   pg_server.sh run CMD [ARG...]  start a server, run CMD with AUTOLIC_PG_CONNINFO and
#                                  AUTOLIC_PG_DIR set, then stop it and remove the
#                                  directory (also when CMD fails or on INT/TERM)
#   pg_server.sh start OWNER_PID   start a server that lives until `stop` or until
#                                  process OWNER_PID is gone (a watchdog removes it
#                                  even if the owner crashed); prints the directory
#                                  on the first line and the conninfo on the second
#   pg_server.sh stop DIR          stop that server and remove DIR
#   pg_server.sh server-stop DIR   stop the server only (tests of a stopped server)
#   pg_server.sh server-start DIR  start it again, on the same port
#   pg_server.sh bindir            print the directory of the server binaries used
#
# The server binaries are found through AUTOLIC_PG_BINDIR, then initdb on PATH,
# then `pg_config --bindir`, then /usr/lib/postgresql/*/bin (Debian). initdb
# and postgres refuse to run as root: as root the server runs as the
# `postgres` system user (created by Debian's postgresql package), which then
# owns the directory.
set -euo pipefail

die() { echo "pg_server.sh: $*" >&2; exit 1; }

find_bindir() {
  local d
  if [ -n "${AUTOLIC_PG_BINDIR:-}" ] && [ -x "$AUTOLIC_PG_BINDIR/initdb" ]; then
    echo "$AUTOLIC_PG_BINDIR"; return
  fi
  if d=$(command -v initdb 2>/dev/null); then
    d=$(dirname "$(readlink -f "$d")")
    [ -x "$d/pg_ctl" ] && { echo "$d"; return; }
  fi
  if command -v pg_config >/dev/null 2>&1; then
    d=$(pg_config --bindir 2>/dev/null || true)
    [ -n "$d" ] && [ -x "$d/initdb" ] && { echo "$d"; return; }
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  die "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's postgresql package (scripts/deps.sh)"
}

# Run a server command as the user that owns the cluster.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

server_start() { # DIR: start the cluster in DIR on the port recorded there
  local dir=$1 bin port
  bin=$(cat "$dir/bindir")
  port=$(cat "$dir/port")
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir'" \
    start >/dev/null
}

server_stop() { # DIR [MODE]
  local dir=$1 mode=${2:-fast}
  [ -f "$dir/data/postmaster.pid" ] || return 0
  as_owner "$(cat "$dir/bindir")/pg_ctl" -D "$dir/data" -m "$mode" -w -t 60 stop >/dev/null 2>&1 || true
}

remove() { # DIR: stop everything and delete the directory
  local dir=$1
  [ -d "$dir" ] || return 0
  local w
  w=$(cat "$dir/watchdog.pid" 2>/dev/null || true)
  if [ -n "$w" ] && [ "$w" != "$$" ]; then # the watchdog itself ends up here too
    kill "$w" 2>/dev/null || true
  fi
  server_stop "$dir" immediate
  rm -rf "$dir"
}

start() { # prints DIR and CONNINFO; on any failure removes what it made
  local bin dir port ok=0 i
  bin=$(find_bindir)
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    die "running as root, but there is no 'postgres' system user to run the server as"
  fi
  dir=$(mktemp -d "${TMPDIR:-/tmp}/al-pg-XXXXXX")
  trap 'remove "$dir"' EXIT INT TERM
  echo "$bin" > "$dir/bindir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir"
  fi
  chmod 700 "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U autolic --auth=trust -E UTF8 --no-locale \
    --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  # Test settings: a short deadlock_timeout so that the deadlock tests take
  # 0.1 s rather than 1 s; durability settings stay PostgreSQL's defaults.
  cat >> "$dir/data/postgresql.conf" <<CONF
deadlock_timeout = 100ms
max_connections = 40
shared_buffers = 16MB
CONF
  # A random port; another server may take it between the choice and the
  # bind, so a failed start is retried on another port.
  for i in 1 2 3 4 5 6 7 8; do
    port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    echo "$port" > "$dir/port"
    if server_start "$dir" 2>>"$dir/start.log"; then ok=1; break; fi
    server_stop "$dir" immediate
  done
  if [ $ok -ne 1 ]; then
    tail -n 20 "$dir/log" >&2 2>/dev/null || true
    cat "$dir/start.log" >&2 2>/dev/null || true
    die "the server did not start"
  fi
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U autolic autolic_test \
    || { tail -n 20 "$dir/log" >&2; die "createdb failed"; }
  trap - EXIT INT TERM
  echo "$dir"
  echo "host=127.0.0.1 port=$port dbname=autolic_test user=autolic connect_timeout=10"
}

cmd=${1:-}
case "$cmd" in
  run)
    shift
    [ $# -ge 1 ] || die "usage: pg_server.sh run CMD [ARG...]"
    out=$(start)
    dir=$(sed -n 1p <<<"$out")
    trap 'remove "$dir"' EXIT INT TERM
    export AUTOLIC_PG_DIR=$dir
    AUTOLIC_PG_CONNINFO=$(sed -n 2p <<<"$out")
    export AUTOLIC_PG_CONNINFO
    export AUTOLIC_PG_SERVER_SH="$(readlink -f "$0")"
    "$@"
    ;;
  start)
    owner=${2:?usage: pg_server.sh start OWNER_PID}
    out=$(start)
    dir=$(sed -n 1p <<<"$out")
    # The watchdog: removes the server once the owner is gone, whatever the
    # way it went. It holds none of the caller's descriptors.
    setsid bash -c '
      while kill -0 "$1" 2>/dev/null && [ -d "$2" ]; do sleep 1; done
      exec "$3" stop "$2"' watchdog "$owner" "$dir" "$(readlink -f "$0")" \
      </dev/null >/dev/null 2>&1 &
    echo $! > "$dir/watchdog.pid"
    echo "$out"
    ;;
  stop)
    dir=${2:?usage: pg_server.sh stop DIR}
    remove "$dir"
    ;;
  server-stop)
    server_stop "${2:?usage: pg_server.sh server-stop DIR}"
    ;;
  server-start)
    server_start "${2:?usage: pg_server.sh server-start DIR}"
    ;;
  bindir)
    find_bindir
    ;;
  *)
    die "usage: pg_server.sh run CMD [ARG...] | start OWNER_PID | stop DIR | server-stop DIR | server-start DIR | bindir"
    ;;
esac
