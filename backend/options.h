// options.h - device URI, URI options, job options and PPD choices into one options struct.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#ifndef LPR_OPTIONS_H
#define LPR_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum lpr_mode_e
{
  LPR_MODE_AUTO,                        // exact count, no temp file where avoidable
  LPR_MODE_IMMEDIATE,                   // send while the filters still produce data
  LPR_MODE_SPOOLED                      // copy the whole job first, then send its size
} lpr_mode_t;

typedef enum lpr_reserve_e
{
  LPR_RESERVE_NONE,                     // any source port
  LPR_RESERVE_RFC1179,                  // 721-731
  LPR_RESERVE_ANY                       // 512-1023
} lpr_reserve_t;

typedef enum lpr_charset_e
{
  LPR_CHARSET_UTF8,                     // control-file text as UTF-8 (cleaned), the default
  LPR_CHARSET_ASCII                     // 7-bit only: for network cards that fail on 8-bit
} lpr_charset_t;

typedef struct lpr_options_s
{
  lpr_mode_t    mode;
  const char    *mode_source;           // "default", "URI", "PPD" or "job": who set the mode
  bool          banner;
  char          format;                 // RFC 1179 print letter
  bool          data_first;             // order=data,control
  lpr_reserve_t reserve;
  bool          manual_copies;
  bool          sanitize_title;
  lpr_charset_t charset;                // J/N/T/L/C text: UTF-8 or 7-bit ASCII
  bool          snmp;                   // ask the printer's SNMP agent (supplies, state)
  int           snmp_port;              // its UDP port
  int           timeout;                // seconds: any network wait
  int           contimeout;             // seconds: keep trying to connect this long
  bool          waitjob;                // wait until the job left the remote queue
  int           polltime;               // seconds between remote queue polls
  char          community[64];          // SNMP community
} lpr_options_t;

typedef struct lpr_uri_s
{
  char host[256];
  int  port;
  char queue[256];
  char user[256];                       // user@ in the URI, or empty
} lpr_uri_t;

void lprOptionsDefaults(lpr_options_t *o);
bool lprParseURI(const char *uri, lpr_uri_t *u, lpr_options_t *o, char *err, size_t errsize);
bool lprParseJobOptions(const char *argv5, lpr_options_t *o, char *err, size_t errsize);
bool lprParsePPDOptions(const char *ppdfile, const char *argv5, lpr_options_t *o, char *err,
                        size_t errsize);
bool lprParseInt(const char *value, long min, long max, int *out);
bool lprSetOption(lpr_options_t *o, const char *name, const char *value, const char *source,
                  char *err, size_t errsize);
const char *lprModeName(lpr_mode_t mode);

struct lpd_job_s;
void lprOptionsApply(const lpr_uri_t *u, const lpr_options_t *o, struct lpd_job_s *job);

#endif // LPR_OPTIONS_H
