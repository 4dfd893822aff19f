// test-status.c - unit tests of status.c: bounded, clean, atomic status lines.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "status.h"
#include "unit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

// 'valid_utf8()' - Whether a buffer is entirely valid UTF-8 (lprTextClean keeps it unchanged).
static bool
valid_utf8(const char *s, size_t len)
{
  char copy[8192];

  return (len < sizeof(copy) && lprTextClean(copy, sizeof(copy), s, len) == len &&
          !memcmp(copy, s, len));
}

// 'test_bounds()' - No line, prefix and newline included, exceeds the limit.
static void
test_bounds(void)
{
  static const size_t limits[] = { 64, 100, 1023, 2047, 4096 };
  char   text[10000], line[LPR_STATUS_MAX + 1];
  size_t len;

  memset(text, 'A', sizeof(text) - 1);
  text[sizeof(text) - 1] = '\0';
  for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i ++)
  {
    len = lprStatusFormat(line, sizeof(line), limits[i], "INFO", "%s", text);
    CU_ASSERT_EQUAL(len, limits[i]);
    CU_ASSERT_EQUAL(strlen(line), len);
    CU_ASSERT_EQUAL(line[len - 1], '\n');
    CU_ASSERT_PTR_NULL(memchr(line, '\n', len - 1));
    CU_ASSERT_EQUAL(strncmp(line, "INFO: ", 6), 0);
    CU_ASSERT_EQUAL(memcmp(line + len - 4, "...", 3), 0);   // a visible marker
  }
  len = lprStatusFormat(line, sizeof(line), 2047, "DEBUG", "short %d", 42);
  CU_ASSERT_STRING_EQUAL(line, "DEBUG: short 42\n");
  CU_ASSERT_EQUAL(len, 16);
}

// 'test_utf8_cut()' - Long text is cut on a character boundary, never inside one.
static void
test_utf8_cut(void)
{
  char   text[9001], line[LPR_STATUS_MAX + 1];
  size_t len;

  for (int i = 0; i < 3000; i ++)
    memcpy(text + i * 3, "\xe2\x82\xac", 3);            // 3000 euro signs
  text[9000] = '\0';
  for (size_t limit = 64; limit < 200; limit ++)
  {
    len = lprStatusFormat(line, sizeof(line), limit, "INFO", "%s", text);
    CU_ASSERT_TRUE(len <= limit);
    CU_ASSERT_TRUE(valid_utf8(line, len - 1));
    CU_ASSERT_EQUAL((len - strlen("INFO: ") - strlen("...\n")) % 3, 0);
  }
}

// 'test_injection()' - Outside text can never start a new line.
static void
test_injection(void)
{
  char   line[LPR_STATUS_MAX + 1], evil[3000];
  size_t len;

  len = lprStatusFormat(line, sizeof(line), 2047, "ERROR", "server said \"%s\"",
                        "x\nSTATE: +media-jam-warning\rATTR: marker-levels=1\n");
  CU_ASSERT_PTR_NULL(memchr(line, '\n', len - 1));
  CU_ASSERT_PTR_NULL(memchr(line, '\r', len));
  CU_ASSERT_PTR_NOT_NULL(strstr(line, "x STATE: +media-jam-warning ATTR:"));

  // The newline right where cupsd would cut the line: still one line.
  memset(evil, 'e', sizeof(evil));
  memcpy(evil + 2030, "\nSTATE: +media-jam-warning", 26);
  evil[sizeof(evil) - 1] = '\0';
  len = lprStatusFormat(line, sizeof(line), 2047, "ERROR", "%s", evil);
  CU_ASSERT_TRUE(len <= 2047);
  CU_ASSERT_PTR_NULL(memchr(line, '\n', len - 1));
}

// 'test_one_write()' - Every line is one write(2): a SOCK_SEQPACKET peer sees one packet each.
static void
test_one_write(void)
{
  int     sv[2];
  char    buf[8192];
  ssize_t n;
  char    big[5000];

  CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
  setenv("CUPS_MAX_MESSAGE", "2047", 1);
  lprStatusInit(sv[0]);
  memset(big, 'b', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  lprStatus("INFO", "one");
  lprStatus("WARNING", "%s", big);
  lprStatus("DEBUG", "two\nthree");
  for (int i = 0; i < 3; i ++)
  {
    n = recv(sv[1], buf, sizeof(buf), 0);
    CU_ASSERT_TRUE(n > 0 && n <= 2047);
    CU_ASSERT_EQUAL(buf[n - 1], '\n');
    CU_ASSERT_PTR_NULL(memchr(buf, '\n', (size_t)n - 1));
  }
  close(sv[0]);
  close(sv[1]);
  lprStatusInit(2);
}

typedef struct producer_s
{
  int id;
  int lines;
} producer_t;

// 'producer()' - Write numbered lines of a length that depends on the producer.
static void *
producer(void *arg)
{
  producer_t *p = arg;
  char       pad[1500];

  memset(pad, 'a' + p->id, sizeof(pad) - 1);
  pad[100 + p->id * 300] = '\0';
  for (int i = 0; i < p->lines; i ++)
    lprStatus("INFO", "T%d %06d %s", p->id, i, pad);
  return (NULL);
}

typedef struct sink_s
{
  int    fd;
  char   *all;
  size_t len;
} sink_t;

// 'reader()' - Read a pipe until EOF into memory.
static void *
reader(void *arg)
{
  sink_t  *s = arg;
  size_t  cap = 0;
  ssize_t n;

  for (;;)
  {
    if (cap - s->len < 65536)
    {
      cap = cap ? cap * 2 : 1 << 20;
      s->all = realloc(s->all, cap);
    }
    if ((n = read(s->fd, s->all + s->len, 65536)) <= 0)
      break;
    s->len += (size_t)n;
  }
  return (NULL);
}

// 'test_concurrent()' - Producers at full speed into one pipe never tear or interleave lines.
static void
test_concurrent(void)
{
  enum { NPROD = 4, NLINES = 1500 };
  pthread_t  t[NPROD], rt;
  producer_t p[NPROD];
  sink_t     sink = { -1, NULL, 0 };
  int        fds[2], next[NPROD] = { 0 }, total = 0, bad = 0;
  char       *line, *nl;

  CU_ASSERT_FATAL(pipe(fds) == 0);
  sink.fd = fds[0];
  pthread_create(&rt, NULL, reader, &sink);
  lprStatusInit(fds[1]);
  for (int i = 0; i < NPROD; i ++)
  {
    p[i].id = i;
    p[i].lines = NLINES;
    pthread_create(&t[i], NULL, producer, &p[i]);
  }
  for (int i = 0; i < NPROD; i ++)
    pthread_join(t[i], NULL);
  close(fds[1]);
  pthread_join(rt, NULL);
  close(fds[0]);
  lprStatusInit(2);

  for (line = sink.all; line < sink.all + sink.len; line = nl + 1)
  {
    int id, seq;

    if ((nl = memchr(line, '\n', (size_t)(sink.all + sink.len - line))) == NULL)
    {
      bad ++;
      break;
    }
    *nl = '\0';                        // sscanf needs a terminated string
    if (sscanf(line, "INFO: T%d %d ", &id, &seq) != 2 || id < 0 || id >= NPROD ||
        seq != next[id] || strlen(line) != strlen("INFO: T0 000000 ") + 100 + (size_t)id * 300)
      bad ++;
    else
      next[id] ++;
    total ++;
  }
  free(sink.all);
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT_EQUAL(total, NPROD * NLINES);
  for (int i = 0; i < NPROD; i ++)
    CU_ASSERT_EQUAL(next[i], NLINES);
}

// 'capture()' - Run fn with status lines going to a pipe; return what was written.
static size_t
capture(void (*fn)(void), char *out, size_t size)
{
  int     fds[2];
  ssize_t n;

  if (pipe(fds) < 0)
    return (0);
  lprStatusInit(fds[1]);
  fn();
  close(fds[1]);
  n = read(fds[0], out, size - 1);
  close(fds[0]);
  lprStatusInit(2);
  out[n > 0 ? n : 0] = '\0';
  return (n > 0 ? (size_t)n : 0);
}

// 'reasons_fn()' - Add and remove reasons.
static void
reasons_fn(void)
{
  lprStatusReason(true, "connecting-to-device");
  lprStatusReason(true, "connecting-to-device");     // no second line
  lprStatusReason(true, "cups-waiting-for-job-completed");
  lprStatusReason(false, "connecting-to-device");
  lprStatusReason(false, "connecting-to-device");    // not set: no line
  lprStatusReason(true, "lpr-other");
  lprStatusReasonsClear();
  lprStatusReasonsClear();                           // nothing left: no line
}

// 'test_reasons()' - Every reason set is cleared, in one line, and only once.
static void
test_reasons(void)
{
  char out[4096];

  capture(reasons_fn, out, sizeof(out));
  CU_ASSERT_STRING_EQUAL(out, "STATE: +connecting-to-device\n"
                              "STATE: +cups-waiting-for-job-completed\n"
                              "STATE: -connecting-to-device\n"
                              "STATE: +lpr-other\n"
                              "STATE: -cups-waiting-for-job-completed,lpr-other\n");
  CU_ASSERT_FALSE(lprStatusReasonIsSet("lpr-other"));
}

// 'test_progress()' - Sent and total come from one snapshot, in one line.
static void
test_progress(void)
{
  char buf[256];

  lprProgressFormat(buf, sizeof(buf), 12300000, 45600000, 1.0);
  CU_ASSERT_STRING_EQUAL(buf, "Sent 12.3 MB of 45.6 MB (26%)");
  lprProgressFormat(buf, sizeof(buf), 999, 999, 1.0);
  CU_ASSERT_STRING_EQUAL(buf, "Sent 999 B of 999 B (100%)");
  lprProgressFormat(buf, sizeof(buf), 2000000, -1, 2.0);
  CU_ASSERT_STRING_EQUAL(buf, "Sent 2.0 MB (1.0 MB/s)");
  lprProgressFormat(buf, sizeof(buf), 0, 0, 0.0);
  CU_ASSERT_STRING_EQUAL(buf, "Sent 0 B of 0 B (100%)");
}

// 'tick_fn()' - Ticks inside the interval write nothing; a final tick always writes, once:
//               after it (or after a stop: a failed transfer) the clock writes nothing more,
//               however long the job then waits (waitjob, verification, a rerun's spooling).
static void
tick_fn(void)
{
  static lpr_progress_t p;

  lprProgressStart(&p, 1000, 60000);
  atomic_store(&p.sent, 500);
  lprProgressTick(&p, false);
  lprProgressTick(&p, false);
  atomic_store(&p.sent, 1000);
  lprProgressTick(&p, true);
  lprProgressTick(&p, true);
  lprProgressTick(&p, false);
  lprProgressStart(&p, 1000, 1);
  atomic_store(&p.sent, 10);
  lprProgressStop(&p);
  lprProgressTick(&p, true);
}

// 'test_tick()' - The rate is bounded by the clock, not by how often the data loop asks.
static void
test_tick(void)
{
  char out[1024];

  capture(tick_fn, out, sizeof(out));
  CU_ASSERT_STRING_EQUAL(out, "INFO: Sent 1.0 KB of 1.0 KB (100%)\n");
}

// 'test_limit_env()' - CUPS_MAX_MESSAGE is read and clamped to what a pipe keeps atomic.
static void
test_limit_env(void)
{
  setenv("CUPS_MAX_MESSAGE", "100", 1);
  lprStatusInit(2);
  CU_ASSERT_EQUAL(lprStatusLimit(), 100);
  setenv("CUPS_MAX_MESSAGE", "10", 1);
  lprStatusInit(2);
  CU_ASSERT_EQUAL(lprStatusLimit(), LPR_STATUS_MIN);
  setenv("CUPS_MAX_MESSAGE", "99999", 1);
  lprStatusInit(2);
  CU_ASSERT_EQUAL(lprStatusLimit(), LPR_STATUS_MAX);
  setenv("CUPS_MAX_MESSAGE", "12abc", 1);
  lprStatusInit(2);
  CU_ASSERT_EQUAL(lprStatusLimit(), LPR_STATUS_DEFAULT_MAX);
  unsetenv("CUPS_MAX_MESSAGE");
  lprStatusInit(2);
  CU_ASSERT_EQUAL(lprStatusLimit(), LPR_STATUS_DEFAULT_MAX);
}

int
main(void)
{
  CU_TestInfo tests[] =
  {
    { "bounded lines", test_bounds },
    { "UTF-8 cuts", test_utf8_cut },
    { "no injection", test_injection },
    { "one write per line", test_one_write },
    { "concurrent producers", test_concurrent },
    { "state reasons", test_reasons },
    { "progress text", test_progress },
    { "progress clock", test_tick },
    { "CUPS_MAX_MESSAGE", test_limit_env },
    CU_TEST_INFO_NULL
  };

  return (unit_run("status", tests));
}
