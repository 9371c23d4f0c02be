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

The same mapping checks NULL against None (:func:`null_problems`): a pointer
parameter whose header ``@param`` says NULL is accepted ("or NULL", "may be
NULL", "NULL for ...") is the wrapper's parameter of the same name, annotated
to accept None and documented (its ``Args:`` line says what None means); a
pointer parameter the header does not let be NULL has no such parameter
accepting None. ``[out]`` parameters are the wrapper's return value, not
parameters; any other difference is listed in ``NULL_EXCEPTIONS`` with its reason.
"""
import importlib
import inspect
import os
import re
import types
import typing
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
    "autolic_error_last": "_lib",  # every error's .rule, .objects, .numbers
    "autolic_object_kind_name": "errors.object_kind_name",
    "autolic_error_unit_name": "errors.unit_name",
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
    "autolic_import_format_name": "account.import_format_name",
    "autolic_event_type_name": "db.event_type_name",
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
    "autolic_note_iter_new": "note.notices",
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


#: (C function, parameter) documented as accepting NULL that the wrapper does not
#: take as a parameter accepting None, on purpose -> why.
NULL_EXCEPTIONS = {
    ("autolic_db_open", "opts"):
        "Database() builds the options from its keyword arguments (each None for the default)",
    ("autolic_store_journal_open", "opts"):
        "JournalStore() builds the options from its keyword arguments",
    ("autolic_store_memory_new", "alloc"):
        "the binding has no allocators: it always passes NULL (libc)",
    ("autolic_account_import", "on_error"):
        "the binding passes its own callback and lists the refused lines on the exception",
    ("autolic_flex_defaults_set", "products"):
        "NULL only with n 0, and n is the sequence's length: an empty sequence is that call",
    ("autolic_seat_set_access", "products"):
        "NULL only with n 0, and n is the sequence's length: an empty sequence is that call",
    ("autolic_seat_report_count", "report"):
        "the report never reaches Python: seat.set_access() reads the one it was given",
}

#: (C function, parameter) the header does not let be NULL although the wrapper's
#: parameter accepts None, because the wrapper passes a value of its own for None -> what.
NONE_DEFAULTED: typing.Dict[typing.Tuple[str, str], str] = {}


def _signature_target(obj):
    """The function whose parameters a user passes: a class's __init__, else `obj`."""
    return obj.__init__ if inspect.isclass(obj) else obj


def accepts_none(hint):
    """Whether an annotation admits None (``Optional[...]``, a Union with None, Any);
    a string annotation (a name known only to the type checker) is read as text."""
    if isinstance(hint, str):
        return bool(re.match(r"\s*(Optional\[|Any\s*$|None\s*$)", hint)
                    or re.search(r"\bNone\b", hint) and hint.lstrip().startswith("Union["))
    if hint is typing.Any or hint is type(None) or hint is None:
        return True
    unions = (typing.Union, getattr(types, "UnionType", typing.Union))  # Optional[X], X | None
    return typing.get_origin(hint) in unions and type(None) in typing.get_args(hint)


def _args_line(fn, name):
    """The text of `name`'s entry in the docstring's Args: section ("" when missing)."""
    doc = inspect.getdoc(fn) or ""
    if "\nArgs:\n" not in doc:
        return ""
    args = doc.split("\nArgs:\n", 1)[1].split("\n\n", 1)[0]
    m = re.search(r"^    %s:(.*?)(?=^    \S|\Z)" % re.escape(name), args, re.S | re.M)
    return " ".join(m.group(1).split()) if m else ""


def null_problems(exported, docs, pointers, lookup=None, exceptions=None, defaulted=None):
    """Every wrapper parameter whose None disagrees with its C parameter's NULL.

    `docs` is :func:`abi.header_param_docs`; `pointers` maps a C function to the
    names of its pointer parameters; `lookup(c_name)` gives (dotted name,
    wrapper) or None (default: the mapping rule of :func:`wrapper_name`).
    """
    exceptions = NULL_EXCEPTIONS if exceptions is None else exceptions
    defaulted = NONE_DEFAULTED if defaulted is None else defaulted
    if lookup is None:
        def lookup(c_name):
            dotted = wrapper_name(c_name, exported)
            if dotted is None or dotted in INTERNAL:
                return None
            try:
                return dotted, resolve(dotted)
            except (AttributeError, ImportError):
                return None  # reported by problems()
    out = []
    for c_name in sorted(set(docs) & set(exported)):
        found = lookup(c_name)
        if found is None:
            continue
        dotted, fn = found[0], _signature_target(found[1])
        try:
            params = inspect.signature(fn).parameters
        except (TypeError, ValueError):
            continue
        try:
            hints = typing.get_type_hints(fn)
        except NameError:  # a forward reference under TYPE_CHECKING: read its text
            hints = {n: p.annotation for n, p in params.items()}
        for name in pointers.get(c_name, ()):
            direction, text = docs[c_name].get(name, ("", ""))
            if "out" in direction and "in" not in direction:
                continue  # returned by the wrapper, not passed to it
            where = "%s(%s) -> autolic.%s" % (c_name, name, dotted)
            hint = hints.get(name)
            takes_none = name in params and accepts_none(hint)
            if abi.accepts_null(text):
                if (c_name, name) in exceptions:
                    continue
                if name not in params:
                    out.append("%s: the header accepts NULL but the wrapper has no parameter "
                               "%s (rename it, or list it in NULL_EXCEPTIONS)" % (where, name))
                elif not takes_none:
                    out.append("%s: the header accepts NULL but %s is annotated %s, not "
                               "Optional" % (where, name, hint))
                elif "None" not in _args_line(fn, name):
                    out.append("%s: the Args: entry of %s does not say what None means"
                               % (where, name))
            elif takes_none and (c_name, name) not in defaulted:
                out.append("%s: the header does not accept NULL but %s is annotated %s"
                           % (where, name, hint))
    return out


def pointer_parameters():
    """{C function: names of its pointer parameters}, named as the _api PARAMS tables
    name them (the header's names) or else as the prototype does."""
    from autolic import _api
    protos, _enums, fnptrs = abi.parse_headers(os.path.join(helpers.REPO_ROOT, "include"))
    names = {}
    for mod in _api.modules():
        names.update(getattr(mod, "PARAMS", {}))
    out = {}
    for c_name, proto in protos.items():
        pnames = names.get(c_name) or [abi.param_name(p) for p in proto.params]
        out[c_name] = {n for n, p in zip(pnames, proto.params)
                       if n and ("*" in p or "[" in p or abi._type_of(p)[1] in fnptrs)}
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
        self.assertEqual(len(names), 15)
        mapped = {wrapper_name(n, self.exported) for n in names}
        self.assertEqual(mapped, {"account.register", "account.get", "account.find",
                                  "account.invite", "account.invite_text", "account.accept",
                                  "account.resend", "account.update", "account.remove",
                                  "account.import_", "account.listing", "account.spec_init",
                                  "account.state_name"})


class TestNoneIsNull(unittest.TestCase):
    """A C parameter that takes NULL takes None in Python, and only such a one."""

    @classmethod
    def setUpClass(cls):
        path = os.path.realpath(_lib.library_path)
        if not os.path.isfile(path):
            raise unittest.SkipTest("the library was found by name: set AUTOLIC_LIBRARY")
        cls.exported = abi.elf_exported_functions(path)
        cls.docs = abi.header_param_docs(os.path.join(helpers.REPO_ROOT, "include"))
        cls.pointers = pointer_parameters()

    def test_every_null_is_a_none(self):
        found = null_problems(self.exported, self.docs, self.pointers)
        self.assertEqual(found, [], "\n  " + "\n  ".join(found))

    def test_the_header_is_read(self):
        self.assertEqual(self.docs["autolic_flex_product_set"]["name"][0], "")
        self.assertTrue(abi.accepts_null(self.docs["autolic_flex_product_set"]["name"][1]))
        self.assertFalse(abi.accepts_null(self.docs["autolic_flex_product_set"]["code"][1]))
        self.assertEqual(self.docs["autolic_team_create"]["id"][0], "out")
        self.assertEqual(self.docs["autolic_store_journal_open"]["opts"][0], "in")
        self.assertIn("name", self.pointers["autolic_flex_product_set"])
        self.assertNotIn("rate", self.pointers["autolic_flex_product_set"])
        self.assertIn("on_error", self.pointers["autolic_account_import"])  # a callback
        nulls = {(c, p) for c, ps in self.docs.items() for p, (d, t) in ps.items()
                 if abi.accepts_null(t) and "out" not in d and c in self.exported}
        self.assertGreaterEqual(len(nulls), 8, nulls)

    def test_exceptions_are_current(self):
        # each exception names a parameter the header still lets be NULL
        for c_name, name in list(NULL_EXCEPTIONS) + list(NONE_DEFAULTED):
            self.assertIn(c_name, self.exported)
            self.assertIn(name, self.pointers[c_name], c_name)
        for c_name, name in NULL_EXCEPTIONS:
            self.assertTrue(abi.accepts_null(self.docs[c_name][name][1]), (c_name, name))
        for c_name, name in NONE_DEFAULTED:
            self.assertFalse(abi.accepts_null(self.docs[c_name][name][1]), (c_name, name))

    def test_the_rule_catches_each_mismatch(self):
        docs = {"autolic_x_set": {"db": ("", "the handle."),
                                  "name": ("", "the name, or NULL to keep it."),
                                  "code": ("", "the code."),
                                  "id": ("out", "the id (may be NULL).")}}
        pointers = {"autolic_x_set": {"db", "name", "code", "id"}}

        def check(fn):
            return null_problems({"autolic_x_set"}, docs, pointers,
                                 lookup=lambda c: ("x.set", fn), exceptions={}, defaulted={})

        def good(db: object, name: typing.Optional[str], code: str) -> None:
            """Set it.

            Args:
                db: the handle.
                name: the name, or None to keep it.
                code: the code.
            """

        def not_optional(db: object, name: str, code: str) -> None:
            """Set it.

            Args:
                db: the handle.
                name: the name.
                code: the code.
            """

        def undocumented(db: object, name: typing.Optional[str], code: str) -> None:
            """Set it.

            Args:
                db: the handle.
                name: the name.
                code: the code.
            """

        def optional_code(db: object, name: typing.Optional[str],
                          code: typing.Optional[str]) -> None:
            """Set it.

            Args:
                db: the handle.
                name: the name, or None to keep it.
                code: the code, or None.
            """

        def renamed(db: object, label: typing.Optional[str], code: str) -> None:
            """Set it.

            Args:
                db: the handle.
                label: the name, or None to keep it.
                code: the code.
            """

        self.assertEqual(check(good), [])
        self.assertEqual(len(check(not_optional)), 1)
        self.assertIn("not Optional", check(not_optional)[0])
        self.assertIn("does not say what None means", check(undocumented)[0])
        self.assertIn("does not accept NULL", check(optional_code)[0])
        self.assertIn("has no parameter name", check(renamed)[0])

    def test_product_set_takes_none(self):
        # the case this rule was written for: keep the name, change the rate
        with autolic.Database() as d:
            autolic.flex.product_set(d, "fusion", "Fusion", 5)
            autolic.flex.product_set(d, "fusion", None, 7)
            info = autolic.flex.product_get(d, "fusion")
            self.assertEqual((info.name, info.rate), ("Fusion", 7))


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
