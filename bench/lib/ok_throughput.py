#!/usr/bin/env python3
"""Reads npbench output on stdin; prints the throughput of OK calls only (throughput × OK share of
"codes"), 0 when there is no JSON line. npbench's own throughput counts every finished call."""
import json
import sys

for line in sys.stdin:
    if line.startswith("{"):
        r = json.loads(line)
        codes = {k: int(v) for k, _, v in (p.partition("=") for p in r.get("codes", "").split())}
        print(r.get("throughput", 0) * codes.get("OK", 0) / max(1, sum(codes.values())))
        break
else:
    print(0)
