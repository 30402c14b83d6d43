#!/usr/bin/env bash
# Benchmark unscrape against the tools a user would reach for instead, on generated corpora
# of known duplicate rate, and report MB/s, ratios and peak memory from one run.
#
#   scripts/bench.sh [SIZE...]          sizes for gen.py --target-bytes (default: 10M 100M)
#   BENCH_RUNS=5 scripts/bench.sh 1G    hyperfine runs per command (default 3)
#   BENCH_WARMUP=0                      warm-up runs per command (default 1)
#   BENCH_SKIP='docs/'                  leave out the commands whose name matches (grep -E)
#   BENCH_ONLY='docs/|gawk|sha256'      keep only the commands whose name matches (grep -E)
#
# Needs python3, hyperfine, GNU time and gawk (Debian: apt-get install hyperfine time gawk).
# Corpora are generated once, deterministically (seeded), by ../shared/bench/gen.py into
# target/bench/corpus-SIZE/: docs/ (one file per document), docs.jsonl (the same documents
# as a JSONL corpus) and all.txt (their concatenation, what the line-oriented peers read).
#
# Peers over all.txt: cat (the page cache's floor), openssl sha256 (hashing every byte once),
# sort -u and gawk '!seen[$0]++' (exact line dedup), and a Python exact paragraph dedup with
# hashlib (scripts/peers/exact_dedup.py). unscrape cleans the JSONL corpus (exact only;
# crumbs and exact; defaults, near duplicates included; the last two also with the
# corpus's language given, --language en, instead of detected per document), the same
# corpus gzipped (read and written compressed; its peer decompresses and recompresses it
# with gzip) and the directory of documents.
# Every command writes its output (to a file or /dev/null); results go to
# target/bench/results-SIZE.md and .json.
set -euo pipefail
cd "$(dirname "$0")/.."
gen=../shared/bench/gen.py
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10M 100M)
runs=${BENCH_RUNS:-3}
warmup=${BENCH_WARMUP:-1}
skip=${BENCH_SKIP:-}
only=${BENCH_ONLY:-}
for tool in python3 hyperfine gawk; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (apt-get install hyperfine time gawk)" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "GNU time is missing (apt-get install time)" >&2; exit 2; }

cargo build --release -q
bin=$PWD/target/release/unscrape
root=$PWD/target/bench
mkdir -p "$root"

for size in "${sizes[@]}"; do
  dir=$root/corpus-$size
  if [ ! -f "$dir/docs.jsonl" ] || [ ! -f "$dir/all.txt" ] || [ ! -d "$dir/docs" ]; then
    echo "generating the $size corpus in $dir" >&2
    python3 "$gen" --out "$dir" --target-bytes "$size" --jsonl --concat -q
  fi
  if [ ! -f "$dir/docs.jsonl.gz" ]; then
    echo "compressing the $size corpus (gzip -6)" >&2
    gzip -6 -n -c "$dir/docs.jsonl" > "$dir/docs.jsonl.gz.tmp" && mv "$dir/docs.jsonl.gz.tmp" "$dir/docs.jsonl.gz"
  fi
  out=$root/out-$size
  mkdir -p "$out"
  bytes=$(stat -c %s "$dir/all.txt")
  # name|command|prepare (run by bash before each timed run, untimed: clearing a tree)
  commands=(
    "cat|cat $dir/all.txt > /dev/null"
    "openssl sha256|openssl sha256 $dir/all.txt > /dev/null"
    "sort -u|sort -u $dir/all.txt > $out/sort.txt"
    "gawk '!seen[\$0]++'|gawk '!seen[\$0]++' $dir/all.txt > $out/gawk.txt"
    "python hashlib paragraphs|python3 scripts/peers/exact_dedup.py $dir/all.txt > $out/python.txt"
    "unscrape --no-crumbs --no-near (JSONL)|$bin clean --no-crumbs --no-near $dir/docs.jsonl -o $out/exact.jsonl"
    "unscrape --no-near (JSONL)|$bin clean --no-near $dir/docs.jsonl -o $out/no-near.jsonl"
    "unscrape --no-near --language en (JSONL)|$bin clean --no-near --language en $dir/docs.jsonl -o $out/no-near-en.jsonl"
    "unscrape (JSONL)|$bin clean $dir/docs.jsonl -o $out/default.jsonl"
    "unscrape --language en (JSONL)|$bin clean --language en $dir/docs.jsonl -o $out/default-en.jsonl"
    "gzip -dc, gzip (JSONL.gz)|scripts/peers/recompress.sh $dir/docs.jsonl.gz $out/recompressed.jsonl.gz"
    "unscrape --no-crumbs --no-near (JSONL.gz)|$bin clean --no-crumbs --no-near $dir/docs.jsonl.gz -o $out/exact.jsonl.gz"
    "unscrape --no-near (JSONL.gz)|$bin clean --no-near $dir/docs.jsonl.gz -o $out/no-near.jsonl.gz"
    "unscrape --no-near (docs/ → dir)|$bin clean --no-near $dir/docs -o $out/tree|rm -rf $out/tree"
    "unscrape (docs/ → dir)|$bin clean $dir/docs -o $out/tree|rm -rf $out/tree"
  )
  kept=()
  for entry in "${commands[@]}"; do
    name=${entry%%|*}
    if [ -n "$skip" ] && printf '%s\n' "$name" | grep -Eq -- "$skip"; then continue; fi
    if [ -n "$only" ] && ! printf '%s\n' "$name" | grep -Eq -- "$only"; then continue; fi
    kept+=("$entry")
  done
  commands=("${kept[@]}")
  json=$root/results-$size.json
  # Fields of an entry: name|command[|prepare].
  field() { printf '%s\n' "$1" | cut -d'|' -f"$2"; }
  args=()
  for entry in "${commands[@]}"; do
    prepare=$(field "$entry" 3)
    args+=(--prepare "${prepare:-true}")
  done
  for entry in "${commands[@]}"; do
    args+=(-n "$(field "$entry" 1)" "$(field "$entry" 2)")
  done
  echo "timing ${#commands[@]} commands on $size ($bytes bytes), $runs runs each" >&2
  hyperfine --warmup "$warmup" --runs "$runs" --style none --export-json "$json" "${args[@]}" >/dev/null
  peaks=()
  for entry in "${commands[@]}"; do
    prepare=$(field "$entry" 3)
    bash -c "${prepare:-true}"
    kb=$( { /usr/bin/time -f '%M' bash -c "$(field "$entry" 2)" ; } 2>&1 >/dev/null | tail -1)
    peaks+=("$kb")
  done
  startup=""
  if [ "$size" = "${sizes[0]}" ]; then
    hyperfine -N --warmup 20 --runs 200 --style none --export-json "$root/startup.json" \
      "$bin clean fixtures/seed/000_f5873f3689c82459.txt" >/dev/null
    startup=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"]*1000)' "$root/startup.json")
  fi
  python3 - "$json" "$bytes" "$size" "$startup" "${peaks[@]}" <<'PY' | tee "$root/results-$size.md"
import json, sys
results = json.load(open(sys.argv[1]))["results"]
size_bytes, size, startup = int(sys.argv[2]), sys.argv[3], sys.argv[4]
peaks = [int(k) / 1024 for k in sys.argv[5:]]
median = {r["command"]: r["median"] for r in results}
gawk = next((v for k, v in median.items() if k.startswith("gawk")), float("nan"))
sha = median.get("openssl sha256", float("nan"))
print(f"\n{size} corpus: {size_bytes / 1e6:.1f} MB; medians of {len(results[0]['times'])} runs\n")
print("| command | median s | MB/s | × gawk | ÷ sha256 | peak MB |")
print("|---|---:|---:|---:|---:|---:|")
for r, peak in zip(results, peaks):
    m = r["median"]
    print(f"| {r['command']} | {m:.3f} | {size_bytes / m / 1e6:.1f} | {gawk / m:.2f} | {m / sha:.2f} | {peak:.0f} |")
if startup:
    print(f"\nstart-up: `unscrape clean` on the 5 KB seed document, median of 200 runs: {float(startup):.2f} ms")
PY
done
