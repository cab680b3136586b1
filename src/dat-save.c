// SPDX-License-Identifier: MIT
/*
 * dat-save.c - assemble a live session's trace.dat header from tracefs and
 * write the file atomically (temporary name, fsync, rename).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <tracefs.h>

#include "dat-save.h"
#include "dat.h"
#include "dat7.h"

/* format_cmp - group the formats by system for the trace.dat header */
static int format_cmp(const void *a, const void *b)
{
	return strcmp(((const struct finit_dat_format *)a)->sys,
		      ((const struct finit_dat_format *)b)->sys);
}

/* with_seen - the kernel's table, then what we saw (later lines win) */
static char *with_seen(char *kernel, const char *seen)
{
	char *all = NULL;

	if (asprintf(&all, "%s%s", kernel ? kernel : "", seen ? seen : "") < 0)
		all = NULL;
	free(kernel);
	return all;
}

/* header - read everything the header holds; -1 if the headers cannot be read */
static int header(const struct finit_dat_source *src, struct finit_dat_header *h,
		  struct finit_dat_format *fmts, char *uname_str, size_t uname_len)
{
	int hp_size = 0, he_size = 0;
	struct utsname u;

	h->page_size = src->page_size;
	h->header_page = tracefs_instance_file_read(NULL, "events/header_page", &hp_size);
	h->header_event = tracefs_instance_file_read(NULL, "events/header_event", &he_size);
	h->header_page_len = hp_size;
	h->header_event_len = he_size;
	for (int i = 0; i < src->nevents; i++) {
		int size = 0;

		fmts[i].sys = src->events[i].sys;
		fmts[i].name = src->events[i].name;
		fmts[i].text = tracefs_event_file_read(NULL, fmts[i].sys, fmts[i].name, "format",
						       &size);
		fmts[i].len = size;
	}
	qsort(fmts, src->nevents, sizeof(fmts[0]), format_cmp);
	h->formats = fmts;
	h->nformats = src->nevents;
	h->cmdlines = with_seen(tracefs_instance_file_read(NULL, "saved_cmdlines", NULL),
				src->seen_comms);
	h->tgids = with_seen(tracefs_instance_file_read(NULL, "saved_tgids", NULL),
			     src->seen_tgids);
	h->trace_clock = tracefs_instance_file_read(src->inst, "trace_clock", NULL);
	if (!uname(&u)) {
		snprintf(uname_str, uname_len, "%s %s %s %s", u.sysname, u.release, u.version,
			 u.machine);
		h->uname = uname_str;
	}
	h->clock_offset_ns = src->clock_offset_ns;
	h->ncpus = src->ncpus;
	return h->header_page && h->header_event ? 0 : -1;
}

/* free_header - what header() read */
static void free_header(struct finit_dat_header *h, struct finit_dat_format *fmts, int n)
{
	for (int i = 0; i < n; i++)
		free((char *)fmts[i].text);
	free((char *)h->header_page);
	free((char *)h->header_event);
	free((char *)h->cmdlines);
	free((char *)h->tgids);
	free((char *)h->trace_clock);
}

/* create_tmp - PATH.XXXXXX with the mode any new file gets (not mkstemp's 0600) */
static FILE *create_tmp(char *tmp)
{
	int fd = mkostemp(tmp, O_CLOEXEC);
	mode_t mask;
	FILE *f;

	if (fd < 0)
		return NULL;
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	f = fdopen(fd, "w");
	if (!f)
		close(fd);
	return f;
}

/* write_tmp - the file under its temporary name, synced; 0 or -1 with @err */
static int write_tmp(char *tmp, const struct finit_dat_header *h, FILE *const *cpu_files,
		     bool v6, char *err, size_t errlen)
{
	char werr[256];
	FILE *out = create_tmp(tmp);

	if (!out) {
		snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
		return -1;
	}
	if ((v6 ? finit_dat_write(out, h, cpu_files, werr, sizeof(werr)) :
	     finit_dat7_write(out, h, cpu_files, true, werr, sizeof(werr))) < 0 ||
	    fsync(fileno(out)) < 0) {
		snprintf(err, errlen, "%s: %s (disk full?)", tmp, werr);
		fclose(out);
		return -1;
	}
	if (fclose(out)) {
		snprintf(err, errlen, "%s: %s (disk full?)", tmp, strerror(errno));
		return -1;
	}
	return 0;
}

/* finit_dat_save - header from tracefs, data, temporary file, rename */
int finit_dat_save(const char *path, const struct finit_dat_source *src,
		   FILE *const *cpu_files, char *err, size_t errlen)
{
	struct finit_dat_format fmts[FINIT_MAX_EVENTS];
	struct finit_dat_header h = { 0 };
	char *tmp = NULL, uname_str[512];
	int ret = -1;

	if (src->nevents > FINIT_MAX_EVENTS || header(src, &h, fmts, uname_str,
						       sizeof(uname_str)) < 0) {
		snprintf(err, errlen, "cannot read events/header_page or header_event");
	} else if (asprintf(&tmp, "%s.XXXXXX", path) < 0) {
		tmp = NULL;
		snprintf(err, errlen, "out of memory");
	} else if (!write_tmp(tmp, &h, cpu_files, src->v6, err, errlen)) {
		if (rename(tmp, path) == 0)
			ret = 0;
		else
			snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path,
				 strerror(errno));
	}
	if (ret && tmp)
		unlink(tmp);
	free(tmp);
	free_header(&h, fmts, src->nevents > FINIT_MAX_EVENTS ? 0 : src->nevents);
	return ret;
}
