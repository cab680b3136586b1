#!/usr/bin/env python3
# check-man.py - the man pages are lint-clean and list exactly the options
# each command's --help lists, and finit-ftrace.ini(5) every config key.
#
# Usage: FINIT=./finit-ftrace check-man.py MANDIR [CONFIG]
import os
import re
import subprocess
import sys

MANDIR = sys.argv[1]
CONFIG = sys.argv[2] if len(sys.argv) > 2 else "configs/finit-ftrace.ini"
FINIT = os.environ.get("FINIT", "./finit-ftrace")
failures = []


def fail(msg):
    """fail - note one failure"""
    failures.append(msg)
    print("check-man: FAIL: " + msg, file=sys.stderr)


def run(*argv):
    """run - stdout and stderr of argv (no shell)"""
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, check=False)
    return p.returncode, p.stdout, p.stderr


def help_options(text):
    """help_options - {(short, long, takes an argument)} from --help"""
    return {(m[0], m[1], bool(m[2])) for m in
            re.findall(r"^  -(\w), --([\w-]+)( [A-Z]+)?", text, re.M)}


def man_options(path):
    """man_options - {(short, long, takes an argument)} from the .It lines"""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return {(m[0], m[1], bool(m[2])) for m in
            re.findall(r"^\.It Fl (\w) , Fl \\-([\w-]+)( Ar \S+)?$", text, re.M)}


def lint(path):
    """lint - mandoc -T lint and groff -ww say nothing about the page"""
    rc, out, err = run("mandoc", "-T", "lint", "-W", "warning", path)
    if rc != 0 or out or err:
        fail(f"mandoc -T lint {path}: {(out + err).strip() or 'exit %d' % rc}")
    rc, out, err = run("groff", "-ww", "-z", "-mandoc", path)
    if rc != 0 or out or err:
        fail(f"groff -ww -z {path}: {(out + err).strip() or 'exit %d' % rc}")


def compare(what, page, helped):
    """compare - the page of `what` lists what its --help lists"""
    if not os.path.exists(page):
        fail(f"{what}: no man page {page}")
        return
    manned = man_options(page)
    for o in sorted(helped - manned):
        fail(f"{what}: --help has -{o[0]}, --{o[1]}{' ARG' if o[2] else ''}, {page} does not")
    for o in sorted(manned - helped):
        fail(f"{what}: {page} has -{o[0]}, --{o[1]}{' ARG' if o[2] else ''}, --help does not")
    if not helped:
        fail(f"{what}: --help lists no option (parser out of date?)")
    print(f"check-man: {what}: {len(helped)} option(s) agree with {page}")


def config_keys():
    """config_keys - every key of the documented config file"""
    with open(CONFIG, encoding="utf-8") as f:
        return set(re.findall(r"^(\w+)\s*=", f.read(), re.M))


def main():
    """main - lint every page, then compare each command with its page"""
    pages = sorted(os.path.join(MANDIR, p) for p in os.listdir(MANDIR)
                   if re.search(r"\.[58]$", p))
    if not pages:
        fail(f"no man pages in {MANDIR}")
    for p in pages:
        lint(p)
    rc, top, _ = run(FINIT, "--help")
    if rc != 0:
        fail(f"{FINIT} --help: exit {rc}")
    compare("finit-ftrace", os.path.join(MANDIR, "finit-ftrace.8"), help_options(top))
    cmds = re.findall(r"^  (\w+)\s{2,}", top.split("Commands:", 1)[-1].split("Options:")[0], re.M)
    if len(cmds) < 5:
        fail(f"--help lists {len(cmds)} command(s): {cmds}")
    want = {os.path.join(MANDIR, "finit-ftrace.8"), os.path.join(MANDIR, "finit-ftrace.ini.5")}
    for c in cmds:
        rc, text, _ = run(FINIT, c, "--help")
        if rc != 0:
            fail(f"{FINIT} {c} --help: exit {rc}")
        page = os.path.join(MANDIR, f"finit-ftrace-{c}.8")
        want.add(page)
        compare(c, page, help_options(text))
    for p in sorted(set(pages) - want):
        fail(f"{p}: no command of that name in --help")
    ini = os.path.join(MANDIR, "finit-ftrace.ini.5")
    with open(ini, encoding="utf-8") as f:
        documented = set(re.findall(r"^\.It Cm (\w+) No =", f.read(), re.M))
    for k in sorted(config_keys() ^ documented):
        fail(f"key {k}: in {'only ' + CONFIG if k not in documented else 'only ' + ini}")
    print(f"check-man: {len(documented)} config key(s) agree with {ini}")
    if failures:
        sys.exit(f"check-man: {len(failures)} failure(s)")
    print(f"check-man: PASS ({len(pages)} pages)")


main()
