"""Exceptions: one subclass of :class:`Error` per libautolic error code."""
import enum
from typing import Any, Optional, Tuple, Type, Union

from ._api import core as _c


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
    """

    code = _c.ERROR

    def __init__(self, message: str = "", code: Optional[int] = None,
                 function: Optional[str] = None, strerror: Optional[str] = None) -> None:
        if code is not None:
            self.code = code
        self.message = message or ""
        self.function = function
        self.strerror = strerror or ""
        super().__init__(self.message)

    def __str__(self) -> str:
        head = self.strerror or "error %d" % self.code
        text = "%s: %s" % (head, self.message) if self.message else head
        return "%s (in %s)" % (text, self.function) if self.function else text

    def __reduce__(self) -> Tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self.code, self.function, self.strerror))


def _rebuild(cls: "Type[Error]", message: str, code: int, function: Optional[str],
             strerror: str) -> "Error":
    return cls(message, code, function, strerror)


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
               strerror: Optional[str] = None) -> Error:
    """Build (not raise) the exception for `code`.

    Args:
        code: a negative ``AUTOLIC_E*`` code.
        message: the detailed message.
        function: the C function that failed.
        strerror: the code's static text.

    Returns:
        The :class:`Error` subclass instance.

    Raises:
        Nothing.
    """
    cls = error_class(code)
    return cls(message, code=code, function=function, strerror=strerror)
