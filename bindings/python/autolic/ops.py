"""Fusion Operations hubs, licences and operators (autolic/ops.h): OPS-1..OPS-7."""
import ctypes
import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterator, Optional, Union

from ._api import core as _c
from ._api import ops as _o
from ._check import TimeLike, api
from ._handle import iterate
from ._lib import C, dec, enc, name_of, struct_init
from ._time import from_time, from_time_or_none, to_time
from .db import Database
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
    state: Union[HubState, int]
    trial_end: Optional[datetime]
    trial_days_left: int
    trial_operators: int
    provisioned: Optional[datetime]
    payment_state: Union[PaymentState, int]
    payment_due: Optional[datetime]
    payment_block: Optional[datetime]
    payment_days_left: int


@dataclass(frozen=True)
class Subscription:
    """``autolic_ops_subscription_info``."""
    number: int
    tenant: int
    kind: Union[Kind, int]
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
    reason: Union[Reason, int]
    created: datetime
    deactivated: Optional[datetime]
    has_production: bool
    last_production: Optional[datetime]
    production_count: int


@api
def hub_create(db: Database, actor: int, tenant: int, name: str,
               trial_period: Optional[int] = None,
               trial_operators: Optional[int] = None) -> int:
    """Create the Operations hub of `tenant`, in trial (OPS-1, ``autolic_ops_hub_create``).

    Args:
        db: the open database.
        actor: the tenant or an Operations administrator of it.
        tenant: the tenant account's id.
        name: the hub's name.
        trial_period: the trial's length in seconds; None for the library's
            default (``AUTOLIC_OPS_TRIAL_PERIOD``).
        trial_operators: operators allowed during the trial; None for the
            library's default (``AUTOLIC_OPS_TRIAL_OPERATORS``).

    Returns:
        The new hub's id.

    Raises:
        Exists: the tenant has a hub already.
        StateError: the tenant has no subscription yet (a hub follows a purchase).
        PermissionDenied: `actor` may not create it.
        InvalidArgument: a bad name or trial.
        NotFound: no such tenant.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    spec = hub_spec_init()
    spec.name = enc(name, "name")
    spec.tenant = tenant
    if trial_period is not None:
        spec.trial_period = trial_period
    if trial_operators is not None:
        spec.trial_operators = trial_operators
    out = _c.autolic_id()
    C.autolic_ops_hub_create(db, actor, ctypes.byref(spec), ctypes.byref(out))
    return out.value


@api
def hub_get(db: Database, hub: int) -> Hub:
    """Read an Operations hub, trial and payment state as of now (OPS-1, OPS-6,
    ``autolic_ops_hub_get``).

    Args:
        db: the open database.
        hub: the hub's id.

    Returns:
        The :class:`Hub`.

    Raises:
        NotFound: no such hub.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    i = _o.HubInfo()
    i.version = _o.HUB_INFO_VERSION
    C.autolic_ops_hub_get(db, hub, ctypes.byref(i))
    return Hub(i.id, i.tenant, dec(i.name), from_time(i.created), _enum(HubState, i.state),
               from_time_or_none(i.trial_end), i.trial_days_left, i.trial_operators,
               from_time_or_none(i.provisioned), _enum(PaymentState, i.payment_state),
               from_time_or_none(i.payment_due), from_time_or_none(i.payment_block),
               i.payment_days_left)


@api
def hub_find(db: Database, tenant: int) -> int:
    """The hub of `tenant` (OPS-1, ``autolic_ops_hub_find``).

    Args:
        db: the open database.
        tenant: the tenant account's id.

    Returns:
        The hub's id.

    Raises:
        NotFound: the tenant has no hub.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    out = _c.autolic_id()
    C.autolic_ops_hub_find(db, tenant, ctypes.byref(out))
    return out.value


def _deactivating(fn: Callable[..., Any], *args: Any) -> int:
    out = ctypes.c_uint64()
    fn(*args, ctypes.byref(out))
    return out.value


@api
def hub_provision(db: Database, actor: int, hub: int) -> int:
    """End the trial and apply the subscriptions (OPS-4, ``autolic_ops_hub_provision``).

    Args:
        db: the open database.
        actor: an Operations administrator.
        hub: the hub's id.

    Returns:
        How many operators were deactivated.

    Raises:
        PermissionDenied: `actor` is not an Operations administrator.
        StateError: the hub is provisioned already.
        NotFound: no such hub.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    return _deactivating(C.autolic_ops_hub_provision, db, actor, hub)


@api
def hub_reconcile(db: Database, actor: int, hub: int) -> int:
    """Re-apply the licence counts (OPS-4, ``autolic_ops_hub_reconcile``).

    Args:
        db: the open database.
        actor: an Operations administrator.
        hub: the hub's id.

    Returns:
        How many operators were deactivated.

    Raises:
        PermissionDenied: `actor` is not an Operations administrator.
        NotFound: no such hub.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    return _deactivating(C.autolic_ops_hub_reconcile, db, actor, hub)


@api
def admin_add(db: Database, actor: int, tenant: int, account: int) -> None:
    """Appoint an Operations administrator of `tenant` (ROLE-7, ``autolic_ops_admin_add``).

    Args:
        db: the open database.
        actor: the tenant.
        tenant: the tenant account's id.
        account: the account to appoint.

    Raises:
        PermissionDenied: `actor` is not the tenant.
        Exists: `account` is an administrator already.
        NotFound: no such account.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_ops_admin_add(db, actor, tenant, account)


@api
def admin_remove(db: Database, actor: int, tenant: int, account: int) -> None:
    """Remove an Operations administrator of `tenant` (ROLE-7, ``autolic_ops_admin_remove``).

    Args:
        db: the open database.
        actor: the tenant.
        tenant: the tenant account's id.
        account: the administrator to remove.

    Raises:
        PermissionDenied: `actor` is not the tenant.
        NotFound: `account` is no administrator of `tenant`.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_ops_admin_remove(db, actor, tenant, account)


@api
def subscription_buy(db: Database, actor: int, tenant: int, kind: Union[Kind, int],
                     quantity: int, start: TimeLike, end: TimeLike = 0) -> int:
    """Buy `quantity` licences of `kind`, a new subscription (OPS-2, ROLE-9,
    ``autolic_ops_subscription_buy``).

    Args:
        db: the open database.
        actor: the tenant or an Operations administrator.
        tenant: the tenant account's id.
        kind: the licence :class:`Kind`.
        quantity: the number of licences.
        start: the subscription's start (datetime or int seconds).
        end: its end (0: open-ended).

    Returns:
        The subscription's number.

    Raises:
        PermissionDenied: `actor` may not buy for `tenant`.
        InvalidArgument: a bad kind, quantity or period.
        NotFound: no such account.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    spec = subscription_spec_init()
    spec.tenant = tenant
    spec.kind = kind
    spec.quantity = quantity
    spec.start = to_time(start)
    spec.end = to_time(end)
    out = ctypes.c_uint64()
    C.autolic_ops_subscription_buy(db, actor, ctypes.byref(spec), ctypes.byref(out))
    return out.value


@api
def subscription_get(db: Database, number: int) -> Subscription:
    """Read a subscription (OPS-2, ``autolic_ops_subscription_get``).

    Args:
        db: the open database.
        number: the subscription's number.

    Returns:
        The :class:`Subscription`.

    Raises:
        NotFound: no such subscription.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    i = _o.SubscriptionInfo()
    i.version = _o.SUBSCRIPTION_INFO_VERSION
    C.autolic_ops_subscription_get(db, number, ctypes.byref(i))
    return Subscription(i.number, i.tenant, _enum(Kind, i.kind), i.quantity,
                        from_time(i.start), from_time_or_none(i.end), bool(i.active))


@api
def subscription_set_quantity(db: Database, actor: int, number: int, quantity: int) -> int:
    """Change a subscription's quantity (OPS-5, ``autolic_ops_subscription_set_quantity``).

    Args:
        db: the open database.
        actor: the tenant or an Operations administrator.
        number: the subscription's number.
        quantity: the new number of licences.

    Returns:
        How many operators were deactivated.

    Raises:
        StateError: the subscription's term is over.
        PermissionDenied: `actor` may not change it.
        InvalidArgument: a bad quantity.
        NotFound: no such subscription.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    return _deactivating(C.autolic_ops_subscription_set_quantity, db, actor, number, quantity)


@api
def subscription_end(db: Database, actor: int, number: int) -> int:
    """End a subscription now (OPS-5, ``autolic_ops_subscription_end``).

    Args:
        db: the open database.
        actor: the tenant or an Operations administrator.
        number: the subscription's number.

    Returns:
        How many operators were deactivated.

    Raises:
        PermissionDenied: `actor` may not end it.
        StateError: it has ended already.
        NotFound: no such subscription.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    return _deactivating(C.autolic_ops_subscription_end, db, actor, number)


@api
def licences(db: Database, hub: int) -> Licences:
    """The licence counts of a hub as of now (OPS-2, ``autolic_ops_licences_get``).

    Args:
        db: the open database.
        hub: the hub's id.

    Returns:
        The :class:`Licences`.

    Raises:
        NotFound: no such hub.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    i = _o.LicenceInfo()
    i.version = _o.LICENCE_INFO_VERSION
    C.autolic_ops_licences_get(db, hub, ctypes.byref(i))
    return Licences(i.user_total, i.user_used, i.user_available, bool(i.shop_floor_subscribed),
                    i.shop_floor_total, i.shop_floor_used, i.shop_floor_available)


@api
def shop_floor_available(db: Database, hub: int) -> int:
    """How many shop-floor licences are free now (OPS-2, ``autolic_ops_shop_floor_available``).

    Args:
        db: the open database.
        hub: the hub's id.

    Returns:
        The number of free shop-floor licences.

    Raises:
        NotFound: no such hub.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    out = ctypes.c_uint64()
    C.autolic_ops_shop_floor_available(db, hub, ctypes.byref(out))
    return out.value


@api
def user_add(db: Database, actor: int, hub: int, account: int) -> None:
    """Give `account` a user licence of `hub` (OPS-2, ``autolic_ops_user_add``).

    Args:
        db: the open database.
        actor: an Operations administrator.
        hub: the hub's id.
        account: the account's id.

    Raises:
        NoSeat: every user licence is in use.
        Exists: `account` is a user of the hub already.
        StateError: the account is removed or expired.
        PermissionDenied: `actor` is not an Operations administrator.
        NotFound: no such hub or account.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_ops_user_add(db, actor, hub, account)


@api
def user_deactivate(db: Database, actor: int, hub: int, account: int) -> None:
    """Deactivate a hub user, and every operator created from them (OPS-3,
    ``autolic_ops_user_deactivate``).

    Args:
        db: the open database.
        actor: an Operations administrator.
        hub: the hub's id.
        account: the user's id.

    Raises:
        PermissionDenied: `actor` is not an Operations administrator.
        StateError: the user is inactive already.
        NotFound: no such hub or user.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_ops_user_deactivate(db, actor, hub, account)


@api
def user_reactivate(db: Database, actor: int, hub: int, account: int) -> None:
    """Reactivate a hub user; it needs a free user licence (OPS-2, OPS-3,
    ``autolic_ops_user_reactivate``).

    Args:
        db: the open database.
        actor: an Operations administrator.
        hub: the hub's id.
        account: the user's id.

    Raises:
        NoSeat: no user licence is free.
        StateError: the user is active, or the account removed.
        PermissionDenied: `actor` is not an Operations administrator.
        NotFound: no such hub or user.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_ops_user_reactivate(db, actor, hub, account)


@api
def access_check(db: Database, hub: int, account: int) -> None:
    """Check that `account` may use `hub` now (OPS-1, OPS-6, OPS-7,
    ``autolic_ops_access_check``); returns only when allowed.

    Args:
        db: the open database.
        hub: the hub's id.
        account: the account's id.

    Raises:
        NoLicence: no valid licence; the message names the rule (OPS-1, OPS-6, OPS-7).
        NotFound: no such hub.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_ops_access_check(db, hub, account)


@api
def operator_add(db: Database, actor: int, hub: int, number: str, name: str) -> int:
    """Add a licensed operator (OPS-2, OPS-4, ``autolic_ops_operator_add``).

    Args:
        db: the open database.
        actor: an Operations administrator.
        hub: the hub's id.
        number: the operator's number, unique in the hub.
        name: the operator's name.

    Returns:
        The new operator's id.

    Raises:
        NoOperatorLicence: every shop-floor licence is in use (OPS-4).
        Exists: the number is taken.
        Expired: the trial ended and the hub is not provisioned.
        PermissionDenied: `actor` is not an Operations administrator.
        InvalidArgument: a bad number or name.
        NotFound: no such hub.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    spec = operator_spec_init()
    spec.number = enc(number, "number")
    spec.name = enc(name, "name")
    out = _c.autolic_id()
    C.autolic_ops_operator_add(db, actor, hub, ctypes.byref(spec), ctypes.byref(out))
    return out.value


@api
def operator_from_user(db: Database, actor: int, hub: int, account: int, number: str) -> int:
    """Make a hub user an operator, taking no shop-floor licence (OPS-3,
    ``autolic_ops_operator_from_user``).

    Args:
        db: the open database.
        actor: an Operations administrator.
        hub: the hub's id.
        account: the hub user's id.
        number: the operator's number, unique in the hub.

    Returns:
        The new operator's id.

    Raises:
        Exists: the number is taken, or the user is an operator already.
        StateError: the user is not active.
        PermissionDenied: `actor` is not an Operations administrator.
        NotFound: no such hub or user.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    out = _c.autolic_id()
    C.autolic_ops_operator_from_user(db, actor, hub, account, enc(number, "number"),
                                     ctypes.byref(out))
    return out.value


@api
def operator_deactivate(db: Database, actor: int, op: int) -> None:
    """Deactivate an operator; a licensed one frees its licence (OPS-2,
    ``autolic_ops_operator_deactivate``).

    Args:
        db: the open database.
        actor: an Operations administrator.
        op: the operator's id.

    Raises:
        StateError: the operator is inactive already.
        PermissionDenied: `actor` is not an Operations administrator.
        NotFound: no such operator.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_ops_operator_deactivate(db, actor, op)


@api
def operator_reactivate(db: Database, actor: int, op: int) -> None:
    """Reactivate an operator (OPS-3, OPS-4, ``autolic_ops_operator_reactivate``);
    a licensed one needs a free shop-floor licence.

    Args:
        db: the open database.
        actor: an Operations administrator.
        op: the operator's id.

    Raises:
        NoOperatorLicence: no shop-floor licence is free.
        StateError: the operator is active, or its user is not.
        Expired: the trial ended and the hub is not provisioned.
        PermissionDenied: `actor` is not an Operations administrator.
        NotFound: no such operator.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_ops_operator_reactivate(db, actor, op)


@api
def operator_transfer(db: Database, actor: int, op: int, name: str) -> None:
    """Transfer a licensed operator to another person (OPS-3, ``autolic_ops_operator_transfer``).

    Args:
        db: the open database.
        actor: an Operations administrator.
        op: the operator's id.
        name: the new person's name.

    Raises:
        StateError: the operator was created from a user.
        PermissionDenied: `actor` is not an Operations administrator.
        InvalidArgument: a bad name.
        NotFound: no such operator.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_ops_operator_transfer(db, actor, op, enc(name, "name"))


@api
def operator_record_production(db: Database, actor: int, op: int, at: TimeLike) -> None:
    """Record a production by `op` (OPS-5, ``autolic_ops_operator_record_production``).

    Args:
        db: the open database.
        actor: an Operations administrator.
        op: the operator's id.
        at: when it was produced (datetime or int seconds).

    Raises:
        StateError: the operator is inactive.
        PermissionDenied: `actor` is not an Operations administrator.
        NotFound: no such operator.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_ops_operator_record_production(db, actor, op, to_time(at))


def _operator_from_c(i: Any) -> Operator:
    return Operator(i.id, i.hub, dec(i.number), dec(i.name), i.user or None, bool(i.active),
                    _enum(Reason, i.reason), from_time(i.created),
                    from_time_or_none(i.deactivated), bool(i.has_production),
                    from_time_or_none(i.last_production), i.production_count)


def _new_operator_info() -> Any:
    i = _o.OperatorInfo()
    i.version = _o.OPERATOR_INFO_VERSION
    return i


@api
def operator_get(db: Database, op: int) -> Operator:
    """Read an operator as of now (OPS-2, OPS-3, ``autolic_ops_operator_get``).

    Args:
        db: the open database.
        op: the operator's id.

    Returns:
        The :class:`Operator`.

    Raises:
        NotFound: no such operator.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    i = _new_operator_info()
    C.autolic_ops_operator_get(db, op, ctypes.byref(i))
    return _operator_from_c(i)


@api
def operators(db: Database, hub: int) -> Iterator[Operator]:
    """The operators of `hub`, ascending by id (OPS-2, OPS-3, OPS-5,
    ``autolic_ops_operator_iter_new``).

    Args:
        db: the open database.
        hub: the hub's id.

    Returns:
        A generator of :class:`Operator`, from one snapshot.

    Raises:
        NotFound: no such hub.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    def step(it: int) -> Any:
        i = _new_operator_info()
        if C.autolic_ops_operator_iter_next(it, ctypes.byref(i)) == _c.ITEROVER:
            return None
        return _operator_from_c(i)
    return iterate(db, lambda out: C.autolic_ops_operator_iter_new(db, hub, ctypes.byref(out)),
                   step, C.autolic_ops_operator_iter_free, "operator iterator")


@api
def operator_find(db: Database, hub: int, number: str) -> int:
    """The operator of `hub` with this number (OPS-2, ``autolic_ops_operator_find``).

    Args:
        db: the open database.
        hub: the hub's id.
        number: the operator's number.

    Returns:
        The operator's id.

    Raises:
        NotFound: no such hub or operator.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    out = _c.autolic_id()
    C.autolic_ops_operator_find(db, hub, enc(number, "number"), ctypes.byref(out))
    return out.value


@api
def payment_late(db: Database, actor: int, hub: int, due: TimeLike) -> None:
    """Record that the payment due at `due` is late (OPS-7, ``autolic_ops_payment_late``).

    Args:
        db: the open database.
        actor: an Operations administrator.
        hub: the hub's id.
        due: when the payment was due (datetime or int seconds).

    Raises:
        PermissionDenied: `actor` is not an Operations administrator.
        StateError: a payment is late already.
        NotFound: no such hub.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_ops_payment_late(db, actor, hub, to_time(due))


@api
def payment_record(db: Database, actor: int, hub: int) -> None:
    """Record that the late payment was made (OPS-7, ``autolic_ops_payment_record``).

    Args:
        db: the open database.
        actor: an Operations administrator.
        hub: the hub's id.

    Raises:
        PermissionDenied: `actor` is not an Operations administrator.
        StateError: no payment is late.
        NotFound: no such hub.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_ops_payment_record(db, actor, hub)


@api
def hub_spec_init(version: int = _o.HUB_SPEC_VERSION) -> _o.HubSpec:
    """``AUTOLIC_OPS_HUB_SPEC_INIT`` from the library, for `version` (``autolic_ops_hub_spec_init``).

    Args:
        version: the ``autolic_ops_hub_spec`` version to fill (the newest by default).

    Raises:
        VersionError: autolic_ops_hub_spec `version` 0, or newer than the library's.
    """
    return struct_init(_o.HubSpec, C.autolic_ops_hub_spec_init, version)


@api
def subscription_spec_init(version: int = _o.SUBSCRIPTION_SPEC_VERSION) -> _o.SubscriptionSpec:
    """``AUTOLIC_OPS_SUBSCRIPTION_SPEC_INIT`` from the library, for `version` (``autolic_ops_subscription_spec_init``).

    Args:
        version: the ``autolic_ops_subscription_spec`` version to fill (the newest by default).

    Raises:
        VersionError: autolic_ops_subscription_spec `version` 0, or newer than the library's.
    """
    return struct_init(_o.SubscriptionSpec, C.autolic_ops_subscription_spec_init, version)


@api
def operator_spec_init(version: int = _o.OPERATOR_SPEC_VERSION) -> _o.OperatorSpec:
    """``AUTOLIC_OPS_OPERATOR_SPEC_INIT`` from the library, for `version` (``autolic_ops_operator_spec_init``).

    Args:
        version: the ``autolic_ops_operator_spec`` version to fill (the newest by default).

    Raises:
        VersionError: autolic_ops_operator_spec `version` 0, or newer than the library's.
    """
    return struct_init(_o.OperatorSpec, C.autolic_ops_operator_spec_init, version)


@api
def kind_name(kind: int) -> str:
    """The name of a licence kind `kind` (``autolic_ops_kind_name``): ``"shop_floor"`` for
    ``Kind.SHOP_FLOOR``, as the members of :class:`Kind` are named.

    Args:
        kind: any int; a value the library does not know is ``"unknown"``.

    Raises:
        TypeError: `kind` is not an int (OverflowError: beyond a C int).
    """
    return name_of(C.autolic_ops_kind_name, kind)


@api
def hub_state_name(state: int) -> str:
    """The name of a hub state `state` (``autolic_ops_hub_state_name``): ``"trial_ended"`` for
    ``HubState.TRIAL_ENDED``, as the members of :class:`HubState` are named.

    Args:
        state: any int; a value the library does not know is ``"unknown"``.

    Raises:
        TypeError: `state` is not an int (OverflowError: beyond a C int).
    """
    return name_of(C.autolic_ops_hub_state_name, state)


@api
def payment_state_name(state: int) -> str:
    """The name of a payment state `state` (``autolic_ops_payment_state_name``): ``"warning"`` for
    ``PaymentState.WARNING``, as the members of :class:`PaymentState` are named.

    Args:
        state: any int; a value the library does not know is ``"unknown"``.

    Raises:
        TypeError: `state` is not an int (OverflowError: beyond a C int).
    """
    return name_of(C.autolic_ops_payment_state_name, state)


@api
def reason_name(reason: int) -> str:
    """The name of an operator deactivation reason (``autolic_ops_reason_name``),
    e.g. ``"licences"``.

    The lower-case name of the C constant; the members of :class:`Reason`
    are named after it.

    Args:
        reason: a value of :class:`Reason`, or any int.

    Returns:
        The name; ``"unknown"`` for a value the library does not know.

    Raises:
        OverflowError: `reason` does not fit a C int.
        TypeError: `reason` is not an int.
    """
    text: bytes = C.autolic_ops_reason_name(reason)
    return dec(text)
