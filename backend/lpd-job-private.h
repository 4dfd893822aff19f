// lpd-job-private.h - what the files of the job family share (no CUPS calls).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#ifndef LPD_JOB_PRIVATE_H
#define LPD_JOB_PRIVATE_H

#include "lpd-job.h"
#include "lpd-queue.h"
#include "lpd-reply.h"
#include "spool.h"

#define LPD_PROGRESS_MS         1000
#define LPD_REMOVE_MS           20000   // query and removal, normally
#define LPD_CANCEL_REMOVE_MS    600     // query and removal while the spooler waits for us
#define LPD_CODE_NOT_LPD        0x200   // lpd_attempt_t.code: the reply was not LPD at all


// The outcome decision (lpd-job-outcome.c): what failed, and where.
typedef struct lpd_attempt_s
{
  lpd_result_t r;                       // the protocol result
  lpd_step_t   step;                    // the step it ended in
  int          code;                    // NACK octet (LPD_NACK)
  bool         stream;                  // a zero-count data file
  bool         consumed;                // a stream took input bytes we no longer hold
  bool         data_first;              // the control file goes last
} lpd_attempt_t;

// Actions a decision names, carried out in this order.
#define LPD_ACT_CLOSE      0x01         // close the connection normally
#define LPD_ACT_RESET      0x02         // reset it (a cut stream must never look whole)
#define LPD_ACT_ABANDON    0x04         // abort subcommand between files, reset inside one
#define LPD_ACT_VERIFY     0x08         // all data went out, the last ack is missing: ask
#define LPD_ACT_REMEMBER   0x10         // record that the queue refuses zero counts
#define LPD_ACT_REMOVE     0x20         // ask the server to remove what it kept of the job
#define LPD_ACT_QUICK      0x40         // ... within the cancel budget
#define LPD_ACT_REPORT     0x80         // one ERROR line for the failed step

typedef struct lpd_decision_s
{
  lpd_outcome_t outcome;                // (after VERIFY: when the job is not shown)
  unsigned      actions;                // LPD_ACT_*
  const char    *tail;                  // what the ERROR line adds: what happens next
  int           row;                    // the table row that decided (tests, DEBUG lines)
} lpd_decision_t;

lpd_decision_t lpdOutcomeDecide(const lpd_attempt_t *a);
int            lpdOutcomeRows(void);
bool           lpdJobNotLpd(const lpd_conn_t *conn, lpd_reply_t *reply);
lpd_outcome_t  lpdJobOutcome(lpd_job_t *job, lpd_conn_t *conn, lpd_result_t r, bool stream,
                             bool consumed);

// lpd-job-connect.c
lpd_outcome_t  lpdJobResolve(lpd_job_t *job);
lpd_outcome_t  lpdJobConnect(lpd_job_t *job, lpd_conn_t *conn);

// lpd-job-send.c
lpd_result_t   lpdJobSendExact(lpd_job_t *job, lpd_conn_t *conn, const lpr_input_t *in,
                               int copies, const lpr_buf_t *ctl);
lpd_result_t   lpdJobSendStream(lpd_job_t *job, lpd_conn_t *conn, const lpr_input_t *in,
                                const lpr_buf_t *ctl);
lpd_result_t   lpdJobSendData(lpd_job_t *job, lpd_conn_t *conn, const lpr_input_t *in,
                              int copies);
void           lpdJobAbandon(lpd_conn_t *conn);
void           lpdJobReport(lpd_job_t *job, const lpd_conn_t *conn, lpd_result_t r,
                            const char *tail);
void           lpdJobDone(lpd_job_t *job, lpd_conn_t *conn);

// lpd-job-remote.c
bool           lpdJobShown(lpd_job_t *job);
void           lpdJobRemoveRemote(lpd_job_t *job, int budget_ms);
lpd_outcome_t  lpdJobWaitRemote(lpd_job_t *job);
void           lpdJobRememberRefusal(lpd_job_t *job);
bool           lpdJobRefusalKnown(lpd_job_t *job, time_t *when);

#endif // LPD_JOB_PRIVATE_H
