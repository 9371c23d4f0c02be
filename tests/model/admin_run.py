#!/usr/bin/env python3
"""Seeded random call sequences against the administration side, compared call
by call with the reference in admin_model.py.

Each sequence opens a fresh memory database through the Python binding, with a
clock the driver moves, and draws its steps from weighted generators that lean
towards the cases where rules meet: product codes in mixed case (SEAM-1),
contract manager transfers (SEAM-2, ROLE-3), seats for people outside the team
(SEAM-3), invitations crossing their 7 days (ACCT-4), removal of seat holders
(SEAT-4), the wrong actor (ROLE-6, ROLE-7) and full contracts (SEAT-2). After
every call it compares the outcome (success, or the error code and the rule the
message names) and then the whole state the library shows with the model's.
On the first difference it prints a reproducer (the sequence's calls as Python
lines) and exits 1.

    AUTOLIC_LIBRARY=build/dev/libautolic.so python3 tests/model/admin_run.py \
        --seed 1 --sequences 2000 --steps 40
"""
import argparse
import ctypes
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import CODE_NAMES, Clock, diff, import_binding, rule_of  # noqa: E402
import admin_model as M  # noqa: E402

autolic = import_binding()
C = autolic.C
from autolic._api import account as _a  # noqa: E402
from autolic._api import contract as _k  # noqa: E402
from autolic._api import core as _c  # noqa: E402
from autolic._api import ops as _o  # noqa: E402
from autolic._api import seat as _s  # noqa: E402
from autolic._api import team as _t  # noqa: E402

T0 = 1_800_000_000
DAY = 86400


# ---- the library, through the binding ---------------------------------------------------
def _acct(name):
    """The binding's account function, or a stand-in over its declaration table when
    this binding does not have it yet (same signature)."""
    return getattr(autolic.account, name, None)


def _spec(email, first, last, language):
    enc = autolic._lib.enc
    return _a.autolic_account_spec(_a.ACCOUNT_SPEC_VERSION, enc(email), enc(first), enc(last),
                                   enc(language))


class Lib:
    """One function per call the model knows, keyword arguments as the model's."""

    @staticmethod
    def register(db, email, first=None, last=None, language=None):
        return autolic.account.register(db, email, first, last, language)

    @staticmethod
    def invite(db, actor, team, email, first=None, last=None):
        f = _acct("invite")
        if f:
            return f(db, actor, team, email, first, last)
        out = _c.autolic_id()
        C.autolic_account_invite(db, actor, team, ctypes.byref(_spec(email, first, last, None)),
                                 ctypes.byref(out))
        return out.value

    @staticmethod
    def invite_text(db, actor, team, person):
        f = _acct("invite_text")
        if f:
            return f(db, actor, team, person)
        out = _c.autolic_id()
        C.autolic_account_invite_text(db, actor, team, person.encode(), ctypes.byref(out))
        return out.value

    @staticmethod
    def accept(db, account):
        f = _acct("accept")
        return f(db, account) if f else C.autolic_account_accept(db, account) and None

    @staticmethod
    def resend(db, actor, account):
        f = _acct("resend")
        return f(db, actor, account) if f else C.autolic_account_resend(db, actor, account) and None

    @staticmethod
    def update(db, actor, account, email=None, first=None, last=None, language=None):
        f = _acct("update")
        if f:
            return f(db, actor, account, email, first, last, language)
        C.autolic_account_update(db, actor, account,
                                 ctypes.byref(_spec(email, first, last, language)))

    @staticmethod
    def remove(db, actor, account):
        f = _acct("remove")
        return f(db, actor, account) if f else C.autolic_account_remove(db, actor, account) and None

    @staticmethod
    def import_list(db, actor, team, lines):
        text = "\n".join(lines) + "\n"
        f = _acct("import_")
        if f:
            return f(db, actor, team, text, autolic.account.ImportFormat.LIST)
        added = ctypes.c_size_t()
        C.autolic_account_import(db, actor, team, text.encode(), _a.IMPORT_LIST,
                                 _a.import_error_fn(lambda *a: None), None, ctypes.byref(added))
        return added.value

    @staticmethod
    def import_csv(db, actor, team, rows):
        text = "email,first_name,last_name\n" + "".join(
            "%s,%s,%s\n" % row for row in rows)
        return autolic.account.import_(db, actor, team, text, autolic.account.ImportFormat.CSV)

    @staticmethod
    def team_create(db, actor, name):
        return autolic.team.create(db, actor, name)

    @staticmethod
    def team_add_admin(db, actor, team, account):
        autolic.team.add_admin(db, actor, team, account)

    @staticmethod
    def team_remove_admin(db, actor, team, account):
        autolic.team.remove_admin(db, actor, team, account)

    @staticmethod
    def team_set_primary(db, actor, team, account):
        autolic.team.set_primary(db, actor, team, account)

    @staticmethod
    def contract_buy(db, actor, team, products, start, end, auto_renew=False):
        return autolic.contract.buy(db, actor, team, products, start, end, auto_renew)

    @staticmethod
    def contract_transfer_manager(db, actor, contract, new_manager):
        autolic.contract.transfer_manager(db, actor, contract, new_manager)

    @staticmethod
    def contract_assign_coordinator(db, actor, serial, current_email, new_coordinator):
        autolic.contract.assign_coordinator(db, actor, serial, current_email, new_coordinator)

    @staticmethod
    def contract_set_auto_renew(db, actor, contract, on):
        autolic.contract.set_auto_renew(db, actor, contract, on)

    @staticmethod
    def contract_renew(db, actor, contract, new_end):
        autolic.contract.renew(db, actor, contract, new_end)

    @staticmethod
    def contract_set_quantity(db, actor, contract, product, quantity):
        return autolic.contract.set_quantity(db, actor, contract, product, quantity)

    @staticmethod
    def contract_download_check(db, actor, contract, product):
        autolic.contract.download_check(db, actor, contract, product)

    @staticmethod
    def contract_update_offer(db, actor, contract, product, update, offered):
        autolic.contract.update_offer(db, actor, contract, product, update, offered)

    @staticmethod
    def contract_update_check(db, actor, contract, product, update):
        autolic.contract.update_check(db, actor, contract, product, update)

    @staticmethod
    def contract_product_get(db, actor, contract, product):
        p = autolic.contract.product_get(db, actor, contract, product)
        return (p.contract, p.product, p.quantity, p.bought)

    @staticmethod
    def seat_grant(db, actor, contract, product, user):
        autolic.seat.grant(db, actor, contract, product, user)

    @staticmethod
    def seat_revoke(db, actor, contract, product, user):
        autolic.seat.revoke(db, actor, contract, product, user)

    @staticmethod
    def seat_set_access(db, actor, contract, user, products):
        return [(r.product.lower(), int(r.action))
                for r in autolic.seat.set_access(db, actor, contract, user, products)]

    @staticmethod
    def seat_import(db, actor, contract, lines):
        return [(r.product.lower(), int(r.action))
                for r in autolic.seat.import_(db, actor, contract, lines)]

    @staticmethod
    def hub_create(db, actor, team, name):
        return autolic.hub.create(db, actor, team, name)

    @staticmethod
    def hub_add_admin(db, actor, hub, account):
        autolic.hub.add_admin(db, actor, hub, account)

    @staticmethod
    def hub_app_create(db, actor, hub, name):
        return autolic.hub.app_create(db, actor, hub, name)

    @staticmethod
    def hub_app_move(db, actor, app, to_hub):
        autolic.hub.app_move(db, actor, app, to_hub)


    # Fusion Operations (OPS)
    @staticmethod
    def ops_admin_add(db, actor, tenant, account):
        autolic.ops.admin_add(db, actor, tenant, account)

    @staticmethod
    def ops_subscription_buy(db, actor, tenant, kind, quantity, start, end):
        return autolic.ops.subscription_buy(db, actor, tenant, kind, quantity, start, end)

    @staticmethod
    def ops_subscription_set_quantity(db, actor, number, quantity):
        return autolic.ops.subscription_set_quantity(db, actor, number, quantity)

    @staticmethod
    def ops_subscription_end(db, actor, number):
        return autolic.ops.subscription_end(db, actor, number)

    @staticmethod
    def ops_hub_create(db, actor, tenant, name, trial_period, trial_operators):
        return autolic.ops.hub_create(db, actor, tenant, name, trial_period, trial_operators)

    @staticmethod
    def ops_hub_provision(db, actor, hub):
        return autolic.ops.hub_provision(db, actor, hub)

    @staticmethod
    def ops_user_add(db, actor, hub, account):
        autolic.ops.user_add(db, actor, hub, account)

    @staticmethod
    def ops_user_deactivate(db, actor, hub, account):
        autolic.ops.user_deactivate(db, actor, hub, account)

    @staticmethod
    def ops_user_reactivate(db, actor, hub, account):
        autolic.ops.user_reactivate(db, actor, hub, account)

    @staticmethod
    def ops_hub_reconcile(db, actor, hub):
        return autolic.ops.hub_reconcile(db, actor, hub)

    @staticmethod
    def ops_operator_transfer(db, actor, op, name):
        autolic.ops.operator_transfer(db, actor, op, name)

    @staticmethod
    def ops_operator_add(db, actor, hub, number, name):
        return autolic.ops.operator_add(db, actor, hub, number, name)

    @staticmethod
    def ops_operator_from_user(db, actor, hub, account, number):
        return autolic.ops.operator_from_user(db, actor, hub, account, number)

    @staticmethod
    def ops_operator_deactivate(db, actor, op):
        autolic.ops.operator_deactivate(db, actor, op)

    @staticmethod
    def ops_operator_reactivate(db, actor, op):
        autolic.ops.operator_reactivate(db, actor, op)

    @staticmethod
    def ops_operator_record_production(db, actor, op, at):
        autolic.ops.operator_record_production(db, actor, op, at)

    @staticmethod
    def ops_payment_late(db, actor, hub, due):
        autolic.ops.payment_late(db, actor, hub, due)

    @staticmethod
    def ops_payment_record(db, actor, hub):
        autolic.ops.payment_record(db, actor, hub)

    @staticmethod
    def ops_access_check(db, hub, account):
        autolic.ops.access_check(db, hub, account)


def attempt(fn, *args, **kw):
    """Call fn; print and return the library's error instead of raising it (reproducers)."""
    try:
        return fn(*args, **kw)
    except autolic.Error as e:
        print("%s: %s %s" % (fn.__name__, CODE_NAMES.get(e.code, e.code), e.message))
        return e


def open_db(t=T0, events=None):
    """A fresh memory database whose clock is the returned Clock (move clock.t); the
    notices it sends are appended to `events` as (type, recipient) when given."""
    clock = Clock(t)
    on_event = None if events is None else (lambda e: events.append((int(e.type), e.recipient)))
    return clock, autolic.Database(clock=clock, on_event=on_event)


# ---- reading the whole visible state -------------------------------------------------------
def _iterate(new, args, nxt, free, cls, version):
    it = ctypes.c_void_p()
    new(*args, ctypes.byref(it))
    out = []
    try:
        while True:
            s = cls()
            s.version = version
            if nxt(it, ctypes.byref(s)) == _c.ITEROVER:
                return out
            out.append(s)
    finally:
        free(it)


def _d(b):
    return b.decode("utf-8", "replace")


def ops_snapshot(db, hub_ids, sub_numbers):
    hubs, licences, operators, subs = {}, {}, {}, {}
    for hid in hub_ids:
        i = _o.HubInfo()
        i.version = _o.HUB_INFO_VERSION
        C.autolic_ops_hub_get(db, hid, ctypes.byref(i))
        hubs[hid] = (i.tenant, _d(i.name), i.state, i.trial_end, i.trial_days_left,
                     i.trial_operators, i.provisioned, i.payment_state, i.payment_due,
                     i.payment_block, i.payment_days_left)
        li = _o.LicenceInfo()
        li.version = _o.LICENCE_INFO_VERSION
        C.autolic_ops_licences_get(db, hid, ctypes.byref(li))
        licences[hid] = (li.user_total, li.user_used, li.user_available,
                         bool(li.shop_floor_subscribed), li.shop_floor_total,
                         li.shop_floor_used, li.shop_floor_available)
        operators[hid] = {o.id: (_d(o.number), _d(o.name), o.user, bool(o.active), o.reason,
                                 o.deactivated, bool(o.has_production), o.last_production,
                                 o.production_count) for o in _iterate(
            C.autolic_ops_operator_iter_new, (db, hid), C.autolic_ops_operator_iter_next,
            C.autolic_ops_operator_iter_free, _o.OperatorInfo, _o.OPERATOR_INFO_VERSION)}
    for n in sub_numbers:
        i = _o.SubscriptionInfo()
        i.version = _o.SUBSCRIPTION_INFO_VERSION
        C.autolic_ops_subscription_get(db, n, ctypes.byref(i))
        subs[n] = (i.tenant, i.kind, i.quantity, i.start, i.end, bool(i.active))
    return {"ops_hubs": hubs, "ops_licences": licences, "ops_operators": operators,
            "ops_subscriptions": subs}


def library_snapshot(db, app_ids):
    accounts, memberships, seats = {}, {}, {}
    for a in _iterate(C.autolic_account_iter_new, (db, 0), C.autolic_account_iter_next,
                      C.autolic_account_iter_free, _a.autolic_account_info,
                      _a.ACCOUNT_INFO_VERSION):
        accounts[a.id] = (_d(a.email), _d(a.first_name), _d(a.last_name), _d(a.language),
                          a.state, a.invitation_expires, a.invited_by, a.created)
        memberships[a.id] = {m.team: m.role for m in _iterate(
            C.autolic_team_iter_new, (db, a.id), C.autolic_team_iter_next,
            C.autolic_team_iter_free, _t.autolic_team_membership, _t.TEAM_MEMBERSHIP_VERSION)}
        seats[a.id] = {(e.contract, _d(e.product)) for e in _iterate(
            C.autolic_seat_user_products, (db, a.id), C.autolic_seat_iter_next,
            C.autolic_seat_iter_free, _s.autolic_seat_entry, _s.SEAT_ENTRY_VERSION)}
    teams, hubs, team_accounts = {}, {}, {}
    for m in _iterate(C.autolic_team_iter_new, (db, 0), C.autolic_team_iter_next,
                      C.autolic_team_iter_free, _t.autolic_team_membership,
                      _t.TEAM_MEMBERSHIP_VERSION):
        info = _t.autolic_team_info()
        info.version = _t.TEAM_INFO_VERSION
        C.autolic_team_get(db, m.team, ctypes.byref(info))
        teams[m.team] = (_d(info.name), info.primary)
        team_accounts[m.team] = {a.id for a in _iterate(
            C.autolic_account_iter_new, (db, m.team), C.autolic_account_iter_next,
            C.autolic_account_iter_free, _a.autolic_account_info, _a.ACCOUNT_INFO_VERSION)}
        try:
            hid = autolic.hub.find(db, m.team)
        except autolic.NotFound:
            hubs[m.team] = None
        else:
            h = autolic.hub.get(db, hid)
            hubs[m.team] = (hid, h.name, h.created_by)
    contracts, summaries, members = {}, {}, {}
    for i in _iterate(C.autolic_contract_iter_new, (db, 0), C.autolic_contract_iter_next,
                      C.autolic_contract_iter_free, _k.autolic_contract_info,
                      _k.CONTRACT_INFO_VERSION):
        contracts[i.id] = (_d(i.number), i.team, i.manager, i.coordinator, i.buyer, i.start,
                           i.end, bool(i.auto_renew), i.status, i.nproducts, i.created)
        summaries[i.id] = {_d(s.product): (s.quantity, s.granted, s.available) for s in _iterate(
            C.autolic_seat_contract_summary, (db, i.id), C.autolic_seat_summary_iter_next,
            C.autolic_seat_summary_iter_free, _s.autolic_seat_summary,
            _s.SEAT_SUMMARY_VERSION)}
        members[i.id] = {m.account: (m.roles, m.team_role, m.state) for m in _iterate(
            C.autolic_contract_member_iter_new, (db, i.id), C.autolic_contract_member_iter_next,
            C.autolic_contract_member_iter_free, _k.autolic_contract_member,
            _k.CONTRACT_MEMBER_VERSION)}
    apps = {}
    for app in app_ids:
        a = autolic.hub.app_get(db, app)
        apps[app] = (a.hub, a.name)
    return {"accounts": accounts, "memberships": memberships, "teams": teams,
            "contracts": contracts, "seats_summary": summaries, "contract_members": members,
            "seats": seats, "hubs": hubs, "apps": apps, "team_accounts": team_accounts}


# ---- generators ------------------------------------------------------------------------------
LOCALS = ["ann", "bob", "cyd", "dee", "eve", "fay", "gus", "hal"]
FIRST = {"ann": "Ann", "bob": "Bob", "cyd": "Cyd", "dee": "Dee", "eve": "Eve", "fay": "Fay",
         "gus": "Gus", "hal": "Hal"}
LAST = ["Lee", "Ng", "Roe", "Diaz"]
PRODUCTS = ["autocad", "revit", "maya"]
BAD_EMAILS = ["ann.example.com", "ann@example", "a@b@example.com", "ann @example.com",
              "ann@.example.com", "@example.com"]
BAD_PRODUCTS = ["auto cad", "", "revit!"]


class Gen:
    """Draws the next call from the model's state (never from the library's)."""

    def __init__(self, rng, model, without=()):
        self.r = rng
        self.m = model
        self.without = set(without)   # seams whose cases are not generated
        self.ops_focus = self.r.random() < 0.35   # a sequence about operators

    # pickers
    def chance(self, p):
        return self.r.random() < p

    def case(self, s):
        return "".join(c.upper() if self.chance(0.4) else c for c in s)

    def email(self, local=None):
        local = local or self.r.choice(LOCALS)
        return self.case(local) + "@" + self.case("example.com")

    def accounts(self):
        return sorted(self.m.accounts)

    def acct(self):
        ids = self.accounts()
        if not ids or self.chance(0.03):
            return 999
        return self.r.choice(ids)

    def actor(self, good):
        """A right actor most of the time, else anyone (ROLE-6, ROLE-7 violations)."""
        good = [a for a in good if a in self.m.accounts]
        if good and self.chance(0.75):
            return self.r.choice(sorted(good))
        return self.acct()

    def team(self):
        ts = sorted(self.m.teams)
        if not ts or self.chance(0.03):
            return 998
        return self.r.choice(ts)

    def contract(self):
        cs = sorted(self.m.contracts)
        if not cs or self.chance(0.03):
            return 997
        return self.r.choice(cs)

    def product(self, cid):
        c = self.m.contracts.get(cid)
        if self.chance(0.03):
            # "revit!" is printable ASCII but outside the one alphabet of SEAM-1
            return self.r.choice(BAD_PRODUCTS[:2] if "SEAM-1" in self.without else BAD_PRODUCTS)
        codes = sorted(c.products) if c else PRODUCTS
        if self.chance(0.05):
            codes = PRODUCTS
        p = self.r.choice(codes)
        return self.pcase(p) if self.chance(0.5) else p

    def pcase(self, code):
        """A product code in mixed case (SEAM-1)."""
        return code if "SEAM-1" in self.without else self.case(code)

    def person_name(self, local):
        return FIRST.get(local, "Xy"), self.r.choice(LAST)

    def local_of(self, email):
        return email.split("@")[0].lower()

    # the calls: each returns (name, kwargs)
    def g_register(self):
        if self.chance(0.05):
            return "register", dict(email=self.r.choice(BAD_EMAILS))
        local = self.r.choice(LOCALS)
        first, last = self.person_name(local)
        return "register", dict(email=self.email(local), first=first, last=last,
                                language=self.r.choice([None, "en", "fr-CH"]))

    def g_invite(self):
        team = self.team()
        t = self.m.teams.get(team)
        actor = self.actor([a for a, r in t.members.items() if r in (1, 2)] if t else [])
        if self.chance(0.04):
            return "invite", dict(actor=actor, team=team, email=self.r.choice(BAD_EMAILS),
                                  first="A", last="B")
        local = self.r.choice(LOCALS)
        existing = self.m.find_email(local + "@example.com")
        first, last = self.person_name(local)
        if self.chance(0.1):
            first = None if self.chance(0.5) else first
            last = None if first is not None else last
        return "invite", dict(actor=actor, team=team, email=self.email(local), first=first,
                              last=last)

    def g_invite_text(self):
        name, kw = self.g_invite()
        if kw["email"] in BAD_EMAILS or not kw.get("first") or not kw.get("last"):
            person = kw["email"]
        else:
            person = "%s %s <%s>" % (kw["first"], kw["last"], kw["email"])
        return "invite_text", dict(actor=kw["actor"], team=kw["team"], person=person)

    def g_accept(self):
        pending = [a for a in self.m.accounts if self.m.accounts[a].stored == M.INVITED]
        if pending and self.chance(0.85):
            return "accept", dict(account=self.r.choice(sorted(pending)))
        return "accept", dict(account=self.acct())

    def g_resend(self):
        pending = [a for a in self.m.accounts if self.m.accounts[a].stored == M.INVITED]
        account = self.r.choice(sorted(pending)) if pending and self.chance(0.85) else self.acct()
        admins = [a for t in self.m.teams_of(account) if account in self.m.accounts
                  for a, r in self.m.teams[t].members.items() if r in (1, 2)]
        return "resend", dict(actor=self.actor(admins), account=account)

    def g_update(self):
        account = self.acct()
        actor = account if self.chance(0.8) else self.acct()
        kw = dict(actor=actor, account=account)
        if self.chance(0.5):
            own = self.m.accounts.get(account)
            if own and self.chance(0.4):
                kw["email"] = self.case(own.email)     # own email, another case
            else:
                kw["email"] = self.email() if self.chance(0.95) else self.r.choice(BAD_EMAILS)
        if self.chance(0.5):
            kw["first"] = self.r.choice(["Ann", "Zed", "Émile"])
        if self.chance(0.3):
            kw["last"] = self.r.choice(LAST)
        if self.chance(0.3):
            kw["language"] = self.r.choice(["en", "fr-CH", "de"])
        return "update", kw

    def g_remove(self):
        holders = sorted({u for (_c, _p, u) in self.m.seats})
        if holders and self.chance(0.6):
            account = self.r.choice(holders)
        else:
            account = self.acct()
        admins = [a for t in self.m.teams_of(account) if account in self.m.accounts
                  for a, r in self.m.teams[t].members.items() if r in (1, 2)]
        return "remove", dict(actor=self.actor(admins), account=account)

    def g_import(self):
        team = self.team()
        t = self.m.teams.get(team)
        actor = self.actor([a for a, r in t.members.items() if r in (1, 2)] if t else [])
        lines = []
        for _ in range(self.r.randint(1, 3)):
            local = self.r.choice(LOCALS)
            existing = self.m.find_email(local + "@example.com")
            if self.chance(0.05):
                lines.append(self.r.choice(BAD_EMAILS))
            elif existing is not None and self.chance(0.6):
                lines.append(self.email(local))
            else:
                first, last = self.person_name(local)
                lines.append("%s %s <%s>" % (first, last, self.email(local)))
        if not lines:
            lines = ["%s Lee <%s>" % (FIRST["hal"], self.email("hal"))]
        if self.chance(0.5):
            rows = []
            for ln in lines:
                email = ln.split("<")[-1].rstrip(">") if "<" in ln else ln
                p = M.parse_person(ln)
                rows.append((email, p[1], p[2]) if p else (email, "", ""))
            return "import_csv", dict(actor=actor, team=team, rows=rows)
        return "import_list", dict(actor=actor, team=team, lines=lines)

    def g_team_create(self):
        return "team_create", dict(actor=self.actor([a for a in self.m.accounts
                                                     if self.m.state(a) == M.ACTIVE]),
                                   name=self.r.choice(["Design", "Plant", "R&D"]))

    def _primary_call(self, name, pick):
        team = self.team()
        t = self.m.teams.get(team)
        actor = self.actor([t.primary] if t else [])
        return name, dict(actor=actor, team=team, account=pick(t))

    def g_team_add_admin(self):
        def pick(t):
            # an administrator of another team, for the hubs of APS-4
            admins = [a for u in self.m.teams.values() if u is not t
                      for a, r in u.members.items() if r in (1, 2)]
            return self.r.choice(sorted(admins)) if admins and self.chance(0.4) else self.acct()
        return self._primary_call("team_add_admin", pick)

    def g_team_remove_admin(self):
        def pick(t):
            sec = [a for a, r in t.members.items() if r == 2] if t else []
            return self.r.choice(sorted(sec)) if sec and self.chance(0.8) else self.acct()
        return self._primary_call("team_remove_admin", pick)

    def g_team_set_primary(self):
        def pick(t):
            sec = [a for a, r in t.members.items() if r == 2] if t else []
            return self.r.choice(sorted(sec)) if sec and self.chance(0.8) else self.acct()
        return self._primary_call("team_set_primary", pick)

    def g_contract_buy(self):
        actives = [a for a in self.m.accounts if self.m.state(a) == M.ACTIVE]
        actor = self.actor(actives)
        n = self.r.randint(1, 3)
        codes = self.r.sample(PRODUCTS, n)
        prods = [(self.pcase(c) if self.chance(0.4) else c, self.r.randint(1, 3)) for c in codes]
        if self.chance(0.15) and "SEAM-1" not in self.without:
            # SEAM-1: the same product twice, in two cases
            c = prods[0][0]
            prods.append((c.swapcase() if c.swapcase() != c else c.upper(), 1))
        if self.chance(0.03):
            prods.append((self.r.choice(BAD_PRODUCTS[:2]), 1))
        if self.chance(0.03):
            prods[0] = (prods[0][0], 0)
        now = self.m.now
        kind = self.r.random()
        if kind < 0.7:
            start, end = now - DAY, now + self.r.choice([3, 20, 60]) * DAY
        elif kind < 0.85:
            start, end = now + DAY, now + 30 * DAY
        elif kind < 0.97:
            start, end = now - 10 * DAY, now + self.r.randint(1, 7200)
        else:
            start, end = now, now
        mine = [t for t, v in self.m.teams.items() if v.primary == actor]
        team = 0
        if mine and self.chance(0.5):
            team = self.r.choice(sorted(mine))
        elif self.chance(0.15):
            team = self.team()
        return "contract_buy", dict(actor=actor, team=team, products=prods, start=start,
                                    end=end, auto_renew=self.chance(0.2))

    def _cm_call(self):
        cid = self.contract()
        c = self.m.contracts.get(cid)
        return cid, c, self.actor([c.manager] if c else [])

    def g_contract_transfer_manager(self):
        cid, c, actor = self._cm_call()
        cands = [a for a, r in self.m.teams[c.team].members.items() if r == 2] if c else []
        new = self.r.choice(sorted(cands)) if cands and self.chance(0.8) else self.acct()
        return "contract_transfer_manager", dict(actor=actor, contract=cid, new_manager=new)

    def g_contract_assign_coordinator(self):
        cid, c, actor = self._cm_call()
        if c is None or not c.serials:
            serial = "999-99999999"
            cur = self.email()
        else:
            serial = c.serials[self.r.choice(sorted(c.serials))]
            cur = self.case(self.m.accounts[c.coordinator].email)
            if self.chance(0.1):
                cur = self.email()
        local = self.r.choice(LOCALS)
        existing = self.m.find_email(local + "@example.com")
        if existing is not None and self.m.accounts[existing].stored == M.REMOVED \
                and "removed-coordinator" in self.without:
            # a known difference: the library invites a removed person again
            local = "hal" if local != "hal" else "gus"
            existing = self.m.find_email(local + "@example.com")
            if existing is not None and self.m.accounts[existing].stored == M.REMOVED:
                return "contract_download_check", dict(actor=actor, contract=cid,
                                                       product=self.product(cid))
        if existing is not None and self.chance(0.6):
            new = self.email(local)
        else:
            first, last = self.person_name(local)
            new = "%s %s <%s>" % (first, last, self.email(local))
        return "contract_assign_coordinator", dict(actor=actor, serial=serial,
                                                   current_email=cur, new_coordinator=new)

    def g_contract_set_auto_renew(self):
        cid, c, actor = self._cm_call()
        return "contract_set_auto_renew", dict(actor=actor, contract=cid, on=self.chance(0.4))

    def g_contract_renew(self):
        cid, c, actor = self._cm_call()
        end = c.end if c else self.m.now
        return "contract_renew", dict(actor=actor, contract=cid,
                                      new_end=end + self.r.choice([-DAY, 0, 30 * DAY]))

    def g_contract_set_quantity(self):
        cid, c, actor = self._cm_call()
        p = self.product(cid)
        bought = c.products.get(M.product_code(p) or "", [0, 3])[1] if c else 3
        q = self.r.randint(0, bought) if self.chance(0.9) else bought + 1
        return "contract_set_quantity", dict(actor=actor, contract=cid, product=p, quantity=q)

    def _reader(self, name):
        cid = self.contract()
        c = self.m.contracts.get(cid)
        good = []
        if c:
            good = [c.manager, c.coordinator] + [u for (cc, _p, u) in self.m.seats if cc == cid]
        return name, dict(actor=self.actor(good), contract=cid, product=self.product(cid))

    def g_contract_download_check(self):
        return self._reader("contract_download_check")

    def g_contract_product_get(self):
        return self._reader("contract_product_get")

    def _update(self):
        return self.r.choice(["sp1", "sp2", "ext.a"]) if self.chance(0.97) else "sp 1"

    def g_contract_update_offer(self):
        cid, c, _ = self._cm_call()
        actor = self.actor([c.manager, c.coordinator] if c else [])
        return "contract_update_offer", dict(actor=actor, contract=cid,
                                             product=self.product(cid), update=self._update(),
                                             offered=self.chance(0.8))

    def g_contract_update_check(self):
        name, kw = self._reader("contract_update_check")
        kw["update"] = self._update()
        return name, kw

    def g_seat_grant(self):
        cid, c, _ = self._cm_call()
        actor = self.actor([c.manager, c.coordinator] if c else [])
        p = self.product(cid)
        if c and "SEAM-3" in self.without:
            user = self.r.choice(sorted(self.m.teams[c.team].members))
        elif c and self.chance(0.4):
            outside = [a for a in self.m.accounts if a not in self.m.teams[c.team].members]
            user = self.r.choice(sorted(outside)) if outside else self.acct()
        else:
            user = self.acct()
        return "seat_grant", dict(actor=actor, contract=cid, product=p, user=user)

    def g_seat_revoke(self):
        if self.m.seats and self.chance(0.8):
            cid, code, user = self.r.choice(sorted(self.m.seats))
            c = self.m.contracts[cid]
            p = self.pcase(code)
        else:
            cid, c, _ = self._cm_call()
            p, user = self.product(cid), self.acct()
        actor = self.actor([c.manager, c.coordinator] if c else [])
        return "seat_revoke", dict(actor=actor, contract=cid, product=p, user=user)

    def g_seat_set_access(self):
        cid, c, _ = self._cm_call()
        actor = self.actor([c.manager, c.coordinator] if c else [])
        if c and ("SEAM-3" in self.without or self.chance(0.7)):
            user = self.r.choice(sorted(self.m.teams[c.team].members))
        else:
            user = self.acct()
        codes = sorted(c.products) if c else PRODUCTS
        prods = [self.pcase(p) if self.chance(0.4) else p
                 for p in self.r.sample(codes, self.r.randint(0, len(codes)))]
        if prods and self.chance(0.1) and "SEAM-1" not in self.without:
            prods.append(prods[0].swapcase())      # the same product twice (SEAM-1)
        if self.chance(0.05):
            prods.append(self.r.choice(PRODUCTS))
        return "seat_set_access", dict(actor=actor, contract=cid, user=user, products=prods)

    def g_seat_import(self):
        cid, c, _ = self._cm_call()
        actor = self.actor([c.manager, c.coordinator] if c else [])
        pool = sorted(self.m.teams[c.team].members) if c and "SEAM-3" in self.without \
            else self.accounts()
        codes = sorted(c.products) if c else PRODUCTS
        pairs = sorted({(self.r.choice(pool or [999]), self.r.choice(codes))
                        for _ in range(self.r.randint(1, 3))})
        lines = [(u, self.pcase(p) if self.chance(0.4) else p) for u, p in pairs]
        return "seat_import", dict(actor=actor, contract=cid, lines=lines)

    def g_hub_create(self):
        free = sorted(t for t in self.m.teams if all(h.team != t for h in self.m.hubs.values()))
        team = self.r.choice(free) if free and self.chance(0.8) else self.team()
        t = self.m.teams.get(team)
        actor = self.actor([a for a, r in t.members.items() if r in (1, 2)] if t else [])
        return "hub_create", dict(actor=actor, team=team, name="Hub %d" % team)

    def _hub(self):
        hs = sorted(self.m.hubs)
        return self.r.choice(hs) if hs and self.chance(0.95) else 996

    def _hub_actor(self, hid):
        h = self.m.hubs.get(hid)
        if not h:
            return self.acct()
        return self.actor([a for a, r in self.m.teams[h.team].members.items() if r in (1, 2)]
                          + sorted(h.appointed))

    def g_hub_add_admin(self):
        hid = self._hub()
        account = self.acct()
        h = self.m.hubs.get(hid)
        if h and "hub-admin-twice" in self.without:
            # a known difference: the library appoints a team administrator
            others = [a for a in self.m.accounts if not self.m.is_admin(h.team, a)]
            account = self.r.choice(sorted(others)) if others else 999
        return "hub_add_admin", dict(actor=self._hub_actor(hid), hub=hid, account=account)

    def g_hub_app_create(self):
        hid = self._hub()
        return "hub_app_create", dict(actor=self._hub_actor(hid), hub=hid, name="App")

    def g_hub_app_move(self):
        apps = sorted(self.m.apps)
        app = self.r.choice(apps) if apps and self.chance(0.95) else 995
        to = self._hub()
        if app in self.m.apps and self.chance(0.8):
            others = sorted(h for h in self.m.hubs if h != self.m.apps[app][0])
            to = self.r.choice(others) if others else to
        both = []
        if app in self.m.apps and to in self.m.hubs:
            src = self.m.apps[app][0]
            both = [a for a in self.m.accounts
                    if self.m.hub_admin(src, a) and self.m.hub_admin(to, a)]
        return "hub_app_move", dict(actor=self.actor(both) if both else self._hub_actor(to),
                                    app=app, to_hub=to)

    # Fusion Operations (OPS)
    def _ops_actor(self, tenant):
        return self.actor([tenant] + sorted(self.m.ops_admins.get(tenant, ())))

    def _tenant(self):
        with_subs = sorted({s[0] for s in self.m.subs.values()})
        if with_subs and self.chance(0.8):
            return self.r.choice(with_subs)
        return self.acct()

    def _ops_hub(self):
        hs = sorted(self.m.ops_hubs)
        return self.r.choice(hs) if hs and self.chance(0.95) else 994

    def _ops_hub_actor(self, hid):
        h = self.m.ops_hubs.get(hid)
        return self._ops_actor(h.tenant) if h else self.acct()

    def g_ops_subscription_buy(self):
        tenant = self._tenant() if self.chance(0.5) else self.acct()
        now = self.m.now
        kind = self.r.choice([1, 2, 2]) if self.chance(0.97) else 3
        q = self.r.randint(1, 3) if self.chance(0.97) else 0
        end = now + self.r.randint(400, 500) * DAY if self.chance(0.97) else now - 1
        return "ops_subscription_buy", dict(actor=self._ops_actor(tenant), tenant=tenant,
                                            kind=kind, quantity=q,
                                            start=self.r.choice([0, now - DAY]), end=end)

    def g_ops_admin_add(self):
        tenant = self._tenant()
        return "ops_admin_add", dict(actor=self.actor([tenant]), tenant=tenant,
                                     account=self.acct())

    def g_ops_hub_create(self):
        free = sorted({s[0] for s in self.m.subs.values()} - {h.tenant for h in
                                                              self.m.ops_hubs.values()})
        tenant = self.r.choice(free) if free and self.chance(0.8) else self._tenant()
        period = self.r.choice([30 * DAY, 2 * DAY, 60 * DAY]) if self.chance(0.95) \
            else self.r.choice([0, 400 * DAY])
        return "ops_hub_create", dict(actor=self._ops_actor(tenant), tenant=tenant,
                                      name="Plant %d" % tenant, trial_period=period,
                                      trial_operators=self.r.randint(1, 4))

    def g_ops_hub_provision(self):
        hid = self._ops_hub()
        return "ops_hub_provision", dict(actor=self._ops_hub_actor(hid), hub=hid)

    def g_ops_user_add(self):
        hid = self._ops_hub()
        return "ops_user_add", dict(actor=self._ops_hub_actor(hid), hub=hid, account=self.acct())

    def _ops_user(self, hid):
        h = self.m.ops_hubs.get(hid)
        users = sorted(h.users) if h else []
        return self.r.choice(users) if users and self.chance(0.85) else self.acct()

    def g_ops_user_deactivate(self):
        hid = self._ops_hub()
        return "ops_user_deactivate", dict(actor=self._ops_hub_actor(hid), hub=hid,
                                           account=self._ops_user(hid))

    def g_ops_user_reactivate(self):
        hid = self._ops_hub()
        return "ops_user_reactivate", dict(actor=self._ops_hub_actor(hid), hub=hid,
                                           account=self._ops_user(hid))

    def g_ops_hub_reconcile(self):
        hid = self._ops_hub()
        return "ops_hub_reconcile", dict(actor=self._ops_hub_actor(hid), hub=hid)

    def g_ops_operator_transfer(self):
        op, actor = self._op()
        return "ops_operator_transfer", dict(actor=actor, op=op,
                                             name=self.r.choice(["Ida Lu", "Jo Ma", ""]))

    def _number(self):
        return "op%d" % self.r.randint(1, 6) if self.chance(0.97) else "op 1"

    def g_ops_operator_add(self):
        hid = self._ops_hub()
        return "ops_operator_add", dict(actor=self._ops_hub_actor(hid), hub=hid,
                                        number=self._number(), name="Operator")

    def g_ops_operator_from_user(self):
        hid = self._ops_hub()
        return "ops_operator_from_user", dict(actor=self._ops_hub_actor(hid), hub=hid,
                                              account=self._ops_user(hid), number=self._number())

    def _op(self):
        ops = sorted(self.m.operators)
        op = self.r.choice(ops) if ops and self.chance(0.95) else 993
        o = self.m.operators.get(op)
        return op, (self._ops_hub_actor(o.hub) if o else self.acct())

    def g_ops_operator_deactivate(self):
        op, actor = self._op()
        return "ops_operator_deactivate", dict(actor=actor, op=op)

    def g_ops_operator_reactivate(self):
        op, actor = self._op()
        return "ops_operator_reactivate", dict(actor=actor, op=op)

    def g_ops_operator_record_production(self):
        op, actor = self._op()
        at = self.m.now - self.r.randint(0, 5 * DAY) if self.chance(0.95) \
            else self.m.now + self.r.choice([300, 301])
        return "ops_operator_record_production", dict(actor=actor, op=op, at=at)

    def _sub(self):
        subs = sorted(self.m.subs)
        n = self.r.choice(subs) if subs and self.chance(0.95) else 992
        s = self.m.subs.get(n)
        return n, (self._ops_actor(s[0]) if s else self.acct())

    def g_ops_subscription_set_quantity(self):
        n, actor = self._sub()
        return "ops_subscription_set_quantity", dict(actor=actor, number=n,
                                                     quantity=self.r.randint(0, 3))

    def g_ops_subscription_end(self):
        n, actor = self._sub()
        return "ops_subscription_end", dict(actor=actor, number=n)

    def g_ops_payment_late(self):
        hid = self._ops_hub()
        due = self.m.now - self.r.choice([0, 10 * DAY, 29 * DAY, 30 * DAY, 31 * DAY]) \
            if self.chance(0.95) else self.m.now + 10
        return "ops_payment_late", dict(actor=self._ops_hub_actor(hid), hub=hid, due=due)

    def g_ops_payment_record(self):
        hid = self._ops_hub()
        return "ops_payment_record", dict(actor=self._ops_hub_actor(hid), hub=hid)

    def g_ops_access_check(self):
        hid = self._ops_hub()
        return "ops_access_check", dict(hub=hid, account=self._ops_user(hid))

    def g_advance(self):
        pending = [a.expires for a in self.m.accounts.values() if a.stored == M.INVITED
                   and a.expires > self.m.now]
        if pending and self.chance(0.4):     # ACCT-4: land on the edge of an invitation
            return "advance", dict(seconds=min(pending) - self.m.now + self.r.choice([-1, 0, 1]))
        ends = [c.end for c in self.m.contracts.values() if c.end > self.m.now]
        if ends and self.chance(0.2):
            return "advance", dict(seconds=min(ends) - self.m.now + self.r.choice([-1, 0]))
        return "advance", dict(seconds=self.r.choice([1, 3600, DAY, 3 * DAY, 6 * DAY]))

    def next(self):
        m = self.m
        has_c = 1 if m.contracts else 0.1
        has_h = 1 if m.hubs else 0.1
        w = [
            ("g_register", 3 if len(m.accounts) < 6 else 0.3),
            ("g_invite", 6 if m.teams and len(m.accounts) < 7 else 1),
            ("g_invite_text", 2),
            ("g_accept", 4),
            ("g_resend", 2),
            ("g_update", 2),
            ("g_remove", 3),
            ("g_import", 1.5),
            ("g_team_create", 2 if len(m.teams) < 3 else 0.2),
            ("g_team_add_admin", 3),
            ("g_team_remove_admin", 1.5),
            ("g_team_set_primary", 2),
            ("g_contract_buy", 8 if not m.contracts else (3 if len(m.contracts) < 3 else 0.3)),
            ("g_contract_transfer_manager", 4 * has_c),
            ("g_contract_assign_coordinator", 3 * has_c),
            ("g_contract_set_auto_renew", 2 * has_c),
            ("g_contract_renew", 1 * has_c),
            ("g_contract_set_quantity", 2 * has_c),
            ("g_contract_download_check", 2.5 * has_c),
            ("g_contract_product_get", 1.5 * has_c),
            ("g_contract_update_offer", 1.5 * has_c),
            ("g_contract_update_check", 2 * has_c),
            ("g_seat_grant", 12 * has_c),
            ("g_seat_revoke", 3 * has_c),
            ("g_seat_set_access", 3 * has_c),
            ("g_seat_import", 2 * has_c),
            ("g_hub_create", 3 if len(m.hubs) < 2 and len(m.teams) > 1 else 0.5),
            ("g_hub_add_admin", 1 * has_h),
            ("g_hub_app_create", 1 * has_h),
            ("g_hub_app_move", 1.5 if m.apps and len(m.hubs) > 1 else 0.1),
            ("g_advance", 5),
        ]
        has_o = 1 if m.ops_hubs else 0.1
        k = 3 if self.ops_focus else 0.3
        w += [
            ("g_ops_subscription_buy", k * (2 if len(m.subs) < 3 else 0.3)),
            ("g_ops_admin_add", k * 0.5),
            ("g_ops_hub_create", k * (2 if m.subs and not m.ops_hubs else 0.3)),
            ("g_ops_hub_provision", k * 0.7 * has_o),
            ("g_ops_user_add", k * 1.5 * has_o),
            ("g_ops_user_deactivate", k * 0.7 * has_o),
            ("g_ops_operator_add", k * 2.5 * has_o),
            ("g_ops_operator_from_user", k * 1 * has_o),
            ("g_ops_operator_deactivate", k * 1 * has_o),
            ("g_ops_operator_reactivate", k * 1 * has_o),
            ("g_ops_operator_record_production", k * 1.5 * has_o),
            ("g_ops_subscription_set_quantity", k * 1 * has_o),
            ("g_ops_subscription_end", k * 0.4 * has_o),
            ("g_ops_payment_late", k * 0.5 * has_o),
            ("g_ops_payment_record", k * 0.4 * has_o),
            ("g_ops_access_check", k * 1.5 * has_o),
            ("g_ops_user_reactivate", k * 0.5 * has_o),
            ("g_ops_hub_reconcile", k * 0.5 * has_o),
            ("g_ops_operator_transfer", k * 0.5 * has_o),
        ]
        if "SEAM-2" in self.without:
            w = [(n, 0 if n in ("g_contract_transfer_manager", "g_team_set_primary") else x)
                 for n, x in w]
        names, weights = zip(*w)
        return getattr(self, self.r.choices(names, weights)[0])()


# ---- running one sequence --------------------------------------------------------------------
def render(name, kw):
    if name == "advance":
        return "clock.t += %d" % kw["seconds"]
    return "attempt(L.%s, db, %s)" % (name, ", ".join("%s=%r" % kv for kv in kw.items()))


class Mismatch(Exception):
    pass


STATS = {}


class Sequence:
    def __init__(self, seed, number, steps, without=()):
        self.seed, self.number, self.nsteps = seed, number, steps
        self.rng = random.Random("%d:%d" % (seed, number))
        self.events = []
        self.clock, self.db = open_db(T0, self.events)
        self.model = M.AdminModel(self.clock)
        self.gen = Gen(self.rng, self.model, without)
        self.trace = []
        self.app_ids = []
        self.ops_hub_ids = []
        self.sub_numbers = []
        self.calls = 0

    def close(self):
        self.db.close()

    def reproducer(self, step, why):
        lines = ["# seed %d sequence %d step %d" % (self.seed, self.number, step),
                 "# from the source tree: AUTOLIC_LIBRARY=build/dev/libautolic.so python3 this.py",
                 "import sys; sys.path.insert(0, 'tests/model')",
                 "from admin_run import Lib as L, attempt, open_db",
                 "clock, db = open_db(%d)" % T0]
        lines += self.trace
        lines.append("# ^ %s" % why[0])
        lines += ["#   " + w for w in why[1:]]
        return "\n".join(lines)

    def run_step(self, step, name, kw):
        self.trace.append(render(name, kw))
        if name == "advance":
            self.clock.t += kw["seconds"]
        else:
            self.call(step, name, kw)
        self.compare_state(step)

    def call(self, step, name, kw):
        self.calls += 1
        code, msg, ret, rejected = 0, "", None, []
        del self.events[:]
        self.model.events, self.model.events_known = [], True
        self.model.events_open = set()
        try:
            ret = getattr(Lib, name)(self.db, **kw)
        except autolic.Error as e:
            code, msg = e.code, e.message
            rejected = [r.line for r in getattr(e, "rejected", ())]
        key = (name, CODE_NAMES.get(code, code), rule_of(msg) or "")
        STATS[key] = STATS.get(key, 0) + 1
        extra = {}
        if code == 0:
            extra = self.new_ids(name, kw, ret)
        faults = getattr(self.model, name)(**kw, **extra)
        actual = "OK" if code == 0 else "%s %r" % (CODE_NAMES.get(code, code), msg)
        if code == 0 and faults:
            raise Mismatch(step, ["%s succeeded; the model expects %s" % (name, faults)])
        if code != 0 and not faults:
            raise Mismatch(step, ["%s failed: %s; the model expects OK" % (name, actual)])
        if code != 0:
            why = faults.accepts(code, msg)
            if why:
                raise Mismatch(step, ["%s: %s" % (name, why), "actual: %s" % actual,
                                      "expected: %s" % faults])
            if name.startswith("import_") and code == -2 and "ACCT-5" in msg \
                    and rejected != self.model.last_rejected:
                raise Mismatch(step, ["%s rejected lines %r, the model expects %r (ACCT-5)"
                                      % (name, rejected, self.model.last_rejected)])
        types = set(M.CHECKED_EVENTS) - self.model.events_open
        got = sorted(e for e in self.events if e[0] in types)
        want = [] if faults else sorted(e for e in self.model.events if e[0] in types)
        if (faults or self.model.events_known) and got != want:
            raise Mismatch(step, ["%s notified %r, the model expects %r ((type, recipient): "
                                  "1 invitation, 2 resent, 3 role changed, 4 order confirmed, "
                                  "5 seat granted, 6 seat revoked, 10 operator deactivated, "
                                  "12 payment late)"
                                  % (name, got, want)])
        if code != 0:
            return
        expect = self.expected_return(name)
        if expect is not None and expect != ret:
            raise Mismatch(step, ["%s returned %r, the model expects %r" % (name, ret, expect)])
        if name == "contract_buy":
            self.learn_serials(ret)

    def new_ids(self, name, kw, ret):
        """The ids the library gave to what the call created (the model cannot know them)."""
        if name in ("register", "invite", "invite_text", "team_create", "hub_create",
                    "ops_operator_add", "ops_operator_from_user"):
            return {"new_id": ret}
        if name == "ops_hub_create":
            self.ops_hub_ids.append(ret)
            return {"new_id": ret}
        if name == "ops_subscription_buy":
            self.sub_numbers.append(ret)
            return {"new_id": ret}
        if name == "hub_app_create":
            self.app_ids.append(ret)
            return {"new_id": ret}
        if name == "contract_buy":
            info = autolic.contract.get(self.db, ret)
            return {"new_id": ret, "new_team": info.team}
        if name in ("import_list", "import_csv"):
            ids = {}
            for ln in kw.get("lines") or ["<%s>" % r[0] for r in kw["rows"]]:
                p = M.parse_person(ln)
                if p:
                    try:
                        ids[p[0]] = autolic.account.find(self.db, p[0])
                    except autolic.NotFound:
                        pass
            return {"new_ids": ids}
        if name == "contract_assign_coordinator":
            p = M.parse_person(kw["new_coordinator"])
            try:
                return {"new_id": autolic.account.find(self.db, p[0])}
            except autolic.NotFound:
                return {"new_id": None}
        return {}

    def expected_return(self, name):
        m = self.model
        if name in ("invite", "invite_text"):
            return m.last_id
        if name == "contract_set_quantity":
            return m.last_revoked
        if name == "contract_product_get":
            return m.last_product
        if name in ("seat_set_access", "seat_import"):
            return m.last_report
        if name in ("ops_hub_provision", "ops_subscription_set_quantity",
                    "ops_subscription_end", "ops_hub_reconcile"):
            return m.last_deactivated
        return None

    def learn_serials(self, cid):
        """Serial numbers are the library's to choose (ROLE-4 names them): read them once."""
        c = self.model.contracts.get(cid)
        if c is None:
            return
        for s in autolic.seat.contract_summary(self.db, cid):
            try:
                p = autolic.contract.product_get(self.db, c.manager, cid, s.product)
            except autolic.Error:
                continue        # the state comparison tells what is wrong
            c.serials[s.product.lower()] = p.serial

    def compare_state(self, step):
        expected = self.model.snapshot()
        actual = library_snapshot(self.db, self.app_ids)
        actual.update(ops_snapshot(self.db, self.ops_hub_ids, self.sub_numbers))
        d = diff(expected, actual)
        if d:
            raise Mismatch(step, ["state differs after the call:"] + d)
        try:
            self.db.check()  # the store's own invariants hold after every call
        except autolic.Error as e:
            raise Mismatch(step, ["autolic_db_check() fails after the call: %s" % e])

    def run(self, steps=None):
        """Run the generated sequence, or replay `steps` ((name, kwargs) pairs)."""
        self.steps = []
        for step in range(self.nsteps if steps is None else len(steps)):
            if steps is not None:
                name, kw = steps[step]
            else:
                name, kw = self.gen.next() if step >= 3 else self.setup(step)
            self.steps.append((name, kw))
            self.run_step(step, name, kw)

    def setup(self, step):
        """Three people registered first, so that something can happen."""
        local = LOCALS[step]
        first, last = FIRST[local], LAST[step]
        return "register", dict(email=self.gen.email(local), first=first, last=last)


def replay(seed, number, steps, without=()):
    """Replay `steps`; the Mismatch it ends on, or None."""
    seq = Sequence(seed, number, len(steps), without)
    try:
        seq.run(steps)
    except Mismatch as e:
        return seq, e
    finally:
        seq.close()
    return seq, None


def shrink(seed, number, steps, without=(), budget=20.0):
    """Drop the calls a failure does not need: greedily, one at a time, keeping a
    removal when the shorter sequence still fails on its last call, the same call."""
    last = steps[-1][0]
    t0 = time.monotonic()
    cur, i = list(steps), 0
    while i < len(cur) - 1 and time.monotonic() - t0 < budget:
        cand = cur[:i] + cur[i + 1:]
        _seq, e = replay(seed, number, cand, without)
        if e is not None and e.args[0] == len(cand) - 1 and cand[-1][0] == last:
            cur = cand
        else:
            i += 1
    return cur


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sequences", type=int, default=200)
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--seconds", type=float, default=0,
                    help="stop starting new sequences after this many seconds (0: no limit)")
    ap.add_argument("--first", type=int, default=0, help="number of the first sequence")
    ap.add_argument("--keep-going", action="store_true",
                    help="report every failing sequence instead of stopping at the first")
    ap.add_argument("--brief", action="store_true",
                    help="one line per failing sequence (its last call and why)")
    ap.add_argument("--stats", action="store_true",
                    help="count the outcomes of each call (how often each case was reached)")
    ap.add_argument("--no-shrink", action="store_true",
                    help="print the failing sequence as it ran, without looking for a "
                         "shorter one that fails the same way")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--without", default="",
                    help="comma-separated cases not to generate, to look past a known "
                         "difference: SEAM-1, SEAM-2, SEAM-3 (a seam's cases), "
                         "hub-admin-twice (a team administrator appointed hub administrator), "
                         "removed-coordinator (a removed person named software coordinator)")
    args = ap.parse_args(argv)
    without = [w for w in args.without.split(",") if w]
    t0 = time.monotonic()
    calls = done = failed = 0
    for n in range(args.first, args.first + args.sequences):
        if args.seconds and time.monotonic() - t0 > args.seconds:
            break
        seq = Sequence(args.seed, n, args.steps, without)
        done += 1
        try:
            seq.run()
        except Mismatch as e:
            step, why = e.args
            failed += 1
            if args.brief:
                print("MISMATCH seed %d sequence %d step %d: %s | %s"
                      % (args.seed, n, step, seq.trace[-1], " / ".join(why)[:400]))
            else:
                print("MISMATCH seed %d sequence %d step %d" % (args.seed, n, step))
                print(seq.reproducer(step, why))
                print()
                if not args.no_shrink:
                    steps = shrink(args.seed, n, seq.steps, without)
                    small, e = replay(args.seed, n, steps, without)
                    if e is not None and len(steps) < len(seq.steps):
                        print("The same failure in %d calls instead of %d:"
                              % (len(steps), len(seq.steps)))
                        print(small.reproducer(*e.args))
                        print()
            if not args.keep_going:
                break
        finally:
            calls += seq.calls
            seq.close()
        if args.verbose:
            print("sequence %d: %d calls" % (n, seq.calls))
    el = time.monotonic() - t0
    if args.stats:
        for (name, code, rule), n in sorted(STATS.items()):
            print("%8d  %-30s %-10s %s" % (n, name, code, rule))
    print("admin model: seed %d, %d sequences, %d calls, %d failed, %.1f s"
          % (args.seed, done, calls, failed, el))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
