"""Argument checks by name, from the type annotations of the public functions.

Every public function of the noun modules is decorated with :func:`api`. Before
the body runs, each argument is checked against the parameter's annotation, so
a wrong type is reported with the function's and the parameter's names
(``seat.grant(): user must be int, not str``) instead of surfacing later as a
``ctypes.ArgumentError`` or a message naming the C argument's position.

What is checked (anything else is left to the body and to the strict layer of
:mod:`autolic._lib`, which checks ranges and NUL bytes):

* ``int`` (and an ``enum.IntEnum``): an ``int`` or an object with
  ``__index__``; ``bool`` is refused (``True`` is no identifier);
* ``bool``: a ``bool`` or an ``int`` (C flags);
* ``str``: a ``str`` or ``bytes``;
* ``datetime``: a ``datetime``;
* a class (``Database``...): an instance of it;
* ``Optional[...]`` / ``Union[...]``: any of the members;
* generic aliases (``Sequence[str]``, ``Iterable[...]``, ``Callable``...) are
  not checked here.
"""
import datetime as _dt
import enum
import functools
import inspect
import operator
import typing
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar, Union

F = TypeVar("F", bound=Callable[..., Any])

#: A time: a timezone-aware ``datetime`` or ``int`` UTC seconds (see :func:`autolic.to_time`).
TimeLike = Union[_dt.datetime, int]

_Check = Callable[[Any], bool]


def _is_int(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return True
    try:
        operator.index(v)
    except TypeError:
        return False
    return True


def _is_bool(v: Any) -> bool:
    return isinstance(v, int)


def _is_text(v: Any) -> bool:
    return isinstance(v, (str, bytes))


def _describe(hint: Any) -> str:
    if hint is type(None):
        return "None"
    if typing.get_origin(hint) is Union:
        return " or ".join(_describe(a) for a in typing.get_args(hint))
    if isinstance(hint, type):
        return hint.__name__
    return str(hint)


def _origin(hint: Any) -> Any:
    return typing.get_origin(hint)


def _checker(hint: Any) -> Optional[_Check]:
    """The test of one annotation, or None when it is not checked."""
    if hint is Any:
        return None
    if _origin(hint) is Union:
        parts = [_checker(a) for a in typing.get_args(hint)]
        if any(p is None for p in parts):
            return None
        checks = [p for p in parts if p is not None]
        return lambda v: any(c(v) for c in checks)
    if hint is type(None):
        return lambda v: v is None
    if hint is bool:
        return _is_bool
    if hint is int or (isinstance(hint, type) and issubclass(hint, enum.IntEnum)):
        return _is_int
    if hint is str:
        return _is_text
    if isinstance(hint, type) and _origin(hint) is None:
        cls = hint
        return lambda v: isinstance(v, cls)
    return None


def _kind(v: Any) -> str:
    return "None" if v is None else type(v).__name__


def api(fn: F) -> F:
    """Decorate a public function: its arguments are checked against its
    annotations before it runs (see the module's doc).

    Args:
        fn: the function; its annotations are resolved on the first call.

    Returns:
        The checking wrapper (``functools.wraps``: name, docstring, signature).

    Raises:
        TypeError: at call time, an argument does not match its annotation;
            the message names the function and the parameter.
    """
    module = fn.__module__.rsplit(".", 1)[-1]
    where = "%s.%s()" % (module, fn.__name__) if module != "autolic" else "%s()" % fn.__name__
    params = [p for p in inspect.signature(fn).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    table: List[Tuple[str, Optional[_Check], str]] = []
    by_name: Dict[str, Tuple[Optional[_Check], str]] = {}
    ready = []

    def prepare() -> None:
        try:
            hints = typing.get_type_hints(fn)
        except Exception:  # an annotation this interpreter cannot evaluate: leave it unchecked
            hints = {k: v for k, v in getattr(fn, "__annotations__", {}).items()
                     if not isinstance(v, str)}
        for p in params:
            hint = hints.get(p.name, Any)
            entry = (_checker(hint), _describe(hint))
            table.append((p.name,) + entry)
            by_name[p.name] = entry
        ready.append(True)

    def fail(name: str, what: str, value: Any) -> TypeError:
        return TypeError("%s: %s must be %s, not %s" % (where, name, what, _kind(value)))

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not ready:
            prepare()
        for (name, check, what), value in zip(table, args):
            if check is not None and not check(value):
                raise fail(name, what, value)
        for name, value in kwargs.items():
            entry = by_name.get(name)
            if entry is not None and entry[0] is not None and not entry[0](value):
                raise fail(name, entry[1], value)
        return fn(*args, **kwargs)
    return typing.cast(F, wrapper)
