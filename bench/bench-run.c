// bench-run.c - run one program the way cupsd runs a backend, and measure it.
//
// Copyright 2026 The cups-lpr authors
// SPDX-License-Identifier: Apache-2.0
//
// Usage: bench-run [options] -- PROGRAM [ARGS...]
//   -a ARGV0       argv[0] of the program (cupsd passes the device URI, without credentials)
//   -e VAR=VALUE   its environment (repeatable); nothing else is passed
//   -i FILE        the job's bytes
//   -s             feed FILE on stdin through a pipe, as a filter would (128 KiB write(2)s);
//                  otherwise stdin is /dev/null
//   -t C,MS,D      trickle instead: after D ms, C bytes every MS ms (implies -s)
//   -P BYTES       resize that pipe (F_SETPIPE_SZ) before the program starts (diagnostic: what
//                  a program that resized its own stdin pipe would see); default: 64 KiB
//   -T DIR         sample statfs(DIR) every millisecond: peak bytes used above the start; and
//                  the program's RssAnon (/proc/PID/status), for its peak private memory
//   -l FILE        the program's stdout and stderr
//   -r FILE -q Q   the sink's results file, and the queue whose record to wait for
//   -W SECONDS     wait at most this long for that record (default 60)
//   -k SECONDS     kill the program (by its PID) if it runs longer (default 3600)
// bench-run -G FILE BYTES: write BYTES of deterministic pseudo-random data to FILE.
//
// Prints one line of key=value pairs: rc, wall_s (start to the program's exit), user_s,
// sys_s, maxrss_kb (getrusage of the program through wait4), busy_s (CPU time every CPU of the
// machine spent busy, from /proc/stat, from the start until the sink's record: the program,
// the feeder, the sink and the network stack's softirq work, which the kernel charges to
// whichever task it interrupts), tmp_peak (bytes), anon_peak_kb (the program's RssAnon, sampled
// every millisecond with -T: its private memory, without the shared library and page-cache
// pages that ru_maxrss also counts; -1 if never seen), t0_ns
// (CLOCK_REALTIME when the first input byte was written, or at the start for a file),
// exit_ns, then the sink's record (bytes, hash, first_ns, end_ns, close_ns, count, flags),
// mbps (sink bytes / wall_s / 1e6) and latency_ms ((first_ns - t0_ns) / 1e6).
//
// The program gets the descriptors cupsd gives a backend: 0 the job (or /dev/null), 1 and 2
// the log, 3 a back channel (/dev/null), 4 a side-channel socket (silent).  The CUPS backends
// need fd 4: without it their wait loop sleeps and retries forever.  The program is forked
// before any thread or big mapping exists, so ru_maxrss (which keeps the high-water mark
// across exec) is the program's own.  SIGTERM/SIGINT kill the program (by its PID) first.

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FEED_CHUNK (128 * 1024)
#define MAX_ENV    64

static const char   *input;
static int          feed_fd = -1;
static long         trickle_chunk, trickle_ms, trickle_delay_ms, pipe_size;
static atomic_llong t0_ns;
static const char   *tmp_dir;
static atomic_bool  done;
static atomic_llong tmp_peak;
static atomic_long  anon_peak_kb;       // the program's peak RssAnon, sampled (-1: none seen)
static atomic_int   child_pid;
static long long    tmp_base;
static volatile sig_atomic_t term_requested;

// 'on_term()' - Stop: the wait loop kills the program.
static void
on_term(int sig)
{
  (void)sig;
  term_requested = 1;
}

static int64_t
clock_ns(clockid_t id)
{
  struct timespec ts;

  clock_gettime(id, &ts);
  return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

static void
sleep_until(int64_t mono_ns)
{
  struct timespec ts = { (time_t)(mono_ns / 1000000000), (long)(mono_ns % 1000000000) };

  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
    ;
}

// 'feeder()' - Write the input into the program's stdin pipe, then close it.
static void *
feeder(void *arg)
{
  struct stat st;
  int         fd = open(input, O_RDONLY | O_CLOEXEC);
  uint8_t     *map = NULL;
  size_t      off = 0, size;
  long        chunk = trickle_chunk > 0 ? trickle_chunk : FEED_CHUNK;
  int64_t     start = clock_ns(CLOCK_MONOTONIC) + trickle_delay_ms * 1000000;
  long        i = 0;

  (void)arg;
  if (fd < 0 || fstat(fd, &st) < 0)
  {
    perror(input);
    goto out;
  }
  size = (size_t)st.st_size;
  if (size && (map = mmap(NULL, size, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0)) == MAP_FAILED)
  {
    perror("mmap");
    goto out;
  }
  if (trickle_chunk > 0)
    sleep_until(start);
  while (off < size)
  {
    size_t want = size - off < (size_t)chunk ? size - off : (size_t)chunk, put = 0;

    if (trickle_chunk > 0 && i > 0)
      sleep_until(start + (int64_t)i * trickle_ms * 1000000);
    if (off == 0)
      atomic_store(&t0_ns, clock_ns(CLOCK_REALTIME));
    while (put < want)
    {
      ssize_t n = write(feed_fd, map + off + put, want - put);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        goto out;                       // the program is gone (EPIPE): stop feeding
      put += (size_t)n;
    }
    off += want;
    i ++;
  }
out:
  close(feed_fd);
  if (map && map != MAP_FAILED)
    munmap(map, size);
  if (fd >= 0)
    close(fd);
  return (NULL);
}

// 'busy_ticks()' - CPU ticks (USER_HZ) all CPUs spent not idle, from /proc/stat.
static long long
busy_ticks(void)
{
  FILE      *fp = fopen("/proc/stat", "r");
  long long v[10] = { 0 }, busy = 0;

  if (!fp)
    return (0);
  if (fscanf(fp, "cpu %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld", &v[0], &v[1], &v[2],
             &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) >= 8)
    busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];   // user nice system irq softirq steal
  fclose(fp);
  return (busy);
}

static long long
used_bytes(const char *dir)
{
  struct statfs s;

  if (statfs(dir, &s) < 0)
    return (0);
  return ((long long)(s.f_blocks - s.f_bfree) * (long long)s.f_bsize);
}

// 'anon_kb()' - RssAnon of pid in KiB, or -1 (gone, or still our forked copy before exec).
static long
anon_kb(pid_t pid)
{
  char line[256], path[64];
  long kb = -1;
  bool ours = false;
  FILE *fp;

  snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
  if ((fp = fopen(path, "r")) == NULL)
    return (-1);
  while (fgets(line, sizeof(line), fp))
  {
    if (!strncmp(line, "Name:", 5) && strstr(line, "bench-run"))
      ours = true;
    else if (sscanf(line, "RssAnon: %ld", &kb) == 1)
      break;
  }
  fclose(fp);
  return (ours ? -1 : kb);
}

// 'sampler()' - Every millisecond: the peak of the temp directory's file system above its
// starting use, and the program's peak private (anonymous) memory.
static void *
sampler(void *arg)
{
  (void)arg;
  while (!atomic_load(&done))
  {
    long long u = used_bytes(tmp_dir) - tmp_base;
    long      a = anon_kb((pid_t)atomic_load(&child_pid));

    if (u > atomic_load(&tmp_peak))
      atomic_store(&tmp_peak, u);
    if (a > atomic_load(&anon_peak_kb))
      atomic_store(&anon_peak_kb, a);
    usleep(1000);
  }
  return (NULL);
}

// 'find_record()' - The sink's line for queue q, copied to rec; false if not there yet.
static bool
find_record(const char *results, const char *q, char *rec, size_t size)
{
  FILE   *fp = fopen(results, "r");
  char   line[2048], key[300];
  bool   found = false;

  if (!fp)
    return (false);
  snprintf(key, sizeof(key), "queue=%s ", q);
  while (fgets(line, sizeof(line), fp))
  {
    if (!strncmp(line, key, strlen(key)))
    {
      line[strcspn(line, "\n")] = '\0';
      snprintf(rec, size, "%s", line + strlen(key));
      found = true;
    }
  }
  fclose(fp);
  return (found);
}

static long long
field(const char *rec, const char *name)
{
  char        key[64];
  const char  *p;

  snprintf(key, sizeof(key), "%s=", name);
  for (p = rec; (p = strstr(p, key)) != NULL; p ++)
    if (p == rec || p[-1] == ' ')
      return (strtoll(p + strlen(key), NULL, 10));
  return (-1);
}

// 'generate()' - Deterministic pseudo-random bytes (splitmix64), the same for the same size.
static int
generate(const char *path, long long size)
{
  uint64_t  x = 0x2545f4914f6cdd1dULL, *buf = malloc(1 << 20);
  int       fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  long long left = size;

  if (!buf || fd < 0)
  {
    perror(path);
    return (1);
  }
  while (left > 0)
  {
    size_t n = left < (1 << 20) ? (size_t)left : (1 << 20);

    for (size_t i = 0; i < (1 << 20) / 8; i ++)
    {
      uint64_t z = (x += 0x9e3779b97f4a7c15ULL);

      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      buf[i] = z ^ (z >> 31);
    }
    if (write(fd, buf, n) != (ssize_t)n)
    {
      perror(path);
      return (1);
    }
    left -= (long long)n;
  }
  free(buf);
  return (close(fd) < 0);
}

int
main(int argc, char *argv[])
{
  const char    *argv0 = NULL, *logfile = "/dev/null", *results = NULL, *queue = NULL;
  char          *envp[MAX_ENV + 1], rec[2048] = "";
  int           nenv = 0, opt, pipefd[2] = { -1, -1 }, scpair[2], status = 0, pidfd;
  struct sigaction sa;
  bool          feed = false;
  double        wait_s = 60, kill_s = 3600;
  pid_t         pid;
  struct rusage ru;
  int64_t       start, start_real, end, end_real, deadline;
  pthread_t     tfeed, tsamp;
  bool          have_feed = false, have_samp = false, killed = false;
  long long     busy0, busy1;

  signal(SIGPIPE, SIG_IGN);
  if (argc == 4 && !strcmp(argv[1], "-G"))
    return (generate(argv[2], atoll(argv[3])));

  while ((opt = getopt(argc, argv, "+a:e:i:st:P:T:l:r:q:W:k:")) != -1)
  {
    switch (opt)
    {
      case 'a' : argv0 = optarg; break;
      case 'e' :
          if (nenv < MAX_ENV)
            envp[nenv ++] = optarg;
          break;
      case 'i' : input = optarg; break;
      case 's' : feed = true; break;
      case 't' :
          if (sscanf(optarg, "%ld,%ld,%ld", &trickle_chunk, &trickle_ms, &trickle_delay_ms) != 3 ||
              trickle_chunk <= 0 || trickle_ms < 0 || trickle_delay_ms < 0)
          {
            fprintf(stderr, "bench-run: -t CHUNK,MS,DELAY_MS\n");
            return (2);
          }
          feed = true;
          break;
      case 'P' : pipe_size = atol(optarg); break;
      case 'T' : tmp_dir = optarg; break;
      case 'l' : logfile = optarg; break;
      case 'r' : results = optarg; break;
      case 'q' : queue = optarg; break;
      case 'W' : wait_s = atof(optarg); break;
      case 'k' : kill_s = atof(optarg); break;
      default :
          return (2);
    }
  }
  envp[nenv] = NULL;
  if (optind >= argc || (feed && !input))
  {
    fprintf(stderr, "usage: bench-run [-a ARGV0] [-e VAR=VALUE]... [-i FILE [-s | -t C,MS,D]] "
            "[-T DIR] [-l LOG] [-r RESULTS -q QUEUE] -- PROGRAM [ARGS...]\n");
    return (2);
  }
  if (feed && pipe2(pipefd, O_CLOEXEC) < 0)
  {
    perror("pipe");
    return (1);
  }
  if (feed && pipe_size > 0 && fcntl(pipefd[1], F_SETPIPE_SZ, (int)pipe_size) < 0)
  {
    perror("F_SETPIPE_SZ");
    return (1);
  }
  if (tmp_dir)
    tmp_base = used_bytes(tmp_dir);
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, scpair) < 0)
  {
    perror("socketpair");
    return (1);
  }
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_term;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);

  busy0      = busy_ticks();
  start      = clock_ns(CLOCK_MONOTONIC);
  start_real = clock_ns(CLOCK_REALTIME);
  atomic_store(&t0_ns, start_real);
  if ((pid = fork()) < 0)
  {
    perror("fork");
    return (1);
  }
  if (pid == 0)
  {
    int  in  = feed ? pipefd[0] : open("/dev/null", O_RDONLY);
    int  log = open(logfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int  bc  = open("/dev/null", O_WRONLY);
    char *path = argv[optind];

    // As cupsd: 0 the job, 1 and 2 the log, 3 the back channel, 4 the side channel.
    if (in < 0 || log < 0 || bc < 0 || dup2(in, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0 ||
        dup2(bc, 3) < 0 || dup2(scpair[1], 4) < 0)
      _exit(127);
    syscall(SYS_close_range, 5U, ~0U, 0U);
    if (argv0)
      argv[optind] = (char *)argv0;
    execve(path, argv + optind, envp);
    _exit(127);
  }
  close(scpair[1]);                     // our end (scpair[0]) stays open, silent, until the end
  atomic_store(&child_pid, (int)pid);
  atomic_store(&anon_peak_kb, -1L);

  // Threads only now, after the fork.
  if (feed)
  {
    close(pipefd[0]);
    feed_fd = pipefd[1];
    have_feed = pthread_create(&tfeed, NULL, feeder, NULL) == 0;
  }
  if (tmp_dir)
    have_samp = pthread_create(&tsamp, NULL, sampler, NULL) == 0;

  // Wait for the program (a pidfd: no polling loop to steal CPU), killing it by its PID if
  // it overruns or if we are told to stop.
  deadline = start + (int64_t)(kill_s * 1e9);
  pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  for (;;)
  {
    pid_t w;

    if (pidfd >= 0)
    {
      struct pollfd p = { pidfd, POLLIN, 0 };
      int64_t       left = (deadline - clock_ns(CLOCK_MONOTONIC)) / 1000000;

      poll(&p, 1, killed ? -1 : (int)(left > 0 ? (left < 1000 ? left : 1000) : 0));
    }
    else
      usleep(1000);
    w = wait4(pid, &status, WNOHANG, &ru);
    if (w == pid)
      break;
    if (w < 0 && errno != EINTR)
    {
      perror("wait4");
      return (1);
    }
    if (!killed && (term_requested || clock_ns(CLOCK_MONOTONIC) > deadline))
    {
      kill(pid, SIGKILL);
      killed = true;
    }
  }
  end      = clock_ns(CLOCK_MONOTONIC);
  end_real = clock_ns(CLOCK_REALTIME);
  atomic_store(&done, true);
  if (have_samp)
    pthread_join(tsamp, NULL);
  if (have_feed)
    pthread_join(tfeed, NULL);

  if (results && queue)
  {
    // A failed program may have sent nothing: do not wait long for a record then.
    int64_t until = clock_ns(CLOCK_MONOTONIC) +
                    (int64_t)((WIFEXITED(status) && WEXITSTATUS(status) == 0 ? wait_s : 2) * 1e9);

    while (!find_record(results, queue, rec, sizeof(rec)) && clock_ns(CLOCK_MONOTONIC) < until &&
           !term_requested)
      usleep(1000);
  }

  busy1 = busy_ticks();
  {
    double    wall = (double)(end - start) / 1e9;
    long long bytes = rec[0] ? field(rec, "bytes") : -1;
    long long first = rec[0] ? field(rec, "first_ns") : -1;
    long long t0 = atomic_load(&t0_ns);

    printf("rc=%d sig=%d killed=%d wall_s=%.6f user_s=%.6f sys_s=%.6f maxrss_kb=%ld "
           "busy_s=%.2f tmp_peak=%lld anon_peak_kb=%ld t0_ns=%lld exit_ns=%lld %s mbps=%.1f "
           "latency_ms=%.3f\n",
           WIFEXITED(status) ? WEXITSTATUS(status) : -1,
           WIFSIGNALED(status) ? WTERMSIG(status) : 0, killed, wall,
           (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss,
           (double)(busy1 - busy0) / (double)sysconf(_SC_CLK_TCK),
           tmp_dir ? (long long)atomic_load(&tmp_peak) : -1LL, atomic_load(&anon_peak_kb), t0,
           (long long)end_real,
           rec[0] ? rec : "bytes=-1 hash=none first_ns=-1 end_ns=-1 close_ns=-1 count=-1 "
                          "files=0 ctl=0 flags=norecord",
           bytes >= 0 && wall > 0 ? (double)bytes / wall / 1e6 : 0.0,
           first > 0 ? (double)(first - t0) / 1e6 : -1.0);
  }
  return (0);
}
