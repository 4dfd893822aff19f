// lpd-sink.c - a discard LPD server for the benchmark (RFC 1179 receive-job on loopback).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Usage: lpd-sink -o RESULTS -P PORTFILE [-b ADDR] [-p PORT]
//        lpd-sink -H FILE          print "BYTES HASH" of a file (the same checksum)
//
// It acknowledges everything.  Data files are read with their exact count, or with count 0
// until the client half-closes (then a final ack).  A client that announces more than it
// sends and closes (the CUPS lpd backend in stream mode sends a fake count of 999999999999,
// no trailing NUL, and never reads the last ack) is counted up to the close.  The bytes are
// discarded, counted and checksummed (fnv4.h).  Each connection is served by its own child,
// which appends one line per job to RESULTS with a single write(2):
//
//   queue=Q bytes=N hash=H first_ns=T end_ns=T close_ns=T count=C files=N ctl=N flags=F
//
// first_ns is CLOCK_REALTIME when the first data byte arrived, end_ns when the last one (or
// the end of the data) did, close_ns when the connection ended.  flags: "ok" (ended with its
// NUL or half-close and was acknowledged), "stream" (count 0), "short" (closed before the
// count), "nonul" (closed where the NUL was due), "abort", "badterm", "error".
// Queue queries (3, 4) get "no entries"; remove (5) and print-waiting (1) are just closed.

#define _GNU_SOURCE
#include "fnv4.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BUF_SIZE (256 * 1024)           // one recv(2); stays in L2 for the checksum
#define LINE_MAX_LEN 2048

typedef struct reader_s
{
  int     fd;
  uint8_t *buf;
  size_t  pos, len;
} reader_t;

typedef struct job_s
{
  char     queue[256];
  uint64_t bytes;
  fnv4_t   hash;
  int64_t  first_ns, end_ns, count;
  int      files, ctl;
  char     flags[128];
} job_t;

static int64_t
real_ns(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_REALTIME, &ts);
  return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

static void
add_flag(job_t *j, const char *f)
{
  if (strstr(j->flags, f))
    return;
  if (j->flags[0])
    strncat(j->flags, ",", sizeof(j->flags) - strlen(j->flags) - 1);
  strncat(j->flags, f, sizeof(j->flags) - strlen(j->flags) - 1);
}

// 'fill()' - Read more into the buffer; returns bytes read, 0 at EOF, -1 on error.
static ssize_t
fill(reader_t *r)
{
  ssize_t n;

  if (r->pos > 0 && r->pos == r->len)
    r->pos = r->len = 0;
  if (r->len == BUF_SIZE)
  {
    memmove(r->buf, r->buf + r->pos, r->len - r->pos);
    r->len -= r->pos;
    r->pos = 0;
  }
  do
    n = recv(r->fd, r->buf + r->len, BUF_SIZE - r->len, 0);
  while (n < 0 && errno == EINTR);
  if (n > 0)
    r->len += (size_t)n;
  return (n);
}

// 'read_line()' - One command line without its newline; false at EOF or error.
static bool
read_line(reader_t *r, char *line, size_t size)
{
  for (;;)
  {
    uint8_t *nl = memchr(r->buf + r->pos, '\n', r->len - r->pos);

    if (nl)
    {
      size_t n = (size_t)(nl - (r->buf + r->pos));

      if (n >= size)
        n = size - 1;
      memcpy(line, r->buf + r->pos, n);
      line[n] = '\0';
      r->pos = (size_t)(nl - r->buf) + 1;
      return (true);
    }
    if (r->len - r->pos >= LINE_MAX_LEN)
      return (false);
    if (fill(r) <= 0)
      return (false);
  }
}

// 'read_byte()' - One octet; -1 at EOF or error.
static int
read_byte(reader_t *r)
{
  if (r->pos == r->len && fill(r) <= 0)
    return (-1);
  return (r->buf[r->pos ++]);
}

static void
ack(int fd)
{
  ssize_t n = send(fd, "", 1, MSG_NOSIGNAL);

  (void)n;
}

// 'take()' - Count and checksum data bytes.
static void
take(job_t *j, const uint8_t *p, size_t n)
{
  if (!n)
    return;
  if (j->first_ns == 0)
    j->first_ns = real_ns();
  fnv4_update(&j->hash, p, n);
  j->bytes += n;
}

// 'read_data()' - A data file of count bytes (0: until EOF).  Returns true if it ended at
// the count, false at EOF (or error).
static bool
read_data(reader_t *r, job_t *j, uint64_t count)
{
  uint64_t left = count ? count : UINT64_MAX;
  size_t   n;
  ssize_t  got;

  // Bytes already buffered behind the subcommand line.
  n = r->len - r->pos;
  if (n > left)
    n = (size_t)left;
  take(j, r->buf + r->pos, n);
  r->pos += n;
  left   -= n;
  r->pos = r->len = 0;
  while (left > 0)
  {
    size_t want = left < BUF_SIZE ? (size_t)left : BUF_SIZE;

    got = recv(r->fd, r->buf, want, 0);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
    {
      if (got < 0)
        add_flag(j, "error");
      j->end_ns = real_ns();
      return (false);
    }
    take(j, r->buf, (size_t)got);
    left -= (uint64_t)got;
  }
  j->end_ns = real_ns();
  return (true);
}

// 'skip_file()' - A control file: count bytes discarded.
static bool
skip_file(reader_t *r, uint64_t count)
{
  while (count > 0)
  {
    size_t n = r->len - r->pos;

    if (n == 0)
    {
      if (fill(r) <= 0)
        return (false);
      continue;
    }
    if (n > count)
      n = (size_t)count;
    r->pos += n;
    count  -= n;
  }
  return (true);
}

// 'receive_job()' - Subcommands until the client closes.
static void
receive_job(reader_t *r, job_t *j)
{
  char line[LINE_MAX_LEN];

  ack(r->fd);
  while (read_line(r, line, sizeof(line)))
  {
    char               *end;
    unsigned long long count;

    if (line[0] == 1)
    {
      add_flag(j, "abort");
      ack(r->fd);
      continue;
    }
    if (line[0] != 2 && line[0] != 3)
    {
      add_flag(j, "badcmd");
      return;
    }
    count = strtoull(line + 1, &end, 10);
    ack(r->fd);
    if (line[0] == 2)
    {
      j->ctl ++;
      if (!skip_file(r, count) || read_byte(r) != 0)
      {
        add_flag(j, "ctlshort");
        return;
      }
      ack(r->fd);
      continue;
    }
    j->files ++;
    j->count = (int64_t)count;
    if (count == 0)
    {
      add_flag(j, "stream");
      read_data(r, j, 0);
      add_flag(j, "ok");
      ack(r->fd);                       // the final ack after the half-close
      return;
    }
    if (!read_data(r, j, count))
    {
      add_flag(j, "short");
      return;
    }
    int c = read_byte(r);

    if (c < 0)
    {
      add_flag(j, "nonul");
      return;
    }
    if (c != 0)
    {
      add_flag(j, "badterm");
      return;
    }
    add_flag(j, "ok");
    ack(r->fd);
  }
}

// 'serve()' - One connection (in its own process).
static void
serve(int fd, int out)
{
  reader_t r = { fd, NULL, 0, 0 };
  job_t    j;
  char     line[LINE_MAX_LEN], rec[1024];
  int      n;

  memset(&j, 0, sizeof(j));
  fnv4_init(&j.hash);
  j.count = -1;
  if ((r.buf = malloc(BUF_SIZE)) == NULL)
    return;
  if (!read_line(&r, line, sizeof(line)) || line[0] < 1 || line[0] > 5)
    return;
  snprintf(j.queue, sizeof(j.queue), "%.255s", line + 1);
  if (strchr(j.queue, ' '))
    *strchr(j.queue, ' ') = '\0';
  switch (line[0])
  {
    case 2 :
        receive_job(&r, &j);
        break;
    case 3 :
    case 4 :
        if (send(fd, "no entries\n", 11, MSG_NOSIGNAL) < 0)
          break;
        return;
    default :
        return;
  }
  if (!j.flags[0])
    add_flag(&j, "none");
  n = snprintf(rec, sizeof(rec), "queue=%s bytes=%" PRIu64 " hash=%016" PRIx64 " first_ns=%"
               PRId64 " end_ns=%" PRId64 " close_ns=%" PRId64 " count=%" PRId64
               " files=%d ctl=%d flags=%s\n", j.queue, j.bytes, fnv4_final(&j.hash),
               j.first_ns, j.end_ns, real_ns(), j.count, j.files, j.ctl, j.flags);
  if (n > 0 && write(out, rec, (size_t)n) < 0)
    perror("lpd-sink: results");
}

// 'hash_file()' - Print the byte count and checksum of a file.
static int
hash_file(const char *path)
{
  struct stat st;
  fnv4_t      h;
  int         fd = open(path, O_RDONLY);
  void        *map;

  if (fd < 0 || fstat(fd, &st) < 0)
  {
    perror(path);
    return (1);
  }
  fnv4_init(&h);
  if (st.st_size > 0)
  {
    if ((map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0)) == MAP_FAILED)
    {
      perror(path);
      return (1);
    }
    madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
    fnv4_update(&h, map, (size_t)st.st_size);
  }
  printf("%lld %016" PRIx64 "\n", (long long)st.st_size, fnv4_final(&h));
  return (0);
}

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
  (void)sig;
  stop = 1;
}

int
main(int argc, char *argv[])
{
  const char         *results = NULL, *portfile = NULL, *bind_addr = "127.0.0.1";
  int                port = 0, opt, lfd, out, one = 1;
  struct sockaddr_in sin;
  socklen_t          slen = sizeof(sin);
  struct sigaction   sa;

  while ((opt = getopt(argc, argv, "o:P:b:p:H:")) != -1)
  {
    switch (opt)
    {
      case 'o' : results = optarg; break;
      case 'P' : portfile = optarg; break;
      case 'b' : bind_addr = optarg; break;
      case 'p' : port = atoi(optarg); break;
      case 'H' : return (hash_file(optarg));
      default :
          fprintf(stderr, "usage: lpd-sink -o RESULTS -P PORTFILE [-b ADDR] [-p PORT] | -H FILE\n");
          return (2);
    }
  }
  if (!results || !portfile)
  {
    fprintf(stderr, "lpd-sink: -o and -P are required\n");
    return (2);
  }
  if ((out = open(results, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0)
  {
    perror(results);
    return (1);
  }

  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_port   = htons((uint16_t)port);
  if (inet_pton(AF_INET, bind_addr, &sin.sin_addr) != 1)
  {
    fprintf(stderr, "lpd-sink: bad address %s\n", bind_addr);
    return (2);
  }
  if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
      setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
      bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(lfd, 64) < 0 ||
      getsockname(lfd, (struct sockaddr *)&sin, &slen) < 0)
  {
    perror("lpd-sink: listen");
    return (1);
  }

  {
    char tmp[4096];
    FILE *fp;

    snprintf(tmp, sizeof(tmp), "%s.tmp", portfile);
    if ((fp = fopen(tmp, "w")) == NULL || fprintf(fp, "%d\n", ntohs(sin.sin_port)) < 0 ||
        fclose(fp) != 0 || rename(tmp, portfile) < 0)
    {
      perror(portfile);
      return (1);
    }
  }

  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &sa, NULL);
  sa.sa_flags = SA_NOCLDWAIT;
  sigaction(SIGCHLD, &sa, NULL);        // children reap themselves
  sa.sa_flags = 0;
  sa.sa_handler = on_term;              // no SA_RESTART: accept() returns EINTR
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);

  while (!stop)
  {
    int   cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    pid_t pid;

    if (cfd < 0)
    {
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      perror("lpd-sink: accept");
      return (1);
    }
    if ((pid = fork()) == 0)
    {
      close(lfd);
      sa.sa_handler = SIG_DFL;
      sigaction(SIGTERM, &sa, NULL);
      sigaction(SIGINT, &sa, NULL);
      serve(cfd, out);
      _exit(0);
    }
    if (pid < 0)
      perror("lpd-sink: fork");
    close(cfd);
  }
  return (0);
}
