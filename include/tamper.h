/* SPDX-License-Identifier: MIT */
/*
 * tamper.h - our instance's settings as they were when tracing was armed:
 * watched for writes while the run lasts (inotify), and read again at the
 * end. Another root process that turned tracing or an event off, even for
 * a moment, changed a filter or resized the buffer made the kernel skip
 * records that no counter shows, so the run says so instead.
 */
#ifndef FINIT_TAMPER_H
#define FINIT_TAMPER_H

#include <stddef.h>

#include "evsel.h"

struct tracefs_instance;
struct finit_tamper;

/*
 * finit_tamper_take - tracing_on, buffer_size_kb and each event's enable
 * and filter of @inst, now; NULL when out of memory
 */
struct finit_tamper *finit_tamper_take(struct tracefs_instance *inst,
				       const struct finit_evsel *ev, int n);

/*
 * finit_tamper_add - the same files of another instance of ours (the
 * protected loads buffer's), said as "INSTANCE/FILE"; -1 when out of memory
 */
int finit_tamper_add(struct finit_tamper *t, struct tracefs_instance *inst,
		     const struct finit_evsel *ev, int n);

/*
 * finit_tamper_check - read them again: how many differ (0: none), the
 * first described in @what ("FILE was 'A', now 'B'")
 */
int finit_tamper_check(const struct finit_tamper *t, char *what, size_t len);

/* finit_tamper_fd - readable when one of the files was written (inotify); -1 if none */
int finit_tamper_fd(const struct finit_tamper *t);

/*
 * finit_tamper_writes - writes to the files since the last call, each one
 * counted; the first to a file not described before is described in @what
 * as "FILE (armed with 'A', reads 'B' now)", else @what is "". 0 if none
 */
int finit_tamper_writes(struct finit_tamper *t, char *what, size_t len);

/* finit_tamper_free - the snapshot (NULL is fine) */
void finit_tamper_free(struct finit_tamper *t);

#endif
