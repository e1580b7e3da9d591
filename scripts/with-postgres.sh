#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh CMD [ARGS...]
#
# Starts a throwaway PostgreSQL server on 127.0.0.1 and a free port, runs CMD with
#   SUBTIER_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:PORT/postgres
# exported, then stops the server and deletes its directory whatever happens. Exits with CMD's
# exit code. The server has trust authentication, no fsync and listens on loopback only: it is
# for tests, never for data.
#
# SUBTIER_PG_BINDIR names the directory of initdb and pg_ctl if the default search misses it;
# SUBTIER_PG_TMPDIR the parent of the server's directory (default: /dev/shm if roomy, else /tmp).
# If PostgreSQL is missing and we are root, it is installed with apt-get. If it cannot be
# installed or started, one line says so and CMD runs without the variable (the PostgreSQL
# tests then skip, or fail when CI=true). If SUBTIER_TEST_POSTGRES_URL is already set, that
# server is used and none is started.
set -euo pipefail

readonly ME="with-postgres"
readonly SKIP_LINE="PostgreSQL tests will be skipped"

if [ "$#" -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

say() { echo "$ME: $*" >&2; }

if [ -n "${SUBTIER_TEST_POSTGRES_URL:-}" ]; then
  say "using the server already named by SUBTIER_TEST_POSTGRES_URL"
  exec "$@"
fi

# run_without REASON CMD [ARGS...]
run_without() {
  say "$1; $SKIP_LINE"
  shift
  unset SUBTIER_TEST_POSTGRES_URL
  exec "$@"
}

IS_ROOT=0
[ "$(id -u)" -eq 0 ] && IS_ROOT=1

# As root, the server runs as the `postgres` user (initdb refuses root); otherwise as ourselves.
# The working directory must be readable by that user, hence the subshell's `cd /`.
as_pg() {
  if [ "$IS_ROOT" -eq 1 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

# Directory holding initdb and pg_ctl: $SUBTIER_PG_BINDIR if set, else pg_config's, else the
# newest Debian one.
find_bindir() {
  local dir candidates=()
  if [ -n "${SUBTIER_PG_BINDIR:-}" ]; then
    candidates+=("$SUBTIER_PG_BINDIR")
  else
    if command -v pg_config >/dev/null 2>&1; then
      candidates+=("$(pg_config --bindir 2>/dev/null || true)")
    fi
    while IFS= read -r dir; do
      candidates+=("$dir")
    done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV)
  fi
  for dir in "${candidates[@]}"; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

install_postgres() {
  local log
  log="$(mktemp)"
  say "PostgreSQL not found; installing it with apt-get (log: $log)"
  if DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql \
      >>"$log" 2>&1; then
    rm -f "$log"
    return 0
  fi
  tail -n 20 "$log" >&2 || true
  return 1
}

free_port() {
  local py port
  for py in python3 python; do
    if command -v "$py" >/dev/null 2>&1 &&
      port="$("$py" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()' 2>/dev/null)"; then
      echo "$port"
      return 0
    fi
  done
  # No Python: a random port in the dynamic range that nothing answers on.
  for _ in $(seq 1 50); do
    port="$(shuf -i 49152-65000 -n 1)"
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

BINDIR="$(find_bindir || true)"
if [ -z "$BINDIR" ]; then
  if [ -z "${SUBTIER_PG_BINDIR:-}" ] && [ "$IS_ROOT" -eq 1 ] && command -v apt-get >/dev/null 2>&1 &&
    install_postgres; then
    BINDIR="$(find_bindir || true)"
  fi
fi
if [ -z "$BINDIR" ]; then
  if [ -n "${SUBTIER_PG_BINDIR:-}" ]; then
    run_without "no initdb and pg_ctl in SUBTIER_PG_BINDIR=$SUBTIER_PG_BINDIR" "$@"
  elif [ "$IS_ROOT" -eq 1 ] && command -v apt-get >/dev/null 2>&1; then
    run_without "PostgreSQL is not installed and apt-get could not install it" "$@"
  fi
  run_without "PostgreSQL is not installed (installing it here needs root and apt-get)" "$@"
fi
if [ "$IS_ROOT" -eq 1 ] && ! id -u postgres >/dev/null 2>&1; then
  run_without "running as root but there is no 'postgres' user to run the server as" "$@"
fi

# The server's directory: /dev/shm when it has room (in memory, CREATE DATABASE takes ~20 ms
# there against ~200 ms on disk), else $TMPDIR or /tmp; SUBTIER_PG_TMPDIR comes first if set.
# Every parent must be traversable by the server's user and the socket path must stay short
# (about 100 bytes): a candidate failing either is skipped.
make_pgdir() {
  local base dir
  for base in "$@"; do
    if [ -z "$base" ] || [ ! -d "$base" ]; then
      continue
    fi
    dir="$(mktemp -d "$base/subtier-pg.XXXXXXXX" 2>/dev/null)" || continue
    if [ "$IS_ROOT" -eq 1 ]; then
      chown postgres:postgres "$dir"
    fi
    if [ "${#dir}" -le 80 ] && as_pg test -w "$dir"; then
      echo "$dir"
      return 0
    fi
    rm -rf "$dir"
  done
  return 1
}
shm_has_room() {
  local avail_kb
  avail_kb="$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')" || return 1
  [ -n "$avail_kb" ] && [ "$avail_kb" -ge 1048576 ]
}
BASES=("${SUBTIER_PG_TMPDIR:-}")
if shm_has_room; then
  BASES+=(/dev/shm)
fi
BASES+=("${TMPDIR:-/tmp}" /tmp)
PGDIR="$(make_pgdir "${BASES[@]}")" ||
  run_without "found no directory the server could use (tried: ${BASES[*]})" "$@"
DATA="$PGDIR/data"
STARTED=0

# Stops the server if one may be running; quiet and never fails.
stop_server() {
  if [ "$STARTED" -eq 1 ]; then
    STARTED=0
    if ! as_pg "$BINDIR/pg_ctl" -D "$DATA" -m fast -w -t 10 stop >/dev/null 2>&1; then
      as_pg "$BINDIR/pg_ctl" -D "$DATA" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
    fi
  fi
}
cleanup() {
  trap - EXIT INT TERM
  stop_server
  rm -rf "$PGDIR"
}
# shellcheck disable=SC2317 # called from the traps below
on_signal() {
  cleanup
  exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

show_log() {
  say "PostgreSQL startup failed; the end of its log ($(basename "$1")):"
  tail -n 20 "$1" >&2 || true
}

LOCALE_ARGS=(--no-locale)
if locale -a 2>/dev/null | grep -qixE 'c\.utf-?8'; then
  LOCALE_ARGS=(--locale=C.UTF-8)
fi

start_server() {
  local port attempt log
  if ! as_pg "$BINDIR/initdb" -N -D "$DATA" -U postgres -A trust -E UTF8 "${LOCALE_ARGS[@]}" \
    >"$PGDIR/initdb.log" 2>&1; then
    show_log "$PGDIR/initdb.log"
    return 1
  fi
  # The port is free when chosen but could be taken before the server binds it: retry then.
  for attempt in 1 2 3; do
    port="$(free_port)" || return 1
    log="$PGDIR/postgres-$attempt.log"
    STARTED=1
    if as_pg "$BINDIR/pg_ctl" -D "$DATA" -l "$log" -w -t 30 -o "-c listen_addresses=127.0.0.1 \
      -p $port -k $PGDIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
      -c max_connections=200" start >>"$log.pg_ctl" 2>&1; then
      PORT="$port"
      return 0
    fi
    stop_server
    if [ "$attempt" -lt 3 ] && grep -q "could not bind" "$log" 2>/dev/null; then
      say "port $port was taken; trying another"
      continue
    fi
    cat "$log.pg_ctl" >>"$log" 2>/dev/null || true
    show_log "$log"
    return 1
  done
  return 1
}

PORT=""
T0="$(date +%s%N)"
if ! start_server; then
  cleanup
  run_without "PostgreSQL could not be started" "$@"
fi
T1="$(date +%s%N)"
VERSION="$("$BINDIR/postgres" --version 2>/dev/null | awk '{print $3}' || true)"
say "PostgreSQL ${VERSION:-?} on 127.0.0.1:$PORT, started in $(((T1 - T0) / 1000000)) ms"

export SUBTIER_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
STATUS=0
"$@" || STATUS=$?
exit "$STATUS"
