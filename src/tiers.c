// SPDX-License-Identifier: MIT
/*
 * tiers.c - choose the string tier and manage our eprobe/kprobe events.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracefs.h>

#include "context.h"
#include "session.h"
#include "tiers.h"

const char *finit_tier_name(enum finit_tier tier)
{
	switch (tier) {
	case FINIT_TIER_NATIVE:
		return "native";
	case FINIT_TIER_EPROBE:
		return "eprobe";
	case FINIT_TIER_KPROBE:
		return "kprobe";
	case FINIT_TIER_PROCFS:
		break;
	}
	return "procfs";
}

/* kprobe_regs - pt_regs fetch args of the syscall wrapper, per arch */
static const struct {
	const char *machine;
	const char *prefix;		/* wrapper symbol prefix */
	const char *arg[3];		/* where args 0..2 live, from the regs pointer */
} kprobe_abi[] = {
	/* struct pt_regs on x86_64: di at 112, si at 104, dx at 96 */
	{ "x86_64", "__x64_sys_", { "+112(%di)", "+104(%di)", "+96(%di)" } },
	/* struct pt_regs on arm64: regs[0..2] at 0, 8, 16 */
	{ "aarch64", "__arm64_sys_", { "+0(%x0)", "+8(%x0)", "+16(%x0)" } },
};

enum finit_tier finit_tier_choose(const struct finit_probe *p)
{
	if (p->path == FINIT_PATH_SYSCALLS && p->uargs_field)
		return FINIT_TIER_NATIVE;
	if (p->path == FINIT_PATH_SYSCALLS && p->eprobe)
		return FINIT_TIER_EPROBE;
	if (p->kprobe) {
		for (size_t i = 0; i < sizeof(kprobe_abi) / sizeof(kprobe_abi[0]); i++)
			if (!strcmp(p->machine, kprobe_abi[i].machine))
				return FINIT_TIER_KPROBE;
	}
	return FINIT_TIER_PROCFS;
}

enum finit_tier finit_tier_exact(const struct finit_probe *p, enum finit_tier tier)
{
	return tier == FINIT_TIER_NATIVE && p->eprobe ? FINIT_TIER_EPROBE : 0;
}

void finit_group_name(const char *prefix, int pid, char *buf, size_t len)
{
	snprintf(buf, len, "%s_%d", prefix, pid);
	for (char *p = buf; *p; p++)
		if (*p == '-')
			*p = '_';
}

/*
 * eprobe fetch args: numeric fields keep the syscall event's names; caller
 * is the comm as the kernel has it at the call (saved_cmdlines is filled
 * later, and only under a trylock). Not "comm": a filter on comm means the
 * task's, and 6.1's eprobes give $comm as a pointer unless typed string.
 */
static const char *const eprobe_args[FINIT_SYS_NR] = {
	[FINIT_SYS_FINIT_MODULE] =
		"fd=$fd uargs=$uargs params=+0($uargs):ustring flags=$flags caller=$comm:string",
	[FINIT_SYS_INIT_MODULE] =
		"umod=$umod len=$len uargs=$uargs params=+0($uargs):ustring caller=$comm:string",
	[FINIT_SYS_DELETE_MODULE] =
		"name_user=$name_user name=+0($name_user):ustring flags=$flags caller=$comm:string",
};

/* kprobe_format - the same fields, read from the wrapper's pt_regs */
static char *kprobe_format(int sys, const char *const a[3])
{
	char *f = NULL;

	switch (sys) {
	case FINIT_SYS_FINIT_MODULE:
		if (asprintf(&f, "fd=%s:u64 uargs=%s:u64 params=+0(%s):ustring flags=%s:u64 "
			     "caller=$comm:string", a[0], a[1], a[1], a[2]) < 0)
			f = NULL;
		break;
	case FINIT_SYS_INIT_MODULE:
		if (asprintf(&f, "umod=%s:u64 len=%s:u64 uargs=%s:u64 params=+0(%s):ustring "
			     "caller=$comm:string", a[0], a[1], a[2], a[2]) < 0)
			f = NULL;
		break;
	case FINIT_SYS_DELETE_MODULE:
		if (asprintf(&f, "name_user=%s:u64 name=+0(%s):ustring flags=%s:u64 "
			     "caller=$comm:string", a[0], a[0], a[1]) < 0)
			f = NULL;
		break;
	}
	return f;
}

struct tracefs_dynevent *finit_dynevent_alloc(enum finit_tier tier, const char *group,
					      const char *machine, int sys)
{
	const char *name = finit_syscall_name(sys);
	char target[64], addr[64], *fmt;
	struct tracefs_dynevent *d = NULL;

	if (tier == FINIT_TIER_EPROBE) {
		snprintf(target, sizeof(target), "sys_enter_%s", name);
		return tracefs_eprobe_alloc(group, name, "syscalls", target, eprobe_args[sys]);
	}
	for (size_t i = 0; i < sizeof(kprobe_abi) / sizeof(kprobe_abi[0]); i++) {
		if (strcmp(machine, kprobe_abi[i].machine))
			continue;
		snprintf(addr, sizeof(addr), "%s%s", kprobe_abi[i].prefix, name);
		fmt = kprobe_format(sys, kprobe_abi[i].arg);
		if (fmt)
			d = tracefs_kprobe_alloc(group, name, addr, fmt);
		free(fmt);
	}
	return d;
}

int finit_dynevents_create(enum finit_tier tier, const char *group, const char *machine,
			   unsigned int events, struct tracefs_dynevent **dyn,
			   char *err, size_t errlen)
{
	for (int sys = 0; sys < FINIT_SYS_NR; sys++) {
		char *log;

		dyn[sys] = NULL;
		if (!(events & (1u << sys)))
			continue;
		dyn[sys] = finit_dynevent_alloc(tier, group, machine, sys);
		tracefs_error_clear(NULL);
		if (dyn[sys] && !tracefs_dynevent_create(dyn[sys]))
			continue;
		log = tracefs_error_all(NULL);
		snprintf(err, errlen, "cannot create the %s event %s/%s: %s%s%s",
			 finit_tier_name(tier), group, finit_syscall_name(sys), strerror(errno),
			 log && *log ? "\n" : "", log ? log : "");
		free(log);
		if (dyn[sys])
			tracefs_dynevent_free(dyn[sys]);
		dyn[sys] = NULL;
		finit_dynevents_destroy(dyn);
		return -1;
	}
	return 0;
}

int finit_dynevents_destroy(struct tracefs_dynevent **dyn)
{
	int ret = 0;

	for (int sys = 0; sys < FINIT_SYS_NR; sys++) {
		if (!dyn[sys])
			continue;
		if (tracefs_dynevent_destroy(dyn[sys], true) < 0) {
			fprintf(stderr, "finit-ftrace: cannot remove dynamic event %s: %s; "
				"run 'finit-ftrace cleanup'\n", finit_syscall_name(sys),
				strerror(errno));
			ret = -1;
		}
		tracefs_dynevent_free(dyn[sys]);
		dyn[sys] = NULL;
	}
	return ret;
}

int finit_dynevents_reclaim(const char *prefix, FILE *log)
{
	struct tracefs_dynevent **all;
	char want[96];
	int removed = 0, failed = 0;
	size_t n;

	finit_group_name(prefix, 0, want, sizeof(want));
	n = strlen(want) - 1;	/* "<prefix>_" */
	all = tracefs_dynevent_get_all(TRACEFS_DYNEVENT_EPROBE | TRACEFS_DYNEVENT_KPROBE, NULL);
	for (int i = 0; all && all[i]; i++) {
		char *sys = NULL, *ev = NULL, *end;
		long pid;

		tracefs_dynevent_info(all[i], &sys, &ev, NULL, NULL, NULL);
		if (sys && !strncmp(sys, want, n)) {
			pid = strtol(sys + n, &end, 10);
			if (!*end && pid > 0 && !finit_session_owner_alive((int)pid)) {
				if (tracefs_dynevent_destroy(all[i], true) < 0) {
					failed++;
				} else {
					removed++;
					if (log)
						fprintf(log, "finit-ftrace: removed stale dynamic "
							"event %s/%s (pid %ld is gone)\n", sys, ev, pid);
				}
			}
		}
		free(sys);
		free(ev);
	}
	tracefs_dynevent_list_free(all);
	return failed ? -1 : removed;
}
