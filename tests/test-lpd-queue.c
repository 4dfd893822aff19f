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

// 'parse_user()' - Parse a NUL-terminated listing for a job number, host and owner.
static void
parse_user(const char *text, int jobnum, const char *host, const char *user,
           lpd_queue_state_t *st)
{
  lpd_queue_match_t want = { jobnum, host, user, NULL, NULL, "lp", 0 };

  lpdQueueParse(text, strlen(text), &want, st);
}

// 'parse()' - Parse a NUL-terminated listing for a job number and host, any owner.
static void
parse(const char *text, int jobnum, const char *host, lpd_queue_state_t *st)
{
  parse_user(text, jobnum, host, NULL, st);
}

// 'parse_ots()' - Parse for a job known by owner, title and size.
static void
parse_ots(const char *text, const char *user, const char *title, long long size,
          lpd_queue_state_t *st)
{
  lpd_queue_match_t want = { 500, "ws1", user, title, title, "lp", size };

  lpdQueueParse(text, strlen(text), &want, st);
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
  parse("u: 1st [job 12 localhost]\n", 12, "x", &st);   // cups-lpd's spacing: its own ids
  CU_ASSERT_TRUE(st.family == LPD_FAMILY_CUPS_LPD && st.foreign_ids && !st.found);

  // Owners written user@host count as the user (issue 13's row).
  parse_user("Rank Owner Job Files Total Size\n1st  alice@ws12  104  report  2160 bytes\n", 104,
             "ws12", "alice", &st);
  CU_ASSERT_TRUE(st.found && st.how == LPD_MATCH_JOBNUM && st.understood);

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

// 'test_families()' - Each family's shape, as documentation shows it, by hand.
static void
test_families(void)
{
  lpd_queue_state_t st;
  const char *win = "                         Windows 2000 LPD Server\n"
                    "                              Printer \\\\10.0.0.2\\NP17PCL (Paused)\n\n"
                    "Owner       Status         Jobname          Job-Id    Size   Pages  Priority\n"
                    "----------------------------------------------------------------------------\n"
                    "root (9.99. Printing  /usr/lib/rhs/rhs-pr      3       625      0      1\n"
                    "root (9.99. Paused    /usr/lib/rhs/rhs-pr      4       625      0      1\n"
                    "jmcd        Waiting   Re: Samba Open Sour     26     32476      1      1\n";

  parse_ots(win, "jmcd", "Re: Samba Open Source Meeting", 32476, &st);
  CU_ASSERT_EQUAL(st.family, LPD_FAMILY_WINDOWS);
  CU_ASSERT_TRUE(st.understood && st.foreign_ids);
  CU_ASSERT_STRING_EQUAL(st.status, "Printer \\\\10.0.0.2\\NP17PCL (Paused)");
  CU_ASSERT_EQUAL(st.jobs, 3);
  CU_ASSERT_TRUE(st.found && st.how == LPD_MATCH_OWNER_TITLE_SIZE && st.rank == 3);
  CU_ASSERT_STRING_EQUAL(st.server_id, "26");
  parse_ots(win, "root", "/usr/lib/rhs/rhs-printfilters/x", 625, &st);   // two alike
  CU_ASSERT_TRUE(!st.found && st.ambiguous && st.rank == 0);
  parse_ots(win, "jmcd", "Re: Samba", 32476, &st);                        // ours is shorter
  CU_ASSERT_FALSE(st.found);
  parse_ots(win, "jmcd", "Re: Samba Open Source Meeting", 32477, &st);    // other size
  CU_ASSERT_FALSE(st.found);
  parse_ots(win, "jmcdonald", "Re: Samba Open Source Meeting", 32476, &st);
  CU_ASSERT_FALSE(st.found);                     // a 4-letter owner is not ours cut

  // cups-lpd lists the size in whole KiB, and cuts owners to 7 characters.
  parse_ots("lp is ready\nRank    Owner   Job     File(s)                         Total Size\n"
            "active  adnanad 59      demo                            399360 bytes\n",
            "adnanadmin", "demo", 399000, &st);
  CU_ASSERT_TRUE(st.found && st.family == LPD_FAMILY_CUPS_LPD && st.active);
  CU_ASSERT_STRING_EQUAL(st.server_id, "59");

  // BSD's cut names end in "..."; blanks are folded; case is ignored.
  parse_ots("Printer is ready\nRank Owner Job Files Total Size\n"
            "1st  bob  7  Long   JOB name...   56789 bytes\n", "bob",
            "Long job name with spaces.pdf", 56789, &st);
  CU_ASSERT_TRUE(st.found && st.family == LPD_FAMILY_ALL_QUEUES && st.rank == 1);

  // JetDirect, Xerox, error sentences.
  parse("no jobs queued on the port raw1\n", 1, "h", &st);
  CU_ASSERT_TRUE(st.family == LPD_FAMILY_JETDIRECT && st.understood && st.jobs == 0);
  parse("no entry jobs\r\n", 1, "h", &st);
  CU_ASSERT_TRUE(st.family == LPD_FAMILY_XEROX && st.understood);
  parse("no entry queue\n", 1, "h", &st);
  CU_ASSERT_TRUE(st.family == LPD_FAMILY_ERROR_REPLY && !st.understood);
  CU_ASSERT_STRING_EQUAL(st.status, "no entry queue");
  parse("Windows LPD Server Error: specified printer does not exist\r\n", 1, "h", &st);
  CU_ASSERT_TRUE(st.family == LPD_FAMILY_ERROR_REPLY && !st.understood);
  parse("unsupported read job command 01\n", 1, "h", &st);
  CU_ASSERT_EQUAL(st.family, LPD_FAMILY_ERROR_REPLY);
  parse("HTTP/1.1 400 Bad Request\r\nServer: x\r\n\r\n<html>", 1, "h", &st);
  CU_ASSERT_TRUE(st.family == LPD_FAMILY_UNKNOWN && !st.understood && !st.found);

  // A queue literally named "Printer" on BSD lpd is not an all-queues spooler.
  {
    lpd_queue_match_t want = { 7, "h", "u", NULL, NULL, "Printer", 0 };
    const char        *t = "Printer is ready\nRank Owner Job Files Total Size\n"
                           "1st u 7 x 1 bytes\n";

    lpdQueueParse(t, strlen(t), &want, &st);
    CU_ASSERT_TRUE(st.family == LPD_FAMILY_BSD && st.found && st.how == LPD_MATCH_JOBNUM);
  }
  CU_ASSERT_STRING_EQUAL(lpdFamilyName(LPD_FAMILY_WINDOWS), "Windows LPD Service");
  CU_ASSERT_STRING_EQUAL(lpdMatchName(LPD_MATCH_JOBNUM), "by its job number");
}

// 'test_ambiguity()' - Never a positive match when two rows fit.
static void
test_ambiguity(void)
{
  lpd_queue_state_t st;

  parse_user("Rank Owner Job Files Total Size\n1st alice 123 a 1 bytes\n"
             "2nd alice 123 b 2 bytes\n", 123, "h", "alice", &st);
  CU_ASSERT_TRUE(!st.found && st.ambiguous && st.jobs == 2 && st.rank == 0);
  parse_ots("lp is ready\nRank    Owner   Job     File(s)                         Total Size\n"
            "1st     alice   1       report.txt                      1024 bytes\n"
            "2nd     alice   2       report.txt                      1024 bytes\n",
            "alice", "report.txt", 1000, &st);
  CU_ASSERT_TRUE(!st.found && st.ambiguous);
  parse_ots("lp is ready\nRank    Owner   Job     File(s)                         Total Size\n"
            "1st     alice   1       report.txt                      1024 bytes\n"
            "2nd     alice   2       report.txt                      2048 bytes\n",
            "alice", "report.txt", 1000, &st);
  CU_ASSERT_TRUE(st.found && !st.ambiguous && st.rank == 1);
}

// 'test_garbage()' - Binary junk, endless lines, and no newline at all: no crash, no match.
static void
test_garbage(void)
{
  lpd_queue_state_t st;
  lpd_queue_match_t want = { 123, "h", "u", "t", "t", "lp", 10 };
  size_t            len = 70000;
  char              *junk = malloc(len);
  unsigned          x = 7;

  for (size_t i = 0; i < len; i ++)
  {
    x = x * 1103515245 + 12345;
    junk[i] = (char)(x >> 16);
  }
  lpdQueueParse(junk, len, &want, &st);
  CU_ASSERT_TRUE(st.jobs >= 0);
  memset(junk, 'a', len);
  lpdQueueParse(junk, len, &want, &st);
  CU_ASSERT_EQUAL(st.jobs, 0);
  CU_ASSERT_FALSE(st.understood);
  CU_ASSERT_TRUE(strlen(st.status) < sizeof(st.status));
  lpdQueueParse("", 0, NULL, &st);
  CU_ASSERT_TRUE(st.jobs == 0 && st.family == LPD_FAMILY_UNKNOWN);
  lpdQueueParse(NULL, 0, &want, &st);
  CU_ASSERT_EQUAL(st.jobs, 0);
  want.jobnum = 1;
  lpdQueueParse("active x 99999999999999999999 y\n1st\n: active [job\n", 47, &want, &st);
  CU_ASSERT_FALSE(st.found);
  want.jobnum = 12;
  lpdQueueParse("1st u 12", 8, &want, &st);      // no NUL after the buffer: read in bounds
  CU_ASSERT_TRUE(st.found);
  lpdQueueParse("Ra", 2, &want, &st);
  CU_ASSERT_FALSE(st.found);
  lpdQueueParse("x: 1st [job 12", 14, &want, &st);
  CU_ASSERT_FALSE(st.found);
  free(junk);
}

typedef struct fixture_s                // a listing in tests/fixtures/ and its expected parse
{
  const char        *file;
  lpd_queue_match_t want;
  lpd_family_t      family;
  bool              understood;
  int               jobs;                // entries expected
  lpd_match_t       how;                 // LPD_MATCH_NONE: not found
  int               rank;
  bool              ambiguous;
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

// 'test_fixtures()' - Listings captured from LPRng, BSD lpd and cups-lpd, and built from the
//                     documentation of the others.
static void
test_fixtures(void)
{
  for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i ++)
  {
    const fixture_t   *f = fixtures + i;
    lpd_queue_state_t st;
    size_t            len = 0;
    char              *text = read_fixture(f->file, &len);
    bool              ok;

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    lpdQueueParse(text, len, &f->want, &st);
    ok = st.family == f->family && st.understood == f->understood && st.jobs == f->jobs &&
         st.found == (f->how != LPD_MATCH_NONE) && st.how == f->how && st.rank == f->rank &&
         st.ambiguous == f->ambiguous;
    if (!ok)
      fprintf(stderr, "\n%s (job %d %s): family %s understood %d jobs %d found %d (%s) rank %d "
              "ambiguous %d\n", f->file, f->want.jobnum, f->want.user, lpdFamilyName(st.family),
              st.understood, st.jobs, st.found, lpdMatchName(st.how), st.rank, st.ambiguous);
    CU_ASSERT_TRUE(ok);
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
    { "other families", test_families },
    { "ambiguous rows", test_ambiguity },
    { "garbage", test_garbage },
    { "fixtures", test_fixtures },
    CU_TEST_INFO_NULL
  };

  return (unit_run("lpd-queue", tests));
}
