#!/usr/bin/env bash
# The one command to test Parley: installs what is missing, builds, and runs every suite:
#   unit (ctest; the store suite also against a real PostgreSQL), integration (pytest against the
#   real binary, on SQLite and on PostgreSQL), unit and integration again under AddressSanitizer +
#   UBSan, fuzzers (briefly), web (vitest + playwright; the build and vitest again on Debian's
#   node 18 when the machine's node is another), load smoke (parley-bench), lint (clang-format,
#   clang-tidy, tsc, ESLint, shellcheck), the deployment files checked with the real tools
#   (nginx -t, promtool, the Grafana dashboard, systemd-analyze) and the Dockerfile's build steps
#   run here (no Docker engine needed).
# Set PARLEY_QUICK=1 to skip the sanitizer, fuzz and container-build stages; FUZZ_SECONDS sets
# each fuzzer's time.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build test web
scripts/build.sh

failed=()
passed=0
stage() {
  local name=$1
  shift
  echo
  echo "== $name"
  local start=$SECONDS
  if "$@"; then
    echo "== $name: ok ($((SECONDS - start)) s)"
    passed=$((passed + 1))
  else
    echo "== $name: FAILED ($((SECONDS - start)) s)"
    failed+=("$name")
  fi
}

unit() { ctest --test-dir "$1" --output-on-failure --parallel "$(nproc)"; }
# Integration tests mostly wait on sockets: four pytest workers (python3-pytest-xdist), each
# module on one worker with its own server and data directory (PostgreSQL: its own database).
workers=(-n "${PARLEY_TEST_WORKERS:-4}" --dist loadfile)
integration() { PARLEY_BIN="$1" /usr/bin/python3 -m pytest -q -p no:cacheprovider "${workers[@]}" tests/integration; }

build_sanitized() {
  local generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  [ -f build-asan/CMakeCache.txt ] ||
    cmake -S . -B build-asan "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPARLEY_SANITIZE=ON \
      -DPARLEY_BUILD_BENCH=OFF -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG"
  cmake --build build-asan --parallel "$(nproc)"
}

fuzz() {
  local generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  [ -f build-fuzz/CMakeCache.txt ] ||
    CXX=clang++ cmake -S . -B build-fuzz "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DPARLEY_FUZZ=ON -DPARLEY_BUILD_TESTS=ON -DPARLEY_BUILD_BENCH=OFF
  local targets
  targets=$(sed -n 's/^parley_fuzzer(\([a-z_]*\).*/\1/p' tests/fuzz/CMakeLists.txt)
  # shellcheck disable=SC2086
  cmake --build build-fuzz --parallel "$(nproc)" --target $targets
  local corpus
  for t in $targets; do
    corpus=$(mktemp -d)
    if [ -d "tests/fuzz/corpus/$t" ]; then cp "tests/fuzz/corpus/$t"/* "$corpus"/; fi
    echo "-- $t (${FUZZ_SECONDS:-20} s)"
    "build-fuzz/tests/fuzz/$t" -max_total_time="${FUZZ_SECONDS:-20}" -timeout=60 -print_final_stats=0 \
      "$corpus" 2>&1 | tail -n 2
    local rc=${PIPESTATUS[0]}
    rm -rf "$corpus"
    [ "$rc" -eq 0 ] || return 1
  done
}

# clang-tidy parses every translation unit of src/ (minutes of CPU): it runs in the background at
# a low priority while the (mostly waiting) test stages run, and is reported as its own stage.
tidy_log=$(mktemp)
nice -n 15 scripts/lint.sh tidy >"$tidy_log" 2>&1 &
tidy_pid=$!
trap 'kill "$tidy_pid" 2>/dev/null || true' EXIT
tidy_result() {
  local rc=0
  wait "$tidy_pid" || rc=$?
  cat "$tidy_log"
  rm -f "$tidy_log"
  return $rc
}

stage "lint" scripts/lint.sh format web shell
stage "deployment files" scripts/check-deploy.sh
stage "unit tests" unit build
stage "integration tests" integration build/parley
stage "integration tests on PostgreSQL" env PARLEY_BIN=build/parley \
  tests/integration/run_on_postgres.sh -q -p no:cacheprovider "${workers[@]}"
if [ -z "${PARLEY_QUICK:-}" ]; then
  stage "sanitizer build" build_sanitized
  stage "unit tests (ASan+UBSan)" unit build-asan
  stage "integration tests (ASan+UBSan server)" integration build-asan/parley
  stage "fuzzing" fuzz
  stage "container build steps" /usr/bin/python3 deploy/checks/run_dockerfile_steps.py
fi
if [ -f web/package.json ]; then
  stage "web app" scripts/test-web.sh
  # A plain Debian 12 builds the app with its own node 18; when the machine's node is another,
  # the production build and unit tests run once more on Debian's (about 15 s of CPU).
  if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" != 18 ]; then
    stage "web app on Debian's Node.js 18" scripts/test-web-node18.sh
  fi
fi
if [ -x bench/smoke.sh ]; then
  stage "load smoke" bench/smoke.sh
fi

stage "lint: clang-tidy (run in the background)" tidy_result

echo
[ ${#failed[@]} -eq 0 ] || echo "FAILED stages: ${failed[*]}"
echo "stages: $passed passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
