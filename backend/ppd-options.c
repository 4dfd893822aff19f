// ppd-options.c - the queue's PPD choices for our options (printer setup in CUPS).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Precedence: job option (lpr-mode=...) > PPD choice (the queue's default, or the job's
// -o LprMode=...) > URI option.  The PPD API is marked deprecated in CUPS 2.x, but it is the
// only public way for a backend to read the queue's PPD choices, so its warnings are silenced
// in this file only.

#include "config.h"
#include "options.h"

#include <cups/cups.h>
#include <cups/ppd.h>
#include <stdio.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

typedef struct ppd_map_s                // one PPD option and the backend option it sets
{
  const char *keyword;                  // PPD main keyword
  const char *option;                   // our option name
  const char *choices[4][2];            // PPD choice -> option value
} ppd_map_t;

static const ppd_map_t ppd_map[] =
{
  { "LprMode", "mode", { { "Auto", "auto" }, { "Immediate", "immediate" },
                         { "Spooled", "spooled" }, { NULL, NULL } } },
  { "LprBanner", "banner", { { "True", "on" }, { "False", "off" }, { NULL, NULL } } },
  { "LprOrder", "order", { { "ControlFirst", "control,data" }, { "DataFirst", "data,control" },
                           { NULL, NULL } } },
  { "LprWaitJob", "waitjob", { { "True", "yes" }, { "False", "no" }, { NULL, NULL } } },
  { "LprFormat", "format", { { NULL, NULL } } },   // choices are the letters themselves
};

// 'lprParsePPDOptions()' - Apply the marked PPD choices (defaults, then the job's own).
//
// Returns false with a message when the PPD names a choice we do not know; a missing PPD or a
// PPD without our options changes nothing.
bool
lprParsePPDOptions(const char *ppdfile, const char *argv5, lpr_options_t *o, char *err,
                   size_t errsize)
{
  ppd_file_t    *ppd;
  cups_option_t *opts = NULL;
  int           n;
  bool          ok = true;

  if (!ppdfile || !*ppdfile || (ppd = ppdOpenFile(ppdfile)) == NULL)
    return (true);
  ppdMarkDefaults(ppd);
  n = cupsParseOptions(argv5 ? argv5 : "", 0, &opts);
  cupsMarkOptions(ppd, n, opts);
  cupsFreeOptions(n, opts);

  for (size_t i = 0; ok && i < sizeof(ppd_map) / sizeof(ppd_map[0]); i ++)
  {
    ppd_choice_t *c = ppdFindMarkedChoice(ppd, ppd_map[i].keyword);
    const char   *value = NULL;

    if (!c)
      continue;
    if (!ppd_map[i].choices[0][0])
      value = c->choice;
    for (int j = 0; !value && ppd_map[i].choices[j][0]; j ++)
      if (!strcmp(c->choice, ppd_map[i].choices[j][0]))
        value = ppd_map[i].choices[j][1];
    if (!value)
    {
      snprintf(err, errsize, "unknown choice \"%.40s\" for %s in the PPD", c->choice,
               ppd_map[i].keyword);
      ok = false;
    }
    else
      ok = lprSetOption(o, ppd_map[i].option, value, "PPD", err, errsize);
  }
  ppdClose(ppd);
  return (ok);
}
