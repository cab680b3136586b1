/* SPDX-License-Identifier: MIT */
/*
 * selfcall.h - the self-test's own module syscalls and what their records
 * must say.
 */
#ifndef FINIT_SELFCALL_H
#define FINIT_SELFCALL_H

#include <stdbool.h>

#include "finit.h"

struct finit_selfcall {
	char			marker[64];	/* "finit-ftrace-selftest-PID" */
	unsigned int		events;		/* syscalls to make */
	int			tid;		/* the 64-bit caller (us) */
	long			ret[FINIT_SYS_NR];	/* what each call returned */
	unsigned long long	args[FINIT_SYS_NR][3];	/* as the decoder gives them */
	bool			did32;		/* the 32-bit calls ran */
	int			tid32;		/* their caller, a child */
	int			ret32[FINIT_SYS_NR];
	unsigned long long	args32[FINIT_SYS_NR][3];
};

/* finit_selfcall_init - the marker and the calls to make */
void finit_selfcall_init(struct finit_selfcall *c, unsigned int events);

/*
 * finit_selfcall_make - make the calls (and the 32-bit ones with @want32,
 * from a child: a kernel without 32-bit emulation kills it, did32 false)
 */
void finit_selfcall_make(struct finit_selfcall *c, bool want32);

#endif
