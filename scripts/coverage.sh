#!/usr/bin/env bash
# Line and branch coverage of src/ by the whole ctest suite (gcov + lcov); the
# install/consumer and ABI checks are left out (they test packaging, and the
# consumers are not built with gcov).
# Usage: scripts/coverage.sh [--check]
#   Builds the `coverage` preset (build/coverage), runs ctest, and prints one
#   table: lines and branches per directory of src/ and in all, then the files
#   with lines not run. The HTML report (build/coverage/html/index.html) shows
#   which lines and branches. Needs gcc, lcov (1.x, Debian's) and python3:
#   scripts/deps.sh installs them. Figures and targets: docs/testing.md.
#   --check  exit non-zero unless src/core and src/store reach 100% of lines
#            and 95% of branches and every other directory 90% of lines.
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  *) echo "usage: scripts/coverage.sh [--check]" >&2; exit 2 ;;
esac
for tool in lcov genhtml gcov python3; do
  command -v "$tool" >/dev/null || { echo "coverage: $tool not found; run scripts/deps.sh" >&2; exit 1; }
done
start=$SECONDS
b=build/coverage
jobs=$(nproc)
cmake --preset coverage >/dev/null
cmake --build "$b" -j"$jobs" >"$b/build.log" 2>&1 || {
  tail -40 "$b/build.log"; echo "coverage: the build failed" >&2; exit 1; }
# Counts of an earlier run would add up with this one's.
find "$b" -name '*.gcda' -delete
ctest --test-dir "$b" -j"$jobs" --output-on-failure -LE "bench" -E "^(install_consumers|abi_check)$" >"$b/ctest.log" 2>&1 || {
  tail -40 "$b/ctest.log"; echo "coverage: the test suite failed" >&2; exit 1; }
rc=(--rc lcov_branch_coverage=1)
{
  lcov -q "${rc[@]}" --capture --directory "$b" --output-file "$b/all.info" &&
  lcov -q "${rc[@]}" --extract "$b/all.info" "$PWD/src/*" --output-file "$b/src.info"
} 2>"$b/lcov.log" || { tail -20 "$b/lcov.log"; echo "coverage: lcov failed" >&2; exit 1; }
genhtml -q "${rc[@]}" --output-directory "$b/html" "$b/src.info" >/dev/null 2>>"$b/lcov.log" ||
  echo "coverage: genhtml failed (see $b/lcov.log); the figures below stand" >&2
# Per-directory figures from the tracefile (LF/LH lines, BRF/BRH branches),
# then the files with lines not run, most missed first.
status=0
python3 - "$b/src.info" "$PWD/src/" "$check" <<'PY' || status=$?
import collections, sys
info, root, check = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
d = collections.defaultdict(lambda: [0, 0, 0, 0]); files = []
for line in open(info):
    line = line.strip()
    if line.startswith("SF:"):
        rel = line[3:].replace(root, "", 1)
        cur = "src/" + rel.rsplit("/", 1)[0] if "/" in rel else "src"
        name = "src/" + rel
    elif line.split(":")[0] in ("LF", "LH", "BRF", "BRH"):
        k, v = line.split(":")
        d[cur][("LF", "LH", "BRF", "BRH").index(k)] += int(v)
        if k == "LH":
            files.append((d_lf - int(v), name))
        if k == "LF":
            d_lf = int(v)
pct = lambda a, b: 100.0 * a / b if b else 100.0
print("| Directory | Lines | Line % | Branches | Branch % | Target |")
print("|---|---|---|---|---|---|")
fail = False; tot = [0, 0, 0, 0]
for k in sorted(d):
    lf, lh, bf, bh = d[k]
    core = k in ("src/core", "src/store")
    ok = (lh == lf and pct(bh, bf) >= 95) if core else pct(lh, lf) >= 90
    fail |= not ok
    tgt = "100% lines, 95% branches" if core else "90% lines"
    print("| %s | %d/%d | %.1f | %d/%d | %.1f | %s: %s |" % (k, lh, lf, pct(lh, lf), bh, bf,
          pct(bh, bf), tgt, "met" if ok else "MISSED"))
    tot = [a + b for a, b in zip(tot, d[k])]
print("| all of src/ | %d/%d | %.1f | %d/%d | %.1f | |" % (tot[1], tot[0], pct(tot[1], tot[0]),
      tot[3], tot[2], pct(tot[3], tot[2])))
print("\nFiles with lines not run (missed lines):")
for miss, name in sorted(files, reverse=True):
    if miss:
        print("%6d  %s" % (miss, name))
if check and fail:
    sys.exit("coverage: a target is missed")
PY
echo "HTML report: $b/html/index.html ($((SECONDS - start)) s in all)"
exit "$status"
