// SPDX-License-Identifier: MIT
/*
 * cmd-report.c - `finit-ftrace report`: read a trace.dat (ours, or
 * trace-cmd's v6/v7, compressed or not, with several buffers) through
 * libtracecmd, down the same pipeline and emitters as watch.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <trace-cmd/trace-cmd.h>

#include "cli.h"
#include "context.h"
#include "correlate.h"
#include "decoder.h"
#include "emit.h"
#include "finit.h"
#include "log.h"
#include "pipeline.h"
#include "tiers.h"
#include "dat.h"

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
	struct finit_dat_info	info;
	struct tracecmd_input	*top;
	struct tracecmd_input	**bufs;		/* top, then each -B buffer */
	int			nbufs;
	bool			own;		/* one of our files: we read its data */
	unsigned long long	records;	/* what libtracecmd gave us */
	bool			stats;
	const char		*file;
	struct table		by_module, by_comm, by_result;
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
	.shared = "Ffh",
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
	((struct report *)arg)->records++;
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

/*
 * open_file - the trace.dat's headers (libtracecmd; our own files' data is
 * read by us) and its buffers; -1 to go on, else an exit code
 */
static int open_file(struct report *r)
{
	char err[1024];

	if (finit_dat_read_info(r->file, &r->info, err, sizeof(err)) < 0)
		return finit_cli_error(FINIT_EXIT_USAGE, "%s", err);
	tracecmd_set_loglevel(TEP_LOG_CRITICAL);
	r->own = finit_dat_own(&r->info);
	r->top = (r->own ? tracecmd_open_head : tracecmd_open)(r->file,
			TRACECMD_FL_LOAD_NO_PLUGINS | TRACECMD_FL_LOAD_NO_SYSTEM_PLUGINS);
	if (!r->top)
		return finit_cli_error(FINIT_EXIT_USAGE, "%s: libtracecmd cannot read it (corrupt or "
				       "unsupported trace.dat)", r->file);
	r->nbufs = r->own ? 0 : open_buffers(r->top, &r->bufs);
	if (r->nbufs < 0)
		return finit_cli_error(FINIT_EXIT_FAIL, "out of memory");
	return -1;
}

/*
 * open_pipeline - the decoder of the file's events (its raw_syscalls ids
 * by the architecture its uname says, else ours), the filter, the
 * correlator and the emitter; -1 to go on, else an exit code
 */
static int open_pipeline(struct report *r, struct finit_config *cfg)
{
	struct tep_handle *tep = tracecmd_get_tep(r->top);
	const struct finit_sysnr *sysnr = finit_decoder_sysnr(r->info.machine);
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
				r->info.tgids), on_event, r, "that recorded the file") < 0)
		return finit_cli_error(FINIT_EXIT_FAIL, "out of memory");
	/* libtracecmd adds the OFFSET option itself: only our reader needs it */
	r->p.clock_offset_ns = r->own && r->info.has_offset ? r->info.clock_offset_ns : 0;
	return -1;
}

/* cpu_data - bytes of CPU data the (v6) flyrecord table claims */
static unsigned long long cpu_data(const struct finit_dat_info *info)
{
	unsigned long long n = 0;

	for (int i = 0; info->cpu_size && i < info->ncpus; i++)
		n += info->cpu_size[i];
	return n;
}

/* read_events - every record down the pipeline; -1 to go on, else an exit code */
static int read_events(struct report *r)
{
	char err[1024];

	for (int i = 0; i < r->nbufs; i++)
		if (r->bufs[i])
			tracecmd_follow_missed_events(r->bufs[i], on_missed, r);
	if (!r->own) {
		tracecmd_iterate_events_multi(r->bufs, r->nbufs, on_record, r);
		if (!r->records && cpu_data(&r->info))
			return finit_cli_error(FINIT_EXIT_USAGE, "%s: libtracecmd read no record "
					       "from %llu bytes of CPU data: damaged file", r->file,
					       cpu_data(&r->info));
	} else if (finit_dat_iterate(r->file, &r->info, tracecmd_get_tep(r->top), on_own_record,
				   on_own_missed, r, err, sizeof(err)) < 0 && !r->out_errno)
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
	return FINIT_EXIT_OK;
}

/* close_report - everything the report opened */
static void close_report(struct report *r)
{
	for (int i = 1; i < r->nbufs; i++)
		if (r->bufs[i])
			tracecmd_close(r->bufs[i]);
	free(r->bufs);
	if (r->top)
		tracecmd_close(r->top);
	finit_pipeline_close(&r->p);
	finit_emit_close(r->em);
	finit_sink_close(r->sink);
	finit_dat_info_free(&r->info);
	free(r);
}

/*
 * guarded - open, read and print in a child process: libtracecmd and
 * libtraceevent crash on some damaged files, and a file to report on may
 * come from a compromised machine. A crash is an error naming the file.
 */
static int guarded(struct report *r, struct finit_config *cfg)
{
	int status = 0, ret;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return finit_cli_error(FINIT_EXIT_FAIL, "cannot fork: %s", strerror(errno));
	if (!pid) {
		ret = open_file(r);
		if (ret < 0)
			ret = open_pipeline(r, cfg);
		if (ret < 0)
			ret = read_events(r);
		fflush(NULL);
		_exit(ret);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status))
		return finit_cli_error(FINIT_EXIT_USAGE, "%s: reading it crashed the trace.dat "
				       "parser (signal %d): a damaged or hostile file", r->file,
				       WTERMSIG(status));
	return WIFEXITED(status) ? WEXITSTATUS(status) : FINIT_EXIT_FAIL;
}

/* finit_cmd_report - options, then the guarded reading */
int finit_cmd_report(int argc, char **argv, struct finit_config *cfg)
{
	struct report *r = calloc(1, sizeof(*r));
	int ret;

	if (!r)
		return finit_cli_error(FINIT_EXIT_FAIL, "out of memory");
	r->by_module.title = "successful loads by module";
	r->by_comm.title = "calls by comm";
	r->by_result.title = "calls by result";
	ret = parse_args(argc, argv, cfg, r);
	if (ret < 0)
		ret = guarded(r, cfg);
	close_report(r);
	return ret;
}
