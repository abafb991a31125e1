#!/usr/bin/env bash
# Runs the black-box integration suite against parley on PostgreSQL: starts a temporary server
# (initdb into a temp dir, 127.0.0.1 on a free port, fsync off for speed), gives every parley
# server the tests start its own fresh database (the `{db}` placeholder, see extra_flags in
# parley_client.py), then stops the server and removes the directory.
#   tests/integration/run_on_postgres.sh [pytest args, e.g. -k rooms -x]
# PARLEY_BIN selects the parley binary as usual; PARLEY_PG_BINDIR the PostgreSQL binaries.
set -euo pipefail

bindir=${PARLEY_PG_BINDIR:-/usr/lib/postgresql/15/bin}
for tool in initdb pg_ctl postgres createdb; do
  if [[ ! -x $bindir/$tool ]]; then
    echo "error: $bindir/$tool not found: install the postgresql package or set PARLEY_PG_BINDIR" >&2
    exit 2
  fi
done
repo=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d /tmp/parley-pg-XXXXXX)

# PostgreSQL refuses to run as root: then run it as nobody, which must own the directory.
as_pg=()
if [[ $(id -u) == 0 ]]; then
  chown nobody:"$(id -g nobody)" "$dir"
  as_pg=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups)
fi

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if ! "${as_pg[@]}" "$bindir/initdb" -D "$dir/data" -U parley --auth=trust -E UTF8 --locale=C \
    --no-sync >"$dir/initdb.log" 2>&1; then
  cat "$dir/initdb.log" >&2
  exit 1
fi
# pg_ctl -w waits (bounded by -t) until the server accepts connections.
if ! "${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
    -o "-k $dir -c listen_addresses=127.0.0.1 -p $port -c fsync=off -c max_connections=300" \
    start >/dev/null; then
  cat "$dir/postgres.log" >&2
  exit 1
fi

# createdb (called by the test harness) reads these.
export PGHOST=127.0.0.1 PGPORT=$port PGUSER=parley
export PARLEY_CREATEDB=$bindir/createdb
export PARLEY_EXTRA_FLAGS="--database postgres://parley@127.0.0.1:$port/{db}"
cd "$repo"
status=0
/usr/bin/python3 -m pytest -q tests/integration "$@" || status=$?
exit $status
