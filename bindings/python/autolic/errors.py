"""Exceptions: one subclass of :class:`Error` per libautolic error code."""
import enum
from typing import Any, NamedTuple, Optional, Sequence, Tuple, Type, Union

from ._api import core as _c
from ._check import api


class Code(enum.IntEnum):
    """The library's result codes (``AUTOLIC_OK``, ``AUTOLIC_E*``), as found in
    fields that report a code instead of raising (``seat.Result.status``,
    ``flex.Result.end_code``); a code newer than this binding stays an int."""
    OK = _c.OK
    ERROR = _c.ERROR
    EINVAL = _c.EINVAL
    ENOMEM = _c.ENOMEM
    ENOTFOUND = _c.ENOTFOUND
    EEXISTS = _c.EEXISTS
    EPERM = _c.EPERM
    ENOSEAT = _c.ENOSEAT
    ENOTOKENS = _c.ENOTOKENS
    ENOLICENCE = _c.ENOLICENCE
    ENOOPLICENCE = _c.ENOOPLICENCE
    EEXPIRED = _c.EEXPIRED
    ECONFLICT = _c.ECONFLICT
    ELOCKED = _c.ELOCKED
    ECORRUPT = _c.ECORRUPT
    ESTORAGE = _c.ESTORAGE
    EABORTED = _c.EABORTED
    EVERSION = _c.EVERSION
    ESTATE = _c.ESTATE
    EREADONLY = _c.EREADONLY
    EBUSY = _c.EBUSY
    ITEROVER = _c.ITEROVER
    EDUPLICATE = _c.EDUPLICATE


class ObjectKind(enum.IntEnum):
    """Kinds of the objects an error names (``autolic_object_kind``); a kind
    newer than this binding stays an int."""
    NONE = _c.OBJECT_NONE
    ACCOUNT = _c.OBJECT_ACCOUNT
    TEAM = _c.OBJECT_TEAM
    CONTRACT = _c.OBJECT_CONTRACT
    PRODUCT = _c.OBJECT_PRODUCT
    LOT = _c.OBJECT_LOT
    SESSION = _c.OBJECT_SESSION
    OPS_HUB = _c.OBJECT_OPS_HUB
    SUBSCRIPTION = _c.OBJECT_SUBSCRIPTION
    OPERATOR = _c.OBJECT_OPERATOR
    HUB = _c.OBJECT_HUB
    APP = _c.OBJECT_APP
    ARGUMENT = _c.OBJECT_ARGUMENT


class Unit(enum.IntEnum):
    """Units of an :class:`ErrorNumber` (``autolic_error_unit``)."""
    COUNT = _c.UNIT_COUNT
    TIME = _c.UNIT_TIME
    SECONDS = _c.UNIT_SECONDS


class ErrorObject(NamedTuple):
    """One object an error names (``autolic_error_object``).

    Attributes:
        kind: its :class:`ObjectKind` (an int when this binding does not know it).
        id: its identifier, 0 when it has none (a product, an argument).
        name: the name its user knows: an email, a contract number, a product
            code, a team name... or "".
    """
    kind: "Union[ObjectKind, int]"
    id: int
    name: str

    @property
    def kind_name(self) -> str:
        """The library's name of :attr:`kind` (:func:`object_kind_name`)."""
        return object_kind_name(int(self.kind))


class ErrorNumber(NamedTuple):
    """One number that decided an error (``autolic_error_number``).

    Attributes:
        name: what it is: ``"used"``, ``"limit"``, ``"ended"``...
        value: its value (UTC seconds for :attr:`Unit.TIME`).
        unit: its :class:`Unit` (an int when this binding does not know it).
    """
    name: str
    value: int
    unit: "Union[Unit, int]"

    @property
    def unit_name(self) -> str:
        """The library's name of :attr:`unit` (:func:`unit_name`)."""
        return unit_name(int(self.unit))


def _enum_or_int(cls: Any, value: int) -> Any:
    try:
        return cls(value)
    except ValueError:
        return value


def object_kind(value: int) -> "Union[ObjectKind, int]":
    """The :class:`ObjectKind` of `value`, or `value` itself when unknown.

    Args:
        value: an ``autolic_object_kind``.

    Returns:
        The member, or the int.

    Raises:
        Nothing.
    """
    return _enum_or_int(ObjectKind, value)  # type: ignore[no-any-return]


def unit(value: int) -> "Union[Unit, int]":
    """The :class:`Unit` of `value`, or `value` itself when unknown.

    Args:
        value: an ``autolic_error_unit``.

    Returns:
        The member, or the int.

    Raises:
        Nothing.
    """
    return _enum_or_int(Unit, value)  # type: ignore[no-any-return]


@api
def object_kind_name(kind: int) -> str:
    """The name of an object kind `kind` (``autolic_object_kind_name``): ``"ops_hub"`` for
    ``ObjectKind.OPS_HUB``, as the members of :class:`ObjectKind` are named.

    Args:
        kind: any int; a value the library does not know is ``"unknown"``.

    Raises:
        TypeError: `kind` is not an int (OverflowError: beyond a C int).
    """
    from ._lib import C, name_of  # _lib imports this module
    return name_of(C.autolic_object_kind_name, kind)


@api
def unit_name(unit: int) -> str:
    """The name of a unit `unit` (``autolic_error_unit_name``): ``"seconds"`` for
    ``Unit.SECONDS``, as the members of :class:`Unit` are named.

    Args:
        unit: any int; a value the library does not know is ``"unknown"``.

    Raises:
        TypeError: `unit` is not an int (OverflowError: beyond a C int).
    """
    from ._lib import C, name_of  # _lib imports this module
    return name_of(C.autolic_error_unit_name, unit)


def code(value: int) -> "Union[Code, int]":
    """The :class:`Code` of `value`.

    Args:
        value: 0 or a negative ``AUTOLIC_E*`` code.

    Returns:
        The :class:`Code` member, or `value` itself when this binding does not
        know it.

    Raises:
        Nothing.
    """
    try:
        return Code(value)
    except ValueError:
        return value


class Error(Exception):
    """A libautolic call failed.

    Attributes:
        code: the negative ``AUTOLIC_E*`` code.
        message: the library's detailed message (``autolic_errmsg()``), which
            names the argument or the rule at fault, e.g. ``"SEAT-2: ..."``.
        function: the C function that failed, when known.
        rule: the rule ID that refused (``"SEAT-2"``), or "" when no rule did.
        objects: the objects involved, as their users know them.
        numbers: the numbers that decided it (``used`` 3, ``limit`` 3...).

    ``rule``, ``objects`` and ``numbers`` come from ``autolic_error_last()``:
    enough to write the message in another language without reading
    :attr:`message`.
    """

    code = _c.ERROR

    def __init__(self, message: str = "", code: Optional[int] = None,
                 function: Optional[str] = None, strerror: Optional[str] = None,
                 rule: str = "", objects: Sequence[ErrorObject] = (),
                 numbers: Sequence[ErrorNumber] = ()) -> None:
        if code is not None:
            self.code = code
        self.message = message or ""
        self.function = function
        self.strerror = strerror or ""
        self.rule = rule
        self.objects: Tuple[ErrorObject, ...] = tuple(objects)
        self.numbers: Tuple[ErrorNumber, ...] = tuple(numbers)
        super().__init__(self.message)

    def number(self, name: str) -> Optional[int]:
        """The value of the number called `name`.

        Args:
            name: e.g. ``"used"`` or ``"limit"``.

        Returns:
            Its value, or None when the error carries no such number.

        Raises:
            Nothing.
        """
        for n in self.numbers:
            if n.name == name:
                return n.value
        return None

    def __str__(self) -> str:
        # The message says what the code's text says, and more: one of them.
        text = self.message or self.strerror or "error %d" % self.code
        return "%s (in %s)" % (text, self.function) if self.function else text

    def __reduce__(self) -> Tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self.code, self.function, self.strerror,
                           self.rule, self.objects, self.numbers))


def _rebuild(cls: "Type[Error]", message: str, code: int, function: Optional[str],
             strerror: str, rule: str = "", objects: Sequence[ErrorObject] = (),
             numbers: Sequence[ErrorNumber] = ()) -> "Error":
    return cls(message, code, function, strerror, rule, objects, numbers)


class InvalidArgument(Error, ValueError):
    code = _c.EINVAL


class NoMemory(Error, MemoryError):
    code = _c.ENOMEM


class NotFound(Error):
    code = _c.ENOTFOUND


class Exists(Error):
    code = _c.EEXISTS


class PermissionDenied(Error):
    code = _c.EPERM


class NoSeat(Error):
    code = _c.ENOSEAT


class NotEnoughTokens(Error):
    code = _c.ENOTOKENS


class NoLicence(Error):
    code = _c.ENOLICENCE


class NoOperatorLicence(Error):
    code = _c.ENOOPLICENCE


class Expired(Error):
    code = _c.EEXPIRED


class Conflict(Error):
    code = _c.ECONFLICT


class Locked(Error):
    code = _c.ELOCKED


class Corrupt(Error):
    code = _c.ECORRUPT


class StorageError(Error):
    code = _c.ESTORAGE


class Aborted(Error):
    code = _c.EABORTED


class VersionError(Error):
    code = _c.EVERSION


class StateError(Error):
    code = _c.ESTATE


class ReadOnly(Error):
    code = _c.EREADONLY


class Busy(Error):
    code = _c.EBUSY


class Duplicate(Error):
    code = _c.EDUPLICATE


class Closed(Error, ValueError):
    """An operation on a handle that was already closed (or whose parent was).

    Raised by the binding itself, before any C call: it has no library code
    (:attr:`code` is ``AUTOLIC_ERROR``) and its text is the message alone.
    """

    def __str__(self) -> str:
        return self.message


#: code -> exception class. AUTOLIC_ERROR (-1) and unknown codes map to Error.
BY_CODE = {cls.code: cls for cls in (
    InvalidArgument, NoMemory, NotFound, Exists, PermissionDenied, NoSeat, NotEnoughTokens,
    NoLicence, NoOperatorLicence, Expired, Conflict, Locked, Corrupt, StorageError, Aborted,
    VersionError, StateError, ReadOnly, Busy, Duplicate)}


def error_class(code: int) -> Type[Error]:
    """The exception class for `code`.

    Args:
        code: a negative ``AUTOLIC_E*`` code.

    Returns:
        The :class:`Error` subclass; plain :class:`Error` for unknown codes.

    Raises:
        Nothing.
    """
    return BY_CODE.get(code, Error)


def make_error(code: int, message: str = "", function: Optional[str] = None,
               strerror: Optional[str] = None, rule: str = "",
               objects: Sequence[ErrorObject] = (),
               numbers: Sequence[ErrorNumber] = ()) -> Error:
    """Build (not raise) the exception for `code`.

    Args:
        code: a negative ``AUTOLIC_E*`` code.
        message: the detailed message.
        function: the C function that failed.
        strerror: the code's static text.
        rule: the rule ID that refused, or "".
        objects: the objects involved.
        numbers: the numbers that decided it.

    Returns:
        The :class:`Error` subclass instance.

    Raises:
        Nothing.
    """
    cls = error_class(code)
    return cls(message, code=code, function=function, strerror=strerror, rule=rule,
               objects=objects, numbers=numbers)
