#!/bin/bash
# printer-app.sh - lpr-printer-app on loopback: started on a chosen port and state directory,
# printers added from the command line, ipptool jobs into real LPRng (PDF byte-exact, PWG
# raster through the PostScript and PCL encoders), a CUPS "everywhere" queue printing through
# the app, Cancel-Job, an unreachable LPD server in the printer's state, the web pages.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Needs root (LPRng runs in its own namespaces, tests/servers/lprng.sh), ipptool
# (cups-ipp-utils), ghostscript; cupsd for the CUPS queue case and chromium for the web
# page case (each skipped, with the reason, when missing).  CASE=name runs one case.

set -u
. "$(dirname "$0")/lib.sh"

APP=$top_builddir/lpr-printer-app/lpr-printer-app
TESTS=$top_srcdir/tests/printer-app
LPRNG_SH=$top_srcdir/tests/servers/lprng.sh
CUPSD_SH=$top_srcdir/tests/cupsd/cupsd-ctl.sh
export LPD_PKGCACHE=${LPD_PKGCACHE:-${HOME:-/root}/.cache/cups-lpr/pkgcache}
APP_PID=""
LPRNG_UP=no
T0=$(date +%s)

stop_all() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null
  [ "$LPRNG_UP" = yes ] && "$LPRNG_SH" stop "$WORK/lprng" >/dev/null 2>&1
  [ -f "$WORK/cupsd/pid" ] && "$CUPSD_SH" stop "$WORK/cupsd" >/dev/null 2>&1
  [ -f "$WORK/snmpd/pid" ] && "$top_srcdir/tests/servers/snmpd.sh" stop "$WORK/snmpd" \
    >/dev/null 2>&1
  cleanup
}
trap stop_all EXIT

want() { [ -z "${CASE:-}" ] || [ "$CASE" = "$1" ]; }

if [ ! -x "$APP" ]; then
  skip "lpr-printer-app not built (configure found no PAPPL: install libpappl-dev)"
  finish
  exit 77
fi
for tool in ipptool gs; do
  if ! command -v "$tool" >/dev/null; then
    skip "$tool not installed (tools/deps.sh installs cups-ipp-utils and ghostscript)"
    finish
    exit 77
  fi
done

freeport() { "$CUPSD_SH" freeport; }
APP_PORT=$(freeport)
LPD_PORT=$(freeport)
DEAD_PORT=$(freeport)                   # nothing listens here: the unreachable LPD server
SYS=ipp://127.0.0.1:$APP_PORT/ipp/system
prn() { echo "ipp://127.0.0.1:$APP_PORT/ipp/print/$1"; }

# app CMD ARGS...: a client subcommand against the test server (never the system's socket).
app() { "$APP" "$1" -u "$SYS" "${@:2}"; }

# start_app: the server on APP_PORT with its spool and state in WORK; waits for the port.
start_app() {
  mkdir -p "$WORK/app"
  CUPS_LPR_SNMP_HELPER=$top_builddir/lpr-snmp LPRA_RETRY_INTERVAL=1 \
    "$APP" server -o server-port="$APP_PORT" -o listen-hostname=127.0.0.1 \
    -o spool-directory="$WORK/app/spool" -o state-file="$WORK/app/state" \
    -o log-file="$WORK/app/log" -o log-level=debug >"$WORK/app/stdout" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$APP_PORT") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# ipp TEST PRINTER VAR=VALUE...: run one of our ipptool files, verbose output on stdout.
ipp() {
  local t=$1 p=$2 args=()
  shift 2
  for kv in "$@"; do args+=(-d "$kv"); done
  ipptool -T 30 -tv -d user=tester "${args[@]}" "$(prn "$p")" "$TESTS/$t.test" 2>&1
}

# print_file PRINTER FILE FORMAT [COPIES [SIDES]]: Print-Job; prints the job id.
print_file() {
  ipp print-job "$1" filename="$2" format="$3" copies="${4:-1}" sides="${5:-one-sided}" \
    title="$(basename "$2")" >"$WORK/print.out"
  sed -n 's/^ *job-id (integer) = //p' "$WORK/print.out" | head -1
}

# job_attr PRINTER ID ATTR: one attribute's value.
job_attr() {
  ipp get-job "$1" job="$2" | sed -n "s/^ *$3 ([^)]*) = //p" | head -1
}

# wait_job PRINTER ID: until the job is completed, aborted or canceled (60 s); prints it.
wait_job() {
  local s=""
  for _ in $(seq 1 600); do
    s=$(job_attr "$1" "$2" job-state)
    case $s in completed | aborted | canceled) break ;; esac
    sleep 0.1
  done
  echo "$s"
}

# lprng_files: data files LPRng holds, oldest first.  newest_data: the last one.
lprng_files() {
  find "$WORK/lprng/spool/lp" -maxdepth 1 -name 'dfA*' -printf '%T@ %p\n' 2>/dev/null |
    sort -n | cut -d' ' -f2-
}
newest_data() { lprng_files | tail -1; }
ndata() { lprng_files | grep -c . ; }

if ! start_app; then
  fail "server: did not listen on 127.0.0.1:$APP_PORT"
  sed 's/^/    | /' "$WORK/app/stdout"
  finish
  exit 1
fi
ok "server: listening on 127.0.0.1:$APP_PORT, state and spool in the test's directory"

rc=0
"$LPRNG_SH" start "$WORK/lprng" "$LPD_PORT" lp >"$WORK/lprng.start" 2>&1 || rc=$?
if [ "$rc" = 0 ]; then
  LPRNG_UP=yes
elif [ "$rc" = 77 ]; then
  skip "LPRng: $(sed -n 's/^SKIP: //p' "$WORK/lprng.start") (cases into LPRng skipped)"
else
  fail "LPRng did not start (exit $rc)"
  sed 's/^/    | /' "$WORK/lprng.start"
fi
LPRNG_URI=lpr://127.0.0.1:$LPD_PORT/lp

# --- printers added from the command line -------------------------------------------------
for d in pdf ps pcl raw; do
  rc=0
  app add -d "$d" -v "$LPRNG_URI" -m "$d" >"$WORK/add-$d" 2>&1 || rc=$?
  check "add: printer $d (driver $d) on $LPRNG_URI (exit $rc)" [ "$rc" = 0 ]
done
rc=0
app add -d psi -v "$LPRNG_URI?mode=immediate" -m ps >"$WORK/add-psi" 2>&1 || rc=$?
check "add: printer psi streaming (mode=immediate) (exit $rc)" [ "$rc" = 0 ]
rc=0
app add -d badq -v "lpr://127.0.0.1:$LPD_PORT/" -m ps >"$WORK/add-bad" 2>&1 || rc=$?
check "add: a URI without a queue is refused (exit $rc)" [ "$rc" != 0 ]
check "add: the log has the backend's message for it" \
  grep -q 'no queue name in device URI (lpr://host/QUEUE)' "$WORK/app/log"
app printers >"$WORK/printers" 2>"$WORK/printers.err"
check "printers: lists the five printers and not the bad one" \
  sh -c "[ \$(grep -c . '$WORK/printers') = 5 ] && ! grep -q badq '$WORK/printers'"

# --- documents: PDF byte-exact, raster through the encoders -------------------------------
cat >"$WORK/page.ps" <<'PS'
%!PS
/Helvetica findfont 48 scalefont setfont 72 700 moveto (lpr-printer-app) show
0.5 setgray 72 200 400 300 rectfill 0 setgray
newpath 300 400 100 0 360 arc 4 setlinewidth stroke showpage
/Helvetica findfont 48 scalefont setfont 72 500 moveto (page two) show showpage
PS
gs -q -dSAFER -sDEVICE=pdfwrite -o "$WORK/doc.pdf" "$WORK/page.ps"
gs -q -dSAFER -sDEVICE=pwgraster -r300 -sPAPERSIZE=a4 -dcupsColorSpace=18 \
  -dcupsBitsPerColor=8 -o "$WORK/doc.pwg" "$WORK/page.ps" 2>/dev/null

# print_into_lprng CASE PRINTER FILE FORMAT [COPIES [SIDES]]: job into LPRng; sets GOT (the
# data file LPRng received) and JOBSTATE.
GOT=""
JOBSTATE=""
print_into_lprng() {
  local name=$1 before id
  shift
  before=$(ndata)
  id=$(print_file "$@")
  JOBSTATE=$(wait_job "$1" "$id")
  GOT=""
  for _ in $(seq 1 50); do
    [ "$(ndata)" -gt "$before" ] && { GOT=$(newest_data); break; }
    sleep 0.1
  done
  check "$name: job $id completed ($JOBSTATE)" [ "$JOBSTATE" = completed ]
  [ "$JOBSTATE" = completed ] ||          # (check reports; this shows why)
    grep "\[Job $id\]" "$WORK/app/log" | grep -v '^D' | tail -5 | sed 's/^/    | /'
  check "$name: LPRng received it" [ -n "$GOT" ]
}

if [ "$LPRNG_UP" = yes ] && want pdf; then
  print_into_lprng "PDF driver, PDF" pdf "$WORK/doc.pdf" application/pdf
  check "PDF driver: byte-exact at LPRng ($(stat -c %s "$WORK/doc.pdf") bytes)" \
    cmp -s "$WORK/doc.pdf" "$GOT"
  print_into_lprng "PostScript driver, PostScript" ps "$WORK/page.ps" application/postscript
  check "PostScript driver: PostScript byte-exact at LPRng" cmp -s "$WORK/page.ps" "$GOT"
  printf 'raw bytes\r\n\033E' >"$WORK/raw.bin"
  print_into_lprng "raw driver, octet-stream" raw "$WORK/raw.bin" application/octet-stream
  check "raw driver: forwarded unchanged" cmp -s "$WORK/raw.bin" "$GOT"
  print_into_lprng "raw driver, PDF" raw "$WORK/doc.pdf" application/pdf
  check "raw driver: a PDF forwarded unchanged" cmp -s "$WORK/doc.pdf" "$GOT"
fi

# --- a job the server refuses for now (code 2, no space) is sent again, not aborted ------------
# The first server takes one connection, refuses the control file with code 2 and exits; the
# app waits LPRA_RETRY_INTERVAL (1 s here, 30 by default) and sends the job again, to a second
# server on the same port.  (PAPPL would abort a job whose print callback fails.)
if want retry; then
  if start_server rfirst --nack=control:2 -n 1; then
    rport=$PORT_rfirst
    app add -d retryq -v "lpr://127.0.0.1:$rport/lp?reserve=none" -m pdf >/dev/null 2>&1
    id=$(print_file retryq "$WORK/doc.pdf" application/pdf)
    for _ in $(seq 1 100); do kill -0 "$PID_rfirst" 2>/dev/null || break; sleep 0.1; done
    stop_server rfirst
    start_server rsecond -p "$rport" || fail "retry: second server on port $rport"
    state=$(wait_job retryq "$id")
    check "retry: the refused job completed on the second attempt ($state)" \
      [ "$state" = completed ]
    check "retry: the log says it was sent again" \
      grep -q "\[Job $id\] Sending the job again in 1 s (attempt 2 of 6)" "$WORK/app/log"
    check "retry: byte-exact at the second server" \
      cmp -s "$WORK/doc.pdf" "$(find "$DIR_rsecond" -name 'dfA*' | head -1)"
    check "retry: the first server got the job's control file refused, no data" \
      sh -c "! find '$DIR_rfirst' -name 'dfA*' | grep -q ."
    stop_server rsecond
  else
    fail "retry: test LPD server did not start"
  fi
fi

# rendered_ok PSFILE: ghostscript renders PSFILE at 300 dpi to the PWG raster's pixels.
# Tolerance: at most 0.1% of a page's pixels may differ by more than 64 gray levels (the
# image is placed on the PostScript page in points: a fraction of a pixel at the edges).
rendered_ok() {
  rm -f "$WORK"/got-*.pgm
  gs -q -dSAFER -dNOPAUSE -sDEVICE=pgmraw -r300 -sPAPERSIZE=a4 -dFIXEDMEDIA \
    -o "$WORK/got-%d.pgm" "$1" >"$WORK/gs.out" 2>&1 &&
    python3 "$TESTS/raster-compare.py" "$WORK/doc.pwg" "$WORK/got-%d.pgm" 0.1 >"$WORK/cmp.out"
}

if [ "$LPRNG_UP" = yes ] && want raster; then
  for p in ps psi; do
    print_into_lprng "PWG raster to $p" "$p" "$WORK/doc.pwg" image/pwg-raster
    if [ -n "$GOT" ] && rendered_ok "$GOT"; then
      ok "PWG raster to $p: LPRng's PostScript renders to the raster's pixels" \
        "($(tr '\n' ';' <"$WORK/cmp.out"))"
    else
      fail "PWG raster to $p: rendering differs"
      sed 's/^/    | /' "$WORK/cmp.out" "$WORK/gs.out" 2>/dev/null
    fi
  done
  print_into_lprng "PWG raster to pdf" pdf "$WORK/doc.pwg" image/pwg-raster
  if [ -n "$GOT" ] && head -c 5 "$GOT" | grep -q '%PDF-' && rendered_ok "$GOT"; then
    ok "PWG raster to pdf: LPRng's PDF renders to the raster's pixels"
  else
    fail "PWG raster to pdf: not a PDF of the same pixels"
    sed 's/^/    | /' "$WORK/cmp.out" "$WORK/gs.out" 2>/dev/null
  fi
  print_into_lprng "PWG raster to pcl, 2 copies, duplex" pcl "$WORK/doc.pwg" image/pwg-raster 2 \
    two-sided-long-edge
  pages=$(grep -aoF $'\033*rC\f' "$GOT" | wc -l)
  check "PWG raster to pcl: PJL job with 2 copies, duplex, PCL raster, $pages pages" \
    sh -c "grep -aq '@PJL SET COPIES=2' '$GOT' && grep -aq '@PJL SET DUPLEX=ON' '$GOT' &&
           grep -aq 'ENTER LANGUAGE=PCL' '$GOT' && grep -aq '@PJL EOJ' '$GOT' && [ $pages = 2 ]"
  print_into_lprng "PCL driver, PCL document" pcl "$WORK/raw.bin" application/vnd.hp-pcl
  check "PCL driver: the PCL document byte for byte inside the PJL wrapper" \
    sh -c "grep -aq 'ENTER LANGUAGE=PCL' '$GOT' && grep -aFq \"\$(cat '$WORK/raw.bin')\" '$GOT'"
fi

# --- an unreachable LPD server: in the printer's state over IPP; Cancel-Job ends the wait -----
if want unreachable; then
  app add -d dead -v "lpr://127.0.0.1:$DEAD_PORT/lp" -m pdf >"$WORK/add-dead" 2>&1
  id=$(print_file dead "$WORK/doc.pdf" application/pdf)
  reasons=""
  for _ in $(seq 1 150); do
    ipp get-printer dead >"$WORK/dead.attrs"
    reasons=$(sed -n 's/^ *printer-state-reasons ([^)]*) = //p' "$WORK/dead.attrs")
    [[ $reasons == *offline* ]] && break
    sleep 0.1
  done
  check "unreachable: printer-state-reasons says offline ($reasons)" \
    grep -q 'printer-state-reasons.*offline' "$WORK/dead.attrs"
  msg=$(job_attr dead "$id" job-state-message)
  check "unreachable: job-state-message says why ($msg)" \
    grep -q 'busy or unreachable' <<<"$msg"
  ipp cancel-job dead job="$id" >"$WORK/cancel-dead.out"
  state=$(wait_job dead "$id")
  check "unreachable: Cancel-Job while it retries: job canceled ($state)" [ "$state" = canceled ]
  ipp get-printer dead >"$WORK/dead.attrs"
  check "unreachable: offline cleared once the job is gone" \
    sh -c "! grep -q 'printer-state-reasons.*offline' '$WORK/dead.attrs'"
fi

# --- Cancel-Job during a slow transfer: streamed (mode=immediate) into LPRng, then removed --
if [ "$LPRNG_UP" = yes ] && want cancel; then
  for i in $(seq 1 12); do
    echo "/Helvetica findfont 36 scalefont setfont 72 700 moveto (slow page $i) show"
    echo "0.3 setgray 72 100 $((30 * i)) 400 rectfill showpage"
  done >"$WORK/slow.ps"
  gs -q -dSAFER -sDEVICE=pwgraster -r300 -sPAPERSIZE=a4 -dcupsColorSpace=18 \
    -dcupsBitsPerColor=8 -o "$WORK/slow.pwg" "$WORK/slow.ps" 2>/dev/null
  # LPRng's hold files of jobs named "slow" (slow-print.py's job-name).
  nheld() { grep -l '^J=slow$' "$WORK/lprng/spool/lp"/hfA* 2>/dev/null | wc -l; }
  before=$(nheld)
  python3 "$TESTS/slow-print.py" 127.0.0.1 "$APP_PORT" /ipp/print/psi "$WORK/slow.pwg" \
    image/pwg-raster 2000 >"$WORK/slow.out" 2>&1 &
  slow_pid=$!
  PIDS="$PIDS $slow_pid"
  id=""
  for _ in $(seq 1 300); do
    id=$(ipp get-jobs psi | sed -n 's/^ *job-id (integer) = //p' | head -1)
    [ -n "$id" ] && grep -q "\[Job $id\] Page 2 raster" "$WORK/app/log" &&
      grep -q "\[Job $id\] Connected to printer" "$WORK/app/log" && break
    sleep 0.1
  done
  check "slow transfer: job $id streaming into LPRng (page 2 arriving)" \
    grep -q "\[Job $id\] Page 2 raster" "$WORK/app/log"
  ipp cancel-job psi job="$id" >"$WORK/cancel-slow.out"
  state=$(wait_job psi "$id")
  wait "$slow_pid"
  check "slow transfer: Cancel-Job: job canceled ($state)" [ "$state" = canceled ]
  check "slow transfer: the core aborted the job at LPRng" \
    grep -q "\[Job $id\] Job canceled: the job at lpd .* was aborted" "$WORK/app/log"
  sleep 1
  check "slow transfer: LPRng holds no part of it ($(nheld) jobs, $before before)" \
    [ "$(nheld)" = "$before" ]
fi

# --- Cancel-Job while the job waits in LPRng's queue (waitjob): removed from LPRng ----------
if [ "$LPRNG_UP" = yes ] && want waitjob; then
  app add -d waitq -v "$LPRNG_URI?waitjob=yes&polltime=1" -m pdf >"$WORK/add-waitq" 2>&1
  cp "$WORK/doc.pdf" "$WORK/waitjob.pdf"
  nhold() { grep -l '^J=waitjob.pdf$' "$WORK/lprng/spool/lp"/hfA* 2>/dev/null | wc -l; }
  before=$(nhold)
  id=$(print_file waitq "$WORK/waitjob.pdf" application/pdf)
  for _ in $(seq 1 100); do
    [ "$(nhold)" -gt "$before" ] && grep -q "\[Job $id\].*queue" "$WORK/app/log" && break
    sleep 0.1
  done
  check "waitjob: the job reached LPRng's queue" [ "$(nhold)" -gt "$before" ]
  ipp cancel-job waitq job="$id" >"$WORK/cancel-waitq.out"
  state=$(wait_job waitq "$id")
  check "waitjob: Cancel-Job: job canceled ($state)" [ "$state" = canceled ]
  for _ in $(seq 1 50); do [ "$(nhold)" = "$before" ] && break; sleep 0.1; done
  check "waitjob: Cancel-Job removed the job from LPRng ($(nhold) held, $before before)" \
    [ "$(nhold)" = "$before" ]
fi

# --- the Add LPD Printer page and the LPD Queue page, in headless Chromium ------------------
if want web; then
  chromium_bin=${CHROMIUM:-}
  for c in /usr/lib/chromium/chromium /usr/bin/chromium; do
    [ -z "$chromium_bin" ] && [ -x "$c" ] && chromium_bin=$c
  done
  if [ -z "$chromium_bin" ]; then
    skip "web pages: chromium not installed"
  else
    mkdir -p "$WORK/web"
    rc=0
    timeout 180 python3 "$TESTS/web-check.py" "$chromium_bin" "$APP_PORT" "$WORK/web" \
      "$LPRNG_URI" "lpr://127.0.0.1:$LPD_PORT/" "$LPRNG_URI?mode=spooled" \
      >"$WORK/web.out" 2>&1 || rc=$?
    check "web pages: driven in Chromium (exit $rc)" [ "$rc" = 0 ]
    [ "$rc" = 0 ] || sed 's/^/    | /' "$WORK/web.out"
    field() { sed -n "s/^$1: //p" "$WORK/web.out"; }
    check "web: Add LPD Printer created webq from the typed URI ($(field created))" \
      sh -c "grep -q '^created: .*/webq$' '$WORK/web.out' &&
             '$APP' printers -u '$SYS' | grep -qx webq"
    check "web: a bad URI shows the backend's error ($(field error))" \
      grep -q '^error: no queue name in device URI (lpr://host/QUEUE)' "$WORK/web.out"
    check "web: no printer made from the bad URI" \
      sh -c "! '$APP' printers -u '$SYS' | grep -qx webbad"
    check "web: the LPD Queue page changed the device URI ($(field changed))" \
      grep -qF "changed: $LPRNG_URI?mode=spooled" "$WORK/web.out"
    if [ "$LPRNG_UP" = yes ]; then
      print_into_lprng "web: webq on its new URI" webq "$WORK/doc.pdf" application/pdf
      check "web: webq prints byte-exact" cmp -s "$WORK/doc.pdf" "$GOT"
    fi
  fi
fi

# --- SNMP: the printer's supply levels as marker-* attributes -------------------------------
if [ "$LPRNG_UP" = yes ] && want snmp; then
  if [ ! -x "$top_builddir/lpr-snmp" ]; then
    skip "SNMP supplies: lpr-snmp not built (configure --disable-snmp)"
  else
    sport=$((20000 + RANDOM % 40000))
    rc=0
    "$top_srcdir/tests/servers/snmpd.sh" start "$WORK/snmpd" "$sport" printer \
      >"$WORK/snmpd.log" 2>&1 || rc=$?
    if [ "$rc" = 77 ]; then
      skip "SNMP supplies: $(cat "$WORK/snmpd.log")"
    elif [ "$rc" != 0 ]; then
      fail "SNMP supplies: snmpd did not start (exit $rc)"
    else
      app add -d snmpq -v "$LPRNG_URI?snmp-port=$sport" -m pdf >"$WORK/add-snmpq" 2>&1
      print_into_lprng "SNMP supplies: job" snmpq "$WORK/doc.pdf" application/pdf
      ipp get-printer snmpq >"$WORK/snmpq.attrs"
      levels=$(sed -n 's/^ *marker-levels ([^)]*) = //p' "$WORK/snmpq.attrs")
      check "SNMP supplies: marker-levels from the agent ($levels; black toner at 5)" \
        grep -q '^5,' <<<"$levels"
      check "SNMP supplies: toner-low in printer-state-reasons (the agent's lowToner)" \
        grep -q 'printer-state-reasons.*toner-low' "$WORK/snmpq.attrs"
      "$top_srcdir/tests/servers/snmpd.sh" stop "$WORK/snmpd" >/dev/null 2>&1
    fi
  fi
fi

# --- DNS-SD: an announced _printer._tcp queue is offered on the Add LPD Printer page ---------
if want dnssd; then
  missing=""
  for t in unshare avahi-daemon avahi-publish avahi-browse dbus-daemon ip; do
    command -v "$t" >/dev/null || missing="$missing $t"
  done
  if [ -n "$missing" ]; then
    skip "DNS-SD choices: not installed:$missing (tools/deps.sh: avahi-daemon avahi-utils dbus)"
  elif [ "$(id -u)" != 0 ] || ! unshare -n -m true 2>/dev/null; then
    skip "DNS-SD choices: needs root and network namespaces (a private avahi-daemon)"
  else
    mkdir -p "$WORK/dnssd"
    rc=0
    timeout 120 unshare -n -m --propagation private "$TESTS/dnssd-ns.sh" "$WORK/dnssd" \
      "$APP" "$APP_PORT" >"$WORK/dnssd.out" 2>&1 || rc=$?
    check "DNS-SD choices: the page offers the announced queue ($(grep -m1 '^choice' \
      "$WORK/dnssd.out"))" grep -q '^choice: lpr://[^/]*:515/officeq$' "$WORK/dnssd.out"
    grep -q '^choice: lpr://[^/]*:515/officeq$' "$WORK/dnssd.out" || sed 's/^/    | /' "$WORK/dnssd.out"
  fi
fi

# --- a CUPS queue made with "lpadmin -m everywhere" prints through the app into LPRng -------
if [ "$LPRNG_UP" = yes ] && want cups; then
  cport=$(freeport)
  rc=0
  "$CUPSD_SH" start "$WORK/cupsd" "$cport" >"$WORK/cupsd.env" 2>"$WORK/cupsd.start" || rc=$?
  if [ "$rc" = 77 ]; then
    skip "CUPS queue: $(sed -n 's/^SKIP: //p' "$WORK/cupsd.env" "$WORK/cupsd.start" | head -1)"
  elif [ "$rc" != 0 ]; then
    fail "CUPS queue: private cupsd did not start (exit $rc)"
    sed 's/^/    | /' "$WORK/cupsd.start"
  else
    eval "$(cat "$WORK/cupsd.env")"
    rc=0
    lpadmin -p viaapp -E -m everywhere -v "$(prn pdf)" >"$WORK/lpadmin.out" 2>&1 || rc=$?
    check "CUPS queue: lpadmin -m everywhere -v $(prn pdf) (exit $rc)" [ "$rc" = 0 ]
    [ "$rc" = 0 ] || sed 's/^/    | /' "$WORK/lpadmin.out"
    ppd=$(lpstat -l -p viaapp 2>/dev/null | sed -n 's/^[[:space:]]*Interface: //p')
    check "CUPS queue: cupsd's PPD from the app's attributes: PDF, duplex ($ppd)" \
      sh -c "grep -q 'cupsFilter2: \"application/vnd.cups-pdf application/pdf' '${ppd:-/none}' &&
             grep -q 'OpenUI \\*Duplex' '${ppd:-/none}'"
    before=$(ndata)
    lp -d viaapp -t "via CUPS" "$WORK/doc.pdf" >"$WORK/lp.out" 2>&1
    GOT=""
    for _ in $(seq 1 600); do
      [ "$(ndata)" -gt "$before" ] && { GOT=$(newest_data); break; }
      sleep 0.1
    done
    check "CUPS queue: cupsd -> lpr-printer-app -> LPRng: a PDF arrived" \
      sh -c "[ -n '$GOT' ] && head -c 5 '$GOT' | grep -q '%PDF-'"
    check "CUPS queue: it renders to the document's 2 pages" \
      sh -c "[ -n '$GOT' ] && [ \"\$(gs -q -dNODISPLAY -dNOSAFER \
               -c '($GOT) (r) file runpdfbegin pdfpagecount = quit' 2>/dev/null)\" = 2 ]"
    "$CUPSD_SH" stop "$WORK/cupsd" >/dev/null 2>&1
  fi
fi

# --- stop: the server ends on SIGTERM, the spool keeps no temp file, no process left --------
check "spool: no temp file left in the app's tmp dir" \
  sh -c "[ -z \"\$(ls -A '$WORK/app/spool/tmp' 2>/dev/null)\" ]"
kill "$APP_PID" 2>/dev/null
rc=0
alive=yes
for _ in $(seq 1 100); do kill -0 "$APP_PID" 2>/dev/null || { alive=no; break; }; sleep 0.1; done
[ "$alive" = yes ] && kill -KILL "$APP_PID" 2>/dev/null   # (the check below then fails)
wait "$APP_PID" 2>/dev/null || rc=$?
check "server: stopped within 10 s of SIGTERM (exit $rc)" \
  sh -c "[ $alive = no ] && { [ $rc = 0 ] || [ $rc = 143 ]; }"
APP_PID=""
check "state file: the printers were saved" grep -q '^<Printer .*name="pdf"' "$WORK/app/state"
check "log: no sanitizer report" \
  sh -c "! grep -q 'AddressSanitizer\|LeakSanitizer\|runtime error:' \
           '$WORK/app/stdout' '$WORK/app/log'"
echo "time: $(( $(date +%s) - T0 )) s"
finish
