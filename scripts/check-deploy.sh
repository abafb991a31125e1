#!/usr/bin/env bash
# Checks the deployment files with the real tools (a stage of scripts/test.sh):
#   nginx -t on every nginx site (compose, VM TLS, the local stack), promtool check config,
#   check rules and test rules, the Grafana provisioning and dashboard (every query names a metric
#   a running build/parley exports; the alert rules too), systemd-analyze verify on the unit.
# The Dockerfile's build steps are run by deploy/checks/run_dockerfile_steps.py (its own stage).
# Usage: scripts/check-deploy.sh [nginx|prometheus|grafana|systemd]...
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(nginx prometheus grafana systemd)
work=$(mktemp -d /tmp/parley-check-deploy-XXXXXX)
server_pid=""
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
failed=()

# One site inside a throwaway main config: its includes pointed at the repository, log and temp
# paths at $work, and (compose) the replicas' names, which only Docker's DNS knows, at loopback.
nginx_site() {
  local name=$1 site=$2 dir="$work/nginx-$1"
  mkdir -p "$dir"
  sed -e "s|/etc/nginx/parley/|$repo/deploy/nginx/|g" -e "s|/var/log/nginx/|$dir/|g" \
      -e "s|parley-1:8080|127.0.0.1:18081|; s|parley-2:8080|127.0.0.1:18082|" \
      -e "s|/etc/letsencrypt/live/chat.example.com/|$work/tls/|g" "$site" >"$dir/site.conf"
  cat >"$dir/nginx.conf" <<CONF
pid $dir/nginx.pid;
error_log $dir/error.log;
events {}
http {
    include /etc/nginx/mime.types;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    include $dir/site.conf;
}
CONF
  echo "nginx -t: $name ($site)"
  command nginx -t -q -c "$dir/nginx.conf" -e "$dir/error.log"
}

check_nginx() {
  mkdir -p "$work/tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=chat.example.com \
    -keyout "$work/tls/privkey.pem" -out "$work/tls/fullchain.pem" 2>/dev/null
  nginx_site compose deploy/nginx/parley.conf
  nginx_site tls deploy/nginx/parley-tls.conf
  scripts/local-stack.sh nginx-config 127.0.0.1:18081 127.0.0.1:18082 127.0.0.1:18080 \
    "$work/nginx-local" >"$work/local-stack-nginx.conf"
  mkdir -p "$work/nginx-local"
  echo "nginx -t: local stack (scripts/local-stack.sh)"
  command nginx -t -q -c "$work/local-stack-nginx.conf" -e "$work/nginx-local/error.log"
}

check_prometheus() {
  # The compose file mounts alerts.yml at /etc/prometheus/alerts.yml.
  sed "s|/etc/prometheus/alerts.yml|$repo/deploy/prometheus/alerts.yml|" \
    deploy/prometheus/prometheus.yml >"$work/prometheus.yml"
  promtool check config "$work/prometheus.yml"
  promtool check rules deploy/prometheus/alerts.yml
  (cd deploy/prometheus && promtool test rules alerts.test.yml)
}

# A scrape of the real binary: what Parley exports.
scrape() {
  [ -s "$work/metrics.txt" ] && return 0
  local bin=${PARLEY_BIN:-build/parley}
  "$bin" --listen 127.0.0.1:0 --port-file "$work/port" --data-dir "$work/data" --log-level warn \
    >"$work/parley.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 200); do [ -s "$work/port" ] && break; sleep 0.1; done
  [ -s "$work/port" ] || { cat "$work/parley.log"; return 1; }
  curl -fsS "http://127.0.0.1:$(cat "$work/port")/metrics" >"$work/metrics.txt"
}

check_grafana() {
  local f
  for f in deploy/grafana/provisioning/datasources/prometheus.yml \
           deploy/grafana/provisioning/dashboards/parley.yml; do
    [ -s "$f" ] || { echo "missing $f"; return 1; }
  done
  grep -q "uid: parley-prometheus" deploy/grafana/provisioning/datasources/prometheus.yml
  grep -q "path: /var/lib/grafana/dashboards" deploy/grafana/provisioning/dashboards/parley.yml
  scrape
  /usr/bin/python3 deploy/checks/check_promql_metrics.py "$work/metrics.txt" \
    deploy/grafana/dashboards/parley.json deploy/prometheus/alerts.yml
}

check_systemd() {
  # verify needs the ExecStart binary to exist: point it at this build.
  local bin
  bin=$(realpath "${PARLEY_BIN:-build/parley}")
  sed "s|/usr/local/bin/parley|$bin|" deploy/systemd/parley.service >"$work/parley.service"
  local out
  out=$(systemd-analyze verify "$work/parley.service" 2>&1) || { echo "$out"; return 1; }
  # Unknown keys and bad values are only warnings for systemd: here they fail.
  if [ -n "$out" ]; then echo "$out"; return 1; fi
  echo "systemd-analyze verify: deploy/systemd/parley.service clean"
}

for part in "${parts[@]}"; do
  echo "-- $part"
  if ! "check_$part"; then failed+=("$part"); fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "check-deploy: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "check-deploy: ok (${parts[*]})"
