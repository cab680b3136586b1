// SPDX-License-Identifier: MIT
/*
 * userfilter.c - a kernel filter expression evaluated in user space, by
 * libtraceevent's engine, on records the kernel could not filter
 * (raw_syscalls, the ia32 kprobe, offline files).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "filter.h"
#include "userfilter.h"

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

struct finit_userfilter {
	const struct finit_sysnr	*sysnr;
	bool				raw_only;
	struct tep_handle		*tep;
	struct tep_event_filter		*filter;
};

/* finit_userfilter_alloc - an empty filter (everything passes) */
struct finit_userfilter *finit_userfilter_alloc(const struct finit_sysnr *sysnr)
{
	struct finit_userfilter *f = calloc(1, sizeof(*f));

	if (f)
		f->sysnr = sysnr;
	return f;
}

/* finit_userfilter_free - release it (NULL is fine) */
void finit_userfilter_free(struct finit_userfilter *f)
{
	if (!f)
		return;
	if (f->filter)
		tep_filter_free(f->filter);
	if (f->tep)
		tep_free(f->tep);
	free(f);
}

/* Fields of the synthetic event the user-space filter can test. */
static const char *const filter_fields[] = {
	"fd", "uargs", "flags", "__syscall_nr",
	"common_pid", "common_type", "common_flags", "common_preempt_count", NULL
};

/* finit_userfilter_set - check @expr, then hand it to libtraceevent */
int finit_userfilter_set(struct finit_userfilter *f, const char *expr, bool raw_only,
			 char *err, size_t errlen)
{
	enum tep_errno ret;
	char *str = NULL;

	/* libtraceevent crashes on some malformed expressions: check first */
	if (finit_filter_check(expr, filter_fields, true, err, errlen) < 0)
		return -1;

	if (!f->tep) {
		f->tep = tep_alloc();
		if (!f->tep)
			goto nomem;
		tep_set_long_size(f->tep, 8);
		tep_set_file_bigendian(f->tep, TEP_LITTLE_ENDIAN);
		ret = tep_parse_event(f->tep, filter_event_format,
				      sizeof(filter_event_format) - 1, "syscalls");
		if (ret) {
			tep_strerror(f->tep, ret, err, errlen);
			return -1;
		}
		f->filter = tep_filter_alloc(f->tep);
		if (!f->filter)
			goto nomem;
	}
	tep_filter_reset(f->filter);
	f->raw_only = raw_only;
	if (asprintf(&str, "syscalls/sys_enter_finit_module:%s", expr) < 0)
		goto nomem;
	ret = tep_filter_add_filter_str(f->filter, str);
	free(str);
	if (ret < 0) {
		tep_filter_strerror(f->filter, ret, err, errlen);
		tep_filter_reset(f->filter);
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

/* finit_userfilter_match - 1 if @r passes (or the filter does not apply to it) */
int finit_userfilter_match(const struct finit_userfilter *f, const struct finit_record *r)
{
	unsigned char data[FILTER_RECORD_SIZE] = { 0 };
	struct tep_record rec = { .data = data, .size = sizeof(data), .cpu = r->cpu };

	/* the kernel filtered the other events; the expression is on finit_module */
	if (!f->filter || !f->filter->filters || r->kind != FINIT_REC_ENTER ||
	    (f->raw_only && !r->raw && !r->compat) || r->sys != FINIT_SYS_FINIT_MODULE)
		return 1;
	put_le(data, FILTER_EVENT_ID, 2);
	put_le(data + 4, (unsigned int)r->tid, 4);
	put_le(data + 8, (unsigned int)(f->sysnr ? f->sysnr->nr[r->sys] : 0), 4);
	for (int i = 0; i < 3; i++)
		put_le(data + 16 + 8 * i, r->args[i], 8);
	return tep_filter_match(f->filter, &rec) == TEP_ERRNO__FILTER_MATCH;
}
