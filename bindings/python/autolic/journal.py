"""The journal-file store (autolic/sys/journal.h): the durable built-in backend.

    with autolic.Database(storage=journal.JournalStore("licences.journal")) as db:
        ...
"""
import ctypes
import os

from ._api import core as _c
from ._api import journal as _j
from ._lib import C, enc
from .storage import RawStorage

READONLY = _j.JOURNAL_READONLY
READONLY_SALVAGE = _j.JOURNAL_READONLY_SALVAGE
NO_AUTO_COMPACT = _j.JOURNAL_NO_AUTO_COMPACT


def options(flags=0, compact_ratio_percent=0, compact_min_bytes=0):
    """An ``autolic_journal_options`` from ``autolic_journal_options_init`` (0 keeps a default)."""
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

    def __init__(self, path, flags=0, compact_ratio_percent=0, compact_min_bytes=0):
        self.path = path
        opts = options(flags, compact_ratio_percent, compact_min_bytes)
        vt = _c.autolic_storage()
        C.autolic_store_journal_open(ctypes.byref(vt), enc(os.fsencode(path), "path"),
                                     ctypes.byref(opts))
        self._raw = RawStorage(vt)
        self._owner = None

    def raw(self):
        """The :class:`autolic.RawStorage` over the native vtable (before a database owns it)."""
        if self._owner is not None:
            raise ValueError("this store belongs to a database now")
        return self._raw

    def close(self):
        """Close the file, unless a database owns the store (it closes it then)."""
        if self._owner is None:
            self._raw.free()

    def _vtable(self):
        if self._owner is not None or self._raw.freed:
            raise ValueError("this journal store is already in use or closed")
        return self._raw.vt, []

    def _owned(self):
        # autolic_db_open copied the vtable; the database calls free on close.
        self._owner = True
        self._raw.detach_finalizer()

    def _open_failed(self):
        pass


def compact(db):
    """Compact now the journal store backing the open database `db`
    (``autolic_store_journal_compact``).

    Raises ReadOnly for a read-only store, StateError inside a transaction of
    this thread, Closed when `db` is closed, TypeError when `db` is not over a
    :class:`JournalStore`.
    """
    store = getattr(db, "storage", None)
    if not isinstance(store, JournalStore):
        raise TypeError("the database is not over a JournalStore")
    db._as_parameter_  # raises Closed: the store lives as long as the database
    C.autolic_store_journal_compact(ctypes.byref(store._raw.vt))


def open_database(path, flags=0, clock=None, on_event=None, max_retries=0, **journal_options):
    """A :class:`autolic.Database` over the journal file at `path` (created when absent)."""
    from .db import Database
    store = JournalStore(path, flags, **journal_options)
    try:
        db = Database(storage=store, clock=clock, on_event=on_event, max_retries=max_retries)
    except BaseException:
        store.close()
        raise
    return db
