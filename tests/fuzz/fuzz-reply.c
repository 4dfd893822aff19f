// fuzz-reply.c - libFuzzer target: what an LPD server sends back, and the status lines it makes.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Input: 2 bytes job number, 1 byte flags, 1 byte host length, that many host bytes, 2 bytes
// status-line limit, then the server's bytes.  Flags: bit 0 no host, bits 1-3 no owner, no
// title, no size (for the parse of the exact-size copy), bits 1-2 the reply cap, bits 3-7 the
// line buffer size and prefix of the fuzzed-limit status line.  The bytes are
//   - parsed as a queue listing from an exact-size copy (no NUL after it), for the job number and
//     host given;
//   - sent through a socketpair as the reply to a queue query (lpdQuery), then parsed as
//     lprJobRun() parses it;
//   - sent as the reply to a subcommand (lpdReadAck): a non-zero first octet is a NACK whose text
//     is reported as report_failure() reports it;
//   - classified as an acknowledgement (lpdReplyClassify, and lpdReplyClassifyNack on what
//     lpdReadAck kept): the kind fits the first octet, the quote is printable ASCII within its
//     cap, and the worded verdict fits its buffer;
//   - formatted as status-line text at several limits: one line, one '\n', within the limit;
//   - followed by our own job as each server lists it: it must be found whenever the listing
//     still reads as that server's family and no other row fits as well.
// Only a local socketpair is used: no network.

#include "config.h"
#include "lpd-proto.h"
#include "lpd-queue.h"
#include "lpd-reply.h"
#include "status.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PEER_MAX     (80 * 1024)        // bytes the peer sends; more would block the socketpair
#define TIMEOUT_MS   1000               // never reached: the peer has closed before we read

#define FUZZ_NAME "fuzz-reply"
#include "fuzz-common.h"

// 'check_clean()' - No control byte (C0, DEL, C1) and valid UTF-8.
static void
check_clean(const char *s, size_t len, const char *what)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t              i = 0, n;

  while (i < len)
  {
    check(p[i] >= 0x20 && p[i] != 0x7f, what);
    check(!(p[i] == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] < 0xa0), what);
    n = utf8_len(p + i, len - i);
    check(n > 0, what);
    i += n;
  }
}

// 'check_state()' - A parsed snapshot is consistent and its texts clean.
static void
check_state(const lpd_queue_state_t *st, size_t len)
{
  size_t slen;

  check(memchr(st->status, '\0', sizeof(st->status)) != NULL, "queue status not terminated");
  slen = strlen(st->status);
  check_clean(st->status, slen, "queue status has a control byte or invalid UTF-8");
  check(memchr(st->server_id, '\0', sizeof(st->server_id)) != NULL, "server id not terminated");
  check_clean(st->server_id, strlen(st->server_id), "server id has a control byte");
  check(st->jobs >= 0 && (size_t)st->jobs <= len / 3 + 1, "more jobs than lines could hold");
  check(st->family >= LPD_FAMILY_UNKNOWN && st->family <= LPD_FAMILY_ALL_QUEUES,
        "family out of range");
  if (st->family == LPD_FAMILY_UNKNOWN || st->family == LPD_FAMILY_ERROR_REPLY)
    check(!st->understood && !st->found && !st->ambiguous, "a match in no known format");
  if (st->found)
  {
    check(st->rank >= 1 && st->rank <= st->jobs, "rank outside the listed jobs");
    check(!st->ambiguous, "found and ambiguous at once");
    if (st->foreign_ids)
      check(st->how == LPD_MATCH_OWNER_TITLE_SIZE || st->how == LPD_MATCH_OWNER_TITLE,
            "found by number where the numbers are the server's own");
    else
      check(st->how == LPD_MATCH_JOBNUM, "found by owner and title where numbers are ours");
    check(st->foreign_ids || !st->server_id[0], "a server id where the listing shows ours");
  }
  else
    check(st->rank == 0 && !st->active && st->how == LPD_MATCH_NONE && !st->server_id[0],
          "rank, active, way or id without our job");
  if (st->ambiguous)
    check(st->jobs >= 2, "ambiguous with fewer than two rows");
}

// 'peer_pair()' - A socketpair whose peer end has sent data and closed its sending side.
static bool
peer_pair(int sv[2], const uint8_t *data, size_t len, size_t *sent)
{
  ssize_t n;

  *sent = 0;
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    return (false);
  fcntl(sv[1], F_SETFL, O_NONBLOCK);    // what does not fit is simply not sent
  while (*sent < len)
  {
    n = send(sv[1], data + *sent, len - *sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    *sent += (size_t)n;
  }
  shutdown(sv[1], SHUT_WR);
  return (true);
}

// 'check_status()' - Format text as a status line and check it: one '\n', within the limit.
static void
check_status(size_t limit, size_t linesize, const char *prefix, const char *text)
{
  char   line[LPR_STATUS_MAX + 1];
  size_t len, max = limit;

  if (max > linesize - 1)
    max = linesize - 1;
  if (max > LPR_STATUS_MAX)
    max = LPR_STATUS_MAX;
  memset(line, 'x', sizeof(line));
  len = lprStatusFormat(line, linesize, limit, prefix, "%s", text);
  check(len > 0, "lprStatusFormat() made no line");
  check(len <= max, "status line longer than its limit");
  check(line[len] == '\0' && strlen(line) == len, "status line not terminated at its length");
  check(line[len - 1] == '\n', "status line does not end in a newline");
  check(memchr(line, '\n', len - 1) == NULL, "status line has more than one newline");
  check(!strncmp(line, prefix, strlen(prefix)) && line[strlen(prefix)] == ':',
        "status line lost its prefix");
  check_clean(line, len - 1, "status line has a control byte or invalid UTF-8");
}

// 'do_query()' - The bytes as a queue-state reply, parsed as lprJobRun() parses it.
static void
do_query(const uint8_t *data, size_t len, int jobnum, const char *host, size_t max)
{
  int               sv[2];
  size_t            sent;
  lpd_conn_t        c;
  lpr_buf_t         reply;
  lpd_result_t      r;
  lpd_queue_state_t st;
  char              cmd[8];

  if (!peer_pair(sv, data, len, &sent))
    return;
  lpdConnInit(&c, sv[0], NULL, TIMEOUT_MS);
  lprBufInit(&reply, max);
  r = lpdQuery(&c, LPD_CMD_QUEUE_SHORT, "lp", NULL, &reply);
  check(recv(sv[1], cmd, sizeof(cmd), MSG_DONTWAIT) == 4 && !memcmp(cmd, "\003lp\n", 4),
        "lpdQuery() sent a bad command");
  if (sent <= max)
    check(r == LPD_OK && reply.len == sent, "lpdQuery() lost reply bytes");
  else
    check(r == LPD_TOO_BIG && reply.len == max, "lpdQuery() did not cut at the cap");
  check(!reply.len || !memcmp(reply.data, data, reply.len), "lpdQuery() changed reply bytes");
  if ((r == LPD_OK || r == LPD_TOO_BIG) && reply.data)
  {
    lpd_queue_match_t want = { jobnum, host, "alice", "report.txt", NULL, "lp", 1234 };

    lpdQueueParse(reply.data, reply.len, &want, &st);
    check_state(&st, reply.len);
  }
  lprBufFree(&reply);
  lpdConnClose(&c);
  close(sv[1]);
}

// 'do_ack()' - The bytes as a subcommand reply: ack, or NACK code and text, then the ERROR line.
static void
do_ack(const uint8_t *data, size_t len, size_t limit)
{
  int          sv[2];
  size_t       sent, want;
  lpd_conn_t   c;
  lpd_result_t r;
  char         text[300], msg[2048];
  int          n;

  if (!peer_pair(sv, data, len, &sent))
    return;
  lpdConnInit(&c, sv[0], NULL, TIMEOUT_MS);
  c.step = LPD_STEP_DATA_END;
  r = lpdReadAck(&c);
  if (sent == 0)
    check(r == LPD_CLOSED, "no reply is not LPD_CLOSED");
  else if (data[0] == 0)
    check(r == LPD_OK, "a zero octet is not an ack");
  else
  {
    want = sent - 1 < sizeof(c.text) - 1 ? sent - 1 : sizeof(c.text) - 1;
    check(r == LPD_NACK && c.code == data[0], "a non-zero octet is not a NACK with its code");
    check(c.textlen == want && c.text[c.textlen] == '\0' && !memcmp(c.text, data + 1, want),
          "NACK text is not the bytes that followed, cut at LPD_NACK_TEXT_MAX");

    // As report_failure() words it.
    lprTextClean(text, sizeof(text), c.text, c.textlen);
    check_clean(text, strlen(text), "cleaned NACK text has a control byte or invalid UTF-8");
    n = snprintf(msg, sizeof(msg), "lpr://printer.example/lp refused %s (code %d: \"%s\")",
                 lpdStepName(c.step), c.code, text);
    check(n > 0 && (size_t)n < sizeof(msg), "report message too long for the test");
    check_status(limit, LPR_STATUS_MAX + 1, "ERROR", msg);
  }
  lpdConnClose(&c);
  close(sv[1]);
}

// 'check_reply()' - The bytes as an acknowledgement: kind, quote and verdict are sound.
static void
check_reply(const uint8_t *data, size_t len, size_t limit)
{
  lpd_reply_t r, n;
  char        msg[600];
  size_t      mlen;

  lpdReplyClassify(data, len, &r);
  check(r.len == len, "classified length is not the input's");
  if (len == 0)
    check(r.kind == LPD_REPLY_NONE, "no byte is not NONE");
  else if (data[0] == 0)
    check(r.kind == LPD_REPLY_ACK, "a zero octet is not an ack");
  else
    check(r.kind != LPD_REPLY_ACK && r.kind != LPD_REPLY_NONE, "a non-zero octet taken for an ack");
  if (r.kind == LPD_REPLY_NACK)
    check(data[0] < 0x20, "a printable first octet taken for a NACK code");
  if (r.kind == LPD_REPLY_BINARY)
    check(r.quote[0] == '\0', "binary junk quoted");
  check(strlen(r.quote) <= LPD_REPLY_QUOTE_MAX, "quote longer than its cap");
  for (const char *q = r.quote; *q; q ++)
    check(*q >= 0x20 && *q < 0x7f, "quote is not printable ASCII");
  mlen = lpdReplyFormat(&r, "127.0.0.1:515", "the receive-job command", msg, sizeof(msg));
  check(mlen == strlen(msg) && mlen < sizeof(msg), "verdict length wrong");
  check_clean(msg, mlen, "verdict has a control byte");
  check_status(limit, LPR_STATUS_MAX + 1, "ERROR", msg);
  mlen = lpdReplyFormat(&r, NULL, NULL, msg, 17);
  check(mlen == strlen(msg) && mlen <= 16, "verdict not cut to a small buffer");

  // What lpdReadAck() keeps of a NACK: the code, then up to LPD_NACK_TEXT_MAX - 1 bytes.
  if (len && data[0])
  {
    size_t tl = len - 1 < LPD_NACK_TEXT_MAX - 1 ? len - 1 : LPD_NACK_TEXT_MAX - 1;

    lpdReplyClassifyNack(data[0], (const char *)data + 1, tl, &n);
    check(n.kind != LPD_REPLY_ACK && n.kind != LPD_REPLY_NONE && n.len == tl + 1,
          "a NACK's code and text classified differently from its bytes");
    if (len <= 512)
      check(n.kind == r.kind && !strcmp(n.quote, r.quote), "classification depends on the path");
  }
}

// 'own_row()' - Our own job in one server's shape; the family that shape reads as.
static int
own_row(int shape, char *row, size_t size, int jobnum, const char *host, lpd_family_t *family)
{
  switch (shape)
  {
    case 0 :                            // BSD lpd short, owner written user@host
        *family = LPD_FAMILY_BSD;
        return (snprintf(row, size, "active  alice@%s  %d  report.txt  1234 bytes\n", host,
                         jobnum));
    case 1 :                            // BSD lpd long
        *family = LPD_FAMILY_BSD;
        return (snprintf(row, size, "alice: 1st      [job %03d%s]\n", jobnum, host));
    case 2 :                            // cups-lpd long: its own id, size in KiB
        *family = LPD_FAMILY_CUPS_LPD;
        return (snprintf(row, size, "alice: 1st      [job 77 %s]\n        report.txt  2048 "
                         "bytes\n", host));
    case 3 :                            // Windows LPD Service
        *family = LPD_FAMILY_WINDOWS;
        return (snprintf(row, size, "\nOwner       Status         Jobname          Job-Id    Size"
                         "   Pages  Priority\n-----\nalice (10.0 Waiting   report.txt         "
                         "     77      1234      1      1\n"));
    default :                           // LPRng
        *family = LPD_FAMILY_LPRNG;
        return (snprintf(row, size, "1  alice@%s+%d  A  %d report.txt  1234 12:00:01\n", host,
                         jobnum, jobnum));
  }
}

// 'check_own_rows()' - Our own job, listed in each server's shape, is found: alone always;
//                      after arbitrary lines whenever the listing still reads as that family
//                      and no other row fits as well.
//
// The job number and host are what lprJobSetup() makes: 0-999 and an lpdSanitizeHost() name.
static void
check_own_rows(const uint8_t *junk, size_t junklen, int rawjob, const char *rawhost)
{
  char              host[LPD_HOST_MAX + 1], row[512];
  int               jobnum = ((rawjob % 1000) + 1000) % 1000, n;
  lpd_queue_state_t st;
  lpd_family_t      family;
  char              *text;

  lpdSanitizeHost(host, sizeof(host), rawhost);
  for (int i = 0; i < 5; i ++)
  {
    lpd_queue_match_t want = { jobnum, host, "alice", "report.txt", "report.txt", "lp",
                               i == 2 ? 2000 : 1234 };

    n = own_row(i, row, sizeof(row), jobnum, host, &family);
    check(n > 0 && (size_t)n < sizeof(row), "own row does not fit");
    lpdQueueParse(row, (size_t)n, &want, &st);
    check_state(&st, (size_t)n);
    if (!st.found || st.family != family || !st.understood)
    {
      fprintf(stderr, "fuzz-reply: job %d host \"%s\" not found alone in: %s", jobnum, host, row);
      check(false, "our own job, listed alone as a server lists it, was not found");
    }
    // Arbitrary lines first (ended by a newline), then our row, in an exact-size buffer.
    if ((text = malloc(junklen + 1 + (size_t)n)) == NULL)
      abort();
    if (junklen)
      memcpy(text, junk, junklen);
    text[junklen] = '\n';
    memcpy(text + junklen + 1, row, (size_t)n);
    lpdQueueParse(text, junklen + 1 + (size_t)n, &want, &st);
    check_state(&st, junklen + 1 + (size_t)n);
    if (st.family == family && !st.ambiguous && !st.found)
    {
      fprintf(stderr, "fuzz-reply: job %d host \"%s\" not found in row: %s", jobnum, host, row);
      check(false, "our own job, listed as a server lists it, was not found");
    }
    free(text);
  }
}

// 'check_ascii()' - Outside text as charset=ascii writes it: printable 7-bit, within size.
static void
check_ascii(const uint8_t *data, size_t len, size_t size)
{
  char   out[300];
  size_t n;

  n = lprTextAscii(out, size, (const char *)data, len);
  check(n < size && out[n] == '\0' && strlen(out) == n, "lprTextAscii() length wrong");
  for (size_t i = 0; i < n; i ++)
    check(out[i] >= 0x20 && out[i] < 0x7f, "lprTextAscii() wrote a byte that is not 7-bit text");
}

// 'LLVMFuzzerTestOneInput()' - One server reply through the parser, the socket reads and the
//                              status writer.
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char   * const prefixes[] = { "INFO", "ERROR", "DEBUG", "STATE", "WARNING" };
  static const size_t limits[] = { LPR_STATUS_MIN, 80, 255, LPR_STATUS_DEFAULT_MAX,
                                   LPR_STATUS_MAX, LPR_STATUS_MAX + 100 };
  static const size_t maxes[] = { LPD_QUEUE_LISTING_MAX, 4096, 256, 64 };
  lpd_queue_state_t   st;
  const uint8_t       *p = data, *end = data + size;
  char                host[256], *text;
  int                 jobnum = 0, flags = 0;
  size_t              hlen = 0, len, limit = LPR_STATUS_MIN, linesize;

  if (end - p >= 2)
  {
    jobnum = (int16_t)(p[0] | p[1] << 8);
    p += 2;
  }
  if (p < end)
    flags = *p ++;
  if (p < end)
    hlen = *p ++;
  if (hlen > (size_t)(end - p))
    hlen = (size_t)(end - p);
  memcpy(host, p, hlen);
  host[hlen] = '\0';
  p += hlen;
  if (end - p >= 2)
  {
    // Any limit lprStatusInit() can set, and a bit past it (lprStatusFormat() clamps).
    limit = LPR_STATUS_MIN + (size_t)(p[0] | p[1] << 8) % (LPR_STATUS_MAX + 200 - LPR_STATUS_MIN);
    p += 2;
  }
  len = (size_t)(end - p);

  // The listing from an exact-size copy, so a read past its end is caught.
  if ((text = malloc(len ? len : 1)) == NULL)
    abort();
  if (len)
    memcpy(text, p, len);
  {
    lpd_queue_match_t want = { jobnum, (flags & 1) ? NULL : host, (flags & 2) ? NULL : "alice",
                               (flags & 4) ? NULL : "report.txt", NULL, "lp",
                               (flags & 8) ? 0 : 1234 };

    lpdQueueParse(text, len, &want, &st);
  }
  check_state(&st, len);
  free(text);
  check_own_rows(p, len > 512 ? 512 : len, jobnum, host);

  do_query(p, len < PEER_MAX ? len : PEER_MAX, jobnum, (flags & 1) ? NULL : host,
           maxes[(size_t)(flags >> 1) % (sizeof(maxes) / sizeof(maxes[0]))]);
  do_ack(p, len < PEER_MAX ? len : PEER_MAX, limit);
  check_reply(p, len, limit);

  // The raw bytes (up to the first NUL) as status text: fixed limits, and the fuzzed one with a
  // line buffer that may be smaller than the limit.
  if ((text = malloc(len + 1)) == NULL)
    abort();
  memcpy(text, p, len);
  text[len] = '\0';
  for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i ++)
    check_status(limits[i], LPR_STATUS_MAX + 1, prefixes[i % 5], text);
  linesize = LPR_STATUS_MIN + 1 + (size_t)(flags >> 3) * 128;
  check_status(limit, linesize > LPR_STATUS_MAX + 1 ? LPR_STATUS_MAX + 1 : linesize,
               prefixes[(flags >> 5) % 5], text);
  check_status(limit, LPR_STATUS_MAX + 1, "INFO", st.status);
  check_ascii(p, len, 1 + (size_t)flags);

  free(text);
  return (0);
}
