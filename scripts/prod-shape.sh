#!/usr/bin/env bash
# The production shape on one machine, without Docker: a real Temporal server (built from its Go module) on the
# Debian PostgreSQL, its schemas set up by the server's own SQL tool, the dynamic config docker-compose uses, two
# worker processes and two API processes. Not part of CI (README.md, "Production shape").
#
#   bash scripts/prod-shape.sh build     # only build (or find cached) the server, its SQL tool and the schema files
#   bash scripts/prod-shape.sh start     # idempotent: starts what is not running; stdout: the env lines below
#   bash scripts/prod-shape.sh stop      # stops everything it started (PostgreSQL too); nothing of it keeps running
#   bash scripts/prod-shape.sh status    # one line per part; exit 0 only if every part runs
#   bash scripts/prod-shape.sh env       # the env lines (PROD_SHAPE_*=...) that test/chaos and bench/scale read
#   bash scripts/prod-shape.sh restart temporal|postgres|worker-1|worker-2|api-1|api-2
#   bash scripts/prod-shape.sh kill9 worker-1|worker-2   # SIGKILL its process group; its supervisor starts it again
#
# Ports (127.0.0.1 only), from PROD_SHAPE_PORT_BASE (default 19700): PostgreSQL +1, Temporal frontend gRPC +33
# (HTTP +43, membership +34, history +35/+36, matching +37/+38, internal worker +39/+40, metrics +45), API +80/+81,
# worker metrics +90/+91.
# State (PostgreSQL cluster, generated secrets, logs, pid files): PROD_SHAPE_DIR (default /tmp/haravan-tiki-prod-shape).
# Each Temporal/worker/API process runs under a small supervisor that starts it again when it exits (compose's
# `restart: on-failure`); stop ends the supervisor first, then the process group.
# Knobs: PROD_SHAPE_HISTORY_SHARDS (default 512 as compose; fixed when the schema is first set up),
#        TEMPORAL_SERVER_VERSION (default 1.29.1), TEMPORAL_CACHE_DIR (as scripts/temporal.sh).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SELF="$ROOT/scripts/prod-shape.sh"
VERSION="${TEMPORAL_SERVER_VERSION:-1.29.1}"
CACHE_ROOT="${TEMPORAL_CACHE_DIR:-${HOME:-/tmp}/.cache/haravan-tiki-sync}"
CACHE="$CACHE_ROOT/temporal-server-$VERSION"
STATE="${PROD_SHAPE_DIR:-/tmp/haravan-tiki-prod-shape}"
RUN="$STATE/run"
LOGS="$STATE/logs"
BASE="${PROD_SHAPE_PORT_BASE:-19700}"
PG_PORT_PS=$((BASE + 1))
FRONTEND=$((BASE + 33))
API_PORTS=($((BASE + 80)) $((BASE + 81)))
WORKER_METRICS=($((BASE + 90)) $((BASE + 91)))
SHARDS="${PROD_SHAPE_HISTORY_SHARDS:-512}"
TASK_QUEUE_PS="${TASK_QUEUE:-haravan-tiki}"
SEARCH_ATTRIBUTES_PS='ShopId=Keyword ConnectionState=Keyword TikiOrderCode=Keyword'

log() { printf '[prod-shape] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

pg() { PG_DATA_DIR="$STATE/pg" PG_PORT="$PG_PORT_PS" PG_DATABASE=haravan_tiki PG_DURABLE=1 bash "$ROOT/scripts/postgres.sh" "$@"; }

# ------------------------------------------------------------------ binaries: the server and its SQL tool, cached
go_install() {
  local pkg="$1" out="$2" gobin="$CACHE/go-bin"
  command -v go >/dev/null 2>&1 || die "go not found: cannot build $pkg (install Go ≥ 1.24 or put the binary at $out)"
  mkdir -p "$gobin" "$(dirname "$out")"
  log "building $pkg@v$VERSION with $(go version) under nice -n 19 (several minutes)"
  # Same as the release build: no cgo, version from the module itself.
  CGO_ENABLED=0 GOTOOLCHAIN=local GOBIN="$gobin" nice -n 19 go install -trimpath -ldflags "-s -w" "$pkg@v$VERSION" >&2 \
    || die "go install $pkg@v$VERSION failed (output above)"
  mv -f "$gobin/$(basename "$pkg")" "$out"
}

ensure_binaries() {
  mkdir -p "$CACHE/bin"
  exec 8>"$CACHE_ROOT/.temporal-server-$VERSION.lock"
  command -v flock >/dev/null 2>&1 && flock -w 1800 8
  "$CACHE/bin/server" --version 2>/dev/null | grep -q "version $VERSION" || go_install go.temporal.io/server/cmd/server "$CACHE/bin/server"
  "$CACHE/bin/temporal-sql-tool" --version 2>/dev/null | grep -q "version $VERSION" || go_install go.temporal.io/server/cmd/tools/sql "$CACHE/bin/temporal-sql-tool"
  # The schema files ship in the module, not in the binaries.
  if [[ ! -f "$CACHE/schema/postgresql/v12/temporal/schema.sql" ]]; then
    local mod
    mod="$(cd "$CACHE" && go mod download -json "go.temporal.io/server@v$VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')"
    [[ -d "$mod/schema/postgresql/v12" ]] || die "no schema/postgresql/v12 in the module go.temporal.io/server@v$VERSION ($mod)"
    rm -rf "$CACHE/schema" && mkdir -p "$CACHE/schema" && cp -r "$mod/schema/postgresql" "$CACHE/schema/"
  fi
  exec 8>&-
  TEMPORAL_CLI="$(bash "$ROOT/scripts/temporal.sh")"
}

# ------------------------------------------------------------------ generated secrets, kept across starts
secret() {
  local f="$STATE/secrets/$1"
  if [[ ! -s "$f" ]]; then
    mkdir -p "$STATE/secrets" && chmod 700 "$STATE/secrets"
    head -c 32 /dev/urandom | base64 >"$f"
  fi
  cat "$f"
}

print_env() {
  cat <<EOF
PROD_SHAPE_TEMPORAL_ADDRESS=127.0.0.1:$FRONTEND
PROD_SHAPE_DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT_PS/haravan_tiki
PROD_SHAPE_API_URLS=http://127.0.0.1:${API_PORTS[0]},http://127.0.0.1:${API_PORTS[1]}
PROD_SHAPE_API_TOKEN=$(secret api-token)
PROD_SHAPE_ENCRYPTION_KEY=$(secret encryption-key)
PROD_SHAPE_TASK_QUEUE=$TASK_QUEUE_PS
PROD_SHAPE_WORKER_METRICS=http://127.0.0.1:${WORKER_METRICS[0]}/metrics,http://127.0.0.1:${WORKER_METRICS[1]}/metrics
PROD_SHAPE_TEMPORAL_METRICS=http://127.0.0.1:$((BASE + 45))/metrics
EOF
}

# ------------------------------------------------------------------ the Temporal server's static config
write_temporal_config() {
  local dir="$STATE/temporal/config" db
  mkdir -p "$dir"
  db() {
    cat <<EOF
      sql:
        pluginName: postgres12
        databaseName: $1
        connectAddr: "127.0.0.1:$PG_PORT_PS"
        connectProtocol: tcp
        user: postgres
        password: ""
        maxConns: $2
        maxIdleConns: $2
        maxConnLifetime: 1h
EOF
  }
  svc() { printf '  %s:\n    rpc:\n      grpcPort: %s\n      membershipPort: %s\n      bindOnIP: 127.0.0.1\n%s' "$1" "$2" "$3" "${4:-}"; }
  {
    printf 'log:\n  stdout: true\n  level: warn\n'
    printf 'persistence:\n  defaultStore: default\n  visibilityStore: visibility\n  numHistoryShards: %s\n  datastores:\n' "$SHARDS"
    printf '    default:\n' && db temporal 20
    printf '    visibility:\n' && db temporal_visibility 5
    printf 'global:\n  membership:\n    maxJoinDuration: 30s\n    broadcastAddress: 127.0.0.1\n'
    printf '  metrics:\n    prometheus:\n      framework: tally\n      timerType: histogram\n      listenAddress: "127.0.0.1:%s"\n' $((BASE + 45))
    printf 'services:\n'
    svc frontend "$FRONTEND" $((BASE + 34)) "      httpPort: $((BASE + 43))"$'\n'
    svc history $((BASE + 35)) $((BASE + 36))
    svc matching $((BASE + 37)) $((BASE + 38))
    svc worker $((BASE + 39)) $((BASE + 40))
    cat <<EOF
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "127.0.0.1:$FRONTEND"
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: "$ROOT/deploy/temporal/dynamicconfig/production-sql.yaml"
  pollInterval: 10s
EOF
  } >"$dir/prod-shape.yaml"
}

# ------------------------------------------------------------------ supervised processes
pid_of() { cat "$RUN/$1.$2" 2>/dev/null || true; }
alive() { [[ "$1" =~ ^[0-9]+$ ]] && kill -0 "$1" 2>/dev/null && [[ "$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$1/stat" 2>/dev/null)" != Z ]]; }
running() { alive "$(pid_of "$1" sup)"; }

# __supervise NAME CMD...: run CMD in a process group of its own, again after each exit, until NAME.stopping exists.
supervise() {
  local name="$1" pid rc
  shift
  echo "$$" >"$RUN/$name.sup"
  while [[ ! -e "$RUN/$name.stopping" ]]; do
    setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$RUN/$name.pid"
    rc=0 && wait "$pid" || rc=$?
    printf '[prod-shape] %s: %s (pid %s) exited with %s\n' "$(date -u +%FT%TZ)" "$name" "$pid" "$rc" >>"$LOGS/$name.log"
    [[ -e "$RUN/$name.stopping" ]] || sleep 1
  done
  rm -f "$RUN/$name.pid" "$RUN/$name.sup" "$RUN/$name.stopping"
}

launch() {
  local name="$1"
  shift
  running "$name" && { log "$name already running (supervisor $(pid_of "$name" sup), pid $(pid_of "$name" pid))"; return 0; }
  rm -f "$RUN/$name.stopping" "$RUN/$name.pid"
  log "starting $name (log: $LOGS/$name.log)"
  # 8>&- 9>&-: the supervisor must not inherit (and hold for ever) the start lock.
  setsid bash "$SELF" __supervise "$name" "$@" </dev/null >>"$LOGS/$name.log" 2>&1 8>&- 9>&- &
  local i
  for ((i = 0; i < 50; i++)); do [[ -s "$RUN/$name.pid" ]] && return 0; sleep 0.1; done
  die "$name did not start (see $LOGS/$name.log)"
}

# kill_group NAME SIGNAL: signal the supervised process's group (not the supervisor).
kill_group() {
  local pid
  pid="$(pid_of "$1" pid)"
  alive "$pid" && kill "-$2" -- "-$pid" 2>/dev/null || true
}

halt() {
  local name="$1" sup pid i
  sup="$(pid_of "$name" sup)"
  pid="$(pid_of "$name" pid)"
  alive "$sup" || alive "$pid" || { rm -f "$RUN/$name".*; return 0; }
  log "stopping $name"
  touch "$RUN/$name.stopping"
  kill_group "$name" TERM
  for ((i = 0; i < 150; i++)); do alive "$pid" || break; sleep 0.1; done
  alive "$pid" && { log "$name did not stop in 15 s: SIGKILL"; kill -KILL -- "-$pid" 2>/dev/null || true; }
  for ((i = 0; i < 50; i++)); do alive "$sup" || break; sleep 0.1; done
  alive "$sup" && kill -KILL "$sup" 2>/dev/null || true
  rm -f "$RUN/$name".*
}

wait_port() {
  local i
  for ((i = 0; i < ${2:-300}; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done
  return 1
}

wait_http() {
  local i
  for ((i = 0; i < ${2:-300}; i++)); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.2; done
  return 1
}

# ------------------------------------------------------------------ the parts
start_postgres() {
  pg start >/dev/null
  # Temporal's schemas, by its own tool: compose's one-shot job (create, setup-schema -v 0.0, update-schema), idempotent.
  log "Temporal's schemas: temporal-sql-tool create / setup-schema / update-schema (log: $LOGS/schema.log)"
  PATH="$CACHE/bin:$PATH" POSTGRES_SEEDS=127.0.0.1 DB_PORT="$PG_PORT_PS" POSTGRES_USER=postgres SQL_PASSWORD=unused \
    SCHEMA_DIR="$CACHE/schema/postgresql/v12" sh "$ROOT/deploy/temporal/setup-postgres.sh" >>"$LOGS/schema.log" 2>&1 \
    || { tail -n 20 "$LOGS/schema.log" >&2; die "schema setup failed (see $LOGS/schema.log)"; }
}

start_temporal() {
  write_temporal_config
  launch temporal "$CACHE/bin/server" --root "$STATE/temporal" --config config --env prod-shape --allow-no-auth start
  wait_port "$FRONTEND" 600 || die "the Temporal frontend did not open 127.0.0.1:$FRONTEND (see $LOGS/temporal.log)"
  PATH="$(dirname "$TEMPORAL_CLI"):$PATH" TEMPORAL_ADDRESS="127.0.0.1:$FRONTEND" TEMPORAL_NAMESPACE=default \
    TEMPORAL_NAMESPACE_RETENTION=72h SEARCH_ATTRIBUTES="$SEARCH_ATTRIBUTES_PS" \
    sh "$ROOT/deploy/temporal/create-namespace.sh" >>"$LOGS/namespace.log" 2>&1 \
    || { tail -n 20 "$LOGS/namespace.log" >&2; die "namespace setup failed (see $LOGS/namespace.log)"; }
}

app_env() {
  export TEMPORAL_ADDRESS="127.0.0.1:$FRONTEND" TEMPORAL_NAMESPACE=default TASK_QUEUE="$TASK_QUEUE_PS" \
    DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT_PS/haravan_tiki" ENCRYPTION_KEY="$(secret encryption-key)" \
    API_TOKEN="$(secret api-token)" HARAVAN_WEBHOOK_SECRET="$(secret webhook-secret)" LOG_LEVEL="${LOG_LEVEL:-warn}" \
    ALLOWED_VENDOR_ORIGINS="${ALLOWED_VENDOR_ORIGINS:-http://127.0.0.1:*}" NODE_OPTIONS=
}

node_ts() { printf '%s\n' node --import "$(cd "$ROOT" && node -p 'require("url").pathToFileURL(require.resolve("tsx")).href')" "$ROOT/$1"; }

start_apps() {
  app_env
  local i args
  mapfile -t args < <(node_ts worker/main.ts)
  for i in 0 1; do WORKER_METRICS_PORT="${WORKER_METRICS[$i]}" launch "worker-$((i + 1))" "${args[@]}"; done
  mapfile -t args < <(node_ts api/main.ts)
  for i in 0 1; do API_PORT="${API_PORTS[$i]}" launch "api-$((i + 1))" "${args[@]}"; done
  for i in 0 1; do
    wait_http "http://127.0.0.1:${WORKER_METRICS[$i]}/metrics" 600 || die "worker-$((i + 1)) did not come up (see $LOGS/worker-$((i + 1)).log)"
    wait_http "http://127.0.0.1:${API_PORTS[$i]}/healthz" 600 || die "api-$((i + 1)) did not come up (see $LOGS/api-$((i + 1)).log)"
  done
}

PARTS=(api-1 api-2 worker-1 worker-2 temporal)

cmd_start() {
  mkdir -p "$RUN" "$LOGS"
  exec 9>"$STATE/.lock"
  flock -w 600 9
  ensure_binaries
  start_postgres
  start_temporal
  start_apps
  log "up: Temporal 127.0.0.1:$FRONTEND on PostgreSQL 127.0.0.1:$PG_PORT_PS, workers ×2, API http://127.0.0.1:${API_PORTS[0]} and :${API_PORTS[1]}"
  print_env
}

cmd_stop() {
  mkdir -p "$RUN"
  local p
  for p in "${PARTS[@]}"; do halt "$p"; done
  pg stop >/dev/null 2>&1 || true
  log "stopped"
}

cmd_status() {
  local p ok=0
  for p in "${PARTS[@]}"; do
    if running "$p"; then printf '%-9s running (pid %s)\n' "$p" "$(pid_of "$p" pid)"; else printf '%-9s stopped\n' "$p"; ok=1; fi
  done
  if pg status >/dev/null 2>&1; then printf '%-9s running (127.0.0.1:%s)\n' postgres "$PG_PORT_PS"; else printf '%-9s stopped\n' postgres; ok=1; fi
  return "$ok"
}

cmd_restart() {
  local part="${1:?restart what? temporal|postgres|worker-1|worker-2|api-1|api-2}" pid i
  case "$part" in
    postgres)
      log "restarting PostgreSQL"
      pg stop >/dev/null
      pg start >/dev/null
      ;;
    temporal | worker-[12] | api-[12])
      running "$part" || die "$part is not running"
      pid="$(pid_of "$part" pid)"
      log "restarting $part (pid $pid)"
      kill_group "$part" TERM
      for ((i = 0; i < 300; i++)); do
        if [[ "$(pid_of "$part" pid)" != "$pid" ]] && alive "$(pid_of "$part" pid)"; then break; fi
        sleep 0.1
      done
      [[ "$(pid_of "$part" pid)" != "$pid" ]] || die "$part did not start again in 30 s (see $LOGS/$part.log)"
      if [[ "$part" == temporal ]]; then wait_port "$FRONTEND" 600 || die "Temporal did not come back"; fi
      if [[ "$part" == api-* ]]; then wait_http "http://127.0.0.1:${API_PORTS[${part#api-} - 1]}/healthz" 600 || die "$part did not come back"; fi
      ;;
    *) die "unknown part $part" ;;
  esac
}

cmd_kill9() {
  local part="${1:?kill9 what? worker-1|worker-2|api-1|api-2|temporal}" pid i
  running "$part" || die "$part is not running"
  pid="$(pid_of "$part" pid)"
  kill -KILL -- "-$pid" 2>/dev/null || true
  # The whole group must be gone (kill -0 on a group fails once no process of it is left).
  for ((i = 0; i < 50; i++)); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 -- "-$pid" 2>/dev/null && die "processes of $part (group $pid) still run after SIGKILL"
  printf '%s\n' "$pid"
}

case "${1:-}" in
  build) ensure_binaries ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) print_env ;;
  restart) cmd_restart "${2:-}" ;;
  kill9) cmd_kill9 "${2:-}" ;;
  __supervise) shift && supervise "$@" ;;
  *) die "usage: $0 start|stop|status|env|restart <part>|kill9 <part>" ;;
esac
