// SPDX-License-Identifier: MIT
/*
 * cmd-watch.c - `finit-ftrace watch`: stream every module load live.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <traceevent/event-parse.h>

#include "cli.h"
#include "context.h"
#include "correlate.h"
#include "decode.h"
#include "emit.h"
#include "finit.h"
#include "pipeline.h"
#include "session.h"
#include "stream.h"
#include "tiers.h"

#define MAX_PENDING	4096

struct watch {
	struct finit_session	s;
	struct finit_pipeline	p;
	struct finit_emitter	*em;
	int			out_errno;	/* first output error */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: finit-ftrace [-c FILE] watch [options]\n"
		"\n"
		"Stream every finit_module call as it happens, until SIGINT or SIGTERM\n"
		"(or until the reader of the output goes away).\n"
		"\n"
		"  -f, --filter EXPR       kernel filter syntax on fd, uargs, flags, common_pid\n"
		"                          (e.g. 'flags & 4', 'fd > 2 && flags != 0');\n"
		"                          it applies to finit_module calls\n"
		"  -e, --events LIST       finit_module,init_module,delete_module,module_free\n"
		"                          or all (default)\n"
		"  -H, --hash              add the sha256 of the module file (best effort)\n"
		"  -F, --format FMT        text (default), json (JSON Lines) or csv\n"
		"  -o, --output FILE       write events to FILE instead of stdout\n"
		"  -b, --buffer-size KB    per-CPU ring buffer of our instance\n"
		"  -t, --tracefs DIR       tracefs mount point (default: find or mount it)\n"
		"  -p, --prefix NAME       instance name prefix (instances are NAME-<pid>)\n"
		"  -h, --help              this help\n");
}

/* on_event - the correlator's output: one finished call to the emitter */
static int on_event(const struct finit_event *ev, void *arg)
{
	struct watch *w = arg;

	if (finit_emit_event(w->em, ev) < 0) {
		w->out_errno = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

/* on_round - a new read round: the kernel's comm/tgid tables may have changed */
static void on_round(void *arg)
{
	struct watch *w = arg;

	finit_context_expire(w->p.ctx);
}

/* on_record - every record of the stream goes down the shared pipeline */
static int on_record(struct tep_record *rec, void *arg)
{
	struct watch *w = arg;

	return finit_pipeline_record(&w->p, rec);
}

/* summary - events and lost events per CPU, from kbuffer and per_cpu/cpuN/stats */
static int summary(struct watch *w, struct finit_stream *st)
{
	struct finit_corr_stats cs;
	unsigned long long lost_total = 0;

	finit_correlate_stats(w->p.corr, &cs);
	fprintf(stderr, "finit-ftrace: %llu event(s), %llu record(s) read",
		cs.emitted, finit_stream_records(st));
	if (cs.unfinished)
		fprintf(stderr, ", %llu without an exit before shutdown", cs.unfinished);
	if (cs.evicted)
		fprintf(stderr, ", %llu emitted early (pending table full)", cs.evicted);
	fputc('\n', stderr);
	for (int cpu = 0; cpu < w->s.ncpus; cpu++) {
		unsigned long long overrun = 0, dropped = 0, missed;
		int unknown;

		missed = finit_stream_missed(st, cpu, &unknown);
		finit_session_cpu_stats(&w->s, cpu, &overrun, &dropped);
		lost_total += missed + overrun + dropped + unknown;
		if (missed || unknown || overrun || dropped)
			fprintf(stderr, "finit-ftrace: cpu%d LOST events: %llu%s in sub-buffer "
				"headers, overrun %llu, dropped %llu (raise buffer_size_kb)\n",
				cpu, missed, unknown ? "+unknown" : "", overrun, dropped);
	}
	if (!lost_total)
		fprintf(stderr, "finit-ftrace: lost events: 0 on all %d CPUs\n", w->s.ncpus);
	return 0;
}

/* parse_args - options over the config; returns -1 to go on, else an exit code */
static int parse_args(int argc, char **argv, struct finit_config *cfg)
{
	static const struct option opts[] = {
		{ "filter",      required_argument, NULL, 'f' },
		{ "events",      required_argument, NULL, 'e' },
		{ "hash",        no_argument,       NULL, 'H' },
		{ "format",      required_argument, NULL, 'F' },
		{ "output",      required_argument, NULL, 'o' },
		{ "buffer-size", required_argument, NULL, 'b' },
		{ "tracefs",     required_argument, NULL, 't' },
		{ "prefix",      required_argument, NULL, 'p' },
		{ "help",        no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret = 0;

	optind = 0;
	while (!ret && (c = getopt_long(argc, argv, "f:e:HF:o:b:t:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			ret = finit_cli_set(cfg, "--filter", "capture", "filter", optarg);
			break;
		case 'e':
			ret = finit_cli_set(cfg, "--events", "capture", "events", optarg);
			break;
		case 'H':
			ret = finit_cli_set(cfg, "--hash", "capture", "hash", "true");
			break;
		case 'F':
			ret = finit_cli_set(cfg, "--format", "output", "format", optarg);
			break;
		case 'o':
			ret = finit_cli_set(cfg, "--output", "output", "file", optarg);
			break;
		case 'b':
			ret = finit_cli_set(cfg, "--buffer-size", "tracefs", "buffer_size_kb", optarg);
			break;
		case 't':
			ret = finit_cli_set(cfg, "--tracefs", "tracefs", "path", optarg);
			break;
		case 'p':
			ret = finit_cli_set(cfg, "--prefix", "tracefs", "instance_prefix", optarg);
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
	if (optind < argc) {
		usage(stderr);
		return finit_cli_error(FINIT_EXIT_USAGE, "watch: unexpected argument '%s'",
				       argv[optind]);
	}
	return -1;
}

/* block_signals - signals arrive through a signalfd; SIGPIPE becomes EPIPE */
static int block_signals(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

int finit_cmd_watch(int argc, char **argv, struct finit_config *cfg)
{
	struct watch w = { 0 };
	struct finit_stream *st = NULL;
	FILE *out = stdout;
	char err[2048];
	int ret, sigfd, sig = 0;

	ret = parse_args(argc, argv, cfg);
	if (ret >= 0)
		return ret;
	sigfd = block_signals();
	if (sigfd < 0)
		return finit_cli_error(FINIT_EXIT_FAIL, "cannot set up signalfd: %s", strerror(errno));
	if (cfg->output) {
		out = fopen(cfg->output, "w");
		if (!out) {
			close(sigfd);
			return finit_cli_error(FINIT_EXIT_FAIL, "cannot open output %s: %s",
					       cfg->output, strerror(errno));
		}
	}
	ret = finit_session_open(&w.s, cfg, &w.p.dec, err, sizeof(err));
	if (ret != FINIT_EXIT_OK) {
		finit_cli_error(ret, "%s", err);
		goto out_file;
	}
	ret = FINIT_EXIT_FAIL;
	w.p.hash = cfg->hash;
	w.p.clock_offset_ns = w.s.clock_offset_ns;
	w.p.ctx = finit_context_alloc(w.s.record_tgid);
	w.em = finit_emit_open(cfg->format, out);
	w.p.corr = finit_correlate_alloc(MAX_PENDING, on_event, &w);
	if (!w.p.ctx || !w.em || !w.p.corr) {
		finit_cli_error(ret, "out of memory");
		goto out_session;
	}
	st = finit_stream_open(w.s.inst, w.s.tep, w.s.ncpus, w.s.subbuf_size, err, sizeof(err));
	if (!st) {
		finit_cli_error(ret, "%s", err);
		goto out_session;
	}
	if (finit_session_enable(&w.s, err, sizeof(err)) < 0) {
		finit_cli_error(ret, "%s", err);
		goto out_stream;
	}
	fprintf(stderr, "finit-ftrace: armed: instance %s, events %s, strings %s, filter %s, "
		"clock %s\n", w.s.name, finit_path_name(w.s.path), finit_tier_name(w.s.tier),
		!cfg->filter ? "none" : w.s.user_filter && w.s.path == FINIT_PATH_RAW ?
		"in user space" : w.s.user_filter ? "in kernel (user space for 32-bit callers)" :
		"in kernel", w.s.clock);

	sig = finit_stream_run(st, sigfd, on_round, on_record, &w);
	if (sig < 0)
		finit_cli_error(ret, "reading trace_pipe_raw of %s: %s", w.s.name, strerror(errno));
	finit_session_stop(&w.s);
	if (!w.out_errno) {
		finit_context_expire(w.p.ctx);
		if (finit_stream_drain(st, on_record, &w) < 0 && !w.out_errno)
			finit_cli_error(ret, "draining %s: %s", w.s.name, strerror(errno));
		if (!w.out_errno)
			finit_correlate_flush(w.p.corr);
	}
	summary(&w, st);
	if (w.out_errno && w.out_errno != EPIPE)
		finit_cli_error(ret, "writing events to %s: %s", cfg->output ? cfg->output : "stdout",
				strerror(w.out_errno));
	else if (sig >= 0)
		ret = FINIT_EXIT_OK;
out_stream:
	finit_stream_close(st);
out_session:
	if (finit_session_close(&w.s) < 0)
		ret = FINIT_EXIT_FAIL;
	finit_decoder_free(w.p.dec);
	finit_correlate_free(w.p.corr);
	finit_emit_close(w.em);
	finit_context_free(w.p.ctx);
out_file:
	if (out != stdout)
		fclose(out);
	close(sigfd);
	return ret;
}
