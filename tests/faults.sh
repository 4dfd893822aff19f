#!/bin/bash
# faults.sh - fault-injection matrix: refused, unreachable, DNS failure, stalls, drops, lost
# acks, NACKs at each step, ENOSPC, SIGTERM at each stage.  Each case asserts the exit code,
# the ERROR/WARNING line, no temp file left, no duplicate job, and exit < 1 s after SIGTERM.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0

set -u
. "$(dirname "$0")/lib.sh"

sample "$WORK/small" 100000
sample "$WORK/mid" 5000000

FAULT_SEQ=0                             # the servers of the cases: f1, f2, ...
# fault NAME EXPECTED_RC SERVER_OPTS... -- URI_SUFFIX [FILE|-]: one server, one job.
fault() {
  local name=$1 want=$2 srv=f$((++FAULT_SEQ))
  shift 2
  local opts=()
  while [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift
  local suffix=$1 input=${2:-file}
  start_server "$srv" "${opts[@]}" || { fail "$name: server"; return; }
  local port dir out=$WORK/$name
  eval "port=\$PORT_$srv; dir=\$DIR_$srv"
  local t0=$(date +%s%N) data=$WORK/${DATA:-small}
  if [ "$input" = file ]; then
    run_backend "$out" "lpr://127.0.0.1:$port/lp$suffix" 200 alice t 1 "" "$data" </dev/null
  else
    run_backend "$out" "lpr://127.0.0.1:$port/lp$suffix" 200 alice t 1 "" <"$data"
  fi
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  check "$name: exit $want (got $(rc_of "$out"), ${ms} ms)" [ "$(rc_of "$out")" = "$want" ]
  check "$name: exactly one ERROR line" [ "$(count_lines "$out" ERROR:)" = 1 ]
  check "$name: lines bounded" lines_ok "$out"
  check "$name: reasons cleared" reasons_cleared "$out"
  check "$name: no temp file" no_temp_files
  sleep 0.3
  if [ -z "${ACKLOST:-}" ]; then
    check "$name: no complete job at the server (nothing to duplicate)" \
      sh -c "! grep -qx complete '$dir'/job-*/status 2>/dev/null"
  else
    check "$name: all data sent, job not listed: sent once and held (it may have printed)" \
      [ "$(njobs "$dir")" = 1 ]
  fi
  stop_server "$srv"
}

T='?timeout=2'
# NACK at each step: code 1 fails the job (queue refusal stops the queue), code 2 retries.
fault nack-command 4 --nack=command:1 -- "$T"
fault nack-control 1 --nack=control:1 -- "$T"
fault nack-control-end 1 --nack=control-end:3 -- "$T"
fault nack-data 1 --nack=data:1 -- "$T"
fault nack-data-2 6 --nack=data:2 -- "$T"
fault nack-data-end 1 --nack=data-end:1 -- "$T"
fault nack-data-end-stream 7 --nack=data-end:1 -- "$T&mode=immediate" stdin
# Stalls (never answers) at each step: one ERROR within the timeout, job kept.
fault stall-accept 6 --stall=accept -- "$T"
fault stall-command 6 --stall=command -- "$T"
fault stall-control 6 --stall=control -- "$T"
fault stall-data 6 --stall=data -- "$T"
# All data sent, the last ack never comes: held unless the listing shows the job (rule 2).
ACKLOST=1 fault stall-data-end 3 --stall=data-end -- "$T"
# A server that closes at every step, or mid-data.
fault close-command 6 --close-at=command -- "$T"
fault close-control 6 --close-at=control -- "$T"
fault close-data 6 --close-at=data -- "$T"
ACKLOST=1 fault close-data-end 3 --close-at=data-end -- "$T"
fault refuse 6 --refuse -- "$T"
# A drop while data is still going out (5 MB: more than the socket buffers hold) is retried;
# one after every byte went out is a lost final ack like the ones above.
DATA=mid fault drop-mid-data 6 --drop-after=50000 -- "$T"
DATA=mid fault drop-mid-stream 7 --drop-after=50000 -- "$T&mode=immediate" stdin
ACKLOST=1 fault drop-after-all-data 3 --drop-after=50000 -- "$T"
# Garbage for an ack: not an LPD server (a wrong port?), so the queue is misconfigured.
fault garbage-ack 4 --garbage-ack -- "$T"
check "garbage-ack: said to be no LPD server, the junk counted, not quoted" \
  grep -q '^ERROR: Queue misconfigured: 127.0.0.1:[0-9]* is not an LPD server: it sent [0-9]* bytes that are not LPD; check the host and port' "$WORK/garbage-ack.err"
fault slow-acks-timeout 6 --delay-ack=4000 -- "$T"

# --- servers that are not LPD at all: an HTTP server and a TLS server on the port ----------
# not_lpd NAME REPLY_FILE: serve REPLY_FILE to one connection; the job must STOP with one plain
# ERROR line.
not_lpd() {
  local name=$1 reply=$2 port out=$WORK/$1
  port=$(free_port)
  socat TCP-LISTEN:"$port",bind=127.0.0.1,reuseaddr,fork SYSTEM:"cat '$reply'" 2>/dev/null &
  local pid=$!
  PIDS="$PIDS $pid"
  for _ in $(seq 1 100); do (echo >/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.05; done
  run_backend "$out" "lpr://127.0.0.1:$port/lp?timeout=2&snmp=no" 210 alice t 1 "" "$WORK/small" </dev/null
  check "$name: exit STOP (got $(rc_of "$out"))" [ "$(rc_of "$out")" = 4 ]
  check "$name: exactly one ERROR line" [ "$(count_lines "$out" ERROR:)" = 1 ]
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}
if command -v socat >/dev/null; then
  printf 'HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: 0\r\n\r\n' \
    >"$WORK/http-reply"
  not_lpd http-server "$WORK/http-reply"
  check "http-server: the status line quoted as text, no fake NACK code" \
    grep -qx "ERROR: Queue misconfigured: 127.0.0.1:[0-9]* is not an LPD server: it answered 'HTTP/1.1 400 Bad Request'; check the host and port in the device URI" "$WORK/http-server.err"
  printf '\025\003\003\000\002\002\050' >"$WORK/tls-alert"    # a TLS alert record
  not_lpd tls-server "$WORK/tls-alert"
  check "tls-server: binary junk counted, not quoted" \
    grep -q 'is not an LPD server: it sent 7 bytes that are not LPD' "$WORK/tls-server.err"
else
  skip "servers that are not LPD: needs socat"
fi

# Run a command in a private network namespace (loopback only); skip when not possible.
NETNS_OK=false
unshare --net --mount true 2>/dev/null && NETNS_OK=true

# --- unreachable: loopback down in a private namespace -------------------------------------
if $NETNS_OK; then
  out=$WORK/unreachable
  unshare --net bash -c ". '$top_srcdir/tests/lib.sh' >/dev/null 2>&1; trap - EXIT; rmdir \"\$WORK\"
    BACKEND='$BACKEND' WORK='$WORK'
    run_backend '$out' 'lpr://127.0.0.1:515/lp?contimeout=2' 201 alice t 1 '' '$WORK/small' </dev/null"
  check "unreachable: exit RETRY" [ "$(rc_of "$out")" = 6 ]
  check "unreachable: WARNING then one ERROR" \
    sh -c "grep -q '^WARNING: Printer .*busy or unreachable (Network is unreachable)' '$out.err' && [ \$(grep -c '^ERROR:' '$out.err') = 1 ]"
else
  skip "unreachable: needs unshare --net (root)"
fi

# --- DNS failure and a DNS that never answers, in a private namespace ----------------------
if $NETNS_OK; then
  printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$WORK/resolv.conf"
  printf '127.0.0.1 localhost\n' >"$WORK/hosts"
  in_dns_ns() {   # in_dns_ns STUB(refuse|silent) COMMAND
    unshare --net --mount bash -c "
      ip link set lo up
      mount --bind '$WORK/resolv.conf' /etc/resolv.conf
      mount --bind '$WORK/hosts' /etc/hosts
      stub=
      if [ '$1' = silent ]; then
        socat -u UDP-RECV:53,bind=127.0.0.1 /dev/null </dev/null >/dev/null 2>&1 &
        stub=\$!
      fi
      . '$top_srcdir/tests/lib.sh' >/dev/null 2>&1; trap - EXIT; rmdir \"\$WORK\"
      BACKEND='$BACKEND' WORK='$WORK'
      $2
      [ -n \"\$stub\" ] && kill \$stub
      exit 0"
  }
  out=$WORK/dns
  t0=$(date +%s%N)
  in_dns_ns refuse "run_backend '$out' 'lpr://no-such-printer.invalid/lp?contimeout=3' 202 alice t 1 '' '$WORK/small' </dev/null"
  check "DNS failure: exit RETRY after contimeout" [ "$(rc_of "$out")" = 6 ]
  check "DNS failure: WARNING names the host" grep -q '^WARNING: Unable to look up printer host no-such-printer.invalid' "$out.err"
  check "DNS failure: one ERROR" [ "$(count_lines "$out" ERROR:)" = 1 ]
  check "DNS failure: reasons cleared" reasons_cleared "$out"

  # SIGTERM while the resolver hangs: still out within 1 s.
  out=$WORK/dns-term
  in_dns_ns silent "( run_backend '$out' 'lpr://hangs.invalid/lp' 203 alice t 1 '' '$WORK/small' </dev/null ) &
      r=\$!; sleep 0.5; term_backend '^lpr://[^ ]* 203 alice' \$r; echo \$TERM_MS >'$out.ms'"
  check "SIGTERM during name resolution: exit < 1 s ($(cat "$out.ms" 2>/dev/null) ms)" \
    [ "$(cat "$out.ms" 2>/dev/null || echo 9999)" -lt 1000 ]
  check "SIGTERM during name resolution: reasons cleared" reasons_cleared "$out"
else
  skip "DNS failure: needs unshare --net --mount (root)"
fi

# --- SIGTERM while waiting to retry a refused connection ------------------------------------
dead=47
while (echo >/dev/tcp/127.0.0.1/$((40000 + dead))) 2>/dev/null; do dead=$((dead + 1)); done
out=$WORK/term-retry
( run_backend "$out" "lpr://127.0.0.1:$((40000 + dead))/lp" 204 alice t 1 "" "$WORK/small" </dev/null ) &
r=$!
for _ in $(seq 1 100); do grep -q '^WARNING' "$out.err" 2>/dev/null && break; sleep 0.05; done
term_backend '^lpr://[^ ]* 204 alice' "$r"
ms=$TERM_MS
check "SIGTERM during connect retries: exit < 1 s ($ms ms)" [ $ms -lt 1000 ]
check "SIGTERM during connect retries: exit FAILED" [ "$(rc_of "$out")" = 1 ]
check "SIGTERM during connect retries: reasons cleared" reasons_cleared "$out"

# --- SIGTERM while spooling: exit < 1 s, temp file gone, nothing sent -----------------------
start_server spool || exit 99
mkfifo "$WORK/fifo"
( head -c 2000000 "$WORK/mid"; sleep 20 ) >"$WORK/fifo" &
feeder=$!
PIDS="$PIDS $feeder"
out=$WORK/term-spool
( run_backend "$out" "lpr://127.0.0.1:$PORT_spool/lp?mode=spooled" 205 alice t 1 "" <"$WORK/fifo" ) &
r=$!
for _ in $(seq 1 100); do grep -q '^INFO: Spooling' "$out.err" 2>/dev/null && break; sleep 0.05; done
sleep 0.3
term_backend '^lpr://[^ ]* 205 alice' "$r"
ms=$TERM_MS
kill $feeder 2>/dev/null
check "SIGTERM while spooling: exit < 1 s ($ms ms)" [ $ms -lt 1000 ]
check "SIGTERM while spooling: exit FAILED" [ "$(rc_of "$out")" = 1 ]
check "SIGTERM while spooling: no temp file" no_temp_files
check "SIGTERM while spooling: nothing sent" [ "$(njobs "$DIR_spool")" = 0 ]

# --- SIGTERM mid-transfer of an exact-count job: abort subcommand reaches the server --------
start_server slow --delay-ack=0 || exit 99
mkfifo "$WORK/fifo2"
( head -c 300000 "$WORK/mid"; sleep 20 ) >"$WORK/fifo2" &
feeder=$!
PIDS="$PIDS $feeder"
out=$WORK/term-send
( run_backend "$out" "lpr://127.0.0.1:$PORT_slow/lp?mode=immediate" 206 alice t 1 "" <"$WORK/fifo2" ) &
r=$!
for _ in $(seq 1 100); do grep -q data-first-byte "$DIR_slow"/job-0001/events 2>/dev/null && break; sleep 0.05; done
term_backend '^lpr://[^ ]* 206 alice' "$r"
ms=$TERM_MS
kill $feeder 2>/dev/null
wait_jobs "$DIR_slow" 1
check "SIGTERM mid-stream: exit < 1 s ($ms ms)" [ $ms -lt 1000 ]
check "SIGTERM mid-stream: exit FAILED" [ "$(rc_of "$out")" = 1 ]
check "SIGTERM mid-stream: the server did not get a whole job" [ "$(job_status "$DIR_slow" 1)" != complete ]

# --- ENOSPC on a small tmpfs ----------------------------------------------------------------
if $NETNS_OK; then
  start_server full || exit 99
  out=$WORK/enospc
  mkdir -p "$WORK/smalltmp"
  unshare --mount bash -c "
    mount -t tmpfs -o size=3m tmpfs '$WORK/smalltmp' || exit 1
    . '$top_srcdir/tests/lib.sh' >/dev/null 2>&1; trap - EXIT; rmdir \"\$WORK\"
    BACKEND='$BACKEND' WORK='$WORK' JOB_TMPDIR='$WORK/smalltmp'
    run_backend '$out' 'lpr://127.0.0.1:$PORT_full/lp?mode=spooled' 207 alice t 1 '' <'$WORK/mid'
    ls -A '$WORK/smalltmp' >'$out.left'"
  check "ENOSPC: exit RETRY" [ "$(rc_of "$out")" = 6 ]
  check "ENOSPC: one ERROR saying how much and where" \
    sh -c "[ \$(grep -c '^ERROR:' '$out.err') = 1 ] && grep -q '^ERROR: Not enough space in $WORK/smalltmp to spool the job: it needs more than [0-9]* bytes' '$out.err'"
  check "ENOSPC: temp file removed" [ ! -s "$out.left" ]
  check "ENOSPC: nothing sent" [ "$(njobs "$DIR_full")" = 0 ]
else
  skip "ENOSPC: needs unshare --mount (root)"
fi

stop_servers
check_no_leftovers
finish
