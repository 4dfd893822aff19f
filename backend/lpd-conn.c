// lpd-conn.c - an RFC 1179 connection: its waits, commands, acks, NACK texts, queue queries,
//               abort and reset (no CUPS calls).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "clock.h"
#include "lpd-conn-private.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define NACK_QUIET_MS   1000            // stop reading a NACK text after this much silence
#define ABORT_WAIT_MS   250             // best effort: the abort is sent between files only

// 'lpdConnWaitFds()' - Wait for want[] through the job's loop, bounded by timeout_ms (< 0: no
//                      limit); LPD_OK when one is ready (see revents).
lpd_result_t
lpdConnWaitFds(lpd_conn_t *c, struct pollfd *want, int nwant, int timeout_ms)
{
  switch (lpdLoopWait(c->loop, want, nwant, timeout_ms))
  {
    case LPD_WAIT_READY :
        return (LPD_OK);
    case LPD_WAIT_TIMEOUT :
        return (LPD_TIMEOUT);
    case LPD_WAIT_CANCELED :
        return (LPD_CANCELED);
    default :
        c->err = errno;
        return (LPD_IO_ERROR);
  }
}

// 'wait_fd()' - Wait for the connection's socket to be ready for events.
static lpd_result_t
wait_fd(lpd_conn_t *c, short events, int timeout_ms)
{
  struct pollfd p = { c->fd, events, 0 };

  return (lpdConnWaitFds(c, &p, 1, timeout_ms));
}

// 'peer_is_local()' - Whether a TCP socket's peer is a loopback address (127/8, ::1, mapped).
static bool
peer_is_local(int fd)
{
  struct sockaddr_storage ss;
  socklen_t               len = sizeof(ss);

  if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
    return (false);
  if (ss.ss_family == AF_INET)
    return ((ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr) >> 24) == 127);
  if (ss.ss_family == AF_INET6)
  {
    const struct in6_addr *a = &((struct sockaddr_in6 *)&ss)->sin6_addr;

    return (IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127));
  }
  return (false);
}

// 'lpdConnInit()' - Prepare a connection on a connected socket; its waits serve loop (or none).
void
lpdConnInit(lpd_conn_t *c, int fd, lpd_loop_t *loop, int timeout_ms)
{
  int flags;

  memset(c, 0, sizeof(*c));
  lpdLoopInit(&c->own_loop, -1);
  c->fd         = fd;
  c->loop       = loop ? loop : &c->own_loop;
  c->timeout_ms = timeout_ms > 0 ? timeout_ms : 300000;
  c->zerocopy   = true;
  c->local_peer = peer_is_local(fd);
  if ((flags = fcntl(fd, F_GETFL)) >= 0)
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  // LPD is a stop-and-wait protocol of small lines, lone NULs and one-octet acks: with Nagle,
  // each lone NUL waits for the server's delayed ACK (about 40 ms on Linux).  Not TCP (a
  // socketpair in tests): the call fails harmlessly.
  flags = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &flags, sizeof(flags));
}

// 'lpdConnClose()' - Close the connection normally and free its buffer.
void
lpdConnClose(lpd_conn_t *c)
{
  if (c->fd >= 0)
    close(c->fd);
  c->fd = -1;
  if (c->copybuf)
    munmap(c->copybuf, COPY_BUF_SIZE);
  c->copybuf = NULL;
}

// 'lpdConnReset()' - Close with a reset, so a server never takes a cut stream for a whole job.
void
lpdConnReset(lpd_conn_t *c)
{
  struct linger l = { 1, 0 };

  if (c->fd >= 0)
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
  lpdConnClose(c);
}

// 'lpdStepName()' - What a step is called in messages.
const char *
lpdStepName(lpd_step_t step)
{
  switch (step)
  {
    case LPD_STEP_COMMAND :     return ("the receive-job command");
    case LPD_STEP_CONTROL :     return ("the control file");
    case LPD_STEP_CONTROL_END : return ("the control file contents");
    case LPD_STEP_DATA :        return ("the data file");
    case LPD_STEP_DATA_SEND :   return ("the data file contents");
    case LPD_STEP_DATA_END :    return ("the end of the data file");
    case LPD_STEP_QUERY :       return ("the queue query");
    case LPD_STEP_ABORT :       return ("the abort subcommand");
    default :                   return ("the connection");
  }
}

// 'lpdResultName()' - Short name of a result, for DEBUG lines.
const char *
lpdResultName(lpd_result_t r)
{
  static const char * const names[] =
  { "ok", "refused", "closed", "timeout", "I/O error", "canceled", "input error", "too big" };

  return ((unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "unknown");
}

// 'lpdConnIoError()' - Classify a failed send/recv; a refusal the server sent before closing wins.
lpd_result_t
lpdConnIoError(lpd_conn_t *c, int err)
{
  unsigned char octet;

  c->err = err;
  if (err != EPIPE && err != ECONNRESET)
    return (LPD_IO_ERROR);
  if (recv(c->fd, &octet, 1, MSG_DONTWAIT) == 1 && octet != 0)
  {
    c->code = octet;
    lpdConnReadText(c);
    return (LPD_NACK);
  }
  return (LPD_CLOSED);
}

// 'lpdConnWrite()' - Write all of buf, waiting for the socket; optionally count data bytes.
lpd_result_t
lpdConnWrite(lpd_conn_t *c, const char *buf, size_t len, bool count, int timeout_ms)
{
  ssize_t      n;
  lpd_result_t r;

  while (len > 0)
  {
    n = send(c->fd, buf, len, MSG_NOSIGNAL);
    if (n > 0)
    {
      buf += n;
      len -= (size_t)n;
      if (count && c->counter)
        atomic_fetch_add_explicit(c->counter, (uint64_t)n, memory_order_relaxed);
      continue;
    }
    if (n < 0 && errno == EINTR)
    {
      if (lpdLoopCanceled(c->loop))
        return (LPD_CANCELED);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    {
      if ((r = wait_fd(c, POLLOUT, timeout_ms)) != LPD_OK)
        return (r);
      continue;
    }
    return (lpdConnIoError(c, n < 0 ? errno : EPIPE));
  }
  return (LPD_OK);
}

// 'lpdWriteAll()' - Write protocol bytes (not counted as job data).
lpd_result_t
lpdWriteAll(lpd_conn_t *c, const void *buf, size_t len)
{
  return (lpdConnWrite(c, buf, len, false, c->timeout_ms));
}

// 'lpdConnReadText()' - Read what a server sends after a NACK: bounded, until close or silence.
void
lpdConnReadText(lpd_conn_t *c)
{
  char         junk[512];
  ssize_t      n;
  int          quiet = c->timeout_ms < NACK_QUIET_MS ? c->timeout_ms : NACK_QUIET_MS;

  c->textlen = 0;
  c->text[0] = '\0';
  for (;;)
  {
    if (wait_fd(c, POLLIN, quiet) != LPD_OK)
      break;
    if (c->textlen < sizeof(c->text) - 1)
      n = recv(c->fd, c->text + c->textlen, sizeof(c->text) - 1 - c->textlen, 0);
    else
      n = recv(c->fd, junk, sizeof(junk), 0);   // drain a little more, then stop
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (n <= 0 || c->textlen >= sizeof(c->text) - 1)
      break;
    c->textlen += (size_t)n;
    c->text[c->textlen] = '\0';
  }
}

// 'lpdReadAck()' - Read one acknowledgement octet; a non-zero octet is a NACK with text.
lpd_result_t
lpdReadAck(lpd_conn_t *c)
{
  unsigned char octet;
  ssize_t       n;
  lpd_result_t  r;

  for (;;)
  {
    if ((r = wait_fd(c, POLLIN, c->timeout_ms)) != LPD_OK)
      return (r);
    n = recv(c->fd, &octet, 1, 0);
    if (n == 1)
      break;
    if (n == 0)
      return (LPD_CLOSED);
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
      continue;
    return (lpdConnIoError(c, errno));
  }
  if (octet == 0)
    return (LPD_OK);
  c->code = octet;
  lpdConnReadText(c);
  return (LPD_NACK);
}

// 'lpdQueueNameValid()' - A queue name must fit on a command line: printable, no spaces.
bool
lpdQueueNameValid(const char *queue)
{
  size_t len = strlen(queue);

  if (len == 0 || len > 255)
    return (false);
  for (const unsigned char *p = (const unsigned char *)queue; *p; p ++)
    if (*p <= ' ' || *p == 0x7f)
      return (false);
  return (true);
}

// 'line_and_ack()' - Send a command or subcommand line that snprintf() made (n of a buffer of
//                    size bytes: cut or failed lines are never sent) and read its ack.
static lpd_result_t
line_and_ack(lpd_conn_t *c, const char *line, int n, size_t size)
{
  lpd_result_t r;

  if (n < 0 || (size_t)n >= size)
    return (LPD_IO_ERROR);
  if ((r = lpdWriteAll(c, line, (size_t)n)) != LPD_OK)
    return (r);
  return (lpdReadAck(c));
}

// 'lpdReceiveJob()' - Send "\2queue\n" (RFC 1179 section 5.2) and read the ack.
lpd_result_t
lpdReceiveJob(lpd_conn_t *c, const char *queue)
{
  char         line[300];
  int          n;

  c->step = LPD_STEP_COMMAND;
  if (!lpdQueueNameValid(queue))
    return (LPD_IO_ERROR);
  n = snprintf(line, sizeof(line), "%c%s\n", LPD_CMD_RECEIVE, queue);
  return (line_and_ack(c, line, n, sizeof(line)));
}

// 'lpdSubcommand()' - Send a control or data file subcommand (LPD_SUB_*, sections 6.2/6.3) and
//                     read the ack.
lpd_result_t
lpdSubcommand(lpd_conn_t *c, int type, uint64_t count, const char *name)
{
  char         line[300];
  int          n;

  c->step = type == LPD_SUB_CONTROL ? LPD_STEP_CONTROL : LPD_STEP_DATA;
  n = snprintf(line, sizeof(line), "%c%" PRIu64 " %s\n", type, count, name);
  return (line_and_ack(c, line, n, sizeof(line)));
}

// 'lpdEndFile()' - End a counted file with its NUL octet and read the ack (section 6.2/6.3).
lpd_result_t
lpdEndFile(lpd_conn_t *c)
{
  lpd_result_t r;

  if (c->step == LPD_STEP_CONTROL)
    c->step = LPD_STEP_CONTROL_END;
  else
    c->step = LPD_STEP_DATA_END;
  if ((r = lpdWriteAll(c, "", 1)) != LPD_OK)
    return (r);
  return (lpdReadAck(c));
}

// 'lpdFinishStream()' - End a zero-count data file: half-close and read the final ack.
lpd_result_t
lpdFinishStream(lpd_conn_t *c)
{
  c->step = LPD_STEP_DATA_END;
  if (shutdown(c->fd, SHUT_WR) < 0)
    return (lpdConnIoError(c, errno));
  return (lpdReadAck(c));
}

// 'lpdAbortJob()' - Send the abort subcommand (section 6.1): best effort, no ack is defined.
lpd_result_t
lpdAbortJob(lpd_conn_t *c)
{
  static const char abort_line[] = { LPD_SUB_ABORT, '\n' };
  lpd_result_t      r;

  c->step = LPD_STEP_ABORT;
  lpdLoopHoldCancel(c->loop, true);     // runs on cancel paths: the abort itself must go out
  r = lpdConnWrite(c, abort_line, sizeof(abort_line), false,
                   c->timeout_ms < ABORT_WAIT_MS ? c->timeout_ms : ABORT_WAIT_MS);
  lpdLoopHoldCancel(c->loop, false);
  return (r);
}

// 'lpdQuery()' - Send a queue command (LPD_CMD_QUEUE_SHORT/_LONG, LPD_CMD_REMOVE) and read the
//                whole reply.
//
// The reply is read until the server closes, within one timeout for the whole reply and the
// buffer's cap; only then may it be parsed.  LPD_TOO_BIG keeps what fit.
lpd_result_t
lpdQuery(lpd_conn_t *c, int command, const char *queue, const char *operands, lpr_buf_t *reply)
{
  char         line[1100], chunk[4096];
  int          n;
  ssize_t      got;
  lpd_result_t r;
  int64_t      deadline;

  c->step = LPD_STEP_QUERY;
  if (!lpdQueueNameValid(queue))
    return (LPD_IO_ERROR);
  n = snprintf(line, sizeof(line), "%c%s%s%s\n", command, queue, operands && *operands ? " " : "",
               operands ? operands : "");
  if (n < 0 || (size_t)n >= sizeof(line))
    return (LPD_IO_ERROR);
  if ((r = lpdWriteAll(c, line, (size_t)n)) != LPD_OK)
    return (r);

  deadline = lprNowNs() + (int64_t)c->timeout_ms * 1000000;
  for (;;)
  {
    int64_t left = (deadline - lprNowNs()) / 1000000;

    if (left <= 0)
      return (LPD_TIMEOUT);
    if ((r = wait_fd(c, POLLIN, (int)left)) != LPD_OK)
      return (r);
    got = recv(c->fd, chunk, sizeof(chunk), 0);
    if (got == 0)
      return (LPD_OK);
    if (got < 0)
    {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      if (errno == ECONNRESET)
        return (LPD_OK);                // some servers reset instead of closing
      return (lpdConnIoError(c, errno));
    }
    if (reply->len + (size_t)got > reply->max)
    {
      lprBufAppend(reply, chunk, reply->max - reply->len);
      return (LPD_TOO_BIG);
    }
    if (!lprBufAppend(reply, chunk, (size_t)got))
      return (LPD_TOO_BIG);
  }
}
