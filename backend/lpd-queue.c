// lpd-queue.c - parse a remote queue listing (RFC 1179 section 5.3/5.4) into one snapshot.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// RFC 1179 leaves the listing's format to the server.  Lines are recognised by shape, one
// family at a time (samples of each in tests/fixtures/, described in docs/lpd-families.md):
//   BSD lpd, cups-lpd, Canon, Xerox short: "active  root  123  title  1234 bytes"
//   BSD lpd, cups-lpd, Canon long:         "root: 1st   [job 123host]" + "  title  1234 bytes"
//   LPRng long:                            "active root@host+123  A  123 title 1234 12:00:01"
//   Windows LPD Service:                   "alice (10.0 Waiting   report.txt   26   1234 ..."
// plus the one-line answers of an empty queue ("no entries", "no jobs queued on the port X",
// "no entry jobs") and error sentences.  Rows are first collected as the server wrote them,
// then judged twice: by our job number (servers that list ours) and by owner, title and size
// (servers that list their own ids); the family decides which judgement counts.

#include "config.h"
#include "lpd-queue.h"
#include "text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_TOKENS    16
#define OWNER_CUT_MIN 7                 // narrowest owner column known (cups-lpd "%-7.7s")

typedef struct span_s                   // a piece of the listing (not NUL-terminated)
{
  const char *p;
  size_t     n;
} span_t;

typedef struct row_s                    // one listed job, as the server wrote it
{
  long      job;                        // the number listed, or -1
  span_t    id;                         // the id as listed (number, or number and host)
  span_t    owner;                      // the owner's user part (before any '@')
  span_t    host;                       // LPRng's host part of the owner id, or empty
  span_t    title;                      // job name or first file name, or empty
  long long size;                       // bytes listed (sum over files), or -1
  bool      done;                       // LPRng "done": it has left the queue
  bool      active;                     // printing now
  bool      kib;                        // size listed in whole KiB (cups-lpd)
  bool      lprng;                      // LPRng's shape (owner id with host and number)
} row_t;

typedef struct tally_s                  // rows matching one way
{
  int       hits;
  int       rank;                       // of the first hit
  bool      active;
  bool      weak;                       // matched without a size
  span_t    id;
} tally_t;

typedef struct parse_s                  // the state of one parse
{
  const lpd_queue_match_t *want;
  lpd_queue_state_t       *st;
  row_t   pending;                      // a long-form row still collecting its file lines
  bool    has_pending;
  bool    rows_zone;                    // a header or a row was seen: rows follow
  bool    stray;                        // a line where rows are listed that no parser knows
  bool    any_row;
  bool    empty;                        // an "empty queue" answer
  bool    error;                        // an error sentence
  bool    lprng, lprng_short, cups, windows, canon, xerox, jetdirect;
  tally_t bynum, byots;
} parse_t;

static const char * const error_phrases[] =
{
  "unsupported command", "unsupported read job command", "line too long",
  "specified printer does not exist", "windows lpd server error", "unknown printer",
  "does not exist", "no entry queue", "internal error", "no such queue", "no such printer",
  "unknown queue", "invalid queue", NULL
};

// 'span_has()' - Whether a span contains a word or phrase (case-insensitive).
static bool
span_has(span_t s, const char *word)
{
  size_t wl = strlen(word);

  for (size_t i = 0; wl <= s.n && i <= s.n - wl; i ++)
    if (!strncasecmp(s.p + i, word, wl))
      return (true);
  return (false);
}

// 'span_is()' - Whether a span is exactly a word (case-insensitive).
static bool
span_is(span_t s, const char *word)
{
  return (strlen(word) == s.n && !strncasecmp(s.p, word, s.n));
}

// 'trim()' - The span without leading and trailing blanks.
static span_t
trim(span_t s)
{
  while (s.n && isspace((unsigned char)s.p[0]))
  {
    s.p ++;
    s.n --;
  }
  while (s.n && isspace((unsigned char)s.p[s.n - 1]))
    s.n --;
  return (s);
}

// 'between()' - The trimmed text from the start of a to the end of b.
static span_t
between(span_t a, span_t b)
{
  span_t s = { a.p, b.p >= a.p ? (size_t)(b.p + b.n - a.p) : 0 };

  return (trim(s));
}

// 'all_digits()' - Whether a span is a non-empty run of decimal digits (at most 12).
static bool
all_digits(span_t s)
{
  if (s.n == 0 || s.n > 12)
    return (false);
  for (size_t i = 0; i < s.n; i ++)
    if (!isdigit((unsigned char)s.p[i]))
      return (false);
  return (true);
}

// 'digits_value()' - Value of the leading decimal digits of a span (at most 12 digits).
static long long
digits_value(span_t s)
{
  long long v = 0;

  for (size_t i = 0; i < s.n && i < 12 && isdigit((unsigned char)s.p[i]); i ++)
    v = v * 10 + (s.p[i] - '0');
  return (v);
}

// 'tokenize()' - Split a line on blanks; returns the count (at most MAX_TOKENS).
static int
tokenize(span_t line, span_t *tok)
{
  int    n = 0;
  size_t i = 0;

  while (i < line.n && n < MAX_TOKENS)
  {
    while (i < line.n && isspace((unsigned char)line.p[i]))
      i ++;
    if (i >= line.n)
      break;
    tok[n].p = line.p + i;
    while (i < line.n && !isspace((unsigned char)line.p[i]))
      i ++;
    tok[n].n = (size_t)(line.p + i - tok[n].p);
    n ++;
  }
  return (n);
}

// 'rtokenize()' - The last count tokens of a line, right to left (tok[0] is the last).
static int
rtokenize(span_t line, span_t *tok, int count)
{
  int    n = 0;
  size_t i = line.n;

  while (i > 0 && n < count)
  {
    size_t end;

    while (i > 0 && isspace((unsigned char)line.p[i - 1]))
      i --;
    if (i == 0)
      break;
    end = i;
    while (i > 0 && !isspace((unsigned char)line.p[i - 1]))
      i --;
    tok[n].p = line.p + i;
    tok[n].n = end - i;
    n ++;
  }
  return (n);
}

// 'is_rank()' - Whether a token is a rank: active, 1st, 2nd, 3rd, 4th..., a number, or a state.
static bool
is_rank(span_t t, bool *done, bool *active)
{
  static const char * const words[] = { "active", "printing", "hold", "held", "done",
                                        "stalled", "error", "pending", "queued", NULL };
  size_t d = 0;

  *done   = false;
  *active = false;
  for (int i = 0; words[i]; i ++)
    if (span_is(t, words[i]))
    {
      *done   = !strcmp(words[i], "done");
      *active = i < 2;
      return (true);
    }
  while (d < t.n && isdigit((unsigned char)t.p[d]))
    d ++;
  if (d == 0 || d > 6)
    return (false);
  if (d == t.n)
    return (true);
  return (t.n - d == 2 && (!strncasecmp(t.p + d, "st", 2) || !strncasecmp(t.p + d, "nd", 2) ||
                           !strncasecmp(t.p + d, "rd", 2) || !strncasecmp(t.p + d, "th", 2)));
}

// 'set_owner()' - The owner as listed, user@host counting as the user.
static void
set_owner(row_t *row, span_t t)
{
  const char *at = memchr(t.p, '@', t.n);

  row->owner.p = t.p;
  row->owner.n = at ? (size_t)(at - t.p) : t.n;
}

// 'size_and_title()' - "... title 1234 bytes" (BSD, cups-lpd, Xerox) or "... title 1234 time"
//                      (LPRng): size and title after the first title token.
static void
size_and_title(span_t line, span_t first, bool lprng, row_t *row)
{
  span_t last[2], from = { first.p, line.n - (size_t)(first.p - line.p) };
  int    n = rtokenize(from, last, 2);

  row->size = -1;
  if (n == 2 && all_digits(last[1]) && (lprng || span_is(last[0], "bytes")) &&
      last[1].p > first.p)
  {
    row->size  = digits_value(last[1]);
    row->title = between(first, (span_t){ first.p, (size_t)(last[1].p - first.p) });
  }
  else if (n >= 1 && !lprng)
    row->title = trim(from);
}

// 'parse_lprng_id()' - "user@host+123" (LPRng's Owner/ID column): owner, host and number.
static bool
parse_lprng_id(span_t t, row_t *row)
{
  const char *at = memchr(t.p, '@', t.n), *plus;
  span_t     num;

  if (!at)
    return (false);
  if ((plus = memchr(at + 1, '+', t.n - (size_t)(at + 1 - t.p))) == NULL)
    return (false);
  num.p = plus + 1;
  num.n = t.n - (size_t)(num.p - t.p);
  if (!all_digits(num) || num.n > 9)
    return (false);
  row->job    = (long)digits_value(num);
  row->host.p = at + 1;
  row->host.n = (size_t)(plus - (at + 1));
  row->id     = t;
  row->lprng  = true;
  set_owner(row, t);
  return (true);
}

// 'parse_long_head()' - BSD long "user: rank [job 123host]", cups-lpd "[job 12 host]".
static bool
parse_long_head(const span_t *tok, int n, row_t *row, bool *cups)
{
  for (int i = 2; i + 1 < n; i ++)
    if (span_is(tok[i], "[job"))
    {
      span_t p = tok[i + 1];
      size_t d = 0, maxd = 12;

      // BSD writes "[job %03d%s]": exactly three digits, then the host (which may itself
      // start with a digit).  cups-lpd writes "[job 12 host]": the number stands alone.
      *cups = !(p.n && p.p[p.n - 1] == ']');
      if (!*cups)
      {
        p.n --;
        maxd = 3;
      }
      while (d < p.n && d < maxd && isdigit((unsigned char)p.p[d]))
        d ++;
      if (d == 0)
        return (false);
      row->job = (long)digits_value((span_t){ p.p, d });
      row->id  = *cups ? (span_t){ p.p, d } : p;
      row->owner = (span_t){ tok[0].p, tok[0].n - 1 };
      set_owner(row, row->owner);
      row->size = -1;
      return (true);
    }
  return (false);
}

// 'parse_row()' - Recognise a job row of the BSD, cups-lpd and LPRng shapes.
//
// Returns 0 for no row, 1 for a complete row, 2 for a long-form head whose file lines follow.
static int
parse_row(span_t line, row_t *row, bool *cups_long)
{
  span_t tok[MAX_TOKENS];
  int    n = tokenize(line, tok);
  bool   done, active;

  memset(row, 0, sizeof(*row));
  row->job  = -1;
  row->size = -1;
  *cups_long = false;
  if (n < 3)
    return (0);
  if (tok[0].n > 1 && tok[0].p[tok[0].n - 1] == ':' && is_rank(tok[1], &done, &active))
  {
    row->done   = done;
    row->active = active;
    return (parse_long_head(tok, n, row, cups_long) ? 2 : 0);
  }
  if (!is_rank(tok[0], &done, &active))
    return (0);
  row->done   = done;
  row->active = active;
  if (n >= 4 && parse_lprng_id(tok[1], row))      // LPRng: rank id class job files size time
  {
    if (n >= 5)
      size_and_title(line, tok[4], true, row);
    return (1);
  }
  if (n >= 4 && memchr(tok[1].p, '@', tok[1].n) && tok[2].n <= 2 &&
      isalpha((unsigned char)tok[2].p[0]) && all_digits(tok[3]))
  {                                     // LPRng with the id cut: the class, then the Job column
    row->job   = (long)digits_value(tok[3]);
    row->id    = tok[3];
    row->lprng = true;
    set_owner(row, tok[1]);
    return (1);
  }
  if (all_digits(tok[2]) && tok[2].n <= 9)       // BSD short: rank owner job files size bytes
  {
    row->job = (long)digits_value(tok[2]);
    row->id  = tok[2];
    set_owner(row, tok[1]);
    if (n >= 4)
      size_and_title(line, tok[3], false, row);
    return (1);
  }
  return (0);
}

// 'parse_file_line()' - A long form's file line "  name  1234 bytes [-- date]": add it.
static bool
parse_file_line(span_t line, row_t *row)
{
  span_t tok[MAX_TOKENS];
  int    n = rtokenize(line, tok, MAX_TOKENS);

  for (int i = 0; i + 1 < n; i ++)      // right to left: the last "N bytes" on the line
    if (span_is(tok[i], "bytes") && all_digits(tok[i + 1]))
    {
      if (row->size < 0)
        row->size = 0;
      row->size += digits_value(tok[i + 1]);
      if (!row->title.n)
        row->title = trim((span_t){ line.p, (size_t)(tok[i + 1].p - line.p) });
      return (true);
    }
  return (false);
}

// 'parse_windows_row()' - Windows LPD Service: owner(11) status(9) jobname(19) id size pages
//                         priority, fixed width; the owner field is "user (host" cut.
static bool
parse_windows_row(span_t line, row_t *row)
{
  span_t owner, status, rest, tok[4];
  int    n, k = 0;

  memset(row, 0, sizeof(*row));
  if (line.n < 24 || isspace((unsigned char)line.p[0]) || line.p[11] != ' ')
    return (false);
  owner  = (span_t){ line.p, 11 };
  status = trim((span_t){ line.p + 12, 9 });
  rest   = (span_t){ line.p + 22, line.n - 22 };
  for (size_t i = 0; i < owner.n; i ++)
    if (owner.p[i] == ' ')
      owner.n = i;
  if (!owner.n || !status.n)
    return (false);
  for (size_t i = 0; i < status.n; i ++)
    if (!isalpha((unsigned char)status.p[i]) && status.p[i] != '-')
      return (false);
  n = rtokenize(rest, tok, 4);
  while (k < n && all_digits(tok[k]))
    k ++;
  if (k != 4 && k != 2)                 // id size pages priority, or id size alone
    return (false);
  row->id     = tok[k - 1];
  row->job    = (long)digits_value(tok[k - 1]);
  row->size   = digits_value(tok[k - 2]);
  row->title  = trim((span_t){ rest.p, (size_t)(tok[k - 1].p - rest.p) });
  row->owner  = owner;
  row->active = span_is(status, "Printing");
  return (true);
}

// 'owner_prefix()' - Whether a listed owner (possibly cut short by the server) matches ours.
static bool
owner_prefix(span_t listed, const char *ours)
{
  size_t olen = ours ? strlen(ours) : 0;

  if (!listed.p || !olen)
    return (true);                      // nothing to compare
  return (listed.n > 0 && listed.n <= olen && !strncasecmp(listed.p, ours, listed.n));
}

// 'owner_same()' - Stricter: the same owner, or ours cut at a column of 7 or more.
static bool
owner_same(span_t listed, const char *ours)
{
  size_t olen = ours ? strlen(ours) : 0;

  if (!olen || !listed.n || listed.n > olen || strncasecmp(listed.p, ours, listed.n))
    return (false);
  return (listed.n == olen || listed.n >= OWNER_CUT_MIN);
}

// 'title_prefix()' - Whether a listed title is a prefix of ours: blank runs folded, case
//                    ignored, a trailing "..." (a name cut by the server) dropped.
static bool
title_prefix(span_t listed, const char *ours)
{
  size_t i = 0, j = 0, olen = ours ? strlen(ours) : 0;

  listed = trim(listed);
  if (listed.n > 3 && !memcmp(listed.p + listed.n - 3, "...", 3))
    listed = trim((span_t){ listed.p, listed.n - 3 });
  if (!listed.n || !olen)
    return (false);
  while (i < listed.n)
  {
    if (isspace((unsigned char)listed.p[i]))
    {
      if (j >= olen || !isspace((unsigned char)ours[j]))
        return (false);
      while (i < listed.n && isspace((unsigned char)listed.p[i]))
        i ++;
      while (j < olen && isspace((unsigned char)ours[j]))
        j ++;
      continue;
    }
    if (j >= olen || tolower((unsigned char)listed.p[i]) != tolower((unsigned char)ours[j]))
      return (false);
    i ++;
    j ++;
  }
  return (true);
}

// 'match_number()' - Whether a row is ours by job number (owner and host where listed).
static bool
match_number(const lpd_queue_match_t *w, const row_t *row)
{
  int ours = ((w->jobnum % 1000) + 1000) % 1000;

  return (row->job == ours && owner_prefix(row->owner, w->user) &&
          (!row->host.n || owner_prefix(row->host, w->host)));
}

// 'match_ots()' - Whether a row is ours by owner, title and size: 2 with the size, 1 without
//                 (our size unknown), 0 not ours.
static int
match_ots(const lpd_queue_match_t *w, const row_t *row)
{
  bool      titled = (w->jobname && *w->jobname) || (w->source && *w->source);
  long long want;

  if (!owner_same(row->owner, w->user))
    return (0);
  if (titled && !title_prefix(row->title, w->jobname) && !title_prefix(row->title, w->source))
    return (0);
  if (w->size <= 0)
    return (titled ? 1 : 0);
  want = row->kib ? (w->size + 1023) / 1024 * 1024 : w->size;
  return (row->size == want ? 2 : 0);
}

// 'count()' - Add a hit to a tally.
static void
count(tally_t *t, int rank, const row_t *row, bool weak)
{
  if (t->hits ++ == 0)
  {
    t->rank   = rank;
    t->active = row->active;
    t->weak   = weak;
    t->id     = row->id;
  }
}

// 'judge()' - A complete row: count it, and whether it is ours either way.
static void
judge(parse_t *ps, row_t *row)
{
  int ots;

  ps->any_row   = true;
  ps->rows_zone = true;
  if (row->done)
    return;
  ps->st->jobs ++;
  if (match_number(ps->want, row))
    count(&ps->bynum, ps->st->jobs, row, false);
  if ((ots = match_ots(ps->want, row)) > 0)
    count(&ps->byots, ps->st->jobs, row, ots == 1);
}

// 'flush()' - Judge the pending long-form row, if any.
static void
flush(parse_t *ps)
{
  if (ps->has_pending)
    judge(ps, &ps->pending);
  ps->has_pending = false;
}

// 'set_status()' - Keep the first status line.
static void
set_status(parse_t *ps, span_t line)
{
  line = trim(line);
  if (!ps->st->status[0] && line.n)
    lprTextClean(ps->st->status, sizeof(ps->st->status), line.p, line.n);
}

// 'marker_line()' - Headers, empty-queue answers, titles and error sentences.  Returns true
//                   when the line was one (and is not a row).
static bool
marker_line(parse_t *ps, span_t line, const span_t *tok, int n)
{
  const lpd_queue_match_t *w = ps->want;

  for (int i = 0; error_phrases[i]; i ++)
    if (span_has(line, error_phrases[i]))
    {
      ps->error = true;
      set_status(ps, line);
      return (true);
    }
  if (n >= 1 && span_is(tok[0], "Rank"))
  {                                     // BSD, cups-lpd ("File(s)"), LPRng (" Rank Owner/ID")
    ps->rows_zone = true;
    ps->cups   = ps->cups || span_has(line, "File(s)");
    ps->lprng  = ps->lprng || span_has(line, "Owner/ID");
    return (true);
  }
  if (span_has(line, "Owner") && span_has(line, "Jobname") && span_has(line, "Job-Id"))
  {
    ps->windows   = true;
    ps->rows_zone = true;
    return (true);
  }
  if (span_has(line, "Windows") && span_has(line, "LPD Server"))
  {
    ps->windows = true;                 // the centred title line, not a status
    return (true);
  }
  if (n >= 2 && span_is(tok[0], "Printer") && tok[1].n > 2 && !memcmp(tok[1].p, "\\\\", 2))
    ps->windows = true;                 // "Printer \\host\share": status, below
  else if (n >= 2 && span_is(tok[0], "Printer:") && memchr(tok[1].p, '@', tok[1].n))
    ps->lprng = true;
  else if (n >= 3 && memchr(tok[0].p, '@', tok[0].n) && all_digits(tok[1]) &&
           (span_is(tok[2], "jobs") || span_is(tok[2], "job")))
    ps->lprng_short = true;
  else if (n >= 3 && span_is(tok[0], "Printer") && span_is(tok[1], "is") &&
           (!w->queue || strcasecmp(w->queue, "Printer")))
    ps->canon = true;
  else if (span_has(line, "DocuPrint"))
    ps->xerox = true;
  if (span_has(line, "no jobs queued on the port"))
    ps->jetdirect = ps->empty = true;
  else if (span_has(line, "no entry jobs"))
    ps->xerox = ps->empty = true;
  else if (span_is(trim(line), "no entries"))
    ps->empty = true;
  set_status(ps, line);
  return (true);
}

// 'parse_line()' - One line of the listing.
static void
parse_line(parse_t *ps, span_t line)
{
  span_t tok[MAX_TOKENS];
  row_t  row;
  bool   indented = line.n && isspace((unsigned char)line.p[0]), cups_long;
  int    n, kind;

  if (!trim(line).n)
  {
    flush(ps);
    return;
  }
  if (ps->has_pending && indented && parse_file_line(line, &ps->pending))
    return;
  if (ps->windows && ps->rows_zone)
  {
    if (trim(line).p[0] == '-')
      return;                           // the dashed rule under the header
    if (parse_windows_row(line, &row))
      judge(ps, &row);
    else
      ps->stray = true;
    return;
  }
  if ((kind = parse_row(line, &row, &cups_long)) != 0)
  {
    flush(ps);
    ps->cups  = ps->cups || cups_long;
    ps->lprng = ps->lprng || row.lprng;
    row.kib = ps->cups;                 // cups-lpd lists whole KiB
    if (kind == 1)
      judge(ps, &row);
    else
    {
      ps->pending     = row;
      ps->has_pending = true;
      ps->rows_zone   = true;
    }
    return;
  }
  flush(ps);
  n = tokenize(line, tok);
  if (ps->rows_zone && !(indented && ps->lprng) && !(n && span_is(tok[0], "Printer:")) &&
      !(n && span_is(tok[0], "Rank")))
    ps->stray = true;                   // where rows are listed, a line no parser knows
  else
    marker_line(ps, line, tok, n);
}

// 'family()' - The family the listing's markers and rows point to.
static lpd_family_t
family(const parse_t *ps)
{
  if (ps->windows)
    return (LPD_FAMILY_WINDOWS);
  if (ps->lprng)
    return (LPD_FAMILY_LPRNG);
  if (ps->cups)
    return (LPD_FAMILY_CUPS_LPD);
  if (ps->canon && (ps->any_row || ps->rows_zone || ps->empty))
    return (LPD_FAMILY_ALL_QUEUES);
  if (ps->xerox && (ps->any_row || ps->rows_zone || ps->empty))
    return (LPD_FAMILY_XEROX);
  if (ps->jetdirect)
    return (LPD_FAMILY_JETDIRECT);
  if (ps->any_row || ps->rows_zone || ps->empty)
    return (LPD_FAMILY_BSD);
  if (ps->lprng_short)
    return (LPD_FAMILY_LPRNG);
  if (ps->error)
    return (LPD_FAMILY_ERROR_REPLY);
  return (LPD_FAMILY_UNKNOWN);
}

// 'finish()' - The verdict: family, whether it was understood, and our job.
static void
finish(parse_t *ps)
{
  lpd_queue_state_t *st = ps->st;
  const tally_t     *t;

  flush(ps);
  st->family      = family(ps);
  st->foreign_ids = st->family == LPD_FAMILY_CUPS_LPD || st->family == LPD_FAMILY_WINDOWS ||
                    st->family == LPD_FAMILY_XEROX || st->family == LPD_FAMILY_ALL_QUEUES;
  st->understood  = st->family != LPD_FAMILY_UNKNOWN &&
                    st->family != LPD_FAMILY_ERROR_REPLY && !ps->stray &&
                    !(st->family == LPD_FAMILY_LPRNG && !ps->rows_zone && !ps->lprng);
  if (st->family == LPD_FAMILY_UNKNOWN || st->family == LPD_FAMILY_ERROR_REPLY)
    return;
  t = st->foreign_ids ? &ps->byots : &ps->bynum;
  if (t->hits > 1)
    st->ambiguous = true;
  else if (t->hits == 1)
  {
    st->found  = true;
    st->rank   = t->rank;
    st->active = t->active;
    st->how    = !st->foreign_ids ? LPD_MATCH_JOBNUM :
                 t->weak ? LPD_MATCH_OWNER_TITLE : LPD_MATCH_OWNER_TITLE_SIZE;
    if (st->foreign_ids)
      lprTextClean(st->server_id, sizeof(st->server_id), t->id.p, t->id.n);
  }
}

// 'lpdQueueParse()' - Parse a whole listing: family, status line, number of jobs, our job.
void
lpdQueueParse(const char *text, size_t len, const lpd_queue_match_t *want,
              lpd_queue_state_t *st)
{
  static const lpd_queue_match_t none = { 0, NULL, NULL, NULL, NULL, NULL, 0 };
  const char                     *line = text, *end = text + len, *nl;
  parse_t                        ps;

  memset(st, 0, sizeof(*st));
  memset(&ps, 0, sizeof(ps));
  ps.want = want ? want : &none;
  ps.st   = st;
  while (text && line < end)
  {
    size_t llen;

    nl   = memchr(line, '\n', (size_t)(end - line));
    llen = nl ? (size_t)(nl - line) : (size_t)(end - line);
    if (llen && line[llen - 1] == '\r')
      llen --;
    parse_line(&ps, (span_t){ line, llen });
    line = nl ? nl + 1 : end;
  }
  finish(&ps);
}

// 'lpdFamilyName()' - A family's name for messages.
const char *
lpdFamilyName(lpd_family_t family)
{
  static const char * const names[] =
  {
    "unknown", "error reply", "BSD lpd", "LPRng", "cups-lpd", "Windows LPD Service",
    "HP JetDirect", "Xerox", "all-queues spooler"
  };

  return ((size_t)family < sizeof(names) / sizeof(names[0]) ? names[family] : "unknown");
}

// 'lpdMatchName()' - How a job was found, for DEBUG lines.
const char *
lpdMatchName(lpd_match_t how)
{
  switch (how)
  {
    case LPD_MATCH_JOBNUM :
        return ("by its job number");
    case LPD_MATCH_OWNER_TITLE_SIZE :
        return ("by owner, title and size");
    case LPD_MATCH_OWNER_TITLE :
        return ("by owner and title");
    default :
        return ("not found");
  }
}
