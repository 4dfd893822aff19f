#!/usr/bin/env python3
# slow-print.py - an IPP Print-Job whose document arrives slowly (a client on a slow link), so
#                 that a test can act while the job is being transferred.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Usage: slow-print.py HOST PORT PRINTER-PATH FILE FORMAT BYTES-PER-TENTH-SECOND
#   Sends the request with chunked encoding, BYTES per 0.1 s, and prints the IPP status code
#   of the response (or "closed" when the server ended the request early).  The IPP request is
#   encoded here from RFC 8010 (no code shared with the application under test).
import http.client
import struct
import sys
import time

host, port, path, filename, fmt, rate = sys.argv[1:7]
rate = int(rate)


def attr(tag, name, value):
    v = value.encode()
    return struct.pack(">BH", tag, len(name)) + name.encode() + struct.pack(">H", len(v)) + v


uri = "ipp://%s:%s%s" % (host, port, path)
req = struct.pack(">BBHI", 2, 0, 0x0002, 1) + b"\x01"
req += attr(0x47, "attributes-charset", "utf-8")
req += attr(0x48, "attributes-natural-language", "en")
req += attr(0x45, "printer-uri", uri)
req += attr(0x42, "requesting-user-name", "tester")
req += attr(0x42, "job-name", "slow")
req += attr(0x49, "document-format", fmt)
req += b"\x03"


def body():
    yield req
    with open(filename, "rb") as f:
        while True:
            chunk = f.read(rate)
            if not chunk:
                return
            yield chunk
            time.sleep(0.1)


conn = http.client.HTTPConnection(host, int(port), timeout=600)
try:
    conn.request("POST", path, body=body(), headers={"Content-Type": "application/ipp"},
                 encode_chunked=True)
    resp = conn.getresponse()
    data = resp.read()
    print("status 0x%04x" % struct.unpack(">H", data[2:4])[0] if len(data) >= 4 else "empty")
except (OSError, http.client.HTTPException) as e:
    print("closed (%s)" % e)
