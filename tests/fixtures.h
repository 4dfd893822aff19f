// fixtures.h - expected parse of each queue listing in tests/fixtures/.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Jobs in the captures (tests/fixtures/README-*.md): LPRng and BSD lpd hold 101 alice@ws1
// "report.txt" 1234 bytes, 102 bob@ws2 "Long job name with spaces.pdf" 56789 bytes, 103
// carol@ws1 "photo.ps" (N "/home/carol/photo.ps") 7 bytes; cups-lpd lists its own ids 1 alice
// "report.txt" 1000 bytes, 2 bob "quarterly summary.pdf" 5000, 3 carol "x" 70000.  The
// listings built from documentation (tests/fixtures/README.md) reuse these jobs.

#define F_BSD    LPD_FAMILY_BSD
#define F_LPRNG  LPD_FAMILY_LPRNG
#define F_CUPS   LPD_FAMILY_CUPS_LPD
#define F_WIN    LPD_FAMILY_WINDOWS
#define F_JD     LPD_FAMILY_JETDIRECT
#define F_XEROX  LPD_FAMILY_XEROX
#define F_ALL    LPD_FAMILY_ALL_QUEUES
#define F_ERR    LPD_FAMILY_ERROR_REPLY
#define F_UNK    LPD_FAMILY_UNKNOWN
#define NUM      LPD_MATCH_JOBNUM
#define OTS      LPD_MATCH_OWNER_TITLE_SIZE
#define OT       LPD_MATCH_OWNER_TITLE
#define NONE     LPD_MATCH_NONE

// Our jobs as the backend would describe them: number, H, P, J, N, queue, size.
#define ALICE     { 101, "ws1", "alice", "report.txt", "report.txt", "lp", 1234 }
#define BOB       { 102, "ws2", "bob", "Long job name with spaces.pdf", \
                    "Long job name with spaces.pdf", "lp", 56789 }
#define CAROL     { 103, "ws1", "carol", "photo.ps", "/home/carol/photo.ps", "lp", 7 }
#define CUPS_ALICE { 101, "ws1", "alice", "report.txt", "report.txt", "lp", 1000 }
#define CUPS_BOB  { 102, "ws2", "bob", "quarterly summary.pdf", "quarterly summary.pdf", "lp", \
                    5000 }
#define CUPS_CAROL { 103, "ws1", "carol", "x", "x", "lp", 70000 }

static const fixture_t fixtures[] =
{
  // file, job, family, understood, jobs, how found, rank, ambiguous
  { "queue-example.txt", { 1, "h", "u", NULL, NULL, NULL, 0 }, F_BSD, true, 0, NONE, 0, false },
  // LPRng: the short form counts jobs but lists none; the long form lists them (held or not).
  { "queue-lprng-short-0.txt", ALICE, F_LPRNG, false, 0, NONE, 0, false },
  { "queue-lprng-short-3.txt", ALICE, F_LPRNG, false, 0, NONE, 0, false },
  { "queue-lprng-short-3-stopped.txt", ALICE, F_LPRNG, false, 0, NONE, 0, false },
  { "queue-lprng-short-nosuch.txt", ALICE, F_ERR, false, 0, NONE, 0, false },
  { "queue-lprng-long-0.txt", ALICE, F_LPRNG, true, 0, NONE, 0, false },
  { "queue-lprng-long-1.txt", ALICE, F_LPRNG, true, 1, NUM, 1, false },
  { "queue-lprng-long-1-stopped.txt", ALICE, F_LPRNG, true, 1, NUM, 1, false },
  { "queue-lprng-long-3.txt", BOB, F_LPRNG, true, 3, NUM, 2, false },
  { "queue-lprng-long-3.txt", CAROL, F_LPRNG, true, 3, NUM, 3, false },
  { "queue-lprng-long-3.txt", { 102, "ws1", "bob", NULL, NULL, "lp", 0 }, F_LPRNG, true, 3,
    NONE, 0, false },                                            // other host
  { "queue-lprng-long-3-stopped.txt", CAROL, F_LPRNG, true, 3, NUM, 3, false },
  { "queue-lprng-long-nosuch.txt", ALICE, F_ERR, false, 0, NONE, 0, false },
  // BSD lpd: both forms list jobs; the host shown is the server's name for the client.
  { "queue-bsd-short-0.txt", ALICE, F_BSD, true, 0, NONE, 0, false },
  { "queue-bsd-short-1.txt", ALICE, F_BSD, true, 1, NUM, 1, false },
  { "queue-bsd-short-3.txt", BOB, F_BSD, true, 3, NUM, 2, false },
  { "queue-bsd-short-3.txt", { 102, "ws2", "alice", NULL, NULL, "lp", 0 }, F_BSD, true, 3,
    NONE, 0, false },                                            // other owner
  { "queue-bsd-short-nosuch.txt", ALICE, F_ERR, false, 0, NONE, 0, false },
  { "queue-bsd-long-0.txt", ALICE, F_BSD, true, 0, NONE, 0, false },
  { "queue-bsd-long-1.txt", ALICE, F_BSD, true, 1, NUM, 1, false },
  { "queue-bsd-long-3.txt", CAROL, F_BSD, true, 3, NUM, 3, false },
  { "queue-bsd-long-3.txt", { 104, "ws1", "carol", NULL, NULL, "lp", 0 }, F_BSD, true, 3, NONE,
    0, false },
  { "queue-bsd-long-nosuch.txt", ALICE, F_ERR, false, 0, NONE, 0, false },
  // user@host owners count as the user.
  { "queue-bsd-userhost-short-2.txt", { 104, "ws12", "alice", "report", "report", "lp", 2160 },
    F_BSD, true, 2, NUM, 2, false },
  { "queue-bsd-userhost-long-2.txt", { 104, "ws12", "alice", "report", "report", "lp", 2160 },
    F_BSD, true, 2, NUM, 2, false },
  { "queue-bsd-userhost-long-2.txt", { 103, "ws2", "alice", NULL, NULL, "lp", 0 }, F_BSD, true,
    2, NONE, 0, false },                                         // bob's number, not ours
  // A BSD listing with a row no parser reads: it cannot prove absence.
  { "queue-bsd-badrow.txt", ALICE, F_BSD, false, 1, NONE, 0, false },
  // cups-lpd: its own ids; found by owner, title and size (listed in whole KiB).
  { "queue-cups-lpd-short-0.txt", CUPS_ALICE, F_BSD, true, 0, NONE, 0, false },
  { "queue-cups-lpd-short-1.txt", CUPS_ALICE, F_CUPS, true, 1, OTS, 1, false },
  { "queue-cups-lpd-short-3.txt", CUPS_BOB, F_CUPS, true, 3, OTS, 2, false },
  { "queue-cups-lpd-short-3.txt", { 1, "ws1", "alice", "report.txt", NULL, "lp", 3000 }, F_CUPS,
    true, 3, NONE, 0, false },                                   // other size: not ours
  { "queue-cups-lpd-short-3.txt", { 1, "ws1", "alice", "report.txt", NULL, "lp", 0 }, F_CUPS,
    true, 3, OT, 1, false },                                     // size unknown: weaker
  { "queue-cups-lpd-long-1.txt", CUPS_ALICE, F_CUPS, true, 1, OTS, 1, false },
  { "queue-cups-lpd-long-3.txt", CUPS_CAROL, F_CUPS, true, 3, OTS, 3, false },
  { "queue-cups-lpd-long-3.txt", { 2, "ws2", "bob", "x", NULL, "lp", 70000 }, F_CUPS, true, 3,
    NONE, 0, false },                                            // carol's job, not bob's
  // Windows LPD Service: its own ids, job names cut to 19 characters.
  { "queue-windows-0.txt", ALICE, F_WIN, true, 0, NONE, 0, false },
  { "queue-windows-3.txt", ALICE, F_WIN, true, 3, OTS, 1, false },
  { "queue-windows-3.txt", BOB, F_WIN, true, 3, OTS, 2, false },
  { "queue-windows-3.txt", CAROL, F_WIN, true, 3, OTS, 3, false },
  { "queue-windows-3.txt", { 26, "ws1", "dave", "report.txt", NULL, "lp", 1234 }, F_WIN, true, 3,
    NONE, 0, false },                                            // the id is not our number
  { "queue-windows-paused-2.txt", ALICE, F_WIN, true, 2, NONE, 0, true },
  { "queue-windows-nosuch.txt", ALICE, F_ERR, false, 0, NONE, 0, false },
  // HP JetDirect and Xerox.
  { "queue-jetdirect-0.txt", ALICE, F_JD, true, 0, NONE, 0, false },
  { "queue-xerox-nosuch.txt", ALICE, F_ERR, false, 0, NONE, 0, false },
  { "queue-xerox-internal.txt", ALICE, F_ERR, false, 0, NONE, 0, false },
  { "queue-xerox-nojobs.txt", ALICE, F_XEROX, true, 0, NONE, 0, false },
  { "queue-xerox-short-2.txt", BOB, F_XEROX, true, 2, OTS, 2, false },
  { "queue-xerox-short-2.txt", { 17, "ws1", "carol", "photo.ps", NULL, "lp", 7 }, F_XEROX, true,
    2, NONE, 0, false },
  // Canon PRISMAsync: every queue, every protocol, its own ids.
  { "queue-canon-short-3.txt", ALICE, F_ALL, true, 3, OTS, 2, false },
  { "queue-canon-short-3.txt", { 335, "ws1", "John", NULL, NULL, "lp", 0 }, F_ALL, true, 3,
    NONE, 0, false },                                            // number alone proves nothing
  { "queue-canon-long-3.txt", ALICE, F_ALL, true, 3, OTS, 2, false },
  // Error sentences and a format nobody knows.
  { "queue-error-unsupported.txt", ALICE, F_ERR, false, 0, NONE, 0, false },
  { "queue-error-nosuch.txt", ALICE, F_ERR, false, 0, NONE, 0, false },
  { "queue-unknown.txt", ALICE, F_UNK, false, 0, NONE, 0, false },
};
