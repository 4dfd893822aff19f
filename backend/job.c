// job.c - the CUPS front end of one job: cupsd's job, URI and options in, the core's outcome
//         out, with the side channel and the SNMP helper on the job's loop.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Everything about LPD is in the CUPS-free core (lpd-job.h); this file only translates: the
// options into the core job, libcups's resolver into the core's, and the core's events into
// the side channel and SNMP.

#include "config.h"
#include "job.h"
#include "status.h"

#include <cups/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// 'cups_resolve()' - The core's resolver, with libcups (run in the core's helper thread).
static lpd_addr_t *
cups_resolve(const char *host, int port)
{
  http_addrlist_t *list, *a;
  lpd_addr_t      *head = NULL, **tail = &head;
  char            service[16];

  snprintf(service, sizeof(service), "%d", port);     // 0-65535: always fits
  if ((list = httpAddrGetList(host, AF_UNSPEC, service)) == NULL)
    return (NULL);
  for (a = list; a; a = a->next)
    if ((*tail = lpdAddrNew((const struct sockaddr *)&a->addr,
                            (socklen_t)httpAddrLength(&a->addr))) != NULL)
      tail = &(*tail)->next;
  httpAddrFreeList(list);
  return (head);
}

// 'on_resolved()' - The printer's addresses are known: its SNMP agent can be asked meanwhile.
static void
on_resolved(void *ctx, const lpd_addr_t *addrs)
{
  lpr_job_t *job = ctx;

  lprSnmpStart(&job->snmp, addrs);      // its first snapshot comes while the job goes out
}

// 'on_tick()' - About every second: a pending DRAIN_OUTPUT.
static void
on_tick(void *ctx)
{
  lpr_job_t *job = ctx;

  lprSideChannelTick(&job->sc);
}

// 'setup_where()' - The core job's printer, queue and behaviour from the URI and options.
static void
setup_where(lpr_job_t *job)
{
  lpd_job_t *c = &job->core;

  lprOptionsApply(&job->uri, &job->opt, c);
  c->resolve     = cups_resolve;
  c->resolved    = on_resolved;
  c->tick        = on_tick;
  c->ctx         = job;
  c->file        = job->file;
  c->infd        = 0;
  c->copies      = job->copies;
  c->in_class    = job->in_class;
  c->tmpdir      = job->tmpdir;
  c->cachedir    = job->cachedir;
}

// 'lprJobSetup()' - The core job from cupsd's job, the URI and the options.
void
lprJobSetup(lpr_job_t *job, const char *user, const char *title, const char *orighost)
{
  char buf[512], *colon;

  lpdLoopInit(&job->loop, job->cancel_fd);
  lpdJobInit(&job->core, &job->loop);
  setup_where(job);
  snprintf(buf, sizeof(buf), "%s", job->uri.user[0] ? job->uri.user : (user ? user : ""));
  if ((colon = strchr(buf, ':')) != NULL)
    *colon = '\0';                      // user:password@ in the URI: never send the password
  lpdJobSetText(&job->core, buf, title, orighost, job->opt.sanitize_title);
  job->core.jobnum = job->id % 1000;
}

// 'lprJobRun()' - Deliver the job; the outcome says what cupsd should do next.
lpd_outcome_t
lprJobRun(lpr_job_t *job)
{
  lpd_outcome_t o;

  lprSnmpInit(&job->snmp, &job->loop, job->opt.snmp, job->opt.snmp_port, job->opt.community,
              lprSideChannelSnmp, &job->sc);
  lprSideChannelInit(&job->sc, job->sc_fd, &job->loop, &job->core, &job->snmp);
  o = lpdJobRun(&job->core);
  lprSnmpFinish(&job->snmp, o == LPD_OUTCOME_CANCELED);
  lprSideChannelFinish(&job->sc, o == LPD_OUTCOME_OK);
  return (o);                           // (lpdJobRun has freed the addresses)
}
