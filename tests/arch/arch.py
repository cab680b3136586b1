#!/usr/bin/env python3
"""arch.py - the code's shape rules, checked on the tree and the objects.

Usage: arch.py SRC_DIR OBJ_DIR

- no source file over 600 lines, no function over 60 lines (src/*.c)
- every public function is named finit_<area>_<verb>, declared in the
  header of its area (include/<area>.h) and defined in src/<area>.c, where
  an area may be several words (finit_event_init lives in event.c); the
  command layer's finit_cmd_<name> lives in src/cmd-<name>.c
- no two library modules depend on each other, directly or through others:
  the graph of the objects' defined and undefined symbols (nm) has no cycle
Prints every violation and exits 1 if there is any. Python 3 stdlib only.
"""
import os
import re
import subprocess
import sys

MAX_FILE = 600
MAX_FUNC = 60
FUNC_START = re.compile(r"^(?!static const|struct [a-z_]+ \{|enum|typedef|#)"
                        r"[A-Za-z_].*\b([a-z_][a-z0-9_]*)\(")


def functions(path):
    """(name, first line, length) of each function definition at file level."""
    lines = open(path, encoding="utf-8").read().split("\n")
    out, start, name = [], None, None
    for i, line in enumerate(lines):
        m = FUNC_START.match(line)
        if m and start is None and not line.rstrip().endswith(";"):
            start, name = i, m.group(1)
        elif line == "}" and start is not None:
            out.append((name, start + 1, i - start + 1))
            start = None
        elif start is not None and line.endswith(";") and not line.startswith(("\t", " ")):
            start = None        # a prototype spread over lines
    return out


def check_sizes(src, problems):
    for f in sorted(os.listdir(src)):
        if not f.endswith(".c"):
            continue
        path = os.path.join(src, f)
        n = sum(1 for _ in open(path, encoding="utf-8"))
        if n > MAX_FILE:
            problems.append(f"{f}: {n} lines (at most {MAX_FILE})")
        for name, line, length in functions(path):
            if length > MAX_FUNC:
                problems.append(f"{f}:{line}: {name}() is {length} lines (at most {MAX_FUNC})")


def symbols(obj):
    """(defined, undefined) global function symbols of one object."""
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in ("T", "D", "B", "R"):
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
    return defined, undefined


def check_names(objs, problems):
    for mod, (defined, _) in objs.items():
        for sym in sorted(defined):
            if not sym.startswith("finit_"):
                continue
            if mod.startswith("cmd-"):
                if sym != "finit_cmd_" + mod[4:].replace("-", "_"):
                    problems.append(f"{mod}.c: {sym} is not named for its file")
                continue
            area = mod.replace("-", "_")
            if not sym.startswith(f"finit_{area}_") and sym != f"finit_{area}":
                problems.append(f"{mod}.c: {sym} does not start with finit_{area}_")


def find_cycle(graph):
    """One cycle of the module graph as a list, or None."""
    state = {}

    def visit(node, path):
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if not state.get(nxt):
                cyc = visit(nxt, path + [nxt])
                if cyc:
                    return cyc
        state[node] = 2
        return None

    for node in sorted(graph):
        if not state.get(node):
            cyc = visit(node, [node])
            if cyc:
                return cyc
    return None


def check_cycles(objs, problems):
    owner = {}
    for mod, (defined, _) in objs.items():
        for sym in defined:
            owner[sym] = mod
    graph = {mod: {owner[s] for s in undefined if s in owner and owner[s] != mod}
             for mod, (_, undefined) in objs.items()}
    cyc = find_cycle(graph)
    if cyc:
        problems.append("module cycle: " + " -> ".join(cyc))


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    src, objdir = sys.argv[1], sys.argv[2]
    problems = []
    check_sizes(src, problems)
    objs = {}
    for f in sorted(os.listdir(objdir)):
        if f.endswith(".o") and f != "main.o" and os.path.exists(os.path.join(src, f[:-2] + ".c")):
            objs[f[:-2]] = symbols(os.path.join(objdir, f))
    check_names(objs, problems)
    check_cycles(objs, problems)
    for p in problems:
        print("arch: " + p)
    print(f"arch: {len(problems)} problem(s) in {len(objs)} modules")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
