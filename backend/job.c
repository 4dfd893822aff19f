// job.c - one CUPS job delivered to one LPD queue: modes, fallback, retries, verification.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// The rules this file keeps:
// - Exit OK only when the server acknowledged everything (or, when the last ack was lost, the
//   job is in its queue).
// - Never resend blindly: a lost final ack is settled by asking the queue.
// - Immediate mode falls back to spooled only while every input byte is still in our hands;
//   after that a refusal means "rerun the job", and the refusal is remembered.

#include "config.h"
#include "clock.h"
#include "job.h"
#include "lpd-queue.h"
#include "memo.h"
#include "net.h"
#include "sidechannel.h"
#include "spool.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#define CONNECT_TIMEOUT_MAX 30          // seconds per connect attempt at most
#define RETRY_DELAY_MIN     5
#define RETRY_DELAY_MAX     30
#define PROGRESS_MS         1000
#define REMOVE_MS           20000       // query and removal, normally
#define CANCEL_REMOVE_MS    600         // query and removal while cupsd waits for us to exit
#define WAIT_UNSEEN_POLLS   3           // whole listings without our job before it counts as gone

typedef enum verify_e { VERIFY_UNKNOWN, VERIFY_ABSENT, VERIFY_PRESENT } verify_t;

// 'on_tick()' - Clock hook: progress lines come from the counters, never from the data loop.
static void
on_tick(void *ctx)
{
  lpr_job_t *job = ctx;

  lprProgressTick(&job->progress, false);
  lprSideChannelTick(job);
}

// 'on_inputs()' - The side channel or the SNMP helper has something for us.
static void
on_inputs(void *ctx)
{
  lpr_job_t          *job = ctx;
  struct epoll_event ev[2];
  int                n = epoll_wait(job->ep_fd, ev, 2, 0);

  for (int i = 0; i < n; i ++)
  {
    if (ev[i].data.fd == job->sc_fd)
      lprSideChannelService(job);
    else if (ev[i].data.fd == job->snmp.fd)
      lprSnmpService(job);
  }
}

// 'lprJobWatch()' - Add an input to the event loop (serviced in every wait of the job).
bool
lprJobWatch(lpr_job_t *job, int fd)
{
  struct epoll_event ev;

  memset(&ev, 0, sizeof(ev));
  ev.events  = EPOLLIN;
  ev.data.fd = fd;
  return (job->ep_fd >= 0 && epoll_ctl(job->ep_fd, EPOLL_CTL_ADD, fd, &ev) == 0);
}

// 'lprJobUnwatch()' - Remove an input from the event loop.
void
lprJobUnwatch(lpr_job_t *job, int fd)
{
  if (job->ep_fd >= 0)
    epoll_ctl(job->ep_fd, EPOLL_CTL_DEL, fd, NULL);
}

// 'lprJobWatchSideChannel()' - Read side-channel requests, or leave them queued for now.
void
lprJobWatchSideChannel(lpr_job_t *job, bool on)
{
  struct epoll_event ev;

  if (job->sc_fd < 0 || job->ep_fd < 0)
    return;
  memset(&ev, 0, sizeof(ev));
  ev.events  = on ? EPOLLIN : 0;
  ev.data.fd = job->sc_fd;
  epoll_ctl(job->ep_fd, EPOLL_CTL_MOD, job->sc_fd, &ev);
}

// 'setup_inputs()' - One epoll set for the side channel and the SNMP helper: one hook fd.
static void
setup_inputs(lpr_job_t *job)
{
  job->hooks.fd      = -1;
  job->hooks.on_fd   = on_inputs;
  job->hooks.on_tick = on_tick;
  job->hooks.tick_ms = PROGRESS_MS;
  job->hooks.ctx     = job;
  if ((job->ep_fd = epoll_create1(EPOLL_CLOEXEC)) < 0)
  {
    lprStatus("DEBUG", "epoll_create1: %s: no side channel, no SNMP", strerror(errno));
    job->opt.snmp = false;
    return;
  }
  if (job->sc_fd >= 0)
    lprJobWatch(job, job->sc_fd);
  job->hooks.fd = job->ep_fd;
}

// 'pause_for()' - Sleep seconds unless canceled, still servicing the hooks; false if canceled.
static bool
pause_for(lpr_job_t *job, int seconds)
{
  int64_t       start = lprNowNs();
  struct pollfd p[2];

  for (;;)
  {
    int n = 0, left = seconds * 1000 - lprMsSince(start);

    if (left <= 0)
      return (true);
    p[n].fd = job->cancel_fd; p[n].events = POLLIN; p[n].revents = 0; n ++;
    if (job->hooks.fd >= 0)
    {
      p[n].fd = job->hooks.fd; p[n].events = POLLIN; p[n].revents = 0; n ++;
    }
    if (poll(p, (nfds_t)n, left) > 0)
    {
      if (p[0].revents)
        return (false);
      if (n > 1 && p[1].revents)
        job->hooks.on_fd(job->hooks.ctx);
    }
  }
}

// 'elapsed_s()' - Seconds since start_ns.
static double
elapsed_s(int64_t start_ns)
{
  return ((double)(lprNowNs() - start_ns) / 1e9);
}

// 'retry_delay()' - The next back-off delay, never past contimeout.
static int
retry_delay(lpr_job_t *job, int64_t start, int delay)
{
  int left = (int)(job->opt.contimeout - elapsed_s(start) + 0.999);

  return (left < delay ? (left > 0 ? left : 1) : delay);
}

// 'lprJobSetup()' - Control-file fields from the job, sanitized to RFC 1179 limits.
void
lprJobSetup(lpr_job_t *job, const char *user, const char *title, const char *orighost)
{
  char   buf[1024], *colon;
  size_t i;

  if (orighost && *orighost && strcasecmp(orighost, "localhost"))
    lpdSanitizeHost(job->host, sizeof(job->host), orighost);
  else
  {
    // gethostname(), not a resolver call: the short name is what LPD servers expect anyway.
    if (gethostname(buf, sizeof(buf)) < 0)
      buf[0] = '\0';
    buf[sizeof(buf) - 1] = '\0';
    lpdSanitizeHost(job->host, sizeof(job->host), buf);
  }

  snprintf(buf, sizeof(buf), "%s", job->uri.user[0] ? job->uri.user : (user ? user : ""));
  if ((colon = strchr(buf, ':')) != NULL)
    *colon = '\0';                      // user:password@ in the URI: never send the password
  if (lpdSanitize(job->user, sizeof(job->user), buf, LPD_USER_MAX) == 0)
    snprintf(job->user, sizeof(job->user), "unknown");

  snprintf(buf, sizeof(buf), "%s", title ? title : "");
  if (job->opt.sanitize_title)          // as the lpd backend: only letters, digits and spaces
    for (i = 0; buf[i]; i ++)
      if (!isalnum((unsigned char)buf[i]) && !isspace((unsigned char)buf[i]))
        buf[i] = '_';
  lpdSanitize(job->jobname, sizeof(job->jobname), buf, LPD_JOB_MAX);
  lpdSanitize(job->source, sizeof(job->source), buf, LPD_SOURCE_MAX);
  lpdSanitize(job->title, sizeof(job->title), buf, LPD_TITLE_MAX);
  job->jobnum   = job->id % 1000;
  job->zerocopy = getenv("CUPS_LPR_NO_ZEROCOPY") == NULL;
}

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

// 'resolve()' - Look up the printer's host, retrying with back-off until contimeout.
static lpr_result_t
resolve(lpr_job_t *job)
{
  int64_t          start;
  int              delay = RETRY_DELAY_MIN;
  int              wait_ms = (job->opt.timeout < CONNECT_TIMEOUT_MAX ? job->opt.timeout
                                                                      : CONNECT_TIMEOUT_MAX) * 1000;
  lpr_net_result_t r;

  start = lprNowNs();
  lprStatusReason(true, "connecting-to-device");
  for (;;)
  {
    r = lprResolve(job->uri.host, job->uri.port, job->cancel_fd, wait_ms, &job->addrs);
    if (r == LPR_NET_OK)
      return (LPR_RESULT_OK);
    if (r == LPR_NET_CANCELED)
      return (LPR_RESULT_CANCELED);
    if (job->in_class)
    {
      lprStatus("INFO", "Unable to look up printer host %s: queuing on the next printer in "
                "the class", job->uri.host);
      return (LPR_RESULT_FAILED);
    }
    if (elapsed_s(start) >= job->opt.contimeout)
    {
      lprStatus("ERROR", "Unable to look up printer host %s for %.0f s (%s): giving up, the job "
                "stays queued", job->uri.host, elapsed_s(start),
                r == LPR_NET_TIMEOUT ? "name service timed out" : "name not found");
      return (LPR_RESULT_RETRY);
    }
    delay = retry_delay(job, start, delay);
    lprStatus("WARNING", "Unable to look up printer host %s (%s), retrying in %d s",
              job->uri.host, r == LPR_NET_TIMEOUT ? "name service timed out"
                                                  : "name not found or name service down",
              delay);
    if (!pause_for(job, delay))
      return (LPR_RESULT_CANCELED);
    delay = delay < RETRY_DELAY_MAX ? delay + RETRY_DELAY_MIN : RETRY_DELAY_MAX;
  }
}

// 'open_connection()' - Connect to the first address that answers, retrying until contimeout.
static lpr_result_t
open_connection(lpr_job_t *job, int *fd)
{
  int64_t          start;
  int              delay = RETRY_DELAY_MIN, err = 0, lport = 0;
  int              ct = job->opt.timeout < CONNECT_TIMEOUT_MAX ? job->opt.timeout
                                                               : CONNECT_TIMEOUT_MAX;
  lpr_net_result_t r = LPR_NET_ERROR;
  char             name[300] = "";

  start = lprNowNs();
  lprStatusReason(true, "connecting-to-device");
  lprStatus("INFO", "Connecting to printer %s (queue %s)", job->uri.host, job->uri.queue);
  for (;;)
  {
    for (http_addrlist_t *a = job->addrs; a; a = a->next)
    {
      lprAddrName(&a->addr, name, sizeof(name));
      r = lprConnect(&a->addr, job->opt.reserve, ct * 1000, job->cancel_fd, fd, &lport, &err);
      if (r == LPR_NET_OK)
      {
        snprintf(job->server, sizeof(job->server), "%s", name);
        lprStatusReason(false, "connecting-to-device");
        lprStatus("DEBUG", "Connected to %s from local port %d", name, lport);
        lprStatus("INFO", "Connected to printer %s", name);
        job->connected = true;
        return (LPR_RESULT_OK);
      }
      if (r == LPR_NET_CANCELED)
        return (LPR_RESULT_CANCELED);
      lprStatus("DEBUG", "Connecting to %s failed: %s", name, strerror(err));
    }
    if (job->in_class)
    {
      lprStatus("INFO", "Unable to contact printer %s (%s): queuing on the next printer in the "
                "class", job->uri.host, strerror(err));
      return (LPR_RESULT_FAILED);
    }
    if (elapsed_s(start) >= job->opt.contimeout)
    {
      lprStatus("ERROR", "Printer %s has not answered for %.0f s (%s): giving up, the job stays "
                "queued", job->uri.host, elapsed_s(start), strerror(err));
      return (LPR_RESULT_RETRY);
    }
    delay = retry_delay(job, start, delay);
    lprStatus("WARNING", "Printer %s busy or unreachable (%s), retrying in %d s", name,
              strerror(err), delay);
    if (!pause_for(job, delay))
      return (LPR_RESULT_CANCELED);
    delay = delay < RETRY_DELAY_MAX ? delay + RETRY_DELAY_MIN : RETRY_DELAY_MAX;
  }
}

// 'conn_open()' - Connect and set up the protocol connection.
static lpr_result_t
conn_open(lpr_job_t *job, lpd_conn_t *conn)
{
  int          fd = -1;
  lpr_result_t r = open_connection(job, &fd);

  if (r != LPR_RESULT_OK)
    return (r);
  lpdConnInit(conn, fd, job->cancel_fd, job->opt.timeout * 1000, &job->hooks);
  // Files go to a loopback peer from mmap windows (measured faster there than sendfile, see
  // bench/README.md); the tests, which run on loopback, force the network path with this.
  if (getenv("CUPS_LPR_SENDFILE_LOOPBACK"))
    conn->local_peer = false;
  conn->zerocopy = job->zerocopy;
  conn->counter  = &job->progress.sent;
  job->sock_fd   = fd;
  return (LPR_RESULT_OK);
}

// 'describe()' - "lpd host:port queue q" for messages.
static const char *
describe(lpr_job_t *job, char *buf, size_t size)
{
  snprintf(buf, size, "lpd %s queue %s", job->server[0] ? job->server : job->uri.host,
           job->uri.queue);
  return (buf);
}

// 'report_failure()' - One ERROR line for a failed protocol step.
static void
report_failure(lpr_job_t *job, const lpd_conn_t *conn, lpd_result_t r, const char *tail)
{
  char     who[600], text[300];
  uint64_t sent = atomic_load(&job->progress.sent);

  describe(job, who, sizeof(who));
  switch (r)
  {
    case LPD_NACK :
        lprTextClean(text, sizeof(text), conn->text, conn->textlen);
        if (conn->code == 0x100)
          lprStatus("ERROR", "%s sent an unexpected reply during %s%s%s%s%s", who,
                    lpdStepName(conn->step), text[0] ? " (\"" : "", text, text[0] ? "\")" : "",
                    tail);
        else if (text[0])
          lprStatus("ERROR", "%s refused %s (code %d: \"%s\")%s", who, lpdStepName(conn->step),
                    conn->code, text, tail);
        else
          lprStatus("ERROR", "%s refused %s (code %d)%s", who, lpdStepName(conn->step),
                    conn->code, tail);
        break;
    case LPD_CLOSED :
        lprStatus("ERROR", "%s closed the connection during %s, after %llu data bytes%s", who,
                  lpdStepName(conn->step), (unsigned long long)sent, tail);
        break;
    case LPD_TIMEOUT :
        lprStatus("ERROR", "%s did not answer for %d s during %s, after %llu data bytes%s", who,
                  job->opt.timeout, lpdStepName(conn->step), (unsigned long long)sent, tail);
        break;
    case LPD_INPUT_ERROR :
        lprStatus("ERROR", "Unable to read the print data after %llu bytes: %s%s",
                  (unsigned long long)sent, strerror(conn->err), tail);
        break;
    default :
        lprStatus("ERROR", "%s: network error during %s: %s%s", who, lpdStepName(conn->step),
                  strerror(conn->err), tail);
        break;
  }
}

// 'send_control()' - The control file: subcommand, contents, NUL, ack (RFC 1179 section 6.2).
static lpd_result_t
send_control(lpr_job_t *job, lpd_conn_t *conn, const lpr_buf_t *ctl)
{
  char         name[64];
  lpd_result_t r;

  lpdFileName(name, sizeof(name), 'c', job->jobnum, job->host);
  if ((r = lpdSubcommand(conn, 2, ctl->len, name)) != LPD_OK)
    return (r);
  if ((r = lpdWriteAll(conn, ctl->data, ctl->len)) != LPD_OK)
    return (r);
  return (lpdEndFile(conn));
}

// 'send_data_exact()' - The data file with its exact count: subcommand, data, NUL, ack.
static lpd_result_t
send_data_exact(lpr_job_t *job, lpd_conn_t *conn, const lpr_input_t *in, int copies)
{
  char         name[64];
  uint64_t     count = in->held ? in->held_len : (uint64_t)in->size * (uint64_t)copies;
  lpd_result_t r;

  lpdFileName(name, sizeof(name), 'd', job->jobnum, job->host);
  if ((r = lpdSubcommand(conn, 3, count, name)) != LPD_OK)
    return (r);
  lprProgressStart(&job->progress, (int64_t)count, PROGRESS_MS);
  if (in->held)
    r = lpdSendBuffer(conn, in->held, in->held_len);
  else
    for (int i = 0; i < copies && r == LPD_OK; i ++)
      r = lpdSendFile(conn, in->fd, 0, (uint64_t)in->size);
  if (r != LPD_OK)
    return (r);
  lprProgressTick(&job->progress, true);
  return (lpdEndFile(conn));
}

// 'send_exact()' - One job with an exact data-file count (every server accepts this).
static lpd_result_t
send_exact(lpr_job_t *job, lpd_conn_t *conn, const lpr_input_t *in, int copies,
           const lpr_buf_t *ctl)
{
  lpd_result_t r;

  if ((r = lpdReceiveJob(conn, job->uri.queue)) != LPD_OK)
    return (r);
  if (!job->opt.data_first && (r = send_control(job, conn, ctl)) != LPD_OK)
    return (r);
  if ((r = send_data_exact(job, conn, in, copies)) != LPD_OK)
    return (r);
  if (job->opt.data_first)
    r = send_control(job, conn, ctl);
  return (r);
}

// 'send_stream()' - One job whose data file has count 0: control first, data until half-close.
static lpd_result_t
send_stream(lpr_job_t *job, lpd_conn_t *conn, const lpr_input_t *in, const lpr_buf_t *ctl)
{
  char         name[64];
  lpd_result_t r;

  lpdFileName(name, sizeof(name), 'd', job->jobnum, job->host);
  if ((r = lpdReceiveJob(conn, job->uri.queue)) != LPD_OK)
    return (r);
  if ((r = send_control(job, conn, ctl)) != LPD_OK)
    return (r);
  if ((r = lpdSubcommand(conn, 3, 0, name)) != LPD_OK)
    return (r);
  lprProgressStart(&job->progress, -1, PROGRESS_MS);
  if (in->held_len && (r = lpdSendBuffer(conn, in->held, in->held_len)) != LPD_OK)
    return (r);
  if ((r = lpdSendStream(conn, in->fd)) != LPD_OK)
    return (r);
  lprProgressTick(&job->progress, true);
  return (lpdFinishStream(conn));
}

// 'query_queue()' - One long-form listing (\4: LPRng's short form lists no jobs) on a new
//                   connection, read whole and parsed.  False when none could be read.
static bool
query_queue(lpr_job_t *job, int timeout_ms, int cancel_fd, lpd_queue_state_t *st, bool *whole,
            bool *canceled)
{
  lpd_conn_t   conn;
  lpr_buf_t    reply;
  lpd_result_t r;
  int          fd, lport, err;
  bool         got = false;

  memset(st, 0, sizeof(*st));
  *whole = false;
  *canceled = false;
  for (http_addrlist_t *a = job->addrs; a && !got; a = a->next)
  {
    lpr_net_result_t nr = lprConnect(&a->addr, job->opt.reserve, timeout_ms, cancel_fd, &fd,
                                     &lport, &err);

    if (nr == LPR_NET_CANCELED)
    {
      *canceled = true;
      return (false);
    }
    if (nr != LPR_NET_OK)
      continue;
    lpdConnInit(&conn, fd, cancel_fd, timeout_ms, cancel_fd >= 0 ? &job->hooks : NULL);
    lprBufInit(&reply, LPD_QUEUE_LISTING_MAX);
    r = lpdQuery(&conn, 4, job->uri.queue, NULL, &reply);
    lpdConnClose(&conn);
    *canceled = r == LPD_CANCELED;
    if ((r == LPD_OK || r == LPD_TOO_BIG) && reply.data)
    {
      lpd_queue_match_t want = { job->jobnum, job->host, job->user, job->jobname,
                                 job->source, job->uri.queue, 0, job->opt.banner };

      lpdQueueParse(reply.data, reply.len, &want, st);
      *whole = r == LPD_OK;
      got = true;
      lprStatus("DEBUG", "Queue %s lists %d jobs; job %03d %s%s", job->uri.queue, st->jobs,
                job->jobnum, st->found ? "is there" : "is not there",
                st->foreign_ids ? " (the server lists its own job ids)" : "");
    }
    lprBufFree(&reply);
    if (*canceled)
      return (false);
  }
  return (got);
}

// 'verify_queued()' - Ask the queue (on a new connection) whether our job is there.
static verify_t
verify_queued(lpr_job_t *job)
{
  lpd_queue_state_t st;
  bool              whole, canceled;

  if (!query_queue(job, job->opt.timeout * 1000, job->cancel_fd, &st, &whole, &canceled) ||
      st.foreign_ids)
    return (VERIFY_UNKNOWN);
  if (st.found)
    return (VERIFY_PRESENT);
  return (whole ? VERIFY_ABSENT : VERIFY_UNKNOWN);   // a cut listing cannot prove absence
}

// 'remember_refusal()' - Record that this server/queue refuses zero-count data files.
static void
remember_refusal(lpr_job_t *job)
{
  char key[600];
  int  err = 0;

  snprintf(key, sizeof(key), "%s:%d/%s", job->uri.host, job->uri.port, job->uri.queue);
  if (lprMemoSet(job->cachedir, key, &err))
    lprStatus("DEBUG", "Recorded in %s that %s refuses zero-count data files", job->cachedir,
              key);
  else
    lprStatus("DEBUG", "Unable to record in %s that %s refuses zero-count data files: %s",
              job->cachedir, key, strerror(err));
}

// 'refusal_known()' - Whether this server/queue is known to refuse zero-count data files.
static bool
refusal_known(lpr_job_t *job, time_t *when)
{
  char key[600];

  snprintf(key, sizeof(key), "%s:%d/%s", job->uri.host, job->uri.port, job->uri.queue);
  return (lprMemoGet(job->cachedir, key, LPR_MEMO_MAX_AGE, when));
}

// 'abandon()' - Drop a job attempt so the server never takes it for a whole job.
//
// Between files the abort subcommand says so (RFC 1179 section 6.1).  Inside a data file it
// would be read as data, so the connection is reset instead: an exact count then never
// completes, and a zero-count stream does not end with the clean close that means "done".
static void
abandon(lpd_conn_t *conn)
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

// 'remove_remote()' - Ask the server to remove our job (RFC 1179 section 5.5), when it lists it.
//
// Neither LPRng nor BSD lpd honours the abort subcommand reliably, and LPRng keeps a reset
// stream as a truncated job; removing it keeps a cancel or a retry from printing a cut or a
// second copy.  Only a job the listing shows as ours is removed: cups-lpd reads the number as
// one of its own job ids, which would cancel somebody else's job.  budget_ms bounds the whole
// exchange (cancel paths keep it well under a second).
static void
remove_remote(lpr_job_t *job, int budget_ms)
{
  int               timeout_ms = budget_ms / 4;   // connect + reply, for the query and the \5
  lpd_queue_state_t st;
  lpd_conn_t        conn;
  lpr_buf_t         reply;
  lpd_result_t      r = LPD_IO_ERROR;
  char              operands[64];
  int               fd, lport, err;
  bool              whole, canceled;

  if (!query_queue(job, timeout_ms, -1, &st, &whole, &canceled) || st.foreign_ids || !st.found)
  {
    lprStatus("DEBUG", "Not asking the server to remove job %03d: %s", job->jobnum,
              st.foreign_ids ? "it lists jobs by its own ids" : "it is not listed as ours");
    return;
  }
  snprintf(operands, sizeof(operands), "%s %d", job->user, job->jobnum);
  for (http_addrlist_t *a = job->addrs; a; a = a->next)
  {
    if (lprConnect(&a->addr, job->opt.reserve, timeout_ms, -1, &fd, &lport, &err) != LPR_NET_OK)
      continue;
    lpdConnInit(&conn, fd, -1, timeout_ms, NULL);
    lprBufInit(&reply, 4096);
    r = lpdQuery(&conn, 5, job->uri.queue, operands, &reply);
    lpdConnClose(&conn);
    lprBufFree(&reply);
    break;
  }
  lprStatus("DEBUG", "Asked the server to remove job %03d (%s)", job->jobnum, lpdResultName(r));
}

// 'finish()' - Turn a protocol outcome into a job result, closing the connection.
//
// stream_consumed: a zero-count stream has already taken input bytes we no longer hold.
static lpr_result_t
finish(lpr_job_t *job, lpd_conn_t *conn, lpd_result_t r, bool stream, bool stream_consumed)
{
  lpd_step_t   last = (!stream && job->opt.data_first) ? LPD_STEP_CONTROL_END : LPD_STEP_DATA_END;
  char         who[600];
  lpr_result_t res;

  if (r == LPD_OK)
  {
    lpdConnClose(conn);
    job->handed_over = true;
    lprStatus("INFO", "Job sent: %llu bytes to %s", (unsigned long long)
              atomic_load(&job->progress.sent), describe(job, who, sizeof(who)));
    return (LPR_RESULT_OK);
  }
  if (r == LPD_CANCELED || r == LPD_INPUT_ERROR)
  {
    // Never let a server print a cut job: abandon the attempt, then remove whatever the
    // server kept.
    bool sent = conn->step >= LPD_STEP_CONTROL;

    abandon(conn);
    if (sent)
      remove_remote(job, r == LPD_CANCELED ? CANCEL_REMOVE_MS : REMOVE_MS);
    if (r == LPD_CANCELED)
    {
      lprStatus("INFO", "Job canceled: the job at %s was aborted", describe(job, who,
                                                                           sizeof(who)));
      return (LPR_RESULT_CANCELED);
    }
    report_failure(job, conn, r, "");
    return (LPR_RESULT_FAILED);
  }

  if (r != LPD_NACK && conn->step == last)
  {
    // Everything went out; only the last acknowledgement is missing.  Ask before resending.
    verify_t v;

    lpdConnReset(conn);
    v = verify_queued(job);
    if (v == VERIFY_PRESENT)
    {
      lprStatus("WARNING", "%s did not acknowledge the end of the job, but job %03d is in its "
                "queue: counted as sent", describe(job, who, sizeof(who)), job->jobnum);
      job->handed_over = true;
      return (LPR_RESULT_OK);
    }
    if (v == VERIFY_UNKNOWN)
    {
      report_failure(job, conn, r, "; the queue cannot be read to tell whether the job "
                     "arrived, so the job is held rather than printed twice: check the printer,"
                     " then release or cancel the job");
      return (LPR_RESULT_HOLD);
    }
    if (stream)
      remember_refusal(job);
    report_failure(job, conn, r, "; the job is not in the remote queue and will be sent again");
    return (stream ? LPR_RESULT_RETRY_CURRENT : LPR_RESULT_RETRY);
  }

  if (stream && stream_consumed)
  {
    lpdConnReset(conn);
    if (r == LPD_NACK || r == LPD_CLOSED)
      remember_refusal(job);
    report_failure(job, conn, r, "; the job will be rerun and sent spooled");
    remove_remote(job, REMOVE_MS);
    return (LPR_RESULT_RETRY_CURRENT);
  }

  // Report first: the abort below moves the connection to another step.
  if (r == LPD_NACK)
  {
    res = conn->code == 2 ? LPR_RESULT_RETRY
        : conn->step == LPD_STEP_COMMAND ? LPR_RESULT_STOP : LPR_RESULT_FAILED;
    report_failure(job, conn, r, res == LPR_RESULT_RETRY ? "; retrying later"
                                 : res == LPR_RESULT_STOP ? "; check the queue name"
                                 : "");
  }
  else
  {
    res = LPR_RESULT_RETRY;
    report_failure(job, conn, r, "; the job stays queued and will be sent again");
  }
  {
    lpd_step_t step = conn->step;

    if (r == LPD_CLOSED)
      lpdConnClose(conn);
    else
      abandon(conn);
    if (step >= LPD_STEP_CONTROL_END || (step == LPD_STEP_DATA && job->opt.data_first))
      remove_remote(job, REMOVE_MS);    // a control file may have been kept without its data
  }
  return (res);
}

// 'deliver_exact()' - Connect and send with an exact count.
static lpr_result_t
deliver_exact(lpr_job_t *job, const lpr_input_t *in, int copies, const lpr_buf_t *ctl)
{
  lpd_conn_t   conn;
  lpr_result_t res;

  if ((res = conn_open(job, &conn)) != LPR_RESULT_OK)
    return (res);
  res = finish(job, &conn, send_exact(job, &conn, in, copies, ctl), false, false);
  job->sock_fd = -1;
  return (res);
}

// 'spool_input()' - Copy stdin to an anonymous temp file; one ERROR line on failure.
static lpr_result_t
spool_input(lpr_job_t *job, lpr_input_t *in)
{
  lpr_spool_info_t   info;
  lpr_spool_result_t r;

  lprStatus("INFO", "Spooling job data in %s", job->tmpdir);
  r = lprInputSpool(in, job->tmpdir, job->cancel_fd, &job->hooks, job->zerocopy, &info);
  switch (r)
  {
    case LPR_SPOOL_OK :
        lprStatus("DEBUG", "Spooled %llu bytes", (unsigned long long)info.written);
        return (LPR_RESULT_OK);
    case LPR_SPOOL_CANCELED :
        lprStatus("INFO", "Job canceled while spooling; temporary file removed");
        return (LPR_RESULT_CANCELED);
    case LPR_SPOOL_NOSPACE :
        lprStatus("ERROR", "Not enough space in %s to spool the job: it needs more than %llu "
                  "bytes and %llu are free; temporary file removed, the job will be retried",
                  info.dir, (unsigned long long)info.written, (unsigned long long)info.free_bytes);
        return (LPR_RESULT_RETRY);
    case LPR_SPOOL_TMP_ERROR :
        lprStatus("ERROR", "Unable to write a temporary file in %s: %s; the job will be retried",
                  info.dir, strerror(info.err));
        return (LPR_RESULT_RETRY);
    default :
        lprStatus("ERROR", "Unable to read the print data after %llu bytes: %s",
                  (unsigned long long)info.written, strerror(info.err));
        return (LPR_RESULT_FAILED);
  }
}

// 'report_empty()' - An empty job: nothing is sent (a zero count would mean "until close").
static lpr_result_t
report_empty(lpr_job_t *job)
{
  lprStatus("INFO", "The job is empty: nothing was sent to %s queue %s", job->uri.host,
            job->uri.queue);
  return (LPR_RESULT_OK);
}

// 'run_spooled()' - Spool the rest of stdin (after any held bytes), then send its exact size.
static lpr_result_t
run_spooled(lpr_job_t *job, lpr_input_t *in, const lpr_buf_t *ctl)
{
  lpr_result_t res;

  if ((res = spool_input(job, in)) != LPR_RESULT_OK)
    return (res);
  if (in->size == 0)
    return (report_empty(job));
  return (deliver_exact(job, in, 1, ctl));
}

// 'run_immediate()' - Stream stdin with count 0; fall back to spooled while nothing is lost.
//
// On a refusal of the zero count, the control file has already gone out and BSD lpd keeps it
// waiting for its data on the open connection: spool, then send the data file with its exact
// count on that same connection.  Only a server that closed on us gets a new connection (after
// its leftover job, if listed, is removed).
static lpr_result_t
run_immediate(lpr_job_t *job, lpr_input_t *in, const lpr_buf_t *ctl)
{
  lpd_conn_t   conn;
  lpr_result_t res;
  lpd_result_t r;
  char         who[600];

  if (job->opt.data_first)
    lprStatus("DEBUG", "A data file of unknown size needs the control file first: ignoring "
              "order=data,control for this job");
  job->opt.data_first = false;
  if ((res = conn_open(job, &conn)) != LPR_RESULT_OK)
    return (res);
  r = send_stream(job, &conn, in, ctl);
  if (!(r == LPD_NACK && conn.step == LPD_STEP_DATA))
  {
    job->sock_fd = -1;
    return (finish(job, &conn, r, true, conn.input_bytes > 0 ||
                                        conn.step >= LPD_STEP_DATA_SEND));
  }

  // Refused before any data went out: every input byte is still ours.
  remember_refusal(job);
  lprStatus("WARNING", "%s refused a data file of unknown size (code %d): sending this job, and "
            "later ones to this queue, spooled", describe(job, who, sizeof(who)), conn.code);
  if ((res = spool_input(job, in)) != LPR_RESULT_OK || in->size == 0)
  {
    abandon(&conn);
    job->sock_fd = -1;
    remove_remote(job, res == LPR_RESULT_CANCELED ? CANCEL_REMOVE_MS : REMOVE_MS);
    return (res != LPR_RESULT_OK ? res : report_empty(job));
  }
  r = send_data_exact(job, &conn, in, 1);
  if (r == LPD_OK || conn.step != LPD_STEP_DATA || r == LPD_CANCELED)
  {
    res = finish(job, &conn, r, false, false);
    job->sock_fd = -1;
    return (res);
  }
  lprStatus("DEBUG", "The server did not take the data file on the same connection (%s): "
            "sending the job again on a new one", lpdResultName(r));
  lpdConnClose(&conn);
  job->sock_fd = -1;
  job->server[0] = '\0';
  remove_remote(job, REMOVE_MS);
  return (deliver_exact(job, in, 1, ctl));
}

// 'wait_remote()' - waitjob: report our job's place until it has left the remote queue.
//
// A job is "gone" only once it was seen and is no longer listed, or when it was never seen in
// WAIT_UNSEEN_POLLS whole listings (servers such as LPRng queue it only after the connection
// closed, and a fast printer may be done before the first poll).
static lpr_result_t
wait_remote(lpr_job_t *job)
{
  lpd_queue_state_t st;
  int               failures = 0, unseen = 0;
  bool              seen = false, whole, canceled;
  char              rank[16], who[600];

  lprStatusReason(true, "cups-waiting-for-job-completed");
  describe(job, who, sizeof(who));
  for (;;)
  {
    if (query_queue(job, job->opt.timeout * 1000, job->cancel_fd, &st, &whole, &canceled))
    {
      if (st.foreign_ids)
      {
        lprStatus("INFO", "Queue %s on %s lists jobs by its own ids: job %03d cannot be followed "
                  "there, so waiting ends", job->uri.queue, job->uri.host, job->jobnum);
        break;
      }
      if (st.found)
      {
        seen = true;
        if (st.active)
          lprStatus("INFO", "Job %03d is printing in queue %s on %s", job->jobnum,
                    job->uri.queue, job->uri.host);
        else
          lprStatus("INFO", "Job %03d is %s of %d in queue %s on %s", job->jobnum,
                    ordinal(st.rank, rank, sizeof(rank)), st.jobs, job->uri.queue,
                    job->uri.host);
      }
      else if (whole && (seen || ++ unseen >= WAIT_UNSEEN_POLLS))
      {
        lprStatus("INFO", "Job %03d has left queue %s on %s", job->jobnum, job->uri.queue,
                  job->uri.host);
        break;
      }
      else if (whole)
        lprStatus("INFO", "Job %03d is not listed in queue %s on %s yet", job->jobnum,
                  job->uri.queue, job->uri.host);
    }
    else if (canceled)
      goto canceled;
    else if (failures ++ % 12 == 0)
      lprStatus("WARNING", "Unable to read the queue of %s; still waiting for job %03d", who,
                job->jobnum);
    if (!pause_for(job, job->opt.polltime))
      goto canceled;
  }
  lprStatusReason(false, "cups-waiting-for-job-completed");
  return (LPR_RESULT_OK);

canceled:
  // Canceled in CUPS: take the job off the remote queue too (RFC 1179 section 5.5).
  remove_remote(job, CANCEL_REMOVE_MS);
  lprStatus("INFO", "Job canceled while waiting for %s to print job %03d", who, job->jobnum);
  return (LPR_RESULT_CANCELED);
}

// 'run_stdin()' - A job on stdin, in the chosen mode.
static lpr_result_t
run_stdin(lpr_job_t *job, lpr_input_t *in, const lpr_buf_t *ctl)
{
  lpr_spool_result_t sr;
  int                err = 0;
  time_t             when;
  lpr_mode_t         mode = job->opt.mode;

  if (mode == LPR_MODE_IMMEDIATE && refusal_known(job, &when))
  {
    char date[64];

    strftime(date, sizeof(date), "%Y-%m-%d %H:%M", localtime(&when));
    lprStatus("INFO", "Queue %s on %s refused a data file of unknown size on %s: sending this "
              "job spooled", job->uri.queue, job->uri.host, date);
    mode = LPR_MODE_SPOOLED;
  }

  // Immediate: take what is there now (no waiting for the rest); auto: up to LPR_HOLD_MAX.
  sr = lprInputHold(in, mode == LPR_MODE_AUTO ? LPR_HOLD_MAX : 0, job->cancel_fd, &job->hooks,
                    &err);
  if (sr == LPR_SPOOL_CANCELED)
    return (LPR_RESULT_CANCELED);
  if (sr != LPR_SPOOL_OK)
  {
    lprStatus("ERROR", "Unable to read the print data: %s", strerror(err));
    return (LPR_RESULT_FAILED);
  }
  if (in->eof && in->held_len == 0)
    return (report_empty(job));
  if (in->eof)
    return (deliver_exact(job, in, 1, ctl));  // the whole job is in memory: exact count
  if (mode == LPR_MODE_IMMEDIATE)
    return (run_immediate(job, in, ctl));
  return (run_spooled(job, in, ctl));
}

// 'lprJobRun()' - Deliver the job; the result says what cupsd should do next.
lpr_result_t
lprJobRun(lpr_job_t *job)
{
  lpr_buf_t     ctl;
  lpr_input_t   in;
  lpd_control_t cc;
  lpr_result_t  res;
  int           err = 0, copies_lines, copies_data;


  // Copies are ours only for a file (argv[6]); on stdin the filters made them already.
  copies_lines = job->file && !job->opt.manual_copies ? job->copies : 1;
  copies_data  = job->file && job->opt.manual_copies ? job->copies : 1;

  memset(&cc, 0, sizeof(cc));
  cc.host    = job->host;
  cc.user    = job->user;
  cc.jobname = job->jobname;
  cc.source  = job->source;
  cc.title   = job->title;
  cc.banner  = job->opt.banner;
  cc.format  = job->opt.format;
  cc.copies  = copies_lines;
  cc.jobnum  = job->jobnum;
  lprBufInit(&ctl, 1024 * 1024);
  if (!lpdControlBuild(&cc, &ctl))
  {
    lprStatus("ERROR", "Unable to build the control file (%d copies)", copies_lines);
    lprBufFree(&ctl);
    return (LPR_RESULT_FAILED);
  }
  lprStatus("DEBUG", "Mode %s (set by %s), order %s, format %c, %d copies", lprModeName(
            job->opt.mode), job->opt.mode_source, job->opt.data_first ? "data,control"
            : "control,data", job->opt.format, job->copies);

  if (job->file)
  {
    if (!lprInputOpenFile(&in, job->file, &err))
    {
      lprStatus("ERROR", "Unable to open print file %s: %s", job->file, strerror(err));
      lprBufFree(&ctl);
      return (LPR_RESULT_FAILED);
    }
  }
  else
    lprInputStdin(&in, 0);

  setup_inputs(job);                    // after the early returns: nothing to close there
  if ((res = resolve(job)) == LPR_RESULT_OK)
  {
    lprSnmpStart(job);                  // its first snapshot comes while the job goes out
    if (job->file && in.size == 0)
      res = report_empty(job);
    else if (job->file)
      res = deliver_exact(job, &in, copies_data, &ctl);
    else
    {
      if (job->opt.mode == LPR_MODE_IMMEDIATE && lprInputWait(&in, job->cancel_fd, &job->hooks)
          == LPR_SPOOL_CANCELED)
        res = LPR_RESULT_CANCELED;
      else
        res = run_stdin(job, &in, &ctl);
    }
    if (res == LPR_RESULT_OK && job->file && job->handed_over)
      lprStatus("PAGE", "1 %d", job->copies);
    if (res == LPR_RESULT_OK && job->handed_over && job->opt.waitjob)
      res = wait_remote(job);
  }
  lprSideChannelFinish(job, res == LPR_RESULT_OK);
  lprSnmpFinish(job, res == LPR_RESULT_CANCELED);
  if (job->ep_fd >= 0)
    close(job->ep_fd);
  job->ep_fd = -1;
  lprInputClose(&in);
  lprBufFree(&ctl);
  if (job->addrs)
    httpAddrFreeList(job->addrs);
  job->addrs = NULL;
  return (res);
}
