#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 (build/fuzz, AUTOLIC_FUZZ=ON:
# -fsanitize=fuzzer,address,undefined) and fuzzes each target for the given
# number of seconds (default 60), starting from its committed corpus
# tests/fuzz/corpus/<target>/. New interesting inputs go to build/fuzz/corpus/
# (merge them into the committed corpus by hand, see docs/fuzzing.md);
# a crash stops the run with the reproducer in build/fuzz/crashes/.
#   scripts/fuzz.sh [seconds] [target...]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(record journal calls input)
CC=${CC:-clang-14}
cmake -S . -B build/fuzz -DCMAKE_C_COMPILER="$CC" -DCMAKE_BUILD_TYPE=Debug \
  -DAUTOLIC_FUZZ=ON -DAUTOLIC_BUILD_DOCS=OFF -DAUTOLIC_BUILD_BENCH=OFF -DAUTOLIC_WERROR=OFF >/dev/null
cmake --build build/fuzz -j2 --target $(printf 'fuzz_%s ' "${targets[@]}") >/dev/null
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in "${targets[@]}"; do
  mkdir -p "build/fuzz/corpus/$t" build/fuzz/crashes
  start=$(date +%s)
  build/fuzz/tests/fuzz_$t -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=1024 \
    -print_final_stats=1 -artifact_prefix=build/fuzz/crashes/"$t"- \
    "build/fuzz/corpus/$t" "tests/fuzz/corpus/$t" 2>"build/fuzz/$t.log" || {
      tail -40 "build/fuzz/$t.log" >&2
      echo "fuzz.sh: target $t failed; reproducer in build/fuzz/crashes/" >&2
      exit 1
    }
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "build/fuzz/$t.log" | tr '\n' ' '
  echo "target $t: $(( $(date +%s) - start )) s, no crash"
done
