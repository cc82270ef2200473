#!/usr/bin/env bash
# Starts the packaged jar on the embedded default (fresh data directory, free port) and opens its docs
# page in headless Chromium (docs-check.mjs). Needs target/vyoma.jar (mvn package), Node.js and Debian's
# chromium; installs playwright-core (no browser download) from package-lock.json.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
data="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

(cd "$here" && npm ci --silent --no-audit --no-fund)
VYOMA_DATA_DIR="$data" VYOMA_HTTP_PORT="$port" java -jar "$root/target/vyoma.jar" 2>"$data/server.log" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://localhost:$port/health/ready" >/dev/null && break
  sleep 0.5
done
node "$here/docs-check.mjs" "http://localhost:$port"
