#!/usr/bin/env bash
# Regenerates the ABI baseline after an intentional change of the public API:
# abi/libautolic.symbols (the exported functions, sorted) and abi/libautolic.abi
# (abidw's description of the shared library's types and functions).
# Usage: scripts/abi-update.sh [BUILD_DIR]   (default build/dev, a debug build)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/dev}
lib=$(ls "$bin"/libautolic.so.*.*.* | head -n1)
nm -D --defined-only "$lib" | awk '$2 == "T" {print $3}' | sort > abi/libautolic.symbols
abidw --no-corpus-path --headers-dir include "$lib" > abi/libautolic.abi
echo "abi/ updated from $lib: $(wc -l < abi/libautolic.symbols) functions"
