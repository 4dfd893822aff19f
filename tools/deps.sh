#!/bin/bash
# deps.sh - install (as root, with apt-get) what building and testing cups-lpr needs.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Usage: tools/deps.sh [build|test|demo]   (default: test, a superset of build)
# Installs only what is missing; runs apt-get update first when anything is.
# avahi-daemon is for tests/dnssd.sh, which runs its own in a private network namespace: when
# this script installs it, the system's copy is stopped and disabled (under systemd), so that
# no test's `lpinfo -v` makes it send mDNS queries onto the LAN.

set -euo pipefail

BUILD_PKGS="gcc make autoconf automake pkg-config libcups2-dev libcunit1-dev cups-ppdc
  libsnmp-dev libavahi-client-dev libpappl-dev libseccomp-dev"
TEST_PKGS="$BUILD_PKGS openssl procps socat strace cups-daemon cups-client cups-ppdc python3
  valgrind clang iproute2 util-linux chromium snmpd snmp nftables
  cups dbus avahi-daemon avahi-utils dpkg-dev debhelper lintian cups-ipp-utils ghostscript libcap2-bin"
DEMO_PKGS="$BUILD_PKGS cups-daemon cups-client cups cups-filters ghostscript iproute2
  util-linux"

case "${1:-test}" in
  build) want=$BUILD_PKGS ;;
  test)  want=$TEST_PKGS ;;
  demo)  want=$DEMO_PKGS ;;
  *)     echo "usage: $0 [build|test|demo]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing="$missing $p"
done
if [ -z "$missing" ]; then
  echo "deps: all installed"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "deps: missing:$missing (run as root to install them)" >&2
  exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
case " $missing " in
  *" avahi-daemon "*)
    if [ -d /run/systemd/system ]; then
      systemctl disable --now avahi-daemon.service avahi-daemon.socket >/dev/null 2>&1 || true
    fi
    ;;
esac
