// fuzz-control.c - libFuzzer target: control files from outside user, title, host and job names.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Input: 6 header bytes (format, flags, copies, job number), then NUL-separated strings: host,
// user, title, job name, banner class.  Flags: 1 banner, 2 sanitize_title, 4 banner class,
// 8 no title, 0x10 up to 2000 copies (else up to 10).  Each input is built twice:
//   - sanitized as lprJobSetup() does: the file must be clean text within every RFC 1179
//     section 7.2 limit, and every lpdSanitize() result clean, valid UTF-8, cut on a boundary;
//   - raw, straight into lpdControlBuild(): it must refuse what it cannot build safely, and
//     whatever it builds must still hold nothing but the cards we write, each within its limit.

#include "config.h"
#include "lpd-proto.h"
#include "text.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NUM_FIELDS  5
#define HEADER_SIZE 6
#define MAX_COPIES  2000
#define CTL_MAX     (1024 * 1024)       // as lprJobRun()

static const char formats[] = "cdfglnoprtv";

#define FUZZ_NAME "fuzz-control"
#include "fuzz-common.h"

// 'utf8_valid()' - Whether [s, s+len) is entirely valid UTF-8.
static bool
utf8_valid(const char *s, size_t len)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t              i = 0, n;

  while (i < len)
  {
    if ((n = utf8_len(p + i, len - i)) == 0)
      return (false);
    i += n;
  }
  return (true);
}

// 'check_clean()' - No C0 control, DEL or C1 control, and valid UTF-8.
static void
check_clean(const char *s, size_t len, const char *what)
{
  const unsigned char *p = (const unsigned char *)s;

  for (size_t i = 0; i < len; i ++)
  {
    check(p[i] >= 0x20 && p[i] != 0x7f, what);
    check(!(p[i] == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] < 0xa0), what);
  }
  check(utf8_valid(s, len), what);
}

// 'sanitize_checked()' - lpdSanitize() into dst, checking the result against an uncut copy.
static size_t
sanitize_checked(char *dst, size_t dstsize, const char *src, size_t maxbytes)
{
  size_t srclen = strlen(src), len, fulllen, limit, next;
  char   *full = malloc(srclen + 1);

  check(full != NULL, "out of memory");
  len = lpdSanitize(dst, dstsize, src, maxbytes);
  check(len == strlen(dst), "lpdSanitize() length is not the string's");
  check(len < dstsize && len <= maxbytes, "lpdSanitize() result too long");
  check_clean(dst, len, "lpdSanitize() result has a control byte or invalid UTF-8");

  // The cut copy is the longest prefix of the uncut one that fits, on a character boundary.
  fulllen = lprTextClean(full, srclen + 1, src, srclen);
  check(len <= fulllen && !memcmp(dst, full, len), "lpdSanitize() result is not a prefix");
  limit = dstsize - 1 < maxbytes ? dstsize - 1 : maxbytes;
  if (len < fulllen)
  {
    next = utf8_len((const unsigned char *)full + len, fulllen - len);
    check(next > 0, "lpdSanitize() cut inside a character");
    check(len + next > limit, "lpdSanitize() cut more than it had to");
  }
  free(full);
  return (len);
}

// 'check_host()' - lpdSanitizeHost(): [A-Za-z0-9.-], 1..31 bytes, no trailing '.' or '-'.
static void
check_host(const char *host, size_t size)
{
  size_t len = strlen(host);

  check(len > 0 && len <= LPD_HOST_MAX && len < size, "sanitized host length");
  for (size_t i = 0; i < len; i ++)
    check(isalnum((unsigned char)host[i]) || host[i] == '.' || host[i] == '-',
          "sanitized host has a bad byte");
  check(host[len - 1] != '.' && host[len - 1] != '-', "sanitized host ends in '.' or '-'");
}

// 'check_cut()' - lprTextCut(): within max, and on a boundary of valid text.
static void
check_cut(const char *s, size_t len, size_t max)
{
  size_t cut = lprTextCut(s, len, max), next;

  check(cut <= len, "lprTextCut() past the end");
  check(len <= max ? cut == len : cut <= max, "lprTextCut() past max");
  if (utf8_valid(s, len))
  {
    check(utf8_valid(s, cut), "lprTextCut() cut inside a character");
    if (cut < len)
    {
      next = utf8_len((const unsigned char *)s + cut, len - cut);
      check(cut + next > max, "lprTextCut() cut more than it had to");
    }
  }
}

// 'card_limit()' - The longest field RFC 1179 section 7.2 allows after a card letter, or 0.
static size_t
card_limit(char card, char format)
{
  switch (card)
  {
    case 'H' :
    case 'P' :
    case 'C' :
    case 'L' :
        return (31);
    case 'J' :
        return (99);
    case 'T' :
        return (79);
    case 'N' :
        return (131);
    case 'U' :
        return (63);                    // a data file name: "dfA" + 3 digits + host
    default :
        return (card == format ? 63 : 0);
  }
}

// 'check_control()' - Only our cards, each within its limit; clean text when strict.
static void
check_control(const lpr_buf_t *b, const lpd_control_t *ctl, bool strict)
{
  const char *p = b->data, *end = b->data + b->len, *nl;
  int        count[256] = { 0 };

  check(b->data != NULL && b->len > 0, "empty control file");
  check(strlen(b->data) == b->len, "NUL byte in the control file");
  check(end[-1] == '\n', "control file does not end in a newline");
  while (p < end)
  {
    size_t len, limit;

    nl  = memchr(p, '\n', (size_t)(end - p));
    check(nl != NULL, "unterminated control-file line");
    len = (size_t)(nl - p);
    check(len > 0, "empty control-file line");
    check(strchr("HPJNCLTU", p[0]) != NULL || p[0] == ctl->format,
          "control-file line starts with a card we never write");
    check(p[0] != '\r' && memchr(p, '\r', len) == NULL, "CR in the control file");
    limit = card_limit(p[0], ctl->format);
    check(len - 1 <= limit, "control-file field longer than RFC 1179 allows");
    if (strict)
      check_clean(p + 1, len - 1, "control-file field has a control byte or invalid UTF-8");
    count[(unsigned char)p[0]] ++;
    p = nl + 1;
  }
  check(count['H'] == 1 && count['P'] == 1 && count['U'] == 1, "H, P or U missing or repeated");
  check(count['J'] <= 1 && count['T'] <= 1 && count['N'] <= 1, "J, T or N repeated");
  check(count['C'] == (ctl->banner ? 1 : 0) && count['L'] == (ctl->banner ? 1 : 0),
        "C and L lines do not match the banner option");
  check(count[(unsigned char)ctl->format] == ctl->copies, "not one print line per copy");
}

// 'control_refusable()' - Whether lpdControlBuild() may refuse these raw fields.
static bool
control_refusable(const lpd_control_t *ctl, const char *const *fields)
{
  char name[64];

  for (int i = 0; i < NUM_FIELDS; i ++)
    if (fields[i] && strpbrk(fields[i], "\r\n"))
      return (true);
  return (ctl->copies < 1 || !ctl->format || !strchr(formats, ctl->format) ||
          !lpdFileName(name, sizeof(name), 'd', ctl->jobnum, ctl->host));
}

// 'build_sanitized()' - The fields as lprJobSetup() makes them, then the control file.
static void
build_sanitized(const uint8_t *hdr, char **field)
{
  char          host[LPD_HOST_MAX + 1], user[LPD_USER_MAX + 1], jobname[LPD_JOB_MAX + 1];
  char          source[LPD_SOURCE_MAX + 1], title[LPD_TITLE_MAX + 1], cls[LPD_CLASS_MAX + 1];
  char          name[64], *colon;
  lpd_control_t ctl;
  lpr_buf_t     b;

  lpdSanitizeHost(host, sizeof(host), field[0]);
  check_host(host, sizeof(host));
  check(lpdFileName(name, sizeof(name), 'c', hdr[4] | hdr[5] << 8, host), "lpdFileName()");
  check(strlen(name) == 6 + strlen(host) && !strncmp(name, "cfA", 3) &&
        isdigit((unsigned char)name[3]) && isdigit((unsigned char)name[4]) &&
        isdigit((unsigned char)name[5]), "lpdFileName() shape");

  if ((colon = strchr(field[1], ':')) != NULL)
    *colon = '\0';                      // as lprJobSetup(): never the password
  if (sanitize_checked(user, sizeof(user), field[1], LPD_USER_MAX) == 0)
    snprintf(user, sizeof(user), "unknown");
  if (hdr[1] & 2)                       // sanitize_title, as the lpd backend does it
    for (char *p = field[2]; *p; p ++)
      if (!isalnum((unsigned char)*p) && !isspace((unsigned char)*p))
        *p = '_';
  sanitize_checked(title, sizeof(title), field[2], LPD_TITLE_MAX);
  sanitize_checked(jobname, sizeof(jobname), field[3], LPD_JOB_MAX);
  sanitize_checked(source, sizeof(source), field[3], LPD_SOURCE_MAX);
  sanitize_checked(cls, sizeof(cls), field[4], LPD_CLASS_MAX);
  // Smaller destinations than the limit: the cut must still fall on a boundary.
  sanitize_checked(name, 1 + hdr[2] % sizeof(name), field[3], LPD_JOB_MAX);

  memset(&ctl, 0, sizeof(ctl));
  ctl.host         = host;
  ctl.user         = user;
  ctl.jobname      = jobname;
  ctl.source       = source;
  ctl.title        = (hdr[1] & 8) ? NULL : title;
  ctl.banner_class = (hdr[1] & 4) ? cls : NULL;
  ctl.banner       = hdr[1] & 1;
  ctl.format       = formats[hdr[0] % (sizeof(formats) - 1)];
  // Mostly a few copies (fast), up to MAX_COPIES when flag 0x10 asks for many.
  ctl.copies       = 1 + ((hdr[1] & 0x10) ? (hdr[2] | hdr[3] << 8) % MAX_COPIES : hdr[2] % 10);
  ctl.jobnum       = (hdr[4] | hdr[5] << 8) % 1000;

  lprBufInit(&b, CTL_MAX);
  check(lpdControlBuild(&ctl, &b), "lpdControlBuild() refused sanitized fields");
  check_control(&b, &ctl, true);
  lprBufFree(&b);
}

// 'build_raw()' - Unsanitized fields straight into lpdControlBuild(): refused or still safe.
static void
build_raw(const uint8_t *hdr, char **field)
{
  lpd_control_t ctl;
  lpr_buf_t     b;
  const char    *fields[NUM_FIELDS];
  bool          ok;

  memset(&ctl, 0, sizeof(ctl));
  ctl.host         = field[0];
  ctl.user         = field[1];
  ctl.title        = (hdr[1] & 8) ? NULL : field[2];
  ctl.jobname      = field[3];
  ctl.source       = field[3];
  ctl.banner_class = (hdr[1] & 4) ? field[4] : NULL;
  ctl.banner       = hdr[1] & 1;
  ctl.format       = (char)hdr[0];      // any byte: the builder must refuse a bad letter
  ctl.copies       = (hdr[1] & 0x10) ? (int)(int16_t)(hdr[2] | hdr[3] << 8) % (MAX_COPIES + 1)
                                     : (int)(int8_t)hdr[2] % 10;
  ctl.jobnum       = (int16_t)(hdr[4] | hdr[5] << 8);
  fields[0] = ctl.host;
  fields[1] = ctl.user;
  fields[2] = ctl.title;
  fields[3] = ctl.jobname;
  fields[4] = ctl.banner_class;

  lprBufInit(&b, CTL_MAX);
  ok = lpdControlBuild(&ctl, &b);
  if (ok)
    check_control(&b, &ctl, false);
  else
    check(control_refusable(&ctl, fields), "lpdControlBuild() refused buildable fields");
  lprBufFree(&b);
}

// 'LLVMFuzzerTestOneInput()' - Build one control file from sanitized and from raw fields.
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint8_t       hdr[HEADER_SIZE] = { 0 };
  char          *field[NUM_FIELDS];
  const uint8_t *p, *end = data + size;
  size_t        n = size < HEADER_SIZE ? size : HEADER_SIZE;

  memcpy(hdr, data, n);
  p = data + n;
  // Exact-size copies: each field ends at a NUL byte or the end of the input.
  for (int i = 0; i < NUM_FIELDS; i ++)
  {
    const uint8_t *nul = p < end ? memchr(p, '\0', (size_t)(end - p)) : NULL;
    size_t        len = p < end ? (nul ? (size_t)(nul - p) : (size_t)(end - p)) : 0;

    if ((field[i] = malloc(len + 1)) == NULL)
      abort();
    if (len)
      memcpy(field[i], p, len);
    field[i][len] = '\0';
    check_cut(field[i], len, hdr[2] % 140);
    p += len + (nul ? 1 : 0);
  }

  build_raw(hdr, field);
  build_sanitized(hdr, field);          // last: it edits the user and title fields in place

  for (int i = 0; i < NUM_FIELDS; i ++)
    free(field[i]);
  return (0);
}
