#!/usr/bin/env bash
# Scenario test of examples/autolic_flex.c: lots, windows, refunds, refusals,
# idempotency, the ledger and the usage report (FLEX-1..5, 7, 10, 11, 13).
. "$(dirname "$0")/lib.sh"

flex=(autolic_flex --team 1)
adm=autolic_admin
a=(--as ann@team.example)
u=(--as ulf@team.example)

expect 0 autolic_flex --help; has "usage: autolic_flex"; has "Exit codes"
# a team: Ann buys a contract (a new team for a new subscriber, APS-1)
expect 0 $adm register "Ann Admin <ann@team.example>"
expect 2 autolic_flex balance; err_has "--team ID or --contract NUMBER"
expect 0 $adm "${a[@]}" contract buy cad=1
expect 0 $adm "${a[@]}" invite "Ulf User <ulf@team.example>" --team 1
expect 0 $adm --as ulf@team.example account accept
expect 0 autolic_flex product set cad 7 CAD
expect 0 autolic_flex product set sim 10 Simulation
expect 3 autolic_flex product set "bad code" 3

# FLEX-7: only assigned users may launch
expect 4 "${flex[@]}" "${u[@]}" launch sim
expect 4 "${flex[@]}" "${u[@]}" user assign ulf@team.example --all   # not an administrator
expect 0 "${flex[@]}" "${a[@]}" user assign ulf@team.example --products sim
expect 2 "${flex[@]}" "${a[@]}" user assign ulf@team.example           # --all or --products

# FLEX-5: no tokens yet
expect 5 "${flex[@]}" "${u[@]}" launch sim; err_has "not enough tokens"
expect 0 "${flex[@]}" "${a[@]}" --json lot buy SUB-1 35
json 'd["lot"]["quantity"] == 35 and d["lot"]["expires_epoch"] - d["lot"]["purchased_epoch"] == 365 * 86400 and d["balance"]["balance"] == 35'
# JSON times: ISO 8601 UTC text, the epoch seconds beside it under "<key>_epoch"
json 'd["lot"]["purchased"] == "2025-03-03T08:00:00Z" and d["lot"]["expires"] == "2026-03-03T08:00:00Z" and d["lot"]["purchased_epoch"] == 1740988800'

# FLEX-3: a window charges once; a relaunch inside it is free
export AUTOLIC_NOW=2025-03-04T18:00:00Z
expect 0 "${flex[@]}" "${u[@]}" --json launch sim --at 2025-03-04T09:00:00Z
json 'd["charged"] == 10 and d["reason"] == "charged" and d["window_end_epoch"] - d["window_start_epoch"] == 86400 and d["window_start"] == "2025-03-04T09:00:00Z"'
s1=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["session"])' "$out")
# FLEX-13: the same report again is applied once
expect 0 "${flex[@]}" "${u[@]}" --json launch sim --at 2025-03-04T09:00:00Z
json 'd["duplicate"] is True and d["balance"]["balance"] == 25'
expect 0 "${flex[@]}" "${u[@]}" close "$s1" --at 2025-03-04T12:00:00Z; has "closed"
expect 0 "${flex[@]}" "${u[@]}" launch sim --at 2025-03-04T13:00:00Z; has "inside an open window"
s2=$(sed -n 's/^session \([0-9]*\) opened.*/\1/p' <<<"$out")
expect 0 "${flex[@]}" "${u[@]}" close "$s2" --at 2025-03-04T17:00:00Z
# a report dated after the clock is refused
expect 3 "${flex[@]}" "${u[@]}" launch sim --at 2025-03-05T09:00:00Z

# FLEX-4: closed within 5 minutes of the launch that opened the window: refunded
export AUTOLIC_NOW=2025-03-05T18:00:00Z
expect 0 "${flex[@]}" "${u[@]}" launch sim --at 2025-03-05T10:00:00Z; has "10 tokens charged"
s3=$(sed -n 's/^session \([0-9]*\) opened.*/\1/p' <<<"$out")
expect 0 "${flex[@]}" "${u[@]}" close "$s3" --at 2025-03-05T10:04:59Z; has "10 tokens refunded"
expect 0 "${flex[@]}" balance; has "balance: 25 tokens"
# FLEX-3: use that continues past the window's end opens the next one
expect 0 "${flex[@]}" "${u[@]}" launch sim --at 2025-03-05T11:00:00Z
s4=$(sed -n 's/^session \([0-9]*\) opened.*/\1/p' <<<"$out")
export AUTOLIC_NOW=2025-03-06T18:00:00Z
expect 0 "${flex[@]}" "${u[@]}" activity "$s4" --at 2025-03-06T12:00:00Z; has "10 tokens charged"
# the next window cannot be paid: the session ends, the call succeeds
export AUTOLIC_NOW=2025-03-07T18:00:00Z
expect 0 "${flex[@]}" "${u[@]}" close "$s4" --at 2025-03-07T12:00:00Z; has "ENDED"
expect 5 "${flex[@]}" "${u[@]}" launch sim --at 2025-03-07T13:00:00Z

# FLEX-10: the ledger; FLEX-11: the usage report as JSON and CSV
expect 0 "${flex[@]}" --json ledger
json '[e["type"] for e in d["entries"]] == ["PURCHASE", "CONSUME", "CONSUME", "REFUND", "CONSUME", "CONSUME"]'
json 'sum(e["amount"] for e in d["entries"]) == 5'
expect 0 "${flex[@]}" --json ledger --events
json '[e["type"] for e in d["entries"]] == ["PURCHASE"]'
expect 0 "${flex[@]}" --json usage
json '[(r["day_epoch"], r["tokens"], r["reason"]) for r in d["rows"]] == [(1741078800, 10, "charged"), (1741168800, 0, "refunded"), (1741172400, 10, "charged"), (1741258800, 10, "charged")]'
json '[r["day"] for r in d["rows"]][:2] == ["2025-03-04T09:00:00Z", "2025-03-05T10:00:00Z"]'
json 'all(r["team"] == 1 and r["team_name"] == "Ann Admin" for r in d["rows"])'
# lots as objects, not "lot:tokens" text
json 'd["total"] == 30 and d["rows"][0]["email"] == "ulf@team.example" and d["rows"][0]["lots"] == [{"lot": 1, "tokens": 10}]'
json 'd["rows"][1]["lots"] == [] or all(set(l) == {"lot", "tokens"} for l in d["rows"][1]["lots"])'
expect 0 "${flex[@]}" usage --csv --from 2025-03-05 --until 2025-03-06
has "day_used,email,first_name,last_name,product,team,team_name,tokens,reason,lots"
has "2025-03-05T10:00:00Z,ulf@team.example,Ulf,User,sim,1,Ann Admin,0,refunded,"
lacks "2025-03-04"
expect 2 "${flex[@]}" usage --csv --json
expect 0 "${flex[@]}" balance --at 2025-03-04T10:00:00Z; has "25 tokens"
# FLEX-1: a lot expires 365 days after purchase
AUTOLIC_NOW=2026-03-04T00:00:00Z expect 0 "${flex[@]}" expire; has "1 lot(s) expired"
# check: the store keeps the library's invariants
expect 0 autolic_flex check; has "ok"
done_ok
