#!/usr/bin/env bash
# Scenario test of examples/autolic_admin.c: accounts and invitations
# (ACCT-1..5), contracts and roles (ROLE-2..4, ROLE-7), seats (SEAT-1..4),
# imports, JSON output and exit codes.
. "$(dirname "$0")/lib.sh"

adm=autolic_admin
cm=(--as cm@firm.example)

expect 0 $adm --help; has "usage: autolic_admin"; has "Exit codes"
expect 3 $adm contract list; err_has "no such store"
# a store in a directory that does not exist: said so, for reading and for
# writing (not "no such store yet", then a failed write)
expect 3 $adm --store nodir/sub/a.journal contract list; err_has "the directory nodir/sub does not exist"
expect 3 $adm --store nodir/a.journal register ann@x.example; err_has "the directory nodir does not exist"
lacks "no such store"
expect 3 $adm --json --store nodir/a.journal register ann@x.example
json 'd["ok"] is False and "the directory nodir does not exist" in d["message"]'
[ ! -e nodir ] || die "the directory was created"
expect 2 $adm contract; err_has "needs a subcommand"
expect 2 $adm contract frob; [ -z "$out" ] || die "usage error printed on stdout"

# ACCT-1: normalised, unique, validated
expect 0 $adm register "Carla Manager <CM@Firm.example>"; has "cm@firm.example"
expect 3 $adm register "cm@FIRM.example"
expect 3 $adm register "Bad <not-an-email>"
expect 0 $adm --json account show CM@firm.example
json 'd["accounts"][0]["email"] == "cm@firm.example" and d["accounts"][0]["state"] == "active"'

# ROLE-2: the buyer becomes the contract manager
expect 2 $adm contract buy cad=2                       # no --as
expect 2 $adm "${cm[@]}" contract buy cad               # PRODUCT=SEATS
expect 0 $adm "${cm[@]}" --json contract buy cad=2 cam=1
json 'd["contracts"][0]["manager"] == "cm@firm.example" and d["contracts"][0]["coordinator"] == "cm@firm.example"'
json '[(p["product"], p["quantity"]) for p in d["contracts"][0]["products"]] == [("cad", 2), ("cam", 1)]'
json 'any(e["rule"] == "ROLE-6" and e["to"] == "cm@firm.example" for e in d["events"])'
num=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["contracts"][0]["number"])' "$out")
serial=$(python3 -c 'import json,sys; print([p["serial"] for p in json.loads(sys.argv[1])["contracts"][0]["products"] if p["product"] == "cad"][0])' "$out")
expect 3 $adm contract show NO-SUCH-1

# ROLE-4: the coordinator, named with the serial and the current coordinator's email
expect 3 $adm "${cm[@]}" contract coordinator "$serial" someone@firm.example "Sam Coord <sc@firm.example>"
expect 0 $adm "${cm[@]}" contract coordinator "$serial" cm@firm.example "Sam Coord <sc@firm.example>"
has "[ACCT-3]"; has "sc@firm.example [ROLE-4]"
# ROLE-7: an invited account may not act until it accepts
expect 4 $adm --as sc@firm.example invite "Uma User <u1@firm.example>" --contract "$num"
err_has "ROLE-7"
expect 0 $adm --as sc@firm.example account accept
expect 3 $adm --as sc@firm.example account accept     # nothing to accept any more

# ACCT-5: an import is all or nothing and names each rejected line
printf 'email,first_name,last_name\nu1@firm.example,Uma,One\nbroken@,Bad,Line\nu2@firm.example,Ugo,Two\n' >people.csv
expect 3 $adm --as sc@firm.example import people.csv --contract "$num"
err_has "line 3 refused"
expect 3 $adm --as sc@firm.example --json import people.csv --contract "$num"
json 'd["ok"] is False and d["exit"] == 3 and [r["line"] for r in d["rejected"]] == [3]'
expect 0 $adm --json account list --contract "$num"
json 'len(d["accounts"]) == 2'                          # nothing was added
printf 'Uma One <u1@firm.example>\nUgo Two <u2@firm.example>\nUlla Three <u3@firm.example>\n' >people.txt
expect 0 $adm --as sc@firm.example import people.txt --contract "$num"; has "3 people added"
expect 2 $adm --as sc@firm.example import people.txt --format xml --contract "$num"
expect 0 $adm account show u1@firm.example; has "invited (invitation valid until 2025-03-10T08:00:00Z)"

# SEAT-2: granting beyond the quantity is refused and changes nothing; SEAT-1
expect 0 $adm --as sc@firm.example seat grant "$num" cad u1@firm.example u2@firm.example
has "cad: 2 of 2 seats granted, 0 available"
expect 5 $adm --as sc@firm.example seat grant "$num" cad u3@firm.example; err_has "SEAT-2"
expect 5 $adm --as sc@firm.example --json seat grant "$num" cad u3@firm.example
json 'd["error"] == "ENOSEAT" and d["exit"] == 5'
expect 3 $adm --as sc@firm.example seat grant "$num" cam u1@firm.example u1@firm.example  # SEAT-1
expect 0 $adm --json seat list "$num" cam
json 'd["seats"]["granted"] == 1'
# ROLE-6: a user may not grant seats
expect 0 $adm --as u1@firm.example account accept
expect 4 $adm --as u1@firm.example seat grant "$num" cad u2@firm.example
# seat import: all or nothing, with a report per line
printf 'u3@firm.example,cam\n' >seats.csv
expect 0 $adm --as sc@firm.example seat revoke "$num" cam u1@firm.example; has "cam: 0 of 1"
expect 0 $adm --as sc@firm.example seat import "$num" seats.csv; has "line 1: u3@firm.example cam: granted"
printf 'u1@firm.example,cam\n' >more.csv
expect 5 $adm --as sc@firm.example seat import "$num" more.csv; err_has "refused"
expect 0 $adm --json seat user u3@firm.example
json '[(s["product"], s["origin"]) for s in d["holders"]] == [("cam", "imported")]'
# SEAT-4: removing a user frees every seat
expect 0 $adm --as sc@firm.example account remove u1@firm.example; has "removed"
expect 0 $adm seat list "$num" cad; has "cad: 1 of 2 seats granted, 1 available"
# ACCT-4: an invitation expires after 7 days
AUTOLIC_NOW=2025-03-11T00:00:00Z expect 5 $adm --as u2@firm.example account accept
err_has "ACCT-4"
AUTOLIC_NOW=2025-03-11T00:00:00Z expect 0 $adm --as sc@firm.example account resend u2@firm.example
AUTOLIC_NOW=2025-03-11T00:00:00Z expect 0 $adm --as u2@firm.example account accept
# ACCT-2: own details only
expect 0 $adm --as u2@firm.example account edit --first Hugo --language fr; has "Hugo Two"
# ROLE-3: only the contract manager hands the contract over
expect 4 $adm --as sc@firm.example contract manager "$num" sc@firm.example
expect 0 $adm "${cm[@]}" contract manager "$num" sc@firm.example; has "primary administrator"
expect 0 $adm contract show "$num"; has "contract manager      sc@firm.example"
# NOTE-1, NOTE-2: every notification above was recorded; a consumer reads them in
# commit order, acknowledges them, and is never shown them again
expect 3 $adm notifications list mailer; err_has "NOTE-2"
expect 0 $adm notifications add mailer
expect 3 $adm notifications add mailer; err_has "exists"
expect 0 $adm --json notifications list mailer
json 'd["count"] == len(d["notifications"]) > 5 and all(n["stream"] and n["position"] and n["rule"] for n in d["notifications"])'
json '{n["rule"] for n in d["notifications"] if n["type"] in (5, 6)} == {"SEAT-3"} and sum(n["type"] == 5 for n in d["notifications"]) >= 2 and any(n["rule"] == "ACCT-4" for n in d["notifications"])'
# within a stream, positions 1, 2, 3... in order
json 'all([n["position"] for n in d["notifications"] if n["stream"] == s] == list(range(1, 1 + sum(1 for n in d["notifications"] if n["stream"] == s))) for s in {n["stream"] for n in d["notifications"]})'
total=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["count"])' "$out")
expect 0 $adm notifications list mailer 2; [ "$(wc -l <<<"$out")" -eq 2 ] || die "MAX 2 printed more"
expect 0 $adm notifications ack mailer 3
expect 0 $adm --json notifications list mailer
json "d['count'] == $total - 3"
expect 0 $adm notifications ack mailer
expect 0 $adm notifications list mailer; has "nothing new for mailer"
expect 0 $adm notifications add audit
expect 0 $adm --json notifications trim; json 'd["removed"] == 0'   # the audit has read nothing
expect 0 $adm --json notifications list audit; json "d['count'] == $total"
# --follow delivers what comes, one JSON object per line, until interrupted
expect 0 $adm --as sc@firm.example seat grant "$num" cad u3@firm.example
"$bin/autolic_admin" --json notifications ack mailer --follow >follow.out 2>follow.err &
fpid=$!
for _ in $(seq 600); do grep -q '"SEAT-3"' follow.out 2>/dev/null && break; sleep 0.1; done
grep -q '"SEAT-3"' follow.out || die "notifications --follow printed nothing in 60 s"
kill -INT "$fpid"
wait "$fpid" || die "notifications --follow exited $?"
out=$(cat follow.out)
json 'd["rule"] == "SEAT-3" and d["type"] == 5 and d["to"] == "u3@firm.example"'
expect 0 $adm notifications list mailer; has "nothing new for mailer"
expect 2 $adm --follow check
# check: the whole store against the library's invariants
expect 0 $adm check; has "ok"
expect 0 $adm --json check
json 'd["ok"] == True'
# a committed transaction that deletes u3's email index entry behind the
# library's back (a valid journal record): the check names ACCT-1, exit 6
python3 - "$AUTOLIC_STORE" <<'PY'
import struct, sys
def crc32c(crc, data):
    crc ^= 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF
path = sys.argv[1]
img = open(path, "rb").read()
gen, salt = struct.unpack_from("<QQ", img, 16)
seed = crc32c(0, struct.pack("<QQ", gen, salt))
tag = bytes((b or 0x5A) for b in struct.pack("<Q", salt)[:3])
seq, _ = struct.unpack_from("<QQ", img, len(img) - 16)  # the closing sync mark
def frame(kind, payload):
    body = struct.pack("<I", len(payload)) + bytes([kind]) + tag + payload
    return struct.pack("<I", crc32c(seed, body)) + body
rec = frame(2, b"\x11u3@firm.example\x00")
rec += frame(3, struct.pack("<QQII", seq + 1, len(img), 1, 0))
open(path, "ab").write(rec)
PY
expect 6 $adm check; err_has "ACCT-1"
done_ok
