#!/usr/bin/env python3
"""The Python peer of the benchmark: exact paragraph dedup with hashlib.

Reads a text file, splits it into blank-line separated paragraphs, keys each by its
lower-cased, white-space collapsed text, and writes every paragraph whose SHA-256 was not
seen before. What a data engineer writes in ten lines when no tool is at hand.
"""
import hashlib
import re
import sys

seen = set()
out = sys.stdout
with open(sys.argv[1], encoding="utf-8") as f:
    text = f.read()
for paragraph in re.split(r"\n\s*\n", text):
    key = " ".join(paragraph.lower().split())
    if not key:
        continue
    digest = hashlib.sha256(key.encode()).digest()
    if digest in seen:
        continue
    seen.add(digest)
    out.write(paragraph)
    out.write("\n\n")
