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

# Everything over mutual TLS, the echo ceiling too: npbench and npctl find the certificates in
# NPD_TLS_DIR.
pki="$work/pki"
"$(dirname "$0")/../../scripts/dev-pki" "$pki" >/dev/null
export NPD_TLS_DIR="$pki"
tls=(--set server.tls_cert="$pki/server.pem" --set server.tls_key="$pki/server.key"
  --set server.tls_client_ca="$pki/ca.pem" --set security.payee_key_file="$pki/payee.key")

"$bin/npd-echo" --listen 127.0.0.1:0 --port-file "$work/echo.port" --tls-dir "$pki" 2>/dev/null &
pids+=($!)
"$bin/npd" --listen 127.0.0.1:0 --data-dir "$work/data" --cutover-mode immediate \
  --set plan.dir="$plan" --set server.port_file="$work/npd.port" --set log.level=warn \
  "${tls[@]}" 2>"$work/npd.log" &
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
# A fixed number of lifecycles: 40 ports, 3 calls each, then the run ends before its time.
out=$(run --workload port --server "$(cat "$work/npd.port")" --ports 40 --first-number 200000)
echo "$out"
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["completed"] == 120, d' "$out"

# cutover-batch: npd cuts over at once here (immediate mode), so the batch is timed from the end of
# its setup; every port of it must complete, confirmed by every carrier.
out=$("$bin/npbench" --json --workload cutover-batch --ports 300 --first-number 300000 \
  --server "$(cat "$work/npd.port")" --plan-dir "$plan")
echo "$out"
python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["approved"] == 300 and d["completed_ports"] == 300, d
assert d["changes_seen_min"] == 300 and d["all_confirmed_s"] >= 0 and d["cutover_during_setup"], d
' "$out"
# The same numbers again: all ported already, so nothing is approved; the run says so and fails
# at once instead of waiting for a cutover that cannot come.
if out=$("$bin/npbench" --json --workload cutover-batch --ports 300 --first-number 300000 \
  --server "$(cat "$work/npd.port")" --plan-dir "$plan"); then
  echo "cutover-batch with nothing approved must fail"; exit 1
fi
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["approved"] == 0, d' "$out"

# restart: a seeded store, then npd started on it answers for the seeded numbers.
"$bin/npd-bench-seed" --json --data-dir "$work/seeded" --numbers 20000
"$bin/npd" --listen 127.0.0.1:0 --data-dir "$work/seeded" --set plan.dir="$plan" \
  --set server.port_file="$work/seeded.port" --set log.level=warn "${tls[@]}" \
  2>"$work/seeded.log" &
pids+=($!)
wait_file "$work/seeded.port" || { cat "$work/seeded.log"; exit 1; }
run --workload lookup --server "$(cat "$work/seeded.port")" --msisdn-first 13700000000 \
  --msisdn-count 20000
# The last seeded number (odd index) is served by ctcc, not by its range holder cmcc.
looked=$("$bin/npctl" --server "$(cat "$work/seeded.port")" --as cmcc --json number lookup 13700019999)
echo "$looked"
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert "ctcc" in json.dumps(d), d' "$looked"
echo "bench smoke passed"
