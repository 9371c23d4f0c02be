#!/usr/bin/env bash
# Checks the built shared library against the committed ABI baseline:
# the exported functions must be exactly abi/libautolic.symbols, and abidiff
# must find no incompatible change (added functions are compatible).
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
if command -v abidiff >/dev/null; then
  set +e
  abidiff --headers-dir2 "$src/include" "$src/abi/libautolic.abi" "$lib"
  rc=$?
  set -e
  # abidiff's exit status is a bit field: 1 error, 2 usage, 4 change, 8 incompatible change.
  if [ $((rc & 11)) -ne 0 ]; then
    echo "abidiff reports an error or an incompatible ABI change (status $rc)" >&2
    exit 1
  fi
  echo "ABI check: symbols match, abidiff status $rc (0 none, 4 compatible additions)"
else
  echo "abidiff not installed: install abigail-tools" >&2
  exit 1
fi
