/* SPDX-License-Identifier: MIT */
/*
 * verify.h - trust no string tier that has not proved itself: which tiers
 * may label a string "kernel", and the run-time cross-check of every
 * probe record against the syscall event of the same call.
 */
#ifndef FINIT_VERIFY_H
#define FINIT_VERIFY_H

#include <stdbool.h>

#include "finit.h"

#define FINIT_TIER_SLOTS	(FINIT_TIER_PROCFS + 1)

struct finit_verify {
	char			kernel[80];		/* release, for the warning */
	bool			broken[FINIT_TIER_SLOTS];
	unsigned long long	mismatches[FINIT_TIER_SLOTS];	/* records refused */
	unsigned long long	faults;		/* strings the kernel failed to read */
};

/* finit_verify_init - every tier trusted until it disagrees; @kernel for messages */
void finit_verify_init(struct finit_verify *v, const char *kernel);

/* finit_verify_usable - @tier has not been found broken */
bool finit_verify_usable(const struct finit_verify *v, enum finit_tier tier);

enum finit_verdict {
	FINIT_VERIFY_OK,	/* args agree, the string was read: kernel */
	FINIT_VERIFY_FAULT,	/* args agree, the kernel failed to read the string */
	FINIT_VERIFY_REFUSED,	/* args differ, or the tier is broken: nothing of it */
};

/*
 * finit_verify_string - may the string of probe record @r label @ev's
 * string "kernel"? Its own copy of the arguments must equal those of the
 * syscall event (@ev's), and the kernel must have read it. A disagreement
 * marks the tier broken for the session, with one warning naming the
 * kernel, the tier and both values.
 */
enum finit_verdict finit_verify_string(struct finit_verify *v, const struct finit_event *ev,
				       const struct finit_record *r);

/* finit_verify_mark_broken - mark @tier broken with @why (one warning) */
void finit_verify_mark_broken(struct finit_verify *v, enum finit_tier tier, const char *why);

/* finit_verify_refused - records refused so far, all tiers */
unsigned long long finit_verify_refused(const struct finit_verify *v);

#endif
