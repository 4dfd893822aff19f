// pjl.c - build the PJL job header and trailer that wrap a print job.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// PJL copies and duplex make printers whose LPD ignores control-file copies print them, and
// keep duplex right (CUPS issue #917: the spooler's manual copies break duplex pairs).

#include "config.h"
#include "pjl.h"

#include <stdio.h>
#include <string.h>

#define PJL_NAME_MAX 80                 // printers cut job names around here

// 'pjlCleanName()' - A job name safe inside NAME="...": printable ASCII without quotes.
void
pjlCleanName(char *dst, size_t size, const char *src)
{
  size_t o = 0;

  for (; src && *src && o + 1 < size && o < PJL_NAME_MAX; src ++)
  {
    unsigned char ch = (unsigned char)*src;

    dst[o ++] = (ch >= 0x20 && ch < 0x7f && ch != '"') ? (char)ch : '_';
  }
  dst[o] = '\0';
}

// 'pjlDuplexFromSides()' - The IPP "sides" value as a PJL duplex setting (-1: leave as is).
int
pjlDuplexFromSides(const char *sides)
{
  if (!sides)
    return (-1);
  if (!strcmp(sides, "one-sided"))
    return (0);
  if (!strcmp(sides, "two-sided-long-edge"))
    return (1);
  if (!strcmp(sides, "two-sided-short-edge"))
    return (2);
  return (-1);
}

// 'pjlLanguageFor()' - The PJL language for a MIME type, or NULL to let the printer tell.
const char *
pjlLanguageFor(const char *content_type)
{
  if (!content_type)
    return (NULL);
  if (strstr(content_type, "postscript"))
    return ("POSTSCRIPT");
  if (strstr(content_type, "pcl"))
    return ("PCL");
  return (NULL);
}

// 'pjlHeader()' - UEL, JOB, copies, duplex, language.  Returns the length, 0 if it does not fit.
size_t
pjlHeader(char *buf, size_t size, const pjl_job_t *job)
{
  char name[PJL_NAME_MAX + 1];
  int  copies = job->copies < 1 ? 1 : job->copies > 999 ? 999 : job->copies;
  int  n;

  pjlCleanName(name, sizeof(name), job->name);
  n = snprintf(buf, size,
               "%s@PJL\r\n"
               "@PJL JOB NAME=\"%s\"\r\n"
               "@PJL SET COPIES=%d\r\n"
               "%s%s"
               "%s%s%s",
               PJL_UEL, name, copies,
               job->duplex < 0 ? "" : job->duplex == 0 ? "@PJL SET DUPLEX=OFF\r\n"
                                                        : "@PJL SET DUPLEX=ON\r\n",
               job->duplex == 1 ? "@PJL SET BINDING=LONGEDGE\r\n"
               : job->duplex == 2 ? "@PJL SET BINDING=SHORTEDGE\r\n" : "",
               job->language ? "@PJL ENTER LANGUAGE=" : "",
               job->language ? job->language : "", job->language ? "\r\n" : "");
  if (n < 0 || (size_t)n >= size)
    return (0);
  return ((size_t)n);
}

// 'pjlTrailer()' - UEL, EOJ with the same name, UEL.
size_t
pjlTrailer(char *buf, size_t size, const pjl_job_t *job)
{
  char name[PJL_NAME_MAX + 1];
  int  n;

  pjlCleanName(name, sizeof(name), job->name);
  n = snprintf(buf, size, "%s@PJL EOJ NAME=\"%s\"\r\n%s", PJL_UEL, name, PJL_UEL);
  if (n < 0 || (size_t)n >= size)
    return (0);
  return ((size_t)n);
}
