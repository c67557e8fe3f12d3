#!/usr/bin/env bash
# Server reflection describes every service npd serves: `buf curl --list-methods` (which needs each
# service's descriptors) lists every rpc of every npd service and the health service, and a call made
# from reflection alone (no local .proto) works. buf comes from tools/ (scripts/lint-proto installs
# it; scripts/test runs that before the tests).
# Usage: reflection_test.sh BIN_DIR DATA_DIR BUF
set -euo pipefail
bin=$1
plan=$2
buf=$3
[ -x "$buf" ] || { echo "FAIL: $buf missing: run scripts/lint-proto (it installs buf) first"; exit 1; }
work=$(mktemp -d /tmp/npd-reflection-XXXXXX)
npd_pid=""
cleanup() {
  [ -n "$npd_pid" ] && kill -9 "$npd_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$bin/npd" --listen 127.0.0.1:0 --data-dir "$work/data" --set plan.dir="$plan" \
  --set server.port_file="$work/port" >"$work/npd.log" 2>&1 &
npd_pid=$!
for _ in $(seq 1 200); do
  [ -s "$work/port" ] && break
  sleep 0.05
done
[ -s "$work/port" ] || { echo "FAIL: npd did not start"; cat "$work/npd.log"; exit 1; }
address=$(cat "$work/port")

methods=$(timeout 30 "$buf" curl --protocol grpc --http2-prior-knowledge --list-methods "http://$address")
for m in \
  grpc.health.v1.Health/Check \
  npd.v1.PortingService/IssueAuthCode npd.v1.PortingService/SubmitPort \
  npd.v1.PortingService/AnswerPort npd.v1.PortingService/CancelPort \
  npd.v1.PortingService/ResendRouting npd.v1.PortingService/DisconnectNumber \
  npd.v1.PortingService/GetPort npd.v1.PortingService/ListPorts \
  npd.v1.NumberService/Lookup npd.v1.NumberService/BatchLookup \
  npd.v1.RoutingFeedService/Subscribe npd.v1.RoutingFeedService/Confirm \
  npd.v1.RoutingFeedService/ExportSnapshot \
  npd.v1.AuditService/CompareBlocks npd.v1.AuditService/DiffBlock \
  npd.v1.OperationsService/ListAttention npd.v1.OperationsService/CancelStalePort \
  npd.v1.HistoryService/GetHistory npd.v1.ReportService/GetReport npd.v1.AdminService/Checkpoint; do
  grep -qx "$m" <<<"$methods" || { echo "FAIL: reflection does not list $m"; echo "$methods"; exit 1; }
done

answer=$(timeout 30 "$buf" curl --protocol grpc --http2-prior-knowledge -H 'x-npd-caller: ctcc' \
  -d '{"msisdn":"13800138000"}' "http://$address/npd.v1.NumberService/Lookup")
grep -q '"rangeHolder": "cmcc"' <<<"$answer" || { echo "FAIL: Lookup through reflection: $answer"; exit 1; }
echo "reflection: $(wc -l <<<"$methods") methods listed and described"
