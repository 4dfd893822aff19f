// lpd-net.c - resolve a printer's host and connect to it through the job's loop: timeouts,
//             cancel, reserved source ports (no CUPS calls).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "lpd-net.h"
#include "status.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// A resolution runs in its own thread, so that a cancel or a timeout never waits for the
// resolver, and the loop serves its inputs meanwhile.  Whoever finishes last (the waiter or the
// thread) frees the shared state.
typedef struct resolve_s
{
  atomic_int     refs;
  int            pipefd[2];
  lpd_resolver_t fn;
  char           host[256];
  int            port;
  lpd_addr_t     *list;
} resolve_t;

// 'lpdAddrNew()' - One list entry holding a copy of sa.
lpd_addr_t *
lpdAddrNew(const struct sockaddr *sa, socklen_t len)
{
  lpd_addr_t *a;

  if (len > sizeof(a->ss) || (a = calloc(1, sizeof(*a))) == NULL)
    return (NULL);
  memcpy(&a->ss, sa, len);
  a->len = len;
  return (a);
}

// 'lpdAddrFree()' - Free a whole list.
void
lpdAddrFree(lpd_addr_t *list)
{
  while (list)
  {
    lpd_addr_t *next = list->next;

    free(list);
    list = next;
  }
}

// 'lpdAddrName()' - "host:port" for messages, IPv6 in brackets.
void
lpdAddrName(const lpd_addr_t *addr, char *buf, size_t size)
{
  char name[INET6_ADDRSTRLEN] = "?";

  if (addr->ss.ss_family == AF_INET6)
  {
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&addr->ss;

    inet_ntop(AF_INET6, &s6->sin6_addr, name, sizeof(name));
    snprintf(buf, size, "[%s]:%d", name, ntohs(s6->sin6_port));
  }
  else
  {
    const struct sockaddr_in *s4 = (const struct sockaddr_in *)&addr->ss;

    inet_ntop(AF_INET, &s4->sin_addr, name, sizeof(name));
    snprintf(buf, size, "%s:%d", name, ntohs(s4->sin_port));
  }
}

// 'bare_host()' - host without the brackets of an IPv6 literal.
static void
bare_host(const char *host, char *bare, size_t size)
{
  size_t len = strlen(host);

  if (len > 2 && host[0] == '[' && host[len - 1] == ']' && len - 2 < size)
  {
    memcpy(bare, host + 1, len - 2);
    bare[len - 2] = '\0';
  }
  else
    snprintf(bare, size, "%s", host);
}

// 'lpdResolveDefault()' - Every TCP address of host:port with getaddrinfo(3), in its order.
lpd_addr_t *
lpdResolveDefault(const char *host, int port)
{
  struct addrinfo hints, *ai = NULL;
  lpd_addr_t      *head = NULL, **tail = &head;
  char            bare[256], service[16];

  bare_host(host, bare, sizeof(bare));
  snprintf(service, sizeof(service), "%d", port);   // 0-65535: always fits
  memset(&hints, 0, sizeof(hints));
  hints.ai_family   = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(bare, service, &hints, &ai) != 0)
    return (NULL);
  for (struct addrinfo *p = ai; p; p = p->ai_next)
    if ((*tail = lpdAddrNew(p->ai_addr, p->ai_addrlen)) != NULL)
      tail = &(*tail)->next;
  freeaddrinfo(ai);
  return (head);
}

// 'resolve_unref()' - Drop one reference; the last one frees everything.
static void
resolve_unref(resolve_t *r)
{
  if (atomic_fetch_sub(&r->refs, 1) == 1)
  {
    lpdAddrFree(r->list);
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

  r->list = r->fn(r->host, r->port);
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
  char          bare[256];

  bare_host(host, bare, sizeof(bare));
  return (inet_pton(AF_INET, bare, addr) == 1 || inet_pton(AF_INET6, bare, addr) == 1);
}

// 'start_thread()' - Run the lookup in its own (joinable) thread; false if none could start.
static bool
start_thread(resolve_t *r, pthread_t *tid)
{
  atomic_store(&r->refs, 2);
  if (pthread_create(tid, NULL, resolve_thread, r) == 0)
    return (true);
  atomic_store(&r->refs, 1);
  return (false);
}

// 'lpdResolve()' - All addresses of host:port; the loop serves its inputs while the resolver
//                  works in a helper thread, and a cancel or the timeout ends the wait at once.
lpd_net_result_t
lpdResolve(lpd_loop_t *loop, lpd_resolver_t fn, const char *host, int port, int timeout_ms,
           lpd_addr_t **list)
{
  resolve_t     *r;
  struct pollfd p;
  lpd_wait_t    w;
  pthread_t     tid;

  *list = NULL;
  if (!fn)
    fn = lpdResolveDefault;
  if (is_address(host))
  {
    // An address literal is parsed, never looked up, so it cannot block: no thread, whose
    // stack pages and malloc arena would stay in the process for the whole job.
    *list = fn(host, port);
    return (*list ? LPD_NET_OK : LPD_NET_NO_NAME);
  }
  if ((r = calloc(1, sizeof(*r))) == NULL)
    return (LPD_NET_ERROR);
  if (pipe2(r->pipefd, O_CLOEXEC) < 0)
  {
    free(r);
    return (LPD_NET_ERROR);
  }
  snprintf(r->host, sizeof(r->host), "%s", host);
  r->port = port;
  r->fn   = fn;
  if (!start_thread(r, &tid))
  {
    resolve_unref(r);
    return (LPD_NET_ERROR);
  }
  p.fd     = r->pipefd[0];
  p.events = POLLIN;
  w = lpdLoopWait(loop, &p, 1, timeout_ms);
  if (w == LPD_WAIT_READY)
  {
    // The thread has answered and is on its way out: wait for it, so that no thread of ours
    // is left running when the job ends (LeakSanitizer complains about such threads at exit).
    pthread_join(tid, NULL);
    *list = r->list;
    r->list = NULL;
  }
  else
    pthread_detach(tid);                // still in the resolver: it frees what it holds
  resolve_unref(r);
  if (w == LPD_WAIT_READY)
    return (*list ? LPD_NET_OK : LPD_NET_NO_NAME);
  return (w == LPD_WAIT_CANCELED ? LPD_NET_CANCELED : w == LPD_WAIT_TIMEOUT ? LPD_NET_TIMEOUT
                                                                            : LPD_NET_ERROR);
}

// 'bind_reserved()' - Bind a reserved source port in [min, max], starting at a rotating place.
static bool
bind_reserved(int fd, int family, int min, int max, int *lport)
{
  static int              next;
  struct sockaddr_storage ss;
  int                     span = max - min + 1;

  if (next == 0)
    next = (int)(getpid() % span);
  for (int i = 0; i < span; i ++)
  {
    int       port = min + (next + i) % span;
    socklen_t len;

    memset(&ss, 0, sizeof(ss));
    if (family == AF_INET6)
    {
      ((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
      ((struct sockaddr_in6 *)&ss)->sin6_port   = htons((unsigned short)port);
      len = sizeof(struct sockaddr_in6);
    }
    else
    {
      ((struct sockaddr_in *)&ss)->sin_family = AF_INET;
      ((struct sockaddr_in *)&ss)->sin_port   = htons((unsigned short)port);
      len = sizeof(struct sockaddr_in);
    }
    if (bind(fd, (struct sockaddr *)&ss, len) == 0)
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
static lpd_net_result_t
classify(int err)
{
  switch (err)
  {
    case ECONNREFUSED :
        return (LPD_NET_REFUSED);
    case EHOSTUNREACH :
    case ENETUNREACH :
    case EHOSTDOWN :
    case ENETDOWN :
        return (LPD_NET_UNREACHABLE);
    case ETIMEDOUT :
        return (LPD_NET_TIMEOUT);
    default :
        return (LPD_NET_ERROR);
  }
}

// 'try_connect()' - One non-blocking connect, waited for through the loop.
static lpd_net_result_t
try_connect(lpd_loop_t *loop, int fd, const lpd_addr_t *addr, int timeout_ms, int *err)
{
  struct pollfd p = { fd, POLLOUT, 0 };
  socklen_t     len = sizeof(*err);
  lpd_wait_t    w;

  if (connect(fd, (const struct sockaddr *)&addr->ss, addr->len) == 0)
    return (LPD_NET_OK);
  if (errno != EINPROGRESS)
  {
    *err = errno;
    return (classify(errno));
  }
  if ((w = lpdLoopWait(loop, &p, 1, timeout_ms)) == LPD_WAIT_CANCELED)
    return (LPD_NET_CANCELED);
  if (w != LPD_WAIT_READY)
  {
    *err = w == LPD_WAIT_TIMEOUT ? ETIMEDOUT : errno;
    return (w == LPD_WAIT_TIMEOUT ? LPD_NET_TIMEOUT : LPD_NET_ERROR);
  }
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &len) < 0)
    *err = errno;
  return (*err ? classify(*err) : LPD_NET_OK);
}

// 'reserve_port()' - Bind the socket to a reserved source port when asked and allowed.
//
// Allowed means root or CAP_NET_BIND_SERVICE (privs.c keeps it after dropping root): the bind
// itself tells, so a process with the capability but not uid 0 still gets its reserved port.
static void
reserve_port(int s, int family, lpd_reserve_t reserve, bool first, int *lport)
{
  if (reserve == LPD_RESERVE_NONE)
    return;
  if (bind_reserved(s, family, reserve == LPD_RESERVE_RFC1179 ? 721 : 512,
                    reserve == LPD_RESERVE_RFC1179 ? 731 : 1023, lport))
    return;
  if (errno == EACCES || errno == EPERM)
  {
    if (first)
      lprStatus("DEBUG", "No privilege to bind a reserved port: using an ordinary source port "
                "(reserve=%s asked for a reserved one)",
                reserve == LPD_RESERVE_RFC1179 ? "rfc1179" : "any");
  }
  else
    lprStatus("DEBUG", "No reserved source port free (%s): using an ordinary one",
              strerror(errno));
}

// 'lpdConnect()' - Connect to one address, from a reserved port when asked and allowed.
//
// A reserved port needs root; when none is free (or we are not root) an ordinary port is used
// and a DEBUG line says so.  *lport is the source port bound, or 0.
lpd_net_result_t
lpdConnect(lpd_loop_t *loop, const lpd_addr_t *addr, lpd_reserve_t reserve, int timeout_ms,
           int *fd, int *lport, int *err)
{
  int              s;
  lpd_net_result_t r = LPD_NET_ERROR;

  *fd = -1;
  *err = 0;
  // A reserved port that is in TIME_WAIT towards this server fails at connect: try others.
  for (int tries = 0; tries < 8; tries ++)
  {
    if ((s = socket(addr->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
    {
      *err = errno;
      return (LPD_NET_ERROR);
    }
    *lport = 0;
    reserve_port(s, addr->ss.ss_family, reserve, tries == 0, lport);
    r = try_connect(loop, s, addr, timeout_ms, err);
    if (r == LPD_NET_OK)
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
