"""Account helpers (ACCT-1, ACCT-2, ACCT-3 parsing) over the memory store and the
Python sqlite3 backend: the same calls, the same answers."""
import datetime as dt
import unittest

import helpers  # noqa: F401
import autolic
from autolic import account

T0 = 1_700_000_000


class AccountCases:
    def make_storage(self):
        raise NotImplementedError

    def setUp(self):
        self.db = autolic.Database(storage=self.make_storage(), clock=lambda: T0)

    def tearDown(self):
        self.db.close()

    def test_register_get_find(self):  # ACCT-1, ACCT-2
        uid = account.register(self.db, "Ada.Lovelace@Example.COM", "Ada", "Lovelace", "fr-CH")
        self.assertGreater(uid, 0)
        a = account.get(self.db, uid)
        self.assertEqual(a, account.Account(
            uid, "ada.lovelace@example.com", "Ada", "Lovelace", "fr-CH",
            account.AccountState.ACTIVE, dt.datetime.fromtimestamp(T0, dt.timezone.utc), None,
            None))
        self.assertEqual(account.find(self.db, "ADA.LOVELACE@example.com"), uid)
        b = account.register(self.db, "bob@example.com")
        self.assertNotEqual(b, uid)
        bob = account.get(self.db, b)
        self.assertEqual((bob.first_name, bob.last_name, bob.language), ("", "", "en"))

    def test_unicode_names(self):
        uid = account.register(self.db, "z@example.com", "Zoë", "Ørsted-Çelik")
        a = account.get(self.db, uid)
        self.assertEqual((a.first_name, a.last_name), ("Zoë", "Ørsted-Çelik"))

    def test_email_unique_case_insensitive(self):  # ACCT-1
        account.register(self.db, "a@example.com")
        with self.assertRaises(autolic.Exists) as cm:
            account.register(self.db, "A@EXAMPLE.com")
        self.assertIn("ACCT-1", cm.exception.message)

    def test_bad_input(self):
        with self.assertRaises(autolic.InvalidArgument):
            account.register(self.db, "not an email")
        with self.assertRaises(autolic.InvalidArgument):
            account.register(self.db, "a@example.com", "x" * 101)
        with self.assertRaises(autolic.NotFound):
            account.get(self.db, 424242)
        with self.assertRaises(autolic.NotFound):
            account.find(self.db, "nobody@example.com")
        with self.assertRaises(autolic.InvalidArgument):
            account.find(self.db, "bad@")
        with self.assertRaises(TypeError):
            account.register(self.db, 42)

    def test_failed_register_changes_nothing(self):
        account.register(self.db, "a@example.com")
        with self.assertRaises(autolic.Exists):
            account.register(self.db, "a@example.com")
        second = account.register(self.db, "b@example.com")
        self.assertEqual(account.find(self.db, "b@example.com"), second)


class TestAccountsMemory(AccountCases, unittest.TestCase):
    def make_storage(self):
        return None  # the default memory store


class TestAccountsExplicitMemoryStore(AccountCases, unittest.TestCase):
    def make_storage(self):
        return autolic.MemoryStore()


class TestAccountsPythonSqlite(AccountCases, unittest.TestCase):
    def make_storage(self):
        return autolic.SqliteBackend()


class TestPureHelpers(unittest.TestCase):
    def test_email_normalize(self):  # ACCT-1
        self.assertEqual(account.email_normalize("Ada@Example.COM"), "ada@example.com")
        self.assertEqual(account.email_normalize(b"x@y.org"), "x@y.org")
        for bad in ("", "a", "a@b", "a@@b.com", "a b@c.com", "a@.com", "a@b..com", "<a@b.com>",
                    "x" * 65 + "@b.com"):
            with self.subTest(bad=bad):
                with self.assertRaises(autolic.InvalidArgument) as cm:
                    account.email_normalize(bad)
                self.assertTrue(cm.exception.message)

    def test_person_parse(self):  # ACCT-3 text form
        self.assertEqual(account.person_parse("Ada Byron Lovelace <ADA@example.com>"),
                         account.Person("ada@example.com", "Ada", "Byron Lovelace"))
        self.assertEqual(account.person_parse("  bob@example.com "),
                         account.Person("bob@example.com", "", ""))
        with self.assertRaises(autolic.InvalidArgument):
            account.person_parse("Ada <not-an-email>")


if __name__ == "__main__":
    unittest.main()
