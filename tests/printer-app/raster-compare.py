#!/usr/bin/env python3
# raster-compare.py - compare the pages of a PWG raster file (8-bit gray) with PGM renderings.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Usage: raster-compare.py FILE.pwg PGM_PATTERN MAX_PERCENT
#   PGM_PATTERN has one %d for the page number (1, 2, ...), as ghostscript's -o names pages.
#   For each page, counts the pixels whose gray level differs by more than 64 between the
#   decoded raster and the rendering, and fails when more than MAX_PERCENT of the page does,
#   or when the page counts or sizes differ.  Prints one line per page.  The PWG decoder is
#   written here from PWG 5102.4 (no code shared with the encoders it judges).
import struct
import sys


def pwg_pages(path):
    """Yield (width, height, bytes) for each page of an 8-bit gray PWG raster file."""
    data = open(path, "rb").read()
    if data[:4] != b"RaS2":
        raise SystemExit("not a PWG raster file: %s" % path)
    pos = 4
    while pos < len(data):
        hdr = data[pos:pos + 1796]
        pos += 1796
        width, height = struct.unpack(">II", hdr[372:380])
        bpc, bpp, bpl = struct.unpack(">III", hdr[384:396])
        if bpp != 8:
            raise SystemExit("only 8-bit gray pages are compared (got %d bits)" % bpp)
        out = bytearray()
        y = 0
        while y < height:
            repeat = data[pos] + 1
            pos += 1
            line = bytearray()
            while len(line) < bpl:
                n = data[pos]
                pos += 1
                if n == 128:
                    line += b"\xff" * (bpl - len(line))
                elif n < 128:
                    line += data[pos:pos + 1] * (n + 1)
                    pos += 1
                else:
                    count = 257 - n
                    line += data[pos:pos + count]
                    pos += count
            out += bytes(line) * repeat
            y += repeat
        yield width, height, bytes(out[:width * height])


def pgm(path):
    """(width, height, bytes) of a binary PGM."""
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[pos + 1:pos + 1 + w * h]


def main():
    path, pattern, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
    bad = 0
    pages = 0
    for page, (w, h, ref) in enumerate(pwg_pages(path), 1):
        pages = page
        try:
            gw, gh, got = pgm(pattern % page)
        except OSError:
            print("page %d: no rendering" % page)
            bad += 1
            continue
        if (gw, gh) != (w, h):
            print("page %d: size %dx%d, rendered %dx%d" % (page, w, h, gw, gh))
            bad += 1
            continue
        diff = sum(1 for a, b in zip(ref, got) if abs(a - b) > 64)
        pct = 100.0 * diff / (w * h)
        print("page %d: %dx%d, %d pixels (%.4f%%) differ by more than 64 levels"
              % (page, w, h, diff, pct))
        bad += pct > limit
    try:
        pgm(pattern % (pages + 1))
        print("rendering has more pages than the raster (%d)" % pages)
        bad += 1
    except OSError:
        pass
    sys.exit(1 if bad or pages == 0 else 0)


main()
