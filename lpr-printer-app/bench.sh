#!/bin/bash
# bench.sh - lpr-printer-app's two benchmark lines: a 100 MB PostScript job through the app
# (pass-through, ps driver) against the backend's throughput for the same file, and the raster
# encoders' cost per page on a 50-page PWG raster job.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Usage: lpr-printer-app/bench.sh [BUILDDIR] [RUNS]   (default: _build/x, 5 runs; medians)
# Both go to the test LPD server (tests/lpd-server) on 127.0.0.1, which writes what it
# receives into a tmpfs (/dev/shm when there is one; each job is removed after its run), so the
# sink is the same for both and no disk is involved; backend and app runs alternate, so that
# both see the same load on a shared machine.  Times come from the app's own log
# (PAPPL's millisecond timestamps): "delivery" is the job's processing (PAPPL's "Starting
# print job" to "Completed"), the part that replaces the backend; "end to end" adds the IPP
# upload into PAPPL's spool (a copy the backend, run by cupsd on its spool file, never makes).

set -euo pipefail
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
B=$(cd "${1:-$top_srcdir/_build/x}" && pwd)
RUNS=${2:-5}
APP=$B/lpr-printer-app/lpr-printer-app
W=$(mktemp -d "${TMPDIR:-/tmp}/lpra-bench.XXXXXX")
chgrp lp "$W" 2>/dev/null || true
chmod 0710 "$W"                         # like cupsd's spool directory: lp may enter
PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$W"' EXIT

port() { "$top_srcdir/tests/cupsd/cupsd-ctl.sh" freeport; }
ms_of() { date -d "$(sed -E 's/^. \[([^]]*)\].*/\1/' <<<"$1")" +%s%3N; }

# The sink.
SINK=$W/rec
[ -d /dev/shm ] && SINK=$(mktemp -d /dev/shm/lpra-bench.XXXXXX)
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$W" "$SINK"' EXIT
"$B/tests/lpd-server" -q -d "$SINK" -P "$W/lpd.port" >/dev/null 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 1 100); do [ -s "$W/lpd.port" ] && break; sleep 0.05; done
LPD=lpr://127.0.0.1:$(cat "$W/lpd.port")/lp?reserve=none

# 100 MB of PostScript: one page, then comments up to the size.
{ printf '%%!PS-Adobe-3.0\n/Helvetica findfont 24 scalefont setfont 72 720 moveto (bench) show\n'
  head -c 104857600 /dev/zero | tr '\0' 'x' | fold -w 99 | sed 's/^/%/'
  printf 'showpage\n'; } >"$W/big.ps"
SIZE=$(stat -c %s "$W/big.ps")

# backend_ms: one run of the backend as cupsd runs it, on a spool file cupsd has just written
# (copied untimed, as PAPPL's is: both then send a file whose pages are still being written
# back to disk); prints milliseconds.  Started as root, the backend does the job as lp (cupsd's
# User), so the file is readable by group lp in a directory lp may enter, as cupsd's spool file
# is.  A run that fails or delivers the wrong size stops the benchmark: a failed backend exits
# in a few milliseconds, and timing it would give a false figure.
backend_ms() {
  local t0 ms rc=0 got
  cp "$W/big.ps" "$W/d00001-001"
  chgrp lp "$W/d00001-001" 2>/dev/null || true
  chmod 0640 "$W/d00001-001"
  t0=$(date +%s%N)
  env -i PATH=/usr/bin:/bin DEVICE_URI="$LPD" TMPDIR="$W" CUPS_CACHEDIR="$W" \
    "$B/lpr" 1 bench big 1 "" "$W/d00001-001" 2>"$W/backend.err" || rc=$?
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  got=$(find "$SINK" -type f -name 'dfA*' -printf '%s\n' 2>/dev/null | head -1)
  if [ $rc != 0 ] || [ "$got" != "$SIZE" ]; then
    echo "bench.sh: the backend failed (exit $rc, $got of $SIZE bytes at the sink):" >&2
    tail -n 3 "$W/backend.err" >&2
    exit 1
  fi
  echo "$ms"
  rm -rf "$SINK"/job-* "$W/d00001-001"
}

# The app.
APORT=$(port)
"$APP" server -o server-port="$APORT" -o listen-hostname=127.0.0.1 \
  -o spool-directory="$W/spool" -o state-file="$W/state" -o log-file="$W/log" \
  -o log-level=info >/dev/null 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$APORT") 2>/dev/null && break; sleep 0.1; done
"$APP" add -u "ipp://127.0.0.1:$APORT/ipp/system" -d ps -v "$LPD" -m ps
"$APP" add -u "ipp://127.0.0.1:$APORT/ipp/system" -d psr -v "$LPD&mode=spooled" -m ps

# job_times PRINTER FILE FORMAT: "end-to-end-ms delivery-ms" of one job.
job_times() {
  local id t0 line start done
  t0=$(date +%s%3N)
  id=$(ipptool -T 600 -tv -d filetype="$3" -f "$2" "ipp://127.0.0.1:$APORT/ipp/print/$1" \
         /usr/share/cups/ipptool/print-job.test | sed -n 's/^ *job-id (integer) = //p')
  for _ in $(seq 1 6000); do
    line=$(grep -F "[Job $id] Completed" "$W/log" | tail -1) || true
    [ -n "$line" ] && break
    sleep 0.05
  done
  start=$(ms_of "$(grep -F "[Job $id] Starting print job" "$W/log" | tail -1)")
  done=$(ms_of "$line")
  echo "$(( done - t0 )) $(( done - start ))"
  : >"$W/log"                                     # next job: a fresh log
}

# Alternate backend and app runs; medians, and the median of the pairwise ratios (a shared
# machine's load changes between runs more than the two differ).
bs=()
ds=()
es=()
rs=()
for _ in $(seq 1 "$RUNS"); do
  b=$(backend_ms)
  read -r e d < <(job_times ps "$W/big.ps" application/postscript)
  rm -rf "$SINK"/job-*
  bs+=("$b")
  ds+=("$d")
  es+=("$e")
  rs+=("$(awk -v a="$b" -v b="$d" 'BEGIN { printf "%.3f", a / b }')")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
mb=$(median "${bs[@]}")
md=$(median "${ds[@]}")
me=$(median "${es[@]}")
mbs() { awk -v s="$SIZE" -v ms="$1" 'BEGIN { printf "%.0f", s / 1048576 / (ms / 1000) }'; }
echo "pass-through 100 MB PostScript ($RUNS runs, medians): backend $(mbs "$mb") MB/s ($mb ms);" \
  "app delivery $(mbs "$md") MB/s ($md ms); app/backend throughput $(median "${rs[@]}")x" \
  "(pairs: ${rs[*]}); app end to end incl. IPP upload $(mbs "$me") MB/s ($me ms)"

# 50 pages of PWG raster, 300 dpi 8-bit gray, A4, into PostScript (spooled: encode, then send).
for i in $(seq 1 50); do
  echo "/Helvetica findfont 36 scalefont setfont 72 700 moveto (page $i) show"
  echo "0.5 setgray 72 100 $((8 * i)) 400 rectfill 0 setgray showpage"
done >"$W/pages.ps"
gs -q -dSAFER -sDEVICE=pwgraster -r300 -sPAPERSIZE=a4 -dcupsColorSpace=18 \
  -dcupsBitsPerColor=8 -o "$W/pages.pwg" "$W/pages.ps" 2>/dev/null
rts=()
for _ in $(seq 1 "$RUNS"); do
  read -r _ d < <(job_times psr "$W/pages.pwg" image/pwg-raster)
  rm -rf "$SINK"/job-*
  rts+=("$d")
done
mr=$(median "${rts[@]}")
echo "raster 50 pages (2479x3508 gray, $(stat -c %s "$W/pages.pwg") bytes PWG) to PostScript:" \
  "$(awk -v ms="$mr" 'BEGIN { printf "%.1f", ms / 50 }') ms per page (decode, encode," \
  "spool and send; median $mr ms in all, $RUNS runs)"
