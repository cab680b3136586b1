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

#include <trace-cmd/trace-cmd.h>

#include "cli.h"
#include "context.h"
#include "correlate.h"
#include "decode.h"
#include "emit.h"
#include "finit.h"
#include "pipeline.h"
#include "tiers.h"
#include "tracedat.h"

#define MAX_PENDING	4096
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
	bool			stats;
	struct table		by_module, by_comm, by_result;
	unsigned long long	events, failures;
	unsigned long long	first_ts, last_ts;
	unsigned long long	lost[MAX_CPUS];
	bool			lost_unknown[MAX_CPUS];
	int			max_cpu;
	int			out_errno;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: finit-ftrace [-c FILE] report [-i] FILE [options]\n"
		"\n"
		"Read a trace.dat written by 'finit-ftrace record' or by trace-cmd\n"
		"(v6, v7, compressed, several buffers) and print its module loads as\n"
		"watch would. Fields that need /proc are null (unavailable-offline).\n"
		"\n"
		"  -i, --input FILE        the trace.dat (or give it as the argument)\n"
		"  -F, --format FMT        text (default), json or csv\n"
		"  -f, --filter EXPR       kernel filter syntax on finit_module's fields,\n"
		"                          evaluated in user space\n"
		"  -s, --stats             print a summary table instead of the events\n"
		"  -h, --help              this help\n");
}

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
	err = ev->origin_ret == FINIT_ORIGIN_KERNEL ? finit_errno_name(ev->ret) : NULL;
	if (err)
		r->failures++;
	if ((ev->sys == FINIT_SYS_FINIT_MODULE || ev->sys == FINIT_SYS_INIT_MODULE) &&
	    ev->origin_ret == FINIT_ORIGIN_KERNEL && !ev->ret)
		count_key(&r->by_module, ev->module ? ev->module : "(unknown)");
	count_key(&r->by_comm, ev->comm[0] ? ev->comm : "(unknown)");
	count_key(&r->by_result, ev->origin_ret != FINIT_ORIGIN_KERNEL ? "(no exit)" :
		  err ? err : "success");
	return 0;
}

/* on_own_record - every record of our own reader down the pipeline */
static int on_own_record(struct tep_record *rec, void *arg)
{
	struct report *r = arg;

	return finit_pipeline_record(&r->p, rec) < 0 ? -1 : 0;
}

/* on_record - libtracecmd's callback: every record down the pipeline */
static int on_record(struct tracecmd_input *h, struct tep_record *rec, int cpu, void *arg)
{
	(void)h;
	(void)cpu;
	return on_own_record(rec, arg);
}

/* on_own_missed - a sub-buffer says events were lost (-1: how many is unknown) */
static void on_own_missed(int cpu, long long missed, void *arg)
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

/* on_missed - libtracecmd saw a sub-buffer that says events were lost */
static int on_missed(struct tracecmd_input *h, struct tep_event *ev, struct tep_record *rec,
		     int cpu, void *arg)
{
	(void)h;
	(void)ev;
	on_own_missed(cpu, rec->missed_events, arg);
	return 0;
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

	finit_group_name(prefix, 0, want, sizeof(want));
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
static int parse_args(int argc, char **argv, struct finit_config *cfg, struct report *r,
		      const char **file)
{
	static const struct option opts[] = {
		{ "input",  required_argument, NULL, 'i' },
		{ "format", required_argument, NULL, 'F' },
		{ "filter", required_argument, NULL, 'f' },
		{ "stats",  no_argument,       NULL, 's' },
		{ "help",   no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret = 0;

	optind = 0;
	while (!ret && (c = getopt_long(argc, argv, "i:F:f:sh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			*file = optarg;
			break;
		case 'F':
			ret = finit_cli_set(cfg, "--format", "output", "format", optarg);
			break;
		case 'f':
			ret = finit_cli_set(cfg, "--filter", "capture", "filter", optarg);
			break;
		case 's':
			r->stats = true;
			break;
		case 'h':
			usage(stdout);
			return FINIT_EXIT_OK;
		default:
			usage(stderr);
			return FINIT_EXIT_USAGE;
		}
	}
	if (ret)
		return ret;
	if (!*file && optind < argc)
		*file = argv[optind++];
	if (!*file || optind < argc) {
		usage(stderr);
		return FINIT_EXIT_USAGE;
	}
	return -1;
}

/* open_buffers - the top buffer and every instance buffer (trace-cmd -B) */
static int open_buffers(struct tracecmd_input *top, struct tracecmd_input ***out)
{
	int n = tracecmd_buffer_instances(top);
	struct tracecmd_input **h = calloc(n + 1, sizeof(*h));

	if (!h)
		return -1;
	h[0] = top;
	for (int i = 0; i < n; i++)
		h[i + 1] = tracecmd_buffer_instance_handle(top, i);
	*out = h;
	return n + 1;
}

int finit_cmd_report(int argc, char **argv, struct finit_config *cfg)
{
	struct report *r = calloc(1, sizeof(*r));
	struct tracecmd_input *top = NULL, **bufs = NULL;
	struct finit_dat_info info = { 0 };
	const struct finit_sysnr *sysnr;
	const char *file = NULL;
	struct utsname u;
	char err[1024];
	int ret, nbufs = 0;
	bool own;

	if (!r)
		return finit_cli_error(FINIT_EXIT_FAIL, "out of memory");
	r->by_module.title = "successful loads by module";
	r->by_comm.title = "calls by comm";
	r->by_result.title = "calls by result";
	ret = parse_args(argc, argv, cfg, r, &file);
	if (ret >= 0)
		goto out;
	ret = FINIT_EXIT_USAGE;
	if (finit_dat_read_info(file, &info, err, sizeof(err)) < 0) {
		finit_cli_error(ret, "%s", err);
		goto out;
	}
	tracecmd_set_loglevel(TEP_LOG_CRITICAL);
	/* our own files: libtracecmd reads the headers, we read the data */
	own = finit_dat_own(&info);
	top = (own ? tracecmd_open_head : tracecmd_open)(file, TRACECMD_FL_LOAD_NO_PLUGINS |
							 TRACECMD_FL_LOAD_NO_SYSTEM_PLUGINS);
	if (!top) {
		finit_cli_error(ret, "%s: libtracecmd cannot read it (corrupt or unsupported "
				"trace.dat)", file);
		goto out;
	}
	sysnr = finit_sysnr_lookup(info.machine);
	if (!sysnr && !uname(&u))
		sysnr = finit_sysnr_lookup(u.machine);
	r->p.dec = finit_decoder_alloc(tracecmd_get_tep(top), sysnr,
				       find_group(tracecmd_get_tep(top), cfg->instance_prefix));
	ret = FINIT_EXIT_OK;
	if (!r->p.dec) {
		fprintf(stderr, "finit-ftrace: %s holds no module-load events\n", file);
		if (r->stats)
			print_stats(r);
		goto out;
	}
	ret = FINIT_EXIT_USAGE;
	if (cfg->filter &&
	    finit_decoder_set_filter(r->p.dec, cfg->filter, false, err, sizeof(err)) < 0) {
		finit_cli_error(ret, "bad filter:\n%s", err);
		goto out;
	}
	ret = FINIT_EXIT_FAIL;
	r->p.clock_offset_ns = info.has_offset ? info.clock_offset_ns : 0;
	finit_verify_init(&r->p.verify, "that recorded the file");
	r->p.ctx = finit_context_alloc_offline(tracecmd_get_tep(top), info.tgids);
	r->p.corr = finit_correlate_alloc(MAX_PENDING, on_event, r);
	r->em = finit_emit_open(cfg->format, stdout, true);
	nbufs = own ? 0 : open_buffers(top, &bufs);
	if (!r->p.ctx || !r->p.corr || !r->em || nbufs < 0) {
		finit_cli_error(ret, "out of memory");
		goto out;
	}
	for (int i = 0; i < nbufs; i++)
		if (bufs[i])
			tracecmd_follow_missed_events(bufs[i], on_missed, r);
	if (!own) {
		tracecmd_iterate_events_multi(bufs, nbufs, on_record, r);
	} else if (finit_dat_iterate(file, &info, tracecmd_get_tep(top), on_own_record,
				     on_own_missed, r, err, sizeof(err)) < 0 && !r->out_errno) {
		finit_cli_error(FINIT_EXIT_USAGE, "%s", err);
		ret = FINIT_EXIT_USAGE;
		goto out;
	}
	if (!r->out_errno)
		finit_correlate_flush(r->p.corr);
	if (!r->out_errno && finit_emit_flush(r->em) < 0)
		r->out_errno = errno ? errno : EIO;
	if (r->out_errno && r->out_errno != EPIPE) {
		finit_cli_error(ret, "writing events: %s", strerror(r->out_errno));
		goto out;
	}
	if (r->stats)
		print_stats(r);
	ret = FINIT_EXIT_OK;
out:
	for (int i = 1; i < nbufs; i++)
		if (bufs[i])
			tracecmd_close(bufs[i]);
	free(bufs);
	if (top)
		tracecmd_close(top);
	finit_decoder_free(r->p.dec);
	finit_pipeline_release(&r->p);
	finit_correlate_free(r->p.corr);
	finit_context_free(r->p.ctx);
	finit_emit_close(r->em);
	finit_dat_info_free(&info);
	free(r);
	return ret;
}
