// dnssd.c - DNS-SD discovery of LPD queues (_printer._tcp) for `lpinfo -v` and the web UI,
// with Avahi's client library, as CUPS's dnssd backend does.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Run when the backend has no arguments (cups-deviced does that for every `lpinfo -v` and Add
// Printer page).  Each _printer._tcp service (Bonjour Printing Specification: LPD) resolved
// within the bound becomes one line
//   network lpr://HOST[:PORT]/QUEUE "MAKE MODEL" "INFO" "DEVICE-ID" "LOCATION"
// with the queue from TXT `rp`, make and model from `ty` (else `product` without its
// parentheses), the device ID from `usb_MFG`/`usb_MDL`/`usb_CMD`, the location from `note`
// and INFO the service name.  No other service type is ever browsed.  Without a running
// avahi-daemon nothing is listed and a DEBUG line says why.

#include "config.h"
#include "dnssd.h"
#include "clock.h"
#include "status.h"
#include "text.h"

#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-common/simple-watch.h>
#include <avahi-common/strlst.h>
#include <cups/backend.h>
#include <cups/cups.h>
#include <stdio.h>
#include <string.h>

#define DNSSD_TYPE     "_printer._tcp"
#define DNSSD_MAX      256            // services listed at most (a big site has fewer queues)
#define DNSSD_KEY_MAX  320            // "name\x1fdomain": DNS labels are <= 63, names <= 255
#define DNSSD_TEXT_MAX 256            // one TXT value, cleaned (a TXT string is <= 255 bytes)

typedef struct dnssd_s
{
  AvahiSimplePoll *poll;               // the event loop Avahi runs in
  AvahiClient     *client;             // connection to avahi-daemon over D-Bus
  int             pending;             // resolvers started and not answered yet
  bool            all_for_now;         // the browser reported what it knows at this time
  bool            failed;              // the daemon or the browser failed
  int             nseen;               // entries used in seen[]
  char            seen[DNSSD_MAX][DNSSD_KEY_MAX];  // services already listed or resolving
} dnssd_t;

// 'txt_value()' - Copy the cleaned value of TXT key into buf ("" when absent); true if found.
static bool
txt_value(AvahiStringList *txt,         // I - TXT record
          const char      *key,         // I - key, e.g. "rp"
          char            *buf,         // O - value without control bytes
          size_t          size)         // I - size of buf
{
  AvahiStringList *item = avahi_string_list_find(txt, key);
  char            *k = NULL, *v = NULL;
  size_t          vlen = 0;
  bool            found;

  buf[0] = '\0';
  if (!item || avahi_string_list_get_pair(item, &k, &v, &vlen) < 0)
    return (false);
  found = v != NULL;                    // a bare "key" (no '=') has no value
  if (found)
    lprTextClean(buf, size, v, vlen);
  avahi_free(k);
  avahi_free(v);
  return (found);
}

// 'make_model()' - "MAKE MODEL" from `ty`, else from `product` "(NAME)", else "Unknown".
static void
make_model(AvahiStringList *txt,        // I - TXT record
           char            *buf,        // O - make and model
           size_t          size)        // I - size of buf
{
  char   product[DNSSD_TEXT_MAX];
  size_t len;

  if (txt_value(txt, "ty", buf, size) && buf[0])
    return;
  if (txt_value(txt, "product", product, sizeof(product)) && product[0])
  {
    len = strlen(product);
    if (product[0] == '(' && len > 2 && product[len - 1] == ')')
    {
      product[len - 1] = '\0';
      snprintf(buf, size, "%s", product + 1);      // buf is DNSSD_TEXT_MAX: cannot be cut
    }
    else
      snprintf(buf, size, "%s", product);
    return;
  }
  snprintf(buf, size, "Unknown");
}

// 'device_id()' - IEEE 1284 device ID from the usb_MFG, usb_MDL and usb_CMD keys, or "".
static void
device_id(AvahiStringList *txt,         // I - TXT record
          char            *buf,         // O - device ID
          size_t          size)         // I - size of buf (3 values + keys fit)
{
  char mfg[DNSSD_TEXT_MAX], mdl[DNSSD_TEXT_MAX], cmd[DNSSD_TEXT_MAX];
  int  n;

  buf[0] = '\0';
  txt_value(txt, "usb_MFG", mfg, sizeof(mfg));
  txt_value(txt, "usb_MDL", mdl, sizeof(mdl));
  txt_value(txt, "usb_CMD", cmd, sizeof(cmd));
  if (!mfg[0] || !mdl[0])
    return;
  if (cmd[0])
    n = snprintf(buf, size, "MFG:%s;MDL:%s;CMD:%s;", mfg, mdl, cmd);
  else
    n = snprintf(buf, size, "MFG:%s;MDL:%s;", mfg, mdl);
  if (n < 0 || (size_t)n >= size)
    buf[0] = '\0';                      // a cut device ID would name another model
}

// 'seen_before()' - True when NAME in DOMAIN was already taken; else remember it.
//
// A service is announced once per interface and address family: list it once.
static bool
seen_before(dnssd_t    *d,              // I - discovery state
            const char *name,           // I - service name
            const char *domain)         // I - domain, e.g. "local"
{
  char key[DNSSD_KEY_MAX];
  int  i, n;

  n = snprintf(key, sizeof(key), "%s\x1f%s", name, domain);
  if (n < 0 || (size_t)n >= sizeof(key))
    return (true);                      // not a valid DNS-SD name: skip it
  for (i = 0; i < d->nseen; i ++)
    if (!strcmp(d->seen[i], key))
      return (true);
  if (d->nseen >= DNSSD_MAX)
    return (true);
  memcpy(d->seen[d->nseen ++], key, (size_t)n + 1);
  return (false);
}

// 'encode_queue()' - "/QUEUE" with every byte but RFC 3986 unreserved ones %-encoded.
//
// The backend's URI parser takes "%2F" and "%3F" as a '/' or '?' inside the queue name.
static bool
encode_queue(const char *queue,         // I - queue name (rp)
             char       *buf,           // O - resource
             size_t     size)           // I - size of buf
{
  static const char   hex[] = "0123456789ABCDEF";
  const unsigned char *q;
  size_t              o = 0;

  buf[o ++] = '/';
  for (q = (const unsigned char *)queue; *q; q ++)
  {
    if (o + 4 > size)
      return (false);
    if ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') ||
        strchr("-._~", *q))
      buf[o ++] = (char)*q;
    else
    {
      buf[o ++] = '%';
      buf[o ++] = hex[*q >> 4];
      buf[o ++] = hex[*q & 15];
    }
  }
  buf[o] = '\0';
  return (true);
}

// 'report()' - Print the device line of one resolved service.
static void
report(const char      *name,           // I - service name (device-info)
       const char      *host,           // I - host name, e.g. "office.local"
       uint16_t        port,            // I - TCP port
       AvahiStringList *txt)            // I - TXT record
{
  char queue[DNSSD_TEXT_MAX], makemodel[DNSSD_TEXT_MAX], note[DNSSD_TEXT_MAX];
  char info[DNSSD_TEXT_MAX], devid[3 * DNSSD_TEXT_MAX + 32], uri[1024];
  char resource[3 * DNSSD_TEXT_MAX + 2];

  if (!txt_value(txt, "rp", queue, sizeof(queue)) || !queue[0])
  {
    // The queue name is part of the URI; an LPD server has no "default queue" to fall back on.
    lprStatus("DEBUG", "DNS-SD: \"%s\" on %s has no rp (queue) key: not listed", name, host);
    return;
  }
  make_model(txt, makemodel, sizeof(makemodel));
  device_id(txt, devid, sizeof(devid));
  txt_value(txt, "note", note, sizeof(note));
  lprTextClean(info, sizeof(info), name, strlen(name));
  // The default port stays out of the URI, as people write it; the queue is %-encoded.
  if (!encode_queue(queue, resource, sizeof(resource)) ||
      httpAssembleURI(HTTP_URI_CODING_HOSTNAME, uri, sizeof(uri), "lpr", NULL, host,
                      port == 515 ? 0 : port, resource) != HTTP_URI_STATUS_OK)
  {
    lprStatus("DEBUG", "DNS-SD: \"%s\": no URI for host %s queue %s", info, host, queue);
    return;
  }
  cupsBackendReport("network", uri, makemodel, info, devid, note);
  fflush(stdout);
}

// 'resolve_cb()' - A service was resolved (or not): list it and free the resolver.
static void
resolve_cb(AvahiServiceResolver   *r,   // I - resolver
           AvahiIfIndex           iface,  // I - interface (unused)
           AvahiProtocol          proto,  // I - protocol (unused)
           AvahiResolverEvent     event,  // I - FOUND or FAILURE
           const char             *name,  // I - service name
           const char             *type,  // I - service type
           const char             *domain,  // I - domain
           const char             *host,  // I - host name
           const AvahiAddress     *addr,  // I - address (unused: names survive DHCP)
           uint16_t               port,   // I - port
           AvahiStringList        *txt,   // I - TXT record
           AvahiLookupResultFlags flags,  // I - flags (unused)
           void                   *data)  // I - discovery state
{
  dnssd_t *d = data;

  if (event == AVAHI_RESOLVER_FOUND && host && host[0])
    report(name, host, port, txt);
  else
    lprStatus("DEBUG", "DNS-SD: could not resolve \"%s\" in %s: %s", name, domain,
              avahi_strerror(avahi_client_errno(d->client)));
  avahi_service_resolver_free(r);
  d->pending --;
}

// 'browse_cb()' - The browser saw a service, or has reported what it knows for now.
static void
browse_cb(AvahiServiceBrowser    *b,    // I - browser
          AvahiIfIndex           iface,  // I - interface
          AvahiProtocol          proto,  // I - protocol
          AvahiBrowserEvent      event,  // I - NEW, REMOVE, ALL_FOR_NOW, FAILURE...
          const char             *name,  // I - service name
          const char             *type,  // I - service type
          const char             *domain,  // I - domain
          AvahiLookupResultFlags flags,  // I - flags (unused)
          void                   *data)  // I - discovery state
{
  dnssd_t *d = data;

  switch (event)
  {
    case AVAHI_BROWSER_NEW :
        if (seen_before(d, name, domain))
          break;
        if (avahi_service_resolver_new(d->client, iface, proto, name, type, domain,
                                       AVAHI_PROTO_UNSPEC, 0, resolve_cb, d))
          d->pending ++;
        else
          lprStatus("DEBUG", "DNS-SD: cannot resolve \"%s\": %s", name,
                    avahi_strerror(avahi_client_errno(d->client)));
        break;
    case AVAHI_BROWSER_ALL_FOR_NOW :
        d->all_for_now = true;
        break;
    case AVAHI_BROWSER_FAILURE :
        lprStatus("DEBUG", "DNS-SD: browsing %s failed: %s", DNSSD_TYPE,
                  avahi_strerror(avahi_client_errno(d->client)));
        d->failed = true;
        break;
    default :
        break;
  }
}

// 'client_cb()' - The connection to avahi-daemon changed state: stop when it failed.
static void
client_cb(AvahiClient      *c,          // I - client
          AvahiClientState state,       // I - new state
          void             *data)       // I - discovery state
{
  dnssd_t *d = data;

  if (state == AVAHI_CLIENT_FAILURE)
    d->failed = true;
}

// 'lprDnssdList()' - List the _printer._tcp services found within timeout_ms on stdout.
bool
lprDnssdList(int timeout_ms)            // I - bound on the whole discovery
{
  static dnssd_t      d;                // (static: the seen[] table is 80 KB)
  AvahiServiceBrowser *browser = NULL;
  int64_t             start = lprNowNs();
  int                 err = 0, left;

  fflush(stdout);
  memset(&d, 0, sizeof(d));
  if ((d.poll = avahi_simple_poll_new()) == NULL)
    return (false);
  d.client = avahi_client_new(avahi_simple_poll_get(d.poll), 0, client_cb, &d, &err);
  if (!d.client)
  {
    lprStatus("DEBUG", "DNS-SD: no discovery: %s", avahi_strerror(err));
    avahi_simple_poll_free(d.poll);
    return (false);
  }
  browser = avahi_service_browser_new(d.client, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, DNSSD_TYPE,
                                      NULL, 0, browse_cb, &d);
  if (!browser)
  {
    lprStatus("DEBUG", "DNS-SD: cannot browse %s: %s", DNSSD_TYPE,
              avahi_strerror(avahi_client_errno(d.client)));
    d.failed = true;
  }
  while (!d.failed && !(d.all_for_now && d.pending == 0))
  {
    if ((left = timeout_ms - lprMsSince(start)) <= 0)
    {
      lprStatus("DEBUG", "DNS-SD: stopped after %d ms with %d services unresolved",
                timeout_ms, d.pending);
      break;
    }
    if (avahi_simple_poll_iterate(d.poll, left) != 0)
      break;
  }
  // Freeing the client frees the browser and any resolver still waiting.
  avahi_client_free(d.client);
  avahi_simple_poll_free(d.poll);
  return (!d.failed);
}
