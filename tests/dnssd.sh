#!/bin/bash
# dnssd.sh - DNS-SD discovery: LPD queues announced as _printer._tcp appear in the backend's
# no-argument output, in `lpinfo -v` of a private cupsd and on its web UI's Add Printer page.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Everything runs in private network, mount, PID and UTS namespaces (host name "lpdtest"):
# only the namespace's own loopback carries multicast, a tmpfs on /run holds a private system
# D-Bus and avahi-daemon (allow-interfaces=lo), so no packet leaves and no system daemon is
# touched.  The test re-runs itself inside them; its processes end with the namespace.
# Services are published with avahi-publish: two LPD queues (one on port 1515 with a '/' in
# its queue), one without an rp key, one with hostile TXT values, and an _ipp._tcp service
# that must never be listed.
#
# Needs root, unshare, dbus-daemon, avahi-daemon, avahi-publish (tools/deps.sh test); a backend
# built with Avahi; for the cupsd parts what tests/cupsd.sh needs, and chromium for the web UI.

set -u

if [ -z "${DNSSD_IN_NS:-}" ]; then
  . "$(dirname "$0")/lib.sh"
  why=""
  [ "$(id -u)" = 0 ] || why="needs root (namespaces)"
  for t in unshare dbus-daemon avahi-daemon avahi-publish ip; do
    [ -n "$why" ] || command -v "$t" >/dev/null || why="$t not installed (tools/deps.sh test)"
  done
  # (ldd would not tell: libcups itself links Avahi's client library.)
  [ -n "$why" ] || grep -q '^#define HAVE_AVAHI 1' "$top_builddir/config.h" ||
    why="the backend was built without Avahi (--disable-dnssd)"
  if [ -n "$why" ]; then
    skip "DNS-SD discovery: every case: $why"
    finish
    exit
  fi
  # (No --kill-child: util-linux 2.38.1 sometimes fails it; PID 1's exit ends the namespace.)
  DNSSD_IN_NS=1 unshare --net --mount --pid --uts --fork --mount-proc --propagation private \
    bash "$0"
  exit
fi

. "$(dirname "$0")/lib.sh"
CUPSD_SH=$top_srcdir/tests/cupsd/cupsd-ctl.sh
WEBUI_SH=$top_srcdir/tests/cupsd/webui-check.sh
STATE=$WORK/cupsd
HOST=lpdtest.local
PUB_PIDS=""

# stop_all: cupsd, publishers, avahi-daemon and dbus-daemon, each by its PID.
stop_all() {
  "$CUPSD_SH" stop "$STATE" >/dev/null 2>&1
  for pid in $PUB_PIDS $(cat /run/avahi-daemon/pid /run/dbus/pid 2>/dev/null); do
    kill "$pid" 2>/dev/null
  done
  cleanup
}
trap stop_all EXIT

# discover OUT: run the backend with no arguments, as cups-deviced does; OUT.out, OUT.err,
# OUT.rc and OUT.ms (how long it took).
discover() {
  local t0
  t0=$(date +%s%N)
  env -i PATH=/usr/bin:/bin ${SAN_ENV:-} "$BACKEND" >"$1.out" 2>"$1.err"
  echo $? >"$1.rc"
  echo $(( ($(date +%s%N) - t0) / 1000000 )) >"$1.ms"
}

# --- the namespace: loopback with multicast, a private /run, D-Bus --------------------------
hostname lpdtest
ip link set lo up
ip link set lo multicast on
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/dbus /run/avahi-daemon
STATIC='network lpr "Unknown" "LPD/LPR queue (cups-lpr)"'

discover "$WORK/nodbus"
check "no D-Bus: exit 0, only the static line" \
  sh -c "[ \"\$(cat '$WORK/nodbus.rc')\" = 0 ] && [ \"\$(cat '$WORK/nodbus.out')\" = '$STATIC' ]"
check "no D-Bus: a DEBUG line says why ($(head -c 80 "$WORK/nodbus.err"))" \
  grep -q '^DEBUG: DNS-SD: no discovery' "$WORK/nodbus.err"

dbus-daemon --system --fork --print-pid >"$WORK/dbus.pid" 2>"$WORK/dbus.err" ||
  { fail "dbus-daemon --system: $(cat "$WORK/dbus.err")"; finish; exit; }
discover "$WORK/noavahi"
check "D-Bus but no avahi-daemon: exit 0, only the static line, in $(cat "$WORK/noavahi.ms") ms" \
  sh -c "[ \"\$(cat '$WORK/noavahi.rc')\" = 0 ] && [ \"\$(cat '$WORK/noavahi.out')\" = '$STATIC' ]"
check "no avahi-daemon: a DEBUG line says why" \
  grep -q '^DEBUG: DNS-SD: no discovery: Daemon not running' "$WORK/noavahi.err"

cat >"$WORK/avahi.conf" <<'EOF'
[server]
host-name=lpdtest
use-ipv4=yes
use-ipv6=no
allow-interfaces=lo
enable-dbus=yes
[publish]
publish-workstation=no
publish-hinfo=no
EOF
avahi-daemon -f "$WORK/avahi.conf" --no-drop-root --no-chroot -D 2>"$WORK/avahi.err" ||
  { fail "avahi-daemon: $(cat "$WORK/avahi.err")"; finish; exit; }
for _ in $(seq 1 100); do
  avahi-browse -atp >/dev/null 2>&1 && break
  sleep 0.1
done

# publish NAME TYPE PORT TXT...: avahi-publish in the background until the end.
publish() {
  avahi-publish -s "$@" >>"$WORK/publish.log" 2>&1 &
  PUB_PIDS="$PUB_PIDS $!"
}
publish "Office Laser" _printer._tcp 515 rp=office "ty=HP LaserJet 4250" "note=Room 12" \
  usb_MFG=HP "usb_MDL=LaserJet 4250" usb_CMD=PJL,PCL
publish "Lab Printer" _printer._tcp 1515 rp=lab/raw "product=(GPL Ghostscript)"
publish "No Queue" _printer._tcp 515 "ty=Some Printer"
publish 'Evil "Q"' _printer._tcp 515 rp=evil "ty=$(printf 'X\nSTATE: +media-jam-warning')" \
  "note=$(printf 'a\nnetwork lpr://x/y "X"')"
publish "IPP Only" _ipp._tcp 631 rp=ipp/print "ty=IPP Printer"
# Wait until avahi-browse resolves all five (each is announced after its probe, ~1 s).
for _ in $(seq 1 100); do
  [ "$(avahi-browse -rtp -a 2>/dev/null | grep -c '^=')" -ge 5 ] && break
  sleep 0.1
done

# --- the backend's own lines ---------------------------------------------------------------
L1='network lpr://lpdtest.local/office "HP LaserJet 4250" "Office Laser" "MFG:HP;MDL:LaserJet 4250;CMD:PJL,PCL;" "Room 12"'
L2='network lpr://lpdtest.local:1515/lab%2Fraw "GPL Ghostscript" "Lab Printer" "" ""'
L3='network lpr://lpdtest.local/evil "X STATE: +media-jam-warning" "Evil \"Q\"" "" "a network lpr://x/y \"X\""'
discover "$WORK/found"
echo "     backend with no arguments: exit $(cat "$WORK/found.rc") in $(cat "$WORK/found.ms") ms:"
sed 's/^/       /' "$WORK/found.out"
check "exit 0" [ "$(cat "$WORK/found.rc")" = 0 ]
check "started as root, it browsed as cupsd's User ($(grep -m1 '^DEBUG: Running as' "$WORK/found.err"))" \
  grep -Eq '^DEBUG: Running as [a-z_][a-z0-9_-]* \(uid [1-9]' "$WORK/found.err"
check "the static line comes first" [ "$(head -n 1 "$WORK/found.out")" = "$STATIC" ]
check "Office Laser: queue from rp, ty, usb_* device ID, note; no :515" \
  grep -qxF "$L1" "$WORK/found.out"
check "Lab Printer: port 1515 in the URI, '/' in the queue as %2F, make from product" \
  grep -qxF "$L2" "$WORK/found.out"
check "hostile TXT values: one line, newlines cleaned, quotes escaped" \
  grep -qxF "$L3" "$WORK/found.out"
check "every stdout line is a device line (nothing injected)" \
  sh -c "! grep -v '^network ' '$WORK/found.out'"
check "4 lines: each service once, no _ipp._tcp service, none without rp" \
  [ "$(wc -l <"$WORK/found.out")" = 4 ]
check "the service without rp gets a DEBUG line" \
  grep -q '^DEBUG: DNS-SD: "No Queue" on lpdtest.local has no rp' "$WORK/found.err"
check "bounded: done within the 4 s bound plus start-up ($(cat "$WORK/found.ms") ms < 8000)" \
  [ "$(cat "$WORK/found.ms")" -lt 8000 ]

# --- a private cupsd in the namespace: lpinfo -v and the Add Printer page -----------------
mkdir -p "$WORK/extra/backend"
cp "$BACKEND" "$WORK/extra/backend/lpr"
cport=$("$CUPSD_SH" freeport)
rc=0
"$CUPSD_SH" start "$STATE" "$cport" "$WORK/extra" >"$WORK/cupsd.env" 2>"$WORK/cupsd.start" ||
  rc=$?
if [ "$rc" != 0 ]; then
  if [ "$rc" = 77 ]; then
    skip "lpinfo -v and web UI: $(sed -n 's/^SKIP: //p' "$WORK/cupsd.env")"
  else
    fail "private cupsd did not start (exit $rc)"
    sed 's/^/    /' "$WORK/cupsd.start"
  fi
  finish
  exit
fi
eval "$(cat "$WORK/cupsd.env")"
lpinfo -l -v >"$WORK/lpinfo" 2>&1
lpinfo -v >"$WORK/lpinfo-v" 2>&1
echo "     lpinfo -v (private cupsd):"
sed 's/^/       /' "$WORK/lpinfo-v"
check "lpinfo -v lists lpr://$HOST/office" grep -qx "network lpr://$HOST/office" "$WORK/lpinfo-v"
check "lpinfo -v lists lpr://$HOST:1515/lab%2Fraw" \
  grep -qx "network lpr://$HOST:1515/lab%2Fraw" "$WORK/lpinfo-v"
check "lpinfo -l -v: make-and-model and location of Office Laser" \
  sh -c "grep -A5 'uri = lpr://$HOST/office' '$WORK/lpinfo' | grep -q 'make-and-model = HP LaserJet 4250' &&
         grep -A6 'uri = lpr://$HOST/office' '$WORK/lpinfo' | grep -q 'location = Room 12'"
check "lpinfo -v still lists the plain 'network lpr'" grep -qx 'network lpr' "$WORK/lpinfo-v"
check "lpinfo -v lists nothing for the _ipp._tcp service" \
  sh -c "! grep -q ':631/\\|ipp%2Fprint\\|ipp/print' '$WORK/lpinfo-v'"

rc=0
"$WEBUI_SH" "$CUPSD_PORT" lpr "$WORK/webui" >"$WORK/webui.out" 2>&1 || rc=$?
if [ "$rc" = 77 ]; then
  skip "web UI: $(sed -n 's/^SKIP: //p' "$WORK/webui.out")"
elif [ "$rc" != 0 ]; then
  fail "web UI: Add Printer page (exit $rc)"
  sed 's/^/    | /' "$WORK/webui.out"
else
  # The page has "Discovered Network Printers:" then "Other Network Printers:" sections.
  python3 - "$WORK/webui/add-printer.html" >"$WORK/webui.sections" <<'PYEOF'
import html, re, sys
page = open(sys.argv[1], encoding="utf-8", errors="replace").read()
d = page.find("Discovered Network Printers")
o = page.find("Other Network Printers")
for name, part in (("discovered", page[d:o] if 0 <= d < o else ""), ("other", page[o:])):
    for v in re.findall(r'name="DEVICE_URI"[^>]*value="([^"]*)"', part):
        print(name, html.unescape(v))
PYEOF
  sed 's/^/     web UI: /' "$WORK/webui.sections"
  check "web UI: Office Laser under Discovered Network Printers" \
    grep -q "^discovered lpr://$HOST/office|HP LaserJet 4250" "$WORK/webui.sections"
  check "web UI: Lab Printer under Discovered Network Printers" \
    grep -q "^discovered lpr://$HOST:1515/lab%2Fraw|GPL Ghostscript" "$WORK/webui.sections"
  check "web UI: no _ipp._tcp service listed as lpr" \
    sh -c "! grep -q 'lpr://.*ipp' '$WORK/webui.sections'"
fi
finish
