/* SPDX-License-Identifier: MIT */
/*
 * dat-save.h - write a trace.dat (version 7 with zstd, or 6) so that the
 * file under the requested name is never half written: a temporary name
 * beside it, synced, then renamed.
 */
#ifndef FINIT_DAT_SAVE_H
#define FINIT_DAT_SAVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dat.h"

/*
 * finit_dat_save - write @path from @h and the per-CPU raw data in
 * @cpu_files, as version 6 with @v6, else as version 7 with zstd. Returns
 * 0, or -1 with what failed in @err (naming the file; nothing at @path is
 * touched then).
 */
int finit_dat_save(const char *path, const struct finit_dat_header *h, FILE *const *cpu_files,
		   bool v6, char *err, size_t errlen);

/* Writes a file's content to @out; 0, or -1 with why in @err (may be left empty). */
typedef int (*finit_dat_save_fn)(FILE *out, const void *arg, char *err, size_t errlen);

/*
 * finit_dat_save_with - any file the same way (the metrics file too):
 * @fill fills PATH.XXXXXX, which is synced and renamed over @path.
 * 0, or -1 with what failed in @err (nothing at @path touched then).
 */
int finit_dat_save_with(const char *path, finit_dat_save_fn fill, const void *arg,
			char *err, size_t errlen);

#endif
