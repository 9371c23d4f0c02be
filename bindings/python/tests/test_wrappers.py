"""Every function the library exports has its Pythonic wrapper in its noun module.

test_symbols.py checks the declaration table (``autolic.C``) against the
library; this checks the layer above it: for each exported function, the
Python callable that a user calls, found by the mapping rule below, exists, is
public, has a docstring, and calls the C function (its source, or the source of
a private helper of its module that it names, references the C name).

The mapping rule, C name -> Python callable:

1. ``EXPLICIT`` when listed there (functions whose Python name differs: the
   database's methods, iterators turned generators, the package's own
   functions...);
2. a function ending in ``_next`` or ``_free`` belongs to the wrapper of its
   opener, ``<stem>_new`` or ``<stem>_open`` (an iterator triple is one
   generator function);
3. otherwise ``autolic_<noun>_<rest>`` is ``autolic.<noun>.<rest>`` (e.g.
   ``autolic_flex_lot_buy`` is ``autolic.flex.lot_buy``).

A new exported function therefore fails this test until its wrapper exists
under the derived name, or an ``EXPLICIT`` entry names it.
"""
import importlib
import inspect
import os
import re
import types
import unittest

import helpers  # noqa: F401
import autolic
from autolic import _lib

import abi

EXPLICIT = {
    # the package and its internals (every error's .message comes from autolic_errmsg)
    "autolic_version": "version",
    "autolic_strerror": "strerror",
    "autolic_errmsg": "_lib",
    # the database handle
    "autolic_db_options_init": "db.Database",
    "autolic_db_open": "db.Database",
    "autolic_db_close": "db.Database",
    "autolic_db_begin": "db.Database.begin",
    "autolic_db_commit": "db.Database.commit",
    "autolic_db_rollback": "db.Database.rollback",
    "autolic_db_now": "db.Database.now",
    # storage backends
    "autolic_storage_set_error": "storage.set_error",
    "autolic_storage_result": "storage.result",
    "autolic_store_memory_new": "storage.MemoryStore",
    "autolic_store_journal_open": "journal.JournalStore",
    "autolic_store_journal_compact": "journal.compact",
    "autolic_journal_options_init": "journal.options",
    # accounts
    "autolic_email_normalize": "account.email_normalize",
    "autolic_person_parse": "account.person_parse",
    "autolic_account_import": "account.import_",
    "autolic_account_iter_new": "account.listing",
    # teams, contracts
    "autolic_team_role_get": "team.role",
    "autolic_team_iter_new": "team.teams_of",
    "autolic_contract_iter_new": "contract.contracts",
    "autolic_contract_member_iter_new": "contract.members",
    # seats
    "autolic_seat_summary_get": "seat.summary",
    "autolic_seat_import": "seat.import_",
    "autolic_seat_iter_next": "seat.user_products",
    "autolic_seat_iter_free": "seat.user_products",
    "autolic_seat_summary_iter_next": "seat.contract_summary",
    "autolic_seat_summary_iter_free": "seat.contract_summary",
    "autolic_seat_report_count": "seat.set_access",
    "autolic_seat_report_get": "seat.set_access",
    "autolic_seat_report_free": "seat.set_access",
    # flex
    "autolic_flex_ledger_open": "flex.ledger",
    "autolic_flex_usage_open": "flex.usage",
    # ops
    "autolic_ops_licences_get": "ops.licences",
    "autolic_ops_operator_iter_new": "ops.operators",
}

#: Targets that may be private (internal plumbing, not a user's call).
INTERNAL = {"_lib"}

COMPANION_SUFFIXES = ("_next", "_free")
OPENER_SUFFIXES = ("_new", "_open")


def noun_modules():
    pkg_dir = os.path.dirname(autolic.__file__)
    return sorted(f[:-3] for f in os.listdir(pkg_dir)
                  if f.endswith(".py") and not f.startswith("_"))


def wrapper_name(c_name, exported, explicit=None):
    """The dotted name (relative to the package) of the wrapper of `c_name`, or None."""
    explicit = EXPLICIT if explicit is None else explicit
    if c_name in explicit:
        return explicit[c_name]
    for suffix in COMPANION_SUFFIXES:
        if c_name.endswith(suffix):
            stem = c_name[:-len(suffix)]
            for opener in (stem + s for s in OPENER_SUFFIXES):
                if opener in exported or opener in explicit:
                    return wrapper_name(opener, exported, explicit)
    m = re.match(r"autolic_([a-z]+)_(\w+)$", c_name)
    if m and m.group(1) in noun_modules():
        return "%s.%s" % (m.group(1), m.group(2))
    return None


def resolve(dotted):
    """The object at `dotted` under the package (module attributes, class attributes)."""
    parts = dotted.split(".")
    obj = autolic
    for i, part in enumerate(parts):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            if isinstance(obj, types.ModuleType):
                obj = importlib.import_module(obj.__name__ + "." + part)
            else:
                raise
    return obj


def source_with_helpers(obj):
    """The source of `obj`, plus that of the module-private functions it names (recursively)."""
    if isinstance(obj, types.ModuleType):
        return inspect.getsource(obj)
    module = inspect.getmodule(obj)
    seen, todo, parts = set(), [obj], []
    while todo:
        o = todo.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        text = inspect.getsource(o)
        parts.append(text)
        for name in re.findall(r"\b(_[A-Za-z]\w*)\s*\(", text):
            helper = getattr(module, name, None)
            if inspect.isfunction(helper) and helper.__module__ == module.__name__:
                todo.append(helper)
    return "\n".join(parts)


def problems(exported, explicit=None):
    """Every exported function without a proper wrapper, as readable lines."""
    out = []
    exported = {n for n in exported if n.startswith("autolic_")}
    for c_name in sorted(exported):
        dotted = wrapper_name(c_name, exported, explicit)
        if dotted is None:
            out.append("%s: no noun module derives from its name; add its wrapper and an "
                       "EXPLICIT entry in tests/test_wrappers.py" % c_name)
            continue
        try:
            obj = resolve(dotted)
        except (AttributeError, ImportError):
            out.append("%s: autolic.%s does not exist (write the wrapper, or map it in EXPLICIT)"
                       % (c_name, dotted))
            continue
        if dotted not in INTERNAL and any(p.startswith("_") for p in dotted.split(".")):
            out.append("%s: autolic.%s is private" % (c_name, dotted))
        if not (callable(obj) or dotted in INTERNAL):
            out.append("%s: autolic.%s is not callable" % (c_name, dotted))
            continue
        if dotted not in INTERNAL and not (inspect.getdoc(obj) or "").strip():
            out.append("%s: autolic.%s has no docstring" % (c_name, dotted))
        if not re.search(r"\b%s\b" % re.escape(c_name), source_with_helpers(obj)):
            out.append("%s: autolic.%s does not call it" % (c_name, dotted))
    return out


class TestEveryFunctionIsWrapped(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        path = os.path.realpath(_lib.library_path)
        if not os.path.isfile(path):
            raise unittest.SkipTest("the library was found by name: set AUTOLIC_LIBRARY")
        cls.exported = abi.elf_exported_functions(path)

    def test_every_exported_function_has_its_wrapper(self):
        found = problems(self.exported)
        self.assertEqual(found, [], "\n  " + "\n  ".join(found))

    def test_explicit_entries_are_exported(self):
        # A stale entry (a renamed or removed function) is a mistake too.
        self.assertEqual(sorted(set(EXPLICIT) - self.exported), [])

    def test_account_module_is_complete(self):
        names = sorted(n for n in self.exported if n.startswith("autolic_account_"))
        self.assertEqual(len(names), 13)
        mapped = {wrapper_name(n, self.exported) for n in names}
        self.assertEqual(mapped, {"account.register", "account.get", "account.find",
                                  "account.invite", "account.invite_text", "account.accept",
                                  "account.resend", "account.update", "account.remove",
                                  "account.import_", "account.listing"})


class TestCheckerCatchesMistakes(unittest.TestCase):
    """The rule itself: each kind of gap is reported."""

    def test_new_unwrapped_function(self):
        # e.g. a new Flex function merged without its Python wrapper
        found = problems({"autolic_flex_rollback_set", "autolic_flex_lot_buy"})
        self.assertEqual(len(found), 1)
        self.assertIn("autolic_flex_rollback_set: autolic.flex.rollback_set does not exist",
                      found[0])

    def test_unknown_noun(self):
        found = problems({"autolic_widget_make"})
        self.assertIn("no noun module", found[0])

    def test_wrapper_that_does_not_call_it(self):
        found = problems({"autolic_account_get"}, {"autolic_account_get": "account.find"})
        self.assertEqual(found, ["autolic_account_get: autolic.account.find does not call it"])

    def test_private_wrapper(self):
        found = problems({"autolic_account_get"},
                         {"autolic_account_get": "account._account_from_c"})
        self.assertTrue(any("is private" in p for p in found), found)

    def test_companions_follow_their_opener(self):
        exported = {"autolic_flex_ledger_open", "autolic_flex_ledger_next",
                    "autolic_flex_ledger_free"}
        self.assertEqual({wrapper_name(n, exported) for n in exported}, {"flex.ledger"})
        self.assertEqual(problems(exported), [])

    def test_helpers_are_followed(self):
        # seat.user_products calls the iterator through the private seat._entries
        self.assertIn("autolic_seat_iter_next", source_with_helpers(autolic.seat.user_products))
        self.assertNotIn("autolic_seat_iter_next",
                         inspect.getsource(autolic.seat.user_products))


if __name__ == "__main__":
    unittest.main()
