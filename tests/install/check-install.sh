#!/bin/sh
# check-install.sh - `make install DESTDIR=... PREFIX=/usr` gives the documented tree (README "Install"), keeps an edited config, and `make uninstall` removes every file again.
#
# Run from the project root (make test-install does). Builds in
# build-install/ (its paths differ from the default build's).
set -eu

T=$(mktemp -d "${TMPDIR:-/tmp}/finit-install.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
D=$T/dest
MK="make --no-print-directory -s BUILD=build-install BIN=build-install/finit-ftrace PREFIX=/usr DESTDIR=$D"
fails=0
fail() { echo "test-install: FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "test-install: ok: $*"; }

unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || true)
unitdir=${unitdir:-/lib/systemd/system}
expected=$(printf '%s\n' /usr/sbin/finit-ftrace /etc/finit-ftrace/finit-ftrace.ini \
	/etc/logrotate.d/finit-ftrace \
	"$unitdir/finit-ftrace.service" /usr/share/man/man5/finit-ftrace.ini.5 \
	/usr/share/man/man8/finit-ftrace.8 /usr/share/man/man8/finit-ftrace-check.8 \
	/usr/share/man/man8/finit-ftrace-cleanup.8 /usr/share/man/man8/finit-ftrace-record.8 \
	/usr/share/man/man8/finit-ftrace-report.8 /usr/share/man/man8/finit-ftrace-watch.8 | sort)

# tree - every file under $D, with its mode, relative to $D
tree() { (cd "$D" && find . -type f -printf '/%P %m\n' | sort); }

$MK -j2 install >"$T/install.log" 2>&1 || { cat "$T/install.log" >&2; fail "make install"; exit 1; }
got=$(tree | cut -d' ' -f1)
[ "$got" = "$expected" ] && ok "the installed files are the documented tree" ||
	fail "installed tree differs:$(printf '\n%s\n' "$expected" | diff - "$(printf '%s' "$got" | { cat >"$T/got"; echo "$T/got"; })" | sed 's/^/  /')"
tree | while read -r f mode; do
	want=644
	[ "$f" = /usr/sbin/finit-ftrace ] && want=755
	[ "$mode" = "$want" ] || echo "$f has mode $mode, not $want"
done >"$T/modes"
[ -s "$T/modes" ] && fail "modes: $(cat "$T/modes")" || ok "modes 755 (binary), 644 (the rest)"
cmp -s configs/finit-ftrace.ini "$D/etc/finit-ftrace/finit-ftrace.ini" &&
	ok "the config is configs/finit-ftrace.ini" || fail "installed config differs from configs/finit-ftrace.ini"
cmp -s configs/finit-ftrace.logrotate "$D/etc/logrotate.d/finit-ftrace" &&
	ok "the logrotate snippet is configs/finit-ftrace.logrotate" ||
	fail "installed logrotate snippet differs from configs/finit-ftrace.logrotate"
# logrotate parses it (debug mode: nothing is rotated, no script runs)
if command -v logrotate >/dev/null; then
	out=$(logrotate -d -s "$T/logrotate.state" "$D/etc/logrotate.d/finit-ftrace" 2>&1) &&
		! printf '%s\n' "$out" | grep -qi 'error' &&
		ok "logrotate -d reads the snippet without an error" ||
		fail "logrotate -d: $(printf '%s\n' "$out" | grep -i error | head -3)"
fi

# the binary reads the installed config by default; the unit runs it with it
"$D/usr/sbin/finit-ftrace" --help | grep -q 'default:$' &&
	"$D/usr/sbin/finit-ftrace" --help | grep -q ' /etc/finit-ftrace/finit-ftrace.ini, if it exists' &&
	ok "--help names /etc/finit-ftrace/finit-ftrace.ini as the default config" ||
	fail "the installed binary's --help does not name /etc/finit-ftrace/finit-ftrace.ini"
grep -qx 'ExecStart=/usr/sbin/finit-ftrace -c /etc/finit-ftrace/finit-ftrace.ini watch' \
	"$D$unitdir/finit-ftrace.service" && ok "the unit runs /usr/sbin/finit-ftrace with /etc's config" ||
	fail "the unit's ExecStart: $(grep ExecStart= "$D$unitdir/finit-ftrace.service" | head -1)"
grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$D$unitdir/finit-ftrace.service" &&
	ok "the unit's reload is SIGHUP (watch reopens its outputs)" ||
	fail "the unit's ExecReload: $(grep ExecReload= "$D$unitdir/finit-ftrace.service" || echo none)"
grep -q "@[a-zA-Z_]*@" "$D$unitdir/finit-ftrace.service" && fail "unsubstituted @...@ in the unit"
if command -v systemd-analyze >/dev/null; then
	# verify sees the ExecStart binary through --root, the man pages through
	# MANPATH; ExecReload's /bin/kill (procps, a Depends of the .deb) is lent
	# to the root for the check and taken away again
	mkdir -p "$D/bin"
	cp /bin/kill "$D/bin/kill"
	out=$(MANPATH=$D/usr/share/man systemd-analyze verify --root="$D" "$D$unitdir/finit-ftrace.service" 2>&1) &&
		[ -z "$out" ] && ok "systemd-analyze verify: clean" ||
		fail "systemd-analyze verify: $out"
	rm -f "$D/bin/kill"
	rmdir "$D/bin"
fi

# an edited config survives install and uninstall
echo '; edited' >>"$D/etc/finit-ftrace/finit-ftrace.ini"
$MK install >"$T/install2.log" 2>&1 || fail "second make install"
grep -q '^; edited' "$D/etc/finit-ftrace/finit-ftrace.ini" && grep -q "keeping the existing" "$T/install2.log" &&
	ok "install keeps an edited config, and says so" || fail "install overwrote the edited config"
$MK uninstall >"$T/uninstall.log" 2>&1 || fail "make uninstall"
[ "$(tree | cut -d' ' -f1)" = /etc/finit-ftrace/finit-ftrace.ini ] && grep -q "keeping" "$T/uninstall.log" &&
	ok "uninstall keeps an edited config, and says so" ||
	fail "after uninstall with an edited config: $(tree | tr '\n' ' ')"
cp configs/finit-ftrace.ini "$D/etc/finit-ftrace/finit-ftrace.ini"
$MK uninstall >"$T/uninstall.log" 2>&1 || fail "make uninstall"
left=$(tree)
[ -z "$left" ] && [ ! -e "$D/etc/finit-ftrace" ] && ok "uninstall removes every file (and /etc/finit-ftrace)" ||
	fail "left after uninstall: $left"
[ "$fails" = 0 ] || { echo "test-install: $fails failure(s)" >&2; exit 1; }
echo "test-install: PASS"
