#!/bin/bash
# load.sh - the built backend under load against each real LPD server on loopback (LPRng's lpd,
# Debian's BSD lpd, CUPS's cups-lpd): 40 jobs started at once, then 1,000 small jobs in
# sequence; every job must arrive exactly once and byte-exact.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# The servers come from tests/servers/{lprng,bsdlpd,cups-lpd}.sh, started as in
# tests/real-servers.sh (unpacked .debs in private namespaces; a package that cannot be had is
# a skip with its reason).  Each job has its own content (a header line naming it, then
# pseudo-random bytes drawn from its number) and its own title, so a lost, duplicated or mixed
# up job is named.  What counts is what the server stored: LPRng's hf tickets and data files,
# BSD lpd's control and data files, the files cups-lpd's cupsd printed through a capture
# backend.  An ack is not an arrival.
#
# Phase 1 (burst): LOAD_BURST jobs (default 40) started at once per server, sizes mixed from
# 1 KiB to 3 MiB, stdin and file, modes auto and spooled (and immediate for LPRng, the one
# server that takes a data file of unknown size).  Phase 2 (soak): LOAD_SOAK jobs (default
# 1000) of 200 B to 4 KiB on stdin, one after the other per server; the three servers' soaks
# run side by side.  LPRng and BSD lpd are restarted between the phases, so that the soak's
# job numbers (CUPS job id % 1000: ids 1001-2000 give 001-999 and 000, each once) never meet
# a burst job still queued: BSD lpd refuses a job number it already holds (LPD-FACTS).  The
# backend runs with snmp=off: no agent answers on loopback, and SNMP is not under test here.
#
# Needs what tests/real-servers.sh needs, and python3.  Environment: LOAD_BURST, LOAD_SOAK
# (smaller numbers for a quick look), LPD_PKGCACHE, CUPS_LPR_CACHE, CUPS_LPR_CUPS_ROOT.

set -u
. "$(dirname "$0")/lib.sh"

TESTS=$top_srcdir/tests
export LPD_PKGCACHE=${LPD_PKGCACHE:-$CACHE/pkgcache}
BURST=${LOAD_BURST:-40}
SOAK=${LOAD_SOAK:-1000}
T0=$(date +%s)

# (start_real, and the SCRIPT, LABEL, PORT and STARTED it fills: tests/lib.sh)
real_servers_init

# stop_real NAME: stop a server; its script fails when a process or mount is left.
stop_real() {
  STARTED=$(echo "$STARTED" | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' ')
  "$TESTS/servers/${SCRIPT[$1]}" stop "$WORK/$1" >"$WORK/$1.stop" 2>&1
}

# stop_checked NAME: stop a server, as an assertion.
stop_checked() {
  if stop_real "$1"; then
    ok "${LABEL[$1]}: stopped, nothing left"
  else
    fail "${LABEL[$1]}: stop failed or left something"
    sed 's/^/    /' "$WORK/$1.stop"
  fi
}

stop_all_quietly() {
  local name
  for name in $STARTED; do stop_real "$name"; done
}
trap 'stop_all_quietly; cleanup' EXIT

# --- the jobs --------------------------------------------------------------------------------
# make_jobs DIR PREFIX FIRST COUNT SIZES: job files DIR/PREFIX-ID, ID from FIRST on, sizes taken
# in turn from the comma-separated SIZES: a header naming the job, then bytes drawn from its id.
make_jobs() {
  python3 - "$@" <<'EOF'
import random, sys
d, prefix, first, count, sizes = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), \
    [int(s) for s in sys.argv[5].split(",")]
for n in range(count):
    i = first + n
    head = b"cups-lpr load job %d\n" % i
    size = max(sizes[n % len(sizes)], len(head))
    body = random.Random(i).randbytes(size - len(head))
    with open("%s/%s-%d" % (d, prefix, i), "wb") as f:
        f.write(head + body)
EOF
}

mkdir -p "$WORK/jobs"
# Burst: 1 KiB to 3 MiB; 300 000 B is past auto mode's 256 KiB memory limit (it spools).
make_jobs "$WORK/jobs" burst 1 "$BURST" 1024,16384,100000,300000,1048576,3145728,5000,65536
make_jobs "$WORK/jobs" soak 1001 "$SOAK" 200,1024,4096,1500,333,2048,3000
JOBS_MB=$(du -sm "$WORK/jobs" | cut -f1)

# uri NAME MODE: the device URI of a job to NAME.
uri() { echo "lpr://127.0.0.1:${PORT[$1]}/lp?mode=$2&snmp=off"; }

# burst_mode NAME ID: the mode of burst job ID (immediate only where count 0 is taken).
burst_mode() {
  case $(($2 % 3)) in
    0) if [ "$1" = lprng ]; then echo immediate; else echo spooled; fi ;;
    1) echo auto ;;
    2) echo spooled ;;
  esac
}

# run_job NAME ID TITLE MODE SRC FILE: one backend run, as cupsd would (stdin pipe or file).
run_job() {
  local name=$1 id=$2 title=$3 mode=$4 src=$5 file=$6 out=$WORK/out/$1-$2
  if [ "$src" = file ]; then
    run_backend "$out" "$(uri "$name" "$mode")" "$id" alice "$title" 1 "" "$file" </dev/null
  else
    # shellcheck disable=SC2002 # cupsd feeds a backend through a pipe
    cat "$file" | run_backend "$out" "$(uri "$name" "$mode")" "$id" alice "$title" 1 ""
  fi
}

# --- what a server stored --------------------------------------------------------------------
# stored NAME STATEDIR: one line per stored job, "TITLE<TAB>COMPLETE<TAB>DATAFILE..." (complete
# is 1 once the server has the whole job: LPRng's ticket has datafiles= and no incoming_pid=,
# BSD lpd's data files exist, cups-lpd's cupsd printed it).
stored() {
  python3 - "$@" <<'EOF'
import glob, os, sys
name, state = sys.argv[1], sys.argv[2]
rows = []
if name == "lprng":
    spool = state + "/spool/lp"
    for hf in glob.glob(spool + "/hf*"):
        try:
            text = open(hf, errors="replace").read()
            kv = dict(l.split("=", 1) for l in text.split("\n") if "=" in l)
        except OSError:
            continue
        files = []
        for rec in kv.get("hfdatafiles", "").split("\x01"):
            for field in rec.split("\x02"):
                if field.startswith("dftransfername="):
                    files.append(spool + "/" + field.split("=", 1)[1])
        done = "datafiles" in kv and "incoming_pid" not in kv
        rows.append((kv.get("J", ""), done, files))
elif name == "bsd":
    spool = state + "/spool/lp"
    for cf in glob.glob(spool + "/cf*"):
        try:
            lines = open(cf, errors="replace").read().split("\n")
        except OSError:
            continue
        title = next((l[1:] for l in lines if l.startswith("J")), "")
        files = sorted({spool + "/" + l[1:] for l in lines if l.startswith("l")})
        rows.append((title, all(os.path.exists(f) for f in files), files))
else:
    for meta in glob.glob(state + "/out/job-*.meta"):
        text = open(meta, errors="replace").read()
        kv = dict(l.split("=", 1) for l in text.split("\n") if "=" in l)
        rows.append((kv.get("title", ""), True, [meta[:-5] + ".data"]))
for title, done, files in rows:
    print("\t".join([title, "1" if done else "0"] + files))
EOF
}

# complete_count NAME: how many complete jobs the server holds.
complete_count() { stored "$1" "$WORK/$1" | awk -F'\t' '$2 == 1' | wc -l; }

# wait_stored NAME N SECONDS: wait until N complete jobs are stored, SECONDS at most without
# progress.
wait_stored() {
  local n last=-1 still=0
  while :; do
    n=$(complete_count "$1")
    [ "$n" -ge "$2" ] && return 0
    if [ "$n" = "$last" ]; then
      still=$((still + 1))
      [ "$still" -ge $(($3 * 2)) ] && return 1
    else
      still=0
      last=$n
    fi
    sleep 0.5
  done
}

# verify NAME PREFIX FIRST COUNT TITLEFMT: each of the COUNT jobs stored exactly once, complete,
# one data file equal to its job file; no other job.  Prints what is wrong, at most 20 lines.
verify() {
  stored "$1" "$WORK/$1" >"$WORK/$1.stored"
  python3 - "$WORK/$1.stored" "$WORK/jobs" "$2" "$3" "$4" "$5" <<'EOF'
import filecmp, sys
listing, jobs, prefix, first, count, fmt = sys.argv[1], sys.argv[2], sys.argv[3], \
    int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
want = {fmt % i: i for i in range(first, first + count)}
seen, bad = {}, []
for line in open(listing, errors="replace").read().splitlines():
    f = line.split("\t")
    title, done, files = f[0], f[1] == "1", f[2:]
    if title not in want:
        bad.append("a job nobody sent: title %r, files %s" % (title, files))
        continue
    seen[title] = seen.get(title, 0) + 1
    if not done:
        bad.append("%s: incomplete at the server" % title)
    elif len(files) != 1:
        bad.append("%s: %d data files" % (title, len(files)))
    elif not filecmp.cmp(files[0], "%s/%s-%d" % (jobs, prefix, want[title]), shallow=False):
        bad.append("%s: data differs from what was sent (%s)" % (title, files[0]))
for title in want:
    if seen.get(title, 0) == 0:
        bad.append("%s: missing" % title)
    elif seen[title] > 1:
        bad.append("%s: stored %d times" % (title, seen[title]))
for b in bad[:20]:
    print(b)
print("%d stored, %d problems" % (sum(seen.values()), len(bad)))
sys.exit(1 if bad else 0)
EOF
}

# rc_summary NAME PREFIX: exit codes of a phase's backend runs, "0:N 1:M ..."; failures shown.
rc_summary() {
  cat "$WORK/out/$1-"*.rc 2>/dev/null | sort | uniq -c |
    awk '{ printf "%s%s:%s", s, $2, $1; s = " " }'
}

# show_failed_runs NAME: stderr of up to 3 backend runs that did not exit 0.
show_failed_runs() {
  local f n=0
  for f in "$WORK/out/$1-"*.rc; do
    [ "$(cat "$f")" = 0 ] && continue
    n=$((n + 1))
    [ $n -le 3 ] || break
    echo "    --- $(basename "${f%.rc}") exit $(cat "$f"):"
    tail -n 8 "${f%.rc}.err" | sed 's/^/    | /'
  done
}

# ms_since T: milliseconds from T (an $EPOCHREALTIME) to now.
ms_since() {
  local t=${1/./} now=${EPOCHREALTIME/./}
  echo $(((10#$now - 10#$t) / 1000))
}

# p95 FILE: the 95th percentile of the numbers in FILE, one a line.
p95() { sort -n "$1" | awk '{ a[NR] = $1 } END { i = int(NR * 0.95 + 0.999); print a[i] }'; }

# --- phase 1: the burst ----------------------------------------------------------------------
# burst NAME: BURST jobs to NAME at once; all exit 0, all stored once, byte-exact.
burst() {
  local name=$1 i src mode pids="" t0 t1 fails=$FAIL ms
  mkdir -p "$WORK/out"
  rm -f "$WORK/cache"/cups-lpr-nozero-*
  t0=$(date +%s%N)
  for i in $(seq 1 "$BURST"); do
    src=stdin
    [ $((i % 2)) = 0 ] && src="file"
    mode=$(burst_mode "$name" "$i")
    (
      s=$EPOCHREALTIME
      run_job "$name" "$i" "load $name burst $i" "$mode" "$src" "$WORK/jobs/burst-$i"
      ms_since "$s" >"$WORK/out/$name-$i.ms"
    ) &
    pids="$pids $!"
  done
  # shellcheck disable=SC2086
  wait $pids
  t1=$(date +%s%N)
  ms=$(((t1 - t0) / 1000000))
  cat "$WORK/out/$name-"*.ms >"$WORK/$name-burst.ms"
  echo "note: ${LABEL[$name]} burst: $BURST jobs at once in $ms ms, p95 per job" \
    "$(p95 "$WORK/$name-burst.ms") ms; exit codes $(rc_summary "$name")"
  check "${LABEL[$name]} burst: all $BURST backends exit 0" \
    [ "$(grep -lvx 0 "$WORK/out/$name-"*.rc 2>/dev/null | wc -l)" = 0 ]
  check "${LABEL[$name]} burst: $BURST complete jobs stored (60 s without progress at most)" \
    wait_stored "$name" "$BURST" 60
  check "${LABEL[$name]} burst: every job exactly once, byte-exact, none extra" \
    verify "$name" burst 1 "$BURST" "load $name burst %d"
  [ "$FAIL" -gt "$fails" ] && show_failed_runs "$name"
  mv "$WORK/out" "$WORK/out-burst-$name"
}

# --- phase 2: the soak -----------------------------------------------------------------------
# soak_run NAME: SOAK jobs to NAME, one after the other (run in the background per server).
soak_run() {
  local name=$1 i s
  # 1,000 runs of one code path find no leak that the other tests miss, and LeakSanitizer's
  # scan at exit is a third of an ASan build's CPU per small job: off here, on in the burst.
  # shellcheck disable=SC2034 # read by run_backend
  local SAN_ENV="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
  for i in $(seq 1001 $((1000 + SOAK))); do
    s=$EPOCHREALTIME
    run_job "$name" "$i" "load $name soak $i" auto stdin "$WORK/jobs/soak-$i"
    ms_since "$s" >>"$WORK/$name-soak.ms"
  done
}

# soak_check NAME SECONDS: the soak's outcome for NAME.
soak_check() {
  local name=$1 fails=$FAIL
  echo "note: ${LABEL[$name]} soak: $SOAK jobs in sequence, p95 per job" \
    "$(p95 "$WORK/$name-soak.ms") ms; exit codes $(rc_summary "$name")"
  check "${LABEL[$name]} soak: all $SOAK backends exit 0" \
    [ "$(grep -lvx 0 "$WORK/out/$name-"*.rc 2>/dev/null | wc -l)" = 0 ]
  check "${LABEL[$name]} soak: $SOAK complete jobs stored (60 s without progress at most)" \
    wait_stored "$name" "$SOAK" 60
  check "${LABEL[$name]} soak: every job exactly once, byte-exact, none extra" \
    verify "$name" soak 1001 "$SOAK" "load $name soak %d"
  [ "$FAIL" -gt "$fails" ] && show_failed_runs "$name"
}

# --- run -------------------------------------------------------------------------------------
echo "note: $BURST burst jobs and $SOAK soak jobs per server ($JOBS_MB MB of job files)"
for name in lprng bsd cupslpd; do
  start_real "$name" "burst and soak"
done
for name in lprng bsd cupslpd; do
  [ -n "${PORT[$name]:-}" ] && burst "$name"
done

# A fresh LPRng and BSD lpd: the burst's job numbers must not meet the soak's.
for name in lprng bsd; do
  if [ -n "${PORT[$name]:-}" ]; then
    stop_checked "$name"
    unset "PORT[$name]"
    start_real "$name" "burst and soak"
  fi
done
# cups-lpd's cupsd still holds the burst's jobs: the soak's are counted apart.
[ -n "${PORT[cupslpd]:-}" ] && mkdir -p "$WORK/cupslpd/out-burst" &&
  mv "$WORK/cupslpd/out"/job-* "$WORK/cupslpd/out-burst/" 2>/dev/null

mkdir -p "$WORK/out"
t0=$(date +%s)
pids=""
for name in lprng bsd cupslpd; do
  if [ -n "${PORT[$name]:-}" ]; then
    soak_run "$name" &
    pids="$pids $!"
  fi
done
# shellcheck disable=SC2086
[ -n "$pids" ] && wait $pids
echo "note: the soaks took $(($(date +%s) - t0)) s side by side"
for name in lprng bsd cupslpd; do
  [ -n "${PORT[$name]:-}" ] && soak_check "$name"
done

# --- stop: no process, no mount left ---------------------------------------------------------
for name in $STARTED; do
  stop_checked "$name"
done
left=""
for f in /proc/[0-9]*/cmdline; do
  p=${f#/proc/}
  p=${p%/cmdline}
  [ "$p" = $$ ] && continue
  { c=$(tr '\0' ' ' <"$f"); } 2>/dev/null || continue
  [[ $c == *"$WORK"* ]] && left="$left $p($c)"
done
check "no process of this test left${left:+:$left}" [ -z "$left" ]
echo "time: $(($(date +%s) - T0)) s"

finish
