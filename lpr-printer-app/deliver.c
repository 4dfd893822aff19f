// deliver.c - one LPD job for one PAPPL job: the printer's device URI and options into the
//             core's job, the core's status lines into the PAPPL job and printer.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Runs in PAPPL's job thread, inside the driver's callbacks.  The core writes its messages as
// status lines ("INFO: ...", "STATE: +connecting-to-device"); the sink, set for this thread
// only, routes them: text to the job's log and job-state-message, state reasons to
// printer-state-reasons ("offline" while the LPD server cannot be reached).  The core's clock
// tick looks at papplJobIsCanceled(): a Cancel-Job aborts the transfer and removes the job at
// the LPD server.

#include "config.h"
#include "app.h"
#include "snmp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct deliver_s                // one delivery
{
  pappl_job_t     *job;
  const _Atomic bool *abort;            // the producer gave up (see lpra_doc_t)
  pappl_printer_t *printer;
  lpd_loop_t      loop;
  lpd_job_t       core;
  lpr_snmp_t      snmp;                 // the printer's SNMP agent, asked during each run
  lpr_options_t   opt;                  // the device URI's options
  pappl_preason_t added;                // printer reasons this delivery set
} deliver_t;

// LPD job numbers (cfA000host-cfA999host): PAPPL numbers each printer's jobs from 1, but the
// printers of this app may share one LPD queue, where the core finds (verification) and
// removes (cancel) its job by number and owner.  One counter for the whole app, started from
// the clock so that a restart does not reuse the numbers of jobs still held at the server.
static atomic_uint next_jobnum;

// A job the core says to send again later (the server dropped it, had no space, or stayed
// unreachable for contimeout) is sent again here, as cupsd does with JobRetryInterval and
// JobRetryLimit: PAPPL would abort it.  LPRA_RETRY_INTERVAL (seconds) changes the wait.
#define LPRA_RETRY_LIMIT 5
#define LPRA_RETRY_S     30

// 'retry_ms()' - The wait before a job is sent again.
static int
retry_ms(void)
{
  const char *s = getenv("LPRA_RETRY_INTERVAL");
  long       v  = s && *s ? strtol(s, NULL, 10) : LPRA_RETRY_S;

  return ((int)(v >= 0 && v <= 3600 ? v : LPRA_RETRY_S) * 1000);
}

typedef struct reason_map_s             // an IPP printer-state-reasons keyword and PAPPL's bit
{
  const char      *name;
  pappl_preason_t bit;
} reason_map_t;

static const reason_map_t reason_map[] =
{
  { "connecting-to-device",     PAPPL_PREASON_OFFLINE },    // the LPD server does not answer
  { "offline",                  PAPPL_PREASON_OFFLINE },
  { "other",                    PAPPL_PREASON_OTHER },
  { "cover-open",               PAPPL_PREASON_COVER_OPEN },
  { "door-open",                PAPPL_PREASON_DOOR_OPEN },
  { "input-tray-missing",       PAPPL_PREASON_INPUT_TRAY_MISSING },
  { "marker-supply-empty",      PAPPL_PREASON_MARKER_SUPPLY_EMPTY },
  { "marker-supply-low",        PAPPL_PREASON_MARKER_SUPPLY_LOW },
  { "marker-waste-almost-full", PAPPL_PREASON_MARKER_WASTE_ALMOST_FULL },
  { "marker-waste-full",        PAPPL_PREASON_MARKER_WASTE_FULL },
  { "media-empty",              PAPPL_PREASON_MEDIA_EMPTY },
  { "media-jam",                PAPPL_PREASON_MEDIA_JAM },
  { "media-low",                PAPPL_PREASON_MEDIA_LOW },
  { "media-needed",             PAPPL_PREASON_MEDIA_NEEDED },
  { "toner-empty",              PAPPL_PREASON_TONER_EMPTY },
  { "toner-low",                PAPPL_PREASON_TONER_LOW },
  { "spool-area-full",          PAPPL_PREASON_SPOOL_AREA_FULL }
};

// 'reason_bit()' - PAPPL's bit for one reason keyword (severity suffix ignored), or NONE.
static pappl_preason_t
reason_bit(const char *name, size_t len)
{
  static const char * const suffixes[] = { "-error", "-warning", "-report" };

  for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i ++)
  {
    size_t slen = strlen(suffixes[i]);

    if (len > slen && !strncmp(name + len - slen, suffixes[i], slen))
    {
      len -= slen;
      break;
    }
  }
  for (size_t i = 0; i < sizeof(reason_map) / sizeof(reason_map[0]); i ++)
    if (strlen(reason_map[i].name) == len && !strncmp(reason_map[i].name, name, len))
      return (reason_map[i].bit);
  return (PAPPL_PREASON_NONE);
}

// 'apply_state()' - A "STATE: +a,b" or "STATE: -a,b" line onto printer-state-reasons.
static void
apply_state(deliver_t *d, const char *text)
{
  pappl_preason_t bits = PAPPL_PREASON_NONE;
  bool            add = text[0] == '+';
  const char      *p = text + ((text[0] == '+' || text[0] == '-') ? 1 : 0);

  while (*p)
  {
    size_t len = strcspn(p, ",");

    bits |= reason_bit(p, len);
    p += len;
    if (*p == ',')
      p ++;
  }
  if (bits == PAPPL_PREASON_NONE)
    return;
  if (add)
  {
    d->added |= bits;
    papplPrinterSetReasons(d->printer, bits, PAPPL_PREASON_NONE);
  }
  else
  {
    d->added &= ~bits;
    papplPrinterSetReasons(d->printer, PAPPL_PREASON_NONE, bits);
  }
}

// 'on_status()' - The core's status line for this thread: to the job's log and state.
static void
on_status(void *ctx, const char *line, size_t len)
{
  deliver_t        *d = ctx;
  char             buf[LPR_STATUS_MAX + 1], *text;
  pappl_loglevel_t level;

  if (len >= sizeof(buf))
    len = sizeof(buf) - 1;
  memcpy(buf, line, len);
  buf[len] = '\0';
  buf[strcspn(buf, "\n")] = '\0';
  if ((text = strstr(buf, ": ")) == NULL)
    return;
  *text = '\0';
  text += 2;
  if (!strcmp(buf, "STATE"))
  {
    apply_state(d, text);
    return;
  }
  if (!strcmp(buf, "ATTR") || !strcmp(buf, "PAGE") || !strcmp(buf, "PPD"))
    return;
  level = !strcmp(buf, "ERROR") ? PAPPL_LOGLEVEL_ERROR : !strcmp(buf, "WARNING")
          ? PAPPL_LOGLEVEL_WARN : !strcmp(buf, "INFO") ? PAPPL_LOGLEVEL_INFO
          : PAPPL_LOGLEVEL_DEBUG;
  papplLogJob(d->job, level, "%s", text);
  if (level != PAPPL_LOGLEVEL_DEBUG)
    papplJobSetMessage(d->job, "%s", text);
}

// 'on_tick()' - About every second: a Cancel-Job (or a failed producer) stops the exchange.
static void
on_tick(void *ctx)
{
  deliver_t *d = ctx;

  if (papplJobIsCanceled(d->job) || (d->abort && atomic_load(d->abort)))
    lpdLoopCancel(&d->loop);
}

// 'on_resolved()' - The printer's addresses are known: its SNMP agent is asked meanwhile.
static void
on_resolved(void *ctx, const lpd_addr_t *addrs)
{
  deliver_t *d = ctx;

  lprSnmpStart(&d->snmp, addrs);
}

// 'on_snmp()' - A supply snapshot: the printer's marker-* attributes and Supplies page.
static void
on_snmp(void *ctx, lpr_snmp_event_t ev, const lpr_snmp_reply_t *reply)
{
  deliver_t      *d = ctx;
  pappl_supply_t supplies[PAPPL_MAX_SUPPLY];
  int            n;

  if (ev != LPR_SNMP_EV_SNAPSHOT || !reply)
    return;
  n = lpraSupplies(&reply->snap, supplies, PAPPL_MAX_SUPPLY);
  papplPrinterSetSupplies(d->printer, n, supplies);
  papplLogJob(d->job, PAPPL_LOGLEVEL_DEBUG, "SNMP: %d supplies reported", n);
}

// 'setup_core()' - The core job from the printer's URI and options and the PAPPL job.
static bool
setup_core(deliver_t *d, const lpra_doc_t *doc)
{
  lpd_job_t     *c = &d->core;
  lpr_uri_t     u;
  lpr_options_t o;
  char          err[512], host[256], user[256], *colon;
  const char    *uri = papplPrinterGetDeviceURI(d->printer);

  if (!lpraCheckURI(uri, &u, &o, err, sizeof(err)))
  {
    papplLogJob(d->job, PAPPL_LOGLEVEL_ERROR, "%s", err);
    papplJobSetMessage(d->job, "%s", err);
    return (false);
  }
  lpdLoopInit(&d->loop, -1);
  lpdJobInit(c, &d->loop);
  lprOptionsApply(&u, &o, c);
  c->tick          = on_tick;
  c->resolved      = on_resolved;
  c->ctx           = d;
  c->file          = doc->file;
  c->infd          = doc->file ? -1 : doc->infd;
  c->copies        = doc->copies < 1 ? 1 : doc->copies;
  c->tmpdir        = lpra_app.tmpdir;
  c->cachedir      = lpra_app.memodir;
  snprintf(user, sizeof(user), "%s", u.user[0] ? u.user : papplJobGetUsername(d->job));
  if ((colon = strchr(user, ':')) != NULL)
    *colon = '\0';                      // user:password@ in the URI: never send the password
  if (!papplSystemGetHostName(lpra_app.system, host, sizeof(host)))
    snprintf(host, sizeof(host), "localhost");
  lpdJobSetText(c, user, papplJobGetName(d->job), host, o.sanitize_title);
  d->opt = o;
  c->jobnum = (int)(atomic_fetch_add(&next_jobnum, 1) % 1000);
  papplLogJob(d->job, PAPPL_LOGLEVEL_DEBUG, "LPD job number %03d", c->jobnum);
  return (true);
}

// 'finish_outcome()' - What PAPPL makes of the outcome: true = the job is done.
static bool
finish_outcome(deliver_t *d, lpd_outcome_t o)
{
  switch (o)
  {
    case LPD_OUTCOME_OK :
        papplJobSetMessage(d->job, "Delivered to %s", d->core.who[0] ? d->core.who
                                                                      : d->core.host);
        return (true);
    case LPD_OUTCOME_CANCELED :
        return (true);                  // PAPPL marks a canceled job canceled
    case LPD_OUTCOME_HOLD :
        // PAPPL cannot put a processing job back on hold: stop here, keep it visible.
        papplJobSetReasons(d->job, PAPPL_JREASON_JOB_COMPLETED_WITH_ERRORS, PAPPL_JREASON_NONE);
        papplLogJob(d->job, PAPPL_LOGLEVEL_ERROR, "The job may have printed (last "
                    "acknowledgement lost, not seen in the LPD queue): not sent again");
        return (false);
    case LPD_OUTCOME_STOP :
        papplLogPrinter(d->printer, PAPPL_LOGLEVEL_ERROR, "LPD queue misconfigured: printer "
                        "paused (fix the device URI, then resume)");
        papplPrinterPause(d->printer);
        return (false);
    default :
        return (false);
  }
}

// 'lpraDeliver()' - Send one document to the printer's LPD queue with the core.
bool
lpraDeliver(pappl_job_t *job, const lpra_doc_t *doc)
{
  deliver_t     *d;
  lpd_outcome_t o;
  bool          done;

  if ((d = calloc(1, sizeof(*d))) == NULL)
    return (false);
  d->job     = job;
  d->abort   = doc->abort;
  d->printer = papplJobGetPrinter(job);
  if (!setup_core(d, doc))
  {
    free(d);
    return (false);
  }
  lprStatusSetSink(on_status, d);
  for (int runs = 1; ; runs ++)
  {
    // One helper per run: lprSnmpFinish() below ends it.
    lprSnmpInit(&d->snmp, &d->loop, d->opt.snmp, d->opt.snmp_port, d->opt.community, on_snmp, d);
    o = lpdJobRun(&d->core);
    lprSnmpFinish(&d->snmp, o == LPD_OUTCOME_CANCELED);    // (lpdJobRun freed the addresses)
    papplLogJob(job, PAPPL_LOGLEVEL_DEBUG, "LPD outcome: %s", lpdOutcomeName(o));
    // The file is still ours (a stream is gone): send it again, at once for a rerun (a refusal
    // of immediate mode is remembered: it goes spooled), after the interval for a retry.
    if ((o != LPD_OUTCOME_RETRY && o != LPD_OUTCOME_RETRY_CURRENT) || doc->stream ||
        papplJobIsCanceled(job) || runs > LPRA_RETRY_LIMIT)
      break;
    if (o == LPD_OUTCOME_RETRY)
    {
      papplLogJob(job, PAPPL_LOGLEVEL_WARN, "Sending the job again in %d s (attempt %d of %d)",
                  retry_ms() / 1000, runs + 1, LPRA_RETRY_LIMIT + 1);
      papplJobSetMessage(job, "Sending again in %d s", retry_ms() / 1000);
      if (!lpdLoopSleep(&d->loop, retry_ms()))
      {
        o = LPD_OUTCOME_CANCELED;
        break;
      }
    }
  }
  lprStatusReasonsClear();
  // The printer's own conditions that SNMP reported stay (as in CUPS) until a snapshot says
  // otherwise; "offline" was ours: the server answered, or the job is over.
  papplPrinterSetReasons(d->printer, PAPPL_PREASON_NONE, d->added & PAPPL_PREASON_OFFLINE);
  done = finish_outcome(d, o);
  lprStatusSetSink(NULL, NULL);
  free(d);
  return (done);
}

// 'lpraDeliverInit()' - Start the LPD job numbers from the clock.
void
lpraDeliverInit(void)
{
  atomic_store(&next_jobnum, (unsigned)time(NULL) % 1000);
}

// 'lpraPrinterMode()' - The delivery mode the printer's device URI asks for.
bool
lpraPrinterMode(pappl_printer_t *printer, lpr_mode_t *mode)
{
  lpr_options_t o;
  char          err[512];

  if (!lpraCheckURI(papplPrinterGetDeviceURI(printer), NULL, &o, err, sizeof(err)))
    return (false);
  *mode = o.mode;
  return (true);
}
