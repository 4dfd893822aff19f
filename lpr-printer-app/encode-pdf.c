// encode-pdf.c - PWG raster into PDF 1.3: one RunLength-compressed image per page, written as
//                it arrives (each object's offset noted for the cross-reference table).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Objects: 1 catalog, 2 page tree (written last, when the pages are known), then four per
// page: the page, its content stream, its image, the image's length (known only at the end
// of the page, so an indirect object).  Copies and duplex as viewer preferences (PDF 1.7
// /NumCopies, /Duplex), which PDF printers read as the print ticket.

#include "config.h"
#include "encode.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

// 'pos()' - The current output offset.
static uint64_t
pos(const lpra_enc_t *e)
{
  return (e->written + e->used);
}

// 'begin_obj()' - Note object n's offset and write its header.
static bool
begin_obj(lpra_enc_t *e, unsigned n)
{
  if (n >= e->nobjs)
  {
    unsigned room = n + 256;
    uint64_t *o = realloc(e->offsets, room * sizeof(*o));

    if (!o)
    {
      e->error = true;
      e->err   = ENOMEM;
      return (false);
    }
    for (unsigned i = e->nobjs; i < room; i ++)
      o[i] = 0;
    e->offsets = o;
    e->nobjs   = room;
  }
  e->offsets[n] = pos(e);
  return (lpraEncPrintf(e, "%u 0 obj\n", n));
}

// 'lpraPDFStart()' - The header (binary marker line: the file is 8-bit).
bool
lpraPDFStart(lpra_enc_t *e)
{
  e->nobjs = 0;
  return (lpraEncPrintf(e, "%%PDF-1.3\n%%\342\343\317\323\n"));
}

// 'lpraPDFPageStart()' - The page object, its content stream, and the image's header.
bool
lpraPDFPageStart(lpra_enc_t *e)
{
  const cups_page_header2_t *h = &e->header;
  unsigned   n = 3 + 4 * (e->pages - 1);
  double     xres = h->HWResolution[0] ? h->HWResolution[0] : 300;
  double     yres = h->HWResolution[1] ? h->HWResolution[1] : 300;
  double     w = h->cupsWidth * 72.0 / xres, ht = h->cupsHeight * 72.0 / yres;
  double     pw = h->PageSize[0] ? h->PageSize[0] : w, ph = h->PageSize[1] ? h->PageSize[1] : ht;
  bool       gray = h->cupsBitsPerPixel == h->cupsBitsPerColor;
  char       content[256];
  int        clen;

  if (!(gray && (h->cupsBitsPerColor == 8 || h->cupsBitsPerColor == 1))
      && !(h->cupsBitsPerPixel == 24 && h->cupsBitsPerColor == 8))
    return (false);
  clen = snprintf(content, sizeof(content), "q %.4f 0 0 %.4f 0 %.4f cm /Im0 Do Q\n", w, ht,
                  ph - ht);                                   // numbers only: always fits
  begin_obj(e, n);
  lpraEncPrintf(e, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources "
                "<< /XObject << /Im0 %u 0 R >> >> /Contents %u 0 R >>\nendobj\n", pw, ph,
                n + 2, n + 1);
  begin_obj(e, n + 1);
  lpraEncPrintf(e, "<< /Length %d >>\nstream\n%sendstream\nendobj\n", clen, content);
  begin_obj(e, n + 2);
  lpraEncPrintf(e, "<< /Type /XObject /Subtype /Image /Width %u /Height %u /ColorSpace %s "
                "/BitsPerComponent %u /Decode %s /Filter /RunLengthDecode /Length %u 0 R >>\n"
                "stream\n", h->cupsWidth, h->cupsHeight, gray ? "/DeviceGray" : "/DeviceRGB",
                h->cupsBitsPerColor, !gray ? "[0 1 0 1 0 1]"
                : h->cupsColorSpace == CUPS_CSPACE_K ? "[1 0]" : "[0 1]", n + 3);
  e->stream_start = pos(e);
  return (!e->error);
}

// 'lpraPDFLine()' - One line, RunLength-compressed.
bool
lpraPDFLine(lpra_enc_t *e, const unsigned char *line)
{
  size_t n = lpraRunLength(e->work, line, e->header.cupsBytesPerLine);

  return (lpraEncWrite(e, e->work, n));
}

// 'lpraPDFPageEnd()' - End of data, the stream's end, its length object.
bool
lpraPDFPageEnd(lpra_enc_t *e)
{
  unsigned n = 3 + 4 * (e->pages - 1);
  uint64_t len;

  lpraEncWrite(e, "\200", 1);           // RunLength end of data
  len = pos(e) - e->stream_start;
  lpraEncPrintf(e, "\nendstream\nendobj\n");
  begin_obj(e, n + 3);
  return (lpraEncPrintf(e, "%" PRIu64 "\nendobj\n", len));
}

// 'lpraPDFEnd()' - Page tree, catalog, cross-reference table, trailer.
bool
lpraPDFEnd(lpra_enc_t *e)
{
  unsigned count = 3 + 4 * e->pages;
  uint64_t xref;

  begin_obj(e, 2);
  lpraEncPrintf(e, "<< /Type /Pages /Count %u /Kids [", e->pages);
  for (unsigned p = 0; p < e->pages; p ++)
    lpraEncPrintf(e, "%s%u 0 R", p ? " " : "", 3 + 4 * p);
  lpraEncPrintf(e, "] >>\nendobj\n");
  begin_obj(e, 1);
  lpraEncPrintf(e, "<< /Type /Catalog /Pages 2 0 R /ViewerPreferences << /NumCopies %d%s >> "
                ">>\nendobj\n", e->copies, e->duplex == 1 ? " /Duplex /DuplexFlipLongEdge"
                : e->duplex == 2 ? " /Duplex /DuplexFlipShortEdge" : "");
  xref = pos(e);
  lpraEncPrintf(e, "xref\n0 %u\n0000000000 65535 f \n", count);
  for (unsigned i = 1; i < count && !e->error; i ++)
    lpraEncPrintf(e, "%010" PRIu64 " 00000 n \n", e->offsets[i]);
  return (lpraEncPrintf(e, "trailer\n<< /Size %u /Root 1 0 R >>\nstartxref\n%" PRIu64
                        "\n%%%%EOF\n", count, xref));
}
