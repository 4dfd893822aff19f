// lpd-server main.c - listen, fork one process per connection, shut down on SIGTERM/SIGINT.
//
// Copyright 2026 The cups-lpr authors
//
// SPDX-License-Identifier: Apache-2.0
//
// Part of the test LPD server (tests/lpd-server); lpd-server.h says what the server does.

#include "lpd-server.h"

//
// Globals...
//

const char * const step_names[STEP_MAX] =
{
  "accept", "command", "control", "control-end", "data", "data-end"
};

srv_config_t           cfg;                      // Options
volatile sig_atomic_t  got_stop = 0;             // SIGTERM/SIGINT seen
sigset_t               run_mask;                 // Mask while waiting in ppoll()
int                    dir_fd = -1;              // DIR
int                    state_dir_fd = -1;        // DIR/.state
int                    main_events_fd = -1;      // DIR/events




//
// Local functions...
//

static void on_signal(int sig);
static void on_child(int sig);
static bool make_dirs(const char *path);
static bool write_port_file(const char *path, int port);
static int open_listener(int *bound);
static void reap_children(pid_t *kids, size_t *num_kids);
static void kill_children(const pid_t *kids, size_t num_kids);
static bool open_record(void);
static void setup_signals(void);
static bool announce(int port);
static bool session_free(srv_kids_t *kids);
static void refuse_session(int fd);
static void start_session(int lfd, int cfd, const struct sockaddr_storage *ss, socklen_t sslen,
                          srv_kids_t *kids, int64_t served);
static void accept_loop(int lfd, srv_kids_t *kids);


// 'on_signal()' - Note SIGTERM/SIGINT; the main loops act on it.
static void
on_signal(int sig)                      // I - Signal
{
  (void)sig;
  got_stop = 1;
}


// 'on_child()' - Interrupt the parent's ppoll() so it reaps children.
static void
on_child(int sig)                       // I - Signal
{
  (void)sig;
}


// 'make_dirs()' - Create a directory and its parents (mkdir -p).
static bool                             // O - true on success
make_dirs(const char *path)             // I - Directory
{
  char   buf[PATH_MAX];
  size_t i, len = strlen(path);

  if (len == 0 || len >= sizeof(buf))
  {
    errno = ENAMETOOLONG;
    return (false);
  }
  memcpy(buf, path, len + 1);

  for (i = 1; i <= len; i ++)
  {
    if (buf[i] == '/' || buf[i] == '\0')
    {
      char saved = buf[i];

      buf[i] = '\0';
      if (mkdir(buf, 0700) < 0 && errno != EEXIST)
        return (false);
      buf[i] = saved;
    }
  }

  return (true);
}


// 'write_port_file()' - Write the bound port to FILE via FILE.tmp and rename().
static bool                             // O - true on success
write_port_file(const char *path,       // I - File
                int        port)        // I - Port
{
  char tmp[PATH_MAX], text[16];
  int  fd, n, m;
  bool ok;

  n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  m = snprintf(text, sizeof(text), "%d\n", port);
  if (n < 0 || (size_t)n >= sizeof(tmp) || m < 0 || (size_t)m >= sizeof(text))
  {
    errno = ENAMETOOLONG;
    return (false);
  }

  if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644)) < 0)
    return (false);
  ok = write_full(fd, text, (size_t)m);
  if (close(fd) < 0)
    ok = false;

  return (ok && rename(tmp, path) == 0);
}


// 'open_listener()' - Create the listening socket.
static int                              // O - Socket or -1
open_listener(int *bound)               // O - Bound port
{
  struct addrinfo         hints, *ai = NULL;
  struct sockaddr_storage ss;
  socklen_t               sslen = sizeof(ss);
  char                    portstr[16];
  int                     fd = -1, on = 1, err;

  memset(&hints, 0, sizeof(hints));
  hints.ai_family   = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags    = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
  err = snprintf(portstr, sizeof(portstr), "%d", cfg.port);
  if (err < 0 || (size_t)err >= sizeof(portstr))
    return (-1);

  if ((err = getaddrinfo(cfg.addr, portstr, &hints, &ai)) != 0)
  {
    fprintf(stderr, "lpd-server: bad listen address %s: %s\n", cfg.addr, gai_strerror(err));
    return (-1);
  }

  if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0 ||
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
      bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 128) < 0 ||
      getsockname(fd, (struct sockaddr *)&ss, &sslen) < 0)
  {
    fprintf(stderr, "lpd-server: cannot listen on %s port %d: %s\n", cfg.addr, cfg.port,
            strerror(errno));
    if (fd >= 0)
      close(fd);
    freeaddrinfo(ai);
    return (-1);
  }
  freeaddrinfo(ai);

  if (ss.ss_family == AF_INET6)
    *bound = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
  else
    *bound = ntohs(((struct sockaddr_in *)&ss)->sin_port);

  return (fd);
}


// 'reap_children()' - Collect exited children and drop them from the list.
static void
reap_children(pid_t  *kids,             // IO - Child PIDs
              size_t *num_kids)         // IO - Number of children
{
  pid_t  pid;
  size_t i;

  while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
  {
    for (i = 0; i < *num_kids; i ++)
    {
      if (kids[i] == pid)
      {
        kids[i] = kids[-- *num_kids];
        break;
      }
    }
  }
}


// 'kill_children()' - Send SIGTERM to every child still running.
static void
kill_children(const pid_t *kids,        // I - Child PIDs
              size_t      num_kids)     // I - Number of children
{
  size_t i;

  for (i = 0; i < num_kids; i ++)
    kill(kids[i], SIGTERM);
}


// 'open_record()' - Create DIR, DIR/.state and DIR/events.
static bool                             // O - true on success
open_record(void)
{
  if (!make_dirs(cfg.dir) || (dir_fd = open(cfg.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
      (mkdirat(dir_fd, ".state", 0700) < 0 && errno != EEXIST) ||
      (state_dir_fd = openat(dir_fd, ".state", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
      (main_events_fd = openat(dir_fd, "events", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
                               O_NOFOLLOW, 0600)) < 0)
  {
    fprintf(stderr, "lpd-server: %s: %s\n", cfg.dir, strerror(errno));
    return (false);
  }

  return (true);
}


// 'setup_signals()' - Install the handlers; block the signals except inside ppoll().
static void
setup_signals(void)
{
  struct sigaction sa;
  sigset_t         block;

  // Handlers only set a flag. The signals stay blocked except inside ppoll(), so a wait can never
  // miss one.
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sa.sa_handler = on_child;
  sigaction(SIGCHLD, &sa, NULL);
  sa.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &sa, NULL);

  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGCHLD);
  sigprocmask(SIG_BLOCK, &block, &run_mask);
  sigdelset(&run_mask, SIGTERM);
  sigdelset(&run_mask, SIGINT);
  sigdelset(&run_mask, SIGCHLD);
}


// 'announce()' - Write the port file and the "listen" event.
static bool                             // O - true on success
announce(int port)                      // I - Bound port
{
  char text[256];
  int  n;

  if (cfg.port_file && !write_port_file(cfg.port_file, port))
  {
    fprintf(stderr, "lpd-server: %s: %s\n", cfg.port_file, strerror(errno));
    return (false);
  }

  if (snprintf(text, sizeof(text), "%s %d", cfg.addr, port) < 0)
    copy_text(text, sizeof(text), "?");
  emit(NULL, main_events_fd, false, NULL, "listen", text);
  if (!cfg.quiet)
  {
    n = snprintf(text, sizeof(text), "lpd-server: listening on %s port %d, recording in %s\n",
                 cfg.addr, port, cfg.dir);
    if (n > 0 && (size_t)n < sizeof(text))
      write_full(STDOUT_FILENO, text, (size_t)n);
  }

  return (true);
}


// 'session_free()' - With --max-sessions, is there room for one more connection?
static bool                             // O - true when the connection may be served
session_free(srv_kids_t *kids)          // IO - Connections being served
{
  int waited;

  if (!cfg.max_sessions)
    return (true);

  // A session ends when its process exits, a moment after it closed the socket: a client that
  // reconnects at once must not be refused for that moment, so allow up to 1 s for it.
  for (waited = 0; kids->num >= (size_t)cfg.max_sessions && waited < 20 && !got_stop; waited ++)
  {
    ppoll(NULL, 0, &(struct timespec){ 0, 50000000L }, &run_mask);
    reap_children(kids->pids, &kids->num);
  }

  return (kids->num < (size_t)cfg.max_sessions);
}


// 'refuse_session()' - Reset a connection beyond --max-sessions (Xerox refuses them).
static void
refuse_session(int fd)                  // I - Client socket
{
  struct linger lg = { 1, 0 };
  char          text[64];

  if (snprintf(text, sizeof(text), "%d sessions", cfg.max_sessions) < 0)
    copy_text(text, sizeof(text), "?");
  emit(NULL, main_events_fd, !cfg.quiet, NULL, "refuse", text);
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
  close(fd);
}


// 'start_session()' - Fork the process that serves one accepted connection.
static void
start_session(int                           lfd,    // I  - Listener
              int                           cfd,    // I  - Client socket
              const struct sockaddr_storage *ss,    // I  - Client address
              socklen_t                     sslen,  // I  - Size of address
              srv_kids_t                    *kids,  // IO - Connections being served
              int64_t                       served) // I  - Connection number
{
  struct sigaction sa;
  pid_t            pid, parent = getpid(), *p;

  if (kids->num >= kids->alloc)
  {
    size_t alloc = kids->alloc ? 2 * kids->alloc : 16;

    if ((p = realloc(kids->pids, alloc * sizeof(pid_t))) == NULL)
    {
      fputs("lpd-server: out of memory\n", stderr);
      close(cfd);
      return;
    }
    kids->pids  = p;
    kids->alloc = alloc;
  }

  if ((pid = fork()) < 0)
  {
    fprintf(stderr, "lpd-server: fork: %s\n", strerror(errno));
    close(cfd);
    return;
  }

  if (pid == 0)
  {
    close(lfd);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigaction(SIGCHLD, &sa, NULL);

    // No connection outlives the server, even if it is killed with SIGKILL.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)
      _exit(0);

    serve_connection(cfd, (unsigned)served, ss, sslen);
    free(kids->pids);
    free(cfg.nack_text);
    exit(0);
  }

  kids->pids[kids->num ++] = pid;
  close(cfd);
}


// 'accept_loop()' - Accept connections until a stop request or --count.
static void
accept_loop(int        lfd,             // I  - Listener
            srv_kids_t *kids)           // IO - Connections being served
{
  struct sockaddr_storage ss;
  socklen_t               sslen;
  struct pollfd           pfd;
  int64_t                 served = 0;
  int                     cfd;

  while (!got_stop && (cfg.count < 0 || served < cfg.count))
  {
    reap_children(kids->pids, &kids->num);

    pfd.fd      = lfd;
    pfd.events  = POLLIN;
    pfd.revents = 0;
    if (ppoll(&pfd, 1, NULL, &run_mask) < 0)
    {
      if (errno == EINTR)
        continue;
      fprintf(stderr, "lpd-server: poll: %s\n", strerror(errno));
      break;
    }

    sslen = sizeof(ss);
    if ((cfd = accept4(lfd, (struct sockaddr *)&ss, &sslen, SOCK_CLOEXEC | SOCK_NONBLOCK)) < 0)
    {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
      {
        // Out of resources: back off instead of spinning on the ready listener.
        fprintf(stderr, "lpd-server: accept: %s\n", strerror(errno));
        ppoll(NULL, 0, &(struct timespec){ 0, 100000000L }, &run_mask);
      }
      continue;
    }

    served ++;
    if (!session_free(kids))
      refuse_session(cfd);
    else
      start_session(lfd, cfd, &ss, sslen, kids, served);
  }
}


// 'main()' - Listen, fork one process per connection, shut down cleanly on SIGTERM/SIGINT.
int                                     // O - Exit status
main(int  argc,                         // I - Number of arguments
     char *argv[])                      // I - Arguments
{
  srv_kids_t kids = { NULL, 0, 0 };
  int        lfd, port = 0;
  bool       forwarded = false;

  if (!parse_options(argc, argv))
    return (2);
  if (!open_record())
    return (1);

  setup_signals();

  if ((lfd = open_listener(&port)) < 0)
    return (1);
  if (!announce(port))
  {
    close(lfd);
    return (1);
  }

  accept_loop(lfd, &kids);
  close(lfd);

  // Wait for the connections still being served; a stop request ends them.
  for (;;)
  {
    reap_children(kids.pids, &kids.num);
    if (kids.num == 0)
      break;

    if (got_stop && !forwarded)
    {
      kill_children(kids.pids, kids.num);
      forwarded = true;
    }

    ppoll(NULL, 0, NULL, &run_mask);
  }

  emit(NULL, main_events_fd, false, NULL, "exit", got_stop ? "signal" : "count");

  free(kids.pids);
  free(cfg.nack_text);
  close(main_events_fd);
  close(state_dir_fd);
  close(dir_fd);

  return (0);
}
