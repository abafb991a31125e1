#!/usr/bin/env bash
# The one command to run Parley: installs what is missing, builds the server and the web app,
# and starts the server on SQLite. Extra arguments go to `parley`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build web
scripts/build.sh
if [ -f web/package.json ]; then
  scripts/build-web.sh
fi
exec build/parley "$@"
