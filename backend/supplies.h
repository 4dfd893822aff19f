// supplies.h - a printer's supply levels and error state as one snapshot, and the ATTR: and
// STATE: text that reports it to cupsd.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// No CUPS or SNMP calls here: the SNMP helper fills a snapshot, the backend turns it into
// lines.  Everything reported at one time comes from one snapshot, so the marker lists always
// have the same length and describe the same moment.

#ifndef LPR_SUPPLIES_H
#define LPR_SUPPLIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text.h"

#define LPR_SUPPLIES_MAX      32        // supplies kept from one printer (as CUPS does)
#define LPR_SUPPLY_NAME_MAX   128       // bytes of a supply's description we keep
#define LPR_SUPPLY_COLOR_MAX  32        // bytes of a colorant's name we keep
#define LPR_DEVICE_ID_MAX     1024      // IEEE 1284 device ID
#define LPR_SNAP_NOTE_MAX     240       // the first oddity seen in the agent's answers

// RFC 3805 prtMarkerSuppliesClass and a few prtMarkerSuppliesSupplyUnit values.
#define LPR_SUPPLY_CLASS_CONSUMED   3   // supplyThatIsConsumed
#define LPR_SUPPLY_CLASS_RECEPTACLE 4   // receptacleThatIsFilled
#define LPR_SUPPLY_UNIT_PERCENT     19

// Which cells of a supply row the agent gave us (with the right type).
#define LPR_HAVE_COLORANT 0x01
#define LPR_HAVE_CLASS    0x02
#define LPR_HAVE_TYPE     0x04
#define LPR_HAVE_NAME     0x08
#define LPR_HAVE_UNIT     0x10
#define LPR_HAVE_MAX      0x20
#define LPR_HAVE_LEVEL    0x40

typedef struct lpr_supply_s
{
  unsigned have;                        // LPR_HAVE_* bits
  int      index;                       // prtMarkerSuppliesIndex
  int      colorant;                    // prtMarkerSuppliesColorantIndex (0 = none)
  int      sclass;                      // prtMarkerSuppliesClass
  int      type;                        // prtMarkerSuppliesType (RFC 3805 PrtMarkerSuppliesTypeTC)
  int      unit;                        // prtMarkerSuppliesSupplyUnit
  int      max;                         // prtMarkerSuppliesMaxCapacity (-1 other, -2 unknown)
  int      level;                       // prtMarkerSuppliesLevel (-1 other, -2 unknown, -3 some)
  char     name[LPR_SUPPLY_NAME_MAX];   // description, clean UTF-8
  char     color[LPR_SUPPLY_COLOR_MAX]; // prtMarkerColorantValue, clean, or ""
} lpr_supply_t;

typedef struct lpr_snapshot_s
{
  int          num;                     // supplies in s[]
  bool         capped;                  // the agent had more rows than we keep
  int          printer_status;          // hrPrinterStatus, or -1 when not given
  int          error_bits;              // hrPrinterDetectedErrorState as 16 bits, or -1
  char         device_id[LPR_DEVICE_ID_MAX]; // ppmPrinterIEEE1284DeviceId, clean, or ""
  char         description[LPR_SUPPLY_NAME_MAX]; // hrDeviceDescr, clean, or ""
  int          oddities;                // answers we had to ignore (wrong type, bad index...)
  char         note[LPR_SNAP_NOTE_MAX]; // the first of them, for a DEBUG line
  lpr_supply_t s[LPR_SUPPLIES_MAX];
} lpr_snapshot_t;

// Printer-state-reasons a snapshot can set: one bit each, in lprSuppliesReasonName() order.
#define LPR_SNMP_REASONS 21

void        lprSnapshotInit(lpr_snapshot_t *snap);
void        lprSnapshotNote(lpr_snapshot_t *snap, const char *format, ...) LPR_PRINTF(2, 3);
lpr_supply_t *lprSnapshotRow(lpr_snapshot_t *snap, int index);
void        lprSnapshotSort(lpr_snapshot_t *snap);
size_t      lprSnapshotText(char *dst, size_t dstsize, const void *src, size_t srclen);

int         lprSupplyLevel(const lpr_supply_t *s);
const char  *lprSupplyTypeName(int type);
const char  *lprSupplyColor(const char *colorant);
int         lprSuppliesAttr(const lpr_snapshot_t *snap, size_t limit, lpr_buf_t *out);
uint32_t    lprSuppliesReasons(const lpr_snapshot_t *snap);
const char  *lprSuppliesReasonName(int bit);

#endif // LPR_SUPPLIES_H
