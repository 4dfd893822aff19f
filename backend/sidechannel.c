// sidechannel.c - answer the filters' side-channel requests (CUPS_SC_FD) from the job's state.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Serviced from the job's loop with the data and the socket, so an answer never waits for the
// transfer and the transfer never waits for an answer.  A request that needs the SNMP agent
// (SNMP_GET, GET_DEVICE_ID before the first snapshot) pauses the reading of further requests
// until its answer is written, so answers keep their order.

#include "config.h"
#include "clock.h"
#include "sidechannel.h"
#include "status.h"
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
sc_state(const lpr_sc_t *sc)
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
    if (sc->snmp->reasons & (1u << b))
      for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i ++)
        if (!strcmp(map[i].reason, lprSuppliesReasonName(b)))
          state = map[i].bit < 0 ? state & ~CUPS_SC_STATE_ONLINE : state | map[i].bit;
  return (state);
}

// 'answer()' - Write one answer (the only place that does), and read requests again.
static void
answer(lpr_sc_t *sc, int cmd, cups_sc_status_t status, const char *data, int len)
{
  cupsSideChannelWrite((cups_sc_command_t)cmd, status, data, len, 1.0);
  lpdLoopPause(sc->loop, sc->fd, sc->devid_pending || sc->relay_cmd);
}

// 'wait_for_snmp()' - Leave further requests queued until the agent's answer is written.
static void
wait_for_snmp(lpr_sc_t *sc)
{
  sc->wait_ns = lprNowNs();
  lpdLoopPause(sc->loop, sc->fd, true);
}

// 'relay()' - A filter's SNMP_GET or SNMP_GET_NEXT, handed to the agent.
static void
relay(lpr_sc_t *sc, cups_sc_command_t cmd, const char *data, int datalen)
{
  char oid[LPR_SNMP_OID_MAX];

  if (!sc->snmp->enabled)
  {
    answer(sc, cmd, CUPS_SC_STATUS_NOT_IMPLEMENTED, "", 0);
    return;
  }
  if (sc->snmp->absent || datalen < 2 || datalen >= LPR_SNMP_OID_MAX)
  {
    // CUPS answers a short OID "bad message" too; a known-absent agent gets no more packets.
    answer(sc, cmd, sc->snmp->absent ? CUPS_SC_STATUS_IO_ERROR : CUPS_SC_STATUS_BAD_MESSAGE,
           "", 0);
    return;
  }
  memcpy(oid, data, (size_t)datalen);
  oid[datalen] = '\0';
  sc->relay_cmd = cmd;
  wait_for_snmp(sc);
  if (!lprSnmpRelay(sc->snmp, cmd == CUPS_SC_CMD_SNMP_GET ? LPR_SNMP_GET : LPR_SNMP_GET_NEXT,
                    oid))
  {
    sc->relay_cmd = 0;
    answer(sc, cmd, CUPS_SC_STATUS_IO_ERROR, "", 0);
  }
}

// 'device_id()' - GET_DEVICE_ID: from the agent's first snapshot (waited for), else empty.
static void
device_id(lpr_sc_t *sc)
{
  if (lprSnmpWaitsForFirst(sc->snmp))
  {
    sc->devid_pending = true;
    wait_for_snmp(sc);
    return;
  }
  answer(sc, CUPS_SC_CMD_GET_DEVICE_ID, CUPS_SC_STATUS_OK, sc->snmp->device_id,
         (int)strlen(sc->snmp->device_id));
}

// 'one_byte()' - Answer with one status byte.
static void
one_byte(lpr_sc_t *sc, cups_sc_command_t cmd, int value)
{
  char data = (char)value;

  answer(sc, cmd, CUPS_SC_STATUS_OK, &data, 1);
}

// 'service()' - Loop callback: read one request and answer it (or start to).
static void
service(void *ctx)
{
  lpr_sc_t          *sc = ctx;
  cups_sc_command_t cmd;
  cups_sc_status_t  status;
  char              data[2048];
  int               datalen = sizeof(data);

  if (cupsSideChannelRead(&cmd, &status, data, &datalen, 1.0))
    return;
  switch (cmd)
  {
    case CUPS_SC_CMD_GET_BIDI :
        one_byte(sc, cmd, CUPS_SC_BIDI_NOT_SUPPORTED);  // LPD has no back channel
        break;
    case CUPS_SC_CMD_GET_DEVICE_ID :
        device_id(sc);
        break;
    case CUPS_SC_CMD_GET_STATE :
        one_byte(sc, cmd, sc_state(sc));
        break;
    case CUPS_SC_CMD_GET_CONNECTED :
        one_byte(sc, cmd, sc->core->connected ? 1 : 0);
        break;
    case CUPS_SC_CMD_DRAIN_OUTPUT :
        // Drained means the server's TCP has acknowledged every byte we were given so far.
        sc->drain_pending = true;
        lprSideChannelTick(sc);
        break;
    case CUPS_SC_CMD_SNMP_GET :
    case CUPS_SC_CMD_SNMP_GET_NEXT :
        relay(sc, cmd, data, datalen);
        break;
    default :
        answer(sc, cmd, CUPS_SC_STATUS_NOT_IMPLEMENTED, "", 0);
        break;
  }
}

// 'lprSideChannelInit()' - Serve requests on fd (or none when -1) from the job's loop.
void
lprSideChannelInit(lpr_sc_t *sc, int fd, lpd_loop_t *loop, const lpd_job_t *core,
                   lpr_snmp_t *snmp)
{
  memset(sc, 0, sizeof(*sc));
  sc->fd   = fd;
  sc->loop = loop;
  sc->core = core;
  sc->snmp = snmp;
  if (fd >= 0)
    lpdLoopAdd(loop, fd, service, sc);
}

// 'relay_answer()' - The agent answered a filter's SNMP request (reply NULL: it could not).
static void
relay_answer(lpr_sc_t *sc, const lpr_snmp_reply_t *r)
{
  int              cmd = sc->relay_cmd;
  cups_sc_status_t st = !r ? CUPS_SC_STATUS_IO_ERROR
                      : r->status == LPR_SNMP_OK ? CUPS_SC_STATUS_OK
                      : r->status == LPR_SNMP_BAD_REQUEST ? CUPS_SC_STATUS_BAD_MESSAGE
                      : CUPS_SC_STATUS_IO_ERROR;

  sc->relay_cmd = 0;
  // A GETNEXT past the last object is the end of a walk, not an error: answer it with an
  // empty OID, which ends cupsSideChannelSNMPWalk() as leaving the subtree does.
  if (r && r->status == LPR_SNMP_NO_SUCH && cmd == CUPS_SC_CMD_SNMP_GET_NEXT)
    answer(sc, cmd, CUPS_SC_STATUS_OK, "", 1);
  else
    answer(sc, cmd, st, r ? r->data : "", st == CUPS_SC_STATUS_OK ? (int)r->datalen : 0);
}

// 'lprSideChannelSnmp()' - The SNMP module's callback: answer what waited for the agent.
void
lprSideChannelSnmp(void *ctx, lpr_snmp_event_t ev, const lpr_snmp_reply_t *reply)
{
  lpr_sc_t *sc = ctx;

  if (sc->fd < 0)
    return;
  if (ev == LPR_SNMP_EV_RELAY || (ev == LPR_SNMP_EV_GONE && sc->relay_cmd))
  {
    if (sc->relay_cmd)
      relay_answer(sc, ev == LPR_SNMP_EV_RELAY ? reply : NULL);
  }
  if (ev != LPR_SNMP_EV_RELAY && sc->devid_pending)
  {
    sc->devid_pending = false;
    answer(sc, CUPS_SC_CMD_GET_DEVICE_ID, CUPS_SC_STATUS_OK, sc->snmp->device_id,
           (int)strlen(sc->snmp->device_id));
  }
}

// 'lprSideChannelTick()' - Answer a pending DRAIN_OUTPUT once the socket's send queue is empty,
//                          and what waits for an agent that is not being asked.
//
// The SNMP helper starts once the printer's address is known; until then (a name lookup or a
// connect that keeps failing, for up to contimeout) nothing would answer a GET_DEVICE_ID or a
// relayed SNMP request.  After LPR_SC_SNMP_WAIT_MS without a running helper they get what is
// known: the device ID so far (empty), or an I/O error.  A running helper's own timeouts bound
// the wait otherwise.
void
lprSideChannelTick(lpr_sc_t *sc)
{
  int queued = 0;

  if ((sc->devid_pending || sc->relay_cmd) && sc->snmp->fd < 0 &&
      lprMsSince(sc->wait_ns) >= LPR_SC_SNMP_WAIT_MS)
  {
    if (sc->relay_cmd)
      relay_answer(sc, NULL);
    if (sc->devid_pending)
    {
      sc->devid_pending = false;
      answer(sc, CUPS_SC_CMD_GET_DEVICE_ID, CUPS_SC_STATUS_OK, sc->snmp->device_id,
             (int)strlen(sc->snmp->device_id));
    }
  }
  if (!sc->drain_pending)
    return;
  if (sc->core->sock_fd >= 0 && (ioctl(sc->core->sock_fd, SIOCOUTQ, &queued) < 0 || queued > 0))
    return;                             // still in flight: ask again at the next tick
  sc->drain_pending = false;
  answer(sc, CUPS_SC_CMD_DRAIN_OUTPUT, CUPS_SC_STATUS_OK, "", 0);
}

// 'lprSideChannelFinish()' - The job's fate is known: answer whatever still waits.
void
lprSideChannelFinish(lpr_sc_t *sc, bool ok)
{
  if (sc->fd < 0)
    return;
  if (sc->drain_pending)
  {
    sc->drain_pending = false;
    answer(sc, CUPS_SC_CMD_DRAIN_OUTPUT, ok ? CUPS_SC_STATUS_OK : CUPS_SC_STATUS_IO_ERROR, "",
           0);
  }
  lprSideChannelSnmp(sc, LPR_SNMP_EV_GONE, NULL);
  lpdLoopRemove(sc->loop, sc->fd);
}
