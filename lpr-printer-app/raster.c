// raster.c - the raster callbacks: PWG raster lines encoded into the printer's language as
//            they arrive, then spooled (exact count) or streamed through a pipe to the LPD
//            sender thread, as the printer's mode (the device URI's mode=) says.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// mode=immediate: a sender thread runs the core on the read end of a pipe while the encoder
// writes the other end, so the first page is on its way while later ones are still arriving.
// mode=auto and mode=spooled: the encoder writes a 0600 spool file and the core sends it with
// its exact size at the end of the job; such a job can be rerun (zero-count refusal) and
// retried, a stream cannot.

#include "config.h"
#include "app.h"
#include "encode.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct raster_s                 // one raster job
{
  pappl_job_t  *job;
  lpra_enc_t   enc;
  int          fd;                      // the encoder's output: pipe write end or spool file
  char         path[1200];              // the spool file, or "" when streaming
  bool         stream;
  int          rfd;                     // the pipe's read end (the sender's input)
  pthread_t    sender;
  bool         sender_started;
  bool         sent_ok;                 // the sender's result
  _Atomic bool abort;                   // the document is bad: the sender must not finish it
} raster_t;

// 'send_stream()' - The sender thread: the core reads the pipe until the encoder closes it.
static void *
send_stream(void *arg)
{
  raster_t   *r = arg;
  lpra_doc_t doc = { NULL, r->rfd, 1, true, &r->abort };

  r->sent_ok = lpraDeliver(r->job, &doc);
  close(r->rfd);                        // an encoder still writing gets EPIPE
  r->rfd = -1;
  return (NULL);
}

// 'open_output()' - The spool file, or the pipe and its sender thread.
static bool
open_output(raster_t *r, lpr_mode_t mode)
{
  int p[2];

  r->stream = mode == LPR_MODE_IMMEDIATE;
  if (!r->stream)
  {
    if ((r->fd = lpraTempFile(r->path, sizeof(r->path))) < 0)
    {
      papplLogJob(r->job, PAPPL_LOGLEVEL_ERROR, "Unable to create a spool file in %s: %s",
                  lpra_app.tmpdir, strerror(errno));
      return (false);
    }
    return (true);
  }
  if (pipe2(p, O_CLOEXEC) < 0)
  {
    papplLogJob(r->job, PAPPL_LOGLEVEL_ERROR, "Unable to create a pipe: %s", strerror(errno));
    return (false);
  }
  r->rfd = p[0];
  r->fd  = p[1];
  if (pthread_create(&r->sender, NULL, send_stream, r) != 0)
  {
    papplLogJob(r->job, PAPPL_LOGLEVEL_ERROR, "Unable to start the LPD sender thread");
    close(p[0]);
    close(p[1]);
    r->fd = r->rfd = -1;
    return (false);
  }
  r->sender_started = true;
  return (true);
}

// 'enc_lang()' - The encoder for the printer's driver, or false (raw: no raster language).
static bool
enc_lang(pappl_job_t *job, lpra_enc_lang_t *lang)
{
  const lpra_driver_t *drv = lpraDriverForPrinter(papplJobGetPrinter(job));

  switch (drv->lang)
  {
    case LPRA_LANG_PS :
        *lang = LPRA_ENC_PS;
        return (true);
    case LPRA_LANG_PDF :
        *lang = LPRA_ENC_PDF;
        return (true);
    case LPRA_LANG_PCL :
        *lang = LPRA_ENC_PCL;
        return (true);
    default :
        papplLogJob(job, PAPPL_LOGLEVEL_ERROR, "A raw LPD queue has no page description "
                    "language to render raster into: send the document in the printer's own "
                    "language, or use the ps, pdf or pcl driver");
        papplJobSetMessage(job, "Raster documents need the ps, pdf or pcl driver");
        return (false);
  }
}

// 'lpraRasterStartJob()' - Encoder and output for a raster job.
bool
lpraRasterStartJob(pappl_job_t *job, pappl_pr_options_t *options, pappl_device_t *dev)
{
  raster_t        *r;
  lpra_enc_lang_t lang;
  lpr_mode_t      mode;
  int             duplex = options->sides == PAPPL_SIDES_TWO_SIDED_LONG_EDGE ? 1
                           : options->sides == PAPPL_SIDES_TWO_SIDED_SHORT_EDGE ? 2 : 0;
  const char      *format = papplJobGetFormat(job);
  // PAPPL renders JPEG and PNG once per copy itself; only PWG raster and URF pages come once,
  // for the printer's language to repeat (asking it for copies of a JPEG would square them).
  int             copies = format && (!strcmp(format, "image/pwg-raster") ||
                                      !strcmp(format, "image/urf")) ? options->copies : 1;

  (void)dev;
  if (!enc_lang(job, &lang) || !lpraPrinterMode(papplJobGetPrinter(job), &mode))
    return (false);
  if ((r = calloc(1, sizeof(*r))) == NULL)
    return (false);
  r->job = job;
  r->fd  = r->rfd = -1;
  atomic_init(&r->abort, false);
  if (!open_output(r, mode))
  {
    free(r);
    return (false);
  }
  papplJobSetData(job, r);
  papplLogJob(job, PAPPL_LOGLEVEL_DEBUG, "Raster job %s (mode %s), %d copies, duplex %d",
              r->stream ? "streamed" : "spooled", lprModeName(mode), copies, duplex);
  if (!lpraEncStart(&r->enc, lang, r->fd, copies, duplex, papplJobGetName(job)))
  {
    lpraRasterEndJob(job, options, dev);    // PAPPL does not call it after a failed start
    return (false);
  }
  return (true);
}

// 'lpraRasterStartPage()' - A page begins: its header into the encoder.
bool
lpraRasterStartPage(pappl_job_t *job, pappl_pr_options_t *options, pappl_device_t *dev,
                    unsigned page)
{
  raster_t *r = papplJobGetData(job);

  (void)dev;
  (void)page;
  if (!r || r->fd < 0)
    return (false);
  if (!lpraEncPageStart(&r->enc, &options->header))
  {
    papplLogJob(job, PAPPL_LOGLEVEL_ERROR, "Unable to encode page %u (%ux%u, %u bits per "
                "pixel, color space %u)%s%s", page, options->header.cupsWidth,
                options->header.cupsHeight, options->header.cupsBitsPerPixel,
                options->header.cupsColorSpace, r->enc.error ? ": " : "",
                r->enc.error ? strerror(r->enc.err) : "");
    return (false);
  }
  return (true);
}

// 'lpraRasterWriteLine()' - One line into the encoder.
bool
lpraRasterWriteLine(pappl_job_t *job, pappl_pr_options_t *options, pappl_device_t *dev,
                    unsigned y, const unsigned char *line)
{
  raster_t *r = papplJobGetData(job);

  (void)options;
  (void)dev;
  (void)y;
  return (r && r->fd >= 0 && lpraEncLine(&r->enc, line));
}

// 'lpraRasterEndPage()' - A page ends.
bool
lpraRasterEndPage(pappl_job_t *job, pappl_pr_options_t *options, pappl_device_t *dev,
                  unsigned page)
{
  raster_t *r = papplJobGetData(job);

  (void)options;
  (void)dev;
  (void)page;
  if (papplJobIsCanceled(job))
    return (true);                      // canceled, not aborted: the sender has stopped
  if (!r || r->fd < 0 || !lpraEncPageEnd(&r->enc))
  {
    if (r && r->enc.error)
      papplLogJob(job, PAPPL_LOGLEVEL_ERROR, "Unable to write page %u: %s", page,
                  strerror(r->enc.err));
    return (false);
  }
  return (true);
}

// 'finish_stream()' - Close the pipe (EOF for the sender) and wait for the sender's result.
//
// A canceled or failed job must not reach the LPD server cut short and look complete: the
// sender is told to stop first and joined before the pipe's end of file can reach it.
static bool
finish_stream(raster_t *r, bool complete)
{
  if (!complete)
  {
    atomic_store(&r->abort, true);
    pthread_join(r->sender, NULL);      // its tick sees the flag within a second
    close(r->fd);
  }
  else
  {
    close(r->fd);
    pthread_join(r->sender, NULL);
  }
  r->fd = -1;
  r->sender_started = false;
  return (complete && r->sent_ok);
}

// 'finish_spool()' - Send the spool file with its exact size, then remove it.
static bool
finish_spool(raster_t *r, bool complete)
{
  lpra_doc_t doc = { r->path, -1, 1, false, NULL };
  bool       ok;

  close(r->fd);
  r->fd = -1;
  ok = complete && lpraDeliver(r->job, &doc);
  unlink(r->path);
  return (ok);
}

// 'lpraRasterEndJob()' - The document is complete (or not): send it, release everything.
bool
lpraRasterEndJob(pappl_job_t *job, pappl_pr_options_t *options, pappl_device_t *dev)
{
  raster_t *r = papplJobGetData(job);
  bool     complete, ok = false;

  (void)options;
  (void)dev;
  if (!r)
    return (false);
  complete = r->fd >= 0 && !papplJobIsCanceled(job) && lpraEncEnd(&r->enc);
  if (r->fd >= 0 && !complete && r->enc.error && !papplJobIsCanceled(job))
    papplLogJob(job, PAPPL_LOGLEVEL_ERROR, "Unable to write the document: %s",
                strerror(r->enc.err));
  if (r->sender_started)
    ok = finish_stream(r, complete);
  else if (r->fd >= 0)
    ok = finish_spool(r, complete);
  lpraEncFree(&r->enc);
  papplJobSetData(job, NULL);
  free(r);
  return (ok || papplJobIsCanceled(job));
}
