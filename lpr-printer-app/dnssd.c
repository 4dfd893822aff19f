// dnssd.c - the LPD queues that announce themselves with DNS-SD (_printer._tcp), as lpr: URIs
//           for the Add LPD Printer page.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Asks the system's Avahi daemon through avahi-browse(1) (resolve, parsable output, terminate
// when the cache is listed), bounded by a timeout.  No Avahi (no daemon, no avahi-utils): an
// empty list, and the page says to type the URI.  Each service becomes
// lpr://HOST:PORT/QUEUE with the queue from the TXT record's "rp" key (Bonjour Printing
// Specification 1.2, section 9.2.1); services without "rp" are left out.

#include "config.h"
#include "app.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define AVAHI_BROWSE "/usr/bin/avahi-browse"

// 'unescape()' - avahi-browse's \DDD escapes (decimal) in a name, in place.
static void
unescape(char *s)
{
  char *out = s;

  while (*s)
  {
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9' && s[3] >= '0'
        && s[3] <= '9')
    {
      int v = (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');

      *out ++ = (char)(v > 0 && v < 256 ? v : '?');
      s += 4;
    }
    else
      *out ++ = *s ++;
  }
  *out = '\0';
}

// 'txt_rp()' - The "rp" value of a TXT field ("rp=queue" "txtvers=1"), or false.
static bool
txt_rp(const char *txt, char *rp, size_t size)
{
  const char *p = strstr(txt, "\"rp=");
  size_t     len;

  if (!p)
    return (false);
  p += 4;
  len = strcspn(p, "\"");
  if (len == 0 || len >= size)
    return (false);
  memcpy(rp, p, len);
  rp[len] = '\0';
  return (true);
}

// 'parse_line()' - One "=;if;proto;name;type;domain;host;addr;port;txt" line into a service.
static bool
parse_line(char *line, lpra_service_t *svc)
{
  char *f[10], *p = line, rp[256], qenc[768];
  int  n = 0, port;

  if (line[0] != '=')
    return (false);
  while (n < 10 && p)
  {
    f[n ++] = p;
    if ((p = strchr(p, ';')) != NULL)
      *p ++ = '\0';
  }
  if (n < 10 || !lprParseInt(f[8], 1, 65535, &port) || !txt_rp(f[9], rp, sizeof(rp)))
    return (false);
  unescape(f[3]);
  httpAssembleURI(HTTP_URI_CODING_ALL, qenc, sizeof(qenc), "lpr", NULL, f[6], port, "/");
  if (snprintf(svc->uri, sizeof(svc->uri), "%s%s", qenc, rp) >= (int)sizeof(svc->uri))
    return (false);
  snprintf(svc->name, sizeof(svc->name), "%s", f[3]);     // a label: cut is fine
  return (true);
}

// 'collect()' - Read avahi-browse's output until it ends or the time is up.
static int
collect(int fd, lpra_service_t *list, int max, int timeout_ms)
{
  char            buf[16384];
  size_t          used = 0;
  int             n = 0;
  struct timespec start, now;

  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;)
  {
    struct pollfd pfd = { fd, POLLIN, 0 };
    int           left;
    ssize_t       r;
    char          *nl;

    clock_gettime(CLOCK_MONOTONIC, &now);
    left = timeout_ms - (int)((now.tv_sec - start.tv_sec) * 1000
                              + (now.tv_nsec - start.tv_nsec) / 1000000);
    if (left <= 0 || poll(&pfd, 1, left) <= 0)
      break;
    if ((r = read(fd, buf + used, sizeof(buf) - 1 - used)) < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    used += (size_t)r;
    buf[used] = '\0';
    while ((nl = strchr(buf, '\n')) != NULL)
    {
      bool dup = false;

      *nl = '\0';
      if (n < max && parse_line(buf, list + n))
      {
        for (int i = 0; i < n && !dup; i ++)
          dup = !strcmp(list[i].uri, list[n].uri);
        if (!dup)
          n ++;
      }
      used -= (size_t)(nl + 1 - buf);
      memmove(buf, nl + 1, used + 1);
    }
    if (used == sizeof(buf) - 1)
      used = 0;                         // an absurd line: drop it
  }
  return (n);
}

// 'lpraBrowse()' - Up to max _printer._tcp services within timeout_ms; 0 without Avahi.
int
lpraBrowse(lpra_service_t *list, int max, int timeout_ms)
{
  char                       *argv[] = { "avahi-browse", "-rptk", "_printer._tcp", NULL };
  posix_spawn_file_actions_t fa;
  pid_t                      pid;
  int                        p[2], n, status;

  if (access(AVAHI_BROWSE, X_OK) || pipe2(p, O_CLOEXEC) < 0)
    return (0);
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, p[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  if (posix_spawn(&pid, AVAHI_BROWSE, &fa, NULL, argv, environ) != 0)
  {
    posix_spawn_file_actions_destroy(&fa);
    close(p[0]);
    close(p[1]);
    return (0);
  }
  posix_spawn_file_actions_destroy(&fa);
  close(p[1]);
  n = collect(p[0], list, max, timeout_ms);
  close(p[0]);
  kill(pid, SIGTERM);                   // done already, or out of time
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  return (n);
}
