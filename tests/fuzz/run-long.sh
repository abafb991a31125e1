#!/usr/bin/env bash
# Runs each libFuzzer target (or those named) for FUZZ_SECONDS (default 600) from a copy of its
# seed corpus, and prints per target: inputs run, speed, corpus grown to, coverage, and whether
# it found anything (a crash stops the run with the reproducer's path). For docs/security.md.
#   tests/fuzz/run-long.sh [target...]     (after the fuzz build: see tests/fuzz/CMakeLists.txt)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-600}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(sed -n 's/^parley_fuzzer(\([a-z_]*\).*/\1/p' tests/fuzz/CMakeLists.txt)
fi
artifacts=${FUZZ_ARTIFACTS:-$(mktemp -d)}
for t in "${targets[@]}"; do
  corpus=$(mktemp -d)
  if [ -d "tests/fuzz/corpus/$t" ]; then cp "tests/fuzz/corpus/$t"/* "$corpus"/; fi
  seeds=$(find "$corpus" -type f | wc -l)
  log=$(mktemp)
  start=$(date +%s)
  rc=0
  "build-fuzz/tests/fuzz/$t" -max_total_time="$seconds" -timeout=60 -print_final_stats=1 \
    -artifact_prefix="$artifacts/$t-" "$corpus" >"$log" 2>&1 || rc=$?
  elapsed=$(($(date +%s) - start))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  grown=$(find "$corpus" -type f | wc -l)
  if [ "$rc" -eq 0 ]; then found="nothing"; else found="exit $rc, see $artifacts"; fi
  echo "$t: ${elapsed} s, ${runs:-?} inputs (${speed:-?}/s), coverage ${cov:-?}," \
    "corpus ${seeds} -> ${grown}, found ${found}"
  [ "$rc" -eq 0 ] || tail -n 30 "$log"
  rm -rf "$corpus" "$log"
done
