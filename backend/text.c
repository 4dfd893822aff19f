// text.c - UTF-8 aware cleaning and cutting of outside text, and a capped growable buffer.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// 'utf8_seq_len()' - Length of a valid UTF-8 sequence at s, or 0 when it is not valid.
static size_t
utf8_seq_len(const unsigned char *s, size_t avail)
{
  size_t   n, i;
  unsigned cp;

  if (s[0] < 0x80)
    return (1);
  else if (s[0] >= 0xc2 && s[0] <= 0xdf)
  {
    n  = 2;
    cp = s[0] & 0x1f;
  }
  else if (s[0] >= 0xe0 && s[0] <= 0xef)
  {
    n  = 3;
    cp = s[0] & 0x0f;
  }
  else if (s[0] >= 0xf0 && s[0] <= 0xf4)
  {
    n  = 4;
    cp = s[0] & 0x07;
  }
  else
    return (0);

  if (avail < n)
    return (0);
  for (i = 1; i < n; i ++)
  {
    if ((s[i] & 0xc0) != 0x80)
      return (0);
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not valid UTF-8.
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
      (cp >= 0xd800 && cp <= 0xdfff))
    return (0);
  return (n);
}

// 'lprTextCut()' - Largest prefix length <= max of s[0..len) that ends on a character boundary.
size_t
lprTextCut(const char *s, size_t len, size_t max)
{
  size_t pos = 0, n;

  if (len <= max)
    return (len);
  while (pos < max)
  {
    n = utf8_seq_len((const unsigned char *)s + pos, len - pos);
    if (n == 0)
      n = 1;                            // an invalid byte is a boundary of its own
    if (pos + n > max)
      break;
    pos += n;
  }
  return (pos);
}

// 'lprTextClean()' - Copy outside text without control bytes or invalid UTF-8.
//
// C0 controls (CR, LF, TAB, ...), DEL and C1 controls become one space per run (none at the
// start), invalid UTF-8 becomes '?', and the copy is cut on a character boundary to fit dstsize
// (NUL included).  Stops at a NUL in src.  Returns the length written.
size_t
lprTextClean(char *dst, size_t dstsize, const char *src, size_t srclen)
{
  const unsigned char *s = (const unsigned char *)src;
  size_t              i = 0, o = 0, n;

  if (dstsize == 0)
    return (0);
  while (i < srclen && s[i])
  {
    n = utf8_seq_len(s + i, srclen - i);
    if (n == 0)
    {
      if (o + 1 >= dstsize)
        break;
      dst[o ++] = '?';
      i ++;
    }
    else if ((n == 1 && (s[i] < 0x20 || s[i] == 0x7f)) ||
             (n == 2 && s[i] == 0xc2 && s[i + 1] < 0xa0))
    {
      if (o > 0 && dst[o - 1] != ' ')
      {
        if (o + 1 >= dstsize)
          break;
        dst[o ++] = ' ';
      }
      i += n;
    }
    else
    {
      if (o + n >= dstsize)
        break;
      memcpy(dst + o, s + i, n);
      o += n;
      i += n;
    }
  }
  dst[o] = '\0';
  return (o);
}

// 'utf8_value()' - The code point of a valid n-byte UTF-8 sequence.
static unsigned
utf8_value(const unsigned char *s, size_t n)
{
  unsigned cp = n == 1 ? s[0] : n == 2 ? s[0] & 0x1fu : n == 3 ? s[0] & 0x0fu : s[0] & 0x07u;

  for (size_t i = 1; i < n; i ++)
    cp = (cp << 6) | (s[i] & 0x3fu);
  return (cp);
}

// 'lprTextCharLen()' - Length of the valid UTF-8 character at s (avail bytes), or 0; *cp gets
//                      its code point.
size_t
lprTextCharLen(const char *s, size_t avail, unsigned *cp)
{
  size_t n = avail ? utf8_seq_len((const unsigned char *)s, avail) : 0;

  if (n && cp)
    *cp = utf8_value((const unsigned char *)s, n);
  return (n);
}

// 'ascii_for()' - The 7-bit spelling of a character >= U+00A0 into out (NUL-terminated), and
//                 its length, or 0: Latin-1 and Latin Extended-A letters lose their accents,
//                 common punctuation its typography.
static size_t
ascii_for(unsigned cp, char out[4])
{
  static const char * const latin1[96] =
  {
    " ", "!", "c", "GBP", "?", "JPY", "|", "S", "\"", "(C)", "a", "<<", "!", "-", "(R)", "-",
    "o", "+-", "2", "3", "'", "u", "P", ".", ",", "1", "o", ">>", "1/4", "1/2", "3/4", "?",
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",
    "D", "N", "O", "O", "O", "O", "O", "x", "O", "U", "U", "U", "U", "Y", "TH", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "/", "o", "u", "u", "u", "u", "y", "th", "y"
  };
  // U+0100-U+017F, one base letter each (IJ, ij, OE and oe are spelled out below).
  static const char extended_a[129] =
    "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIiJjKkkLlLlLlLlLlNnNnNnnNnOoOoOoOo"
    "RrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";
  const char *t = NULL;

  if (cp >= 0xa0 && cp <= 0xff)
    t = latin1[cp - 0xa0];
  else if (cp == 0x132 || cp == 0x133 || cp == 0x152 || cp == 0x153)
    t = cp == 0x132 ? "IJ" : cp == 0x133 ? "ij" : cp == 0x152 ? "OE" : "oe";
  else if (cp >= 0x100 && cp <= 0x17f)
  {
    out[0] = extended_a[cp - 0x100];
    out[1] = '\0';
    return (1);
  }
  else if (cp >= 0x2010 && cp <= 0x2015)
    t = "-";
  else if (cp >= 0x2018 && cp <= 0x201b)
    t = "'";
  else if (cp >= 0x201c && cp <= 0x201f)
    t = "\"";
  else if (cp == 0x2022)
    t = "*";
  else if (cp == 0x2026)
    t = "...";
  else if (cp == 0x20ac)
    t = "EUR";
  else if (cp == 0x2122)
    t = "TM";
  if (!t)
    return (0);
  snprintf(out, 4, "%s", t);            // every spelling above has at most 3 characters
  return (strlen(out));
}

// 'lprTextAscii()' - Copy outside text as 7-bit ASCII, for servers that cannot take 8-bit bytes.
//
// As lprTextClean() (control runs become one space, none at the start; stops at a NUL; cut to
// fit dstsize, never inside a character's spelling), and then every character outside ASCII
// becomes its 7-bit spelling ("\xc5\x81\xc3\xb3d\xc5\xba" -> "Lodz", "stra\xc3\x9f" "e" ->
// "strasse", the euro sign -> "EUR") or '?'.  Returns the length written.
size_t
lprTextAscii(char *dst, size_t dstsize, const char *src, size_t srclen)
{
  const unsigned char *s = (const unsigned char *)src;
  size_t              i = 0, o = 0, n, tl;
  char                t[4];

  if (dstsize == 0)
    return (0);
  while (i < srclen && s[i])
  {
    n = utf8_seq_len(s + i, srclen - i);
    if ((n == 1 && (s[i] < 0x20 || s[i] == 0x7f)) || (n == 2 && s[i] == 0xc2 && s[i + 1] < 0xa0))
    {
      if (o > 0 && dst[o - 1] != ' ')   // a control run: one space, as lprTextClean()
      {
        if (o + 1 >= dstsize)
          break;
        dst[o ++] = ' ';
      }
      i += n;
      continue;
    }
    if (n == 1)
    {
      t[0] = (char)s[i];
      t[1] = '\0';
    }
    else if (n == 0 || ascii_for(utf8_value(s + i, n), t) == 0)
      snprintf(t, sizeof(t), "?");      // invalid UTF-8, or a character with no spelling
    tl = strlen(t);
    if (o + tl >= dstsize)
      break;
    memcpy(dst + o, t, tl);
    o += tl;
    i += n ? n : 1;
  }
  dst[o] = '\0';
  return (o);
}

// 'lprBufInit()' - Start an empty buffer that may hold at most max bytes.
void
lprBufInit(lpr_buf_t *b, size_t max)
{
  memset(b, 0, sizeof(*b));
  b->max = max;
}

// 'buf_fail()' - Free the buffer and mark it failed.
static bool
buf_fail(lpr_buf_t *b)
{
  free(b->data);
  b->data   = NULL;
  b->len    = 0;
  b->cap    = 0;
  b->failed = true;
  return (false);
}

// 'lprBufAppend()' - Append bytes, growing the buffer up to its cap.
bool
lprBufAppend(lpr_buf_t *b, const void *data, size_t len)
{
  size_t need, ncap;
  char   *p;

  if (b->failed)
    return (false);
  if (len > b->max || b->len > b->max - len)
    return (buf_fail(b));
  need = b->len + len + 1;
  if (need > b->cap)
  {
    ncap = b->cap ? b->cap : 256;
    while (ncap < need)
      ncap *= 2;
    if (ncap > b->max + 1)
      ncap = b->max + 1;
    if ((p = realloc(b->data, ncap)) == NULL)
      return (buf_fail(b));
    b->data = p;
    b->cap  = ncap;
  }
  if (len)
    memcpy(b->data + b->len, data, len);
  b->len += len;
  b->data[b->len] = '\0';
  return (true);
}

// 'lprBufPrintf()' - Append formatted text (bounded by the cap).
bool
lprBufPrintf(lpr_buf_t *b, const char *format, ...)
{
  char    tmp[1024];
  va_list ap;
  int     n;

  va_start(ap, format);
  n = vsnprintf(tmp, sizeof(tmp), format, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof(tmp))
    return (buf_fail(b));
  return (lprBufAppend(b, tmp, (size_t)n));
}

// 'lprBufFree()' - Release the buffer's memory.
void
lprBufFree(lpr_buf_t *b)
{
  free(b->data);
  b->data = NULL;
  b->len  = 0;
  b->cap  = 0;
}
