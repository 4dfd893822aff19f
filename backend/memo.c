// memo.c - what the backend remembers across jobs: servers that refuse zero-count data files.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// One small file per server and queue, named by a hash of "host:port/queue" and holding the key
// itself (so a hash collision is never taken for a match).  Written to a temp name and renamed,
// so a reader never sees half a file.

#include "config.h"
#include "memo.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// 'fnv1a()' - 64-bit FNV-1a hash of a string.
static uint64_t
fnv1a(const char *s)
{
  uint64_t h = 0xcbf29ce484222325ULL;

  for (; *s; s ++)
  {
    h ^= (unsigned char)*s;
    h *= 0x100000001b3ULL;
  }
  return (h);
}

// 'lprMemoPath()' - The file that holds the memo for a key.
bool
lprMemoPath(char *buf, size_t size, const char *dir, const char *key)
{
  int n = snprintf(buf, size, "%s/" LPR_MEMO_PREFIX "%016" PRIx64, dir, fnv1a(key));

  return (n > 0 && (size_t)n < size);
}

// 'lprMemoGet()' - Whether a memo for key exists and is younger than max_age seconds.
bool
lprMemoGet(const char *dir, const char *key, time_t max_age, time_t *when)
{
  char        path[1024], buf[600];
  struct stat st;
  int         fd;
  ssize_t     n;
  size_t      klen = strlen(key);

  if (!lprMemoPath(path, sizeof(path), dir, key))
    return (false);
  if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
    return (false);
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
  {
    close(fd);
    return (false);
  }
  n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n < 0 || (size_t)n != klen + 1 || memcmp(buf, key, klen) || buf[klen] != '\n')
    return (false);
  if (time(NULL) - st.st_mtime > max_age)
    return (false);
  if (when)
    *when = st.st_mtime;
  return (true);
}

// 'lprMemoSet()' - Record a memo for key (atomically replacing any older one).
bool
lprMemoSet(const char *dir, const char *key, int *err)
{
  char    path[1024], tmp[1100];
  int     fd, n;
  size_t  klen = strlen(key);
  ssize_t w;

  if (klen > 512 || !lprMemoPath(path, sizeof(path), dir, key))
  {
    *err = ENAMETOOLONG;
    return (false);
  }
  n = snprintf(tmp, sizeof(tmp), "%s.%ld", path, (long)getpid());
  if (n < 0 || (size_t)n >= sizeof(tmp))
  {
    *err = ENAMETOOLONG;
    return (false);
  }
  if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
  {
    *err = errno;
    return (false);
  }
  {
    char line[600];

    memcpy(line, key, klen);
    line[klen] = '\n';
    do
      w = write(fd, line, klen + 1);
    while (w < 0 && errno == EINTR);
  }
  if (w != (ssize_t)(klen + 1))
  {
    *err = w < 0 ? errno : EIO;
    close(fd);
    unlink(tmp);
    return (false);
  }
  if (close(fd) < 0 || rename(tmp, path) < 0)
  {
    *err = errno;
    unlink(tmp);
    return (false);
  }
  return (true);
}
