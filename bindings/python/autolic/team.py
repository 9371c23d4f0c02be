"""Teams (autolic/team.h): APS-1, ROLE-3, ROLE-5."""
import ctypes
import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from ._api import core as _c
from ._api import team as _t
from ._lib import C, dec, enc
from ._time import from_time


class TeamRole(enum.IntEnum):
    NONE = _t.TEAM_NONE
    PRIMARY = _t.TEAM_PRIMARY
    SECONDARY = _t.TEAM_SECONDARY
    USER = _t.TEAM_USER


def _enum(cls, value):
    try:
        return cls(value)
    except ValueError:
        return value


@dataclass(frozen=True)
class Membership:
    """A team an account belongs to (``autolic_team_membership``)."""
    team: int
    name: str
    role: "TeamRole"


@dataclass(frozen=True)
class Team:
    """What is known of a team (``autolic_team_info``)."""
    id: int
    name: str
    primary: Optional[int]
    created: datetime


def create(db, actor, name):
    """Create a team whose primary administrator is `actor` (APS-1); returns its id."""
    spec = _t.autolic_team_spec(_t.TEAM_SPEC_VERSION, enc(name, "name"))
    out = _c.autolic_id()
    C.autolic_team_create(db, actor, ctypes.byref(spec), ctypes.byref(out))
    return out.value


def get(db, team):
    """Read a team (APS-1, ``autolic_team_get``); raises NotFound."""
    info = _t.autolic_team_info()
    info.version = _t.TEAM_INFO_VERSION
    C.autolic_team_get(db, team, ctypes.byref(info))
    return Team(info.id, dec(info.name), info.primary or None, from_time(info.created))


def role(db, team, account):
    """The :class:`TeamRole` of `account` in `team` (ROLE-3, ROLE-5)."""
    out = ctypes.c_int()
    C.autolic_team_role_get(db, team, account, ctypes.byref(out))
    return _enum(TeamRole, out.value)


def add_admin(db, actor, team, account):
    """Make `account` a secondary administrator of `team` (ROLE-3)."""
    C.autolic_team_add_admin(db, actor, team, account)


def remove_admin(db, actor, team, account):
    """Remove a secondary administrator of `team` (ROLE-3)."""
    C.autolic_team_remove_admin(db, actor, team, account)


def set_primary(db, actor, team, account):
    """Make `account` the primary administrator of `team` (ROLE-3), and with it the
    contract manager of every contract of the team (SEAM-2)."""
    C.autolic_team_set_primary(db, actor, team, account)


def teams_of(db, account):
    """Generator over the teams `account` belongs to (APS-1, ROLE-3; :class:`Membership`;
    ``autolic_team_iter_new``/``_next``/``_free``), ascending by
    team id, from one snapshot; `account` 0 lists every team with role NONE."""
    from ._handle import iterate

    def step(it):
        m = _t.autolic_team_membership()
        m.version = _t.TEAM_MEMBERSHIP_VERSION
        if C.autolic_team_iter_next(it, ctypes.byref(m)) == _c.ITEROVER:
            return None
        return Membership(m.team, dec(m.name), _enum(TeamRole, m.role))
    return iterate(db, lambda out: C.autolic_team_iter_new(db, account, ctypes.byref(out)),
                   step, C.autolic_team_iter_free, "team iterator")
