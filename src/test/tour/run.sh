#!/usr/bin/env bash
# Runs the README's "Try it with curl" as a reader would: its sh blocks, verbatim, in one bash, against
# the packaged jar on a fresh data directory and a free port (localhost:8080 in the text becomes that
# port). Every curl of the tour is followed in the README by the answer to expect,
#   # <body>  (<status>[; words])
# where "…" in the body stands for any text; each answer is checked against it as it comes, and the run
# stops at the first that differs. Needs target/vyoma.jar (mvn package), bash, curl and GNU date.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"
work="$(mktemp -d)"
server=""
cleanup() {
  if [[ -n $server ]]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "tour: $*" >&2; exit 1; }

[[ -f target/vyoma.jar ]] || fail "target/vyoma.jar is missing: run mvn package first"

# The tour's code, each line with its README line number: the ```sh blocks of the section.
awk '/^## / { inside = ($0 == "## Try it with curl") }
     inside && /^```sh$/ { code = 1; next }
     inside && /^```$/ { code = 0; next }
     inside && code { print NR "\t" $0 }' README.md > "$work/numbered"
[[ -s $work/numbered ]] || fail "no sh blocks under '## Try it with curl' in README.md"

# The expected answers, in the order the curls run (the tour has no loops or branches around them):
# status, README line, body pattern.
curl_line='^([A-Za-z_][A-Za-z0-9_]*=\$\()?curl '
answer_line='^# (.*[^ ]) {2,}\(([0-9]{3})[^()]*\)$'
pending=""
while IFS=$'\t' read -r n line; do
  if [[ $line =~ $curl_line ]]; then
    [[ -z $pending ]] || fail "README.md:$pending: this curl has no expected answer after it"
    pending=$n
  elif [[ $line == '#'* ]]; then
    [[ $line =~ $answer_line ]] || fail "README.md:$n: not an expected answer ('# <body>  (<status>)'): $line"
    [[ -n $pending ]] || fail "README.md:$n: an expected answer with no curl before it"
    printf '%s\t%s\t%s\n' "${BASH_REMATCH[2]}" "$n" "${BASH_REMATCH[1]}" >> "$work/expected"
    pending=""
  fi
done < "$work/numbered"
[[ -z $pending ]] || fail "README.md:$pending: this curl has no expected answer after it"
grep -q '"status":"completed"' "$work/expected" || fail "the tour never shows its lesson completed"

port=$(( 20000 + RANDOM % 20000 ))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$(( 20000 + RANDOM % 20000 )); done
export VYOMA_DATA_DIR="$work/data"
VYOMA_HTTP_PORT="$port" java -jar target/vyoma.jar >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 240); do
  command curl -fs "http://localhost:$port/health/ready" >/dev/null && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.5
done
command curl -fs "http://localhost:$port/health/ready" >/dev/null \
  || { tail -n 30 "$work/server.log" >&2; fail "the server did not get ready"; }

# Stands in for curl inside the tour: runs the real one, prints the body as curl -s would, and holds
# the answer to the next expected one. Its count lives in a file, since the tour calls it in $(…) too.
cat > "$work/tour.sh" <<'PRELUDE'
matches() {  # body pattern: the pattern's "…" stand for any text
  local body=$1 pattern=$2 part
  if [[ $pattern != *…* ]]; then [[ $body == "$pattern" ]]; return; fi
  part=${pattern%%…*}
  [[ $body == "$part"* ]] || return 1
  body=${body#"$part"}; pattern=${pattern#*…}
  while [[ $pattern == *…* ]]; do
    part=${pattern%%…*}
    [[ $body == *"$part"* ]] || return 1
    body=${body#*"$part"}; pattern=${pattern#*…}
  done
  [[ $body == *"$pattern" ]]
}
curl() {
  local n status line pattern got out
  echo >> "$TOUR_WORK/seen"
  n=$(wc -l < "$TOUR_WORK/seen")
  IFS=$'\t' read -r status line pattern < <(sed -n "${n}p" "$TOUR_WORK/expected") || true
  [[ -n $status ]] || { echo "tour: curl number $n has no expected answer" >&2; return 1; }
  out="$TOUR_WORK/answer-$n"
  got=$(command curl -sS -o "$out" -w '%{http_code}' "$@") || { echo "tour: README.md:$line: curl failed" >&2; return 1; }
  if [[ $got != "$status" ]] || ! matches "$(cat "$out")" "$pattern"; then
    printf 'tour: README.md:%s expects\n  %s  (%s)\ngot\n  %s  (%s)\n' "$line" "$pattern" "$status" "$(cat "$out")" "$got" >&2
    return 1
  fi
  echo "tour: README.md:$line $got as expected" >&2
  cat "$out"
}
PRELUDE
cut -f2- "$work/numbered" | sed "s/localhost:8080/localhost:$port/g" >> "$work/tour.sh"

TOUR_WORK="$work" bash -euo pipefail "$work/tour.sh" >"$work/stdout" || fail "the tour stopped (server log: the last lines below)
$(tail -n 20 "$work/server.log")"
expected=$(wc -l < "$work/expected"); ran=$(wc -l < "$work/seen")
(( ran == expected )) || fail "the tour ran $ran curls, the README expects $expected answers"
echo "tour: all $ran answers as the README shows them"
