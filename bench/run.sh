#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench/run.sh - the Issue 6 benchmarks (P1-P8): every figure is measured in
# the same run as its peer (perf record, trace-cmd report, the loop alone) and
# quoted as a ratio; medians over BENCH_RUNS runs, with min and max.
#
#   make bench                  full run (about 8-10 minutes on 2 CPUs)
#   BENCH_QUICK=1 make bench    smoke run (small counts, 2 runs, ~1-2 minutes)
#
# Environment:
#   FINIT            the tool (default ./finit-ftrace)
#   BENCH_BIN        directory of burst, stamp, getpid-loop (default build/bench)
#   BENCH_QUICK=1    reduced counts and runs
#   BENCH_RUNS       runs per measurement (default 5, quick 2)
#   BENCH_OUT        keep all raw results in this directory (default: a temporary
#                    directory, removed at the end unless BENCH_KEEP=1)
#   BENCH_PROFILE=1  also profile record, watch and report with perf (cpu-clock)
#   BENCH_LOAD=0     skip P1L/P1bL (P1 and P1b again, with a nice-19 CPU hog per CPU)
#   BENCH_QUIET_WAIT seconds to wait, before each load, for tracefs instances
#                    that appeared after we started (another user's tests) to
#                    go away (default 10; our finit_module calls would show up
#                    in their output)
#
# Needs root, perf (Debian: linux-perf), trace-cmd and python3. Leaves no
# tracefs instance behind: every process it starts is stopped by pid and the
# instances named after those pids are removed if they are still there.
set -u
export LC_ALL=C

# The whole script is one compound command: bash parses it completely before
# running it, so editing this file during a run cannot derail the run.
{

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FINIT=${FINIT:-./finit-ftrace}
B=${BENCH_BIN:-build/bench}
QUICK=${BENCH_QUICK:-0}
TRACEFS=/sys/kernel/tracing
[[ -d $TRACEFS/instances ]] || TRACEFS=/sys/kernel/debug/tracing

if [[ $QUICK == 1 ]]; then
	RUNS=${BENCH_RUNS:-2}
	N=100000		# P1/P1b/P2/P3 burst
	N4=100000		# P4 trace.dat (and x5)
	P4_BUF=32768		# per-CPU KB to record the P4 file without loss
	P5_SECS=2
	P6_N=500
	P8_N=200000
else
	RUNS=${BENCH_RUNS:-5}
	N=1000000
	N4=1000000
	P4_BUF=262144
	P5_SECS=10
	P6_N=10000
	P8_N=500000
fi
P4_REPEAT=5
QUIET_WAIT=${BENCH_QUIET_WAIT:-10}

if [[ -n ${BENCH_OUT:-} ]]; then
	OUT=$BENCH_OUT
	mkdir -p "$OUT" || exit 1
	KEEP=1
else
	OUT=$(mktemp -d /tmp/finit-bench.XXXXXX) || exit 1
	KEEP=${BENCH_KEEP:-0}
fi
RES=$OUT/results.txt
: >"$RES"

MYPIDS=()	# every background process we started
TOOLPIDS=()	# pids whose instance finit-ftrace-<pid> we may have to remove

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

cleanup() {
	local p i
	for p in "${MYPIDS[@]}"; do
		kill -0 "$p" 2>/dev/null || continue
		kill -INT "$p" 2>/dev/null
		for ((i = 0; i < 40; i++)); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.05
		done
		kill -KILL "$p" 2>/dev/null
	done
	wait 2>/dev/null
	for p in "${TOOLPIDS[@]}"; do
		[[ -d $TRACEFS/instances/finit-ftrace-$p ]] || continue
		log "removing leftover instance finit-ftrace-$p"
		rmdir "$TRACEFS/instances/finit-ftrace-$p" 2>/dev/null
	done
	[[ $KEEP == 1 ]] && log "raw results kept in $OUT" || rm -rf "$OUT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# res PHASE key=value ... - one measurement
res() { echo "$*" >>"$RES"; }

# ---- preconditions -------------------------------------------------------
[[ $(id -u) == 0 ]] || die "needs root"
[[ -x $FINIT ]] || die "$FINIT not built (make)"
# Measure a frozen copy: others may rebuild ./finit-ftrace while we run. The
# name stays finit-ftrace (stale-instance reclaim looks at the comm).
SRC_DIR=$(cd "$(dirname "$FINIT")" && pwd)
cp "$FINIT" "$OUT/finit-ftrace" || die "cannot copy $FINIT"
FINIT=$OUT/finit-ftrace
for p in burst stamp getpid-loop; do
	[[ -x $B/$p ]] || die "$B/$p not built (make bench builds it)"
done
command -v python3 >/dev/null || die "needs python3"
[[ -x /usr/bin/time ]] || die "needs /usr/bin/time (Debian: time)"
if ! perf stat -e task-clock true >/dev/null 2>&1 || ! command -v trace-cmd >/dev/null; then
	log "installing the peers: linux-perf trace-cmd"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q linux-perf trace-cmd >/dev/null 2>&1
fi
perf stat -e task-clock true >/dev/null 2>&1 || die "perf does not work (apt-get install linux-perf)"
command -v trace-cmd >/dev/null || die "needs trace-cmd (apt-get install trace-cmd)"

# Instances present before we start: not ours, not waited for (a stuck test).
declare -A OLD_INST
for d in "$TRACEFS"/instances/*; do
	[[ -d $d ]] && OLD_INST[${d##*/}]=1
done

# foreign_consumers - instances (not ours) with raw_syscalls enabled
foreign_consumers() {
	local d n out=
	for d in "$TRACEFS"/instances/*; do
		[[ -d $d ]] || continue
		n=${d##*/}
		is_mine "$n" && continue
		[[ $(cat "$d/events/raw_syscalls/sys_enter/enable" 2>/dev/null) == 1 ]] && out+="$n,"
	done
	[[ $(cat "$TRACEFS/events/raw_syscalls/sys_enter/enable" 2>/dev/null) == 1 ]] && out+="top-level,"
	echo "${out%,}"
}

is_mine() {
	local p
	for p in "${TOOLPIDS[@]}"; do
		[[ $1 == finit-ftrace-$p ]] && return 0
	done
	return 1
}

# quiet_wait - wait (bounded) until no instance that appeared after we
# started, and is not ours, exists: another user's test is running
QUIET_WAITS=0
quiet_wait() {
	local d n busy i
	for ((i = 0; i < QUIET_WAIT * 10; i++)); do
		busy=
		for d in "$TRACEFS"/instances/*; do
			[[ -d $d ]] || continue
			n=${d##*/}
			[[ -n ${OLD_INST[$n]:-} ]] && continue
			is_mine "$n" && continue
			busy=$n
		done
		[[ -z $busy ]] && return 0
		((i == 0)) && QUIET_WAITS=$((QUIET_WAITS + 1))
		sleep 0.1
	done
	log "note: instance $busy still there after ${QUIET_WAIT}s; going on (not waiting for it again)"
	OLD_INST[$busy]=1
}

# wait_armed ERRFILE - wait for "armed:"; prints the tool's pid (from the instance)
wait_armed() {
	local i pid
	for ((i = 0; i < 200; i++)); do
		# the whole line: a half-written one names no pid yet. A live pid:
		# a background job truncates ERRFILE only once it runs, so the
		# line may still be the previous run's. Matching that one started
		# the burst before the tool was armed (a shortfall with "lost 0")
		# and signalled a dead pid (the run then waited for ever).
		pid=$(sed -n 's/.*armed: instance finit-ftrace-\([0-9]*\),.*/\1/p' "$1" 2>/dev/null)
		if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null &&
		   [[ $(cat "/proc/$pid/comm" 2>/dev/null) == finit-ftrace ]]; then
			echo "$pid"
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# stop_tool PID - SIGINT our tool and wait for it
stop_tool() {
	kill -INT "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# tool_lost ERRFILE - lost records from the tool's summary: per CPU the larger
# of the headers' count and the overrun, plus dropped (as the tool adds them)
tool_lost() {
	awk '/LOST events:/ {
		for (i = 1; i <= NF; i++) {
			if ($i == "events:") m = $(i + 1) + 0
			if ($i == "overrun") o = $(i + 1) + 0
			if ($i == "dropped") d = $(i + 1) + 0
		}
		s += (m > o ? m : o) + d
	} END { print s + 0 }' "$1"
}

# kv FILE KEY - the value after KEY in burst's summary line
kv() { awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }' "$1"; }

# cpu_ticks - "STEAL TOTAL" from /proc/stat's cpu line (all CPUs, clock ticks)
cpu_ticks() { awk '$1 == "cpu" { t = 0; for (i = 2; i <= NF; i++) t += $i; print $9, t; exit }' /proc/stat; }

# steal_pct BEFORE AFTER - the share of CPU time the hypervisor gave others
# between two cpu_ticks (a VM's host busy: latency is not ours alone)
steal_pct() {
	local b=($1) a=($2)
	awk -v s=$((a[0] - b[0])) -v t=$((a[1] - b[1])) 'BEGIN { printf "%.1f", (t > 0 ? 100 * s / t : 0) }'
}

# tfield FILE N - field N of a /usr/bin/time -f '%e %U %S %M %w %c' line
tfield() { awk -v n="$2" 'END { print $n }' "$1"; }

TFMT='%e %U %S %M %w %c'

# cpu_minus TIMEFILE BURSTOUT - the tracer's user+sys s, minus the burst's own
cpu_minus() {
	python3 -c "
import sys
t = open(sys.argv[1]).read().split('\n')
t = [l for l in t if l.strip()][-1].split()
b = open(sys.argv[2]).read().split()
kv = dict(zip(b[::2], b[1::2]))
print('%.3f' % (float(t[1]) + float(t[2]) - (int(kv['utime_us']) + int(kv['stime_us'])) / 1e6))
" "$1" "$2"
}

# peak_anon PID - the largest RssAnon (kB) of PID while it lives
peak_anon() {
	local max=0 v
	while [[ -r /proc/$1/status ]]; do
		v=$(awk '/^RssAnon:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
		[[ -n $v ]] && ((v > max)) && max=$v
		sleep 0.05
	done
	echo $max
}

machine() {
	echo "nproc: $(nproc)"
	lscpu | head -n 15 | sed 's/^/  /'
	echo "kernel: $(uname -srvm)"
	echo "perf: $(perf --version 2>&1); $(trace-cmd --version 2>&1 | grep -m1 version)"
	echo "finit-ftrace: $("$FINIT" --version) built from commit $(git -C "$SRC_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown), $(git -C "$SRC_DIR" status --short -- src include 2>/dev/null | wc -l) uncommitted file(s) in src/ include/"
	echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}

log "results in $OUT; runs=$RUNS N=$N quick=$QUICK"
machine >"$OUT/machine.txt"
res META quick=$QUICK runs=$RUNS n=$N n4=$N4 p4_buf=$P4_BUF p5_secs=$P5_SECS p6_n=$P6_N \
	p8_n=$P8_N foreign_at_start=$(foreign_consumers) load_start=$(cut -d' ' -f1 /proc/loadavg)

PERF_EV=(-e raw_syscalls:sys_enter --filter 'id == 313' -e raw_syscalls:sys_exit --filter 'id == 313')

# ---- P1 / P2 / P3: record a burst, side by side with perf record ---------
p1_tool() {
	local d=$OUT/p1 i=$1 label=${2:-P1} bpid cap all rc
	mkdir -p "$d"
	quiet_wait
	rm -f "$d/err"
	/usr/bin/time -o "$d/t" -f "$TFMT" "$FINIT" record -o "$d/p1.dat" -- "$B/burst" "$N" \
		>"$d/burst.out" 2>"$d/err" &
	MYPIDS+=($!)
	local tp=$!
	local fp; fp=$(wait_armed "$d/err") && TOOLPIDS+=($fp)
	wait $tp
	rc=$?
	bpid=$(kv "$d/burst.out" pid)
	"$FINIT" report -F json "$d/p1.dat" >"$d/p1.json" 2>/dev/null
	all=$(wc -l <"$d/p1.json")
	cap=$(grep -c "\"tid\":$bpid," "$d/p1.json")
	res "$label" run=$i who=tool rc=$rc issued=$(kv "$d/burst.out" issued) captured=$cap \
		foreign=$((all - cap)) lost=$(tool_lost "$d/err") bytes=$(stat -c %s "$d/p1.dat" 2>/dev/null || echo 0) \
		cpu=$(cpu_minus "$d/t" "$d/burst.out") wall=$(tfield "$d/t" 1) rss_kb=$(tfield "$d/t" 4) \
		burst_wall_ns=$(kv "$d/burst.out" wall_ns)
	cp "$d/err" "$d/err.$i"
	rm -f "$d/p1.dat" "$d/p1.json"
}

p1_perf() {
	local d=$OUT/p1 i=$1 bpid cap raw lost rc
	mkdir -p "$d"
	quiet_wait
	/usr/bin/time -o "$d/tp" -f "$TFMT" perf record "${PERF_EV[@]}" -a -o "$d/perf.data" \
		-- "$B/burst" "$N" >"$d/pburst.out" 2>"$d/perr"
	rc=$?
	bpid=$(kv "$d/pburst.out" pid)
	# perf sometimes writes the same sample twice (same CPU and timestamp):
	# count distinct sys_enter samples of the burst, and the raw count
	perf script -i "$d/perf.data" --pid "$bpid" -F cpu,time,event --ns 2>/dev/null |
		grep sys_enter >"$d/penter.txt"
	raw=$(wc -l <"$d/penter.txt")
	cap=$(sort -u "$d/penter.txt" | wc -l)
	rm -f "$d/penter.txt"
	# perf's own count of lost sys_enter samples (PERF_RECORD_LOST_SAMPLES)
	lost=$(perf report -i "$d/perf.data" --stats 2>/dev/null | awk '
		/stats:$/ { cur = $1 }
		cur == "raw_syscalls:sys_enter" && /LOST_SAMPLES events:/ { print $3; exit }')
	res P1 run=$i who=perf rc=$rc issued=$(kv "$d/pburst.out" issued) captured=$cap dup=$((raw - cap)) \
		lost=${lost:-0} lost_chunks=$(grep -o 'lost [0-9]* chunks' "$d/perr" | awk '{print $2}' | head -1) \
		bytes=$(stat -c %s "$d/perf.data" 2>/dev/null || echo 0) \
		cpu=$(cpu_minus "$d/tp" "$d/pburst.out") wall=$(tfield "$d/tp" 1) rss_kb=$(tfield "$d/tp" 4) \
		burst_wall_ns=$(kv "$d/pburst.out" wall_ns)
	rm -f "$d/perf.data"
}

# ---- P1b: watch --format json > file --------------------------------------
p1b() {
	local d=$OUT/p1b i=$1 label=${2:-P1b} tp fp bpid all cap
	mkdir -p "$d"
	quiet_wait
	rm -f "$d/err"
	/usr/bin/time -o "$d/t" -f "$TFMT" "$FINIT" watch --format json >"$d/w.json" 2>"$d/err" &
	tp=$!
	MYPIDS+=($tp)
	fp=$(wait_armed "$d/err") || { res "$label" run=$i who=tool rc=not-armed; stop_tool $tp; return; }
	TOOLPIDS+=($fp)
	"$B/burst" "$N" >"$d/burst.out"
	kill -INT "$fp"
	wait $tp
	bpid=$(kv "$d/burst.out" pid)
	all=$(wc -l <"$d/w.json")
	cap=$(grep -c "\"tid\":$bpid," "$d/w.json")
	res "$label" run=$i who=tool issued=$(kv "$d/burst.out" issued) captured=$cap foreign=$((all - cap)) \
		lost=$(tool_lost "$d/err") lines=$all cpu=$(python3 -c "print('%.3f' % ($(tfield "$d/t" 2) + $(tfield "$d/t" 3)))") \
		wall=$(tfield "$d/t" 1) rss_kb=$(tfield "$d/t" 4)
	cp "$d/err" "$d/err.$i"
	rm -f "$d/w.json"
}

log "P1/P2/P3: record vs perf record, $N calls x $RUNS"
for ((r = 1; r <= RUNS; r++)); do
	p1_tool $r
	p1_perf $r
	log "  run $r: $(tail -n 2 "$RES" | awk '{printf "%s %s %s %s; ", $3, $5, $6, $8}')"
done
log "P1b: watch --format json > file, $N calls x $RUNS"
for ((r = 1; r <= RUNS; r++)); do
	p1b $r
	log "  run $r: $(tail -n 1 "$RES" | awk '{printf "%s %s %s", $5, $6, $8}')"
done

# ---- P1L / P1bL: the same with a nice-19 CPU hog on every CPU ------------
# hogs_start / hogs_stop - `nproc` busy loops at nice 19 (BENCH_LOAD=0: skipped)
hogs_start() {
	HOGS=()
	for ((c = 0; c < $(nproc); c++)); do
		nice -n 19 sh -c 'while :; do :; done' &
		HOGS+=($!)
		MYPIDS+=($!)
	done
}
hogs_stop() { kill "${HOGS[@]}" 2>/dev/null; wait "${HOGS[@]}" 2>/dev/null; HOGS=(); }

if [[ ${BENCH_LOAD:-1} != 0 ]]; then
	log "P1L/P1bL: record and watch, $N calls x $RUNS, with $(nproc) nice-19 CPU hogs"
	for ((r = 1; r <= RUNS; r++)); do
		hogs_start
		p1_tool $r P1L
		p1b $r P1bL
		hogs_stop
		log "  run $r: $(tail -n 2 "$RES" | awk '{printf "%s %s %s %s; ", $1, $5, $6, $8}')"
	done
fi

# ---- P4: report a 1M-event trace.dat vs trace-cmd report -----------------
D4=$OUT/p4
mkdir -p "$D4"
log "P4: recording a $N4-call trace.dat with -b $P4_BUF (per CPU, so nothing is lost)"
quiet_wait
/usr/bin/time -o "$D4/t" -f "$TFMT" "$FINIT" record -b "$P4_BUF" -o "$D4/m1.dat" -- "$B/burst" "$N4" \
	>"$D4/burst.out" 2>"$D4/err" &
tp=$!
MYPIDS+=($tp)
fp=$(wait_armed "$D4/err") && TOOLPIDS+=($fp)
wait $tp
bpid=$(kv "$D4/burst.out" pid)
m1_calls=$("$FINIT" report --stats "$D4/m1.dat" 2>/dev/null | awk '/^calls:/ { sub(",", "", $2); print $2; exit }')
m1_burst=$("$FINIT" report --stats "$D4/m1.dat" 2>/dev/null | awk '/^calls by comm:/ { f = 1; next } f && $1 == "burst" { print $2; exit } /^[a-z]/ { f = 0 }')
res P1big who=tool buffer_kb=$P4_BUF issued=$(kv "$D4/burst.out" issued) captured=${m1_burst:-0} \
	calls_in_file=${m1_calls:-0} lost=$(tool_lost "$D4/err") bytes=$(stat -c %s "$D4/m1.dat") \
	cpu=$(cpu_minus "$D4/t" "$D4/burst.out") wall=$(tfield "$D4/t" 1)
# dat-repeat.py reads version 6 only (v7's data is in zstd chunks): the x5
# file is made from a second recording with --v6
log "P4: ${m1_calls:-?} calls in the file; a --v6 one, x$P4_REPEAT, for the RSS check"
quiet_wait
"$FINIT" record --v6 -b "$P4_BUF" -o "$D4/m1v6.dat" -- "$B/burst" "$N4" >/dev/null 2>&1 &
tp=$!
MYPIDS+=($tp)
wait $tp
python3 "$HERE/dat-repeat.py" "$D4/m1v6.dat" $P4_REPEAT "$D4/m5.dat" || die "dat-repeat failed"
rm -f "$D4/m1v6.dat"

# measured NAME FILE CMD... - time CMD (stdout to /dev/null), peak RSS and RssAnon
measured() {
	local name=$1 file=$2 tp cp anon
	shift 2
	/usr/bin/time -o "$D4/t.$name" -f "$TFMT" "$@" >/dev/null 2>"$D4/err.$name" &
	tp=$!
	MYPIDS+=($tp)
	for ((k = 0; k < 100; k++)); do
		cp=$(pgrep -P $tp -n) && break
		sleep 0.01
	done
	anon=0
	[[ -n ${cp:-} ]] && anon=$(peak_anon "$cp")
	wait $tp
	echo "wall=$(tfield "$D4/t.$name" 1) cpu=$(python3 -c "print('%.3f' % ($(tfield "$D4/t.$name" 2) + $(tfield "$D4/t.$name" 3)))") rss_kb=$(tfield "$D4/t.$name" 4) anon_kb=$anon"
}

log "P4: report -F json vs trace-cmd report, $N4 calls x $RUNS"
for ((r = 1; r <= RUNS; r++)); do
	res P4 run=$r who=tool events=${m1_calls:-0} $(measured tool "$D4/m1.dat" "$FINIT" report -F json "$D4/m1.dat")
	res P4 run=$r who=trace-cmd events=${m1_calls:-0} $(measured tc "$D4/m1.dat" trace-cmd report "$D4/m1.dat")
	log "  run $r: $(tail -n 2 "$RES" | awk '{printf "%s %s %s %s; ", $3, $5, $6, $7}')"
done
log "P4: report -F json of the x$P4_REPEAT file (RSS; one run: the size is not noisy)"
res P4x5 who=tool events=$(( ${m1_calls:-0} * P4_REPEAT )) $(measured tool5 "$D4/m5.dat" "$FINIT" report -F json "$D4/m5.dat")
rm -f "$D4/m5.dat"

# ---- P5: watch idle ------------------------------------------------------
p5() {
	local d=$OUT/p5 i=$1 wp fp v0 v1 n0 n1 io0 io1 l0 l1
	mkdir -p "$d"
	quiet_wait
	"$FINIT" watch --format json -o "$d/w.json" 2>"$d/err" &
	wp=$!
	MYPIDS+=($wp)
	TOOLPIDS+=($wp)
	wait_armed "$d/err" >/dev/null || { res P5 run=$i rc=not-armed; stop_tool $wp; return; }
	sleep 0.5
	read -r v0 n0 < <(awk '/^voluntary_ctxt_switches/ { v = $2 } /^nonvoluntary_ctxt_switches/ { n = $2 } END { print v, n }' /proc/$wp/status)
	io0=$(awk '/^syscr/ { print $2 }' /proc/$wp/io)
	l0=$(wc -l <"$d/w.json")
	sleep "$P5_SECS"
	read -r v1 n1 < <(awk '/^voluntary_ctxt_switches/ { v = $2 } /^nonvoluntary_ctxt_switches/ { n = $2 } END { print v, n }' /proc/$wp/status)
	io1=$(awk '/^syscr/ { print $2 }' /proc/$wp/io)
	l1=$(wc -l <"$d/w.json")
	stop_tool $wp
	res P5 run=$i who=tool secs=$P5_SECS vcs=$((v1 - v0)) nvcs=$((n1 - n0)) read_syscalls=$((io1 - io0)) \
		events_in_window=$((l1 - l0)) foreign=$(foreign_consumers)
}
log "P5: watch idle ${P5_SECS}s x $RUNS"
for ((r = 1; r <= RUNS; r++)); do
	p5 $r
done

# ---- P6: latency syscall -> JSON line -------------------------------------
p6() {
	local d=$OUT/p6 i=$1 wp sp t0 t1
	mkdir -p "$d"
	rm -f "$d/fifo"
	mkfifo "$d/fifo"
	quiet_wait
	"$B/stamp" lines <"$d/fifo" >"$d/lat.$i" &
	sp=$!
	MYPIDS+=($sp)
	"$FINIT" watch --format json >"$d/fifo" 2>"$d/err" &
	wp=$!
	MYPIDS+=($wp)
	TOOLPIDS+=($wp)
	wait_armed "$d/err" >/dev/null || { res P6 run=$i rc=not-armed; stop_tool $wp; return; }
	t0=$(cpu_ticks)
	"$B/burst" -t -s 1000 -H 300 "$P6_N" >"$d/burst.out"
	t1=$(cpu_ticks)
	stop_tool $wp
	wait $sp
	res P6 run=$i who=tool steal_pct=$(steal_pct "$t0" "$t1") lost=$(tool_lost "$d/err") $(python3 - "$d/lat.$i" "$(kv "$d/burst.out" pid)" <<'EOF'
import json, sys
tid = int(sys.argv[2])
a, b = [], []
for line in open(sys.argv[1]):
    t, _, j = line.partition(" ")
    try:
        e = json.loads(j)
    except ValueError:
        continue
    if e.get("tid") != tid:
        continue
    a.append((int(t) - e["ts_ns"]) / 1e3)          # enter (trace clock) -> line read
    pv = (e.get("args") or {}).get("param_values") or ""
    if pv.startswith("t="):
        b.append((int(t) - int(pv[2:])) / 1e3)     # generator's stamp -> line read
def pct(x, q):
    x = sorted(x)
    return x[min(len(x) - 1, int(q * len(x)))] if x else -1
print("captured=%d p50_us=%.1f p99_us=%.1f max_us=%.1f gen_n=%d gen_p50_us=%.1f gen_p99_us=%.1f"
      % (len(a), pct(a, .5), pct(a, .99), max(a or [-1]), len(b), pct(b, .5), pct(b, .99)))
EOF
) issued=$P6_N
}
log "P6: latency, $P6_N calls 1 ms apart x $RUNS"
for ((r = 1; r <= RUNS; r++)); do
	p6 $r
	log "  run $r: $(tail -n 1 "$RES" | cut -d' ' -f4-8)"
done

# ---- P7: start-up, exec -> first event caught ------------------------------
p7() {
	local d=$OUT/p7 i=$1 gp wp t0 first
	mkdir -p "$d"
	quiet_wait
	# a finit_module call every 200 us for up to 6 s: the resolution
	"$B/burst" -q -s 200 30000 &
	gp=$!
	MYPIDS+=($gp)
	sleep 0.3
	"$B/stamp" exec "$d/t0" "$FINIT" watch --format json -o "$d/w.json" 2>"$d/err" &
	wp=$!
	MYPIDS+=($wp)
	TOOLPIDS+=($wp)
	wait_armed "$d/err" >/dev/null
	sleep 0.3
	stop_tool $wp
	first=$(grep -m1 "\"tid\":$gp," "$d/w.json" | sed -n 's/.*"ts_ns":\([0-9]*\).*/\1/p')
	t0=$(cut -d' ' -f1 "$d/t0")
	local tool_ms=-1
	[[ -n $first ]] && tool_ms=$(python3 -c "print('%.2f' % (($first - $t0) / 1e6))")
	# the peer: perf record with CLOCK_MONOTONIC sample times
	"$B/stamp" exec "$d/t0p" perf record -q -k mono -e raw_syscalls:sys_enter --filter 'id == 313' \
		-a -o "$d/p7.data" -- sleep 0.6 2>/dev/null
	first=$(perf script -i "$d/p7.data" --pid $gp -F time --ns 2>/dev/null | head -n 1 | tr -d ' :')
	t0=$(cut -d' ' -f2 "$d/t0p")
	local perf_ms=-1
	[[ -n $first ]] && perf_ms=$(python3 -c "print('%.2f' % ((round(float('$first') * 1e9) - $t0) / 1e6))")
	kill $gp 2>/dev/null
	wait $gp 2>/dev/null
	res P7 run=$i tool_ms=$tool_ms perf_ms=$perf_ms
	rm -f "$d/p7.data"
}
log "P7: start-up x $RUNS"
for ((r = 1; r <= RUNS; r++)); do
	p7 $r
done

# ---- P8: getpid() loop alone, with watch, with perf ------------------------
# loop2 - the faster of 2 back-to-back loops (least disturbed by other load)
loop2() {
	local k
	for k in 1 2; do
		"$B/getpid-loop" "$P8_N"
	done | sort -n -k6 | head -n 1
}

# Alone, watch, alone, perf, alone: each traced figure is compared with the
# mean of the baselines just before and just after it (drift cancels out).
p8() {
	local d=$OUT/p8 i=$1 wp pp a1 a2 a3 w p
	mkdir -p "$d"
	quiet_wait
	a1=$(loop2)
	"$FINIT" watch --format json -o /dev/null 2>"$d/err" &
	wp=$!
	MYPIDS+=($wp)
	TOOLPIDS+=($wp)
	wait_armed "$d/err" >/dev/null
	w=$(loop2)
	stop_tool $wp
	a2=$(loop2)
	perf record -q "${PERF_EV[@]}" -a -o "$d/p8.data" 2>/dev/null &
	pp=$!
	MYPIDS+=($pp)
	sleep 1
	p=$(loop2)
	kill -INT $pp
	wait $pp 2>/dev/null
	rm -f "$d/p8.data"
	a3=$(loop2)
	res P8 run=$i a1_ns=$(echo "$a1" | awk '{print $4}') a1_cpu_ns=$(echo "$a1" | awk '{print $6}') \
		a2_ns=$(echo "$a2" | awk '{print $4}') a2_cpu_ns=$(echo "$a2" | awk '{print $6}') \
		a3_ns=$(echo "$a3" | awk '{print $4}') a3_cpu_ns=$(echo "$a3" | awk '{print $6}') \
		watch_ns=$(echo "$w" | awk '{print $4}') watch_cpu_ns=$(echo "$w" | awk '{print $6}') \
		perf_ns=$(echo "$p" | awk '{print $4}') perf_cpu_ns=$(echo "$p" | awk '{print $6}') \
		foreign=$(foreign_consumers)
}
log "P8: getpid() x $P8_N alone / with watch / with perf, x $RUNS"
for ((r = 1; r <= RUNS; r++)); do
	p8 $r
done

# ---- optional profiles -----------------------------------------------------
if [[ ${BENCH_PROFILE:-0} == 1 ]]; then
	D=$OUT/profile
	mkdir -p "$D"
	top() {	# top DATA - the hottest symbols, self and with children
		echo "## self"
		perf report -i "$1" --no-children --sort dso,sym --stdio -g none 2>/dev/null | grep '%' | head -n 25
		echo "## children"
		perf report -i "$1" --children --sort sym --stdio -g none 2>/dev/null | grep '%' | head -n 30
	}
	# attach NAME PID HZ - perf record the tool PID (armed: NAME's stderr) in
	# the background; its pid in $pp
	attach() {
		MYPIDS+=($2)
		TOOLPIDS+=($2)
		wait_armed "$D/err.$1" >/dev/null
		perf record -q -e cpu-clock -F "$3" -g -p "$2" -o "$D/$1.data" 2>/dev/null &
		pp=$!
		MYPIDS+=($pp)
	}
	log "profile: record during a $N-call burst"
	rm -f "$D/go"
	"$FINIT" record -o "$D/r.dat" -- "$B/burst" -w "$D/go" "$N" >/dev/null 2>"$D/err.record" &
	tp=$!
	attach record $tp 2000
	sleep 0.5
	touch "$D/go"
	wait $tp
	wait $pp 2>/dev/null
	top "$D/record.data" >"$D/record.txt"
	rm -f "$D/r.dat"
	log "profile: watch at 1 call/ms"
	"$FINIT" watch --format json -o /dev/null 2>"$D/err.watch" &
	wp=$!
	attach watch $wp 4000
	sleep 0.3
	"$B/burst" -q -t -s 1000 -H 300 3000
	kill -INT $pp
	wait $pp 2>/dev/null
	stop_tool $wp
	top "$D/watch.data" >"$D/watch.txt"
	log "profile: report -F json of the $N4-call file"
	perf record -q -e cpu-clock -F 2000 -g -o "$D/report.data" -- "$FINIT" report -F json "$D4/m1.dat" \
		>/dev/null 2>/dev/null
	top "$D/report.data" >"$D/report.txt"
	rm -f "$D"/*.data
fi
rm -f "$D4/m1.dat"

res META load_end=$(cut -d' ' -f1 /proc/loadavg) quiet_waits=$QUIET_WAITS foreign_at_end=$(foreign_consumers)

# ---- the table ---------------------------------------------------------------
echo
echo "## Machine"
echo
echo '```'
cat "$OUT/machine.txt"
echo '```'
echo
python3 "$HERE/table.py" "$RES"
if [[ ${BENCH_PROFILE:-0} == 1 ]]; then
	for p in record watch report; do
		echo
		echo "### profile: $p (perf record -e cpu-clock -g)"
		echo '```'
		cat "$OUT/profile/$p.txt"
		echo '```'
	done
fi
exit 0
}
