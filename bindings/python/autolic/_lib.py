"""Locating the shared library and binding the declaration table.

Lookup order (the first that loads wins); no build file is read:

1. ``AUTOLIC_LIBRARY``: a path to the library. When set, nothing else is tried.
2. ``AUTOLIC_DEV_BUILD``: the name of a build directory of the source tree the
   package sits in (``AUTOLIC_DEV_BUILD=dev`` tries ``<repo>/build/dev/libautolic.so``),
   for developers running the in-tree package without installing the library.
   Only this directory is tried, and only when the variable is set.
3. Next to the package: ``libautolic.so*`` inside the ``autolic`` directory or
   beside it (where an installer or a developer may copy it).
4. The system: ``ctypes.util.find_library("autolic")`` then ``libautolic.so.1``.

Every table entry is ``(name, argtypes, restype)`` or
``(name, argtypes, restype, errcheck)``. Without an explicit errcheck, a
function whose restype is ``c_int`` raises the :mod:`autolic.errors` subclass
of its code for any negative return except ``AUTOLIC_ITEROVER`` (returned to
the caller, iterators stop on it); other restypes (void, pointers, times) are
not checked. An explicit fourth element ``None`` disables the check, a
callable is used as the ctypes errcheck, and ``_api.core.Returns((codes...))``
names codes returned to the caller instead of raised (:func:`check_allowing`).

Strict arguments (SEAM-6): the bound functions (:data:`C`) check every
argument against its declared ctypes type before the C call, so no value is
truncated or wrapped on its way into C:

* an integer parameter (``autolic_id``, ``autolic_time``, ``int64_t``,
  ``unsigned int``, ``size_t``, ``int``...) takes an ``int`` (or an object
  with ``__index__``, e.g. an ``IntEnum``) within the C type's range; out of
  range, negative for an unsigned type included, is :class:`OverflowError`;
  a non-integer is :class:`TypeError`; a ``bool`` is accepted only where the
  C type is ``int`` (the C API's flags), elsewhere it is :class:`TypeError`;
* a ``const char *`` parameter given bytes containing NUL is
  :class:`ValueError` (C would read only up to the NUL);
* the same checks run on every field of every ``ctypes.Structure`` of the
  declaration table when a field is set from Python (constructor, keyword or
  attribute), installed by :func:`check_structure` on every structure class of
  the fragments and on every structure an argument points to.

Text reaches C through :func:`enc` (ValueError on NUL, TypeError for a
non-text) and lists of text through :func:`cstr_array`.
"""
import ctypes
import ctypes.util
import glob
import operator
import os
import sys
import threading
from typing import (TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Set, Tuple,
                    Type, TypeVar, Union, overload)

from . import _api
from ._api import core as _core
from .errors import Error, ErrorNumber, ErrorObject, make_error, object_kind, unit

ENV_VAR = "AUTOLIC_LIBRARY"
DEV_ENV_VAR = "AUTOLIC_DEV_BUILD"

_HERE = os.path.dirname(os.path.abspath(__file__))
_BINDING_ROOT = os.path.dirname(_HERE)                      # bindings/python
_REPO_ROOT = os.path.dirname(os.path.dirname(_BINDING_ROOT))  # the source tree


def candidates() -> List[Tuple[str, str]]:
    """The paths or names tried, in order, as ``(origin, path)`` pairs.

    Returns:
        ``[(origin, path), ...]`` where origin is ``"AUTOLIC_LIBRARY"``,
        ``"AUTOLIC_DEV_BUILD"``, ``"package"`` or ``"system"``.

    Raises:
        ValueError: ``AUTOLIC_DEV_BUILD`` names something other than a plain
            directory name (a path or ``..``).
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return [(ENV_VAR, env)]
    out = []
    dev = os.environ.get(DEV_ENV_VAR)
    if dev:
        if os.sep in dev or (os.altsep and os.altsep in dev) or dev in (".", ".."):
            raise ValueError("%s must name a directory of <source tree>/build, not %r"
                             % (DEV_ENV_VAR, dev))
        out.append((DEV_ENV_VAR, os.path.join(_REPO_ROOT, "build", dev, "libautolic.so")))
    for d in (_HERE, _BINDING_ROOT):
        for p in sorted(glob.glob(os.path.join(d, "libautolic.so*"))):
            out.append(("package", p))
    found = ctypes.util.find_library("autolic")
    if found:
        out.append(("system", found))
    out.append(("system", "libautolic.so.1"))
    return out


def load_library() -> Tuple[ctypes.CDLL, str]:
    """Load the library from the first of :func:`candidates` that loads.

    Returns:
        ``(CDLL, path)``.

    Raises:
        OSError: no candidate loads; the message lists what was tried.
    """
    tried = []
    for origin, path in candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append("%s %s: %s" % (origin, path, e))
            if origin == ENV_VAR:
                break
    raise OSError("libautolic not found; set %s to the library's path (or %s=<build> in "
                  "the source tree). Tried:\n  %s"
                  % (ENV_VAR, DEV_ENV_VAR, "\n  ".join(tried)))


# A Python exception raised inside a callback (a storage backend written in
# Python) that made the C call fail; chained as the cause of the Error.
_pending = threading.local()


def set_pending_exception(exc: Optional[BaseException]) -> None:
    _pending.exc = exc


def _take_pending() -> Optional[BaseException]:
    exc = getattr(_pending, "exc", None)
    _pending.exc = None
    return exc


def _check_int(result: int, func: Any, args: Any) -> int:
    if result >= 0 or result == _core.ITEROVER:
        if result >= 0:
            _pending.exc = None
        return result
    # Read on the same thread, right after the failing call, before any other
    # libautolic call can overwrite it.
    err = last_error(result, func.__name__)
    cause = _take_pending()
    if cause is not None:
        raise err from cause
    raise err


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def last_error(result: int, function: Optional[str] = None) -> Error:
    """The exception for the calling thread's last failure, whose code is
    `result`: its message and, from ``autolic_error_last()``, its rule, objects
    and numbers (a library without that call gives the message alone)."""
    strerror = _text(_strerror(result))
    info = _core.autolic_error_info(version=_core.ERROR_INFO_VERSION)
    if _error_last is None or _error_last(ctypes.byref(info)) != 0:
        raw = _errmsg()
        return make_error(result, _text(raw) if raw else "", function, strerror)
    objects = [ErrorObject(object_kind(o.kind), o.id, _text(o.name))
               for o in info.objects[:min(info.object_count, _core.ERROR_OBJECTS_MAX)]]
    numbers = [ErrorNumber(_text(n.name), n.value, unit(n.unit))
               for n in info.numbers[:min(info.number_count, _core.ERROR_NUMBERS_MAX)]]
    return make_error(result, _text(info.message), function, strerror, _text(info.rule),
                      objects, numbers)


class _Namespace:
    """The bound functions, as attributes (``C.autolic_db_open``)."""

    if TYPE_CHECKING:
        def __getattr__(self, name: str) -> Any: ...

    def __repr__(self) -> str:
        return "<autolic C functions from %s>" % (library_path,)


#: The ctypes function objects themselves (argtypes, restype, errcheck set).
RAW = _Namespace()


def check_allowing(*codes: int) -> Callable[[int, Any, Any], int]:
    """An errcheck like the default one, except that the negative `codes` are
    returned to the caller instead of raised (e.g. ``AUTOLIC_EDUPLICATE``,
    which ``autolic_flex_report`` returns with the first result filled)."""
    allowed = frozenset(codes)

    def check(result: int, func: Any, args: Any) -> int:
        if result in allowed:
            _pending.exc = None
            return result
        return _check_int(result, func, args)
    return check


# ---- strict arguments (SEAM-6) ----

_INT_CODES = "bBhHiIlLqQ"


def int_range(ctype: Any) -> Optional[Tuple[int, int]]:
    """``(low, high)`` of an integer ctypes type, or None for any other type."""
    code = getattr(ctype, "_type_", None)
    if not isinstance(code, str) or code not in _INT_CODES:
        return None
    bits = 8 * ctypes.sizeof(ctype)
    if code.islower():
        return -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return 0, (1 << bits) - 1


def _c_type_name(ctype: Any) -> str:
    if ctype._type_ == "i":
        return "int"
    if ctype._type_ == "I":
        return "unsigned int"
    lo, _hi = int_range(ctype) or (0, 0)
    return "%sint%d" % ("" if lo else "u", 8 * ctypes.sizeof(ctype))


def _int_checker(ctype: Any, what: str) -> Callable[[Any], Any]:
    lo, hi = int_range(ctype) or (0, 0)
    bool_ok = ctype._type_ == "i"  # the C API's int flags (auto_renew, offered...)
    cname = _c_type_name(ctype)

    def check(value: Any) -> Any:
        if isinstance(value, ctypes._SimpleCData):
            return value  # already a C value; ctypes checks its type
        if isinstance(value, bool) and not bool_ok:
            raise TypeError("%s: a bool is not a %s" % (what, cname))
        try:
            v = operator.index(value)
        except TypeError:
            raise TypeError("%s must be an integer (%s), not %s"
                            % (what, cname, type(value).__name__)) from None
        if not lo <= v <= hi:
            raise OverflowError("%s: %d is out of range for %s [%d, %d]" % (what, v, cname, lo, hi))
        return v
    return check


def _no_nul(value: Any, what: str) -> Any:
    if isinstance(value, (bytes, bytearray)) and b"\0" in value:
        raise ValueError("%s contains a NUL byte (C would truncate it there)" % what)
    return value


def _checker(ctype: Any, what: str) -> Optional[Callable[[Any], Any]]:
    """The check for one parameter or field of type `ctype`, or None."""
    if int_range(ctype) is not None:
        return _int_checker(ctype, what)
    if ctype is ctypes.c_char_p:
        return lambda v: _no_nul(v, what)
    if isinstance(ctype, type) and issubclass(ctype, ctypes.Array) \
            and getattr(ctype, "_type_", None) is ctypes.c_char:
        return lambda v: _no_nul(v, what)
    return None


#: Every structure class whose fields are checked when set from Python.
CHECKED_STRUCTURES: Set[type] = set()


def check_structure(cls: Any) -> Any:
    """Make every field of the ctypes structure (or union) `cls` checked when set
    from Python (integers in range, no NUL in text); nested structures and
    structures pointed to are checked too. Idempotent; returns `cls`."""
    if not (isinstance(cls, type) and issubclass(cls, (ctypes.Structure, ctypes.Union))) \
            or cls.__module__.startswith(("ctypes", "_ctypes")):
        return cls
    if cls in CHECKED_STRUCTURES:
        return cls
    CHECKED_STRUCTURES.add(cls)
    checks: Dict[str, Callable[[Any], Any]] = {}
    for field in getattr(cls, "_fields_", ()):
        fname, ftype = field[0], field[1]
        chk = _checker(ftype, "%s.%s" % (cls.__name__, fname))
        if chk is not None:
            checks[fname] = chk
        _check_nested(ftype)

    def __setattr__(self: Any, name: str, value: Any) -> None:
        chk = checks.get(name)
        if chk is not None:
            value = chk(value)
        super(cls, self).__setattr__(name, value)
    setattr(cls, "__setattr__", __setattr__)
    return cls


def _check_nested(ctype: Any) -> None:
    """Install the structure checks on a structure reached through `ctype`
    (itself, a pointer to it, an array of it)."""
    seen = 0
    while isinstance(ctype, type) and seen < 8:
        if issubclass(ctype, (ctypes.Structure, ctypes.Union)):
            check_structure(ctype)
            return
        if issubclass(ctype, (ctypes._Pointer, ctypes.Array)):
            ctype = getattr(ctype, "_type_")
            seen += 1
            continue
        return


def _bind(lib: ctypes.CDLL) -> Tuple[_Namespace, Dict[str, Tuple[str, Tuple[Any, ...]]], List[str]]:
    table = _api.collect()
    for mod in _api.modules():
        for obj in list(vars(mod).values()):
            _check_nested(obj)
    params: Dict[str, Sequence[str]] = {}
    for mod in _api.modules():
        params.update(getattr(mod, "PARAMS", {}))
    ns = _Namespace()
    missing = []
    for name, (_mod, decl) in table.items():
        try:
            f: Any = lib[name]
        except AttributeError:
            missing.append(name)
            continue
        f.__name__ = name
        f.argtypes = list(decl[1])
        f.restype = decl[2]
        if len(decl) == 4:
            if isinstance(decl[3], _core.Returns):
                f.errcheck = check_allowing(*decl[3])
            elif decl[3] is not None:
                f.errcheck = decl[3]
        elif decl[2] is ctypes.c_int:
            f.errcheck = _check_int
        for t in decl[1]:
            _check_nested(t)
        setattr(RAW, name, f)
        setattr(ns, name, _checked_call(f, decl[1], params.get(name, ())))
    return ns, table, missing


def _checked_call(f: Any, argtypes: Sequence[Any],
                  names: Sequence[str] = ()) -> Callable[..., Any]:
    """The function as :data:`C` exposes it: every argument checked against its
    declared type before the call (see the module's doc), extra arguments of a
    variadic function refused when they are bytes with a NUL; passing a closed
    handle (ctypes raises ArgumentError from its ``_as_parameter_``) is
    reported as :class:`autolic.Closed`. Messages name the parameter by its
    header name (`names`, the fragment's ``PARAMS``), e.g.
    ``autolic_seat_grant(): user must be an integer (uint64), not str``."""
    from ._handle import Handle
    from .errors import Closed
    name = f.__name__
    def what(i: int) -> str:
        if i < len(names):
            return "%s(): %s" % (name, names[i])
        return "%s(): argument %d" % (name, i + 1)
    checks = [_checker(t, what(i)) for i, t in enumerate(argtypes)]
    n = len(checks)
    checked = any(c is not None for c in checks)

    def call(*args: Any) -> Any:
        values = list(args)
        if checked or len(values) > n:
            for i, a in enumerate(values):
                if i < n:
                    chk = checks[i]
                    if chk is not None:
                        values[i] = chk(a)
                else:
                    _no_nul(a, what(i))
        try:
            return f(*values)
        except ctypes.ArgumentError:
            for a in values:
                if isinstance(a, Handle) and a.closed:
                    raise Closed("%s: %s is closed" % (name, type(a).__name__)) from None
            raise
    call.__name__ = call.__qualname__ = name
    setattr(call, "raw", f)
    setattr(call, "checks", checks)
    return call


lib, library_path = load_library()
_errmsg = lib["autolic_errmsg"]
_errmsg.argtypes, _errmsg.restype = [], ctypes.c_char_p
_strerror = lib["autolic_strerror"]
_strerror.argtypes, _strerror.restype = [ctypes.c_int], ctypes.c_char_p
_error_last: Optional[Any]
try:
    _error_last = lib["autolic_error_last"]
    _error_last.argtypes = [ctypes.POINTER(_core.autolic_error_info)]
    _error_last.restype = ctypes.c_int
except AttributeError:  # a 1.0 library
    _error_last = None

#: The bound functions: ``C.autolic_account_get(db, id, byref(info))``.
#: ``TABLE`` maps each name to ``(fragment module, declaration)``;
#: ``MISSING`` lists declared names this library does not export.
C, TABLE, MISSING = _bind(lib)


def enc(s: Union[str, bytes, None], what: str = "argument") -> Optional[bytes]:
    """str/bytes/None -> bytes/None for ``const char *`` arguments (UTF-8).

    Text holding a NUL character is refused with ValueError (SEAM-6): C would
    read only up to it, so ``"a@example.com\\0tail"`` would name another person.
    """
    if s is None:
        return None
    if isinstance(s, str):
        if "\0" in s:
            raise ValueError("%s contains a NUL character (SEAM-6: it would be truncated)"
                             % what)
        return s.encode("utf-8")
    if isinstance(s, bytes):
        if b"\0" in s:
            raise ValueError("%s contains a NUL byte (SEAM-6: it would be truncated)" % what)
        return s
    raise TypeError("%s must be str, not %s" % (what, type(s).__name__))


def cstr_array(items: Sequence[Union[str, bytes]],
               what: str = "argument") -> Tuple[Any, int]:
    """A list of str/bytes -> ``(char *[] or None, count)`` for a ``const char *const *``
    argument; every item goes through :func:`enc` (None items are refused)."""
    names = []
    for i, item in enumerate(items):
        if item is None:
            raise TypeError("%s[%d] must be str, not None" % (what, i))
        names.append(enc(item, "%s[%d]" % (what, i)))
    if not names:
        return None, 0
    return (ctypes.c_char_p * len(names))(*names), len(names)


def int_array(ctype: Any, items: Sequence[int], what: str = "argument") -> Tuple[Any, int]:
    """A list of ints -> ``(ctype[] or None, count)`` for a ``const <integer> *``
    argument; every item is range-checked for `ctype` as a scalar argument is."""
    values = [_int_checker(ctype, "%s[%d]" % (what, i))(v) for i, v in enumerate(items)]
    if not values:
        return None, 0
    return (ctype * len(values))(*values), len(values)


@overload
def dec(b: bytes) -> str: ...
@overload
def dec(b: None) -> None: ...


def dec(b: Optional[bytes]) -> Optional[str]:
    """bytes/None from the library -> str/None (UTF-8)."""
    return None if b is None else b.decode("utf-8", "replace")


_S = TypeVar("_S", bound=ctypes.Structure)


def struct_init(cls: Type[_S], init: Callable[..., Any], version: int) -> _S:
    """A new `cls` filled by its C ``_init(s, version)`` function `init`: the
    library's defaults (its ``_INIT`` macro), never the package's own."""
    s = cls()
    init(ctypes.byref(s), version)
    return s


def name_of(fn: Callable[[int], Optional[bytes]], value: int) -> str:
    """The text a C ``_name()`` function `fn` gives `value` ("unknown" for a
    value the library does not know)."""
    return dec(fn(value)) or "unknown"


__all__ = ["C", "RAW", "TABLE", "MISSING", "lib", "library_path", "candidates", "load_library",
           "enc", "dec", "name_of", "struct_init", "cstr_array", "int_array", "check_structure", "check_allowing", "int_range",
           "CHECKED_STRUCTURES", "ENV_VAR", "DEV_ENV_VAR"]
if sys.flags.dev_mode and MISSING:
    import warnings
    warnings.warn("libautolic at %s lacks declared functions: %s" % (library_path, ", ".join(MISSING)))
