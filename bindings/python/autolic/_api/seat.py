"""Declarations for autolic/seat.h (seats: SEAT-1..SEAT-5)."""
from ctypes import POINTER, Structure, c_char, c_char_p, c_int, c_size_t, c_uint, c_uint32, c_void_p

from .core import PRODUCT_MAX, autolic_id, autolic_time, db_p

SEAT_PRODUCT_MAX = PRODUCT_MAX  # another name of it (SEAM-1)

SEAT_ORIGIN_GRANT = 1
SEAT_ORIGIN_ACCESS = 2
SEAT_ORIGIN_IMPORT = 3

SEAT_KEEP = 1
SEAT_GRANT = 2
SEAT_REVOKE = 3

SEAT_SUMMARY_VERSION = 1
SEAT_ENTRY_VERSION = 1
SEAT_RESULT_VERSION = 1

# Opaque handles: autolic_seat_report*, autolic_seat_iter*, autolic_seat_summary_iter*.
seat_report_p = c_void_p
seat_iter_p = c_void_p
seat_summary_iter_p = c_void_p


class autolic_seat_summary(Structure):
    _fields_ = [
        ("version", c_uint),
        ("contract", autolic_id),
        ("team", autolic_id),
        ("product", c_char * (SEAT_PRODUCT_MAX + 1)),
        ("quantity", c_uint32),
        ("granted", c_uint32),
        ("available", c_uint32),
        ("start", autolic_time),
        ("end", autolic_time),
        ("active", c_int),
    ]


class autolic_seat_entry(Structure):
    _fields_ = [
        ("version", c_uint),
        ("contract", autolic_id),
        ("product", c_char * (SEAT_PRODUCT_MAX + 1)),
        ("user", autolic_id),
        ("granted_at", autolic_time),
        ("granted_by", autolic_id),
        ("origin", c_int),
        ("active", c_int),
    ]


class autolic_seat_result(Structure):
    _fields_ = [
        ("version", c_uint),
        ("user", autolic_id),
        ("product", c_char * (SEAT_PRODUCT_MAX + 1)),
        ("action", c_int),
        ("status", c_int),
        ("message", c_char * 256),
    ]


# autolic_seat_set_access and autolic_seat_import also set their report when
# they return an item's refusal (AUTOLIC_ENOSEAT, ...): a wrapper must free
# the report it receives even when the call raised.
DECLS = [
    ("autolic_seat_summary_get", [db_p, autolic_id, c_char_p, POINTER(autolic_seat_summary)], c_int),
    ("autolic_seat_grant", [db_p, autolic_id, autolic_id, c_char_p, autolic_id], c_int),
    ("autolic_seat_revoke", [db_p, autolic_id, autolic_id, c_char_p, autolic_id], c_int),
    ("autolic_seat_set_access", [db_p, autolic_id, autolic_id, autolic_id, POINTER(c_char_p), c_size_t,
                                 POINTER(seat_report_p)], c_int),
    ("autolic_seat_import", [db_p, autolic_id, autolic_id, POINTER(autolic_id), POINTER(c_char_p), c_size_t,
                             POINTER(seat_report_p)], c_int),
    ("autolic_seat_report_count", [seat_report_p], c_size_t),
    ("autolic_seat_report_get", [seat_report_p, c_size_t, POINTER(autolic_seat_result)], c_int),
    ("autolic_seat_report_free", [seat_report_p], None),
    ("autolic_seat_user_products", [db_p, autolic_id, POINTER(seat_iter_p)], c_int),
    ("autolic_seat_product_users", [db_p, autolic_id, c_char_p, POINTER(seat_iter_p)], c_int),
    ("autolic_seat_iter_next", [seat_iter_p, POINTER(autolic_seat_entry)], c_int),
    ("autolic_seat_iter_free", [seat_iter_p], None),
    ("autolic_seat_contract_summary", [db_p, autolic_id, POINTER(seat_summary_iter_p)], c_int),
    ("autolic_seat_summary_iter_next", [seat_summary_iter_p, POINTER(autolic_seat_summary)], c_int),
    ("autolic_seat_summary_iter_free", [seat_summary_iter_p], None),
    # 1.1: _init() of the versioned structs, names of the enums' values
    ("autolic_seat_origin_name", [c_int], c_char_p),
    ("autolic_seat_action_name", [c_int], c_char_p),
]

#: The header's parameter names of each declared function, in order (checked
#: against the headers by tests/test_symbols.py); argument checks name them.
PARAMS = {
    "autolic_seat_summary_get": ("db", "contract", "product", "out"),
    "autolic_seat_grant": ("db", "actor", "contract", "product", "user"),
    "autolic_seat_revoke": ("db", "actor", "contract", "product", "user"),
    "autolic_seat_set_access": ("db", "actor", "contract", "user", "products", "n", "report"),
    "autolic_seat_import": ("db", "actor", "contract", "users", "products", "n", "report"),
    "autolic_seat_report_count": ("report",),
    "autolic_seat_report_get": ("report", "i", "out"),
    "autolic_seat_report_free": ("report",),
    "autolic_seat_user_products": ("db", "user", "out"),
    "autolic_seat_product_users": ("db", "contract", "product", "out"),
    "autolic_seat_iter_next": ("it", "out"),
    "autolic_seat_iter_free": ("it",),
    "autolic_seat_contract_summary": ("db", "contract", "out"),
    "autolic_seat_summary_iter_next": ("it", "out"),
    "autolic_seat_summary_iter_free": ("it",),
    "autolic_seat_origin_name": ("origin",),
    "autolic_seat_action_name": ("action",),
}
