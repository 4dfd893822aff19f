// status.h - the only writer of backend status lines on stderr.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Every line is formatted from one snapshot into a bounded buffer and written with one write(2),
// so concurrent producers never tear or interleave lines and cupsd never sees a line longer than
// CUPS_MAX_MESSAGE.

#ifndef LPR_STATUS_H
#define LPR_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdatomic.h>
#include <time.h>

#include "text.h"

#define LPR_STATUS_MAX   4096   // PIPE_BUF: the largest write a pipe keeps atomic
#define LPR_STATUS_DEFAULT_MAX 2047  // cupsd 2.4's limit when CUPS_MAX_MESSAGE is unset
#define LPR_STATUS_MIN   64


typedef void (*lpr_status_sink_t)(void *ctx, const char *line, size_t len);

void    lprStatusInit(int fd);
void    lprStatusSetSink(lpr_status_sink_t fn, void *ctx);
size_t  lprStatusLimit(void);
void    lprStatus(const char *prefix, const char *format, ...) LPR_PRINTF(2, 3);
size_t  lprStatusFormat(char *line, size_t linesize, size_t limit, const char *prefix,
                        const char *format, ...) LPR_PRINTF(5, 6);

void    lprStatusReason(bool add, const char *reason);
void    lprStatusReasonsClear(void);
bool    lprStatusReasonIsSet(const char *reason);

// Progress of a transfer: the data path only bumps counters; a clock reads them.
typedef struct lpr_progress_s
{
  _Atomic uint64_t sent;        // bytes handed to the socket
  int64_t          total;       // exact total, or -1 when unknown (immediate mode)
  int64_t          start_ns;    // when the transfer started (lprNowNs())
  int64_t          last_ns;     // when the last line was written
  uint64_t         last_sent;   // sent as of that line
  int              interval_ms; // at most one line per interval
  bool             started;
} lpr_progress_t;

void    lprProgressStart(lpr_progress_t *p, int64_t total, int interval_ms);
bool    lprProgressTick(lpr_progress_t *p, bool final);
void    lprProgressStop(lpr_progress_t *p);
size_t  lprProgressFormat(char *buf, size_t size, uint64_t sent, int64_t total, double secs);

#endif // LPR_STATUS_H
