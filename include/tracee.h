/* SPDX-License-Identifier: MIT */
/*
 * tracee.h - the Tracee format: one event as Tracee's trace.Event JSON
 * (v0.24), so Tracee's signatures and tools read it where Tracee cannot run.
 */
#ifndef FINIT_TRACEE_H
#define FINIT_TRACEE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "finit.h"

/* finit_tracee_line - @ev as one trace.Event JSON line into @b */
void finit_tracee_line(struct finit_buf *b, const struct finit_event *ev);

/* finit_tracee_murmur3 - MurmurHash3 x86 32-bit of @len bytes with @seed */
uint32_t finit_tracee_murmur3(const unsigned char *data, size_t len, uint32_t seed);

/*
 * finit_tracee_entity_id - Tracee's task id: murmur3 over the big-endian
 * host @tid and @start_ns rounded down to 100 ms; 0 when @start_ns is 0
 */
uint32_t finit_tracee_entity_id(int tid, long long start_ns);

#endif
