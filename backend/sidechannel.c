// sidechannel.c - answer the filters' side-channel requests (CUPS_SC_FD) from the job's state.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Serviced from the same poll loop as the data and the socket, so an answer never waits for
// the transfer and the transfer never waits for an answer.

#include "config.h"
#include "sidechannel.h"
#include "job.h"
#include "supplies.h"

#include <cups/sidechannel.h>
#include <fcntl.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

// 'lprSideChannelOpen()' - The side-channel fd when cupsd gave us one, else -1.
int
lprSideChannelOpen(void)
{
  struct stat st;

  // cupsd passes a socketpair as CUPS_SC_FD; anything else there is not ours to read.
  if (fstat(CUPS_SC_FD, &st) < 0 || !S_ISSOCK(st.st_mode))
    return (-1);
  fcntl(CUPS_SC_FD, F_SETFD, FD_CLOEXEC);
  return (CUPS_SC_FD);
}

// 'sc_state()' - GET_STATE from what the backend knows: the connection and the last SNMP
// snapshot's printer-state-reasons.
static int
sc_state(const lpr_job_t *job)
{
  static const struct { const char *reason; int bit; } map[] =
  {
    { "media-low-report", CUPS_SC_STATE_MEDIA_LOW },
    { "media-empty-warning", CUPS_SC_STATE_MEDIA_EMPTY },
    { "toner-low-report", CUPS_SC_STATE_MARKER_LOW },
    { "marker-supply-low-report", CUPS_SC_STATE_MARKER_LOW },
    { "toner-empty-warning", CUPS_SC_STATE_MARKER_EMPTY },
    { "marker-supply-empty-warning", CUPS_SC_STATE_MARKER_EMPTY },
    { "media-jam-warning", CUPS_SC_STATE_ERROR },
    { "door-open-report", CUPS_SC_STATE_ERROR },
    { "offline-report", -1 }
  };
  int state = lprStatusReasonIsSet("connecting-to-device") ? CUPS_SC_STATE_OFFLINE
                                                            : CUPS_SC_STATE_ONLINE;

  for (int b = 0; b < LPR_SNMP_REASONS; b ++)
    if (job->snmp.reasons & (1u << b))
      for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i ++)
        if (!strcmp(map[i].reason, lprSuppliesReasonName(b)))
          state = map[i].bit < 0 ? state & ~CUPS_SC_STATE_ONLINE : state | map[i].bit;
  return (state);
}

// 'lprSideChannelService()' - Read one request and answer it.
void
lprSideChannelService(lpr_job_t *job)
{
  cups_sc_command_t cmd;
  cups_sc_status_t  status;
  char              data[2048];
  int               datalen = sizeof(data);

  if (cupsSideChannelRead(&cmd, &status, data, &datalen, 1.0))
    return;
  switch (cmd)
  {
    case CUPS_SC_CMD_GET_BIDI :
        data[0] = CUPS_SC_BIDI_NOT_SUPPORTED;   // LPD has no back channel
        cupsSideChannelWrite(cmd, CUPS_SC_STATUS_OK, data, 1, 1.0);
        break;
    case CUPS_SC_CMD_GET_DEVICE_ID :
        lprSnmpDeviceID(job);           // from the agent's first snapshot, else empty
        break;
    case CUPS_SC_CMD_GET_STATE :
        data[0] = (char)sc_state(job);
        cupsSideChannelWrite(cmd, CUPS_SC_STATUS_OK, data, 1, 1.0);
        break;
    case CUPS_SC_CMD_GET_CONNECTED :
        data[0] = job->connected ? 1 : 0;
        cupsSideChannelWrite(cmd, CUPS_SC_STATUS_OK, data, 1, 1.0);
        break;
    case CUPS_SC_CMD_DRAIN_OUTPUT :
        // Drained means the server's TCP has acknowledged every byte we were given so far.
        job->drain_pending = true;
        lprSideChannelTick(job);
        break;
    case CUPS_SC_CMD_SNMP_GET :
    case CUPS_SC_CMD_SNMP_GET_NEXT :
        if (!lprSnmpRelay(job, cmd, data, datalen))
          cupsSideChannelWrite(cmd, CUPS_SC_STATUS_NOT_IMPLEMENTED, "", 0, 1.0);
        break;
    default :
        cupsSideChannelWrite(cmd, CUPS_SC_STATUS_NOT_IMPLEMENTED, "", 0, 1.0);
        break;
  }
}

// 'lprSideChannelTick()' - Answer a pending DRAIN_OUTPUT once the socket's send queue is empty.
void
lprSideChannelTick(lpr_job_t *job)
{
  int queued = 0;

  if (!job->drain_pending)
    return;
  if (job->sock_fd >= 0 && (ioctl(job->sock_fd, SIOCOUTQ, &queued) < 0 || queued > 0))
    return;                             // still in flight: ask again at the next tick
  cupsSideChannelWrite(CUPS_SC_CMD_DRAIN_OUTPUT, CUPS_SC_STATUS_OK, "", 0, 1.0);
  job->drain_pending = false;
}

// 'lprSideChannelFinish()' - Answer a pending DRAIN_OUTPUT once the job's fate is known.
void
lprSideChannelFinish(lpr_job_t *job, bool ok)
{
  if (job->sc_fd >= 0 && job->drain_pending)
  {
    cupsSideChannelWrite(CUPS_SC_CMD_DRAIN_OUTPUT, ok ? CUPS_SC_STATUS_OK
                                                      : CUPS_SC_STATUS_IO_ERROR, "", 0, 1.0);
    job->drain_pending = false;
  }
}
