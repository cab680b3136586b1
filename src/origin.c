// SPDX-License-Identifier: MIT
/*
 * origin.c - the "origin" object: one key per field, the source of its value
 * (kernel, procfs, unavailable, ...; README "Output schema").
 */
#include "emit-policy.h"
#include "origin.h"

/* put - "key":"origin", with a comma before all but the first */
static void put(struct finit_buf *b, const char *key, enum finit_origin o, bool first)
{
	finit_buf_puts(b, first ? "\"" : ",\"");
	finit_buf_puts(b, key);
	finit_buf_puts(b, "\":");
	finit_buf_json_string(b, finit_names_origin(o));
}

/* finit_origin_json - the object, keys in the README's order */
void finit_origin_json(struct finit_buf *b, const struct finit_event *ev)
{
	const struct finit_proc *p = &ev->proc;

	finit_buf_putc(b, '{');
	put(b, "pid", ev->origin_pid, true);
	put(b, "tid", FINIT_ORIGIN_KERNEL, false);
	put(b, "comm", ev->origin_comm, false);
	put(b, "args", FINIT_ORIGIN_KERNEL, false);
	put(b, "param_values", ev->sys == FINIT_SYS_DELETE_MODULE ? FINIT_ORIGIN_NONE :
	    ev->origin_str, false);
	put(b, "ret", ev->origin_ret, false);
	put(b, "module", ev->origin_module, false);
	put(b, "path", ev->origin_path, false);
	put(b, "sha256", ev->sha256 || ev->origin_path == FINIT_ORIGIN_OFFLINE ?
	    ev->origin_path : FINIT_ORIGIN_NONE, false);
	put(b, "context", p->valid ? FINIT_ORIGIN_PROCFS : ev->origin_context, false);
	finit_emit_policy_origin(b, ev);
	finit_buf_putc(b, '}');
}
