#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""dat-repeat - a bigger trace.dat v6 from a recorded one (benchmark P4).

    dat-repeat.py IN.dat K OUT.dat

Writes OUT.dat with the header of IN.dat and each CPU's flyrecord data
repeated K times. Copy k (0-based) has every sub-buffer's page timestamp
moved forward by k * (span + 1 s), where span is the time the recording
covers, so the records stay in timestamp order on every CPU and across CPUs.
Records inside a sub-buffer carry deltas from the page timestamp, so they
move with it. Only little-endian v6 files with 8-byte longs (what
`finit-ftrace record` writes on x86_64) are handled.
"""
import struct
import sys


class Cursor:
    def __init__(self, data):
        self.d = data
        self.o = 0

    def take(self, n):
        if self.o + n > len(self.d):
            raise ValueError(f"truncated at offset {self.o}")
        b = self.d[self.o:self.o + n]
        self.o += n
        return b

    def u16(self):
        return struct.unpack("<H", self.take(2))[0]

    def u32(self):
        return struct.unpack("<I", self.take(4))[0]

    def u64(self):
        return struct.unpack("<Q", self.take(8))[0]

    def cstr(self):
        end = self.d.index(b"\0", self.o)
        s = self.d[self.o:end].decode()
        self.o = end + 1
        return s


def parse(data):
    c = Cursor(data)
    if c.take(10) != b"\x17\x08\x44tracing":
        raise ValueError("not a trace.dat")
    if c.cstr() != "6":
        raise ValueError("only trace.dat version 6 is handled")
    big, long_size = c.take(1)[0], c.take(1)[0]
    if big or long_size != 8:
        raise ValueError("only little-endian files with 8-byte longs are handled")
    page_size = c.u32()
    for name in ("header_page", "header_event"):
        if c.cstr() != name:
            raise ValueError(f"no {name}")
        c.take(c.u64())
    for _ in range(c.u32()):            # ftrace event formats
        c.take(c.u64())
    for _ in range(c.u32()):            # event systems
        c.cstr()
        for _ in range(c.u32()):
            c.take(c.u64())
    c.take(c.u32())                     # kallsyms
    c.take(c.u32())                     # printk formats
    c.take(c.u64())                     # saved_cmdlines
    ncpus = c.u32()
    if c.take(10) != b"options  \0":
        raise ValueError("no options section")
    while True:
        opt = c.u16()
        if opt == 0:
            break
        c.take(c.u32())
    if c.take(10) != b"flyrecord\0":
        raise ValueError("not a flyrecord file")
    table_at = c.o
    cpus = [(c.u64(), c.u64()) for _ in range(ncpus)]
    return page_size, table_at, cpus


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: dat-repeat.py IN.dat K OUT.dat")
    src, k, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(src, "rb") as f:
        data = f.read()
    page_size, table_at, cpus = parse(data)
    stamps = [struct.unpack_from("<Q", data, off + p)[0]
              for off, size in cpus for p in range(0, size, page_size)]
    if not stamps:
        sys.exit(f"{src}: no CPU data")
    shift = max(stamps) - min(stamps) + 1_000_000_000
    align = lambda n: (n + page_size - 1) // page_size * page_size
    pos = align(table_at + 16 * len(cpus))
    table = b""
    for off, size in cpus:
        table += struct.pack("<QQ", pos if size else 0, size * k)
        pos += align(size * k)
    with open(dst, "wb") as out:
        out.write(data[:table_at])
        out.write(table)
        for off, size in cpus:
            if not size:
                continue
            out.write(b"\0" * (align(out.tell()) - out.tell()))
            chunk = bytearray(data[off:off + size])
            for rep in range(k):
                if rep:
                    for p in range(0, size, page_size):
                        ts = struct.unpack_from("<Q", chunk, p)[0]
                        struct.pack_into("<Q", chunk, p, ts + shift)
                out.write(chunk)


if __name__ == "__main__":
    main()
