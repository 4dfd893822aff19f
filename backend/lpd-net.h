// lpd-net.h - resolve a printer's host and connect to it through the job's loop: timeouts,
//             cancel, reserved source ports (no CUPS calls).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#ifndef LPD_NET_H
#define LPD_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "loop.h"

typedef struct lpd_addr_s               // one address of the printer, in the resolver's order
{
  struct lpd_addr_s       *next;
  socklen_t               len;
  struct sockaddr_storage ss;
} lpd_addr_t;

typedef enum lpd_reserve_e              // source port
{
  LPD_RESERVE_NONE,                     // any
  LPD_RESERVE_RFC1179,                  // 721-731 (RFC 1179 section 3)
  LPD_RESERVE_ANY                       // 512-1023
} lpd_reserve_t;

typedef enum lpd_net_result_e
{
  LPD_NET_OK,
  LPD_NET_CANCELED,
  LPD_NET_NO_NAME,                      // the name does not resolve (now)
  LPD_NET_TIMEOUT,
  LPD_NET_REFUSED,
  LPD_NET_UNREACHABLE,
  LPD_NET_ERROR
} lpd_net_result_t;

// A front end's name lookup, run in a helper thread (so it must be thread-safe): every address
// of host:port as a list the caller frees with lpdAddrFree(), or NULL.  NULL = getaddrinfo(3).
typedef lpd_addr_t *(*lpd_resolver_t)(const char *host, int port);

lpd_addr_t       *lpdAddrNew(const struct sockaddr *sa, socklen_t len);
void             lpdAddrFree(lpd_addr_t *list);
void             lpdAddrName(const lpd_addr_t *addr, char *buf, size_t size);
lpd_addr_t       *lpdResolveDefault(const char *host, int port);
lpd_net_result_t lpdResolve(lpd_loop_t *loop, lpd_resolver_t fn, const char *host, int port,
                            int timeout_ms, lpd_addr_t **list);
lpd_net_result_t lpdConnect(lpd_loop_t *loop, const lpd_addr_t *addr, lpd_reserve_t reserve,
                            int timeout_ms, int *fd, int *lport, int *err);

#endif // LPD_NET_H
