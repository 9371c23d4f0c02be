"""Accounts (autolic/account.h): people identified by their email, ACCT-1..ACCT-5."""
import ctypes
import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator, List, NamedTuple, Optional, Union

from ._api import account as _a
from ._api import core as _c
from ._check import api
from ._handle import iterate
from ._lib import C, dec, enc, name_of, struct_init
from ._time import from_time, from_time_or_none
from .db import Database
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
    state: Union[AccountState, int]  # a plain int for a state newer than this binding
    created: datetime
    invitation_expires: Optional[datetime]
    invited_by: Optional[int]


class Person(NamedTuple):
    """The parts of ``First Last <email>`` (:func:`person_parse`)."""
    email: str
    first_name: str
    last_name: str


@api
def email_normalize(email: str) -> str:
    """Validate an email and return it lower-cased (ACCT-1, ``autolic_email_normalize``).

    Args:
        email: the address, in any case.

    Returns:
        The normalised address.

    Raises:
        InvalidArgument: not a valid email address.
        ValueError: `email` holds a NUL character.
        TypeError: `email` is not text.
    """
    out = ctypes.create_string_buffer(_a.EMAIL_MAX + 1)
    C.autolic_email_normalize(enc(email, "email"), out, len(out))
    return out.value.decode("utf-8")


@api
def person_parse(text: str) -> Person:
    """Parse ``"First Last <email>"`` or a bare email (ACCT-3, ``autolic_person_parse``).

    Args:
        text: the person as text.

    Returns:
        A :class:`Person` (names empty for a bare email).

    Raises:
        InvalidArgument: the text is not a person or the email is invalid.
        ValueError: `text` holds a NUL character.
        TypeError: `text` is not text.
    """
    email = ctypes.create_string_buffer(_a.EMAIL_MAX + 1)
    first = ctypes.create_string_buffer(_a.NAME_MAX + 1)
    last = ctypes.create_string_buffer(_a.NAME_MAX + 1)
    C.autolic_person_parse(enc(text, "text"), email, first, last)
    return Person(dec(email.value), dec(first.value), dec(last.value))


@api
def register(db: Database, email: str, first_name: Optional[str] = None,
             last_name: Optional[str] = None, language: Optional[str] = None) -> int:
    """Register an active account for a person who signed in (ACCT-1, ACCT-2,
    ``autolic_account_register``).

    Args:
        db: the open database.
        email: the person's email (stored lower-cased).
        first_name: the first name, or None.
        last_name: the last name, or None.
        language: a language code such as ``"en"``, or None for the default.

    Returns:
        The new account's id.

    Raises:
        Exists: the email is taken (ACCT-1).
        InvalidArgument: a bad email, name or language.
        Closed: `db` is closed.
        ValueError: a text holds a NUL character.
        TypeError: an argument of the wrong type.
    """
    spec = _spec(email, first_name, last_name, language)
    out = _c.autolic_id()
    C.autolic_account_register(db, ctypes.byref(spec), ctypes.byref(out))
    return out.value


def _account_from_c(info: Any) -> Account:
    try:
        state = AccountState(info.state)
    except ValueError:
        state = info.state
    return Account(info.id, dec(info.email), dec(info.first_name), dec(info.last_name),
                   dec(info.language), state, from_time(info.created),
                   from_time_or_none(info.invitation_expires), info.invited_by or None)


@api
def get(db: Database, account_id: int) -> Account:
    """Read an account, its state as of now (ACCT-1, ACCT-2, ACCT-4, ``autolic_account_get``).

    Args:
        db: the open database.
        account_id: the account's id.

    Returns:
        The :class:`Account`.

    Raises:
        NotFound: no such account.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
        OverflowError: `account_id` out of the uint64 range.
    """
    info = _a.autolic_account_info()
    info.version = _a.ACCOUNT_INFO_VERSION
    C.autolic_account_get(db, account_id, ctypes.byref(info))
    return _account_from_c(info)


@api
def find(db: Database, email: str) -> int:
    """The id of the account with this email, in any case (ACCT-1, ``autolic_account_find``).

    Args:
        db: the open database.
        email: the email address.

    Returns:
        The account's id.

    Raises:
        NotFound: no account has this email.
        InvalidArgument: not a valid email address.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    out = _c.autolic_id()
    C.autolic_account_find(db, enc(email, "email"), ctypes.byref(out))
    return out.value


def _spec(email: Optional[str], first_name: Optional[str], last_name: Optional[str],
          language: Optional[str]) -> Any:
    # Every text is encoded (and refused on an embedded NUL) before any C call.
    s = spec_init()
    s.email = enc(email, "email")
    s.first_name = enc(first_name, "first_name")
    s.last_name = enc(last_name, "last_name")
    s.language = enc(language, "language")
    return s


@api
def invite(db: Database, actor: int, team: int, email: str, first_name: Optional[str] = None,
           last_name: Optional[str] = None, language: Optional[str] = None) -> int:
    """Add a person to `team` as a user (ACCT-3, ACCT-4, ROLE-6, ROLE-7,
    ``autolic_account_invite``).

    An existing account is added by email (names may be omitted); an unknown
    email creates an INVITED account, which needs a first and a last name and
    is valid 7 days.

    Args:
        db: the open database.
        actor: a team administrator.
        team: the team's id.
        email: the person's email.
        first_name: the first name (required for a new account).
        last_name: the last name (required for a new account).
        language: a language code, or None for the default.

    Returns:
        The account's id.

    Raises:
        PermissionDenied: `actor` is not a team administrator.
        Exists: the person is a member already.
        InvalidArgument: a bad email, name or language.
        NotFound: no such team.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    spec = _spec(email, first_name, last_name, language)
    out = _c.autolic_id()
    C.autolic_account_invite(db, actor, team, ctypes.byref(spec), ctypes.byref(out))
    return out.value


@api
def invite_text(db: Database, actor: int, team: int, person: str) -> int:
    """:func:`invite` with the person as text (ACCT-3, ``autolic_account_invite_text``).

    Args:
        db: the open database.
        actor: a team administrator.
        team: the team's id.
        person: ``"First Last <email>"`` or a bare email.

    Returns:
        The account's id.

    Raises:
        PermissionDenied: `actor` is not a team administrator.
        Exists: the person is a member already.
        InvalidArgument: the text is not a person.
        NotFound: no such team.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    out = _c.autolic_id()
    C.autolic_account_invite_text(db, actor, team, enc(person, "person"), ctypes.byref(out))
    return out.value


@api
def accept(db: Database, account: int) -> None:
    """The invited person accepts: the account becomes ACTIVE (ACCT-4, ``autolic_account_accept``).

    Args:
        db: the open database.
        account: the invited account's id.

    Raises:
        Expired: the invitation is older than 7 days (resend it first).
        StateError: the account is not invited.
        NotFound: no such account.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_account_accept(db, account)


@api
def resend(db: Database, actor: int, account: int) -> None:
    """Send an invitation again; a new 7-day period starts now (ACCT-4, ``autolic_account_resend``).

    Args:
        db: the open database.
        actor: an administrator of a team of the account (ROLE-6, ROLE-7).
        account: the invited account's id.

    Raises:
        PermissionDenied: `actor` may not invite this person.
        StateError: the account is active or removed.
        NotFound: no such account.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_account_resend(db, actor, account)


@api
def update(db: Database, actor: int, account: int, email: Optional[str] = None,
           first_name: Optional[str] = None, last_name: Optional[str] = None,
           language: Optional[str] = None) -> None:
    """Edit one's own details (ACCT-2, ROLE-6, ``autolic_account_update``).

    Args:
        db: the open database.
        actor: the account acting; must be `account`.
        account: the account's id.
        email: a new email, or None to keep it.
        first_name: a new first name, or None to keep it.
        last_name: a new last name, or None to keep it.
        language: a new language code, or None to keep it.

    Raises:
        PermissionDenied: `actor` is not `account`.
        Exists: the new email is taken by another account (ACCT-1).
        InvalidArgument: a bad email, name or language.
        NotFound: no such account.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    spec = _spec(email, first_name, last_name, language)
    C.autolic_account_update(db, actor, account, ctypes.byref(spec))


@api
def remove(db: Database, actor: int, account: int) -> None:
    """Remove a user (ROLE-6, SEAT-4, SEAM-3, ``autolic_account_remove``): it leaves
    every team, its seats are freed and its Flex assignments dropped, atomically.

    Args:
        db: the open database.
        actor: a team administrator of the account.
        account: the account's id.

    Raises:
        StateError: it holds a role to hand over first (ROLE-2, ROLE-3,
            ROLE-4), or it is removed already.
        PermissionDenied: `actor` may not remove it.
        NotFound: no such account.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_account_remove(db, actor, account)


class ImportFormat(enum.IntEnum):
    """Formats of :func:`import_` (``autolic_import_format``)."""
    LIST = _a.IMPORT_LIST
    CSV = _a.IMPORT_CSV


class Rejected(NamedTuple):
    """A line refused by :func:`import_`: its 1-based number and the reason."""
    line: int
    reason: str


@api
def import_(db: Database, actor: int, team: int, text: str,
            format: ImportFormat = ImportFormat.CSV) -> int:
    """Add people to `team` in bulk, all or nothing (ACCT-5, ACCT-3, ``autolic_account_import``).

    Also available as ``account.import_text``.

    Args:
        db: the open database.
        actor: a team administrator.
        team: the team's id.
        text: the people: with :attr:`ImportFormat.LIST` one ``First Last
            <email>`` or email per line; with :attr:`ImportFormat.CSV` a header
            naming ``email``, ``first_name``, ``last_name``, ``language``.
        format: the :class:`ImportFormat`.

    Returns:
        How many people were added.

    Raises:
        InvalidArgument: a line is refused; nothing is added and the
            exception's ``rejected`` is a tuple of :class:`Rejected` lines.
        PermissionDenied: `actor` is not a team administrator.
        NotFound: no such team.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    data = enc(text, "text")
    rejected: List[Rejected] = []

    def on_error(line: int, reason: bytes, _ctx: Any) -> None:
        rejected.append(Rejected(line, dec(reason)))
    cb = _a.import_error_fn(on_error)
    added = ctypes.c_size_t()
    try:
        C.autolic_account_import(db, actor, team, data, int(format), cb, None,
                                 ctypes.byref(added))
    except Error as e:
        setattr(e, "rejected", tuple(rejected))
        raise
    return added.value


#: ``import`` is a Python keyword: :func:`import_` is also reachable under this name.
import_text = import_


@api
def listing(db: Database, team: int = 0) -> Iterator[Account]:
    """Accounts ascending by id, from one snapshot (``autolic_account_iter_new``).

    Args:
        db: the open database.
        team: 0 for every account, or a team: its members (SEAM-3: seat
            holders included).

    Returns:
        A generator of :class:`Account`; freed when it ends, is closed, or
        the database closes.

    Raises:
        NotFound: no such team.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    def step(it: int) -> Any:
        info = _a.autolic_account_info()
        info.version = _a.ACCOUNT_INFO_VERSION
        if C.autolic_account_iter_next(it, ctypes.byref(info)) == _c.ITEROVER:
            return None
        return _account_from_c(info)
    return iterate(db, lambda out: C.autolic_account_iter_new(db, team, ctypes.byref(out)),
                   step, C.autolic_account_iter_free, "account iterator")


@api
def spec_init(version: int = _a.ACCOUNT_SPEC_VERSION) -> _a.autolic_account_spec:
    """``AUTOLIC_ACCOUNT_SPEC_INIT`` from the library, for `version` (``autolic_account_spec_init``).

    Args:
        version: the ``autolic_account_spec`` version to fill (the newest by default).

    Raises:
        VersionError: autolic_account_spec `version` 0, or newer than the library's.
    """
    return struct_init(_a.autolic_account_spec, C.autolic_account_spec_init, version)


@api
def state_name(state: int) -> str:
    """The name of an account state `state` (``autolic_account_state_name``): ``"invited"`` for
    ``AccountState.INVITED``, as the members of :class:`AccountState` are named.

    Args:
        state: any int; a value the library does not know is ``"unknown"``.

    Raises:
        TypeError: `state` is not an int (OverflowError: beyond a C int).
    """
    return name_of(C.autolic_account_state_name, state)


@api
def import_format_name(format: int) -> str:
    """The name of an import format `format` (``autolic_import_format_name``): ``"csv"`` for
    ``ImportFormat.CSV``, as the members of :class:`ImportFormat` are named.

    Args:
        format: any int; a value the library does not know is ``"unknown"``.

    Raises:
        TypeError: `format` is not an int (OverflowError: beyond a C int).
    """
    return name_of(C.autolic_import_format_name, format)
