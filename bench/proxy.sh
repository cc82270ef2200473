#!/usr/bin/env bash
# What a domain service call costs through bus/LocalServices against vertx-service-proxy, side by side.
# See bench/README.md ("LocalServices against vertx-service-proxy").
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
ROUNDS=${ROUNDS:-100}
CALLS=${CALLS:-2000}
WARMUP=${WARMUP:-20}
if [ "${QUICK:-0}" = 1 ]; then
  ROUNDS=20 WARMUP=5
fi

work=$(mktemp -d /tmp/vyoma-proxy-bench.XXXXXX)
cleanup() {
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The server's classes, when missing or older than their sources.
if [ ! -d "$root/target/classes/red" ] \
  || [ -n "$(find "$root/src/main" "$root/pom.xml" -type f -newer "$root/target/classes" | head -n 1)" ]; then
  echo "== mvn -q -DskipTests compile"
  (cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests compile)
fi
echo "== Classpaths: the server's (runtime scope) and the bench's (bench/proxy/pom.xml)"
classpath_of() {
  (cd "$1" && mvn -q -B -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile="$2" "${@:3}" >"$work/mvn.log" 2>&1) \
    || { cat "$work/mvn.log" >&2; exit 1; }
}
classpath_of "$root" "$work/server.cp" -Dmdep.includeScope=runtime
classpath_of "$here/proxy" "$work/bench.cp"
# The server's dependencies first: where both name a library (Jackson), the server's version is the one that runs.
classpath="$root/target/classes:$(cat "$work/server.cp"):$(cat "$work/bench.cp")"

echo "== javac: the bench, and the proxies and handlers vertx-codegen generates for service-proxy"
mkdir -p "$work/classes" "$work/generated"
# The processor is found on the classpath: Vert.x codegen, with service-proxy's generators.
javac --release 17 -d "$work/classes" -s "$work/generated" -cp "$classpath" $(find "$here/proxy/src" -name '*.java') 2>&1 \
  | { grep -v '^Note: \|RELEASE_11\|^1 warning$' || true; }
for generated in JsonBookingReadsVertxProxyHandler JsonBookingReadsVertxEBProxy; do
  [ -f "$work/classes/red/sessions/vyoma/bench/proxy/$generated.class" ] \
    || { echo "!! vertx-codegen did not generate $generated" >&2; exit 1; }
done

echo "== ROUNDS=$ROUNDS CALLS=$CALLS WARMUP=${WARMUP}s, twice (domain on a worker, then on the caller's event loop)"
java -Xms1g -Xmx1g -cp "$work/classes:$classpath" red.sessions.vyoma.bench.proxy.ProxyBench "$ROUNDS" "$CALLS" "$WARMUP"
