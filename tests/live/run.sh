#!/bin/bash
# Live tests of finit-ftrace as root against the real tracefs (run by `make live` / `make asan`).
set -u
export LC_ALL=C

FINIT=${FINIT:-./finit-ftrace}
MODCALL=${MODCALL:-build/modcall}
BURST=${BURST:-build/bench/burst}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ASSERT=$HERE/assert_events.py
TRACEFS=/sys/kernel/tracing
PREFIX=finit-ftrace
NPROC=$(nproc --all)

# Timeouts are upper bounds for polling only; ASan builds start and stop slower.
SCALE=${LIVE_TIMEOUT_SCALE:-1}
case $FINIT in *asan*) SCALE=${LIVE_TIMEOUT_SCALE:-3} ;; esac
ARM_TIMEOUT=$((10 * SCALE))	# until "finit-ftrace: armed:" is on stderr
LINE_TIMEOUT=$((10 * SCALE))	# until the expected output lines are there
EXIT_TIMEOUT=$((10 * SCALE))	# until a signalled or finishing run has exited
EPIPE_TIMEOUT=$((5 * SCALE))	# until a run whose reader went away has exited

PASSED=0
FAILED=0
STARTED=()	# pids of our background processes not reaped yet
RUNS=()		# pids of every finit-ftrace run we started
HELD=()		# pids of modcalls waiting for EOF on $D/hold
HOLD_FD=	# our end of $D/hold: closing it releases the held modcalls
TMPDIRS=()
REASON=
RC=
W_PID=

# ---------------------------------------------------------------- plumbing

pass() { echo "PASS $1"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL $1: $2"; FAILED=$((FAILED + 1)); }

# oneline FILE - the file's text on one line (for failure reasons)
oneline() { tr '\n' '|' <"$1" 2>/dev/null | cut -c1-600; }

now_us() { echo "${EPOCHREALTIME/./}"; }
now_ns() { echo "${EPOCHREALTIME/./}000"; }

# poll SECONDS CMD... - run CMD every 50 ms until it succeeds; 1 on timeout
poll() {
	local end=$(($(now_us) + $1 * 1000000))
	shift
	until "$@"; do
		(($(now_us) < end)) || return 1
		sleep 0.05
	done
}

# alive PID - our child PID still runs (not exited, not a zombie)
alive() {
	local st
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	st=${st##*) }			# "S PPID ..." after "pid (comm) "
	[[ ${st%% *} != Z ]] || return 1
	st=${st#* }
	[[ ${st%% *} == "$$" ]]
}
exited() { ! alive "$1"; }

forget() {
	local p keep=()
	for p in "${STARTED[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
	STARTED=("${keep[@]}")
}

# closefds - in a subshell about to exec: close every fd but 0, 1 and 2, so
# the program inherits neither our hold fifo nor fds like make's jobserver
closefds() {
	local f n
	for f in /proc/$BASHPID/fd/*; do
		n=${f##*/}
		((n > 2 && n < 255)) && eval "exec $n>&-"
	done
}

# start_bg OUT ERR CMD... - start CMD in the background; its pid in BG_PID
start_bg() {
	# the files go first (a FIFO stays): the child empties them only once
	# it runs, and a poll must not read an earlier run's "armed:" line
	local f
	for f in "$1" "$2"; do [[ -p $f ]] || rm -f "$f"; done
	(closefds && exec "${@:3}") >"$1" 2>"$2" &
	BG_PID=$!
	STARTED+=("$BG_PID")
	[[ $3 != "$FINIT" ]] || RUNS+=("$BG_PID")
}

# reap PID [TIMEOUT] - wait until PID exits; its exit code in RC (124: timed out, killed)
reap() {
	if ! poll "${2:-$EXIT_TIMEOUT}" exited "$1"; then
		alive "$1" && kill -KILL "$1"
		wait "$1" 2>/dev/null
		forget "$1"
		RC=124
		return 1
	fi
	wait "$1" 2>/dev/null
	RC=$?
	forget "$1"
}

# run_fg OUT ERR CMD... - run CMD in the foreground with a timeout; exit code in RC
run_fg() {
	timeout -k 2 "$EXIT_TIMEOUT" "${@:3}" >"$1" 2>"$2"
	RC=$?
}

has_armed() { grep -q '^finit-ftrace: armed:' "$1" 2>/dev/null; }
nlines() { if [[ -e $1 ]]; then wc -l <"$1"; else echo 0; fi; }
has_lines() { (($(nlines "$1") >= $2)); }
instance_exists() { [[ -d $TRACEFS/instances/$PREFIX-$1 ]]; }
our_instances() { (cd "$TRACEFS/instances" && ls -d "$PREFIX"-* 2>/dev/null | tr '\n' ' '); }

# watch_start ARGS... - start "$FINIT ARGS" (stdout/stderr in the case dir), wait for armed
watch_start() {
	start_bg "$D/stdout" "$D/stderr" "$FINIT" "$@"
	W_PID=$BG_PID
	if ! poll "$ARM_TIMEOUT" has_armed "$D/stderr"; then
		exited "$W_PID" && reap "$W_PID" && REASON="exited with $RC before armed" ||
			REASON="not armed within ${ARM_TIMEOUT}s"
		REASON+="; stderr: $(oneline "$D/stderr")"
		return 1
	fi
}

# watch_stop SIG - signal the watch run and reap it; exit code in RC
watch_stop() {
	alive "$W_PID" && kill "-$1" "$W_PID"
	reap "$W_PID" || { REASON="did not exit within ${EXIT_TIMEOUT}s of SIG$1 (killed)"; return 1; }
}

tid_of() { sed -n 's/.*"tid":\([0-9]*\).*/\1/p' "$D/$1.json"; }

# has_calls FORMAT FILE NAME... - FILE has a line of each call NAME (by its tid)
has_calls() {
	local fmt=$1 file=$2 n t
	shift 2
	for n; do
		t=$(tid_of "$n")
		case $fmt in
		json) grep -q "\"tid\":$t," "$file" ;;
		text) grep -Eq "\[[0-9?]+/$t\] " "$file" ;;
		csv)  grep -Eq ",(finit|init|delete)_module,[0-9]*,$t," "$file" ;;
		tracee) grep -q "\"hostThreadId\":$t," "$file" ;;
		esac || return 1
	done
}

# await_calls FORMAT FILE NAME... - wait until the output has a line of each call
# (only ours count: other processes on this machine may make module calls too)
await_calls() {
	local sum
	poll "$LINE_TIMEOUT" has_calls "$@" && return 0
	REASON="not every call of ${*:3} in the output within ${LINE_TIMEOUT}s ($(nlines "$2") line(s))"
	# say why: a flood of other processes' module calls shows as LOST events
	if [[ -n $W_PID ]] && alive "$W_PID" && watch_stop TERM; then
		sum=$(grep -E '^finit-ftrace: ([0-9]+ event|cpu[0-9]+ LOST|lost events)' "$D/stderr" |
		      tr '\n' '|')
		REASON+="; its summary after SIGTERM: $sum"
	fi
	return 1
}

# clean_stop SIG - stop the watch run: exit 0 and its instance gone
clean_stop() {
	watch_stop "$1" || return 1
	expect_eq "exit code after SIG$1 (stderr: $(oneline "$D/stderr"))" "$RC" 0 || return 1
	expect_no_instance "$W_PID"
}

# ------------------------------------------------ the callers (modcall)

# mkexp NAME HELD KIND PATH|NAME ... - $D/NAME.exp: modcall's record of the call
# plus what the test knows: the caller was held, the file behind fd, its size
mkexp() {
	local name=$1 held=$2 kind=$3 file=$4 x
	x="\"x_held\":$held"
	case $kind in
	finit)
		if [[ $file == - ]]; then
			x+=',"x_path":null'
		else
			x+=",\"x_path\":\"$(readlink -f "$file")\""
			[[ -n ${HASH:-} ]] && x+=",\"x_sha256\":\"$(sha256sum <"$file" | cut -d' ' -f1)\""
		fi ;;
	init)	x+=",\"x_len\":$(stat -c %s "$file")" ;;
	esac
	sed "s|}\$|,$x}|" "$D/$name.json" >"$D/$name.exp"
}

# held_start NAME KIND ARGS... - start `modcall KIND ARGS --hold` (after reading a
# line from $GATE when set); it stays alive until release_held
held_start() {
	local name=$1
	shift
	[[ -p $D/hold ]] || mkfifo "$D/hold"
	[[ -n $HOLD_FD ]] || exec {HOLD_FD}<>"$D/hold"	# read-write: never blocks
	# with $AUID: the caller's login uid (a new audit session), as a login sets it
	(closefds && { [[ -z ${GATE:-} ]] || read -r _ <"$GATE"; } &&
	 { [[ -z ${AUID:-} ]] || echo "$AUID" >/proc/self/loginuid; } && exec "$MODCALL" "$@" --hold) \
		<"$D/hold" >"$D/$name.json" 2>"$D/$name.err" &
	BG_PID=$!
	STARTED+=("$BG_PID")
	HELD+=("$BG_PID")
}

# held_made NAME ARGS... - wait until the held call NAME was made; write NAME.exp
held_made() {
	local name=$1
	shift
	if ! poll "$LINE_TIMEOUT" has_lines "$D/$name.json" 1; then
		REASON="modcall $* did not report its call: $(oneline "$D/$name.err")"
		return 1
	fi
	mkexp "$name" true "$@"
}

# call NAME KIND ARGS... - a held call, made and reported
call() { held_start "$@" && held_made "$@"; }

# quick NAME KIND ARGS... - a caller that exits at once, like insmod does
quick() {
	local name=$1
	shift
	if ! (closefds && exec "$MODCALL" "$@") >"$D/$name.json" 2>"$D/$name.err" </dev/null ||
	   [[ $(nlines "$D/$name.json") != 1 ]]; then
		REASON="modcall $* failed: $(oneline "$D/$name.err")"
		return 1
	fi
	mkexp "$name" false "$@"
}

# release_held - EOF to every held modcall; each must exit 0
release_held() {
	local p ok=0
	[[ -n $HOLD_FD ]] && exec {HOLD_FD}>&-
	HOLD_FD=
	for p in "${HELD[@]}"; do
		reap "$p" || ok=1
	done
	HELD=()
	return $ok
}

pid_of() { sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$D/$1.json"; }

# ---------------------------------------------------------------- expectations

expect_eq() {		# WHAT ACTUAL EXPECTED
	[[ $2 == "$3" ]] && return 0
	REASON="$1: got '$2', expected '$3'"
	return 1
}
expect_grep() {		# FILE ERE WHAT - a line of FILE matches ERE
	grep -Eq -- "$2" "$1" && return 0
	REASON="$3: no line matching /$2/ in: $(oneline "$1")"
	return 1
}
expect_no_grep() {	# FILE ERE WHAT
	grep -Eq -- "$2" "$1" || return 0
	REASON="$3: unexpected /$2/ in: $(oneline "$1")"
	return 1
}
expect_empty() {	# FILE WHAT
	[[ ! -s $1 ]] && return 0
	REASON="$2 is not empty: $(oneline "$1")"
	return 1
}
expect_no_instance() {	# PID
	instance_exists "$1" || return 0
	REASON="instance $PREFIX-$1 is still in $TRACEFS/instances"
	return 1
}
expect_instance() {	# PID
	instance_exists "$1" && return 0
	REASON="instance $PREFIX-$1 is missing from $TRACEFS/instances (have: $(our_instances))"
	return 1
}
# leftovers - instances of runs we started, or of runs that are gone (this machine
# is shared: another user's live run may have one)
leftovers() {
	local i pid out=
	for i in "$TRACEFS/instances/$PREFIX"-*; do
		[[ -d $i ]] || continue
		pid=${i##*-}
		[[ " ${RUNS[*]} " == *" $pid "* || ! -d /proc/$pid ]] && out+="${i##*/} "
	done
	echo "$out"
}
expect_no_leftovers() {
	local left
	left=$(leftovers)
	[[ -z $left ]] && return 0
	REASON="instances left in $TRACEFS/instances: $left"
	return 1
}
# expect_summary FILE - "N event(s)" on stderr is the number of lines in FILE
expect_summary() {
	local n
	n=$(sed -n 's/^finit-ftrace: \([0-9]*\) event(s), [0-9]* record(s) read.*/\1/p' "$D/stderr")
	expect_eq "events in the summary line (stderr: $(oneline "$D/stderr"))" "$n" "$(nlines "$1")"
}
# assert_py SUBCOMMAND ARGS... - assert_events.py; its message in REASON
assert_py() { REASON=$(python3 "$ASSERT" "$@" 2>&1); }
# assert_out FORMAT OUT NAME... - the output against the .exp records of calls NAME...,
# in this order; every other call of this case must not be in it at all
assert_out() {
	local fmt=$1 out=$2 n f absent=
	shift 2
	: >"$D/expected"
	for n in "$@"; do cat "$D/$n.exp" >>"$D/expected"; done
	for f in "$D"/*.exp; do
		n=${f##*/}
		[[ " $* " == *" ${n%.exp} "* ]] || absent+="$(tid_of "${n%.exp}"),"
	done
	assert_py "$fmt" "$out" "$D/expected" --nproc "$NPROC" --ppid $$ --uid "$(id -ru)" \
		--gid "$(id -rg)" --exe "$(readlink -f "$MODCALL")" --absent "${absent%,}" \
		${SINCE:+--since "$SINCE" --until "$UNTIL"}
}

# run_case NAME FUNC ARGS... - FUNC in a fresh temp dir $D; PASS or FAIL with REASON
run_case() {
	local name=$1
	shift
	# LIVE_ONLY=GLOB: only the cases whose name matches (while developing)
	[[ -n ${LIVE_ONLY:-} && $name != $LIVE_ONLY ]] && return 0
	D=$(mktemp -d "${TMPDIR:-/tmp}/finit-live.XXXXXX")
	TMPDIRS+=("$D")
	REASON=
	SINCE=
	if "$@"; then
		pass "$name"
	else
		fail "$name" "${REASON:-no reason given}"
	fi
	# a failed case may leave a run or held callers behind: stop them first
	[[ -n $W_PID ]] && alive "$W_PID" && { watch_stop TERM || true; }
	W_PID=
	release_held || true
}

# top level tracefs state that the tool must never change
toplevel_state() {
	local f
	for f in set_event tracing_on trace_clock options/record-tgid \
		 events/raw_syscalls/enable events/raw_syscalls/sys_enter/enable \
		 events/raw_syscalls/sys_exit/enable events/raw_syscalls/sys_enter/filter \
		 events/raw_syscalls/sys_exit/filter; do
		printf '%s=%s; ' "$f" "$(tr '\n' ' ' <"$TRACEFS/$f" 2>/dev/null)"
	done
}

at_exit() {
	local p left=0
	[[ -n $HOLD_FD ]] && exec {HOLD_FD}>&-
	for p in "${STARTED[@]}"; do
		poll 2 exited "$p" || kill -TERM "$p"
		poll 5 exited "$p" || { alive "$p" && kill -KILL "$p"; }
		wait "$p" 2>/dev/null
		instance_exists "$p" && left=1
	done
	((left)) && "$FINIT" cleanup >/dev/null 2>&1
	((${#TMPDIRS[@]})) && rm -rf "${TMPDIRS[@]}"
}
trap at_exit EXIT

# shellcheck source=tests/live/policy.sh
. "$HERE/policy.sh"
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- cases

# 1. every JSON field of every line against modcall's own record
t_json_fields() {
	watch_start watch --format json -o "$D/out" || return 1
	SINCE=$(now_ns)
	call c1 finit - "p=1" 4 --fd 7 || return 1
	printf 'not a module\n' >"$D/fake.ko"
	call c2 finit "$D/fake.ko" "a b" 3 --fd 9 || return 1
	call c3 finit - "" 0x18 --fd 12 || return 1
	UNTIL=$(now_ns)
	await_calls json "$D/out" c1 c2 c3 || return 1
	clean_stop INT || return 1
	expect_empty "$D/stdout" "stdout with -o" || return 1
	assert_out json "$D/out" c1 c2 c3
}

# --no-compat only drops raw_syscalls beside the syscalls events: on the
# raw_syscalls path it must still catch every call
t_no_compat_raw() {
	watch_start watch --format json --no-compat -o "$D/out" || return 1
	SINCE=$(now_ns)
	call c1 finit - "p=1" 0 --fd 7 || return 1
	UNTIL=$(now_ns)
	await_calls json "$D/out" c1 || return 1
	clean_stop INT || return 1
	assert_out json "$D/out" c1
}

# init_module and delete_module: their own args, module, flags names
t_json_init_delete() {
	head -c 3000 /dev/zero >"$D/fake.ko"
	watch_start watch --format json -o "$D/out" || return 1
	call i1 init "$D/fake.ko" "x=1 y" || return 1
	call d1 delete dummy 0x880 || return 1
	await_calls json "$D/out" i1 d1 || return 1
	clean_stop INT || return 1
	assert_out json "$D/out" i1 d1
}

# strings are escaped so the exact bytes come back (JSON: U+FFFD, and raw_b64)
t_json_escaping() {
	watch_start watch --format json -o "$D/out" || return 1
	call c1 finit - $'q"b\\s\tn\nl\x01 \xff\xc3\xa9' 0 --fd 7 || return 1
	await_calls json "$D/out" c1 || return 1
	clean_stop INT || return 1
	assert_out json "$D/out" c1
}

# invalid UTF-8: strict JSON (\ufffd), the exact bytes in raw_b64 (assert_out
# checks both on every line); delete_module's name under name and module
t_json_invalid_utf8() {
	watch_start watch --format json -o "$D/out" || return 1
	call c1 finit - $'bad=\xff\xfe end' 0 --fd 7 || return 1
	call d1 delete $'bad\xff' 0 || return 1
	await_calls json "$D/out" c1 d1 || return 1
	clean_stop INT || return 1
	expect_grep "$D/out" '"param_values":"bad=\\ufffd\\ufffd end".*"raw_b64":\{"param_values":"YmFkPf/\+IGVuZA=="\}\}$' \
		"finit_module's line" || return 1
	expect_grep "$D/out" '"raw_b64":\{"name":"YmFk/w==","module":"YmFk/w=="\}\}$' \
		"delete_module's line" || return 1
	assert_out json "$D/out" c1 d1
}

# --hash: sha256 of the file behind fd, read through /proc
t_json_hash() {
	head -c 100000 /dev/urandom >"$D/fake.ko"
	watch_start watch --format json -H -o "$D/out" || return 1
	HASH=1 call c1 finit "$D/fake.ko" "" 0 --fd 9 || return 1
	call c2 finit - "" 0 --fd 7 || return 1
	await_calls json "$D/out" c1 c2 || return 1
	clean_stop INT || return 1
	assert_out json "$D/out" c1 c2
}

# callers that exit at once (like insmod): /proc fields may be null, never wrong
t_short_lived() {
	printf 'x' >"$D/fake.ko"
	watch_start watch --format json -o "$D/out" || return 1
	quick c1 finit - "p=1" 4 --fd 7 || return 1
	quick c2 finit "$D/fake.ko" "a b" 3 --fd 9 || return 1
	quick c3 init "$D/fake.ko" "x=1" || return 1
	quick c4 delete dummy 0x800 || return 1
	await_calls json "$D/out" c1 c2 c3 c4 || return 1
	clean_stop INT || return 1
	assert_out json "$D/out" c1 c2 c3 c4 || return 1
	unknown_counted
}

# unknown_counted - the summary counts the events whose pid or comm is null
unknown_counted() {
	local n
	n=$(grep -c -E '"(pid|comm)":null' "$D/out")
	if ((n == 0)); then
		expect_no_grep "$D/stderr" "with pid or comm unknown" "summary"
	else
		expect_grep "$D/stderr" "^finit-ftrace: $n event\\(s\\) with pid or comm unknown" \
			"summary ($n null in the output)"
	fi
}

# 2. filter syntax: calls "KIND ARGS..."; the ones numbered in WANT must appear
# filter_case FILTER WANT CALL... ; on the raw_syscalls path it runs in user space
filter_case() {
	local filter=$1 want=$2 c n=0 args names=()
	shift 2
	watch_start watch --format json -o "$D/out" -f "$filter" || return 1
	expect_grep "$D/stderr" "^finit-ftrace: armed: .*, filter in user space," "armed line" ||
		return 1
	for c in "$@"; do
		n=$((n + 1))
		read -ra args <<<"$c"
		call "c$n" "${args[@]}" || return 1
		[[ " $want " == *" $n "* ]] && names+=("c$n")
	done
	await_calls json "$D/out" "${names[@]}" || return 1
	clean_stop INT || return 1
	assert_out json "$D/out" "${names[@]}"
}
t_filter_flags() {
	filter_case 'flags & 4' "1 3" \
		"finit - p=1 4 --fd 7" "finit - p=1 3 --fd 8" "finit - p=1 0x1c --fd 9"
}
t_filter_fd() {
	filter_case 'fd == 9 || fd == 12' "2 3" \
		"finit - x 0 --fd 7" "finit - x 0 --fd 9" "finit - x 0 --fd 12"
}
# common_pid: a caller held on a gate fifo is the only one the filter may let through
t_filter_common_pid() {
	local gated
	mkfifo "$D/go"
	GATE=$D/go held_start g1 finit - "" 0 --fd 5
	gated=$BG_PID
	watch_start watch --format json -o "$D/out" -f "common_pid == $gated" || return 1
	expect_grep "$D/stderr" "^finit-ftrace: armed: .*, filter in kernel," "armed line" ||
		return 1
	call other finit - "" 0 --fd 6 || return 1		# must not appear
	timeout 5 bash -c 'echo go >"$1"' _ "$D/go" || { REASON="cannot open the gate"; return 1; }
	held_made g1 finit - || return 1
	expect_eq "gated modcall pid" "$(pid_of g1)" "$gated" || return 1
	await_calls json "$D/out" g1 || return 1
	clean_stop INT || return 1
	assert_out json "$D/out" g1
}

# --events: only the chosen calls
t_events_select() {
	watch_start watch --format json -e delete_module -o "$D/out" || return 1
	call c1 finit - "p=1" 4 --fd 7 || return 1		# must not appear
	call d1 delete dummy 0x200 || return 1
	await_calls json "$D/out" d1 || return 1
	clean_stop INT || return 1
	assert_out json "$D/out" d1
}

# 3. a malformed filter: exit 2, the expression with a caret, nothing left behind
t_bad_filter() {		# EXPR CARET_OFFSET
	start_bg "$D/stdout" "$D/stderr" "$FINIT" watch --format json -f "$1"
	local pid=$BG_PID
	reap "$pid" || { REASON="still running after ${EXIT_TIMEOUT}s (killed)"; return 1; }
	expect_eq "exit code (stderr: $(oneline "$D/stderr"))" "$RC" 2 || return 1
	assert_py caret "$D/stderr" "$1" "$2" || return 1
	expect_no_grep "$D/stderr" "armed" "stderr" || return 1
	expect_no_instance "$pid" || return 1
	expect_no_leftovers
}

# 4. SIGINT / SIGTERM: exit 0, summary, instance gone, top level untouched
t_signal() {			# INT|TERM
	local before after
	before=$(toplevel_state)
	watch_start watch --format json -o "$D/out" || return 1
	expect_grep "$D/stderr" \
		"^finit-ftrace: armed: instance $PREFIX-$W_PID, events raw_syscalls, strings procfs, compat raw_syscalls, filter none, clock boot$" \
		"armed line" || return 1
	expect_instance "$W_PID" || return 1
	call c1 finit - "" 0 --fd 5 || return 1
	await_calls json "$D/out" c1 || return 1
	clean_stop "$1" || return 1
	expect_summary "$D/out" || return 1
	after=$(toplevel_state)
	expect_eq "top-level tracefs state" "$after" "$before" || return 1
	assert_out json "$D/out" c1
}

# kill_watch - start a run and SIGKILL it once armed; its pid in KILLED
kill_watch() {
	watch_start watch -o "$D/out" || return 1
	KILLED=$W_PID
	{	# (bash's "Killed" job notice is expected here: keep it off the report)
		kill -KILL "$KILLED"
		reap "$KILLED"
	} 2>/dev/null || { REASON="SIGKILLed run did not die"; return 1; }
	expect_eq "exit code of the killed run" "$RC" 137 || return 1
	expect_instance "$KILLED"
}

# stale_count - instances of our prefix whose pid no longer exists
stale_count() {
	local n=0 i
	for i in "$TRACEFS/instances/$PREFIX"-*; do
		[[ -d $i ]] || continue
		[[ -d /proc/${i##*-} ]] || n=$((n + 1))
	done
	echo "$n"
}

# 5a. `cleanup` removes the instance of a SIGKILLed run
t_reclaim_cleanup() {
	local n
	kill_watch || return 1
	# the protected loads buffer it would have had on a kernel with modules
	mkdir "$TRACEFS/instances/$PREFIX-$KILLED-loads" || return 1
	n=$(stale_count)
	run_fg "$D/clean.out" "$D/clean.err" "$FINIT" cleanup
	expect_eq "cleanup exit code (stderr: $(oneline "$D/clean.err"))" "$RC" 0 || return 1
	expect_grep "$D/clean.out" "^finit-ftrace: removed stale instance $PREFIX-$KILLED \(pid $KILLED is gone\)$" \
		"cleanup output" || return 1
	expect_grep "$D/clean.out" "^finit-ftrace: removed stale instance $PREFIX-$KILLED-loads \(pid $KILLED is gone\)$" \
		"cleanup output" || return 1
	[[ ! -d $TRACEFS/instances/$PREFIX-$KILLED-loads ]] ||
		{ REASON="cleanup left $PREFIX-$KILLED-loads"; return 1; }
	expect_grep "$D/clean.out" "^finit-ftrace: cleanup removed $n stale instance\(s\)$" \
		"cleanup output" || return 1
	expect_no_instance "$KILLED"
}

# 5b. a new watch run reclaims the instance of a SIGKILLed run
t_reclaim_watch() {
	local first
	kill_watch || return 1
	first=$D/stderr.killed
	mv "$D/stderr" "$first"
	watch_start watch -o "$D/out2" || return 1
	expect_grep "$D/stderr" "^finit-ftrace: removed stale instance $PREFIX-$KILLED \(pid $KILLED is gone\)$" \
		"stderr of the new run" || return 1
	expect_no_instance "$KILLED" || return 1
	expect_instance "$W_PID" || return 1
	clean_stop INT || return 1
	expect_no_leftovers
}

# 5c. `cleanup` leaves a live run's instance alone
t_cleanup_live() {
	watch_start watch -o "$D/out" || return 1
	mkdir "$TRACEFS/instances/$PREFIX-$W_PID-loads" || return 1
	run_fg "$D/clean.out" "$D/clean.err" "$FINIT" cleanup
	[[ -d $TRACEFS/instances/$PREFIX-$W_PID-loads ]] ||
		{ REASON="cleanup removed a live run's -loads instance"; return 1; }
	rmdir "$TRACEFS/instances/$PREFIX-$W_PID-loads"
	expect_eq "cleanup exit code (stderr: $(oneline "$D/clean.err"))" "$RC" 0 || return 1
	expect_no_grep "$D/clean.out" "$PREFIX-$W_PID\b" "cleanup output" || return 1
	expect_instance "$W_PID" || return 1
	alive "$W_PID" || { REASON="the live run died during cleanup"; return 1; }
	clean_stop INT
}

# 5d. another reader of our instance takes records while the tool is
# stopped: the summary compares the kernel's "read events" with what it
# decoded, names the instance, and the loss is not "0 on all CPUs"
t_stolen_records() {
	local c thieves=() n before after
	watch_start watch -o "$D/out" || return 1
	kill -STOP "$W_PID"
	for c in "$TRACEFS/instances/$PREFIX-$W_PID"/per_cpu/cpu*; do
		cat "$c/trace_pipe_raw" >/dev/null &
		thieves+=($!)
	done
	sleep 0.2
	before=$(grep -h '^read events:' "$TRACEFS/instances/$PREFIX-$W_PID"/per_cpu/cpu*/stats |
		 awk '{ s += $3 } END { print s + 0 }')
	for n in 1 2 3; do
		quick "s$n" finit - "" 0 --fd 4242 || { kill -CONT "$W_PID"; kill "${thieves[@]}"; return 1; }
	done
	sleep 0.5
	after=$(grep -h '^read events:' "$TRACEFS/instances/$PREFIX-$W_PID"/per_cpu/cpu*/stats |
		awk '{ s += $3 } END { print s + 0 }')
	kill "${thieves[@]}"
	wait "${thieves[@]}" 2>/dev/null
	kill -CONT "$W_PID"
	# the thieves took the 6 records (enter and exit of each call)
	((after - before >= 6)) ||
		{ REASON="the other readers took $((after - before)) record(s), not 6"; return 1; }
	clean_stop INT || return 1
	expect_grep "$D/stderr" "^finit-ftrace: cpu[0-9]+ LOST events: the kernel handed over [0-9]+ \
record\(s\), [0-9]+ reached the decoder: [0-9]+ taken by another reader of instance \
$PREFIX-$W_PID, or lost by us" "the summary's line on records taken by another reader" || return 1
	expect_no_grep "$D/stderr" "lost events: 0 on all" "summary" || return 1
	expect_no_grep "$D/out" '"tid":('"$(tid_of s1)|$(tid_of s2)|$(tid_of s3)"'),' "output" || return 1
}

# 5e. another process turns our instance's tracing off for a moment (a call
# made then is not recorded) and changes a filter: said as it happens and at
# the end, exit 1
t_tamper() {
	local inst
	watch_start watch -o "$D/out" || return 1
	inst=$TRACEFS/instances/$PREFIX-$W_PID
	echo 0 >"$inst/tracing_on"
	quick hidden finit - "" 0 --fd 4243 || { echo 1 >"$inst/tracing_on"; return 1; }
	echo 1 >"$inst/tracing_on"
	echo 'id == 1' >"$inst/events/raw_syscalls/sys_exit/filter"
	call seen finit - "" 0 --fd 4243 || return 1
	poll 5 grep -q 'tracing_on (armed with' "$D/stderr" ||
		{ REASON="no line about tracing_on while it ran: $(oneline "$D/stderr")"; return 1; }
	watch_stop INT || return 1
	expect_eq "exit code (stderr: $(oneline "$D/stderr"))" "$RC" 1 || return 1
	expect_grep "$D/stderr" "^finit-ftrace: instance $PREFIX-$W_PID: tracing_on \\(armed with '1', \
reads '[01]' now\\): written by another process" "the line as it happened" || return 1
	expect_grep "$D/stderr" "^finit-ftrace: instance $PREFIX-$W_PID was changed by another process \
while it ran \\(1 setting\\(s\\); events/raw_syscalls/sys_exit/filter was .*, now 'id == 1'\\)" \
		"the end's comparison" || return 1
	expect_grep "$D/stderr" "^finit-ftrace: instance $PREFIX-$W_PID: [0-9]+ write\\(s\\) or \
change\\(s\\) by another process" "the summary" || return 1
	expect_no_grep "$D/out" "\"tid\":$(tid_of hidden)," "output (the call made while tracing was off)" ||
		return 1
	expect_no_instance "$W_PID"
}

# 5f. the spool (issue 12): a burst the decoder cannot keep up with, with
# 1 MiB of memory (spool_mb = 1); N calls; the run's pid in $D/burst.out
# spool_burst N [INI] - watch with a 1 MiB spool (and INI's lines), a burst of N calls
spool_burst() {
	printf '[capture]\nspool_mb = 1\n%s\n' "${2:-}" >"$D/cfg.ini"
	watch_start -c "$D/cfg.ini" watch --format json -o "$D/out" || return 1
	"$BURST" "$1" >"$D/burst.out" || { REASON="$BURST $1 failed"; return 1; }
	BURST_PID=$(awk '{ for (i = 1; i < NF; i++) if ($i == "pid") print $(i + 1) }' "$D/burst.out")
}

# past 1 MiB, sub-buffers go through the file and come back: every call (the
# stop reads the buffers and the spool to the end), nothing lost. Below the
# spool's whole bound (1 MiB + 8 MiB of file: 50,000 calls in slivers filled
# it under ASan, and the kernel's 4 MiB then overran, counted, in 3 of 58
# runs), with room in the kernel's buffer while it waits.
t_spool_file() {
	local n=25000
	spool_burst $n $'[tracefs]\nbuffer_size_kb = 16384' || return 1
	clean_stop INT || return 1
	expect_eq "calls in the output" "$(grep -c "\"tid\":$BURST_PID," "$D/out")" $n || return 1
	expect_grep "$D/stderr" "^finit-ftrace: spool: at most [0-9.]+ MiB waited; [1-9][0-9]* of \
[0-9]+ sub-buffers went through the file$" "the summary's spool line" || return 1
	expect_grep "$D/stderr" "^finit-ftrace: lost events: 0 on all" "summary"
}

# a spool file that cannot be written (TMPDIR gone): said, with how many
# sub-buffers it dropped; the rest waits in the kernel's buffer (its losses
# counted as always)
t_spool_file_fails() {
	local TMPDIR=$D/no-such-dir
	export TMPDIR
	spool_burst 50000 || return 1
	watch_stop INT || return 1
	expect_grep "$D/stderr" "^finit-ftrace: spool: its file in $D/no-such-dir could not be \
written \(No such file or directory\): [0-9]+ sub-buffer\(s\) already read were dropped" \
		"the spool's error line" || return 1
	expect_no_grep "$D/stderr" "it was FULL" "the spool line (the memory bound was not the cause)" ||
		return 1
	expect_grep "$D/stderr" "^finit-ftrace: cpu[0-9]+ LOST events: the kernel handed over [0-9]+ \
record\(s\), [0-9]+ reached the decoder: [1-9][0-9]* dropped by the spool \(said above\)" \
		"the loss summary (the dropped sub-buffer's records)" || return 1
	expect_no_instance "$W_PID"
}

# 6. text and CSV lines
t_format_text() {
	printf 'x' >"$D/fake.ko"
	watch_start watch --format text -o "$D/out" || return 1
	call c1 finit - "p=1" 4 --fd 7 || return 1
	call c2 finit "$D/fake.ko" "" 0 --fd 3 || return 1
	call c3 finit - $'a "b"\\c' 0x1c --fd 12 || return 1
	await_calls text "$D/out" c1 c2 c3 || return 1
	clean_stop INT || return 1
	assert_out text "$D/out" c1 c2 c3
}
t_format_csv() {
	printf 'x' >"$D/fake.ko"
	watch_start watch --format csv -o "$D/out" || return 1
	call c1 finit - "p=1" 4 --fd 7 || return 1
	call c2 finit "$D/fake.ko" "a b" 3 --fd 9 || return 1
	call c3 finit - 'x,"y"' 0x1c --fd 12 || return 1
	await_calls csv "$D/out" c1 c2 c3 || return 1
	clean_stop INT || return 1
	assert_out csv "$D/out" c1 c2 c3
}

# 7. stdout into `head -n 1`: the run ends by itself on EPIPE, exit 0
# (-e/-f keep other processes' calls out of the one line head takes)
t_epipe() {
	local hpid
	mkfifo "$D/pipe"
	start_bg "$D/pipe" "$D/stderr" "$FINIT" watch --format json -e finit_module -f 'fd == 4242'
	W_PID=$BG_PID
	start_bg "$D/head.out" "$D/head.err" head -n 1 "$D/pipe"
	hpid=$BG_PID
	poll "$ARM_TIMEOUT" has_armed "$D/stderr" ||
		{ REASON="not armed within ${ARM_TIMEOUT}s: $(oneline "$D/stderr")"; return 1; }
	call c1 finit - "" 4 --fd 4242 || return 1
	reap "$hpid" || { REASON="head did not get its line: $(oneline "$D/head.out")"; return 1; }
	expect_eq "head output lines" "$(nlines "$D/head.out")" 1 || return 1
	alive "$W_PID" || { REASON="the run exited before its reader went away"; return 1; }
	quick c2 finit - "" 0 --fd 4242 || return 1
	reap "$W_PID" "$EPIPE_TIMEOUT" ||
		{ REASON="still running ${EPIPE_TIMEOUT}s after a write to a closed pipe (killed)"; return 1; }
	expect_eq "exit code (stderr: $(oneline "$D/stderr"))" "$RC" 0 || return 1
	expect_no_instance "$W_PID" || return 1
	assert_out json "$D/head.out" c1
}

# 8. config file errors: exit 2 with FILE:LINE and the key
t_config_error() {		# LINE KEY CONTENT
	printf '%b' "$3" >"$D/bad.ini"
	run_fg "$D/stdout" "$D/stderr" "$FINIT" -c "$D/bad.ini" check
	expect_eq "exit code (stderr: $(oneline "$D/stderr"))" "$RC" 2 || return 1
	expect_grep "$D/stderr" "^finit-ftrace: $D/bad.ini:$1: .*$2" "stderr" || return 1
	expect_empty "$D/stdout" "stdout"
}
t_config_missing() {
	run_fg "$D/stdout" "$D/stderr" "$FINIT" -c "$D/none.ini" check
	expect_eq "exit code (stderr: $(oneline "$D/stderr"))" "$RC" 2 || return 1
	expect_grep "$D/stderr" "^finit-ftrace: $D/none.ini: cannot read config: No such file or directory$" \
		"stderr"
}
t_config_default() {
	run_fg "$D/stdout" "$D/stderr" "$FINIT" -c "$ROOT/configs/finit-ftrace.ini" check
	expect_eq "exit code (stderr: $(oneline "$D/stderr"))" "$RC" 0 || return 1
	expect_grep "$D/stdout" '^capture path:   raw_syscalls$' "stdout"
}
# the file says csv into a file; --format json on the command line wins
t_config_override() {
	printf '[output]\nformat = csv\nfile = %s\n' "$D/out" >"$D/cfg.ini"
	watch_start -c "$D/cfg.ini" watch --format json || return 1
	call c1 finit - "p=1" 4 --fd 7 || return 1
	await_calls json "$D/out" c1 || return 1
	clean_stop INT || return 1
	expect_empty "$D/stdout" "stdout (file = set in the config)" || return 1
	assert_out json "$D/out" c1
}

# 9. command line
t_cli_version() {
	run_fg "$D/stdout" "$D/stderr" "$FINIT" --version
	expect_eq "exit code" "$RC" 0 || return 1
	expect_eq "--version output" "$(cat "$D/stdout")" \
		"finit-ftrace $(sed -n 's/^VERSION *:= *//p' "$ROOT/Makefile")"
}
t_cli_help() {			# USAGE_LINE ARGS...
	local want=$1
	shift
	run_fg "$D/stdout" "$D/stderr" "$FINIT" "$@"
	expect_eq "exit code of '$*'" "$RC" 0 || return 1
	expect_eq "first line of '$*'" "$(head -n 1 "$D/stdout")" "$want" || return 1
	expect_empty "$D/stderr" "stderr"
}
t_cli_usage_error() {		# STDERR_ERE ARGS...
	local want=$1
	shift
	run_fg "$D/stdout" "$D/stderr" "$FINIT" "$@"
	expect_eq "exit code of '$*'" "$RC" 2 || return 1
	expect_grep "$D/stderr" "$want" "stderr of '$*'"
}

# 10. check
t_check_json() {
	run_fg "$D/stdout" "$D/stderr" "$FINIT" check --format json
	expect_eq "exit code (stderr: $(oneline "$D/stderr"))" "$RC" 0 || return 1
	expect_eq "output lines" "$(nlines "$D/stdout")" 1 || return 1
	assert_py check-json "$D/stdout" --tracefs "$TRACEFS" --kernel "$(uname -r)" \
		--machine "$(uname -m)"
}
t_check_text() {
	run_fg "$D/stdout" "$D/stderr" "$FINIT" check
	expect_eq "exit code (stderr: $(oneline "$D/stderr"))" "$RC" 0 || return 1
	expect_grep "$D/stdout" '^capture path:   raw_syscalls$' "check output" || return 1
	expect_grep "$D/stdout" '^string tier:    4 \(procfs\)$' "check output" || return 1
	expect_grep "$D/stdout" "^tracefs: +$TRACEFS$" "check output" || return 1
	expect_grep "$D/stdout" '^root: +yes$' "check output"
}

# 11. self-test: before arming, each run makes its own calls of known result
# in a temporary instance and says what passed; another monitor (here a
# second watch) sees those calls, since they are real; the run never
# reports its own; [capture] selftest = false makes none
selftest_lines() {		# FILE PID - the JSON lines of PID's self-test calls
	grep "\"finit-ftrace-selftest-$2\"" "$1" 2>/dev/null
}
t_selftest() {
	local line
	watch_start watch --format json -o "$D/out" || return 1
	expect_grep "$D/stderr" '^finit-ftrace: self-test: capture-path ok, procfs ok$' \
		"self-test line" || return 1
	run_fg "$D/check.out" "$D/check.err" "$FINIT" check
	expect_eq "check exit code (stderr: $(oneline "$D/check.err"))" "$RC" 0 || return 1
	expect_grep "$D/check.out" '^self-test:      capture-path   ok$' "check output" || return 1
	poll "$LINE_TIMEOUT" has_lines "$D/out" 1 ||
		{ REASON="the other run's self-test calls were not seen"; return 1; }
	line=$(grep '"param_values":"finit-ftrace-selftest-' "$D/out" | head -1)
	[[ -n $line ]] || { REASON="no self-test call of check in the output"; return 1; }
	[[ $line == *'"event":"finit_module"'* && $line == *'"fd":-1'* &&
	   $line == *'"comm":"finit-ftrace"'* && $line == *'"ret":-38'* ]] ||
		{ REASON="self-test call line: $line"; return 1; }
	clean_stop INT || return 1
	expect_eq "the run's own self-test calls in its output" \
		"$(selftest_lines "$D/out" "$W_PID" | wc -l)" 0
}
t_selftest_off() {
	printf '[capture]\nselftest = false\n' >"$D/off.ini"
	watch_start watch --format json -o "$D/out" || return 1
	run_fg "$D/check.out" "$D/check.err" "$FINIT" -c "$D/off.ini" check --format json
	expect_eq "check exit code" "$RC" 0 || return 1
	expect_grep "$D/check.out" '"selftest":null' "check --format json" || return 1
	expect_no_grep "$D/check.err" "self-test" "check stderr" || return 1
	sleep 0.3
	clean_stop INT || return 1
	expect_no_grep "$D/out" "finit-ftrace-selftest-" "watch output"
}

# 12. faults: -o appends (a restart keeps the log); record refuses an output it
# cannot write before it traces; a non-root user is told tracefs needs root
t_output_append() {
	printf 'an earlier line\n' >"$D/out"
	watch_start watch --format json -o "$D/out" || return 1
	call c1 finit - "" 0 --fd 5 || return 1
	await_calls json "$D/out" c1 || return 1
	clean_stop INT || return 1
	expect_eq "first line kept" "$(head -1 "$D/out")" "an earlier line"
}
t_record_bad_output() {
	run_fg "$D/stdout" "$D/stderr" "$FINIT" record -o /nonexistent-dir/x.dat -d 0.1
	expect_eq "exit code" "$RC" 1 || return 1
	expect_grep "$D/stderr" "cannot write /nonexistent-dir/x.dat: its directory" "stderr" || return 1
	expect_no_grep "$D/stderr" "armed" "stderr" || return 1
	run_fg "$D/stdout" "$D/stderr" "$FINIT" record -o "$D" -d 0.1
	expect_eq "exit code (a directory)" "$RC" 1 || return 1
	expect_grep "$D/stderr" "it is a directory" "stderr"
}
t_not_root() {
	# a copy anyone can run: the work tree may sit under a directory only root enters
	install -m 755 "$FINIT" "$D/finit-ftrace"
	chmod 755 "$D"
	run_fg "$D/stdout" "$D/stderr" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$D/finit-ftrace" check
	expect_eq "exit code" "$RC" 1 || return 1
	expect_grep "$D/stderr" "not accessible to this user .* run as root" "stderr"
}

# raw_syscalls ids are per ABI: a 64-bit rt_sigtimedwait (128) and rt_sigqueueinfo
# (129) are not the 32-bit init_module and delete_module
t_no_false_compat() {
	watch_start watch --format json -o "$D/out" || return 1
	python3 - >"$D/py.out" 2>&1 <<-'EOF' || { REASON="python: $(oneline "$D/py.out")"; return 1; }
		import ctypes, os, signal
		signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
		signal.sigtimedwait([signal.SIGUSR1], 0.001)		# rt_sigtimedwait: 128
		ctypes.CDLL(None, use_errno=True).syscall(129, os.getpid(), 0, None)	# rt_sigqueueinfo
		print(os.getpid())
	EOF
	call c1 finit - "" 0 --fd 7 || return 1		# a marker after python's calls
	await_calls json "$D/out" c1 || return 1
	clean_stop INT || return 1
	expect_no_grep "$D/out" "\"pid\":$(tail -n 1 "$D/py.out")," \
		"64-bit python3 (pid $(tail -n 1 "$D/py.out")) reported as a module call" || return 1
	assert_out json "$D/out" c1
}

# 13. sinks and formats for the pipelines people run (issue 16)

# --format tracee: Tracee's trace.Event, against its documented finit_module
# event and, while the caller is held, against /proc
t_tracee() {
	watch_start watch --format tracee -o "$D/out" || return 1
	call c1 finit - "p=1 q" 4 --fd 7 || return 1
	await_calls tracee "$D/out" c1 || return 1
	clean_stop INT || return 1
	REASON=$(python3 "$ROOT/tests/tracee/check.py" "$D/out" \
		--fixture "$ROOT/tests/tracee/finit_module.json" --tid "$(tid_of c1)" --fd 7 \
		--params "p=1 q" --flags 4 --ret "$(sed -n 's/.*"ret":\(-*[0-9]*\).*/\1/p' "$D/c1.json")" \
		--exe "$(readlink -f "$MODCALL")" 2>&1)
}

# the file sink under logrotate: calls go on while the file is renamed and
# SIGHUP reopens it; no line lost or written twice, the old file has the
# lines before the reopen, the new one the rest
total_lines() { (($(cat "$D"/out.log* 2>/dev/null | wc -l) >= $1)); }
t_sighup_rotation() {
	local i n=30 tids=
	watch_start watch --format json -e finit_module -f 'fd == 4243' -o "$D/out.log" || return 1
	# the callers wait after the 8th until the file is renamed, then go on
	# while the tool takes the SIGHUP: the rotation is in the middle however
	# late the first lines come (once, under ASan, all 30 came before 8 were seen)
	rm -f "$D/renamed"
	(for i in $(seq 1 $n); do
		quick r$i finit - "" 0 --fd 4243 || exit 1
		((i != 8)) || poll "$LINE_TIMEOUT" test -e "$D/renamed" || exit 1
		sleep 0.02
	done) &
	STARTED+=("$!")
	local loop=$!
	poll "$LINE_TIMEOUT" has_lines "$D/out.log" 8 ||
		{ REASON="no 8 lines before the rotation: $(nlines "$D/out.log")"; return 1; }
	mv "$D/out.log" "$D/out.log.1"
	kill -HUP "$W_PID"
	touch "$D/renamed"
	reap "$loop" 60 && [[ $RC == 0 ]] || { REASON="the callers' loop failed ($RC)"; return 1; }
	poll "$LINE_TIMEOUT" total_lines $n ||
		{ REASON="$(cat "$D"/out.log* | wc -l) of $n lines after the rotation"; return 1; }
	clean_stop INT || return 1
	expect_grep "$D/stderr" '^finit-ftrace: SIGHUP: outputs reopened$' "stderr" || return 1
	for i in $(seq 1 $n); do tids+="$(tid_of r$i),"; done
	REASON=$(python3 "$HERE/assert_sinks.py" rotation "$D/out.log.1" "$D/out.log" \
		--tids "${tids%,}" 2>&1)
}

# a sink that fails (a full disk) is said once; stdout goes on; the summary
# counts the lines the file did not get; exit 1
t_sink_failure() {
	watch_start watch --format json --sink stdout,file -o /dev/full -e finit_module \
		-f 'fd == 4244' || return 1
	call c1 finit - "" 0 --fd 4244 || return 1
	call c2 finit - "x" 0 --fd 4244 || return 1
	await_calls json "$D/stdout" c1 c2 || return 1
	watch_stop INT || return 1
	expect_eq "exit code (stderr: $(oneline "$D/stderr"))" "$RC" 1 || return 1
	expect_eq "messages about /dev/full" "$(grep -c 'writing events to /dev/full' "$D/stderr")" 1 ||
		return 1
	expect_grep "$D/stderr" '^finit-ftrace: writing events to /dev/full: No space left on device; the other outputs go on without it$' "stderr" || return 1
	expect_grep "$D/stderr" '^finit-ftrace: 2 line\(s\) not written to /dev/full \(No space left on device\)$' \
		"summary" || return 1
	expect_no_instance "$W_PID" || return 1
	assert_out json "$D/stdout" c1 c2
}

# sock_start PATH - our datagram socket at PATH (sockrecv.py into $D/dgrams)
sock_start() {
	start_bg "$D/sock.out" "$D/sock.err" python3 "$HERE/sockrecv.py" "$1" "$D/dgrams"
	SOCK_PID=$BG_PID
	poll 5 grep -q ready "$D/sock.out" ||
		{ REASON="sockrecv.py did not start: $(oneline "$D/sock.err")"; return 1; }
}
sock_stop() { kill "$SOCK_PID" 2>/dev/null; reap "$SOCK_PID"; }

# ns_watch_start SETUP ARGS... - "$FINIT ARGS" in a private mount namespace
# (no mount leaks out) after the mount commands SETUP; wait for armed
ns_watch_start() {
	local setup=$1
	shift
	start_bg "$D/stdout" "$D/stderr" unshare -m --propagation private \
		sh -c "$setup && exec \"\$0\" \"\$@\"" "$FINIT" "$@"
	W_PID=$BG_PID
	RUNS+=("$W_PID")
	poll "$ARM_TIMEOUT" has_armed "$D/stderr" ||
		{ REASON="not armed within ${ARM_TIMEOUT}s: $(oneline "$D/stderr")"; return 1; }
}

# syslog(3) writes to /dev/log: ours, bind-mounted in the run's namespace;
# each message is the JSON line, at the configured facility (local3 = 19)
t_syslog() {
	mkdir -p "$D/dev" && touch "$D/dev/null"
	printf '[output]\nsink = syslog,file\nsyslog_facility = local3\n' >"$D/cfg.ini"
	sock_start "$D/dev/log" || return 1
	ns_watch_start "mount --bind /dev/null $D/dev/null && mount --rbind $D/dev /dev" \
		-c "$D/cfg.ini" watch --format json -o "$D/out" -e finit_module -f 'fd == 4245' ||
		return 1
	call c1 finit - "p=1" 0 --fd 4245 || return 1
	call c2 finit - "" 4 --fd 4245 || return 1
	await_calls json "$D/out" c1 c2 || return 1
	poll "$LINE_TIMEOUT" has_lines "$D/dgrams" 2 ||
		{ REASON="$(nlines "$D/dgrams") syslog message(s) of 2"; return 1; }
	clean_stop INT || return 1
	sock_stop
	REASON=$(python3 "$HERE/assert_sinks.py" syslog "$D/out" "$D/dgrams" --facility 19 \
		--tids "$(tid_of c1),$(tid_of c2)" 2>&1)
}

# journald's native socket, ours in the run's namespace: every field of the
# entry against the JSON line; then journald goes away (the socket refuses):
# said once, the file goes on, the summary counts what the journal missed
t_journal() {
	mkdir -p "$D/run/systemd/journal"
	sock_start "$D/run/systemd/journal/socket" || return 1
	ns_watch_start "mount --bind $D/run /run" watch --format json --sink journal,file \
		-o "$D/out" -e finit_module -f 'fd == 4246' || return 1
	call c1 finit - 'a=1 b="x y"' 4 --fd 4246 || return 1
	await_calls json "$D/out" c1 || return 1
	poll "$LINE_TIMEOUT" has_lines "$D/dgrams" 1 || { REASON="no journal entry"; return 1; }
	sock_stop
	call c2 finit - "" 0 --fd 4246 || return 1
	call c3 finit - "z" 0 --fd 4246 || return 1
	await_calls json "$D/out" c1 c2 c3 || return 1
	watch_stop INT || return 1
	expect_eq "exit code (stderr: $(oneline "$D/stderr"))" "$RC" 1 || return 1
	expect_eq "messages about the journal" "$(grep -c 'writing events to journal' "$D/stderr")" 1 ||
		return 1
	expect_grep "$D/stderr" '^finit-ftrace: 2 line\(s\) not written to journal \(Connection refused\)$' \
		"summary" || return 1
	REASON=$(python3 "$HERE/assert_sinks.py" journal "$D/out" "$D/dgrams" \
		--tids "$(tid_of c1),$(tid_of c2),$(tid_of c3)" --journal-tids "$(tid_of c1)" 2>&1)
}

# 11. nothing of ours is left in tracefs, and the top level is as it was at the start
t_final() {
	expect_no_leftovers || return 1
	expect_no_grep "$TRACEFS/dynamic_events" finit "$TRACEFS/dynamic_events" || return 1
	expect_eq "top-level tracefs state since the start" "$(toplevel_state)" "$TOPLEVEL_AT_START"
}

# ---------------------------------------------------------------- main

preconditions() {
	[[ $(id -u) == 0 ]] || { REASON="not root"; return 1; }
	[[ -x $FINIT ]] || { REASON="FINIT=$FINIT is not executable"; return 1; }
	[[ -x $MODCALL ]] || { REASON="MODCALL=$MODCALL is not executable"; return 1; }
	[[ -e $TRACEFS/trace_pipe ]] || mount -t tracefs nodev "$TRACEFS" ||
		{ REASON="cannot mount tracefs on $TRACEFS"; return 1; }
}

main() {
	if ! preconditions; then
		fail preconditions "$REASON"
		echo "$PASSED passed, $FAILED failed"
		exit 1
	fi
	TOPLEVEL_AT_START=$(toplevel_state)

	run_case json-fields t_json_fields
	run_case no-compat-raw-path t_no_compat_raw
	run_case json-init-delete t_json_init_delete
	run_case json-escaping t_json_escaping
	run_case json-invalid-utf8 t_json_invalid_utf8
	run_case json-hash t_json_hash
	run_case short-lived-callers t_short_lived

	run_case kernel-filter/flags t_filter_flags
	run_case kernel-filter/fd t_filter_fd
	run_case kernel-filter/common_pid t_filter_common_pid
	run_case events/select t_events_select

	run_case "bad-filter/fd >" t_bad_filter 'fd >' 4
	run_case "bad-filter/bogus == 1" t_bad_filter 'bogus == 1' 0
	run_case "bad-filter/flags &&& 4" t_bad_filter 'flags &&& 4' 6

	run_case sigint t_signal INT
	run_case sigterm t_signal TERM

	run_case reclaim/cleanup t_reclaim_cleanup
	run_case reclaim/watch t_reclaim_watch
	run_case reclaim/cleanup-spares-live t_cleanup_live
	run_case faults/records-taken-by-another-reader t_stolen_records
	run_case faults/instance-tampered-with t_tamper
	run_case spool/through-the-file t_spool_file
	run_case spool/file-fails t_spool_file_fails

	run_case format/text t_format_text
	run_case format/csv t_format_csv

	run_case stdout-epipe t_epipe

	run_case config/unknown-key t_config_error 4 "colour" \
		'; test\n[tracefs]\nbuffer_size_kb = 64\ncolour = blue\n'
	run_case config/unknown-section t_config_error 5 "nosuch.*depth" \
		'[output]\nformat = json\n\n[nosuch]\ndepth = 3\n'
	run_case config/bad-buffer-size t_config_error 3 "buffer_size_kb: 'lots'" \
		'[tracefs]\npath =\nbuffer_size_kb = lots\n'
	run_case config/bad-format t_config_error 4 "format: 'xml'" \
		'[output]\n; a\n; b\nformat = xml\n'
	run_case config/bad-events t_config_error 3 "events: 'finit_module,bogus'" \
		'[capture]\nfilter =\nevents = finit_module,bogus\n'
	run_case config/bad-hash t_config_error 2 "hash: 'maybe'" '[capture]\nhash = maybe\n'
	run_case config/syntax-error t_config_error 2 "syntax error" '[output]\nformat json\n'
	run_case config/missing-file t_config_missing
	run_case config/default t_config_default
	run_case config/cli-overrides t_config_override

	run_case cli/version t_cli_version
	run_case cli/help t_cli_help "usage: finit-ftrace [-c FILE] <command> [options]" --help
	run_case cli/watch-help t_cli_help "usage: finit-ftrace [-c FILE] watch [options]" watch --help
	run_case cli/check-help t_cli_help \
		"usage: finit-ftrace [-c FILE] check [--format text|json] [--tracefs DIR]" check --help
	run_case cli/cleanup-help t_cli_help \
		"usage: finit-ftrace [-c FILE] cleanup [--prefix NAME] [--tracefs DIR]" cleanup --help
	run_case cli/record-help t_cli_help \
		"usage: finit-ftrace [-c FILE] record [options] [-- CMD ARGS...]" record --help
	run_case cli/report-help t_cli_help \
		"usage: finit-ftrace [-c FILE] report [-i] FILE [options]" report --help
	run_case cli/unknown-command t_cli_usage_error "unknown command 'frobnicate'" frobnicate
	run_case cli/unknown-option t_cli_usage_error "unrecognized option '--frobnicate'" --frobnicate
	run_case cli/unknown-watch-option t_cli_usage_error "unrecognized option '--frobnicate'" \
		watch --frobnicate
	run_case cli/no-command t_cli_usage_error "^usage: finit-ftrace"

	run_case check/json t_check_json
	run_case check/text t_check_text
	run_case selftest/seen-by-others t_selftest
	run_case selftest/off t_selftest_off
	run_case faults/output-append t_output_append
	run_case faults/record-bad-output t_record_bad_output
	run_case faults/not-root t_not_root

	run_case raw/no-false-compat t_no_false_compat

	run_case format/tracee t_tracee
	run_case sinks/sighup-rotation t_sighup_rotation
	run_case sinks/failure-counted t_sink_failure
	run_case sinks/syslog t_syslog
	run_case sinks/journal t_journal

	policy_cases

	run_case final/nothing-left t_final

	echo "$PASSED passed, $FAILED failed"
	((FAILED == 0))
}

main "$@"
