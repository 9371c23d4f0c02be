"""Durable notifications (autolic/notification.h): NOTE-1, NOTE-2.

Every event a call raises is also recorded by the call's own transaction. A
named consumer reads what it has not acknowledged, delivers it, then
acknowledges it; what it did not acknowledge is shown again after a crash or
a restart (at-least-once delivery)::

    note.consumer_add(db, "mailer")
    for n in note.notices(db, "mailer"):
        send_mail(n.recipient, n.text)
        note.ack(db, "mailer", n)
"""
import ctypes
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator, Tuple, Union

from ._api import core as _c
from ._api import note as _n
from ._check import api
from ._lib import C, dec, enc
from ._time import from_time
from .db import Database, Event, EventType


@dataclass(frozen=True)
class Notice(Event):
    """One recorded notification (``autolic_notice``), copied out: the event's
    fields, where it stands (its stream and its position there, from 1) and the
    numbers its text names."""
    stream: int = 0
    position: int = 0
    numbers: Tuple[int, ...] = ()


def _type(value: int) -> Union[EventType, int]:
    try:
        return EventType(value)
    except ValueError:
        return value


@api
def consumer_add(db: Database, name: str) -> None:
    """Register a named consumer (NOTE-2, ``autolic_note_consumer_add``).

    It starts before the first notice kept: it is shown every notice not trimmed.

    Args:
        db: the open database.
        name: the consumer's name, e.g. ``"mailer"``.

    Raises:
        Exists: a consumer of that name is registered.
        InvalidArgument: an empty or malformed name.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_note_consumer_add(db, enc(name, "name"))


@api
def consumer_remove(db: Database, name: str) -> None:
    """Forget a consumer and its positions (NOTE-2, ``autolic_note_consumer_remove``).

    Args:
        db: the open database.
        name: the consumer's name.

    Raises:
        NotFound: no such consumer.
        InvalidArgument: a malformed name.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_note_consumer_remove(db, enc(name, "name"))


@api
def notices(db: Database, consumer: str, max: int = 0) -> Iterator[Notice]:
    """The notices `consumer` has not acknowledged (NOTE-2, ``autolic_note_iter_new``).

    In commit order within each stream (a team, or an account for notices
    outside any team), the streams interleaved by time; read in one snapshot.

    Args:
        db: the open database.
        consumer: a registered consumer's name.
        max: at most this many notices; 0 for all.

    Returns:
        A generator of :class:`Notice`.

    Raises:
        NotFound: no such consumer.
        InvalidArgument: a malformed name.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    from ._handle import iterate

    def step(it: int) -> Any:
        n = _n.autolic_notice()
        n.version = _n.NOTICE_VERSION
        if C.autolic_note_iter_next(it, ctypes.byref(n)) == _c.ITEROVER:
            return None
        numbers = tuple(n.numbers[i] for i in range(n.nnumbers))
        return Notice(_type(n.type), from_time(n.time), n.recipient, n.team, n.object,
                      dec(n.product), dec(n.rule), dec(n.text), n.stream, n.position, numbers)
    name = enc(consumer, "consumer")
    return iterate(db, lambda out: C.autolic_note_iter_new(db, name, max, ctypes.byref(out)),
                   step, C.autolic_note_iter_free, "notice iterator")


@api
def ack(db: Database, consumer: str, notice: Notice) -> None:
    """Acknowledge `notice` and every earlier one of its stream (NOTE-2, ``autolic_note_ack``).

    They are never shown to `consumer` again; acknowledging again changes nothing.

    Args:
        db: the open database.
        consumer: a registered consumer's name.
        notice: the last notice delivered of its stream.

    Raises:
        NotFound: no such consumer or stream.
        InvalidArgument: a malformed name, or a position beyond the stream's last notice.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_note_ack(db, enc(consumer, "consumer"), notice.stream, notice.position)


@api
def trim(db: Database, keep: int = 0) -> int:
    """Remove the notices every consumer acknowledged (``autolic_note_trim``).

    With no consumer registered, every notice at least `keep` seconds old.

    Args:
        db: the open database.
        keep: seconds to keep acknowledged notices (by their time).

    Returns:
        How many were removed.

    Raises:
        InvalidArgument: `keep` is negative.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    removed = ctypes.c_size_t()
    C.autolic_note_trim(db, keep, ctypes.byref(removed))
    return removed.value
