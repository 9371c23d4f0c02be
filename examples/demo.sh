#!/usr/bin/env bash
# The demonstration: the story of the administrator guides, told with the
# example programs on a journal store in a temporary directory.
#
#   examples/demo.sh DIR     DIR holds the built autolic_admin, autolic_flex
#                            and autolic_ops (scripts/demo.sh passes it)
#
# Every command is printed before it runs, with its output; refusals show the
# library's message (naming the rule) and the program's exit code. The clock
# is fixed with AUTOLIC_NOW so that every run prints the same story.
set -euo pipefail

bin=${1:?usage: examples/demo.sh DIR-OF-BUILT-EXAMPLE-PROGRAMS}
bin=$(cd "$bin" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/autolic-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
export AUTOLIC_STORE="$work/atelier.journal"

# at TIME: set the clock for the commands that follow.
at() { export AUTOLIC_NOW="$1"; printf '\n  [clock: %s]\n' "$1"; }
# section TITLE
section() { printf '\n== %s ==\n' "$*"; }
# run PROGRAM ARGS...: print the command, run it, stop the demo on failure.
run() {
  printf '\n$ %s\n' "$*"
  "$bin/$@" 2>&1 | sed 's/^/    /' | tee "$work/last.out"
  local rc=${PIPESTATUS[0]}
  if [ "$rc" -ne 0 ]; then
    echo "demo: unexpected failure (exit $rc)" >&2
    exit 1
  fi
}
# refused EXIT PROGRAM ARGS...: a command the rules must refuse with EXIT.
refused() {
  local want=$1
  shift
  printf '\n$ %s\n' "$*"
  set +e
  "$bin/$@" 2>&1 | sed 's/^/    /'
  local rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" -ne "$want" ]; then
    echo "demo: expected a refusal with exit $want, got $rc" >&2
    exit 1
  fi
  echo "    -> refused as expected (exit $rc)"
}

echo "libautolic demonstration: the Atelier Martin story"
echo "store: journal file $AUTOLIC_STORE (removed at the end)"

claire=(--as claire.martin@atelier-martin.example)
marc=(--as marc.durand@atelier-martin.example)
# json_get PROGRAM ARGS... -- EXPR: run quietly with --json, print EXPR of the result `d`.
json_get() {
  local args=()
  while [ "$1" != "--" ]; do args+=("$1"); shift; done
  "$bin/${args[0]}" --json "${args[@]:1}" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$2"
}

section "1. A subscription is bought (ACCT-1, ROLE-1, ROLE-2)"
at 2025-03-03T08:00:00Z
echo "Claire Martin signs in and buys a subscription: 3 seats of AutoCAD and"
echo "2 of Revit. As the buyer she becomes the contract manager (ROLE-2)."
run autolic_admin register "Claire Martin <Claire.Martin@Atelier-Martin.example>" --language fr
run autolic_admin "${claire[@]}" contract buy autocad=3 revit=2
contract=$(json_get autolic_admin contract list -- 'd["contracts"][-1]["number"]')
serial=$(json_get autolic_admin "${claire[@]}" contract show "$contract" -- \
  '[p["serial"] for p in d["contracts"][0]["products"] if p["product"] == "autocad"][0]')

section "2. A software coordinator is assigned (ROLE-4, ACCT-3)"
echo "Claire names Marc Durand software coordinator: the procedure gives the"
echo "product's serial number and the current coordinator's email (hers), then"
echo "the new coordinator. Marc has no account yet, so he is invited."
run autolic_admin "${claire[@]}" contract coordinator "$serial" claire.martin@atelier-martin.example \
  "Marc Durand <Marc.Durand@Atelier-Martin.example>"
at 2025-03-03T10:00:00Z
run autolic_admin "${marc[@]}" account accept
run autolic_admin contract members "$contract"

section "3. Users are invited from a CSV file (ACCT-3, ACCT-5)"
cat >users.csv <<'CSV'
email,first_name,last_name,language
jean.dupont@atelier-martin.example,Jean,Dupont,fr
amina.benali@atelier-martin.example,Amina,Benali,fr
luc.moreau@atelier-martin,Luc,Moreau,fr
sophie.girard@atelier-martin.example,Sophie,Girard,fr
CSV
echo "Marc imports users.csv; an import is all or nothing, and one line is malformed:"
sed 's/^/    /' users.csv
refused 3 autolic_admin "${marc[@]}" import users.csv --contract "$contract"
echo
echo "Nothing was added. Marc fixes line 4 and imports again:"
sed -i 's/luc.moreau@atelier-martin,/luc.moreau@atelier-martin.example,/' users.csv
run autolic_admin "${marc[@]}" import users.csv --contract "$contract"

section "4. Seats are granted until all are in use (SEAT-1, SEAT-2, SEAT-3)"
echo "Marc gives AutoCAD to the four of them; the contract has 3 seats."
run autolic_admin "${marc[@]}" seat grant "$contract" autocad jean.dupont@atelier-martin.example
run autolic_admin "${marc[@]}" seat grant "$contract" autocad amina.benali@atelier-martin.example
run autolic_admin "${marc[@]}" seat grant "$contract" autocad luc.moreau@atelier-martin.example
refused 5 autolic_admin "${marc[@]}" seat grant "$contract" autocad sophie.girard@atelier-martin.example
run autolic_admin seat list "$contract" autocad

section "5. Flex tokens: a week of metered use (FLEX-1..FLEX-5, FLEX-11)"
at 2025-03-07T09:00:00Z
echo "Sophie got no AutoCAD seat, and Amina needs Revit now and then: Claire"
echo "buys a lot of 60 Flex tokens, valid 365 days. The host's catalogue gives"
echo "the daily rates (FLEX-3): AutoCAD 7, Revit 10, Maya 6 tokens."
run autolic_flex product set autocad 7 AutoCAD
run autolic_flex product set revit 10 Revit
run autolic_flex product set maya 6 Maya
flex=(autolic_flex --contract "$contract")
run "${flex[@]}" "${claire[@]}" lot buy FLEX-2025-0001 60
run "${flex[@]}" "${marc[@]}" user assign sophie.girard@atelier-martin.example --all
run "${flex[@]}" "${marc[@]}" user assign amina.benali@atelier-martin.example --products revit,maya
echo "Both accept their invitations (ACCT-4: an invitation expires after 7 days)."
run autolic_admin --as sophie.girard@atelier-martin.example account accept
run autolic_admin --as amina.benali@atelier-martin.example account accept
sophie=(--as sophie.girard@atelier-martin.example)
amina=(--as amina.benali@atelier-martin.example)
# session: the number of the session the last launch opened.
session() { sed -n 's/^ *session \([0-9]*\) opened.*/\1/p' "$work/last.out"; }

echo
echo "Monday. The host reports each launch and close as it observes them (--at)."
at 2025-03-10T18:00:00Z
run "${flex[@]}" "${sophie[@]}" launch autocad --at 2025-03-10T09:00:00Z
s=$(session)
run "${flex[@]}" "${sophie[@]}" close "$s" --at 2025-03-10T12:30:00Z
echo "Sophie relaunches AutoCAD in the afternoon, inside her 24-hour window:"
run "${flex[@]}" "${sophie[@]}" launch autocad --at 2025-03-10T14:00:00Z
s=$(session)
run "${flex[@]}" "${sophie[@]}" close "$s" --at 2025-03-10T17:45:00Z
echo "Amina opens Revit by mistake and closes it 3 minutes later (FLEX-4):"
run "${flex[@]}" "${amina[@]}" launch revit --at 2025-03-10T10:00:00Z
s=$(session)
run "${flex[@]}" "${amina[@]}" close "$s" --at 2025-03-10T10:03:00Z

echo
echo "Tuesday to Thursday: a day of work each, AutoCAD for Sophie, Revit for Amina."
for day in 11 12 13; do
  at 2025-03-${day}T18:00:00Z
  product=autocad
  [ "$day" = 13 ] && product=maya
  run "${flex[@]}" "${sophie[@]}" launch $product --at 2025-03-${day}T09:30:00Z
  s=$(session)
  run "${flex[@]}" "${sophie[@]}" close "$s" --at 2025-03-${day}T17:00:00Z
  run "${flex[@]}" "${amina[@]}" launch revit --at 2025-03-${day}T09:45:00Z
  s=$(session)
  run "${flex[@]}" "${amina[@]}" close "$s" --at 2025-03-${day}T16:30:00Z
done

echo
echo "Friday: 3 tokens are left, Revit costs 10: the launch is refused (FLEX-5)."
at 2025-03-14T10:00:00Z
refused 5 "${flex[@]}" "${amina[@]}" launch revit
run "${flex[@]}" balance
echo
echo "The week's usage report (FLEX-11): one row per day used, the refunded"
echo "session with 0 tokens, the lots charged (lot:tokens)."
run "${flex[@]}" usage --from 2025-03-10 --until 2025-03-17
run "${flex[@]}" usage --from 2025-03-10 --until 2025-03-17 --csv

section "6. Fusion Operations: a hub, a trial, then provisioning (OPS-1..OPS-5)"
echo "Claire buys Fusion Operations for the workshop: 2 user licences and"
echo "3 shop-floor licences (each purchase is a new subscription: ROLE-9)."
run autolic_ops "${claire[@]}" subscription buy user 2
run autolic_ops "${claire[@]}" subscription buy shop-floor 3
echo
echo "The hub is created after the purchase; Claire is the only tenant she"
echo "administers, so it is chosen automatically. It starts as a trial (OPS-1)."
run autolic_ops "${claire[@]}" hub create Atelier Martin Lyon
echo
echo "During the trial, five operators are taken on and work on the shop floor."
run autolic_ops "${claire[@]}" operator add 101 Karim Haddad
run autolic_ops "${claire[@]}" operator add 102 Julie Petit
run autolic_ops "${claire[@]}" operator add 103 Thomas Roux
run autolic_ops "${claire[@]}" operator add 104 Nadia Faure
run autolic_ops "${claire[@]}" operator add 105 Hugo Lambert
at 2025-03-19T16:00:00Z
run autolic_ops "${claire[@]}" production 104 --at 2025-03-18T10:00:00Z
run autolic_ops "${claire[@]}" production 101 --at 2025-03-19T09:00:00Z
run autolic_ops "${claire[@]}" production 102 --at 2025-03-19T11:30:00Z
run autolic_ops "${claire[@]}" production 103 --at 2025-03-19T15:00:00Z
echo
echo "Claire provisions the hub: from now on the 3 shop-floor licences apply"
echo "to 5 active operators, so 2 are deactivated automatically (OPS-5): first"
echo "those with no production record, then the oldest last production."
at 2025-03-24T08:00:00Z
run autolic_ops "${claire[@]}" hub provision
run autolic_ops "${claire[@]}" operator list
echo
echo "Reactivating Hugo needs a free shop-floor licence (OPS-4):"
refused 5 autolic_ops "${claire[@]}" operator reactivate 105

section "7. Notifications survive every restart (NOTE-1, NOTE-2)"
echo "Every command above ran in its own process, which exited. Each notification"
echo "it raised was recorded in the journal by the transaction of its change"
echo "(NOTE-1): Thursday's launch that took the balance below 20% of the tokens"
echo "bought recorded the low-balance notice for both administrators (FLEX-12)."
echo "The host's mailer registers as a consumer, reads what it has not"
echo "acknowledged (each stream, a team or an invitee, in commit order), sends"
echo "it, then acknowledges it (NOTE-2). A mailer that stopped before"
echo "acknowledging would be shown the same notices again."
run autolic_admin notifications add mailer
run "${flex[@]}" notifications ack mailer
echo
echo "Acknowledged notices are never shown to the mailer again:"
run autolic_admin notifications list mailer

printf '\nEnd of the demonstration.\n'
