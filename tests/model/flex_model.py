"""A reference model of Flex tokens (FLEX-1..FLEX-13, SEAM-1, SEAM-4, SEAM-5).

Written from the rules and the public contract (autolic/flex.h, docs/metering.md),
not from the library's source: it is the second reading that flex_run.py compares
with the library call by call. Pure Python, no binding import.

Conventions of the model (each one a reading of the rules; flex_run.py's
report lists the ones the rules leave open):

- Times are int UTC seconds. A window covers [start, end); use at `end`
  itself is past the window (FLEX-3).
- A lot bought at P pays for use at t with P <= t < P + 365 days (FLEX-1).
- SEAM-4: a window opened at t draws, in FLEX-2 order (earliest expiry,
  smallest remaining, lot id), from the lots the team held at t that were
  unexpired at t, each at most the least it holds in the team at any instant
  from t on (FLEX-5: no balance below zero at any instant; a refund, an
  adjustment or a move dated after t gives nothing to a window before it). A lot already expired now still pays such a window from
  what its expiry forfeited, and the forfeiture shrinks by as much, until
  the expiry is older than the team's late-report horizon: then it is final.
- SEAM-5: every read shows every due expiry as an EXPIRE entry at the
  expiry instant; its amount is what is left of the lot after every entry
  dated before the expiry.
- A refund (FLEX-4) after the lot's expiry comes back and is forfeited at
  once (REFUND then EXPIRE, both at the close).
"""
import copy

DAY = 86400
LOT_SECONDS = 365 * DAY
WINDOW = DAY
REFUND_SECONDS = 300
LOW_PERCENT = 20
HORIZON_DEFAULT = 2 * DAY
HORIZON_MAX = 30 * DAY
QTY_MAX = 1000000000000
INVITATION_SECONDS = 7 * DAY

# entry types (FLEX-10)
PURCHASE, CONSUME, REFUND, EXPIRE, MOVE_OUT, MOVE_IN, ADJUST = 1, 2, 3, 4, 5, 6, 7
# report kinds
LAUNCH, ACTIVITY, IDLE, CLOSE = 1, 2, 3, 4
# reasons
R_NONE, R_CHARGED, R_IN_WINDOW, R_SEAT, R_TRIAL, R_REFUNDED = 0, 1, 2, 3, 4, 5

_CODE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


class Refusal(Exception):
    """A call the rules refuse: `code` is an error name ("ENOTOKENS"...), `rule` the rule
    ID the message must name, or None when the rules name none."""

    def __init__(self, code, rule=None, why=""):
        super().__init__("%s %s %s" % (code, rule or "", why))
        self.code, self.rule, self.why = code, rule, why


def norm_code(code):
    """SEAM-1: one product identity, compared case-insensitively, stored lower case."""
    if not isinstance(code, str) or not 1 <= len(code) <= 63:
        raise Refusal("EINVAL", None, "bad product code")
    low = code.lower()
    if any(c not in _CODE_CHARS for c in low):
        raise Refusal("EINVAL", None, "bad product code")
    return low


class Lot:
    def __init__(self, lid, team, sub, qty, purchased):
        self.id, self.team, self.sub, self.quantity = lid, team, sub, qty
        self.purchased, self.expires = purchased, purchased + LOT_SECONDS
        self.history = [(-(1 << 62), team)]  # (since, team): the team holding it from then
        self.recorded = False  # its expiry recorded by a call that changes tokens

    def team_at(self, t):
        held = None
        for since, team in self.history:
            if since <= t:
                held = team
        return held


class Window:
    def __init__(self, wid, user, product, team, start, end, reason, opener):
        self.id, self.user, self.product, self.team = wid, user, product, team
        self.start, self.end, self.reason = start, end, reason
        self.opener = opener  # session whose LAUNCH opened it, or None
        self.shares = []  # [(lot, amount)], lot 0 for overage
        self.discarded = False  # FLEX-4

    @property
    def tokens(self):
        return 0 if self.discarded else sum(a for _, a in self.shares)


class Session:
    def __init__(self, sid, user, product, team, t):
        self.id, self.user, self.product, self.team = sid, user, product, team
        self.state = "active"  # active, idle, closed, ended
        self.last = t
        self.window = None
        self.ended = None  # when a window could not be paid (FLEX-5)


class FlexModel:
    """The state of the Flex side of one database, driven call by call."""

    def __init__(self, now):
        self.now = now
        self.teams = {}  # team -> {"admins": set, "limit": int, "threshold": int,
        #                  "owed": int, "defaults": list, "users": {acct: None|list}}
        self.products = {}  # code -> [(since, rate)]
        self.lots = {}  # id -> Lot
        self.entries = []  # dicts: team, lot, type, time, amount
        self.windows = []
        self.sessions = {}
        self.keys = {}  # key -> (fingerprint, result)
        self.trials = []  # (account, product, start, end)
        self.seats = []  # (account, product, contract start, contract end)
        self.invited = {}  # account -> when its invitation expires (ACCT-4)
        self.next_session = 1
        self.next_window = 1
        self.events = []  # (kind, team, recipient) sent by the last call
        self.counters = {}  # how often the rarer rules were used, for the driver's stats

    # ------------------------------------------------------------ world set-up
    def add_team(self, team, admins):
        self.teams[team] = {"admins": set(admins), "limit": 0, "threshold": -1, "owed": 0,
                            "defaults": [], "users": {},
                            "horizon": HORIZON_DEFAULT, "notified": False}

    def add_invited(self, account, team, products):
        """A person assigned by name: a new account, invited for 7 days (ACCT-3, ACCT-4)."""
        self.invited[account] = self.now + INVITATION_SECONDS
        self.teams[team]["users"][account] = products

    def invitation_expired(self, account):
        return account in self.invited and self.now >= self.invited[account]

    def add_seat(self, account, product, start, end):
        self.seats.append((account, norm_code(product), start, end))

    # ------------------------------------------------------------ helpers
    def _team(self, team):
        if team not in self.teams:
            raise Refusal("ENOTFOUND", None, "team")
        return self.teams[team]

    def _admin(self, actor, team):
        if actor not in self.teams[team]["admins"]:
            raise Refusal("EPERM", None, "not an administrator")

    def rate_at(self, product, t):
        hist = self.products[product]
        rate = hist[0][1]
        for since, r in hist:
            if since <= t:
                rate = r
        return rate

    def _add(self, team, lot, typ, time, amount):
        if amount:
            self.entries.append({"team": team, "lot": lot, "type": typ, "time": time,
                                 "amount": amount})

    def forfeit(self, lot):
        """What the lot's expiry forfeits: what is left after every entry dated before it."""
        return sum(e["amount"] for e in self.entries
                   if e["lot"] == lot.id and e["team"] == lot.team and e["time"] < lot.expires)

    def cap(self, lot, t):
        """SEAM-4 with FLEX-5: what the lot may pay for a window opened at t. The charge
        is dated at t, so it lowers the lot's balance in its team at every instant from t
        on: at most the least that balance is from t on (up to the expiry once that is
        due: the expiry takes what is left), so that no balance goes below zero at any
        instant."""
        upto = lot.expires if lot.expires <= self.now else None
        mine = [e for e in self.entries if e["lot"] == lot.id and e["team"] == lot.team]
        instants = {t} | {e["time"] for e in mine
                          if e["time"] > t and (upto is None or e["time"] < upto)}
        low = min(sum(e["amount"] for e in mine if e["time"] <= s) for s in instants)
        if upto is None:
            low = min(low, self.remaining(lot))
        return max(low, 0)

    def remaining(self, lot, at=None):
        """Tokens left in the lot now (0 once expired)."""
        at = self.now if at is None else at
        if lot.expires <= at:
            return 0
        return sum(e["amount"] for e in self.entries
                   if e["lot"] == lot.id and e["team"] == lot.team)

    def _low_check(self, team):
        """FLEX-12: after a change to the team's tokens, one notice per administrator
        when the balance has crossed below the threshold, once per crossing."""
        tm = self.teams[team]
        low = self.team_info(team)["low"]
        if low and not tm["notified"]:
            self.events.extend(("low", team, a) for a in sorted(tm["admins"]))
        tm["notified"] = low

    def _mark_expiries(self, team):
        """A call that changes the team's tokens records its due expiries first."""
        n = 0
        for lot in self.lots.values():
            if lot.team == team and lot.expires <= self.now and not lot.recorded:
                lot.recorded = True
                n += 1
        return n

    def _usable(self, team, t):
        """SEAM-4/FLEX-2: the lots paying a window opened at t, in drawing order."""
        out = []
        for lot in self.lots.values():
            if lot.team != team or lot.team_at(t) != team:
                continue
            if not lot.purchased <= t < lot.expires:
                continue
            if lot.expires < self.now - self.teams[team]["horizon"]:
                continue  # SEAM-4: an expiry older than the horizon is final
            avail = self.cap(lot, t)
            if avail > 0:
                out.append((lot.expires, avail, lot.id, lot))
        out.sort(key=lambda x: x[:3])
        return out

    def _draw(self, team, t, amount):
        """Shares paying `amount` at t, or None when the lots and the overage allowance
        cannot (FLEX-5)."""
        tm = self.teams[team]
        shares, need = [], amount
        for _, avail, lid, lot in self._usable(team, t):
            if need == 0:
                break
            if lot.expires <= self.now:
                self._count("SEAM-4: paid from an expired lot's forfeiture")
            take = min(avail, need)
            shares.append((lid, take))
            need -= take
        if need and need > tm["limit"] - tm["owed"]:
            return None
        if need:
            shares.append((0, need))
            self._count("FLEX-5: overage drawn")
        return shares

    def _count(self, what):
        self.counters[what] = self.counters.get(what, 0) + 1

    def _charge(self, win, shares):
        tm = self.teams[win.team]
        for lid, a in shares:
            self._add(win.team, lid, CONSUME, win.start, -a)
            if lid == 0:
                tm["owed"] += a
        win.shares = shares

    def allowed(self, team, account, product):
        tm = self.teams.get(team)
        if tm is None or account not in tm["users"]:
            return False
        if tm["defaults"]:
            return product in tm["defaults"]
        lst = tm["users"][account]
        return product in self.products if lst is None else product in lst

    def _seat(self, account, product, t):
        return any(a == account and p == product and s <= t < e for a, p, s, e in self.seats)

    def _trial(self, account, product, t):
        for a, p, s, e in self.trials:
            if a == account and p == product and s <= t < e:
                return e
        return None

    # ------------------------------------------------------------ catalogue
    def product_set(self, code, rate):
        code = norm_code(code)
        if rate < 1:
            raise Refusal("EINVAL")
        self.products.setdefault(code, [])
        hist = self.products[code]
        hist[:] = [h for h in hist if h[0] != self.now] + [(self.now, rate)]

    # ------------------------------------------------------------ policy
    def policy_set(self, actor, team, limit, threshold):
        tm = self._team(team)
        if limit < 0 or threshold < -1 or limit > QTY_MAX or threshold > QTY_MAX:
            raise Refusal("EINVAL")
        self._admin(actor, team)
        if limit < tm["owed"]:
            raise Refusal("ESTATE", None, "limit below what is owed")
        tm["limit"], tm["threshold"] = limit, threshold
        self._low_check(team)  # a new threshold may put the balance below it

    # ------------------------------------------------------------ lots
    def lot_buy(self, actor, team, sub, qty, purchased, lot_id):
        tm = self._team(team)
        p = self.now if purchased == 0 else purchased
        if not 1 <= qty <= QTY_MAX or not 1 <= len(sub) <= 63 or p > self.now:
            raise Refusal("EINVAL")
        if p + LOT_SECONDS <= self.now:
            raise Refusal("EEXPIRED", None, "bought a year ago")
        self._admin(actor, team)
        self._mark_expiries(team)
        lot = Lot(lot_id, team, sub, qty, p)
        self.lots[lot_id] = lot
        self._add(team, lot_id, PURCHASE, p, qty)
        repay = min(tm["owed"], qty)
        if repay:  # FLEX-5 policy: the next purchase repays what is owed first
            self._add(team, lot_id, ADJUST, p, -repay)
            self._add(team, 0, ADJUST, p, repay)
            tm["owed"] -= repay
        self._low_check(team)
        return lot

    def expire(self, team):
        self._team(team)
        n = self._mark_expiries(team)
        self._low_check(team)
        return n

    def adjust(self, actor, team, lid, delta):
        self._team(team)
        lot = self.lots.get(lid)
        if delta == 0:
            raise Refusal("EINVAL")
        self._admin(actor, team)
        if lot is None or lot.team != team:
            raise Refusal("ENOTFOUND")
        if lot.expires <= self.now:
            raise Refusal("EEXPIRED")
        r = self.remaining(lot)
        if not 0 <= r + delta <= lot.quantity:
            raise Refusal("EINVAL")
        self._mark_expiries(team)
        self._add(team, lid, ADJUST, self.now, delta)
        self._low_check(team)

    def move(self, actor, src, dst, sub):
        if src == dst:
            raise Refusal("EINVAL")
        self._team(src)
        self._team(dst)
        if actor not in self.teams[src]["admins"] or actor not in self.teams[dst]["admins"]:
            raise Refusal("EPERM", None, "FLEX-9: not an administrator of both teams")
        lots = [lot for lot in self.lots.values()
                if lot.team == src and lot.sub == sub and lot.expires > self.now]
        if not lots:
            raise Refusal("ENOTFOUND")
        self._mark_expiries(src)
        self._mark_expiries(dst)
        moved = 0
        for lot in sorted(lots, key=lambda x: x.id):
            r = self.remaining(lot)
            self._add(src, lot.id, MOVE_OUT, self.now, -r)
            lot.team = dst
            lot.history.append((self.now, dst))
            self._add(dst, lot.id, MOVE_IN, self.now, r)
            moved += r
        self._low_check(src)
        self._low_check(dst)
        return moved

    def horizon_set(self, actor, team, seconds):
        tm = self._team(team)
        if not 0 <= seconds <= HORIZON_MAX:
            raise Refusal("EINVAL")
        self._admin(actor, team)
        tm["horizon"] = seconds

    # ------------------------------------------------------------ users
    def user_assign(self, actor, team, account, products):
        tm = self._team(team)
        lst = None
        if products is not None:
            lst = [norm_code(p) for p in products]
            if len(set(lst)) != len(lst):
                raise Refusal("EINVAL", None, "repeated product")
        self._admin(actor, team)
        if lst is not None and any(p not in self.products for p in lst):
            raise Refusal("ENOTFOUND", None, "product")
        tm["users"][account] = lst

    def user_remove(self, actor, team, account):
        tm = self._team(team)
        self._admin(actor, team)
        if account not in tm["users"]:
            raise Refusal("ENOTFOUND")
        del tm["users"][account]

    def defaults_set(self, actor, team, products):
        tm = self._team(team)
        lst = [norm_code(p) for p in products]
        if len(set(lst)) != len(lst):
            raise Refusal("EINVAL", None, "repeated product")
        self._admin(actor, team)
        if any(p not in self.products for p in lst):
            raise Refusal("ENOTFOUND", None, "product")
        tm["defaults"] = lst

    def trial_add(self, actor, account, product, start, end):
        product = norm_code(product)
        if end <= start:
            raise Refusal("EINVAL")
        if actor != account:
            raise Refusal("EPERM")
        if product not in self.products:
            raise Refusal("ENOTFOUND")
        self.trials.append((account, product, start, end))

    # ------------------------------------------------------------ reports
    def report(self, kind, key, time, team=0, account=0, product=None, session=0):
        """Apply a usage report; returns (duplicate, result dict). Refusals raise and
        change nothing."""
        norm_product = None
        if kind == LAUNCH and product is not None:
            try:
                norm_product = norm_code(product)
            except Refusal:
                norm_product = product
        fp = (kind, time, team if kind == LAUNCH else 0, account if kind == LAUNCH else 0,
              norm_product, session if kind != LAUNCH else 0)
        if key in self.keys:  # FLEX-13
            first_fp, first = self.keys[key]
            if first_fp != fp:
                raise Refusal("EEXISTS", None, "key used for another report")
            return True, dict(first)
        saved = copy.deepcopy(self.__dict__)
        try:
            res = self._report(kind, time, team, account, product, session)
        except Refusal:
            self.__dict__.update(saved)
            raise
        self.keys[key] = (fp, dict(res))
        s = self.sessions[res["session"]]
        if res["ended"]:
            self.events.append(("ended", s.team, s.user))
        self._low_check(s.team)
        return False, res

    def _result(self, s):
        return {"session": s.id if s else 0, "reason": R_NONE, "charged": 0, "refunded": 0,
                "windows": 0, "window_start": 0, "window_end": 0, "ended": False,
                "ended_at": 0}

    def _report(self, kind, t, team, account, product, sid):
        if kind not in (LAUNCH, ACTIVITY, IDLE, CLOSE):
            raise Refusal("EINVAL")
        if t > self.now or t <= 0:
            raise Refusal("EINVAL", None, "time in the future")
        if kind == LAUNCH:
            product = norm_code(product)
            tm = self._team(team)
            if t < self.now - tm["horizon"]:
                raise Refusal("ESTATE", "SEAM-4", "older than the late-report horizon")
            if product not in self.products:
                raise Refusal("ENOTFOUND", None, "product")
            del tm
            expired = self.invitation_expired(account)
            allowed = self.allowed(team, account, product)
            if expired or not allowed:
                rule = None if expired and not allowed else "ACCT-4" if expired else "FLEX-7"
                raise Refusal("EPERM", rule, "no Flex access, or invitation expired")
            self._mark_expiries(team)
            s = Session(self.next_session, account, product, team, t)
            res = self._result(s)
            self._enter(s, t, res, launch=True)
            self.next_session += 1
            self.sessions[s.id] = s
            return res
        s = self.sessions.get(sid)
        if s is None:
            raise Refusal("ENOTFOUND", None, "session")
        if t < self.now - self.teams[s.team]["horizon"]:
            raise Refusal("ESTATE", "SEAM-4", "older than the late-report horizon")
        res = self._result(s)
        if s.state == "closed":
            raise Refusal("ESTATE", None, "session closed")
        if s.state == "ended" and kind != CLOSE:
            raise Refusal("ESTATE", None, "session ended")
        if t < s.last:
            raise Refusal("ESTATE", None, "out of order")
        self._mark_expiries(s.team)
        if s.state == "active":
            self._continue(s, t, res)
        elif s.state == "idle" and kind == ACTIVITY:
            win = self._win(s)
            if t >= win.end:
                self._enter(s, t, res, launch=False)
        if s.state != "ended":
            if kind == IDLE:
                s.state = "idle"
            elif kind == ACTIVITY:
                s.state = "active"
        s.last = t
        if kind == CLOSE:
            if s.state != "ended":
                self._close_refund(s, t, res)
            s.state = "closed"
        win = self._win(s)
        if win is not None and not win.discarded and s.state != "ended":
            res["window_start"], res["window_end"] = win.start, win.end
        return res

    def _win(self, s):
        return None if s.window is None else self.windows[s.window - 1]

    def _enter(self, s, x, res, launch):
        """Use by s at instant x needs a window: join the one containing x, or open one.
        Returns False when a rollover window could not be paid (the session ends)."""
        same = [w for w in self.windows if not w.discarded and w.user == s.user
                and w.product == s.product]
        for w in same:
            if w.start <= x < w.end:
                s.window = w.id
                res["reason"] = R_IN_WINDOW
                if launch:
                    res["window_start"], res["window_end"] = w.start, w.end
                return True
        later = [w.start for w in same if w.start > x]
        if later and launch:
            raise Refusal("ESTATE", None, "in a gap before the latest window")
        end, reason = x + WINDOW, R_CHARGED
        if later:
            # autolic/flex.h: use reported late in a gap before a later window opens
            # a window there that ends where the later one starts (windows never
            # overlap); the use after it joins it
            end = min(end, min(later))
            self._count("FLEX-3: window in a gap, up to the next one")
        if self._seat(s.user, s.product, x):
            reason = R_SEAT
        else:
            tend = self._trial(s.user, s.product, x)
            if tend is not None:
                reason, end = R_TRIAL, min(end, tend)
        shares = []
        if reason == R_CHARGED:
            shares = self._draw(s.team, x, self.rate_at(s.product, x))
            if shares is None:
                if launch:
                    raise Refusal("ENOTOKENS", "FLEX-5", "not enough tokens")
                s.state = "ended"
                s.ended = x
                res["ended"], res["ended_at"] = True, x
                return False
        w = Window(self.next_window, s.user, s.product, s.team, x, end, reason,
                   s.id if launch else None)
        self.next_window += 1
        self.windows.append(w)
        self._charge(w, shares)
        s.window = w.id
        res["reason"] = reason
        res["windows"] += 1
        res["charged"] += w.tokens
        if launch:
            res["window_start"], res["window_end"] = w.start, w.end
        return True

    def _continue(self, s, t, res):
        """Use continued without a break from s.last to t: roll windows over (FLEX-3)."""
        win = self._win(s)
        while t >= win.end:
            if not self._enter(s, win.end, res, launch=False):
                return
            win = self._win(s)

    def _close_refund(self, s, t, res):
        """FLEX-4: a session closed within 300 s of the launch that opened its window,
        with no other session of the product by that user open, is not charged."""
        win = self._win(s)
        # autolic/flex.h: the window is discarded whatever it cost (a seat or trial
        # window too: its row then says "refunded", with 0 tokens)
        if win is None or win.opener != s.id or win.discarded:
            return
        if t - win.start > REFUND_SECONDS:
            return
        for o in self.sessions.values():
            if o.id != s.id and o.user == s.user and o.product == s.product \
                    and o.state in ("active", "idle"):
                return
        tm = self.teams[win.team]
        total = 0
        for lid, a in win.shares:
            total += a
            if lid == 0:
                back = min(a, tm["owed"])
                self._add(win.team, 0, REFUND, t, back)
                tm["owed"] -= back
                rest = a - back
                # repaid meanwhile: the newest unexpired lots with room get it back
                # (newest: the latest purchase, then the latest recorded)
                for lot in sorted(self.lots.values(), key=lambda x: (-x.purchased, -x.id)):
                    if rest == 0:
                        break
                    if lot.team != win.team or lot.expires <= self.now:
                        continue
                    room = lot.quantity - self.remaining(lot)
                    k = min(room, rest)
                    if k > 0:
                        self._add(win.team, lot.id, REFUND, t, k)
                        rest -= k
                continue
            lot = self.lots[lid]
            self._add(lot.team, lid, REFUND, t, a)
            if t < lot.expires <= self.now:
                self._count("SEAM-4: refund before an expiry already due")
            if lot.expires <= t:
                self._add(lot.team, lid, EXPIRE, t, -a)
        win.discarded = True
        win.reason = R_REFUNDED
        res["refunded"] = total
        res["reason"] = R_REFUNDED

    # ------------------------------------------------------------ reads
    def ledger(self, team, frm, to, mask=0xFF):
        """Entries dated in [frm, to) of the types in mask, with every due expiry (SEAM-5)."""
        self._team(team)
        out = [e for e in self.entries if e["team"] == team]
        for lot in self.lots.values():
            if lot.team == team and lot.expires <= self.now:
                f = self.forfeit(lot)
                if f:
                    out.append({"team": team, "lot": lot.id, "type": EXPIRE,
                                "time": lot.expires, "amount": -f})
        return [e for e in out if frm <= e["time"] < to and (mask >> e["type"]) & 1]

    def balance_at(self, team, at):
        """The sum of the listed ledger up to `at` (SEAM-5). autolic/flex.h: an expiry
        after the clock's now is not counted, also for an `at` after it."""
        self._team(team)
        return sum(e["amount"] for e in self.ledger(team, -(1 << 62), at + 1))

    def lot_info(self, lid):
        lot = self.lots[lid]
        return {"team": lot.team, "subscription": lot.sub, "quantity": lot.quantity,
                "remaining": self.remaining(lot), "purchased": lot.purchased,
                "expires": lot.expires, "expired": lot.expires <= self.now}

    def team_info(self, team):
        tm = self._team(team)
        live = [lot for lot in self.lots.values()
                if lot.team == team and lot.expires > self.now]
        tokens = sum(self.remaining(lot) for lot in live)
        unexpired = sum(lot.quantity for lot in live)
        balance = tokens - tm["owed"]
        if tm["threshold"] >= 0:
            threshold = tm["threshold"]
            low = balance < threshold
        else:
            threshold = unexpired * LOW_PERCENT // 100
            low = balance * 100 < unexpired * LOW_PERCENT
        return {"balance": balance, "available": tokens + tm["limit"] - tm["owed"],
                "owed": tm["owed"], "unexpired_tokens": unexpired, "threshold": threshold,
                "low": low}

    def usage(self, team, frm, to):
        rows = []
        for w in self.windows:
            if w.team == team and frm <= w.start < to:
                rows.append((w.start, w.end, w.user, w.product, w.tokens, w.reason,
                             () if w.discarded else tuple(sorted(w.shares))))
        return sorted(rows)
