// web.c - the web interface's own pages: "Add LPD Printer" (a free-text device URI checked
//         with the backend's parser and its messages, DNS-SD _printer._tcp services offered
//         as choices) and each printer's "LPD Queue" page (see and change its device URI).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// PAPPL 1.3's own Add Printer page knows host names only (they become socket://), and a
// printer's device URI has no setter: a new URI is applied by deleting the printer and
// creating it again with the same ID, name and driver, while it has no active jobs.

#include "config.h"
#include "app.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define ADD_PATH "/addlpd"

typedef struct form_s                   // the fields of the Add LPD Printer form
{
  char name[128];
  char uri[LPRA_URI_MAX];
  char driver[32];
} form_t;

// 'form_copy()' - A form value into a field ("" when absent).
static void
form_copy(char *dst, size_t size, const char *name, int num_form, cups_option_t *form)
{
  const char *v = cupsGetOption(name, num_form, form);

  snprintf(dst, size, "%s", v ? v : "");         // a cut value fails validation later
}

// 'create_error()' - The message for a papplPrinterCreate() failure.
static const char *
create_error(int err)
{
  switch (err)
  {
    case EEXIST : return ("A printer with that name already exists.");
    case EIO :    return ("The driver refused this printer (see the log).");
    case EINVAL : return ("Printer names must start with a letter or underscore and cannot "
                          "contain special characters.");
    default :     return (strerror(err));
  }
}

// 'add_printer()' - Check the form and create the printer; NULL or the error to show.
static const char *
add_printer(pappl_client_t *client, const form_t *f, char *err, size_t errsize,
            pappl_printer_t **created)
{
  pappl_printer_t *printer;

  *created = NULL;
  if (!f->name[0])
    return ("Please enter a printer name.");
  if (!lpraDriverFind(f->driver))
    return ("Please select a driver.");
  if (!lpraCheckURI(f->uri, NULL, NULL, err, errsize))
    return (err);
  printer = papplPrinterCreate(papplClientGetSystem(client), 0, f->name, f->driver, NULL,
                               f->uri);
  if (!printer)
    return (create_error(errno));
  papplPrinterSetDNSSDName(printer, f->name);   // (re)registers it with DNS-SD
  *created = printer;
  return (NULL);
}

// 'show_services()' - The _printer._tcp services on the network, as URI choices.
static void
show_services(pappl_client_t *client)
{
  lpra_service_t list[32];
  int            n = lpraBrowse(list, 32, 2000);

  papplClientHTMLPuts(client, "<datalist id=\"lpd_services\">");
  for (int i = 0; i < n; i ++)
    papplClientHTMLPrintf(client, "<option value=\"%s\">%s</option>", list[i].uri,
                          list[i].name);
  papplClientHTMLPuts(client, "</datalist>\n");
  if (n > 0)
  {
    papplClientHTMLPuts(client, "<p>LPD queues found on the network (DNS-SD _printer._tcp):"
                        "</p><ul id=\"services\">\n");
    for (int i = 0; i < n; i ++)
      papplClientHTMLPrintf(client, "<li><code>%s</code> (%s)</li>\n", list[i].uri,
                            list[i].name);
    papplClientHTMLPuts(client, "</ul>\n");
  }
  else
    papplClientHTMLPuts(client, "<p id=\"services\">No LPD queues found with DNS-SD "
                        "(_printer._tcp): type the URI.</p>\n");
}

// 'show_add_form()' - The Add LPD Printer page, with an error banner when there is one.
static void
show_add_form(pappl_client_t *client, const form_t *f, const char *status)
{
  if (!papplClientRespond(client, HTTP_STATUS_OK, NULL, "text/html", 0, 0))
    return;
  papplClientHTMLHeader(client, "Add LPD Printer", 0);
  papplClientHTMLPuts(client, "<div class=\"content\"><div class=\"row\"><div class=\"col-12\">"
                      "<h1 class=\"title\">Add LPD Printer</h1>\n");
  if (status)
    papplClientHTMLPrintf(client, "<div class=\"banner\" id=\"error\">%s</div>\n", status);
  papplClientHTMLStartForm(client, ADD_PATH, false);
  papplClientHTMLPrintf(client,
    "<table class=\"form\"><tbody>\n"
    "<tr><th><label for=\"printer_name\">Name:</label></th><td><input type=\"text\" "
    "name=\"printer_name\" id=\"printer_name\" value=\"%s\" required></td></tr>\n"
    "<tr><th><label for=\"device_uri\">Device URI:</label></th><td><input type=\"text\" "
    "name=\"device_uri\" id=\"device_uri\" size=\"60\" list=\"lpd_services\" "
    "placeholder=\"lpr://host[:port]/queue?mode=auto\" value=\"%s\" required></td></tr>\n"
    "<tr><th><label for=\"driver_name\">Printer language:</label></th><td>"
    "<select name=\"driver_name\" id=\"driver_name\">", f->name, f->uri);
  for (int i = 0; i < lpra_num_drivers; i ++)
    papplClientHTMLPrintf(client, "<option value=\"%s\"%s>%s</option>", lpra_drivers[i].name,
                          strcmp(f->driver, lpra_drivers[i].name) ? "" : " selected",
                          lpra_drivers[i].description);
  papplClientHTMLPuts(client, "</select></td></tr>\n<tr><th></th><td><input type=\"submit\" "
                      "id=\"add\" value=\"Add Printer\"></td></tr>\n</tbody></table></form>\n");
  show_services(client);
  papplClientHTMLPuts(client, "<p>Options after <code>?</code> are the cups-lpr backend's "
                      "(mode, banner, format, order, reserve, timeout, contimeout, snmp...): "
                      "see lpr-printer-app(8).</p></div></div></div>\n");
  papplClientHTMLFooter(client);
}

// 'add_page()' - GET: the form; POST: create the printer and go to its page.
static bool
add_page(pappl_client_t *client, void *data)
{
  form_t          f;
  const char      *status = NULL;
  char            err[512], path[256];
  pappl_printer_t *printer = NULL;

  (void)data;
  if (!papplClientHTMLAuthorize(client))
    return (true);
  memset(&f, 0, sizeof(f));
  snprintf(f.driver, sizeof(f.driver), "raw");
  if (papplClientGetMethod(client) == HTTP_STATE_POST)
  {
    cups_option_t *form = NULL;
    int           num_form = papplClientGetForm(client, &form);

    if (num_form == 0)
      status = "Invalid form data.";
    else if (!papplClientIsValidForm(client, num_form, form))
      status = "Invalid form submission.";
    else
    {
      form_copy(f.name, sizeof(f.name), "printer_name", num_form, form);
      form_copy(f.uri, sizeof(f.uri), "device_uri", num_form, form);
      form_copy(f.driver, sizeof(f.driver), "driver_name", num_form, form);
      status = add_printer(client, &f, err, sizeof(err), &printer);
    }
    cupsFreeOptions(num_form, form);
    if (printer)
    {
      papplClientRespondRedirect(client, HTTP_STATUS_FOUND,
                                 papplPrinterGetPath(printer, NULL, path, sizeof(path)));
      return (true);
    }
  }
  show_add_form(client, &f, status);
  return (true);
}

// 'recreate()' - Apply a new device URI: the same printer (ID, name, driver) on a new URI.
//
// PAPPL 1.3.1 cannot change a device URI in place, and papplPrinterDelete() frees the printer
// at once: *printer becomes the new one, or, when it cannot be made, the old one made again
// on its old URI (NULL only if even that fails).  Returns whether the URI changed.
static bool
recreate(pappl_printer_t **printer, const char *uri, const char **status)
{
  pappl_system_t  *system = papplPrinterGetSystem(*printer);
  int             id = papplPrinterGetID(*printer);
  char            name[128], driver[64], location[256], org[256], unit[256], geo[256];
  char            old_uri[LPRA_URI_MAX];
  pappl_printer_t *np;

  if (papplPrinterGetNumberOfActiveJobs(*printer) > 0)
  {
    *status = "The printer has active jobs: change its device URI when they are done.";
    return (false);
  }
  snprintf(old_uri, sizeof(old_uri), "%s", papplPrinterGetDeviceURI(*printer));
  snprintf(name, sizeof(name), "%s", papplPrinterGetName(*printer));      // PAPPL: <128
  snprintf(driver, sizeof(driver), "%s", papplPrinterGetDriverName(*printer));
  papplPrinterGetLocation(*printer, location, sizeof(location));
  papplPrinterGetOrganization(*printer, org, sizeof(org));
  papplPrinterGetOrganizationalUnit(*printer, unit, sizeof(unit));
  papplPrinterGetGeoLocation(*printer, geo, sizeof(geo));
  papplPrinterDelete(*printer);
  *printer = NULL;
  if ((np = papplPrinterCreate(system, id, name, driver, NULL, uri)) == NULL)
  {
    *status = create_error(errno);
    if ((np = papplPrinterCreate(system, id, name, driver, NULL, old_uri)) == NULL)
      return (false);                   // gone: the caller sends the browser home
  }
  papplPrinterSetLocation(np, location);
  papplPrinterSetOrganization(np, org);
  papplPrinterSetOrganizationalUnit(np, unit);
  if (geo[0])
    papplPrinterSetGeoLocation(np, geo);
  papplPrinterSetDNSSDName(np, name);
  *printer = np;
  return (strcmp(papplPrinterGetDeviceURI(np), old_uri) != 0);
}

// 'queue_post()' - The LPD Queue page's form: check the new URI, then apply it (*printer may
//                  change: see recreate()).  Returns whether it changed.
static bool
queue_post(pappl_client_t *client, pappl_printer_t **printer, char *uri, size_t urisize,
           char *err, size_t errsize, const char **status)
{
  cups_option_t   *form = NULL;
  int             num_form = papplClientGetForm(client, &form);
  bool            changed = false;

  if (num_form == 0 || !papplClientIsValidForm(client, num_form, form))
    *status = "Invalid form submission.";
  else
  {
    form_copy(uri, urisize, "device_uri", num_form, form);
    if (!lpraCheckURI(uri, NULL, NULL, err, errsize))
      *status = err;
    else if ((changed = recreate(printer, uri, status)))
      *status = "Device URI changed.";
  }
  cupsFreeOptions(num_form, form);
  return (changed);
}

// 'queue_page()' - A printer's LPD queue: its device URI, and a form to change it.
static bool
queue_page(pappl_client_t *client, void *data)
{
  pappl_system_t  *system = papplClientGetSystem(client);
  pappl_printer_t *printer = papplSystemFindPrinter(system, NULL, (int)(intptr_t)data, NULL);
  const char      *status = NULL;
  char            uri[LPRA_URI_MAX], err[512], path[256];

  if (!printer)
    return (false);
  if (!papplClientHTMLAuthorize(client))
    return (true);
  snprintf(uri, sizeof(uri), "%s", papplPrinterGetDeviceURI(printer));
  if (papplClientGetMethod(client) == HTTP_STATE_POST)
  {
    bool changed = queue_post(client, &printer, uri, sizeof(uri), err, sizeof(err), &status);

    if (!printer)
    {
      papplClientRespondRedirect(client, HTTP_STATUS_FOUND, "/");
      return (true);
    }
    if (changed)
    {
      papplClientRespondRedirect(client, HTTP_STATUS_FOUND,
                                 papplPrinterGetPath(printer, NULL, path, sizeof(path)));
      return (true);
    }
  }
  papplClientHTMLPrinterHeader(client, printer, "LPD Queue", 0, NULL, NULL);
  if (status)
    papplClientHTMLPrintf(client, "<div class=\"banner\" id=\"error\">%s</div>\n", status);
  papplClientHTMLPrintf(client, "<p>Jobs go to <code id=\"current_uri\">%s</code> "
                        "(driver %s).</p>\n", papplPrinterGetDeviceURI(printer),
                        lpraDriverForPrinter(printer)->description);
  papplClientHTMLStartForm(client, papplPrinterGetPath(printer, "lpd", path, sizeof(path)),
                           false);
  papplClientHTMLPrintf(client, "<p><label for=\"device_uri\">New device URI:</label> "
                        "<input type=\"text\" name=\"device_uri\" id=\"device_uri\" "
                        "size=\"60\" value=\"%s\" required> <input type=\"submit\" "
                        "id=\"change\" value=\"Change\"></p></form>\n", uri);
  papplClientHTMLPrinterFooter(client);
  return (true);
}

// 'lpraWebPrinterLinks()' - A printer's "LPD Queue" page and its link.
void
lpraWebPrinterLinks(pappl_printer_t *printer)
{
  char path[256];

  papplPrinterGetPath(printer, "lpd", path, sizeof(path));
  papplSystemAddResourceCallback(papplPrinterGetSystem(printer), path, "text/html", queue_page,
                                 (void *)(intptr_t)papplPrinterGetID(printer));
  papplPrinterAddLink(printer, "LPD Queue", path,
                      PAPPL_LOPTIONS_NAVIGATION | PAPPL_LOPTIONS_STATUS);
}

// 'lpraWebSetup()' - The Add LPD Printer page and its link on the system's pages.
void
lpraWebSetup(pappl_system_t *system)
{
  papplSystemAddResourceCallback(system, ADD_PATH, "text/html", add_page, NULL);
  papplSystemAddLink(system, "Add LPD Printer", ADD_PATH,
                     PAPPL_LOPTIONS_NAVIGATION | PAPPL_LOPTIONS_PRINTER);
}
