#!/usr/bin/env python3
"""Usage: parse_pgbench.py LOG_GLOB... < pgbench-output

Prints one JSON object: throughput (tps without initial connection time), completed, failed,
avg_us (pgbench's latency average), and p50_us/p99_us/p999_us/max_us computed from pgbench's
per-transaction logs (--log; the third field of each line is the transaction's latency in µs).
The globs are expanded after stdin ends, i.e. after pgbench exited and wrote its logs.
Prints nothing when pgbench printed no tps line. Standard library only."""
import glob
import json
import re
import sys

text = sys.stdin.read()
m = re.search(r"^tps = ([\d.]+)", text, re.M)
if not m:
    sys.exit(0)
out = {"throughput": float(m.group(1))}
for key, pattern, kind in (
    ("completed", r"number of transactions actually processed: (\d+)", int),
    ("failed", r"number of failed transactions: (\d+)", int),
    ("avg_us", r"latency average = ([\d.]+) ms", lambda s: float(s) * 1000),
):
    m = re.search(pattern, text)
    if m:
        out[key] = kind(m.group(1))
lat = []
for path in sorted(p for g in sys.argv[1:] for p in glob.glob(g)):
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 3:
                lat.append(int(fields[2]))
if lat:
    lat.sort()
    pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
    out.update(p50_us=pick(0.5), p99_us=pick(0.99), p999_us=pick(0.999), max_us=lat[-1])
print(json.dumps(out))
