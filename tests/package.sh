#!/bin/bash
# package.sh - the Debian package: build it, lintian, install it on this machine, check files
# and modes, print a job through a private cupsd that runs the installed backend, purge it.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# The package is built with `dpkg-buildpackage -us -uc -b` in a copy of the checkout (the
# files git tracks or would track), so the source tree is left as it was.  It is installed
# with `apt-get install ./cups-lpr_*.deb` (the README's install path) and removed with
# `dpkg --purge`; if the test stops half-way, the package is purged on exit.  A machine that
# already has cups-lpr installed is left alone (skipped: the test would remove it).
# The private cupsd (tests/cupsd/cupsd-ctl.sh) has a ServerBin/backend/lpr symlink to
# /usr/lib/cups/backend/lpr made before the install, so it runs exactly the installed file and
# shows what a running cupsd sees at install and at purge.
#
# Needs root, dpkg-dev, debhelper, lintian, apt, cups-daemon, cups-client, package cups (or
# apt-get to fetch it; see tests/cupsd.sh), the build's tests/lpd-server.

set -u
. "$(dirname "$0")/lib.sh"

CUPSD_SH=$top_srcdir/tests/cupsd/cupsd-ctl.sh
CACHE=${CUPS_LPR_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/cups-lpr}
STATE=$WORK/cupsd
INSTALLED_BY_US=""
BACKEND_PATH=/usr/lib/cups/backend/lpr

# purge_pkg: dpkg --purge cups-lpr, waiting for the dpkg lock others may hold (10 min at most).
purge_pkg() {
  local i
  for i in $(seq 1 300); do
    dpkg --purge cups-lpr >"$WORK/purge.log" 2>&1 && return 0
    grep -q 'lock' "$WORK/purge.log" || return 1
    sleep 2
  done
  return 1
}

# on_exit: stop our cupsd; purge the package when this test installed it and did not purge.
on_exit() {
  "$CUPSD_SH" stop "$STATE" >/dev/null 2>&1
  if [ -n "$INSTALLED_BY_US" ] && dpkg-query -W -f='${Status}' cups-lpr 2>/dev/null |
      grep -q installed; then
    purge_pkg || cat "$WORK/purge.log"
  fi
  cleanup
}
trap on_exit EXIT

# lpinfo_has REGEX: `lpinfo -v` of the private cupsd has a line matching REGEX.
lpinfo_has() { lpinfo -v 2>&1 | grep -q -- "$1"; }

# system_cupsd: "PID STARTTIME" of the system's cupsd (one started without -c: tests' cupsds
# all have their own -c cupsd.conf), or nothing.
system_cupsd() {
  local pid args start
  for pid in $(pgrep -x cupsd); do
    args=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || continue
    start=$(awk '{ print $22 }' "/proc/$pid/stat" 2>/dev/null) || continue
    [ -n "$args" ] && [ -n "$start" ] || continue
    case " $args" in *" -c "*) continue ;; esac
    echo "$pid $start"
    return 0
  done
}

# --- preconditions -------------------------------------------------------------------------
why=""
[ "$(id -u)" = 0 ] || why="needs root (installs a package)"
for t in dpkg-buildpackage dh lintian apt-get git; do
  [ -n "$why" ] || command -v "$t" >/dev/null || why="$t not installed (tools/deps.sh test)"
done
# (make distcheck unpacks the tarball inside the checkout's _build: not a checkout of its own)
[ -n "$why" ] || [ "$(git -C "$top_srcdir" rev-parse --show-toplevel 2>/dev/null)" = \
  "$(cd "$top_srcdir" && pwd -P)" ] ||
  why="$top_srcdir is not a git checkout (make distcheck): the package is built from one"
[ -n "$why" ] || ! dpkg-query -W -f='${Status}' cups-lpr 2>/dev/null | grep -q installed ||
  why="cups-lpr is already installed on this machine: the test would remove it"
if [ -n "$why" ]; then
  skip "package build, lintian, install, print, purge: $why"
  finish
  exit
fi

# --- build ---------------------------------------------------------------------------------
SRC=$WORK/pkg/cups-lpr
mkdir -p "$SRC"
(cd "$top_srcdir" && git ls-files -co --exclude-standard -z | grep -zv '^_build/' |
  xargs -0 cp --parents -t "$SRC")
before=$(cd "$top_srcdir" && git status --porcelain | md5sum)
t0=$(date +%s)
rc=0
# (make check runs this test with TEST_LOGS=... on its command line; a make inherits that
# through MAKEFLAGS, so debian/rules' own make check would run every test of the copy.)
(cd "$SRC" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
  dpkg-buildpackage -us -uc -b) >"$WORK/build.log" 2>&1 || rc=$?
secs=$(( $(date +%s) - t0 ))
echo "     dpkg-buildpackage -us -uc -b: exit $rc in ${secs} s"
DEB=$(find "$WORK/pkg" -maxdepth 1 -name 'cups-lpr_*_*.deb' | head -n 1)
if [ "$rc" != 0 ] || [ -z "$DEB" ]; then
  fail "dpkg-buildpackage -us -uc -b built cups-lpr_*.deb (exit $rc)"
  tail -n 30 "$WORK/build.log" | sed 's/^/    /'
  finish
  exit
fi
ok "dpkg-buildpackage -us -uc -b built $(basename "$DEB") in ${secs} s"
units=$(grep -c '^PASS: tests/test-' "$WORK/build.log")
check "dh_auto_test ran the $units unit tests, passed, and nothing else" \
  sh -c "[ $units -ge 8 ] && grep -qx '# TOTAL: $units' '$WORK/build.log' &&
         grep -qx '# PASS:  $units' '$WORK/build.log'"
check "the build left the source tree as it was (git status)" \
  [ "$(cd "$top_srcdir" && git status --porcelain | md5sum)" = "$before" ]

# --- lintian -------------------------------------------------------------------------------
CHANGES=$(find "$WORK/pkg" -maxdepth 1 -name 'cups-lpr_*.changes' | head -n 1)
lintian --pedantic -I "$CHANGES" >"$WORK/lintian.log" 2>&1
echo "     lintian --pedantic -I $(basename "$CHANGES"):"
grep -E '^[EWIPXO]: ' "$WORK/lintian.log" | sed 's/^/       /'
check "lintian: no error" sh -c "! grep -q '^E: ' '$WORK/lintian.log'"
check "lintian: no warning" sh -c "! grep -q '^W: ' '$WORK/lintian.log'"

# --- a private cupsd that will run the installed backend -----------------------------------
start_server main || exit 99
mkdir -p "$WORK/extra/backend"
if [ ! -x /usr/lib/cups/daemon/cups-deviced ] && [ -z "${CUPS_LPR_CUPS_ROOT:-}" ]; then
  mkdir -p "$CACHE"
  flock "$CACHE/.fetch.lock" "$CUPSD_SH" fetch "$CACHE/cups-root" >"$WORK/fetch.log" 2>&1 &&
    export CUPS_LPR_CUPS_ROOT=$CACHE/cups-root/root
fi
cport=$("$CUPSD_SH" freeport)
rc=0
"$CUPSD_SH" start "$STATE" "$cport" >"$WORK/cupsd.env" 2>"$WORK/cupsd.start" || rc=$?
have_cupsd=""
if [ "$rc" = 0 ]; then
  eval "$(cat "$WORK/cupsd.env")"
  # (A dangling link until the package is installed: cupsd runs what the package put there.)
  ln -s "$BACKEND_PATH" "$STATE/serverbin/backend/lpr"
  have_cupsd=yes
  check "before install: the running cupsd's lpinfo -v has no lpr scheme" \
    sh -c "! lpinfo -v 2>&1 | grep -q '^network lpr\$'"
else
  skip "private cupsd: $(cat "$WORK/cupsd.env" "$WORK/cupsd.start" | head -n 3)"
fi

# --- install -------------------------------------------------------------------------------
sys_before=$(system_cupsd)
rc=0
(cd "$WORK/pkg" && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
  install -y "./$(basename "$DEB")") >"$WORK/install.log" 2>&1 || rc=$?
INSTALLED_BY_US=yes
check "apt-get install ./$(basename "$DEB"): exit 0 (got $rc)" [ "$rc" = 0 ]
[ "$rc" = 0 ] || tail -n 20 "$WORK/install.log" | sed 's/^/    /'
check "dpkg says cups-lpr is installed" \
  sh -c "dpkg-query -W -f='\${Status}' cups-lpr | grep -qx 'install ok installed'"
dpkg -L cups-lpr >"$WORK/files" 2>/dev/null

# mode_is PATH MODE OWNER: stat says so.
mode_is() { [ "$(stat -c '%a %U %G' "$1" 2>/dev/null)" = "$2 $3 $3" ]; }
check "backend $BACKEND_PATH: mode 0700, root" mode_is "$BACKEND_PATH" 700 root
check "SNMP helper /usr/libexec/cups-lpr/lpr-snmp: mode 0755, root" \
  mode_is /usr/libexec/cups-lpr/lpr-snmp 755 root
check "the backend runs the helper from /usr/libexec/cups-lpr" \
  grep -qa /usr/libexec/cups-lpr/lpr-snmp "$BACKEND_PATH"
for p in cupslpr lprpjl; do
  check "PPD /usr/share/ppd/cups-lpr/$p.ppd: mode 0644" \
    mode_is "/usr/share/ppd/cups-lpr/$p.ppd" 644 root
done
check "filter /usr/lib/cups/filter/pjl-wrap: mode 0755" \
  mode_is /usr/lib/cups/filter/pjl-wrap 755 root
check "man page cups-lpr(8) installed" \
  sh -c 'zcat /usr/share/man/man8/cups-lpr.8.gz | grep -q "^\.TH"'
check "nothing under /usr/local" sh -c "! grep -q '^/usr/local' '$WORK/files'"
check "the installed backend prints its discovery line" \
  sh -c "'$BACKEND_PATH' 2>/dev/null | grep -qx 'network lpr \"Unknown\" \"LPD/LPR queue (cups-lpr)\"'"
if [ -n "$sys_before" ]; then
  sys_after=$(system_cupsd)
  check "postinst restarted the running system cupsd ($sys_before -> ${sys_after:-none})" \
    sh -c "[ -n '$sys_after' ] && [ '$sys_after' != '$sys_before' ]"
elif [ -x /usr/sbin/policy-rc.d ]; then
  skip "postinst restart of the system cupsd: none runs here (policy-rc.d forbids services)"
else
  skip "postinst restart of the system cupsd: none runs here"
fi

# --- one job through the private cupsd and the installed backend --------------------------
if [ -n "$have_cupsd" ]; then
  check "after install: the running cupsd's lpinfo -v lists 'network lpr' at once" \
    lpinfo_has '^network lpr$'
  # cups-driverd names the PPDs it finds in /usr/share/ppd "lsb/usr/...".
  lpinfo -m >"$WORK/lpinfo-m" 2>&1
  PPDNAME=$(awk '$1 ~ /cups-lpr\/cupslpr\.ppd$/ { print $1; exit }' "$WORK/lpinfo-m")
  check "after install: lpinfo -m lists ${PPDNAME:-cups-lpr/cupslpr.ppd}" [ -n "$PPDNAME" ]
  check "after install: lpinfo -m lists cups-lpr/lprpjl.ppd" \
    grep -q 'cups-lpr/lprpjl\.ppd ' "$WORK/lpinfo-m"
  U="lpr://127.0.0.1:$PORT_main/lp"
  rc=0
  lpadmin -p pkgq -E -v "$U" -m "${PPDNAME:-none}" >"$WORK/lpadmin" 2>&1 || rc=$?
  check "lpadmin -p pkgq -v $U -m ${PPDNAME:-?}: exit 0 (got $rc)" [ "$rc" = 0 ]
  sample "$WORK/job" 120000
  id=$(lp -d pkgq -o raw -t "package test" "$WORK/job" 2>"$WORK/lp.err" |
    sed -n 's/^request id is pkgq-\([0-9]*\) .*/\1/p')
  state=unknown
  for _ in $(seq 1 300); do
    state=$("$CUPSD_SH" job-state "$STATE" "${id:-0}")
    case $state in completed | aborted | canceled | stopped) break ;; esac
    sleep 0.1
  done
  check "lp job ${id:-?} completed in cupsd (state $state)" [ "$state" = completed ]
  check "the job arrived at the LPD server" wait_jobs "$DIR_main" 1
  check "bytes exact at the server" cmp -s "$WORK/job" "$(data_file "$DIR_main" 1)"
  check "cupsd ran $BACKEND_PATH (through its ServerBin link)" \
    grep -q "\[Job ${id:-0}\] Started backend $STATE/serverbin/backend/lpr (PID" "$CUPSD_ERROR_LOG"
  # The helper's answer (no agent on 127.0.0.1, or a snapshot) shows that it ran.
  check "the installed backend ran /usr/libexec/cups-lpr/lpr-snmp" \
    sh -c "grep -F '[Job ${id:-0}] ' '$CUPSD_ERROR_LOG' |
           grep -q 'SNMP: no agent answered at 127.0.0.1\|SNMP: snapshot 1'"
  lpadmin -x pkgq >/dev/null 2>&1
fi

# --- purge ---------------------------------------------------------------------------------
sys_before=$(system_cupsd)
rc=0
purge_pkg || rc=$?
check "dpkg --purge cups-lpr: exit 0" [ "$rc" = 0 ]
if [ -n "$sys_before" ]; then
  sys_after=$(system_cupsd)
  check "postrm restarted the running system cupsd ($sys_before -> ${sys_after:-none})" \
    sh -c "[ -n '$sys_after' ] && [ '$sys_after' != '$sys_before' ]"
else
  skip "postrm restart of the system cupsd: none runs here"
fi
[ "$rc" = 0 ] || sed 's/^/    /' "$WORK/purge.log"
left=""
while read -r f; do
  [ -z "$f" ] || [ "$f" = /. ] && continue
  # Shared directories (/usr/lib/cups/backend, ...) stay; anything of ours must be gone.
  if [ -e "$f" ] && ! { [ -d "$f" ] && dpkg -S "$f" >/dev/null 2>&1; }; then
    left="$left $f"
  fi
done <"$WORK/files"
check "no file of the package is left (of $(wc -l <"$WORK/files") listed)${left:+: $left}" \
  [ -z "$left" ]
check "dpkg no longer knows cups-lpr" \
  sh -c "! dpkg-query -W -f='\${Status}' cups-lpr 2>/dev/null | grep -q installed"
check "no /var/lib/dpkg/info/cups-lpr.* left" \
  sh -c "! ls /var/lib/dpkg/info/cups-lpr.* >/dev/null 2>&1"
if [ -n "$have_cupsd" ]; then
  check "after purge: the running cupsd's lpinfo -v no longer lists 'network lpr'" \
    sh -c "! lpinfo -v 2>&1 | grep -q '^network lpr\$'"
fi
finish
