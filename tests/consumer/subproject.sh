#!/usr/bin/env bash
# Usage: subproject.sh SOURCE_DIR
# Builds tests/consumer/subproject, which builds the library from SOURCE_DIR
# through add_subdirectory and through FetchContent, in an environment where
# cmocka and Doxygen cannot be found, and runs its program. Proves that a
# project including the library needs neither: tests, examples, benchmarks
# and docs are for the library's own (top-level) builds.
set -euo pipefail
src=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
die() { echo "FAIL: $*" >&2; exit 1; }

# cmocka out of sight: pkg-config looks only in an empty directory, and
# nothing from the system prefixes is searched for it
mkdir -p "$work/no-pc"
export PKG_CONFIG_LIBDIR="$work/no-pc" PKG_CONFIG_PATH=""
# CI=true makes the library's own build require its optional backends, which
# are hidden here with cmocka: this run is about cmocka alone
unset CI
hide=(-DCMAKE_DISABLE_FIND_PACKAGE_Doxygen=ON -DCMAKE_DISABLE_FIND_PACKAGE_cmocka=ON)
! pkg-config --exists cmocka || die "cmocka is still visible to pkg-config"

# the proof holds: the library's own build with its tests does need cmocka
# and fails here
if cmake -S "$src" -B "$work/top" -DAUTOLIC_BUILD_TESTS=ON -DAUTOLIC_BUILD_DOCS=OFF \
  -DAUTOLIC_BUILD_BENCH=OFF -DAUTOLIC_BUILD_EXAMPLES=OFF "${hide[@]}" >"$work/top.log" 2>&1; then
  die "the library's tests configured without cmocka: cmocka is not hidden"
fi
grep -q cmocka "$work/top.log" || die "the top-level configure failed, but not for cmocka: $(tail -5 "$work/top.log")"

for how in add_subdirectory FetchContent; do
  b="$work/$how"
  cmake -S "$here/subproject" -B "$b" -DHOW=$how -DAUTOLIC_SOURCE="$src" "${hide[@]}" \
    >"$b.log" 2>&1 || { cat "$b.log" >&2; die "$how: configure failed"; }
  cmake --build "$b" -j2 >>"$b.log" 2>&1 || { tail -30 "$b.log" >&2; die "$how: build failed"; }
  out=$("$b/app") || die "$how: the program failed"
  grep -q "account consumer@example.com" <<<"$out" || die "$how: unexpected output: $out"
  # only the libraries: no tests, examples, benchmarks or docs; C only
  cache="$b/CMakeCache.txt"
  grep -q '^AUTOLIC_BUILD_TESTS:BOOL=OFF' "$cache" || die "$how: tests are on"
  grep -q '^AUTOLIC_BUILD_EXAMPLES:BOOL=OFF' "$cache" || die "$how: examples are on"
  grep -q '^AUTOLIC_BUILD_BENCH:BOOL=OFF' "$cache" || die "$how: benchmarks are on"
  grep -q '^AUTOLIC_BUILD_DOCS:BOOL=OFF' "$cache" || die "$how: docs are on"
  ! grep -q '^CMAKE_CXX_COMPILER:' "$cache" || die "$how: C++ was enabled"
  ! grep -qiE '^(CMOCKA|pkgcfg_lib_CMOCKA|cmocka_DIR)' "$cache" || die "$how: cmocka was looked for"
  ! grep -q '^BUILD_TESTING:' "$cache" || die "$how: CTest was included"
  targets=$(cmake --build "$b" --target help)
  for t in test_flex autolic_admin bench_w1_flex docs; do
    ! grep -qw "$t" <<<"$targets" || die "$how: target $t is there"
  done
  grep -qw autolic <<<"$targets" || die "$how: no autolic target"
  echo "$how: $out"
done
