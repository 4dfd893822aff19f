// lpd-reply.c - tell an LPD acknowledgement from a server that does not speak LPD at all.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// RFC 1179 section 6.2: the acknowledgement is one octet, zero for yes.  Real refusals use
// small codes (LPRng 1 stop, 2 retry later, 3 bad job, each followed by an error line; BSD
// lpd 1 and 2), so a first octet of 1-31 is taken for a refusal when what follows is empty or
// text.  A printable first octet starts a line of text (HTTP "HTTP/1.1 400 ...", an SSH or
// SMTP banner, an error sentence), and anything else is binary junk (TLS alerts start 0x15
// followed by the version bytes, telnet with 0xff).  Neither is quoted raw: text is cut and
// reduced to printable ASCII, junk is only counted.

#include "config.h"
#include "lpd-reply.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

#define SCAN_MAX 512                    // bytes of a first line judged for text

// 'utf8_len()' - Length of a valid UTF-8 sequence of a character >= U+00A0 at s, or 0.
static size_t
utf8_len(const unsigned char *s, size_t avail)
{
  unsigned cp = 0;
  size_t   n = lprTextCharLen((const char *)s, avail, &cp);

  return (n > 1 && cp >= 0xa0 ? n : 0);
}

// 'text_len()' - Length of the text at s: printable ASCII, TAB, CR, LF and valid UTF-8
//                letters, up to the first byte that is none of them (or len).
static size_t
text_len(const unsigned char *s, size_t len)
{
  size_t i = 0, n;

  while (i < len)
  {
    if ((s[i] >= 0x20 && s[i] < 0x7f) || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')
      n = 1;
    else if ((n = utf8_len(s + i, len - i)) == 0)
      break;
    i += n;
  }
  return (i);
}

// 'is_text()' - Whether all of s is text, NUL bytes allowed only at the end.
static bool
is_text(const unsigned char *s, size_t len)
{
  size_t t = text_len(s, len);

  while (t < len && s[t] == '\0')
    t ++;
  return (t == len);
}

// 'quote()' - Printable ASCII of text: other characters one '?', blank runs one space, cut
//             with "..." to LPD_REPLY_QUOTE_MAX.  first_line: stop at the first line end
//             after some text.
static void
quote(char *dst, const unsigned char *s, size_t len, bool first_line)
{
  size_t o = 0, i = 0, n;
  bool   cut = false;

  while (i < len && s[i] != '\0')
  {
    unsigned char c = s[i];
    bool          blank = c == ' ' || c == '\t' || c == '\r' || c == '\n';

    if (first_line && (c == '\r' || c == '\n') && o > 0)
      break;
    n = c < 0x80 ? 1 : utf8_len(s + i, len - i);
    i += n ? n : 1;
    if (blank && (o == 0 || dst[o - 1] == ' '))
      continue;
    if (o >= LPD_REPLY_QUOTE_MAX)
    {
      if (blank)
        continue;                       // cut only when more than blanks follows
      cut = true;
      break;
    }
    dst[o ++] = blank ? ' ' : (c >= 0x20 && c < 0x7f) ? (char)c : '?';
  }
  while (o > 0 && dst[o - 1] == ' ')
    o --;
  if (cut)
  {
    o = LPD_REPLY_QUOTE_MAX - 3;
    while (o > 0 && dst[o - 1] == ' ')
      o --;
    memcpy(dst + o, "...", 3);
    o += 3;
  }
  dst[o] = '\0';
}

// 'lpdReplyClassify()' - Classify the bytes read where an acknowledgement octet was expected.
lpd_reply_kind_t
lpdReplyClassify(const void *bytes, size_t len, lpd_reply_t *r)
{
  const unsigned char *s = bytes;
  size_t              scan = len < SCAN_MAX ? len : SCAN_MAX, t;

  memset(r, 0, sizeof(*r));
  r->len  = len;
  r->code = len ? s[0] : -1;
  if (len == 0)
    return (r->kind = LPD_REPLY_NONE);
  if (s[0] == 0)
    return (r->kind = LPD_REPLY_ACK);
  if (s[0] < 0x20 && s[0] != '\t' && s[0] != '\n' && s[0] != '\r')
  {
    if (!is_text(s + 1, len - 1))
      return (r->kind = LPD_REPLY_BINARY);
    quote(r->quote, s + 1, len - 1, false);
    return (r->kind = LPD_REPLY_NACK);
  }

  // Text: the first line (or the first SCAN_MAX bytes of it) must be text all through, and
  // be a line worth quoting (3 characters or more) unless everything read is text: a lone
  // letter before a newline and binary bytes is junk, not a sentence.
  t = text_len(s, scan);
  if (t == 0 || (t < scan && memchr(s, '\n', t) == NULL))
    return (r->kind = LPD_REPLY_BINARY);
  if (t < scan && (size_t)((const unsigned char *)memchr(s, '\n', t) - s) < 3)
    return (r->kind = LPD_REPLY_BINARY);
  quote(r->quote, s, t, true);
  return (r->kind = LPD_REPLY_TEXT);
}

// 'lpdReplyClassifyNack()' - Classify what lpdReadAck() took for a NACK: its code (the first
//                            octet) and the bytes that followed.
lpd_reply_kind_t
lpdReplyClassifyNack(int code, const char *text, size_t textlen, lpd_reply_t *r)
{
  unsigned char buf[SCAN_MAX + 1];
  size_t        n = textlen < SCAN_MAX ? textlen : SCAN_MAX;
  size_t        total = textlen + 1;

  buf[0] = (unsigned char)code;
  if (n)
    memcpy(buf + 1, text, n);
  lpdReplyClassify(buf, n + 1, r);
  r->len = total;
  return (r->kind);
}

// 'lpdReplyIsLpd()' - Whether the reply was LPD at all (an acknowledgement or a refusal).
bool
lpdReplyIsLpd(const lpd_reply_t *r)
{
  return (r->kind == LPD_REPLY_ACK || r->kind == LPD_REPLY_NACK);
}

// 'lpdReplyFormat()' - The verdict in plain words, e.g. "127.0.0.1:515 is not an LPD server:
//                      it answered 'HTTP/1.1 400 Bad Request'".  Returns the length written
//                      (a message too long for buf is cut).
size_t
lpdReplyFormat(const lpd_reply_t *r, const char *server, const char *what, char *buf,
               size_t size)
{
  int n;

  if (size == 0)
    return (0);
  server = server && *server ? server : "the server";
  what   = what && *what ? what : "the request";
  switch (r->kind)
  {
    case LPD_REPLY_NONE :
        n = snprintf(buf, size, "%s closed the connection without answering %s", server, what);
        break;
    case LPD_REPLY_ACK :
        n = snprintf(buf, size, "%s accepted %s", server, what);
        break;
    case LPD_REPLY_NACK :
        n = r->quote[0] ? snprintf(buf, size, "%s refused %s (code %d: '%s')", server, what,
                                   r->code, r->quote)
                        : snprintf(buf, size, "%s refused %s (code %d)", server, what, r->code);
        break;
    case LPD_REPLY_TEXT :
        n = r->quote[0] ? snprintf(buf, size, "%s is not an LPD server: it answered '%s'", server,
                                   r->quote)
                        : snprintf(buf, size, "%s is not an LPD server: it answered with blank "
                                   "lines", server);
        break;
    default :
        n = snprintf(buf, size, "%s is not an LPD server: it sent %zu byte%s that %s not LPD",
                     server, r->len, r->len == 1 ? "" : "s", r->len == 1 ? "is" : "are");
        break;
  }
  if (n < 0)
  {
    buf[0] = '\0';
    return (0);
  }
  return ((size_t)n < size ? (size_t)n : size - 1);
}
