// ref-copy.c - the reference copier: the same bytes sent straight to the LPD sink, with the
// least protocol the sink accepts.  It is the machine's limit the backends are compared with.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Usage: ref-copy [-c] [-b BYTES] [-p BYTES] HOST PORT QUEUE [FILE]
//   FILE:  receive-job, a data file with its exact count sent with sendfile(2) (-c: pread(2)
//          and send(2) through a buffer of -b BYTES), NUL, ack.
//   stdin: receive-job, a data file with count 0, stdin sent with splice(2) (-c: read(2) and
//          send(2) through a buffer of -b BYTES, default 256 KiB), half-close, final ack.
//          -p BYTES: first resize the stdin pipe (F_SETPIPE_SZ), as a backend could.
// No control file: the sink does not need one.  Exit 0 only when every ack was 0.

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPY_BUF (256 * 1024)

static bool
send_all(int fd, const void *buf, size_t len)
{
  const char *p = buf;

  while (len > 0)
  {
    ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return (false);
    p   += n;
    len -= (size_t)n;
  }
  return (true);
}

static bool
read_ack(int fd)
{
  char    c;
  ssize_t n;

  do
    n = recv(fd, &c, 1, 0);
  while (n < 0 && errno == EINTR);
  return (n == 1 && c == 0);
}

static bool
command(int fd, const char *line)
{
  return (send_all(fd, line, strlen(line)) && read_ack(fd));
}

static int
fail(const char *what)
{
  fprintf(stderr, "ref-copy: %s: %s\n", what, strerror(errno));
  return (1);
}

int
main(int argc, char *argv[])
{
  bool               copy = false;
  int                opt, fd, in = 0;
  size_t             bufsize = COPY_BUF;
  long               pipesize = 0;
  struct sockaddr_in sin;
  struct stat        st;
  char               line[512];
  unsigned long long sent = 0;

  signal(SIGPIPE, SIG_IGN);
  while ((opt = getopt(argc, argv, "cb:p:")) != -1)
  {
    if (opt == 'c')
      copy = true;
    else if (opt == 'b' && atol(optarg) > 0)
      bufsize = (size_t)atol(optarg);
    else if (opt == 'p' && atol(optarg) > 0)
      pipesize = atol(optarg);
    else
      return (2);
  }
  if (argc - optind != 3 && argc - optind != 4)
  {
    fprintf(stderr, "usage: ref-copy [-c] [-b BYTES] [-p BYTES] HOST PORT QUEUE [FILE]\n");
    return (2);
  }
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_port   = htons((uint16_t)atoi(argv[optind + 1]));
  if (inet_pton(AF_INET, argv[optind], &sin.sin_addr) != 1)
    return (2);
  if (argc - optind == 4 && ((in = open(argv[optind + 3], O_RDONLY)) < 0 || fstat(in, &st) < 0))
    return (fail(argv[optind + 3]));
  if (pipesize && in == 0 && fcntl(0, F_SETPIPE_SZ, (int)pipesize) < 0)
    return (fail("F_SETPIPE_SZ"));
  if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
      connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
    return (fail("connect"));

  snprintf(line, sizeof(line), "\002%s\n", argv[optind + 2]);
  if (!command(fd, line))
    return (fail("receive-job"));

  if (in != 0)
  {
    // A file: exact count, sendfile, NUL, ack.
    off_t off = 0;

    snprintf(line, sizeof(line), "\003%lld dfA001ref\n", (long long)st.st_size);
    if (!command(fd, line))
      return (fail("data subcommand"));
    char *buf = copy ? malloc(bufsize) : NULL;

    if (copy && !buf)
      return (fail("malloc"));
    while (off < st.st_size)
    {
      size_t  want = (size_t)(st.st_size - off);
      ssize_t n;

      if (copy)
      {
        n = pread(in, buf, want < bufsize ? want : bufsize, off);
        if (n > 0 && !send_all(fd, buf, (size_t)n))
          return (fail("send"));
        if (n > 0)
          off += n;
      }
      else
        n = sendfile(fd, in, &off, want);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return (fail(copy ? "pread" : "sendfile"));
    }
    free(buf);
    sent = (unsigned long long)off;
    if (!send_all(fd, "", 1) || !read_ack(fd))
      return (fail("end of data file"));
  }
  else
  {
    // stdin: count 0 until half-close.
    if (!command(fd, "\0030 dfA001ref\n"))
      return (fail("data subcommand"));
    if (!copy)
    {
      for (;;)
      {
        ssize_t n = splice(0, NULL, fd, NULL, 1 << 20, SPLICE_F_MOVE | SPLICE_F_MORE);

        if (n < 0 && errno == EINTR)
          continue;
        if (n < 0 && (errno == EINVAL || errno == ENOSYS))
        {
          copy = true;                  // stdin is not a pipe
          break;
        }
        if (n < 0)
          return (fail("splice"));
        if (n == 0)
          break;
        sent += (unsigned long long)n;
      }
    }
    if (copy)
    {
      char *buf = malloc(bufsize);

      if (!buf)
        return (fail("malloc"));
      for (;;)
      {
        ssize_t n = read(0, buf, bufsize);

        if (n < 0 && errno == EINTR)
          continue;
        if (n < 0)
          return (fail("read"));
        if (n == 0)
          break;
        if (!send_all(fd, buf, (size_t)n))
          return (fail("send"));
        sent += (unsigned long long)n;
      }
    }
    if (shutdown(fd, SHUT_WR) < 0 || !read_ack(fd))
      return (fail("final ack"));
  }
  close(fd);
  fprintf(stderr, "ref-copy: sent %llu bytes\n", sent);
  return (0);
}
