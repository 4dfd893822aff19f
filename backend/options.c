// options.c - device URI, URI options, job options and PPD choices into one options struct.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// The URI options are those of the CUPS lpd backend, with the same meaning and defaults, plus
// our own.  Unlike the lpd backend, a bad name or value is an error, never silently ignored.

#include "config.h"
#include "options.h"
#include "lpd-job.h"

#include <cups/cups.h>
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

// 'lprOptionsDefaults()' - The CUPS lpd backend's defaults, and ours.
void
lprOptionsDefaults(lpr_options_t *o)
{
  memset(o, 0, sizeof(*o));
  o->mode           = LPR_MODE_AUTO;
  o->mode_source    = "default";
  o->banner         = false;
  o->format         = 'l';
  o->data_first     = false;
  o->reserve        = LPR_RESERVE_ANY;
  o->manual_copies  = true;
  o->sanitize_title = true;
  o->charset        = LPR_CHARSET_UTF8;
  o->snmp           = true;
  o->snmp_port      = 161;
  o->timeout        = 300;
  o->contimeout     = 7 * 24 * 60 * 60;
  o->waitjob        = false;
  o->polltime       = 5;
  snprintf(o->community, sizeof(o->community), "public");
}

// 'lprModeName()' - The name of a mode.
const char *
lprModeName(lpr_mode_t mode)
{
  return (mode == LPR_MODE_IMMEDIATE ? "immediate" : mode == LPR_MODE_SPOOLED ? "spooled"
                                                                             : "auto");
}

// 'parse_bool()' - on/yes/true (or empty) and off/no/false; anything else is an error.
static bool
parse_bool(const char *value, bool *out)
{
  if (!*value || !strcasecmp(value, "on") || !strcasecmp(value, "yes") ||
      !strcasecmp(value, "true"))
    *out = true;
  else if (!strcasecmp(value, "off") || !strcasecmp(value, "no") ||
           !strcasecmp(value, "false"))
    *out = false;
  else
    return (false);
  return (true);
}

// 'lprParseInt()' - A decimal integer within [min, max], nothing else around it.
bool
lprParseInt(const char *value, long min, long max, int *out)
{
  char *end;
  long v;

  errno = 0;
  v = strtol(value, &end, 10);
  if (errno || end == value || *end || v < min || v > max)
    return (false);
  *out = (int)v;
  return (true);
}

// 'set_format()' - format=LETTER: an RFC 1179 print letter (section 7).
static bool
set_format(lpr_options_t *o, const char *value, const char *source)
{
  (void)source;
  if (strlen(value) != 1 || !strchr("cdfglnoprtv", value[0]))
    return (false);
  o->format = value[0];
  return (true);
}

// 'set_mode()' - mode=auto|immediate|spooled (and the lpd backend's stream/standard).
static bool
set_mode(lpr_options_t *o, const char *value, const char *source)
{
  if (!strcasecmp(value, "immediate") || !strcasecmp(value, "stream"))
    o->mode = LPR_MODE_IMMEDIATE;
  else if (!strcasecmp(value, "spooled") || !strcasecmp(value, "standard"))
    o->mode = LPR_MODE_SPOOLED;
  else if (!strcasecmp(value, "auto"))
    o->mode = LPR_MODE_AUTO;
  else
    return (false);
  o->mode_source = source;
  return (true);
}

// 'set_order()' - order=control,data|data,control.
static bool
set_order(lpr_options_t *o, const char *value, const char *source)
{
  (void)source;
  if (!strcasecmp(value, "control,data"))
    o->data_first = false;
  else if (!strcasecmp(value, "data,control"))
    o->data_first = true;
  else
    return (false);
  return (true);
}

// 'set_reserve()' - reserve=rfc1179|any|none, or a boolean as in the lpd backend.
static bool
set_reserve(lpr_options_t *o, const char *value, const char *source)
{
  bool b;

  (void)source;
  if (!strcasecmp(value, "rfc1179"))
    o->reserve = LPR_RESERVE_RFC1179;
  else if (!strcasecmp(value, "any"))
    o->reserve = LPR_RESERVE_ANY;
  else if (!strcasecmp(value, "none"))
    o->reserve = LPR_RESERVE_NONE;
  else if (parse_bool(value, &b))       // as in the lpd backend: yes means RFC 1179 ports
    o->reserve = b ? LPR_RESERVE_RFC1179 : LPR_RESERVE_NONE;
  else
    return (false);
  return (true);
}

// 'set_community()' - community=NAME: printable, non-empty, fits.
static bool
set_community(lpr_options_t *o, const char *value, const char *source)
{
  (void)source;
  if (!*value || strlen(value) >= sizeof(o->community))
    return (false);
  for (const char *p = value; *p; p ++)
    if (!isprint((unsigned char)*p))
      return (false);
  snprintf(o->community, sizeof(o->community), "%s", value);
  return (true);
}

// 'set_charset()' - charset=utf-8|ascii: the control file's text (J, N, T, L, C lines).
static bool
set_charset(lpr_options_t *o, const char *value, const char *source)
{
  (void)source;
  if (!strcasecmp(value, "utf-8") || !strcasecmp(value, "utf8"))
    o->charset = LPR_CHARSET_UTF8;
  else if (!strcasecmp(value, "ascii") || !strcasecmp(value, "us-ascii"))
    o->charset = LPR_CHARSET_ASCII;
  else
    return (false);
  return (true);
}

typedef enum option_kind_e              // how an option's value is read
{
  OPTION_BOOL,                          // parse_bool() into a bool member
  OPTION_INT,                           // lprParseInt() within [min, max] into an int member
  OPTION_FUNC                           // its own setter
} option_kind_t;

typedef struct option_s                 // one option: name, kind, where it goes
{
  const char    *name;
  option_kind_t kind;
  size_t        offset;                 // of the member (BOOL, INT)
  long          min, max;               // INT range
  bool          (*set)(lpr_options_t *o, const char *value, const char *source);
} option_t;

#define OPT_BOOL(n, m)          { n, OPTION_BOOL, offsetof(lpr_options_t, m), 0, 0, NULL }
#define OPT_INT(n, m, lo, hi)   { n, OPTION_INT, offsetof(lpr_options_t, m), lo, hi, NULL }
#define OPT_FUNC(n, f)          { n, OPTION_FUNC, 0, 0, 0, f }

static const option_t options[] =
{
  OPT_BOOL("banner", banner),
  OPT_FUNC("format", set_format),
  OPT_FUNC("mode", set_mode),
  OPT_FUNC("lpr-mode", set_mode),
  OPT_FUNC("order", set_order),
  OPT_FUNC("reserve", set_reserve),
  OPT_BOOL("manual_copies", manual_copies),
  OPT_BOOL("sanitize_title", sanitize_title),
  OPT_FUNC("charset", set_charset),
  OPT_BOOL("snmp", snmp),
  OPT_INT("snmp-port", snmp_port, 1, 65535),
  OPT_INT("timeout", timeout, 1, 24 * 60 * 60),
  OPT_INT("contimeout", contimeout, 1, 30 * 24 * 60 * 60),
  OPT_BOOL("waitjob", waitjob),
  OPT_INT("polltime", polltime, 1, 3600),
  OPT_FUNC("community", set_community),
};

// 'lprSetOption()' - Set one option by name; false with a message for an unknown name or value.
bool
lprSetOption(lpr_options_t *o, const char *name, const char *value, const char *source,
             char *err, size_t errsize)
{
  const option_t *opt = NULL;
  bool           ok;

  for (size_t i = 0; !opt && i < sizeof(options) / sizeof(options[0]); i ++)
    if (!strcasecmp(name, options[i].name))
      opt = options + i;
  if (!opt)
  {
    snprintf(err, errsize, "unknown option \"%.64s\" in the %s", name, source);
    return (false);
  }
  if (opt->kind == OPTION_BOOL)
    ok = parse_bool(value, (bool *)((char *)o + opt->offset));
  else if (opt->kind == OPTION_INT)
    ok = lprParseInt(value, opt->min, opt->max, (int *)((char *)o + opt->offset));
  else
    ok = opt->set(o, value, source);
  if (!ok)
    snprintf(err, errsize, "bad value \"%.64s\" for option \"%.64s\" in the %s", value, name,
             source);
  return (ok);
}

// 'hexval()' - Value of a hex digit, or -1.
static int
hexval(int ch)
{
  if (ch >= '0' && ch <= '9')
    return (ch - '0');
  if (ch >= 'a' && ch <= 'f')
    return (ch - 'a' + 10);
  if (ch >= 'A' && ch <= 'F')
    return (ch - 'A' + 10);
  return (-1);
}

// 'percent_decode()' - Decode %XX in place; false for a bad escape or an encoded NUL.
static bool
percent_decode(char *s)
{
  char *out = s;

  for (; *s; s ++)
  {
    if (*s == '%')
    {
      int hi = hexval(s[1]), lo = hi >= 0 ? hexval(s[2]) : -1;

      if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
        return (false);
      *out ++ = (char)(hi * 16 + lo);
      s += 2;
    }
    else
      *out ++ = *s;
  }
  *out = '\0';
  return (true);
}

// 'split_uri()' - Scheme, user, host and port of the URI; its resource, still encoded.
static bool
split_uri(const char *uri, lpr_uri_t *u, char *resource, size_t rsize, char *err,
          size_t errsize)
{
  char              scheme[32];
  http_uri_status_t st;

  // Decode user and host, but not the resource: a %3F in the queue name is not a '?'.
  st = httpSeparateURI(HTTP_URI_CODING_USERNAME | HTTP_URI_CODING_HOSTNAME, uri, scheme,
                       sizeof(scheme), u->user, sizeof(u->user), u->host, sizeof(u->host),
                       &u->port, resource, (int)rsize);
  if (st < HTTP_URI_STATUS_OK)
    snprintf(err, errsize, "bad device URI \"%.200s\" (%s)", uri, httpURIStatusString(st));
  else if (!u->host[0])
    snprintf(err, errsize, "no host name in device URI \"%.200s\"", uri);
  else if (strlen(u->host) > 253)
    snprintf(err, errsize, "host name too long in device URI (%zu bytes)", strlen(u->host));
  else
  {
    if (u->port == 0)
      u->port = 515;
    if (u->port >= 1 && u->port <= 65535)
      return (true);
    snprintf(err, errsize, "bad port %d in device URI", u->port);
  }
  return (false);
}

// 'set_queue()' - The queue name from the resource path (before any '?'), percent-decoded.
//
// Any printable character but a space may be in it: '=' too (Ricoh carries device options in
// the queue name, lpr://host/filetype=RPS), and an encoded %3F or %2F stays a '?' or '/'.
static bool
set_queue(lpr_uri_t *u, const char *path, char *err, size_t errsize)
{
  const char *q = path[0] == '/' ? path + 1 : path;

  if (strlen(q) >= sizeof(u->queue))
  {
    snprintf(err, errsize, "queue name too long in device URI");
    return (false);
  }
  snprintf(u->queue, sizeof(u->queue), "%s", q);
  if (!percent_decode(u->queue))
  {
    snprintf(err, errsize, "bad percent-encoding in the queue name of the device URI");
    return (false);
  }
  if (!u->queue[0])
  {
    snprintf(err, errsize, "no queue name in device URI (lpr://host/QUEUE)");
    return (false);
  }
  for (const unsigned char *p = (const unsigned char *)u->queue; *p; p ++)
    if (*p <= ' ' || *p == 0x7f)
    {
      snprintf(err, errsize, "the queue name in the device URI has a space or control "
               "character");
      return (false);
    }
  return (true);
}

// 'apply_query()' - The URI's options: name=value pairs separated by '&' or '+', as the lpd
//                   backend reads them; the first '=' ends the name.
static bool
apply_query(char *query, lpr_options_t *o, char *err, size_t errsize)
{
  char *opt, *next, *value;

  for (opt = query; opt && *opt; opt = next)
  {
    next = opt + strcspn(opt, "&+");
    if (*next)
      *next ++ = '\0';
    if (!*opt)
      continue;
    if ((value = strchr(opt, '=')) != NULL)
      *value ++ = '\0';
    else
      value = opt + strlen(opt);
    if (!percent_decode(value))
    {
      snprintf(err, errsize, "bad percent-encoding in option \"%.64s\" of the device URI", opt);
      return (false);
    }
    if (!lprSetOption(o, opt, value, "URI", err, errsize))
      return (false);
  }
  return (true);
}

// 'lprParseURI()' - Split lpr://[user@]host[:port]/queue[?opt=val&...] and apply the options.
bool
lprParseURI(const char *uri, lpr_uri_t *u, lpr_options_t *o, char *err, size_t errsize)
{
  char resource[1024], *query;

  memset(u, 0, sizeof(*u));
  if (!split_uri(uri, u, resource, sizeof(resource), err, errsize))
    return (false);
  if ((query = strchr(resource, '?')) != NULL)   // the first '?' starts the options
    *query ++ = '\0';
  return (set_queue(u, resource, err, errsize) && apply_query(query, o, err, errsize));
}

// 'lprParseJobOptions()' - Apply our job options from argv[5] (others belong to CUPS/filters).
bool
lprParseJobOptions(const char *argv5, lpr_options_t *o, char *err, size_t errsize)
{
  static const char * const ours[] = { "lpr-mode", "waitjob", "lpr-waitjob", "polltime" };
  cups_option_t *opts = NULL;
  int           n = cupsParseOptions(argv5 ? argv5 : "", 0, &opts);
  bool          ok = true;

  for (size_t i = 0; ok && i < sizeof(ours) / sizeof(ours[0]); i ++)
  {
    const char *v = cupsGetOption(ours[i], n, opts);

    if (v)
      ok = lprSetOption(o, !strcmp(ours[i], "lpr-waitjob") ? "waitjob" : ours[i], v,
                        "job options", err, errsize);
  }
  if (ok && o->mode_source && !strcmp(o->mode_source, "job options"))
    o->mode_source = "job";
  cupsFreeOptions(n, opts);
  return (ok);
}

// 'lprOptionsApply()' - Where and how, from a parsed URI and its options, into a core job
//                       (every front end: the backend and the printer application).
void
lprOptionsApply(const lpr_uri_t *u, const lpr_options_t *o, lpd_job_t *c)
{
  snprintf(c->host, sizeof(c->host), "%s", u->host);        // both 256 bytes
  snprintf(c->queue, sizeof(c->queue), "%s", u->queue);
  c->port          = u->port;
  c->manual_copies = o->manual_copies;
  c->banner        = o->banner;
  c->format        = o->format;
  c->ascii_only    = o->charset == LPR_CHARSET_ASCII;
  c->mode          = o->mode == LPR_MODE_IMMEDIATE ? LPD_MODE_IMMEDIATE
                   : o->mode == LPR_MODE_SPOOLED ? LPD_MODE_SPOOLED : LPD_MODE_AUTO;
  c->mode_source   = o->mode_source;
  c->data_first    = o->data_first;
  c->reserve       = o->reserve == LPR_RESERVE_NONE ? LPD_RESERVE_NONE
                   : o->reserve == LPR_RESERVE_RFC1179 ? LPD_RESERVE_RFC1179 : LPD_RESERVE_ANY;
  c->timeout       = o->timeout;
  c->contimeout    = o->contimeout;
  c->waitjob       = o->waitjob;
  c->polltime      = o->polltime;
  // Diagnostics an administrator sets with SetEnv (README "How the bytes go out").
  c->zerocopy          = getenv("CUPS_LPR_NO_ZEROCOPY") == NULL;
  c->sendfile_loopback = getenv("CUPS_LPR_SENDFILE_LOOPBACK") != NULL;
  c->mmap_loopback     = getenv("CUPS_LPR_MMAP_LOOPBACK") != NULL;
}
