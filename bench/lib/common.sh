# shellcheck shell=bash disable=SC2034,SC2154  # sourced by bench/run, which sets the globals
# bench/lib/common.sh: helpers shared by bench/run and bench/steps/*.sh. Sourced, never executed.
#
# Contract: the sourcing script sets
#   REPO     repository root          BENCH    $REPO/bench
#   BIN      directory of npd, npd-echo, npbench (build/bin)
#   RESULTS  the run's results dir: results.jsonl and logs/ live there
#   SCRATCH  a private directory on the machine's disk for every store (npd, db_bench, PostgreSQL);
#            bench/run removes it at exit
#   QUICK    1 for --quick, else 0     SECS  seconds per measured point
# and calls `trap cleanup EXIT` so every process started here is stopped, whatever happens.

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# record STEP key=value... key:=json...   appends one JSON line to results.jsonl.
record() { python3 "$BENCH/lib/emit.py" "$@" >>"$RESULTS/results.jsonl"; }
# record_tool STEP fields... < output     merges the tool's last JSON line into the record.
record_tool() { python3 "$BENCH/lib/emit.py" --merge "$@" >>"$RESULTS/results.jsonl"; }
# skip STEP REASON                         the step could not run: one line saying why.
skip() {
  local step=$1
  shift
  log "skip $step: $*"
  record "$step" skipped="$*"
}

# Every process the bench starts, so cleanup can stop exactly those (never by name).
STARTED_PIDS=()
track() { STARTED_PIDS+=("$1"); }
untrack() {
  local p keep=()
  for p in "${STARTED_PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  STARTED_PIDS=("${keep[@]}")
}

# stop_pid PID [SIGNAL]: signals the process (TERM by default), waits up to 20 s, then KILLs it.
stop_pid() {
  local pid=$1 sig=${2:-TERM} i
  kill -0 "$pid" 2>/dev/null || return 0
  # A job killed by a signal makes bash print "Killed" with its command line: disown it first
  # (bash still reaps it; the loop below sees it gone).
  [ "$sig" = TERM ] || disown "$pid" 2>/dev/null || true
  kill -s "$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < 200; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -s KILL "$pid" 2>/dev/null || true
  { wait "$pid"; } 2>/dev/null || true
  untrack "$pid"
}

# wait_port_file FILE PID [TIMEOUT_S]: waits until FILE holds host:port (the server is serving).
# Fails when the process exits first or the timeout passes.
wait_port_file() {
  local file=$1 pid=$2 timeout=${3:-60} deadline
  deadline=$(($(date +%s) + timeout))
  while :; do
    if [ -s "$file" ] && grep -Eq '^[0-9.]+:[0-9]+$' "$file"; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { log "pid $pid exited before serving"; return 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { log "no port file $file after ${timeout}s"; return 1; }
    sleep 0.01
  done
}

# bench_pki: the development PKI every server and npbench use (scripts/dev-pki, made once under
# SCRATCH). npd serves only mutual TLS, and the echo ceiling serves it too, so that the ratio
# compares like with like. Exports NPD_TLS_DIR (npbench and npctl read it).
bench_pki() {
  if [ -z "${NPD_TLS_DIR:-}" ] || [ ! -s "$NPD_TLS_DIR/ca.pem" ]; then
    "$REPO/scripts/dev-pki" "$SCRATCH/pki" >/dev/null
    export NPD_TLS_DIR=$SCRATCH/pki
  fi
}

# start_echo: starts npd-echo (mutual TLS) on a free port. Sets ECHO_PID, ECHO_ADDR.
start_echo() {
  local pf=$SCRATCH/echo.port
  rm -f "$pf"
  bench_pki
  "$BIN/npd-echo" --listen 127.0.0.1:0 --port-file "$pf" --tls-dir "$NPD_TLS_DIR" \
    2>>"$RESULTS/logs/npd-echo.log" &
  ECHO_PID=$!
  track "$ECHO_PID"
  wait_port_file "$pf" "$ECHO_PID" 30
  ECHO_ADDR=$(cat "$pf")
}

# exec_npd DATA_DIR [npd args...]: starts npd on a free port over DATA_DIR (created if missing),
# with the repository's number plan and log level warn, over mutual TLS (bench_pki), and returns
# at once. The per-principal limits are lifted: npbench plays each carrier at rates far beyond
# them (every call is still admitted through them). Sets NPD_PID and NPD_PORT_FILE (removed first:
# it appears when npd serves).
NPD_STARTS=0
exec_npd() {
  local dir=$1
  shift
  NPD_STARTS=$((NPD_STARTS + 1))
  NPD_PORT_FILE=$SCRATCH/npd.port
  rm -f "$NPD_PORT_FILE"
  mkdir -p -m 700 "$dir"
  bench_pki
  "$BIN/npd" --listen 127.0.0.1:0 --data-dir "$dir" --set "plan.dir=$REPO/data" \
    --set "server.port_file=$NPD_PORT_FILE" --set log.level=warn \
    --set "server.tls_cert=$NPD_TLS_DIR/server.pem" --set "server.tls_key=$NPD_TLS_DIR/server.key" \
    --set "server.tls_client_ca=$NPD_TLS_DIR/ca.pem" --set "security.payee_key_file=$NPD_TLS_DIR/payee.key" --set limits.requests_per_second=1e9 \
    --set limits.burst=1e9 --set limits.max_in_flight=1000000 "$@" \
    >>"$RESULTS/logs/npd.log" 2>&1 &
  NPD_PID=$!
  track "$NPD_PID"
}
# start_npd DATA_DIR [npd args...]: exec_npd, then waits until npd serves. Sets NPD_ADDR too.
# Returns 1 when npd does not serve within 120 s (under set -e that ends the run, with cleanup).
start_npd() {
  exec_npd "$@"
  wait_port_file "$NPD_PORT_FILE" "$NPD_PID" 120 || return 1
  NPD_ADDR=$(cat "$NPD_PORT_FILE")
}

# npbench_json TIMEOUT_S ARGS...: runs npbench (bounded by timeout) and prints its stdout; its
# stderr goes to logs/npbench.log. Never fails: a failed run shows up as an "error" in the record.
npbench_json() {
  local t=$1
  shift
  timeout --signal=INT --kill-after=10 "$t" "$BIN/npbench" "$@" 2>>"$RESULTS/logs/npbench.log" || true
}

# fresh_dir NAME: prints a new empty directory under SCRATCH.
fresh_dir() {
  local d=$SCRATCH/$1
  rm -rf "$d"
  mkdir -p -m 700 "$d"
  printf '%s\n' "$d"
}

# median_of NUMBERS...: the median (for picking the paced rates from repeated rounds).
median_of() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR==0) print 0; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
