#!/usr/bin/env bash
# The one command to test Parley: installs what is missing, builds, and runs every suite:
# unit (ctest), integration (pytest against the real binary), web (vitest + playwright).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build test web
scripts/build.sh
status=0
run() { echo "== $*"; "$@" || status=1; }
run ctest --test-dir build --output-on-failure --parallel "$(nproc)"
run /usr/bin/python3 -m pytest -q tests/integration
if [ -f web/package.json ]; then
  run scripts/test-web.sh
fi
exit $status
