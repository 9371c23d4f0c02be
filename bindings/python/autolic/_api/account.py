"""Declarations for autolic/account.h."""
from ctypes import CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_int, c_size_t, c_uint, c_void_p

from .core import autolic_id, autolic_time, db_p

EMAIL_MAX = 254
NAME_MAX = 100
LANGUAGE_MAX = 35

ACCOUNT_SPEC_VERSION = 1
ACCOUNT_INFO_VERSION = 1

ACCOUNT_INVITED = 1
ACCOUNT_ACTIVE = 2
ACCOUNT_EXPIRED = 3
ACCOUNT_REMOVED = 4

IMPORT_LIST = 1
IMPORT_CSV = 2
IMPORT_MAX = 10000

# Opaque handle: autolic_account_iter*.
account_iter_p = c_void_p

# void (*autolic_import_error_fn)(size_t line, const char *reason, void *ctx)
import_error_fn = CFUNCTYPE(None, c_size_t, c_char_p, c_void_p)


class autolic_account_spec(Structure):
    _fields_ = [
        ("version", c_uint),
        ("email", c_char_p),
        ("first_name", c_char_p),
        ("last_name", c_char_p),
        ("language", c_char_p),
    ]


class autolic_account_info(Structure):
    _fields_ = [
        ("version", c_uint),
        ("id", autolic_id),
        ("email", c_char * (EMAIL_MAX + 1)),
        ("first_name", c_char * (NAME_MAX + 1)),
        ("last_name", c_char * (NAME_MAX + 1)),
        ("language", c_char * (LANGUAGE_MAX + 1)),
        ("state", c_int),
        ("created", autolic_time),
        ("invitation_expires", autolic_time),
        ("invited_by", autolic_id),
    ]


DECLS = [
    ("autolic_email_normalize", [c_char_p, c_char_p, c_size_t], c_int),
    ("autolic_person_parse", [c_char_p, c_char_p, c_char_p, c_char_p], c_int),
    ("autolic_account_register", [db_p, POINTER(autolic_account_spec), POINTER(autolic_id)], c_int),
    ("autolic_account_get", [db_p, autolic_id, POINTER(autolic_account_info)], c_int),
    ("autolic_account_find", [db_p, c_char_p, POINTER(autolic_id)], c_int),
    ("autolic_account_invite", [db_p, autolic_id, autolic_id, POINTER(autolic_account_spec), POINTER(autolic_id)], c_int),
    ("autolic_account_invite_text", [db_p, autolic_id, autolic_id, c_char_p, POINTER(autolic_id)], c_int),
    ("autolic_account_accept", [db_p, autolic_id], c_int),
    ("autolic_account_resend", [db_p, autolic_id, autolic_id], c_int),
    ("autolic_account_update", [db_p, autolic_id, autolic_id, POINTER(autolic_account_spec)], c_int),
    ("autolic_account_remove", [db_p, autolic_id, autolic_id], c_int),
    ("autolic_account_import", [db_p, autolic_id, autolic_id, c_char_p, c_int, import_error_fn, c_void_p,
                                POINTER(c_size_t)], c_int),
    ("autolic_account_iter_new", [db_p, autolic_id, POINTER(account_iter_p)], c_int),
    ("autolic_account_iter_next", [account_iter_p, POINTER(autolic_account_info)], c_int),
    ("autolic_account_iter_free", [account_iter_p], None),
    # 1.1: _init() of the versioned structs, names of the enums' values
    ("autolic_account_spec_init", [POINTER(autolic_account_spec), c_uint], c_int),
    ("autolic_account_state_name", [c_int], c_char_p),
    ("autolic_import_format_name", [c_int], c_char_p),
]

#: The header's parameter names of each declared function, in order (checked
#: against the headers by tests/test_symbols.py); argument checks name them.
PARAMS = {
    "autolic_email_normalize": ("email", "out", "outlen"),
    "autolic_person_parse": ("text", "email", "first", "last"),
    "autolic_account_register": ("db", "spec", "id"),
    "autolic_account_get": ("db", "id", "info"),
    "autolic_account_find": ("db", "email", "id"),
    "autolic_account_invite": ("db", "actor", "team", "spec", "id"),
    "autolic_account_invite_text": ("db", "actor", "team", "person", "id"),
    "autolic_account_accept": ("db", "account"),
    "autolic_account_resend": ("db", "actor", "account"),
    "autolic_account_update": ("db", "actor", "account", "spec"),
    "autolic_account_remove": ("db", "actor", "account"),
    "autolic_account_import": ("db", "actor", "team", "text", "format", "on_error", "ctx", "added"),
    "autolic_account_iter_new": ("db", "team", "out"),
    "autolic_account_iter_next": ("it", "info"),
    "autolic_account_iter_free": ("it",),
    "autolic_account_spec_init": ("s", "version"),
    "autolic_account_state_name": ("state",),
    "autolic_import_format_name": ("format",),
}
