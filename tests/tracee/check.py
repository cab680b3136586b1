#!/usr/bin/env python3
"""check.py - `--format tracee` lines against Tracee's documented event (the
fixture) and, for a caller still alive, against /proc.

    check.py OUT --fixture finit_module.json --tid T --fd N --params S --flags N
             --ret R --exe PATH

The line of caller T must have the fixture's keys in its order (then our
"origin"), the same JSON type for every key, the fixture's argument names and
type strings, and the values the caller and /proc give: ids, namespaces,
cgroup id, start time and Tracee's entity ids (murmur.py). Every line must
be JSON that Tracee's Go reader takes: an int32 argument fits 32 bits.
Exit 0, or print the mismatches and exit 1.
"""
import argparse
import json
import os
import platform
import sys
import time

import murmur

EVENT_IDS = {"x86_64": {"finit_module": "313", "init_module": "175", "delete_module": "176"},
             "aarch64": {"finit_module": "273", "init_module": "105", "delete_module": "106"}}


def kind(v):
    return "null" if v is None else "bool" if isinstance(v, bool) else type(v).__name__


def status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return line.split()[1:]
    return []


def start_ns(pid):
    """Tracee's procfs reading: starttime ticks after boot, as epoch ns."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[19])
    boot = time.clock_gettime_ns(time.CLOCK_REALTIME) - time.clock_gettime_ns(time.CLOCK_BOOTTIME)
    return boot + ticks * (10**9 // os.sysconf("SC_CLK_TCK"))


def cgroup_inode(pid):
    with open(f"/proc/{pid}/cgroup") as f:
        for line in f:
            if line.startswith("0::"):
                return os.stat("/sys/fs/cgroup" + line.strip()[3:]).st_ino
    return 0


def shape(errors, ev, fx):
    keys = list(fx) + ["origin"]
    if list(ev) != keys:
        errors.append(f"keys {list(ev)}, expected {keys}")
    for k, v in fx.items():
        if k in ev and kind(ev[k]) != kind(v):
            errors.append(f"{k} is {kind(ev[k])} {ev[k]!r}, Tracee's is {kind(v)}")
    for k in ("executable", "contextFlags"):
        if isinstance(ev.get(k), dict) and list(ev[k]) != list(fx[k]):
            errors.append(f"{k} keys {list(ev[k])}, expected {list(fx[k])}")
    got = [(a.get("name"), a.get("type")) for a in ev.get("args", [])]
    want = [(a["name"], a["type"]) for a in fx["args"]]
    if got != want:
        errors.append(f"args {got}, Tracee's finit_module has {want}")
    for a in ev.get("args", []):
        if a.get("type") == "int32" and not -2**31 <= a.get("value", 0) < 2**31:
            errors.append(f"int32 argument {a} does not fit 32 bits")


def values(errors, ev, a):
    tid = a.tid
    ppid = int(status(tid, "PPid")[0])
    want = {
        "eventName": "finit_module", "syscall": "finit_module",
        "eventId": EVENT_IDS.get(platform.machine(), {}).get("finit_module"),
        "hostThreadId": tid, "hostProcessId": tid, "hostParentProcessId": ppid,
        "threadId": int(status(tid, "NSpid")[-1]), "processId": int(status(tid, "NStgid")[-1]),
        "parentProcessId": int(status(ppid, "NStgid")[-1]),
        "userId": int(status(tid, "Uid")[0]), "processName": "modcall",
        "executable": {"path": a.exe}, "hostName": os.uname().nodename,
        "mountNamespace": os.stat(f"/proc/{tid}/ns/mnt").st_ino,
        "pidNamespace": os.stat(f"/proc/{tid}/ns/pid").st_ino,
        "cgroupId": cgroup_inode(tid), "returnValue": a.ret, "argsNum": 3,
        "contextFlags": {"containerStarted": False, "isCompat": False},
        "args": [{"name": "fd", "type": "int32", "value": a.fd},
                 {"name": "param_values", "type": "string", "value": a.params},
                 {"name": "flags", "type": "int32", "value": a.flags}],
        "threadEntityId": murmur.entity_id(tid, start_ns(tid)),
        "processEntityId": murmur.entity_id(tid, start_ns(tid)),
        "parentEntityId": murmur.entity_id(ppid, start_ns(ppid)),
    }
    for k, v in want.items():
        if ev.get(k) != v:
            errors.append(f"{k} = {ev.get(k)!r}, expected {v!r}")
    if abs(ev["threadStartTime"] - start_ns(tid)) > 50 * 10**6:
        errors.append(f"threadStartTime {ev['threadStartTime']}, /proc says {start_ns(tid)}")
    if ev["threadEntityId"] != murmur.entity_id(tid, ev["threadStartTime"]):
        errors.append("threadEntityId is not Tracee's hash of tid and threadStartTime")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--fixture", required=True)
    for name in ("tid", "fd", "flags", "ret"):
        p.add_argument("--" + name, type=int, required=True)
    p.add_argument("--params", required=True)
    p.add_argument("--exe", required=True)
    a = p.parse_args()
    with open(a.fixture) as f:
        fx = json.load(f)
    errors, ev = [], None
    with open(a.out, "rb") as f:
        for line in f:
            obj = json.loads(line.decode("utf-8"))
            if obj.get("hostThreadId") == a.tid:
                ev = obj
    if ev is None:
        print(f"no line of tid {a.tid} in {a.out}")
        return 1
    shape(errors, ev, fx)
    values(errors, ev, a)
    if errors:
        print("; ".join(errors[:8]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
