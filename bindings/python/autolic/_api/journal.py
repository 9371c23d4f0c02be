"""Declarations for autolic/sys/journal.h (the journal-file store)."""
from ctypes import POINTER, Structure, c_char_p, c_int, c_uint, c_uint64

from .core import autolic_allocator, autolic_storage

JOURNAL_OPTIONS_VERSION = 1

JOURNAL_READONLY = 0x1
JOURNAL_READONLY_SALVAGE = 0x2
JOURNAL_NO_AUTO_COMPACT = 0x4

JOURNAL_DEFAULT_COMPACT_RATIO = 100
JOURNAL_DEFAULT_COMPACT_MIN = 1 << 20


class autolic_journal_options(Structure):
    _fields_ = [
        ("version", c_uint),
        ("flags", c_uint),
        ("compact_ratio_percent", c_uint),
        ("compact_min_bytes", c_uint64),
        ("allocator", POINTER(autolic_allocator)),
    ]


DECLS = [
    ("autolic_journal_options_init", [POINTER(autolic_journal_options), c_uint], c_int),
    # path: bytes (os.fsencode); opts may be None for the defaults
    ("autolic_store_journal_open",
     [POINTER(autolic_storage), c_char_p, POINTER(autolic_journal_options)], c_int),
    ("autolic_store_journal_compact", [POINTER(autolic_storage)], c_int),
]

#: The header's parameter names of each declared function, in order (checked
#: against the headers by tests/test_symbols.py); argument checks name them.
PARAMS = {
    "autolic_journal_options_init": ("opts", "version"),
    "autolic_store_journal_open": ("out", "path", "opts"),
    "autolic_store_journal_compact": ("st",),
}
