"""Operations through the Pythonic layer: a hub with 3 shop-floor licences over
5 active operators deactivates 2 on provisioning (OPS-4)."""
import datetime as dt
import unittest

import helpers  # noqa: F401
import autolic
from autolic import account, ops

T0 = 1_700_000_000


class OpsScenario(unittest.TestCase):
    def setUp(self):
        self.db = autolic.Database(clock=lambda: T0)
        self.tenant = account.register(self.db, "plant@example.com")

    def tearDown(self):
        self.db.close()

    def test_provision_deactivates_two(self):  # OPS-4
        ops.subscription_buy(self.db, self.tenant, self.tenant, ops.Kind.USER, 1, T0, T0 + 86400 * 365)
        n = ops.subscription_buy(self.db, self.tenant, self.tenant, ops.Kind.SHOP_FLOOR, 3, T0,
                                 T0 + 86400 * 365)
        hub = ops.hub_create(self.db, self.tenant, self.tenant, "Plant")
        self.assertEqual(ops.hub_find(self.db, self.tenant), hub)
        self.assertEqual(ops.hub_get(self.db, hub).state, ops.HubState.TRIAL)
        opids = [ops.operator_add(self.db, self.tenant, hub, "N%d" % i, "Op %d" % i)
                 for i in range(5)]
        self.assertEqual(ops.operator_find(self.db, hub, "N3"), opids[3])
        ops.operator_record_production(self.db, self.tenant, opids[0],
                                       dt.datetime.fromtimestamp(T0, dt.timezone.utc))
        self.assertTrue(ops.operator_get(self.db, opids[0]).has_production)
        self.assertEqual(ops.subscription_get(self.db, n).quantity, 3)
        self.assertEqual(ops.hub_provision(self.db, self.tenant, hub), 2)
        self.assertEqual(ops.hub_get(self.db, hub).state, ops.HubState.PROVISIONED)
        ops_ = [ops.operator_get(self.db, o) for o in opids]
        off = [o for o in ops_ if not o.active]
        self.assertEqual(len(off), 2)
        self.assertTrue(all(o.reason == ops.Reason.LICENCES for o in off))
        self.assertTrue(ops_[0].active)  # the one with production stays
        lic = ops.licences(self.db, hub)
        self.assertEqual((lic.shop_floor_total, lic.shop_floor_used), (3, 3))
        self.assertEqual(ops.shop_floor_available(self.db, hub), 0)
        with self.assertRaises(autolic.NoOperatorLicence):
            ops.operator_reactivate(self.db, self.tenant, off[0].id)
        # the hub's operators, as operator_get reads each
        self.assertEqual(list(ops.operators(self.db, hub)), ops_)
        with self.assertRaises(autolic.NotFound):
            list(ops.operators(self.db, 9999))


if __name__ == "__main__":
    unittest.main()
