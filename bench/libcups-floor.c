// libcups-floor.c - the start-up floor of any CUPS backend linked with the system libcups: a
// program that links it, asks for its device URI as a backend does, and exits.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// bench/run.sh starts 40 of these in one burst, as it starts the 40 backends, so its report
// shows how much of either backend's burst is only the dynamic loading of libcups and its 31
// libraries (bench/README.md, "Concurrency").

#include <cups/backend.h>
#include <stdio.h>

int
main(int argc, char *argv[])
{
  const char *uri = cupsBackendDeviceURI(argv);

  (void)argc;
  return (uri && *uri ? 0 : 1);
}
