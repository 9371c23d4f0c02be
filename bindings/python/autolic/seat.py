"""Seats (autolic/seat.h): SEAT-1..SEAT-5."""
import ctypes
import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from ._api import core as _c
from ._api import seat as _s
from ._handle import iterate
from ._lib import C, cstr_array, dec, enc, int_array
from ._time import from_time
from .team import _enum

ITEROVER = _c.ITEROVER


class Origin(enum.IntEnum):
    GRANT = _s.SEAT_ORIGIN_GRANT
    ACCESS = _s.SEAT_ORIGIN_ACCESS
    IMPORT = _s.SEAT_ORIGIN_IMPORT


class Action(enum.IntEnum):
    KEEP = _s.SEAT_KEEP
    GRANT = _s.SEAT_GRANT
    REVOKE = _s.SEAT_REVOKE


@dataclass(frozen=True)
class Summary:
    """Seats of one product of a contract (``autolic_seat_summary``)."""
    contract: int
    team: int
    product: str
    quantity: int
    granted: int
    available: int
    start: datetime
    end: datetime
    active: bool


@dataclass(frozen=True)
class Entry:
    """One seat (``autolic_seat_entry``)."""
    contract: int
    product: str
    user: int
    granted_at: datetime
    granted_by: Optional[int]
    origin: int  # an Origin
    active: bool


@dataclass(frozen=True)
class Result:
    """One item of a set_access/import report (``autolic_seat_result``)."""
    user: int
    product: str
    action: int  # an Action
    status: int  # 0 or the item's error code
    message: str


def _summary_from_c(s):
    return Summary(s.contract, s.team, dec(s.product), s.quantity, s.granted, s.available,
                   from_time(s.start), from_time(s.end), bool(s.active))


def _new_summary():
    s = _s.autolic_seat_summary()
    s.version = _s.SEAT_SUMMARY_VERSION
    return s


def summary(db, contract, product):
    """Seat counts of one product of a contract (SEAT-2)."""
    s = _new_summary()
    C.autolic_seat_summary_get(db, contract, enc(product, "product"), ctypes.byref(s))
    return _summary_from_c(s)


def grant(db, actor, contract, product, user):
    """Grant `user` a seat of `product` (SEAT-1, SEAT-2); raises NoSeat when all are in use."""
    C.autolic_seat_grant(db, actor, contract, enc(product, "product"), user)


def revoke(db, actor, contract, product, user):
    """Revoke the seat of `user` (SEAT-3)."""
    C.autolic_seat_revoke(db, actor, contract, enc(product, "product"), user)


def _report(call):
    """Run `call(report_out)`; read and free the report even when the call raised."""
    rep = _s.seat_report_p()
    try:
        call(ctypes.byref(rep))
    finally:
        items = []
        if rep.value:
            try:
                for i in range(C.autolic_seat_report_count(rep)):
                    r = _s.autolic_seat_result()
                    r.version = _s.SEAT_RESULT_VERSION
                    C.autolic_seat_report_get(rep, i, ctypes.byref(r))
                    items.append(Result(r.user, dec(r.product), _enum(Action, r.action),
                                        r.status, dec(r.message)))
            finally:
                C.autolic_seat_report_free(rep)
    return items


def set_access(db, actor, contract, user, products):
    """Set exactly which products `user` has seats of (SEAT-4); returns the list of
    :class:`Result`. A refused item raises (NoSeat, ...) and nothing changes."""
    arr, n = cstr_array(products, "products")
    return _report(lambda out: C.autolic_seat_set_access(db, actor, contract, user, arr, n,
                                                         out))


def import_(db, actor, contract, pairs):
    """Grant seats from (user, product) pairs (SEAT-5); returns the list of :class:`Result`."""
    pairs = list(pairs)
    users, n = int_array(_c.autolic_id, [u for u, _ in pairs], "users")
    prods, _n = cstr_array([p for _, p in pairs], "products")
    return _report(lambda out: C.autolic_seat_import(db, actor, contract, users, prods, n, out))


def _entries(db, open_fn, name):
    def step(it):
        e = _s.autolic_seat_entry()
        e.version = _s.SEAT_ENTRY_VERSION
        if C.autolic_seat_iter_next(it, ctypes.byref(e)) == ITEROVER:
            return None
        return Entry(e.contract, dec(e.product), e.user, from_time(e.granted_at),
                     e.granted_by or None, _enum(Origin, e.origin), bool(e.active))
    return iterate(db, open_fn, step, C.autolic_seat_iter_free, name)


def user_products(db, user):
    """Generator over the seats `user` holds on every contract (SEAT-1; :class:`Entry`;
    ``autolic_seat_user_products``)."""
    return _entries(db, lambda out: C.autolic_seat_user_products(db, user, ctypes.byref(out)),
                    "seat iterator")


def product_users(db, contract, product):
    """Generator over the seats of `product` on `contract` (SEAT-1, SEAT-2; :class:`Entry`;
    ``autolic_seat_product_users``)."""
    return _entries(db, lambda out: C.autolic_seat_product_users(
        db, contract, enc(product, "product"), ctypes.byref(out)), "seat iterator")


def contract_summary(db, contract):
    """Generator over the per-product :class:`Summary` of `contract` (SEAT-2)."""
    def step(it):
        s = _new_summary()
        if C.autolic_seat_summary_iter_next(it, ctypes.byref(s)) == ITEROVER:
            return None
        return _summary_from_c(s)
    return iterate(db, lambda out: C.autolic_seat_contract_summary(db, contract,
                                                                   ctypes.byref(out)),
                   step, C.autolic_seat_summary_iter_free, "seat summary iterator")
