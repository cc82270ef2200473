#!/usr/bin/env bash
# Counts the statements PostgreSQL runs for one POST /bookings (pg_stat_statements): one teacher with weekly
# hours, a buffer and requires_package, one student with a package of lessons, a live event stream open;
# BOOKINGS bookings (100) one after another, each with an Idempotency-Key. Prints each statement's calls per
# booking and mean execution time.
# Usage: bench/statements.sh    (JAR, PG_BIN, KEEP as for run.sh; builds nothing: run `mvn -q -DskipTests package` first)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
JAR=${JAR:-$(dirname "$here")/target/vyoma.jar}
BOOKINGS=${BOOKINGS:-100}
. "$here/lib.sh"

bench_setup
pg_start <<'CONF'
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
CONF
psql_db -c "CREATE EXTENSION pg_stat_statements"
port=$(free_port)
url=http://127.0.0.1:$port
jar_start app "$port"

admin=$(jar_token --sub bench-admin --admin)
student=$(jar_token --sub st-student)
call() { curl -fsS -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -o /dev/null "$@"; }
call -X POST "$url/profiles" -d '{"user_id":"st-teacher","role":"teacher","profile_data":{"name":"T","email":"t@example.com"}}'
call -X POST "$url/profiles" -d '{"user_id":"st-student","role":"student","profile_data":{"name":"S","email":"s@example.com"}}'
weekly=$(for d in monday tuesday wednesday thursday friday saturday sunday; do
  printf '{"day":"%s","start":"00:00","end":"24:00"},' "$d"; done)
call -X PUT "$url/teachers/st-teacher/schedule" -d "{\"time_zone\":\"UTC\",\"weekly\":[${weekly%,}],\"overrides\":[],
  \"rules\":{\"buffer_minutes\":10,\"slot_step_minutes\":15,\"max_days_ahead\":365,\"requires_package\":true}}"
call -X POST "$url/packages" -d "{\"student_id\":\"st-student\",\"teacher_id\":\"st-teacher\",\"lessons\":$BOOKINGS}"
curl -sN -H "Authorization: Bearer $student" "$url/events/stream" >/dev/null 2>&1 &
bench_pids+=("$!")
sleep 1

day0=$(date -u -d "$(date -u +%F) + 2 days" +%s)
psql_db -c "SELECT pg_stat_statements_reset()" >/dev/null
for k in $(seq 0 $((BOOKINGS - 1))); do
  start=$(date -u -d "@$((day0 + k * 1800))" +%FT%TZ)
  end=$(date -u -d "@$((day0 + k * 1800 + 900))" +%FT%TZ)
  curl -fsS -H "Authorization: Bearer $student" -H 'Content-Type: application/json' -H "Idempotency-Key: st-$k" \
    -X POST "$url/bookings" -o /dev/null \
    -d "{\"student_id\":\"st-student\",\"teacher_id\":\"st-teacher\",\"start_time\":\"$start\",\"end_time\":\"$end\"}"
done
sleep 2 # the stream's reads of these bookings' events
echo "== per booking ($BOOKINGS bookings): calls / $BOOKINGS and mean ms per call, the requests' statements and whatever they woke"
psql_db -P pager=off -c "
  SELECT round(calls::numeric / $BOOKINGS, 2) AS per_booking, round(mean_exec_time::numeric, 3) AS mean_ms,
         left(regexp_replace(query, '\s+', ' ', 'g'), 120) AS statement
    FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'
   ORDER BY calls DESC, query"
