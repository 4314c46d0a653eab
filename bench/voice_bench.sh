#!/usr/bin/env bash
# Pupil voice at national shape: a synthetic wave of RESPONDENTS pupils x
# the bank's 30 items (bench/voice_synthetic.py), ingested and reported at
# every level by Lantern, and the school x item distributions computed by
# DuckDB from the same CSV in the same run. Wall and CPU seconds of each
# (the machine may be shared: CPU seconds say what the work cost). Figures
# go in bench/RESULTS.md. The wave is written once per WORK and size.
#
#   bench/voice_bench.sh [RESPONDENTS=300000] [WORK=/tmp/lantern_voice_bench] [THREADS=2]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/.."
n="${1:-300000}"
work="${2:-/tmp/lantern_voice_bench}"
threads="${3:-2}"
lantern="${LANTERN:-$root/build/lantern}"
mkdir -p "$work"
if [ "$(cat "$work/in/.respondents" 2>/dev/null)" != "$n" ]; then
  rm -rf "$work/in"
  t0=$(date +%s.%N)
  python3 "$here/voice_synthetic.py" "$work/in" "$n"
  echo "$n" > "$work/in/.respondents"
  echo "synthetic wave written in $(echo "$(date +%s.%N) - $t0" | bc) s (not timed below)"
fi
rm -rf "$work/store" "$work/out"
rows=$(($(wc -l < "$work/in/voice_responses.csv") - 1))
mb=$(du -m "$work/in/voice_responses.csv" | cut -f1)
echo "synthetic wave: $n respondents, $rows response rows, ${mb} MB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
timed() {  # label command...: prints wall and CPU (user + system) seconds
  local label="$1"; shift
  /usr/bin/time -f "$label: %e s wall, %U s user + %S s system, %M KB peak" "$@" 2>&1 | tail -3
}
timed "lantern ingest" "$lantern" ingest "$work/in" --store "$work/store" --threads "$threads"
timed "lantern voice" "$lantern" voice --store "$work/store" --out "$work/out" --threads "$threads"
(cd "$here" && timed "duckdb" node duckdb_voice.mjs --input "$work/in" --threads "$threads")
