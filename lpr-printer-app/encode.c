// encode.c - the encoders' shared parts: the output buffer, run-length compression, and the
//            dispatch to the language of the printer.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "encode.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// 'lpraEncFlush()' - Write the buffer out, over short writes and EINTR.
bool
lpraEncFlush(lpra_enc_t *e)
{
  size_t off = 0;

  while (!e->error && off < e->used)
  {
    ssize_t n = write(e->fd, e->buf + off, e->used - off);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
    {
      e->error = true;
      e->err   = n < 0 ? errno : EIO;
      break;
    }
    off += (size_t)n;
    e->written += (uint64_t)n;
  }
  e->used = 0;
  return (!e->error);
}

// 'lpraEncWrite()' - Append bytes to the output.
bool
lpraEncWrite(lpra_enc_t *e, const void *data, size_t len)
{
  const unsigned char *p = data;

  while (len > 0 && !e->error)
  {
    size_t room = sizeof(e->buf) - e->used, n = len < room ? len : room;

    memcpy(e->buf + e->used, p, n);
    e->used += n;
    p       += n;
    len     -= n;
    if (e->used == sizeof(e->buf))
      lpraEncFlush(e);
  }
  return (!e->error);
}

// 'lpraEncPrintf()' - Append formatted text (a few hundred bytes at most: commands).
bool
lpraEncPrintf(lpra_enc_t *e, const char *format, ...)
{
  char    text[1024];
  va_list ap;
  int     n;

  va_start(ap, format);
  n = vsnprintf(text, sizeof(text), format, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof(text))
  {
    e->error = true;
    e->err   = EOVERFLOW;
    return (false);
  }
  return (lpraEncWrite(e, text, (size_t)n));
}

// 'lpraRunLength()' - PostScript RunLength / TIFF PackBits of one buffer; dst holds
//                     len + len / 128 + 1 bytes.  Returns the encoded length.
size_t
lpraRunLength(unsigned char *dst, const unsigned char *src, size_t len)
{
  size_t i = 0, out = 0;

  while (i < len)
  {
    size_t run = 1;

    while (i + run < len && run < 128 && src[i + run] == src[i])
      run ++;
    if (run >= 2)
    {
      dst[out ++] = (unsigned char)(257 - run);
      dst[out ++] = src[i];
      i += run;
      continue;
    }
    // A literal run: up to the next pair of equal bytes, at most 128.
    {
      size_t lit = 1;

      while (i + lit < len && lit < 128
             && !(i + lit + 1 < len && src[i + lit] == src[i + lit + 1]))
        lit ++;
      dst[out ++] = (unsigned char)(lit - 1);
      memcpy(dst + out, src + i, lit);
      out += lit;
      i   += lit;
    }
  }
  return (out);
}

// 'lpraPackBits()' - TIFF PackBits (PCL compression mode 2): the same code as RunLength.
size_t
lpraPackBits(unsigned char *dst, const unsigned char *src, size_t len)
{
  return (lpraRunLength(dst, src, len));
}

// 'lpraEncStart()' - Begin a document.
bool
lpraEncStart(lpra_enc_t *e, lpra_enc_lang_t lang, int fd, int copies, int duplex,
             const char *title)
{
  e->lang    = lang;
  e->fd      = fd;
  e->copies  = copies < 1 ? 1 : copies > 999 ? 999 : copies;
  e->duplex  = duplex;
  e->error   = false;
  e->written = 0;
  e->used    = 0;
  e->pages   = 0;
  snprintf(e->title, sizeof(e->title), "%s", title ? title : "");   // cut is fine: a label
  switch (lang)
  {
    case LPRA_ENC_PS :  return (lpraPSStart(e));
    case LPRA_ENC_PDF : return (lpraPDFStart(e));
    default :           return (lpraPCLStart(e));
  }
}

// 'lpraEncPageStart()' - Begin a page with its raster header.
bool
lpraEncPageStart(lpra_enc_t *e, const cups_page_header2_t *header)
{
  size_t need = (size_t)header->cupsBytesPerLine * 2 + 16;

  e->header = *header;
  if (need > e->worksize)
  {
    unsigned char *w = realloc(e->work, need);

    if (!w)
    {
      e->error = true;
      e->err   = ENOMEM;
      return (false);
    }
    e->work     = w;
    e->worksize = need;
  }
  e->pages ++;
  switch (e->lang)
  {
    case LPRA_ENC_PS :  return (lpraPSPageStart(e));
    case LPRA_ENC_PDF : return (lpraPDFPageStart(e));
    default :           return (lpraPCLPageStart(e));
  }
}

// 'lpraEncLine()' - One raster line (cupsBytesPerLine bytes).
bool
lpraEncLine(lpra_enc_t *e, const unsigned char *line)
{
  switch (e->lang)
  {
    case LPRA_ENC_PS :  return (lpraPSLine(e, line));
    case LPRA_ENC_PDF : return (lpraPDFLine(e, line));
    default :           return (lpraPCLLine(e, line));
  }
}

// 'lpraEncPageEnd()' - End the page.
bool
lpraEncPageEnd(lpra_enc_t *e)
{
  switch (e->lang)
  {
    case LPRA_ENC_PS :  return (lpraPSPageEnd(e));
    case LPRA_ENC_PDF : return (lpraPDFPageEnd(e));
    default :           return (lpraPCLPageEnd(e));
  }
}

// 'lpraEncEnd()' - End the document and write everything out.
bool
lpraEncEnd(lpra_enc_t *e)
{
  bool ok;

  switch (e->lang)
  {
    case LPRA_ENC_PS :
        ok = lpraPSEnd(e);
        break;
    case LPRA_ENC_PDF :
        ok = lpraPDFEnd(e);
        break;
    default :
        ok = lpraPCLEnd(e);
        break;
  }
  return (ok && lpraEncFlush(e));
}

// 'lpraEncFree()' - Release the encoder's memory (not its fd).
void
lpraEncFree(lpra_enc_t *e)
{
  free(e->work);
  free(e->offsets);
  e->work     = NULL;
  e->offsets  = NULL;
  e->worksize = 0;
}
