#!/usr/bin/env bash
# The daily job with flags day after day on England (issue 11's daily
# target, as it is met later in a term): sixteen school days from 14 March
# to 4 April 2019, each generated once and ingested in turn with --flags on
# a copy of a store flagged over 12 and 13 March (as bench/flags_national.sh
# makes it), printing each day's steps. On 15 and 27 March the first run's
# referrals, which the generated data never acknowledges, take their first
# and second escalation steps all at once. With PEER set to another lantern
# binary, the peer runs the same days on a copy of its own flagged store.
#
# Usage: bench/flags_days.sh [OUT]   (default out/bench-flags-national)
#   PEER=/tmp/lantern.before bench/flags_days.sh
# OUT is bench/flags_national.sh's folder (its store/ and day/ are reused);
# the fifteen later days take about 4.5 GB and ten minutes to generate,
# and each binary's copy of the store about 4 GB.
set -euo pipefail
. "$(dirname "$0")/flags_common.sh"
OUT=${1:-out/bench-flags-national}
LANTERN=${LANTERN:-build/lantern}
PEER=${PEER:-}
DAYS="2019-03-14 2019-03-15 2019-03-18 2019-03-19 2019-03-20 2019-03-21 2019-03-22 2019-03-25
2019-03-26 2019-03-27 2019-03-28 2019-03-29 2019-04-01 2019-04-02 2019-04-03 2019-04-04"
if [ ! -d "$OUT/store" ] || [ ! -d "$OUT/day" ]; then
  echo "run bench/flags_national.sh $OUT first (it makes the store and 14 March)" >&2
  exit 2
fi
for d in $DAYS; do
  [ "$d" = 2019-03-14 ] && continue
  if [ ! -f "$OUT/days/$d/done" ]; then
    "$LANTERN" generate --scale national --seed 1 --form long --day "$d" --out "$OUT/days/$d" \
      --threads 2 >/dev/null
    touch "$OUT/days/$d/done"
  fi
done

binaries=("$LANTERN")
[ -n "$PEER" ] && binaries+=("$PEER")
for b in "${binaries[@]}"; do
  flagged=$(flagged_store "$b")
  rm -rf "$OUT/seq" "$OUT/seq-flags"
  cp -a "$OUT/$flagged" "$OUT/seq" && sync
  for d in $DAYS; do
    dir="$OUT/days/$d"
    [ "$d" = 2019-03-14 ] && dir="$OUT/day"
    t0=$(date +%s.%N)
    "$b" ingest "$dir" --store "$OUT/seq" --flags "$OUT/seq-flags" --threads 2 >"$OUT/run.log" 2>&1
    t1=$(date +%s.%N)
    printf '%-22s %s %6.2f s wall | %s\n' "$(basename "$b")" "$d" "$(echo "$t1 - $t0" | bc)" \
      "$(grep -E '^  steps:' "$OUT/run.log" | sed 's/^  steps: //')"
  done
done
rm -rf "$OUT/seq" "$OUT/seq-flags" "$OUT/run.log"
