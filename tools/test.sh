#!/bin/bash
# test.sh - install what is missing, build with ASan/UBSan, and run every test: unit tests
# (also under valgrind), integration tests, real LPD servers and a real cupsd, distcheck.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0

set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tools/deps.sh" test

echo "== house rules (tools/checksrc.sh)"
"$top/tools/checksrc.sh" | tail -n 20

echo "== build with -Werror, ASan and UBSan"
"$top/tools/build.sh" "$top/_build/check" --enable-werror --enable-sanitizers
cd "$top/_build/check"

echo "== make check (unit and integration tests, sanitizers on)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
make -j2 check || status=$?
for log in tests/*.log; do
  [ "$log" = tests/test-suite.log ] && continue
  tail -n 3 "$log" | grep -E 'passed|asserts|Run Summary' | sed "s|^|$log: |" || true
done
if [ $status -ne 0 ]; then
  cat tests/test-suite.log
  exit $status
fi

echo "== unit tests under valgrind (plain build)"
"$top/tools/build.sh" "$top/_build/valgrind" --enable-werror
cd "$top/_build/valgrind"
make -s check TESTS= >/dev/null
for t in tests/test-text tests/test-status tests/test-lpd-proto tests/test-lpd-queue tests/test-supplies \
         tests/test-spool tests/test-options tests/test-pjl tests/test-lpd-reply tests/test-loop \
         tests/test-outcome tests/test-lpd-job; do
  valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
    "./$t" >"$t.valgrind.log" 2>&1 || { cat "$t.valgrind.log"; echo "valgrind: $t"; exit 1; }
  echo "valgrind clean: $t"
done

echo "== fuzzers (libFuzzer, ASan/UBSan): regressions replayed, then ${FUZZ_SECONDS:-20} s each"
"$top/tools/fuzz.sh" "${FUZZ_SECONDS:-20}"

echo "== benchmark smoke run (correctness only; timings are informational)"
"$top/bench/run.sh" --quick | tail -3

echo "== make distcheck (the tarball builds, installs, and passes the unit and integration tests)"
# The whole suite ran above; from the tarball, the unit tests and the backend's integration
# tests show that nothing it needs is missing from the distribution (the slow real-server,
# load and package tests would only run a second time).
dist_tests="$(make -s -f Makefile print-unit-tests 2>/dev/null) tests/integration.sh tests/faults.sh"
BIG_JOB_MB=5 make -s distcheck TESTS="$dist_tests" >/dev/null 2>"$top/_build/distcheck.log" ||
  { tail -50 "$top/_build/distcheck.log"; exit 1; }
echo "distcheck passed"
echo "== all tests passed"
