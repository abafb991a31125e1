#!/usr/bin/env bash
# Runs a command with Debian 12's own Node.js 18 first on PATH, beside whatever node the machine
# has: the nodejs and libnode108 packages are downloaded with apt and extracted into a cache
# directory (dpkg-deb -x), nothing is installed over the machine's node. The few JavaScript
# packages Debian's node loads from /usr/share/nodejs are installed with apt (they are plain JS
# and do not touch another node). Usage: scripts/with-debian-node18.sh COMMAND [ARGS...]
set -euo pipefail
cache=${PARLEY_NODE18_DIR:-/tmp/parley-debian-node18}
version=$(apt-cache madison nodejs 2>/dev/null | awk '$3 ~ /^18\./ {print $3; exit}')
if [ -z "$version" ]; then
  echo "with-debian-node18: no nodejs 18 in the apt sources (apt-get update?)" >&2
  exit 2
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
missing=()
for p in node-cjs-module-lexer node-acorn node-undici; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ! -x "$cache/$version/root/usr/bin/node" ]; then
  mkdir -p "$cache/$version/debs"
  (cd "$cache/$version/debs" && apt-get download "nodejs=$version" "libnode108=$version" >/dev/null 2>&1)
  for deb in "$cache/$version"/debs/*.deb; do dpkg-deb -x "$deb" "$cache/$version/root"; done
fi
mkdir -p "$cache/bin"
cat >"$cache/bin/node" <<WRAP
#!/bin/sh
LD_LIBRARY_PATH=$cache/$version/root/usr/lib/x86_64-linux-gnu exec $cache/$version/root/usr/bin/node "\$@"
WRAP
chmod +x "$cache/bin/node"
export PATH="$cache/bin:$PATH"
echo "with-debian-node18: node $(node --version)" >&2
exec "$@"
