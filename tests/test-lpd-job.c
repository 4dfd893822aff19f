// test-lpd-job.c - whole jobs through the core's job API (lpd-job.h) over socketpairs, with no
//                  CUPS library linked: what a second front end gets.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// The job's open() callback hands out one end of a fresh socketpair per connection; a thread
// plays a small LPD server on the other end (its own parser: it shares no code with the client
// it judges).  It records what it received and can refuse zero counts, lose the final ack, and
// answer queue queries with or without our job.

#include "config.h"
#include "lpd-job.h"
#include "unit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct server_s                 // the fake server's behaviour and record
{
  bool            refuse_zero;          // NACK 2 for a data file of count 0
  bool            lose_final_ack;       // close instead of the data file's last ack
  bool            list_job;             // \4 lists "our" job (number 123, owner alice)
  pthread_mutex_t lock;
  int             connections;
  int             jobs;                 // complete receive-job sessions
  char            control[4096];
  size_t          control_len;
  unsigned char   *data;
  size_t          data_len;
  pthread_t       threads[8];
  int             nthreads;
} server_t;

typedef struct session_s
{
  server_t *srv;
  int      fd;
} session_t;

static char status_lines[65536];        // what the job said (through the status sink)
static size_t status_len;

// 'sink()' - The status sink: keep every line.
static void
sink(void *ctx, const char *line, size_t len)
{
  (void)ctx;
  if (status_len + len < sizeof(status_lines))
  {
    memcpy(status_lines + status_len, line, len);
    status_len += len;
    status_lines[status_len] = '\0';
  }
}

// 'read_line()' - One LF-terminated line (without the LF); false at EOF.
static bool
read_line(int fd, char *buf, size_t size)
{
  size_t n = 0;

  while (n + 1 < size)
  {
    if (read(fd, buf + n, 1) != 1)
      return (false);
    if (buf[n] == '\n')
      break;
    n ++;
  }
  buf[n] = '\0';
  return (true);
}

// 'read_exact()' - Read len bytes, or until EOF when len is 0 (a zero-count stream).
static unsigned char *
read_exact(int fd, size_t len, size_t *got)
{
  size_t        cap = len ? len + 1 : 65536;
  unsigned char *buf = malloc(cap);
  ssize_t       n;

  *got = 0;
  while (len == 0 || *got < len)
  {
    if (len == 0 && *got == cap)
      buf = realloc(buf, cap *= 2);
    if ((n = read(fd, buf + *got, len ? len - *got : cap - *got)) <= 0)
      break;
    *got += (size_t)n;
  }
  return (buf);
}

// 'receive_file()' - One control or data file after its subcommand line; false to stop.
static bool
receive_file(server_t *s, int fd, char type, long long count)
{
  size_t        got;
  unsigned char *buf, nul;

  if (type == 3 && count == 0 && s->refuse_zero)
    return (write(fd, "\002", 1) == 1);
  if (write(fd, "", 1) != 1)
    return (false);
  buf = read_exact(fd, (size_t)count, &got);
  pthread_mutex_lock(&s->lock);
  if (type == 2 && got < sizeof(s->control))
  {
    memcpy(s->control, buf, got);
    s->control_len = got;
  }
  else if (type == 3)
  {
    free(s->data);
    s->data = buf;
    s->data_len = got;
    buf = NULL;
  }
  pthread_mutex_unlock(&s->lock);
  free(buf);
  if (count > 0 && read(fd, &nul, 1) != 1)
    return (false);
  if (type == 3 && s->lose_final_ack)
    return (false);
  return (write(fd, "", 1) == 1);
}

// 'receive_job()' - \2queue: subcommands until the client closes.
static void
receive_job(server_t *s, int fd)
{
  char      line[512];
  long long count;
  char      name[256];

  if (write(fd, "", 1) != 1)
    return;
  while (read_line(fd, line, sizeof(line)))
  {
    if ((line[0] != 2 && line[0] != 3) || sscanf(line + 1, "%lld %255s", &count, name) != 2)
      break;
    if (!receive_file(s, fd, line[0], count))
      break;
    if (line[0] == 3 && count == 0 && !s->refuse_zero)
      break;                            // a stream ends the session
  }
  pthread_mutex_lock(&s->lock);
  if (s->data_len && s->control_len)
    s->jobs ++;
  pthread_mutex_unlock(&s->lock);
}

// 'serve()' - One connection: one command.
static void *
serve(void *arg)
{
  session_t *ss = arg;
  char      line[512];
  static const char listing[] = "lp is ready and printing\n"
                                "Rank   Owner   Job  Files                Total Size\n"
                                "active alice   123  report               2000 bytes\n";

  if (read_line(ss->fd, line, sizeof(line)))
  {
    if (line[0] == 2)
      receive_job(ss->srv, ss->fd);
    else if (line[0] == 4)
    {
      const char *text = ss->srv->list_job ? listing : "lp is ready\nno entries\n";
      ssize_t    n = write(ss->fd, text, strlen(text));

      (void)n;
    }
  }
  close(ss->fd);
  free(ss);
  return (NULL);
}

// 'open_pair()' - The job's transport: a socketpair with a server thread on the far end.
static bool
open_pair(void *ctx, int *fd)
{
  server_t  *s = ctx;
  int       sv[2];
  session_t *ss;

  if (s->nthreads >= 8 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    return (false);
  ss = malloc(sizeof(*ss));
  ss->srv = s;
  ss->fd  = sv[1];
  s->connections ++;
  pthread_create(&s->threads[s->nthreads ++], NULL, serve, ss);
  *fd = sv[0];
  return (true);
}

static const char *job_title = "report";  // the next job's title
static bool       job_ascii;              // the next job's ascii_only

// 'run_job()' - One whole job through lpdJobRun() against server s.
static lpd_outcome_t
run_job(server_t *s, lpd_mode_t mode, const char *file, int infd)
{
  lpd_loop_t    loop;
  lpd_job_t     job;
  lpd_outcome_t o;
  char          cache[] = "/tmp/test-lpd-job-XXXXXX";

  CU_ASSERT_FATAL(mkdtemp(cache) != NULL);
  status_len = 0;
  status_lines[0] = '\0';
  lprStatusSetSink(sink, NULL);
  lpdLoopInit(&loop, -1);
  lpdJobInit(&job, &loop);
  snprintf(job.host, sizeof(job.host), "printer.test");
  snprintf(job.queue, sizeof(job.queue), "lp");
  job.open     = open_pair;
  job.ctx      = s;
  job.file     = file;
  job.infd     = infd;
  job.mode     = mode;
  job.timeout  = 5;
  job.tmpdir   = cache;
  job.cachedir = cache;
  job.ascii_only = job_ascii;
  lpdJobSetText(&job, "alice", job_title, "client", false);
  job.jobnum = 123;
  o = lpdJobRun(&job);
  for (int i = 0; i < s->nthreads; i ++)
    pthread_join(s->threads[i], NULL);
  s->nthreads = 0;
  lprStatusSetSink(NULL, NULL);
  {
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf %s", cache);
    CU_ASSERT_EQUAL(system(cmd), 0);
  }
  return (o);
}

// 'make_input()' - A file of n pattern bytes, and the same bytes on a pipe's read end.
static void
make_input(size_t n, char *path, int *pipe_rd, unsigned char **bytes)
{
  int fd = mkstemp(path), p[2];

  *bytes = malloc(n);
  for (size_t i = 0; i < n; i ++)
    (*bytes)[i] = (unsigned char)(i * 7 + 3);
  CU_ASSERT_FATAL(fd >= 0 && write(fd, *bytes, n) == (ssize_t)n);
  close(fd);
  CU_ASSERT_FATAL(pipe(p) == 0);
  CU_ASSERT_FATAL(n <= 65536 && write(p[1], *bytes, n) == (ssize_t)n);
  close(p[1]);
  *pipe_rd = p[0];
}

// 'server_init()' - A fresh fake server.
static void
server_init(server_t *s)
{
  memset(s, 0, sizeof(*s));
  pthread_mutex_init(&s->lock, NULL);
}

// 'server_free()' - Release its record.
static void
server_free(server_t *s)
{
  free(s->data);
  pthread_mutex_destroy(&s->lock);
}

// 'test_modes()' - A file, a stream and an auto job: delivered once, byte-exact.
static void
test_modes(void)
{
  static const lpd_mode_t modes[] = { LPD_MODE_AUTO, LPD_MODE_IMMEDIATE, LPD_MODE_SPOOLED };
  char                    path[] = "/tmp/test-lpd-job-in-XXXXXX";
  unsigned char           *bytes;
  int                     rd;
  server_t                s;

  make_input(40000, path, &rd, &bytes);
  close(rd);
  free(bytes);
  for (int file = 0; file < 2; file ++)
    for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m ++)
    {
      char tmp[] = "/tmp/test-lpd-job-in-XXXXXX";

      server_init(&s);
      make_input(40000, tmp, &rd, &bytes);
      unlink(tmp);
      CU_ASSERT_EQUAL(run_job(&s, modes[m], file ? path : NULL, rd), LPD_OUTCOME_OK);
      close(rd);
      CU_ASSERT_EQUAL(s.jobs, 1);
      CU_ASSERT_EQUAL(s.data_len, 40000);
      CU_ASSERT_TRUE(s.data && s.data_len == 40000 && !memcmp(s.data, bytes, 40000));
      CU_ASSERT_PTR_NOT_NULL(strstr(s.control, "Palice\n"));
      CU_ASSERT_PTR_NOT_NULL(strstr(s.control, "Jreport\n"));
      CU_ASSERT_PTR_NOT_NULL(strstr(s.control, "ldfA123client\n"));
      CU_ASSERT_PTR_NOT_NULL(strstr(status_lines, "INFO: Job sent: 40000 bytes to lpd "
                                                  "printer.test:515 queue lp\n"));
      free(bytes);
      server_free(&s);
    }
  unlink(path);
}

// 'test_fallback()' - A refused zero count: one WARNING, then the exact count on the same
//                     connection.
static void
test_fallback(void)
{
  char          path[] = "/tmp/test-lpd-job-in-XXXXXX";
  unsigned char *bytes;
  int           rd;
  server_t      s;

  server_init(&s);
  s.refuse_zero = true;
  make_input(30000, path, &rd, &bytes);
  unlink(path);
  CU_ASSERT_EQUAL(run_job(&s, LPD_MODE_IMMEDIATE, NULL, rd), LPD_OUTCOME_OK);
  close(rd);
  CU_ASSERT_EQUAL(s.connections, 1);
  CU_ASSERT_EQUAL(s.jobs, 1);
  CU_ASSERT_TRUE(s.data_len == 30000 && !memcmp(s.data, bytes, 30000));
  CU_ASSERT_PTR_NOT_NULL(strstr(status_lines, "WARNING: lpd printer.test:515 queue lp refused "
                                              "a data file of unknown size (code 2)"));
  free(bytes);
  server_free(&s);
}

// 'test_lost_ack()' - The last ack lost: sent when listed (one WARNING), else held.
static void
test_lost_ack(void)
{
  char          path[] = "/tmp/test-lpd-job-in-XXXXXX";
  unsigned char *bytes;
  int           rd;
  server_t      s;

  make_input(2000, path, &rd, &bytes);
  close(rd);
  for (int listed = 0; listed < 2; listed ++)
  {
    server_init(&s);
    s.lose_final_ack = true;
    s.list_job = listed;
    CU_ASSERT_EQUAL(run_job(&s, LPD_MODE_AUTO, path, -1),
                    listed ? LPD_OUTCOME_OK : LPD_OUTCOME_HOLD);
    CU_ASSERT_EQUAL(s.connections, 2);           // the job, then one listing
    if (listed)
      CU_ASSERT_PTR_NOT_NULL(strstr(status_lines, "but job 123 is in its queue: counted as "
                                                  "sent"));
    if (!listed)
      CU_ASSERT_PTR_NOT_NULL(strstr(status_lines, "may have printed"));
    server_free(&s);
  }
  unlink(path);
  free(bytes);
}

// 'test_ascii()' - charset=ascii: the control file's text is 7-bit.
static void
test_ascii(void)
{
  char          path[] = "/tmp/test-lpd-job-in-XXXXXX";
  unsigned char *bytes;
  int           rd;
  server_t      s;

  make_input(1000, path, &rd, &bytes);
  close(rd);
  for (int ascii = 0; ascii < 2; ascii ++)
  {
    server_init(&s);
    job_title = "\xc5\x81\xc3\xb3" "d\xc5\xba stra\xc3\x9f" "e";  // "Łódź straße"
    job_ascii = ascii;
    CU_ASSERT_EQUAL(run_job(&s, LPD_MODE_AUTO, path, -1), LPD_OUTCOME_OK);
    if (ascii)
      CU_ASSERT_PTR_NOT_NULL(strstr(s.control, "JLodz strasse\n"));
    if (!ascii)
      CU_ASSERT_PTR_NOT_NULL(strstr(s.control, "J\xc5\x81\xc3\xb3" "d\xc5\xba stra\xc3\x9f"
                                               "e\n"));
    for (size_t i = 0; ascii && i < s.control_len; i ++)
      CU_ASSERT_TRUE((unsigned char)s.control[i] < 0x80);
    server_free(&s);
  }
  job_title = "report";
  job_ascii = false;
  unlink(path);
  free(bytes);
}

// 'main()' - Run the suite.
int
main(void)
{
  CU_TestInfo tests[] =
  {
    { "every mode, file and stream", test_modes },
    { "zero count refused: fallback", test_fallback },
    { "lost final ack", test_lost_ack },
    { "charset=ascii", test_ascii },
    CU_TEST_INFO_NULL
  };

  return (unit_run("lpd-job", tests));
}
