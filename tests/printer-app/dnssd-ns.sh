#!/bin/bash
# dnssd-ns.sh - the Add LPD Printer page offers a DNS-SD _printer._tcp service: run inside a
# private network and mount namespace (loopback only, a tmpfs on /run), with our own
# dbus-daemon and avahi-daemon, an announced LPD queue, and the app.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Usage: unshare -n -m --propagation private dnssd-ns.sh WORKDIR APP PORT
#   Prints the page's URI choices ("choice: lpr://..."); exit 0 when the page was fetched.
#   Nothing outside the namespaces is touched; every process started here is ended by PID.

set -u
W=$1
APP=$2
PORT=$3
pids=()
finish() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  [ -f "$W/avahi.pid" ] && kill "$(cat "$W/avahi.pid")" 2>/dev/null
  [ -f "$W/dbus.pid" ] && kill "$(cat "$W/dbus.pid")" 2>/dev/null
}
trap finish EXIT

ip link set lo up && ip link set lo multicast on || exit 2
mount -t tmpfs tmpfs /run || exit 2
mkdir -p /run/dbus /run/avahi-daemon
dbus-daemon --system --fork --print-pid >"$W/dbus.pid" || exit 2
printf '[server]\nuse-ipv4=yes\nuse-ipv6=no\nallow-interfaces=lo\nenable-dbus=yes\n' \
  >"$W/avahi.conf"
printf '[publish]\npublish-workstation=no\n' >>"$W/avahi.conf"
avahi-daemon -f "$W/avahi.conf" --no-drop-root --no-chroot -D || exit 2
for _ in $(seq 1 50); do [ -f /run/avahi-daemon/pid ] && break; sleep 0.1; done
cp /run/avahi-daemon/pid "$W/avahi.pid" 2>/dev/null
avahi-publish -s "Office LPD" _printer._tcp 515 rp=officeq "ty=Test Printer" \
  >"$W/publish.log" 2>&1 &
pids+=($!)
"$APP" server -o server-port="$PORT" -o listen-hostname=127.0.0.1 \
  -o spool-directory="$W/spool" -o state-file="$W/state" -o log-file="$W/log" \
  >/dev/null 2>&1 &
pids+=($!)
# The service is resolvable within about 2 s; the page browses for 2 s itself.
for _ in $(seq 1 50); do
  avahi-browse -rptk _printer._tcp 2>/dev/null | grep -q '^=.*rp=officeq' && break
  sleep 0.2
done
for _ in $(seq 1 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 0.1
done
python3 - "$PORT" <<'PY' || exit 2
import re, sys, urllib.request
page = urllib.request.urlopen("http://127.0.0.1:%s/addlpd" % sys.argv[1], timeout=30).read()
for uri in re.findall(rb'<option value="(lpr://[^"]*)"', page):
    print("choice: " + uri.decode())
PY
