// driver.c - the drivers (the printer's language), their PAPPL driver data, and printfile_cb:
//            a document already in the printer's language goes out byte for byte.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// PAPPL hands a job to printfile_cb when its format is the driver's format, with the spooled
// document (exact size known, so the core sends an exact count without a copy).  Raster
// (image/pwg-raster, image/urf, and JPEG/PNG through PAPPL) goes to the raster callbacks
// (raster.c).  The raw driver takes any document: what PAPPL recognizes (PDF, PostScript, JPEG,
// PNG) comes through MIME filters that forward the file unchanged, the rest as
// application/octet-stream through printfile_cb.

#include "config.h"
#include "app.h"
#include "pjl.h"
#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const lpra_driver_t drivers[] =
{
  { "ps",  "Generic PostScript Printer (LPD queue)", "application/postscript", LPRA_LANG_PS },
  { "pdf", "Generic PDF Printer (LPD queue)", "application/pdf", LPRA_LANG_PDF },
  { "pcl", "Generic PCL Printer (LPD queue, PJL)", "application/vnd.hp-pcl",
    LPRA_LANG_PCL },
  { "raw", "Generic Raw Queue (LPD, documents unchanged)", "application/octet-stream",
    LPRA_LANG_RAW }
};

pappl_pr_driver_t lpra_drivers[] =
{
  { "ps",  "Generic PostScript Printer (LPD queue)", NULL, NULL },
  { "pdf", "Generic PDF Printer (LPD queue)", NULL, NULL },
  { "pcl", "Generic PCL Printer (LPD queue, PJL)", NULL, NULL },
  { "raw", "Generic Raw Queue (LPD, documents unchanged)", NULL, NULL }
};
const int lpra_num_drivers = (int)(sizeof(lpra_drivers) / sizeof(lpra_drivers[0]));

// Media the drivers offer (PWG names); the first is the default.
static const char * const media_names[] =
{
  "iso_a4_210x297mm", "na_letter_8.5x11in", "na_legal_8.5x14in", "iso_a5_148x210mm",
  "iso_a3_297x420mm", "na_executive_7.25x10.5in", "na_ledger_11x17in"
};

static bool printfile(pappl_job_t *job, pappl_pr_options_t *options, pappl_device_t *device);
static bool forward_file(pappl_job_t *job, pappl_device_t *device, void *data);

// 'lpraDriverFind()' - The driver of a name, or NULL.
const lpra_driver_t *
lpraDriverFind(const char *name)
{
  for (size_t i = 0; name && i < sizeof(drivers) / sizeof(drivers[0]); i ++)
    if (!strcmp(drivers[i].name, name))
      return (drivers + i);
  return (NULL);
}

// 'lpraDriverForPrinter()' - The driver a printer was created with (raw if unknown).
const lpra_driver_t *
lpraDriverForPrinter(pappl_printer_t *printer)
{
  const lpra_driver_t *d = lpraDriverFind(papplPrinterGetDriverName(printer));

  return (d ? d : lpraDriverFind("raw"));
}

// 'set_media()' - The media list, the default and the one "ready" source.
static void
set_media(pappl_pr_driver_data_t *data)
{
  pwg_media_t *pwg;

  data->num_media = (int)(sizeof(media_names) / sizeof(media_names[0]));
  for (int i = 0; i < data->num_media; i ++)
    data->media[i] = media_names[i];
  data->num_source = 1;
  data->source[0]  = "auto";
  data->num_type   = 1;
  data->type[0]    = "stationery";
  data->left_right = 423;               // 1/6 inch: what PostScript and PCL devices can reach
  data->bottom_top = 423;
  pwg = pwgMediaForPWG(media_names[0]);
  snprintf(data->media_default.size_name, sizeof(data->media_default.size_name), "%s",
           media_names[0]);
  data->media_default.size_width    = pwg ? pwg->width : 21000;
  data->media_default.size_length   = pwg ? pwg->length : 29700;
  data->media_default.left_margin   = data->left_right;
  data->media_default.right_margin  = data->left_right;
  data->media_default.top_margin    = data->bottom_top;
  data->media_default.bottom_margin = data->bottom_top;
  snprintf(data->media_default.source, sizeof(data->media_default.source), "auto");
  snprintf(data->media_default.type, sizeof(data->media_default.type), "stationery");
  data->media_ready[0] = data->media_default;
}

// 'set_raster()' - Colors, raster types, resolutions and duplex a driver offers.
static void
set_raster(pappl_pr_driver_data_t *data, lpra_lang_t lang)
{
  bool color = lang == LPRA_LANG_PS || lang == LPRA_LANG_PDF;

  data->ppm             = 10;
  data->ppm_color       = color ? 10 : 0;
  data->color_supported = PAPPL_COLOR_MODE_AUTO | PAPPL_COLOR_MODE_MONOCHROME
                          | (color ? PAPPL_COLOR_MODE_COLOR : 0);
  data->color_default   = color ? PAPPL_COLOR_MODE_AUTO : PAPPL_COLOR_MODE_MONOCHROME;
  // PAPPL hands lines in the client's layout when both are 8-bit, and dithers 8-bit input
  // to 1-bit when the driver forces black_1: the two layouts the encoders take.
  if (lang == LPRA_LANG_PCL)
  {
    data->raster_types      = PAPPL_PWG_RASTER_TYPE_BLACK_1 | PAPPL_PWG_RASTER_TYPE_SGRAY_8;
    data->force_raster_type = PAPPL_PWG_RASTER_TYPE_BLACK_1;
  }
  else
    data->raster_types = PAPPL_PWG_RASTER_TYPE_SGRAY_8 | PAPPL_PWG_RASTER_TYPE_SRGB_8;
  data->num_resolution  = 2;
  data->x_resolution[0] = data->y_resolution[0] = 300;
  data->x_resolution[1] = data->y_resolution[1] = 600;
  data->x_default       = data->y_default = 300;
  data->duplex          = PAPPL_DUPLEX_NORMAL;
  data->sides_supported = PAPPL_SIDES_ONE_SIDED | PAPPL_SIDES_TWO_SIDED_LONG_EDGE
                          | PAPPL_SIDES_TWO_SIDED_SHORT_EDGE;
  data->sides_default   = PAPPL_SIDES_ONE_SIDED;
}

// 'lpraDriverCallback()' - PAPPL's driver callback: the driver data of a new printer.
bool
lpraDriverCallback(pappl_system_t *system, const char *driver_name, const char *device_uri,
                   const char *device_id, pappl_pr_driver_data_t *data, ipp_t **attrs,
                   void *cbdata)
{
  const lpra_driver_t *drv = lpraDriverFind(driver_name);
  char                err[512];

  (void)device_id;
  (void)attrs;
  (void)cbdata;
  if (!drv)
    return (false);
  // PAPPL only checks that the scheme is registered: the backend's parser says more.
  if (!lpraCheckURI(device_uri, NULL, NULL, err, sizeof(err)))
  {
    papplLog(system, PAPPL_LOGLEVEL_ERROR, "Printer not created: %s", err);
    return (false);
  }
  data->printfile_cb  = printfile;
  data->rstartjob_cb  = lpraRasterStartJob;
  data->rstartpage_cb = lpraRasterStartPage;
  data->rwriteline_cb = lpraRasterWriteLine;
  data->rendpage_cb   = lpraRasterEndPage;
  data->rendjob_cb    = lpraRasterEndJob;
  data->format        = drv->format;
  data->kind          = PAPPL_KIND_DOCUMENT;
  data->has_supplies  = true;           // from the printer's SNMP agent (snmp=on, the default)
  data->orient_default  = IPP_ORIENT_NONE;
  data->quality_default = IPP_QUALITY_NORMAL;
  data->content_default = PAPPL_CONTENT_AUTO;
  data->scaling_default = PAPPL_SCALING_AUTO;
  snprintf(data->make_and_model, sizeof(data->make_and_model), "%s", drv->description);
  set_raster(data, drv->lang);
  set_media(data);
  return (true);
}

// 'job_copies()' - The job's "copies" (1 when not given).
static int
job_copies(pappl_job_t *job)
{
  ipp_attribute_t *attr = papplJobGetAttribute(job, "copies");
  int             copies = attr ? ippGetInteger(attr, 0) : 1;

  return (copies < 1 ? 1 : copies);
}

// 'copy_into()' - Append a file's bytes to fd.
static bool
copy_into(int fd, const char *path)
{
  char    buf[65536];
  ssize_t n;
  int     in = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  bool    ok = in >= 0;

  while (ok && (n = read(in, buf, sizeof(buf))) != 0)
  {
    if (n < 0 && errno == EINTR)
      continue;
    ok = n > 0 && lprWriteAll(fd, buf, (size_t)n, NULL);
  }
  if (in >= 0)
    close(in);
  return (ok);
}

// 'lpraTempFile()' - A new 0600 temp file in the app's tmpdir; path receives its name.
int
lpraTempFile(char *path, size_t size)
{
  int n = snprintf(path, size, "%s/lpra-XXXXXX", lpra_app.tmpdir);

  if (n < 0 || (size_t)n >= size)
    return (-1);
  return (mkostemp(path, O_CLOEXEC));
}

// 'print_pjl()' - A PCL document inside the PJL job wrapper (copies and duplex in PJL).
static bool
print_pjl(pappl_job_t *job, pappl_pr_options_t *options)
{
  char       path[1200], head[1024], tail[512];
  pjl_job_t  pj = { papplJobGetName(job), options->copies, 0, "PCL" };
  size_t     hlen, tlen;
  int        fd;
  bool       ok;
  lpra_doc_t doc = { path, -1, 1, false, NULL };

  pj.duplex = options->sides == PAPPL_SIDES_TWO_SIDED_LONG_EDGE ? 1
              : options->sides == PAPPL_SIDES_TWO_SIDED_SHORT_EDGE ? 2 : 0;
  hlen = pjlHeader(head, sizeof(head), &pj);
  tlen = pjlTrailer(tail, sizeof(tail), &pj);
  if ((fd = lpraTempFile(path, sizeof(path))) < 0)
  {
    papplLogJob(job, PAPPL_LOGLEVEL_ERROR, "Unable to create a temp file in %s: %s",
                lpra_app.tmpdir, strerror(errno));
    return (false);
  }
  ok = hlen > 0 && tlen > 0 && lprWriteAll(fd, head, hlen, NULL)
       && copy_into(fd, papplJobGetFilename(job)) && lprWriteAll(fd, tail, tlen, NULL);
  close(fd);
  if (!ok)
    papplLogJob(job, PAPPL_LOGLEVEL_ERROR, "Unable to write the PJL-wrapped job to %s: %s",
                path, strerror(errno));
  ok = ok && lpraDeliver(job, &doc);
  unlink(path);
  return (ok);
}

// 'printfile()' - A document in the printer's language: the spooled file as it is.
static bool
printfile(pappl_job_t *job, pappl_pr_options_t *options, pappl_device_t *device)
{
  const lpra_driver_t *drv = lpraDriverForPrinter(papplJobGetPrinter(job));
  lpra_doc_t          doc = { papplJobGetFilename(job), -1, options->copies, false, NULL };

  (void)device;
  if (drv->lang == LPRA_LANG_PCL)
    return (print_pjl(job, options));
  return (lpraDeliver(job, &doc));
}

// 'forward_file()' - MIME filter for the raw driver: any recognized document, unchanged.
static bool
forward_file(pappl_job_t *job, pappl_device_t *device, void *data)
{
  lpra_doc_t doc = { papplJobGetFilename(job), -1, job_copies(job), false, NULL };

  (void)device;
  (void)data;
  papplJobSetImpressions(job, 1);
  if (!lpraDeliver(job, &doc))
    return (false);
  papplJobSetImpressionsCompleted(job, 1);
  return (true);
}

// 'lpraDriverAddFilters()' - What PAPPL recognizes goes to raw printers unchanged.
void
lpraDriverAddFilters(pappl_system_t *system)
{
  static const char * const types[] =
  {
    "application/pdf", "application/postscript", "application/vnd.hp-pcl", "image/jpeg",
    "image/png", "text/plain"
  };

  for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i ++)
    papplSystemAddMIMEFilter(system, types[i], "application/octet-stream", forward_file, NULL);
}
