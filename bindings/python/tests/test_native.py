"""The binding reads as a Python library: every public function is annotated
and documented (Args/Returns/Raises, shown by help()), a wrong argument type is
reported by the parameter's name, and the package is marked typed."""
import datetime as dt
import inspect
import os
import pydoc
import unittest

import helpers
import autolic
from autolic import account, contract, db, flex, hub, journal, ops, seat, storage, team

MODULES = [autolic, account, contract, db, flex, hub, journal, ops, seat, storage, team,
           autolic.errors, autolic._time]


def public_functions():
    """(qualified name, function) of every public function of the package's
    modules, and of the public methods of its classes (an override without a
    docstring of its own shows the documented base method's, as help() does)."""
    out = []
    for mod in MODULES:
        for name, obj in sorted(vars(mod).items()):
            if name.startswith("_") or not inspect.isfunction(obj):
                continue
            if obj.__module__ != mod.__name__:
                continue  # imported from elsewhere; checked there
            out.append(("%s.%s" % (mod.__name__, name), obj))
    for cls in (autolic.Database, autolic.Backend, autolic.RawStorage, autolic.MemoryStore,
                autolic.JournalStore, autolic.SqliteBackend):
        for name, obj in sorted(vars(cls).items()):
            if not name.startswith("_") and inspect.isfunction(obj):
                out.append(("autolic.%s.%s" % (cls.__name__, name), obj))
    return out


def takes_arguments(fn):
    params = [p for p in inspect.signature(fn).parameters.values() if p.name not in ("self", "cls")]
    return bool(params)


class TestDocumented(unittest.TestCase):
    def test_enough_functions_found(self):
        names = [n for n, _ in public_functions()]
        self.assertGreater(len(names), 90)
        for n in ("autolic.seat.grant", "autolic.flex.report", "autolic.db.check",
                  "autolic.strerror", "autolic.Database.batch"):
            self.assertIn(n, names)

    def test_every_docstring_has_args_and_raises(self):
        missing = []
        for name, fn in public_functions():
            doc = inspect.getdoc(fn) or ""
            if takes_arguments(fn) and "\nArgs:\n" not in doc:
                missing.append("%s: no Args:" % name)
            if "\nRaises:\n" not in doc:
                missing.append("%s: no Raises:" % name)
        self.assertEqual(missing, [])

    def test_args_name_every_parameter(self):
        wrong = []
        for name, fn in public_functions():
            doc = inspect.getdoc(fn) or ""
            if "\nArgs:\n" not in doc:
                continue
            args = doc.split("\nArgs:\n", 1)[1].split("\n\n", 1)[0]
            for p in inspect.signature(fn).parameters.values():
                if p.name in ("self", "cls"):
                    continue
                label = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "") + p.name
                if "    %s:" % label not in "\n" + args.replace("\n", "\n"):
                    wrong.append("%s: %s" % (name, label))
        self.assertEqual(wrong, [])

    def test_help_shows_the_docstring(self):
        text = pydoc.render_doc(seat.grant, renderer=pydoc.plaintext)
        self.assertIn("grant(db: autolic.db.Database, actor: int, contract: int, product: str, "
                      "user: int) -> None", text)
        for part in ("Args:", "Raises:", "NoSeat:", "user: the account receiving the seat"):
            self.assertIn(part, text)


def header_returns():
    """{C function: the AUTOLIC_E* names its header's @return lists}."""
    import glob
    import re
    out = {}
    pattern = re.compile(r"/\*\*((?:(?!\*/).)*)\*/\s*AUTOLIC_EXTERN[^;(]*?\b(autolic_\w+)\s*\(",
                         re.S)
    for path in glob.glob(os.path.join(helpers.REPO_ROOT, "include", "autolic", "**", "*.h"),
                          recursive=True):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for m in pattern.finditer(text):
            r = re.search(r"@return(.*?)(?:\n\s*\*\s*@|\Z)", m.group(1), re.S)
            if r:
                out[m.group(2)] = set(re.findall(r"AUTOLIC_(E[A-Z]+)\b", r.group(1)))
    return out


class TestRaisesFollowTheHeader(unittest.TestCase):
    # Codes every call may return (argument, memory, storage failures) or that
    # the binding returns instead of raising (EDUPLICATE): not listed each time.
    GENERAL = {"EINVAL", "EVERSION", "ENOMEM", "ECONFLICT", "ESTORAGE", "ECORRUPT", "EABORTED",
               "EBUSY", "ELOCKED", "EREADONLY", "EDUPLICATE"}

    def test_raises_names_the_header_codes(self):
        import re
        returns = header_returns()
        self.assertIn("autolic_seat_grant", returns)
        missing = []
        checked = 0
        for name, fn in public_functions():
            doc = inspect.getdoc(fn) or ""
            cnames = re.findall(r"``(autolic_\w+)``", doc.split("\n\n")[0])
            if not cnames or cnames[0] not in returns:
                continue
            checked += 1
            raises = doc.split("\nRaises:\n", 1)[1]
            for code in sorted(returns[cnames[0]] - self.GENERAL):
                cls = autolic.errors.error_class(getattr(autolic.Code, code))
                if "    %s:" % cls.__name__ not in raises:
                    missing.append("%s: %s (%s)" % (name, cls.__name__, code))
        self.assertGreater(checked, 60)
        self.assertEqual(missing, [])


class TestAnnotated(unittest.TestCase):
    def test_every_public_function_is_annotated(self):
        missing = []
        for name, fn in public_functions():
            sig = inspect.signature(fn)
            if sig.return_annotation is inspect.Signature.empty:
                missing.append("%s: return" % name)
            for p in sig.parameters.values():
                if p.name not in ("self", "cls") and p.annotation is inspect.Parameter.empty:
                    missing.append("%s: %s" % (name, p.name))
        self.assertEqual(missing, [])

    def test_dataclasses_are_annotated_with_enums_and_datetimes(self):
        import typing
        hints = typing.get_type_hints(autolic.Event)
        self.assertEqual(hints["time"], dt.datetime)
        self.assertIn(autolic.EventType, typing.get_args(hints["type"]))
        self.assertIn(flex.Reason, typing.get_args(typing.get_type_hints(flex.UsageRow)["reason"]))
        self.assertIn(flex.EntryType, typing.get_args(typing.get_type_hints(flex.Entry)["type"]))
        self.assertIn(account.AccountState,
                      typing.get_args(typing.get_type_hints(account.Account)["state"]))
        self.assertIn(ops.HubState, typing.get_args(typing.get_type_hints(ops.Hub)["state"]))
        self.assertEqual(typing.get_type_hints(contract.Member)["roles"], contract.Roles)

    def test_py_typed_marker(self):
        self.assertTrue(os.path.isfile(os.path.join(os.path.dirname(autolic.__file__), "py.typed")))
        with open(os.path.join(helpers.BINDING_ROOT, "pyproject.toml"), encoding="utf-8") as f:
            self.assertIn('"py.typed"', f.read())


class TestNamedTypeErrors(unittest.TestCase):
    def setUp(self):
        self.db = autolic.Database()
        self.addCleanup(self.db.close)

    def assertNamed(self, message, fn, *args, **kwargs):
        with self.assertRaises(TypeError) as cm:
            fn(*args, **kwargs)
        self.assertNotIsInstance(cm.exception, autolic.Error)
        self.assertEqual(str(cm.exception), message)

    def test_positional_and_keyword(self):
        self.assertNamed("seat.grant(): user must be int, not str",
                         seat.grant, self.db, 1, 2, "autocad", "bob")
        self.assertNamed("seat.grant(): product must be str, not int",
                         seat.grant, self.db, 1, 2, 3, 4)
        self.assertNamed("contract.set_quantity(): quantity must be int, not str",
                         contract.set_quantity, self.db, 1, 2, "autocad", "5")
        self.assertNamed("account.register(): first_name must be str or None, not int",
                         account.register, self.db, "a@example.com", first_name=7)
        self.assertNamed("flex.report(): time must be datetime or int, not float",
                         flex.report, self.db, flex.ReportKind.LAUNCH, "k", 1.5)
        self.assertNamed("account.get(): db must be Database, not str",
                         account.get, "db", 1)
        self.assertNamed("strerror(): code must be int, not str", autolic.strerror, "x")

    def test_raw_functions_name_the_header_parameter(self):
        # autolic.C checks by the header's names too (the _api PARAMS tables).
        with self.assertRaises(TypeError) as cm:
            autolic.C.autolic_seat_grant(self.db, 1, 2, b"autocad", "bob")
        self.assertEqual(str(cm.exception),
                         "autolic_seat_grant(): user must be an integer (uint64), not str")
        with self.assertRaises(OverflowError) as cm:
            autolic.C.autolic_contract_set_quantity(self.db, 1, 2, b"autocad", 2**70, None)
        self.assertTrue(str(cm.exception).startswith("autolic_contract_set_quantity(): quantity: "),
                        str(cm.exception))

    def test_bool_is_not_an_id(self):
        self.assertNamed("account.get(): account_id must be int, not bool",
                         account.get, self.db, True)

    def test_accepted_values_pass_the_check(self):
        uid = account.register(self.db, "ada@example.com", first_name=None)
        t = team.create(self.db, uid, "T")
        self.assertEqual(team.role(self.db, t, uid), team.TeamRole.PRIMARY)
        # an IntEnum for an int, bytes for text, a datetime or an int for a time
        import enum
        Ids = enum.IntEnum("Ids", {"ADA": uid})
        self.assertEqual(account.get(self.db, Ids.ADA).id, uid)
        self.assertEqual(account.find(self.db, b"ada@example.com"), uid)
        self.assertEqual(flex.balance_at(self.db, t, dt.datetime.now(dt.timezone.utc)), 0)
        self.assertEqual(flex.balance_at(self.db, t, 0), 0)


class TestRoles(unittest.TestCase):
    def test_member_roles_are_flags(self):
        with autolic.Database() as d:
            uid = account.register(d, "ada@example.com", "Ada", "L")
            t = team.create(d, uid, "T")
            now = d.now()
            c = contract.buy(d, uid, t, [("autocad", 1)], now, now + dt.timedelta(days=30))
            seat.grant(d, uid, c, "autocad", uid)
            (m,) = list(contract.members(d, c))
            self.assertIsInstance(m.roles, contract.Roles)
            self.assertIn(contract.Roles.MANAGER, m.roles)
            self.assertIn(contract.Roles.USER, m.roles)
            self.assertEqual(m.roles & contract.MANAGER, contract.MANAGER)  # the old int bits
            # a code reported in a field (not raised) is an autolic.Code
            (r,) = seat.set_access(d, uid, c, uid, ["autocad"])
            self.assertIs(r.status, autolic.Code.OK)
            self.assertEqual(r.action, seat.Action.KEEP)

    def test_codes(self):
        self.assertIs(autolic.errors.code(-8), autolic.Code.ENOTOKENS)
        self.assertEqual(autolic.Code.ENOSEAT, autolic.NoSeat.code)
        unknown = autolic.errors.code(-999)  # newer than this binding: a plain int
        self.assertEqual((type(unknown), unknown), (int, -999))
        import typing
        self.assertIn(autolic.Code, typing.get_args(typing.get_type_hints(flex.Result)["end_code"]))


if __name__ == "__main__":
    unittest.main()
