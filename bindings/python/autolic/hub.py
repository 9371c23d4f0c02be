"""Developer hubs and applications (autolic/hub.h): APS-2..APS-4."""
import ctypes
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from ._api import core as _c
from ._api import hub as _h
from ._lib import C, dec, enc
from ._time import from_time


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


def create(db, actor, team, name):
    """Create the hub of `team` (APS-2); returns its id. Raises Exists when it has one."""
    out = _c.autolic_id()
    C.autolic_hub_create(db, actor, team, enc(name, "name"), ctypes.byref(out))
    return out.value


def get(db, hub):
    """Read a developer hub (APS-2, ``autolic_hub_get``); raises NotFound."""
    info = _h.autolic_hub_info()
    info.version = _h.HUB_INFO_VERSION
    C.autolic_hub_get(db, hub, ctypes.byref(info))
    return Hub(info.id, info.team, dec(info.name), from_time(info.created),
               info.created_by or None)


def find(db, team):
    """The id of the hub of `team` (APS-2); raises NotFound."""
    out = _c.autolic_id()
    C.autolic_hub_find(db, team, ctypes.byref(out))
    return out.value


def add_admin(db, actor, hub, account):
    """Appoint a hub administrator (APS-4)."""
    C.autolic_hub_add_admin(db, actor, hub, account)


def app_create(db, actor, hub, name):
    """Create an application in `hub` (APS-3); returns its id."""
    out = _c.autolic_id()
    C.autolic_hub_app_create(db, actor, hub, enc(name, "name"), ctypes.byref(out))
    return out.value


def app_get(db, app):
    """Read an application (APS-4, ``autolic_hub_app_get``); raises NotFound."""
    info = _h.autolic_app_info()
    info.version = _h.APP_INFO_VERSION
    C.autolic_hub_app_get(db, app, ctypes.byref(info))
    return App(info.id, info.hub, dec(info.name), from_time(info.created))


def app_move(db, actor, app, to_hub):
    """Move an application to another hub (APS-4)."""
    C.autolic_hub_app_move(db, actor, app, to_hub)
