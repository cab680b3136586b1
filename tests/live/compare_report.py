#!/usr/bin/env python3
"""compare_report.py - checks for tests/live/record.sh.

  report CALLS WATCH REPORT  report's records equal watch's, field by field,
                             for every call modcall made (offline fields aside)
  tracecmd CALLS TEXT        trace-cmd report shows each call's enter and exit
  filter CALLS REPORT        exactly the calls with flags & 4

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


def tracecmd(calls, text):
    calls = load_calls(calls)
    lines = open(text).read().splitlines()
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
    print("%d calls in trace-cmd report" % len(calls))


def filt(calls, rep):
    calls, rep = load_calls(calls), load(rep)
    want = [c["tid"] for c in calls if c["event"] == "finit_module" and c["flags"] & 4]
    got = [r["tid"] for r in ours(rep, calls) if r["event"] == "finit_module"]
    if want != got:
        fail("filter kept %r, wanted %r" % (got, want))
    print("kept %d of %d" % (len(got), len(calls)))


if __name__ == "__main__":
    {"report": report, "tracecmd": tracecmd, "filter": filt}[sys.argv[1]](*sys.argv[2:])
