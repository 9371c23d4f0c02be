#!/usr/bin/env bash
# Instructions per call of the library's entry points under the W1 and W2
# benchmarks (docs/performance.md), counted by callgrind. Unlike times, the
# counts do not vary from run to run: compare them before and after a change.
# Usage: scripts/callgrind.sh [--scale F] [--keep DIR]
#   --scale F  workload sizes as a fraction of docs/performance.md's (default 0.05)
#   --keep DIR keep callgrind's output files in DIR (default: a temporary directory, removed)
# Builds the release preset with the benchmarks (BENCH_BUILD_DIR, default
# build/release). W1 runs with --lib-only (the SQLite reference is not run);
# W2 runs whole. A function's figure is the inclusive instruction count (Ir)
# of every call made to it, divided by the number of those calls; every call
# in the run counts, W2's grants that fill the product to its quantity included.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BENCH_BUILD_DIR:-$root/build/release}
scale=0.05 keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 2; }
cmake --preset release -B "$build" -S "$root" -DAUTOLIC_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target bench_w1_flex bench_w2_seats >/dev/null
if [ -n "$keep" ]; then
  out=$keep
  mkdir -p "$out"
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi

# run NAME ARGS...: the benchmark under callgrind, its output in $out/NAME.out
run() {
  local name=$1
  shift
  valgrind --tool=callgrind --callgrind-out-file="$out/$name.out" --compress-strings=no \
    --compress-pos=no "$@" >"$out/$name.log" 2>&1 ||
    { cat "$out/$name.log" >&2; echo "$name failed under callgrind" >&2; exit 1; }
}

# per_call FILE FUNCTION[|FUNCTION...]: calls and inclusive instructions per
# call of the functions, together
per_call() {
  awk -v f="$2" '
    $0 ~ "^cfn=(" f ")$" { want = 1; next }
    want == 1 && /^calls=/ { split($1, c, "="); calls += c[2]; want = 2; next }
    want == 2 { ir += $2; want = 0 }
    END {
      if (calls == 0) { printf "%-24s not called\n", f; exit 1 }
      printf "%-38s %9d calls %12.0f instructions per call\n", f, calls, ir / calls
    }' "$1"
}

run w1 "$build/bench/bench_w1_flex" --scale "$scale" --lib-only
run w2 "$build/bench/bench_w2_seats" --scale "$scale" --dir "$out"
echo "callgrind, scale $scale ($(valgrind --version))"
echo "W1 $(per_call "$out/w1.out" autolic_flex_report)"
echo "W2 $(per_call "$out/w2.out" autolic_seat_grant)"
echo "W2 $(per_call "$out/w2.out" autolic_seat_revoke)"
echo "W2 $(per_call "$out/w2.out" "autolic_seat_grant|autolic_seat_revoke")"
