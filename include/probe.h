/* SPDX-License-Identifier: MIT */
/*
 * probe.h - what this kernel offers: find (or mount) tracefs, and detect
 * the events, probe types and fields the capture paths need.
 */
#ifndef FINIT_PROBE_H
#define FINIT_PROBE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* How the module syscalls are captured. */
enum finit_path {
	FINIT_PATH_NONE,
	FINIT_PATH_SYSCALLS,	/* syscalls:sys_enter/exit_finit_module */
	FINIT_PATH_RAW,		/* raw_syscalls:sys_enter/exit, id == __NR_finit_module */
};

/* What this kernel offers, as reported by `check`. */
struct finit_probe {
	char		tracing_dir[PATH_MAX];
	bool		mounted_by_us;
	bool		root;
	char		kernel[65];
	char		machine[65];
	bool		sys_enter_finit;
	bool		sys_exit_finit;
	bool		module_load;
	bool		raw_enter;
	bool		raw_exit;
	bool		dynamic_events;
	bool		eprobe;
	bool		kprobe;
	bool		uargs_field;	/* sys_enter_finit_module carries __uargs_val */
	bool		btf;
	enum finit_path	path;
};

/*
 * finit_probe_locate - find tracefs (or @want), mounting it if allowed.
 * Sets libtracefs's tracing dir. Returns 0, or -1 with a message in @err.
 */
int finit_probe_locate(const char *want, bool mount, struct finit_probe *probe,
			 char *err, size_t errlen);

/* finit_probe_kernel - fill @probe with what the kernel offers (after locate) */
void finit_probe_kernel(struct finit_probe *probe);

/* finit_probe_path_name - "syscalls", "raw_syscalls" or "none" */
const char *finit_probe_path_name(enum finit_path path);

#endif
