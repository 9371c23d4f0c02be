"""Storage backends: written in Python through the vtable, or native ones.

* :class:`Backend`: subclass it to write a backend in Python; it is exposed to
  the library as an ``autolic_storage`` vtable of ctypes callbacks.
* :class:`MemoryStore`: the library's built-in memory store.
* :class:`RawStorage`: calls any ``autolic_storage`` vtable from Python, slot
  by slot, returning the C codes (the conformance checks use it).
"""
import ctypes
import weakref

from . import _lib
from ._api import core as _c
from ._lib import C
from .errors import Error


def set_error(text):
    """Describe the failure a backend slot is returning (``autolic_storage_set_error``):
    the text becomes part of the failed call's message. A NUL in `text` is written
    as ``\\0`` (the text would end there in C); :class:`Backend` calls it for you
    with the text of the exception a slot raised."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    C.autolic_storage_set_error(b"%s", _lib.enc(str(text).replace("\0", "\\0"), "text"))


def result(rc):
    """For a backend's own entry points run outside any library call
    (``autolic_storage_result``): returns 0 when `rc` is 0 (the thread's message
    is cleared), else raises the :class:`autolic.Error` subclass of `rc` whose
    message is the text last given to :func:`set_error` on this thread (or the
    code's static text)."""
    return C.autolic_storage_result(rc)


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

    def begin(self, write):
        """Start a transaction; `write` is False for a read-only one."""
        raise NotImplementedError

    def get(self, key):
        """The value of `key` as bytes, or None when absent."""
        raise NotImplementedError

    def put(self, key, value):
        """Insert or replace."""
        raise NotImplementedError

    def delete(self, key):
        """Delete `key`; return False when it was absent."""
        raise NotImplementedError

    def scan(self, start, end):
        """Yield ``(key, value)`` for start <= key < end (end None: no bound), ascending."""
        raise NotImplementedError

    def commit(self):
        raise NotImplementedError

    def rollback(self):
        raise NotImplementedError

    def close(self):
        """Release resources; called once when the owning database closes."""

    def savepoint(self):
        raise NotImplementedError

    def release(self):
        raise NotImplementedError

    def rollback_to(self):
        raise NotImplementedError

    # ---- the vtable ----

    def has_savepoints(self):
        cls = type(self)
        return all(getattr(cls, m) is not getattr(Backend, m)
                   for m in ("savepoint", "release", "rollback_to"))

    def _guard(self, fn):
        """Wrap a slot: exceptions become codes (they cannot cross into C)."""
        def slot(*args):
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

    def _slots(self):
        # Buffers handed to the library: the value of the last get() stays
        # referenced until the next call into the backend (storage.h).
        state = {"held": None}

        def begin(_ctx, write):
            state["held"] = None
            self.begin(bool(write))
            return 0

        def get(_ctx, k, kl, val_p, vlen_p):
            state["held"] = None
            v = self.get(ctypes.string_at(k, kl) if kl else b"")
            if v is None:
                return _c.ENOTFOUND
            buf = ctypes.create_string_buffer(bytes(v), len(v) or 1)
            state["held"] = buf
            val_p[0] = ctypes.addressof(buf)
            vlen_p[0] = len(v)
            return 0

        def put(_ctx, k, kl, v, vl):
            state["held"] = None
            self.put(ctypes.string_at(k, kl) if kl else b"", ctypes.string_at(v, vl) if vl else b"")
            return 0

        def delete(_ctx, k, kl):
            state["held"] = None
            return 0 if self.delete(ctypes.string_at(k, kl) if kl else b"") else _c.ENOTFOUND

        def scan(_ctx, s, sl, e, el, cb, arg):
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

        def simple(method):
            def slot(_ctx):
                state["held"] = None
                method()
                return 0
            return slot

        def free(_ctx):
            state["held"] = None
            try:
                self.close()
            except BaseException:
                from .db import _report_callback_error
                _report_callback_error("storage close")

        vt = _c.autolic_storage()
        vt.version = _c.STORAGE_VERSION
        vt.ctx = None
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

    def _vtable(self):
        if getattr(self, "_in_use", False):
            raise ValueError("this backend already backs a database")
        return self._slots()

    def _owned(self):
        self._in_use = True

    def _open_failed(self):
        pass

    def vtable(self):
        """A :class:`RawStorage` over this backend's vtable (for testing it through C)."""
        vt, keep = self._slots()
        return RawStorage(vt, keep)


class RawStorage:
    """Calls an ``autolic_storage`` vtable slot by slot; methods return the C codes.

    ``free()`` calls the vtable's free slot (once). Used by the conformance
    checks; also the way to drive a native backend from Python.
    """

    def __init__(self, vt, keep=(), owns=True):
        self.vt = vt
        self._keep = list(keep)
        self._state = {"freed": False}
        # Released when this object goes away, unless free() ran or the
        # vtable was handed to a database (detach_finalizer()).
        self._finalizer = weakref.finalize(self, RawStorage._free_vt, vt, self._state) if owns else None

    @staticmethod
    def _free_vt(vt, state):
        if not state["freed"]:
            state["freed"] = True
            if vt.free:
                vt.free(vt.ctx)

    @property
    def freed(self):
        return self._state["freed"]

    def detach_finalizer(self):
        if self._finalizer is not None:
            self._finalizer.detach()

    @property
    def has_savepoints(self):
        return bool(self.vt.savepoint)

    def begin(self, write):
        return self.vt.begin(self.vt.ctx, 1 if write else 0)

    def get(self, key):
        p = ctypes.c_void_p()
        n = ctypes.c_size_t()
        rc = self.vt.get(self.vt.ctx, key, len(key), ctypes.byref(p), ctypes.byref(n))
        if rc:
            return rc, None
        return 0, ctypes.string_at(p.value, n.value) if n.value else b""

    def put(self, key, value):
        return self.vt.put(self.vt.ctx, key, len(key), value, len(value))

    def delete(self, key):
        return self.vt.del_(self.vt.ctx, key, len(key))

    def scan(self, start, end, fn):
        """Call ``fn(key, value)`` per pair; its non-zero int return stops the scan."""
        def cb(k, kl, v, vl, _arg):
            return fn(ctypes.string_at(k, kl) if kl else b"", ctypes.string_at(v, vl) if vl else b"") or 0
        ccb = _c.storage_scan_cb(cb)
        return self.vt.scan(self.vt.ctx, start, len(start), end, 0 if end is None else len(end), ccb, None)

    def commit(self):
        return self.vt.commit(self.vt.ctx)

    def rollback(self):
        return self.vt.rollback(self.vt.ctx)

    def savepoint(self):
        return self.vt.savepoint(self.vt.ctx)

    def release(self):
        return self.vt.release(self.vt.ctx)

    def rollback_to(self):
        return self.vt.rollback_to(self.vt.ctx)

    def dump(self):
        """Every pair, in order, read in its own read transaction."""
        rc = self.begin(False)
        if rc:
            raise RuntimeError("begin failed: %d" % rc)
        pairs = []
        rc = self.scan(b"", None, lambda k, v: pairs.append((k, v)))
        self.rollback()
        if rc:
            raise RuntimeError("scan failed: %d" % rc)
        return pairs

    def free(self):
        """Call the vtable's free slot (once)."""
        self._free_vt(self.vt, self._state)
        self.detach_finalizer()
        self._keep = []


class MemoryStore:
    """The library's memory store (``autolic_store_memory_new``).

    Pass it to :class:`autolic.Database` (which then owns it), or drive it
    directly through :meth:`raw`. If it never backs a database it is released
    with :meth:`close` or when it and its :meth:`raw` view are gone.
    """

    def __init__(self):
        vt = _c.autolic_storage()
        C.autolic_store_memory_new(ctypes.byref(vt), None)
        self._raw = RawStorage(vt)
        self._owner_has_it = False

    def raw(self):
        """The :class:`RawStorage` over the native vtable."""
        if self._owner_has_it:
            raise ValueError("this store belongs to a database now")
        return self._raw

    def close(self):
        if not self._owner_has_it:
            self._raw.free()

    def _vtable(self):
        if self._owner_has_it or self._raw.freed:
            raise ValueError("this memory store is already in use or closed")
        return self._raw.vt, []

    def _owned(self):
        # autolic_db_open copied the vtable; the database calls free on close.
        self._owner_has_it = True
        self._raw.detach_finalizer()

    def _open_failed(self):
        pass
