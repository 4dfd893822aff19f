// lpd-job.h - deliver one whole job to one LPD queue (RFC 1179): modes, fallback, retries,
//             verification, remote removal.  No CUPS calls: any front end drives it.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// A front end (the CUPS backend, the printer application) fills an lpd_job_t, registers its own
// inputs (side channel, SNMP helper, a cancel check) on the job's loop, and calls lpdJobRun().
// Messages come out as status lines through status.h (stderr, or a per-thread sink): "INFO:",
// "WARNING:", "ERROR:", "DEBUG:", "STATE: +connecting-to-device"...; the outcome says what the
// spooler should do with the job.  The rules the core keeps:
// - OK only when the server acknowledged everything, or, when only the last ack was lost, the
//   queue listing positively shows the job (by our number, or by owner + title + size on
//   servers that list their own ids).  Otherwise such a job is HELD: it may have printed.
// - Never resend blindly, never let a server keep a cut job (abort, reset, remote removal).
// - Immediate mode falls back to spooled while every input byte is still ours; after that a
//   refusal means "rerun the job", and the refusal is remembered (memo.h).
//
// The family: lpd-job.c (setup, modes and fallback), lpd-job-connect.c (resolve and connect
// with one retry skeleton), lpd-job-send.c (the RFC 1179 sequences), lpd-job-remote.c (queue
// query, verification, removal, waitjob, the refusal memo), lpd-job-outcome.c (the outcome
// decision table and the actions it names).

#ifndef LPD_JOB_H
#define LPD_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "loop.h"
#include "lpd-net.h"
#include "lpd-proto.h"
#include "status.h"

typedef enum lpd_mode_e                 // when printing starts
{
  LPD_MODE_AUTO,                        // exact count, no temp file where avoidable
  LPD_MODE_IMMEDIATE,                   // stream with count 0 while the data is produced
  LPD_MODE_SPOOLED                      // copy the whole job first, then send its size
} lpd_mode_t;

typedef enum lpd_outcome_e              // what the spooler should do with the job
{
  LPD_OUTCOME_OK,                       // delivered
  LPD_OUTCOME_FAILED,                   // failed: the spooler's error policy applies
  LPD_OUTCOME_HOLD,                     // keep the job held for a person to decide
  LPD_OUTCOME_STOP,                     // the queue is misconfigured: stop it, keep the job
  LPD_OUTCOME_CANCELED,                 // canceled (aborted and removed at the server)
  LPD_OUTCOME_RETRY,                    // keep the job, try again later
  LPD_OUTCOME_RETRY_CURRENT             // rerun the job now (it will go spooled)
} lpd_outcome_t;

typedef struct lpd_job_s
{
  // Where (set by the front end).
  char            host[256];            // printer host name or address literal
  int             port;
  char            queue[256];
  lpd_resolver_t  resolve;              // name lookup in a helper thread; NULL = getaddrinfo
  void            (*resolved)(void *ctx, const lpd_addr_t *addrs);  // addresses known, or NULL
  void            (*tick)(void *ctx);   // about every second during the job, or NULL
  bool            (*open)(void *ctx, int *fd);  // a front end's own transport: one connected
                                        // stream socket per call, instead of resolve + connect
                                        // (tests drive whole jobs over socketpairs); or NULL
  void            *ctx;                 // for resolved(), tick() and open()

  // What (lpdJobSetText() fills the texts, sanitized to RFC 1179 limits).
  const char      *file;                // a regular file with the whole job, or NULL: infd
  int             infd;                 // stream input when file is NULL (stdin)
  char            ctl_host[LPD_HOST_MAX + 1];
  char            user[LPD_USER_MAX + 1];
  char            jobname[LPD_JOB_MAX + 1];
  char            source[LPD_SOURCE_MAX + 1];
  char            title[LPD_TITLE_MAX + 1];
  int             jobnum;               // 0-999: unique among the front end's jobs queued on
                                        // one LPD queue (it names the job there)
  int             copies;               // for a file: print lines, or data repeats
  bool            manual_copies;        // a file's copies as repeated data, not print lines
  bool            banner;
  char            format;               // print letter (RFC 1179 section 7.3)
  bool            ascii_only;           // control-file text 7-bit (fragile network cards)

  // How.
  lpd_mode_t      mode;
  const char      *mode_source;         // who chose the mode, for a DEBUG line
  bool            data_first;           // order=data,control
  lpd_reserve_t   reserve;
  int             timeout;              // seconds: any network wait
  int             contimeout;           // seconds: keep trying to connect this long
  bool            in_class;             // give up fast: another printer of a class may work
  bool            waitjob;              // after sending, follow the job in the remote queue
  int             polltime;             // seconds between those polls
  const char      *tmpdir;              // spool files
  const char      *cachedir;            // the refusal memo
  bool            zerocopy;             // files to a network peer: sendfile (else pread/send)
  bool            sendfile_loopback;    // files to this host with sendfile too (tests)
  bool            mmap_loopback;        // files to this host from mmap windows (diagnostics)
  lpd_loop_t      *loop;                // every wait of the job

  // While running (front ends read these: side channel, status).
  lpd_addr_t      *addrs;               // the printer's addresses once resolved
  char            server[300];          // "host:port" of the address in use
  char            who[600];             // "lpd host:port queue q", for messages
  bool            connected;            // the job's connection is open
  bool            handed_over;          // everything acknowledged (or verified)
  int             sock_fd;              // socket of the job connection, or -1
  lpr_progress_t  progress;
} lpd_job_t;

void          lpdJobInit(lpd_job_t *job, lpd_loop_t *loop);
void          lpdJobSetText(lpd_job_t *job, const char *user, const char *title,
                            const char *orighost, bool sanitize_title);
lpd_outcome_t lpdJobRun(lpd_job_t *job);
const char    *lpdOutcomeName(lpd_outcome_t o);

#endif // LPD_JOB_H
