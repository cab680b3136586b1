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
#include "log.h"
#include "session.h"
#include "tiers.h"

/* finit_tiers_name - the tier's name, as check and the armed line print it */
const char *finit_tiers_name(enum finit_tier tier)
{
	switch (tier) {
	case FINIT_TIER_NATIVE:
		return "native";
	case FINIT_TIER_EPROBE:
		return "eprobe";
	case FINIT_TIER_KPROBE:
		return "kprobe";
	case FINIT_TIER_PROCFS:
		return "procfs";
	case FINIT_TIER_NONE:
		break;
	}
	return "none";
}

static const char *const kind_names[FINIT_PROBE_NR] = {
	[FINIT_PROBE_EPROBE] = "eprobe",
	[FINIT_PROBE_KPROBE] = "kprobe",
	[FINIT_PROBE_COMPAT] = "compat-kprobe",
	[FINIT_PROBE_COMPAT_RET] = "compat-kretprobe",
	[FINIT_PROBE_KRET] = "kretprobe",
};

/* Event name prefixes by kind: eprobes keep the bare name of older files. */
static const char *const kind_prefix[FINIT_PROBE_NR] = {
	[FINIT_PROBE_EPROBE] = "",
	[FINIT_PROBE_KPROBE] = "kp_",
	[FINIT_PROBE_COMPAT] = "kp32_",
	[FINIT_PROBE_COMPAT_RET] = "kr32_",
	[FINIT_PROBE_KRET] = "kr_",
};

/* finit_tiers_kind_name - for messages and check's self-test report */
const char *finit_tiers_kind_name(enum finit_probe_kind kind)
{
	return kind < FINIT_PROBE_NR ? kind_names[kind] : "?";
}

/* finit_tiers_event_name - prefix + syscall name */
void finit_tiers_event_name(enum finit_probe_kind kind, int sys, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", kind_prefix[kind], finit_names_syscall(sys));
}

/* finit_tiers_parse_name - longest prefix first, then an exact syscall name */
bool finit_tiers_parse_name(const char *name, enum finit_probe_kind *kind, int *sys)
{
	for (int k = FINIT_PROBE_NR - 1; k >= 0; k--) {
		size_t n = strlen(kind_prefix[k]);

		if (strncmp(name, kind_prefix[k], n))
			continue;
		for (int i = 0; i < FINIT_SYS_NR; i++) {
			if (!strcmp(name + n, finit_names_syscall(i))) {
				*kind = (enum finit_probe_kind)k;
				*sys = i;
				return true;
			}
		}
	}
	return false;
}

/*
 * kprobe_abi - where the syscall wrappers find their arguments, per arch,
 * from the struct pt_regs pointer they get as their first argument
 */
static const struct {
	const char *machine;
	const char *prefix;		/* 64-bit wrapper symbol prefix */
	const char *arg[3];		/* args 0..2 */
	const char *compat_prefix;	/* 32-bit entry points, NULL: shared */
	const char *compat_arg[3];
} kprobe_abi[] = {
	/*
	 * x86_64 pt_regs: bx 40, cx 88, dx 96, si 104, di 112. 64-bit calls
	 * pass di, si, dx; ia32 calls bx, cx, dx (read whole: a pointer with
	 * high bits set is refused, the kernel uses only the low 32).
	 */
	{ "x86_64", "__x64_sys_", { "+112(%di)", "+104(%di)", "+96(%di)" },
	  "__ia32_sys_", { "+40(%di)", "+88(%di)", "+96(%di)" } },
	/* arm64 pt_regs: regs[0..2] at 0, 8, 16; compat calls use the same wrappers */
	{ "aarch64", "__arm64_sys_", { "+0(%x0)", "+8(%x0)", "+16(%x0)" }, NULL, { NULL } },
};

/* abi_of - the kprobe ABI row of @machine, or -1 */
static int abi_of(const char *machine)
{
	for (size_t i = 0; i < sizeof(kprobe_abi) / sizeof(kprobe_abi[0]); i++)
		if (!strcmp(machine, kprobe_abi[i].machine))
			return (int)i;
	return -1;
}

/* finit_tiers_available - eprobes need the feature; kprobes an ABI row */
bool finit_tiers_available(enum finit_probe_kind kind, const char *machine,
				bool eprobe, bool kprobe)
{
	int abi = abi_of(machine);

	switch (kind) {
	case FINIT_PROBE_EPROBE:
		return eprobe;
	case FINIT_PROBE_KPROBE:
	case FINIT_PROBE_KRET:
		return kprobe && abi >= 0;
	case FINIT_PROBE_COMPAT:
	case FINIT_PROBE_COMPAT_RET:
		return kprobe && abi >= 0 && kprobe_abi[abi].compat_prefix;
	case FINIT_PROBE_NR:
		break;
	}
	return false;
}

/* finit_tiers_group_name - "<prefix>_<pid>" with '-' as '_' (a valid system name) */
void finit_tiers_group_name(const char *prefix, int pid, char *buf, size_t len)
{
	snprintf(buf, len, "%s_%d", prefix, pid);
	for (char *p = buf; *p; p++)
		if (*p == '-')
			*p = '_';
}

/*
 * eprobe fetch args: numeric fields keep the syscall event's names, so the
 * record carries its own copy of the pointer it dereferenced (checked
 * against the syscall event's); caller is the comm as the kernel has it at
 * the call (saved_cmdlines is filled later, and only under a trylock). Not
 * "comm": a filter on comm means the task's, and 6.1's eprobes give $comm
 * as a pointer unless typed string.
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
	int n = -1;

	switch (sys) {
	case FINIT_SYS_FINIT_MODULE:
		n = asprintf(&f, "fd=%s:u64 uargs=%s:u64 params=+0(%s):ustring flags=%s:u64 "
			     "caller=$comm:string", a[0], a[1], a[1], a[2]);
		break;
	case FINIT_SYS_INIT_MODULE:
		n = asprintf(&f, "umod=%s:u64 len=%s:u64 uargs=%s:u64 params=+0(%s):ustring "
			     "caller=$comm:string", a[0], a[1], a[2], a[2]);
		break;
	case FINIT_SYS_DELETE_MODULE:
		n = asprintf(&f, "name_user=%s:u64 name=+0(%s):ustring flags=%s:u64 "
			     "caller=$comm:string", a[0], a[0], a[1]);
		break;
	}
	return n < 0 ? NULL : f;
}

/* kprobe_alloc - a kprobe (or kretprobe) of @kind on the ABI row @abi */
static struct tracefs_dynevent *kprobe_alloc(enum finit_probe_kind kind, int abi,
					     const char *group, const char *event, int sys)
{
	bool compat = kind == FINIT_PROBE_COMPAT || kind == FINIT_PROBE_COMPAT_RET;
	const char *prefix = compat ? kprobe_abi[abi].compat_prefix : kprobe_abi[abi].prefix;
	struct tracefs_dynevent *d = NULL;
	char addr[64], *fmt;

	if (!prefix)
		return NULL;
	snprintf(addr, sizeof(addr), "%s%s", prefix, finit_names_syscall(sys));
	if (kind == FINIT_PROBE_COMPAT_RET || kind == FINIT_PROBE_KRET)
		return tracefs_kretprobe_alloc(group, event, addr, "ret=$retval:s64", 0);
	fmt = kprobe_format(sys, compat ? kprobe_abi[abi].compat_arg : kprobe_abi[abi].arg);
	if (fmt)
		d = tracefs_kprobe_alloc(group, event, addr, fmt);
	free(fmt);
	return d;
}

/* finit_tiers_alloc - one event of @kind, not yet created */
struct tracefs_dynevent *finit_tiers_alloc(enum finit_probe_kind kind, const char *group,
					      const char *machine, int sys)
{
	char event[64], target[64];
	int abi = abi_of(machine);

	finit_tiers_event_name(kind, sys, event, sizeof(event));
	if (kind == FINIT_PROBE_EPROBE) {
		snprintf(target, sizeof(target), "sys_enter_%s", finit_names_syscall(sys));
		return tracefs_eprobe_alloc(group, event, "syscalls", target, eprobe_args[sys]);
	}
	return abi < 0 ? NULL : kprobe_alloc(kind, abi, group, event, sys);
}

/* finit_tiers_create - all or none of @kind's events for @events */
int finit_tiers_create(enum finit_probe_kind kind, const char *group, const char *machine,
			   unsigned int events, finit_dynset set, char *err, size_t errlen)
{
	for (int sys = 0; sys < FINIT_SYS_NR; sys++) {
		struct tracefs_dynevent *d;
		char *log;
		int e;

		set[kind][sys] = NULL;
		if (!(events & (1u << sys)))
			continue;
		d = finit_tiers_alloc(kind, group, machine, sys);
		tracefs_error_clear(NULL);
		if (d && !tracefs_dynevent_create(d)) {
			set[kind][sys] = d;
			continue;
		}
		e = errno;	/* before tracefs_error_all() sets it again */
		log = tracefs_error_all(NULL);
		snprintf(err, errlen, "cannot create the %s event %s/%s: %s%s%s",
			 finit_tiers_kind_name(kind), group, finit_names_syscall(sys),
			 e ? strerror(e) : "unknown error", log && *log ? "\n" : "", log ? log : "");
		free(log);
		tracefs_dynevent_free(d);
		finit_tiers_destroy_kind(set, kind);
		return -1;
	}
	return 0;
}

/* finit_tiers_destroy_kind - remove and free one kind's events */
int finit_tiers_destroy_kind(finit_dynset set, enum finit_probe_kind kind)
{
	int ret = 0;

	for (int sys = 0; sys < FINIT_SYS_NR; sys++) {
		struct tracefs_dynevent *d = set[kind][sys];

		if (!d)
			continue;
		if (tracefs_dynevent_destroy(d, true) < 0) {
			finit_log(FINIT_LOG_ERROR, "cannot remove dynamic event %s %s: %s; "
				  "run 'finit-ftrace cleanup'", finit_tiers_kind_name(kind),
				  finit_names_syscall(sys), strerror(errno));
			ret = -1;
		}
		tracefs_dynevent_free(d);
		set[kind][sys] = NULL;
	}
	return ret;
}

/* finit_tiers_destroy - every kind */
int finit_tiers_destroy(finit_dynset set)
{
	int ret = 0;

	for (int k = 0; k < FINIT_PROBE_NR; k++)
		if (finit_tiers_destroy_kind(set, (enum finit_probe_kind)k) < 0)
			ret = -1;
	return ret;
}
