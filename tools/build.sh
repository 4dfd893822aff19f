#!/bin/bash
# build.sh - configure and build cups-lpr out of tree.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Usage: tools/build.sh BUILDDIR [configure options...]

set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$1
shift
cd "$top"
if [ -f config.status ]; then
  echo "build: the source tree is configured in place; cleaning it for out-of-tree builds"
  make -s distclean >/dev/null 2>&1 || true
fi
[ -x configure ] || autoreconf -fi >/dev/null 2>&1
mkdir -p "$builddir"
cd "$builddir"
if [ ! -f config.status ] || [ "$(cat .configure-args 2>/dev/null)" != "$*" ]; then
  "$top/configure" -q "$@"
  echo "$*" >.configure-args
fi
make -s -j"$(nproc)" all tests/lpd-server >/dev/null
echo "build: $(pwd)/lpr"
