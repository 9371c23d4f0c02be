"""The database handle."""
import contextlib
import ctypes
import enum
import sys
import time as _time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Iterator, List, Optional, Union

from ._api import core as _c
from ._check import TimeLike, api
from ._handle import Handle
from ._lib import C, dec
from ._time import from_time, to_time


class EventType(enum.IntEnum):
    """Kinds of events (``autolic_event_type``); unknown future kinds stay plain ints."""
    INVITATION_SENT = 1
    INVITATION_RESENT = 2
    ROLE_CHANGED = 3
    ORDER_CONFIRMED = 4
    SEAT_GRANTED = 5
    SEAT_REVOKED = 6
    FLEX_ASSIGNED = 7
    FLEX_LOW_BALANCE = 8
    FLEX_SESSION_ENDED = 9
    OPERATOR_DEACTIVATED = 10
    DOWNLOAD_AVAILABLE = 11
    PAYMENT_LATE = 12
    FLEX_LOT_EXPIRED = 13


if TYPE_CHECKING:
    from .journal import JournalStore
    from .storage import Backend, MemoryStore
    StorageLike = Union[Backend, MemoryStore, JournalStore]


def _enum_or_int(enum_cls: Any, value: int) -> Any:
    try:
        return enum_cls(value)
    except ValueError:
        return value


@dataclass(frozen=True)
class Event:
    """A notification delivered after commit (``autolic_event``), copied out."""
    type: Union[EventType, int]
    time: datetime
    recipient: int
    team: int
    object: int
    product: Optional[str]
    rule: Optional[str]
    text: Optional[str]

    @property
    def when(self) -> datetime:
        """:attr:`time` (a UTC datetime); kept for compatibility."""
        return self.time

    @classmethod
    def _from_c(cls, ev: Any) -> "Event":
        return cls(_enum_or_int(EventType, ev.type), from_time(ev.time), ev.recipient, ev.team,
                   ev.object,
                   dec(ev.product), dec(ev.rule), dec(ev.text))


def _report_callback_error(what: str) -> None:
    """Exceptions cannot cross the C boundary: hand them to sys.unraisablehook."""
    exc = sys.exc_info()[1]
    if exc is None:
        return
    hook = getattr(sys, "unraisablehook", None)
    if hook is None:  # pragma: no cover
        import traceback
        traceback.print_exc()
        return
    args = type("UnraisableHookArgs", (), {})()
    args.exc_type, args.exc_value, args.exc_traceback = type(exc), exc, exc.__traceback__
    args.err_msg, args.object = "Exception ignored in autolic %s" % what, None
    hook(args)


class Database(Handle):
    """An open libautolic database (``autolic_db``).

    Args:
        storage: ``None`` for a new memory store, a :class:`autolic.MemoryStore`,
            or a Python backend (:class:`autolic.Backend` subclass such as
            :class:`autolic.SqliteBackend`). On success the database owns it and
            releases it on close.
        clock: a callable returning the current time as a UTC datetime or int
            seconds; ``None`` for the system clock. Kept referenced while open.
        on_event: a callable receiving each :class:`Event` after commit. Kept
            referenced while open. Exceptions it raises go to
            ``sys.unraisablehook`` (they cannot cross the C boundary).
        max_retries: at most this many attempts of a call that keeps losing
            races on the storage (0, the default: as many as
            `retry_budget_ms` allows).
        retry_budget_ms: how long a call may keep re-running after lost
            races, in milliseconds (0: the default, 5000).

    Raises:
        TypeError: `clock` or `on_event` is not callable.
        ValueError: `storage` is in use by another database or closed.
        Error: the library refused to open (e.g. :class:`autolic.Corrupt`,
            :class:`autolic.VersionError` for a store it cannot read).

    Close with :meth:`close` or a ``with`` block; a finalizer closes it
    otherwise. Child handles (iterators...) are closed first.
    """

    def __init__(self, storage: "Optional[StorageLike]" = None,
                 clock: Optional[Callable[[], TimeLike]] = None,
                 on_event: Optional[Callable[["Event"], Any]] = None,
                 max_retries: int = 0, retry_budget_ms: int = 0) -> None:
        opts = _c.autolic_db_options()
        C.autolic_db_options_init(ctypes.byref(opts), _c.DB_OPTIONS_VERSION)
        opts.max_retries = max_retries
        opts.retry_budget_ms = retry_budget_ms
        keep = []
        self._clock = clock
        self._on_event = on_event
        if clock is not None:
            if not callable(clock):
                raise TypeError("clock must be callable")
            cb = _c.clock_fn(self._clock_thunk(clock))
            opts.clock = cb
            keep.append(cb)
        if on_event is not None:
            if not callable(on_event):
                raise TypeError("on_event must be callable")
            cb = _c.event_fn(self._event_thunk(on_event))
            opts.on_event = cb
            keep.append(cb)
        vt = None
        if storage is not None:
            vt, storage_keep = storage._vtable()
            opts.storage = ctypes.pointer(vt)
            keep.append(vt)
            keep.extend(storage_keep)
        out = _c.db_p()
        try:
            C.autolic_db_open(ctypes.byref(out), ctypes.byref(opts))
        except BaseException:
            if storage is not None:
                storage._open_failed()
            raise
        if storage is not None:
            storage._owned()
        self.storage = storage
        self._adopt(out.value or 0, C.autolic_db_close, keep=keep, name="Database")

    @staticmethod
    def _clock_thunk(clock: Callable[[], TimeLike]) -> Callable[[Any], int]:
        def thunk(_ctx: Any) -> int:
            try:
                return to_time(clock())
            except BaseException:
                _report_callback_error("clock callback (the system time was used)")
                return int(_time.time())
        return thunk

    @staticmethod
    def _event_thunk(handler: Callable[[Event], Any]) -> Callable[[Any, Any], None]:
        def thunk(ev_p: Any, _ctx: Any) -> None:
            try:
                handler(Event._from_c(ev_p.contents))
            except BaseException:
                _report_callback_error("event handler")
        return thunk

    def now(self) -> datetime:
        """The handle's clock (``autolic_db_now``).

        Returns:
            The current time as a UTC datetime.

        Raises:
            Closed: the database is closed.
        """
        return from_time(C.autolic_db_now(self))

    def now_seconds(self) -> int:
        """The handle's clock (``autolic_db_now``).

        Returns:
            The current time as int UTC seconds.

        Raises:
            Closed: the database is closed.
        """
        return int(C.autolic_db_now(self))

    def check(self) -> None:
        """Check the whole store against the library's invariants (see :func:`check`).

        Raises:
            Corrupt: an invariant is broken; the message names the rule.
            Closed: the database is closed.
        """
        check(self)

    def begin(self) -> None:
        """Start a host batch on this thread (``autolic_db_begin``; prefer :meth:`batch`).

        Raises:
            Busy: a batch is open on this thread already.
            Closed: the database is closed.
        """
        C.autolic_db_begin(self)

    def commit(self) -> None:
        """Commit this thread's batch (``autolic_db_commit``).

        Raises:
            Aborted: a call inside the batch failed and aborted it.
            StateError: no batch is open on this thread.
            Closed: the database is closed.
        """
        C.autolic_db_commit(self)

    def rollback(self) -> None:
        """Roll back this thread's batch; its events are dropped (``autolic_db_rollback``).

        Raises:
            StateError: no batch is open on this thread.
            Closed: the database is closed.
        """
        C.autolic_db_rollback(self)

    @contextlib.contextmanager
    def batch(self) -> Iterator["Database"]:
        """``with db.batch():`` the calls inside form one transaction.

        Committed when the block ends normally, rolled back when it raises.

        Returns:
            A context manager yielding the database.

        Raises:
            Aborted: a call inside the block failed and aborted the batch.
            Busy: a batch is open on this thread already.
            Closed: the database is closed.
        """
        self.begin()
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        self.commit()

    def __repr__(self) -> str:
        return "<autolic.Database %s>" % ("closed" if self.closed else "open")


@api
def check(db: Database) -> None:
    """Check the whole store behind `db` against the library's invariants
    (``autolic_db_check``), in one read-only transaction.

    Args:
        db: the open database.

    Raises:
        Corrupt: an invariant is broken; the message names the first broken
            rule ("SEAT-1: ...").
        Closed: `db` is closed.
        TypeError: `db` is not a :class:`Database`.
    """
    C.autolic_db_check(db)
