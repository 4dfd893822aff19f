# ns-common.sh - shared by tests/servers/lprng.sh and bsdlpd.sh: fetching the package, the
# shellcheck shell=bash
# daemon's PID namespace, stopping it, listing jobs and the command line.  Sourced; uses the
# caller's PKG, die(), usage(), cmd_start(), cmd_jobs() and layout.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0

# 'skip()' - tell the test harness this server cannot be had here (automake: exit 77).
skip()
{
  echo "SKIP: $*"
  exit 77
}

# 'check_queue_name()' - accept only names that are safe as a path and a printcap key.
check_queue_name()
{
  [[ "$1" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,30}$ ]] || die "bad queue name '$1'"
}

# 'fetch_deb()' - set DEB to the cached .deb of package $2 in dir $1, downloading it if needed.
fetch_deb()
{
  local cache=$1 name=$2 lockfd
  mkdir -p "$cache"
  # Tests may start servers in parallel: one download at a time, and no half-written .deb seen.
  exec {lockfd}>"$cache/.lock"
  flock "$lockfd"
  DEB=$(find "$cache" -maxdepth 1 -name "${name}_*.deb" -type f | sort | tail -n 1)
  if [[ -z "$DEB" ]]; then
    command -v apt-get >/dev/null || skip "apt-get not found, cannot fetch package $name"
    if ! (cd "$cache" && apt-get download -q "$name") >"$cache/apt-$name.log" 2>&1; then
      skip "apt-get download $name failed: $(tail -n 1 "$cache/apt-$name.log")" \
        "(apt-get update needed?)"
    fi
    DEB=$(find "$cache" -maxdepth 1 -name "${name}_*.deb" -type f | sort | tail -n 1)
    [[ -n "$DEB" ]] || skip "apt-get download $name produced no .deb"
  fi
  exec {lockfd}>&-
}

# 'port_open()' - succeed when something accepts TCP connections on 127.0.0.1:$1.
port_open()
{
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# 'pidns_of()' - print the PID namespace id of process $1 (empty when it is gone).
pidns_of()
{
  readlink "/proc/$1/ns/pid" 2>/dev/null || true
}

# 'alive()' - succeed while process $1 exists and is not a zombie.
alive()
{
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ "${stat:0:1}" != Z ]]
}

# 'children_of()' - print the child PIDs of process $1.
children_of()
{
  local c
  for c in $(cat "/proc/$1/task/"*/children 2>/dev/null || true); do echo "$c"; done
}

# 'daemon_of()' - print the child of process $1 that runs program $2 (the daemon's host PID).
daemon_of()
{
  local c
  for c in $(children_of "$1"); do
    if [[ "$(readlink "/proc/$c/exe" 2>/dev/null || true)" == "$2" ]]; then
      echo "$c"
      return 0
    fi
  done
  return 0
}

# 'ns_pids()' - print every PID whose PID namespace is $1.
ns_pids()
{
  local ns=$1 p
  for p in /proc/[0-9]*; do
    [[ "$(readlink "$p/ns/pid" 2>/dev/null || true)" == "$ns" ]] && echo "${p#/proc/}"
  done
  return 0
}

# 'cmd_stop()' - stop the daemon, then the namespace's PID 1, and check nothing is left.
cmd_stop()
{
  (($# == 1)) || usage
  local state ns pid init upid i left
  state=$(realpath -m "$1")
  ns=$(cat "$state/pidns" 2>/dev/null || true)
  pid=$(cat "$state/pid" 2>/dev/null || true)
  init=$(cat "$state/nsinit.pid" 2>/dev/null || true)
  upid=$(cat "$state/unshare.pid" 2>/dev/null || true)

  # Signal a PID only while it is still in our namespace: never a recycled PID.
  if [[ -n "$pid" && -n "$ns" && "$(pidns_of "$pid")" == "$ns" ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 30; i++)); do
      [[ "$(pidns_of "$pid")" == "$ns" ]] || break
      sleep 0.1
    done
  fi
  # A start that failed early may not have recorded PID 1: it is the child of our unshare.
  if [[ -z "$init" && -n "$upid" ]] && alive "$upid" &&
    tr '\0' ' ' <"/proc/$upid/cmdline" 2>/dev/null | grep -qF "$state/nsinit.sh"; then
    init=$(children_of "$upid" | head -n 1)
    [[ -z "$init" ]] || ns=$(pidns_of "$init")
  fi
  # Killing PID 1 of a PID namespace kills every process in it.
  if [[ -n "$init" && -n "$ns" && "$(pidns_of "$init")" == "$ns" ]]; then
    kill -KILL "$init" 2>/dev/null || true
  fi
  if [[ -n "$upid" ]]; then
    for ((i = 0; i < 50; i++)); do
      alive "$upid" || break
      sleep 0.1
    done
  fi
  if [[ -n "$ns" ]]; then
    for ((i = 0; i < 50; i++)); do
      left=$(ns_pids "$ns")
      [[ -z "$left" ]] && break
      sleep 0.1
    done
    [[ -z "$left" ]] || die "processes left in $ns: $left"
  fi
  # The mounts lived only in the namespace; make sure none leaked into ours.
  if grep -qF " $state/" /proc/self/mountinfo; then
    die "mounts under $state are still present"
  fi
  rm -f "$state/pid" "$state/nsinit.pid" "$state/unshare.pid" "$state/pidns"
}

# 'record_daemon()' - the daemon is listening: keep its PIDs and namespace for cmd_stop.
record_daemon()
{
  local state=$1 init=$2 dpid=$3
  pidns_of "$init" >"$state/pidns"
  echo "$init" >"$state/nsinit.pid"
  echo "$dpid" >"$state/pid"
}

# 'list_jobs()' - the files named PATTERN in the spool dir of QUEUE (all queues if none),
# oldest first: the order the jobs arrived in.  Args: PATTERN STATEDIR [QUEUE].
list_jobs()
{
  local pattern=$1 state d dirs=()
  shift
  (($# == 1 || $# == 2)) || usage
  state=$(realpath -m "$1")
  [[ -d "$state/spool" ]] || die "no spool dir in $state"
  if (($# == 2)); then
    check_queue_name "$2"
    [[ -d "$state/spool/$2" ]] || die "no queue '$2' in $state"
    dirs=("$state/spool/$2")
  else
    for d in "$state/spool"/*/; do
      [[ -d "$d" ]] && dirs+=("${d%/}")
    done
  fi
  ((${#dirs[@]})) || return 0
  find "${dirs[@]}" -maxdepth 1 -type f -name "$pattern" -printf '%T@ %p\n' |
    sort -n -k1,1 | cut -d' ' -f2-
}

# 'dispatch()' - run the command line: start, stop or jobs (the caller's cmd_start, cmd_jobs).
dispatch()
{
  (($# >= 1)) || usage
  local cmd=$1
  shift
  case "$cmd" in
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    jobs) cmd_jobs "$@" ;;
    *) usage ;;
  esac
}

# 'start_checks()' - validate STATEDIR PORT QUEUE..., skip where namespaces or USER are missing,
# refuse a running server or a busy port.  Args: USER STATEDIR PORT QUEUE...
start_checks()
{
  local user=$1 state=$2 port=$3 q
  shift 3
  if ! [[ "$port" =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
    die "bad port '$port'"
  fi
  for q in "$@"; do check_queue_name "$q"; done
  # The path goes into overlay mount options (',' and ':' separate) and a generated script.
  [[ "$state" =~ ^[A-Za-z0-9/._+-]+$ ]] || die "STATEDIR '$state' has unusual characters"

  ((EUID == 0)) || skip "needs root for mount namespaces and lpd's privilege drop"
  command -v unshare >/dev/null || skip "unshare not found"
  unshare --mount --pid --fork --uts true 2>/dev/null || skip "cannot create namespaces here"
  id "$user" >/dev/null 2>&1 || skip "no user '$user'"

  mkdir -p "$state"
  if [[ -s "$state/pid" && -s "$state/pidns" ]] &&
    [[ "$(pidns_of "$(cat "$state/pid")")" == "$(cat "$state/pidns")" ]]; then
    die "a server from $state is still running; stop it first"
  fi
  if port_open "$port"; then
    die "port $port on 127.0.0.1 is already in use"
  fi
}

# 'unpack_pkg()' - fetch $PKG and unpack it under STATEDIR/root, unless it holds that .deb.
unpack_pkg()
{
  local state=$1 cache deb
  cache=${LPD_PKGCACHE:-$(dirname "$state")/pkgcache}
  fetch_deb "$cache" "$PKG"
  deb=$DEB
  # Unpack again unless STATEDIR/root holds exactly this .deb (another server may have used it).
  if [[ "$(cat "$state/root/.deb" 2>/dev/null || true)" != "$deb" ||
    ! -x "$state/root/usr/sbin/lpd" ]]; then
    rm -rf "$state/root"
    mkdir -p "$state/root"
    dpkg -x "$deb" "$state/root" || die "dpkg -x $deb failed"
    # Unpacked for the test only: no set-user-ID programs left lying around.
    find "$state/root" -type f -perm /6000 -exec chmod ug-s {} +
    echo "$deb" >"$state/root/.deb"
  fi
}
