// net.h - resolve a printer's host and connect to it: timeouts, cancel, reserved source ports.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#ifndef LPR_NET_H
#define LPR_NET_H

#include <cups/http.h>
#include <stdbool.h>
#include <stddef.h>

#include "options.h"

typedef enum lpr_net_result_e
{
  LPR_NET_OK,
  LPR_NET_CANCELED,
  LPR_NET_NO_NAME,                      // the name does not resolve (now)
  LPR_NET_TIMEOUT,
  LPR_NET_REFUSED,
  LPR_NET_UNREACHABLE,
  LPR_NET_ERROR
} lpr_net_result_t;

lpr_net_result_t lprResolve(const char *host, int port, int cancel_fd, int timeout_ms,
                            http_addrlist_t **list);
lpr_net_result_t lprConnect(const http_addr_t *addr, lpr_reserve_t reserve, int timeout_ms,
                            int cancel_fd, int *fd, int *lport, int *err);
void             lprAddrName(const http_addr_t *addr, char *buf, size_t size);

#endif // LPR_NET_H
