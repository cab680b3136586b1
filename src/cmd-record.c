// SPDX-License-Identifier: MIT
/*
 * cmd-record.c - `finit-ftrace record`: capture to trace.dat (v7) for a
 * duration, a count of calls, the life of a command, or until a signal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tracefs.h>

#include "cli.h"
#include "emit.h"
#include "finit.h"
#include "live.h"
#include "context.h"
#include "reclaim.h"
#include "recovery.h"
#include "salvage.h"

#define SEEN_MAX	(4 << 20)	/* bytes of remembered comms and tgids */
#define TABLE(b)	((b).data ? (b).data : "")	/* a table of ours, maybe empty */
#define UNSAVED_RECENT	64		/* a repeat among the last this many is skipped */
#define SETTLE_MS	250		/* how long, at most */
#define RECORD_WAKEUP_PERCENT	10	/* buffer_percent without --tee or -n */

struct record {
	struct finit_live	l;
	const char		*out_path;
	double			duration;	/* seconds, 0: none */
	unsigned long long	count;		/* calls, 0: none */
	bool			v6;		/* --v6 */
	struct finit_emitter	*tee;
	struct finit_sink	*tee_sink;
	char			**cmd;
	pid_t			child;
	int			child_status;
	struct finit_recovery	rc;		/* where the data goes as it is read */
	struct finit_pidclock	clock;		/* before tracing began: what a recovery trusts */
	const char		*recover_dir;	/* --recover: no recording */
	bool			out_given;
	bool			fail_on_deny;	/* exit 4 if the policy denied a call */
	unsigned long long	events;
	unsigned long long	bytes;
	struct finit_buf	seen_comms;	/* "tid comm" the kernel gave us */
	struct finit_buf	seen_tgids;	/* "tid tgid" the kernel gave us */
	int			*unsaved;	/* tids the kernel's tables did not name */
	int			nunsaved;
	int			unsaved_cap;
	bool			tty;
	struct timespec		start;
	struct timespec		last_status;
};

static const struct finit_cli_opt record_opts[] = {
	{ 'o', "output", "FILE", NULL, NULL, NULL, "trace.dat to write (default trace.dat)" },
	{ 'd', "duration", "SECONDS", NULL, NULL, NULL, "stop after this long (fractions allowed)" },
	{ 'n', "count", "COUNT", NULL, NULL, NULL, "stop after COUNT calls" },
	{ 'T', "tee", "FORMAT", NULL, NULL, NULL, "also print the calls live: text, json or csv" },
	{ '6', "v6", NULL, NULL, NULL, NULL, "write trace.dat version 6, uncompressed\n"
	  "(default: 7, zstd; --recover writes the\nversion the recording chose)" },
	{ 'R', "recover", "DIR", NULL, NULL, NULL, "no recording: make the trace.dat of the\n"
	  "recovery directory DIR that a killed or failed\nrecord left (to -o FILE, default the "
	  "output it\nwas for), then remove DIR" },
	{ 0 },
};

static int on_opt(int c, const char *arg, void *ctx);

static const struct finit_cli_cmd record_cli = {
	.name = "record",
	.synopsis = "[options] [-- CMD ARGS...]",
	.about = "Capture module loads to a trace.dat file (trace-cmd's version 7 format,\n"
		 "zstd-compressed; --v6 for version 6)\n"
		 "until the duration is up, COUNT calls are captured, CMD exits, or\n"
		 "SIGINT/SIGTERM. Read it with 'finit-ftrace report' or 'trace-cmd report'.\n"
		 "The data is kept in OUTPUT.finit-ftrace-<pid>.d as it is read; if record\n"
		 "is killed or the disk fills up, 'record --recover' makes the file from it.\n",
	.shared = FINIT_CLI_CAPTURE "hD",
	.own = record_opts,
	.on_own = on_opt,
	.words = true,
	.stop_at_word = true,
};

static double elapsed(const struct record *r)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - r->start.tv_sec) + (now.tv_nsec - r->start.tv_nsec) / 1e9;
}

/* on_page - each raw sub-buffer goes to its CPU's file in the recovery directory */
static int on_page(int cpu, const void *page, size_t len, void *arg)
{
	struct record *r = arg;

	/* after a failed write nothing more is kept: the next round stops the run */
	if (!finit_recovery_append(&r->rc, cpu, page, len))
		r->bytes += len;
	return 0;
}

/* note_unsaved - remember a tid the kernel's tables did not name yet */
static void note_unsaved(struct record *r, int tid)
{
	int *grown;

	for (int i = r->nunsaved - 1; i >= 0 && i >= r->nunsaved - UNSAVED_RECENT; i--)
		if (r->unsaved[i] == tid)
			return;
	if (r->nunsaved == r->unsaved_cap) {
		grown = reallocarray(r->unsaved, r->unsaved_cap ? 2 * r->unsaved_cap : 256,
				     sizeof(*grown));
		if (!grown)
			return;		/* its comm and pid are unknown in the file */
		r->unsaved = grown;
		r->unsaved_cap = r->unsaved_cap ? 2 * r->unsaved_cap : 256;
	}
	r->unsaved[r->nunsaved++] = tid;
}

/* on_event - count finished calls (for -n) and print them with --tee */
static int on_event(const struct finit_event *ev, void *arg)
{
	struct record *r = arg;

	r->events++;
	/*
	 * The kernel's tables keep 128 tasks: remember what they told us for
	 * the file. What came from /proc stays out: offline it is unavailable.
	 */
	if (ev->origin_comm == FINIT_ORIGIN_KERNEL && r->seen_comms.len < SEEN_MAX)
		finit_buf_printf(&r->seen_comms, "%d %s\n", ev->tid, ev->comm);
	if (ev->origin_pid == FINIT_ORIGIN_KERNEL && r->seen_tgids.len < SEEN_MAX)
		finit_buf_printf(&r->seen_tgids, "%d %d\n", ev->tid, ev->pid);
	if (ev->origin_comm != FINIT_ORIGIN_KERNEL || ev->origin_pid != FINIT_ORIGIN_KERNEL)
		note_unsaved(r, ev->tid);
	if (r->tee && finit_emit_event(r->tee, ev) < 0)
		r->tee = NULL;	/* a dead tee does not stop the recording */
	return r->count && r->events >= r->count ? -1 : 0;
}

/* on_round - the status line on a TTY: elapsed, calls, bytes, a few times a second */
static int on_round(void *arg)
{
	struct record *r = arg;
	struct timespec now;

	if (r->rc.failed_errno)
		return 1;
	if (!r->tty)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((now.tv_sec - r->last_status.tv_sec) * 1000 +
	    (now.tv_nsec - r->last_status.tv_nsec) / 1000000 < 250)
		return 0;
	r->last_status = now;
	fprintf(stderr, "\r\033[Kfinit-ftrace: %.1fs  %llu call(s)  %llu bytes", elapsed(r),
		r->events, r->bytes);
	return 0;
}

/* write_dat - the tables, then the trace.dat assembled from the directory; 0 or -1 (said) */
static int write_dat(struct record *r)
{
	struct finit_salvage_info info = { 0 };
	char err[2 * PATH_MAX + 256];
	int ret = finit_recovery_tables(r->rc.dir, TABLE(r->seen_comms), TABLE(r->seen_tgids), err,
					sizeof(err));

	if (!ret)
		ret = finit_salvage_assemble(r->rc.dir, r->out_path, &info, err, sizeof(err));
	finit_salvage_info_free(&info);
	if (ret)
		finit_cli_error(FINIT_EXIT_FAIL, "%s", err);
	return ret;
}

/* keep - a failed run's data stays, with the tables and how to make the file */
static void keep(struct record *r)
{
	char err[2 * PATH_MAX + 256];

	if (finit_recovery_tables(r->rc.dir, TABLE(r->seen_comms), TABLE(r->seen_tgids), err,
				  sizeof(err)) < 0)
		finit_cli_error(FINIT_EXIT_FAIL, "%s (comm and pid will be unknown)", err);
	fprintf(stderr, "finit-ftrace: captured data kept in %s (%llu bytes of sub-buffers); "
		"make the trace.dat with 'finit-ftrace record --recover %s -o FILE', FILE on a "
		"disk with room if this one is full\n", r->rc.dir, r->bytes, r->rc.dir);
}

/* on_opt - record's own options */
static int on_opt(int c, const char *arg, void *ctx)
{
	struct record *r = ctx;
	enum finit_format fmt;
	char *end;

	switch (c) {
	case 'o':
		r->out_path = arg;
		r->out_given = true;
		break;
	case 'R':
		r->recover_dir = arg;
		break;
	case 'd':
		r->duration = strtod(arg, &end);
		if (*end || r->duration <= 0)
			return finit_cli_error(FINIT_EXIT_USAGE, "--duration: '%s' is not a "
					       "positive number of seconds", arg);
		break;
	case 'n':
		r->count = strtoull(arg, &end, 10);
		if (*end || !r->count || *arg == '-')
			return finit_cli_error(FINIT_EXIT_USAGE, "--count: '%s' is not a "
					       "positive whole number", arg);
		break;
	case '6':
		r->v6 = true;
		break;
	case 'T':
		if (finit_emit_format_parse(arg, &fmt) < 0)
			return finit_cli_error(FINIT_EXIT_USAGE, "--tee: '%s' is not a format", arg);
		finit_emit_close(r->tee);
		r->tee = finit_emit_open(fmt, r->tee_sink, false);
		break;
	}
	return -1;
}

/*
 * check_output - the file can be made where it goes: its directory exists
 * and is writable, and the path is not a directory (said before tracing)
 */
static int check_output(const char *path)
{
	char *copy = strdup(path), *dir = copy ? dirname(copy) : NULL;
	struct stat st;
	int ret = 0;

	if (!dir)
		return finit_cli_error(FINIT_EXIT_FAIL, "out of memory");
	if (access(dir, W_OK) < 0)
		ret = finit_cli_error(FINIT_EXIT_FAIL, "cannot write %s: its directory %s: %s",
				      path, dir, strerror(errno));
	else if (!stat(path, &st) && S_ISDIR(st.st_mode))
		ret = finit_cli_error(FINIT_EXIT_FAIL, "cannot write %s: it is a directory", path);
	free(copy);
	return ret;
}

/* parse_args - options over the config; returns -1 to go on, else an exit code */
static int parse_args(int argc, char **argv, struct finit_config *cfg, struct record *r)
{
	int ret;

	r->out_path = "trace.dat";
	r->tee_sink = finit_sink_stream(stdout, "stdout");
	if (!r->tee_sink)
		return finit_cli_error(FINIT_EXIT_FAIL, "out of memory");
	ret = finit_cli_parse(&record_cli, argc, argv, cfg, r);
	if (ret < 0 && optind < argc)
		r->cmd = argv + optind;
	if (ret < 0 && r->cmd && r->recover_dir)
		return finit_cli_error(FINIT_EXIT_USAGE, "--recover runs no command");
	if (ret < 0 && r->v6 && r->recover_dir)
		return finit_cli_error(FINIT_EXIT_USAGE, "--recover writes the trace.dat version "
				       "the recording chose (record --v6 for version 6): drop --v6");
	if (ret < 0 && (!r->recover_dir || r->out_given) && check_output(r->out_path))
		return FINIT_EXIT_FAIL;
	return ret;
}

/* start_command - fork CMD with our signals unblocked, once tracing is armed */
static int start_command(struct record *r)
{
	sigset_t all;

	fflush(NULL);
	r->child = fork();
	if (r->child < 0)
		return finit_cli_error(FINIT_EXIT_FAIL, "cannot fork: %s", strerror(errno));
	if (!r->child) {
		sigfillset(&all);
		sigprocmask(SIG_UNBLOCK, &all, NULL);
		signal(SIGPIPE, SIG_DFL);
		execvp(r->cmd[0], r->cmd);
		fprintf(stderr, "finit-ftrace: cannot run %s: %s\n", r->cmd[0], strerror(errno));
		_exit(127);
	}
	return 0;
}

/* run - stream until a stop condition; SIGCHLD of others and SIGALRM ticks go on */
static int run(struct record *r)
{
	for (;;) {
		int sig = finit_live_run(&r->l, r->tty ? 250 : -1, on_round, r);

		/* only CMD's exit stops us: the self-test's 32-bit child exits too */
		if (sig == SIGCHLD) {
			if (r->child <= 0 ||
			    waitpid(r->child, &r->child_status, WNOHANG) != r->child)
				continue;
			r->child = 0;
		}
		return sig;
	}
}

/* report_command - CMD's exit status, as trace-cmd says it */
static void report_command(const struct record *r)
{
	if (!r->cmd)
		return;
	if (WIFEXITED(r->child_status))
		fprintf(stderr, "finit-ftrace: %s exited with status %d\n", r->cmd[0],
			WEXITSTATUS(r->child_status));
	else if (WIFSIGNALED(r->child_status))
		fprintf(stderr, "finit-ftrace: %s was killed by signal %d\n", r->cmd[0],
			WTERMSIG(r->child_status));
}

/* arm_timer - SIGALRM after the duration, if one was given */
static void arm_timer(const struct record *r)
{
	struct itimerval it = { .it_value = {
		.tv_sec = (time_t)r->duration,
		.tv_usec = (suseconds_t)((r->duration - (time_t)r->duration) * 1e6) } };

	if (r->duration <= 0)
		return;
	if (!it.it_value.tv_sec && !it.it_value.tv_usec)
		it.it_value.tv_usec = 1;
	setitimer(ITIMER_REAL, &it, NULL);
}

/*
 * prepare - the CPU files, what the pipeline reads while recording, and
 * how often the kernel wakes us; -1 to go on, else an exit code
 */
static int prepare(struct record *r)
{
	const struct finit_session *s = &r->l.s;
	const struct finit_recovery_source src = {
		.inst = s->inst, .events = s->events, .nevents = s->nevents,
		.ncpus = s->ncpus, .page_size = s->subbuf_size,
		.clock_offset_ns = s->clock_offset_ns, .v6 = r->v6, .clock = r->clock,
	};
	char err[2 * PATH_MAX];

	if (finit_recovery_create(&r->rc, r->out_path, &src, err, sizeof(err)) < 0)
		return finit_cli_error(FINIT_EXIT_FAIL, "%s", err);
	finit_stream_set_page_cb(r->l.st, on_page, r);
	/* a file cannot keep what /proc says: only --tee shows it, and a
	 * policy judges it */
	r->l.p.procfs = r->tee != NULL || r->l.p.policy != NULL;
	r->l.p.defer_context = !r->tee;
	/*
	 * Nothing to show, judge or count as it happens: read whole sub-buffers when
	 * a tenth of the buffer is full (and all that is left at the end), rather
	 * than a sliver of a page per wake-up, which costs a page in the file.
	 * At half full (as before) a late wake-up under load overran the rest.
	 */
	if (!r->l.p.procfs && !r->count &&
	    finit_live_set_wakeup(&r->l, RECORD_WAKEUP_PERCENT) < 0)
		return finit_cli_error(FINIT_EXIT_FAIL, "cannot set buffer_percent on instance %s",
				       r->l.s.name);
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	arm_timer(r);
	if (r->cmd && start_command(r))
		return FINIT_EXIT_FAIL;
	return -1;
}

/* finish - summary, CMD's status, the callers named, the file written */
static int finish(struct record *r, int sig)
{
	finit_live_finish(&r->l);
	if (r->tty)
		fputs("\r\033[K", stderr);
	finit_live_summary(&r->l);
	for (int cpu = 0; cpu < r->l.s.ncpus; cpu++)
		fprintf(stderr, "finit-ftrace: cpu%d: %llu bytes of sub-buffers\n", cpu,
			r->rc.bytes[cpu]);
	if (r->child > 0) {
		kill(r->child, SIGTERM);
		waitpid(r->child, &r->child_status, 0);
	}
	report_command(r);
	/* the last callers may not have been switched out yet: give the kernel
	 * a moment to save their comm before the file takes the tables */
	if (r->nunsaved)
		finit_context_settle(r->l.p.ctx, r->unsaved, r->nunsaved, SETTLE_MS,
				     &r->seen_comms, &r->seen_tgids);
	if (r->rc.failed_errno) {
		char path[PATH_MAX + 32];

		finit_salvage_cpu_path(r->rc.dir, r->rc.failed_cpu, path, sizeof(path));
		return finit_cli_error(FINIT_EXIT_FAIL, "cannot write %s: %s; recording stopped",
				       path, strerror(r->rc.failed_errno));
	}
	if (sig < 0 || write_dat(r) < 0)
		return FINIT_EXIT_FAIL;
	fprintf(stderr, "finit-ftrace: wrote %s: %llu call(s), %llu bytes of data\n",
		r->out_path, r->events, r->bytes);
	/* the file is kept; the exit code says the instance was tampered with */
	return finit_pipeline_exit(&r->l.p, r->fail_on_deny,
				   r->l.tampered ? FINIT_EXIT_FAIL : FINIT_EXIT_OK);
}

/* said_recovered - per CPU what a recovery directory gave, then where it went */
static void said_recovered(const struct finit_salvage_info *info, const char *out,
			   const char *dir)
{
	unsigned long long total = 0;

	for (int cpu = 0; cpu < info->ncpus; cpu++) {
		fprintf(stderr, "finit-ftrace: cpu%d: %llu bytes (%llu sub-buffers) recovered\n",
			cpu, info->cpu_bytes[cpu], info->cpu_bytes[cpu] / info->page_size);
		total += info->cpu_bytes[cpu];
	}
	fprintf(stderr, "finit-ftrace: wrote %s: %llu bytes of data from %s (trace.dat version "
		"%d)\n", out, total, dir, info->dat_version);
	if (finit_recovery_remove(dir) < 0)
		fprintf(stderr, "finit-ftrace: cannot remove %s: %s\n", dir, strerror(errno));
	else
		fprintf(stderr, "finit-ftrace: removed %s\n", dir);
}

/*
 * recover - `record --recover DIR`: what a dead recorder's instance still
 * holds into DIR first (as cleanup does), then the trace.dat made of DIR
 */
static int recover(struct record *r, const struct finit_config *cfg)
{
	struct finit_salvage_info info = { 0 };
	struct finit_salvage_meta m;
	char err[2 * PATH_MAX + 256];
	const char *dir = r->recover_dir;
	int ret;

	if (finit_salvage_meta(dir, &m, err, sizeof(err)) < 0)
		return finit_cli_error(FINIT_EXIT_USAGE, "%s", err);
	if (finit_reclaim_owner_alive(m.pid))
		return finit_cli_error(FINIT_EXIT_FAIL, "%s is being written by record (pid %d): "
				       "stop that one first", dir, m.pid);
	if (!geteuid())
		finit_reclaim_instance(cfg->instance_prefix, m.pid, true);
	ret = finit_salvage_assemble(dir, r->out_given ? r->out_path : NULL, &info, err,
				     sizeof(err));
	if (ret < 0)
		finit_cli_error(FINIT_EXIT_FAIL, "%s; %s is kept", err, dir);
	else
		said_recovered(&info, r->out_given ? r->out_path : info.output, dir);
	finit_salvage_info_free(&info);
	return ret < 0 ? FINIT_EXIT_FAIL : FINIT_EXIT_OK;
}

/* finit_cmd_record - arm, record until a stop condition, write the file */
int finit_cmd_record(int argc, char **argv, struct finit_config *cfg)
{
	static const int extra[] = { SIGALRM, SIGCHLD, 0 };
	struct record r = { .child = -1 };
	int ret;

	ret = parse_args(argc, argv, cfg, &r);
	if (ret < 0 && r.recover_dir) {
		ret = recover(&r, cfg);
	} else if (ret < 0) {
		r.tty = isatty(STDERR_FILENO);
		r.fail_on_deny = cfg->fail_on_deny;
		finit_pidclock_read(&r.clock);
		ret = finit_live_open(&r.l, cfg, extra, on_event, &r);
		if (ret == FINIT_EXIT_OK) {
			ret = prepare(&r);
			if (ret < 0)
				ret = finish(&r, run(&r));
			if (ret != FINIT_EXIT_OK && r.bytes)
				keep(&r);
			finit_recovery_close(&r.rc, ret == FINIT_EXIT_OK || !r.bytes);
			if (finit_live_close(&r.l) < 0)
				ret = FINIT_EXIT_FAIL;
		}
	}
	finit_emit_close(r.tee);
	finit_sink_close(r.tee_sink);
	finit_buf_free(&r.seen_comms);
	finit_buf_free(&r.seen_tgids);
	free(r.unsaved);
	return ret;
}
