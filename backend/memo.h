// memo.h - what the backend remembers across jobs: servers that refuse zero-count data files.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#ifndef LPR_MEMO_H
#define LPR_MEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define LPR_MEMO_PREFIX  "cups-lpr-nozero-"  // every memo file's name starts so
#define LPR_MEMO_MAX_AGE (30 * 24 * 60 * 60)  // retry streaming after a month (servers change)

bool lprMemoPath(char *buf, size_t size, const char *dir, const char *key);
bool lprMemoGet(const char *dir, const char *key, time_t max_age, time_t *when);
bool lprMemoSet(const char *dir, const char *key, int *err);

#endif // LPR_MEMO_H
