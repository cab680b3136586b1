/* SPDX-License-Identifier: MIT */
/*
 * emit-json.h - the JSON Lines format, and the cache that makes a flood's
 * lines cheap.
 */
#ifndef FINIT_EMIT_JSON_H
#define FINIT_EMIT_JSON_H

#include "buf.h"
#include "emit.h"
#include "finit.h"

#define FINIT_EMIT_JSON_KEY	128
#define FINIT_EMIT_JSON_TEXT	1024

/* A piece of the last cacheable JSON line, and every input it was made of. */
struct finit_emit_json_piece {
	unsigned char	key[FINIT_EMIT_JSON_KEY];
	size_t		len;		/* 0: none yet */
	char		text[FINIT_EMIT_JSON_TEXT];
};

/*
 * What a flood's lines repeat (zeroed: empty): "event" to "errno" while
 * the call has no string argument, and "module" to "origin" while it has
 * none of the strings that part shows (module, path, sha256, /proc
 * context, rule, taints). Each is used again only when every input it
 * shows is the same.
 */
struct finit_emit_json_cache {
	struct finit_emit_json_piece	mid;
	struct finit_emit_json_piece	tail;
};

/* finit_emit_json_line - one JSON Lines record of @ev (README "Output schema") */
void finit_emit_json_line(struct finit_buf *b, const struct finit_event *ev,
			  const struct finit_emit_view *v);

#endif
