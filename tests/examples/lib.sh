# Helpers for the scenario tests of the example programs (sourced).
#
# Each test runs in its own temporary directory with the clock fixed by
# AUTOLIC_NOW. `expect CODE PROGRAM ARGS...` runs a program, keeps its
# stdout in $out and stderr in $err, and fails the test unless it exited
# with CODE. The other helpers check what was printed.
set -euo pipefail

bin=${1:?usage: $0 DIR-OF-BUILT-EXAMPLE-PROGRAMS}
bin=$(cd "$bin" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/autolic-examples.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
export AUTOLIC_STORE="$work/test.journal"
export AUTOLIC_NOW=2025-03-03T08:00:00Z
unset AUTOLIC_AS || true
checks=0

die() {
  echo "FAIL: $*" >&2
  echo "--- last stdout:" >&2
  printf '%s\n' "${out:-}" >&2
  echo "--- last stderr:" >&2
  printf '%s\n' "${err:-}" >&2
  exit 1
}

expect() {
  local want=$1
  shift
  set +e
  "$bin/$@" >"$work/.out" 2>"$work/.err"
  local rc=$?
  set -e
  out=$(cat "$work/.out")
  err=$(cat "$work/.err")
  checks=$((checks + 1))
  [ "$rc" -eq "$want" ] || die "'$*' exited $rc, expected $want"
}

# has TEXT: stdout contains TEXT.   err_has TEXT: stderr contains TEXT.
has() { checks=$((checks + 1)); grep -qF -- "$1" <<<"$out" || die "stdout lacks '$1'"; }
lacks() { checks=$((checks + 1)); ! grep -qF -- "$1" <<<"$out" || die "stdout has '$1'"; }
err_has() { checks=$((checks + 1)); grep -qF -- "$1" <<<"$err" || die "stderr lacks '$1'"; }

# json EXPR: the Python expression EXPR, over the JSON document on stdout
# bound to `d`, is true.
json() {
  checks=$((checks + 1))
  python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
sys.exit(0 if eval(sys.argv[1]) else 1)
' "$1" <<<"$out" || die "JSON check failed: $1"
}

done_ok() { echo "ok: $checks checks"; }
