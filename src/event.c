// SPDX-License-Identifier: MIT
/*
 * event.c - a finit_event's life: made from an enter record, its strings
 * owned until released.
 */
#include <stdlib.h>
#include <string.h>

#include "event.h"

/* finit_event_init - a new event from a record; context fields start unknown */
void finit_event_init(struct finit_event *ev, const struct finit_record *r,
		      long long clock_offset_ns)
{
	memset(ev, 0, sizeof(*ev));
	ev->sys = r->sys;
	ev->ts = r->ts;
	/* unsigned: a damaged file's timestamp must not overflow */
	ev->wall_ns = (long long)(r->ts + (unsigned long long)clock_offset_ns);
	ev->cpu = r->cpu;
	ev->tid = r->tid;
	ev->pid = -1;
	ev->compat = r->compat;
	memcpy(ev->args, r->args, sizeof(ev->args));
}

/* finit_event_disown - forget the strings (their new owner has a copy of @ev) */
void finit_event_disown(struct finit_event *ev)
{
	ev->param_values = ev->module = ev->path = ev->sha256 = NULL;
	ev->proc.exe = ev->proc.cgroup = ev->proc.container_id = NULL;
}

/* finit_event_release - free the strings an event owns */
void finit_event_release(struct finit_event *ev)
{
	char **owned[] = {
		&ev->param_values, &ev->module, &ev->path, &ev->sha256,
		&ev->proc.exe, &ev->proc.cgroup, &ev->proc.container_id,
	};

	/* most calls own none: no call to free() then */
	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++) {
		if (*owned[i]) {
			free(*owned[i]);
			*owned[i] = NULL;
		}
	}
}
