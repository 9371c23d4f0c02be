"""Accounts (autolic/account.h): people identified by their email, ACCT-1..ACCT-5."""
import ctypes
import enum
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Optional

from ._api import account as _a
from ._api import core as _c
from ._lib import C, dec, enc
from ._time import from_time, from_time_or_none


class AccountState(enum.IntEnum):
    INVITED = 1
    ACTIVE = 2
    EXPIRED = 3
    REMOVED = 4


@dataclass(frozen=True)
class Account:
    """What is known of an account (``autolic_account_info``)."""
    id: int
    email: str
    first_name: str
    last_name: str
    language: str
    state: int  # an AccountState, or a plain int for a state newer than this binding
    created: datetime
    invitation_expires: Optional[datetime]
    invited_by: Optional[int]


class Person(NamedTuple):
    """The parts of ``First Last <email>`` (:func:`person_parse`)."""
    email: str
    first_name: str
    last_name: str


def email_normalize(email):
    """Validate an email and return it lower-cased (ACCT-1); raises InvalidArgument."""
    out = ctypes.create_string_buffer(_a.EMAIL_MAX + 1)
    C.autolic_email_normalize(enc(email, "email"), out, len(out))
    return out.value.decode("utf-8")


def person_parse(text):
    """Parse ``"First Last <email>"`` or a bare email into a :class:`Person` (ACCT-3)."""
    email = ctypes.create_string_buffer(_a.EMAIL_MAX + 1)
    first = ctypes.create_string_buffer(_a.NAME_MAX + 1)
    last = ctypes.create_string_buffer(_a.NAME_MAX + 1)
    C.autolic_person_parse(enc(text, "text"), email, first, last)
    return Person(dec(email.value), dec(first.value), dec(last.value))


def register(db, email, first_name=None, last_name=None, language=None):
    """Register an active account for a person who signed in (ACCT-1, ACCT-2); returns its id.

    Raises Exists when the email is taken, InvalidArgument for a bad email or name.
    """
    spec = _a.autolic_account_spec(_a.ACCOUNT_SPEC_VERSION, enc(email, "email"),
                                   enc(first_name, "first_name"), enc(last_name, "last_name"),
                                   enc(language, "language"))
    out = _c.autolic_id()
    C.autolic_account_register(db, ctypes.byref(spec), ctypes.byref(out))
    return out.value


def _account_from_c(info):
    try:
        state = AccountState(info.state)
    except ValueError:
        state = info.state
    return Account(info.id, dec(info.email), dec(info.first_name), dec(info.last_name),
                   dec(info.language), state, from_time(info.created),
                   from_time_or_none(info.invitation_expires), info.invited_by or None)


def get(db, account_id):
    """Read an account; raises NotFound."""
    info = _a.autolic_account_info()
    info.version = _a.ACCOUNT_INFO_VERSION
    C.autolic_account_get(db, account_id, ctypes.byref(info))
    return _account_from_c(info)


def find(db, email):
    """The id of the account with this email, in any case (ACCT-1); raises NotFound."""
    out = _c.autolic_id()
    C.autolic_account_find(db, enc(email, "email"), ctypes.byref(out))
    return out.value
