#!/bin/bash
#
# Run LPRng's lpd on 127.0.0.1 for integration tests, without installing it.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Usage:
#   lprng.sh start STATEDIR PORT [QUEUE...]   start lpd, queues default to "lp"; exit 77 = skip
#   lprng.sh stop STATEDIR                    stop it; no process and no mount is left
#   lprng.sh jobs STATEDIR [QUEUE]            received jobs' ticket files, oldest first
#
# The Debian package "lprng" is fetched with `apt-get download` into $LPD_PKGCACHE (default
# STATEDIR/../pkgcache) and unpacked with `dpkg -x` under STATEDIR/root.  lpd runs in its own
# mount, PID and UTS namespace: /etc is an overlay (lpd.conf, lpd.perms, printcap, hosts,
# nsswitch.conf written into STATEDIR/etc-upper), /run and /var/spool are private tmpfs, and
# STATEDIR/spool is bound to /var/spool/lpd.  Nothing on the host is installed or changed.
# Names resolve from the private /etc/hosts only ("hosts: files"), so lpd sends no DNS query.
# Every queue has ":ah" (auto-hold): jobs stay in STATEDIR/spool/QUEUE for the test to read.
#
# LPRng does not keep the control file it received: it parses it into a job ticket, the "hold
# file" hfNNN (lines "KEY=value": H=, P=, J=, N is in hfdatafiles=, ...), and keeps each data
# file under its transfer name (dfANNNhost) next to it.  So `jobs` prints the hfNNN paths; see
# docs/real-servers.md for the format.
#
# Environment:
#   LPD_PKGCACHE          where the .deb is cached
#   LPD_START_TIMEOUT     seconds to wait for the port (default 10)
#   LPD_PRINTCAP_EXTRA    extra printcap fields for every queue, e.g. ":mx#10"

set -euo pipefail

readonly PKG=lprng
readonly SERVER_HOSTNAME=lpdtest

# The namespace, package, start checks, stop, jobs and dispatch code shared with the other
# server script.
# shellcheck source=ns-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/ns-common.sh"

# 'die()' - print an error and exit 1.
die()
{
  echo "lprng.sh: $*" >&2
  exit 1
}

# 'usage()' - print the command line and exit 2.
usage()
{
  echo "usage: lprng.sh start STATEDIR PORT [QUEUE...] | stop STATEDIR | jobs STATEDIR [QUEUE]" >&2
  exit 2
}

# 'write_config()' - write lpd.conf, lpd.perms, printcap, hosts, nsswitch.conf to the overlay.
write_config()
{
  local state=$1 port=$2 q
  shift 2
  local upper=$state/etc-upper

  mkdir -p "$upper/lprng"
  cat >"$upper/lprng/lpd.conf" <<EOF
# Written by tests/servers/lprng.sh: test server on 127.0.0.1:$port only.
lpd_listen_port=127.0.0.1%$port
lpd_port=127.0.0.1%$port
printcap_path=/etc/printcap
lpd_printcap_path=/etc/printcap
perms_path=/etc/lprng/lpd.perms
lockfile=/run/lprng/lpd
logfile=/var/spool/lpd/lpd.log
unix_socket_path=off
user=daemon
group=daemon
poll_time=6000
EOF
  # Debian's default perms say "REJECT NOT SERVER": accept everything on this private server.
  echo "DEFAULT ACCEPT" >"$upper/lprng/lpd.perms"
  : >"$upper/printcap"
  # No job size limit (mx#0) unless LPD_PRINTCAP_EXTRA sets one: a field given twice is ambiguous.
  local extra=${LPD_PRINTCAP_EXTRA:-}
  [[ "$extra" == *:mx* ]] || extra=":mx#0$extra"
  for q in "$@"; do
    printf '%s:sd=/var/spool/lpd/%s:lp=/var/spool/lpd/%s.out:lf=/var/spool/lpd/%s.log:ah:sh%s\n' \
      "$q" "$q" "$q" "$q" "$extra" >>"$upper/printcap"
  done
  printf '127.0.0.1\tlocalhost %s\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
    "$SERVER_HOSTNAME" >"$upper/hosts"
  printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files\nservices: files\n' \
    >"$upper/nsswitch.conf"
}

# 'write_nsinit()' - write the script that runs as PID 1 of the namespace.
write_nsinit()
{
  local state=$1 lpd=$2
  cat >"$state/nsinit.sh" <<EOF
# PID 1 of the test server's namespaces (written by tests/servers/lprng.sh).
set -eu
# Close what the caller leaked to us (a test harness's pipes), except bash's own script fd.
for fd in /proc/self/fd/*; do
  n=\${fd##*/}
  case \$n in 0|1|2|255) ;; *) eval "exec \$n>&-" 2>/dev/null || true ;; esac
done
mount --make-rprivate /
mount -t overlay overlay -o lowerdir=/etc,upperdir='$state/etc-upper',workdir='$state/etc-work' /etc
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -m 0755 /run/lprng
chown daemon:daemon /run/lprng
mount -t tmpfs -o mode=0755 tmpfs /var/spool
mkdir -m 0755 /var/spool/lpd
mount --bind '$state/spool' /var/spool/lpd
hostname $SERVER_HOSTNAME
'$lpd' -F -L /var/spool/lpd/lpd.log &
wait
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
  start_checks daemon "$state" "$port" "${queues[@]}"
  unpack_pkg "$state"

  rm -rf "$state/etc-upper" "$state/etc-work" "$state/spool"
  rm -f "$state/pid" "$state/nsinit.pid" "$state/unshare.pid" "$state/pidns" "$state/port"
  mkdir -p "$state/etc-upper" "$state/etc-work" "$state/spool"
  chmod 0755 "$state/spool"
  chown daemon:daemon "$state/spool"
  for q in "${queues[@]}"; do
    install -d -m 0755 -o daemon -g daemon "$state/spool/$q"
    install -m 0644 -o daemon -g daemon /dev/null "$state/spool/$q.out"
    install -m 0644 -o daemon -g daemon /dev/null "$state/spool/$q.log"
  done
  install -m 0644 -o daemon -g daemon /dev/null "$state/spool/lpd.log"
  write_config "$state" "$port" "${queues[@]}"
  write_nsinit "$state" "$state/root/usr/sbin/lpd"

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
    [[ -z "$init" || -n "$dpid" ]] || dpid=$(daemon_of "$init" "$state/root/usr/sbin/lpd")
    if [[ -n "$dpid" ]] && port_open "$port"; then
      record_daemon "$state" "$init" "$dpid"
      return 0
    fi
    sleep 0.1
  done
  echo "lprng.sh: lpd did not listen on 127.0.0.1:$port within ${timeout}s" >&2
  cat "$state/ns.log" "$state/spool/lpd.log" >&2 2>/dev/null || true
  cmd_stop "$state" || true
  exit 1
}

# 'cmd_jobs()' - print the job ticket files in the spool dir of QUEUE (all queues if none).
cmd_jobs()
{
  list_jobs 'hf*' "$@"
}

dispatch "$@"
