"""The Fusion Operations part of the reference (OPS-1..OPS-7), written from the
rules, ops.h and docs/operators.md. Mixed into admin_model.AdminModel, whose
accounts it shares (a tenant, its admins, users and the users operators are
made from are accounts).

Where the rules leave a choice open the reading taken is marked "Reading:".
"""
from common import (ANY, EEXISTS, EEXPIRED, EINVAL, ENOLICENCE, ENOOPLICENCE, ENOSEAT,
                    ENOTFOUND, EPERM, ESTATE, Faults)

OPS_USER, OPS_SHOP_FLOOR = 1, 2
HUB_TRIAL, HUB_TRIAL_ENDED, HUB_PROVISIONED = 1, 2, 3
PAY_OK, PAY_WARNING, PAY_BLOCKED = 0, 1, 2
REASON_NONE, REASON_MANUAL, REASON_USER, REASON_LICENCES = 0, 1, 2, 3
GRACE = 2592000                # OPS-6: 30 days
FUTURE_TOLERANCE = 300
DAY = 86400
_NUMBER_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")

INVITED, ACTIVE, EXPIRED, REMOVED = 1, 2, 3, 4
EV_OPERATOR_DEACTIVATED, EV_PAYMENT_LATE = 10, 12     # to the tenant (docs/operators.md)


def _days_up(seconds):
    return max(0, -(-seconds // DAY))


class OpsHub:
    def __init__(self, tenant, name, now, trial_period, trial_operators):
        self.tenant, self.name = tenant, name
        self.trial_end = now + trial_period
        self.trial_operators = trial_operators
        self.provisioned = None
        self.due = None
        self.users = {}            # account -> [active, (assigned at, account)]


class Operator:
    def __init__(self, hub, number, name, user, now):
        self.hub, self.number, self.name, self.user = hub, number, name, user
        self.active, self.reason, self.created, self.deactivated = True, REASON_NONE, now, 0
        self.count, self.last = 0, None


class OpsMixin:
    def ops_init(self):
        self.ops_admins = {}       # tenant -> set of admins
        self.subs = {}             # number -> [tenant, kind, quantity, start, end]
        self.ops_hubs = {}
        self.operators = {}

    # ---- derived ---------------------------------------------------------------------
    def hub_state(self, h):
        if h.provisioned is not None:
            return HUB_PROVISIONED
        return HUB_TRIAL if self.now < h.trial_end else HUB_TRIAL_ENDED

    def sub_active(self, s):
        return s[3] <= self.now < s[4]

    def licences_of(self, tenant, kind):
        return sum(s[2] for s in self.subs.values()
                   if s[0] == tenant and s[1] == kind and self.sub_active(s))

    def shop_floor_total(self, h):
        if self.hub_state(h) == HUB_TRIAL:
            return h.trial_operators
        return self.licences_of(h.tenant, OPS_SHOP_FLOOR)

    def op_active(self, o):
        """OPS-3: an operator made from a user reads inactive while its user is not
        an active user of the hub, or the account is removed or expired."""
        if not o.active:
            return False
        if o.user:
            h = self.ops_hubs[o.hub]
            u = h.users.get(o.user)
            if not u or not u[0] or self.state(o.user) in (REMOVED, EXPIRED):
                return False
        return True

    def licensed_used(self, hid):
        return sum(1 for o in self.operators.values()
                   if o.hub == hid and not o.user and o.active)

    def user_used(self, h):
        return sum(1 for u in h.users.values() if u[0])

    def ops_actor(self, f, actor, tenant):
        """ROLE-7: the tenant itself or an admin it named, ACTIVE."""
        if actor not in self.accounts or self.state(actor) != ACTIVE:
            f.add(EPERM, "ROLE-7", "ACCT-4")
            return False
        if actor != tenant and actor not in self.ops_admins.get(tenant, ()):
            f.add(EPERM, "ROLE-7")
            return False
        return True

    def select_excess(self, hid, allowed):
        """OPS-5: deactivate the excess of active licensed operators: no production
        first, then the oldest last production, the older creation, the lower id."""
        active = [(oid, o) for oid, o in self.operators.items()
                  if o.hub == hid and not o.user and o.active]
        excess = len(active) - allowed
        if excess <= 0:
            return 0
        active.sort(key=lambda p: (p[1].last is not None, p[1].last or 0, p[1].created, p[0]))
        for _oid, o in active[:excess]:
            o.active, o.reason, o.deactivated = False, REASON_LICENCES, self.now
            self.events.append((EV_OPERATOR_DEACTIVATED, self.ops_hubs[hid].tenant))
        return excess

    def tenant_hub(self, tenant):
        for hid, h in self.ops_hubs.items():
            if h.tenant == tenant:
                return hid
        return None

    # ---- calls ---------------------------------------------------------------------
    def ops_admin_add(self, actor, tenant, account):
        f = Faults()
        if actor not in self.accounts or self.state(actor) != ACTIVE or actor != tenant:
            f.add(EPERM, "ROLE-7", "ACCT-4")
        if account == tenant:
            f.add(EINVAL)
        if tenant not in self.accounts:
            return f.add(ENOTFOUND)
        if account not in self.accounts:
            return f.add(ENOTFOUND)
        if account != tenant and account in self.ops_admins.get(tenant, ()):
            f.add(EEXISTS)
        if f:
            return f
        self.ops_admins.setdefault(tenant, set()).add(account)
        return f

    def ops_subscription_buy(self, actor, tenant, kind, quantity, start, end, new_id=None):
        f = Faults()
        if tenant not in self.accounts:
            f.add(ENOTFOUND)
            if actor not in self.accounts or self.state(actor) != ACTIVE:
                f.add(EPERM, "ROLE-7", "ACCT-4")
        else:
            self.ops_actor(f, actor, tenant)
        if kind not in (OPS_USER, OPS_SHOP_FLOOR) or quantity < 1:
            f.add(EINVAL)
        s = start or self.now
        if end <= s or end <= self.now:
            f.add(EINVAL)
        if f:
            return f
        self.subs[new_id] = [tenant, kind, quantity, s, end]
        return f

    def _sub_call(self, f, actor, number):
        if number not in self.subs:
            f.add(ENOTFOUND)
            return None
        s = self.subs[number]
        self.ops_actor(f, actor, s[0])
        return s

    def _after_licences(self, tenant):
        """OPS-5 when licences shrink: on a provisioned hub of the tenant."""
        hid = self.tenant_hub(tenant)
        self.last_deactivated = 0
        if hid is not None and self.hub_state(self.ops_hubs[hid]) == HUB_PROVISIONED:
            self.last_deactivated = self.select_excess(
                hid, self.licences_of(tenant, OPS_SHOP_FLOOR))

    def ops_subscription_set_quantity(self, actor, number, quantity):
        f = Faults()
        s = self._sub_call(f, actor, number)
        if quantity < 1:
            f.add(EINVAL)
        if s is not None and self.now >= s[4]:
            f.add(ESTATE)
        if f:
            return f
        s[2] = quantity
        self._after_licences(s[0])
        return f

    def ops_subscription_end(self, actor, number):
        f = Faults()
        s = self._sub_call(f, actor, number)
        if s is not None and self.now >= s[4]:
            f.add(ESTATE)
        if f:
            return f
        s[4] = self.now
        self._after_licences(s[0])
        return f

    def ops_hub_create(self, actor, tenant, name, trial_period, trial_operators, new_id=None):
        f = Faults()
        if not name or len(name.encode()) > 100:
            f.add(EINVAL)
        if not 1 <= trial_period <= 366 * DAY:
            f.add(EINVAL)
        if tenant not in self.accounts:
            if actor not in self.accounts or self.state(actor) != ACTIVE:
                f.add(EPERM, "ROLE-7", "ACCT-4")
            return f.add(ENOTFOUND)
        self.ops_actor(f, actor, tenant)
        if not any(s[0] == tenant for s in self.subs.values()):
            f.add(ESTATE, "OPS-1")
        if self.tenant_hub(tenant) is not None:
            f.add(EEXISTS)
        if f:
            return f
        self.ops_hubs[new_id] = OpsHub(tenant, name, self.now, trial_period, trial_operators)
        return f

    def _hub_call(self, f, actor, hub):
        if hub not in self.ops_hubs:
            f.add(ENOTFOUND)
            return None
        h = self.ops_hubs[hub]
        self.ops_actor(f, actor, h.tenant)
        return h

    def ops_hub_provision(self, actor, hub):
        f = Faults()
        h = self._hub_call(f, actor, hub)
        if h is not None and h.provisioned is not None:
            f.add(ESTATE)
        if f:
            return f
        h.provisioned = self.now
        self.last_deactivated = self.select_excess(hub, self.licences_of(h.tenant,
                                                                         OPS_SHOP_FLOOR))
        return f

    def ops_user_add(self, actor, hub, account):
        f = Faults()
        h = self._hub_call(f, actor, hub)
        if h is None:
            return f
        if account not in self.accounts:
            return f.add(ENOTFOUND)
        if self.state(account) in (REMOVED, EXPIRED):
            f.add(ESTATE)
        if account in h.users:
            f.add(EEXISTS)
        elif self.user_used(h) >= self.licences_of(h.tenant, OPS_USER):
            f.add(ENOSEAT)
        if f:
            return f
        h.users[account] = [True, (self.now, account)]
        return f

    def ops_user_deactivate(self, actor, hub, account):
        f = Faults()
        h = self._hub_call(f, actor, hub)
        if h is None:
            return f
        if account not in h.users:
            return f.add(ENOTFOUND)
        if not h.users[account][0]:
            f.add(ESTATE)
        if f:
            return f
        h.users[account][0] = False
        for o in self.operators.values():              # OPS-3
            if o.hub == hub and o.user == account and o.active:
                o.active, o.reason, o.deactivated = False, REASON_USER, self.now
                self.events.append((EV_OPERATOR_DEACTIVATED, h.tenant))
        return f

    def ops_user_reactivate(self, actor, hub, account):
        """OPS-2: needs a free user licence; the user's operators stay deactivated (OPS-3)."""
        f = Faults()
        h = self._hub_call(f, actor, hub)
        if h is None:
            return f
        if account not in h.users:
            return f.add(ENOTFOUND)
        if h.users[account][0] or self.state(account) == REMOVED:
            f.add(ESTATE)
        elif self.user_used(h) >= self.licences_of(h.tenant, OPS_USER):
            f.add(ENOSEAT)
        if f:
            return f
        h.users[account] = [True, (self.now, account)]
        return f

    def ops_hub_reconcile(self, actor, hub):
        """The deactivations time made due: OPS-3 for operators of removed accounts
        (recorded now), OPS-5 when terms ended (the generator ends none by time)."""
        f = Faults()
        h = self._hub_call(f, actor, hub)
        if f:
            return f
        n = 0
        for o in self.operators.values():
            if o.hub == hub and o.user and o.active and self.state(o.user) == REMOVED:
                o.active, o.reason, o.deactivated = False, REASON_USER, self.now
                self.events.append((EV_OPERATOR_DEACTIVATED, h.tenant))
                n += 1
        if self.hub_state(h) == HUB_PROVISIONED:
            n += self.select_excess(hub, self.licences_of(h.tenant, OPS_SHOP_FLOOR))
        self.last_deactivated = n
        return f

    def ops_operator_transfer(self, actor, op, name):
        """A licensed operator passes to another person, keeping number and licence;
        one made from a user cannot be transferred (OPS-3)."""
        f = Faults()
        if not name:
            f.add(EINVAL)
        o, h = self._op_call(f, actor, op)
        if o is None:
            return f
        if o.user:
            f.add(ESTATE, "OPS-3")
        if f:
            return f
        o.name = name
        return f

    def _number_ok(self, f, hub, number):
        if not number or len(number) > 32 or any(c not in _NUMBER_CHARS for c in number):
            f.add(EINVAL)
        elif any(o.hub == hub and o.number == number for o in self.operators.values()):
            f.add(EEXISTS)

    def ops_operator_add(self, actor, hub, number, name, new_id=None):
        f = Faults()
        self._number_ok(f, hub, number)
        if not name:
            f.add(EINVAL)
        h = self._hub_call(f, actor, hub)
        if h is None:
            return f
        if self.hub_state(h) == HUB_TRIAL_ENDED:
            f.add(EEXPIRED, "OPS-1")
        elif self.licensed_used(hub) >= self.shop_floor_total(h):
            f.add(ENOOPLICENCE, "OPS-4")
        if f:
            return f
        self.operators[new_id] = Operator(hub, number, name, 0, self.now)
        return f

    def ops_operator_from_user(self, actor, hub, account, number, new_id=None):
        f = Faults()
        self._number_ok(f, hub, number)
        h = self._hub_call(f, actor, hub)
        if h is None:
            return f
        if account not in h.users:
            f.add(ENOTFOUND)
        elif not h.users[account][0] or self.state(account) in (REMOVED, EXPIRED):
            f.add(ESTATE, "OPS-3")
        if f:
            return f
        a = self.accounts[account]
        if a.first and a.last:
            name = "%s %s" % (a.first, a.last)
        elif not a.first and not a.last:
            name = a.email
        else:
            name = ANY      # one name only: the spacing is not stated
        self.operators[new_id] = Operator(hub, number, name, account, self.now)
        return f

    def _op_call(self, f, actor, op):
        if op not in self.operators:
            f.add(ENOTFOUND)
            return None, None
        o = self.operators[op]
        h = self.ops_hubs[o.hub]
        self.ops_actor(f, actor, h.tenant)
        return o, h

    def ops_operator_deactivate(self, actor, op):
        f = Faults()
        o, h = self._op_call(f, actor, op)
        if o is None:
            return f
        if not self.op_active(o):
            f.add(ESTATE)
        if f:
            return f
        o.active, o.reason, o.deactivated = False, REASON_MANUAL, self.now
        self.events.append((EV_OPERATOR_DEACTIVATED, h.tenant))
        return f

    def ops_operator_reactivate(self, actor, op):
        f = Faults()
        o, h = self._op_call(f, actor, op)
        if o is None:
            return f
        if self.op_active(o):
            f.add(ESTATE)
        elif o.user:
            u = h.users.get(o.user)
            if not u or not u[0] or self.state(o.user) in (REMOVED, EXPIRED):
                f.add(ESTATE, "OPS-3")
        else:
            if self.hub_state(h) == HUB_TRIAL_ENDED:
                f.add(EEXPIRED, "OPS-1")
            elif self.licensed_used(o.hub) >= self.shop_floor_total(h):
                f.add(ENOOPLICENCE, "OPS-4")
        if f:
            return f
        o.active, o.reason = True, REASON_NONE
        return f

    def ops_operator_record_production(self, actor, op, at):
        f = Faults()
        o, h = self._op_call(f, actor, op)
        if at < 0 or at > self.now + FUTURE_TOLERANCE:
            f.add(EINVAL)
        if o is None:
            return f
        if not self.op_active(o):
            f.add(ESTATE)
        if f:
            return f
        o.count += 1
        o.last = at if o.last is None else max(o.last, at)
        return f

    def ops_payment_late(self, actor, hub, due):
        f = Faults()
        h = self._hub_call(f, actor, hub)
        if due > self.now:
            f.add(EINVAL)
        if h is not None and h.due is not None:
            f.add(ESTATE)
        if f:
            return f
        h.due = due
        self.events.append((EV_PAYMENT_LATE, h.tenant))     # OPS-6: to the tenant
        return f

    def ops_payment_record(self, actor, hub):
        f = Faults()
        h = self._hub_call(f, actor, hub)
        if h is not None and h.due is None:
            f.add(ESTATE)
        if f:
            return f
        h.due = None
        return f

    def ops_access_check(self, hub, account):
        f = Faults()
        if hub not in self.ops_hubs:
            return f.add(ENOTFOUND)
        h = self.ops_hubs[hub]
        if self.hub_state(h) == HUB_TRIAL_ENDED:
            f.add(ENOLICENCE, "OPS-1", "OPS-7")
        if h.due is not None and self.now >= h.due + GRACE:
            f.add(ENOLICENCE, "OPS-6")
        u = h.users.get(account)
        if not u or not u[0] or account not in self.accounts \
                or self.state(account) in (REMOVED, EXPIRED):
            # ops.h: an active user of the hub, not removed; an expired invitation
            # grants nothing (ACCT-4). Reading: an invitation still running is enough.
            f.add(ENOLICENCE, "OPS-7", "ACCT-4")
        else:
            # the users whose licence was assigned last are the ones left uncovered
            actives = sorted((v[1], a) for a, v in h.users.items() if v[0])
            total = self.licences_of(h.tenant, OPS_USER)
            if [a for _k, a in actives].index(account) >= total:
                f.add(ENOLICENCE, "OPS-7")
        return f

    # ---- snapshot --------------------------------------------------------------------
    def ops_snapshot(self):
        hubs, licences, operators = {}, {}, {}
        for hid, h in self.ops_hubs.items():
            st = self.hub_state(h)
            if h.due is None:
                pay = (PAY_OK, ANY, ANY, 0)
            else:
                block = h.due + GRACE
                late = self.now >= block
                pay = (PAY_BLOCKED if late else PAY_WARNING, h.due, block,
                       0 if late else _days_up(block - self.now))
            hubs[hid] = (h.tenant, h.name, st, h.trial_end,
                         _days_up(h.trial_end - self.now) if st == HUB_TRIAL else 0,
                         h.trial_operators, h.provisioned if h.provisioned is not None else ANY
                         ) + pay
            ut = self.licences_of(h.tenant, OPS_USER)
            uu = self.user_used(h)
            if any(v[0] and self.state(a) in (REMOVED, EXPIRED) for a, v in h.users.items()):
                uu = ANY    # Reading left open: does a removed account's licence count?
            total = self.shop_floor_total(h)
            used = self.licensed_used(hid)
            avail = max(total - used, 0)
            if st == HUB_TRIAL_ENDED:
                # Reading left open: "the trial allowance during the trial, else the
                # active shop-floor licences" (ops.h) for a trial that ended unprovisioned.
                total = avail = ANY
            licences[hid] = (ut, uu, ANY if uu is ANY else max(ut - uu, 0),
                             any(s[0] == h.tenant and s[1] == OPS_SHOP_FLOOR
                                 and self.sub_active(s) for s in self.subs.values()),
                             total, used, avail)
            operators[hid] = {}
        for oid, o in self.operators.items():
            act = self.op_active(o)
            derived = o.active and not act
            operators[o.hub][oid] = (o.number, o.name, o.user, act,
                                     ANY if derived else o.reason,
                                     ANY if act or derived else o.deactivated,
                                     o.count > 0, o.last if o.last is not None else ANY,
                                     o.count)
        subs = {n: (s[0], s[1], s[2], s[3], s[4], self.sub_active(s))
                for n, s in self.subs.items()}
        return {"ops_hubs": hubs, "ops_licences": licences, "ops_operators": operators,
                "ops_subscriptions": subs}
