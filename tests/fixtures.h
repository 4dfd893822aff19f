// fixtures.h - expected parse of each captured queue listing in tests/fixtures/.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0

static const fixture_t fixtures[] =
{
  { "queue-example.txt", 1, "h", 0, false, 0 },
};
