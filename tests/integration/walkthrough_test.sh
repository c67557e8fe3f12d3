#!/usr/bin/env bash
# The README walkthrough, run for real over mutual TLS with scripts/dev-pki's certificates: npd
# started from its binary, all three carriers played with npctl over gRPC, SIGKILL in the middle, and the expected end state checked; then the report of the
# last hours, and a checkpoint restored into npd started on it (README, Operations). Fails on any
# mismatch.
# Usage: walkthrough_test.sh BIN_DIR DATA_DIR
set -euo pipefail
bin=$1
plan=$2
work=$(mktemp -d /tmp/npd-walkthrough-XXXXXX)
npd_pid=""
fake_pid=""
cleanup() {
  [ -n "$npd_pid" ] && kill -9 "$npd_pid" 2>/dev/null || true
  [ -n "$fake_pid" ] && kill -9 "$fake_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The development PKI, as the README makes it; npctl and the fakes find it through NPD_TLS_DIR, and
# the operator acts as "oncall" (operator-oncall.pem).
"$(dirname "$0")/../../scripts/dev-pki" "$work/pki" >/dev/null
export NPD_TLS_DIR="$work/pki" NPD_OPERATOR=oncall

# The refund's outside systems (billing, payment, settlement, SMS), without faults, over mTLS.
"$bin/npd-fake-outside" --listen 127.0.0.1:0 --port-file "$work/fake-port" >"$work/fake.log" 2>&1 &
fake_pid=$!
for _ in $(seq 1 200); do
  [ -s "$work/fake-port" ] && break
  sleep 0.05
done
[ -s "$work/fake-port" ] || { echo "npd-fake-outside did not start"; cat "$work/fake.log"; exit 1; }
fake=$(cat "$work/fake-port")

# Starts npd on data dir $1 (default: $work/data).
start_npd() {
  rm -f "$work/port"
  "$bin/npd" --listen 127.0.0.1:0 --data-dir "${1:-$work/data}" --cutover-mode immediate \
    --set plan.dir="$plan" --set server.port_file="$work/port" \
    --set server.tls_cert="$work/pki/server.pem" --set server.tls_key="$work/pki/server.key" \
    --set server.tls_client_ca="$work/pki/ca.pem" --set security.payee_key_file="$work/pki/payee.key" \
    --set refund.billing="*=$fake" --set refund.payment="$fake" --set refund.settlement="$fake" \
    --set refund.sms="$fake" --set refund.retry_initial=50ms --set refund.retry_max=500ms \
    >>"$work/npd.log" 2>&1 &
  npd_pid=$!
  for _ in $(seq 1 200); do
    [ -s "$work/port" ] && break
    sleep 0.05
  done
  [ -s "$work/port" ] || { echo "npd did not start"; cat "$work/npd.log"; exit 1; }
  export NPD_SERVER=$(cat "$work/port")
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval('d' + sys.argv[1]))" "$1"; }
expect() {
  if [ "$1" != "$2" ]; then echo "FAIL: $3: expected '$2', got '$1'"; exit 1; fi
  echo "ok: $3"
}

start_npd
msisdn=13800138000
id=(--name 张三 --id-type resident --id 11010519491231002X)

code=$("$bin/npctl" --as cmcc --json code issue $msisdn "${id[@]}" | json "['code']")
expect "${#code}" 6 "donor issued a 6-digit code"

port=$("$bin/npctl" --as cucc --json port submit $msisdn --code "$code" "${id[@]}" \
  --local-network 010 --channel online | json "['port']['port_id']")
state=$("$bin/npctl" --as cucc --json port get "$port" | json "['port']['state']")
expect "$state" PORT_STATE_PENDING_DONOR "recipient submitted the port"

# Out of turn: the recipient may not answer; npctl exits 1 with the status name.
if "$bin/npctl" --as cucc port answer "$port" --approve 2>"$work/err"; then
  echo "FAIL: recipient could answer"; exit 1
fi
grep -q PERMISSION_DENIED "$work/err" && echo "ok: recipient answering is PERMISSION_DENIED"

kill -9 "$npd_pid"; wait "$npd_pid" 2>/dev/null || true
start_npd
state=$("$bin/npctl" --as operator --json port get "$port" | json "['port']['state']")
expect "$state" PORT_STATE_PENDING_DONOR "port survived SIGKILL"

# Without its certificate a caller is nobody, whatever it claims to be.
if NPD_TLS_DIR= "$bin/npctl" --as cmcc port answer "$port" --approve 2>"$work/err"; then
  echo "FAIL: a plaintext caller could answer"; exit 1
fi
grep -q UNAVAILABLE "$work/err" && echo "ok: a caller without a certificate is not served"
"$bin/npctl" --as cmcc port answer "$port" --approve >/dev/null
for carrier in cmcc cucc ctcc; do
  "$bin/npctl" --as $carrier feed watch --confirm --idle-exit 2 >"$work/feed-$carrier"
  grep -q "$msisdn" "$work/feed-$carrier" || { echo "FAIL: $carrier saw no change"; exit 1; }
done
state=$("$bin/npctl" --as cucc --json port get "$port" | json "['port']['state']")
expect "$state" PORT_STATE_COMPLETED "every carrier confirmed"
serving=$("$bin/npctl" --as ctcc --json number lookup $msisdn | json "['number']['serving_carrier']")
expect "$serving" cucc "lookup shows the recipient serving"

# The balance refund: frozen, billed and texted by the fakes, then claimed in another province.
refund="R${port:1}"
wait_refund() {
  for _ in $(seq 1 200); do
    state=$("$bin/npctl" --as cmcc --json refund get "$refund" | json "['refund']['state']")
    [ "$state" = "$1" ] && return 0
    sleep 0.05
  done
  return 0
}
wait_refund REFUND_STATE_AWAIT_CLAIM
expect "$state" REFUND_STATE_AWAIT_CLAIM "the refund case waits for the claim"
accepted=$("$bin/npctl" --as cmcc --json refund claim "$refund" "${id[@]}" --payee-kind bank-card \
  --payee-account 6222020200112233446 --payee-name 张三 --channel hall --province Guangdong \
  | json "['accepted']")
expect "$accepted" True "the account holder's claim is accepted"
kill -9 "$npd_pid"; wait "$npd_pid" 2>/dev/null || true
start_npd
wait_refund REFUND_STATE_CLOSED_PAID
expect "$state" REFUND_STATE_CLOSED_PAID "paid, settled and closed across a SIGKILL"
paid=$("$bin/npctl" --as cmcc --json refund get "$refund" | json "['refund']['paid_fen']")
refundable=$("$bin/npctl" --as cmcc --json refund get "$refund" | json "['refund']['refundable_fen']")
expect "$paid" "$refundable" "the amount paid is the amount refundable"

# The history of it all, as the operator (every event) and as a carrier no party to the port.
"$bin/npctl" --as operator history $msisdn >"$work/history"
head -1 "$work/history" | grep -qx "history of number $msisdn" || { echo "FAIL: history header"; cat "$work/history"; exit 1; }
for type in AUTH_CODE_ISSUED PORT_SUBMITTED PORT_APPROVED PORT_COMPLETED REFUND_OPENED REFUND_CLOSED_PAID; do
  grep -q "  $type  " "$work/history" || { echo "FAIL: no $type in the history"; cat "$work/history"; exit 1; }
done
echo "ok: the number's history shows the code, the port and the refund"
events=$("$bin/npctl" --as operator --json history $msisdn | json "['events'].__len__()")
lines=$(($(wc -l <"$work/history") - 1))
expect "$events" "$lines" "--json carries the events the text shows"
if "$bin/npctl" --as ctcc history "$port" 2>"$work/err"; then
  echo "FAIL: a third carrier read the port's history"; exit 1
fi
grep -q NOT_FOUND "$work/err" && echo "ok: a third carrier's port history is NOT_FOUND"

# The report of the last hours, from the history: one port out of cmcc into cucc, its refund paid
# to a claim made in Guangdong (home Beijing).
from=$(date -u -d '-2 hours' +%Y-%m-%dT%H:%M:%SZ)
to=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
"$bin/npctl" --as operator report --from "$from" --to "$to" --format json >"$work/report.json"
row() { json "['report']['carriers'][$1]['$2']" <"$work/report.json"; }
expect "$(row 0 carrier)/$(row 0 ports_out)/$(row 2 carrier)/$(row 2 ports_in)" cmcc/1/cucc/1 \
  "the report counts the port out of cmcc and into cucc"
expect "$(row 0 refunds_paid)/$(row 0 paid_claims_other_province)" 1/1 \
  "the report counts the refund paid to a claim from another province"
"$bin/npctl" --as operator report --from "$from" --to "$to" | grep -q "^ports out (completed) " \
  || { echo "FAIL: no table from npctl report"; exit 1; }
echo "ok: npctl report prints the table"

# Backup and restore: a checkpoint of the running npd, then npd started on it.
"$bin/npctl" --as operator admin checkpoint "$work/backup" >"$work/checkpoint.txt"
grep -q "identity secret included" "$work/checkpoint.txt" \
  || { echo "FAIL: checkpoint: $(cat "$work/checkpoint.txt")"; exit 1; }
# Offline replay of the checkpoint while npd keeps running: the journal of everything above, across
# both SIGKILLs, runs again to exactly the stored state. npd's own data dir is locked while it runs.
set +e
"$bin/npctl" replay --data-dir "$work/data" >"$work/replay-live.out" 2>&1
status=$?
set -e
expect "$status" 1 "replay refuses the data directory of a running npd"
grep -q "checkpoint" "$work/replay-live.out" || { echo "FAIL: no checkpoint hint"; exit 1; }
"$bin/npctl" replay --data-dir "$work/backup" >"$work/replay.out" 2>"$work/replay.err"
grep -q "matches the journal in every table" "$work/replay.out" \
  || { echo "FAIL: replay"; cat "$work/replay.out" "$work/replay.err"; exit 1; }
grep -q "^replay: 100% " "$work/replay.err" || { echo "FAIL: no progress lines"; exit 1; }
echo "ok: replay of the checkpoint matches its stored state"
"$bin/npctl" history $msisdn --at 3 --data-dir "$work/backup" >"$work/at.out" 2>/dev/null
grep -q "PENDING_DONOR" "$work/at.out" \
  || { echo "FAIL: history --at"; cat "$work/at.out"; exit 1; }
grep -q "serving carrier: cmcc" "$work/at.out" || { echo "FAIL: history --at"; exit 1; }
echo "ok: history --at shows the number before the port"

kill "$npd_pid"; wait "$npd_pid" 2>/dev/null || true
start_npd "$work/backup"
state=$("$bin/npctl" --as operator --json port get "$port" | json "['port']['state']")
expect "$state" PORT_STATE_COMPLETED "npd restored from the checkpoint serves the port"
"$bin/npctl" --as operator report --from "$from" --to "$to" --format json >"$work/restored.json"
expect "$(json "['report']['carriers']" <"$work/restored.json")" \
  "$(json "['report']['carriers']" <"$work/report.json")" "the restored npd reports the same figures"
echo "walkthrough passed"
