// Test LPD server (RFC 1179) that records what a client sent and emulates server behaviours.
//
// Copyright 2026 The cups-lpr authors
//
// SPDX-License-Identifier: Apache-2.0
//
// Used by the integration tests and as the local LPD server of the README's demo. POSIX + Linux,
// no third-party libraries. One process per connection; all shared state lives in DIR.
//
// Usage: lpd-server -d DIR [options]
//
//   -a, --address=ADDR      Listen address, numeric only (default 127.0.0.1; ::1 works).
//   -p, --port=PORT         Port (default 0 = ephemeral).
//   -P, --port-file=FILE    Once listening, write the bound port + "\n" to FILE (via FILE.tmp and
//                           rename, so a reader never sees a partial file).
//   -d, --dir=DIR           Record directory (required; created if missing).
//   -n, --count=COUNT       Stop accepting after COUNT connections, wait for them to end, exit 0.
//                           Default: serve until SIGTERM/SIGINT.
//   -q, --quiet             No per-event lines on stdout (default: one line per event).
//   --idle-timeout=S        Give up a connection when a read or write waits S seconds
//                           (default 60; 0 = never). A --stall wait is never timed out.
//   --refuse-zero[=CODE]    A data-file subcommand with count 0 gets NACK CODE (default 2), like
//                           BSD lpd.
//   --close-after-nack      After the NACK of a control- or data-file subcommand, close the
//                           connection (close reason nack) instead of reading on.
//   --max-data=N            A data-file subcommand with count > N gets NACK 2 (like LPRng mx#).
//   --nack=STEP:CODE        Answer STEP with octet CODE (1-255) instead of 0. STEP: command (the
//                           \2queue line), control (control-file subcommand line), control-end
//                           (after the control-file bytes + \0), data (data-file subcommand
//                           line), data-end (after the data bytes + \0, or for count 0 the final
//                           ack after the client's half-close). May be repeated.
//   --nack-text=FILE        After every NACK octet send the bytes of FILE verbatim (read once at
//                           start, at most 1 MiB). Default: "test server refused STEP\n".
//   --delay-ack=MS          Sleep MS milliseconds before every ack/nack.
//   --drop-after=N          Reset the connection (SO_LINGER 0) once N bytes of data-file content
//                           (not control files) have been received on it, across data files.
//   --stall=STEP            At STEP stop answering and stop reading; keep the connection open
//                           until the client closes or the server is killed. STEP as for --nack,
//                           plus accept (accept and never read anything).
//   --no-final-ack          Read everything, but close instead of sending the ack that completes
//                           the job (a lost final ack): the data-end ack, or the control-end ack
//                           when the control file comes last.
//   --close-at=STEP         Close the connection at STEP without answering (STEP as for --stall).
//   --garbage-ack           Send 'X' + 100 bytes of binary junk instead of every positive ack
//                           (configured NACKs are still sent as NACKs).
//   --refuse                Accept each connection and close it at once.
//   --queue-file=FILE       Answer \3 and \4 with the contents of FILE, re-read at every query.
//   --queue-bytes=N         Answer \3 and \4 with exactly N bytes of plausible listing text
//                           (streamed; N may be written 1e9), then close. Its job numbers are
//                           1000-9999, so it never lists a job sent with a cfA000-999 name.
//   --hold-polls=N          A complete job stays in generated listings for N queue queries, then
//                           leaves (default 0: jobs leave at once).
//
// Protocol (RFC 1179 sections 5 and 6), one command per connection:
//   \1q            ack 0, close.
//   \2q            ack 0 (or --nack), then subcommands until the client closes:
//                  \1\n abort: discard the job's files, mark it aborted, keep reading (no ack).
//                  \2COUNT SP NAME\n control file, \3COUNT SP NAME\n data file: the line is
//                  checked (COUNT decimal and fits in int64; NAME 1-255 bytes of 0x21-0x7e, no
//                  '/', not starting with '.', not queue/events/status), else NACK 1; ack;
//                  COUNT bytes; one octet that must be \0 (an error is logged if not); ack.
//                  Data count 0 (unless refused): everything until the client's half-close is
//                  data, then a final ack and the server closes (like LPRng).
//                  After a NACK the server keeps reading subcommands (like BSD lpd), except
//                  after a NACK of the command, where it closes.
//   \3q [list], \4q [list]
//                  Queue state text, then close. Generated (no --queue-file/--queue-bytes), the
//                  same BSD-like short format for both:
//                    "Q is ready and printing\n"
//                    "Rank   Owner   Job  Files                                 Total Size\n"
//                    "active root    123  title                                 1234 bytes\n"
//                    "1st    root    124  ...\n"
//                  or "no entries\n". Only complete jobs sent to queue Q that have been listed
//                  fewer than --hold-polls times and not removed; list items filter by job
//                  number or owner. Owner = P line, job = the 3 digits of cfA123host, files = N
//                  lines (else J, else "(standard input)"), size = sum of the data files.
//   \5q agent [list]
//                  Remove the listed jobs (numbers match job numbers, names match owners), or
//                  with no list all of the agent's jobs, among those the listing would show;
//                  reply "cfA123host dequeued\n" per job, close.
//
// Recording layout:
//   DIR/events            Server-wide log: listen, every connection's connect + command (raw line
//                         escaped, and the job directory for \2) + close, and all events of
//                         \1, \3, \4 and \5 connections (reply sizes, removals).
//   DIR/job-NNNN/         One per \2 command; NNNN is the lowest free number from 0001 (mkdir
//                         until one succeeds, so concurrent connections are safe; a reused DIR
//                         continues after the jobs already in it).
//     queue               The queue name as received, plus "\n".
//     events              One line per event (see below).
//     cfA123host, dfA...  Every file received, under the name the client gave (the bytes as
//                         received, without the trailing \0). An abort deletes them.
//     status              Written last, when the connection has ended: "complete\n" (a control
//                         file with at least one print line and every data file its print lines
//                         name were received intact: exact count, \0, not NACKed; no abort),
//                         "aborted\n" or "incomplete\n". Tests wait for this file.
//   DIR/.state/           Bookkeeping for listings (job-NNNN records, lock); not for tests.
//
// Event lines: "<CLOCK_REALTIME sec.nsec> <event> <details>", bytes outside 0x20-0x7e escaped
// as \xHH:
//   connect ADDR PORT | command CODE QUEUE ["RAW"] [job-NNNN] | subcmd control|data COUNT NAME
//   (or subcmd KIND "RAW" when malformed) | ack OCTET STEP NAME | nack OCTET STEP NAME [why]
//   | data-first-byte NAME | data-end NAME BYTES | abort N files discarded | error TEXT
//   | stall STEP | close-at STEP | no-final-ack NAME | drop BYTES
//   | reply BYTES [N entries | N removed] | remove job-NNNN JOB OWNER
//   | close REASON [job-NNNN STATUS]   (the job part only in DIR/events)
// data-first-byte and data-end are logged for control files too. A garbage ack is logged as
// "ack 88 STEP NAME garbage: ...". Close reasons: client (the client closed or half-closed),
// reset (the client reset the connection), done (the server finished), nack (command NACKed,
// or a subcommand with --close-after-nack), refuse, close-at, stall (the client went away
// during a stall), no-final-ack, drop, timeout (--idle-timeout), error, signal (SIGTERM/SIGINT).
//
// Precedence at a step: --close-at, then --stall, then --no-final-ack, then --nack. A job that
// --close-at/--stall/--no-final-ack leave unanswered is still "complete" when all of it arrived;
// a NACKed file never counts as received.
//
// Limits and quirks: command lines 4095 bytes (queue names are cut at 255), subcommand lines
// 1023, 64 command operands, 4096 files per job, listings 64 MiB. A --stall ends when the client's
// FIN arrives, so a client that half-closes while it still waits ends the stall too; a stall
// that begins after the half-close (count-0 data-end) lasts until the server is killed, or until
// keepalive probes find the client gone (about tcp_fin_timeout, 60 s, after it closed). With -n,
// the server exits only when every connection has ended. A connect line is written when the
// command has been read, with the time of the accept, so DIR/events is in write order.

#define _GNU_SOURCE

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>


//
// Constants...
//

#define SRV_BUF_SIZE      (256 * 1024)        // Socket/file streaming buffer
#define SRV_CMD_MAX       4096                // Longest command line + 1
#define SRV_SUBCMD_MAX    1024                // Longest subcommand line + 1
#define SRV_NAME_MAX      255                 // Longest file name accepted
#define SRV_NACK_TEXT_MAX (1024 * 1024)       // Cap for --nack-text
#define SRV_MAX_FILES     4096                // Files per job
#define SRV_MAX_TOKENS    64                  // Operands on a command line
#define SRV_TOKEN_MAX     256                 // Longest operand + 1
#define SRV_LISTING_MAX   (64 * 1024 * 1024)  // Cap for a generated listing
#define SRV_JUNK_BYTES    100                 // Junk after 'X' for --garbage-ack
#define SRV_DRAIN_MS      5000                // Graceful close: wait for the client's FIN
#define SRV_LISTING_HEAD  "Rank   Owner   Job  Files                                 Total Size\n"


//
// Types...
//

typedef enum srv_step_e                 // Protocol steps for --nack, --stall, --close-at
{
  STEP_NONE = -1,
  STEP_ACCEPT,
  STEP_COMMAND,
  STEP_CONTROL,
  STEP_CONTROL_END,
  STEP_DATA,
  STEP_DATA_END,
  STEP_MAX
} srv_step_t;

typedef enum srv_io_e                   // Result of a socket operation
{
  IO_OK,
  IO_EOF,
  IO_TIMEOUT,
  IO_TOOLONG,
  IO_ERROR,
  IO_SIGNAL
} srv_io_t;

typedef enum srv_close_e                // How a connection is closed
{
  CLOSE_GRACEFUL,                       // shutdown, wait for the client's FIN, close
  CLOSE_PLAIN,                          // close at once
  CLOSE_ABRUPT                          // reset (SO_LINGER 0)
} srv_close_t;

typedef struct srv_config_s             // Command-line options
{
  const char    *addr;
  int           port;
  const char    *port_file;
  const char    *dir;
  int64_t       count;                  // -1 = unlimited
  bool          quiet;
  int           idle_timeout;           // Seconds, 0 = none
  int           refuse_zero;            // 0 = off, else the NACK octet
  int64_t       max_data;               // -1 = off
  int           nack[STEP_MAX];         // 0 = normal ack
  unsigned char *nack_text;             // NULL = default text
  size_t        nack_text_len;
  int           delay_ack_ms;
  int64_t       drop_after;             // -1 = off
  srv_step_t    stall;
  srv_step_t    close_at;
  bool          no_final_ack;
  bool          close_after_nack;       // close after a subcommand NACK
  bool          garbage_ack;
  bool          refuse;
  const char    *queue_file;
  int64_t       queue_bytes;            // -1 = off
  int           hold_polls;
} srv_config_t;

typedef struct srv_file_s               // One file received in a job
{
  char          name[SRV_NAME_MAX + 1];
  int64_t       bytes;
  bool          control;
  bool          intact;                 // Exact count, \0, not NACKed, stored
} srv_file_t;

typedef struct srv_conn_s               // One client connection
{
  int             fd;
  unsigned        serial;               // Connection number (stdout lines)
  char            peer[NI_MAXHOST];
  char            peer_port[NI_MAXSERV];
  struct timespec connected;
  unsigned char   *buf;                 // Read buffer, SRV_BUF_SIZE bytes
  size_t          buf_len,
                  buf_pos;
  bool            eof;                  // The client half-closed
  int             last_errno;
  int64_t         data_bytes;           // Data-file content received (--drop-after)
  int             events_fd;            // Job events, or DIR/events
  char            queue[SRV_TOKEN_MAX];
  bool            is_job;
  unsigned        seq;                  // NNNN of job-NNNN
  char            job[32];              // "job-NNNN"
  int             job_fd;
  srv_file_t      *files;
  size_t          num_files,
                  alloc_files;
  int             control;              // Index of the last control file, -1 = none
  bool            aborted;
  bool            published;            // Listed in DIR/.state
  const char      *reason;              // Why the connection ended
  srv_close_t     close_mode;
} srv_conn_t;

typedef struct srv_summary_s            // What the control file says
{
  bool          complete;
  int           print_lines;
  int           job;
  char          owner[64];
  char          title[128];
  char          names[256];
  int64_t       size;
} srv_summary_t;

typedef struct srv_state_s              // A listed job (DIR/.state/job-NNNN)
{
  unsigned      seq;
  char          queue[SRV_TOKEN_MAX];
  char          owner[64];
  char          name[SRV_NAME_MAX + 1];
  char          files[256];
  int           job;
  int64_t       size;
  int           polls;
  bool          removed;
} srv_state_t;

typedef struct srv_tokens_s             // Operands of a command line
{
  int           count;
  char          tok[SRV_MAX_TOKENS][SRV_TOKEN_MAX];
} srv_tokens_t;

typedef struct srv_dbuf_s               // Growable buffer with a hard cap
{
  char          *data;
  size_t        len,
                alloc;
} srv_dbuf_t;


//
// Globals...
//

static const char * const step_names[STEP_MAX] =
{
  "accept", "command", "control", "control-end", "data", "data-end"
};

static srv_config_t           cfg;                      // Options
static volatile sig_atomic_t  got_stop = 0;             // SIGTERM/SIGINT seen
static sigset_t               run_mask;                 // Mask while waiting in ppoll()
static int                    dir_fd = -1;              // DIR
static int                    state_dir_fd = -1;        // DIR/.state
static int                    main_events_fd = -1;      // DIR/events


//
// Local functions...
//

static void conn_log(srv_conn_t *c, const char *event, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
static void main_log(srv_conn_t *c, const char *event, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));


// 'usage()' - Print the command-line usage.
static void
usage(FILE *out)                        // I - Where to print
{
  fputs("Usage: lpd-server -d DIR [options]\n"
        "  -a, --address=ADDR    numeric listen address (default 127.0.0.1)\n"
        "  -p, --port=PORT       port (default 0 = ephemeral)\n"
        "  -P, --port-file=FILE  write the bound port to FILE\n"
        "  -d, --dir=DIR         record directory\n"
        "  -n, --count=COUNT     exit after COUNT connections\n"
        "  -q, --quiet           no per-event lines on stdout\n"
        "  --idle-timeout=S      read/write timeout in seconds (default 60, 0 = none)\n"
        "  --refuse-zero[=CODE]  NACK data files with count 0 (default code 2)\n"
        "  --max-data=N          NACK 2 data files with count > N\n"
        "  --nack=STEP:CODE      answer STEP with CODE (command, control, control-end, data,\n"
        "                        data-end); repeatable\n"
        "  --nack-text=FILE      bytes sent after every NACK octet\n"
        "  --delay-ack=MS        sleep before every ack/nack\n"
        "  --drop-after=N        reset after N bytes of data-file content\n"
        "  --stall=STEP          stop answering at STEP (or accept)\n"
        "  --no-final-ack        close instead of the ack that completes the job\n"
        "  --close-after-nack    close after a subcommand NACK instead of reading on\n"
        "  --close-at=STEP       close without answering at STEP (or accept)\n"
        "  --garbage-ack         send 'X' + 100 junk bytes instead of every ack\n"
        "  --refuse              close every connection at once\n"
        "  --queue-file=FILE     answer queue queries with FILE\n"
        "  --queue-bytes=N       answer queue queries with N bytes of listing text\n"
        "  --hold-polls=N        keep complete jobs listed for N queue queries\n", out);
}


// 'on_signal()' - Note SIGTERM/SIGINT; the main loops act on it.
static void
on_signal(int sig)                      // I - Signal
{
  (void)sig;
  got_stop = 1;
}


// 'on_child()' - Interrupt the parent's ppoll() so it reaps children.
static void
on_child(int sig)                       // I - Signal
{
  (void)sig;
}


// 'parse_int64()' - Parse a decimal number (digits only) within [min, max].
static bool                             // O - true on success
parse_int64(const char *s,              // I - String
            int64_t    min,             // I - Smallest value
            int64_t    max,             // I - Largest value
            int64_t    *value)          // O - Value
{
  char      *end;
  long long v;

  // strtoll() would also take blanks and signs: insist on a digit first.
  if (!s || !isdigit((unsigned char)s[0]))
    return (false);

  errno = 0;
  v     = strtoll(s, &end, 10);
  if (errno == ERANGE || *end || v < min || v > max)
    return (false);

  *value = (int64_t)v;
  return (true);
}


// 'parse_int()' - Parse a decimal int within [min, max].
static bool                             // O - true on success
parse_int(const char *s,                // I - String
          int        min,               // I - Smallest value
          int        max,               // I - Largest value
          int        *value)            // O - Value
{
  int64_t v;

  if (!parse_int64(s, min, max, &v))
    return (false);

  *value = (int)v;
  return (true);
}


// 'parse_big()' - Parse a byte count written as digits or digits 'e' digits (1e9).
static bool                             // O - true on success
parse_big(const char *s,                // I - String
          int64_t    *value)            // O - Value
{
  const char *e = strpbrk(s, "eE");
  char       mantissa[32];
  int64_t    m, x;

  if (!e)
    return (parse_int64(s, 0, INT64_MAX, value));

  if (e == s || (size_t)(e - s) >= sizeof(mantissa))
    return (false);

  memcpy(mantissa, s, (size_t)(e - s));
  mantissa[e - s] = '\0';
  if (!parse_int64(mantissa, 0, INT64_MAX, &m) || !parse_int64(e + 1, 0, 18, &x))
    return (false);

  for (; x > 0; x --)
  {
    if (m > INT64_MAX / 10)
      return (false);
    m *= 10;
  }

  *value = m;
  return (true);
}


// 'parse_step()' - Look up a step name.
static srv_step_t                       // O - Step or STEP_NONE
parse_step(const char *s,               // I - Name
           size_t     len,              // I - Length of name
           bool       allow_accept)     // I - Is "accept" valid here?
{
  int i;

  for (i = allow_accept ? STEP_ACCEPT : STEP_COMMAND; i < STEP_MAX; i ++)
  {
    if (strlen(step_names[i]) == len && !memcmp(s, step_names[i], len))
      return ((srv_step_t)i);
  }

  return (STEP_NONE);
}


// 'parse_nack()' - Parse a --nack=STEP:CODE option.
static bool                             // O - true on success
parse_nack(const char *arg)             // I - Option value
{
  const char *colon = strrchr(arg, ':');
  srv_step_t step;
  int        code;

  if (!colon)
    return (false);

  if ((step = parse_step(arg, (size_t)(colon - arg), false)) == STEP_NONE)
    return (false);

  if (!parse_int(colon + 1, 1, 255, &code))
    return (false);

  cfg.nack[step] = code;
  return (true);
}


// 'load_nack_text()' - Read the --nack-text file into memory.
static bool                             // O - true on success
load_nack_text(const char *path)        // I - File
{
  int     fd;
  ssize_t n;
  size_t  len = 0;

  if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
  {
    fprintf(stderr, "lpd-server: %s: %s\n", path, strerror(errno));
    return (false);
  }

  free(cfg.nack_text);
  if ((cfg.nack_text = malloc(SRV_NACK_TEXT_MAX + 1)) == NULL)
  {
    close(fd);
    fputs("lpd-server: out of memory\n", stderr);
    return (false);
  }

  // Read one byte past the cap to tell "exactly the cap" from "too big".
  while (len <= SRV_NACK_TEXT_MAX)
  {
    n = read(fd, cfg.nack_text + len, SRV_NACK_TEXT_MAX + 1 - len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
    {
      fprintf(stderr, "lpd-server: %s: %s\n", path, strerror(errno));
      close(fd);
      return (false);
    }
    if (n == 0)
      break;
    len += (size_t)n;
  }
  close(fd);

  if (len > SRV_NACK_TEXT_MAX)
  {
    fprintf(stderr, "lpd-server: %s: larger than %d bytes\n", path, SRV_NACK_TEXT_MAX);
    return (false);
  }

  cfg.nack_text_len = len;
  return (true);
}


// 'write_full()' - Write a whole buffer to a file, retrying short writes and EINTR.
static bool                             // O - true on success
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
static bool                             // O - true when it fitted
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
static void
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
static void
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
static void
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
static void
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
static void
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
static void
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


// 'idle_ms()' - The --idle-timeout in milliseconds, -1 for none.
static int                              // O - Timeout for wait_fd()
idle_ms(void)
{
  return (cfg.idle_timeout > 0 ? cfg.idle_timeout * 1000 : -1);
}


// 'wait_fd()' - Wait for an fd (or just sleep when fd < 0); SIGTERM/SIGINT only get through here.
static srv_io_t                         // O - IO_OK (ready), IO_TIMEOUT, IO_SIGNAL or IO_ERROR
wait_fd(int   fd,                       // I - Socket or -1
        short events,                   // I - poll() events
        int   timeout_ms,               // I - Timeout or -1 for none
        short *revents)                 // O - poll() revents or NULL
{
  struct pollfd   pfd;
  struct timespec deadline, now, left, *leftp = NULL;
  int             n;

  if (timeout_ms >= 0)
  {
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec  += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L)
    {
      deadline.tv_sec ++;
      deadline.tv_nsec -= 1000000000L;
    }
  }

  for (;;)
  {
    if (got_stop)
      return (IO_SIGNAL);

    if (timeout_ms >= 0)
    {
      clock_gettime(CLOCK_MONOTONIC, &now);
      left.tv_sec  = deadline.tv_sec - now.tv_sec;
      left.tv_nsec = deadline.tv_nsec - now.tv_nsec;
      if (left.tv_nsec < 0)
      {
        left.tv_sec --;
        left.tv_nsec += 1000000000L;
      }
      if (left.tv_sec < 0)
        left.tv_sec = left.tv_nsec = 0;
      leftp = &left;
    }

    pfd.fd      = fd;
    pfd.events  = events;
    pfd.revents = 0;

    // The signals are blocked everywhere else, so none can slip in between the check above and
    // the wait: ppoll() unblocks them atomically.
    n = ppoll(fd >= 0 ? &pfd : NULL, fd >= 0 ? 1 : 0, leftp, &run_mask);
    if (n > 0)
    {
      if (revents)
        *revents = pfd.revents;
      return (IO_OK);
    }
    if (n == 0)
      return (IO_TIMEOUT);
    if (errno != EINTR)
      return (IO_ERROR);
  }
}


// 'conn_fill()' - Make sure the read buffer holds at least one byte.
static srv_io_t                         // O - IO_OK, IO_EOF, IO_TIMEOUT, IO_ERROR or IO_SIGNAL
conn_fill(srv_conn_t *c)                // I - Connection
{
  ssize_t  n;
  srv_io_t r;

  if (c->buf_pos < c->buf_len)
    return (IO_OK);
  if (c->eof)
    return (IO_EOF);

  c->buf_pos = c->buf_len = 0;

  for (;;)
  {
    // Always wait first, even when data is likely there: that is where SIGTERM gets in.
    if ((r = wait_fd(c->fd, POLLIN, idle_ms(), NULL)) != IO_OK)
      return (r);

    if ((n = read(c->fd, c->buf, SRV_BUF_SIZE)) > 0)
    {
      c->buf_len = (size_t)n;
      return (IO_OK);
    }
    if (n == 0)
    {
      c->eof = true;
      return (IO_EOF);
    }
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
      continue;

    c->last_errno = errno;
    return (IO_ERROR);
  }
}


// 'conn_read_line()' - Read one LF-terminated line (LF removed, NUL-terminated).
static srv_io_t                         // O - IO_OK, IO_TOOLONG or a conn_fill() result
conn_read_line(srv_conn_t *c,           // I - Connection
               char       *line,        // O - Line
               size_t     size,         // I - Size of line
               size_t     *len)         // O - Bytes in line (it may hold NULs)
{
  srv_io_t r;

  *len = 0;
  for (;;)
  {
    if ((r = conn_fill(c)) != IO_OK)
    {
      line[*len] = '\0';
      return (r);
    }

    while (c->buf_pos < c->buf_len)
    {
      unsigned char ch = c->buf[c->buf_pos ++];

      if (ch == '\n')
      {
        line[*len] = '\0';
        return (IO_OK);
      }
      if (*len + 1 >= size)
      {
        line[*len] = '\0';
        return (IO_TOOLONG);
      }
      line[(*len) ++] = (char)ch;
    }
  }
}


// 'conn_write()' - Send bytes to the client, waiting (bounded) while its window is full.
static srv_io_t                         // O - IO_OK, IO_TIMEOUT, IO_ERROR or IO_SIGNAL
conn_write(srv_conn_t *c,               // I - Connection
           const void *data,            // I - Bytes
           size_t     len)              // I - Number of bytes
{
  const char *p = data;
  ssize_t    n;
  srv_io_t   r;

  while (len > 0)
  {
    if ((r = wait_fd(c->fd, POLLOUT, idle_ms(), NULL)) != IO_OK)
      return (r);

    if ((n = send(c->fd, p, len, MSG_NOSIGNAL)) > 0)
    {
      p   += n;
      len -= (size_t)n;
    }
    else if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
    {
      continue;
    }
    else
    {
      c->last_errno = n < 0 ? errno : EIO;
      return (IO_ERROR);
    }
  }

  return (IO_OK);
}


// 'conn_close()' - Close the client socket the way c->close_mode asks.
static void
conn_close(srv_conn_t *c)               // I - Connection
{
  struct linger   lg = { 1, 0 };
  struct timespec start, now;
  long            waited;
  ssize_t         n;

  if (c->fd < 0)
    return;

  if (c->close_mode == CLOSE_ABRUPT)
  {
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
  }
  else if (c->close_mode == CLOSE_PLAIN)
  {
    // FIN first, then discard what has already arrived: the client then most likely reads EOF
    // rather than a reset (bytes still in flight can still turn into one).
    shutdown(c->fd, SHUT_WR);
    for (int i = 0; c->buf && i < 16 && read(c->fd, c->buf, SRV_BUF_SIZE) > 0; i ++)
    {
      // Bounded: a client that keeps sending gets its reset.
    }
  }
  else if (c->close_mode == CLOSE_GRACEFUL && c->buf)
  {
    // Unread bytes at close() turn the FIN into a reset that can destroy the tail of what we
    // sent (a listing): send our FIN and wait a little for the client's.
    shutdown(c->fd, SHUT_WR);
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (!c->eof)
    {
      clock_gettime(CLOCK_MONOTONIC, &now);
      waited = (long)(now.tv_sec - start.tv_sec) * 1000L +
               (now.tv_nsec - start.tv_nsec) / 1000000L;
      if (waited >= SRV_DRAIN_MS ||
          wait_fd(c->fd, POLLIN, (int)(SRV_DRAIN_MS - waited), NULL) != IO_OK)
        break;
      n = read(c->fd, c->buf, SRV_BUF_SIZE);
      if (n == 0)
        c->eof = true;
      else if (n < 0 && errno != EINTR && errno != EAGAIN)
        break;
    }
  }

  close(c->fd);
  c->fd = -1;
}


// 'conn_failed()' - Log why a socket operation failed and set the close reason.
static void
conn_failed(srv_conn_t *c,              // I - Connection
            srv_io_t   r,               // I - Result
            const char *context)        // I - What was being done
{
  switch (r)
  {
    case IO_EOF :
        conn_log(c, "error", "connection closed by the client while %s", context);
        c->reason = "client";
        break;
    case IO_TIMEOUT :
        conn_log(c, "error", "idle timeout (%d s) while %s", cfg.idle_timeout, context);
        c->reason = "timeout";
        break;
    case IO_TOOLONG :
        conn_log(c, "error", "line too long while %s", context);
        c->reason = "error";
        break;
    case IO_SIGNAL :
        c->reason = "signal";
        break;
    default :
        conn_log(c, "error", "%s while %s", strerror(c->last_errno), context);
        c->reason = c->last_errno == ECONNRESET ? "reset" : "error";
        break;
  }

  c->close_mode = CLOSE_PLAIN;
}


// 'send_answer()' - Send an ack (0) or a NACK octet plus its text, after --delay-ack.
static bool                             // O - true when the connection can go on
send_answer(srv_conn_t *c,              // I - Connection
            const char *step,           // I - Step name (logs, default NACK text)
            int        code,            // I - Octet
            const char *name,           // I - File or queue name for the log
            const char *why)            // I - Reason for a NACK or NULL
{
  unsigned char out[1 + SRV_JUNK_BYTES];
  char          text[128];
  srv_io_t      r;
  int           i;

  if (cfg.delay_ack_ms > 0 && wait_fd(-1, 0, cfg.delay_ack_ms, NULL) == IO_SIGNAL)
  {
    conn_failed(c, IO_SIGNAL, "delaying an answer");
    return (false);
  }

  if (code == 0 && cfg.garbage_ack)
  {
    // Junk that covers NUL, LF and 8-bit bytes, so no client can mistake it for text.
    out[0] = 'X';
    for (i = 0; i < SRV_JUNK_BYTES; i ++)
      out[i + 1] = (unsigned char)((i * 157 + 10) & 0xff);
    out[20] = 0x00;
    out[40] = 0xff;
    conn_log(c, "ack", "88 %s %s garbage: X + %d junk bytes", step, name, SRV_JUNK_BYTES);
    r = conn_write(c, out, sizeof(out));
  }
  else
  {
    out[0] = (unsigned char)code;
    if (code)
      conn_log(c, "nack", "%d %s %s%s%s", code, step, name, why ? " " : "", why ? why : "");
    else
      conn_log(c, "ack", "0 %s %s", step, name);

    r = conn_write(c, out, 1);
    if (r == IO_OK && code)
    {
      if (cfg.nack_text)
      {
        r = conn_write(c, cfg.nack_text, cfg.nack_text_len);
      }
      else
      {
        int n = snprintf(text, sizeof(text), "test server refused %s\n", step);

        if (n > 0 && (size_t)n < sizeof(text))
          r = conn_write(c, text, (size_t)n);
      }
    }
  }

  if (r != IO_OK)
  {
    conn_failed(c, r, "sending an answer");
    return (false);
  }

  return (true);
}


// 'stall()' - Stop answering and reading until the client goes away or we are killed.
static void
stall(srv_conn_t *c)                    // I - Connection
{
  int   on = 1, idle = 2, count = 3;
  short revents = 0;

  // After the client's FIN we cannot tell its close from a half-close without writing; TCP
  // keepalive finds a vanished client (once its orphaned socket has timed out) without sending
  // the client anything it could read.
  setsockopt(c->fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
  setsockopt(c->fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
  setsockopt(c->fd, IPPROTO_TCP, TCP_KEEPINTVL, &idle, sizeof(idle));
  setsockopt(c->fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof(count));

  // POLLHUP and POLLERR are always reported; POLLRDHUP only before the client's FIN was seen.
  if (wait_fd(c->fd, c->eof ? 0 : POLLRDHUP, -1, &revents) == IO_SIGNAL)
    c->reason = "signal";
  else
    c->reason = "stall";

  c->close_mode = CLOSE_PLAIN;
}


// 'at_step()' - Apply --close-at and --stall at a protocol step.
static bool                             // O - true to answer normally, false when it has ended
at_step(srv_conn_t *c,                  // I - Connection
        srv_step_t step)                // I - Step reached
{
  if (cfg.close_at == step)
  {
    conn_log(c, "close-at", "%s", step_names[step]);
    c->reason     = "close-at";
    c->close_mode = CLOSE_PLAIN;
    return (false);
  }

  if (cfg.stall == step)
  {
    conn_log(c, "stall", "%s", step_names[step]);
    stall(c);
    return (false);
  }

  return (true);
}


// 'tokenize()' - Split command operands on blanks (each capped at 255 bytes).
static void
tokenize(const char   *s,               // I - Operands (after the command octet)
         size_t       len,              // I - Length
         srv_tokens_t *t)               // O - Tokens
{
  size_t i = 0, start, n;

  t->count = 0;
  while (i < len && t->count < SRV_MAX_TOKENS)
  {
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
      i ++;
    if (i >= len)
      break;

    start = i;
    while (i < len && s[i] != ' ' && s[i] != '\t')
      i ++;

    n = i - start;
    if (n > SRV_TOKEN_MAX - 1)
      n = SRV_TOKEN_MAX - 1;
    memcpy(t->tok[t->count], s + start, n);
    t->tok[t->count][n] = '\0';
    t->count ++;
  }
}


// 'find_file()' - Find a received file by name.
static int                              // O - Index or -1
find_file(const srv_conn_t *c,          // I - Connection
          const char       *name,       // I - File name
          size_t           len)         // I - Length of name
{
  size_t i;

  for (i = 0; i < c->num_files; i ++)
  {
    if (strlen(c->files[i].name) == len && !memcmp(c->files[i].name, name, len))
      return ((int)i);
  }

  return (-1);
}


// 'add_file()' - Add (or restart) a file entry of the job.
static int                              // O - Index or -1 when full
add_file(srv_conn_t *c,                 // I - Connection
         const char *name,              // I - Validated file name
         bool       control)            // I - Control file?
{
  int        i = find_file(c, name, strlen(name));
  srv_file_t *f;

  if (i < 0)
  {
    if (c->num_files >= SRV_MAX_FILES)
      return (-1);

    if (c->num_files >= c->alloc_files)
    {
      size_t     alloc = c->alloc_files ? 2 * c->alloc_files : 16;
      srv_file_t *files = realloc(c->files, alloc * sizeof(srv_file_t));

      if (!files)
        return (-1);
      c->files       = files;
      c->alloc_files = alloc;
    }
    i = (int)c->num_files ++;
  }

  f = c->files + i;
  copy_text(f->name, sizeof(f->name), name);
  f->bytes   = 0;
  f->control = control;
  f->intact  = false;

  if (control)
    c->control = i;
  else if (c->control == i)
    c->control = -1;

  return (i);
}


// 'parse_subcmd()' - Check a \2 or \3 subcommand line: COUNT SP NAME.
static const char *                     // O - NULL when valid, else why not
parse_subcmd(const char *line,          // I - Line (first byte is the subcommand)
             size_t     len,            // I - Length of line
             int64_t    *count,         // O - Byte count
             char       *name,          // O - File name
             size_t     namesize)       // I - Size of name
{
  char   digits[32];
  size_t i = 1, n;

  while (i < len && isdigit((unsigned char)line[i]))
    i ++;
  n = i - 1;

  if (n == 0)
    return ("count is not a decimal number");
  if (n >= sizeof(digits))
    return ("count does not fit in 64 bits");

  memcpy(digits, line + 1, n);
  digits[n] = '\0';
  if (!parse_int64(digits, 0, INT64_MAX, count))
    return ("count does not fit in 64 bits");

  if (i >= len || line[i] != ' ')
    return ("no single space after the count");
  i ++;

  n = len - i;
  if (n == 0)
    return ("empty file name");
  if (n > SRV_NAME_MAX || n >= namesize)
    return ("file name longer than 255 bytes");

  for (size_t j = i; j < len; j ++)
  {
    unsigned char ch = (unsigned char)line[j];

    if (ch <= 0x20 || ch >= 0x7f)
      return ("file name has a blank, control or 8-bit byte");
    if (ch == '/')
      return ("file name contains '/'");
  }

  if (line[i] == '.')
    return ("file name starts with '.'");

  memcpy(name, line + i, n);
  name[n] = '\0';

  if (!strcmp(name, "queue") || !strcmp(name, "events") || !strcmp(name, "status"))
    return ("file name reserved by the test server");

  return (NULL);
}


// 'job_number()' - The job number in a cfA123host name, 0 if none.
static int                              // O - Job number
job_number(const char *name)            // I - Control file name
{
  if (strlen(name) >= 6 && isdigit((unsigned char)name[3]) && isdigit((unsigned char)name[4]) &&
      isdigit((unsigned char)name[5]))
    return ((name[3] - '0') * 100 + (name[4] - '0') * 10 + (name[5] - '0'));

  return (0);
}


// 'summary_line()' - Apply one control-file line to a job summary.
static void
summary_line(const srv_conn_t *c,       // I  - Connection
             srv_summary_t    *s,       // IO - Summary
             const char       *line,    // I  - Line without LF
             size_t           len,      // I  - Length of line
             bool             *refs_ok) // IO - Every print line names an intact data file?
{
  char   letter;
  size_t used;
  int    i;

  if (len == 0)
    return;

  letter = line[0];
  line ++;
  len --;

  if (letter == 'P' && !s->owner[0])
  {
    escape_display(line, len, s->owner, sizeof(s->owner));
  }
  else if (letter == 'J' && !s->title[0])
  {
    escape_display(line, len, s->title, sizeof(s->title));
  }
  else if (letter == 'N')
  {
    used = strlen(s->names);
    if (used && used + 2 < sizeof(s->names))
    {
      memcpy(s->names + used, ", ", 3);
      used += 2;
    }
    escape_display(line, len, s->names + used, sizeof(s->names) - used);
  }
  else if (letter && strchr("cdfglnoprtv", letter))
  {
    // RFC 1179 section 7: these letters print the data file named by the operand.
    s->print_lines ++;
    i = find_file(c, line, len);
    if (i < 0 || c->files[i].control || !c->files[i].intact)
      *refs_ok = false;
  }
}


// 'job_summary()' - Read the job's control file and decide whether the job is complete.
static bool                             // O - true when complete
job_summary(const srv_conn_t *c,        // I - Connection
            srv_summary_t    *s)        // O - Summary
{
  char          chunk[8192], line[1024];
  size_t        len = 0, i;
  ssize_t       n;
  int           fd;
  bool          refs_ok = true;

  memset(s, 0, sizeof(*s));

  for (i = 0; i < c->num_files; i ++)
  {
    if (!c->files[i].control && c->files[i].intact)
      s->size += c->files[i].bytes;
  }

  if (c->control < 0 || !c->files[c->control].intact)
    return (false);

  s->job = job_number(c->files[c->control].name);

  if ((fd = openat(c->job_fd, c->files[c->control].name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
    return (false);

  // Lines longer than the buffer are cut; a print line that long names no file we accepted.
  while ((n = read(fd, chunk, sizeof(chunk))) != 0)
  {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
    {
      refs_ok = false;
      break;
    }

    for (i = 0; i < (size_t)n; i ++)
    {
      if (chunk[i] == '\n')
      {
        summary_line(c, s, line, len, &refs_ok);
        len = 0;
      }
      else if (len < sizeof(line))
      {
        line[len ++] = chunk[i];
      }
    }
  }
  if (len > 0)
    summary_line(c, s, line, len, &refs_ok);
  close(fd);

  s->complete = !c->aborted && refs_ok && s->print_lines > 0;
  return (s->complete);
}


// 'dbuf_append()' - Append bytes to a growable buffer, up to SRV_LISTING_MAX.
static bool                             // O - true on success
dbuf_append(srv_dbuf_t *b,              // IO - Buffer
            const char *data,           // I  - Bytes
            size_t     len)             // I  - Number of bytes
{
  if (b->len + len > SRV_LISTING_MAX)
    return (false);

  if (b->len + len > b->alloc)
  {
    size_t alloc = b->alloc ? b->alloc : 4096;
    char   *p;

    while (alloc < b->len + len)
      alloc *= 2;
    if ((p = realloc(b->data, alloc)) == NULL)
      return (false);
    b->data  = p;
    b->alloc = alloc;
  }

  memcpy(b->data + b->len, data, len);
  b->len += len;
  return (true);
}


// 'state_lock()' - Take the exclusive lock on DIR/.state.
static int                              // O - Lock fd or -1
state_lock(void)
{
  int fd;

  // flock() belongs to the open file description: every holder opens the file itself.
  if ((fd = openat(state_dir_fd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
    return (-1);

  while (flock(fd, LOCK_EX) < 0)
  {
    if (errno != EINTR)
    {
      close(fd);
      return (-1);
    }
  }

  return (fd);
}


// 'state_save()' - Write a job record atomically (caller holds the lock).
static bool                             // O - true on success
state_save(const srv_state_t *st)       // I - Record
{
  char text[2048], name[32], tmp[40];
  int  n, fd;
  bool ok;

  n = snprintf(text, sizeof(text),
               "queue=%s\nowner=%s\nname=%s\nfiles=%s\njob=%d\nsize=%" PRId64
               "\npolls=%d\nremoved=%d\n", st->queue, st->owner, st->name, st->files, st->job,
               st->size, st->polls, st->removed ? 1 : 0);
  if (n < 0 || (size_t)n >= sizeof(text))
    return (false);

  n = snprintf(name, sizeof(name), "job-%04u", st->seq);
  if (n < 0 || (size_t)n >= sizeof(name))
    return (false);
  n = snprintf(tmp, sizeof(tmp), "job-%04u.tmp", st->seq);
  if (n < 0 || (size_t)n >= sizeof(tmp))
    return (false);

  if ((fd = openat(state_dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
                   0600)) < 0)
    return (false);
  ok = write_full(fd, text, strlen(text));
  if (close(fd) < 0)
    ok = false;

  return (ok && renameat(state_dir_fd, tmp, state_dir_fd, name) == 0);
}


// 'state_load()' - Read a job record.
static bool                             // O - true on success
state_load(unsigned    seq,             // I - Job sequence number
           srv_state_t *st)             // O - Record
{
  char    text[4096], name[32], *line, *next, *value;
  int     fd, n;
  ssize_t len;
  int64_t v;

  memset(st, 0, sizeof(*st));
  st->seq = seq;

  n = snprintf(name, sizeof(name), "job-%04u", seq);
  if (n < 0 || (size_t)n >= sizeof(name))
    return (false);

  if ((fd = openat(state_dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
    return (false);
  do
    len = read(fd, text, sizeof(text) - 1);
  while (len < 0 && errno == EINTR);
  close(fd);
  if (len <= 0)
    return (false);
  text[len] = '\0';

  for (line = text; *line; line = next)
  {
    if ((next = strchr(line, '\n')) != NULL)
      *next++ = '\0';
    else
      next = line + strlen(line);

    if ((value = strchr(line, '=')) == NULL)
      continue;
    *value++ = '\0';

    if (!strcmp(line, "queue"))
      copy_text(st->queue, sizeof(st->queue), value);
    else if (!strcmp(line, "owner"))
      copy_text(st->owner, sizeof(st->owner), value);
    else if (!strcmp(line, "name"))
      copy_text(st->name, sizeof(st->name), value);
    else if (!strcmp(line, "files"))
      copy_text(st->files, sizeof(st->files), value);
    else if (!strcmp(line, "job") && parse_int64(value, 0, INT_MAX, &v))
      st->job = (int)v;
    else if (!strcmp(line, "size") && parse_int64(value, 0, INT64_MAX, &v))
      st->size = v;
    else if (!strcmp(line, "polls") && parse_int64(value, 0, INT_MAX, &v))
      st->polls = (int)v;
    else if (!strcmp(line, "removed"))
      st->removed = !strcmp(value, "1");
  }

  return (true);
}


// 'compare_seq()' - qsort() order for job sequence numbers.
static int                              // O - Order
compare_seq(const void *a,              // I - First
            const void *b)              // I - Second
{
  unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

  return (x < y ? -1 : x > y);
}


// 'state_list()' - List the job records in DIR/.state, in job order (caller holds the lock).
static unsigned *                       // O - Sequence numbers (free it) or NULL
state_list(size_t *count)               // O - Number of records
{
  int           fd;
  DIR           *d;
  struct dirent *de;
  unsigned      *seqs = NULL, *p;
  size_t        alloc = 0;
  int64_t       v;

  *count = 0;

  // A fresh fd: a dup of a shared one would share the directory offset with other processes.
  if ((fd = openat(dir_fd, ".state", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    return (NULL);
  if ((d = fdopendir(fd)) == NULL)
  {
    close(fd);
    return (NULL);
  }

  while ((de = readdir(d)) != NULL)
  {
    if (strncmp(de->d_name, "job-", 4) || !parse_int64(de->d_name + 4, 1, UINT_MAX, &v))
      continue;

    if (*count >= alloc)
    {
      alloc = alloc ? 2 * alloc : 64;
      if ((p = realloc(seqs, alloc * sizeof(unsigned))) == NULL)
        break;
      seqs = p;
    }
    seqs[(*count) ++] = (unsigned)v;
  }
  closedir(d);

  if (*count > 1)
    qsort(seqs, *count, sizeof(unsigned), compare_seq);

  return (seqs);
}


// 'state_listed()' - Is a record shown by listings to this queue and list?
static bool                             // O - true when shown
state_listed(const srv_state_t  *st,    // I - Record
             const char         *queue, // I - Queue (display form)
             const srv_tokens_t *t,     // I - Command operands
             int                first,  // I - First list item in t
             const char         *agent) // I - Owner that must match when there is no list
{
  int64_t n;
  char    item[SRV_TOKEN_MAX];
  int     i;

  if (st->removed || st->polls >= cfg.hold_polls || strcmp(st->queue, queue))
    return (false);

  if (t->count <= first)
    return (!agent || !strcmp(st->owner, agent));

  // RFC 1179 section 5: list items are job numbers or user names.
  for (i = first; i < t->count; i ++)
  {
    if (parse_int64(t->tok[i], 0, INT_MAX, &n))
    {
      if (n == st->job)
        return (true);
    }
    else
    {
      escape_display(t->tok[i], strlen(t->tok[i]), item, sizeof(item));
      if (!strcmp(item, st->owner))
        return (true);
    }
  }

  return (false);
}


// 'job_publish()' - Make a complete job visible to queue listings.
static void
job_publish(srv_conn_t          *c,     // I - Connection
            const srv_summary_t *s)     // I - Summary of the control file
{
  srv_state_t st;
  int         lock;

  if (c->published)
    return;

  memset(&st, 0, sizeof(st));
  st.seq  = c->seq;
  st.job  = s->job;
  st.size = s->size;
  escape_display(c->queue, strlen(c->queue), st.queue, sizeof(st.queue));
  copy_text(st.owner, sizeof(st.owner), s->owner[0] ? s->owner : "-");
  copy_text(st.name, sizeof(st.name), c->files[c->control].name);
  copy_text(st.files, sizeof(st.files),
            s->names[0] ? s->names : s->title[0] ? s->title : "(standard input)");

  if ((lock = state_lock()) < 0 || !state_save(&st))
    conn_log(c, "error", "cannot record the job for listings: %s", strerror(errno));
  else
    c->published = true;

  if (lock >= 0)
    close(lock);
}


// 'job_unpublish()' - Take a job out of queue listings.
static void
job_unpublish(srv_conn_t *c)            // I - Connection
{
  int lock;

  if (!c->published)
    return;

  if ((lock = state_lock()) >= 0)
  {
    unlinkat(state_dir_fd, c->job, 0);
    close(lock);
  }
  c->published = false;
}


// 'job_create()' - Create DIR/job-NNNN for a \2 command and move the connection's log there.
static bool                             // O - true on success
job_create(srv_conn_t *c)               // I - Connection
{
  unsigned seq;
  int      n, fd;
  bool     ok;

  // mkdir() is atomic: concurrent connections each get their own number.
  for (seq = 1;; seq ++)
  {
    n = snprintf(c->job, sizeof(c->job), "job-%04u", seq);
    if (n < 0 || (size_t)n >= sizeof(c->job) || seq == UINT_MAX)
    {
      conn_log(c, "error", "%s", "no free job directory name");
      return (false);
    }
    if (!mkdirat(dir_fd, c->job, 0700))
      break;
    if (errno != EEXIST)
    {
      conn_log(c, "error", "cannot create %s/%s: %s", cfg.dir, c->job, strerror(errno));
      return (false);
    }
  }
  c->seq = seq;

  if ((c->job_fd = openat(dir_fd, c->job, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)) < 0 ||
      (fd = openat(c->job_fd, "events", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
                   0600)) < 0)
  {
    conn_log(c, "error", "cannot open %s/%s: %s", cfg.dir, c->job, strerror(errno));
    return (false);
  }
  c->events_fd = fd;
  c->is_job    = true;

  if ((fd = openat(c->job_fd, "queue", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
                   0600)) < 0)
  {
    conn_log(c, "error", "cannot create %s/%s/queue: %s", cfg.dir, c->job, strerror(errno));
    return (false);
  }
  ok = write_full(fd, c->queue, strlen(c->queue)) && write_full(fd, "\n", 1);
  if (close(fd) < 0 || !ok)
  {
    conn_log(c, "error", "cannot write %s/%s/queue: %s", cfg.dir, c->job, strerror(errno));
    return (false);
  }

  return (true);
}


// 'job_abort()' - Handle the abort subcommand: discard the job's files.
static void
job_abort(srv_conn_t *c)                // I - Connection
{
  size_t i;

  conn_log(c, "abort", "%u files discarded", (unsigned)c->num_files);

  for (i = 0; i < c->num_files; i ++)
  {
    if (unlinkat(c->job_fd, c->files[i].name, 0) < 0 && errno != ENOENT)
      conn_log(c, "error", "cannot delete %s: %s", c->files[i].name, strerror(errno));
  }

  c->num_files = 0;
  c->control   = -1;
  c->aborted   = true;
  job_unpublish(c);
}


// 'job_status()' - Decide the final status and keep the listings in line with it.
static const char *                     // O - "complete", "aborted" or "incomplete"
job_status(srv_conn_t *c)               // I - Connection
{
  srv_summary_t s;

  if (c->aborted)
  {
    job_unpublish(c);
    return ("aborted");
  }

  if (job_summary(c, &s))
  {
    job_publish(c, &s);
    return ("complete");
  }

  job_unpublish(c);
  return ("incomplete");
}


// 'job_write_status()' - Write DIR/job-NNNN/status atomically.
static void
job_write_status(srv_conn_t *c,         // I - Connection
                 const char *status)    // I - Status word
{
  int  fd;
  bool ok;

  if ((fd = openat(c->job_fd, ".status.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
                   O_NOFOLLOW, 0600)) < 0)
  {
    fprintf(stderr, "lpd-server: %s/%s/status: %s\n", cfg.dir, c->job, strerror(errno));
    return;
  }

  ok = write_full(fd, status, strlen(status)) && write_full(fd, "\n", 1);
  if (close(fd) < 0 || !ok || renameat(c->job_fd, ".status.tmp", c->job_fd, "status") < 0)
    fprintf(stderr, "lpd-server: %s/%s/status: %s\n", cfg.dir, c->job, strerror(errno));
}


// 'receive_content()' - Copy file content from the client to a file.
static srv_io_t                         // O - IO_OK or why the copy stopped
receive_content(srv_conn_t *c,          // I - Connection
                int        idx,         // I - File entry
                int        out,         // I - Output file or -1 to discard
                int64_t    count,       // I - Bytes, or -1 for "until the client's half-close"
                bool       is_data,     // I - Data file (counts for --drop-after)?
                bool       *dropped,    // O - --drop-after reached?
                bool       *wfailed)    // O - Writing to disk failed?
{
  int64_t  got = 0, want;
  size_t   avail, take;
  srv_io_t r = IO_OK;

  *dropped = false;
  *wfailed = out < 0;

  for (;;)
  {
    if (is_data && cfg.drop_after >= 0 && c->data_bytes >= cfg.drop_after)
    {
      *dropped = true;
      break;
    }
    if (count >= 0 && got >= count)
      break;

    if ((r = conn_fill(c)) != IO_OK)
    {
      if (r == IO_EOF && count < 0)
        r = IO_OK;
      break;
    }

    avail = c->buf_len - c->buf_pos;
    want  = count >= 0 ? count - got : INT64_MAX;
    if (is_data && cfg.drop_after >= 0 && cfg.drop_after - c->data_bytes < want)
      want = cfg.drop_after - c->data_bytes;
    take = (int64_t)avail < want ? avail : (size_t)want;

    if (got == 0 && take > 0)
      conn_log(c, "data-first-byte", "%s", c->files[idx].name);

    if (!*wfailed && !write_full(out, c->buf + c->buf_pos, take))
    {
      conn_log(c, "error", "cannot write %s: %s", c->files[idx].name, strerror(errno));
      *wfailed = true;
    }

    c->buf_pos += take;
    got        += (int64_t)take;
    if (is_data)
      c->data_bytes += (int64_t)take;
  }

  c->files[idx].bytes = got;
  return (r);
}


// 'receive_file()' - Handle a \2 (control) or \3 (data) subcommand.
static bool                             // O - true to read the next subcommand
receive_file(srv_conn_t *c,             // I - Connection
             const char *line,          // I - Subcommand line without LF
             size_t     len,            // I - Length of line
             bool       is_data)        // I - Data file?
{
  srv_step_t    step = is_data ? STEP_DATA : STEP_CONTROL,
                end = is_data ? STEP_DATA_END : STEP_CONTROL_END;
  const char    *kind = is_data ? "data" : "control", *why, *nack_why = NULL;
  char          name[SRV_NAME_MAX + 1], esc[SRV_SUBCMD_MAX * 4], context[SRV_NAME_MAX + 64];
  int64_t       count = 0;
  int           code = 0, idx = -1, out = -1;
  bool          dropped, wfailed, ok, complete, stream;
  srv_io_t      r;
  srv_summary_t s;
  unsigned char nul;

  if ((why = parse_subcmd(line, len, &count, name, sizeof(name))) != NULL)
  {
    escape_event(line + 1, len - 1, esc, sizeof(esc));
    conn_log(c, "subcmd", "%s \"%s\"", kind, esc);
  }
  else
  {
    conn_log(c, "subcmd", "%s %" PRId64 " %s", kind, count, name);
  }

  if (!at_step(c, step))
    return (false);

  stream = is_data && count == 0;

  if (why)
  {
    conn_log(c, "error", "bad %s subcommand: %s", kind, why);
    code     = 1;
    nack_why = why;
    copy_text(name, sizeof(name), "-");
  }
  else if (stream && cfg.refuse_zero)
  {
    code     = cfg.refuse_zero;
    nack_why = "(count 0 refused)";
  }
  else if (is_data && cfg.max_data >= 0 && count > cfg.max_data)
  {
    code     = 2;
    nack_why = "(count above --max-data)";
  }
  else if (cfg.nack[step])
  {
    code = cfg.nack[step];
  }
  else if ((idx = add_file(c, name, !is_data)) < 0)
  {
    conn_log(c, "error", "too many files in one job (%d)", SRV_MAX_FILES);
    code     = 2;
    nack_why = "(too many files)";
  }
  else if ((out = openat(c->job_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
                         0600)) < 0)
  {
    conn_log(c, "error", "cannot create %s: %s", name, strerror(errno));
    code     = 2;
    nack_why = "(cannot store the file)";
  }

  if (!send_answer(c, kind, code, name, nack_why))
  {
    if (out >= 0)
      close(out);
    return (false);
  }
  if (code && cfg.close_after_nack)
  {
    c->reason     = "nack";
    c->close_mode = CLOSE_PLAIN;
    return (false);
  }
  if (code)
    return (true);                      // Like BSD lpd: wait for the next subcommand

  r = receive_content(c, idx, out, stream ? -1 : count, is_data, &dropped, &wfailed);
  if (close(out) < 0 && !wfailed)
  {
    conn_log(c, "error", "cannot write %s: %s", name, strerror(errno));
    wfailed = true;
  }

  if (dropped)
  {
    conn_log(c, "drop", "%" PRId64, c->data_bytes);
    c->reason     = "drop";
    c->close_mode = CLOSE_ABRUPT;
    return (false);
  }
  if (r != IO_OK)
  {
    if (snprintf(context, sizeof(context), "receiving %s (%" PRId64 " of %" PRId64 " bytes)",
                 name, c->files[idx].bytes, count) < 0)
      copy_text(context, sizeof(context), "receiving a file");
    conn_failed(c, r, context);
    return (false);
  }

  conn_log(c, "data-end", "%s %" PRId64, name, c->files[idx].bytes);

  ok = !wfailed;
  if (!stream)
  {
    if ((r = conn_fill(c)) != IO_OK)
    {
      if (snprintf(context, sizeof(context), "waiting for the NUL after %s", name) < 0)
        copy_text(context, sizeof(context), "waiting for the NUL after a file");
      conn_failed(c, r, context);
      return (false);
    }

    // RFC 1179 section 6.2/6.3: the file is followed by one zero octet.
    if ((nul = c->buf[c->buf_pos ++]) != 0)
    {
      conn_log(c, "error", "expected NUL after %s, got 0x%02x", name, nul);
      ok = false;
    }
  }

  code                  = wfailed ? 2 : cfg.nack[end];
  c->files[idx].intact  = ok && code == 0;
  complete              = c->files[idx].intact && job_summary(c, &s);

  // Listed before the answer goes out, so a query right after the ack sees the job.
  if (complete)
    job_publish(c, &s);

  if (!at_step(c, end))
    return (false);

  if (complete && cfg.no_final_ack)
  {
    conn_log(c, "no-final-ack", "%s", name);
    c->reason     = "no-final-ack";
    c->close_mode = CLOSE_PLAIN;
    return (false);
  }

  if (!send_answer(c, step_names[end], code, name, wfailed ? "(cannot store the file)" : NULL))
    return (false);

  if (stream)
  {
    // The client has half-closed: nothing more can come.
    c->reason     = "done";
    c->close_mode = CLOSE_GRACEFUL;
    return (false);
  }

  return (true);
}


// 'serve_receive()' - Handle a \2 (receive job) command.
static void
serve_receive(srv_conn_t *c)            // I - Connection
{
  char     line[SRV_SUBCMD_MAX], esc[SRV_SUBCMD_MAX * 4], qesc[SRV_TOKEN_MAX * 4];
  size_t   len;
  srv_io_t r;
  int      code = cfg.nack[STEP_COMMAND];

  if (!at_step(c, STEP_COMMAND))
    return;

  escape_event(c->queue, strlen(c->queue), qesc, sizeof(qesc));
  if (!send_answer(c, "command", code, qesc, NULL))
    return;
  if (code)
  {
    c->reason     = "nack";
    c->close_mode = CLOSE_GRACEFUL;
    return;
  }

  for (;;)
  {
    r = conn_read_line(c, line, sizeof(line), &len);
    if (r == IO_EOF && len == 0)
    {
      c->reason     = "client";
      c->close_mode = CLOSE_GRACEFUL;
      return;
    }
    if (r != IO_OK)
    {
      conn_failed(c, r, "reading a subcommand line");
      return;
    }

    switch (len ? line[0] : 0)
    {
      case 1 :
          if (len > 1)
          {
            escape_event(line + 1, len - 1, esc, sizeof(esc));
            conn_log(c, "error", "abort subcommand with operands \"%s\"", esc);
          }
          job_abort(c);
          break;

      case 2 :
          if (!receive_file(c, line, len, false))
            return;
          break;

      case 3 :
          if (!receive_file(c, line, len, true))
            return;
          break;

      default :
          escape_event(line, len, esc, sizeof(esc));
          conn_log(c, "subcmd", "unknown \"%s\"", esc);
          conn_log(c, "error", "%s", "unknown subcommand");
          if (!send_answer(c, "subcommand", 1, "-", "(unknown subcommand)"))
            return;
          break;
    }
  }
}


// 'ordinal()' - Format a BSD lpq rank: 1st, 2nd, 3rd, 4th, ..., 11th, 21st.
static void
ordinal(int    n,                       // I - Rank
        char   *buf,                    // O - Text
        size_t size)                    // I - Size of buf
{
  const char *suffix = (n % 100 >= 11 && n % 100 <= 13) ? "th" :
                       n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";

  int        len = snprintf(buf, size, "%d%s", n, suffix);

  if (len < 0 || (size_t)len >= size)
    copy_text(buf, size, "?");
}


// 'send_fake_listing()' - Send exactly N bytes of plausible listing text (--queue-bytes).
static srv_io_t                         // O - Result of the writes
send_fake_listing(srv_conn_t *c,        // I - Connection
                  const char *queue,    // I - Queue (display form)
                  int64_t    total)     // I - Bytes to send
{
  char     head[SRV_TOKEN_MAX + 128], rank[16];
  size_t   blen = 0, hlen, n;
  int      m, i;
  int64_t  left = total;
  srv_io_t r;

  m = snprintf(head, sizeof(head), "%s is ready and printing\n" SRV_LISTING_HEAD, queue);
  if (m < 0 || (size_t)m >= sizeof(head))
    return (IO_ERROR);
  hlen = (size_t)m;

  // The read buffer is free here: fill it with job lines once and send it over and over. Job
  // numbers are 1000-9999 (LPRng-like), so the listing never shows the client's cfA job (0-999).
  for (i = 0; blen + 128 < SRV_BUF_SIZE; i ++)
  {
    ordinal(i, rank, sizeof(rank));
    m = snprintf((char *)c->buf + blen, SRV_BUF_SIZE - blen,
                 "%-6s %-7s %-4d %-37.37s %d bytes\n", i ? rank : "active", "root",
                 1000 + i % 9000, "document.pdf", 1024 + 17 * i);
    if (m < 0 || (size_t)m >= SRV_BUF_SIZE - blen)
      break;
    blen += (size_t)m;
  }

  n = (int64_t)hlen < left ? hlen : (size_t)left;
  if ((r = conn_write(c, head, n)) != IO_OK)
    return (r);
  left -= (int64_t)n;

  while (left > 0)
  {
    n = (int64_t)blen < left ? blen : (size_t)left;
    if ((r = conn_write(c, c->buf, n)) != IO_OK)
      return (r);
    left -= (int64_t)n;
  }

  return (IO_OK);
}


// 'send_queue_file()' - Send the current contents of --queue-file.
static srv_io_t                         // O - Result of the writes
send_queue_file(srv_conn_t *c,          // I - Connection
                int64_t    *sent)       // O - Bytes sent
{
  int      fd;
  ssize_t  n;
  srv_io_t r = IO_OK;

  *sent = 0;
  if ((fd = open(cfg.queue_file, O_RDONLY | O_CLOEXEC)) < 0)
  {
    conn_log(c, "error", "%s: %s", cfg.queue_file, strerror(errno));
    return (IO_OK);
  }

  while ((n = read(fd, c->buf, SRV_BUF_SIZE)) != 0)
  {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
    {
      conn_log(c, "error", "%s: %s", cfg.queue_file, strerror(errno));
      break;
    }
    if ((r = conn_write(c, c->buf, (size_t)n)) != IO_OK)
      break;
    *sent += n;
  }
  close(fd);

  return (r);
}


// 'build_listing()' - Generate the queue listing and count the query against listed jobs.
static bool                             // O - true on success
build_listing(srv_conn_t         *c,    // I - Connection
              const char         *queue,// I - Queue (display form)
              const srv_tokens_t *t,    // I - Operands (t->tok[0] is the queue)
              srv_dbuf_t         *out,  // O - Listing
              int                *entries)// O - Jobs listed
{
  srv_state_t st;
  srv_dbuf_t  body = { NULL, 0, 0 };
  unsigned    *seqs;
  size_t      count, i;
  char        line[512], rank[16];
  int         lock, n;
  bool        ok = true;

  *entries = 0;
  if ((lock = state_lock()) < 0)
  {
    conn_log(c, "error", "cannot lock %s/.state: %s", cfg.dir, strerror(errno));
    return (false);
  }

  seqs = state_list(&count);
  for (i = 0; i < count && ok; i ++)
  {
    if (!state_load(seqs[i], &st) || !state_listed(&st, queue, t, 1, NULL))
      continue;

    ordinal(*entries, rank, sizeof(rank));
    n = snprintf(line, sizeof(line), "%-6s %-7s %-4d %-37.37s %" PRId64 " bytes\n",
                 *entries ? rank : "active", st.owner, st.job, st.files, st.size);
    if (n < 0 || (size_t)n >= sizeof(line) || !dbuf_append(&body, line, (size_t)n))
    {
      ok = false;
      break;
    }

    (*entries) ++;
    st.polls ++;
    if (!state_save(&st))
      conn_log(c, "error", "cannot update the listing record of job-%04u", st.seq);
  }
  free(seqs);
  close(lock);

  if (ok && *entries)
  {
    n = snprintf(line, sizeof(line), "%s is ready and printing\n" SRV_LISTING_HEAD, queue);
    ok = n > 0 && (size_t)n < sizeof(line) && dbuf_append(out, line, (size_t)n) &&
         dbuf_append(out, body.data, body.len);
  }
  else if (ok)
  {
    ok = dbuf_append(out, "no entries\n", 11);
  }
  free(body.data);

  if (!ok)
    conn_log(c, "error", "%s", "listing too large");

  return (ok);
}


// 'serve_query()' - Handle \3 and \4 (queue state).
static void
serve_query(srv_conn_t         *c,      // I - Connection
            const srv_tokens_t *t)      // I - Operands
{
  char       queue[SRV_TOKEN_MAX];
  srv_dbuf_t out = { NULL, 0, 0 };
  srv_io_t   r = IO_OK;
  int64_t    sent = 0;
  int        entries = 0;

  escape_display(c->queue, strlen(c->queue), queue, sizeof(queue));

  if (cfg.queue_bytes >= 0)
  {
    r    = send_fake_listing(c, queue, cfg.queue_bytes);
    sent = cfg.queue_bytes;
    if (r == IO_OK)
      conn_log(c, "reply", "%" PRId64, sent);
  }
  else if (cfg.queue_file)
  {
    if ((r = send_queue_file(c, &sent)) == IO_OK)
      conn_log(c, "reply", "%" PRId64, sent);
  }
  else if (build_listing(c, queue, t, &out, &entries))
  {
    conn_log(c, "reply", "%u %d entries", (unsigned)out.len, entries);
    r = conn_write(c, out.data, out.len);
  }
  free(out.data);

  if (r != IO_OK)
  {
    conn_failed(c, r, "sending the queue state");
    return;
  }

  c->reason     = "done";
  c->close_mode = CLOSE_GRACEFUL;
}


// 'serve_remove()' - Handle \5 (remove jobs).
static void
serve_remove(srv_conn_t         *c,     // I - Connection
             const srv_tokens_t *t)     // I - Operands: queue, agent, list
{
  char        queue[SRV_TOKEN_MAX], agent[SRV_TOKEN_MAX], line[SRV_NAME_MAX + 32];
  srv_dbuf_t  out = { NULL, 0, 0 };
  srv_state_t st;
  unsigned    *seqs;
  size_t      count, i;
  int         lock, n, removed = 0;
  srv_io_t    r = IO_OK;

  c->reason     = "done";
  c->close_mode = CLOSE_GRACEFUL;

  if (t->count < 2)
  {
    conn_log(c, "error", "%s", "remove command without an agent");
    return;
  }

  escape_display(c->queue, strlen(c->queue), queue, sizeof(queue));
  escape_display(t->tok[1], strlen(t->tok[1]), agent, sizeof(agent));

  if ((lock = state_lock()) < 0)
  {
    conn_log(c, "error", "cannot lock %s/.state: %s", cfg.dir, strerror(errno));
    return;
  }

  seqs = state_list(&count);
  for (i = 0; i < count; i ++)
  {
    if (!state_load(seqs[i], &st) || !state_listed(&st, queue, t, 2, agent))
      continue;

    st.removed = true;
    if (!state_save(&st))
    {
      conn_log(c, "error", "cannot update the listing record of job-%04u", st.seq);
      continue;
    }
    conn_log(c, "remove", "job-%04u %d %s", st.seq, st.job, st.owner);
    removed ++;

    n = snprintf(line, sizeof(line), "%s dequeued\n", st.name);
    if (n > 0 && (size_t)n < sizeof(line))
      dbuf_append(&out, line, (size_t)n);
  }
  free(seqs);
  close(lock);

  conn_log(c, "reply", "%u %d removed", (unsigned)out.len, removed);
  if (out.len)
    r = conn_write(c, out.data, out.len);
  free(out.data);

  if (r != IO_OK)
    conn_failed(c, r, "sending the remove reply");
}


// 'serve_connection()' - Serve one client connection (in its own process).
static void
serve_connection(int                           fd,     // I - Client socket
                 unsigned                      serial, // I - Connection number
                 const struct sockaddr_storage *ss,    // I - Client address
                 socklen_t                     sslen)  // I - Size of address
{
  srv_conn_t   c;
  srv_tokens_t t;
  char         line[SRV_CMD_MAX], raw[SRV_CMD_MAX * 4 + 8], qesc[SRV_TOKEN_MAX * 4];
  size_t       len;
  srv_io_t     r;
  int          code;
  const char   *status = NULL;

  memset(&c, 0, sizeof(c));
  c.fd         = fd;
  c.serial     = serial;
  c.events_fd  = main_events_fd;
  c.job_fd     = -1;
  c.control    = -1;
  c.reason     = "error";
  c.close_mode = CLOSE_PLAIN;
  clock_gettime(CLOCK_REALTIME, &c.connected);

  if (getnameinfo((const struct sockaddr *)ss, sslen, c.peer, sizeof(c.peer), c.peer_port,
                  sizeof(c.peer_port), NI_NUMERICHOST | NI_NUMERICSERV))
  {
    copy_text(c.peer, sizeof(c.peer), "?");
    copy_text(c.peer_port, sizeof(c.peer_port), "?");
  }

  if ((c.buf = malloc(SRV_BUF_SIZE)) == NULL)
  {
    log_connect(&c);
    conn_log(&c, "error", "%s", "out of memory");
    goto done;
  }

  if (cfg.refuse)
  {
    log_connect(&c);
    c.reason = "refuse";
    goto done;
  }

  if (cfg.stall == STEP_ACCEPT || cfg.close_at == STEP_ACCEPT)
  {
    log_connect(&c);
    at_step(&c, STEP_ACCEPT);
    goto done;
  }

  if ((r = conn_read_line(&c, line, sizeof(line), &len)) != IO_OK || len == 0)
  {
    log_connect(&c);
    if (r == IO_EOF && len == 0)
    {
      conn_log(&c, "error", "%s", "connection closed before a command");
      c.reason     = "client";
      c.close_mode = CLOSE_GRACEFUL;
    }
    else if (r == IO_OK)
    {
      conn_log(&c, "error", "%s", "empty command line");
      c.close_mode = CLOSE_GRACEFUL;
    }
    else
    {
      conn_failed(&c, r, "reading the command line");
    }
    goto done;
  }

  code = (unsigned char)line[0];
  tokenize(line + 1, len - 1, &t);
  copy_text(c.queue, sizeof(c.queue), t.count ? t.tok[0] : "");
  escape_event(c.queue, strlen(c.queue), qesc, sizeof(qesc));
  escape_event(line, len, raw, sizeof(raw));

  if (code == 2)
  {
    bool created = job_create(&c);

    log_connect(&c);
    conn_log(&c, "command", "2 %s", qesc);
    main_log(&c, "command", "2 %s \"%s\" %s", qesc, raw, created ? c.job : "-");
    if (t.count > 1)
      conn_log(&c, "error", "%s", "receive-job command with extra operands");

    if (created)
    {
      serve_receive(&c);
      status = job_status(&c);
    }
    goto done;
  }

  log_connect(&c);
  conn_log(&c, "command", "%d %s \"%s\"", code, qesc, raw);

  switch (code)
  {
    case 1 :
        if (send_answer(&c, "print", 0, qesc, NULL))
        {
          c.reason     = "done";
          c.close_mode = CLOSE_GRACEFUL;
        }
        break;

    case 3 :
    case 4 :
        serve_query(&c, &t);
        break;

    case 5 :
        serve_remove(&c, &t);
        break;

    default :
        conn_log(&c, "error", "unknown command 0x%02x", (unsigned)code);
        c.close_mode = CLOSE_GRACEFUL;
        break;
  }

  done:

  conn_log(&c, "close", "%s", c.reason);
  if (c.is_job)
    main_log(&c, "close", "%s %s %s", c.reason, c.job, status ? status : "incomplete");
  conn_close(&c);

  // The status comes last: tests wait for it, and then everything else is in place.
  if (c.is_job)
    job_write_status(&c, status ? status : "incomplete");

  if (c.events_fd >= 0 && c.events_fd != main_events_fd)
    close(c.events_fd);
  if (c.job_fd >= 0)
    close(c.job_fd);
  free(c.files);
  free(c.buf);
}


// 'make_dirs()' - Create a directory and its parents (mkdir -p).
static bool                             // O - true on success
make_dirs(const char *path)             // I - Directory
{
  char   buf[PATH_MAX];
  size_t i, len = strlen(path);

  if (len == 0 || len >= sizeof(buf))
  {
    errno = ENAMETOOLONG;
    return (false);
  }
  memcpy(buf, path, len + 1);

  for (i = 1; i <= len; i ++)
  {
    if (buf[i] == '/' || buf[i] == '\0')
    {
      char saved = buf[i];

      buf[i] = '\0';
      if (mkdir(buf, 0700) < 0 && errno != EEXIST)
        return (false);
      buf[i] = saved;
    }
  }

  return (true);
}


// 'write_port_file()' - Write the bound port to FILE via FILE.tmp and rename().
static bool                             // O - true on success
write_port_file(const char *path,       // I - File
                int        port)        // I - Port
{
  char tmp[PATH_MAX], text[16];
  int  fd, n, m;
  bool ok;

  n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  m = snprintf(text, sizeof(text), "%d\n", port);
  if (n < 0 || (size_t)n >= sizeof(tmp) || m < 0 || (size_t)m >= sizeof(text))
  {
    errno = ENAMETOOLONG;
    return (false);
  }

  if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644)) < 0)
    return (false);
  ok = write_full(fd, text, (size_t)m);
  if (close(fd) < 0)
    ok = false;

  return (ok && rename(tmp, path) == 0);
}


// 'open_listener()' - Create the listening socket.
static int                              // O - Socket or -1
open_listener(int *bound)               // O - Bound port
{
  struct addrinfo         hints, *ai = NULL;
  struct sockaddr_storage ss;
  socklen_t               sslen = sizeof(ss);
  char                    portstr[16];
  int                     fd = -1, on = 1, err;

  memset(&hints, 0, sizeof(hints));
  hints.ai_family   = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags    = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
  err = snprintf(portstr, sizeof(portstr), "%d", cfg.port);
  if (err < 0 || (size_t)err >= sizeof(portstr))
    return (-1);

  if ((err = getaddrinfo(cfg.addr, portstr, &hints, &ai)) != 0)
  {
    fprintf(stderr, "lpd-server: bad listen address %s: %s\n", cfg.addr, gai_strerror(err));
    return (-1);
  }

  if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0 ||
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
      bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 128) < 0 ||
      getsockname(fd, (struct sockaddr *)&ss, &sslen) < 0)
  {
    fprintf(stderr, "lpd-server: cannot listen on %s port %d: %s\n", cfg.addr, cfg.port,
            strerror(errno));
    if (fd >= 0)
      close(fd);
    freeaddrinfo(ai);
    return (-1);
  }
  freeaddrinfo(ai);

  if (ss.ss_family == AF_INET6)
    *bound = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
  else
    *bound = ntohs(((struct sockaddr_in *)&ss)->sin_port);

  return (fd);
}


// 'reap_children()' - Collect exited children and drop them from the list.
static void
reap_children(pid_t  *kids,             // IO - Child PIDs
              size_t *num_kids)         // IO - Number of children
{
  pid_t  pid;
  size_t i;

  while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
  {
    for (i = 0; i < *num_kids; i ++)
    {
      if (kids[i] == pid)
      {
        kids[i] = kids[-- *num_kids];
        break;
      }
    }
  }
}


// 'kill_children()' - Send SIGTERM to every child still running.
static void
kill_children(const pid_t *kids,        // I - Child PIDs
              size_t      num_kids)     // I - Number of children
{
  size_t i;

  for (i = 0; i < num_kids; i ++)
    kill(kids[i], SIGTERM);
}


// 'parse_options()' - Fill cfg from the command line.
static bool                             // O - true when the options are valid
parse_options(int  argc,                // I - Number of arguments
              char *argv[])             // I - Arguments
{
  enum
  {
    OPT_REFUSE_ZERO = 256, OPT_MAX_DATA, OPT_NACK, OPT_NACK_TEXT, OPT_DELAY_ACK, OPT_DROP_AFTER,
    OPT_STALL, OPT_NO_FINAL_ACK, OPT_CLOSE_AT, OPT_GARBAGE_ACK, OPT_REFUSE, OPT_QUEUE_FILE,
    OPT_QUEUE_BYTES, OPT_HOLD_POLLS, OPT_IDLE_TIMEOUT, OPT_CLOSE_AFTER_NACK
  };
  static const struct option longopts[] =
  {
    { "address",      required_argument, NULL, 'a' },
    { "port",         required_argument, NULL, 'p' },
    { "port-file",    required_argument, NULL, 'P' },
    { "dir",          required_argument, NULL, 'd' },
    { "count",        required_argument, NULL, 'n' },
    { "quiet",        no_argument,       NULL, 'q' },
    { "help",         no_argument,       NULL, 'h' },
    { "refuse-zero",  optional_argument, NULL, OPT_REFUSE_ZERO },
    { "max-data",     required_argument, NULL, OPT_MAX_DATA },
    { "nack",         required_argument, NULL, OPT_NACK },
    { "nack-text",    required_argument, NULL, OPT_NACK_TEXT },
    { "delay-ack",    required_argument, NULL, OPT_DELAY_ACK },
    { "drop-after",   required_argument, NULL, OPT_DROP_AFTER },
    { "stall",        required_argument, NULL, OPT_STALL },
    { "no-final-ack", no_argument,       NULL, OPT_NO_FINAL_ACK },
    { "close-after-nack", no_argument,   NULL, OPT_CLOSE_AFTER_NACK },
    { "close-at",     required_argument, NULL, OPT_CLOSE_AT },
    { "garbage-ack",  no_argument,       NULL, OPT_GARBAGE_ACK },
    { "refuse",       no_argument,       NULL, OPT_REFUSE },
    { "queue-file",   required_argument, NULL, OPT_QUEUE_FILE },
    { "queue-bytes",  required_argument, NULL, OPT_QUEUE_BYTES },
    { "hold-polls",   required_argument, NULL, OPT_HOLD_POLLS },
    { "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
    { NULL,           0,                 NULL, 0 }
  };
  int        opt;
  srv_step_t step;

  cfg.addr         = "127.0.0.1";
  cfg.count        = -1;
  cfg.idle_timeout = 60;
  cfg.max_data     = -1;
  cfg.drop_after   = -1;
  cfg.stall        = STEP_NONE;
  cfg.close_at     = STEP_NONE;
  cfg.queue_bytes  = -1;

  while ((opt = getopt_long(argc, argv, "a:p:P:d:n:qh", longopts, NULL)) != -1)
  {
    switch (opt)
    {
      case 'a' :
          cfg.addr = optarg;
          break;
      case 'p' :
          if (!parse_int(optarg, 0, 65535, &cfg.port))
            goto bad;
          break;
      case 'P' :
          cfg.port_file = optarg;
          break;
      case 'd' :
          cfg.dir = optarg;
          break;
      case 'n' :
          if (!parse_int64(optarg, 1, INT64_MAX, &cfg.count))
            goto bad;
          break;
      case 'q' :
          cfg.quiet = true;
          break;
      case 'h' :
          usage(stdout);
          exit(0);
      case OPT_REFUSE_ZERO :
          cfg.refuse_zero = 2;
          if (optarg && !parse_int(optarg, 1, 255, &cfg.refuse_zero))
            goto bad;
          break;
      case OPT_MAX_DATA :
          if (!parse_int64(optarg, 0, INT64_MAX, &cfg.max_data))
            goto bad;
          break;
      case OPT_NACK :
          if (!parse_nack(optarg))
            goto bad;
          break;
      case OPT_NACK_TEXT :
          if (!load_nack_text(optarg))
            return (false);
          break;
      case OPT_DELAY_ACK :
          if (!parse_int(optarg, 0, 3600000, &cfg.delay_ack_ms))
            goto bad;
          break;
      case OPT_DROP_AFTER :
          if (!parse_int64(optarg, 0, INT64_MAX, &cfg.drop_after))
            goto bad;
          break;
      case OPT_STALL :
      case OPT_CLOSE_AT :
          if ((step = parse_step(optarg, strlen(optarg), true)) == STEP_NONE)
            goto bad;
          if (opt == OPT_STALL)
            cfg.stall = step;
          else
            cfg.close_at = step;
          break;
      case OPT_NO_FINAL_ACK :
          cfg.no_final_ack = true;
          break;
      case OPT_CLOSE_AFTER_NACK :
          cfg.close_after_nack = true;
          break;
      case OPT_GARBAGE_ACK :
          cfg.garbage_ack = true;
          break;
      case OPT_REFUSE :
          cfg.refuse = true;
          break;
      case OPT_QUEUE_FILE :
          cfg.queue_file = optarg;
          break;
      case OPT_QUEUE_BYTES :
          if (!parse_big(optarg, &cfg.queue_bytes))
            goto bad;
          break;
      case OPT_HOLD_POLLS :
          if (!parse_int(optarg, 0, INT_MAX, &cfg.hold_polls))
            goto bad;
          break;
      case OPT_IDLE_TIMEOUT :
          if (!parse_int(optarg, 0, 86400, &cfg.idle_timeout))
            goto bad;
          break;
      default :
          usage(stderr);
          return (false);
    }
  }

  if (optind < argc)
  {
    fprintf(stderr, "lpd-server: unexpected argument '%s'\n", argv[optind]);
    return (false);
  }
  if (!cfg.dir)
  {
    fputs("lpd-server: -d DIR is required\n", stderr);
    usage(stderr);
    return (false);
  }

  return (true);

  bad:

  fprintf(stderr, "lpd-server: bad option value '%s' (see --help)\n", optarg ? optarg : "");
  return (false);
}


// 'main()' - Listen, fork one process per connection, shut down cleanly on SIGTERM/SIGINT.
int                                     // O - Exit status
main(int  argc,                         // I - Number of arguments
     char *argv[])                      // I - Arguments
{
  struct sigaction        sa;
  sigset_t                block;
  struct sockaddr_storage ss;
  socklen_t               sslen;
  struct pollfd           pfd;
  pid_t                   pid, parent = getpid(), *kids = NULL, *p;
  size_t                  num_kids = 0, alloc_kids = 0;
  int64_t                 served = 0;
  int                     lfd, cfd, port = 0;
  char                    text[256];
  bool                    forwarded = false;

  if (!parse_options(argc, argv))
    return (2);

  if (!make_dirs(cfg.dir) || (dir_fd = open(cfg.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
      (mkdirat(dir_fd, ".state", 0700) < 0 && errno != EEXIST) ||
      (state_dir_fd = openat(dir_fd, ".state", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
      (main_events_fd = openat(dir_fd, "events", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
                               O_NOFOLLOW, 0600)) < 0)
  {
    fprintf(stderr, "lpd-server: %s: %s\n", cfg.dir, strerror(errno));
    return (1);
  }

  // Handlers only set a flag. The signals stay blocked except inside ppoll(), so a wait can never
  // miss one.
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sa.sa_handler = on_child;
  sigaction(SIGCHLD, &sa, NULL);
  sa.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &sa, NULL);

  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGCHLD);
  sigprocmask(SIG_BLOCK, &block, &run_mask);
  sigdelset(&run_mask, SIGTERM);
  sigdelset(&run_mask, SIGINT);
  sigdelset(&run_mask, SIGCHLD);

  if ((lfd = open_listener(&port)) < 0)
    return (1);

  if (cfg.port_file && !write_port_file(cfg.port_file, port))
  {
    fprintf(stderr, "lpd-server: %s: %s\n", cfg.port_file, strerror(errno));
    close(lfd);
    return (1);
  }

  if (snprintf(text, sizeof(text), "%s %d", cfg.addr, port) < 0)
    copy_text(text, sizeof(text), "?");
  emit(NULL, main_events_fd, false, NULL, "listen", text);
  if (!cfg.quiet)
  {
    int n = snprintf(text, sizeof(text), "lpd-server: listening on %s port %d, recording in %s\n",
                     cfg.addr, port, cfg.dir);

    if (n > 0 && (size_t)n < sizeof(text))
      write_full(STDOUT_FILENO, text, (size_t)n);
  }

  while (!got_stop && (cfg.count < 0 || served < cfg.count))
  {
    reap_children(kids, &num_kids);

    pfd.fd      = lfd;
    pfd.events  = POLLIN;
    pfd.revents = 0;
    if (ppoll(&pfd, 1, NULL, &run_mask) < 0)
    {
      if (errno == EINTR)
        continue;
      fprintf(stderr, "lpd-server: poll: %s\n", strerror(errno));
      break;
    }

    sslen = sizeof(ss);
    if ((cfd = accept4(lfd, (struct sockaddr *)&ss, &sslen, SOCK_CLOEXEC | SOCK_NONBLOCK)) < 0)
    {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
      {
        // Out of resources: back off instead of spinning on the ready listener.
        fprintf(stderr, "lpd-server: accept: %s\n", strerror(errno));
        ppoll(NULL, 0, &(struct timespec){ 0, 100000000L }, &run_mask);
      }
      continue;
    }

    if (num_kids >= alloc_kids)
    {
      size_t alloc = alloc_kids ? 2 * alloc_kids : 16;

      if ((p = realloc(kids, alloc * sizeof(pid_t))) == NULL)
      {
        fputs("lpd-server: out of memory\n", stderr);
        close(cfd);
        continue;
      }
      kids       = p;
      alloc_kids = alloc;
    }

    served ++;
    if ((pid = fork()) < 0)
    {
      fprintf(stderr, "lpd-server: fork: %s\n", strerror(errno));
      close(cfd);
      continue;
    }

    if (pid == 0)
    {
      close(lfd);
      sa.sa_handler = SIG_DFL;
      sigaction(SIGCHLD, &sa, NULL);

      // No connection outlives the server, even if it is killed with SIGKILL.
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (getppid() != parent)
        _exit(0);

      serve_connection(cfd, (unsigned)served, &ss, sslen);
      free(kids);
      free(cfg.nack_text);
      exit(0);
    }

    kids[num_kids ++] = pid;
    close(cfd);
  }

  close(lfd);

  // Wait for the connections still being served; a stop request ends them.
  for (;;)
  {
    reap_children(kids, &num_kids);
    if (num_kids == 0)
      break;

    if (got_stop && !forwarded)
    {
      kill_children(kids, num_kids);
      forwarded = true;
    }

    ppoll(NULL, 0, NULL, &run_mask);
  }

  emit(NULL, main_events_fd, false, NULL, "exit", got_stop ? "signal" : "count");

  free(kids);
  free(cfg.nack_text);
  close(main_events_fd);
  close(state_dir_fd);
  close(dir_fd);

  return (0);
}
