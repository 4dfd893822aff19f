// sc-client.c - plays a filter's side of the CUPS side channel against a running backend.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Usage: sc-client DELAY_MS [-g OID]... [-w OID]... -- BACKEND ARGV0 ARGS...
// Sets up CUPS_SC_FD (fd 4) as cupsd does (one socketpair, the backend's end on its fd 4), starts
// the backend, waits DELAY_MS (the transfer is under way), then sends every side-channel
// command and prints one line per answer: "NAME STATUS DATALEN HEXDATA MS".  Then
// cupsSideChannelSNMPGet() of each -g OID (default: sysDescr.0), printed as
// "SNMP_GET STATUS DATALEN HEXDATA MS" and "VALUE OID TEXT", and cupsSideChannelSNMPWalk() of
// each -w OID: "WALK OID TEXT" per object, then "WALKED STATUS COUNT MS".  Last line:
// "exit CODE".  The backend's stdin and stderr are inherited.

#include "config.h"

#include <cups/cups.h>
#include <cups/sidechannel.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

// 'ms_now()' - Monotonic milliseconds.
static double
ms_now(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ((double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6);
}

// 'report()' - Print one answer.
static void
report(const char *name, cups_sc_status_t st, const char *data, int len, double ms)
{
  printf("%s %d %d ", name, (int)st, len);
  for (int i = 0; i < len && i < 32; i ++)
    printf("%02x", (unsigned char)data[i]);
  printf("%s %.0f\n", len ? "" : "-", ms);
  fflush(stdout);
}

static int walk_count;                 // objects seen by the current walk

// 'walk_cb()' - Print one object of an SNMP walk.
static void
walk_cb(const char *oid, const char *data, int datalen, void *context)
{
  (void)context;
  walk_count ++;
  printf("WALK %s %.*s\n", oid, datalen, data);
}

// 'main()' - Run the backend with a side channel and ask it everything.
int
main(int argc, char *argv[])
{
  static const struct { cups_sc_command_t cmd; const char *name; } cmds[] =
  {
    { CUPS_SC_CMD_GET_BIDI, "GET_BIDI" },
    { CUPS_SC_CMD_GET_DEVICE_ID, "GET_DEVICE_ID" },
    { CUPS_SC_CMD_GET_STATE, "GET_STATE" },
    { CUPS_SC_CMD_GET_CONNECTED, "GET_CONNECTED" },
    { CUPS_SC_CMD_SOFT_RESET, "SOFT_RESET" },
    { CUPS_SC_CMD_DRAIN_OUTPUT, "DRAIN_OUTPUT" },
  };
  int        sv[2], status, a = 2, ngets = 0, nwalks = 0;
  pid_t      pid;
  char       data[2048];
  const char *gets[16], *walks[16];

  while (a + 1 < argc && (!strcmp(argv[a], "-g") || !strcmp(argv[a], "-w")))
  {
    if (argv[a][1] == 'g' && ngets < 16)
      gets[ngets ++] = argv[a + 1];
    else if (argv[a][1] == 'w' && nwalks < 16)
      walks[nwalks ++] = argv[a + 1];
    a += 2;
  }
  if (argc < a + 3 || strcmp(argv[a], "--"))
  {
    fputs("usage: sc-client DELAY_MS [-g OID]... [-w OID]... -- BACKEND ARGV0 ARGS...\n", stderr);
    return (2);
  }
  argv += a - 2;
  if (ngets == 0)
    gets[ngets ++] = ".1.3.6.1.2.1.1.1.0";
  if (socketpair(AF_LOCAL, SOCK_STREAM, 0, sv) < 0)
    return (1);
  // Move both ends clear of fd 4, which each side then takes over.
  for (int i = 0; i < 2; i ++)
  {
    int fd = fcntl(sv[i], F_DUPFD, 10);

    close(sv[i]);
    sv[i] = fd;
  }
  if ((pid = fork()) == 0)
  {
    dup2(sv[1], CUPS_SC_FD);
    close(sv[0]);
    close(sv[1]);
    execv(argv[3], argv + 4);
    _exit(127);
  }
  dup2(sv[0], CUPS_SC_FD);
  close(sv[0]);
  close(sv[1]);
  // libcups sets up its per-thread globals (nsswitch.conf, the passwd entry) on the first
  // side-channel request; do it now, so that the times below are the backend's answers.
  (void)cupsUser();
  usleep((useconds_t)strtol(argv[1], NULL, 10) * 1000);

  for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i ++)
  {
    int              len = sizeof(data);
    double           t0 = ms_now();
    cups_sc_status_t st = cupsSideChannelDoRequest(cmds[i].cmd, data, &len, 5.0);

    report(cmds[i].name, st, data, st == CUPS_SC_STATUS_OK ? len : 0, ms_now() - t0);
  }
  for (int i = 0; i < ngets; i ++)
  {
    int              len = sizeof(data) - 1;
    double           t0 = ms_now();
    cups_sc_status_t st = cupsSideChannelSNMPGet(gets[i], data, &len, 5.0);

    report("SNMP_GET", st, data, st == CUPS_SC_STATUS_OK ? len : 0, ms_now() - t0);
    if (st == CUPS_SC_STATUS_OK)
      printf("VALUE %s %.*s\n", gets[i], len, data);
  }
  for (int i = 0; i < nwalks; i ++)
  {
    double           t0 = ms_now();
    cups_sc_status_t st;

    walk_count = 0;
    st = cupsSideChannelSNMPWalk(walks[i], 5.0, walk_cb, NULL);
    printf("WALKED %d %d %.0f\n", (int)st, walk_count, ms_now() - t0);
  }
  fflush(stdout);
  close(CUPS_SC_FD);
  waitpid(pid, &status, 0);
  printf("exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  return (0);
}
