// test-lpd-reply.c - unit tests of lpd-reply.c: acknowledgements, refusals, and servers that
//                    do not speak LPD at all.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "lpd-reply.h"
#include "unit.h"

#include <string.h>

// 'verdict()' - Classify bytes and word the verdict for 127.0.0.1:515.
static const char *
verdict(const void *bytes, size_t len, lpd_reply_t *r)
{
  static char msg[512];

  lpdReplyClassify(bytes, len, r);
  lpdReplyFormat(r, "127.0.0.1:515", "the receive-job command", msg, sizeof(msg));
  return (msg);
}

// 'test_lpd()' - Real LPD answers: ack, bare NACK, LPRng's NACK with its error line.
static void
test_lpd(void)
{
  lpd_reply_t r;

  CU_ASSERT_STRING_EQUAL(verdict("", 0, &r),
                         "127.0.0.1:515 closed the connection without answering the "
                         "receive-job command");
  CU_ASSERT_TRUE(r.kind == LPD_REPLY_NONE && r.code == -1 && !lpdReplyIsLpd(&r));
  CU_ASSERT_STRING_EQUAL(verdict("\0", 1, &r), "127.0.0.1:515 accepted the receive-job command");
  CU_ASSERT_TRUE(r.kind == LPD_REPLY_ACK && lpdReplyIsLpd(&r));
  CU_ASSERT_STRING_EQUAL(verdict("\1", 1, &r),
                         "127.0.0.1:515 refused the receive-job command (code 1)");
  CU_ASSERT_TRUE(r.kind == LPD_REPLY_NACK && r.code == 1 && lpdReplyIsLpd(&r));
  CU_ASSERT_STRING_EQUAL(verdict("\2insufficient file space\n", 25, &r),
                         "127.0.0.1:515 refused the receive-job command (code 2: "
                         "'insufficient file space')");
  CU_ASSERT_EQUAL(r.len, 25);
  verdict("\3bad\r\n\tjob\n\0\0", 13, &r);          // lines joined, trailing NULs allowed
  CU_ASSERT_TRUE(r.kind == LPD_REPLY_NACK && r.code == 3);
  CU_ASSERT_STRING_EQUAL(r.quote, "bad job");
  verdict("\1caf\xc3\xa9 \xe2\x82\xac", 10, &r);     // non-ASCII letters become '?'
  CU_ASSERT_STRING_EQUAL(r.quote, "caf? ?");

  // What lpdReadAck() keeps: the code and the bytes after it.
  lpdReplyClassifyNack(2, "queue disabled\n", 15, &r);
  CU_ASSERT_TRUE(r.kind == LPD_REPLY_NACK && r.code == 2 && r.len == 16);
  CU_ASSERT_STRING_EQUAL(r.quote, "queue disabled");
  lpdReplyClassifyNack('H', "TTP/1.1 400 Bad Request\r\nServer: x\r\n", 36, &r);
  CU_ASSERT_EQUAL(r.kind, LPD_REPLY_TEXT);
  CU_ASSERT_STRING_EQUAL(r.quote, "HTTP/1.1 400 Bad Request");
}

// 'test_not_lpd()' - HTTP, banners and binary junk: not LPD, never quoted raw.
static void
test_not_lpd(void)
{
  lpd_reply_t   r;
  unsigned char tls[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28 };
  unsigned char junk[100];
  char          big[400], msg[40];

  // A lone letter and a newline before binary bytes is junk, not a sentence to quote.
  {
    unsigned char x[40];

    x[0] = 'X';
    x[1] = '\n';
    for (size_t i = 2; i < sizeof(x); i ++)
      x[i] = (unsigned char)(i * 157 + 10);
    CU_ASSERT_EQUAL(lpdReplyClassify(x, sizeof(x), &r), LPD_REPLY_BINARY);
    CU_ASSERT_EQUAL(lpdReplyClassify("OK\n", 3, &r), LPD_REPLY_TEXT);
  }
  CU_ASSERT_STRING_EQUAL(verdict("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", 47,
                                 &r),
                         "127.0.0.1:515 is not an LPD server: it answered "
                         "'HTTP/1.1 400 Bad Request'");
  CU_ASSERT_TRUE(r.kind == LPD_REPLY_TEXT && !lpdReplyIsLpd(&r));
  verdict("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", 32, &r);
  CU_ASSERT_STRING_EQUAL(r.quote, "SSH-2.0-OpenSSH_9.2p1 Debian-2");
  verdict("\r\n\r\nunsupported command\n", 24, &r);  // leading blank lines skipped
  CU_ASSERT_TRUE(r.kind == LPD_REPLY_TEXT);
  CU_ASSERT_STRING_EQUAL(r.quote, "unsupported command");
  CU_ASSERT_STRING_EQUAL(verdict("\n\n", 2, &r),
                         "127.0.0.1:515 is not an LPD server: it answered with blank lines");
  // A text line, then a binary body: the line is quoted.
  verdict("HTTP/1.1 200 OK\r\n\x1f\x8b\x08\x00", 21, &r);
  CU_ASSERT_TRUE(r.kind == LPD_REPLY_TEXT);
  CU_ASSERT_STRING_EQUAL(r.quote, "HTTP/1.1 200 OK");

  CU_ASSERT_STRING_EQUAL(verdict(tls, sizeof(tls), &r),
                         "127.0.0.1:515 is not an LPD server: it sent 7 bytes that are not LPD");
  CU_ASSERT_TRUE(r.kind == LPD_REPLY_BINARY && r.quote[0] == '\0');
  for (size_t i = 0; i < sizeof(junk); i ++)
    junk[i] = (unsigned char)(0x80 + i);
  CU_ASSERT_STRING_EQUAL(verdict(junk, sizeof(junk), &r),
                         "127.0.0.1:515 is not an LPD server: it sent 100 bytes that are not LPD");
  CU_ASSERT_STRING_EQUAL(verdict("\xff", 1, &r),
                         "127.0.0.1:515 is not an LPD server: it sent 1 byte that is not LPD");
  verdict("ab\x01" "cd", 5, &r);                  // a control byte inside the first line
  CU_ASSERT_EQUAL(r.kind, LPD_REPLY_BINARY);
  verdict("\x7f" "abc", 4, &r);
  CU_ASSERT_EQUAL(r.kind, LPD_REPLY_BINARY);

  // Long text is cut with "...", control bytes never reach the quote.
  memset(big, 'x', sizeof(big));
  memcpy(big, "Error: ", 7);
  verdict(big, sizeof(big), &r);
  CU_ASSERT_TRUE(r.kind == LPD_REPLY_TEXT && strlen(r.quote) == LPD_REPLY_QUOTE_MAX);
  CU_ASSERT_STRING_EQUAL(r.quote + LPD_REPLY_QUOTE_MAX - 3, "...");
  verdict("\2a\tb\x1b", 5, &r);                   // ESC after the code: binary, not quoted
  CU_ASSERT_EQUAL(r.kind, LPD_REPLY_BINARY);

  // A message buffer too small: cut, terminated, length reported.
  lpdReplyClassify("HTTP/1.1 400 Bad Request\r\n", 26, &r);
  CU_ASSERT_EQUAL(lpdReplyFormat(&r, NULL, NULL, msg, sizeof(msg)), sizeof(msg) - 1);
  CU_ASSERT_EQUAL(strlen(msg), sizeof(msg) - 1);
  CU_ASSERT_EQUAL(strncmp(msg, "the server is not an LPD server", 31), 0);
  CU_ASSERT_EQUAL(lpdReplyFormat(&r, NULL, NULL, msg, 0), 0);
}

int
main(void)
{
  CU_TestInfo tests[] =
  {
    { "LPD answers", test_lpd },
    { "servers that are not LPD", test_not_lpd },
    CU_TEST_INFO_NULL
  };

  return (unit_run("lpd-reply", tests));
}
