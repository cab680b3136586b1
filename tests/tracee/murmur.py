"""murmur.py - MurmurHash3 x86 32-bit and Tracee's task id, written from the
algorithm's description (not from our C), to check src/tracee.c against."""


def murmur3(data, seed):
    """MurmurHash3_x86_32 of @data (bytes)."""
    c1, c2, mask = 0xCC9E2D51, 0x1B873593, 0xFFFFFFFF

    def rotl(x, r):
        return ((x << r) | (x >> (32 - r))) & mask

    h = seed
    n = len(data) // 4 * 4
    for i in range(0, n, 4):
        k = int.from_bytes(data[i:i + 4], "little")
        k = rotl(k * c1 & mask, 15) * c2 & mask
        h = (rotl(h ^ k, 13) * 5 + 0xE6546B64) & mask
    tail = data[n:]
    if tail:
        k = int.from_bytes(tail, "little")
        h ^= rotl(k * c1 & mask, 15) * c2 & mask
    h ^= len(data)
    h ^= h >> 16
    h = h * 0x85EBCA6B & mask
    h ^= h >> 13
    h = h * 0xC2B2AE35 & mask
    return h ^ (h >> 16)


def entity_id(tid, start_ns):
    """Tracee's HashTaskID: big-endian u32 tid, big-endian u64 start rounded to 100 ms."""
    if start_ns <= 0 or tid <= 0:
        return 0
    start = start_ns // 100000000 * 100000000
    return murmur3(tid.to_bytes(4, "big") + start.to_bytes(8, "big"), 0x18273645)


if __name__ == "__main__":
    assert murmur3(b"", 0) == 0
    assert murmur3(b"", 1) == 0x514E28B7
    assert murmur3(b"Hello, world!", 0x9747B28C) == 0x24884CBA
    assert murmur3(b"abc", 0) == 0xB3DD93FA
    print(entity_id(8927, 1795824000123456789), entity_id(8926, 1795823999999999999),
          entity_id(1, 1795823000000000000))
