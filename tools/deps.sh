#!/bin/bash
# deps.sh - install (as root, with apt-get) what building and testing cups-lpr needs.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Usage: tools/deps.sh [build|test]   (default: test, a superset)
# Installs only what is missing; runs apt-get update first when anything is.

set -euo pipefail

BUILD_PKGS="gcc make autoconf automake pkg-config libcups2-dev libcunit1-dev cups-ppdc
  libsnmp-dev libseccomp-dev"
TEST_PKGS="$BUILD_PKGS openssl procps socat strace cups-daemon cups-client cups-ppdc python3
  valgrind clang iproute2 util-linux chromium snmpd snmp libcap2-bin"

case "${1:-test}" in
  build) want=$BUILD_PKGS ;;
  test)  want=$TEST_PKGS ;;
  *)     echo "usage: $0 [build|test]" >&2; exit 2 ;;
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
