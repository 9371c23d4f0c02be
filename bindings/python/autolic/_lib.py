"""Locating the shared library and binding the declaration table.

Lookup order (the first that loads wins):

1. ``AUTOLIC_LIBRARY``: a path to the library. When set, nothing else is tried.
2. Next to the package: ``libautolic.so*`` inside the ``autolic`` directory or
   beside it (where an installer or a developer may copy it).
3. The build tree, for developers: ``<repo>/build/*/libautolic.so`` relative to
   ``bindings/python``, newest first, skipping sanitizer builds (they cannot be
   loaded into a plain interpreter).
4. The system: ``ctypes.util.find_library("autolic")`` then ``libautolic.so.1``.

Every table entry is ``(name, argtypes, restype)`` or
``(name, argtypes, restype, errcheck)``. Without an explicit errcheck, a
function whose restype is ``c_int`` raises the :mod:`autolic.errors` subclass
of its code for any negative return except ``AUTOLIC_ITEROVER`` (returned to
the caller, iterators stop on it); other restypes (void, pointers, times) are
not checked. An explicit fourth element ``None`` disables the check, a
callable is used as the ctypes errcheck.
"""
import ctypes
import ctypes.util
import glob
import os
import sys
import threading

from . import _api
from ._api import core as _core
from .errors import make_error

ENV_VAR = "AUTOLIC_LIBRARY"

_HERE = os.path.dirname(os.path.abspath(__file__))
_BINDING_ROOT = os.path.dirname(_HERE)                      # bindings/python
_REPO_ROOT = os.path.dirname(os.path.dirname(_BINDING_ROOT))  # the source tree


def _is_sanitizer_build(build_dir):
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt"), encoding="utf-8", errors="replace") as f:
            return "-fsanitize" in f.read()
    except OSError:
        return False


def candidates():
    """The paths or names tried, in order, as ``(origin, path)`` pairs."""
    env = os.environ.get(ENV_VAR)
    if env:
        return [(ENV_VAR, env)]
    out = []
    for d in (_HERE, _BINDING_ROOT):
        for p in sorted(glob.glob(os.path.join(d, "libautolic.so*"))):
            out.append(("package", p))
    built = []
    in_source_tree = os.path.exists(os.path.join(_REPO_ROOT, "include", "autolic", "common.h"))
    for p in glob.glob(os.path.join(_REPO_ROOT, "build", "*", "libautolic.so")) if in_source_tree else ():
        if not _is_sanitizer_build(os.path.dirname(p)):
            built.append(p)
    built.sort(key=lambda p: os.path.getmtime(p), reverse=True)
    out.extend(("build tree", p) for p in built)
    found = ctypes.util.find_library("autolic")
    if found:
        out.append(("system", found))
    out.append(("system", "libautolic.so.1"))
    return out


def load_library():
    """Load the library; returns ``(CDLL, path)``. Raises OSError listing what was tried."""
    tried = []
    for origin, path in candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append("%s %s: %s" % (origin, path, e))
            if origin == ENV_VAR:
                break
    raise OSError("libautolic not found; set %s to the library's path. Tried:\n  %s"
                  % (ENV_VAR, "\n  ".join(tried)))


# A Python exception raised inside a callback (a storage backend written in
# Python) that made the C call fail; chained as the cause of the Error.
_pending = threading.local()


def set_pending_exception(exc):
    _pending.exc = exc


def _take_pending():
    exc = getattr(_pending, "exc", None)
    _pending.exc = None
    return exc


def _check_int(result, func, args):
    if result >= 0 or result == _core.ITEROVER:
        if result >= 0:
            _pending.exc = None
        return result
    # Read on the same thread, right after the failing call, before any other
    # libautolic call can overwrite it.
    raw = _errmsg()
    msg = raw.decode("utf-8", "replace") if raw else ""
    err = make_error(result, msg, func.__name__, _strerror(result).decode("utf-8", "replace"))
    cause = _take_pending()
    if cause is not None:
        raise err from cause
    raise err


class _Namespace:
    """The bound functions, as attributes (``C.autolic_db_open``)."""

    def __repr__(self):
        return "<autolic C functions from %s>" % (library_path,)


#: The ctypes function objects themselves (argtypes, restype, errcheck set).
RAW = _Namespace()


def _bind(lib):
    table = _api.collect()
    ns = _Namespace()
    missing = []
    for name, (_mod, decl) in table.items():
        try:
            f = lib[name]
        except AttributeError:
            missing.append(name)
            continue
        f.__name__ = name
        f.argtypes = list(decl[1])
        f.restype = decl[2]
        if len(decl) == 4:
            if decl[3] is not None:
                f.errcheck = decl[3]
        elif decl[2] is ctypes.c_int:
            f.errcheck = _check_int
        setattr(RAW, name, f)
        setattr(ns, name, _closed_aware(f))
    return ns, table, missing


def _closed_aware(f):
    """Passing a closed handle makes ctypes raise ArgumentError (from the
    handle's ``_as_parameter_``); report it as :class:`autolic.Closed`."""
    from ._handle import Closed, Handle

    def call(*args):
        try:
            return f(*args)
        except ctypes.ArgumentError:
            for a in args:
                if isinstance(a, Handle) and a.closed:
                    raise Closed("%s: %s is closed" % (f.__name__, type(a).__name__)) from None
            raise
    call.__name__ = call.__qualname__ = f.__name__
    call.raw = f
    return call


lib, library_path = load_library()
_errmsg = lib["autolic_errmsg"]
_errmsg.argtypes, _errmsg.restype = [], ctypes.c_char_p
_strerror = lib["autolic_strerror"]
_strerror.argtypes, _strerror.restype = [ctypes.c_int], ctypes.c_char_p

#: The bound functions: ``C.autolic_account_get(db, id, byref(info))``.
#: ``TABLE`` maps each name to ``(fragment module, declaration)``;
#: ``MISSING`` lists declared names this library does not export.
C, TABLE, MISSING = _bind(lib)


def enc(s, what="argument"):
    """str/bytes/None -> bytes/None for ``const char *`` arguments (UTF-8)."""
    if s is None or isinstance(s, bytes):
        return s
    if isinstance(s, str):
        return s.encode("utf-8")
    raise TypeError("%s must be str, not %s" % (what, type(s).__name__))


def dec(b):
    """bytes/None from the library -> str/None (UTF-8)."""
    return None if b is None else b.decode("utf-8", "replace")


__all__ = ["C", "RAW", "TABLE", "MISSING", "lib", "library_path", "candidates", "load_library",
           "enc", "dec", "ENV_VAR"]
if sys.flags.dev_mode and MISSING:
    import warnings
    warnings.warn("libautolic at %s lacks declared functions: %s" % (library_path, ", ".join(MISSING)))
