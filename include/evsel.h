/* SPDX-License-Identifier: MIT */
/*
 * evsel.h - the events an instance enables, and a tep handle built from
 * the kernel's formats of exactly those (no /proc/kallsyms, no walk over
 * every event).
 */
#ifndef FINIT_EVSEL_H
#define FINIT_EVSEL_H

#include <stdbool.h>
#include <stddef.h>

struct tep_handle;

/* One event to enable, with its fixed kernel filter. */
struct finit_evsel {
	char	sys[96];
	char	name[64];
	char	filter[256];	/* "": none */
	bool	loads;		/* in the small instance that keeps module loads */
};

/*
 * At most: 3 syscalls x (enter, our string probe, exit, ia32 kprobe and
 * kretprobe), module_load, module_free, raw_syscalls enter and exit = 19.
 */
#define FINIT_MAX_EVENTS	24

/* finit_evsel_add - one more event (@filter may be NULL); -1 when full */
int finit_evsel_add(struct finit_evsel *ev, int *n, const char *sys, const char *name,
		    const char *filter);

/*
 * finit_evsel_tep - a tep handle from header_page and the formats of
 * @ev; NULL with the reason in @err
 */
struct tep_handle *finit_evsel_tep(const struct finit_evsel *ev, int n,
				     char *err, size_t errlen);

#endif
