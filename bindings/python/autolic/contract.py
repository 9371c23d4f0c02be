"""Contracts and roles (autolic/contract.h): ROLE-1..ROLE-9, APS-1."""
import ctypes
import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Iterator, NamedTuple, Optional, Tuple, Union

from ._api import contract as _k
from ._api import core as _c
from ._check import TimeLike, api
from ._handle import iterate
from ._lib import C, dec, enc, name_of, struct_init
from ._time import from_time, to_time
from .account import AccountState
from .db import Database
from .team import TeamRole, _enum

ITEROVER = _c.ITEROVER


class ContractStatus(enum.IntEnum):
    PENDING = _k.CONTRACT_PENDING
    ACTIVE = _k.CONTRACT_ACTIVE
    EXPIRED = _k.CONTRACT_EXPIRED


class Roles(enum.IntFlag):
    """The contract roles of a :class:`Member` (bits; ROLE-1)."""
    NONE = 0
    MANAGER = _k.CONTRACT_ROLE_MANAGER
    COORDINATOR = _k.CONTRACT_ROLE_COORDINATOR
    USER = _k.CONTRACT_ROLE_USER


# Role bits of Member.roles (the Roles members)
MANAGER = Roles.MANAGER
COORDINATOR = Roles.COORDINATOR
USER = Roles.USER


class Product(NamedTuple):
    """One product line of :func:`buy`: `quantity` seats of `product`, optional `serial`."""
    product: str
    quantity: int
    serial: Optional[str] = None


@dataclass(frozen=True)
class Contract:
    """What is known of a contract (``autolic_contract_info``)."""
    id: int
    number: str
    team: int
    manager: Optional[int]
    coordinator: Optional[int]
    buyer: Optional[int]
    start: datetime
    end: datetime
    auto_renew: bool
    status: Union[ContractStatus, int]  # a plain int for a newer status
    created: datetime
    nproducts: int


@dataclass(frozen=True)
class ContractProduct:
    """One product of a contract (``autolic_contract_product_info``)."""
    contract: int
    product: str
    quantity: int
    serial: str
    bought: int


@dataclass(frozen=True)
class Member:
    """A member of a contract (``autolic_contract_member``)."""
    account: int
    roles: Roles  # MANAGER | COORDINATOR | USER
    team_role: Union[TeamRole, int]
    state: Union[AccountState, int]


@api
def buy(db: Database, actor: int, team: int,
        products: Iterable[Union[Product, Tuple[str, int], Tuple[str, int, Optional[str]]]],
        start: TimeLike, end: TimeLike, auto_renew: bool = False) -> int:
    """Buy a contract for `team` (ROLE-1, APS-1, ``autolic_contract_buy``).

    Args:
        db: the open database.
        actor: the buyer, an active administrator of `team`.
        team: the team's id.
        products: :class:`Product` or ``(product, quantity[, serial])`` tuples.
        start: the first instant of the contract (datetime or int seconds).
        end: the instant it ends.
        auto_renew: whether it renews itself.

    Returns:
        The new contract's id.

    Raises:
        InvalidArgument: no product, a product listed twice (ROLE-1, SEAM-1), a bad
            quantity, serial or period, or team 0 while the buyer administers several
            teams (APS-1).
        Exists: a given serial number is taken.
        PermissionDenied: `actor` may not buy for the team (ROLE-6, ROLE-7).
        NotFound: no such team.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
        OverflowError: a quantity out of the uint32 range.
    """
    items = [Product(*p) for p in products]
    arr = (_k.autolic_contract_product_spec * max(len(items), 1))()
    for i, p in enumerate(items):
        ps = product_spec_init()
        ps.product = enc(p.product, "product")
        ps.quantity = p.quantity
        ps.serial = enc(p.serial, "serial")
        arr[i] = ps
    spec = spec_init()
    spec.team = team
    spec.products = arr if items else None
    spec.nproducts = len(items)
    spec.start = to_time(start)
    spec.end = to_time(end)
    spec.auto_renew = 1 if auto_renew else 0
    out = _c.autolic_id()
    C.autolic_contract_buy(db, actor, ctypes.byref(spec), ctypes.byref(out))
    return out.value


def _contract_from_c(i: Any) -> Contract:
    return Contract(i.id, dec(i.number), i.team, i.manager or None, i.coordinator or None,
                    i.buyer or None, from_time(i.start), from_time(i.end), bool(i.auto_renew),
                    _enum(ContractStatus, i.status), from_time(i.created), i.nproducts)


def _new_info() -> Any:
    info = _k.autolic_contract_info()
    info.version = _k.CONTRACT_INFO_VERSION
    return info


@api
def get(db: Database, contract: int) -> Contract:
    """Read a contract (ROLE-1, ``autolic_contract_get``).

    Args:
        db: the open database.
        contract: the contract's id.

    Returns:
        The :class:`Contract`.

    Raises:
        NotFound: no such contract.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    info = _new_info()
    C.autolic_contract_get(db, contract, ctypes.byref(info))
    return _contract_from_c(info)


@api
def find(db: Database, number: str) -> int:
    """The id of the contract with this number (ROLE-1, ROLE-9, ``autolic_contract_find``).

    Args:
        db: the open database.
        number: the contract number.

    Returns:
        The contract's id.

    Raises:
        NotFound: no such contract.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    out = _c.autolic_id()
    C.autolic_contract_find(db, enc(number, "number"), ctypes.byref(out))
    return out.value


@api
def product_get(db: Database, actor: int, contract: int, product: str) -> ContractProduct:
    """Read one product of a contract with its serial number (ROLE-6,
    ``autolic_contract_product_get``).

    Args:
        db: the open database.
        actor: an account allowed to see the serial number.
        contract: the contract's id.
        product: the product code, in any case (SEAM-1).

    Returns:
        The :class:`ContractProduct`.

    Raises:
        PermissionDenied: `actor` may not see it.
        NotFound: no such contract or product.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    info = _k.autolic_contract_product_info()
    info.version = _k.CONTRACT_PRODUCT_INFO_VERSION
    C.autolic_contract_product_get(db, actor, contract, enc(product, "product"),
                                   ctypes.byref(info))
    return ContractProduct(info.contract, dec(info.product), info.quantity, dec(info.serial),
                           info.bought)


@api
def transfer_manager(db: Database, actor: int, contract: int, new_manager: int) -> None:
    """Transfer the contract manager role (ROLE-2, ROLE-3, SEAM-2,
    ``autolic_contract_transfer_manager``); the new manager becomes the primary
    administrator of the team and the manager of every contract of it.

    Args:
        db: the open database.
        actor: the current manager.
        contract: the contract's id.
        new_manager: the active team member taking over.

    Raises:
        PermissionDenied: `actor` is not the manager.
        StateError: `new_manager` is not an active member.
        NotFound: no such contract or account.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_contract_transfer_manager(db, actor, contract, new_manager)


@api
def assign_coordinator(db: Database, actor: int, serial: str, current_email: str,
                       new_coordinator: str) -> None:
    """Assign the software coordinator of the contract holding `serial` (ROLE-4,
    ``autolic_contract_assign_coordinator``).

    Args:
        db: the open database.
        actor: the contract manager.
        serial: a serial number of the contract.
        current_email: the current coordinator's email (a check).
        new_coordinator: the new coordinator's email.

    Raises:
        InvalidArgument: `current_email` is not the current coordinator's (ROLE-4),
            a malformed email, or a new person without names (ACCT-3).
        Exists: the person is the coordinator already.
        StateError: the new coordinator's account was removed.
        PermissionDenied: `actor` may not assign it (ROLE-6, ROLE-7).
        NotFound: no such serial number.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_contract_assign_coordinator(db, actor, enc(serial, "serial"),
                                          enc(current_email, "current_email"),
                                          enc(new_coordinator, "new_coordinator"))


@api
def set_auto_renew(db: Database, actor: int, contract: int, on: bool) -> None:
    """Turn automatic renewal on or off (ROLE-6, ROLE-3, ``autolic_contract_set_auto_renew``).

    Args:
        db: the open database.
        actor: the contract manager or a team administrator.
        contract: the contract's id.
        on: True to renew automatically.

    Raises:
        PermissionDenied: `actor` may not change it (ROLE-6, ROLE-7).
        Expired: the contract has ended.
        NotFound: no such contract.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_contract_set_auto_renew(db, actor, contract, 1 if on else 0)


@api
def renew(db: Database, actor: int, contract: int, new_end: TimeLike) -> None:
    """Renew a contract until `new_end` (ROLE-6, ROLE-9, ``autolic_contract_renew``).

    Args:
        db: the open database.
        actor: the contract manager.
        contract: the contract's id.
        new_end: the new end (datetime or int seconds), after the current one.

    Raises:
        InvalidArgument: `new_end` is not after the current end.
        PermissionDenied: `actor` may not renew it.
        NotFound: no such contract.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_contract_renew(db, actor, contract, to_time(new_end))


@api
def download_check(db: Database, actor: int, contract: int, product: str) -> None:
    """Check that `actor` may download `product` of `contract` (ROLE-6,
    ``autolic_contract_download_check``); returns only when allowed.

    Args:
        db: the open database.
        actor: the account downloading.
        contract: the contract's id.
        product: the product code, in any case (SEAM-1).

    Raises:
        PermissionDenied: `actor` may not download it (ROLE-6, ROLE-7).
        StateError: the contract's term has not started.
        Expired: the contract's term has ended.
        NotFound: no such contract or product.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_contract_download_check(db, actor, contract, enc(product, "product"))


@api
def update_offer(db: Database, actor: int, contract: int, product: str, update: str,
                 offered: bool = True) -> None:
    """Offer (or withdraw) an update of a product to a contract (ROLE-8,
    ``autolic_contract_update_offer``).

    Args:
        db: the open database.
        actor: the contract manager.
        contract: the contract's id.
        product: the product code, in any case (SEAM-1).
        update: the update's code (its case is kept).
        offered: False withdraws the offer.

    Raises:
        PermissionDenied: `actor` may not offer it (ROLE-6, ROLE-7).
        StateError: the contract's term has not started (ROLE-8).
        Expired: the contract's term has ended (ROLE-8).
        NotFound: no such contract or product.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_contract_update_offer(db, actor, contract, enc(product, "product"),
                                    enc(update, "update"), 1 if offered else 0)


@api
def update_check(db: Database, actor: int, contract: int, product: str, update: str) -> None:
    """Check that `actor` may install `update` (ROLE-6, ROLE-8,
    ``autolic_contract_update_check``); returns only when allowed.

    Args:
        db: the open database.
        actor: the account installing.
        contract: the contract's id.
        product: the product code, in any case (SEAM-1).
        update: the update's code.

    Raises:
        PermissionDenied: `actor` may not install it, or the update is not
            offered (ROLE-6, ROLE-7, ROLE-8).
        StateError: the contract's term has not started.
        Expired: the contract's term has ended.
        NotFound: no such contract or product.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_contract_update_check(db, actor, contract, enc(product, "product"),
                                    enc(update, "update"))


@api
def download_notify(db: Database, contract: int, product: str, update: str) -> None:
    """Notify the contract's software coordinator of a new download (ROLE-6,
    ``autolic_contract_download_notify``).

    Args:
        db: the open database.
        contract: the contract's id.
        product: the product code, in any case (SEAM-1).
        update: the update's code.

    Raises:
        NotFound: no such contract or product.
        ReadOnly: the store refuses writes (the notice is recorded: NOTE-1).
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_contract_download_notify(db, contract, enc(product, "product"),
                                       enc(update, "update"))


@api
def set_quantity(db: Database, actor: int, contract: int, product: str, quantity: int) -> int:
    """Change a product's seat count (ROLE-6, ROLE-9, SEAT-2, ``autolic_contract_set_quantity``).

    Args:
        db: the open database.
        actor: the contract manager.
        contract: the contract's id.
        product: the product code, in any case (SEAM-1).
        quantity: the new number of seats.

    Returns:
        How many seats were revoked to fit the new count.

    Raises:
        PermissionDenied: `actor` may not change it.
        InvalidArgument: a bad quantity.
        NotFound: no such contract or product.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
        OverflowError: `quantity` out of the uint32 range.
    """
    out = ctypes.c_uint32()
    C.autolic_contract_set_quantity(db, actor, contract, enc(product, "product"), quantity,
                                    ctypes.byref(out))
    return out.value


@api
def contracts(db: Database, team: int) -> Iterator[Contract]:
    """The contracts of `team` (ROLE-1, ``autolic_contract_iter_new``).

    Args:
        db: the open database.
        team: the team's id.

    Returns:
        A generator of :class:`Contract`, from one snapshot.

    Raises:
        NotFound: no such team.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    def step(it: int) -> Any:
        info = _new_info()
        if C.autolic_contract_iter_next(it, ctypes.byref(info)) == ITEROVER:
            return None
        return _contract_from_c(info)
    return iterate(db, lambda out: C.autolic_contract_iter_new(db, team, ctypes.byref(out)),
                   step, C.autolic_contract_iter_free, "contract iterator")


@api
def members(db: Database, contract: int) -> Iterator[Member]:
    """The members of `contract` and their roles (ROLE-2, ROLE-4, SEAM-3,
    ``autolic_contract_member_iter_new``).

    Args:
        db: the open database.
        contract: the contract's id.

    Returns:
        A generator of :class:`Member`, from one snapshot.

    Raises:
        NotFound: no such contract.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    def step(it: int) -> Any:
        m = _k.autolic_contract_member()
        m.version = _k.CONTRACT_MEMBER_VERSION
        if C.autolic_contract_member_iter_next(it, ctypes.byref(m)) == ITEROVER:
            return None
        return Member(m.account, Roles(m.roles), _enum(TeamRole, m.team_role),
                      _enum(AccountState, m.state))
    return iterate(db, lambda out: C.autolic_contract_member_iter_new(db, contract,
                                                                      ctypes.byref(out)),
                   step, C.autolic_contract_member_iter_free, "contract member iterator")


@api
def product_spec_init(
        version: int = _k.CONTRACT_PRODUCT_SPEC_VERSION) -> _k.autolic_contract_product_spec:
    """``AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT`` from the library, for `version` (``autolic_contract_product_spec_init``).

    Args:
        version: the ``autolic_contract_product_spec`` version to fill (the newest by default).

    Raises:
        VersionError: autolic_contract_product_spec `version` 0, or newer than the library's.
    """
    return struct_init(_k.autolic_contract_product_spec, C.autolic_contract_product_spec_init, version)


@api
def spec_init(version: int = _k.CONTRACT_SPEC_VERSION) -> _k.autolic_contract_spec:
    """``AUTOLIC_CONTRACT_SPEC_INIT`` from the library, for `version` (``autolic_contract_spec_init``).

    Args:
        version: the ``autolic_contract_spec`` version to fill (the newest by default).

    Raises:
        VersionError: autolic_contract_spec `version` 0, or newer than the library's.
    """
    return struct_init(_k.autolic_contract_spec, C.autolic_contract_spec_init, version)


@api
def status_name(status: int) -> str:
    """The name of a contract status `status` (``autolic_contract_status_name``): ``"active"`` for
    ``ContractStatus.ACTIVE``, as the members of :class:`ContractStatus` are named.

    Args:
        status: any int; a value the library does not know is ``"unknown"``.

    Raises:
        TypeError: `status` is not an int (OverflowError: beyond a C int).
    """
    return name_of(C.autolic_contract_status_name, status)
