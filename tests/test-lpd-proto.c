// test-lpd-proto.c - unit tests of the RFC 1179 core, each step over a socketpair.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "lpd-proto.h"
#include "unit.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct peer_s                   // the server's side: reads everything until EOF
{
  int           fd;
  unsigned char *data;
  size_t        len;
  const char    *reply_at_eof;          // written once the client half-closed
  size_t        reply_len;
  size_t        cut_after;              // > 0: once this much is read, ftruncate(cut_fd, cut_to)
  int           cut_fd;
  off_t         cut_to;
} peer_t;

// 'peer_read()' - Read until EOF, then optionally answer.
static void *
peer_read(void *arg)
{
  peer_t  *p = arg;
  size_t  cap = 0;
  ssize_t n;

  for (;;)
  {
    if (cap - p->len < 65536)
    {
      cap = cap ? cap * 2 : 1 << 20;
      p->data = realloc(p->data, cap);
    }
    if ((n = read(p->fd, p->data + p->len, 65536)) <= 0)
      break;
    p->len += (size_t)n;
    if (p->cut_after && p->len >= p->cut_after)
    {
      CU_ASSERT_EQUAL(ftruncate(p->cut_fd, p->cut_to), 0);
      p->cut_after = 0;
    }
  }
  if (p->reply_at_eof)
  {
    ssize_t w = write(p->fd, p->reply_at_eof, p->reply_len);

    (void)w;
  }
  return (NULL);
}

// 'pair()' - A connected socketpair: [0] for the client core, [1] for the peer.
static void
pair(int sv[2])
{
  CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
}

// 'put()' - The peer writes bytes (before or after the client acts; the socket buffers them).
static void
put(int fd, const void *data, size_t len)
{
  CU_ASSERT_EQUAL(write(fd, data, len), (ssize_t)len);
}

// 'get()' - The peer reads exactly len bytes.
static void
get(int fd, char *buf, size_t len)
{
  size_t  got = 0;
  ssize_t n;

  while (got < len && (n = read(fd, buf + got, len - got)) > 0)
    got += (size_t)n;
  buf[got] = '\0';
}

// 'ms_since()' - Milliseconds since a monotonic timestamp.
static long
ms_since(const struct timespec *t0)
{
  struct timespec t;

  clock_gettime(CLOCK_MONOTONIC, &t);
  return ((t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000);
}

// 'test_receive_job()' - "\2queue\n" then an ack.
static void
test_receive_job(void)
{
  int        sv[2];
  lpd_conn_t c;
  char       buf[64];

  pair(sv);
  lpdConnInit(&c, sv[0], NULL, 2000);
  put(sv[1], "", 1);
  CU_ASSERT_EQUAL(lpdReceiveJob(&c, "lp"), LPD_OK);
  get(sv[1], buf, 4);
  CU_ASSERT_STRING_EQUAL(buf, "\002lp\n");
  CU_ASSERT_EQUAL(lpdReceiveJob(&c, "bad queue"), LPD_IO_ERROR);
  CU_ASSERT_EQUAL(lpdReceiveJob(&c, ""), LPD_IO_ERROR);
  lpdConnClose(&c);
  close(sv[1]);
}

// 'test_nack_text()' - A NACK's code and the text after it (LPRng style), bounded.
static void
test_nack_text(void)
{
  int        sv[2];
  lpd_conn_t c;
  char       big[10001];

  pair(sv);
  lpdConnInit(&c, sv[0], NULL, 2000);
  put(sv[1], "\002insufficient file space\n", 25);
  CU_ASSERT_EQUAL(lpdSubcommand(&c, LPD_SUB_DATA, 999999999999ULL, "dfA001host"), LPD_NACK);
  close(sv[1]);
  CU_ASSERT_EQUAL(c.code, 2);
  CU_ASSERT_EQUAL(c.step, LPD_STEP_DATA);
  CU_ASSERT_STRING_EQUAL(c.text, "insufficient file space\n");
  lpdConnClose(&c);

  // The server refused and closed before we finished writing: its NACK is still reported.
  pair(sv);
  lpdConnInit(&c, sv[0], NULL, 2000);
  put(sv[1], "\002no space\n", 10);
  close(sv[1]);
  CU_ASSERT_EQUAL(lpdSendBuffer(&c, "abc", 3), LPD_NACK);
  CU_ASSERT_EQUAL(c.code, 2);
  lpdConnClose(&c);

  // 10 KB of text with a line that tries to look like a status line: kept bounded.
  pair(sv);
  lpdConnInit(&c, sv[0], NULL, 2000);
  memset(big, 'x', sizeof(big));
  memcpy(big + 1, "\nSTATE: +media-jam-warning\n", 27);
  big[0] = 1;
  put(sv[1], big, sizeof(big));
  close(sv[1]);
  CU_ASSERT_EQUAL(lpdReadAck(&c), LPD_NACK);
  CU_ASSERT_EQUAL(c.code, 1);
  CU_ASSERT_EQUAL(c.textlen, LPD_NACK_TEXT_MAX - 1);
  lpdConnClose(&c);
}

// 'test_timeout_cancel_close()' - Every wait ends: timeout, cancel fd, or the peer closing.
static void
test_timeout_cancel_close(void)
{
  int             sv[2], cp[2];
  lpd_conn_t      c;
  lpd_loop_t      loop;
  struct timespec t0;
  long            ms;

  pair(sv);
  lpdConnInit(&c, sv[0], NULL, 300);
  clock_gettime(CLOCK_MONOTONIC, &t0);
  CU_ASSERT_EQUAL(lpdReadAck(&c), LPD_TIMEOUT);
  ms = ms_since(&t0);
  CU_ASSERT_TRUE(ms >= 290 && ms < 2000);
  lpdConnClose(&c);
  close(sv[1]);

  pair(sv);
  CU_ASSERT_FATAL(pipe(cp) == 0);
  lpdLoopInit(&loop, cp[0]);
  lpdConnInit(&c, sv[0], &loop, 60000);
  put(cp[1], "x", 1);
  clock_gettime(CLOCK_MONOTONIC, &t0);
  CU_ASSERT_EQUAL(lpdReadAck(&c), LPD_CANCELED);
  CU_ASSERT_TRUE(ms_since(&t0) < 1000);
  lpdConnClose(&c);
  close(sv[1]);
  close(cp[0]);
  close(cp[1]);

  pair(sv);
  lpdConnInit(&c, sv[0], NULL, 60000);
  close(sv[1]);
  CU_ASSERT_EQUAL(lpdReadAck(&c), LPD_CLOSED);
  lpdConnClose(&c);
}

// 'test_subcommands()' - Subcommand lines, the control file's NUL, abort, half-close and ack.
static void
test_subcommands(void)
{
  int        sv[2];
  lpd_conn_t c;
  char       buf[128];

  pair(sv);
  lpdConnInit(&c, sv[0], NULL, 2000);
  put(sv[1], "\0\0\0", 3);
  CU_ASSERT_EQUAL(lpdSubcommand(&c, LPD_SUB_CONTROL, 42, "cfA123host"), LPD_OK);
  get(sv[1], buf, 15);
  CU_ASSERT_STRING_EQUAL(buf, "\00242 cfA123host\n");
  CU_ASSERT_EQUAL(lpdWriteAll(&c, "Hh\n", 3), LPD_OK);
  CU_ASSERT_EQUAL(lpdEndFile(&c), LPD_OK);
  CU_ASSERT_EQUAL(c.step, LPD_STEP_CONTROL_END);
  get(sv[1], buf, 4);
  CU_ASSERT_EQUAL(memcmp(buf, "Hh\n\0", 4), 0);
  CU_ASSERT_EQUAL(lpdSubcommand(&c, LPD_SUB_DATA, 0, "dfA123host"), LPD_OK);
  get(sv[1], buf, 14);
  CU_ASSERT_STRING_EQUAL(buf, "\0030 dfA123host\n");
  CU_ASSERT_EQUAL(lpdAbortJob(&c), LPD_OK);
  get(sv[1], buf, 2);
  CU_ASSERT_STRING_EQUAL(buf, "\001\n");
  lpdConnClose(&c);
  close(sv[1]);

  // Zero count: half-close, then the server's final ack arrives (LPRng behaviour).
  {
    pthread_t t;
    peer_t    p = { 0 };

    pair(sv);
    p.fd = sv[1];
    p.reply_at_eof = "";
    p.reply_len = 1;
    pthread_create(&t, NULL, peer_read, &p);
    lpdConnInit(&c, sv[0], NULL, 2000);
    CU_ASSERT_EQUAL(lpdSendBuffer(&c, "data", 4), LPD_OK);
    CU_ASSERT_EQUAL(lpdFinishStream(&c), LPD_OK);
    pthread_join(t, NULL);
    CU_ASSERT_EQUAL(p.len, 4);
    free(p.data);
    lpdConnClose(&c);
    close(sv[1]);
  }
}

// 'make_file()' - A temp file of len pseudo-random bytes; returns its fd and fills *data.
static int
make_file(size_t len, unsigned char **data)
{
  char  path[] = "/tmp/test-lpd-proto-XXXXXX";
  int   fd = mkstemp(path);
  unsigned x = 12345;

  unlink(path);
  *data = malloc(len);
  for (size_t i = 0; i < len; i ++)
  {
    x = x * 1103515245 + 12345;
    (*data)[i] = (unsigned char)(x >> 16);
  }
  CU_ASSERT_EQUAL(write(fd, *data, len), (ssize_t)len);
  return (fd);
}

// 'check_send_file()' - Send a 3 MB file (offset 0 and 1000) and compare at the peer.
//
// zerocopy with a network peer is sendfile(2); with a loopback peer, pread/send, or mmap(2)
// windows when asked (a socketpair is neither: local_peer says which); without zerocopy,
// pread/send.
static void
check_send_file(bool zerocopy, bool local_peer, bool mmap_local)
{
  enum { LEN = 3 * 1024 * 1024 + 17 };
  int              sv[2], fd;
  unsigned char    *data;
  lpd_conn_t       c;
  pthread_t        t;
  peer_t           p = { 0 };
  _Atomic uint64_t counter = 0;

  fd = make_file(LEN, &data);
  pair(sv);
  p.fd = sv[1];
  pthread_create(&t, NULL, peer_read, &p);
  lpdConnInit(&c, sv[0], NULL, 5000);
  c.zerocopy = zerocopy;
  c.local_peer = local_peer;
  c.mmap_local = mmap_local;
  c.counter = &counter;
  CU_ASSERT_EQUAL(lpdSendFile(&c, fd, 0, LEN), LPD_OK);
  CU_ASSERT_EQUAL(lpdSendFile(&c, fd, 1000, LEN - 1000), LPD_OK);
  CU_ASSERT_EQUAL(atomic_load(&counter), 2 * LEN - 1000);
  CU_ASSERT_EQUAL(lpdSendFile(&c, fd, 0, LEN + 1), LPD_INPUT_ERROR);   // file shorter
  shutdown(sv[0], SHUT_WR);
  pthread_join(t, NULL);
  CU_ASSERT_TRUE(p.len >= 2 * LEN - 1000);
  CU_ASSERT_EQUAL(memcmp(p.data, data, LEN), 0);
  CU_ASSERT_EQUAL(memcmp(p.data + LEN, data + 1000, LEN - 1000), 0);
  free(p.data);
  free(data);
  close(fd);
  lpdConnClose(&c);
  close(sv[1]);
}

// 'test_send_file()' - sendfile(2), mmap(2) windows, and the read/write fallback.
static void
test_send_file(void)
{
  check_send_file(true, false, false);
  check_send_file(true, true, false);
  check_send_file(true, true, true);
  check_send_file(false, false, false);
}

// 'test_send_file_cut()' - A file cut short while it is being sent from mmap(2) windows: an
// input error (EIO), no SIGBUS, and nothing sent from past the new end but that page's zeros
// (the caller then abandons the connection, so the server never completes the file).
static void
test_send_file_cut(void)
{
  enum { LEN = 8 * 1024 * 1024 };
  const off_t   cut = 2 * 1024 * 1024 + 100;
  int           sv[2], fd;
  unsigned char *data;
  lpd_conn_t    c;
  pthread_t     t;
  peer_t        p = { 0 };

  fd = make_file(LEN, &data);
  pair(sv);
  p.fd        = sv[1];
  p.cut_after = 1024 * 1024;            // the sender is at most a socket buffer ahead
  p.cut_fd    = fd;
  p.cut_to    = cut;
  pthread_create(&t, NULL, peer_read, &p);
  lpdConnInit(&c, sv[0], NULL, 5000);
  c.local_peer = true;
  c.mmap_local = true;
  CU_ASSERT_EQUAL(lpdSendFile(&c, fd, 0, LEN), LPD_INPUT_ERROR);
  CU_ASSERT_EQUAL(c.err, EIO);
  shutdown(sv[0], SHUT_WR);
  pthread_join(t, NULL);
  // What arrived is the file's bytes up to the cut (send(2) may drop the chunk that faulted).
  CU_ASSERT_TRUE(p.len >= 1024 * 1024 && p.len < (size_t)cut + 4096);
  CU_ASSERT_EQUAL(memcmp(p.data, data, p.len < (size_t)cut ? p.len : (size_t)cut), 0);

  // A range that was already past the end when the send began: refused before its last
  // window, not padded with the zeros that fill the file's last page.
  free(p.data);
  lpdConnClose(&c);
  close(sv[1]);
  memset(&p, 0, sizeof(p));
  pair(sv);
  p.fd = sv[1];
  pthread_create(&t, NULL, peer_read, &p);
  lpdConnInit(&c, sv[0], NULL, 5000);
  c.local_peer = true;
  c.mmap_local = true;
  CU_ASSERT_EQUAL(lpdSendFile(&c, fd, 1024 * 1024, (uint64_t)cut), LPD_INPUT_ERROR);
  CU_ASSERT_EQUAL(c.err, EIO);
  shutdown(sv[0], SHUT_WR);
  pthread_join(t, NULL);
  CU_ASSERT_EQUAL(p.len, 1024 * 1024);  // the first window only: it was wholly in the file
  free(p.data);
  free(data);
  close(fd);
  lpdConnClose(&c);
  close(sv[1]);
}

typedef struct feeder_s                 // writes a buffer into a pipe in uneven pieces
{
  int                 fd;
  const unsigned char *data;
  size_t              len;
  bool                read_line_first;  // a server: read the client's command line first
} feeder_t;

// 'feed()' - Write the data in pieces of varying size, then close.
static void *
feed(void *arg)
{
  feeder_t *f = arg;
  size_t   off = 0, piece = 1;
  char     ch = 0;

  // A server answers after the command; writing and closing first would make the client's
  // command fail with EPIPE, as with a real server that closes on it.
  while (f->read_line_first && ch != '\n' && read(f->fd, &ch, 1) == 1)
    ;
  while (off < f->len)
  {
    size_t  n = piece < f->len - off ? piece : f->len - off;
    ssize_t w = write(f->fd, f->data + off, n);

    if (w <= 0)
      break;
    off += (size_t)w;
    piece = piece * 3 % 200000 + 1;
  }
  close(f->fd);
  return (NULL);
}

// 'check_stream()' - Stream 5 MB from a pipe to the peer: byte-exact, input counted.
static void
check_stream(bool zerocopy)
{
  enum { LEN = 5 * 1024 * 1024 + 3 };
  int           sv[2], pfd[2];
  unsigned char *data = malloc(LEN);
  lpd_conn_t    c;
  pthread_t     t, ft;
  peer_t        p = { 0 };
  feeder_t      f;

  for (size_t i = 0; i < LEN; i ++)
    data[i] = (unsigned char)(i * 7 + i / 251);
  CU_ASSERT_FATAL(pipe(pfd) == 0);
  pair(sv);
  p.fd = sv[1];
  f.fd = pfd[1];
  f.data = data;
  f.len = LEN;
  f.read_line_first = false;
  pthread_create(&t, NULL, peer_read, &p);
  pthread_create(&ft, NULL, feed, &f);
  lpdConnInit(&c, sv[0], NULL, 5000);
  c.zerocopy = zerocopy;
  CU_ASSERT_EQUAL(lpdSendStream(&c, pfd[0]), LPD_OK);
  CU_ASSERT_EQUAL(c.input_bytes, LEN);
  shutdown(sv[0], SHUT_WR);
  pthread_join(t, NULL);
  pthread_join(ft, NULL);
  CU_ASSERT_EQUAL(p.len, LEN);
  CU_ASSERT_TRUE(p.len == LEN && !memcmp(p.data, data, LEN));
  free(p.data);
  free(data);
  close(pfd[0]);
  lpdConnClose(&c);
  close(sv[1]);
}

// 'test_stream()' - A stream from a pipe (zerocopy on and off: both now read/send, measured
// faster than splice) and from a regular-file stdin.
static void
test_stream(void)
{
  int           sv[2], fd;
  unsigned char *data;
  lpd_conn_t    c;
  pthread_t     t;
  peer_t        p = { 0 };

  check_stream(true);
  check_stream(false);

  // stdin redirected from a file: read like a pipe, to the end of the file.
  fd = make_file(100000, &data);
  lseek(fd, 0, SEEK_SET);
  pair(sv);
  p.fd = sv[1];
  pthread_create(&t, NULL, peer_read, &p);
  lpdConnInit(&c, sv[0], NULL, 5000);
  CU_ASSERT_EQUAL(lpdSendStream(&c, fd), LPD_OK);
  shutdown(sv[0], SHUT_WR);
  pthread_join(t, NULL);
  CU_ASSERT_TRUE(p.len == 100000 && !memcmp(p.data, data, 100000));
  free(p.data);
  free(data);
  close(fd);
  lpdConnClose(&c);
  close(sv[1]);
}

// 'test_stream_server_speaks()' - A server that NACKs or closes while we wait for input.
static void
test_stream_server_speaks(void)
{
  int        sv[2], pfd[2];
  lpd_conn_t c;

  CU_ASSERT_FATAL(pipe(pfd) == 0);
  pair(sv);
  lpdConnInit(&c, sv[0], NULL, 5000);
  put(sv[1], "\003bad job\n", 9);
  CU_ASSERT_EQUAL(lpdSendStream(&c, pfd[0]), LPD_NACK);
  CU_ASSERT_EQUAL(c.code, 3);
  lpdConnClose(&c);
  close(sv[1]);

  pair(sv);
  lpdConnInit(&c, sv[0], NULL, 5000);
  close(sv[1]);
  CU_ASSERT_EQUAL(lpdSendStream(&c, pfd[0]), LPD_CLOSED);
  lpdConnClose(&c);
  close(pfd[0]);
  close(pfd[1]);
}

// 'test_query()' - A listing is read whole; one past the cap is cut and said so.
static void
test_query(void)
{
  int        sv[2];
  lpd_conn_t c;
  lpr_buf_t  b;
  char       *big = malloc(100000), buf[64];

  pair(sv);
  lpdConnInit(&c, sv[0], NULL, 2000);
  put(sv[1], "lp is ready\nno entries\n", 23);
  shutdown(sv[1], SHUT_WR);
  lprBufInit(&b, LPD_QUEUE_LISTING_MAX);
  CU_ASSERT_EQUAL(lpdQuery(&c, LPD_CMD_QUEUE_SHORT, "lp", NULL, &b), LPD_OK);
  CU_ASSERT_STRING_EQUAL(b.data, "lp is ready\nno entries\n");
  get(sv[1], buf, 4);
  CU_ASSERT_STRING_EQUAL(buf, "\003lp\n");
  lprBufFree(&b);
  lpdConnClose(&c);
  close(sv[1]);

  pair(sv);
  lpdConnInit(&c, sv[0], NULL, 30000);       // generous: valgrind slows the feeder down
  memset(big, 'q', 100000);
  {
    pthread_t t;
    feeder_t  f = { sv[1], (unsigned char *)big, 100000, true };

    pthread_create(&t, NULL, feed, &f);
    lprBufInit(&b, LPD_QUEUE_LISTING_MAX);
    CU_ASSERT_EQUAL(lpdQuery(&c, LPD_CMD_REMOVE, "lp", "root 123", &b), LPD_TOO_BIG);
    CU_ASSERT_EQUAL(b.len, LPD_QUEUE_LISTING_MAX);
    lprBufFree(&b);
    lpdConnClose(&c);
    pthread_join(t, NULL);
  }
  free(big);
}

// 'count_lines()' - Lines starting with a letter in a control file.
static int
count_lines(const char *s, char letter)
{
  int n = 0;

  for (const char *p = s; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
    if (*p == letter)
      n ++;
  return (n);
}

// 'test_control()' - Control file lines, limits, copies, and refusal of injected newlines.
static void
test_control(void)
{
  lpd_control_t ctl = { "myhost", "alice", "report", "report.pdf", "Report", NULL, false, 'l',
                        1, 7 };
  lpr_buf_t     b;

  lprBufInit(&b, 1 << 20);
  CU_ASSERT_TRUE(lpdControlBuild(&ctl, &b));
  CU_ASSERT_STRING_EQUAL(b.data, "Hmyhost\nPalice\nJreport\nldfA007myhost\nUdfA007myhost\n"
                                 "Nreport.pdf\n");
  lprBufFree(&b);

  ctl.banner = true;
  ctl.format = 'p';
  ctl.copies = 1500;
  ctl.jobnum = 1999;
  lprBufInit(&b, 1 << 20);
  CU_ASSERT_TRUE(lpdControlBuild(&ctl, &b));
  CU_ASSERT_EQUAL(count_lines(b.data, 'p'), 1500);
  CU_ASSERT_EQUAL(count_lines(b.data, 'C'), 1);
  CU_ASSERT_EQUAL(count_lines(b.data, 'L'), 1);
  CU_ASSERT_EQUAL(count_lines(b.data, 'T'), 1);
  CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "pdfA999myhost\n"));
  CU_ASSERT_EQUAL(b.data[b.len - 1], '\n');
  CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "UdfA999myhost\nNreport.pdf\n"));
  lprBufFree(&b);

  ctl.copies = 1;
  ctl.user = "eve\nLroot";
  lprBufInit(&b, 1 << 20);
  CU_ASSERT_FALSE(lpdControlBuild(&ctl, &b));
  lprBufFree(&b);
  ctl.user = "eve";
  ctl.format = 'x';
  lprBufInit(&b, 1 << 20);
  CU_ASSERT_FALSE(lpdControlBuild(&ctl, &b));
  lprBufFree(&b);
}

// 'test_sanitize()' - Field text: no controls, cut on a UTF-8 boundary at the RFC limit.
static void
test_sanitize(void)
{
  char out[200], title[300];

  lpdSanitize(out, sizeof(out), "a\r\nPevil\x01", LPD_USER_MAX);
  CU_ASSERT_STRING_EQUAL(out, "a Pevil ");
  for (int i = 0; i < 100; i ++)
    memcpy(title + i * 2, "\xc3\xa9", 2);          // 100 x é = 200 bytes
  title[200] = '\0';
  CU_ASSERT_EQUAL(lpdSanitize(out, sizeof(out), title, LPD_USER_MAX), 30);
  CU_ASSERT_EQUAL(lpdSanitize(out, sizeof(out), title, LPD_JOB_MAX), 98);
  CU_ASSERT_EQUAL(lpdSanitize(out, sizeof(out), title, LPD_SOURCE_MAX), 130);
  CU_ASSERT_EQUAL(lpdSanitize(out, sizeof(out), NULL, 10), 0);

  lpdSanitizeHost(out, sizeof(out), "printer_1.example.com");
  CU_ASSERT_STRING_EQUAL(out, "printer-1.example.com");
  lpdSanitizeHost(out, sizeof(out), "a b\n/c");
  CU_ASSERT_STRING_EQUAL(out, "abc");
  lpdSanitizeHost(out, sizeof(out), "\n\n");
  CU_ASSERT_STRING_EQUAL(out, "localhost");
  lpdSanitizeHost(out, sizeof(out), "0123456789012345678901234567890123456789");
  CU_ASSERT_EQUAL(strlen(out), LPD_HOST_MAX);

  CU_ASSERT_TRUE(lpdQueueNameValid("lp"));
  CU_ASSERT_TRUE(lpdQueueNameValid("a?b/c"));
  CU_ASSERT_FALSE(lpdQueueNameValid("a b"));
  CU_ASSERT_FALSE(lpdQueueNameValid("a\nb"));
  CU_ASSERT_FALSE(lpdQueueNameValid(""));
}

int
main(void)
{
  CU_TestInfo tests[] =
  {
    { "receive-job command", test_receive_job },
    { "NACK code and text", test_nack_text },
    { "timeout, cancel, close", test_timeout_cancel_close },
    { "subcommands", test_subcommands },
    { "send a file", test_send_file },
    { "send a file cut short meanwhile", test_send_file_cut },
    { "send a stream", test_stream },
    { "server speaks during a stream", test_stream_server_speaks },
    { "queue query", test_query },
    { "control file", test_control },
    { "sanitize fields", test_sanitize },
    CU_TEST_INFO_NULL
  };

  return (unit_run("lpd-proto", tests));
}
