// app.h - private header of lpr-printer-app: LPD queues served as IPP Everywhere printers on
//         PAPPL, each job delivered by the CUPS-free RFC 1179 core (lpd-job.h).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// The family: main.c (papplMainloop, the system, the driver table), device.c (the "lpr" device
// scheme: open never connects), deliver.c (one LPD job per PAPPL job, inside the driver's
// callbacks: the core's status lines routed to the job and printer), driver.c (drivers and
// printfile_cb: a document in the printer's language goes out byte for byte), raster.c (the
// raster callbacks: encoder output spooled or streamed through a pipe), encode-ps.c and
// encode-pcl.c (PWG raster lines into PostScript Level 2 images and PCL raster), web.c (the
// "Add LPD printer" page and the per-printer "LPD queue" page), dnssd.c (_printer._tcp
// services on the network).

#ifndef LPRA_APP_H
#define LPRA_APP_H

#include <pappl/pappl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lpd-job.h"
#include "options.h"

#define LPRA_NAME       "lpr-printer-app"
#define LPRA_SCHEME     "lpr"
#define LPRA_URI_MAX    1024            // a device URI we accept (PAPPL keeps 1024 too)

typedef struct lpra_app_s               // the application, one per process
{
  pappl_system_t *system;
  char           spooldir[1024];        // PAPPL's spool directory: our temp and memo files
  char           memodir[1100];         // the zero-count refusal memo (memo.h)
  char           tmpdir[1100];          // spooled documents and encoder spools
} lpra_app_t;

extern lpra_app_t lpra_app;

// Drivers: the printer's language.
typedef enum lpra_lang_e
{
  LPRA_LANG_PS,                         // PostScript: raster as Level 2 images
  LPRA_LANG_PDF,                        // PDF: raster as image pages
  LPRA_LANG_PCL,                        // PCL 5 with a PJL job wrapper: raster as PCL raster
  LPRA_LANG_RAW                         // anything forwarded unchanged; raster refused (no PDL)
} lpra_lang_t;

typedef struct lpra_driver_s            // what a driver name means
{
  const char  *name;                    // "ps", "pdf", "pcl", "raw"
  const char  *description;
  const char  *format;                  // MIME type of the printer's language
  lpra_lang_t lang;
} lpra_driver_t;

const lpra_driver_t *lpraDriverFind(const char *name);
const lpra_driver_t *lpraDriverForPrinter(pappl_printer_t *printer);
bool  lpraDriverCallback(pappl_system_t *system, const char *driver_name,
                         const char *device_uri, const char *device_id,
                         pappl_pr_driver_data_t *data, ipp_t **attrs, void *cbdata);
void  lpraDriverAddFilters(pappl_system_t *system);
extern pappl_pr_driver_t lpra_drivers[];
extern const int         lpra_num_drivers;

// The "lpr" device scheme.
void  lpraDeviceRegister(void);
bool  lpraCheckURI(const char *uri, lpr_uri_t *u, lpr_options_t *o, char *err, size_t errsize);

// One LPD job for one PAPPL job (deliver.c).
typedef struct lpra_doc_s               // what goes to the LPD server
{
  const char *file;                     // a regular file with the whole job, or NULL
  int        infd;                      // else: a stream (the read end of the encoder's pipe)
  int        copies;                    // LPD copies (1 when the document makes its own)
  bool       stream;                    // infd: the data is gone once read (no rerun)
  const _Atomic bool *abort;            // set by the producer: stop, the document is bad
} lpra_doc_t;

void  lpraDeliverInit(void);
bool  lpraDeliver(pappl_job_t *job, const lpra_doc_t *doc);
int   lpraTempFile(char *path, size_t size);
bool  lpraPrinterMode(pappl_printer_t *printer, lpr_mode_t *mode);

// SNMP supply levels as PAPPL supplies (supply.c).
struct lpr_snapshot_s;
int   lpraSupplies(const struct lpr_snapshot_s *snap, pappl_supply_t *out, int max);

// Raster callbacks (raster.c).
bool  lpraRasterStartJob(pappl_job_t *job, pappl_pr_options_t *options, pappl_device_t *dev);
bool  lpraRasterStartPage(pappl_job_t *job, pappl_pr_options_t *options, pappl_device_t *dev,
                          unsigned page);
bool  lpraRasterWriteLine(pappl_job_t *job, pappl_pr_options_t *options, pappl_device_t *dev,
                          unsigned y, const unsigned char *line);
bool  lpraRasterEndPage(pappl_job_t *job, pappl_pr_options_t *options, pappl_device_t *dev,
                        unsigned page);
bool  lpraRasterEndJob(pappl_job_t *job, pappl_pr_options_t *options, pappl_device_t *dev);

// Web pages (web.c) and DNS-SD browsing (dnssd.c).
void  lpraWebSetup(pappl_system_t *system);
void  lpraWebPrinterLinks(pappl_printer_t *printer);

typedef struct lpra_service_s           // one _printer._tcp service found
{
  char name[128];                       // instance name
  char uri[LPRA_URI_MAX];               // lpr://host:port/queue from its SRV and TXT "rp"
} lpra_service_t;

int   lpraBrowse(lpra_service_t *list, int max, int timeout_ms);

#endif // LPRA_APP_H
