"""Declarations for autolic/team.h (teams: APS-1, ROLE-3)."""
from ctypes import POINTER, Structure, c_char, c_char_p, c_int, c_uint, c_void_p

from .core import autolic_id, autolic_time, db_p

TEAM_NAME_MAX = 100

TEAM_NONE = 0
TEAM_PRIMARY = 1
TEAM_SECONDARY = 2
TEAM_USER = 3

TEAM_SPEC_VERSION = 1
TEAM_INFO_VERSION = 1
TEAM_MEMBERSHIP_VERSION = 1


class autolic_team_spec(Structure):
    _fields_ = [
        ("version", c_uint),
        ("name", c_char_p),
    ]


class autolic_team_info(Structure):
    _fields_ = [
        ("version", c_uint),
        ("id", autolic_id),
        ("name", c_char * (TEAM_NAME_MAX + 1)),
        ("primary", autolic_id),
        ("created", autolic_time),
    ]


class autolic_team_membership(Structure):
    _fields_ = [
        ("version", c_uint),
        ("team", autolic_id),
        ("name", c_char * (TEAM_NAME_MAX + 1)),
        ("role", c_int),
    ]


DECLS = [
    ("autolic_team_create", [db_p, autolic_id, POINTER(autolic_team_spec), POINTER(autolic_id)], c_int),
    ("autolic_team_get", [db_p, autolic_id, POINTER(autolic_team_info)], c_int),
    ("autolic_team_role_get", [db_p, autolic_id, autolic_id, POINTER(c_int)], c_int),
    ("autolic_team_add_admin", [db_p, autolic_id, autolic_id, autolic_id], c_int),
    ("autolic_team_remove_admin", [db_p, autolic_id, autolic_id, autolic_id], c_int),
    ("autolic_team_set_primary", [db_p, autolic_id, autolic_id, autolic_id], c_int),
    ("autolic_team_iter_new", [db_p, autolic_id, POINTER(c_void_p)], c_int),
    ("autolic_team_iter_next", [c_void_p, POINTER(autolic_team_membership)], c_int),
    ("autolic_team_iter_free", [c_void_p], None),
    # 1.1: _init() of the versioned structs, names of the enums' values
    ("autolic_team_spec_init", [POINTER(autolic_team_spec), c_uint], c_int),
    ("autolic_team_role_name", [c_int], c_char_p),
]

#: The header's parameter names of each declared function, in order (checked
#: against the headers by tests/test_symbols.py); argument checks name them.
PARAMS = {
    "autolic_team_create": ("db", "actor", "spec", "id"),
    "autolic_team_get": ("db", "team", "info"),
    "autolic_team_role_get": ("db", "team", "account", "role"),
    "autolic_team_add_admin": ("db", "actor", "team", "account"),
    "autolic_team_remove_admin": ("db", "actor", "team", "account"),
    "autolic_team_set_primary": ("db", "actor", "team", "account"),
    "autolic_team_iter_new": ("db", "account", "out"),
    "autolic_team_iter_next": ("it", "m"),
    "autolic_team_iter_free": ("it",),
    "autolic_team_spec_init": ("s", "version"),
    "autolic_team_role_name": ("role",),
}
