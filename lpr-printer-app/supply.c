// supply.c - the SNMP helper's supply snapshot (backend/supplies.h) as PAPPL supplies: the
//            printer's marker-* attributes and its web page's Supplies table.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "app.h"
#include "supplies.h"

#include <stdio.h>
#include <string.h>

typedef struct type_map_s               // a marker-types keyword and PAPPL's type
{
  const char          *name;
  pappl_supply_type_t type;
} type_map_t;

static const type_map_t type_map[] =
{
  { "toner", PAPPL_SUPPLY_TYPE_TONER },
  { "tonerCartridge", PAPPL_SUPPLY_TYPE_TONER_CARTRIDGE },
  { "wasteToner", PAPPL_SUPPLY_TYPE_WASTE_TONER },
  { "ink", PAPPL_SUPPLY_TYPE_INK },
  { "inkCartridge", PAPPL_SUPPLY_TYPE_INK_CARTRIDGE },
  { "inkRibbon", PAPPL_SUPPLY_TYPE_INK_RIBBON },
  { "wasteInk", PAPPL_SUPPLY_TYPE_WASTE_INK },
  { "opc", PAPPL_SUPPLY_TYPE_OPC },
  { "developer", PAPPL_SUPPLY_TYPE_DEVELOPER },
  { "fuser", PAPPL_SUPPLY_TYPE_FUSER },
  { "cleanerUnit", PAPPL_SUPPLY_TYPE_CLEANER_UNIT },
  { "transferUnit", PAPPL_SUPPLY_TYPE_TRANSFER_UNIT },
  { "staples", PAPPL_SUPPLY_TYPE_STAPLES },
  { "other", PAPPL_SUPPLY_TYPE_OTHER }
};

typedef struct color_map_s              // a colorant name (prtMarkerColorantValue) and PAPPL's
{
  const char           *name;
  pappl_supply_color_t color;
} color_map_t;

static const color_map_t color_map[] =
{
  { "black", PAPPL_SUPPLY_COLOR_BLACK }, { "cyan", PAPPL_SUPPLY_COLOR_CYAN },
  { "magenta", PAPPL_SUPPLY_COLOR_MAGENTA }, { "yellow", PAPPL_SUPPLY_COLOR_YELLOW },
  { "gray", PAPPL_SUPPLY_COLOR_GRAY }, { "grey", PAPPL_SUPPLY_COLOR_GRAY },
  { "light cyan", PAPPL_SUPPLY_COLOR_LIGHT_CYAN },
  { "light magenta", PAPPL_SUPPLY_COLOR_LIGHT_MAGENTA },
  { "light gray", PAPPL_SUPPLY_COLOR_LIGHT_GRAY }, { "green", PAPPL_SUPPLY_COLOR_GREEN },
  { "orange", PAPPL_SUPPLY_COLOR_ORANGE }, { "violet", PAPPL_SUPPLY_COLOR_VIOLET }
};

// 'supply_type()' - PAPPL's type for an RFC 3805 supply type.
static pappl_supply_type_t
supply_type(int type)
{
  const char *name = lprSupplyTypeName(type);

  for (size_t i = 0; i < sizeof(type_map) / sizeof(type_map[0]); i ++)
    if (!strcmp(type_map[i].name, name))
      return (type_map[i].type);
  return (PAPPL_SUPPLY_TYPE_UNKNOWN);
}

// 'supply_color()' - PAPPL's color for a colorant name ("light-cyan", "Light Cyan"...).
static pappl_supply_color_t
supply_color(const char *colorant)
{
  char name[LPR_SUPPLY_COLOR_MAX];
  size_t i;

  for (i = 0; colorant[i] && i < sizeof(name) - 1; i ++)
    name[i] = (char)(colorant[i] == '-' || colorant[i] == '_' ? ' ' : colorant[i] | 0x20);
  name[i] = '\0';
  for (i = 0; i < sizeof(color_map) / sizeof(color_map[0]); i ++)
    if (!strcmp(color_map[i].name, name))
      return (color_map[i].color);
  return (PAPPL_SUPPLY_COLOR_NO_COLOR);
}

// 'lpraSupplies()' - A snapshot's supplies as PAPPL's, at most max; returns how many.
int
lpraSupplies(const lpr_snapshot_t *snap, pappl_supply_t *out, int max)
{
  int n = 0;

  for (int i = 0; i < snap->num && n < max; i ++)
  {
    const lpr_supply_t *s = snap->s + i;
    int                level = lprSupplyLevel(s);

    memset(out + n, 0, sizeof(out[n]));
    out[n].color       = supply_color(s->color);
    out[n].type        = supply_type(s->type);
    out[n].level       = level >= 0 ? level : -1;
    out[n].is_consumed = !((s->have & LPR_HAVE_CLASS) && s->sclass == LPR_SUPPLY_CLASS_RECEPTACLE);
    snprintf(out[n].description, sizeof(out[n].description), "%s",
             s->name[0] ? s->name : lprSupplyTypeName(s->type));    // 128 into 256: fits
    n ++;
  }
  return (n);
}
