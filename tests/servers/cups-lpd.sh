#!/bin/bash
# cups-lpd.sh - run CUPS's cups-lpd (a real LPD server) on 127.0.0.1 for integration tests.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Usage:
#   cups-lpd.sh start STATEDIR PORT [QUEUE]
#       Starts a private cupsd (tests/cupsd/cupsd-ctl.sh, STATEDIR/cupsd, on a free port or
#       $CUPS_LPD_CUPSD_PORT) with a shared, accepting raw queue QUEUE (default lp) whose
#       backend "lpdcapture" stores each job as STATEDIR/out/job-ID.data (+ job-ID.meta with
#       user, title, copies, options, content type); then listens on 127.0.0.1:PORT with
#       socat TCP-LISTEN:PORT,bind=127.0.0.1,reuseaddr,fork EXEC:"cups-lpd -n",nofork
#       (one cups-lpd per connection, on the TCP socket itself). Prints export lines:
#       CUPS_LPD_PORT, CUPS_LPD_QUEUE, CUPS_LPD_STATEDIR, CUPS_LPD_CUPSD_SERVER.
#       cups-lpd logs only to syslog: when a private mount namespace with an overlay on /dev
#       can be had, its messages are kept in STATEDIR/log/cups-lpd.log.
#   cups-lpd.sh stop STATEDIR      Stop socat (and any cups-lpd still serving), then cupsd.
#   cups-lpd.sh jobs STATEDIR      One line per job the private cupsd received:
#                                  "JOBID<TAB>STATE<TAB>PATH" (PATH "-" while not printed).
#   cups-lpd.sh wait STATEDIR N [SECONDS]
#                                  Wait until N jobs have reached a final state.
#   cups-lpd.sh env STATEDIR       Print the export lines again.
# Exit 77 with "SKIP: reason" when cups-lpd, cupsd or socat cannot be had.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
cupsd_sh=$here/../cupsd/cupsd-ctl.sh

# die, skip, usage, abs_dir: shared with the other cupsd script.
# shellcheck source=../cupsd/script-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../cupsd/script-common.sh"

# 'listening()' - true when a socket listens on 127.0.0.1:PORT (read from /proc, no probe
# connection: every connection would start a cups-lpd).
listening()
{
  local hex

  hex=$(printf '0100007F:%04X' "$1")
  awk -v a="$hex" '$2 == a && $4 == "0A" { found = 1 } END { exit !found }' /proc/net/tcp
}

# 'proc_start()' - start time of PID (field 22 of /proc/PID/stat), empty if gone.
proc_start()
{
  local line rest fields

  line=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  rest=${line##*) }
  read -r -a fields <<<"$rest"
  echo "${fields[19]}"
}

# 'kill_recorded()' - kill the process recorded as "PID START" in FILE if it is still that one.
kill_recorded()
{
  local file=$1 pid start i line rest fields f

  [[ -f $file ]] || return 0
  read -r pid start <"$file" || true
  rm -f "$file"
  [[ -n ${pid:-} && $(proc_start "$pid") == "${start:-x}" ]] || return 0
  # Connections in progress: cups-lpd processes forked by this socat.
  for f in /proc/[0-9]*/stat; do
    line=$(cat "$f" 2>/dev/null) || continue
    rest=${line##*) }
    read -r -a fields <<<"$rest"
    if [[ ${fields[1]} == "$pid" ]]; then
      f=${f#/proc/}
      kill -TERM "${f%/stat}" 2>/dev/null || true
    fi
  done
  kill -TERM "$pid" 2>/dev/null || true
  for (( i = 0; i < 50; i++ )); do
    [[ $(proc_start "$pid") == "$start" ]] || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

# 'capture_backend()' - write the lpdcapture backend into DIR/backend.
capture_backend()
{
  install -d -m 0755 "$1/backend"
  cat >"$1/backend/lpdcapture" <<'EOF'
#!/bin/sh
# lpdcapture - test backend: keep each job's bytes and attributes in the URI's directory.
# DEVICE_URI is lpdcapture:/absolute/dir; argv is job-id user title copies options [file].
if [ $# -eq 0 ]; then
  echo 'direct lpdcapture "Unknown" "cups-lpr test capture"'
  exit 0
fi
dir=${DEVICE_URI#lpdcapture:}
case $dir in
  /*) ;;
  *) echo "ERROR: bad DEVICE_URI $DEVICE_URI" >&2; exit 4 ;;
esac
umask 022
tmp=$dir/.job-$1.tmp
if [ $# -ge 6 ]; then cat "$6" >"$tmp" || exit 1; else cat >"$tmp" || exit 1; fi
{
  echo "job-id=$1"
  echo "user=$2"
  echo "title=$3"
  echo "copies=$4"
  echo "options=$5"
  echo "content-type=$CONTENT_TYPE"
  echo "bytes=$(wc -c <"$tmp" | tr -d ' ')"
} >"$dir/job-$1.meta"
mv "$tmp" "$dir/job-$1.data"
echo "INFO: lpdcapture stored job $1 in $dir/job-$1.data" >&2
exit 0
EOF
  chmod 0755 "$1/backend/lpdcapture"
}

env_lines()
{
  local statedir=$1

  [[ -f $statedir/port ]] || die "$statedir/port missing: not started by cups-lpd.sh?"
  printf 'export CUPS_LPD_PORT=%q\n' "$(<"$statedir/port")"
  printf 'export CUPS_LPD_QUEUE=%q\n' "$(<"$statedir/queue")"
  printf 'export CUPS_LPD_STATEDIR=%q\n' "$statedir"
  printf 'export CUPS_LPD_CUPSD_SERVER=%q\n' "127.0.0.1:$(<"$statedir/cupsd/port")"
}

# 'cupsd_client()' - run a client tool against the private cupsd only.
cupsd_client()
{
  local statedir=$1
  shift
  env CUPS_SERVER="127.0.0.1:$(<"$statedir/cupsd/port")" CUPS_USER="$(id -un)" \
    CUPS_SERVERROOT="$statedir/cupsd/etc" CUPS_ENCRYPTION=IfRequested "$@"
}

cmd_start()
{
  local statedir port queue cport lpd pid i rc py

  (( $# >= 2 && $# <= 3 )) || usage
  statedir=$(abs_dir "$1")
  port=$2
  queue=${3:-lp}
  if [[ ! $port =~ ^[0-9]+$ ]] || (( port < 1 || port > 65535 )); then
    die "bad port '$port'"
  fi
  [[ $queue =~ ^[A-Za-z0-9_.-]{1,127}$ ]] || die "bad queue name '$queue'"
  command -v socat >/dev/null || skip "socat not installed"
  [[ -x $cupsd_sh ]] || die "$cupsd_sh missing"
  if [[ -f $statedir/socat.pid ]]; then
    read -r pid _ <"$statedir/socat.pid" || true
    [[ -n ${pid:-} && -n $(proc_start "$pid") ]] && die "already running for $statedir"
  fi
  listening "$port" && die "127.0.0.1:$port is already in use"

  install -d -m 0755 "$statedir"
  chmod 0755 "$statedir"
  rm -rf "$statedir/out" "$statedir/extra" "$statedir/log" "$statedir/ns"
  install -d -m 0755 "$statedir/out" "$statedir/log"
  capture_backend "$statedir/extra"
  echo "$port" >"$statedir/port"
  echo "$queue" >"$statedir/queue"

  cport=${CUPS_LPD_CUPSD_PORT:-$("$cupsd_sh" freeport)}
  rc=0
  # lpdcapture must run as root to write STATEDIR/out, whatever the caller exported.
  CUPSD_BACKEND_MODE=0700 "$cupsd_sh" start "$statedir/cupsd" "$cport" "$statedir/extra" \
    >"$statedir/log/cupsd-env" || rc=$?
  if (( rc == 77 )); then
    cat "$statedir/log/cupsd-env"
    exit 77
  fi
  (( rc == 0 )) || die "private cupsd did not start (see $statedir/cupsd/log)"

  lpd=$statedir/cupsd/serverbin/daemon/cups-lpd
  if [[ ! -x $lpd ]]; then
    "$cupsd_sh" stop "$statedir/cupsd"
    skip "cups-lpd not found (package cups, or cupsd-ctl.sh fetch + CUPS_LPR_CUPS_ROOT)"
  fi

  # Raw queue: cups-lpd's bytes reach the backend unchanged. lpadmin warns that raw queues
  # are deprecated; that line is dropped, any other error is shown.
  cupsd_client "$statedir" lpadmin -p "$queue" -E -v "lpdcapture:$statedir/out" -m raw \
    -o printer-is-shared=true -o printer-error-policy=abort-job 2>&1 |
    { grep -v 'Raw queues are deprecated' >&2 || true; }
  cupsd_client "$statedir" lpstat -a "$queue" | grep -q accepting ||
    die "queue $queue is not accepting jobs"

  # cups-lpd writes its errors to syslog only. Give it a /dev/log of its own: a private mount
  # namespace with an overlay on /dev, and a receiver writing STATEDIR/log/cups-lpd.log.
  # Without a private namespace (or with CUPS_LPD_SYSLOG=0) nothing is mounted anywhere.
  install -d -m 0755 "$statedir/ns/upper" "$statedir/ns/work"
  py=$(command -v python3 || true)
  ns=()
  if [[ ${CUPS_LPD_SYSLOG:-1} == 1 ]] && unshare -m --propagation private true 2>/dev/null; then
    ns=(unshare -m --propagation private --)
  fi
  # shellcheck disable=SC2016 # the single-quoted script is expanded by the inner bash
  env CUPS_SERVER="127.0.0.1:$cport" CUPS_SERVERROOT="$statedir/cupsd/etc" \
    CUPS_ENCRYPTION=IfRequested STATEDIR="$statedir" PORT="$port" LPD="$lpd" PY="$py" \
    IN_NS=${#ns[@]} \
    "${ns[@]}" bash -c '
      log=$STATEDIR/log/cups-lpd.log
      if (( IN_NS > 0 )) &&
         mount -t overlay overlay \
           -o "lowerdir=/dev,upperdir=$STATEDIR/ns/upper,workdir=$STATEDIR/ns/work" /dev \
           2>>"$STATEDIR/log/socat.log"; then
        rm -f /dev/log
        if [[ -n $PY ]]; then
          "$PY" -c "
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(\"/dev/log\")
os.chmod(\"/dev/log\", 0o666)
f = open(sys.argv[1], \"ab\", 0)
while True:
    f.write(s.recv(65536).rstrip(b\"\\n\") + b\"\\n\")
" "$log" </dev/null >/dev/null 2>>"$STATEDIR/log/socat.log" &
        else
          socat -u UNIX-RECV:/dev/log,mode=666 "OPEN:$log,creat,append" \
            </dev/null >/dev/null 2>>"$STATEDIR/log/socat.log" &
        fi
        echo "$! $(cut -d" " -f22 /proc/$!/stat)" >"$STATEDIR/syslog.pid"
        for (( i = 0; i < 50; i++ )); do
          [[ -S /dev/log ]] && break
          sleep 0.1
        done
      else
        echo "no private /dev/log: cups-lpd messages are lost" >"$log"
      fi
      exec socat TCP-LISTEN:"$PORT",bind=127.0.0.1,reuseaddr,fork \
        EXEC:"$LPD -n",nofork
    ' </dev/null >/dev/null 2>>"$statedir/log/socat.log" &
  pid=$!
  sleep 0.05
  echo "$pid $(proc_start "$pid")" >"$statedir/socat.pid"

  for (( i = 0; i < 100; i++ )); do
    if [[ -z $(proc_start "$pid") ]]; then
      cat "$statedir/log/socat.log" >&2 || true
      "$cupsd_sh" stop "$statedir/cupsd"
      die "socat exited during startup"
    fi
    if listening "$port"; then
      env_lines "$statedir"
      return 0
    fi
    sleep 0.1
  done
  cmd_stop "$statedir"
  die "socat did not listen on 127.0.0.1:$port within 10s"
}

cmd_stop()
{
  local statedir

  (( $# == 1 )) || usage
  statedir=$(abs_dir "$1")
  kill_recorded "$statedir/socat.pid"
  kill_recorded "$statedir/syslog.pid"
  if [[ -d $statedir/cupsd ]]; then
    "$cupsd_sh" stop "$statedir/cupsd"
  fi
}

cmd_jobs()
{
  local statedir id state path

  (( $# == 1 )) || usage
  statedir=$(abs_dir "$1")
  [[ -f $statedir/cupsd/port ]] || die "$statedir not started by cups-lpd.sh"
  # -W must come before -o: lpstat applies options in order.
  cupsd_client "$statedir" lpstat -W all -o "$(<"$statedir/queue")" |
    awk '{ n = split($1, a, "-"); print a[n] }' | sort -n |
    while read -r id; do
      state=$("$cupsd_sh" job-state "$statedir/cupsd" "$id")
      path=$statedir/out/job-$id.data
      [[ -f $path ]] || path=-
      printf '%s\t%s\t%s\n' "$id" "$state" "$path"
    done
}

cmd_wait()
{
  local statedir want timeout i n

  (( $# >= 2 && $# <= 3 )) || usage
  statedir=$(abs_dir "$1")
  want=$2
  timeout=${3:-30}
  for (( i = 0; i < timeout * 10; i++ )); do
    n=$(cmd_jobs "$statedir" | awk -F'\t' '$2 ~ /^(completed|aborted|canceled)$/' | wc -l)
    (( n >= want )) && return 0
    sleep 0.1
  done
  echo "cups-lpd.sh: only $n of $want jobs final after ${timeout}s" >&2
  return 1
}

(( $# >= 1 )) || usage
cmd=$1
shift
case $cmd in
  start) cmd_start "$@" ;;
  stop) cmd_stop "$@" ;;
  jobs) cmd_jobs "$@" ;;
  wait) cmd_wait "$@" ;;
  env) (( $# == 1 )) || usage; env_lines "$(abs_dir "$1")" ;;
  *) usage ;;
esac
