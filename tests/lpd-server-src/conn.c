// lpd-server conn.c - one client connection: reads, writes, acks, stalls, the command dispatch.
//
// Copyright 2026 The cups-lpr authors
//
// SPDX-License-Identifier: Apache-2.0
//
// Part of the test LPD server (tests/lpd-server); lpd-server.h says what the server does.

#include "lpd-server.h"


//
// Local functions...
//

static int idle_ms(void);
static srv_io_t wait_fd(int fd, short events, int timeout_ms, short *revents);
static void conn_close(srv_conn_t *c);
static void stall(srv_conn_t *c);
static void tokenize(const char *s, size_t len, srv_tokens_t *t);
static bool conn_init(srv_conn_t *c, int fd, unsigned serial, const struct sockaddr_storage *ss,
                      socklen_t sslen);
static bool read_command(srv_conn_t *c, char *line, size_t size, size_t *len);
static const char *dispatch(srv_conn_t *c, const char *line, size_t len);


// 'idle_ms()' - The --idle-timeout in milliseconds, -1 for none.
static int                              // O - Timeout for wait_fd()
idle_ms(void)
{
  return (cfg.idle_timeout > 0 ? cfg.idle_timeout * 1000 : -1);
}


// 'wait_fd()' - Wait for an fd (or just sleep when fd < 0); SIGTERM/SIGINT only get through here.
static srv_io_t                         // O - IO_OK (ready), IO_TIMEOUT, IO_SIGNAL or IO_ERROR
wait_fd(int   fd,                       // I - Socket or -1
        short events,                   // I - poll() events
        int   timeout_ms,               // I - Timeout or -1 for none
        short *revents)                 // O - poll() revents or NULL
{
  struct pollfd   pfd;
  struct timespec deadline, now, left, *leftp = NULL;
  int             n;

  if (timeout_ms >= 0)
  {
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec  += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L)
    {
      deadline.tv_sec ++;
      deadline.tv_nsec -= 1000000000L;
    }
  }

  for (;;)
  {
    if (got_stop)
      return (IO_SIGNAL);

    if (timeout_ms >= 0)
    {
      clock_gettime(CLOCK_MONOTONIC, &now);
      left.tv_sec  = deadline.tv_sec - now.tv_sec;
      left.tv_nsec = deadline.tv_nsec - now.tv_nsec;
      if (left.tv_nsec < 0)
      {
        left.tv_sec --;
        left.tv_nsec += 1000000000L;
      }
      if (left.tv_sec < 0)
        left.tv_sec = left.tv_nsec = 0;
      leftp = &left;
    }

    pfd.fd      = fd;
    pfd.events  = events;
    pfd.revents = 0;

    // The signals are blocked everywhere else, so none can slip in between the check above and
    // the wait: ppoll() unblocks them atomically.
    n = ppoll(fd >= 0 ? &pfd : NULL, fd >= 0 ? 1 : 0, leftp, &run_mask);
    if (n > 0)
    {
      if (revents)
        *revents = pfd.revents;
      return (IO_OK);
    }
    if (n == 0)
      return (IO_TIMEOUT);
    if (errno != EINTR)
      return (IO_ERROR);
  }
}


// 'conn_fill()' - Make sure the read buffer holds at least one byte.
srv_io_t                                // O - IO_OK, IO_EOF, IO_TIMEOUT, IO_ERROR or IO_SIGNAL
conn_fill(srv_conn_t *c)                // I - Connection
{
  ssize_t  n;
  srv_io_t r;

  if (c->buf_pos < c->buf_len)
    return (IO_OK);
  if (c->eof)
    return (IO_EOF);

  c->buf_pos = c->buf_len = 0;

  for (;;)
  {
    // Always wait first, even when data is likely there: that is where SIGTERM gets in.
    if ((r = wait_fd(c->fd, POLLIN, idle_ms(), NULL)) != IO_OK)
      return (r);

    if ((n = read(c->fd, c->buf, SRV_BUF_SIZE)) > 0)
    {
      c->buf_len = (size_t)n;
      return (IO_OK);
    }
    if (n == 0)
    {
      c->eof = true;
      return (IO_EOF);
    }
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
      continue;

    c->last_errno = errno;
    return (IO_ERROR);
  }
}


// 'conn_read_line()' - Read one LF-terminated line (LF removed, NUL-terminated).
srv_io_t                                // O - IO_OK, IO_TOOLONG or a conn_fill() result
conn_read_line(srv_conn_t *c,           // I - Connection
               char       *line,        // O - Line
               size_t     size,         // I - Size of line
               size_t     *len)         // O - Bytes in line (it may hold NULs)
{
  srv_io_t r;

  *len = 0;
  for (;;)
  {
    if ((r = conn_fill(c)) != IO_OK)
    {
      line[*len] = '\0';
      return (r);
    }

    while (c->buf_pos < c->buf_len)
    {
      unsigned char ch = c->buf[c->buf_pos ++];

      if (ch == '\n')
      {
        line[*len] = '\0';
        return (IO_OK);
      }
      if (*len + 1 >= size)
      {
        line[*len] = '\0';
        return (IO_TOOLONG);
      }
      line[(*len) ++] = (char)ch;
    }
  }
}


// 'conn_write()' - Send bytes to the client, waiting (bounded) while its window is full.
srv_io_t                                // O - IO_OK, IO_TIMEOUT, IO_ERROR or IO_SIGNAL
conn_write(srv_conn_t *c,               // I - Connection
           const void *data,            // I - Bytes
           size_t     len)              // I - Number of bytes
{
  const char *p = data;
  ssize_t    n;
  srv_io_t   r;

  while (len > 0)
  {
    if ((r = wait_fd(c->fd, POLLOUT, idle_ms(), NULL)) != IO_OK)
      return (r);

    if ((n = send(c->fd, p, len, MSG_NOSIGNAL)) > 0)
    {
      p   += n;
      len -= (size_t)n;
    }
    else if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
    {
      continue;
    }
    else
    {
      c->last_errno = n < 0 ? errno : EIO;
      return (IO_ERROR);
    }
  }

  return (IO_OK);
}


// 'conn_close()' - Close the client socket the way c->close_mode asks.
static void
conn_close(srv_conn_t *c)               // I - Connection
{
  struct linger   lg = { 1, 0 };
  struct timespec start, now;
  long            waited;
  ssize_t         n;

  if (c->fd < 0)
    return;

  if (c->close_mode == CLOSE_ABRUPT)
  {
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
  }
  else if (c->close_mode == CLOSE_PLAIN)
  {
    // FIN first, then discard what has already arrived: the client then most likely reads EOF
    // rather than a reset (bytes still in flight can still turn into one).
    shutdown(c->fd, SHUT_WR);
    for (int i = 0; c->buf && i < 16 && read(c->fd, c->buf, SRV_BUF_SIZE) > 0; i ++)
    {
      // Bounded: a client that keeps sending gets its reset.
    }
  }
  else if (c->close_mode == CLOSE_GRACEFUL && c->buf)
  {
    // Unread bytes at close() turn the FIN into a reset that can destroy the tail of what we
    // sent (a listing): send our FIN and wait a little for the client's.
    shutdown(c->fd, SHUT_WR);
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (!c->eof)
    {
      clock_gettime(CLOCK_MONOTONIC, &now);
      waited = (long)(now.tv_sec - start.tv_sec) * 1000L +
               (now.tv_nsec - start.tv_nsec) / 1000000L;
      if (waited >= SRV_DRAIN_MS ||
          wait_fd(c->fd, POLLIN, (int)(SRV_DRAIN_MS - waited), NULL) != IO_OK)
        break;
      n = read(c->fd, c->buf, SRV_BUF_SIZE);
      if (n == 0)
        c->eof = true;
      else if (n < 0 && errno != EINTR && errno != EAGAIN)
        break;
    }
  }

  close(c->fd);
  c->fd = -1;
}


// 'conn_failed()' - Log why a socket operation failed and set the close reason.
void
conn_failed(srv_conn_t *c,              // I - Connection
            srv_io_t   r,               // I - Result
            const char *context)        // I - What was being done
{
  switch (r)
  {
    case IO_EOF :
        conn_log(c, "error", "connection closed by the client while %s", context);
        c->reason = "client";
        break;
    case IO_TIMEOUT :
        conn_log(c, "error", "idle timeout (%d s) while %s", cfg.idle_timeout, context);
        c->reason = "timeout";
        break;
    case IO_TOOLONG :
        conn_log(c, "error", "line too long while %s", context);
        c->reason = "error";
        break;
    case IO_SIGNAL :
        c->reason = "signal";
        break;
    default :
        conn_log(c, "error", "%s while %s", strerror(c->last_errno), context);
        c->reason = c->last_errno == ECONNRESET ? "reset" : "error";
        break;
  }

  c->close_mode = CLOSE_PLAIN;
}


// 'send_answer()' - Send an ack (0) or a NACK octet plus its text, after --delay-ack.
bool                                    // O - true when the connection can go on
send_answer(srv_conn_t *c,              // I - Connection
            const char *step,           // I - Step name (logs, default NACK text)
            int        code,            // I - Octet
            const char *name,           // I - File or queue name for the log
            const char *why)            // I - Reason for a NACK or NULL
{
  unsigned char out[1 + SRV_JUNK_BYTES];
  char          text[128];
  srv_io_t      r;
  int           i;

  if (cfg.delay_ack_ms > 0 && wait_fd(-1, 0, cfg.delay_ack_ms, NULL) == IO_SIGNAL)
  {
    conn_failed(c, IO_SIGNAL, "delaying an answer");
    return (false);
  }

  if (code == 0 && cfg.garbage_ack)
  {
    // Junk that covers NUL, LF and 8-bit bytes, so no client can mistake it for text.
    out[0] = 'X';
    for (i = 0; i < SRV_JUNK_BYTES; i ++)
      out[i + 1] = (unsigned char)((i * 157 + 10) & 0xff);
    out[20] = 0x00;
    out[40] = 0xff;
    conn_log(c, "ack", "88 %s %s garbage: X + %d junk bytes", step, name, SRV_JUNK_BYTES);
    r = conn_write(c, out, sizeof(out));
  }
  else
  {
    out[0] = (unsigned char)code;
    if (code)
      conn_log(c, "nack", "%d %s %s%s%s", code, step, name, why ? " " : "", why ? why : "");
    else
      conn_log(c, "ack", "0 %s %s", step, name);

    r = conn_write(c, out, 1);
    if (r == IO_OK && code)
    {
      if (cfg.nack_text)
      {
        r = conn_write(c, cfg.nack_text, cfg.nack_text_len);
      }
      else
      {
        int n = snprintf(text, sizeof(text), "test server refused %s\n", step);

        if (n > 0 && (size_t)n < sizeof(text))
          r = conn_write(c, text, (size_t)n);
      }
    }
  }

  if (r != IO_OK)
  {
    conn_failed(c, r, "sending an answer");
    return (false);
  }

  return (true);
}


// 'stall()' - Stop answering and reading until the client goes away or we are killed.
static void
stall(srv_conn_t *c)                    // I - Connection
{
  int   on = 1, idle = 2, count = 3;
  short revents = 0;

  // After the client's FIN we cannot tell its close from a half-close without writing; TCP
  // keepalive finds a vanished client (once its orphaned socket has timed out) without sending
  // the client anything it could read.
  setsockopt(c->fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
  setsockopt(c->fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
  setsockopt(c->fd, IPPROTO_TCP, TCP_KEEPINTVL, &idle, sizeof(idle));
  setsockopt(c->fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof(count));

  // POLLHUP and POLLERR are always reported; POLLRDHUP only before the client's FIN was seen.
  if (wait_fd(c->fd, c->eof ? 0 : POLLRDHUP, -1, &revents) == IO_SIGNAL)
    c->reason = "signal";
  else
    c->reason = "stall";

  c->close_mode = CLOSE_PLAIN;
}


// 'at_step()' - Apply --close-at and --stall at a protocol step.
bool                                    // O - true to answer normally, false when it has ended
at_step(srv_conn_t *c,                  // I - Connection
        srv_step_t step)                // I - Step reached
{
  if (cfg.close_at == step)
  {
    conn_log(c, "close-at", "%s", step_names[step]);
    c->reason     = "close-at";
    c->close_mode = CLOSE_PLAIN;
    return (false);
  }

  if (cfg.stall == step)
  {
    conn_log(c, "stall", "%s", step_names[step]);
    stall(c);
    return (false);
  }

  return (true);
}


// 'tokenize()' - Split command operands on blanks (each capped at 255 bytes).
static void
tokenize(const char   *s,               // I - Operands (after the command octet)
         size_t       len,              // I - Length
         srv_tokens_t *t)               // O - Tokens
{
  size_t i = 0, start, n;

  t->count = 0;
  while (i < len && t->count < SRV_MAX_TOKENS)
  {
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
      i ++;
    if (i >= len)
      break;

    start = i;
    while (i < len && s[i] != ' ' && s[i] != '\t')
      i ++;

    n = i - start;
    if (n > SRV_TOKEN_MAX - 1)
      n = SRV_TOKEN_MAX - 1;
    memcpy(t->tok[t->count], s + start, n);
    t->tok[t->count][n] = '\0';
    t->count ++;
  }
}


// 'conn_init()' - Set up a connection's state for a freshly accepted client.
static bool                             // O - true when the buffer could be allocated
conn_init(srv_conn_t                    *c,     // O - Connection
          int                           fd,     // I - Client socket
          unsigned                      serial, // I - Connection number
          const struct sockaddr_storage *ss,    // I - Client address
          socklen_t                     sslen)  // I - Size of address
{
  memset(c, 0, sizeof(*c));
  c->fd         = fd;
  c->serial     = serial;
  c->events_fd  = main_events_fd;
  c->job_fd     = -1;
  c->control    = -1;
  c->reason     = "error";
  c->close_mode = CLOSE_PLAIN;
  clock_gettime(CLOCK_REALTIME, &c->connected);

  if (getnameinfo((const struct sockaddr *)ss, sslen, c->peer, sizeof(c->peer), c->peer_port,
                  sizeof(c->peer_port), NI_NUMERICHOST | NI_NUMERICSERV))
  {
    copy_text(c->peer, sizeof(c->peer), "?");
    copy_text(c->peer_port, sizeof(c->peer_port), "?");
  }

  return ((c->buf = malloc(SRV_BUF_SIZE)) != NULL);
}


// 'read_command()' - Read the command line, or apply what ends a connection before it.
static bool                             // O - true when a command line was read
read_command(srv_conn_t *c,             // I - Connection
             char       *line,          // O - Command line without LF
             size_t     size,           // I - Size of line
             size_t     *len)           // O - Length of line
{
  srv_io_t r;

  if (cfg.refuse)
  {
    log_connect(c);
    c->reason = "refuse";
    return (false);
  }

  if (cfg.stall == STEP_ACCEPT || cfg.close_at == STEP_ACCEPT)
  {
    log_connect(c);
    at_step(c, STEP_ACCEPT);
    return (false);
  }

  if ((r = conn_read_line(c, line, size, len)) == IO_OK && *len > 0)
    return (true);

  log_connect(c);
  if (r == IO_EOF && *len == 0)
  {
    conn_log(c, "error", "%s", "connection closed before a command");
    c->reason     = "client";
    c->close_mode = CLOSE_GRACEFUL;
  }
  else if (r == IO_OK)
  {
    conn_log(c, "error", "%s", "empty command line");
    c->close_mode = CLOSE_GRACEFUL;
  }
  else
  {
    conn_failed(c, r, "reading the command line");
  }

  return (false);
}


// 'dispatch()' - Serve the command on a connection; the job's status for \2, else NULL.
static const char *                     // O - Job status or NULL
dispatch(srv_conn_t *c,                 // I - Connection
         const char *line,              // I - Command line without LF
         size_t     len)                // I - Length of line
{
  srv_tokens_t t;
  char         raw[SRV_CMD_MAX * 4 + 8], qesc[SRV_TOKEN_MAX * 4];
  int          code = (unsigned char)line[0];
  bool         created;

  tokenize(line + 1, len - 1, &t);
  copy_text(c->queue, sizeof(c->queue), t.count ? t.tok[0] : "");
  escape_event(c->queue, strlen(c->queue), qesc, sizeof(qesc));
  escape_event(line, len, raw, sizeof(raw));

  if (code == 2)
  {
    created = job_create(c);
    log_connect(c);
    conn_log(c, "command", "2 %s", qesc);
    main_log(c, "command", "2 %s \"%s\" %s", qesc, raw, created ? c->job : "-");
    if (t.count > 1)
      conn_log(c, "error", "%s", "receive-job command with extra operands");
    if (!created)
      return (NULL);
    serve_receive(c);
    return (job_status(c));
  }

  log_connect(c);
  conn_log(c, "command", "%d %s \"%s\"", code, qesc, raw);

  if (code == 1 && send_answer(c, "print", 0, qesc, NULL))
  {
    c->reason     = "done";
    c->close_mode = CLOSE_GRACEFUL;
  }
  else if (code == 3 || code == 4)
  {
    serve_query(c, &t);
  }
  else if (code == 5)
  {
    serve_remove(c, &t);
  }
  else if (code != 1)
  {
    conn_log(c, "error", "unknown command 0x%02x", (unsigned)code);
    c->close_mode = CLOSE_GRACEFUL;
  }

  return (NULL);
}


// 'serve_connection()' - Serve one client connection (in its own process).
void
serve_connection(int                           fd,     // I - Client socket
                 unsigned                      serial, // I - Connection number
                 const struct sockaddr_storage *ss,    // I - Client address
                 socklen_t                     sslen)  // I - Size of address
{
  srv_conn_t   c;
  char         line[SRV_CMD_MAX];
  size_t       len = 0;
  const char   *status = NULL;

  if (!conn_init(&c, fd, serial, ss, sslen))
  {
    log_connect(&c);
    conn_log(&c, "error", "%s", "out of memory");
  }
  else if (read_command(&c, line, sizeof(line), &len))
  {
    status = dispatch(&c, line, len);
  }

  conn_log(&c, "close", "%s", c.reason);
  if (c.is_job)
    main_log(&c, "close", "%s %s %s", c.reason, c.job, status ? status : "incomplete");
  conn_close(&c);

  // The status comes last: tests wait for it, and then everything else is in place.
  if (c.is_job)
    job_write_status(&c, status ? status : "incomplete");

  if (c.events_fd >= 0 && c.events_fd != main_events_fd)
    close(c.events_fd);
  if (c.job_fd >= 0)
    close(c.job_fd);
  free(c.files);
  free(c.buf);
}
