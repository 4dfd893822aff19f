// unit.h - the shared CUnit runner of the unit test programs.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#ifndef LPR_UNIT_H
#define LPR_UNIT_H

#include <CUnit/Basic.h>
#include <stdio.h>

// 'unit_run()' - Run one suite; the exit status is non-zero when any assertion failed.
static inline int
unit_run(const char *name, CU_TestInfo *tests)
{
  CU_SuiteInfo suites[] = { { name, NULL, NULL, NULL, NULL, tests }, CU_SUITE_INFO_NULL };
  unsigned     failures, run;

  if (CU_initialize_registry() != CUE_SUCCESS)
    return (99);
  if (CU_register_suites(suites) != CUE_SUCCESS)
  {
    CU_cleanup_registry();
    return (99);
  }
  CU_basic_set_mode(CU_BRM_VERBOSE);
  CU_basic_run_tests();
  failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
  run = CU_get_number_of_tests_run();
  CU_cleanup_registry();
  if (run == 0)
    return (99);
  return (failures ? 1 : 0);
}

#endif // LPR_UNIT_H
