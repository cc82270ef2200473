#!/usr/bin/env bash
# Search at scale: a throwaway PostgreSQL (the Debian `postgresql` package's binaries), migrated by the
# app itself, seeded with $TEACHERS teachers; then the plans PostgreSQL ran for GET /search/teachers
# (auto_explain with ANALYZE, so the app's own SQL and parameters) and HTTP timings of the endpoint.
# Needs the jar (mvn -q -DskipTests package), psql, curl and the postgresql server package. Not part of
# `mvn verify`. See README.md here.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
TEACHERS=${TEACHERS:-10000}
ROUNDS=${ROUNDS:-50}

bench_setup
# auto_explain is loaded but silent (-1) until the plans are wanted; set in the file, not on the command
# line, so that ALTER SYSTEM can switch it on and off.
pg_start <<EOF
shared_preload_libraries = 'auto_explain'
auto_explain.log_min_duration = -1
auto_explain.log_analyze = on
auto_explain.log_buffers = on
EOF
http_port=$(free_port)
echo "== app on port $http_port"
VYOMA_LOG_LEVEL=WARN jar_start app "$http_port"
token=$(jar_token --sub bench-searcher)

echo "== Seeding $TEACHERS teachers (the app's migrations ran at its start)"
start=$(date +%s.%N)
psql_db -v teachers="$TEACHERS" -f "$here/seed.sql"
psql_db -c "VACUUM ANALYZE"
printf 'seeded in %.1f s\n' "$(echo "$(date +%s.%N) - $start" | bc)"

search() {
  curl -fs -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" \
    --get --data-urlencode "topic=$1" "http://127.0.0.1:$http_port/search/teachers"
}

psql_db -c "ALTER SYSTEM SET auto_explain.log_min_duration = 0" -c "SELECT pg_reload_conf()" >/dev/null
sleep 1
failed=0
for query in "${SEARCH_QUERIES[@]}"; do
  offset=$(stat -c %s "$work/pg.log")
  results=$(curl -fs -H "Authorization: Bearer $token" --get --data-urlencode "topic=$query" \
    "http://127.0.0.1:$http_port/search/teachers" | grep -o '"user_id"' | wc -l || true)
  sleep 0.3
  # The search's entry: its duration line, the query text, then the plan from its first node on.
  entry=$(tail -c +"$((offset + 1))" "$work/pg.log" | sed -n '/duration: .* plan:/,$p' \
    | awk '/Query Text: WITH matches AS/ { found = 1 } { lines[NR] = $0 } END { if (found) for (i = 1; i <= NR; i++) print lines[i] }')
  plan=$(sed -n '/  (cost=[0-9]/,$p' <<<"$entry")
  echo
  echo "== GET /search/teachers?topic=$query: $results results on the first page"
  sed -n 's/.*\(duration: [0-9.]* ms\).*/\1/p' <<<"$entry" | head -n 1
  echo "$plan"
  # Topics are found through the trigram index only; profiles are read one by one for the page only. The
  # search reads profiles through a view, so the plan names the table without the query's alias.
  profile_scans=$(grep -cE 'Scan .*on profiles( |$)' <<<"$plan" || true)
  profile_lookups=$(grep -A1 -E 'Scan .*on profiles( |$)' <<<"$plan" | grep -c 'Index Cond: (user_id = ' || true)
  if ! grep -q 'Bitmap Index Scan on profile_topics_key_trgm' <<<"$plan" || grep -q 'Seq Scan' <<<"$plan" \
    || grep -q 'profile_topics_pkey' <<<"$plan" || [ "$profile_scans" != "$profile_lookups" ]; then
    echo "!! topic=$query: the plan scans more than the trigram index and the page's profiles"
    failed=1
  fi
done
psql_db -c "ALTER SYSTEM RESET auto_explain.log_min_duration" -c "SELECT pg_reload_conf()" >/dev/null
sleep 1

echo
echo "== HTTP timings over $ROUNDS requests per query (curl time_total, ms; auto_explain off)"
printf '%-20s %8s %8s %8s %8s\n' topic mean p50 p95 max
for query in "${SEARCH_QUERIES[@]}"; do
  for _ in 1 2 3 4 5; do search "$query" >/dev/null; done
  for _ in $(seq 1 "$ROUNDS"); do search "$query"; done | sort -n | awk -v q="$query" '
    { t[NR] = $1 * 1000; sum += t[NR] }
    END { printf "%-20s %8.1f %8.1f %8.1f %8.1f\n", q, sum / NR, t[int((NR + 1) / 2)], t[int(NR * 0.95 + 0.5)], t[NR] }'
done

exit "$failed"
