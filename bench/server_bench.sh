#!/usr/bin/env bash
# The server's speed on a store (issue 9): time to listen, time until the
# published figures are ready, and wrk on loopback (100 connections) against
# a school's scorecard (as wrk asks, and as a browser asks) and a large
# secondary school's pupil list.
#
#   bench/server_bench.sh STORE OUT_MD [LANTERN]
#
# Appends a Markdown section to OUT_MD. Needs wrk and node (scripts/install-deps).
set -euo pipefail
STORE=$1
OUT=$2
LANTERN=${3:-build/lantern}
PORT=${BENCH_PORT:-18181}
DURATION=${BENCH_WRK_SECONDS:-10}
WORK=$(mktemp -d /tmp/lantern-server-bench.XXXXXX)
DB=$WORK/bench.db
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT

printf '%s\n' "bench-password-$$" | "$LANTERN" users add bench --role national --db "$DB" >/dev/null
start=$(date +%s.%N)
"$LANTERN" serve --store "$STORE" --db "$DB" --port "$PORT" >"$WORK/out" 2>"$WORK/err" &
SERVER=$!
until curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null; do sleep 0.02; done
listening=$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { printf "%.2f", a - b }')
until curl -sf "http://127.0.0.1:$PORT/api/v1/health" | grep -q '"scorecard":"ready"'; do sleep 0.1; done
ready=$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { printf "%.2f", a - b }')

# A secondary school with the most pupils on roll among the first 200 found,
# and an account entitled to its pupils (its own school role).
read -r URN PUPILS < <(node -e '
  const base = "http://127.0.0.1:'"$PORT"'";
  (async () => {
    const r = await (await fetch(base + "/api/v1/schools?q=secondary&limit=200")).json();
    let best = [0, 0];
    for (const s of r.results) {
      if (s.phase !== "Secondary") continue;
      const sc = await (await fetch(base + "/api/v1/schools/" + s.urn + "/scorecard")).json();
      const n = (sc.indicators.pupils_on_roll || [{}])[0].value;
      if (typeof n === "number" && n > best[1]) best = [s.urn, n];
    }
    console.log(best[0], best[1]);
  })();')
printf '%s\n' "bench-password-$$" | "$LANTERN" users add "head$URN" --role school --scope "$URN" --db "$DB" >/dev/null
TOKEN=$("$LANTERN" users token "head$URN" --db "$DB")

wrk_run() {  # NAME CONNECTIONS PATH [HEADER]
  local name=$1 conns=$2 path=$3
  shift 3
  wrk -t "$((conns < 2 ? 1 : 2))" -c "$conns" -d "${DURATION}s" --latency "$@" \
    "http://127.0.0.1:$PORT$path" >"$WORK/$name.txt"
}
curl -sf "http://127.0.0.1:$PORT/api/v1/schools/$URN/scorecard" >/dev/null  # made once, then kept
wrk_run scorecard 100 "/api/v1/schools/$URN/scorecard"
# As a browser asks: it accepts Brotli and gzip (the server answers gzip).
wrk_run browser 100 "/api/v1/schools/$URN/scorecard" -H "Accept-Encoding: gzip, deflate, br"
wrk_run pupils 1 "/api/v1/schools/$URN/pupils" -H "Authorization: Bearer $TOKEN"
wrk_run pupils10 10 "/api/v1/schools/$URN/pupils" -H "Authorization: Bearer $TOKEN"
pct() { awk -v p="$2" '$1 == p { print $2 }' "$WORK/$1.txt"; }
rps() { awk '/^Requests\/sec/ { print $2 }' "$WORK/$1.txt"; }
{
  echo "## Server (lantern serve on $STORE, wrk on loopback, ${DURATION} s a run)"
  echo
  echo "| measure | figure | target |"
  echo "| --- | --- | --- |"
  echo "| start to listening | ${listening} s | under 5 s |"
  echo "| start to the published figures ready (build and scorecard computed in the background) | ${ready} s | |"
  echo "| its steps (the server's log) | $(grep -A1 'published figures ready' "$WORK/err" | tail -1 | sed 's/^ *//') | |"
  echo "| GET /api/v1/schools/$URN/scorecard | median $(pct scorecard 50%), 99th percentile $(pct scorecard 99%), $(rps scorecard) requests/s | under 10 ms median, 50 ms 99th |"
  echo "| the same, as a browser asks (\`Accept-Encoding: gzip, deflate, br\`) | median $(pct browser 50%), 99th percentile $(pct browser 99%), $(rps browser) requests/s | |"
  echo "| GET /api/v1/schools/$URN/pupils ($PUPILS pupils on roll; each read audited), one client | median $(pct pupils 50%), 99th percentile $(pct pupils 99%), $(rps pupils) requests/s | under 20 ms median |"
  echo "| the same, 10 clients at once | median $(pct pupils10 50%), 99th percentile $(pct pupils10 99%), $(rps pupils10) requests/s | |"
  echo
} >>"$OUT"
cat "$WORK/scorecard.txt" "$WORK/browser.txt" "$WORK/pupils.txt" "$WORK/pupils10.txt" >&2
