// SPDX-License-Identifier: MIT
/*
 * cmd-report.c - `finit-ftrace report`: read a trace.dat (ours, or
 * trace-cmd's v6/v7, compressed or not, with several buffers) through
 * libtracecmd, down the same pipeline and emitters as watch.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <traceevent/event-parse.h>

#include "cli.h"
#include "context.h"
#include "correlate.h"
#include "decoder.h"
#include "emit.h"
#include "finit.h"
#include "log.h"
#include "pipeline.h"
#include "salvage.h"
#include "tiers.h"
#include "tracecmd.h"

#define MAX_CPUS	1024
#define MAX_KEYS	256

/* A counted key for --stats. */
struct count {
	char			key[64];
	unsigned long long	n;
};

struct table {
	const char		*title;
	struct count		rows[MAX_KEYS];
	int			n;
	unsigned long long	other;	/* past MAX_KEYS distinct keys */
};

struct report {
	struct finit_pipeline	p;
	struct finit_emitter	*em;
	struct finit_sink	*sink;
	struct finit_tracecmd	tc;
	struct finit_config	*cfg;
	bool			stats;
	const char		*file;
	struct table		by_module, by_comm, by_result, by_verdict;
	bool			fail_on_deny;	/* exit 4 if the policy denied a call */
	unsigned long long	events, failures;
	unsigned long long	first_ts, last_ts;
	unsigned long long	lost[MAX_CPUS];
	bool			lost_unknown[MAX_CPUS];
	int			max_cpu;
	int			out_errno;
};

static const struct finit_cli_opt report_opts[] = {
	{ 'i', "input", "FILE", NULL, NULL, NULL, "the trace.dat (or give it as the argument)" },
	{ 's', "stats", NULL, NULL, NULL, NULL, "print a summary table instead of the events" },
	{ 0 },
};

/* on_opt - --input and --stats */
static int on_opt(int c, const char *arg, void *ctx)
{
	struct report *r = ctx;

	if (c == 'i')
		r->file = arg;
	else
		r->stats = true;
	return -1;
}

static const struct finit_cli_cmd report_cli = {
	.name = "report",
	.synopsis = "[-i] FILE [options]",
	.about = "Read a trace.dat written by 'finit-ftrace record' or by trace-cmd\n"
		 "(v6, v7, compressed, several buffers) and print its module loads as\n"
		 "watch would. Fields that need /proc are null (unavailable-offline).\n"
		 "The filter is evaluated in user space.\n",
	.shared = "FfhD",
	.own = report_opts,
	.on_own = on_opt,
	.words = true,
};

/* count_key - one more for @key in @t */
static void count_key(struct table *t, const char *key)
{
	for (int i = 0; i < t->n; i++) {
		if (!strcmp(t->rows[i].key, key)) {
			t->rows[i].n++;
			return;
		}
	}
	if (t->n == MAX_KEYS) {
		t->other++;
		return;
	}
	snprintf(t->rows[t->n].key, sizeof(t->rows[t->n].key), "%s", key);
	t->rows[t->n++].n = 1;
}

/* on_event - emit, or count for --stats */
static int on_event(const struct finit_event *ev, void *arg)
{
	struct report *r = arg;
	const char *err;

	if (!r->events || ev->ts < r->first_ts)
		r->first_ts = ev->ts;
	if (ev->ts > r->last_ts)
		r->last_ts = ev->ts;
	r->events++;
	if (!r->stats) {
		if (finit_emit_event(r->em, ev) < 0) {
			r->out_errno = errno ? errno : EIO;
			return -1;
		}
		return 0;
	}
	err = ev->origin_ret == FINIT_ORIGIN_KERNEL ? finit_names_errno(ev->ret) : NULL;
	if (err)
		r->failures++;
	if ((ev->sys == FINIT_SYS_FINIT_MODULE || ev->sys == FINIT_SYS_INIT_MODULE) &&
	    ev->origin_ret == FINIT_ORIGIN_KERNEL && !ev->ret)
		count_key(&r->by_module, ev->module ? ev->module : "(unknown)");
	count_key(&r->by_comm, ev->comm[0] ? ev->comm : "(unknown)");
	count_key(&r->by_result, ev->origin_ret != FINIT_ORIGIN_KERNEL ? "(no exit)" :
		  err ? err : "success");
	if (ev->rule)
		count_key(&r->by_verdict, ev->verdict == FINIT_VERDICT_DENY ? "deny" : ev->rule);
	return 0;
}

/* on_record - every record down the pipeline */
static int on_record(struct tep_record *rec, void *arg)
{
	struct report *r = arg;

	return finit_pipeline_record(&r->p, rec) < 0 ? -1 : 0;
}

/* on_missed - a sub-buffer says events were lost (-1: how many is unknown) */
static void on_missed(int cpu, long long missed, void *arg)
{
	struct report *r = arg;

	if (cpu < 0 || cpu >= MAX_CPUS)
		return;
	if (missed > 0)
		r->lost[cpu] += missed;
	else
		r->lost_unknown[cpu] = true;
	if (cpu > r->max_cpu)
		r->max_cpu = cpu;
}

/* count_cmp - most first, then by name */
static int count_cmp(const void *a, const void *b)
{
	const struct count *x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : strcmp(x->key, y->key);
}

/* print_table - one --stats table, biggest first */
static void print_table(struct table *t)
{
	qsort(t->rows, t->n, sizeof(t->rows[0]), count_cmp);
	printf("%s:\n", t->title);
	for (int i = 0; i < t->n; i++)
		printf("  %-32s %llu\n", t->rows[i].key, t->rows[i].n);
	if (t->other)
		printf("  %-32s %llu\n", "(other)", t->other);
	if (!t->n)
		printf("  (none)\n");
}

/* print_stats - the --stats summary on stdout */
static void print_stats(struct report *r)
{
	unsigned long long lost = 0;

	printf("calls: %llu, failures: %llu\n", r->events, r->failures);
	if (r->events)
		printf("time span: %.9f s (ts %llu .. %llu)\n",
		       (r->last_ts - r->first_ts) / 1e9, r->first_ts, r->last_ts);
	print_table(&r->by_module);
	print_table(&r->by_comm);
	print_table(&r->by_result);
	if (r->p.policy)
		print_table(&r->by_verdict);
	printf("lost events:\n");
	for (int cpu = 0; cpu <= r->max_cpu; cpu++) {
		lost += r->lost[cpu] + r->lost_unknown[cpu];
		if (r->lost[cpu] || r->lost_unknown[cpu])
			printf("  cpu%-3d %llu%s\n", cpu, r->lost[cpu],
			       r->lost_unknown[cpu] ? " (and an unknown number)" : "");
	}
	if (!lost)
		printf("  none\n");
}

/* find_group - our eprobe/kprobe system in the file: "<prefix>_<pid>" */
static const char *find_group(struct tep_handle *tep, const char *prefix)
{
	struct tep_event **events = tep_list_events(tep, TEP_EVENT_SORT_ID);
	char want[96];
	size_t n;

	finit_tiers_group_name(prefix, 0, want, sizeof(want));
	n = strlen(want) - 1;	/* "<prefix>_" */
	for (int i = 0; events && events[i]; i++) {
		const char *sys = events[i]->system;

		if (!strncmp(sys, want, n) && sys[n] && strspn(sys + n, "0123456789") ==
		    strlen(sys + n))
			return sys;
	}
	return NULL;
}

/* parse_args - returns -1 to go on, else an exit code */
static int parse_args(int argc, char **argv, struct finit_config *cfg, struct report *r)
{
	int ret = finit_cli_parse(&report_cli, argc, argv, cfg, r);

	if (ret >= 0)
		return ret;
	if (!r->file && optind < argc)
		r->file = argv[optind++];
	if (!r->file || optind < argc) {
		finit_cli_usage(&report_cli, stderr);
		return FINIT_EXIT_USAGE;
	}
	return -1;
}

/*
 * open_pipeline - the decoder of the file's events (its raw_syscalls ids
 * by the architecture its uname says, else ours), the filter, the
 * correlator and the emitter; -1 to go on, else an exit code
 */
static int open_pipeline(struct report *r, struct finit_config *cfg)
{
	struct tep_handle *tep = finit_tracecmd_tep(&r->tc);
	const struct finit_sysnr *sysnr = finit_decoder_sysnr(r->tc.info.machine);
	struct finit_decoder *dec;
	struct utsname u;
	char err[1024];

	if (!sysnr && !uname(&u))
		sysnr = finit_decoder_sysnr(u.machine);
	dec = finit_decoder_alloc(tep, sysnr, find_group(tep, cfg->instance_prefix));
	if (!dec) {
		finit_log(FINIT_LOG_INFO, "%s holds no module-load events", r->file);
		if (r->stats)
			print_stats(r);
		return FINIT_EXIT_OK;
	}
	if (cfg->filter && finit_decoder_set_filter(dec, cfg->filter, false, err, sizeof(err)) < 0) {
		finit_decoder_free(dec);
		return finit_cli_error(FINIT_EXIT_USAGE, "bad filter:\n%s", err);
	}
	r->sink = finit_sink_stream(stdout, "stdout");
	r->em = r->sink ? finit_emit_open(cfg->format, r->sink, true) : NULL;
	if (!r->em || finit_pipeline_open(&r->p, dec, finit_context_alloc_offline(tep,
				r->tc.info.tgids), on_event, r, "that recorded the file") < 0)
		return finit_cli_error(FINIT_EXIT_FAIL, "out of memory");
	/* libtracecmd adds the OFFSET option itself: only our reader needs it */
	r->p.clock_offset_ns = r->tc.own && r->tc.info.has_offset ? r->tc.info.clock_offset_ns : 0;
	r->p.policy = cfg->policy;
	r->fail_on_deny = cfg->fail_on_deny;
	return -1;
}

/* read_events - every record down the pipeline; -1 to go on, else an exit code */
static int read_events(struct report *r)
{
	const struct finit_tracecmd_ops ops = { on_record, on_missed, r };
	char err[1024];

	if (finit_tracecmd_iterate(&r->tc, &ops, err, sizeof(err)) < 0 && !r->out_errno)
		return finit_cli_error(FINIT_EXIT_USAGE, "%s", err);
	if (!r->out_errno)
		finit_correlate_flush(r->p.corr);
	if (!r->out_errno && finit_emit_flush(r->em) < 0)
		r->out_errno = errno ? errno : EIO;
	if (r->out_errno && r->out_errno != EPIPE)
		return finit_cli_error(FINIT_EXIT_FAIL, "writing events: %s",
				       strerror(r->out_errno));
	if (r->stats)
		print_stats(r);
	finit_pipeline_verdicts(&r->p);
	return finit_pipeline_exit(&r->p, r->fail_on_deny, FINIT_EXIT_OK);
}

/* close_report - everything the report opened */
static void close_report(struct report *r)
{
	finit_tracecmd_close(&r->tc);
	finit_pipeline_close(&r->p);
	finit_emit_close(r->em);
	finit_sink_close(r->sink);
	free(r);
}

/* read_report - the child's side: open, read and print */
static int read_report(void *arg)
{
	struct report *r = arg;
	char err[1024];
	int ret;

	ret = finit_tracecmd_open(&r->tc, r->file, err, sizeof(err));
	if (ret < 0)
		return finit_cli_error(ret == -2 ? FINIT_EXIT_FAIL : FINIT_EXIT_USAGE, "%s", err);
	ret = open_pipeline(r, r->cfg);
	return ret < 0 ? read_events(r) : ret;
}

/* finit_cmd_report - options, then the guarded reading */
int finit_cmd_report(int argc, char **argv, struct finit_config *cfg)
{
	struct report *r = calloc(1, sizeof(*r));
	char err[1024];
	int ret;

	if (!r)
		return finit_cli_error(FINIT_EXIT_FAIL, "out of memory");
	r->by_module.title = "successful loads by module";
	r->by_comm.title = "calls by comm";
	r->by_result.title = "calls by result";
	r->by_verdict.title = "allowed by rule, and denied";
	r->cfg = cfg;
	ret = parse_args(argc, argv, cfg, r);
	if (ret < 0 && finit_salvage_is_dir(r->file)) {
		ret = finit_cli_error(FINIT_EXIT_USAGE, "%s is a recovery directory that record left: "
				      "make its trace.dat with 'finit-ftrace record --recover %s -o "
				      "FILE', then report FILE", r->file, r->file);
	} else if (ret < 0) {
		ret = finit_tracecmd_guarded(read_report, r, r->file, 0, err, sizeof(err));
		if (ret == -1)
			ret = finit_cli_error(FINIT_EXIT_USAGE, "%s", err);
	}
	close_report(r);
	return ret;
}
