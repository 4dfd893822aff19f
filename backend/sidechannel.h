// sidechannel.h - answer the filters' side-channel requests (CUPS_SC_FD): the only writer of
// side-channel answers.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// An input of the job's loop like any other, so a request is answered wherever the job is.
// It reads the job's state through a narrow view (the core job and the SNMP state), never the
// backend's job struct.

#ifndef LPR_SIDECHANNEL_H
#define LPR_SIDECHANNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "loop.h"
#include "lpd-job.h"
#include "snmp.h"

typedef struct lpr_sc_s
{
  int             fd;                   // CUPS_SC_FD, or -1
  lpd_loop_t      *loop;
  const lpd_job_t *core;                // connected, sock_fd
  lpr_snmp_t      *snmp;                // device ID, printer conditions, SNMP relay
  bool            drain_pending;        // DRAIN_OUTPUT waits for the socket to drain
  bool            devid_pending;        // GET_DEVICE_ID waits for the first snapshot
  int             relay_cmd;            // SNMP_GET/SNMP_GET_NEXT waits for the agent, or 0
  int64_t         wait_ns;              // when that wait began (lprNowNs)
} lpr_sc_t;

#define LPR_SC_SNMP_WAIT_MS 1000        // longest wait for an agent that is not being asked

int  lprSideChannelOpen(void);
void lprSideChannelInit(lpr_sc_t *sc, int fd, lpd_loop_t *loop, const lpd_job_t *core,
                        lpr_snmp_t *snmp);
void lprSideChannelTick(lpr_sc_t *sc);
void lprSideChannelSnmp(void *ctx, lpr_snmp_event_t ev, const lpr_snmp_reply_t *reply);
void lprSideChannelFinish(lpr_sc_t *sc, bool ok);

#endif // LPR_SIDECHANNEL_H
