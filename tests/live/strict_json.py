#!/usr/bin/env python3
"""strict_json.py - the tool's JSON read as a strict consumer reads it.

    strict_json.py FILE...    every line of each FILE must pass loads();
                              prints the first failure of each and exits 1

Imported by assert_events.py and compare_report.py:

loads(line)     one line (bytes) to its object. ValueError unless the line is
                valid UTF-8 holding one JSON value with no lone surrogate
                (RFC 8259 8.1, I-JSON RFC 7493: what orjson, Go and jq take),
                and unless its raw_b64 object is consistent: a record
                (a "event" key) always has one; each entry names a string
                field, decodes (base64) to bytes that are not valid UTF-8,
                and the field is those bytes with U+FFFD for each maximal
                ill-formed subpart (Python's errors="replace"); and a record
                must be valid against docs/event.schema.json.
exact(obj, key) a string field's exact bytes: raw_b64's entry decoded when
                there is one, else the string's UTF-8; None for null.
                param_values and name are in args, the others at the top.
"""
import base64
import binascii
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "schema"))
import check as schema  # noqa: E402  (tests/schema/check.py)

ARGS_KEYS = ("param_values", "name")


def field(obj, key):
    """The value of string field @key (args.param_values, args.name, or top level)."""
    holder = obj.get("args") if key in ARGS_KEYS else obj
    return holder.get(key) if isinstance(holder, dict) else None


def check_raw(obj):
    raw = obj.get("raw_b64", None)
    if raw is None and "event" not in obj:
        return
    if not isinstance(raw, dict):
        raise ValueError(f"raw_b64 is {raw!r}, not an object")
    for key, b64 in raw.items():
        value = field(obj, key)
        try:
            data = base64.b64decode(b64, validate=True)
        except (binascii.Error, TypeError) as e:
            raise ValueError(f"raw_b64.{key} is not base64 ({e}): {b64!r}") from None
        try:
            data.decode("utf-8")
            raise ValueError(f"raw_b64.{key} holds valid UTF-8 {data!r}: it needs no entry")
        except UnicodeDecodeError:
            pass
        if value != data.decode("utf-8", "replace"):
            raise ValueError(f"{key} is {value!r}, but raw_b64 says {data!r}")


def loads(line):
    """One JSON line (bytes) as a strict parser takes it; ValueError if not."""
    text = line.decode("utf-8")             # UnicodeDecodeError is a ValueError
    obj = json.loads(text)
    # a \udXXX escape that pairs with nothing decodes to a lone surrogate,
    # which UTF-8 cannot encode: UnicodeEncodeError, a ValueError too
    json.dumps(obj, ensure_ascii=False).encode("utf-8")
    if isinstance(obj, dict):
        check_raw(obj)
        if "event" in obj:
            schema.validate(obj)
    return obj


def exact(obj, key):
    """The exact bytes of string field @key of @obj, None for null."""
    value = field(obj, key)
    raw = (obj.get("raw_b64") or {}).get(key)
    if raw is not None:
        return base64.b64decode(raw)
    return value.encode("utf-8") if isinstance(value, str) else value


def lines(path):
    """The lines of @path as bytes, without their newlines."""
    with open(path, "rb") as f:
        out = f.read().split(b"\n")
    return out[:-1] if out and not out[-1] else out


def main(paths):
    bad = 0
    for path in paths:
        for n, line in enumerate(lines(path), 1):
            try:
                loads(line)
            except ValueError as e:
                print(f"{path}:{n}: not strict JSON ({e}): {line[:160]!r}")
                bad += 1
                break
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
