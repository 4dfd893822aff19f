#!/bin/bash
# fuzz.sh - build the libFuzzer targets (tests/fuzz/) with ASan and UBSan, replay their regress
# inputs, then fuzz each for a while.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Usage: tools/fuzz.sh [SECONDS_PER_TARGET]   (default 30)
#
# Environment: FUZZ_TARGETS (default "uri control reply"), CC (default clang).
# Builds into _build/fuzz/.  Each target fuzzes a working corpus in _build/fuzz/corpus/TARGET,
# seeded from tests/fuzz/corpus/TARGET (never written to) and kept between runs; remove it to
# start over.  Every file in tests/fuzz/regress/TARGET is replayed first.  Exits non-zero when
# any target fails to build, crashes, leaks, hangs or breaks an invariant, printing the input.

set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-30}
targets=${FUZZ_TARGETS:-uri control reply}
cc=${CC:-clang}
out=$top/_build/fuzz

case "$secs" in
  ''|*[!0-9]*) echo "usage: $0 [SECONDS_PER_TARGET]" >&2; exit 2 ;;
esac

# 'sources()' - The backend sources a target links.
sources() {
  case "$1" in
    uri)     echo "options.c lpd-control.c lpd-conn.c lpd-data.c loop.c text.c" ;;
    control) echo "lpd-control.c text.c" ;;
    reply)   echo "lpd-conn.c lpd-data.c lpd-control.c loop.c lpd-queue.c lpd-reply.c status.c text.c" ;;
    *)       echo "fuzz: unknown target $1" >&2; return 1 ;;
  esac
}

# 'show_input()' - Print a failing input's path and its bytes in hex.
show_input() {
  echo "fuzz: failing input: $1 ($(stat -c %s "$1") bytes)"
  od -A x -t x1z -v "$1" | head -n 64 || true       # the first 1 KiB
}

command -v "$cc" >/dev/null ||
  { echo "fuzz: $cc not found (tools/deps.sh test installs clang)" >&2; exit 1; }
command -v cups-config >/dev/null ||
  { echo "fuzz: cups-config not found (tools/deps.sh build installs libcups2-dev)" >&2; exit 1; }
mkdir -p "$out"

# config.h: the one from a configured build when there is one, else the few macros we need.
cfg=""
for c in "$top/_build/check/config.h" "$top/config.h" "$top"/_build/*/config.h; do
  if [ -f "$c" ] && [ "$c" != "$out/config.h" ]; then
    cfg=$c
    break
  fi
done
if [ -n "$cfg" ]; then
  cmp -s "$cfg" "$out/config.h" 2>/dev/null || cp "$cfg" "$out/config.h"
  echo "fuzz: config.h from $cfg"
else
  cat >"$out/config.h.new" <<'EOF'
/* config.h - minimal configuration for the fuzz targets (tools/fuzz.sh). */
#define _GNU_SOURCE 1
#define HAVE_SPLICE 1
#define HAVE_SENDFILE 1
#define HAVE_SYS_SENDFILE_H 1
EOF
  cmp -s "$out/config.h.new" "$out/config.h" 2>/dev/null || mv "$out/config.h.new" "$out/config.h"
  rm -f "$out/config.h.new"
  echo "fuzz: no configured build found; using a minimal config.h"
fi

# shellcheck disable=SC2054,SC2207
cflags=(-std=gnu99 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
        -fno-sanitize-recover=undefined -Wall -Wextra -Werror -I"$out" -I"$top/backend"
        $(cups-config --cflags))
# shellcheck disable=SC2207
libs=($(cups-config --libs))

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
summary=()
for t in $targets; do
  bin=$out/fuzz-$t
  srcs=()
  for s in $(sources "$t"); do
    srcs+=("$top/backend/$s")
  done

  echo "== fuzz-$t: build"
  if ! "$cc" "${cflags[@]}" -o "$bin" "$top/tests/fuzz/fuzz-$t.c" "${srcs[@]}" "${libs[@]}"; then
    failed+=("$t (build)")
    continue
  fi

  # Known crashers first: each must run clean now.
  regress=()
  if [ -d "$top/tests/fuzz/regress/$t" ]; then
    while IFS= read -r -d '' f; do
      regress+=("$f")
    done < <(find "$top/tests/fuzz/regress/$t" -type f ! -name '.*' -print0 | sort -z)
  fi
  if [ ${#regress[@]} -gt 0 ]; then
    echo "== fuzz-$t: replay ${#regress[@]} regress inputs"
    for f in "${regress[@]}"; do
      if ! "$bin" "$f" >"$out/$t-regress.log" 2>&1; then
        cat "$out/$t-regress.log"
        show_input "$f"
        failed+=("$t (regress $(basename "$f"))")
      fi
    done
  fi

  # Fuzz a working copy of the seeds; new inputs stay in _build/fuzz/corpus/TARGET.
  work=$out/corpus/$t
  crashdir=$out/crash/$t
  mkdir -p "$work" "$crashdir"
  cp -n "$top/tests/fuzz/corpus/$t"/* "$work"/ 2>/dev/null || true
  find "$crashdir" -type f -delete
  echo "== fuzz-$t: fuzz for ${secs}s"
  status=0
  "$bin" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$crashdir/" "$work" >"$out/$t.log" 2>&1 || status=$?
  stats=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$out/$t.log" |
          tail -n 1 || true)
  summary+=("fuzz-$t: ${stats:-no stats}")
  if [ $status -ne 0 ] || [ -n "$(find "$crashdir" -type f)" ]; then
    grep -v -E '^#[0-9]+' "$out/$t.log" | tail -n 60 || true
    while IFS= read -r -d '' f; do
      show_input "$f"
    done < <(find "$crashdir" -type f -print0)
    echo "fuzz: replay with: $bin FILE; keep it as tests/fuzz/regress/$t/NAME"
    failed+=("$t (fuzzing, exit $status)")
  else
    tail -n 12 "$out/$t.log" | grep -E '^(stat::|Done|#)' || true
  fi
done

echo "== summary"
for s in "${summary[@]}"; do
  echo "$s"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]}"
  exit 1
fi
echo "fuzz: all targets ran clean"
