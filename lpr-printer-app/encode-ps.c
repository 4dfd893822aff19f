// encode-ps.c - PWG raster into PostScript Level 2: one image per page, RunLength-compressed
//               and ASCII85-encoded (7-bit clean, as PostScript printers on text channels
//               want), the page size from the raster header, copies and duplex in setup.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "encode.h"

#include <string.h>

// 'a85_group()' - Write one ASCII85 group of n (1-4) bytes (PLRM 3.13.3).
static void
a85_group(lpra_enc_t *e, uint32_t v, int n)
{
  char out[5];

  if (n == 4 && v == 0)
  {
    lpraEncWrite(e, "z", 1);
    e->a85col ++;
  }
  else
  {
    for (int i = 4; i >= 0; i --)
    {
      out[i] = (char)('!' + v % 85);
      v /= 85;
    }
    lpraEncWrite(e, out, (size_t)n + 1);
    e->a85col += n + 1;
  }
  if (e->a85col >= 75)
  {
    lpraEncWrite(e, "\n", 1);
    e->a85col = 0;
  }
}

// 'a85_bytes()' - ASCII85-encode bytes, keeping a partial group for the next call.
static void
a85_bytes(lpra_enc_t *e, const unsigned char *p, size_t len)
{
  for (size_t i = 0; i < len; i ++)
  {
    e->a85 = (e->a85 << 8) | p[i];
    if (++ e->a85n == 4)
    {
      a85_group(e, e->a85, 4);
      e->a85  = 0;
      e->a85n = 0;
    }
  }
}

// 'a85_end()' - The last partial group and the end marker.
static void
a85_end(lpra_enc_t *e)
{
  if (e->a85n > 0)
    a85_group(e, e->a85 << (8 * (4 - e->a85n)), e->a85n);
  lpraEncWrite(e, "~>\n", 3);
  e->a85 = 0;
  e->a85n = 0;
  e->a85col = 0;
}

// 'lpraPSStart()' - DSC header and setup: copies and duplex, ignored where not supported.
bool
lpraPSStart(lpra_enc_t *e)
{
  char title[128];
  size_t j = 0;

  for (const char *p = e->title; *p && j < sizeof(title) - 1; p ++)
    if (*p >= ' ' && *p < 0x7f && *p != '(' && *p != ')' && *p != '\\')
      title[j ++] = *p;                 // a DSC text line: printable ASCII, no parentheses
  title[j] = '\0';
  lpraEncPrintf(e, "%%!PS-Adobe-3.0\n%%%%Creator: lpr-printer-app\n%%%%Title: %s\n"
                "%%%%LanguageLevel: 2\n%%%%Pages: (atend)\n%%%%EndComments\n"
                "%%%%BeginSetup\n", title);
  if (e->copies > 1)
    lpraEncPrintf(e, "[{<< /NumCopies %d >> setpagedevice} stopped cleartomark\n", e->copies);
  if (e->duplex)
    lpraEncPrintf(e, "[{<< /Duplex true /Tumble %s >> setpagedevice} stopped cleartomark\n",
                  e->duplex == 2 ? "true" : "false");
  return (lpraEncPrintf(e, "%%%%EndSetup\n"));
}

// 'image_space()' - The color space and Decode array of the page's raster, or false.
static bool
image_space(const cups_page_header2_t *h, const char **space, const char **decode)
{
  bool gray = h->cupsBitsPerPixel == h->cupsBitsPerColor;

  if (gray && (h->cupsBitsPerColor == 8 || h->cupsBitsPerColor == 1))
  {
    *space  = "/DeviceGray";
    *decode = h->cupsColorSpace == CUPS_CSPACE_K ? "[1 0]" : "[0 1]";
    return (h->cupsColorSpace == CUPS_CSPACE_K || h->cupsColorSpace == CUPS_CSPACE_W
            || h->cupsColorSpace == CUPS_CSPACE_SW);
  }
  *space  = "/DeviceRGB";
  *decode = "[0 1 0 1 0 1]";
  return (h->cupsBitsPerPixel == 24 && h->cupsBitsPerColor == 8
          && (h->cupsColorSpace == CUPS_CSPACE_RGB || h->cupsColorSpace == CUPS_CSPACE_SRGB
              || h->cupsColorSpace == CUPS_CSPACE_ADOBERGB));
}

// 'lpraPSPageStart()' - Page size, and the image operator reading the data that follows.
bool
lpraPSPageStart(lpra_enc_t *e)
{
  const cups_page_header2_t *h = &e->header;
  const char *space, *decode;
  double     xres = h->HWResolution[0] ? h->HWResolution[0] : 300;
  double     yres = h->HWResolution[1] ? h->HWResolution[1] : 300;
  double     w = h->cupsWidth * 72.0 / xres, ht = h->cupsHeight * 72.0 / yres;
  double     pw = h->PageSize[0] ? h->PageSize[0] : w, ph = h->PageSize[1] ? h->PageSize[1] : ht;

  if (!image_space(h, &space, &decode))
    return (false);
  lpraEncPrintf(e, "%%%%Page: %u %u\n"
                "[{<< /PageSize [%.2f %.2f] >> setpagedevice} stopped cleartomark\n"
                "save\n%s setcolorspace\n0 %.4f translate %.4f %.4f scale\n"
                "<< /ImageType 1 /Width %u /Height %u /BitsPerComponent %u /Decode %s\n"
                "   /ImageMatrix [%u 0 0 -%u 0 %u] /Interpolate false\n"
                "   /DataSource currentfile /ASCII85Decode filter /RunLengthDecode filter\n"
                ">> image\n", e->pages, e->pages, pw, ph, space, ph - ht, w, ht,
                h->cupsWidth, h->cupsHeight, h->cupsBitsPerColor, decode, h->cupsWidth,
                h->cupsHeight, h->cupsHeight);
  e->a85 = 0;
  e->a85n = 0;
  e->a85col = 0;
  return (!e->error);
}

// 'lpraPSLine()' - One line: RunLength, then ASCII85.
bool
lpraPSLine(lpra_enc_t *e, const unsigned char *line)
{
  size_t n = lpraRunLength(e->work, line, e->header.cupsBytesPerLine);

  a85_bytes(e, e->work, n);
  return (!e->error);
}

// 'lpraPSPageEnd()' - End of data (RunLength EOD, ASCII85 "~>"), showpage.
bool
lpraPSPageEnd(lpra_enc_t *e)
{
  static const unsigned char eod = 128;

  a85_bytes(e, &eod, 1);
  a85_end(e);
  return (lpraEncPrintf(e, "restore\nshowpage\n"));
}

// 'lpraPSEnd()' - Trailer with the page count.
bool
lpraPSEnd(lpra_enc_t *e)
{
  return (lpraEncPrintf(e, "%%%%Trailer\n%%%%Pages: %u\n%%%%EOF\n", e->pages));
}
