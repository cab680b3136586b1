# finit-ftrace - watch kernel module loads with ftrace alone.
#
#   make          build ./finit-ftrace
#   make check    install missing Debian packages, then run every test
#   make run      build and run `finit-ftrace watch` with configs/finit-ftrace.ini
#   make asan     unit and live tests under AddressSanitizer + UBSan
#   make vmtest   the stock-kernel VM test (tests/vm/)
#   make test     unit, fixture, live, man-page and install tests: no apt, no VM
#   make install  PREFIX (/usr/local), DESTDIR, sbindir, mandir, sysconfdir, unitdir

VERSION   := 0.1.0
CC        ?= gcc
PKGS      := libtracefs libtraceevent libtracecmd inih libcrypto libzstd libsystemd
TEST_PKGS := cunit
BUILD     ?= build
BIN       ?= finit-ftrace

CFLAGS   ?= -O2 -g
SANFLAGS ?=
# -Werror only when asked (make check and CI ask): a newer compiler's new
# warning must not break a distribution's build
WERROR   ?=
# pkg-config must find every library, or the build stops naming it (not
# for the goals that install them first: deps, check, run; nor clean)
PKG_MISSING := $(strip $(foreach p,$(PKGS),$(if $(shell pkg-config --exists $(p) && echo y),,$(p))))
ifneq ($(filter-out deps check run clean uninstall,$(or $(MAKECMDGOALS),all)),)
ifneq ($(PKG_MISSING),)
$(error pkg-config cannot find: $(PKG_MISSING); run 'make deps' as root (tests/install-deps.sh) or install their -dev packages)
endif
endif
XCPPFLAGS := $(CPPFLAGS) -Iinclude -DFINIT_VERSION='"$(VERSION)"' \
	     $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
XCFLAGS  := $(CFLAGS) $(SANFLAGS) -std=gnu11 -Wall -Wextra $(if $(WERROR),-Werror) $(XCPPFLAGS)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread

SRCS      := $(wildcard src/*.c)
LIB_SRCS  := $(filter-out src/main.c src/cmd-%.c,$(SRCS))
OBJS      := $(SRCS:%.c=$(BUILD)/%.o)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_BIN  := $(BUILD)/unit-tests
HELPERS   := $(BUILD)/modcall $(BUILD)/modcall32
BENCH_BINS := $(BUILD)/bench/burst $(BUILD)/bench/stamp $(BUILD)/bench/getpid-loop

.PHONY: all check run asan vmtest deps unit live fixtures arch fuzz clean bench bench-vm \
	test test-man test-install install uninstall vmtest-systemd deb FORCE

all: $(BIN)

$(BIN): $(OBJS)
	$(CC) $(XCFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# each object depends on the headers it includes (-MMD -MP)
$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(XCFLAGS) -MMD -MP -c -o $@ $<

-include $(OBJS:.o=.d)

$(UNIT_BIN): $(UNIT_SRCS) tests/unit/unit.h $(LIB_OBJS)
	$(CC) $(XCFLAGS) $(shell pkg-config --cflags $(TEST_PKGS)) $(LDFLAGS) -o $@ \
		$(filter %.c %.o,$^) $(LDLIBS) $(shell pkg-config --libs $(TEST_PKGS))

# The helper runs on the host and inside the VM's busybox initramfs: static.
$(BUILD)/modcall: tests/helpers/modcall.c
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -Wall -Wextra $(if $(WERROR),-Werror) -o $@ $<

# The same helper as a 32-bit program: a compat caller (gcc-multilib).
$(BUILD)/modcall32: tests/helpers/modcall.c
	@mkdir -p $(dir $@)
	$(CC) -m32 -static -O2 -Wall -Wextra $(if $(WERROR),-Werror) -o $@ $<

# KernelShark's loader (libkshark) on our files, for the live tests; its
# headers are not -Wextra clean, hence -isystem
$(BUILD)/kshark-count: tests/helpers/kshark-count.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Wextra $(if $(WERROR),-Werror) \
		$(patsubst -I%,-isystem %,$(shell pkg-config --cflags libkshark)) -o $@ $< \
		$(shell pkg-config --libs libkshark)

# Benchmark programs (bench/): built by `make check`, run by `make bench`.
$(BUILD)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Wextra $(if $(WERROR),-Werror) -o $@ $<

deps:
	@tests/install-deps.sh

# ---- install (README "Install") -------------------------------------------
PREFIX     ?= /usr/local
sbindir    ?= $(PREFIX)/sbin
mandir     ?= $(PREFIX)/share/man
# the FHS puts /usr's configuration in /etc; any other prefix keeps its own
sysconfdir ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
# /usr: systemd's own unit directory; else PREFIX/lib/systemd/system (which
# systemd also reads for /usr/local)
unitdir    ?= $(if $(filter /usr,$(PREFIX)),$(or $(shell pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null),/lib/systemd/system),$(PREFIX)/lib/systemd/system)
CONFIG_FILE := $(sysconfdir)/finit-ftrace/finit-ftrace.ini
# logrotate reads /etc/logrotate.d: a PREFIX other than /usr puts it where
# logrotate does not look (README "Install")
LOGROTATE_FILE := $(sysconfdir)/logrotate.d/finit-ftrace
MAN8     := $(wildcard man/*.8)
MAN5     := $(wildcard man/*.5)
UNIT     := $(BUILD)/finit-ftrace.service

# the binary reads $(CONFIG_FILE) when run without -c: main.o and the unit
# are rebuilt when the paths change
$(BUILD)/paths: FORCE
	@mkdir -p $(BUILD)
	@echo '$(sbindir) $(CONFIG_FILE)' | cmp -s - $@ || echo '$(sbindir) $(CONFIG_FILE)' >$@
$(BUILD)/src/main.o: $(BUILD)/paths
$(BUILD)/src/main.o: XCFLAGS += -DFINIT_DEFAULT_CONFIG='"$(CONFIG_FILE)"'

$(UNIT): systemd/finit-ftrace.service.in $(BUILD)/paths
	sed -e 's|@sbindir@|$(sbindir)|g' -e 's|@CONFIG_FILE@|$(CONFIG_FILE)|g' $< >$@

# conf_install SRC,DEST - DEST from SRC, unless one is there (edited, perhaps: kept)
conf_install = if [ -e $(DESTDIR)$(2) ]; then echo "install: keeping the existing $(DESTDIR)$(2)"; \
	else install -m 644 $(1) $(DESTDIR)$(2); fi
# conf_uninstall SRC,DEST - DEST goes if it is still SRC, else it is kept and said
conf_uninstall = if cmp -s $(1) $(DESTDIR)$(2); then rm -f $(DESTDIR)$(2); \
	elif [ -e $(DESTDIR)$(2) ]; then echo "uninstall: keeping $(DESTDIR)$(2): it differs from $(1)"; fi

# an edited config or logrotate snippet is never overwritten (nor removed by uninstall)
install: $(BIN) $(UNIT)
	install -d $(DESTDIR)$(sbindir) $(DESTDIR)$(mandir)/man8 $(DESTDIR)$(mandir)/man5 \
		$(DESTDIR)$(sysconfdir)/finit-ftrace $(DESTDIR)$(sysconfdir)/logrotate.d $(DESTDIR)$(unitdir)
	install -m 755 $(BIN) $(DESTDIR)$(sbindir)/finit-ftrace
	install -m 644 $(MAN8) $(DESTDIR)$(mandir)/man8/
	install -m 644 $(MAN5) $(DESTDIR)$(mandir)/man5/
	install -m 644 $(UNIT) $(DESTDIR)$(unitdir)/finit-ftrace.service
	@$(call conf_install,configs/finit-ftrace.ini,$(CONFIG_FILE))
	@$(call conf_install,configs/finit-ftrace.logrotate,$(LOGROTATE_FILE))

uninstall:
	rm -f $(DESTDIR)$(sbindir)/finit-ftrace $(DESTDIR)$(unitdir)/finit-ftrace.service \
		$(MAN8:man/%=$(DESTDIR)$(mandir)/man8/%) $(MAN5:man/%=$(DESTDIR)$(mandir)/man5/%)
	@$(call conf_uninstall,configs/finit-ftrace.ini,$(CONFIG_FILE))
	@$(call conf_uninstall,configs/finit-ftrace.logrotate,$(LOGROTATE_FILE))
	@[ -e $(DESTDIR)$(CONFIG_FILE) ] || [ ! -d $(DESTDIR)$(sysconfdir)/finit-ftrace ] || \
		rmdir $(DESTDIR)$(sysconfdir)/finit-ftrace

# the man pages are lint-clean and list the options --help lists
test-man: $(BIN)
	FINIT=./$(BIN) python3 tests/install/check-man.py man

# make install DESTDIR=... PREFIX=/usr gives the documented tree; uninstall empties it
test-install:
	tests/install/check-install.sh

# for packagers and quick runs: no apt, no VM (dh_auto_test runs this);
# LIVE=0 leaves out the live tests, which need root and tracefs (and says so)
LIVE ?= 1
test: all
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory fixtures
	$(if $(filter 0,$(LIVE)),@echo "test: the live tests are left out (LIVE=0)",$(MAKE) --no-print-directory live)
	$(MAKE) --no-print-directory test-man
	$(MAKE) --no-print-directory test-install

# the .deb (debian/): ../finit-ftrace_*.deb
deb:
	dpkg-buildpackage -us -uc -b

# the JSON lines the unit tests make are validated against docs/event.schema.json
unit: $(UNIT_BIN)
	rm -f $(BUILD)/unit-records.json
	FINIT_UNIT_JSON=$(BUILD)/unit-records.json $(UNIT_BIN)
	python3 tests/schema/check.py $(BUILD)/unit-records.json

# Both suites run; either failing fails the target.
live: $(BIN) $(HELPERS) $(BUILD)/kshark-count $(BUILD)/bench/burst
	@env FINIT=./$(BIN) MODCALL=$(BUILD)/modcall MODCALL32=$(BUILD)/modcall32 \
		BURST=$(BUILD)/bench/burst tests/live/run.sh; a=$$?; \
	env FINIT=./$(BIN) MODCALL=$(BUILD)/modcall KSHARK=$(BUILD)/kshark-count \
		tests/live/record.sh; b=$$?; \
	test $$a = 0 && test $$b = 0

# the code's shape: file and function sizes, names, no module cycles
arch: $(OBJS)
	python3 tests/arch/arch.py src $(BUILD)/src

# libFuzzer targets (tests/fuzz/README.md): our sources built again with clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := dat config filter emit tracecmd
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all

build-fuzz/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz.h $(LIB_SRCS) $(wildcard include/*.h)
	@mkdir -p build-fuzz
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer -std=gnu11 $(XCPPFLAGS) -o $@ $< $(LIB_SRCS) \
		$(LDLIBS)

# the unguarded library harnesses of docs/upstream-reproducers.md: they
# crash on purpose, so they are no target (NAME-sa: a plain program on files)
build-fuzz/upstream/%-sa: tests/fuzz/upstream/%.c
	@mkdir -p $(dir $@)
	clang -g -O1 -fsanitize=address,undefined -DSTANDALONE $(XCPPFLAGS) -o $@ $< $(LDLIBS)

build-fuzz/upstream/%: tests/fuzz/upstream/%.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer $(XCPPFLAGS) -o $@ $< $(LDLIBS)

fuzz: $(FUZZ_TARGETS:%=build-fuzz/fuzz-%)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p build-fuzz/corpus/$$t; \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		ASAN_OPTIONS=detect_leaks=0 build-fuzz/fuzz-$$t \
			$(if $(filter 0,$(FUZZ_SECONDS)),-runs=0,-max_total_time=$(FUZZ_SECONDS)) \
			-timeout=10 -artifact_prefix=build-fuzz/ -print_final_stats=0 \
			build-fuzz/corpus/$$t tests/fuzz/seeds/$$t 2>build-fuzz/$$t.log || \
			{ tail -40 build-fuzz/$$t.log; echo "fuzz: $$t FAILED"; exit 1; }; \
		grep -E "^#[0-9]+.*DONE" build-fuzz/$$t.log | tail -1; \
	done

# report on trace-cmd-recorded files (tests/fixtures/tracecmd/README.md)
fixtures: $(BIN)
	FINIT=./$(BIN) tests/fixtures/tracecmd/check.sh

# Sanitizer build: a separate tree, so the normal objects stay as they are.
asan: export LSAN_OPTIONS = suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
asan: export UBSAN_OPTIONS = print_stacktrace=1:halt_on_error=1
# allocator_may_return_null: an absurd size from a damaged file gets NULL, as
# from glibc (the libraries handle it), not an abort
asan: export ASAN_OPTIONS = fast_unwind_on_malloc=0:detect_leaks=1:allocator_may_return_null=1
asan:
	$(MAKE) --no-print-directory BUILD=build-asan BIN=build-asan/finit-ftrace WERROR=$(WERROR) \
		CFLAGS='-O1 -g -fno-omit-frame-pointer' \
		SANFLAGS='-fsanitize=address,undefined -fno-sanitize-recover=all' unit fixtures live

# The Debian kernels of the VM test (make vmtest KERNELS=5.10 runs one),
# and those that run its flood case (issue 12): all of them
# (make vmtest VMTEST_FLOOD_KERNELS= skips it; tests/vm/README.md)
KERNELS ?= 5.10 6.1.0-50 6.1 6.12 7.2
VMTEST_FLOOD_KERNELS ?= $(KERNELS)

vmtest: $(BIN) $(HELPERS) $(BUILD)/bench/burst
	FINIT=./$(BIN) MODCALL=$(BUILD)/modcall MODCALL32=$(BUILD)/modcall32 BURST=$(BUILD)/bench/burst \
		KERNELS="$(KERNELS)" VMTEST_FLOOD_KERNELS="$(VMTEST_FLOOD_KERNELS)" tests/vm/run.sh

check: deps
	$(MAKE) --no-print-directory WERROR=1 all $(HELPERS) $(BENCH_BINS)
	$(MAKE) --no-print-directory WERROR=1 arch
	$(MAKE) --no-print-directory WERROR=1 unit
	$(MAKE) --no-print-directory fixtures
	$(MAKE) --no-print-directory live
	$(MAKE) --no-print-directory WERROR=1 asan
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=15
	$(MAKE) --no-print-directory test-man
	$(MAKE) --no-print-directory test-install
	$(MAKE) --no-print-directory vmtest
	$(MAKE) --no-print-directory vmtest-systemd

# A booted Debian 12 (systemd) with the .deb installed (tests/vm/systemd/)
vmtest-systemd:
	tests/vm/systemd/run.sh

# Not part of check: timings (bench/run.sh; BENCH_QUICK=1 for a smoke run).
bench: $(BIN) $(BENCH_BINS)
	FINIT=./$(BIN) BENCH_BIN=$(BUILD)/bench bench/run.sh

# P8's syscalls-event half, inside the Debian 6.1 VM (not part of check either).
bench-vm: $(BIN) $(BENCH_BINS) $(HELPERS)
	FINIT=./$(BIN) MODCALL=$(BUILD)/modcall MODCALL32=$(BUILD)/modcall32 \
		BENCH_BIN=$(BUILD)/bench bench/vm-p8.sh

run: deps
	$(MAKE) --no-print-directory $(BIN)
	./$(BIN) -c configs/finit-ftrace.ini watch

clean:
	rm -rf $(BUILD) build-asan build-fuzz build-install $(BIN)
