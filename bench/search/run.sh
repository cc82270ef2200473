#!/usr/bin/env bash
# Search at scale: a throwaway PostgreSQL (the Debian `postgresql` package's binaries) with one database per
# number of teachers in $TEACHERS, each migrated by a server of its own (the jar) and seeded; then the plans
# PostgreSQL ran for GET /search/teachers on the largest (auto_explain with ANALYZE, so the app's own SQL and
# parameters), and rounds that time every size in turn (interleaved, so a slow moment of a shared machine hits
# them all): each query's HTTP latency one request at a time, and the six queries' mix under wrk. Needs the jar
# (mvn -q -DskipTests package), psql, curl, wrk and the postgresql server package. Not part of `mvn verify`.
# See README.md here.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
read -r -a sizes <<<"${TEACHERS:-1000 100000}"
ROUNDS=${ROUNDS:-3}
REQUESTS=${REQUESTS:-30}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}

bench_setup
bench_need 'command -v wrk' wrk
# auto_explain is loaded but silent (-1) until the plans are wanted; set in the file, not on the command
# line, so that ALTER SYSTEM can switch it on and off.
pg_start <<EOF
shared_preload_libraries = 'auto_explain'
auto_explain.log_min_duration = -1
auto_explain.log_analyze = on
auto_explain.log_buffers = on
EOF

psql_on() {
  local db=$1
  shift
  psql -X -q -h 127.0.0.1 -p "$db_port" -U postgres -d "$db" -v ON_ERROR_STOP=1 "$@"
}

declare -A app_url
for n in "${sizes[@]}"; do
  psql_db -c "CREATE DATABASE teachers_$n"
  port=$(free_port)
  echo "== app for $n teachers on port $port"
  db_url="postgresql://postgres@127.0.0.1:$db_port/teachers_$n" VYOMA_LOG_LEVEL=WARN jar_start "app-$n" "$port"
  app_url[$n]="http://127.0.0.1:$port"
  echo "== Seeding $n teachers (the app's migrations ran at its start)"
  start=$(date +%s.%N)
  psql_on "teachers_$n" -v teachers="$n" -f "$here/seed.sql"
  psql_on "teachers_$n" -c "VACUUM ANALYZE"
  printf 'seeded in %.1f s\n' "$(echo "$(date +%s.%N) - $start" | bc)"
done
token=$(jar_token --sub bench-searcher)
largest=${sizes[-1]}

search() {
  curl -fs -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" \
    --get --data-urlencode "topic=$2" "${app_url[$1]}/search/teachers"
}

psql_db -c "ALTER SYSTEM SET auto_explain.log_min_duration = 0" -c "SELECT pg_reload_conf()" >/dev/null
sleep 1
failed=0
for query in "${SEARCH_QUERIES[@]}"; do
  offset=$(stat -c %s "$work/pg.log")
  results=$(curl -fs -H "Authorization: Bearer $token" --get --data-urlencode "topic=$query" \
    "${app_url[$largest]}/search/teachers" | grep -o '"user_id"' | wc -l || true)
  sleep 0.3
  # The search's statements among what was logged meanwhile (the servers' own background statements too), one file
  # each: its duration line, the query text, then the plan, up to the next line that is not part of it. A search
  # runs one statement, or two when the first (good matches only) could not make the page.
  rm -f "$work"/plan.*
  tail -c +"$((offset + 1))" "$work/pg.log" | awk -v dir="$work" '
    function keep() { if (found) { file = dir "/plan." ++n; printf "%s", entry > file; close(file) } found = 0; entry = "" }
    / duration: .* plan:/ { keep(); entry = $0 "\n"; inside = 1; next }
    inside && !/^\t/ { keep(); inside = 0; next }
    inside { entry = entry $0 "\n" }
    /Query Text: WITH keys AS/ { found = 1 }
    END { keep() }'
  echo
  echo "== $largest teachers, GET /search/teachers?topic=$query: $results results on the first page"
  pass=0
  for file in "$work"/plan.*; do
    [ -e "$file" ] || { echo "!! topic=$query: no plan was logged"; failed=1; break; }
    pass=$((pass + 1))
    plan=$(sed -n '/  (cost=[0-9]/,$p' "$file")
    echo "-- statement $pass, $(sed -n 's/.*\(duration: [0-9.]* ms\).*/\1/p' "$file" | head -n 1)"
    echo "$plan"
    # Topic keys are found through the trigram index only, their teachers by key; profiles are read one by one
    # for the page only. The search reads through views, so the plan names tables without the query's aliases.
    profile_scans=$(grep -cE 'Scan .*on profiles( |$)' <<<"$plan" || true)
    profile_lookups=$(grep -A1 -E 'Scan .*on profiles( |$)' <<<"$plan" | grep -c 'Index Cond: (user_id = ' || true)
    topic_scans=$(grep -cE 'Scan .*on profile_topics( |$)' <<<"$plan" || true)
    topic_lookups=$(grep -cE 'Scan using profile_topics_by_key on profile_topics( |$)' <<<"$plan" || true)
    if ! grep -q 'Bitmap Index Scan on profile_topic_keys_trgm' <<<"$plan" || grep -q 'Seq Scan' <<<"$plan" \
      || [ "$topic_scans" != "$topic_lookups" ] || [ "$profile_scans" != "$profile_lookups" ]; then
      echo "!! topic=$query: the plan scans more than the trigram index, its keys' teachers and the page's profiles"
      failed=1
    fi
  done
done
psql_db -c "ALTER SYSTEM RESET auto_explain.log_min_duration" -c "SELECT pg_reload_conf()" >/dev/null
sleep 1

# One size's turn in a round: each query's latency over REQUESTS requests one at a time (curl time_total),
# then the six queries rotating under wrk for DURATION seconds. Appends lines to $results.
results=$work/results
turn() {
  local n=$1 round=$2 query line
  for query in "${SEARCH_QUERIES[@]}"; do
    for _ in $(seq 1 "$REQUESTS"); do search "$n" "$query"; done | sort -n | awk -v n="$n" -v r="$round" -v q="$query" '
      { t[NR] = $1 * 1000 } END { printf "latency\t%s\t%s\t%s\t%.2f\n", n, r, q, t[int((NR + 1) / 2)] }' >>"$results"
  done
  bench_spawn wrk wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$here/../wrk.lua" "${app_url[$n]}" \
    -- search "Authorization: Bearer $token" 2 "$(IFS='|'; echo "${SEARCH_QUERIES[*]}")"
  wait "$last_pid" || { cat "$work/wrk.log" >&2; exit 1; }
  bench_forget "$last_pid"
  line=$(grep '^BENCH ' "$work/wrk.log")
  grep -q ' non2xx=0 ' <<<"$line" || { echo "!! $n teachers: not every search was answered 2xx: $line" >&2; failed=1; }
  printf 'mix\t%s\t%s\t%s\n' "$n" "$round" "$(sed -E 's/.* rps=([0-9.]+) p50_ms=([0-9.]+) p99_ms=([0-9.]+).*/\1\t\2\t\3/' <<<"$line")" >>"$results"
  printf '   round %d, %7d teachers: %7.1f req/s  (wrk -t2 -c%d, %ss)\n' "$round" "$n" \
    "$(cut -f4 <<<"$(tail -n 1 "$results")")" "$CONNECTIONS" "$DURATION"
}

echo
echo "== Timing: $ROUNDS rounds, each size in turn (warm-up first); per query $REQUESTS requests one at a time, then the mix"
for n in "${sizes[@]}"; do
  for query in "${SEARCH_QUERIES[@]}"; do for _ in 1 2 3 4 5; do search "$n" "$query" >/dev/null; done; done
done
: >"$results"
for round in $(seq 1 "$ROUNDS"); do
  for n in "${sizes[@]}"; do turn "$n" "$round"; done
done

# Medians over the rounds; the ratios are each size against the first (p50: larger / first; throughput:
# larger / first, the issue's >= 0.5).
echo
echo "== Medians over $ROUNDS rounds: HTTP p50 (ms) per query and the mix's req/s; ratio against ${sizes[0]} teachers"
awk -F'\t' -v sizes="${sizes[*]}" -v queries="$(IFS='|'; echo "${SEARCH_QUERIES[*]}")" '
  function median(key,    n, i, j, t, v) {
    n = split(values[key], v, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  $1 == "latency" { values[$2 SUBSEP $4] = values[$2 SUBSEP $4] " " $5 }
  $1 == "mix" { values[$2 SUBSEP "mix"] = values[$2 SUBSEP "mix"] " " $4 }
  END {
    ns = split(sizes, size, " "); nq = split(queries, query, "|")
    printf "%-20s", "topic"; for (s = 1; s <= ns; s++) printf " %12s", size[s] " p50"
    for (s = 2; s <= ns; s++) printf " %10s", "x" size[s]; print ""
    for (q = 1; q <= nq; q++) {
      printf "%-20s", query[q]
      for (s = 1; s <= ns; s++) printf " %12.1f", median(size[s] SUBSEP query[q])
      for (s = 2; s <= ns; s++) printf " %10.2f", median(size[s] SUBSEP query[q]) / median(size[1] SUBSEP query[q])
      print ""
    }
    printf "%-20s", "mix req/s"
    for (s = 1; s <= ns; s++) printf " %12.1f", median(size[s] SUBSEP "mix")
    for (s = 2; s <= ns; s++) printf " %10.2f", median(size[s] SUBSEP "mix") / median(size[1] SUBSEP "mix")
    print ""
  }' "$results"

exit "$failed"
