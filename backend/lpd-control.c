// lpd-control.c - control-file text and file names (RFC 1179 sections 6 and 7; no CUPS calls).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "lpd-proto.h"

#include <stdio.h>
#include <string.h>

// 'lpdSanitize()' - Clean outside text for a control-file line, at most maxbytes long.
size_t
lpdSanitize(char *dst, size_t dstsize, const char *src, size_t maxbytes)
{
  if (dstsize > maxbytes + 1)
    dstsize = maxbytes + 1;
  return (lprTextClean(dst, dstsize, src ? src : "", src ? strlen(src) : 0));
}


// 'lpdSanitizeHost()' - A host name fit for H lines and file names: [A-Za-z0-9.-], <= 31 bytes.
void
lpdSanitizeHost(char *dst, size_t dstsize, const char *src)
{
  size_t o = 0, max = dstsize - 1 < LPD_HOST_MAX ? dstsize - 1 : LPD_HOST_MAX;

  for (; src && *src && o < max; src ++)
  {
    char ch = *src;

    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
        ch == '.' || ch == '-')
      dst[o ++] = ch;
    else if (ch == '_')
      dst[o ++] = '-';
  }
  while (o > 0 && (dst[o - 1] == '.' || dst[o - 1] == '-'))
    o --;
  dst[o] = '\0';
  if (o == 0)
    snprintf(dst, dstsize, "localhost");
}


// 'lpdFileName()' - "cfA" or "dfA", three digits, host (RFC 1179 sections 7.2 and 6.2).
bool
lpdFileName(char *buf, size_t size, char type, int jobnum, const char *host)
{
  int n = snprintf(buf, size, "%cfA%03d%s", type, ((jobnum % 1000) + 1000) % 1000, host);

  return (n > 0 && (size_t)n < size);
}


// 'lpdControlBuild()' - Build a control file (section 7): one line per card, nothing injected.
//
// Every string must already be sanitized (no control bytes); this function still refuses any
// line that would contain a newline, so a missed caller cannot inject commands.
bool
lpdControlBuild(const lpd_control_t *ctl, lpr_buf_t *out)
{
  char dfname[64];
  const char *fields[6] = { ctl->host, ctl->user, ctl->jobname, ctl->source, ctl->title,
                            ctl->banner_class };

  for (int i = 0; i < 6; i ++)
    if (fields[i] && strpbrk(fields[i], "\r\n"))
      return (false);
  if (!ctl->format || !strchr("cdfglnoprtv", ctl->format) || ctl->copies < 1 ||
      !lpdFileName(dfname, sizeof(dfname), 'd', ctl->jobnum, ctl->host))
    return (false);

  lprBufPrintf(out, "H%.31s\n", ctl->host);                    // section 7.2: H <= 31
  lprBufPrintf(out, "P%.31s\n", ctl->user);                    // P <= 31
  if (ctl->jobname && *ctl->jobname)
    lprBufPrintf(out, "J%.99s\n", ctl->jobname);               // J <= 99
  if (ctl->banner)
  {
    lprBufPrintf(out, "C%.31s\n", ctl->banner_class ? ctl->banner_class : ctl->host);
    lprBufPrintf(out, "L%.31s\n", ctl->user);
  }
  if (ctl->title && *ctl->title && ctl->format == 'p')
    lprBufPrintf(out, "T%.79s\n", ctl->title);                 // T <= 79, used by 'p' only
  for (int i = 0; i < ctl->copies; i ++)
    lprBufPrintf(out, "%c%s\n", ctl->format, dfname);
  lprBufPrintf(out, "U%s\n", dfname);
  if (ctl->source && *ctl->source)
    lprBufPrintf(out, "N%.131s\n", ctl->source);               // N <= 131
  return (!out->failed);
}
