#!/usr/bin/env bash
# The full benchmark set at the sizes of the goals in docs/benchmarks.md. Each scenario gets a
# fresh server (build/parley on an ephemeral port, SQLite in a temp dir) so that RSS figures
# start from an empty server; the history room is seeded once and kept in $HISTORY_DIR.
# Usage: bench/run-all.sh [BUILD_DIR] [OUT_DIR]
# Env: DURATION (s per run, default 10), DURABILITY (normal|full, default normal),
#      SCENARIOS (default "fanout rooms idle history connect publish"; also conversation, roomlist,
#      search with SEARCH_SENDS msg/s of rooms traffic beside it, default 1000), RAMP=1 to ramp fanout
#      and rooms (RAMP_DURATION s per step, default 5), HISTORY_DIR (default /tmp/parley-bench-history), BENCH_ARGS (extra flags).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
[[ "$build" = /* ]] || build="$root/$build"
out="${2:-$root/bench-results/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
duration="${DURATION:-10}"
durability="${DURABILITY:-normal}"
scenarios="${SCENARIOS:-fanout rooms idle history connect publish}"
history_dir="${HISTORY_DIR:-/tmp/parley-bench-history}"
key="bench-$RANDOM$RANDOM"
# shellcheck source-path=SCRIPTDIR source=lib/server.sh
# shellcheck source=bench/lib/server.sh
source "$root/bench/lib/server.sh"
server_pid=""
# shellcheck disable=SC2317  # run by the trap too
stop_server() {
  [[ -n "$server_pid" ]] && stop_process "$server_pid"
  server_pid=""
}
trap stop_server EXIT

# start_server DATA_DIR: sets $server_pid and $port.
start_server() {
  parley_server_start "$build/parley" "$1" "$key" --durability "$durability"
  server_pid=$parley_server_pid
  parley_server_wait "$server_pid" "$1" || exit 1
  port=$parley_server_port
}

run() {
  local name="$1"
  shift
  echo "### $name: parley-bench $*" | tee -a "$out/summary.txt"
  # shellcheck disable=SC2086  # BENCH_ARGS is a list of flags
  timeout 900 "$build/parley-bench" "$@" --url "http://127.0.0.1:$port" --server-pid "$server_pid" \
    --api-key "$key" ${BENCH_ARGS:-} >"$out/$name.txt" 2>"$out/$name.err" || true
  { grep -v '^{' "$out/$name.txt" || true; } | tee -a "$out/summary.txt"
  { grep '^{' "$out/$name.txt" || true; } | tail -1 >>"$out/results.jsonl"
}

traffic=(--duration "$duration")
[[ "${RAMP:-0}" == 1 ]] && traffic=(--ramp --duration "${RAMP_DURATION:-5}")
for s in $scenarios; do
  tmp="$(mktemp -d)"
  case "$s" in
    fanout) start_server "$tmp"; run fanout fanout "${traffic[@]}" ;;
    rooms) start_server "$tmp"; run rooms rooms "${traffic[@]}" ;;
    conversation) start_server "$tmp"; run conversation conversation "${traffic[@]}" ;;
    roomlist) start_server "$tmp"; run roomlist roomlist --duration "$duration" ;;
    idle) start_server "$tmp"; run idle idle --duration "$duration" ;;
    history) start_server "$history_dir"; run history history --duration "$duration" ;;
    search)
      # On the history room, with rooms traffic in the background (SEARCH_SENDS msg/s, 0: none).
      start_server "$history_dir"
      background=""
      if [[ "${SEARCH_SENDS:-1000}" != 0 ]]; then
        timeout 900 "$build/parley-bench" rooms --rate "${SEARCH_SENDS:-1000}" \
          --duration "$((duration + 10))" --url "http://127.0.0.1:$port" --api-key "$key" \
          >"$out/search-background.txt" 2>&1 &
        background=$!
      fi
      run search search --duration "$duration"
      [[ -n "$background" ]] && { wait "$background" || true; }
      ;;
    connect) start_server "$tmp"; run connect connect --duration "$duration" ;;
    publish) start_server "$tmp"; run publish publish --duration "$duration" ;;
    *) echo "unknown scenario $s" >&2 ;;
  esac
  stop_server
  rm -rf "$tmp"
done
echo "results in $out"
