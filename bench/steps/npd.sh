# shellcheck shell=bash disable=SC2034,SC2154  # sourced by bench/run, which sets the globals
# step "npd_lookup" and "npd_port": npd on its embedded RocksDB, durable (sync WAL, group commit),
# driven closed loop at each concurrency.
#   npd_lookup  variant "uniform" and "hot0.9" (90% of calls to 1% of the numbers); one fresh store
#               per variant (the lookups read the number plan; the store holds no ported numbers).
#   npd_port    every call one durable transition of a port lifecycle (code, submit, approve) on a
#               distinct number, npbench confirming the feed as every carrier; a fresh store per
#               point, so no run sees another's numbers. npd runs in its default cutover mode.
# Sets PORT_MAX_64 to the port OK throughput at concurrency 64 (input of step "paced").
step_npd() {
  local round=$1 c variant hot dir
  for variant in uniform hot0.9; do
    hot=0
    [ "$variant" = hot0.9 ] && hot=0.9
    dir=$(fresh_dir "npd-lookup-$variant")
    start_npd "$dir"
    for c in $CONCURRENCIES; do
      log "npd lookup $variant c=$c"
      npbench_json $((SECS + 60)) --workload lookup --hot "$hot" --server "$NPD_ADDR" \
        --plan-dir "$REPO/data" --server-pid "$NPD_PID" --json --seconds "$SECS" --concurrency "$c" |
        record_tool npd_lookup round="$round" variant="$variant"
    done
    stop_pid "$NPD_PID"
    rm -rf "$dir"
  done
  PORT_MAX_64=0
  for c in $CONCURRENCIES; do
    dir=$(fresh_dir npd-port)
    start_npd "$dir"
    log "npd port c=$c"
    local out
    out=$(npbench_json $((SECS + 60)) --workload port --confirm --server "$NPD_ADDR" \
      --plan-dir "$REPO/data" --server-pid "$NPD_PID" --json --seconds "$SECS" --concurrency "$c")
    printf '%s\n' "$out" | record_tool npd_port round="$round" cutover_mode=next_hour
    if [ "$c" = 64 ]; then
      PORT_MAX_64=$(printf '%s\n' "$out" | python3 "$BENCH/lib/ok_throughput.py")
    fi
    stop_pid "$NPD_PID"
    rm -rf "$dir"
  done
}
