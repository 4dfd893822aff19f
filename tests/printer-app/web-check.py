#!/usr/bin/env python3
# web-check.py - drive lpr-printer-app's "Add LPD Printer" and "LPD Queue" pages in headless
#                Chromium over --remote-debugging-pipe, as a person would: type, submit, read.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Usage: web-check.py CHROMIUM PORT OUTDIR GOOD_URI BAD_URI NEW_URI
#   1. /addlpd: name "webq", GOOD_URI, driver pdf, submit: prints "created: <final URL>".
#   2. /addlpd: name "webbad", BAD_URI: prints "error: <banner text>".
#   3. webq's LPD Queue page: NEW_URI, submit: prints "changed: <URI shown on the page>".
# Exit 0 when all three pages were driven (the caller judges the lines), 2 on errors.  The pages
# are kept in OUTDIR.  Chromium resolves no name and talks only to 127.0.0.1:PORT.
import fcntl
import json
import os
import select
import signal
import subprocess
import sys
import time

chromium, port, dest, good, bad, new = sys.argv[1:7]
base = "http://127.0.0.1:%s" % port
flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--user-data-dir=" + os.path.join(dest, "profile"), "--remote-debugging-pipe",
         "--disable-dev-shm-usage", "--disable-extensions", "--no-default-browser-check",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "about:blank"]
cmd_r, cmd_w = os.pipe()
rep_r, rep_w = os.pipe()


def child_fds():
    a = fcntl.fcntl(cmd_r, fcntl.F_DUPFD, 10)
    b = fcntl.fcntl(rep_w, fcntl.F_DUPFD, 10)
    os.dup2(a, 3)
    os.dup2(b, 4)


with open(os.path.join(dest, "chromium.log"), "wb") as log:
    proc = subprocess.Popen([chromium] + flags, stdin=subprocess.DEVNULL, stdout=log,
                            stderr=log, pass_fds=(3, 4), preexec_fn=child_fds,
                            start_new_session=True)
os.close(cmd_r)
os.close(rep_w)
state = {"buf": b"", "id": 0, "events": []}


def stop():
    try:
        proc.wait(timeout=0.1)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def die(msg):
    print("web-check.py: " + msg, file=sys.stderr)
    stop()
    sys.exit(2)


def read_message(deadline):
    while b"\0" not in state["buf"]:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([rep_r], [], [], left)[0]:
            return None
        chunk = os.read(rep_r, 65536)
        if not chunk:
            return None
        state["buf"] += chunk
    msg, state["buf"] = state["buf"].split(b"\0", 1)
    return json.loads(msg)


def send(method, params=None, session=None):
    state["id"] += 1
    msg = {"id": state["id"], "method": method, "params": params or {}}
    if session:
        msg["sessionId"] = session
    os.write(cmd_w, json.dumps(msg).encode() + b"\0")
    deadline = time.monotonic() + 60
    while True:
        reply = read_message(deadline)
        if reply is None:
            die("no reply to " + method)
        if reply.get("id") == state["id"]:
            if "error" in reply:
                die("%s: %s" % (method, reply["error"]))
            return reply.get("result", {})
        state["events"].append(reply)


def wait_load(session):
    deadline = time.monotonic() + 60
    while True:
        for i, ev in enumerate(state["events"]):
            if ev.get("method") == "Page.loadEventFired":
                del state["events"][i]
                return
        ev = read_message(deadline)
        if ev is None:
            die("page did not load")
        state["events"].append(ev)


def js(expr, session):
    res = send("Runtime.evaluate", {"expression": expr, "returnByValue": True}, session)
    return res.get("result", {}).get("value")


def fill_and_submit(session, fields, button):
    """Type into the fields (id -> value), click the button, wait for the next page."""
    sets = "".join("document.getElementById(%s).value = %s;" % (json.dumps(k), json.dumps(v))
                   for k, v in fields.items())
    if not js("(() => { %s const b = document.getElementById(%s); if (!b) return false;"
              " b.click(); return true; })()" % (sets, json.dumps(button)), session):
        die("no button %s on %s" % (button, js("location.href", session)))
    wait_load(session)


def open_page(session, path, name):
    send("Page.navigate", {"url": base + path}, session)
    wait_load(session)
    with open(os.path.join(dest, name + ".html"), "w") as f:
        f.write(js("document.documentElement.outerHTML", session) or "")


target = send("Target.createTarget", {"url": "about:blank"})["targetId"]
sess = send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
send("Page.enable", session=sess)

open_page(sess, "/addlpd", "add-form")
fill_and_submit(sess, {"printer_name": "webq", "device_uri": good, "driver_name": "pdf"}, "add")
print("created: " + (js("location.href", sess) or ""))

open_page(sess, "/addlpd", "add-form-2")
fill_and_submit(sess, {"printer_name": "webbad", "device_uri": bad, "driver_name": "ps"}, "add")
err = js("(document.getElementById('error') || {}).textContent", sess)
print("error: " + (err or "(no error banner)"))

open_page(sess, "/webq/lpd", "queue-page")
fill_and_submit(sess, {"device_uri": new}, "change")
open_page(sess, "/webq/lpd", "queue-page-2")
print("changed: " + (js("(document.getElementById('current_uri') || {}).textContent", sess)
                     or "(no URI shown)"))
send("Browser.close")
stop()
