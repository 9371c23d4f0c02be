#!/usr/bin/env bash
# Builds the release preset and runs every benchmark of docs/performance.md, printing
# one Markdown table. Usage: scripts/bench.sh [--scale F | --full] [--dir DIR]
#   --scale F  workload sizes as a fraction of docs/performance.md's (default 0.1: about a minute)
#   --full     docs/performance.md's sizes (--scale 1); W6 at 3 s per point instead of 1 s
#   --dir DIR  where W4/W5 write their files (default: build/release/bench-files);
#              W5 compares file systems only when all of them use the same DIR.
# Exits non-zero when a benchmark fails, including a differential check
# against its SQLite reference.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BENCH_BUILD_DIR:-$root/build/release}
args=() dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) args+=(--scale "$2"); shift 2 ;;
    --full) args+=(--full); shift ;;
    --dir) dir=$2; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
cmake --preset release -B "$build" -S "$root" -DAUTOLIC_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j2 >/dev/null
dir=${dir:-$build/bench-files}
mkdir -p "$dir"
echo "| Workload | Implementation | Size | Result | Notes |"
echo "|---|---|---|---|---|"
status=0
for b in bench_w1_flex bench_w2_seats bench_w3_ops bench_w45_journal bench_mem; do
  exe=$build/bench/$b
  if [ ! -x "$exe" ]; then
    echo "| $b | (not built: sqlite3 missing) | | | |"
    continue
  fi
  "$exe" "${args[@]}" --dir "$dir" || { echo "| $b | FAILED | | | see stderr |"; status=1; }
done
# W6: 1 to 16 processes over one PostgreSQL database (a throw-away server of
# tests/pg_server.sh, or AUTOLIC_PG_CONNINFO) and one SQLite file; a table of
# its own. --full runs 3 s per point, otherwise 1 s (--quick).
w6=$build/bench/bench_w6_scale
if [ -x "$w6" ]; then
  echo
  if [ "${args[*]}" = "--full" ] || [ "${args[*]}" = "--scale 1" ]; then
    "$w6" --dir "$dir" || status=1
  else
    "$w6" --quick --dir "$dir" || status=1
  fi
fi
exit $status
