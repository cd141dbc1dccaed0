#!/usr/bin/env bash
# A throw-away PostgreSQL cluster (Debian packages) for CI and local tests of the store.
#
#   bash scripts/postgres.sh [start]   # default; idempotent. stdout: DATABASE_URL=postgres://postgres@127.0.0.1:54329/haravan_tiki_test
#   bash scripts/postgres.sh stop      # fast shutdown; no-op when not running
#   bash scripts/postgres.sh status    # exit 0 if running
#   bash scripts/postgres.sh url       # stdout: the bare URL (does not start anything)
#
# Typical use:  export "$(bash scripts/postgres.sh start)"
#
# - Binaries: ${PG_BIN_DIR}, else the newest /usr/lib/postgresql/*/bin with a working pg_ctl + initdb. If there is
#   none, `apt-get install postgresql` (root only; noninteractive).
# - Cluster: ${PG_DATA_DIR:-/tmp/haravan-tiki-pg}/data, log in …/postgres.log, unix socket in …/run. As root the
#   directory is owned by the `postgres` user and every server command runs as that user (initdb refuses root).
# - Listens on 127.0.0.1:${PG_PORT:-54329} only, trust auth, user `postgres`, database ${PG_DATABASE:-haravan_tiki_test}.
# - Durability is switched off (fsync, synchronous_commit, full_page_writes): this is a test database. PG_DURABLE=1
#   keeps PostgreSQL's defaults instead (scripts/prod-shape.sh: a restart mid-run must not lose a commit).
# - Logs go to stderr; only the URL line goes to stdout.
set -euo pipefail

PG_DATA_DIR="${PG_DATA_DIR:-/tmp/haravan-tiki-pg}"
PG_PORT="${PG_PORT:-54329}"
PG_DATABASE="${PG_DATABASE:-haravan_tiki_test}"
PG_USER=postgres
PGDATA_DIR="$PG_DATA_DIR/data"
SOCKET_DIR="$PG_DATA_DIR/run"
LOG_FILE="$PG_DATA_DIR/postgres.log"
CMD="${1:-start}"

log() { printf '[postgres.sh] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

is_root() { [[ "$(id -u)" == "0" ]]; }

url_for() { printf 'postgres://%s@127.0.0.1:%s/%s' "$PG_USER" "$1" "$PG_DATABASE"; }

# Run a server-side command as the cluster owner.
as_owner() {
  if is_root; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# A bin dir is usable if its pg_ctl runs and initdb/postgres/psql are there.
usable_bin_dir() {
  local d="$1"
  [[ -x "$d/pg_ctl" && -x "$d/initdb" && -x "$d/postgres" ]] || return 1
  "$d/pg_ctl" --version >/dev/null 2>&1
}

find_bin_dir() {
  local d
  if [[ -n "${PG_BIN_DIR:-}" ]]; then
    usable_bin_dir "$PG_BIN_DIR" && { printf '%s' "$PG_BIN_DIR"; return 0; }
    log "PG_BIN_DIR=$PG_BIN_DIR has no working pg_ctl/initdb/postgres; looking further"
  fi
  # Newest major first.
  while IFS= read -r d; do
    usable_bin_dir "$d" && { printf '%s' "$d"; return 0; }
  done < <(for d in /usr/lib/postgresql/*/bin; do [[ -d "$d" ]] && printf '%s\n' "$d"; done | sort -t/ -k4,4 -rn)
  return 1
}

install_postgres() {
  is_root || die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin and not root: install the Debian package 'postgresql' (or set PG_BIN_DIR)"
  command -v apt-get >/dev/null 2>&1 || die "PostgreSQL server binaries not found and apt-get is unavailable"
  log "installing the Debian package postgresql"
  export DEBIAN_FRONTEND=noninteractive
  # Don't let the package create and start its own 'main' cluster on 5432; we run our own.
  if [[ ! -e /etc/postgresql-common/createcluster.conf ]]; then
    mkdir -p /etc/postgresql-common
    printf 'create_main_cluster = false\n' >/etc/postgresql-common/createcluster.conf
  fi
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold postgresql >&2
}

ensure_owner_user() {
  is_root || return 0
  id -u postgres >/dev/null 2>&1 && return 0
  log "creating system user postgres"
  useradd --system --home-dir /var/lib/postgresql --shell /bin/bash --user-group postgres
}

BIN=""
resolve_bin() {
  BIN="$(find_bin_dir || true)"
  if [[ -z "$BIN" ]]; then
    install_postgres
    BIN="$(find_bin_dir || true)"
    [[ -n "$BIN" ]] || die "no usable PostgreSQL server binaries after installing (looked in /usr/lib/postgresql/*/bin)"
  fi
  log "using $("$BIN/pg_ctl" --version) from $BIN"
}

# proc_alive PID: the process exists and is not a zombie.
proc_alive() {
  local state
  [[ "$1" =~ ^[0-9]+$ && -r "/proc/$1/stat" ]] || return 1
  state="$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$1/stat" 2>/dev/null || true)"
  [[ -n "$state" && "$state" != "Z" && "$state" != "X" ]]
}

postmaster_pid() { head -n1 "$PGDATA_DIR/postmaster.pid" 2>/dev/null || true; }

running() {
  [[ -f "$PGDATA_DIR/PG_VERSION" ]] || return 1
  as_owner "$BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1 || return 1
  # pg_ctl only does kill(pid, 0), which also succeeds for a killed postmaster that is not reaped yet.
  proc_alive "$(postmaster_pid)"
}

# A postmaster.pid left by a killed server whose process is gone or a zombie makes the new postmaster refuse to
# start ("lock file already exists"). Its children exit as soon as they see the postmaster die, and the new
# postmaster still refuses if the old shared memory is in use, so removing the file is safe.
clear_stale_pidfile() {
  local pid
  [[ -f "$PGDATA_DIR/postmaster.pid" ]] || return 0
  pid="$(postmaster_pid)"
  proc_alive "$pid" && return 0
  log "removing stale postmaster.pid and socket lock (PID $pid is gone or a zombie)"
  rm -f "$PGDATA_DIR/postmaster.pid" "$SOCKET_DIR"/.s.PGSQL.*
}

# Port the running server listens on (line 4 of postmaster.pid), falling back to $PG_PORT.
running_port() {
  local p
  p="$(sed -n 4p "$PGDATA_DIR/postmaster.pid" 2>/dev/null || true)"
  [[ "$p" =~ ^[0-9]+$ ]] && printf '%s' "$p" || printf '%s' "$PG_PORT"
}

# wait_ready PORT TRIES: poll pg_isready every 0.2 s.
wait_ready() {
  local i
  for ((i = 0; i < $2; i++)); do
    "$BIN/pg_isready" -q -h 127.0.0.1 -p "$1" -U "$PG_USER" -d postgres >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}

psql_cmd() {
  local psql="$BIN/psql"
  [[ -x "$psql" ]] || psql="$(command -v psql)" || die "psql not found"
  PGCONNECT_TIMEOUT=10 "$psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U "$PG_USER" -d postgres "${@:2}"
}

init_cluster() {
  ensure_owner_user
  mkdir -p "$PG_DATA_DIR" "$SOCKET_DIR"
  is_root && chown -R postgres:postgres "$PG_DATA_DIR"
  chmod 700 "$PG_DATA_DIR"
  if [[ -f "$PGDATA_DIR/PG_VERSION" ]]; then
    local have want
    have="$(cat "$PGDATA_DIR/PG_VERSION")"
    want="$("$BIN/pg_ctl" --version | awk '{print $3}' | cut -d. -f1)"
    if [[ "$have" != "$want" ]]; then
      log "cluster in $PGDATA_DIR is PostgreSQL $have but the binaries are $want: re-initialising (test data is discarded)"
      rm -rf "$PGDATA_DIR"
    else
      return 0
    fi
  fi
  log "initialising a cluster in $PGDATA_DIR"
  rm -rf "$PGDATA_DIR"
  as_owner "$BIN/initdb" -D "$PGDATA_DIR" -U "$PG_USER" -A trust -E UTF8 --locale=C >"$PG_DATA_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DATA_DIR/initdb.log" >&2; die "initdb failed"; }
}

# pg_start: start the server; on failure the new part of the log is in START_LOG (and on stderr).
START_LOG=""
pg_start() {
  local before
  before="$(stat -c %s "$LOG_FILE" 2>/dev/null || echo 0)"
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [[ "${PG_DURABLE:-0}" == "1" ]] && durability=""
  log "starting on 127.0.0.1:$PG_PORT (log: $LOG_FILE)"
  # 9>&-: the postmaster must not inherit (and hold) the lock.
  if as_owner "$BIN/pg_ctl" -D "$PGDATA_DIR" -l "$LOG_FILE" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $SOCKET_DIR $durability -c max_connections=200" \
    start >&2 9>&-; then
    return 0
  fi
  START_LOG="$(tail -c +$((before + 1)) "$LOG_FILE" 2>/dev/null | tail -n 30 || true)"
  printf '%s\n' "$START_LOG" >&2
  return 1
}

start() {
  # Serialise concurrent callers (CI scripts, parallel test runners).
  mkdir -p "$(dirname "$PG_DATA_DIR")"
  exec 9>"$PG_DATA_DIR.lock"
  command -v flock >/dev/null 2>&1 && flock -w 120 9

  resolve_bin
  if running; then
    local port i
    port="$(running_port)"
    if wait_ready "$port" 50; then
      log "already running on 127.0.0.1:$port ($PGDATA_DIR)"
      [[ "$port" == "$PG_PORT" ]] || log "note: the running server uses port $port, not PG_PORT=$PG_PORT (stop it to change)"
    else
      # postmaster.pid names a live (or just-dying) process that does not answer: stop it and start afresh.
      log "postmaster.pid names a process that does not answer on port $port; restarting"
      as_owner "$BIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w -t 30 stop >&2 9>&- || true
      for ((i = 0; i < 50; i++)); do running || break; sleep 0.2; done
    fi
  fi
  if ! running; then
    init_cluster
    clear_stale_pidfile
    mkdir -p "$SOCKET_DIR"
    is_root && chown postgres:postgres "$SOCKET_DIR" "$PG_DATA_DIR"
    is_root && { touch "$LOG_FILE"; chown postgres:postgres "$LOG_FILE"; }
    if ! pg_start; then
      if grep -q 'Address already in use' <<<"$START_LOG"; then
        die "port $PG_PORT on 127.0.0.1 is taken by another process: stop it or set PG_PORT"
      fi
      # Anything else (a cluster damaged by a crash or a deleted data dir, …): this is a throw-away test
      # database, so start over from an empty cluster once.
      log "the cluster in $PGDATA_DIR does not start; re-initialising it (test data is discarded)"
      rm -rf "$PGDATA_DIR"
      init_cluster
      pg_start || die "pg_ctl start failed on a fresh cluster (see $LOG_FILE)"
    fi
  fi
  local port
  port="$(running_port)"
  wait_ready "$port" 100 || die "server on 127.0.0.1:$port does not accept connections (see $LOG_FILE)"
  if [[ "$(psql_cmd "$port" -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")" != "1" ]]; then
    log "creating database $PG_DATABASE"
    psql_cmd "$port" -c "CREATE DATABASE \"$PG_DATABASE\"" >&2
  fi
  printf 'DATABASE_URL=%s\n' "$(url_for "$port")"
}

stop() {
  resolve_bin
  if running; then
    log "stopping ($PGDATA_DIR)"
    as_owner "$BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 60 stop >&2
  else
    log "not running"
  fi
}

case "$CMD" in
  start) start ;;
  stop) stop ;;
  status)
    resolve_bin 2>/dev/null
    if running; then log "running on 127.0.0.1:$(running_port)"; exit 0; else log "not running"; exit 3; fi
    ;;
  url) url_for "$PG_PORT"; printf '\n' ;;
  *) die "usage: $0 [start|stop|status|url]" ;;
esac
