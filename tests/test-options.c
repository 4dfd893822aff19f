// test-options.c - unit tests of options.c: device URI, URI options and job options.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

#include "config.h"
#include "options.h"
#include "unit.h"

#include <string.h>

// 'parse()' - Parse a URI with fresh defaults.
static bool
parse(const char *uri, lpr_uri_t *u, lpr_options_t *o, char *err)
{
  lprOptionsDefaults(o);
  err[0] = '\0';
  return (lprParseURI(uri, u, o, err, 256));
}

// 'test_uri()' - Hosts, ports, IPv6 literals, users and queues.
static void
test_uri(void)
{
  lpr_uri_t     u;
  lpr_options_t o;
  char          err[256];

  CU_ASSERT_TRUE(parse("lpr://printer.example/lp", &u, &o, err));
  CU_ASSERT_STRING_EQUAL(u.host, "printer.example");
  CU_ASSERT_EQUAL(u.port, 515);
  CU_ASSERT_STRING_EQUAL(u.queue, "lp");
  CU_ASSERT_STRING_EQUAL(u.user, "");

  CU_ASSERT_TRUE(parse("lpr://bob@127.0.0.1:5515/raw", &u, &o, err));
  CU_ASSERT_STRING_EQUAL(u.user, "bob");
  CU_ASSERT_EQUAL(u.port, 5515);

  CU_ASSERT_TRUE(parse("lpr://[::1]:9100/q", &u, &o, err));
  CU_ASSERT_STRING_EQUAL(u.host, "::1");
  CU_ASSERT_EQUAL(u.port, 9100);

  CU_ASSERT_TRUE(parse("lpr://h/a%3Fb%2Fc", &u, &o, err));   // encoded ? and / stay in the name
  CU_ASSERT_STRING_EQUAL(u.queue, "a?b/c");

  CU_ASSERT_FALSE(parse("lpr://h/", &u, &o, err));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "no queue"));
  CU_ASSERT_FALSE(parse("lpr://h/a%20b", &u, &o, err));
  CU_ASSERT_FALSE(parse("lpr://h/a%0Ab", &u, &o, err));
  CU_ASSERT_FALSE(parse("lpr://h/a%00b", &u, &o, err));
  CU_ASSERT_FALSE(parse("lpr://h/a%zz", &u, &o, err));
  CU_ASSERT_FALSE(parse("lpr://h:99999/q", &u, &o, err));
  CU_ASSERT_FALSE(parse("lpr://h:0x/q", &u, &o, err));
  CU_ASSERT_FALSE(parse("lpr:///q", &u, &o, err));
  CU_ASSERT_FALSE(parse("garbage", &u, &o, err));
  {
    char uri[600] = "lpr://";

    memset(uri + 6, 'h', 300);
    strcpy(uri + 306, "/q");
    CU_ASSERT_FALSE(parse(uri, &u, &o, err));
  }
}

// 'test_uri_options()' - The lpd backend's options with its defaults, and our own.
static void
test_uri_options(void)
{
  lpr_uri_t     u;
  lpr_options_t o;
  char          err[256];

  CU_ASSERT_TRUE(parse("lpr://h/q", &u, &o, err));
  CU_ASSERT_EQUAL(o.mode, LPR_MODE_AUTO);
  CU_ASSERT_STRING_EQUAL(o.mode_source, "default");
  CU_ASSERT_FALSE(o.banner);
  CU_ASSERT_EQUAL(o.format, 'l');
  CU_ASSERT_FALSE(o.data_first);
  CU_ASSERT_EQUAL(o.reserve, LPR_RESERVE_ANY);
  CU_ASSERT_TRUE(o.manual_copies);
  CU_ASSERT_TRUE(o.sanitize_title);
  CU_ASSERT_TRUE(o.snmp);
  CU_ASSERT_EQUAL(o.timeout, 300);
  CU_ASSERT_EQUAL(o.contimeout, 604800);
  CU_ASSERT_FALSE(o.waitjob);

  CU_ASSERT_TRUE(parse("lpr://h/q?banner=on&format=o&mode=stream&order=data,control"
                       "+reserve=rfc1179&manual_copies=no&sanitize_title=false&snmp=off"
                       "&timeout=30&contimeout=60&waitjob=yes&polltime=2&community=x", &u, &o,
                       err));
  CU_ASSERT_TRUE(o.banner);
  CU_ASSERT_EQUAL(o.format, 'o');
  CU_ASSERT_EQUAL(o.mode, LPR_MODE_IMMEDIATE);
  CU_ASSERT_STRING_EQUAL(o.mode_source, "URI");
  CU_ASSERT_TRUE(o.data_first);
  CU_ASSERT_EQUAL(o.reserve, LPR_RESERVE_RFC1179);
  CU_ASSERT_FALSE(o.manual_copies);
  CU_ASSERT_FALSE(o.sanitize_title);
  CU_ASSERT_FALSE(o.snmp);
  CU_ASSERT_EQUAL(o.timeout, 30);
  CU_ASSERT_EQUAL(o.contimeout, 60);
  CU_ASSERT_TRUE(o.waitjob);
  CU_ASSERT_EQUAL(o.polltime, 2);
  CU_ASSERT_STRING_EQUAL(o.community, "x");

  CU_ASSERT_TRUE(parse("lpr://h/q?mode=standard&reserve=none&banner", &u, &o, err));
  CU_ASSERT_EQUAL(o.mode, LPR_MODE_SPOOLED);
  CU_ASSERT_EQUAL(o.reserve, LPR_RESERVE_NONE);
  CU_ASSERT_TRUE(o.banner);
  CU_ASSERT_TRUE(parse("lpr://h/q?mode=spooled", &u, &o, err));
  CU_ASSERT_EQUAL(o.mode, LPR_MODE_SPOOLED);
  CU_ASSERT_TRUE(parse("lpr://h/q?MODE=Immediate", &u, &o, err));
  CU_ASSERT_EQUAL(o.mode, LPR_MODE_IMMEDIATE);

  // Never silently ignored: the message names the option.
  CU_ASSERT_FALSE(parse("lpr://h/q?colour=yes", &u, &o, err));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown option \"colour\""));
  CU_ASSERT_FALSE(parse("lpr://h/q?mode=fast", &u, &o, err));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "\"mode\""));
  CU_ASSERT_FALSE(parse("lpr://h/q?format=z", &u, &o, err));
  CU_ASSERT_FALSE(parse("lpr://h/q?format=ll", &u, &o, err));
  CU_ASSERT_FALSE(parse("lpr://h/q?banner=maybe", &u, &o, err));
  CU_ASSERT_FALSE(parse("lpr://h/q?timeout=0", &u, &o, err));
  CU_ASSERT_FALSE(parse("lpr://h/q?timeout=12x", &u, &o, err));
  CU_ASSERT_FALSE(parse("lpr://h/q?timeout=99999999999999999999", &u, &o, err));
  CU_ASSERT_FALSE(parse("lpr://h/q?order=data", &u, &o, err));
  CU_ASSERT_FALSE(parse("lpr://h/q?reserve=some", &u, &o, err));
}

// 'test_charset_queue()' - charset=ascii|utf-8, and queue names with '=' (Ricoh).
static void
test_charset_queue(void)
{
  lpr_uri_t     u;
  lpr_options_t o;
  char          err[256];

  CU_ASSERT_TRUE(parse("lpr://h/q", &u, &o, err));
  CU_ASSERT_EQUAL(o.charset, LPR_CHARSET_UTF8);
  CU_ASSERT_TRUE(parse("lpr://h/q?charset=ascii", &u, &o, err));
  CU_ASSERT_EQUAL(o.charset, LPR_CHARSET_ASCII);
  CU_ASSERT_TRUE(parse("lpr://h/q?charset=US-ASCII&charset=utf-8", &u, &o, err));
  CU_ASSERT_EQUAL(o.charset, LPR_CHARSET_UTF8);
  CU_ASSERT_TRUE(parse("lpr://h/q?CHARSET=UTF8", &u, &o, err));
  CU_ASSERT_EQUAL(o.charset, LPR_CHARSET_UTF8);
  CU_ASSERT_FALSE(parse("lpr://h/q?charset=latin1", &u, &o, err));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad value \"latin1\" for option \"charset\""));
  CU_ASSERT_FALSE(parse("lpr://h/q?charset", &u, &o, err));

  // '=' belongs to the queue name; the first '?' starts the options.
  CU_ASSERT_TRUE(parse("lpr://ricoh.example/filetype=RPS", &u, &o, err));
  CU_ASSERT_STRING_EQUAL(u.queue, "filetype=RPS");
  CU_ASSERT_EQUAL(o.format, 'l');
  CU_ASSERT_TRUE(parse("lpr://ricoh.example/filetype=RPS?format=o&charset=ascii", &u, &o, err));
  CU_ASSERT_STRING_EQUAL(u.queue, "filetype=RPS");
  CU_ASSERT_EQUAL(o.format, 'o');
  CU_ASSERT_EQUAL(o.charset, LPR_CHARSET_ASCII);
  CU_ASSERT_TRUE(parse("lpr://h/a=b=c&d+e?community=x=y", &u, &o, err));
  CU_ASSERT_STRING_EQUAL(u.queue, "a=b=c&d+e");
  CU_ASSERT_STRING_EQUAL(o.community, "x=y");
  CU_ASSERT_TRUE(parse("lpr://h/rp%3Dfiletype%3DRPS", &u, &o, err));
  CU_ASSERT_STRING_EQUAL(u.queue, "rp=filetype=RPS");
  CU_ASSERT_TRUE(parse("lpr://h/q%3Fx?format=o", &u, &o, err));   // an encoded '?' is a name
  CU_ASSERT_STRING_EQUAL(u.queue, "q?x");
  CU_ASSERT_EQUAL(o.format, 'o');
  CU_ASSERT_FALSE(parse("lpr://h/?filetype=RPS", &u, &o, err));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "no queue"));
  CU_ASSERT_FALSE(parse("lpr://h/=?filetype=RPS", &u, &o, err));    // not an option we know
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown option \"filetype\""));

  // Every option of the table by name, and an integer's range.
  CU_ASSERT_TRUE(parse("lpr://h/q?snmp-port=1161&lpr-mode=auto&SNMP=yes", &u, &o, err));
  CU_ASSERT_EQUAL(o.snmp_port, 1161);
  CU_ASSERT_FALSE(parse("lpr://h/q?snmp-port=0", &u, &o, err));
  CU_ASSERT_FALSE(parse("lpr://h/q?polltime=3601", &u, &o, err));
  CU_ASSERT_FALSE(parse("lpr://h/q?community=", &u, &o, err));
  CU_ASSERT_FALSE(parse("lpr://h/q?community=a%01b", &u, &o, err));
}

// 'test_job_options()' - lpr-mode in argv[5] overrides the URI; other options are not ours.
static void
test_job_options(void)
{
  lpr_options_t o;
  char          err[256];

  lprOptionsDefaults(&o);
  CU_ASSERT_TRUE(lprSetOption(&o, "mode", "spooled", "URI", err, sizeof(err)));
  CU_ASSERT_TRUE(lprParseJobOptions("media=A4 lpr-mode=immediate job-uuid=urn:x", &o, err,
                                    sizeof(err)));
  CU_ASSERT_EQUAL(o.mode, LPR_MODE_IMMEDIATE);
  CU_ASSERT_STRING_EQUAL(o.mode_source, "job");
  CU_ASSERT_TRUE(lprParseJobOptions("waitjob=yes polltime=3", &o, err, sizeof(err)));
  CU_ASSERT_TRUE(o.waitjob);
  CU_ASSERT_EQUAL(o.polltime, 3);
  CU_ASSERT_TRUE(lprParseJobOptions("", &o, err, sizeof(err)));
  CU_ASSERT_TRUE(lprParseJobOptions(NULL, &o, err, sizeof(err)));
  CU_ASSERT_FALSE(lprParseJobOptions("lpr-mode=fast", &o, err, sizeof(err)));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "job options"));
  CU_ASSERT_STRING_EQUAL(lprModeName(LPR_MODE_SPOOLED), "spooled");
}

// 'test_ppd()' - Precedence: job option > PPD choice (queue default or job's) > URI option.
static void
test_ppd(void)
{
  lpr_uri_t     u;
  lpr_options_t o;
  char          err[256];

  CU_ASSERT_TRUE(parse("lpr://h/q?mode=immediate&banner=on", &u, &o, err));
  CU_ASSERT_TRUE(lprParsePPDOptions(PPDFILE, "", &o, err, sizeof(err)));
  CU_ASSERT_EQUAL(o.mode, LPR_MODE_AUTO);        // the PPD's default beats the URI
  CU_ASSERT_STRING_EQUAL(o.mode_source, "PPD");
  CU_ASSERT_FALSE(o.banner);
  CU_ASSERT_EQUAL(o.format, 'l');

  CU_ASSERT_TRUE(parse("lpr://h/q", &u, &o, err));
  CU_ASSERT_TRUE(lprParsePPDOptions(PPDFILE, "LprMode=Spooled LprOrder=DataFirst LprFormat=o "
                                    "LprWaitJob=True LprBanner=True", &o, err, sizeof(err)));
  CU_ASSERT_EQUAL(o.mode, LPR_MODE_SPOOLED);
  CU_ASSERT_TRUE(o.data_first);
  CU_ASSERT_EQUAL(o.format, 'o');
  CU_ASSERT_TRUE(o.waitjob);
  CU_ASSERT_TRUE(o.banner);
  CU_ASSERT_TRUE(lprParseJobOptions("lpr-mode=immediate", &o, err, sizeof(err)));
  CU_ASSERT_EQUAL(o.mode, LPR_MODE_IMMEDIATE);   // the job option beats the PPD
  CU_ASSERT_STRING_EQUAL(o.mode_source, "job");

  // No PPD, or one that is not there: nothing changes.
  CU_ASSERT_TRUE(parse("lpr://h/q?mode=spooled", &u, &o, err));
  CU_ASSERT_TRUE(lprParsePPDOptions(NULL, "", &o, err, sizeof(err)));
  CU_ASSERT_TRUE(lprParsePPDOptions("/nonexistent.ppd", "", &o, err, sizeof(err)));
  CU_ASSERT_EQUAL(o.mode, LPR_MODE_SPOOLED);
}

int
main(void)
{
  CU_TestInfo tests[] =
  {
    { "device URI", test_uri },
    { "URI options", test_uri_options },
    { "charset and queue names", test_charset_queue },
    { "job options", test_job_options },
    { "PPD choices", test_ppd },
    CU_TEST_INFO_NULL
  };

  return (unit_run("options", tests));
}
