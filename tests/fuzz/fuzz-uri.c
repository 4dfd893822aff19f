// fuzz-uri.c - libFuzzer target: device URI, URI options and job options (argv[5]) parsing.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Input: the device URI, a NUL byte, then the job options string (argv[5]).  Without a NUL the
// whole input is the URI and the job options are empty.  Whatever the parsers accept must obey
// the limits the rest of the backend relies on; whatever they refuse must come with a message.

#include "config.h"
#include "lpd-proto.h"
#include "options.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERR_SIZE 256                    // as lpr.c's message buffer

// 'check()' - Abort with a message when an invariant does not hold.
static void
check(bool ok, const char *what)
{
  if (!ok)
  {
    fprintf(stderr, "fuzz-uri: invariant failed: %s\n", what);
    abort();
  }
}

// 'check_string()' - A fixed-size field must be NUL-terminated within its array.
static void
check_string(const char *s, size_t size, const char *what)
{
  check(memchr(s, '\0', size) != NULL, what);
}

// 'check_err()' - A refusal carries a message that fits its buffer.
static void
check_err(const char *err)
{
  check(memchr(err, '\0', ERR_SIZE) != NULL, "error message not terminated");
  check(err[0] != '\0', "refused without an error message");
}

// 'check_options()' - Every option is within the range lprSetOption() enforces.
//
// After a refused job option the mode may still say "job options": lpr.c stops there anyway.
static void
check_options(const lpr_options_t *o, bool refused)
{
  check(o->mode == LPR_MODE_AUTO || o->mode == LPR_MODE_IMMEDIATE ||
        o->mode == LPR_MODE_SPOOLED, "mode out of range");
  check(o->mode_source != NULL, "mode source unset");
  check(!strcmp(o->mode_source, "default") || !strcmp(o->mode_source, "URI") ||
        !strcmp(o->mode_source, "job") || (refused && !strcmp(o->mode_source, "job options")),
        "unknown mode source");
  check(o->format != '\0' && strchr("cdfglnoprtv", o->format) != NULL, "bad format letter");
  check(o->charset == LPR_CHARSET_UTF8 || o->charset == LPR_CHARSET_ASCII,
        "charset out of range");
  check(o->reserve == LPR_RESERVE_NONE || o->reserve == LPR_RESERVE_RFC1179 ||
        o->reserve == LPR_RESERVE_ANY, "reserve out of range");
  check(o->timeout >= 1 && o->timeout <= 24 * 60 * 60, "timeout out of range");
  check(o->contimeout >= 1 && o->contimeout <= 30 * 24 * 60 * 60, "contimeout out of range");
  check(o->polltime >= 1 && o->polltime <= 3600, "polltime out of range");
  check_string(o->community, sizeof(o->community), "community not terminated");
  check(o->community[0] != '\0', "empty community");
  for (const unsigned char *p = (const unsigned char *)o->community; *p; p ++)
    check(*p >= 0x20 && *p < 0x7f, "community not printable");
}

// 'check_uri()' - An accepted URI names a host, a port and a queue fit for a command line.
static void
check_uri(const lpr_uri_t *u)
{
  check_string(u->host, sizeof(u->host), "host not terminated");
  check_string(u->queue, sizeof(u->queue), "queue not terminated");
  check_string(u->user, sizeof(u->user), "user not terminated");
  check(u->host[0] != '\0', "empty host accepted");
  check(strlen(u->host) <= 253, "host longer than 253 bytes accepted");
  check(u->port >= 1 && u->port <= 65535, "port out of range");
  check(u->queue[0] != '\0', "empty queue accepted");
  for (const unsigned char *p = (const unsigned char *)u->queue; *p; p ++)
    check(*p > ' ' && *p != 0x7f, "space or control byte in the queue name");
  check(lpdQueueNameValid(u->queue), "accepted queue name fails lpdQueueNameValid()");
}

// 'check_queue_path()' - With a plain host[:port] and no escapes, the queue is the path up to
//                        the first '?', '=' and all (Ricoh: lpr://host/filetype=RPS).
static void
check_queue_path(const char *uri, const lpr_uri_t *u)
{
  const char *host = uri + 6, *slash;
  size_t     hlen, qlen;

  if (strncmp(uri, "lpr://", 6) || strchr(uri, '%') || (slash = strchr(host, '/')) == NULL)
    return;
  hlen = (size_t)(slash - host);
  qlen = strcspn(slash + 1, "?");
  if (hlen && host[0] != ':' && strspn(host, "abcdefghijklmnopqrstuvwxyz0123456789.-:") == hlen)
    check(strlen(u->queue) == qlen && !strncmp(u->queue, slash + 1, qlen),
          "the queue is not the path up to the first '?'");
}

// 'LLVMFuzzerTestOneInput()' - Parse one URI and one job options string.
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char          *uri, *argv5, err[ERR_SIZE];
  const uint8_t *nul = memchr(data, '\0', size);
  size_t        ulen = nul ? (size_t)(nul - data) : size;
  size_t        alen = nul ? size - ulen - 1 : 0;
  lpr_uri_t     u;
  lpr_options_t o, before;
  bool          ok;

  // Exact-size copies, so a read past either string's NUL is caught.
  if ((uri = malloc(ulen + 1)) == NULL || (argv5 = malloc(alen + 1)) == NULL)
  {
    free(uri);
    return (0);
  }
  memcpy(uri, data, ulen);
  uri[ulen] = '\0';
  if (alen)
    memcpy(argv5, nul + 1, alen);
  argv5[alen] = '\0';

  // Device URI, as lpr.c parses it: defaults first, then the URI's options.
  lprOptionsDefaults(&o);
  memset(err, 0, sizeof(err));
  ok = lprParseURI(uri, &u, &o, err, sizeof(err));
  if (ok)
    check_uri(&u);
  else
    check_err(err);
  check_options(&o, !ok);
  if (ok)
    check_queue_path(uri, &u);

  // Job options on top of whatever the URI set.
  before = o;
  memset(err, 0, sizeof(err));
  ok = lprParseJobOptions(argv5, &o, err, sizeof(err));
  if (!ok)
    check_err(err);
  check_options(&o, !ok);
  check(o.community[0] == before.community[0] && o.format == before.format &&
        o.banner == before.banner && o.charset == before.charset,
        "job options changed a URI-only option");

  // The job options string alone, on fresh defaults.
  lprOptionsDefaults(&o);
  memset(err, 0, sizeof(err));
  ok = lprParseJobOptions(argv5, &o, err, sizeof(err));
  if (!ok)
    check_err(err);
  check_options(&o, !ok);

  // The same string as one "name=value" straight into lprSetOption(), as a PPD choice would.
  {
    char *value = strchr(argv5, '=');

    if (value)
      *value ++ = '\0';
    else
      value = argv5 + alen;
    lprOptionsDefaults(&o);
    memset(err, 0, sizeof(err));
    ok = lprSetOption(&o, argv5, value, "PPD", err, sizeof(err));
    if (!ok)
      check_err(err);
    check(!strcmp(o.mode_source, "default") || !strcmp(o.mode_source, "PPD"),
          "lprSetOption() set an unknown mode source");
    if (!strcmp(o.mode_source, "PPD"))
      o.mode_source = "default";
    check_options(&o, !ok);
  }

  free(uri);
  free(argv5);
  return (0);
}
