// lpd-proto.h - RFC 1179 client core on a plain socket fd (no CUPS calls).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// One protocol step per function, in three files by concern: lpd-conn.c (the connection, its
// waits, acks, NACK texts, queue queries, abort and reset), lpd-data.c (the data engines: memory,
// file, stream) and lpd-control.c (control-file text and file names).  Every wait goes through
// the job's event loop (loop.h), so cancel, the side channel and progress are served in it, and
// is bounded by the connection's timeout.

#ifndef LPD_PROTO_H
#define LPD_PROTO_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "loop.h"
#include "text.h"

#define LPD_NACK_TEXT_MAX 1024          // we keep at most this much of a server's error text
#define LPD_QUEUE_LISTING_MAX (64 * 1024) // a queue listing longer than this is cut

// RFC 1179 section 5: the daemon commands, the first octet of a connection.
#define LPD_CMD_PRINT        1          // print any waiting jobs
#define LPD_CMD_RECEIVE      2          // receive a printer job
#define LPD_CMD_QUEUE_SHORT  3          // send queue state (short)
#define LPD_CMD_QUEUE_LONG   4          // send queue state (long)
#define LPD_CMD_REMOVE       5          // remove jobs

// RFC 1179 section 6: the receive-job subcommands.
#define LPD_SUB_ABORT        1          // abort job
#define LPD_SUB_CONTROL      2          // receive control file
#define LPD_SUB_DATA         3          // receive data file

// RFC 1179 section 7.2 field limits.
#define LPD_HOST_MAX   31
#define LPD_USER_MAX   31
#define LPD_CLASS_MAX  31
#define LPD_JOB_MAX    99
#define LPD_TITLE_MAX  79
#define LPD_SOURCE_MAX 131

typedef enum lpd_step_e                 // where in the protocol a connection is
{
  LPD_STEP_NONE,
  LPD_STEP_COMMAND,                     // "\2queue\n" and its ack
  LPD_STEP_CONTROL,                     // control-file subcommand line and its ack
  LPD_STEP_CONTROL_END,                 // control-file bytes, NUL and the ack
  LPD_STEP_DATA,                        // data-file subcommand line and its ack
  LPD_STEP_DATA_SEND,                   // data-file bytes
  LPD_STEP_DATA_END,                    // NUL (or half-close) and the final ack
  LPD_STEP_QUERY,                       // queue state or removal request
  LPD_STEP_ABORT                        // abort subcommand
} lpd_step_t;

typedef enum lpd_result_e
{
  LPD_OK,                               // acknowledged (or done)
  LPD_NACK,                             // server sent a non-zero ack: code and text are set
  LPD_CLOSED,                           // server closed the connection
  LPD_TIMEOUT,                          // no progress within the timeout
  LPD_IO_ERROR,                         // socket error: err is set
  LPD_CANCELED,                         // the cancel fd became readable
  LPD_INPUT_ERROR,                      // reading the job data failed: err is set
  LPD_TOO_BIG                           // a reply exceeded its cap
} lpd_result_t;

typedef struct lpd_conn_s
{
  int                fd;                // connected socket (made non-blocking by lpdConnInit)
  lpd_loop_t         *loop;             // the job's loop, or own_loop
  lpd_loop_t         own_loop;          // no inputs, no cancel: for a connection on its own
  int                timeout_ms;        // longest wait for any network progress
  _Atomic uint64_t   *counter;          // bumped with every data byte sent, or NULL
  bool               zerocopy;          // files: sendfile(2) to a network peer
  bool               local_peer;        // the server is on this host (loopback): no sendfile
  bool               mmap_local;        // files to a local peer from mmap(2) windows (opt-in)
  lpd_step_t         step;              // step in progress or failed
  int                code;              // NACK octet
  char               text[LPD_NACK_TEXT_MAX]; // raw text the server sent after a NACK
  size_t             textlen;
  int                err;               // errno of the last I/O error
  uint64_t           input_bytes;       // bytes consumed from a stream input
  char               *copybuf;          // read/write fallback buffer (allocated on demand)
} lpd_conn_t;

typedef struct lpd_control_s            // what goes into a control file (already sanitized)
{
  const char *host;                     // H: host name, also in file names
  const char *user;                     // P: user
  const char *jobname;                  // J: job name
  const char *source;                   // N: source file name
  const char *title;                    // T: title, or NULL for none
  const char *banner_class;             // C: class (banner only)
  bool       banner;                    // C and L lines
  char       format;                    // print letter (RFC 1179 section 7.3)
  int        copies;                    // print lines
  int        jobnum;                    // 0-999
} lpd_control_t;

void         lpdConnInit(lpd_conn_t *c, int fd, lpd_loop_t *loop, int timeout_ms);
void         lpdConnClose(lpd_conn_t *c);
void         lpdConnReset(lpd_conn_t *c);
const char   *lpdStepName(lpd_step_t step);
const char   *lpdResultName(lpd_result_t r);

lpd_result_t lpdReceiveJob(lpd_conn_t *c, const char *queue);
lpd_result_t lpdSubcommand(lpd_conn_t *c, int type, uint64_t count, const char *name);
lpd_result_t lpdSendBuffer(lpd_conn_t *c, const void *buf, size_t len);
lpd_result_t lpdSendFile(lpd_conn_t *c, int fd, off_t offset, uint64_t len);
lpd_result_t lpdSendStream(lpd_conn_t *c, int infd);
lpd_result_t lpdEndFile(lpd_conn_t *c);
lpd_result_t lpdFinishStream(lpd_conn_t *c);
lpd_result_t lpdAbortJob(lpd_conn_t *c);
lpd_result_t lpdReadAck(lpd_conn_t *c);
lpd_result_t lpdWriteAll(lpd_conn_t *c, const void *buf, size_t len);
lpd_result_t lpdQuery(lpd_conn_t *c, int command, const char *queue, const char *operands,
                      lpr_buf_t *reply);

bool         lpdQueueNameValid(const char *queue);
bool         lpdControlBuild(const lpd_control_t *ctl, lpr_buf_t *out);
bool         lpdFileName(char *buf, size_t size, char type, int jobnum, const char *host);
size_t       lpdSanitize(char *dst, size_t dstsize, const char *src, size_t maxbytes);
void         lpdSanitizeHost(char *dst, size_t dstsize, const char *src);

#endif // LPD_PROTO_H
