#!/usr/bin/env python3
"""The floors of src/: the files call one another without a cycle.

The graph is read from the compiled objects, not from the text: for each
object file of the library, `nm` lists the functions it defines (T) and the
names it uses but does not define (U). File A calls into file B when A uses
a name that B defines. What the compiler saw is what is checked: a call
through a macro or an inline helper of a header counts, a name in a comment
or a string does not, and a `static` function (t) is nobody else's.

The check fails, naming the files and one call along each edge of the cycle,
when a strongly connected component of that graph holds more than one file.
It then checks the declared floors (FLOORS below, lowest first,
docs/architecture.md): a file calls only into its own floor or the floors
below it.

Usage: check_layers.py <source dir> <object file>...
(ctest `layers` passes the objects of the target autolic_objects), or
check_layers.py --self-test [C compiler] (ctest `layers_self_test`): the
check on small files it compiles, with a cycle, a call up and neither.
"""
import os
import pathlib
import re
import subprocess
import sys

# The floors, lowest first; a file is on the floor of the first pattern that
# matches its path under src/ (a regular expression, matched in full). A file
# calls into its own floor or the floors below it, never above.
FLOORS = [
    ("core", [r"core/.*"]),
    ("store", [r"store/.*"]),
    ("rules", [r"flex_rules\.c", r"ops_rules\.c"]),
    ("records", [r"level\.c", r"authz\.c", r"[a-z]+_records\.c"]),
    ("nouns", [r"account\.c", r"team\.c", r"hub\.c", r"contract(_[a-z]+)?\.c",
               r"seat(_[a-z]+)?\.c", r"flex_[a-z]+\.c", r"ops(_[a-z]+)?\.c", r"notification\.c"]),
    ("cascades", [r"cascade\.c", r"upgrade\.c"]),
]

# Calls that go up a floor today, each named with its reason; they are left
# out of the graph. Every other call up, or any cycle, fails. The list only
# shrinks: a call named here that the objects no longer make is noted, so that
# its line goes.
KNOWN = {
    **{("core/db.c", b): "autolic_db_open() runs the one-time upgrades and "
       "autolic_db_check() every noun's check: the handle's calls belong above "
       "the nouns"
       for b in ("account_records.c", "contract_check.c", "flex_catalog.c",
                 "flex_report.c", "ops_operators.c", "seat_check.c", "seat_upgrade.c",
                 "team.c", "upgrade.c", "notification.c")},
    ("core/db.c", "store/memory.c"): "a handle opened without a storage makes a "
    "memory store",
    ("store/journal_replay.c", "store/journal.c"): "the replay reads through the "
    "journal's default file calls",
    ("core/txn.c", "core/db.c"): "a transaction asks its handle whether a batch "
    "is open",
    ("flex_records.c", "team.c"): "the Flex records check the team they name",
    ("core/txn.c", "core/note.c"): "the runner records each event as a notice in the "
    "transaction that raises it (NOTE-1)",
}


def source_name(obj: str) -> str:
    """build/.../CMakeFiles/autolic_objects.dir/src/seat.c.o -> seat.c"""
    m = re.search(r"\.dir/(?:src/)?(.*)\.o$", obj.replace("\\", "/"))
    return m.group(1) if m else pathlib.Path(obj).name


def symbols(obj: str):
    out = subprocess.run([os.environ.get("NM", "nm"), "-P", obj], check=True, capture_output=True,
                         text=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name, kind = parts[0], parts[1]
        if kind in ("T", "W"):
            defined.add(name)
        elif kind == "U":
            used.add(name)
    return defined, used


def components(nodes, edges):
    """Tarjan's strongly connected components, iterative."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            nxt = next(it, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, iter(sorted(edges.get(nxt, ())))))
                elif nxt in on:
                    low[v] = min(low[v], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(sorted(comp))
    return out


def cycle_in(comp, edges):
    """One cycle through the component's first file, as a list of files."""
    members = set(comp)
    start = comp[0]
    # breadth-first back to start
    prev = {start: None}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(edges.get(v, ())):
            if w == start:
                path = [v]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return list(reversed(path)) + [start]
            if w in members and w not in prev:
                prev[w] = v
                queue.append(w)
    return comp


def floor_of(name, floors=None):
    for i, (_, patterns) in enumerate(FLOORS if floors is None else floors):
        if any(re.fullmatch(p, name) for p in patterns):
            return i
    return None


def check(objs, floors, known):
    """The problems of the objects' call graph, one line each (none: it holds)."""
    out = []
    defs, uses = {}, {}
    for obj in objs:
        name = source_name(obj)
        defs[name], uses[name] = symbols(obj)
    owner = {}
    for name, syms in defs.items():
        for s in syms:
            owner[s] = name
    edges, why = {}, {}
    for a, used in uses.items():
        for s in sorted(used):
            b = owner.get(s)
            if b and b != a:
                why.setdefault((a, b), s)
    fail = 0
    reasons = {}
    for (a, b), reason in sorted(known.items()):
        if (a, b) in why:
            reasons.setdefault(reason, []).append(f"{a} -> {b} ({why.pop((a, b))})")
        else:
            out.append(f"layers: note: {a} no longer calls into {b}: its line in KNOWN "
                       "(tests/check_layers.py) can go")
    for reason, calls in reasons.items():
        out.append(f"layers: known, left out: {', '.join(calls)}: {reason}")
    for a, b in why:
        edges.setdefault(a, set()).add(b)
    for comp in components(defs.keys(), edges):
        if len(comp) < 2:
            continue
        fail = 1
        cyc = cycle_in(comp, edges)
        out.append(f"layers: a cycle between {len(comp)} files of src/: {', '.join(comp)}")
        for a, b in zip(cyc, cyc[1:]):
            out.append(f"  {a} -> {b} (calls {why[(a, b)]})")
    unplaced = sorted(n for n in defs if floor_of(n, floors) is None)
    if unplaced:
        fail = 1
        out.append("layers: files on no floor (add them to FLOORS in tests/check_layers.py): "
                   + ", ".join(unplaced))
    for (a, b), s in sorted(why.items()):
        fa, fb = floor_of(a, floors), floor_of(b, floors)
        if fa is not None and fb is not None and fb > fa:
            fail = 1
            out.append(f"layers: {a} ({floors[fa][0]}) calls up into {b} ({floors[fb][0]}): {s}")
    if not fail:
        out.append(f"layers: {len(defs)} files, {sum(len(v) for v in edges.values())} calls "
                   "between files, no cycle, every call on its floor or below")
    return fail, out


def self_test(cc):
    """The check itself, on three small files compiled here: a cycle, a call
    up a floor and a clean graph are told apart."""
    import tempfile
    cases = [
        # (what a.c calls, what b.c calls, what the check must find)
        ("b", "a", "a cycle between 2 files of src/: a.c, b.c"),
        ("", "a", "b.c (low) calls up into a.c (high): a"),
        ("b", "", "no cycle, every call on its floor or below"),
    ]
    floors = [("low", [r"b\.c", r"c\.c"]), ("high", [r"a\.c"])]
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for a_calls, b_calls, want in cases:
            objs = []
            for name, calls in (("a", a_calls), ("b", b_calls), ("c", "")):
                body = f"int {calls}(void); " if calls else ""
                body += f"int {name}(void) {{ return {calls + '()' if calls else '0'}; }}\n"
                src = pathlib.Path(tmp, f"{name}.c")
                src.write_text(body)
                obj = pathlib.Path(tmp, f"t.dir/{name}.c.o")
                obj.parent.mkdir(exist_ok=True)
                subprocess.run([cc, "-c", str(src), "-o", str(obj)], check=True)
                objs.append(str(obj))
            _, out = check(objs, floors, {})
            if not any(want in line for line in out):
                bad = 1
                print(f"layers self-test: a.c calls '{a_calls}', b.c calls '{b_calls}': "
                      f"wanted '{want}', got:", *out, sep="\n  ")
    print("layers self-test:", "failed" if bad else f"{len(cases)} graphs told apart")
    return bad


def main() -> int:
    if len(sys.argv) >= 2 and sys.argv[1] == "--self-test":
        return self_test(sys.argv[2] if len(sys.argv) > 2 else os.environ.get("CC", "cc"))
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    # a CMake list ($<TARGET_OBJECTS:...>) comes as one argument
    objs = [o for arg in sys.argv[2:] for o in arg.split(";") if o]
    fail, out = check(objs, FLOORS, KNOWN)
    print("\n".join(out))
    return fail


if __name__ == "__main__":
    sys.exit(main())
