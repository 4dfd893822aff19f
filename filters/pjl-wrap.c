// pjl-wrap.c - CUPS filter that wraps a job in PJL (job name, copies, duplex), streaming.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Usage (the CUPS filter contract): pjl-wrap job-id user title copies options [file]
// Reads the file or stdin and writes header, the job unchanged, trailer to stdout, never
// holding more than one buffer.  Enabled per queue by the "LPD Printer with PJL" PPD, which
// also tells CUPS not to make copies itself (the printer makes them from PJL).

#include "config.h"
#include "pjl.h"
#include "status.h"

#include <cups/cups.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COPY_SIZE (64 * 1024)

// 'write_all()' - Write everything, looping over short writes and EINTR.
static bool
write_all(int fd, const char *buf, size_t len)
{
  while (len > 0)
  {
    ssize_t n = write(fd, buf, len);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return (false);
    buf += n;
    len -= (size_t)n;
  }
  return (true);
}

// 'main()' - Wrap the job on stdin (or argv[6]) in its PJL header and trailer, streaming.
int
main(int argc, char *argv[])
{
  static char   buf[COPY_SIZE];
  pjl_job_t     job;
  cups_option_t *opts = NULL;
  int           nopts, in = 0;
  char          *end;
  long          copies;
  size_t        len;
  ssize_t       n;

  lprStatusInit(2);
  if (argc != 6 && argc != 7)
  {
    lprStatus("ERROR", "Usage: %s job-id user title copies options [file]", argv[0]);
    return (1);
  }
  copies = strtol(argv[4], &end, 10);
  if (*end || copies < 1 || copies > 9999)
  {
    lprStatus("ERROR", "Bad number of copies \"%s\"", argv[4]);
    return (1);
  }
  if (argc == 7 && (in = open(argv[6], O_RDONLY | O_CLOEXEC)) < 0)
  {
    lprStatus("ERROR", "Unable to open print file %s: %s", argv[6], strerror(errno));
    return (1);
  }
  nopts = cupsParseOptions(argv[5], 0, &opts);
  job.name     = argv[3];
  job.copies   = (int)copies;
  job.duplex   = pjlDuplexFromSides(cupsGetOption("sides", nopts, opts));
  job.language = pjlLanguageFor(getenv("FINAL_CONTENT_TYPE") ? getenv("FINAL_CONTENT_TYPE")
                                                            : getenv("CONTENT_TYPE"));
  cupsFreeOptions(nopts, opts);

  if ((len = pjlHeader(buf, sizeof(buf), &job)) == 0 || !write_all(1, buf, len))
  {
    lprStatus("ERROR", "Unable to write the PJL header: %s", strerror(errno));
    return (1);
  }
  lprStatus("DEBUG", "PJL: %d copies, duplex %d, language %s", job.copies, job.duplex,
            job.language ? job.language : "(printer's choice)");
  for (;;)
  {
    n = read(in, buf, sizeof(buf));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
    {
      lprStatus("ERROR", "Unable to read the print data: %s", strerror(errno));
      return (1);
    }
    if (n == 0)
      break;
    if (!write_all(1, buf, (size_t)n))
    {
      lprStatus("ERROR", "Unable to write the print data: %s", strerror(errno));
      return (1);
    }
  }
  if ((len = pjlTrailer(buf, sizeof(buf), &job)) == 0 || !write_all(1, buf, len))
  {
    lprStatus("ERROR", "Unable to write the PJL trailer: %s", strerror(errno));
    return (1);
  }
  return (0);
}
