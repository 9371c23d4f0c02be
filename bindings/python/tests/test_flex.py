"""Flex through the Pythonic layer: buy tokens, launch, close within 300 s and
see the refund in the ledger generator (FLEX-1, refund rule)."""
import datetime as dt
import unittest

import helpers  # noqa: F401
import autolic
from autolic import account, flex, team

T0 = 1_700_000_000
UTC = dt.timezone.utc


class FlexScenario(unittest.TestCase):
    def setUp(self):
        self.now = T0
        self.db = autolic.Database(clock=lambda: self.now)
        self.ada = account.register(self.db, "ada@example.com")
        self.team = team.create(self.db, self.ada, "T")
        flex.product_set(self.db, "FUSION", "Fusion", 10)

    def tearDown(self):
        self.db.close()

    def test_buy_launch_refund(self):
        self.assertEqual(flex.product_get(self.db, "FUSION").rate, 10)
        lot = flex.lot_buy(self.db, self.ada, self.team, "SUB-1", 100,
                           dt.datetime.fromtimestamp(T0, UTC))
        self.assertEqual(flex.lot_get(self.db, lot).remaining, 100)
        self.assertEqual(flex.team_get(self.db, self.team).balance, 100)
        uid = flex.user_assign(self.db, self.ada, self.team, person="Bob Byte <bob@example.com>")
        self.assertTrue(flex.user_allowed(self.db, self.team, uid, "FUSION"))
        self.now = T0 + 60
        r = flex.report(self.db, flex.ReportKind.LAUNCH, "k1", T0 + 60, team=self.team,
                        account=uid, product="FUSION")
        self.assertEqual((r.reason, r.charged), (flex.Reason.CHARGED, 10))
        self.assertEqual(flex.team_get(self.db, self.team).balance, 90)
        self.now = T0 + 200
        c = flex.report(self.db, flex.ReportKind.CLOSE, "k2", T0 + 200, session=r.session)
        self.assertEqual(c.refunded, 10)
        self.assertEqual(flex.team_get(self.db, self.team).balance, 100)
        entries = list(flex.ledger(self.db, self.team, T0, T0 + 86400))
        self.assertEqual([(e.type, e.amount) for e in entries],
                         [(flex.EntryType.PURCHASE, 100), (flex.EntryType.CONSUME, -10),
                          (flex.EntryType.REFUND, 10)])
        self.assertEqual(entries[1].time, dt.datetime.fromtimestamp(T0 + 60, UTC))
        refunds = list(flex.ledger(self.db, self.team, T0, T0 + 86400,
                                   flex.mask(flex.EntryType.REFUND)))
        self.assertEqual(len(refunds), 1)
        flex.check(self.db, self.team)

    def test_not_enough_tokens(self):
        flex.lot_buy(self.db, self.ada, self.team, "SUB-1", 5, T0)
        self.now = T0 + 1
        uid = flex.user_assign(self.db, self.ada, self.team, person="Cy Cle <c@example.com>")
        with self.assertRaises(autolic.NotEnoughTokens):
            flex.report(self.db, flex.ReportKind.LAUNCH, "k", T0 + 1, team=self.team,
                        account=uid, product="FUSION")

    def test_late_report_horizon(self):
        """SEAM-4: a report older than the team's horizon is refused; the horizon is
        48 hours unless an administrator sets it (0 to 30 days)."""
        flex.lot_buy(self.db, self.ada, self.team, "SUB-1", 100, T0)
        uid = flex.user_assign(self.db, self.ada, self.team, person="Cy Cle <c@example.com>")
        self.assertEqual(flex.horizon_get(self.db, self.team), 48 * 3600)
        self.now = T0 + 3 * 86400
        with self.assertRaises(autolic.StateError) as cm:
            flex.report(self.db, flex.ReportKind.LAUNCH, "k1", self.now - 48 * 3600 - 1,
                        team=self.team, account=uid, product="FUSION")
        self.assertIn("SEAM-4", str(cm.exception))
        self.assertEqual(flex.team_get(self.db, self.team).balance, 100)
        r = flex.report(self.db, flex.ReportKind.LAUNCH, "k2", self.now - 48 * 3600,
                        team=self.team, account=uid, product="FUSION")
        self.assertEqual(r.charged, 10)
        with self.assertRaises(autolic.PermissionDenied):
            flex.horizon_set(self.db, uid, self.team, 3600)
        with self.assertRaises(autolic.InvalidArgument):
            flex.horizon_set(self.db, self.ada, self.team, 30 * 86400 + 1)
        flex.horizon_set(self.db, self.ada, self.team, 3 * 86400)
        self.assertEqual(flex.horizon_get(self.db, self.team), 3 * 86400)
        flex.product_set(self.db, "MAYA", "Maya", 6)
        # the refused key was never stored: the host may send it again
        r = flex.report(self.db, flex.ReportKind.LAUNCH, "k1", self.now - 60 * 3600,
                        team=self.team, account=uid, product="MAYA")
        self.assertEqual(r.charged, 6)
        self.assertEqual(flex.team_get(self.db, self.team).balance, 84)
        flex.check(self.db, self.team)


if __name__ == "__main__":
    unittest.main()
