#!/usr/bin/env bash
# Lint, as the test command runs it (a stage of scripts/test.sh) and CI: clang-format (check only),
# clang-tidy over every translation unit of src/ (.clang-tidy; needs build/compile_commands.json),
# tsc --noEmit and ESLint on web/, shellcheck on scripts/ and bench/*.sh. Every part runs; the
# script fails if any failed. Usage: scripts/lint.sh [format|tidy|web|shell]...
set -euo pipefail
cd "$(dirname "$0")/.."

parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(format tidy web shell)
failed=()

format() {
  echo "-- clang-format"
  git ls-files '*.cpp' '*.hpp' | grep -v '^web/' | xargs clang-format --dry-run --Werror
}

tidy() {
  echo "-- clang-tidy (src/)"
  if [ ! -f build/compile_commands.json ]; then
    echo "lint: build/compile_commands.json is missing: build first (scripts/build.sh)" >&2
    return 1
  fi
  local files
  files=$(git ls-files 'src/*.cpp')
  # run-clang-tidy parallelises and prints only what it finds; its exit status is non-zero on any.
  # shellcheck disable=SC2086
  run-clang-tidy -quiet -p build -j "$(nproc)" $files >/tmp/parley-clang-tidy.log 2>&1 || {
    grep -E 'warning:|error:' /tmp/parley-clang-tidy.log | sort -u | head -50
    echo "lint: clang-tidy found problems (full log: /tmp/parley-clang-tidy.log)" >&2
    return 1
  }
}

web() {
  echo "-- tsc --noEmit, eslint (web/)"
  [ -f web/package.json ] || return 0
  [ -d web/node_modules ] || scripts/build-web.sh
  (cd web && npx --no-install tsc -p . --noEmit && npx --no-install eslint --max-warnings 0 .)
}

shell() {
  echo "-- shellcheck (scripts/, bench/*.sh, tests/integration/*.sh)"
  shellcheck -x scripts/*.sh bench/*.sh bench/lib/*.sh tests/integration/*.sh
}

for part in "${parts[@]}"; do
  if ! "$part"; then failed+=("$part"); fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "lint: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "lint: clean (${parts[*]})"
