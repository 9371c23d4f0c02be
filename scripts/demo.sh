#!/usr/bin/env bash
# Builds libautolic and its example programs, then runs the demonstration
# (examples/demo.sh): the story of the administrator guides told with the
# example CLIs on a journal store in a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake --preset release >/dev/null
cmake --build build/release -j"$(nproc)"
bin=build/release/examples
if [ -x "$bin/autolic_admin" ] && [ -x "$bin/autolic_flex" ] && [ -x "$bin/autolic_ops" ]; then
  exec bash examples/demo.sh "$bin" "$@"
fi
# The example programs need the journal store (include/autolic/sys/journal.h);
# until it is in the tree, the minimal account demonstration runs instead.
echo "note: the example programs are not built (no journal store in this tree);" \
  "running the minimal demonstration" >&2
exec "$bin/autolic_demo" "$@"
