// lpd-server log.c - event lines (DIR/events, DIR/job-NNNN/events, stdout) and text escaping.
//
// Copyright 2026 The cups-lpr authors
//
// SPDX-License-Identifier: Apache-2.0
//
// Part of the test LPD server (tests/lpd-server); lpd-server.h says what the server does.

#include "lpd-server.h"


//
// Local functions...
//

static void vlog(srv_conn_t *c, int fd, bool echo, const struct timespec *ts, const char *event,
                 const char *fmt, va_list ap);


// 'write_full()' - Write a whole buffer to a file, retrying short writes and EINTR.
bool                                    // O - true on success
write_full(int        fd,               // I - File
           const void *data,            // I - Bytes
           size_t     len)              // I - Number of bytes
{
  const char    *p = data;
  ssize_t       n;
  struct pollfd pfd;

  while (len > 0)
  {
    if ((n = write(fd, p, len)) > 0)
    {
      p   += n;
      len -= (size_t)n;
    }
    else if (n < 0 && errno == EINTR)
    {
      continue;
    }
    else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    {
      pfd.fd     = fd;
      pfd.events = POLLOUT;
      poll(&pfd, 1, 100);
    }
    else
    {
      if (n == 0)
        errno = EIO;
      return (false);
    }
  }

  return (true);
}


// 'copy_text()' - Copy a string into a bounded buffer, cutting it when it does not fit.
bool                                    // O - true when it fitted
copy_text(char       *dst,              // O - Buffer
          size_t     size,              // I - Size of buffer (at least 1)
          const char *src)              // I - String
{
  size_t len = strlen(src);
  bool   fits = len < size;

  if (!fits)
    len = size - 1;
  memcpy(dst, src, len);
  dst[len] = '\0';

  return (fits);
}


// 'escape_event()' - Copy bytes for an event line: 0x20-0x7e as is, the rest (and '\' '"') as
//                    \xHH; "..." marks truncation.
void
escape_event(const void *data,          // I - Bytes
             size_t     len,            // I - Number of bytes
             char       *out,           // O - Text
             size_t     size)           // I - Size of out (at least 8)
{
  static const char   hex[] = "0123456789abcdef";
  const unsigned char *p = data;
  size_t              i, o = 0;

  for (i = 0; i < len; i ++)
  {
    unsigned char ch = p[i];

    if (ch >= 0x20 && ch < 0x7f && ch != '\\' && ch != '"')
    {
      if (o + 1 + 3 >= size)
        break;
      out[o ++] = (char)ch;
    }
    else
    {
      if (o + 4 + 3 >= size)
        break;
      out[o ++] = '\\';
      out[o ++] = 'x';
      out[o ++] = hex[ch >> 4];
      out[o ++] = hex[ch & 15];
    }
  }

  if (i < len)
  {
    memcpy(out + o, "...", 3);
    o += 3;
  }
  out[o] = '\0';
}


// 'escape_display()' - Copy bytes for a listing: control and 8-bit bytes become '?'.
void
escape_display(const void *data,        // I - Bytes
               size_t     len,          // I - Number of bytes
               char       *out,         // O - Text
               size_t     size)         // I - Size of out
{
  const unsigned char *p = data;
  size_t              i;

  for (i = 0; i < len && i + 1 < size; i ++)
    out[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
  out[i] = '\0';
}


// 'emit()' - Write one event line to an events file and, when echo is set, to stdout.
void
emit(srv_conn_t            *c,          // I - Connection or NULL
     int                   fd,          // I - Events file or -1
     bool                  echo,        // I - Also print on stdout (unless --quiet)?
     const struct timespec *ts,         // I - Event time or NULL for now
     const char            *event,      // I - Event name
     const char            *details)    // I - Details (may be "")
{
  struct timespec now;
  char            line[4096];
  int             n;

  if (!ts)
  {
    clock_gettime(CLOCK_REALTIME, &now);
    ts = &now;
  }

  n = snprintf(line, sizeof(line), "%lld.%09ld %s%s%s\n", (long long)ts->tv_sec, ts->tv_nsec,
               event, *details ? " " : "", details);
  if (n < 0)
    return;
  if ((size_t)n >= sizeof(line))
  {
    n                = (int)sizeof(line) - 1;
    line[n - 1]      = '\n';
  }

  // One write() per line: O_APPEND keeps lines from concurrent connections whole.
  if (fd >= 0)
    write_full(fd, line, (size_t)n);

  if (echo && !cfg.quiet)
  {
    n = snprintf(line, sizeof(line), "lpd-server: conn %u %s: %s%s%s\n", c ? c->serial : 0,
                 (c && c->is_job) ? c->job : "-", event, *details ? " " : "", details);
    if (n < 0)
      return;
    if ((size_t)n >= sizeof(line))
    {
      n           = (int)sizeof(line) - 1;
      line[n - 1] = '\n';
    }
    write_full(STDOUT_FILENO, line, (size_t)n);
  }
}


// 'vlog()' - Format and emit an event.
static void
vlog(srv_conn_t            *c,          // I - Connection
     int                   fd,          // I - Events file
     bool                  echo,        // I - Also print on stdout?
     const struct timespec *ts,         // I - Event time or NULL
     const char            *event,      // I - Event name
     const char            *fmt,        // I - printf format for the details
     va_list               ap)          // I - Arguments
{
  char details[2048];

  if (vsnprintf(details, sizeof(details), fmt, ap) < 0)
    copy_text(details, sizeof(details), "(unformattable details)");

  emit(c, fd, echo, ts, event, details);
}


// 'conn_log()' - Log an event of a connection (job events or DIR/events) and echo it.
void
conn_log(srv_conn_t *c,                 // I - Connection
         const char *event,             // I - Event name
         const char *fmt,               // I - printf format for the details
         ...)                           // I - Arguments
{
  va_list ap;

  va_start(ap, fmt);
  vlog(c, c->events_fd, true, NULL, event, fmt, ap);
  va_end(ap);
}


// 'main_log()' - Log an event to DIR/events only (mirror lines of job connections).
void
main_log(srv_conn_t *c,                 // I - Connection
         const char *event,             // I - Event name
         const char *fmt,               // I - printf format for the details
         ...)                           // I - Arguments
{
  va_list ap;

  va_start(ap, fmt);
  vlog(c, main_events_fd, false, NULL, event, fmt, ap);
  va_end(ap);
}


// 'log_connect()' - Log the connect event with the time of the accept.
void
log_connect(srv_conn_t *c)              // I - Connection
{
  char details[NI_MAXHOST + NI_MAXSERV + 2];

  // NI_MAXHOST + NI_MAXSERV + 2 always holds "host port".
  if (snprintf(details, sizeof(details), "%s %s", c->peer, c->peer_port) < 0)
    copy_text(details, sizeof(details), "? ?");
  emit(c, c->events_fd, true, &c->connected, "connect", details);
  if (c->events_fd != main_events_fd)
    emit(c, main_events_fd, false, &c->connected, "connect", details);
}
