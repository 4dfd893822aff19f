// test-pjl.c - unit tests of the PJL header and trailer.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "pjl.h"
#include "unit.h"

#include <string.h>

// 'test_header()' - UEL first, job name, copies, duplex, language; trailer matches.
static void
test_header(void)
{
  char      buf[1024];
  pjl_job_t job = { "Report \"Q3\"\n", 3, 1, "POSTSCRIPT" };

  CU_ASSERT_TRUE(pjlHeader(buf, sizeof(buf), &job) > 0);
  CU_ASSERT_STRING_EQUAL(buf, "\033%-12345X@PJL\r\n@PJL JOB NAME=\"Report _Q3__\"\r\n"
                              "@PJL SET COPIES=3\r\n@PJL SET DUPLEX=ON\r\n"
                              "@PJL SET BINDING=LONGEDGE\r\n@PJL ENTER LANGUAGE=POSTSCRIPT\r\n");
  CU_ASSERT_TRUE(pjlTrailer(buf, sizeof(buf), &job) > 0);
  CU_ASSERT_STRING_EQUAL(buf, "\033%-12345X@PJL EOJ NAME=\"Report _Q3__\"\r\n\033%-12345X");

  job.duplex = -1;
  job.language = NULL;
  job.copies = 5000;
  pjlHeader(buf, sizeof(buf), &job);
  CU_ASSERT_PTR_NOT_NULL(strstr(buf, "COPIES=999\r\n"));
  CU_ASSERT_PTR_NULL(strstr(buf, "DUPLEX"));
  CU_ASSERT_PTR_NULL(strstr(buf, "ENTER"));
  CU_ASSERT_EQUAL(pjlHeader(buf, 10, &job), 0);
}

// 'test_helpers()' - sides, content types and long names.
static void
test_helpers(void)
{
  char name[200], longname[300];

  CU_ASSERT_EQUAL(pjlDuplexFromSides("one-sided"), 0);
  CU_ASSERT_EQUAL(pjlDuplexFromSides("two-sided-short-edge"), 2);
  CU_ASSERT_EQUAL(pjlDuplexFromSides(NULL), -1);
  CU_ASSERT_EQUAL(pjlDuplexFromSides("bogus"), -1);
  CU_ASSERT_STRING_EQUAL(pjlLanguageFor("application/vnd.cups-postscript"), "POSTSCRIPT");
  CU_ASSERT_STRING_EQUAL(pjlLanguageFor("application/vnd.hp-pcl"), "PCL");
  CU_ASSERT_PTR_NULL(pjlLanguageFor("application/pdf"));
  memset(longname, 'n', sizeof(longname) - 1);
  longname[sizeof(longname) - 1] = '\0';
  pjlCleanName(name, sizeof(name), longname);
  CU_ASSERT_EQUAL(strlen(name), 80);
  pjlCleanName(name, sizeof(name), "caf\xc3\xa9");
  CU_ASSERT_STRING_EQUAL(name, "caf__");
}

int
main(void)
{
  CU_TestInfo tests[] =
  {
    { "header and trailer", test_header },
    { "helpers", test_helpers },
    CU_TEST_INFO_NULL
  };

  return (unit_run("pjl", tests));
}
