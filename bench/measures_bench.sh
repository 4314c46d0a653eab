#!/usr/bin/env bash
# Times `lantern measures` (Attainment 8, Progress 8, Progress 5, broader
# attainment and destinations for every school) against DuckDB computing
# every school's Attainment 8 from the same long-form ks4_results.csv
# (bench/duckdb_att8.mjs), side by side in the same run, three times each
# (median reported). The generated input and its store are made once and
# kept (they are the slow part, and not what is measured).
#
#   bench/measures_bench.sh [national | region "North East" | la 805] [RESULTS.md]
#
# Environment: LANTERN (default build/lantern), BENCH_OUT (default
# out/bench/measures), BENCH_THREADS (default 2), LANTERN_REAL_DATA.
set -euo pipefail
cd "$(dirname "$0")/.."
LANTERN=${LANTERN:-build/lantern}
OUT=${BENCH_OUT:-out/bench/measures}
THREADS=${BENCH_THREADS:-2}
REAL=${LANTERN_REAL_DATA:-../shared/data/real}
EST="$REAL/progress8_ks2_estimates_2024/p8_pupil_coefficients_file.csv"
SCALE=${1:-national}
case "$SCALE" in
  national) NAME=national; GEN=(--scale national --form compact) ;;
  region) NAME="region-${2// /_}"; GEN=(--scale region --region "$2" --form compact); shift ;;
  la) NAME="la-$2"; GEN=(--scale la --la "$2" --form compact); shift ;;
  *) echo "usage: $0 [national | region NAME | la CODE] [RESULTS.md]" >&2; exit 2 ;;
esac
RESULTS=${2:-}
D="$OUT/$NAME"
mkdir -p "$D"
say() { echo "$@" >&2; }
median() { sort -g | sed -n 2p; }
if [ ! -f "$D/input/ks4_results.csv" ]; then
  say "+ lantern generate ${GEN[*]}"
  /usr/bin/time -f "%e" -o "$D/generate.time" "$LANTERN" generate "${GEN[@]}" --seed 20190101 \
    --out "$D/input" --threads "$THREADS" >"$D/generate.log" 2>&1
fi
if [ ! -f "$D/store/MANIFEST" ] && [ ! -f "$D/store/.ingested" ]; then
  say "+ lantern ingest"
  rm -rf "$D/store"
  /usr/bin/time -f "%e" -o "$D/ingest.time" "$LANTERN" ingest "$D/input" --store "$D/store" \
    --threads "$THREADS" >"$D/ingest.log" 2>&1 || [ $? -eq 3 ]
  touch "$D/store/.ingested"
fi
pupils=$(($(wc -l <"$D/input/ks4_results.csv") - 1))
ks4_pupils=$(cut -d, -f1 "$D/input/ks4_results.csv" | tail -n +2 | sort -u | wc -l)

lantern_runs=() duck_load=() duck_query=()
for i in 1 2 3; do
  say "+ lantern measures ($i)"
  /usr/bin/time -f "%e %M" -o "$D/measures.time" "$LANTERN" measures --store "$D/store" \
    --out "$D/measures" --estimates "$EST" --threads "$THREADS" >"$D/measures.log" 2>&1
  read -r secs mem <"$D/measures.time"
  lantern_runs+=("$secs")
  lantern_mem=$mem
  say "+ node bench/duckdb_att8.mjs ($i)"
  node bench/duckdb_att8.mjs --input "$D/input" --catalogue catalogue --out "$D/duckdb_att8.csv" \
    --threads "$THREADS" --compare "$D/measures/measures.csv" >"$D/duckdb.json"
  duck_load+=("$(node -e "console.log(JSON.parse(require('fs').readFileSync('$D/duckdb.json')).load_seconds.toFixed(2))")")
  duck_query+=("$(node -e "console.log(JSON.parse(require('fs').readFileSync('$D/duckdb.json')).query_seconds.toFixed(2))")")
done
l_med=$(printf '%s\n' "${lantern_runs[@]}" | median)
dl_med=$(printf '%s\n' "${duck_load[@]}" | median)
dq_med=$(printf '%s\n' "${duck_query[@]}" | median)
cmp=$(node -e "const j=JSON.parse(require('fs').readFileSync('$D/duckdb.json'));console.log(j.compared+' schools compared, '+j.mismatches+' differ by more than 0.05')")
report=$(cat <<EOF
### \`lantern measures\` against DuckDB: $NAME ($(git rev-parse --short HEAD), $(date -u +%Y-%m-%dT%H:%MZ))

$ks4_pupils pupils at the end of KS4, $pupils KS4 result rows; $THREADS threads for both;
median of three runs (single runs in brackets).

| step | seconds |
| --- | --- |
| \`lantern measures\` (every measure, every school: A8, P8, P5, broader, destinations; reads the store, writes measures.csv and destinations.csv) | $l_med (${lantern_runs[*]}), peak ${lantern_mem} KiB |
| DuckDB: load ks4_results.csv and the catalogue | $dl_med (${duck_load[*]}) |
| DuckDB: every school's Attainment 8 from the loaded table | $dq_med (${duck_query[*]}) |
| DuckDB: load + Attainment 8 | $(echo "$dl_med + $dq_med" | bc) |

DuckDB's A8 against Lantern's measures.csv: $cmp.
Generation: $(cat "$D/generate.time" 2>/dev/null || echo '-') s; ingest: $(cat "$D/ingest.time" 2>/dev/null || echo '-') s (made once, not compared).
EOF
)
echo "$report"
if [ -n "$RESULTS" ]; then printf '\n%s\n' "$report" >>"$RESULTS"; fi
