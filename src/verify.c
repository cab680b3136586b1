// SPDX-License-Identifier: MIT
/*
 * verify.c - the run-time cross-check of the string tiers.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "tiers.h"
#include "verify.h"

/* finit_verify_init - nothing broken yet */
void finit_verify_init(struct finit_verify *v, const char *kernel)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->kernel, sizeof(v->kernel), "%s", kernel && *kernel ? kernel : "(unknown)");
}

/* finit_verify_usable - not found broken (tier 0: no tier, never usable) */
bool finit_verify_usable(const struct finit_verify *v, enum finit_tier tier)
{
	return tier > FINIT_TIER_NONE && tier < FINIT_TIER_SLOTS && !v->broken[tier];
}

/* finit_verify_mark_broken - the first time only: a warning */
void finit_verify_mark_broken(struct finit_verify *v, enum finit_tier tier, const char *why)
{
	if (tier <= FINIT_TIER_NONE || tier >= FINIT_TIER_SLOTS || v->broken[tier])
		return;
	v->broken[tier] = true;
	finit_log(FINIT_LOG_WARNING, "kernel %s: the %s tier is broken: %s; its strings are "
		  "not used from now on (they fall to the next tier)", v->kernel,
		  finit_tiers_name(tier), why);
}

/* args_differ - the first argument where @r disagrees with @ev, or -1 */
static int args_differ(const struct finit_event *ev, const struct finit_record *r)
{
	for (int i = 0; i < 3; i++)
		if (ev->args[i] != r->args[i])
			return i;
	return -1;
}

/* finit_verify_string - args agree, the tier is not broken, the read worked */
enum finit_verdict finit_verify_string(struct finit_verify *v, const struct finit_event *ev,
				       const struct finit_record *r)
{
	static const char *const arg_names[FINIT_SYS_NR][3] = {
		[FINIT_SYS_FINIT_MODULE] = { "fd", "uargs", "flags" },
		[FINIT_SYS_INIT_MODULE] = { "umod", "len", "uargs" },
		[FINIT_SYS_DELETE_MODULE] = { "name_user", "flags", "-" },
	};
	char why[256];
	int i;

	if (!finit_verify_usable(v, r->tier))
		return FINIT_VERIFY_REFUSED;
	i = args_differ(ev, r);
	if (i >= 0) {
		v->mismatches[r->tier]++;
		snprintf(why, sizeof(why), "its record of %s (tid %d) has %s=0x%llx where "
			 "syscalls:sys_enter_%s has 0x%llx", finit_names_syscall(r->sys), r->tid,
			 arg_names[r->sys][i], r->args[i], finit_names_syscall(r->sys), ev->args[i]);
		finit_verify_mark_broken(v, r->tier, why);
		return FINIT_VERIFY_REFUSED;
	}
	if (r->str_state == FINIT_STR_OK)
		return FINIT_VERIFY_OK;
	v->faults++;
	return FINIT_VERIFY_FAULT;
}

/* finit_verify_refused - mismatched records of every tier */
unsigned long long finit_verify_refused(const struct finit_verify *v)
{
	unsigned long long n = 0;

	for (int t = 0; t < FINIT_TIER_SLOTS; t++)
		n += v->mismatches[t];
	return n;
}
