#!/usr/bin/env bash
# Times `lantern outcomes` (docs/local-outcomes.md) against its DuckDB peer
# (bench/duckdb_outcomes.mjs), interleaved, three runs each, in one run:
#
#   bench/outcomes_bench.sh [REAL_DATA_DIR] [STORE INPUT] [DAY_STORE DAY_DIR]
#
#   open-data mode: every LA in England, every year of the published files,
#     against DuckDB computing the LAIT comparators (England and the ten
#     statistical neighbours' mean) from the same files;
#   pupil-level mode (when STORE and the INPUT folder it was ingested from are
#     given): the whole framework for every place and trust, against DuckDB
#     loading enrolments.csv and computing each exit's next registration and
#     the moves by LA;
#   the daily increment (when DAY_STORE, a store to add a day to, and
#     DAY_DIR, that day's files from `lantern generate --day`, are given):
#     `lantern ingest DAY_DIR --build OUT --outcomes LOF` on a fresh copy of
#     DAY_STORE (the day's roll changes and marks committed, every family
#     built and the Local Outcomes Framework refreshed from the committed
#     state), and the same without --outcomes, twice each; against DuckDB
#     loading the day's attendance file.
#
# Prints wall seconds, CPU seconds (user + system) and peak memory for each
# run; the machine is shared and noisy, so compare within a run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
lantern="${LANTERN:-$root/build/lantern}"
real="${1:-$root/../shared/data/real}"
store="${2:-}"
input="${3:-}"
day_store="${4:-}"
day_dir="${5:-}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
policy="${POLICY:-}"  # e.g. the national run's policy.json
policy_args=()
[[ -n "$policy" ]] && policy_args=(--policy "$policy")

timed() {  # label command...
  local label="$1"
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$out/t" "$@" >"$out/log" 2>&1 || {
    cat "$out/log"
    exit 1
  }
  read -r wall user sys rss <"$out/t"
  printf '%-28s wall %6.2f s  cpu %6.2f s  peak %5d MB\n' "$label" "$wall" \
    "$(echo "$user + $sys" | bc)" "$((rss / 1024))"
}

echo "lantern: $lantern ($(git -C "$root" rev-parse --short HEAD))"
echo "real data: $real"
for i in 1 2 3; do
  timed "lantern outcomes --open-data" "$lantern" outcomes --open-data "$real" --out "$out/od"
  timed "duckdb LAIT comparators" node "$here/duckdb_outcomes.mjs" --open-data "$real"
done
wc -l <"$out/od/local_outcomes.csv" | xargs echo "local_outcomes.csv lines:"
if [[ -n "$store" && -n "$input" ]]; then
  for i in 1 2 3; do
    timed "lantern outcomes --store" "$lantern" outcomes --store "$store" --out "$out/pl"
    timed "duckdb exits by LA" node "$here/duckdb_outcomes.mjs" --input "$input"
  done
  for f in local_outcomes movement unexplained_exits trust_contribution children_missing_education; do
    wc -l <"$out/pl/$f.csv" | xargs echo "$f.csv lines:"
  done
fi
if [[ -n "$day_store" && -n "$day_dir" ]]; then
  copy="${DAY_COPY:-$out/day_store}"
  for i in 1 2; do
    for with in build outcomes; do
      rm -rf "$copy" && cp -a "$day_store" "$copy" && rm -rf "$copy/serve" && sync
      cat "$day_dir/attendance.csv" >/dev/null
      extra=()
      [[ $with == outcomes ]] && extra=(--outcomes "$out/day_lof")
      timed "daily job --build${extra:+ --outcomes}" "$lantern" ingest "$day_dir" --store "$copy" \
        "${policy_args[@]}" --build "$out/day_out" "${extra[@]}"
      grep -E "committed|the daily job" "$out/log" | sed 's/^/    /'
    done
    timed "duckdb loading the day" node "$here/duckdb_outcomes.mjs" --day "$day_dir/attendance.csv"
  done
  rm -rf "$copy"
fi
