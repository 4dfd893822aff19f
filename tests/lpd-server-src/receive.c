// lpd-server receive.c - the receive-job command: subcommands, files, the job and its status.
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

static int find_file(const srv_conn_t *c, const char *name, size_t len);
static int add_file(srv_conn_t *c, const char *name, bool control);
static const char *parse_subcmd(const char *line, size_t len, int64_t *count, char *name,
                                size_t namesize);
static int job_number(const char *name);
static void summary_line(const srv_conn_t *c, srv_summary_t *s, const char *line, size_t len,
                         bool *refs_ok);
static bool job_summary(const srv_conn_t *c, srv_summary_t *s);
static void job_abort(srv_conn_t *c);
static srv_io_t receive_content(srv_conn_t *c, int idx, int out, int64_t count, bool is_data,
                                bool *dropped, bool *wfailed);
static int file_answer(srv_conn_t *c, const char *why, bool is_data, int64_t count, char *name,
                       size_t namesize, srv_file_rx_t *rx);
static bool receive_body(srv_conn_t *c, const char *name, int64_t count, bool is_data,
                         srv_file_rx_t *rx);
static bool end_of_file(srv_conn_t *c, const char *name, bool is_data, bool stream,
                        const srv_file_rx_t *rx);
static bool receive_file(srv_conn_t *c, const char *line, size_t len, bool is_data);


// 'find_file()' - Find a received file by name.
static int                              // O - Index or -1
find_file(const srv_conn_t *c,          // I - Connection
          const char       *name,       // I - File name
          size_t           len)         // I - Length of name
{
  size_t i;

  for (i = 0; i < c->num_files; i ++)
  {
    if (strlen(c->files[i].name) == len && !memcmp(c->files[i].name, name, len))
      return ((int)i);
  }

  return (-1);
}


// 'add_file()' - Add (or restart) a file entry of the job.
static int                              // O - Index or -1 when full
add_file(srv_conn_t *c,                 // I - Connection
         const char *name,              // I - Validated file name
         bool       control)            // I - Control file?
{
  int        i = find_file(c, name, strlen(name));
  srv_file_t *f;

  if (i < 0)
  {
    if (c->num_files >= SRV_MAX_FILES)
      return (-1);

    if (c->num_files >= c->alloc_files)
    {
      size_t     alloc = c->alloc_files ? 2 * c->alloc_files : 16;
      srv_file_t *files = realloc(c->files, alloc * sizeof(srv_file_t));

      if (!files)
        return (-1);
      c->files       = files;
      c->alloc_files = alloc;
    }
    i = (int)c->num_files ++;
  }

  f = c->files + i;
  copy_text(f->name, sizeof(f->name), name);
  f->bytes   = 0;
  f->control = control;
  f->intact  = false;

  if (control)
    c->control = i;
  else if (c->control == i)
    c->control = -1;

  return (i);
}


// 'parse_subcmd()' - Check a \2 or \3 subcommand line: COUNT SP NAME.
static const char *                     // O - NULL when valid, else why not
parse_subcmd(const char *line,          // I - Line (first byte is the subcommand)
             size_t     len,            // I - Length of line
             int64_t    *count,         // O - Byte count
             char       *name,          // O - File name
             size_t     namesize)       // I - Size of name
{
  char   digits[32];
  size_t i = 1, n;

  while (i < len && isdigit((unsigned char)line[i]))
    i ++;
  n = i - 1;

  if (n == 0)
    return ("count is not a decimal number");
  if (n >= sizeof(digits))
    return ("count does not fit in 64 bits");

  memcpy(digits, line + 1, n);
  digits[n] = '\0';
  if (!parse_int64(digits, 0, INT64_MAX, count))
    return ("count does not fit in 64 bits");

  if (i >= len || line[i] != ' ')
    return ("no single space after the count");
  i ++;

  n = len - i;
  if (n == 0)
    return ("empty file name");
  if (n > SRV_NAME_MAX || n >= namesize)
    return ("file name longer than 255 bytes");

  for (size_t j = i; j < len; j ++)
  {
    unsigned char ch = (unsigned char)line[j];

    if (ch <= 0x20 || ch >= 0x7f)
      return ("file name has a blank, control or 8-bit byte");
    if (ch == '/')
      return ("file name contains '/'");
  }

  if (line[i] == '.')
    return ("file name starts with '.'");

  memcpy(name, line + i, n);
  name[n] = '\0';

  if (!strcmp(name, "queue") || !strcmp(name, "events") || !strcmp(name, "status"))
    return ("file name reserved by the test server");

  return (NULL);
}


// 'job_number()' - The job number in a cfA123host name, 0 if none.
static int                              // O - Job number
job_number(const char *name)            // I - Control file name
{
  if (strlen(name) >= 6 && isdigit((unsigned char)name[3]) && isdigit((unsigned char)name[4]) &&
      isdigit((unsigned char)name[5]))
    return ((name[3] - '0') * 100 + (name[4] - '0') * 10 + (name[5] - '0'));

  return (0);
}


// 'summary_line()' - Apply one control-file line to a job summary.
static void
summary_line(const srv_conn_t *c,       // I  - Connection
             srv_summary_t    *s,       // IO - Summary
             const char       *line,    // I  - Line without LF
             size_t           len,      // I  - Length of line
             bool             *refs_ok) // IO - Every print line names an intact data file?
{
  char   letter;
  size_t used;
  int    i;

  if (len == 0)
    return;

  letter = line[0];
  line ++;
  len --;

  if (letter == 'P' && !s->owner[0])
  {
    escape_display(line, len, s->owner, sizeof(s->owner));
  }
  else if (letter == 'H' && !s->host[0])
  {
    escape_display(line, len, s->host, sizeof(s->host));
  }
  else if (letter == 'J' && !s->title[0])
  {
    escape_display(line, len, s->title, sizeof(s->title));
  }
  else if (letter == 'N')
  {
    used = strlen(s->names);
    if (used && used + 2 < sizeof(s->names))
    {
      memcpy(s->names + used, ", ", 3);
      used += 2;
    }
    escape_display(line, len, s->names + used, sizeof(s->names) - used);
  }
  else if (letter && strchr("cdfglnoprtv", letter))
  {
    // RFC 1179 section 7: these letters print the data file named by the operand.
    s->print_lines ++;
    if (!letter_accepted(letter) && !s->refused_letter)
      s->refused_letter = letter;
    i = find_file(c, line, len);
    if (i < 0 || c->files[i].control || !c->files[i].intact)
      *refs_ok = false;
  }
}


// 'job_summary()' - Read the job's control file and decide whether the job is complete.
static bool                             // O - true when complete
job_summary(const srv_conn_t *c,        // I - Connection
            srv_summary_t    *s)        // O - Summary
{
  char          chunk[8192], line[1024];
  size_t        len = 0, i;
  ssize_t       n;
  int           fd;
  bool          refs_ok = true;

  memset(s, 0, sizeof(*s));

  for (i = 0; i < c->num_files; i ++)
  {
    if (!c->files[i].control && c->files[i].intact)
      s->size += c->files[i].bytes;
  }

  if (c->control < 0 || !c->files[c->control].intact)
    return (false);

  s->job = job_number(c->files[c->control].name);

  if ((fd = openat(c->job_fd, c->files[c->control].name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
    return (false);

  // Lines longer than the buffer are cut; a print line that long names no file we accepted.
  while ((n = read(fd, chunk, sizeof(chunk))) != 0)
  {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
    {
      refs_ok = false;
      break;
    }

    for (i = 0; i < (size_t)n; i ++)
    {
      if (chunk[i] == '\n')
      {
        summary_line(c, s, line, len, &refs_ok);
        len = 0;
      }
      else if (len < sizeof(line))
      {
        line[len ++] = chunk[i];
      }
    }
  }
  if (len > 0)
    summary_line(c, s, line, len, &refs_ok);
  close(fd);

  s->complete = !c->aborted && refs_ok && s->print_lines > 0;
  return (s->complete);
}


// 'job_create()' - Create DIR/job-NNNN for a \2 command and move the connection's log there.
bool                                    // O - true on success
job_create(srv_conn_t *c)               // I - Connection
{
  unsigned seq;
  int      n, fd;
  bool     ok;

  // mkdir() is atomic: concurrent connections each get their own number.
  for (seq = 1;; seq ++)
  {
    n = snprintf(c->job, sizeof(c->job), "job-%04u", seq);
    if (n < 0 || (size_t)n >= sizeof(c->job) || seq == UINT_MAX)
    {
      conn_log(c, "error", "%s", "no free job directory name");
      return (false);
    }
    if (!mkdirat(dir_fd, c->job, 0700))
      break;
    if (errno != EEXIST)
    {
      conn_log(c, "error", "cannot create %s/%s: %s", cfg.dir, c->job, strerror(errno));
      return (false);
    }
  }
  c->seq = seq;

  if ((c->job_fd = openat(dir_fd, c->job, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)) < 0 ||
      (fd = openat(c->job_fd, "events", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
                   0600)) < 0)
  {
    conn_log(c, "error", "cannot open %s/%s: %s", cfg.dir, c->job, strerror(errno));
    return (false);
  }
  c->events_fd = fd;
  c->is_job    = true;

  if ((fd = openat(c->job_fd, "queue", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
                   0600)) < 0)
  {
    conn_log(c, "error", "cannot create %s/%s/queue: %s", cfg.dir, c->job, strerror(errno));
    return (false);
  }
  ok = write_full(fd, c->queue, strlen(c->queue)) && write_full(fd, "\n", 1);
  if (close(fd) < 0 || !ok)
  {
    conn_log(c, "error", "cannot write %s/%s/queue: %s", cfg.dir, c->job, strerror(errno));
    return (false);
  }

  return (true);
}


// 'job_abort()' - Handle the abort subcommand: discard the job's files.
static void
job_abort(srv_conn_t *c)                // I - Connection
{
  size_t i;

  conn_log(c, "abort", "%u files discarded", (unsigned)c->num_files);

  for (i = 0; i < c->num_files; i ++)
  {
    if (unlinkat(c->job_fd, c->files[i].name, 0) < 0 && errno != ENOENT)
      conn_log(c, "error", "cannot delete %s: %s", c->files[i].name, strerror(errno));
  }

  c->num_files = 0;
  c->control   = -1;
  c->aborted   = true;
  job_unpublish(c);
}


// 'job_status()' - Decide the final status and keep the listings in line with it.
const char *                            // O - "complete", "aborted" or "incomplete"
job_status(srv_conn_t *c)               // I - Connection
{
  srv_summary_t s;

  if (c->aborted)
  {
    job_unpublish(c);
    return ("aborted");
  }

  if (job_summary(c, &s))
  {
    job_publish(c, &s);
    return ("complete");
  }

  job_unpublish(c);
  return ("incomplete");
}


// 'job_write_status()' - Write DIR/job-NNNN/status atomically.
void
job_write_status(srv_conn_t *c,         // I - Connection
                 const char *status)    // I - Status word
{
  int  fd;
  bool ok;

  if ((fd = openat(c->job_fd, ".status.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
                   O_NOFOLLOW, 0600)) < 0)
  {
    fprintf(stderr, "lpd-server: %s/%s/status: %s\n", cfg.dir, c->job, strerror(errno));
    return;
  }

  ok = write_full(fd, status, strlen(status)) && write_full(fd, "\n", 1);
  if (close(fd) < 0 || !ok || renameat(c->job_fd, ".status.tmp", c->job_fd, "status") < 0)
    fprintf(stderr, "lpd-server: %s/%s/status: %s\n", cfg.dir, c->job, strerror(errno));
}


// 'receive_content()' - Copy file content from the client to a file.
static srv_io_t                         // O - IO_OK or why the copy stopped
receive_content(srv_conn_t *c,          // I - Connection
                int        idx,         // I - File entry
                int        out,         // I - Output file or -1 to discard
                int64_t    count,       // I - Bytes, or -1 for "until the client's half-close"
                bool       is_data,     // I - Data file (counts for --drop-after)?
                bool       *dropped,    // O - --drop-after reached?
                bool       *wfailed)    // O - Writing to disk failed?
{
  int64_t  got = 0, want;
  size_t   avail, take;
  srv_io_t r = IO_OK;

  *dropped = false;
  *wfailed = out < 0;

  for (;;)
  {
    if (is_data && cfg.drop_after >= 0 && c->data_bytes >= cfg.drop_after)
    {
      *dropped = true;
      break;
    }
    if (count >= 0 && got >= count)
      break;

    if ((r = conn_fill(c)) != IO_OK)
    {
      if (r == IO_EOF && count < 0)
        r = IO_OK;
      break;
    }

    avail = c->buf_len - c->buf_pos;
    want  = count >= 0 ? count - got : INT64_MAX;
    if (is_data && cfg.drop_after >= 0 && cfg.drop_after - c->data_bytes < want)
      want = cfg.drop_after - c->data_bytes;
    take = (int64_t)avail < want ? avail : (size_t)want;

    if (got == 0 && take > 0)
      conn_log(c, "data-first-byte", "%s", c->files[idx].name);

    if (!*wfailed && !write_full(out, c->buf + c->buf_pos, take))
    {
      conn_log(c, "error", "cannot write %s: %s", c->files[idx].name, strerror(errno));
      *wfailed = true;
    }

    c->buf_pos += take;
    got        += (int64_t)take;
    if (is_data)
      c->data_bytes += (int64_t)take;
  }

  c->files[idx].bytes = got;
  return (r);
}


// 'file_answer()' - Decide the answer to a file subcommand; open the file when it is accepted.
static int                              // O - Answer octet (0 = ack)
file_answer(srv_conn_t *c,              // I - Connection
            const char *why,            // I - Why the line is malformed, or NULL
            bool       is_data,         // I - Data file?
            int64_t    count,           // I - Byte count (0 = stream)
            char       *name,           // IO - File name ("-" when malformed)
            size_t     namesize,        // I - Size of name
            srv_file_rx_t *rx)          // O - File entry, output fd, NACK reason
{
  rx->idx      = -1;
  rx->out      = -1;
  rx->nack_why = NULL;

  if (why)
  {
    conn_log(c, "error", "bad %s subcommand: %s", is_data ? "data" : "control", why);
    rx->nack_why = why;
    copy_text(name, namesize, "-");
    return (1);
  }
  if (is_data && count == 0 && cfg.refuse_zero)
  {
    rx->nack_why = "(count 0 refused)";
    return (cfg.refuse_zero);
  }
  if (is_data && cfg.max_data >= 0 && count > cfg.max_data)
  {
    rx->nack_why = "(count above --max-data)";
    return (2);
  }
  if (cfg.nack[is_data ? STEP_DATA : STEP_CONTROL])
    return (cfg.nack[is_data ? STEP_DATA : STEP_CONTROL]);
  if ((rx->idx = add_file(c, name, !is_data)) < 0)
  {
    conn_log(c, "error", "too many files in one job (%d)", SRV_MAX_FILES);
    rx->nack_why = "(too many files)";
    return (2);
  }
  if ((rx->out = openat(c->job_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
                        0600)) < 0)
  {
    conn_log(c, "error", "cannot create %s: %s", name, strerror(errno));
    rx->nack_why = "(cannot store the file)";
    return (2);
  }

  return (0);
}


// 'receive_body()' - Receive an accepted file's bytes and the NUL after them.
static bool                             // O - true when the connection goes on
receive_body(srv_conn_t    *c,          // I  - Connection
             const char    *name,       // I  - File name
             int64_t       count,       // I  - Byte count (0 = stream)
             bool          is_data,     // I  - Data file?
             srv_file_rx_t *rx)         // IO - File being received; O - ok, wfailed
{
  char          context[SRV_NAME_MAX + 64];
  bool          dropped, stream = is_data && count == 0;
  srv_io_t      r;
  unsigned char nul;

  r = receive_content(c, rx->idx, rx->out, stream ? -1 : count, is_data, &dropped, &rx->wfailed);
  if (close(rx->out) < 0 && !rx->wfailed)
  {
    conn_log(c, "error", "cannot write %s: %s", name, strerror(errno));
    rx->wfailed = true;
  }

  if (dropped)
  {
    conn_log(c, "drop", "%" PRId64, c->data_bytes);
    c->reason     = "drop";
    c->close_mode = CLOSE_ABRUPT;
    return (false);
  }
  if (r != IO_OK)
  {
    if (snprintf(context, sizeof(context), "receiving %s (%" PRId64 " of %" PRId64 " bytes)",
                 name, c->files[rx->idx].bytes, count) < 0)
      copy_text(context, sizeof(context), "receiving a file");
    conn_failed(c, r, context);
    return (false);
  }

  conn_log(c, "data-end", "%s %" PRId64, name, c->files[rx->idx].bytes);

  rx->ok = !rx->wfailed;
  if (stream)
    return (true);

  if ((r = conn_fill(c)) != IO_OK)
  {
    if (snprintf(context, sizeof(context), "waiting for the NUL after %s", name) < 0)
      copy_text(context, sizeof(context), "waiting for the NUL after a file");
    conn_failed(c, r, context);
    return (false);
  }

  // RFC 1179 section 6.2/6.3: the file is followed by one zero octet.
  if ((nul = c->buf[c->buf_pos ++]) != 0)
  {
    conn_log(c, "error", "expected NUL after %s, got 0x%02x", name, nul);
    rx->ok = false;
  }

  return (true);
}


// 'end_of_file()' - Answer the end of a received file, or apply the faults of that step.
static bool                             // O - true to read the next subcommand
end_of_file(srv_conn_t          *c,     // I - Connection
            const char          *name,  // I - File name
            bool                is_data,// I - Data file?
            bool                stream, // I - Count 0 (the client has half-closed)?
            const srv_file_rx_t *rx)    // I - What was received
{
  srv_step_t    end = is_data ? STEP_DATA_END : STEP_CONTROL_END;
  srv_summary_t s;
  const char    *why = rx->wfailed ? "(cannot store the file)" : NULL;
  char          reason[64];
  int           code = rx->wfailed ? 2 : cfg.nack[end];
  bool          complete;

  c->files[rx->idx].intact = rx->ok && code == 0;
  complete                 = c->files[rx->idx].intact && job_summary(c, &s);

  // A personality that refuses a print letter says so when the control file has arrived.
  if (!is_data && c->files[rx->idx].intact && s.refused_letter)
  {
    code                     = 1;
    complete                 = false;
    c->files[rx->idx].intact = false;
    if (snprintf(reason, sizeof(reason), "(print letter '%c' not supported)",
                 s.refused_letter) > 0)
      why = reason;
  }

  // Listed before the answer goes out, so a query right after the ack sees the job.
  if (complete)
    job_publish(c, &s);

  if (!at_step(c, end))
    return (false);

  if (complete && cfg.no_final_ack)
  {
    conn_log(c, "no-final-ack", "%s", name);
    c->reason     = "no-final-ack";
    c->close_mode = CLOSE_PLAIN;
    return (false);
  }

  if (!send_answer(c, step_names[end], code, name, why))
    return (false);

  if (stream)
  {
    // The client has half-closed: nothing more can come.
    c->reason     = "done";
    c->close_mode = CLOSE_GRACEFUL;
    return (false);
  }

  return (true);
}


// 'receive_file()' - Handle a \2 (control) or \3 (data) subcommand.
static bool                             // O - true to read the next subcommand
receive_file(srv_conn_t *c,             // I - Connection
             const char *line,          // I - Subcommand line without LF
             size_t     len,            // I - Length of line
             bool       is_data)        // I - Data file?
{
  const char    *kind = is_data ? "data" : "control", *why;
  char          name[SRV_NAME_MAX + 1], esc[SRV_SUBCMD_MAX * 4];
  int64_t       count = 0;
  int           code;
  srv_file_rx_t rx;

  if ((why = parse_subcmd(line, len, &count, name, sizeof(name))) != NULL)
  {
    escape_event(line + 1, len - 1, esc, sizeof(esc));
    conn_log(c, "subcmd", "%s \"%s\"", kind, esc);
  }
  else
  {
    conn_log(c, "subcmd", "%s %" PRId64 " %s", kind, count, name);
  }

  if (!at_step(c, is_data ? STEP_DATA : STEP_CONTROL))
    return (false);

  memset(&rx, 0, sizeof(rx));
  code = file_answer(c, why, is_data, count, name, sizeof(name), &rx);
  if (!send_answer(c, kind, code, name, rx.nack_why))
  {
    if (rx.out >= 0)
      close(rx.out);
    return (false);
  }
  if (code && cfg.close_after_nack)
  {
    c->reason     = "nack";
    c->close_mode = CLOSE_PLAIN;
    return (false);
  }
  if (code)
    return (true);                      // Like BSD lpd: wait for the next subcommand

  if (!receive_body(c, name, count, is_data, &rx))
    return (false);

  return (end_of_file(c, name, is_data, is_data && count == 0, &rx));
}


// 'serve_receive()' - Handle a \2 (receive job) command.
void
serve_receive(srv_conn_t *c)            // I - Connection
{
  char     line[SRV_SUBCMD_MAX], esc[SRV_SUBCMD_MAX * 4], qesc[SRV_TOKEN_MAX * 4];
  size_t   len;
  srv_io_t r;
  char     queue[SRV_TOKEN_MAX];
  int      code = cfg.nack[STEP_COMMAND];

  if (!at_step(c, STEP_COMMAND))
    return;

  escape_display(c->queue, strlen(c->queue), queue, sizeof(queue));
  if (!code && !queue_exists(queue))
    code = 1;
  escape_event(c->queue, strlen(c->queue), qesc, sizeof(qesc));
  if (!send_answer(c, "command", code, qesc, queue_exists(queue) ? NULL : "(no such queue)"))
    return;
  if (code)
  {
    c->reason     = "nack";
    c->close_mode = CLOSE_GRACEFUL;
    return;
  }

  for (;;)
  {
    r = conn_read_line(c, line, sizeof(line), &len);
    if (r == IO_EOF && len == 0)
    {
      c->reason     = "client";
      c->close_mode = CLOSE_GRACEFUL;
      return;
    }
    if (r != IO_OK)
    {
      conn_failed(c, r, "reading a subcommand line");
      return;
    }

    switch (len ? line[0] : 0)
    {
      case 1 :
          if (len > 1)
          {
            escape_event(line + 1, len - 1, esc, sizeof(esc));
            conn_log(c, "error", "abort subcommand with operands \"%s\"", esc);
          }
          job_abort(c);
          break;

      case 2 :
          if (!receive_file(c, line, len, false))
            return;
          break;

      case 3 :
          if (!receive_file(c, line, len, true))
            return;
          break;

      default :
          escape_event(line, len, esc, sizeof(esc));
          conn_log(c, "subcmd", "unknown \"%s\"", esc);
          conn_log(c, "error", "%s", "unknown subcommand");
          if (!send_answer(c, "subcommand", 1, "-", "(unknown subcommand)"))
            return;
          break;
    }
  }
}
