#!/usr/bin/env python3
# checksrc.py - the checks behind tools/checksrc.sh (one finding per line, exit 1 if any).
#
# Copyright 2026 The cups-lpr authors
# SPDX-License-Identifier: Apache-2.0

import re
import sys

MAX_COLS = 100
MAX_FUNC = 80
BANNED = re.compile(r'\b(atoi|sprintf|vsprintf|strcpy|strcat)\s*\(')
FUNC_START = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*)\s*\(')


def strip(line, in_comment):
    """Return the line's code without strings, chars and comments, and the comment state."""
    out = []
    i = 0
    while i < len(line):
        if in_comment:
            j = line.find('*/', i)
            if j < 0:
                return ''.join(out), True
            i = j + 2
            in_comment = False
            continue
        c = line[i]
        if line.startswith('//', i):
            break
        if line.startswith('/*', i):
            in_comment = True
            i += 2
            continue
        if c in '"\'':
            q = c
            i += 1
            while i < len(line) and line[i] != q:
                i += 2 if line[i] == '\\' else 1
            i += 1
            out.append(q + q)
            continue
        out.append(c)
        i += 1
    return ''.join(out), in_comment


def statements(code):
    """Semicolons that end statements: not those inside for (...) headers."""
    count = 0
    depth = 0
    for_depth = []
    tokens = re.finditer(r'\b(?:for|struct|union)\b|[();{}]', code)
    pending_for = False
    pending_struct = False
    braces = []           # True for a struct/union body opened on this line
    for t in tokens:
        s = t.group(0)
        if s == 'for':
            pending_for = True
        elif s in ('struct', 'union'):
            pending_struct = True
        elif s == '{':
            braces.append(pending_struct)
            pending_struct = False
        elif s == '}':
            if braces:
                braces.pop()
        elif s == '(':
            depth += 1
            if pending_for:
                for_depth.append(depth)
                pending_for = False
        elif s == ')':
            if for_depth and for_depth[-1] == depth:
                for_depth.pop()
            depth -= 1
        elif s == ';' and not for_depth and not any(braces):
            count += 1
    return count


def check(path, findings):
    with open(path, encoding='utf-8', errors='replace') as f:
        lines = f.read().split('\n')
    in_comment = False
    func = None            # (name, start line of '{')
    for n, line in enumerate(lines, 1):
        if len(line) > MAX_COLS:
            findings.append(f'{path}:{n}: long line: {len(line)} columns')
        code, in_comment = strip(line, in_comment)
        m = BANNED.search(code)
        if m:
            findings.append(f'{path}:{n}: banned call: {m.group(1)}()')
        if statements(code) > 1 and not code.lstrip().startswith('#'):
            findings.append(f'{path}:{n}: more than one statement: {line.strip()[:60]}')
        if path.endswith('.c'):
            m = FUNC_START.match(line)
            rtype = lines[n - 2] if n >= 2 else ''
            if (m and not line.rstrip().endswith(';') and not rtype.startswith('#')
                    and re.match(r'^[A-Za-z_].*[A-Za-z0-9_*]\s*$', rtype)):
                name = m.group(1)
                k = n - 3                 # the comment block right above the return type
                while k >= 0 and lines[k].startswith('//'):
                    k -= 1
                header = '\n'.join(lines[k + 1:n - 2])
                if f"// '{name}()'" not in header:
                    findings.append(f"{path}:{n}: no header comment: {name}() needs "
                                    f"// '{name}()' - ...")
                func = (name, None)
            if func and func[1] is None and line.startswith('{'):
                func = (func[0], n)
            elif func and func[1] is not None and line.startswith('}'):
                length = n - func[1] - 1
                if length > MAX_FUNC:
                    findings.append(f'{path}:{func[1]}: function too long: {func[0]}() has '
                                    f'{length} lines (at most {MAX_FUNC})')
                func = None


def module(path):
    """A file's module: its name without directory, extension and a -private suffix."""
    name = path.rsplit('/', 1)[-1].rsplit('.', 1)[0]
    return name[:-len('-private')] if name.endswith('-private') else name


def include_cycles(paths, findings):
    """Modules that include each other, directly or through others (a.c/a.h -> b.h -> a.h)."""
    graph = {}
    for path in paths:
        mod = module(path)
        with open(path, encoding='utf-8', errors='replace') as f:
            for line in f:
                m = re.match(r'#\s*include\s+"([^"]+)\.h"', line)
                if m and module(m.group(1)) != mod:
                    graph.setdefault(mod, set()).add(module(m.group(1)))
    state = {}

    def visit(mod, stack):
        state[mod] = 1
        for dep in sorted(graph.get(mod, ())):
            if state.get(dep) == 1:
                cycle = stack[stack.index(dep):] + [dep]
                findings.append('include cycle: ' + ' -> '.join(cycle))
            elif dep not in state:
                visit(dep, stack + [dep])
        state[mod] = 2

    for mod in sorted(graph):
        if mod not in state:
            visit(mod, [mod])


def main():
    findings = []
    for path in sys.argv[1:]:
        check(path, findings)
    include_cycles(sys.argv[1:], findings)
    for f in findings:
        print(f)
    print(f'checksrc: {len(sys.argv) - 1} files, {len(findings)} findings')
    return 1 if findings else 0


if __name__ == '__main__':
    sys.exit(main())
