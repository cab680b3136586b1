/* SPDX-License-Identifier: MIT */
/*
 * dat7.h - write trace.dat version 7 (man 5 trace-cmd.dat.v7), as
 * trace-cmd 3.x writes it: sections for the headers, formats and
 * cmdlines, two OPTIONS sections, one "buffer flyrecord" section, and the
 * strings; with zstd, every section but the options is compressed and the
 * CPU data is in chunks of at most FINIT_DAT_CHUNK_PAGES sub-buffers.
 */
#ifndef FINIT_DAT7_H
#define FINIT_DAT7_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dat.h"

/* The section ids, as trace-cmd numbers them (the same as their options). */
#define FINIT_DAT7_SEC_OPTIONS		0
#define FINIT_DAT7_SEC_BUFFER		3
#define FINIT_DAT7_SEC_STRINGS		15
#define FINIT_DAT7_SEC_HEADERS		16
#define FINIT_DAT7_SEC_CMDLINES		21
#define FINIT_DAT7_SEC_COMPRESSED	1	/* the section flag */

/*
 * finit_dat7_write - write @h and the per-CPU sub-buffer files @cpu_files
 * (NULL entries: no data) to @out, which must be seekable; @zstd compresses
 * it (else the compression is "none"). The CPU data is read and compressed
 * a chunk at a time. Returns 0, or -1 with what failed in @err.
 */
int finit_dat7_write(FILE *out, const struct finit_dat_header *h, FILE *const *cpu_files,
		     bool zstd, char *err, size_t errlen);

#endif
