#!/usr/bin/env python3
# check.py - judge the systemd VM test's results (guest.sh's files): the unit
# is enabled and armed at boot, the test's loads are the journal sink's
# entries with their fields (MESSAGE, PRIORITY, MESSAGE_ID, FINIT_*), stop
# leaves nothing behind, SIGKILL + start reclaims the dead run's instance,
# systemctl reload reopens the file sink after a rename (same pid, nothing
# lost or doubled), and the binary reads the installed config.
#
# Usage: check.py RESULTS_DIR
import json
import os
import sys

# the version every record carries: docs/event.schema.json's
SCHEMA_VERSION = str(json.load(open(os.path.join(os.path.dirname(os.path.abspath(
    __file__)), "..", "..", "..", "docs", "event.schema.json")))["properties"][
    "schema_version"]["const"])

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


FINIT_MODULE_ID = "f439a48dc3104c8f9a4bd19556f8c126"  # README "Sinks"


def journal():
    """journal - the unit's journal entries, and the journal sink's among them"""
    entries = [json.loads(line) for line in read("journal.json").splitlines()]
    return entries, [e for e in entries if "FINIT_EVENT" in e]


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


def load_fields(e, how, mod, params):
    """load_fields - the fields of entry e that differ from a good load's"""
    want = {"PRIORITY": "5", "SYSLOG_IDENTIFIER": "finit-ftrace", "MESSAGE_ID": FINIT_MODULE_ID,
            "FINIT_SCHEMA_VERSION": SCHEMA_VERSION, "FINIT_EVENT": "finit_module", "FINIT_MODULE": mod,
            "FINIT_RET": "0", "FINIT_ERRNO": None,
            "FINIT_COMM": how if how == "insmod" else "modprobe",
            "FINIT_EXE": "/usr/bin/kmod", "FINIT_UID": "0", "FINIT_COMPAT": "false",
            "FINIT_PARAM_VALUES": read(f"params.{mod}"),
            "_SYSTEMD_UNIT": "finit-ftrace.service"}
    bad = {k: (e.get(k), v) for k, v in want.items() if e.get(k) != v}
    pv = e.get("FINIT_PARAM_VALUES") or ""
    if not pv.endswith(" ".join(params)):
        bad["params"] = (pv, params)
    # the path is read from /proc/PID/fd/N: null (no field) only when the
    # caller exited first, which FINIT_ORIGIN then says (README "?")
    origin = json.loads(e.get("FINIT_ORIGIN", "{}"))
    if not (str(e.get("FINIT_PATH")).endswith(f"/{mod}.ko")
            or "FINIT_PATH" not in e and origin.get("path") == "unavailable"):
        bad["FINIT_PATH"] = (e.get("FINIT_PATH"), origin.get("path"))
    msg = str(e.get("MESSAGE"))
    if " finit_module(" not in msg or ") = 0 " not in msg or f'module="{mod}"' not in msg:
        bad["MESSAGE"] = msg
    # an empty string is a zero-length data_loc: the next tier's (README)
    if origin.get("param_values") != ("kernel" if pv else "procfs"):
        bad["FINIT_ORIGIN.param_values"] = origin.get("param_values")
    return bad


def check_loads(events, entries):
    """check_loads - each test load is one journal sink entry with its fields"""
    for line in read("loads").splitlines():
        how, mod, rc, *params = line.split()
        if rc != "0":
            fail(f"{how} {mod} failed in the guest (exit {rc})")
            continue
        hits = [e for e in events if e.get("FINIT_EVENT") == "finit_module"
                and e.get("FINIT_MODULE") == mod and e.get("FINIT_RET") == "0"]
        if len(hits) != 1:
            fail(f"{mod}: {len(hits)} finit_module entries in the journal, not 1")
            continue
        e = hits[0]
        bad = load_fields(e, how, mod, params)
        expect(not bad, f"{mod}: journal entry PRIORITY 5, MESSAGE_ID {e.get('MESSAGE_ID')}, "
               f"FINIT_COMM {e.get('FINIT_COMM')} FINIT_PID {e.get('FINIT_PID')} FINIT_PATH "
               f"{e.get('FINIT_PATH', '(none: caller gone)')} FINIT_PARAM_VALUES "
               f"{e.get('FINIT_PARAM_VALUES')!r}, _PID {e.get('_PID')}",
               f"{mod}: fields differ (got, want): {bad}")
    check_failed_load(events)
    stdout = [e for e in entries if str(e.get("MESSAGE", "")).startswith("{")]
    expect(not stdout, "no event on stdout (sink = journal,file)",
           f"{len(stdout)} JSON line(s) on stdout with sink = journal,file")
    boot = [e for e in events if e.get("FINIT_EVENT") == "finit_module"
            and float(e["__REALTIME_TIMESTAMP"]) / 1e6 < float(read("t1") or 0)]
    expect(boot, f"{len(boot)} boot-time load(s) before the test's (udev coldplug): "
           f"{sorted({str(e.get('FINIT_MODULE')) for e in boot})}",
           "no boot-time load in the journal: armed after udev's coldplug?")
    armed = [e for e in entries if str(e.get("MESSAGE", "")).startswith("finit-ftrace: armed: ")]
    expect(len(armed) >= 3, f"{len(armed)} 'armed:' lines on stderr (boot, start, restart)",
           f"{len(armed)} 'armed:' lines")


def check_failed_load(events):
    """check_failed_load - insmod of the loaded dummy: EEXIST, a warning"""
    expect(read("failload.rc").strip() not in ("", "0"),
           f"the second insmod of dummy failed: {read('failload.err').strip()}",
           f"the second insmod of dummy: exit {read('failload.rc').strip()!r}")
    # insmod exits at once after EEXIST: /proc may have lost its fd (and
    # memory) before the decoder read them; then the path is null and says
    # so (origin "unavailable"), never another file
    hits = [e for e in events if e.get("FINIT_EVENT") == "finit_module"
            and e.get("FINIT_RET") == "-17" and e.get("FINIT_COMM") == "insmod"]
    if len(hits) != 1:
        fail(f"failed load: {len(hits)} finit_module entries of insmod with FINIT_RET -17, not 1")
        return
    e = hits[0]
    path, origin = e.get("FINIT_PATH"), json.loads(e.get("FINIT_ORIGIN") or "{}").get("path")
    expect(str(path).endswith("/dummy.ko") if path is not None else origin == "unavailable",
           f"failed load: path {path!r} (origin {origin})",
           f"failed load: path {path!r} with origin {origin!r}: not dummy.ko, nor null and unavailable")
    want = {"PRIORITY": "4", "MESSAGE_ID": FINIT_MODULE_ID, "SYSLOG_IDENTIFIER": "finit-ftrace",
            "FINIT_ERRNO": "EEXIST", "FINIT_COMM": "insmod", "FINIT_PARAM_VALUES": ""}
    # the same for its "" parameters: the probe's read may fault (page not
    # resident) and /proc may be gone; then no field, and the origin says why
    pv = json.loads(e.get("FINIT_ORIGIN") or "{}").get("param_values")
    if "FINIT_PARAM_VALUES" not in e and pv in ("fault", "unavailable"):
        del want["FINIT_PARAM_VALUES"]
    bad = {k: (e.get(k), v) for k, v in want.items() if e.get(k) != v}
    if ") = -17 EEXIST" not in str(e.get("MESSAGE")):
        bad["MESSAGE"] = e.get("MESSAGE")
    expect(not bad, f"failed load: PRIORITY 4 (warning), FINIT_RET -17, FINIT_ERRNO EEXIST, "
           f"MESSAGE {e.get('MESSAGE')!r}", f"failed load: fields differ (got, want): {bad}")


def check_stop():
    """check_stop - stop, SIGKILL + start"""
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


def check_reload(events):
    """check_reload - systemctl reload: same pid, active, the file reopened"""
    r2, rl, after = show("run2"), show("reload"), show("after-reload")
    pid = r2.get("MainPID")
    expect(read("reload.rc").strip() == "0" and rl.get("ActiveState") == "active"
           and rl.get("MainPID") == pid and after.get("MainPID") == pid
           and after.get("NRestarts") == r2.get("NRestarts"),
           f"systemctl reload: exit 0, still active, same main pid {pid}, not restarted",
           f"systemctl reload: exit {read('reload.rc').strip()} {read('reload.out')!r}; "
           f"before {r2} after {rl} then {after}")
    said = [l for l in read("journal-all.txt").splitlines() if "SIGHUP: outputs reopened" in l]
    expect(said, "the journal says 'SIGHUP: outputs reopened'", "no 'SIGHUP: outputs reopened'")
    veth = [e for e in events if e.get("FINIT_MODULE") == "veth" and e.get("FINIT_RET") == "0"]
    expect(len(veth) == 1 and veth[0].get("_PID") == pid,
           f"a load after the reload reaches the journal from pid {pid}",
           f"veth after the reload: {[(e.get('_PID'), e.get('MESSAGE')) for e in veth]}")
    old, new = ({json.loads(l).get("module") for l in read(f).splitlines()
                 if json.loads(l).get("event") == "finit_module"}
                for f in ("file.old", "file.new"))
    expect({"dummy", "eql", "nlmon", "ifb"} <= old and "veth" not in old
           and "veth" in new and not old & new - {None},
           f"file sink: rotated file has {sorted(m for m in old if m)}, the reopened one "
           f"{sorted(m for m in new if m)}",
           f"file sink across the reload: old {old} new {new}")
    expect(read("logsdir.stat").strip() == "root 700",
           "LogsDirectory /var/log/finit-ftrace: root, 0700",
           f"/var/log/finit-ftrace: {read('logsdir.stat').strip()!r}")


def main():
    """main - every check; exit 1 on any failure"""
    print(f"check: kernel {read('uname').strip()}")
    check_boot()
    entries, events = journal()
    check_loads(events, entries)
    check_stop()
    check_reload(events)
    err = read("defcfg.err")
    expect(read("defcfg.rc").strip() == "2" and "/etc/finit-ftrace/finit-ftrace.ini:2" in err,
           "without -c the installed config is read: " + err.strip(),
           f"finit-ftrace check with a bad installed config: exit {read('defcfg.rc').strip()}, {err!r}")
    if failures:
        sys.exit(f"check: {len(failures)} failure(s)")
    print("check: PASS")


main()
