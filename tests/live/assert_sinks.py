#!/usr/bin/env python3
"""assert_sinks.py - what reached the syslog and journal sinks, and a rotation.

    assert_sinks.py syslog JSON DGRAMS --facility N --tids T,...
    assert_sinks.py journal JSON DGRAMS --tids T,...
    assert_sinks.py rotation OLD NEW --tids T,...

JSON is the file sink's output of the same run (--format json), DGRAMS what
sockrecv.py received (base64 lines). --tids are our callers' tids, in call
order; other processes' calls (a shared machine) are ignored.

syslog: one message per call, "<PRI>TIMESTAMP finit-ftrace[PID]: LINE", PRI
of the facility and the event's priority, LINE byte for byte the JSON line.
journal: one entry per call in the native protocol: MESSAGE (the text line),
PRIORITY, SYSLOG_IDENTIFIER, MESSAGE_ID of the event kind, and FINIT_<KEY>
for every non-null key of the JSON record (args flattened, objects and
arrays as compact JSON), no other field.
rotation: each call exactly once in OLD + NEW, OLD's before NEW's, both
files non-empty.

Every JSON line must be strict and valid against the schema (strict_json).
Exit 0, or print the mismatches and exit 1.
"""
import argparse
import base64
import json
import re
import sys

import strict_json

MESSAGE_IDS = {
    "finit_module": "f439a48dc3104c8f9a4bd19556f8c126",
    "init_module": "93e5fc174f3f4d3499894b4c9432bcb0",
    "delete_module": "4a4c607c85d7494a823f0f4c239ecf12",
    "module_free": "da76f0ff8ce54fb9a85c83431f0b8421",
    "module_load": "e23ec3bb2038459ca538d6f5f3558f73",
}
LOG_WARNING, LOG_NOTICE = 4, 5


def records(path):
    """The strict, schema-valid records of a JSON Lines file: (raw line, object)."""
    return [(line, strict_json.loads(line)) for line in strict_json.lines(path)]


def datagrams(path):
    with open(path) as f:
        return [base64.b64decode(line) for line in f if line.strip()]


def priority(rec):
    """notice, or warning for a load that failed."""
    load = rec["event"] in ("finit_module", "init_module")
    failed = isinstance(rec["ret"], int) and rec["ret"] < 0 and rec["origin"]["ret"] == "kernel"
    return LOG_WARNING if load and failed else LOG_NOTICE


def by_tid(recs, tids):
    """Our callers' records by tid; errors for one missing or seen twice."""
    errors, out = [], {}
    for line, rec in recs:
        if rec["tid"] in tids:
            if rec["tid"] in out:
                errors.append(f"tid {rec['tid']} twice")
            out[rec["tid"]] = (line, rec)
    missing = [t for t in tids if t not in out]
    if missing:
        errors.append(f"no record of tid(s) {missing}")
    return out, errors


def cmd_syslog(a):
    recs, errors = by_tid(records(a.json), a.tids)
    seen = set()
    for d in datagrams(a.dgrams):
        m = re.match(rb"^<(\d+)>.*? finit-ftrace\[\d+\]: (.*)$", d, re.S)
        if not m:
            errors.append(f"not a syslog message of ours: {d[:120]!r}")
            continue
        try:
            rec = strict_json.loads(m.group(2))
        except ValueError as e:
            errors.append(f"message is not a valid record ({e}): {m.group(2)[:120]!r}")
            continue
        if rec["tid"] not in recs:
            continue
        line, want = recs[rec["tid"]]
        seen.add(rec["tid"])
        if m.group(2) != line:
            errors.append(f"tid {rec['tid']}: message {m.group(2)[:80]!r}… is not the JSON line")
        pri = int(m.group(1))
        if pri != a.facility * 8 + priority(want):
            errors.append(f"tid {rec['tid']}: PRI {pri}, expected facility {a.facility} "
                          f"severity {priority(want)}")
    errors += [f"tid {t}: no syslog message" for t in a.tids if t not in seen]
    return report(errors)


def native(d):
    """The fields of one native-protocol datagram."""
    fields, i = {}, 0
    while i < len(d):
        nl = d.index(b"\n", i)
        line = d[i:nl]
        if b"=" in line:
            k, v = line.split(b"=", 1)
            i = nl + 1
        else:
            n = int.from_bytes(d[nl + 1:nl + 9], "little")
            k, v = line, d[nl + 9:nl + 9 + n]
            i = nl + 9 + n + 1
        if k.decode() in fields:
            raise ValueError(f"field {k!r} twice")
        fields[k.decode()] = v
    return fields


def flatten(rec):
    """The FINIT_<KEY> fields a record must give: bytes by name."""
    out = {}
    for k, v in rec.items():
        items = v.items() if k == "args" else [(k, v)]
        for key, val in items:
            if val is None:
                continue
            if isinstance(val, bool):
                text = "true" if val else "false"
            elif isinstance(val, (dict, list)):
                text = json.dumps(val, separators=(",", ":"), ensure_ascii=False)
            else:
                text = str(val)
            out["FINIT_" + key.upper()] = text.encode()
    return out


def journal_entry(tid, f, line, rec):
    """The mismatches of one entry against its record."""
    errors = []
    want = {"PRIORITY": str(priority(rec)).encode(), "SYSLOG_IDENTIFIER": b"finit-ftrace",
            "MESSAGE_ID": MESSAGE_IDS[rec["event"]].encode()}
    want.update(flatten(rec))
    for k, v in want.items():
        if f.get(k) != v:
            errors.append(f"tid {tid}: {k}={f.get(k)!r}, expected {v!r}")
    extra = set(f) - set(want) - {"MESSAGE"}
    if extra:
        errors.append(f"tid {tid}: unexpected field(s) {sorted(extra)}")
    msg = f.get("MESSAGE", b"")
    if f"/{tid}] {rec['event']}(".encode() not in msg or b"\n" in msg:
        errors.append(f"tid {tid}: MESSAGE {msg!r} is not its text line")
    return errors


def cmd_journal(a):
    recs, errors = by_tid(records(a.json), a.tids)
    seen = []
    for d in datagrams(a.dgrams):
        try:
            f = native(d)
        except (ValueError, IndexError) as e:
            errors.append(f"not the native protocol ({e}): {d[:120]!r}")
            continue
        tid = int(f.get("FINIT_TID", b"-1"))
        if tid not in recs:
            continue
        seen.append(tid)
        errors += journal_entry(tid, f, *recs[tid])
    if seen != a.journal_tids:
        errors.append(f"journal entries of tids {seen}, expected {a.journal_tids}")
    return report(errors)


def cmd_rotation(a):
    old = [rec["tid"] for _, rec in records(a.old) if rec["tid"] in a.tids]
    new = [rec["tid"] for _, rec in records(a.new) if rec["tid"] in a.tids]
    errors = []
    if old + new != a.tids:
        errors.append(f"old file {old} + new file {new} is not every call once, in order "
                      f"{a.tids}")
    if not old or not new:
        errors.append(f"{len(old)} line(s) before the rename, {len(new)} after: "
                      f"the rotation was not in the middle")
    return report(errors)


def report(errors):
    if errors:
        print("; ".join(errors[:6]) + (f"; ... {len(errors) - 6} more" if len(errors) > 6 else ""))
        return 1
    return 0


def tids(s):
    return [int(t) for t in s.split(",") if t]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("syslog")
    s.add_argument("json")
    s.add_argument("dgrams")
    s.add_argument("--facility", type=int, required=True)
    s.add_argument("--tids", type=tids, required=True)
    s = sub.add_parser("journal")
    s.add_argument("json")
    s.add_argument("dgrams")
    s.add_argument("--tids", type=tids, required=True)
    s.add_argument("--journal-tids", type=tids, required=True,
                   help="the calls made while the journal listened")
    s = sub.add_parser("rotation")
    s.add_argument("old")
    s.add_argument("new")
    s.add_argument("--tids", type=tids, required=True)
    a = p.parse_args()
    return {"syslog": cmd_syslog, "journal": cmd_journal, "rotation": cmd_rotation}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
