# shellcheck shell=bash
# Starts and stops the parley servers of the bench scripts (smoke.sh, run-all.sh,
# run-cluster.sh): 127.0.0.1 on an ephemeral port, a data directory the caller chose (a temporary
# one), rate limits raised so that a run measures the server and not its limits, and an API key
# for the publish scenario. Sourced; defines functions only.

# parley_server_start PARLEY DIR KEY [FLAG...]: starts the binary PARLEY in the background with
# DIR as its data directory (its port in DIR/port, its log in DIR/server.log), the API key
# bench=KEY and the extra FLAGs; sets parley_server_pid. Several may start before any is waited
# for (the instances of a cluster).
parley_server_start() {
  local bin="$1" dir="$2" key="$3"
  shift 3
  mkdir -p "$dir"
  rm -f "$dir/port"
  "$bin" --listen 127.0.0.1:0 --port-file "$dir/port" --data-dir "$dir" --log-level warn \
    --rate-limit-per-second 1000000 --rate-limit-burst 1000000 \
    --rate-limit-abuse-count 1000000000 --login-max-failures-ip 1000000 \
    --max-connections-per-address 0 --max-connections-per-user 0 \
    --api-key "bench=$key" "$@" >"$dir/server.log" 2>&1 </dev/null &
  # shellcheck disable=SC2034  # for the caller
  parley_server_pid=$!
}

# parley_server_wait PID DIR: waits, up to 30 s (the first instance of a cluster runs the
# migrations), until the server PID started on DIR has written its port and answers /readyz
# with 200 (its database and bus ready); sets parley_server_port. Fails with the log's tail on
# stderr when the server exits or does not get ready.
parley_server_wait() {
  local pid="$1" dir="$2" port=""
  for _ in $(seq 300); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "parley (pid $pid) exited; the tail of $dir/server.log:" >&2
      tail -20 "$dir/server.log" >&2
      return 1
    fi
    [[ -z "$port" && -s "$dir/port" ]] && port="$(cat "$dir/port")"
    if [[ -n "$port" ]] && parley_server_ready "$port"; then
      # shellcheck disable=SC2034  # for the caller
      parley_server_port="$port"
      return 0
    fi
    sleep 0.1
  done
  echo "parley (pid $pid) not ready after 30 s; the tail of $dir/server.log:" >&2
  tail -20 "$dir/server.log" >&2
  return 1
}

# parley_server_ready PORT: whether 127.0.0.1:PORT answers GET /readyz with 200 (over TLS, not
# checking the certificate, when PARLEY_SERVER_TLS is set).
parley_server_ready() {
  if [[ -n "${PARLEY_SERVER_TLS:-}" ]]; then
    [[ "$(curl -sk -o /dev/null -m 2 -w '%{http_code}' "https://127.0.0.1:$1/readyz")" == 200 ]]
    return
  fi
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 &&
    printf 'GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3 &&
    head -c 12 <&3" 2>/dev/null | grep -q ' 200'
}

# stop_process PID: TERM, up to 10 s for it to end, then KILL. For a server or anything else the
# scripts started (redis-server); a PID already gone is fine.
stop_process() {
  local pid="$1"
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}
