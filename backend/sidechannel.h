// sidechannel.h - answer the filters' side-channel requests (CUPS_SC_FD) from the job's state.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#ifndef LPR_SIDECHANNEL_H
#define LPR_SIDECHANNEL_H

#include <stdbool.h>

struct lpr_job_s;

int  lprSideChannelOpen(void);
void lprSideChannelService(struct lpr_job_s *job);
void lprSideChannelTick(struct lpr_job_s *job);
void lprSideChannelFinish(struct lpr_job_s *job, bool ok);

#endif // LPR_SIDECHANNEL_H
