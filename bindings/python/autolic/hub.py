"""Developer hubs and applications (autolic/hub.h): APS-2..APS-4."""
import ctypes
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from ._api import core as _c
from ._api import hub as _h
from ._check import api
from ._lib import C, dec, enc
from ._time import from_time
from .db import Database


@dataclass(frozen=True)
class Hub:
    """What is known of a hub (``autolic_hub_info``)."""
    id: int
    team: int
    name: str
    created: datetime
    created_by: Optional[int]


@dataclass(frozen=True)
class App:
    """What is known of an application (``autolic_app_info``)."""
    id: int
    hub: int
    name: str
    created: datetime


@api
def create(db: Database, actor: int, team: int, name: str) -> int:
    """Create the developer hub of `team` (APS-2, ``autolic_hub_create``).

    Args:
        db: the open database.
        actor: a team administrator.
        team: the team's id.
        name: the hub's name.

    Returns:
        The new hub's id.

    Raises:
        Exists: the team has a hub already.
        PermissionDenied: `actor` does not administer `team`.
        InvalidArgument: a malformed name.
        NotFound: no such team.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    out = _c.autolic_id()
    C.autolic_hub_create(db, actor, team, enc(name, "name"), ctypes.byref(out))
    return out.value


@api
def get(db: Database, hub: int) -> Hub:
    """Read a developer hub (APS-2, ``autolic_hub_get``).

    Args:
        db: the open database.
        hub: the hub's id.

    Returns:
        The :class:`Hub`.

    Raises:
        NotFound: no such hub.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    info = _h.autolic_hub_info()
    info.version = _h.HUB_INFO_VERSION
    C.autolic_hub_get(db, hub, ctypes.byref(info))
    return Hub(info.id, info.team, dec(info.name), from_time(info.created),
               info.created_by or None)


@api
def find(db: Database, team: int) -> int:
    """The id of the hub of `team` (APS-2, ``autolic_hub_find``).

    Args:
        db: the open database.
        team: the team's id.

    Returns:
        The hub's id.

    Raises:
        NotFound: no such team, or it has no hub.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    out = _c.autolic_id()
    C.autolic_hub_find(db, team, ctypes.byref(out))
    return out.value


@api
def add_admin(db: Database, actor: int, hub: int, account: int) -> None:
    """Appoint a hub administrator (APS-4, ``autolic_hub_add_admin``).

    Args:
        db: the open database.
        actor: a hub or team administrator.
        hub: the hub's id.
        account: the team member to appoint.

    Raises:
        Exists: `account` administers the hub already.
        StateError: `account` is not an active member of the team.
        PermissionDenied: `actor` may not appoint (APS-4, ROLE-7).
        NotFound: no such hub or account.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_hub_add_admin(db, actor, hub, account)


@api
def app_create(db: Database, actor: int, hub: int, name: str) -> int:
    """Create an application in `hub` (APS-3, ``autolic_hub_app_create``).

    Args:
        db: the open database.
        actor: a hub administrator.
        hub: the hub's id.
        name: the application's name.

    Returns:
        The new application's id.

    Raises:
        PermissionDenied: `actor` does not administer the hub.
        InvalidArgument: a malformed name.
        NotFound: no such hub.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    out = _c.autolic_id()
    C.autolic_hub_app_create(db, actor, hub, enc(name, "name"), ctypes.byref(out))
    return out.value


@api
def app_get(db: Database, app: int) -> App:
    """Read an application (APS-4, ``autolic_hub_app_get``).

    Args:
        db: the open database.
        app: the application's id.

    Returns:
        The :class:`App`.

    Raises:
        NotFound: no such application.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    info = _h.autolic_app_info()
    info.version = _h.APP_INFO_VERSION
    C.autolic_hub_app_get(db, app, ctypes.byref(info))
    return App(info.id, info.hub, dec(info.name), from_time(info.created))


@api
def app_move(db: Database, actor: int, app: int, to_hub: int) -> None:
    """Move an application to another hub (APS-4, ``autolic_hub_app_move``).

    Args:
        db: the open database.
        actor: an administrator of both hubs.
        app: the application's id.
        to_hub: the destination hub's id.

    Raises:
        StateError: the application is in that hub already.
        PermissionDenied: `actor` does not administer both hubs (APS-4, ROLE-7).
        NotFound: no such application or hub.
        Closed: `db` is closed.
        TypeError: an argument of the wrong type.
    """
    C.autolic_hub_app_move(db, actor, app, to_hub)
