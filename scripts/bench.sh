#!/usr/bin/env bash
# Benchmark unscrape against awk '!seen[$0]++' on generated corpora of known duplicate rate.
#
#   scripts/bench.sh [SIZE...]        sizes for gen.py --target-bytes (default: 10M 100M)
#
# Needs python3, hyperfine and GNU time (Debian: apt-get install hyperfine time). Corpora
# are generated deterministically (seeded) by ../shared/bench/gen.py into target/bench/ and
# concatenated into one document (all.txt) per size: unscrape cleans it as one document,
# so exact and near duplicates are searched across the whole corpus. Prints MB/s,
# paragraphs/s and peak RSS, and the ratio to awk measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
gen=../shared/bench/gen.py
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10M 100M)
command -v hyperfine >/dev/null || { echo "hyperfine is missing (apt-get install hyperfine)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time is missing (apt-get install time)" >&2; exit 2; }

cargo build --release -q
bin=$PWD/target/release/unscrape
out=target/bench
mkdir -p "$out"

printf '%-6s %-28s %10s %10s %12s %10s\n' size command median_s MB/s paragraphs/s peak_MB
for size in "${sizes[@]}"; do
  dir=$out/corpus-$size
  if [ ! -f "$dir/all.txt" ]; then
    python3 "$gen" --out "$dir" --target-bytes "$size" --concat --no-dir -q
  fi
  corpus=$dir/all.txt
  bytes=$(stat -c %s "$corpus")
  # check exits 1 when it would remove something: that is the expected case here.
  paragraphs=$( ("$bin" check "$corpus" -q --no-crumbs --no-near --report - --report-format json || [ $? -eq 1 ]) \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["paragraphs_in"])')
  json=$out/hyperfine-$size.json
  hyperfine --warmup 1 --runs 5 --style none --export-json "$json" \
    -n "unscrape (near)" "$bin clean $corpus > /dev/null" \
    -n "unscrape --no-near" "$bin clean --no-near $corpus > /dev/null" \
    -n "awk '!seen[\$0]++'" "awk '!seen[\$0]++' $corpus > /dev/null" >/dev/null
  for name in "unscrape (near)" "unscrape --no-near" "awk '!seen[\$0]++'"; do
    case $name in
      "unscrape (near)") cmd=("$bin" clean "$corpus") ;;
      "unscrape --no-near") cmd=("$bin" clean --no-near "$corpus") ;;
      *) cmd=(awk '!seen[$0]++' "$corpus") ;;
    esac
    peak_kb=$( { /usr/bin/time -v "${cmd[@]}" > /dev/null; } 2>&1 | awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}')
    median=$(python3 -c 'import json,sys; r=[x for x in json.load(open(sys.argv[1]))["results"] if x["command"]==sys.argv[2]][0]; print(r["median"])' "$json" "$name")
    python3 -c 'import sys; s,n,b,p,m,k=sys.argv[1:]; m=float(m); print(f"{s:<6} {n:<28} {m:10.3f} {int(b)/m/1e6:10.1f} {int(p)/m:12.0f} {int(k)/1024:10.1f}")' \
      "$size" "$name" "$bytes" "$paragraphs" "$median" "$peak_kb"
  done
done
