"""The library's struct defaults (the ``_init()`` calls) and the names of its
enums' values, as the package uses them."""
import unittest

import helpers  # noqa: F401
import autolic
from autolic import account, contract, db, errors, flex, ops, seat, storage, team
from autolic._api import flex as _f
from autolic._api import ops as _o


class TestInit(unittest.TestCase):
    def test_defaults_are_the_librarys(self):
        # the values of the C _INIT macros, read from the library
        self.assertEqual(flex.policy_init().low_threshold, -1)
        self.assertEqual(flex.policy_init().overage_limit, 0)
        h = ops.hub_spec_init()
        self.assertEqual(h.trial_period, _o.TRIAL_PERIOD)
        self.assertEqual(h.trial_operators, _o.TRIAL_OPERATORS)
        self.assertIsNone(account.spec_init().language)
        self.assertIsNone(team.spec_init().name)
        self.assertEqual(contract.spec_init().nproducts, 0)
        self.assertEqual(contract.product_spec_init().quantity, 0)
        self.assertEqual(flex.lot_spec_init().quantity, 0)
        self.assertEqual(flex.user_spec_init().all_products, 0)
        self.assertEqual(flex.report_spec_init().kind, 0)
        self.assertEqual(ops.subscription_spec_init().quantity, 0)
        self.assertIsNone(ops.operator_spec_init().number)
        vt = storage.init()
        self.assertIsNone(vt.ctx)
        self.assertFalse(vt.begin)
        for make in (account.spec_init, team.spec_init, contract.spec_init,
                     contract.product_spec_init, flex.policy_init, flex.lot_spec_init,
                     flex.user_spec_init, flex.report_spec_init, ops.hub_spec_init,
                     ops.subscription_spec_init, ops.operator_spec_init, storage.init):
            self.assertEqual(make().version, 1, make.__name__)
            self.assertEqual(make(1).version, 1, make.__name__)

    def test_unknown_versions_refused(self):
        for make in (account.spec_init, flex.policy_init, ops.hub_spec_init, storage.init):
            with self.assertRaises(autolic.VersionError) as cm:
                make(0)
            self.assertIn("version 0", str(cm.exception))
            with self.assertRaises(autolic.VersionError):
                make(99)

    def test_hub_create_keeps_the_librarys_trial(self):
        with autolic.Database() as d:
            tenant = account.register(d, "tia@example.com", "Tia", "Tenant")
            ops.subscription_buy(d, tenant, tenant, ops.Kind.USER, 1, 0,
                                 autolic.to_time(d.now()) + 86400 * 365)
            hub = ops.hub_create(d, tenant, tenant, "Plant")
            self.assertEqual(ops.hub_get(d, hub).trial_operators, _o.TRIAL_OPERATORS)

    def test_policy_init_default_threshold(self):
        self.assertEqual(flex.policy_init(_f.FLEX_POLICY_VERSION).low_threshold, -1)


class TestNames(unittest.TestCase):
    # each enum of the package and the C call that names its values
    ENUMS = [
        (account.AccountState, account.state_name),
        (account.ImportFormat, account.import_format_name),
        (team.TeamRole, team.role_name),
        (contract.ContractStatus, contract.status_name),
        (db.EventType, db.event_type_name),
        (seat.Origin, seat.origin_name),
        (seat.Action, seat.action_name),
        (flex.EntryType, flex.entry_type_name),
        (flex.ReportKind, flex.report_kind_name),
        (flex.Reason, flex.reason_name),
        (ops.Kind, ops.kind_name),
        (ops.HubState, ops.hub_state_name),
        (ops.PaymentState, ops.payment_state_name),
        (ops.Reason, ops.reason_name),
        (errors.ObjectKind, errors.object_kind_name),
        (errors.Unit, errors.unit_name),
    ]

    def test_members_are_named_after_the_library(self):
        for enum_cls, name in self.ENUMS:
            for member in enum_cls:
                self.assertEqual(name(member), member.name.lower(),
                                 "%s.%s" % (enum_cls.__name__, member.name))

    def test_unknown_values(self):
        for enum_cls, name in self.ENUMS:
            top = max(int(m) for m in enum_cls)
            self.assertEqual(name(top + 1), "unknown", enum_cls.__name__)
            self.assertEqual(name(-1000), "unknown", enum_cls.__name__)

    def test_error_fields_name_their_kind_and_unit(self):
        o = errors.ErrorObject(errors.ObjectKind.CONTRACT, 7, "AL-00001001-7")
        self.assertEqual(o.kind_name, "contract")
        self.assertEqual(errors.ErrorObject(99, 0, "").kind_name, "unknown")
        n = errors.ErrorNumber("ended", 0, errors.Unit.TIME)
        self.assertEqual(n.unit_name, "time")

    def test_arguments_checked(self):
        with self.assertRaises(TypeError):
            db.event_type_name("seat_granted")  # type: ignore[arg-type]
        with self.assertRaises(OverflowError):
            db.event_type_name(1 << 40)


if __name__ == "__main__":
    unittest.main()
