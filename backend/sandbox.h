// sandbox.h - the SNMP helper's confinement: no root, no capability, NoNewPrivs, a seccomp
// filter of the few system calls it makes once its socket is open.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#ifndef LPR_SANDBOX_H
#define LPR_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

bool lprSandboxEnter(pid_t parent, char *err, size_t errsize);

#endif // LPR_SANDBOX_H
