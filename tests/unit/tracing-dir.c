// SPDX-License-Identifier: MIT
/*
 * tracing-dir.c - suites whose tracing directory is one of their own
 * (tracefs_set_tracing_dir): made before the suite, removed after it, with
 * files put into it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <tracefs.h>

#include "unit.h"

static char dir[64];

/* setup - a new directory, made the tracing directory */
static int setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/finit-unit-tracing.XXXXXX");
	return !mkdtemp(dir) || tracefs_set_tracing_dir(dir) ? -1 : 0;
}

/* rm - one file or (emptied) directory of the tree */
static int rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* teardown - the tree gone, tracefs's own directory back */
static int teardown(void)
{
	nftw(dir, rm, 16, FTW_DEPTH | FTW_PHYS);
	return tracefs_set_tracing_dir(NULL);
}

CU_pSuite unit_tracing_suite(const char *name)
{
	return CU_add_suite(name, setup, teardown);
}

/* made - @file's path in that directory into @path, the directories on the way made */
static void made(const char *file, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", dir, file);
	for (char *p = strchr(path + strlen(dir) + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
}

int unit_put(const char *file, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	made(file, path, sizeof(path));
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

int unit_fifo(const char *file)
{
	char path[PATH_MAX];

	made(file, path, sizeof(path));
	return mkfifo(path, 0600) ? -1 : open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
}
