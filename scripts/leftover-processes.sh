#!/usr/bin/env bash
# Fails, listing them, if processes started with TEST_RUN_TAG=<tag> in their environment still run (.ci/run sets
# the tag for `npm test` and the fuzz step; every process a test starts inherits it). Waits up to
# LEFTOVER_GRACE_SECONDS (default 10) for processes that are still exiting.
#   bash scripts/leftover-processes.sh <tag>
set -uo pipefail
tag="${1:?usage: leftover-processes.sh <tag>}"
want="TEST_RUN_TAG=$tag"

leftovers() {
  local dir pid kv
  for dir in /proc/[0-9]*; do
    pid="${dir#/proc/}"
    [ "$pid" = "$$" ] && continue
    [ "$pid" = "$BASHPID" ] && continue
    # Read environ with bash builtins only (no child process of ours, which would carry the tag too).
    while IFS= read -r -d '' kv; do
      if [ "$kv" = "$want" ]; then
        echo "$pid"
        break
      fi
    done 2>/dev/null <"$dir/environ" || true
  done
}

deadline=$(( $(date +%s) + ${LEFTOVER_GRACE_SECONDS:-10} ))
while :; do
  mapfile -t pids < <(leftovers)
  [ "${#pids[@]}" -eq 0 ] && { echo "leftover-processes: none with TEST_RUN_TAG=$tag"; exit 0; }
  [ "$(date +%s)" -ge "$deadline" ] && break
  sleep 1
done
echo "leftover-processes: ${#pids[@]} process(es) started under TEST_RUN_TAG=$tag still run:" >&2
for pid in "${pids[@]}"; do
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-200)"
  echo "  pid $pid: ${cmd:-?}" >&2
done
exit 1
