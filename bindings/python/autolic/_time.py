"""Timestamps: the library counts UTC seconds since the Unix epoch (int64)."""
import datetime as _dt
import numbers
from datetime import datetime
from typing import Optional, Union

UTC = _dt.timezone.utc
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=UTC)
_I64_MIN, _I64_MAX = -(1 << 63), (1 << 63) - 1


def to_time(value: Union[datetime, int]) -> int:
    """A time for the library: int UTC seconds since the Unix epoch.

    Sub-second parts are truncated toward the past.

    Args:
        value: a timezone-aware datetime or int seconds.

    Returns:
        The seconds.

    Raises:
        ValueError: a naive datetime (its zone is unknown): use
            ``datetime.now(timezone.utc)`` or ``.replace(tzinfo=timezone.utc)``.
        TypeError: neither a datetime nor an int (a bool included).
        OverflowError: out of the int64 range.
    """
    if isinstance(value, bool):
        raise TypeError("a time must be a datetime or an int, not bool")
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime: give a timezone-aware one (UTC)")
        delta = value - _EPOCH
        secs = delta.days * 86400 + delta.seconds
    elif isinstance(value, (int, numbers.Integral)):
        secs = int(value)
    else:
        raise TypeError("a time must be a datetime or an int, not %s" % type(value).__name__)
    if not _I64_MIN <= secs <= _I64_MAX:
        raise OverflowError("time %d is out of the int64 range" % secs)
    return secs


def from_time(secs: int) -> datetime:
    """A time from the library as a datetime.

    Args:
        secs: int UTC seconds since the Unix epoch.

    Returns:
        The timezone-aware UTC datetime.

    Raises:
        OverflowError: beyond what datetime can hold (years 1 to 9999).
    """
    return _EPOCH + _dt.timedelta(seconds=int(secs))


def from_time_or_none(secs: int) -> Optional[datetime]:
    """Like :func:`from_time`, but 0 (the library's "none") gives None.

    Args:
        secs: int UTC seconds, or 0 for none.

    Returns:
        The UTC datetime, or None for 0.

    Raises:
        OverflowError: beyond what datetime can hold.
    """
    return None if not secs else from_time(secs)
