/* SPDX-License-Identifier: MIT */
/*
 * dat-out.h - what the trace.dat writers of both versions share: numbers
 * and strings in the host's byte order, the event formats, and the option
 * list (the same in version 6 and 7).
 */
#ifndef FINIT_DAT_OUT_H
#define FINIT_DAT_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dat.h"

/* A file being written; the first error sticks in @failed (an errno). */
struct finit_dat_out {
	FILE	*f;
	int	failed;
};

/* finit_dat_out_bytes - @n bytes of @p (nothing once a write failed) */
void finit_dat_out_bytes(struct finit_dat_out *w, const void *p, size_t n);

/* finit_dat_out_u16, _u32, _u64, _str - a number, or a NUL-terminated string */
void finit_dat_out_u16(struct finit_dat_out *w, uint16_t v);
void finit_dat_out_u32(struct finit_dat_out *w, uint32_t v);
void finit_dat_out_u64(struct finit_dat_out *w, uint64_t v);
void finit_dat_out_str(struct finit_dat_out *w, const char *s);

/* finit_dat_out_option - one option: id, size, data */
void finit_dat_out_option(struct finit_dat_out *w, uint16_t id, const void *data,
			  uint32_t size);

/* finit_dat_out_magic - the magic, "@version", endianness, long size, page size */
void finit_dat_out_magic(struct finit_dat_out *w, const char *version, int page_size);

/* finit_dat_out_formats - the event systems and their formats (grouped by system) */
void finit_dat_out_formats(struct finit_dat_out *w, const struct finit_dat_header *h);

/*
 * finit_dat_out_options - the options both versions carry, without DONE:
 * OFFSET (the trace clock to CLOCK_REALTIME), TSC2NSEC 1:1 (the clock
 * counts nanoseconds), TRACECLOCK, UNAME, VERSION ("finit-ftrace X", how
 * a reader knows our files), and, if @tgids_option, saved_tgids as our
 * FINIT_DAT_OPT_TGIDS (version 7 keeps it in a section instead)
 */
void finit_dat_out_options(struct finit_dat_out *w, const struct finit_dat_header *h,
			   int tgids_option);

/*
 * finit_dat_out_size - the whole sub-buffers of @page_size bytes in @f (a
 * per-CPU file of a recovery directory, which a kill may have cut short in
 * a sub-buffer; NULL: 0): what the writers copy of it
 */
long long finit_dat_out_size(FILE *f, int page_size);

/* finit_dat_out_done - 0, or -1 with "writing trace.dat: why" in @err */
int finit_dat_out_done(struct finit_dat_out *w, char *err, size_t errlen);

#endif
