# shellcheck shell=bash
# Live cases of the policy, the identity fields and the metrics file (issue
# 17); sourced by run.sh, whose plumbing they use.

# A fd number no other test uses: -f 'fd == N' keeps other processes' calls
# out of the runs whose exit status or counts are checked.
POLICY_FD=4317

# policy_ini FILE - the test policy: modcall's loads from $D/allowed/, unloads
# of pol_* modules, and any call by root with a login uid of 1000-1999
policy_ini() {
	cat >"$1" <<-EOF
	; the live test's policy
	[policy]
	default = deny

	[allow allowed-dir]
	path_prefix = /nonexistent/, $(readlink -f "$D")/allowed/
	exe = $(readlink -f "$MODCALL")

	[allow test-unloads]
	event = delete_module
	module = pol_*

	[allow logged-in]
	auid = 1000-1999
	uid = 0
	EOF
	mkdir -p "$D/allowed"
	printf 'x' >"$D/allowed/ok.ko"
	printf 'x' >"$D/bad.ko"
}

# more NAME FIELDS - what the test knows about call NAME besides: into $D/NAME.exp
more() { sed -i "s|}\$|,$2}|" "$D/$1.exp"; }

# each verdict and rule, and the identity fields, of held callers (JSON); a
# login uid set for one caller (auid, sessionid), unset for the others
t_policy_verdicts() {
	policy_ini "$D/pol.ini"
	watch_start -c "$D/pol.ini" watch --format json -o "$D/out" || return 1
	call c1 finit "$D/allowed/ok.ko" "" 0 --fd 5 || return 1
	call c2 finit "$D/bad.ko" "p=1" 0 --fd 5 || return 1
	call c3 delete pol_one 0 || return 1
	call c4 delete other 0 || return 1
	AUID=1042 call c5 finit "$D/bad.ko" "" 0 --fd 5 || return 1
	more c1 '"x_verdict":"allow","x_rule":"allowed-dir"'
	more c2 '"x_verdict":"deny","x_rule":"default"'
	more c3 '"x_verdict":"allow","x_rule":"test-unloads"'
	more c4 '"x_verdict":"deny","x_rule":"default"'
	more c5 "\"x_verdict\":\"allow\",\"x_rule\":\"logged-in\",\"x_auid\":1042,\"x_sessionid\":$(cat "/proc/$(pid_of c5)/sessionid")"
	await_calls json "$D/out" c1 c2 c3 c4 c5 || return 1
	clean_stop INT || return 1
	assert_out json "$D/out" c1 c2 c3 c4 c5 || return 1
	expect_grep "$D/stderr" '^finit-ftrace: WARNING: policy: [0-9]+ event\(s\) allowed, [1-9][0-9]* DENIED$' \
		"policy summary"
}

# verdict and rule in the text and CSV formats
t_policy_format() {	# FORMAT
	policy_ini "$D/pol.ini"
	watch_start -c "$D/pol.ini" watch --format "$1" -o "$D/out" || return 1
	call c1 finit "$D/allowed/ok.ko" "" 0 --fd 5 || return 1
	call c2 finit "$D/bad.ko" "a b" 4 --fd 9 || return 1
	more c1 '"x_verdict":"allow","x_rule":"allowed-dir"'
	more c2 '"x_verdict":"deny","x_rule":"default"'
	await_calls "$1" "$D/out" c1 c2 || return 1
	clean_stop INT || return 1
	assert_out "$1" "$D/out" c1 c2
}

# record -- CMD --fail-on-deny: 0 when every call was allowed, 4 after a
# denied one, 0 again without the option; report judges the file the same
# way on what it holds (no /proc offline: only rules on what the file has allow)
record_cmd() {	# DAT FILE [OPTION] - record one held call of modcall on FILE
	run_fg "$D/stdout" "$D/stderr" "$FINIT" -c "$D/pol.ini" record ${3:+"$3"} -o "$1" \
		-e finit_module -f "fd == $POLICY_FD" -- \
		sh -c "sleep 1 | exec '$MODCALL' finit '$2' '' 0 --fd $POLICY_FD --hold >/dev/null"
}
t_fail_on_deny() {
	policy_ini "$D/pol.ini"
	record_cmd "$D/ok.dat" "$D/allowed/ok.ko" --fail-on-deny
	expect_eq "exit code, allowed call (stderr: $(oneline "$D/stderr"))" "$RC" 0 || return 1
	expect_grep "$D/stderr" '^finit-ftrace: policy: 1 event\(s\) allowed, 0 DENIED$' "summary" ||
		return 1
	record_cmd "$D/bad.dat" "$D/bad.ko" --fail-on-deny
	expect_eq "exit code, denied call (stderr: $(oneline "$D/stderr"))" "$RC" 4 || return 1
	expect_grep "$D/stderr" '^finit-ftrace: WARNING: policy: 0 event\(s\) allowed, 1 DENIED$' \
		"summary" || return 1
	record_cmd "$D/bad2.dat" "$D/bad.ko"
	expect_eq "exit code without --fail-on-deny" "$RC" 0 || return 1
	# offline: path and exe are unknown, so the path rule cannot allow
	run_fg "$D/report.out" "$D/stderr" "$FINIT" -c "$D/pol.ini" report --fail-on-deny \
		--format json "$D/ok.dat"
	expect_eq "report exit code (stderr: $(oneline "$D/stderr"))" "$RC" 4 || return 1
	expect_grep "$D/report.out" '"euid":null,"auid":null,"sessionid":null,"cap_effective":null,"verdict":"deny","rule":"default"' \
		"report" || return 1
	expect_grep "$D/report.out" '"euid":"unavailable-offline","auid":"unavailable-offline"' \
		"report origins" || return 1
	printf '[allow any-load]\nevent = finit_module, init_module\n' >"$D/any.ini"
	run_fg "$D/report.out" "$D/stderr" "$FINIT" -c "$D/any.ini" report --fail-on-deny \
		--format csv "$D/bad.dat"
	expect_eq "report exit code, allowed (stderr: $(oneline "$D/stderr"))" "$RC" 0 || return 1
	expect_grep "$D/report.out" ',,,,,allow,any-load$' "report csv"
}

# the syslog sink: a denied event at priority warning, an allowed one at
# notice (both unloads that failed: without the policy both are notices);
# the datagrams go to our /dev/log in the run's namespace (run.sh's t_syslog)
t_policy_syslog() {
	policy_ini "$D/pol.ini"
	printf '[output]\nsink = syslog,file\nsyslog_facility = local3\n' >>"$D/pol.ini"
	mkdir -p "$D/dev" && touch "$D/dev/null"
	sock_start "$D/dev/log" || return 1
	ns_watch_start "mount --bind /dev/null $D/dev/null && mount --rbind $D/dev /dev" \
		-c "$D/pol.ini" watch --format json -o "$D/out" -e delete_module || return 1
	call c1 delete pol_one 0 || return 1
	call c2 delete other 0 || return 1
	more c1 '"x_verdict":"allow","x_rule":"test-unloads"'
	more c2 '"x_verdict":"deny","x_rule":"default"'
	await_calls json "$D/out" c1 c2 || return 1
	poll "$LINE_TIMEOUT" has_lines "$D/dgrams" 2 ||
		{ REASON="$(nlines "$D/dgrams") syslog message(s) of 2"; return 1; }
	clean_stop INT || return 1
	sock_stop
	assert_out json "$D/out" c1 c2 || return 1
	# assert_sinks.py: the denied one (verdict deny, checked above) at
	# warning, the allowed one at notice
	REASON=$(python3 "$HERE/assert_sinks.py" syslog "$D/out" "$D/dgrams" --facility 19 \
		--tids "$(tid_of c1),$(tid_of c2)" 2>&1)
}

# --fail-on-deny without a policy is a usage error, before tracing
t_fail_on_deny_no_policy() {
	run_fg "$D/stdout" "$D/stderr" "$FINIT" watch --fail-on-deny
	expect_eq "exit code" "$RC" 2 || return 1
	expect_grep "$D/stderr" '^finit-ftrace: --fail-on-deny: there is no policy' "stderr" || return 1
	expect_no_grep "$D/stderr" armed "stderr"
}

# a policy that cannot be parsed: FILE:LINE, exit 2, before tracing
t_policy_error() {	# LINE WHAT CONTENT
	printf '%b' "$3" >"$D/bad.ini"
	run_fg "$D/stdout" "$D/stderr" "$FINIT" -c "$D/bad.ini" watch
	expect_eq "exit code (stderr: $(oneline "$D/stderr"))" "$RC" 2 || return 1
	expect_grep "$D/stderr" "^finit-ftrace: $D/bad.ini:$1: .*$2" "stderr" || return 1
	expect_no_grep "$D/stderr" armed "stderr"
}

# the metrics file: written at arm, every interval while running and at
# exit, atomically (no temporary file left), and promtool accepts it
has_metric() { grep -qxF -- "$2" "$1" 2>/dev/null; }
t_metrics() {
	local cpu want='finit_ftrace_events_total{event="finit_module",result="ENOSYS",verdict="deny"} 1'
	command -v promtool >/dev/null || { REASON="promtool is not installed (tests/install-deps.sh)"; return 1; }
	policy_ini "$D/pol.ini"
	printf '[output]\nmetrics_file = %s\nmetrics_interval = 1\n' "$D/m.prom" >>"$D/pol.ini"
	watch_start -c "$D/pol.ini" watch --format json -e finit_module -f "fd == $POLICY_FD" \
		-o "$D/out" || return 1
	has_metric "$D/m.prom" 'finit_ftrace_selftest_failures 0' ||
		{ REASON="no metrics file when armed: $(oneline "$D/m.prom")"; return 1; }
	call c1 finit "$D/bad.ko" "" 0 --fd "$POLICY_FD" || return 1
	poll "$LINE_TIMEOUT" has_metric "$D/m.prom" "$want" ||
		{ REASON="metrics not rewritten while running: $(oneline "$D/m.prom")"; return 1; }
	clean_stop INT || return 1
	has_metric "$D/m.prom" "$want" || { REASON="at exit: $(oneline "$D/m.prom")"; return 1; }
	for ((cpu = 0; cpu < NPROC; cpu++)); do
		expect_grep "$D/m.prom" "^finit_ftrace_lost_records_total\{cpu=\"$cpu\"\} 0$" \
			"metrics" || return 1
	done
	expect_grep "$D/m.prom" '^finit_ftrace_spool_peak_bytes [0-9]+$' "metrics" || return 1
	promtool check metrics <"$D/m.prom" >"$D/promtool.out" 2>&1 ||
		{ REASON="promtool check metrics: $(oneline "$D/promtool.out")"; return 1; }
	expect_eq "files beside the metrics file" "$(cd "$D" && ls -d m.prom* | tr '\n' ' ')" "m.prom "
}

# example_policy N FILE - policy N of configs/policy-example.ini (1: the file
# itself; the others are in its comments) into FILE
example_policy() {
	if [[ $1 == 1 ]]; then
		cp "$ROOT/configs/policy-example.ini" "$2"
	else
		sed -n "/^; $1\. /,/^; ----/p" "$ROOT/configs/policy-example.ini" |
			sed -n 's/^;   \(\[.*\]\|[a-z_0-9]* = .*\)$/\1/p' >"$2"
	fi
	grep -q '^default = deny$' "$2" || { REASON="no policy $1 in configs/policy-example.ini"; return 1; }
}

# the documented policies (the distribution's tools, Tracee's TRC-1017,
# Falco's rule, auditd's CIS rule) on a load by modcall and an unload; the
# CIS policy also on a caller with a login uid of 1042
t_policy_examples() {	# N LOAD-RULE UNLOAD-RULE [AUID-1042-LOAD-RULE]
	local v1=allow v2=allow v3=allow calls=(c1 c2)
	example_policy "$1" "$D/pol.ini" || return 1
	printf 'x' >"$D/bad.ko"
	watch_start -c "$D/pol.ini" watch --format json -o "$D/out" || return 1
	call c1 finit "$D/bad.ko" "" 0 --fd 5 || return 1
	call c2 delete pol_one 0 || return 1
	[[ $2 == default ]] && v1=deny
	[[ $3 == default ]] && v2=deny
	more c1 "\"x_verdict\":\"$v1\",\"x_rule\":\"$2\""
	more c2 "\"x_verdict\":\"$v2\",\"x_rule\":\"$3\""
	if [[ -n ${4:-} ]]; then
		AUID=1042 call c3 finit "$D/bad.ko" "" 0 --fd 5 || return 1
		[[ $4 == default ]] && v3=deny
		more c3 "\"x_verdict\":\"$v3\",\"x_rule\":\"$4\",\"x_auid\":1042,\"x_sessionid\":$(cat "/proc/$(pid_of c3)/sessionid")"
		calls+=(c3)
	fi
	await_calls json "$D/out" "${calls[@]}" || return 1
	clean_stop INT || return 1
	assert_out json "$D/out" "${calls[@]}"
}

# what the Falco and CIS examples say of our callers: in a container or not,
# logged in (auid 1000 and up) or not
own_in_container() { grep -Eq '(^|[^0-9a-fA-F])[0-9a-fA-F]{64}([^0-9a-fA-F]|$)' /proc/self/cgroup; }
own_logged_in() { local a; a=$(cat /proc/self/loginuid 2>/dev/null) && ((a >= 1000 && a != 4294967295)); }

# policy_cases - every case above (run.sh's main)
policy_cases() {
	run_case policy/verdicts-identity t_policy_verdicts
	run_case policy/text t_policy_format text
	run_case policy/csv t_policy_format csv
	run_case policy/fail-on-deny t_fail_on_deny
	run_case policy/syslog-warning t_policy_syslog
	run_case policy/fail-on-deny-no-policy t_fail_on_deny_no_policy
	run_case policy/bad-default t_policy_error 3 "\\[policy\\] default: 'maybe' is not allow or deny" \
		'; x\n[policy]\ndefault = maybe\n'
	run_case policy/bad-uid t_policy_error 4 "\\[allow a\\] uid: 'root' is not a number" \
		'[policy]\ndefault = deny\n[allow a]\nuid = 0, root\n'
	run_case policy/unnamed-rule t_policy_error 2 "a rule section is \\[allow NAME\\]" \
		'[allow]\nmodule = loop\n'
	run_case policy/unknown-key t_policy_error 3 "\\[allow a\\] colour: unknown key" \
		'[allow a]\nmodule = loop\ncolour = red\n'
	run_case policy/bad-sha256 t_policy_error 2 "sha256: 'abc' is not 64 hex digits" \
		'[allow a]\nsha256 = abc\n'
	run_case policy/example-distro t_policy_examples 1 default unloads
	run_case policy/example-tracee-trc-1017 t_policy_examples 2 default trc-1017-not-a-load
	if own_in_container; then
		run_case policy/example-falco t_policy_examples 3 default falco-not-a-load
	else
		run_case policy/example-falco t_policy_examples 3 falco-not-in-a-container \
			falco-not-in-a-container
	fi
	if own_logged_in; then
		run_case policy/example-auditd-cis t_policy_examples 4 default cis-not-a-load default
	else
		run_case policy/example-auditd-cis t_policy_examples 4 cis-no-login cis-no-login default
	fi
	run_case metrics/textfile t_metrics
}
