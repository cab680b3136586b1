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
#include "dat-save.h"

#define SEEN_MAX	(4 << 20)	/* bytes of remembered comms and tgids */
#define UNSAVED_MAX	64		/* callers waited for at the end */
#define SETTLE_MS	250		/* how long, at most */
#define RECORD_WAKEUP_PERCENT	50	/* buffer_percent without --tee or -n */

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
	FILE			**cpu_files;
	char			**cpu_paths;
	unsigned long long	*cpu_bytes;
	unsigned long long	events;
	unsigned long long	bytes;
	int			write_errno;
	struct finit_buf	seen_comms;	/* "tid comm" the kernel gave us */
	struct finit_buf	seen_tgids;	/* "tid tgid" the kernel gave us */
	int			unsaved[UNSAVED_MAX];	/* tids the tables lacked */
	int			nunsaved;
	bool			tty;
	struct timespec		start;
	struct timespec		last_status;
};

static const struct finit_cli_opt record_opts[] = {
	{ 'o', "output", "FILE", NULL, NULL, NULL, "trace.dat to write (default trace.dat)" },
	{ 'd', "duration", "SECONDS", NULL, NULL, NULL, "stop after this long (fractions allowed)" },
	{ 'n', "count", "COUNT", NULL, NULL, NULL, "stop after COUNT calls" },
	{ 'T', "tee", "FORMAT", NULL, NULL, NULL, "also print the calls live: text, json or csv" },
	{ '6', "v6", NULL, NULL, NULL, NULL, "write trace.dat version 6, uncompressed (default: 7, zstd)" },
	{ 0 },
};

static int on_opt(int c, const char *arg, void *ctx);

static const struct finit_cli_cmd record_cli = {
	.name = "record",
	.synopsis = "[options] [-- CMD ARGS...]",
	.about = "Capture module loads to a trace.dat file (trace-cmd's version 7 format,\n"
		 "zstd-compressed; --v6 for version 6)\n"
		 "until the duration is up, COUNT calls are captured, CMD exits, or\n"
		 "SIGINT/SIGTERM. Read it with 'finit-ftrace report' or 'trace-cmd report'.\n",
	.shared = FINIT_CLI_CAPTURE "h",
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

/* on_page - each raw sub-buffer goes to its CPU's temporary file */
static int on_page(int cpu, const void *page, size_t len, void *arg)
{
	struct record *r = arg;

	if (fwrite(page, 1, len, r->cpu_files[cpu]) != len) {
		r->write_errno = errno ? errno : EIO;
		return -1;
	}
	r->cpu_bytes[cpu] += len;
	r->bytes += len;
	return 0;
}

/* note_unsaved - remember a tid the kernel's tables did not name yet */
static void note_unsaved(struct record *r, int tid)
{
	for (int i = 0; i < r->nunsaved; i++)
		if (r->unsaved[i] == tid)
			return;
	if (r->nunsaved < UNSAVED_MAX)
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

/* open_cpu_files - one temporary file per CPU beside the output */
static int open_cpu_files(struct record *r, int ncpus)
{
	char *dir_copy = strdup(r->out_path), *dir = dirname(dir_copy);

	r->cpu_files = calloc(ncpus, sizeof(*r->cpu_files));
	r->cpu_paths = calloc(ncpus, sizeof(*r->cpu_paths));
	r->cpu_bytes = calloc(ncpus, sizeof(*r->cpu_bytes));
	if (!dir_copy || !r->cpu_files || !r->cpu_paths || !r->cpu_bytes)
		goto fail;
	for (int cpu = 0; cpu < ncpus; cpu++) {
		int fd;

		if (asprintf(&r->cpu_paths[cpu], "%s/.finit-ftrace-%d.cpu%d.XXXXXX", dir,
			     (int)getpid(), cpu) < 0) {
			r->cpu_paths[cpu] = NULL;
			goto fail;
		}
		fd = mkostemp(r->cpu_paths[cpu], O_CLOEXEC);
		if (fd < 0 || !(r->cpu_files[cpu] = fdopen(fd, "w+"))) {
			finit_cli_error(FINIT_EXIT_FAIL, "cannot create %s: %s", r->cpu_paths[cpu],
					strerror(errno));
			free(dir_copy);
			return -1;
		}
	}
	free(dir_copy);
	return 0;
fail:
	free(dir_copy);
	finit_cli_error(FINIT_EXIT_FAIL, "out of memory");
	return -1;
}

/* close_cpu_files - close, and remove them when @remove (else keep and say where) */
static void close_cpu_files(struct record *r, int ncpus, bool remove)
{
	for (int cpu = 0; r->cpu_paths && cpu < ncpus; cpu++) {
		if (r->cpu_files[cpu])
			fclose(r->cpu_files[cpu]);
		if (r->cpu_paths[cpu] && remove)
			unlink(r->cpu_paths[cpu]);
		else if (r->cpu_paths[cpu])
			fprintf(stderr, "finit-ftrace: cpu%d raw data kept in %s\n", cpu,
				r->cpu_paths[cpu]);
		free(r->cpu_paths[cpu]);
	}
	free(r->cpu_files);
	free(r->cpu_paths);
	free(r->cpu_bytes);
}

/* write_dat - the trace.dat from the session and the CPU files; 0 or -1 (said) */
static int write_dat(struct record *r)
{
	const struct finit_session *s = &r->l.s;
	const struct finit_dat_source src = {
		.inst = s->inst, .events = s->events, .nevents = s->nevents,
		.ncpus = s->ncpus, .page_size = s->subbuf_size,
		.clock_offset_ns = s->clock_offset_ns,
		.seen_comms = r->seen_comms.data, .seen_tgids = r->seen_tgids.data,
		.v6 = r->v6,
	};
	char err[1024];

	if (finit_dat_save(r->out_path, &src, r->cpu_files, err, sizeof(err)) == 0)
		return 0;
	finit_cli_error(FINIT_EXIT_FAIL, "%s", err);
	return -1;
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
	if (ret < 0 && check_output(r->out_path))
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
	if (open_cpu_files(r, r->l.s.ncpus) < 0)
		return FINIT_EXIT_FAIL;
	finit_stream_set_page_cb(r->l.st, on_page, r);
	/* a file cannot keep what /proc says: only --tee shows it */
	r->l.p.procfs = r->tee != NULL;
	r->l.p.defer_context = !r->tee;
	/*
	 * Nothing to show or count as it happens: read whole sub-buffers when
	 * half the buffer is full (and all that is left at the end), rather
	 * than a sliver of a page per wake-up, which costs a page in the file.
	 */
	if (!r->tee && !r->count && finit_session_set_wakeup(&r->l.s, RECORD_WAKEUP_PERCENT) < 0)
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
			r->cpu_bytes[cpu]);
	if (r->child > 0) {
		kill(r->child, SIGTERM);
		waitpid(r->child, &r->child_status, 0);
	}
	report_command(r);
	/* the last callers may not have been switched out yet: give the kernel
	 * a moment to save their comm before the file takes the tables */
	if (r->nunsaved)
		finit_context_settle(r->l.p.ctx, r->unsaved, r->nunsaved, SETTLE_MS);
	if (r->write_errno)
		return finit_cli_error(FINIT_EXIT_FAIL, "writing raw data: %s (disk full?)",
				       strerror(r->write_errno));
	if (sig < 0 || write_dat(r) < 0)
		return FINIT_EXIT_FAIL;
	fprintf(stderr, "finit-ftrace: wrote %s: %llu call(s), %llu bytes of data\n",
		r->out_path, r->events, r->bytes);
	return FINIT_EXIT_OK;
}

/* finit_cmd_record - arm, record until a stop condition, write the file */
int finit_cmd_record(int argc, char **argv, struct finit_config *cfg)
{
	static const int extra[] = { SIGALRM, SIGCHLD, 0 };
	struct record r = { .child = -1 };
	int ret;

	ret = parse_args(argc, argv, cfg, &r);
	if (ret < 0) {
		r.tty = isatty(STDERR_FILENO);
		ret = finit_live_open(&r.l, cfg, extra, on_event, &r);
		if (ret == FINIT_EXIT_OK) {
			ret = prepare(&r);
			if (ret < 0)
				ret = finish(&r, run(&r));
			close_cpu_files(&r, r.l.s.ncpus, ret == FINIT_EXIT_OK || !r.bytes);
			if (finit_live_close(&r.l) < 0)
				ret = FINIT_EXIT_FAIL;
		}
	}
	finit_emit_close(r.tee);
	finit_sink_close(r.tee_sink);
	finit_buf_free(&r.seen_comms);
	finit_buf_free(&r.seen_tgids);
	return ret;
}
