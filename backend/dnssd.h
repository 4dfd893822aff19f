// dnssd.h - DNS-SD discovery of LPD queues (_printer._tcp) for `lpinfo -v` and the web UI.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#ifndef LPR_DNSSD_H
#define LPR_DNSSD_H

#include <stdbool.h>

// How long discovery may take at most: cups-deviced runs every backend for each `lpinfo -v`
// and Add Printer page, so this bounds how long they wait for us.  Avahi reports its first
// answers ("all for now") after about 1 s; the bound only matters for a slow resolver.
#define LPR_DNSSD_TIMEOUT_MS 4000

#ifdef HAVE_AVAHI
bool lprDnssdList(int timeout_ms);
#else
// 'lprDnssdList()' - Built with --disable-dnssd: nothing to discover.
static inline bool
lprDnssdList(int timeout_ms)
{
  (void)timeout_ms;
  return (true);
}
#endif

#endif // LPR_DNSSD_H
