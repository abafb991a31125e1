#!/usr/bin/env bash
# Builds the web app into web/dist: installs npm packages when node_modules is missing or
# package-lock.json changed since, and skips the build when dist is newer than every source.
set -euo pipefail
cd "$(dirname "$0")/.."
cd web

stamp=node_modules/.package-lock.stamp
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "build-web: installing npm packages" >&2
  npm ci --no-audit --no-fund --loglevel=error
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
