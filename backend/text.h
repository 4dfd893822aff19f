// text.h - UTF-8 aware cleaning and cutting of outside text, and a capped growable buffer.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// No CUPS calls here: shared by the RFC 1179 core and the status writer.

#ifndef LPR_TEXT_H
#define LPR_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#if defined(__GNUC__)
#  define LPR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#  define LPR_PRINTF(f, a)
#endif

size_t  lprTextCut(const char *s, size_t len, size_t max);
size_t  lprTextClean(char *dst, size_t dstsize, const char *src, size_t srclen);
size_t  lprTextCharLen(const char *s, size_t avail, unsigned *cp);
size_t  lprTextAscii(char *dst, size_t dstsize, const char *src, size_t srclen);

// A growable buffer with a hard cap: on failure it frees itself and stays unusable.
typedef struct lpr_buf_s
{
  char   *data;     // NUL-terminated contents (or NULL)
  size_t len;       // bytes used, not counting the NUL
  size_t cap;       // bytes allocated
  size_t max;       // hard cap on len
  bool   failed;    // an append hit the cap or malloc failed
} lpr_buf_t;

void    lprBufInit(lpr_buf_t *b, size_t max);
bool    lprBufAppend(lpr_buf_t *b, const void *data, size_t len);
bool    lprBufPrintf(lpr_buf_t *b, const char *format, ...) LPR_PRINTF(2, 3);
void    lprBufFree(lpr_buf_t *b);

#endif // LPR_TEXT_H
