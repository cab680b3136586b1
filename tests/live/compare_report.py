#!/usr/bin/env python3
"""compare_report.py - checks for tests/live/record.sh.

  report CALLS WATCH REPORT  report's records equal watch's, field by field,
                             for every call modcall made (offline fields aside)
  tracecmd CALLS TEXT [FROM TO]
                             trace-cmd report shows each call's enter and exit,
                             and no "unknown option"; with FROM and TO (seconds
                             since the epoch), at a wall time in [FROM-1, TO+1]
                             printed as seconds.fraction
  filter CALLS REPORT        exactly the calls with flags & 4
  kshark CALLS ENTRIES TEXT FROM TO
                             libkshark (tests/helpers/kshark-count.c) loaded
                             as many records as trace-cmd report printed in
                             TEXT, each call's enter and exit among them, at
                             wall times (ns) in [FROM-1, TO+1] seconds

The tool's JSON must be strict on every line (strict_json.loads).
"""
import re
import sys

import strict_json
from assert_events import modcall_record

# The fields that must be identical live and offline.
SAME = ["event", "tid", "compat", "flags_names", "uargs_ptr", "ret", "errno"]


def load(path):
    """The tool's JSON lines; a line that is not strict JSON fails."""
    out = []
    for n, line in enumerate(strict_json.lines(path), 1):
        try:
            out.append(strict_json.loads(line))
        except ValueError as e:
            fail("%s:%d: not strict JSON (%s): %r" % (path, n, e, line[:160]))
    return out


def load_calls(path):
    """modcall's records (strings as bytes)."""
    return [modcall_record(line) for line in strict_json.lines(path) if line.strip()]


def ours(records, calls):
    tids = {c["tid"] for c in calls}
    return [r for r in records if r["tid"] in tids]


def fail(msg):
    print(msg)
    sys.exit(1)


def report(calls, watch, rep):
    calls, watch, rep = load_calls(calls), load(watch), load(rep)
    w, r = ours(watch, calls), ours(rep, calls)
    if len(calls) != 5 or len(w) != len(calls) or len(r) != len(calls):
        fail("counts: calls %d, watch %d, report %d" % (len(calls), len(w), len(r)))
    for c, a, b in zip(calls, w, r):
        for k in SAME:
            if a[k] != b[k]:
                fail("tid %d: %s watch=%r report=%r" % (c["tid"], k, a[k], b[k]))
        if a["args"].get("fd") != b["args"].get("fd") or \
           a["args"].get("flags") != b["args"].get("flags"):
            fail("tid %d: args watch=%r report=%r" % (c["tid"], a["args"], b["args"]))
        if b["ret"] != c["ret"] or b["event"] != c["event"]:
            fail("tid %d: report %r vs modcall %r" % (c["tid"], b, c))
        # /proc fields are not in a file: null, and the origin says why
        if b["origin"]["path"] != "unavailable-offline" and b["event"] == "finit_module":
            fail("tid %d: path origin %r" % (c["tid"], b["origin"]["path"]))
        if b["args"].get("param_values") is not None:
            fail("tid %d: param_values offline %r" % (c["tid"], b["args"]))
        # comm and pid: the file keeps what the kernel's tables told record
        # (which resolved them on its own, like watch), never what /proc did:
        # the same value from the kernel, or null offline; never another value
        for k in ("comm", "pid"):
            ok = (b[k] == a[k] and b["origin"][k] == "kernel") or \
                 (b[k] is None and b["origin"][k] == "unavailable-offline")
            if not ok:
                fail("tid %d: %s watch %r (%s), report %r (%s)" % (
                    c["tid"], k, a[k], a["origin"][k], b[k], b["origin"][k]))
        if b["origin"]["context"] != "unavailable-offline":
            fail("tid %d: context origin %r" % (c["tid"], b["origin"]["context"]))
    # the held call had its string in watch, from /proc
    if strict_json.exact(w[0], "param_values") != calls[0]["param_values"] or \
       w[0]["origin"]["param_values"] != "procfs":
        fail("watch did not read the held string: %r" % w[0]["args"])
    print("%d calls equal" % len(r))


def tracecmd(calls, text, start=None, end=None):
    calls = load_calls(calls)
    lines = open(text).read().splitlines()
    if any("unknown option" in l for l in lines):
        fail("trace-cmd report says: %r" % [l for l in lines if "unknown option" in l][0])
    nr = {"finit_module": 313, "init_module": 175, "delete_module": 176}
    for c in calls:
        ent = [l for l in lines if re.search(r"-%d +\[" % c["tid"], l) and
               "sys_enter:" in l and "NR %d (" % nr[c["event"]] in l]
        ext = [l for l in lines if re.search(r"-%d +\[" % c["tid"], l) and
               "sys_exit:" in l and "NR %d = %d" % (nr[c["event"]], c["ret"]) in l]
        if len(ent) != 1 or len(ext) != 1:
            fail("tid %d: %d enter and %d exit lines in trace-cmd report" %
                 (c["tid"], len(ent), len(ext)))
        if c["event"] == "finit_module" and \
           not re.search(r"NR 313 \(%x, [0-9a-f]+, %x," % (c["fd"], c["flags"]), ent[0]):
            fail("tid %d: trace-cmd shows %r" % (c["tid"], ent[0]))
        for l in (ent[0], ext[0]) if start else ():
            ts = re.search(r"\] +([0-9]+\.[0-9]{6,9}): ", l)
            if not ts or not float(start) - 1 <= float(ts.group(1)) <= float(end) + 1:
                fail("tid %d: not a wall time in [%s, %s] in seconds: %r" %
                     (c["tid"], start, end, l))
    print("%d calls in trace-cmd report%s" % (len(calls), ", at wall times" if start else ""))


def filt(calls, rep):
    calls, rep = load_calls(calls), load(rep)
    want = [c["tid"] for c in calls if c["event"] == "finit_module" and c["flags"] & 4]
    got = [r["tid"] for r in ours(rep, calls) if r["event"] == "finit_module"]
    if want != got:
        fail("filter kept %r, wanted %r" % (got, want))
    print("kept %d of %d" % (len(got), len(calls)))


def kshark(calls, entries, text, start, end):
    calls = load_calls(calls)
    ents = [l.split() for l in open(entries).read().splitlines()]
    tc = [l for l in open(text).read().splitlines() if re.search(r"\] +[0-9.]+: +\S+:", l)]
    if len(ents) != len(tc):
        fail("libkshark loaded %d records, trace-cmd report printed %d" % (len(ents), len(tc)))
    for c in calls:
        for ev in ("raw_syscalls/sys_enter", "raw_syscalls/sys_exit"):
            mine = [e for e in ents if int(e[2]) == c["tid"] and e[3] == ev]
            if len(mine) != 1:
                fail("tid %d: %d %s entries in libkshark" % (c["tid"], len(mine), ev))
            if not float(start) - 1 <= int(mine[0][0]) / 1e9 <= float(end) + 1:
                fail("tid %d: libkshark time %s is not the wall time" % (c["tid"], mine[0][0]))
    print("%d records, %d calls, at wall times" % (len(ents), len(calls)))


if __name__ == "__main__":
    {"report": report, "tracecmd": tracecmd, "filter": filt,
     "kshark": kshark}[sys.argv[1]](*sys.argv[2:])
