# shellcheck shell=bash disable=SC2034,SC2154  # sourced by bench/run, which sets the globals
# step "pgbench": the anchor a carrier would build instead of npd. A PostgreSQL 15 cluster made
# for the run under SCRATCH (initdb as user postgres; unix socket in its own directory, no TCP;
# fsync=on, synchronous_commit=on), schema and preload from bench/pgbench/schema.sql, then
# bench/pgbench/transition.sql (one transition per transaction) at each client count.
# pg_setup / pg_teardown bracket the rounds; cleanup calls pg_teardown on any exit.
PG_BIN=/usr/lib/postgresql/15/bin
PG_DIR=""
PG_PORT=""
PG_NUMBERS=0

pg_setup() {
  PG_NUMBERS=1000000
  [ "$QUICK" = 1 ] && PG_NUMBERS=10000
  PG_DIR=$SCRATCH/pg
  mkdir -p "$PG_DIR"
  chown postgres: "$PG_DIR"
  chmod 700 "$PG_DIR"
  chmod 711 "$SCRATCH" # postgres must traverse SCRATCH to reach its own directory
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  log "PostgreSQL: initdb in $PG_DIR (port $PG_PORT, unix socket only)"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust \
    --no-locale -E UTF8 >>"$RESULTS/logs/postgres.log" 2>&1
  cat >>"$PG_DIR/data/postgresql.conf" <<CONF
# bench/steps/pgbench.sh
listen_addresses = ''
unix_socket_directories = '$PG_DIR'
port = $PG_PORT
fsync = on
synchronous_commit = on
full_page_writes = on
shared_buffers = 256MB
max_connections = 100
max_wal_size = 4GB
checkpoint_timeout = 30min
# Vacuum and checkpoint run at the end of each pgbench step instead (step_pgbench), so PostgreSQL's
# background writes never overlap another step's fsyncs.
autovacuum = off
CONF
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    start >>"$RESULTS/logs/postgres.log" 2>&1
  log "PostgreSQL: schema and $PG_NUMBERS numbers"
  psql -q -X -v ON_ERROR_STOP=1 -v numbers="$PG_NUMBERS" -h "$PG_DIR" -p "$PG_PORT" -U postgres \
    -d postgres -f "$BENCH/pgbench/schema.sql" >>"$RESULTS/logs/postgres.log" 2>&1
}

pg_teardown() {
  [ -n "$PG_DIR" ] && [ -d "$PG_DIR/data" ] || return 0
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop \
    >>"$RESULTS/logs/postgres.log" 2>&1 || true
  cat "$PG_DIR/server.log" >>"$RESULTS/logs/postgres.log" 2>/dev/null || true
  rm -rf "$PG_DIR"
  PG_DIR=""
}

step_pgbench() {
  local round=$1 c j nproc_ logdir
  nproc_=$(nproc)
  for c in $CONCURRENCIES; do
    j=$((c < nproc_ ? c : nproc_))
    logdir=$(fresh_dir pgbench-log)
    log "pgbench transition c=$c j=$j"
    timeout --kill-after=10 $((SECS + 120)) pgbench -n -M prepared -c "$c" -j "$j" -T "$SECS" \
      -D numbers="$PG_NUMBERS" -f "$BENCH/pgbench/transition.sql" --log \
      --log-prefix="$logdir/tx" -h "$PG_DIR" -p "$PG_PORT" -U postgres postgres \
      2>>"$RESULTS/logs/pgbench.log" | tee -a "$RESULTS/logs/pgbench.log" |
      python3 "$BENCH/lib/parse_pgbench.py" "$logdir/tx.*" |
      record_tool pgbench round="$round" concurrency="$c" threads="$j" numbers="$PG_NUMBERS" ||
      log "pgbench c=$c failed (recorded)"
    rm -rf "$logdir"
  done
  # Leave PostgreSQL quiescent for the next steps: what autovacuum and the checkpointer would do
  # later, done now and waited for.
  psql -q -X -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres -c 'VACUUM ANALYZE' \
    -c 'CHECKPOINT' >>"$RESULTS/logs/postgres.log" 2>&1 || log "pgbench: vacuum/checkpoint failed"
}
