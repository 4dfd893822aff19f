// lpd-reply.h - tell an LPD acknowledgement from a server that does not speak LPD at all.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// No CUPS calls.  Where RFC 1179 expects one octet (0 = yes, anything else = no), a server
// that is not LPD answers with whatever it speaks: an HTTP server on port 515 sends a status
// line ('H' would read as NACK code 72), a TLS server an alert record (0x15: "NACK 21").
// Given the octet and whatever followed it within a short read, lpdReplyClassify() says
// which it was, and lpdReplyFormat() words the verdict for the administrator:
//
//   lpd_reply_t r;
//   lpdReplyClassify(bytes, len, &r);            // or lpdReplyClassifyNack(code, text, len)
//   if (r.kind == LPD_REPLY_TEXT || r.kind == LPD_REPLY_BINARY)
//     lpdReplyFormat(&r, "127.0.0.1:515", "the receive-job command", msg, sizeof(msg));
//     // "127.0.0.1:515 is not an LPD server: it answered 'HTTP/1.1 400 Bad Request'"
//
// Kinds:
//   LPD_REPLY_NONE    nothing arrived (the server closed)
//   LPD_REPLY_ACK     octet 0
//   LPD_REPLY_NACK    octet 1-31 (not TAB, LF, CR), optionally followed by one line of text
//                     (LPRng sends the code, then an error line): a real LPD refusal
//   LPD_REPLY_TEXT    the first octet starts a line of text: not LPD (HTTP, an error sentence)
//   LPD_REPLY_BINARY  anything else, or a code followed by bytes that are not text: not LPD
// The quote (text) is printable ASCII only (other characters become '?', blank runs one
// space) and at most LPD_REPLY_QUOTE_MAX bytes, ending in "..." when cut.

#ifndef LPD_REPLY_H
#define LPD_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#define LPD_REPLY_QUOTE_MAX 80          // bytes of a server's text quoted in a message

typedef enum lpd_reply_kind_e
{
  LPD_REPLY_NONE,                       // no byte at all
  LPD_REPLY_ACK,                        // 0: yes
  LPD_REPLY_NACK,                       // an LPD refusal code, with an optional text line
  LPD_REPLY_TEXT,                       // a line of text: not an LPD server
  LPD_REPLY_BINARY                      // bytes that are neither: not an LPD server
} lpd_reply_kind_t;

typedef struct lpd_reply_s
{
  lpd_reply_kind_t kind;
  int              code;                // the first octet (the NACK code), or -1 for NONE
  size_t           len;                 // bytes classified (octet included)
  char             quote[LPD_REPLY_QUOTE_MAX + 1]; // NACK text or TEXT's first line, cleaned
} lpd_reply_t;

lpd_reply_kind_t lpdReplyClassify(const void *bytes, size_t len, lpd_reply_t *r);
lpd_reply_kind_t lpdReplyClassifyNack(int code, const char *text, size_t textlen,
                                      lpd_reply_t *r);
size_t           lpdReplyFormat(const lpd_reply_t *r, const char *server, const char *what,
                                char *buf, size_t size);
bool             lpdReplyIsLpd(const lpd_reply_t *r);

#endif // LPD_REPLY_H
