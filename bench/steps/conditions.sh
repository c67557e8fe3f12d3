# shellcheck shell=bash disable=SC2034,SC2154  # sourced by bench/run, which sets the globals
# step "conditions": the machine, versions and settings of the run, one line, first in results.jsonl.
# step "end": total duration and load average at the end (a busy machine shows here).
pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "not installed"; }

step_conditions() {
  local build_type
  build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null || true)
  # An empty cache entry means CMakeLists.txt's own default.
  if [ -z "$build_type" ] && [ -f "$BUILD_DIR/CMakeCache.txt" ]; then
    build_type="RelWithDebInfo (CMakeLists.txt default)"
  fi
  record conditions \
    mode="$([ "$QUICK" = 1 ] && echo quick || echo full)" run_id="$RUN_ID" \
    date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    git_commit="$(git -C "$REPO" rev-parse HEAD 2>/dev/null || echo unknown)" \
    git_branch="$(git -C "$REPO" rev-parse --abbrev-ref HEAD 2>/dev/null || echo unknown)" \
    git_dirty_files="$(git -C "$REPO" status --porcelain 2>/dev/null | wc -l)" \
    build_type="${build_type:-unknown}" build_dir="$BUILD_DIR" \
    compiler="$(c++ --version 2>/dev/null | head -1 || echo unknown)" \
    nproc="$(nproc)" \
    cpu_model="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)" \
    mem_total_kb="$(awk '/^MemTotal/ {print $2}' /proc/meminfo)" \
    kernel="$(uname -r)" debian_version="$(cat /etc/debian_version 2>/dev/null || echo unknown)" \
    scratch_dir="$SCRATCH" scratch_fs="$(df --output=fstype "$SCRATCH" | tail -1 | tr -d ' ')" \
    scratch_device="$(df --output=source "$SCRATCH" | tail -1 | tr -d ' ')" \
    loadavg_start="$(cut -d' ' -f1-3 /proc/loadavg)" \
    grpc="$(pkg_version libgrpc++1.51)" rocksdb="$(pkg_version librocksdb7.8)" \
    rocksdb_tools="$(pkg_version rocksdb-tools)" postgresql="$(pkg_version postgresql-15)" \
    gnuplot="$(pkg_version gnuplot-nox)" \
    seconds_per_point="$SECS" rounds="$ROUNDS" concurrencies="$CONCURRENCIES"
}

step_end() {
  record end total_s="$(($(date +%s) - START_S))" loadavg_end="$(cut -d' ' -f1-3 /proc/loadavg)" \
    npd_starts="$NPD_STARTS"
}
