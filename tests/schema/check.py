#!/usr/bin/env python3
"""check.py - docs/event.schema.json: versioned, able to refuse, and obeyed.

    check.py [FILE...]    the checks below, then every line of each FILE
                          (JSON records) validated against the schema

1. the version: FINIT_EMIT_SCHEMA_VERSION (include/emit.h), the schema's
   schema_version const and the last line of tests/schema/schema.lock agree,
   and the schema's sha256 is the one the lock holds for that version: a
   change to the schema without a version bump fails here;
2. the schema refuses what it must (a record without schema_version, with
   another version, an unknown key, an unknown origin, args of another event).

Imported by tests/live/strict_json.py: validate(obj) raises ValueError.
Exit 0, or print each problem and exit 1.
"""
import copy
import hashlib
import json
import os
import re
import sys

import jsonschema

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA = os.path.join(ROOT, "docs", "event.schema.json")
LOCK = os.path.join(ROOT, "tests", "schema", "schema.lock")
HEADER = os.path.join(ROOT, "include", "emit.h")

with open(SCHEMA, "rb") as _f:
    _SCHEMA_BYTES = _f.read()
_VALIDATOR = jsonschema.Draft202012Validator(json.loads(_SCHEMA_BYTES))

SAMPLE = {
    "schema_version": 1, "time": "2026-11-28T00:00:00.000000001Z", "ts_ns": 758225049842,
    "cpu": 1, "event": "finit_module", "pid": 8926, "tid": 8927, "comm": "modcall",
    "compat": False, "args": {"fd": 9, "param_values": "a=1", "flags": 4},
    "flags_names": ["MODULE_INIT_COMPRESSED_FILE"], "uargs_ptr": "0x7ffca0fad9c2",
    "ret": -38, "errno": "ENOSYS", "module": None, "taints": None, "path": "/etc/hostname",
    "sha256": None, "truncated": False, "ppid": 1, "uid": 0, "gid": 0, "exe": "/bin/x",
    "cgroup": "/", "container_id": None,
    "origin": {"pid": "kernel", "tid": "kernel", "comm": "kernel", "args": "kernel",
               "param_values": "procfs", "ret": "kernel", "module": "unavailable",
               "path": "procfs", "sha256": "unavailable", "context": "procfs"},
    "raw_b64": {},
}


def validate(obj):
    """ValueError with the first problem unless @obj is a valid record."""
    err = jsonschema.exceptions.best_match(_VALIDATOR.iter_errors(obj))
    if err is not None:
        where = "/".join(str(p) for p in err.absolute_path) or "(record)"
        raise ValueError(f"schema: {where}: {err.message}")


def versions():
    """The problems with the version and the lock."""
    problems = []
    with open(HEADER) as f:
        m = re.search(r'#define\s+FINIT_EMIT_SCHEMA_VERSION\s+"(\d+)"', f.read())
    c_version = int(m.group(1)) if m else None
    const = json.loads(_SCHEMA_BYTES)["properties"]["schema_version"].get("const")
    with open(LOCK) as f:
        lock = [ln.split() for ln in f if ln.strip() and not ln.startswith("#")]
    digest = hashlib.sha256(_SCHEMA_BYTES).hexdigest()
    if c_version != const:
        problems.append(f"include/emit.h says schema version {c_version}, "
                        f"docs/event.schema.json {const}")
    if not lock or int(lock[-1][0]) != const:
        problems.append(f"tests/schema/schema.lock does not end with version {const}: "
                        f"append '{const} {digest}'")
    elif lock[-1][1] != digest:
        problems.append(f"docs/event.schema.json changed (sha256 {digest}) but its "
                        f"schema_version is still {const}: bump it (the schema's const "
                        f"and FINIT_EMIT_SCHEMA_VERSION in include/emit.h) and append "
                        f"'{const + 1} <sha256>' to tests/schema/schema.lock")
    return problems


def refusals():
    """The problems with what the schema accepts and refuses."""
    def without(key):
        r = copy.deepcopy(SAMPLE)
        del r[key]
        return r

    def changed(path, value):
        r = copy.deepcopy(SAMPLE)
        d = r
        for p in path[:-1]:
            d = d[p]
        d[path[-1]] = value
        return r
    bad = {
        "no schema_version": without("schema_version"),
        "schema_version 0": changed(["schema_version"], 0),
        "an unknown key": changed(["colour"], "blue"),
        "an unknown origin": changed(["origin", "ret"], "guessed"),
        "delete_module's args on finit_module": changed(["args"], {"name": "x", "flags": 0}),
        "a time without ns": changed(["time"], "2026-11-28T00:00:00Z"),
        "raw_b64 of no string field": changed(["raw_b64"], {"errno": "AA=="}),
    }
    problems = []
    try:
        validate(SAMPLE)
    except ValueError as e:
        problems.append(f"the sample record is refused: {e}")
    for what, record in bad.items():
        try:
            validate(record)
            problems.append(f"the schema accepts a record with {what}")
        except ValueError:
            pass
    return problems


def main(paths):
    problems = versions() + refusals()
    n = 0
    for path in paths:
        with open(path, "rb") as f:
            for i, line in enumerate(f, 1):
                n += 1
                try:
                    validate(json.loads(line))
                except ValueError as e:
                    problems.append(f"{path}:{i}: {e}")
    for p in problems:
        print(f"schema: {p}")
    if not problems:
        print(f"schema: version, lock and refusals ok; {n} record(s) valid")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
