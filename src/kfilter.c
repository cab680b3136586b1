// SPDX-License-Identifier: MIT
/*
 * kfilter.c - the kernel filters of a session: the fixed ones (the
 * raw_syscalls ids) and the user's expression, written to the events of
 * our instance; what the kernel cannot evaluate goes to user space.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tracefs.h>

#include "decoder.h"
#include "filter.h"
#include "kfilter.h"
#include "tiers.h"

/* kernel_error - the instance's error_log (with its caret), or strerror */
static void kernel_error(struct finit_session *s, const char *what, const char *expr,
			 int saved_errno, char *err, size_t errlen)
{
	char *log = tracefs_error_all(s->inst);

	if (log && *log)
		snprintf(err, errlen, "the kernel rejected %s '%s':\n%s", what, expr, log);
	else
		snprintf(err, errlen, "the kernel rejected %s '%s': %s", what, expr,
			 strerror(saved_errno));
	free(log);
}

/* write_filter - write @expr to an event's filter in our instance */
static int write_filter(struct finit_session *s, const char *sys, const char *ev,
			const char *expr)
{
	tracefs_error_clear(s->inst);
	return tracefs_event_file_write(s->inst, sys, ev, "filter", expr) < 0 ? -1 : 0;
}

/* Fields a kernel filter may name on the finit_module event, specials included. */
static const char *const kernel_fields[] = {
	"fd", "uargs", "flags", "__syscall_nr",
	"common_pid", "common_type", "common_flags", "common_preempt_count",
	"comm", "COMM", "cpu", "CPU", "common_cpu", NULL
};

/*
 * raw_filter - the kernel filter for raw_syscalls:sys_enter that applies
 * @expr to the finit_module ids only: "((F) && (EXPR)) || (O)".
 */
static char *raw_filter(const struct finit_session *s, const char *expr)
{
	char *f = NULL;
	int n;

	if (s->raw_other_ids[0])
		n = asprintf(&f, "((%s) && (%s)) || %s", s->raw_finit_ids, expr, s->raw_other_ids);
	else
		n = asprintf(&f, "(%s) && (%s)", s->raw_finit_ids, expr);
	return n < 0 ? NULL : f;
}

/* user_filter_target - a 64-bit finit_module enter the kernel filters for the user */
static bool user_filter_target(const struct finit_session *s, const struct finit_evsel *e)
{
	enum finit_probe_kind kind;
	int sys;

	if (!strcmp(e->sys, "syscalls"))
		return !strcmp(e->name, "sys_enter_finit_module");
	if (strcmp(e->sys, s->group) || !finit_tiers_parse_name(e->name, &kind, &sys))
		return false;
	return sys == FINIT_SYS_FINIT_MODULE &&
	       (kind == FINIT_PROBE_EPROBE || kind == FINIT_PROBE_KPROBE);
}

/* Fields every event has: an expression on these alone means the same everywhere. */
static const char *const common_fields[] = {
	"common_pid", "common_type", "common_flags", "common_preempt_count",
	"comm", "COMM", "cpu", "CPU", "common_cpu", NULL
};

/*
 * filter_compat - the ia32 kprobe of finit_module stores whole registers,
 * not the syscall event's C types: the kernel filters it only on common
 * fields; 1 when user space must evaluate the expression on its records
 */
static int filter_compat(struct finit_session *s, const char *expr, char *err, size_t errlen)
{
	char uerr[512], name[64];

	if (s->compat != FINIT_COMPAT_KPROBE || !s->dyn[FINIT_PROBE_COMPAT][FINIT_SYS_FINIT_MODULE])
		return 0;
	if (finit_filter_check(expr, common_fields, false, uerr, sizeof(uerr)) < 0)
		return 1;
	finit_tiers_event_name(FINIT_PROBE_COMPAT, FINIT_SYS_FINIT_MODULE, name, sizeof(name));
	if (write_filter(s, s->group, name, expr) < 0) {
		kernel_error(s, "filter", expr, errno, err, errlen);
		return -1;
	}
	return 0;
}

/*
 * filter_raw - raw_syscalls lacks fd, uargs and flags: the kernel filters
 * it on an expression of common fields only; 1 when user space must
 */
static int filter_raw(struct finit_session *s, const char *expr, char *err, size_t errlen)
{
	char uerr[512], *both;

	/* Names raw_syscalls has but finit_module lacks (id, args) are errors. */
	if (finit_filter_check(expr, kernel_fields, false, uerr, sizeof(uerr)) < 0) {
		snprintf(err, errlen, "bad filter on syscalls:sys_enter_finit_module's fields:\n%s",
			 uerr);
		return -FINIT_EXIT_USAGE;
	}
	both = raw_filter(s, expr);
	if (both && !write_filter(s, "raw_syscalls", "sys_enter", both)) {
		free(both);
		return 0;	/* only common fields: the kernel does it all */
	}
	free(both);
	/* a rejected filter leaves the event unfiltered: put the ids back */
	if (write_filter(s, "raw_syscalls", "sys_enter", s->raw_ids) < 0) {
		kernel_error(s, "filter", s->raw_ids, errno, err, errlen);
		return -FINIT_EXIT_FAIL;
	}
	return 1;
}

/*
 * finit_kfilter_apply - the fixed filters (raw_syscalls ids) and the user's
 * expression, which applies to finit_module calls. The kernel evaluates it
 * on the 64-bit finit_module enter (the syscall event and our probe), and
 * on raw_syscalls and the ia32 kprobe when it names only fields every
 * event has (common_pid, comm, cpu). Otherwise it runs in user space on
 * their decoded arguments.
 */
int finit_kfilter_apply(struct finit_session *s, const char *expr,
			struct finit_decoder *dec, char *err, size_t errlen)
{
	char uerr[512];
	bool raw = false;
	int user = 0, r;

	for (int i = 0; i < s->nevents; i++) {
		struct finit_evsel *e = &s->events[i];

		raw |= !strcmp(e->sys, "raw_syscalls");
		if (e->filter[0] && write_filter(s, e->sys, e->name, e->filter) < 0) {
			kernel_error(s, "filter", e->filter, errno, err, errlen);
			return FINIT_EXIT_FAIL;
		}
		if (expr && user_filter_target(s, e) && write_filter(s, e->sys, e->name, expr) < 0) {
			kernel_error(s, "filter", expr, errno, err, errlen);
			return FINIT_EXIT_USAGE;
		}
	}
	if (!expr)
		return FINIT_EXIT_OK;
	user = filter_compat(s, expr, err, errlen);
	if (user < 0)
		return FINIT_EXIT_USAGE;
	if (raw && s->raw_finit_ids[0]) {
		r = filter_raw(s, expr, err, errlen);
		if (r < 0)
			return -r;
		user |= r;
	}
	if (!user)
		return FINIT_EXIT_OK;
	if (finit_decoder_set_filter(dec, expr, true, uerr, sizeof(uerr)) < 0) {
		snprintf(err, errlen, "bad filter for user-space evaluation on raw_syscalls "
			 "and 32-bit records: comm and cpu cannot be combined with fd, uargs or "
			 "flags there:\n%s", uerr);
		return FINIT_EXIT_USAGE;
	}
	s->user_filter = true;
	return FINIT_EXIT_OK;
}
