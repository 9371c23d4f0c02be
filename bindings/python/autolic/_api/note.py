"""Declarations for autolic/notification.h (durable notifications: NOTE-1, NOTE-2)."""
from ctypes import POINTER, Structure, c_char_p, c_int, c_int64, c_size_t, c_uint, c_uint64, c_void_p

from .core import autolic_id, autolic_time, db_p

NOTE_CONSUMER_MAX = 64

NOTICE_VERSION = 1


class autolic_notice(Structure):
    _fields_ = [
        ("version", c_uint),
        ("type", c_int),
        ("time", autolic_time),
        ("stream", c_uint64),
        ("position", c_uint64),
        ("recipient", autolic_id),
        ("team", autolic_id),
        ("object", autolic_id),
        ("product", c_char_p),
        ("rule", c_char_p),
        ("text", c_char_p),
        ("numbers", POINTER(c_int64)),
        ("nnumbers", c_size_t),
    ]


DECLS = [
    ("autolic_note_consumer_add", [db_p, c_char_p], c_int),
    ("autolic_note_consumer_remove", [db_p, c_char_p], c_int),
    ("autolic_note_iter_new", [db_p, c_char_p, c_size_t, POINTER(c_void_p)], c_int),
    ("autolic_note_iter_next", [c_void_p, POINTER(autolic_notice)], c_int),
    ("autolic_note_iter_free", [c_void_p], None),
    ("autolic_note_ack", [db_p, c_char_p, c_uint64, c_uint64], c_int),
    ("autolic_note_trim", [db_p, autolic_time, POINTER(c_size_t)], c_int),
]

#: The header's parameter names of each declared function, in order (checked
#: against the headers by tests/test_symbols.py); argument checks name them.
PARAMS = {
    "autolic_note_consumer_add": ("db", "name"),
    "autolic_note_consumer_remove": ("db", "name"),
    "autolic_note_iter_new": ("db", "consumer", "max", "out"),
    "autolic_note_iter_next": ("it", "n"),
    "autolic_note_iter_free": ("it",),
    "autolic_note_ack": ("db", "consumer", "stream", "position"),
    "autolic_note_trim": ("db", "keep", "removed"),
}
