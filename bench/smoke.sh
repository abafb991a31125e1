#!/usr/bin/env bash
# Smoke run of the load generator: starts build/parley on an ephemeral port in a temporary
# directory, runs `parley-bench --smoke` (a few seconds of every main scenario at tiny sizes),
# stops the server, and fails on lost, duplicated or reordered messages, errors, or a crash.
# Then the same over TLS (https://, a self-signed certificate; needs openssl and curl), and, when
# PostgreSQL and redis-server are installed, a tiny cluster run (bench/run-cluster.sh with 2
# instances, a few seconds) under the same rules.
# Usage: bench/smoke.sh [BUILD_DIR]   (default: build)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
[[ "$build" = /* ]] || build="$root/$build"
server="$build/parley"
bench="$build/parley-bench"
for bin in "$server" "$bench"; do
  [[ -x "$bin" ]] || { echo "smoke.sh: $bin not built" >&2; exit 2; }
done

# shellcheck source-path=SCRIPTDIR source=lib/server.sh
# shellcheck source=bench/lib/server.sh
source "$root/bench/lib/server.sh"
work="$(mktemp -d)"
server_pid=""
tls_pid=""
# shellcheck disable=SC2317  # run by the trap
cleanup() {
  [[ -n "$server_pid" ]] && stop_process "$server_pid"
  [[ -n "$tls_pid" ]] && stop_process "$tls_pid"
  rm -rf "$work"
}
trap cleanup EXIT

key="smoke-$RANDOM$RANDOM"
parley_server_start "$server" "$work/data" "$key" --durability normal
server_pid=$parley_server_pid
parley_server_wait "$server_pid" "$work/data" || { echo "smoke.sh: server did not start" >&2; exit 1; }
port=$parley_server_port

status=0
timeout 300 "$bench" --smoke --url "http://127.0.0.1:$port" --api-key "$key" \
  --server-pid "$server_pid" --users 4 --setup-concurrency 4 || status=$?

if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "smoke.sh: the server died during the run" >&2
  tail -20 "$work/data/server.log" >&2
  status=1
fi
if [[ $status -ne 0 ]]; then
  echo "smoke.sh: FAILED (exit $status); server log tail:" >&2
  tail -20 "$work/data/server.log" >&2
fi

if command -v openssl >/dev/null && command -v curl >/dev/null; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1
  parley_server_start "$server" "$work/tls" "$key" --durability normal \
    --tls-cert "$work/cert.pem" --tls-key "$work/key.pem"
  tls_pid=$parley_server_pid
  tls_status=0
  PARLEY_SERVER_TLS=1 parley_server_wait "$tls_pid" "$work/tls" || tls_status=1
  if [[ $tls_status -eq 0 ]]; then
    timeout 300 "$bench" --smoke --url "https://127.0.0.1:$parley_server_port" --api-key "$key" \
      --server-pid "$tls_pid" --users 4 --setup-concurrency 4 || tls_status=$?
    kill -0 "$tls_pid" 2>/dev/null || { echo "smoke.sh: the TLS server died" >&2; tls_status=1; }
  fi
  if [[ $tls_status -ne 0 ]]; then
    echo "smoke.sh: TLS FAILED (exit $tls_status); server log tail:" >&2
    tail -20 "$work/tls/server.log" >&2
    status=1
  fi
else
  echo "smoke.sh: TLS skipped (no openssl or curl)"
fi

pg_bin="${PG_BINDIR:-${PARLEY_PG_BINDIR:-/usr/lib/postgresql/15/bin}}"
if [[ -x "$pg_bin/initdb" && -x "$pg_bin/pg_ctl" ]] && command -v redis-server >/dev/null; then
  cluster_status=0
  SMOKE=1 INSTANCES=2 TIMEOUT=120 "$root/bench/run-cluster.sh" "$build" "$work/cluster" ||
    cluster_status=$?
  if [[ $cluster_status -ne 0 ]]; then
    echo "smoke.sh: cluster FAILED (exit $cluster_status)" >&2
    status=1
  fi
else
  echo "smoke.sh: cluster skipped (no PostgreSQL in $pg_bin or no redis-server)"
fi
exit $status
