#!/usr/bin/env bash
# Provision Temporal's time-skipping test server (for TestWorkflowEnvironment.createTimeSkipping) and print the
# absolute path of an executable that starts it: `<path> PORT`.
#
#   bash scripts/temporal-test-server.sh
#
# The SDK would download a native build at run time; here it is the Java SDK's test server from Maven Central
# (io.temporal:temporal-test-server, pinned below) with a small launcher that binds 127.0.0.1 only
# (scripts/temporal-test-server/LoopbackTestServer.java). Needs java and mvn (Java 17 here). Cached under
# ${TEMPORAL_CACHE_DIR:-$HOME/.cache/haravan-tiki-sync}; a warm run takes well under a second.
# stdout: exactly one line, the path. Logs go to stderr.
set -euo pipefail

readonly VERSION="1.31.0"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_ROOT="${TEMPORAL_CACHE_DIR:-${HOME:-/tmp}/.cache/haravan-tiki-sync}"
CACHE="$CACHE_ROOT/temporal-test-server-$VERSION"
SRC="$ROOT/scripts/temporal-test-server/LoopbackTestServer.java"
BIN="$CACHE/bin/temporal-test-server"
STAMP="$CACHE/bin/.source-$(sha256sum "$SRC" | cut -c1-16)"

log() { printf '[temporal-test-server.sh] %s\n' "$*" >&2; }

if [[ -x "$BIN" && -f "$STAMP" ]]; then
  printf '%s\n' "$BIN"
  exit 0
fi

for tool in java javac mvn; do
  command -v "$tool" >/dev/null 2>&1 || { log "$tool not found (apt-get install openjdk-17-jdk-headless maven)"; exit 1; }
done

mkdir -p "$CACHE"
exec 9>"$CACHE_ROOT/.temporal-test-server-$VERSION.lock"
command -v flock >/dev/null 2>&1 && flock -w 1800 9
if [[ -x "$BIN" && -f "$STAMP" ]]; then
  printf '%s\n' "$BIN"
  exit 0
fi

log "resolving io.temporal:temporal-test-server:$VERSION from Maven Central"
cat >"$CACHE/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.haravan-tiki-sync</groupId>
  <artifactId>temporal-test-server-launcher</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>$VERSION</version>
    </dependency>
  </dependencies>
</project>
POM
(cd "$CACHE" && mvn -q -B dependency:build-classpath -Dmdep.outputFile="$CACHE/classpath.txt" >&2)

log "compiling the loopback launcher"
rm -rf "$CACHE/classes" "$CACHE/bin"
mkdir -p "$CACHE/classes" "$CACHE/bin"
javac -nowarn -d "$CACHE/classes" -cp "$(cat "$CACHE/classpath.txt")" "$SRC" >&2

cat >"$BIN.tmp" <<LAUNCH
#!/usr/bin/env bash
exec java -XX:+UseSerialGC -Xss512k -cp "$CACHE/classes:$(cat "$CACHE/classpath.txt")" LoopbackTestServer "\$@"
LAUNCH
chmod +x "$BIN.tmp"
mv -f "$BIN.tmp" "$BIN"
touch "$STAMP"
log "ready: $BIN"
printf '%s\n' "$BIN"
