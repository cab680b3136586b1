#!/usr/bin/env python3
"""check.py - host-side assertions on the VM test's results (tests/vm/out/).

Usage: check.py OUTDIR

Reads what guest-init.sh left in OUTDIR and compares finit-ftrace's output
field by field with (a) what the scenario expects, (b) what modcall and
busybox say they did, (c) the callers' /proc as the guest shell copied it
while they were held alive, and (d) what trace-cmd recorded at the same
time. Then `finit-ftrace report` on the file `finit-ftrace record` wrote
beside watch (rec.jsonl, against watch.jsonl and `trace-cmd report`), and
on trace-cmd's own files (fixtures/, against what the callers printed).
Prints every mismatch and exits 1 when there is any. Python 3 stdlib only.

The scenario tables below mirror phase1_steps/filter_steps/commfilter_steps
in guest-init.sh; the step names the guest wrote to steps.log must equal
them.
"""
import base64
import json
import os
import re
import sys

# Errnos by number (x86-64), for the values the scenario produces.
ERRNO = {1: "EPERM", 2: "ENOENT", 8: "ENOEXEC", 9: "EBADF", 11: "EAGAIN",
         12: "ENOMEM", 14: "EFAULT", 16: "EBUSY", 17: "EEXIST", 22: "EINVAL",
         26: "ETXTBSY", 27: "EFBIG", 38: "ENOSYS", 95: "EOPNOTSUPP",
         129: "EKEYREJECTED"}
FINIT_FLAGS = [(1, "MODULE_INIT_IGNORE_MODVERSIONS"),
               (2, "MODULE_INIT_IGNORE_VERMAGIC"),
               (4, "MODULE_INIT_COMPRESSED_FILE")]
DELETE_FLAGS = [(0o4000, "O_NONBLOCK"), (0o1000, "O_TRUNC")]

MODDIR = "/lib/modules/{kver}/kernel/drivers/"
# guest-init.sh's phase 1 cgroup; its 64 hex digits are the container id
CID = "0123456789abcdef" * 4
PHASE1_CGROUP = f"/system.slice/docker-{CID}.scope"

# Every modcall step runs with --hold (guest-init.sh's mch): the caller and
# its fd are alive until the tool has printed the record, so path and the
# process context are exact. busybox applets exit at once: for their
# records (and rmmod's module_free) path and each context field are either
# exact or null ("unavailable"), never anything else.

COMM = {"modcall": "modcall", "modcall32": "modcall32",
        "othercall": "othercall", "insmod": "insmod", "rmmod": "rmmod"}

# Every watch/record/check run first makes its own harmless calls from the
# finit-ftrace process (a temporary instance: a run never reports its own);
# the other tracers running at the time (record beside watch, trace-cmd)
# do see them. Their strings name the run: "finit-ftrace-selftest-<pid>".
SELFTEST_COMM = "finit-ftrace"
SELFTEST_PREFIX = "finit-ftrace-selftest-"


def flags_names(flags, table):
    """Expected flags_names: known bits by name, the rest as one hex string."""
    names = [n for bit, n in table if flags & bit]
    rest = flags
    for bit, _ in table:
        rest &= ~bit
    if rest:
        names.append(hex(rest))
    return names


class Step:
    """One scenario step and the records it should produce.

    src: "modcall", "modcall32" (a 32-bit caller), "othercall" (modcall
         under another comm): the expected values are also in their own
         JSON lines and, for the calls the tool prints (held by mch), in
         /out/proc/STEP.*; "insmod"/"rmmod"
         (busybox applets; pid from busybox.jsonl); "lookalike" (64-bit
         syscalls 128/129: no record at all).
    event: the syscall the step's own calls make.
    file: module file under MODDIR (None: no file, e.g. a closed fd).
    calls: how many calls of `event` the step makes (0: only `extra`).
    reported: False when the tool must not report the calls at all.
    module/taints: what module_load says for a successful load.
    length: init_module's len ("@FILE": the number in OUTDIR/FILE).
    name: delete_module's name.
    extra: records of other kinds the same process causes after its own
           calls: [(event, {dotted field: value})].
    """

    def __init__(self, name, src, file=None, params="", flags=0, fd=3,
                 ret=0, calls=1, module=None, taints="", rc=0, extra=(),
                 event="finit_module", length=None, delname=None,
                 reported=True):
        self.name, self.src, self.file = name, src, file
        self.params, self.flags, self.fd, self.ret = params, flags, fd, ret
        self.calls, self.module, self.taints, self.rc = calls, module, taints, rc
        self.extra = list(extra)
        self.event, self.length, self.delname = event, length, delname
        self.reported = reported

    @property
    def modcall(self):
        return self.src in ("modcall", "modcall32", "othercall")

    @property
    def compat(self):
        return self.src == "modcall32"


# The same strings as guest-init.sh's LONG_PARAMS and BINARY_PARAMS.
LONG_PARAMS = "p=" + "x" * 298
BINARY_PARAMS = "a=\x01\x02 b=\u00e9 c=~"

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
    # flags 3 loads it anyway; the kernel taints the module F (forced) and
    # E (unsigned): /proc/modules shows "nlmon ... (FE)"
    Step("nlmon-flags-3", "modcall", "net/nlmon.ko", "", flags=3,
         module="nlmon", taints="FE"),
    # Debian's 6.1 has no CONFIG_MODULE_DECOMPRESS: the kernel refuses flag 4.
    Step("veth-xz-compressed-flag", "modcall", "net/veth.ko.xz", "", flags=4,
         ret=-95),
    # busybox: finit_module on the .xz fails (not ELF), then init_module
    # with the decompressed image works.
    Step("insmod-veth-xz", "insmod", "net/veth.ko.xz", "", ret=-8,
         extra=[("init_module", {"args.len": "@veth.ko.len",
                                 "args.param_values": "", "ret": 0,
                                 "module": "veth", "taints": ""})]),
    # busybox rmmod: delete_module("brd", O_NONBLOCK|O_EXCL); O_EXCL (0x80)
    # means nothing to delete_module, so it is an unnamed bit.
    Step("rmmod-brd", "rmmod", calls=0,
         extra=[("delete_module", {"args.name": "brd", "args.flags": 0x880,
                                   "ret": 0}),
                ("module_free", {"module": "brd"})]),
    Step("brd-reload", "modcall", "block/brd.ko", "rd_nr=2", module="brd"),
    Step("closed-fd-ebadf", "modcall", None, "", fd=42, ret=-9),
    Step("tun-repeat-2", "modcall", "net/tun.ko", 'x="a b" y', ret=-17,
         calls=2),
    # 7.2's native field keeps 165 bytes at most and prints other bytes
    # than printable ASCII as '.': the exact bytes must come through anyway
    Step("tun-long-params", "modcall", "net/tun.ko", LONG_PARAMS, ret=-17),
    Step("tun-binary-params", "modcall", "net/tun.ko", BINARY_PARAMS,
         ret=-17),
    Step("init-dummy", "modcall", "net/dummy.ko", "numdummies=0",
         event="init_module", length="@dummy.ko.len", module="dummy"),
    Step("delete-absent-enoent", "modcall", event="delete_module",
         delname="vmtest_absent", ret=-2),
    # 32-bit callers: the syscalls events (and eprobes) do not fire for
    # them; kprobes on __ia32_sys_* do, with the strings (origin kernel)
    Step("compat-mii-p32", "modcall32", "net/mii.ko", "p=32", module="mii"),
    Step("compat-tun-eexist", "modcall32", "net/tun.ko", "", fd=5, ret=-17),
    # 32-bit init_module/delete_module: reported too (compat kprobes; their
    # ids 128/129 are no help, see the lookalike step)
    Step("compat-init-eql", "modcall32", "net/eql.ko", "x=1",
         event="init_module", length="@eql.ko.len", module="eql"),
    Step("compat-delete-enoent", "modcall32", event="delete_module",
         delname="vmtest_absent32", ret=-2),
    # rt_sigtimedwait (128) and rt_sigqueueinfo (129) of a 64-bit process
    # carry the 32-bit init_module/delete_module numbers in raw_syscalls
    Step("lookalike-64bit-128-129", "lookalike", calls=0),
]

# Phase 2: watch -f 'flags == 8'; FILTER_KEEP lists the steps whose calls
# pass (the 32-bit ones are filtered in user space). A successful load the
# filter drops (f-insmod-ifb) still comes out, as a module_load event.
FILTER_SCENARIO = [
    Step("f-dummy-flags-8", "modcall", "net/dummy.ko", "", flags=8, ret=-22),
    Step("f-tun-eexist", "modcall", "net/tun.ko", "", ret=-17),
    Step("f-closed-fd-flags-8", "modcall", None, "p=1", flags=8, fd=42,
         ret=-22),
    Step("f-insmod-ifb", "insmod", "net/ifb.ko", "numifbs=0 ", module="ifb"),
    Step("f-flags-9", "modcall", None, "", flags=9, fd=42, ret=-22),
    Step("f-compat-flags-8", "modcall32", "net/dummy.ko", "", flags=8,
         ret=-22),
    Step("f-compat-tun-eexist", "modcall32", "net/tun.ko", "", ret=-17),
]
FILTER_KEEP = {"f-dummy-flags-8", "f-closed-fd-flags-8", "f-compat-flags-8"}

# Phase 3: watch -f 'comm == "modcall"' --no-compat (comm: a field only the
# kernel has; no raw_syscalls, so the 32-bit caller is not seen at all)
COMM_SCENARIO = [
    Step("c-modcall-ebadf", "modcall", None, "", fd=42, ret=-9),
    Step("c-othercall-ebadf", "othercall", None, "", fd=42, ret=-9),
    Step("c-modcall32-ebadf", "modcall32", None, "", fd=42, ret=-9),
    # othercall's finit_module is dropped, its load is not: module_load
    Step("c-othercall-eql", "othercall", "net/eql.ko", "", module="eql"),
]
COMM_KEEP = {"c-modcall-ebadf"}

# Phase 4: watch -e init_module (record -e init_module beside it): mii's
# finit_module load comes out as a module_load event only, init_module is
# reported, delete_module is not.
EVENTS_SCENARIO = [
    Step("e-finit-mii", "modcall", "net/mii.ko", "", module="mii"),
    Step("e-init-dummy-eexist", "modcall", "net/dummy.ko", "",
         event="init_module", length="@dummy.ko.len", ret=-17),
    Step("e-delete-enoent", "modcall", event="delete_module",
         delname="vmtest_absent", ret=-2),
]

# (output name, scenario, steps kept, what ran) per watch phase
PHASES = [("watch", SCENARIO, None, "finit-ftrace watch"),
          ("filter", FILTER_SCENARIO, FILTER_KEEP,
           "finit-ftrace watch -f 'flags == 8'"),
          ("commfilter", COMM_SCENARIO, COMM_KEEP,
           "finit-ftrace watch -f 'comm == \"modcall\"' --no-compat"),
          ("events", EVENTS_SCENARIO, None,
           "finit-ftrace watch -e init_module")]
# the calls each phase chooses with -e (absent: all)
PHASE_EVENTS = {"events": {"init_module"}}
# --no-compat phases (no 32-bit callers, no compat probes)
NO_COMPAT = {"commfilter"}
# finit-ftrace record beside a watch phase: (its name in /out, the phase)
RECORDS = [("rec", "watch"), ("erec", "events")]
# raw_syscalls (32-bit callers) enabled in each phase's instance: never
# where the kernel has kprobe events (the compat path is kprobes then)
RAW_ENABLED = {"watch": "0", "filter": "0", "commfilter": "0", "events": "0"}

# What `finit-ftrace check --format json` must say about Debian's 6.1 kernel
# (apply_profile changes the tier for the others).
CHECK_EXPECT = {
    "capture_path": "syscalls",
    "string_tier": 2,
    "string_tier_name": "eprobe",
    "events.syscalls:sys_enter_finit_module": True,
    "events.syscalls:sys_exit_finit_module": True,
    "events.module:module_load": True,
    "events.raw_syscalls:sys_enter": True,
    "eprobe": True,
    "kprobe": True,   # CONFIG_KPROBE_EVENTS=y
    "btf": True,      # CONFIG_DEBUG_INFO_BTF=y
    "dynamic_events": True,
    "uargs_field": False,  # 6.1's sys_enter_finit_module has no __uargs_val
    "compat_path": "kprobe",   # kprobes on __ia32_sys_*
}

# What differs between the Debian kernels of the matrix (run.sh KERNELS).
# tier: what `check` names and watch uses; flag4: finit_module's result for
# MODULE_INIT_COMPRESSED_FILE on a .ko.xz (5.10 does not know the flag,
# 6.1 is built without CONFIG_MODULE_DECOMPRESS, 7.2 decompresses it).
PROFILES = {
    "5.10": {"tier": (3, "kprobe"), "eprobe": False, "uargs_field": False,
             "flag4": -22},
    # bookworm's 6.1.0-50 (pinned): its eprobe is broken (the strings it
    # fetches fault); the self-test must see that and fall back on kprobes
    "6.1.0-50": {"tier": (3, "kprobe"), "eprobe": True, "uargs_field": False,
                 "flag4": -95, "broken": "eprobe"},
    "6.1": {"tier": (2, "eprobe"), "eprobe": True, "uargs_field": False,
            "flag4": -95},
    # trixie's 6.12: eprobe tier like 6.1; built with CONFIG_MODULE_DECOMPRESS
    "6.12": {"tier": (2, "eprobe"), "eprobe": True, "uargs_field": False,
             "flag4": 0},
    "7.2": {"tier": (1, "native"), "eprobe": True, "uargs_field": True,
            "flag4": 0, "exact": "eprobe", "empty_kernel": True},
}


TIER = "eprobe"   # the string tier of the kernel under test (apply_profile)
EXACT = None      # the exact-strings complement beside it (7.2: eprobe)
DYN_KIND = "e:"   # its dynamic events' kind in dynamic_events, None: none
BROKEN = None     # a tier the self-test must find broken (6.1.0-50: eprobe)
# the string tier gives "" with origin kernel (else "" is taken from /proc:
# the probes of 5.10 and 6.1 store "" exactly as a failed read)
EMPTY_KERNEL = False
KVER = ""         # uname -r of the guest
# our probes of the string tier, one per call (dynamic_events names)
STRING_EVENTS = ("finit_module", "init_module", "delete_module")


CPATH = "syscalls"   # the capture path of this boot (VMTEST_PATH: auto, kprobe)


def apply_path(path):
    """The kprobe path (--path kprobe, in every command of the boot): no
    syscall event; our kprobe is the enter, with the string (tier 3 on every
    kernel), a kretprobe the exit; nothing is tested beside it."""
    global CPATH, TIER, DYN_KIND, EXACT, BROKEN
    CHECK_EXPECT["kprobe_path"] = True
    if path != "kprobe":
        return
    CPATH = "kprobe"
    # EMPTY_KERNEL stays the profile's: 7.2's probes store "" whole too
    TIER, EXACT, BROKEN, DYN_KIND = "kprobe", None, None, "p:"
    CHECK_EXPECT.update({"capture_path": "kprobe", "string_tier": 3,
                         "string_tier_name": "kprobe", "exact_strings": None})


def apply_profile(series):
    """Adjust the 6.1 expectations above to the kernel @series."""
    global TIER, DYN_KIND, EXACT, BROKEN, EMPTY_KERNEL
    prof = PROFILES[series]
    EMPTY_KERNEL = prof.get("empty_kernel", False)
    TIER = prof["tier"][1]
    EXACT = prof.get("exact")
    BROKEN = prof.get("broken")
    # 7.2: the native field's eprobe complement (exact strings) is there too
    DYN_KIND = {"eprobe": "e:", "kprobe": "p:"}.get(prof.get("exact", TIER))
    CHECK_EXPECT["exact_strings"] = prof.get("exact")
    CHECK_EXPECT["string_tier"], CHECK_EXPECT["string_tier_name"] = \
        prof["tier"]
    CHECK_EXPECT["eprobe"] = prof["eprobe"]
    CHECK_EXPECT["uargs_field"] = prof["uargs_field"]
    for st in SCENARIO:
        if st.name == "veth-xz-compressed-flag":
            st.ret = prof["flag4"]
            st.module = "veth" if st.ret == 0 else None
        elif st.name == "insmod-veth-xz" and prof["flag4"] == 0:
            st.rc = 17   # busybox insmod exits with the errno
            # veth is loaded already: busybox's init_module fallback
            # gets EEXIST
            st.extra = [("init_module", {"args.len": "@veth.ko.len",
                                         "args.param_values": "",
                                         "ret": -17, "module": None,
                                         "taints": None})]


ALL_KEYS = ["schema_version", "time", "ts_ns", "cpu", "event", "pid", "tid", "comm", "compat",
            "args", "flags_names", "uargs_ptr", "ret", "errno", "module",
            "taints", "path", "sha256", "truncated", "ppid", "uid", "gid",
            "exe", "cgroup", "container_id", "euid", "auid", "sessionid",
            "cap_effective", "verdict", "rule", "origin", "raw_b64"]
ORIGIN_KEYS = ["pid", "tid", "comm", "args", "param_values", "ret", "module",
               "path", "sha256", "context", "euid", "auid", "sessionid",
               "cap_effective"]
IDENTITY = ["euid", "auid", "sessionid", "cap_effective"]
ARGS_KEYS = {"finit_module": ["fd", "param_values", "flags"],
             "init_module": ["umod", "len", "param_values"],
             "delete_module": ["name", "flags"], "module_free": [],
             "module_load": []}
CONTEXT = ["ppid", "uid", "gid", "exe", "cgroup", "container_id"]
# every JSON record carries the version of docs/event.schema.json
SCHEMA_VERSION = json.load(open(os.path.join(os.path.dirname(os.path.abspath(
    __file__)), "..", "..", "docs", "event.schema.json")))["properties"][
    "schema_version"]["const"]

errors = []
notes = []   # printed, not failures: known issues the checks tolerate


def err(msg):
    errors.append(msg)


# ---------------------------------------------------------------- matching

class OneOf:
    """Matches any of the given values (or matchers)."""

    def __init__(self, *vals):
        self.vals = vals

    def ok(self, a):
        return any(match(v, a) for v in self.vals)

    def __str__(self):
        return " or ".join(fmt(v) for v in self.vals)


class Pointer:
    """A user address: a non-zero "0x..." string (32-bit for compat)."""

    def __init__(self, bits=64):
        self.bits = bits

    def ok(self, a):
        v = as_int(a) if isinstance(a, str) and a.startswith("0x") else None
        return v is not None and 0 < v < (1 << self.bits)

    def __str__(self):
        return f"a non-zero {self.bits}-bit \"0x...\" pointer"


class Caps:
    """cap_effective: one "CAP_..." name per bit of @mask (None: any root
    caller's set), CAP_SYS_MODULE among them as bit 16 says."""

    def __init__(self, mask=None):
        self.mask = mask

    def ok(self, a):
        if not isinstance(a, list) or len(set(a)) != len(a) or \
                not all(isinstance(c, str) and c.startswith("CAP_") for c in a):
            return False
        if self.mask is None:
            return "CAP_SYS_MODULE" in a
        return len(a) == bin(self.mask).count("1") and \
            ("CAP_SYS_MODULE" in a) == bool(self.mask >> 16 & 1)

    def __str__(self):
        return "root's capability names" if self.mask is None else \
            f"the names of CapEff {self.mask:#x}"


def match(v, a):
    if isinstance(v, (OneOf, Pointer, Caps)):
        return v.ok(a)
    # JSON equality: true is not 1, 0 is not false
    return a == v and isinstance(a, bool) == isinstance(v, bool)


def fmt(v):
    if isinstance(v, (OneOf, Pointer, Caps)):
        return str(v)
    return json.dumps(v) if v is not KeyError else "<missing>"


# ---------------------------------------------------------------- files

def read_bytes(out, name, quiet=False):
    try:
        with open(os.path.join(out, name), "rb") as f:
            return f.read()
    except OSError as e:
        if not quiet:
            err(f"{name}: cannot read ({e.strerror})")
        return None


def read(out, name, quiet=False):
    """A file as text (logs, /proc copies; JSON goes through strict_json)."""
    data = read_bytes(out, name, quiet)
    return None if data is None else data.decode("utf-8", "replace")


def strict_json(where, line):
    """One JSON line (bytes) as strict parsers take it: valid UTF-8, no lone
    surrogate (RFC 8259 8.1, I-JSON); ValueError if not. The scenario passes
    only valid UTF-8, whose JSON strings are exact, so a raw_b64 entry (the
    exact bytes of a string that was not) is an error naming those bytes."""
    obj = json.loads(line.decode("utf-8"))
    json.dumps(obj, ensure_ascii=False).encode("utf-8")
    raw = obj.get("raw_b64") if isinstance(obj, dict) else None
    for k, v in (raw.items() if isinstance(raw, dict) else ()):
        err(f"{where}: {k} was not valid UTF-8, its exact bytes (raw_b64): "
            f"{base64.b64decode(v)!r}")
    return obj


def read_jsonl(out, name, quiet=False):
    data = read_bytes(out, name, quiet)
    if data is None:
        return []
    objs = []
    for n, raw in enumerate(data.splitlines(), 1):
        line = raw.decode("utf-8", "replace")
        if not line.strip():
            err(f"{name}:{n}: empty line")
            continue
        try:
            obj = strict_json(f"{name}:{n}", raw)
        except ValueError as e:
            err(f"{name}:{n}: not strict JSON ({e}): {raw!r}")
            continue
        if not isinstance(obj, dict):
            err(f"{name}:{n}: not a JSON object: {line!r}")
            continue
        obj["_line"] = f"{name}:{n}"
        obj["_raw"] = line
        objs.append(obj)
    if data and not data.endswith(b"\n"):
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


def exists(out, name):
    return os.path.exists(os.path.join(out, name))


def armed(out, name):
    return not exists(out, name + ".not-armed")


def resolve(out, v):
    if isinstance(v, str) and v.startswith("@"):
        text = read(out, v[1:])
        try:
            return int((text or "").strip())
        except ValueError:
            err(f"{v[1:]}: not a number: {text!r}")
    return v


def cgroup_of(text):
    """The tool's rule: the cgroup v2 line's path, else the first one's."""
    first = None
    for line in (text or "").splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        if parts[0] == "0" and parts[1] == "":
            return parts[2]
        if first is None:
            first = parts[2]
    return first


def container_id_of(cgroup):
    if cgroup is None:
        return None
    ids = re.findall(r"(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])", cgroup)
    return ids[-1] if ids else None


def proc_snapshot(out, step, pid):
    """/proc of a held caller as the guest copied it: the context fields."""
    status = read(out, f"proc/{step}.status")
    if status is None:
        return None
    f = dict(re.findall(r"^(\w+):\s*(\S+)", status, re.M))
    if f.get("Pid") != str(pid):
        err(f"proc/{step}.status is of pid {f.get('Pid')}, modcall says "
            f"{pid}")
    exe = (read(out, f"proc/{step}.exe") or "").strip() or None
    cg = cgroup_of(read(out, f"proc/{step}.cgroup"))
    euid = re.search(r"^Uid:\s*\d+\s+(\d+)", status, re.M)
    return {"ppid": int(f.get("PPid", -1)), "uid": int(f.get("Uid", -1)),
            "gid": int(f.get("Gid", -1)), "exe": exe, "cgroup": cg,
            "container_id": container_id_of(cg),
            "euid": int(euid.group(1)) if euid else -1,
            "cap_effective": Caps(int(f.get("CapEff", "0"), 16))}


# The audit ids of the VM's callers: init never logs in, so loginuid and
# sessionid are unset (null, origin "unset"), or the kernel has no audit
UNSET_ID = {"auid": None, "sessionid": None,
            "origin.auid": OneOf("unset", "unavailable"),
            "origin.sessionid": OneOf("unset", "unavailable")}


# ---------------------------------------------------------------- expectations

def racy_context(ctx):
    """A caller that may be gone: each context field exact or null."""
    groups = [[dict({"ppid": ctx["ppid"], "uid": ctx["uid"], "gid": ctx["gid"],
                     "origin.context": "procfs", "euid": 0, "origin.euid": "procfs",
                     "cap_effective": Caps(), "origin.cap_effective": "procfs"},
                    **UNSET_ID),
               dict({"ppid": None, "uid": None, "gid": None,
                     "origin.context": "unavailable"},
                    **{k: None for k in IDENTITY},
                    **{f"origin.{k}": "unavailable" for k in IDENTITY})]]
    fields = {k: OneOf(ctx[k], None) for k in ("exe", "cgroup",
                                                "container_id")}
    return fields, groups


def exact_context(ctx):
    fields = {k: ctx[k] for k in CONTEXT + ["euid", "cap_effective"]}
    fields["origin.context"] = "procfs"
    fields.update({"origin.euid": "procfs", "origin.cap_effective": "procfs"},
                  **UNSET_ID)
    return fields, []


def kind_fields(kind, compat):
    """What every record of @kind says, whatever the call."""
    e = {"event": kind, "compat": compat, "sha256": None, "truncated": False,
         "origin.tid": "kernel", "origin.args": "kernel",
         "origin.pid": OneOf("kernel", "procfs"),
         # 32-bit callers: the compat kprobe records comm
         "origin.comm": "kernel" if compat else OneOf("kernel", "procfs"),
         "origin.sha256": "unavailable",
         # no [policy] in the VM's config: no verdict
         "verdict": None, "rule": None}
    ptr = Pointer(32 if compat else 64)
    string = "kernel"   # the string tier's probe, or the compat kprobe
    if kind == "finit_module":
        e.update({"uargs_ptr": ptr, "origin.param_values": string,
                  "origin.ret": "kernel"})
    elif kind == "init_module":
        e.update({"args.umod": ptr, "uargs_ptr": ptr, "flags_names": [],
                  "origin.param_values": string, "origin.ret": "kernel",
                  "path": None, "origin.path": "unavailable"})
    elif kind == "delete_module":
        e.update({"uargs_ptr": ptr, "taints": None,
                  "origin.param_values": "unavailable",
                  "origin.module": string, "origin.ret": "kernel",
                  "path": None, "origin.path": "unavailable"})
    elif kind == "module_free":
        e.update({"args": {}, "flags_names": [], "uargs_ptr": None,
                  "ret": None, "errno": None, "origin.ret": "unavailable",
                  "taints": None, "origin.module": "kernel",
                  "origin.param_values": "unavailable", "path": None,
                  "origin.path": "unavailable"})
    elif kind == "module_load":
        # a load that joins no call the tool reports (filtered, or a call
        # not chosen with -e): module_load alone
        e.update({"args": {}, "flags_names": [], "uargs_ptr": None,
                  "ret": None, "errno": None, "origin.ret": "unavailable",
                  "origin.module": "kernel",
                  "origin.param_values": "unavailable", "path": None,
                  "origin.path": "unavailable"})
    return e


def empty_string(e, racy):
    """An empty param string where the probe cannot tell it from a failed
    read: from /proc (origin procfs) while the caller lives; a caller that
    may be gone (@racy): that, or null with origin fault."""
    if e.get("args.param_values") != "" or EMPTY_KERNEL:
        return
    if racy:
        del e["args.param_values"], e["origin.param_values"]
        e["_groups"] = e.get("_groups", []) + [
            [{"args.param_values": "", "origin.param_values": "procfs"},
             {"args.param_values": None, "origin.param_values": "fault"}]]
    else:
        e["origin.param_values"] = "procfs"


def load_fields(module, taints, ret):
    """module and taints: module_load's, for a successful load only."""
    if ret == 0 and module:
        return {"module": module, "taints": taints, "origin.module": "kernel"}
    return {"module": None, "taints": None, "origin.module": "unavailable"}


def derived(e):
    """errno and flags_names follow from ret and flags."""
    ret = e.get("ret")
    if isinstance(ret, int) and "errno" not in e:
        e["errno"] = ERRNO.get(-ret) if ret < 0 else None
    if e["event"] == "delete_module" and "args.flags" in e:
        e.setdefault("module", e.get("args.name"))
        e.setdefault("flags_names", flags_names(e["args.flags"],
                                                DELETE_FLAGS))
    return e


def step_calls(st, out, kver):
    """The fields of the step's own calls (without pid/tid/comm)."""
    e = kind_fields(st.event, st.compat)
    if st.event == "finit_module":
        path = MODDIR.format(kver=kver) + st.file if st.file else None
        e.update({"args.fd": st.fd, "args.param_values": st.params,
                  "args.flags": st.flags, "ret": st.ret,
                  "flags_names": flags_names(st.flags, FINIT_FLAGS)})
        e.update(load_fields(st.module, st.taints, st.ret))
        if path is None:
            e.update({"path": None, "origin.path": "unavailable"})
        elif st.modcall:
            e.update({"path": path, "origin.path": "procfs"})
        else:  # busybox exits at once: the fd may be gone before /proc is read
            e["_groups"] = [[{"path": path, "origin.path": "procfs"},
                             {"path": None, "origin.path": "unavailable"}]]
    elif st.event == "init_module":
        e.update({"args.len": resolve(out, st.length),
                  "args.param_values": st.params, "ret": st.ret})
        e.update(load_fields(st.module, st.taints, st.ret))
    elif st.event == "delete_module":
        e.update({"args.name": st.delname, "args.flags": st.flags,
                  "ret": st.ret})
    empty_string(e, not st.modcall)
    return derived(e)


def modcall_premise(st, c, phase):
    """The scenario's premise: the kernel did what the table says."""
    prem = {"event": st.event, "comm": COMM[st.src], "ret": st.ret}
    if st.event == "finit_module":
        prem.update({"fd": st.fd, "param_values": st.params,
                     "flags": st.flags})
    elif st.event == "init_module":
        prem["param_values"] = st.params
    else:
        prem.update({"param_values": st.delname, "flags": st.flags})
    prem["errno"] = ERRNO.get(-st.ret) if st.ret < 0 else None
    for k, v in prem.items():
        if c.get(k) != v:
            err(f"{phase}: step {st.name}: premise broken: {st.src} reports "
                f"{k}={c.get(k)!r}, the scenario expects {v!r} "
                f"({c['_line']}: {c['_raw']})")


def expected_events(steps, out, kver, calls, bbs, phase, cgroup, keep,
                    events=None):
    """Expected records in order, each a dict of dotted field -> value;
    only of the steps in @keep (None: all) whose call is among @events
    (None: all), the others' premises are still checked, and their
    successful loads give a module_load event alone. modcall steps that
    the tool prints were held (/proc/STEP.* exist)."""
    mods = {}
    for c in calls:
        mods.setdefault(c["_step"], []).append(c)
    bb = {b.get("step"): b for b in bbs}
    exp = []
    for st in steps:
        if st.src == "lookalike":
            continue
        reported = (keep is None or st.name in keep) and st.reported and \
            (events is None or st.event in events)
        # a load the kernel makes is always reported: alone when its call
        # is not
        alone = not reported and st.ret == 0 and bool(st.module) and \
            st.event in ("finit_module", "init_module")
        kept = reported or alone
        if st.modcall:
            lines = mods.get(st.name, [])
            if len(lines) != st.calls:
                err(f"{phase}: step {st.name}: {st.src} printed {len(lines)} "
                    f"line(s), expected {st.calls}")
            for c in lines:
                modcall_premise(st, c, phase)
            if not lines or not kept:
                continue
            pid, tid, comm = lines[0].get("pid"), lines[0].get("tid"), \
                lines[0].get("comm")
            ctx = proc_snapshot(out, st.name, pid)
            if ctx is None:
                continue
            cfields, cgroups = exact_context(ctx)
            if ctx["cgroup"] != cgroup:
                err(f"{phase}: step {st.name}: premise broken: the caller "
                    f"ran in cgroup {ctx['cgroup']!r}, not {cgroup!r}")
        else:
            b = bb.get(st.name)
            if b is None:
                err(f"{phase}: step {st.name}: no busybox.jsonl record")
                continue
            if b.get("applet") != st.src or b.get("rc") != st.rc:
                err(f"{phase}: step {st.name}: busybox {b.get('applet')} "
                    f"exited {b.get('rc')}, expected {st.src} exiting {st.rc}")
            if not kept:
                continue
            pid = tid = b.get("pid")
            comm = st.src
            cfields, cgroups = racy_context(
                {"ppid": b.get("ppid"), "uid": 0, "gid": 0,
                 "exe": "/bin/busybox", "cgroup": cgroup,
                 "container_id": container_id_of(cgroup)})
        who = {"pid": pid, "tid": tid, "comm": comm, "_step": st.name}
        if alone:
            e = kind_fields("module_load", st.compat)
            e.update({"module": st.module, "taints": st.taints})
            e.update(cfields, **who)
            e["_groups"] = list(cgroups)
            exp.append(e)
            continue
        for _ in range(st.calls):
            e = step_calls(st, out, kver)
            e.update(cfields, **who)
            e["_groups"] = e.get("_groups", []) + cgroups
            exp.append(e)
        for kind, fields in st.extra:
            if events is not None and kind not in events:
                continue
            e = kind_fields(kind, st.compat)
            e.update({k: resolve(out, v) for k, v in fields.items()})
            if kind == "init_module":
                e.update(load_fields(e.get("module"), e.get("taints"),
                                     e.get("ret")))
            # rmmod's module_free happens inside its delete_module: whether
            # /proc still has rmmod when the tool reads it is a race
            e.update(cfields, **who)
            e["_groups"] = list(cgroups)
            empty_string(e, not st.modcall)
            exp.append(derived(e))
    return exp


def check_steps_log(out, ran):
    """The steps the guest ran (a phase that never armed ran none)."""
    text = read(out, "steps.log")
    if text is None:
        return
    got = text.split("\n")
    want = []
    for i, (phase, steps, _, _) in enumerate(PHASES):
        if i:
            want.append("--- " + phase)
        if phase in ran:
            want += [s.name for s in steps]
    want.append("")
    if got != want:
        err("steps.log does not match the scenario tables in check.py:\n"
            f"    guest ran: {got}\n    check.py:  {want}")


def tag_calls(out, ran):
    """modcall lines from calls.jsonl, tagged with their step (in order)."""
    calls = read_jsonl(out, "calls.jsonl")
    want = []
    for name, steps, _, _ in PHASES:
        if name in ran:
            for st in steps:
                if st.modcall:
                    want += [st.name] * st.calls
    if len(calls) != len(want):
        err(f"calls.jsonl has {len(calls)} lines, the scenario makes "
            f"{len(want)} modcall calls")
    for c, name in zip(calls, want):
        c["_step"] = name
    return [c for c in calls if "_step" in c]


# ---------------------------------------------------------------- self-tests

def selftest_name(g):
    """The string of another finit-ftrace run's self-test call @g
    ("finit-ftrace-selftest-<pid>"), "" when it has none, else None: not a
    self-test call. Nothing of the scenario runs as comm finit-ftrace, so
    every call of that comm is a self-test call (check_selftests then
    insists on its string: an init_module of len 0 too)."""
    if g.get("comm") != SELFTEST_COMM or g.get("event") not in \
            ("finit_module", "init_module", "delete_module"):
        return None
    ev = g.get("event")
    v = get(g, "args.name" if ev == "delete_module" else "args.param_values")
    return v if isinstance(v, str) else ""


def split_selftests(recs):
    """(records of the scenario, other runs' self-test calls)"""
    mine, tests = [], []
    for g in recs:
        (tests if selftest_name(g) is not None else mine).append(g)
    return mine, tests


def check_selftests(where, tests, pids, events=None, compat=True):
    """Self-test calls of the runs @pids seen by another tracer (@where):
    every one failed and names its run ("finit-ftrace-selftest-PID"); the
    64-bit ones come from the run itself, the 32-bit ones from a child of
    it; each run made each call it makes (of @events), 64-bit and
    (@compat) 32-bit."""
    kinds = [k for k in ("finit_module", "init_module", "delete_module")
             if events is None or k in events]
    want = {(k, c) for k in kinds for c in ((False, True) if compat
                                            else (False,))}
    seen = {}
    for g in tests:
        name = selftest_name(g)
        ret = g.get("ret")
        if not isinstance(ret, int) or isinstance(ret, bool) or ret >= 0:
            err(f"{where}: a self-test call did not fail (ret {ret!r}): "
                f"{g['_line']}: {g['_raw']}")
        run = int_of(name[len(SELFTEST_PREFIX):]) if name else None
        if run not in pids:
            err(f"{where}: a self-test call whose string {name!r} names no "
                f"finit-ftrace run of {sorted(pids)}: {g['_line']}: "
                f"{g['_raw']}")
            continue
        if (g.get("tid") == run) == bool(g.get("compat")):
            err(f"{where}: a {'32' if g.get('compat') else '64'}-bit "
                f"self-test call of run {run} from tid {g.get('tid')} (64-bit "
                "ones from the run, 32-bit ones from a child): "
                f"{g['_line']}: {g['_raw']}")
        seen.setdefault(run, set()).add((g.get("event"), g.get("compat")))
    for p in pids:
        have = seen.get(p, set())
        if have != want:
            err(f"{where}: self-test calls of finit-ftrace pid {p}: "
                f"{sorted(have)}, expected {sorted(want)}")


def int_of(text):
    try:
        return int((text or "").strip())
    except ValueError:
        return None


# ---------------------------------------------------------------- comparison

def shape(g):
    """Per-line sanity: every key present, of the right type."""
    for k in ALL_KEYS:
        if k not in g:
            err(f"{g['_line']}: key {k!r} missing: {g['_raw']}")
    ev = g.get("event")
    args = g.get("args")
    if ev in ARGS_KEYS and isinstance(args, dict) and \
            sorted(args) != sorted(ARGS_KEYS[ev]):
        err(f"{g['_line']}: args keys {sorted(args)}, expected "
            f"{sorted(ARGS_KEYS[ev])}")
    origin = g.get("origin")
    if not isinstance(origin, dict):
        err(f"{g['_line']}: origin is not an object: {origin!r}")
    elif sorted(origin) != sorted(ORIGIN_KEYS):
        err(f"{g['_line']}: origin keys {sorted(origin)}, expected "
            f"{sorted(ORIGIN_KEYS)}")
    ts = g.get("ts_ns")
    if not isinstance(ts, int) or isinstance(ts, bool):
        err(f"{g['_line']}: ts_ns is not an integer: {ts!r}")
    cpu = g.get("cpu")
    if not isinstance(cpu, int) or not 0 <= cpu < 2:
        err(f"{g['_line']}: cpu {cpu!r} is not 0 or 1 (-smp 2)")
    if not isinstance(g.get("time"), str):
        err(f"{g['_line']}: time is not a string: {g.get('time')!r}")


def compare_one(e, g):
    """Differences between expectation @e and record @g, as text lines."""
    diffs = []
    for k, v in e.items():
        if k.startswith("_"):
            continue
        a = get(g, k)
        if not match(v, a):
            diffs.append(f"      {k}: expected {fmt(v)}, got {fmt(a)}")
    for alts in e.get("_groups", []):
        if any(all(match(v, get(g, k)) for k, v in alt.items())
               for alt in alts):
            continue
        want = " or ".join("{" + ", ".join(f"{k}: {fmt(v)}"
                                           for k, v in alt.items()) + "}"
                           for alt in alts)
        got = ", ".join(f"{k}: {fmt(get(g, k))}" for k in alts[0])
        diffs.append(f"      expected {want}; got {{{got}}}")
    return diffs


def compare_events(phase, fname, exp, got):
    """Match expected to actual records by tid, in order; diff each field."""
    for g in got:
        shape(g)
        if selftest_name(g) is not None:
            err(f"{phase}: {fname} has a self-test call (no other run of "
                f"the tool made any while it was armed): {g['_line']}: "
                f"{g['_raw']}")
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
            err(f"{phase}: step {e['_step']}: no {e['event']} record in "
                f"{fname} for {e['comm']} pid {e['pid']} tid {e['tid']} "
                f"(expected {what})")
            continue
        g = lst.pop(0)
        matched.append(g)
        diffs = compare_one(e, g)
        if diffs:
            err(f"{phase}: step {e['_step']} ({g['_line']}):\n" +
                "\n".join(diffs) + f"\n    line: {g['_raw']}")
    for rest in by_tid.values():
        for g in rest:
            err(f"{phase}: unexpected record {g['_line']}: {g['_raw']}")
    seen = {id(g) for g in matched}
    if [id(g) for g in matched] != [id(g) for g in got if id(g) in seen]:
        err(f"{phase}: records in {fname} are not in the order the calls "
            "were made: " + ", ".join(
                f"{g['_line']} {g.get('event')} tid {g.get('tid')}"
                for g in got))


# guest-init.sh's policy for phase 1's watch (/etc/finit-policy.ini)
POLICY_RE = re.compile(r"^finit-ftrace: WARNING: policy: (\d+) event\(s\) allowed, "
                       r"(\d+) DENIED$")


def vm_verdict(g):
    """(verdict, rule) of a record under phase 1's policy: loads of loop
    and brd and every unload allowed, all else denied."""
    if g.get("event") in ("finit_module", "init_module", "module_load") and \
            g.get("module") in ("loop", "brd"):
        return "allow", "vm-loop"
    if g.get("event") in ("delete_module", "module_free"):
        return "allow", "vm-unloads"
    return "deny", "default"


def check_verdicts(out, got):
    """Every record of phase 1 judged by its policy, each verdict shown,
    and the summary counting them."""
    seen = {}
    for g in got:
        want = vm_verdict(g)
        have = (g.get("verdict"), g.get("rule"))
        if have != want:
            err(f"{g['_line']}: verdict, rule {have}, expected {want}: "
                f"{g['_raw']}")
        seen[have] = seen.get(have, 0) + 1
    for want in (("allow", "vm-loop"), ("allow", "vm-unloads"),
                 ("deny", "default")):
        if not seen.get(want):
            err(f"watch.jsonl: no record with verdict, rule {want}")
    allowed = sum(n for (v, _), n in seen.items() if v == "allow")
    lines = (read(out, "watch.stderr") or "").splitlines()
    sums = [POLICY_RE.match(ln) for ln in lines if POLICY_RE.match(ln)]
    if [(int(m[1]), int(m[2])) for m in sums] != [(allowed, len(got) - allowed)]:
        err(f"watch.stderr: expected one line 'policy: {allowed} event(s) "
            f"allowed, {len(got) - allowed} DENIED', got: " +
            "; ".join(m[0] for m in sums))


def check_lookalike(out, got):
    """64-bit syscalls 128/129 are no module calls: no record may name them."""
    lines = read_jsonl(out, "lookalike.jsonl")
    want = [("rt_sigtimedwait", -11), ("rt_sigqueueinfo", 0)]
    if [(c.get("event"), c.get("ret")) for c in lines] != want:
        err("lookalike.jsonl: premise broken: expected rt_sigtimedwait = -11 "
            "EAGAIN then rt_sigqueueinfo = 0, got: " +
            "; ".join(c["_raw"] for c in lines))
    tids = {c.get("tid") for c in lines}
    for g in got:
        if g.get("tid") in tids:
            err("watch: a 64-bit process's rt_sigtimedwait (128) / "
                "rt_sigqueueinfo (129) came out as a module call (they are "
                "the 32-bit init_module/delete_module numbers; a 64-bit "
                f"task's raw_syscalls ids are not compat): {g['_line']}: "
                f"{g['_raw']}")
    # the generic check must not report them a second time
    return [g for g in got if g.get("tid") not in tids]


def s32(v):
    v &= 0xffffffff
    return v - (1 << 32) if v >> 31 else v


def s64(v):
    v &= (1 << 64) - 1
    return v - (1 << 64) if v >> 63 else v


def parse_trace_cmd(out):
    """finit_module calls from `trace-cmd report -R`: enter + matching exit,
    from the syscalls events and, for 32-bit callers, raw_syscalls id 350."""
    text = read(out, "tc.txt")
    if text is None:
        return None
    rx = re.compile(r"^\s*(?P<comm>.*)-(?P<pid>\d+)\s+\[(?P<cpu>\d+)\]\s*"
                    r"(?P<ts>[\d.]+):\s+(?P<ev>\w+):\s+(?P<rest>.*)$")
    calls, open_ = [], {}
    for line in text.splitlines():
        m = rx.match(line)
        if not m:
            continue
        rest = m["rest"]
        f = dict(kv.split("=", 1) for kv in rest.split() if "=" in kv)
        tid = int(m["pid"])
        try:
            if m["ev"] == "sys_enter_finit_module":
                c = {"tid": tid, "comm": m["comm"].strip(), "compat": False,
                     "fd": s32(int(f["fd"], 16)),
                     "flags": s32(int(f["flags"], 16)),
                     "uargs": int(f["uargs"], 16), "ret": None, "line": line}
                calls.append(c)
                open_[tid] = c
            elif m["ev"] == "sys_exit_finit_module" and tid in open_:
                open_.pop(tid)["ret"] = s64(int(f["ret"], 16))
            elif m["ev"] == "sys_enter" and int(f["id"], 0) == 350:
                raw = re.search(r"args=ARRAY\[([^\]]*)\]", rest)
                b = bytes(int(x, 16) for x in raw[1].split(","))
                a = [int.from_bytes(b[8 * i:8 * i + 8], "little")
                     for i in range(3)]
                c = {"tid": tid, "comm": m["comm"].strip(), "compat": True,
                     "fd": s32(a[0]), "flags": s32(a[2]),
                     "uargs": a[1] & 0xffffffff, "ret": None, "line": line}
                calls.append(c)
                open_[tid] = c
            elif m["ev"] == "sys_exit" and int(f["id"], 0) == 350 and \
                    tid in open_:
                open_.pop(tid)["ret"] = s64(int(f["ret"], 0))
        except (KeyError, ValueError, TypeError):
            err(f"tc.txt: cannot parse: {line}")
    return calls


def diff_tc(what, t, want, who, rec):
    """One error listing each field where trace-cmd's call @t and @want
    (from our record @rec, printed by @who) differ."""
    diffs = [f"      {k}: trace-cmd {fmt(t[k])}, {who} {fmt(v)}"
             for k, v in want.items() if t[k] != v]
    if diffs:
        err(f"{what}:\n" + "\n".join(diffs) +
            f"\n    trace-cmd: {t['line']}\n    {who + ':':<11}{rec['_raw']}")


def tc_incomplete(out):
    """Entries trace-cmd left in the kernel buffer when SIGINT stopped it
    (`trace-cmd report --stat` of tc.dat, run.sh: tc-stat.txt). Often some
    (what came after it stopped reading); with fewer calls than watch, its
    file lacks calls through no fault of ours (seen under TCG, busy host)."""
    left = [int(n) for n in re.findall(r"^entries: (\d+)$",
                                       read(out, "tc-stat.txt", quiet=True) or "",
                                       re.M)]
    return sum(left)


def compare_trace_cmd(out, watch):
    tc = parse_trace_cmd(out)
    if tc is None:
        return
    # record's and watch's self-tests (trace-cmd was armed before both)
    pids = {int_of(read(out, n + ".pid", quiet=True)) for n in ("rec", "watch")}
    tests = [t for t in tc if t["comm"] == SELFTEST_COMM]
    tc = [t for t in tc if t["comm"] != SELFTEST_COMM]
    # (trace-cmd has no strings: the 64-bit call from the run's pid, the
    # 32-bit one from a child of it, each fd -1 and EBADF)
    for t in tests:
        if t["fd"] != -1 or t["ret"] != -9 or \
                (t["tid"] in pids) == t["compat"]:
            err("tc.txt: a finit-ftrace finit_module call that is no "
                "self-test call (fd -1, -9 EBADF; 64-bit from record or "
                f"watch {sorted(pids)}, 32-bit from a child): {t['line']} "
                f"(ret {t['ret']})")
    got64 = sorted(t["tid"] for t in tests if not t["compat"])
    n32 = sum(1 for t in tests if t["compat"])
    watch = [w for w in watch if w.get("event") == "finit_module"]
    left = tc_incomplete(out)
    if left and len(tc) < len(watch):
        # trace-cmd stopped with entries unread (its own loss, seen under
        # TCG on a busy host): each call it has must be watch's, by tid
        notes.append(f"tc.txt: trace-cmd left {left} entries unread when stopped "
                     f"and has {len(tc)} of watch's {len(watch)} finit_module "
                     "calls: those are compared by tid")
        by_tid = {w.get("tid"): w for w in watch}
        # an enter whose exit trace-cmd lost has no ret: nothing to compare
        tc = [dict(t, ret=by_tid[t["tid"]].get("ret")) if t["ret"] is None else t
              for t in tc if t["tid"] in by_tid]
        watch = [by_tid[t["tid"]] for t in tc]
    elif got64 != sorted(pids) or n32 != len(pids):
        err(f"tc.txt: self-test finit_module calls: 64-bit from {got64}, "
            f"{n32} 32-bit; expected one of each per run {sorted(pids)}")
    if not tc:
        err("tc.txt: trace-cmd recorded no finit_module call")
        return
    if len(tc) != len(watch):
        err(f"trace-cmd recorded {len(tc)} finit_module calls, watch.jsonl "
            f"has {len(watch)}")
    for i, (t, w) in enumerate(zip(tc, watch)):
        mine = {"tid": w.get("tid"), "comm": w.get("comm"),
                "compat": w.get("compat"),
                "fd": get(w, "args.fd"), "flags": get(w, "args.flags"),
                "ret": w.get("ret"), "uargs": as_int(w.get("uargs_ptr"))}
        diff_tc(f"trace-cmd call #{i + 1} vs {w['_line']}", t, mine,
                "watch", w)
    for t in tc[len(watch):]:
        err(f"trace-cmd call missing from watch.jsonl: {t['line']}")


# ---------------------------------------------------------------- record/report

# What `report` says about the process context of every record (the fields
# that need /proc).
OFFLINE_CONTEXT = "unavailable-offline"
# ts_ns of the same call in two instances: each instance's copy of the
# enter is stamped when its own eprobe writes it, one after the other
# (TCG: milliseconds apart)
TS_SLACK_NS = 100_000_000
# time - ts_ns: each run's offset to CLOCK_REALTIME, taken at its start
OFFSET_SLACK_NS = 10_000_000


def offline(w):
    """What `report` must print for watch's record @w: the same, except
    what needs /proc (path, context, /proc strings of 32-bit callers)."""
    e = {k: v for k, v in w.items()
         if not k.startswith("_") and k not in ("time", "ts_ns")}
    e["origin"] = dict(w.get("origin") or {})
    e["args"] = dict(w.get("args") or {})
    # the host reports without watch's policy
    e["verdict"] = e["rule"] = None
    if w.get("event") == "finit_module":
        e["path"] = None
        e["origin"]["path"] = "unavailable-offline"
        e["origin"]["sha256"] = "unavailable-offline"
    # pid and comm that came from /proc are not in the file
    for k in ("pid", "comm"):
        if (w.get("origin") or {}).get(k) == "procfs":
            e[k] = None
            e["origin"][k] = "unavailable-offline"
    for k in CONTEXT + IDENTITY:
        e[k] = None
    e["origin"]["context"] = OFFLINE_CONTEXT
    for k in IDENTITY:
        e["origin"][k] = OFFLINE_CONTEXT
    if (w.get("origin") or {}).get("param_values") == "procfs":
        # watch took it from /proc because the probe's record could not
        # tell "" from a failed read (empty_string): offline that record
        # is all there is, a string the kernel did not read
        e["args"]["param_values"] = None
        e["origin"]["param_values"] = "fault" if \
            get(w, "args.param_values") == "" and not EMPTY_KERNEL \
            else "unavailable-offline"
    return e


def flat(obj, prefix=""):
    out = {}
    for k, v in obj.items():
        if k.startswith("_"):
            continue
        if isinstance(v, dict) and v:
            out.update(flat(v, prefix + k + "."))
        else:
            out[prefix + k] = v
    return out


def rfc3339_ns(t):
    """"2026-11-28T00:54:22.333114280Z" -> ns since the epoch (UTC)."""
    import calendar
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{9})Z",
                     t or "")
    if not m:
        return None
    secs = calendar.timegm(tuple(int(x) for x in m.groups()[:6]))
    return secs * 10**9 + int(m[7])


def offsets(recs, fname):
    """time - ts_ns of every record: one constant per file."""
    offs = set()
    for g in recs:
        t = rfc3339_ns(g.get("time"))
        if t is None or not isinstance(g.get("ts_ns"), int):
            err(f"{g['_line']}: time {g.get('time')!r} is not RFC 3339 "
                "UTC with ns")
            continue
        offs.add(t - g["ts_ns"])
    if len(offs) > 1:
        err(f"{fname}: time - ts_ns is not one constant: {sorted(offs)}")
    return offs.pop() if len(offs) == 1 else None


def check_rec(out, watch, name="rec", phase="watch"):
    """finit-ftrace record @name ran beside watch @phase (phase 1: rec,
    phase 4: erec); `finit-ftrace report -F json NAME.dat` (run.sh:
    NAME.jsonl) must give the same records, and watch's self-test calls
    (record was armed first)."""
    what = f"finit-ftrace record ({name})"
    check_rc(out, name, what)
    if not armed(out, name):
        return
    alive = (read(out, name + ".alive-at-stop") or "").strip()
    if alive != "yes":
        err(f"{what}: had exited before the guest stopped it with SIGINT "
            f"(alive-at-stop: {alive!r}); stderr:\n    " +
            (read(out, name + ".stderr") or "").strip()
            .replace("\n", "\n    "))
    stderr = read(out, name + ".stderr") or ""
    m = re.search(rf"^finit-ftrace: wrote /out/{name}\.dat: (\d+) "
                  r"call\(s\), \d+ bytes of data$", stderr, re.M)
    rc = (read(out, name + "-report.rc") or "").strip()
    if rc != "0":
        err(f"finit-ftrace report -F json {name}.dat exited {rc}; stderr:"
            "\n    " + (read(out, name + "-report.stderr") or "").strip()
            .replace("\n", "\n    "))
    every = read_jsonl(out, name + ".jsonl")
    got, tests = split_selftests(every)
    if not m:
        err(f"{what}: no 'finit-ftrace: wrote /out/{name}.dat: N "
            "call(s), ... bytes of data' on stderr:\n    " +
            stderr.strip().replace("\n", "\n    "))
    elif int(m[1]) != len(every):
        err(f"{what} says it wrote {m[1]} call(s); report {name}.dat "
            f"printed {len(every)} records ({len(tests)} of them "
            f"self-test calls of watch, {len(watch)} in {phase}.jsonl)")
    wpid = int_of(read(out, phase + ".pid", quiet=True))
    check_selftests(f"report {name}.dat", tests, {wpid},
                    PHASE_EVENTS.get(phase), phase not in NO_COMPAT)
    if len(got) != len(watch):
        err(f"report {name}.dat: {len(got)} records (without self-tests), "
            f"{phase}.jsonl has {len(watch)}")
    woff = offsets(watch, phase + ".jsonl")
    roff = offsets(every, name + ".jsonl")
    if woff is not None and roff is not None and \
            abs(woff - roff) > OFFSET_SLACK_NS:
        err(f"report {name}.dat: time - ts_ns is {roff}, watch's is {woff} "
            f"(more than {OFFSET_SLACK_NS} ns apart)")
    laundered = []
    for w, g in zip(watch, got):
        shape(g)
        where = f"report {name}.dat {g['_line']} vs {w['_line']}"
        if (g.get("event"), g.get("tid")) != (w.get("event"), w.get("tid")):
            err(f"{where}: {g.get('event')} of tid {g.get('tid')}, watch has "
                f"{w.get('event')} of tid {w.get('tid')} (not the same call "
                "or not in the same order)")
            continue
        dts = (g.get("ts_ns") or 0) - (w.get("ts_ns") or 0)
        if abs(dts) > TS_SLACK_NS:
            err(f"{where}: ts_ns {g.get('ts_ns')}, watch {w.get('ts_ns')}")
        want, have = flat(offline(w)), flat(g)
        if g.get("event") == "module_load" and g.get("cpu") != w.get("cpu"):
            # each instance stamps its own copy of the tracepoint; seen on
            # 7.2 once: 1.2 ms and another CPU apart (the task moved
            # between the two writes?)
            notes.append(f"{name}: module_load {g.get('module')}: cpu "
                         f"{g.get('cpu')} ts {g.get('ts_ns')} in report, "
                         f"cpu {w.get('cpu')} ts {w.get('ts_ns')} in watch")
            want["cpu"] = g.get("cpu")
        for k in ("pid", "comm"):
            # record and watch resolve pid/comm each on their own: the file
            # keeps what the kernel's tables told record, not what /proc did.
            # So either the same value from the kernel, or null offline.
            if have.get(k) is None and have.get("origin." + k) == "unavailable-offline":
                want[k], want["origin." + k] = None, "unavailable-offline"
            elif have.get(k) == w.get(k) and have.get("origin." + k) == "kernel":
                want[k], want["origin." + k] = w.get(k), "kernel"
                if w["origin"].get(k) == "procfs":
                    laundered.append(f"{g['_line']} {k}")
        diffs = [f"      {k}: expected {fmt(v)}, got "
                 f"{fmt(have.get(k, KeyError))}"
                 for k, v in want.items() if not match(v, have.get(k, KeyError))]
        diffs += [f"      {k}: unexpected key" for k in have
                  if k not in want and k not in ("time", "ts_ns")]
        if diffs:
            err(f"{where}:\n" + "\n".join(diffs) +
                f"\n    watch:  {w['_raw']}\n    report: {g['_raw']}")
    if laundered:
        notes.append(f"{name}: record had pid/comm from the kernel's tables "
                     "where watch read /proc: " + ", ".join(laundered))
    compare_rec_trace_cmd(out, every, name)


TC_LINE = re.compile(r"^\s*(?P<comm>.*)-(?P<pid>\d+)\s+\[(?P<cpu>\d+)\]\s*"
                     r"(?P<ts>[\d.]+):\s+(?P<ev>\w+):\s+(?P<rest>.*)$")


def compare_rec_trace_cmd(out, rep, name="rec"):
    """`trace-cmd report NAME.dat` (NAME-tc.txt): our probes (eprobes print
    as "finit_module:", "init_module:", "delete_module:", kprobes as
    "kp_finit_module:" ...; the native tier's sys_enter_finit_module beside
    its eprobe), the 32-bit calls' ia32 kprobes "kp32_*:" and kretprobes
    "kr32_*:" (ret), sys_exit_* (the kprobe path: kretprobes "kr_*:"),
    module_load, module_free. trace-cmd does not
    count clock "boot" among its ns clocks, so it prints the raw timestamp:
    the same number as report's ts_ns."""
    rc = (read(out, name + "-tc.rc") or "").strip()
    if rc != "0":
        err(f"trace-cmd report {name}.dat exited {rc}; stderr:\n    " +
            (read(out, name + "-tc.stderr") or "").strip()
            .replace("\n", "\n    "))
    text = read(out, name + "-tc.txt")
    if text is None:
        return
    num = r"(0x[0-9a-f]+|-?\d+)"
    probe_rx = re.compile(r'(?:\(\S+\) )?fd=' + num + ' uargs=' + num +
                          r' params="(.*)" flags=' + num +
                          r'(?: caller="[^"]*")?')
    native_rx = re.compile(r'fd: (0x[0-9a-f]+), uargs: (0x[0-9a-f]+) '
                           r'"(.*)", flags: (0x[0-9a-f]+)')
    calls, open_ = [], {}
    counts, native_ts = {}, {}
    for line in text.splitlines():
        m = TC_LINE.match(line)
        if not m:
            continue
        ev, rest, tid = m["ev"], m["rest"], int(m["pid"])
        compat = ev.startswith(("kp32_", "kr32_"))
        if ev.startswith("kp_"):
            ev = ev[3:]   # the kprobe tier's probe of the call
        counts[ev] = counts.get(ev, 0) + 1
        base = {"tid": tid, "comm": m["comm"].strip(), "cpu": int(m["cpu"]),
                "ts": m["ts"], "ret": None, "line": line}
        if DYN_KIND and ev == "sys_enter_finit_module":
            # the call's time is its syscall event's; our probe (eprobe,
            # kprobe) is stamped a little later
            native_ts[tid] = m["ts"]
            continue
        if not DYN_KIND and ev.startswith("sys_enter_"):
            ev = ev[len("sys_enter_"):]   # counted as our probes' names
            counts[ev] = counts.get(ev, 0) + 1
        if ev in ("finit_module", "kp32_finit_module"):
            # native: 'fd: 0x3, uargs: 0x7ff.. "p=1", flags: 0x0'; a
            # kprobe's line starts with its address, "(ffffffff8c347090) ",
            # and its u64 fields print in decimal (the eprobe's in hex)
            f = (native_rx if not DYN_KIND and not compat else
                 probe_rx).fullmatch(rest)
            if not f:
                err(f"{name}-tc.txt: cannot parse: {line}")
                continue
            c = dict(base, compat=compat, fd=s32(int(f[1], 0)),
                     uargs=int(f[2], 0), params=f[3],
                     flags=s32(int(f[4], 0)))
            c["ts"] = native_ts.pop(tid, c["ts"])
        elif ev == "sys_enter" and rest.startswith("NR 350 "):
            # the raw_syscalls compat path (kernels without kprobe events)
            a = re.fullmatch(r"NR 350 \(([0-9a-f]+), ([0-9a-f]+), "
                             r"([0-9a-f]+),.*\)", rest)
            if not a:
                err(f"{name}-tc.txt: cannot parse: {line}")
                continue
            c = dict(base, compat=True, fd=s32(int(a[1], 16)),
                     uargs=int(a[2], 16), params=None,
                     flags=s32(int(a[3], 16)))
        elif ev in ("sys_exit_finit_module", "sys_exit",
                    "kr32_finit_module", "kr_finit_module") and tid in open_:
            r = re.fullmatch(r"(0x[0-9a-f]+)|NR 350 = (-?\d+)|"
                             r"\(\S+ <- \S+\) ret=(-?\d+)", rest.strip())
            if r:
                open_.pop(tid)["ret"] = s64(int(r[1], 16)) if r[1] \
                    else int(r[2] or r[3])
            continue
        else:
            continue
        calls.append(c)
        open_[tid] = c
    for ev in ("finit_module", "init_module", "delete_module"):
        for compat in (False, True):
            n = sum(1 for g in rep if g.get("event") == ev and
                    bool(g.get("compat")) == compat)
            lines = "kp32_" + ev if compat else ev
            if counts.get(lines, 0) != n:
                err(f"trace-cmd report {name}.dat: {counts.get(lines, 0)} "
                    f"'{lines}:' lines, report has {n} "
                    f"{'32' if compat else '64'}-bit {ev} records")
            exits = "kr32_" + ev if compat else \
                ("kr_" if CPATH == "kprobe" else "sys_exit_") + ev
            if counts.get(exits, 0) != n:
                err(f"trace-cmd report {name}.dat: {counts.get(exits, 0)} "
                    f"'{exits}:' lines, report has {n} "
                    f"{'32' if compat else '64'}-bit {ev} records")
    # module_load: one per load, joined to its call or alone
    n = sum(1 for g in rep if g.get("event") == "module_load" or
            (g.get("event") in ("finit_module", "init_module") and
             (g.get("origin") or {}).get("module") == "kernel"))
    if counts.get("module_load", 0) != n:
        err(f"trace-cmd report {name}.dat: {counts.get('module_load', 0)} "
            f"'module_load:' lines, report has {n} loads")
    n = sum(1 for g in rep if g.get("event") == "module_free")
    if counts.get("module_free", 0) != n:
        err(f"trace-cmd report {name}.dat: {counts.get('module_free', 0)} "
            f"'module_free:' lines, report has {n} module_free records")
    mine = [g for g in rep if g.get("event") == "finit_module"]
    if len(calls) != len(mine):
        err(f"trace-cmd report {name}.dat: {len(calls)} finit_module calls "
            f"({TIER} + kp32), report has {len(mine)}")
    for t, g in zip(calls, mine):
        # our files carry OFFSET and a 1:1 TSC2NSEC: trace-cmd prints the
        # call's wall time, seconds with 6 decimals (report's "time", rounded)
        wall = rfc3339_ns(g.get("time"))
        if wall is not None and re.fullmatch(r"\d+\.\d{6}", t["ts"] or "") and \
                abs(int(t["ts"].replace(".", "")) * 1000 - wall) <= 1000:
            t = dict(t, ts="wall time of report's time")
        want = {"tid": g.get("tid"), "comm": g.get("comm"),
                "cpu": g.get("cpu"), "ts": "wall time of report's time",
                "compat": g.get("compat"), "fd": get(g, "args.fd"),
                "flags": get(g, "args.flags"),
                "uargs": as_int(g.get("uargs_ptr")), "ret": g.get("ret"),
                "params": get(g, "args.param_values")}
        if want["params"] is None and t["params"] == "":
            want["params"] = ""   # a probe's "" (report: null, fault)
        diff_tc(f"trace-cmd report {name}.dat vs report {g['_line']}", t, want,
                "report", g)


# ---------------------------------------------------------------- fixtures

# trace-cmd files made in the guest (make_fixtures in guest-init.sh): what
# module_load says for each call of NAME.calls.jsonl, in order (None: no
# load, the call failed). Mirrors make_fixtures; check.py compares the
# lengths.
FIXTURES = {
    "v7-zstd": [("brd", ""), None, ("nlmon", "FE"), None, None],
    "v6": [("loop", ""), ("mii", ""), None, None],
    "buffers": [("eql", ""), ("ifb", ""), None, None],
}
FIXTURE_MAX_BYTES = 200 * 1024


def fixture_expect(c, load):
    """The record `report` must print for the call @c (a modcall line, or
    fx_bb's line for a busybox applet) from a trace-cmd file: no /proc, no
    strings (no eprobe in the file; the native tier's field is), no tgids
    (pid null), no offset (time is
    the raw trace clock)."""
    bb = "applet" in c
    if bb:
        c = dict(c, event="finit_module", fd=3, flags=0,
                 ret=0 if c.get("rc") == 0 else KeyError,
                 errno=None)
    compat = c.get("comm") == "modcall32"
    # the native tier's field is in trace-cmd's files too (not for compat
    # callers: those are raw_syscalls records)
    native = TIER == "native" and not compat
    e = {"event": c.get("event"), "pid": None, "tid": c.get("tid"),
         "comm": c.get("comm"), "compat": compat,
         "args": {"fd": c.get("fd"),
                  "param_values": c.get("param_values") if native else None,
                  "flags": c.get("flags")},
         "flags_names": flags_names(c.get("flags") or 0, FINIT_FLAGS),
         "uargs_ptr": Pointer(32 if compat else 64),
         "ret": c.get("ret"), "errno": c.get("errno"),
         "module": load[0] if load else None,
         "taints": load[1] if load else None,
         "path": None, "sha256": None, "truncated": False,
         "origin": {"pid": "unavailable-offline", "tid": "kernel",
                    "comm": "kernel", "args": "kernel",
                    "param_values": "kernel" if native
                    else "unavailable-offline", "ret": "kernel",
                    "module": "kernel" if load else "unavailable",
                    "path": "unavailable-offline", "sha256": "unavailable-offline",
                    "context": OFFLINE_CONTEXT,
                    **{k: OFFLINE_CONTEXT for k in IDENTITY}},
         "verdict": None, "rule": None}
    for k in CONTEXT + IDENTITY:
        e[k] = None
    e["raw_b64"] = {}   # the scenario's strings are UTF-8
    e["schema_version"] = SCHEMA_VERSION
    return e


def check_fixtures(out):
    """`finit-ftrace report -F json` on the trace-cmd files (run.sh:
    fixtures/NAME.report.jsonl) against what the callers printed."""
    fx = os.path.join(out, "fixtures")
    total = 0
    for name, loads in FIXTURES.items():
        where = f"fixture {name}"
        rc = (read(out, f"fixtures/{name}.tc.rc") or "").strip()
        if rc != "0":
            err(f"{where}: trace-cmd record exited {rc}:\n    " +
                (read(out, f"fixtures/{name}.tc.log") or "").strip()
                .replace("\n", "\n    "))
        if exists(out, f"fixtures/{name}.tc.hung"):
            err(f"{where}: trace-cmd record did not exit within 30 s of "
                "SIGINT")
        dat = os.path.join(fx, name + ".dat")
        if not os.path.exists(dat):
            err(f"{where}: no {name}.dat")
            continue
        size = os.path.getsize(dat)
        if size > FIXTURE_MAX_BYTES:
            err(f"{where}: {name}.dat is {size} bytes, more than "
                f"{FIXTURE_MAX_BYTES} (was /proc/kallsyms masked?)")
        for what in ("report", "tc-report"):
            rc = (read(out, f"fixtures/{name}.{what}.rc") or "").strip()
            if rc != "0":
                err(f"{where}: {what} exited {rc}: " +
                    (read(out, f"fixtures/{name}.{what}.stderr") or "")
                    .strip())
        calls = read_jsonl(out, f"fixtures/{name}.calls.jsonl")
        if len(calls) != len(loads):
            err(f"{where}: {len(calls)} calls in {name}.calls.jsonl, "
                f"check.py's FIXTURES lists {len(loads)}")
        got = read_jsonl(out, f"fixtures/{name}.report.jsonl")
        total += len(got)
        if len(got) != len(calls):
            err(f"{where}: report printed {len(got)} records for "
                f"{len(calls)} calls")
        for c, load in zip(calls, loads):
            if "applet" not in c and c.get("event") != "finit_module":
                err(f"{where}: {c['_line']}: not a finit_module call")
        for c, load, g in zip(calls, loads, got):
            shape(g)
            want, have = flat(fixture_expect(c, load)), flat(g)
            diffs = [f"      {k}: expected {fmt(v)}, got "
                     f"{fmt(have.get(k, KeyError))}"
                     for k, v in want.items()
                     if not match(v, have.get(k, KeyError))]
            diffs += [f"      {k}: unexpected key" for k in have
                      if k not in want and k not in ("time", "ts_ns", "cpu")]
            t = rfc3339_ns(g.get("time"))
            if t != g.get("ts_ns"):
                diffs.append(f"      time {g.get('time')!r} is not ts_ns "
                             f"{g.get('ts_ns')} (a trace-cmd file has no "
                             "offset to wall time)")
            if diffs:
                err(f"{where}: {g['_line']} vs {c['_line']}:\n" +
                    "\n".join(diffs) + f"\n    call:   {c['_raw']}\n"
                    f"    report: {g['_raw']}")
        ts = [g.get("ts_ns") for g in got]
        if ts != sorted(ts, key=lambda v: v or 0):
            err(f"{where}: ts_ns not ascending: {ts}")
    left = (read(out, "fixtures/instances-after.txt") or "").split()
    if left:
        err(f"fixtures: tracefs instances left after trace-cmd: {left}")
    return total


# ---------------------------------------------------------------- the rest

def check_rc(out, name, what):
    if not armed(out, name):
        err(f"{what}: never printed 'finit-ftrace: armed' (see {name}.stderr)")
    if exists(out, name + ".hung"):
        err(f"{what}: did not exit within 30 s of SIGINT; it was killed")
    rc = read(out, name + ".rc")
    if rc is not None and rc.strip() != "0":
        stderr = (read(out, name + ".stderr") or "").strip()
        err(f"{what}: exit status {rc.strip()}, expected 0; stderr:\n    " +
            stderr.replace("\n", "\n    "))


def check_capabilities(out):
    check_rc(out, "check", "finit-ftrace check --format json")
    data = read_bytes(out, "check.json")
    if data is None:
        return
    try:
        obj = strict_json("check.json", data)
    except ValueError as e:
        err(f"check.json: not strict JSON ({e}): {data!r}")
        return
    for k, v in CHECK_EXPECT.items():
        parts = k.split(".", 1)
        a = obj.get(parts[0], KeyError) if len(parts) == 1 else \
            (obj.get(parts[0]) or {}).get(parts[1], KeyError)
        if not match(v, a):
            err(f"check.json: {k}: expected {fmt(v)}, got {fmt(a)}")
    st = obj.get("selftest")
    if not isinstance(st, dict) or not st:
        err(f"check.json: no \"selftest\" object: {text.strip()}")
        return
    for t in {TIER, EXACT, BROKEN, "kprobe", "compat-kprobe"} - {None}:
        if t not in st:
            err(f"check.json: selftest has no {t!r}: {st}")
    for t, v in st.items():
        if t == BROKEN:
            if v == "ok" or not isinstance(v, str) or not v:
                err(f"check.json: selftest.{t}: {v!r}; on {KVER} the "
                    f"{t} tier is broken, the self-test must say why")
        elif v != "ok":
            err(f"check.json: selftest.{t}: {v!r}, expected \"ok\"")


def finit_lines(text):
    return [ln for ln in (text or "").splitlines() if "finit" in ln]


def dyn_group(dyn, group):
    """{event name: kind ("e:", "p:", "r:")} of dynamic_events' @group"""
    have = {}
    for ln in dyn.splitlines():
        # kretprobes say "r10:" (their maxactive)
        m = re.match(r"^([epr])\d*:" + re.escape(group) + r"/(\S+) ", ln)
        if m:
            have[m[2]] = m[1] + ":"
    return have


def probe_names(events, compat):
    """{name: kind} of our dynamic events for the calls @events (None: all):
    the string tier's probe per call (eprobe "finit_module", kprobe
    "kp_finit_module"), with @compat the ia32 kprobe and kretprobe
    ("kp32_finit_module", "kr32_finit_module")."""
    calls = [k for k in STRING_EVENTS if events is None or k in events]
    want = {}
    if DYN_KIND:
        pre = "kp_" if DYN_KIND == "p:" else ""
        want.update({pre + k: DYN_KIND for k in calls})
    if CPATH == "kprobe":
        want.update({"kr_" + k: "r:" for k in calls})
    if compat:
        want.update({"kp32_" + k: "p:" for k in calls})
        want.update({"kr32_" + k: "r:" for k in calls})
    return want


def check_probes(who, dyn, group, events, compat):
    """The dynamic events of @group in @dyn are exactly probe_names()."""
    have = dyn_group(dyn, group)
    want = probe_names(events, compat)
    if have != want:
        err(f"{who}: while armed, {group} has dynamic events "
            f"{sorted(f'{v}{k}' for k, v in have.items())}, expected "
            f"{sorted(f'{v}{k}' for k, v in want.items())} ({TIER} tier"
            f"{', compat kprobes' if compat else ''}); dynamic_events:\n    "
            + dyn.strip().replace("\n", "\n    "))
    return have


def instances_of(pid):
    """A run's tracefs instances: its own, and its protected loads buffer
    (every kernel of the matrix has module:module_load)"""
    return [f"finit-ftrace-{pid}-loads", f"finit-ftrace-{pid}"]


def check_tracefs(out):
    """While armed: our instance and probes; after exit: nothing of ours.
    Phases 1 and 4 run `finit-ftrace record` beside watch: while watch is
    armed both instances and both probe groups exist; record's are still
    there when watch has exited (it is stopped after), and gone after it
    exits."""
    recs = {ph: (read(out, r + ".pid", quiet=True) or "").strip()
            for r, ph in RECORDS if armed(out, r)}
    for phase, _, _, what in PHASES:
        if not armed(out, phase):
            continue
        pid = (read(out, phase + ".pid", quiet=True) or "").strip()
        pids = [(pid, what)]
        if recs.get(phase):
            pids.append((recs[phase], "finit-ftrace record (beside watch)"))
        inst = (read(out, phase + ".instances-armed.txt") or "").split()
        dyn = read(out, phase + ".dynamic_events-armed.txt") or ""
        for p, w in pids:
            for i in instances_of(p):
                if i not in inst:
                    err(f"{w}: while watch was armed, no tracefs instance "
                        f"{i} (instances: {inst})")
            check_probes(w, dyn, f"finit_ftrace_{p}", PHASE_EVENTS.get(phase),
                         phase not in NO_COMPAT)
        ours = {i for p, _ in pids for i in instances_of(p)}
        others = [i for i in inst if i.startswith("finit") and i not in ours]
        if others:
            err(f"{what}: while armed, other instances of ours (a self-test's "
                f"left behind?): {others}")
    left = [(f"{p}.instances-after.txt", f"{p}.dynamic_events-after.txt",
             f"{w} exited") for p, _, _, w in PHASES]
    left += [(f"{r}.instances-after.txt", f"{r}.dynamic_events-after.txt",
              f"finit-ftrace record ({r}) exited") for r, _ in RECORDS]
    left += [
             ("stale.instances-after.txt", "stale.dynamic_events-after.txt",
              "cleanup ran"),
             ("instances.txt", "dynamic_events.txt", "the scenario ended")]
    for inst_file, dyn_file, what in left:
        inst = read(out, inst_file)
        dyn = finit_lines(read(out, dyn_file))
        rec_pid = recs.get(inst_file.split(".")[0])
        if rec_pid:
            # record is still running when watch exits
            inst = "\n".join(i for i in (inst or "").split()
                             if i not in instances_of(rec_pid))
            dyn = [ln for ln in dyn
                   if not re.match(rf"^[epr]\d*:finit_ftrace_{rec_pid}/", ln)]
        if inst is not None and inst.split():
            err(f"tracefs instances left after {what}: {inst.split()}")
        if dyn:
            err(f"dynamic events left after {what}:\n    " +
                "\n    ".join(dyn))


def check_raw_enabled(out):
    """--no-compat leaves raw_syscalls off beside the syscalls events."""
    for phase, want in RAW_ENABLED.items():
        if not armed(out, phase):
            continue
        got = (read(out, phase + ".raw-enable.txt") or "").strip()
        if got != want:
            err(f"{phase}: raw_syscalls:sys_enter enable was {got!r} while "
                f"armed, expected {want!r}")
        # the kprobe path's point: no syscall tracepoint at all
        got = (read(out, phase + ".syscalls-enable.txt") or "").strip()
        want = "0" if CPATH == "kprobe" else "X"
        if got != want:
            err(f"{phase}: the syscalls system's enable was {got!r} while "
                f"armed ({CPATH} path), expected {want!r}")


def check_user_buf(out):
    """The native tier raises syscall_user_buf_size (7.2): put back after."""
    before = read(out, "user_buf_size-before", quiet=True)
    after = read(out, "user_buf_size-after", quiet=True)
    if TIER == "native" and not before:
        err("syscall_user_buf_size missing on a kernel with the native tier")
    if (before or "").strip() != (after or "").strip():
        err(f"syscall_user_buf_size was {before!r} before the scenario and "
            f"{after!r} after it")


def check_stale(out):
    """A watch killed with SIGKILL, then `finit-ftrace cleanup`."""
    if not armed(out, "stale"):
        err("stale: the watch to be killed never printed 'finit-ftrace: "
            "armed' (see stale.stderr)")
        return
    pid = (read(out, "stale.pid") or "").strip()
    inst = f"finit-ftrace-{pid}"
    group = f"finit_ftrace_{pid}"
    killed = (read(out, "stale.instances-killed.txt") or "").split()
    for i in instances_of(pid):
        if i not in killed:
            err(f"stale: after kill -9, instance {i} is not there to reclaim "
                f"(instances: {killed})")
    dyn = read(out, "stale.dynamic_events-killed.txt") or ""
    # the string tier's probes and the compat kprobes, in tracefs' order
    events = list(check_probes("stale: after kill -9", dyn, group, None,
                               True))
    rc = (read(out, "cleanup.rc") or "").strip()
    stdout = read(out, "cleanup.stdout") or ""
    stderr = (read(out, "cleanup.stderr") or "").strip()
    if rc != "0":
        err(f"stale: finit-ftrace cleanup exited {rc}; stderr: {stderr}")
    want = [f"finit-ftrace: removed stale instance {i} (pid {pid} is gone)"
            for i in instances_of(pid)]
    want += [f"finit-ftrace: removed stale dynamic event {group}/{ev} "
             f"(pid {pid} is gone)" for ev in events]
    n = len(want)
    if TIER == "native":   # the killed watch had raised it
        want.append("finit-ftrace: restored syscall_user_buf_size to 63")
    want.append(f"finit-ftrace: cleanup removed {n} stale instance(s)")
    got = stdout.splitlines()
    # the removals in any order: tracefs lists them in its own
    if got[-1:] != want[-1:] or sorted(got) != sorted(want):
        err("stale: finit-ftrace cleanup printed:\n    " +
            stdout.strip().replace("\n", "\n    ") + "\n  expected:\n    " +
            "\n    ".join(want))


ARMED_RE = re.compile(r"^finit-ftrace: armed: instance finit-ftrace-(\d+), "
                      r"events (\S+), strings (\S+), compat (\S+), "
                      r"filter (.*), clock (\S+)$")
SELFTEST_RE = re.compile(r"^finit-ftrace: self-test: (\S+ (?:ok|FAILED).*)$")
VERDICT_RE = re.compile(r"(\S+) (ok|FAILED \((.*?)\))(?=, \S+ (?:ok|FAILED)|$)")


def check_run_stderr(out, name, what, compat):
    """A watch/record run's stderr: the self-test line (every offered tier
    ok but the profile's broken one), then the armed line (string tier,
    compat path), and the broken tier's WARNING only where it is broken."""
    if not armed(out, name):
        return
    lines = (read(out, name + ".stderr") or "").splitlines()
    where = f"{what} ({name}.stderr)"
    arm = [i for i, ln in enumerate(lines) if ln.startswith(
        "finit-ftrace: armed")]
    test = [i for i, ln in enumerate(lines) if SELFTEST_RE.match(ln)]
    if len(test) != 1 or not arm or test[0] > arm[0]:
        err(f"{where}: expected one 'finit-ftrace: self-test: ...' line "
            "before the armed line:\n    " + "\n    ".join(lines[:12]))
    if test:
        text = SELFTEST_RE.match(lines[test[0]])[1]
        results = {m[1]: m[2] for m in VERDICT_RE.finditer(text)}
        if ", ".join(f"{k} {v}" for k, v in results.items()) != text:
            err(f"{where}: cannot parse the self-test line: {lines[test[0]]}")
        for t in {TIER, EXACT, BROKEN} - {None}:
            if t not in results:
                err(f"{where}: the self-test did not test {t}: "
                    f"{lines[test[0]]}")
        for t, v in results.items():
            if (t == BROKEN) != v.startswith("FAILED"):
                err(f"{where}: self-test {t} {v}, expected " +
                    ("FAILED" if t == BROKEN else "ok"))
    if arm:
        m = ARMED_RE.match(lines[arm[0]])
        strings = TIER + (f"+{EXACT}" if EXACT else "")
        want_compat = "kprobe" if compat else "off"
        if not m:
            err(f"{where}: armed line not as the contract says: "
                f"{lines[arm[0]]}")
        elif (m[1], m[2], m[3], m[4], m[6]) != \
                ((read(out, name + ".pid", quiet=True) or "").strip(),
                 CPATH, strings, want_compat, "boot"):
            err(f"{where}: armed line {lines[arm[0]]!r}: expected instance "
                f"finit-ftrace-<its pid>, events {CPATH}, strings {strings}, "
                f"compat {want_compat}, clock boot")
    # phase 1's policy line (check_verdicts) is no warning about the kernel
    warn = [ln for ln in lines if "WARNING" in ln and not POLICY_RE.match(ln)]
    if BROKEN:
        if not any(KVER in ln and BROKEN in ln and "broken" in ln
                   for ln in warn):
            err(f"{where}: no WARNING line naming {KVER}, {BROKEN} and "
                "'broken':\n    " + "\n    ".join(lines[:12]))
    elif warn:
        err(f"{where}: unexpected warning(s): " + "; ".join(warn))


def check_modsets(out, phase, got):
    """The modules that appeared in /proc/modules during @phase (snapshots
    before each step and at the end) are exactly the modules the tool
    reported loaded: finit/init_module with ret 0, and module_load."""
    text = read(out, phase + ".modsnap")
    if text is None:
        return
    snaps = [ln.split() for ln in text.splitlines() if ln.strip()]
    if not snaps or snaps[0][0] != "initial" or snaps[-1][0] != "final":
        err(f"{phase}.modsnap: no initial and final snapshot: {text!r}")
        return
    initial = set(snaps[0][1:])
    appeared = set()
    for sn in snaps:
        appeared |= set(sn[2:] if sn[0] == "before" else sn[1:])
    appeared -= initial
    loaded = {g.get("module") for g in got
              if (g.get("event") in ("finit_module", "init_module") and
                  g.get("ret") == 0) or g.get("event") == "module_load"}
    if appeared != loaded:
        err(f"{phase}: the modules that appeared in /proc/modules "
            f"{sorted(appeared)} are not the loads {phase}.jsonl reported "
            f"{sorted(loaded, key=str)} (appeared, not reported: "
            f"{sorted(appeared - loaded)}; reported, did not appear: "
            f"{sorted(loaded - appeared, key=str)})")


def check_holds(out):
    text = read(out, "hold-timeouts", quiet=True)
    if text:
        err("held callers released without their record (the tool printed "
            "nothing for them within 20 s):\n    " +
            text.strip().replace("\n", "\n    "))


def check_modules(out):
    """The kernel's own view of the taints that module_load reported."""
    text = read(out, "modules.txt")
    if text is None:
        return
    taints = {}
    for ln in text.splitlines():
        m = re.match(r"^(\S+) .*?(?:\((\w+)\))?$", ln)
        if m:
            taints[m[1]] = m[2] or ""
    for st in SCENARIO + FILTER_SCENARIO + COMM_SCENARIO + EVENTS_SCENARIO:
        if st.module and st.ret == 0 and taints.get(st.module) != st.taints:
            err(f"/proc/modules: {st.module} has taints "
                f"{taints.get(st.module)!r}, the scenario expects "
                f"{st.taints!r}")


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


def check_utf8(out):
    """"JSON is valid for every consumer" (issue 13): the utf8 phase's call
    passed "bad=\\xff\\xfe end" (a closed fd: EBADF). Every line of
    utf8.jsonl is strict JSON; the call's record has U+FFFD for each invalid
    byte, origin kernel (the string tier read it), and raw_b64 gives the
    exact bytes back."""
    if not armed(out, "utf8"):
        err("utf8: the watch never printed 'finit-ftrace: armed'")
        return
    check_rc(out, "utf8", "finit-ftrace watch -e finit_module (utf8)")
    check_run_stderr(out, "utf8", "finit-ftrace watch -e finit_module (utf8)", True)
    want = b"bad=\xff\xfe end"
    got = []
    for n, raw in enumerate((read_bytes(out, "utf8.jsonl") or b"").splitlines(), 1):
        try:
            obj = json.loads(raw.decode("utf-8"))
            json.dumps(obj, ensure_ascii=False).encode("utf-8")
        except ValueError as e:
            err(f"utf8.jsonl:{n}: not strict JSON ({e}): {raw!r}")
            continue
        if get(obj, "args.fd") == 42 and obj.get("comm") == "modcall":
            got.append(obj)
    if len(got) != 1:
        err(f"utf8: {len(got)} records of the call with fd 42, expected 1")
        return
    g = got[0]
    raw = (g.get("raw_b64") or {}).get("param_values")
    have = (get(g, "args.param_values"), get(g, "origin.param_values"), g.get("ret"),
            base64.b64decode(raw) if raw else None)
    if have != ("bad=\ufffd\ufffd end", "kernel", -9, want):
        err(f"utf8: the call's record gave (param_values, origin, ret, raw bytes) "
            f"{have!r}, expected ('bad=\\ufffd\\ufffd end', 'kernel', -9, {want!r})")


GUARD_RE = re.compile(r"^finit-ftrace: (\d+) load\(s\) the main buffer lost were "
                      r"reported from the protected loads buffer")


def check_guard(out):
    """"Loads are protected": with the tool stopped, a load on CPU 0 and
    then 20,000 junk calls that overwrite the main buffer; the load comes
    back from the protected loads buffer, once, as the kernel recorded it
    (module, taints, tid, comm), and the summary says where it came from
    and what the main buffer lost."""
    if not exists(out, "guard.pid"):
        err("guard: the phase did not run (no guard.pid)")
        return
    for f in ("guard.not-armed", "guard.hung"):
        t = read(out, f, quiet=True)
        if t:
            err(f"guard: {f}: {t.strip()}")
    check_rc(out, "guard", "finit-ftrace watch (guard)")
    check_run_stderr(out, "guard", "finit-ftrace watch (guard)", True)
    calls = read_jsonl(out, "guard.calls.jsonl")
    if len(calls) != 1 or calls[0].get("rc") != 0:
        err(f"guard: busybox insmod of ifb: {calls} (premise: it loaded)")
        return
    got = read_jsonl(out, "guard.jsonl")
    check_modsets(out, "guard", got)
    mine = [(g.get("event"), g.get("module"), g.get("tid"), g.get("taints"),
             get(g, "origin.module"), g.get("cpu")) for g in got
            if g.get("module") == "ifb"]
    want = [("module_load", "ifb", calls[0]["pid"], "", "kernel", 0)]
    if mine != want:
        err(f"guard: the load of ifb was reported as {mine}, expected {want}")
    lines = (read(out, "guard.stderr") or "").splitlines()
    rec = [int(m[1]) for m in map(GUARD_RE.match, lines) if m]
    if rec != [1]:
        err("guard: the summary does not say 1 load came from the protected "
            "loads buffer:\n    " + "\n    ".join(lines[-12:]))
    if not any((m := LOST_RE.match(ln)) and m[1] == "0" for ln in lines):
        err("guard: no 'cpu0 LOST events' line: the main buffer was not "
            "overrun, so the protected buffer was not what saved the load")
    if any("protected loads buffer LOST" in ln for ln in lines):
        err("guard: the protected loads buffer lost records")


def check_tamper(out):
    """The protected loads buffer is watched like our instance: the tamper
    phase turned its tracing off and on again while the watch ran. The run
    names the file with its instance as the writes happen, counts them in
    the summary, and exits 1."""
    if not exists(out, "tamper.pid"):
        err("tamper: the phase did not run (no tamper.pid)")
        return
    pid = (read(out, "tamper.pid") or "").strip()
    rc = (read(out, "tamper.rc") or "").strip()
    if not armed(out, "tamper") or rc != "1":
        err(f"tamper: the watch exited {rc!r} (armed: {armed(out, 'tamper')}), expected 1")
    lines = (read(out, "tamper.stderr") or "").splitlines()
    said = re.compile(rf"^finit-ftrace: instance finit-ftrace-{pid}: finit-ftrace-{pid}"
                      rf"-loads/tracing_on \(armed with '1', reads '[01]' now\): "
                      r"written by another process")
    count = re.compile(rf"^finit-ftrace: instance finit-ftrace-{pid}: (\d+) write\(s\) "
                       r"or change\(s\) by another process")
    n = [int(m[1]) for m in map(count.match, lines) if m]
    # (inotify merges two writes in a row to one file into one event)
    if not any(said.match(ln) for ln in lines) or not n or n[0] < 1:
        err("tamper: the loads buffer's tracing_on written twice, the run did not "
            "say so:\n    " + "\n    ".join(lines[-8:]))


FLOOD_MIN = 200000      # the issue's floor: at least this many junk calls
# the flood's two real loads (guest-init.sh's flood_steps): step, module,
# params as they reach the kernel (busybox insmod adds a space after each)
FLOOD_LOADS = [("flood-insmod-dummy", "dummy", "numdummies=2 "),
               ("flood-loop-params", "loop", "max_loop=4 max_part=1")]
LOST_RE = re.compile(r"^finit-ftrace: cpu(\d+) LOST events: (\d+)(\+unknown)? in "
                     r"sub-buffer headers, overrun (\d+), dropped (\d+)")
SUMMARY_RE = re.compile(r"^finit-ftrace: (\d+) event\(s\), (\d+) record\(s\) read")


def made_by(g, pid):
    """g is a call of the single-threaded process pid: its tid (the kernel
    recorded it) is pid, and its pid is pid, or null because the tool could
    not tell (origin unavailable: the caller was gone when its record was
    decoded, behind a flood, and the kernel's tables did not show it)"""
    return g.get("tid") == pid and (
        g.get("pid") == pid or
        (g.get("pid") is None and get(g, "origin.pid") == "unavailable"))


def check_flood(out):
    """"A flood must not hide a load": burst's junk calls (finit_module(-1,
    "p=1", 0), -9 EBADF) are each reported exactly once, nothing is lost,
    and the two loads made while burst ran are reported with module,
    params and ret. Streams flood.jsonl (some 100 MB): junk records are
    counted and checked field by field, not kept. Returns (issued,
    captured, lost) for the summary line."""
    want_n = int(os.environ.get("FLOOD_N", FLOOD_MIN))
    if want_n == 0:
        if exists(out, "flood.pid"):
            err("flood: the phase ran, run.sh said it would not (FLOOD_N=0)")
        return None
    if not exists(out, "flood.pid"):
        err("flood: the phase did not run (no flood.pid)")
        return None
    for f in ("flood.not-armed", "flood.hung", "flood.catch-up-timeout"):
        t = read(out, f, quiet=True)
        if t:
            err(f"flood: {f}: {t.strip()}")
    check_rc(out, "flood", "finit-ftrace watch (flood)")
    check_run_stderr(out, "flood", "finit-ftrace watch (flood)", True)
    if want_n < FLOOD_MIN:
        notes.append(f"flood: only {want_n} junk calls (VMTEST_FLOOD_N); the issue "
             f"asks for at least {FLOOD_MIN}")
    bo = (read(out, "flood.burst.out") or "").strip()
    m = re.match(r"^issued (\d+) pid (\d+) ", bo)
    if not m:
        err(f"flood: burst printed {bo!r}, not 'issued N pid PID ...'")
        return None
    issued, bpid = int(m[1]), int(m[2])
    if issued != want_n:
        err(f"flood: burst issued {issued} calls, asked for {want_n}")
    if (read(out, "flood.burst.rc") or "").strip() != "0":
        err("flood: burst did not exit 0")
    if (read(out, "flood.burst-alive") or "").strip() != "yes":
        err("flood: burst had finished before both loads were made (they "
            "were not in the middle of the flood)")
    # the callers of the loads
    calls = {c.get("step", "flood-loop-params"): c
             for c in read_jsonl(out, "flood.calls.jsonl")}
    captured, bad, others, ts, unknown = 0, [], [], [], 0
    path = os.path.join(out, "flood.jsonl")
    try:
        f = open(path, "rb")
    except OSError as e:
        err(f"flood.jsonl: cannot read ({e.strerror})")
        return None
    with f:
        for n, line in enumerate(f, 1):
            try:
                g = strict_json(f"flood.jsonl:{n}", line)
            except ValueError as e:
                err(f"flood.jsonl:{n}: not strict JSON ({e}): {line[:200]!r}")
                continue
            if g.get("pid") is None or g.get("comm") is None:
                unknown += 1
            if made_by(g, bpid):
                captured += 1
                ts.append(g.get("ts_ns"))
                got = (g.get("event"), g.get("tid"), g.get("comm"),
                       get(g, "args.fd"), get(g, "args.param_values"),
                       get(g, "args.flags"), g.get("ret"), g.get("errno"),
                       g.get("module"), g.get("compat"))
                want = ("finit_module", bpid, "burst", -1, "p=1", 0, -9,
                        "EBADF", None, False)
                if got != want and len(bad) < 5:
                    bad.append(f"flood.jsonl:{n}: {got} != {want}")
            else:
                g["_line"] = f"flood.jsonl:{n}"
                others.append(g)
    if bad:
        err("flood: junk records not as burst made them:\n    " +
            "\n    ".join(bad))
    # per-CPU losses, and the event count, from the summary
    lines = (read(out, "flood.stderr") or "").splitlines()
    # per CPU, as the tool adds them up: max(headers, overrun) + dropped
    lost = sum(max(int(m[2]), int(m[4])) + int(m[5])
               for m in map(LOST_RE.match, lines) if m)
    if "finit-ftrace: lost events: 0 on all 2 CPUs" not in lines:
        err("flood: the summary does not say 'lost events: 0 on all 2 "
            "CPUs':\n    " + "\n    ".join(ln for ln in lines
                                             if "LOST" in ln or "lost" in ln))
    sm = [m for m in map(SUMMARY_RE.match, lines) if m]
    if len(sm) != 1:
        err(f"flood: no 'N event(s), M record(s) read' summary line")
    elif int(sm[0][1]) != captured + len(others):
        err(f"flood: the summary says {sm[0][1]} events, flood.jsonl has "
            f"{captured + len(others)}")
    um = [m for m in map(re.compile(
        r"^finit-ftrace: (\d+) event\(s\) with pid or comm unknown").match, lines) if m]
    if unknown != (int(um[0][1]) if um else 0):
        err(f"flood: {unknown} records with pid or comm null, the summary says "
            f"{um[0][1] if um else 'none'}")
    if captured != issued:
        # a loss must at least be said: captured + lost/R == issued, R the
        # records per call (enter, exit and the string tier's probe record:
        # records read / events); still a failure (nothing may hide)
        rpc = round(int(sm[0][2]) / int(sm[0][1])) if len(sm) == 1 and \
            int(sm[0][1]) else 2
        said = "the summary accounts for it" if \
            captured + lost // rpc == issued else "the summary does NOT account for it"
        err(f"flood: {issued} junk calls issued, {captured} reported, "
            f"{lost} records lost, {rpc} per call ({said})")
    # each real load, exactly once, with module, params and ret
    for step, module, params in FLOOD_LOADS:
        c = calls.get(step)
        if c is None:
            err(f"flood: no caller line for {step} in flood.calls.jsonl")
            continue
        if step == "flood-loop-params" and (c.get("ret"), c.get(
                "param_values")) != (0, params):
            err(f"flood: modcall says {c} (premise: loop loaded, ret 0)")
        if step == "flood-insmod-dummy" and c.get("rc") != 0:
            err(f"flood: busybox insmod of dummy exited {c.get('rc')}")
        mine = [g for g in others if made_by(g, c.get("pid"))]
        got = [(g.get("event"), g.get("module"),
                get(g, "args.param_values"), g.get("ret"), g.get("errno"))
               for g in mine]
        want = [("finit_module", module, params, 0, None)]
        if got != want:
            err(f"flood: {step} (pid {c.get('pid')}): records {got}, "
                f"expected {want}")
            continue
        t = mine[0].get("ts_ns")
        if ts and not (min(ts) < t < max(ts)):
            err(f"flood: {step}'s call (ts_ns {t}) is not between the "
                f"first and the last junk call ({min(ts)}, {max(ts)})")
    load_pids = {calls.get(s, {}).get("pid") for s, _, _ in FLOOD_LOADS}
    extra = [g for g in others if not any(made_by(g, p) for p in load_pids)]
    if extra:
        err("flood: records neither junk nor the two loads:\n    " +
            "\n    ".join(f"{g['_line']}: {g.get('event')} pid "
                          f"{g.get('pid')} {g.get('comm')}" for g in extra[:10]))
    check_modsets(out, "flood", others)
    for what in ("instances", "dynamic_events"):
        text = read(out, f"flood.{what}-after.txt")
        left = finit_lines(text) if what == "dynamic_events" else \
            [i for i in (text or "").split() if i.startswith("finit")]
        if left:
            err(f"flood: {what} left after watch exited: {left}")
    return issued, captured, lost


def report(out, counts):
    for n in notes:
        print(f"check.py: note: {n}")
    if errors:
        print(f"check.py: {len(errors)} problem(s) in {out}:", file=sys.stderr)
        for e in errors:
            print("  - " + e, file=sys.stderr)
        return 1
    print(f"check.py: OK ({CPATH} path): {counts['watch']} records in watch.jsonl match "
          "modcall, busybox, /proc and trace-cmd, and `report` on record's "
          f"rec.dat; {counts['fixtures']} records of `report` on trace-cmd "
          "files match the calls; the filters kept exactly "
          f"{counts['filter']} and {counts['commfilter']}, -e init_module "
          f"{counts['events']} (module_load included); self-tests seen by "
          "the other tracers failed; module sets match the reported loads; "
          "capabilities as expected; tracefs clean, stale run reclaimed; "
          f"flood: {counts['flood']}")
    return 0


def main():
    if len(sys.argv) not in (2, 3) or \
            (len(sys.argv) == 3 and sys.argv[2] not in PROFILES):
        print("usage: check.py OUTDIR [%s]" % "|".join(PROFILES),
              file=sys.stderr)
        return 2
    global KVER
    out = sys.argv[1]
    apply_profile(sys.argv[2] if len(sys.argv) == 3 else "6.1")
    apply_path(os.environ.get("VMTEST_PATH", "auto"))
    kver = KVER = (read(out, "uname") or "").strip()

    check_capabilities(out)
    for phase, _, _, what in PHASES:
        check_rc(out, phase, what)
        check_run_stderr(out, phase, what, phase not in NO_COMPAT)
    for r, _ in RECORDS:
        check_run_stderr(out, r, f"finit-ftrace record ({r})", True)
    check_rc(out, "tc", "trace-cmd record")
    check_tracefs(out)
    check_user_buf(out)
    check_raw_enabled(out)
    check_stale(out)
    check_holds(out)
    check_modules(out)
    check_kernel_log(out)
    # A phase whose watch never armed ran no calls: said once above, rather
    # than once per missing record.
    ran = {p for p, _, _, _ in PHASES if armed(out, p)}
    check_steps_log(out, ran)
    # trace-cmd's fixtures are made on the auto boot only
    fixture_records = check_fixtures(out) if CPATH != "kprobe" else 0

    calls = tag_calls(out, ran)
    bbs = read_jsonl(out, "busybox.jsonl")
    counts = {}
    for phase, steps, keep, _ in PHASES:
        if phase not in ran:
            counts[phase] = 0
            continue
        names = {s.name for s in steps}
        cgroup = PHASE1_CGROUP if phase == "watch" else "/"
        exp = expected_events(steps, out, kver,
                              [c for c in calls if c["_step"] in names],
                              bbs, phase, cgroup, keep,
                              PHASE_EVENTS.get(phase))
        got = read_jsonl(out, phase + ".jsonl")
        check_modsets(out, phase, got)
        if phase == "watch":
            # judged by check_verdicts: the expectations say no policy
            for e in exp:
                e.pop("verdict", None)
                e.pop("rule", None)
            check_verdicts(out, got)
            compare_trace_cmd(out, got)
            got = check_lookalike(out, got)
        for r, ph in RECORDS:
            if ph == phase:
                check_rec(out, got, r, phase)
        compare_events(phase, phase + ".jsonl", exp, got)
        counts[phase] = len(exp)
    counts["fixtures"] = fixture_records
    check_guard(out)
    check_utf8(out)
    check_tamper(out)
    fl = check_flood(out)
    counts["flood"] = ("%d junk calls issued, %d reported, %d lost; both "
                       "loads reported" % fl) if fl else "not run"
    return report(out, counts)


if __name__ == "__main__":
    sys.exit(main())
