#!/usr/bin/env bash
# Scenario test of the three administration programs over a store holding
# text that IN-1 now refuses: invalid UTF-8 and control characters, as a
# store written by an earlier version may hold them (written in by the
# raw_text helper through the storage vtable). --json prints valid JSON (control
# characters as \uXXXX, invalid bytes as U+FFFD); text output never carries a
# raw control character.
raw=${2:?usage: $0 DIR-OF-BUILT-EXAMPLE-PROGRAMS RAW_TEXT-HELPER}
. "$(dirname "$0")/lib.sh"

a=(--as ann@team.example)
# the library refuses such text at every entry point (IN-1)
expect 0 autolic_admin register "Ann Admin <ann@team.example>"
expect 3 autolic_admin "${a[@]}" account edit --first $'Bad\x1b[2J'; err_has "IN-1"
expect 3 autolic_flex product set cad 7 $'CAD\xff'; err_has "IN-1"
expect 3 autolic_flex product set cad 7 $'CAD\x1b[31m'; err_has "product display name"

# a store written before: names with markers, then the markers rewritten raw
expect 0 autolic_admin "${a[@]}" account edit --first SSSSSSSS
expect 0 autolic_flex product set cad 7 QQQQQQQQ
expect 0 autolic_ops "${a[@]}" subscription buy shop-floor 2 --until 2025-09-01
expect 0 autolic_ops "${a[@]}" hub create Plant
expect 0 autolic_ops "${a[@]}" operator add 1 RRRRRRRR
# ESC [ 2 J (clears a terminal), an invalid byte, C1 CSI, BEL
"$raw" "$AUTOLIC_STORE" QQQQQQQQ 1b5b324affc29b07 >/dev/null
"$raw" "$AUTOLIC_STORE" RRRRRRRR 1b5b324affc29b07 >/dev/null
# a surrogate, SOH, DEL, an overlong '/', 'x'
"$raw" "$AUTOLIC_STORE" SSSSSSSS eda080017fc0af78 >/dev/null

# valid_json PYEXPR: stdout is strict UTF-8, valid JSON, and PYEXPR holds on d
valid_json() {
  checks=$((checks + 1))
  python3 -c '
import json, sys
d = json.loads(sys.stdin.buffer.read().decode("utf-8"))
sys.exit(0 if eval(sys.argv[1]) else 1)
' "$1" <<<"$out" || die "not valid JSON, or check failed: $1"
}
# no_control: stdout and stderr hold no control character but line ends,
# and are valid UTF-8
no_control() {
  checks=$((checks + 1))
  printf '%s%s' "$out" "$err" | python3 -c '
import sys
t = sys.stdin.buffer.read().decode("utf-8")
bad = [c for c in t if (ord(c) < 0x20 and c not in "\r\n") or 0x7f <= ord(c) <= 0x9f]
sys.exit(1 if bad else 0)
' || die "raw control characters or invalid UTF-8 in the output"
}

expect 0 autolic_flex --json product show cad
valid_json 'd["product"]["name"] == "\x1b[2J\ufffd\x9b\x07"'
has '\u001b[2J\ufffd\u009b\u0007'
expect 0 autolic_flex product show cad
no_control; has '\u001b[2J'; has $'\xef\xbf\xbd'

expect 0 autolic_ops "${a[@]}" --json operator list
valid_json 'any(o["name"] == "\x1b[2J\ufffd\x9b\x07" for o in d["operators"])'
expect 0 autolic_ops "${a[@]}" operator list
no_control; has '\u001b[2J'

expect 0 autolic_admin --json account show ann@team.example
valid_json 'd["accounts"][0]["first_name"] == "\ufffd\ufffd\ufffd\x01\x7f\ufffd\ufffdx"'
expect 0 autolic_admin account show ann@team.example
no_control; has '\u0001\u007f'

# IN-2: a user named like a formula is neutralised in the usage CSV
u=(--as ulf@team.example)
expect 0 autolic_admin "${a[@]}" contract buy cad=1
expect 0 autolic_admin "${a[@]}" invite "Ulf User <ulf@team.example>" --team 1
expect 0 autolic_admin "${u[@]}" account accept
expect 0 autolic_admin "${u[@]}" account edit --first '=HYPERLINK("http://evil.example","x")' --last -2+3
expect 0 autolic_flex product set sim 10 Simulation
expect 0 autolic_flex --team 1 "${a[@]}" user assign ulf@team.example --products sim
expect 0 autolic_flex --team 1 "${a[@]}" lot buy SUB-1 35
expect 0 autolic_flex --team 1 "${u[@]}" launch sim
expect 0 autolic_flex --team 1 usage --csv
# (the team_name cell after the team id holds the stored name, its raw bytes
# shown cleaned as everywhere above)
has $'"\'=HYPERLINK(""http://evil.example"",""x"")","\'-2+3",sim,1,'
has $'\\u0001\\u007f'; has 'x Admin,10,charged,1:10'
lacks ',=HYPERLINK'

done_ok
