// SPDX-License-Identifier: MIT
/*
 * dat-save.c - write a trace.dat (version 7 with zstd, or 6), or any file,
 * atomically: under a temporary name, synced,
 * then renamed over the output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dat-save.h"
#include "dat7.h"

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
static int write_tmp(char *tmp, finit_dat_save_fn fill, const void *arg, char *err,
		     size_t errlen)
{
	char werr[256] = "";
	FILE *out = create_tmp(tmp);

	if (!out) {
		snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
		return -1;
	}
	if (fill(out, arg, werr, sizeof(werr)) < 0 || fflush(out) || fsync(fileno(out)) < 0) {
		if (!werr[0])
			snprintf(werr, sizeof(werr), "%s", strerror(errno));
		snprintf(err, errlen, "cannot write %s: %s", tmp, werr);
		fclose(out);
		return -1;
	}
	if (fclose(out)) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		return -1;
	}
	return 0;
}

/* finit_dat_save_with - temporary file, @fill's data, rename */
int finit_dat_save_with(const char *path, finit_dat_save_fn fill, const void *arg,
			char *err, size_t errlen)
{
	char *tmp = NULL;
	int ret = -1;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0) {
		tmp = NULL;
		snprintf(err, errlen, "out of memory");
	} else if (!write_tmp(tmp, fill, arg, err, errlen)) {
		if (rename(tmp, path) == 0)
			ret = 0;
		else
			snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path,
				 strerror(errno));
	}
	if (ret && tmp)
		unlink(tmp);
	free(tmp);
	return ret;
}

/* What finit_dat_save writes. */
struct dat_parts {
	const struct finit_dat_header	*h;
	FILE *const			*cpu_files;
	bool				v6;
};

/* write_dat - a trace.dat into the temporary file: v7 with zstd, or v6 */
static int write_dat(FILE *out, const void *arg, char *err, size_t errlen)
{
	const struct dat_parts *d = arg;

	if (d->v6)
		return finit_dat_write(out, d->h, d->cpu_files, err, errlen);
	return finit_dat7_write(out, d->h, d->cpu_files, true, err, errlen);
}

/* finit_dat_save - a trace.dat, atomically */
int finit_dat_save(const char *path, const struct finit_dat_header *h, FILE *const *cpu_files,
		   bool v6, char *err, size_t errlen)
{
	const struct dat_parts d = { h, cpu_files, v6 };

	return finit_dat_save_with(path, write_dat, &d, err, errlen);
}
