#!/usr/bin/env python3
"""Assertions of the live tests: finit-ftrace output against modcall's own records.

    assert_events.py json|csv|text OUT EXPECTED --ppid P --uid U --gid G --exe PATH
                     [--nproc N] [--since NS --until NS]
    assert_events.py check-json FILE --tracefs DIR --kernel REL --machine M
    assert_events.py caret ERRFILE EXPR POS

EXPECTED holds one JSON line per call that must appear, in call order: modcall's
own record plus what the test knows besides (x_held: the caller stayed alive
until the tool had printed the event; x_path, x_len, x_sha256). --absent names
the tids of the test's other callers, whose calls must not appear. Lines of
other processes (this machine is shared) are ignored. Exit 0 when everything matches; otherwise print one
line with the mismatches (actual vs expected) and exit 1.

Held callers must match exactly, /proc fields included. For callers that exited
at once, the fields the tool reads from /proc may be null with origin
"unavailable" (the README's known limit), but are never wrong.

Strings are compared as bytes: the tool's exact bytes come from raw_b64 where
it has an entry (strict_json.exact), and every JSON line, other processes'
included, must be strict JSON (strict_json.loads). modcall's own records carry
the bytes it passed as they are, so they are read as latin-1 (one char a byte).
"""
import argparse
import calendar
import csv
import json
import os
import re
import sys

import strict_json

KERNEL_OR_PROCFS = ("kernel", "procfs")
FLAG_TABLES = {
    "finit_module": [(1, "MODULE_INIT_IGNORE_MODVERSIONS"),
                     (2, "MODULE_INIT_IGNORE_VERMAGIC"),
                     (4, "MODULE_INIT_COMPRESSED_FILE")],
    "delete_module": [(0o4000, "O_NONBLOCK"), (0o1000, "O_TRUNC")],
}
TIME_RE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{9})Z$")
TIME_PAT = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z"
HEX_RE = re.compile(r"^0x[0-9a-f]+$")
TOP_KEYS = ["schema_version", "time", "ts_ns", "cpu", "event", "pid", "tid", "comm", "compat", "args",
            "flags_names", "uargs_ptr", "ret", "errno", "module", "taints", "path",
            "sha256", "truncated", "ppid", "uid", "gid", "exe", "cgroup",
            "container_id", "origin", "raw_b64"]
ARGS_KEYS = {"finit_module": ["fd", "param_values", "flags"],
             "init_module": ["umod", "len", "param_values"],
             "delete_module": ["name", "flags"]}
RAW_KEYS = ["comm", "param_values", "name", "module", "path", "exe", "cgroup"]
ORIGIN_KEYS = ["pid", "tid", "comm", "args", "param_values", "ret", "module", "path",
               "sha256", "context"]
CSV_HEADER = ("time,ts_ns,cpu,event,pid,tid,comm,compat,fd,param_values,flags,"
              "flags_names,uargs_ptr,ret,errno,module,taints,path,sha256,truncated,"
              "ppid,uid,gid,exe,cgroup,container_id")
TIME_SLACK_NS = 2 * 10**9


class Mismatch:
    """Collects mismatches; the first few make the failure message."""

    def __init__(self):
        self.errors = []

    def eq(self, where, actual, expected):
        # bool is an int in Python: compare types too, so 0 != false
        if actual != expected or type(actual) is not type(expected):
            self.errors.append(f"{where} = {actual!r}, expected {expected!r}")

    def ok(self, where, cond, msg):
        if not cond:
            self.errors.append(f"{where}: {msg}")

    def finish(self, note=""):
        if not self.errors:
            return 0
        more = len(self.errors) - 6
        print("; ".join(self.errors[:6]) + (f"; ... {more} more" if more > 0 else "") + note)
        return 1


def flags_names(event, flags):
    table = FLAG_TABLES.get(event, [])
    names = [n for bit, n in table if flags & bit]
    rest = flags & ~sum(bit for bit, _ in table)
    if rest:
        names.append(f"0x{rest:x}")
    return names


def wall_ns(s):
    """RFC 3339 UTC with 9 fractional digits to ns since the epoch, or None."""
    m = TIME_RE.match(s) if isinstance(s, str) else None
    if not m:
        return None
    y, mo, d, h, mi, sec, frac = (int(x) for x in m.groups())
    return calendar.timegm((y, mo, d, h, mi, sec)) * 10**9 + frac


def read_text(path):
    """A text file: the tool's text and CSV are valid UTF-8 (C escapes)."""
    with open(path, encoding="utf-8") as f:
        return f.read()


def modcall_record(line):
    """modcall's JSON line; its strings (and x_path) as the exact bytes."""
    e = json.loads(line.decode("latin-1"))
    for k in ("comm", "param_values", "x_path"):
        if isinstance(e.get(k), str):
            e[k] = e[k].encode("latin-1")
    return e


def value(ev, key):
    """A field of the tool's record: strings as their exact bytes."""
    return strict_json.exact(ev, key) if key in RAW_KEYS else ev.get(key)


def own_cgroup():
    """The cgroup the tool must report for our callers: they share ours."""
    first = None
    for line in read_text("/proc/self/cgroup").splitlines():
        parts = line.split(":", 2)
        if len(parts) < 3:
            continue
        if line.startswith("0::"):
            return parts[2]
        first = first if first is not None else parts[2]
    return first


def container_id(cgroup):
    ids = re.findall(r"(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])", cgroup or "")
    return ids[-1] if ids else None


def load_expected(path):
    exp = [modcall_record(line) for line in strict_json.lines(path) if line.strip()]
    for e in exp:
        if e.get("ret") != -38 or e.get("errno") != "ENOSYS":
            sys.exit(f"modcall itself did not get ENOSYS: {e}")
    return exp


class Want:
    """What one caller's event must say, from its record and the test's knowledge."""

    def __init__(self, e, args):
        self.e = e
        self.event = e["event"]
        self.held = e.get("x_held", False)
        self.path = e.get("x_path")
        self.sha256 = e.get("x_sha256")
        self.ctx = {"ppid": args.ppid, "uid": args.uid, "gid": args.gid,
                    "exe": os.fsencode(args.exe),
                    "cgroup": args.cgroup.encode() if args.cgroup is not None else None,
                    "container_id": container_id(args.cgroup)}

    def string(self):
        """param_values, or delete_module's name: what modcall passed."""
        return self.e["param_values"]


def check_procfs(m, w, where, value, origin, want, known_origin="procfs"):
    """A field read from /proc: exact when held; exact or (null, unavailable) when not."""
    if want is None:
        m.eq(where, value, None)
        m.eq(f"{where} origin", origin, "unavailable")
    elif w.held or value is not None:
        m.eq(where, value, want)
        m.eq(f"{where} origin", origin, known_origin)
    else:
        m.eq(f"{where} origin", origin, "unavailable")


def check_id(m, w, where, value, origin, want):
    """pid and comm: the kernel's tables or /proc; null only for a caller gone at once."""
    if w.held or value is not None:
        m.eq(where, value, want)
        m.ok(f"{where} origin", origin in KERNEL_OR_PROCFS,
             f"{origin!r}, expected 'kernel' or 'procfs'")
    else:
        m.eq(f"{where} origin", origin, "unavailable")


def check_context(m, w, where, ev, o):
    if w.held or o.get("context") == "procfs":
        m.eq(f"{where}.origin.context", o.get("context"), "procfs")
        for k in ("ppid", "uid", "gid"):
            m.eq(f"{where}.{k}", ev.get(k), w.ctx[k])
        for k in ("exe", "cgroup", "container_id"):
            # a zombie's status is still readable, its exe link is not
            if w.held or ev.get(k) is not None:
                m.eq(f"{where}.{k}", value(ev, k), w.ctx[k])
    else:
        m.eq(f"{where}.origin.context", o.get("context"), "unavailable")
        for k in w.ctx:
            m.eq(f"{where}.{k}", ev.get(k), None)


def check_time(m, where, t, ts, args, offsets):
    ns = wall_ns(t)
    m.ok(f"{where}.time", ns is not None,
         f"{t!r} is not RFC 3339 UTC with 9 fractional digits")
    if ns is None:
        return
    if args.since is not None:
        lo, hi = args.since - TIME_SLACK_NS, args.until + TIME_SLACK_NS
        m.ok(f"{where}.time", lo <= ns <= hi,
             f"{t} is {(ns - args.since) / 1e9:+.3f}s from the test's start "
             f"(allowed -2s..{(hi - args.since) / 1e9:.3f}s)")
    if isinstance(ts, int):
        offsets.add(ns - ts)


def check_json_line(m, i, ev, w, args, offsets):
    e, wh = w.e, f"line {i + 1} ({w.event} pid {w.e['pid']})"
    g = ev.get
    o = g("origin") if isinstance(g("origin"), dict) else {}
    a = g("args") if isinstance(g("args"), dict) else {}
    m.eq(f"{wh} keys", list(ev), TOP_KEYS)
    m.eq(f"{wh} origin keys", list(o), ORIGIN_KEYS)
    m.eq(f"{wh} args keys", list(a), ARGS_KEYS[w.event])
    m.eq(f"{wh}.event", g("event"), w.event)
    m.eq(f"{wh}.tid", g("tid"), e["tid"])
    check_id(m, w, f"{wh}.pid", g("pid"), o.get("pid"), e["pid"])
    check_id(m, w, f"{wh}.comm", value(ev, "comm"), o.get("comm"), e["comm"])
    m.eq(f"{wh}.compat", g("compat"), False)
    m.eq(f"{wh}.ret", g("ret"), e["ret"])
    m.eq(f"{wh}.errno", g("errno"), e["errno"])
    for k in ("tid", "args", "ret"):
        m.eq(f"{wh}.origin.{k}", o.get(k), "kernel")
    m.eq(f"{wh}.taints", g("taints"), None)
    m.eq(f"{wh}.truncated", g("truncated"), False)
    up = g("uargs_ptr")
    m.ok(f"{wh}.uargs_ptr", isinstance(up, str) and HEX_RE.match(up) and up != "0x0",
         f"{up!r} is not a non-null 0x hex string")
    m.ok(f"{wh}.ts_ns", type(g("ts_ns")) is int and g("ts_ns") > 0,
         f"{g('ts_ns')!r} is not a positive integer")
    cpu = g("cpu")
    m.ok(f"{wh}.cpu", type(cpu) is int and 0 <= cpu < args.nproc,
         f"{cpu!r} is not an integer in [0, {args.nproc})")
    check_time(m, wh, g("time"), g("ts_ns"), args, offsets)
    check_context(m, w, wh, ev, o)

    if w.event == "delete_module":
        m.eq(f"{wh}.args.flags", a.get("flags"), e["flags"])
        m.eq(f"{wh}.flags_names", g("flags_names"), flags_names(w.event, e["flags"]))
        m.eq(f"{wh}.origin.param_values", o.get("param_values"), "unavailable")
        check_procfs(m, w, f"{wh}.module", value(ev, "module"), o.get("module"), w.string())
        m.eq(f"{wh}.args.name", value(ev, "name"), value(ev, "module"))
        check_raw(m, wh, ev, ("name", "module"), w.string())
    else:
        check_procfs(m, w, f"{wh}.args.param_values", value(ev, "param_values"),
                     o.get("param_values"), w.string())
        check_raw(m, wh, ev, ("param_values",), w.string())
        m.eq(f"{wh}.module", g("module"), None)
        m.eq(f"{wh}.origin.module", o.get("module"), "unavailable")
    if w.event == "finit_module":
        m.eq(f"{wh}.args.fd", a.get("fd"), e["fd"])
        m.eq(f"{wh}.args.flags", a.get("flags"), e["flags"])
        m.eq(f"{wh}.flags_names", g("flags_names"), flags_names(w.event, e["flags"]))
        check_procfs(m, w, f"{wh}.path", value(ev, "path"), o.get("path"), w.path)
        check_procfs(m, w, f"{wh}.sha256", g("sha256"), o.get("sha256"), w.sha256)
    else:
        for k in ("path", "sha256"):
            m.eq(f"{wh}.{k}", g(k), None)
            m.eq(f"{wh}.origin.{k}", o.get(k), "unavailable")
    if w.event == "init_module":
        umod = a.get("umod")
        m.ok(f"{wh}.args.umod", isinstance(umod, str) and HEX_RE.match(umod) and umod != "0x0",
             f"{umod!r} is not a non-null 0x hex string")
        m.eq(f"{wh}.args.len", a.get("len"), e["x_len"])
        m.eq(f"{wh}.flags_names", g("flags_names"), [])


def valid_utf8(b):
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def check_raw(m, wh, ev, keys, want):
    """raw_b64 has the string's keys exactly when its bytes are not valid UTF-8,
    and no entry for the other fields (all valid here)."""
    raw = ev.get("raw_b64") if isinstance(ev.get("raw_b64"), dict) else {}
    shown = want is not None and value(ev, keys[0]) is not None
    need = sorted(keys) if shown and not valid_utf8(want) else []
    m.eq(f"{wh} raw_b64 keys", sorted(raw), need)


def ours(m, rows, exp, key, absent):
    """Our callers' rows, in output order: exactly the expected ones (by tid)."""
    tids = {e["tid"] for e in exp} | absent
    mine = [r for r in rows if key(r) in tids]
    foreign = len(rows) - len(mine)
    got = [key(r) for r in mine]
    want = [e["tid"] for e in exp]
    m.ok("our callers' lines (by tid, in order)", got == want, f"{got}, expected {want}")
    note = f" ({foreign} line(s) of other processes ignored)" if foreign else ""
    return mine, note


def common_args(args):
    args.cgroup = own_cgroup()


def cmd_json(args):
    m = Mismatch()
    exp = load_expected(args.expected)
    evs = []
    for i, line in enumerate(strict_json.lines(args.out)):
        try:
            evs.append(strict_json.loads(line))
        except ValueError as e:
            m.ok(f"output line {i + 1}", False, f"not strict JSON ({e}): {line[:160]!r}")
            return m.finish()
    mine, note = ours(m, evs, exp, lambda ev: ev.get("tid"), args.absent)
    if m.errors:
        return m.finish(note)
    offsets = set()
    for i, (ev, e) in enumerate(zip(mine, exp)):
        check_json_line(m, i, ev, Want(e, args), args, offsets)
    ts = [ev.get("ts_ns") for ev in mine]
    m.ok("ts_ns order", ts == sorted(ts) and len(set(ts)) == len(ts),
         f"{ts} is not strictly increasing")
    m.ok("time - ts_ns", len(offsets) <= 1,
         f"the wall-clock offset differs between lines: {sorted(offsets)}")
    return m.finish(note)


def csv_or_empty(v):
    """A value as the CSV and text fields hold it (bytes: valid UTF-8 here)."""
    if isinstance(v, bytes):
        return v.decode("utf-8")
    return "" if v is None else str(v)


def cmd_csv(args):
    m = Mismatch()
    exp = load_expected(args.expected)
    lines = read_text(args.out).splitlines()
    m.eq("header", lines[0] if lines else None, CSV_HEADER)
    with open(args.out, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]
    cols = CSV_HEADER.split(",")
    bad = [r for r in rows if len(r) != len(cols)]
    m.ok("columns", not bad, f"rows without {len(cols)} columns: {bad[:2]}")
    if m.errors:
        return m.finish()
    rows = [dict(zip(cols, r)) for r in rows]
    mine, note = ours(m, rows, exp, lambda r: int(r["tid"]) if r["tid"].isdigit() else None,
                      args.absent)
    if m.errors:
        return m.finish(note)
    offsets = set()
    for i, (r, e) in enumerate(zip(mine, exp)):
        w, wh = Want(e, args), f"row {i + 1}"
        if not w.held or w.event != "finit_module":
            sys.exit("csv: only held finit_module callers are supported")
        want = {
            "event": "finit_module", "pid": str(e["pid"]), "tid": str(e["tid"]),
            "comm": "modcall", "compat": "false", "fd": str(e["fd"]),
            "param_values": c_escape(csv_or_empty(e["param_values"])), "flags": str(e["flags"]),
            "flags_names": "|".join(flags_names(w.event, e["flags"])),
            "ret": "-38", "errno": "ENOSYS", "module": "", "taints": "",
            "path": c_escape(csv_or_empty(w.path)), "sha256": "", "truncated": "false",
        }
        # CSV fields carry the text format's C escapes, then RFC 4180 quoting
        want.update({k: c_escape(csv_or_empty(v)) for k, v in w.ctx.items()})
        for k, v in want.items():
            m.eq(f"{wh}.{k}", r[k], v)
        m.ok(f"{wh}.uargs_ptr", HEX_RE.match(r["uargs_ptr"]) is not None,
             f"{r['uargs_ptr']!r} is not 0x hex")
        m.ok(f"{wh}.ts_ns", r["ts_ns"].isdigit(), f"{r['ts_ns']!r} is not an integer")
        m.ok(f"{wh}.cpu", r["cpu"].isdigit() and int(r["cpu"]) < args.nproc,
             f"{r['cpu']!r} is not an integer in [0, {args.nproc})")
        check_time(m, wh, r["time"], int(r["ts_ns"]) if r["ts_ns"].isdigit() else None,
                   args, offsets)
    return m.finish(note)


def c_escape(s):
    """The tool's text escaping for plain ASCII strings."""
    out = []
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7f:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return "".join(out)


def cmd_text(args):
    m = Mismatch()
    exp = load_expected(args.expected)
    lines = read_text(args.out).splitlines()
    tid_re = re.compile(r"^\S+ cpu\d+ .*?\[(?:\d+|\?)/(\d+)\]")
    mine, note = ours(m, lines, exp,
                      lambda l: int(tid_re.match(l).group(1)) if tid_re.match(l) else None,
                      args.absent)
    if m.errors:
        return m.finish(note)
    for i, (line, e) in enumerate(zip(mine, exp)):
        w = Want(e, args)
        if not w.held or w.event != "finit_module":
            sys.exit("text: only held finit_module callers are supported")
        fl = "|".join(flags_names(w.event, e["flags"])) or "0"
        tail = f' path="{c_escape(csv_or_empty(w.path))}"' if w.path else ""
        cid = w.ctx["container_id"]
        tail += f" container={cid}" if cid else ""
        want = (f"modcall[{e['pid']}/{e['tid']}] finit_module(fd={e['fd']}, "
                f'param_values="{c_escape(csv_or_empty(e["param_values"]))}", flags={fl}) '
                f'= -38 ENOSYS{tail}')
        mt = re.match(rf"^({TIME_PAT}) cpu(\d+) (.*)$", line)
        m.ok(f"line {i + 1}", mt is not None, f"{line!r} does not start with 'TIME cpuN '")
        if not mt:
            continue
        m.eq(f"line {i + 1} after 'TIME cpuN '", mt.group(3), want)
        m.ok(f"line {i + 1} cpu", int(mt.group(2)) < args.nproc,
             f"cpu{mt.group(2)} is not in [0, {args.nproc})")
        check_time(m, f"line {i + 1}", mt.group(1), None, args, set())
    return m.finish(note)


def cmd_check_json(args):
    m = Mismatch()
    try:
        [line] = strict_json.lines(args.file)
        c = strict_json.loads(line)
    except ValueError as e:
        print(f"check --format json is not one line of strict JSON: {e}")
        return 1
    ev = c.get("events", {})
    m.eq("capture_path", c.get("capture_path"), "raw_syscalls")
    m.eq("string_tier", c.get("string_tier"), 4)
    m.eq("string_tier_name", c.get("string_tier_name"), "procfs")
    m.eq("root", c.get("root"), True)
    m.eq("tracefs", c.get("tracefs"), args.tracefs)
    m.eq("mounted_by_us", c.get("mounted_by_us"), False)
    m.eq("kernel", c.get("kernel"), args.kernel)
    m.eq("machine", c.get("machine"), args.machine)
    m.eq('events."raw_syscalls:sys_enter"', ev.get("raw_syscalls:sys_enter"), True)
    m.eq('events."raw_syscalls:sys_exit"', ev.get("raw_syscalls:sys_exit"), True)
    m.eq('events."syscalls:sys_enter_finit_module"',
         ev.get("syscalls:sys_enter_finit_module"), False)
    m.eq('events."syscalls:sys_exit_finit_module"',
         ev.get("syscalls:sys_exit_finit_module"), False)
    m.eq('events."module:module_load"', ev.get("module:module_load"), False)
    m.eq("compat_path", c.get("compat_path"), "raw_syscalls")
    m.eq("selftest", c.get("selftest"), {"capture-path": "ok", "procfs": "ok"})
    m.eq("raw_b64", c.get("raw_b64"), {})
    return m.finish()


def cmd_caret(args):
    """The expression is echoed and a caret line points at offset POS in it."""
    m = Mismatch()
    lines = read_text(args.errfile).splitlines()
    echo = [i for i, l in enumerate(lines) if args.expr in l]
    m.ok("stderr", echo, f"does not contain the expression {args.expr!r}: {lines}")
    if not echo:
        return m.finish()
    i = echo[-1]
    caret = lines[i + 1] if i + 1 < len(lines) else ""
    m.ok("caret line", re.match(r"^ *\^$", caret) is not None,
         f"line after the expression is {caret!r}, expected spaces and '^'")
    if caret.endswith("^"):
        m.eq("caret offset in the expression", caret.index("^") - lines[i].index(args.expr),
             args.pos)
    return m.finish()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("json", "csv", "text"):
        s = sub.add_parser(name)
        s.add_argument("out")
        s.add_argument("expected")
        s.add_argument("--ppid", type=int, required=True)
        s.add_argument("--uid", type=int, required=True)
        s.add_argument("--gid", type=int, required=True)
        s.add_argument("--exe", required=True)
        s.add_argument("--nproc", type=int, default=1 << 20)
        s.add_argument("--absent", default="",
                       help="tids of our other callers: none of their calls may appear")
        s.add_argument("--since", type=int)
        s.add_argument("--until", type=int)
    s = sub.add_parser("check-json")
    s.add_argument("file")
    s.add_argument("--tracefs", required=True)
    s.add_argument("--kernel", required=True)
    s.add_argument("--machine", required=True)
    s = sub.add_parser("caret")
    s.add_argument("errfile")
    s.add_argument("expr")
    s.add_argument("pos", type=int)
    args = p.parse_args()
    if getattr(args, "since", None) is not None and args.until is None:
        p.error("--since needs --until")
    if args.cmd in ("json", "csv", "text"):
        common_args(args)
        args.absent = {int(t) for t in args.absent.split(",") if t}
    return {"json": cmd_json, "csv": cmd_csv, "text": cmd_text,
            "check-json": cmd_check_json, "caret": cmd_caret}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
