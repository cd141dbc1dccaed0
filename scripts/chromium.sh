#!/usr/bin/env bash
# Prints the absolute path of a headless-capable Chromium (Debian's `chromium` package), installing it
# with apt-get when it is missing. Used by the browser end-to-end test (test/e2e/browser.test.ts) and .ci/run.
# CHROMIUM_PATH, when set to an executable, wins.
set -euo pipefail

if [[ -n "${CHROMIUM_PATH:-}" && -x "${CHROMIUM_PATH}" ]]; then
  echo "${CHROMIUM_PATH}"
  exit 0
fi

find_chromium() {
  local c
  for c in chromium chromium-browser; do
    if command -v "$c" >/dev/null 2>&1; then
      command -v "$c"
      return 0
    fi
  done
  return 1
}

if ! find_chromium >/dev/null; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium.sh: chromium is not installed and apt-get is not available; set CHROMIUM_PATH" >&2
    exit 1
  fi
  sudo=""
  if [[ "$(id -u)" != "0" ]]; then sudo="sudo"; fi
  {
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-liberation
  } >&2
fi

find_chromium
