"""Accounts (autolic/account.h): people identified by their email, ACCT-1..ACCT-5."""
import ctypes
import enum
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Optional

from ._api import account as _a
from ._api import core as _c
from ._handle import iterate
from ._lib import C, dec, enc
from ._time import from_time, from_time_or_none
from .errors import Error


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
    spec = _spec(email, first_name, last_name, language)
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
    """Read an account (ACCT-1, ACCT-2; the state as of now, ACCT-4:
    ``autolic_account_get``); raises NotFound."""
    info = _a.autolic_account_info()
    info.version = _a.ACCOUNT_INFO_VERSION
    C.autolic_account_get(db, account_id, ctypes.byref(info))
    return _account_from_c(info)


def find(db, email):
    """The id of the account with this email, in any case (ACCT-1); raises NotFound."""
    out = _c.autolic_id()
    C.autolic_account_find(db, enc(email, "email"), ctypes.byref(out))
    return out.value


def _spec(email, first_name, last_name, language):
    # Every text is encoded (and refused on an embedded NUL) before any C call.
    return _a.autolic_account_spec(_a.ACCOUNT_SPEC_VERSION, enc(email, "email"),
                                   enc(first_name, "first_name"), enc(last_name, "last_name"),
                                   enc(language, "language"))


def invite(db, actor, team, email, first_name=None, last_name=None, language=None):
    """Add a person to `team` as a user (ACCT-3, ACCT-4, ROLE-6, ROLE-7); returns the
    account id (``autolic_account_invite``).

    An existing account is added by email (names may be omitted); an unknown email
    creates an INVITED account, which needs a first and a last name and is valid
    7 days. Raises PermissionDenied (the actor is not a team administrator), Exists
    (already a member), InvalidArgument (bad email, names, language), NotFound (team).
    """
    spec = _spec(email, first_name, last_name, language)
    out = _c.autolic_id()
    C.autolic_account_invite(db, actor, team, ctypes.byref(spec), ctypes.byref(out))
    return out.value


def invite_text(db, actor, team, person):
    """:func:`invite` with the person as text, ``"First Last <email>"`` or a bare
    email (ACCT-3); returns the account id (``autolic_account_invite_text``)."""
    out = _c.autolic_id()
    C.autolic_account_invite_text(db, actor, team, enc(person, "person"), ctypes.byref(out))
    return out.value


def accept(db, account):
    """The invited person accepts: the account becomes ACTIVE (ACCT-4,
    ``autolic_account_accept``). Raises Expired after 7 days (resend first),
    StateError when the account is not invited."""
    C.autolic_account_accept(db, account)


def resend(db, actor, account):
    """Send an invitation again; a new 7-day period starts now (ACCT-4,
    ``autolic_account_resend``). Raises PermissionDenied (ROLE-6, ROLE-7),
    StateError when the account is active or removed."""
    C.autolic_account_resend(db, actor, account)


def update(db, actor, account, email=None, first_name=None, last_name=None, language=None):
    """Edit one's own details (ACCT-2, ROLE-6, ``autolic_account_update``); ``None``
    keeps a field. `actor` must equal `account` (else PermissionDenied); a new email
    taken by another account raises Exists (ACCT-1)."""
    spec = _spec(email, first_name, last_name, language)
    C.autolic_account_update(db, actor, account, ctypes.byref(spec))


def remove(db, actor, account):
    """Remove a user: it leaves every team and every seat it held is freed, atomically
    (ROLE-6, SEAT-4, ``autolic_account_remove``). Raises StateError when it holds a
    role that must be handed over first (ROLE-2, ROLE-3, ROLE-4) or is already removed."""
    C.autolic_account_remove(db, actor, account)


class ImportFormat(enum.IntEnum):
    """Formats of :func:`import_` (``autolic_import_format``)."""
    LIST = _a.IMPORT_LIST
    CSV = _a.IMPORT_CSV


class Rejected(NamedTuple):
    """A line refused by :func:`import_`: its 1-based number and the reason."""
    line: int
    reason: str


def import_(db, actor, team, text, format=ImportFormat.CSV):
    """Add people to `team` in bulk, all or nothing (ACCT-5, ACCT-3,
    ``autolic_account_import``); returns how many were added.

    `format` is :attr:`ImportFormat.LIST` (one ``First Last <email>`` or email per
    line) or :attr:`ImportFormat.CSV` (a header naming ``email``, ``first_name``,
    ``last_name``, ``language``). When any line is refused nothing is added and the
    InvalidArgument raised has ``.rejected``: a tuple of :class:`Rejected` lines, in
    line order. Also available as ``account.import_text``.
    """
    data = enc(text, "text")
    rejected = []

    def on_error(line, reason, _ctx):
        rejected.append(Rejected(line, dec(reason)))
    cb = _a.import_error_fn(on_error)
    added = ctypes.c_size_t()
    try:
        C.autolic_account_import(db, actor, team, data, int(format), cb, None,
                                 ctypes.byref(added))
    except Error as e:
        e.rejected = tuple(rejected)
        raise
    return added.value


#: ``import`` is a Python keyword: :func:`import_` is also reachable under this name.
import_text = import_


def listing(db, team=0):
    """Generator over accounts ascending by id (:class:`Account`), from one snapshot:
    every account (`team` 0) or the members of `team` (SEAM-3: seat holders included).
    Wraps ``autolic_account_iter_new`` / ``_next`` / ``_free``; the iterator is freed
    when the generator ends, is closed, or the database closes."""
    def step(it):
        info = _a.autolic_account_info()
        info.version = _a.ACCOUNT_INFO_VERSION
        if C.autolic_account_iter_next(it, ctypes.byref(info)) == _c.ITEROVER:
            return None
        return _account_from_c(info)
    return iterate(db, lambda out: C.autolic_account_iter_new(db, team, ctypes.byref(out)),
                   step, C.autolic_account_iter_free, "account iterator")
