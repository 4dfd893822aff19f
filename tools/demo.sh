#!/bin/bash
# demo.sh - install what is missing, build, and print a sample file through the backend into
# the bundled LPD server, showing the status lines and what the server received.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0

set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tools/deps.sh" build
"$top/tools/build.sh" "$top/_build/demo" --enable-werror
b=$top/_build/demo

work=$(mktemp -d /tmp/cups-lpr-demo.XXXXXX)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

"$b/tests/lpd-server" -d "$work/spool" -P "$work/port" >"$work/server.log" &
server=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port")
uri="lpr://127.0.0.1:$port/lp?mode=immediate"

{ printf 'Hello from cups-lpr, %s\n\n' "$(date)"; cat "$top/README.md"; } >"$work/sample.txt"
echo
echo "== Printing $(wc -c <"$work/sample.txt") bytes on stdin to $uri, as cupsd would run the backend:"
echo "   DEVICE_URI=$uri lpr 1 $(id -un) sample.txt 1 '' <sample.txt"
echo "== Backend status lines (stderr):"
set +e
env -i PATH=/usr/bin:/bin DEVICE_URI="$uri" TMPDIR="$work" CUPS_MAX_MESSAGE=2047 \
  bash -c 'exec -a "$0" "$@"' "$uri" "$b/lpr" 1 "$(id -un)" sample.txt 1 "" <"$work/sample.txt"
rc=$?
set -e
echo "== Backend exit code: $rc (0 = CUPS_BACKEND_OK)"
for _ in $(seq 1 100); do [ -f "$work/spool/job-0001/status" ] && break; sleep 0.05; done
echo "== The LPD server's log of the session:"
sed 's/^/   /' "$work/server.log"
job=$work/spool/job-0001
echo "== What the server received (job status: $(cat "$job/status")):"
for f in "$job"/cfA*; do
  echo "-- control file $(basename "$f"):"
  sed 's/^/   /' "$f"
done
for f in "$job"/dfA*; do
  echo "-- data file $(basename "$f"): $(wc -c <"$f") bytes, first lines:"
  head -3 "$f" | sed 's/^/   /'
  if cmp -s "$f" "$work/sample.txt"; then echo "-- byte-exact: yes"; else echo "-- byte-exact: NO"; exit 1; fi
done
exit "$rc"
