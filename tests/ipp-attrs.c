// ipp-attrs.c - print printer attributes as cupsd reports them (IPP Get-Printer-Attributes).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Usage: ipp-attrs PRINTER ATTRIBUTE...
// Asks the cupsd that CUPS_SERVER (or client.conf) names and prints one line per attribute it
// returned: "NAME COUNT VALUE|VALUE|...".  Exit 1 when the request fails.

#include "config.h"

#include <cups/cups.h>
#include <stdio.h>
#include <string.h>

// 'main()' - Ask for the attributes and print them.
int
main(int argc, char *argv[])
{
  char            uri[1024];
  ipp_t           *req, *resp;
  ipp_attribute_t *a;

  if (argc < 3)
  {
    fputs("usage: ipp-attrs PRINTER ATTRIBUTE...\n", stderr);
    return (2);
  }
  httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof(uri), "ipp", NULL, "localhost", 0,
                   "/printers/%s", argv[1]);
  req = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES);
  ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
  ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", argc - 2,
                NULL, (const char * const *)(argv + 2));
  resp = cupsDoRequest(CUPS_HTTP_DEFAULT, req, "/");
  if (!resp || ippGetStatusCode(resp) > IPP_STATUS_OK_EVENTS_COMPLETE)
  {
    fprintf(stderr, "ipp-attrs: %s\n", cupsLastErrorString());
    ippDelete(resp);
    return (1);
  }
  for (a = ippFirstAttribute(resp); a; a = ippNextAttribute(resp))
  {
    const char *name = ippGetName(a);
    int        n = ippGetCount(a);

    if (!name || ippGetGroupTag(a) != IPP_TAG_PRINTER)
      continue;
    printf("%s %d ", name, n);
    for (int i = 0; i < n; i ++)
    {
      char value[2048];

      if (ippGetValueTag(a) == IPP_TAG_INTEGER || ippGetValueTag(a) == IPP_TAG_ENUM)
        snprintf(value, sizeof(value), "%d", ippGetInteger(a, i));
      else
        snprintf(value, sizeof(value), "%s", ippGetString(a, i, NULL));
      printf("%s%s", i ? "|" : "", value);
    }
    putchar('\n');
  }
  ippDelete(resp);
  return (0);
}
