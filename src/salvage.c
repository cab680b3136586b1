// SPDX-License-Identifier: MIT
/*
 * salvage.c - a recovery directory read back: meta, the header's parts, and
 * the trace.dat assembled from them and the per-CPU data.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dat.h"
#include "dat-save.h"
#include "salvage.h"

#define FILE_MAX	(256 << 20)	/* larger header parts mean a damaged directory */

/* A directory read back: the header and the CPU files. */
struct loaded {
	struct finit_salvage_meta	m;
	struct finit_dat_header	h;
	struct finit_dat_format	fmts[FINIT_MAX_EVENTS];
	FILE			**cpu;
};

/* finit_salvage_file - @dir/@name whole, NUL-terminated; NULL if unreadable */
char *finit_salvage_file(const char *dir, const char *name, size_t *len)
{
	char path[PATH_MAX + 64], *buf = NULL;
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	if (!fstat(fileno(f), &st) && S_ISREG(st.st_mode) && st.st_size < FILE_MAX)
		buf = malloc((size_t)st.st_size + 1);
	if (buf && fread(buf, 1, (size_t)st.st_size, f) == (size_t)st.st_size) {
		buf[st.st_size] = 0;
		if (len)
			*len = (size_t)st.st_size;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* finit_salvage_cpu_path - DIR/cpuN */
void finit_salvage_cpu_path(const char *dir, int cpu, char *path, size_t len)
{
	snprintf(path, len, "%s/cpu%d", dir, cpu);
}

/* meta_line - one "key=value" of meta into @m; -1 if unknown or bad */
static int meta_line(struct finit_salvage_meta *m, const char *key, const char *v)
{
	char *end = NULL;

	if (!strcmp(key, "version"))
		m->version = (int)strtol(v, &end, 10);
	else if (!strcmp(key, "pid"))
		m->pid = (int)strtol(v, &end, 10);
	else if (!strcmp(key, "ncpus"))
		m->ncpus = (int)strtol(v, &end, 10);
	else if (!strcmp(key, "page_size"))
		m->page_size = (int)strtol(v, &end, 10);
	else if (!strcmp(key, "clock_offset_ns"))
		m->clock_offset_ns = strtoll(v, &end, 10);
	else if (!strcmp(key, "dat_version"))
		m->dat_version = (int)strtol(v, &end, 10);
	else if (!strcmp(key, "forks"))
		m->clock.forks = strtoll(v, &end, 10);
	else if (!strcmp(key, "last_pid"))
		m->clock.last_pid = (int)strtol(v, &end, 10);
	else if (!strcmp(key, "output"))
		return snprintf(m->output, sizeof(m->output), "%s", v) < (int)sizeof(m->output) ?
		       0 : -1;
	else if (!strcmp(key, "uname"))
		return snprintf(m->uname, sizeof(m->uname), "%s", v) < (int)sizeof(m->uname) ? 0 : -1;
	else if (!strcmp(key, "event") && m->nevents < FINIT_MAX_EVENTS &&
		 sscanf(v, "%95[^:]:%63s", m->events[m->nevents].sys,
			m->events[m->nevents].name) == 2)
		m->nevents++;
	else
		return -1;
	return end && (*end || end == v) ? -1 : 0;
}

/*
 * trusted - @dir is a directory of ours (or root's) that no one else may
 * change: its meta names the file root writes, and cleanup appends to it
 */
static bool trusted(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: %s", dir, errno && !S_ISDIR(st.st_mode) ?
			 strerror(errno) : "not a directory");
		return false;
	}
	if ((st.st_uid != geteuid() && st.st_uid != 0) || (st.st_mode & 022)) {
		snprintf(err, errlen, "%s: owned by uid %u or writable by others: refused as a "
			 "recovery directory", dir, (unsigned)st.st_uid);
		return false;
	}
	return true;
}

/* finit_salvage_meta - @dir's meta, checked; 0, or -1 with @err */
int finit_salvage_meta(const char *dir, struct finit_salvage_meta *m, char *err, size_t errlen)
{
	char *text, *line, *save = NULL;
	int bad = 0;

	memset(m, 0, sizeof(*m));
	m->dat_version = 6;	/* a meta without the line: a recorder that wrote only 6 */
	m->clock.forks = -1;	/* without the lines: an older recorder, nothing known */
	if (!trusted(dir, err, errlen))
		return -1;
	text = finit_salvage_file(dir, "meta", NULL);
	if (!text) {
		snprintf(err, errlen, "%s/meta: %s (not a recovery directory of "
			 "'finit-ftrace record')", dir, strerror(errno ? errno : EINVAL));
		return -1;
	}
	for (line = strtok_r(text, "\n", &save); line && !bad; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');

		bad = !eq;
		if (eq) {
			*eq = 0;
			bad = meta_line(m, line, eq + 1) < 0;
		}
	}
	free(text);
	if (bad || m->version != FINIT_SALVAGE_VERSION || m->pid <= 0 || !m->output[0] ||
	    m->ncpus < 1 || m->ncpus > FINIT_DAT_MAX_CPUS || m->page_size < 64 ||
	    m->page_size > FINIT_DAT_MAX_PAGE || !m->nevents ||
	    (m->dat_version != 6 && m->dat_version != 7)) {
		snprintf(err, errlen, "%s/meta: damaged (a line it does not know, or a value out "
			 "of range)", dir);
		return -1;
	}
	m->clock.ok = m->clock.forks >= 0 && m->clock.last_pid > 0;
	return 0;
}

/* load_formats - format.N of each event, grouped by system */
static int load_formats(const char *dir, struct loaded *ld, char *err, size_t errlen)
{
	for (int i = 0; i < ld->m.nevents; i++) {
		char name[32];

		snprintf(name, sizeof(name), "format.%d", i);
		ld->fmts[i].sys = ld->m.events[i].sys;
		ld->fmts[i].name = ld->m.events[i].name;
		ld->fmts[i].text = finit_salvage_file(dir, name, &ld->fmts[i].len);
		if (!ld->fmts[i].text) {
			snprintf(err, errlen, "%s/%s: missing or unreadable", dir, name);
			return -1;
		}
	}
	ld->h.formats = ld->fmts;
	ld->h.nformats = ld->m.nevents;
	return 0;
}

/* format_cmp - group the formats by system for the trace.dat header */
static int format_cmp(const void *a, const void *b)
{
	return strcmp(((const struct finit_dat_format *)a)->sys,
		      ((const struct finit_dat_format *)b)->sys);
}

/* load - meta, the header's parts and the CPU files of @dir; 0, or -1 with @err */
static int load(const char *dir, struct loaded *ld, char *err, size_t errlen)
{
	struct finit_dat_header *h = &ld->h;

	if (finit_salvage_meta(dir, &ld->m, err, errlen) < 0)
		return -1;
	h->page_size = ld->m.page_size;
	h->ncpus = ld->m.ncpus;
	h->clock_offset_ns = ld->m.clock_offset_ns;
	h->uname = ld->m.uname[0] ? ld->m.uname : NULL;
	h->header_page = finit_salvage_file(dir, "header_page", &h->header_page_len);
	h->header_event = finit_salvage_file(dir, "header_event", &h->header_event_len);
	if (!h->header_page || !h->header_event) {
		snprintf(err, errlen, "%s/%s: missing or unreadable", dir,
			 h->header_page ? "header_event" : "header_page");
		return -1;
	}
	h->trace_clock = finit_salvage_file(dir, "trace_clock", NULL);
	h->cmdlines = finit_salvage_file(dir, "cmdlines", NULL);
	h->tgids = finit_salvage_file(dir, "tgids", NULL);
	if (load_formats(dir, ld, err, errlen) < 0)
		return -1;
	qsort(ld->fmts, ld->m.nevents, sizeof(ld->fmts[0]), format_cmp);
	ld->cpu = calloc((size_t)ld->m.ncpus, sizeof(*ld->cpu));
	if (!ld->cpu) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int cpu = 0; cpu < ld->m.ncpus; cpu++) {
		char path[PATH_MAX + 32];

		finit_salvage_cpu_path(dir, cpu, path, sizeof(path));
		ld->cpu[cpu] = fopen(path, "re");	/* none: no data */
	}
	return 0;
}

/* unload - what load() read */
static void unload(struct loaded *ld)
{
	for (int i = 0; i < ld->m.nevents; i++)
		free((char *)ld->fmts[i].text);
	for (int cpu = 0; ld->cpu && cpu < ld->m.ncpus; cpu++)
		if (ld->cpu[cpu])
			fclose(ld->cpu[cpu]);
	free(ld->cpu);
	free((char *)ld->h.header_page);
	free((char *)ld->h.header_event);
	free((char *)ld->h.trace_clock);
	free((char *)ld->h.cmdlines);
	free((char *)ld->h.tgids);
	free(ld);
}

/* describe - what @ld holds, into @info: whole sub-buffers per CPU */
static int describe(const struct loaded *ld, struct finit_salvage_info *info)
{
	info->pid = ld->m.pid;
	snprintf(info->output, sizeof(info->output), "%s", ld->m.output);
	info->ncpus = ld->m.ncpus;
	info->page_size = ld->m.page_size;
	info->dat_version = ld->m.dat_version;
	info->cpu_bytes = calloc((size_t)info->ncpus, sizeof(*info->cpu_bytes));
	if (!info->cpu_bytes)
		return -1;
	for (int cpu = 0; cpu < info->ncpus; cpu++) {
		struct stat st;

		if (ld->cpu[cpu] && !fstat(fileno(ld->cpu[cpu]), &st))
			info->cpu_bytes[cpu] = (unsigned long long)(st.st_size -
						st.st_size % info->page_size);
	}
	return 0;
}

/* finit_salvage_assemble - load @dir, write the trace.dat */
int finit_salvage_assemble(const char *dir, const char *out, struct finit_salvage_info *info,
			    char *err, size_t errlen)
{
	struct loaded *ld = calloc(1, sizeof(*ld));
	int ret = -1;

	memset(info, 0, sizeof(*info));
	if (!ld) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (!load(dir, ld, err, errlen)) {
		if (describe(ld, info) < 0)
			snprintf(err, errlen, "out of memory");
		else
			ret = finit_dat_save(out ? out : ld->m.output, &ld->h, ld->cpu,
					     ld->m.dat_version == 6, err, errlen);
	}
	unload(ld);
	return ret;
}

/* finit_salvage_info_free - the per-CPU counts */
void finit_salvage_info_free(struct finit_salvage_info *info)
{
	free(info->cpu_bytes);
	info->cpu_bytes = NULL;
}

/* finit_salvage_is_dir - a directory whose meta we wrote */
bool finit_salvage_is_dir(const char *path)
{
	struct finit_salvage_meta *m = malloc(sizeof(*m));
	char err[PATH_MAX + 128];
	bool ret = m && finit_salvage_meta(path, m, err, sizeof(err)) == 0;

	free(m);
	return ret;
}

