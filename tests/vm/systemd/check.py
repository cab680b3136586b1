#!/usr/bin/env python3
# check.py - judge the systemd VM test's results (guest.sh's files): the unit
# is enabled and armed at boot, the test's loads are in its journal with
# their fields, stop and SIGHUP leave nothing behind, SIGKILL + start
# reclaims the dead run's instance, and the binary reads the installed config.
#
# Usage: check.py RESULTS_DIR
import json
import os
import sys

R = sys.argv[1]
failures = []


def fail(msg):
    """fail - note one failed assertion"""
    failures.append(msg)
    print("check: FAIL: " + msg)


def ok(msg):
    """ok - a passed assertion"""
    print("check: ok: " + msg)


def read(name):
    """read - a result file's text ("" when absent)"""
    try:
        with open(os.path.join(R, name), encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def show(name):
    """show - the `systemctl show` snapshot NAME.show as a dict"""
    return dict(l.split("=", 1) for l in read(name + ".show").splitlines() if "=" in l)


def ours(name):
    """ours - our tracefs instances and dynamic events in snapshot NAME"""
    inst = [l for l in read(name + ".instances").split() if l.startswith("finit-ftrace")]
    return inst, read(name + ".dynevents").split("\n")[:-1]


def expect(cond, good, bad):
    """expect - ok(good) if cond, else fail(bad)"""
    if cond:
        ok(good)
    else:
        fail(bad)


def journal():
    """journal - the unit's journal entries, and the events among them"""
    entries, events = [], []
    for line in read("journal.json").splitlines():
        e = json.loads(line)
        entries.append(e)
        msg = e.get("MESSAGE")
        if isinstance(msg, str) and msg.startswith("{"):
            events.append((e, json.loads(msg)))
    return entries, events


def check_boot():
    """check_boot - enabled by the package, notify-type, armed and clean"""
    s = show("boot")
    expect(read("enabled").strip() == "enabled", "the unit is enabled (by the package)",
           f"is-enabled says {read('enabled').strip()!r}")
    expect(s.get("ActiveState") == "active" and s.get("Type") == "notify",
           "active at boot, Type=notify (READY=1 reached)", f"at boot: {s}")
    expect(s.get("StatusText", "").startswith("armed: instance finit-ftrace-"),
           f"STATUS= {s.get('StatusText')!r}", f"no armed STATUS=: {s.get('StatusText')!r}")
    inst, _ = ours("boot")
    pid = s.get("MainPID")
    expect(sorted(inst) == [f"finit-ftrace-{pid}", f"finit-ftrace-{pid}-loads"],
           f"its instances at boot: {inst}",
           f"instances at boot {inst}, MainPID {s.get('MainPID')}")
    expect(read("verify.rc").strip() == "0" and not read("verify.out").strip(),
           "systemd-analyze verify: clean", f"systemd-analyze verify: {read('verify.out')!r}")
    score = [l for l in read("security.out").splitlines() if "Overall exposure" in l]
    expect(score, f"systemd-analyze security: {score[0].split(': ', 1)[-1] if score else ''}",
           "no systemd-analyze security score")
    for n in read("notes").splitlines():
        fail("guest: " + n)


def check_loads(events, entries):
    """check_loads - each of the test's loads is one event with its fields"""
    pids = {e.get("_PID") for e, _ in events}
    for line in read("loads").splitlines():
        how, mod, rc, *params = line.split()
        if rc != "0":
            fail(f"{how} {mod} failed in the guest (exit {rc})")
            continue
        hits = [(e, ev) for e, ev in events
                if ev.get("event") == "finit_module" and ev.get("module") == mod]
        if len(hits) != 1:
            fail(f"{mod}: {len(hits)} finit_module event(s) in the journal, not 1")
            continue
        e, ev = hits[0]
        want = {"ret": 0, "errno": None, "comm": how if how == "insmod" else "modprobe",
                "exe": "/usr/bin/kmod", "uid": 0, "compat": False}
        bad = {k: ev.get(k) for k, v in want.items() if ev.get(k) != v}
        if not (ev.get("path") or "").endswith(f"/{mod}.ko"):
            bad["path"] = ev.get("path")
        pv = (ev.get("args") or {}).get("param_values")
        if pv != read(f"params.{mod}") or not pv.endswith(" ".join(params)):
            bad["param_values"] = (pv, read(f"params.{mod}"))
        # an empty string is a zero-length data_loc: the next tier's (README)
        if ev.get("origin", {}).get("param_values") != ("kernel" if pv else "procfs"):
            bad["origin.param_values"] = ev.get("origin", {}).get("param_values")
        if e.get("_SYSTEMD_UNIT") != "finit-ftrace.service" or e.get("SYSLOG_IDENTIFIER") != "finit-ftrace":
            bad["journal"] = (e.get("_SYSTEMD_UNIT"), e.get("SYSLOG_IDENTIFIER"))
        expect(not bad, f"{mod}: in the journal, {ev['event']} by {ev['comm']} pid {ev['pid']}, "
               f"path {ev['path']}, params {ev['args'].get('param_values')!r}, "
               f"journal _PID {e.get('_PID')}", f"{mod}: fields differ: {bad}")
    boot = [ev for e, ev in events if ev.get("event") == "finit_module"
            and float(e["__REALTIME_TIMESTAMP"]) / 1e6 < float(read("t1") or 0)]
    expect(boot, f"{len(boot)} boot-time load(s) before the test's (udev coldplug): "
           f"{sorted({str(ev.get('module')) for ev in boot})}",
           "no boot-time load in the journal: armed after udev's coldplug?")
    armed = [e for e in entries if str(e.get("MESSAGE", "")).startswith("finit-ftrace: armed: ")]
    expect(len(armed) >= 3, f"{len(armed)} 'armed:' lines on stderr (boot, start, restart)",
           f"{len(armed)} 'armed:' lines")
    return pids


def check_stop():
    """check_stop - stop, SIGKILL + start, SIGHUP"""
    s = show("stop")
    inst, dyn = ours("stop")
    expect(read("stop.rc").strip() == "0" and s.get("ActiveState") == "inactive"
           and s.get("Result") == "success" and not inst and not dyn and not read("stop.procs"),
           "systemctl stop: inactive, success, no instance, no dynamic event, no process",
           f"after stop: {s} instances {inst} dynamic events {dyn} procs {read('stop.procs')!r}")
    r1, r2 = show("run1"), show("run2")
    inst, dyn = ours("run2")
    old = f"finit-ftrace-{r1.get('MainPID')}"
    expect(r2.get("ActiveState") == "active" and r2.get("MainPID") != r1.get("MainPID")
           and all(i.startswith(f"finit-ftrace-{r2.get('MainPID')}") for i in inst)
           and f"finit-ftrace-{r2.get('MainPID')}" in inst
           and dyn and all(f"finit_ftrace_{r2.get('MainPID')}/" in d for d in dyn),
           f"SIGKILL + start: pid {r1.get('MainPID')} -> {r2.get('MainPID')}, only {inst} left",
           f"after SIGKILL + start: run1 {r1} run2 {r2} instances {inst} dyn {dyn}")
    said = [l for l in read("journal-all.txt").splitlines()
            if f"removed stale instance {old}" in l]
    expect(said, f"the dead run's instance was reclaimed: {said[0].split(': ', 1)[-1] if said else ''}",
           f"no 'removed stale instance {old}' in the journal")
    expect(read("reload.rc").strip() != "0" and "not applicable" in read("reload.out"),
           "systemctl reload is refused (no ExecReload; the config is read at start)",
           f"systemctl reload: exit {read('reload.rc').strip()}: {read('reload.out')!r}")
    h = show("hup")
    inst, dyn = ours("hup")
    expect(h.get("ActiveState") == "inactive" and h.get("Result") == "success"
           and h.get("NRestarts") == r2.get("NRestarts") and not inst and not dyn,
           "SIGHUP: a clean stop (inactive, success, not restarted, nothing left)",
           f"after SIGHUP: {h} instances {inst} dyn {dyn}")


def main():
    """main - every check; exit 1 on any failure"""
    print(f"check: kernel {read('uname').strip()}")
    check_boot()
    entries, events = journal()
    check_loads(events, entries)
    check_stop()
    err = read("defcfg.err")
    expect(read("defcfg.rc").strip() == "2" and "/etc/finit-ftrace/finit-ftrace.ini:2" in err,
           "without -c the installed config is read: " + err.strip(),
           f"finit-ftrace check with a bad installed config: exit {read('defcfg.rc').strip()}, {err!r}")
    if failures:
        sys.exit(f"check: {len(failures)} failure(s)")
    print("check: PASS")


main()
