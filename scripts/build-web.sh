#!/usr/bin/env bash
# Builds the web app into web/dist: installs npm packages when node_modules is missing or
# package-lock.json changed since, and skips the build when dist is newer than every source.
set -euo pipefail
cd "$(dirname "$0")/.."
cd web

stamp=node_modules/.package-lock.stamp
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "build-web: installing npm packages" >&2
  # npm ci insists that the lock name every platform's optional native package (rollup's,
  # esbuild's); a registry mirror without them makes it refuse, so fall back to a plain install
  # of the locked versions that leaves package-lock.json untouched.
  if ! npm ci --no-audit --no-fund --loglevel=error 2>/tmp/parley-npm-ci.log; then
    echo "build-web: npm ci refused ($(grep -m1 -o 'can only install.*' /tmp/parley-npm-ci.log || echo see /tmp/parley-npm-ci.log)); installing the locked versions with npm install --no-save" >&2
    npm install --no-save --no-audit --no-fund --loglevel=error
  fi
  cp package-lock.json "$stamp"
fi

if [ -f dist/index.html ]; then
  newer=$(find src public index.html vite.config.ts tsconfig.json package.json package-lock.json \
    -newer dist/index.html -print -quit 2>/dev/null || true)
  if [ -z "$newer" ]; then
    echo "build-web: web/dist is up to date" >&2
    exit 0
  fi
fi
npm run build --silent
# Mark the build time even when Vite kept an unchanged index.html.
touch dist/index.html
