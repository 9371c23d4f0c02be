"""Declarations for autolic/common.h, autolic/db.h and autolic/sys/storage.h.

Also the shared ctypes aliases that the other fragments import::

    from .core import autolic_id, autolic_time, db_p
"""
from typing import Tuple
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_int, c_int64, c_size_t,
                    c_uint, c_uint64, c_void_p)

# ---- common.h ----
autolic_id = c_uint64
autolic_time = c_int64
#: Every opaque handle (autolic_db *, iterators...) is passed as a void pointer.
#: Python handle classes expose ``_as_parameter_`` so they can be passed directly.
db_p = c_void_p
handle_p = c_void_p

# SEAM-1: the one maximum of a product code in every noun (common.h)
PRODUCT_MAX = 63

OK = 0
ERROR = -1
EINVAL = -2
ENOMEM = -3
ENOTFOUND = -4
EEXISTS = -5
EPERM = -6
ENOSEAT = -7
ENOTOKENS = -8
ENOLICENCE = -9
ENOOPLICENCE = -10
EEXPIRED = -11
ECONFLICT = -12
ELOCKED = -13
ECORRUPT = -14
ESTORAGE = -15
EABORTED = -16
EVERSION = -17
ESTATE = -18
EREADONLY = -19
EBUSY = -20
ITEROVER = -21
EDUPLICATE = -22



# structured errors (autolic_error_last)
ERROR_INFO_VERSION = 1
ERROR_RULE_MAX = 15
ERROR_OBJECTS_MAX = 4
ERROR_NUMBERS_MAX = 4
ERROR_NAME_MAX = 255
ERROR_LABEL_MAX = 23
ERROR_MESSAGE_MAX = 511

OBJECT_NONE = 0
OBJECT_ACCOUNT = 1
OBJECT_TEAM = 2
OBJECT_CONTRACT = 3
OBJECT_PRODUCT = 4
OBJECT_LOT = 5
OBJECT_SESSION = 6
OBJECT_OPS_HUB = 7
OBJECT_SUBSCRIPTION = 8
OBJECT_OPERATOR = 9
OBJECT_HUB = 10
OBJECT_APP = 11
OBJECT_ARGUMENT = 12

UNIT_COUNT = 0
UNIT_TIME = 1
UNIT_SECONDS = 2


class autolic_error_object(Structure):
    _fields_ = [
        ("kind", c_int),
        ("id", autolic_id),
        ("name", c_char * (ERROR_NAME_MAX + 1)),
    ]


class autolic_error_number(Structure):
    _fields_ = [
        ("name", c_char * (ERROR_LABEL_MAX + 1)),
        ("value", c_int64),
        ("unit", c_int),
    ]


class autolic_error_info(Structure):
    _fields_ = [
        ("version", c_uint),
        ("code", c_int),
        ("rule", c_char * (ERROR_RULE_MAX + 1)),
        ("object_count", c_uint),
        ("objects", autolic_error_object * ERROR_OBJECTS_MAX),
        ("number_count", c_uint),
        ("numbers", autolic_error_number * ERROR_NUMBERS_MAX),
        ("message", c_char * (ERROR_MESSAGE_MAX + 1)),
    ]


class Returns(Tuple[int, ...]):
    """A declaration's fourth element naming negative codes that the bound
    function returns to its caller instead of raising (they are outcomes, not
    failures): ``("autolic_flex_report", [...], c_int, Returns((EDUPLICATE,)))``."""


malloc_fn = CFUNCTYPE(c_void_p, c_size_t, c_void_p)
realloc_fn = CFUNCTYPE(c_void_p, c_void_p, c_size_t, c_void_p)
free_fn = CFUNCTYPE(None, c_void_p, c_void_p)


class autolic_allocator(Structure):
    _fields_ = [
        ("malloc_fn", malloc_fn),
        ("realloc_fn", realloc_fn),
        ("free_fn", free_fn),
        ("ctx", c_void_p),
    ]


# ---- sys/storage.h ----
STORAGE_VERSION = 1

storage_scan_cb = CFUNCTYPE(c_int, c_void_p, c_size_t, c_void_p, c_size_t, c_void_p)
storage_begin_fn = CFUNCTYPE(c_int, c_void_p, c_int)
storage_get_fn = CFUNCTYPE(c_int, c_void_p, c_void_p, c_size_t, POINTER(c_void_p), POINTER(c_size_t))
storage_put_fn = CFUNCTYPE(c_int, c_void_p, c_void_p, c_size_t, c_void_p, c_size_t)
storage_del_fn = CFUNCTYPE(c_int, c_void_p, c_void_p, c_size_t)
storage_scan_fn = CFUNCTYPE(c_int, c_void_p, c_void_p, c_size_t, c_void_p, c_size_t,
                            storage_scan_cb, c_void_p)
storage_ctx_fn = CFUNCTYPE(c_int, c_void_p)  # commit, rollback, savepoint, release, rollback_to
storage_free_fn = CFUNCTYPE(None, c_void_p)


class autolic_storage(Structure):
    _fields_ = [
        ("version", c_uint),
        ("ctx", c_void_p),
        ("begin", storage_begin_fn),
        ("get", storage_get_fn),
        ("put", storage_put_fn),
        ("del_", storage_del_fn),  # "del" in C
        ("scan", storage_scan_fn),
        ("commit", storage_ctx_fn),
        ("rollback", storage_ctx_fn),
        ("free", storage_free_fn),
        ("savepoint", storage_ctx_fn),
        ("release", storage_ctx_fn),
        ("rollback_to", storage_ctx_fn),
    ]


# ---- db.h ----
EVENT_VERSION = 1
DB_OPTIONS_VERSION = 2


class autolic_event(Structure):
    _fields_ = [
        ("version", c_uint),
        ("type", c_int),
        ("time", autolic_time),
        ("recipient", autolic_id),
        ("team", autolic_id),
        ("object", autolic_id),
        ("product", c_char_p),
        ("rule", c_char_p),
        ("text", c_char_p),
    ]


event_fn = CFUNCTYPE(None, POINTER(autolic_event), c_void_p)
clock_fn = CFUNCTYPE(autolic_time, c_void_p)


class autolic_db_options(Structure):
    _fields_ = [
        ("version", c_uint),
        ("storage", POINTER(autolic_storage)),
        ("clock", clock_fn),
        ("clock_ctx", c_void_p),
        ("allocator", POINTER(autolic_allocator)),
        ("on_event", event_fn),
        ("event_ctx", c_void_p),
        ("max_retries", c_uint),
        ("retry_budget_ms", c_uint),
    ]


DECLS = [
    # common.h
    ("autolic_strerror", [c_int], c_char_p),
    ("autolic_errmsg", [], c_char_p),
    # read by the binding itself after a failure (never raises: None)
    ("autolic_error_last", [POINTER(autolic_error_info)], c_int, None),
    ("autolic_version", [POINTER(c_int), POINTER(c_int), POINTER(c_int)], c_char_p),
    # sys/storage.h (autolic_storage_set_error is variadic: pass b"%s", text)
    ("autolic_storage_set_error", [c_char_p], None),
    ("autolic_storage_result", [c_int], c_int),
    ("autolic_store_memory_new", [POINTER(autolic_storage), POINTER(autolic_allocator)], c_int),
    # db.h
    ("autolic_db_options_init", [POINTER(autolic_db_options), c_uint], c_int),
    ("autolic_db_open", [POINTER(db_p), POINTER(autolic_db_options)], c_int),
    ("autolic_db_close", [db_p], None),
    ("autolic_db_begin", [db_p], c_int),
    ("autolic_db_commit", [db_p], c_int),
    ("autolic_db_rollback", [db_p], c_int),
    ("autolic_db_now", [db_p], autolic_time),
    ("autolic_db_check", [db_p], c_int),
    # 1.1: _init() of the versioned structs, names of the enums' values
    ("autolic_storage_init", [POINTER(autolic_storage), c_uint], c_int),
    ("autolic_event_type_name", [c_int], c_char_p),
    ("autolic_object_kind_name", [c_int], c_char_p),
    ("autolic_error_unit_name", [c_int], c_char_p),
]

#: The header's parameter names of each declared function, in order (checked
#: against the headers by tests/test_symbols.py); argument checks name them.
PARAMS = {
    "autolic_strerror": ("code",),
    "autolic_errmsg": (),
    "autolic_error_last": ("out",),
    "autolic_object_kind_name": ("kind",),
    "autolic_error_unit_name": ("unit",),
    "autolic_version": ("major", "minor", "patch"),
    "autolic_storage_set_error": ("fmt",),
    "autolic_storage_result": ("rc",),
    "autolic_store_memory_new": ("out", "alloc"),
    "autolic_db_options_init": ("opts", "version"),
    "autolic_db_open": ("out", "opts"),
    "autolic_db_close": ("db",),
    "autolic_db_begin": ("db",),
    "autolic_db_commit": ("db",),
    "autolic_db_rollback": ("db",),
    "autolic_db_now": ("db",),
    "autolic_db_check": ("db",),
    "autolic_storage_init": ("s", "version"),
    "autolic_event_type_name": ("type",),
}
