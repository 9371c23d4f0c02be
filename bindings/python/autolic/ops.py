"""Fusion Operations hubs, licences and operators (autolic/ops.h): OPS-1..OPS-7."""
import ctypes
import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from ._api import core as _c
from ._api import ops as _o
from ._handle import iterate
from ._lib import C, dec, enc
from ._time import from_time, from_time_or_none, to_time
from .team import _enum


class Kind(enum.IntEnum):
    USER = _o.USER
    SHOP_FLOOR = _o.SHOP_FLOOR


class HubState(enum.IntEnum):
    TRIAL = _o.HUB_TRIAL
    TRIAL_ENDED = _o.HUB_TRIAL_ENDED
    PROVISIONED = _o.HUB_PROVISIONED


class PaymentState(enum.IntEnum):
    OK = _o.PAYMENT_OK
    WARNING = _o.PAYMENT_WARNING
    BLOCKED = _o.PAYMENT_BLOCKED


class Reason(enum.IntEnum):
    NONE = _o.REASON_NONE
    MANUAL = _o.REASON_MANUAL
    USER = _o.REASON_USER
    LICENCES = _o.REASON_LICENCES


@dataclass(frozen=True)
class Hub:
    """``autolic_ops_hub_info``."""
    id: int
    tenant: int
    name: str
    created: datetime
    state: int  # a HubState
    trial_end: Optional[datetime]
    trial_days_left: int
    trial_operators: int
    provisioned: Optional[datetime]
    payment_state: int  # a PaymentState
    payment_due: Optional[datetime]
    payment_block: Optional[datetime]
    payment_days_left: int


@dataclass(frozen=True)
class Subscription:
    """``autolic_ops_subscription_info``."""
    number: int
    tenant: int
    kind: int  # a Kind
    quantity: int
    start: datetime
    end: Optional[datetime]
    active: bool


@dataclass(frozen=True)
class Licences:
    """``autolic_ops_licence_info``."""
    user_total: int
    user_used: int
    user_available: int
    shop_floor_subscribed: bool
    shop_floor_total: int
    shop_floor_used: int
    shop_floor_available: int


@dataclass(frozen=True)
class Operator:
    """``autolic_ops_operator_info``."""
    id: int
    hub: int
    number: str
    name: str
    user: Optional[int]
    active: bool
    reason: int  # a Reason
    created: datetime
    deactivated: Optional[datetime]
    has_production: bool
    last_production: Optional[datetime]
    production_count: int


def hub_create(db, actor, tenant, name, trial_period=_o.TRIAL_PERIOD,
               trial_operators=_o.TRIAL_OPERATORS):
    """Create the Operations hub of `tenant`, in trial (OPS-1); returns its id."""
    spec = _o.HubSpec(_o.HUB_SPEC_VERSION, enc(name, "name"), tenant, trial_period,
                      trial_operators)
    out = _c.autolic_id()
    C.autolic_ops_hub_create(db, actor, ctypes.byref(spec), ctypes.byref(out))
    return out.value


def hub_get(db, hub):
    """Read an Operations hub, trial and payment state as of now (OPS-1, OPS-6;
    ``autolic_ops_hub_get``); raises NotFound."""
    i = _o.HubInfo()
    i.version = _o.HUB_INFO_VERSION
    C.autolic_ops_hub_get(db, hub, ctypes.byref(i))
    return Hub(i.id, i.tenant, dec(i.name), from_time(i.created), _enum(HubState, i.state),
               from_time_or_none(i.trial_end), i.trial_days_left, i.trial_operators,
               from_time_or_none(i.provisioned), _enum(PaymentState, i.payment_state),
               from_time_or_none(i.payment_due), from_time_or_none(i.payment_block),
               i.payment_days_left)


def hub_find(db, tenant):
    """The hub of `tenant` (OPS-1, ``autolic_ops_hub_find``); raises NotFound."""
    out = _c.autolic_id()
    C.autolic_ops_hub_find(db, tenant, ctypes.byref(out))
    return out.value


def _deactivating(fn, *args):
    out = ctypes.c_uint64()
    fn(*args, ctypes.byref(out))
    return out.value


def hub_provision(db, actor, hub):
    """End the trial and apply the subscriptions (OPS-4); returns how many operators
    were deactivated."""
    return _deactivating(C.autolic_ops_hub_provision, db, actor, hub)


def hub_reconcile(db, actor, hub):
    """Re-apply the licence counts (OPS-4); returns how many operators were deactivated."""
    return _deactivating(C.autolic_ops_hub_reconcile, db, actor, hub)


def admin_add(db, actor, tenant, account):
    """Appoint an Operations administrator of `tenant` (ROLE-7, ``autolic_ops_admin_add``)."""
    C.autolic_ops_admin_add(db, actor, tenant, account)


def admin_remove(db, actor, tenant, account):
    """Remove an Operations administrator of `tenant` (ROLE-7,
    ``autolic_ops_admin_remove``)."""
    C.autolic_ops_admin_remove(db, actor, tenant, account)


def subscription_buy(db, actor, tenant, kind, quantity, start, end=0):
    """Buy `quantity` licences of `kind`, a new subscription (OPS-2, ROLE-9;
    ``autolic_ops_subscription_buy``); returns its number."""
    spec = _o.SubscriptionSpec(_o.SUBSCRIPTION_SPEC_VERSION, tenant, kind, quantity,
                               to_time(start), to_time(end))
    out = ctypes.c_uint64()
    C.autolic_ops_subscription_buy(db, actor, ctypes.byref(spec), ctypes.byref(out))
    return out.value


def subscription_get(db, number):
    """Read a subscription (OPS-2, ``autolic_ops_subscription_get``); raises NotFound."""
    i = _o.SubscriptionInfo()
    i.version = _o.SUBSCRIPTION_INFO_VERSION
    C.autolic_ops_subscription_get(db, number, ctypes.byref(i))
    return Subscription(i.number, i.tenant, _enum(Kind, i.kind), i.quantity,
                        from_time(i.start), from_time_or_none(i.end), bool(i.active))


def subscription_set_quantity(db, actor, number, quantity):
    """Change a subscription's quantity (OPS-5, ``autolic_ops_subscription_set_quantity``);
    returns how many operators were deactivated."""
    return _deactivating(C.autolic_ops_subscription_set_quantity, db, actor, number, quantity)


def subscription_end(db, actor, number):
    """End a subscription now (OPS-5, ``autolic_ops_subscription_end``); returns how many
    operators were deactivated."""
    return _deactivating(C.autolic_ops_subscription_end, db, actor, number)


def licences(db, hub):
    """The licence counts of a hub as of now (OPS-2; :class:`Licences`;
    ``autolic_ops_licences_get``)."""
    i = _o.LicenceInfo()
    i.version = _o.LICENCE_INFO_VERSION
    C.autolic_ops_licences_get(db, hub, ctypes.byref(i))
    return Licences(i.user_total, i.user_used, i.user_available, bool(i.shop_floor_subscribed),
                    i.shop_floor_total, i.shop_floor_used, i.shop_floor_available)


def shop_floor_available(db, hub):
    """How many shop-floor licences are free now (OPS-2,
    ``autolic_ops_shop_floor_available``)."""
    out = ctypes.c_uint64()
    C.autolic_ops_shop_floor_available(db, hub, ctypes.byref(out))
    return out.value


def user_add(db, actor, hub, account):
    """Give `account` a user licence of `hub` (OPS-2, ``autolic_ops_user_add``)."""
    C.autolic_ops_user_add(db, actor, hub, account)


def user_deactivate(db, actor, hub, account):
    """Deactivate a hub user, and every operator created from them (OPS-3,
    ``autolic_ops_user_deactivate``)."""
    C.autolic_ops_user_deactivate(db, actor, hub, account)


def user_reactivate(db, actor, hub, account):
    """Reactivate a hub user; needs a free user licence (OPS-2, OPS-3;
    ``autolic_ops_user_reactivate``)."""
    C.autolic_ops_user_reactivate(db, actor, hub, account)


def access_check(db, hub, account):
    """Check that `account` may use `hub` now (OPS-1, OPS-6, OPS-7;
    ``autolic_ops_access_check``); raises NoLicence when not."""
    C.autolic_ops_access_check(db, hub, account)


def operator_add(db, actor, hub, number, name):
    """Add a licensed operator (OPS-2, OPS-4); returns its id."""
    spec = _o.OperatorSpec(_o.OPERATOR_SPEC_VERSION, enc(number, "number"), enc(name, "name"))
    out = _c.autolic_id()
    C.autolic_ops_operator_add(db, actor, hub, ctypes.byref(spec), ctypes.byref(out))
    return out.value


def operator_from_user(db, actor, hub, account, number):
    """Make a hub user an operator, taking no shop-floor licence (OPS-3,
    ``autolic_ops_operator_from_user``); returns its id."""
    out = _c.autolic_id()
    C.autolic_ops_operator_from_user(db, actor, hub, account, enc(number, "number"),
                                     ctypes.byref(out))
    return out.value


def operator_deactivate(db, actor, op):
    """Deactivate an operator; a licensed one frees its licence (OPS-2,
    ``autolic_ops_operator_deactivate``)."""
    C.autolic_ops_operator_deactivate(db, actor, op)


def operator_reactivate(db, actor, op):
    """Reactivate an operator (OPS-3, OPS-4: a licensed one needs a free shop-floor
    licence; ``autolic_ops_operator_reactivate``)."""
    C.autolic_ops_operator_reactivate(db, actor, op)


def operator_transfer(db, actor, op, name):
    """Transfer a licensed operator to another person, `name` (OPS-3,
    ``autolic_ops_operator_transfer``)."""
    C.autolic_ops_operator_transfer(db, actor, op, enc(name, "name"))


def operator_record_production(db, actor, op, at):
    """Record a production by `op` at `at`, datetime or int (OPS-5,
    ``autolic_ops_operator_record_production``)."""
    C.autolic_ops_operator_record_production(db, actor, op, to_time(at))


def _operator_from_c(i):
    return Operator(i.id, i.hub, dec(i.number), dec(i.name), i.user or None, bool(i.active),
                    _enum(Reason, i.reason), from_time(i.created),
                    from_time_or_none(i.deactivated), bool(i.has_production),
                    from_time_or_none(i.last_production), i.production_count)


def _new_operator_info():
    i = _o.OperatorInfo()
    i.version = _o.OPERATOR_INFO_VERSION
    return i


def operator_get(db, op):
    """Read an operator as of now (OPS-2, OPS-3; ``autolic_ops_operator_get``); raises
    NotFound."""
    i = _new_operator_info()
    C.autolic_ops_operator_get(db, op, ctypes.byref(i))
    return _operator_from_c(i)


def operators(db, hub):
    """Generator over the operators of `hub` (OPS-2, OPS-3, OPS-5; :class:`Operator`;
    ``autolic_ops_operator_iter_*``), ascending by id, from one
    snapshot; raises NotFound for an unknown hub."""
    def step(it):
        i = _new_operator_info()
        if C.autolic_ops_operator_iter_next(it, ctypes.byref(i)) == _c.ITEROVER:
            return None
        return _operator_from_c(i)
    return iterate(db, lambda out: C.autolic_ops_operator_iter_new(db, hub, ctypes.byref(out)),
                   step, C.autolic_ops_operator_iter_free, "operator iterator")


def operator_find(db, hub, number):
    """The operator of `hub` with this number (OPS-2, ``autolic_ops_operator_find``);
    raises NotFound."""
    out = _c.autolic_id()
    C.autolic_ops_operator_find(db, hub, enc(number, "number"), ctypes.byref(out))
    return out.value


def payment_late(db, actor, hub, due):
    """Record that the payment due at `due` is late (OPS-7)."""
    C.autolic_ops_payment_late(db, actor, hub, to_time(due))


def payment_record(db, actor, hub):
    """Record that the late payment was made (OPS-7)."""
    C.autolic_ops_payment_record(db, actor, hub)
