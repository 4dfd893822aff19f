#!/bin/bash
# run.sh - throughput, CPU, memory, temp disk and latency of the lpr backend, compared with the
# CUPS lpd backend and a reference copier, against a discard LPD sink on loopback.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Usage: bench/run.sh [--size MB] [--repeat N] [--csv FILE] [--quick] [--only REGEX]
#   --size MB    the big job, in MiB (default 1024)
#   --repeat N   runs of each case (default 3); the table shows median, min and max
#   --csv FILE   the summary CSV (default _build/bench/results.csv); every run goes to
#                FILE with -runs.csv in place of .csv
#   --quick      a smoke test: 32 MiB, 1 run (unless --size/--repeat say otherwise)
#   --only REGEX only the cases whose names match (grep -E), e.g. 'spooled-stdin|standard-stdin';
#                latency cases are named lpr-immediate-latency, lpd-standard-latency, ...
# Run as root on Debian 12.  It builds the backend without sanitizers
# (tools/build.sh _build/bench --enable-werror), compiles the helpers in bench/ with gcc -O2,
# and fetches the CUPS lpd backend (apt-get download cups + dpkg -x into _build/bench, never
# installed) when /usr/lib/cups/backend/lpd is missing.  Everything runs on 127.0.0.1, in a
# private mount namespace whose tmpfs mounts vanish with it.
#
# Exit status: 0 unless a correctness check fails (a job not delivered byte for byte, or a
# non-zero exit); the performance targets are informational (PASS/FAIL in the output).

set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
orig_args=("$@")

SIZE_MB="" REPEAT="" CSV="" QUICK=0 ONLY=""
while [ $# -gt 0 ]; do
  case $1 in
    --size)   SIZE_MB=${2:?--size MB}; shift 2 ;;
    --size=*) SIZE_MB=${1#*=}; shift ;;
    --repeat) REPEAT=${2:?--repeat N}; shift 2 ;;
    --repeat=*) REPEAT=${1#*=}; shift ;;
    --csv)    CSV=${2:?--csv FILE}; shift 2 ;;
    --csv=*)  CSV=${1#*=}; shift ;;
    --quick)  QUICK=1; shift ;;
    --only)   ONLY=${2:?--only REGEX}; shift 2 ;;
    --only=*) ONLY=${1#*=}; shift ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [ $QUICK = 1 ]; then
  SIZE_MB=${SIZE_MB:-32}
  REPEAT=${REPEAT:-1}
fi
SIZE_MB=${SIZE_MB:-1024}
REPEAT=${REPEAT:-3}
case $SIZE_MB$REPEAT in *[!0-9]*) echo "run.sh: --size and --repeat take whole numbers" >&2; exit 2 ;; esac
[ "$SIZE_MB" -ge 2 ] && [ "$REPEAT" -ge 1 ] || { echo "run.sh: --size >= 2, --repeat >= 1" >&2; exit 2; }

BUILD=${BENCH_BUILDDIR:-$top/_build/bench}
CSV=${CSV:-$BUILD/results.csv}
case $CSV in /*) ;; *) CSV=$PWD/$CSV ;; esac
RUNS_CSV=${CSV%.csv}-runs.csv
REPORT=${CSV%.csv}.txt

if [ "$(id -u)" != 0 ]; then
  echo "run.sh: run as root (reserved ports, tmpfs mounts)" >&2
  exit 2
fi

# A private mount namespace: the tmpfs mounts below are invisible outside and die with us.
if [ -z "${BENCH_IN_NS:-}" ] && unshare --mount --propagation private true 2>/dev/null; then
  export BENCH_IN_NS=1
  exec unshare --mount --propagation private "$0" "${orig_args[@]}"
fi

log() { printf '%s\n' "$*" >&2; }

# --- build ---------------------------------------------------------------------------------
log "== build (tools/deps.sh build; tools/build.sh $BUILD --enable-werror)"
"$top/tools/deps.sh" build >&2
"$top/tools/build.sh" "$BUILD" --enable-werror >&2
LPR=$BUILD/lpr
BIN=$BUILD/bench-bin
mkdir -p "$BIN"
for p in lpd-sink bench-run ref-copy; do
  gcc -O2 -Wall -Wextra -o "$BIN/$p" "$top/bench/$p.c" -lpthread
done
gcc -O2 -Wall -Wextra -o "$BIN/libcups-floor" "$top/bench/libcups-floor.c" -lcups

# --- the CUPS lpd backend --------------------------------------------------------------------
CUPS_LPD="" CUPS_LPD_VERSION=""
find_cups_lpd() {
  local c
  if [ -x /usr/lib/cups/backend/lpd ]; then
    CUPS_LPD=/usr/lib/cups/backend/lpd
    CUPS_LPD_VERSION="$(dpkg-query -W -f='${Version}' cups 2>/dev/null || echo installed)"
    return 0
  fi
  for c in "$BUILD/cups-deb/root/usr/lib/cups/backend-available/lpd" \
           "$BUILD/cups-deb/root/usr/lib/cups/backend/lpd"; do
    if [ -x "$c" ]; then
      CUPS_LPD=$c
      CUPS_LPD_VERSION=$(cat "$BUILD/cups-deb/version" 2>/dev/null || echo unknown)
      return 0
    fi
  done
  return 1
}
if ! find_cups_lpd; then
  log "== fetching the CUPS lpd backend (apt-get download cups; dpkg -x, not installed)"
  rm -rf "$BUILD/cups-deb"
  mkdir -p "$BUILD/cups-deb"
  if (cd "$BUILD/cups-deb" && { apt-get download cups >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1 && apt-get download cups >/dev/null 2>&1; }; }); then
    deb=$(ls "$BUILD"/cups-deb/cups_*.deb | head -1)
    dpkg-deb -f "$deb" Version >"$BUILD/cups-deb/version"
    dpkg -x "$deb" "$BUILD/cups-deb/root"
  fi
  find_cups_lpd || log "run.sh: the CUPS lpd backend is not available: its cases are skipped"
fi

# --- work space ----------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/cups-lpr-bench.XXXXXX)
SINK_PID="" MOUNTS=""
cleanup() {
  [ -n "${LPRNG_PORT:-}" ] && "$top/tests/servers/lprng.sh" stop "$WORK/lprng" >/dev/null 2>&1
  [ -n "$SINK_PID" ] && { kill "$SINK_PID" 2>/dev/null; wait "$SINK_PID" 2>/dev/null || true; }
  for m in $MOUNTS; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  rm -rf "$WORK" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

LAT_MB=4
[ $QUICK = 1 ] && LAT_MB=2
TMP_NOTE="private tmpfs, peak of statfs() sampled every 1 ms"
if [ -n "${BENCH_IN_NS:-}" ]; then
  mount -t tmpfs -o size=$((SIZE_MB + LAT_MB + 256))m,mode=0755 bench-data "$WORK"
  MOUNTS="$WORK"
  mkdir -p "$WORK/spool"
  mount -t tmpfs -o size=$((SIZE_MB + 256))m,mode=1777 bench-spool "$WORK/spool"
  MOUNTS="$WORK/spool $MOUNTS"
  SPOOL=$WORK/spool
else
  # No mount namespace: TMPDIR in /dev/shm, whose use others may change (approximate).
  SPOOL=$(mktemp -d /dev/shm/cups-lpr-bench-spool.XXXXXX)
  chmod 1777 "$SPOOL"                   # run as root, the backend spools as lp (backend/privs.c)
  MOUNTS=""
  TMP_NOTE="APPROXIMATE: /dev/shm shared with the rest of the machine (no mount namespace)"
  trap 'cleanup; rm -rf "$SPOOL"' EXIT
fi
mkdir -p "$WORK/logs" "$WORK/cache"
chmod 0755 "$WORK"

BIG=$((SIZE_MB * 1024 * 1024))
log "== input: $SIZE_MB MiB, 1 MiB and $LAT_MB MiB of pseudo-random bytes (tmpfs)"
"$BIN/bench-run" -G "$WORK/in-big" "$BIG"
"$BIN/bench-run" -G "$WORK/in-1m" $((1024 * 1024))
"$BIN/bench-run" -G "$WORK/in-lat" $((LAT_MB * 1024 * 1024))
declare -A HASH
for f in in-big in-1m in-lat; do
  HASH[$f]=$("$BIN/lpd-sink" -H "$WORK/$f" | awk '{print $2}')
done

"$BIN/lpd-sink" -o "$WORK/results" -P "$WORK/port" 2>"$WORK/sink.err" &
SINK_PID=$!
for _ in $(seq 1 200); do [ -s "$WORK/port" ] && break; sleep 0.01; done
[ -s "$WORK/port" ] || { log "run.sh: lpd-sink did not start: $(cat "$WORK/sink.err")"; exit 1; }
PORT=$(cat "$WORK/port")

# --- the cases -------------------------------------------------------------------------------
CASES="lpr-immediate-stdin lpr-immediate-file lpr-spooled-stdin lpr-spooled-file
       lpr-auto-stdin lpr-auto-file"
[ -n "$CUPS_LPD" ] && CASES="$CASES lpd-standard-stdin lpd-standard-file lpd-stream-stdin
                             lpd-stream-file"
CASES="$CASES ref-file ref-file-copy ref-stdin-splice ref-stdin-copy ref-stdin-copy-bigpipe"
LAT_CASES="lpr-immediate lpr-auto"
# Concurrency: BURST_N jobs of mixed sizes started at once, to the sink and to a real LPRng.
BURST_CASES="burst-sink burst-lprng"
[ -n "$CUPS_LPD" ] && LAT_CASES="$LAT_CASES lpd-standard lpd-stream"
if [ -n "$ONLY" ]; then                 # --only: a subset, for experiments (no latency unless named)
  CASES=$(printf '%s\n' $CASES | grep -E -- "$ONLY" | tr '\n' ' ' || true)
  LAT_CASES=$(printf '%s\n' $LAT_CASES | sed 's/$/-latency/' | grep -E -- "$ONLY" \
              | sed 's/-latency$//' | tr '\n' ' ' || true)
  BURST_CASES=$(printf '%s\n' $BURST_CASES | grep -E -- "$ONLY" | tr '\n' ' ' || true)
  [ -n "$CASES$LAT_CASES$BURST_CASES" ] ||
    { echo "run.sh: --only $ONLY matches no case" >&2; exit 2; }
fi
# The CUPS lpd backend queries SNMP on the printer's address by default; nothing answers on
# loopback, which would add its timeouts to every job.  snmp=no keeps it to the LPD work.
LPD_OPTS="snmp=no"

SEQ=0
KILL_S=$((300 + SIZE_MB))
echo "test,size,repeat,rc,wall_s,mbps,user_s,sys_s,cpu_s,cpu_s_per_gib,maxrss_kb,tmp_peak_bytes,sink_bytes,checksum_ok,latency_ms,sink_flags,machine_busy_s_per_gib,ok,anon_peak_kb" >"$RUNS_CSV.tmp"
FAILS=0

# run_case CASE INPUT SIZELABEL REPEAT [trickle]
run_case() {
  local case=$1 in=$2 label=$3 rep=$4 trickle=${5:-} q prog uri feed out kind mode src
  local -a args=() env=()
  SEQ=$((SEQ + 1))
  q=$(printf 'q%04d' $SEQ)
  kind=${case%%-*}
  mode=${case#*-}; mode=${mode%-*}
  src=${case##*-}
  [ -n "$trickle" ] && { mode=${case#*-}; src=stdin; }
  case $kind in
    lpr) prog=$LPR; uri="lpr://127.0.0.1:$PORT/$q?mode=$mode&snmp=no" ;;
    lpd) prog=$CUPS_LPD
         if [ "$mode" = stream ]; then uri="lpd://127.0.0.1:$PORT/$q?mode=stream&$LPD_OPTS"
         else uri="lpd://127.0.0.1:$PORT/$q?$LPD_OPTS"; fi ;;
    ref) prog=$BIN/ref-copy; uri=$prog ;;
  esac
  feed=(-s)
  [ -n "$trickle" ] && feed=(-t "$trickle")
  case $case in
    ref-file)          args=(127.0.0.1 "$PORT" "$q" "$WORK/$in"); feed=() ;;
    ref-file-copy)     args=(-c 127.0.0.1 "$PORT" "$q" "$WORK/$in"); feed=() ;;
    ref-stdin-splice)  args=(127.0.0.1 "$PORT" "$q") ;;
    ref-stdin-copy)    args=(-c 127.0.0.1 "$PORT" "$q") ;;
    ref-stdin-copy-bigpipe) args=(-c -p 1048576 127.0.0.1 "$PORT" "$q") ;;
    *)  args=("$SEQ" bench bench-job 1 "")
        if [ "$src" = file ]; then args+=("$WORK/$in"); feed=(); fi ;;
  esac
  env=(-e PATH=/usr/bin:/bin -e "DEVICE_URI=$uri" -e "TMPDIR=$SPOOL" -e "CUPS_CACHEDIR=$WORK/cache"
       -e PRINTER=bench -e CUPS_MAX_MESSAGE=2047 -e CONTENT_TYPE=application/octet-stream
       -e LANG=C)
  # BENCH_LPR_ENV="VAR=VALUE ...": extra environment for our backend only (A/B runs of the
  # diagnostics in README "How the bytes go out", e.g. CUPS_LPR_MMAP_LOOPBACK=1).
  if [ "$kind" = lpr ]; then for e in ${BENCH_LPR_ENV:-}; do env+=(-e "$e"); done; fi
  out=$("$BIN/bench-run" -a "$uri" "${env[@]}" -i "$WORK/$in" "${feed[@]}" -T "$SPOOL" \
          -l "$WORK/logs/$q-$case.log" -r "$WORK/results" -q "$q" -W 20 -k "$KILL_S" \
          -- "$prog" "${args[@]}")
  echo "$out" | awk -v t="$case" -v size="$label" -v rep="$rep" -v want="$(stat -c %s "$WORK/$in")" \
                    -v hash="${HASH[$in]}" '
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = substr($i, length(kv[1]) + 2) } }
    END {
      cpu = v["user_s"] + v["sys_s"]
      hok = (v["hash"] == hash) ? 1 : 0
      ok = (v["rc"] == 0 && v["bytes"] == want && hok) ? 1 : 0
      gib = v["bytes"] > 0 ? v["bytes"] / 1073741824 : 0
      flags = v["flags"]; gsub(/,/, "+", flags)          # one CSV field
      printf "%s,%s,%d,%s,%s,%s,%s,%s,%.6f,%s,%s,%s,%s,%d,%s,%s,%s,%d,%s\n", t, size, rep, v["rc"],
        v["wall_s"], v["mbps"], v["user_s"], v["sys_s"], cpu, (gib > 0 ? sprintf("%.4f", cpu / gib) : ""),
        v["maxrss_kb"], v["tmp_peak"], v["bytes"], hok, v["latency_ms"], flags,
        (gib >= 0.25 ? sprintf("%.4f", v["busy_s"] / gib) : ""), ok,  # 10 ms ticks: big jobs only
        v["anon_peak_kb"]
    }' >>"$OUT_CSV"
  if [ "$(tail -1 "$OUT_CSV" | awk -F, '{print $18}')" != 1 ]; then
    FAILS=$((FAILS + 1))
    log "FAIL $case ($label, run $rep): $out"
    log "  backend log (tail): $(tail -n 5 "$WORK/logs/$q-$case.log" | tr '\n' '|')"
  fi
}

# Warm-up, not recorded: the first runs after boot fault in fresh guest memory and page
# cache (on a VM the first touch of a page is expensive), which the measured runs should not see.
log "== warm-up: each case once at $SIZE_MB MiB (not recorded)"
OUT_CSV=$WORK/warmup.csv
for c in $CASES; do
  run_case "$c" in-big "${SIZE_MB}MiB" 0
done
OUT_CSV=$RUNS_CSV.tmp

log "== $(echo $CASES | wc -w) cases x $REPEAT runs at $SIZE_MB MiB and at 1 MiB; latency x $REPEAT"
for rep in $(seq 1 "$REPEAT"); do
  for c in $CASES; do
    printf '  run %d/%d %-20s %s MiB\n' "$rep" "$REPEAT" "$c" "$SIZE_MB" >&2
    run_case "$c" in-big "${SIZE_MB}MiB" "$rep"
  done
  for c in $CASES; do
    run_case "$c" in-1m 1MiB "$rep"
  done
  # Latency: 64 KiB every 10 ms through the pipe, starting 300 ms after the program.
  for c in $LAT_CASES; do
    printf '  run %d/%d %-20s trickle %s MiB, 64 KiB / 10 ms\n' "$rep" "$REPEAT" "$c" "$LAT_MB" >&2
    run_case "$c" in-lat "trickle" "$rep" 65536,10,300
  done
done
mv "$RUNS_CSV.tmp" "$RUNS_CSV"

# --- concurrency: 40 jobs of mixed sizes at once ---------------------------------------------
# Each run starts BURST_N backends in one go (bench/burst.py), half on stdin pipes, half with
# the file in argv[6], 4 KiB to 8 MiB (62 MB in all), to one queue of the sink or of a fresh
# LPRng (tests/servers/lprng.sh, jobs held in its spool), ours and CUPS lpd in turn.  Both get
# snmp off and reserve=none: 40 x REPEAT x 4 connections from the 512 reserved ports, each
# left in TIME-WAIT for 60 s, would make the later runs wait for a port.  Every job is checked
# at the server (sink: bytes and checksum; LPRng: the stored data files), not by exit codes.
# (The sink of the cases above is still running.)
BURST_N=40
BURST_CSV=${CSV%.csv}-burst.csv
echo "test,backend,repeat,n,ok,wall_s,cpu_s,user_s,sys_s,p50_s,p95_s,max_s,delivered" \
  >"$BURST_CSV.tmp"
LPRNG_PORT=""

# burst_lprng_start: a fresh LPRng on a free port (LPRNG_PORT), or none (its rows skipped).
burst_lprng_start() {
  local p i rc
  for i in 1 2 3 4 5; do
    p=$((20000 + RANDOM % 12000))
    rc=0
    LPD_PKGCACHE=${LPD_PKGCACHE:-${HOME:-/root}/.cache/cups-lpr/pkgcache} \
      "$top/tests/servers/lprng.sh" start "$WORK/lprng" "$p" >"$WORK/lprng.start" 2>&1 || rc=$?
    if [ $rc = 0 ]; then
      LPRNG_PORT=$p
      return 0
    fi
    [ $rc = 77 ] && break             # the package cannot be had: no use trying another port
  done
  log "run.sh: LPRng did not start, its burst rows are skipped: $(tail -n 1 "$WORK/lprng.start")"
  return 1
}

burst_lprng_stop() {
  "$top/tests/servers/lprng.sh" stop "$WORK/lprng" >/dev/null 2>&1 || true
  LPRNG_PORT=""
}

# burst_delivered CASE QUEUE: how many of the BURST_N jobs the server holds byte for byte
# (their multiset of sizes and checksums, or of data files, equals the inputs'), less one for
# every job beyond BURST_N it holds (a duplicate), so that only an exact delivery counts BURST_N.
burst_delivered() {
  local i n held
  for i in $(seq 1 50); do
    if [ "$1" = burst-sink ]; then
      [ "$(grep -c "^queue=$2 " "$WORK/results" 2>/dev/null)" -ge $BURST_N ] && break
    else
      n=$(grep -L '^incoming_pid=' "$WORK/lprng/spool/lp"/hf* 2>/dev/null | wc -l)
      [ "$n" -ge $BURST_N ] && break
    fi
    sleep 0.2
  done
  if [ "$1" = burst-sink ]; then
    awk -v q="queue=$2" '$1 == q { print $2, $3 }' "$WORK/results" | sed 's/bytes=//; s/hash=//'
  else
    for f in "$WORK/lprng/spool/lp"/df*; do
      [ -f "$f" ] && echo "$(stat -c %s "$f") $("$BIN/lpd-sink" -H "$f" | awk '{print $2}')"
    done
  fi | sort >"$WORK/burst.held"
  held=$(wc -l <"$WORK/burst.held")
  n=$(comm -12 "$WORK/burst.held" "$WORK/burst.want" | wc -l)
  echo $(( held > BURST_N ? n - (held - BURST_N) : n ))
}

# burst_run CASE KIND REP: one burst; appends a line to the burst CSV.
burst_run() {
  local case=$1 kind=$2 rep=$3 q port prog uri out got
  SEQ=$((SEQ + 1))
  q=$(printf 'b%04d' $SEQ)
  port=$PORT
  if [ "$case" = burst-lprng ]; then
    burst_lprng_start || return 0
    port=$LPRNG_PORT
    q="lp"
  fi
  case $kind in
    lpr) prog=$LPR; uri="lpr://127.0.0.1:$port/$q?snmp=off&reserve=none" ;;
    lpd) prog=$CUPS_LPD; uri="lpd://127.0.0.1:$port/$q?snmp=no&reserve=none" ;;
    floor) prog=$BIN/libcups-floor; uri="lpr://127.0.0.1:$port/$q" ;;  # sends nothing
  esac
  mkdir -p "$WORK/logs/$case-$kind-$rep"
  out=$(python3 "$top/bench/burst.py" --prog "$prog" --uri "$uri" --jobs "$WORK/burst" \
          --logs "$WORK/logs/$case-$kind-$rep" --count $BURST_N --env PATH=/usr/bin:/bin \
          --env "TMPDIR=$SPOOL" --env "CUPS_CACHEDIR=$WORK/cache" --env PRINTER=bench \
          --env CUPS_MAX_MESSAGE=2047 --env CONTENT_TYPE=application/octet-stream --env LANG=C) ||
    true
  got=$BURST_N
  [ "$kind" = floor ] || got=$(burst_delivered "$case" "$q")
  [ "$case" = burst-lprng ] && burst_lprng_stop
  echo "$out" | awk -v t="$case" -v k="$kind" -v rep="$rep" -v got="$got" '
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
    END { printf "%s,%s,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%d\n", t, k, rep, v["n"], v["ok"],
            v["wall_s"], v["cpu_s"], v["user_s"], v["sys_s"], v["p50_s"], v["p95_s"], v["max_s"],
            got }' >>"$BURST_CSV.tmp"
  if [ "$got" != $BURST_N ] || ! echo "$out" | grep -q "ok=$BURST_N "; then
    FAILS=$((FAILS + 1))
    log "FAIL $case $kind (run $rep): $got of $BURST_N delivered byte for byte; $out"
  fi
}

if [ -n "$CUPS_LPD" ] && [ -n "$BURST_CASES" ]; then
  mkdir -p "$WORK/burst"
  BSIZES=(4096 65536 524288 2097152 16384 1048576 300000 8388608)
  for i in $(seq 1 $BURST_N); do
    "$BIN/bench-run" -G "$WORK/burst/job-$i" "${BSIZES[$(((i - 1) % ${#BSIZES[@]}))]}"
    echo "$(stat -c %s "$WORK/burst/job-$i")" \
      "$("$BIN/lpd-sink" -H "$WORK/burst/job-$i" | awk '{print $2}')"
  done | sort >"$WORK/burst.want"
  log "== concurrency: $BURST_N jobs at once (4 KiB to 8 MiB), $REPEAT runs of each case," \
    "ours and CUPS lpd in turn"
  for rep in $(seq 1 "$REPEAT"); do
    for c in $BURST_CASES; do
      for k in lpr lpd; do
        printf '  run %d/%d %-12s %s\n' "$rep" "$REPEAT" "$c" "$k" >&2
        burst_run "$c" "$k" "$rep"
      done
    done
    # The floor: 40 starts of a program that only loads libcups (bench/libcups-floor.c).
    case " $BURST_CASES " in *" burst-sink "*) burst_run burst-sink floor "$rep" ;; esac
  done
fi
mv "$BURST_CSV.tmp" "$BURST_CSV"
kill "$SINK_PID" 2>/dev/null; wait "$SINK_PID" 2>/dev/null || true
SINK_PID=""

# --- summary ---------------------------------------------------------------------------------
NPROC=$(nproc)
CPU_MODEL=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
KERNEL=$(uname -r)
MEM=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
REV=$(cd "$top" && git describe --always --dirty 2>/dev/null || echo unknown)

awk -F, -v big="${SIZE_MB}MiB" '
  NR == 1 { next }
  { key = $1 "|" $2; if (!(key in seen)) { seen[key] = 1; order[++n] = key }
    cnt[key]++; okc[key] += $18; m[key, "busy", cnt[key]] = $17
    m[key, "mbps", cnt[key]] = $6; m[key, "cpu", cnt[key]] = $9; m[key, "cpug", cnt[key]] = $10
    m[key, "rss", cnt[key]] = $11; m[key, "tmp", cnt[key]] = $12; m[key, "lat", cnt[key]] = $15
    m[key, "anon", cnt[key]] = $19 }
  function stat(key, f, what,   i, j, k, a, t) {
    k = cnt[key]
    for (i = 1; i <= k; i++) a[i] = m[key, f, i] + 0
    for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    if (what == "min") return a[1]
    if (what == "max") return a[k]
    return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
  }
  END {
    print "test,size,runs,ok_runs,mbps_median,mbps_min,mbps_max,cpu_s_median,cpu_s_per_gib_median,maxrss_kb_median,maxrss_kb_max,tmp_peak_bytes_max,latency_ms_median,latency_ms_min,latency_ms_max,machine_busy_s_per_gib_median,anon_peak_kb_median,anon_peak_kb_max"
    for (i = 1; i <= n; i++) {
      key = order[i]; split(key, kk, "|")
      printf "%s,%s,%d,%d,%.1f,%.1f,%.1f,%.4f,%.4f,%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%d,%d\n", kk[1], kk[2], cnt[key], okc[key],
        stat(key, "mbps", "med"), stat(key, "mbps", "min"), stat(key, "mbps", "max"),
        stat(key, "cpu", "med"), stat(key, "cpug", "med"), stat(key, "rss", "med"),
        stat(key, "rss", "max"), stat(key, "tmp", "max"), stat(key, "lat", "med"),
        stat(key, "lat", "min"), stat(key, "lat", "max"), stat(key, "busy", "med"),
        stat(key, "anon", "med"), stat(key, "anon", "max")
    }
  }' "$RUNS_CSV" >"$CSV.tmp"
# The sort keeps the order the cases ran in: big first, then 1 MiB, then the latency runs.
mv "$CSV.tmp" "$CSV"

# get TEST SIZE COLUMN: a value from the summary.
get() {
  awk -F, -v t="$1" -v s="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $1 == t && $2 == s { print $col[c]; exit }' "$CSV"
}

{
  echo
  echo "cups-lpr benchmark ($REV): $SIZE_MB MiB job, $REPEAT run(s) per case, median [min-max]"
  echo "machine: $NPROC CPUs, $CPU_MODEL, $MEM RAM, Linux $KERNEL"
  echo "CUPS lpd backend: ${CUPS_LPD:-not available} ${CUPS_LPD_VERSION:+(cups $CUPS_LPD_VERSION)}; options: $LPD_OPTS"
  echo "MB/s = sink bytes / (start to the program's exit) / 1e6; CPU = user+sys of the program;"
  echo "RSS = its ru_maxrss (shared library and mapped page-cache pages included);"
  echo "anon KiB = its peak RssAnon (private memory), sampled every 1 ms; temp = $TMP_NOTE;"
  echo "mach s/G = busy CPU seconds of the whole machine per GiB (program, feeder, sink, softirq;"
  echo "           jobs of 256 MiB or more only: /proc/stat counts 10 ms ticks);"
  echo "1st B ms = start of the program to the first data byte at the sink."
  echo
  printf '%-22s %-7s %7s %17s %6s %9s %8s %8s %8s %8s %8s %5s\n' test size "MB/s" "[min-max]" \
    "CPU s" "CPU s/GiB" "mach s/G" "RSS KiB" "anon KiB" "temp MiB" "1st B ms" ok
  awk -F, 'NR > 1 && $2 != "trickle" {
      printf "%-22s %-7s %7.1f %17s %6.3f %9.3f %8s %8d %8d %8.1f %8.1f %2d/%d\n", $1, $2, $5,
        sprintf("[%.1f-%.1f]", $6, $7), $8, $9, ($16 > 0 ? sprintf("%.2f", $16) : "-"), $10,
        $17, $12 / 1048576, $13, $4, $3 }' "$CSV"
  echo
  echo "Latency: input trickled at 64 KiB every 10 ms ($LAT_MB MiB); first input byte written -> first data byte at the sink"
  printf '%-22s %10s %20s %5s\n' test "ms median" "[min-max]" ok
  awk -F, 'NR > 1 && $2 == "trickle" {
      printf "%-22s %10.3f %20s %2d/%d\n", $1, $13, sprintf("[%.3f-%.3f]", $14, $15), $4, $3 }' "$CSV"

  if [ "$(wc -l <"$BURST_CSV")" -gt 1 ]; then
    echo
    echo "Concurrency: $BURST_N jobs of 4 KiB to 8 MiB started at once (half stdin, half file),"
    echo "medians of $REPEAT runs; wall = first start to last exit; CPU = user+sys of the"
    echo "$BURST_N backends; p95 = of each job's own time"
    printf '%-12s %-8s %8s %8s %8s %10s\n' test backend "wall s" "CPU s" "p95 s" delivered
    burst_med() {  # burst_med CASE KIND COLUMN: median over the runs
      awk -F, -v t="$1" -v k="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        $1 == t && $2 == k { a[++n] = $col[c] }
        END { if (!n) exit
              for (i = 2; i <= n; i++) {
                x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
              print (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }' "$BURST_CSV"
    }
    for c in $BURST_CASES; do
      for k in lpr lpd floor; do
        [ -n "$(burst_med "$c" "$k" wall_s)" ] || continue
        printf '%-12s %-8s %8.3f %8.3f %8.3f %10s\n' "$c" "$k" "$(burst_med "$c" "$k" wall_s)" \
          "$(burst_med "$c" "$k" cpu_s)" "$(burst_med "$c" "$k" p95_s)" \
          "$(awk -F, -v t="$c" -v k="$k" '$1 == t && $2 == k { s += $13; n += $4 }
               END { print (k == "floor") ? "(nothing)" : s "/" n }' "$BURST_CSV")"
      done
    done
  fi

# --- targets ---------------------------------------------------------------------------------
B=${SIZE_MB}MiB
verdict() { if awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN { exit !((op == ">=") ? a >= b : a <= b) }'; then echo PASS; else echo FAIL; fi; }
ratio() {  # ratio A B [FORMAT]: A/B, or "-" when a case did not run
  awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { if (a == "" || b + 0 == 0) print "-"; else printf f, a / b }'
}

echo
echo "Targets (informational; measured in this run, medians):"
ref_stdin=$(for c in ref-stdin-splice ref-stdin-copy ref-stdin-copy-bigpipe; do get $c "$B" mbps_median; done |
            sort -g | tail -1)
ref_stdin64=$(for c in ref-stdin-splice ref-stdin-copy; do get $c "$B" mbps_median; done | sort -g | tail -1)
ref_file=$(for c in ref-file ref-file-copy; do get $c "$B" mbps_median; done | sort -g | tail -1)
target() {  # target NAME VALUE OP LIMIT; a case that did not run (--only) gives "-": no line
  local v
  case $2 in ""|-) return 0 ;; esac
  v=$(verdict "$2" "$3" "$4")
  printf '  %-4s %-74s %s (target %s %s)\n' "$v" "$1" "$2" "$3" "$4"
}
info() { case $2 in ""|-) return 0 ;; esac; printf '  info %-74s %s\n' "$1" "$2"; }
# vs_lpd KIND LABEL COLUMN [OP LIMIT [FORMAT]]: for every input and mode, the median of COLUMN
# for lpr over CUPS lpd standard's, as a target line (KIND=target) or an info line.
vs_lpd() {
  local kind=$1 label=$2 col=$3 op=${4:-} limit=${5:-} fmt=${6:-%.2f} src m v
  [ -n "$CUPS_LPD" ] || return 0
  for src in stdin file; do
    for m in immediate auto spooled; do
      v=$(ratio "$(get lpr-$m-$src "$B" "$col")" "$(get lpd-standard-$src "$B" "$col")" "$fmt")
      if [ "$kind" = target ]; then
        target "$label lpr-$m-$src / lpd-standard-$src" "$v" "$op" "$limit"
      else
        info "$label lpr-$m-$src / lpd-standard-$src" "$v"
      fi
    done
  done
}
for m in immediate auto spooled; do
  target "throughput lpr-$m-stdin / best ref-stdin-* ($ref_stdin MB/s)" \
    "$(ratio "$(get lpr-$m-stdin "$B" mbps_median)" "$ref_stdin")" ">=" 0.9
done
for m in immediate auto spooled; do
  info "throughput lpr-$m-stdin / best ref-stdin, 64 KiB pipe ($ref_stdin64 MB/s)" \
    "$(ratio "$(get lpr-$m-stdin "$B" mbps_median)" "$ref_stdin64")"
done
for m in immediate auto spooled; do
  target "throughput lpr-$m-file / best ref-file* ($ref_file MB/s)" \
    "$(ratio "$(get lpr-$m-file "$B" mbps_median)" "$ref_file")" ">=" 0.9
done
vs_lpd target throughput mbps_median ">=" 2
vs_lpd target "CPU per GiB" cpu_s_per_gib_median "<=" 0.5
vs_lpd info "machine CPU per GiB (all CPUs busy)" machine_busy_s_per_gib_median
for src in stdin file; do
  [ $src = file ] && refs="ref-file ref-file-copy" || refs="ref-stdin-splice ref-stdin-copy ref-stdin-copy-bigpipe"
  floor=$(for c in $refs; do get $c "$B" cpu_s_per_gib_median; done | sort -g | head -1)
  for m in immediate auto spooled; do
    info "CPU per GiB lpr-$m-$src / the cheapest copier ($floor s/GiB)" \
      "$(ratio "$(get lpr-$m-$src "$B" cpu_s_per_gib_median)" "$floor")"
  done
done
# RSS is mostly the shared libraries both backends map (libcups, GnuTLS, Kerberos...): equal
# within 2% counts as not above.
vs_lpd target "peak RSS" maxrss_kb_median "<=" 1.02 %.3f
# ru_maxrss counts the page-cache pages a mapped send has in its window (1 MiB to a loopback
# peer): shared, the file's own cache.  Private memory is what a job costs.
vs_lpd info "peak private memory (RssAnon)" anon_peak_kb_median
for c in lpr-immediate-stdin lpr-immediate-file lpr-spooled-stdin lpr-spooled-file lpr-auto-stdin lpr-auto-file; do
  big_rss=$(get $c "$B" maxrss_kb_max) small_rss=$(get $c 1MiB maxrss_kb_max)
  if [ -n "$big_rss" ] && [ -n "$small_rss" ]; then
    target "peak RSS growth $c, 1 MiB -> $B (KiB, max)" "$((big_rss - small_rss))" "<=" 1024
  fi
done
for c in lpr-immediate-stdin lpr-immediate-file lpr-spooled-file lpr-auto-file; do
  tmax=$(awk -F, -v t="$c" 'NR > 1 && $1 == t && $2 != "trickle" { if ($12 > m) m = $12; n++ } END { if (n) print m + 0 }' "$CSV")
  target "temp disk peak $c (bytes, every run)" "$tmax" "<=" 0
done
target "first byte at the sink, lpr-immediate, trickled input (ms)" "$(get lpr-immediate trickle latency_ms_median)" "<=" 10
info "first byte at the sink, lpr-auto, trickled input (ms)" "$(get lpr-auto trickle latency_ms_median)"
if [ -n "$CUPS_LPD" ]; then
  for c in lpd-standard lpd-stream; do
    info "first byte at the sink, $c, trickled input (ms)" "$(get $c trickle latency_ms_median)"
  done
fi
if [ "$(wc -l <"$BURST_CSV")" -gt 1 ]; then
  for c in $BURST_CASES; do
    target "concurrency $c: wall time, lpr / CUPS lpd" \
      "$(ratio "$(burst_med "$c" lpr wall_s)" "$(burst_med "$c" lpd wall_s)")" "<=" 0.8
    target "concurrency $c: CPU in total, lpr / CUPS lpd" \
      "$(ratio "$(burst_med "$c" lpr cpu_s)" "$(burst_med "$c" lpd cpu_s)")" "<=" 0.99
    info "concurrency $c: p95 per job, lpr / CUPS lpd" \
      "$(ratio "$(burst_med "$c" lpr p95_s)" "$(burst_med "$c" lpd p95_s)")"
  done
  if [ -n "$(burst_med burst-sink floor wall_s)" ]; then
    info "concurrency burst-sink: libcups floor (load and exit) / CUPS lpd, wall time" \
      "$(ratio "$(burst_med burst-sink floor wall_s)" "$(burst_med burst-sink lpd wall_s)")"
    info "concurrency burst-sink: libcups floor (load and exit) / CUPS lpd, CPU" \
      "$(ratio "$(burst_med burst-sink floor cpu_s)" "$(burst_med burst-sink lpd cpu_s)")"
  fi
fi
echo
echo "CSV: $CSV (summary), $RUNS_CSV (every run), $BURST_CSV (concurrency runs);" \
  "this report: $REPORT"
} | tee "$REPORT"
ok_runs=$(awk -F, 'NR > 1 { n++; ok += $18 } END { printf "%d/%d", ok, n }' "$RUNS_CSV")
ok_runs="$ok_runs runs; concurrency: $(awk -F, 'NR > 1 && $2 != "floor" { n += $4; ok += $13 }
  END { printf "%d/%d jobs", ok, n }' "$BURST_CSV")"
if [ "$FAILS" -gt 0 ]; then
  echo "CORRECTNESS: $FAILS run(s) FAILED (exit code or bytes/checksum at the sink): $ok_runs ok"
  exit 1
fi
echo "CORRECTNESS: every job arrived byte for byte with exit 0 ($ok_runs)"
