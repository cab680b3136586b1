#!/bin/sh
# vm-p8.sh - P8's syscalls-event half (Issue 6): the slowdown of an unrelated
# getpid() loop while `watch` runs on Debian 6.1's syscalls events, measured
# inside the stock-kernel VM of tests/vm (qemu TCG: only the ratio within the
# guest means anything). Prints one table line and keeps the raw lines.
#
#   FINIT=./finit-ftrace MODCALL=build/modcall MODCALL32=build/modcall32 \
#   BENCH_BIN=build/bench bench/vm-p8.sh          (make bench-vm does this)
# Environment: P8_N calls per loop (default 200000), P8_RUNS (default 5),
# VMTEST_CACHE (default tests/vm/cache), P8_OUT (default /tmp/finit-p8.XXXXXX)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
VM=$HERE/../tests/vm
CACHE=${VMTEST_CACHE:-$VM/cache}
P8_N=${P8_N:-200000}
P8_RUNS=${P8_RUNS:-5}
OUT=${P8_OUT:-$(mktemp -d /tmp/finit-p8.XXXXXX)}
: "${FINIT:?}" "${MODCALL:?}" "${MODCALL32:?}" "${BENCH_BIN:?}"
mkdir -p "$OUT"

read -r KVER _ VMLINUZ MODDIR <<-EOF2
	$("$VM/fetch-kernel.sh" "$CACHE" 6.1)
EOF2
INIT=$(mktemp /tmp/finit-p8-init.XXXXXX)
{ echo "#!/bin/sh"; echo "P8_N=$P8_N P8_RUNS=$P8_RUNS"; tail -n +2 "$HERE/guest-p8.sh"; } > "$INIT"
INITRD=$OUT/initramfs.cpio.gz
EXTRA_BINS=$BENCH_BIN/getpid-loop "$VM/mkinitramfs.sh" "$KVER" "$MODDIR" "$FINIT" "$MODCALL" \
	"$MODCALL32" "$INIT" "$INITRD"
rm -f "$INIT"
timeout -k 10 600 qemu-system-x86_64 -accel "${VMTEST_ACCEL:-tcg,thread=single}" -m 1024 -smp 2 \
	-nodefaults -no-user-config -display none -monitor none \
	-serial "file:$OUT/console.log" -kernel "$VMLINUZ" -initrd "$INITRD" \
	-append "console=ttyS0 quiet panic=-1" -no-reboot \
	-virtfs "local,path=$OUT,mount_tag=out,security_model=none,id=out" </dev/null >/dev/null 2>&1
[ "$(cat "$OUT/status" 2>/dev/null)" = "done" ] || { cat "$OUT/console.log" >&2; echo "vm-p8: guest failed" >&2; exit 1; }
[ ! -s "$OUT/instances-after.txt" ] || { echo "vm-p8: instances left: $(cat "$OUT/instances-after.txt")" >&2; exit 1; }
python3 - "$OUT/p8.txt" "$(cat "$OUT/uname")" <<'PY'
import re, statistics, sys
seq = []   # (who, cpu ns per call) in the order the guest ran them
for line in open(sys.argv[1]):
    m = re.match(r"P8 run=\d+ who=(\w+) calls \d+ ns_per_call [\d.]+ "
                 r"cpu_ns_per_call ([\d.]+)", line)
    if m:
        seq.append((m[1], float(m[2])))
# each traced loop against the mean of the loops alone just before and after
for who in ("watch", "watch_no_compat", "event_only", "watch_kprobe"):
    pct, ns = [], []
    for i, (w, c) in enumerate(seq):
        if w != who or i == 0 or i + 1 == len(seq):
            continue
        base = (seq[i - 1][1] + seq[i + 1][1]) / 2
        pct.append((c - base) / base * 100)
        ns.append(c - base)
    print(f"P8 (VM, {sys.argv[2]}, TCG) {who}: getpid CPU "
          f"{statistics.median(pct):+.1f} % (min {min(pct):+.1f}, max "
          f"{max(pct):+.1f}; +{statistics.median(ns):.0f} ns per call) over "
          f"{len(pct)} runs; alone {statistics.median(c for w, c in seq if w == 'alone'):.0f} ns")
PY
sed 's/^/armed: /' "$OUT/p8.armed" | sort -u
echo "vm-p8: raw results in $OUT"
