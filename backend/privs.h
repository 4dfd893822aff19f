// privs.h - the backend gives up root before the job: cupsd's job user, at most
// CAP_NET_BIND_SERVICE, no new privileges.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#ifndef LPR_PRIVS_H
#define LPR_PRIVS_H

#include <stdbool.h>
#include <stddef.h>

bool lprPrivsDrop(bool keep_bind, const char *serverroot, const char *cachedir, char *err,
                  size_t errsize);
bool lprPrivsCanBindReserved(void);

#endif // LPR_PRIVS_H
