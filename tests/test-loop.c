// test-loop.c - the event loop: inputs served during every wait, the tick, cancel, pause.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "clock.h"
#include "loop.h"
#include "unit.h"

#include <sys/socket.h>
#include <unistd.h>

typedef struct counter_s                // an input's callback: reads a byte, counts
{
  int fd;
  int calls;                            // bytes read
  int runs;                             // times called
} counter_t;

// 'on_input()' - Read one byte of the input.
static void
on_input(void *ctx)
{
  counter_t *c = ctx;
  char      b;

  c->runs ++;
  if (read(c->fd, &b, 1) == 1)
    c->calls ++;
}

// 'on_tick()' - Count ticks.
static void
on_tick(void *ctx)
{
  (*(int *)ctx) ++;
}

// 'on_cancel()' - A callback that cancels (a front end that learns of a cancel in a callback).
static void
on_cancel(void *ctx)
{
  lpdLoopCancel(ctx);
}

// 'test_inputs_served()' - An input is served while the loop waits for something else.
static void
test_inputs_served(void)
{
  int           in[2], other[2], ticks = 0;
  counter_t     c = { -1, 0, 0 };
  lpd_loop_t    l;
  struct pollfd want;
  int64_t       t0;

  CU_ASSERT_FATAL(pipe(in) == 0 && pipe(other) == 0);
  lpdLoopInit(&l, -1);
  c.fd = in[0];
  c.calls = 0;
  CU_ASSERT_TRUE(lpdLoopAdd(&l, in[0], on_input, &c));
  lpdLoopSetTick(&l, 20, on_tick, &ticks);
  CU_ASSERT_EQUAL(write(in[1], "ab", 2), 2);
  want.fd = other[0];
  want.events = POLLIN;
  t0 = lprNowNs();
  CU_ASSERT_EQUAL(lpdLoopWait(&l, &want, 1, 150), LPD_WAIT_TIMEOUT);
  CU_ASSERT_TRUE(lprMsSince(t0) >= 140);
  CU_ASSERT_EQUAL(c.calls, 2);
  CU_ASSERT_TRUE(ticks >= 3);
  CU_ASSERT_EQUAL(write(other[1], "x", 1), 1);
  CU_ASSERT_EQUAL(lpdLoopWait(&l, &want, 1, 1000), LPD_WAIT_READY);
  CU_ASSERT_TRUE(want.revents & POLLIN);

  // Paused: left unread; resumed: read again.
  lpdLoopPause(&l, in[0], true);
  CU_ASSERT_EQUAL(write(in[1], "c", 1), 1);
  CU_ASSERT_TRUE(lpdLoopSleep(&l, 50));
  CU_ASSERT_EQUAL(c.calls, 2);
  lpdLoopPause(&l, in[0], false);
  CU_ASSERT_TRUE(lpdLoopSleep(&l, 50));
  CU_ASSERT_EQUAL(c.calls, 3);
  lpdLoopRemove(&l, in[0]);
  CU_ASSERT_EQUAL(write(in[1], "d", 1), 1);
  CU_ASSERT_TRUE(lpdLoopSleep(&l, 30));
  CU_ASSERT_EQUAL(c.calls, 3);
  for (int i = 0; i < 2; i ++)
  {
    close(in[i]);
    close(other[i]);
  }
}

// 'test_hangup()' - An input whose peer hung up is served until its data is read, then
//                   polled no more: a wait with a dead side channel must not spin.
static void
test_hangup(void)
{
  int        sv[2], p[2];
  counter_t  c = { -1, 0, 0 }, d = { -1, 0, 0 };
  lpd_loop_t l;

  CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && pipe(p) == 0);
  lpdLoopInit(&l, -1);
  c.fd = sv[0];
  d.fd = p[0];
  CU_ASSERT_TRUE(lpdLoopAdd(&l, sv[0], on_input, &c));
  CU_ASSERT_TRUE(lpdLoopAdd(&l, p[0], on_input, &d));
  CU_ASSERT_EQUAL(write(sv[1], "ab", 2), 2);
  CU_ASSERT_EQUAL(write(p[1], "ab", 2), 2);
  close(sv[1]);
  close(p[1]);
  CU_ASSERT_TRUE(lpdLoopSleep(&l, 200));
  CU_ASSERT_EQUAL(c.calls, 2);          // both bytes, then end of file: once more at most
  CU_ASSERT_TRUE(c.runs <= 3);
  CU_ASSERT_EQUAL(d.calls, 2);
  CU_ASSERT_TRUE(d.runs <= 3);
  lpdLoopPause(&l, sv[0], false);       // an owner resuming it does not bring it back
  CU_ASSERT_TRUE(lpdLoopSleep(&l, 50));
  CU_ASSERT_TRUE(c.runs <= 3);
  close(sv[0]);
  close(p[0]);
}

// 'test_cancel()' - The cancel fd and lpdLoopCancel() end every wait; a hold lets the
//                   cancel's own work wait.
static void
test_cancel(void)
{
  int        cp[2], in[2];
  lpd_loop_t l;
  int64_t    t0;

  CU_ASSERT_FATAL(pipe(cp) == 0 && pipe(in) == 0);
  lpdLoopInit(&l, cp[0]);
  CU_ASSERT_FALSE(lpdLoopCanceled(&l));
  CU_ASSERT_EQUAL(write(cp[1], "x", 1), 1);
  t0 = lprNowNs();
  CU_ASSERT_EQUAL(lpdLoopWait(&l, NULL, 0, -1), LPD_WAIT_CANCELED);
  CU_ASSERT_TRUE(lprMsSince(t0) < 500);
  CU_ASSERT_TRUE(lpdLoopCanceled(&l));
  CU_ASSERT_FALSE(lpdLoopSleep(&l, 1000));
  CU_ASSERT_FALSE(lpdLoopService(&l));

  lpdLoopHoldCancel(&l, true);
  CU_ASSERT_FALSE(lpdLoopCanceled(&l));
  t0 = lprNowNs();
  CU_ASSERT_TRUE(lpdLoopSleep(&l, 60));
  CU_ASSERT_TRUE(lprMsSince(t0) >= 55);
  lpdLoopHoldCancel(&l, false);
  CU_ASSERT_TRUE(lpdLoopCanceled(&l));

  // A callback may cancel.
  lpdLoopInit(&l, -1);
  CU_ASSERT_TRUE(lpdLoopAdd(&l, in[0], on_cancel, &l));
  CU_ASSERT_EQUAL(write(in[1], "x", 1), 1);
  CU_ASSERT_EQUAL(lpdLoopWait(&l, NULL, 0, 5000), LPD_WAIT_CANCELED);
  for (int i = 0; i < 2; i ++)
  {
    close(cp[i]);
    close(in[i]);
  }
}

// 'test_busy()' - A busy transfer's lpdLoopService() looks at the inputs at most every
//                 LPD_LOOP_BUSY_MS.
static void
test_busy(void)
{
  int        in[2], calls = 0;
  bool       ok = true;
  counter_t  c = { -1, 0, 0 };
  lpd_loop_t l;
  int64_t    t0 = lprNowNs();

  CU_ASSERT_FATAL(pipe(in) == 0);
  lpdLoopInit(&l, -1);
  c.fd = in[0];
  c.calls = 0;
  lpdLoopAdd(&l, in[0], on_input, &c);
  CU_ASSERT_EQUAL(write(in[1], "abcdefgh", 8), 8);
  while (lprMsSince(t0) < 3 * LPD_LOOP_BUSY_MS + LPD_LOOP_BUSY_MS / 2)
  {
    ok = lpdLoopService(&l) && ok;
    calls ++;
  }
  CU_ASSERT_TRUE(ok);
  CU_ASSERT_TRUE(calls > 100);
  CU_ASSERT_TRUE(c.calls >= 3 && c.calls <= 5);
  close(in[0]);
  close(in[1]);
}

// 'test_limits()' - Bad registrations are refused.
static void
test_limits(void)
{
  lpd_loop_t l;
  counter_t  c = { -1, 0, 0 };

  lpdLoopInit(&l, -1);
  CU_ASSERT_FALSE(lpdLoopAdd(&l, -1, on_input, &c));
  CU_ASSERT_FALSE(lpdLoopAdd(&l, 0, NULL, &c));
  for (int i = 0; i < LPD_LOOP_SOURCES_MAX; i ++)
    CU_ASSERT_TRUE(lpdLoopAdd(&l, 100 + i, on_input, &c));
  CU_ASSERT_FALSE(lpdLoopAdd(&l, 200, on_input, &c));
}

// 'main()' - Run the suite.
int
main(void)
{
  CU_TestInfo tests[] =
  {
    { "inputs served while waiting", test_inputs_served },
    { "hung-up inputs are polled no more", test_hangup },
    { "cancel", test_cancel },
    { "busy transfer", test_busy },
    { "limits", test_limits },
    CU_TEST_INFO_NULL
  };

  return (unit_run("loop", tests));
}
