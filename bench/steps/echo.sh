# shellcheck shell=bash disable=SC2034,SC2154  # sourced by bench/run, which sets the globals
# step "echo": the ceiling. npd-echo (bare callback-API gRPC server, no work) driven by npbench
# closed loop at each concurrency. One line per point: npbench's JSON + step, round.
step_echo() {
  local round=$1 c
  start_echo
  for c in $CONCURRENCIES; do
    log "echo c=$c"
    npbench_json $((SECS + 60)) --workload echo --server "$ECHO_ADDR" --server-pid "$ECHO_PID" \
      --json --seconds "$SECS" --concurrency "$c" |
      record_tool echo round="$round"
  done
  stop_pid "$ECHO_PID"
}
