// snmp.h - supply levels, printer state and the filters' SNMP requests, through the lpr-snmp
// helper, as one more input of the job's event loop.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#ifndef LPR_SNMP_H
#define LPR_SNMP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "snmp-msg.h"

struct lpr_job_s;

typedef struct lpr_snmp_s
{
  pid_t            pid;                 // the helper, or -1
  int              fd;                  // our end of its socket, or -1
  bool             absent;              // no agent (or no helper): nothing more to ask
  bool             snap_pending;        // a snapshot was asked for and not answered yet
  int              snapshots;           // snapshots reported
  int              relay_cmd;           // side-channel SNMP command waiting, or 0
  char             relay_oid[LPR_SNMP_OID_MAX];
  bool             relay_sent;          // relay_cmd was handed to the helper
  bool             devid_pending;       // GET_DEVICE_ID waits for the first snapshot
  char             device_id[LPR_DEVICE_ID_MAX];
  uint32_t         reasons;             // printer-state-reasons bits reported so far
  bool             reasons_sent;        // the first snapshot set the whole reason list
  char             peer[80];            // "address:port" for messages
  lpr_snmp_reply_t *reply;              // receive buffer
} lpr_snmp_t;

void lprSnmpInit(lpr_snmp_t *s);
bool lprSnmpStart(struct lpr_job_s *job);
void lprSnmpService(struct lpr_job_s *job);
bool lprSnmpRelay(struct lpr_job_s *job, int cmd, const char *data, int datalen);
bool lprSnmpDeviceID(struct lpr_job_s *job);
void lprSnmpFinish(struct lpr_job_s *job, bool canceled);

#endif // LPR_SNMP_H
