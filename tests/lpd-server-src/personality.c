// lpd-server personality.c - server families: queue names, print letters, listing formats.
//
// Copyright 2026 The cups-lpr authors
//
// SPDX-License-Identifier: Apache-2.0
//
// Part of the test LPD server (tests/lpd-server); lpd-server.h says what each personality does
// and where the facts come from.

#include "lpd-server.h"


//
// Local functions...
//

static bool owner_text(const srv_state_t *st, char *buf, size_t size);
static bool append_line(srv_dbuf_t *out, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));
static bool format_bsd(const char *queue, const srv_state_t *rows, int count, srv_dbuf_t *out);
static bool format_windows(const char *queue, const srv_state_t *rows, int count,
                           srv_dbuf_t *out);


//
// Local globals...
//

static const char * const pers_names[PERS_MAX] =
{
  "none", "windows", "jetdirect", "xerox", "lexmark", "allqueues"
};

#define WIN_TITLE       "Windows LPD Server"
#define WIN_WIDTH       78                      // Width the title is centred in
#define WIN_HEAD        "Owner       Status    Jobname             Job-Id Size      Pages  Priority"
#define WIN_NOSUCH      "Windows LPD Server Error: specified printer does not exist\n"
#define JETDIRECT_EMPTY "no jobs queued on the port Auto\n"
#define PERS_IDLE_S     90                      // Lexmark's "LPD Timeout" default


// 'personality_by_name()' - The personality called NAME, PERS_MAX if none is.
srv_personality_t                       // O - Personality
personality_by_name(const char *name)   // I - Name
{
  int i;

  for (i = 0; i < PERS_MAX; i ++)
  {
    if (!strcmp(name, pers_names[i]))
      return ((srv_personality_t)i);
  }

  return (PERS_MAX);
}


// 'personality_defaults()' - Apply the personality's defaults where no option set a value.
void
personality_defaults(void)
{
  switch (cfg.personality)
  {
    case PERS_WINDOWS :
        if (!cfg.queues)
          cfg.queues = "lp";
        break;
    case PERS_JETDIRECT :
        cfg.queues = NULL;              // Any other name is taken as raw1: nothing is refused
        if (!cfg.idle_timeout_set)
          cfg.idle_timeout = PERS_IDLE_S;
        break;
    case PERS_LEXMARK :
        if (!cfg.idle_timeout_set)
          cfg.idle_timeout = PERS_IDLE_S;
        break;
    case PERS_XEROX :
        if (!cfg.max_sessions)
          cfg.max_sessions = 1;
        break;
    default :
        break;
  }
}


// 'queue_exists()' - Is QUEUE one of --queues (any queue when there is no list)?
bool                                    // O - true when it exists
queue_exists(const char *queue)         // I - Queue (display form)
{
  const char *p = cfg.queues, *end;
  size_t     len = strlen(queue);

  if (!p)
    return (true);

  for (; *p; p = *end ? end + 1 : end)
  {
    if ((end = strchr(p, ',')) == NULL)
      end = p + strlen(p);
    if ((size_t)(end - p) == len && !strncmp(p, queue, len))
      return (true);
  }

  return (false);
}


// 'letter_accepted()' - Does the personality print a data file named by this letter?
bool                                    // O - true when accepted
letter_accepted(char letter)            // I - Print letter (RFC 1179 section 7)
{
  // KB Q124735: the Windows LPD Service implements only the f and l letters.
  if (cfg.personality == PERS_WINDOWS)
    return (letter == 'f' || letter == 'l');

  return (true);
}


// 'listing_all_queues()' - Do listings show the jobs of every queue, whatever was asked?
bool                                    // O - true for PRISMAsync-style spoolers
listing_all_queues(void)
{
  return (cfg.personality == PERS_ALLQUEUES);
}


// 'owner_text()' - The owner column: user, or user@host with --owner-at-host.
static bool                             // O - true when it fits
owner_text(const srv_state_t *st,       // I - Job record
           char              *buf,      // O - Text
           size_t            size)      // I - Size of buf
{
  int n;

  if (!cfg.owner_at_host || !st->host[0])
    return (copy_text(buf, size, st->owner));

  n = snprintf(buf, size, "%s@%s", st->owner, st->host);
  return (n > 0 && (size_t)n < size);
}


// 'append_line()' - Format text onto a listing.
static bool                             // O - true on success
append_line(srv_dbuf_t *out,            // IO - Listing
            const char *fmt,            // I  - printf format
            ...)                        // I  - Arguments
{
  char    line[1024];
  int     n;
  va_list ap;

  va_start(ap, fmt);
  n = vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);

  return (n >= 0 && (size_t)n < sizeof(line) && dbuf_append(out, line, (size_t)n));
}


// 'format_unknown_queue()' - The answer to a listing of a queue that does not exist.
bool                                    // O - true on success
format_unknown_queue(const char *queue, // I - Queue (display form)
                     srv_dbuf_t *out)   // O - Listing
{
  switch (cfg.personality)
  {
    case PERS_WINDOWS :
        return (dbuf_append(out, WIN_NOSUCH, strlen(WIN_NOSUCH)));
    case PERS_XEROX :
        return (dbuf_append(out, "no entry queue\n", 15));
    default :
        // Debian's BSD lpd (tests/fixtures/queue-bsd-short-nosuch.txt).
        return (append_line(out, "lpd-server: lpd: %s: unknown printer\n", queue));
  }
}


// 'format_bsd()' - BSD lpq short format (LPRng, BSD lpd, Xerox and PRISMAsync write it too).
static bool                             // O - true on success
format_bsd(const char        *queue,    // I - Queue (display form)
           const srv_state_t *rows,     // I - Jobs listed
           int               count,     // I - Number of jobs
           srv_dbuf_t        *out)      // O - Listing
{
  char owner[160], rank[16];
  int  i;

  if (count == 0 && cfg.personality == PERS_XEROX)
    return (dbuf_append(out, "no entry jobs\n", 14));
  if (count == 0)
    return (dbuf_append(out, "no entries\n", 11));

  if (!append_line(out, "%s is ready and printing\n%s", queue, SRV_LISTING_HEAD))
    return (false);

  for (i = 0; i < count; i ++)
  {
    ordinal(i, rank, sizeof(rank));
    if (!owner_text(rows + i, owner, sizeof(owner)) ||
        !append_line(out, "%-6s %-7s %-4d %-37.37s %" PRId64 " bytes\n", i ? rank : "active",
                     owner, rows[i].job, rows[i].files, rows[i].size))
      return (false);
  }

  return (true);
}


// 'format_windows()' - Windows LPD Service listing (Samba's parse_lpq_nt() reads this shape).
static bool                             // O - true on success
format_windows(const char        *queue,// I - Queue (display form)
               const srv_state_t *rows, // I - Jobs listed
               int               count, // I - Number of jobs
               srv_dbuf_t        *out)  // O - Listing
{
  char owner[160];
  int  i, pad = (WIN_WIDTH - (int)strlen(WIN_TITLE)) / 2;

  // The address the server listens on stands for its host name in "\\host\share".
  if (!append_line(out, "\n%*s%s\n%*sPrinter \\\\%s\\%s\n\n%s\n%.78s\n", pad, "", WIN_TITLE,
                   pad, "", cfg.addr, queue, WIN_HEAD,
                   "-------------------------------------------------------------------------"
                   "-----"))
    return (false);

  // Fixed-width rows: owner 11, status 9, job name 19, Job-Id 6, size 9, pages, priority. The
  // Job-Id is the spooler's own number (the record's sequence number + 1), not the LPD job.
  for (i = 0; i < count; i ++)
  {
    if (!owner_text(rows + i, owner, sizeof(owner)) ||
        !append_line(out, "%-11.11s %-9.9s %-19.19s %-6u %-9" PRId64 " %-6d %d\n", owner,
                     i ? "Waiting" : "Printing", rows[i].title[0] ? rows[i].title : rows[i].files,
                     rows[i].seq + 1, rows[i].size, 0, 1))
      return (false);
  }

  return (true);
}


// 'format_listing()' - The answer to \3 or \4 in the personality's format.
bool                                    // O - true on success
format_listing(const char        *queue,// I - Queue (display form)
               const srv_state_t *rows, // I - Jobs listed
               int               count, // I - Number of jobs
               srv_dbuf_t        *out)  // O - Listing
{
  switch (cfg.personality)
  {
    case PERS_WINDOWS :
        return (format_windows(queue, rows, count, out));
    case PERS_JETDIRECT :
        // A print server has no queue to show: jobs go straight to the printer.
        return (dbuf_append(out, JETDIRECT_EMPTY, strlen(JETDIRECT_EMPTY)));
    default :
        return (format_bsd(queue, rows, count, out));
  }
}
