// SPDX-License-Identifier: MIT
/*
 * recovery.c - a recording's recovery directory, written: the header's
 * parts from tracefs at the start, the raw sub-buffers as they come, the
 * tables at the end; its registration under /run; and what a killed
 * recorder's instance still holds, saved into it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <tracefs.h>

#include "buf.h"
#include "log.h"
#include "pidclock.h"
#include "recovery.h"
#include "salvage.h"

/* write_all - every byte of @p, or -1 with errno (ENOSPC for a short write) */
static int write_all(int fd, const void *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!n)
				errno = ENOSPC;
			return -1;
		}
		p = (const char *)p + n;
		len -= (size_t)n;
	}
	return 0;
}

/* put_file - @dir/@name holds @len bytes of @data; 0, or -1 with @err */
static int put_file(const char *dir, const char *name, const char *data, size_t len,
		    char *err, size_t errlen)
{
	char path[PATH_MAX + 64];
	int fd, ret, saved;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	ret = fd < 0 ? -1 : write_all(fd, data, len);
	saved = errno;
	if (fd >= 0 && close(fd) < 0 && !ret) {
		ret = -1;
		saved = errno;
	}
	if (ret < 0)
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(saved));
	return ret;
}

/* absolute - @path with its directory resolved (the file need not exist) */
static int absolute(const char *path, char *out, size_t len)
{
	char *a = strdup(path), *b = strdup(path), *real = a ? realpath(dirname(a), NULL) : NULL;
	int ret = -1;

	if (real && b && (size_t)snprintf(out, len, "%s/%s", real, basename(b)) < len)
		ret = 0;
	free(real);
	free(a);
	free(b);
	return ret;
}

/* put_tracefs - @name of tracefs (of @inst, or the top) into the directory */
static int put_tracefs(const char *dir, struct tracefs_instance *inst, const char *file,
		       const char *name, char *err, size_t errlen)
{
	int size = 0;
	char *text = tracefs_instance_file_read(inst, file, &size);
	int ret;

	if (!text) {
		snprintf(err, errlen, "cannot read %s from tracefs", file);
		return -1;
	}
	ret = put_file(dir, name, text, (size_t)size, err, errlen);
	free(text);
	return ret;
}

/* put_formats - format.N: the format of each enabled event */
static int put_formats(const char *dir, const struct finit_recovery_source *src,
		       char *err, size_t errlen)
{
	for (int i = 0; i < src->nevents; i++) {
		char file[256], name[32];

		snprintf(file, sizeof(file), "events/%s/%s/format", src->events[i].sys,
			 src->events[i].name);
		snprintf(name, sizeof(name), "format.%d", i);
		if (put_tracefs(dir, NULL, file, name, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* put_meta - meta, last: once it is there, the directory is complete */
static int put_meta(const char *dir, const char *out, const struct finit_recovery_source *src,
		    char *err, size_t errlen)
{
	struct finit_buf b = { 0 };
	struct utsname u;
	int ret = -1;

	finit_buf_printf(&b, "version=%d\npid=%d\noutput=%s\npage_size=%d\nncpus=%d\n"
			 "clock_offset_ns=%lld\ndat_version=%d\n", FINIT_SALVAGE_VERSION,
			 (int)getpid(), out, src->page_size, src->ncpus, src->clock_offset_ns,
			 src->v6 ? 6 : 7);
	if (src->clock.ok)	/* the pid clock before tracing: what a recovery trusts */
		finit_buf_printf(&b, "forks=%lld\nlast_pid=%d\n", src->clock.forks,
				 src->clock.last_pid);
	if (!uname(&u))
		finit_buf_printf(&b, "uname=%s %s %s %s\n", u.sysname, u.release, u.version,
				 u.machine);
	for (int i = 0; i < src->nevents; i++)
		finit_buf_printf(&b, "event=%s:%s\n", src->events[i].sys, src->events[i].name);
	if (!b.data)
		snprintf(err, errlen, "out of memory");
	else
		ret = put_file(dir, "meta", b.data, b.len, err, errlen);
	finit_buf_free(&b);
	return ret;
}

/* open_cpus - cpuN, empty, appended to */
static int open_cpus(struct finit_recovery *rc, char *err, size_t errlen)
{
	rc->fds = malloc(sizeof(*rc->fds) * (size_t)rc->ncpus);
	rc->bytes = calloc((size_t)rc->ncpus, sizeof(*rc->bytes));
	if (!rc->fds || !rc->bytes) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int cpu = 0; cpu < rc->ncpus; cpu++)
		rc->fds[cpu] = -1;
	for (int cpu = 0; cpu < rc->ncpus; cpu++) {
		char path[PATH_MAX + 32];

		finit_salvage_cpu_path(rc->dir, cpu, path, sizeof(path));
		rc->fds[cpu] = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
		if (rc->fds[cpu] < 0) {
			snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* enroll - /run/finit-ftrace/record-<pid> names the directory (said if it cannot) */
static void enroll(const char *dir)
{
	char name[64], err[PATH_MAX + 128], line[PATH_MAX + 2];

	snprintf(name, sizeof(name), "record-%d", (int)getpid());
	snprintf(line, sizeof(line), "%s\n", dir);
	if (mkdir(FINIT_RECOVERY_RUN_DIR, 0755) < 0 && errno != EEXIST)
		finit_log(FINIT_LOG_WARNING, "cannot create %s: %s; after a kill, 'cleanup' will "
			  "not know %s", FINIT_RECOVERY_RUN_DIR, strerror(errno), dir);
	else if (put_file(FINIT_RECOVERY_RUN_DIR, name, line, strlen(line), err, sizeof(err)) < 0)
		finit_log(FINIT_LOG_WARNING, "%s; after a kill, 'cleanup' will not know %s", err,
			  dir);
}

/* finit_recovery_create - the directory, its header parts, the CPU files, registered */
int finit_recovery_create(struct finit_recovery *rc, const char *out_path,
			  const struct finit_recovery_source *src, char *err, size_t errlen)
{
	char out[PATH_MAX];

	memset(rc, 0, sizeof(*rc));
	rc->failed_cpu = -1;
	rc->ncpus = src->ncpus;
	rc->page_size = src->page_size;
	if (absolute(out_path, out, sizeof(out)) < 0 ||
	    (size_t)snprintf(rc->dir, sizeof(rc->dir), "%s.finit-ftrace-%d.d", out,
			     (int)getpid()) >= sizeof(rc->dir)) {
		snprintf(err, errlen, "cannot resolve the directory of %s: %s", out_path,
			 strerror(errno));
		rc->dir[0] = 0;
		return -1;
	}
	if (mkdir(rc->dir, 0700) < 0) {
		snprintf(err, errlen, "cannot create %s: %s%s", rc->dir, strerror(errno),
			 errno == EEXIST ? " (an earlier run's: recover it with 'finit-ftrace "
			 "record --recover DIR', or remove it)" : "");
		rc->dir[0] = 0;
		return -1;
	}
	if (put_tracefs(rc->dir, NULL, "events/header_page", "header_page", err, errlen) < 0 ||
	    put_tracefs(rc->dir, NULL, "events/header_event", "header_event", err, errlen) < 0 ||
	    put_tracefs(rc->dir, src->inst, "trace_clock", "trace_clock", err, errlen) < 0 ||
	    put_formats(rc->dir, src, err, errlen) < 0 || put_meta(rc->dir, out, src, err, errlen) < 0 ||
	    open_cpus(rc, err, errlen) < 0) {
		finit_recovery_close(rc, true);
		rc->dir[0] = 0;
		return -1;
	}
	enroll(rc->dir);
	return 0;
}

/* finit_recovery_append - to @cpu's file; a failed write is kept, the file cut back */
int finit_recovery_append(struct finit_recovery *rc, int cpu, const void *page, size_t len)
{
	if (rc->failed_errno || cpu < 0 || cpu >= rc->ncpus)
		return -1;
	if (!write_all(rc->fds[cpu], page, len)) {
		rc->bytes[cpu] += len;
		return 0;
	}
	rc->failed_errno = errno;
	rc->failed_cpu = cpu;
	/* what did fit of the page is not a page: the file stays whole ones */
	if (ftruncate(rc->fds[cpu], (off_t)rc->bytes[cpu]) < 0)
		finit_log(FINIT_LOG_WARNING, "cannot cut cpu%d's file in %s back to %llu bytes: %s",
			  cpu, rc->dir, rc->bytes[cpu], strerror(errno));
	return -1;
}

/* finit_recovery_tables - cmdlines and tgids into the directory */
int finit_recovery_tables(const char *dir, const char *comms, const char *tgids,
			  char *err, size_t errlen)
{
	if (put_file(dir, "cmdlines", comms, strlen(comms), err, errlen) ||
	    put_file(dir, "tgids", tgids, strlen(tgids), err, errlen))
		return -1;
	return 0;
}

/*
 * unreused - in place, the lines of @table ("pid ..." lines) whose pid was
 * handed out to no new task between @then and @now; *dropped adds the others
 */
static void unreused(char *table, const struct finit_pidspace *sp,
		     const struct finit_pidclock *then, const struct finit_pidclock *now,
		     size_t *dropped)
{
	char *out = table;

	for (char *line = table, *next; *line; line = next) {
		size_t len = strcspn(line, "\n");
		int pid = atoi(line);

		next = line + len + (line[len] == '\n');
		if (pid > 0 && finit_pidclock_handed_out(sp, pid, then, now)) {
			(*dropped)++;
			continue;
		}
		memmove(out, line, (size_t)(next - line));
		out += next - line;
	}
	*out = '\0';
}

/* finit_recovery_tables_since - the kernel's tables, less what may name a later task */
int finit_recovery_tables_since(const char *dir, const struct finit_pidclock *then,
				size_t *dropped, char *err, size_t errlen)
{
	char *c = tracefs_instance_file_read(NULL, "saved_cmdlines", NULL);
	char *t = tracefs_instance_file_read(NULL, "saved_tgids", NULL);
	struct finit_pidspace sp;
	struct finit_pidclock now;
	int ret;

	/* after the reads: a pid handed out before then is counted */
	finit_pidclock_read(&now);
	finit_pidclock_space(&sp);
	*dropped = 0;
	if (c)
		unreused(c, &sp, then, &now, dropped);
	if (t)
		unreused(t, &sp, then, &now, dropped);
	ret = finit_recovery_tables(dir, c ? c : "", t ? t : "", err, errlen);
	free(c);
	free(t);
	return ret;
}

/* forget_own - our registration goes, if it names @dir */
static void forget_own(int pid, const char *dir)
{
	char reg[PATH_MAX];

	if (!finit_recovery_registered(pid, reg, sizeof(reg)) && !strcmp(reg, dir))
		finit_recovery_forget(pid);
}

/* finit_recovery_close - the CPU files; the directory and registration with @remove */
void finit_recovery_close(struct finit_recovery *rc, bool remove)
{
	for (int cpu = 0; rc->fds && cpu < rc->ncpus; cpu++)
		if (rc->fds[cpu] >= 0)
			close(rc->fds[cpu]);
	free(rc->fds);
	free(rc->bytes);
	rc->fds = NULL;
	rc->bytes = NULL;
	if (remove && rc->dir[0] && finit_recovery_remove(rc->dir) < 0)
		finit_log(FINIT_LOG_WARNING, "cannot remove %s: %s", rc->dir, strerror(errno));
	if (remove && rc->dir[0])
		forget_own((int)getpid(), rc->dir);
}

/* numbered - @name is @prefix and a number */
static bool numbered(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);

	return !strncmp(name, prefix, n) && name[n] &&
	       strspn(name + n, "0123456789") == strlen(name + n);
}

/* ours - a file name of a recovery directory */
static bool ours(const char *name)
{
	static const char *const names[] = { "meta", "header_page", "header_event",
					     "trace_clock", "cmdlines", "tgids", NULL };

	for (int i = 0; names[i]; i++)
		if (!strcmp(name, names[i]))
			return true;
	return numbered(name, "format.") || numbered(name, "cpu");
}

/* finit_recovery_remove - our files, the directory, and its registration */
int finit_recovery_remove(const char *dir)
{
	struct finit_salvage_meta *m = malloc(sizeof(*m));
	char err[PATH_MAX + 128];
	struct dirent *e;
	DIR *d;

	if (m && !finit_salvage_meta(dir, m, err, sizeof(err)))
		forget_own(m->pid, dir);
	free(m);
	d = opendir(dir);
	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (ours(e->d_name))
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	return rmdir(dir);
}

/* reg_path - /run/finit-ftrace/record-<pid> */
static void reg_path(int pid, char *path, size_t len)
{
	snprintf(path, len, "%s/record-%d", FINIT_RECOVERY_RUN_DIR, pid);
}

/* finit_recovery_registered - the directory in run @pid's registration */
int finit_recovery_registered(int pid, char *dir, size_t len)
{
	char path[128], *text, *nl;
	int ret = -1;

	reg_path(pid, path, sizeof(path));
	text = finit_salvage_file(FINIT_RECOVERY_RUN_DIR, path + strlen(FINIT_RECOVERY_RUN_DIR) + 1, NULL);
	nl = text ? strchr(text, '\n') : NULL;
	if (nl && text[0] == '/') {
		*nl = 0;
		ret = (size_t)snprintf(dir, len, "%s", text) < len ? 0 : -1;
	}
	free(text);
	return ret;
}

/* finit_recovery_forget - the registration goes */
void finit_recovery_forget(int pid)
{
	char path[128];

	reg_path(pid, path, sizeof(path));
	unlink(path);
}

/* cut_to_pages - @fd's file down to whole sub-buffers (a write a kill cut short) */
static long long cut_to_pages(int fd, int page_size)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -1;
	if (st.st_size % page_size && ftruncate(fd, st.st_size - st.st_size % page_size) < 0)
		return -1;
	return st.st_size - st.st_size % page_size;
}

/* save_cpu - the unread sub-buffers of @cpu appended to its file; bytes, or -1 */
static long long save_cpu(const char *dir, struct tracefs_instance *inst, int cpu,
			  char *page, int page_size, long long *had)
{
	char path[PATH_MAX + 32], file[64];
	long long saved = 0;
	int fd, in;
	ssize_t n;

	finit_salvage_cpu_path(dir, cpu, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	*had = fd < 0 ? -1 : cut_to_pages(fd, page_size);
	snprintf(file, sizeof(file), "per_cpu/cpu%d/trace_pipe_raw", cpu);
	in = *had < 0 ? -1 : tracefs_instance_file_open(inst, file, O_RDONLY | O_NONBLOCK);
	while (in >= 0 && (n = read(in, page, (size_t)page_size)) > 0) {
		if (write_all(fd, page, (size_t)n) < 0) {
			saved = -1;
			break;
		}
		saved += n;
	}
	if (fd < 0 || *had < 0 || in < 0)
		saved = -1;
	if (saved < 0)
		finit_log(FINIT_LOG_ERROR, "cpu%d: cannot save what instance %s holds into %s: %s",
			  cpu, tracefs_instance_get_name(inst), path, strerror(errno));
	if (in >= 0)
		close(in);
	if (fd >= 0)
		close(fd);
	return saved;
}

/* finit_recovery_unread - entries @inst's @cpu holds unread; -1 if it has no such CPU */
long long finit_recovery_unread(struct tracefs_instance *inst, int cpu)
{
	char file[64], *buf, *p;
	long long n = 0;

	snprintf(file, sizeof(file), "per_cpu/cpu%d/stats", cpu);
	buf = tracefs_instance_file_read(inst, file, NULL);
	if (!buf)
		return -1;
	p = strstr(buf, "entries:");
	if (p)
		n = strtoll(p + 8, NULL, 10);
	free(buf);
	return n;
}

/*
 * kernel_tables - the kernel's tables into @dir for the recording @m
 * describes, less what a later task may have written; 0, or -1 (said)
 */
static int kernel_tables(const char *dir, const struct finit_salvage_meta *m)
{
	char err[PATH_MAX + 128];
	size_t dropped;

	if (finit_recovery_tables_since(dir, &m->clock, &dropped, err, sizeof(err)) < 0) {
		finit_log(FINIT_LOG_ERROR, "%s", err);
		return -1;
	}
	if (dropped)
		finit_log(FINIT_LOG_WARNING, "%zu line(s) of the kernel's saved_cmdlines and "
			  "saved_tgids were left out of %s: %s, so a line may name a later task "
			  "than the caller; report shows those callers' comm and pid as unknown",
			  dropped, dir, m->clock.ok ? "their pid was handed out after the recording "
			  "began" : "the recording did not say where the pid allocator stood");
	return 0;
}

/* finit_recovery_save_instance - a dead recorder's unread data into its directory */
int finit_recovery_save_instance(const char *dir, struct tracefs_instance *inst)
{
	const char *name = tracefs_instance_get_name(inst);
	char err[PATH_MAX + 128], *page = NULL;
	struct finit_salvage_meta *m = malloc(sizeof(*m));
	int failed = 0;

	if (!m || finit_salvage_meta(dir, m, err, sizeof(err)) < 0 || !(page = malloc(m->page_size))) {
		finit_log(FINIT_LOG_ERROR, "%s; instance %s's unread data is lost",
			  m ? err : "out of memory", name);
		free(m);
		return -1;
	}
	tracefs_trace_off(inst);
	for (int cpu = 0; cpu < m->ncpus; cpu++) {
		long long unread = finit_recovery_unread(inst, cpu), had, saved;

		saved = save_cpu(dir, inst, cpu, page, m->page_size, &had);
		failed |= saved < 0;
		if (saved >= 0)
			finit_log(FINIT_LOG_INFO, "cpu%d: %lld bytes were saved by record (pid %d), "
				  "%lld more (%lld entries) left in instance %s are saved to %s/cpu%d",
				  cpu, had, m->pid, saved, unread, name, dir, cpu);
	}
	/* the recorder died before writing the tables: the kernel's, as far as they hold */
	snprintf(err, sizeof(err), "%s/cmdlines", dir);
	if (access(err, F_OK) < 0)
		failed |= kernel_tables(dir, m);
	free(page);
	free(m);
	return failed ? -1 : 0;
}
