// snmp.h - supply levels, printer state and the filters' SNMP requests, through the lpr-snmp
// helper, as one more input of the job's event loop.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// No CUPS calls and no knowledge of the job or of the side channel: a front end gives the
// loop and the agent's address, and hears back through one callback.

#ifndef LPR_SNMP_H
#define LPR_SNMP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "loop.h"
#include "lpd-net.h"
#include "snmp-msg.h"

typedef enum lpr_snmp_event_e           // what the callback hears
{
  LPR_SNMP_EV_SNAPSHOT,                 // a snapshot was reported (device_id is set)
  LPR_SNMP_EV_RELAY,                    // the answer to lprSnmpRelay() (reply), or NULL: failed
  LPR_SNMP_EV_GONE                      // no agent, or no helper: nothing more will come
} lpr_snmp_event_t;

typedef void (*lpr_snmp_cb_t)(void *ctx, lpr_snmp_event_t ev, const lpr_snmp_reply_t *reply);

typedef struct lpr_snmp_s
{
  bool             enabled;             // snmp=on
  int              port;                // the agent's UDP port
  char             community[64];
  lpd_loop_t       *loop;
  lpr_snmp_cb_t    cb;
  void             *cb_ctx;
  pid_t            pid;                 // the helper, or -1
  int              fd;                  // our end of its socket, or -1
  bool             absent;              // no agent (or no helper): nothing more to ask
  bool             snap_pending;        // a snapshot was asked for and not answered yet
  int              snapshots;           // snapshots reported
  int              relay_kind;          // LPR_SNMP_GET/_GET_NEXT waiting, or 0
  char             relay_oid[LPR_SNMP_OID_MAX];
  bool             relay_sent;          // relay_kind was handed to the helper
  char             device_id[LPR_DEVICE_ID_MAX];
  uint32_t         reasons;             // printer-state-reasons bits reported so far
  bool             reasons_sent;        // the first snapshot set the whole reason list
  char             peer[80];            // "address:port" for messages
  lpr_snmp_reply_t *reply;              // receive buffer
} lpr_snmp_t;

void lprSnmpInit(lpr_snmp_t *s, lpd_loop_t *loop, bool enabled, int port,
                 const char *community, lpr_snmp_cb_t cb, void *cb_ctx);
bool lprSnmpStart(lpr_snmp_t *s, const lpd_addr_t *addr);
bool lprSnmpRelay(lpr_snmp_t *s, int kind, const char *oid);
bool lprSnmpWaitsForFirst(const lpr_snmp_t *s);
void lprSnmpFinish(lpr_snmp_t *s, bool canceled);

#endif // LPR_SNMP_H
