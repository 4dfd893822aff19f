// lpd-proto.c - RFC 1179 client core on a plain socket fd (no CUPS calls).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "lpd-proto.h"
#include "clock.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_SYS_SENDFILE_H
#  include <sys/sendfile.h>
#endif

#define COPY_BUF_SIZE   (256 * 1024)    // read/send chunk: streams, and files without mmap
#define MAP_CHUNK       (1024 * 1024)   // mapped send to a loopback peer: window and send(2)
#define SENDFILE_CHUNK  (1 << 30)
#define NACK_QUIET_MS   1000            // stop reading a NACK text after this much silence
#define ABORT_WAIT_MS   250             // best effort: the abort is sent between files only
#define HOOK_POLL_MS    50              // how often a busy transfer looks at cancel and hooks

// Which fds a wait found ready.
#define READY_MAIN  1
#define READY_OTHER 2

// 'canceled()' - Whether the cancel fd is readable, without waiting.
static bool
canceled(lpd_conn_t *c)
{
  struct pollfd p;

  if (c->cancel_fd < 0)
    return (false);
  p.fd      = c->cancel_fd;
  p.events  = POLLIN;
  p.revents = 0;
  return (poll(&p, 1, 0) > 0);
}

// 'maybe_tick()' - Between data chunks: every HOOK_POLL_MS look at the cancel and hook fds
//                 (a transfer that never blocks must still answer the side channel), and run
//                 the clock hook when its interval has passed.  Usually one clock read.
static bool
maybe_tick(lpd_conn_t *c)
{
  int64_t       now = lprNowNs();
  struct pollfd p;

  if (now - c->last_poll_ns < (int64_t)HOOK_POLL_MS * 1000000)
    return (true);
  c->last_poll_ns = now;
  if (canceled(c))
    return (false);
  if (!c->hooks)
    return (true);
  if (c->hooks->fd >= 0 && c->hooks->on_fd)
  {
    p.fd      = c->hooks->fd;
    p.events  = POLLIN;
    p.revents = 0;
    if (poll(&p, 1, 0) > 0)
      c->hooks->on_fd(c->hooks->ctx);
  }
  if (c->hooks->on_tick && now - c->last_tick_ns >= (int64_t)c->hooks->tick_ms * 1000000)
  {
    c->last_tick_ns = now;
    c->hooks->on_tick(c->hooks->ctx);
  }
  return (true);
}

// 'wait_ready()' - Wait for fd (and optionally other) to be ready, servicing cancel and hooks.
//
// timeout_ms < 0 waits without limit.  Returns LPD_OK with *ready set, LPD_TIMEOUT or
// LPD_CANCELED.
static lpd_result_t
wait_ready(lpd_conn_t *c, int fd, short events, int other, short oevents, int timeout_ms,
           int *ready)
{
  struct pollfd p[4];
  int64_t       deadline = timeout_ms >= 0 ? lprNowNs() + (int64_t)timeout_ms * 1000000 : -1;
  int           n, i_cancel = -1, i_hook = -1, i_other = -1, wait_ms;

  *ready = 0;
  for (;;)
  {
    n = 0;
    p[n].fd = fd; p[n].events = events; p[n].revents = 0; n ++;
    if (other >= 0)
    {
      i_other = n;
      p[n].fd = other; p[n].events = oevents; p[n].revents = 0; n ++;
    }
    if (c->cancel_fd >= 0)
    {
      i_cancel = n;
      p[n].fd = c->cancel_fd; p[n].events = POLLIN; p[n].revents = 0; n ++;
    }
    if (c->hooks && c->hooks->fd >= 0 && c->hooks->on_fd)
    {
      i_hook = n;
      p[n].fd = c->hooks->fd; p[n].events = POLLIN; p[n].revents = 0; n ++;
    }

    wait_ms = -1;
    if (deadline >= 0)
    {
      int64_t left = deadline - lprNowNs();

      if (left <= 0)
        return (LPD_TIMEOUT);
      wait_ms = (int)((left + 999999) / 1000000);
    }
    if (c->hooks && c->hooks->on_tick && c->hooks->tick_ms > 0)
    {
      int64_t to_tick = c->last_tick_ns + (int64_t)c->hooks->tick_ms * 1000000 - lprNowNs();
      int     tick_ms = to_tick > 0 ? (int)((to_tick + 999999) / 1000000) : 0;

      if (wait_ms < 0 || tick_ms < wait_ms)
        wait_ms = tick_ms;
    }

    if (poll(p, (nfds_t)n, wait_ms) < 0)
    {
      if (errno == EINTR)
        continue;                       // a signal: the cancel fd tells whether to stop
      c->err = errno;
      return (LPD_IO_ERROR);
    }
    if (i_cancel >= 0 && p[i_cancel].revents)
      return (LPD_CANCELED);
    if (i_hook >= 0 && p[i_hook].revents)
      c->hooks->on_fd(c->hooks->ctx);
    if (c->hooks && c->hooks->on_tick &&
        lprNowNs() - c->last_tick_ns >= (int64_t)c->hooks->tick_ms * 1000000)
    {
      c->last_tick_ns = lprNowNs();
      c->hooks->on_tick(c->hooks->ctx);
    }
    if (p[0].revents)
      *ready |= READY_MAIN;
    if (i_other >= 0 && p[i_other].revents)
      *ready |= READY_OTHER;
    if (*ready)
      return (LPD_OK);
  }
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

// 'lpdConnInit()' - Prepare a connection on a connected socket.
void
lpdConnInit(lpd_conn_t *c, int fd, int cancel_fd, int timeout_ms, const lpd_hooks_t *hooks)
{
  int flags;

  memset(c, 0, sizeof(*c));
  c->fd         = fd;
  c->cancel_fd  = cancel_fd;
  c->timeout_ms = timeout_ms > 0 ? timeout_ms : 300000;
  c->hooks      = hooks;
  c->zerocopy   = true;
  c->local_peer = peer_is_local(fd);
  c->last_tick_ns = lprNowNs();
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

static void read_nack_text(lpd_conn_t *c);

// 'io_error()' - Classify a failed send/recv; a refusal the server sent before closing wins.
static lpd_result_t
io_error(lpd_conn_t *c, int err)
{
  unsigned char octet;

  c->err = err;
  if (err != EPIPE && err != ECONNRESET)
    return (LPD_IO_ERROR);
  if (recv(c->fd, &octet, 1, MSG_DONTWAIT) == 1 && octet != 0)
  {
    c->code = octet;
    read_nack_text(c);
    return (LPD_NACK);
  }
  return (LPD_CLOSED);
}

// 'write_some()' - Write all of buf, waiting for the socket; optionally count data bytes.
static lpd_result_t
write_some(lpd_conn_t *c, const char *buf, size_t len, bool count, int timeout_ms)
{
  ssize_t      n;
  lpd_result_t r;
  int          ready;

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
      if (canceled(c))
        return (LPD_CANCELED);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    {
      if ((r = wait_ready(c, c->fd, POLLOUT, -1, 0, timeout_ms, &ready)) != LPD_OK)
        return (r);
      continue;
    }
    return (io_error(c, n < 0 ? errno : EPIPE));
  }
  return (LPD_OK);
}

// 'lpdWriteAll()' - Write protocol bytes (not counted as job data).
lpd_result_t
lpdWriteAll(lpd_conn_t *c, const void *buf, size_t len)
{
  return (write_some(c, buf, len, false, c->timeout_ms));
}

// 'read_nack_text()' - Read what a server sends after a NACK: bounded, until close or silence.
static void
read_nack_text(lpd_conn_t *c)
{
  char         junk[512];
  ssize_t      n;
  int          ready;
  int          quiet = c->timeout_ms < NACK_QUIET_MS ? c->timeout_ms : NACK_QUIET_MS;

  c->textlen = 0;
  c->text[0] = '\0';
  for (;;)
  {
    if (wait_ready(c, c->fd, POLLIN, -1, 0, quiet, &ready) != LPD_OK)
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
  int           ready;

  for (;;)
  {
    if ((r = wait_ready(c, c->fd, POLLIN, -1, 0, c->timeout_ms, &ready)) != LPD_OK)
      return (r);
    n = recv(c->fd, &octet, 1, 0);
    if (n == 1)
      break;
    if (n == 0)
      return (LPD_CLOSED);
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
      continue;
    return (io_error(c, errno));
  }
  if (octet == 0)
    return (LPD_OK);
  c->code = octet;
  read_nack_text(c);
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

// 'lpdReceiveJob()' - Send "\2queue\n" (RFC 1179 section 5.2) and read the ack.
lpd_result_t
lpdReceiveJob(lpd_conn_t *c, const char *queue)
{
  char         line[300];
  int          n;
  lpd_result_t r;

  c->step = LPD_STEP_COMMAND;
  if (!lpdQueueNameValid(queue))
    return (LPD_IO_ERROR);
  n = snprintf(line, sizeof(line), "\002%s\n", queue);
  if (n < 0 || (size_t)n >= sizeof(line))
    return (LPD_IO_ERROR);
  if ((r = lpdWriteAll(c, line, (size_t)n)) != LPD_OK)
    return (r);
  return (lpdReadAck(c));
}

// 'lpdSubcommand()' - Send a control (2) or data (3) file subcommand (section 6.2/6.3), read ack.
lpd_result_t
lpdSubcommand(lpd_conn_t *c, int type, uint64_t count, const char *name)
{
  char         line[300];
  int          n;
  lpd_result_t r;

  c->step = type == 2 ? LPD_STEP_CONTROL : LPD_STEP_DATA;
  n = snprintf(line, sizeof(line), "%c%" PRIu64 " %s\n", type, count, name);
  if (n < 0 || (size_t)n >= sizeof(line))
    return (LPD_IO_ERROR);
  if ((r = lpdWriteAll(c, line, (size_t)n)) != LPD_OK)
    return (r);
  return (lpdReadAck(c));
}

// 'lpdSendBuffer()' - Send job data from memory.
lpd_result_t
lpdSendBuffer(lpd_conn_t *c, const void *buf, size_t len)
{
  c->step = LPD_STEP_DATA_SEND;
  return (write_some(c, buf, len, true, c->timeout_ms));
}

// 'copy_buffer()' - The read/send buffer, mapped on first use.
//
// mmap(2), not malloc(3): freeing a mapped malloc chunk raises glibc's mmap threshold, so the
// next buffer of this size would come from the heap and stay resident after it is freed.
static char *
copy_buffer(lpd_conn_t *c)
{
  void *p;

  if (!c->copybuf)
  {
    p = mmap(NULL, COPY_BUF_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    c->copybuf = p == MAP_FAILED ? NULL : p;
  }
  return (c->copybuf);
}

// 'send_file_copy()' - Send a file range with pread(2)/send(2).
static lpd_result_t
send_file_copy(lpd_conn_t *c, int fd, off_t offset, uint64_t len)
{
  char         *buf = copy_buffer(c);
  ssize_t      n;
  lpd_result_t r;

  if (!buf)
  {
    c->err = ENOMEM;
    return (LPD_INPUT_ERROR);
  }
  while (len > 0)
  {
    n = pread(fd, buf, len < COPY_BUF_SIZE ? (size_t)len : COPY_BUF_SIZE, offset);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
    {
      c->err = n < 0 ? errno : EIO;     // EOF before the announced size: the file shrank
      return (LPD_INPUT_ERROR);
    }
    if ((r = write_some(c, buf, (size_t)n, true, c->timeout_ms)) != LPD_OK)
      return (r);
    offset += n;
    len    -= (uint64_t)n;
    if (!maybe_tick(c))
      return (LPD_CANCELED);
  }
  return (LPD_OK);
}

// 'send_file_mapped()' - Send a file range to a loopback peer from 1 MiB mmap(2) windows.
//
// One copy (page cache to socket) instead of pread's two, and one send(2) per MiB: measured on
// Linux 6.18 (bench/README.md), 1 GiB from tmpfs in 0.26-0.28 s of CPU at 3.6-4.0 GB/s, against
// 0.37-0.43 s at 2.4-2.8 GB/s with pread/send 256 KiB, 0.42-0.44 s with splice through a 1 MiB
// pipe and 0.50-0.58 s with sendfile.  Smaller windows lose it (512 KiB: 0.30-0.34 s; 256 KiB:
// 0.39-0.43 s): the cost is per send(2) and per mapping.  The price is that each window's pages
// count in the RSS while they are mapped (shared page cache, not memory of ours).
//
// The kernel reads the mapping, never our code: a page gone because the file shrank makes
// send(2) fail with EFAULT instead of raising SIGBUS.  The size is checked before (a range past
// the end is refused, not padded with the zeros of the last page) and after (a file cut short
// meanwhile fails the send).  *offset and *len advance; returning LPD_OK with *len > 0 means
// the file cannot be mapped: copy the rest.
static lpd_result_t
send_file_mapped(lpd_conn_t *c, int fd, off_t *offset, uint64_t *len)
{
  struct stat  st;
  off_t        end = *offset + (off_t)*len;
  lpd_result_t r;

  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    return (LPD_OK);                    // not a plain file: pread/send
  while (*len > 0)
  {
    off_t  base = *offset & ~(off_t)(MAP_CHUNK - 1);
    size_t skip = (size_t)(*offset - base),
           want = MAP_CHUNK - skip < *len ? MAP_CHUNK - skip : (size_t)*len;
    char   *p;

    if (st.st_size < *offset + (off_t)want)
    {
      c->err = EIO;                     // shorter than announced: never send the page's zeros
      return (LPD_INPUT_ERROR);
    }
    if ((p = mmap(NULL, skip + want, PROT_READ, MAP_SHARED, fd, base)) == MAP_FAILED)
      return (LPD_OK);                  // this file cannot be mapped: pread/send
    madvise(p, skip + want, MADV_SEQUENTIAL);   // read-ahead for a file not in the page cache
    r = write_some(c, p + skip, want, true, c->timeout_ms);
    munmap(p, skip + want);
    if (r == LPD_IO_ERROR && c->err == EFAULT)
    {
      c->err = EIO;                     // a page vanished: the file shrank (or a read failed)
      return (LPD_INPUT_ERROR);
    }
    if (r != LPD_OK)
      return (r);
    *offset += (off_t)want;
    *len    -= want;
    if (!maybe_tick(c))
      return (LPD_CANCELED);
  }
  if (fstat(fd, &st) != 0 || st.st_size < end)
  {
    c->err = EIO;                       // cut short while we sent: the last page read as zeros
    return (LPD_INPUT_ERROR);
  }
  return (LPD_OK);
}

// 'lpdSendFile()' - Send len bytes of a file from offset.
//
// To a network peer with sendfile(2): the NIC takes the page cache's pages.  To a peer on this
// host, from mmap(2) windows (above): on loopback the receiver copies every byte anyway, and
// sendfile's page references cost more there than one copy.  Without zerocopy, or when neither
// applies, pread(2)/send(2).
lpd_result_t
lpdSendFile(lpd_conn_t *c, int fd, off_t offset, uint64_t len)
{
  lpd_result_t r;
  int          ready;

  c->step = LPD_STEP_DATA_SEND;
  if (c->zerocopy && c->local_peer && len > 0 &&
      ((r = send_file_mapped(c, fd, &offset, &len)) != LPD_OK || len == 0))
    return (r);
#ifdef HAVE_SENDFILE
  while (c->zerocopy && !c->local_peer && len > 0)
  {
    ssize_t n = sendfile(c->fd, fd, &offset, len < SENDFILE_CHUNK ? (size_t)len : SENDFILE_CHUNK);

    if (n > 0)
    {
      len -= (uint64_t)n;
      if (c->counter)
        atomic_fetch_add_explicit(c->counter, (uint64_t)n, memory_order_relaxed);
      if (!maybe_tick(c))
        return (LPD_CANCELED);
      continue;
    }
    if (n == 0)
    {
      c->err = EIO;                     // the file is shorter than announced
      return (LPD_INPUT_ERROR);
    }
    if (errno == EINTR)
    {
      if (canceled(c))
        return (LPD_CANCELED);
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK)
    {
      if ((r = wait_ready(c, c->fd, POLLOUT, -1, 0, c->timeout_ms, &ready)) != LPD_OK)
        return (r);
      continue;
    }
    if (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)
      break;                            // not supported for this pair: copy instead
    return (io_error(c, errno));
  }
#endif
  return (len > 0 ? send_file_copy(c, fd, offset, len) : LPD_OK);
}

// 'server_spoke()' - The server sent something (or closed) while it should be reading data.
static lpd_result_t
server_spoke(lpd_conn_t *c)
{
  unsigned char octet;
  ssize_t       n = recv(c->fd, &octet, 1, 0);

  if (n == 0)
    return (LPD_CLOSED);
  if (n < 0)
  {
    if (errno == EAGAIN || errno == EINTR)
      return (LPD_OK);
    return (io_error(c, errno));
  }
  c->code = octet ? octet : 0x100;      // even a zero octet here is out of turn
  read_nack_text(c);
  return (LPD_NACK);
}

// 'wait_stream()' - Wait for input (no limit: filters may be slow) while watching the server.
static lpd_result_t
wait_stream(lpd_conn_t *c, int infd)
{
  lpd_result_t r;
  int          ready;

  for (;;)
  {
    if ((r = wait_ready(c, infd, POLLIN, c->fd, POLLIN | POLLRDHUP, -1, &ready)) != LPD_OK)
      return (r);
    if (ready & READY_OTHER)
    {
      if ((r = server_spoke(c)) != LPD_OK)
        return (r);
    }
    if (ready & READY_MAIN)
      return (LPD_OK);
  }
}

// 'send_stream_copy()' - Copy a stream to the socket with read(2)/send(2) until EOF.
static lpd_result_t
send_stream_copy(lpd_conn_t *c, int infd)
{
  char         *buf = copy_buffer(c);
  ssize_t      n;
  lpd_result_t r;

  if (!buf)
  {
    c->err = ENOMEM;
    return (LPD_INPUT_ERROR);
  }
  for (;;)
  {
    if ((r = wait_stream(c, infd)) != LPD_OK)
      return (r);
    n = read(infd, buf, COPY_BUF_SIZE);
    if (n == 0)
      return (LPD_OK);
    if (n < 0)
    {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      c->err = errno;
      return (LPD_INPUT_ERROR);
    }
    c->input_bytes += (uint64_t)n;
    if ((r = write_some(c, buf, (size_t)n, true, c->timeout_ms)) != LPD_OK)
      return (r);
  }
}

// 'lpdSendStream()' - Send a stream until EOF with read(2)/send(2).
//
// Not splice(2), by measurement (bench/README.md): splicing a pipe into a TCP socket holds the
// pipe's lock while TCP takes the pages, which on loopback includes the receiver's softirq
// work, so the filter writing the pipe stalls meanwhile.  On Linux 6.18 with a 1 MiB pipe that
// ran at 0.75x of read/send, and at 0.85-0.9x through a private relay pipe.  One 256 KiB
// copy per chunk keeps the filter and the socket running in parallel.
lpd_result_t
lpdSendStream(lpd_conn_t *c, int infd)
{
  c->step = LPD_STEP_DATA_SEND;
  return (send_stream_copy(c, infd));
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
    return (io_error(c, errno));
  return (lpdReadAck(c));
}

// 'lpdAbortJob()' - Send the abort subcommand (section 6.1): best effort, no ack is defined.
lpd_result_t
lpdAbortJob(lpd_conn_t *c)
{
  const lpd_hooks_t *hooks = c->hooks;
  int               cancel = c->cancel_fd;
  lpd_result_t      r;

  c->step = LPD_STEP_ABORT;
  c->hooks = NULL;                      // runs on cancel paths: nothing else may interfere
  c->cancel_fd = -1;
  r = write_some(c, "\001\n", 2, false, c->timeout_ms < ABORT_WAIT_MS ? c->timeout_ms
                                                                      : ABORT_WAIT_MS);
  c->hooks = hooks;
  c->cancel_fd = cancel;
  return (r);
}

// 'lpdQuery()' - Send a queue command (3 short, 4 long, 5 remove) and read the whole reply.
//
// The reply is read until the server closes, within one timeout for the whole reply and the
// buffer's cap; only then may it be parsed.  LPD_TOO_BIG keeps what fit.
lpd_result_t
lpdQuery(lpd_conn_t *c, int command, const char *queue, const char *operands, lpr_buf_t *reply)
{
  char         line[1100], chunk[4096];
  int          n, ready;
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
    if ((r = wait_ready(c, c->fd, POLLIN, -1, 0, (int)left, &ready)) != LPD_OK)
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
      return (io_error(c, errno));
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

// 'lpdSanitize()' - Clean outside text for a control-file line, at most maxbytes long.
size_t
lpdSanitize(char *dst, size_t dstsize, const char *src, size_t maxbytes)
{
  if (dstsize > maxbytes + 1)
    dstsize = maxbytes + 1;
  return (lprTextClean(dst, dstsize, src ? src : "", src ? strlen(src) : 0));
}

// 'lpdSanitizeHost()' - A host name fit for H lines and file names: [A-Za-z0-9.-], <= 31 bytes.
void
lpdSanitizeHost(char *dst, size_t dstsize, const char *src)
{
  size_t o = 0, max = dstsize - 1 < LPD_HOST_MAX ? dstsize - 1 : LPD_HOST_MAX;

  for (; src && *src && o < max; src ++)
  {
    char ch = *src;

    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
        ch == '.' || ch == '-')
      dst[o ++] = ch;
    else if (ch == '_')
      dst[o ++] = '-';
  }
  while (o > 0 && (dst[o - 1] == '.' || dst[o - 1] == '-'))
    o --;
  dst[o] = '\0';
  if (o == 0)
    snprintf(dst, dstsize, "localhost");
}

// 'lpdFileName()' - "cfA" or "dfA", three digits, host (RFC 1179 sections 7.2 and 6.2).
bool
lpdFileName(char *buf, size_t size, char type, int jobnum, const char *host)
{
  int n = snprintf(buf, size, "%cfA%03d%s", type, ((jobnum % 1000) + 1000) % 1000, host);

  return (n > 0 && (size_t)n < size);
}

// 'lpdControlBuild()' - Build a control file (section 7): one line per card, nothing injected.
//
// Every string must already be sanitized (no control bytes); this function still refuses any
// line that would contain a newline, so a missed caller cannot inject commands.
bool
lpdControlBuild(const lpd_control_t *ctl, lpr_buf_t *out)
{
  char dfname[64];
  const char *fields[6] = { ctl->host, ctl->user, ctl->jobname, ctl->source, ctl->title,
                            ctl->banner_class };

  for (int i = 0; i < 6; i ++)
    if (fields[i] && strpbrk(fields[i], "\r\n"))
      return (false);
  if (!ctl->format || !strchr("cdfglnoprtv", ctl->format) || ctl->copies < 1 ||
      !lpdFileName(dfname, sizeof(dfname), 'd', ctl->jobnum, ctl->host))
    return (false);

  lprBufPrintf(out, "H%.31s\n", ctl->host);                    // section 7.2: H <= 31
  lprBufPrintf(out, "P%.31s\n", ctl->user);                    // P <= 31
  if (ctl->jobname && *ctl->jobname)
    lprBufPrintf(out, "J%.99s\n", ctl->jobname);               // J <= 99
  if (ctl->banner)
  {
    lprBufPrintf(out, "C%.31s\n", ctl->banner_class ? ctl->banner_class : ctl->host);
    lprBufPrintf(out, "L%.31s\n", ctl->user);
  }
  if (ctl->title && *ctl->title && ctl->format == 'p')
    lprBufPrintf(out, "T%.79s\n", ctl->title);                 // T <= 79, used by 'p' only
  for (int i = 0; i < ctl->copies; i ++)
    lprBufPrintf(out, "%c%s\n", ctl->format, dfname);
  lprBufPrintf(out, "U%s\n", dfname);
  if (ctl->source && *ctl->source)
    lprBufPrintf(out, "N%.131s\n", ctl->source);               // N <= 131
  return (!out->failed);
}
