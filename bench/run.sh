#!/usr/bin/env bash
# The server against a bare reference app of the same SQL, under wrk, on one throwaway PostgreSQL (the
# Debian `postgresql` package's binaries): what the server's own layers (authentication, validation, the
# event bus, the access log, clustering) cost per request. Seeds through the API, warms up, then runs
# interleaved rounds and prints, per workload, both sides' req/s and p99 and their ratio, and the
# server's peak RSS. With HISTORY_ROWS, workloads 1, 2 and 5 run twice, before and after that many
# bookings (and three times as many events) are written with SQL, and the run prints their ratios.
# Builds target/vyoma.jar and bench/reference when missing or older than their sources. Not part of
# `mvn verify`. See README.md here.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
jar_given=${JAR:+1}
. "$here/lib.sh"

QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then
  DURATION=${DURATION:-2s} WARMUP=${WARMUP:-1s} NODE_WARMUP=${NODE_WARMUP:-2s} ROUNDS=${ROUNDS:-1} MEETINGS=${MEETINGS:-20}
else
  DURATION=${DURATION:-10s} WARMUP=${WARMUP:-5s} NODE_WARMUP=${NODE_WARMUP:-30s} ROUNDS=${ROUNDS:-3} MEETINGS=${MEETINGS:-100}
fi
# Which of the nine workloads below to run (the seed and the checks run whatever is chosen).
WORKLOADS=${WORKLOADS:-1 2 3 4 5 6 7 8 9}
selected() { [[ " $WORKLOADS " == *" $1 "* ]]; }
TEACHERS=${TEACHERS:-1000}
STUDENTS=${STUDENTS:-9000}
# The reader's bookings (half of them confirmed): the history every profile read's email check faces.
HISTORY=${HISTORY:-1000}
# The platform's history, written with SQL between two runs of workloads 1, 2 and 5 (history.sql): bookings
# over all teachers and students, three events each. 0: none, every workload runs once.
HISTORY_ROWS=${HISTORY_ROWS:-0}
# Sessions writing the history at once, each its share (it is CPU-bound): one per core.
HISTORY_JOBS=${HISTORY_JOBS:-$(nproc)}
# RULES=1: every teacher has weekly hours round the clock, a 10-minute buffer and requires_package, every student
# a package of lessons with the one teacher wrk.lua pairs them with, a webhook takes booking.* and one event
# stream is open, so that the booking workloads (2, 6 and 8) pay for every rule a booking can meet.
RULES=${RULES:-0}
# Seconds between the starts of a teacher's bookings in workloads 2, 6 and 8: a 15-minute lesson, and under
# RULES its buffer, with room to spare.
STEP=$([ "$RULES" = 1 ] && echo 1800 || echo 900)
THREADS=2
CONNECTIONS=32
REF_JAR=$here/reference/target/reference.jar

# wrk's durations (10s, 2m) in whole seconds, for pgbench -T.
seconds() {
  case $1 in
    *m) echo $((${1%m} * 60)) ;;
    *s) echo "${1%s}" ;;
    *) echo "$1" ;;
  esac
}

# Booking k takes 15 minutes of teacher k % TEACHERS's slots every STEP seconds; with 24-hour slots that is
# per_day per teacher and day. Enough days for 5,000 bookings a second on both sides of the booking workloads
# chosen (2, 6, 8; room for one when none is), warm-ups included.
per_day=$((86400 / STEP))
booking_workloads=0
for w in 2 6 8; do selected "$w" && booking_workloads=$((booking_workloads + 1)); done
[ "$booking_workloads" -gt 0 ] || booking_workloads=1
booking_seconds=$((2 * booking_workloads * ($(seconds "$WARMUP") + ROUNDS * $(seconds "$DURATION"))))
booking_days=$(((booking_seconds * 5000 + TEACHERS * per_day - 1) / (TEACHERS * per_day)))
# With HISTORY_ROWS workload 2 runs twice, the second time GAP_DAYS after the first run's last booking.
GAP_DAYS=3
[ "$HISTORY_ROWS" = 0 ] || booking_days=$((2 * booking_days + GAP_DAYS + 1))
SLOT_DAYS=${SLOT_DAYS:-$booking_days}
[ "$MEETINGS" -le "$TEACHERS" ] || { echo "MEETINGS must be at most TEACHERS" >&2; exit 1; }
# history.sql gives the bookings of one hour distinct students only when there are as many students as teachers.
[ "$HISTORY_ROWS" = 0 ] || [ "$STUDENTS" -ge "$TEACHERS" ] || { echo "HISTORY_ROWS needs STUDENTS >= TEACHERS" >&2; exit 1; }
[ "$HISTORY_JOBS" -ge 1 ] || { echo "HISTORY_JOBS must be 1 or more" >&2; exit 1; }
# Under RULES each student has a package with one teacher, the one every booking of theirs is with.
[ "$RULES" = 0 ] || [ $((STUDENTS % TEACHERS)) = 0 ] || { echo "RULES needs STUDENTS to be a multiple of TEACHERS" >&2; exit 1; }

# Builds a jar with Maven when it is missing or a source is newer.
build() {
  local project=$1 jar=$2
  shift 2
  if [ -f "$jar" ] && [ -z "$(cd "$project" && find "$@" -newer "$jar" -print -quit)" ]; then
    return
  fi
  echo "== mvn -q -DskipTests package in $project"
  (cd "$project" && mvn -B -q -DskipTests package)
}

[ -n "$jar_given" ] || build "$bench_root" "$JAR" pom.xml src/main conf
build "$here/reference" "$REF_JAR" pom.xml src
bench_need 'command -v wrk' wrk
bench_setup
# Room for both apps' pools, pgbench's 32 clients and four cluster nodes.
pg_start <<EOF
max_connections = 200
$([ "$HISTORY_ROWS" = 0 ] || echo "shared_preload_libraries = 'pg_stat_statements'")
EOF

app_port=$(free_port)
ref_port=$(free_port)
app_url=http://127.0.0.1:$app_port
ref_url=http://127.0.0.1:$ref_port
# The RULES webhook delivers to the reference's /sink, on this machine.
[ "$RULES" = 0 ] || export VYOMA_WEBHOOKS_ALLOW_PRIVATE_TARGETS=true
jar_start app "$app_port"
app_pid=$last_pid
REF_HTTP_PORT=$ref_port REF_DB_URL=$db_url bench_spawn reference java -jar "$REF_JAR"
ref_pid=$last_pid
wait_ready "$ref_url/health" "$ref_pid" "$work/reference.log"
echo "== server on port $app_port (pid $app_pid, JVM options: ${SERVER_JVM_OPTS:-none}), reference on port $ref_port (pid $ref_pid)"

admin=$(jar_token --sub bench-admin --admin)
reader=bench-student-1
reader_token=$(jar_token --sub "$reader")
printf 'Authorization: Bearer %s\nContent-Type: application/json\n' "$admin" >"$work/admin.headers"

# Lessons start at UTC midnight the day after tomorrow, safely in the future.
day0=$(date -u -d "$(date -u +%F) + 2 days" +%s)

# Sends one phase of seed.sql's requests to the server, 16 at a time; every answer must be 2xx.
seed() {
  local phase=$1 started codes
  started=$(date +%s.%N)
  psql_db -At -v phase="$phase" -v teachers="$TEACHERS" -v students="$STUDENTS" -v slot_days="$SLOT_DAYS" \
    -v day0="$day0" -v meetings="$MEETINGS" -v reader="$reader" -v history="$HISTORY" \
    -v step="$STEP" -v sink="$ref_url/sink" -v base_url="$app_url" -v headers="$work/admin.headers" \
    -f "$here/seed.sql" | sed '$d' >"$work/$phase.curl" # the last entry's `next` would open an empty one
  # curl 7.88 draws its parallel progress meter even with -s alone. A 503 (no database connection in time, on a
  # busy machine) is sent again, as its answer asks; nothing was written for it.
  curl -s --no-progress-meter --retry 3 --parallel --parallel-max 16 -K "$work/$phase.curl" >"$work/$phase.answers" || true
  codes=$(awk '{ print $1 }' "$work/$phase.answers" | sort | uniq -c | awk '{ printf "%s%s x%s", sep, $2, $1; sep = ", " }')
  printf '   %-9s %6d requests in %5.1f s: %s\n' "$phase" "$(grep -c '^url = ' "$work/$phase.curl")" \
    "$(echo "$(date +%s.%N) - $started" | bc)" "$codes"
  if grep -qv '^2' "$work/$phase.answers" \
    || [ "$(wc -l <"$work/$phase.answers")" != "$(grep -c '^url = ' "$work/$phase.curl")" ]; then
    echo "!! seeding $phase: not every request was answered 2xx:" >&2
    grep -v '^2' "$work/$phase.answers" | sort | uniq -c | head -n 5 >&2
    # The directory goes with the exit (unless KEEP=1): what the server logged of it is shown while it is there.
    echo "!! the server's errors and warnings:" >&2
    grep -E -A 12 ' (ERROR|WARN) ' "$work/app.log" | head -n 60 >&2
    exit 1
  fi
}

echo "== Seeding through the API: $TEACHERS teachers, $STUDENTS students, $SLOT_DAYS 24-hour slots per teacher, $MEETINGS meetings, $HISTORY bookings of $reader$([ "$RULES" = 0 ] || echo ", every rule")"
rules_phases=$([ "$RULES" = 0 ] || echo "schedules packages webhook")
for phase in profiles slots $rules_phases bookings confirm sessions meetings history_slots history_bookings history_confirm; do
  seed "$phase"
done
# One live stream of every event, as an admin's dashboard would hold, from now on (without Last-Event-ID),
# logged to stream-NAME.log.
open_stream() {
  bench_spawn "stream-$1" curl -sN -H "Authorization: Bearer $admin" -H 'Accept: text/event-stream' "$app_url/events/stream?all=true"
  stream_pid=$last_pid
}
[ "$RULES" = 0 ] || open_stream seed
psql_db -c "VACUUM ANALYZE"
sessions=$(psql_db -At -c "SELECT string_agg(session_id::text, ',') FROM meetings WHERE ended_at IS NULL")
booking_next=$MEETINGS
booking_capacity=$((TEACHERS * SLOT_DAYS * per_day))

declare -A wrk_pid

# wrk_go NAME THREADS CONNECTIONS DURATION URL WORKLOAD HEADER ARGS… starts wrk with wrk.lua in the background.
wrk_go() {
  local name=$1 threads=$2 connections=$3 duration=$4 url=$5 workload=$6 header=$7
  shift 7
  bench_spawn "$name" wrk -t"$threads" -c"$connections" -d"$duration" -s "$here/wrk.lua" "$url" \
    -- "$workload" "$header" "$threads" "$@"
  wrk_pid[$name]=$last_pid
}

# Waits for wrk NAME and sets w_rps, w_p99_ms, w_non2xx, w_s5xx, w_used… from its BENCH line.
wrk_result() {
  local name=$1 line pair
  wait "${wrk_pid[$name]}" || { cat "$work/$name.log" >&2; exit 1; }
  bench_forget "${wrk_pid[$name]}"
  line=$(grep '^BENCH ' "$work/$name.log") || { cat "$work/$name.log" >&2; exit 1; }
  for pair in ${line#BENCH }; do
    printf -v "w_${pair%%=*}" '%s' "${pair#*=}"
  done
}

# One wrk run at the full -t2 -c32; sets result to "req/s p99_ms non-2xx 5xx p50_ms".
wrk_once() {
  wrk_go wrk "$THREADS" "$CONNECTIONS" "$@"
  wrk_result wrk
  result="$w_rps $w_p99_ms $w_non2xx $w_s5xx $w_p50_ms"
}

profiles_server() { wrk_once "$1" "$app_url" profiles "Authorization: Bearer $reader_token" "$TEACHERS" "$STUDENTS"; }
profiles_reference() { wrk_once "$1" "$ref_url" profiles "X-Bench-Caller: $reader" "$TEACHERS" "$STUDENTS"; }
pkread_server() { profiles_server "$1"; }
pkread_bare() { wrk_once "$1" "$ref_url" profiles "X-Bench-Caller: $reader" "$TEACHERS" "$STUDENTS" /bare/profiles; }
shape_worker() { wrk_once "$1" "$ref_url" profiles "X-Bench-Caller: $reader" "$TEACHERS" "$STUDENTS" /worker/bare/profiles; }
shape_loop() { pkread_bare "$1"; }

bookings_server() { bookings "$1" "$app_url" "Authorization: Bearer $admin"; }
bookings_reference() { bookings "$1" "$ref_url" "X-Bench-Caller: bench-admin"; }
samesql_server() { bookings_server "$1"; }
samesql_reference() { bookings "$1" "$ref_url" "X-Bench-Caller: bench-admin" /same-sql/bookings; }
alone_samesql() { samesql_reference "$1"; }
alone_bare() { bookings_reference "$1"; }
# bookings DURATION URL HEADER [PATH]
bookings() {
  wrk_once "$1" "$2" bookings "$3" "$TEACHERS" "$STUDENTS" "$booking_next" "$day0" "$STEP" "${4:-/bookings}"
  booking_next=$((booking_next + w_used))
}

search_server() { wrk_once "$1" "$app_url" search "Authorization: Bearer $reader_token" "$(IFS='|'; echo "${SEARCH_QUERIES[*]}")"; }

# The reference for search is the store's SQL itself, one pgbench script per query, at wrk's concurrency.
search_scripts=()
for i in "${!SEARCH_QUERIES[@]}"; do
  query=${SEARCH_QUERIES[$i]}
  pattern=NULL
  [ "${#query}" -lt 3 ] || pattern="'%$query%'"
  sed -e "s/@query@/'$query'/g" -e "s/@substring@/$pattern/g" -e "s/@second@/0/" "$here/search.pgbench" >"$work/search-$i.pgbench"
  # The server's second pass runs when its first finds nothing for the query: so does the script's.
  if [ -z "$(psql_db -At -f "$work/search-$i.pgbench")" ]; then
    sed -i 's/^\\set second 0$/\\set second 1/' "$work/search-$i.pgbench"
  fi
  search_scripts+=(-f "$work/search-$i.pgbench")
done
search_reference() {
  rm -f "$work"/pgbench-log.*
  "$PG_BIN/pgbench" -h 127.0.0.1 -p "$db_port" -U postgres -n -M simple -c "$CONNECTIONS" -j "$THREADS" \
    -T "$(seconds "$1")" -l --log-prefix="$work/pgbench-log" "${search_scripts[@]}" postgres >"$work/pgbench.out" 2>&1 \
    || { cat "$work/pgbench.out" >&2; exit 1; }
  local tps failed p50 p99
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$work/pgbench.out")
  failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$work/pgbench.out")
  # Per-transaction log: the third field is the latency in microseconds.
  read -r p50 p99 <<<"$(cat "$work"/pgbench-log.* | awk '{ print $3 }' | sort -n | awk '
    function at(q,    i) { i = int(NR * q + 0.5); if (i < 1) i = 1; return t[i] / 1000 }
    { t[NR] = $1 } END { printf "%.2f %.2f", at(0.5), at(0.99) }')"
  result="$tps $p99 ${failed:-0} ${failed:-0} $p50"
}

meetings_clustered() { two_nodes "$1" "$cluster_a_url" "$cluster_b_url" meetings "Authorization: Bearer $admin" "$sessions"; }
meetings_unclustered() { two_nodes "$1" "$solo_a_url" "$solo_b_url" meetings "Authorization: Bearer $admin" "$sessions"; }
limits_on() { two_nodes "$1" "$limited_a_url" "$limited_b_url" profiles "Authorization: Bearer $reader_token" "$TEACHERS" "$STUDENTS"; }
limits_off() { two_nodes "$1" "$unlimited_a_url" "$unlimited_b_url" profiles "Authorization: Bearer $reader_token" "$TEACHERS" "$STUDENTS"; }
# two_nodes DURATION URL_A URL_B WORKLOAD HEADER ARGS…: one wrk per node, -t1 -c16 each, at the same time; req/s
# add up, p50 and p99 are the worse node's.
two_nodes() {
  local duration=$1 url_a=$2 url_b=$3
  shift 3
  wrk_go node-a 1 $((CONNECTIONS / 2)) "$duration" "$url_a" "$@"
  wrk_go node-b 1 $((CONNECTIONS / 2)) "$duration" "$url_b" "$@"
  wrk_result node-a
  local rps=$w_rps p50=$w_p50_ms p99=$w_p99_ms non2xx=$w_non2xx s5xx=$w_s5xx
  wrk_result node-b
  result="$(echo "$rps + $w_rps" | bc) $(printf '%s\n%s\n' "$p99" "$w_p99_ms" | sort -g | tail -n 1)"
  result="$result $((non2xx + w_non2xx)) $((s5xx + w_s5xx)) $(printf '%s\n%s\n' "$p50" "$w_p50_ms" | sort -g | tail -n 1)"
}

# The references must do the same work: the same profile JSON for the same caller (with and without the
# shared-booking email), and the same search results from the store's SQL as from the server.
same_profiles() {
  local user server_answer reference_answer
  for user in bench-teacher-1 bench-teacher-2 "$reader"; do
    server_answer=$(curl -fs -H "Authorization: Bearer $reader_token" "$app_url/profiles?user_id=$user")
    reference_answer=$(curl -fs -H "X-Bench-Caller: $reader" "$ref_url/profiles?user_id=$user")
    [ "$server_answer" = "$reference_answer" ] \
      || { printf '!! GET /profiles?user_id=%s differs:\n%s\n%s\n' "$user" "$server_answer" "$reference_answer" >&2; exit 1; }
  done
}
same_profiles
for i in "${!SEARCH_QUERIES[@]}"; do
  server_ids=$(curl -fs -H "Authorization: Bearer $reader_token" --get --data-urlencode "topic=${SEARCH_QUERIES[$i]}" \
    "$app_url/search/teachers" | { grep -o '"user_id":"[^"]*"' || true; } | cut -d'"' -f4 | tr '\n' ' ')
  reference_ids=$(psql_db -At -f "$work/search-$i.pgbench" | cut -d'|' -f1 | tr '\n' ' ')
  [ "$server_ids" = "$reference_ids" ] \
    || { printf '!! search for %s differs:\n%s\n%s\n' "${SEARCH_QUERIES[$i]}" "$server_ids" "$reference_ids" >&2; exit 1; }
done
echo "== The references answer as the server does (3 profiles, ${#SEARCH_QUERIES[@]} searches)"

results=$work/results
# interleave WORKLOAD A B [WARM-UP]: a warm-up of each (WARMUP unless given), then ROUNDS rounds of A then B
# (functions WORKLOAD_A and WORKLOAD_B, each taking a duration and setting result).
interleave() {
  local workload=$1 a=$2 b=$3 warmup=${4:-$WARMUP} round side
  printf '   warm-up (%s each)\n' "$warmup"
  "${workload}_$a" "$warmup"
  caught_up
  "${workload}_$b" "$warmup"
  caught_up
  for round in $(seq 1 "$ROUNDS"); do
    for side in "$a" "$b"; do
      "${workload}_$side" "$DURATION"
      read -r rps p99 non2xx s5xx p50 <<<"$result"
      caught_up
      local sustained=$rps note=""
      if [ "$(echo "$caught_up_s > 0.5" | bc)" = 1 ]; then
        # What was answered in the round, over the round and the catch-up: the rate the server keeps up with.
        sustained=$(echo "scale=1; $rps * ${DURATION%s} / (${DURATION%s} + $caught_up_s)" | bc)
        note=$(printf '  (caught up %.1f s later: %.1f req/s sustained)' "$caught_up_s" "$sustained")
      fi
      echo "$workload $side $round $sustained $p99 $non2xx $s5xx $p50" >>"$results"
      printf '   round %d %-12s %10.1f req/s  p50 %7.2f ms  p99 %8.2f ms  non-2xx %d  5xx %d%s\n' "$round" "$side" "$rps" "$p50" "$p99" \
        "$non2xx" "$s5xx" "$note"
    done
  done
}

# The server's work after each commit (the webhooks' and the emails' fan-out, the deliveries, the sends: a booking
# emails its teacher with or without RULES) can still be going on when its round ends, and would then slow the other
# side's round (under RULES the webhook delivers to the reference) or the next workload's, while the server's own
# round went without paying for it. Each side starts only once the server has caught up: no delivery or email due
# and not done, no event the fan-outs have not reached; caught_up_s is how long that took. A round the server needed
# more than half a second to catch up after counts at the rate it kept up with: what it answered, over the round and
# the catch-up.
backlog_sql="SELECT (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= now())
  + (SELECT count(*) FROM notifications WHERE status = 'scheduled' AND next_attempt_at <= now())
  + (SELECT count(*) FROM events e, webhook_fanout f WHERE (e.txid, e.position) > (f.txid, f.position))
  + (SELECT count(*) FROM events e, notification_fanout f WHERE (e.txid, e.position) > (f.txid, f.position))"
# Once the server is stopped nothing is waited for: workloads 4, 7 and 9 write no events, and workload 8 runs with no
# server to follow what it writes.
server_up=1
caught_up() {
  caught_up_s=0
  [ "$server_up" = 1 ] || return 0
  local started left=0
  started=$(date +%s.%N)
  for _ in $(seq 1 1200); do
    left=$(psql_db -At -c "$backlog_sql")
    [ "$left" = 0 ] && break
    sleep 0.1
  done
  [ "$left" = 0 ] || { echo "the server had not caught up after 2 minutes: $left left" >&2; exit 1; }
  caught_up_s=$(echo "$(date +%s.%N) - $started" | bc)
}

# Peak resident set (VmHWM) of a process, in MiB.
peak_rss() {
  awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
}

# Runs those of workloads 1, 2, 3, 5 and 6 named in $1 that WORKLOADS selects, into the file $results.
run_workloads() {
  : >"$results"
  workload 1 "$1" "GET /profiles?user_id= over $((TEACHERS + STUDENTS)) profiles (server: bearer token of $reader; reference: no auth)" \
    profiles server reference
  workload 2 "$1" "POST /bookings, every one distinct ($TEACHERS teachers, capacity $booking_capacity bookings)" \
    bookings server reference
  workload 3 "$1" "GET /search/teachers?topic= over $TEACHERS teachers (reference: the same SQL by pgbench -c$CONNECTIONS -j$THREADS)" \
    search server reference
  workload 5 "$1" "GET /profiles?user_id= over $((TEACHERS + STUDENTS)) profiles as $reader (server) against the bare primary-key read (reference)" \
    pkread server bare
  workload 6 "$1" "POST /bookings, every one distinct, against the server's own statements (reference: /same-sql/bookings)" \
    samesql server reference
}

# workload N LIST TITLE NAME A B: interleaves NAME's sides A and B when N is in LIST and WORKLOADS selects it.
workload() {
  local number=$1 list=$2 title=$3
  shift 3
  if selected "$number" && [[ " $list " == *" $number "* ]]; then
    echo "-- $number. $title"
    interleave "$@"
  fi
}

echo "== Rounds: $ROUNDS x $DURATION per side after a $WARMUP warm-up; wrk -t$THREADS -c$CONNECTIONS"
if [ "$HISTORY_ROWS" != 0 ]; then
  # What each statement cost per call in each phase, so that one that grew with the data can be named.
  psql_db -c "CREATE EXTENSION pg_stat_statements"
  statements() {
    psql_db -c "SELECT calls, round(mean_exec_time::numeric, 3) AS mean_ms, round(shared_blks_hit::numeric / calls, 1) AS hit,
                       round(shared_blks_read::numeric / calls, 2) AS read, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query
                  FROM pg_stat_statements WHERE calls >= 100 ORDER BY total_exec_time DESC LIMIT 15" >"$work/statements-$1.txt"
    psql_db -At -c "SELECT pg_stat_statements_reset()" >/dev/null
  }
  echo "== Without the history"
  results=$work/results-empty
  run_workloads "1 2 5 6"
  statements empty
  results=$work/results
  # After every time the seed's and the workloads' bookings use (the reader's history ends last), and an hour more
  # for the buffer RULES keeps after each (10 minutes), on the hour.
  future_start=$(((day0 + SLOT_DAYS * 86400 + HISTORY * 900 + 3600 + 3599) / 3600 * 3600))
  echo "== Writing the history with SQL: $HISTORY_ROWS bookings over $TEACHERS teachers and $STUDENTS students, $((3 * HISTORY_ROWS)) events"
  # The history is the past: the stream closes while it is written and opens again after it.
  [ "$RULES" = 0 ] || bench_stop "$stream_pid"
  started=$(date +%s.%N)
  # The shares commit one by one. Until the last has, one more session holds both fan-outs' cursor rows (they
  # skip a locked cursor: FOR UPDATE SKIP LOCKED), so that no webhook or email takes the history for news; then,
  # in the same transaction, it moves both cursors past every event there is, as V13 and V22 do for the events
  # before them, and lets go.
  coproc HOLD { psql_db -At; }
  hold_pid=$HOLD_PID
  echo "BEGIN; SELECT 'held' FROM webhook_fanout, notification_fanout FOR UPDATE;" >&"${HOLD[1]}"
  read -r _ <&"${HOLD[0]}"
  shares=()
  for ((share = 0; share < HISTORY_JOBS; share++)); do
    psql_db -v rows="$HISTORY_ROWS" -v share="$share" -v shares="$HISTORY_JOBS" -v teachers="$TEACHERS" \
      -v students="$STUDENTS" -v past_end="$((day0 - 2 * 86400))" -v future_start="$future_start" -f "$here/history.sql" &
    shares+=("$!")
  done
  for pid in "${shares[@]}"; do wait "$pid"; done
  cat >&"${HOLD[1]}" <<'SQL'
UPDATE webhook_fanout SET txid = (SELECT max(txid) FROM events), position = (SELECT max(position) FROM events);
UPDATE notification_fanout SET txid = (SELECT max(txid) FROM events), position = (SELECT max(position) FROM events);
COMMIT;
SQL
  exec {HOLD[1]}>&-
  wait "$hold_pid"
  # As autovacuum would have long since: statistics for the planner, and the visibility map that lets
  # bookings_confirmed_pairs answer the profile read's probes from the index alone. Then the history's pages
  # written out now, not by the checkpointer during the workloads that follow.
  psql_db -c "VACUUM ANALYZE bookings" -c "VACUUM ANALYZE event_subjects" -c "VACUUM ANALYZE events" -c "CHECKPOINT"
  [ "$RULES" = 0 ] || open_stream history
  printf '   in %.1f s (VACUUM ANALYZE included); bookings %s rows, events %s rows, database %s\n' \
    "$(echo "$(date +%s.%N) - $started" | bc)" "$(psql_db -At -c "SELECT count(*) FROM bookings")" \
    "$(psql_db -At -c "SELECT count(*) FROM events")" "$(psql_db -At -c "SELECT pg_size_pretty(pg_database_size(current_database()))")"
  same_profiles
  psql_db -At -c "SELECT pg_stat_statements_reset()" >/dev/null
  # The booking write judges a time by the teacher's active bookings up to 2 days either side (Bookable.MARGIN),
  # and workload 2 packs each teacher's bookings 96 a day: carried straight on, the second run would meet the
  # first run's bookings in every teacher's window, and measure the pile-up instead of the history. It starts
  # on a day of its own, GAP_DAYS after, with windows as empty as the first run's were.
  booking_next=$(((booking_next + TEACHERS * per_day - 1) / (TEACHERS * per_day) * (TEACHERS * per_day) + GAP_DAYS * TEACHERS * per_day))
  echo "== With the history"
fi
run_workloads "1 2 3 5 6"
[ "$HISTORY_ROWS" = 0 ] || statements history

if [ "$RULES" = 1 ]; then
  # That the rules were met, not just configured: every booking's event went to the webhook and the stream.
  echo "== RULES: webhook deliveries by status: $(psql_db -At -F ' ' -c "SELECT string_agg(status || ' ' || n, ', ') FROM (SELECT status, count(*) AS n FROM webhook_deliveries GROUP BY status) d");" \
    "events the stream received: $(cat "$work"/stream-*.log | grep -c '^id: ' || true)," \
    "bookings with a lesson from a package: $(psql_db -At -c "SELECT count(*) FROM bookings WHERE package_id IS NOT NULL")"
fi
server_rss=$(peak_rss "$app_pid")
bench_stop "$app_pid"
server_up=0

# cluster_pair NAME [RATE_LIMITS]: two nodes in a cluster of their own (another cluster on this machine, the
# tests', has another name and other ports), with the rate limits on (true, the default) or off; sets pair_a_url
# and pair_b_url.
node_pids=()
cluster_pair() {
  local name=$1 limits=${2:-true} a_port b_port hazelcast_a hazelcast_b
  a_port=$(free_port) b_port=$(free_port) hazelcast_a=$(free_port) hazelcast_b=$(free_port)
  pair_a_url=http://127.0.0.1:$a_port pair_b_url=http://127.0.0.1:$b_port
  pair_node "$name-a" "$a_port" "$hazelcast_a"
  pair_node "$name-b" "$b_port" "$hazelcast_b"
  for _ in $(seq 1 120); do
    curl -fs "$pair_a_url/health/ready" | grep -q '"members":2' && return
    sleep 0.5
  done
  echo "!! the two nodes of $name never formed one cluster" >&2
  exit 1
}
# pair_node NODE PORT HAZELCAST_PORT: one node of cluster_pair's (whose locals it sees).
pair_node() {
  VYOMA_CLUSTER_NAME=bench-$name-$$ VYOMA_CLUSTER_MEMBERS=127.0.0.1:$hazelcast_a,127.0.0.1:$hazelcast_b \
    VYOMA_CLUSTER_PORT=$3 VYOMA_RATE_LIMITS_ENABLED=$limits jar_start "$1" "$2" --cluster
  node_pids+=("$last_pid")
}

node_rss="not run"
if selected 4; then
  echo "-- 4. GET /meetings/{session_id} over $MEETINGS sessions, two nodes, one wrk -t1 -c$((CONNECTIONS / 2)) each: clustered vs unclustered"
  solo_a_port=$(free_port) solo_b_port=$(free_port)
  solo_a_url=http://127.0.0.1:$solo_a_port solo_b_url=http://127.0.0.1:$solo_b_port
  jar_start solo-a "$solo_a_port"
  node_pids+=("$last_pid")
  jar_start solo-b "$solo_b_port"
  node_pids+=("$last_pid")
  cluster_pair clustered
  cluster_a_url=$pair_a_url cluster_b_url=$pair_b_url
  # Fresh JVMs, the clustered ones with Hazelcast's code to compile too: a longer warm-up, so that the rounds
  # measure the nodes once the JIT has settled rather than how fast each side compiles.
  interleave meetings clustered unclustered "$NODE_WARMUP"
  node_rss=$(for pid in "${node_pids[@]}"; do printf '%s ' "$(peak_rss "$pid")"; done)
  for pid in "${node_pids[@]}"; do bench_stop "$pid"; done
  node_pids=()
fi
if selected 7; then
  # What limits that hold across the cluster cost: each of two clustered nodes takes the reader's tokens from
  # the one bucket in Hazelcast (at the raised limits, a node syncs with it once a second), against two nodes
  # without limits. Unclustered, the limits are the node's own, as they always were.
  echo "-- 7. GET /profiles?user_id= as $reader, two clustered nodes, one wrk -t1 -c$((CONNECTIONS / 2)) each: rate limits on vs off"
  cluster_pair limited true
  limited_a_url=$pair_a_url limited_b_url=$pair_b_url
  cluster_pair unlimited false
  unlimited_a_url=$pair_a_url unlimited_b_url=$pair_b_url
  interleave limits on off "$NODE_WARMUP"
fi
if selected 8; then
  # The server's statements alone: the same-SQL booking against the bare insert with no server running, so no
  # node fans out, delivers or streams what the bookings wrote (the events stay in the outbox, unread: this runs
  # last). How far the rules' SQL lets a booking go, were the server's layers and its work after the commit free.
  echo "-- 8. POST /bookings, every one distinct, the server's own statements (/same-sql/bookings) against the bare insert, the server stopped"
  interleave alone samesql bare
fi
if selected 9; then
  # What the server's fixed shape costs the plainest read, and nothing else of the server: the bare read made by a
  # worker verticle that the HTTP verticle asks over the event bus, against the same read on the event loop.
  for user in bench-teacher-1 "$reader"; do
    [ "$(curl -fs -H "X-Bench-Caller: $reader" "$ref_url/worker/bare/profiles?user_id=$user")" \
      = "$(curl -fs -H "X-Bench-Caller: $reader" "$ref_url/bare/profiles?user_id=$user")" ] \
      || { echo "!! /worker/bare/profiles?user_id=$user answers otherwise than /bare/profiles" >&2; exit 1; }
  done
  echo "-- 9. GET /bare/profiles?user_id= made by a worker verticle over the event bus against made on the event loop, the server stopped"
  interleave shape worker loop
fi
reference_rss=$(peak_rss "$ref_pid")
bench_stop "$ref_pid"

failed=0
read -r teacher_overlaps student_overlaps active <<<"$(psql_db -At -F ' ' <<'SQL'
-- Independently of the constraints: an active booking that starts before an earlier one of the same
-- teacher (student) ends overlaps it.
WITH active AS (SELECT * FROM bookings WHERE status IN ('pending', 'confirmed')),
by_teacher AS (
  SELECT start_time, max(end_time) OVER (PARTITION BY teacher_id ORDER BY start_time, id
                                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_end
    FROM active),
by_student AS (
  SELECT start_time, max(end_time) OVER (PARTITION BY student_id ORDER BY start_time, id
                                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_end
    FROM active)
SELECT (SELECT count(*) FROM by_teacher WHERE earlier_end > start_time),
       (SELECT count(*) FROM by_student WHERE earlier_end > start_time),
       (SELECT count(*) FROM active)
SQL
)"

# summary FILE: per workload, each side's median req/s, p50 and p99 over the rounds and their ratios.
summary() {
  awk '
    function median(list, n,    sorted, i, j, t) {
      for (i = 1; i <= n; i++) sorted[i] = list[i]
      for (i = 2; i <= n; i++) for (j = i; j > 1 && sorted[j - 1] > sorted[j]; j--) { t = sorted[j]; sorted[j] = sorted[j - 1]; sorted[j - 1] = t }
      return n % 2 ? sorted[(n + 1) / 2] : (sorted[n / 2] + sorted[n / 2 + 1]) / 2
    }
    {
      if (!($1 in first)) { first[$1] = $2; order[++workloads] = $1 }
      side = $2 == first[$1] ? "a" : "b"
      k = $1 SUBSEP side
      n[k]++; rps[k, n[k]] = $4; p99[k, n[k]] = $5; bad[k] += $6; fatal[k] += $7; p50[k, n[k]] = $8
    }
    END {
      label["profiles"] = "1. GET /profiles?user_id="
      label["bookings"] = "2. POST /bookings (ref: bare insert)"
      label["samesql"] = "6. POST /bookings (ref: same SQL)"
      label["search"] = "3. GET /search/teachers (ref: pgbench)"
      label["meetings"] = "4. GET /meetings/{id} (clustered | unclustered)"
      label["limits"] = "7. GET /profiles, 2 nodes (limits on | off)"
      label["pkread"] = "5. GET /profiles?user_id= (ref: bare PK read)"
      label["alone"] = "8. same SQL, no server (ref: bare insert)"
      label["shape"] = "9. bare PK read via worker (ref: on the loop)"
      printf "%-47s %9s %7s %7s | %9s %7s %7s | %5s %5s %5s | %s\n", "workload", "req/s", "p50", "p99", "req/s", "p50", "p99",
        "req/s", "p50", "p99", "non-2xx (5xx) of each"
      for (w = 1; w <= workloads; w++) {
        name = order[w]
        for (s = 1; s <= 2; s++) {
          side = s == 1 ? "a" : "b"; k = name SUBSEP side
          delete r; delete p; delete m
          for (i = 1; i <= n[k]; i++) { r[i] = rps[k, i]; p[i] = p99[k, i]; m[i] = p50[k, i] }
          mr[side] = median(r, n[k]); mp[side] = median(p, n[k]); mm[side] = median(m, n[k])
        }
        printf "%-47s %9.1f %7.2f %7.2f | %9.1f %7.2f %7.2f | %5.2f %5.2f %5.2f | %d (%d) | %d (%d)\n", label[name],
          mr["a"], mm["a"], mp["a"], mr["b"], mm["b"], mp["b"], mr["a"] / mr["b"], mm["a"] / mm["b"], mp["a"] / mp["b"],
          bad[name, "a"], fatal[name, "a"], bad[name, "b"], fatal[name, "b"]
      }
    }' "$1"
}

echo
echo "== Summary: median of $ROUNDS rounds of $DURATION (p99 in ms; ratio = server / reference (8: same SQL / bare; 9: via a worker / on the loop), or clustered / unclustered; req/s sustained, with the server's catch-up)"
if [ "$HISTORY_ROWS" != 0 ]; then
  echo "-- without the history"
  summary "$work/results-empty"
  echo "-- with $HISTORY_ROWS bookings and $((3 * HISTORY_ROWS)) events"
fi
summary "$results"
if [ "$HISTORY_ROWS" != 0 ]; then
  echo "-- with the history / without (median req/s and p99 of each side; the target is a req/s ratio >= 0.8)"
  awk '
    function median(list, n,    sorted, i, j, t) {
      for (i = 1; i <= n; i++) sorted[i] = list[i]
      for (i = 2; i <= n; i++) for (j = i; j > 1 && sorted[j - 1] > sorted[j]; j--) { t = sorted[j]; sorted[j] = sorted[j - 1]; sorted[j - 1] = t }
      return n % 2 ? sorted[(n + 1) / 2] : (sorted[n / 2] + sorted[n / 2 + 1]) / 2
    }
    FNR == 1 { phase++ }
    {
      k = phase SUBSEP $1 SUBSEP $2
      n[k]++; rps[k, n[k]] = $4; p99[k, n[k]] = $5
      if (phase == 1 && !(($1, $2) in seen)) { seen[$1, $2] = 1; order[++rows] = $1 SUBSEP $2 }
    }
    END {
      label["profiles"] = "1. GET /profiles?user_id="
      label["bookings"] = "2. POST /bookings (bare insert)"
      label["samesql"] = "6. POST /bookings (same SQL)"
      label["pkread"] = "5. GET /profiles?user_id= (bare PK read)"
      printf "%-47s %-9s %9s %9s %6s | %8s %8s %6s\n", "workload", "side", "req/s", "req/s", "ratio", "p99", "p99", "ratio"
      for (r = 1; r <= rows; r++) {
        split(order[r], key, SUBSEP)
        for (phase = 1; phase <= 2; phase++) {
          k = phase SUBSEP order[r]
          delete a; delete b
          for (i = 1; i <= n[k]; i++) { a[i] = rps[k, i]; b[i] = p99[k, i] }
          mr[phase] = median(a, n[k]); mp[phase] = median(b, n[k])
        }
        if (!n[2 SUBSEP order[r]]) continue
        printf "%-47s %-9s %9.1f %9.1f %6.2f | %8.2f %8.2f %6.2f\n", key[2] == "server" ? label[key[1]] : "", key[2],
          mr[1], mr[2], mr[2] / mr[1], mp[1], mp[2], mp[2] / mp[1]
      }
    }' "$work/results-empty" "$results"
  for phase in empty history; do
    echo "-- the statements of the run $([ $phase = empty ] && echo without || echo with) the history (pg_stat_statements, by total time; hit/read: blocks per call)"
    cat "$work/statements-$phase.txt"
  done
fi
echo "server peak RSS (VmHWM) over workloads 1, 2, 3 and 5 (and the history): $server_rss MiB; reference: $reference_rss MiB"
echo "peak RSS of the nodes of workload 4 (unclustered a b, clustered a b): ${node_rss% } MiB"
echo "bookings: $active active; overlapping a teacher's: $teacher_overlaps, a student's: $student_overlaps; 5xx: $(cat "$work"/results* | awk '$1 == "bookings" || $1 == "samesql" || $1 == "alone" { s += $7 } END { print s + 0 }')"

if cat "$work"/results* | awk '$7 > 0 { found = 1 } END { exit !found }'; then
  echo "!! some requests were answered 5xx"
  failed=1
fi
if [ "$teacher_overlaps" != 0 ] || [ "$student_overlaps" != 0 ]; then
  echo "!! active bookings overlap"
  failed=1
fi
if [ "$booking_next" -gt "$booking_capacity" ]; then
  echo "!! bookings ran past the teachers' slots ($booking_next > $booking_capacity): raise SLOT_DAYS"
  failed=1
fi
exit "$failed"
