#!/usr/bin/env bash
# Installs the Debian 12 packages Parley needs, only those missing. Usage: install-deps.sh [build|test|web]
set -euo pipefail

packages=(build-essential cmake ninja-build pkg-config git ccache
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsqlite3-dev libsodium-dev libspdlog-dev libfmt-dev libpq-dev libhiredis-dev libcli11-dev
  libgtest-dev libbenchmark-dev)
for what in "$@"; do
  case "$what" in
    test) packages+=(python3 python3-pytest python3-pytest-xdist python3-websockets python3-requests clang
                     libclang-rt-14-dev postgresql redis-server nodejs npm chromium
                     clang-format clang-tidy shellcheck nginx-light prometheus curl openssl) ;;
    web) packages+=(nodejs npm) ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The machine may ship node/npm outside Debian's packages; use those when present.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
