// encode-pcl.c - 1-bit PWG raster into PCL 5 raster graphics (compression mode 2, TIFF
//                PackBits) inside a PJL job: copies and duplex in PJL (filters/pjl.c).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// PCL 5 commands as in HP's PCL 5 Technical Reference: ESC E reset, ESC & l # A page size,
// ESC * t # R resolution, ESC * r # S raster width, ESC * r 1 A start at the cursor,
// ESC * b 2 M PackBits, ESC * b # W one row, ESC * r C end raster, FF eject.

#include "config.h"
#include "encode.h"
#include "pjl.h"

#include <stdlib.h>
#include <string.h>

typedef struct pcl_size_s               // a PCL page-size code and its size in points
{
  int code;
  int width, length;
} pcl_size_t;

static const pcl_size_t pcl_sizes[] =
{
  { 2, 612, 792 },                      // Letter
  { 3, 612, 1008 },                     // Legal
  { 1, 522, 756 },                      // Executive
  { 6, 792, 1224 },                     // Ledger (11x17)
  { 26, 595, 842 },                     // A4
  { 25, 420, 595 },                     // A5
  { 27, 842, 1191 }                     // A3
};

// 'pcl_size_code()' - The PCL page-size code nearest the header's page size (A4 otherwise).
static int
pcl_size_code(const cups_page_header2_t *h)
{
  for (size_t i = 0; i < sizeof(pcl_sizes) / sizeof(pcl_sizes[0]); i ++)
    if (abs((int)h->PageSize[0] - pcl_sizes[i].width) <= 2
        && abs((int)h->PageSize[1] - pcl_sizes[i].length) <= 2)
      return (pcl_sizes[i].code);
  return (26);
}

// 'pjl_job()' - The PJL description of the job.
static pjl_job_t
pjl_job(const lpra_enc_t *e)
{
  pjl_job_t pj = { e->title, e->copies, e->duplex, "PCL" };

  return (pj);
}

// 'lpraPCLStart()' - PJL header, then PCL reset.
bool
lpraPCLStart(lpra_enc_t *e)
{
  char      head[1024];
  pjl_job_t pj = pjl_job(e);
  size_t    n = pjlHeader(head, sizeof(head), &pj);

  if (n == 0)
    return (false);
  lpraEncWrite(e, head, n);
  return (lpraEncWrite(e, "\033E", 2));
}

// 'lpraPCLPageStart()' - Page size, resolution, raster width, start at the top left.
bool
lpraPCLPageStart(lpra_enc_t *e)
{
  const cups_page_header2_t *h = &e->header;

  if (h->cupsBitsPerPixel != 1)
    return (false);                     // the PCL driver forces black_1 (PAPPL dithers)
  if (e->pages == 1)
    lpraEncPrintf(e, "\033&l%dS", e->duplex);
  return (lpraEncPrintf(e, "\033&l%dA\033&l0O\033&l0E\033*t%uR\033*r%uS\033*p0x0Y\033*r1A"
                        "\033*b2M", pcl_size_code(h), h->HWResolution[0], h->cupsWidth));
}

// 'lpraPCLLine()' - One row, PackBits-compressed (an empty row for a white one).
bool
lpraPCLLine(lpra_enc_t *e, const unsigned char *line)
{
  size_t bpl = e->header.cupsBytesPerLine, last = bpl, n;

  while (last > 0 && line[last - 1] == 0)
    last --;                            // trailing white bytes need not be sent
  n = lpraPackBits(e->work, line, last);
  lpraEncPrintf(e, "\033*b%zuW", n);
  return (lpraEncWrite(e, e->work, n));
}

// 'lpraPCLPageEnd()' - End raster graphics and eject the page.
bool
lpraPCLPageEnd(lpra_enc_t *e)
{
  return (lpraEncWrite(e, "\033*rC\f", 5));
}

// 'lpraPCLEnd()' - PCL reset, then the PJL trailer.
bool
lpraPCLEnd(lpra_enc_t *e)
{
  char      tail[512];
  pjl_job_t pj = pjl_job(e);
  size_t    n = pjlTrailer(tail, sizeof(tail), &pj);

  lpraEncWrite(e, "\033E", 2);
  return (n > 0 && lpraEncWrite(e, tail, n));
}
