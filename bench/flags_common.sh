# Shared by bench/flags_national.sh and bench/flags_days.sh (sourced).

# Echoes the name of binary $1's store flagged to 13 March in $OUT (the
# daily job's starting point), making it if missing: run over 12 and 13
# March as the daily job would have, since a run over several days keeps
# the attendance windows for the next day's, as the daily job does, and a
# single-day run on its own does not.
flagged_store() {
  local b=$1 name
  name=$(basename "$b")-$(sha1sum "$b" | cut -c1-8)
  if [ ! -d "$OUT/flagged2-$name" ]; then
    cp -a "$OUT/store" "$OUT/flagged2-$name.tmp"
    "$b" flags --store "$OUT/flagged2-$name.tmp" --out "$OUT/flags2-$name" --from 2019-03-12 \
      --as-of 2019-03-13 --threads 2 >/dev/null
    mv "$OUT/flagged2-$name.tmp" "$OUT/flagged2-$name"
  fi
  echo "flagged2-$name"
}
