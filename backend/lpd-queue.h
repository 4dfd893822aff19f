// lpd-queue.h - parse a remote queue listing (RFC 1179 section 5.3/5.4) into one snapshot.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// No CUPS calls.  The listing must have been read whole before it is parsed.

#ifndef LPD_QUEUE_H
#define LPD_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct lpd_queue_state_s
{
  char status[256];                     // the server's first status line, cleaned
  int  jobs;                            // job entries listed
  bool found;                           // our job (number; owner and host where listed)
  int  rank;                            // its 1-based position among the entries, or 0
  bool active;                          // it is the one printing
  bool foreign_ids;                     // cups-lpd: jobs listed by the server's own ids, so an
                                        // LPD job number cannot identify ours
} lpd_queue_state_t;

void lpdQueueParse(const char *text, size_t len, int jobnum, const char *host,
                   const char *user, lpd_queue_state_t *st);

#endif // LPD_QUEUE_H
