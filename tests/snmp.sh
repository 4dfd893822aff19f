#!/bin/bash
# snmp.sh - supply levels, printer state and the side channel's SNMP answers, against net-snmp's
# snmpd serving a Printer MIB on loopback (tests/servers/snmpd.sh).
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Needs snmpd and snmp (Debian packages), python3, strace; skips (77) without snmpd.

set -u
. "$(dirname "$0")/lib.sh"

SNMPD=$top_srcdir/tests/servers/snmpd.sh
ATTR_PARSE="python3 $top_srcdir/tests/attr-parse.py"
export CUPS_LPR_SNMP_HELPER=$(snmp_helper)
SUPPLIES=1.3.6.1.2.1.43.11.1.1
ERRSTATE=1.3.6.1.2.1.25.3.5.1.2.1
DEVICE_ID='MFG:Acme;MDL:LaserStream 9000;CMD:PJL,PCL,POSTSCRIPT;CLS:PRINTER;'

if ! command -v snmpd >/dev/null || ! command -v snmpget >/dev/null; then
  echo "SKIP: snmpd/snmpget not installed (Debian packages snmpd, snmp)"
  exit 77
fi
[ -x "$CUPS_LPR_SNMP_HELPER" ] || { echo "SKIP: built without the SNMP helper"; exit 77; }

AGENTS=""
stop_agents() { for a in $AGENTS; do "$SNMPD" stop "$a" >/dev/null 2>&1; done; }
at_exit stop_agents

# start_agent NAME PROFILE: snmpd on a free loopback port; sets SP_<NAME> and SD_<NAME>.
start_agent() {
  local name=$1 profile=$2 dir=$WORK/snmpd-$1 port rc
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    rc=0
    "$SNMPD" start "$dir" "$port" "$profile" >"$dir.log" 2>&1 || rc=$?
    [ "$rc" = 0 ] && break
    [ "$rc" = 77 ] && { echo "SKIP: $(cat "$dir.log")"; exit 77; }
  done
  [ "$rc" = 0 ] || { echo "snmpd $profile did not start: $(tail -n 3 "$dir.log")"; exit 99; }
  AGENTS="$AGENTS $dir"
  eval "SP_$name=$port; SD_$name=$dir"
}

# list OUT NAME [N]: "COUNT VALUES" of one marker list in the N-th (default last) ATTR: line.
list() { $ATTR_PARSE "$1.err" ${3:-} | awk -v n="$2" '$1 == n { $1 = ""; sub(/^ /, ""); print }'; }

# lists_equal OUT [N]: the six marker lists have the same length, and there are six.
lists_equal() {
  $ATTR_PARSE "$1.err" ${2:-} | awk '/^marker-/ { k++; c[$2] = 1 }
    END { n = 0; for (x in c) n++; exit !(k == 6 && n == 1) }'
}

# ms_since T0: milliseconds since T0 (date +%s%N).
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

sample "$WORK/small" 5000
sample "$WORK/big" 300000
start_server main || exit 99
U="lpr://127.0.0.1:$PORT_main/lp"
D=$DIR_main
N=0
start_agent p printer

# --- a printer with supplies: one ATTR: line whose lists match the table --------------------
run_backend "$WORK/p" "$U?snmp-port=$SP_p" 301 alice t 1 "" "$WORK/small" </dev/null
N=$((N + 1))
check "printer: exit 0" [ "$(rc_of "$WORK/p")" = 0 ]
check "printer: lines within limits" lines_ok "$WORK/p"
check "printer: an ATTR: line" grep -q '^ATTR: ' "$WORK/p.err"
check "printer: six marker lists of equal length" lists_equal "$WORK/p"
check "printer: marker-names" [ "$(list "$WORK/p" marker-names)" = \
  "5 Black Toner Cartridge|Cyan Toner Cartridge|Magenta Toner Cartridge|Yellow Toner Cartridge|Waste Toner Box" ]
check "printer: marker-levels (black 5 %, magenta 60 of 200, waste box 80 % full)" \
  [ "$(list "$WORK/p" marker-levels)" = "5 5|80|30|45|80" ]
check "printer: marker-colors" [ "$(list "$WORK/p" marker-colors)" = "5 #000000|#00FFFF|#FF00FF|#FFFF00|none" ]
check "printer: marker-types" [ "$(list "$WORK/p" marker-types)" = \
  "5 toner-cartridge|toner-cartridge|toner-cartridge|toner-cartridge|waste-toner" ]
check "printer: marker-low-levels" [ "$(list "$WORK/p" marker-low-levels)" = "5 5|5|5|5|0" ]
check "printer: marker-high-levels" [ "$(list "$WORK/p" marker-high-levels)" = "5 100|100|100|100|95" ]
check "printer: +toner-low-report (lowToner bit, black at 5 %)" \
  grep -qE '^STATE: \+(.*,)?toner-low-report(,|$)' "$WORK/p.err"
check "printer: no toner-empty" sh -c "! grep -qE '^STATE: \\+.*toner-empty' '$WORK/p.err'"
check "printer: state and error bits in DEBUG" \
  grep -q 'hrPrinterStatus 3, hrPrinterDetectedErrorState 0x2000, "Acme LaserStream 9000"' "$WORK/p.err"
check "printer: job reasons cleared, printer conditions kept" reasons_cleared "$WORK/p"
check "printer: job delivered" [ "$(njobs "$D")" = "$N" ]

# --- during a slow transfer: side channel answers, the level changes between snapshots -----
mkfifo "$WORK/fifo-sc"
{ head -c 200000 "$WORK/big"; sleep 2; head -c 1000 "$WORK/small"; } >"$WORK/fifo-sc" &
{ head -c 200000 "$WORK/big"; head -c 1000 "$WORK/small"; } >"$WORK/sc-expected"
t0=$(date +%s%N)
env -i PATH=/usr/bin:/bin DEVICE_URI="$U?mode=immediate&snmp-port=$SP_p" TMPDIR="$WORK/tmp" \
  CUPS_LPR_SNMP_HELPER="$CUPS_LPR_SNMP_HELPER" ${SAN_ENV:-} \
  "$top_builddir/tests/sc-client" 500 -g .1.3.6.1.2.1.25.3.2.1.3.1 -g .1.3.6.1.2.1.1.99.0 \
  -w .$SUPPLIES.6 -w .1.3.6.1.2.1.1 -- "$BACKEND" "$U?mode=immediate&snmp-port=$SP_p" 302 \
  alice t 1 "" <"$WORK/fifo-sc" >"$WORK/sc.out" 2>"$WORK/sc.err" &
scpid=$!
for _ in $(seq 1 40); do grep -q '^ATTR: ' "$WORK/sc.err" 2>/dev/null && break; sleep 0.05; done
"$SNMPD" set "$SD_p" "$SUPPLIES.9.1.1" i 50 >"$WORK/set.log" 2>&1 &&
  "$SNMPD" set "$SD_p" "$ERRSTATE" x 0000 >>"$WORK/set.log" 2>&1 || cat "$WORK/set.log"
wait "$scpid"
elapsed=$(ms_since "$t0")
N=$((N + 1)); wait_jobs "$D" "$N"
sc() { awk -v n="$1" '$1 == n { print $2, $3, $4 }' "$WORK/sc.out"; }
hex() { printf '%s' "$1" | head -c 32 | od -An -tx1 | tr -d ' \n'; }
check "slow job: exit 0" grep -qx 'exit 0' "$WORK/sc.out"
check "slow job: bytes exact" cmp -s "$WORK/sc-expected" "$(data_file "$D" "$N")"
check "slow job: transfer not delayed (${elapsed} ms for a 2 s input)" [ "$elapsed" -lt 4000 ]
check "side channel: GET_STATE online and marker low (toner-low-report): 0x41" \
  [ "$(sc GET_STATE)" = "1 1 41" ]
check "side channel: GET_DEVICE_ID is the agent's device ID" \
  [ "$(sc GET_DEVICE_ID)" = "1 ${#DEVICE_ID} $(hex "$DEVICE_ID")" ]
check "side channel: SNMP_GET relayed (hrDeviceDescr.1)" \
  grep -qx 'VALUE .1.3.6.1.2.1.25.3.2.1.3.1 Acme LaserStream 9000' "$WORK/sc.out"
check "side channel: SNMP_GET of a missing object: I/O error, no value" \
  sh -c "awk '\$1 == \"SNMP_GET\"' '$WORK/sc.out' | sed -n 2p | grep -q '^SNMP_GET 2 0 -'"
check "side channel: SNMP walk of the supply descriptions (5 objects)" \
  sh -c "grep -q '^WALKED 1 5 ' '$WORK/sc.out' && [ \$(grep -c '^WALK .$SUPPLIES.6.1.[1-5] .*Cartridge\\|^WALK .$SUPPLIES.6.1.5 Waste Toner Box' '$WORK/sc.out') = 5 ]"
check "side channel: SNMP walk of the system group ends cleanly" \
  grep -q '^WALKED 1 [1-9]' "$WORK/sc.out"
check "side channel: every answer within 1 s" \
  awk '($1 !~ /^(WALK|WALKED|VALUE|exit)$/ && $5 >= 1000) || ($1 == "WALKED" && $4 >= 1000) { bad = 1 } END { exit bad }' "$WORK/sc.out"
cp "$WORK/sc.err" "$WORK/slow.err"
check "slow job: two snapshots, two ATTR: lines" [ "$(count_lines "$WORK/slow" 'ATTR: ')" = 2 ]
check "slow job: first ATTR: line has equal-length lists" lists_equal "$WORK/slow" 1
check "slow job: second ATTR: line has equal-length lists" lists_equal "$WORK/slow" 2
check "slow job: first snapshot black 5 %" [ "$(list "$WORK/slow" marker-levels 1)" = "5 5|80|30|45|80" ]
check "slow job: closing snapshot black 50 % (set while printing)" \
  [ "$(list "$WORK/slow" marker-levels 2)" = "5 50|80|30|45|80" ]
check "slow job: toner-low-report set, then cleared" \
  sh -c "grep -nE '^STATE: [+].*toner-low-report' '$WORK/slow.err' | head -1 | cut -d: -f1 >'$WORK/l1'; grep -nE '^STATE: -.*toner-low-report' '$WORK/slow.err' | tail -1 | cut -d: -f1 >'$WORK/l2'; [ -s '$WORK/l1' ] && [ -s '$WORK/l2' ] && [ \$(cat '$WORK/l1') -lt \$(cat '$WORK/l2') ]"
check "slow job: lines within limits" lines_ok "$WORK/slow"
"$SNMPD" set "$SD_p" "$SUPPLIES.9.1.1" i 5 >/dev/null 2>&1

# --- snmp=no: no helper, no SNMP packet ----------------------------------------------------
if command -v strace >/dev/null; then
  env -i PATH=/usr/bin:/bin DEVICE_URI="$U?snmp=no&snmp-port=$SP_p" TMPDIR="$WORK/tmp" \
    CUPS_LPR_SNMP_HELPER="$CUPS_LPR_SNMP_HELPER" ASAN_OPTIONS=detect_leaks=0 \
    strace -f -qq -e trace=execve,socket,connect,sendto,sendmsg -e signal=none -o "$WORK/no.strace" \
    "$BACKEND" 303 alice t 1 "" "$WORK/small" </dev/null 2>"$WORK/no.err"
  echo $? >"$WORK/no.rc"
  N=$((N + 1))
  check "snmp=no: exit 0" [ "$(rc_of "$WORK/no")" = 0 ]
  check "snmp=no: no helper started" sh -c "! grep -q 'lpr-snmp' '$WORK/no.strace'"
  check "snmp=no: no UDP socket" sh -c "! grep -q 'SOCK_DGRAM' '$WORK/no.strace'"
  check "snmp=no: nothing sent to the agent's port" sh -c "! grep -q 'htons($SP_p)' '$WORK/no.strace'"
  check "snmp=no: no ATTR:" sh -c "! grep -q '^ATTR:' '$WORK/no.err'"
else
  skip "snmp=no: strace not installed"
fi

# --- no agent at all: refused at once ---------------------------------------------------
port=$(free_port)
t0=$(date +%s%N)
run_backend "$WORK/none" "$U?snmp-port=$port" 304 alice t 1 "" "$WORK/small" </dev/null
ms=$(ms_since "$t0")
N=$((N + 1))
check "no agent: exit 0, job delivered" sh -c "[ \"$(rc_of "$WORK/none")\" = 0 ] && [ $(njobs "$D") = $N ]"
check "no agent: one DEBUG line says so" [ "$(grep -c '^DEBUG: SNMP: no agent answered' "$WORK/none.err")" = 1 ]
check "no agent: no ATTR:" sh -c "! grep -q '^ATTR:' '$WORK/none.err'"
check "no agent: costs no timeout (${ms} ms)" [ "$ms" -lt 1000 ]

# --- a silent agent (wrong community): one bounded timeout, then not asked again ------------
SNMPD_COMMUNITY=s3cret start_agent s printer
t0=$(date +%s%N)
run_backend "$WORK/silent" "$U?snmp-port=$SP_s" 305 alice t 1 "" "$WORK/small" </dev/null
ms=$(ms_since "$t0")
N=$((N + 1))
check "silent agent: exit 0" [ "$(rc_of "$WORK/silent")" = 0 ]
check "silent agent: DEBUG says no agent answered" grep -q '^DEBUG: SNMP: no agent answered' "$WORK/silent.err"
check "silent agent: bounded (${ms} ms, timeout 1 s)" [ "$ms" -lt 2500 ]
run_backend "$WORK/comm" "$U?snmp-port=$SP_s&community=s3cret" 306 alice t 1 "" "$WORK/small" </dev/null
N=$((N + 1))
check "community=s3cret: the agent answers" [ "$(list "$WORK/comm" marker-names | cut -d' ' -f1)" = 5 ]

# --- agents with broken tables: clear DEBUG lines, no crash, consistent lists --------------
start_agent g garbage
run_backend "$WORK/garbage" "$U?snmp-port=$SP_g" 307 alice t 1 "" "$WORK/small" </dev/null
N=$((N + 1))
check "garbage: exit 0" [ "$(rc_of "$WORK/garbage")" = 0 ]
check "garbage: lines within limits" lines_ok "$WORK/garbage"
check "garbage: DEBUG names the ignored answers" grep -q '^DEBUG: SNMP: ignored [0-9]* answers' "$WORK/garbage.err"
check "garbage: the helper did not crash" sh -c "! grep -q 'helper stopped' '$WORK/garbage.err'"
check "garbage: no injected STATE: line" sh -c "! grep -qE '^STATE: \\+(toner-empty|media-empty)-error' '$WORK/garbage.err'"
check "garbage: lists of equal length" lists_equal "$WORK/garbage"
"$SNMPD" stop "$SD_g" >/dev/null 2>&1

start_agent t truncated
run_backend "$WORK/trunc" "$U?snmp-port=$SP_t" 308 alice t 1 "" "$WORK/small" </dev/null
N=$((N + 1))
check "truncated: exit 0" [ "$(rc_of "$WORK/trunc")" = 0 ]
levels=$(list "$WORK/trunc" marker-levels)
check "truncated: three supplies" [ "${levels%% *}" = 3 ]
check "truncated: lists of equal length" lists_equal "$WORK/trunc"
check "truncated: missing level reported unknown (-2) ($levels)" [ "$(echo "$levels" | cut -d'|' -f2)" = -2 ]
check "truncated: no colorant table: none" [ "$(list "$WORK/trunc" marker-colors)" = "3 none|none|none" ]
"$SNMPD" stop "$SD_t" >/dev/null 2>&1

start_agent m many
MAX_MESSAGE=512 run_backend "$WORK/many" "$U?snmp-port=$SP_m" 309 alice t 1 "" "$WORK/small" </dev/null
N=$((N + 1))
check "many, CUPS_MAX_MESSAGE=512: exit 0" [ "$(rc_of "$WORK/many")" = 0 ]
check "many, CUPS_MAX_MESSAGE=512: every line fits" env MAX_MESSAGE=512 bash -c ". '$top_srcdir/tests/lib.sh' >/dev/null; lines_ok '$WORK/many'"
check "many, CUPS_MAX_MESSAGE=512: whole supplies dropped, lists equal" lists_equal "$WORK/many"
check "many, CUPS_MAX_MESSAGE=512: DEBUG says how many were reported" \
  grep -q '^DEBUG: SNMP: [0-9]* of 20 supplies reported' "$WORK/many.err"
check "many: UTF-8 and commas survive in names, double quotes become single" \
  grep -qF "Tóner Negro, 'XL', supply 01" <(list "$WORK/many" marker-names)
"$SNMPD" stop "$SD_m" >/dev/null 2>&1

start_agent e empty
run_backend "$WORK/empty" "$U?snmp-port=$SP_e" 310 alice t 1 "" "$WORK/small" </dev/null
N=$((N + 1))
check "empty agent: exit 0" [ "$(rc_of "$WORK/empty")" = 0 ]
check "empty agent: no ATTR:" sh -c "! grep -q '^ATTR:' '$WORK/empty.err'"
check "empty agent: snapshot with 0 supplies in DEBUG" grep -q 'SNMP: snapshot 1 .*: 0 supplies' "$WORK/empty.err"
"$SNMPD" stop "$SD_e" >/dev/null 2>&1

# --- the helper cannot be run: the job still goes out -----------------------------------
BACKEND_ENV="CUPS_LPR_SNMP_HELPER=$WORK/no-such-helper" \
  run_backend "$WORK/nohelper" "$U?snmp-port=$SP_p" 311 alice t 1 "" "$WORK/small" </dev/null
N=$((N + 1))
check "no helper: exit 0" [ "$(rc_of "$WORK/nohelper")" = 0 ]
check "no helper: DEBUG says so" grep -q '^DEBUG: SNMP: unable to run' "$WORK/nohelper.err"
check "all jobs delivered once" [ "$(njobs "$D")" = "$N" ]

finish
