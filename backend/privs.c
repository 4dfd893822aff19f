// privs.c - the backend gives up root before the job: cupsd's job user, at most
// CAP_NET_BIND_SERVICE, no new privileges.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// cupsd runs a backend that others may not execute (mode 0700) as root, and root is needed for
// one thing only: binding a source port below 1024 (RFC 1179 section 3.1).  Everything else of
// the job parses what the network sends, so before any of it the backend becomes the user cupsd
// runs filters as (User in cups-files.conf, default lp), keeps CAP_NET_BIND_SERVICE in its
// permitted and effective sets when reserved ports are asked for, nothing otherwise, and sets
// NoNewPrivs.  The capability calls are the two raw syscalls (capget/capset, version 3): libcap
// would add a library to every job's process for two structure fills.

#include "config.h"
#include "memo.h"
#include "privs.h"
#include "status.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#if defined(__SANITIZE_ADDRESS__)
#  include <sanitizer/common_interface_defs.h>
#endif

#define BIND_BIT (1U << CAP_NET_BIND_SERVICE)  // CAP_NET_BIND_SERVICE is 10: first word
#define NAME_MAX_LEN 256                       // a User or Group value in cups-files.conf

typedef struct target_s                 // whom the job runs as
{
  char  user[NAME_MAX_LEN];
  char  group[NAME_MAX_LEN];            // cups-files.conf Group; empty: the user's own group
  uid_t uid;
  gid_t gid;
} target_t;

// 'fail()' - Put an error text in err; always false.
static bool
fail(char *err, size_t errsize, const char *format, ...)
{
  va_list ap;

  va_start(ap, format);
  vsnprintf(err, errsize, format, ap);  // the caller's message: cut if it must be
  va_end(ap);
  return (false);
}

// 'caps_get()' - The process's effective and permitted capability sets (first 32 bits).
static bool
caps_get(uint32_t *eff, uint32_t *perm)
{
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct   d[_LINUX_CAPABILITY_U32S_3];

  memset(d, 0, sizeof(d));
  if (syscall(SYS_capget, &h, d) < 0)
    return (false);
  *eff  = d[0].effective;
  *perm = d[0].permitted;
  return (true);
}

// 'caps_set()' - Permitted and effective = bits (first 32 only), inheritable and the rest empty.
static bool
caps_set(uint32_t bits)
{
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct   d[_LINUX_CAPABILITY_U32S_3];

  memset(d, 0, sizeof(d));
  d[0].effective = bits;
  d[0].permitted = bits;
  return (syscall(SYS_capset, &h, d) == 0);
}

// 'lprPrivsCanBindReserved()' - Whether a bind() below 1024 can succeed (CAP_NET_BIND_SERVICE
// in the effective set: root, or the backend after its drop).
bool
lprPrivsCanBindReserved(void)
{
  uint32_t eff, perm;

  return (caps_get(&eff, &perm) && (eff & BIND_BIT));
}

// 'conf_value()' - If line is "DIRECTIVE value" (case-insensitive, as cupsd reads it), copy
// the value's first word into buf.
static void
conf_value(const char *line, const char *directive, char *buf, size_t size)
{
  size_t dlen = strlen(directive), n = 0;

  while (isspace((unsigned char)*line))
    line ++;
  if (strncasecmp(line, directive, dlen) || !isspace((unsigned char)line[dlen]))
    return;
  line += dlen;
  while (isspace((unsigned char)*line))
    line ++;
  while (line[n] && !isspace((unsigned char)line[n]))
    n ++;
  if (n == 0 || n >= size)
    return;                             // empty, or no user name is that long
  memcpy(buf, line, n);
  buf[n] = '\0';
}

// 'read_conf()' - User and Group of cups-files.conf in serverroot (defaults: lp, none), the
// last line of each winning as in cupsd.  A missing file means the defaults.
static bool
read_conf(const char *serverroot, target_t *t, char *err, size_t errsize)
{
  char path[1024], line[1024];
  FILE *fp;
  int  n;

  snprintf(t->user, sizeof(t->user), "lp");
  t->group[0] = '\0';
  n = snprintf(path, sizeof(path), "%s/cups-files.conf", serverroot);
  if (n < 0 || (size_t)n >= sizeof(path))
    return (fail(err, errsize, "CUPS_SERVERROOT is too long"));
  if ((fp = fopen(path, "re")) == NULL)
  {
    if (errno == ENOENT)
      return (true);
    return (fail(err, errsize, "unable to read %s: %s", path, strerror(errno)));
  }
  while (fgets(line, sizeof(line), fp))
  {
    conf_value(line, "User", t->user, sizeof(t->user));
    conf_value(line, "Group", t->group, sizeof(t->group));
  }
  fclose(fp);
  return (true);
}

// 'parse_id()' - A numeric user or group id ("7" or "#7"); false if name is not one.
static bool
parse_id(const char *name, unsigned long *id)
{
  char *end;

  if (*name == '#')
    name ++;
  if (!isdigit((unsigned char)*name))
    return (false);
  errno = 0;
  *id = strtoul(name, &end, 10);
  return (!errno && !*end && *id < 0xffffffffUL);
}

// 'lookup()' - The uid, gid and name of the target user (names or numbers, as cupsd takes).
static bool
lookup(target_t *t, char *err, size_t errsize)
{
  struct passwd *pw;
  struct group  *gr;
  unsigned long id;

  errno = 0;
  pw = parse_id(t->user, &id) ? getpwuid((uid_t)id) : getpwnam(t->user);
  if (pw == NULL)
    return (fail(err, errsize, "the user \"%s\" (User in cups-files.conf) does not exist%s%s",
                 t->user, errno ? ": " : "", errno ? strerror(errno) : ""));
  if (pw->pw_uid == 0)
    return (fail(err, errsize, "the user \"%s\" (User in cups-files.conf) is root", t->user));
  t->uid = pw->pw_uid;
  t->gid = pw->pw_gid;
  snprintf(t->user, sizeof(t->user), "%s", pw->pw_name);  // pw_name fits: a conf value did
  if (!t->group[0])
    return (true);
  errno = 0;
  gr = parse_id(t->group, &id) ? getgrgid((gid_t)id) : getgrnam(t->group);
  if (gr == NULL)
    return (fail(err, errsize, "the group \"%s\" (Group in cups-files.conf) does not exist",
                 t->group));
  if (gr->gr_gid == 0)
    return (fail(err, errsize, "the group \"%s\" (Group in cups-files.conf) is root", t->group));
  t->gid = gr->gr_gid;
  return (true);
}

// 'adopt_memos()' - Give the job user the refusal memos an earlier backend wrote as root.
//
// They are 0600: left root-owned, the user could replace them (the directory is cupsd's
// CacheDir, root:lp 0770) but not read them.  Only single-link regular files that root owns are
// taken over, opened without following links, so a name planted in the directory cannot make
// root chown anything else.
static void
adopt_memos(const char *dir, const target_t *t)
{
  DIR           *d;
  struct dirent *e;
  int           dfd;

  if (!dir || !*dir || (dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    return;
  if ((d = fdopendir(dfd)) == NULL)
  {
    close(dfd);
    return;
  }
  while ((e = readdir(d)) != NULL)
  {
    struct stat st;
    int         fd;

    if (strncmp(e->d_name, LPR_MEMO_PREFIX, strlen(LPR_MEMO_PREFIX)))
      continue;
    fd = openat(dfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
      continue;
    if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_uid == 0 && st.st_nlink == 1)
    {
      if (fchown(fd, t->uid, t->gid) == 0)
        lprStatus("DEBUG", "Refusal memo %s/%s now belongs to %s", dir, e->d_name, t->user);
    }
    close(fd);
  }
  closedir(d);
}

// 'warm_symbolizer()' - Sanitizer builds: load the symbol tables while root can still read a
// 0700 executable.
//
// LeakSanitizer symbolizes at exit; as lp it could not open the backend cupsd installed 0700,
// gave up on every module, and so lpr.c's suppression of libcups's PPD cache leak (matched by
// function name) no longer applied: a PPD queue's job failed under cupsd.  One symbolization
// now reads and keeps the tables of the program and its libraries; it costs 0.6-0.8 s of an
// ASan build's start, so only when others cannot read the program.
static void
warm_symbolizer(void)
{
#if defined(__SANITIZE_ADDRESS__)
  char        buf[128];
  struct stat st;

  if (stat("/proc/self/exe", &st) == 0 && (st.st_mode & S_IROTH))
    return;
  __sanitizer_symbolize_pc(__builtin_return_address(0), "%f", buf, sizeof(buf));
#endif
}

// 'drop_bounding()' - Empty the bounding set but for CAP_NET_BIND_SERVICE (needs CAP_SETPCAP,
// so while still root): nothing run later can get another capability back.  A root without
// CAP_SETPCAP (some containers) keeps it: NoNewPrivs alone already forbids regaining any.
static bool
drop_bounding(void)
{
  for (int cap = 0; cap < 64; cap ++)
  {
    if (cap == CAP_NET_BIND_SERVICE)
      continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
      continue;
    if (errno == EPERM)
    {
      lprStatus("DEBUG", "Capability bounding set kept (no CAP_SETPCAP)");
      return (true);
    }
    return (errno == EINVAL && cap > CAP_NET_BIND_SERVICE);  // past the kernel's last one
  }
  return (true);
}

// 'become()' - Switch to the target user, its groups and the capability set wanted.
static bool
become(const target_t *t, uint32_t bits, char *err, size_t errsize)
{
  uid_t r, e, s;

  if (!drop_bounding())
    return (fail(err, errsize, "unable to drop the capability bounding set: %s",
                 strerror(errno)));
  // Keep the permitted set across setresuid; only CAP_NET_BIND_SERVICE stays in it below.
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 || initgroups(t->user, t->gid) < 0 ||
      setresgid(t->gid, t->gid, t->gid) < 0 || setresuid(t->uid, t->uid, t->uid) < 0)
    return (fail(err, errsize, "unable to switch to user %s (uid %u, gid %u): %s", t->user,
                 (unsigned)t->uid, (unsigned)t->gid, strerror(errno)));
  if (!caps_set(bits) || prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0 ||
      prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
    return (fail(err, errsize, "unable to set capabilities as user %s: %s", t->user,
                 strerror(errno)));
  // Proof, not trust: no uid 0 is left, and root cannot be taken back.
  if (getresuid(&r, &e, &s) < 0 || !r || !e || !s || setuid(0) == 0)
    return (fail(err, errsize, "still root after switching to user %s", t->user));
  return (true);
}

// 'lprPrivsDrop()' - Become cupsd's job user (when root) with at most CAP_NET_BIND_SERVICE
// (when keep_bind), and set NoNewPrivs; false with err set when that cannot be done.
bool
lprPrivsDrop(bool keep_bind, const char *serverroot, const char *cachedir, char *err,
             size_t errsize)
{
  target_t t;
  uid_t    r, e, s;
  uint32_t eff, perm, bits;

  if (getresuid(&r, &e, &s) < 0 || !caps_get(&eff, &perm))
    return (fail(err, errsize, "unable to read our credentials: %s", strerror(errno)));
  if (r && e && s)
  {
    // Not root (a 0755 install: cupsd ran us as its User).  A capability given to the file
    // (setcap cap_net_bind_service) is kept when reserved ports are asked for; nothing else.
    bits = keep_bind ? (perm & BIND_BIT) : 0;
    if (!caps_set(bits) || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
      return (fail(err, errsize, "unable to give up capabilities: %s", strerror(errno)));
    lprStatus("DEBUG", "Running as uid %u, not root: nothing to give up%s", (unsigned)r,
              bits ? " (CAP_NET_BIND_SERVICE kept from the file)" : "");
    return (true);
  }
  memset(&t, 0, sizeof(t));
  if (!read_conf(serverroot && *serverroot ? serverroot : "/etc/cups", &t, err, errsize) ||
      !lookup(&t, err, errsize))
    return (false);
  adopt_memos(cachedir, &t);
  warm_symbolizer();
  bits = keep_bind ? BIND_BIT : 0;
  if (!become(&t, bits, err, errsize))
    return (false);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return (fail(err, errsize, "unable to set NoNewPrivs: %s", strerror(errno)));
  lprStatus("DEBUG", "Running as %s (uid %u, gid %u)%s, NoNewPrivs", t.user, (unsigned)t.uid,
            (unsigned)t.gid, bits ? " with CAP_NET_BIND_SERVICE only" : " with no capability");
  return (true);
}
