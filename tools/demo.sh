#!/bin/bash
# demo.sh - install what is missing, build, and print a PDF the way an administrator would:
# a private cupsd with the built backend, a queue added with lpadmin and the PPD, `lp` through
# cups-filters' chain, into real LPRng on loopback; then the automatic fallback of immediate
# mode against real BSD lpd, which refuses a zero byte count.
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0
#
# Nothing is installed into the system beyond Debian packages (tools/deps.sh demo): cupsd,
# LPRng and BSD lpd run on 127.0.0.1 with their state under one temporary directory, the LPD
# servers from their .deb unpacked there (tests/servers/), cupsd from tests/cupsd/cupsd-ctl.sh.
# Every process is stopped and the directory removed at the end, whatever happens.
# Environment: LPD_PKGCACHE (where the lprng and lpr .debs are kept; default: the tests'
# cache ~/.cache/cups-lpr/pkgcache when it exists, else the temporary directory).

set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tools/deps.sh" demo
"$top/tools/build.sh" "$top/_build/demo" --enable-werror
b=$top/_build/demo
T0=$(date +%s)

CUPSD_SH=$top/tests/cupsd/cupsd-ctl.sh
LPRNG_SH=$top/tests/servers/lprng.sh
BSDLPD_SH=$top/tests/servers/bsdlpd.sh
work=$(mktemp -d /tmp/cups-lpr-demo.XXXXXX)
chmod 0755 "$work"
cache=${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/cups-lpr/pkgcache
[ -d "$cache" ] || cache=$work/pkgcache
export LPD_PKGCACHE=${LPD_PKGCACHE:-$cache}

# 'finish()' - stop cupsd and both LPD servers (each by its recorded PID), remove everything.
finish() {
  "$CUPSD_SH" stop "$work/cupsd" >/dev/null 2>&1 || true
  "$LPRNG_SH" stop "$work/lprng" >/dev/null 2>&1 || true
  "$BSDLPD_SH" stop "$work/bsdlpd" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap finish EXIT

# 'say()' - a heading.
say() { printf '\n== %s\n' "$*"; }

# 'indent()' - stdin, indented.
indent() { sed 's/^/   /'; }

# 'die()' - the demo went wrong: say so and exit 1 (finish() still cleans up).
die() { echo "demo: FAILED: $*" >&2; exit 1; }

# 'job_state()' - completed, aborted, ... of job $1, from cupsd's log.
job_state() { "$CUPSD_SH" job-state "$work/cupsd" "$1"; }

# 'backend_lines()' - what the backend wrote for job $1, from cupsd's error_log: cupsd logs
# every stderr line of a job's filters and backend as "L [date] [Job N] text" (L = the level);
# the backend's are picked by their wording, the filters' and cupsd's own left out.
backend_lines() {
  grep -F "[Job $1] " "$work/cupsd/log/error_log" |
    sed -n 's/^\([DIWE]\) \[[^]]*\] \[Job [0-9]*\] /\1 /p' |
    grep -E '^. (lpd |lpr |Connect|Sen[dt]|Job sent|Queue |SNMP:|Mode |Spool|.*refused|Started backend)' |
    grep -v '^. Set job-' || true
}

# 'watch_job()' - print each new lpstat line of queue $1 while job $2 runs (30 s at most).
watch_job() {
  local q=$1 id=$2 last="" now i
  for (( i = 0; i < 300; i++ )); do
    now=$( { lpstat -o "$q"; lpstat -p "$q"; } 2>/dev/null | sed 's/  */ /g')
    if [ "$now" != "$last" ]; then
      printf '%s\n' "$now" | indent
      echo "   --"
      last=$now
    fi
    case $(job_state "$id") in completed | aborted | canceled | stopped) return 0 ;; esac
    sleep 0.1
  done
}

# --- the servers ---------------------------------------------------------------------------
say "Starting real LPRng lpd (queue lp) and real BSD lpd (queue lp) on 127.0.0.1"
lport=$("$CUPSD_SH" freeport)
"$LPRNG_SH" start "$work/lprng" "$lport" lp >"$work/lprng.out" 2>&1 ||
  { cat "$work/lprng.out"; exit 1; }
echo "   LPRng on 127.0.0.1:$lport"
bport=$("$CUPSD_SH" freeport)
"$BSDLPD_SH" start "$work/bsdlpd" "$bport" lp >"$work/bsdlpd.out" 2>&1 ||
  { cat "$work/bsdlpd.out"; exit 1; }
echo "   BSD lpd on 127.0.0.1:$bport"

say "Starting a private cupsd with the built backend (tests/cupsd/cupsd-ctl.sh)"
mkdir -p "$work/extra/backend" "$work/extra/filter"
cp "$b/lpr" "$work/extra/backend/lpr"
cp "$b/pjl-wrap" "$work/extra/filter/pjl-wrap"
cport=$("$CUPSD_SH" freeport)
CUPSD_SETENV="CUPS_LPR_SNMP_HELPER=$b/lpr-snmp" \
  "$CUPSD_SH" start "$work/cupsd" "$cport" "$work/extra" >"$work/cupsd.env"
eval "$(cat "$work/cupsd.env")"
echo "   cupsd on 127.0.0.1:$cport (CUPS_SERVER=$CUPS_SERVER); lpinfo -v:"
lpinfo -v | grep lpr | indent

# --- part 1: a PDF through cups-filters and the backend into LPRng -------------------------
ppd=$b/ppd/cupslpr.ppd
uri="lpr://127.0.0.1:$lport/lp"
say "lpadmin -p office -E -v $uri -P cupslpr.ppd"
lpadmin -p office -E -v "$uri" -P "$ppd" 2>&1 | indent
lpstat -v office | indent

cat >"$work/sample.ps" <<'EOF'
%!PS
/Helvetica findfont 24 scalefont setfont
72 720 moveto (Hello from cups-lpr) show
/Helvetica findfont 12 scalefont setfont
72 690 moveto (Page 1: printed with lp through cupsd, cups-filters and the lpr backend) show
72 670 moveto (into a real LPRng lpd on the loopback interface.) show
showpage
/Helvetica findfont 24 scalefont setfont
72 720 moveto (Page 2) show
showpage
EOF
gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pdfwrite -sOutputFile="$work/sample.pdf" "$work/sample.ps"
say "lp -d office sample.pdf   ($(wc -c <"$work/sample.pdf") bytes, 2 pages)"
id=$(lp -d office -t "Demo report" "$work/sample.pdf" |
  sed -n 's/^request id is office-\([0-9]*\) .*/\1/p')
echo "   request id is office-$id"
say "lpstat while job $id runs (each change):"
watch_job office "$id"
say "The completed job (lpstat -W completed -o office):"
lpstat -W completed -o office | indent
echo "   state in cupsd: $(job_state "$id")"
[ "$(job_state "$id")" = completed ] || die "job $id is $(job_state "$id")"
say "The backend's lines in cupsd's error_log (job $id; cupsd's levels: D debug, I info, W warning):"
backend_lines "$id" | indent
say "What LPRng received (its job ticket and data file):"
hf=$("$LPRNG_SH" jobs "$work/lprng" lp | head -n 1)
[ -n "$hf" ] || die "LPRng has no job"
grep -E '^(A|H|P|J|N|datafiles|hfdatafiles|size)=' "$hf" | indent
sent=$(backend_lines "$id" | sed -n 's/.*Job sent: \([0-9]*\) bytes.*/\1/p')
for df in "$(dirname "$hf")"/df*; do
  echo "   -- $(basename "$df"): $(wc -c <"$df") bytes (the backend reported ${sent:-?} sent)," \
    "PostScript from the filter chain:"
  [ "$(wc -c <"$df")" = "${sent:-}" ] || die "LPRng has $(wc -c <"$df") bytes, not ${sent:-?}"
  grep -a -E '^(%!PS|%%(Title|Creator|LanguageLevel):)' "$df" | head -n 4 | indent
done

# --- part 2: immediate mode against a server that refuses a zero byte count ----------------
nuri="lpr://127.0.0.1:$bport/lp"
say "Automatic fallback: lpadmin -p bsd -v $nuri -P cupslpr.ppd -o LprMode=Immediate"
lpadmin -p bsd -E -v "$nuri" -P "$ppd" -o LprMode=Immediate 2>&1 | indent
id2=$(lp -d bsd -t "Immediate demo" "$work/sample.pdf" |
  sed -n 's/^request id is bsd-\([0-9]*\) .*/\1/p')
echo "   request id is bsd-$id2"
for _ in $(seq 1 300); do
  case $(job_state "$id2") in completed | aborted | canceled | stopped) break ;; esac
  sleep 0.1
done
echo "   state in cupsd: $(job_state "$id2")"
[ "$(job_state "$id2")" = completed ] || die "job $id2 is $(job_state "$id2")"
say "The backend's lines for job $id2 (one WARNING, then the job goes spooled):"
backend_lines "$id2" | indent
nwarn=$(grep -F "[Job $id2] " "$work/cupsd/log/error_log" | grep -c '^W .*refused a data file of unknown size' || true)
echo "   WARNING lines: $nwarn"
[ "$nwarn" = 1 ] || die "$nwarn WARNING lines for job $id2, not 1"
say "What BSD lpd received (control file, data file with its exact size):"
cf=$("$BSDLPD_SH" jobs "$work/bsdlpd" lp | head -n 1)
[ -n "$cf" ] || die "BSD lpd has no job"
echo "   -- $(basename "$cf"):"
indent <"$cf"
sent=$(backend_lines "$id2" | sed -n 's/.*Job sent: \([0-9]*\) bytes.*/\1/p')
for df in "$(dirname "$cf")"/df*; do
  echo "   -- $(basename "$df"): $(wc -c <"$df") bytes (the backend reported ${sent:-?} sent)"
  [ "$(wc -c <"$df")" = "${sent:-}" ] || die "BSD lpd has $(wc -c <"$df") bytes, not ${sent:-?}"
done
echo "   The refusal is remembered, so later jobs to this queue go spooled at once:"
ls "$CUPSD_STATEDIR"/cache/cups-lpr-nozero-* 2>/dev/null | sed "s|^$work/|   |"

say "Done in $(( $(date +%s) - T0 )) s after the build; stopping cupsd and both servers, removing $work"
