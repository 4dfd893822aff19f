# script-common.sh - die, skip, usage and abs_dir for tests/cupsd/cupsd-ctl.sh and
# tests/servers/cups-lpd.sh.  Sourced.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash

die()
{
  echo "${0##*/}: $*" >&2
  exit 1
}

skip()
{
  echo "SKIP: $*"
  exit 77
}

usage()
{
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
  exit 2
}

# 'abs_dir()' - print DIR as an absolute path (it need not exist yet).
abs_dir()
{
  local d

  [[ -n $1 ]] || die "empty state directory"
  case $1 in
    /*) d=${1%/} ;;
    *) d=$(pwd -P)/${1%/} ;;
  esac
  # Every path below is removed and rebuilt: never let it be "/" or empty.
  [[ -n $d && $d != / && $d != */ && $d != *//* ]] || die "refusing state directory '$1'"
  printf '%s\n' "$d"
}
