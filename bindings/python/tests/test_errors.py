"""Exceptions: one subclass per code, the library's message, unknown codes."""
import ctypes
import pickle
import unittest

import helpers  # noqa: F401
import autolic
from autolic import errors
from autolic._api import core as C


class TestErrors(unittest.TestCase):
    def test_one_subclass_per_code(self):
        names = {
            C.EINVAL: "InvalidArgument", C.ENOMEM: "NoMemory", C.ENOTFOUND: "NotFound",
            C.EEXISTS: "Exists", C.EPERM: "PermissionDenied", C.ENOSEAT: "NoSeat",
            C.ENOTOKENS: "NotEnoughTokens", C.ENOLICENCE: "NoLicence",
            C.ENOOPLICENCE: "NoOperatorLicence", C.EEXPIRED: "Expired",
            C.ECONFLICT: "Conflict", C.ELOCKED: "Locked", C.ECORRUPT: "Corrupt",
            C.ESTORAGE: "StorageError", C.EABORTED: "Aborted", C.EVERSION: "VersionError",
            C.ESTATE: "StateError", C.EREADONLY: "ReadOnly", C.EBUSY: "Busy",
            C.EDUPLICATE: "Duplicate",
        }
        for code, name in names.items():
            cls = errors.error_class(code)
            self.assertEqual(cls.__name__, name)
            self.assertIs(getattr(autolic, name), cls)
            self.assertTrue(issubclass(cls, autolic.Error))
            self.assertEqual(cls.code, code)
        self.assertEqual(len(set(errors.BY_CODE.values())), len(names))

    def test_generic_and_unknown_codes(self):
        self.assertIs(errors.error_class(C.ERROR), autolic.Error)
        e = errors.make_error(-999, "from the future", "autolic_x", autolic.strerror(-999))
        self.assertIs(type(e), autolic.Error)
        self.assertEqual(e.code, -999)
        self.assertIn("from the future", str(e))
        self.assertEqual(autolic.strerror(-999), "unknown error")

    def test_raised_with_detailed_message(self):
        with self.assertRaises(autolic.InvalidArgument) as cm:
            autolic.account.email_normalize("no-at-sign")
        e = cm.exception
        self.assertEqual(e.code, C.EINVAL)
        self.assertIn("ACCT-1", e.message)
        self.assertEqual(e.function, "autolic_email_normalize")
        self.assertEqual(e.strerror, "invalid argument")
        self.assertIn("ACCT-1", str(e))
        self.assertIsInstance(e, ValueError)

    def test_pickles(self):
        e = errors.make_error(C.ENOSEAT, "SEAT-2: all seats in use", "autolic_seat_grant", "x",
                              "SEAT-2",
                              [autolic.ErrorObject(autolic.ObjectKind.CONTRACT, 7, "C-1")],
                              [autolic.ErrorNumber("used", 3, autolic.Unit.COUNT)])
        back = pickle.loads(pickle.dumps(e))
        self.assertIs(type(back), autolic.NoSeat)
        self.assertEqual((back.message, back.code, back.function), (e.message, e.code, e.function))
        self.assertEqual((back.rule, back.objects, back.numbers), (e.rule, e.objects, e.numbers))
        self.assertEqual(back.number("used"), 3)
        self.assertIsNone(back.number("limit"))

    def test_str_says_it_once(self):
        # the message already says what the code's text says: no doubling
        e = errors.make_error(C.ENOSEAT, "SEAT-2: all 3 seats are in use", "autolic_seat_grant",
                              "all seats in use")
        self.assertEqual(str(e), "SEAT-2: all 3 seats are in use (in autolic_seat_grant)")
        self.assertEqual(str(errors.make_error(C.ENOSEAT, "", None, "all seats in use")),
                         "all seats in use")

    def test_structured_fields_of_a_refusal(self):
        """rule, objects and numbers come from autolic_error_last(): an IN-3
        refusal names the rule and carries the time and the seconds added."""
        near_end = 2**63 - 10
        db = autolic.Database(clock=lambda: near_end)
        self.addCleanup(db.close)
        ada = autolic.account.register(db, "ada@example.com")
        t = autolic.team.create(db, ada, "T")
        with self.assertRaises(autolic.InvalidArgument) as cm:
            autolic.account.invite(db, ada, t, "bob@example.com", "Bob", "Byte")
        e = cm.exception
        self.assertEqual(e.rule, "IN-3")
        self.assertEqual(e.code, C.EINVAL)
        self.assertEqual(e.numbers, (autolic.ErrorNumber("time", near_end, autolic.Unit.TIME),
                                     autolic.ErrorNumber("added", 7 * 86400,
                                                         autolic.Unit.SECONDS)))
        self.assertIsInstance(e.numbers[0].unit, autolic.Unit)
        # the time in the text is ISO-8601 UTC, not epoch seconds
        self.assertIn("+292277026596-12-04T15:29:58Z", e.message)
        self.assertNotIn(str(near_end), e.message)

    def test_fields_without_a_rule(self):
        with self.assertRaises(autolic.InvalidArgument) as cm:
            autolic.C.autolic_db_begin(None)
        e = cm.exception
        self.assertEqual((e.rule, e.objects, e.numbers), ("", (), ()))
        self.assertEqual(e.message, "db is NULL")

    def test_unknown_kinds_stay_ints(self):
        self.assertIs(errors.object_kind(C.OBJECT_CONTRACT), autolic.ObjectKind.CONTRACT)
        self.assertEqual(errors.object_kind(999), 999)
        self.assertEqual(errors.unit(77), 77)

    def test_version_error_from_options_init(self):
        opts = C.autolic_db_options()
        with self.assertRaises(autolic.VersionError) as cm:
            autolic.C.autolic_db_options_init(ctypes.byref(opts), 99)
        self.assertIn("99", cm.exception.message)

    def test_non_int_functions_are_not_checked(self):
        # autolic_strerror returns a pointer: never raises, whatever the code.
        self.assertEqual(autolic.C.autolic_strerror(-21), b"no more items")
        self.assertIsNone(autolic.C.autolic_db_close(None))

    def test_iterover_is_returned_not_raised(self):
        from autolic._lib import _check_int
        self.assertEqual(_check_int(C.ITEROVER, autolic.C.autolic_db_begin, ()), C.ITEROVER)
        self.assertEqual(_check_int(0, autolic.C.autolic_db_begin, ()), 0)
        with self.assertRaises(autolic.Busy):
            _check_int(C.EBUSY, autolic.C.autolic_db_begin, ())

    def test_storage_result_publishes_backend_text(self):
        # What a Python backend's own entry point would end with.
        autolic.C.autolic_storage_set_error(b"%s", b"my backend: cannot reach the server")
        with self.assertRaises(autolic.StorageError) as cm:
            autolic.C.autolic_storage_result(C.ESTORAGE)
        self.assertEqual(cm.exception.message, "my backend: cannot reach the server")
        self.assertEqual(autolic.C.autolic_storage_result(0), 0)

    def test_version(self):
        # version_info is a tuple (like sys.version_info), not a function.
        self.assertIsInstance(autolic.version_info, tuple)
        self.assertEqual(len(autolic.version_info), 3)
        self.assertEqual(autolic.version(), "%d.%d.%d" % autolic.version_info)
        self.assertGreaterEqual(autolic.version_info, (1, 0, 0))

    def test_closed_is_an_error(self):
        self.assertTrue(issubclass(autolic.Closed, autolic.Error))
        self.assertTrue(issubclass(autolic.Closed, ValueError))  # as before
        db = autolic.Database()
        db.close()
        with self.assertRaises(autolic.Error) as cm:
            autolic.account.register(db, "a@example.com")
        self.assertIsInstance(cm.exception, autolic.Closed)
        self.assertIn("closed", str(cm.exception))

    def test_every_exception_is_an_error(self):
        for name in autolic.__all__:
            obj = getattr(autolic, name)
            if isinstance(obj, type) and issubclass(obj, BaseException):
                self.assertTrue(issubclass(obj, autolic.Error), name)


if __name__ == "__main__":
    unittest.main()
