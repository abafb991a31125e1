#!/usr/bin/env bash
# The web app's production build and unit tests on Debian 12's own Node.js 18 (the README's
# promise for a plain Debian machine), whatever node the machine has first on PATH. The tools are
# started from node_modules/.bin so that they run on node 18 (the machine's npx may be an npm
# that refuses node 18). Type checking and ESLint are plain JavaScript and run in the lint stage.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-web.sh >/dev/null
# Built into a throwaway directory: web/dist stays what the machine's node built.
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd web
# shellcheck disable=SC2016 # the inner script expands its own "$1"
../scripts/with-debian-node18.sh bash -c '
  node -e "process.exit(process.versions.node.startsWith(\"18.\") ? 0 : 1)" ||
    { echo "test-web-node18: not running on node 18" >&2; exit 1; }
  node_modules/.bin/vite build --outDir "$1" --emptyOutDir --logLevel warn &&
    test -f "$1/index.html" &&
    node_modules/.bin/vitest run --reporter=dot' bash "$out"
