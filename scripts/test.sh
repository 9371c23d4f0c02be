#!/usr/bin/env bash
# Builds libautolic and passes every test: the dev build (warnings are errors)
# with the full ctest suite (unit suites, storage conformance, fault loops,
# install + consumer builds, Python binding, docs), the C suites under valgrind
# memcheck, then the suite again under AddressSanitizer + UndefinedBehaviorSanitizer, and the concurrency suites
# under ThreadSanitizer, the coverage check (docs/testing.md), then 20 s of
# libFuzzer per fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
jobs=$(nproc)

cmake --preset dev >/dev/null
cmake --build build/dev -j"$jobs"
ctest --test-dir build/dev --output-on-failure -j"$jobs"
# valgrind memcheck over the C suites (errors and definite/indirect leaks fail)
ctest --test-dir build/dev --output-on-failure -j"$jobs" -LE "nosan|novalgrind" -T memcheck

cmake --preset asan >/dev/null
cmake --build build/asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -j"$jobs" -LE nosan

cmake --preset tsan >/dev/null
cmake --build build/tsan -j"$jobs"
TSAN_OPTIONS=halt_on_error=1 ctest --test-dir build/tsan --output-on-failure -L threads
# coverage: src/core and src/store every line and 95% of branches, the rest 90% of lines
./scripts/coverage.sh --check
# libFuzzer: 20 s per target from the committed corpora (docs/fuzzing.md)
./scripts/fuzz.sh 20
echo "all test runs passed"
