// options.c - device URI, URI options, job options and PPD choices into one options struct.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// The URI options are those of the CUPS lpd backend, with the same meaning and defaults, plus
// our own.  Unlike the lpd backend, a bad name or value is an error, never silently ignored.

#include "config.h"
#include "options.h"

#include <cups/cups.h>
#include <ctype.h>
#include <errno.h>
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

// 'lprSetOption()' - Set one option by name; false with a message for an unknown name or value.
bool
lprSetOption(lpr_options_t *o, const char *name, const char *value, const char *source,
             char *err, size_t errsize)
{
  bool ok = true;

  if (!strcasecmp(name, "banner"))
    ok = parse_bool(value, &o->banner);
  else if (!strcasecmp(name, "format"))
  {
    ok = strlen(value) == 1 && strchr("cdfglnoprtv", value[0]);
    if (ok)
      o->format = value[0];
  }
  else if (!strcasecmp(name, "mode") || !strcasecmp(name, "lpr-mode"))
  {
    if (!strcasecmp(value, "immediate") || !strcasecmp(value, "stream"))
      o->mode = LPR_MODE_IMMEDIATE;
    else if (!strcasecmp(value, "spooled") || !strcasecmp(value, "standard"))
      o->mode = LPR_MODE_SPOOLED;
    else if (!strcasecmp(value, "auto"))
      o->mode = LPR_MODE_AUTO;
    else
      ok = false;
    if (ok)
      o->mode_source = source;
  }
  else if (!strcasecmp(name, "order"))
  {
    if (!strcasecmp(value, "control,data"))
      o->data_first = false;
    else if (!strcasecmp(value, "data,control"))
      o->data_first = true;
    else
      ok = false;
  }
  else if (!strcasecmp(name, "reserve"))
  {
    bool b;

    if (!strcasecmp(value, "rfc1179"))
      o->reserve = LPR_RESERVE_RFC1179;
    else if (!strcasecmp(value, "any"))
      o->reserve = LPR_RESERVE_ANY;
    else if (!strcasecmp(value, "none"))
      o->reserve = LPR_RESERVE_NONE;
    else if (parse_bool(value, &b))     // as in the lpd backend: yes means RFC 1179 ports
      o->reserve = b ? LPR_RESERVE_RFC1179 : LPR_RESERVE_NONE;
    else
      ok = false;
  }
  else if (!strcasecmp(name, "manual_copies"))
    ok = parse_bool(value, &o->manual_copies);
  else if (!strcasecmp(name, "sanitize_title"))
    ok = parse_bool(value, &o->sanitize_title);
  else if (!strcasecmp(name, "snmp"))
    ok = parse_bool(value, &o->snmp);
  else if (!strcasecmp(name, "snmp-port"))
    ok = lprParseInt(value, 1, 65535, &o->snmp_port);
  else if (!strcasecmp(name, "timeout"))
    ok = lprParseInt(value, 1, 24 * 60 * 60, &o->timeout);
  else if (!strcasecmp(name, "contimeout"))
    ok = lprParseInt(value, 1, 30 * 24 * 60 * 60, &o->contimeout);
  else if (!strcasecmp(name, "waitjob"))
    ok = parse_bool(value, &o->waitjob);
  else if (!strcasecmp(name, "polltime"))
    ok = lprParseInt(value, 1, 3600, &o->polltime);
  else if (!strcasecmp(name, "community"))
  {
    ok = *value && strlen(value) < sizeof(o->community);
    for (const char *p = value; ok && *p; p ++)
      ok = isprint((unsigned char)*p);
    if (ok)
      snprintf(o->community, sizeof(o->community), "%s", value);
  }
  else
  {
    snprintf(err, errsize, "unknown option \"%.64s\" in the %s", name, source);
    return (false);
  }
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

// 'lprParseURI()' - Split lpr://[user@]host[:port]/queue[?opt=val&...] and apply the options.
bool
lprParseURI(const char *uri, lpr_uri_t *u, lpr_options_t *o, char *err, size_t errsize)
{
  char           scheme[32], resource[1024], *query, *opt, *next;
  http_uri_status_t st;

  memset(u, 0, sizeof(*u));
  // Decode user and host, but not the resource: a %3F in the queue name is not a '?'.
  st = httpSeparateURI(HTTP_URI_CODING_USERNAME | HTTP_URI_CODING_HOSTNAME, uri, scheme,
                       sizeof(scheme), u->user, sizeof(u->user), u->host, sizeof(u->host),
                       &u->port, resource, sizeof(resource));
  if (st < HTTP_URI_STATUS_OK)
  {
    snprintf(err, errsize, "bad device URI \"%.200s\" (%s)", uri, httpURIStatusString(st));
    return (false);
  }
  if (!u->host[0])
  {
    snprintf(err, errsize, "no host name in device URI \"%.200s\"", uri);
    return (false);
  }
  if (strlen(u->host) > 253)
  {
    snprintf(err, errsize, "host name too long in device URI (%zu bytes)", strlen(u->host));
    return (false);
  }
  if (u->port == 0)
    u->port = 515;
  if (u->port < 1 || u->port > 65535)
  {
    snprintf(err, errsize, "bad port %d in device URI", u->port);
    return (false);
  }

  if ((query = strchr(resource, '?')) != NULL)
    *query ++ = '\0';
  {
    const char *q = resource[0] == '/' ? resource + 1 : resource;

    if (strlen(q) >= sizeof(u->queue))
    {
      snprintf(err, errsize, "queue name too long in device URI");
      return (false);
    }
    snprintf(u->queue, sizeof(u->queue), "%s", q);
  }
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

  // Options: name=value pairs separated by '&' or '+', as the lpd backend reads them.
  for (opt = query; opt && *opt; opt = next)
  {
    char *value;

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
