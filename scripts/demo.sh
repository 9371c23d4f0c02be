#!/usr/bin/env bash
# Builds libautolic and runs the demonstration: the example CLI walks through
# the story of the administrator guides on the journal store, in a temporary
# directory, printing what happens.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake --preset release >/dev/null
cmake --build build/release -j"$(nproc)"
exec ./build/release/examples/autolic_demo "$@"
