// test-text.c - unit tests of text.c: UTF-8 cuts, cleaning of outside text, capped buffers.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "text.h"
#include "unit.h"

#include <string.h>

// 'test_cut()' - Cuts never split a UTF-8 character.
static void
test_cut(void)
{
  const char *s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";   // a é € 😀 (1+2+3+4 bytes)

  CU_ASSERT_EQUAL(lprTextCut(s, 10, 10), 10);
  CU_ASSERT_EQUAL(lprTextCut(s, 10, 9), 6);
  CU_ASSERT_EQUAL(lprTextCut(s, 10, 5), 3);
  CU_ASSERT_EQUAL(lprTextCut(s, 10, 2), 1);
  CU_ASSERT_EQUAL(lprTextCut(s, 10, 0), 0);
  CU_ASSERT_EQUAL(lprTextCut("\xff\xfe" "ab", 4, 3), 3);          // invalid bytes stand alone
}

// 'test_clean()' - Control bytes fold into one space, invalid UTF-8 becomes '?'.
static void
test_clean(void)
{
  char out[64];

  CU_ASSERT_EQUAL(lprTextClean(out, sizeof(out), "a\r\nSTATE: +x", 12), 11);
  CU_ASSERT_STRING_EQUAL(out, "a STATE: +x");
  lprTextClean(out, sizeof(out), "\n\nlead", 6);
  CU_ASSERT_STRING_EQUAL(out, "lead");
  lprTextClean(out, sizeof(out), "x\xc2\x85y\x7fz", 6);           // C1 NEL and DEL
  CU_ASSERT_STRING_EQUAL(out, "x y z");
  lprTextClean(out, sizeof(out), "bad\xc3(\xed\xa0\x80!", 9);      // bad lead, surrogate
  CU_ASSERT_STRING_EQUAL(out, "bad?(?\?\?!");
  lprTextClean(out, sizeof(out), "\xe0\x80\xaf", 3);               // overlong '/'
  CU_ASSERT_STRING_EQUAL(out, "???");
  CU_ASSERT_EQUAL(lprTextClean(out, 5, "ab\xe2\x82\xac", 5), 2);   // cut before the euro sign
  CU_ASSERT_STRING_EQUAL(out, "ab");
  CU_ASSERT_EQUAL(lprTextClean(out, 1, "abc", 3), 0);
  CU_ASSERT_STRING_EQUAL(out, "");
  lprTextClean(out, sizeof(out), "stop\0hidden", 11);
  CU_ASSERT_STRING_EQUAL(out, "stop");
}

// 'test_ascii()' - charset=ascii: 7-bit text, accents dropped, the rest '?'.
static void
test_ascii(void)
{
  char out[64];

  CU_ASSERT_EQUAL(lprTextAscii(out, sizeof(out), "na\xc3\xafve caf\xc3\xa9", 12), 10);
  CU_ASSERT_STRING_EQUAL(out, "naive cafe");
  lprTextAscii(out, sizeof(out), "\xc5\x81\xc3\xb3\x64\xc5\xba", 7);            // Lodz
  CU_ASSERT_STRING_EQUAL(out, "Lodz");
  lprTextAscii(out, sizeof(out), "Stra\xc3\x9f" "e \xc3\x86r\xc3\xb8 \xc5\x92uvre", 20);
  CU_ASSERT_STRING_EQUAL(out, "Strasse AEro OEuvre");
  lprTextAscii(out, sizeof(out), "\xe2\x80\x98q\xe2\x80\x99 \xe2\x80\x9c" "d\xe2\x80\x9d", 15);
  CU_ASSERT_STRING_EQUAL(out, "'q' \"d\"");
  lprTextAscii(out, sizeof(out), "5\xe2\x82\xac \xe2\x80\x93 x\xe2\x80\xa6", 13);
  CU_ASSERT_STRING_EQUAL(out, "5EUR - x...");
  lprTextAscii(out, sizeof(out), "\xe6\x97\xa5\xe6\x9c\xac.txt", 10);          // CJK: no spelling
  CU_ASSERT_STRING_EQUAL(out, "??.txt");
  lprTextAscii(out, sizeof(out), "\xf0\x9f\x98\x80!", 5);                       // emoji
  CU_ASSERT_STRING_EQUAL(out, "?!");
  lprTextAscii(out, sizeof(out), "a\xff" "b\xc3(", 5);                              // invalid bytes
  CU_ASSERT_STRING_EQUAL(out, "a?b?(");
  lprTextAscii(out, sizeof(out), "\r\nx\x1b[1m\xc2\x85y\xc2\xa0z\x7f", 14);      // controls
  CU_ASSERT_STRING_EQUAL(out, "x [1m y z ");    // as lprTextClean(): one space per run
  lprTextAscii(out, sizeof(out), "\xc2\xa9 \xc2\xbd", 5);
  CU_ASSERT_STRING_EQUAL(out, "(C) 1/2");
  CU_ASSERT_EQUAL(lprTextAscii(out, 4, "ab\xc3\x86", 4), 2);   // "AE" does not fit: cut before
  CU_ASSERT_STRING_EQUAL(out, "ab");
  CU_ASSERT_EQUAL(lprTextAscii(out, 1, "abc", 3), 0);
  CU_ASSERT_EQUAL(lprTextAscii(out, 0, "abc", 3), 0);
  lprTextAscii(out, sizeof(out), "stop\0hidden", 11);
  CU_ASSERT_STRING_EQUAL(out, "stop");

  // Every output byte is printable 7-bit, whatever the input.
  {
    char in[256], big[1024];
    bool ok = true;

    for (int i = 0; i < 255; i ++)
      in[i] = (char)(i + 1);
    lprTextAscii(big, sizeof(big), in, 255);
    for (const char *p = big; *p; p ++)
      ok = ok && *p >= 0x20 && *p < 0x7f;
    CU_ASSERT_TRUE(ok);
  }
}

// 'test_buf()' - A capped buffer grows to its cap, then fails and frees itself.
static void
test_buf(void)
{
  lpr_buf_t b;
  char      big[300];

  memset(big, 'x', sizeof(big));
  lprBufInit(&b, 1000);
  for (int i = 0; i < 3; i ++)
    CU_ASSERT_TRUE(lprBufAppend(&b, big, sizeof(big)));
  CU_ASSERT_EQUAL(b.len, 900);
  CU_ASSERT_TRUE(lprBufPrintf(&b, "%d", 12345));
  CU_ASSERT_EQUAL(b.len, 905);
  CU_ASSERT_EQUAL(b.data[905], '\0');
  CU_ASSERT_FALSE(lprBufAppend(&b, big, 96));
  CU_ASSERT_TRUE(b.failed);
  CU_ASSERT_PTR_NULL(b.data);
  CU_ASSERT_FALSE(lprBufAppend(&b, "a", 1));
  lprBufFree(&b);
  lprBufInit(&b, 10);
  CU_ASSERT_TRUE(lprBufAppend(&b, "0123456789", 10));
  CU_ASSERT_FALSE(lprBufAppend(&b, "", 1));
  lprBufFree(&b);
}

int
main(void)
{
  CU_TestInfo tests[] =
  {
    { "UTF-8 cut", test_cut },
    { "clean outside text", test_clean },
    { "7-bit text", test_ascii },
    { "capped buffer", test_buf },
    CU_TEST_INFO_NULL
  };

  return (unit_run("text", tests));
}
