// SPDX-License-Identifier: MIT
/*
 * emit-policy.c - the identity fields and the policy's verdict in JSON,
 * text and CSV (emit.c calls these where the fields go).
 */
#define _GNU_SOURCE
#include <stdio.h>

#include "emit-policy.h"

#define CAPS_MAX	64

/* Identity of the caller, with what the output shows for each. */
struct ident {
	bool			euid, auid, sessionid, caps;	/* known */
	enum finit_origin	o_euid, o_auid, o_sessionid;	/* origins */
	const char		*cap[CAPS_MAX];
	char			spare[CAPS_MAX][16];
	int			ncaps;
};

/* audit_id - known, and its origin: unset (4294967295), unread, or /proc */
static bool audit_id(const struct finit_proc *p, bool has, unsigned int v,
		     enum finit_origin ctx, enum finit_origin *o)
{
	*o = !p->valid ? ctx : !has ? FINIT_ORIGIN_NONE :
	     v == FINIT_ID_UNSET ? FINIT_ORIGIN_UNSET : FINIT_ORIGIN_PROCFS;
	return *o == FINIT_ORIGIN_PROCFS;
}

/* ident - what the event's /proc context says about the caller's identity */
static void ident(const struct finit_event *ev, struct ident *id)
{
	const struct finit_proc *p = &ev->proc;
	enum finit_origin ctx = p->valid ? FINIT_ORIGIN_PROCFS : ev->origin_context;

	id->euid = id->caps = p->valid;
	id->o_euid = ctx;
	id->auid = audit_id(p, p->has_auid, p->auid, ctx, &id->o_auid);
	id->sessionid = audit_id(p, p->has_sessionid, p->sessionid, ctx, &id->o_sessionid);
	id->ncaps = p->valid ? finit_names_caps(p->cap_eff, id->cap, CAPS_MAX, id->spare) : 0;
}

/* json_id - ,"key":N or null */
static void json_id(struct finit_buf *b, const char *key, bool known, unsigned long long v)
{
	finit_buf_printf(b, ",\"%s\":", key);
	if (known)
		finit_buf_uint(b, v);
	else
		finit_buf_puts(b, "null");
}

/* finit_emit_policy_json - identity, then verdict and rule */
void finit_emit_policy_json(struct finit_buf *b, const struct finit_event *ev)
{
	struct ident id;

	ident(ev, &id);
	json_id(b, "euid", id.euid, (unsigned long long)ev->proc.euid);
	json_id(b, "auid", id.auid, ev->proc.auid);
	json_id(b, "sessionid", id.sessionid, ev->proc.sessionid);
	finit_buf_puts(b, ",\"cap_effective\":");
	if (id.caps) {
		finit_buf_putc(b, '[');
		for (int i = 0; i < id.ncaps; i++) {
			if (i)
				finit_buf_putc(b, ',');
			finit_buf_json_string(b, id.cap[i]);
		}
		finit_buf_putc(b, ']');
	} else {
		finit_buf_puts(b, "null");
	}
	finit_buf_puts(b, ",\"verdict\":");
	finit_buf_json_string(b, finit_names_verdict(ev->verdict));
	finit_buf_puts(b, ",\"rule\":");
	finit_buf_json_string(b, ev->rule);
}

/* finit_emit_policy_origin - where each identity field came from */
void finit_emit_policy_origin(struct finit_buf *b, const struct finit_event *ev)
{
	struct ident id;

	ident(ev, &id);
	finit_buf_printf(b, ",\"euid\":\"%s\",\"auid\":\"%s\",\"sessionid\":\"%s\","
			 "\"cap_effective\":\"%s\"", finit_names_origin(id.o_euid),
			 finit_names_origin(id.o_auid), finit_names_origin(id.o_sessionid),
			 finit_names_origin(id.o_euid));
}

/* finit_emit_policy_text - the verdict at the end of the line */
void finit_emit_policy_text(struct finit_buf *b, const struct finit_event *ev)
{
	if (ev->verdict == FINIT_VERDICT_NONE)
		return;
	finit_buf_printf(b, " verdict=%s rule=", finit_names_verdict(ev->verdict));
	finit_buf_c_string(b, ev->rule ? ev->rule : "?");
}

/* csv_id - ,N or an empty field */
static void csv_id(struct finit_buf *b, bool known, unsigned long long v)
{
	finit_buf_putc(b, ',');
	if (known)
		finit_buf_uint(b, v);
}

/* finit_emit_policy_csv - identity, caps joined with |, verdict, rule */
void finit_emit_policy_csv(struct finit_buf *b, const struct finit_event *ev)
{
	struct ident id;

	ident(ev, &id);
	csv_id(b, id.euid, (unsigned long long)ev->proc.euid);
	csv_id(b, id.auid, ev->proc.auid);
	csv_id(b, id.sessionid, ev->proc.sessionid);
	finit_buf_putc(b, ',');
	for (int i = 0; i < id.ncaps; i++)
		finit_buf_printf(b, "%s%s", i ? "|" : "", id.cap[i]);
	finit_buf_putc(b, ',');
	if (ev->verdict != FINIT_VERDICT_NONE)
		finit_buf_puts(b, finit_names_verdict(ev->verdict));
	finit_buf_putc(b, ',');
	finit_buf_csv_field(b, ev->rule);
}
