// lpd-job-send.c - the RFC 1179 sequences of one job on one connection: control file and data
//                  file in either order, exact count or stream, abandon (no CUPS calls).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "lpd-job-private.h"
#include "lpd-reply.h"

#include <stdio.h>
#include <string.h>

// 'send_control()' - The control file: subcommand, contents, NUL, ack (RFC 1179 section 6.2).
static lpd_result_t
send_control(lpd_job_t *job, lpd_conn_t *conn, const lpr_buf_t *ctl)
{
  char         name[64];
  lpd_result_t r;

  lpdFileName(name, sizeof(name), 'c', job->jobnum, job->ctl_host);
  if ((r = lpdSubcommand(conn, LPD_SUB_CONTROL, ctl->len, name)) != LPD_OK)
    return (r);
  if ((r = lpdWriteAll(conn, ctl->data, ctl->len)) != LPD_OK)
    return (r);
  return (lpdEndFile(conn));
}

// 'lpdJobSendData()' - The data file with its exact count: subcommand, data, NUL, ack
//                      (section 6.3).  A file's data is repeated copies times.
lpd_result_t
lpdJobSendData(lpd_job_t *job, lpd_conn_t *conn, const lpr_input_t *in, int copies)
{
  char         name[64];
  uint64_t     count = in->held ? in->held_len : (uint64_t)in->size * (uint64_t)copies;
  lpd_result_t r;

  lpdFileName(name, sizeof(name), 'd', job->jobnum, job->ctl_host);
  if ((r = lpdSubcommand(conn, LPD_SUB_DATA, count, name)) != LPD_OK)
    return (r);
  lprProgressStart(&job->progress, (int64_t)count, LPD_PROGRESS_MS);
  if (in->held)
    r = lpdSendBuffer(conn, in->held, in->held_len);
  else
    for (int i = 0; i < copies && r == LPD_OK; i ++)
      r = lpdSendFile(conn, in->fd, 0, (uint64_t)in->size);
  if (r != LPD_OK)
  {
    lprProgressStop(&job->progress);
    return (r);
  }
  lprProgressTick(&job->progress, true);
  return (lpdEndFile(conn));
}

// 'lpdJobSendExact()' - One job with an exact data-file count (every server accepts this).
lpd_result_t
lpdJobSendExact(lpd_job_t *job, lpd_conn_t *conn, const lpr_input_t *in, int copies,
                const lpr_buf_t *ctl)
{
  lpd_result_t r;

  if ((r = lpdReceiveJob(conn, job->queue)) != LPD_OK)
    return (r);
  if (!job->data_first && (r = send_control(job, conn, ctl)) != LPD_OK)
    return (r);
  if ((r = lpdJobSendData(job, conn, in, copies)) != LPD_OK)
    return (r);
  if (job->data_first)
    r = send_control(job, conn, ctl);
  return (r);
}

// 'lpdJobSendStream()' - One job whose data file has count 0: control first, then the data
//                        until the half-close, then the final ack.
lpd_result_t
lpdJobSendStream(lpd_job_t *job, lpd_conn_t *conn, const lpr_input_t *in, const lpr_buf_t *ctl)
{
  char         name[64];
  lpd_result_t r;

  lpdFileName(name, sizeof(name), 'd', job->jobnum, job->ctl_host);
  if ((r = lpdReceiveJob(conn, job->queue)) != LPD_OK)
    return (r);
  if ((r = send_control(job, conn, ctl)) != LPD_OK)
    return (r);
  if ((r = lpdSubcommand(conn, LPD_SUB_DATA, 0, name)) != LPD_OK)
    return (r);
  lprProgressStart(&job->progress, -1, LPD_PROGRESS_MS);
  if ((in->held_len && (r = lpdSendBuffer(conn, in->held, in->held_len)) != LPD_OK) ||
      (r = lpdSendStream(conn, in->fd)) != LPD_OK)
  {
    lprProgressStop(&job->progress);
    return (r);
  }
  lprProgressTick(&job->progress, true);
  return (lpdFinishStream(conn));
}

// 'lpdJobAbandon()' - Drop a job attempt so the server never takes it for a whole job.
//
// Between files the abort subcommand says so (RFC 1179 section 6.1).  Inside a data file it
// would be read as data, so the connection is reset instead: an exact count then never
// completes, and a zero-count stream does not end with the clean close that means "done".
void
lpdJobAbandon(lpd_conn_t *conn)
{
  if (conn->step == LPD_STEP_DATA_SEND || conn->step == LPD_STEP_DATA_END)
    lpdConnReset(conn);
  else
  {
    if (conn->step >= LPD_STEP_CONTROL)
      lpdAbortJob(conn);
    lpdConnClose(conn);
  }
}

// 'report_nack()' - The ERROR line for a refusal (or a reply out of turn), with the server's
//                   text; a reply that is not LPD at all is said to be so, quoted as text.
static void
report_nack(lpd_job_t *job, const lpd_conn_t *conn, const char *tail)
{
  char        text[300], verdict[400];
  lpd_reply_t reply;

  if (lpdJobNotLpd(conn, &reply))
  {
    lpdReplyFormat(&reply, job->server[0] ? job->server : job->host, lpdStepName(conn->step),
                   verdict, sizeof(verdict));
    lprStatus("ERROR", "Queue misconfigured: %s%s", verdict, tail);
    return;
  }
  lprTextClean(text, sizeof(text), conn->text, conn->textlen);
  if (conn->code == 0x100)
    lprStatus("ERROR", "%s sent an unexpected reply during %s%s%s%s%s", job->who,
              lpdStepName(conn->step), text[0] ? " (\"" : "", text, text[0] ? "\")" : "", tail);
  else if (text[0])
    lprStatus("ERROR", "%s refused %s (code %d: \"%s\")%s", job->who, lpdStepName(conn->step),
              conn->code, text, tail);
  else
    lprStatus("ERROR", "%s refused %s (code %d)%s", job->who, lpdStepName(conn->step),
              conn->code, tail);
}

// 'lpdJobReport()' - One ERROR line for a failed protocol step; tail says what happens next.
void
lpdJobReport(lpd_job_t *job, const lpd_conn_t *conn, lpd_result_t r, const char *tail)
{
  unsigned long long sent = (unsigned long long)atomic_load(&job->progress.sent);

  switch (r)
  {
    case LPD_NACK :
        report_nack(job, conn, tail);
        break;
    case LPD_CLOSED :
        lprStatus("ERROR", "%s closed the connection during %s, after %llu data bytes%s",
                  job->who, lpdStepName(conn->step), sent, tail);
        break;
    case LPD_TIMEOUT :
        lprStatus("ERROR", "%s did not answer for %d s during %s, after %llu data bytes%s",
                  job->who, job->timeout, lpdStepName(conn->step), sent, tail);
        break;
    case LPD_INPUT_ERROR :
        lprStatus("ERROR", "Unable to read the print data after %llu bytes: %s%s", sent,
                  strerror(conn->err), tail);
        break;
    default :
        lprStatus("ERROR", "%s: network error during %s: %s%s", job->who,
                  lpdStepName(conn->step), strerror(conn->err), tail);
        break;
  }
}

// 'lpdJobDone()' - Everything was acknowledged: close and say so.
void
lpdJobDone(lpd_job_t *job, lpd_conn_t *conn)
{
  lpdConnClose(conn);
  job->handed_over = true;
  lprStatus("INFO", "Job sent: %llu bytes to %s",
            (unsigned long long)atomic_load(&job->progress.sent), job->who);
}
