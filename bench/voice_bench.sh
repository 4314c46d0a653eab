#!/usr/bin/env bash
# Pupil voice at national shape: a synthetic wave of RESPONDENTS pupils x
# the bank's 30 items (bench/voice_synthetic.py), ingested and reported at
# every level by Lantern, and the school x item distributions computed by
# DuckDB from the same CSV in the same run. Figures go in bench/RESULTS.md.
#
#   bench/voice_bench.sh [RESPONDENTS=300000] [WORK=/tmp/lantern_voice_bench]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/.."
n="${1:-300000}"
work="${2:-/tmp/lantern_voice_bench}"
lantern="${LANTERN:-$root/build/lantern}"
rm -rf "$work"
mkdir -p "$work"
t0=$(date +%s.%N)
python3 "$here/voice_synthetic.py" "$work/in" "$n"
t1=$(date +%s.%N)
rows=$(($(wc -l < "$work/in/voice_responses.csv") - 1))
mb=$(du -m "$work/in/voice_responses.csv" | cut -f1)
echo "synthetic wave: $n respondents, $rows response rows, ${mb} MB ($(echo "$t1 - $t0" | bc) s to write)"
t2=$(date +%s.%N)
"$lantern" ingest "$work/in" --store "$work/store" --threads 2 | tail -2
t3=$(date +%s.%N)
"$lantern" voice --store "$work/store" --out "$work/out" --threads 2 | tail -4
t4=$(date +%s.%N)
echo "lantern: ingest $(echo "$t3 - $t2" | bc) s, voice $(echo "$t4 - $t3" | bc) s, total $(echo "$t4 - $t2" | bc) s"
(cd "$here" && node duckdb_voice.mjs --input "$work/in" --threads 2)
