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


if __name__ == "__main__":
    unittest.main()
