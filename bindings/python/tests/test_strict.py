"""SEAM-6: the binding keeps every rule. A text with an embedded NUL or an
integer out of its C type's range is refused before any C call (never
truncated or wrapped), and a repeated Flex idempotency key gives back the first
result (FLEX-13), not an exception.

Each case names what the binding did before: a NUL truncated the text, an
out-of-range integer wrapped (2**64 + 1 became 1, -1 became 2**64 - 1), and a
repeated key raised Duplicate.
"""
import ctypes
import os
import tempfile
import unittest

import helpers  # noqa: F401
import autolic
from autolic import _api, _lib, account, contract, flex, journal, seat, team

T0 = 1_700_000_000
YEAR = 365 * 86400


class Clock:
    def __init__(self, t):
        self.t = t

    def __call__(self):
        return self.t


class Scenario(unittest.TestCase):
    def setUp(self):
        self.clock = Clock(T0)
        self.db = autolic.Database(clock=self.clock)
        self.ada = account.register(self.db, "ada@example.com", "Ada", "Lovelace")
        self.team = team.create(self.db, self.ada, "Engines")

    def tearDown(self):
        self.db.close()

    def emails(self):
        return [a.email for a in account.listing(self.db)]


class TestNul(Scenario):
    """Text with a NUL: ValueError, and nothing stored (it used to be cut at the NUL)."""

    def test_email_and_names(self):
        for text in ("victim@example.com\0tail", b"victim@example.com\0tail"):
            with self.subTest(text=text):
                with self.assertRaises(ValueError):
                    account.register(self.db, text)
        with self.assertRaises(ValueError):
            account.register(self.db, "eve@example.com", "Eve\0Admin", "E")
        with self.assertRaises(ValueError):
            account.invite(self.db, self.ada, self.team, "bob@example.com", "Bob", "B\0x")
        with self.assertRaises(ValueError):
            account.invite_text(self.db, self.ada, self.team, "Bob B <bob@example.com>\0junk")
        with self.assertRaises(ValueError):
            account.update(self.db, self.ada, self.ada, first_name="Ada\0Evil")
        with self.assertRaises(ValueError):
            account.find(self.db, "ada@example.com\0x")
        with self.assertRaises(ValueError):
            account.import_(self.db, self.ada, self.team, "c@example.com\0\nd@example.com\n",
                            account.ImportFormat.LIST)
        self.assertEqual(self.emails(), ["ada@example.com"])
        self.assertEqual(account.get(self.db, self.ada).first_name, "Ada")

    def test_team_and_product_names(self):
        with self.assertRaises(ValueError):
            team.create(self.db, self.ada, "Engines\0Other")
        self.assertEqual([m.team for m in team.teams_of(self.db, self.ada)], [self.team])
        with self.assertRaises(ValueError):
            contract.buy(self.db, self.ada, self.team, [("fusion\0x", 1)], T0, T0 + YEAR)
        self.assertEqual(list(contract.contracts(self.db, self.team)), [])
        c = contract.buy(self.db, self.ada, self.team, [("fusion", 2)], T0, T0 + YEAR)
        with self.assertRaises(ValueError):
            seat.grant(self.db, self.ada, c, "fusion\0x", self.ada)
        with self.assertRaises(ValueError):  # a list item
            seat.set_access(self.db, self.ada, c, self.ada, ["fusion", "fusion\0x"])
        self.assertEqual(seat.summary(self.db, c, "fusion").granted, 0)
        with self.assertRaises(ValueError):
            flex.product_set(self.db, "maya\0x", "Maya", 6)
        with self.assertRaises(NotFound_or_invalid()):
            flex.product_get(self.db, "maya")
        flex.product_set(self.db, "maya", "Maya", 6)
        with self.assertRaises(ValueError):
            flex.defaults_set(self.db, self.ada, self.team, ["maya", "maya\0x"])

    def test_idempotency_keys_do_not_collide(self):  # FLEX-13 keys with a NUL
        flex.product_set(self.db, "maya", "Maya", 6)
        flex.lot_buy(self.db, self.ada, self.team, "SUB-1", 100, T0)
        flex.user_assign(self.db, self.ada, self.team, self.ada)
        self.clock.t = T0 + 10
        for key in ("k\0a", b"k\0b"):
            with self.subTest(key=key):
                with self.assertRaises(ValueError):
                    flex.report(self.db, flex.ReportKind.LAUNCH, key, T0 + 10, team=self.team,
                                account=self.ada, product="maya")
        self.assertEqual(flex.team_get(self.db, self.team).balance, 100)
        # "k" is still free: the refused keys were never stored as "k".
        r = flex.report(self.db, flex.ReportKind.LAUNCH, "k", T0 + 10, team=self.team,
                        account=self.ada, product="maya")
        self.assertFalse(r.repeated)
        self.assertEqual(r.charged, 6)

    def test_journal_path(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "licences.journal")
            with self.assertRaises(ValueError):
                journal.JournalStore(path + "\0.bak")
            self.assertEqual(os.listdir(d), [])

    def test_raw_table_refuses_nul_bytes(self):
        # The table-level check: even bytes handed straight to a bound function.
        out = autolic._api.core.autolic_id()
        with self.assertRaises(ValueError):
            autolic.C.autolic_account_find(self.db, b"ada@example.com\0x", ctypes.byref(out))
        with self.assertRaises(ValueError):  # a variadic argument
            autolic.C.autolic_storage_set_error(b"%s", b"a\0b")

    def test_storage_error_text(self):
        # A backend's message is text for C: a NUL is written as \\0, not cut there.
        autolic.storage.set_error("disk\0full")
        with self.assertRaises(autolic.StorageError) as cm:
            autolic.storage.result(autolic.errors.StorageError.code)
        self.assertIn("disk\\0full", cm.exception.message)
        self.assertEqual(autolic.storage.result(0), 0)

        class Failing(autolic.SqliteBackend):
            def put(self, key, value):
                raise autolic.StorageError("disk\0full")
        with autolic.Database(storage=Failing()) as db:
            with self.assertRaises(autolic.StorageError) as cm:
                account.register(db, "x@example.com")
            self.assertIn("disk\\0full", cm.exception.message)


def NotFound_or_invalid():
    return (autolic.NotFound, autolic.InvalidArgument)


class TestRange(Scenario):
    """Integers out of the C type's range: OverflowError (they used to wrap)."""

    def test_id_beyond_uint64(self):
        with self.assertRaises(OverflowError):
            account.get(self.db, 2 ** 64 + self.ada)  # used to read account `ada`
        with self.assertRaises(OverflowError):
            team.get(self.db, 2 ** 64 + self.team)

    def test_negative_to_unsigned(self):
        with self.assertRaises(OverflowError):
            account.get(self.db, -1)  # used to ask for 2**64 - 1 (NotFound)
        c = contract.buy(self.db, self.ada, self.team, [("fusion", 1)], T0, T0 + YEAR)
        with self.assertRaises(OverflowError):
            contract.buy(self.db, self.ada, self.team, [("maya", -1)], T0, T0 + YEAR)
        with self.assertRaises(OverflowError):
            seat.grant(self.db, self.ada, c, "fusion", -1)
        self.assertEqual(seat.summary(self.db, c, "fusion").granted, 0)

    def test_quantity_beyond_uint32_buys_nothing(self):
        with self.assertRaises(OverflowError):  # used to buy a contract of 1 seat
            contract.buy(self.db, self.ada, self.team, [("fusion", 2 ** 32 + 1)], T0, T0 + YEAR)
        self.assertEqual(list(contract.contracts(self.db, self.team)), [])
        c = contract.buy(self.db, self.ada, self.team, [("fusion", 1)], T0, T0 + YEAR)
        with self.assertRaises(OverflowError):
            contract.set_quantity(self.db, self.ada, c, "fusion", 2 ** 63)
        self.assertEqual(seat.summary(self.db, c, "fusion").quantity, 1)
        with self.assertRaises(OverflowError):
            autolic.ops.subscription_buy(self.db, self.ada, self.ada,
                                         autolic.ops.Kind.SHOP_FLOOR, 2 ** 32 + 3, T0,
                                         T0 + YEAR)

    def test_array_items(self):
        c = contract.buy(self.db, self.ada, self.team, [("fusion", 1)], T0, T0 + YEAR)
        with self.assertRaises(OverflowError):  # used to grant the seat to `ada`
            seat.import_(self.db, self.ada, c, [(2 ** 64 + self.ada, "fusion")])
        self.assertEqual(seat.summary(self.db, c, "fusion").granted, 0)

    def test_int64_amounts_and_times(self):
        with self.assertRaises(OverflowError):
            flex.lot_buy(self.db, self.ada, self.team, "SUB-1", 2 ** 63, T0)
        with self.assertRaises(OverflowError):
            flex.product_set(self.db, "maya", "Maya", -2 ** 63 - 1)
        with self.assertRaises(OverflowError):
            flex.balance_at(self.db, self.team, 2 ** 63)
        self.assertEqual(flex.team_get(self.db, self.team).balance, 0)

    def test_types(self):
        with self.assertRaises(TypeError):  # a bool is no id
            account.get(self.db, True)
        with self.assertRaises(TypeError):
            account.get(self.db, 1.0)
        with self.assertRaises(TypeError):
            account.get(self.db, "1")
        # An IntEnum is an integer; a C int flag takes a bool.
        self.assertEqual(account.get(self.db, account.AccountState.INVITED).id, self.ada)
        self.assertEqual(_lib._checker(ctypes.c_int, "flag")(True), 1)
        with self.assertRaises(TypeError):
            _lib._checker(ctypes.c_uint, "count")(True)

    def test_structure_fields(self):
        with self.assertRaises(OverflowError):
            _api.flex.autolic_flex_lot_spec(1, b"S", 2 ** 63, 0)
        spec = _api.flex.autolic_flex_lot_spec()
        with self.assertRaises(OverflowError):
            spec.quantity = -2 ** 63 - 1
        with self.assertRaises(OverflowError):
            spec.version = -1
        with self.assertRaises(ValueError):
            spec.subscription = b"S\0x"
        spec.quantity = 5
        self.assertEqual(spec.quantity, 5)


class TestEveryDeclaration(unittest.TestCase):
    """The checks are applied from the declaration table: every integer parameter and
    every text parameter of every declared function, every field of every structure.
    The C function is never reached (the check runs first), so no state is needed."""

    @staticmethod
    def filler(t):
        return 0 if _lib.int_range(t) is not None else None

    def test_every_integer_and_text_parameter(self):
        n_int = n_text = 0
        for name, (_mod, decl) in _lib.TABLE.items():
            argtypes = list(decl[1])
            fn = getattr(autolic.C, name)
            for i, t in enumerate(argtypes):
                args = [self.filler(a) for a in argtypes]
                rng = _lib.int_range(t)
                if rng is not None:
                    n_int += 1
                    for bad in (rng[0] - 1, rng[1] + 1):
                        args[i] = bad
                        with self.subTest(function=name, parameter=i + 1, value=bad):
                            with self.assertRaises(OverflowError):
                                fn(*args)
                elif t is ctypes.c_char_p:
                    n_text += 1
                    args[i] = b"a\0b"
                    with self.subTest(function=name, parameter=i + 1):
                        with self.assertRaises(ValueError):
                            fn(*args)
        self.assertGreater(n_int, 100)
        self.assertGreater(n_text, 20)

    def test_every_structure_is_checked(self):
        classes = set()
        for mod in _api.modules():
            for obj in vars(mod).values():
                if isinstance(obj, type) and issubclass(obj, ctypes.Structure) \
                        and obj is not ctypes.Structure:
                    classes.add(obj)
        self.assertGreater(len(classes), 20)
        self.assertEqual(classes - _lib.CHECKED_STRUCTURES, set())
        for cls in classes:
            for field in cls._fields_:
                fname, ftype = field[0], field[1]
                rng = _lib.int_range(ftype)
                s = cls()
                if rng is not None:
                    for bad in (rng[0] - 1, rng[1] + 1):
                        with self.subTest(structure=cls.__name__, field=fname, value=bad):
                            with self.assertRaises(OverflowError):
                                setattr(s, fname, bad)
                elif ftype is ctypes.c_char_p:
                    with self.subTest(structure=cls.__name__, field=fname):
                        with self.assertRaises(ValueError):
                            setattr(s, fname, b"a\0b")


class TestRepeatedReport(Scenario):
    """FLEX-13: the same key twice charges once and returns the first result."""

    def setUp(self):
        super().setUp()
        flex.product_set(self.db, "maya", "Maya", 6)
        flex.lot_buy(self.db, self.ada, self.team, "SUB-1", 100, T0)
        self.bob = flex.user_assign(self.db, self.ada, self.team, person="Bob B <bob@example.com>")
        self.clock.t = T0 + 60

    def launch(self, key, at):
        return flex.report(self.db, flex.ReportKind.LAUNCH, key, at, team=self.team,
                           account=self.bob, product="maya")

    def test_repeated_launch(self):
        first = self.launch("launch-1", T0 + 60)
        self.assertFalse(first.repeated)
        self.assertEqual((first.reason, first.charged), (flex.Reason.CHARGED, 6))
        self.clock.t = T0 + 3600
        again = self.launch("launch-1", T0 + 60)  # used to raise Duplicate
        self.assertTrue(again.repeated)
        self.assertEqual(again, flex.Result(**{**first.__dict__, "repeated": True}))
        self.assertEqual(flex.team_get(self.db, self.team).balance, 94)
        consumed = [e for e in flex.ledger(self.db, self.team, T0, T0 + YEAR)
                    if e.type == flex.EntryType.CONSUME]
        self.assertEqual(len(consumed), 1)

    def test_repeated_close_keeps_its_refund(self):  # FLEX-4 result given back
        s = self.launch("launch-1", T0 + 60)
        self.clock.t = T0 + 100
        close = flex.report(self.db, flex.ReportKind.CLOSE, "close-1", T0 + 100, session=s.session)
        self.assertEqual(close.refunded, 6)
        again = flex.report(self.db, flex.ReportKind.CLOSE, "close-1", T0 + 100,
                            session=s.session)
        self.assertTrue(again.repeated)
        self.assertEqual(again.refunded, 6)
        self.assertEqual(flex.team_get(self.db, self.team).balance, 100)

    def test_key_reused_for_another_report_raises(self):
        self.launch("launch-1", T0 + 60)
        with self.assertRaises(autolic.Exists):
            flex.report(self.db, flex.ReportKind.LAUNCH, "launch-1", T0 + 60, team=self.team,
                        account=self.ada, product="maya")


if __name__ == "__main__":
    unittest.main()
