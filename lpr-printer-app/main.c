// main.c - main() of lpr-printer-app: PAPPL's mainloop (server, add, printers, submit, ...)
//          with LPD queues as IPP Everywhere printers.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Usage: lpr-printer-app SUBCOMMAND [OPTIONS] (see lpr-printer-app(8)); for example
//   lpr-printer-app server -o server-port=8631 -o spool-directory=/var/spool/lpr-printer-app
//   lpr-printer-app add -d office -v 'lpr://printhost/raw?mode=spooled' -m ps

#include "config.h"
#include "app.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

lpra_app_t lpra_app;

#if defined(__SANITIZE_ADDRESS__)
const char *__lsan_default_suppressions(void);

// '__lsan_default_suppressions()' - Leaks inside PAPPL 1.3.1 that are not ours (sanitizer
//                                   builds): papplMainloop() never frees its parsed -o options
//                                   (cupsAddOption, which we never call), and papplSystemDelete()
//                                   does not free the footer HTML.
const char *
__lsan_default_suppressions(void)
{
  return ("leak:cupsAddOption\nleak:papplSystemSetFooterHTML\n");
}
#endif

static const char footer_html[] =
  "lpr-printer-app " PACKAGE_VERSION ": LPD (RFC 1179) queues as IPP Everywhere printers, "
  "delivered by the cups-lpr core.";

// 'log_level()' - PAPPL's log level for a -o log-level= value.
static pappl_loglevel_t
log_level(const char *value)
{
  static const struct { const char *name; pappl_loglevel_t level; } levels[] =
  {
    { "fatal", PAPPL_LOGLEVEL_FATAL }, { "error", PAPPL_LOGLEVEL_ERROR },
    { "warn", PAPPL_LOGLEVEL_WARN }, { "info", PAPPL_LOGLEVEL_INFO },
    { "debug", PAPPL_LOGLEVEL_DEBUG }
  };

  for (size_t i = 0; value && i < sizeof(levels) / sizeof(levels[0]); i ++)
    if (!strcmp(value, levels[i].name))
      return (levels[i].level);
  return (PAPPL_LOGLEVEL_WARN);
}

// 'server_options()' - PAPPL's system options for a -o server-options= list.
static pappl_soptions_t
server_options(const char *value)
{
  static const struct { const char *name; pappl_soptions_t bit; } opts[] =
  {
    { "dnssd-host", PAPPL_SOPTIONS_DNSSD_HOST }, { "web-log", PAPPL_SOPTIONS_WEB_LOG },
    { "web-network", PAPPL_SOPTIONS_WEB_NETWORK }, { "web-remote", PAPPL_SOPTIONS_WEB_REMOTE },
    { "web-security", PAPPL_SOPTIONS_WEB_SECURITY }, { "no-tls", PAPPL_SOPTIONS_NO_TLS },
    { "raw-socket", PAPPL_SOPTIONS_RAW_SOCKET }
  };
  pappl_soptions_t o = PAPPL_SOPTIONS_MULTI_QUEUE | PAPPL_SOPTIONS_WEB_INTERFACE;

  while (value && *value)
  {
    size_t len = strcspn(value, ",");

    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i ++)
      if (strlen(opts[i].name) == len && !strncmp(value, opts[i].name, len))
        o |= opts[i].bit;
    if (len == 16 && !strncmp(value, "no-web-interface", len))
      o &= ~(pappl_soptions_t)PAPPL_SOPTIONS_WEB_INTERFACE;
    value += len;
    if (*value == ',')
      value ++;
  }
  return (o);
}

// 'make_dir()' - mkdir -m 0700 unless it exists.
static bool
make_dir(const char *path)
{
  if (mkdir(path, 0700) == 0 || errno == EEXIST)
    return (true);
  fprintf(stderr, LPRA_NAME ": unable to create %s: %s\n", path, strerror(errno));
  return (false);
}

// 'setup_dirs()' - The spool directory and ours inside it (temp files, the refusal memo).
static bool
setup_dirs(const char *spooldir)
{
  int n;

  if (spooldir)
    n = snprintf(lpra_app.spooldir, sizeof(lpra_app.spooldir), "%s", spooldir);
  else if (!getuid())
    n = snprintf(lpra_app.spooldir, sizeof(lpra_app.spooldir), "/var/spool/" LPRA_NAME);
  else
    n = snprintf(lpra_app.spooldir, sizeof(lpra_app.spooldir), "%s/" LPRA_NAME "%d.d",
                 papplGetTempDir(), (int)getuid());
  if (n < 0 || (size_t)n >= sizeof(lpra_app.spooldir))
    return (false);
  snprintf(lpra_app.tmpdir, sizeof(lpra_app.tmpdir), "%s/tmp", lpra_app.spooldir);
  snprintf(lpra_app.memodir, sizeof(lpra_app.memodir), "%s/memo", lpra_app.spooldir);
  return (make_dir(lpra_app.spooldir) && make_dir(lpra_app.tmpdir)
          && make_dir(lpra_app.memodir));                  // both fit: +5 bytes of 1100
}

// 'on_create()' - A printer was created (or loaded): its LPD queue page link.
static void
on_create(pappl_printer_t *printer, void *data)
{
  (void)data;
  lpraWebPrinterLinks(printer);
}

// 'finish_system()' - Drivers, filters, web pages, and the saved state (when asked for).
static void
finish_system(pappl_system_t *system, int num_options, cups_option_t *options)
{
  const char *state = cupsGetOption("state-file", num_options, options);
  const char *value;

  if ((value = cupsGetOption("admin-group", num_options, options)) != NULL)
    papplSystemSetAdminGroup(system, value);
  if ((value = cupsGetOption("server-hostname", num_options, options)) != NULL)
    papplSystemSetHostName(system, value);
  papplSystemSetPrinterDrivers(system, lpra_num_drivers, lpra_drivers, NULL, on_create,
                               lpraDriverCallback, NULL);
  lpraDriverAddFilters(system);
  lpraWebSetup(system);
  if (state)
  {
    // The mainloop's own state file is per user (or /var/lib as root): a test, or a second
    // instance, names its own.
    static char statename[1024];

    snprintf(statename, sizeof(statename), "%s", state);   // a path: cut means unusable
    if (strlen(state) < sizeof(statename))
    {
      papplSystemLoadState(system, statename);
      papplSystemSetSaveCallback(system, (pappl_save_cb_t)papplSystemSaveState, statename);
    }
  }
}

// 'system_cb()' - The system object for "server" (and the subcommands that need one).
static pappl_system_t *
system_cb(int num_options, cups_option_t *options, void *data)
{
  pappl_system_t *system;
  const char     *value;
  int            port = 0;

  (void)data;
  if ((value = cupsGetOption("server-port", num_options, options)) != NULL
      && !lprParseInt(value, 0, 65535, &port))
  {
    fprintf(stderr, LPRA_NAME ": bad server-port \"%s\"\n", value);
    return (NULL);
  }
  if (!setup_dirs(cupsGetOption("spool-directory", num_options, options)))
    return (NULL);
  lpraDeviceRegister();
  lpraDeliverInit();
  system = papplSystemCreate(server_options(cupsGetOption("server-options", num_options,
                                                          options)),
                             LPRA_NAME, port, "_print,_universal", lpra_app.spooldir,
                             cupsGetOption("log-file", num_options, options),
                             log_level(cupsGetOption("log-level", num_options, options)),
                             cupsGetOption("auth-service", num_options, options), false);
  if (!system)
    return (NULL);
  lpra_app.system = system;
  if (!cupsGetOption("private-server", num_options, options))
    papplSystemAddListeners(system, cupsGetOption("listen-hostname", num_options, options));
  finish_system(system, num_options, options);
  return (system);
}

// 'usage_cb()' - What follows PAPPL's usage text.
static void
usage_cb(void *data)
{
  (void)data;
  puts("\nDevice URIs: lpr://host[:port]/queue[?option=value&...] (see cups-lpr(8)).");
  puts("Drivers (-m): ps, pdf, pcl, raw.");
  puts("Server options (-o): server-port, listen-hostname, spool-directory, state-file,");
  puts("  log-file, log-level, server-options, admin-group, auth-service.");
}

// 'main()' - Run PAPPL's mainloop.
int
main(int argc, char *argv[])
{
  struct sigaction sa;

  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = SIG_IGN;              // a pipe or socket whose reader left: EPIPE, not death
  sigaction(SIGPIPE, &sa, NULL);
  lprStatusInit(2);
  return (papplMainloop(argc, argv, PACKAGE_VERSION, footer_html, lpra_num_drivers,
                        lpra_drivers, NULL, lpraDriverCallback, NULL, NULL, system_cb,
                        usage_cb, NULL));
}
