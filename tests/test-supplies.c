// test-supplies.c - unit tests of supplies.c: levels, keywords, the one-line ATTR report and
// the printer-state-reasons a snapshot stands for.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "supplies.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>

// 'add()' - Add a complete supply row.
static lpr_supply_t *
add(lpr_snapshot_t *snap, int index, int sclass, int type, const char *name, const char *color,
    int max, int level)
{
  lpr_supply_t *s = lprSnapshotRow(snap, index);

  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  s->have     = LPR_HAVE_CLASS | LPR_HAVE_TYPE | LPR_HAVE_NAME | LPR_HAVE_MAX | LPR_HAVE_LEVEL |
                LPR_HAVE_COLORANT;
  s->sclass   = sclass;
  s->type     = type;
  s->max      = max;
  s->level    = level;
  s->colorant = index;
  snprintf(s->name, sizeof(s->name), "%s", name);
  snprintf(s->color, sizeof(s->color), "%s", color);
  return (s);
}

// 'count_list()' - Number of values of "name=" in an ATTR text (commas outside quotes + 1).
static int
count_list(const char *text, const char *name)
{
  char       key[64];
  const char *p;
  int        n = 1;
  char       quote = 0;

  snprintf(key, sizeof(key), "%s=", name);
  if ((p = strstr(text, key)) == NULL)
    return (-1);
  for (p += strlen(key); *p && (quote || *p != ' '); p ++)
  {
    if (*p == '\\' && p[1])
      p ++;
    else if (quote && *p == quote)
      quote = 0;
    else if (!quote && (*p == '\'' || *p == '"'))
      quote = *p;
    else if (!quote && *p == ',')
      n ++;
  }
  return (n);
}

// 'test_levels()' - Percentages, receptacles, special values and units.
static void
test_levels(void)
{
  lpr_snapshot_t snap;
  lpr_supply_t   *s;

  lprSnapshotInit(&snap);
  s = add(&snap, 1, LPR_SUPPLY_CLASS_CONSUMED, 21, "Black", "black", 200, 60);
  CU_ASSERT_EQUAL(lprSupplyLevel(s), 30);
  s->level = 250;                               // more than the capacity: capped
  CU_ASSERT_EQUAL(lprSupplyLevel(s), 100);
  s->level = -3;                                // "some remaining" passes through
  CU_ASSERT_EQUAL(lprSupplyLevel(s), -3);
  s->level = -7;                                // nonsense is unknown
  CU_ASSERT_EQUAL(lprSupplyLevel(s), -2);
  s->level = 40;
  s->max = -2;                                  // unknown capacity: unknown level
  CU_ASSERT_EQUAL(lprSupplyLevel(s), -2);
  s->have |= LPR_HAVE_UNIT;
  s->unit = LPR_SUPPLY_UNIT_PERCENT;            // percent units need no capacity
  CU_ASSERT_EQUAL(lprSupplyLevel(s), 40);
  s->have &= ~(unsigned)LPR_HAVE_LEVEL;
  CU_ASSERT_EQUAL(lprSupplyLevel(s), -2);

  // A waste box reports its free space; cupsd is told how full it is.
  s = add(&snap, 2, LPR_SUPPLY_CLASS_RECEPTACLE, 4, "Waste", "", 100, 20);
  CU_ASSERT_EQUAL(lprSupplyLevel(s), 80);
}

// 'test_keywords()' - Type keywords and colour values.
static void
test_keywords(void)
{
  CU_ASSERT_STRING_EQUAL(lprSupplyTypeName(21), "toner-cartridge");
  CU_ASSERT_STRING_EQUAL(lprSupplyTypeName(4), "waste-toner");
  CU_ASSERT_STRING_EQUAL(lprSupplyTypeName(1), "other");
  CU_ASSERT_STRING_EQUAL(lprSupplyTypeName(34), "covers");
  CU_ASSERT_STRING_EQUAL(lprSupplyTypeName(0), "unknown");
  CU_ASSERT_STRING_EQUAL(lprSupplyTypeName(35), "unknown");
  CU_ASSERT_STRING_EQUAL(lprSupplyColor("black"), "#000000");
  CU_ASSERT_STRING_EQUAL(lprSupplyColor("Cyan"), "#00FFFF");
  CU_ASSERT_STRING_EQUAL(lprSupplyColor("light magenta"), "#FF77FF");
  CU_ASSERT_STRING_EQUAL(lprSupplyColor("Light_Cyan"), "#E0FFFF");
  CU_ASSERT_STRING_EQUAL(lprSupplyColor("cyanide"), "none");
  CU_ASSERT_STRING_EQUAL(lprSupplyColor(""), "none");
}

// 'test_attr()' - One line, six lists of equal length, names quoted for cupsd.
static void
test_attr(void)
{
  lpr_snapshot_t snap;
  lpr_buf_t      out;
  static const char * const lists[] = { "marker-colors", "marker-high-levels",
                                        "marker-levels", "marker-low-levels", "marker-names",
                                        "marker-types" };

  lprSnapshotInit(&snap);
  add(&snap, 1, 3, 21, "Black Toner", "black", 100, 5);
  add(&snap, 2, 3, 21, "Cyan, \"XL\"", "cyan", 200, 60);
  add(&snap, 3, 4, 4, "Waste 'box' \\", "", 100, 20);
  lprBufInit(&out, 4096);
  CU_ASSERT_EQUAL(lprSuppliesAttr(&snap, 2047, &out), 3);
  CU_ASSERT_STRING_EQUAL(out.data,
    "marker-colors=#000000,#00FFFF,none marker-high-levels=100,100,95 "
    "marker-levels=5,30,80 marker-low-levels=5,5,0 "
    "marker-names='\"Black Toner\"','\"Cyan, \\'XL\\'\"',"
    "'\"Waste \\'box\\' \\\\\"' "
    "marker-types=toner-cartridge,toner-cartridge,waste-toner");
  for (int l = 0; l < 6; l ++)
    CU_ASSERT_EQUAL(count_list(out.data, lists[l]), 3);

  // A tight limit drops whole supplies from the end, never a part of a list.
  for (size_t limit = 64; limit < 400; limit += 7)
  {
    int n = lprSuppliesAttr(&snap, limit, &out);

    if (n == 0)
    {
      CU_ASSERT_EQUAL(out.len, 0);
      continue;
    }
    CU_ASSERT(out.len + sizeof("ATTR: \n") - 1 <= limit);
    for (int l = 0; l < 6; l ++)
      CU_ASSERT_EQUAL(count_list(out.data, lists[l]), n);
  }
  CU_ASSERT_EQUAL(lprSuppliesAttr(&snap, 100, &out), 0);

  // No supplies: nothing to say.
  lprSnapshotInit(&snap);
  CU_ASSERT_EQUAL(lprSuppliesAttr(&snap, 2047, &out), 0);
  lprBufFree(&out);
}

// 'test_rows()' - Rows arrive by column with gaps; they are kept in index order, capped.
static void
test_rows(void)
{
  lpr_snapshot_t snap;

  lprSnapshotInit(&snap);
  CU_ASSERT_PTR_NOT_NULL(lprSnapshotRow(&snap, 7));
  CU_ASSERT_PTR_NOT_NULL(lprSnapshotRow(&snap, 2));
  CU_ASSERT_PTR_EQUAL(lprSnapshotRow(&snap, 7), &snap.s[0]);
  lprSnapshotSort(&snap);
  CU_ASSERT_EQUAL(snap.s[0].index, 2);
  CU_ASSERT_EQUAL(snap.s[1].index, 7);
  for (int i = 100; i < 100 + LPR_SUPPLIES_MAX; i ++)
    lprSnapshotRow(&snap, i);
  CU_ASSERT_EQUAL(snap.num, LPR_SUPPLIES_MAX);
  CU_ASSERT_TRUE(snap.capped);

  // Agent text: control bytes cannot start a status line, edges are trimmed.
  char buf[32];
  CU_ASSERT_EQUAL(lprSnapshotText(buf, sizeof(buf), "Mag\r\nSTATE: +x \n", 16), 13);
  CU_ASSERT_STRING_EQUAL(buf, "Mag STATE: +x");
  lprSnapshotNote(&snap, "first %d", 1);
  lprSnapshotNote(&snap, "second %d", 2);
  CU_ASSERT_EQUAL(snap.oddities, 2);
  CU_ASSERT_STRING_EQUAL(snap.note, "first 1");
}

// 'has()' - Whether a reason bit set names keyword.
static bool
has(uint32_t bits, const char *keyword)
{
  for (int b = 0; b < LPR_SNMP_REASONS; b ++)
    if ((bits & (1u << b)) && !strcmp(lprSuppliesReasonName(b), keyword))
      return (true);
  return (false);
}

// 'test_reasons()' - Error bits and low supplies become printer-state-reasons.
static void
test_reasons(void)
{
  lpr_snapshot_t snap;
  lpr_supply_t   *s;
  uint32_t       r;

  lprSnapshotInit(&snap);
  CU_ASSERT_EQUAL(lprSuppliesReasons(&snap), 0);
  snap.error_bits = 0x0800 | 0x0400 | 0x0004;   // doorOpen, jammed, inputTrayEmpty
  r = lprSuppliesReasons(&snap);
  CU_ASSERT_TRUE(has(r, "door-open-report"));
  CU_ASSERT_TRUE(has(r, "media-jam-warning"));
  CU_ASSERT_TRUE(has(r, "media-empty-warning"));
  CU_ASSERT_FALSE(has(r, "toner-low-report"));

  snap.error_bits = 0;
  s = add(&snap, 1, 3, 21, "Black", "black", 100, 5);
  CU_ASSERT_TRUE(has(lprSuppliesReasons(&snap), "toner-low-report"));
  s->level = 1;
  r = lprSuppliesReasons(&snap);
  CU_ASSERT_TRUE(has(r, "toner-empty-warning"));
  CU_ASSERT_FALSE(has(r, "toner-low-report"));
  s->level = 50;
  CU_ASSERT_EQUAL(lprSuppliesReasons(&snap), 0);
  s->type = 6;                                  // inkCartridge
  s->level = 3;
  CU_ASSERT_TRUE(has(lprSuppliesReasons(&snap), "marker-supply-low-report"));
  s->sclass = LPR_SUPPLY_CLASS_RECEPTACLE;      // a nearly empty receptacle is no problem
  CU_ASSERT_EQUAL(lprSuppliesReasons(&snap), 0);

  for (int b = 0; b < LPR_SNMP_REASONS; b ++)
    CU_ASSERT_PTR_NOT_NULL(lprSuppliesReasonName(b));
  CU_ASSERT_PTR_NULL(lprSuppliesReasonName(LPR_SNMP_REASONS));
}

int
main(void)
{
  CU_TestInfo tests[] =
  {
    { "levels", test_levels },
    { "keywords", test_keywords },
    { "ATTR line", test_attr },
    { "rows", test_rows },
    { "reasons", test_reasons },
    CU_TEST_INFO_NULL
  };

  return (unit_run("supplies", tests));
}
