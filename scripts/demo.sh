#!/usr/bin/env bash
# Builds libautolic and its example programs, then runs the demonstration
# (examples/demo.sh): the story of the administrator guides told with the
# example CLIs on a journal store in a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake --preset release >/dev/null
cmake --build build/release -j"$(nproc)"
exec bash examples/demo.sh build/release/examples "$@"
