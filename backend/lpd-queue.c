// lpd-queue.c - parse a remote queue listing (RFC 1179 section 5.3/5.4) into one snapshot.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// RFC 1179 leaves the listing's format to the server.  Rows are recognised by shape, tolerant of
// the three families in use (samples in tests/fixtures/):
//   BSD lpd and cups-lpd short:  "active  root  123  title  1234 bytes" (rank: active, 1st...)
//   BSD lpd long:                "root: 1st        [job 123localhost]"
//   LPRng:                       "active root@host+123  A  123 title 1234 12:00:01"
// Anything else counts as status text.  A row must carry a job number; where it also carries an
// owner (all three) or the client's host name (LPRng only: BSD lpd lists the host it resolved
// for the connection, not ours), those must match too.  LPRng's short form lists no rows at
// all, so callers ask for the long form.

#include "config.h"
#include "lpd-queue.h"
#include "text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_TOKENS 12

typedef struct row_s
{
  long       job;                       // job number, or -1
  const char *host;                     // host as listed (not NUL-terminated), or NULL
  size_t     hostlen;
  const char *owner;                    // owner as listed, or NULL
  size_t     ownerlen;
  bool       done;                      // listed, but finished (LPRng "done")
  bool       active;                    // printing now
} row_t;

// 'all_digits()' - Whether [s, s+len) is a non-empty run of decimal digits (at most 9).
static bool
all_digits(const char *s, size_t len)
{
  if (len == 0 || len > 9)
    return (false);
  for (size_t i = 0; i < len; i ++)
    if (!isdigit((unsigned char)s[i]))
      return (false);
  return (true);
}

// 'digits_value()' - Value of the leading decimal digits of [s, s+len) (at most 9 digits).
static long
digits_value(const char *s, size_t len)
{
  long v = 0;

  for (size_t i = 0; i < len && i < 9 && isdigit((unsigned char)s[i]); i ++)
    v = v * 10 + (s[i] - '0');
  return (v);
}

// 'is_rank()' - Whether a token is a rank: active, 1st, 2nd, 3rd, 4th..., a number, or a state.
static bool
is_rank(const char *t, size_t len, bool *done, bool *active)
{
  static const char * const words[] = { "active", "printing", "hold", "held", "done",
                                        "stalled", "error", "pending", "queued", NULL };
  size_t d = 0;

  *done   = false;
  *active = false;
  for (int i = 0; words[i]; i ++)
    if (strlen(words[i]) == len && !strncasecmp(t, words[i], len))
    {
      *done   = !strcmp(words[i], "done");
      *active = i < 2;
      return (true);
    }
  while (d < len && isdigit((unsigned char)t[d]))
    d ++;
  if (d == 0 || d > 6)
    return (false);
  if (d == len)
    return (true);
  return (len - d == 2 && (!strncasecmp(t + d, "st", 2) || !strncasecmp(t + d, "nd", 2) ||
                           !strncasecmp(t + d, "rd", 2) || !strncasecmp(t + d, "th", 2)));
}

// 'tokenize()' - Split a line on blanks; returns the count (at most MAX_TOKENS).
static int
tokenize(const char *line, size_t len, const char **tok, size_t *tlen)
{
  int    n = 0;
  size_t i = 0;

  while (i < len && n < MAX_TOKENS)
  {
    while (i < len && isspace((unsigned char)line[i]))
      i ++;
    if (i >= len)
      break;
    tok[n] = line + i;
    while (i < len && !isspace((unsigned char)line[i]))
      i ++;
    tlen[n] = (size_t)(line + i - tok[n]);
    n ++;
  }
  return (n);
}

// 'parse_lprng_id()' - "user@host+123" (LPRng's Owner/ID column): host and job number.
static bool
parse_lprng_id(const char *t, size_t len, row_t *row)
{
  const char *at = memchr(t, '@', len), *plus;
  size_t     rest;

  if (!at)
    return (false);
  rest = len - (size_t)(at + 1 - t);
  if ((plus = memchr(at + 1, '+', rest)) == NULL)
    return (false);
  if (!all_digits(plus + 1, len - (size_t)(plus + 1 - t)))
    return (false);
  row->job      = digits_value(plus + 1, len - (size_t)(plus + 1 - t));
  row->host     = at + 1;
  row->hostlen  = (size_t)(plus - (at + 1));
  row->owner    = t;
  row->ownerlen = (size_t)(at - t);
  return (true);
}

// 'parse_row()' - Recognise a job row; false for status and header lines.
static bool
parse_row(const char *line, size_t len, row_t *row)
{
  const char *tok[MAX_TOKENS];
  size_t     tlen[MAX_TOKENS];
  int        n = tokenize(line, len, tok, tlen);
  bool       done, active;

  memset(row, 0, sizeof(*row));
  row->job = -1;
  if (n < 3)
    return (false);

  // BSD long: "user: rank [job 123host]".
  if (tlen[0] > 1 && tok[0][tlen[0] - 1] == ':' && is_rank(tok[1], tlen[1], &done, &active))
  {
    for (int i = 2; i + 1 < n; i ++)
      if (tlen[i] == 4 && !strncmp(tok[i], "[job", 4))
      {
        const char *p = tok[i + 1];
        size_t     l = tlen[i + 1], d = 0, maxd = 9;

        // BSD writes "[job %03d%s]": exactly three digits, then the host (which may itself
        // start with a digit).  cups-lpd writes "[job 12 host]": the number stands alone.
        if (l && p[l - 1] == ']')
        {
          l --;
          maxd = 3;
        }
        while (d < l && d < maxd && isdigit((unsigned char)p[d]))
          d ++;
        if (d == 0)
          return (false);
        row->job      = digits_value(p, d);
        row->owner    = tok[0];
        row->ownerlen = tlen[0] - 1;
        row->done     = done;
        row->active = active;
        return (true);
      }
    return (false);
  }

  if (!is_rank(tok[0], tlen[0], &done, &active))
    return (false);
  row->done   = done;
  row->active = active;
  // LPRng: the Owner/ID column names host and job.
  if (parse_lprng_id(tok[1], tlen[1], row))
    return (true);
  // BSD short and cups-lpd: "rank owner job files... size bytes".
  if (all_digits(tok[2], tlen[2]))
  {
    row->job      = digits_value(tok[2], tlen[2]);
    row->owner    = tok[1];
    row->ownerlen = tlen[1];
    return (true);
  }
  return (false);
}

// 'prefix_match()' - Whether a listed field (possibly cut short by the server) matches ours.
static bool
prefix_match(const char *listed, size_t llen, const char *ours)
{
  size_t olen = ours ? strlen(ours) : 0;

  if (!listed || !olen)
    return (true);                      // nothing to compare
  return (llen > 0 && llen <= olen && !strncasecmp(listed, ours, llen));
}

// 'lpdQueueParse()' - Parse a whole listing: status line, number of jobs, our job and its rank.
void
lpdQueueParse(const char *text, size_t len, int jobnum, const char *host, const char *user,
              lpd_queue_state_t *st)
{
  const char *line = text, *end = text + len, *nl;
  row_t      row;

  memset(st, 0, sizeof(*st));
  while (line < end)
  {
    size_t llen;

    nl   = memchr(line, '\n', (size_t)(end - line));
    llen = nl ? (size_t)(nl - line) : (size_t)(end - line);
    if (llen && line[llen - 1] == '\r')
      llen --;
    if (parse_row(line, llen, &row))
    {
      if (!row.done)
      {
        st->jobs ++;
        if (!st->found && row.job == jobnum % 1000 &&
            prefix_match(row.host, row.hostlen, host) &&
            prefix_match(row.owner, row.ownerlen, user))
        {
          st->found  = true;
          st->rank   = st->jobs;
          st->active = row.active;
        }
      }
    }
    else if (llen >= 7 && memmem(line, llen, "File(s)", 7))
      st->foreign_ids = true;           // cups-lpd's header: its "Job" column is a CUPS job id
    else if (!st->status[0] && llen > 0)
    {
      size_t skip = 0;

      while (skip < llen && isspace((unsigned char)line[skip]))
        skip ++;
      if (skip < llen && (llen - skip < 4 || strncasecmp(line + skip, "Rank", 4)))
        lprTextClean(st->status, sizeof(st->status), line + skip, llen - skip);
    }
    line = nl ? nl + 1 : end;
  }
}
