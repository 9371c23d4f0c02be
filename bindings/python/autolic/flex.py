"""Flex tokens (autolic/flex.h): FLEX-1..FLEX-13."""
import ctypes
import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator, Optional, Sequence, Tuple, Union

from ._api import core as _c
from ._api import flex as _f
from ._check import TimeLike, api
from ._handle import iterate
from ._lib import C, cstr_array, dec, enc, name_of, struct_init
from ._time import from_time, from_time_or_none, to_time
from .db import Database
from .errors import Code
from .errors import code as _code
from .team import _enum

ITEROVER = _c.ITEROVER


class EntryType(enum.IntEnum):
    PURCHASE = _f.FLEX_PURCHASE
    CONSUME = _f.FLEX_CONSUME
    REFUND = _f.FLEX_REFUND
    EXPIRE = _f.FLEX_EXPIRE
    MOVE_OUT = _f.FLEX_MOVE_OUT
    MOVE_IN = _f.FLEX_MOVE_IN
    ADJUST = _f.FLEX_ADJUST


class ReportKind(enum.IntEnum):
    LAUNCH = _f.FLEX_LAUNCH
    ACTIVITY = _f.FLEX_ACTIVITY
    IDLE = _f.FLEX_IDLE
    CLOSE = _f.FLEX_CLOSE


class Reason(enum.IntEnum):
    NONE = _f.FLEX_REASON_NONE
    CHARGED = _f.FLEX_REASON_CHARGED
    IN_WINDOW = _f.FLEX_REASON_IN_WINDOW
    SEAT = _f.FLEX_REASON_SEAT
    TRIAL = _f.FLEX_REASON_TRIAL
    REFUNDED = _f.FLEX_REASON_REFUNDED


MASK_ALL = _f.FLEX_MASK_ALL
MASK_EVENTS = _f.FLEX_MASK_EVENTS


@api
def mask(*types: Union[EntryType, int]) -> int:
    """A ledger mask of these entry types (FLEX-10, ``AUTOLIC_FLEX_MASK``).

    Args:
        *types: :class:`EntryType` values.

    Returns:
        The mask for :func:`ledger`.

    Raises:
        TypeError: a type is not an int.
    """
    m = 0
    for t in types:
        m |= _f.FLEX_MASK(t)
    return m


@dataclass(frozen=True)
class ProductInfo:
    code: str
    name: str
    rate: int
    added: datetime
    rate_since: datetime


@dataclass(frozen=True)
class Policy:
    overage_limit: int
    low_threshold: int


@dataclass(frozen=True)
class TeamInfo:
    balance: int
    available: int
    owed: int
    unexpired_tokens: int
    threshold: int
    low: bool


@dataclass(frozen=True)
class Lot:
    id: int
    team: int
    subscription: str
    quantity: int
    remaining: int
    purchased: datetime
    expires: datetime
    expired: bool


@dataclass(frozen=True)
class Result:
    """The answer to a :func:`report` (``autolic_flex_result``)."""
    session: int
    reason: Union[Reason, int]
    charged: int
    refunded: int
    windows: int
    window_start: Optional[datetime]
    window_end: Optional[datetime]
    ended: bool
    end_code: Union[Code, int]  # why the session ended (Code.ENOTOKENS), or Code.OK
    ended_at: Optional[datetime]
    #: True when the report's key was applied before (FLEX-13): this is the first
    #: report's result, and nothing changed.
    repeated: bool = False


@dataclass(frozen=True)
class Entry:
    """A ledger entry (``autolic_flex_entry``)."""
    seq: int
    type: Union[EntryType, int]
    time: datetime
    recorded: datetime
    team: int
    lot: Optional[int]
    amount: int
    account: Optional[int]
    window: Optional[int]
    product: str
    subscription: str


@dataclass(frozen=True)
class UsageRow:
    """A usage report row (``autolic_flex_usage_row``); `lots` are (lot, amount) pairs."""
    day: datetime
    day_end: datetime
    window: int
    account: int
    email: str
    first_name: str
    last_name: str
    product: str
    team: int
    tokens: int
    reason: Union[Reason, int]
    lots: Tuple[Tuple[int, int], ...]


@api
def product_set(db: Database, code: str, name: Optional[str], rate: int) -> None:
    """Add or re-rate a Flex product (FLEX-3, SEAM-1, ``autolic_flex_product_set``).

    Args:
        db: the open database.
        code: the product code (stored lower-cased).
        name: the product's display name, or None to keep the current one (the
            code for a new product).
        rate: tokens per 24-hour window.

    Raises:
        InvalidArgument: a malformed code or name, or a bad rate.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
        OverflowError: `rate` out of the int64 range.
    """
    C.autolic_flex_product_set(db, enc(code, "code"), enc(name, "name"), rate)


@api
def product_get(db: Database, code: str) -> ProductInfo:
    """Read a catalogue product, the code in any case (FLEX-3, SEAM-1,
    ``autolic_flex_product_get``).

    Args:
        db: the open database.
        code: the product code.

    Returns:
        The :class:`ProductInfo`.

    Raises:
        NotFound: no such product.
        InvalidArgument: a malformed code.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    i = _f.autolic_flex_product_info()
    i.version = _f.FLEX_PRODUCT_INFO_VERSION
    C.autolic_flex_product_get(db, enc(code, "code"), ctypes.byref(i))
    return ProductInfo(dec(i.code), dec(i.name), i.rate, from_time(i.added),
                       from_time(i.rate_since))


@api
def policy_set(db: Database, actor: int, team: int, overage_limit: int,
               low_threshold: int) -> None:
    """Set a team's Flex policy (FLEX-5, FLEX-12, ROLE-7, ``autolic_flex_policy_set``).

    Args:
        db: the open database.
        actor: a team administrator.
        team: the team's id.
        overage_limit: tokens the balance may go below zero (0, the default: none).
        low_threshold: the low-balance threshold (0: the default, 20%).

    Raises:
        PermissionDenied: `actor` is not a team administrator.
        InvalidArgument: a negative limit, or a value out of range.
        StateError: the limit is below what the team owes now.
        NotFound: no such team.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    p = policy_init()
    p.overage_limit = overage_limit
    p.low_threshold = low_threshold
    C.autolic_flex_policy_set(db, actor, team, ctypes.byref(p))


@api
def policy_get(db: Database, team: int) -> Policy:
    """A team's Flex policy, the defaults when never set (FLEX-5, FLEX-12,
    ``autolic_flex_policy_get``).

    Args:
        db: the open database.
        team: the team's id.

    Returns:
        The :class:`Policy`.

    Raises:
        NotFound: no such team.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    p = _f.autolic_flex_policy()
    p.version = _f.FLEX_POLICY_VERSION
    C.autolic_flex_policy_get(db, team, ctypes.byref(p))
    return Policy(p.overage_limit, p.low_threshold)


@api
def horizon_set(db: Database, actor: int, team: int, seconds: int) -> None:
    """Set a team's late-report horizon (SEAM-4, ROLE-7, ``autolic_flex_horizon_set``).

    A report older than the horizon is refused with StateError.

    Args:
        db: the open database.
        actor: a team administrator.
        team: the team's id.
        seconds: the horizon, 0 to 30 days (48 hours by default).

    Raises:
        PermissionDenied: `actor` is not a team administrator.
        InvalidArgument: `seconds` out of 0..30 days.
        NotFound: no such team.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_flex_horizon_set(db, actor, team, seconds)


@api
def horizon_get(db: Database, team: int) -> int:
    """A team's late-report horizon in seconds (SEAM-4, ``autolic_flex_horizon_get``).

    Args:
        db: the open database.
        team: the team's id.

    Returns:
        The horizon in seconds (48 hours unless set).

    Raises:
        NotFound: no such team.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    out = ctypes.c_int64()
    C.autolic_flex_horizon_get(db, team, ctypes.byref(out))
    return out.value


@api
def team_get(db: Database, team: int) -> TeamInfo:
    """A team's token position now (FLEX-5, FLEX-12, SEAM-5, ``autolic_flex_team_get``).

    Args:
        db: the open database.
        team: the team's id.

    Returns:
        The :class:`TeamInfo`.

    Raises:
        NotFound: no such team.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    i = _f.autolic_flex_team_info()
    i.version = _f.FLEX_TEAM_INFO_VERSION
    C.autolic_flex_team_get(db, team, ctypes.byref(i))
    return TeamInfo(i.balance, i.available, i.owed, i.unexpired_tokens, i.threshold,
                    bool(i.low))


@api
def balance_at(db: Database, team: int, at: TimeLike) -> int:
    """The team's balance at any instant, also in the past (FLEX-10, FLEX-11, SEAM-5,
    ``autolic_flex_balance_at``); due expiries included.

    Args:
        db: the open database.
        team: the team's id.
        at: the instant (datetime or int seconds).

    Returns:
        The balance in tokens.

    Raises:
        NotFound: no such team.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
        ValueError: `at` is a naive datetime.
    """
    out = ctypes.c_int64()
    C.autolic_flex_balance_at(db, team, to_time(at), ctypes.byref(out))
    return out.value


@api
def lot_buy(db: Database, actor: int, team: int, subscription: str, quantity: int,
            purchased: TimeLike = 0) -> int:
    """Buy a lot of `quantity` tokens (FLEX-1, ``autolic_flex_lot_buy``).

    Args:
        db: the open database.
        actor: a team administrator.
        team: the team's id.
        subscription: the token subscription's number.
        quantity: the number of tokens.
        purchased: the purchase time (datetime or int seconds; 0: now).

    Returns:
        The new lot's id.

    Raises:
        PermissionDenied: `actor` is not a team administrator.
        InvalidArgument: a bad quantity or subscription, or a purchase in the future.
        Expired: bought 365 days ago or more.
        NotFound: no such team.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    spec = lot_spec_init()
    spec.subscription = enc(subscription, "subscription")
    spec.quantity = quantity
    spec.purchased = to_time(purchased)
    out = _c.autolic_id()
    C.autolic_flex_lot_buy(db, actor, team, ctypes.byref(spec), ctypes.byref(out))
    return out.value


@api
def lot_get(db: Database, lot: int) -> Lot:
    """Read a lot (FLEX-1, ``autolic_flex_lot_get``).

    Args:
        db: the open database.
        lot: the lot's id.

    Returns:
        The :class:`Lot`.

    Raises:
        NotFound: no such lot.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    i = _f.autolic_flex_lot_info()
    i.version = _f.FLEX_LOT_INFO_VERSION
    C.autolic_flex_lot_get(db, lot, ctypes.byref(i))
    return Lot(i.id, i.team, dec(i.subscription), i.quantity, i.remaining,
               from_time(i.purchased), from_time(i.expires), bool(i.expired))


@api
def expire(db: Database, team: int) -> int:
    """Record every expiry that is due for `team` (FLEX-1, SEAM-4, ``autolic_flex_expire``).

    Args:
        db: the open database.
        team: the team's id.

    Returns:
        How many lots expired.

    Raises:
        NotFound: no such team.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    out = ctypes.c_size_t()
    C.autolic_flex_expire(db, team, ctypes.byref(out))
    return out.value


@api
def adjust(db: Database, actor: int, team: int, lot: int, delta: int) -> None:
    """Correct a lot's remaining tokens by `delta` (FLEX-10, FLEX-5, ``autolic_flex_adjust``).

    Args:
        db: the open database.
        actor: a team administrator.
        team: the team's id.
        lot: the lot's id.
        delta: tokens added (negative: removed); the balance never goes below zero.

    Raises:
        InvalidArgument: `delta` is 0 or out of range.
        Expired: the lot has expired.
        PermissionDenied: `actor` is not a team administrator.
        NotFound: the lot is not the team's.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_flex_adjust(db, actor, team, lot, delta)


@api
def move(db: Database, actor: int, from_team: int, to_team: int, subscription: str) -> int:
    """Move a token subscription's tokens to another team (FLEX-9, ``autolic_flex_move``).

    Args:
        db: the open database.
        actor: an administrator of both teams.
        from_team: the team giving the tokens.
        to_team: the team receiving them.
        subscription: the token subscription's number.

    Returns:
        How many tokens moved.

    Raises:
        PermissionDenied: `actor` does not administer both teams.
        NotFound: no such team or subscription.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    out = ctypes.c_int64()
    C.autolic_flex_move(db, actor, from_team, to_team, enc(subscription, "subscription"),
                        ctypes.byref(out))
    return out.value


@api
def user_assign(db: Database, actor: int, team: int, account: int = 0,
                person: Optional[str] = None, products: Optional[Sequence[str]] = None,
                by_import: bool = False) -> int:
    """Assign a Flex user (FLEX-7, ACCT-3, SEAM-3, ``autolic_flex_user_assign``).

    The user becomes a member of the team if not one yet.

    Args:
        db: the open database.
        actor: a team administrator.
        team: the team's id.
        account: the account's id, or 0 to name the person by `person`.
        person: ``"First Last <email>"`` or an email (when `account` is 0).
        products: the products allowed; None for every product.
        by_import: True when the assignment comes from a bulk import.

    Returns:
        The account's id.

    Raises:
        PermissionDenied: `actor` is not a team administrator.
        StateError: the account is removed.
        InvalidArgument: a bad person or product code.
        NotFound: no such team or account.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    arr, n = cstr_array(products or [], "products")
    spec = user_spec_init()
    spec.account = account
    spec.person = enc(person, "person")
    spec.all_products = 1 if products is None else 0
    spec.products = arr
    spec.n_products = n
    spec.by_import = 1 if by_import else 0
    out = _c.autolic_id()
    C.autolic_flex_user_assign(db, actor, team, ctypes.byref(spec), ctypes.byref(out))
    return out.value


@api
def user_remove(db: Database, actor: int, team: int, account: int) -> None:
    """Remove a Flex user from a team (FLEX-7, SEAM-3, ``autolic_flex_user_remove``);
    their windows, usage history and team membership stay.

    Args:
        db: the open database.
        actor: a team administrator.
        team: the team's id.
        account: the Flex user's id.

    Raises:
        PermissionDenied: `actor` is not a team administrator.
        NotFound: no such team, or `account` is no Flex user of it.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_flex_user_remove(db, actor, team, account)


@api
def user_allowed(db: Database, team: int, account: int, product: str) -> bool:
    """May `account` use `product` through `team`'s tokens (FLEX-7, SEAM-1,
    ``autolic_flex_user_allowed``)?

    Args:
        db: the open database.
        team: the team's id.
        account: the account's id.
        product: the product code, in any case.

    Returns:
        True when allowed.

    Raises:
        InvalidArgument: a bad id or product code.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    out = ctypes.c_int()
    C.autolic_flex_user_allowed(db, team, account, enc(product, "product"), ctypes.byref(out))
    return bool(out.value)


@api
def defaults_set(db: Database, actor: int, team: int, products: Sequence[str]) -> None:
    """Set the team's default assignments (FLEX-8, ``autolic_flex_defaults_set``).

    Every Flex user gets this set; an empty list disables them. Nobody is notified.

    Args:
        db: the open database.
        actor: a team administrator.
        team: the team's id.
        products: the product codes.

    Raises:
        PermissionDenied: `actor` is not a team administrator.
        InvalidArgument: a malformed or repeated code.
        NotFound: no such team.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    arr, n = cstr_array(products, "products")
    C.autolic_flex_defaults_set(db, actor, team, arr, n)


@api
def trial_add(db: Database, actor: int, account: int, product: str, start: TimeLike,
              end: TimeLike) -> None:
    """Record that `account` tries `product` from `start` to `end` (FLEX-6, ROLE-7,
    ``autolic_flex_trial_add``); no tokens are consumed for it meanwhile.

    Args:
        db: the open database.
        actor: the account itself.
        account: the account's id.
        product: the product code, in any case.
        start: the trial's start (datetime or int seconds).
        end: the trial's end.

    Raises:
        PermissionDenied: `actor` is not `account`.
        InvalidArgument: a bad period or product code.
        NotFound: no such account.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_flex_trial_add(db, actor, account, enc(product, "product"), to_time(start),
                             to_time(end))


@api
def report(db: Database, kind: Union[ReportKind, int], key: str, time: TimeLike,
           team: int = 0, account: int = 0, product: Optional[str] = None,
           session: int = 0) -> Result:
    """Report a session event and get its charge (FLEX-3, FLEX-4, FLEX-5, FLEX-6,
    FLEX-13, ``autolic_flex_report``).

    Reporting the same `key` again charges nothing and returns the first
    report's result with ``repeated=True`` (FLEX-13, SEAM-6: never an exception).

    Args:
        db: the open database.
        kind: the :class:`ReportKind` (launch, activity, idle, close).
        key: the report's idempotency key.
        time: when the event happened (datetime or int seconds).
        team: the team paying (a launch).
        account: the user (a launch).
        product: the product code (a launch).
        session: the session's id (after the launch).

    Returns:
        The :class:`Result`.

    Raises:
        Exists: the key was used for a different report.
        NotEnoughTokens: the balance cannot pay (FLEX-5).
        PermissionDenied: no Flex access to the product (FLEX-7), or the user's
            invitation expired (ACCT-4).
        StateError: out of order, the session is closed, or older than the team's
            late-report horizon (SEAM-4).
        InvalidArgument: a bad kind, key, product or time, or a time in the future.
        NotFound: no such team, account, product or session.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    spec = report_spec_init()
    spec.kind = kind
    spec.key = enc(key, "key")
    spec.time = to_time(time)
    spec.session = session
    spec.product = enc(product, "product")
    spec.team = team
    spec.account = account
    r = _f.autolic_flex_result()
    r.version = _f.FLEX_RESULT_VERSION
    rc = C.autolic_flex_report(db, ctypes.byref(spec), ctypes.byref(r))
    return Result(r.session, _enum(Reason, r.reason), r.charged, r.refunded, r.windows,
                  from_time_or_none(r.window_start), from_time_or_none(r.window_end),
                  bool(r.ended), _code(r.end_code), from_time_or_none(r.ended_at),
                  rc == _c.EDUPLICATE)


@api
def ledger(db: Database, team: int, start: TimeLike, end: TimeLike,
           mask: int = MASK_ALL) -> Iterator[Entry]:
    """The ledger entries of `team` dated in [start, end) (FLEX-10, FLEX-11, SEAM-5,
    ``autolic_flex_ledger_open``).

    Args:
        db: the open database.
        team: the team's id.
        start: the first instant (datetime or int seconds).
        end: the instant after the last.
        mask: the entry types wanted (:func:`mask`; every type by default).

    Returns:
        A generator of :class:`Entry`, from one snapshot.

    Raises:
        NotFound: no such team.
        InvalidArgument: `end` before `start`.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    def step(it: int) -> Any:
        e = _f.autolic_flex_entry()
        e.version = _f.FLEX_ENTRY_VERSION
        if C.autolic_flex_ledger_next(it, ctypes.byref(e)) == ITEROVER:
            return None
        return Entry(e.seq, _enum(EntryType, e.type), from_time(e.time), from_time(e.recorded),
                     e.team, e.lot or None, e.amount, e.account or None, e.window or None,
                     dec(e.product), dec(e.subscription))
    return iterate(db, lambda out: C.autolic_flex_ledger_open(
        db, team, to_time(start), to_time(end), mask, ctypes.byref(out)),
        step, C.autolic_flex_ledger_free, "flex ledger iterator")


@api
def usage(db: Database, team: int, start: TimeLike, end: TimeLike) -> Iterator[UsageRow]:
    """The usage rows of `team` in [start, end) (FLEX-11, ``autolic_flex_usage_open``).

    Args:
        db: the open database.
        team: the team's id.
        start: the first instant (datetime or int seconds).
        end: the instant after the last.

    Returns:
        A generator of :class:`UsageRow`, from one snapshot.

    Raises:
        NotFound: no such team.
        InvalidArgument: `end` before `start`.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    def step(it: int) -> Any:
        r = _f.autolic_flex_usage_row()
        r.version = _f.FLEX_USAGE_ROW_VERSION
        if C.autolic_flex_usage_next(it, ctypes.byref(r)) == ITEROVER:
            return None
        lots = tuple((r.lots[i].lot, r.lots[i].amount) for i in range(r.n_lots))
        return UsageRow(from_time(r.day), from_time(r.day_end), r.window, r.account,
                        dec(r.email), dec(r.first_name), dec(r.last_name), dec(r.product),
                        r.team, r.tokens, _enum(Reason, r.reason), lots)
    return iterate(db, lambda out: C.autolic_flex_usage_open(
        db, team, to_time(start), to_time(end), ctypes.byref(out)),
        step, C.autolic_flex_usage_free, "flex usage iterator")


@api
def usage_csv(db: Database, team: int, start: TimeLike, end: TimeLike) -> str:
    """The usage report of `team` in [start, end) as CSV text (FLEX-11, IN-2,
    ``autolic_flex_usage_csv``).

    Args:
        db: the open database.
        team: the team's id.
        start: the first instant (datetime or int seconds).
        end: the instant after the last.

    Returns:
        The CSV text, header first.

    Raises:
        Aborted: the text could not be collected.
        NotFound: no such team.
        InvalidArgument: `end` before `start`.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    parts = []

    def write(data: Any, n: int, _ctx: Any) -> int:
        parts.append(ctypes.string_at(data, n))
        return 0
    cb = _f.FLEX_WRITE_FN(write)
    C.autolic_flex_usage_csv(db, team, to_time(start), to_time(end), cb, None)
    return dec(b"".join(parts))


@api
def check(db: Database, team: int) -> None:
    """Check the team's ledger against its lots (FLEX-10, ``autolic_flex_check``).

    Args:
        db: the open database.
        team: the team's id.

    Raises:
        Corrupt: the ledger and the lots differ; the message names the first violation.
        InvalidArgument: team 0.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_flex_check(db, team)


@api
def policy_init(version: int = _f.FLEX_POLICY_VERSION) -> _f.autolic_flex_policy:
    """``AUTOLIC_FLEX_POLICY_INIT`` from the library, for `version` (``autolic_flex_policy_init``).

    Args:
        version: the ``autolic_flex_policy`` version to fill (the newest by default).

    Raises:
        VersionError: autolic_flex_policy `version` 0, or newer than the library's.
    """
    return struct_init(_f.autolic_flex_policy, C.autolic_flex_policy_init, version)


@api
def lot_spec_init(version: int = _f.FLEX_LOT_SPEC_VERSION) -> _f.autolic_flex_lot_spec:
    """``AUTOLIC_FLEX_LOT_SPEC_INIT`` from the library, for `version` (``autolic_flex_lot_spec_init``).

    Args:
        version: the ``autolic_flex_lot_spec`` version to fill (the newest by default).

    Raises:
        VersionError: autolic_flex_lot_spec `version` 0, or newer than the library's.
    """
    return struct_init(_f.autolic_flex_lot_spec, C.autolic_flex_lot_spec_init, version)


@api
def user_spec_init(version: int = _f.FLEX_USER_SPEC_VERSION) -> _f.autolic_flex_user_spec:
    """``AUTOLIC_FLEX_USER_SPEC_INIT`` from the library, for `version` (``autolic_flex_user_spec_init``).

    Args:
        version: the ``autolic_flex_user_spec`` version to fill (the newest by default).

    Raises:
        VersionError: autolic_flex_user_spec `version` 0, or newer than the library's.
    """
    return struct_init(_f.autolic_flex_user_spec, C.autolic_flex_user_spec_init, version)


@api
def report_spec_init(version: int = _f.FLEX_REPORT_SPEC_VERSION) -> _f.autolic_flex_report_spec:
    """``AUTOLIC_FLEX_REPORT_SPEC_INIT`` from the library, for `version` (``autolic_flex_report_spec_init``).

    Args:
        version: the ``autolic_flex_report_spec`` version to fill (the newest by default).

    Raises:
        VersionError: autolic_flex_report_spec `version` 0, or newer than the library's.
    """
    return struct_init(_f.autolic_flex_report_spec, C.autolic_flex_report_spec_init, version)


@api
def entry_type_name(type: int) -> str:
    """The name of a ledger entry type `type` (``autolic_flex_entry_type_name``): ``"consume"`` for
    ``EntryType.CONSUME``, as the members of :class:`EntryType` are named.

    Args:
        type: any int; a value the library does not know is ``"unknown"``.

    Raises:
        TypeError: `type` is not an int (OverflowError: beyond a C int).
    """
    return name_of(C.autolic_flex_entry_type_name, type)


@api
def report_kind_name(kind: int) -> str:
    """The name of a report kind `kind` (``autolic_flex_report_kind_name``): ``"launch"`` for
    ``ReportKind.LAUNCH``, as the members of :class:`ReportKind` are named.

    Args:
        kind: any int; a value the library does not know is ``"unknown"``.

    Raises:
        TypeError: `kind` is not an int (OverflowError: beyond a C int).
    """
    return name_of(C.autolic_flex_report_kind_name, kind)


@api
def reason_name(reason: int) -> str:
    """The name of a report result reason `reason` (``autolic_flex_reason_name``): ``"in_window"`` for
    ``Reason.IN_WINDOW``, as the members of :class:`Reason` are named.

    Args:
        reason: any int; a value the library does not know is ``"unknown"``.

    Raises:
        TypeError: `reason` is not an int (OverflowError: beyond a C int).
    """
    return name_of(C.autolic_flex_reason_name, reason)
