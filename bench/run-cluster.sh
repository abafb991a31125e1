#!/usr/bin/env bash
# The cluster benchmark: starts a throwaway PostgreSQL and redis-server and INSTANCES parley
# instances on them (127.0.0.1, ephemeral ports, one temp dir), runs `parley-bench cluster`
# against all instances with all their pids, prints the result and stops everything on exit.
# Usage: bench/run-cluster.sh [BUILD_DIR] [OUT_DIR]
# Env: INSTANCES (default 2), DURATION (s, default 10), RAMP=1 (ramp instead of a fixed rate;
#      RAMP_DURATION s per step, default 5), SMOKE=1 (`cluster --smoke`: a few seconds, tiny),
#      THREADS (network threads per instance, default: parley's, one per core),
#      DURABILITY (normal: PostgreSQL synchronous_commit=off, as run-all.sh's SQLite `normal`
#      survives a parley crash but not a power loss; full: PostgreSQL's defaults),
#      BENCH_ARGS (extra parley-bench flags), TIMEOUT (s for the bench, default 900),
#      SCENARIO (default cluster; fanout or rooms run over the instances with an even spread),
#      PG_BINDIR or PARLEY_PG_BINDIR (default /usr/lib/postgresql/15/bin), REDIS_SERVER.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
[[ "$build" = /* ]] || build="$root/$build"
out="${2:-$root/bench-results/cluster-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
instances="${INSTANCES:-2}"
durability="${DURABILITY:-normal}"
pg_bin="${PG_BINDIR:-${PARLEY_PG_BINDIR:-/usr/lib/postgresql/15/bin}}"
redis_server="${REDIS_SERVER:-$(command -v redis-server || echo /usr/bin/redis-server)}"
for bin in "$build/parley" "$build/parley-bench" "$pg_bin/initdb" "$pg_bin/pg_ctl" \
  "$pg_bin/createdb" "$redis_server"; do
  [[ -x "$bin" ]] || { echo "run-cluster.sh: $bin not found" >&2; exit 2; }
done

# shellcheck source-path=SCRIPTDIR source=lib/server.sh
# shellcheck source=bench/lib/server.sh
source "$root/bench/lib/server.sh"
work="$(mktemp -d /tmp/parley-cluster-bench.XXXXXX)"
chmod 755 "$work"  # PostgreSQL's user must reach its directory inside
instance_pids=()
redis_pid=""
pg_started=0

# PostgreSQL refuses to run as root: then it runs as `postgres` (or `nobody`), owning its dir.
mkdir -p "$work/pg"
as_pg=()
if [[ $(id -u) == 0 ]]; then
  pg_user=postgres
  id "$pg_user" >/dev/null 2>&1 || pg_user=nobody
  chown "$pg_user:$(id -g "$pg_user")" "$work/pg"
  as_pg=(setpriv --reuid="$pg_user" --regid="$(id -g "$pg_user")" --clear-groups)
fi

# shellcheck disable=SC2317  # run by the trap
cleanup() {
  for pid in "${instance_pids[@]}"; do stop_process "$pid"; done
  [[ -n "$redis_pid" ]] && stop_process "$redis_pid"
  if [[ $pg_started == 1 ]]; then
    timeout 60 "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg/data" -m fast -w stop >/dev/null 2>&1 ||
      true
  fi
  # The logs outlive the temp dir, beside the results.
  mkdir -p "$out/logs"
  for log in "$work"/instance*/server.log "$work/redis/redis.log" "$work/pg/postgres.log"; do
    [[ -f "$log" ]] && cp "$log" "$out/logs/$(basename "$(dirname "$log")").log"
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# cpu_s PID: CPU seconds of PID and its direct children (PostgreSQL's backends).
cpu_s() {
  local ticks
  ticks=$(cat /proc/[0-9]*/stat 2>/dev/null | awk -v r="$1" \
    '{ pid = $1; sub(/^[^)]*\) /, ""); if (pid == r || $2 == r) t += $12 + $13 } END { print t + 0 }')
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}

echo "run-cluster.sh: PostgreSQL, Redis and $instances instance(s) in $work"
"${as_pg[@]}" "$pg_bin/initdb" -D "$work/pg/data" -U parley --auth=trust -E UTF8 --locale=C \
  --no-sync >"$work/pg/initdb.log" 2>&1 || { cat "$work/pg/initdb.log" >&2; exit 1; }
pg_sync=""
[[ "$durability" == normal ]] && pg_sync="-c synchronous_commit=off"
for _ in 1 2 3 4 5; do  # a free port can be taken before PostgreSQL binds it
  pg_port="$(free_port)"
  if "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/postgres.log" -w -t 60 \
    -o "-k $work/pg -c listen_addresses=127.0.0.1 -p $pg_port -c max_connections=200 $pg_sync" \
    start >/dev/null; then
    pg_started=1
    break
  fi
done
[[ $pg_started == 1 ]] || { tail -20 "$work/pg/postgres.log" >&2; exit 1; }
pg_pid="$(head -1 "$work/pg/data/postmaster.pid")"
PGHOST=127.0.0.1 PGPORT="$pg_port" PGUSER=parley timeout 30 "$pg_bin/createdb" parley_bench
database="postgres://parley@127.0.0.1:$pg_port/parley_bench"

mkdir -p "$work/redis"
for _ in 1 2 3 4 5; do
  redis_port="$(free_port)"
  "$redis_server" --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$work/redis" >"$work/redis/redis.log" 2>&1 </dev/null &
  redis_pid=$!
  for _ in $(seq 50); do
    kill -0 "$redis_pid" 2>/dev/null || break
    (exec 3<>"/dev/tcp/127.0.0.1/$redis_port") 2>/dev/null && break 2
    sleep 0.1
  done
  stop_process "$redis_pid"
done
kill -0 "$redis_pid" 2>/dev/null || { tail -20 "$work/redis/redis.log" >&2; exit 1; }

# Every instance: same database, bus, JWT secret and API key.
key="bench-$RANDOM$RANDOM"
secret="cluster-bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
threads=()
[[ -n "${THREADS:-}" ]] && threads=(--threads "$THREADS")
urls=()
for i in $(seq "$instances"); do
  parley_server_start "$build/parley" "$work/instance$i" "$key" --database "$database" \
    --redis "redis://127.0.0.1:$redis_port" --jwt-secret "$secret" "${threads[@]}"
  instance_pids+=("$parley_server_pid")
done
for i in $(seq "$instances"); do
  parley_server_wait "${instance_pids[$((i - 1))]}" "$work/instance$i" ||
    { echo "run-cluster.sh: instance $i not ready" >&2; exit 1; }
  urls+=("http://127.0.0.1:$parley_server_port")
done

scenario="${SCENARIO:-cluster}"
[[ "${SMOKE:-0}" == 1 ]] && scenario=cluster
args=("$scenario" --url "$(IFS=,; echo "${urls[*]}")" --server-pid "$(IFS=,; echo "${instance_pids[*]}")"
  --api-key "$key")
if [[ "${SMOKE:-0}" == 1 ]]; then
  args+=(--smoke --users 4 --setup-concurrency 4)
elif [[ "${RAMP:-0}" == 1 ]]; then
  args+=(--ramp --duration "${RAMP_DURATION:-5}")
else
  args+=(--duration "${DURATION:-10}")
fi
# shellcheck disable=SC2206  # BENCH_ARGS is a list of flags
args+=(${BENCH_ARGS:-})

echo "### parley-bench ${args[*]}" | tee "$out/summary.txt"
pg_cpu0="$(cpu_s "$pg_pid")"
redis_cpu0="$(cpu_s "$redis_pid")"
status=0
timeout "${TIMEOUT:-900}" "$build/parley-bench" "${args[@]}" >"$out/$scenario.txt" \
  2>"$out/$scenario.err" || status=$?
{ grep -v '^{' "$out/$scenario.txt" || true; } | tee -a "$out/summary.txt"
{ grep '^{' "$out/$scenario.txt" || true; } | tail -1 >>"$out/results.jsonl"
awk -v p="$(cpu_s "$pg_pid")" -v p0="$pg_cpu0" -v r="$(cpu_s "$redis_pid")" -v r0="$redis_cpu0" \
  'BEGIN { printf "  postgres cpu       %.2f s\n  redis cpu          %.2f s   (setup included)\n",
           p - p0, r - r0 }' | tee -a "$out/summary.txt"
for i in $(seq "$instances"); do
  kill -0 "${instance_pids[$((i - 1))]}" 2>/dev/null && continue
  echo "run-cluster.sh: instance $i died during the run" >&2
  tail -20 "$work/instance$i/server.log" >&2
  status=1
done
if [[ $status -ne 0 ]]; then
  echo "run-cluster.sh: FAILED (exit $status)" >&2
  tail -5 "$out/$scenario.err" >&2
  for i in $(seq "$instances"); do tail -5 "$work/instance$i/server.log" >&2; done
fi
echo "results in $out"
exit $status
