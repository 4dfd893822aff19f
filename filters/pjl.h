// pjl.h - build the PJL job header and trailer that wrap a print job.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#ifndef LPR_PJL_H
#define LPR_PJL_H

#include <stdbool.h>
#include <stddef.h>

#define PJL_UEL "\033%-12345X"          // Universal Exit Language

typedef struct pjl_job_s
{
  const char *name;                     // job name (cleaned here: printable ASCII, no quotes)
  int        copies;                    // 1..999
  int        duplex;                    // 0 simplex, 1 long edge, 2 short edge, -1 unset
  const char *language;                 // "POSTSCRIPT", "PCL", or NULL to let the printer tell
} pjl_job_t;

size_t pjlHeader(char *buf, size_t size, const pjl_job_t *job);
size_t pjlTrailer(char *buf, size_t size, const pjl_job_t *job);
void   pjlCleanName(char *dst, size_t size, const char *src);
int    pjlDuplexFromSides(const char *sides);
const char *pjlLanguageFor(const char *content_type);

#endif // LPR_PJL_H
