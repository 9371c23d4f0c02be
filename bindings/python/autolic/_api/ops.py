"""ctypes declarations for autolic/ops.h (Fusion Operations, OPS-1..OPS-7)."""
import ctypes
from ctypes import (POINTER, Structure, c_char, c_char_p, c_int, c_int64, c_uint,
                    c_uint32, c_uint64, c_void_p)

autolic_id = c_uint64
autolic_time = c_int64

HUB_NAME_MAX = 100
NUMBER_MAX = 32
OPERATOR_NAME_MAX = 254
TRIAL_PERIOD = 2592000
TRIAL_OPERATORS = 10
PAYMENT_GRACE = 2592000
FUTURE_TOLERANCE = 300

USER = 1
SHOP_FLOOR = 2

HUB_TRIAL = 1
HUB_TRIAL_ENDED = 2
HUB_PROVISIONED = 3

PAYMENT_OK = 0
PAYMENT_WARNING = 1
PAYMENT_BLOCKED = 2

REASON_NONE = 0
REASON_MANUAL = 1
REASON_USER = 2
REASON_LICENCES = 3

HUB_SPEC_VERSION = 1
HUB_INFO_VERSION = 1
SUBSCRIPTION_SPEC_VERSION = 1
SUBSCRIPTION_INFO_VERSION = 1
LICENCE_INFO_VERSION = 1
OPERATOR_SPEC_VERSION = 1
OPERATOR_INFO_VERSION = 1


class HubSpec(Structure):
    _fields_ = [("version", c_uint), ("name", c_char_p), ("tenant", autolic_id),
                ("trial_period", c_int64), ("trial_operators", c_uint64)]


class HubInfo(Structure):
    _fields_ = [("version", c_uint), ("id", autolic_id), ("tenant", autolic_id),
                ("name", c_char * (HUB_NAME_MAX + 1)), ("created", autolic_time),
                ("state", c_int), ("trial_end", autolic_time), ("trial_days_left", c_int64),
                ("trial_operators", c_uint64), ("provisioned", autolic_time),
                ("payment_state", c_int), ("payment_due", autolic_time),
                ("payment_block", autolic_time), ("payment_days_left", c_int64)]


class SubscriptionSpec(Structure):
    _fields_ = [("version", c_uint), ("tenant", autolic_id), ("kind", c_int),
                ("quantity", c_uint32), ("start", autolic_time), ("end", autolic_time)]


class SubscriptionInfo(Structure):
    _fields_ = [("version", c_uint), ("number", c_uint64), ("tenant", autolic_id),
                ("kind", c_int), ("quantity", c_uint32), ("start", autolic_time),
                ("end", autolic_time), ("active", c_int)]


class LicenceInfo(Structure):
    _fields_ = [("version", c_uint), ("user_total", c_uint64), ("user_used", c_uint64),
                ("user_available", c_uint64), ("shop_floor_subscribed", c_int),
                ("shop_floor_total", c_uint64), ("shop_floor_used", c_uint64),
                ("shop_floor_available", c_uint64)]


class OperatorSpec(Structure):
    _fields_ = [("version", c_uint), ("number", c_char_p), ("name", c_char_p)]


class OperatorInfo(Structure):
    _fields_ = [("version", c_uint), ("id", autolic_id), ("hub", autolic_id),
                ("number", c_char * (NUMBER_MAX + 1)),
                ("name", c_char * (OPERATOR_NAME_MAX + 1)), ("user", autolic_id),
                ("active", c_int), ("reason", c_int), ("created", autolic_time),
                ("deactivated", autolic_time), ("has_production", c_int),
                ("last_production", autolic_time), ("production_count", c_uint64)]


_db = c_void_p
_id = autolic_id
_pid = POINTER(autolic_id)
_pu64 = POINTER(c_uint64)

DECLS = [
    ("autolic_ops_hub_create", [_db, _id, POINTER(HubSpec), _pid], c_int),
    ("autolic_ops_hub_get", [_db, _id, POINTER(HubInfo)], c_int),
    ("autolic_ops_hub_find", [_db, _id, _pid], c_int),
    ("autolic_ops_hub_provision", [_db, _id, _id, _pu64], c_int),
    ("autolic_ops_hub_reconcile", [_db, _id, _id, _pu64], c_int),
    ("autolic_ops_admin_add", [_db, _id, _id, _id], c_int),
    ("autolic_ops_admin_remove", [_db, _id, _id, _id], c_int),
    ("autolic_ops_subscription_buy", [_db, _id, POINTER(SubscriptionSpec), _pu64], c_int),
    ("autolic_ops_subscription_get", [_db, c_uint64, POINTER(SubscriptionInfo)], c_int),
    ("autolic_ops_subscription_set_quantity", [_db, _id, c_uint64, c_uint32, _pu64], c_int),
    ("autolic_ops_subscription_end", [_db, _id, c_uint64, _pu64], c_int),
    ("autolic_ops_licences_get", [_db, _id, POINTER(LicenceInfo)], c_int),
    ("autolic_ops_shop_floor_available", [_db, _id, _pu64], c_int),
    ("autolic_ops_user_add", [_db, _id, _id, _id], c_int),
    ("autolic_ops_user_deactivate", [_db, _id, _id, _id], c_int),
    ("autolic_ops_user_reactivate", [_db, _id, _id, _id], c_int),
    ("autolic_ops_access_check", [_db, _id, _id], c_int),
    ("autolic_ops_operator_add", [_db, _id, _id, POINTER(OperatorSpec), _pid], c_int),
    ("autolic_ops_operator_from_user", [_db, _id, _id, _id, c_char_p, _pid], c_int),
    ("autolic_ops_operator_deactivate", [_db, _id, _id], c_int),
    ("autolic_ops_operator_reactivate", [_db, _id, _id], c_int),
    ("autolic_ops_operator_transfer", [_db, _id, _id, c_char_p], c_int),
    ("autolic_ops_operator_record_production", [_db, _id, _id, autolic_time], c_int),
    ("autolic_ops_operator_get", [_db, _id, POINTER(OperatorInfo)], c_int),
    ("autolic_ops_operator_find", [_db, _id, c_char_p, _pid], c_int),
    ("autolic_ops_operator_iter_new", [_db, _id, POINTER(c_void_p)], c_int),
    ("autolic_ops_operator_iter_next", [c_void_p, POINTER(OperatorInfo)], c_int),
    ("autolic_ops_operator_iter_free", [c_void_p], None),
    ("autolic_ops_payment_late", [_db, _id, _id, autolic_time], c_int),
    ("autolic_ops_payment_record", [_db, _id, _id], c_int),
    # 1.1: _init() of the versioned structs, names of the enums' values
    ("autolic_ops_hub_spec_init", [POINTER(HubSpec), c_uint], c_int),
    ("autolic_ops_subscription_spec_init", [POINTER(SubscriptionSpec), c_uint], c_int),
    ("autolic_ops_operator_spec_init", [POINTER(OperatorSpec), c_uint], c_int),
    ("autolic_ops_kind_name", [c_int], c_char_p),
    ("autolic_ops_hub_state_name", [c_int], c_char_p),
    ("autolic_ops_payment_state_name", [c_int], c_char_p),
    ("autolic_ops_reason_name", [c_int], c_char_p),
]

#: The header's parameter names of each declared function, in order (checked
#: against the headers by tests/test_symbols.py); argument checks name them.
PARAMS = {
    "autolic_ops_hub_create": ("db", "actor", "spec", "hub"),
    "autolic_ops_hub_get": ("db", "hub", "info"),
    "autolic_ops_hub_find": ("db", "tenant", "hub"),
    "autolic_ops_hub_provision": ("db", "actor", "hub", "deactivated"),
    "autolic_ops_hub_reconcile": ("db", "actor", "hub", "deactivated"),
    "autolic_ops_admin_add": ("db", "actor", "tenant", "account"),
    "autolic_ops_admin_remove": ("db", "actor", "tenant", "account"),
    "autolic_ops_subscription_buy": ("db", "actor", "spec", "number"),
    "autolic_ops_subscription_get": ("db", "number", "info"),
    "autolic_ops_subscription_set_quantity": ("db", "actor", "number", "quantity", "deactivated"),
    "autolic_ops_subscription_end": ("db", "actor", "number", "deactivated"),
    "autolic_ops_licences_get": ("db", "hub", "info"),
    "autolic_ops_shop_floor_available": ("db", "hub", "available"),
    "autolic_ops_user_add": ("db", "actor", "hub", "account"),
    "autolic_ops_user_deactivate": ("db", "actor", "hub", "account"),
    "autolic_ops_user_reactivate": ("db", "actor", "hub", "account"),
    "autolic_ops_access_check": ("db", "hub", "account"),
    "autolic_ops_operator_add": ("db", "actor", "hub", "spec", "id"),
    "autolic_ops_operator_from_user": ("db", "actor", "hub", "account", "number", "id"),
    "autolic_ops_operator_deactivate": ("db", "actor", "op"),
    "autolic_ops_operator_reactivate": ("db", "actor", "op"),
    "autolic_ops_operator_transfer": ("db", "actor", "op", "name"),
    "autolic_ops_operator_record_production": ("db", "actor", "op", "at"),
    "autolic_ops_operator_get": ("db", "op", "info"),
    "autolic_ops_operator_find": ("db", "hub", "number", "op"),
    "autolic_ops_operator_iter_new": ("db", "hub", "out"),
    "autolic_ops_operator_iter_next": ("it", "info"),
    "autolic_ops_operator_iter_free": ("it",),
    "autolic_ops_payment_late": ("db", "actor", "hub", "due"),
    "autolic_ops_payment_record": ("db", "actor", "hub"),
    "autolic_ops_hub_spec_init": ("s", "version"),
    "autolic_ops_subscription_spec_init": ("s", "version"),
    "autolic_ops_operator_spec_init": ("s", "version"),
    "autolic_ops_kind_name": ("kind",),
    "autolic_ops_hub_state_name": ("state",),
    "autolic_ops_payment_state_name": ("state",),
    "autolic_ops_reason_name": ("reason",),
}
