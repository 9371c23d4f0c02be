"""Timestamps: the library counts UTC seconds since the Unix epoch (int64)."""
import datetime as _dt
import numbers

UTC = _dt.timezone.utc
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=UTC)
_I64_MIN, _I64_MAX = -(1 << 63), (1 << 63) - 1


def to_time(value):
    """A timezone-aware datetime or an int (UTC seconds) -> int seconds.

    Naive datetimes are refused (their zone is unknown): use
    ``datetime.now(timezone.utc)`` or ``.replace(tzinfo=timezone.utc)``.
    Sub-second parts are truncated toward the past.
    """
    if isinstance(value, bool):
        raise TypeError("a time must be a datetime or an int, not bool")
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime: give a timezone-aware one (UTC)")
        delta = value - _EPOCH
        secs = delta.days * 86400 + delta.seconds
    elif isinstance(value, numbers.Integral):
        secs = int(value)
    else:
        raise TypeError("a time must be a datetime or an int, not %s" % type(value).__name__)
    if not _I64_MIN <= secs <= _I64_MAX:
        raise OverflowError("time %d is out of the int64 range" % secs)
    return secs


def from_time(secs):
    """int seconds -> timezone-aware UTC datetime."""
    return _EPOCH + _dt.timedelta(seconds=int(secs))


def from_time_or_none(secs):
    """Like :func:`from_time`, but 0 (the library's "none") gives None."""
    return None if not secs else from_time(secs)
