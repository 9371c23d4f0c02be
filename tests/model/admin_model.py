"""A pure-Python reference of the administration side, written from the rules.

Accounts (ACCT-1..5), teams and roles (ROLE-1..9, APS-1), contracts and seats
(SEAT-1..5), developer hubs (APS-2..4) and the decisions at the seams (SEAM-1,
SEAM-2, SEAM-3), as the rules and the public headers state them. It shares no
code with the library: every method returns the Faults the rules raise against
the call (empty: the call must succeed) and, when there are none, applies the
call to the model's state. snapshot() is the whole state a host can read.

Where the rules leave a choice open the reading taken is written next to the
code, marked "Reading:".
"""
from admin_ops import OpsMixin
from common import (ANY, EEXISTS, EEXPIRED, EINVAL, ENOSEAT, ENOTFOUND, EPERM, ESTATE, Faults)

INVITATION_PERIOD = 604800  # ACCT-4: 7 days
SEATS_MAX = 1000000
PRODUCTS_MAX = 64
PRODUCT_MAX = 63

INVITED, ACTIVE, EXPIRED, REMOVED = 1, 2, 3, 4
PRIMARY, SECONDARY, USER = 1, 2, 3
PENDING, CONTRACT_ACTIVE, CONTRACT_EXPIRED = 1, 2, 3
ROLE_MANAGER, ROLE_COORDINATOR, ROLE_USER = 1, 2, 4
# The notices the model checks (db.h): ACCT-3/4 invitations and SEAT-3 seats.
EV_INVITATION_SENT, EV_INVITATION_RESENT, EV_SEAT_GRANTED, EV_SEAT_REVOKED = 1, 2, 5, 6
EV_ROLE_CHANGED, EV_ORDER_CONFIRMED = 3, 4      # ROLE-3, ROLE-4; ROLE-6 order confirmation
CHECKED_EVENTS = (EV_INVITATION_SENT, EV_INVITATION_RESENT, EV_ROLE_CHANGED, EV_ORDER_CONFIRMED,
                  EV_SEAT_GRANTED, EV_SEAT_REVOKED, 10, 12)   # 10, 12: operators, payment
KEEP, GRANT, REVOKE = 1, 2, 3

_EMAIL_BAD = set(' ()<>[]\\,;:"')
_PRODUCT_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


def normalize_email(email):
    """ACCT-1: the normalised email, or None when malformed (as account.h states the rules)."""
    if email is None:
        return None
    b = email.encode("utf-8")
    if not 3 <= len(b) <= 254 or email.count("@") != 1:
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7f or c in _EMAIL_BAD for c in email):
        return None
    local, domain = email.split("@")
    if not 1 <= len(local.encode()) <= 64 or not 1 <= len(domain.encode()) <= 253:
        return None
    if "." not in domain:
        return None
    for part in (local, domain):
        if part.startswith(".") or part.endswith(".") or ".." in part:
            return None
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in email)


def parse_person(text):
    """ACCT-3: `First Last <email>` or a bare email -> (email, first, last), or None."""
    text = text.strip()
    if "<" in text:
        if not text.endswith(">") or text.count("<") != 1:
            return None
        name, email = text[:-1].split("<")
        words = name.split()
        first = words[0] if words else ""
        last = " ".join(words[1:])
    else:
        email, first, last = text, "", ""
    email = normalize_email(email.strip())
    if email is None:
        return None
    return email, first, last


def product_code(code):
    """SEAM-1: the normalised product code, or None when malformed."""
    if not code or len(code) > PRODUCT_MAX or any(c not in _PRODUCT_CHARS for c in code):
        return None
    return code.lower()


def contract_number(cid):
    """ROLE-1: `AL-` + the id in at least 8 digits + `-` + its Luhn check digit."""
    digits = "%08d" % cid
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return "AL-%s-%d" % (digits, (10 - total % 10) % 10)


class Account:
    def __init__(self, email, first, last, language, state, now, expires=0, invited_by=0):
        self.email, self.first, self.last, self.language = email, first, last, language
        self.stored = state          # INVITED, ACTIVE or REMOVED (EXPIRED is derived)
        self.created = now
        self.expires = expires
        self.invited_by = invited_by


class Team:
    def __init__(self, name, primary):
        self.name = name             # ANY for a team a purchase created (APS-1)
        self.primary = primary
        self.members = {primary: PRIMARY}


class Contract:
    def __init__(self, team, buyer, products, start, end, auto_renew):
        self.team = team
        self.manager = self.coordinator = self.buyer = buyer
        self.products = products     # code -> [quantity, bought]
        self.start, self.end, self.auto_renew = start, end, auto_renew
        self.serials = {}            # code -> serial (handed over by the driver)
        self.created = None


class Hub:
    def __init__(self, team, name, created_by):
        self.team, self.name, self.created_by = team, name, created_by
        self.appointed = set()


class AdminModel(OpsMixin):
    """The reference. `clock` is the same callable the handle reads."""

    def __init__(self, clock):
        self.clock = clock
        self.ops_init()
        self.events = []             # (type, recipient) the last call notifies
        self.events_known = True     # False: the rules leave the last call's notices open
        self.events_open = set()     # types of notice the rules leave open for the last call
        self.accounts = {}
        self.teams = {}
        self.contracts = {}
        self.seats = {}              # (contract, code, user) -> grant sequence
        self.grant_seq = 0
        self.hubs = {}
        self.apps = {}               # app -> [hub, name]
        self.offers = set()          # ROLE-8: (contract, product, update) offered

    # ---- derived reads -------------------------------------------------------------
    @property
    def now(self):
        return self.clock()

    def state(self, aid):
        a = self.accounts[aid]
        if a.stored == INVITED and self.now >= a.expires:
            return EXPIRED
        return a.stored

    def find_email(self, email):
        for aid, a in self.accounts.items():
            if a.email == email:
                return aid
        return None

    def status(self, c):
        if self.now < c.start:
            return PENDING
        if self.now < c.end:
            return CONTRACT_ACTIVE
        return CONTRACT_EXPIRED

    def role(self, tid, aid):
        return self.teams[tid].members.get(aid, 0)

    def is_admin(self, tid, aid):
        return self.role(tid, aid) in (PRIMARY, SECONDARY)

    def teams_of(self, aid):
        return [tid for tid, t in self.teams.items() if aid in t.members]

    def granted(self, cid, code):
        return sum(1 for (c, p, _u) in self.seats if c == cid and p == code)

    def holds_active_elsewhere(self, cid, code, uid):
        for (c, p, u) in self.seats:
            if u == uid and p == code and c != cid \
                    and self.status(self.contracts[c]) == CONTRACT_ACTIVE:
                return True
        return False

    def role_holder(self, aid):
        """Holds a role that must be handed over before removal (ROLE-2, ROLE-3, ROLE-4)."""
        if any(c.manager == aid or c.coordinator == aid for c in self.contracts.values()):
            return True
        return any(t.primary == aid for t in self.teams.values())

    def hub_admin(self, hid, aid):
        h = self.hubs[hid]
        return self.is_admin(h.team, aid) or aid in h.appointed

    def serial_contract(self, serial):
        for cid, c in self.contracts.items():
            for code, s in c.serials.items():
                if s == serial:
                    return cid, code
        return None, None

    # ---- checks shared by the calls ------------------------------------------------
    def actor_active(self, f, actor):
        """ROLE-7: the acting account must exist and be active."""
        if actor not in self.accounts:
            f.add(EPERM, "ROLE-7")
            return False
        st = self.state(actor)
        if st == EXPIRED:
            f.add(EPERM, "ROLE-7", "ACCT-4")
        elif st != ACTIVE:
            f.add(EPERM, "ROLE-7")
        return st == ACTIVE

    def _join(self, tid, aid, role=USER):
        t = self.teams[tid]
        if aid not in t.members:
            t.members[aid] = role

    def _new_person(self, aid, email, first, last, actor, language="en"):
        self.accounts[aid] = Account(email, first, last, language, INVITED, self.now,
                                     self.now + INVITATION_PERIOD, actor)
        self.events.append((EV_INVITATION_SENT, aid))          # ACCT-3

    # ---- accounts (ACCT) -----------------------------------------------------------
    def register(self, email, first=None, last=None, language=None, new_id=None):
        f = Faults()
        e = normalize_email(email)
        if e is None:
            return f.add(EINVAL, "ACCT-1")
        if self.find_email(e) is not None:
            return f.add(EEXISTS, "ACCT-1")
        self.accounts[new_id] = Account(e, first or "", last or "", language or "en", ACTIVE,
                                        self.now)
        return f

    def _add_person(self, f, actor, tid, email, first, last):
        """ACCT-3 for invite and invite_text; returns the account id the call gives back."""
        existing = self.find_email(email)
        if existing is not None and self.accounts[existing].stored != REMOVED:
            if existing in self.teams[tid].members:
                f.add(EEXISTS)
            return existing
        # account.h: an existing account is added by email, names may be omitted; a
        # removed one is invited again with the names it has. Only an unknown email
        # needs a first and a last name.
        if existing is None and (not first or not last):
            f.add(EINVAL, "ACCT-3")
        return existing

    def invite(self, actor, team, email, first=None, last=None, new_id=None):
        f = Faults()
        e = normalize_email(email)
        if e is None:
            f.add(EINVAL, "ACCT-1")
        if team not in self.teams:
            f.add(ENOTFOUND)
        if self.actor_active(f, actor) and team in self.teams and not self.is_admin(team, actor):
            f.add(EPERM, "ROLE-6", "ROLE-7")
        if e is None or team not in self.teams:
            return f
        existing = self._add_person(f, actor, team, e, first, last)
        if f:
            return f
        self._apply_add(actor, team, existing, e, first, last, new_id)
        return f

    def _apply_add(self, actor, team, existing, e, first, last, new_id):
        if existing is None:
            self._new_person(new_id, e, first, last, actor)
            self._join(team, new_id)
            self.last_id = new_id
            return
        a = self.accounts[existing]
        if a.stored == REMOVED:
            # A removed account added again is invited again (account.h): a new 7-day
            # period, sent by the actor. Reading: names given with the new invitation
            # replace the record's (the person is named anew), the language stays.
            if first:
                a.first = first
            if last:
                a.last = last
            a.stored = INVITED
            self.events.append((EV_INVITATION_SENT, existing))
            a.expires = self.now + INVITATION_PERIOD
            a.invited_by = actor
        # Reading (ACCT-2): names given for an existing account change nothing; only the
        # person edits their own details.
        self._join(team, existing)
        self.last_id = existing

    def invite_text(self, actor, team, person, new_id=None):
        f = Faults()
        p = parse_person(person)
        if p is None:
            f.add(EINVAL, "ACCT-1", "ACCT-3")
        if team not in self.teams:
            f.add(ENOTFOUND)
        if self.actor_active(f, actor) and team in self.teams and not self.is_admin(team, actor):
            f.add(EPERM, "ROLE-6", "ROLE-7")
        if p is None or team not in self.teams:
            return f
        e, first, last = p
        existing = self._add_person(f, actor, team, e, first, last)
        if f:
            return f
        self._apply_add(actor, team, existing, e, first, last, new_id)
        return f

    def accept(self, account):
        f = Faults()
        if account not in self.accounts:
            return f.add(ENOTFOUND)
        st = self.state(account)
        if st == EXPIRED:
            return f.add(EEXPIRED, "ACCT-4")
        if st != INVITED:
            return f.add(ESTATE)
        self.accounts[account].stored = ACTIVE
        return f

    def resend(self, actor, account):
        f = Faults()
        ok = self.actor_active(f, actor)
        if account not in self.accounts:
            return f.add(ENOTFOUND)
        st = self.state(account)
        if st not in (INVITED, EXPIRED):
            f.add(ESTATE, "ACCT-4")
        if ok and not any(self.is_admin(t, actor) for t in self.teams_of(account)):
            f.add(EPERM, "ROLE-6", "ROLE-7")
        if f:
            return f
        a = self.accounts[account]
        a.expires = self.now + INVITATION_PERIOD
        self.events.append((EV_INVITATION_RESENT, account))   # ACCT-4
        if a.invited_by != actor:
            # Reading: whether a resend by another administrator changes "who sent the
            # invitation" is not stated: left open.
            a.invited_by = ANY
        return f

    def update(self, actor, account, email=None, first=None, last=None, language=None):
        f = Faults()
        ok = self.actor_active(f, actor)
        if account not in self.accounts:
            f.add(ENOTFOUND)
        elif ok and actor != account:
            f.add(EPERM, "ROLE-6", "ROLE-7", "ACCT-2")
        e = None
        if email is not None:
            e = normalize_email(email)
            if e is None:
                f.add(EINVAL, "ACCT-1")
            else:
                other = self.find_email(e)
                if other is not None and other != account:
                    f.add(EEXISTS, "ACCT-1")
        if f:
            return f
        a = self.accounts[account]
        if e is not None:
            a.email = e
        if first is not None:
            a.first = first
        if last is not None:
            a.last = last
        if language is not None:
            a.language = language
        return f

    def remove(self, actor, account):
        f = Faults()
        ok = self.actor_active(f, actor)
        if account not in self.accounts:
            return f.add(ENOTFOUND)
        if self.accounts[account].stored == REMOVED:
            f.add(ESTATE)
        elif self.role_holder(account):
            f.add(ESTATE, "ROLE-2", "ROLE-3", "ROLE-4")
        # Reading: "the actor must administer every team the account belongs to"
        # (account.h) plus ROLE-6: removing is an administrator's right over the users
        # they manage, so an account that belongs to no team is nobody's to remove.
        teams = self.teams_of(account)
        if ok and (not teams or not all(self.is_admin(t, actor) for t in teams)):
            f.add(EPERM, "ROLE-6", "ROLE-7")
        if f:
            return f
        for t in self.teams.values():
            t.members.pop(account, None)
        self.events_known = False   # "the removal notifies as it sees fit" (seats.md)
        for k in [k for k in self.seats if k[2] == account]:   # SEAT-4
            del self.seats[k]
        for h in self.hubs.values():
            h.appointed.discard(account)
        self.accounts[account].stored = REMOVED
        return f

    def import_list(self, actor, team, lines, new_ids=None):
        """ACCT-5, the LIST format: one `First Last <email>` or email per line."""
        return self._import(actor, team, [parse_person(ln) for ln in lines], 1, new_ids)

    def import_csv(self, actor, team, rows, new_ids=None):
        """ACCT-5, the CSV format: a header naming email, first_name, last_name, then
        one record per row (line 2 on)."""
        recs = []
        for email, first, last in rows:
            e = normalize_email(email)
            recs.append(None if e is None else (e, first, last))
        return self._import(actor, team, recs, 2, new_ids)

    def _import(self, actor, team, records, first_line, new_ids):
        """All or nothing; every rejected line is reported with its number. `new_ids`
        maps each new person's email to the id the library gave (read back)."""
        f = Faults()
        self.last_rejected = []
        if team not in self.teams:
            f.add(ENOTFOUND)
        if self.actor_active(f, actor) and team in self.teams and not self.is_admin(team, actor):
            f.add(EPERM, "ROLE-6", "ROLE-7")
        if not records:
            f.add(EINVAL)
        if team not in self.teams:
            return f
        seen, plan, rejected = set(), [], []
        for i, p in enumerate(records):
            line = first_line + i
            if p is None:
                rejected.append(line)
                continue
            e, first, last = p
            if e in seen:
                rejected.append(line)
                continue
            seen.add(e)
            existing = self.find_email(e)
            if existing is not None:
                if existing in self.teams[team].members:
                    rejected.append(line)
                    continue
            elif not first or not last:
                rejected.append(line)
                continue
            plan.append((existing, e, first, last))
        self.last_rejected = rejected
        if rejected:
            f.add(EINVAL, "ACCT-5")
        if f:
            return f
        for existing, e, first, last in plan:
            self._apply_add(actor, team, existing, e, first, last,
                            None if existing is not None else new_ids.get(e))
        return f

    # ---- teams (APS-1, ROLE-3) -----------------------------------------------------
    def team_create(self, actor, name, new_id=None):
        f = Faults()
        if not name:
            f.add(EINVAL)
        self.actor_active(f, actor)
        if f:
            return f
        self.teams[new_id] = Team(name, actor)
        return f

    def team_add_admin(self, actor, team, account):
        f = Faults()
        ok = self.actor_active(f, actor)
        if team not in self.teams:
            return f.add(ENOTFOUND)
        if ok and self.teams[team].primary != actor:
            f.add(EPERM, "ROLE-6", "ROLE-3", "ROLE-4")
        if account not in self.accounts:
            return f.add(ENOTFOUND)
        if self.accounts[account].stored == REMOVED:
            f.add(ESTATE)
        elif self.is_admin(team, account):
            f.add(EEXISTS)
        if f:
            return f
        self.teams[team].members[account] = SECONDARY
        self.events.append((EV_ROLE_CHANGED, account))       # team.h: the account is told
        return f

    def team_remove_admin(self, actor, team, account):
        f = Faults()
        ok = self.actor_active(f, actor)
        if team not in self.teams:
            return f.add(ENOTFOUND)
        if ok and self.teams[team].primary != actor:
            f.add(EPERM, "ROLE-6", "ROLE-3")
        if account not in self.accounts:
            return f.add(ENOTFOUND)
        if self.role(team, account) != SECONDARY:
            f.add(ESTATE, "ROLE-3")
        elif any(c.team == team and account in (c.manager, c.coordinator)
                 for c in self.contracts.values()):
            f.add(ESTATE, "ROLE-2", "ROLE-4")
        if f:
            return f
        self.teams[team].members[account] = USER
        self.events.append((EV_ROLE_CHANGED, account))
        return f

    def _hand_primary(self, team, new):
        """SEAM-2: the team's primary administrator and the contract manager of every
        contract of the team are one person; the former becomes a secondary admin."""
        t = self.teams[team]
        old = t.primary
        t.members[t.primary] = SECONDARY
        t.members[new] = PRIMARY
        t.primary = new
        for c in self.contracts.values():
            if c.team == team:
                c.manager = new
                # contract.h: both told, once per contract of the team, then for the team
                self.events += [(EV_ROLE_CHANGED, new), (EV_ROLE_CHANGED, old)]
        self.events += [(EV_ROLE_CHANGED, new), (EV_ROLE_CHANGED, old)]

    def _renewing(self, team):
        """ROLE-3: a contract on automatic renewal must run to its end; one that has
        ended no longer holds a hand-over back (contract.h)."""
        return any(c.team == team and c.auto_renew and self.status(c) != CONTRACT_EXPIRED
                   for c in self.contracts.values())

    def team_set_primary(self, actor, team, account):
        f = Faults()
        ok = self.actor_active(f, actor)
        if team not in self.teams:
            return f.add(ENOTFOUND)
        if ok and self.teams[team].primary != actor:
            f.add(EPERM, "ROLE-3", "ROLE-6")
        if account not in self.accounts:
            return f.add(ENOTFOUND)
        if self.role(team, account) != SECONDARY or self.state(account) != ACTIVE:
            f.add(ESTATE, "ROLE-3")
        # Reading (SEAM-2 + ROLE-3): the new primary becomes the manager of the team's
        # contracts, which ROLE-3 forbids while one is on automatic renewal.
        if self._renewing(team):
            f.add(ESTATE, "ROLE-3", "SEAM-2")
        if f:
            return f
        self._hand_primary(team, account)
        return f

    # ---- contracts (ROLE) ----------------------------------------------------------
    def contract_buy(self, actor, team, products, start, end, auto_renew=False, new_id=None,
                     new_team=None):
        f = Faults()
        ok = self.actor_active(f, actor)
        codes = {}
        if not products or len(products) > PRODUCTS_MAX:
            f.add(EINVAL)
        for code, qty in products:
            n = product_code(code)
            if n is None:
                f.add(EINVAL)
            elif n in codes:
                f.add(EINVAL, "SEAM-1", "ROLE-1")   # SEAM-1: AutoCAD and autocad are one product
            else:
                codes[n] = qty
            if not 1 <= qty <= SEATS_MAX:
                f.add(EINVAL)
        if end <= start:
            f.add(EINVAL)
        target = team
        if team:
            if team not in self.teams:
                f.add(ENOTFOUND)
            elif ok and self.teams[team].primary != actor:
                f.add(EPERM, "ROLE-6", "ROLE-7")
        elif ok:
            mine = [t for t, v in self.teams.items() if v.primary == actor]
            if len(mine) > 1:
                f.add(EINVAL, "APS-1")
            target = mine[0] if mine else None
        if f:
            return f
        if target is None:                      # APS-1: a team for a new subscriber
            self.teams[new_team] = Team(ANY, actor)
            target = new_team
        self.contracts[new_id] = Contract(target, actor,
                                          {c: [q, q] for c, q in codes.items()},
                                          start, end, bool(auto_renew))
        self.contracts[new_id].created = self.now
        self.events.append((EV_ORDER_CONFIRMED, actor))       # ROLE-6: to the manager
        return f

    def _contract_actor(self, f, actor, contract, rules=("ROLE-6", "ROLE-7")):
        """The contract exists, the actor is active and its contract manager."""
        ok = self.actor_active(f, actor)
        if contract not in self.contracts:
            f.add(ENOTFOUND)
            return None
        c = self.contracts[contract]
        if ok and c.manager != actor:
            f.add(EPERM, *rules)
        return c

    def contract_transfer_manager(self, actor, contract, new_manager):
        f = Faults()
        c = self._contract_actor(f, actor, contract, ("ROLE-3", "ROLE-6", "ROLE-7"))
        if c is None:
            return f
        # SEAM-2: the new manager becomes the team's primary admin and so the manager
        # of each of the team's contracts; ROLE-3 forbids that while any of them
        # renews automatically.
        if self._renewing(c.team):
            f.add(ESTATE, "ROLE-3", "SEAM-2")
        if new_manager not in self.accounts:
            return f.add(ENOTFOUND)
        if new_manager == c.manager or not self.is_admin(c.team, new_manager) \
                or self.state(new_manager) != ACTIVE:
            f.add(ESTATE, "ROLE-3")
        if f:
            return f
        self._hand_primary(c.team, new_manager)
        return f

    def contract_assign_coordinator(self, actor, serial, current_email, new_coordinator,
                                    new_id=None):
        f = Faults()
        ok = self.actor_active(f, actor)
        cid, _code = self.serial_contract(serial)
        if cid is None:
            return f.add(ENOTFOUND)
        c = self.contracts[cid]
        if ok and c.manager != actor:
            f.add(EPERM, "ROLE-6", "ROLE-4", "ROLE-7")
        cur = normalize_email(current_email)
        if cur is None:
            f.add(EINVAL)
        elif cur != self.accounts[c.coordinator].email:
            f.add(EINVAL, "ROLE-4")
        p = parse_person(new_coordinator)
        if p is None:
            return f.add(EINVAL)
        e, first, last = p
        existing = self.find_email(e)
        if existing is None:
            if not first or not last:
                f.add(EINVAL, "ACCT-3")
        elif self.accounts[existing].stored == REMOVED:
            f.add(ESTATE)
        elif existing == c.coordinator:
            f.add(EEXISTS, "ROLE-4")
        if f:
            return f
        if existing is None:
            self._new_person(new_id, e, first, last, actor)
            existing = new_id
        if not self.is_admin(c.team, existing):
            self.teams[c.team].members[existing] = SECONDARY
            # Reading left open: whether becoming a secondary admin is a notice of its own
            self.events_open.add(EV_ROLE_CHANGED)
        self.events += [(EV_ROLE_CHANGED, existing), (EV_ROLE_CHANGED, c.coordinator)]
        c.coordinator = existing
        return f

    def contract_set_auto_renew(self, actor, contract, on):
        f = Faults()
        c = self._contract_actor(f, actor, contract)
        if c is None:
            return f
        if self.status(c) == CONTRACT_EXPIRED:
            f.add(EEXPIRED)
        if f:
            return f
        c.auto_renew = bool(on)
        return f

    def contract_renew(self, actor, contract, new_end):
        f = Faults()
        c = self._contract_actor(f, actor, contract)
        if c is None:
            return f
        if new_end <= c.end:
            f.add(EINVAL)
        if f:
            return f
        c.end = new_end
        return f

    def contract_set_quantity(self, actor, contract, product, quantity):
        f = Faults()
        c = self._contract_actor(f, actor, contract)
        code = product_code(product)
        if code is None:
            f.add(EINVAL)
        if c is None or code is None:
            return f
        if code not in c.products:
            return f.add(ENOTFOUND)
        if not 0 <= quantity <= c.products[code][1]:
            f.add(EINVAL, "ROLE-9")
        if f:
            return f
        c.products[code][0] = quantity
        grants = sorted((seq, u) for (cc, p, u), seq in self.seats.items()
                        if cc == contract and p == code)
        self.last_revoked = 0
        while len(grants) > quantity:          # the most recent grants go first
            _seq, u = grants.pop()
            del self.seats[(contract, code, u)]
            self.events.append((EV_SEAT_REVOKED, u))
            self.last_revoked += 1
        return f

    def _may_see(self, c, cid, actor, code):
        """ROLE-6 rows "download", "see serial numbers": CM, SC, U*.

        Reading: U* is "products the user has been granted" (ROLE-6): a user of the
        contract's team holding a seat of the product on a contract whose term covers
        now (seats of an ended or future contract grant nothing, docs/seats.md), not
        necessarily on this contract."""
        if actor in (c.manager, c.coordinator):
            return True
        if actor not in self.teams[c.team].members:
            return False
        return any(u == actor and p == code
                   and self.status(self.contracts[cc]) == CONTRACT_ACTIVE
                   for (cc, p, u) in self.seats)

    def contract_download_check(self, actor, contract, product):
        f = Faults()
        code = product_code(product)
        if code is None:
            f.add(EINVAL)
        if contract not in self.contracts:
            return f.add(ENOTFOUND)
        c = self.contracts[contract]
        if code is not None and code not in c.products:
            return f.add(ENOTFOUND)
        ok = self.actor_active(f, actor)
        if ok and code is not None and not self._may_see(c, contract, actor, code):
            f.add(EPERM, "ROLE-6")
        st = self.status(c)
        if st == PENDING:
            f.add(ESTATE)
        elif st == CONTRACT_EXPIRED:
            f.add(EEXPIRED)
        return f

    def _update_call(self, f, actor, contract, product, update):
        code = product_code(product)
        if code is None or product_code(update) is None:
            f.add(EINVAL)
        if contract not in self.contracts:
            f.add(ENOTFOUND)
            return None, code
        c = self.contracts[contract]
        if code is not None and code not in c.products:
            f.add(ENOTFOUND)
        return c, code

    def _term(self, f, c, *rules):
        st = self.status(c)
        if st == PENDING:
            f.add(ESTATE, *rules)
        elif st == CONTRACT_EXPIRED:
            f.add(EEXPIRED, *rules)

    def contract_update_offer(self, actor, contract, product, update, offered):
        """ROLE-8: the manager or coordinator chooses the updates offered, while the
        contract is active."""
        f = Faults()
        ok = self.actor_active(f, actor)
        c, code = self._update_call(f, actor, contract, product, update)
        if c is None:
            return f
        if ok and actor not in (c.manager, c.coordinator):
            f.add(EPERM, "ROLE-6", "ROLE-8")
        self._term(f, c, "ROLE-8")
        if f:
            return f
        # Reading: update codes are compared as given (no rule makes them one alphabet).
        key = (contract, code, update)
        if offered:
            self.offers.add(key)
        else:
            self.offers.discard(key)
        return f

    def contract_update_check(self, actor, contract, product, update):
        f = Faults()
        c, code = self._update_call(f, actor, contract, product, update)
        if c is None:
            return f
        ok = self.actor_active(f, actor)
        if ok and code in c.products and actor not in (c.manager, c.coordinator):
            if not self._may_see(c, contract, actor, code):
                f.add(EPERM, "ROLE-6")
            elif (contract, code, update) not in self.offers:
                f.add(EPERM, "ROLE-8")
        self._term(f, c)
        return f

    def contract_product_get(self, actor, contract, product):
        f = Faults()
        code = product_code(product)
        if code is None:
            f.add(EINVAL)
        if contract not in self.contracts:
            return f.add(ENOTFOUND)
        c = self.contracts[contract]
        if code is not None and code not in c.products:
            return f.add(ENOTFOUND)
        ok = self.actor_active(f, actor)
        if ok and code is not None and not self._may_see(c, contract, actor, code):
            f.add(EPERM, "ROLE-6")
        if not f:
            self.last_product = (contract, code, c.products[code][0], c.products[code][1])
        return f

    # ---- seats (SEAT) --------------------------------------------------------------
    def _seat_call(self, f, actor, contract, product, user):
        code = product_code(product)
        if code is None:
            f.add(EINVAL)
        ok = self.actor_active(f, actor)
        if contract not in self.contracts:
            f.add(ENOTFOUND)
            return None, code
        c = self.contracts[contract]
        if code is not None and code not in c.products:
            f.add(ENOTFOUND)
        if user not in self.accounts:
            f.add(ENOTFOUND)
        if ok and actor not in (c.manager, c.coordinator):
            f.add(EPERM, "ROLE-6")
        return c, code

    def seat_grant(self, actor, contract, product, user):
        f = Faults()
        c, code = self._seat_call(f, actor, contract, product, user)
        if c is None or code is None or code not in c.products or user not in self.accounts:
            return f
        st = self.status(c)
        if st == PENDING:
            f.add(ESTATE)
        elif st == CONTRACT_EXPIRED:
            f.add(EEXPIRED)
        ust = self.state(user)
        if ust == REMOVED:
            f.add(ESTATE)
        elif ust == EXPIRED:
            f.add(EEXPIRED, "ACCT-4")
        if (contract, code, user) in self.seats or self.holds_active_elsewhere(contract, code,
                                                                                 user):
            f.add(EEXISTS, "SEAT-1", "SEAM-1")
        elif self.granted(contract, code) >= c.products[code][0]:
            f.add(ENOSEAT, "SEAT-2")
        if f:
            return f
        self.grant_seq += 1
        self.seats[(contract, code, user)] = self.grant_seq
        self.events.append((EV_SEAT_GRANTED, user))           # SEAT-3
        self._join(c.team, user)                # SEAM-3: a seat makes a member
        return f

    def seat_revoke(self, actor, contract, product, user):
        f = Faults()
        c, code = self._seat_call(f, actor, contract, product, user)
        if c is None or code is None or code not in c.products or user not in self.accounts:
            return f
        if (contract, code, user) not in self.seats:
            f.add(ENOTFOUND, "SEAT-1")
        if f:
            return f
        del self.seats[(contract, code, user)]
        self.events.append((EV_SEAT_REVOKED, user))           # SEAT-3
        return f

    def _grant_faults(self, f, c, contract, code, user, planned):
        """Why a grant of `code` to `user` would be refused (SEAT-1, SEAT-2, ACCT-4)."""
        st = self.status(c)
        if st == PENDING:
            f.add(ESTATE)
        elif st == CONTRACT_EXPIRED:
            f.add(EEXPIRED)
        ust = self.state(user)
        if ust == REMOVED:
            f.add(ESTATE)
        elif ust == EXPIRED:
            f.add(EEXPIRED, "ACCT-4")
        if self.holds_active_elsewhere(contract, code, user):
            f.add(EEXISTS, "SEAT-1", "SEAM-1")
        elif self.granted(contract, code) + planned >= c.products[code][0]:
            f.add(ENOSEAT, "SEAT-2")

    def _seats_actor(self, f, actor, contract):
        ok = self.actor_active(f, actor)
        if contract not in self.contracts:
            f.add(ENOTFOUND)
            return None
        c = self.contracts[contract]
        if ok and actor not in (c.manager, c.coordinator):
            f.add(EPERM, "ROLE-6")
        return c

    def seat_set_access(self, actor, contract, user, products):
        """The "edit access" dialog: exactly these products, all or nothing (SEAT-1..3)."""
        f = Faults()
        codes = [product_code(p) for p in products]
        if None in codes or len(set(codes)) != len(codes):
            f.add(EINVAL)                                   # malformed or repeated (SEAM-1)
        c = self._seats_actor(f, actor, contract)
        if user not in self.accounts:
            f.add(ENOTFOUND)
        if c is None or f:
            return f
        for code in codes:
            if code not in c.products:
                f.add(ENOTFOUND)
            elif (contract, code, user) not in self.seats:
                self._grant_faults(f, c, contract, code, user, 0)
        if f:
            return f
        held = sorted(p for (cc, p, u) in self.seats if cc == contract and u == user)
        report = []
        for code in codes:
            if (contract, code, user) in self.seats:
                report.append((code, KEEP))
            else:
                self.grant_seq += 1
                self.seats[(contract, code, user)] = self.grant_seq
                self.events.append((EV_SEAT_GRANTED, user))
                self._join(c.team, user)                    # SEAM-3
                report.append((code, GRANT))
        for code in held:
            if code not in codes:
                del self.seats[(contract, code, user)]
                self.events.append((EV_SEAT_REVOKED, user))
                report.append((code, REVOKE))
        self.last_report = report
        return f

    def seat_import(self, actor, contract, lines):
        """Seats in bulk: all or nothing, nobody notified (SEAT-3, ACCT-5); a seat already
        held on this contract is kept, so an import can be replayed."""
        f = Faults()
        if not lines:
            f.add(EINVAL)
        codes = [product_code(p) for _u, p in lines]
        if None in codes or any(u == 0 for u, _p in lines):
            f.add(EINVAL)
        c = self._seats_actor(f, actor, contract)
        if c is None or f:
            return f
        # Reading: an import is a grant in bulk; it needs the contract's term to cover
        # now even when every line is a seat already held (seat.h lists EEXPIRED and
        # ESTATE for the call as a whole).
        st = self.status(c)
        if st == PENDING:
            f.add(ESTATE)
        elif st == CONTRACT_EXPIRED:
            f.add(EEXPIRED)
        planned, report = {}, []
        for (user, _p), code in zip(lines, codes):
            if code not in c.products or user not in self.accounts:
                f.add(ENOTFOUND)
                continue
            if (contract, code, user) in self.seats:
                # Reading: a line kept is still checked like a grant for its person
                # (an expired invitation grants nothing, ACCT-4; a removed account).
                ust = self.state(user)
                if ust == REMOVED:
                    f.add(ESTATE)
                elif ust == EXPIRED:
                    f.add(EEXPIRED, "ACCT-4")
                report.append((code, KEEP))
                continue
            self._grant_faults(f, c, contract, code, user, planned.get(code, 0))
            planned[code] = planned.get(code, 0) + 1
            report.append((code, GRANT))
        if f:
            return f
        for (user, _p), code in zip(lines, codes):
            if (contract, code, user) not in self.seats:
                self.grant_seq += 1
                self.seats[(contract, code, user)] = self.grant_seq
                self._join(c.team, user)                    # SEAM-3
        self.last_report = report
        return f

    # ---- developer hubs (APS-2..4) -------------------------------------------------
    def hub_create(self, actor, team, name, new_id=None):
        f = Faults()
        ok = self.actor_active(f, actor)
        if team not in self.teams:
            return f.add(ENOTFOUND)
        if ok and not self.is_admin(team, actor):
            f.add(EPERM, "APS-3")
        if any(h.team == team for h in self.hubs.values()):
            f.add(EEXISTS, "APS-2")
        if f:
            return f
        self.hubs[new_id] = Hub(team, name, actor)
        return f

    def hub_add_admin(self, actor, hub, account):
        f = Faults()
        ok = self.actor_active(f, actor)
        if hub not in self.hubs:
            return f.add(ENOTFOUND)
        h = self.hubs[hub]
        if ok and not self.is_admin(h.team, actor):
            f.add(EPERM, "APS-4")
        if account not in self.accounts:
            return f.add(ENOTFOUND)
        if account not in self.teams[h.team].members or self.state(account) != ACTIVE:
            f.add(ESTATE)
        elif self.hub_admin(hub, account):
            # Reading: a team administrator already administers the hub (hub.h).
            f.add(EEXISTS)
        if f:
            return f
        h.appointed.add(account)
        return f

    def hub_app_create(self, actor, hub, name, new_id=None):
        f = Faults()
        ok = self.actor_active(f, actor)
        if hub not in self.hubs:
            return f.add(ENOTFOUND)
        if ok and not self.hub_admin(hub, actor):
            f.add(EPERM, "APS-4")
        if f:
            return f
        self.apps[new_id] = [hub, name]
        return f

    def hub_app_move(self, actor, app, to_hub):
        f = Faults()
        ok = self.actor_active(f, actor)
        if app not in self.apps or to_hub not in self.hubs:
            return f.add(ENOTFOUND)
        src = self.apps[app][0]
        if ok and not (self.hub_admin(src, actor) and self.hub_admin(to_hub, actor)):
            f.add(EPERM, "APS-4")
        if src == to_hub:
            f.add(ESTATE, "APS-4")
        if f:
            return f
        self.apps[app][0] = to_hub
        return f

    # ---- the visible state -----------------------------------------------------------
    def snapshot(self):
        """Everything a host can read, in the shape the driver reads the library."""
        accounts, memberships, seats = {}, {}, {}
        for aid, a in self.accounts.items():
            st = self.state(aid)
            pending = st in (INVITED, EXPIRED)
            accounts[aid] = (a.email, a.first, a.last, a.language, st,
                             a.expires if pending else ANY, a.invited_by if pending else ANY,
                             a.created)
            memberships[aid] = {tid: t.members[aid] for tid, t in self.teams.items()
                                if aid in t.members}
            seats[aid] = set()
        for (cid, code, uid) in self.seats:
            seats[uid].add((cid, code))
        teams = {tid: (t.name, t.primary) for tid, t in self.teams.items()}
        # SEAM-3: every noun answers "who are this team's users" the same way
        team_accounts = {tid: set(t.members) for tid, t in self.teams.items()}
        contracts, summaries, members = {}, {}, {}
        for cid, c in self.contracts.items():
            contracts[cid] = (contract_number(cid), c.team, c.manager, c.coordinator, c.buyer,
                              c.start, c.end, c.auto_renew, self.status(c), len(c.products),
                              c.created)
            summaries[cid] = {code: (q, self.granted(cid, code), q - self.granted(cid, code))
                              for code, (q, _b) in c.products.items()}
            t = self.teams[c.team]
            members[cid] = {aid: ((ROLE_MANAGER if aid == c.manager else 0)
                                  | (ROLE_COORDINATOR if aid == c.coordinator else 0)
                                  | ROLE_USER, role, self.state(aid))
                            for aid, role in t.members.items()}
        hubs = {tid: None for tid in self.teams}
        for hid, h in self.hubs.items():
            hubs[h.team] = (hid, h.name, h.created_by)
        apps = {aid: tuple(v) for aid, v in self.apps.items()}
        out = {"accounts": accounts, "memberships": memberships, "teams": teams,
               "contracts": contracts, "seats_summary": summaries, "contract_members": members,
               "seats": seats, "hubs": hubs, "apps": apps, "team_accounts": team_accounts}
        out.update(self.ops_snapshot())
        return out
