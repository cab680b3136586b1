// SPDX-License-Identifier: MIT
/*
 * decode.c - turn tep_records of the syscalls or raw_syscalls events into
 * normalized finit_records. Both capture paths give identical records.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "decode.h"
#include "filter.h"

static const struct finit_sysnr sysnr_tables[] = {
	/* arch/x86/entry/syscalls/syscall_64.tbl and syscall_32.tbl */
	{ "x86_64",  { [FINIT_SYS_FINIT_MODULE] = 313 }, { [FINIT_SYS_FINIT_MODULE] = 350 } },
	/* include/uapi/asm-generic/unistd.h; compat is arch/arm/tools/syscall.tbl */
	{ "aarch64", { [FINIT_SYS_FINIT_MODULE] = 273 }, { [FINIT_SYS_FINIT_MODULE] = 379 } },
	{ "riscv64", { [FINIT_SYS_FINIT_MODULE] = 273 }, { [FINIT_SYS_FINIT_MODULE] = -1 } },
};

const struct finit_sysnr *finit_sysnr_lookup(const char *machine)
{
	for (size_t i = 0; i < sizeof(sysnr_tables) / sizeof(sysnr_tables[0]); i++)
		if (!strcmp(sysnr_tables[i].machine, machine))
			return &sysnr_tables[i];
	return NULL;
}

/* Event names of each syscall in the "syscalls" system. */
static const char *const enter_names[FINIT_SYS_NR] = {
	[FINIT_SYS_FINIT_MODULE] = "sys_enter_finit_module",
};
static const char *const exit_names[FINIT_SYS_NR] = {
	[FINIT_SYS_FINIT_MODULE] = "sys_exit_finit_module",
};
/* Argument field names of each syscall, in the order of finit_record.args. */
static const char *const arg_names[FINIT_SYS_NR][3] = {
	[FINIT_SYS_FINIT_MODULE] = { "fd", "uargs", "flags" },
};
/* Which arguments are C ints: the kernel stores whole registers for them. */
enum arg_kind { ARG_LONG, ARG_INT, ARG_UINT };
static const enum arg_kind arg_kinds[FINIT_SYS_NR][3] = {
	[FINIT_SYS_FINIT_MODULE] = { ARG_INT, ARG_LONG, ARG_UINT },
};

/*
 * The user-space filter is evaluated on a synthetic event laid out exactly
 * like syscalls:sys_enter_finit_module on a 64-bit kernel (Debian 6.1), so an
 * expression means the same in user space as it does in the kernel.
 */
#define FILTER_EVENT_ID		1
#define FILTER_RECORD_SIZE	40
static const char filter_event_format[] =
	"name: sys_enter_finit_module\n"
	"ID: 1\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:int fd;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:const char * uargs;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:int flags;\toffset:32;\tsize:8;\tsigned:0;\n"
	"\n"
	"print fmt: \"fd: 0x%08lx, uargs: 0x%08lx, flags: 0x%08lx\", "
	"((unsigned long)(REC->fd)), ((unsigned long)(REC->uargs)), "
	"((unsigned long)(REC->flags))\n";

struct sys_fields {
	int				enter_id;
	int				exit_id;
	struct tep_format_field		*args[3];
	struct tep_format_field		*ret;
};

struct finit_decoder {
	struct tep_handle		*tep;
	const struct finit_sysnr	*sysnr;
	struct sys_fields		sys[FINIT_SYS_NR];
	int				raw_enter_id;
	int				raw_exit_id;
	struct tep_format_field		*raw_enter_nr;
	struct tep_format_field		*raw_enter_args;
	struct tep_format_field		*raw_exit_nr;
	struct tep_format_field		*raw_exit_ret;
	struct tep_handle		*ftep;		/* user-space filter */
	struct tep_event_filter		*filter;
};

/* find_event - event and fields by name; -1 id when the event is absent */
static struct tep_event *find_event(struct tep_handle *tep, const char *sys,
				    const char *name, int *id)
{
	struct tep_event *ev = tep_find_event_by_name(tep, sys, name);

	*id = ev ? ev->id : -1;
	return ev;
}

struct finit_decoder *finit_decoder_alloc(struct tep_handle *tep,
					  const struct finit_sysnr *sysnr)
{
	struct finit_decoder *dec;
	struct tep_event *ev;
	int found = 0;

	dec = calloc(1, sizeof(*dec));
	if (!dec)
		return NULL;
	dec->tep = tep;
	dec->sysnr = sysnr;
	for (int s = 0; s < FINIT_SYS_NR; s++) {
		struct sys_fields *f = &dec->sys[s];

		ev = find_event(tep, "syscalls", enter_names[s], &f->enter_id);
		for (int a = 0; ev && a < 3; a++)
			f->args[a] = tep_find_field(ev, arg_names[s][a]);
		if (ev && (!f->args[0] || !f->args[1] || !f->args[2]))
			f->enter_id = -1;
		ev = find_event(tep, "syscalls", exit_names[s], &f->exit_id);
		f->ret = ev ? tep_find_field(ev, "ret") : NULL;
		if (!f->ret)
			f->exit_id = -1;
		found += (f->enter_id >= 0) + (f->exit_id >= 0);
	}
	ev = find_event(tep, "raw_syscalls", "sys_enter", &dec->raw_enter_id);
	if (ev) {
		dec->raw_enter_nr = tep_find_field(ev, "id");
		dec->raw_enter_args = tep_find_field(ev, "args");
	}
	if (!dec->raw_enter_nr || !dec->raw_enter_args || !sysnr)
		dec->raw_enter_id = -1;
	ev = find_event(tep, "raw_syscalls", "sys_exit", &dec->raw_exit_id);
	if (ev) {
		dec->raw_exit_nr = tep_find_field(ev, "id");
		dec->raw_exit_ret = tep_find_field(ev, "ret");
	}
	if (!dec->raw_exit_nr || !dec->raw_exit_ret || !sysnr)
		dec->raw_exit_id = -1;
	found += (dec->raw_enter_id >= 0) + (dec->raw_exit_id >= 0);
	if (!found) {
		free(dec);
		return NULL;
	}
	return dec;
}

void finit_decoder_free(struct finit_decoder *dec)
{
	if (!dec)
		return;
	if (dec->filter)
		tep_filter_free(dec->filter);
	if (dec->ftep)
		tep_free(dec->ftep);
	free(dec);
}

/* read_field - a numeric field, sign-extended when the format says signed */
static unsigned long long read_field(struct tep_format_field *f, const void *data)
{
	unsigned long long v = 0;

	tep_read_number_field(f, data, &v);
	if ((f->flags & TEP_FIELD_IS_SIGNED) && f->size < 8 &&
	    (v & (1ULL << (f->size * 8 - 1))))
		v |= ~0ULL << (f->size * 8);
	return v;
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

/* decode_raw - raw_syscalls:sys_enter/sys_exit; args[] come from the array */
static int decode_raw(struct finit_decoder *dec, struct tep_record *rec,
		      int type, struct finit_record *out)
{
	if (type == dec->raw_enter_id) {
		struct tep_format_field *a = dec->raw_enter_args;
		int elem = a->arraylen ? a->size / a->arraylen : 8;
		int s = raw_sys(dec->sysnr,
				(long long)read_field(dec->raw_enter_nr, rec->data), &out->compat);

		if (s < 0)
			return 0;
		out->kind = FINIT_REC_ENTER;
		out->sys = s;
		for (int i = 0; i < 3; i++)
			out->args[i] = tep_read_number(dec->tep,
						       (char *)rec->data + a->offset + i * elem,
						       elem);
		normalize_args(out);
		return 1;
	}
	if (type == dec->raw_exit_id) {
		int s = raw_sys(dec->sysnr,
				(long long)read_field(dec->raw_exit_nr, rec->data), &out->compat);

		if (s < 0)
			return 0;
		out->kind = FINIT_REC_EXIT;
		out->sys = s;
		out->ret = (long long)read_field(dec->raw_exit_ret, rec->data);
		return 1;
	}
	return 0;
}

int finit_decoder_decode(struct finit_decoder *dec, struct tep_record *rec,
			 struct finit_record *out)
{
	int type = tep_data_type(dec->tep, rec);

	memset(out, 0, sizeof(*out));
	out->ts = rec->ts;
	out->cpu = rec->cpu;
	out->tid = tep_data_pid(dec->tep, rec);
	for (int s = 0; s < FINIT_SYS_NR; s++) {
		struct sys_fields *f = &dec->sys[s];

		if (type == f->enter_id) {
			out->kind = FINIT_REC_ENTER;
			out->sys = s;
			for (int i = 0; i < 3; i++)
				out->args[i] = read_field(f->args[i], rec->data);
			normalize_args(out);
			return 1;
		}
		if (type == f->exit_id) {
			out->kind = FINIT_REC_EXIT;
			out->sys = s;
			out->ret = (long long)read_field(f->ret, rec->data);
			return 1;
		}
	}
	return decode_raw(dec, rec, type, out);
}

/* Fields of the synthetic event the user-space filter can test. */
static const char *const filter_fields[] = {
	"fd", "uargs", "flags", "__syscall_nr",
	"common_pid", "common_type", "common_flags", "common_preempt_count", NULL
};

int finit_decoder_set_filter(struct finit_decoder *dec, const char *expr,
			     char *err, size_t errlen)
{
	enum tep_errno ret;
	char *str = NULL;

	/* libtraceevent crashes on some malformed expressions: check first */
	if (finit_filter_check(expr, filter_fields, true, err, errlen) < 0)
		return -1;

	if (!dec->ftep) {
		dec->ftep = tep_alloc();
		if (!dec->ftep)
			goto nomem;
		tep_set_long_size(dec->ftep, 8);
		tep_set_file_bigendian(dec->ftep, TEP_LITTLE_ENDIAN);
		ret = tep_parse_event(dec->ftep, filter_event_format,
				      sizeof(filter_event_format) - 1, "syscalls");
		if (ret) {
			tep_strerror(dec->ftep, ret, err, errlen);
			return -1;
		}
		dec->filter = tep_filter_alloc(dec->ftep);
		if (!dec->filter)
			goto nomem;
	}
	tep_filter_reset(dec->filter);
	if (asprintf(&str, "syscalls/sys_enter_finit_module:%s", expr) < 0)
		goto nomem;
	ret = tep_filter_add_filter_str(dec->filter, str);
	free(str);
	if (ret < 0) {
		tep_filter_strerror(dec->filter, ret, err, errlen);
		tep_filter_reset(dec->filter);
		return -1;
	}
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

/* put_le - store @v in @len little-endian bytes (the synthetic record layout) */
static void put_le(unsigned char *p, unsigned long long v, int len)
{
	for (int i = 0; i < len; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

int finit_decoder_match(struct finit_decoder *dec, const struct finit_record *r)
{
	unsigned char data[FILTER_RECORD_SIZE] = { 0 };
	struct tep_record rec = { .data = data, .size = sizeof(data), .cpu = r->cpu };

	if (!dec->filter || !dec->filter->filters || r->kind != FINIT_REC_ENTER)
		return 1;
	put_le(data, FILTER_EVENT_ID, 2);
	put_le(data + 4, (unsigned int)r->tid, 4);
	put_le(data + 8, (unsigned int)(dec->sysnr ? dec->sysnr->nr[r->sys] : 0), 4);
	for (int i = 0; i < 3; i++)
		put_le(data + 16 + 8 * i, r->args[i], 8);
	return tep_filter_match(dec->filter, &rec) == TEP_ERRNO__FILTER_MATCH;
}

void finit_event_init(struct finit_event *ev, const struct finit_record *r,
		      long long clock_offset_ns)
{
	memset(ev, 0, sizeof(*ev));
	ev->sys = r->sys;
	ev->ts = r->ts;
	ev->wall_ns = (long long)r->ts + clock_offset_ns;
	ev->cpu = r->cpu;
	ev->tid = r->tid;
	ev->pid = -1;
	ev->compat = r->compat;
	ev->fd = (long long)r->args[0];
	ev->uargs = r->args[1];
	ev->flags = r->args[2];
}
