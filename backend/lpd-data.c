// lpd-data.c - the data engines of an RFC 1179 connection: job data from memory, from a file
//               (mmap windows, sendfile or pread/send) and from a stream (no CUPS calls).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "lpd-conn-private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef HAVE_SYS_SENDFILE_H
#  include <sys/sendfile.h>
#endif

#define MAP_CHUNK       (1024 * 1024)   // mapped send to a loopback peer: window and send(2)
#define SENDFILE_CHUNK  (1 << 30)

// 'lpdSendBuffer()' - Send job data from memory.
lpd_result_t
lpdSendBuffer(lpd_conn_t *c, const void *buf, size_t len)
{
  c->step = LPD_STEP_DATA_SEND;
  return (lpdConnWrite(c, buf, len, true, c->timeout_ms));
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
    if (!c->copybuf)
      c->err = ENOMEM;                  // the caller fails with LPD_INPUT_ERROR
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
    return (LPD_INPUT_ERROR);
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
    if ((r = lpdConnWrite(c, buf, (size_t)n, true, c->timeout_ms)) != LPD_OK)
      return (r);
    offset += n;
    len    -= (uint64_t)n;
    if (!lpdLoopService(c->loop))
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
    r = lpdConnWrite(c, p + skip, want, true, c->timeout_ms);
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
    if (!lpdLoopService(c->loop))
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
// host, pread(2)/send(2): on loopback the receiver copies every byte anyway, sendfile's page
// references cost more there than one copy, and the mmap(2) windows above, the fastest on one
// host, cost 2-3 times pread's CPU on another where page-table updates are dear (1 GiB: 0.83-0.87
// s against 0.34-0.41 s, bench/README.md); they stay as an opt-in (mmap_local).  Without
// zerocopy, pread(2)/send(2) always.
lpd_result_t
lpdSendFile(lpd_conn_t *c, int fd, off_t offset, uint64_t len)
{
  lpd_result_t r;

  c->step = LPD_STEP_DATA_SEND;
  if (c->zerocopy && c->local_peer && c->mmap_local && len > 0 &&
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
      if (!lpdLoopService(c->loop))
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
      if (lpdLoopCanceled(c->loop))
        return (LPD_CANCELED);
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK)
    {
      struct pollfd p = { c->fd, POLLOUT, 0 };

      if ((r = lpdConnWaitFds(c, &p, 1, c->timeout_ms)) != LPD_OK)
        return (r);
      continue;
    }
    if (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)
      break;                            // not supported for this pair: copy instead
    return (lpdConnIoError(c, errno));
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
    return (lpdConnIoError(c, errno));
  }
  c->code = octet ? octet : 0x100;      // even a zero octet here is out of turn
  lpdConnReadText(c);
  return (LPD_NACK);
}


// 'wait_stream()' - Wait for input (no limit: filters may be slow) while watching the server.
static lpd_result_t
wait_stream(lpd_conn_t *c, int infd)
{
  lpd_result_t  r;
  struct pollfd p[2];

  for (;;)
  {
    p[0].fd     = infd;
    p[0].events = POLLIN;
    p[1].fd     = c->fd;
    p[1].events = POLLIN | POLLRDHUP;
    if ((r = lpdConnWaitFds(c, p, 2, -1)) != LPD_OK)
      return (r);
    if (p[1].revents && (r = server_spoke(c)) != LPD_OK)
      return (r);
    if (p[0].revents)
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
    return (LPD_INPUT_ERROR);
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
    if ((r = lpdConnWrite(c, buf, (size_t)n, true, c->timeout_ms)) != LPD_OK)
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
