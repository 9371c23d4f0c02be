"""ctypes declarations for autolic/flex.h (Flex tokens, FLEX-1..FLEX-13).

Structures mirror the C structs field by field, in the C order.
"""
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_int, c_int64,
                    c_size_t, c_uint, c_uint64, c_void_p)

from .core import EDUPLICATE, PRODUCT_MAX, Returns, autolic_id, autolic_time, db_p

FLEX_PRODUCT_MAX = PRODUCT_MAX  # another name of it (SEAM-1)
FLEX_NAME_MAX = 127
FLEX_SUBSCRIPTION_MAX = 63
FLEX_KEY_MAX = 128
FLEX_LIST_MAX = 64
FLEX_LOT_SECONDS = 365 * 86400
FLEX_WINDOW_SECONDS = 86400
FLEX_REFUND_SECONDS = 300
FLEX_LOW_DEFAULT_PERCENT = 20
FLEX_HORIZON_DEFAULT = 172800
FLEX_HORIZON_MAX = 30 * 86400

# autolic_flex_entry_type
FLEX_PURCHASE, FLEX_CONSUME, FLEX_REFUND, FLEX_EXPIRE, FLEX_MOVE_OUT, FLEX_MOVE_IN, FLEX_ADJUST = range(1, 8)
FLEX_MASK_ALL = 0xFF


def FLEX_MASK(entry_type: int) -> int:
    return 1 << entry_type


FLEX_MASK_EVENTS = FLEX_MASK(FLEX_PURCHASE) | FLEX_MASK(FLEX_EXPIRE) | FLEX_MASK(FLEX_MOVE_OUT) | FLEX_MASK(FLEX_MOVE_IN)

# autolic_flex_report_kind
FLEX_LAUNCH, FLEX_ACTIVITY, FLEX_IDLE, FLEX_CLOSE = range(1, 5)

# autolic_flex_reason
FLEX_REASON_NONE, FLEX_REASON_CHARGED, FLEX_REASON_IN_WINDOW, FLEX_REASON_SEAT, FLEX_REASON_TRIAL, FLEX_REASON_REFUNDED = range(6)

FLEX_PRODUCT_INFO_VERSION = 1
FLEX_POLICY_VERSION = 1
FLEX_TEAM_INFO_VERSION = 1
FLEX_LOT_SPEC_VERSION = 1
FLEX_LOT_INFO_VERSION = 1
FLEX_USER_SPEC_VERSION = 1
FLEX_REPORT_SPEC_VERSION = 1
FLEX_RESULT_VERSION = 1
FLEX_ENTRY_VERSION = 1
FLEX_USAGE_ROW_VERSION = 1


class autolic_flex_product_info(Structure):
    _fields_ = [("version", c_uint),
                ("code", c_char * (FLEX_PRODUCT_MAX + 1)),
                ("name", c_char * (FLEX_NAME_MAX + 1)),
                ("rate", c_int64),
                ("added", autolic_time),
                ("rate_since", autolic_time)]


class autolic_flex_policy(Structure):
    _fields_ = [("version", c_uint),
                ("overage_limit", c_int64),
                ("low_threshold", c_int64)]


class autolic_flex_team_info(Structure):
    _fields_ = [("version", c_uint),
                ("balance", c_int64),
                ("available", c_int64),
                ("owed", c_int64),
                ("unexpired_tokens", c_int64),
                ("threshold", c_int64),
                ("low", c_int)]


class autolic_flex_lot_spec(Structure):
    _fields_ = [("version", c_uint),
                ("subscription", c_char_p),
                ("quantity", c_int64),
                ("purchased", autolic_time)]


class autolic_flex_lot_info(Structure):
    _fields_ = [("version", c_uint),
                ("id", autolic_id),
                ("team", autolic_id),
                ("subscription", c_char * (FLEX_SUBSCRIPTION_MAX + 1)),
                ("quantity", c_int64),
                ("remaining", c_int64),
                ("purchased", autolic_time),
                ("expires", autolic_time),
                ("expired", c_int)]


class autolic_flex_user_spec(Structure):
    _fields_ = [("version", c_uint),
                ("account", autolic_id),
                ("person", c_char_p),
                ("all_products", c_int),
                ("products", POINTER(c_char_p)),
                ("n_products", c_size_t),
                ("by_import", c_int)]


class autolic_flex_report_spec(Structure):
    _fields_ = [("version", c_uint),
                ("kind", c_int),
                ("key", c_char_p),
                ("time", autolic_time),
                ("session", autolic_id),
                ("product", c_char_p),
                ("team", autolic_id),
                ("account", autolic_id)]


class autolic_flex_result(Structure):
    _fields_ = [("version", c_uint),
                ("session", autolic_id),
                ("reason", c_int),
                ("charged", c_int64),
                ("refunded", c_int64),
                ("windows", c_uint),
                ("window_start", autolic_time),
                ("window_end", autolic_time),
                ("ended", c_int),
                ("end_code", c_int),
                ("ended_at", autolic_time)]


class autolic_flex_entry(Structure):
    _fields_ = [("version", c_uint),
                ("seq", c_uint64),
                ("type", c_int),
                ("time", autolic_time),
                ("recorded", autolic_time),
                ("team", autolic_id),
                ("lot", autolic_id),
                ("amount", c_int64),
                ("account", autolic_id),
                ("window", autolic_id),
                ("product", c_char * (FLEX_PRODUCT_MAX + 1)),
                ("subscription", c_char * (FLEX_SUBSCRIPTION_MAX + 1))]


class autolic_flex_share(Structure):
    _fields_ = [("lot", autolic_id),
                ("amount", c_int64)]


class autolic_flex_usage_row(Structure):
    _fields_ = [("version", c_uint),
                ("day", autolic_time),
                ("day_end", autolic_time),
                ("window", autolic_id),
                ("account", autolic_id),
                ("email", c_char * 255),
                ("first_name", c_char * 101),
                ("last_name", c_char * 101),
                ("product", c_char * (FLEX_PRODUCT_MAX + 1)),
                ("team", autolic_id),
                ("tokens", c_int64),
                ("reason", c_int),
                ("n_lots", c_size_t),
                ("lots", POINTER(autolic_flex_share))]


# int (*autolic_flex_write_fn)(const char *data, size_t len, void *ctx)
FLEX_WRITE_FN = CFUNCTYPE(c_int, POINTER(c_char), c_size_t, c_void_p)

# Opaque handles: autolic_flex_ledger_iter*, autolic_flex_usage_iter*.
flex_ledger_iter_p = c_void_p
flex_usage_iter_p = c_void_p

DECLS = [
    ("autolic_flex_product_set", [db_p, c_char_p, c_char_p, c_int64], c_int),
    ("autolic_flex_product_get", [db_p, c_char_p, POINTER(autolic_flex_product_info)], c_int),
    ("autolic_flex_policy_set", [db_p, autolic_id, autolic_id, POINTER(autolic_flex_policy)], c_int),
    ("autolic_flex_policy_get", [db_p, autolic_id, POINTER(autolic_flex_policy)], c_int),
    ("autolic_flex_horizon_set", [db_p, autolic_id, autolic_id, c_int64], c_int),
    ("autolic_flex_horizon_get", [db_p, autolic_id, POINTER(c_int64)], c_int),
    ("autolic_flex_team_get", [db_p, autolic_id, POINTER(autolic_flex_team_info)], c_int),
    ("autolic_flex_balance_at", [db_p, autolic_id, autolic_time, POINTER(c_int64)], c_int),
    ("autolic_flex_lot_buy", [db_p, autolic_id, autolic_id, POINTER(autolic_flex_lot_spec), POINTER(autolic_id)], c_int),
    ("autolic_flex_lot_get", [db_p, autolic_id, POINTER(autolic_flex_lot_info)], c_int),
    ("autolic_flex_expire", [db_p, autolic_id, POINTER(c_size_t)], c_int),
    ("autolic_flex_adjust", [db_p, autolic_id, autolic_id, autolic_id, c_int64], c_int),
    ("autolic_flex_move", [db_p, autolic_id, autolic_id, autolic_id, c_char_p, POINTER(c_int64)], c_int),
    ("autolic_flex_user_assign", [db_p, autolic_id, autolic_id, POINTER(autolic_flex_user_spec), POINTER(autolic_id)], c_int),
    ("autolic_flex_user_remove", [db_p, autolic_id, autolic_id, autolic_id], c_int),
    ("autolic_flex_user_allowed", [db_p, autolic_id, autolic_id, c_char_p, POINTER(c_int)], c_int),
    ("autolic_flex_defaults_set", [db_p, autolic_id, autolic_id, POINTER(c_char_p), c_size_t], c_int),
    ("autolic_flex_trial_add", [db_p, autolic_id, autolic_id, c_char_p, autolic_time, autolic_time], c_int),
    # FLEX-13: a repeated key returns AUTOLIC_EDUPLICATE with the first result filled.
    ("autolic_flex_report", [db_p, POINTER(autolic_flex_report_spec), POINTER(autolic_flex_result)], c_int,
     Returns((EDUPLICATE,))),
    ("autolic_flex_ledger_open", [db_p, autolic_id, autolic_time, autolic_time, c_uint, POINTER(c_void_p)], c_int),
    ("autolic_flex_ledger_next", [c_void_p, POINTER(autolic_flex_entry)], c_int),
    ("autolic_flex_ledger_free", [c_void_p], None),
    ("autolic_flex_usage_open", [db_p, autolic_id, autolic_time, autolic_time, POINTER(c_void_p)], c_int),
    ("autolic_flex_usage_next", [c_void_p, POINTER(autolic_flex_usage_row)], c_int),
    ("autolic_flex_usage_free", [c_void_p], None),
    ("autolic_flex_usage_csv", [db_p, autolic_id, autolic_time, autolic_time, FLEX_WRITE_FN, c_void_p], c_int),
    ("autolic_flex_check", [db_p, autolic_id], c_int),
    # 1.1: _init() of the versioned structs, names of the enums' values
    ("autolic_flex_policy_init", [POINTER(autolic_flex_policy), c_uint], c_int),
    ("autolic_flex_lot_spec_init", [POINTER(autolic_flex_lot_spec), c_uint], c_int),
    ("autolic_flex_user_spec_init", [POINTER(autolic_flex_user_spec), c_uint], c_int),
    ("autolic_flex_report_spec_init", [POINTER(autolic_flex_report_spec), c_uint], c_int),
    ("autolic_flex_entry_type_name", [c_int], c_char_p),
    ("autolic_flex_report_kind_name", [c_int], c_char_p),
    ("autolic_flex_reason_name", [c_int], c_char_p),
]

#: The header's parameter names of each declared function, in order (checked
#: against the headers by tests/test_symbols.py); argument checks name them.
PARAMS = {
    "autolic_flex_product_set": ("db", "code", "name", "rate"),
    "autolic_flex_product_get": ("db", "code", "info"),
    "autolic_flex_policy_set": ("db", "actor", "team", "policy"),
    "autolic_flex_policy_get": ("db", "team", "policy"),
    "autolic_flex_horizon_set": ("db", "actor", "team", "seconds"),
    "autolic_flex_horizon_get": ("db", "team", "seconds"),
    "autolic_flex_team_get": ("db", "team", "info"),
    "autolic_flex_balance_at": ("db", "team", "at", "balance"),
    "autolic_flex_lot_buy": ("db", "actor", "team", "spec", "lot"),
    "autolic_flex_lot_get": ("db", "lot", "info"),
    "autolic_flex_expire": ("db", "team", "expired"),
    "autolic_flex_adjust": ("db", "actor", "team", "lot", "delta"),
    "autolic_flex_move": ("db", "actor", "from", "to", "subscription", "moved"),
    "autolic_flex_user_assign": ("db", "actor", "team", "spec", "account"),
    "autolic_flex_user_remove": ("db", "actor", "team", "account"),
    "autolic_flex_user_allowed": ("db", "team", "account", "product", "allowed"),
    "autolic_flex_defaults_set": ("db", "actor", "team", "products", "n"),
    "autolic_flex_trial_add": ("db", "actor", "account", "product", "start", "end"),
    "autolic_flex_report": ("db", "spec", "result"),
    "autolic_flex_ledger_open": ("db", "team", "from", "to", "mask", "out"),
    "autolic_flex_ledger_next": ("it", "entry"),
    "autolic_flex_ledger_free": ("it",),
    "autolic_flex_usage_open": ("db", "team", "from", "to", "out"),
    "autolic_flex_usage_next": ("it", "row"),
    "autolic_flex_usage_free": ("it",),
    "autolic_flex_usage_csv": ("db", "team", "from", "to", "write", "ctx"),
    "autolic_flex_check": ("db", "team"),
    "autolic_flex_policy_init": ("s", "version"),
    "autolic_flex_lot_spec_init": ("s", "version"),
    "autolic_flex_user_spec_init": ("s", "version"),
    "autolic_flex_report_spec_init": ("s", "version"),
    "autolic_flex_entry_type_name": ("type",),
    "autolic_flex_report_kind_name": ("kind",),
    "autolic_flex_reason_name": ("reason",),
}
