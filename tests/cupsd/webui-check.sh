#!/bin/bash
# webui-check.sh - check with headless Chromium that CUPS's "Add Printer" page offers a scheme.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Usage: webui-check.sh PORT [SCHEME] [OUTDIR]
#   Opens http://127.0.0.1:PORT/admin/ in headless Chromium, presses the "Add Printer" button
#   and reads the page that lists the device URIs cups-deviced found (one radio button
#   DEVICE_URI per backend or discovered device). Exit 0 when one of them has scheme SCHEME
#   (default lpr), 1 when none has, 77 ("SKIP: ...") without chromium or python3, 2 on errors.
#   The page is kept as OUTDIR/add-printer.html and .png when OUTDIR is given.
#
# Why not a plain `chromium --dump-dom URL`: in CUPS 2.4 admin.cgi runs operations only for a
# POST whose form field org.cups.sid equals the org.cups.sid cookie it set earlier (CSRF
# guard); `GET /admin?op=add-printer` answers 'Unknown operation "add-printer"!'. So the
# script drives the browser through --remote-debugging-pipe (file descriptors 3 and 4, no TCP
# port): load /admin/, click the button, wait for the load event, dump the DOM.
#
# Chromium never resolves a name here (--host-resolver-rules) and its background services are
# off, so it only talks to 127.0.0.1:PORT.

set -euo pipefail

port=${1:-}
scheme=${2:-lpr}
outdir=${3:-}

if [[ ! $port =~ ^[0-9]+$ ]] || (( port < 1 || port > 65535 )); then
  echo "usage: webui-check.sh PORT [SCHEME] [OUTDIR]" >&2
  exit 2
fi
[[ $scheme =~ ^[A-Za-z][A-Za-z0-9+.-]*$ ]] || { echo "webui-check.sh: bad scheme" >&2; exit 2; }

chromium_bin=${CHROMIUM:-}
if [[ -z $chromium_bin ]]; then
  for c in /usr/lib/chromium/chromium /usr/bin/chromium; do
    if [[ -x $c ]]; then
      chromium_bin=$c
      break
    fi
  done
fi
if [[ -z $chromium_bin || ! -x $chromium_bin ]]; then
  echo "SKIP: chromium not installed"
  exit 77
fi
if ! command -v python3 >/dev/null; then
  echo "SKIP: python3 not installed (drives chromium over --remote-debugging-pipe)"
  exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/webui-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
dest=${outdir:-$work}
mkdir -p "$dest"

status=0
python3 - "$chromium_bin" "$port" "$work/profile" "$dest" <<'PYEOF' || status=$?
"""Drive headless Chromium over --remote-debugging-pipe (CDP, NUL-separated JSON)."""
import base64
import fcntl
import json
import os
import signal
import subprocess
import sys
import time

chromium, port, profile, dest = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
base = "http://127.0.0.1:%s" % port
TIMEOUT = float(os.environ.get("WEBUI_CHECK_TIMEOUT", "60"))

flags = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--user-data-dir=" + profile, "--remote-debugging-pipe",
    "--disable-dev-shm-usage", "--disable-extensions", "--no-default-browser-check",
    "--disable-default-apps", "--disable-domain-reliability", "--disable-breakpad",
    "--disable-client-side-phishing-detection", "--no-pings", "--mute-audio",
    "--password-store=basic", "--use-mock-keychain", "--metrics-recording-only",
    # No name ever reaches a resolver: only the numeric loopback URL below is used.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--disable-features=MediaRouter,DialMediaRouteProvider,OptimizationHints,Translate,"
    "AutofillServerCommunication,CertificateTransparencyComponentUpdater",
    "about:blank",
]

# Chromium reads commands from fd 3 and writes replies to fd 4.
cmd_r, cmd_w = os.pipe()
rep_r, rep_w = os.pipe()
os.set_inheritable(cmd_r, True)
os.set_inheritable(rep_w, True)


def child_fds():
    # Move both ends out of the way first: either may already be fd 3 or 4.
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

buf = b""
next_id = 0
events = []


def fail(msg, code=2):
    print("webui-check.sh: " + msg, file=sys.stderr)
    shutdown()
    sys.exit(code)


def read_message(deadline):
    global buf
    import select
    while b"\0" not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([rep_r], [], [], left)
        if not ready:
            return None
        chunk = os.read(rep_r, 65536)
        if not chunk:
            return None
        buf += chunk
    msg, buf = buf.split(b"\0", 1)
    return json.loads(msg)


def send(method, params=None, session=None, timeout=TIMEOUT):
    global next_id
    next_id += 1
    msg = {"id": next_id, "method": method, "params": params or {}}
    if session:
        msg["sessionId"] = session
    os.write(cmd_w, json.dumps(msg).encode() + b"\0")
    deadline = time.monotonic() + timeout
    while True:
        reply = read_message(deadline)
        if reply is None:
            fail("no reply to %s within %.0fs" % (method, timeout))
        if reply.get("id") == next_id:
            if "error" in reply:
                fail("%s failed: %s" % (method, reply["error"]))
            return reply.get("result", {})
        events.append(reply)


def wait_event(method, session, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        for i, ev in enumerate(events):
            if ev.get("method") == method and ev.get("sessionId") == session:
                del events[i]
                return ev
        ev = read_message(deadline)
        if ev is None:
            fail("no %s within %.0fs" % (method, timeout))
        events.append(ev)


def evaluate(expr, session):
    res = send("Runtime.evaluate", {"expression": expr, "returnByValue": True}, session)
    return res.get("result", {}).get("value")


def shutdown():
    try:
        os.write(cmd_w, json.dumps({"id": 999999, "method": "Browser.close"}).encode() + b"\0")
    except OSError:
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    # The browser's helpers (zygote, renderer) share its new session and process group.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    # Wait until the whole group is gone, so that nothing outlives the check.
    for _ in range(100):
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)


targets = send("Target.getTargets")["targetInfos"]
page = next((t for t in targets if t["type"] == "page"), None)
if page is None:
    page = {"targetId": send("Target.createTarget", {"url": "about:blank"})["targetId"]}
session = send("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})
session = session["sessionId"]
send("Page.enable", session=session)

send("Page.navigate", {"url": base + "/admin/"}, session)
wait_event("Page.loadEventFired", session)
title = evaluate("document.title", session)
clicked = evaluate("""(() => {
  const op = document.querySelector('form input[name="OP"][value="add-printer"]');
  if (!op) return false;
  const button = op.form.querySelector('input[type="SUBMIT"], input[type="submit"], button');
  if (button) button.click(); else op.form.submit();
  return true;
})()""", session)
if not clicked:
    with open(os.path.join(dest, "admin.html"), "w") as f:
        f.write(evaluate("document.documentElement.outerHTML", session) or "")
    fail("no Add Printer button on %s/admin/ (title %r)" % (base, title))
wait_event("Page.loadEventFired", session)

html = evaluate("document.documentElement.outerHTML", session) or ""
uris = evaluate("""Array.from(document.querySelectorAll('input[name="DEVICE_URI"]'))
  .map(e => e.value + '\\t' +
       ((e.labels && e.labels[0] && e.labels[0].textContent) || '').trim())""",
                session) or []
with open(os.path.join(dest, "add-printer.html"), "w") as f:
    f.write(html)
shot = send("Page.captureScreenshot", {"format": "png"}, session)
with open(os.path.join(dest, "add-printer.png"), "wb") as f:
    f.write(base64.b64decode(shot["data"]))
with open(os.path.join(dest, "device-uris.txt"), "w") as f:
    for u in uris:
        f.write(u + "\n")
print("page: %s (POST %s/admin/ OP=add-printer)" % (evaluate("document.title", session), base))
shutdown()
PYEOF
(( status == 0 )) || exit 2

# One line per DEVICE_URI radio button: "VALUE<TAB>LABEL". VALUE is a bare scheme ("lpr")
# for a backend that reported no device, or "scheme://...|make-and-model" for a found device.
found=0
while IFS=$'\t' read -r value label; do
  [[ -n $value ]] || continue
  s=${value%%|*}
  s=${s%%:*}
  echo "device: $value ($label)"
  [[ $s == "$scheme" ]] && found=1
done <"$dest/device-uris.txt"

if (( found )); then
  echo "found scheme $scheme on the Add Printer page"
  exit 0
fi
echo "scheme $scheme NOT on the Add Printer page"
exit 1
