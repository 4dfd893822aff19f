#!/bin/bash
# real-servers.sh - the built backend, run as cupsd runs it, against real LPD servers on
# loopback: LPRng's lpd (package lprng), Debian's BSD lpd (package lpr) and CUPS's cups-lpd.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# The servers come from tests/servers/{lprng,bsdlpd,cups-lpd}.sh: unpacked .debs in private
# namespaces, nothing installed (docs/real-servers.md, docs/cupsd-harness.md).  A server whose
# package cannot be had is skipped with the reason; any other start failure is a failure.
#
# Matrix: {auto, immediate, spooled} x {stdin (a pipe, as from cupsd's filters), file
# (argv[6])} x each server, a 300 KB sample, one job id per case.  Each case asserts the exit
# code, the job byte-exact in the server's spool, exactly one job for the case (and a spool
# without leftovers), status lines bounded with known prefixes, reasons cleared, no temp file.
# A server that refuses count 0 in immediate mode gets the fallback checked (one WARNING, the
# job once); one that acks the zero-count header and then drops the job must not get exit 0.
# Then waitjob=yes against held jobs (LPRng, BSD lpd): position reported, SIGTERM removes the
# job from the remote queue (\5) and the backend exits within 1 s.
#
# Needs root, util-linux (unshare, setsid), overlayfs, apt-get with its lists (the .debs
# lprng, lpr, and for cups-lpd cups, cups-server-common, cups-core-drivers are downloaded
# once into $LPD_PKGCACHE and ~/.cache/cups-lpr unless package cups is installed),
# cups-daemon, cups-client, socat, python3, openssl.
# Environment: LPD_PKGCACHE (default ~/.cache/cups-lpr/pkgcache), CUPS_LPR_CACHE (default
# ~/.cache/cups-lpr), CUPS_LPR_CUPS_ROOT (an unpacked cups root, see tests/cupsd/cupsd-ctl.sh).

set -u
. "$(dirname "$0")/lib.sh"

TESTS=$top_srcdir/tests
CUPSD_SH=$TESTS/cupsd/cupsd-ctl.sh
export LPD_PKGCACHE=${LPD_PKGCACHE:-$CACHE/pkgcache}
SIZE=300000
T0=$(date +%s)
sample "$WORK/sample" "$SIZE"

# --- servers (start_real and the tables it fills: tests/lib.sh) ----------------------------
real_servers_init

# stop_real NAME: stop a server; its script fails when a process or mount is left.
stop_real() {
  "$TESTS/servers/${SCRIPT[$1]}" stop "$WORK/$1" >"$WORK/$1.stop" 2>&1
}

stop_all_quietly() {
  local name
  for name in $STARTED; do stop_real "$name"; done
  STARTED=""
}
at_exit stop_all_quietly

# --- what each server's spool holds ----------------------------------------------------------
# LPRng keeps a ticket hfNNN (KEY=value lines) and the data files under their transfer names;
# BSD lpd keeps the control file as received (renamed cfANNNlocalhost) and the data files.
SPOOL_lprng() { echo "$WORK/lprng/spool/lp"; }
SPOOL_bsd() { echo "$WORK/bsd/spool/lp"; }

# jobs_with_title NAME TITLE: the server's job files (hf, cf, meta) for TITLE, one a line.
jobs_with_title() {
  case $1 in
    lprng) grep -lxF "J=$2" "$(SPOOL_lprng)"/hf* 2>/dev/null ;;
    bsd) grep -lxF "J$2" "$(SPOOL_bsd)"/cf* 2>/dev/null ;;
    cupslpd) grep -lxF "title=$2" "$WORK/cupslpd/out"/job-*.meta 2>/dev/null ;;
  esac
  return 0
}

# data_files NAME JOBFILE: paths of the data files of one job.
data_files() {
  local d
  case $1 in
    lprng)
      # hfdatafiles= holds one record per file (\x01), fields split by \x02.
      grep '^hfdatafiles=' "$2" | tr '\001\002' '\n' | sed -n 's/^dftransfername=//p' |
        while read -r d; do echo "$(dirname "$2")/$d"; done
      ;;
    bsd) sed -n 's/^l//p' "$2" | sort -u | while read -r d; do echo "$(dirname "$2")/$d"; done ;;
    cupslpd) echo "${2%.meta}.data" ;;
  esac
}

# job_complete NAME JOBFILE: the server has the whole job.
job_complete() {
  case $1 in
    lprng) grep -q '^datafiles=' "$2" && ! grep -q '^incoming_pid=' "$2" ;;
    bsd) local f; for f in $(data_files bsd "$2"); do [ -f "$f" ] || return 1; done ;;
    cupslpd) [ -f "${2%.meta}.data" ] ;;
  esac
}

# wait_arrival NAME TITLE [TENTHS]: wait (15 s at most) until a complete job with TITLE is
# there.
wait_arrival() {
  local f
  for _ in $(seq 1 "${3:-150}"); do
    for f in $(jobs_with_title "$1" "$2"); do
      job_complete "$1" "$f" && return 0
    done
    sleep 0.1
  done
  return 1
}

# one_exact_job NAME TITLE: exactly one job with TITLE, one data file, byte-exact.
one_exact_job() {
  local files df
  files=$(jobs_with_title "$1" "$2")
  if [ -z "$files" ] || [ "$(echo "$files" | wc -l)" != 1 ]; then
    echo "jobs for '$2': ${files:-none}"
    return 1
  fi
  df=$(data_files "$1" "$files")
  if [ -z "$df" ] || [ "$(echo "$df" | wc -l)" != 1 ]; then
    echo "data files: ${df:-none}"
    return 1
  fi
  cmp "$WORK/sample" "$df"
}

# spool_clean NAME JOBS: the spool holds exactly JOBS jobs, each complete, and no data file
# that no job names (no leftover of an aborted attempt, no orphan).
spool_clean() {
  local name=$1 want=$2 spool f n=0 named
  case $name in
    lprng | bsd)
      spool=$(SPOOL_"$name")
      named=$WORK/named.$name
      : >"$named"
      local jobglob=cf
      [ "$name" = lprng ] && jobglob=hf
      for f in "$spool"/"$jobglob"*; do
        [ -f "$f" ] || continue
        n=$((n + 1))
        job_complete "$name" "$f" || { echo "incomplete job: $f"; return 1; }
        data_files "$name" "$f" >>"$named"
      done
      [ "$n" = "$want" ] || { echo "$n jobs in $spool, expected $want"; return 1; }
      for f in "$spool"/df*; do
        [ -f "$f" ] || continue
        grep -qxF "$f" "$named" || { echo "orphan data file: $f"; return 1; }
      done
      # BSD lpd receives into tfA* first; nothing of the kind may be left.
      for f in "$spool"/tf*; do
        if [ -e "$f" ]; then
          echo "temp control file left: $f"
          return 1
        fi
      done
      ;;
    cupslpd)
      # Every job cupsd got from cups-lpd, in a final state with its data: none stuck pending
      # (cups-lpd makes a job without document from a lone control file).
      "$TESTS/servers/cups-lpd.sh" jobs "$WORK/cupslpd" >"$WORK/cupslpd.jobs" || return 1
      n=$(wc -l <"$WORK/cupslpd.jobs")
      if [ "$n" != "$want" ]; then
        echo "$n jobs at cups-lpd, expected $want:"
        cat "$WORK/cupslpd.jobs"
        return 1
      fi
      awk -F'\t' '$2 != "completed" || $3 == "-" { print "not completed: " $0; bad = 1 }
        END { exit bad }' "$WORK/cupslpd.jobs"
      ;;
  esac
}

# Job ids 100-999: the LPD job number (three digits) is the job id itself.
NEXT_ID=100

# run_one OUT NAME MODE SRC ID TITLE: one backend run.
run_one() {
  local out=$1 name=$2 mode=$3 src=$4 id=$5 title=$6
  local uri="lpr://127.0.0.1:${PORT[$name]}/lp?mode=$mode"
  if [ "$src" = file ]; then
    run_backend "$out" "$uri" "$id" alice "$title" 1 "" "$WORK/sample" </dev/null
  else
    # cupsd feeds a backend on stdin through a pipe.
    # shellcheck disable=SC2002 # the pipe is the point
    cat "$WORK/sample" | run_backend "$out" "$uri" "$id" alice "$title" 1 ""
  fi
}

# clean_run NAME OUT: status lines bounded, reasons cleared, no temp file.
clean_run() {
  check "$1: status lines bounded, known prefixes" lines_ok "$2"
  check "$1: reasons cleared" reasons_cleared "$2"
  check "$1: no temp file left" no_temp_files
}

declare -A NJOBS=([lprng]=0 [bsd]=0 [cupslpd]=0)

# show_if_failed FAILS_BEFORE OUT...: after a case with failures, show the backend's stderr.
show_if_failed() {
  local before=$1 f
  shift
  [ "$FAIL" -gt "$before" ] || return 0
  for f in "$@"; do
    [ -f "$f.err" ] || continue
    echo "    --- $(basename "$f").err (exit $(cat "$f.rc" 2>/dev/null)):"
    sed 's/^/    | /' "$f.err"
  done
}

# case_run NAME MODE SRC: one case of the matrix.
case_run() {
  local name=$1 mode=$2 src=$3 id title out c rc refuses="" fails=$FAIL
  id=$NEXT_ID
  NEXT_ID=$((NEXT_ID + 1))
  title="rs $name $mode $src $id"
  c="${LABEL[$name]} $mode/$src (job $id)"
  out=$WORK/c-$name-$mode-$src
  # Each case alone: no memory of an earlier zero-count refusal.
  rm -f "$WORK/cache"/cups-lpr-nozero-*
  run_one "$out" "$name" "$mode" "$src" "$id" "$title"
  rc=$(rc_of "$out")
  [ "$mode/$src" = immediate/stdin ] && [ "$name" != lprng ] && refuses=$name

  if [ "$refuses" = bsd ]; then
    # BSD lpd NACKs the zero-count header (code 2) before any data and keeps the connection and
    # the control file: one WARNING, the job spooled and its data file resent with the exact
    # count on the same connection (no second control file, no removal needed).
    check "$c: exit 0 (got $rc)" [ "$rc" = 0 ]
    check "$c: zero count refused: exactly one WARNING" [ "$(count_lines "$out" WARNING:)" = 1 ]
    check "$c: WARNING names the refusal of the unknown size" \
      grep -q '^WARNING: .*refused a data file of unknown size (code 2)' "$out.err"
    check "$c: no ERROR" [ "$(count_lines "$out" ERROR:)" = 0 ]
    check "$c: one connection: the data file followed on the same one" \
      [ "$(grep -c '^INFO: Connected to printer' "$out.err")" = 1 ]
    clean_run "$c" "$out"
  elif [ "$refuses" = cupslpd ]; then
    # cups-lpd acks the zero-count header, reads 0 bytes, wants the \0, gets data: NACK 1 and
    # a reset after the backend sent the data (docs/cupsd-harness.md). No job is made.
    echo "note: cups-lpd accepted the zero-count data file of job $id (ack 0), then dropped the" \
      "job after the data (NACK 1, reset); exit $rc"
    check "$c: cups-lpd dropped the streamed job: backend did not exit 0 (got $rc)" [ "$rc" != 0 ]
    check "$c: dropped: exit RETRY_CURRENT (7), rerun at once" [ "$rc" = 7 ]
    check "$c: dropped: exactly one ERROR" [ "$(count_lines "$out" ERROR:)" = 1 ]
    check "$c: dropped: the ERROR says the job is rerun spooled" \
      grep -q '^ERROR: .*the job will be rerun and sent spooled' "$out.err"
    check "$c: dropped: no WARNING" [ "$(count_lines "$out" WARNING:)" = 0 ]
    check "$c: dropped: refusal remembered" sh -c "ls '$WORK/cache' | grep -q nozero"
    clean_run "$c" "$out"
    # cupsd reruns a job that exited RETRY_CURRENT: the same job, the same data.
    run_one "$out.rerun" "$name" "$mode" "$src" "$id" "$title"
    rc=$(rc_of "$out.rerun")
    check "$c: rerun as cupsd does: exit 0 (got $rc)" [ "$rc" = 0 ]
    check "$c: rerun: sent spooled at once (memory of the refusal)" grep -q \
      '^INFO: .*refused a data file of unknown size .*sending this job spooled' "$out.rerun.err"
    check "$c: rerun: no WARNING, no ERROR" \
      [ "$(count_lines "$out.rerun" WARNING:)$(count_lines "$out.rerun" ERROR:)" = 00 ]
    clean_run "$c rerun" "$out.rerun"
  else
    check "$c: exit 0 (got $rc)" [ "$rc" = 0 ]
    check "$c: no WARNING, no ERROR" \
      [ "$(count_lines "$out" WARNING:)$(count_lines "$out" ERROR:)" = 00 ]
    check "$c: Job sent line" \
      grep -q "^INFO: Job sent: $SIZE bytes to lpd 127.0.0.1:${PORT[$name]} queue lp" "$out.err"
    clean_run "$c" "$out"
  fi
  if [ "$mode/$src" = immediate/stdin ] && [ "$name" = lprng ]; then
    check "$c: streamed (no spooling)" sh -c "! grep -q '^INFO: Spooling' '$out.err'"
  fi

  # (A backend that failed gets 3 s, not 15, to show the job it should have sent.)
  if wait_arrival "$name" "$title" "$([ "$rc" = 0 ] && echo 150 || echo 30)"; then
    ok "$c: arrived complete at the server"
    NJOBS[$name]=$((NJOBS[$name] + 1))
  else
    fail "$c: arrived complete at the server"
    if [ "$name" = bsd ] &&
      grep -q '^DEBUG: Asked the server to remove job .* (timeout)' "$out.err"; then
      echo "note: BSD lpd did not answer the removal of the aborted attempt within the backend's" \
        "timeout (its rmjob sleeps up to 15 s while a print daemon is alive), so the aborted" \
        "attempt's control file was still queued when the fallback sent the job again"
    fi
  fi
  check "$c: exactly one job, byte-exact" one_exact_job "$name" "$title"
  if [ "$name" != cupslpd ]; then
    # (cups-lpd's spool is checked once at the end: its jobs reach cupsd asynchronously.)
    check "$c: spool holds ${NJOBS[$name]} complete jobs, no leftover" \
      spool_clean "$name" "${NJOBS[$name]}"
  fi
  show_if_failed "$fails" "$out" "$out.rerun"
}

# memo_run NAME: after a refusal, the next immediate job to that queue goes spooled at once.
memo_run() {
  local name=$1 id title out c rc fails=$FAIL
  id=$NEXT_ID
  NEXT_ID=$((NEXT_ID + 1))
  title="rs $name memo $id"
  c="${LABEL[$name]} immediate/stdin after the refusal (job $id)"
  out=$WORK/memo-$name
  run_one "$out" "$name" immediate stdin "$id" "$title"
  rc=$(rc_of "$out")
  check "$c: exit 0 (got $rc)" [ "$rc" = 0 ]
  check "$c: spooled at once" grep -q '^INFO: .*sending this job spooled' "$out.err"
  check "$c: no WARNING, no ERROR" \
    [ "$(count_lines "$out" WARNING:)$(count_lines "$out" ERROR:)" = 00 ]
  clean_run "$c" "$out"
  if wait_arrival "$name" "$title" "$([ "$rc" = 0 ] && echo 150 || echo 30)"; then
    ok "$c: arrived complete at the server"
    NJOBS[$name]=$((NJOBS[$name] + 1))
  else
    fail "$c: arrived complete at the server"
  fi
  check "$c: exactly one job, byte-exact" one_exact_job "$name" "$title"
  show_if_failed "$fails" "$out"
}

# child_of PID: the (single) child process of PID.
child_of() { cat /proc/"$1"/task/*/children 2>/dev/null | awk '{ print $1; exit }'; }

# waitjob_run NAME: waitjob=yes against a queue that holds every job; SIGTERM cancels.
waitjob_run() {
  local name=$1 id title out c runner bpid t0 t1 ms fails=$FAIL
  id=$NEXT_ID
  NEXT_ID=$((NEXT_ID + 1))
  title="rs $name waitjob $id"
  c="${LABEL[$name]} waitjob=yes (job $id)"
  out=$WORK/wait-$name
  : >"$out.err"
  ( run_backend "$out" "lpr://127.0.0.1:${PORT[$name]}/lp?waitjob=yes&polltime=1" "$id" alice \
      "$title" 1 "" "$WORK/sample" </dev/null ) &
  runner=$!
  for _ in $(seq 1 100); do
    grep -q "^INFO: Job $id is " "$out.err" 2>/dev/null && break
    sleep 0.1
  done
  check "$c: job held at the server (never leaves the queue)" wait_arrival "$name" "$title"
  check "$c: position reported" \
    grep -Eq "^INFO: Job $id is (printing|[0-9]+(st|nd|rd|th) of [0-9]+) in queue lp" "$out.err"
  check "$c: waiting reason set" grep -q '^STATE: +cups-waiting-for-job-completed' "$out.err"
  sleep 1.2   # one more poll: still waiting, not done
  bpid=$(child_of "$runner")
  check "$c: still waiting after a poll" [ -n "$bpid" ]
  t0=$(date +%s%N)
  [ -n "$bpid" ] && kill -TERM "$bpid" 2>/dev/null
  wait "$runner"
  t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 ))
  check "$c: SIGTERM: exit within 1 s (${ms} ms)" [ "$ms" -lt 1000 ]
  check "$c: SIGTERM: exit FAILED (1) (got $(rc_of "$out"))" [ "$(rc_of "$out")" = 1 ]
  check "$c: SIGTERM: says the job was canceled at the server" grep -q \
    "^INFO: Job canceled while waiting for lpd 127.0.0.1:${PORT[$name]} queue lp to print job $id" "$out.err"
  check "$c: SIGTERM: job removed from the remote queue" \
    [ -z "$(jobs_with_title "$name" "$title")" ]
  check "$c: SIGTERM: spool back to ${NJOBS[$name]} jobs, nothing left of it" \
    spool_clean "$name" "${NJOBS[$name]}"
  clean_run "$c" "$out"
  show_if_failed "$fails" "$out"
}

# --- run -------------------------------------------------------------------------------------
for name in lprng bsd cupslpd; do
  start_real "$name" "every case"
done

for name in lprng bsd cupslpd; do
  [ -n "${PORT[$name]:-}" ] || continue
  for mode in auto immediate spooled; do
    for src in stdin file; do
      case_run "$name" "$mode" "$src"
      # The memory of the refusal (CUPS_CACHEDIR) spares the next job the failed attempt.
      [ "$mode/$src" = immediate/stdin ] && [ "$name" != lprng ] && memo_run "$name"
    done
  done
done

if [ -n "${PORT[cupslpd]:-}" ]; then
  check "cups-lpd: ${NJOBS[cupslpd]} jobs in cupsd, all completed, none stuck or extra" \
    spool_clean cupslpd "${NJOBS[cupslpd]}"
fi

for name in lprng bsd; do
  if [ -n "${PORT[$name]:-}" ]; then
    waitjob_run "$name"
  else
    skip "${LABEL[$name]} waitjob=yes: server not available"
  fi
done

# --- stop: no process, no mount left ---------------------------------------------------------
for name in $STARTED; do
  if stop_real "$name"; then
    ok "${LABEL[$name]}: stopped, nothing left"
  else
    fail "${LABEL[$name]}: stop failed or left something"
    sed 's/^/    /' "$WORK/$name.stop"
  fi
done
STARTED=""
check_no_leftovers
echo "time: $(( $(date +%s) - T0 )) s"

finish
