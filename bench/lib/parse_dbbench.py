#!/usr/bin/env python3
"""Reads db_bench's output (one benchmark, run with --histogram=1) on stdin and prints one JSON
object: throughput (ops/s), micros_per_op, completed, seconds, avg_us, p50_us, p99_us, p999_us,
max_us. Prints nothing when the summary line is missing (emit.py --merge then records an error).
Standard library only."""
import json
import re
import sys

text = sys.stdin.read()
out = {}
# fillrandom   :    1013.769 micros/op 3913 ops/sec 2.043 seconds 7996 operations;    0.8 MB/s
m = re.search(r"^\w+\s*:\s*([\d.]+) micros/op (\d+) ops/sec(?: ([\d.]+) seconds (\d+) operations)?",
              text, re.M)
if m:
    out["micros_per_op"] = float(m.group(1))
    out["throughput"] = float(m.group(2))
    if m.group(3):
        out["seconds"] = float(m.group(3))
        out["completed"] = int(m.group(4))
    m = re.search(r"Average: ([\d.]+)", text)
    if m:
        out["avg_us"] = float(m.group(1))
    m = re.search(r"Max: ([\d.]+)", text)
    if m:
        out["max_us"] = float(m.group(1))
    m = re.search(r"Percentiles: P50: ([\d.]+) .*?P99: ([\d.]+) P99\.9: ([\d.]+)", text)
    if m:
        out["p50_us"], out["p99_us"], out["p999_us"] = (float(g) for g in m.groups())
    print(json.dumps(out))
