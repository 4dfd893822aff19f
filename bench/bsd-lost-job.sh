#!/bin/bash
# bsd-lost-job.sh - reproduce the job that BSD lpd acknowledges and then loses: its print daemon
# deletes a job whose control file is queued before the data file has arrived (docs/load.md).
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Usage: bench/bsd-lost-job.sh BACKEND [ORDER]
#   BACKEND  the built backend (e.g. _build/bench/lpr)
#   ORDER    control,data (default: the job is lost) or data,control
# Needs root and what tests/servers/bsdlpd.sh needs.  Everything runs on 127.0.0.1.
#
# A real BSD lpd whose printer is a FIFO.  Job 1 is sent; its print daemon blocks opening the
# printer, since nobody reads the FIFO yet.  Job 2 comes from a pipe that pauses 3 s after its
# first 100 bytes: in immediate mode BSD lpd refuses the data file of unknown size, the backend
# spools the rest and sends the data file on the same connection, and meanwhile job 2's control
# file is queued alone.  Then a reader opens the FIFO: the daemon prints job 1, rescans the
# queue, finds job 2 without its data file, fails it and deletes its control file.  Job 2's
# backend still gets every ack and exits 0; its data file is left as an orphan.  With
# ORDER=data,control job 2 goes spooled (immediate mode needs the control file first), the
# control file last: it stays queued, complete, for the next print daemon.  (That run shows
# the job kept, not the race closed: spooled, the control file would also come just before its
# data.  That data first closes it follows from BSD lpd's source, docs/load.md.)

set -u
here=$(cd "$(dirname "$0")" && pwd)
backend=$(realpath "${1:?usage: bsd-lost-job.sh BACKEND [ORDER]}")
order=${2:-control,data}
mode=immediate
[ "$order" = data,control ] && mode=spooled
work=$(mktemp -d /tmp/cups-lpr-bsdlost.XXXXXX)
port=$((20000 + RANDOM % 12000))
reader=""

# 'finish()' - stop the reader and the server, remove the work directory.
finish()
{
  [ -n "$reader" ] && kill "$reader" 2>/dev/null
  "$here/../tests/servers/bsdlpd.sh" stop "$work/lpd" >/dev/null 2>&1
  rm -rf "$work"
}
trap finish EXIT

# 'job()' - the content of job N: a first and a last line that name it.
job()
{
  printf 'JOB-%03d-BEGIN\n%s\nJOB-%03d-END\n' "$1" "$(head -c 2000 /dev/zero | tr '\0' y)" "$1"
}

# 'send()' - run the backend as cupsd does for job N in MODE, stdin from the caller.
send()
{
  env -i PATH=/usr/bin:/bin DEVICE_URI="lpr://127.0.0.1:$port/lp?snmp=off&order=$order&mode=$2" \
    TMPDIR="$work/tmp" CUPS_CACHEDIR="$work/cache" \
    bash -c 'exec -a "$0" "$@"' "lpr://127.0.0.1:$port/lp" "$backend" "$1" alice "t$1" 1 "" \
    2>"$work/job$1.err" >/dev/null
  echo "job $1 ($order, $2): exit $?"
}

mkdir -p "$work/tmp" "$work/cache"
export LPD_PKGCACHE=${LPD_PKGCACHE:-${HOME:-/root}/.cache/cups-lpr/pkgcache}
"$here/../tests/servers/bsdlpd.sh" start "$work/lpd" "$port" >"$work/start.log" 2>&1 ||
  { cat "$work/start.log"; exit 1; }
spool=$work/lpd/spool
mkfifo -m 0666 "$spool/lp.nodev"          # the printcap's printer device: now a FIFO
job 1 | send 1 auto
sleep 0.5
echo "spool after job 1 (its print daemon waits for the printer): $(ls "$spool/lp" | tr '\n' ' ')"
{ job 2 | head -c 100; sleep 3; job 2 | tail -c +101; } | send 2 "$mode" &
sender=$!
sleep 1
echo "spool while job 2's data is still coming: $(ls "$spool/lp" | tr '\n' ' ')"
timeout 10 cat "$spool/lp.nodev" >"$work/printed" &
reader=$!
wait "$sender"
sleep 2
echo "spool after job 2: $(ls "$spool/lp" | tr '\n' ' ')"
echo "printed: $(grep -ao 'JOB-[0-9]*-END' "$work/printed" | tr '\n' ' ')"
grep -h '^INFO: Job sent' "$work/job2.err"
if grep -q 'JOB-002-END' "$work/printed"; then
  echo "job 2 was printed"
elif ls "$spool/lp"/cfA002* >/dev/null 2>&1; then
  echo "job 2 is queued with its data file, waiting for the printer: not lost"
else
  echo "job 2 was acknowledged, never printed, and is gone from the queue: LOST"
fi
