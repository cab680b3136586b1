// SPDX-License-Identifier: MIT
/*
 * probe.c - feature detection: where tracefs is, and what the kernel offers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <tracefs.h>

#include "decoder.h"
#include "probe.h"
#include "tiers.h"

#define TRACEFS_DEFAULT	"/sys/kernel/tracing"
#define DEBUGFS_TRACING	"/sys/kernel/debug/tracing"

const char *finit_probe_path_name(enum finit_path path)
{
	switch (path) {
	case FINIT_PATH_SYSCALLS:
		return "syscalls";
	case FINIT_PATH_RAW:
		return "raw_syscalls";
	case FINIT_PATH_KPROBE:
		return "kprobe";
	case FINIT_PATH_NONE:
		break;
	}
	return "none";
}

/* finit_probe_want - @path, asked for ([capture] path, --path), if this kernel has it */
int finit_probe_want(struct finit_probe *p, enum finit_path path, char *err, size_t errlen)
{
	const char *missing = NULL;

	if (path == FINIT_PATH_SYSCALLS && !(p->sys_enter_finit && p->sys_exit_finit))
		missing = "syscalls:sys_enter/exit_finit_module (CONFIG_FTRACE_SYSCALLS, "
			  "CONFIG_MODULES)";
	else if (path == FINIT_PATH_RAW && !(p->raw_enter && p->raw_exit &&
					     finit_decoder_sysnr(p->machine)))
		missing = "raw_syscalls:sys_enter/exit for this architecture";
	else if (path == FINIT_PATH_KPROBE && !p->kprobe_path)
		missing = "kprobe events (CONFIG_KPROBE_EVENTS) with a known syscall ABI";
	if (missing) {
		snprintf(err, errlen, "the %s capture path needs %s, which kernel %s %s lacks; "
			 "use --path auto", finit_probe_path_name(path), missing, p->kernel,
			 p->machine);
		return -1;
	}
	p->path = path;
	return 0;
}

/* finit_probe_path_parse - the names finit_probe_path_name gives, and "auto" */
int finit_probe_path_parse(const char *name, enum finit_path *path)
{
	static const enum finit_path paths[] = {
		FINIT_PATH_SYSCALLS, FINIT_PATH_RAW, FINIT_PATH_KPROBE,
	};

	*path = FINIT_PATH_NONE;
	if (!strcmp(name, "auto"))
		return 0;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (!strcmp(name, finit_probe_path_name(paths[i]))) {
			*path = paths[i];
			return 0;
		}
	}
	return -1;
}

/* is_tracefs - @dir looks like a mounted tracefs (or debugfs/tracing) */
static bool is_tracefs(const char *dir)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "%s/trace_pipe", dir);
	return stat(p, &st) == 0;
}

/* denied - @dir/trace_pipe exists but this user may not reach it */
static bool denied(const char *dir)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "%s/trace_pipe", dir);
	return stat(p, &st) < 0 && errno == EACCES;
}

int finit_probe_locate(const char *want, bool mount_it, struct finit_probe *probe,
			 char *err, size_t errlen)
{
	const char *dir = NULL;

	probe->root = geteuid() == 0;
	if (want) {
		if (!is_tracefs(want)) {
			snprintf(err, errlen, "%s is not a mounted tracefs (no trace_pipe there); "
				 "fix [tracefs] path or leave it empty to auto-detect", want);
			return -1;
		}
		dir = want;
	} else if (is_tracefs(TRACEFS_DEFAULT)) {
		dir = TRACEFS_DEFAULT;
	} else if (is_tracefs(DEBUGFS_TRACING)) {
		dir = DEBUGFS_TRACING;
	} else if (!mount_it) {
		snprintf(err, errlen, "tracefs is not mounted");
		return -1;
	} else if (!probe->root && denied(TRACEFS_DEFAULT)) {
		snprintf(err, errlen, "tracefs at %s is not accessible to this user (only root "
			 "may read it): run as root", TRACEFS_DEFAULT);
		return -1;
	} else if (!probe->root) {
		snprintf(err, errlen, "tracefs is not mounted and mounting it needs root: "
			 "run as root, or mount -t tracefs nodev %s", TRACEFS_DEFAULT);
		return -1;
	} else if (mount("nodev", TRACEFS_DEFAULT, "tracefs", 0, NULL) < 0) {
		snprintf(err, errlen, "cannot mount tracefs on %s: %s "
			 "(is the kernel built with CONFIG_FTRACE?)", TRACEFS_DEFAULT,
			 strerror(errno));
		return -1;
	} else {
		dir = TRACEFS_DEFAULT;
		probe->mounted_by_us = true;
	}
	snprintf(probe->tracing_dir, sizeof(probe->tracing_dir), "%s", dir);
	if (tracefs_set_tracing_dir(probe->tracing_dir) < 0) {
		snprintf(err, errlen, "libtracefs rejected tracing dir %s", dir);
		return -1;
	}
	return 0;
}

/* readme_has - the tracefs README mentions @needle (feature detection) */
static bool readme_has(const char *needle)
{
	char *readme = tracefs_instance_file_read(NULL, "README", NULL);
	bool ret = readme && strstr(readme, needle);

	free(readme);
	return ret;
}

void finit_probe_kernel(struct finit_probe *p)
{
	struct utsname u;
	char *fmt;

	if (!uname(&u)) {
		snprintf(p->kernel, sizeof(p->kernel), "%s", u.release);
		snprintf(p->machine, sizeof(p->machine), "%s", u.machine);
	}
	p->sys_enter_finit = tracefs_event_file_exists(NULL, "syscalls",
						       "sys_enter_finit_module", "format");
	p->sys_exit_finit = tracefs_event_file_exists(NULL, "syscalls",
						      "sys_exit_finit_module", "format");
	p->module_load = tracefs_event_file_exists(NULL, "module", "module_load", "format");
	p->raw_enter = tracefs_event_file_exists(NULL, "raw_syscalls", "sys_enter", "format");
	p->raw_exit = tracefs_event_file_exists(NULL, "raw_syscalls", "sys_exit", "format");
	p->dynamic_events = tracefs_file_exists(NULL, "dynamic_events");
	p->eprobe = p->dynamic_events && readme_has("e[:[<group>/][<event>]]");
	p->kprobe = tracefs_file_exists(NULL, "kprobe_events");
	p->kprobe_path = finit_tiers_available(FINIT_PROBE_KPROBE, p->machine, false, p->kprobe);
	if (p->sys_enter_finit) {
		fmt = tracefs_event_file_read(NULL, "syscalls", "sys_enter_finit_module",
					      "format", NULL);
		p->uargs_field = fmt && strstr(fmt, "__uargs_val;");
		free(fmt);
	}
	p->btf = access("/sys/kernel/btf/vmlinux", F_OK) == 0;
	if (p->sys_enter_finit && p->sys_exit_finit)
		p->path = FINIT_PATH_SYSCALLS;
	else if (p->raw_enter && p->raw_exit && finit_decoder_sysnr(p->machine))
		p->path = FINIT_PATH_RAW;
	else
		p->path = FINIT_PATH_NONE;
}

