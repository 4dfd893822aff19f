// clock.h - the monotonic clock: deadlines, timeouts and progress ticks.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// No CUPS calls here: used by the RFC 1179 core, the status writer, the job and the SNMP helper.

#ifndef LPR_CLOCK_H
#define LPR_CLOCK_H

#include <stdint.h>
#include <time.h>

// 'lprNowNs()' - CLOCK_MONOTONIC in nanoseconds.
static inline int64_t
lprNowNs(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

// 'lprMsSince()' - Whole milliseconds from start_ns (an lprNowNs() value) to now.
static inline int
lprMsSince(int64_t start_ns)
{
  return ((int)((lprNowNs() - start_ns) / 1000000));
}

#endif // LPR_CLOCK_H
