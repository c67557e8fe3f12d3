# shellcheck shell=bash disable=SC2034,SC2154  # sourced by bench/run, which sets the globals
# step "db_bench": the storage anchor. RocksDB's own db_bench (Debian rocksdb-tools, the same
# RocksDB release npd links) doing synced random fills (--sync=1, WAL on) of 16-byte keys and
# 200-byte values with C writer threads for SECS seconds, on a fresh DB per point on the same disk
# as npd's stores. One op = one synced Put (npd's transition is one synced WriteBatch of several).
step_dbbench() {
  local round=$1 c dir num=1000000
  [ "$QUICK" = 1 ] && num=100000
  for c in $CONCURRENCIES; do
    dir=$(fresh_dir dbbench)
    log "db_bench fillrandom sync c=$c"
    timeout --kill-after=10 $((SECS + 120)) db_bench --benchmarks=fillrandom --sync=1 \
      --disable_wal=0 --threads="$c" --duration="$SECS" --num="$num" --key_size=16 \
      --value_size=200 --histogram=1 --compression_type=none --db="$dir" \
      2>>"$RESULTS/logs/db_bench.log" | tee -a "$RESULTS/logs/db_bench.log" |
      python3 "$BENCH/lib/parse_dbbench.py" |
      record_tool db_bench round="$round" concurrency="$c" value_size=200 key_size=16 sync=1 ||
      log "db_bench c=$c failed (recorded)"
    rm -rf "$dir"
  done
}
