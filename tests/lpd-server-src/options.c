// lpd-server options.c - the command line: options into cfg, --help.
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

static void usage(FILE *out);
static bool parse_int(const char *s, int min, int max, int *value);
static bool parse_big(const char *s, int64_t *value);
static srv_step_t parse_step(const char *s, size_t len, bool allow_accept);
static bool parse_nack(const char *arg);
static bool load_nack_text(const char *path);
static srv_opt_t set_server_option(int opt, const char *arg);
static srv_opt_t set_step_option(int opt, const char *arg);
static srv_opt_t set_fault_option(int opt, const char *arg);
static bool check_options(int argc, char *argv[]);


// 'usage()' - Print the command-line usage.
static void
usage(FILE *out)                        // I - Where to print
{
  fputs("Usage: lpd-server -d DIR [options]\n"
        "  -a, --address=ADDR    numeric listen address (default 127.0.0.1)\n"
        "  -p, --port=PORT       port (default 0 = ephemeral)\n"
        "  -P, --port-file=FILE  write the bound port to FILE\n"
        "  -d, --dir=DIR         record directory\n"
        "  -n, --count=COUNT     exit after COUNT connections\n"
        "  -q, --quiet           no per-event lines on stdout\n"
        "  --idle-timeout=S      read/write timeout in seconds (default 60, 0 = none)\n"
        "  --refuse-zero[=CODE]  NACK data files with count 0 (default code 2)\n"
        "  --max-data=N          NACK 2 data files with count > N\n"
        "  --nack=STEP:CODE      answer STEP with CODE (command, control, control-end, data,\n"
        "                        data-end); repeatable\n"
        "  --nack-text=FILE      bytes sent after every NACK octet\n"
        "  --delay-ack=MS        sleep before every ack/nack\n"
        "  --drop-after=N        reset after N bytes of data-file content\n"
        "  --stall=STEP          stop answering at STEP (or accept)\n"
        "  --no-final-ack        close instead of the ack that completes the job\n"
        "  --close-after-nack    close after a subcommand NACK instead of reading on\n"
        "  --close-at=STEP       close without answering at STEP (or accept)\n"
        "  --garbage-ack         send 'X' + 100 junk bytes instead of every ack\n"
        "  --refuse              close every connection at once\n"
        "  --queue-file=FILE     answer queue queries with FILE\n"
        "  --queue-bytes=N       answer queue queries with N bytes of listing text\n"
        "  --hold-polls=N        keep complete jobs listed for N queue queries\n"
        "  --personality=NAME    windows, jetdirect, xerox, lexmark or allqueues (see source)\n"
        "  --queues=Q1,Q2,...    the queues that exist (default: any name is accepted)\n"
        "  --max-sessions=N      at most N connections at once; more are reset\n"
        "  --owner-at-host       write owners as user@host in generated listings\n", out);
}


// 'parse_int64()' - Parse a decimal number (digits only) within [min, max].
bool                                    // O - true on success
parse_int64(const char *s,              // I - String
            int64_t    min,             // I - Smallest value
            int64_t    max,             // I - Largest value
            int64_t    *value)          // O - Value
{
  char      *end;
  long long v;

  // strtoll() would also take blanks and signs: insist on a digit first.
  if (!s || !isdigit((unsigned char)s[0]))
    return (false);

  errno = 0;
  v     = strtoll(s, &end, 10);
  if (errno == ERANGE || *end || v < min || v > max)
    return (false);

  *value = (int64_t)v;
  return (true);
}


// 'parse_int()' - Parse a decimal int within [min, max].
static bool                             // O - true on success
parse_int(const char *s,                // I - String
          int        min,               // I - Smallest value
          int        max,               // I - Largest value
          int        *value)            // O - Value
{
  int64_t v;

  if (!parse_int64(s, min, max, &v))
    return (false);

  *value = (int)v;
  return (true);
}


// 'parse_big()' - Parse a byte count written as digits or digits 'e' digits (1e9).
static bool                             // O - true on success
parse_big(const char *s,                // I - String
          int64_t    *value)            // O - Value
{
  const char *e = strpbrk(s, "eE");
  char       mantissa[32];
  int64_t    m, x;

  if (!e)
    return (parse_int64(s, 0, INT64_MAX, value));

  if (e == s || (size_t)(e - s) >= sizeof(mantissa))
    return (false);

  memcpy(mantissa, s, (size_t)(e - s));
  mantissa[e - s] = '\0';
  if (!parse_int64(mantissa, 0, INT64_MAX, &m) || !parse_int64(e + 1, 0, 18, &x))
    return (false);

  for (; x > 0; x --)
  {
    if (m > INT64_MAX / 10)
      return (false);
    m *= 10;
  }

  *value = m;
  return (true);
}


// 'parse_step()' - Look up a step name.
static srv_step_t                       // O - Step or STEP_NONE
parse_step(const char *s,               // I - Name
           size_t     len,              // I - Length of name
           bool       allow_accept)     // I - Is "accept" valid here?
{
  int i;

  for (i = allow_accept ? STEP_ACCEPT : STEP_COMMAND; i < STEP_MAX; i ++)
  {
    if (strlen(step_names[i]) == len && !memcmp(s, step_names[i], len))
      return ((srv_step_t)i);
  }

  return (STEP_NONE);
}


// 'parse_nack()' - Parse a --nack=STEP:CODE option.
static bool                             // O - true on success
parse_nack(const char *arg)             // I - Option value
{
  const char *colon = strrchr(arg, ':');
  srv_step_t step;
  int        code;

  if (!colon)
    return (false);

  if ((step = parse_step(arg, (size_t)(colon - arg), false)) == STEP_NONE)
    return (false);

  if (!parse_int(colon + 1, 1, 255, &code))
    return (false);

  cfg.nack[step] = code;
  return (true);
}


// 'load_nack_text()' - Read the --nack-text file into memory.
static bool                             // O - true on success
load_nack_text(const char *path)        // I - File
{
  int     fd;
  ssize_t n;
  size_t  len = 0;

  if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
  {
    fprintf(stderr, "lpd-server: %s: %s\n", path, strerror(errno));
    return (false);
  }

  free(cfg.nack_text);
  if ((cfg.nack_text = malloc(SRV_NACK_TEXT_MAX + 1)) == NULL)
  {
    close(fd);
    fputs("lpd-server: out of memory\n", stderr);
    return (false);
  }

  // Read one byte past the cap to tell "exactly the cap" from "too big".
  while (len <= SRV_NACK_TEXT_MAX)
  {
    n = read(fd, cfg.nack_text + len, SRV_NACK_TEXT_MAX + 1 - len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
    {
      fprintf(stderr, "lpd-server: %s: %s\n", path, strerror(errno));
      close(fd);
      return (false);
    }
    if (n == 0)
      break;
    len += (size_t)n;
  }
  close(fd);

  if (len > SRV_NACK_TEXT_MAX)
  {
    fprintf(stderr, "lpd-server: %s: larger than %d bytes\n", path, SRV_NACK_TEXT_MAX);
    return (false);
  }

  cfg.nack_text_len = len;
  return (true);
}


// Long options without a short form.
enum
{
  OPT_REFUSE_ZERO = 256, OPT_MAX_DATA, OPT_NACK, OPT_NACK_TEXT, OPT_DELAY_ACK, OPT_DROP_AFTER,
  OPT_STALL, OPT_NO_FINAL_ACK, OPT_CLOSE_AT, OPT_GARBAGE_ACK, OPT_REFUSE, OPT_QUEUE_FILE,
  OPT_QUEUE_BYTES, OPT_HOLD_POLLS, OPT_IDLE_TIMEOUT, OPT_PERSONALITY, OPT_QUEUES,
  OPT_MAX_SESSIONS, OPT_OWNER_AT_HOST, OPT_CLOSE_AFTER_NACK
};


// 'set_server_option()' - Apply an option about the listener, the record or the personality.
static srv_opt_t                        // O - OPT_SET, OPT_NOT_MINE or OPT_BAD
set_server_option(int        opt,       // I - Option
                  const char *arg)      // I - Its value or NULL
{
  switch (opt)
  {
    case 'a' :
        cfg.addr = arg;
        break;
    case 'p' :
        return (parse_int(arg, 0, 65535, &cfg.port) ? OPT_SET : OPT_BAD);
    case 'P' :
        cfg.port_file = arg;
        break;
    case 'd' :
        cfg.dir = arg;
        break;
    case 'n' :
        return (parse_int64(arg, 1, INT64_MAX, &cfg.count) ? OPT_SET : OPT_BAD);
    case 'q' :
        cfg.quiet = true;
        break;
    case OPT_IDLE_TIMEOUT :
        cfg.idle_timeout_set = true;
        return (parse_int(arg, 0, 86400, &cfg.idle_timeout) ? OPT_SET : OPT_BAD);
    case OPT_PERSONALITY :
        return ((cfg.personality = personality_by_name(arg)) != PERS_MAX ? OPT_SET : OPT_BAD);
    case OPT_QUEUES :
        cfg.queues = arg;
        break;
    case OPT_MAX_SESSIONS :
        return (parse_int(arg, 1, 1000, &cfg.max_sessions) ? OPT_SET : OPT_BAD);
    case OPT_OWNER_AT_HOST :
        cfg.owner_at_host = true;
        break;
    default :
        return (OPT_NOT_MINE);
  }

  return (OPT_SET);
}


// 'set_step_option()' - Apply --stall or --close-at.
static srv_opt_t                        // O - OPT_SET or OPT_BAD
set_step_option(int        opt,         // I - OPT_STALL or OPT_CLOSE_AT
                const char *arg)        // I - Step name
{
  srv_step_t step = parse_step(arg, strlen(arg), true);

  if (step == STEP_NONE)
    return (OPT_BAD);
  if (opt == OPT_STALL)
    cfg.stall = step;
  else
    cfg.close_at = step;

  return (OPT_SET);
}


// 'set_fault_option()' - Apply an option that makes the server misbehave or answer otherwise.
static srv_opt_t                        // O - OPT_SET, OPT_NOT_MINE, OPT_BAD or OPT_FAILED
set_fault_option(int        opt,        // I - Option
                 const char *arg)       // I - Its value or NULL
{
  switch (opt)
  {
    case OPT_REFUSE_ZERO :
        cfg.refuse_zero = 2;
        return (!arg || parse_int(arg, 1, 255, &cfg.refuse_zero) ? OPT_SET : OPT_BAD);
    case OPT_MAX_DATA :
        return (parse_int64(arg, 0, INT64_MAX, &cfg.max_data) ? OPT_SET : OPT_BAD);
    case OPT_NACK :
        return (parse_nack(arg) ? OPT_SET : OPT_BAD);
    case OPT_NACK_TEXT :
        return (load_nack_text(arg) ? OPT_SET : OPT_FAILED);
    case OPT_DELAY_ACK :
        return (parse_int(arg, 0, 3600000, &cfg.delay_ack_ms) ? OPT_SET : OPT_BAD);
    case OPT_DROP_AFTER :
        return (parse_int64(arg, 0, INT64_MAX, &cfg.drop_after) ? OPT_SET : OPT_BAD);
    case OPT_STALL :
    case OPT_CLOSE_AT :
        return (set_step_option(opt, arg));
    case OPT_NO_FINAL_ACK :
        cfg.no_final_ack = true;
        break;
    case OPT_CLOSE_AFTER_NACK :
        cfg.close_after_nack = true;
        break;
    case OPT_GARBAGE_ACK :
        cfg.garbage_ack = true;
        break;
    case OPT_REFUSE :
        cfg.refuse = true;
        break;
    case OPT_QUEUE_FILE :
        cfg.queue_file = arg;
        break;
    case OPT_QUEUE_BYTES :
        return (parse_big(arg, &cfg.queue_bytes) ? OPT_SET : OPT_BAD);
    case OPT_HOLD_POLLS :
        return (parse_int(arg, 0, INT_MAX, &cfg.hold_polls) ? OPT_SET : OPT_BAD);
    default :
        return (OPT_NOT_MINE);
  }

  return (OPT_SET);
}


// 'check_options()' - Check the options as a whole and apply the personality's defaults.
static bool                             // O - true when the options are valid
check_options(int  argc,                // I - Number of arguments
              char *argv[])             // I - Arguments
{
  if (optind < argc)
  {
    fprintf(stderr, "lpd-server: unexpected argument '%s'\n", argv[optind]);
    return (false);
  }
  if (!cfg.dir)
  {
    fputs("lpd-server: -d DIR is required\n", stderr);
    usage(stderr);
    return (false);
  }

  personality_defaults();
  return (true);
}


// 'parse_options()' - Fill cfg from the command line.
bool                                    // O - true when the options are valid
parse_options(int  argc,                // I - Number of arguments
              char *argv[])             // I - Arguments
{
  static const struct option longopts[] =
  {
    { "address",       required_argument, NULL, 'a' },
    { "port",          required_argument, NULL, 'p' },
    { "port-file",     required_argument, NULL, 'P' },
    { "dir",           required_argument, NULL, 'd' },
    { "count",         required_argument, NULL, 'n' },
    { "quiet",         no_argument,       NULL, 'q' },
    { "help",          no_argument,       NULL, 'h' },
    { "refuse-zero",   optional_argument, NULL, OPT_REFUSE_ZERO },
    { "max-data",      required_argument, NULL, OPT_MAX_DATA },
    { "nack",          required_argument, NULL, OPT_NACK },
    { "nack-text",     required_argument, NULL, OPT_NACK_TEXT },
    { "delay-ack",     required_argument, NULL, OPT_DELAY_ACK },
    { "drop-after",    required_argument, NULL, OPT_DROP_AFTER },
    { "stall",         required_argument, NULL, OPT_STALL },
    { "no-final-ack",  no_argument,       NULL, OPT_NO_FINAL_ACK },
    { "close-after-nack", no_argument,    NULL, OPT_CLOSE_AFTER_NACK },
    { "close-at",      required_argument, NULL, OPT_CLOSE_AT },
    { "garbage-ack",   no_argument,       NULL, OPT_GARBAGE_ACK },
    { "refuse",        no_argument,       NULL, OPT_REFUSE },
    { "queue-file",    required_argument, NULL, OPT_QUEUE_FILE },
    { "queue-bytes",   required_argument, NULL, OPT_QUEUE_BYTES },
    { "hold-polls",    required_argument, NULL, OPT_HOLD_POLLS },
    { "idle-timeout",  required_argument, NULL, OPT_IDLE_TIMEOUT },
    { "personality",   required_argument, NULL, OPT_PERSONALITY },
    { "queues",        required_argument, NULL, OPT_QUEUES },
    { "max-sessions",  required_argument, NULL, OPT_MAX_SESSIONS },
    { "owner-at-host", no_argument,       NULL, OPT_OWNER_AT_HOST },
    { NULL,            0,                 NULL, 0 }
  };
  int       opt;
  srv_opt_t r;

  cfg.addr         = "127.0.0.1";
  cfg.count        = -1;
  cfg.idle_timeout = 60;
  cfg.max_data     = -1;
  cfg.drop_after   = -1;
  cfg.stall        = STEP_NONE;
  cfg.close_at     = STEP_NONE;
  cfg.queue_bytes  = -1;

  while ((opt = getopt_long(argc, argv, "a:p:P:d:n:qh", longopts, NULL)) != -1)
  {
    if (opt == 'h')
    {
      usage(stdout);
      exit(0);
    }
    if ((r = set_server_option(opt, optarg)) == OPT_NOT_MINE)
      r = set_fault_option(opt, optarg);
    if (r == OPT_BAD)
    {
      fprintf(stderr, "lpd-server: bad option value '%s' (see --help)\n", optarg ? optarg : "");
      return (false);
    }
    if (r == OPT_FAILED)
      return (false);
    if (r == OPT_NOT_MINE)
    {
      usage(stderr);
      return (false);
    }
  }

  return (check_options(argc, argv));
}
