#!/usr/bin/env python3
"""The layout of src/: no .c or .h file over 1,500 lines.

A file that outgrows the limit is split along its layers (records, rules,
use cases: docs/architecture.md). Usage: check_layout.py <source dir>
"""
import pathlib
import sys

MAX_LINES = 1500


def main() -> int:
    src = pathlib.Path(sys.argv[1]) / "src"
    files = sorted(p for p in src.rglob("*") if p.suffix in (".c", ".h") and p.is_file())
    if not files:
        print(f"layout: no source files under {src}")
        return 1
    too_long = []
    for p in files:
        n = p.read_bytes().count(b"\n")
        if n > MAX_LINES:
            too_long.append(f"  {p.relative_to(src.parent)}: {n} lines")
    if too_long:
        print(f"layout: files over {MAX_LINES} lines; split them along their layers "
              "(docs/architecture.md):")
        print("\n".join(too_long))
        return 1
    print(f"layout: {len(files)} files, none over {MAX_LINES} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
