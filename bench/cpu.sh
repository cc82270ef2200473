#!/usr/bin/env bash
# Two builds of the server side by side: the server's CPU time per GET /profiles?user_id= (a teacher's
# profile read by a student), both jars started on one throwaway PostgreSQL and driven by wrk in
# alternated rounds, so that a change in what one request costs the server shows through the swings of
# a shared machine's throughput. Prints each round, each jar's mean and the ratio B / A.
#   bench/cpu.sh A.jar B.jar   (ROUNDS, default 6, of DURATION seconds, default 10, after WARMUP rounds, default 3)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
[ $# = 2 ] || { echo "usage: $0 A.jar B.jar" >&2; exit 2; }
JAR_A=$1 JAR_B=$2
JAR=$JAR_A
. "$here/lib.sh"
ROUNDS=${ROUNDS:-6} DURATION=${DURATION:-10} WARMUP=${WARMUP:-3}
TEACHERS=10

bench_need 'command -v wrk' wrk
[ -f "$JAR_B" ] || { echo "no $JAR_B" >&2; exit 1; }
bench_setup
pg_start <<EOF
max_connections = 100
EOF

port_a=$(free_port)
JAR=$JAR_A jar_start a "$port_a"
pid_a=$last_pid
port_b=$(free_port)
JAR=$JAR_B jar_start b "$port_b"
pid_b=$last_pid
admin=$(jar_token --sub bench-admin --admin)
student=$(jar_token --sub bench-student-1)

profile() {
  curl -fsS -o /dev/null -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -X POST "http://127.0.0.1:$port_a/profiles" -d "$1"
}
for i in $(seq 1 "$TEACHERS"); do
  profile "{\"user_id\":\"bench-teacher-$i\",\"role\":\"teacher\",\"profile_data\":{\"name\":\"Bench Teacher $i\",
    \"email\":\"bench-teacher-$i@example.com\",\"bio\":\"Tutor number $i.\",\"topics\":[\"Calculus\"]}}"
done
profile '{"user_id":"bench-student-1","role":"student","profile_data":{"name":"Bench Student 1","email":"bench-student-1@example.com"}}'

# The process's user and system time, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
ticks_per_second=$(getconf CLK_TCK)

# round SIDE PORT PID SECONDS: sets micros (server CPU µs per request) and rate (req/s).
round() {
  local before after out requests
  before=$(cpu_ticks "$3")
  out=$(wrk -t2 -c32 -d"$4"s -s "$here/wrk.lua" "http://127.0.0.1:$2" \
    -- profiles "Authorization: Bearer $student" 2 "$TEACHERS" 0)
  after=$(cpu_ticks "$3")
  requests=$(echo "$out" | awk '/requests in/ { print $1 }')
  rate=$(echo "$out" | awk '/Requests\/sec/ { print $2 }')
  micros=$(((after - before) * 1000000 / ticks_per_second / requests))
}

echo "== warm-up: $WARMUP rounds of ${DURATION}s each"
for _ in $(seq 1 "$WARMUP"); do
  round a "$port_a" "$pid_a" "$DURATION"
  round b "$port_b" "$pid_b" "$DURATION"
done
sum_a=0 sum_b=0
for r in $(seq 1 "$ROUNDS"); do
  round a "$port_a" "$pid_a" "$DURATION"
  sum_a=$((sum_a + micros))
  printf '   round %d A %6d µs/request (%9s req/s)' "$r" "$micros" "$rate"
  round b "$port_b" "$pid_b" "$DURATION"
  sum_b=$((sum_b + micros))
  printf '   B %6d µs/request (%9s req/s)\n' "$micros" "$rate"
done
echo "A ($JAR_A): $((sum_a / ROUNDS)) µs/request; B ($JAR_B): $((sum_b / ROUNDS)) µs/request;" \
  "B / A: $(echo "scale=2; $sum_b / $sum_a" | bc | sed 's/^\./0./')"
