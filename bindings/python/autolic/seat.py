"""Seats (autolic/seat.h): SEAT-1..SEAT-5."""
import ctypes
import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from ._api import core as _c
from ._api import seat as _s
from ._check import api
from ._handle import iterate
from ._lib import C, cstr_array, dec, enc, int_array, name_of
from ._time import from_time
from .db import Database
from .errors import Code
from .errors import code as _code
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
    origin: Union[Origin, int]  # a plain int for an origin newer than this binding
    active: bool


@dataclass(frozen=True)
class Result:
    """One item of a set_access/import report (``autolic_seat_result``)."""
    user: int
    product: str
    action: Union[Action, int]
    status: Union[Code, int]  # Code.OK, or the code refusing the item
    message: str


def _summary_from_c(s: Any) -> Summary:
    return Summary(s.contract, s.team, dec(s.product), s.quantity, s.granted, s.available,
                   from_time(s.start), from_time(s.end), bool(s.active))


def _new_summary() -> Any:
    s = _s.autolic_seat_summary()
    s.version = _s.SEAT_SUMMARY_VERSION
    return s


@api
def summary(db: Database, contract: int, product: str) -> Summary:
    """Seat counts of one product of a contract (SEAT-2, ``autolic_seat_summary_get``).

    Args:
        db: the open database.
        contract: the contract's id.
        product: the product code, in any case (SEAM-1).

    Returns:
        The :class:`Summary`: quantity bought, seats granted and available.

    Raises:
        NotFound: no such contract, or the contract has no such product.
        InvalidArgument: a malformed product code (SEAM-1).
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    s = _new_summary()
    C.autolic_seat_summary_get(db, contract, enc(product, "product"), ctypes.byref(s))
    return _summary_from_c(s)


@api
def grant(db: Database, actor: int, contract: int, product: str, user: int) -> None:
    """Grant `user` a seat of `product` on `contract` (SEAT-1, SEAT-2, ``autolic_seat_grant``).

    Args:
        db: the open database.
        actor: the account acting: a contract manager or team administrator.
        contract: the contract's id.
        product: the product code, in any case (SEAM-1).
        user: the account receiving the seat; it becomes a team member (SEAM-3).

    Raises:
        NoSeat: every seat of the product is in use (SEAT-2).
        Exists: `user` already holds a seat of the product (SEAT-1).
        Expired: the contract ended, or the user's invitation expired.
        StateError: the contract has not started, or the user was removed.
        PermissionDenied: `actor` may not grant seats (ROLE-6).
        NotFound: no such contract, product or account.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
        OverflowError: an id out of the uint64 range.
    """
    C.autolic_seat_grant(db, actor, contract, enc(product, "product"), user)


@api
def revoke(db: Database, actor: int, contract: int, product: str, user: int) -> None:
    """Revoke the seat `user` holds of `product` on `contract` (SEAT-3, ``autolic_seat_revoke``).

    Args:
        db: the open database.
        actor: the account acting: a contract manager or team administrator.
        contract: the contract's id.
        product: the product code, in any case (SEAM-1).
        user: the seat holder.

    Raises:
        NotFound: `user` holds no such seat, or no such contract or product.
        PermissionDenied: `actor` may not revoke seats.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_seat_revoke(db, actor, contract, enc(product, "product"), user)


def _report(call: Callable[[Any], Any]) -> List[Result]:
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
                                        _code(r.status), dec(r.message)))
            finally:
                C.autolic_seat_report_free(rep)
    return items


@api
def set_access(db: Database, actor: int, contract: int, user: int,
               products: Sequence[str]) -> List[Result]:
    """Set exactly which products `user` has seats of (SEAT-4, ``autolic_seat_set_access``).

    All or nothing: a refused item raises and nothing changes.

    Args:
        db: the open database.
        actor: the account acting: a contract manager or team administrator.
        contract: the contract's id.
        user: the account whose seats are set.
        products: the product codes `user` is to hold seats of (each once).

    Returns:
        One :class:`Result` per product concerned (kept, granted or revoked).

    Raises:
        NoSeat: a product has no seat left (SEAT-2).
        Exists: a seat of the product is held on another contract (SEAT-1).
        Expired: the contract ended, or the user's invitation expired.
        StateError: the contract has not started, or the user was removed.
        InvalidArgument: a malformed code, or a product listed twice (SEAM-1).
        PermissionDenied: `actor` may not grant seats.
        NotFound: no such account, or a product unknown on the contract.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    arr, n = cstr_array(products, "products")
    return _report(lambda out: C.autolic_seat_set_access(db, actor, contract, user, arr, n,
                                                         out))


@api
def import_(db: Database, actor: int, contract: int,
            pairs: Iterable[Tuple[int, str]]) -> List[Result]:
    """Grant seats from ``(user, product)`` pairs, all or nothing (SEAT-5, ``autolic_seat_import``).

    Args:
        db: the open database.
        actor: the account acting: a contract manager or team administrator.
        contract: the contract's id.
        pairs: ``(user id, product code)`` pairs.

    Returns:
        One :class:`Result` per pair.

    Raises:
        NoSeat: a product has no seat left (SEAT-2).
        Exists: a user already holds a seat of the product (SEAT-1).
        Expired: the contract ended, or an invitation expired.
        StateError: the contract has not started, or a user was removed.
        InvalidArgument: a malformed pair (the message names it).
        PermissionDenied: `actor` may not grant seats.
        NotFound: no such contract, product or account.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    pairs = list(pairs)
    users, n = int_array(_c.autolic_id, [u for u, _ in pairs], "users")
    prods, _n = cstr_array([p for _, p in pairs], "products")
    return _report(lambda out: C.autolic_seat_import(db, actor, contract, users, prods, n, out))


def _entries(db: Database, open_fn: Callable[[Any], Any], name: str) -> Iterator[Entry]:
    def step(it: int) -> Any:
        e = _s.autolic_seat_entry()
        e.version = _s.SEAT_ENTRY_VERSION
        if C.autolic_seat_iter_next(it, ctypes.byref(e)) == ITEROVER:
            return None
        return Entry(e.contract, dec(e.product), e.user, from_time(e.granted_at),
                     e.granted_by or None, _enum(Origin, e.origin), bool(e.active))
    return iterate(db, open_fn, step, C.autolic_seat_iter_free, name)


@api
def user_products(db: Database, user: int) -> Iterator[Entry]:
    """The seats `user` holds on every contract (SEAT-1, ``autolic_seat_user_products``).

    Args:
        db: the open database.
        user: the account's id.

    Returns:
        A generator of :class:`Entry`, from one snapshot; freed when it ends,
        is closed, or the database closes.

    Raises:
        NotFound: no such account.
        Closed: `db` is closed (also when advancing after it closed).
        TypeError: an argument of the wrong type.
    """
    return _entries(db, lambda out: C.autolic_seat_user_products(db, user, ctypes.byref(out)),
                    "seat iterator")


@api
def product_users(db: Database, contract: int, product: str) -> Iterator[Entry]:
    """The seats of `product` on `contract` (SEAT-1, SEAT-2, ``autolic_seat_product_users``).

    Args:
        db: the open database.
        contract: the contract's id.
        product: the product code, in any case (SEAM-1).

    Returns:
        A generator of :class:`Entry`, from one snapshot.

    Raises:
        NotFound: no such contract or product.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    return _entries(db, lambda out: C.autolic_seat_product_users(
        db, contract, enc(product, "product"), ctypes.byref(out)), "seat iterator")


@api
def contract_summary(db: Database, contract: int) -> Iterator[Summary]:
    """The per-product seat counts of `contract` (SEAT-2, ``autolic_seat_contract_summary``).

    Args:
        db: the open database.
        contract: the contract's id.

    Returns:
        A generator of :class:`Summary`, one per product.

    Raises:
        NotFound: no such contract.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    def step(it: int) -> Any:
        s = _new_summary()
        if C.autolic_seat_summary_iter_next(it, ctypes.byref(s)) == ITEROVER:
            return None
        return _summary_from_c(s)
    return iterate(db, lambda out: C.autolic_seat_contract_summary(db, contract,
                                                                   ctypes.byref(out)),
                   step, C.autolic_seat_summary_iter_free, "seat summary iterator")


@api
def origin_name(origin: int) -> str:
    """The name of a seat origin `origin` (``autolic_seat_origin_name``): ``"import"`` for
    ``Origin.IMPORT``, as the members of :class:`Origin` are named.

    Args:
        origin: any int; a value the library does not know is ``"unknown"``.

    Raises:
        TypeError: `origin` is not an int (OverflowError: beyond a C int).
    """
    return name_of(C.autolic_seat_origin_name, origin)


@api
def action_name(action: int) -> str:
    """The name of a seat action `action` (``autolic_seat_action_name``): ``"revoke"`` for
    ``Action.REVOKE``, as the members of :class:`Action` are named.

    Args:
        action: any int; a value the library does not know is ``"unknown"``.

    Raises:
        TypeError: `action` is not an int (OverflowError: beyond a C int).
    """
    return name_of(C.autolic_seat_action_name, action)
