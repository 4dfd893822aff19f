// fuzz-common.h - shared by the fuzz targets: invariant checks and a strict UTF-8 decoder.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Define FUZZ_NAME before including.

#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

// 'check()' - Abort with a message when an invariant does not hold.
static void
check(bool ok, const char *what)
{
  if (!ok)
  {
    fprintf(stderr, "%s: invariant failed: %s\n", FUZZ_NAME, what);
    abort();
  }
}

// 'utf8_len()' - Length of the valid UTF-8 sequence at s (strict: no overlong, surrogate or
//                > U+10FFFF forms), or 0.
static size_t
utf8_len(const unsigned char *s, size_t avail)
{
  size_t   n;
  unsigned cp;

  if (avail == 0)
    return (0);
  if (s[0] < 0x80)
    return (1);
  if (s[0] >= 0xc2 && s[0] <= 0xdf)
  {
    n  = 2;
    cp = s[0] & 0x1fu;
  }
  else if (s[0] >= 0xe0 && s[0] <= 0xef)
  {
    n  = 3;
    cp = s[0] & 0x0fu;
  }
  else if (s[0] >= 0xf0 && s[0] <= 0xf4)
  {
    n  = 4;
    cp = s[0] & 0x07u;
  }
  else
    return (0);
  if (avail < n)
    return (0);
  for (size_t i = 1; i < n; i ++)
  {
    if ((s[i] & 0xc0) != 0x80)
      return (0);
    cp = (cp << 6) | (s[i] & 0x3fu);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
      (cp >= 0xd800 && cp <= 0xdfff))
    return (0);
  return (n);
}

#endif // FUZZ_COMMON_H
