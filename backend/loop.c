// loop.c - the job's one event loop: every wait of the program goes through it (no CUPS calls).
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "clock.h"
#include "loop.h"

#include <sys/socket.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#define NS_PER_MS 1000000

// 'lpdLoopInit()' - An empty loop; cancel_fd readable (or -1) means "stop now".
void
lpdLoopInit(lpd_loop_t *l, int cancel_fd)
{
  memset(l, 0, sizeof(*l));
  l->cancel_fd    = cancel_fd;
  l->last_tick_ns = lprNowNs();
}

// 'lpdLoopAdd()' - Register an input: cb(ctx) runs whenever fd is readable during any wait.
bool
lpdLoopAdd(lpd_loop_t *l, int fd, lpd_loop_cb_t cb, void *ctx)
{
  if (fd < 0 || !cb || l->nsrc >= LPD_LOOP_SOURCES_MAX)
    return (false);
  l->src[l->nsrc].fd     = fd;
  l->src[l->nsrc].cb     = cb;
  l->src[l->nsrc].ctx    = ctx;
  l->src[l->nsrc].paused = false;
  l->src[l->nsrc].ended  = false;
  l->nsrc ++;
  return (true);
}

// 'lpdLoopRemove()' - Unregister an input (before its fd is closed).
void
lpdLoopRemove(lpd_loop_t *l, int fd)
{
  for (int i = 0; i < l->nsrc; i ++)
    if (l->src[i].fd == fd)
    {
      memmove(l->src + i, l->src + i + 1, (size_t)(l->nsrc - i - 1) * sizeof(l->src[0]));
      l->nsrc --;
      return;
    }
}

// 'lpdLoopPause()' - Leave an input unread for now (its requests stay queued), or read it again.
void
lpdLoopPause(lpd_loop_t *l, int fd, bool paused)
{
  for (int i = 0; i < l->nsrc; i ++)
    if (l->src[i].fd == fd)
      l->src[i].paused = paused;
}

// 'lpdLoopSetTick()' - Run cb(ctx) about every ms milliseconds during waits and transfers.
void
lpdLoopSetTick(lpd_loop_t *l, int ms, lpd_loop_cb_t cb, void *ctx)
{
  l->tick_cb      = cb;
  l->tick_ctx     = ctx;
  l->tick_ms      = ms > 0 ? ms : 1000;
  l->last_tick_ns = lprNowNs();
}

// 'lpdLoopCancel()' - Stop: every wait from now on ends with LPD_WAIT_CANCELED.
void
lpdLoopCancel(lpd_loop_t *l)
{
  l->canceled = true;
}

// 'lpdLoopHoldCancel()' - While held, waits ignore cancel (for the work a cancel starts).
void
lpdLoopHoldCancel(lpd_loop_t *l, bool hold)
{
  l->cancel_held += hold ? 1 : (l->cancel_held > 0 ? -1 : 0);
}

// 'lpdLoopCanceled()' - Whether the job must stop, without waiting.
bool
lpdLoopCanceled(lpd_loop_t *l)
{
  struct pollfd p;

  if (l->cancel_held)
    return (false);
  if (l->canceled || l->cancel_fd < 0)
    return (l->canceled);
  p.fd      = l->cancel_fd;
  p.events  = POLLIN;
  p.revents = 0;
  if (poll(&p, 1, 0) > 0)
    l->canceled = true;
  return (l->canceled);
}

// 'run_tick()' - The clock tick, when its interval has passed.
static void
run_tick(lpd_loop_t *l)
{
  int64_t now = lprNowNs();

  if (l->tick_cb && now - l->last_tick_ns >= (int64_t)l->tick_ms * NS_PER_MS)
  {
    l->last_tick_ns = now;
    l->tick_cb(l->tick_ctx);
  }
}

// 'next_wait_ms()' - How long poll(2) may sleep: until the deadline or the next tick.
static int
next_wait_ms(const lpd_loop_t *l, int64_t deadline)
{
  int64_t now = lprNowNs(), ms = -1;

  if (deadline >= 0)
    ms = deadline > now ? (deadline - now + NS_PER_MS - 1) / NS_PER_MS : 0;
  if (l->tick_cb)
  {
    int64_t to_tick = l->last_tick_ns + (int64_t)l->tick_ms * NS_PER_MS - now;
    int64_t tick_ms = to_tick > 0 ? (to_tick + NS_PER_MS - 1) / NS_PER_MS : 0;

    if (ms < 0 || tick_ms < ms)
      ms = tick_ms;
  }
  return (ms > 600000 ? 600000 : (int)ms);
}

// 'fill()' - The pollfd set: the waited-for fds, the cancel fd, the active inputs.
//
// Returns the count; *cancel_at is the cancel fd's index (or -1), *first_src the first input's.
static int
fill(const lpd_loop_t *l, struct pollfd *p, const struct pollfd *want, int nwant, int *cancel_at,
     int *first_src)
{
  int n = 0;

  for (int i = 0; i < nwant; i ++, n ++)
  {
    p[n] = want[i];
    p[n].revents = 0;
  }
  *cancel_at = -1;
  if (l->cancel_fd >= 0 && !l->cancel_held)
  {
    *cancel_at = n;
    p[n].fd = l->cancel_fd;
    p[n].events = POLLIN;
    p[n].revents = 0;
    n ++;
  }
  *first_src = n;
  for (int i = 0; i < l->nsrc; i ++)
  {
    p[n].fd      = l->src[i].paused || l->src[i].ended ? -1 : l->src[i].fd;   // poll(2) skips < 0
    p[n].events  = POLLIN;
    p[n].revents = 0;
    n ++;
  }
  return (n);
}

// 'at_end()' - Whether an input that poll(2) reported has nothing more to give: invalid, in
//              error, or hung up with nothing left to read (a socket at end of file).
static bool
at_end(int fd, short revents)
{
  char c;

  if (revents & (POLLNVAL | POLLERR))
    return (true);
  if (!(revents & POLLHUP))
    return (false);
  if (!(revents & POLLIN))
    return (true);                      // hung up, and no data left
  return (recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0);  // a pipe (ENOTSOCK): read on
}

// 'dispatch()' - Run the callbacks of the inputs that poll(2) found ready.
//
// A callback may register or remove inputs, so each ready fd is looked up again by value.  An
// input that has hung up is polled no more once its callback has seen it: poll(2) would report
// it at once for ever, and every wait would spin (cupsd closes its end of the side channel
// when the filters exit, whatever the backend still has to wait for).
static void
dispatch(lpd_loop_t *l, const struct pollfd *p, int first, int count)
{
  for (int i = first; i < count; i ++)
  {
    if (!p[i].revents || p[i].fd < 0)
      continue;
    for (int s = 0; s < l->nsrc; s ++)
      if (l->src[s].fd == p[i].fd && !l->src[s].paused)
      {
        l->src[s].cb(l->src[s].ctx);
        for (int t = 0; t < l->nsrc; t ++)        // the callback may have moved or removed it
          if (l->src[t].fd == p[i].fd && at_end(p[i].fd, p[i].revents))
            l->src[t].ended = true;
        break;
      }
  }
}

// 'lpdLoopWait()' - Wait for one of want[] (nwant may be 0) while serving every input.
//
// timeout_ms < 0 waits without limit.  The revents of want[] say which fds are ready.
lpd_wait_t
lpdLoopWait(lpd_loop_t *l, struct pollfd *want, int nwant, int timeout_ms)
{
  struct pollfd p[2 + 1 + LPD_LOOP_SOURCES_MAX];
  int64_t       deadline = timeout_ms >= 0 ? lprNowNs() + (int64_t)timeout_ms * NS_PER_MS : -1;
  int           n, cancel_at, first_src, ready;

  if (nwant > 2)
    nwant = 2;
  for (;;)
  {
    if (l->canceled && !l->cancel_held)
      return (LPD_WAIT_CANCELED);
    n = fill(l, p, want, nwant, &cancel_at, &first_src);
    if (poll(p, (nfds_t)n, next_wait_ms(l, deadline)) < 0)
    {
      if (errno == EINTR)
        continue;                       // a signal: the cancel fd says whether to stop
      return (LPD_WAIT_ERROR);
    }
    if (cancel_at >= 0 && p[cancel_at].revents)
    {
      l->canceled = true;
      return (LPD_WAIT_CANCELED);
    }
    dispatch(l, p, first_src, n);
    run_tick(l);
    if (l->canceled && !l->cancel_held)
      return (LPD_WAIT_CANCELED);
    ready = 0;
    for (int i = 0; i < nwant; i ++)
      if ((want[i].revents = p[i].revents) != 0)
        ready ++;
    if (ready)
      return (LPD_WAIT_READY);
    if (deadline >= 0 && lprNowNs() >= deadline)
      return (LPD_WAIT_TIMEOUT);
  }
}

// 'lpdLoopSleep()' - Pause ms milliseconds, serving every input; false when canceled.
bool
lpdLoopSleep(lpd_loop_t *l, int ms)
{
  return (lpdLoopWait(l, NULL, 0, ms) != LPD_WAIT_CANCELED);
}

// 'lpdLoopService()' - For a transfer that never blocks: serve the inputs every
//                      LPD_LOOP_BUSY_MS (usually just one clock read); false when canceled.
bool
lpdLoopService(lpd_loop_t *l)
{
  int64_t now = lprNowNs();

  if (l->canceled && !l->cancel_held)
    return (false);
  if (now - l->last_busy_ns < (int64_t)LPD_LOOP_BUSY_MS * NS_PER_MS)
    return (true);
  l->last_busy_ns = now;
  return (lpdLoopWait(l, NULL, 0, 0) != LPD_WAIT_CANCELED);
}
