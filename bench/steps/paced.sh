# shellcheck shell=bash disable=SC2034,SC2154  # sourced by bench/run, which sets the globals
# step "paced": open loop at fractions of npd's maximum port throughput at concurrency 64 (from
# step npd of the same round), up to 256 calls outstanding. npbench measures each call's latency
# from its intended send time, so a stalled server shows up in the percentiles (no coordinated
# omission). One fresh store per rate. Fields added: fraction, max_throughput, target_rate.
step_paced() {
  local round=$1 max=$2 f rate dir
  if awk -v m="$max" 'BEGIN {exit !(m <= 0)}'; then
    skip paced "no port throughput at concurrency 64 in round $round"
    return 0
  fi
  for f in 0.25 0.5 0.75; do
    rate=$(awk -v m="$max" -v f="$f" 'BEGIN {printf "%d", m * f}')
    dir=$(fresh_dir npd-paced)
    start_npd "$dir"
    log "paced port rate=$rate (${f} x $max)"
    npbench_json $((SECS + 60)) --workload port --confirm --rate "$rate" --concurrency 256 \
      --server "$NPD_ADDR" --plan-dir "$REPO/data" --server-pid "$NPD_PID" --json --seconds "$SECS" |
      record_tool paced round="$round" fraction="$f" max_throughput="$max" target_rate="$rate"
    stop_pid "$NPD_PID"
    rm -rf "$dir"
  done
}
