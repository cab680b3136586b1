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

	size_t i = 0;

	finit_buf_putn(b, KEY("raw_b64"));
	/* the common case, at once: no string but an ASCII comm */
	while (ev->comm[i] > 0 && ev->comm[i] < 0x7f)
		i++;
	if (!ev->comm[i] && !ev->param_values && !ev->module && !ev->path && !ev->proc.exe &&
	    !ev->proc.cgroup) {
		finit_buf_puts(b, "{}");
		return;
	}
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

/* piece_fn - builds one cacheable piece of a line */
typedef void (*piece_fn)(struct finit_buf *b, const struct finit_event *ev,
			 const struct finit_emit_view *v);

/*
 * cached - @build's piece, copied from @c when @key (@n bytes: every input
 * the piece shows) is the one it was made of; else built and kept there
 */
static void cached(struct finit_buf *b, const struct finit_event *ev,
		   const struct finit_emit_view *v, struct finit_emit_json_piece *c,
		   const void *key, size_t n, piece_fn build)
{
	size_t start = b->len;

	if (c->len && !memcmp(key, c->key, n)) {
		finit_buf_putn(b, c->text, c->len);
		return;
	}
	build(b, ev, v);
	c->len = 0;
	if (b->oom || b->len - start > sizeof(c->text) || n > sizeof(c->key))
		return;
	memcpy(c->text, b->data + start, b->len - start);
	memcpy(c->key, key, n);
	c->len = b->len - start;
}

/*
 * tail - json_tail, cached when @ev has none of its strings and no /proc
 * context: then every other field it shows is null or made of these
 */
static void tail(struct finit_buf *b, const struct finit_event *ev,
		 const struct finit_emit_view *v)
{
	const struct finit_proc *p = &ev->proc;
	const int key[] = {
		ev->sys, ev->truncated, ev->origin_pid, ev->origin_comm, ev->origin_ret,
		ev->origin_str, ev->origin_module, ev->origin_path, ev->origin_context,
		ev->verdict, (int)p->auid, (int)p->sessionid,	/* (shown if the origin
								 * says procfs) */
	};

	if (!v->json || ev->module || ev->has_taints || ev->path || ev->sha256 || ev->rule ||
	    p->valid || p->exe || p->cgroup || p->container_id)
		json_tail(b, ev, v);
	else
		cached(b, ev, v, &v->json->tail, key, sizeof(key), json_tail);
}

/* json_mid - "event" to "errno": the call itself */
static void json_mid(struct finit_buf *b, const struct finit_event *ev,
		     const struct finit_emit_view *lazy)
{
	const struct finit_emit_view *v = lazy;
	struct finit_emit_view full;

	if (lazy->call) {
		full = *lazy;
		lazy->call(ev, &full);
		v = &full;
	}
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
}

/*
 * mid - json_mid, cached when the call has no string argument: then it
 * is made of these (the view's names and addresses come from the args)
 */
static void mid(struct finit_buf *b, const struct finit_event *ev,
		const struct finit_emit_view *v)
{
	const long long nums[] = {
		(long long)ev->args[0], (long long)ev->args[1], (long long)ev->args[2],
		ev->ret, ev->sys, ev->pid, ev->tid, ev->compat, ev->origin_ret,
	};
	unsigned char key[sizeof(nums) + sizeof(ev->comm)];

	if (!v->json || ev->param_values || ev->module) {
		json_mid(b, ev, v);
		return;
	}
	memcpy(key, nums, sizeof(nums));
	memcpy(key + sizeof(nums), ev->comm, sizeof(ev->comm));
	cached(b, ev, v, &v->json->mid, key, sizeof(key), json_mid);
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
	mid(b, ev, v);
	tail(b, ev, v);
	json_raw(b, ev);
	finit_buf_puts(b, "}\n");
}
