#!/usr/bin/env bash
# Checks the built shared library against the committed ABI baselines:
# the exported functions must be exactly abi/libautolic.symbols, and abidiff
# must find no incompatible change (added functions are compatible) against
# the current baseline (abi/libautolic.abi) and against the frozen 1.0.0 one
# (abi/libautolic-1.0.abi, abi/libautolic-1.0.symbols: every function of 1.0
# is still exported and keeps its ABI).
# Usage: scripts/abi-check.sh SOURCE_DIR LIBRARY
set -euo pipefail
src=$1
lib=$2
now=$(mktemp)
trap 'rm -f "$now"' EXIT
nm -D --defined-only "$lib" | awk '$2 == "T" {print $3}' | sort > "$now"
if ! diff -u "$src/abi/libautolic.symbols" "$now"; then
  echo "exported functions differ from abi/libautolic.symbols: run scripts/abi-update.sh" >&2
  exit 1
fi
gone=$(comm -23 "$src/abi/libautolic-1.0.symbols" "$now")
if [ -n "$gone" ]; then
  echo "functions of 1.0.0 no longer exported:" >&2
  echo "$gone" >&2
  exit 1
fi
if ! command -v abidiff >/dev/null; then
  echo "abidiff not installed: install abigail-tools" >&2
  exit 1
fi
for base in libautolic.abi libautolic-1.0.abi; do
  set +e
  abidiff --headers-dir2 "$src/include" "$src/abi/$base" "$lib"
  rc=$?
  set -e
  # abidiff's exit status is a bit field: 1 error, 2 usage, 4 change, 8 incompatible change.
  if [ $((rc & 11)) -ne 0 ]; then
    echo "abidiff against abi/$base reports an error or an incompatible ABI change (status $rc)" >&2
    exit 1
  fi
  echo "ABI check against abi/$base: abidiff status $rc (0 none, 4 compatible additions)"
done
echo "ABI check: symbols match abi/libautolic.symbols"
