/* SPDX-License-Identifier: MIT */
/*
 * tiers.h - the string tiers (enum finit_tier in finit.h) and our dynamic
 * events: eprobes and kprobes, created in a group of our own. Tiers 2 and
 * 3 read the strings in the kernel; the ia32 kprobes catch 32-bit callers,
 * whom the syscalls events never show.
 */
#ifndef FINIT_TIERS_H
#define FINIT_TIERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "finit.h"

struct tracefs_dynevent;

/* Our dynamic events by kind, each named by a prefix and the syscall. */
enum finit_probe_kind {
	FINIT_PROBE_EPROBE,	/* "<sys>": eprobe on syscalls:sys_enter_<sys> */
	FINIT_PROBE_KPROBE,	/* "kp_<sys>": kprobe on the 64-bit syscall wrapper */
	FINIT_PROBE_COMPAT,	/* "kp32_<sys>": kprobe on the 32-bit entry point */
	FINIT_PROBE_COMPAT_RET,	/* "kr32_<sys>": kretprobe there, for ret */
	FINIT_PROBE_KRET,	/* "kr_<sys>": kretprobe on the 64-bit wrapper (kprobe path) */
	FINIT_PROBE_NR,
};

/* The dynamic events of a session: [kind][syscall], NULL where none. */
typedef struct tracefs_dynevent *finit_dynset[FINIT_PROBE_NR][FINIT_SYS_NR];

/* finit_tiers_name - "native", "eprobe", "kprobe", "procfs" ("none" for 0) */
const char *finit_tiers_name(enum finit_tier tier);

/* finit_tiers_kind_name - "eprobe", "kprobe", "compat-kprobe", "compat-kretprobe" */
const char *finit_tiers_kind_name(enum finit_probe_kind kind);

/* finit_tiers_event_name - the event name of @kind for @sys ("kp_finit_module") */
void finit_tiers_event_name(enum finit_probe_kind kind, int sys, char *buf, size_t len);

/*
 * finit_tiers_parse_name - the kind and syscall of one of our event names;
 * false if @name is none of ours
 */
bool finit_tiers_parse_name(const char *name, enum finit_probe_kind *kind, int *sys);

/* finit_tiers_available - @kind can be made for @machine with these features */
bool finit_tiers_available(enum finit_probe_kind kind, const char *machine,
				bool eprobe, bool kprobe);

/* finit_tiers_group_name - our dynamic event group: prefix with '-' as '_', pid */
void finit_tiers_group_name(const char *prefix, int pid, char *buf, size_t len);

/*
 * finit_tiers_alloc - the (not yet created) event of @kind for @sys on
 * @machine, or NULL (no kprobe ABI known for @machine)
 */
struct tracefs_dynevent *finit_tiers_alloc(enum finit_probe_kind kind, const char *group,
					      const char *machine, int sys);

/*
 * finit_tiers_create - the events of @kind for the syscalls in @events,
 * in @group, into @set[kind]. Returns 0, or -1 with the kernel's error_log
 * in @err (the events of @kind made so far removed).
 */
int finit_tiers_create(enum finit_probe_kind kind, const char *group, const char *machine,
			   unsigned int events, finit_dynset set, char *err, size_t errlen);

/* finit_tiers_destroy_kind - remove the events of @kind; -1 if one stays */
int finit_tiers_destroy_kind(finit_dynset set, enum finit_probe_kind kind);

/* finit_tiers_destroy - remove every event of @set */
int finit_tiers_destroy(finit_dynset set);

#endif
