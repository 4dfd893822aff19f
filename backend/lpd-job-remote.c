// lpd-job-remote.c - the job in the remote queue: listing, verification after a lost ack,
//                    removal, waitjob, and the memo of queues that refuse zero counts
//                    (no CUPS calls).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "lpd-job-private.h"
#include "memo.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define WAIT_UNSEEN_POLLS 3             // whole listings without our job before waiting ends

typedef struct listing_s                // one queue listing, read and parsed
{
  lpd_queue_state_t st;
  bool              whole;              // read to the end (not cut at the cap)
  bool              canceled;
} listing_t;

// 'ordinal()' - "1st", "2nd", "3rd", "11th"...
static const char *
ordinal(int n, char *buf, size_t size)
{
  const char *suffix = "th";

  if (n % 100 < 11 || n % 100 > 13)
    suffix = n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
  snprintf(buf, size, "%d%s", n, suffix);
  return (buf);
}

// 'ask_on()' - One queue command on a connected socket; the reply is read whole.
static bool
ask_on(lpd_job_t *job, int fd, int command, const char *operands, int timeout_ms,
       lpr_buf_t *reply, lpd_result_t *res, bool *canceled)
{
  lpd_conn_t conn;

  lpdConnInit(&conn, fd, job->loop, timeout_ms);
  reply->len = 0;
  *res = lpdQuery(&conn, command, job->queue, operands, reply);
  lpdConnClose(&conn);
  *canceled = *res == LPD_CANCELED;
  return ((*res == LPD_OK || *res == LPD_TOO_BIG) && reply->data);
}

// 'ask()' - One queue command on a new connection to each address in turn until one answers
//           (or on the front end's own transport).  False when no reply could be read.
static bool
ask(lpd_job_t *job, int command, const char *operands, int timeout_ms, lpr_buf_t *reply,
    lpd_result_t *res, bool *canceled)
{
  int fd, lport, err;

  *canceled = false;
  *res = LPD_IO_ERROR;
  if (job->open)
    return (job->open(job->ctx, &fd) &&
            ask_on(job, fd, command, operands, timeout_ms, reply, res, canceled));
  for (lpd_addr_t *a = job->addrs; a; a = a->next)
  {
    lpd_net_result_t nr = lpdConnect(job->loop, a, job->reserve, timeout_ms, &fd, &lport, &err);

    if (nr == LPD_NET_CANCELED)
    {
      *canceled = true;
      return (false);
    }
    if (nr == LPD_NET_OK && ask_on(job, fd, command, operands, timeout_ms, reply, res, canceled))
      return (true);
    if (*canceled)
      return (false);
  }
  return (false);
}

// 'describe_find()' - How the listing showed our job, for a DEBUG line.
static const char *
describe_find(const lpd_queue_state_t *st)
{
  if (st->ambiguous)
    return ("cannot be told apart from another job there");
  switch (st->how)
  {
    case LPD_MATCH_JOBNUM :
        return ("is there (by its job number)");
    case LPD_MATCH_OWNER_TITLE_SIZE :
        return ("is there (by owner, title and size: the server lists its own job ids)");
    case LPD_MATCH_OWNER_TITLE :
        return ("may be there (owner and title match; the size is unknown)");
    default :
        return (st->understood ? "is not there" : "is not found in a listing the backend "
                                                  "cannot fully read");
  }
}

// 'list_queue()' - One long-form listing (\4: LPRng's short form lists no jobs), parsed.
static bool
list_queue(lpd_job_t *job, int timeout_ms, listing_t *l)
{
  lpr_buf_t         reply;
  lpd_result_t      r;
  bool              got;
  lpd_queue_match_t want = { job->jobnum, job->ctl_host, job->user, job->jobname, job->source,
                             job->queue, (long long)atomic_load(&job->progress.sent),
                             job->banner };

  memset(l, 0, sizeof(*l));
  lprBufInit(&reply, LPD_QUEUE_LISTING_MAX);
  got = ask(job, LPD_CMD_QUEUE_LONG, NULL, timeout_ms, &reply, &r, &l->canceled);
  if (got)
  {
    lpdQueueParse(reply.data, reply.len, &want, &l->st);
    l->whole = r == LPD_OK;
    if (l->st.how == LPD_MATCH_OWNER_TITLE)
      l->st.found = false;              // too weak to count a job as sent or to follow it
    lprStatus("DEBUG", "Queue %s (%s listing%s) lists %d jobs; job %03d %s%s%s", job->queue,
              lpdFamilyName(l->st.family), l->whole ? "" : ", cut at its cap", l->st.jobs,
              job->jobnum, describe_find(&l->st), l->st.server_id[0] ? ", its id there: " : "",
              l->st.server_id);
  }
  lprBufFree(&reply);
  return (got);
}

// 'lpdJobShown()' - Whether the queue listing (read on a new connection) positively shows our
//                   job.  Not shown covers absent, unreadable, cut and ambiguous alike: after a
//                   lost final ack each means "it may have printed" (the lost-ack rule).
bool
lpdJobShown(lpd_job_t *job)
{
  listing_t l;

  return (list_queue(job, job->timeout * 1000, &l) && l.st.found);
}

// 'lpdJobRemoveRemote()' - Ask the server to remove our job (RFC 1179 section 5.5), when it
//                          lists it as ours.
//
// Neither LPRng nor BSD lpd honours the abort subcommand reliably, and LPRng keeps a reset
// stream as a truncated job; removing it keeps a cancel or a retry from printing a cut or a
// second copy.  Only a job the listing shows as ours is removed: cups-lpd reads the number as
// one of its own job ids, which would cancel somebody else's job.  budget_ms bounds the whole
// exchange (cancel paths keep it well under a second); the loop keeps serving its inputs, and a
// cancel does not cut it short (it is what a cancel asks for).
void
lpdJobRemoveRemote(lpd_job_t *job, int budget_ms)
{
  int          timeout_ms = budget_ms / 4;    // connect + reply, for the query and the \5
  listing_t    l;
  lpr_buf_t    reply;
  lpd_result_t r = LPD_IO_ERROR;
  char         operands[64];
  bool         canceled;

  lpdLoopHoldCancel(job->loop, true);
  if (!list_queue(job, timeout_ms, &l) || l.st.foreign_ids || !l.st.found ||
      l.st.how != LPD_MATCH_JOBNUM)
  {
    lprStatus("DEBUG", "Not asking the server to remove job %03d: %s", job->jobnum,
              l.st.foreign_ids ? "it lists jobs by its own ids" : "it is not listed as ours");
    lpdLoopHoldCancel(job->loop, false);
    return;
  }
  snprintf(operands, sizeof(operands), "%s %d", job->user, job->jobnum);
  lprBufInit(&reply, 4096);
  ask(job, LPD_CMD_REMOVE, operands, timeout_ms, &reply, &r, &canceled);
  lprBufFree(&reply);
  lpdLoopHoldCancel(job->loop, false);
  lprStatus("DEBUG", "Asked the server to remove job %03d (%s)", job->jobnum, lpdResultName(r));
}

// 'report_place()' - waitjob: where the job is in the remote queue.
static void
report_place(lpd_job_t *job, const lpd_queue_state_t *st)
{
  char rank[16];

  if (st->active)
    lprStatus("INFO", "Job %03d is printing in queue %s on %s", job->jobnum, job->queue,
              job->host);
  else
    lprStatus("INFO", "Job %03d is %s of %d in queue %s on %s", job->jobnum,
              ordinal(st->rank, rank, sizeof(rank)), st->jobs, job->queue, job->host);
}

// 'cannot_follow()' - Waiting ends: the listing does not let us tell which job is ours.
static bool
cannot_follow(lpd_job_t *job, const lpd_queue_state_t *st)
{
  if (st->ambiguous)
    lprStatus("INFO", "Queue %s on %s lists several jobs that look like job %03d: it cannot be "
              "followed there, so waiting ends", job->queue, job->host, job->jobnum);
  else
    lprStatus("INFO", "Queue %s on %s answers in a form the backend cannot read (%s: %s): job "
              "%03d cannot be followed there, so waiting ends", job->queue, job->host,
              lpdFamilyName(st->family), lpdFamilyLimit(st->family), job->jobnum);
  return (true);
}

// 'poll_once()' - One waitjob poll; true when waiting ends.
//
// Never "has left" for a job that was never seen listed: it may have printed before the first
// poll, or be listed in a form that cannot be matched.
static bool
poll_once(lpd_job_t *job, const listing_t *l, bool *seen, int *unseen)
{
  if (l->st.found)
  {
    *seen = true;
    report_place(job, &l->st);
    return (false);
  }
  if (!l->whole)
    return (false);
  if (!l->st.understood || l->st.ambiguous)
    return (cannot_follow(job, &l->st));
  if (*seen)
  {
    lprStatus("INFO", "Job %03d has left queue %s on %s", job->jobnum, job->queue, job->host);
    return (true);
  }
  if (++ *unseen >= WAIT_UNSEEN_POLLS)
  {
    lprStatus("INFO", "Job %03d was never listed in queue %s on %s (it may have printed "
              "already): waiting ends", job->jobnum, job->queue, job->host);
    return (true);
  }
  lprStatus("INFO", "Job %03d is not listed in queue %s on %s yet", job->jobnum, job->queue,
            job->host);
  return (false);
}

// 'lpdJobWaitRemote()' - waitjob: report our job's place until it has left the remote queue.
//
// A job is "gone" only once it was seen and is no longer listed.  Servers such as LPRng queue
// it only after the connection closed, so an unseen job gets WAIT_UNSEEN_POLLS whole listings.
lpd_outcome_t
lpdJobWaitRemote(lpd_job_t *job)
{
  listing_t l;
  int       failures = 0, unseen = 0;
  bool      seen = false;

  lprStatusReason(true, "cups-waiting-for-job-completed");
  for (;;)
  {
    if (list_queue(job, job->timeout * 1000, &l))
    {
      if (poll_once(job, &l, &seen, &unseen))
        break;
    }
    else if (l.canceled)
      goto canceled;
    else if (failures ++ % 12 == 0)
      lprStatus("WARNING", "Unable to read the queue of %s; still waiting for job %03d",
                job->who, job->jobnum);
    if (!lpdLoopSleep(job->loop, job->polltime * 1000))
      goto canceled;
  }
  lprStatusReason(false, "cups-waiting-for-job-completed");
  return (LPD_OUTCOME_OK);

canceled:
  // Canceled by the spooler: take the job off the remote queue too (RFC 1179 section 5.5).
  lpdJobRemoveRemote(job, LPD_CANCEL_REMOVE_MS);
  lprStatus("INFO", "Job canceled while waiting for %s to print job %03d", job->who,
            job->jobnum);
  return (LPD_OUTCOME_CANCELED);
}

// 'memo_key()' - "host:port/queue", the memo's key for this queue.
static void
memo_key(const lpd_job_t *job, char *key, size_t size)
{
  snprintf(key, size, "%s:%d/%s", job->host, job->port, job->queue);
}

// 'lpdJobRememberRefusal()' - Record that this queue refuses zero-count data files.
void
lpdJobRememberRefusal(lpd_job_t *job)
{
  char key[600];
  int  err = 0;

  memo_key(job, key, sizeof(key));
  if (lprMemoSet(job->cachedir, key, &err))
    lprStatus("DEBUG", "Recorded in %s that %s refuses zero-count data files", job->cachedir,
              key);
  else
    lprStatus("DEBUG", "Unable to record in %s that %s refuses zero-count data files: %s",
              job->cachedir, key, strerror(err));
}

// 'lpdJobRefusalKnown()' - Whether this queue is known to refuse zero-count data files.
bool
lpdJobRefusalKnown(lpd_job_t *job, time_t *when)
{
  char key[600];

  memo_key(job, key, sizeof(key));
  return (lprMemoGet(job->cachedir, key, LPR_MEMO_MAX_AGE, when));
}
