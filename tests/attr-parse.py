#!/usr/bin/env python3
# attr-parse.py - read a backend's ATTR: lines the way cupsd does and print the marker lists.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Usage: attr-parse.py FILE [N]
# Takes the N-th (default: last) "ATTR: " line of FILE, splits it into options as
# cupsParseOptions() does (quotes and backslashes), splits each marker-* value into values as
# cupsd does for printer attributes (commas outside double quotes; the quotes removed; no
# escapes), and
# prints one line per list: "NAME COUNT VALUE|VALUE|...".  Exit 1 when there is no such line.

import sys


def parse_options(text):
    """Split 'a=b c="d e"' into a dict, removing one level of quotes and backslashes."""
    opts, i, n = {}, 0, len(text)
    while i < n:
        while i < n and text[i].isspace():
            i += 1
        start = i
        while i < n and text[i] not in "= \t":
            i += 1
        name = text[start:i]
        if not name:
            break
        value = []
        if i < n and text[i] == "=":
            i += 1
            while i < n and not text[i].isspace():
                c = text[i]
                if c == "\\" and i + 1 < n:
                    value.append(text[i + 1])
                    i += 2
                elif c in "'\"":
                    i += 1
                    while i < n and text[i] != c:
                        if text[i] == "\\" and i + 1 < n:
                            i += 1
                        value.append(text[i])
                        i += 1
                    i += 1
                else:
                    value.append(c)
                    i += 1
        opts[name] = "".join(value)
    return opts


def split_values(value):
    """Split a list value at commas outside double quotes and drop the quotes; cupsd 2.4
    knows no escapes here (a backslash is an ordinary character)."""
    values, cur, quote, i = [], [], False, 0
    while i < len(value):
        c = value[i]
        if c == '"':
            quote = not quote
        elif c == "," and not quote:
            values.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    values.append("".join(cur))
    return values


def main():
    lines = [l[len("ATTR: "):].rstrip("\n") for l in
             open(sys.argv[1], encoding="utf-8", errors="replace") if l.startswith("ATTR: ")]
    which = int(sys.argv[2]) if len(sys.argv) > 2 else len(lines)
    if which < 1 or which > len(lines):
        return 1
    for name, value in sorted(parse_options(lines[which - 1]).items()):
        vals = split_values(value)
        print(name, len(vals), "|".join(vals))
    return 0


if __name__ == "__main__":
    sys.exit(main())
