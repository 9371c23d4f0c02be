"""Native handle ownership: a small registry that closes children before parents.

Every native object (a database, an iterator, any future handle) is owned by
a :class:`Resource`. Resources form a tree that does not reference the Python
wrapper objects, so a finalizer can run in any order (garbage cycles,
interpreter exit) and still release children first:

* a child resource keeps its parent alive (strong reference);
* a parent keeps its open children (strong references) and closes them,
  newest first, before releasing itself;
* closing is idempotent and thread-safe.

Python objects that native code may call back into (ctypes callbacks,
vtables, storage backends) go in ``Resource.keep`` and are dropped only after
the native release function returned.
"""
import threading
import weakref

from .errors import Closed


class Resource:
    __slots__ = ("ptr", "release", "parent", "children", "keep", "name", "_lock", "__weakref__")

    def __init__(self, ptr, release, parent=None, keep=(), name="handle"):
        self.ptr = ptr
        self.release = release
        self.parent = parent
        self.children = []
        self.keep = list(keep)
        self.name = name
        self._lock = threading.RLock()
        if parent is not None:
            with parent._lock:
                if parent.ptr is None:
                    raise Closed("the parent %s is closed" % parent.name)
                parent.children.append(self)

    @property
    def closed(self):
        return self.ptr is None

    def get(self):
        """The native pointer; raises :class:`Closed` when closed."""
        ptr = self.ptr
        if ptr is None:
            raise Closed("%s is closed" % self.name)
        return ptr

    def close(self):
        with self._lock:
            if self.ptr is None:
                return
            while self.children:
                self.children.pop().close()  # newest first
            ptr, self.ptr = self.ptr, None
            try:
                if self.release is not None:
                    self.release(ptr)
            finally:
                self.keep = []
        parent = self.parent
        if parent is not None:
            with parent._lock:
                try:
                    parent.children.remove(self)
                except ValueError:
                    pass
            self.parent = None


class Handle:
    """Base of the Python classes that wrap a native handle.

    Subclasses call :meth:`_adopt` once the native object exists. The handle
    can be passed directly to ctypes functions whose argtype is ``c_void_p``
    (``_as_parameter_``); a closed handle raises :class:`Closed` instead of
    passing a dangling pointer.
    """

    _res = None
    _finalizer = None

    def _adopt(self, ptr, release, parent=None, keep=(), name=None):
        res = Resource(ptr, release, parent._res if parent is not None else None, keep,
                       name or type(self).__name__)
        self._res = res
        self._finalizer = weakref.finalize(self, res.close)
        return res

    @property
    def _as_parameter_(self):
        if self._res is None:
            raise Closed("%s is not open" % type(self).__name__)
        return self._res.get()

    @property
    def closed(self):
        return self._res is None or self._res.closed

    def close(self):
        """Release the native object (children first). Idempotent."""
        if self._res is not None:
            self._res.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def iterate(parent, open_fn, step, free_fn, name="iterator"):
    """Run a native iterator as a generator, registered as a child of `parent`.

    Args:
        parent: the owning :class:`Handle` (usually the Database).
        open_fn: ``open_fn(out)`` creates the iterator, writing its pointer to
            ``out`` (a ``ctypes.c_void_p``; pass ``ctypes.byref(out)``). It
            raises on failure (the table's errcheck does).
        step: ``step(it_ptr)`` advances: returns the next item, or ``None``
            when the C function returned ``AUTOLIC_ITEROVER``.
        free_fn: ``free_fn(it_ptr)`` releases the iterator.

    The iterator is freed when the generator is exhausted, closed, garbage
    collected, or when `parent` is closed first; advancing it after the
    parent was closed raises :class:`Closed`.
    """
    import ctypes
    out = ctypes.c_void_p()
    open_fn(out)
    if not out.value:
        raise ValueError("%s: the open function returned no iterator" % name)
    try:
        res = Resource(out.value, free_fn, parent._res, name=name)
    except Closed:
        free_fn(out.value)
        raise

    def gen():
        try:
            while True:
                item = step(res.get())
                if item is None:
                    return
                yield item
        finally:
            res.close()

    g = gen()
    # A generator dropped before its first step never runs its finally.
    weakref.finalize(g, res.close)
    return g
