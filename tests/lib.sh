# lib.sh - shared helpers of the integration tests: servers, the backend as cupsd runs it,
# assertions.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Sourced by tests/*.sh.  Needs top_builddir and top_srcdir (make check sets them).

: "${top_builddir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_srcdir:=$top_builddir}"
BACKEND=${BACKEND:-$top_builddir/lpr}
LPD_SERVER=$top_builddir/tests/lpd-server
PASS=0
FAIL=0
SKIP=0
PIDS=""
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cups-lpr-test.XXXXXX")
chmod 0755 "$WORK"

CACHE=${CUPS_LPR_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/cups-lpr}
EXIT_HOOKS=()

# at_exit COMMAND: run COMMAND (a string for eval) when the script exits, before the servers
# are stopped and WORK is removed; hooks run last registered first.
at_exit() { EXIT_HOOKS=("$1" "${EXIT_HOOKS[@]}"); }

# Every process a test starts is ended by PID, whatever happens.
cleanup() {
  local hook
  for hook in "${EXIT_HOOKS[@]}"; do eval "$hook"; done
  for pid in $PIDS; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok()   { PASS=$((PASS + 1)); printf 'ok   %s\n' "$*"; }
fail() { FAIL=$((FAIL + 1)); printf 'FAIL %s\n' "$*"; }
skip() { SKIP=$((SKIP + 1)); printf 'skip %s\n' "$*"; }

# check NAME COMMAND...: one assertion: it passes when COMMAND succeeds.  The only meaning of
# "check" in the tests; to compare two strings use check_eq.
check() {
  local name=$1
  shift
  if "$@"; then ok "$name"; else fail "$name"; fi
}

# check_eq NAME GOT WANT: one assertion: GOT equals WANT; on a mismatch show both (a diff).
check_eq() {
  local name=$1 got=$2 want=$3
  if [[ $got == "$want" ]]; then
    ok "$name"
  else
    fail "$name"
    diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | sed 's/^/#   /' | head -n 20 || true
  fi
}

# finish: the closing line the CI reads, and the exit status.
finish() {
  printf '%d passed, %d failed, %d skipped\n' "$PASS" "$FAIL" "$SKIP"
  [ "$FAIL" -eq 0 ]
}

# start_server NAME [lpd-server options...]: sets PORT_<NAME>, DIR_<NAME>, PID_<NAME>.
start_server() {
  local name=$1 dir
  shift
  if [[ ! $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
    echo "start_server: '$name' is not a name"
    return 1
  fi
  dir=$WORK/srv-$name
  mkdir -p "$dir"
  # (SERVER_QUIET='' keeps the server's event lines, with each client's address and port.)
  # shellcheck disable=SC2086
  "$LPD_SERVER" ${SERVER_QUIET--q} -d "$dir/rec" -P "$dir/port" "$@" >"$dir/stdout" \
    2>"$dir/stderr" &
  local pid=$!
  PIDS="$PIDS $pid"
  for _ in $(seq 1 100); do
    [ -s "$dir/port" ] && break
    sleep 0.05
  done
  [ -s "$dir/port" ] || { echo "lpd-server $name did not start: $(cat "$dir/stderr")"; return 1; }
  eval "PORT_$name=$(cat "$dir/port"); DIR_$name=$dir/rec; PID_$name=$pid"
}

# stop_server NAME
stop_server() {
  local pid
  eval "pid=\${PID_$1:-}"
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -vx "$pid" | tr '\n' ' ')
  unset "PID_$1"
}

# cupsd_dirs: TMPDIR and CUPS_CACHEDIR as cupsd makes them (TempDir root:lp 1770, CacheDir
# root:lp 0770) and a cups-files.conf naming User lp: run as root, the backend does the job as
# lp (backend/privs.c).
JOB_USER=lp
cupsd_dirs() {
  mkdir -p "$WORK/tmp" "$WORK/cache" "$WORK/serverroot"
  [ -s "$WORK/serverroot/cups-files.conf" ] ||
    printf 'User %s\nGroup %s\n' "$JOB_USER" "$JOB_USER" >"$WORK/serverroot/cups-files.conf"
  [ "$(id -u)" = 0 ] || return 0
  chgrp "$JOB_USER" "$WORK/tmp" "$WORK/cache"
  chmod 1770 "$WORK/tmp"
  chmod 0770 "$WORK/cache"
}

# snmp_helper: the built lpr-snmp, or a copy in WORK when lp (who runs it, as the backend's
# child) cannot reach the build tree (a 0700 home).
snmp_helper() {
  local h=$top_builddir/lpr-snmp
  if [ "$(id -u)" = 0 ] && [ -x "$h" ] &&
     ! setpriv --reuid="$JOB_USER" --regid="$JOB_USER" --clear-groups test -x "$h" 2>/dev/null
  then
    mkdir -p "$WORK/bin"
    [ -x "$WORK/bin/lpr-snmp" ] || install -m 0755 "$h" "$WORK/bin/lpr-snmp"
    h=$WORK/bin/lpr-snmp
  fi
  printf '%s' "$h"
}

# run_backend OUT URI JOBID USER TITLE COPIES OPTIONS [FILE]: run the backend the way cupsd
# does (argv[0] = URI, DEVICE_URI, TMPDIR, CUPS_CACHEDIR, CUPS_SERVERROOT, otherwise a clean
# environment), with stdin from wherever the caller redirected it.  Stderr goes to OUT.err,
# the exit code to OUT.rc.  Extra environment: BACKEND_ENV="VAR=value ...".  RUN_AS: a
# command prefix, e.g. "setpriv --reuid=lp ..." for a backend cupsd runs as lp (mode 0755).
run_backend() {
  local out=$1 uri=$2
  shift 2
  cupsd_dirs
  # shellcheck disable=SC2086
  ${RUN_AS:-} env -i PATH=/usr/bin:/bin DEVICE_URI="$uri" TMPDIR="${JOB_TMPDIR:-$WORK/tmp}" \
      CUPS_CACHEDIR="$WORK/cache" CUPS_MAX_MESSAGE="${MAX_MESSAGE:-2047}" PRINTER=test \
      CUPS_SERVERROOT="$WORK/serverroot" CUPS_LPR_SNMP_HELPER="$(snmp_helper)" \
      ${BACKEND_ENV:-} ${SAN_ENV:-} \
      bash -c 'exec -a "$0" "$@"' "$uri" "$BACKEND" "$@" 2>"$out.err" >"$out.out"
  echo $? >"$out.rc"
}

rc_of() { cat "$1.rc"; }

# descendants PID: the PIDs of every process below PID (children, their children, ...).
descendants() {
  local kid
  for kid in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
    echo "$kid"
    descendants "$kid"
  done
}

# term_backend PATTERN RUNNER: SIGTERM to the backend that RUNNER (the background subshell that
# ran it) started: the process below RUNNER whose command line matches PATTERN (an extended
# regex, e.g. '^lpr://[^ ]* 205 alice'), so a backend that another test runs on this machine
# is never touched; then wait for RUNNER.  Sets TERM_MS: how long the exit took.
TERM_MS=0
term_backend() {
  local t0 pid pids=""
  # Find it first, so that the time measured is the backend's alone.
  for pid in $(descendants "$2"); do
    { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qE -- "$1" && pids="$pids $pid"
  done
  t0=$(date +%s%N)
  [ -n "$pids" ] && kill -TERM $pids
  wait "$2"
  TERM_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
}

# lines_ok OUT: every stderr line within CUPS_MAX_MESSAGE, with a known prefix.
lines_ok() {
  local max=${MAX_MESSAGE:-2047}
  awk -v max="$max" '
    { if (length($0) + 1 > max) { print "too long: " length($0); bad = 1 }
      if ($0 !~ /^(EMERG|ALERT|CRIT|ERROR|WARNING|NOTICE|INFO|DEBUG|DEBUG2|PAGE|STATE|JOBSTATE|ATTR|PPD): /) {
        print "bad prefix: " substr($0, 1, 60); bad = 1 } }
    END { exit bad }' LC_ALL=C "$1.err"
}

# reasons_cleared OUT: every reason added with STATE: + is removed again by the end, except
# the printer's own conditions that SNMP reported (they stay true after the job, as in CUPS).
SNMP_REASONS='^(media-low-report|media-empty-warning|toner-low-report|toner-empty-warning|door-open-report|media-jam-warning|offline-report|service-needed-warning|input-tray-missing-warning|output-tray-missing-warning|marker-supply-missing-warning|output-area-almost-full-report|output-area-full-warning|marker-supply-low-report|marker-supply-empty-warning|developer-low-report|developer-empty-warning|opc-near-eol-report|opc-life-over-warning|cleaner-life-almost-over-report|cleaner-life-over-warning)$'
reasons_cleared() {
  awk -F'STATE: ' -v keep="$SNMP_REASONS" '/^STATE: /{
      n = split(substr($2, 2), r, ",")
      for (i = 1; i <= n; i++) { if (substr($2, 1, 1) == "+") set[r[i]] = 1; else delete set[r[i]] } }
    END { for (k in set) if (k !~ keep) { print "left set: " k; bad = 1 } exit bad }' "$1.err"
}

# count_lines OUT PREFIX: stderr lines starting with PREFIX.
count_lines() { grep -c "^$2" "$1.err"; }

# wait_jobs DIR N: wait until N job directories have a status (5 s at most).
wait_jobs() {
  for _ in $(seq 1 100); do
    [ "$(find "$1" -maxdepth 2 -name status 2>/dev/null | wc -l)" -ge "$2" ] && return 0
    sleep 0.05
  done
  return 1
}

# job_dir DIR N: the Nth job directory.
job_dir() { printf '%s/job-%04d' "$1" "$2"; }

# job_status DIR N
job_status() { cat "$(job_dir "$1" "$2")/status" 2>/dev/null; }

# njobs DIR: how many jobs the server recorded.
njobs() { find "$1" -maxdepth 1 -name 'job-*' -type d 2>/dev/null | wc -l; }

# data_file DIR N / control_file DIR N
data_file() { find "$(job_dir "$1" "$2")" -maxdepth 1 -name 'dfA*' | head -1; }
control_file() { find "$(job_dir "$1" "$2")" -maxdepth 1 -name 'cfA*' | head -1; }

# no_temp_files: the backend left nothing in its TMPDIR.
no_temp_files() { [ -z "$(ls -A "$WORK/tmp" 2>/dev/null)" ]; }

# sample FILE SIZE: deterministic pseudo-random data (the same bytes for the same size).
sample() {
  [ -f "$1" ] && return 0
  openssl enc -aes-128-ctr -nosalt -K 00112233445566778899aabbccddeeff \
      -iv 00000000000000000000000000000000 -in /dev/zero 2>/dev/null | head -c "$2" >"$1"
}

# port_unused PORT: no TCP or UDP socket on this machine uses PORT as its local or remote port,
# in any state (BSD lpd cannot bind a port that still has TIME-WAIT connections:
# docs/real-servers.md).
port_unused() {
  local h
  h=$(printf ':%04X' "$1")
  ! awk -v h="$h" 'FNR > 1 && (substr($2, length($2) - 4) == h || substr($3, length($3) - 4) == h) {
      f = 1 } END { exit !f }' /proc/net/tcp /proc/net/tcp6 /proc/net/udp /proc/net/udp6 2>/dev/null
}

# free_port: a port (TCP and UDP) below the ephemeral range that nothing uses and this run has
# not handed out yet.  Call it in the main shell ("port=$(free_port)" is fine: the record of
# handed-out ports lives in a file, so it survives the subshell).
free_port() {
  local p
  for _ in $(seq 1 1000); do
    p=$((20000 + RANDOM % 12000))
    grep -qx "$p" "$WORK/.ports" 2>/dev/null && continue
    port_unused "$p" || continue
    echo "$p" >>"$WORK/.ports"
    echo "$p"
    return 0
  done
  echo "free_port: no free port in 20000-31999" >&2
  return 1
}

# reachable_by_lp PATH: every directory up to / lets others traverse (cupsd runs the CGIs,
# cups-deviced's helpers and cups-lpd as lp).
reachable_by_lp() {
  local d=$1
  while [ -n "$d" ] && [ "$d" != / ]; do
    [ $((8#$(stat -c %a "$d") & 1)) = 1 ] || return 1
    d=$(dirname "$d")
  done
}

# ensure_cups_root PROGRAM: PROGRAM (cups-deviced, cups-lpd) and the rest of package cups (the
# CGIs, the web templates) are installed, or an unpacked cups root holds them: the one named by
# CUPS_LPR_CUPS_ROOT, else one fetched once (tests/cupsd/cupsd-ctl.sh fetch: apt-get download
# + dpkg -x) into $CACHE/cups-root.  Exports CUPS_LPR_CUPS_ROOT when a root is used; copies it
# into WORK when lp cannot reach the cache (a 0700 home).  Never fails: when nothing can be had,
# FETCH_WHY says why and the caller's server script skips.
FETCH_WHY=""
ensure_cups_root() {
  local prog=/usr/lib/cups/daemon/$1 dir=$CACHE/cups-root root
  FETCH_WHY=""
  [ -x "$prog" ] && return 0
  root=${CUPS_LPR_CUPS_ROOT:-$dir/root}
  if [ -z "${CUPS_LPR_CUPS_ROOT:-}" ] && [ ! -x "$root$prog" ]; then
    # (One fetch at a time: another test may be fetching into the same cache.)
    mkdir -p "$CACHE"
    flock "$CACHE/.fetch.lock" "$top_srcdir/tests/cupsd/cupsd-ctl.sh" fetch "$dir" \
      >"$WORK/cups-fetch.log" 2>&1 ||
      FETCH_WHY=" (cupsd-ctl.sh fetch failed: $(tail -n 1 "$WORK/cups-fetch.log"))"
  fi
  [ -x "$root$prog" ] || return 0
  if ! reachable_by_lp "$root"; then
    rm -rf "$WORK/cups-root"
    cp -a "$root" "$WORK/cups-root"
    root=$WORK/cups-root
  fi
  export CUPS_LPR_CUPS_ROOT=$root
}

# leftover_processes: "PID(command line)" of every process, other than this shell, whose
# command line names WORK: what a test started and did not end.
leftover_processes() {
  local f p cmd left=""
  for f in /proc/[0-9]*/cmdline; do
    p=${f#/proc/}
    p=${p%/cmdline}
    [ "$p" = $$ ] || [ "$p" = "$BASHPID" ] && continue
    { cmd=$(tr '\0' ' ' <"$f"); } 2>/dev/null || continue
    [[ $cmd == *"$WORK"* ]] && left="$left $p($cmd)"
  done
  echo "${left# }"
}

# stop_servers: stop every test LPD server still running (start_server), by PID.
stop_servers() {
  local var name
  for var in $(compgen -v PID_); do
    name=${var#PID_}
    stop_server "$name"
  done
}

# check_no_leftovers: one assertion: no process of this test is left (call it once the test has
# stopped what it started).
check_no_leftovers() {
  local left
  left=$(leftover_processes)
  check "no process of this test left${left:+: $left}" [ -z "$left" ]
}

# The private cupsd (cupsd.sh, privs.sh): tests/cupsd/cupsd-ctl.sh; its state directory is
# STATE, set by the test.
CUPSD_SH=$top_srcdir/tests/cupsd/cupsd-ctl.sh

# wait_final ID: wait (30 s at most) until job ID is completed, aborted, canceled or stopped
# (cupsd-ctl.sh job-state reads error_log); print the state.
wait_final() {
  local s
  for _ in $(seq 1 300); do
    s=$("$CUPSD_SH" job-state "$STATE" "$1")
    case $s in completed | aborted | canceled | stopped) break ;; esac
    sleep 0.1
  done
  echo "$s"
}

# job_log ID: cupsd's error_log lines of job ID.  job_has ID REGEX: one of them matches.
job_log() { grep -F "[Job $1] " "$CUPSD_ERROR_LOG"; }
job_has() { job_log "$1" | grep -q -- "$2"; }
job_lacks() { ! job_has "$@"; }

# submit QUEUE TITLE OPTIONS... FILES...: lp as user alice; print the job id.
submit() {
  local q=$1 title=$2
  shift 2
  lp -d "$q" -U alice -t "$title" "$@" 2>>"$WORK/lp.err" |
    sed -n "s/^request id is $q-\([0-9]*\) .*/\1/p"
}

# --- real LPD servers (tests/servers/*.sh) ---------------------------------------------------
# real_servers_init: the servers' scripts and labels; PORT gets each started server's port,
# STARTED the names to stop at the end (a half-started one too).  For the scripts that start
# them (real-servers.sh, load.sh); others keep PORT for their own use.
real_servers_init() {
  declare -gA SCRIPT=([lprng]=lprng.sh [bsd]=bsdlpd.sh [cupslpd]=cups-lpd.sh)
  declare -gA LABEL=([lprng]="LPRng lpd" [bsd]="BSD lpd" [cupslpd]=cups-lpd)
  declare -gA PORT=()
  STARTED=""
}

# start_real NAME WHAT: start one server on a free port; ok, skip (package not to be had: WHAT,
# e.g. "every case", is what the skip skips) or fail.
start_real() {
  local name=$1 what=$2 port rc=0 why
  port=$(free_port)
  if [ "$name" = cupslpd ]; then
    ensure_cups_root cups-lpd
    CUPS_LPD_CUPSD_PORT=$(free_port) "$TESTS/servers/${SCRIPT[$name]}" start "$WORK/$name" \
      "$port" >"$WORK/$name.start" 2>&1 || rc=$?
  else
    "$TESTS/servers/${SCRIPT[$name]}" start "$WORK/$name" "$port" >"$WORK/$name.start" 2>&1 ||
      rc=$?
  fi
  case $rc in
    0)
      PORT[$name]=$port
      STARTED="$STARTED $name"
      ok "${LABEL[$name]}: started on 127.0.0.1:$port"
      ;;
    77)
      why=$(grep -m1 '^SKIP:' "$WORK/$name.start" | cut -c7-)
      skip "${LABEL[$name]}: $what: $why${FETCH_WHY:-}"
      ;;
    *)
      STARTED="$STARTED $name"   # a half-started server is stopped all the same
      fail "${LABEL[$name]}: start failed (exit $rc)"
      sed 's/^/    /' "$WORK/$name.start"
      ;;
  esac
}
