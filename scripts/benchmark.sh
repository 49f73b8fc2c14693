#!/usr/bin/env bash
# Runs the concurrent-sessions benchmark: many full SMTP sessions (with STARTTLS by default) through one
# SmtpProber on its shared event loop, against a scripted server on loopback. Figures go in the README.
# Usage: scripts/benchmark.sh [SESSIONS] [CONCURRENCY] [TLS:true|false]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -B -q -DskipTests -pl probe-core -am install
cp="$(mktemp)"
mvn -B -q -pl probe-core dependency:build-classpath -Dmdep.outputFile="$cp" -Dmdep.includeScope=test
exec java -Xmx1g -cp "probe-core/target/test-classes:probe-core/target/classes:$(cat "$cp")" \
  dev.smtpprobe.bench.ConcurrentSessionsBenchmark "$@"
