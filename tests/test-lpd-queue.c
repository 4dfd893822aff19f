// test-lpd-queue.c - unit tests of the queue-listing parser: real samples, hand cases, garbage.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "lpd-queue.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// 'parse()' - Parse a NUL-terminated listing.
static void
parse(const char *text, int jobnum, const char *host, lpd_queue_state_t *st)
{
  lpdQueueParse(text, strlen(text), jobnum, host, NULL, st);
}

// 'parse_user()' - Parse with an owner to match as well.
static void
parse_user(const char *text, int jobnum, const char *host, const char *user,
           lpd_queue_state_t *st)
{
  lpdQueueParse(text, strlen(text), jobnum, host, user, st);
}

// 'test_bsd()' - BSD lpd short and long formats.
static void
test_bsd(void)
{
  lpd_queue_state_t st;
  const char *s = "lp is ready and printing\n"
                  "Rank   Owner   Job  Files                                 Total Size\n"
                  "active root    123  title                                 1234 bytes\n"
                  "1st    bob     124  x                                     10 bytes\n";
  const char *l = "lp is ready and printing\n\n"
                  "root: active                             [job 123myhost]\n"
                  "        title                            1234 bytes\n\n"
                  "bob: 1st                                 [job 124other]\n"
                  "        x                                10 bytes\n";

  parse(s, 124, "myhost", &st);
  CU_ASSERT_STRING_EQUAL(st.status, "lp is ready and printing");
  CU_ASSERT_EQUAL(st.jobs, 2);
  CU_ASSERT_TRUE(st.found);
  CU_ASSERT_EQUAL(st.rank, 2);
  CU_ASSERT_FALSE(st.active);
  parse(s, 1123, "myhost", &st);                 // job numbers are mod 1000
  CU_ASSERT_TRUE(st.found);
  CU_ASSERT_TRUE(st.active);
  parse(s, 125, "myhost", &st);
  CU_ASSERT_FALSE(st.found);

  parse(l, 123, "myhost", &st);
  CU_ASSERT_EQUAL(st.jobs, 2);
  CU_ASSERT_TRUE(st.found);
  CU_ASSERT_TRUE(st.active);
  parse_user(l, 124, "myhost", "root", &st);     // same number, other owner: not ours
  CU_ASSERT_FALSE(st.found);
  parse_user(l, 124, "myhost", "bob", &st);      // BSD lists its own name for our host
  CU_ASSERT_TRUE(st.found);
  CU_ASSERT_EQUAL(st.rank, 2);
  parse_user(s, 124, "myhost", "alice", &st);
  CU_ASSERT_FALSE(st.found);

  // Regressions found by fuzzing: "[job %03d%s]" with a host that starts with a digit.
  parse("u: 1st [job 12310.0.0.5]\n", 123, "10.0.0.5", &st);
  CU_ASSERT_TRUE(st.found);
  parse("u: 1st [job 2876]\n", 287, "6", &st);
  CU_ASSERT_TRUE(st.found);
  parse("u: 1st [job 12 localhost]\n", 12, "x", &st);   // cups-lpd's spacing
  CU_ASSERT_TRUE(st.found);

  parse("no entries\n", 1, "h", &st);
  CU_ASSERT_EQUAL(st.jobs, 0);
  CU_ASSERT_STRING_EQUAL(st.status, "no entries");
}

// 'test_lprng()' - LPRng's listing, with host and job number in the Owner/ID column.
static void
test_lprng(void)
{
  lpd_queue_state_t st;
  const char *s = "Printer: lp@server 'test'\n"
                  " Queue: 2 printable jobs\n"
                  " Server: pid 4242 active\n"
                  " Rank   Owner/ID                  Class Job Files           Size Time\n"
                  "active  root@myhost+123              A   123 title           1234 10:00:00\n"
                  "2       bob@other+124                A   124 x                 10 10:00:01\n"
                  "done    carol@myhost+125             A   125 y                 10 10:00:02\n";

  parse(s, 123, "myhost", &st);
  CU_ASSERT_STRING_EQUAL(st.status, "Printer: lp@server 'test'");
  CU_ASSERT_EQUAL(st.jobs, 2);
  CU_ASSERT_TRUE(st.found && st.active && st.rank == 1);
  parse(s, 124, "myhost", &st);                  // same number and owner, other host
  CU_ASSERT_FALSE(st.found);
  parse_user(s, 123, "myhost", "alice", &st);    // other owner
  CU_ASSERT_FALSE(st.found);
  parse(s, 125, "myhost", &st);                  // done: it has left the queue
  CU_ASSERT_FALSE(st.found);
}

// 'test_garbage()' - Binary junk, endless lines, and no newline at all: no crash, no match.
static void
test_garbage(void)
{
  lpd_queue_state_t st;
  size_t            len = 70000;
  char              *junk = malloc(len);
  unsigned          x = 7;

  for (size_t i = 0; i < len; i ++)
  {
    x = x * 1103515245 + 12345;
    junk[i] = (char)(x >> 16);
  }
  lpdQueueParse(junk, len, 123, "h", "u", &st);
  CU_ASSERT_TRUE(st.jobs >= 0);
  memset(junk, 'a', len);
  lpdQueueParse(junk, len, 123, "h", "u", &st);
  CU_ASSERT_EQUAL(st.jobs, 0);
  CU_ASSERT_TRUE(strlen(st.status) < sizeof(st.status));
  lpdQueueParse("", 0, 1, NULL, NULL, &st);
  CU_ASSERT_EQUAL(st.jobs, 0);
  lpdQueueParse("active x 99999999999999999999 y\n1st\n: active [job\n", 47, 1, "h", NULL,
                &st);
  CU_ASSERT_FALSE(st.found);
  lpdQueueParse("1st u 12", 8, 12, "h", "u", &st);   // no NUL after the buffer: read in bounds
  CU_ASSERT_TRUE(st.found);
  lpdQueueParse("Ra", 2, 1, "h", "u", &st);
  CU_ASSERT_FALSE(st.found);
  free(junk);
}

typedef struct fixture_s                // a real listing captured from a server
{
  const char *file;
  int        jobnum;
  const char *host;
  const char *user;
  int        jobs;                      // entries expected
  bool       found;
  int        rank;
} fixture_t;

// 'read_fixture()' - The bytes of a fixture file, or NULL.
static char *
read_fixture(const char *name, size_t *len)
{
  char path[1024];
  FILE *fp;
  char *buf;

  snprintf(path, sizeof(path), "%s/%s", FIXTURES, name);
  if ((fp = fopen(path, "rb")) == NULL)
    return (NULL);
  buf = malloc(1 << 20);
  *len = fread(buf, 1, (1 << 20) - 1, fp);
  fclose(fp);
  return (buf);
}

#include "fixtures.h"

// 'test_fixtures()' - Listings captured from LPRng, BSD lpd and cups-lpd.
static void
test_fixtures(void)
{
  for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i ++)
  {
    const fixture_t   *f = fixtures + i;
    lpd_queue_state_t st;
    size_t            len = 0;
    char              *text = read_fixture(f->file, &len);

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    lpdQueueParse(text, len, f->jobnum, f->host, f->user, &st);
    if (st.jobs != f->jobs || st.found != f->found || st.rank != f->rank)
      fprintf(stderr, "\n%s: jobs %d found %d rank %d\n", f->file, st.jobs, st.found, st.rank);
    CU_ASSERT_EQUAL(st.jobs, f->jobs);
    CU_ASSERT_EQUAL(st.found, f->found);
    CU_ASSERT_EQUAL(st.rank, f->rank);
    free(text);
  }
}

int
main(void)
{
  CU_TestInfo tests[] =
  {
    { "BSD lpd formats", test_bsd },
    { "LPRng format", test_lprng },
    { "garbage", test_garbage },
    { "captured fixtures", test_fixtures },
    CU_TEST_INFO_NULL
  };

  return (unit_run("lpd-queue", tests));
}
