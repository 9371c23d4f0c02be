"""ctypes declarations for autolic/flex.h (Flex tokens, FLEX-1..FLEX-13).

Structures mirror the C structs field by field, in the C order.
"""
import ctypes
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_int, c_int64,
                    c_size_t, c_uint, c_uint64, c_void_p)

autolic_id = c_uint64
autolic_time = c_int64

PRODUCT_MAX = 63
NAME_MAX = 127
SUBSCRIPTION_MAX = 63
KEY_MAX = 128
LIST_MAX = 64
LOT_SECONDS = 365 * 86400
WINDOW_SECONDS = 86400
REFUND_SECONDS = 300
LOW_DEFAULT_PERCENT = 20

# autolic_flex_entry_type
PURCHASE, CONSUME, REFUND, EXPIRE, MOVE_OUT, MOVE_IN, ADJUST = range(1, 8)
MASK_ALL = 0xFF


def MASK(entry_type):
    return 1 << entry_type


MASK_EVENTS = MASK(PURCHASE) | MASK(EXPIRE) | MASK(MOVE_OUT) | MASK(MOVE_IN)

# autolic_flex_report_kind
LAUNCH, ACTIVITY, IDLE, CLOSE = range(1, 5)

# autolic_flex_reason
REASON_NONE, REASON_CHARGED, REASON_IN_WINDOW, REASON_SEAT, REASON_TRIAL, REASON_REFUNDED = range(6)

PRODUCT_INFO_VERSION = 1
POLICY_VERSION = 1
TEAM_INFO_VERSION = 1
LOT_SPEC_VERSION = 1
LOT_INFO_VERSION = 1
USER_SPEC_VERSION = 1
REPORT_SPEC_VERSION = 1
RESULT_VERSION = 1
ENTRY_VERSION = 1
USAGE_ROW_VERSION = 1


class ProductInfo(Structure):
    _fields_ = [("version", c_uint),
                ("code", c_char * (PRODUCT_MAX + 1)),
                ("name", c_char * (NAME_MAX + 1)),
                ("rate", c_int64),
                ("added", autolic_time),
                ("rate_since", autolic_time)]


class Policy(Structure):
    _fields_ = [("version", c_uint),
                ("overage_limit", c_int64),
                ("low_threshold", c_int64)]


class TeamInfo(Structure):
    _fields_ = [("version", c_uint),
                ("balance", c_int64),
                ("available", c_int64),
                ("owed", c_int64),
                ("unexpired_tokens", c_int64),
                ("threshold", c_int64),
                ("low", c_int)]


class LotSpec(Structure):
    _fields_ = [("version", c_uint),
                ("subscription", c_char_p),
                ("quantity", c_int64),
                ("purchased", autolic_time)]


class LotInfo(Structure):
    _fields_ = [("version", c_uint),
                ("id", autolic_id),
                ("team", autolic_id),
                ("subscription", c_char * (SUBSCRIPTION_MAX + 1)),
                ("quantity", c_int64),
                ("remaining", c_int64),
                ("purchased", autolic_time),
                ("expires", autolic_time),
                ("expired", c_int)]


class UserSpec(Structure):
    _fields_ = [("version", c_uint),
                ("account", autolic_id),
                ("person", c_char_p),
                ("all_products", c_int),
                ("products", POINTER(c_char_p)),
                ("n_products", c_size_t),
                ("by_import", c_int)]


class ReportSpec(Structure):
    _fields_ = [("version", c_uint),
                ("kind", c_int),
                ("key", c_char_p),
                ("time", autolic_time),
                ("session", autolic_id),
                ("product", c_char_p),
                ("team", autolic_id),
                ("account", autolic_id)]


class Result(Structure):
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


class Entry(Structure):
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
                ("product", c_char * (PRODUCT_MAX + 1)),
                ("subscription", c_char * (SUBSCRIPTION_MAX + 1))]


class Share(Structure):
    _fields_ = [("lot", autolic_id),
                ("amount", c_int64)]


class UsageRow(Structure):
    _fields_ = [("version", c_uint),
                ("day", autolic_time),
                ("day_end", autolic_time),
                ("window", autolic_id),
                ("account", autolic_id),
                ("email", c_char * 255),
                ("first_name", c_char * 101),
                ("last_name", c_char * 101),
                ("product", c_char * (PRODUCT_MAX + 1)),
                ("team", autolic_id),
                ("tokens", c_int64),
                ("reason", c_int),
                ("n_lots", c_size_t),
                ("lots", POINTER(Share))]


# int (*autolic_flex_write_fn)(const char *data, size_t len, void *ctx)
WRITE_FN = CFUNCTYPE(c_int, POINTER(c_char), c_size_t, c_void_p)

_db = c_void_p
_iter = c_void_p

DECLS = [
    ("autolic_flex_product_set", [_db, c_char_p, c_char_p, c_int64], c_int),
    ("autolic_flex_product_get", [_db, c_char_p, POINTER(ProductInfo)], c_int),
    ("autolic_flex_policy_set", [_db, autolic_id, autolic_id, POINTER(Policy)], c_int),
    ("autolic_flex_policy_get", [_db, autolic_id, POINTER(Policy)], c_int),
    ("autolic_flex_team_get", [_db, autolic_id, POINTER(TeamInfo)], c_int),
    ("autolic_flex_balance_at", [_db, autolic_id, autolic_time, POINTER(c_int64)], c_int),
    ("autolic_flex_lot_buy", [_db, autolic_id, autolic_id, POINTER(LotSpec), POINTER(autolic_id)], c_int),
    ("autolic_flex_lot_get", [_db, autolic_id, POINTER(LotInfo)], c_int),
    ("autolic_flex_expire", [_db, autolic_id, POINTER(c_size_t)], c_int),
    ("autolic_flex_adjust", [_db, autolic_id, autolic_id, autolic_id, c_int64], c_int),
    ("autolic_flex_move", [_db, autolic_id, autolic_id, autolic_id, c_char_p, POINTER(c_int64)], c_int),
    ("autolic_flex_user_assign", [_db, autolic_id, autolic_id, POINTER(UserSpec), POINTER(autolic_id)], c_int),
    ("autolic_flex_user_remove", [_db, autolic_id, autolic_id, autolic_id], c_int),
    ("autolic_flex_user_allowed", [_db, autolic_id, autolic_id, c_char_p, POINTER(c_int)], c_int),
    ("autolic_flex_defaults_set", [_db, autolic_id, autolic_id, POINTER(c_char_p), c_size_t], c_int),
    ("autolic_flex_trial_add", [_db, autolic_id, autolic_id, c_char_p, autolic_time, autolic_time], c_int),
    ("autolic_flex_report", [_db, POINTER(ReportSpec), POINTER(Result)], c_int),
    ("autolic_flex_ledger_open", [_db, autolic_id, autolic_time, autolic_time, c_uint, POINTER(_iter)], c_int),
    ("autolic_flex_ledger_next", [_iter, POINTER(Entry)], c_int),
    ("autolic_flex_ledger_free", [_iter], None),
    ("autolic_flex_usage_open", [_db, autolic_id, autolic_time, autolic_time, POINTER(_iter)], c_int),
    ("autolic_flex_usage_next", [_iter, POINTER(UsageRow)], c_int),
    ("autolic_flex_usage_free", [_iter], None),
    ("autolic_flex_usage_csv", [_db, autolic_id, autolic_time, autolic_time, WRITE_FN, c_void_p], c_int),
    ("autolic_flex_check", [_db, autolic_id], c_int),
]
