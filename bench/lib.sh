# Shared by the benchmarks (sourced, not run): a throwaway PostgreSQL from the Debian `postgresql`
# package's binaries in a temporary directory, the jar started against it, free ports, and, on any
# exit, every process started here stopped and the directory removed (KEEP=1 keeps it).

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=${JAR:-$bench_root/target/vyoma.jar}
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
# What GET /search/teachers is asked: a typo, a word's beginning, two words, an exact topic, a query
# under 3 characters (no substring match), and one that matches nothing.
SEARCH_QUERIES=("pyhton" "calc" "machine learning" "Organic Chemistry" "go" "zzzzqqq")

bench_pids=()
work=""

# Installs a Debian package when a command it brings is missing (as root; otherwise says what to install).
bench_need() {
  local check=$1 package=$2
  eval "$check" >/dev/null 2>&1 && return
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== apt-get install -y $package" >&2
    apt-get install -y "$package" >/dev/null 2>&1 \
      || { apt-get update >/dev/null 2>&1 && apt-get install -y "$package" >/dev/null; }
  fi
  eval "$check" >/dev/null 2>&1 || { echo "missing $package (apt-get install $package)" >&2; exit 1; }
}

# Checks the tools, makes the scratch directory and arranges the cleanup.
bench_setup() {
  bench_need 'command -v psql' postgresql-client
  bench_need 'command -v curl' curl
  if [ ! -x "$PG_BIN/initdb" ]; then
    bench_need 'ls /usr/lib/postgresql/*/bin/initdb' postgresql
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  [ -f "$JAR" ] || { echo "no $JAR: build it first with mvn -q -DskipTests package (or set JAR)" >&2; exit 1; }
  work=$(mktemp -d /tmp/vyoma-bench.XXXXXX)
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  [ "$(id -u)" = 0 ] && chown postgres "$work"
  return 0
}

# A port below the kernel's range for outgoing connections: one in that range may be taken by a client's socket
# (wrk's, the pool's), which a connect here does not see but which makes the server's bind fail.
free_port() {
  local port first_ephemeral
  read -r first_ephemeral _ </proc/sys/net/ipv4/ip_local_port_range
  while :; do
    port=$((10000 + RANDOM % (first_ephemeral - 10000)))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# PostgreSQL refuses to run as root; the Debian package's postgres user runs it then.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Starts the throwaway server on a free port; lines on stdin are added to postgresql.conf.
# Sets db_port and db_url.
pg_start() {
  db_port=$(free_port)
  as_postgres "$PG_BIN/initdb" -D "$work/pg" -A trust -U postgres --no-sync >/dev/null
  { printf "listen_addresses = '127.0.0.1'\nfsync = off\n"; cat; } >>"$work/pg/postgresql.conf"
  as_postgres "$PG_BIN/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w start -o "-p $db_port -k $work" >/dev/null
  db_url="postgresql://postgres@127.0.0.1:$db_port/postgres"
  echo "== PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $db_port"
}

psql_db() { psql -X -q -h 127.0.0.1 -p "$db_port" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }

# Starts a background process logging to $work/NAME.log and remembers it for the cleanup; sets last_pid.
bench_spawn() {
  local name=$1
  shift
  "$@" >"$work/$name.log" 2>&1 &
  last_pid=$!
  bench_pids+=("$last_pid")
}

# Waits until URL answers 2xx, failing with the log if the process PID dies first.
wait_ready() {
  local url=$1 pid=$2 log=$3
  for _ in $(seq 1 240); do
    curl -fs "$url" >/dev/null 2>&1 && return
    kill -0 "$pid" 2>/dev/null || { echo "!! it exited:" >&2; tail -n 40 "$log" >&2; exit 1; }
    sleep 0.5
  done
  echo "!! $url never answered" >&2
  tail -n 40 "$log" >&2
  exit 1
}

# Starts the jar against the throwaway database on PORT (the caller's VYOMA_* variables apply) and waits
# until it is ready. Every node shares $work/app, so every node verifies the same development tokens.
# The rate limits are raised far above what wrk sends: one student token makes thousands of requests a
# second here, which the default limits would rightly refuse with 429. SERVER_JVM_OPTS (none by default, as
# `java -jar` runs it) are the server's JVM options, e.g. a heap bound: SERVER_JVM_OPTS=-Xmx256m.
jar_start() {
  local name=$1 port=$2 jvm_opts
  shift 2
  read -ra jvm_opts <<< "${SERVER_JVM_OPTS:-}"
  mkdir -p "$work/app"
  VYOMA_DATA_DIR="$work/app" VYOMA_HTTP_HOST=127.0.0.1 VYOMA_HTTP_PORT="$port" VYOMA_DB_URL="$db_url" \
    VYOMA_RATE_LIMITS_USER_BURST=100000000 VYOMA_RATE_LIMITS_USER_PER_MINUTE=100000000 \
    VYOMA_RATE_LIMITS_WRITE_BURST=100000000 VYOMA_RATE_LIMITS_WRITE_PER_MINUTE=100000000 \
    VYOMA_RATE_LIMITS_ADDRESS_BURST=100000000 VYOMA_RATE_LIMITS_ADDRESS_PER_MINUTE=100000000 \
    bench_spawn "$name" java "${jvm_opts[@]}" -jar "$JAR" "$@"
  wait_ready "http://127.0.0.1:$port/health/ready" "$last_pid" "$work/$name.log"
}

jar_token() {
  VYOMA_DATA_DIR="$work/app" java -jar "$JAR" token "$@" 2>/dev/null
}

# Forgets a process that has ended and been waited for, so that the cleanup never signals its pid,
# which the system may since have given to another process.
bench_forget() {
  local pid kept=()
  for pid in "${bench_pids[@]}"; do
    [ "$pid" = "$1" ] || kept+=("$pid")
  done
  bench_pids=("${kept[@]}")
}

# Stops one process this script started (SIGTERM, then waits for it).
bench_stop() {
  if kill "$1" 2>/dev/null; then
    wait "$1" 2>/dev/null || true
  fi
  bench_forget "$1"
}

bench_cleanup() {
  local pid
  for pid in "${bench_pids[@]}"; do
    if kill "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null || true
    fi
  done
  [ -n "$work" ] || return 0
  as_postgres "$PG_BIN/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
