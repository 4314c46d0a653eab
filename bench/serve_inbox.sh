#!/usr/bin/env bash
# A new day taken in by a running server (`lantern serve --inbox`,
# docs/server.md): the time from the folder's arrival to the new day served,
# how slowly a published page answered meanwhile, and the process's memory;
# beside it, in the same go, the command-line daily job on a copy of the
# same store (`lantern ingest DAY --build --outcomes --flags`), which does
# most of the same work in a process of its own while nothing is served.
#
# Usage: bench/serve_inbox.sh STORE DAY [OUT]
#   STORE: a flagged store (bench/flags_common.sh makes one), copied first
#   DAY:   the day's input folder (`lantern generate --form long --day D`)
#   bench/serve_inbox.sh /work/benchout/flagged2-lantern-XXXX /work/benchout/day
set -euo pipefail
STORE=$1
DAY=$2
OUT=${3:-out/bench-serve-inbox}
LANTERN=${LANTERN:-build/lantern}
PORT=${PORT:-8097}
mkdir -p "$OUT"
rm -rf "$OUT/copy" "$OUT/feed" "$OUT/cli" "$OUT/cli-out"
cp -a "$STORE" "$OUT/copy"
cp -a "$STORE" "$OUT/cli"
mkdir -p "$OUT/feed"
sync

# The peer: the daily job on the command line.
t0=$(date +%s.%N)
"$LANTERN" ingest "$DAY" --store "$OUT/cli" --build "$OUT/cli-out/build" \
  --outcomes "$OUT/cli-out/lof" --flags "$OUT/cli-out/flags" --threads 2 >"$OUT/cli.log" 2>&1 || true
t1=$(date +%s.%N)
printf 'command line: lantern ingest DAY --build --outcomes --flags: %.2f s\n' "$(echo "$t1 - $t0" | bc)"

"$LANTERN" serve --store "$OUT/copy" --port "$PORT" --inbox "$OUT/feed" --inbox-every 1 \
  --threads 2 >"$OUT/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
t0=$(date +%s.%N)
until grep -q "published figures ready\|computing failed" "$OUT/serve.log"; do sleep 0.5; done
t1=$(date +%s.%N)
printf 'server start to figures ready: %.2f s\n' "$(echo "$t1 - $t0" | bc)"

name=$(basename "$DAY")
cp -r "$DAY" "$OUT/feed/.$name"
mv "$OUT/feed/.$name" "$OUT/feed/$name"
t0=$(date +%s.%N)
n=0
slowest=0
while ! grep -q "inbox $name:" "$OUT/serve.log"; do
  t=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT/api/v1/las/805/outcomes")
  n=$((n + 1))
  slowest=$(echo "if ($t > $slowest) $t else $slowest" | bc)
  sleep 0.2
done
t1=$(date +%s.%N)
grep "inbox $name:" "$OUT/serve.log"
printf 'in the server: folder to the new day served %.2f s; %d requests meanwhile, the slowest %.3f s; resident %s GB\n' \
  "$(echo "$t1 - $t0" | bc)" "$n" "$slowest" \
  "$(echo "scale=1; $(ps -o rss= -p $pid) / 1048576" | bc)"
curl -s "http://127.0.0.1:$PORT/api/v1/health"
echo
