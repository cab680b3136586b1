/* SPDX-License-Identifier: MIT */
/*
 * sink-journal.h - the journal sink: each event one journal entry through
 * libsystemd's native protocol (sd_journal_sendv), its fields the text line
 * (MESSAGE), a priority, a MESSAGE_ID per event kind and one FINIT_<KEY>
 * per key of the JSON record (README "journald").
 */
#ifndef FINIT_SINK_JOURNAL_H
#define FINIT_SINK_JOURNAL_H

#include "buf.h"
#include "finit.h"
#include "sink.h"

/* The MESSAGE_ID of the "events were lost" entry. */
#define FINIT_SINK_JOURNAL_LOST_ID	"0cec2dd57ae644acb39978419cfe86f0"

/* finit_sink_journal_open - the sink; NULL when out of memory */
struct finit_sink *finit_sink_journal_open(void);

/*
 * finit_sink_journal_fields - the entry of @ev as "KEY=value" strings one
 * after another, each ended by a NUL, into @out: MESSAGE, PRIORITY,
 * SYSLOG_IDENTIFIER, MESSAGE_ID, then FINIT_<KEY> for each key of the JSON
 * record (the keys of "args" flattened, objects and arrays as JSON, null
 * keys left out). Returns the number of fields, -1 when out of memory.
 */
int finit_sink_journal_fields(const struct finit_event *ev, struct finit_buf *out);

#endif
