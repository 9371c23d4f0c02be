#!/usr/bin/env bash
# The demonstration as a test: examples/demo.sh must exit 0 and tell the
# key moments of the story.
set -euo pipefail
demo=${1:?usage: $0 PATH-OF-examples/demo.sh DIR-OF-BUILT-PROGRAMS}
bin=${2:?usage: $0 PATH-OF-examples/demo.sh DIR-OF-BUILT-PROGRAMS}
out=$(bash "$demo" "$bin") || { printf '%s\n' "$out"; echo "FAIL: the demonstration exited $?" >&2; exit 1; }
n=0
need() {
  n=$((n + 1))
  grep -qF -- "$1" <<<"$out" || { printf '%s\n' "$out"; echo "FAIL: the demonstration does not print '$1'" >&2; exit 1; }
}
# ROLE-2, ROLE-4: the buyer is contract manager; a coordinator is assigned
need "is its contract manager (ROLE-2)"
need "you are now the software coordinator of contract"
# ACCT-5: the malformed CSV line is refused with its reason, then the import passes
need "line 4 refused: ACCT-1:"
need "4 people added to team"
# SEAT-2: the fourth grant is refused
need "SEAT-2: all seats in use for product 'autocad'"
need "autocad: 3 of 3 seats granted, 0 available"
# FLEX-3, FLEX-4, FLEX-5, FLEX-11: relaunch free, refund, refused launch, report
need "nothing charged (inside an open window)"
need "10 tokens refunded (FLEX-4: closed within 5 minutes)"
need "FLEX-5: not enough tokens"
need "revit           0  refunded"
need "day_used,email,first_name,last_name,product,team,team_name,tokens,reason,lots"
# OPS-5: 3 shop-floor licences, 5 active operators: 2 deactivated, and why
need "hub provisioned: 2 operator(s) deactivated"
need "[OPS-5] operator 105 'Hugo Lambert' of hub 1 was deactivated"
need "it has no production record"
need "[OPS-5] operator 104 'Nadia Faure' of hub 1 was deactivated"
need "is among the oldest"
need "all licences for operators are in use"
# NOTE-1, NOTE-2: the low-balance notice, recorded by an earlier process, is
# read back from the journal, acknowledged, and not shown again
need "[FLEX-12] claire.martin@atelier-martin.example: the Flex balance of team 1 fell to 3 tokens, below its threshold of 12"
need "17 notification(s) acknowledged for mailer"
need "nothing new for mailer"
echo "ok: $n lines found"
