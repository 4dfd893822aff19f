// lpd-job-outcome.c - what a job attempt's end means: a pure decision table (protocol result x
//                     step x stream state -> outcome and actions), and the code that carries
//                     the actions out (no CUPS calls).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "lpd-job-private.h"
#include "lpd-reply.h"

#include <stdio.h>

// Match conditions of a row.
#define ANY          -1
#define R_NOT_NACK   -2                 // any result but LPD_NACK
#define S_LAST       -3                 // the step that completes the job (all data sent)
#define S_CONTROL_ON -4                 // LPD_STEP_CONTROL or later (a control file may exist)

typedef struct row_s
{
  int           r;                      // lpd_result_t, ANY or R_NOT_NACK
  int           step;                   // lpd_step_t, ANY, S_LAST or S_CONTROL_ON
  int           stream;                 // 1: a stream that consumed input; 0: not; ANY
  int           code;                   // NACK code, or ANY
  lpd_outcome_t outcome;
  unsigned      actions;
  const char    *tail;
} row_t;

// Remove only what the server may have kept: a control file whose ack came, or whose data
// is pending (see kept()).  Decided into LPD_ACT_REMOVE or nothing.
#define KEPT 0x1000

// First match wins.
static const row_t rows[] =
{
  // Acknowledged: done.
  { LPD_OK, ANY, ANY, ANY, LPD_OUTCOME_OK, LPD_ACT_CLOSE, NULL },
  // Canceled: never let a server print a cut job; remove what it kept.
  { LPD_CANCELED, S_CONTROL_ON, ANY, ANY, LPD_OUTCOME_CANCELED,
    LPD_ACT_ABANDON | LPD_ACT_REMOVE | LPD_ACT_QUICK, NULL },
  { LPD_CANCELED, ANY, ANY, ANY, LPD_OUTCOME_CANCELED, LPD_ACT_ABANDON, NULL },
  // The job's data could not be read: the spooler's error policy.
  { LPD_INPUT_ERROR, S_CONTROL_ON, ANY, ANY, LPD_OUTCOME_FAILED,
    LPD_ACT_ABANDON | LPD_ACT_REMOVE | LPD_ACT_REPORT, "" },
  { LPD_INPUT_ERROR, ANY, ANY, ANY, LPD_OUTCOME_FAILED, LPD_ACT_ABANDON | LPD_ACT_REPORT, "" },
  // All data went out, only the last ack is missing: verified, else held (it may have printed).
  { R_NOT_NACK, S_LAST, ANY, ANY, LPD_OUTCOME_HOLD,
    LPD_ACT_RESET | LPD_ACT_VERIFY | LPD_ACT_REPORT,
    "; the job may have printed, and the queue listing does not show it, so it is held rather "
    "than printed twice: check the printer, then release it (lp -i JOB -H resume) or cancel "
    "it" },
  // The server does not speak LPD (an HTTP server, a TLS port, junk): the URI is wrong.
  { LPD_NACK, LPD_STEP_COMMAND, ANY, LPD_CODE_NOT_LPD, LPD_OUTCOME_STOP,
    LPD_ACT_ABANDON | KEPT | LPD_ACT_REPORT, "; check the host and port in the device URI" },
  // A stream failed after it took input we no longer hold: rerun, spooled.
  { LPD_NACK, ANY, 1, ANY, LPD_OUTCOME_RETRY_CURRENT,
    LPD_ACT_RESET | LPD_ACT_REMEMBER | LPD_ACT_REMOVE | LPD_ACT_REPORT,
    "; the job will be rerun and sent spooled" },
  { LPD_CLOSED, ANY, 1, ANY, LPD_OUTCOME_RETRY_CURRENT,
    LPD_ACT_RESET | LPD_ACT_REMEMBER | LPD_ACT_REMOVE | LPD_ACT_REPORT,
    "; the job will be rerun and sent spooled" },
  { ANY, ANY, 1, ANY, LPD_OUTCOME_RETRY_CURRENT,
    LPD_ACT_RESET | LPD_ACT_REMOVE | LPD_ACT_REPORT, "; the job will be rerun and sent spooled" },
  // Refusals: code 2 is "no space now" (LPRng, BSD lpd); the command refused = wrong queue.
  { LPD_NACK, ANY, 0, 2, LPD_OUTCOME_RETRY, LPD_ACT_ABANDON | KEPT | LPD_ACT_REPORT,
    "; retrying later" },
  { LPD_NACK, LPD_STEP_COMMAND, 0, ANY, LPD_OUTCOME_STOP, LPD_ACT_ABANDON | LPD_ACT_REPORT,
    "; check the queue name" },
  { LPD_NACK, ANY, 0, ANY, LPD_OUTCOME_FAILED, LPD_ACT_ABANDON | KEPT | LPD_ACT_REPORT, "" },
  // The connection went away or stalled before the end: send it again later.
  { LPD_CLOSED, ANY, 0, ANY, LPD_OUTCOME_RETRY, LPD_ACT_CLOSE | KEPT | LPD_ACT_REPORT,
    "; the job stays queued and will be sent again" },
  { ANY, ANY, 0, ANY, LPD_OUTCOME_RETRY, LPD_ACT_ABANDON | KEPT | LPD_ACT_REPORT,
    "; the job stays queued and will be sent again" }
};

// 'last_step()' - The step whose ack completes the job.
static lpd_step_t
last_step(const lpd_attempt_t *a)
{
  return ((!a->stream && a->data_first) ? LPD_STEP_CONTROL_END : LPD_STEP_DATA_END);
}

// 'matches()' - Whether an attempt matches a row.
static bool
matches(const row_t *row, const lpd_attempt_t *a)
{
  if (row->r == R_NOT_NACK ? a->r == LPD_NACK : (row->r != ANY && row->r != (int)a->r))
    return (false);
  if (row->step == S_LAST && a->step != last_step(a))
    return (false);
  if (row->step == S_CONTROL_ON && a->step < LPD_STEP_CONTROL)
    return (false);
  if (row->step >= 0 && row->step != (int)a->step)
    return (false);
  if (row->stream != ANY && row->stream != (a->stream && a->consumed))
    return (false);
  return (row->code == ANY || (a->r == LPD_NACK && row->code == a->code));
}

// 'kept()' - Whether the server may hold a control file of this attempt without its data.
//
// Control first, it has one from CONTROL_END on.  Data first, the control file goes last: only
// its own step can leave one (every data step comes before it, whatever the enum's order says).
static bool
kept(const lpd_attempt_t *a)
{
  return (a->data_first ? a->step == LPD_STEP_CONTROL_END : a->step >= LPD_STEP_CONTROL_END);
}

// 'lpdOutcomeDecide()' - The outcome and actions for an attempt's end (pure: no I/O).
lpd_decision_t
lpdOutcomeDecide(const lpd_attempt_t *a)
{
  lpd_decision_t d = { LPD_OUTCOME_RETRY, LPD_ACT_ABANDON | LPD_ACT_REPORT, "", -1 };

  for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i ++)
    if (matches(rows + i, a))
    {
      d.outcome = rows[i].outcome;
      d.actions = rows[i].actions;
      d.tail    = rows[i].tail;
      d.row     = (int)i;
      if (d.actions & KEPT)
        d.actions = (d.actions & ~(unsigned)KEPT) | (kept(a) ? LPD_ACT_REMOVE : 0);
      break;
    }
  return (d);
}

// 'lpdOutcomeRows()' - How many rows the table has (the unit test covers each).
int
lpdOutcomeRows(void)
{
  return ((int)(sizeof(rows) / sizeof(rows[0])));
}

// 'close_conn()' - The connection part of a decision.
static void
close_conn(lpd_conn_t *conn, unsigned actions)
{
  if (actions & LPD_ACT_RESET)
    lpdConnReset(conn);
  else if (actions & LPD_ACT_ABANDON)
    lpdJobAbandon(conn);
  else
    lpdConnClose(conn);
}

// 'verified()' - After a lost final ack: the listing shows the job (sent), or not (held).
static lpd_outcome_t
verified(lpd_job_t *job, const lpd_conn_t *conn, lpd_result_t r, const lpd_decision_t *d)
{
  if (lpdJobShown(job))
  {
    lprStatus("WARNING", "%s did not acknowledge the end of the job, but job %03d is in its "
              "queue: counted as sent", job->who, job->jobnum);
    job->handed_over = true;
    return (LPD_OUTCOME_OK);
  }
  lpdJobReport(job, conn, r, d->tail);
  return (d->outcome);
}

// 'lpdJobNotLpd()' - Whether the server's first reply shows it does not speak LPD at all (an
//                   HTTP status line, a TLS alert, junk); reply receives the verdict.
//
// Only the reply to the receive-job command can say so: a server that acknowledged it speaks
// LPD, and a later refusal with odd text (Latin-1, an escape) is a refusal, whose outcome
// (retry, rerun, fail) must not become "stop the queue, the URI is wrong".
bool
lpdJobNotLpd(const lpd_conn_t *conn, lpd_reply_t *reply)
{
  return (conn->step == LPD_STEP_COMMAND && conn->code < 0x100 &&
          lpdReplyClassifyNack(conn->code, conn->text, conn->textlen, reply) != LPD_REPLY_NACK);
}

// 'lpdJobOutcome()' - Decide what an attempt's end means, and carry the actions out.
//
// consumed: a zero-count stream has already taken input bytes we no longer hold.
lpd_outcome_t
lpdJobOutcome(lpd_job_t *job, lpd_conn_t *conn, lpd_result_t r, bool stream, bool consumed)
{
  lpd_attempt_t  a = { r, conn->step, conn->code, stream, consumed, job->data_first };
  lpd_decision_t d;
  lpd_reply_t    reply;

  if (r == LPD_NACK && lpdJobNotLpd(conn, &reply))
    a.code = LPD_CODE_NOT_LPD;
  d = lpdOutcomeDecide(&a);

  job->sock_fd   = -1;
  job->connected = false;
  if (r == LPD_OK)
  {
    lpdJobDone(job, conn);
    return (d.outcome);
  }
  // Report first: the abort moves the connection to another step.
  if ((d.actions & LPD_ACT_REPORT) && !(d.actions & LPD_ACT_VERIFY))
    lpdJobReport(job, conn, r, d.tail);
  close_conn(conn, d.actions);
  if (d.actions & LPD_ACT_VERIFY)
    return (verified(job, conn, r, &d));
  if (d.actions & LPD_ACT_REMEMBER)
    lpdJobRememberRefusal(job);
  if (d.actions & LPD_ACT_REMOVE)
    lpdJobRemoveRemote(job, (d.actions & LPD_ACT_QUICK) ? LPD_CANCEL_REMOVE_MS : LPD_REMOVE_MS);
  if (r == LPD_CANCELED)
    lprStatus("INFO", "Job canceled: the job at %s was aborted", job->who);
  return (d.outcome);
}
