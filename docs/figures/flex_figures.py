#!/usr/bin/env python3
"""Draws the Flex metering figures of docs/metering.md from the library itself.

Each figure is a scenario run through the Python binding on a memory database
with a fixed clock: the lots, the sessions' reports, then the windows (usage
rows), the ledger and the balance as libautolic records them. Nothing drawn is
computed here: the windows, the lots that paid them, the entries and the
balance are read back from the library (FLEX-2..FLEX-4, FLEX-10, SEAM-4).

    python3 docs/figures/flex_figures.py [OUTPUT_DIR]

writes flex-*.svg (default: this directory). The library is found as the
binding finds it (AUTOLIC_LIBRARY, else build/<AUTOLIC_DEV_BUILD>, else the
installed library). The SVG is written by
hand, deterministically, so scripts/figures.sh --check can compare it with the
committed copy.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bindings", "python"))

import autolic  # noqa: E402
from autolic import account, flex, team  # noqa: E402

T0 = 1_700_000_000
H = 3600
D = 86400
RATE = 7

LOT_COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1"]
INK = "#222222"
MUTED = "#777777"
FONT = "font-family=\"DejaVu Sans, Arial, sans-serif\""


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def rel(t, unit):
    """`t` as T0+N in hours or seconds."""
    d = t - T0
    if unit == "s":
        return "T0" if d == 0 else "T0%+ds" % d
    if d % H:
        return "T0%+.1fh" % (d / H)
    return "T0" if d == 0 else "T0%+dh" % (d // H)


def epoch(dt):
    return int(dt.timestamp())


class Run:
    """One scenario against a fresh memory database."""

    def __init__(self):
        self.now = T0 - 400 * D
        self.db = autolic.Database(clock=lambda: self.now)
        self.admin = account.register(self.db, "ada@example.com")
        self.team = team.create(self.db, self.admin, "Design")
        flex.product_set(self.db, "FUSION", "Fusion", RATE)
        flex.user_assign(self.db, self.admin, self.team, account=self.admin)
        self.lots = {}       # lot id -> (name, quantity, purchased, expires)
        self.reports = {}    # session name -> [(kind, time)]
        self.session = {}    # session name -> session id
        self.calls = []      # (time, text) of calls other than reports
        self.key = 0

    def at(self, t):
        self.now = t

    def buy(self, name, quantity, expires):
        purchased = expires - 365 * D  # a lot lasts 365 days (FLEX-1)
        self.at(purchased)
        lot = flex.lot_buy(self.db, self.admin, self.team, "SUB-" + name, quantity, purchased)
        info = flex.lot_get(self.db, lot)
        self.lots[lot] = (name, quantity, epoch(info.purchased), epoch(info.expires))

    def report(self, name, kind, t):
        self.at(max(self.now, t))
        self.key += 1
        k = "k%d" % self.key
        if kind == "launch":
            r = flex.report(self.db, flex.ReportKind.LAUNCH, k, t, team=self.team,
                            account=self.admin, product="FUSION")
            self.session[name] = r.session
        else:
            kinds = {"activity": flex.ReportKind.ACTIVITY, "idle": flex.ReportKind.IDLE,
                     "close": flex.ReportKind.CLOSE}
            flex.report(self.db, kinds[kind], k, t, session=self.session[name])
        self.reports.setdefault(name, []).append((kind, t))

    def expire(self, t):
        self.at(t)
        flex.expire(self.db, self.team)
        self.calls.append((t, "autolic_flex_expire()"))

    def result(self, lo, hi):
        windows = list(flex.usage(self.db, self.team, lo - 2 * D, hi + 2 * D))
        ledger = [e for e in flex.ledger(self.db, self.team, lo - 400 * D, hi + 400 * D)
                  if e.type != flex.EntryType.PURCHASE]
        balance = flex.team_get(self.db, self.team).balance
        return windows, ledger, balance


class Svg:
    def __init__(self, width):
        self.w = width
        self.parts = []
        self.y = 0

    def add(self, s):
        self.parts.append(s)

    def text(self, x, y, s, size=12, anchor="start", fill=INK, weight="normal"):
        self.add('<text x="%.1f" y="%.1f" font-size="%d" text-anchor="%s" fill="%s"%s>%s</text>'
                 % (x, y, size, anchor, fill,
                    ' font-weight="bold"' if weight == "bold" else "", esc(s)))

    def rect(self, x, y, w, h, fill, stroke="none", dash=None, rx=2, opacity=None):
        self.add('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="%d" fill="%s" stroke="%s"%s%s/>'
                 % (x, y, max(w, 1.0), h, rx, fill, stroke,
                    ' stroke-dasharray="%s"' % dash if dash else "",
                    ' fill-opacity="%s"' % opacity if opacity else ""))

    def line(self, x1, y1, x2, y2, stroke=INK, width=1, dash=None):
        self.add('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%s"%s/>'
                 % (x1, y1, x2, y2, stroke, width,
                    ' stroke-dasharray="%s"' % dash if dash else ""))

    def render(self, title, desc):
        h = self.y + 10
        head = ('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
                'viewBox="0 0 %d %d" %s role="img" aria-labelledby="title desc">\n'
                '<title id="title">%s</title>\n<desc id="desc">%s</desc>\n'
                '<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>\n'
                % (self.w, h, self.w, h, FONT, esc(title), esc(desc), self.w, h))
        return head + "\n".join(self.parts) + "\n</svg>\n"


def draw(run, title, desc, lo, hi, ticks, unit, until, note=None):
    """The timeline of `run` between `lo` and `hi`: lots, sessions, windows,
    then the ledger as the library lists it."""
    windows, ledger, balance = run.result(lo, hi)
    names = {lot: v[0] for lot, v in run.lots.items()}
    colour = {lot: LOT_COLOURS[i % len(LOT_COLOURS)] for i, lot in enumerate(sorted(run.lots))}
    W, L, R = 900, 120, 40
    s = Svg(W)

    def x(t):
        t = min(max(t, lo), hi)
        return L + (t - lo) * (W - L - R) / float(hi - lo)

    s.text(12, 22, title, size=15, weight="bold")
    y = 60
    # time axis
    s.line(L, y, W - R + 10, y, MUTED)
    s.add('<path d="M %.1f %.1f l -8 -4 l 0 8 z" fill="%s"/>' % (W - R + 16, y, MUTED))
    s.text(12, y + 4, "time", fill=MUTED)
    last = None
    for t in ticks:
        s.line(x(t), y - 4, x(t), y + 4, MUTED)
        up = last is not None and x(t) - last < 70  # too close: a row higher
        s.text(x(t), y - (22 if up else 8), rel(t, unit), size=11, anchor="middle", fill=MUTED)
        last = None if up else x(t)
    y += 18
    top = y
    # lots
    for lot in sorted(run.lots):
        name, qty, purchased, expires = run.lots[lot]
        s.text(12, y + 13, "lot %s (%d)" % (name, qty))
        s.rect(x(purchased), y + 3, x(expires) - x(purchased), 14, colour[lot], opacity="0.35")
        if lo < expires <= hi:
            s.line(x(expires), y, x(expires), y + 20, "#c0392b", 2)
            s.text(x(expires) + 4, y + 13, "expires", size=11, fill="#c0392b")
        y += 24
    y += 4
    # sessions
    for name in sorted(run.reports):
        reps = run.reports[name] + [("end", until)]
        s.text(12, y + 13, "session %s" % name)
        for (kind, t), (_, t2) in zip(reps, reps[1:]):
            if kind in ("launch", "activity"):
                s.rect(x(t), y + 5, x(t2) - x(t), 10, INK, rx=1)
            elif kind == "idle":
                s.line(x(t), y + 10, x(t2), y + 10, MUTED, 2, "3 3")
        for kind, t in run.reports[name]:
            mark = {"launch": "L", "activity": "A", "idle": "I", "close": "C"}[kind]
            s.add('<circle cx="%.1f" cy="%.1f" r="7" fill="#ffffff" stroke="%s"/>' % (x(t), y + 10, INK))
            s.text(x(t), y + 14, mark, size=10, anchor="middle", weight="bold")
        if reps[-2][0] in ("launch", "activity"):
            s.text(x(until) + 10, y + 14, "…", fill=INK)
        y += 24
    y += 4
    # windows (usage rows)
    s.text(12, y + 16, "windows")
    for w in windows:
        a, b = epoch(w.day), epoch(w.day_end)
        if w.reason == flex.Reason.REFUNDED:
            s.rect(x(a), y + 2, x(b) - x(a), 22, "#ffffff", MUTED, "4 3")
            label = "window %d: refunded, 0" % w.window
        else:
            paid = w.lots or ((0, w.tokens),)
            total = sum(n for _, n in paid) or 1
            xa = x(a)
            for lot, n in paid:
                wd = (x(b) - x(a)) * n / float(total)
                s.rect(xa, y + 2, wd, 22, colour.get(lot, "#bbbbbb"), INK)
                xa += wd
            label = "window %d: %d from %s" % (
                w.window, w.tokens, " + ".join("%s" % names.get(lot, "owed") for lot, _ in paid)) \
                if w.tokens else "window %d: 0 (%s)" % (w.window, flex.Reason(w.reason).name.lower())
        fill = MUTED if w.reason == flex.Reason.REFUNDED else "#ffffff"
        s.text((x(a) + x(b)) / 2, y + 17, label, size=11, anchor="middle", fill=fill, weight="bold")
    y += 32
    bottom = y
    for t in ticks:
        s.line(x(t), top, x(t), bottom, "#dddddd", 1, "2 3")
    # ledger, as listed
    y += 8
    s.text(12, y + 12, "ledger (autolic_flex_ledger_open, in order; purchases left out)", weight="bold")
    y += 22
    cols = [12, 60, 190, 320, 410, 470, 540]
    for cx, head in zip(cols, ["seq", "time (effect)", "recorded", "type", "lot", "amount", "window"]):
        s.text(cx, y + 12, head, size=11, fill=MUTED)
    y += 18
    for e in ledger:
        lot = names.get(e.lot, "owed" if e.lot == 0 else "")
        cells = ["%d" % e.seq, rel(epoch(e.time), unit), rel(epoch(e.recorded), unit),
                 flex.EntryType(e.type).name, lot, "%+d" % e.amount,
                 "%d" % e.window if e.window else ""]
        if e.lot in colour:
            s.rect(cols[4] - 4, y + 1, 40, 15, colour[e.lot], opacity="0.35")
        for cx, c in zip(cols, cells):
            s.text(cx, y + 12, c, size=11)
        y += 17
    y += 8
    s.text(12, y + 12, "balance now: %d" % balance, weight="bold")
    for t, what in run.calls:
        s.text(200, y + 12, "%s called at %s" % (what, rel(t, unit)), size=11, fill=MUTED)
    y += 18
    if note:
        s.text(12, y + 12, note, size=11, fill=MUTED)
        y += 18
    s.y = y
    return s.render(title, desc)


def expiry(late_expire):
    r = Run()
    r.buy("A", 40, T0 + 2 * D)
    r.buy("B", 100, T0 + 300 * D)
    r.report("1", "launch", T0)
    if late_expire:
        r.expire(T0 + 49 * H)
    r.report("1", "activity", T0 + 49 * H)
    return r


def figures():
    out = {}
    ticks = [T0, T0 + 24 * H, T0 + 48 * H, T0 + 49 * H]
    out["flex-expiry.svg"] = draw(
        expiry(False), "Lot order and expiry (FLEX-2, SEAM-4)",
        "Lot A (40 tokens) expires at T0+48h, lot B holds 100. One session from T0, "
        "reported once at T0+49h, opens windows at T0, T0+24h and T0+48h: windows 1 and 2 "
        "are paid by A (earliest expiry first), window 3 by B; A forfeits 26; balance 93.",
        T0 - 4 * H, T0 + 60 * H, ticks, "h", T0 + 49 * H,
        "Windows 1 and 2 opened before A expired, so A pays them; what A then holds (26) is forfeited.")
    out["flex-expiry-late.svg"] = draw(
        expiry(True), "The same use, autolic_flex_expire() first (SEAM-4)",
        "As before, but autolic_flex_expire() runs at T0+49h before the report: A forfeits 33, "
        "then the report of window 2 (opened before the expiry) is paid by A and gives 7 back "
        "(EXPIRE +7); window 3 is paid by B; balance 93, as in the other order.",
        T0 - 4 * H, T0 + 60 * H, ticks, "h", T0 + 49 * H,
        "Both orders end at 93: an expiry forfeits only what is left once the windows opened before it are paid.")

    r = Run()
    t = T0
    r.buy("A", 100, T0 + 300 * D)
    r.report("S1", "launch", t)
    r.report("S1", "close", t + 2 * H)
    r.report("S2", "launch", t + 10 * H)
    r.report("S2", "close", t + 12 * H)
    r.report("S3", "launch", t + 25 * H)
    out["flex-windows.svg"] = draw(
        r, "Windows: one charge per 24 hours per user and product (FLEX-3)",
        "S1 launches at T0 and opens window 1 (7 tokens); S2 relaunches inside it at T0+10h "
        "for free; S3 launches at T0+25h, after window 1 ended, and opens window 2: 14 tokens.",
        t - 2 * H, t + 52 * H, [t, t + 2 * H, t + 10 * H, t + 24 * H, t + 25 * H, t + 49 * H],
        "h", t + 30 * H)

    r = Run()
    r.buy("A", 100, T0 + 300 * D)
    r.report("S1", "launch", t)
    r.report("S1", "activity", t + 30 * H)
    out["flex-rollover.svg"] = draw(
        r, "Continuous use rolls over at the end of the window (FLEX-3)",
        "S1 launches at T0 and is still active at T0+30h: window 2 opens at T0+24h, the end "
        "of window 1: 2 windows, 14 tokens.",
        t - 2 * H, t + 52 * H, [t, t + 24 * H, t + 30 * H, t + 48 * H], "h", t + 30 * H)

    r = Run()
    r.buy("A", 100, T0 + 300 * D)
    r.report("S1", "launch", t)
    r.report("S1", "idle", t + 1 * H)
    r.report("S1", "activity", t + 30 * H)
    out["flex-idle.svg"] = draw(
        r, "Idle time is not use: the next window opens when use resumes (FLEX-3)",
        "S1 launches at T0, goes idle at T0+1h and is active again at T0+30h: window 2 opens "
        "at T0+30h, when use resumed, not at T0+24h.",
        t - 2 * H, t + 56 * H, [t, t + 1 * H, t + 24 * H, t + 30 * H, t + 54 * H], "h", t + 32 * H)

    r = Run()
    r.buy("A", 100, T0 + 300 * D)
    r.report("S1", "launch", t)
    r.report("S1", "close", t + 200)
    r.report("S2", "launch", t + 600)
    out["flex-refund.svg"] = draw(
        r, "Short sessions are refunded (FLEX-4)",
        "S1 launches at T0 and closes at T0+200s, within 300 seconds: its window is refunded "
        "(REFUND +7) and discarded, so S2's launch at T0+600s opens and charges a new window.",
        t - 60, t + 900, [t, t + 200, t + 300, t + 600], "s", t + 800,
        "A window lasts 24 hours; only its first 15 minutes are drawn.")
    return out


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else HERE
    for name, svg in sorted(figures().items()):
        with open(os.path.join(outdir, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(svg)


if __name__ == "__main__":
    main()
