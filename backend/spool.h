// spool.h - where the job's bytes come from: a file, stdin, memory, or a temp spool file.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#ifndef LPR_SPOOL_H
#define LPR_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loop.h"

#define LPR_HOLD_MAX (256 * 1024)       // auto mode keeps a job this small in memory

typedef struct lpr_input_s
{
  int           fd;                     // file, spool file or stdin
  int64_t       size;                   // exact size, or -1 while unknown
  unsigned char *held;                  // bytes already read from stdin, kept in memory
  size_t        held_len;
  bool          eof;                    // stdin reached EOF (held is the whole job)
  bool          spooled;                // fd is our (already unlinked) temp file
  bool          is_file;                // fd is a regular file we may read with offsets
} lpr_input_t;

typedef enum lpr_spool_result_e
{
  LPR_SPOOL_OK,
  LPR_SPOOL_CANCELED,
  LPR_SPOOL_NOSPACE,                    // ENOSPC/EDQUOT, or too little free space up front
  LPR_SPOOL_TMP_ERROR,                  // cannot create or write the temp file
  LPR_SPOOL_INPUT_ERROR                 // reading stdin failed
} lpr_spool_result_t;

typedef struct lpr_spool_info_s         // what a failure needs to explain itself
{
  int      err;                         // errno
  uint64_t written;                     // bytes spooled before it failed
  uint64_t free_bytes;                  // free space where the spool file was
  char     dir[512];
} lpr_spool_info_t;

bool               lprInputOpenFile(lpr_input_t *in, const char *path, int *err);
void               lprInputStdin(lpr_input_t *in, int fd);
void               lprInputClose(lpr_input_t *in);
lpr_spool_result_t lprInputWait(lpr_input_t *in, lpd_loop_t *loop);
lpr_spool_result_t lprInputHold(lpr_input_t *in, size_t max, lpd_loop_t *loop, int *err);
bool               lprWriteAll(int fd, const void *buf, size_t len, int *err);
lpr_spool_result_t lprInputSpool(lpr_input_t *in, const char *tmpdir, lpd_loop_t *loop,
                                 lpr_spool_info_t *info);

#endif // LPR_SPOOL_H
