# shellcheck shell=bash disable=SC2034,SC2154  # sourced by bench/run, which sets the globals
# step "restart": npd's restart after a crash, with many numbers and live ports on disk.
# Needs build/bin/npd-bench-seed and npbench's --ports / --count / --msisdn-first / --msisdn-count
# (skipped, recorded as such, until they exist).
#   1. npd-bench-seed --data-dir D --numbers M --json writes M ported numbers (first_msisdn + i)
#      straight into a fresh store; its JSON (numbers, first_msisdn, seconds) is recorded as
#      "restart_seed"; then `ldb compact` of the numbers column family ("restart_compact"), as a
#      store that has lived with them would be.
#   2. npd on D; npbench --workload port --ports P runs P lifecycles (3 calls each: code, submit,
#      approve); each approved port waits for its next-hour cutover, i.e. stays live. Recorded as
#      "restart_live_ports" (npbench's JSON + live_ports). --seconds only bounds it.
#   3. SIGKILL, then for block_cache_mb 64 and 256: exec npd, time until the port file appears
#      (serving_s) and until one lookup succeeds (first_lookup_s, npbench's start-up included),
#      VmRSS right after and after a uniform lookup load over the seeded numbers, data dir size;
#      one "restart" line per cache size, the load's npbench JSON under "load". SIGKILL again.
step_restart() {
  [ -x "$BIN/npd-bench-seed" ] || { skip restart "no $BIN/npd-bench-seed yet"; return 0; }
  local help flag
  help=$("$BIN/npbench" --help 2>&1 || true)
  for flag in --ports --count --msisdn-first --msisdn-count; do
    grep -q -- "$flag" <<<"$help" || { skip restart "npbench has no $flag yet"; return 0; }
  done
  local numbers=10000000 ports=100000 load_s=10 dir cache t0 t_serving t_lookup rss0 rss1 load ok
  local seed first
  if [ "$QUICK" = 1 ]; then numbers=200000 ports=700 load_s=3; fi
  dir=$(fresh_dir npd-restart)
  log "restart: seeding $numbers numbers"
  if ! seed=$(timeout --kill-after=10 3600 "$BIN/npd-bench-seed" --data-dir "$dir" \
    --numbers "$numbers" --json 2>>"$RESULTS/logs/npd-bench-seed.log"); then
    printf '%s\n' "$seed" | record_tool restart_seed numbers_requested="$numbers" \
      error="npd-bench-seed failed (logs/npd-bench-seed.log)"
    rm -rf "$dir"
    return 0
  fi
  printf '%s\n' "$seed" | record_tool restart_seed numbers_requested="$numbers"
  # A store that has lived with these numbers has long compacted them; freshly seeded, they sit in
  # level 0 and the first minutes after a start would measure RocksDB's catch-up compaction.
  local t_compact
  t_compact=$(date +%s.%N)
  if ldb --db="$dir/db" --column_family=numbers compact >>"$RESULTS/logs/ldb.log" 2>&1; then
    record restart_compact seconds="$(python3 -c "import time; print(round(time.time() - $t_compact, 3))")"
  else
    record restart_compact error="ldb compact failed (logs/ldb.log)"
  fi
  first=$(printf '%s\n' "$seed" | python3 -c \
    'import json,sys; print(next((json.loads(l).get("first_msisdn", 13700000000) for l in sys.stdin if l.startswith("{")), 13700000000))')
  if ! start_npd "$dir"; then
    record restart error="npd did not start on the seeded store (logs/npd.log)"
    stop_pid "$NPD_PID" KILL
    rm -rf "$dir"
    return 0
  fi
  log "restart: $ports port lifecycles for live ports"
  npbench_json 3700 --workload port --ports "$ports" --seconds 3600 --concurrency 64 --json \
    --server "$NPD_ADDR" --plan-dir "$REPO/data" --server-pid "$NPD_PID" |
    record_tool restart_live_ports live_ports="$ports"
  stop_pid "$NPD_PID" KILL
  for cache in 64 256; do
    t0=$(date +%s.%N)
    exec_npd "$dir" --set "storage.block_cache_mb=$cache"
    if ! wait_port_file "$NPD_PORT_FILE" "$NPD_PID" 600; then
      record restart block_cache_mb="$cache" error="npd did not serve within 600 s"
      stop_pid "$NPD_PID" KILL
      continue
    fi
    t_serving=$(date +%s.%N)
    NPD_ADDR=$(cat "$NPD_PORT_FILE")
    ok=true
    until "$BIN/npbench" --workload lookup --count 1 --concurrency 1 --json --server "$NPD_ADDR" \
      --plan-dir "$REPO/data" 2>>"$RESULTS/logs/npbench.log" | grep -Eq '"codes":"OK=[0-9]+"'; do
      awk -v t0="$t0" -v now="$(date +%s.%N)" 'BEGIN {exit !(now - t0 > 600)}' && { ok=false; break; }
      sleep 0.01
    done
    t_lookup=$(date +%s.%N)
    rss0=$(awk '/^VmRSS/ {print $2}' "/proc/$NPD_PID/status" 2>/dev/null || echo -1)
    log "restart: cache ${cache} MB served after $(awk -v a="$t0" -v b="$t_serving" 'BEGIN {printf "%.2f", b - a}') s; lookup load ${load_s} s"
    load=$(npbench_json $((load_s + 60)) --workload lookup --msisdn-first "$first" \
      --msisdn-count "$numbers" --seconds "$load_s" --concurrency 64 --json --server "$NPD_ADDR" \
      --plan-dir "$REPO/data" --server-pid "$NPD_PID" | grep '^{' | tail -1 || true)
    rss1=$(awk '/^VmRSS/ {print $2}' "/proc/$NPD_PID/status" 2>/dev/null || echo -1)
    record restart block_cache_mb="$cache" numbers="$numbers" live_ports="$ports" \
      serving_s="$(awk -v a="$t0" -v b="$t_serving" 'BEGIN {printf "%.3f", b - a}')" \
      first_lookup_s="$(awk -v a="$t0" -v b="$t_lookup" 'BEGIN {printf "%.3f", b - a}')" \
      first_lookup_ok:="$ok" \
      rss_kb_after_restart="$rss0" rss_kb_after_load="$rss1" load_s="$load_s" \
      data_dir_bytes="$(du -sb "$dir" | cut -f1)" load:="${load:-null}"
    stop_pid "$NPD_PID" KILL
  done
  rm -rf "$dir"
}
