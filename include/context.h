/* SPDX-License-Identifier: MIT */
/*
 * context.h - process context of a live event: comm and tgid, from the
 * kernel's saved_cmdlines/saved_tgids first, then from /proc (TOCTOU).
 */
#ifndef FINIT_CONTEXT_H
#define FINIT_CONTEXT_H

#include <stdbool.h>

#include "finit.h"

struct finit_context;

/* finit_context_alloc - @kernel_tgids: record-tgid is on, saved_tgids is valid */
struct finit_context *finit_context_alloc(bool kernel_tgids);
void finit_context_free(struct finit_context *ctx);

/* finit_context_fill - set pid, comm and their origins of @ev */
void finit_context_fill(struct finit_context *ctx, struct finit_event *ev);

/* finit_context_expire - forget cached tables (call once per read round) */
void finit_context_expire(struct finit_context *ctx);

/* finit_procfs_comm - /proc/TID/comm into @buf; 0 or -1 */
int finit_procfs_comm(int tid, char *buf, size_t len);

/* finit_procfs_tgid - Tgid from /proc/TID/status, -1 if gone */
int finit_procfs_tgid(int tid);

#endif
