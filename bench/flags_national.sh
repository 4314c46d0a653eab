#!/usr/bin/env bash
# The at-risk flags at national scale (issue 11's targets): England's first
# run with no history, and the daily job with flags the day after, each on a
# fresh copy of the store (cp -a, then sync), printing every step's time.
# With PEER set to another lantern binary (the last release, the commit
# before a change), the peer runs beside it in the same go, alternating,
# each on a flagged store of its own making. The daily job runs as is (the
# day's changes, "daily") and, for LANTERN, with --flags-list too (every
# flag written, "list").
#
# Usage: bench/flags_national.sh [OUT] [RUNS]   (default out/bench-flags-national, 3)
#   PEER=/tmp/lantern.before bench/flags_national.sh
# The generated England is kept in OUT (in/, store/, day/: about 7 GB, made
# once in about three minutes); each run needs about 4 GB more.
set -euo pipefail
. "$(dirname "$0")/flags_common.sh"
OUT=${1:-out/bench-flags-national}
RUNS=${2:-3}
LANTERN=${LANTERN:-build/lantern}
PEER=${PEER:-}
mkdir -p "$OUT"
if [ ! -d "$OUT/store" ]; then
  "$LANTERN" generate --scale national --seed 1 --form compact --through 2019-03-13 \
    --out "$OUT/in" --threads 2 >/dev/null
  "$LANTERN" ingest "$OUT/in" --store "$OUT/store" --threads 2 >/dev/null
fi
if [ ! -d "$OUT/day" ]; then
  "$LANTERN" generate --scale national --seed 1 --form long --day 2019-03-14 \
    --out "$OUT/day" --threads 2 >/dev/null
fi

binaries=("$LANTERN")
[ -n "$PEER" ] && binaries+=("$PEER")

# A store flagged to 13 March by each binary (bench/flags_common.sh).
for b in "${binaries[@]}"; do flagged_store "$b" >/dev/null; done

run() {  # label binary command...
  local label=$1 b=$2
  shift 2
  local t0 t1
  t0=$(date +%s.%N)
  "$b" "$@" --threads 2 >"$OUT/run.log" 2>&1
  t1=$(date +%s.%N)
  # The flags step's own time (the line "  0.96 s (evaluate 0.36 s)"), then its steps.
  printf '%-8s %-22s %6.2f s wall, flags %s | %s\n' "$label" "$(basename "$b")" \
    "$(echo "$t1 - $t0" | bc)" \
    "$(grep -E '^  [0-9.]+ s \(evaluate' "$OUT/run.log" | sed 's/^  //; s/ (evaluate.*//')" \
    "$(grep -E '^  steps:' "$OUT/run.log" | sed 's/^  steps: //')"
}

for i in $(seq 1 "$RUNS"); do
  for b in "${binaries[@]}"; do
    rm -rf "$OUT/copy" "$OUT/flags"
    cp -a "$OUT/store" "$OUT/copy" && sync
    run "first" "$b" flags --store "$OUT/copy" --out "$OUT/flags" --as-of 2019-03-13
  done
  for variant in daily list; do
    for b in "${binaries[@]}"; do
      [ "$variant" != daily ] && [ "$b" != "$LANTERN" ] && continue
      rm -rf "$OUT/copy" "$OUT/flags"
      cp -a "$OUT/$(flagged_store "$b")" "$OUT/copy" && sync
      extra=()
      [ "$variant" = list ] && extra=(--flags-list)
      run "$variant" "$b" ingest "$OUT/day" --store "$OUT/copy" --flags "$OUT/flags" "${extra[@]}"
      grep -E "committed generation" "$OUT/run.log" | sed 's/^ */         ingest: /'
    done
  done
done
rm -rf "$OUT/copy" "$OUT/flags" "$OUT/run.log"
