// SPDX-License-Identifier: MIT
/*
 * decoder.c - turn tep_records of the syscalls or raw_syscalls events into
 * normalized finit_records. Both capture paths give identical records.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "decoder.h"
#include "field.h"
#include "userfilter.h"
#include "log.h"
#include "tiers.h"

/*
 * raw_syscalls records do not say which ABI a task uses: a compat number is
 * only usable where the native table leaves it unused. 32-bit finit_module
 * (x86 350, arm 379) is; 32-bit init_module and delete_module (128, 129) are
 * not: natively they are rt_sigtimedwait/rt_sigqueueinfo (x86_64) and
 * restart_syscall/kill (arm64).
 */
static const struct finit_sysnr sysnr_tables[] = {
	/* arch/x86/entry/syscalls/syscall_64.tbl and syscall_32.tbl */
	{ "x86_64",  { 313, 175, 176 }, { 350, -1, -1 } },
	/* include/uapi/asm-generic/unistd.h; compat is arch/arm/tools/syscall.tbl */
	{ "aarch64", { 273, 105, 106 }, { 379, -1, -1 } },
	{ "riscv64", { 273, 105, 106 }, { -1, -1, -1 } },
};

const struct finit_sysnr *finit_decoder_sysnr(const char *machine)
{
	for (size_t i = 0; i < sizeof(sysnr_tables) / sizeof(sysnr_tables[0]); i++)
		if (!strcmp(sysnr_tables[i].machine, machine))
			return &sysnr_tables[i];
	return NULL;
}

/*
 * How each syscall appears: the syscalls events, and our dynamic events
 * (tiers.c), which keep the syscall's names for its numeric arguments.
 */
static const struct {
	const char	*enter;			/* syscalls:<enter> */
	const char	*exit;
	const char	*args[3];		/* numeric fields, finit_record order,
						 * in both kinds of event */
	const char	*native_str;		/* 6.19+: the string in the event */
	const char	*dyn_str;		/* the string in our eprobe/kprobe */
} syscall_events[FINIT_SYS_NR] = {
	[FINIT_SYS_FINIT_MODULE] = {
		"sys_enter_finit_module", "sys_exit_finit_module",
		{ "fd", "uargs", "flags" }, "__uargs_val", "params",
	},
	[FINIT_SYS_INIT_MODULE] = {
		"sys_enter_init_module", "sys_exit_init_module",
		{ "umod", "len", "uargs" }, "__uargs_val", "params",
	},
	[FINIT_SYS_DELETE_MODULE] = {
		"sys_enter_delete_module", "sys_exit_delete_module",
		{ "name_user", "flags", NULL }, "__name_user_val", "name",
	},
};

/* Which arguments are C ints: the kernel stores whole registers for them. */
enum arg_kind { ARG_LONG, ARG_INT, ARG_UINT, ARG_NONE };
static const enum arg_kind arg_kinds[FINIT_SYS_NR][3] = {
	[FINIT_SYS_FINIT_MODULE] = { ARG_INT, ARG_LONG, ARG_UINT },
	[FINIT_SYS_INIT_MODULE] = { ARG_LONG, ARG_LONG, ARG_LONG },
	[FINIT_SYS_DELETE_MODULE] = { ARG_LONG, ARG_UINT, ARG_NONE },
};

enum src_type {
	SRC_ENTER,		/* syscalls:sys_enter_* or our dynamic event */
	SRC_STRING,		/* our eprobe beside a native enter (exact string) */
	SRC_EXIT,		/* syscalls:sys_exit_* */
	SRC_RAW_ENTER,
	SRC_RAW_EXIT,
	SRC_MODULE_LOAD,
	SRC_MODULE_FREE,
};

/* One event the decoder understands, with its fields looked up once. */
struct src {
	int			id;
	enum src_type		type;
	enum finit_syscall	sys;
	bool			native;		/* str is the sanitized 6.19+ field */
	bool			compat;		/* our ia32 kprobe: a 32-bit caller */
	enum finit_tier		tier;		/* which tier str belongs to */
	struct tep_format_field	*args[3];
	struct tep_format_field	*str;
	struct tep_format_field	*comm;		/* our probes: "caller", the comm */
	struct tep_format_field	*num;		/* ret, raw id, or taints */
	struct tep_format_field	*raw_args;	/* raw_syscalls: args[6] */
	int			min_size;	/* a record shorter than this is damaged */
};

#define MAX_SRCS	32	/* >= FINIT_MAX_EVENTS, and the self-test's candidates */

struct finit_decoder {
	struct tep_handle		*tep;
	const struct finit_sysnr	*sysnr;
	struct src			srcs[MAX_SRCS];
	int				nsrcs;
	int				user_buf_size;
	struct finit_userfilter		*uf;		/* user-space filter, or NULL */
	struct finit_field		fl;		/* how the numbers are read */
	bool				common;		/* the common fields were found */
};

/* add_src - one more event; NULL when the table is full */
static struct src *add_src(struct finit_decoder *dec, struct tep_event *ev,
			   enum src_type type, int sys)
{
	struct src *s;

	if (dec->nsrcs == MAX_SRCS) {
		finit_log(FINIT_LOG_ERROR, "the decoder's table is full: %s:%s is not decoded",
			  ev->system, ev->name);
		return NULL;
	}
	s = &dec->srcs[dec->nsrcs++];
	memset(s, 0, sizeof(*s));
	s->id = ev->id;
	s->type = type;
	s->sys = sys;
	return s;
}

/* add_enter - an enter event with the named numeric fields and string */
static struct src *add_enter(struct finit_decoder *dec, struct tep_event *ev, int sys,
			     const char *const *args, const char *str, bool native)
{
	struct tep_format_field *f[3] = { NULL };
	struct src *s;

	for (int a = 0; a < 3; a++) {
		if (!args[a])
			continue;
		f[a] = tep_find_field(ev, args[a]);
		if (!f[a])
			return NULL;	/* not the layout we know */
	}
	s = add_src(dec, ev, SRC_ENTER, sys);
	if (!s)
		return NULL;
	memcpy(s->args, f, sizeof(f));
	s->str = str ? tep_find_field(ev, str) : NULL;
	s->comm = native ? NULL : tep_find_field(ev, "caller");
	s->native = native;
	s->tier = native && s->str ? FINIT_TIER_NATIVE : FINIT_TIER_NONE;
	return s;
}

/*
 * add_probe - one of our dynamic events: the 64-bit eprobe or kprobe (an
 * enter until string_sources sees the syscall event beside it: on the
 * kprobe path there is none), the 64-bit kretprobe (the kprobe path's
 * exit), the ia32 kprobe (the enter of a 32-bit caller) or its kretprobe. A
 * kprobe has __probe_ip: files of older versions named both kinds alike.
 */
static void add_probe(struct finit_decoder *dec, struct tep_event *ev)
{
	enum finit_probe_kind kind;
	struct tep_format_field *f;
	struct src *s;
	int sys;

	if (!finit_tiers_parse_name(ev->name, &kind, &sys))
		return;
	if (kind == FINIT_PROBE_COMPAT_RET || kind == FINIT_PROBE_KRET) {
		f = tep_find_field(ev, "ret");
		if (f && (s = add_src(dec, ev, SRC_EXIT, sys))) {
			s->num = f;
			s->compat = kind == FINIT_PROBE_COMPAT_RET;
		}
		return;
	}
	s = add_enter(dec, ev, sys, syscall_events[sys].args, syscall_events[sys].dyn_str, false);
	if (!s)
		return;
	s->compat = kind == FINIT_PROBE_COMPAT;
	s->tier = tep_find_field(ev, "__probe_ip") ? FINIT_TIER_KPROBE : FINIT_TIER_EPROBE;
}

/* classify - register @ev if it is one of ours */
static void classify(struct finit_decoder *dec, struct tep_event *ev, const char *dyn_group)
{
	struct tep_format_field *f;
	struct src *s;

	if (!strcmp(ev->system, "raw_syscalls") && dec->sysnr) {
		bool enter = !strcmp(ev->name, "sys_enter");

		if (!enter && strcmp(ev->name, "sys_exit"))
			return;
		f = tep_find_field(ev, "id");
		struct tep_format_field *g = tep_find_field(ev, enter ? "args" : "ret");
		if (!f || !g || !(s = add_src(dec, ev, enter ? SRC_RAW_ENTER : SRC_RAW_EXIT, 0)))
			return;
		s->num = f;
		if (enter)
			s->raw_args = g;
		else
			s->args[0] = g;
		return;
	}
	if (!strcmp(ev->system, "module")) {
		bool load = !strcmp(ev->name, "module_load");

		if (!load && strcmp(ev->name, "module_free"))
			return;
		f = tep_find_field(ev, "name");
		if (!f || !(s = add_src(dec, ev, load ? SRC_MODULE_LOAD : SRC_MODULE_FREE,
					FINIT_EV_MODULE_FREE)))
			return;
		s->str = f;
		s->num = load ? tep_find_field(ev, "taints") : NULL;
		return;
	}
	for (int sys = 0; sys < FINIT_SYS_NR; sys++) {
		if (!strcmp(ev->system, "syscalls")) {
			if (!strcmp(ev->name, syscall_events[sys].enter)) {
				add_enter(dec, ev, sys, syscall_events[sys].args,
					  syscall_events[sys].native_str, true);
			} else if (!strcmp(ev->name, syscall_events[sys].exit) &&
				   (f = tep_find_field(ev, "ret")) &&
				   (s = add_src(dec, ev, SRC_EXIT, sys))) {
				s->num = f;
			}
		}
	}
	if (dyn_group && !strcmp(ev->system, dyn_group))
		add_probe(dec, ev);
}

/*
 * string_sources - where a syscall has both the syscall event and our
 * 64-bit eprobe or kprobe, the syscall event is the enter and ours brings
 * the string, with its own copy of the arguments to check against the
 * enter's (files of older versions have our probe alone: it stays the enter)
 */
static void string_sources(struct finit_decoder *dec)
{
	for (int i = 0; i < dec->nsrcs; i++) {
		struct src *d = &dec->srcs[i];

		if (d->type != SRC_ENTER || d->native || d->compat)
			continue;
		for (int j = 0; j < dec->nsrcs; j++)
			if (dec->srcs[j].type == SRC_ENTER && dec->srcs[j].native &&
			    dec->srcs[j].sys == d->sys)
				d->type = SRC_STRING;
	}
}

/* finit_decoder_string_tier - the tier of @sys's string records, 0 if none */
enum finit_tier finit_decoder_string_tier(const struct finit_decoder *dec, int sys)
{
	for (int i = 0; i < dec->nsrcs; i++)
		if (dec->srcs[i].type == SRC_STRING && (int)dec->srcs[i].sys == sys)
			return dec->srcs[i].tier;
	return FINIT_TIER_NONE;
}

struct finit_decoder *finit_decoder_alloc(struct tep_handle *tep,
					  const struct finit_sysnr *sysnr,
					  const char *dyn_group)
{
	struct tep_event **events = tep_list_events(tep, TEP_EVENT_SORT_ID);
	struct finit_decoder *dec;

	if (!events)
		return NULL;
	dec = calloc(1, sizeof(*dec));
	if (!dec)
		return NULL;
	dec->tep = tep;
	dec->sysnr = sysnr;
	dec->user_buf_size = FINIT_USER_BUF_DEFAULT;
	dec->common = events[0] && !finit_field_init(&dec->fl, tep, events[0]);
	for (int i = 0; events[i]; i++)
		classify(dec, events[i], dyn_group);
	string_sources(dec);
	if (!dec->nsrcs) {
		free(dec);
		return NULL;
	}
	return dec;
}

void finit_decoder_set_user_buf_size(struct finit_decoder *dec, int size)
{
	dec->user_buf_size = size;
}

void finit_decoder_free(struct finit_decoder *dec)
{
	if (!dec)
		return;
	finit_userfilter_free(dec->uf);
	free(dec);
}

/*
 * str_state - what the kernel's string says. The 6.19+ native field cuts
 * a long string to syscall_user_buf_size and ends it with "...". Older
 * kernels wrote "(fault)" as the text of a failed probe read.
 */
static enum finit_str_state str_state(const struct finit_decoder *dec, const struct src *s,
				      const char *str, enum finit_str_state state)
{
	size_t n;

	if (!str)
		return state;
	if (!s->native && !strcmp(str, "(fault)"))
		return FINIT_STR_FAULT;
	n = strlen(str);
	if (s->native && n >= 3 && n >= (size_t)dec->user_buf_size &&
	    !strcmp(str + n - 3, "..."))
		return FINIT_STR_TRUNCATED;
	return FINIT_STR_OK;
}

/*
 * normalize_args - both events store whole registers: cut int arguments to
 * 32 bits (sign-extending signed ones), and a compat caller's pointers too.
 */
static void normalize_args(struct finit_record *r)
{
	for (int i = 0; i < 3; i++) {
		switch (arg_kinds[r->sys][i]) {
		case ARG_INT:
			r->args[i] = (unsigned long long)(long long)(int)(unsigned int)r->args[i];
			break;
		case ARG_UINT:
			r->args[i] &= 0xffffffffULL;
			break;
		case ARG_LONG:
			if (r->compat)
				r->args[i] &= 0xffffffffULL;
			break;
		case ARG_NONE:
			r->args[i] = 0;
			break;
		}
	}
}

/* raw_sys - map a raw syscall id to one of ours; -1 when it is not ours */
static int raw_sys(const struct finit_sysnr *t, long long id, bool *compat)
{
	for (int s = 0; s < FINIT_SYS_NR; s++) {
		if (id == t->nr[s]) {
			*compat = false;
			return s;
		}
		if (t->compat_nr[s] >= 0 && id == t->compat_nr[s]) {
			*compat = true;
			return s;
		}
	}
	return -1;
}

/*
 * decode_string - the user string of an enter or string record. A 32-bit
 * caller's pointer with high bits set is not the one the kernel used (it
 * takes the low 32 bits): the string our kprobe read is refused.
 */
static void decode_string(const struct finit_decoder *dec, const struct src *s,
			  const struct tep_record *rec, struct finit_record *out)
{
	enum finit_str_state state;
	int arg = finit_names_str_arg(s->sys);

	out->str = finit_field_str(&dec->fl, s->str, rec, s->native, &state);
	out->str_state = str_state(dec, s, out->str, state);
	out->tier = s->tier;
	if (s->compat && arg >= 0 && (out->args[arg] >> 32)) {
		out->str = NULL;
		out->str_state = FINIT_STR_FAULT;
	}
}

/* decode_raw_enter - raw_syscalls:sys_enter of one of our ids: args[0..2] */
static int decode_raw_enter(struct finit_decoder *dec, const struct src *s,
			    struct tep_record *rec, struct finit_record *out)
{
	struct tep_format_field *a = s->raw_args;
	int elem = a->arraylen ? a->size / a->arraylen : 8;
	int sys = raw_sys(dec->sysnr, (long long)finit_field_read(&dec->fl, s->num, rec->data), &out->compat);

	if (sys < 0)
		return 0;
	out->kind = FINIT_REC_ENTER;
	out->sys = sys;
	out->raw = true;
	for (int i = 0; i < 3; i++)
		out->args[i] = finit_field_num(&dec->fl, (char *)rec->data + a->offset + i * elem,
					       elem);
	normalize_args(out);
	return 1;
}

/* decode_module - module_load (name, taints) or module_free (name) */
static int decode_module(const struct finit_decoder *dec, const struct src *s,
			 const struct tep_record *rec, struct finit_record *out)
{
	enum finit_str_state state;
	bool load = s->type == SRC_MODULE_LOAD;

	out->kind = load ? FINIT_REC_MODULE_LOAD : FINIT_REC_MODULE_FREE;
	out->sys = load ? FINIT_EV_MODULE_LOAD : FINIT_EV_MODULE_FREE;
	out->str = finit_field_str(&dec->fl, s->str, rec, true, &state);
	out->str_state = out->str ? FINIT_STR_OK : FINIT_STR_NONE;
	out->taints = s->num ? (unsigned int)finit_field_read(&dec->fl, s->num, rec->data) : 0;
	return out->str != NULL;
}

/* decode_src - one record of a known event */
static int decode_src(struct finit_decoder *dec, const struct src *s,
		      struct tep_record *rec, struct finit_record *out)
{
	enum finit_str_state state;
	int sys;

	switch (s->type) {
	case SRC_ENTER:
	case SRC_STRING:
		out->kind = s->type == SRC_ENTER ? FINIT_REC_ENTER : FINIT_REC_STRING;
		out->sys = s->sys;
		out->compat = s->compat;
		for (int i = 0; i < 3; i++)
			out->args[i] = s->args[i] ? finit_field_read(&dec->fl, s->args[i], rec->data) : 0;
		if (s->str)
			decode_string(dec, s, rec, out);
		out->comm = s->comm ? finit_field_str(&dec->fl, s->comm, rec, false, &state) : NULL;
		normalize_args(out);
		return 1;
	case SRC_EXIT:
		out->kind = FINIT_REC_EXIT;
		out->sys = s->sys;
		out->compat = s->compat;
		out->ret = (long long)finit_field_read(&dec->fl, s->num, rec->data);
		return 1;
	case SRC_RAW_ENTER:
		return decode_raw_enter(dec, s, rec, out);
	case SRC_RAW_EXIT:
		sys = raw_sys(dec->sysnr, (long long)finit_field_read(&dec->fl, s->num, rec->data), &out->compat);
		if (sys < 0)
			return 0;
		out->kind = FINIT_REC_EXIT;
		out->sys = sys;
		out->raw = true;
		out->ret = (long long)finit_field_read(&dec->fl, s->args[0], rec->data);
		return 1;
	case SRC_MODULE_LOAD:
	case SRC_MODULE_FREE:
		return decode_module(dec, s, rec, out);
	}
	return 0;
}

/* field_end - where @f ends in a record (0 without it) */
static int field_end(const struct tep_format_field *f)
{
	return f ? f->offset + f->size : 0;
}

/*
 * min_size - the shortest record @s can be read from: every field it
 * reads at a fixed offset must lie inside (a damaged file's record may be
 * short; the kernel's never is). Strings are checked when read.
 */
static int min_size(const struct src *s)
{
	const struct tep_format_field *f[] = {
		s->args[0], s->args[1], s->args[2], s->str, s->comm, s->num, s->raw_args,
	};
	int n = 8;	/* the common header: type, flags, preempt count, pid */

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (field_end(f[i]) > n)
			n = field_end(f[i]);
	return n;
}

/* finit_decoder_decode - the source of @rec's type, if its record is whole */
int finit_decoder_decode(struct finit_decoder *dec, struct tep_record *rec,
			 struct finit_record *out)
{
	static const struct finit_record blank;
	int type;

	if (!rec->data || rec->size < 8)
		return 0;
	if (!dec->common)
		return 0;	/* (tep_data_type would find no type) */
	type = finit_field_type(&dec->fl, rec->data);
	for (int i = 0; i < dec->nsrcs; i++) {
		if (dec->srcs[i].id != type)
			continue;
		if (!dec->srcs[i].min_size)
			dec->srcs[i].min_size = min_size(&dec->srcs[i]);
		if (rec->size < dec->srcs[i].min_size)
			return 0;
		*out = blank;
		out->ts = rec->ts;
		out->cpu = rec->cpu;
		out->tid = finit_field_pid(&dec->fl, rec->data);
		return decode_src(dec, &dec->srcs[i], rec, out);
	}
	return 0;
}

/* finit_decoder_set_filter - the user-space filter, made on first use */
int finit_decoder_set_filter(struct finit_decoder *dec, const char *expr, bool raw_only,
			     char *err, size_t errlen)
{
	if (!dec->uf)
		dec->uf = finit_userfilter_alloc(dec->sysnr);
	if (!dec->uf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return finit_userfilter_set(dec->uf, expr, raw_only, err, errlen);
}

/* finit_decoder_match - the user-space filter's verdict on @r (1: keep it) */
int finit_decoder_match(struct finit_decoder *dec, const struct finit_record *r)
{
	return dec->uf ? finit_userfilter_match(dec->uf, r) : 1;
}
