#!/bin/bash
# cupsd.sh - the built backend installed in a private cupsd (tests/cupsd/cupsd-ctl.sh), printing
# to the test LPD server: discovery, each mode through `lp`, final job states, our status lines
# in error_log, a misconfigured queue, a hostile NACK text, the web UI's Add Printer page.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# cupsd runs the backend from STATEDIR/serverbin/backend/lpr, root-owned mode 0700 (so as
# root), with argv[6] = the spool file for a raw queue with one document; a job of two
# documents reaches it on stdin (gziptoany per document).  See docs/cupsd-harness.md.
#
# Needs root, cups-daemon, cups-client, python3, openssl; package cups (cups-deviced, the
# CGIs), or apt-get to fetch it once (cupsd-ctl.sh fetch into ~/.cache/cups-lpr); chromium for
# the web UI check (skipped without it).  Without cupsd or cups-deviced every case is skipped.
# Environment: CUPS_LPR_CACHE (default ~/.cache/cups-lpr), CUPS_LPR_CUPS_ROOT (an unpacked cups
# root), CHROMIUM (the browser for the web UI check).

set -u
. "$(dirname "$0")/lib.sh"

WEBUI_SH=$top_srcdir/tests/cupsd/webui-check.sh
SIZE=300000
T0=$(date +%s)
STATE=$WORK/cupsd
sample "$WORK/sample" "$SIZE"
sample "$WORK/sample2" 70000

stop_cupsd() { "$CUPSD_SH" stop "$STATE" >"$WORK/cupsd.stop" 2>&1; }
SNMPD_SH=$top_srcdir/tests/servers/snmpd.sh
stop_snmpd() { [ -f "$WORK/snmpd/pid" ] && "$SNMPD_SH" stop "$WORK/snmpd" >/dev/null 2>&1; }
at_exit stop_snmpd
at_exit stop_cupsd

# --- start: the LPD servers, then cupsd with our backend ---------------------------------
ensure_cups_root cups-deviced
start_server main || exit 99
{ printf 'insufficient file space'
  printf '\nSTATE: +media-jam-warning\nATTR: marker-levels=0\n'; } >"$WORK/nacktext"
start_server nack --nack=data:1 --nack-text="$WORK/nacktext" || exit 99

mkdir -p "$WORK/extra/backend" "$WORK/extra/filter"
cp "$BACKEND" "$WORK/extra/backend/lpr"
cp "$top_builddir/pjl-wrap" "$WORK/extra/filter/pjl-wrap"
cport=$(free_port)
rc=0
CUPSD_SETENV="CUPS_LPR_SNMP_HELPER=$(snmp_helper)" \
  "$CUPSD_SH" start "$STATE" "$cport" "$WORK/extra" >"$WORK/cupsd.env" 2>"$WORK/cupsd.start" || rc=$?
if [ "$rc" = 77 ]; then
  skip "private cupsd: every case: $(sed -n 's/^SKIP: //p' "$WORK/cupsd.env")$FETCH_WHY"
  finish
  exit
elif [ "$rc" != 0 ]; then
  fail "private cupsd: start failed (exit $rc)"
  sed 's/^/    /' "$WORK/cupsd.start" "$WORK/cupsd.env"
  finish
  exit
fi
ok "private cupsd: started on 127.0.0.1:$cport"
eval "$(cat "$WORK/cupsd.env")"
# (CUPSD_BACKEND_MODE=0755 runs the whole suite with the backend run by cupsd as lp.)
bmode=${CUPSD_BACKEND_MODE:-0700}
check "backend installed root-owned, mode $bmode" \
  [ "$(stat -c '%a %U' "$STATE/serverbin/backend/lpr")" = "${bmode#0} root" ]

# --- discovery ---------------------------------------------------------------------------
lpinfo -v >"$WORK/lpinfo" 2>&1
check "lpinfo -v lists 'network lpr'" grep -qx 'network lpr' "$WORK/lpinfo"

# --- a raw queue (no -m), each mode as a job option --------------------------------------
U="lpr://127.0.0.1:$PORT_main/lp"
rc=0
lpadmin -p q -E -v "$U" -o printer-error-policy=abort-job >"$WORK/lpadmin-q" 2>&1 || rc=$?
check "lpadmin -p q -v $U (raw, no -m): exit 0 (got $rc)" [ "$rc" = 0 ]
check "queue q has our URI" sh -c "lpstat -v q | grep -qF '$U'"
N=0
for mode in immediate spooled auto; do
  title="cupsd $mode job"
  id=$(submit q "$title" -o lpr-mode="$mode" "$WORK/sample")
  c="lp -o lpr-mode=$mode (job ${id:-?})"
  if [ -z "$id" ]; then
    fail "$c: lp queued the job: $(cat "$WORK/lp.err")"
    continue
  fi
  state=$(wait_final "$id")
  check "$c: job completed in cupsd (state $state)" [ "$state" = completed ]
  N=$((N + 1))
  check "$c: arrived complete at lpd-server" wait_jobs "$DIR_main" "$N"
  check "$c: status complete" [ "$(job_status "$DIR_main" "$N")" = complete ]
  check "$c: bytes exact" cmp -s "$WORK/sample" "$(data_file "$DIR_main" "$N")"
  cf=$(control_file "$DIR_main" "$N")
  check "$c: control file has the job's user (Palice)" grep -qx 'Palice' "$cf"
  check "$c: control file has the title (J, N)" \
    sh -c "grep -qxF 'J$title' '$cf' && grep -qxF 'N$title' '$cf'"
  check "$c: control file named after the job id" \
    sh -c "basename '$cf' | grep -q '^cfA$(printf '%03d' $((id % 1000)))'"
  check "$c: file from cupsd sent with its exact size" \
    grep -q "subcmd data $SIZE dfA" "$(job_dir "$DIR_main" "$N")/events"
  check "$c: error_log: mode set by the job" job_has "$id" "\] Mode $mode (set by job)"
  check "$c: error_log: our 'Job sent:' line" \
    job_has "$id" "Job sent: $SIZE bytes to lpd 127.0.0.1:$PORT_main queue lp"
  check "$c: error_log: connecting-to-device set" job_has "$id" '\] STATE: +connecting-to-device'
  check "$c: error_log: connecting-to-device cleared" \
    job_has "$id" '\] STATE: -connecting-to-device'
  check "$c: error_log: no ERROR or WARNING" job_lacks "$id" '^[EW] '
done

# Two documents: cupsd runs a filter per document and the backend reads stdin (a pipe).
title="cupsd stdin job"
id=$(submit q "$title" -o lpr-mode=immediate "$WORK/sample" "$WORK/sample2")
c="two documents on stdin, lpr-mode=immediate (job ${id:-?})"
if [ -n "$id" ]; then
  state=$(wait_final "$id")
  check "$c: job completed in cupsd (state $state)" [ "$state" = completed ]
  N=$((N + 1))
  check "$c: arrived complete at lpd-server" wait_jobs "$DIR_main" "$N"
  check "$c: bytes exact (both documents, in order)" \
    sh -c "cat '$WORK/sample' '$WORK/sample2' | cmp -s - '$(data_file "$DIR_main" "$N")'"
  check "$c: streamed with count 0" grep -q 'subcmd data 0 dfA' "$(job_dir "$DIR_main" "$N")/events"
  check "$c: error_log: 'Job sent:' line" \
    job_has "$id" "Job sent: $((SIZE + 70000)) bytes to lpd 127.0.0.1:$PORT_main queue lp"
  check "$c: error_log: mode set by the job" job_has "$id" '\] Mode immediate (set by job)'
  check "$c: error_log: no ERROR or WARNING" job_lacks "$id" '^[EW] '
else
  fail "$c: lp queued the job: $(cat "$WORK/lp.err")"
fi

check "lpd-server got exactly $N jobs (nothing twice)" [ "$(njobs "$DIR_main")" = "$N" ]

# --- SNMP supplies reach cupsd: marker-* printer attributes and printer-state-reasons ------
sport=""
if [ -x "$top_builddir/lpr-snmp" ] && command -v snmpd >/dev/null; then
  for _ in 1 2 3 4 5; do
    sport=$(free_port)
    "$SNMPD_SH" start "$WORK/snmpd" "$sport" printer >"$WORK/snmpd.log" 2>&1 && break
    sport=""
  done
fi
if [ -n "$sport" ]; then
  lpadmin -p sq -E -v "$U?snmp-port=$sport" -o printer-error-policy=abort-job \
    >"$WORK/lpadmin-sq" 2>&1
  id=$(submit sq "snmp job" "$WORK/sample2")
  c="queue with an SNMP agent (job ${id:-?})"
  if [ -n "$id" ]; then
    state=$(wait_final "$id")
    N=$((N + 1))
    check "$c: job completed (state $state)" [ "$state" = completed ]
    check "$c: error_log: the backend's ATTR: line" job_has "$id" 'ATTR: marker-colors='
    "$top_builddir/tests/ipp-attrs" sq marker-names marker-levels marker-colors marker-types \
      marker-low-levels marker-high-levels printer-state-reasons >"$WORK/ipp-sq" 2>&1
    attr() { awk -v n="$1" '$1 == n { $1 = ""; sub(/^ /, ""); print }' "$WORK/ipp-sq"; }
    check "$c: IPP marker-names" [ "$(attr marker-names)" = \
      "5 Black Toner Cartridge|Cyan Toner Cartridge|Magenta Toner Cartridge|Yellow Toner Cartridge|Waste Toner Box" ]
    check "$c: IPP marker-levels" [ "$(attr marker-levels)" = "5 5|80|30|45|80" ]
    check "$c: IPP marker-colors" [ "$(attr marker-colors)" = "5 #000000|#00FFFF|#FF00FF|#FFFF00|none" ]
    check "$c: IPP marker-types" [ "$(attr marker-types)" = \
      "5 toner-cartridge|toner-cartridge|toner-cartridge|toner-cartridge|waste-toner" ]
    check "$c: IPP marker-low-levels" [ "$(attr marker-low-levels)" = "5 5|5|5|5|0" ]
    check "$c: IPP marker-high-levels" [ "$(attr marker-high-levels)" = "5 100|100|100|100|95" ]
    check "$c: IPP printer-state-reasons has toner-low-report" \
      sh -c "awk '\$1 == \"printer-state-reasons\"' '$WORK/ipp-sq' | grep -q 'toner-low-report'"
    check "$c: IPP printer-state-reasons has no connecting-to-device" \
      sh -c "! grep -q 'connecting-to-device' '$WORK/ipp-sq'"
  else
    fail "$c: lp queued the job: $(cat "$WORK/lp.err")"
  fi
  stop_snmpd
  # Names with commas, quotes, backslashes and UTF-8 arrive whole.
  if "$SNMPD_SH" start "$WORK/snmpd" "$sport" many >"$WORK/snmpd.log" 2>&1; then
    id=$(submit sq "snmp job 2" "$WORK/sample2")
    state=$(wait_final "$id")
    N=$((N + 1))
    "$top_builddir/tests/ipp-attrs" sq marker-names marker-levels >"$WORK/ipp-sm" 2>&1
    names=$(awk '$1 == "marker-names" { print $2 }' "$WORK/ipp-sm")
    check "odd supply names (job ${id:-?}): as many names as levels ($names)" \
      [ "$names" = "$(awk '$1 == "marker-levels" { print $2 }' "$WORK/ipp-sm")" ]
    check "odd supply names: the first arrives whole (double quotes as single)" \
      grep -qF "Tóner Negro, 'XL', supply 01" "$WORK/ipp-sm"
    check "odd supply names: a backslash arrives whole" grep -qF '\\server\share' "$WORK/ipp-sm"
    stop_snmpd
  else
    fail "snmpd many: $(tail -n 1 "$WORK/snmpd.log")"
  fi
else
  skip "SNMP under cupsd: no snmpd or no lpr-snmp helper: $(tail -n 1 "$WORK/snmpd.log" 2>/dev/null)"
fi
check "lpd-server got exactly $N jobs (nothing twice)" [ "$(njobs "$DIR_main")" = "$N" ]

# --- a bad URI option: ERROR, exit STOP, the queue stops, the job is kept ----------------
rc=0
lpadmin -p bad -E -v "$U?colour=yes" -o printer-error-policy=abort-job >"$WORK/lpadmin-bad" 2>&1 ||
  rc=$?
check "lpadmin -p bad -v $U?colour=yes: exit 0 (the URI is checked when a job runs)" [ "$rc" = 0 ]
fails=$FAIL
id=$(submit bad "bad uri job" "$WORK/sample")
c="queue with ?colour=yes (job ${id:-?})"
if [ -n "$id" ]; then
  state=$(wait_final "$id")
  lpstat -p bad >"$WORK/lpstat-bad" 2>&1
  check "$c: printer stopped (lpstat -p: disabled)" \
    grep -q '^printer bad disabled' "$WORK/lpstat-bad"
  check "$c: printer-state-message is our ERROR text" \
    grep -qF 'Queue misconfigured: unknown option "colour" in the URI' "$WORK/lpstat-bad"
  check "$c: error_log: our ERROR line" \
    job_has "$id" '^E .*Queue misconfigured: unknown option \\\?"colour\\\?" in the URI'
  check "$c: job kept, not aborted (state $state)" [ "$state" = stopped ]
  check "$c: job still queued" sh -c "lpstat -o bad | grep -q '^bad-$id '"
  check "$c: nothing sent to the server" [ "$(njobs "$DIR_main")" = "$N" ]
  [ "$FAIL" = "$fails" ] || sed 's/^/    | /' "$WORK/lpstat-bad"
else
  fail "$c: lp queued the job: $(cat "$WORK/lp.err")"
fi

# --- a NACK whose text tries to set a printer state reason --------------------------------
rc=0
lpadmin -p nq -E -v "lpr://127.0.0.1:$PORT_nack/lp" -o printer-error-policy=abort-job \
  >"$WORK/lpadmin-nq" 2>&1 || rc=$?
check "lpadmin -p nq: exit 0" [ "$rc" = 0 ]
id=$(submit nq "nack job" "$WORK/sample")
c="server NACKs with a hostile text (job ${id:-?})"
if [ -n "$id" ]; then
  state=$(wait_final "$id")
  check "$c: job aborted (state $state)" [ "$state" = aborted ]
  lpstat -l -p nq >"$WORK/lpstat-nq" 2>&1
  lpoptions -p nq >"$WORK/lpoptions-nq" 2>&1
  check "$c: lpstat -l -p: alerts shown" grep -q 'Alerts:' "$WORK/lpstat-nq"
  check "$c: lpstat -l -p: no media-jam-warning in the alerts" \
    sh -c "! grep 'Alerts:' '$WORK/lpstat-nq' | grep -q media-jam"
  check "$c: lpoptions: printer-state-reasons shown" \
    grep -q 'printer-state-reasons=' "$WORK/lpoptions-nq"
  check "$c: printer-state-reasons without media-jam-warning" \
    sh -c "! grep -q 'media-jam' '$WORK/lpoptions-nq'"
  check "$c: error_log: no STATE or ATTR line from the text" \
    job_lacks "$id" '\] \(STATE: +media-jam\|ATTR: marker\)'
  check "$c: error_log: our ERROR line with the code" \
    job_has "$id" '^E .*refused the data file (code 1: .*insufficient file space'
  check "$c: printer-state-message is our ERROR line" \
    grep -q 'refused the data file (code 1' "$WORK/lpstat-nq"
  check "$c: no complete job at the server" \
    sh -c "! grep -qx complete '$DIR_nack'/job-*/status 2>/dev/null"
else
  fail "$c: lp queued the job: $(cat "$WORK/lp.err")"
fi

# --- sanitizers: an ASan/UBSan report would be in error_log -------------------------------
check "error_log: no sanitizer report from the backend" \
  sh -c "! grep -q 'AddressSanitizer\|LeakSanitizer\|runtime error:' '$CUPSD_ERROR_LOG'"

# --- the web UI's Add Printer page --------------------------------------------------------
rc=0
"$WEBUI_SH" "$CUPSD_PORT" lpr "$WORK/webui" >"$WORK/webui.out" 2>&1 || rc=$?
case $rc in
  0) ok "web UI: the Add Printer page lists lpr ($(grep -m1 '^device: lpr' "$WORK/webui.out"))" ;;
  77) skip "web UI: $(sed -n 's/^SKIP: //p' "$WORK/webui.out")" ;;
  *)
    fail "web UI: the Add Printer page does not list lpr (exit $rc)"
    sed 's/^/    | /' "$WORK/webui.out"
    ;;
esac

# --- stop: no process left ----------------------------------------------------------------
# --- our PJL PPD and filter, printing into real LPRng: the PJL copies arrive ----------------
LPRNG_SH=$top_srcdir/tests/servers/lprng.sh
export LPD_PKGCACHE=${LPD_PKGCACHE:-${HOME:-/root}/.cache/cups-lpr/pkgcache}
lport=$(free_port)
rc=0
"$LPRNG_SH" start "$WORK/lprng" "$lport" lp >"$WORK/lprng.start" 2>&1 || rc=$?
if [ "$rc" = 77 ]; then
  skip "PJL queue into LPRng: $(sed -n 's/^SKIP: //p' "$WORK/lprng.start")"
elif [ "$rc" != 0 ]; then
  fail "PJL queue into LPRng: LPRng did not start (exit $rc)"
  sed 's/^/    | /' "$WORK/lprng.start"
else
  rc=0
  lpadmin -p pjl -E -v "lpr://127.0.0.1:$lport/lp" -P "$top_builddir/ppd/lprpjl.ppd" \
    -o printer-error-policy=abort-job >"$WORK/lpadmin-pjl" 2>&1 || rc=$?
  check "PJL queue: lpadmin with lprpjl.ppd (exit $rc)" [ "$rc" = 0 ]
  printf '%%!PS-Adobe-3.0\n%%%%Pages: 1\n%%%%EndComments\n%%%%Page: 1 1\n/Helvetica findfont 24 scalefont setfont 72 720 moveto (cups-lpr) show showpage\n%%%%EOF\n' >"$WORK/doc.ps"
  id=$(submit pjl "PJL copies" -n 2 -o sides=two-sided-long-edge "$WORK/doc.ps")
  state=$(wait_final "$id")
  check "PJL queue: job $id completed in cupsd (state $state)" [ "$state" = completed ]
  [ "$state" = completed ] ||             # (check reports; this shows why)
    job_log "$id" | grep -E 'E \[|ERROR|exited|stopped' | head -10 | sed 's/^/    | /' 
  check "PJL queue: the PJL filter ran" job_has "$id" 'PJL: 2 copies, duplex 1'
  pjlfile=""
  for _ in $(seq 1 50); do
    pjlfile=$(grep -rla '@PJL SET COPIES=2' "$WORK/lprng" 2>/dev/null | head -1)
    [ -n "$pjlfile" ] && break
    sleep 0.1
  done
  check "PJL queue: LPRng received the job with @PJL SET COPIES=2" [ -n "$pjlfile" ]
  check "PJL queue: duplex and the PostScript job inside the PJL wrapper" \
    sh -c "[ -n '$pjlfile' ] && grep -aq '@PJL SET DUPLEX=ON' '$pjlfile' && grep -aq 'ENTER LANGUAGE=POSTSCRIPT' '$pjlfile' && grep -aq '(cups-lpr) show' '$pjlfile' && grep -aq '@PJL EOJ' '$pjlfile'"
  "$LPRNG_SH" stop "$WORK/lprng" >/dev/null 2>&1 || fail "PJL queue: LPRng stop"
fi

if stop_cupsd; then
  ok "private cupsd: stopped"
else
  fail "private cupsd: stop failed"
  sed 's/^/    | /' "$WORK/cupsd.stop"
fi
stop_server main
stop_server nack
check_no_leftovers
echo "time: $(( $(date +%s) - T0 )) s"

finish
