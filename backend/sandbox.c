// sandbox.c - the SNMP helper's confinement: no root, no capability, NoNewPrivs, a seccomp
// filter of the few system calls it makes once its socket is open.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// lpr-snmp decodes whatever comes back from the printer's SNMP agent with Net-SNMP's BER
// parser.  It needs no file, no new socket and no privilege after its UDP socket is connected,
// so it is entered then, before the first packet: a run as root (only if started by hand; the
// backend has already given root up) becomes nobody; every capability goes; NoNewPrivs; and a
// seccomp filter that kills the process at any system call not in the list below.
//
// The filter is built with libseccomp rather than by hand: it writes the architecture check
// (and the x32 ABI's trap on x86-64) that a hand-made BPF program must get right by itself, and
// it resolves names per architecture (poll is ppoll on arm64).  libseccomp2 is on every Debian
// system already (apt uses it).  The list was read off strace runs of tests/snmp.sh and
// tests/privs.sh (docs/security.md): everything the helper does after this point.

#include "config.h"
#include "sandbox.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NOBODY 65534                    // when the passwd database has no "nobody"

// The system calls of the helper's request loop: its two sockets, its clock, its memory, exit.
static const char * const allowed[] =
{
  "recvfrom", "recvmsg", "sendto", "sendmsg", "poll", "ppoll", "getsockopt", "getsockname",
  "clock_gettime", "gettimeofday", "time",
  "brk", "mmap", "munmap", "mremap", "madvise",
  "close", "exit", "exit_group", "rt_sigreturn", "getpid",
#if defined(__SANITIZE_ADDRESS__)
  // The sanitizers' runtime: a report, and LeakSanitizer's check at exit (a thread that stops
  // the process with ptrace and reads /proc/self/maps).  Sanitizer builds only.
  "write", "openat", "open", "read", "pread64", "readlink", "fstat", "newfstatat", "lseek",
  "mprotect", "sigaltstack", "rt_sigaction", "rt_sigprocmask", "clone", "clone3", "ptrace",
  "prctl", "wait4", "waitid", "sched_yield", "gettid", "getppid", "tgkill", "futex",
  "sched_getaffinity", "getrlimit", "prlimit64", "nanosleep", "clock_nanosleep", "dup",
  "dup2", "dup3", "pipe", "pipe2", "kill", "getdents", "getdents64", "uname", "arch_prctl",
  "set_robust_list", "rseq",
#endif
};

// 'unroot()' - Become nobody if any of our uids is 0 (the backend's child is never root).
static bool
unroot(char *err, size_t errsize)
{
  uid_t         r, e, s;
  uid_t         uid = NOBODY;
  gid_t         gid = NOBODY;
  struct passwd *pw;

  if (getresuid(&r, &e, &s) < 0)
  {
    snprintf(err, errsize, "getresuid: %s", strerror(errno));
    return (false);
  }
  if (r && e && s)
    return (true);
  if ((pw = getpwnam("nobody")) != NULL && pw->pw_uid != 0 && pw->pw_gid != 0)
  {
    uid = pw->pw_uid;
    gid = pw->pw_gid;
  }
  if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0 ||
      setuid(0) == 0)
  {
    snprintf(err, errsize, "unable to become nobody: %s", strerror(errno));
    return (false);
  }
  return (true);
}

// 'no_caps()' - Empty every capability set (a helper run with ambient or file capabilities).
static bool
no_caps(void)
{
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct   d[_LINUX_CAPABILITY_U32S_3];

  memset(d, 0, sizeof(d));
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return (false);
  return (syscall(SYS_capset, &h, d) == 0);
}

// 'load_filter()' - The seccomp filter: the calls above, anything else kills the process.
static bool
load_filter(char *err, size_t errsize)
{
  scmp_filter_ctx ctx;
  int             rc = 0;

  if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL)
  {
    snprintf(err, errsize, "seccomp_init failed");
    return (false);
  }
  for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && rc == 0; i ++)
  {
    int nr = seccomp_syscall_resolve_name(allowed[i]);

    if (nr == __NR_SCMP_ERROR)
      continue;                         // not a call of this architecture
#if !defined(__SANITIZE_ADDRESS__)
    // No new executable memory: what a heap overflow in a decoder would want next.
    if (!strcmp(allowed[i], "mmap"))
      rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
                            SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
    else
#endif
      rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
  }
  if (rc == 0)
    rc = seccomp_load(ctx);
  seccomp_release(ctx);
  if (rc < 0)
  {
    snprintf(err, errsize, "seccomp filter: %s", strerror(-rc));
    return (false);
  }
  return (true);
}

// 'lprSandboxEnter()' - All of the confinement, in the order the kernel needs it; and death
// with the parent (SIGKILL), which a change of credentials clears, so it is set here.
bool
lprSandboxEnter(pid_t parent, char *err, size_t errsize)
{
  if (!unroot(err, errsize))
    return (false);
  if (!no_caps())
  {
    snprintf(err, errsize, "unable to give up capabilities: %s", strerror(errno));
    return (false);
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
  {
    snprintf(err, errsize, "unable to set NoNewPrivs: %s", strerror(errno));
    return (false);
  }
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent)
  {
    snprintf(err, errsize, "the backend is gone");
    return (false);
  }
  return (load_filter(err, errsize));
}
