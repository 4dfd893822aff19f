// supplies.c - a printer's supply levels and error state as one snapshot, and the ATTR: and
// STATE: text that reports it to cupsd.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "supplies.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

// A supply is "low" at or below this percentage and "empty" at or below the next (as CUPS).
#define LOW_PERCENT   5
#define EMPTY_PERCENT 1
// A receptacle (waste box) is reported as how full it is; "high" means nearly full.
#define RECEPTACLE_HIGH 95

// RFC 3805 PrtMarkerSuppliesTypeTC 1..34 as IPP marker-types keywords (PWG 5100.9 spelling).
static const char * const type_names[] =
{
  "other", "unknown", "toner", "waste-toner", "ink", "ink-cartridge", "ink-ribbon",
  "waste-ink", "opc", "developer", "fuser-oil", "solid-wax", "ribbon-wax", "waste-wax",
  "fuser", "corona-wire", "fuser-oil-wick", "cleaner-unit", "fuser-cleaning-pad",
  "transfer-unit", "toner-cartridge", "fuser-oiler", "water", "waste-water",
  "glue-water-additive", "waste-paper", "binding-supply", "banding-supply", "stitching-wire",
  "shrink-wrap", "paper-wrap", "staples", "inserts", "covers"
};

// Colorant names printers use (RFC 3805 prtMarkerColorantValue) and their sRGB values.
static const struct { const char *name, *rgb; } colors[] =
{
  { "black", "#000000" }, { "blue", "#0000FF" }, { "brown", "#A52A2A" },
  { "cyan", "#00FFFF" }, { "dark-gray", "#404040" }, { "dark-yellow", "#FFCC00" },
  { "gold", "#FFD700" }, { "gray", "#808080" }, { "green", "#00FF00" },
  { "light-black", "#606060" }, { "light-cyan", "#E0FFFF" }, { "light-gray", "#D3D3D3" },
  { "light-magenta", "#FF77FF" }, { "magenta", "#FF00FF" }, { "matte-black", "#000000" },
  { "orange", "#FFA500" }, { "photo-black", "#000000" }, { "red", "#FF0000" },
  { "silver", "#C0C0C0" }, { "white", "#FFFFFF" }, { "yellow", "#FFFF00" }
};

// Printer-state-reasons, in bit order.  The suffix says how serious it is, as the CUPS
// backends report them: "-report" informs, "-warning" needs attention.
static const char * const reason_names[LPR_SNMP_REASONS] =
{
  "media-low-report", "media-empty-warning", "toner-low-report", "toner-empty-warning",
  "door-open-report", "media-jam-warning", "offline-report", "service-needed-warning",
  "input-tray-missing-warning", "output-tray-missing-warning",
  "marker-supply-missing-warning", "output-area-almost-full-report",
  "output-area-full-warning", "marker-supply-low-report", "marker-supply-empty-warning",
  "developer-low-report", "developer-empty-warning", "opc-near-eol-report",
  "opc-life-over-warning", "cleaner-life-almost-over-report", "cleaner-life-over-warning"
};

enum
{
  R_MEDIA_LOW, R_MEDIA_EMPTY, R_TONER_LOW, R_TONER_EMPTY, R_DOOR_OPEN, R_MEDIA_JAM, R_OFFLINE,
  R_SERVICE, R_INPUT_TRAY_MISSING, R_OUTPUT_TRAY_MISSING, R_MARKER_MISSING, R_OUTPUT_NEAR_FULL,
  R_OUTPUT_FULL, R_MARKER_LOW, R_MARKER_EMPTY, R_DEVELOPER_LOW, R_DEVELOPER_EMPTY, R_OPC_LOW,
  R_OPC_OVER, R_CLEANER_LOW, R_CLEANER_OVER
};

// RFC 3805 section 2.2.13.4 hrPrinterDetectedErrorState bits, first octet in the high byte.
static const struct { int mask; int reason; } error_bits[] =
{
  { 0x8000, R_MEDIA_LOW },              // lowPaper
  { 0x4000, R_MEDIA_EMPTY },            // noPaper
  { 0x2000, R_TONER_LOW },              // lowToner
  { 0x1000, R_TONER_EMPTY },            // noToner
  { 0x0800, R_DOOR_OPEN },              // doorOpen
  { 0x0400, R_MEDIA_JAM },              // jammed
  { 0x0200, R_OFFLINE },                // offline
  { 0x0100, R_SERVICE },                // serviceRequested
  { 0x0080, R_INPUT_TRAY_MISSING },     // inputTrayMissing
  { 0x0040, R_OUTPUT_TRAY_MISSING },    // outputTrayMissing
  { 0x0020, R_MARKER_MISSING },         // markerSupplyMissing
  { 0x0010, R_OUTPUT_NEAR_FULL },       // outputNearFull
  { 0x0008, R_OUTPUT_FULL },            // outputFull
  { 0x0004, R_MEDIA_EMPTY },            // inputTrayEmpty
  { 0x0002, R_SERVICE }                 // overduePreventMaint
};

// 'lprSnapshotInit()' - An empty snapshot: nothing known yet.
void
lprSnapshotInit(lpr_snapshot_t *snap)
{
  memset(snap, 0, sizeof(*snap));
  snap->printer_status = -1;
  snap->error_bits     = -1;
}

// 'lprSnapshotNote()' - Count an answer we ignored; keep the text of the first one.
void
lprSnapshotNote(lpr_snapshot_t *snap, const char *format, ...)
{
  va_list ap;

  if (snap->oddities ++ == 0)
  {
    va_start(ap, format);
    if (vsnprintf(snap->note, sizeof(snap->note), format, ap) < 0)
      snap->note[0] = '\0';
    va_end(ap);
  }
}

// 'lprSnapshotRow()' - The row of supply index, added if new; NULL when the table is full.
lpr_supply_t *
lprSnapshotRow(lpr_snapshot_t *snap, int index)
{
  for (int i = 0; i < snap->num; i ++)
    if (snap->s[i].index == index)
      return (&snap->s[i]);
  if (snap->num >= LPR_SUPPLIES_MAX)
  {
    snap->capped = true;
    return (NULL);
  }
  memset(&snap->s[snap->num], 0, sizeof(snap->s[0]));
  snap->s[snap->num].index = index;
  return (&snap->s[snap->num ++]);
}

// 'lprSnapshotSort()' - Put the rows in supply-index order (columns may arrive with gaps).
void
lprSnapshotSort(lpr_snapshot_t *snap)
{
  for (int i = 1; i < snap->num; i ++)
  {
    lpr_supply_t row = snap->s[i];
    int          j = i;

    for (; j > 0 && snap->s[j - 1].index > row.index; j --)
      snap->s[j] = snap->s[j - 1];
    snap->s[j] = row;
  }
}

// 'lprSnapshotText()' - Copy an agent's OCTET STRING as clean UTF-8 without edge spaces.
size_t
lprSnapshotText(char *dst, size_t dstsize, const void *src, size_t srclen)
{
  size_t len = lprTextClean(dst, dstsize, (const char *)src, srclen);

  while (len > 0 && dst[len - 1] == ' ')
    dst[-- len] = '\0';
  return (len);
}

// 'lprSupplyLevel()' - marker-levels value: 0-100, or -1 other, -2 unknown, -3 some left.
//
// A receptacle's level is its remaining space (RFC 3805 prtMarkerSuppliesLevel), reported as
// how full it is, as CUPS does.
int
lprSupplyLevel(const lpr_supply_t *s)
{
  long long max, pct;

  if (!(s->have & LPR_HAVE_LEVEL))
    return (-2);
  if (s->level < 0)
    return (s->level >= -3 ? s->level : -2);
  if ((s->have & LPR_HAVE_UNIT) && s->unit == LPR_SUPPLY_UNIT_PERCENT)
    max = 100;
  else if ((s->have & LPR_HAVE_MAX) && s->max > 0)
    max = s->max;
  else
    return (-2);
  pct = (long long)s->level * 100 / max;
  if (pct > 100)
    pct = 100;
  if ((s->have & LPR_HAVE_CLASS) && s->sclass == LPR_SUPPLY_CLASS_RECEPTACLE)
    pct = 100 - pct;
  return ((int)pct);
}

// 'lprSupplyTypeName()' - marker-types keyword of an RFC 3805 supply type.
const char *
lprSupplyTypeName(int type)
{
  if (type < 1 || type > (int)(sizeof(type_names) / sizeof(type_names[0])))
    return ("unknown");
  return (type_names[type - 1]);
}

// 'lprSupplyColor()' - marker-colors value of a colorant name: "#RRGGBB" or "none".
const char *
lprSupplyColor(const char *colorant)
{
  for (size_t i = 0; i < sizeof(colors) / sizeof(colors[0]); i ++)
  {
    const char *a = colors[i].name, *b = colorant;

    // Printers write "light cyan", "Light-Cyan" or "light_cyan": compare loosely.
    for (; *a && *b; a ++, b ++)
      if (!(*a == '-' ? (*b == '-' || *b == ' ' || *b == '_')
                      : ((*b | 0x20) == *a)))
        break;
    if (!*a && !*b)
      return (colors[i].rgb);
  }
  return ("none");
}

// 'is_consumed()' - Whether a supply is used up (not a receptacle that fills).
static bool
is_consumed(const lpr_supply_t *s)
{
  return (!(s->have & LPR_HAVE_CLASS) || s->sclass != LPR_SUPPLY_CLASS_RECEPTACLE);
}

// 'append_list()' - Append " name=v1,v2,..." for the first n supplies.
static void
append_list(lpr_buf_t *out, const char *name, const lpr_snapshot_t *snap, int n, int which)
{
  lprBufPrintf(out, "%s%s=", out->len ? " " : "", name);
  for (int i = 0; i < n; i ++)
  {
    const lpr_supply_t *s = &snap->s[i];

    if (i)
      lprBufAppend(out, ",", 1);
    switch (which)
    {
      case 0 :                          // marker-colors
          lprBufPrintf(out, "%s", lprSupplyColor(s->color));
          break;
      case 1 :                          // marker-high-levels
          lprBufPrintf(out, "%d", is_consumed(s) ? 100 : RECEPTACLE_HIGH);
          break;
      case 2 :                          // marker-levels
          lprBufPrintf(out, "%d", lprSupplyLevel(s));
          break;
      case 3 :                          // marker-low-levels
          lprBufPrintf(out, "%d", is_consumed(s) ? LOW_PERCENT : 0);
          break;
      case 4 :                          // marker-names
          // Each name goes out as '"text"'.  cupsParseOptions() removes the single quotes and
          // one level of backslashes; cupsd then splits the list at commas outside double
          // quotes and knows no escapes at all (measured with cupsd 2.4: a \" ends the name
          // there, which is how CUPS's own backends lose names with quotes).  So a backslash
          // is sent as \\, a single quote as \', and a double quote, which cupsd cannot
          // carry inside a name, as a single quote.  Commas inside the quotes stay.
          lprBufAppend(out, "'\"", 2);
          for (const char *p = s->name[0] ? s->name : lprSupplyTypeName(s->type); *p; p ++)
          {
            if (*p == '\\')
              lprBufAppend(out, "\\\\", 2);
            else if (*p == '"' || *p == '\'')
              lprBufAppend(out, "\\'", 2);
            else
              lprBufAppend(out, p, 1);
          }
          lprBufAppend(out, "\"'", 2);
          break;
      default :                         // marker-types
          lprBufPrintf(out, "%s", lprSupplyTypeName((s->have & LPR_HAVE_TYPE) ? s->type : 2));
          break;
    }
  }
}

// 'lprSuppliesAttr()' - The text of one ATTR: line for the snapshot, within limit bytes.
//
// limit counts the whole line ("ATTR: ", text, newline).  Whole supplies are dropped from the
// end until it fits, so every list keeps the same length and no value is ever cut.  Returns
// how many supplies the text lists (0: nothing to report, out is empty).
int
lprSuppliesAttr(const lpr_snapshot_t *snap, size_t limit, lpr_buf_t *out)
{
  static const char * const lists[] = { "marker-colors", "marker-high-levels",
                                        "marker-levels", "marker-low-levels", "marker-names",
                                        "marker-types" };
  const size_t overhead = sizeof("ATTR: ") - 1 + 1;

  for (int n = snap->num; n > 0; n --)
  {
    lprBufFree(out);
    lprBufInit(out, limit);
    for (int l = 0; l < 6; l ++)
      append_list(out, lists[l], snap, n, l);
    if (!out->failed && out->len + overhead <= limit)
      return (n);
  }
  lprBufFree(out);
  lprBufInit(out, limit);
  return (0);
}

// 'supply_reasons()' - Reasons a low or empty supply stands for (CUPS's thresholds).
static uint32_t
supply_reasons(const lpr_supply_t *s)
{
  int level = lprSupplyLevel(s), low, empty;

  if (level < 0 || !is_consumed(s) || level > LOW_PERCENT)
    return (0);
  switch (s->type)
  {
    case 3 : case 21 :                  // toner, tonerCartridge
        low   = R_TONER_LOW;
        empty = R_TONER_EMPTY;
        break;
    case 5 : case 6 : case 7 : case 12 : case 13 : // ink, inkCartridge, inkRibbon, waxes
        low   = R_MARKER_LOW;
        empty = R_MARKER_EMPTY;
        break;
    case 10 :                           // developer
        low   = R_DEVELOPER_LOW;
        empty = R_DEVELOPER_EMPTY;
        break;
    case 9 : case 15 : case 16 : case 20 : // opc, fuser, coronaWire, transferUnit
        low   = R_OPC_LOW;
        empty = R_OPC_OVER;
        break;
    case 18 : case 19 :                 // cleanerUnit, fuserCleaningPad
        low   = R_CLEANER_LOW;
        empty = R_CLEANER_OVER;
        break;
    default :
        return (0);
  }
  return (1u << (level <= EMPTY_PERCENT ? empty : low));
}

// 'lprSuppliesReasons()' - The printer-state-reasons the snapshot shows, as bits.
uint32_t
lprSuppliesReasons(const lpr_snapshot_t *snap)
{
  uint32_t bits = 0;

  if (snap->error_bits > 0)
    for (size_t i = 0; i < sizeof(error_bits) / sizeof(error_bits[0]); i ++)
      if (snap->error_bits & error_bits[i].mask)
        bits |= 1u << error_bits[i].reason;
  for (int i = 0; i < snap->num; i ++)
    bits |= supply_reasons(&snap->s[i]);
  return (bits);
}

// 'lprSuppliesReasonName()' - The keyword of reason bit, or NULL past the last.
const char *
lprSuppliesReasonName(int bit)
{
  return (bit >= 0 && bit < LPR_SNMP_REASONS ? reason_names[bit] : NULL);
}
