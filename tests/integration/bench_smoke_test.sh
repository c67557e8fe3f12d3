#!/usr/bin/env bash
# A short smoke of every npbench workload against the real binaries, so the load tools keep working.
# It asserts only that each run completed calls with status OK (no performance thresholds).
# Usage: bench_smoke_test.sh BIN_DIR DATA_DIR
set -euo pipefail
bin=$1
plan=$2
work=$(mktemp -d /tmp/npd-bench-smoke-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
wait_file() { for _ in $(seq 1 200); do [ -s "$1" ] && return 0; sleep 0.05; done; return 1; }

"$bin/npd-echo" --listen 127.0.0.1:0 --port-file "$work/echo.port" 2>/dev/null &
pids+=($!)
"$bin/npd" --listen 127.0.0.1:0 --data-dir "$work/data" --cutover-mode immediate \
  --set plan.dir="$plan" --set server.port_file="$work/npd.port" --set log.level=warn \
  2>"$work/npd.log" &
pids+=($!)
wait_file "$work/echo.port" && wait_file "$work/npd.port" || { cat "$work/npd.log"; exit 1; }

run() {
  local out
  out=$("$bin/npbench" --json --seconds 1 --concurrency 8 --plan-dir "$plan" "$@")
  echo "$out"
  python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["completed"] > 0 and d["codes"].startswith("OK="), d' "$out"
}
run --workload echo --server "$(cat "$work/echo.port")"
run --workload lookup --server "$(cat "$work/npd.port")"
run --workload lookup --server "$(cat "$work/npd.port")" --hot 0.9 --rate 500
run --workload port --server "$(cat "$work/npd.port")" --confirm
echo "bench smoke passed"
