/* SPDX-License-Identifier: MIT */
/*
 * selftest.h - before a session arms, prove each capture path and string
 * tier on this kernel: make harmless module syscalls of known result
 * (finit_module(-1, MARKER, 0) = EBADF, init_module(p, 0, MARKER),
 * delete_module(MARKER, O_NONBLOCK) = ENOENT, and the same from a 32-bit
 * context with int $0x80 on x86_64) in a temporary instance, and check
 * that every tier recorded the marker exactly, with the arguments the
 * syscall event has.
 */
#ifndef FINIT_SELFTEST_H
#define FINIT_SELFTEST_H

#include <stdbool.h>
#include <stddef.h>

#include "finit.h"
#include "probe.h"
#include "tiers.h"

enum finit_check {
	FINIT_CHECK_PATH,	/* the capture path: enter and exit of each call */
	FINIT_CHECK_NATIVE,	/* tier 1: the string in the syscall event */
	FINIT_CHECK_EPROBE,	/* tier 2 */
	FINIT_CHECK_KPROBE,	/* tier 3 */
	FINIT_CHECK_COMPAT,	/* the ia32 kprobes and kretprobes */
	FINIT_CHECK_PROCFS,	/* tier 4: /proc/PID/mem at the pointer */
	FINIT_CHECK_NR,
};

struct finit_selftest {
	bool			tested[FINIT_CHECK_NR];
	bool			ok[FINIT_CHECK_NR];
	char			why[FINIT_CHECK_NR][320];	/* when not ok */
	unsigned long long	records;	/* our own test records read */
	bool			no_ia32;	/* 32-bit code cannot run here */
};

/* What to test: the candidates are created beforehand, in @group. */
struct finit_selftest_setup {
	const struct finit_probe	*probe;
	const char			*instance;	/* temporary instance name */
	const char			*group;
	struct tracefs_dynevent		*(*dyn)[FINIT_SYS_NR];
	unsigned int			events;		/* syscalls to call */
};

/* finit_selftest_check_name - "capture-path", "native", "eprobe", ... */
const char *finit_selftest_check_name(enum finit_check c);

/*
 * finit_selftest_run - the test; verdicts in @t. Returns 0, or -1 when it
 * could not run at all (reason in @err; @t says nothing then).
 */
int finit_selftest_run(struct finit_selftest *t, const struct finit_selftest_setup *su,
		       char *err, size_t errlen);

/* finit_selftest_trust - without a test: every created candidate counts as passed */
void finit_selftest_trust(struct finit_selftest *t, const struct finit_selftest_setup *su);

/* The string tiers and 32-bit coverage chosen from the verdicts. */
enum finit_compat {
	FINIT_COMPAT_OFF,	/* --no-compat, or nothing catches 32-bit callers */
	FINIT_COMPAT_KPROBE,	/* ia32 kprobes + kretprobes */
	FINIT_COMPAT_RAW,	/* raw_syscalls on the 32-bit ids (no kprobe events) */
};

struct finit_choice {
	enum finit_tier		tier;	/* the string tier */
	enum finit_tier		exact;	/* a probe beside the native tier, 0 none */
	enum finit_compat	compat;
};

/* finit_selftest_choose - the best tiers that passed; @compat: wanted at all */
void finit_selftest_choose(const struct finit_selftest *t, const struct finit_probe *p,
			   bool compat, struct finit_choice *c);

struct finit_verify;

/* finit_selftest_distrust - mark the tiers that failed as broken in @v */
void finit_selftest_distrust(const struct finit_selftest *t, struct finit_verify *v);

/* finit_selftest_compat_name - "kprobe", "raw_syscalls", "off" */
const char *finit_selftest_compat_name(enum finit_compat c);

/* finit_selftest_summary - "native ok, eprobe FAILED (...)" into @buf */
void finit_selftest_summary(const struct finit_selftest *t, char *buf, size_t len);

#endif
