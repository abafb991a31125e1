#!/usr/bin/env bash
# The one command to run Parley: installs what is missing, builds the server and the web app,
# and starts the server on SQLite. Extra arguments go to `parley`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build web
scripts/build.sh
if [ -f web/package.json ]; then
  # The web app builds on Node.js 18.18 or later (Debian 12's own included); when it cannot be
  # built the server still runs, API only.
  scripts/build-web.sh || echo "run: the web app could not be built (see above); serving the API only" >&2
fi
exec build/parley "$@"
