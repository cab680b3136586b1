/* SPDX-License-Identifier: MIT */
/*
 * emit-json.h - one event as a JSON Lines record (the schema is in
 * README): strict JSON that every parser takes, and a raw_b64 object with
 * the exact bytes of each string that is not valid UTF-8.
 */
#ifndef FINIT_EMIT_JSON_H
#define FINIT_EMIT_JSON_H

#include <stddef.h>

#include "buf.h"
#include "finit.h"
#include "origin.h"

/*
 * The end of a JSON line from "module" to the end of "origin" (origin.c),
 * and what it was made of: while calls carry no module, path or context
 * (every call of a flood), the next line takes it as it is.
 */
struct finit_emit_json_cache {
	long	key[FINIT_ORIGIN_FIELDS + 1];	/* the origins, and "a flood's call" */
	size_t	len;		/* 0: none yet */
	char	text[512];
};

/* The fields every format shows that emit.c derives from an event, once. */
struct finit_emit_view {
	char				time[48];
	const char			*flag_names[8];
	int				nflags;
	char				unknown_flags[24];
	char				ptr[24];	/* the string argument's address */
	char				umod[24];	/* init_module's image address */
	int				has_ret;
	const char			*errname;
	char				taints[16];
	int				fd_arg;		/* args[] index of fd, -1 none */
	int				flags_arg;	/* args[] index of flags, -1 none */
	struct finit_emit_json_cache	*json;		/* the emitter's */
};

/* finit_emit_json_line - @ev as one JSON line, its newline too, appended to @b */
void finit_emit_json_line(struct finit_buf *b, const struct finit_event *ev,
			  const struct finit_emit_view *v);

#endif
