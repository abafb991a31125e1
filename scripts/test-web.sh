#!/usr/bin/env bash
# Tests the web app: unit tests (Vitest), then end-to-end tests (playwright-core driving Debian's
# chromium) against the real server binary build/parley serving the built app.
# Installs what is missing: chromium and an emoji font (apt), and the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

# Chromium for the browser tests, and a color emoji font: reactions, the emoji picker and the
# screenshots show emoji, which Chromium draws as empty boxes without one.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -n "$(fc-list 2>/dev/null | grep -i emoji || true)" ] || missing+=(fonts-noto-color-emoji)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test-web: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

scripts/build-web.sh
cd web
status=0
echo "== vitest"
npx vitest run || status=1
echo "== e2e (chromium against build/parley)"
if [ -x ../build/parley ]; then
  PARLEY_BIN="$(cd .. && pwd)/build/parley" node --test --test-concurrency=1 e2e/*.test.mjs || status=1
else
  echo "test-web: build/parley is missing; build the server first" >&2
  status=1
fi
exit $status
