#!/usr/bin/env bash
# One-time provisioning that `npm start` and `npm test` would otherwise do lazily: node modules (when missing),
# the official Temporal CLI and Temporal's time-skipping test server (for the workflow tests). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ]; then npm ci; fi
bash scripts/temporal.sh >/dev/null
bash scripts/temporal-test-server.sh >/dev/null
echo "setup done: Temporal CLI at $(bash scripts/temporal.sh 2>/dev/null)"
