// fixtures.h - expected parse of each captured queue listing in tests/fixtures/.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Jobs in the captures (see tests/fixtures/README-*.md): LPRng and BSD lpd hold 101 alice@ws1,
// 102 bob@ws2, 103 carol@ws1; cups-lpd lists its own ids 1 alice, 2 bob, 3 carol.

static const fixture_t fixtures[] =
{
  { "queue-example.txt", 1, "h", "u", 0, false, 0 },
  // LPRng: the short form counts jobs but lists none; the long form lists them (held or not).
  { "queue-lprng-short-0.txt", 101, "ws1", "alice", 0, false, 0 },
  { "queue-lprng-short-3.txt", 101, "ws1", "alice", 0, false, 0 },
  { "queue-lprng-short-3-stopped.txt", 101, "ws1", "alice", 0, false, 0 },
  { "queue-lprng-short-nosuch.txt", 101, "ws1", "alice", 0, false, 0 },
  { "queue-lprng-long-0.txt", 101, "ws1", "alice", 0, false, 0 },
  { "queue-lprng-long-1.txt", 101, "ws1", "alice", 1, true, 1 },
  { "queue-lprng-long-1-stopped.txt", 101, "ws1", "alice", 1, true, 1 },
  { "queue-lprng-long-3.txt", 102, "ws2", "bob", 3, true, 2 },
  { "queue-lprng-long-3.txt", 103, "ws1", "carol", 3, true, 3 },
  { "queue-lprng-long-3.txt", 102, "ws1", "bob", 3, false, 0 },     // other host
  { "queue-lprng-long-3-stopped.txt", 103, "ws1", "carol", 3, true, 3 },
  { "queue-lprng-long-nosuch.txt", 101, "ws1", "alice", 0, false, 0 },
  // BSD lpd: both forms list jobs; the host shown is the server's name for the client.
  { "queue-bsd-short-0.txt", 101, "ws1", "alice", 0, false, 0 },
  { "queue-bsd-short-1.txt", 101, "ws1", "alice", 1, true, 1 },
  { "queue-bsd-short-3.txt", 102, "ws2", "bob", 3, true, 2 },
  { "queue-bsd-short-3.txt", 102, "ws2", "alice", 3, false, 0 },    // other owner
  { "queue-bsd-short-nosuch.txt", 101, "ws1", "alice", 0, false, 0 },
  { "queue-bsd-long-0.txt", 101, "ws1", "alice", 0, false, 0 },
  { "queue-bsd-long-1.txt", 101, "ws1", "alice", 1, true, 1 },
  { "queue-bsd-long-3.txt", 103, "ws1", "carol", 3, true, 3 },
  { "queue-bsd-long-3.txt", 104, "ws1", "carol", 3, false, 0 },
  { "queue-bsd-long-nosuch.txt", 101, "ws1", "alice", 0, false, 0 },
  // cups-lpd: its own job ids.
  { "queue-cups-lpd-short-0.txt", 1, "x", "alice", 0, false, 0 },
  { "queue-cups-lpd-short-1.txt", 1, "x", "alice", 1, true, 1 },
  { "queue-cups-lpd-short-3.txt", 2, "x", "bob", 3, true, 2 },
  { "queue-cups-lpd-long-1.txt", 1, "x", "alice", 1, true, 1 },
  { "queue-cups-lpd-long-3.txt", 3, "x", "carol", 3, true, 3 },
};
