// net.c - resolve a printer's host and connect to it: timeouts, cancel, reserved source ports.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "net.h"
#include "privs.h"
#include "status.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

// A resolution runs in its own thread, so that a cancel or a timeout never waits for the
// resolver.  Whoever finishes last (the waiter or the thread) frees the shared state.
typedef struct resolve_s
{
  atomic_int      refs;
  int             pipefd[2];
  char            host[256];
  char            service[16];
  http_addrlist_t *list;
} resolve_t;

// 'resolve_unref()' - Drop one reference; the last one frees everything.
static void
resolve_unref(resolve_t *r)
{
  if (atomic_fetch_sub(&r->refs, 1) == 1)
  {
    if (r->list)
      httpAddrFreeList(r->list);
    close(r->pipefd[0]);
    close(r->pipefd[1]);
    free(r);
  }
}

// 'resolve_thread()' - Look the name up and say so through the pipe.
static void *
resolve_thread(void *arg)
{
  resolve_t *r = arg;
  ssize_t   n;

  r->list = httpAddrGetList(r->host, AF_UNSPEC, r->service);
  do
    n = write(r->pipefd[1], "x", 1);
  while (n < 0 && errno == EINTR);
  resolve_unref(r);
  return (NULL);
}

// 'is_address()' - Whether host is an IPv4 or IPv6 address literal (bracketed or not).
static bool
is_address(const char *host)
{
  unsigned char addr[16];
  char          bare[INET6_ADDRSTRLEN];
  size_t        len = strlen(host);

  if (len > 2 && host[0] == '[' && host[len - 1] == ']' && len - 2 < sizeof(bare))
  {
    memcpy(bare, host + 1, len - 2);
    bare[len - 2] = '\0';
    host = bare;
  }
  return (inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1);
}

// 'lprResolve()' - All addresses of host:port, in the resolver's order; cancel and timeout aware.
lpr_net_result_t
lprResolve(const char *host, int port, int cancel_fd, int timeout_ms, http_addrlist_t **list)
{
  resolve_t      *r;
  pthread_t      tid;
  pthread_attr_t attr;
  struct pollfd  p[2];
  int            n;
  char           service[16];

  *list = NULL;
  if (is_address(host))
  {
    // An address literal is parsed, never looked up, so it cannot block: no thread, whose
    // stack pages and malloc arena would stay in the process for the whole job.
    snprintf(service, sizeof(service), "%d", port);
    *list = httpAddrGetList(host, AF_UNSPEC, service);
    return (*list ? LPR_NET_OK : LPR_NET_NO_NAME);
  }
  if ((r = calloc(1, sizeof(*r))) == NULL)
    return (LPR_NET_ERROR);
  if (pipe2(r->pipefd, O_CLOEXEC) < 0)
  {
    free(r);
    return (LPR_NET_ERROR);
  }
  snprintf(r->host, sizeof(r->host), "%s", host);
  snprintf(r->service, sizeof(r->service), "%d", port);
  atomic_store(&r->refs, 2);
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  if (pthread_create(&tid, &attr, resolve_thread, r) != 0)
  {
    pthread_attr_destroy(&attr);
    atomic_store(&r->refs, 1);
    resolve_unref(r);
    return (LPR_NET_ERROR);
  }
  pthread_attr_destroy(&attr);

  p[0].fd = r->pipefd[0];
  p[0].events = POLLIN;
  p[1].fd = cancel_fd;
  p[1].events = POLLIN;
  for (;;)
  {
    p[0].revents = p[1].revents = 0;
    n = poll(p, cancel_fd >= 0 ? 2 : 1, timeout_ms);
    if (n < 0 && errno == EINTR)
      continue;
    break;
  }
  if (n > 0 && p[1].revents)
  {
    resolve_unref(r);
    return (LPR_NET_CANCELED);
  }
  if (n <= 0)
  {
    resolve_unref(r);
    return (LPR_NET_TIMEOUT);
  }
  *list = r->list;
  r->list = NULL;
  resolve_unref(r);
  return (*list ? LPR_NET_OK : LPR_NET_NO_NAME);
}

// 'lprAddrName()' - "host:port" for messages, IPv6 in brackets.
void
lprAddrName(const http_addr_t *addr, char *buf, size_t size)
{
  char name[256];

  httpAddrString(addr, name, sizeof(name));
  if (httpAddrFamily((http_addr_t *)addr) == AF_INET6)
    snprintf(buf, size, "[%s]:%d", name, httpAddrPort((http_addr_t *)addr));
  else
    snprintf(buf, size, "%s:%d", name, httpAddrPort((http_addr_t *)addr));
}

// 'bind_reserved()' - Bind a reserved source port in [min, max], starting at a rotating place.
static bool
bind_reserved(int fd, int family, int min, int max, int *lport)
{
  static int          next;
  struct sockaddr_in6 a6;
  struct sockaddr_in  a4;
  int                 span = max - min + 1;

  if (next == 0)
    next = (int)(getpid() % span);
  for (int i = 0; i < span; i ++)
  {
    int port = min + (next + i) % span, rc;

    if (family == AF_INET6)
    {
      memset(&a6, 0, sizeof(a6));
      a6.sin6_family = AF_INET6;
      a6.sin6_port   = htons((unsigned short)port);
      rc = bind(fd, (struct sockaddr *)&a6, sizeof(a6));
    }
    else
    {
      memset(&a4, 0, sizeof(a4));
      a4.sin_family = AF_INET;
      a4.sin_port   = htons((unsigned short)port);
      rc = bind(fd, (struct sockaddr *)&a4, sizeof(a4));
    }
    if (rc == 0)
    {
      next = (next + i + 1) % span;
      *lport = port;
      return (true);
    }
    if (errno != EADDRINUSE)
      return (false);
  }
  return (false);
}

// 'classify()' - Map a connect errno to a result.
static lpr_net_result_t
classify(int err)
{
  switch (err)
  {
    case ECONNREFUSED :
        return (LPR_NET_REFUSED);
    case EHOSTUNREACH :
    case ENETUNREACH :
    case EHOSTDOWN :
    case ENETDOWN :
        return (LPR_NET_UNREACHABLE);
    case ETIMEDOUT :
        return (LPR_NET_TIMEOUT);
    default :
        return (LPR_NET_ERROR);
  }
}

// 'try_connect()' - One non-blocking connect, waited for with a timeout and the cancel fd.
static lpr_net_result_t
try_connect(int fd, const http_addr_t *addr, int timeout_ms, int cancel_fd, int *err)
{
  struct pollfd p[2];
  socklen_t     len = sizeof(*err);
  int           n;

  if (connect(fd, (const struct sockaddr *)addr, (socklen_t)httpAddrLength(addr)) == 0)
    return (LPR_NET_OK);
  if (errno != EINPROGRESS)
  {
    *err = errno;
    return (classify(errno));
  }
  p[0].fd = fd;
  p[0].events = POLLOUT;
  p[1].fd = cancel_fd;
  p[1].events = POLLIN;
  do
  {
    p[0].revents = p[1].revents = 0;
    n = poll(p, cancel_fd >= 0 ? 2 : 1, timeout_ms);
  }
  while (n < 0 && errno == EINTR);
  if (n > 0 && p[1].revents)
    return (LPR_NET_CANCELED);
  if (n == 0)
  {
    *err = ETIMEDOUT;
    return (LPR_NET_TIMEOUT);
  }
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &len) < 0)
    *err = errno;
  return (*err ? classify(*err) : LPR_NET_OK);
}

// 'lprConnect()' - Connect to one address, from a reserved port when asked and allowed.
//
// A reserved port needs CAP_NET_BIND_SERVICE (privs.c keeps it when root gave it); when none is
// free, or we lack it, an ordinary port is used and a DEBUG line says so.  *lport is the source
// port bound, or 0.
lpr_net_result_t
lprConnect(const http_addr_t *addr, lpr_reserve_t reserve, int timeout_ms, int cancel_fd,
           int *fd, int *lport, int *err)
{
  int              family = httpAddrFamily((http_addr_t *)addr), s, tries;
  lpr_net_result_t r;

  *fd = -1;
  *lport = 0;
  *err = 0;
  // A reserved port that is in TIME_WAIT towards this server fails at connect: try others.
  for (tries = 0; tries < 8; tries ++)
  {
    if ((s = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
    {
      *err = errno;
      return (LPR_NET_ERROR);
    }
    *lport = 0;
    if (reserve != LPR_RESERVE_NONE)
    {
      if (!lprPrivsCanBindReserved())
      {
        if (tries == 0)
          lprStatus("DEBUG", "No privilege to bind a reserved port: using an ordinary source "
                    "port (reserve=%s asked for a reserved one)",
                    reserve == LPR_RESERVE_RFC1179 ? "rfc1179" : "any");
      }
      else if (!bind_reserved(s, family, reserve == LPR_RESERVE_RFC1179 ? 721 : 512,
                              reserve == LPR_RESERVE_RFC1179 ? 731 : 1023, lport))
        lprStatus("DEBUG", "No reserved source port free (%s): using an ordinary one",
                  strerror(errno));
    }
    r = try_connect(s, addr, timeout_ms, cancel_fd, err);
    if (r == LPR_NET_OK)
    {
      *fd = s;
      return (r);
    }
    close(s);
    if (!(*lport && (*err == EADDRINUSE || *err == EADDRNOTAVAIL)))
      return (r);
  }
  return (r);
}
