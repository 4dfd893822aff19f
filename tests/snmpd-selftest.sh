#!/bin/bash
#
# Self-test of tests/servers/snmpd.sh: every profile serves exactly what it says.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Usage: bash tests/snmpd-selftest.sh      (from anywhere; exit 0 pass, 1 fail, 77 skip)
#
# Starts each profile on a free UDP port of 127.0.0.1 (free_port of tests/lib.sh, another one
# when snmpd cannot bind) under the test's WORK directory, reads it back with snmpwalk/snmpget
# (SNMPv1 and v2c), changes the black level with `snmpd.sh set`, checks that only the
# configured community gets answers, stops the agent and checks its PID is gone.  One
# "ok"/"FAIL" line per check (tests/lib.sh: check for a command, check_eq for a value), then
# the summary line.  Only the agents this script started are stopped, by their recorded PID.

set -euo pipefail
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
agent=$here/servers/snmpd.sh
readonly SUP=.1.3.6.1.2.1.43.11.1.1
readonly COL=.1.3.6.1.2.1.43.12.1.1
readonly HRD=.1.3.6.1.2.1.25.3.2.1
readonly HRP=.1.3.6.1.2.1.25.3.5.1
readonly DEVID=.1.3.6.1.4.1.2699.1.2.1.2.1.1.3.1

started=()

for tool in snmpd snmpget snmpwalk snmpgetnext snmpbulkwalk snmpset; do
  if ! command -v "$tool" >/dev/null && [[ ! -x /usr/sbin/$tool ]]; then
    echo "SKIP: $tool not installed (Debian packages snmpd, snmp)"
    exit 77
  fi
done

tmp=$WORK
: >"$tmp/t0"
mkdir -p "$tmp/client-conf" "$tmp/client-persist/cert_indexes"

# 'stop_started()' - stop every agent this script started (by its PID file).
stop_started()
{
  local d
  for d in "${started[@]}"; do
    "$agent" stop "$d" >/dev/null 2>&1 || true
  done
}
at_exit stop_started

# 'snmp()' - run a net-snmp client with no configuration files, no MIBs, numeric output and
# its persistent files in the temp dir.  Output and status are the tool's.
snmp()
{
  env SNMPCONFPATH="$tmp/client-conf" SNMP_PERSISTENT_DIR="$tmp/client-persist" MIBS= \
    "$@" -On -r0 -t1 2>&1
}

# 'now_ms()' - milliseconds since the epoch.
now_ms()
{
  echo $(( $(date +%s%N) / 1000000 ))
}

# 'start()' - start PROFILE in $tmp/NAME on a free random port; sets PORT and PID.
start()
{
  local name=$1 profile=$2 dir=$tmp/$1 try rc t0
  for (( try = 0; try < 10; try++ )); do
    PORT=$(free_port)
    rc=0
    t0=$(now_ms)
    "$agent" start "$dir" "$PORT" "$profile" >"$tmp/$name.start" 2>&1 || rc=$?
    if (( rc == 77 )); then
      cat "$tmp/$name.start"
      exit 77
    fi
    if (( rc == 0 )); then
      started+=("$dir")
      PID=$(<"$dir/pid")
      echo "# $profile: snmpd PID $PID answered on 127.0.0.1:$PORT after $(( $(now_ms) - t0 )) ms"
      return 0
    fi
    # Lost a race for the port: try another one.
    grep -q 'Error opening specified endpoint' "$dir/snmpd.log" 2>/dev/null && continue
    break
  done
  fail "start $profile"
  sed 's/^/#   /' "$tmp/$name.start"
  return 1
}

# 'stop()' - stop the agent in $tmp/NAME and check that its PID has gone.
stop()
{
  local name=$1 pid
  pid=$(<"$tmp/$name/pid")
  if "$agent" stop "$tmp/$name"; then
    ok "$name: stop"
  else
    fail "$name: stop"
  fi
  if [[ -e /proc/$pid ]] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then
    fail "$name: PID $pid still exists after stop"
  else
    ok "$name: PID $pid is gone"
  fi
  check "$name: pid file removed" test ! -e "$tmp/$name/pid"
}

# 'walk()' - snmpwalk VERSION COMMUNITY OID on $PORT.
walk()
{
  snmp snmpwalk -v"$1" -c "$2" "127.0.0.1:$PORT" "$3" || true
}

# 'get()' - snmpget with VERSION COMMUNITY OID... on $PORT, values only.
get()
{
  local v=$1 c=$2
  shift 2
  snmp snmpget -v"$v" -c "$c" -Oqv "127.0.0.1:$PORT" "$@" || true
}

# 'hexof()' - the bytes of an OCTET STRING value as hex without spaces (snmpget -Ox).
hexof()
{
  get 2c public -Ox "$1" | tr -d ' \n"' | tr A-F a-f
}

# ---- printer
want_supplies=$(cat <<EOF
$SUP.2.1.1 = INTEGER: 1
$SUP.2.1.2 = INTEGER: 1
$SUP.2.1.3 = INTEGER: 1
$SUP.2.1.4 = INTEGER: 1
$SUP.2.1.5 = INTEGER: 1
$SUP.3.1.1 = INTEGER: 1
$SUP.3.1.2 = INTEGER: 2
$SUP.3.1.3 = INTEGER: 3
$SUP.3.1.4 = INTEGER: 4
$SUP.3.1.5 = INTEGER: 0
$SUP.4.1.1 = INTEGER: 3
$SUP.4.1.2 = INTEGER: 3
$SUP.4.1.3 = INTEGER: 3
$SUP.4.1.4 = INTEGER: 3
$SUP.4.1.5 = INTEGER: 4
$SUP.5.1.1 = INTEGER: 21
$SUP.5.1.2 = INTEGER: 21
$SUP.5.1.3 = INTEGER: 21
$SUP.5.1.4 = INTEGER: 21
$SUP.5.1.5 = INTEGER: 4
$SUP.6.1.1 = STRING: "Black Toner Cartridge"
$SUP.6.1.2 = STRING: "Cyan Toner Cartridge"
$SUP.6.1.3 = STRING: "Magenta Toner Cartridge"
$SUP.6.1.4 = STRING: "Yellow Toner Cartridge"
$SUP.6.1.5 = STRING: "Waste Toner Box"
$SUP.7.1.1 = INTEGER: 19
$SUP.7.1.2 = INTEGER: 19
$SUP.7.1.3 = INTEGER: 13
$SUP.7.1.4 = INTEGER: 19
$SUP.7.1.5 = INTEGER: 19
$SUP.8.1.1 = INTEGER: 100
$SUP.8.1.2 = INTEGER: 100
$SUP.8.1.3 = INTEGER: 200
$SUP.8.1.4 = INTEGER: 100
$SUP.8.1.5 = INTEGER: 100
$SUP.9.1.1 = INTEGER: 5
$SUP.9.1.2 = INTEGER: 80
$SUP.9.1.3 = INTEGER: 60
$SUP.9.1.4 = INTEGER: 45
$SUP.9.1.5 = INTEGER: 20
EOF
)
want_colorants=$(cat <<EOF
$COL.4.1.1 = STRING: "black"
$COL.4.1.2 = STRING: "cyan"
$COL.4.1.3 = STRING: "magenta"
$COL.4.1.4 = STRING: "yellow"
EOF
)

if start printer printer; then
  check_eq "printer: v1 walk of prtMarkerSuppliesTable" "$(walk 1 public $SUP)" "$want_supplies"
  check_eq "printer: v2c walk of prtMarkerSuppliesTable" "$(walk 2c public $SUP)" "$want_supplies"
  check_eq "printer: v2c GETBULK walk of prtMarkerSuppliesTable" \
    "$(snmp snmpbulkwalk -v2c -c public "127.0.0.1:$PORT" $SUP || true)" "$want_supplies"
  check_eq "printer: v1 walk of prtMarkerColorantValue" "$(walk 1 public $COL)" "$want_colorants"
  check_eq "printer: hrPrinterStatus idle(3)" "$(get 1 public $HRP.1.1)" 3
  check_eq "printer: hrPrinterDetectedErrorState = 20 00 (lowToner)" "$(hexof $HRP.2.1)" 2000
  check_eq "printer: hrDeviceDescr.1" "$(get 2c public $HRD.3.1)" '"Acme LaserStream 9000"'
  check_eq "printer: hrDeviceType.1 hrDevicePrinter" "$(get 2c public $HRD.2.1)" .1.3.6.1.2.1.25.3.1.5
  check_eq "printer: ppmPrinterIEEE1284DeviceId" "$(get 2c public $DEVID)" \
    '"MFG:Acme;MDL:LaserStream 9000;CMD:PJL,PCL,POSTSCRIPT;CLS:PRINTER;"'
  check_eq "printer: sysDescr.0" "$(get 1 public .1.3.6.1.2.1.1.1.0)" \
    '"Acme LaserStream 9000 (cups-lpr test agent, profile printer)"'
  # Past the last object: v1 answers noSuchName, v2c endOfMibView (RFC 3416 4.2.2).
  out=$(snmp snmpgetnext -v1 -c public "127.0.0.1:$PORT" $DEVID || true)
  check "printer: v1 GETNEXT past the end is noSuchName" grep -q noSuchName <<<"$out"
  out=$(snmp snmpgetnext -v2c -c public "127.0.0.1:$PORT" $DEVID || true)
  check "printer: v2c GETNEXT past the end is endOfMibView" \
    grep -q "No more variables left in this MIB View" <<<"$out"
  # A missing object: v1 fails the whole PDU, v2c marks the one varbind.
  out=$(snmp snmpget -v1 -c public "127.0.0.1:$PORT" $SUP.9.1.1 $SUP.9.1.6 || true)
  check "printer: v1 GET of a missing object is noSuchName" \
    grep -q "noSuchName.*Failed object: $SUP.9.1.6" <<<"${out//$'\n'/ }"
  out=$(snmp snmpget -v2c -c public "127.0.0.1:$PORT" $SUP.9.1.1 $SUP.9.1.6 || true)
  check_eq "printer: v2c GET of a missing object is noSuchObject" "$out" \
    "$SUP.9.1.1 = INTEGER: 5
$SUP.9.1.6 = No Such Object available on this agent at this OID"

  # Live changes through snmpd.sh set.
  if "$agent" set "$tmp/printer" $SUP.9.1.1 i 50; then
    ok "printer: set black level 5 -> 50"
  else
    fail "printer: set black level 5 -> 50"
  fi
  check_eq "printer: black level reads back 50 (v1)" "$(get 1 public $SUP.9.1.1)" 50
  check_eq "printer: other levels unchanged" "$(get 2c public $SUP.9.1.2 $SUP.9.1.5)" "80
20"
  check "printer: set error state to 50 00" "$agent" set "$tmp/printer" $HRP.2.1 x 5000
  check_eq "printer: error state reads back 50 00 (noToner, doorOpen)" "$(hexof $HRP.2.1)" 5000
  check "printer: set hrPrinterStatus printing(4)" "$agent" set "$tmp/printer" $HRP.1.1 i 4
  if "$agent" set "$tmp/printer" $SUP.6.1.1 s "New name" 2>/dev/null; then
    fail "printer: set of a read-only description succeeded"
  else
    ok "printer: set of a read-only description is refused"
  fi
  if "$agent" set "$tmp/printer" $SUP.9.1.1 s 7 2>/dev/null; then
    fail "printer: set of a level with the wrong type succeeded"
  else
    ok "printer: set of a level with the wrong type is refused"
  fi
  # The write community is write-only.
  out=$(get 2c "$(<"$tmp/printer/wcommunity")" $SUP.9.1.1)
  check_eq "printer: the write community cannot read" "$out" \
    "No Such Object available on this agent at this OID"
  # Nothing but udp 127.0.0.1:PORT.
  if command -v ss >/dev/null; then
    out=$(ss -H -lnptuwx | grep "pid=$PID," | awk '{ print $1, $5 }' || true)
    check_eq "printer: the only socket is udp 127.0.0.1:$PORT" "$out" "udp 127.0.0.1:$PORT"
  fi
  if "$agent" start "$tmp/printer" "$PORT" printer >/dev/null 2>&1; then
    fail "printer: a second start in the same STATEDIR succeeded"
  else
    ok "printer: a second start in the same STATEDIR is refused"
  fi
  stop printer
  check "printer: persistent state in STATEDIR/persist" test -s "$tmp/printer/persist/snmpd.conf"
fi

# ---- community restriction
if SNMPD_COMMUNITY=s3cret-Comm start community printer; then
  check_eq "community: s3cret-Comm answers" "$(get 2c s3cret-Comm $SUP.9.1.1)" 5
  check_eq "community: s3cret-Comm answers v1" "$(get 1 s3cret-Comm $SUP.9.1.1)" 5
  t0=$(now_ms)
  out=$(get 2c public $SUP.9.1.1)
  check_eq "community: public gets no answer (timeout after $(( $(now_ms) - t0 )) ms)" "$out" \
    "Timeout: No Response from 127.0.0.1:$PORT."
  out=$(get 1 public $SUP.9.1.1)
  check_eq "community: public gets no answer (v1)" "$out" "Timeout: No Response from 127.0.0.1:$PORT."
  stop community
fi

# ---- garbage
if start garbage garbage; then
  check_eq "garbage: description is an INTEGER" "$(walk 2c public $SUP.6.1.1)" \
    "$SUP.6.1.1 = INTEGER: 42"
  check_eq "garbage: level is an OCTET STRING" "$(walk 2c public $SUP.9.1.1)" \
    "$SUP.9.1.1 = STRING: \"5\""
  check_eq "garbage: max capacity -2, level -3" "$(get 1 public $SUP.8.1.2 $SUP.9.1.2)" "-2
-3"
  check_eq "garbage: max capacity 0, level 250 > max, 2147483648, -100" \
    "$(get 2c public $SUP.8.1.3 $SUP.9.1.4 $SUP.8.1.5 $SUP.9.1.5)" "0
250
2147483648
-100"
  check_eq "garbage: colorant value is an OID" "$(walk 2c public $COL.4.1.1)" \
    "$COL.4.1.1 = OID: .1.3.6.1.2.1.43"
  check_eq "garbage: colorant with a NUL" "$(hexof $COL.4.1.3)" 6d616700656e7461
  check_eq "garbage: hrPrinterDetectedErrorState is an INTEGER" "$(walk 2c public $HRP.2.1)" \
    "$HRP.2.1 = INTEGER: 32"
  check_eq "garbage: hrPrinterStatus out of range" "$(get 2c public $HRP.1.1)" 42
  h=$(hexof $DEVID)
  check_eq "garbage: device ID is 600 bytes" "$(( ${#h} / 2 ))" 600
  check "garbage: device ID starts with MFG:Acme SOH ESC" test "${h:0:22}" = 4d46473a41636d65011b3b
  # One byte per word, so that a match is byte-aligned.
  bytes=" $(fold -w2 <<<"$h" | tr '\n' ' ')"
  check "garbage: device ID has CR LF STATE:" grep -q ' 0d 0a 53 54 41 54 45 3a ' <<<"$bytes"
  check "garbage: device ID has a NUL byte" grep -q ' 00 ' <<<"$bytes"
  check_eq "garbage: description with ESC, CR LF and BEL" "$(hexof $SUP.6.1.3)" \
    "$(printf 'Mag\033[2Jenta\r\nSTATE: +toner-empty-error\a' | od -An -v -tx1 | tr -d ' \n')"
  check "garbage: set string level" "$agent" set "$tmp/garbage" $SUP.9.1.1 s 6
  check_eq "garbage: string level reads back" "$(get 2c public $SUP.9.1.1)" '"6"'
  stop garbage
fi

# ---- truncated
if start truncated truncated; then
  out=$(walk 1 public $SUP)
  check_eq "truncated: levels of rows 1 and 3 only" "$(grep "^$SUP.9.1." <<<"$out" || true)" \
    "$SUP.9.1.1 = INTEGER: 5
$SUP.9.1.3 = INTEGER: 60"
  check_eq "truncated: descriptions of rows 1 and 2 only" "$(grep "^$SUP.6.1." <<<"$out" || true)" \
    "$SUP.6.1.1 = STRING: \"Black Toner Cartridge\"
$SUP.6.1.2 = STRING: \"Cyan Toner Cartridge\""
  check_eq "truncated: 3 rows x 8 columns less 2 gaps" "$(grep -c . <<<"$out")" 22
  check_eq "truncated: no colorant table (v2c)" "$(walk 2c public $COL)" \
    "$COL = No Such Object available on this agent at this OID"
  check_eq "truncated: no colorant table (v1)" "$(walk 1 public $COL)" ""
  check_eq "truncated: v2c GET of the missing level" "$(get 2c public $SUP.9.1.2)" \
    "No Such Object available on this agent at this OID"
  check_eq "truncated: no hrPrinterDetectedErrorState" "$(get 2c public $HRP.2.1)" \
    "No Such Object available on this agent at this OID"
  check_eq "truncated: hrPrinterStatus idle" "$(get 2c public $HRP.1.1)" 3
  stop truncated
fi

# ---- many
if start many many; then
  out=$(walk 2c public $SUP.6)
  check_eq "many: 20 descriptions" "$(grep -c "^$SUP.6.1." <<<"$out")" 20
  bad=0
  for (( i = 1; i <= 20; i++ )); do
    h=$(hexof $SUP.6.1.$i)
    (( ${#h} == 140 )) || bad=$((bad + 1))
  done
  check_eq "many: every description is 70 bytes" "$bad" 0
  check_eq "many: row 1 is UTF-8 with comma and quotes" "$(hexof $SUP.6.1.1)" \
    "$(printf 'T\303\263ner Negro, "XL", supply 01%s' ......................................... |
      head -c 70 | od -An -v -tx1 | tr -d ' \n')"
  check_eq "many: row 4 has backslashes" "$(get 2c public $SUP.6.1.4)" \
    '"Drum (OPC) \\\\server\\share, #04........................................"'
  check_eq "many: levels 5..100" "$(get 2c public $SUP.9.1.1 $SUP.9.1.20 | tr '\n' ' ')" "5 100 "
  check_eq "many: v1 walk has 160 supply objects" "$(walk 1 public $SUP | grep -c "^$SUP")" 160
  stop many
fi

# ---- empty
if start empty empty; then
  # Nothing at all after the system group: a walk ends with endOfMibView (v2c) or
  # noSuchName (v1), which snmpwalk prints for the base OID.
  check_eq "empty: no Printer MIB (v2c)" "$(walk 2c public .1.3.6.1.2.1.43)" \
    ".1.3.6.1.2.1.43 = No more variables left in this MIB View (It is past the end of the MIB tree)"
  check_eq "empty: no Printer MIB (v1)" "$(walk 1 public .1.3.6.1.2.1.43)" "End of MIB"
  check_eq "empty: no Host Resources objects" "$(walk 2c public .1.3.6.1.2.1.25)" \
    ".1.3.6.1.2.1.25 = No more variables left in this MIB View (It is past the end of the MIB tree)"
  check_eq "empty: v2c GET of a supply level" "$(get 2c public $SUP.9.1.1)" \
    "No Such Object available on this agent at this OID"
  check_eq "empty: the whole MIB is the 7 system scalars" "$(walk 1 public .1 | grep -c '^\.')" 7
  check_eq "empty: sysDescr.0 answers" "$(get 2c public .1.3.6.1.2.1.1.1.0)" \
    '"Generic host without a printer (cups-lpr test agent, profile empty)"'
  stop empty
fi

# The agents kept their persistent state in their STATEDIR, not in /var/lib/snmp.
if [[ -d /var/lib/snmp ]] && [[ -n $(find /var/lib/snmp -name snmpd.conf -newer "$tmp/t0") ]]; then
  fail "/var/lib/snmp/snmpd.conf was written during the test"
else
  ok "no snmpd.conf written to /var/lib/snmp"
fi

finish
