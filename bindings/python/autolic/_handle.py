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
from typing import Any, Callable, Iterator, List, Optional, TypeVar

from .errors import Closed


class Resource:
    __slots__ = ("ptr", "release", "parent", "children", "keep", "name", "_lock", "__weakref__")

    def __init__(self, ptr: int, release: Optional[Callable[[int], Any]],
                 parent: "Optional[Resource]" = None, keep: Any = (),
                 name: str = "handle") -> None:
        self.ptr: Optional[int] = ptr
        self.release = release
        self.parent: Optional[Resource] = parent
        self.children: List[Resource] = []
        self.keep = list(keep)
        self.name = name
        self._lock = threading.RLock()
        if parent is not None:
            with parent._lock:
                if parent.ptr is None:
                    raise Closed("the parent %s is closed" % parent.name)
                parent.children.append(self)

    @property
    def closed(self) -> bool:
        return self.ptr is None

    def get(self) -> int:
        """The native pointer; raises :class:`Closed` when closed."""
        ptr = self.ptr
        if ptr is None:
            raise Closed("%s is closed" % self.name)
        return ptr

    def close(self) -> None:
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


_T = TypeVar("_T")
_H = TypeVar("_H", bound="Handle")


class Handle:
    """Base of the Python classes that wrap a native handle.

    Subclasses call :meth:`_adopt` once the native object exists. The handle
    can be passed directly to ctypes functions whose argtype is ``c_void_p``
    (``_as_parameter_``); a closed handle raises :class:`Closed` instead of
    passing a dangling pointer.
    """

    _res: Optional[Resource] = None
    _finalizer: Optional[weakref.finalize] = None

    def _adopt(self, ptr: int, release: Optional[Callable[[int], Any]],
               parent: "Optional[Handle]" = None, keep: Any = (),
               name: Optional[str] = None) -> Resource:
        res = Resource(ptr, release, parent._res if parent is not None else None, keep,
                       name or type(self).__name__)
        self._res = res
        self._finalizer = weakref.finalize(self, res.close)
        return res

    @property
    def _as_parameter_(self) -> int:
        if self._res is None:
            raise Closed("%s is not open" % type(self).__name__)
        return self._res.get()

    @property
    def closed(self) -> bool:
        return self._res is None or self._res.closed

    def close(self) -> None:
        """Release the native object (children first). Idempotent."""
        if self._res is not None:
            self._res.close()

    def __enter__(self: _H) -> _H:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def iterate(parent: Handle, open_fn: Callable[[Any], Any], step: Callable[[int], Optional[_T]],
            free_fn: Callable[[int], Any], name: str = "iterator") -> Iterator[_T]:
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

    def gen() -> Iterator[_T]:
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
