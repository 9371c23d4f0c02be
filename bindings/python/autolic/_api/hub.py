"""Declarations for autolic/hub.h (developer hubs: APS-2..APS-4)."""
from ctypes import POINTER, Structure, c_char, c_char_p, c_int, c_uint

from .core import autolic_id, autolic_time, db_p

HUB_NAME_MAX = 100

HUB_INFO_VERSION = 1
APP_INFO_VERSION = 1


class autolic_hub_info(Structure):
    _fields_ = [
        ("version", c_uint),
        ("id", autolic_id),
        ("team", autolic_id),
        ("name", c_char * (HUB_NAME_MAX + 1)),
        ("created", autolic_time),
        ("created_by", autolic_id),
    ]


class autolic_app_info(Structure):
    _fields_ = [
        ("version", c_uint),
        ("id", autolic_id),
        ("hub", autolic_id),
        ("name", c_char * (HUB_NAME_MAX + 1)),
        ("created", autolic_time),
    ]


DECLS = [
    ("autolic_hub_create", [db_p, autolic_id, autolic_id, c_char_p, POINTER(autolic_id)], c_int),
    ("autolic_hub_get", [db_p, autolic_id, POINTER(autolic_hub_info)], c_int),
    ("autolic_hub_find", [db_p, autolic_id, POINTER(autolic_id)], c_int),
    ("autolic_hub_add_admin", [db_p, autolic_id, autolic_id, autolic_id], c_int),
    ("autolic_hub_app_create", [db_p, autolic_id, autolic_id, c_char_p, POINTER(autolic_id)], c_int),
    ("autolic_hub_app_get", [db_p, autolic_id, POINTER(autolic_app_info)], c_int),
    ("autolic_hub_app_move", [db_p, autolic_id, autolic_id, autolic_id], c_int),
]

#: The header's parameter names of each declared function, in order (checked
#: against the headers by tests/test_symbols.py); argument checks name them.
PARAMS = {
    "autolic_hub_create": ("db", "actor", "team", "name", "id"),
    "autolic_hub_get": ("db", "hub", "info"),
    "autolic_hub_find": ("db", "team", "hub"),
    "autolic_hub_add_admin": ("db", "actor", "hub", "account"),
    "autolic_hub_app_create": ("db", "actor", "hub", "name", "id"),
    "autolic_hub_app_get": ("db", "app", "info"),
    "autolic_hub_app_move": ("db", "actor", "app", "to_hub"),
}
