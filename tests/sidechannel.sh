#!/bin/bash
# sidechannel.sh - a filter's side-channel requests are answered within 100 ms at every moment
# of a job: while the name lookup hangs, while a connect attempt hangs (dropped SYNs), during
# the retry back-off, while spooling a slow stdin, while streaming, and while waitjob polls.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# tests/sc-client plays the filter: it starts the backend with a side channel on fd 4, waits
# 1.5 s (the job is then in the phase under test), sends GET_BIDI, GET_DEVICE_ID, GET_STATE,
# GET_CONNECTED, SOFT_RESET and DRAIN_OUTPUT, and prints each answer's status and time.

set -u
. "$(dirname "$0")/lib.sh"

LIMIT_MS=${SC_LIMIT_MS:-100}
SC_CLIENT=$top_builddir/tests/sc-client
sample "$WORK/small" 100000

# sc_answers OUT: check that GET_BIDI, GET_STATE and GET_CONNECTED were answered OK in time.
sc_answers() {
  local name=$1 out=$2 cmd line
  for cmd in GET_BIDI GET_STATE GET_CONNECTED; do
    line=$(awk -v c="$cmd" '$1 == c' "$out")
    check "$name: $cmd answered OK within $LIMIT_MS ms (${line:-no answer})" \
      awk -v c="$cmd" -v max="$LIMIT_MS" '$1 == c && $2 == 1 && $5 < max { ok = 1 }
        END { exit !ok }' "$out"
  done
}

# sc_run OUT JOBID URI [FILE]: the backend under sc-client, as cupsd runs it (its TempDir,
# CacheDir and cups-files.conf from cupsd_dirs: run as root, it gives root up to lp); stdin
# inherited.
sc_run() {
  local out=$1 id=$2 uri=$3
  shift 3
  env -i PATH=/usr/bin:/bin DEVICE_URI="$uri" TMPDIR="$WORK/tmp" CUPS_CACHEDIR="$WORK/cache" \
    CUPS_SERVERROOT="$WORK/serverroot" ${SAN_ENV:-} \
    "$SC_CLIENT" 1500 -- "$BACKEND" "$uri" "$id" alice t 1 "" "$@" >"$out" 2>"$out.err"
}
cupsd_dirs

# sc_then_term OUT RUNNER: once the answers are in, SIGTERM the backend that RUNNER (the
# background sc_run) started, by PID: RUNNER's child is sc-client, whose child is the backend.
sc_then_term() {
  local out=$1 runner=$2 client
  for _ in $(seq 1 200); do
    grep -q '^DRAIN_OUTPUT\|^SNMP_GET' "$out" 2>/dev/null && break
    sleep 0.05
  done
  for client in $(pgrep -P "$runner"); do
    pkill -TERM -P "$client" || true
  done
}

NETNS_OK=false
unshare --net --mount true 2>/dev/null && NETNS_OK=true

# (a) The name lookup never answers (a silent DNS server in a private namespace).
if $NETNS_OK && command -v socat >/dev/null; then
  printf 'nameserver 127.0.0.1\noptions timeout:30 attempts:1\n' >"$WORK/resolv.conf"
  printf '127.0.0.1 localhost\n' >"$WORK/hosts"
  out=$WORK/dns
  unshare --net --mount bash -c "
    ip link set lo up
    mount --bind '$WORK/resolv.conf' /etc/resolv.conf
    mount --bind '$WORK/hosts' /etc/hosts
    socat -u UDP-RECV:53,bind=127.0.0.1 /dev/null </dev/null >/dev/null 2>&1 &
    stub=\$!
    $(declare -f sc_run sc_then_term)
    WORK='$WORK' BACKEND='$BACKEND' SC_CLIENT='$SC_CLIENT' SAN_ENV='${SAN_ENV:-}'
    sc_run '$out' 301 'lpr://hangs.invalid/lp' '$WORK/small' </dev/null &
    run=\$!
    sc_then_term '$out' \$run
    wait \$run
    kill \$stub"
  sc_answers "name lookup hangs" "$out"
  # SNMP is on, but its helper waits for the printer's address: GET_DEVICE_ID gets what is
  # known (nothing) after about a second instead of waiting for the lookup.
  line=$(awk '$1 == "GET_DEVICE_ID"' "$out")
  check "name lookup hangs: GET_DEVICE_ID answered, empty, within 3 s (${line:-no answer})" \
    awk '$1 == "GET_DEVICE_ID" && $2 == 1 && $5 < 3000 { ok = 1 } END { exit !ok }' "$out"
  check "name lookup hangs: the backend was still resolving" \
    sh -c "! grep -q 'Connecting to printer' '$out.err'"
else
  skip "name lookup hangs: needs unshare --net --mount (root) and socat"
fi

# (b) A connect attempt hangs: SYNs to the port dropped by nftables in a private namespace.
if $NETNS_OK && command -v nft >/dev/null &&
   unshare --net sh -c 'nft add table inet t' 2>/dev/null; then
  out=$WORK/syn
  unshare --net --mount bash -c "
    ip link set lo up
    nft add table inet t
    nft add chain inet t in '{ type filter hook input priority 0; }'
    nft add rule inet t in tcp dport 9 drop
    $(declare -f sc_run sc_then_term)
    WORK='$WORK' BACKEND='$BACKEND' SC_CLIENT='$SC_CLIENT' SAN_ENV='${SAN_ENV:-}'
    sc_run '$out' 302 'lpr://127.0.0.1:9/lp?snmp=no' '$WORK/small' </dev/null &
    run=\$!
    sc_then_term '$out' \$run
    wait \$run"
  sc_answers "connect hangs" "$out"
  check "connect hangs: still the first attempt (no retry WARNING yet)" \
    sh -c "grep -q 'Connecting to printer' '$out.err' && ! grep -q '^WARNING' '$out.err'"
  check "connect hangs: GET_CONNECTED says not connected" \
    awk '$1 == "GET_CONNECTED" && $4 == "00" { ok = 1 } END { exit !ok }' "$out"
else
  skip "connect hangs: needs unshare --net and nftables"
fi

# (c) The retry back-off after a refused connection.
dead=51
while (echo >/dev/tcp/127.0.0.1/$((40000 + dead))) 2>/dev/null; do dead=$((dead + 1)); done
out=$WORK/backoff
sc_run "$out" 303 "lpr://127.0.0.1:$((40000 + dead))/lp?snmp=no" "$WORK/small" </dev/null &
run=$!
sc_then_term "$out" $run
wait $run
sc_answers "retry back-off" "$out"
check "retry back-off: the backend was waiting to retry" grep -q '^WARNING: Printer .* retrying in' "$out.err"

# (d) Spooling a slow stdin, then (e) streaming one: the job completes, bytes exact.
start_server sc || exit 99
for mode in spooled immediate; do
  out=$WORK/slow-$mode
  mkfifo "$WORK/fifo-$mode"
  { head -c 60000 "$WORK/small"; sleep 3; tail -c 40000 "$WORK/small"; } >"$WORK/fifo-$mode" &
  feeder=$!
  sc_run "$out" 304 "lpr://127.0.0.1:$PORT_sc/lp?snmp=no&mode=$mode" <"$WORK/fifo-$mode"
  wait $feeder
  sc_answers "$mode slow stdin" "$out"
  check "$mode slow stdin: job sent" grep -qx 'exit 0' "$out"
done
check "spooled slow stdin: the backend was spooling when asked" \
  sh -c "grep -q 'Spooling job data' '$WORK/slow-spooled.err'"
wait_jobs "$DIR_sc" 2
check "slow stdin: both jobs arrived byte-exact" \
  sh -c "cmp -s '$WORK/small' \"\$(find '$DIR_sc/job-0001' -name 'dfA*')\" &&
         cmp -s '$WORK/small' \"\$(find '$DIR_sc/job-0002' -name 'dfA*')\""
stop_server sc

# (f) waitjob polling a job that stays in the remote queue.
start_server wj --hold-polls=1000 || exit 99
out=$WORK/waitjob
sc_run "$out" 306 "lpr://127.0.0.1:$PORT_wj/lp?snmp=no&waitjob=yes&polltime=1" \
  "$WORK/small" </dev/null &
run=$!
sc_then_term "$out" $run
wait $run
sc_answers "waitjob polling" "$out"
check "waitjob polling: the backend was following the job" grep -q '^INFO: Job 306 is' "$out.err"
stop_server wj

stop_servers
check_no_leftovers
finish
