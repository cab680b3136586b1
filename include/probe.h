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
	FINIT_PATH_KPROBE,	/* kprobes + kretprobes on the syscalls' entry points */
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
	bool		kprobe_path;	/* kprobe events and a known syscall ABI */
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

/* finit_probe_path_name - "syscalls", "raw_syscalls", "kprobe" or "none" */
const char *finit_probe_path_name(enum finit_path path);
/*
 * finit_probe_want - make @path the capture path if this kernel has it
 * (after finit_probe_kernel); -1 with what it lacks in @err
 */
int finit_probe_want(struct finit_probe *p, enum finit_path path, char *err, size_t errlen);
/* finit_probe_path_parse - a path's name, or "auto" (FINIT_PATH_NONE); -1 if unknown */
int finit_probe_path_parse(const char *name, enum finit_path *path);

#endif
