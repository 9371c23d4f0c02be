"""Teams (autolic/team.h): APS-1, ROLE-3, ROLE-5."""
import ctypes
import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator, Optional, Type, TypeVar, Union

from ._api import core as _c
from ._api import team as _t
from ._check import api
from ._lib import C, dec, enc, name_of, struct_init
from ._time import from_time
from .db import Database


class TeamRole(enum.IntEnum):
    NONE = _t.TEAM_NONE
    PRIMARY = _t.TEAM_PRIMARY
    SECONDARY = _t.TEAM_SECONDARY
    USER = _t.TEAM_USER


_E = TypeVar("_E", bound=enum.IntEnum)


def _enum(cls: Type[_E], value: int) -> Union[_E, int]:
    try:
        return cls(value)
    except ValueError:
        return value


@dataclass(frozen=True)
class Membership:
    """A team an account belongs to (``autolic_team_membership``)."""
    team: int
    name: str
    role: Union[TeamRole, int]


@dataclass(frozen=True)
class Team:
    """What is known of a team (``autolic_team_info``)."""
    id: int
    name: str
    primary: Optional[int]
    created: datetime


@api
def create(db: Database, actor: int, name: str) -> int:
    """Create a team whose primary administrator is `actor` (APS-1, ``autolic_team_create``).

    Args:
        db: the open database.
        actor: the active account creating the team.
        name: the team's name.

    Returns:
        The new team's id.

    Raises:
        PermissionDenied: `actor` is unknown, invited, expired or removed (ROLE-7).
        InvalidArgument: an empty, over-long or control-character name.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    spec = spec_init()
    spec.name = enc(name, "name")
    out = _c.autolic_id()
    C.autolic_team_create(db, actor, ctypes.byref(spec), ctypes.byref(out))
    return out.value


@api
def get(db: Database, team: int) -> Team:
    """Read a team (APS-1, ``autolic_team_get``).

    Args:
        db: the open database.
        team: the team's id.

    Returns:
        The :class:`Team`.

    Raises:
        NotFound: no such team.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    info = _t.autolic_team_info()
    info.version = _t.TEAM_INFO_VERSION
    C.autolic_team_get(db, team, ctypes.byref(info))
    return Team(info.id, dec(info.name), info.primary or None, from_time(info.created))


@api
def role(db: Database, team: int, account: int) -> Union[TeamRole, int]:
    """The role of `account` in `team` (ROLE-3, ROLE-5, ``autolic_team_role_get``).

    Args:
        db: the open database.
        team: the team's id.
        account: the account's id.

    Returns:
        A :class:`TeamRole` (``NONE`` for a non-member; a plain int for a role
        newer than this binding).

    Raises:
        NotFound: no such team.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    out = ctypes.c_int()
    C.autolic_team_role_get(db, team, account, ctypes.byref(out))
    return _enum(TeamRole, out.value)


@api
def add_admin(db: Database, actor: int, team: int, account: int) -> None:
    """Make `account` a secondary administrator of `team` (ROLE-3, ``autolic_team_add_admin``).

    Args:
        db: the open database.
        actor: the primary administrator of `team`.
        team: the team's id.
        account: the active member to promote.

    Raises:
        PermissionDenied: `actor` is not the primary administrator.
        Exists: `account` already administers `team`.
        NotFound: no such team or account.
        StateError: `account` is not active.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_team_add_admin(db, actor, team, account)


@api
def remove_admin(db: Database, actor: int, team: int, account: int) -> None:
    """Remove a secondary administrator of `team` (ROLE-3, ``autolic_team_remove_admin``).

    Args:
        db: the open database.
        actor: the primary administrator of `team`.
        team: the team's id.
        account: the secondary administrator to demote.

    Raises:
        PermissionDenied: `actor` is not the primary administrator.
        StateError: `account` is not a secondary administrator, or holds a
            contract role.
        NotFound: no such team or account.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_team_remove_admin(db, actor, team, account)


@api
def set_primary(db: Database, actor: int, team: int, account: int) -> None:
    """Make `account` the primary administrator of `team` (ROLE-3, SEAM-2,
    ``autolic_team_set_primary``); it becomes the contract manager of every
    contract of the team.

    Args:
        db: the open database.
        actor: the current primary administrator.
        team: the team's id.
        account: the active member taking over.

    Raises:
        PermissionDenied: `actor` is not the primary administrator.
        NotFound: no such team or account.
        StateError: `account` is not an active member.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_team_set_primary(db, actor, team, account)


@api
def teams_of(db: Database, account: int) -> Iterator[Membership]:
    """The teams `account` belongs to (APS-1, ROLE-3, ``autolic_team_iter_new``).

    Ascending by team id, from one snapshot; `account` 0 lists every team
    with role ``NONE``.

    Args:
        db: the open database.
        account: the account's id, or 0 for every team.

    Returns:
        A generator of :class:`Membership`.

    Raises:
        NotFound: no such account.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    from ._handle import iterate

    def step(it: int) -> Any:
        m = _t.autolic_team_membership()
        m.version = _t.TEAM_MEMBERSHIP_VERSION
        if C.autolic_team_iter_next(it, ctypes.byref(m)) == _c.ITEROVER:
            return None
        return Membership(m.team, dec(m.name), _enum(TeamRole, m.role))
    return iterate(db, lambda out: C.autolic_team_iter_new(db, account, ctypes.byref(out)),
                   step, C.autolic_team_iter_free, "team iterator")


@api
def spec_init(version: int = _t.TEAM_SPEC_VERSION) -> _t.autolic_team_spec:
    """``AUTOLIC_TEAM_SPEC_INIT`` from the library, for `version` (``autolic_team_spec_init``).

    Args:
        version: the ``autolic_team_spec`` version to fill (the newest by default).

    Raises:
        VersionError: autolic_team_spec `version` 0, or newer than the library's.
    """
    return struct_init(_t.autolic_team_spec, C.autolic_team_spec_init, version)


@api
def role_name(role: int) -> str:
    """The name of a team role `role` (``autolic_team_role_name``): ``"secondary"`` for
    ``TeamRole.SECONDARY``, as the members of :class:`TeamRole` are named.

    Args:
        role: any int; a value the library does not know is ``"unknown"``.

    Raises:
        TypeError: `role` is not an int (OverflowError: beyond a C int).
    """
    return name_of(C.autolic_team_role_name, role)
