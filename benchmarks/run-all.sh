#!/usr/bin/env bash
# Runs every benchmark scenario once, for real, and prints one markdown table per scenario with the JVM,
# CPU count and library versions. About 20 minutes on 2 cores (the soak's 100,000 runs take half of it). Numbers are ratios against raw
# ProcessBuilder measured in the same run: absolute figures depend on the machine and its load.
#   benchmarks/run-all.sh            all thirteen scenarios (scenario driver)
#   benchmarks/run-all.sh 1 2 6      only those scenarios
#   benchmarks/run-all.sh --jmh      additionally the JMH benchmarks: scenarios 1 and 2 (SpawnBenchmark, about 4
#                                    minutes) and the engine alone (EngineBenchmark, about 1 minute)
# Environment: JAVA_HOME picks the JDK.
set -euo pipefail
cd "$(dirname "$0")/.."
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
./mvnw -B -q -pl benchmarks -am package -DskipTests
jar=benchmarks/target/benchmarks.jar
args=()
jmh=false
for arg in "$@"; do
  if [ "$arg" = "--jmh" ]; then jmh=true; else args+=("$arg"); fi
done
status=0
timeout 2700 "$java" --add-opens java.base/java.lang=ALL-UNNAMED -Xmx1g -jar "$jar" "${args[@]}" || status=$?
if [ "$jmh" = true ]; then
  "$java" -cp "$jar" org.openjdk.jmh.Main 'SpawnBenchmark|EngineBenchmark' -rf text -rff benchmarks/target/jmh.txt
fi
exit $status
