// SPDX-License-Identifier: MIT
/*
 * userfilter.c - a kernel filter expression evaluated in user space, by
 * our own evaluator (filter.c), on records the kernel could not filter
 * (raw_syscalls, the ia32 kprobe, offline files).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "userfilter.h"

/*
 * The fields of syscalls:sys_enter_finit_module with the kernel's types on
 * a 64-bit kernel (Debian 6.1's format): fd, uargs and flags are stored as
 * unsigned 8-byte values (fd -1 is 0xffffffffffffffff, as the kernel
 * compares it), __syscall_nr and common_pid as signed ints.
 */
enum { F_FD, F_UARGS, F_FLAGS, F_NR, F_PID, F_TYPE, F_FLAGS_C, F_PREEMPT, F_COUNT };

static const struct finit_filter_field fields[F_COUNT + 1] = {
	[F_FD] = { "fd", false },
	[F_UARGS] = { "uargs", false },
	[F_FLAGS] = { "flags", false },
	[F_NR] = { "__syscall_nr", true },
	[F_PID] = { "common_pid", true },
	[F_TYPE] = { "common_type", false },
	[F_FLAGS_C] = { "common_flags", false },
	[F_PREEMPT] = { "common_preempt_count", false },
	[F_COUNT] = { NULL, false },
};

struct finit_userfilter {
	const struct finit_sysnr	*sysnr;
	bool				raw_only;
	struct finit_filter		*expr;		/* NULL: everything passes */
};

/* finit_userfilter_alloc - an empty filter (everything passes) */
struct finit_userfilter *finit_userfilter_alloc(const struct finit_sysnr *sysnr)
{
	struct finit_userfilter *f = calloc(1, sizeof(*f));

	if (f)
		f->sysnr = sysnr;
	return f;
}

/* finit_userfilter_free - release it (NULL is fine) */
void finit_userfilter_free(struct finit_userfilter *f)
{
	if (!f)
		return;
	finit_filter_free(f->expr);
	free(f);
}

/* finit_userfilter_set - compile @expr with our own parser (replacing any) */
int finit_userfilter_set(struct finit_userfilter *f, const char *expr, bool raw_only,
			 char *err, size_t errlen)
{
	struct finit_filter *c = finit_filter_compile(expr, fields, err, errlen);

	if (!c)
		return -1;
	finit_filter_free(f->expr);
	f->expr = c;
	f->raw_only = raw_only;
	return 0;
}

/* finit_userfilter_match - 1 if @r passes (or the filter does not apply to it) */
int finit_userfilter_match(const struct finit_userfilter *f, const struct finit_record *r)
{
	unsigned long long v[F_COUNT] = { 0 };

	/* the kernel filtered the other events; the expression is on finit_module */
	if (!f->expr || r->kind != FINIT_REC_ENTER || (f->raw_only && !r->raw && !r->compat) ||
	    r->sys != FINIT_SYS_FINIT_MODULE)
		return 1;
	v[F_FD] = r->args[0];
	v[F_UARGS] = r->args[1];
	v[F_FLAGS] = r->args[2];
	v[F_NR] = (unsigned long long)(long long)(f->sysnr ? f->sysnr->nr[r->sys] : 0);
	v[F_PID] = (unsigned long long)(long long)r->tid;
	return finit_filter_eval(f->expr, v);
}
