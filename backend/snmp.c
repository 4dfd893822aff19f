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
// reply arrives; meanwhile no further side-channel request is read, so answers keep their
// order.  Nothing here ever blocks the data path: the helper does the waiting.

#include "config.h"
#include "clock.h"
#include "snmp.h"
#include "job.h"
#include "sidechannel.h"
#include "status.h"
#include "supplies.h"

#include <arpa/inet.h>
#include <cups/sidechannel.h>
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

// 'lprSnmpInit()' - No helper, nothing known.
void
lprSnmpInit(lpr_snmp_t *s)
{
  memset(s, 0, sizeof(*s));
  s->pid = -1;
  s->fd  = -1;
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

// 'sc_answer()' - Write one side-channel answer and read requests again.
static void
sc_answer(lpr_job_t *job, int cmd, cups_sc_status_t status, const char *data, int len)
{
  cupsSideChannelWrite((cups_sc_command_t)cmd, status, data, len, 1.0);
  lprJobWatchSideChannel(job, true);
}

// 'answer_waiting()' - Answer what a filter waits for, now that the helper cannot help.
static void
answer_waiting(lpr_job_t *job)
{
  lpr_snmp_t *s = &job->snmp;

  if (s->devid_pending)
  {
    s->devid_pending = false;
    sc_answer(job, CUPS_SC_CMD_GET_DEVICE_ID, CUPS_SC_STATUS_OK, s->device_id,
              (int)strlen(s->device_id));
  }
  if (s->relay_cmd)
  {
    int cmd = s->relay_cmd;

    s->relay_cmd = 0;
    sc_answer(job, cmd, CUPS_SC_STATUS_IO_ERROR, "", 0);
  }
}

// 'stop_helper()' - Close the helper's socket and reap it.
static void
stop_helper(lpr_job_t *job)
{
  lpr_snmp_t *s = &job->snmp;
  int        status = 0;

  if (s->fd >= 0)
  {
    lprJobUnwatch(job, s->fd);
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

// 'lprSnmpStart()' - Start the helper for the job's printer and ask for the first snapshot.
bool
lprSnmpStart(lpr_job_t *job)
{
  lpr_snmp_t                 *s = &job->snmp;
  posix_spawn_file_actions_t fa;
  char                       addr[INET6_ADDRSTRLEN], port[16], tmo[16];
  char                       *argv[6];
  int                        sv[2], err;
  const http_addr_t          *a = &job->addrs->addr;

  if (!job->opt.snmp || !job->addrs)
    return (false);
#ifndef HAVE_NETSNMP
  lprStatus("DEBUG", "SNMP: built without Net-SNMP: supply levels are not reported");
  s->absent = true;
  answer_waiting(job);
  return (false);
#endif
  if (httpAddrFamily((http_addr_t *)a) == AF_INET6)
    inet_ntop(AF_INET6, &a->ipv6.sin6_addr, addr, sizeof(addr));
  else
    inet_ntop(AF_INET, &a->ipv4.sin_addr, addr, sizeof(addr));
  snprintf(port, sizeof(port), "%d", job->opt.snmp_port);
  snprintf(tmo, sizeof(tmo), "%d", AGENT_TIMEOUT_MS);
  snprintf(s->peer, sizeof(s->peer), strchr(addr, ':') ? "[%s]:%s" : "%s:%s", addr, port);

  if ((s->reply = malloc(sizeof(*s->reply))) == NULL ||
      socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
  {
    lprStatus("DEBUG", "SNMP: no helper (%s): supply levels are not reported", strerror(errno));
    free(s->reply);
    s->reply  = NULL;
    s->absent = true;
    answer_waiting(job);
    return (false);
  }
  argv[0] = "lpr-snmp";
  argv[1] = addr;
  argv[2] = port;
  argv[3] = job->opt.community;
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
    stop_helper(job);
    s->absent = true;
    answer_waiting(job);
    return (false);
  }
  if (!lprJobWatch(job, s->fd) || !send_request(s, LPR_SNMP_SNAPSHOT, NULL))
  {
    stop_helper(job);
    s->absent = true;
    answer_waiting(job);
    return (false);
  }
  s->snap_pending = true;
  if (s->relay_cmd && !s->relay_sent)
  {
    s->relay_sent = send_request(s, s->relay_cmd == CUPS_SC_CMD_SNMP_GET ? LPR_SNMP_GET
                                                                        : LPR_SNMP_GET_NEXT,
                                 s->relay_oid);
    if (!s->relay_sent)
      answer_waiting(job);
  }
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
report_snapshot(lpr_job_t *job, const lpr_snmp_reply_t *r)
{
  lpr_snmp_t           *s = &job->snmp;
  const lpr_snapshot_t *snap = &r->snap;
  lpr_buf_t            attr;
  int                  shown;

  if (r->status == LPR_SNMP_ABSENT)
  {
    lprStatus("DEBUG", "SNMP: no agent answered at %s within %u ms (community \"%s\"): supply "
              "levels are not reported for this job", s->peer, r->ms, job->opt.community);
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

// 'lprSnmpService()' - The helper answered (or went away).
void
lprSnmpService(lpr_job_t *job)
{
  lpr_snmp_t       *s = &job->snmp;
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
    stop_helper(job);
    s->absent = true;
    answer_waiting(job);
    return;
  }
  if (r->kind == LPR_SNMP_SNAPSHOT)
  {
    s->snap_pending = false;
    report_snapshot(job, r);
    if (s->devid_pending)
      answer_waiting(job);
  }
  else if (s->relay_cmd)
  {
    int              cmd = s->relay_cmd;
    cups_sc_status_t st = r->status == LPR_SNMP_OK ? CUPS_SC_STATUS_OK
                        : r->status == LPR_SNMP_BAD_REQUEST ? CUPS_SC_STATUS_BAD_MESSAGE
                        : CUPS_SC_STATUS_IO_ERROR;

    if (r->status == LPR_SNMP_ABSENT)
      s->absent = true;
    // A GETNEXT past the last object is the end of a walk, not an error: answer it with an
    // empty OID, which ends cupsSideChannelSNMPWalk() as leaving the subtree does.
    if (r->status == LPR_SNMP_NO_SUCH && cmd == CUPS_SC_CMD_SNMP_GET_NEXT)
    {
      st = CUPS_SC_STATUS_OK;
      r->data[0] = '\0';
      r->datalen = 1;
    }
    s->relay_cmd  = 0;
    s->relay_sent = false;
    sc_answer(job, cmd, st, r->data, st == CUPS_SC_STATUS_OK ? (int)r->datalen : 0);
  }
}

// 'lprSnmpRelay()' - A filter's SNMP_GET or SNMP_GET_NEXT; false: answer "not implemented".
bool
lprSnmpRelay(lpr_job_t *job, int cmd, const char *data, int datalen)
{
  lpr_snmp_t *s = &job->snmp;

  if (!job->opt.snmp)
    return (false);
  if (s->absent || datalen < 2 || datalen >= LPR_SNMP_OID_MAX)
  {
    // CUPS answers a short OID "bad message" too; a known-absent agent gets no more packets.
    cupsSideChannelWrite((cups_sc_command_t)cmd, s->absent ? CUPS_SC_STATUS_IO_ERROR
                                                           : CUPS_SC_STATUS_BAD_MESSAGE,
                         "", 0, 1.0);
    return (true);
  }
  memcpy(s->relay_oid, data, (size_t)datalen);
  s->relay_oid[datalen] = '\0';
  s->relay_cmd  = cmd;
  s->relay_sent = false;
  lprJobWatchSideChannel(job, false);   // the next request waits for this answer
  if (s->fd >= 0)
  {
    s->relay_sent = send_request(s, cmd == CUPS_SC_CMD_SNMP_GET ? LPR_SNMP_GET
                                                                 : LPR_SNMP_GET_NEXT,
                                 s->relay_oid);
    if (!s->relay_sent)
      answer_waiting(job);
  }
  return (true);
}

// 'lprSnmpDeviceID()' - Answer GET_DEVICE_ID now, or once the first snapshot is in.
bool
lprSnmpDeviceID(lpr_job_t *job)
{
  lpr_snmp_t *s = &job->snmp;

  if (job->opt.snmp && !s->absent && s->snapshots == 0)
  {
    s->devid_pending = true;
    lprJobWatchSideChannel(job, false);
    return (true);
  }
  cupsSideChannelWrite(CUPS_SC_CMD_GET_DEVICE_ID, CUPS_SC_STATUS_OK, s->device_id,
                       (int)strlen(s->device_id), 1.0);
  return (true);
}

// 'wait_snapshot()' - Service the loop until no snapshot is pending; false on cancel/timeout.
static bool
wait_snapshot(lpr_job_t *job, int64_t start)
{
  while (job->snmp.snap_pending && job->snmp.fd >= 0)
  {
    struct pollfd p[2] = { { job->cancel_fd, POLLIN, 0 }, { job->hooks.fd, POLLIN, 0 } };
    int           left = FINISH_MS - lprMsSince(start);

    if (left <= 0)
      return (false);
    if (poll(p, 2, left) > 0)
    {
      if (p[0].revents)
        return (false);
      if (p[1].revents)
        job->hooks.on_fd(job->hooks.ctx);
    }
  }
  return (true);
}

// 'lprSnmpFinish()' - The last snapshot (unless canceled), then the helper goes.
void
lprSnmpFinish(lpr_job_t *job, bool canceled)
{
  lpr_snmp_t      *s = &job->snmp;
  if (s->fd >= 0 && !canceled && !s->absent)
  {
    int64_t start = lprNowNs();


    // A job that ended before the first snapshot came gets that one as its closing snapshot.
    if (!s->snap_pending && s->snapshots > 0 && send_request(s, LPR_SNMP_SNAPSHOT, NULL))
      s->snap_pending = true;
    if (!wait_snapshot(job, start) && !canceled)
      lprStatus("DEBUG", "SNMP: no closing snapshot within %d ms", FINISH_MS);
  }
  stop_helper(job);
  answer_waiting(job);
}
