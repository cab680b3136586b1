/* SPDX-License-Identifier: MIT */
/*
 * finit.h - types shared by every part of finit-ftrace.
 */
#ifndef FINIT_H
#define FINIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes, documented in the README. */
#define FINIT_EXIT_OK		0	/* success */
#define FINIT_EXIT_FAIL		1	/* runtime failure */
#define FINIT_EXIT_USAGE	2	/* bad usage, bad config or bad filter */
#define FINIT_EXIT_UNSUPPORTED	3	/* the kernel lacks what is needed */

#define FINIT_COMM_LEN		32

/* The module syscalls the tool knows about. */
enum finit_syscall {
	FINIT_SYS_FINIT_MODULE,
	FINIT_SYS_NR
};

/* Where a field's value came from (the "origin" object in the output). */
enum finit_origin {
	FINIT_ORIGIN_NONE,	/* value is null: not captured on this path */
	FINIT_ORIGIN_KERNEL,	/* recorded by the kernel in the trace event */
	FINIT_ORIGIN_PROCFS,	/* read from /proc afterwards: racy, TOCTOU */
	FINIT_ORIGIN_PENDING,	/* ret only: no exit event seen before shutdown */
	FINIT_ORIGIN_DROPPED,	/* ret only: evicted from a full pending table */
};

/* One decoded trace record, before enter and exit are joined. */
enum finit_rec_kind {
	FINIT_REC_ENTER,
	FINIT_REC_EXIT,
};

struct finit_record {
	enum finit_rec_kind	kind;
	enum finit_syscall	sys;
	unsigned long long	ts;		/* trace clock, ns */
	int			cpu;
	int			tid;
	bool			compat;		/* 32-bit caller (raw id) */
	unsigned long long	args[3];	/* fd, uargs, flags */
	long long		ret;		/* exit only */
};

/* One module syscall, enter joined with exit and enriched with context. */
struct finit_event {
	enum finit_syscall	sys;
	unsigned long long	ts;		/* trace clock of the enter, ns */
	long long		wall_ns;	/* ts mapped to CLOCK_REALTIME */
	int			cpu;
	int			tid;
	int			pid;		/* tgid, -1 when unknown */
	char			comm[FINIT_COMM_LEN];
	bool			compat;
	long long		fd;
	unsigned long long	uargs;
	unsigned long long	flags;
	long long		ret;
	const char		*param_values;	/* NULL: not captured */
	const char		*module;	/* NULL: not captured */
	const char		*path;		/* NULL: not captured */
	enum finit_origin	origin_pid;
	enum finit_origin	origin_comm;
	enum finit_origin	origin_ret;
};

/* finit_syscall_name - "finit_module" etc. */
const char *finit_syscall_name(enum finit_syscall sys);

/* finit_origin_name - the origin string used in the output ("unavailable" for none) */
const char *finit_origin_name(enum finit_origin origin);

/* finit_errno_name - "ENOSYS" for 38; NULL when unknown or not an error */
const char *finit_errno_name(long long ret);

/*
 * finit_flags_names - decode finit_module flags into the kernel's names.
 * Fills @names with up to @max pointers into static strings or @unknown
 * (formatted "0x..") and returns how many were set.
 */
int finit_flags_names(unsigned long long flags, const char **names, int max,
		      char *unknown, size_t unknown_len);

#endif
