// SPDX-License-Identifier: MIT
/*
 * emit-json.c - the JSON Lines format (README "Output schema"). The end of
 * a line, from "module" to "origin", is built once and copied while the
 * calls repeat it (a flood): keyed by every input it shows.
 */
#include <string.h>

#include "emit-json.h"
#include "emit-policy.h"
#include "origin.h"

/* KEY - the literal ,"name": (and its length) that precedes a value */
#define KEY(name)	",\"" name "\":", sizeof(",\"" name "\":") - 1

/* json_int - "key":N, or null when @known is false */
static void json_int(struct finit_buf *b, const char *key, size_t klen, long long v,
		     bool known)
{
	finit_buf_putn(b, key, klen);
	if (known)
		finit_buf_int(b, v);
	else
		finit_buf_puts(b, "null");
}

/* json_str - "key":"string" or null */
static void json_str(struct finit_buf *b, const char *key, size_t klen, const char *v)
{
	finit_buf_putn(b, key, klen);
	finit_buf_json_string(b, v);
}

/* json_bool - "key":true or false */
static void json_bool(struct finit_buf *b, const char *key, size_t klen, bool v)
{
	finit_buf_putn(b, key, klen);
	finit_buf_puts(b, v ? "true" : "false");
}

/* json_args - the "args" object: each syscall's own arguments */
static void json_args(struct finit_buf *b, const struct finit_event *ev,
		      const struct finit_emit_view *v)
{
	switch (ev->sys) {
	case FINIT_SYS_FINIT_MODULE:
		finit_buf_puts(b, "{\"fd\":");
		finit_buf_int(b, (long long)ev->args[0]);
		json_str(b, KEY("param_values"), ev->param_values);
		finit_buf_putn(b, KEY("flags"));
		finit_buf_uint(b, ev->args[2]);
		finit_buf_putc(b, '}');
		break;
	case FINIT_SYS_INIT_MODULE:
		finit_buf_puts(b, "{\"umod\":\"");
		finit_buf_puts(b, v->umod);
		finit_buf_puts(b, "\",\"len\":");
		finit_buf_uint(b, ev->args[1]);
		json_str(b, KEY("param_values"), ev->param_values);
		finit_buf_putc(b, '}');
		break;
	case FINIT_SYS_DELETE_MODULE:
		finit_buf_puts(b, "{\"name\":");
		finit_buf_json_string(b, ev->module);
		finit_buf_putn(b, KEY("flags"));
		finit_buf_uint(b, ev->args[1]);
		finit_buf_putc(b, '}');
		break;
	default:
		finit_buf_puts(b, "{}");
	}
}

/*
 * json_raw - "raw_b64": the exact bytes of each string from the caller or
 * the kernel that JSON could not carry (invalid UTF-8), by its key's name
 */
static void json_raw(struct finit_buf *b, const struct finit_event *ev)
{
	static const char *const keys[] = {
		"comm", "param_values", "name", "module", "path", "exe", "cgroup",
	};
	bool del = ev->sys == FINIT_SYS_DELETE_MODULE;
	bool params = ev->sys == FINIT_SYS_FINIT_MODULE || ev->sys == FINIT_SYS_INIT_MODULE;
	/* the strings json_args and finit_emit_json_line print, no other */
	const char *strs[] = {
		ev->comm, params ? ev->param_values : NULL, del ? ev->module : NULL,
		ev->module, ev->path, ev->proc.exe, ev->proc.cgroup,
	};

	finit_buf_putn(b, KEY("raw_b64"));
	finit_buf_json_raw(b, keys, strs, sizeof(keys) / sizeof(keys[0]));
}

/* json_tail - "module" to the end of "origin", built */
static void json_tail(struct finit_buf *b, const struct finit_event *ev,
		      const struct finit_emit_view *v)
{
	const struct finit_proc *p = &ev->proc;

	json_str(b, KEY("module"), ev->module);
	json_str(b, KEY("taints"), ev->has_taints ? v->taints : NULL);
	json_str(b, KEY("path"), ev->path);
	json_str(b, KEY("sha256"), ev->sha256);
	json_bool(b, KEY("truncated"), ev->truncated);
	json_int(b, KEY("ppid"), p->ppid, p->valid);
	json_int(b, KEY("uid"), p->uid, p->valid);
	json_int(b, KEY("gid"), p->gid, p->valid);
	json_str(b, KEY("exe"), p->exe);
	json_str(b, KEY("cgroup"), p->cgroup);
	json_str(b, KEY("container_id"), p->container_id);
	finit_emit_policy_json(b, ev);
	finit_buf_putn(b, KEY("origin"));
	finit_origin_json(b, ev);
}

/*
 * tail_key - the inputs of json_tail when @ev has none of its strings
 * and no /proc context (then every other field it reads is null or
 * derived from these); false when the tail is not cacheable
 */
static bool tail_key(const struct finit_event *ev, int key[FINIT_EMIT_JSON_KEYS])
{
	const struct finit_proc *p = &ev->proc;
	const int k[FINIT_EMIT_JSON_KEYS] = {
		ev->sys, ev->truncated, ev->origin_pid, ev->origin_comm, ev->origin_ret,
		ev->origin_str, ev->origin_module, ev->origin_path, ev->origin_context,
		ev->verdict,
	};

	if (ev->module || ev->has_taints || ev->path || ev->sha256 || ev->rule ||
	    p->valid || p->exe || p->cgroup || p->container_id)
		return false;
	memcpy(key, k, sizeof(k));
	return true;
}

/* cached_tail - json_tail, copied from @c when its key is @ev's, else kept there */
static void cached_tail(struct finit_buf *b, const struct finit_event *ev,
			const struct finit_emit_view *v, struct finit_emit_json_cache *c)
{
	int key[FINIT_EMIT_JSON_KEYS];
	size_t start = b->len;

	if (!c || !tail_key(ev, key)) {
		json_tail(b, ev, v);
		return;
	}
	if (c->len && !memcmp(key, c->key, sizeof(key))) {
		finit_buf_putn(b, c->text, c->len);
		return;
	}
	json_tail(b, ev, v);
	c->len = 0;
	if (b->oom || b->len - start > sizeof(c->text))
		return;
	memcpy(c->text, b->data + start, b->len - start);
	memcpy(c->key, key, sizeof(key));
	c->len = b->len - start;
}

/* finit_emit_json_line - one JSON Lines record (schema in README) */
void finit_emit_json_line(struct finit_buf *b, const struct finit_event *ev,
			  const struct finit_emit_view *v)
{
	finit_buf_puts(b, "{\"schema_version\":" FINIT_EMIT_SCHEMA_VERSION ",\"time\":\"");
	finit_buf_puts(b, v->time);
	finit_buf_putc(b, '"');
	finit_buf_putn(b, KEY("ts_ns"));
	finit_buf_uint(b, ev->ts);
	json_int(b, KEY("cpu"), ev->cpu, true);
	json_str(b, KEY("event"), finit_names_syscall(ev->sys));
	json_int(b, KEY("pid"), ev->pid, ev->pid >= 0);
	json_int(b, KEY("tid"), ev->tid, true);
	json_str(b, KEY("comm"), ev->comm[0] ? ev->comm : NULL);
	json_bool(b, KEY("compat"), ev->compat);
	finit_buf_putn(b, KEY("args"));
	json_args(b, ev, v);
	finit_buf_putn(b, KEY("flags_names"));
	finit_buf_putc(b, '[');
	for (int i = 0; i < v->nflags; i++) {
		if (i)
			finit_buf_putc(b, ',');
		finit_buf_json_string(b, v->flag_names[i]);
	}
	finit_buf_putc(b, ']');
	json_str(b, KEY("uargs_ptr"), v->ptr[0] ? v->ptr : NULL);
	json_int(b, KEY("ret"), ev->ret, v->has_ret);
	json_str(b, KEY("errno"), v->errname);
	cached_tail(b, ev, v, v->json);
	json_raw(b, ev);
	finit_buf_puts(b, "}\n");
}
