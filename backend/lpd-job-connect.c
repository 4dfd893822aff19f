// lpd-job-connect.c - find the printer and connect to it: one retry skeleton for the name
//                     lookup and the connect, with back-off until contimeout (no CUPS calls).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "clock.h"
#include "lpd-job-private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONNECT_TIMEOUT_MAX 30          // seconds per attempt at most
#define RETRY_DELAY_MIN     5
#define RETRY_DELAY_MAX     30

typedef enum stage_e { STAGE_RESOLVE, STAGE_CONNECT } stage_t;

typedef struct attempt_s                // what one attempt found
{
  lpd_net_result_t r;
  int              err;                 // connect errno
  int              fd;                  // the connected socket
  int              lport;               // its source port
  char             name[300];           // the address tried last ("host:port")
} attempt_t;

// 'elapsed_s()' - Seconds since start_ns.
static double
elapsed_s(int64_t start_ns)
{
  return ((double)(lprNowNs() - start_ns) / 1e9);
}

// 'attempt_ms()' - How long one lookup or connect attempt may wait.
static int
attempt_ms(const lpd_job_t *job)
{
  return ((job->timeout < CONNECT_TIMEOUT_MAX ? job->timeout : CONNECT_TIMEOUT_MAX) * 1000);
}

// 'try_resolve()' - One name lookup, through the loop.
static void
try_resolve(lpd_job_t *job, attempt_t *a)
{
  a->r = lpdResolve(job->loop, job->resolve, job->host, job->port, attempt_ms(job),
                    &job->addrs);
}

// 'try_connect()' - One connect to each address in turn, until one answers (or the front
//                   end's own transport).
static void
try_connect(lpd_job_t *job, attempt_t *a)
{
  a->r = LPD_NET_ERROR;
  if (job->open)
  {
    snprintf(a->name, sizeof(a->name), "%s:%d", job->host, job->port);
    a->err = ECONNREFUSED;
    a->r   = job->open(job->ctx, &a->fd) ? LPD_NET_OK : LPD_NET_REFUSED;
    return;
  }
  for (lpd_addr_t *addr = job->addrs; addr; addr = addr->next)
  {
    lpdAddrName(addr, a->name, sizeof(a->name));
    a->r = lpdConnect(job->loop, addr, job->reserve, attempt_ms(job), &a->fd, &a->lport,
                      &a->err);
    if (a->r == LPD_NET_OK || a->r == LPD_NET_CANCELED)
      return;
    lprStatus("DEBUG", "Connecting to %s failed: %s", a->name, strerror(a->err));
  }
}

// 'why()' - The reason an attempt failed, in words.
static const char *
why(stage_t stage, const attempt_t *a, bool final)
{
  if (stage == STAGE_CONNECT)
    return (strerror(a->err));
  if (a->r == LPD_NET_TIMEOUT)
    return ("name service timed out");
  return (final ? "name not found" : "name not found or name service down");
}

// 'report_class()' - Another printer of the class may work: say so before giving up.
static void
report_class(lpd_job_t *job, stage_t stage, const attempt_t *a)
{
  if (stage == STAGE_RESOLVE)
    lprStatus("INFO", "Unable to look up printer host %s: queuing on the next printer in the "
              "class", job->host);
  else
    lprStatus("INFO", "Unable to contact printer %s (%s): queuing on the next printer in the "
              "class", job->host, why(stage, a, true));
}

// 'report_giveup()' - contimeout has passed: the job stays queued.
static void
report_giveup(lpd_job_t *job, stage_t stage, const attempt_t *a, double secs)
{
  if (stage == STAGE_RESOLVE)
    lprStatus("ERROR", "Unable to look up printer host %s for %.0f s (%s): giving up, the job "
              "stays queued", job->host, secs, why(stage, a, true));
  else
    lprStatus("ERROR", "Printer %s has not answered for %.0f s (%s): giving up, the job stays "
              "queued", job->host, secs, why(stage, a, true));
}

// 'report_retry()' - One WARNING per failed round: what failed and when the next try comes.
static void
report_retry(lpd_job_t *job, stage_t stage, const attempt_t *a, int delay)
{
  if (stage == STAGE_RESOLVE)
    lprStatus("WARNING", "Unable to look up printer host %s (%s), retrying in %d s", job->host,
              why(stage, a, false), delay);
  else
    lprStatus("WARNING", "Printer %s busy or unreachable (%s), retrying in %d s", a->name,
              why(stage, a, false), delay);
}

// 'with_retries()' - Run attempts of a stage with back-off (5, 10, ... 30 s) until contimeout.
static lpd_outcome_t
with_retries(lpd_job_t *job, stage_t stage, attempt_t *a)
{
  int64_t start = lprNowNs();
  int     delay = RETRY_DELAY_MIN;

  lprStatusReason(true, "connecting-to-device");
  for (;;)
  {
    memset(a, 0, sizeof(*a));
    a->fd = -1;
    if (stage == STAGE_RESOLVE)
      try_resolve(job, a);
    else
      try_connect(job, a);
    if (a->r == LPD_NET_OK || a->r == LPD_NET_CANCELED)
      return (a->r == LPD_NET_OK ? LPD_OUTCOME_OK : LPD_OUTCOME_CANCELED);
    if (job->in_class)
    {
      report_class(job, stage, a);
      return (LPD_OUTCOME_FAILED);
    }
    if (elapsed_s(start) >= job->contimeout)
    {
      report_giveup(job, stage, a, elapsed_s(start));
      return (LPD_OUTCOME_RETRY);
    }
    {
      int left = (int)(job->contimeout - elapsed_s(start) + 0.999);

      delay = left < delay ? (left > 0 ? left : 1) : delay;     // never past contimeout
    }
    report_retry(job, stage, a, delay);
    if (!lpdLoopSleep(job->loop, delay * 1000))
      return (LPD_OUTCOME_CANCELED);
    delay = delay < RETRY_DELAY_MAX ? delay + RETRY_DELAY_MIN : RETRY_DELAY_MAX;
  }
}

// 'lpdJobResolve()' - Look up the printer's host, retrying until contimeout.
lpd_outcome_t
lpdJobResolve(lpd_job_t *job)
{
  attempt_t     a;
  lpd_outcome_t o = with_retries(job, STAGE_RESOLVE, &a);

  if (o == LPD_OUTCOME_OK && job->resolved)
    job->resolved(job->ctx, job->addrs);
  return (o);
}

// 'lpdJobConnect()' - Connect to the first address that answers and set up the connection.
lpd_outcome_t
lpdJobConnect(lpd_job_t *job, lpd_conn_t *conn)
{
  attempt_t     a;
  lpd_outcome_t o;

  lprStatusReason(true, "connecting-to-device");
  lprStatus("INFO", "Connecting to printer %s (queue %s)", job->host, job->queue);
  if ((o = with_retries(job, STAGE_CONNECT, &a)) != LPD_OUTCOME_OK)
    return (o);
  snprintf(job->server, sizeof(job->server), "%s", a.name);
  snprintf(job->who, sizeof(job->who), "lpd %s queue %s", job->server, job->queue);
  lprStatusReason(false, "connecting-to-device");
  lprStatus("DEBUG", "Connected to %s from local port %d", a.name, a.lport);
  lprStatus("INFO", "Connected to printer %s", a.name);
  lpdConnInit(conn, a.fd, job->loop, job->timeout * 1000);
  // Files go to a loopback peer with pread/send (measured faster there than sendfile and mmap,
  // see bench/README.md); the tests, which run on loopback, force the network path with this.
  if (job->sendfile_loopback)
    conn->local_peer = false;
  conn->zerocopy   = job->zerocopy;
  conn->mmap_local = job->mmap_loopback;
  conn->counter    = &job->progress.sent;
  job->sock_fd     = a.fd;
  job->connected   = true;
  return (LPD_OUTCOME_OK);
}
