#!/bin/bash
#
# Run net-snmp's snmpd on 127.0.0.1 as a test printer agent (Printer MIB, Host Resources printer).
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Usage:
#   snmpd.sh start STATEDIR PORT PROFILE   start snmpd on udp:127.0.0.1:PORT; exit 77 = skip
#   snmpd.sh set STATEDIR OID TYPE VALUE   change a served value live (TYPE as for snmpset:
#                                          i, u, s, x, o, ...); verified by reading it back
#   snmpd.sh stop STATEDIR                 stop the agent started in STATEDIR
#
# PROFILE is one of:
#   printer    four toner cartridges (black low: 5 of 100) and a waste toner box, the colorant
#              table, hrPrinterStatus idle, hrPrinterDetectedErrorState lowToner, a device ID
#   garbage    the same shape with wrong types and out-of-range values, a 600-byte device ID
#              with control bytes
#   truncated  three supplies with gaps (row 2 has no level, row 3 no description), no
#              colorant table, no hrPrinterDetectedErrorState
#   many       20 supplies with 70-byte descriptions (commas, quotes, backslashes, UTF-8)
#   empty      only the system group: an agent that answers but has no printer objects
# docs/snmp-agent.md lists every served OID and value.
#
# snmpd reads no system configuration (-C): its only configuration is STATEDIR/snmpd.conf,
# written here.  It runs in the foreground (-f) in the background of this script, its PID in
# STATEDIR/pid (and its start time in STATEDIR/pid.start, so that `stop` never kills a reused
# PID), its log in STATEDIR/snmpd.log, its persistent state in STATEDIR/persist.  Only the
# system group and the `override` module are initialised (-I), so nothing this machine would
# report through the Host Resources modules leaks in: every printer value is an `override` line.
# The client tools this script runs get an empty configuration directory and their own
# persistent directory under STATEDIR too; nothing is written to /var/lib/snmp.
#
# The read community is "public", or $SNMPD_COMMUNITY when set (then only that one answers).
# A second community, random and kept in STATEDIR/wcommunity (mode 0600), can only write, and
# only the writable objects: `set` uses it.  A request with any other community gets no answer.
#
# Environment:
#   SNMPD_COMMUNITY        read community (default public)
#   SNMPD_START_TIMEOUT    seconds to wait for the first answer (default 5)

set -euo pipefail
export LC_ALL=C

readonly HR_DEVICE=1.3.6.1.2.1.25.3.2.1
readonly HR_PRINTER=1.3.6.1.2.1.25.3.5.1
readonly SUPPLIES=1.3.6.1.2.1.43.11.1.1
readonly COLORANT=1.3.6.1.2.1.43.12.1.1
readonly PPM_DEVICE_ID=1.3.6.1.4.1.2699.1.2.1.2.1.1.3.1
readonly DEVICE_ID='MFG:Acme;MDL:LaserStream 9000;CMD:PJL,PCL,POSTSCRIPT;CLS:PRINTER;'
# The only subtrees the write community may change (and only -rw overrides in them).
readonly WRITABLE_VIEWS=("$SUPPLIES.8" "$SUPPLIES.9" "$HR_PRINTER.1" "$HR_PRINTER.2"
  "$HR_DEVICE.5")

# 'die()' - print an error and exit 1.
die()
{
  echo "snmpd.sh: $*" >&2
  exit 1
}

# 'skip()' - tell the test harness this agent cannot be had here (automake: exit 77).
skip()
{
  echo "SKIP: $*"
  exit 77
}

# 'usage()' - print the command line and exit 2.
usage()
{
  echo "usage: snmpd.sh start STATEDIR PORT PROFILE | set STATEDIR OID TYPE VALUE |" \
    "stop STATEDIR" >&2
  exit 2
}

# 'state_dir()' - print DIR as an absolute path; refuse "/" and empty.
state_dir()
{
  local d
  [[ -n $1 ]] || die "empty state directory"
  d=$(realpath -m -- "$1")
  [[ $d != / ]] || die "refusing state directory '$1'"
  # The path is written into snmpd.conf: keep it one plain word.
  [[ $d =~ ^[A-Za-z0-9/._+-]+$ ]] || die "STATEDIR '$d' has unusual characters"
  printf '%s\n' "$d"
}

# 'proc_start()' - start time of PID (field 22 of /proc/PID/stat), empty if gone or a zombie.
proc_start()
{
  local line rest fields
  line=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  rest=${line##*) }
  read -r -a fields <<<"$rest"
  [[ ${fields[0]} != Z ]] || return 0
  echo "${fields[19]}"
}

# 'running()' - true when STATEDIR/pid names a process that is still the snmpd we started.
running()
{
  local state=$1 pid start
  [[ -f $state/pid && -f $state/pid.start ]] || return 1
  read -r pid <"$state/pid" || return 1
  read -r start <"$state/pid.start" || return 1
  [[ $pid =~ ^[0-9]+$ && -n $start && $(proc_start "$pid") == "$start" ]]
}

# 'client()' - run a net-snmp client tool with no system or user configuration and no MIBs,
# numeric OIDs, persistent files under STATEDIR/client.
client()
{
  local state=$1
  shift
  env SNMPCONFPATH="$state/client/conf" SNMP_PERSISTENT_DIR="$state/client/persist" MIBS= \
    "$@"
}

# 'quote()' - print S as a double-quoted snmpd.conf word (backslash escapes '"' and '\').
quote()
{
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

# 'hex()' - print "0x" and the bytes printf FORMAT ARGS produces, in hex (NUL and newline too).
hex()
{
  local h
  # shellcheck disable=SC2059 # the format is the caller's byte recipe
  h=$(printf "$@" | od -An -v -tx1 | tr -d ' \n')
  printf '0x%s' "$h"
}

# 'ov()' - print an override line: ov [-rw] OID TYPE VALUE (VALUE already in config syntax).
ov()
{
  local rw=
  if [[ $1 == -rw ]]; then
    rw="-rw "
    shift
  fi
  printf 'override %s.%s %s %s\n' "$rw" "$1" "$2" "$3"
}

# 'str()' - print an override line for an OCTET STRING given as text (no newline in it).
str()
{
  ov "$1" octet_str "$(quote "$2")"
}

# 'supply()' - the columns of one prtMarkerSuppliesEntry, index 1.ROW (hrDeviceIndex 1).
# Arguments: ROW MARKER COLORANT CLASS TYPE DESCRIPTION UNIT MAX LEVEL; a column given as "-"
# is not served.  Max capacity and level are writable.
supply()
{
  local i=1.$1 desc=$6
  [[ $2 == - ]] || ov "$SUPPLIES.2.$i" integer "$2"
  [[ $3 == - ]] || ov "$SUPPLIES.3.$i" integer "$3"
  [[ $4 == - ]] || ov "$SUPPLIES.4.$i" integer "$4"
  [[ $5 == - ]] || ov "$SUPPLIES.5.$i" integer "$5"
  [[ $desc == - ]] || str "$SUPPLIES.6.$i" "$desc"
  [[ $7 == - ]] || ov "$SUPPLIES.7.$i" integer "$7"
  [[ $8 == - ]] || ov -rw "$SUPPLIES.8.$i" integer "$8"
  [[ $9 == - ]] || ov -rw "$SUPPLIES.9.$i" integer "$9"
}

# 'printer_status()' - hrDeviceType/Descr/Status, hrPrinterStatus and (unless ERRSTATE is "-")
# hrPrinterDetectedErrorState (hex), and the PWG device ID; status objects are writable.
printer_status()
{
  local devstatus=$1 prtstatus=$2 errstate=$3
  ov "$HR_DEVICE.2.1" object_id .1.3.6.1.2.1.25.3.1.5
  str "$HR_DEVICE.3.1" "Acme LaserStream 9000"
  ov -rw "$HR_DEVICE.5.1" integer "$devstatus"
  ov -rw "$HR_PRINTER.1.1" integer "$prtstatus"
  [[ $errstate == - ]] || ov -rw "$HR_PRINTER.2.1" octet_str "$errstate"
  str "$PPM_DEVICE_ID" "$DEVICE_ID"
}

# 'colorants()' - prtMarkerColorantValue 1.1..1.4.
colorants()
{
  str "$COLORANT.4.1.1" black
  str "$COLORANT.4.1.2" cyan
  str "$COLORANT.4.1.3" magenta
  str "$COLORANT.4.1.4" yellow
}

# 'profile_printer()' - a healthy colour laser printer with low black toner (RFC 3805 2.2.6).
profile_printer()
{
  # Class 3 supplyThatIsConsumed, 4 receptacleThatIsFilled; type 21 tonerCartridge,
  # 4 wasteToner; unit 19 percent, 13 tenthsOfGrams (IANA-PRINTER-MIB).
  supply 1 1 1 3 21 "Black Toner Cartridge" 19 100 5
  supply 2 1 2 3 21 "Cyan Toner Cartridge" 19 100 80
  supply 3 1 3 3 21 "Magenta Toner Cartridge" 13 200 60
  supply 4 1 4 3 21 "Yellow Toner Cartridge" 19 100 45
  supply 5 1 0 4 4 "Waste Toner Box" 19 100 20
  colorants
  # hrDeviceStatus 3 warning, hrPrinterStatus 3 idle, error state bit 2 lowToner (RFC 2790).
  printer_status 3 3 0x2000
}

# 'profile_garbage()' - the printer's shape with wrong types and values a client must survive.
profile_garbage()
{
  # Row 1: description INTEGER, level OCTET STRING.
  ov "$SUPPLIES.2.1.1" integer 1
  ov "$SUPPLIES.3.1.1" integer 1
  ov "$SUPPLIES.4.1.1" integer 3
  ov "$SUPPLIES.5.1.1" integer 21
  ov "$SUPPLIES.6.1.1" integer 42
  ov "$SUPPLIES.7.1.1" integer 19
  ov -rw "$SUPPLIES.8.1.1" integer 100
  ov -rw "$SUPPLIES.9.1.1" octet_str "$(quote 5)"
  # Row 2: max capacity -2 unknown, level -3 someRemaining (RFC 3805 prtMarkerSuppliesLevel).
  supply 2 1 2 3 21 "Cyan Toner Cartridge" 19 -2 -3
  # Row 3: control bytes and a status-line injection in the description, colorant index that
  # does not exist, class as OCTET STRING, unknown type, max capacity 0.
  ov "$SUPPLIES.2.1.3" integer 1
  ov "$SUPPLIES.3.1.3" integer 99
  ov "$SUPPLIES.4.1.3" octet_str "$(quote 3)"
  ov "$SUPPLIES.5.1.3" integer 999
  ov "$SUPPLIES.6.1.3" octet_str "$(hex 'Mag\033[2Jenta\r\nSTATE: +toner-empty-error\a')"
  ov "$SUPPLIES.7.1.3" integer 19
  ov -rw "$SUPPLIES.8.1.3" integer 0
  ov -rw "$SUPPLIES.9.1.3" integer 10
  # Row 4: empty description, level above max capacity, unit 0, marker index an OID.
  ov "$SUPPLIES.2.1.4" object_id .1.3.6.1.2.1.43.10.2.1
  ov "$SUPPLIES.3.1.4" integer 4
  ov "$SUPPLIES.4.1.4" integer 3
  ov "$SUPPLIES.5.1.4" integer 21
  ov "$SUPPLIES.6.1.4" octet_str '""'
  ov "$SUPPLIES.7.1.4" integer 0
  ov -rw "$SUPPLIES.8.1.4" integer 100
  ov -rw "$SUPPLIES.9.1.4" integer 250
  # Row 5: max capacity beyond Integer32 (sent as a 5-byte INTEGER), negative level.
  supply 5 1 0 4 4 "Waste Toner Box" 19 2147483648 -100
  # Colorants: an OID, an INTEGER, a NUL inside, a 300-byte name.
  ov "$COLORANT.4.1.1" object_id .1.3.6.1.2.1.43
  ov "$COLORANT.4.1.2" integer 2
  ov "$COLORANT.4.1.3" octet_str "$(hex 'mag\000enta')"
  str "$COLORANT.4.1.4" "$(printf 'yellow%.0s' {1..50})"
  # hrPrinterStatus out of its enumeration, error state an INTEGER instead of bits.
  ov "$HR_DEVICE.2.1" object_id .1.3.6.1.2.1.25.3.1.5
  ov "$HR_DEVICE.3.1" octet_str "$(hex 'Acme\000Laser\033[31mStream\n9000')"
  ov -rw "$HR_DEVICE.5.1" integer 77
  ov -rw "$HR_PRINTER.1.1" integer 42
  ov -rw "$HR_PRINTER.2.1" integer 32
  # A 600-byte device ID with control bytes, a NUL, CR LF and an injected status line.
  local head='MFG:Acme\001\033;MDL:LaserStream\r\nSTATE: +media-empty-error\n;CMD:PJL\000;DES:'
  local len pad
  # shellcheck disable=SC2059 # a byte recipe
  len=$(printf "$head" | wc -c)
  pad=$(printf '%*s' $(( 600 - len - 2 )) '')
  ov "$PPM_DEVICE_ID" octet_str "$(hex "$head%s\177;" "${pad// /x}")"
}

# 'profile_truncated()' - rows with missing columns, no colorant table, no error state.
profile_truncated()
{
  supply 1 1 1 3 21 "Black Toner Cartridge" 19 100 5
  supply 2 1 2 3 21 "Cyan Toner Cartridge" 19 100 -
  supply 3 1 3 3 21 - 19 100 60
  printer_status 2 3 -
}

# 'profile_many()' - 20 supplies whose 70-byte descriptions stress a client's line limits.
profile_many()
{
  local i d types=(21 9 10 15 20) units=(19 19 7 19 8)
  local fmts=(
    'T\303\263ner Negro, "XL", supply %02d'
    'Cyan toner \\ high yield, part C-%02d, "2,000 pages"'
    'Magenta "Photo" \\ cartridge, slot %02d, 2,000 pages'
    'Drum (OPC) \\\\server\\share, #%02d'
    'Fixiereinheit f\303\274r Fach %02d, "Wartung", bitte ersetzen'
  )
  for (( i = 1; i <= 20; i++ )); do
    # shellcheck disable=SC2059 # the formats above
    d=$(printf "${fmts[(i - 1) % 5]}" "$i")
    while (( ${#d} < 70 )); do d+=.; done
    supply "$i" 1 $(( (i - 1) % 4 + 1 )) 3 "${types[(i - 1) % 5]}" "$d" \
      "${units[(i - 1) % 5]}" 100 $(( i * 5 ))
  done
  colorants
  # hrDeviceStatus 2 running, hrPrinterStatus 4 printing, no error bits.
  printer_status 2 4 0x0000
}

# 'profile_empty()' - nothing but the system group.
profile_empty()
{
  :
}

# 'write_config()' - write STATEDIR/snmpd.conf for PROFILE with read community COMM and write
# community WCOMM.
write_config()
{
  local state=$1 profile=$2 comm=$3 wcomm=$4 v
  {
    echo "# Written by tests/servers/snmpd.sh: test agent, profile $profile."
    # No MIB files: the agent (and its log) deal in numeric OIDs only.
    echo "[snmp] mibs :"
    echo "[snmp] persistentDir $state/persist"
    echo "dontLogTCPWrappersConnects yes"
    if [[ $profile == empty ]]; then
      echo "sysDescr Generic host without a printer (cups-lpr test agent, profile empty)"
    else
      echo "sysDescr Acme LaserStream 9000 (cups-lpr test agent, profile $profile)"
    fi
    echo "sysName cups-lpr-test-printer"
    echo "sysContact nobody"
    echo "sysLocation loopback"
    echo "sysServices 72"
    echo "com2sec readsec 127.0.0.1 $comm"
    echo "com2sec writesec 127.0.0.1 $wcomm"
    echo "group readgrp v1 readsec"
    echo "group readgrp v2c readsec"
    echo "group writegrp v1 writesec"
    echo "group writegrp v2c writesec"
    echo "view all included .1"
    for v in "${WRITABLE_VIEWS[@]}"; do
      echo "view writable included .$v"
    done
    # The view "none" is not defined: no access.
    echo 'access readgrp "" any noauth exact all none none'
    echo 'access writegrp "" any noauth exact none writable none'
    "profile_$profile"
  } >"$state/snmpd.conf"
}

# 'cmd_start()' - start snmpd with PROFILE on 127.0.0.1:PORT and wait until it answers.
cmd_start()
{
  (( $# == 3 )) || usage
  local state port=$2 profile=$3 comm wcomm pid timeout deadline

  state=$(state_dir "$1")
  if ! [[ $port =~ ^[0-9]+$ ]] || (( port < 1 || port > 65535 )); then
    die "bad port '$port'"
  fi
  case $profile in
    printer | garbage | truncated | many | empty) ;;
    *) die "unknown profile '$profile' (printer, garbage, truncated, many, empty)" ;;
  esac
  comm=${SNMPD_COMMUNITY:-public}
  # One word in snmpd.conf: no blanks, quotes, backslashes or comment signs.
  [[ $comm =~ ^[A-Za-z0-9._:@+=/-]{1,64}$ ]] || die "unusable SNMPD_COMMUNITY '$comm'"
  timeout=${SNMPD_START_TIMEOUT:-5}
  [[ $timeout =~ ^[0-9]+$ ]] || die "bad SNMPD_START_TIMEOUT '$timeout'"

  [[ -x /usr/sbin/snmpd ]] || command -v snmpd >/dev/null || skip "snmpd not installed (snmpd)"
  command -v snmpget >/dev/null || skip "snmpget not installed (snmp)"
  command -v snmpset >/dev/null || skip "snmpset not installed (snmp)"
  local snmpd
  snmpd=$(command -v snmpd || echo /usr/sbin/snmpd)

  mkdir -p "$state"
  running "$state" && die "already running for $state (PID $(<"$state/pid"))"
  rm -rf "$state/persist" "$state/client"
  rm -f "$state/pid" "$state/pid.start" "$state/snmpd.log"
  mkdir -p "$state/persist" "$state/client/conf" "$state/client/persist"
  chmod 0700 "$state/persist" "$state/client"

  wcomm=w$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  (umask 077 && printf '%s\n' "$wcomm" >"$state/wcommunity")
  printf '%s\n' "$comm" >"$state/community"
  echo "$port" >"$state/port"
  echo "$profile" >"$state/profile"
  write_config "$state" "$profile" "$comm" "$wcomm"

  # -f: stay a child we can wait for and kill by PID; -C -c: this file only; -I: the system
  # group and override, nothing that reads this machine (and no smux/agentx); -Le: log to
  # stderr, which is STATEDIR/snmpd.log (so are messages printed before logging starts).
  # No "master agentx" line, so no AgentX socket.
  SNMP_PERSISTENT_DIR=$state/persist "$snmpd" -f -C -c "$state/snmpd.conf" \
    -I system_mib,vacm_conf,override -Le "udp:127.0.0.1:$port" </dev/null >"$state/snmpd.log" 2>&1 &
  pid=$!
  echo "$pid" >"$state/pid"
  proc_start "$pid" >"$state/pid.start"

  deadline=$(( $(date +%s%N) / 1000000 + timeout * 1000 ))
  while (( $(date +%s%N) / 1000000 < deadline )); do
    if client "$state" snmpget -v2c -c "$comm" -r0 -t0.1 -On -Oqv "127.0.0.1:$port" \
      1.3.6.1.2.1.1.1.0 >/dev/null 2>&1; then
      return 0
    fi
    running "$state" || break
    sleep 0.02
  done
  echo "snmpd.sh: snmpd did not answer on udp:127.0.0.1:$port; end of $state/snmpd.log:" >&2
  tail -n 20 "$state/snmpd.log" >&2 || true
  cmd_stop "$state"
  exit 1
}

# 'cmd_set()' - change OID to TYPE VALUE through the write community and read it back.
cmd_set()
{
  (( $# == 4 )) || usage
  local state oid=$2 type=$3 value=$4 port comm wcomm want got

  state=$(state_dir "$1")
  running "$state" || die "no agent running for $state"
  port=$(<"$state/port")
  comm=$(<"$state/community")
  wcomm=$(<"$state/wcommunity")
  want=$(client "$state" snmpset -v2c -c "$wcomm" -r1 -t1 -On -Ov "127.0.0.1:$port" \
    "$oid" "$type" "$value" 2>&1) || die "snmpset $oid $type '$value' failed: $want"
  got=$(client "$state" snmpget -v2c -c "$comm" -r1 -t1 -On -Ov "127.0.0.1:$port" "$oid" 2>&1) ||
    die "snmpget $oid failed: $got"
  [[ $got == "$want" ]] || die "$oid reads back as '$got', not '$want'"
}

# 'cmd_stop()' - stop the snmpd recorded in STATEDIR/pid (only that process).
cmd_stop()
{
  (( $# == 1 )) || usage
  local state pid i

  state=$(state_dir "$1")
  if running "$state"; then
    pid=$(<"$state/pid")
    kill -TERM "$pid" 2>/dev/null || true
    for (( i = 0; i < 50; i++ )); do
      running "$state" || break
      sleep 0.1
    done
    if running "$state"; then
      kill -KILL "$pid" 2>/dev/null || true
      for (( i = 0; i < 20; i++ )); do
        running "$state" || break
        sleep 0.1
      done
    fi
    running "$state" && die "snmpd PID $pid did not exit"
  fi
  rm -f "$state/pid" "$state/pid.start"
}

(( $# >= 1 )) || usage
cmd=$1
shift
case $cmd in
  start) cmd_start "$@" ;;
  set) cmd_set "$@" ;;
  stop) cmd_stop "$@" ;;
  *) usage ;;
esac
