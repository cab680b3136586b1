// SPDX-License-Identifier: MIT
/*
 * procfs.c - what /proc says about a task, read after the fact (TOCTOU):
 * comm, tgid, a string in its memory, the file behind an fd and its hash,
 * ppid/uid/gid, euid, capabilities, audit ids, exe, cgroup and container id.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "procfs.h"
#include "sha256.h"

/*
 * read_small - the start of the file @path (at most @len - 1 bytes) in @buf,
 * NUL-terminated; its length, or -1. One read: /proc's small files give
 * all they have at once (no stdio: its fstat and buffer cost a call each).
 */
static ssize_t read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

int finit_procfs_comm(int tid, char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/comm", tid);
	if (read_small(path, buf, len) <= 0)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* read_number - the first number in the file @path; false if unreadable */
static bool read_number(const char *path, long long *v)
{
	char buf[32], *end;

	if (read_small(path, buf, sizeof(buf)) <= 0)
		return false;
	*v = strtoll(buf, &end, 10);
	return end != buf;
}

int finit_procfs_pid_clock(long long *forks, int *last_pid)
{
	char line[256];
	bool bol = true, found = false;
	long long last;
	FILE *f;

	if (!read_number("/proc/sys/kernel/ns_last_pid", &last))
		return -1;
	*last_pid = (int)last;
	f = fopen("/proc/stat", "r");
	if (!f)
		return -1;
	/* "intr" is a long line: only a fragment that starts a line counts */
	while (!found && fgets(line, sizeof(line), f)) {
		found = bol && sscanf(line, "processes %lld", forks) == 1;
		bol = strchr(line, '\n') != NULL;
	}
	fclose(f);
	return found ? 0 : -1;
}

int finit_procfs_pid_max(void)
{
	long long n;

	return read_number("/proc/sys/kernel/pid_max", &n) ? (int)n : -1;
}

char *finit_procfs_string(int tid, unsigned long long addr, bool *truncated)
{
	char path[64], *buf = NULL;
	size_t have = 0;
	int fd;

	*truncated = false;
	if (!addr)
		return NULL;
	snprintf(path, sizeof(path), "/proc/%d/mem", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = malloc(FINIT_PROCFS_STR_MAX + 1);
	while (buf && have < FINIT_PROCFS_STR_MAX) {
		/* read up to the end of the page, so no fault on the next one */
		size_t chunk = 4096 - ((addr + have) & 4095);
		ssize_t n;

		if (chunk > FINIT_PROCFS_STR_MAX - have)
			chunk = FINIT_PROCFS_STR_MAX - have;
		n = pread(fd, buf + have, chunk, (off_t)(addr + have));
		if (n <= 0)
			break;
		if (memchr(buf + have, '\0', n)) {
			close(fd);
			return buf;
		}
		have += n;
	}
	close(fd);
	if (buf && have == FINIT_PROCFS_STR_MAX) {
		buf[have] = '\0';
		*truncated = true;
		return buf;
	}
	free(buf);
	return NULL;
}

char *finit_procfs_fd_path(int tid, long long fd)
{
	char link[64], target[PATH_MAX];
	ssize_t n;

	if (fd < 0 || fd > INT_MAX)
		return NULL;
	snprintf(link, sizeof(link), "/proc/%d/fd/%lld", tid, fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return NULL;
	target[n] = '\0';
	return strdup(target);
}

char *finit_procfs_sha256(int tid, long long fd)
{
	char path[64], hex[65];
	int f, ret;

	if (fd < 0 || fd > INT_MAX)
		return NULL;
	/* through /proc: the very file the caller holds, even if unlinked */
	snprintf(path, sizeof(path), "/proc/%d/fd/%lld", tid, fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return NULL;
	ret = finit_sha256_fd(f, hex);
	close(f);
	return ret < 0 ? NULL : strdup(hex);
}

char *finit_procfs_container_id(const char *cgroup)
{
	const char *p, *best = NULL;

	if (!cgroup)
		return NULL;
	/* the last run of exactly 64 hex digits, e.g. docker-<id>.scope,
	 * /docker/<id>, cri-containerd-<id>.scope, crio-<id>, libpod-<id> */
	for (p = cgroup; *p; p++) {
		size_t n = 0;

		if (p != cgroup && isxdigit((unsigned char)p[-1]))
			continue;
		while (isxdigit((unsigned char)p[n]))
			n++;
		if (n == 64)
			best = p;
	}
	return best ? strndup(best, 64) : NULL;
}

/* read_cgroup - the cgroup v2 path ("0::/..."), else the first hierarchy's */
static char *read_cgroup(int tid)
{
	char path[64], line[4096], *first = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", tid);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':');

		line[strcspn(line, "\n")] = '\0';
		c = c ? strchr(c + 1, ':') : NULL;
		if (!c)
			continue;
		if (!strncmp(line, "0::", 3)) {
			free(first);
			first = strdup(c + 1);
			break;
		}
		if (!first)
			first = strdup(c + 1);
	}
	fclose(f);
	return first;
}

/* last_int - the last number of a "Key:\tN\tN..." line */
static int last_int(const char *line)
{
	const char *p = line + strlen(line);

	while (p > line && (p[-1] == '\n' || p[-1] == ' ' || p[-1] == '\t'))
		p--;
	while (p > line && p[-1] >= '0' && p[-1] <= '9')
		p--;
	return atoi(p);
}

/* read_id - a number file of /proc/TID (loginuid, sessionid); false if unreadable */
static bool read_id(int tid, const char *name, unsigned int *v)
{
	char path[64];
	long long n;

	snprintf(path, sizeof(path), "/proc/%d/%s", tid, name);
	if (!read_number(path, &n))
		return false;
	*v = (unsigned int)n;
	return true;
}

/* after - the text after @key at the start of @line, NULL if it is not there */
static const char *after(const char *line, const char *key)
{
	size_t n = strlen(key);

	return strncmp(line, key, n) ? NULL : line + n;
}

/* number - the decimal at @v (after blanks), *end past it; *ok cleared if none */
static int number(const char *v, const char **end, bool *ok)
{
	char *e;
	long n = strtol(v, &e, 10);

	*ok = *ok && e != v;
	*end = e;
	return (int)n;
}

/* status_line - one line of status into @p and @tgid: 1 if it was PPid, Uid or Gid */
static int status_line(const char *line, struct finit_proc *p, int *tgid)
{
	const char *v, *end;
	bool ok = true;

	if ((v = after(line, "PPid:"))) {
		p->ppid = number(v, &end, &ok);
		return ok;
	}
	if ((v = after(line, "Uid:"))) {
		p->uid = number(v, &end, &ok);
		p->euid = number(end, &end, &ok);
		return ok;
	}
	if ((v = after(line, "Gid:"))) {
		p->gid = number(v, &end, &ok);
		return ok;
	}
	if ((v = after(line, "CapEff:")))
		p->cap_eff = strtoull(v, NULL, 16);
	else if ((v = after(line, "Tgid:")))
		*tgid = number(v, &end, &ok);
	else if (after(line, "NStgid:"))
		p->ns_tgid = last_int(line);
	else if (after(line, "NSpid:"))
		p->ns_tid = last_int(line);
	return 0;
}

/*
 * finit_procfs_status_parse - the fields of a status file's text; a task
 * already being released (the kernel shows PPid 0 for one that is no
 * longer alive) is not there, unless it is init
 */
int finit_procfs_status_parse(char *text, struct finit_proc *p, int *tgid)
{
	int found = 0;

	*tgid = -1;
	for (char *line = text, *nl; line && *line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		found += status_line(line, p, tgid);
	}
	return found == 3 && !p->ppid && *tgid != 1 ? 0 : found;
}

/*
 * read_status - PPid, Uid (real and effective), Gid (real), CapEff, Tgid
 * and the innermost namespace's ids of @tid; the number of the first three found
 */
static int read_status(int tid, struct finit_proc *p, int *tgid)
{
	char path[64], buf[8192];

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return 0;
	return finit_procfs_status_parse(buf, p, tgid);
}

/* ns_tgid - the last NStgid entry of @pid, 0 if gone */
static int ns_tgid(int pid)
{
	struct finit_proc q = { 0 };
	int tgid;

	read_status(pid, &q, &tgid);
	return q.ns_tgid;
}

/* boot_offset_ns - CLOCK_REALTIME minus CLOCK_BOOTTIME: boot time in epoch ns */
static long long boot_offset_ns(void)
{
	struct timespec rt, bt;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	return (rt.tv_sec - bt.tv_sec) * 1000000000LL + (rt.tv_nsec - bt.tv_nsec);
}

/* start_ns - field 22 of /proc/PID/stat (clock ticks since boot) in epoch ns; 0 if gone */
static long long start_ns(int pid, long long boot_ns)
{
	char path[64], buf[1024], *p;
	unsigned long long ticks;
	long hz = sysconf(_SC_CLK_TCK);
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* comm may hold spaces and parentheses */
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p || hz <= 0 || sscanf(p, " %llu", &ticks) != 1)
		return 0;
	return boot_ns + (long long)(ticks * (1000000000ULL / (unsigned long long)hz));
}

/* inode - st_ino of @path, 0 if it cannot be read */
static unsigned long long inode(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 ? 0 : (unsigned long long)st.st_ino;
}

/* ids - what the Tracee format adds: namespaces, the cgroup's id, start times */
static void ids(int tid, int tgid, struct finit_proc *p)
{
	long long boot = boot_offset_ns();
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", tid);
	p->mnt_ns = inode(path);
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", tid);
	p->pid_ns = inode(path);
	if (p->cgroup && strlen(p->cgroup) < sizeof(path) - 16) {
		snprintf(path, sizeof(path), "/sys/fs/cgroup%s", p->cgroup);
		p->cgroup_id = inode(path);
	}
	p->start_ns = start_ns(tid, boot);
	p->leader_start_ns = tgid == tid ? p->start_ns : start_ns(tgid, boot);
	p->parent_start_ns = start_ns(p->ppid, boot);
	p->ns_ppid = p->ppid > 0 ? ns_tgid(p->ppid) : 0;
}

void finit_procfs_proc(int tid, struct finit_proc *p, bool with_ids)
{
	char path[64], exe[PATH_MAX];
	int tgid = -1;
	ssize_t n;

	memset(p, 0, sizeof(*p));
	/* the audit ids first: a task gone by then has no status either */
	p->has_auid = read_id(tid, "loginuid", &p->auid);
	p->has_sessionid = read_id(tid, "sessionid", &p->sessionid);
	if (read_status(tid, p, &tgid) != 3) {
		memset(p, 0, sizeof(*p));
		return;
	}
	p->valid = true;
	p->tgid = tgid;
	snprintf(path, sizeof(path), "/proc/%d/exe", tid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n >= 0) {
		exe[n] = '\0';
		p->exe = strdup(exe);
	}
	p->cgroup = read_cgroup(tid);
	p->container_id = finit_procfs_container_id(p->cgroup);
	if (with_ids)	/* six more reads per call, for the Tracee format alone */
		ids(tid, tgid, p);
}
