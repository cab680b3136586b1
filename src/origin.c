// SPDX-License-Identifier: MIT
/*
 * origin.c - the "origin" object: one key per field, the source of its value
 * (kernel, procfs, unavailable, ...; README "Output schema").
 */
#include "origin.h"

/* finit_origin_of - each field's origin, keys in the README's order */
void finit_origin_of(const struct finit_event *ev, enum finit_origin o[FINIT_ORIGIN_FIELDS])
{
	const struct finit_proc *p = &ev->proc;

	o[0] = ev->origin_pid;
	o[1] = FINIT_ORIGIN_KERNEL;
	o[2] = ev->origin_comm;
	o[3] = FINIT_ORIGIN_KERNEL;
	o[4] = ev->sys == FINIT_SYS_DELETE_MODULE ? FINIT_ORIGIN_NONE : ev->origin_str;
	o[5] = ev->origin_ret;
	o[6] = ev->origin_module;
	o[7] = ev->origin_path;
	o[8] = ev->sha256 || ev->origin_path == FINIT_ORIGIN_OFFLINE ? ev->origin_path :
	       FINIT_ORIGIN_NONE;
	o[9] = p->valid ? FINIT_ORIGIN_PROCFS : ev->origin_context;
}

/* finit_origin_json - the object, "key":"origin" for each field */
void finit_origin_json(struct finit_buf *b, const struct finit_event *ev)
{
	static const char *const keys[FINIT_ORIGIN_FIELDS] = {
		"pid", "tid", "comm", "args", "param_values", "ret", "module", "path", "sha256",
		"context",
	};
	enum finit_origin o[FINIT_ORIGIN_FIELDS];

	finit_origin_of(ev, o);
	for (int i = 0; i < FINIT_ORIGIN_FIELDS; i++) {
		finit_buf_puts(b, i ? ",\"" : "{\"");
		finit_buf_puts(b, keys[i]);
		finit_buf_puts(b, "\":");
		finit_buf_json_string(b, finit_names_origin(o[i]));
	}
	finit_buf_putc(b, '}');
}
