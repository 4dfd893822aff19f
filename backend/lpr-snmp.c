// lpr-snmp.c - the backend's SNMP helper: asks the printer's agent with Net-SNMP and answers
// the backend over a SOCK_SEQPACKET socket on fd 0.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Usage (by the backend only): lpr-snmp ADDRESS PORT COMMUNITY TIMEOUT-MS
//
// A separate process keeps Net-SNMP's blocking calls, its global state and its libraries
// (libnetsnmp, libssl, libcrypto: about 1.8 MB of resident memory) out of the process that
// moves the job's data.  SNMPv1, as CUPS's own backends use: every printer agent speaks it.
// The socket to the agent is connected, so an ICMP "port unreachable" (a host without an
// agent) ends the wait at once instead of after the timeout.  Once the agent is found absent
// it is not asked again: every later request is answered "absent" immediately.

#include "config.h"
#include "clock.h"
#include "sandbox.h"
#include "snmp-msg.h"
#include "supplies.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SNAPSHOT_MS  3000               // a whole snapshot, however many round trips
#define WALK_MAX     (8 * LPR_SUPPLIES_MAX + 64) // GETNEXT steps in one table walk
#define OID_MAX      128                // sub-identifiers we accept in an OID

// RFC 3805 and RFC 2790 objects, and the PWG Port Monitor MIB's device ID.
static const oid supplies_entry[] = { 1, 3, 6, 1, 2, 1, 43, 11, 1, 1 };  // prtMarkerSuppliesEntry
static const oid colorant_value[] = { 1, 3, 6, 1, 2, 1, 43, 12, 1, 1, 4 }; // prtMarkerColorantValue
static const oid hr_device_descr[] = { 1, 3, 6, 1, 2, 1, 25, 3, 2, 1, 3 }; // .hrDeviceIndex
static const oid hr_printer_status[] = { 1, 3, 6, 1, 2, 1, 25, 3, 5, 1, 1 };
static const oid hr_error_state[] = { 1, 3, 6, 1, 2, 1, 25, 3, 5, 1, 2 };
static const oid ppm_device_id[] = { 1, 3, 6, 1, 4, 1, 2699, 1, 2, 1, 2, 1, 1, 3, 1 };

#define OIDLEN(o) (sizeof(o) / sizeof((o)[0]))

typedef struct wait_s                   // one outstanding request
{
  bool        done;
  bool        timed_out;
  netsnmp_pdu *resp;
} wait_t;

static void             *sess;          // Net-SNMP single-session handle
static int              sock = -1;      // its (connected) socket
static bool             absent;         // the agent did not answer once: never ask again
static int64_t          deadline_ns;    // current request batch must end by then

// 'on_response()' - Net-SNMP callback: keep the answer, or note the timeout.
static int
on_response(int op, netsnmp_session *s, int reqid, netsnmp_pdu *pdu, void *magic)
{
  wait_t *w = magic;

  (void)s;
  (void)reqid;
  if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE)
    w->resp = snmp_clone_pdu(pdu);
  else
    w->timed_out = true;
  w->done = true;
  return (1);
}

// 'request()' - Send one PDU and wait for its answer; the PDU is consumed.
static lpr_snmp_status_t
request(netsnmp_pdu *pdu, netsnmp_pdu **resp)
{
  wait_t w = { false, false, NULL };

  *resp = NULL;
  if (absent)
  {
    snmp_free_pdu(pdu);
    return (LPR_SNMP_ABSENT);
  }
  if (!snmp_sess_async_send(sess, pdu, on_response, &w))
  {
    snmp_free_pdu(pdu);
    return (LPR_SNMP_ERROR);
  }
  while (!w.done)
  {
    struct pollfd  p = { sock, POLLIN, 0 };
    struct timeval tv = { 0, 0 };
    fd_set         fds;
    int            nfds = 0, block = 0, ms, left;

    FD_ZERO(&fds);
    snmp_sess_select_info(sess, &nfds, &fds, &tv, &block);
    ms   = (int)(tv.tv_sec * 1000 + tv.tv_usec / 1000) + 1;
    left = (int)((deadline_ns - lprNowNs()) / 1000000);
    if (left <= 0)
      break;
    if (ms > left)
      ms = left;
    if (poll(&p, 1, ms) > 0)
    {
      int err = 0;
      socklen_t len = sizeof(err);

      // A connected UDP socket reports the host's "port unreachable": nobody listens there.
      if ((p.revents & POLLERR) && !getsockopt(sock, SOL_SOCKET, SO_ERROR, &err, &len) &&
          err == ECONNREFUSED)
        break;
      FD_ZERO(&fds);
      FD_SET(sock, &fds);
      snmp_sess_read(sess, &fds);
    }
    else
      snmp_sess_timeout(sess);
  }
  if (!w.done || w.timed_out || !w.resp)
  {
    if (w.resp)
      snmp_free_pdu(w.resp);
    // Whatever was still pending is abandoned with the agent: it is not asked again.
    absent = true;
    return (LPR_SNMP_ABSENT);
  }
  *resp = w.resp;
  if (w.resp->errstat == SNMP_ERR_NOSUCHNAME)
    return (LPR_SNMP_NO_SUCH);
  if (w.resp->errstat != SNMP_ERR_NOERROR || !w.resp->variables)
    return (LPR_SNMP_ERROR);
  return (LPR_SNMP_OK);
}

// 'ask()' - One GET or GETNEXT of one OID; *resp holds the answer when OK.
static lpr_snmp_status_t
ask(int command, const oid *name, size_t len, netsnmp_pdu **resp)
{
  netsnmp_pdu       *pdu = snmp_pdu_create(command);
  lpr_snmp_status_t st;

  snmp_add_null_var(pdu, name, len);
  st = request(pdu, resp);
  if (st == LPR_SNMP_OK && (*resp)->variables->type == SNMP_NOSUCHOBJECT)
    st = LPR_SNMP_NO_SUCH;
  if (st != LPR_SNMP_OK && *resp)
  {
    snmp_free_pdu(*resp);
    *resp = NULL;
  }
  return (st);
}

// 'oid_text()' - Dotted text of an OID with a leading dot, as CUPS writes OIDs (its
// cupsSideChannelSNMPWalk() compares our answers with the OID it asked for, prefix and all);
// false when it does not fit.
static bool
oid_text(char *buf, size_t size, const oid *name, size_t len)
{
  size_t used = 0;

  buf[0] = '\0';
  for (size_t i = 0; i < len; i ++)
  {
    int n = snprintf(buf + used, size - used, ".%lu", (unsigned long)name[i]);

    if (n < 0 || (size_t)n >= size - used)
      return (false);
    used += (size_t)n;
  }
  return (true);
}

// 'oid_parse()' - Parse dotted OID text ("1.3.6.1..." or ".1.3.6..."); false if it is not one.
static bool
oid_parse(const char *text, oid *name, size_t *len)
{
  const char *p = *text == '.' ? text + 1 : text;

  *len = 0;
  while (*p)
  {
    char          *end;
    unsigned long v;

    if (*p < '0' || *p > '9' || *len >= OID_MAX)
      return (false);
    errno = 0;
    v = strtoul(p, &end, 10);
    if (errno || v > 0xffffffffUL || (*end && *end != '.') || (*end == '.' && !end[1]))
      return (false);
    name[(*len) ++] = (oid)v;
    p = *end ? end + 1 : end;
  }
  return (*len >= 2);
}

// 'scalar()' - GET one object of a table row, checking its type; NULL when absent or odd.
static netsnmp_pdu *
scalar(lpr_snapshot_t *snap, const oid *base, size_t baselen, int index, u_char type,
       const char *what)
{
  oid          name[OID_MAX];
  netsnmp_pdu  *resp = NULL;

  memcpy(name, base, baselen * sizeof(oid));
  name[baselen] = (oid)index;
  if (ask(SNMP_MSG_GET, name, baselen + 1, &resp) != LPR_SNMP_OK)
    return (NULL);
  if (resp->variables->type != type)
  {
    lprSnapshotNote(snap, "%s.%d has ASN.1 type 0x%02x, expected 0x%02x", what, index,
                    resp->variables->type, type);
    snmp_free_pdu(resp);
    return (NULL);
  }
  return (resp);
}

// 'take_cell()' - Store one prtMarkerSuppliesEntry cell in the snapshot.
static void
take_cell(lpr_snapshot_t *snap, const netsnmp_variable_list *v, int *device)
{
  static const char * const cols[] = { "", "", "MarkerIndex", "ColorantIndex", "Class", "Type",
                                       "Description", "SupplyUnit", "MaxCapacity", "Level" };
  int          col, dev, idx;
  lpr_supply_t *s;

  if (v->name_length != OIDLEN(supplies_entry) + 3)
  {
    lprSnapshotNote(snap, "supplies table cell with a %d-part index", (int)v->name_length -
                    (int)OIDLEN(supplies_entry) - 1);
    return;
  }
  col = (int)v->name[OIDLEN(supplies_entry)];
  dev = (int)v->name[OIDLEN(supplies_entry) + 1];
  idx = (int)v->name[OIDLEN(supplies_entry) + 2];
  if (col < 2 || col > 9 || idx < 1)
    return;                             // columns we do not use, or a nonsense index
  if (*device == 0)
    *device = dev;
  if (dev != *device)
    return;                             // a second marker device: report the first only
  if ((col == 6) != (v->type == ASN_OCTET_STR) || (col != 6 && v->type != ASN_INTEGER))
  {
    lprSnapshotNote(snap, "prtMarkerSupplies%s.%d.%d has ASN.1 type 0x%02x", cols[col], dev,
                    idx, v->type);
    return;
  }
  if ((s = lprSnapshotRow(snap, idx)) == NULL)
    return;
  switch (col)
  {
    case 3 :
        s->colorant = (int)*v->val.integer;
        s->have |= LPR_HAVE_COLORANT;
        break;
    case 4 :
        s->sclass = (int)*v->val.integer;
        s->have |= LPR_HAVE_CLASS;
        break;
    case 5 :
        s->type = (int)*v->val.integer;
        s->have |= LPR_HAVE_TYPE;
        break;
    case 6 :
        lprSnapshotText(s->name, sizeof(s->name), v->val.string, v->val_len);
        s->have |= LPR_HAVE_NAME;
        break;
    case 7 :
        s->unit = (int)*v->val.integer;
        s->have |= LPR_HAVE_UNIT;
        break;
    case 8 :
        s->max = (int)*v->val.integer;
        s->have |= LPR_HAVE_MAX;
        break;
    case 9 :
        s->level = (int)*v->val.integer;
        s->have |= LPR_HAVE_LEVEL;
        break;
    default : break;                    // MarkerIndex: not reported
  }
}

// 'walk()' - GETNEXT through a subtree, calling take() for each object; false if cut short.
static bool
walk(lpr_snapshot_t *snap, const oid *base, size_t baselen, int *device,
     void (*take)(lpr_snapshot_t *, const netsnmp_variable_list *, int *))
{
  oid    name[OID_MAX];
  size_t len = baselen;

  memcpy(name, base, baselen * sizeof(oid));
  for (int step = 0; step < WALK_MAX; step ++)
  {
    netsnmp_pdu           *resp = NULL;
    netsnmp_variable_list *v;
    lpr_snmp_status_t     st = ask(SNMP_MSG_GETNEXT, name, len, &resp);

    if (st == LPR_SNMP_NO_SUCH)
      return (true);                    // SNMPv1's end of the MIB
    if (st != LPR_SNMP_OK)
      return (false);
    v = resp->variables;
    if (v->type == SNMP_ENDOFMIBVIEW || v->name_length < baselen ||
        snmp_oid_ncompare(v->name, v->name_length, base, baselen, baselen))
    {
      snmp_free_pdu(resp);
      return (true);                    // left the subtree: done
    }
    if (v->name_length > OID_MAX || snmp_oid_compare(v->name, v->name_length, name, len) <= 0)
    {
      // An agent that does not move forward would keep us here for ever.
      lprSnapshotNote(snap, "the agent's GETNEXT did not advance");
      snmp_free_pdu(resp);
      return (false);
    }
    take(snap, v, device);
    memcpy(name, v->name, v->name_length * sizeof(oid));
    len = v->name_length;
    snmp_free_pdu(resp);
  }
  lprSnapshotNote(snap, "table walk stopped after %d objects", WALK_MAX);
  return (false);
}

// 'take_colorant()' - Give a prtMarkerColorantValue to the supplies that use it.
static void
take_colorant(lpr_snapshot_t *snap, const netsnmp_variable_list *v, int *device)
{
  char color[LPR_SUPPLY_COLOR_MAX];
  int  dev, idx;

  if (v->name_length != OIDLEN(colorant_value) + 2)
    return;
  dev = (int)v->name[OIDLEN(colorant_value)];
  idx = (int)v->name[OIDLEN(colorant_value) + 1];
  if (dev != *device)
    return;
  if (v->type != ASN_OCTET_STR)
  {
    lprSnapshotNote(snap, "prtMarkerColorantValue.%d.%d has ASN.1 type 0x%02x", dev, idx,
                    v->type);
    return;
  }
  lprSnapshotText(color, sizeof(color), v->val.string, v->val_len);
  for (int i = 0; i < snap->num; i ++)
    if ((snap->s[i].have & LPR_HAVE_COLORANT) && snap->s[i].colorant == idx)
      memcpy(snap->s[i].color, color, sizeof(color));
}

// 'snapshot()' - Everything reported at one time, from one series of questions.
static lpr_snmp_status_t
snapshot(lpr_snapshot_t *snap)
{
  netsnmp_pdu *resp;
  int         device = 0;

  lprSnapshotInit(snap);
  deadline_ns = lprNowNs() + (int64_t)SNAPSHOT_MS * 1000000;

  // The supplies first: they name the printer's hrDeviceIndex for the objects below.
  if (!walk(snap, supplies_entry, OIDLEN(supplies_entry), &device, take_cell) && absent)
    return (LPR_SNMP_ABSENT);
  lprSnapshotSort(snap);
  if (device == 0)
    device = 1;
  if (snap->num > 0)
    walk(snap, colorant_value, OIDLEN(colorant_value), &device, take_colorant);

  if ((resp = scalar(snap, hr_printer_status, OIDLEN(hr_printer_status), device, ASN_INTEGER,
                     "hrPrinterStatus")) != NULL)
  {
    snap->printer_status = (int)*resp->variables->val.integer;
    snmp_free_pdu(resp);
  }
  if ((resp = scalar(snap, hr_error_state, OIDLEN(hr_error_state), device, ASN_OCTET_STR,
                     "hrPrinterDetectedErrorState")) != NULL)
  {
    const u_char *b = resp->variables->val.string;
    size_t       n  = resp->variables->val_len;

    // RFC 3805 section 2.2.13.4: one or two octets, first octet's high bit first.
    snap->error_bits = n >= 2 ? (b[0] << 8) | b[1] : n == 1 ? b[0] << 8 : 0;
    snmp_free_pdu(resp);
  }
  if ((resp = scalar(snap, hr_device_descr, OIDLEN(hr_device_descr), device, ASN_OCTET_STR,
                     "hrDeviceDescr")) != NULL)
  {
    lprSnapshotText(snap->description, sizeof(snap->description),
                    resp->variables->val.string, resp->variables->val_len);
    snmp_free_pdu(resp);
  }
  if ((resp = scalar(snap, ppm_device_id, OIDLEN(ppm_device_id) - 1, 1, ASN_OCTET_STR,
                     "ppmPrinterIEEE1284DeviceId")) != NULL)
  {
    lprSnapshotText(snap->device_id, sizeof(snap->device_id), resp->variables->val.string,
                    resp->variables->val_len);
    snmp_free_pdu(resp);
  }
  return (absent ? LPR_SNMP_ABSENT : LPR_SNMP_OK);
}

// 'format_value()' - A variable as CUPS's backends give it to filters: "oid\0value".
static void
format_value(lpr_snmp_reply_t *r, const netsnmp_variable_list *v)
{
  char   *val;
  size_t room, n = 0;

  if (!oid_text(r->data, sizeof(r->data) / 2, v->name, v->name_length))
  {
    r->status = LPR_SNMP_ERROR;
    return;
  }
  val  = r->data + strlen(r->data) + 1;
  room = sizeof(r->data) - (size_t)(val - r->data) - 1;
  switch (v->type)
  {
    case ASN_INTEGER :
        n = (size_t)snprintf(val, room, "%ld", *v->val.integer);
        break;
    case ASN_COUNTER : case ASN_GAUGE : case ASN_TIMETICKS :
        n = (size_t)snprintf(val, room, "%lu", (unsigned long)*v->val.integer & 0xffffffffUL);
        break;
    case ASN_OCTET_STR : case ASN_BIT_STR : case ASN_OPAQUE :
        n = v->val_len < room ? v->val_len : room;
        memcpy(val, v->val.string, n);
        break;
    case ASN_OBJECT_ID :
        if (oid_text(val, room, v->val.objid, v->val_len / sizeof(oid)))
          n = strlen(val);
        break;
    case ASN_IPADDRESS :
        if (v->val_len == 4 && inet_ntop(AF_INET, v->val.string, val, (socklen_t)room))
          n = strlen(val);
        break;
    default :                           // NULL and types CUPS does not pass on: no value
        break;
  }
  val[n] = '\0';
  r->datalen = (uint32_t)((size_t)(val - r->data) + n);
}

// 'relay()' - One GET or GETNEXT for a filter.
static void
relay(const lpr_snmp_request_t *q, lpr_snmp_reply_t *r)
{
  oid               name[OID_MAX];
  size_t            len;
  netsnmp_pdu       *resp = NULL;
  lpr_snmp_status_t st;
  char              oidbuf[LPR_SNMP_OID_MAX];

  memcpy(oidbuf, q->oid, sizeof(oidbuf));
  oidbuf[sizeof(oidbuf) - 1] = '\0';
  if (!oid_parse(oidbuf, name, &len))
  {
    r->status = LPR_SNMP_BAD_REQUEST;
    return;
  }
  deadline_ns = lprNowNs() + (int64_t)SNAPSHOT_MS * 1000000;
  st = ask(q->kind == LPR_SNMP_GET ? SNMP_MSG_GET : SNMP_MSG_GETNEXT, name, len, &resp);
  r->status = st;
  if (st == LPR_SNMP_OK)
  {
    if (resp->variables->type == SNMP_ENDOFMIBVIEW || resp->variables->type == SNMP_NOSUCHINSTANCE)
      r->status = LPR_SNMP_NO_SUCH;
    else
      format_value(r, resp->variables);
    snmp_free_pdu(resp);
  }
}

// 'open_session()' - A Net-SNMP session to the agent on a connected UDP socket.
static bool
open_session(const char *address, int port, const char *community, int timeout_ms)
{
  netsnmp_session     s;
  netsnmp_transport   *t;
  struct sockaddr_storage ss;
  socklen_t           sslen;
  char                peer[300];
  bool                v6 = strchr(address, ':') != NULL;

  memset(&ss, 0, sizeof(ss));
  if (v6)
  {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

    a->sin6_family = AF_INET6;
    a->sin6_port   = htons((uint16_t)port);
    if (inet_pton(AF_INET6, address, &a->sin6_addr) != 1)
      return (false);
    sslen = sizeof(*a);
  }
  else
  {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;

    a->sin_family = AF_INET;
    a->sin_port   = htons((uint16_t)port);
    if (inet_pton(AF_INET, address, &a->sin_addr) != 1)
      return (false);
    sslen = sizeof(*a);
  }
  if (snprintf(peer, sizeof(peer), v6 ? "udp6:[%s]:%d" : "udp:%s:%d", address, port) >=
      (int)sizeof(peer))
    return (false);

  // No configuration files, no persistent state, no MIB files, no log lines on stderr:
  // status.c in the backend is the only writer of status lines.
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
  snmp_disable_log();

  snmp_sess_init(&s);
  s.version       = SNMP_VERSION_1;
  s.peername      = peer;
  s.community     = (u_char *)community;
  s.community_len = strlen(community);
  // One try per question: with our own wait loop Net-SNMP 5.9 ended the request at the first
  // timeout whatever the retries (measured: 501 ms for 2 x 500 ms), so ask once, with all of it.
  s.timeout       = (long)timeout_ms * 1000;       // microseconds
  s.retries       = 0;
  if ((sess = snmp_sess_open(&s)) == NULL || (t = snmp_sess_transport(sess)) == NULL)
    return (false);
  sock = t->sock;
  return (connect(sock, (struct sockaddr *)&ss, sslen) == 0);
}

// 'parse_int()' - A decimal number in [min, max]; false if text is anything else.
static bool
parse_int(const char *text, long min, long max, int *out)
{
  char *end;
  long v;

  errno = 0;
  v = strtol(text, &end, 10);
  if (errno || end == text || *end || v < min || v > max)
    return (false);
  *out = (int)v;
  return (true);
}

// 'say()' - One DEBUG line for cupsd's log in one write(2) (the backend's stderr is ours).
static void
say(const char *what, const char *why)
{
  char    line[512];
  int     n = snprintf(line, sizeof(line), "DEBUG: SNMP helper: %s: %s\n", what, why);
  ssize_t w;

  if (n < 0)
    return;
  if ((size_t)n >= sizeof(line))
  {
    n = (int)sizeof(line) - 1;          // cut: the line still ends with its newline
    line[n - 1] = '\n';
  }
  w = write(2, line, (size_t)n);
  (void)w;
}

// 'main()' - Answer the backend's requests until it closes the socket.
int
main(int argc, char *argv[])
{
  static lpr_snmp_request_t q;
  static lpr_snmp_reply_t   r;
  int                       port, timeout_ms;
  char                      err[256];
  pid_t                     parent = getppid();

  if (argc != 5 || !parse_int(argv[2], 1, 65535, &port) ||
      !parse_int(argv[4], 1, 600000, &timeout_ms))
  {
    fputs("Usage: lpr-snmp ADDRESS PORT COMMUNITY TIMEOUT-MS (run by the lpr backend)\n",
          stderr);
    return (2);
  }
  signal(SIGPIPE, SIG_IGN);
  if (!open_session(argv[1], port, argv[3], timeout_ms))
    absent = true;                      // every request gets "absent"

  // Confined before the first packet; never run unconfined.  It also makes us die with the
  // backend (SIGKILL), which has to be set after the switch of credentials.
  if (!lprSandboxEnter(parent, err, sizeof(err)))
  {
    say("not asking the agent", err);
    return (1);
  }

  for (;;)
  {
    ssize_t n = recv(0, &q, sizeof(q), 0);
    int64_t start;

    if (n == 0 || (n < 0 && errno != EINTR))
      break;
    if (n != (ssize_t)sizeof(q) || q.magic != LPR_SNMP_MAGIC)
      break;
    memset(&r, 0, offsetof(lpr_snmp_reply_t, snap));
    r.magic = LPR_SNMP_MAGIC;
    r.kind  = q.kind;
    start   = lprNowNs();
    if (q.kind == LPR_SNMP_SNAPSHOT)
      r.status = snapshot(&r.snap);
    else if (q.kind == LPR_SNMP_GET || q.kind == LPR_SNMP_GET_NEXT)
      relay(&q, &r);
    else
      r.status = LPR_SNMP_BAD_REQUEST;
    r.ms = (uint32_t)((lprNowNs() - start) / 1000000);
    if (send(0, &r, sizeof(r), MSG_NOSIGNAL) < 0)
      break;
  }
  if (sess)
    snmp_sess_close(sess);
  return (0);
}
