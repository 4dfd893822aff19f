// lpd-server queue.c - queue state shared by all connections (DIR/.state), listings, removal.
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

static int state_lock(void);
static bool state_save(const srv_state_t *st);
static bool state_load(unsigned seq, srv_state_t *st);
static int compare_seq(const void *a, const void *b);
static unsigned *state_list(size_t *count);
static bool state_listed(const srv_state_t *st, const char *queue, const srv_tokens_t *t,
                         int first, const char *agent);
static srv_io_t send_fake_listing(srv_conn_t *c, const char *queue, int64_t total);
static srv_io_t send_queue_file(srv_conn_t *c, int64_t *sent);
static bool build_listing(srv_conn_t *c, const char *queue, const srv_tokens_t *t,
                          srv_dbuf_t *out, int *entries);


// 'dbuf_append()' - Append bytes to a growable buffer, up to SRV_LISTING_MAX.
bool                                    // O - true on success
dbuf_append(srv_dbuf_t *b,              // IO - Buffer
            const char *data,           // I  - Bytes
            size_t     len)             // I  - Number of bytes
{
  if (b->len + len > SRV_LISTING_MAX)
    return (false);

  if (b->len + len > b->alloc)
  {
    size_t alloc = b->alloc ? b->alloc : 4096;
    char   *p;

    while (alloc < b->len + len)
      alloc *= 2;
    if ((p = realloc(b->data, alloc)) == NULL)
      return (false);
    b->data  = p;
    b->alloc = alloc;
  }

  memcpy(b->data + b->len, data, len);
  b->len += len;
  return (true);
}


// 'state_lock()' - Take the exclusive lock on DIR/.state.
static int                              // O - Lock fd or -1
state_lock(void)
{
  int fd;

  // flock() belongs to the open file description: every holder opens the file itself.
  if ((fd = openat(state_dir_fd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
    return (-1);

  while (flock(fd, LOCK_EX) < 0)
  {
    if (errno != EINTR)
    {
      close(fd);
      return (-1);
    }
  }

  return (fd);
}


// 'state_save()' - Write a job record atomically (caller holds the lock).
static bool                             // O - true on success
state_save(const srv_state_t *st)       // I - Record
{
  char text[2048], name[32], tmp[40];
  int  n, fd;
  bool ok;

  n = snprintf(text, sizeof(text),
               "queue=%s\nowner=%s\nhost=%s\ntitle=%s\nname=%s\nfiles=%s\njob=%d\nsize=%"
               PRId64 "\npolls=%d\nremoved=%d\n", st->queue, st->owner, st->host, st->title,
               st->name, st->files, st->job, st->size, st->polls, st->removed ? 1 : 0);
  if (n < 0 || (size_t)n >= sizeof(text))
    return (false);

  n = snprintf(name, sizeof(name), "job-%04u", st->seq);
  if (n < 0 || (size_t)n >= sizeof(name))
    return (false);
  n = snprintf(tmp, sizeof(tmp), "job-%04u.tmp", st->seq);
  if (n < 0 || (size_t)n >= sizeof(tmp))
    return (false);

  if ((fd = openat(state_dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
                   0600)) < 0)
    return (false);
  ok = write_full(fd, text, strlen(text));
  if (close(fd) < 0)
    ok = false;

  return (ok && renameat(state_dir_fd, tmp, state_dir_fd, name) == 0);
}


// 'state_load()' - Read a job record.
static bool                             // O - true on success
state_load(unsigned    seq,             // I - Job sequence number
           srv_state_t *st)             // O - Record
{
  char    text[4096], name[32], *line, *next, *value;
  int     fd, n;
  ssize_t len;
  int64_t v;

  memset(st, 0, sizeof(*st));
  st->seq = seq;

  n = snprintf(name, sizeof(name), "job-%04u", seq);
  if (n < 0 || (size_t)n >= sizeof(name))
    return (false);

  if ((fd = openat(state_dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
    return (false);
  do
    len = read(fd, text, sizeof(text) - 1);
  while (len < 0 && errno == EINTR);
  close(fd);
  if (len <= 0)
    return (false);
  text[len] = '\0';

  for (line = text; *line; line = next)
  {
    if ((next = strchr(line, '\n')) != NULL)
      *next++ = '\0';
    else
      next = line + strlen(line);

    if ((value = strchr(line, '=')) == NULL)
      continue;
    *value++ = '\0';

    if (!strcmp(line, "queue"))
      copy_text(st->queue, sizeof(st->queue), value);
    else if (!strcmp(line, "owner"))
      copy_text(st->owner, sizeof(st->owner), value);
    else if (!strcmp(line, "host"))
      copy_text(st->host, sizeof(st->host), value);
    else if (!strcmp(line, "title"))
      copy_text(st->title, sizeof(st->title), value);
    else if (!strcmp(line, "name"))
      copy_text(st->name, sizeof(st->name), value);
    else if (!strcmp(line, "files"))
      copy_text(st->files, sizeof(st->files), value);
    else if (!strcmp(line, "job") && parse_int64(value, 0, INT_MAX, &v))
      st->job = (int)v;
    else if (!strcmp(line, "size") && parse_int64(value, 0, INT64_MAX, &v))
      st->size = v;
    else if (!strcmp(line, "polls") && parse_int64(value, 0, INT_MAX, &v))
      st->polls = (int)v;
    else if (!strcmp(line, "removed"))
      st->removed = !strcmp(value, "1");
  }

  return (true);
}


// 'compare_seq()' - qsort() order for job sequence numbers.
static int                              // O - Order
compare_seq(const void *a,              // I - First
            const void *b)              // I - Second
{
  unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

  return (x < y ? -1 : x > y);
}


// 'state_list()' - List the job records in DIR/.state, in job order (caller holds the lock).
static unsigned *                       // O - Sequence numbers (free it) or NULL
state_list(size_t *count)               // O - Number of records
{
  int           fd;
  DIR           *d;
  struct dirent *de;
  unsigned      *seqs = NULL, *p;
  size_t        alloc = 0;
  int64_t       v;

  *count = 0;

  // A fresh fd: a dup of a shared one would share the directory offset with other processes.
  if ((fd = openat(dir_fd, ".state", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    return (NULL);
  if ((d = fdopendir(fd)) == NULL)
  {
    close(fd);
    return (NULL);
  }

  while ((de = readdir(d)) != NULL)
  {
    if (strncmp(de->d_name, "job-", 4) || !parse_int64(de->d_name + 4, 1, UINT_MAX, &v))
      continue;

    if (*count >= alloc)
    {
      alloc = alloc ? 2 * alloc : 64;
      if ((p = realloc(seqs, alloc * sizeof(unsigned))) == NULL)
        break;
      seqs = p;
    }
    seqs[(*count) ++] = (unsigned)v;
  }
  closedir(d);

  if (*count > 1)
    qsort(seqs, *count, sizeof(unsigned), compare_seq);

  return (seqs);
}


// 'state_listed()' - Is a record shown by listings to this queue and list?
static bool                             // O - true when shown
state_listed(const srv_state_t  *st,    // I - Record
             const char         *queue, // I - Queue (display form), NULL for any
             const srv_tokens_t *t,     // I - Command operands
             int                first,  // I - First list item in t
             const char         *agent) // I - Owner that must match when there is no list
{
  int64_t n;
  char    item[SRV_TOKEN_MAX];
  int     i;

  if (st->removed || st->polls >= cfg.hold_polls || (queue && strcmp(st->queue, queue)))
    return (false);

  if (t->count <= first)
    return (!agent || !strcmp(st->owner, agent));

  // RFC 1179 section 5: list items are job numbers or user names.
  for (i = first; i < t->count; i ++)
  {
    if (parse_int64(t->tok[i], 0, INT_MAX, &n))
    {
      if (n == st->job)
        return (true);
    }
    else
    {
      escape_display(t->tok[i], strlen(t->tok[i]), item, sizeof(item));
      if (!strcmp(item, st->owner))
        return (true);
    }
  }

  return (false);
}


// 'job_publish()' - Make a complete job visible to queue listings.
void
job_publish(srv_conn_t          *c,     // I - Connection
            const srv_summary_t *s)     // I - Summary of the control file
{
  srv_state_t st;
  int         lock;

  if (c->published)
    return;

  memset(&st, 0, sizeof(st));
  st.seq  = c->seq;
  st.job  = s->job;
  st.size = s->size;
  escape_display(c->queue, strlen(c->queue), st.queue, sizeof(st.queue));
  copy_text(st.owner, sizeof(st.owner), s->owner[0] ? s->owner : "-");
  copy_text(st.host, sizeof(st.host), s->host);
  copy_text(st.title, sizeof(st.title), s->title);
  copy_text(st.name, sizeof(st.name), c->files[c->control].name);
  copy_text(st.files, sizeof(st.files),
            s->names[0] ? s->names : s->title[0] ? s->title : "(standard input)");

  if ((lock = state_lock()) < 0 || !state_save(&st))
    conn_log(c, "error", "cannot record the job for listings: %s", strerror(errno));
  else
    c->published = true;

  if (lock >= 0)
    close(lock);
}


// 'job_unpublish()' - Take a job out of queue listings.
void
job_unpublish(srv_conn_t *c)            // I - Connection
{
  int lock;

  if (!c->published)
    return;

  if ((lock = state_lock()) >= 0)
  {
    unlinkat(state_dir_fd, c->job, 0);
    close(lock);
  }
  c->published = false;
}


// 'ordinal()' - Format a BSD lpq rank: 1st, 2nd, 3rd, 4th, ..., 11th, 21st.
void
ordinal(int    n,                       // I - Rank
        char   *buf,                    // O - Text
        size_t size)                    // I - Size of buf
{
  const char *suffix = (n % 100 >= 11 && n % 100 <= 13) ? "th" :
                       n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";

  int        len = snprintf(buf, size, "%d%s", n, suffix);

  if (len < 0 || (size_t)len >= size)
    copy_text(buf, size, "?");
}


// 'send_fake_listing()' - Send exactly N bytes of plausible listing text (--queue-bytes).
static srv_io_t                         // O - Result of the writes
send_fake_listing(srv_conn_t *c,        // I - Connection
                  const char *queue,    // I - Queue (display form)
                  int64_t    total)     // I - Bytes to send
{
  char     head[SRV_TOKEN_MAX + 128], rank[16];
  size_t   blen = 0, hlen, n;
  int      m, i;
  int64_t  left = total;
  srv_io_t r;

  m = snprintf(head, sizeof(head), "%s is ready and printing\n" SRV_LISTING_HEAD, queue);
  if (m < 0 || (size_t)m >= sizeof(head))
    return (IO_ERROR);
  hlen = (size_t)m;

  // The read buffer is free here: fill it with job lines once and send it over and over. Job
  // numbers are 1000-9999 (LPRng-like), so the listing never shows the client's cfA job (0-999).
  for (i = 0; blen + 128 < SRV_BUF_SIZE; i ++)
  {
    ordinal(i, rank, sizeof(rank));
    m = snprintf((char *)c->buf + blen, SRV_BUF_SIZE - blen,
                 "%-6s %-7s %-4d %-37.37s %d bytes\n", i ? rank : "active", "root",
                 1000 + i % 9000, "document.pdf", 1024 + 17 * i);
    if (m < 0 || (size_t)m >= SRV_BUF_SIZE - blen)
      break;
    blen += (size_t)m;
  }

  n = (int64_t)hlen < left ? hlen : (size_t)left;
  if ((r = conn_write(c, head, n)) != IO_OK)
    return (r);
  left -= (int64_t)n;

  while (left > 0)
  {
    n = (int64_t)blen < left ? blen : (size_t)left;
    if ((r = conn_write(c, c->buf, n)) != IO_OK)
      return (r);
    left -= (int64_t)n;
  }

  return (IO_OK);
}


// 'send_queue_file()' - Send the current contents of --queue-file.
static srv_io_t                         // O - Result of the writes
send_queue_file(srv_conn_t *c,          // I - Connection
                int64_t    *sent)       // O - Bytes sent
{
  int      fd;
  ssize_t  n;
  srv_io_t r = IO_OK;

  *sent = 0;
  if ((fd = open(cfg.queue_file, O_RDONLY | O_CLOEXEC)) < 0)
  {
    conn_log(c, "error", "%s: %s", cfg.queue_file, strerror(errno));
    return (IO_OK);
  }

  while ((n = read(fd, c->buf, SRV_BUF_SIZE)) != 0)
  {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
    {
      conn_log(c, "error", "%s: %s", cfg.queue_file, strerror(errno));
      break;
    }
    if ((r = conn_write(c, c->buf, (size_t)n)) != IO_OK)
      break;
    *sent += n;
  }
  close(fd);

  return (r);
}


// 'build_listing()' - Generate the queue listing and count the query against listed jobs.
static bool                             // O - true on success
build_listing(srv_conn_t         *c,    // I - Connection
              const char         *queue,// I - Queue (display form)
              const srv_tokens_t *t,    // I - Operands (t->tok[0] is the queue)
              srv_dbuf_t         *out,  // O - Listing
              int                *entries)// O - Jobs listed
{
  srv_state_t *rows = NULL, *p;
  unsigned    *seqs;
  size_t      count, i;
  int         lock, alloc = 0;
  bool        ok = true;

  *entries = 0;
  if ((lock = state_lock()) < 0)
  {
    conn_log(c, "error", "cannot lock %s/.state: %s", cfg.dir, strerror(errno));
    return (false);
  }

  seqs = state_list(&count);
  for (i = 0; i < count && ok; i ++)
  {
    if (*entries >= alloc)
    {
      alloc = alloc ? 2 * alloc : 16;
      if ((p = realloc(rows, (size_t)alloc * sizeof(srv_state_t))) == NULL)
      {
        ok = false;
        break;
      }
      rows = p;
    }
    if (!state_load(seqs[i], rows + *entries) ||
        !state_listed(rows + *entries, listing_all_queues() ? NULL : queue, t, 1, NULL))
      continue;

    rows[*entries].polls ++;
    if (!state_save(rows + *entries))
      conn_log(c, "error", "cannot update the listing record of job-%04u", rows[*entries].seq);
    (*entries) ++;
  }
  free(seqs);
  close(lock);

  ok = ok && format_listing(queue, rows, *entries, out);
  free(rows);

  if (!ok)
    conn_log(c, "error", "%s", "listing too large");

  return (ok);
}


// 'serve_query()' - Handle \3 and \4 (queue state).
void
serve_query(srv_conn_t         *c,      // I - Connection
            const srv_tokens_t *t)      // I - Operands
{
  char       queue[SRV_TOKEN_MAX];
  srv_dbuf_t out = { NULL, 0, 0 };
  srv_io_t   r = IO_OK;
  int64_t    sent = 0;
  int        entries = 0;

  escape_display(c->queue, strlen(c->queue), queue, sizeof(queue));

  if (cfg.queue_bytes >= 0)
  {
    r    = send_fake_listing(c, queue, cfg.queue_bytes);
    sent = cfg.queue_bytes;
    if (r == IO_OK)
      conn_log(c, "reply", "%" PRId64, sent);
  }
  else if (cfg.queue_file)
  {
    if ((r = send_queue_file(c, &sent)) == IO_OK)
      conn_log(c, "reply", "%" PRId64, sent);
  }
  else if (!queue_exists(queue))
  {
    if (format_unknown_queue(queue, &out))
    {
      conn_log(c, "reply", "%u unknown queue", (unsigned)out.len);
      r = conn_write(c, out.data, out.len);
    }
  }
  else if (build_listing(c, queue, t, &out, &entries))
  {
    conn_log(c, "reply", "%u %d entries", (unsigned)out.len, entries);
    r = conn_write(c, out.data, out.len);
  }
  free(out.data);

  if (r != IO_OK)
  {
    conn_failed(c, r, "sending the queue state");
    return;
  }

  c->reason     = "done";
  c->close_mode = CLOSE_GRACEFUL;
}


// 'serve_remove()' - Handle \5 (remove jobs).
void
serve_remove(srv_conn_t         *c,     // I - Connection
             const srv_tokens_t *t)     // I - Operands: queue, agent, list
{
  char        queue[SRV_TOKEN_MAX], agent[SRV_TOKEN_MAX], line[SRV_NAME_MAX + 32];
  srv_dbuf_t  out = { NULL, 0, 0 };
  srv_state_t st;
  unsigned    *seqs;
  size_t      count, i;
  int         lock, n, removed = 0;
  srv_io_t    r = IO_OK;

  c->reason     = "done";
  c->close_mode = CLOSE_GRACEFUL;

  if (t->count < 2)
  {
    conn_log(c, "error", "%s", "remove command without an agent");
    return;
  }

  escape_display(c->queue, strlen(c->queue), queue, sizeof(queue));
  escape_display(t->tok[1], strlen(t->tok[1]), agent, sizeof(agent));

  if ((lock = state_lock()) < 0)
  {
    conn_log(c, "error", "cannot lock %s/.state: %s", cfg.dir, strerror(errno));
    return;
  }

  seqs = state_list(&count);
  for (i = 0; i < count; i ++)
  {
    if (!state_load(seqs[i], &st) || !state_listed(&st, queue, t, 2, agent))
      continue;

    st.removed = true;
    if (!state_save(&st))
    {
      conn_log(c, "error", "cannot update the listing record of job-%04u", st.seq);
      continue;
    }
    conn_log(c, "remove", "job-%04u %d %s", st.seq, st.job, st.owner);
    removed ++;

    n = snprintf(line, sizeof(line), "%s dequeued\n", st.name);
    if (n > 0 && (size_t)n < sizeof(line))
      dbuf_append(&out, line, (size_t)n);
  }
  free(seqs);
  close(lock);

  conn_log(c, "reply", "%u %d removed", (unsigned)out.len, removed);
  if (out.len)
    r = conn_write(c, out.data, out.len);
  free(out.data);

  if (r != IO_OK)
    conn_failed(c, r, "sending the remove reply");
}
