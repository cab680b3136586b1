/* SPDX-License-Identifier: MIT */
/*
 * config.h - the configuration file (libinih) and its command-line overrides.
 */
#ifndef FINIT_CONFIG_H
#define FINIT_CONFIG_H

#include <stddef.h>

#include "emit.h"
#include "probe.h"

struct finit_config {
	char		*tracefs_path;		/* NULL: auto-detect and mount */
	char		*instance_prefix;
	unsigned long	buffer_size_kb;
	char		*filter;		/* NULL: no filter */
	unsigned int	events;			/* 1 << enum finit_syscall */
	int		hash;			/* sha256 of the module file */
	int		compat;			/* 32-bit callers (kprobes or raw_syscalls) */
	int		selftest;		/* prove the tiers before arming */
	enum finit_path	path;			/* FINIT_PATH_NONE: auto */
	unsigned long	spool_mb;		/* spool in memory (8x that on disk) */
	enum finit_format format;
	char		*output;		/* NULL: stdout */
	unsigned int	sinks;			/* 1 << enum finit_outputs_kind; 0: default */
	int		syslog_facility;	/* LOG_AUTHPRIV etc. */
};

/* finit_config_init - fill @cfg with the built-in defaults */
int finit_config_init(struct finit_config *cfg);

/*
 * finit_config_load - read an INI file over @cfg.
 * Returns 0, or -1 with "FILE:LINE: [section] key: problem" in @err.
 */
int finit_config_load(struct finit_config *cfg, const char *path,
		      char *err, size_t errlen);

/* finit_config_set - set one "section.key" (or bare key) from a string */
int finit_config_set(struct finit_config *cfg, const char *section,
		     const char *key, const char *value, char *err, size_t errlen);

/* finit_config_free - release what the config owns */
void finit_config_free(struct finit_config *cfg);

/* finit_config_events_parse - "finit_module,delete_module" or "all" into a mask */
int finit_config_events_parse(const char *s, unsigned int *mask);

#endif
