// lpr.c - main() of the cups-lpr backend: CUPS's argv/env contract in, CUPS_BACKEND_* out.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Usage (as cupsd runs it): lpr job-id user title copies options [file]
// With no arguments it prints the discovery line for the lpr:// scheme.

#include "config.h"
#include "dnssd.h"
#include "job.h"
#include "options.h"
#include "privs.h"
#include "sidechannel.h"
#include "status.h"

#include <cups/backend.h>
#include <cups/cups.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
const char *__lsan_default_suppressions(void);

// '__lsan_default_suppressions()' - Leaks inside libcups 2.4 that are not ours (sanitizer builds).
//
// cupsMarkOptions() builds a PPD cache whose strings ppdClose() never frees
// (_ppdCacheCreateWithPPD); seen under cupsd with a PPD queue.
const char *
__lsan_default_suppressions(void)
{
  return ("leak:_ppdCacheCreateWithPPD\n");
}
#endif

static int cancel_pipe[2] = { -1, -1 };   // SIGTERM writes here; every wait polls the read end

// 'on_sigterm()' - Only say that we must stop; the waits notice.
static void
on_sigterm(int sig)
{
  int     saved = errno;
  ssize_t n;

  (void)sig;
  n = write(cancel_pipe[1], "x", 1);
  (void)n;
  errno = saved;
}

// 'setup_signals()' - SIGTERM/SIGINT through a self-pipe, SIGPIPE ignored.
static bool
setup_signals(void)
{
  struct sigaction sa;

  if (pipe2(cancel_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
    return (false);
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &sa, NULL);
  sa.sa_handler = on_sigterm;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  return (true);
}

// 'exit_code()' - The CUPS_BACKEND_* code for an outcome.
static int
exit_code(lpd_outcome_t r)
{
  switch (r)
  {
    case LPD_OUTCOME_OK :            return (CUPS_BACKEND_OK);
    case LPD_OUTCOME_HOLD :          return (CUPS_BACKEND_HOLD);
    case LPD_OUTCOME_STOP :          return (CUPS_BACKEND_STOP);
    case LPD_OUTCOME_RETRY :         return (CUPS_BACKEND_RETRY);
    case LPD_OUTCOME_RETRY_CURRENT : return (CUPS_BACKEND_RETRY_CURRENT);
    case LPD_OUTCOME_CANCELED :
    case LPD_OUTCOME_FAILED :
    default :                        return (CUPS_BACKEND_FAILED);
  }
}

// 'finish()' - Clear every printer-state-reason we set, then return the exit code.
static int
finish(lpd_outcome_t r)
{
  lprStatusReasonsClear();
  return (exit_code(r));
}

// 'leave()' - End the process once the job is done.
//
// _exit(2), not a return from main(): all that exit(3) would still do is run the destructors of
// libcups's dependencies (GnuTLS, p11-kit, Kerberos), which touch pages the job never needed:
// 0.2-0.3 MB more peak RSS (bench/README.md) for nothing.  Status lines go out with write(2) as
// they are made, and stdout is flushed here.  Sanitizer builds return instead, so that
// LeakSanitizer gets its check at exit.
static int
leave(int code)
{
  fflush(stdout);
#if !defined(__SANITIZE_ADDRESS__)
  _exit(code);
#endif
  return (code);
}

// 'parse_job()' - argv, DEVICE_URI, the PPD and the job options into the job: -1 when all is
//                 well, else the CUPS_BACKEND_* code to exit with (one ERROR line said why).
static int
parse_job(lpr_job_t *job, int argc, char *argv[])
{
  const char *uri;
  char       err[512];

  lprOptionsDefaults(&job->opt);
  job->file = argc == 7 ? argv[6] : NULL;
  if (!lprParseInt(argv[1], 0, 2147483647, &job->id))
  {
    lprStatus("ERROR", "Bad job id \"%s\"", argv[1]);
    return (CUPS_BACKEND_FAILED);
  }
  if (!lprParseInt(argv[4], 1, 9999, &job->copies))
  {
    lprStatus("ERROR", "Bad number of copies \"%s\" (1 to 9999)", argv[4]);
    return (CUPS_BACKEND_FAILED);
  }
  // DEVICE_URI keeps the credentials that cupsd strips from argv[0].
  if ((uri = cupsBackendDeviceURI(argv)) == NULL)
  {
    lprStatus("ERROR", "No device URI (DEVICE_URI is not set)");
    return (CUPS_BACKEND_STOP);
  }
  if (!lprParseURI(uri, &job->uri, &job->opt, err, sizeof(err)) ||
      !lprParsePPDOptions(getenv("PPD"), argv[5], &job->opt, err, sizeof(err)))
  {
    lprStatus("ERROR", "Queue misconfigured: %s", err);
    return (CUPS_BACKEND_STOP);
  }
  if (!lprParseJobOptions(argv[5], &job->opt, err, sizeof(err)))
  {
    lprStatus("ERROR", "Job held: %s (change it with lp -i JOB -o ... and release the job)",
              err);
    return (CUPS_BACKEND_HOLD);
  }
  return (-1);
}

// 'set_dirs()' - Where the job spools (cupsd's TempDir) and remembers refusals (CacheDir).
static void
set_dirs(lpr_job_t *job)
{
  const char *tmpdir, *cachedir;

  if ((tmpdir = getenv("TMPDIR")) == NULL || !*tmpdir)
    tmpdir = "/tmp";
  if ((cachedir = getenv("CUPS_CACHEDIR")) == NULL || !*cachedir ||
      access(cachedir, W_OK) != 0)
    cachedir = tmpdir;
  job->tmpdir   = tmpdir;
  job->cachedir = cachedir;
  job->in_class = getenv("CLASS") != NULL;
}

// 'main()' - Deliver one job to an LPD queue.
int
main(int argc, char *argv[])
{
  static lpr_job_t job;
  char             err[512];
  int              num_opts, code;
  cups_option_t    *opts = NULL;

  // Claim the side-channel fd before anything else can be opened as fd 4.
  job.sc_fd = lprSideChannelOpen();
  lprStatusInit(2);

  if (argc == 1)
  {
    puts("network lpr \"Unknown\" \"LPD/LPR queue (cups-lpr)\"");
    fflush(stdout);
    // cups-deviced runs a 0700 backend as root: become its User before reading what the
    // network announces (DNS-SD TXT records), as a job does before it talks to a server.
    if (lprPrivsDrop(false, getenv("CUPS_SERVERROOT"), NULL, err, sizeof(err)))
      lprDnssdList(LPR_DNSSD_TIMEOUT_MS);
    else
      lprStatus("ERROR", "No DNS-SD discovery as root: %s", err);
    return (CUPS_BACKEND_OK);
  }
  if (argc != 6 && argc != 7)
  {
    lprStatus("ERROR", "Usage: %s job-id user title copies options [file]", argv[0]);
    return (CUPS_BACKEND_FAILED);
  }
  if (!setup_signals())
  {
    lprStatus("ERROR", "Unable to set up signal handling: %s", strerror(errno));
    return (CUPS_BACKEND_FAILED);
  }
  job.cancel_fd = cancel_pipe[0];
  if ((code = parse_job(&job, argc, argv)) >= 0)
    return (code);

  // Root only to bind reserved ports: give it up before anything is read from the network.
  if (!lprPrivsDrop(job.opt.reserve != LPR_RESERVE_NONE, getenv("CUPS_SERVERROOT"),
                    getenv("CUPS_CACHEDIR"), err, sizeof(err)))
  {
    lprStatus("ERROR", "Refusing to run the job as root: %s", err);
    return (CUPS_BACKEND_STOP);
  }
  set_dirs(&job);

  num_opts = cupsParseOptions(argv[5], 0, &opts);
  lprJobSetup(&job, argv[2], argv[3], cupsGetOption("job-originating-host-name", num_opts,
                                                    opts));
  cupsFreeOptions(num_opts, opts);

  return (leave(finish(lprJobRun(&job))));
}
