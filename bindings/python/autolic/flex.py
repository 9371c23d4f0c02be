"""Flex tokens (autolic/flex.h): FLEX-1..FLEX-13."""
import ctypes
import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Optional, Tuple

from ._api import core as _c
from ._api import flex as _f
from ._handle import iterate
from ._lib import C, cstr_array, dec, enc
from ._time import from_time, from_time_or_none, to_time
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


def mask(*types):
    """A ledger mask of these :class:`EntryType` values (FLEX-10)."""
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
    reason: int  # a Reason
    charged: int
    refunded: int
    windows: int
    window_start: Optional[datetime]
    window_end: Optional[datetime]
    ended: bool
    end_code: int
    ended_at: Optional[datetime]
    #: True when the report's key was applied before (FLEX-13): this is the first
    #: report's result, and nothing changed.
    repeated: bool = False


@dataclass(frozen=True)
class Entry:
    """A ledger entry (``autolic_flex_entry``)."""
    seq: int
    type: int  # an EntryType
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
    reason: int  # a Reason
    lots: Tuple[Tuple[int, int], ...]


def product_set(db, code, name, rate):
    """Add or re-rate a Flex product, `rate` tokens per 24-hour window (FLEX-3, SEAM-1;
    ``autolic_flex_product_set``)."""
    C.autolic_flex_product_set(db, enc(code, "code"), enc(name, "name"), rate)


def product_get(db, code):
    """Read a catalogue product (FLEX-3, SEAM-1: the code in any case;
    ``autolic_flex_product_get``) as a :class:`ProductInfo`; raises NotFound."""
    i = _f.autolic_flex_product_info()
    i.version = _f.FLEX_PRODUCT_INFO_VERSION
    C.autolic_flex_product_get(db, enc(code, "code"), ctypes.byref(i))
    return ProductInfo(dec(i.code), dec(i.name), i.rate, from_time(i.added),
                       from_time(i.rate_since))


def policy_set(db, actor, team, overage_limit, low_threshold):
    """Set a team's Flex policy (``autolic_flex_policy_set``): the bounded overage
    (FLEX-5; 0, the default, allows none) and the low-balance threshold (FLEX-12;
    0 for the default 20%). Only a team administrator may (ROLE-7)."""
    p = _f.autolic_flex_policy(_f.FLEX_POLICY_VERSION, overage_limit, low_threshold)
    C.autolic_flex_policy_set(db, actor, team, ctypes.byref(p))


def policy_get(db, team):
    """A team's Flex :class:`Policy`, the defaults when never set (FLEX-5, FLEX-12;
    ``autolic_flex_policy_get``)."""
    p = _f.autolic_flex_policy()
    p.version = _f.FLEX_POLICY_VERSION
    C.autolic_flex_policy_get(db, team, ctypes.byref(p))
    return Policy(p.overage_limit, p.low_threshold)


def horizon_set(db, actor, team, seconds):
    """Set a team's late-report horizon in seconds (``autolic_flex_horizon_set``,
    SEAM-4): a report older than it is refused (``StateError``); 0 to 30 days, 48 hours
    by default. Only a team administrator may (ROLE-7)."""
    C.autolic_flex_horizon_set(db, actor, team, seconds)


def horizon_get(db, team):
    """A team's late-report horizon in seconds (``autolic_flex_horizon_get``, SEAM-4;
    48 hours unless set)."""
    out = ctypes.c_int64()
    C.autolic_flex_horizon_get(db, team, ctypes.byref(out))
    return out.value


def team_get(db, team):
    """A team's token position now (FLEX-5, FLEX-12, SEAM-5; :class:`TeamInfo`;
    ``autolic_flex_team_get``)."""
    i = _f.autolic_flex_team_info()
    i.version = _f.FLEX_TEAM_INFO_VERSION
    C.autolic_flex_team_get(db, team, ctypes.byref(i))
    return TeamInfo(i.balance, i.available, i.owed, i.unexpired_tokens, i.threshold,
                    bool(i.low))


def balance_at(db, team, at):
    """The team's balance at any instant, also in the past, from the ledger (FLEX-10,
    FLEX-11, SEAM-5: due expiries included; ``autolic_flex_balance_at``)."""
    out = ctypes.c_int64()
    C.autolic_flex_balance_at(db, team, to_time(at), ctypes.byref(out))
    return out.value


def lot_buy(db, actor, team, subscription, quantity, purchased=0):
    """Buy a lot of `quantity` tokens (FLEX-1); returns the lot id."""
    spec = _f.autolic_flex_lot_spec(_f.FLEX_LOT_SPEC_VERSION, enc(subscription, "subscription"),
                                    quantity, to_time(purchased))
    out = _c.autolic_id()
    C.autolic_flex_lot_buy(db, actor, team, ctypes.byref(spec), ctypes.byref(out))
    return out.value


def lot_get(db, lot):
    """Read a lot (FLEX-1, ``autolic_flex_lot_get``) as a :class:`Lot`; raises NotFound."""
    i = _f.autolic_flex_lot_info()
    i.version = _f.FLEX_LOT_INFO_VERSION
    C.autolic_flex_lot_get(db, lot, ctypes.byref(i))
    return Lot(i.id, i.team, dec(i.subscription), i.quantity, i.remaining,
               from_time(i.purchased), from_time(i.expires), bool(i.expired))


def expire(db, team):
    """Record every expiry that is due for `team` (FLEX-1, SEAM-4;
    ``autolic_flex_expire``); returns how many."""
    out = ctypes.c_size_t()
    C.autolic_flex_expire(db, team, ctypes.byref(out))
    return out.value


def adjust(db, actor, team, lot, delta):
    """Correct a lot's remaining tokens by `delta` (an ADJUST ledger entry, FLEX-10;
    ``autolic_flex_adjust``). The balance never goes below zero (FLEX-5)."""
    C.autolic_flex_adjust(db, actor, team, lot, delta)


def move(db, actor, from_team, to_team, subscription):
    """Move a token subscription's tokens to another team (FLEX-9; ``autolic_flex_move``);
    returns how many moved."""
    out = ctypes.c_int64()
    C.autolic_flex_move(db, actor, from_team, to_team, enc(subscription, "subscription"),
                        ctypes.byref(out))
    return out.value


def user_assign(db, actor, team, account=0, person=None, products=None, by_import=False):
    """Assign a Flex user (FLEX-7, ACCT-3; ``autolic_flex_user_assign``); `products=None`
    means every product. Returns the account id."""
    arr, n = cstr_array(products or [], "products")
    spec = _f.autolic_flex_user_spec(_f.FLEX_USER_SPEC_VERSION, account, enc(person, "person"),
                                     1 if products is None else 0, arr, n,
                                     1 if by_import else 0)
    out = _c.autolic_id()
    C.autolic_flex_user_assign(db, actor, team, ctypes.byref(spec), ctypes.byref(out))
    return out.value


def user_remove(db, actor, team, account):
    """Remove a Flex user from a team; their windows and usage history stay (FLEX-7,
    ``autolic_flex_user_remove``)."""
    C.autolic_flex_user_remove(db, actor, team, account)


def user_allowed(db, team, account, product):
    """May `account` use `product` through `team`'s Flex tokens (FLEX-7, SEAM-1;
    ``autolic_flex_user_allowed``)? Returns a bool."""
    out = ctypes.c_int()
    C.autolic_flex_user_allowed(db, team, account, enc(product, "product"), ctypes.byref(out))
    return bool(out.value)


def defaults_set(db, actor, team, products):
    """Set the team's default assignments (FLEX-8, ``autolic_flex_defaults_set``): every
    Flex user gets this set; an empty list disables them. Changing them notifies nobody."""
    arr, n = cstr_array(products, "products")
    C.autolic_flex_defaults_set(db, actor, team, arr, n)


def trial_add(db, actor, account, product, start, end):
    """Record that `account` tries `product` from `start` to `end`: no tokens are
    consumed for it meanwhile (FLEX-6; ``autolic_flex_trial_add``). `actor` must be
    `account` (ROLE-7)."""
    C.autolic_flex_trial_add(db, actor, account, enc(product, "product"), to_time(start),
                             to_time(end))


def report(db, kind, key, time, team=0, account=0, product=None, session=0):
    """Report a session event (launch, activity, idle, close) and get the :class:`Result`
    (FLEX-3, FLEX-4, FLEX-5, FLEX-6, FLEX-13; ``autolic_flex_report``).

    `key` is the report's idempotency key (FLEX-13): reporting the same key again
    charges nothing and returns the first report's result with ``repeated=True``
    (SEAM-6: never an exception). The same key used for a different report raises
    Exists. Other failures raise: NotEnoughTokens (FLEX-5), PermissionDenied (FLEX-7),
    StateError (reports out of order), InvalidArgument, NotFound.
    """
    spec = _f.autolic_flex_report_spec(_f.FLEX_REPORT_SPEC_VERSION, kind, enc(key, "key"),
                                       to_time(time), session, enc(product, "product"),
                                       team, account)
    r = _f.autolic_flex_result()
    r.version = _f.FLEX_RESULT_VERSION
    rc = C.autolic_flex_report(db, ctypes.byref(spec), ctypes.byref(r))
    return Result(r.session, _enum(Reason, r.reason), r.charged, r.refunded, r.windows,
                  from_time_or_none(r.window_start), from_time_or_none(r.window_end),
                  bool(r.ended), r.end_code, from_time_or_none(r.ended_at),
                  rc == _c.EDUPLICATE)


def ledger(db, team, start, end, mask=MASK_ALL):
    """Generator over the ledger entries of `team` dated in [start, end) (FLEX-10, FLEX-11,
    SEAM-5; :class:`Entry`; ``autolic_flex_ledger_open``/``_next``/``_free``)."""
    def step(it):
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


def usage(db, team, start, end):
    """Generator over the usage rows of `team` in [start, end) (FLEX-11; :class:`UsageRow`;
    ``autolic_flex_usage_open``/``_next``/``_free``)."""
    def step(it):
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


def usage_csv(db, team, start, end):
    """The usage report of `team` in [start, end) as CSV text (FLEX-11, IN-2;
    ``autolic_flex_usage_csv``)."""
    parts = []

    def write(data, n, _ctx):
        parts.append(ctypes.string_at(data, n))
        return 0
    cb = _f.FLEX_WRITE_FN(write)
    C.autolic_flex_usage_csv(db, team, to_time(start), to_time(end), cb, None)
    return dec(b"".join(parts))


def check(db, team):
    """Check the team's ledger against its lots (FLEX-10); raises Corrupt when they differ."""
    C.autolic_flex_check(db, team)
