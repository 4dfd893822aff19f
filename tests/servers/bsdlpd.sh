#!/bin/bash
#
# Run Debian's BSD lpd (package "lpr") on 127.0.0.1 for integration tests, without installing it.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Usage:
#   bsdlpd.sh start STATEDIR PORT [QUEUE...]   start lpd, queues default to "lp"; exit 77 = skip
#   bsdlpd.sh stop STATEDIR                    stop it; no process and no mount is left
#   bsdlpd.sh jobs STATEDIR [QUEUE]            received control files, oldest first
#
# The Debian package "lpr" (OpenBSD lpd) is fetched with `apt-get download` into $LPD_PKGCACHE
# (default STATEDIR/../pkgcache) and unpacked with `dpkg -x` under STATEDIR/root.  lpd runs in
# its own mount, PID and UTS namespace: /etc is an overlay (printcap, hosts.lpd, hosts,
# nsswitch.conf written into STATEDIR/etc-upper), /dev is an overlay (lpd creates its socket
# /dev/printer there), /run and /var/spool are private tmpfs, and STATEDIR/spool is bound to
# /var/spool/lpd.  Nothing on the host is installed or changed.  Names resolve from the private
# /etc/hosts only ("hosts: files"): lpd's reverse lookup of 127.0.0.1 gives "localhost", which
# hosts.lpd admits, and no DNS query leaves the machine.
#
# Jobs are held: each queue's printer device (lp=) is a path that does not exist, so the print
# daemon lpd starts after each job gives up at once and the job stays queued.  (`lpc stop` does
# not hold jobs with this lpd: the print daemon that recvjob starts clears the stop bit and
# prints.)  Each job stays in STATEDIR/spool/QUEUE as the control file cfANNNhost, where lpd
# has replaced the host part of the name with the client's resolved name ("localhost"); its
# content is byte for byte as received.  The data files keep their names (dfANNNclient).
#
# Environment:
#   LPD_PKGCACHE          where the .deb is cached
#   LPD_START_TIMEOUT     seconds to wait for the port (default 10)
#   LPD_PRINTCAP_EXTRA    extra printcap fields for every queue, e.g. ":mx#10"

set -euo pipefail

readonly PKG=lpr
readonly SERVER_HOSTNAME=lpdtest

# The namespace, package, start checks, stop, jobs and dispatch code shared with the other
# server script.
# shellcheck source=ns-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/ns-common.sh"

# 'die()' - print an error and exit 1.
die()
{
  echo "bsdlpd.sh: $*" >&2
  exit 1
}

# 'usage()' - print the command line and exit 2.
usage()
{
  echo "usage: bsdlpd.sh start STATEDIR PORT [QUEUE...] | stop STATEDIR | jobs STATEDIR [QUEUE]" >&2
  exit 2
}

# 'write_config()' - write printcap, hosts.lpd, hosts and nsswitch.conf into the /etc overlay.
write_config()
{
  local state=$1 q
  shift
  local upper=$state/etc-upper

  mkdir -p "$upper"
  : >"$upper/printcap"
  # No job size limit (mx#0) unless LPD_PRINTCAP_EXTRA sets one: a field given twice is ambiguous.
  local extra=${LPD_PRINTCAP_EXTRA:-}
  [[ "$extra" == *:mx* ]] || extra=":mx#0$extra"
  for q in "$@"; do
    printf '%s:sd=/var/spool/lpd/%s:lp=/var/spool/lpd/%s.nodev:lf=/var/spool/lpd/%s.log:sh%s:\n' \
      "$q" "$q" "$q" "$q" "$extra" >>"$upper/printcap"
  done
  # The queue's printer is QUEUE.nodev, which never exists: jobs stay queued (see the top).
  # lpd admits a client whose reverse-resolved name is listed here.
  printf 'localhost\n' >"$upper/hosts.lpd"
  : >"$upper/hosts.equiv"
  printf '127.0.0.1\tlocalhost %s\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
    "$SERVER_HOSTNAME" >"$upper/hosts"
  printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files\nservices: files\n' \
    >"$upper/nsswitch.conf"
}

# 'write_nsinit()' - write the script that runs as PID 1 of the namespace.
write_nsinit()
{
  local state=$1 port=$2
  local root=$state/root
  cat >"$state/nsinit.sh" <<EOF
# PID 1 of the test server's namespaces (written by tests/servers/bsdlpd.sh).
set -eu
# Close what the caller leaked to us (a test harness's pipes), except bash's own script fd.
for fd in /proc/self/fd/*; do
  n=\${fd##*/}
  case \$n in 0|1|2|255) ;; *) eval "exec \$n>&-" 2>/dev/null || true ;; esac
done
mount --make-rprivate /
mount -t overlay overlay -o lowerdir=/etc,upperdir='$state/etc-upper',workdir='$state/etc-work' /etc
mount -t overlay overlay -o lowerdir=/dev,upperdir='$state/dev-upper',workdir='$state/dev-work' /dev
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=0755 tmpfs /var/spool
mkdir -m 0755 /var/spool/lpd
mount --bind '$state/spool' /var/spool/lpd
hostname $SERVER_HOSTNAME
# lpd puts itself in the background and then writes its PID; this shell stays PID 1 for as long
# as lpd runs.
'$root/usr/sbin/lpd' -b 127.0.0.1 $port
i=0
until [ -s /run/lpd.pid ]; do
  i=\$((i + 1))
  [ \$i -le 100 ] || { echo "lpd wrote no /run/lpd.pid" >&2; exit 1; }
  sleep 0.1
done
pid=\$(cat /run/lpd.pid)
: >'$state/daemonized'
while kill -0 "\$pid" 2>/dev/null; do sleep 0.5; done
EOF
}

# 'cmd_start()' - start lpd on 127.0.0.1:PORT with the given queues and wait until it listens.
cmd_start()
{
  (($# >= 2)) || usage
  local state port q i timeout upid init dpid
  state=$(realpath -m "$1")
  port=$2
  shift 2
  local queues=("$@")
  ((${#queues[@]})) || queues=(lp)
  start_checks lp "$state" "$port" "${queues[@]}"
  # lpd binds without SO_REUSEADDR: a connection it closed first (TIME-WAIT, about 60 s) on this
  # port makes its bind fail, and it says so only to syslog.
  if command -v ss >/dev/null &&
    [[ -n "$(ss -Htan state time-wait "( src 127.0.0.1 and sport = :$port )" 2>/dev/null)" ]]; then
    die "127.0.0.1:$port still has TIME-WAIT connections that lpd closed; use another port"
  fi

  unpack_pkg "$state"

  rm -rf "$state/etc-upper" "$state/etc-work" "$state/dev-upper" "$state/dev-work" "$state/spool"
  rm -f "$state/pid" "$state/nsinit.pid" "$state/unshare.pid" "$state/pidns" "$state/port" \
    "$state/daemonized"
  mkdir -p "$state/etc-upper" "$state/etc-work" "$state/dev-upper" "$state/dev-work"
  # Debian's layout: lpd drops privileges to lp, the spool is lp:lp 2775.
  install -d -m 2775 -o lp -g lp "$state/spool"
  for q in "${queues[@]}"; do
    install -d -m 2775 -o lp -g lp "$state/spool/$q"
    install -m 0644 -o lp -g lp /dev/null "$state/spool/$q.log"
  done
  write_config "$state" "${queues[@]}"
  write_nsinit "$state" "$port"

  # (No --kill-child: util-linux 2.38.1 sometimes fails it with "sigprocmask unblock failed".)
  setsid unshare --mount --pid --fork --uts --propagation private \
    bash "$state/nsinit.sh" </dev/null >"$state/ns.log" 2>&1 &
  upid=$!
  echo "$upid" >"$state/unshare.pid"
  echo "$port" >"$state/port"

  timeout=${LPD_START_TIMEOUT:-10}
  init="" dpid=""
  for ((i = 0; i < timeout * 10; i++)); do
    alive "$upid" || break
    [[ -n "$init" ]] || init=$(children_of "$upid" | head -n 1)
    # Only once lpd has put itself in the background is its child of PID 1 the daemon.
    if [[ -n "$init" && -z "$dpid" && -e "$state/daemonized" ]]; then
      dpid=$(daemon_of "$init" "$state/root/usr/sbin/lpd")
    fi
    if [[ -n "$dpid" ]] && port_open "$port"; then
      record_daemon "$state" "$init" "$dpid"
      return 0
    fi
    sleep 0.1
  done
  echo "bsdlpd.sh: lpd did not listen on 127.0.0.1:$port within ${timeout}s" >&2
  cat "$state/ns.log" "$state/spool/"*.log >&2 2>/dev/null || true
  cmd_stop "$state" || true
  exit 1
}

# 'cmd_jobs()' - print the control files in the spool dir of QUEUE (all queues if none).
cmd_jobs()
{
  list_jobs 'cf*' "$@"
}

dispatch "$@"
