/* SPDX-License-Identifier: MIT */
/*
 * context.h - process context of a live event: comm and tgid, from the
 * kernel's saved_cmdlines/saved_tgids first, then from /proc (TOCTOU).
 */
#ifndef FINIT_CONTEXT_H
#define FINIT_CONTEXT_H

#include <stdbool.h>

#include "finit.h"
#include "procfs.h"

struct finit_context;

/* finit_context_alloc - @kernel_tgids: record-tgid is on, saved_tgids is valid */
struct finit_context *finit_context_alloc(bool kernel_tgids);
void finit_context_free(struct finit_context *ctx);

struct tep_handle;

/*
 * finit_context_alloc_offline - context from a trace file: comms from its
 * saved_cmdlines (in @tep), tgids from its saved_tgids text (may be NULL).
 */
struct finit_context *finit_context_alloc_offline(struct tep_handle *tep, const char *tgids);

/*
 * finit_context_fill - set pid, comm and their origins of @ev: /proc while
 * the task lives (both or neither; @procfs: @ev->proc was just read by
 * finit_context_procfs, its tgid is used); for a task gone (or without @procfs),
 * a fresh read of the kernel's saved_cmdlines/saved_tgids, once per tid and
 * round, and of it only the values the task itself wrote: the entry of a
 * pid handed out again keeps the previous holder's values until the new
 * one is saved. Whether a value came after the pid was handed out is told
 * by the kernel's pid clock (ns_last_pid, the task count) around each read;
 * where it cannot tell, the value is unknown, never the predecessor's.
 */
void finit_context_fill(struct finit_context *ctx, struct finit_event *ev, bool procfs);

/*
 * finit_context_preload - read the kernel's tables now (once armed): the
 * baseline a later value is judged against, and the first event need not
 * wait for them (~10 ms with 18 k entries)
 */
void finit_context_preload(struct finit_context *ctx);

/*
 * finit_context_settle - wait up to @ms for @tids to exit, then read the
 * kernel's tables once: the kernel saves a task's comm (and tgid) when it
 * is next switched out, which can be after its last record was read. What
 * the tasks themselves wrote is appended to @comms ("tid comm" lines) and
 * @tgids ("tid tgid" lines).
 */
struct finit_buf;
void finit_context_settle(struct finit_context *ctx, const int *tids, int n, int ms,
			  struct finit_buf *comms, struct finit_buf *tgids);

/*
 * finit_context_strings - the user string of an enter record into @ev
 * (param_values, or delete_module's name as module): the kernel's copy when
 * the record has it; else, or when the kernel's copy faulted or was cut and
 * @live, /proc/TID/mem (TOCTOU); else null with the reason.
 */
void finit_context_strings(struct finit_event *ev, const struct finit_record *r, bool live);

/*
 * finit_context_recorded_comm - the comm our eprobe/kprobe recorded at the
 * call (NULL or "": none) replaces what the tables or /proc said later
 */
void finit_context_recorded_comm(struct finit_event *ev, const char *comm);

/*
 * finit_context_exact - the exact string of an eprobe beside the native
 * field replaces what the enter record of @ev (may be NULL) carried, unless
 * it faulted or belongs to another syscall
 */
void finit_context_exact(struct finit_event *ev, const struct finit_record *r);

/*
 * finit_context_procfs - path (and sha256 with @hash) and process context,
 * live; @ids: also the namespaces, cgroup id and start times (Tracee format)
 */
void finit_context_procfs(struct finit_event *ev, bool hash, bool ids);

#endif
