# shellcheck shell=bash disable=SC2034,SC2154  # sourced by bench/run, which sets the globals
# step "cutover_batch": N ports approved ahead of one cutover instant, then the time from that
# instant until all three carriers confirmed every routing change.
# Needs npbench's workload cutover-batch (skipped, recorded as such, until npbench has it).
# The instant: the first whole minute at least LEAD seconds away (Asia/Shanghai), given to npd as
# a 30-minute daily window; npbench sets the N ports up before it and reports, as one JSON object:
#   ports, setup_s, cutover_at (RFC 3339), all_confirmed_s, completed_ports, codes,
#   cutover_during_setup (true: LEAD was too short and the figure is not valid).
# Fields added here: ports_requested, lead_s, window, planned_cutover_at.
step_cutover() {
  if ! "$BIN/npbench" --help 2>&1 | grep -q cutover-batch; then
    skip cutover_batch "npbench has no cutover-batch workload yet"
    return 0
  fi
  local lead=60 ports=100000 window planned dir
  if [ "$QUICK" = 1 ]; then lead=20 ports=2000; fi
  read -r window planned < <(python3 "$BENCH/lib/cutover_window.py" "$lead")
  dir=$(fresh_dir npd-cutover)
  if ! start_npd "$dir" --cutover-mode window --set "porting.cutover_window=$window"; then
    record cutover_batch error="npd did not start with window $window (logs/npd.log)"
    stop_pid "$NPD_PID" KILL
    rm -rf "$dir"
    return 0
  fi
  log "cutover-batch: $ports ports, cutover at $planned (window $window)"
  npbench_json $((lead + 60 + 1800)) --workload cutover-batch --ports "$ports" --concurrency 64 \
    --json --server "$NPD_ADDR" --plan-dir "$REPO/data" --server-pid "$NPD_PID" |
    record_tool cutover_batch ports_requested="$ports" lead_s="$lead" window="$window" \
      planned_cutover_at="$planned"
  stop_pid "$NPD_PID"
  rm -rf "$dir"
}
