"""Python binding of libautolic (ctypes, no third-party dependency).

    import autolic
    with autolic.Database() as db:
        uid = autolic.account.register(db, "Ada@Example.com", "Ada", "Lovelace")
        print(autolic.account.get(db, uid).email)   # ada@example.com

The raw declaration table is :data:`autolic.C` (``C.autolic_db_now(db)``).
"""
from . import errors
from ._handle import Closed
from ._lib import C, library_path
from ._time import UTC, from_time, to_time
from .errors import (Aborted, Busy, Conflict, Corrupt, Duplicate, Error, Exists, Expired,
                     InvalidArgument, Locked, NoLicence, NoMemory, NoOperatorLicence, NoSeat,
                     NotEnoughTokens, NotFound, PermissionDenied, ReadOnly, StateError,
                     StorageError, VersionError)
from .db import Database, Event, EventType
from .storage import Backend, MemoryStore, RawStorage
from .sqlite_backend import SqliteBackend
from . import account, contract, db, flex, hub, journal, ops, seat, storage, team
from .journal import JournalStore


def version():
    """The runtime library's version string, e.g. ``"1.0.0"``."""
    return C.autolic_version(None, None, None).decode("ascii")


def version_info():
    """The runtime library's version as ``(major, minor, patch)``."""
    import ctypes
    a, b, c = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
    C.autolic_version(ctypes.byref(a), ctypes.byref(b), ctypes.byref(c))
    return (a.value, b.value, c.value)


def strerror(code):
    """Static English text for an error code."""
    return C.autolic_strerror(code).decode("utf-8", "replace")


__version__ = "1.0.0"
__all__ = [
    "C", "library_path", "version", "version_info", "strerror", "to_time", "from_time", "UTC",
    "Database", "Event", "EventType", "Backend", "MemoryStore", "RawStorage", "SqliteBackend",
    "Closed", "account", "errors", "team", "hub", "contract", "seat", "flex", "ops", "journal",
    "JournalStore", "storage",
    "Error", "InvalidArgument", "NoMemory", "NotFound", "Exists", "PermissionDenied", "NoSeat",
    "NotEnoughTokens", "NoLicence", "NoOperatorLicence", "Expired", "Conflict", "Locked",
    "Corrupt", "StorageError", "Aborted", "VersionError", "StateError", "ReadOnly", "Busy",
    "Duplicate",
]
