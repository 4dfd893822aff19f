// test-outcome.c - the outcome decision table of the core job, row by row.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Every row of lpdOutcomeDecide()'s table is reached by at least one case here, and each case
// states the outcome and the actions an administrator relies on (README "Exit codes").

#include "config.h"
#include "lpd-job-private.h"
#include "unit.h"

#include <string.h>

#define ACK LPD_ACT_ABANDON
#define CLO LPD_ACT_CLOSE
#define RST LPD_ACT_RESET
#define VER LPD_ACT_VERIFY
#define MEM LPD_ACT_REMEMBER
#define REM LPD_ACT_REMOVE
#define QCK LPD_ACT_QUICK
#define REP LPD_ACT_REPORT

typedef struct case_s
{
  const char    *name;
  lpd_attempt_t a;                      // r, step, code, stream, consumed, data_first
  lpd_outcome_t want;
  unsigned      actions;
} case_t;

static const case_t cases[] =
{
  { "acknowledged", { LPD_OK, LPD_STEP_DATA_END, 0, false, false, false },
    LPD_OUTCOME_OK, CLO },
  { "acknowledged stream", { LPD_OK, LPD_STEP_DATA_END, 0, true, true, false },
    LPD_OUTCOME_OK, CLO },
  { "canceled after the control file", { LPD_CANCELED, LPD_STEP_DATA_SEND, 0, false, false, 0 },
    LPD_OUTCOME_CANCELED, ACK | REM | QCK },
  { "canceled while connecting", { LPD_CANCELED, LPD_STEP_COMMAND, 0, false, false, false },
    LPD_OUTCOME_CANCELED, ACK },
  { "input error mid-data", { LPD_INPUT_ERROR, LPD_STEP_DATA_SEND, 0, true, true, false },
    LPD_OUTCOME_FAILED, ACK | REM | REP },
  { "input error before any file", { LPD_INPUT_ERROR, LPD_STEP_COMMAND, 0, false, false, 0 },
    LPD_OUTCOME_FAILED, ACK | REP },
  { "lost final ack (exact)", { LPD_TIMEOUT, LPD_STEP_DATA_END, 0, false, false, false },
    LPD_OUTCOME_HOLD, RST | VER | REP },
  { "lost final ack (control last)", { LPD_CLOSED, LPD_STEP_CONTROL_END, 0, false, false, 1 },
    LPD_OUTCOME_HOLD, RST | VER | REP },
  { "lost final ack (stream)", { LPD_CLOSED, LPD_STEP_DATA_END, 0, true, true, false },
    LPD_OUTCOME_HOLD, RST | VER | REP },
  { "reset at the final ack", { LPD_IO_ERROR, LPD_STEP_DATA_END, 0, false, false, false },
    LPD_OUTCOME_HOLD, RST | VER | REP },
  { "not an LPD server", { LPD_NACK, LPD_STEP_COMMAND, LPD_CODE_NOT_LPD, false, false, 0 },
    LPD_OUTCOME_STOP, ACK | REP },
  { "non-LPD text after the command was acknowledged: a refusal, not a wrong URI",
    { LPD_NACK, LPD_STEP_DATA, LPD_CODE_NOT_LPD, false, false, false }, LPD_OUTCOME_FAILED,
    ACK | REM | REP },
  { "stream refused at its end", { LPD_NACK, LPD_STEP_DATA_END, 1, true, true, false },
    LPD_OUTCOME_RETRY_CURRENT, RST | MEM | REM | REP },
  { "stream closed mid-data", { LPD_CLOSED, LPD_STEP_DATA_SEND, 0, true, true, false },
    LPD_OUTCOME_RETRY_CURRENT, RST | MEM | REM | REP },
  { "stream timed out mid-data", { LPD_TIMEOUT, LPD_STEP_DATA_SEND, 0, true, true, false },
    LPD_OUTCOME_RETRY_CURRENT, RST | REM | REP },
  { "no space now, data file refused", { LPD_NACK, LPD_STEP_DATA, 2, false, false, false },
    LPD_OUTCOME_RETRY, ACK | REM | REP },
  { "no space now, control file refused", { LPD_NACK, LPD_STEP_CONTROL, 2, false, false, 0 },
    LPD_OUTCOME_RETRY, ACK | REP },
  { "queue refused", { LPD_NACK, LPD_STEP_COMMAND, 1, false, false, false },
    LPD_OUTCOME_STOP, ACK | REP },
  { "stream refused before data (kept control)", { LPD_NACK, LPD_STEP_CONTROL_END, 3, true, 0,
    0 }, LPD_OUTCOME_FAILED, ACK | REM | REP },
  { "refused at the end (exact)", { LPD_NACK, LPD_STEP_DATA_END, 1, false, false, false },
    LPD_OUTCOME_FAILED, ACK | REM | REP },
  { "closed before the control file", { LPD_CLOSED, LPD_STEP_COMMAND, 0, false, false, false },
    LPD_OUTCOME_RETRY, CLO | REP },
  { "closed, control file kept", { LPD_CLOSED, LPD_STEP_DATA, 0, false, false, false },
    LPD_OUTCOME_RETRY, CLO | REM | REP },
  { "closed mid-data, data first: no control file to remove",
    { LPD_CLOSED, LPD_STEP_DATA_SEND, 0, false, false, true }, LPD_OUTCOME_RETRY, CLO | REP },
  { "network error after the data, data first: nothing kept",
    { LPD_IO_ERROR, LPD_STEP_DATA_END, 0, false, false, true }, LPD_OUTCOME_RETRY, ACK | REP },
  { "stalled on the control file", { LPD_TIMEOUT, LPD_STEP_CONTROL, 0, false, false, false },
    LPD_OUTCOME_RETRY, ACK | REP },
  { "network error mid-data", { LPD_IO_ERROR, LPD_STEP_DATA_SEND, 0, false, false, false },
    LPD_OUTCOME_RETRY, ACK | REM | REP },
};

// 'test_cases()' - Each case gets its outcome and actions.
static void
test_cases(void)
{
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i ++)
  {
    lpd_decision_t d = lpdOutcomeDecide(&cases[i].a);

    if (d.outcome != cases[i].want || d.actions != cases[i].actions)
      printf("\n  %s: got %s/0x%02x, want %s/0x%02x", cases[i].name, lpdOutcomeName(d.outcome),
             d.actions, lpdOutcomeName(cases[i].want), cases[i].actions);
    CU_ASSERT_EQUAL(d.outcome, cases[i].want);
    CU_ASSERT_EQUAL(d.actions, cases[i].actions);
    CU_ASSERT_TRUE(!(d.actions & LPD_ACT_REPORT) || d.tail != NULL);
  }
}

// 'test_every_row()' - No row of the table is left without a case.
static void
test_every_row(void)
{
  int  rows = lpdOutcomeRows();
  bool hit[64];

  CU_ASSERT_FATAL(rows > 0 && rows <= 64);
  memset(hit, 0, sizeof(hit));
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i ++)
  {
    int r = lpdOutcomeDecide(&cases[i].a).row;

    CU_ASSERT_TRUE(r >= 0 && r < rows);
    if (r >= 0 && r < rows)
      hit[r] = true;
  }
  for (int r = 0; r < rows; r ++)
  {
    if (!hit[r])
      printf("\n  row %d has no case", r);
    CU_ASSERT_TRUE(hit[r]);
  }
}

// 'test_never_resend_sent_data()' - The README's promise: a job whose data all went out is
//                                   never RETRY or FAILED when only the last ack is missing.
static void
test_never_resend_sent_data(void)
{
  static const lpd_result_t results[] = { LPD_CLOSED, LPD_TIMEOUT, LPD_IO_ERROR, LPD_TOO_BIG };

  for (size_t i = 0; i < sizeof(results) / sizeof(results[0]); i ++)
    for (int mode = 0; mode < 3; mode ++)
    {
      lpd_attempt_t  a = { results[i], mode == 1 ? LPD_STEP_CONTROL_END : LPD_STEP_DATA_END, 0,
                           mode == 2, mode == 2, mode == 1 };
      lpd_decision_t d = lpdOutcomeDecide(&a);

      CU_ASSERT_TRUE(d.actions & LPD_ACT_VERIFY);
      CU_ASSERT_NOT_EQUAL(d.outcome, LPD_OUTCOME_RETRY);
      CU_ASSERT_NOT_EQUAL(d.outcome, LPD_OUTCOME_RETRY_CURRENT);
      CU_ASSERT_NOT_EQUAL(d.outcome, LPD_OUTCOME_FAILED);
    }
}

// 'main()' - Run the suite.
int
main(void)
{
  CU_TestInfo tests[] =
  {
    { "cases", test_cases },
    { "every row has a case", test_every_row },
    { "sent data is never resent blindly", test_never_resend_sent_data },
    CU_TEST_INFO_NULL
  };

  return (unit_run("outcome", tests));
}
