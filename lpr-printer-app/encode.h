// encode.h - PWG raster lines into the printer's language, as they arrive: PostScript Level 2
//            images (RunLength + ASCII85), PDF image pages, PCL 5 raster (TIFF packbits).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// No PAPPL calls: the encoders take a cups_page_header2_t per page and one line at a time, and
// write to an fd (a pipe to the LPD sender, or a spool file) through one buffer.  Copies and
// duplex go into the document (PostScript setpagedevice, PDF viewer preferences, PJL).

#ifndef LPRA_ENCODE_H
#define LPRA_ENCODE_H

#include <cups/raster.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LPRA_ENC_BUF     65536          // output buffer

typedef enum lpra_enc_lang_e
{
  LPRA_ENC_PS,
  LPRA_ENC_PDF,
  LPRA_ENC_PCL
} lpra_enc_lang_t;

typedef struct lpra_enc_s
{
  lpra_enc_lang_t    lang;
  int                fd;                // output
  int                copies;            // 1-999
  int                duplex;            // 0 simplex, 1 long edge, 2 short edge
  char               title[128];        // for PJL and the PostScript/PDF header
  bool               error;             // a write failed (errno in err)
  int                err;
  uint64_t           written;           // bytes written to fd so far
  unsigned           pages;             // pages begun
  cups_page_header2_t header;           // the current page
  unsigned char      *work;             // compression buffer (one line, worst case)
  size_t             worksize;
  uint32_t           a85;               // ASCII85: the pending group
  int                a85n;              // bytes in it
  int                a85col;            // output column
  uint64_t           stream_start;      // PDF: where the page's image stream began
  uint64_t           *offsets;          // PDF: object offsets (object n at [n])
  unsigned           nobjs;             // PDF: room in offsets
  size_t             used;              // bytes in buf
  unsigned char      buf[LPRA_ENC_BUF];
} lpra_enc_t;

bool lpraEncStart(lpra_enc_t *e, lpra_enc_lang_t lang, int fd, int copies, int duplex,
                  const char *title);
bool lpraEncPageStart(lpra_enc_t *e, const cups_page_header2_t *header);
bool lpraEncLine(lpra_enc_t *e, const unsigned char *line);
bool lpraEncPageEnd(lpra_enc_t *e);
bool lpraEncEnd(lpra_enc_t *e);
void lpraEncFree(lpra_enc_t *e);

// Shared by the encoder files (encode.c).
bool lpraEncWrite(lpra_enc_t *e, const void *data, size_t len);
bool lpraEncPrintf(lpra_enc_t *e, const char *format, ...) __attribute__((format(printf, 2, 3)));
bool lpraEncFlush(lpra_enc_t *e);
size_t lpraPackBits(unsigned char *dst, const unsigned char *src, size_t len);
size_t lpraRunLength(unsigned char *dst, const unsigned char *src, size_t len);

// Per language (encode-ps.c, encode-pdf.c, encode-pcl.c).
bool lpraPSStart(lpra_enc_t *e);
bool lpraPSPageStart(lpra_enc_t *e);
bool lpraPSLine(lpra_enc_t *e, const unsigned char *line);
bool lpraPSPageEnd(lpra_enc_t *e);
bool lpraPSEnd(lpra_enc_t *e);
bool lpraPDFStart(lpra_enc_t *e);
bool lpraPDFPageStart(lpra_enc_t *e);
bool lpraPDFLine(lpra_enc_t *e, const unsigned char *line);
bool lpraPDFPageEnd(lpra_enc_t *e);
bool lpraPDFEnd(lpra_enc_t *e);
bool lpraPCLStart(lpra_enc_t *e);
bool lpraPCLPageStart(lpra_enc_t *e);
bool lpraPCLLine(lpra_enc_t *e, const unsigned char *line);
bool lpraPCLPageEnd(lpra_enc_t *e);
bool lpraPCLEnd(lpra_enc_t *e);

#endif // LPRA_ENCODE_H
