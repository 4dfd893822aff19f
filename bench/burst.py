#!/usr/bin/env python3
# burst.py - start N backend runs at once, the way cupsd runs backends, and measure them.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Usage: burst.py --prog PATH --uri URI --jobs DIR --count N --logs DIR [--first-id ID]
#                 [--env VAR=VALUE]... [--stdin-every K]
# Job i (1..N) is DIR/job-i.  Every K-th job (default 2: the odd ones) is fed on stdin through a
# pipe by a `cat` of its own, as from a filter; the others get the file as argv[6] and
# /dev/null on stdin.  Each program gets what cupsd gives a backend: argv[0] = the URI, a clean
# environment (--env only), fd 1 and 2 a log, fd 3 a back channel (/dev/null), fd 4 a silent
# side-channel socket (the CUPS backends wait for ever without one).  All N are spawned in one
# go; then each is reaped with wait4.
#
# Prints one line of key=value pairs: n, ok (exit 0), wall_s (first fork to last exit),
# cpu_s (user+sys of the N programs, from wait4; the feeders are not counted), user_s, sys_s,
# p50_s, p95_s and max_s (each program's own start to exit), and rcs (exit codes, counted).

import argparse
import os
import socket
import subprocess
import sys
import time


def percentile(values, p):
    """'percentile()' - the p-th percentile (nearest rank) of values."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(len(s) * p / 100.0 + 0.999999) - 1))
    return s[k]


def start(args, i, env, keep):
    """'start()' - spawn job i; return (pid, start time, feeder or None)."""
    path = os.path.join(args.jobs, "job-%d" % i)
    jobid = str(args.first_id + i - 1)
    argv = [args.uri, jobid, "bench", "burst-%s" % jobid, "1", ""]
    stdin_job = (i % args.stdin_every) == 1 % args.stdin_every
    feeder = None
    if stdin_job:
        feeder = subprocess.Popen(["cat", path], stdout=subprocess.PIPE)
        infd = feeder.stdout.fileno()
    else:
        argv.append(path)
        infd = os.open("/dev/null", os.O_RDONLY)
    log = os.open(os.path.join(args.logs, "job-%d.log" % i), os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                  0o644)
    back = os.open("/dev/null", os.O_WRONLY)
    ours, theirs = socket.socketpair()
    keep.append(ours)
    t0 = time.monotonic()
    # posix_spawn, as cupsd starts its backends (scheduler/process.c, USE_POSIX_SPAWN): glibc
    # spawns with CLONE_VM|CLONE_VFORK, so no copy of this interpreter's page tables is made
    # and charged to the backend, which os.fork() did (about 14 ms of CPU per child here).
    # Every other descriptor of ours is close-on-exec (Python's default); dup2 clears it on 0-4.
    pid = os.posix_spawn(args.prog, argv, env, file_actions=[
        (os.POSIX_SPAWN_DUP2, infd, 0),
        (os.POSIX_SPAWN_DUP2, log, 1),
        (os.POSIX_SPAWN_DUP2, log, 2),
        (os.POSIX_SPAWN_DUP2, back, 3),
        (os.POSIX_SPAWN_DUP2, theirs.fileno(), 4)])
    for fd in (log, back):
        os.close(fd)
    if feeder:
        feeder.stdout.close()
    else:
        os.close(infd)
    theirs.close()
    return pid, t0, feeder


def main():
    """'main()' - run the burst and print the figures."""
    p = argparse.ArgumentParser()
    p.add_argument("--prog", required=True)
    p.add_argument("--uri", required=True)
    p.add_argument("--jobs", required=True)
    p.add_argument("--logs", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--first-id", type=int, default=1)
    p.add_argument("--stdin-every", type=int, default=2)
    p.add_argument("--env", action="append", default=[])
    args = p.parse_args()
    env = dict(kv.split("=", 1) for kv in args.env)
    env["DEVICE_URI"] = args.uri
    keep = []
    running = {}
    feeders = []
    t_first = time.monotonic()
    for i in range(1, args.count + 1):
        pid, t0, feeder = start(args, i, env, keep)
        running[pid] = t0
        if feeder:
            feeders.append(feeder)
    durations, rcs = [], {}
    user = system = 0.0
    t_last = t_first
    while running:
        pid, status, ru = os.wait4(-1, 0)
        if pid not in running:
            continue                    # a feeder
        now = time.monotonic()
        durations.append(now - running.pop(pid))
        t_last = now
        user += ru.ru_utime
        system += ru.ru_stime
        rc = os.waitstatus_to_exitcode(status)
        rcs[rc] = rcs.get(rc, 0) + 1
    for f in feeders:
        f.wait()
    for s in keep:
        s.close()
    print("n=%d ok=%d wall_s=%.4f cpu_s=%.4f user_s=%.4f sys_s=%.4f p50_s=%.4f p95_s=%.4f "
          "max_s=%.4f rcs=%s" % (args.count, rcs.get(0, 0), t_last - t_first, user + system, user,
                                 system, percentile(durations, 50), percentile(durations, 95),
                                 max(durations),
                                 ",".join("%d:%d" % kv for kv in sorted(rcs.items()))))
    return 0 if rcs.get(0, 0) == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
