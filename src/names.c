// SPDX-License-Identifier: MIT
/*
 * names.c - symbolic names: syscalls, origins, errnos and flag bits.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finit.h"

static const char *const syscall_names[] = {
	[FINIT_SYS_FINIT_MODULE] = "finit_module",
	[FINIT_SYS_INIT_MODULE] = "init_module",
	[FINIT_SYS_DELETE_MODULE] = "delete_module",
	[FINIT_EV_MODULE_FREE] = "module_free",
	[FINIT_EV_MODULE_LOAD] = "module_load",
};

size_t finit_names_join(char *buf, size_t len, size_t used, size_t i, size_t n,
			const char *name)
{
	if (used >= len)
		return used;
	if (!i)
		buf[0] = '\0';
	return used + snprintf(buf + used, len - used, "%s%s",
			       !i ? "" : i + 1 == n ? " or " : ", ", name);
}

const char *finit_names_syscall(enum finit_syscall sys)
{
	if ((unsigned int)sys < sizeof(syscall_names) / sizeof(syscall_names[0]))
		return syscall_names[sys];
	return "unknown";
}

int finit_names_syscall_parse(const char *name)
{
	/* module_load is not chosen: it comes with finit_module and init_module */
	for (size_t i = 0; i <= FINIT_EV_MODULE_FREE; i++)
		if (!strcmp(name, syscall_names[i]))
			return (int)i;
	return -1;
}

int finit_names_str_arg(enum finit_syscall sys)
{
	switch (sys) {
	case FINIT_SYS_FINIT_MODULE:
		return 1;	/* uargs */
	case FINIT_SYS_INIT_MODULE:
		return 2;	/* uargs */
	case FINIT_SYS_DELETE_MODULE:
		return 0;	/* name_user */
	default:
		return -1;
	}
}

const char *finit_names_origin(enum finit_origin origin)
{
	switch (origin) {
	case FINIT_ORIGIN_KERNEL:
		return "kernel";
	case FINIT_ORIGIN_PROCFS:
		return "procfs";
	case FINIT_ORIGIN_PENDING:
		return "no-exit-before-shutdown";
	case FINIT_ORIGIN_DROPPED:
		return "pending-table-full";
	case FINIT_ORIGIN_LOST:
		return "exit-lost";
	case FINIT_ORIGIN_FAULT:
		return "fault";
	case FINIT_ORIGIN_SKIPPED:
		return "skipped-backlog";
	case FINIT_ORIGIN_OFFLINE:
		return "unavailable-offline";
	case FINIT_ORIGIN_NONE:
		break;
	}
	return "unavailable";
}

const char *finit_names_errno(long long ret)
{
	if (ret >= 0 || ret < -4095)
		return NULL;
	return strerrorname_np((int)-ret);
}

struct flag_name {
	unsigned long long	bit;
	const char		*name;
};

/* include/uapi/linux/module.h */
static const struct flag_name module_init_flags[] = {
	{ 1, "MODULE_INIT_IGNORE_MODVERSIONS" },
	{ 2, "MODULE_INIT_IGNORE_VERMAGIC" },
	{ 4, "MODULE_INIT_COMPRESSED_FILE" },
	{ 0, NULL },
};

/* delete_module(2): the bits kernel/module/main.c looks at */
static const struct flag_name delete_flags[] = {
	{ 04000, "O_NONBLOCK" },
	{ 01000, "O_TRUNC" },
	{ 0, NULL },
};

int finit_names_flags(enum finit_syscall sys, unsigned long long flags,
		      const char **names, int max, char *unknown, size_t unknown_len)
{
	const struct flag_name *t = sys == FINIT_SYS_DELETE_MODULE ? delete_flags :
				    module_init_flags;
	int n = 0;

	for (; t->name; t++) {
		if (!(flags & t->bit) || n >= max)
			continue;
		names[n++] = t->name;
		flags &= ~t->bit;
	}
	if (flags && n < max) {
		snprintf(unknown, unknown_len, "0x%llx", flags);
		names[n++] = unknown;
	}
	return n;
}

