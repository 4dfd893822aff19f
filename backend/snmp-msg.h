// snmp-msg.h - the messages between the backend and its SNMP helper (lpr-snmp).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// The helper is a child of the backend, built from the same tree, talking over a
// SOCK_SEQPACKET socketpair on its fd 0: one request or reply per packet, so no message is
// ever read in parts.  Net-SNMP's blocking calls and its libraries stay out of the process that
// moves the job's data.

#ifndef LPR_SNMP_MSG_H
#define LPR_SNMP_MSG_H

#include <stdint.h>

#include "supplies.h"

#define LPR_SNMP_MAGIC    0x6c707231u   // "lpr1": both ends come from the same build
#define LPR_SNMP_OID_MAX  256           // dotted OID text of a side-channel request
#define LPR_SNMP_DATA_MAX 2048          // a side-channel answer (CUPS's buffer size)

typedef enum lpr_snmp_kind_e
{
  LPR_SNMP_SNAPSHOT = 1,                // supplies, printer status, error state, device ID
  LPR_SNMP_GET,                         // one GET for a filter (CUPS_SC_CMD_SNMP_GET)
  LPR_SNMP_GET_NEXT                     // one GETNEXT for a filter
} lpr_snmp_kind_t;

typedef enum lpr_snmp_status_e
{
  LPR_SNMP_OK = 0,
  LPR_SNMP_ABSENT,                      // no agent: refused at once, or silent for the timeout
  LPR_SNMP_NO_SUCH,                     // the agent has no such object (or no next one)
  LPR_SNMP_BAD_REQUEST,                 // the OID text is not an OID
  LPR_SNMP_ERROR                        // the agent answered with an error, or garbage
} lpr_snmp_status_t;

typedef struct lpr_snmp_request_s
{
  uint32_t magic;
  uint32_t kind;                        // lpr_snmp_kind_t
  char     oid[LPR_SNMP_OID_MAX];       // GET/GET_NEXT: dotted OID, NUL-terminated
} lpr_snmp_request_t;

typedef struct lpr_snmp_reply_s
{
  uint32_t       magic;
  uint32_t       kind;                  // the request's kind
  uint32_t       status;                // lpr_snmp_status_t
  uint32_t       ms;                    // how long the agent took
  uint32_t       datalen;               // GET/GET_NEXT: bytes in data ("oid\0value")
  char           data[LPR_SNMP_DATA_MAX];
  lpr_snapshot_t snap;                  // SNAPSHOT
} lpr_snmp_reply_t;

#endif // LPR_SNMP_MSG_H
