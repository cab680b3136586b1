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

#define FINIT_EMIT_JSON_KEYS	10
#define FINIT_EMIT_JSON_TAIL	1024

/*
 * The end of the last cacheable JSON line, from "module" to the end of
 * "origin", and every input it was made of (zeroed: empty). A line is
 * cacheable when it has none of the strings that end shows (module, path,
 * sha256, /proc context, rule, taints): every call of a flood.
 */
struct finit_emit_json_cache {
	int	key[FINIT_EMIT_JSON_KEYS];
	size_t	len;		/* 0: none yet */
	char	text[FINIT_EMIT_JSON_TAIL];
};

/* finit_emit_json_line - one JSON Lines record of @ev (README "Output schema") */
void finit_emit_json_line(struct finit_buf *b, const struct finit_event *ev,
			  const struct finit_emit_view *v);

#endif
