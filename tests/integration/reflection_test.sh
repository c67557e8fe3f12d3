#!/usr/bin/env bash
# Server reflection describes every service npd serves: `buf curl --list-methods` (which needs each
# service's descriptors) lists every rpc of every npd service and the health service, and a call made
# from reflection alone (no local .proto) works, all over mutual TLS with scripts/dev-pki's
# certificates; without a client certificate the call is refused. buf comes from tools/ (scripts/lint-proto installs
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

pki="$work/pki"
"$(dirname "$0")/../../scripts/dev-pki" "$pki" >/dev/null
"$bin/npd" --listen 127.0.0.1:0 --data-dir "$work/data" --set plan.dir="$plan" \
  --set server.port_file="$work/port" --set server.tls_cert="$pki/server.pem" \
  --set server.tls_key="$pki/server.key" --set server.tls_client_ca="$pki/ca.pem" --set security.payee_key_file="$pki/payee.key" \
  >"$work/npd.log" 2>&1 &
npd_pid=$!
for _ in $(seq 1 200); do
  [ -s "$work/port" ] && break
  sleep 0.05
done
[ -s "$work/port" ] || { echo "FAIL: npd did not start"; cat "$work/npd.log"; exit 1; }
address=$(cat "$work/port")

tls=(--protocol grpc --cacert "$pki/ca.pem" --cert "$pki/ctcc.pem" --key "$pki/ctcc.key")
methods=$(timeout 30 "$buf" curl "${tls[@]}" --list-methods "https://$address")
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

answer=$(timeout 30 "$buf" curl "${tls[@]}" -d '{"msisdn":"13800138000"}' \
  "https://$address/npd.v1.NumberService/Lookup")
grep -q '"rangeHolder": "cmcc"' <<<"$answer" || { echo "FAIL: Lookup through reflection: $answer"; exit 1; }
# A header does not make anyone a carrier: without a client certificate the call is refused.
if refused=$(timeout 30 "$buf" curl --protocol grpc --cacert "$pki/ca.pem" \
    -H 'x-npd-caller: spiffe://npd/carrier/ctcc' -d '{"msisdn":"13800138000"}' \
    "https://$address/npd.v1.NumberService/Lookup" 2>&1); then
  echo "FAIL: a call without a client certificate was answered: $refused"; exit 1
fi
grep -qi unauthenticated <<<"$refused" || { echo "FAIL: expected unauthenticated: $refused"; exit 1; }
echo "reflection: $(wc -l <<<"$methods") methods listed and described"
