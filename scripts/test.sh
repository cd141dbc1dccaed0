#!/usr/bin/env bash
# `npm test`: every level of tests — pure rules and clients (unit), workflows on a real Temporal dev server
# with the sandboxes (workflow), the running service over HTTP (e2e) and the fault-injection suite (chaos).
#
# Provisions the Temporal CLI itself (scripts/temporal.sh); server-backed tests are never skipped.
# Store tests also run against PostgreSQL when TEST_DATABASE_URL is set (.ci/run starts one).
# Extra arguments go to jest, e.g. `npm test -- --selectProjects unit`.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_CLI_PATH="$(bash scripts/temporal.sh)"
export TEMPORAL_CLI_PATH
export NODE_OPTIONS="--experimental-vm-modules ${NODE_OPTIONS:-}"
mkdir -p test-output

status=0
npx jest --maxWorkers=2 --json --outputFile=test-output/jest.json "$@" || status=$?

# A plain closing line any CI reads: "N passed, N failed, N skipped".
node -e '
  const r = require("./test-output/jest.json");
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`suites: ${r.numPassedTestSuites} passed, ${r.numFailedTestSuites} failed`);
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  if (r.numTotalTests === 0) process.exit(1);
' || status=1
exit "$status"
