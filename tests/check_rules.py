#!/usr/bin/env python3
"""Keeps docs/rules.md honest.

Fails (exit 1) when:
  (a) a rule ID cited in include/, src/, tests/, bindings/python/, examples/
      or docs/ is not defined in docs/rules.md;
  (b) a rule is defined twice, or its heading has no anchor of its own;
  (c) a function named in docs/rules.md (autolic_name()) is not declared in
      include/;
  (d) a test named in docs/rules.md (path::name) does not exist: a C test
      must be a function of that file registered with cmocka_unit_test, a
      Python test a method or function `def name` of that file.

Usage: check_rules.py [source-dir]
"""
import os
import re
import sys

AREAS = "ACCT|ROLE|SEAT|FLEX|OPS|APS|SEAM|NOTE|IN"
# A rule ID: an area, a dash and one or two digits, not part of a longer
# token (FLEX-2025-0001 is a token subscription ID, not a rule).
RULE_ID = re.compile(r"(?<![\w-])(?:%s)-\d{1,2}(?![\w-])" % AREAS)
HEADING = re.compile(r"^### ((?:%s)-\d{1,2})(?![\w-])" % AREAS)
ANCHOR = re.compile(r'^<a id="(rule-[a-z]+-\d+)"></a>\s*$')
FUNC = re.compile(r"\b(autolic_[a-z0-9_]+)\(\)")
TEST = re.compile(r"\b((?:tests|bindings/python/tests)/[\w/]+\.(?:c|py))\\?::(\w+)")
SCAN_DIRS = ["include", "src", "tests", "bindings/python", "examples", "docs"]
SCAN_EXT = (".h", ".c", ".py", ".md", ".cmake", ".sh", ".txt")
SKIP_DIRS = {"_build", "__pycache__", "build"}


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def cited_ids(root, rules_md):
    """Every rule ID cited outside docs/rules.md: {id: first 'file:line'}."""
    seen = {}
    for d in SCAN_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, d)):
            dirnames[:] = sorted(n for n in dirnames if n not in SKIP_DIRS)
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                if not name.endswith(SCAN_EXT) or os.path.samefile(path, rules_md):
                    continue
                for no, line in enumerate(read(path).splitlines(), 1):
                    for rid in RULE_ID.findall(line):
                        seen.setdefault(rid, "%s:%d" % (os.path.relpath(path, root), no))
    return seen


def declared_functions(root):
    names = set()
    for dirpath, _, filenames in os.walk(os.path.join(root, "include")):
        for name in filenames:
            if name.endswith(".h"):
                text = read(os.path.join(dirpath, name))
                names.update(re.findall(r"\bAUTOLIC_EXTERN\b[^;]*?\b(autolic_\w+)\s*\(", text, re.S))
    return names


def test_exists(root, path, name):
    full = os.path.join(root, path)
    if not os.path.isfile(full):
        return False
    text = read(full)
    if path.endswith(".py"):
        return re.search(r"^\s*def %s\s*\(" % re.escape(name), text, re.M) is not None
    defined = re.search(r"^(?:static\s+)?void\s+%s\s*\(\s*void\s*\*\*" % re.escape(name), text, re.M)
    registered = re.search(r"\bcmocka_unit_test\w*\s*\(\s*%s\b" % re.escape(name), text)
    return bool(defined and registered)


def main(argv):
    args = argv[1:]
    root = os.path.abspath(args[0] if args else os.path.join(os.path.dirname(__file__), ".."))
    rules_md = os.path.join(root, "docs", "rules.md")
    errors = []

    lines = read(rules_md).splitlines()
    defined = {}
    for i, line in enumerate(lines):
        m = HEADING.match(line)
        if not m:
            continue
        rid = m.group(1)
        if rid in defined:
            errors.append("(b) %s is defined twice in docs/rules.md (lines %d and %d)"
                          % (rid, defined[rid], i + 1))
        defined.setdefault(rid, i + 1)
        want = "rule-" + rid.lower()
        a = ANCHOR.match(lines[i - 1]) if i > 0 else None
        if not a or a.group(1) != want:
            errors.append('(b) %s (docs/rules.md:%d) is not preceded by <a id="%s"></a>'
                          % (rid, i + 1, want))

    for rid, where in sorted(cited_ids(root, rules_md).items()):
        if rid not in defined:
            errors.append("(a) %s is cited at %s but not defined in docs/rules.md" % (rid, where))

    declared = declared_functions(root)
    nfunc = ntest = 0
    for no, line in enumerate(lines, 1):
        funcs = FUNC.findall(line)
        tests = TEST.findall(line)
        for f in funcs:
            nfunc += 1
            if f not in declared:
                errors.append("(c) docs/rules.md:%d names %s(), which include/ does not declare"
                              % (no, f))
        for path, name in tests:
            ntest += 1
            if not test_exists(root, path, name):
                errors.append("(d) docs/rules.md:%d names %s::%s, which does not exist"
                              % (no, path, name))

    print("%d rules defined, %d function and %d test references checked"
          % (len(defined), nfunc, ntest))
    for e in errors:
        print("FAIL " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
