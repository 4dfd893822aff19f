// snmp.c - supply levels, printer state and the filters' SNMP requests, through the lpr-snmp
// helper, as one more input of the job's event loop.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// The helper starts once the printer's address is known and takes a snapshot at once, while
// the job connects and sends; a second snapshot is taken when the job is done.  Each snapshot
// becomes one ATTR: line (all marker lists from the same answers) and the STATE: changes it
// implies.  A filter's SNMP_GET/SNMP_GET_NEXT is handed to the helper and answered when its
// reply arrives (the side channel, which asked, pauses itself meanwhile so answers keep their
// order).  Nothing here ever blocks the data path: the helper does the waiting.

#include "config.h"
#include "clock.h"
#include "snmp.h"
#include "status.h"
#include "supplies.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define AGENT_TIMEOUT_MS 1000           // per question (one try)
#define FINISH_MS        4000           // the last snapshot, at most (helper bound: 3 s)
#define REAP_MS          200            // then the helper must be gone

extern char **environ;

// 'lprSnmpInit()' - No helper, nothing known; cb(cb_ctx, ...) hears what comes.
void
lprSnmpInit(lpr_snmp_t *s, lpd_loop_t *loop, bool enabled, int port, const char *community,
            lpr_snmp_cb_t cb, void *cb_ctx)
{
  memset(s, 0, sizeof(*s));
  s->enabled = enabled;
  s->port    = port;
  snprintf(s->community, sizeof(s->community), "%s", community ? community : "public");
  s->loop    = loop;
  s->cb      = cb;
  s->cb_ctx  = cb_ctx;
  s->pid     = -1;
  s->fd      = -1;
}

// 'send_request()' - Hand one request to the helper; false if it is gone.
static bool
send_request(lpr_snmp_t *s, lpr_snmp_kind_t kind, const char *oid)
{
  lpr_snmp_request_t q;

  memset(&q, 0, sizeof(q));
  q.magic = LPR_SNMP_MAGIC;
  q.kind  = kind;
  if (oid)
    snprintf(q.oid, sizeof(q.oid), "%s", oid);
  return (s->fd >= 0 && send(s->fd, &q, sizeof(q), MSG_NOSIGNAL) == (ssize_t)sizeof(q));
}

// 'notify()' - Tell the front end.
static void
notify(lpr_snmp_t *s, lpr_snmp_event_t ev, const lpr_snmp_reply_t *r)
{
  if (s->cb)
    s->cb(s->cb_ctx, ev, r);
}

// 'gone()' - Nothing more will come: the front end answers whatever still waits.
static void
gone(lpr_snmp_t *s)
{
  s->absent     = true;
  s->relay_kind = 0;
  s->relay_sent = false;
  notify(s, LPR_SNMP_EV_GONE, NULL);
}

// 'stop_helper()' - Close the helper's socket and reap it.
static void
stop_helper(lpr_snmp_t *s)
{
  int status = 0;

  if (s->fd >= 0)
  {
    lpdLoopRemove(s->loop, s->fd);
    close(s->fd);
    s->fd = -1;
  }
  if (s->pid > 0)
  {
    // It exits at EOF on its socket; one stuck in a Net-SNMP call is killed.
    for (int i = 0; i < REAP_MS / 10 && waitpid(s->pid, &status, WNOHANG) == 0; i ++)
      usleep(10000);
    if (kill(s->pid, 0) == 0 && waitpid(s->pid, &status, WNOHANG) == 0)
    {
      kill(s->pid, SIGKILL);
      waitpid(s->pid, &status, 0);
    }
    else if (WIFSIGNALED(status))       // SIGSYS: a call outside its seccomp filter
      lprStatus("DEBUG", "SNMP: the helper was killed by signal %d (%s)", WTERMSIG(status),
                strsignal(WTERMSIG(status)));
    s->pid = -1;
  }
  s->snap_pending = false;
  free(s->reply);
  s->reply = NULL;
}

// 'helper_path()' - The helper program: installed next to the package's other programs.
static const char *
helper_path(void)
{
  const char *env = getenv("CUPS_LPR_SNMP_HELPER");

  return (env && *env ? env : LPR_SNMP_HELPER);
}

// 'spawn_helper()' - Run the helper on one end of a socketpair; false if it cannot run.
static bool
spawn_helper(lpr_snmp_t *s, const char *addr, const char *port)
{
  posix_spawn_file_actions_t fa;
  char                       tmo[16], *argv[6];
  int                        sv[2], err;

  if ((s->reply = malloc(sizeof(*s->reply))) == NULL ||
      socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
  {
    lprStatus("DEBUG", "SNMP: no helper (%s): supply levels are not reported", strerror(errno));
    return (false);
  }
  snprintf(tmo, sizeof(tmo), "%d", AGENT_TIMEOUT_MS);
  argv[0] = "lpr-snmp";
  argv[1] = (char *)addr;
  argv[2] = (char *)port;
  argv[3] = s->community;
  argv[4] = tmo;
  argv[5] = NULL;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  err = posix_spawn(&s->pid, helper_path(), &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(sv[1]);
  s->fd = sv[0];
  if (err)
  {
    lprStatus("DEBUG", "SNMP: unable to run %s (%s): supply levels are not reported",
              helper_path(), strerror(err));
    s->pid = -1;
    return (false);
  }
  return (true);
}

// 'send_relay()' - Hand a waiting filter request to the helper.
static void
send_relay(lpr_snmp_t *s)
{
  if (s->relay_kind && !s->relay_sent && s->fd >= 0)
  {
    s->relay_sent = send_request(s, (lpr_snmp_kind_t)s->relay_kind, s->relay_oid);
    if (!s->relay_sent)
    {
      s->relay_kind = 0;
      notify(s, LPR_SNMP_EV_RELAY, NULL);
    }
  }
}

static void service(void *ctx);

// 'lprSnmpStart()' - Start the helper for the printer's address and ask for the first
//                    snapshot.
bool
lprSnmpStart(lpr_snmp_t *s, const lpd_addr_t *a)
{
  char addr[INET6_ADDRSTRLEN], port[16];

  if (!s->enabled || !a)
    return (false);
#ifndef HAVE_NETSNMP
  lprStatus("DEBUG", "SNMP: built without Net-SNMP: supply levels are not reported");
  gone(s);
  return (false);
#endif
  if (a->ss.ss_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)&a->ss)->sin6_addr, addr, sizeof(addr));
  else
    inet_ntop(AF_INET, &((const struct sockaddr_in *)&a->ss)->sin_addr, addr, sizeof(addr));
  snprintf(port, sizeof(port), "%d", s->port);
  snprintf(s->peer, sizeof(s->peer), strchr(addr, ':') ? "[%s]:%s" : "%s:%s", addr, port);
  if (!spawn_helper(s, addr, port) || !lpdLoopAdd(s->loop, s->fd, service, s) ||
      !send_request(s, LPR_SNMP_SNAPSHOT, NULL))
  {
    stop_helper(s);
    gone(s);
    return (false);
  }
  s->snap_pending = true;
  send_relay(s);
  return (true);
}

// 'report_reasons()' - STATE: lines for the reasons that changed (all of them the first time).
static void
report_reasons(lpr_snmp_t *s, uint32_t now)
{
  uint32_t all = (1u << LPR_SNMP_REASONS) - 1;
  uint32_t gone = (s->reasons_sent ? s->reasons : all) & ~now;
  uint32_t come = now & ~(s->reasons_sent ? s->reasons : 0);

  for (int pass = 0; pass < 2; pass ++)
  {
    uint32_t bits = pass ? come : gone;
    char     list[LPR_STATUS_MAX];
    size_t   len = 0, room = lprStatusLimit() - sizeof("STATE: +\n");

    // One line per change when it fits, else as few whole-keyword lines as the limit allows.
    for (int b = 0; b <= LPR_SNMP_REASONS; b ++)
    {
      const char *name = b < LPR_SNMP_REASONS && (bits & (1u << b)) ? lprSuppliesReasonName(b)
                                                                     : NULL;

      if (len > 0 && (b == LPR_SNMP_REASONS || (name && len + 1 + strlen(name) > room)))
      {
        lprStatus("STATE", "%c%s", pass ? '+' : '-', list);
        len = 0;
      }
      if (name)
        len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", len ? "," : "", name);
    }
  }
  s->reasons      = now;
  s->reasons_sent = true;
}

// 'report_snapshot()' - ATTR: and STATE: lines from one snapshot, and what DEBUG needs.
static void
report_snapshot(lpr_snmp_t *s, const lpr_snmp_reply_t *r)
{
  const lpr_snapshot_t *snap = &r->snap;
  lpr_buf_t            attr;
  int                  shown;

  if (r->status == LPR_SNMP_ABSENT)
  {
    lprStatus("DEBUG", "SNMP: no agent answered at %s within %u ms (community \"%s\"): supply "
              "levels are not reported for this job", s->peer, r->ms, s->community);
    s->absent = true;
    return;
  }
  s->snapshots ++;
  lprStatus("DEBUG", "SNMP: snapshot %d from %s in %u ms: %d supplies%s, hrPrinterStatus %d, "
            "hrPrinterDetectedErrorState %s%04x, \"%s\"", s->snapshots, s->peer, r->ms,
            snap->num, snap->capped ? " (more not kept)" : "", snap->printer_status,
            snap->error_bits < 0 ? "none " : "0x", snap->error_bits < 0 ? 0 : snap->error_bits,
            snap->description);
  if (snap->oddities)
    lprStatus("DEBUG", "SNMP: ignored %d answers that do not fit the Printer MIB; the first: "
              "%s", snap->oddities, snap->note);
  memcpy(s->device_id, snap->device_id, sizeof(s->device_id));

  lprBufInit(&attr, LPR_STATUS_MAX);
  shown = lprSuppliesAttr(snap, lprStatusLimit(), &attr);
  if (shown > 0)
    lprStatus("ATTR", "%s", attr.data);
  if (shown < snap->num)
    lprStatus("DEBUG", "SNMP: %d of %d supplies reported: the rest do not fit in one status "
              "line of %zu bytes (CUPS_MAX_MESSAGE)", shown, snap->num, lprStatusLimit());
  lprBufFree(&attr);
  report_reasons(s, lprSuppliesReasons(snap));
}

// 'relay_done()' - The helper answered a filter's request.
static void
relay_done(lpr_snmp_t *s, lpr_snmp_reply_t *r)
{
  if (r->status == LPR_SNMP_ABSENT)
    s->absent = true;
  s->relay_kind = 0;
  s->relay_sent = false;
  notify(s, LPR_SNMP_EV_RELAY, r);
}

// 'service()' - Loop callback: the helper answered (or went away).
static void
service(void *ctx)
{
  lpr_snmp_t       *s = ctx;
  lpr_snmp_reply_t *r = s->reply;
  ssize_t          n;

  if (s->fd < 0)
    return;
  n = recv(s->fd, r, sizeof(*r), MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  if (n != (ssize_t)sizeof(*r) || r->magic != LPR_SNMP_MAGIC)
  {
    lprStatus("DEBUG", "SNMP: the helper stopped (%s): supply levels are not reported",
              n < 0 ? strerror(errno) : n == 0 ? "end of file" : "bad reply");
    stop_helper(s);
    gone(s);
    return;
  }
  if (r->kind == LPR_SNMP_SNAPSHOT)
  {
    s->snap_pending = false;
    report_snapshot(s, r);
    notify(s, s->absent ? LPR_SNMP_EV_GONE : LPR_SNMP_EV_SNAPSHOT, r);
  }
  else if (s->relay_kind)
    relay_done(s, r);
}

// 'lprSnmpRelay()' - Ask the agent for a filter (LPR_SNMP_GET or _GET_NEXT); the answer comes
//                    as LPR_SNMP_EV_RELAY.  False: there is no agent to ask.
bool
lprSnmpRelay(lpr_snmp_t *s, int kind, const char *oid)
{
  if (!s->enabled || s->absent)
    return (false);
  snprintf(s->relay_oid, sizeof(s->relay_oid), "%s", oid);
  s->relay_kind = kind;
  s->relay_sent = false;
  send_relay(s);                        // or once the helper runs (the address is known)
  return (true);
}

// 'lprSnmpWaitsForFirst()' - Whether the first snapshot is still to come (GET_DEVICE_ID waits).
bool
lprSnmpWaitsForFirst(const lpr_snmp_t *s)
{
  return (s->enabled && !s->absent && s->snapshots == 0);
}

// 'wait_snapshot()' - Serve the loop until no snapshot is pending; false on cancel/timeout.
static bool
wait_snapshot(lpr_snmp_t *s, int64_t start)
{
  while (s->snap_pending && s->fd >= 0)
  {
    struct pollfd p = { s->fd, POLLIN, 0 };   // service() reads it first: it is an input too
    int           left = FINISH_MS - lprMsSince(start);

    if (left <= 0)
      return (false);
    switch (lpdLoopWait(s->loop, &p, 1, left))
    {
      case LPD_WAIT_READY :
      case LPD_WAIT_TIMEOUT :
          break;
      default :
          return (false);
    }
  }
  return (true);
}

// 'lprSnmpFinish()' - The last snapshot (unless canceled), then the helper goes.
void
lprSnmpFinish(lpr_snmp_t *s, bool canceled)
{
  if (s->fd >= 0 && !canceled && !s->absent)
  {
    int64_t start = lprNowNs();

    // A job that ended before the first snapshot came gets that one as its closing snapshot.
    if (!s->snap_pending && s->snapshots > 0 && send_request(s, LPR_SNMP_SNAPSHOT, NULL))
      s->snap_pending = true;
    if (!wait_snapshot(s, start))
      lprStatus("DEBUG", "SNMP: no closing snapshot within %d ms", FINISH_MS);
  }
  stop_helper(s);
  if (!s->absent)
    gone(s);
}
