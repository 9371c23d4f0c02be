"""Pieces shared by the reference-model tests in this directory.

A model test drives the library through the Python binding with seeded random
call sequences and, after every call, compares the outcome and the whole
visible state with a pure-Python reference written from the rules. This file
holds what such a test needs whatever the nouns: the expected outcome of a
call (a list of faults, any of which the library may report), the rule ID
named by an error message, a controllable clock, a structural diff of two
state snapshots, and the loading of the binding from the source tree.
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

#: Error codes (include/autolic/common.h), by name, for the models.
EINVAL = -2
ENOTFOUND = -4
EEXISTS = -5
EPERM = -6
ENOSEAT = -7
ENOTOKENS = -8
ENOLICENCE = -9
ENOOPLICENCE = -10
EEXPIRED = -11
ESTATE = -18

CODE_NAMES = {
    0: "OK", -1: "ERROR", -2: "EINVAL", -3: "ENOMEM", -4: "ENOTFOUND", -5: "EEXISTS",
    -6: "EPERM", -7: "ENOSEAT", -8: "ENOTOKENS", -9: "ENOLICENCE", -10: "ENOOPLICENCE",
    -11: "EEXPIRED", -12: "ECONFLICT", -13: "ELOCKED", -14: "ECORRUPT", -15: "ESTORAGE",
    -16: "EABORTED", -17: "EVERSION", -18: "ESTATE", -19: "EREADONLY", -20: "EBUSY",
    -21: "ITEROVER", -22: "EDUPLICATE",
}

_RULE = re.compile(r"\b(ACCT|ROLE|SEAT|FLEX|OPS|APS|SEAM|NOTE|IN)-\d+\b")


def rule_of(message):
    """The first rule ID a message names ("SEAT-2: all seats in use..." -> "SEAT-2"), or None."""
    m = _RULE.search(message or "")
    return m.group(0) if m else None


def rules_of(message):
    """Every rule ID a message names, in order ("APS-3: ROLE-7: ..." -> ["APS-3", "ROLE-7"])."""
    return [m.group(0) for m in _RULE.finditer(message or "")]


def import_binding():
    """Import the binding of this source tree (AUTOLIC_LIBRARY names the library)."""
    path = os.path.join(REPO, "bindings", "python")
    if path not in sys.path:
        sys.path.insert(0, path)
    import autolic  # noqa: E402
    return autolic


class Clock:
    """The handle's clock: an int the driver moves forward."""

    def __init__(self, t):
        self.t = t

    def __call__(self):
        return self.t


class Faults:
    """What the rules say against a call: every (code, rule IDs) that refuses it.

    An empty list means the call must succeed. When several faults apply the
    library may report any one of them (the rules do not order the checks),
    but it must report one, with its code and, when the fault names rules and
    the message names one, one of those rules.
    """

    def __init__(self):
        self.items = []

    def add(self, code, *rules):
        self.items.append((code, frozenset(rules)))
        return self

    def __bool__(self):
        return bool(self.items)

    def accepts(self, code, message):
        """None when (code, message) is an acceptable refusal, else why not."""
        named = set(rules_of(message))
        codes = [f for f in self.items if f[0] == code]
        if not codes:
            return "code %s is none of the expected %s" % (CODE_NAMES.get(code, code), self)
        if not named or any(not rules or named & rules for _, rules in codes):
            return None
        return "message names %s, expected one of %s" % (
            ", ".join(sorted(named)), sorted(set().union(*(r for _, r in codes))))

    def __str__(self):
        if not self.items:
            return "OK"
        return " | ".join("%s%s" % (CODE_NAMES.get(c, c),
                                    "(" + ",".join(sorted(r)) + ")" if r else "")
                          for c, r in self.items)


class AnyValue:
    """A snapshot field the rules leave open (compares equal to anything)."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __repr__(self):
        return "ANY"

    __hash__ = object.__hash__


ANY = AnyValue()


def diff(expected, actual, path="", out=None, limit=30):
    """Differences between two snapshots (nested dicts, tuples, lists, sets, scalars)."""
    if out is None:
        out = []
    if len(out) >= limit:
        return out
    if isinstance(expected, AnyValue):
        return out
    if isinstance(expected, dict) and isinstance(actual, dict):
        for k in sorted(set(expected) | set(actual), key=repr):
            if k not in actual:
                out.append("%s[%r]: expected %r, missing" % (path, k, expected[k]))
            elif k not in expected:
                out.append("%s[%r]: unexpected %r" % (path, k, actual[k]))
            else:
                diff(expected[k], actual[k], "%s[%r]" % (path, k), out, limit)
        return out
    if isinstance(expected, (set, frozenset)) and isinstance(actual, (set, frozenset)):
        if expected != actual:
            out.append("%s: expected %r, got %r (missing %r, extra %r)" % (
                path, sorted(expected, key=repr), sorted(actual, key=repr),
                sorted(expected - actual, key=repr), sorted(actual - expected, key=repr)))
        return out
    if isinstance(expected, tuple) and hasattr(expected, "_fields") \
            and type(expected) is type(actual):
        for name, e, a in zip(expected._fields, expected, actual):
            diff(e, a, "%s.%s" % (path, name), out, limit)
        return out
    if isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple)) \
            and len(expected) == len(actual):
        for i, (e, a) in enumerate(zip(expected, actual)):
            diff(e, a, "%s[%d]" % (path, i), out, limit)
        return out
    if not (expected == actual):
        out.append("%s: expected %r, got %r" % (path, expected, actual))
    return out
