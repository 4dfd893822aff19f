// lpd-job.c - deliver one whole job to one LPD queue: setup, the modes and the zero-count
//             fallback (no CUPS calls).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Immediate mode falls back to spooled only while every input byte is still in our hands;
// after that a refusal means "rerun the job", and the refusal is remembered.

#include "config.h"
#include "lpd-job-private.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

// 'lpdJobInit()' - The defaults (those of CUPS's lpd backend where it has one).
void
lpdJobInit(lpd_job_t *job, lpd_loop_t *loop)
{
  memset(job, 0, sizeof(*job));
  job->port        = 515;
  job->infd        = 0;
  job->copies      = 1;
  job->format      = 'l';
  job->mode        = LPD_MODE_AUTO;
  job->mode_source = "default";
  job->reserve     = LPD_RESERVE_ANY;
  job->timeout     = 300;
  job->contimeout  = 604800;
  job->polltime    = 5;
  job->tmpdir      = "/tmp";
  job->cachedir    = "/tmp";
  job->zerocopy    = true;
  job->loop        = loop;
  job->sock_fd     = -1;
}

// 'set_field()' - One control-file text: 7-bit when asked, cleaned and cut to its limit.
static size_t
set_field(const lpd_job_t *job, char *dst, size_t size, const char *src, size_t max)
{
  char ascii[1024];

  if (!job->ascii_only)
    return (lpdSanitize(dst, size, src, max));
  lprTextAscii(ascii, sizeof(ascii), src ? src : "", src ? strlen(src) : 0);
  return (lpdSanitize(dst, size, ascii, max));
}

// 'lpdJobSetText()' - Control-file fields from the job, sanitized to RFC 1179 limits (set
//                     ascii_only first).
void
lpdJobSetText(lpd_job_t *job, const char *user, const char *title, const char *orighost,
              bool sanitize_title)
{
  char   buf[1024];

  if (orighost && *orighost && strcasecmp(orighost, "localhost"))
    lpdSanitizeHost(job->ctl_host, sizeof(job->ctl_host), orighost);
  else
  {
    // gethostname(), not a resolver call: the short name is what LPD servers expect anyway.
    if (gethostname(buf, sizeof(buf)) < 0)
      buf[0] = '\0';
    buf[sizeof(buf) - 1] = '\0';
    lpdSanitizeHost(job->ctl_host, sizeof(job->ctl_host), buf);
  }
  if (set_field(job, job->user, sizeof(job->user), user, LPD_USER_MAX) == 0)
    snprintf(job->user, sizeof(job->user), "unknown");

  snprintf(buf, sizeof(buf), "%s", title ? title : "");
  if (sanitize_title)                   // as the lpd backend: only letters, digits and spaces
    for (size_t i = 0; buf[i]; i ++)
      if (!isalnum((unsigned char)buf[i]) && !isspace((unsigned char)buf[i]))
        buf[i] = '_';
  set_field(job, job->jobname, sizeof(job->jobname), buf, LPD_JOB_MAX);
  set_field(job, job->source, sizeof(job->source), buf, LPD_SOURCE_MAX);
  set_field(job, job->title, sizeof(job->title), buf, LPD_TITLE_MAX);
}

// 'lpdOutcomeName()' - Short name of an outcome, for DEBUG lines and tests.
const char *
lpdOutcomeName(lpd_outcome_t o)
{
  static const char * const names[] =
  { "ok", "failed", "hold", "stop", "canceled", "retry", "retry-current" };

  return ((unsigned)o < sizeof(names) / sizeof(names[0]) ? names[o] : "unknown");
}

// 'deliver_exact()' - Connect and send with an exact count.
static lpd_outcome_t
deliver_exact(lpd_job_t *job, const lpr_input_t *in, int copies, const lpr_buf_t *ctl)
{
  lpd_conn_t    conn;
  lpd_outcome_t o;

  if ((o = lpdJobConnect(job, &conn)) != LPD_OUTCOME_OK)
    return (o);
  return (lpdJobOutcome(job, &conn, lpdJobSendExact(job, &conn, in, copies, ctl), false,
                        false));
}

// 'spool_input()' - Copy stdin to an anonymous temp file; one ERROR line on failure.
static lpd_outcome_t
spool_input(lpd_job_t *job, lpr_input_t *in)
{
  lpr_spool_info_t   info;
  lpr_spool_result_t r;

  lprStatus("INFO", "Spooling job data in %s", job->tmpdir);
  switch ((r = lprInputSpool(in, job->tmpdir, job->loop, &info)))
  {
    case LPR_SPOOL_OK :
        lprStatus("DEBUG", "Spooled %llu bytes", (unsigned long long)info.written);
        return (LPD_OUTCOME_OK);
    case LPR_SPOOL_CANCELED :
        lprStatus("INFO", "Job canceled while spooling; temporary file removed");
        return (LPD_OUTCOME_CANCELED);
    case LPR_SPOOL_NOSPACE :
        lprStatus("ERROR", "Not enough space in %s to spool the job: it needs more than %llu "
                  "bytes and %llu are free; temporary file removed, the job will be retried",
                  info.dir, (unsigned long long)info.written, (unsigned long long)info.free_bytes);
        return (LPD_OUTCOME_RETRY);
    case LPR_SPOOL_TMP_ERROR :
        lprStatus("ERROR", "Unable to write a temporary file in %s: %s; the job will be retried",
                  info.dir, strerror(info.err));
        return (LPD_OUTCOME_RETRY);
    default :
        lprStatus("ERROR", "Unable to read the print data after %llu bytes: %s",
                  (unsigned long long)info.written, strerror(info.err));
        return (LPD_OUTCOME_FAILED);
  }
}

// 'report_empty()' - An empty job: nothing is sent (a zero count would mean "until close").
static lpd_outcome_t
report_empty(lpd_job_t *job)
{
  lprStatus("INFO", "The job is empty: nothing was sent to %s queue %s", job->host, job->queue);
  return (LPD_OUTCOME_OK);
}

// 'run_spooled()' - Spool the rest of stdin (after any held bytes), then send its exact size.
static lpd_outcome_t
run_spooled(lpd_job_t *job, lpr_input_t *in, const lpr_buf_t *ctl)
{
  lpd_outcome_t o;

  if ((o = spool_input(job, in)) != LPD_OUTCOME_OK)
    return (o);
  if (in->size == 0)
    return (report_empty(job));
  return (deliver_exact(job, in, 1, ctl));
}

// 'fall_back()' - The zero count was refused before any data went out: spool, then send the
//                 data file with its exact count on the same connection.
//
// The control file has already gone out and BSD lpd keeps it waiting for its data on the open
// connection.  Only a server that closed on us gets a new connection (after its leftover job,
// if listed, is removed).
static lpd_outcome_t
fall_back(lpd_job_t *job, lpd_conn_t *conn, lpr_input_t *in, const lpr_buf_t *ctl)
{
  lpd_outcome_t o;
  lpd_result_t  r;

  lpdJobRememberRefusal(job);
  lprStatus("WARNING", "%s refused a data file of unknown size (code %d): sending this job, and "
            "later ones to this queue, spooled", job->who, conn->code);
  if ((o = spool_input(job, in)) != LPD_OUTCOME_OK || in->size == 0)
  {
    lpdJobAbandon(conn);
    job->sock_fd   = -1;
    job->connected = false;
    lpdJobRemoveRemote(job, o == LPD_OUTCOME_CANCELED ? LPD_CANCEL_REMOVE_MS : LPD_REMOVE_MS);
    return (o != LPD_OUTCOME_OK ? o : report_empty(job));
  }
  r = lpdJobSendData(job, conn, in, 1);
  if (r == LPD_OK || conn->step != LPD_STEP_DATA || r == LPD_CANCELED)
    return (lpdJobOutcome(job, conn, r, false, false));
  lprStatus("DEBUG", "The server did not take the data file on the same connection (%s): "
            "sending the job again on a new one", lpdResultName(r));
  lpdConnClose(conn);
  job->sock_fd   = -1;
  job->connected = false;
  lpdJobRemoveRemote(job, LPD_REMOVE_MS);
  return (deliver_exact(job, in, 1, ctl));
}

// 'run_immediate()' - Stream stdin with count 0; fall back to spooled while nothing is lost.
static lpd_outcome_t
run_immediate(lpd_job_t *job, lpr_input_t *in, const lpr_buf_t *ctl)
{
  lpd_conn_t    conn;
  lpd_outcome_t o;
  lpd_result_t  r;

  if (job->data_first)
    lprStatus("DEBUG", "A data file of unknown size needs the control file first: ignoring "
              "order=data,control for this job");
  job->data_first = false;
  if ((o = lpdJobConnect(job, &conn)) != LPD_OUTCOME_OK)
    return (o);
  r = lpdJobSendStream(job, &conn, in, ctl);
  if (r == LPD_NACK && conn.step == LPD_STEP_DATA)
    return (fall_back(job, &conn, in, ctl));        // refused before any data went out
  return (lpdJobOutcome(job, &conn, r, true, conn.input_bytes > 0 ||
                                             conn.step >= LPD_STEP_DATA_SEND));
}

// 'effective_mode()' - The job's mode, spooled where the queue is known to refuse streams.
static lpd_mode_t
effective_mode(lpd_job_t *job)
{
  time_t when;
  char   date[64];

  if (job->mode != LPD_MODE_IMMEDIATE || !lpdJobRefusalKnown(job, &when))
    return (job->mode);
  strftime(date, sizeof(date), "%Y-%m-%d %H:%M", localtime(&when));
  lprStatus("INFO", "Queue %s on %s refused a data file of unknown size on %s: sending this "
            "job spooled", job->queue, job->host, date);
  return (LPD_MODE_SPOOLED);
}

// 'run_stdin()' - A job on a stream, in the chosen mode.
static lpd_outcome_t
run_stdin(lpd_job_t *job, lpr_input_t *in, const lpr_buf_t *ctl)
{
  lpr_spool_result_t sr;
  int                err = 0;
  lpd_mode_t         mode = effective_mode(job);

  if (mode == LPD_MODE_IMMEDIATE && lprInputWait(in, job->loop) == LPR_SPOOL_CANCELED)
    return (LPD_OUTCOME_CANCELED);
  // Immediate: take what is there now (no waiting for the rest); auto: up to LPR_HOLD_MAX.
  sr = lprInputHold(in, mode == LPD_MODE_AUTO ? LPR_HOLD_MAX : 0, job->loop, &err);
  if (sr == LPR_SPOOL_CANCELED)
    return (LPD_OUTCOME_CANCELED);
  if (sr != LPR_SPOOL_OK)
  {
    lprStatus("ERROR", "Unable to read the print data: %s", strerror(err));
    return (LPD_OUTCOME_FAILED);
  }
  if (in->eof && in->held_len == 0)
    return (report_empty(job));
  if (in->eof)
    return (deliver_exact(job, in, 1, ctl));  // the whole job is in memory: exact count
  if (mode == LPD_MODE_IMMEDIATE)
    return (run_immediate(job, in, ctl));
  return (run_spooled(job, in, ctl));
}

// 'build_control()' - The control file; copies are print lines unless the data repeats.
static bool
build_control(lpd_job_t *job, lpr_buf_t *ctl)
{
  lpd_control_t cc;

  memset(&cc, 0, sizeof(cc));
  cc.host    = job->ctl_host;
  cc.user    = job->user;
  cc.jobname = job->jobname;
  cc.source  = job->source;
  cc.title   = job->title;
  cc.banner  = job->banner;
  cc.format  = job->format;
  cc.copies  = job->file && !job->manual_copies ? job->copies : 1;
  cc.jobnum  = job->jobnum;
  lprBufInit(ctl, 1024 * 1024);
  if (lpdControlBuild(&cc, ctl))
    return (true);
  lprStatus("ERROR", "Unable to build the control file (%d copies)", cc.copies);
  lprBufFree(ctl);
  return (false);
}

// 'deliver()' - Once the printer is found: the job, then waitjob.
static lpd_outcome_t
deliver(lpd_job_t *job, lpr_input_t *in, const lpr_buf_t *ctl)
{
  lpd_outcome_t o;

  if (job->file && in->size == 0)
    o = report_empty(job);
  else if (job->file)
    o = deliver_exact(job, in, job->manual_copies ? job->copies : 1, ctl);
  else
    o = run_stdin(job, in, ctl);
  if (o == LPD_OUTCOME_OK && job->file && job->handed_over)
    lprStatus("PAGE", "1 %d", job->copies);
  if (o == LPD_OUTCOME_OK && job->handed_over && job->waitjob)
    o = lpdJobWaitRemote(job);
  return (o);
}

// 'on_tick()' - The loop's clock: progress lines come from the counters, never from the data
//               path; then the front end's own tick.
static void
on_tick(void *ctx)
{
  lpd_job_t *job = ctx;

  lprProgressTick(&job->progress, false);
  if (job->tick)
    job->tick(job->ctx);
}

// 'lpdJobRun()' - Deliver the job; the outcome says what the spooler should do next.
lpd_outcome_t
lpdJobRun(lpd_job_t *job)
{
  lpr_buf_t     ctl;
  lpr_input_t   in;
  lpd_outcome_t o;
  int           err = 0;

  snprintf(job->who, sizeof(job->who), "lpd %s queue %s", job->host, job->queue);
  if (!build_control(job, &ctl))
    return (LPD_OUTCOME_FAILED);
  lprStatus("DEBUG", "Mode %s (set by %s), order %s, format %c, %d copies",
            job->mode == LPD_MODE_IMMEDIATE ? "immediate" : job->mode == LPD_MODE_SPOOLED
            ? "spooled" : "auto", job->mode_source ? job->mode_source : "default",
            job->data_first ? "data,control" : "control,data", job->format, job->copies);
  if (job->file && !lprInputOpenFile(&in, job->file, &err))
  {
    lprStatus("ERROR", "Unable to open print file %s: %s", job->file, strerror(err));
    lprBufFree(&ctl);
    return (LPD_OUTCOME_FAILED);
  }
  if (!job->file)
    lprInputStdin(&in, job->infd);
  lpdLoopSetTick(job->loop, LPD_PROGRESS_MS, on_tick, job);
  if (job->open || (o = lpdJobResolve(job)) == LPD_OUTCOME_OK)
    o = deliver(job, &in, &ctl);
  lprInputClose(&in);
  lprBufFree(&ctl);
  lpdAddrFree(job->addrs);
  job->addrs = NULL;
  return (o);
}
