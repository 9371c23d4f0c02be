"""Storage backends: written in Python through the vtable, or native ones.

* :class:`Backend`: subclass it to write a backend in Python; it is exposed to
  the library as an ``autolic_storage`` vtable of ctypes callbacks.
* :class:`MemoryStore`: the library's built-in memory store.
* :class:`RawStorage`: calls any ``autolic_storage`` vtable from Python, slot
  by slot, returning the C codes (the conformance checks use it).
"""
import ctypes
import weakref
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple, Union

from . import _lib
from ._api import core as _c
from ._check import api
from ._lib import C
from .errors import Error


@api
def set_error(text: Union[str, bytes]) -> None:
    """Describe the failure a backend slot is returning (``autolic_storage_set_error``).

    The text becomes part of the failed call's message. A NUL in `text` is
    written as ``\\0`` (the text would end there in C); :class:`Backend` calls
    it for you with the text of the exception a slot raised.

    Args:
        text: the description.

    Raises:
        TypeError: `text` is not text.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    C.autolic_storage_set_error(b"%s", _lib.enc(str(text).replace("\0", "\\0"), "text"))


@api
def result(rc: int) -> int:
    """For a backend's own entry points run outside any library call
    (``autolic_storage_result``).

    Args:
        rc: 0 or a negative ``AUTOLIC_E*`` code.

    Returns:
        0 when `rc` is 0 (the thread's message is cleared).

    Raises:
        Error: the subclass of `rc`, whose message is the text last given to
            :func:`set_error` on this thread (or the code's static text).
        TypeError: `rc` is not an int.
    """
    return int(C.autolic_storage_result(rc))


class Backend:
    """Base class of a storage backend written in Python.

    Implement the methods below; see ``include/autolic/sys/storage.h`` for the
    contract. Keys and values are ``bytes``; keys sort as unsigned bytes.
    Raise an :class:`autolic.Error` subclass to return its code (for example
    :class:`autolic.Conflict` so that the library retries the call); any other
    exception becomes ``AUTOLIC_ESTORAGE`` with the exception's text as the
    message and is chained as the ``__cause__`` of the error the caller sees.

    Savepoints are offered to the library only when the subclass overrides
    all three of :meth:`savepoint`, :meth:`release` and :meth:`rollback_to`.
    An instance backs one database at a time; it is released with
    :meth:`close` when that database closes.
    """

    def begin(self, write: bool) -> None:
        """Start a transaction.

        Args:
            write: False for a read-only one.

        Raises:
            Error: a subclass returns its code to the library (e.g. Busy).
        """
        raise NotImplementedError

    def get(self, key: bytes) -> Optional[bytes]:
        """Read one value.

        Args:
            key: the key.

        Returns:
            The value, or None when `key` is absent.

        Raises:
            Error: a subclass returns its code to the library.
        """
        raise NotImplementedError

    def put(self, key: bytes, value: bytes) -> None:
        """Insert or replace one pair.

        Args:
            key: the key.
            value: the value.

        Raises:
            Error: a subclass returns its code (e.g. Conflict: the library retries).
        """
        raise NotImplementedError

    def delete(self, key: bytes) -> bool:
        """Delete one pair.

        Args:
            key: the key.

        Returns:
            False when `key` was absent.

        Raises:
            Error: a subclass returns its code to the library.
        """
        raise NotImplementedError

    def scan(self, start: bytes, end: Optional[bytes]) -> Iterable[Tuple[bytes, bytes]]:
        """The pairs with start <= key < end, ascending by key (unsigned bytes).

        Args:
            start: the first key.
            end: the key after the last, or None for no bound.

        Returns:
            An iterable of ``(key, value)``.

        Raises:
            Error: a subclass returns its code to the library.
        """
        raise NotImplementedError

    def commit(self) -> None:
        """Commit the transaction.

        Raises:
            Error: a subclass returns its code (Conflict: the library retries).
        """
        raise NotImplementedError

    def rollback(self) -> None:
        """Roll the transaction back.

        Raises:
            Error: a subclass returns its code to the library.
        """
        raise NotImplementedError

    def close(self) -> None:
        """Release resources; called once when the owning database closes.

        Raises:
            Exception: reported through ``sys.unraisablehook`` (it cannot
                cross into C).
        """

    def savepoint(self) -> None:
        """Open a savepoint inside the transaction (optional, with :meth:`release`
        and :meth:`rollback_to`).

        Raises:
            Error: a subclass returns its code to the library.
        """
        raise NotImplementedError

    def release(self) -> None:
        """Release (keep) the innermost savepoint.

        Raises:
            Error: a subclass returns its code to the library.
        """
        raise NotImplementedError

    def rollback_to(self) -> None:
        """Undo the changes since the innermost savepoint, and close it.

        Raises:
            Error: a subclass returns its code to the library.
        """
        raise NotImplementedError

    # ---- the vtable ----

    def has_savepoints(self) -> bool:
        """Whether the subclass implements the three savepoint methods.

        Returns:
            True when savepoints are offered to the library.

        Raises:
            Nothing.
        """
        cls = type(self)
        return all(getattr(cls, m) is not getattr(Backend, m)
                   for m in ("savepoint", "release", "rollback_to"))

    def _guard(self, fn: Callable[..., int]) -> Callable[..., int]:
        """Wrap a slot: exceptions become codes (they cannot cross into C)."""
        def slot(*args: Any) -> int:
            try:
                return fn(*args)
            except Error as e:
                _lib.set_pending_exception(e)
                set_error(str(e.message or e))
                return e.code
            except BaseException as e:
                _lib.set_pending_exception(e)
                text = "%s: %s" % (type(e).__name__, e)
                set_error(text)
                return _c.ESTORAGE
        return slot

    def _slots(self) -> Tuple[Any, List[Any]]:
        # Buffers handed to the library: the value of the last get() stays
        # referenced until the next call into the backend (storage.h).
        state: Dict[str, Any] = {"held": None}

        def begin(_ctx: Any, write: Any) -> Any:
            state["held"] = None
            self.begin(bool(write))
            return 0

        def get(_ctx: Any, k: Any, kl: Any, val_p: Any, vlen_p: Any) -> Any:
            state["held"] = None
            v = self.get(ctypes.string_at(k, kl) if kl else b"")
            if v is None:
                return _c.ENOTFOUND
            buf = ctypes.create_string_buffer(bytes(v), len(v) or 1)
            state["held"] = buf
            val_p[0] = ctypes.addressof(buf)
            vlen_p[0] = len(v)
            return 0

        def put(_ctx: Any, k: Any, kl: Any, v: Any, vl: Any) -> Any:
            state["held"] = None
            self.put(ctypes.string_at(k, kl) if kl else b"", ctypes.string_at(v, vl) if vl else b"")
            return 0

        def delete(_ctx: Any, k: Any, kl: Any) -> Any:
            state["held"] = None
            return 0 if self.delete(ctypes.string_at(k, kl) if kl else b"") else _c.ENOTFOUND

        def scan(_ctx: Any, s: Any, sl: Any, e: Any, el: Any, cb: Any, arg: Any) -> Any:
            state["held"] = None
            start = ctypes.string_at(s, sl) if sl else b""
            end = None if not e else (ctypes.string_at(e, el) if el else b"")
            for key, value in self.scan(start, end):
                kb = ctypes.create_string_buffer(bytes(key), len(key) or 1)
                vb = ctypes.create_string_buffer(bytes(value), len(value) or 1)
                rc = cb(kb, len(key), vb, len(value), arg)
                if rc:
                    return rc
            return 0

        def simple(method: Callable[[], Any]) -> Callable[[Any], int]:
            def slot(_ctx: Any) -> int:
                state["held"] = None
                method()
                return 0
            return slot

        def free(_ctx: Any) -> Any:
            state["held"] = None
            try:
                self.close()
            except BaseException:
                from .db import _report_callback_error
                _report_callback_error("storage close")

        vt = init()
        g = self._guard
        vt.begin = _c.storage_begin_fn(g(begin))
        vt.get = _c.storage_get_fn(g(get))
        vt.put = _c.storage_put_fn(g(put))
        vt.del_ = _c.storage_del_fn(g(delete))
        vt.scan = _c.storage_scan_fn(g(scan))
        vt.commit = _c.storage_ctx_fn(g(simple(self.commit)))
        vt.rollback = _c.storage_ctx_fn(g(simple(self.rollback)))
        vt.free = _c.storage_free_fn(free)
        if self.has_savepoints():
            vt.savepoint = _c.storage_ctx_fn(g(simple(self.savepoint)))
            vt.release = _c.storage_ctx_fn(g(simple(self.release)))
            vt.rollback_to = _c.storage_ctx_fn(g(simple(self.rollback_to)))
        # The ctypes callback objects live in the structure's _objects; keep
        # the backend itself too.
        return vt, [self, state]

    def _vtable(self) -> Tuple[Any, List[Any]]:
        if getattr(self, "_in_use", False):
            raise ValueError("this backend already backs a database")
        return self._slots()

    def _owned(self) -> Any:
        self._in_use = True

    def _open_failed(self) -> Any:
        pass

    def vtable(self) -> "RawStorage":
        """A :class:`RawStorage` over this backend's vtable (for testing it through C).

        Returns:
            The :class:`RawStorage`.

        Raises:
            Nothing.
        """
        vt, keep = self._slots()
        return RawStorage(vt, keep)


class RawStorage:
    """Calls an ``autolic_storage`` vtable slot by slot; methods return the C codes.

    ``free()`` calls the vtable's free slot (once). Used by the conformance
    checks; also the way to drive a native backend from Python.
    """

    def __init__(self, vt: Any, keep: Any = (), owns: bool = True) -> None:
        self.vt = vt
        self._keep = list(keep)
        self._state = {"freed": False}
        # Released when this object goes away, unless free() ran or the
        # vtable was handed to a database (detach_finalizer()).
        self._finalizer = weakref.finalize(self, RawStorage._free_vt, vt, self._state) if owns else None

    @staticmethod
    def _free_vt(vt: Any, state: Any) -> Any:
        if not state["freed"]:
            state["freed"] = True
            if vt.free:
                vt.free(vt.ctx)

    @property
    def freed(self) -> bool:
        return self._state["freed"]

    def detach_finalizer(self) -> None:
        """Stop releasing the vtable when this object goes away (a database owns it now).

        Raises:
            Nothing.
        """
        if self._finalizer is not None:
            self._finalizer.detach()

    @property
    def has_savepoints(self) -> bool:
        return bool(self.vt.savepoint)

    def begin(self, write: bool) -> int:
        """Call the begin slot.

        Args:
            write: False for a read-only transaction.

        Returns:
            The slot's code (0 or a negative ``AUTOLIC_E*``).

        Raises:
            Nothing: codes are returned.
        """
        return int(self.vt.begin(self.vt.ctx, 1 if write else 0))

    def get(self, key: bytes) -> Tuple[int, Optional[bytes]]:
        """Call the get slot.

        Args:
            key: the key.

        Returns:
            ``(0, value)``, or ``(code, None)`` (``AUTOLIC_ENOTFOUND`` when absent).

        Raises:
            Nothing: codes are returned.
        """
        p = ctypes.c_void_p()
        n = ctypes.c_size_t()
        rc = self.vt.get(self.vt.ctx, key, len(key), ctypes.byref(p), ctypes.byref(n))
        if rc:
            return rc, None
        return 0, ctypes.string_at(p.value or 0, n.value) if n.value else b""

    def put(self, key: bytes, value: bytes) -> int:
        """Call the put slot.

        Args:
            key: the key.
            value: the value.

        Returns:
            The slot's code.

        Raises:
            Nothing: codes are returned.
        """
        return int(self.vt.put(self.vt.ctx, key, len(key), value, len(value)))

    def delete(self, key: bytes) -> int:
        """Call the del slot.

        Args:
            key: the key.

        Returns:
            The slot's code (``AUTOLIC_ENOTFOUND`` when absent).

        Raises:
            Nothing: codes are returned.
        """
        return int(self.vt.del_(self.vt.ctx, key, len(key)))

    def scan(self, start: bytes, end: Optional[bytes],
             fn: Callable[[bytes, bytes], Optional[int]]) -> int:
        """Call the scan slot: ``fn(key, value)`` per pair; its non-zero int return stops it.

        Args:
            start: the first key.
            end: the key after the last, or None for no bound.
            fn: called per pair, ascending.

        Returns:
            The slot's code (or `fn`'s non-zero return).

        Raises:
            Nothing: codes are returned.
        """
        def cb(k: Any, kl: Any, v: Any, vl: Any, _arg: Any) -> int:
            return fn(ctypes.string_at(k, kl) if kl else b"", ctypes.string_at(v, vl) if vl else b"") or 0
        ccb = _c.storage_scan_cb(cb)
        return int(self.vt.scan(self.vt.ctx, start, len(start), end,
                                0 if end is None else len(end), ccb, None))

    def commit(self) -> int:
        """Call the commit slot.

        Returns:
            The slot's code.

        Raises:
            Nothing: codes are returned.
        """
        return int(self.vt.commit(self.vt.ctx))

    def rollback(self) -> int:
        """Call the rollback slot.

        Returns:
            The slot's code.

        Raises:
            Nothing: codes are returned.
        """
        return int(self.vt.rollback(self.vt.ctx))

    def savepoint(self) -> int:
        """Call the savepoint slot (check :attr:`has_savepoints` first).

        Returns:
            The slot's code.

        Raises:
            Nothing: codes are returned.
        """
        return int(self.vt.savepoint(self.vt.ctx))

    def release(self) -> int:
        """Call the release slot.

        Returns:
            The slot's code.

        Raises:
            Nothing: codes are returned.
        """
        return int(self.vt.release(self.vt.ctx))

    def rollback_to(self) -> int:
        """Call the rollback_to slot.

        Returns:
            The slot's code.

        Raises:
            Nothing: codes are returned.
        """
        return int(self.vt.rollback_to(self.vt.ctx))

    def dump(self) -> List[Tuple[bytes, bytes]]:
        """Every pair, in order, read in its own read transaction.

        Returns:
            The ``(key, value)`` pairs.

        Raises:
            RuntimeError: the begin or scan slot failed.
        """
        rc = self.begin(False)
        if rc:
            raise RuntimeError("begin failed: %d" % rc)
        pairs = []
        rc = self.scan(b"", None, lambda k, v: pairs.append((k, v)))
        self.rollback()
        if rc:
            raise RuntimeError("scan failed: %d" % rc)
        return pairs

    def free(self) -> None:
        """Call the vtable's free slot (once).

        Raises:
            Nothing.
        """
        self._free_vt(self.vt, self._state)
        self.detach_finalizer()
        self._keep = []


class MemoryStore:
    """The library's memory store (``autolic_store_memory_new``).

    Pass it to :class:`autolic.Database` (which then owns it), or drive it
    directly through :meth:`raw`. If it never backs a database it is released
    with :meth:`close` or when it and its :meth:`raw` view are gone.
    """

    def __init__(self) -> None:
        vt = _c.autolic_storage()
        C.autolic_store_memory_new(ctypes.byref(vt), None)
        self._raw = RawStorage(vt)
        self._owner_has_it = False

    def raw(self) -> RawStorage:
        """The :class:`RawStorage` over the native vtable.

        Returns:
            The :class:`RawStorage`.

        Raises:
            ValueError: the store belongs to a database now.
        """
        if self._owner_has_it:
            raise ValueError("this store belongs to a database now")
        return self._raw

    def close(self) -> None:
        """Release the store, unless a database owns it (it releases it then).

        Raises:
            Nothing.
        """
        if not self._owner_has_it:
            self._raw.free()

    def _vtable(self) -> Any:
        if self._owner_has_it or self._raw.freed:
            raise ValueError("this memory store is already in use or closed")
        return self._raw.vt, []

    def _owned(self) -> Any:
        # autolic_db_open copied the vtable; the database calls free on close.
        self._owner_has_it = True
        self._raw.detach_finalizer()

    def _open_failed(self) -> Any:
        pass


@api
def init(version: int = _c.STORAGE_VERSION) -> _c.autolic_storage:
    """An empty storage vtable (``autolic_storage_init``): `version` set,
    every slot and ``ctx`` NULL; :class:`Backend` fills its slots from here.

    Args:
        version: the vtable version; the newest this package declares by default.

    Returns:
        The ctypes ``autolic_storage`` structure.

    Raises:
        VersionError: `version` is 0 or newer than the library knows.
        TypeError: `version` is not an int.
    """
    vt = _c.autolic_storage()
    C.autolic_storage_init(ctypes.byref(vt), version)
    return vt
