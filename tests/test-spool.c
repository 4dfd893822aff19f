// test-spool.c - unit tests of spool.c: files, holding stdin, anonymous spool files, memos.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "memo.h"
#include "spool.h"
#include "unit.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char       tmpdir[] = "/tmp/test-spool-XXXXXX";
static lpd_loop_t quiet;                // no inputs, no cancel

typedef struct feeder_s
{
  int    fd;
  size_t len;
} feeder_t;

// 'feed()' - Write len patterned bytes into a pipe, then close it.
static void *
feed(void *arg)
{
  feeder_t      *f = arg;
  unsigned char buf[7777];
  size_t        off = 0;

  while (off < f->len)
  {
    size_t n = f->len - off < sizeof(buf) ? f->len - off : sizeof(buf);

    for (size_t i = 0; i < n; i ++)
      buf[i] = (unsigned char)((off + i) % 251);
    if (write(f->fd, buf, n) != (ssize_t)n)
      break;
    off += n;
  }
  close(f->fd);
  return (NULL);
}

// 'dir_entries()' - Entries in a directory besides . and ..
static int
dir_entries(const char *dir)
{
  DIR           *d = opendir(dir);
  struct dirent *e;
  int           n = 0;

  while (d && (e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
      n ++;
  if (d)
    closedir(d);
  return (n);
}

// 'check_pattern()' - Whether a file holds the feeder's pattern.
static bool
check_pattern(int fd, size_t len)
{
  unsigned char buf[65536];
  size_t        off = 0;
  ssize_t       n;

  while ((n = pread(fd, buf, sizeof(buf), (off_t)off)) > 0)
  {
    for (ssize_t i = 0; i < n; i ++)
      if (buf[i] != (unsigned char)((off + (size_t)i) % 251))
        return (false);
    off += (size_t)n;
  }
  return (off == len);
}

// 'run_hold_spool()' - Hold up to max, spool the rest; the file is exact and invisible.
static void
run_hold_spool(size_t len, size_t max)
{
  int                fds[2], err = 0;
  pthread_t          t;
  feeder_t           f;
  lpr_input_t        in;
  lpr_spool_info_t   info;

  CU_ASSERT_FATAL(pipe(fds) == 0);
  f.fd = fds[1];
  f.len = len;
  pthread_create(&t, NULL, feed, &f);
  lprInputStdin(&in, fds[0]);
  CU_ASSERT_EQUAL(lprInputHold(&in, max, &quiet, &err), LPR_SPOOL_OK);
  if (len < max)
  {
    // In memory whole: exact size, no spool file.
    CU_ASSERT_TRUE(in.eof);
    CU_ASSERT_EQUAL(in.size, (int64_t)len);
    CU_ASSERT_EQUAL(in.held_len, len);
  }
  else
  {
    CU_ASSERT_FALSE(in.eof);
    CU_ASSERT_EQUAL(in.held_len, max);
    CU_ASSERT_EQUAL(lprInputSpool(&in, tmpdir, &quiet, &info), LPR_SPOOL_OK);
    CU_ASSERT_EQUAL(in.size, (int64_t)len);
    CU_ASSERT_TRUE(in.spooled);
    CU_ASSERT_EQUAL(in.held_len, 0);
    CU_ASSERT_TRUE(check_pattern(in.fd, len));
    CU_ASSERT_EQUAL(dir_entries(tmpdir), 0);       // anonymous: nothing to leave behind
    {
      struct stat st;

      CU_ASSERT_EQUAL(fstat(in.fd, &st), 0);
      CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
    }
  }
  pthread_join(t, NULL);
  close(fds[0]);
  lprInputClose(&in);
}

// 'test_hold_and_spool()' - Small jobs stay in memory, large ones spool, both byte-exact.
static void
test_hold_and_spool(void)
{
  run_hold_spool(1000, LPR_HOLD_MAX);
  run_hold_spool(LPR_HOLD_MAX, LPR_HOLD_MAX);
  run_hold_spool(LPR_HOLD_MAX + 1, LPR_HOLD_MAX);
  run_hold_spool(7 * 1024 * 1024 + 5, LPR_HOLD_MAX);
  run_hold_spool(3 * 1024 * 1024 + 5, 100);
}

// 'test_first_read()' - max 0 reads what is there without waiting for EOF.
static void
test_first_read(void)
{
  int         fds[2], err = 0;
  lpr_input_t in;

  CU_ASSERT_FATAL(pipe(fds) == 0);
  CU_ASSERT_EQUAL(write(fds[1], "abc", 3), 3);
  lprInputStdin(&in, fds[0]);
  CU_ASSERT_EQUAL(lprInputHold(&in, 0, &quiet, &err), LPR_SPOOL_OK);
  CU_ASSERT_EQUAL(in.held_len, 3);
  CU_ASSERT_FALSE(in.eof);
  close(fds[1]);
  lprInputClose(&in);
  close(fds[0]);

  // An empty job: EOF at once.
  CU_ASSERT_FATAL(pipe(fds) == 0);
  close(fds[1]);
  lprInputStdin(&in, fds[0]);
  CU_ASSERT_EQUAL(lprInputHold(&in, 0, &quiet, &err), LPR_SPOOL_OK);
  CU_ASSERT_TRUE(in.eof);
  CU_ASSERT_EQUAL(in.size, 0);
  lprInputClose(&in);
  close(fds[0]);
}

// 'test_cancel()' - A cancel while waiting for input stops the spool and leaves nothing.
static void
test_cancel(void)
{
  int              fds[2], cp[2];
  lpr_input_t      in;
  lpd_loop_t       loop;
  lpr_spool_info_t info;

  CU_ASSERT_FATAL(pipe(fds) == 0 && pipe(cp) == 0);
  CU_ASSERT_EQUAL(write(fds[1], "partial", 7), 7);
  CU_ASSERT_EQUAL(write(cp[1], "x", 1), 1);
  lprInputStdin(&in, fds[0]);
  lpdLoopInit(&loop, cp[0]);
  CU_ASSERT_EQUAL(lprInputSpool(&in, tmpdir, &loop, &info), LPR_SPOOL_CANCELED);
  CU_ASSERT_EQUAL(dir_entries(tmpdir), 0);
  lprInputClose(&in);
  close(fds[0]);
  close(fds[1]);
  close(cp[0]);
  close(cp[1]);
}

// 'test_file_input()' - A named file is used in place, with its size; a directory is refused.
static void
test_file_input(void)
{
  char        path[300];
  FILE        *fp;
  lpr_input_t in;
  int         err = 0;

  snprintf(path, sizeof(path), "%s/job", tmpdir);
  fp = fopen(path, "w");
  fputs("hello", fp);
  fclose(fp);
  CU_ASSERT_TRUE(lprInputOpenFile(&in, path, &err));
  CU_ASSERT_EQUAL(in.size, 5);
  CU_ASSERT_TRUE(in.is_file);
  CU_ASSERT_FALSE(in.spooled);
  lprInputClose(&in);
  unlink(path);
  CU_ASSERT_FALSE(lprInputOpenFile(&in, path, &err));
  CU_ASSERT_EQUAL(err, ENOENT);
  CU_ASSERT_FALSE(lprInputOpenFile(&in, tmpdir, &err));
  CU_ASSERT_FALSE(lprInputSpool(&in, "/nonexistent-dir", &quiet, &(lpr_spool_info_t){0})
                  == LPR_SPOOL_OK);
}

// 'test_memo()' - A refusal memo is found for its key only, and expires.
static void
test_memo(void)
{
  int    err = 0;
  time_t when = 0;

  CU_ASSERT_FALSE(lprMemoGet(tmpdir, "h:515/lp", LPR_MEMO_MAX_AGE, &when));
  CU_ASSERT_TRUE(lprMemoSet(tmpdir, "h:515/lp", &err));
  CU_ASSERT_TRUE(lprMemoGet(tmpdir, "h:515/lp", LPR_MEMO_MAX_AGE, &when));
  CU_ASSERT_TRUE(when > 0);
  CU_ASSERT_FALSE(lprMemoGet(tmpdir, "h:515/lp2", LPR_MEMO_MAX_AGE, NULL));
  CU_ASSERT_FALSE(lprMemoGet(tmpdir, "h:515/lp", -1, NULL));
  CU_ASSERT_EQUAL(dir_entries(tmpdir), 1);
  CU_ASSERT_FALSE(lprMemoSet("/nonexistent-dir", "k", &err));
  {
    char path[1024];

    lprMemoPath(path, sizeof(path), tmpdir, "h:515/lp");
    unlink(path);
  }
}

int
main(void)
{
  int         rc;
  CU_TestInfo tests[] =
  {
    { "hold and spool", test_hold_and_spool },
    { "first read", test_first_read },
    { "cancel while spooling", test_cancel },
    { "file input", test_file_input },
    { "zero-count memo", test_memo },
    CU_TEST_INFO_NULL
  };

  if (!mkdtemp(tmpdir))
    return (99);
  lpdLoopInit(&quiet, -1);
  rc = unit_run("spool", tests);
  rmdir(tmpdir);
  return (rc);
}
