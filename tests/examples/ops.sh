#!/usr/bin/env bash
# Scenario test of examples/autolic_ops.c: Fusion Operations (OPS-1..OPS-7),
# permissions (ROLE-7), JSON output, exit codes, the store and the clock.
. "$(dirname "$0")/lib.sh"

ops=autolic_ops
t=(--as tina@plant.example)

# --help, usage errors (exit 2, nothing on stdout)
expect 0 $ops --help; has "usage: autolic_ops"; has "Exit codes"
expect 2 $ops; [ -z "$out" ] || die "usage error printed on stdout"
expect 2 $ops frobnicate; err_has "unknown command 'frobnicate'"
expect 2 $ops --bogus x licences; err_has "unknown option --bogus"
expect 2 $ops operator; err_has "needs a subcommand"
AUTOLIC_NOW=soon expect 2 $ops licences; err_has "AUTOLIC_NOW=soon"

# a query on a store that does not exist yet: not found, nothing created
expect 3 $ops --tenant tina@plant.example licences; err_has "no such store"
[ ! -e "$AUTOLIC_STORE" ] || die "a query created the store"

# accounts (ACCT-1: the email is normalised)
expect 0 $ops register "Tina Chef <Tina@Plant.example>"; has "tina@plant.example"
expect 0 $ops --json register "Paul Autre <paul@other.example>"
json 'd["ok"] and d["email"] == "paul@other.example" and d["account"] == 2'
expect 3 $ops register "not an email"
expect 3 $ops register "Tina Again <TINA@plant.example>"
# state-changing commands need --as (ROLE-7), and --as must exist
expect 2 $ops subscription buy user 2; err_has "--as EMAIL"
expect 3 $ops --as ghost@plant.example licences; err_has "ghost@plant.example"

# OPS-1: a hub is created after purchase
expect 3 $ops "${t[@]}" hub create Plant; err_has "OPS-1"
expect 0 $ops "${t[@]}" subscription buy user 1; has "subscription 1"
expect 0 $ops "${t[@]}" --json subscription buy shop-floor 2 --until 2025-09-01
json 'd["subscription"]["kind"] == "shop-floor" and d["subscription"]["quantity"] == 2 and d["subscription"]["end"] == "2025-09-01T00:00:00Z" and d["subscription"]["end_epoch"] == 1756684800'
expect 0 $ops "${t[@]}" --json hub create North Plant --trial-operators 3
json 'd["hub"]["state"] == "trial" and d["hub"]["trial_days_left"] == 30 and d["licences"]["shop_floor_total"] == 3'
expect 3 $ops "${t[@]}" hub create Second Plant  # a tenant has one hub
# ROLE-7: another account may not act on Tina's hub; the refusal names the rule
expect 4 $ops --as paul@other.example --tenant tina@plant.example operator add 1 Someone
err_has "ROLE-7"
expect 4 $ops --as paul@other.example --json --tenant tina@plant.example hub provision
json 'd["ok"] is False and d["error"] == "EPERM" and d["exit"] == 4 and "ROLE-7" in d["message"]'

# OPS-4 during the trial: 3 licensed operators allowed
expect 0 $ops "${t[@]}" operator add 11 Operator 11
expect 3 $ops "${t[@]}" operator add 11 Duplicate Number; err_has "already used"
for n in 12 13; do expect 0 $ops "${t[@]}" operator add $n Operator $n; done
expect 5 $ops "${t[@]}" operator add 14 One Too Many
err_has "all licences for operators are in use"
expect 5 $ops "${t[@]}" --json operator add 14 One Too Many
json 'd["error"] == "ENOOPLICENCE" and "OPS-4" in d["message"]'

# OPS-3: an operator made from a user takes no shop-floor licence
expect 0 $ops "${t[@]}" user add tina@plant.example
expect 0 $ops "${t[@]}" operator from-user tina@plant.example T1; has "takes no shop-floor licence"
has "shop-floor 3 of 3 used"

# production records: --at, default now, and the future tolerance
AUTOLIC_NOW=2025-03-04T12:00:00Z expect 0 $ops "${t[@]}" production 11 --at 2025-03-04T08:00:00Z
has "2025-03-04T08:00:00Z"
AUTOLIC_NOW=2025-03-04T12:00:00Z expect 0 $ops "${t[@]}" production 12
has "last production 2025-03-04T12:00:00Z"
AUTOLIC_NOW=2025-03-04T12:00:00Z expect 3 $ops "${t[@]}" production 12 --at 2025-03-05
err_has "future"
expect 2 $ops "${t[@]}" production 12 --at yesterday

# OPS-5 at provisioning: 2 shop-floor licences for 3 active operators; the
# one without a production record goes, the user-made operator stays.
export AUTOLIC_NOW=2025-03-06T08:00:00Z
expect 0 $ops "${t[@]}" hub provision
has "1 operator(s) deactivated"; has "[OPS-5] operator 13"
expect 0 $ops --tenant tina@plant.example --json operator show 11 12 13 T1
json '[o["active"] for o in d["operators"]] == [True, True, False, True]'
json 'd["operators"][2]["reason"] == 3 and "OPS-5" in d["operators"][2]["status"]'
# the whole hub from one listing, in id order, the same answers
expect 0 $ops --tenant tina@plant.example --json operator list
json '[(o["number"], o["active"]) for o in d["operators"]] == [("11", True), ("12", True), ("13", False), ("T1", True)]'
expect 2 $ops --tenant tina@plant.example operator list 11
expect 3 $ops "${t[@]}" hub provision  # already provisioned
# licences shrink: the operator with the oldest production goes (OPS-5)
expect 0 $ops "${t[@]}" subscription set-quantity 2 1
has "1 operators deactivated"; has "[OPS-5] operator 11"
expect 0 $ops --tenant tina@plant.example operator show 11 12
has "DEACTIVATED"; has "fewer shop-floor licences"
expect 5 $ops "${t[@]}" operator reactivate 13
# a named admin may act; the tenant alone names admins
expect 4 $ops --as paul@other.example --tenant tina@plant.example admin add paul@other.example
expect 0 $ops "${t[@]}" admin add paul@other.example
expect 0 $ops --as paul@other.example --tenant tina@plant.example operator deactivate 12
expect 0 $ops --as paul@other.example --tenant tina@plant.example operator reactivate 13

# OPS-6 and OPS-7: access, late payment, block after 30 days
expect 0 $ops --tenant tina@plant.example access tina@plant.example
expect 5 $ops --tenant tina@plant.example access paul@other.example; err_has "no valid licence"
expect 0 $ops "${t[@]}" payment late 2025-03-01; has "late: warning"
AUTOLIC_NOW=2025-04-01T00:00:00Z expect 5 $ops --tenant tina@plant.example access tina@plant.example
err_has "OPS-6"
AUTOLIC_NOW=2025-04-01T00:00:00Z expect 0 $ops "${t[@]}" payment record
AUTOLIC_NOW=2025-04-01T00:00:00Z expect 0 $ops --tenant tina@plant.example --json access tina@plant.example
json 'd["access"] is True'

# the store: corrupt, locked, and a directory (exit 6 or 3)
echo "not a journal" >bad.journal
expect 6 $ops --store bad.journal --tenant tina@plant.example licences
python3 - "$bin/$ops" "$AUTOLIC_STORE" <<'PY' || die "locked store not refused with exit 6"
import fcntl, subprocess, sys
with open(sys.argv[2], "rb+") as f:
    fcntl.lockf(f, fcntl.LOCK_EX)
    rc = subprocess.run([sys.argv[1], "--as", "tina@plant.example", "licences"],
                        capture_output=True).returncode
sys.exit(0 if rc == 6 else 1)
PY
checks=$((checks + 1))
mkdir adir
expect 3 $ops --store adir --tenant tina@plant.example licences
# check: the store keeps the library's invariants
expect 0 $ops check; has "ok"
done_ok
