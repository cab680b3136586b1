// SPDX-License-Identifier: MIT
/*
 * tracing-dir.c - a directory of the suite's own as the tracing directory
 * (tracefs_set_tracing_dir), with files put into it.
 */
#define _GNU_SOURCE
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <tracefs.h>

#include "unit.h"

int unit_tracing_dir(char *tmpl)
{
	return !mkdtemp(tmpl) || tracefs_set_tracing_dir(tmpl) ? -1 : 0;
}

/* rm - one file or (emptied) directory of the tree */
static int rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int unit_tracing_dir_end(const char *dir)
{
	nftw(dir, rm, 16, FTW_DEPTH | FTW_PHYS);
	return tracefs_set_tracing_dir(NULL);
}

int unit_put(const char *dir, const char *file, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	for (char *p = strchr(path + strlen(dir) + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}
