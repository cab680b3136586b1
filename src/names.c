// SPDX-License-Identifier: MIT
/*
 * names.c - symbolic names: syscalls, origins, errnos and finit_module flags.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "finit.h"

const char *finit_syscall_name(enum finit_syscall sys)
{
	switch (sys) {
	case FINIT_SYS_FINIT_MODULE:
		return "finit_module";
	case FINIT_SYS_NR:
		break;
	}
	return "unknown";
}

const char *finit_origin_name(enum finit_origin origin)
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
	case FINIT_ORIGIN_NONE:
		break;
	}
	return "unavailable";
}

const char *finit_errno_name(long long ret)
{
	if (ret >= 0 || ret < -4095)
		return NULL;
	return strerrorname_np((int)-ret);
}

/* Flag bits from include/uapi/linux/module.h. */
static const struct {
	unsigned long long bit;
	const char *name;
} module_init_flags[] = {
	{ 1, "MODULE_INIT_IGNORE_MODVERSIONS" },
	{ 2, "MODULE_INIT_IGNORE_VERMAGIC" },
	{ 4, "MODULE_INIT_COMPRESSED_FILE" },
};

int finit_flags_names(unsigned long long flags, const char **names, int max,
		      char *unknown, size_t unknown_len)
{
	int n = 0;

	for (size_t i = 0; i < sizeof(module_init_flags) / sizeof(module_init_flags[0]); i++) {
		if (!(flags & module_init_flags[i].bit) || n >= max)
			continue;
		names[n++] = module_init_flags[i].name;
		flags &= ~module_init_flags[i].bit;
	}
	if (flags && n < max) {
		snprintf(unknown, unknown_len, "0x%llx", flags);
		names[n++] = unknown;
	}
	return n;
}
