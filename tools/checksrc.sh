#!/bin/bash
# checksrc.sh - check the house rules that a tool can check (../README.md "Layout", STYLE):
# lines over 100 columns, atoi/sprintf/strcpy/strcat, more than one statement on a line, a
# function without its "// 'name()' - ..." header comment, a function over 80 lines.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Usage: tools/checksrc.sh [FILE.c|FILE.h|DIR]...   (default: backend filters lpr-printer-app
#        tests/lpd-server-src).  Prints one line per finding ("file:line: rule: text") and exits 1
#        when there is any.

set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ $# -eq 0 ]; then
  set -- backend filters
  for d in lpr-printer-app tests/lpd-server-src; do [ -d "$d" ] && set -- "$@" "$d"; done
fi
files=()
for a in "$@"; do
  if [ -d "$a" ]; then
    while IFS= read -r f; do files+=("$f"); done < <(find "$a" -name '*.[ch]' | sort)
  else
    files+=("$a")
  fi
done
exec python3 "$top/tools/checksrc.py" "${files[@]}"
