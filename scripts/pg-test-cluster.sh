#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: its data under /tmp, on a free
# port of 127.0.0.1, run as the postgres user when started by root (the server
# refuses root) or as the current user otherwise. It never touches the
# machine's own clusters (pg_lsclusters).
#
#   scripts/pg-test-cluster.sh start STATE_DIR    # writes STATE_DIR/conninfo
#   scripts/pg-test-cluster.sh restart STATE_DIR  # pg_ctl restart -m fast
#   scripts/pg-test-cluster.sh halt STATE_DIR     # pg_ctl stop -m fast, keeping the data
#   scripts/pg-test-cluster.sh resume STATE_DIR   # pg_ctl start again, on the same port
#   scripts/pg-test-cluster.sh stop STATE_DIR     # stops it and removes its data
#
# CTest starts one for the whole suite (tests/CMakeLists.txt, fixture "pg");
# tests that restart the server start their own (tests/support/pg_cluster.h).
# Tests that log in with a password use roles in refreshctl_password_users,
# for which pg_hba.conf asks for one; every other role is trusted on loopback.
set -euo pipefail

usage() { echo "usage: $0 start|restart|halt|resume|stop STATE_DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
state=$2

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "pg-test-cluster: PostgreSQL's server is not installed; scripts/deps.sh test installs it" >&2
  exit 1
fi

# Runs from / so that the postgres user never needs to read the caller's directory.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && setpriv --reuid=postgres --regid=postgres --init-groups -- "$@")
  else
    (cd / && "$@")
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A process that has not exited (a zombie has).
alive() {
  [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

stop_cluster() {
  [ -f "$state/datadir" ] || return 0
  local data
  data=$(cat "$state/datadir")
  if [ -f "$data/data/postmaster.pid" ]; then
    as_owner "$bindir/pg_ctl" -D "$data/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  # The server's pid as noted at start: a server left running would go on
  # with its data deleted, unseen.
  # (pg_ctl returns once postmaster.pid is gone, a moment before the process.)
  if [ -f "$state/pid" ]; then
    local pid tries=0
    pid=$(cat "$state/pid")
    while alive "$pid"; do
      if [ $((tries += 1)) -gt 100 ]; then
        echo "pg-test-cluster: the server (pid $pid) did not stop" >&2
        exit 1
      fi
      sleep 0.1
    done
  fi
  case "$data" in /tmp/refreshctl-pg.*) rm -rf "$data" ;; esac
  rm -f "$state/datadir" "$state/conninfo" "$state/port" "$state/pid"
}

start_cluster() {
  mkdir -p "$state"
  stop_cluster  # one left by an interrupted run
  local data port
  data=$(mktemp -d /tmp/refreshctl-pg.XXXXXX)
  echo "$data" >"$state/datadir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$data"; fi
  as_owner "$bindir/initdb" -D "$data/data" -U postgres -A trust -E UTF8 --no-locale --no-sync \
    >"$state/initdb.log" 2>&1 || { cat "$state/initdb.log" >&2; exit 1; }
  cat >"$data/data/pg_hba.conf" <<'EOF'
local all all                                              trust
host  all +refreshctl_password_users 127.0.0.1/32 scram-sha-256
host  all all                        127.0.0.1/32 trust
EOF
  for attempt in 1 2 3; do
    port=$(free_port)
    cat >"$data/data/postgresql.auto.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$data'
max_connections = 300
shared_buffers = 32MB
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    if as_owner "$bindir/pg_ctl" -D "$data/data" -l "$data/server.log" -w -t 60 start >/dev/null; then
      break
    fi
    if [ "$attempt" -eq 3 ]; then
      cat "$data/server.log" >&2 || true
      exit 1
    fi
  done
  as_owner "$bindir/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE refreshctl_password_users NOLOGIN" >/dev/null
  echo "$port" >"$state/port"
  head -n1 "$data/data/postmaster.pid" >"$state/pid"
  echo "host=127.0.0.1 port=$port user=postgres dbname=postgres" >"$state/conninfo"
  echo "pg-test-cluster: PostgreSQL $("$bindir/postgres" -V | awk '{print $3}') on 127.0.0.1:$port, data in $data"
}

case "$action" in
  start) start_cluster ;;
  restart | halt | resume)
    data=$(cat "$state/datadir")
    case "$action" in restart) verb=restart ;; halt) verb=stop ;; resume) verb=start ;; esac
    as_owner "$bindir/pg_ctl" -D "$data/data" -l "$data/server.log" -m fast -w -t 60 "$verb" >/dev/null
    if [ -f "$data/data/postmaster.pid" ]; then head -n1 "$data/data/postmaster.pid" >"$state/pid"; else rm -f "$state/pid"; fi
    ;;
  stop) stop_cluster ;;
  *) usage ;;
esac
