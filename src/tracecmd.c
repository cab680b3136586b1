// SPDX-License-Identifier: MIT
/*
 * tracecmd.c - a trace.dat as report reads it (libtracecmd for the
 * headers and trace-cmd's records, dat.c for our own records), and the
 * child process that contains libtracecmd's crashes and loops.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <trace-cmd/trace-cmd.h>

#include "tracecmd.h"

/* What libtracecmd's callbacks need. */
struct walk {
	struct finit_tracecmd		*t;
	const struct finit_tracecmd_ops	*ops;
	bool				stopped;
};

/* open_buffers - the top buffer and every instance buffer (trace-cmd -B) */
static int open_buffers(struct finit_tracecmd *t)
{
	int n = tracecmd_buffer_instances(t->top);

	t->bufs = calloc(n + 1, sizeof(*t->bufs));
	if (!t->bufs)
		return -1;
	t->bufs[0] = t->top;
	for (int i = 0; i < n; i++)
		t->bufs[i + 1] = tracecmd_buffer_instance_handle(t->top, i);
	t->nbufs = n + 1;
	return 0;
}

/* finit_tracecmd_open - the headers through libtracecmd, and the buffers */
int finit_tracecmd_open(struct finit_tracecmd *t, const char *file, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	t->file = file;
	if (finit_dat_read_info(file, &t->info, err, errlen) < 0)
		return -1;
	tracecmd_set_loglevel(TEP_LOG_CRITICAL);
	t->own = finit_dat_own(&t->info);
	t->top = (t->own ? tracecmd_open_head : tracecmd_open)(file,
			TRACECMD_FL_LOAD_NO_PLUGINS | TRACECMD_FL_LOAD_NO_SYSTEM_PLUGINS);
	if (!t->top) {
		snprintf(err, errlen, "%s: libtracecmd cannot read it (corrupt or unsupported "
			 "trace.dat)", file);
		finit_tracecmd_close(t);
		return -1;
	}
	if (!t->own && open_buffers(t) < 0) {
		snprintf(err, errlen, "%s: out of memory", file);
		finit_tracecmd_close(t);
		return -2;
	}
	return 0;
}

/* finit_tracecmd_tep - the file's event formats, from libtracecmd */
struct tep_handle *finit_tracecmd_tep(const struct finit_tracecmd *t)
{
	return tracecmd_get_tep(t->top);
}

/* on_record - libtracecmd's record callback */
static int on_record(struct tracecmd_input *h, struct tep_record *rec, int cpu, void *arg)
{
	struct walk *w = arg;

	(void)h;
	(void)cpu;
	w->t->records++;
	if (w->ops->record(rec, w->ops->arg)) {
		w->stopped = true;
		return -1;
	}
	return 0;
}

/* on_missed - libtracecmd saw a sub-buffer that says events were lost */
static int on_missed(struct tracecmd_input *h, struct tep_event *ev, struct tep_record *rec,
		     int cpu, void *arg)
{
	struct walk *w = arg;

	(void)h;
	(void)ev;
	if (w->ops->missed)
		w->ops->missed(cpu, rec->missed_events, w->ops->arg);
	return 0;
}

/* cpu_data - bytes of CPU data the (v6) flyrecord table claims */
static unsigned long long cpu_data(const struct finit_dat_info *info)
{
	unsigned long long n = 0;

	for (int i = 0; info->cpu_size && i < info->ncpus; i++)
		n += info->cpu_size[i];
	return n;
}

/* finit_tracecmd_iterate - every record, through libtracecmd or dat.c */
int finit_tracecmd_iterate(struct finit_tracecmd *t, const struct finit_tracecmd_ops *ops,
			   char *err, size_t errlen)
{
	struct walk w = { .t = t, .ops = ops };

	if (t->own)
		return finit_dat_iterate(t->file, &t->info, finit_tracecmd_tep(t), ops->record,
					 ops->missed, ops->arg, err, errlen);
	for (int i = 0; i < t->nbufs; i++)
		if (t->bufs[i])
			tracecmd_follow_missed_events(t->bufs[i], on_missed, &w);
	tracecmd_iterate_events_multi(t->bufs, t->nbufs, on_record, &w);
	if (w.stopped)
		return 1;
	if (!t->records && cpu_data(&t->info)) {
		snprintf(err, errlen, "%s: libtracecmd read no record from %llu bytes of CPU data: "
			 "damaged file", t->file, cpu_data(&t->info));
		return -1;
	}
	return 0;
}

/* finit_tracecmd_close - the buffers, the file and what dat.c read */
void finit_tracecmd_close(struct finit_tracecmd *t)
{
	for (int i = 1; i < t->nbufs; i++)
		if (t->bufs[i])
			tracecmd_close(t->bufs[i]);
	free(t->bufs);
	t->bufs = NULL;
	t->nbufs = 0;
	if (t->top)
		tracecmd_close(t->top);
	t->top = NULL;
	finit_dat_info_free(&t->info);
}

/*
 * child - the guarded side: limits, @fn, its exit code down @wfd, _exit
 * (no atexit handler of the parent's runs twice). No RLIMIT_AS: the
 * sanitizers' shadow memory is terabytes of address space.
 */
static void child(int (*fn)(void *), void *arg, unsigned int cpu_seconds, int wfd)
{
	struct rlimit cpu = { cpu_seconds, cpu_seconds + 1 }, core = { 0, 0 };
	unsigned char code;

	signal(SIGXCPU, SIG_DFL);
	setrlimit(RLIMIT_CPU, &cpu);
	setrlimit(RLIMIT_CORE, &core);
	code = fn(arg);
	fflush(NULL);
	while (write(wfd, &code, 1) < 0 && errno == EINTR)
		;
	_exit(code);
}

/* cpu_budget - FINIT_TRACECMD_CPU_BASE, plus FINIT_TRACECMD_CPU_PER_MIB a MiB */
static unsigned int cpu_budget(const char *file)
{
	struct stat st;

	if (stat(file, &st) < 0)
		return FINIT_TRACECMD_CPU_BASE;
	return FINIT_TRACECMD_CPU_BASE + FINIT_TRACECMD_CPU_PER_MIB *
		(unsigned int)(((unsigned long long)st.st_size + (1 << 20) - 1) >> 20);
}

/* death - what the end of a child that never returned its exit code says */
static void death(int status, const char *file, unsigned int cpu_seconds, char *err,
		  size_t errlen)
{
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;

	if (sig == SIGXCPU)
		snprintf(err, errlen, "%s: reading it took more than %u s of CPU, stopped: a "
			 "damaged or hostile file that makes the trace.dat parser loop", file,
			 cpu_seconds);
	else if (sig)
		snprintf(err, errlen, "%s: reading it crashed the trace.dat parser (signal %d, %s):"
			 " a damaged or hostile file", file, sig, strsignal(sig));
	else
		snprintf(err, errlen, "%s: the trace.dat parser died reading it (exit status %d, "
			 "a sanitizer's report or an abort): a damaged or hostile file", file,
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* finit_tracecmd_guarded - @fn in a child; its exit code, or -1 if it died */
int finit_tracecmd_guarded(int (*fn)(void *arg), void *arg, const char *file,
			   unsigned int cpu_seconds, char *err, size_t errlen)
{
	unsigned char code;
	int fds[2], status = 0;
	ssize_t n;
	pid_t pid;

	if (!cpu_seconds)
		cpu_seconds = cpu_budget(file);
	fflush(NULL);
	if (pipe2(fds, O_CLOEXEC) < 0)
		goto fail;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		goto fail;
	}
	if (!pid) {
		close(fds[0]);
		child(fn, arg, cpu_seconds, fds[1]);
	}
	close(fds[1]);
	while ((n = read(fds[0], &code, 1)) < 0 && errno == EINTR)
		;
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n == 1)
		return code;
	death(status, file, cpu_seconds, err, errlen);
	return -1;
fail:
	snprintf(err, errlen, "%s: cannot start the process that reads it: %s", file,
		 strerror(errno));
	return -1;
}
