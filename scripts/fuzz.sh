#!/usr/bin/env bash
# Runs each fuzz target for a while (default 180 s each) with cargo-fuzz on the stable
# toolchain (no sanitizer). Crashes land in fuzz/artifacts/<target>/; turn each into a
# regression test.
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-180}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
for target in decode_segment pipeline; do
  echo "== $target ($seconds s)"
  cargo fuzz run -s none "$target" -- -max_total_time="$seconds" -max_len=65536
done
