/* SPDX-License-Identifier: MIT */
/*
 * event.h - the life of a finit_event (finit.h): made from a record, its
 * strings owned by it until released.
 */
#ifndef FINIT_EVENT_H
#define FINIT_EVENT_H

#include "finit.h"

/*
 * finit_event_init - a new event from an enter record; @clock_offset_ns maps
 * the trace clock to CLOCK_REALTIME. Context fields start unknown.
 */
void finit_event_init(struct finit_event *ev, const struct finit_record *r,
		      long long clock_offset_ns);

/* finit_event_release - free the strings an event owns */
void finit_event_release(struct finit_event *ev);

/*
 * finit_event_disown - NULL the strings of @ev without freeing them: a copy
 * of it owns them now
 */
void finit_event_disown(struct finit_event *ev);

#endif
