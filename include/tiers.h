/* SPDX-License-Identifier: MIT */
/*
 * tiers.h - how the user strings (param_values, delete_module's name) are
 * read, best first:
 *   1 native  - the 6.19+ syscall event carries the string (__uargs_val)
 *   2 eprobe  - an event probe on the syscall event reads +0($uargs):ustring
 *   3 kprobe  - a kprobe on the syscall wrapper reads it through pt_regs
 *   4 procfs  - /proc/PID/mem at the pointer, live only (TOCTOU)
 * Tiers 2 and 3 create dynamic events in a group of our own.
 */
#ifndef FINIT_TIERS_H
#define FINIT_TIERS_H

#include <stdio.h>

#include "finit.h"

struct tracefs_dynevent;
struct finit_probe;

enum finit_tier {
	FINIT_TIER_NATIVE = 1,
	FINIT_TIER_EPROBE = 2,
	FINIT_TIER_KPROBE = 3,
	FINIT_TIER_PROCFS = 4,
};

/* finit_tier_name - "native", "eprobe", "kprobe", "procfs" */
const char *finit_tier_name(enum finit_tier tier);

/* finit_tier_choose - the best tier @p offers */
enum finit_tier finit_tier_choose(const struct finit_probe *p);

/*
 * finit_tier_exact - the tier that completes @tier with exact bytes, or 0:
 * the native field (6.19+) keeps at most syscall_user_buf_size bytes and
 * prints bytes other than printable ASCII and UTF-8 as '.', so where
 * eprobes exist too, an eprobe on the same event reads the whole string.
 */
enum finit_tier finit_tier_exact(const struct finit_probe *p, enum finit_tier tier);

/* finit_group_name - our dynamic event group: prefix with '-' as '_', pid */
void finit_group_name(const char *prefix, int pid, char *buf, size_t len);

/*
 * finit_dynevent_alloc - the (not yet created) eprobe or kprobe event of
 * @tier for @sys on @machine, or NULL (no kprobe ABI for @machine)
 */
struct tracefs_dynevent *finit_dynevent_alloc(enum finit_tier tier, const char *group,
					      const char *machine, int sys);

/*
 * finit_dynevents_create - the eprobe or kprobe events of @tier for the
 * syscalls in @events, in @group, one per syscall (NULL where none).
 * Returns 0, or -1 with the kernel's error_log in @err (all removed).
 */
int finit_dynevents_create(enum finit_tier tier, const char *group, const char *machine,
			   unsigned int events, struct tracefs_dynevent **dyn,
			   char *err, size_t errlen);

/* finit_dynevents_destroy - remove what finit_dynevents_create made */
int finit_dynevents_destroy(struct tracefs_dynevent **dyn);

/* finit_dynevents_reclaim - remove stale groups of dead runs; count or -1 */
int finit_dynevents_reclaim(const char *prefix, FILE *log);

#endif
