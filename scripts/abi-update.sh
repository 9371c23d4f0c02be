#!/usr/bin/env bash
# Regenerates the ABI baseline after an intentional change of the public API:
# abi/libautolic.symbols (the exported functions, sorted) and abi/libautolic.abi
# (abidw's description of the shared library's types and functions), and the
# export lists of the backend libraries built beside it (abi/libautolic-*.symbols).
# Usage: scripts/abi-update.sh [BUILD_DIR]   (default build/dev, a debug build)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/dev}
lib=$(readlink -f "$bin/libautolic.so")  # the development link names the current build
nm -D --defined-only "$lib" | awk '$2 == "T" {print $3}' | sort > abi/libautolic.symbols
abidw --no-corpus-path --headers-dir include "$lib" > abi/libautolic.abi
echo "abi/ updated from $lib: $(wc -l < abi/libautolic.symbols) functions"
# The optional backend libraries: their export lists (checked by abi_<name>_symbols).
for link in $(find "$bin" -name "libautolic-*.so" | sort); do
  b=$(readlink -f "$link")
  name=$(basename "$b" | sed 's/\.so\..*//')
  nm -D --defined-only "$b" | awk '$2 == "T" {print $3}' | sort > "abi/$name.symbols"
  echo "abi/$name.symbols updated from $b: $(wc -l < "abi/$name.symbols") functions"
done
