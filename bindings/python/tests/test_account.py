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


class Clock:
    def __init__(self, t):
        self.t = t

    def __call__(self):
        return self.t


class TestTeamMembers(unittest.TestCase):
    """invite, invite_text, accept, resend, update, remove, import_ and listing end to
    end (each was missing from the binding)."""

    def setUp(self):
        self.clock = Clock(T0)
        self.events = []
        self.db = autolic.Database(clock=self.clock, on_event=self.events.append)
        self.admin = account.register(self.db, "admin@example.com", "Ada", "Admin")
        self.team = autolic.team.create(self.db, self.admin, "Engines")

    def tearDown(self):
        self.db.close()

    def ids(self, team=0):
        return [a.id for a in account.listing(self.db, team)]

    def test_invite_accept(self):  # ACCT-3, ACCT-4
        uid = account.invite(self.db, self.admin, self.team, "Bob@Example.com", "Bob", "Builder",
                             "fr")
        bob = account.get(self.db, uid)
        self.assertEqual((bob.email, bob.first_name, bob.last_name, bob.language, bob.state,
                          bob.invited_by),
                         ("bob@example.com", "Bob", "Builder", "fr",
                          account.AccountState.INVITED, self.admin))
        self.assertEqual(bob.invitation_expires,
                         dt.datetime.fromtimestamp(T0 + 604800, dt.timezone.utc))
        self.assertIn(autolic.EventType.INVITATION_SENT, [e.type for e in self.events])
        self.assertEqual(autolic.team.role(self.db, self.team, uid), autolic.team.TeamRole.USER)
        with self.assertRaises(autolic.Exists):  # already a member
            account.invite(self.db, self.admin, self.team, "bob@example.com")
        with self.assertRaises(autolic.InvalidArgument):  # a new person needs names
            account.invite(self.db, self.admin, self.team, "new@example.com")
        with self.assertRaises(autolic.PermissionDenied):  # ROLE-7: a user may not invite
            account.invite(self.db, uid, self.team, "eve@example.com", "Eve", "E")
        account.accept(self.db, uid)
        self.assertEqual(account.get(self.db, uid).state, account.AccountState.ACTIVE)
        with self.assertRaises(autolic.StateError):
            account.accept(self.db, uid)

    def test_invite_text(self):  # ACCT-3 text form
        uid = account.invite_text(self.db, self.admin, self.team,
                                  "Grace Brewster Hopper <GRACE@example.com>")
        g = account.get(self.db, uid)
        self.assertEqual((g.email, g.first_name, g.last_name),
                         ("grace@example.com", "Grace", "Brewster Hopper"))
        with self.assertRaises(autolic.InvalidArgument):
            account.invite_text(self.db, self.admin, self.team, "Grace <not-an-email>")

    def test_expired_invitation_resend(self):  # ACCT-4
        uid = account.invite(self.db, self.admin, self.team, "c@example.com", "C", "D")
        self.clock.t = T0 + 604800 + 1
        self.assertEqual(account.get(self.db, uid).state, account.AccountState.EXPIRED)
        with self.assertRaises(autolic.Expired):
            account.accept(self.db, uid)
        account.resend(self.db, self.admin, uid)
        self.assertEqual(account.get(self.db, uid).invitation_expires,
                         dt.datetime.fromtimestamp(self.clock.t + 604800, dt.timezone.utc))
        self.assertIn(autolic.EventType.INVITATION_RESENT, [e.type for e in self.events])
        account.accept(self.db, uid)
        self.assertEqual(account.get(self.db, uid).state, account.AccountState.ACTIVE)
        with self.assertRaises(autolic.StateError):  # nothing to resend
            account.resend(self.db, self.admin, uid)

    def test_update_own_details(self):  # ACCT-2, ROLE-6
        account.update(self.db, self.admin, self.admin, first_name="Augusta")
        a = account.get(self.db, self.admin)
        self.assertEqual((a.email, a.first_name, a.last_name), ("admin@example.com", "Augusta",
                                                                "Admin"))
        account.update(self.db, self.admin, self.admin, email="ADA@example.com", language="de")
        a = account.get(self.db, self.admin)
        self.assertEqual((a.email, a.first_name, a.language), ("ada@example.com", "Augusta",
                                                               "de"))
        other = account.register(self.db, "o@example.com")
        with self.assertRaises(autolic.PermissionDenied):
            account.update(self.db, self.admin, other, first_name="X")
        with self.assertRaises(autolic.Exists):  # ACCT-1
            account.update(self.db, other, other, email="ada@example.com")
        self.assertEqual(account.get(self.db, other).email, "o@example.com")

    def test_remove_frees_seats(self):  # ROLE-6, SEAT-4
        uid = account.invite(self.db, self.admin, self.team, "u@example.com", "U", "Ser")
        c = autolic.contract.buy(self.db, self.admin, self.team, [("fusion", 1)], T0,
                                 T0 + 365 * 86400)
        autolic.seat.grant(self.db, self.admin, c, "fusion", uid)
        self.assertEqual(autolic.seat.summary(self.db, c, "fusion").available, 0)
        account.remove(self.db, self.admin, uid)
        self.assertEqual(account.get(self.db, uid).state, account.AccountState.REMOVED)
        self.assertEqual(autolic.seat.summary(self.db, c, "fusion").available, 1)
        self.assertNotIn(uid, self.ids(self.team))
        with self.assertRaises(autolic.StateError):
            account.remove(self.db, self.admin, uid)

    def test_import_list_and_csv(self):  # ACCT-5
        n = account.import_(self.db, self.admin, self.team,
                            "Ann Able <ann@example.com>\n\nBen Baker <ben@example.com>\n",
                            account.ImportFormat.LIST)
        self.assertEqual(n, 2)
        n = account.import_text(self.db, self.admin, self.team,
                                "email,first_name,last_name,language\n"
                                "cy@example.com,Cy,Cole,fr\n")
        self.assertEqual(n, 1)
        cy = account.get(self.db, account.find(self.db, "cy@example.com"))
        self.assertEqual((cy.first_name, cy.last_name, cy.language, cy.state),
                         ("Cy", "Cole", "fr", account.AccountState.INVITED))
        self.assertEqual(len(self.ids(self.team)), 4)

    def test_import_all_or_nothing(self):  # ACCT-5
        before = self.ids()
        with self.assertRaises(autolic.InvalidArgument) as cm:
            account.import_(self.db, self.admin, self.team,
                            "Dee Dot <dee@example.com>\nbad line\nEd Eel <ed@example.com>\n"
                            "Dee Dot <dee@example.com>\n", account.ImportFormat.LIST)
        lines = [r.line for r in cm.exception.rejected]
        self.assertEqual(lines, [2, 4])
        self.assertTrue(all(r.reason for r in cm.exception.rejected))
        self.assertEqual(self.ids(), before)
        with self.assertRaises(autolic.NotFound):
            account.find(self.db, "dee@example.com")

    def test_listing(self):
        other_team_admin = account.register(self.db, "x@example.com")
        other = autolic.team.create(self.db, other_team_admin, "Other")
        bob = account.invite(self.db, self.admin, self.team, "bob@example.com", "Bob", "B")
        self.assertEqual(self.ids(), [self.admin, other_team_admin, bob])
        self.assertEqual(self.ids(self.team), [self.admin, bob])
        self.assertEqual(self.ids(other), [other_team_admin])
        rows = list(account.listing(self.db, self.team))
        self.assertEqual(rows[1], account.get(self.db, bob))
        with self.assertRaises(autolic.NotFound):
            list(account.listing(self.db, 999))
        it = account.listing(self.db)
        next(it)
        self.db.close()
        with self.assertRaises(autolic.Closed):
            next(it)


if __name__ == "__main__":
    unittest.main()
