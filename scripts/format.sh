#!/usr/bin/env bash
# Formats the C and C++ files of src/ include/ tests/ examples/ bench/ and
# bindings/ with the one .clang-format at the top of the tree.
# Usage: scripts/format.sh [--check]
#   (none)   reformat the files in place
#   --check  change nothing: list the files whose formatting differs and exit
#            non-zero when there is one (the ctest `format`)
# The formatter is clang-format 14 (CLANG_FORMAT, default clang-format-14;
# scripts/deps.sh installs it): another version formats some constructs
# differently, so the script refuses one that is not 14. Files git tracks or
# would track are formatted; fuzz corpora are not source and are left out.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cf=${CLANG_FORMAT:-clang-format-14}
check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: scripts/format.sh [--check]" >&2; exit 2 ;;
esac
command -v "$cf" >/dev/null || { echo "$cf not found (scripts/deps.sh installs it)" >&2; exit 2; }
"$cf" --version | grep -q "version 14\." ||
  { echo "$cf is not clang-format 14: $("$cf" --version)" >&2; exit 2; }
cd "$root"
dirs=(src include tests examples bench bindings)
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  list() { git ls-files --cached --others --exclude-standard -- "${dirs[@]}"; }
else
  list() { find "${dirs[@]}" -type f 2>/dev/null; }
fi
files=()
while IFS= read -r f; do
  [ -f "$f" ] && files+=("$f")
done < <(list | grep -E '\.(c|h|cc|cpp|cxx|hh|hpp)$' | grep -v '/corpus/' | sort -u)
if [ "$check" = 0 ]; then
  "$cf" --style=file -i "${files[@]}"
  exit 0
fi
differ=0
for f in "${files[@]}"; do
  if ! "$cf" --style=file "$f" | cmp -s "$f" -; then
    echo "$f"
    differ=$((differ + 1))
  fi
done
if [ "$differ" -gt 0 ]; then
  echo "$differ of ${#files[@]} files differ from .clang-format: run scripts/format.sh" >&2
  exit 1
fi
