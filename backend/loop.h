// loop.h - the job's one event loop: every wait of the program goes through it (no CUPS calls).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Inputs register once, as fd + callback + context: the CUPS side channel, the SNMP helper, and
// a clock tick (progress lines, DRAIN_OUTPUT).  A wait names the one or two fds it is waiting
// for (the job's socket, stdin, a resolver's pipe) and a timeout; while it waits, every
// registered input is serviced and the tick runs, so cancel, the side channel and progress are
// served wherever the job is: resolving, connecting, backing off, spooling, sending, waiting
// for an ack, reading a listing, polling the remote queue.  A busy transfer that never blocks
// calls lpdLoopService() between chunks, which looks at the inputs at most every
// LPD_LOOP_BUSY_MS.
//
// Cancel comes from a readable fd (the backend's SIGTERM self-pipe) or from lpdLoopCancel()
// (a front end that learns of a cancel in one of its callbacks).  From another thread, write a
// byte to the cancel fd: the loop itself is not thread-safe, a pipe is, and it wakes the wait.
// The work that a cancel itself starts (abort the remote job, remove it) holds the cancel
// (lpdLoopHoldCancel) so that its own bounded waits still run, inputs still served.

#ifndef LPD_LOOP_H
#define LPD_LOOP_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#define LPD_LOOP_SOURCES_MAX 8          // registered inputs at most
#define LPD_LOOP_BUSY_MS     50         // how often a busy transfer looks at the inputs

typedef void (*lpd_loop_cb_t)(void *ctx);

typedef struct lpd_loop_source_s        // one registered input
{
  int           fd;                     // readable means "call cb"
  lpd_loop_cb_t cb;
  void          *ctx;
  bool          paused;                 // registered, but not read for now
  bool          ended;                  // hung up (or invalid): never polled again
} lpd_loop_source_t;

typedef enum lpd_wait_e                 // how a wait ended
{
  LPD_WAIT_READY,                       // a waited-for fd is ready (see revents)
  LPD_WAIT_TIMEOUT,                     // the timeout passed first
  LPD_WAIT_CANCELED,                    // cancel fd readable, or lpdLoopCancel() was called
  LPD_WAIT_ERROR                        // poll(2) failed (errno is set)
} lpd_wait_t;

typedef struct lpd_loop_s
{
  int               cancel_fd;          // readable = stop now, or -1
  bool              canceled;           // sticky once seen
  lpd_loop_source_t src[LPD_LOOP_SOURCES_MAX];
  int               nsrc;
  lpd_loop_cb_t     tick_cb;            // the clock tick, or NULL
  void              *tick_ctx;
  int               tick_ms;
  int64_t           last_tick_ns;
  int64_t           last_busy_ns;       // last look at the inputs from lpdLoopService()
  int               cancel_held;        // > 0: cancel is not looked at (the cancel paths)
} lpd_loop_t;

void       lpdLoopInit(lpd_loop_t *l, int cancel_fd);
bool       lpdLoopAdd(lpd_loop_t *l, int fd, lpd_loop_cb_t cb, void *ctx);
void       lpdLoopRemove(lpd_loop_t *l, int fd);
void       lpdLoopPause(lpd_loop_t *l, int fd, bool paused);
void       lpdLoopSetTick(lpd_loop_t *l, int ms, lpd_loop_cb_t cb, void *ctx);
void       lpdLoopCancel(lpd_loop_t *l);
void       lpdLoopHoldCancel(lpd_loop_t *l, bool hold);
bool       lpdLoopCanceled(lpd_loop_t *l);
lpd_wait_t lpdLoopWait(lpd_loop_t *l, struct pollfd *want, int nwant, int timeout_ms);
bool       lpdLoopSleep(lpd_loop_t *l, int ms);
bool       lpdLoopService(lpd_loop_t *l);

#endif // LPD_LOOP_H
