#!/bin/bash
# cupsd-ctl.sh - run a private cupsd on 127.0.0.1 for integration tests.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Usage:
#   cupsd-ctl.sh start STATEDIR PORT [EXTRA_SERVERBIN_DIR]
#       Builds a complete CUPS tree in STATEDIR (etc/, spool/, cache/, run/, share/, serverbin/,
#       log/), starts `cupsd -f` listening on 127.0.0.1:PORT only, waits until it answers,
#       writes STATEDIR/pid and prints `export NAME=value` lines for eval.
#       Executables in EXTRA_SERVERBIN_DIR/backend are copied root-owned mode 0700 (cupsd then
#       runs them as root; CUPSD_BACKEND_MODE overrides, e.g. 0755 to run them as "lp"),
#       those in EXTRA_SERVERBIN_DIR/filter mode 0755.  CUPSD_SETENV="VAR=value ..." adds
#       SetEnv lines (environment for the backends and filters).
#   cupsd-ctl.sh stop STATEDIR      SIGTERM exactly the recorded cupsd (SIGKILL after a bound).
#   cupsd-ctl.sh env STATEDIR       Print the env lines again.
#   cupsd-ctl.sh fetch DIR          apt-get download + dpkg -x the packages that hold cups-deviced,
#                               cups-lpd, the CGIs and web templates (cups, cups-server-common,
#                               cups-core-drivers) into DIR/root, without installing them.
#   cupsd-ctl.sh freeport           Print a TCP port that is free on 127.0.0.1.
#   cupsd-ctl.sh job-state STATEDIR JOBID
#                               Print pending, held, processing, stopped, completed, aborted,
#                               canceled or unknown, from error_log (lpstat cannot show it).
#
# Where CUPS parts come from: /usr/lib/cups and /usr/share/cups first, then
# $CUPS_LPR_CUPS_ROOT (a `fetch` root, default ~/.cache/cups-lpr/cups-root/root when present).
# Without cups-deviced (package `cups`) `lpinfo -v` and the web UI cannot work: start prints
# "SKIP: ..." and exits 77.
#
# Environment knobs: CUPSD_START_TIMEOUT (s, default 20), CUPSD_STOP_TIMEOUT (s, default 20),
# CUPSD_BACKEND_MODE (default 0700), CUPSD_BACKENDS (CUPS backends linked into ServerBin,
# default "ipp ipps http https lpd socket"; "*" for all). Only these, because `lpinfo -v` and
# the Add Printer page run every backend to discover devices, and snmp, dnssd, driverless
# and the like would probe the LAN; tests stay on loopback.

set -euo pipefail

readonly CUPSD_BIN=${CUPSD_BIN:-/usr/sbin/cupsd}
readonly SYS_SERVERBIN=/usr/lib/cups
readonly SYS_DATADIR=/usr/share/cups

# die, skip, usage, abs_dir: shared with the other cupsd script.
# shellcheck source=script-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/script-common.sh"

# 'check_port()' - PORT must be a number in 1..65535.
check_port()
{
  if [[ ! $1 =~ ^[0-9]+$ ]] || (( $1 < 1 || $1 > 65535 )); then
    die "bad port '$1'"
  fi
}

# 'port_busy()' - true when something accepts connections on 127.0.0.1:PORT.
port_busy()
{
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# 'cups_root()' - print the extracted package root (may be empty).
cups_root()
{
  local root=${CUPS_LPR_CUPS_ROOT:-}

  if [[ -z $root && -n ${HOME:-} && -d $HOME/.cache/cups-lpr/cups-root/root ]]; then
    root=$HOME/.cache/cups-lpr/cups-root/root
  fi
  if [[ -n $root ]]; then
    printf '%s\n' "${root%/}"
  fi
}

# 'env_lines()' - print the client environment for the cupsd in STATEDIR.
env_lines()
{
  local statedir=$1 port

  [[ -f $statedir/port ]] || die "$statedir/port missing: not started by cupsd-ctl.sh?"
  port=$(<"$statedir/port")
  # CUPS_SERVER beats ServerName in any client.conf; CUPS_SERVERROOT makes libcups read
  # STATEDIR/etc/client.conf instead of /etc/cups/client.conf. ~/.cups/client.conf is still
  # read: CUPS_ENCRYPTION and CUPS_USER override its Encryption and User lines [live].
  printf 'export CUPS_SERVER=%q\n' "127.0.0.1:$port"
  printf 'export CUPS_SERVERROOT=%q\n' "$statedir/etc"
  printf 'export CUPS_ENCRYPTION=%q\n' "IfRequested"
  printf 'export CUPS_USER=%q\n' "$(id -un)"
  printf 'export CUPSD_STATEDIR=%q\n' "$statedir"
  printf 'export CUPSD_PORT=%q\n' "$port"
  printf 'export CUPSD_ERROR_LOG=%q\n' "$statedir/log/error_log"
}

# 'client()' - run a CUPS client tool against the cupsd in STATEDIR only.
client()
{
  local statedir=$1 port
  shift
  port=$(<"$statedir/port")
  env CUPS_SERVER="127.0.0.1:$port" CUPS_SERVERROOT="$statedir/etc" \
    CUPS_ENCRYPTION=IfRequested CUPS_USER="$(id -un)" "$@"
}

# 'link_entries()' - symlink the entries of SRC into DST unless DST already has that name;
# with ONLY (space-separated names, or "*"), just those.
link_entries()
{
  local src=$1 dst=$2 only=${3:-*} f name

  [[ -d $src ]] || return 0
  for f in "$src"/*; do
    [[ -e $f ]] || continue
    name=${f##*/}
    if [[ $only != "*" && " $only " != *" $name "* ]]; then
      continue
    fi
    [[ -e $dst/$name || -L $dst/$name ]] && continue
    ln -s "$f" "$dst/$name"
  done
}

# 'build_serverbin()' - ServerBin in STATEDIR: symlinks to CUPS's programs, copies of ours.
build_serverbin()
{
  local statedir=$1 extra=$2 root=$3 sb=$1/serverbin sub src f name
  local backends=${CUPSD_BACKENDS:-ipp ipps http https lpd socket}
  local backend_mode=${CUPSD_BACKEND_MODE:-0700}

  rm -rf "$sb"
  install -d -o root -g root -m 0755 "$sb"
  for src in "$SYS_SERVERBIN" ${root:+"$root/usr/lib/cups"}; do
    [[ -d $src ]] || continue
    for sub in "$src"/*/; do
      sub=${sub%/}
      name=${sub##*/}
      # The Debian package keeps backends in backend-available/ and links them at install.
      [[ $name == backend-available ]] && name=backend
      install -d -o root -g root -m 0755 "$sb/$name"
      if [[ $name == backend ]]; then
        link_entries "$sub" "$sb/$name" "$backends"
      else
        link_entries "$sub" "$sb/$name"
      fi
    done
  done
  install -d -o root -g root -m 0755 "$sb/backend" "$sb/filter"

  [[ -n $extra ]] || return 0
  [[ -d $extra ]] || die "EXTRA_SERVERBIN_DIR '$extra' is not a directory"
  # cupsd (_cupsFileCheck) refuses a program unless it and its directory are owned by root,
  # not group/other-writable and not setuid. A backend without the other-execute bit (0700,
  # 0744, 0750, 0500) runs as root, one with it (0755, 0711) as User (lp) [live].
  for f in "$extra"/backend/*; do
    [[ -f $f && -x $f ]] || continue
    rm -f "$sb/backend/${f##*/}"
    install -o root -g root -m "$backend_mode" "$f" "$sb/backend/${f##*/}"
  done
  for f in "$extra"/filter/*; do
    [[ -f $f && -x $f ]] || continue
    rm -f "$sb/filter/${f##*/}"
    install -o root -g root -m 0755 "$f" "$sb/filter/${f##*/}"
  done
}

# 'build_datadir()' - DataDir in STATEDIR merging /usr/share/cups and the fetched root.
build_datadir()
{
  local statedir=$1 root=$2 dd=$1/share src entry name

  rm -rf "$dd"
  install -d -o root -g root -m 0755 "$dd"
  for src in "$SYS_DATADIR" ${root:+"$root/usr/share/cups"}; do
    [[ -d $src ]] || continue
    for entry in "$src"/*; do
      [[ -e $entry ]] || continue
      name=${entry##*/}
      if [[ -d $entry && ! -L $entry ]]; then
        # mime/ holds mime.types (cups-daemon) and mime.convs (cups-core-drivers): merge.
        install -d -o root -g root -m 0755 "$dd/$name"
        link_entries "$entry" "$dd/$name"
      elif [[ ! -e $dd/$name ]]; then
        ln -s "$entry" "$dd/$name"
      fi
    done
  done
  # banners/ comes with cups-filters; an empty one spares an error line at every start.
  install -d -o root -g root -m 0755 "$dd/banners"
}

# 'write_conf()' - cups-files.conf, cupsd.conf and client.conf for STATEDIR and PORT.
write_conf()
{
  local statedir=$1 port=$2 docroot=$3

  cat >"$statedir/etc/cups-files.conf" <<EOF
# Generated by cupsd-ctl.sh: a private cupsd for tests. Nothing here points at system dirs
# except read-only data (DocumentRoot).
ServerRoot $statedir/etc
RequestRoot $statedir/spool
TempDir $statedir/spool/tmp
CacheDir $statedir/cache
StateDir $statedir/run
DataDir $statedir/share
DocumentRoot $docroot
ServerBin $statedir/serverbin
ServerKeychain $statedir/etc/ssl
CreateSelfSignedCerts no
AccessLog $statedir/log/access_log
ErrorLog $statedir/log/error_log
PageLog $statedir/log/page_log
LogFilePerm 0644
Printcap $statedir/run/printcap
FileDevice Yes
SystemGroup root
User lp
Group lp
EOF

  cat >"$statedir/etc/cupsd.conf" <<EOF
# Generated by cupsd-ctl.sh: loopback only, no browsing, no authentication.
LogLevel debug
MaxLogSize 0
Listen 127.0.0.1:$port
ServerName 127.0.0.1
Browsing No
BrowseLocalProtocols none
DefaultShared No
WebInterface Yes
HostNameLookups Off
DefaultEncryption IfRequested
PreserveJobHistory Yes
PreserveJobFiles No
JobRetryInterval 5
<Location />
  Order allow,deny
  Allow from 127.0.0.1
</Location>
<Location /admin>
  Order allow,deny
  Allow from 127.0.0.1
</Location>
<Location /admin/conf>
  Order allow,deny
  Allow from 127.0.0.1
</Location>
<Location /admin/log>
  Order allow,deny
  Allow from 127.0.0.1
</Location>
<Policy default>
  JobPrivateAccess all
  JobPrivateValues none
  SubscriptionPrivateAccess all
  SubscriptionPrivateValues none
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
EOF

  # CUPSD_SETENV="VAR=value ...": environment cupsd passes to the programs it runs.
  local kv
  for kv in ${CUPSD_SETENV:-}; do
    [[ $kv == [A-Z_]*=* ]] || die "bad CUPSD_SETENV entry '$kv'"
    echo "SetEnv ${kv%%=*} ${kv#*=}" >>"$statedir/etc/cups-files.conf"
  done

  cat >"$statedir/etc/client.conf" <<EOF
ServerName 127.0.0.1:$port
EOF
}

# 'check_traversable()' - the "lp" user (CGIs, filters) must reach STATEDIR.
check_traversable()
{
  local dir=$1 mode

  while [[ -n $dir && $dir != / ]]; do
    mode=$(stat -c %a "$dir")
    (( (8#$mode & 1) != 0 )) ||
      die "$dir is mode $mode: the lp user cannot traverse it (chmod o+x, or use another dir)"
    dir=${dir%/*}
  done
}

# 'is_our_cupsd()' - PID is alive and is the cupsd started on STATEDIR's config.
is_our_cupsd()
{
  local pid=$1 statedir=$2 state

  [[ -r /proc/$pid/cmdline ]] || return 1
  state=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ $state != Z ]] || return 1
  tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qxF "$statedir/etc/cupsd.conf"
}

# 'children_of()' - "PID:STARTTIME" of each process whose parent is PID.
children_of()
{
  local pid=$1 f line rest fields

  for f in /proc/[0-9]*/stat; do
    line=$(cat "$f" 2>/dev/null) || continue
    rest=${line##*) }
    read -r -a fields <<<"$rest"
    # After "comm)": state ppid ... starttime is field 22 of stat, index 19 here.
    if [[ ${fields[1]} == "$pid" ]]; then
      f=${f#/proc/}
      echo "${f%/stat}:${fields[19]}"
    fi
  done
}

# 'kill_if_same()' - SIGKILL "PID:STARTTIME" unless that PID now names another process.
kill_if_same()
{
  local pid=${1%%:*} start=${1##*:} line rest fields

  line=$(cat "/proc/$pid/stat" 2>/dev/null) || return 0
  rest=${line##*) }
  read -r -a fields <<<"$rest"
  if [[ ${fields[19]} == "$start" ]]; then
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

cmd_start()
{
  local statedir port extra root docroot pid i timeout

  (( $# >= 2 && $# <= 3 )) || usage
  statedir=$(abs_dir "$1")
  port=$2
  extra=${3:+$(abs_dir "$3")}
  check_port "$port"
  [[ $(id -u) == 0 ]] || skip "cupsd-ctl.sh needs root (cupsd runs backends as root or lp)"
  [[ -x $CUPSD_BIN ]] || skip "$CUPSD_BIN not found (package cups-daemon)"
  command -v lpstat >/dev/null || skip "lpstat not found (package cups-client)"
  root=$(cups_root)
  if [[ ! -x $SYS_SERVERBIN/daemon/cups-deviced &&
        ! -x ${root:-/nonexistent}/usr/lib/cups/daemon/cups-deviced ]]; then
    skip "cups-deviced not found: install package cups, or run 'cupsd-ctl.sh fetch DIR' and" \
      "set CUPS_LPR_CUPS_ROOT=DIR/root"
  fi

  if [[ -f $statedir/pid ]] && is_our_cupsd "$(<"$statedir/pid")" "$statedir"; then
    die "a cupsd is already running for $statedir (pid $(<"$statedir/pid"))"
  fi
  port_busy "$port" && die "127.0.0.1:$port is already in use"

  install -d -m 0755 "$statedir"
  chmod 0755 "$statedir"
  check_traversable "$statedir"
  # A fresh tree each time: job ids restart at 1 and error_log holds only this run.
  rm -rf "${statedir:?}/etc" "$statedir/spool" "$statedir/cache" "$statedir/run" "$statedir/log"
  rm -f "$statedir/pid" "$statedir/port"
  install -d -o root -g lp -m 0755 "$statedir/etc" "$statedir/etc/ppd" "$statedir/run"
  install -d -o root -g lp -m 0700 "$statedir/etc/ssl"
  install -d -o root -g lp -m 0710 "$statedir/spool"
  install -d -o root -g lp -m 1770 "$statedir/spool/tmp"
  install -d -o root -g lp -m 0770 "$statedir/cache"
  install -d -o root -g root -m 0755 "$statedir/log"

  build_serverbin "$statedir" "$extra" "$root"
  build_datadir "$statedir" "$root"
  docroot=$SYS_DATADIR/doc-root
  if [[ ! -d $docroot ]]; then
    docroot=${root:+$root/usr/share/cups/doc-root}
  fi
  if [[ -z $docroot || ! -d $docroot ]]; then
    docroot=$statedir/doc-root
    install -d -m 0755 "$docroot"
  fi
  write_conf "$statedir" "$port" "$docroot"
  echo "$port" >"$statedir/port"

  # cupsd -t checks the configuration without starting anything.
  if ! "$CUPSD_BIN" -t -c "$statedir/etc/cupsd.conf" -s "$statedir/etc/cups-files.conf" \
      >"$statedir/log/cupsd-t.out" 2>&1; then
    cat "$statedir/log/cupsd-t.out" >&2
    die "cupsd -t rejected the generated configuration"
  fi

  # Unset inherited CUPS_* so that another instance's environment cannot leak in.
  env -u CUPS_SERVER -u CUPS_SERVERROOT -u CUPS_DATADIR -u CUPS_SERVERBIN \
    -u CUPS_STATEDIR -u CUPS_CACHEDIR -u CUPS_DOCROOT -u CUPS_REQUESTROOT \
    -u CUPS_ENCRYPTION -u CUPS_USER \
    "$CUPSD_BIN" -f -c "$statedir/etc/cupsd.conf" -s "$statedir/etc/cups-files.conf" \
    </dev/null >"$statedir/log/cupsd.out" 2>&1 &
  pid=$!
  echo "$pid" >"$statedir/pid"

  timeout=${CUPSD_START_TIMEOUT:-20}
  for (( i = 0; i < timeout * 10; i++ )); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$statedir/log/error_log" "$statedir/log/cupsd.out" >&2 2>/dev/null || true
      rm -f "$statedir/pid"
      die "cupsd exited during startup (see $statedir/log)"
    fi
    if client "$statedir" lpstat -r 2>/dev/null | grep -q 'scheduler is running'; then
      env_lines "$statedir"
      return 0
    fi
    sleep 0.1
  done
  cmd_stop "$statedir" >/dev/null 2>&1 || true
  die "cupsd did not answer on 127.0.0.1:$port within ${timeout}s (see $statedir/log)"
}

cmd_stop()
{
  local statedir pid i timeout kids k

  (( $# == 1 )) || usage
  statedir=$(abs_dir "$1")
  [[ -f $statedir/pid ]] || return 0
  pid=$(<"$statedir/pid")
  if ! is_our_cupsd "$pid" "$statedir"; then
    rm -f "$statedir/pid"
    return 0
  fi
  # Backends and filters of running jobs are cupsd's children; cupsd sends them SIGTERM on
  # shutdown, but remember them so that none outlives the test.
  kids=$(children_of "$pid")
  kill -TERM "$pid" 2>/dev/null || true
  timeout=${CUPSD_STOP_TIMEOUT:-20}
  for (( i = 0; i < timeout * 10; i++ )); do
    is_our_cupsd "$pid" "$statedir" || break
    sleep 0.1
  done
  if is_our_cupsd "$pid" "$statedir"; then
    echo "cupsd-ctl.sh: cupsd $pid ignored SIGTERM for ${timeout}s, sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  for k in $kids; do
    kill_if_same "$k"
  done
  rm -f "$statedir/pid"
}

cmd_env()
{
  (( $# == 1 )) || usage
  env_lines "$(abs_dir "$1")"
}

cmd_fetch()
{
  local dir version pkg deb

  (( $# == 1 )) || usage
  dir=$(abs_dir "$1")
  version=$(dpkg-query -W -f='${Version}' cups-daemon 2>/dev/null) ||
    die "cups-daemon is not installed"
  if [[ -f $dir/root/.version && $(<"$dir/root/.version") == "$version" ]]; then
    echo "$dir/root"
    return 0
  fi
  rm -rf "$dir/debs" "$dir/root"
  install -d -m 0755 "$dir" "$dir/debs" "$dir/root"
  # apt-get drops to _apt for downloads when it can write the target directory.
  if getent passwd _apt >/dev/null; then
    chown _apt "$dir/debs"
  fi
  # The package versions must match the installed cupsd: same source package.
  (cd "$dir/debs" && apt-get download -q \
    "cups=$version" "cups-server-common=$version" "cups-core-drivers=$version") >&2
  for deb in "$dir"/debs/*.deb; do
    dpkg -x "$deb" "$dir/root"
  done
  chown -R root:root "$dir/root"
  chmod -R go-w "$dir/root"
  chmod 0755 "$dir" "$dir/root"
  for pkg in cups-deviced cups-lpd; do
    [[ -x $dir/root/usr/lib/cups/daemon/$pkg ]] || die "$pkg missing after extraction"
  done
  echo "$version" >"$dir/root/.version"
  echo "$dir/root"
}

cmd_job_state()
{
  local statedir id

  (( $# == 2 )) || usage
  statedir=$(abs_dir "$1")
  id=$2
  [[ $id =~ ^[0-9]+$ ]] || die "bad job id '$id'"
  [[ -f $statedir/log/error_log ]] || die "$statedir/log/error_log missing"
  # lpstat shows no job-state, so read the scheduler's own account of the job. The last
  # matching line wins; "Job purged" keeps the state the job had.
  awk -v tag="[Job $id]" '
    index($0, tag) == 0 { next }
    / Job completed\./ { s = "completed"; next }
    / Job aborted/ { s = "aborted"; next }
    / Job canceled/ { s = "canceled"; next }
    / Job held/ { s = "held"; next }
    / Job stopped/ || / Printer stopped/ { s = "stopped"; next }
    / Job hold expired/ || / Job released/ || / Queued on / { s = "pending"; next }
    / Started (backend|filter) / { s = "processing"; next }
    END { print (s == "" ? "unknown" : s) }
  ' "$statedir/log/error_log"
}

cmd_freeport()
{
  local port i

  for (( i = 0; i < 200; i++ )); do
    port=$(( 20000 + RANDOM % 30000 ))
    port_busy "$port" || { echo "$port"; return 0; }
  done
  die "no free port found"
}

(( $# >= 1 )) || usage
cmd=$1
shift
case $cmd in
  start) cmd_start "$@" ;;
  stop) cmd_stop "$@" ;;
  env) cmd_env "$@" ;;
  fetch) cmd_fetch "$@" ;;
  freeport) cmd_freeport "$@" ;;
  job-state) cmd_job_state "$@" ;;
  *) usage ;;
esac
