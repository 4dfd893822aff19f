// job.h - one CUPS job delivered to one LPD queue: modes, fallback, retries, verification.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#ifndef LPR_JOB_H
#define LPR_JOB_H

#include <cups/http.h>
#include <stdbool.h>

#include "lpd-proto.h"
#include "options.h"
#include "snmp.h"
#include "status.h"

typedef enum lpr_result_e               // outcomes; only main() turns them into exit codes
{
  LPR_RESULT_OK,                        // the server acknowledged everything
  LPR_RESULT_FAILED,                    // failed: cupsd applies the queue's error policy
  LPR_RESULT_HOLD,                      // keep the job held for a person to decide
  LPR_RESULT_STOP,                      // the queue is misconfigured: stop it, keep the job
  LPR_RESULT_CANCELED,                  // we were told to stop (SIGTERM)
  LPR_RESULT_RETRY,                     // keep the job, try again later
  LPR_RESULT_RETRY_CURRENT              // rerun the job now
} lpr_result_t;

typedef struct lpr_job_s
{
  // What cupsd gave us.
  int           id;                     // CUPS job id
  const char    *file;                  // argv[6], or NULL for stdin
  int           copies;                 // argv[4]
  lpr_uri_t     uri;
  lpr_options_t opt;
  const char    *tmpdir;
  const char    *cachedir;              // where refusals of zero counts are remembered
  bool          in_class;               // CLASS is set: give up fast, another member may work
  int           cancel_fd;              // readable once SIGTERM arrived
  int           sc_fd;                  // CUPS side channel, or -1
  int           ep_fd;                  // epoll set of the extra inputs (hooks.fd), or -1

  // Control-file fields, sanitized to RFC 1179 limits.
  char          host[LPD_HOST_MAX + 1];
  char          user[LPD_USER_MAX + 1];
  char          jobname[LPD_JOB_MAX + 1];
  char          source[LPD_SOURCE_MAX + 1];
  char          title[LPD_TITLE_MAX + 1];
  int           jobnum;

  // While running.
  http_addrlist_t *addrs;
  char          server[300];            // "host:port" of the address in use, for messages
  lpd_hooks_t   hooks;
  lpr_progress_t progress;
  bool          zerocopy;
  bool          connected;              // for the side channel
  bool          handed_over;            // everything acknowledged by the server
  int           sock_fd;                // socket of the job connection while it is open, or -1
  bool          drain_pending;          // a filter waits for DRAIN_OUTPUT's answer
  lpr_snmp_t    snmp;                   // the SNMP helper and what it told us
} lpr_job_t;

void         lprJobSetup(lpr_job_t *job, const char *user, const char *title,
                         const char *orighost);
lpr_result_t lprJobRun(lpr_job_t *job);
bool         lprJobWatch(lpr_job_t *job, int fd);
void         lprJobUnwatch(lpr_job_t *job, int fd);
void         lprJobWatchSideChannel(lpr_job_t *job, bool on);

#endif // LPR_JOB_H
