#!/bin/bash
# integration.sh - the built backend, run as cupsd runs it, against the test LPD server.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Each case is a function case_NAME that starts its own test LPD server(s), so any case runs
# alone: `CASE=name tests/integration.sh` (several: CASE="modes nack"; `CASE=list` prints the
# names).  Without CASE every case runs, in the order below.  BIG_JOB_MB sets the big job's
# size (default 200).

set -u
. "$(dirname "$0")/lib.sh"
BIG=${BIG_JOB_MB:-200}

sample "$WORK/small" 100000

# need_big: the big sample exists (made once, only for the cases that use it).
need_big() { sample "$WORK/big" $((BIG * 1024 * 1024)); }

# case_server NAME [lpd-server options...]: the case's server; sets U (its lp queue), D (its
# record directory) and N (jobs it should have seen so far) = 0.
case_server() {
  local name=$1
  start_server "$@" || { fail "$name: test LPD server did not start"; return 1; }
  eval "U=lpr://127.0.0.1:\$PORT_$name/lp; D=\$DIR_$name"
  N=0
}

# expect_job NAME OUT SOURCE [MODE]: the backend exited 0, the next job arrived complete and
# byte-exact, lines are clean, reasons cleared, nothing left in TMPDIR.
expect_job() {
  local name=$1 out=$2 src=$3
  N=$((N + 1))
  check "$name: exit 0" [ "$(rc_of "$out")" = 0 ]
  check "$name: job complete at server" wait_jobs "$D" "$N"
  check "$name: status complete" [ "$(job_status "$D" "$N")" = complete ]
  check "$name: bytes exact" cmp -s "$src" "$(data_file "$D" "$N")"
  check "$name: status lines bounded, known prefixes" lines_ok "$out"
  check "$name: reasons cleared" reasons_cleared "$out"
  check "$name: no ERROR line" [ "$(count_lines "$out" ERROR:)" = 0 ]
  check "$name: no temp file left" no_temp_files
}


# discovery: discovery output and usage errors.
case_discovery() {
  out=$("$BACKEND" 2>/dev/null); rc=$?
  check "discovery: exit 0" [ $rc = 0 ]
  check "discovery: lpr scheme line" [ "$(echo "$out" | grep -c '^network lpr "Unknown" "LPD/LPR queue')" = 1 ]
  "$BACKEND" 1 2 3 >/dev/null 2>"$WORK/usage.err"; rc=$?
  check "usage: FAILED on wrong argument count" [ $rc = 1 ]
  check "usage: message" grep -q '^ERROR: Usage:' "$WORK/usage.err"
}

# modes: each mode x stdin/file, the control file, the job option lpr-mode.
case_modes() {
  case_server modes || return
  for mode in auto immediate spooled; do
    run_backend "$WORK/m-$mode-stdin" "$U?mode=$mode" 101 alice "Report 1" 1 "" <"$WORK/small"
    expect_job "$mode/stdin" "$WORK/m-$mode-stdin" "$WORK/small"
    run_backend "$WORK/m-$mode-file" "$U?mode=$mode" 102 alice "Report 2" 1 "" "$WORK/small" </dev/null
    expect_job "$mode/file" "$WORK/m-$mode-file" "$WORK/small"
  done
  # Immediate on stdin really streamed: zero count, control file first.
  cf=$(control_file "$D" 1)
  check "control file: H P J N l U lines" \
    sh -c "grep -q '^H.' '$cf' && grep -qx Palice '$cf' && grep -qx 'JReport 1' '$cf' &&
           grep -qx 'NReport 1' '$cf' && grep -q '^ldfA101' '$cf' && grep -q '^UdfA101' '$cf'"
  check "control file: job number from job id" [ "$(basename "$cf" | cut -c1-6)" = cfA101 ]
  check "control file: print line and unlink line" \
    sh -c "grep -q '^ldfA101' '$cf' && grep -q '^UdfA101' '$cf' && grep -qx 'JReport 1' '$cf' && grep -qx 'NReport 1' '$cf'"
  check "immediate/stdin: data file count 0 on the wire" \
    grep -q 'subcmd data 0 dfA101' "$(job_dir "$D" 3)/events"
  check "immediate/file: exact count on the wire" \
    grep -q 'subcmd data 100000 dfA102' "$(job_dir "$D" 4)/events"
  check "spooled/stdin: exact count on the wire" \
    grep -q 'subcmd data 100000 dfA101' "$(job_dir "$D" 5)/events"
  run_backend "$WORK/jobopt" "$U?mode=spooled" 103 alice t 1 "lpr-mode=immediate" <"$WORK/small"
  expect_job "job option lpr-mode=immediate" "$WORK/jobopt" "$WORK/small"
  check "job option: streamed with count 0" grep -q 'subcmd data 0 dfA103' "$(job_dir "$D" "$N")/events"
  check "job option: DEBUG says who set the mode" grep -q '^DEBUG: Mode immediate (set by job)' "$WORK/jobopt.err"
}

# ppd: cupstestppd passes; the PPD choice beats the URI, the job option beats both; the PJL filter.
case_ppd() {
  case_server ppd || return
  PPDF=$top_builddir/ppd/cupslpr.ppd
  check "PPD: cupstestppd passes" cupstestppd -q "$PPDF"
  check "PPD with PJL: cupstestppd passes" sh -c "cupstestppd -W all '$top_builddir/ppd/lprpjl.ppd' 2>&1 | grep -q PASS"
  # The PJL filter as cupsd runs it: header, the job unchanged, trailer.
  printf 'job data' | env -i FINAL_CONTENT_TYPE=application/vnd.cups-postscript \
    "$top_builddir/pjl-wrap" 7 alice "Quarterly" 3 "sides=two-sided-long-edge" >"$WORK/pjl.out" 2>"$WORK/pjl.err"
  check "PJL filter: copies, duplex, name" \
    sh -c "grep -aq '@PJL SET COPIES=3' '$WORK/pjl.out' && grep -aq 'DUPLEX=ON' '$WORK/pjl.out' && grep -aq 'JOB NAME=.Quarterly.' '$WORK/pjl.out'"
  printf '\033%%-12345X@PJL\r\n@PJL JOB NAME="Quarterly"\r\n@PJL SET COPIES=3\r\n@PJL SET DUPLEX=ON\r\n@PJL SET BINDING=LONGEDGE\r\n@PJL ENTER LANGUAGE=POSTSCRIPT\r\njob data\033%%-12345X@PJL EOJ NAME="Quarterly"\r\n\033%%-12345X' >"$WORK/pjl.expected"
  check "PJL filter: exactly header, the data unchanged, trailer" cmp -s "$WORK/pjl.expected" "$WORK/pjl.out"
  BACKEND_ENV="PPD=$PPDF" run_backend "$WORK/ppd" "$U?mode=immediate" 112 alice t 1 "LprMode=Spooled" <"$WORK/small"
  expect_job "PPD choice" "$WORK/ppd" "$WORK/small"
  check "PPD: mode set by the PPD choice" grep -q '^DEBUG: Mode spooled (set by PPD)' "$WORK/ppd.err"
  check "PPD: exact count on the wire" grep -q 'subcmd data 100000 dfA112' "$(job_dir "$D" "$N")/events"
  BACKEND_ENV="PPD=$PPDF" run_backend "$WORK/ppd2" "$U" 113 alice t 1 "LprMode=Spooled lpr-mode=immediate" <"$WORK/small"
  expect_job "job option over PPD" "$WORK/ppd2" "$WORK/small"
  check "PPD: job option lpr-mode wins" grep -q '^DEBUG: Mode immediate (set by job)' "$WORK/ppd2.err"
}

# empty: empty jobs: nothing sent (a zero count would mean "until close").
case_empty() {
  case_server empty || return
  : >"$WORK/empty"
  for mode in auto immediate spooled; do
    run_backend "$WORK/e-$mode" "$U?mode=$mode" 104 alice t 1 "" <"$WORK/empty"
    check "empty/$mode stdin: exit 0" [ "$(rc_of "$WORK/e-$mode")" = 0 ]
    check "empty/$mode stdin: says so" grep -q '^INFO: The job is empty' "$WORK/e-$mode.err"
  done
  run_backend "$WORK/e-file" "$U" 104 alice t 1 "" "$WORK/empty" </dev/null
  check "empty file: exit 0" [ "$(rc_of "$WORK/e-file")" = 0 ]
  sleep 0.2
  check "empty jobs: nothing reached the server" [ "$(njobs "$D")" = "$N" ]
}

# copies: copies (only for a file, as in CUPS).
case_copies() {
  case_server copies || return
  run_backend "$WORK/cp-manual" "$U" 105 alice t 3 "" "$WORK/small" </dev/null
  N=$((N + 1)); wait_jobs "$D" "$N"
  check "copies=3 manual: data sent three times" \
    [ "$(stat -c %s "$(data_file "$D" "$N")")" = 300000 ]
  check "copies=3 manual: one print line" [ "$(grep -c '^ldfA' "$(control_file "$D" "$N")")" = 1 ]
  check "copies=3: PAGE line" grep -qx 'PAGE: 1 3' "$WORK/cp-manual.err"
  run_backend "$WORK/cp-lines" "$U?manual_copies=off" 106 alice t 3 "" "$WORK/small" </dev/null
  N=$((N + 1)); wait_jobs "$D" "$N"
  check "copies=3 lines: three print lines" [ "$(grep -c '^ldfA' "$(control_file "$D" "$N")")" = 3 ]
  check "copies=3 lines: data once" cmp -s "$WORK/small" "$(data_file "$D" "$N")"
  run_backend "$WORK/cp-stdin" "$U" 107 alice t 3 "" <"$WORK/small"
  N=$((N + 1)); wait_jobs "$D" "$N"
  check "copies=3 on stdin: the filters made them, one print line" \
    [ "$(grep -c '^ldfA' "$(control_file "$D" "$N")")" = 1 ]
  run_backend "$WORK/cp-1500" "$U?manual_copies=no" 108 alice t 1500 "" "$WORK/small" </dev/null
  N=$((N + 1)); wait_jobs "$D" "$N"
  check "copies=1500: control file complete" \
    sh -c "[ \$(grep -c '^ldfA108' '$(control_file "$D" "$N")') = 1500 ] && tail -1 '$(control_file "$D" "$N")' | grep -q '^N'"
}

# hostile: a hostile title and user cannot inject control-file lines.
case_hostile() {
  case_server hostile || return
  evil_title=$(printf 'a\r\nLroot\nUdfA000evil\001\xff%s' "$(head -c 10000 /dev/zero | tr '\0' 'T')")
  evil_user=$(printf 'eve\nPmallory\tx')
  run_backend "$WORK/evil" "$U?sanitize_title=no" 109 "$evil_user" "$evil_title" 1 \
    "job-originating-host-name=evil$(printf '\n')Hhost" <"$WORK/small"
  expect_job "hostile title/user" "$WORK/evil" "$WORK/small"
  cf=$(control_file "$D" "$N")
  check "hostile: every control line starts with a known letter" \
    sh -c "! grep -qv '^[HPJNCLTUl]' '$cf'"
  check "hostile: one P line, one U line, one H line" \
    sh -c "[ \$(grep -c '^P' '$cf') = 1 ] && [ \$(grep -c '^U' '$cf') = 1 ] && [ \$(grep -c '^H' '$cf') = 1 ]"
  check "hostile: J line cut to 99 bytes" [ "$(grep '^J' "$cf" | head -1 | wc -c)" -le 101 ]
  check "hostile: P line cut to 31 bytes" [ "$(grep '^P' "$cf" | wc -c)" -le 33 ]
  check "hostile: no CR in the control file" sh -c "! grep -q \$'\r' '$cf'"
}

# big: a big job on stdin in every mode.
case_big() {
  need_big
  case_server big || return
  for mode in auto immediate spooled; do
    run_backend "$WORK/big-$mode" "$U?mode=$mode" 110 alice big 1 "" <"$WORK/big"
    expect_job "${BIG} MB stdin/$mode" "$WORK/big-$mode" "$WORK/big"
    rm -f "$(data_file "$D" "$N")"
    check "${BIG} MB stdin/$mode: progress lines with sent and total" \
      grep -q '^INFO: Sent .* (100%)$' "$WORK/big-$mode.err"
  done
}

# zerocopy: files go out by sendfile(2), pread/send or mmap(2) windows, each byte-exact.
case_zerocopy() {
  need_big
  case_server zerocopy || return
  # Files (argv[6], the spool file) to a network peer go out with sendfile(2); on loopback the
  # backend sends them with pread/send, so force the network path here and check it is the one
  # taken.  Then the loopback path, the mmap(2) windows that CUPS_LPR_MMAP_LOOPBACK asks for,
  # and CUPS_LPR_NO_ZEROCOPY (pread/send even to a network peer).
  for mode in spooled auto; do
    BACKEND_ENV="CUPS_LPR_SENDFILE_LOOPBACK=1" \
      run_backend "$WORK/sf-$mode" "$U?mode=$mode" 112 alice big 1 "" "$WORK/big" </dev/null
    expect_job "${BIG} MB file/$mode by sendfile" "$WORK/sf-$mode" "$WORK/big"
    rm -f "$(data_file "$D" "$N")"
  done
  BACKEND_ENV="CUPS_LPR_SENDFILE_LOOPBACK=1" \
    run_backend "$WORK/sf-stdin" "$U?mode=spooled" 113 alice big 1 "" <"$WORK/big"
  expect_job "${BIG} MB stdin/spooled, spool file by sendfile" "$WORK/sf-stdin" "$WORK/big"
  rm -f "$(data_file "$D" "$N")"
  if command -v strace >/dev/null; then
    env -i PATH=/usr/bin:/bin DEVICE_URI="$U?mode=spooled&snmp=no" TMPDIR="$WORK/tmp" \
      CUPS_LPR_SENDFILE_LOOPBACK=1 ASAN_OPTIONS=detect_leaks=0 \
      strace -f -qq -c -e trace=sendfile,pread64 -o "$WORK/sf.strace" \
      "$BACKEND" 114 alice t 1 "" "$WORK/small" </dev/null 2>"$WORK/sf.err"
    N=$((N + 1)); wait_jobs "$D" "$N"
    check "network path: the file went out with sendfile(2)" grep -qw sendfile "$WORK/sf.strace"
    check "network path: bytes exact" cmp -s "$WORK/small" "$(data_file "$D" "$N")"
    # strace_file NAME [ENV=VALUE...]: a spooled 200 MB file job on loopback, its syscalls counted.
    strace_file() {
      local name=$1; shift
      env -i PATH=/usr/bin:/bin DEVICE_URI="$U?mode=spooled&snmp=no" TMPDIR="$WORK/tmp" "$@" \
        ASAN_OPTIONS=detect_leaks=0 strace -f -qq -C -e trace=sendfile,pread64,mmap \
        -o "$WORK/$name.strace" "$BACKEND" 115 alice t 1 "" "$WORK/big" </dev/null 2>"$WORK/$name.err"
      N=$((N + 1)); wait_jobs "$D" "$N"
    }
    # calls NAME SYSCALL: how many times the job made it (ld.so's own pread64 calls are a few
    # dozen); windows NAME: its 1 MiB read-only shared mappings (the mmap windows).
    calls() { awk -v s="$2" '$NF == s { n = $4 } END { print n + 0 }' "$WORK/$1.strace"; }
    windows() { grep -c '1048576, PROT_READ, MAP_SHARED' "$WORK/$1.strace" || true; }
    strace_file lo
    check "loopback path: ${BIG} MB file bytes exact" cmp -s "$WORK/big" "$(data_file "$D" "$N")"
    rm -f "$(data_file "$D" "$N")"
    check "loopback path: pread(2) per 256 KiB, no sendfile(2), no mmap(2) windows" \
      sh -c "[ $(calls lo pread64) -ge $((BIG * 4)) ] && ! grep -qw sendfile '$WORK/lo.strace' &&
             [ $(windows lo) = 0 ]"
    strace_file mm CUPS_LPR_MMAP_LOOPBACK=1
    check "mmap windows: ${BIG} MB file bytes exact" cmp -s "$WORK/big" "$(data_file "$D" "$N")"
    rm -f "$(data_file "$D" "$N")"
    check "mmap windows: no sendfile(2), no pread(2) of the data" \
      sh -c "! grep -qw sendfile '$WORK/mm.strace' && [ $(calls mm pread64) -lt 100 ]"
    check "mmap windows: a 1 MiB window per MiB" test "$(windows mm)" -ge "$BIG"
    strace_file nz CUPS_LPR_NO_ZEROCOPY=1
    check "no zerocopy: ${BIG} MB file bytes exact" cmp -s "$WORK/big" "$(data_file "$D" "$N")"
    rm -f "$(data_file "$D" "$N")"
    check "no zerocopy: pread(2) per 256 KiB, no sendfile(2)" \
      sh -c "[ $(calls nz pread64) -ge $((BIG * 4)) ] && ! grep -qw sendfile '$WORK/nz.strace'"
  fi
}

# first-byte: immediate mode: the server sees the first byte while the input is still being produced.
case_first_byte() {
  need_big
  case_server first || return
  {
    head -c 1000000 "$WORK/big"
    sleep 1.5
    date +%s.%N >"$WORK/input-end"
    tail -c +1000001 "$WORK/small"
  } | run_backend "$WORK/first" "$U?mode=immediate" 111 alice t 1 ""
  N=$((N + 1)); wait_jobs "$D" "$N"
  first=$(awk '$2 == "data-first-byte" && $3 ~ /^dfA/ {print $1; exit}' "$(job_dir "$D" "$N")/events")
  check "immediate: first byte at server before the input ended" \
    awk -v a="$first" -v b="$(cat "$WORK/input-end")" 'BEGIN { exit !(a != "" && a + 1.0 < b) }'
}

# refuse-zero: zero-count refusal: fallback, nothing lost, remembered.
case_refuse_zero() {
  start_server refz --refuse-zero || exit 99
  UZ="lpr://127.0.0.1:$PORT_refz/lp?mode=immediate"
  { head -c 50000 "$WORK/small"; sleep 0.3; tail -c +50001 "$WORK/small"; } |
    run_backend "$WORK/refz1" "$UZ" 120 alice t 1 ""
  check "refuse-zero: exit 0" [ "$(rc_of "$WORK/refz1")" = 0 ]
  check "refuse-zero: exactly one WARNING" [ "$(count_lines "$WORK/refz1" WARNING:)" = 1 ]
  check "refuse-zero: no ERROR" [ "$(count_lines "$WORK/refz1" ERROR:)" = 0 ]
  wait_jobs "$DIR_refz" 1
  check "refuse-zero: delivered on the same connection (BSD lpd's in-band path)" \
    [ "$(njobs "$DIR_refz")" = 1 ]
  check "refuse-zero: job complete" [ "$(job_status "$DIR_refz" 1)" = complete ]
  check "refuse-zero: data file resent with its exact count" \
    grep -q 'subcmd data 100000 dfA120' "$(job_dir "$DIR_refz" 1)/events"
  check "refuse-zero: job delivered byte-exact" cmp -s "$WORK/small" "$(data_file "$DIR_refz" 1)"
  check "refuse-zero: refusal remembered" sh -c "ls '$WORK/cache' | grep -q nozero"
  run_backend "$WORK/refz2" "$UZ" 121 alice t 1 "" <"$WORK/small"
  wait_jobs "$DIR_refz" 2
  check "refuse-zero: next job spooled at once, no WARNING" \
    sh -c "[ \$(grep -c '^WARNING:' '$WORK/refz2.err') = 0 ] && grep -q 'sending this job spooled' '$WORK/refz2.err'"
  check "refuse-zero: next job needs one connection" [ "$(njobs "$DIR_refz")" = 2 ]
  check "refuse-zero: next job byte-exact" cmp -s "$WORK/small" "$(data_file "$DIR_refz" 2)"
  stop_server refz
}

# nack: server refusals: one ERROR naming host, queue, step, code and text.
case_nack() {
  { printf 'insufficient file space'; head -c 10000 /dev/zero | tr '\0' x;
    printf '\nSTATE: +media-jam-warning\n'; } >"$WORK/nacktext"
  start_server nack --nack=data:2 --nack-text="$WORK/nacktext" || exit 99
  run_backend "$WORK/nack" "lpr://127.0.0.1:$PORT_nack/lp" 130 alice t 1 "" "$WORK/small" </dev/null
  check "NACK 2: exit RETRY" [ "$(rc_of "$WORK/nack")" = 6 ]
  check "NACK 2: one ERROR line" [ "$(count_lines "$WORK/nack" ERROR:)" = 1 ]
  check "NACK 2: names host, queue, step, code and text" \
    grep -q "^ERROR: lpd 127.0.0.1:$PORT_nack queue lp refused the data file (code 2: \"insufficient file space" "$WORK/nack.err"
  check "NACK 2: hostile text sets no state reason" sh -c "! grep -q '^STATE: +media-jam' '$WORK/nack.err'"
  check "NACK 2: lines bounded" lines_ok "$WORK/nack"
  MAX_MESSAGE=256 run_backend "$WORK/nack256" "lpr://127.0.0.1:$PORT_nack/lp" 131 alice t 1 "" "$WORK/small" </dev/null
  check "NACK 2 with CUPS_MAX_MESSAGE=256: lines bounded" env MAX_MESSAGE=256 bash -c ". '$top_srcdir/tests/lib.sh' >/dev/null; lines_ok '$WORK/nack256'"
  stop_server nack
  start_server nackq --nack=command:1 || exit 99
  run_backend "$WORK/nackq" "lpr://127.0.0.1:$PORT_nackq/nosuch" 132 alice t 1 "" "$WORK/small" </dev/null
  check "NACK on the queue: exit STOP" [ "$(rc_of "$WORK/nackq")" = 4 ]
  check "NACK on the queue: ERROR says check the queue" grep -q '^ERROR: .*refused the receive-job command.*check the queue name' "$WORK/nackq.err"
  stop_server nackq
}

# connect-fail: connection refused: retried, then RETRY; in a class FAILED at once.
case_connect_fail() {
  dead=$(free_port)
  while (echo >/dev/tcp/127.0.0.1/$dead) 2>/dev/null; do dead=$((dead + 1)); done
  run_backend "$WORK/unreach" "lpr://127.0.0.1:$dead/lp?contimeout=2" 140 alice t 1 "" "$WORK/small" </dev/null
  check "refused port: exit RETRY (job kept)" [ "$(rc_of "$WORK/unreach")" = 6 ]
  check "refused port: WARNING busy or unreachable" grep -q '^WARNING: Printer .* busy or unreachable' "$WORK/unreach.err"
  check "refused port: one ERROR" [ "$(count_lines "$WORK/unreach" ERROR:)" = 1 ]
  check "refused port: reasons cleared" reasons_cleared "$WORK/unreach"
  BACKEND_ENV="CLASS=myclass" run_backend "$WORK/class" "lpr://127.0.0.1:$dead/lp" 141 alice t 1 "" "$WORK/small" </dev/null
  check "refused port in a class: FAILED at once" [ "$(rc_of "$WORK/class")" = 1 ]
}

# misconfig: misconfiguration: unknown option or value, empty queue name, missing file.
case_misconfig() {
  case_server misconfig || return
  run_backend "$WORK/badopt" "$U?colour=yes" 150 alice t 1 "" "$WORK/small" </dev/null
  check "unknown URI option: exit STOP" [ "$(rc_of "$WORK/badopt")" = 4 ]
  check "unknown URI option: ERROR names it" grep -q '^ERROR: .*unknown option "colour"' "$WORK/badopt.err"
  run_backend "$WORK/badval" "$U?mode=fast" 151 alice t 1 "" "$WORK/small" </dev/null
  check "bad URI value: exit STOP" [ "$(rc_of "$WORK/badval")" = 4 ]
  run_backend "$WORK/badjob" "$U" 152 alice t 1 "lpr-mode=fast" "$WORK/small" </dev/null
  check "bad job option: exit HOLD" [ "$(rc_of "$WORK/badjob")" = 3 ]
  run_backend "$WORK/noq" "lpr://127.0.0.1:$PORT_misconfig/" 153 alice t 1 "" "$WORK/small" </dev/null
  check "empty queue name: exit STOP" [ "$(rc_of "$WORK/noq")" = 4 ]
  run_backend "$WORK/nofile" "$U" 154 alice t 1 "" "$WORK/does-not-exist" </dev/null
  check "missing print file: exit FAILED" [ "$(rc_of "$WORK/nofile")" = 1 ]
}

# sigterm-stream: SIGTERM while streaming: prompt exit, job aborted at the server.
case_sigterm_stream() {
  need_big
  case_server term || return
  before=$(njobs "$D")
  mkfifo "$WORK/fifo"
  ( head -c 300000 "$WORK/big"; sleep 30 ) >"$WORK/fifo" &
  feeder=$!
  PIDS="$PIDS $feeder"
  ( run_backend "$WORK/term" "$U?mode=immediate" 160 alice t 1 "" <"$WORK/fifo" ) &
  runner=$!
  for _ in $(seq 1 100); do
    [ "$(njobs "$D")" -gt "$before" ] && grep -q data-first-byte "$(job_dir "$D" $((before + 1)))/events" 2>/dev/null && break
    sleep 0.05
  done
  term_backend '^lpr://[^ ]* 160 alice' "$runner"
  kill "$feeder" 2>/dev/null
  N=$((N + 1)); wait_jobs "$D" "$N"
  check "SIGTERM while streaming: exit within 1 s ($TERM_MS ms)" [ "$TERM_MS" -lt 1000 ]
  check "SIGTERM while streaming: job not complete at server" [ "$(job_status "$D" "$N")" != complete ]
  check "SIGTERM: reasons cleared" reasons_cleared "$WORK/term"
}

# lost-ack: lost final ack, job listed: counted as sent, never resent.
case_lost_ack() {
  start_server noack --no-final-ack --hold-polls=5 || exit 99
  run_backend "$WORK/noack" "lpr://127.0.0.1:$PORT_noack/lp?timeout=2" 170 alice t 1 "" "$WORK/small" </dev/null
  check "lost final ack, job listed: exit 0" [ "$(rc_of "$WORK/noack")" = 0 ]
  check "lost final ack, job listed: one WARNING" [ "$(count_lines "$WORK/noack" WARNING:)" = 1 ]
  check "lost final ack: sent once" [ "$(njobs "$DIR_noack")" = 1 ]
  stop_server noack
}

# waitjob: waitjob: position reported until the job has left the queue.
case_waitjob() {
  start_server wait --hold-polls=3 || exit 99
  run_backend "$WORK/wait" "lpr://127.0.0.1:$PORT_wait/lp?waitjob=yes&polltime=1" 180 alice t 1 "" "$WORK/small" </dev/null
  check "waitjob: exit 0" [ "$(rc_of "$WORK/wait")" = 0 ]
  check "waitjob: position reported" grep -q '^INFO: Job 180 is printing in queue lp\|^INFO: Job 180 is 1st of 1' "$WORK/wait.err"
  check "waitjob: left the queue" grep -q '^INFO: Job 180 has left queue lp' "$WORK/wait.err"
  check "waitjob: waiting reason set and cleared" \
    sh -c "grep -q 'STATE: +cups-waiting-for-job-completed' '$WORK/wait.err'" 
  check "waitjob: reasons cleared" reasons_cleared "$WORK/wait"
  stop_server wait
}

# side-channel: a filter's side-channel requests are answered during a slow transfer.
case_side_channel() {
  need_big
  case_server sc || return
  mkfifo "$WORK/fifo-sc"
  { head -c 200000 "$WORK/big"; sleep 2; head -c 1000 "$WORK/small"; } >"$WORK/fifo-sc" &
  { head -c 200000 "$WORK/big"; head -c 1000 "$WORK/small"; } >"$WORK/sc-expected"
  t0=$(date +%s%N)
  env -i PATH=/usr/bin:/bin DEVICE_URI="$U?mode=immediate&snmp=no" TMPDIR="$WORK/tmp" \
    "$top_builddir/tests/sc-client" 500 -- "$BACKEND" "$U?mode=immediate&snmp=no" 192 alice t 1 "" \
    <"$WORK/fifo-sc" >"$WORK/sc.out" 2>"$WORK/sc.err"
  elapsed=$(( ($(date +%s%N) - t0) / 1000000 ))
  N=$((N + 1)); wait_jobs "$D" "$N"
  sc() { awk -v n="$1" '$1 == n { print $2, $4 }' "$WORK/sc.out"; }
  check "side channel: GET_BIDI ok, not bidirectional" [ "$(sc GET_BIDI)" = "1 00" ]
  check "side channel: GET_DEVICE_ID ok, empty" [ "$(sc GET_DEVICE_ID)" = "1 -" ]
  check "side channel: GET_STATE ok, online" [ "$(sc GET_STATE)" = "1 01" ]
  check "side channel: GET_CONNECTED ok, connected" [ "$(sc GET_CONNECTED)" = "1 01" ]
  check "side channel: SOFT_RESET not implemented" [ "$(sc SOFT_RESET)" = "7 -" ]
  check "side channel: DRAIN_OUTPUT ok" [ "$(sc DRAIN_OUTPUT)" = "1 -" ]
  check "side channel: SNMP_GET not implemented with snmp=no" [ "$(sc SNMP_GET)" = "7 -" ]
  check "side channel: every answer within 1 s" awk 'NF == 5 && $5 >= 1000 { bad = 1 } END { exit bad }' "$WORK/sc.out"
  check "side channel: job ok" grep -qx 'exit 0' "$WORK/sc.out"
  check "side channel: transfer not delayed (${elapsed} ms for a 2 s input)" [ "$elapsed" -lt 4000 ]
  check "side channel: bytes exact" cmp -s "$WORK/sc-expected" "$(data_file "$D" "$N")"
}

# status-writes: every status line is one write(2) (strace counts them).
case_status_writes() {
  need_big
  case_server st || return
  if command -v strace >/dev/null; then
    mkfifo "$WORK/fifo-st"
    { head -c 3000000 "$WORK/big"; sleep 2.2; head -c 1000 "$WORK/small"; } >"$WORK/fifo-st" &
    run_strace() {
      local out=$1 uri=$2
      shift 2
      env -i PATH=/usr/bin:/bin DEVICE_URI="$uri" TMPDIR="$WORK/tmp" CUPS_CACHEDIR="$WORK/cache" \
        ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=write -e signal=none -s 65536 -o "$out.strace" \
        bash -c 'exec -a "$0" "$@"' "$uri" "$BACKEND" "$@" 2>"$out.err" >"$out.out"
      echo $? >"$out.rc"
    }
    run_strace "$WORK/st" "$U?mode=immediate" 190 alice "$(printf 'x\ny')" 1 "" <"$WORK/fifo-st"
    N=$((N + 1)); wait_jobs "$D" "$N"
    check "strace: job ok" [ "$(rc_of "$WORK/st")" = 0 ]
    check "strace: every write to stderr is exactly one whole line" \
      awk '/ write\(2, / { n++; if ($0 !~ /write\(2, "[^"]*\\n", [0-9]+\) = [0-9]+$/ || gsub(/\\n/, "&") != 1) { print; bad = 1 } }
           END { exit bad || n < 5 }' "$WORK/st.strace"
    check "strace: lines in the log match the writes" \
      [ "$(grep -c ' write(2, ' "$WORK/st.strace")" = "$(wc -l <"$WORK/st.err")" ]
  fi
}

# listing-cap: a listing that grows past the cap cannot prove a job absent: held, not resent.
case_listing_cap() {
  { echo "lp is ready and printing"
    echo "Rank   Owner   Job  Files                                 Total Size"
    for i in $(seq 1 3000); do
      printf '%-6s %-7s %-4s %-37s %s bytes\n' "${i}th" bob $((500 + i % 400)) "file$i" 1000
    done; } >"$WORK/huge-listing"
  start_server huge --no-final-ack --queue-file="$WORK/huge-listing" || exit 99
  run_backend "$WORK/huge" "lpr://127.0.0.1:$PORT_huge/lp?timeout=2" 171 alice t 1 "" "$WORK/small" </dev/null
  check "listing past the cap: job held (exit HOLD)" [ "$(rc_of "$WORK/huge")" = 3 ]
  check "listing past the cap: one ERROR explaining the hold" \
    sh -c "[ \$(grep -c '^ERROR:' '$WORK/huge.err') = 1 ] && grep -q 'held rather than printed twice' '$WORK/huge.err'"
  check "listing past the cap: sent once" [ "$(njobs "$DIR_huge")" = 1 ]
  stop_server huge
}

# lost-ack-gone: lost final ack and the job is not in the queue: held (it may have printed).
case_lost_ack_gone() {
  start_server gone --no-final-ack || exit 99
  run_backend "$WORK/gone" "lpr://127.0.0.1:$PORT_gone/lp?timeout=2" 172 alice t 1 "" "$WORK/small" </dev/null
  check "lost final ack, job not listed: exit HOLD" [ "$(rc_of "$WORK/gone")" = 3 ]
  check "lost final ack, job not listed: one ERROR saying it may have printed" \
    sh -c "[ \$(grep -c '^ERROR:' '$WORK/gone.err') = 1 ] && grep -q 'may have printed' '$WORK/gone.err'"
  check "lost final ack, job not listed: sent once" [ "$(njobs "$DIR_gone")" = 1 ]
  stop_server gone
}

# waitjob-cancel: cancel during waitjob removes the job from the remote queue.
case_waitjob_cancel() {
  start_server wcancel --hold-polls=1000 || exit 99
  ( run_backend "$WORK/wcancel" "lpr://127.0.0.1:$PORT_wcancel/lp?waitjob=yes&polltime=1" 181 alice t 1 "" "$WORK/small" </dev/null ) &
  runner=$!
  for _ in $(seq 1 100); do
    grep -q '^INFO: Job 181 is' "$WORK/wcancel.err" 2>/dev/null && break
    sleep 0.05
  done
  term_backend '^lpr://[^ ]* 181 alice' "$runner"
  check "waitjob cancel: exit within 1 s ($TERM_MS ms)" [ "$TERM_MS" -lt 1000 ]
  check "waitjob cancel: removal sent to the server" grep -q ' remove job-0001 181 alice' "$DIR_wcancel/events"
  check "waitjob cancel: job gone from the listing" \
    sh -c "printf '\\003lp\\n' | socat -t 2 - TCP:127.0.0.1:$PORT_wcancel | grep -q 'no entries'"
  check "waitjob cancel: reasons cleared" reasons_cleared "$WORK/wcancel"
  stop_server wcancel
}

CASES="discovery modes ppd empty copies hostile big zerocopy first-byte refuse-zero nack
  connect-fail misconfig sigterm-stream lost-ack waitjob side-channel status-writes listing-cap
  lost-ack-gone waitjob-cancel"

# run_case NAME: one case, then stop whatever servers it left running.
run_case() {
  echo "# case $1"
  "case_${1//-/_}"
  stop_servers
}

if [ "${CASE:-}" = list ]; then
  echo $CASES
  exit 0
fi
for c in ${CASE:-$CASES}; do
  if [[ " $(echo $CASES) " != *" $c "* ]]; then
    echo "integration.sh: no case '$c'; cases: $(echo $CASES)" >&2
    exit 99
  fi
done
for c in ${CASE:-$CASES}; do run_case "$c"; done
check_no_leftovers
finish
