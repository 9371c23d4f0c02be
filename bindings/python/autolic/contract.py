"""Contracts and roles (autolic/contract.h): ROLE-1..ROLE-9, APS-1."""
import ctypes
import enum
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Optional

from ._api import contract as _k
from ._api import core as _c
from ._handle import iterate
from ._lib import C, dec, enc
from ._time import from_time, to_time
from .team import TeamRole, _enum

ITEROVER = _c.ITEROVER


class ContractStatus(enum.IntEnum):
    PENDING = _k.CONTRACT_PENDING
    ACTIVE = _k.CONTRACT_ACTIVE
    EXPIRED = _k.CONTRACT_EXPIRED


# Role bits of Member.roles
MANAGER = _k.CONTRACT_ROLE_MANAGER
COORDINATOR = _k.CONTRACT_ROLE_COORDINATOR
USER = _k.CONTRACT_ROLE_USER


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
    status: int  # a ContractStatus, or a plain int for a newer status
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
    roles: int  # bits MANAGER | COORDINATOR | USER
    team_role: int  # a TeamRole
    state: int  # an account.AccountState


def buy(db, actor, team, products, start, end, auto_renew=False):
    """Buy a contract for `team` (ROLE-1, APS-1); `products` are :class:`Product`
    or (product, quantity[, serial]) tuples. Returns the contract id."""
    items = [Product(*p) for p in products]
    arr = (_k.autolic_contract_product_spec * max(len(items), 1))()
    for i, p in enumerate(items):
        arr[i] = _k.autolic_contract_product_spec(_k.CONTRACT_PRODUCT_SPEC_VERSION,
                                                  enc(p.product, "product"), p.quantity,
                                                  enc(p.serial, "serial"))
    spec = _k.autolic_contract_spec(_k.CONTRACT_SPEC_VERSION, team,
                                    arr if items else None, len(items),
                                    to_time(start), to_time(end), 1 if auto_renew else 0)
    out = _c.autolic_id()
    C.autolic_contract_buy(db, actor, ctypes.byref(spec), ctypes.byref(out))
    return out.value


def _contract_from_c(i):
    return Contract(i.id, dec(i.number), i.team, i.manager or None, i.coordinator or None,
                    i.buyer or None, from_time(i.start), from_time(i.end), bool(i.auto_renew),
                    _enum(ContractStatus, i.status), from_time(i.created), i.nproducts)


def _new_info():
    info = _k.autolic_contract_info()
    info.version = _k.CONTRACT_INFO_VERSION
    return info


def get(db, contract):
    """Read a contract (ROLE-1, ``autolic_contract_get``); raises NotFound."""
    info = _new_info()
    C.autolic_contract_get(db, contract, ctypes.byref(info))
    return _contract_from_c(info)


def find(db, number):
    """The id of the contract with this number (ROLE-1, ROLE-9; ``autolic_contract_find``);
    raises NotFound."""
    out = _c.autolic_id()
    C.autolic_contract_find(db, enc(number, "number"), ctypes.byref(out))
    return out.value


def product_get(db, actor, contract, product):
    """Read one product of a contract with its serial number (ROLE-6)."""
    info = _k.autolic_contract_product_info()
    info.version = _k.CONTRACT_PRODUCT_INFO_VERSION
    C.autolic_contract_product_get(db, actor, contract, enc(product, "product"),
                                   ctypes.byref(info))
    return ContractProduct(info.contract, dec(info.product), info.quantity, dec(info.serial),
                           info.bought)


def transfer_manager(db, actor, contract, new_manager):
    """Transfer the contract manager role (ROLE-2, ROLE-3); the new manager becomes the
    primary administrator of the team and the manager of every contract of it (SEAM-2)."""
    C.autolic_contract_transfer_manager(db, actor, contract, new_manager)


def assign_coordinator(db, actor, serial, current_email, new_coordinator):
    """Assign the coordinator of the contract holding `serial` (ROLE-4)."""
    C.autolic_contract_assign_coordinator(db, actor, enc(serial, "serial"),
                                          enc(current_email, "current_email"),
                                          enc(new_coordinator, "new_coordinator"))


def set_auto_renew(db, actor, contract, on):
    """Turn automatic renewal on or off (ROLE-6, ROLE-3;
    ``autolic_contract_set_auto_renew``)."""
    C.autolic_contract_set_auto_renew(db, actor, contract, 1 if on else 0)


def renew(db, actor, contract, new_end):
    """Renew a contract until `new_end` (datetime or int; ROLE-6, ROLE-9;
    ``autolic_contract_renew``)."""
    C.autolic_contract_renew(db, actor, contract, to_time(new_end))


def download_check(db, actor, contract, product):
    """Check that `actor` may download `product` of `contract` (ROLE-6;
    ``autolic_contract_download_check``); raises when not."""
    C.autolic_contract_download_check(db, actor, contract, enc(product, "product"))


def update_offer(db, actor, contract, product, update, offered=True):
    """Offer (or withdraw) an update of a product to a contract (ROLE-8;
    ``autolic_contract_update_offer``)."""
    C.autolic_contract_update_offer(db, actor, contract, enc(product, "product"),
                                    enc(update, "update"), 1 if offered else 0)


def update_check(db, actor, contract, product, update):
    """Check that `actor` may install `update` (ROLE-6, ROLE-8;
    ``autolic_contract_update_check``); raises when not."""
    C.autolic_contract_update_check(db, actor, contract, enc(product, "product"),
                                    enc(update, "update"))


def download_notify(db, contract, product, update):
    """Notify the contract's software coordinator of a new download (ROLE-6;
    ``autolic_contract_download_notify``)."""
    C.autolic_contract_download_notify(db, contract, enc(product, "product"),
                                       enc(update, "update"))


def set_quantity(db, actor, contract, product, quantity):
    """Change a product's seat count (ROLE-6, ROLE-9, SEAT-2;
    ``autolic_contract_set_quantity``); returns how many seats were revoked."""
    out = ctypes.c_uint32()
    C.autolic_contract_set_quantity(db, actor, contract, enc(product, "product"), quantity,
                                    ctypes.byref(out))
    return out.value


def contracts(db, team):
    """Generator over the contracts of `team` (ROLE-1; :class:`Contract`;
    ``autolic_contract_iter_new``/``_next``/``_free``)."""
    def step(it):
        info = _new_info()
        if C.autolic_contract_iter_next(it, ctypes.byref(info)) == ITEROVER:
            return None
        return _contract_from_c(info)
    return iterate(db, lambda out: C.autolic_contract_iter_new(db, team, ctypes.byref(out)),
                   step, C.autolic_contract_iter_free, "contract iterator")


def members(db, contract):
    """Generator over the members of `contract` and their roles (ROLE-2, ROLE-4, SEAM-3;
    :class:`Member`; ``autolic_contract_member_iter_*``)."""
    from .account import AccountState

    def step(it):
        m = _k.autolic_contract_member()
        m.version = _k.CONTRACT_MEMBER_VERSION
        if C.autolic_contract_member_iter_next(it, ctypes.byref(m)) == ITEROVER:
            return None
        return Member(m.account, m.roles, _enum(TeamRole, m.team_role),
                      _enum(AccountState, m.state))
    return iterate(db, lambda out: C.autolic_contract_member_iter_new(db, contract,
                                                                      ctypes.byref(out)),
                   step, C.autolic_contract_member_iter_free, "contract member iterator")
