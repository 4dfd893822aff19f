// lpd-conn-private.h - what lpd-conn.c shares with lpd-data.c (no CUPS calls).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#ifndef LPD_CONN_PRIVATE_H
#define LPD_CONN_PRIVATE_H

#include "lpd-proto.h"

#include <poll.h>

#define COPY_BUF_SIZE (256 * 1024)      // read/send chunk (streams, files to a local peer):
                                        // mapped in lpd-data.c, unmapped in lpd-conn.c

lpd_result_t lpdConnWaitFds(lpd_conn_t *c, struct pollfd *want, int nwant, int timeout_ms);
lpd_result_t lpdConnWrite(lpd_conn_t *c, const char *buf, size_t len, bool count,
                          int timeout_ms);
lpd_result_t lpdConnIoError(lpd_conn_t *c, int err);
void         lpdConnReadText(lpd_conn_t *c);

#endif // LPD_CONN_PRIVATE_H
