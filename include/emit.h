/* SPDX-License-Identifier: MIT */
/*
 * emit.h - emitters: one finit_event to a text line, a JSON line or a CSV row.
 */
#ifndef FINIT_EMIT_H
#define FINIT_EMIT_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "finit.h"
#include "sink.h"

/*
 * The version of the JSON record (docs/event.schema.json): every record
 * carries it as "schema_version". Bump it with any change to the schema.
 */
#define FINIT_EMIT_SCHEMA_VERSION	"2"

/* The output formats; their names, help and line functions are one table. */
enum finit_format {
	FINIT_FMT_TEXT,
	FINIT_FMT_JSON,
	FINIT_FMT_CSV,
	FINIT_FMT_TRACEE,
	FINIT_FMT_NR,
};

/* finit_emit_format_parse - a format by name; 0, or -1 if there is none */
int finit_emit_format_parse(const char *s, enum finit_format *fmt);

/* finit_emit_format_name - the name of @fmt */
const char *finit_emit_format_name(enum finit_format fmt);

/*
 * finit_emit_format_list - "text, json or csv" into @buf (@check_only: the
 * formats `check` prints, those without a header row)
 */
void finit_emit_format_list(char *buf, size_t len, bool check_only);

/* finit_emit_format_help - "text (one line per call),\njson (...) or\ncsv (...)" */
void finit_emit_format_help(char *buf, size_t len);

/* finit_emit_format_for_check - `check` can print @fmt */
bool finit_emit_format_for_check(enum finit_format fmt);

struct finit_emitter;
struct finit_emit_json_cache;

/* Fields every format shares, derived once per event by the emitter. */
struct finit_emit_view {
	char		time[48];
	const char	*flag_names[8];
	int		nflags;
	char		unknown_flags[24];
	char		ptr[24];	/* the string argument's address */
	char		umod[24];	/* init_module's image address */
	int		has_ret;
	const char	*errname;
	char		taints[16];
	int		fd_arg;		/* args[] index of fd, -1 none */
	int		flags_arg;	/* args[] index of flags, -1 none */
	struct finit_emit_json_cache *json;	/* the emitter's JSON cache */
	/* NULL: the call's names above (flags, ptr, umod, errname) are filled
	 * in; else what fills them (JSON needs them when its cache misses) */
	void		(*call)(const struct finit_event *ev, struct finit_emit_view *v);
};

/*
 * finit_emit_open - an emitter writing @fmt to @sink (not closed by us):
 * each event written and flushed at once, or with @batch in blocks of
 * 64 KiB (then finit_emit_flush at the end).
 */
struct finit_emitter *finit_emit_open(enum finit_format fmt, struct finit_sink *sink,
				      bool batch);

/* finit_emit_event - format one event and write it (or batch it); -1 with errno */
int finit_emit_event(struct finit_emitter *em, const struct finit_event *ev);

/* finit_emit_line - one line of @fmt (no header) appended to @b; -1 out of memory */
int finit_emit_line(enum finit_format fmt, const struct finit_event *ev, struct finit_buf *b);

/* finit_emit_flush - write and flush what is batched; -1 with errno */
int finit_emit_flush(struct finit_emitter *em);

void finit_emit_close(struct finit_emitter *em);

/* finit_emit_time - RFC 3339 UTC with nanoseconds */
void finit_emit_time(long long wall_ns, char *buf, size_t len);

#endif
