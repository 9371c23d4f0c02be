"""Declarations for autolic/contract.h (contracts and roles: ROLE-1..ROLE-9, APS-1)."""
from ctypes import (POINTER, Structure, c_char, c_char_p, c_int, c_int64, c_size_t, c_uint, c_uint32,
                    c_void_p)

from .core import PRODUCT_MAX, autolic_id, autolic_time, db_p

SERIAL_MAX = 31
CONTRACT_NUMBER_MAX = 31
CONTRACT_PRODUCTS_MAX = 64
SEATS_MAX = 1000000
UPDATE_MAX = 63

CONTRACT_PENDING = 1
CONTRACT_ACTIVE = 2
CONTRACT_EXPIRED = 3

CONTRACT_ROLE_MANAGER = 1
CONTRACT_ROLE_COORDINATOR = 2
CONTRACT_ROLE_USER = 4

CONTRACT_PRODUCT_SPEC_VERSION = 1
CONTRACT_SPEC_VERSION = 1
CONTRACT_INFO_VERSION = 1
CONTRACT_PRODUCT_INFO_VERSION = 1
CONTRACT_MEMBER_VERSION = 1

# Opaque handles: autolic_contract_iter*, autolic_contract_member_iter*.
contract_iter_p = c_void_p
contract_member_iter_p = c_void_p


class autolic_contract_product_spec(Structure):
    _fields_ = [
        ("version", c_uint),
        ("product", c_char_p),
        ("quantity", c_uint32),
        ("serial", c_char_p),
    ]


class autolic_contract_spec(Structure):
    _fields_ = [
        ("version", c_uint),
        ("team", autolic_id),
        ("products", POINTER(autolic_contract_product_spec)),
        ("nproducts", c_size_t),
        ("start", autolic_time),
        ("end", autolic_time),
        ("auto_renew", c_int),
    ]


class autolic_contract_info(Structure):
    _fields_ = [
        ("version", c_uint),
        ("id", autolic_id),
        ("number", c_char * (CONTRACT_NUMBER_MAX + 1)),
        ("team", autolic_id),
        ("manager", autolic_id),
        ("coordinator", autolic_id),
        ("buyer", autolic_id),
        ("start", autolic_time),
        ("end", autolic_time),
        ("auto_renew", c_int),
        ("status", c_int),
        ("created", autolic_time),
        ("nproducts", c_size_t),
    ]


class autolic_contract_product_info(Structure):
    _fields_ = [
        ("version", c_uint),
        ("contract", autolic_id),
        ("product", c_char * (PRODUCT_MAX + 1)),
        ("quantity", c_uint32),
        ("serial", c_char * (SERIAL_MAX + 1)),
        ("bought", c_uint32),
    ]


class autolic_contract_member(Structure):
    _fields_ = [
        ("version", c_uint),
        ("account", autolic_id),
        ("roles", c_uint),
        ("team_role", c_int),
        ("state", c_int),
    ]


DECLS = [
    ("autolic_contract_buy", [db_p, autolic_id, POINTER(autolic_contract_spec), POINTER(autolic_id)], c_int),
    ("autolic_contract_get", [db_p, autolic_id, POINTER(autolic_contract_info)], c_int),
    ("autolic_contract_find", [db_p, c_char_p, POINTER(autolic_id)], c_int),
    ("autolic_contract_product_get", [db_p, autolic_id, autolic_id, c_char_p,
                                      POINTER(autolic_contract_product_info)], c_int),
    ("autolic_contract_transfer_manager", [db_p, autolic_id, autolic_id, autolic_id], c_int),
    ("autolic_contract_assign_coordinator", [db_p, autolic_id, c_char_p, c_char_p, c_char_p], c_int),
    ("autolic_contract_set_auto_renew", [db_p, autolic_id, autolic_id, c_int], c_int),
    ("autolic_contract_renew", [db_p, autolic_id, autolic_id, autolic_time], c_int),
    ("autolic_contract_download_check", [db_p, autolic_id, autolic_id, c_char_p], c_int),
    ("autolic_contract_update_offer", [db_p, autolic_id, autolic_id, c_char_p, c_char_p, c_int], c_int),
    ("autolic_contract_update_check", [db_p, autolic_id, autolic_id, c_char_p, c_char_p], c_int),
    ("autolic_contract_download_notify", [db_p, autolic_id, c_char_p, c_char_p], c_int),
    ("autolic_contract_set_quantity", [db_p, autolic_id, autolic_id, c_char_p, c_int64, POINTER(c_uint32)], c_int),
    ("autolic_contract_iter_new", [db_p, autolic_id, POINTER(contract_iter_p)], c_int),
    ("autolic_contract_iter_next", [contract_iter_p, POINTER(autolic_contract_info)], c_int),
    ("autolic_contract_iter_free", [contract_iter_p], None),
    ("autolic_contract_member_iter_new", [db_p, autolic_id, POINTER(contract_member_iter_p)], c_int),
    ("autolic_contract_member_iter_next", [contract_member_iter_p, POINTER(autolic_contract_member)], c_int),
    ("autolic_contract_member_iter_free", [contract_member_iter_p], None),
    # 1.1: _init() of the versioned structs, names of the enums' values
    ("autolic_contract_product_spec_init", [POINTER(autolic_contract_product_spec), c_uint], c_int),
    ("autolic_contract_spec_init", [POINTER(autolic_contract_spec), c_uint], c_int),
    ("autolic_contract_status_name", [c_int], c_char_p),
]

#: The header's parameter names of each declared function, in order (checked
#: against the headers by tests/test_symbols.py); argument checks name them.
PARAMS = {
    "autolic_contract_buy": ("db", "actor", "spec", "id"),
    "autolic_contract_get": ("db", "contract", "info"),
    "autolic_contract_find": ("db", "number", "contract"),
    "autolic_contract_product_get": ("db", "actor", "contract", "product", "info"),
    "autolic_contract_transfer_manager": ("db", "actor", "contract", "new_manager"),
    "autolic_contract_assign_coordinator": ("db", "actor", "serial", "current_email", "new_coordinator"),
    "autolic_contract_set_auto_renew": ("db", "actor", "contract", "on"),
    "autolic_contract_renew": ("db", "actor", "contract", "new_end"),
    "autolic_contract_download_check": ("db", "actor", "contract", "product"),
    "autolic_contract_update_offer": ("db", "actor", "contract", "product", "update", "offered"),
    "autolic_contract_update_check": ("db", "actor", "contract", "product", "update"),
    "autolic_contract_download_notify": ("db", "contract", "product", "update"),
    "autolic_contract_set_quantity": ("db", "actor", "contract", "product", "quantity", "revoked"),
    "autolic_contract_iter_new": ("db", "team", "out"),
    "autolic_contract_iter_next": ("it", "info"),
    "autolic_contract_iter_free": ("it",),
    "autolic_contract_member_iter_new": ("db", "contract", "out"),
    "autolic_contract_member_iter_next": ("it", "member"),
    "autolic_contract_member_iter_free": ("it",),
    "autolic_contract_product_spec_init": ("s", "version"),
    "autolic_contract_spec_init": ("s", "version"),
    "autolic_contract_status_name": ("status",),
}
