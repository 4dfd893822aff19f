// device.c - the "lpr" device scheme: PAPPL's handle on an LPD queue.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// PAPPL opens a printer's device once for a run of queued jobs, and also for status polls
// (name "printer") and driver detection (name "auto"), while RFC 1179 is one job per
// connection.  So opening an lpr: device only checks its URI with the backend's parser and
// never connects; each job's LPD exchange happens in the driver's callbacks (deliver.c), which
// read the printer's device URI themselves.  Nothing is ever written through the device.

#include "config.h"
#include "app.h"

#include <string.h>

static bool    lpr_open(pappl_device_t *device, const char *device_uri, const char *name);
static void    lpr_close(pappl_device_t *device);
static ssize_t lpr_read(pappl_device_t *device, void *buffer, size_t bytes);
static ssize_t lpr_write(pappl_device_t *device, const void *buffer, size_t bytes);
static bool    list_nothing(const char *info, const char *uri, const char *id, void *data);

// 'lpraCheckURI()' - Parse an lpr: device URI with the backend's parser and its messages.
bool
lpraCheckURI(const char *uri, lpr_uri_t *u, lpr_options_t *o, char *err, size_t errsize)
{
  lpr_uri_t     ubuf;
  lpr_options_t obuf;

  if (!u)
    u = &ubuf;
  if (!o)
    o = &obuf;
  lprOptionsDefaults(o);
  if (!uri || strncmp(uri, LPRA_SCHEME "://", sizeof(LPRA_SCHEME "://") - 1))
  {
    snprintf(err, errsize, "not an lpr:// device URI: \"%.200s\" (lpr://host[:port]/queue)",
             uri ? uri : "");
    return (false);
  }
  if (strlen(uri) >= LPRA_URI_MAX)
  {
    snprintf(err, errsize, "device URI too long (%zu bytes, at most %d)", strlen(uri),
             LPRA_URI_MAX - 1);
    return (false);
  }
  return (lprParseURI(uri, u, o, err, errsize));
}

// 'lpr_open()' - Check the URI; no connection (status polls open the device too).
static bool
lpr_open(pappl_device_t *device, const char *device_uri, const char *name)
{
  char err[512];

  (void)name;
  if (!lpraCheckURI(device_uri, NULL, NULL, err, sizeof(err)))
  {
    papplDeviceError(device, "%s", err);
    return (false);
  }
  papplDeviceSetData(device, NULL);
  return (true);
}

// 'lpr_close()' - Nothing to release: the device holds no connection.
static void
lpr_close(pappl_device_t *device)
{
  (void)device;
}

// 'lpr_read()' - An LPD queue has no back channel.
static ssize_t
lpr_read(pappl_device_t *device, void *buffer, size_t bytes)
{
  (void)device;
  (void)buffer;
  (void)bytes;
  return (0);
}

// 'lpr_write()' - Refuse: a job goes to an LPD queue whole, through the core, never as writes.
static ssize_t
lpr_write(pappl_device_t *device, const void *buffer, size_t bytes)
{
  (void)buffer;
  (void)bytes;
  papplDeviceError(device, "the lpr device takes whole jobs only (no device writes)");
  return (-1);
}

// 'list_nothing()' - papplDeviceList() callback that lists nothing.
static bool
list_nothing(const char *info, const char *uri, const char *id, void *data)
{
  (void)info;
  (void)uri;
  (void)id;
  (void)data;
  return (true);
}

// 'lpraDeviceRegister()' - Register the "lpr" scheme, after PAPPL's own.
//
// PAPPL 1.3 adds its built-in schemes (file, socket, dnssd, snmp, usb) only when no scheme is
// registered yet at the first papplDeviceList()/papplDeviceOpen(); registering ours first would
// leave them out.  A list call with no device types adds them and lists nothing.
void
lpraDeviceRegister(void)
{
  papplDeviceList(0, list_nothing, NULL, NULL, NULL);
  papplDeviceAddScheme2(LPRA_SCHEME, PAPPL_DEVTYPE_CUSTOM_NETWORK, NULL, lpr_open, lpr_close,
                        lpr_read, lpr_write, NULL, NULL, NULL);
}
