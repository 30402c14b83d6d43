#!/usr/bin/env bash
# Peer for a gzip corpus: decompress and recompress it (gzip -6), the least a tool that
# reads and writes compressed corpora does. (A script: the benchmark's entries cannot
# hold a pipe.)
set -euo pipefail
gzip -dc "$1" | gzip -6 -n > "$2"
