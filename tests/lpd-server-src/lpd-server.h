// lpd-server.h - private header of the test LPD server: what it does, its types, its functions.
//
// A test LPD server (RFC 1179) that records what a client sent and emulates server behaviours.
//
// Copyright 2026 The cups-lpr authors
//
// SPDX-License-Identifier: Apache-2.0
//
// Used by the integration tests and as the local LPD server of the README's demo. POSIX + Linux,
// no third-party libraries. One process per connection; all shared state lives in DIR.
//
// Why it shares no code with the backend: it is the oracle that judges the backend. Had it used
// backend/lpd-proto.c or backend/lpd-queue.c to parse subcommands or to write listings, a
// misreading of RFC 1179 in those files would be made on both sides and every test would pass.
// So it is written from the RFC and the servers' observed behaviour alone (docs/real-servers.md),
// links nothing from backend/, and includes none of its headers.
//
// Files (tests/lpd-server-src/): main.c (listener, one process per connection), options.c
// (command line), log.c (event lines), conn.c (a connection: I/O, acks, faults, dispatch),
// receive.c (\2: files, job directory, status), queue.c (DIR/.state, listings, removal).
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
//   --close-after-nack      After the NACK of a control- or data-file subcommand, close the
//                           connection (close reason nack) instead of reading on.
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
//   --queues=Q1,Q2,...      The queues that exist. \2 to another queue gets NACK 1 (text "test
//                           server refused command"); \3 and \4 get the personality's "no such
//                           printer" text. Default: every name exists.
//   --max-sessions=N        At most N connections served at once; a further one is accepted and
//                           reset at once (event "refuse N sessions" in DIR/events). A session
//                           ends when its process exits, a moment after its close, so the server
//                           allows up to 1 s for that before it refuses.
//   --owner-at-host         Generated listings write the owner as user@host (P and H lines), as
//                           LPRng's short form and several gateways do.
//   --personality=NAME      Play a server family (facts: LPD-FACTS in the project notes, the KB
//                           articles and sources named below; docs/real-servers.md):
//     windows    Windows LPD Service (LPDSVC). Queues: --queues, default "lp" only; \2 to an
//                unknown queue: NACK 1; \3/\4: "Windows LPD Server Error: specified printer
//                does not exist". Prints only the f and l letters (KB Q124735): a control file
//                with another print letter gets NACK 1 at control-end and the job is not
//                complete. Listing (Samba's parse_lpq_nt() reads this shape): a blank line, the
//                title "Windows LPD Server" centred in 78 columns, "Printer \\ADDR\QUEUE"
//                centred the same way, a blank line, the header "Owner Status Jobname Job-Id
//                Size Pages Priority", a dashed rule, then fixed-width rows: owner 11, status
//                9 (Printing for the first job, then Waiting), job name 19 (the J line, cut),
//                Job-Id 6, size 9, pages, priority. The Job-Id is the spooler's own number
//                (job-NNNN's NNNN + 1), never the LPD job number of the cfA name.
//     jetdirect  HP JetDirect-class print server: any queue name is accepted (the device takes
//                an unknown one as raw1; --queues is ignored); a connection idle for
//                --idle-timeout seconds (default 90 here) is dropped; \3/\4 always answer "no
//                jobs queued on the port Auto" (a print server keeps no queue to show).
//     xerox      At most --max-sessions connections (default 1), further ones are reset;
//                listings in BSD form, "no entry jobs" when empty, "no entry queue" for a queue
//                not in --queues.
//     lexmark    Drops a transfer idle for --idle-timeout seconds (default 90, Lexmark's "LPD
//                Timeout"); otherwise the generic server.
//     allqueues  A spooler whose lpq ignores the queue and lists every queue's jobs, BSD form
//                (Canon PRISMAsync). \5 still removes only from the queue named.
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
//                  same BSD-like short format for both (a personality may write another):
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
// reset (the client reset the connection), done (the server finished), nack (command NACKed),
// refuse, close-at, stall (the client went away during a stall), no-final-ack, drop, timeout
// (--idle-timeout), error, signal (SIGTERM/SIGINT).
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

#ifndef LPD_SERVER_H
#define LPD_SERVER_H

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

typedef enum srv_personality_e         // Server families the server can play (personality.c)
{
  PERS_NONE,                            // The generic server described above
  PERS_WINDOWS,                         // Windows LPD Service (LPDSVC)
  PERS_JETDIRECT,                       // HP JetDirect-class print server
  PERS_XEROX,                           // Xerox: few concurrent sessions
  PERS_LEXMARK,                         // Lexmark: drops an idle transfer
  PERS_ALLQUEUES,                       // A spooler that lists every queue (Canon PRISMAsync)
  PERS_MAX
} srv_personality_t;

typedef enum srv_opt_e                  // Result of applying one command-line option
{
  OPT_SET,                              // Applied
  OPT_NOT_MINE,                         // Not an option of this group
  OPT_BAD,                              // Bad value
  OPT_FAILED                            // Could not be applied (already reported)
} srv_opt_t;

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
  bool          idle_timeout_set;       // --idle-timeout given (else the personality's)
  srv_personality_t personality;
  const char    *queues;                // Comma-separated queues that exist, NULL = any
  int           max_sessions;           // 0 = unlimited
  bool          owner_at_host;
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
  char          host[64];               // H line
  char          title[128];
  char          names[256];
  int64_t       size;
  char          refused_letter;         // A print letter the personality refuses, or 0
} srv_summary_t;

typedef struct srv_kids_s               // Processes serving connections (main.c)
{
  pid_t         *pids;
  size_t        num,
                alloc;
} srv_kids_t;

typedef struct srv_file_rx_s            // A file subcommand being received
{
  int           idx;                    // Entry in the connection's files, -1 = none
  int           out;                    // Where its bytes go, -1 = none
  const char    *nack_why;              // Why it was refused, NULL for the default text
  bool          wfailed;                // Writing to disk failed
  bool          ok;                     // All bytes and the NUL arrived, stored
} srv_file_rx_t;

typedef struct srv_state_s              // A listed job (DIR/.state/job-NNNN)
{
  unsigned      seq;
  char          queue[SRV_TOKEN_MAX];
  char          owner[64];
  char          host[64];
  char          title[128];
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
// Globals (defined in main.c)...
//

extern const char * const   step_names[STEP_MAX];  // Step names for options and logs
extern srv_config_t         cfg;                   // Options
extern volatile sig_atomic_t got_stop;             // SIGTERM/SIGINT seen
extern sigset_t             run_mask;              // Mask while waiting in ppoll()
extern int                  dir_fd;                // DIR
extern int                  state_dir_fd;          // DIR/.state
extern int                  main_events_fd;        // DIR/events


// options.c

bool parse_int64(const char *s, int64_t min, int64_t max, int64_t *value);
bool parse_options(int argc, char *argv[]);

// log.c

bool write_full(int fd, const void *data, size_t len);
bool copy_text(char *dst, size_t size, const char *src);
void escape_event(const void *data, size_t len, char *out, size_t size);
void escape_display(const void *data, size_t len, char *out, size_t size);
void emit(srv_conn_t *c, int fd, bool echo, const struct timespec *ts, const char *event,
          const char *details);
void conn_log(srv_conn_t *c, const char *event, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
void main_log(srv_conn_t *c, const char *event, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
void log_connect(srv_conn_t *c);

// conn.c

srv_io_t conn_fill(srv_conn_t *c);
srv_io_t conn_read_line(srv_conn_t *c, char *line, size_t size, size_t *len);
srv_io_t conn_write(srv_conn_t *c, const void *data, size_t len);
void conn_failed(srv_conn_t *c, srv_io_t r, const char *context);
bool send_answer(srv_conn_t *c, const char *step, int code, const char *name, const char *why);
bool at_step(srv_conn_t *c, srv_step_t step);
void serve_connection(int fd, unsigned serial, const struct sockaddr_storage *ss, socklen_t sslen);

// receive.c

bool job_create(srv_conn_t *c);
const char *job_status(srv_conn_t *c);
void job_write_status(srv_conn_t *c, const char *status);
void serve_receive(srv_conn_t *c);

// queue.c

bool dbuf_append(srv_dbuf_t *b, const char *data, size_t len);
void ordinal(int n, char *buf, size_t size);
void job_publish(srv_conn_t *c, const srv_summary_t *s);
void job_unpublish(srv_conn_t *c);
void serve_query(srv_conn_t *c, const srv_tokens_t *t);
void serve_remove(srv_conn_t *c, const srv_tokens_t *t);

// personality.c

srv_personality_t personality_by_name(const char *name);
void personality_defaults(void);
bool queue_exists(const char *queue);
bool letter_accepted(char letter);
bool listing_all_queues(void);
bool format_unknown_queue(const char *queue, srv_dbuf_t *out);
bool format_listing(const char *queue, const srv_state_t *rows, int count, srv_dbuf_t *out);

#endif // !LPD_SERVER_H
