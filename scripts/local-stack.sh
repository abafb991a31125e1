#!/usr/bin/env bash
# What deploy/docker-compose.yml describes, without Docker: PostgreSQL, Redis, parley instances
# forming a cluster (two, or INSTANCES), and nginx in front with the shipped site pieces
# (deploy/nginx/parley-http.conf, parley-locations.conf), all on 127.0.0.1.
#   scripts/local-stack.sh start [DIR]   start everything; DIR (default /tmp/parley-local-stack)
#                                       holds data, logs and DIR/stack.env (the ports and URLs)
#   INSTANCES=3 scripts/local-stack.sh start [DIR]   three instances (any number from 1)
#   scripts/local-stack.sh stop [DIR]    stop everything started there and remove DIR
#   scripts/local-stack.sh nginx-config UPSTREAM1 UPSTREAM2 LISTEN [DIR]   print the nginx config
#                                       (UPSTREAM2 may be a comma-separated list of the rest)
# PARLEY_BIN selects the server binary (default build/parley). Prometheus and Grafana are not
# started: the Prometheus config is checked with promtool (scripts/check-deploy.sh).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
pg_bindir=${PARLEY_PG_BINDIR:-/usr/lib/postgresql/15/bin}
parley_bin=${PARLEY_BIN:-$repo/build/parley}

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The nginx.conf of the stack: the shipped http-level and server-level pieces around an upstream
# of the two instances. Also used by check-deploy.sh for `nginx -t`.
nginx_config() {
  local upstreams="$1,$2" listen=$3 dir=${4:-/tmp} servers="" u
  for u in ${upstreams//,/ }; do
    servers+="        server $u max_fails=3 fail_timeout=10s;"$'\n'
  done
  cat <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    client_body_temp_path $dir/nginx-body;
    proxy_temp_path $dir/nginx-proxy;
    fastcgi_temp_path $dir/nginx-fastcgi;
    uwsgi_temp_path $dir/nginx-uwsgi;
    scgi_temp_path $dir/nginx-scgi;
    include $repo/deploy/nginx/parley-http.conf;
    upstream parley {
        least_conn;
${servers}        keepalive 32;
    }
    server {
        listen $listen;
        access_log $dir/nginx-access.log parley;
        include $repo/deploy/nginx/parley-locations.conf;
    }
}
CONF
}

wait_for_file() {
  local file=$1 what=$2
  for _ in $(seq 1 200); do
    [ -s "$file" ] && return 0
    sleep 0.1
  done
  echo "local-stack: $what did not start (no $file)" >&2
  return 1
}

as_pg=()
postgres_user() {
  if [[ $(id -u) == 0 ]]; then
    chown nobody:"$(id -g nobody)" "$1"
    as_pg=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups)
  fi
}

start() {
  local dir=$1
  if [ -e "$dir/stack.env" ]; then
    echo "local-stack: $dir already holds a stack; stop it first" >&2
    return 1
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  local pg_port redis_port nginx_port secret key
  pg_port=$(free_port)
  redis_port=$(free_port)
  nginx_port=$(free_port)
  secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
  key=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')

  # PostgreSQL (as nobody when we are root: it refuses root), in a directory of its own under
  # /tmp: nobody may not be able to reach one inside DIR (a test's private temp dir).
  local pg
  pg=$(mktemp -d /tmp/parley-stack-pg-XXXXXX)
  echo "$pg" >"$dir/pg.path"
  postgres_user "$pg"
  if ! "${as_pg[@]}" "$pg_bindir/initdb" -D "$pg/data" -U parley --auth=trust -E UTF8 --locale=C \
    --no-sync >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    return 1
  fi
  "${as_pg[@]}" "$pg_bindir/pg_ctl" -D "$pg/data" -l "$pg/postgres.log" -w -t 60 \
    -o "-k $pg -c listen_addresses=127.0.0.1 -p $pg_port -c fsync=off" start >/dev/null
  PGHOST=127.0.0.1 PGPORT=$pg_port PGUSER=parley "$pg_bindir/createdb" parley

  # Redis, the cluster bus.
  redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir"
  wait_for_file "$dir/redis.pid" redis

  # The instances of one cluster: same database, Redis, JWT secret and API key.
  local i instances=${INSTANCES:-2} upstreams=()
  echo "$instances" >"$dir/instances"
  for i in $(seq 1 "$instances"); do
    mkdir -p "$dir/parley-$i"
    "$parley_bin" --listen 127.0.0.1:0 --port-file "$dir/parley-$i.port" \
      --data-dir "$dir/parley-$i" --database "postgres://parley@127.0.0.1:$pg_port/parley" \
      --redis "redis://127.0.0.1:$redis_port" --jwt-secret "$secret" --api-key "local=$key" \
      --trusted-proxy 127.0.0.1 --log-level "${PARLEY_LOG_LEVEL:-info}" \
      --rate-limit-per-second 1000 --rate-limit-burst 1000 --login-max-failures-ip 1000 \
      >"$dir/parley-$i.log" 2>&1 </dev/null &
    echo $! >"$dir/parley-$i.pid"
    wait_for_file "$dir/parley-$i.port" "parley-$i"
    upstreams+=("127.0.0.1:$(cat "$dir/parley-$i.port")")
  done

  local rest
  rest=$(IFS=,; echo "${upstreams[*]:1}")
  nginx_config "${upstreams[0]}" "$rest" "127.0.0.1:$nginx_port" "$dir" >"$dir/nginx.conf"
  nginx -c "$dir/nginx.conf" -e "$dir/nginx-error.log"
  wait_for_file "$dir/nginx.pid" nginx

  {
    echo "STACK_DIR=$dir"
    echo "NGINX_URL=http://127.0.0.1:$nginx_port"
    for i in $(seq 1 "$instances"); do
      echo "PARLEY_${i}_URL=http://127.0.0.1:$(cat "$dir/parley-$i.port")"
    done
  } >"$dir/stack.env"
  cat >>"$dir/stack.env" <<ENV
POSTGRES_PORT=$pg_port
REDIS_PORT=$redis_port
API_KEY=$key
ENV
  echo "local-stack: up; $dir/stack.env:"
  cat "$dir/stack.env"
}

stop() {
  local dir=$1 pid
  [ -d "$dir" ] || return 0
  if [ -s "$dir/nginx.pid" ]; then
    nginx -c "$dir/nginx.conf" -e "$dir/nginx-error.log" -s quit 2>/dev/null || true
  fi
  local instances
  instances=$(cat "$dir/instances" 2>/dev/null || echo 2)
  for name in $(seq -f "parley-%g" 1 "$instances"); do
    if [ -s "$dir/$name.pid" ]; then
      pid=$(cat "$dir/$name.pid")
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  if [ -s "$dir/redis.pid" ]; then kill -TERM "$(cat "$dir/redis.pid")" 2>/dev/null || true; fi
  local pg
  pg=$(cat "$dir/pg.path" 2>/dev/null || true)
  if [ -n "$pg" ] && [ -d "$pg/data" ]; then
    postgres_user "$pg"
    "${as_pg[@]}" "$pg_bindir/pg_ctl" -D "$pg/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  [ -z "$pg" ] || rm -rf "$pg"
  rm -rf "$dir"
}

command=${1:-}
case "$command" in
  start) start "${2:-/tmp/parley-local-stack}" ;;
  stop) stop "${2:-/tmp/parley-local-stack}" ;;
  nginx-config) nginx_config "$2" "$3" "$4" "${5:-/tmp}" ;;
  *)
    echo "usage: [INSTANCES=N] $0 start|stop [DIR] | nginx-config UPSTREAM1 UPSTREAM2[,...] LISTEN [DIR]" >&2
    exit 2
    ;;
esac
