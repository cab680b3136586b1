/* SPDX-License-Identifier: MIT */
/*
 * emit.h - emitters: one finit_event to a text line, a JSON line or a CSV row.
 */
#ifndef FINIT_EMIT_H
#define FINIT_EMIT_H

#include <stdio.h>

#include "config.h"
#include "finit.h"

struct finit_emitter;

/* finit_emit_open - an emitter writing @fmt to @out (not closed by us) */
struct finit_emitter *finit_emit_open(enum finit_format fmt, FILE *out);

/* finit_emit_event - write and flush one event; -1 with errno on failure */
int finit_emit_event(struct finit_emitter *em, const struct finit_event *ev);

void finit_emit_close(struct finit_emitter *em);

/* A growable output buffer, shared by the emitters and `check`. */
struct finit_buf {
	char	*data;
	size_t	len;
	size_t	cap;
	int	oom;
};

void finit_buf_printf(struct finit_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void finit_buf_putc(struct finit_buf *b, char c);
void finit_buf_free(struct finit_buf *b);

/*
 * finit_buf_json_string - a JSON string literal. Control bytes become \u00XX
 * and each byte of invalid UTF-8 becomes \udcXX (Python's surrogateescape),
 * so the original bytes can be recovered exactly. NULL gives null.
 */
void finit_buf_json_string(struct finit_buf *b, const char *s);

/*
 * finit_buf_c_string - the bytes with C escapes (\\ \" \n \t \r \xNN for
 * other control bytes, DEL and invalid UTF-8); valid UTF-8 passes through.
 */
void finit_buf_c_string(struct finit_buf *b, const char *s);

/* finit_buf_csv_field - a CSV field: C escapes, then RFC 4180 quoting */
void finit_buf_csv_field(struct finit_buf *b, const char *s);

/* finit_format_time - RFC 3339 UTC with nanoseconds */
void finit_format_time(long long wall_ns, char *buf, size_t len);

#endif
