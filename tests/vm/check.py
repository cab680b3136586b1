#!/usr/bin/env python3
"""check.py - host-side assertions on the VM test's results (tests/vm/out/).

Usage: check.py OUTDIR

Reads what guest-init.sh left in OUTDIR and compares finit-ftrace's output
field by field with (a) what the scenario expects, (b) what modcall and
busybox say they did and (c) what trace-cmd recorded at the same time.
Prints every mismatch and exits 1 when there is any. Python 3 stdlib only.

The scenario tables below mirror phase1_steps/filter_steps in guest-init.sh;
the step names the guest wrote to steps.log must equal them.
"""
import json
import os
import re
import sys

# Errnos by number (x86-64), for the values the scenario produces.
ERRNO = {1: "EPERM", 2: "ENOENT", 8: "ENOEXEC", 9: "EBADF", 12: "ENOMEM",
         14: "EFAULT", 16: "EBUSY", 17: "EEXIST", 22: "EINVAL", 26: "ETXTBSY",
         27: "EFBIG", 38: "ENOSYS", 95: "EOPNOTSUPP", 129: "EKEYREJECTED"}
FLAG_NAMES = [(1, "MODULE_INIT_IGNORE_MODVERSIONS"),
              (2, "MODULE_INIT_IGNORE_VERMAGIC"),
              (4, "MODULE_INIT_COMPRESSED_FILE")]

# Fields this version of finit-ftrace may still leave null (matched on the
# last part of the name: "param_values" covers args.param_values). A non-null
# value is checked exactly anyway; deleting a name here makes null a failure
# too: one line per field once the tool fills it every time.
MAY_BE_NULL = {"param_values", "module", "path"}

# Events other than finit_module (init_module, delete_module, module_free,
# see `watch -e`) are expected exactly as listed in the steps' `extra`.
# False: ignore every event that is not finit_module.
CHECK_OTHER_KINDS = True

MODDIR = "/lib/modules/{kver}/kernel/drivers/"


def flags_names(flags):
    """Expected flags_names: known bits by name, the rest as one hex string."""
    names = [n for bit, n in FLAG_NAMES if flags & bit]
    rest = flags & ~7
    if rest:
        names.append(hex(rest))
    return names


class Step:
    """One scenario step and the events it should produce.

    src: "modcall" (expected values also in modcall's own JSON lines),
         "insmod"/"rmmod" (busybox applet; pid from busybox.jsonl).
    file: module file under MODDIR (None: no file, e.g. a closed fd).
    calls: how many finit_module calls the step makes.
    module: the module name a successful load reports (None otherwise).
    rc: the busybox applet's expected exit status.
    extra: events of other kinds the same process causes after its
           finit_module calls: [(event, {dotted field: value})]; a value
           "@veth.ko.len" is read from that file in OUTDIR.
    """

    def __init__(self, name, src, file=None, params="", flags=0, fd=3,
                 ret=0, calls=1, module=None, rc=0, extra=()):
        self.name, self.src, self.file = name, src, file
        self.params, self.flags, self.fd, self.ret = params, flags, fd, ret
        self.calls, self.module, self.rc = calls, module, rc
        self.extra = list(extra)


# Phase 1: finit-ftrace watch (no filter) and trace-cmd record both running.
# busybox insmod joins its parameters with a space after each one.
SCENARIO = [
    Step("insmod-loop", "insmod", "block/loop.ko", "max_loop=4 max_part=2 ",
         module="loop"),
    Step("brd-params-spaces", "modcall", "block/brd.ko",
         "rd_nr=1 rd_size=1024 max_part=1", module="brd"),
    Step("tun-empty-params", "modcall", "net/tun.ko", "", module="tun"),
    Step("tun-again-eexist", "modcall", "net/tun.ko", "", fd=9, ret=-17),
    Step("dummy-flags-8-einval", "modcall", "net/dummy.ko", "", flags=8,
         ret=-22),
    Step("nlmon-flags-3", "modcall", "net/nlmon.ko", "", flags=3,
         module="nlmon"),
    # Debian's 6.1 has no CONFIG_MODULE_DECOMPRESS: the kernel refuses flag 4.
    Step("veth-xz-compressed-flag", "modcall", "net/veth.ko.xz", "", flags=4,
         ret=-95),
    # busybox: finit_module on the .xz fails (not ELF), then init_module works.
    Step("insmod-veth-xz", "insmod", "net/veth.ko.xz", "", ret=-8,
         extra=[("init_module", {"args.len": "@veth.ko.len",
                                 "args.param_values": "", "ret": 0,
                                 "errno": None, "module": "veth"})]),
    # busybox rmmod: delete_module("brd", O_NONBLOCK|O_EXCL); O_EXCL (0x80)
    # means nothing to delete_module, so it is an unnamed bit.
    Step("rmmod-brd", "rmmod", calls=0,
         extra=[("delete_module", {"args.name": "brd", "args.flags": 0x880,
                                   "flags_names": ["O_NONBLOCK", "0x80"],
                                   "ret": 0, "errno": None, "module": "brd"}),
                ("module_free", {"module": "brd"})]),
    Step("brd-reload", "modcall", "block/brd.ko", "rd_nr=2", module="brd"),
    Step("closed-fd-ebadf", "modcall", None, "", fd=42, ret=-9),
    Step("tun-repeat-2", "modcall", "net/tun.ko", 'x="a b" y', ret=-17,
         calls=2),
]

# Phase 2: watch -f 'flags == 8'; FILTER_KEEP lists the steps whose calls pass.
FILTER_SCENARIO = [
    Step("f-dummy-flags-8", "modcall", "net/dummy.ko", "", flags=8, ret=-22),
    Step("f-tun-eexist", "modcall", "net/tun.ko", "", ret=-17),
    Step("f-closed-fd-flags-8", "modcall", None, "p=1", flags=8, fd=42,
         ret=-22),
    Step("f-insmod-ifb", "insmod", "net/ifb.ko", "numifbs=0 ", module="ifb"),
    Step("f-flags-9", "modcall", None, "", flags=9, fd=42, ret=-22),
]
FILTER_KEEP = {"f-dummy-flags-8", "f-closed-fd-flags-8"}

# What `finit-ftrace check --format json` must say about Debian's 6.1 kernel.
CHECK_EXPECT = {
    "capture_path": "syscalls",
    "events.syscalls:sys_enter_finit_module": True,
    "events.syscalls:sys_exit_finit_module": True,
    "events.module:module_load": True,
    "events.raw_syscalls:sys_enter": True,
    "eprobe": True,
    "kprobe": True,   # CONFIG_KPROBE_EVENTS=y
    "btf": True,      # CONFIG_DEBUG_INFO_BTF=y
    "dynamic_events": True,
    "uargs_field": False,  # 6.1's sys_enter_finit_module has no __uargs_val
}

FINIT_KEYS = ["time", "ts_ns", "cpu", "event", "pid", "tid", "comm", "args",
              "flags_names", "uargs_ptr", "ret", "errno", "module", "path",
              "origin"]
COMMON_KEYS = ["time", "ts_ns", "cpu", "event", "pid", "tid", "comm", "args",
               "origin"]

errors = []


def err(msg):
    errors.append(msg)


def read(out, name):
    try:
        with open(os.path.join(out, name), encoding="utf-8",
                  errors="replace") as f:
            return f.read()
    except OSError as e:
        err(f"{name}: cannot read ({e.strerror})")
        return None


def read_jsonl(out, name):
    text = read(out, name)
    if text is None:
        return []
    objs = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            err(f"{name}:{n}: empty line")
            continue
        try:
            obj = json.loads(line)
        except ValueError as e:
            err(f"{name}:{n}: not JSON ({e}): {line!r}")
            continue
        if not isinstance(obj, dict):
            err(f"{name}:{n}: not a JSON object: {line!r}")
            continue
        obj["_line"] = f"{name}:{n}"
        obj["_raw"] = line
        objs.append(obj)
    if text and not text.endswith("\n"):
        err(f"{name}: last line has no newline")
    return objs


def as_int(v):
    """uargs_ptr and the like: an int, or a string such as "0x7ffd..."."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, str):
        try:
            return int(v, 0)
        except ValueError:
            return None
    return None


def get(obj, dotted):
    cur = obj
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return KeyError
        cur = cur[part]
    return cur


def fmt(v):
    return json.dumps(v) if v is not KeyError else "<missing>"


def armed(out, name):
    return not os.path.exists(os.path.join(out, name + ".not-armed"))


# ---------------------------------------------------------------- expectations

def resolve(out, v):
    if isinstance(v, str) and v.startswith("@"):
        text = read(out, v[1:])
        try:
            return int((text or "").strip())
        except ValueError:
            err(f"{v[1:]}: not a number: {text!r}")
    return v


def expected_events(steps, out, kver, calls, bbs, phase):
    """Expected events in order, each a dict of dotted field -> value."""
    mods = {}
    for c in calls:
        mods.setdefault(c["_step"], []).append(c)
    bb = {b.get("step"): b for b in bbs}
    exp = []
    for st in steps:
        path = MODDIR.format(kver=kver) + st.file if st.file else None
        errno = ERRNO.get(-st.ret) if st.ret < 0 else None
        base = {
            "event": "finit_module",
            "args.fd": st.fd,
            "args.param_values": st.params,
            "args.flags": st.flags,
            "flags_names": flags_names(st.flags),
            "ret": st.ret,
            "errno": errno,
            "module": st.module if st.ret == 0 else None,
            "path": path if st.fd >= 0 and st.file else None,
        }
        who = []  # (pid, tid, comm) of each finit_module call, in order
        if st.src == "modcall":
            lines = mods.get(st.name, [])
            if len(lines) != st.calls:
                err(f"{phase}: step {st.name}: modcall printed {len(lines)} "
                    f"line(s), expected {st.calls}")
            for c in lines:
                # The scenario's premise: the kernel did what the table says.
                prem = {"fd": st.fd, "param_values": st.params,
                        "flags": st.flags, "ret": st.ret, "errno": errno,
                        "comm": "modcall", "event": "finit_module"}
                for k, v in prem.items():
                    if c.get(k) != v:
                        err(f"{phase}: step {st.name}: premise broken: "
                            f"modcall reports {k}={c.get(k)!r}, the scenario "
                            f"expects {v!r} ({c['_line']}: {c['_raw']})")
                who.append((c.get("pid"), c.get("tid"), c.get("comm")))
        else:
            b = bb.get(st.name)
            if b is None:
                err(f"{phase}: step {st.name}: no busybox.jsonl record")
                continue
            if b.get("applet") != st.src or b.get("rc") != st.rc:
                err(f"{phase}: step {st.name}: busybox {b.get('applet')} "
                    f"exited {b.get('rc')}, expected {st.src} exiting {st.rc}")
            who = [(b.get("pid"), b.get("pid"), st.src)] * max(st.calls, 1)
        for pid, tid, comm in who[:st.calls]:
            e = dict(base, pid=pid, tid=tid, comm=comm, _step=st.name)
            exp.append(e)
        if CHECK_OTHER_KINDS and who:
            pid, tid, comm = who[-1]
            for kind, fields in st.extra:
                e = {"event": kind, "pid": pid, "tid": tid, "comm": comm,
                     "_step": st.name}
                e.update({k: resolve(out, v) for k, v in fields.items()})
                exp.append(e)
    return exp


def check_steps_log(out):
    text = read(out, "steps.log")
    if text is None:
        return
    got = text.split("\n")
    want = ([s.name for s in SCENARIO] + ["--- filter"] +
            [s.name for s in FILTER_SCENARIO] + [""])
    if got != want:
        err("steps.log does not match the scenario tables in check.py:\n"
            f"    guest ran: {got}\n    check.py:  {want}")


def tag_calls(out):
    """modcall lines from calls.jsonl, tagged with their step (in order)."""
    calls = read_jsonl(out, "calls.jsonl")
    want = []
    for st in SCENARIO + FILTER_SCENARIO:
        if st.src == "modcall":
            want += [st.name] * st.calls
    if len(calls) != len(want):
        err(f"calls.jsonl has {len(calls)} lines, the scenario makes "
            f"{len(want)} modcall calls")
    for c, name in zip(calls, want):
        c["_step"] = name
    return [c for c in calls if "_step" in c]


# ---------------------------------------------------------------- comparison

def shape(g):
    """Per-line sanity: keys present and of the right type."""
    finit = g.get("event") == "finit_module"
    for k in FINIT_KEYS if finit else COMMON_KEYS:
        if k not in g:
            err(f"{g['_line']}: key {k!r} missing: {g['_raw']}")
    ts = g.get("ts_ns")
    if not isinstance(ts, int) or isinstance(ts, bool):
        err(f"{g['_line']}: ts_ns is not an integer: {ts!r}")
    cpu = g.get("cpu")
    if not isinstance(cpu, int) or not 0 <= cpu < 2:
        err(f"{g['_line']}: cpu {cpu!r} is not 0 or 1 (-smp 2)")
    if not isinstance(g.get("time"), str):
        err(f"{g['_line']}: time is not a string: {g.get('time')!r}")
    if not isinstance(g.get("origin"), dict):
        err(f"{g['_line']}: origin is not an object: {g.get('origin')!r}")
    if finit and as_int(g.get("uargs_ptr")) is None:
        err(f"{g['_line']}: uargs_ptr {g.get('uargs_ptr')!r} is not a pointer")


def compare_events(phase, fname, exp, got):
    """Match expected to actual events by tid, in order; diff field by field."""
    if not CHECK_OTHER_KINDS:
        got = [g for g in got if g.get("event") == "finit_module"]
    for g in got:
        shape(g)
    ts = [g.get("ts_ns") for g in got if isinstance(g.get("ts_ns"), int)]
    if ts != sorted(ts):
        err(f"{fname}: ts_ns not in ascending order: {ts}")

    by_tid = {}
    for g in got:
        by_tid.setdefault(str(g.get("tid")), []).append(g)
    matched = []
    for e in exp:
        lst = by_tid.get(str(e["tid"]), [])
        if not lst:
            what = " ".join(f"{k}={fmt(e[k])}" for k in
                            ("args.fd", "args.flags", "ret") if k in e)
            err(f"{phase}: step {e['_step']}: no {e['event']} event in "
                f"{fname} for {e['comm']} pid {e['pid']} tid {e['tid']} "
                f"(expected {what})")
            continue
        g = lst.pop(0)
        matched.append(g)
        diffs = []
        for k, v in e.items():
            if k.startswith("_"):
                continue
            a = get(g, k)
            if a is None and k.split(".")[-1] in MAY_BE_NULL:
                continue
            if a != v:
                diffs.append(f"      {k}: expected {fmt(v)}, got {fmt(a)}")
        if diffs:
            err(f"{phase}: step {e['_step']} ({g['_line']}):\n" +
                "\n".join(diffs) + f"\n    line: {g['_raw']}")
    for rest in by_tid.values():
        for g in rest:
            err(f"{phase}: unexpected event {g['_line']}: {g['_raw']}")
    seen = {id(g) for g in matched}
    if [id(g) for g in matched] != [id(g) for g in got if id(g) in seen]:
        err(f"{phase}: events in {fname} are not in the order the calls "
            "were made: " + ", ".join(
                f"{g['_line']} {g.get('event')} tid {g.get('tid')}"
                for g in got))


def s32(v):
    v &= 0xffffffff
    return v - (1 << 32) if v >> 31 else v


def s64(v):
    v &= (1 << 64) - 1
    return v - (1 << 64) if v >> 63 else v


def parse_trace_cmd(out):
    """finit_module calls from `trace-cmd report -R`: enter + matching exit."""
    text = read(out, "tc.txt")
    if text is None:
        return None
    rx = re.compile(r"^\s*(?P<comm>.*)-(?P<pid>\d+)\s+\[(?P<cpu>\d+)\]\s+"
                    r"(?P<ts>[\d.]+):\s+(?P<ev>\w+):\s+(?P<rest>.*)$")
    calls, open_ = [], {}
    for line in text.splitlines():
        m = rx.match(line)
        if not m:
            continue
        f = dict(kv.split("=", 1) for kv in m["rest"].split() if "=" in kv)
        tid = int(m["pid"])
        try:
            if m["ev"] == "sys_enter_finit_module":
                c = {"tid": tid, "comm": m["comm"].strip(),
                     "fd": s32(int(f["fd"], 16)),
                     "flags": s32(int(f["flags"], 16)),
                     "uargs": int(f["uargs"], 16), "ret": None, "line": line}
                calls.append(c)
                open_[tid] = c
            elif m["ev"] == "sys_exit_finit_module" and tid in open_:
                open_.pop(tid)["ret"] = s64(int(f["ret"], 16))
        except (KeyError, ValueError):
            err(f"tc.txt: cannot parse: {line}")
    return calls


def compare_trace_cmd(out, watch):
    tc = parse_trace_cmd(out)
    if tc is None:
        return
    if not tc:
        err("tc.txt: trace-cmd recorded no finit_module call")
        return
    watch = [w for w in watch if w.get("event") == "finit_module"]
    if len(tc) != len(watch):
        err(f"trace-cmd recorded {len(tc)} finit_module calls, watch.jsonl "
            f"has {len(watch)}")
    for i, (t, w) in enumerate(zip(tc, watch)):
        mine = {"tid": w.get("tid"), "comm": w.get("comm"),
                "fd": get(w, "args.fd"), "flags": get(w, "args.flags"),
                "ret": w.get("ret"), "uargs": as_int(w.get("uargs_ptr"))}
        diffs = [f"      {k}: trace-cmd {fmt(t[k])}, watch {fmt(v)}"
                 for k, v in mine.items() if t[k] != v]
        if diffs:
            err(f"trace-cmd call #{i + 1} vs {w['_line']}:\n" +
                "\n".join(diffs) + f"\n    trace-cmd: {t['line']}\n"
                f"    watch:     {w['_raw']}")
    for t in tc[len(watch):]:
        err(f"trace-cmd call missing from watch.jsonl: {t['line']}")


# ---------------------------------------------------------------- the rest

def check_rc(out, name, what):
    if not armed(out, name):
        err(f"{what}: never printed 'finit-ftrace: armed' (see {name}.stderr)")
    if os.path.exists(os.path.join(out, name + ".hung")):
        err(f"{what}: did not exit within 30 s of SIGINT; it was killed")
    rc = read(out, name + ".rc")
    if rc is not None and rc.strip() != "0":
        stderr = (read(out, name + ".stderr") or "").strip()
        err(f"{what}: exit status {rc.strip()}, expected 0; stderr:\n    " +
            stderr.replace("\n", "\n    "))


def check_capabilities(out):
    check_rc(out, "check", "finit-ftrace check --format json")
    text = read(out, "check.json")
    if text is None:
        return
    try:
        obj = json.loads(text)
    except ValueError as e:
        err(f"check.json: not JSON ({e}): {text!r}")
        return
    for k, v in CHECK_EXPECT.items():
        parts = k.split(".", 1)
        a = obj.get(parts[0], KeyError) if len(parts) == 1 else \
            (obj.get(parts[0]) or {}).get(parts[1], KeyError)
        if a != v:
            err(f"check.json: {k}: expected {fmt(v)}, got {fmt(a)}")


def check_tracefs(out):
    for phase in ("watch", "filter"):
        if not armed(out, phase):
            continue
        text = read(out, phase + ".instances-armed.txt")
        if text is not None and not any(
                n.startswith("finit-ftrace") for n in text.split()):
            err(f"{phase}: while armed, no tracefs instance named "
                f"finit-ftrace* (instances: {text.split()})")
    text = read(out, "instances.txt")
    if text is not None and text.split():
        err(f"tracefs instances left after the tool exited: {text.split()}")
    text = read(out, "dynamic_events.txt")
    if text is not None and text.strip():
        err("dynamic events left after the tool exited:\n    " +
            text.strip().replace("\n", "\n    "))


def check_kernel_log(out):
    """The guest kernel must not have warned or oopsed during the scenario."""
    text = read(out, "dmesg.txt")
    if text is None:
        return
    bad = [ln for ln in text.splitlines()
           if re.search(r"\b(BUG:|Oops|WARNING:|Call Trace:|general protection"
                        r"|RIP:|kernel BUG|list_del corruption|refcount_t:)",
                        ln)]
    if bad:
        err("guest kernel log has warnings or oopses:\n    " +
            "\n    ".join(bad[:40]))


def report(out, n1, n2):
    if errors:
        print(f"check.py: {len(errors)} problem(s) in {out}:", file=sys.stderr)
        for e in errors:
            print("  - " + e, file=sys.stderr)
        return 1
    print(f"check.py: OK: {n1} events in watch.jsonl match modcall, busybox "
          f"and trace-cmd; the filter kept exactly {n2}; capabilities as "
          "expected; tracefs clean")
    return 0


def main():
    if len(sys.argv) != 2:
        print("usage: check.py OUTDIR", file=sys.stderr)
        return 2
    out = sys.argv[1]
    kver = (read(out, "uname") or "").strip()

    check_capabilities(out)
    check_rc(out, "watch", "finit-ftrace watch")
    check_rc(out, "filter", "finit-ftrace watch -f 'flags == 8'")
    check_rc(out, "tc", "trace-cmd record")
    check_tracefs(out)
    check_kernel_log(out)
    # A phase whose watch never armed ran no calls: said once above, rather
    # than once per missing event.
    if not armed(out, "watch") and not armed(out, "filter"):
        return report(out, 0, 0)
    if armed(out, "watch") and armed(out, "filter"):
        check_steps_log(out)

    calls = tag_calls(out)
    bbs = read_jsonl(out, "busybox.jsonl")
    phase1 = {s.name for s in SCENARIO}
    exp1 = expected_events(SCENARIO, out, kver,
                           [c for c in calls if c["_step"] in phase1],
                           bbs, "watch")
    exp2 = expected_events(FILTER_SCENARIO, out, kver,
                           [c for c in calls if c["_step"] not in phase1],
                           bbs, "filter")
    exp2 = [e for e in exp2 if e["_step"] in FILTER_KEEP]

    if armed(out, "watch"):
        watch = read_jsonl(out, "watch.jsonl")
        compare_events("watch", "watch.jsonl", exp1, watch)
        compare_trace_cmd(out, watch)
    if armed(out, "filter"):
        compare_events("filter", "filter.jsonl", exp2,
                       read_jsonl(out, "filter.jsonl"))
    return report(out, len(exp1), len(exp2))


if __name__ == "__main__":
    sys.exit(main())
