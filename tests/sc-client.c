// sc-client.c - plays a filter's side of the CUPS side channel against a running backend.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Usage: sc-client DELAY_MS -- BACKEND ARGV0 ARGS...
// Sets up CUPS_SC_FD (fd 4) as cupsd does (one socketpair, the backend's end on its fd 4), starts
// the backend, waits DELAY_MS (the transfer is under way), then sends every side-channel
// command and prints one line per answer: "NAME STATUS DATALEN HEXDATA MS".  Last line:
// "exit CODE".  The backend's stdin and stderr are inherited.

#include "config.h"

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
  int   sv[2], status;
  pid_t pid;
  char  data[2048];

  if (argc < 5 || strcmp(argv[2], "--"))
  {
    fputs("usage: sc-client DELAY_MS -- BACKEND ARGV0 ARGS...\n", stderr);
    return (2);
  }
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
  usleep((useconds_t)atoi(argv[1]) * 1000);

  for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i ++)
  {
    int              len = sizeof(data);
    double           t0 = ms_now();
    cups_sc_status_t st = cupsSideChannelDoRequest(cmds[i].cmd, data, &len, 5.0);

    report(cmds[i].name, st, data, st == CUPS_SC_STATUS_OK ? len : 0, ms_now() - t0);
  }
  {
    int              len = sizeof(data);
    double           t0 = ms_now();
    cups_sc_status_t st = cupsSideChannelSNMPGet(".1.3.6.1.2.1.1.1.0", data, &len, 5.0);

    report("SNMP_GET", st, data, st == CUPS_SC_STATUS_OK ? len : 0, ms_now() - t0);
  }
  close(CUPS_SC_FD);
  waitpid(pid, &status, 0);
  printf("exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  return (0);
}
