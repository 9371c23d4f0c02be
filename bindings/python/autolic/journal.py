"""The journal-file store (autolic/sys/journal.h): the durable built-in backend.

    with autolic.Database(storage=journal.JournalStore("licences.journal")) as db:
        ...
"""
import ctypes
import os
from typing import Any, Callable, List, Optional, Tuple, Union

from ._api import core as _c
from ._api import journal as _j
from ._check import TimeLike, api
from ._lib import C, enc
from .db import Database, Event
from .storage import RawStorage

READONLY = _j.JOURNAL_READONLY
READONLY_SALVAGE = _j.JOURNAL_READONLY_SALVAGE
NO_AUTO_COMPACT = _j.JOURNAL_NO_AUTO_COMPACT


@api
def options(flags: int = 0, compact_ratio_percent: int = 0,
            compact_min_bytes: int = 0) -> _j.autolic_journal_options:
    """Journal options (``autolic_journal_options_init``); 0 keeps a default.

    Args:
        flags: a set of :data:`READONLY`, :data:`READONLY_SALVAGE`,
            :data:`NO_AUTO_COMPACT`.
        compact_ratio_percent: compact when the file is this much larger than
            its live data.
        compact_min_bytes: never compact a file smaller than this.

    Returns:
        The ``autolic_journal_options`` structure.

    Raises:
        OverflowError: a value out of its C type's range.
        TypeError: an argument of the wrong type.
    """
    opts = _j.autolic_journal_options()
    C.autolic_journal_options_init(ctypes.byref(opts), _j.JOURNAL_OPTIONS_VERSION)
    opts.flags = flags
    if compact_ratio_percent:
        opts.compact_ratio_percent = compact_ratio_percent
    if compact_min_bytes:
        opts.compact_min_bytes = compact_min_bytes
    return opts


class JournalStore:
    """A journal file opened as a storage backend (``autolic_store_journal_open``).

    Pass it to :class:`autolic.Database` (which then owns it and closes it
    with the database). If it never backs a database, release it with
    :meth:`close`. `path` is a str or bytes path; `flags` a set of
    :data:`READONLY`, :data:`READONLY_SALVAGE`, :data:`NO_AUTO_COMPACT`.
    Raises Locked when another handle holds the file, Corrupt for a damaged file.
    """

    def __init__(self, path: Union[str, bytes, "os.PathLike[str]"], flags: int = 0,
                 compact_ratio_percent: int = 0, compact_min_bytes: int = 0) -> None:
        self.path = path
        opts = options(flags, compact_ratio_percent, compact_min_bytes)
        vt = _c.autolic_storage()
        C.autolic_store_journal_open(ctypes.byref(vt), enc(os.fsencode(path), "path"),
                                     ctypes.byref(opts))
        self._raw = RawStorage(vt)
        self._owner: Optional[bool] = None

    def raw(self) -> RawStorage:
        """The :class:`autolic.RawStorage` over the native vtable (before a database owns it).

        Returns:
            The :class:`RawStorage`.

        Raises:
            ValueError: the store belongs to a database now.
        """
        if self._owner is not None:
            raise ValueError("this store belongs to a database now")
        return self._raw

    def close(self) -> None:
        """Close the file, unless a database owns the store (it closes it then).

        Raises:
            Nothing.
        """
        if self._owner is None:
            self._raw.free()

    def _vtable(self) -> Tuple[Any, List[Any]]:
        if self._owner is not None or self._raw.freed:
            raise ValueError("this journal store is already in use or closed")
        return self._raw.vt, []

    def _owned(self) -> None:
        # autolic_db_open copied the vtable; the database calls free on close.
        self._owner = True
        self._raw.detach_finalizer()

    def _open_failed(self) -> None:
        pass


@api
def compact(db: Database) -> None:
    """Compact now the journal store backing the open database `db`
    (``autolic_store_journal_compact``).

    Args:
        db: an open database over a :class:`JournalStore`.

    Raises:
        ReadOnly: the store is read-only.
        StateError: a transaction of this thread is open.
        Closed: `db` is closed.
        TypeError: `db` is not over a :class:`JournalStore`.
    """
    store = getattr(db, "storage", None)
    if not isinstance(store, JournalStore):
        raise TypeError("the database is not over a JournalStore")
    db._as_parameter_  # raises Closed: the store lives as long as the database
    C.autolic_store_journal_compact(ctypes.byref(store._raw.vt))


@api
def open_database(path: Union[str, bytes, "os.PathLike[str]"], flags: int = 0,
                  clock: Optional[Callable[[], TimeLike]] = None,
                  on_event: Optional[Callable[[Event], Any]] = None, max_retries: int = 0,
                  retry_budget_ms: int = 0, **journal_options: int) -> Database:
    """A :class:`autolic.Database` over the journal file at `path`, created when absent.

    Args:
        path: the file's path.
        flags: journal flags (see :func:`options`).
        clock: as for :class:`autolic.Database`.
        on_event: as for :class:`autolic.Database`.
        max_retries: as for :class:`autolic.Database`.
        retry_budget_ms: as for :class:`autolic.Database`.
        **journal_options: ``compact_ratio_percent``, ``compact_min_bytes``.

    Returns:
        The open database; it owns the store.

    Raises:
        Locked: another handle holds the file.
        Corrupt: the file is damaged.
        StorageError: the file cannot be opened or created.
        TypeError: an argument of the wrong type.
    """
    store = JournalStore(path, flags, **journal_options)
    try:
        db = Database(storage=store, clock=clock, on_event=on_event, max_retries=max_retries,
                      retry_budget_ms=retry_budget_ms)
    except BaseException:
        store.close()
        raise
    return db
