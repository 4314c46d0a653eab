#!/usr/bin/env bash
# lantern flags against DuckDB (bench/duckdb_flags.mjs) on the same
# generated input, in the same run: the first run on the store's last day
# (no history), the daily flags step, and DuckDB's load and query for the
# two commonest triggers, checked equal. Three runs each, medians.
# Usage: bench/flags_bench.sh [LA] [OUT]   (default 805, out/bench-flags)
set -euo pipefail
LA=${1:-805}
OUT=${2:-out/bench-flags}
LANTERN=${LANTERN:-build/lantern}
rm -rf "$OUT"; mkdir -p "$OUT"
"$LANTERN" generate --scale la --la "$LA" --seed 20190101 --out "$OUT/in" >/dev/null
"$LANTERN" ingest "$OUT/in" --store "$OUT/store" >/dev/null
"$LANTERN" codes >"$OUT/codes.csv"
DAY=$(python3 -c "import csv;print(max(r['date'] for r in csv.DictReader(open('$OUT/in/attendance.csv'))))")
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
: >"$OUT/lantern.txt"; : >"$OUT/duckdb.txt"
for i in 1 2 3; do
  rm -rf "$OUT/s$i"; cp -r "$OUT/store" "$OUT/s$i"
  s=$(date +%s.%N)
  "$LANTERN" flags --store "$OUT/s$i" --out "$OUT/flags$i" --as-of "$DAY" >/dev/null
  e=$(date +%s.%N)
  echo "$e - $s" | bc >>"$OUT/lantern.txt"
  node bench/duckdb_flags.mjs --input "$OUT/in" --codes "$OUT/codes.csv" --day "$DAY" \
    --compare "$OUT/flags$i/flags.csv" >>"$OUT/duckdb.txt"
done
echo "LA $LA, day $DAY"
echo "lantern flags (open, load, evaluate, write, commit), median of 3: $(median <"$OUT/lantern.txt") s"
echo "DuckDB runs (load, query, check):"
cat "$OUT/duckdb.txt"
