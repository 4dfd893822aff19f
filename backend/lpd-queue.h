// lpd-queue.h - parse a remote queue listing (RFC 1179 section 5.3/5.4) into one snapshot.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// No CUPS calls.  The listing must have been read whole before it is parsed (a listing cut at
// a cap is parsed all the same, but its caller must not take a job's absence from it).
//
// Use:
//   lpd_queue_match_t want = { .jobnum = 123, .host = "ws1", .user = "alice",
//                              .jobname = "report.txt", .source = "report.txt",
//                              .queue = "lp", .size = 1234 };
//   lpd_queue_state_t st;
//   lpdQueueParse(text, len, &want, &st);
//
// What the result means (docs/lpd-families.md has each family's listing):
//   family      which server family the listing's shape belongs to; LPD_FAMILY_ERROR_REPLY
//               when the server answered with an error sentence instead (unknown queue,
//               unsupported command), LPD_FAMILY_UNKNOWN when nothing was recognised.
//   understood  the listing's format was recognised and every row in it parsed, so a job that
//               is not listed is not in the queue.  False for UNKNOWN, ERROR_REPLY, LPRng's
//               short form (it counts jobs without listing them) and any listing with a line
//               where a job row should be that no parser knows.
//   found       exactly one listed job is ours; how says by what:
//                 LPD_MATCH_JOBNUM      our control-file number, where the server lists ours
//                                       (BSD lpd, LPRng), with the owner (and LPRng's host)
//                 LPD_MATCH_OWNER_TITLE_SIZE  the owner, the title and the exact size, where
//                                       the server lists its own ids (cups-lpd, Windows LPD
//                                       Service, Canon PRISMAsync, Xerox)
//                 LPD_MATCH_OWNER_TITLE the same without a size (want.size was 0): weaker
//   ambiguous   two or more listed jobs match as well as ours would: found is then false.
//   rank        1-based position of our job among the listed (not finished) jobs, or 0.
//   active      our job is the one printing.
//   server_id   the server's own id of our job when matched by owner and title ("" else).
//   foreign_ids the numbers the listing shows are the server's own: an LPD job number cannot
//               identify ours there (nor may it be sent in a remove-jobs command).
//   jobs        job rows listed (finished LPRng jobs not counted).
//   status      the server's first status line, cleaned of control bytes and invalid UTF-8.
//
// Owners written user@host count as the user.  Titles are compared as a prefix, whitespace
// runs folded and case ignored, because servers cut long names to their column (LPRng 20,
// cups-lpd 31, Windows 19 characters) and BSD lpd may end a cut name with "...".

#ifndef LPD_QUEUE_H
#define LPD_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum lpd_family_e
{
  LPD_FAMILY_UNKNOWN,                   // no listing format recognised
  LPD_FAMILY_ERROR_REPLY,               // an error sentence instead of a listing
  LPD_FAMILY_BSD,                       // BSD lpd short or long form (and compatible servers)
  LPD_FAMILY_LPRNG,                     // LPRng: "Printer: q@host", rows "user@host+NNN"
  LPD_FAMILY_CUPS_LPD,                  // cups-lpd: BSD shape with CUPS job ids
  LPD_FAMILY_WINDOWS,                   // Windows LPD Service: fixed-width rows, own ids
  LPD_FAMILY_JETDIRECT,                 // HP JetDirect: "no jobs queued on the port ..."
  LPD_FAMILY_XEROX,                     // Xerox: "no entry jobs", DocuPrint listings
  LPD_FAMILY_ALL_QUEUES                 // Canon PRISMAsync: every queue's jobs, own ids
} lpd_family_t;

typedef enum lpd_match_e
{
  LPD_MATCH_NONE,                       // not found (or ambiguous)
  LPD_MATCH_JOBNUM,                     // by our job number (and owner, host where listed)
  LPD_MATCH_OWNER_TITLE_SIZE,           // by owner, title prefix and exact size
  LPD_MATCH_OWNER_TITLE                 // by owner and title prefix: size unknown
} lpd_match_t;

typedef struct lpd_queue_match_s        // the job we look for, as we sent it
{
  int        jobnum;                    // control-file number, 0-999
  const char *host;                     // H line, or NULL
  const char *user;                     // P line, or NULL
  const char *jobname;                  // J line as sent, or NULL
  const char *source;                   // N line as sent, or NULL
  const char *queue;                    // the queue asked about, or NULL
  long long  size;                      // exact data bytes sent, or 0 when unknown
} lpd_queue_match_t;

typedef struct lpd_queue_state_s
{
  lpd_family_t family;                  // recognised family (see above)
  bool         understood;              // format recognised: absence means not queued
  int          jobs;                    // job rows listed
  bool         found;                   // exactly one row is ours
  lpd_match_t  how;                     // by what it was found
  bool         ambiguous;               // several rows match: not found
  int          rank;                    // its 1-based position among the rows, or 0
  bool         active;                  // it is the one printing
  bool         foreign_ids;             // the listing shows the server's own job ids
  char         server_id[32];           // the server's id of our job (own-id families)
  char         status[256];             // the server's first status line, cleaned
} lpd_queue_state_t;

void        lpdQueueParse(const char *text, size_t len, const lpd_queue_match_t *want,
                          lpd_queue_state_t *st);
const char  *lpdFamilyName(lpd_family_t family);
const char  *lpdMatchName(lpd_match_t how);

#endif // LPD_QUEUE_H
