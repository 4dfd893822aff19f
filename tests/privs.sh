#!/bin/bash
# privs.sh - least privilege: the backend, run as root the way cupsd runs a 0700 backend, does
# the job as lp with at most CAP_NET_BIND_SERVICE and NoNewPrivs; its SNMP helper runs with no
# capability under a seccomp filter; reserved source ports still come out on every connection
# of a job (first, in-band fallback reconnect, queue queries, removal); a missing job user stops
# the queue; a 0755 install (run as lp) works with ordinary ports; the same under a real cupsd.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Reads /proc/PID/status of the running backend and helper while the test LPD server holds the
# job (--delay-ack), and the source port of every connection from the server's event lines.
# Needs root and the user lp; snmpd (package snmpd) for the helper's part; cupsd (packages
# cups-daemon, cups-client, and cups-deviced as for tests/cupsd.sh) for the cupsd part.

set -u
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ] || ! id "$JOB_USER" >/dev/null 2>&1; then
  echo "SKIP: needs root and the user $JOB_USER (the backend gives up root to it)"
  exit 77
fi
LP_UID=$(id -u "$JOB_USER")
SNMPD_SH=$top_srcdir/tests/servers/snmpd.sh
STATE=$WORK/cupsd
sample "$WORK/sample" 300000
sample "$WORK/sample2" 70000
chmod 0644 "$WORK/sample" "$WORK/sample2"

stop_cupsd() { [ -f "$STATE/pid" ] && "$CUPSD_SH" stop "$STATE" >>"$WORK/cupsd.stop" 2>&1; }
stop_snmpd() { [ -f "$WORK/snmpd/pid" ] && "$SNMPD_SH" stop "$WORK/snmpd" >/dev/null 2>&1; }
at_exit stop_snmpd
at_exit stop_cupsd

# field FILE NAME: the first value of a line of a saved /proc/PID/status.
field() { awk -v n="$2:" '$1 == n { print $2; exit }' "$1"; }

# no_root_ids FILE: the Uid and Gid lines (real, effective, saved, filesystem) have no 0.
no_root_ids() {
  awk '$1 == "Uid:" || $1 == "Gid:" { n++; for (i = 2; i <= 5; i++) if ($i == 0) bad = 1 }
       END { exit bad || n != 2 }' "$1"
}

# cap_within FILE SET MASK: the capability set SET (CapEff, CapPrm...) has no bit outside MASK.
cap_within() {
  local v
  v=$(field "$1" "$2")
  [ -n "$v" ] && [ $((16#$v & ~$3)) = 0 ]
}
cap_eff_within() { cap_within "$1" CapEff "$2"; }

# confined FILE MASK: no uid or gid 0, CapEff within MASK, NoNewPrivs 1.
confined() {
  no_root_ids "$1" && cap_eff_within "$1" "$2" && [ "$(field "$1" NoNewPrivs)" = 1 ]
}

# all_ids_are FILE UID: real, effective, saved and filesystem uid are all UID.
all_ids_are() {
  [ -s "$1" ] && awk -v u="$2" '$1 == "Uid:" { ok = ($2 == u && $3 == u && $4 == u && $5 == u) }
    END { exit !ok }' "$1"
}

# wait_until TENTHS COMMAND...: poll COMMAND every 0.1 s, TENTHS times at most.
wait_until() {
  local n=$1
  shift
  for _ in $(seq 1 "$n"); do
    "$@" && return 0
    sleep 0.1
  done
  return 1
}

# backend_pid PATTERN: the backend whose command line matches PATTERN (anchored on argv[0]).
backend_pid() { pgrep -f -- "$1" | head -n 1; }

# helper_pid PID: the lpr-snmp child of the backend PID.
helper_pid() { pgrep -P "$1" -x lpr-snmp | head -n 1; }

# keep_status PID FILE: save /proc/PID/status; false if the process is gone.
keep_status() { [ -n "$1" ] && cp "/proc/$1/status" "$2" 2>/dev/null && [ -s "$2" ]; }

# conns NAME: "COMMAND SOURCE-PORT" for every command the server NAME read, in order (its event
# lines: "conn N ...: connect ADDR PORT", "conn N ...: command CODE QUEUE").
conns() {
  awk '$5 == "connect" { port[$3] = $7 } $5 == "command" { print $6, port[$3] }' \
    "$WORK/srv-$1/stdout"
}

# all_reserved NAME [COMMAND]: every connection (with COMMAND) came from a port below 1024.
all_reserved() {
  conns "$1" | awk -v c="${2:-}" '(c == "" || $1 == c) { n++; if ($2 >= 1024 || $2 < 1) bad = 1 }
    END { exit bad || n == 0 }'
}

# none_reserved NAME: at least one connection, none from a port below 1024.
none_reserved() {
  conns "$1" | awk '{ n++; if ($2 < 1024) bad = 1 } END { exit bad || n == 0 }'
}

# server_has NAME REGEX: the server's event lines match.
server_has() { grep -q -- "$2" "$WORK/srv-$1/stdout"; }

# nth_port NAME COMMAND N: the source port of the Nth connection that sent COMMAND.
nth_port() { conns "$1" | awk -v c="$2" -v n="$3" '$1 == c && ++k == n { print $2 }'; }

# --- an SNMP agent for the helper ------------------------------------------------------------
SPORT=""
if [ -x "$(snmp_helper)" ] && command -v snmpd >/dev/null; then
  for _ in 1 2 3 4 5; do
    SPORT=$((20000 + RANDOM % 40000))
    "$SNMPD_SH" start "$WORK/snmpd" "$SPORT" printer >"$WORK/snmpd.log" 2>&1 && break
    SPORT=""
  done
fi
[ -n "$SPORT" ] || echo "note: no snmpd or no lpr-snmp: the helper's checks are skipped"

# --- 0700, run as root: one job through every kind of connection ----------------------------
# A zero count is refused and the server closes: spooled resend on a new connection; the final
# ack is lost: a queue query; waitjob polls; SIGTERM: the job is removed at the server.
# run_a: the job, with a fresh server and no refusal memo.
run_a() {
  local r
  rm -rf "$WORK/cache"/cups-lpr-nozero-* "$WORK/a.backend" "$WORK/a.helper" "$WORK/srv-a"
  SERVER_QUIET='' start_server a --refuse-zero --close-after-nack --no-final-ack \
    --hold-polls=1000 --delay-ack=300 || exit 99
  U="lpr://127.0.0.1:$PORT_a/lp?mode=immediate&waitjob=on&polltime=1"
  [ -n "$SPORT" ] && U="$U&snmp-port=$SPORT"
  ( run_backend "$out" "$U" 301 alice t 1 "" <"$WORK/sample" ) &
  r=$!
  pat="^lpr://127.0.0.1:$PORT_a/[^ ]* 301 alice"
  # Sampled during the resend on the second job connection, data on its way.
  wait_until 600 sh -c "[ \$(grep -c ': command 2 ' '$WORK/srv-a/stdout') -ge 2 ]"
  bp=$(backend_pid "$pat")
  keep_status "$bp" "$WORK/a.backend"
  hp=""
  [ -n "$bp" ] && hp=$(helper_pid "$bp")
  [ -n "$hp" ] && keep_status "$hp" "$WORK/a.helper"
  # Cancel once waitjob has polled the queue after the lost ack.
  wait_until 600 sh -c "[ \$(grep -c ': command 4 ' '$WORK/srv-a/stdout') -ge 3 ]"
  term_backend "$pat" "$r"
}
out=$WORK/a
run_a
[ -s "$WORK/a.backend" ] || fail "0700: the backend is running during the job"
check "0700: the backend's uids and gids have no 0 ($(grep -E '^(Uid|Gid)' "$WORK/a.backend" |
  tr '\t\n' '  '))" no_root_ids "$WORK/a.backend"
check "0700: the backend's uid is $JOB_USER's ($LP_UID)" \
  [ "$(field "$WORK/a.backend" Uid)" = "$LP_UID" ]
check "0700: backend CapEff within CAP_NET_BIND_SERVICE ($(field "$WORK/a.backend" CapEff))" \
  cap_eff_within "$WORK/a.backend" 0x400
check "0700: backend CapPrm within CAP_NET_BIND_SERVICE ($(field "$WORK/a.backend" CapPrm))" \
  cap_within "$WORK/a.backend" CapPrm 0x400
check "0700: backend NoNewPrivs 1" [ "$(field "$WORK/a.backend" NoNewPrivs)" = 1 ]
check "0700: DEBUG line says whom the job runs as" \
  grep -q "^DEBUG: Running as $JOB_USER (uid $LP_UID, gid [0-9]*) with CAP_NET_BIND_SERVICE only" \
  "$out.err"
if [ -n "$SPORT" ]; then
  if [ -s "$WORK/a.helper" ]; then
    check "0700: the helper's uids and gids have no 0" no_root_ids "$WORK/a.helper"
    check "0700: helper CapEff 0 ($(field "$WORK/a.helper" CapEff))" \
      cap_eff_within "$WORK/a.helper" 0
    check "0700: helper CapPrm 0" [ "$(field "$WORK/a.helper" CapPrm)" = 0000000000000000 ]
    check "0700: helper NoNewPrivs 1" [ "$(field "$WORK/a.helper" NoNewPrivs)" = 1 ]
    check "0700: helper Seccomp 2 (filter)" [ "$(field "$WORK/a.helper" Seccomp)" = 2 ]
  else
    fail "0700: the lpr-snmp helper is running during the job"
  fi
  check "0700: the helper answered under its filter (an ATTR: line)" \
    grep -q '^ATTR: .*marker-levels=5,' "$out.err"
  check "0700: the helper was not killed by a signal" \
    sh -c "! grep -q 'helper was killed by signal' '$out.err'"
else
  skip "0700: the helper's status: no snmpd or no lpr-snmp helper"
fi
seq_a=$(conns a | awk '{ printf "%s ", $1 }')
check "0700: server saw job, query, reconnect, lost-ack query, waitjob polls, removal ($seq_a)" \
  sh -c "echo '$seq_a' | grep -Eqx '2 4 2 (4 )+5 '"
echo "$seq_a" | grep -Eqx '2 4 2 (4 )+5 ' || sed 's/^/    | /' "$out.err"
check "0700: first connection from a reserved port ($(nth_port a 2 1))" \
  sh -c "[ '$(nth_port a 2 1)' -lt 1024 ]"
check "0700: fallback reconnect from a reserved port ($(nth_port a 2 2))" \
  sh -c "[ '$(nth_port a 2 2)' -lt 1024 ]"
check "0700: every queue query from a reserved port ($(conns a | awk '$1 == 4 { print $2 }' |
  tr '\n' ' '))" all_reserved a 4
check "0700: the removal from a reserved port ($(nth_port a 5 1))" all_reserved a 5
check "0700: the in-band fallback happened (DEBUG)" \
  grep -q 'sending the job again on a new one' "$out.err"
check "0700: the lost ack was checked in the queue (WARNING)" \
  grep -q 'did not acknowledge the end of the job, but job 301 is in its queue' "$out.err"
check "0700: the job was removed at the server on cancel" \
  grep -q 'Asked the server to remove job 301 (ok)' "$out.err"
check "0700: spooled in TMPDIR (root:lp 1770) as $JOB_USER, nothing left" no_temp_files
memo=$(find "$WORK/cache" -name 'cups-lpr-nozero-*' | head -n 1)
check "0700: refusal memo written in CUPS_CACHEDIR by $JOB_USER" \
  sh -c "[ -n '$memo' ] && [ \"\$(stat -c %U '$memo')\" = '$JOB_USER' ]"

# --- a refusal memo an older backend wrote as root (0600) still counts -------------------------
if [ -n "$memo" ]; then
  chown root:root "$memo"
  chmod 0600 "$memo"
  out=$WORK/memo
  run_backend "$out" "lpr://127.0.0.1:$PORT_a/lp?mode=immediate&snmp=no" 302 alice t 1 "" \
    <"$WORK/sample2"
  check "root's memo: exit 0 ($(rc_of "$out"))" [ "$(rc_of "$out")" = 0 ]
  check "root's memo: handed to $JOB_USER before the switch (DEBUG)" \
    grep -q "^DEBUG: Refusal memo .* now belongs to $JOB_USER" "$out.err"
  check "root's memo: read: spooled at once (INFO), no refusal WARNING" \
    sh -c "grep -q '^INFO: .* refused a data file of unknown size on .*: sending this job spooled' \
             '$out.err' && ! grep -q '^WARNING: .*refused a data file' '$out.err'"
  check "root's memo: owned by $JOB_USER now" [ "$(stat -c %U "$memo")" = "$JOB_USER" ]
else
  skip "root's memo: no memo was written above"
fi
stop_server a

# --- reserve=none: no capability at all ------------------------------------------------------
SERVER_QUIET='' start_server n --delay-ack=1500 || exit 99
out=$WORK/none
( run_backend "$out" "lpr://127.0.0.1:$PORT_n/lp?reserve=none&snmp=no" 303 alice t 1 "" \
    "$WORK/sample2" ) &
r=$!
wait_until 100 server_has n ': command 2 '
bp=$(backend_pid "^lpr://127.0.0.1:$PORT_n/[^ ]* 303 alice")
keep_status "$bp" "$WORK/n.backend" || fail "reserve=none: the backend is running"
wait "$r"
check "reserve=none: exit 0" [ "$(rc_of "$out")" = 0 ]
check "reserve=none: no uid or gid 0" no_root_ids "$WORK/n.backend"
check "reserve=none: CapEff 0 ($(field "$WORK/n.backend" CapEff))" \
  cap_eff_within "$WORK/n.backend" 0
check "reserve=none: NoNewPrivs 1" [ "$(field "$WORK/n.backend" NoNewPrivs)" = 1 ]
check "reserve=none: ordinary source port ($(nth_port n 2 1))" none_reserved n
stop_server n

# --- the job user does not exist: one ERROR, STOP, nothing sent -------------------------------
SERVER_QUIET='' start_server u || exit 99
mkdir -p "$WORK/badroot"
printf 'User cups-lpr-no-such-user\n' >"$WORK/badroot/cups-files.conf"
out=$WORK/nouser
BACKEND_ENV="CUPS_SERVERROOT=$WORK/badroot" \
  run_backend "$out" "lpr://127.0.0.1:$PORT_u/lp" 304 alice t 1 "" "$WORK/sample2"
check "no such user: exit STOP (4, got $(rc_of "$out"))" [ "$(rc_of "$out")" = 4 ]
check "no such user: exactly one ERROR line, naming the user" \
  sh -c "[ \$(grep -c '^ERROR:' '$out.err') = 1 ] &&
         grep -q '^ERROR: Refusing to run the job as root: .*cups-lpr-no-such-user' '$out.err'"
check "no such user: no connection to the server" \
  sh -c "! grep -q ': connect ' '$WORK/srv-u/stdout'"
stop_server u

# --- 0755: cupsd runs the backend as lp; nothing to give up ------------------------------------
SERVER_QUIET='' start_server l --delay-ack=1000 || exit 99
U="lpr://127.0.0.1:$PORT_l/lp"
[ -n "$SPORT" ] && U="$U?snmp-port=$SPORT"
out=$WORK/lp
( RUN_AS="setpriv --reuid=$JOB_USER --regid=$JOB_USER --init-groups" \
    run_backend "$out" "$U" 305 alice t 1 "" "$WORK/sample" ) &
r=$!
wait_until 100 server_has l ': command 2 '
bp=$(backend_pid "^lpr://127.0.0.1:$PORT_l/[^ ]* 305 alice")
keep_status "$bp" "$WORK/l.backend" || fail "0755: the backend is running"
hp=""
[ -n "$bp" ] && wait_until 30 sh -c "pgrep -P $bp -x lpr-snmp >/dev/null" &&
  hp=$(helper_pid "$bp")
[ -n "$hp" ] && keep_status "$hp" "$WORK/l.helper"
wait "$r"
check "0755: exit 0 ($(rc_of "$out"))" [ "$(rc_of "$out")" = 0 ]
wait_jobs "$DIR_l" 1
check "0755: job complete at the server" [ "$(job_status "$DIR_l" 1)" = complete ]
check "0755: bytes exact" cmp -s "$WORK/sample" "$(data_file "$DIR_l" 1)"
check "0755: the backend ran as $JOB_USER, CapEff 0, NoNewPrivs 1" \
  sh -c "[ '$(field "$WORK/l.backend" Uid)' = '$LP_UID' ] &&
         [ '$(field "$WORK/l.backend" CapEff)' = 0000000000000000 ] &&
         [ '$(field "$WORK/l.backend" NoNewPrivs)' = 1 ]"
check "0755: ordinary source port ($(nth_port l 2 1))" none_reserved l
check "0755: DEBUG: not root, nothing to give up" \
  grep -q "^DEBUG: Running as uid $LP_UID, not root: nothing to give up" "$out.err"
check "0755: DEBUG: an ordinary source port, and why" \
  grep -q '^DEBUG: No privilege to bind a reserved port: using an ordinary source port' \
  "$out.err"
if [ -n "$SPORT" ]; then
  check "0755: helper NoNewPrivs 1, Seccomp 2, CapEff 0" \
    sh -c "[ -s '$WORK/l.helper' ] && [ '$(field "$WORK/l.helper" NoNewPrivs)' = 1 ] &&
           [ '$(field "$WORK/l.helper" Seccomp)' = 2 ] &&
           [ '$(field "$WORK/l.helper" CapEff)' = 0000000000000000 ]"
else
  skip "0755: the helper's status: no snmpd or no lpr-snmp helper"
fi
stop_server l

# --- 0755 with the file capability (setcap cap_net_bind_service=p): reserved ports as lp --------
if command -v setcap >/dev/null; then
  SERVER_QUIET='' start_server f || exit 99
  mkdir -p "$WORK/capbin"
  install -m 0755 "$BACKEND" "$WORK/capbin/lpr"
  out=$WORK/fcap
  if setcap cap_net_bind_service=p "$WORK/capbin/lpr" 2>"$out.setcap"; then
    BACKEND=$WORK/capbin/lpr RUN_AS="setpriv --reuid=$JOB_USER --regid=$JOB_USER --init-groups" \
      run_backend "$out" "lpr://127.0.0.1:$PORT_f/lp?snmp=no" 306 alice t 1 "" "$WORK/sample2"
    check "0755 + setcap: exit 0 ($(rc_of "$out"))" [ "$(rc_of "$out")" = 0 ]
    check "0755 + setcap: the file's capability kept (DEBUG)" \
      grep -q '^DEBUG: Running as uid [0-9]*, not root: nothing to give up (CAP_NET_BIND_SERVICE' \
      "$out.err"
    check "0755 + setcap: reserved source port as $JOB_USER ($(nth_port f 2 1))" all_reserved f
  else
    skip "0755 + setcap: setcap failed here: $(cat "$out.setcap")"
  fi
  stop_server f
else
  skip "0755 + setcap: no setcap (package libcap2-bin)"
fi

# --- under cupsd: 0700 (run as root, the job as lp), then 0755 (run as lp) -------------------

# cupsd_up MODE STATEDIR: a private cupsd with our backend installed root-owned MODE (cupsd runs
# a 0700 backend as root, a 0755 one as lp); 0 started, 77 cannot run here (WHY set), else failed.
WHY=""
cupsd_up() {
  local rc=0 cport
  mkdir -p "$WORK/extra/backend" "$WORK/extra/filter"
  cp "$BACKEND" "$WORK/extra/backend/lpr"
  cp "$top_builddir/pjl-wrap" "$WORK/extra/filter/pjl-wrap"
  cport=$("$CUPSD_SH" freeport)
  CUPSD_BACKEND_MODE=$1 CUPSD_SETENV="CUPS_LPR_SNMP_HELPER=$(snmp_helper)" \
    "$CUPSD_SH" start "$2" "$cport" "$WORK/extra" >"$WORK/cupsd.env" 2>"$WORK/cupsd.start" ||
    rc=$?
  WHY="$(sed -n 's/^SKIP: //p' "$WORK/cupsd.env")$FETCH_WHY"
  [ "$rc" = 0 ] && eval "$(cat "$WORK/cupsd.env")"
  return "$rc"
}

# cupsd_backend_pid PORT ID: the backend cupsd runs for job ID (argv[0] is the device URI).
cupsd_backend_pid() { backend_pid "^lpr://127.0.0.1:$1/lp[^ ]* $2 alice"; }

# pjl_wrap_pid: a running pjl-wrap of our cupsd.
pjl_wrap_pid() {
  local p
  for p in $(pgrep -x pjl-wrap); do
    [[ $(readlink "/proc/$p/exe" 2>/dev/null) == "$STATE"/* ]] && { echo "$p"; return 0; }
  done
  return 1
}

ensure_cups_root cups-deviced
rc=0
cupsd_up 0700 "$STATE" || rc=$?
if [ "$rc" = 77 ]; then
  skip "cupsd: every cupsd case: $WHY"
elif [ "$rc" != 0 ]; then
  fail "cupsd 0700: start failed (exit $rc)"
  sed 's/^/    | /' "$WORK/cupsd.start" "$WORK/cupsd.env"
else
  check "cupsd 0700: backend installed root-owned, mode 0700" \
    [ "$(stat -c '%a %U' "$STATE/serverbin/backend/lpr")" = "700 root" ]
  SERVER_QUIET='' start_server c --delay-ack=700 || exit 99
  U="lpr://127.0.0.1:$PORT_c/lp"
  lpadmin -p q -E -v "$U" -o printer-error-policy=abort-job >"$WORK/lpadmin-q" 2>&1
  lpadmin -p pq -E -v "$U" -P "$top_builddir/ppd/cupslpr.ppd" -o LprMode=Spooled \
    -o printer-error-policy=abort-job >"$WORK/lpadmin-pq" 2>&1
  lpadmin -p pjl -E -v "$U" -P "$top_builddir/ppd/lprpjl.ppd" \
    -o printer-error-policy=abort-job >"$WORK/lpadmin-pjl" 2>&1

  # A raw queue, one document: argv[6] is cupsd's spool file (RequestRoot root:lp 0710).
  id=$(submit q "raw file" "$WORK/sample")
  bp=""
  # Looked at once it has connected (after the switch), while the slow acks hold it.
  [ -n "$id" ] && wait_until 300 server_has c ': command 2 ' &&
    bp=$(cupsd_backend_pid "$PORT_c" "$id")
  keep_status "$bp" "$WORK/c1.backend" || fail "cupsd 0700: the backend of job ${id:-?} is running"
  state=$(wait_final "$id")
  c="cupsd 0700, raw queue, argv[6] (job ${id:-?})"
  check "$c: completed (state $state)" [ "$state" = completed ]
  wait_jobs "$DIR_c" 1
  check "$c: bytes exact at the server" cmp -s "$WORK/sample" "$(data_file "$DIR_c" 1)"
  check "$c: backend no uid/gid 0, CapEff within 0x400, NoNewPrivs 1" \
    confined "$WORK/c1.backend" 0x400
  check "$c: error_log: running as $JOB_USER with CAP_NET_BIND_SERVICE only" \
    job_has "$id" "Running as $JOB_USER (uid $LP_UID, gid [0-9]*) with CAP_NET_BIND_SERVICE only"
  check "$c: reserved source port ($(nth_port c 2 1))" sh -c "[ '$(nth_port c 2 1)' -lt 1024 ]"
  check "$c: error_log: no ERROR" job_lacks "$id" '^E '

  # Two documents, spooled: stdin through cupsd's filters into cupsd's TempDir.
  id=$(submit q "two docs" -o lpr-mode=spooled "$WORK/sample" "$WORK/sample2")
  state=$(wait_final "$id")
  c="cupsd 0700, stdin spooled in TempDir (job ${id:-?})"
  check "$c: completed (state $state)" [ "$state" = completed ]
  check "$c: error_log: spooled in cupsd's TempDir" \
    job_has "$id" "Spooling job data in $STATE/spool/tmp"
  wait_jobs "$DIR_c" 2
  cat "$WORK/sample" "$WORK/sample2" >"$WORK/both"
  check "$c: bytes exact at the server" cmp -s "$WORK/both" "$(data_file "$DIR_c" 2)"

  # A PPD queue: the PPD (cupsd's copy, root:lp 0640) is read before the switch.
  id=$(submit pq "ppd" -o raw "$WORK/sample2")
  state=$(wait_final "$id")
  c="cupsd 0700, PPD queue (job ${id:-?})"
  check "$c: completed (state $state)" [ "$state" = completed ]
  check "$c: error_log: the PPD's LprMode applied" job_has "$id" 'Mode spooled (set by PPD)'

  # The PJL filter: cupsd runs it as lp already.  Its output is held by the server's slow
  # acks, so it is still running when looked at.
  { printf '%%!PS-Adobe-3.0\n%%%%Pages: 1\n%%%%EndComments\n%%%%Page: 1 1\n'
    for _ in $(seq 1 40000); do printf '%% padding line to keep the filter busy\n'; done
    printf 'showpage\n%%%%EOF\n'; } >"$WORK/big.ps"
  chmod 0644 "$WORK/big.ps"
  id=$(submit pjl "pjl" -o lpr-mode=immediate "$WORK/big.ps")
  fp=""
  wait_until 150 pjl_wrap_pid >/dev/null && fp=$(pjl_wrap_pid)
  keep_status "$fp" "$WORK/pjl.filter" || true
  state=$(wait_final "$id")
  c="cupsd, the PJL filter (job ${id:-?})"
  check "$c: completed (state $state)" [ "$state" = completed ]
  check "$c: pjl-wrap ran as $JOB_USER (Uid: $(grep '^Uid' "$WORK/pjl.filter" 2>/dev/null |
    cut -f2- | tr '\t' ' '))" all_ids_are "$WORK/pjl.filter" "$LP_UID"
  check "$c: pjl-wrap has no capability" cap_eff_within "$WORK/pjl.filter" 0
  check "error_log: no sanitizer report" \
    sh -c "! grep -q 'AddressSanitizer\|LeakSanitizer\|runtime error:' '$CUPSD_ERROR_LOG'"
  stop_cupsd || fail "cupsd 0700: stop"
  stop_server c

  # 0755: cupsd runs the backend as lp; ordinary ports, a DEBUG line, the job goes out.
  STATE=$WORK/cupsd755
  rc=0
  cupsd_up 0755 "$STATE" || rc=$?
  if [ "$rc" != 0 ]; then
    fail "cupsd 0755: start failed (exit $rc)"
    sed 's/^/    | /' "$WORK/cupsd.start" "$WORK/cupsd.env"
  else
    check "cupsd 0755: backend installed root-owned, mode 0755" \
      [ "$(stat -c '%a %U' "$STATE/serverbin/backend/lpr")" = "755 root" ]
    SERVER_QUIET='' start_server d || exit 99
    lpadmin -p q -E -v "lpr://127.0.0.1:$PORT_d/lp" -o printer-error-policy=abort-job \
      >"$WORK/lpadmin-q755" 2>&1
    id=$(submit q "raw file 0755" "$WORK/sample")
    state=$(wait_final "$id")
    c="cupsd 0755, raw queue (job ${id:-?})"
    check "$c: completed (state $state)" [ "$state" = completed ]
    wait_jobs "$DIR_d" 1
    check "$c: bytes exact at the server" cmp -s "$WORK/sample" "$(data_file "$DIR_d" 1)"
    check "$c: error_log: run as uid $LP_UID, nothing to give up" \
      job_has "$id" "Running as uid $LP_UID, not root: nothing to give up"
    check "$c: error_log: ordinary source port, and why" \
      job_has "$id" 'No privilege to bind a reserved port: using an ordinary source port'
    check "$c: ordinary source port at the server ($(nth_port d 2 1))" none_reserved d
    stop_cupsd || fail "cupsd 0755: stop"
    stop_server d
  fi
fi

stop_snmpd
stop_servers
finish
