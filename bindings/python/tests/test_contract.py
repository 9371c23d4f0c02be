"""Teams, hubs, contracts and seats through the Pythonic layer: buy a contract,
grant seats until the SEAT-2 refusal, list members and seats (generators)."""
import datetime as dt
import unittest

import helpers  # noqa: F401
import autolic
from autolic import account, contract, flex, hub, seat, team

T0 = 1_700_000_000
UTC = dt.timezone.utc


class ContractScenario(unittest.TestCase):
    def setUp(self):
        self.db = autolic.Database(clock=lambda: T0)
        self.ada = account.register(self.db, "ada@example.com", "Ada", "Lovelace")
        self.team = team.create(self.db, self.ada, "Analytical Engines")

    def tearDown(self):
        self.db.close()

    def test_team(self):  # APS-1, ROLE-3
        t = team.get(self.db, self.team)
        self.assertEqual((t.name, t.primary), ("Analytical Engines", self.ada))
        self.assertEqual(t.created, dt.datetime.fromtimestamp(T0, UTC))
        bob = account.register(self.db, "bob@example.com")
        self.assertEqual(team.role(self.db, self.team, bob), team.TeamRole.NONE)
        team.add_admin(self.db, self.ada, self.team, bob)
        self.assertEqual(team.role(self.db, self.team, bob), team.TeamRole.SECONDARY)
        with self.assertRaises(autolic.PermissionDenied):
            team.add_admin(self.db, bob, self.team, account.register(self.db, "c@example.com"))
        team.set_primary(self.db, self.ada, self.team, bob)
        self.assertEqual(team.get(self.db, self.team).primary, bob)
        other = team.create(self.db, bob, "Bob's bench")
        self.assertEqual(list(team.teams_of(self.db, bob)),
                         [team.Membership(self.team, "Analytical Engines", team.TeamRole.PRIMARY),
                          team.Membership(other, "Bob's bench", team.TeamRole.PRIMARY)])
        self.assertEqual([(m.team, m.role) for m in team.teams_of(self.db, 0)],
                         [(self.team, team.TeamRole.NONE), (other, team.TeamRole.NONE)])
        with self.assertRaises(autolic.NotFound):
            list(team.teams_of(self.db, 9999))

    def test_hub(self):  # APS-2..APS-4
        h = hub.create(self.db, self.ada, self.team, "Engines hub")
        self.assertEqual(hub.find(self.db, self.team), h)
        self.assertEqual(hub.get(self.db, h).name, "Engines hub")
        app = hub.app_create(self.db, self.ada, h, "Difference")
        a = hub.app_get(self.db, app)
        self.assertEqual((a.hub, a.name), (h, "Difference"))
        with self.assertRaises(autolic.Exists):
            hub.create(self.db, self.ada, self.team, "again")

    def test_buy_and_seats_until_refused(self):  # ROLE-1, SEAT-2
        start = dt.datetime.fromtimestamp(T0 - 86400, UTC)
        cid = contract.buy(self.db, self.ada, self.team, [("Fusion", 2, "SN-1")],
                           start, T0 + 365 * 86400)
        c = contract.get(self.db, cid)
        self.assertEqual((c.team, c.manager, c.buyer, c.start, c.nproducts),
                         (self.team, self.ada, self.ada, start, 1))
        self.assertEqual(c.end, dt.datetime.fromtimestamp(T0 + 365 * 86400, UTC))
        self.assertEqual(contract.find(self.db, c.number), cid)
        p = contract.product_get(self.db, self.ada, cid, "Fusion")
        # SEAM-1: the code comes back in lower case
        self.assertEqual((p.product, p.quantity, p.serial), ("fusion", 2, "SN-1"))
        self.assertEqual([x.id for x in contract.contracts(self.db, self.team)], [cid])

        users = [account.register(self.db, "u%d@example.com" % i) for i in range(3)]
        seat.grant(self.db, self.ada, cid, "Fusion", users[0])
        seat.grant(self.db, self.ada, cid, "Fusion", users[1])
        with self.assertRaises(autolic.NoSeat) as cm:
            seat.grant(self.db, self.ada, cid, "Fusion", users[2])
        self.assertTrue(cm.exception.message.startswith("SEAT-2"), cm.exception.message)
        s = seat.summary(self.db, cid, "Fusion")
        self.assertEqual((s.quantity, s.granted, s.available), (2, 2, 0))
        self.assertEqual([x.granted for x in seat.contract_summary(self.db, cid)], [2])
        self.assertEqual(sorted(e.user for e in seat.product_users(self.db, cid, "Fusion")),
                         users[:2])
        mine = list(seat.user_products(self.db, users[0]))
        self.assertEqual([(e.contract, e.product, e.origin) for e in mine],
                         [(cid, "fusion", seat.Origin.GRANT)])
        roles = {m.account: m.roles for m in contract.members(self.db, cid)}
        self.assertTrue(roles[self.ada] & contract.MANAGER)

        seat.revoke(self.db, self.ada, cid, "Fusion", users[0])
        seat.grant(self.db, self.ada, cid, "Fusion", users[2])
        self.assertEqual(contract.set_quantity(self.db, self.ada, cid, "Fusion", 1), 1)

    def test_import_report(self):  # SEAT-5
        cid = contract.buy(self.db, self.ada, self.team, [contract.Product("Fusion", 1)],
                           T0 - 10, T0 + 86400)
        u = [account.register(self.db, "v%d@example.com" % i) for i in range(2)]
        rep = seat.import_(self.db, self.ada, cid, [(u[0], "Fusion")])
        self.assertEqual([(r.user, r.action, r.status) for r in rep],
                         [(u[0], seat.Action.GRANT, 0)])
        with self.assertRaises(autolic.NoSeat):
            seat.import_(self.db, self.ada, cid, [(u[1], "Fusion")])
        self.assertEqual(seat.summary(self.db, cid, "Fusion").granted, 1)

    def test_one_product_across_case(self):  # SEAM-1, FLEX-6, SEAT-1, ROLE-1
        # the example of README.md: "Fusion" on the contract, "FUSION" in Flex
        cid = contract.buy(self.db, self.ada, self.team, [("Fusion", 1)], T0 - 10, T0 + 86400)
        seat.grant(self.db, self.ada, cid, "Fusion", self.ada)
        flex.product_set(self.db, "FUSION", "Fusion", 10)
        self.assertEqual(flex.product_get(self.db, "Fusion").code, "fusion")
        flex.lot_buy(self.db, self.ada, self.team, "SUB-1", 100, T0 - 10)
        flex.user_assign(self.db, self.ada, self.team, account=self.ada)
        r = flex.report(self.db, flex.ReportKind.LAUNCH, "k1", T0, team=self.team,
                        account=self.ada, product="fusion")
        self.assertEqual((r.reason, r.charged), (flex.Reason.SEAT, 0))
        with self.assertRaises(autolic.Exists) as cm:
            seat.grant(self.db, self.ada, cid, "FUSION", self.ada)
        self.assertIn("SEAT-1", cm.exception.message)
        with self.assertRaises(autolic.InvalidArgument) as cm:
            contract.buy(self.db, self.ada, self.team, [("Fusion", 1), ("fusion", 1)],
                         T0 - 10, T0 + 86400)
        self.assertIn("SEAM-1", cm.exception.message)

    def test_iterator_closed_with_database(self):
        contract.buy(self.db, self.ada, self.team, [("A", 1), ("B", 1)], T0 - 10, T0 + 86400)
        cid = next(contract.contracts(self.db, self.team)).id
        g = seat.contract_summary(self.db, cid)
        next(g)
        self.db.close()
        with self.assertRaises(autolic.Closed):
            next(g)


if __name__ == "__main__":
    unittest.main()
