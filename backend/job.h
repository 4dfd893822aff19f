// job.h - the CUPS front end of one job: cupsd's job, URI and options in, the core's outcome
//         out, with the side channel and the SNMP helper on the job's loop.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#ifndef LPR_JOB_H
#define LPR_JOB_H

#include <stdbool.h>

#include "loop.h"
#include "lpd-job.h"
#include "options.h"
#include "sidechannel.h"
#include "snmp.h"

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

  // While running.
  lpd_loop_t    loop;                   // every wait of the job
  lpd_job_t     core;                   // the CUPS-free job
  lpr_sc_t      sc;
  lpr_snmp_t    snmp;
} lpr_job_t;

void          lprJobSetup(lpr_job_t *job, const char *user, const char *title,
                          const char *orighost);
lpd_outcome_t lprJobRun(lpr_job_t *job);

#endif // LPR_JOB_H
