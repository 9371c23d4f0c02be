"""Python binding of libautolic (ctypes, no third-party dependency).

    import autolic
    with autolic.Database() as db:
        uid = autolic.account.register(db, "Ada@Example.com", "Ada", "Lovelace")
        print(autolic.account.get(db, uid).email)   # ada@example.com

The raw declaration table is :data:`autolic.C` (``C.autolic_db_now(db)``).
"""
import ctypes as _ctypes
from typing import Tuple

from . import errors
from ._check import api as _checked
from ._lib import C, library_path
from ._time import UTC, from_time, to_time
from .errors import (Aborted, Busy, Closed, Code, Conflict, Corrupt, Duplicate, Error,
                     ErrorNumber, ErrorObject, Exists, Expired, InvalidArgument, Locked,
                     NoLicence, NoMemory, NoOperatorLicence, NoSeat, NotEnoughTokens, NotFound,
                     ObjectKind, PermissionDenied, ReadOnly, StateError, StorageError, Unit,
                     VersionError)
from .db import Database, Event, EventType
from .storage import Backend, MemoryStore, RawStorage
from .sqlite_backend import SqliteBackend
from . import account, contract, db, flex, hub, journal, note, ops, seat, storage, team
from .journal import JournalStore


def version() -> str:
    """The runtime library's version string (``autolic_version``).

    Returns:
        The version, e.g. ``"1.1.0"``.

    Raises:
        Nothing: the call cannot fail.
    """
    return C.autolic_version(None, None, None).decode("ascii")  # type: ignore[no-any-return]


def _version_info() -> Tuple[int, int, int]:
    a, b, c = _ctypes.c_int(), _ctypes.c_int(), _ctypes.c_int()
    C.autolic_version(_ctypes.byref(a), _ctypes.byref(b), _ctypes.byref(c))
    return (a.value, b.value, c.value)


#: The runtime library's version as ``(major, minor, patch)``, e.g. ``(1, 1, 0)``
#: (read once, at import: the library loaded cannot change).
version_info: Tuple[int, int, int] = _version_info()


@_checked
def strerror(code: int) -> str:
    """Static English text for an error code (``autolic_strerror``).

    Args:
        code: a negative ``AUTOLIC_E*`` code (any int is accepted).

    Returns:
        The text, e.g. ``"not found"``; a generic text for an unknown code.

    Raises:
        OverflowError: `code` does not fit a C int.
        TypeError: `code` is not an int.
    """
    return C.autolic_strerror(code).decode("utf-8", "replace")  # type: ignore[no-any-return]


__version__ = "1.0.0"
__all__ = [
    "C", "library_path", "version", "version_info", "strerror", "to_time", "from_time", "UTC",
    "Database", "Event", "EventType", "Backend", "MemoryStore", "RawStorage", "SqliteBackend",
    "Closed", "account", "errors", "team", "hub", "contract", "seat", "flex", "ops", "journal",
    "JournalStore", "storage", "note",
    "Code", "Error", "InvalidArgument", "NoMemory", "NotFound", "Exists", "PermissionDenied",
    "NoSeat",
    "NotEnoughTokens", "NoLicence", "NoOperatorLicence", "Expired", "Conflict", "Locked",
    "Corrupt", "StorageError", "Aborted", "VersionError", "StateError", "ReadOnly", "Busy",
    "Duplicate", "ErrorObject", "ErrorNumber", "ObjectKind", "Unit",
]
