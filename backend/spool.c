// spool.c - where the job's bytes come from: a file, stdin, memory, or a temp spool file.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// A spool file is created with O_TMPFILE (or unlinked the moment it exists), mode 0600, so it
// can never be left behind, whatever ends the process.

#include "config.h"
#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define SPOOL_BUF_SIZE   (256 * 1024)
#define PEEK_SIZE        (16 * 1024)    // immediate mode's first read: enough to see data
#define SPOOL_MIN_FREE   (1024 * 1024)  // refuse to start spooling with less than this free
#define STDIN_PIPE_SIZE  (1024 * 1024)  // /proc/sys/fs/pipe-max-size by default

// 'lprInputOpenFile()' - Use a file named on the command line (argv[6]): never copied.
bool
lprInputOpenFile(lpr_input_t *in, const char *path, int *err)
{
  struct stat st;

  memset(in, 0, sizeof(*in));
  if ((in->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
  {
    *err = errno;
    return (false);
  }
  if ((*err = fstat(in->fd, &st) < 0 ? errno : S_ISREG(st.st_mode) ? 0 : EINVAL) != 0)
  {
    close(in->fd);                      // only a regular file has a size to send
    in->fd = -1;
    return (false);
  }
  in->size    = st.st_size;
  in->is_file = true;
  in->eof     = true;
  return (true);
}

// 'lprInputStdin()' - Use the job's stdin (size unknown until it is read).
void
lprInputStdin(lpr_input_t *in, int fd)
{
  memset(in, 0, sizeof(*in));
  in->fd   = fd;
  in->size = -1;
  // cupsd's pipe holds 64 KiB: a larger one (1 MiB needs no privilege) lets each read
  // move more and the filters run ahead.  Not a pipe, or no room: nothing changes.
  fcntl(fd, F_SETPIPE_SZ, STDIN_PIPE_SIZE);
}

// 'lprInputClose()' - Release what the input holds (a spool file disappears with its fd).
void
lprInputClose(lpr_input_t *in)
{
  if ((in->spooled || in->is_file) && in->fd >= 0)
    close(in->fd);
  in->fd = -1;
  free(in->held);
  in->held = NULL;
  in->held_len = 0;
}

// 'wait_input()' - Wait until fd is readable (or at EOF) through the job's loop.
static lpr_spool_result_t
wait_input(int fd, lpd_loop_t *loop)
{
  struct pollfd p = { fd, POLLIN, 0 };

  switch (lpdLoopWait(loop, &p, 1, -1))
  {
    case LPD_WAIT_READY :
        return (LPR_SPOOL_OK);
    case LPD_WAIT_CANCELED :
        return (LPR_SPOOL_CANCELED);
    default :
        return (LPR_SPOOL_INPUT_ERROR);
  }
}

// 'lprInputWait()' - Wait for the first input (immediate mode connects only then).
lpr_spool_result_t
lprInputWait(lpr_input_t *in, lpd_loop_t *loop)
{
  if (in->is_file || in->eof)
    return (LPR_SPOOL_OK);
  return (wait_input(in->fd, loop));
}

// 'lprInputHold()' - Read stdin into memory until EOF or max bytes (then *held* is a prefix).
//
// With max == 0 it reads what is available now (one read of at most PEEK_SIZE), which immediate
// mode uses to tell an empty job from a real one without waiting for the rest.  It stays small:
// the buffer lives as long as the job, beside the send buffer.
lpr_spool_result_t
lprInputHold(lpr_input_t *in, size_t max, lpd_loop_t *loop, int *err)
{
  size_t             want = max ? max : PEEK_SIZE;
  unsigned char      *p;
  ssize_t            n;
  lpr_spool_result_t r;

  if (in->is_file || in->eof)
    return (LPR_SPOOL_OK);
  if (!in->held)
  {
    if ((in->held = malloc(want)) == NULL)
    {
      *err = ENOMEM;
      return (LPR_SPOOL_INPUT_ERROR);
    }
  }
  else if ((p = realloc(in->held, in->held_len + want)) != NULL)
    in->held = p;
  else
  {
    *err = ENOMEM;
    return (LPR_SPOOL_INPUT_ERROR);
  }
  want += in->held_len;
  while (in->held_len < want)
  {
    if ((r = wait_input(in->fd, loop)) != LPR_SPOOL_OK)
      return (r);
    n = read(in->fd, in->held + in->held_len, want - in->held_len);
    if (n < 0)
    {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      *err = errno;
      return (LPR_SPOOL_INPUT_ERROR);
    }
    if (n == 0)
    {
      in->eof  = true;
      in->size = (int64_t)in->held_len;
      break;
    }
    in->held_len += (size_t)n;
    if (max == 0)
      break;
  }
  return (LPR_SPOOL_OK);
}

// 'open_tmp()' - An anonymous 0600 file in dir: O_TMPFILE, else mkstemp + unlink at once.
static int
open_tmp(const char *dir, int *err)
{
  char path[1024];
  int  fd;

#ifdef O_TMPFILE
  if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) >= 0)
    return (fd);
#endif
  if (snprintf(path, sizeof(path), "%s/cups-lpr-XXXXXX", dir) >= (int)sizeof(path))
  {
    *err = ENAMETOOLONG;
    return (-1);
  }
  if ((fd = mkostemp(path, O_CLOEXEC)) < 0)
  {
    *err = errno;
    return (-1);
  }
  unlink(path);
  return (fd);
}

// 'lprWriteAll()' - Write a whole buffer to a file, looping over short writes and EINTR; on
//                   failure *err (when err is not NULL) is the errno (EIO for a write that
//                   wrote nothing).
bool
lprWriteAll(int fd, const void *buf, size_t len, int *err)
{
  const char *p = buf;
  ssize_t    n;

  while (len > 0)
  {
    n = write(fd, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
    {
      if (err)
        *err = n < 0 ? errno : EIO;
      return (false);
    }
    p   += n;
    len -= (size_t)n;
  }
  return (true);
}

// 'nospace()' - Whether an errno means the disk is full.
static bool
nospace(int err)
{
  return (err == ENOSPC || err == EDQUOT || err == EFBIG);
}

// 'copy_rest()' - Copy stdin to fd until EOF through one 256 KiB buffer, waiting through the
//                 loop; info->written counts.
static lpr_spool_result_t
copy_rest(lpr_input_t *in, int fd, lpd_loop_t *loop, lpr_spool_info_t *info)
{
  char               *buf;
  ssize_t            n;
  lpr_spool_result_t r = LPR_SPOOL_OK;

  if (in->eof)
    return (LPR_SPOOL_OK);
  // mmap(2), not malloc(3): see copy_buffer() in lpd-data.c.
  if ((buf = mmap(NULL, SPOOL_BUF_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                  -1, 0)) == MAP_FAILED)
  {
    info->err = ENOMEM;
    return (LPR_SPOOL_TMP_ERROR);
  }
  while (!in->eof && r == LPR_SPOOL_OK)
  {
    if ((r = wait_input(in->fd, loop)) != LPR_SPOOL_OK)
      break;
    n = read(in->fd, buf, SPOOL_BUF_SIZE);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (n < 0)
    {
      info->err = errno;
      r = LPR_SPOOL_INPUT_ERROR;
    }
    else if (n > 0 && !lprWriteAll(fd, buf, (size_t)n, &info->err))
      r = nospace(info->err) ? LPR_SPOOL_NOSPACE : LPR_SPOOL_TMP_ERROR;
    else if (n == 0)
      in->eof = true;
    else
      info->written += (uint64_t)n;
  }
  munmap(buf, SPOOL_BUF_SIZE);
  return (r);
}

// 'lprInputSpool()' - Copy the rest of stdin (after any held bytes) into an anonymous temp file.
//
// With read(2)/write(2) and a 256 KiB buffer, whatever zerocopy says: splice(2) from the pipe
// holds the pipe's lock for the whole write into the file, so the filter feeding it stalls
// meanwhile.  Measured on Linux 6.18 with a 1 MiB pipe (bench/README.md): 1 GiB spooled to
// tmpfs in about 0.48 s with read/write, 0.55-0.69 s with splice.
lpr_spool_result_t
lprInputSpool(lpr_input_t *in, const char *tmpdir, lpd_loop_t *loop, lpr_spool_info_t *info)
{
  struct statvfs     vfs;
  int                fd;
  lpr_spool_result_t r;

  memset(info, 0, sizeof(*info));
  snprintf(info->dir, sizeof(info->dir), "%s", tmpdir);
  if (in->is_file)
    return (LPR_SPOOL_OK);
  if ((fd = open_tmp(tmpdir, &info->err)) < 0)
    return (nospace(info->err) ? LPR_SPOOL_NOSPACE : LPR_SPOOL_TMP_ERROR);

  // Known so far: the held bytes.  Refuse to start when even those (or 1 MiB) do not fit.
  if (fstatvfs(fd, &vfs) == 0)
  {
    info->free_bytes = (uint64_t)vfs.f_bavail * vfs.f_frsize;
    if (info->free_bytes < in->held_len + SPOOL_MIN_FREE)
    {
      info->err = ENOSPC;
      info->written = in->held_len;
      close(fd);
      return (LPR_SPOOL_NOSPACE);
    }
  }
  if (in->held_len && !lprWriteAll(fd, in->held, in->held_len, &info->err))
  {
    r = nospace(info->err) ? LPR_SPOOL_NOSPACE : LPR_SPOOL_TMP_ERROR;
    goto error;
  }
  info->written = in->held_len;
  free(in->held);
  in->held = NULL;
  in->held_len = 0;
  if ((r = copy_rest(in, fd, loop, info)) != LPR_SPOOL_OK)
    goto error;
  in->fd      = fd;
  in->size    = (int64_t)info->written;
  in->spooled = true;
  in->is_file = true;
  return (LPR_SPOOL_OK);

error:
  close(fd);                            // the anonymous file and its blocks go with it
  if (statvfs(tmpdir, &vfs) == 0)       // what is free once our partial copy is gone
    info->free_bytes = (uint64_t)vfs.f_bavail * vfs.f_frsize;
  return (r);
}
