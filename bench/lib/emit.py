#!/usr/bin/env python3
"""Prints one JSON object on one line: the lines of bench/results/<run>/results.jsonl.

Usage: emit.py [--merge] STEP [key=value | key:=json]...

  STEP         becomes "step" (always the first key).
  key=value    a number when it parses as one, else a string.
  key:=json    a raw JSON value (object, list, true, null...).
  --merge      also read a tool's output on stdin and merge the LAST line that parses as a JSON
               object into the record (fields given on the command line win). When none parses,
               the record gets "error" and the tail of the tool's output, so a failed tool still
               leaves a line and the report can say which point is missing.
Standard library only.
"""
import json
import sys


def typed(text):
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def main(argv):
    merge = False
    if argv and argv[0] == "--merge":
        merge, argv = True, argv[1:]
    if not argv:
        sys.exit("usage: emit.py [--merge] STEP [key=value | key:=json]...")
    record = {"step": argv[0]}
    fields = {}
    for arg in argv[1:]:
        if ":=" in arg and arg.index(":=") < arg.index("=") + 1:
            key, value = arg.split(":=", 1)
            fields[key] = json.loads(value)
        elif "=" in arg:
            key, value = arg.split("=", 1)
            fields[key] = typed(value)
        else:
            sys.exit(f"emit.py: not key=value: {arg!r}")
    if merge:
        text = sys.stdin.read()
        found = None
        for line in reversed(text.splitlines()):
            line = line.strip()
            if line.startswith("{"):
                try:
                    found = json.loads(line)
                    break
                except json.JSONDecodeError:
                    continue
        if isinstance(found, dict):
            record.update({k: v for k, v in found.items() if k != "step"})
        else:
            record["error"] = "no JSON object in the tool's output"
            record["output_tail"] = text[-400:]
    record.update(fields)
    print(json.dumps(record, ensure_ascii=False, separators=(",", ":")))


if __name__ == "__main__":
    main(sys.argv[1:])
