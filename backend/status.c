// status.c - the only writer of backend status lines on stderr.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "clock.h"
#include "status.h"
#include "text.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LPR_MAX_REASONS 16

static int    status_fd = 2;
static size_t status_limit = LPR_STATUS_DEFAULT_MAX;

// Per thread: a printer application runs one job per thread, each with its own sink (which
// routes the lines to that job) and its own reasons.  The backend has one thread: stderr.
static __thread lpr_status_sink_t sink;
static __thread void              *sink_ctx;
static __thread char              reasons[LPR_MAX_REASONS][64];  // added and not yet removed
static __thread int               num_reasons;

static const char cut_marker[] = "...";

// 'lprStatusInit()' - Set the output fd and read cupsd's line limit from CUPS_MAX_MESSAGE.
void
lprStatusInit(int fd)
{
  const char *env = getenv("CUPS_MAX_MESSAGE");
  char *end;
  long v;

  status_fd = fd;
  status_limit = LPR_STATUS_DEFAULT_MAX;
  if (env && *env)
  {
    errno = 0;
    v = strtol(env, &end, 10);
    if (!errno && *end == '\0' && v > 0)
    {
      if (v < LPR_STATUS_MIN)
        v = LPR_STATUS_MIN;
      if (v > LPR_STATUS_MAX)
        v = LPR_STATUS_MAX;
      status_limit = (size_t)v;
    }
  }
}

// 'lprStatusLimit()' - The longest line, newline included, that may be written.
size_t
lprStatusLimit(void)
{
  return (status_limit);
}

// 'status_vformat()' - Format one complete, clean, bounded line ("PREFIX: text\n").
static size_t
status_vformat(char *line, size_t linesize, size_t limit, const char *prefix,
               const char *format, va_list ap)
{
  char   raw[LPR_STATUS_MAX * 2];
  size_t plen, avail, tlen, cut;
  int    n;

  if (limit < LPR_STATUS_MIN)
    limit = LPR_STATUS_MIN;           // room for any prefix, a marker and the newline
  if (linesize < LPR_STATUS_MIN + 1)
    return (0);
  if (limit >= linesize)
    limit = linesize - 1;             // room for the terminating NUL
  if (limit > LPR_STATUS_MAX)
    limit = LPR_STATUS_MAX;

  n = vsnprintf(raw, sizeof(raw), format, ap);
  if (n < 0)
  {
    raw[0] = '\0';
    n = 0;
  }
  tlen = (size_t)n < sizeof(raw) ? (size_t)n : sizeof(raw) - 1;

  n = snprintf(line, limit, "%s: ", prefix);
  if (n < 0 || (size_t)n >= limit - 1)
    return (0);
  plen = (size_t)n;

  // Room for the text: the limit minus the prefix and the newline.
  avail = limit - plen - 1;
  // Clean the whole text (folding controls) and measure it, then cut it if needed.
  {
    char clean[LPR_STATUS_MAX * 2];
    size_t clen = lprTextClean(clean, sizeof(clean), raw, tlen);

    if (clen > avail)
    {
      size_t room = avail > sizeof(cut_marker) - 1 ? avail - (sizeof(cut_marker) - 1) : 0;

      cut = lprTextCut(clean, clen, room);
      memcpy(line + plen, clean, cut);
      memcpy(line + plen + cut, cut_marker, sizeof(cut_marker) - 1);
      plen += cut + sizeof(cut_marker) - 1;
    }
    else
    {
      memcpy(line + plen, clean, clen);
      plen += clen;
    }
  }
  line[plen ++] = '\n';
  line[plen] = '\0';
  return (plen);
}

// 'lprStatusFormat()' - Format a line without writing it (for tests and callers that batch).
size_t
lprStatusFormat(char *line, size_t linesize, size_t limit, const char *prefix,
                const char *format, ...)
{
  va_list ap;
  size_t  len;

  va_start(ap, format);
  len = status_vformat(line, linesize, limit, prefix, format, ap);
  va_end(ap);
  return (len);
}

// 'lprStatusSetSink()' - Send this thread's lines to fn(ctx, line, len) instead of the fd
//                        (NULL: back to the fd).  Each call gets one whole line.
void
lprStatusSetSink(lpr_status_sink_t fn, void *ctx)
{
  sink     = fn;
  sink_ctx = ctx;
}

// 'write_line()' - Write one line with one write(2), retrying only on EINTR.
static void
write_line(const char *line, size_t len)
{
  ssize_t n;

  if (sink)
  {
    sink(sink_ctx, line, len);
    return;
  }
  do
    n = write(status_fd, line, len);
  while (n < 0 && errno == EINTR);
}

// 'lprStatus()' - Write one status line: "PREFIX: message".
void
lprStatus(const char *prefix, const char *format, ...)
{
  char    line[LPR_STATUS_MAX + 1];
  va_list ap;
  size_t  len;

  va_start(ap, format);
  len = status_vformat(line, sizeof(line), status_limit, prefix, format, ap);
  va_end(ap);
  if (len > 0)
    write_line(line, len);
}

// 'reason_index()' - Index of a reason this process has set, or -1.
static int
reason_index(const char *reason)
{
  for (int i = 0; i < num_reasons; i ++)
    if (!strcmp(reasons[i], reason))
      return (i);
  return (-1);
}

// 'lprStatusReason()' - Add or remove a printer-state-reason, remembering what we set.
void
lprStatusReason(bool add, const char *reason)
{
  int i = reason_index(reason);

  if (add && i < 0 && num_reasons < LPR_MAX_REASONS && strlen(reason) < sizeof(reasons[0]))
  {
    memcpy(reasons[num_reasons ++], reason, strlen(reason) + 1);
  }
  else if (!add && i >= 0)
  {
    memmove(reasons[i], reasons[num_reasons - 1], sizeof(reasons[0]));
    num_reasons --;
  }
  else if (add == (i >= 0))
    return;                             // nothing changes: no line
  lprStatus("STATE", "%c%s", add ? '+' : '-', reason);
}

// 'lprStatusReasonIsSet()' - Whether this process has set a reason and not removed it.
bool
lprStatusReasonIsSet(const char *reason)
{
  return (reason_index(reason) >= 0);
}

// 'lprStatusReasonsClear()' - Remove every reason this process set, in one line.
void
lprStatusReasonsClear(void)
{
  char   list[LPR_STATUS_MAX];
  size_t len = 0;

  if (num_reasons == 0)
    return;
  for (int i = 0; i < num_reasons; i ++)
  {
    int n = snprintf(list + len, sizeof(list) - len, "%s%s", len ? "," : "", reasons[i]);

    if (n < 0 || (size_t)n >= sizeof(list) - len)
      break;
    len += (size_t)n;
  }
  num_reasons = 0;
  lprStatus("STATE", "-%s", list);
}

// 'lprProgressStart()' - Start a transfer's progress clock.
void
lprProgressStart(lpr_progress_t *p, int64_t total, int interval_ms)
{
  atomic_store(&p->sent, 0);
  p->total = total;
  p->interval_ms = interval_ms > 0 ? interval_ms : 1000;
  p->start_ns = lprNowNs();
  p->last_ns  = p->start_ns;
  p->last_sent = 0;
  p->started = true;
}

// 'format_bytes()' - Human size with one decimal (B, KB, MB, GB, decimal units like lpstat).
static void
format_bytes(char *buf, size_t size, double v, const char **unit)
{
  static const char *units[] = { "B", "KB", "MB", "GB", "TB" };
  int u = 0;

  while (v >= 1000.0 && u < 4)
  {
    v /= 1000.0;
    u ++;
  }
  *unit = units[u];
  if (u == 0)
    snprintf(buf, size, "%.0f", v);
  else
    snprintf(buf, size, "%.1f", v);
}

// 'lprProgressFormat()' - The text of a progress line from one snapshot of the counters.
size_t
lprProgressFormat(char *buf, size_t size, uint64_t sent, int64_t total, double secs)
{
  char        a[32], b[32];
  const char *ua, *ub;
  int         n;

  format_bytes(a, sizeof(a), (double)sent, &ua);
  if (total >= 0)
  {
    format_bytes(b, sizeof(b), (double)total, &ub);
    n = snprintf(buf, size, "Sent %s %s of %s %s (%d%%)", a, ua, b, ub,
                 total > 0 ? (int)((double)sent * 100.0 / (double)total) : 100);
  }
  else
  {
    double rate = secs > 0.001 ? (double)sent / secs : 0.0;
    char   r[32];
    const char *ur;

    format_bytes(r, sizeof(r), rate, &ur);
    n = snprintf(buf, size, "Sent %s %s (%s %s/s)", a, ua, r, ur);
  }
  if (n < 0 || (size_t)n >= size)
    return (0);
  return ((size_t)n);
}

// 'lprProgressStop()' - The transfer is over (sent or failed): no more progress lines.
void
lprProgressStop(lpr_progress_t *p)
{
  p->started = false;
}

// 'lprProgressTick()' - Write a progress line if the interval has passed (or final is set: the
//                       last line, after which the clock is stopped).
bool
lprProgressTick(lpr_progress_t *p, bool final)
{
  int64_t  now, since_last;
  char     text[256];
  uint64_t sent;

  if (!p->started)
    return (false);
  now        = lprNowNs();
  since_last = (now - p->last_ns) / 1000000;
  if (!final && since_last < p->interval_ms)
    return (false);
  sent = atomic_load(&p->sent);
  // Nothing moved (a slow filter): say so less often, but still every 10 intervals.
  if (!final && sent == p->last_sent && since_last < 10 * (int64_t)p->interval_ms)
    return (false);
  p->last_ns = now;
  p->last_sent = sent;
  if (final)
    p->started = false;
  if (lprProgressFormat(text, sizeof(text), sent, final && p->total < 0 ? (int64_t)sent : p->total,
                        (double)(now - p->start_ns) / 1e9) == 0)
    return (false);
  lprStatus("INFO", "%s", text);
  return (true);
}
