// SPDX-License-Identifier: MIT
/*
 * dat-out.c - the pieces both trace.dat writers (dat.c: version 6, dat7.c:
 * version 7) are made of. All numbers are in the host's byte order, which
 * the file's header states.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "dat-out.h"

/* trace-cmd's option ids (trace-cmd.dat.v7(5) lists them) */
#define OPT_TRACECLOCK	4
#define OPT_UNAME	5
#define OPT_OFFSET	7
#define OPT_VERSION	9
#define OPT_TSC2NSEC	14

static const char magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };

/* finit_dat_out_bytes - write unless an earlier write failed */
void finit_dat_out_bytes(struct finit_dat_out *w, const void *p, size_t n)
{
	if (!w->failed && n && fwrite(p, 1, n, w->f) != n)
		w->failed = errno ? errno : EIO;
}

/* finit_dat_out_u16 - two bytes */
void finit_dat_out_u16(struct finit_dat_out *w, uint16_t v) { finit_dat_out_bytes(w, &v, 2); }
/* finit_dat_out_u32 - four bytes */
void finit_dat_out_u32(struct finit_dat_out *w, uint32_t v) { finit_dat_out_bytes(w, &v, 4); }
/* finit_dat_out_u64 - eight bytes */
void finit_dat_out_u64(struct finit_dat_out *w, uint64_t v) { finit_dat_out_bytes(w, &v, 8); }

/* finit_dat_out_str - a string and its NUL */
void finit_dat_out_str(struct finit_dat_out *w, const char *s)
{
	finit_dat_out_bytes(w, s, strlen(s) + 1);
}

/* finit_dat_out_option - id, size, data */
void finit_dat_out_option(struct finit_dat_out *w, uint16_t id, const void *data,
			  uint32_t size)
{
	finit_dat_out_u16(w, id);
	finit_dat_out_u32(w, size);
	finit_dat_out_bytes(w, data, size);
}

/* finit_dat_out_magic - the initial format up to the page size */
void finit_dat_out_magic(struct finit_dat_out *w, const char *version, int page_size)
{
	finit_dat_out_bytes(w, magic, sizeof(magic));
	finit_dat_out_str(w, version);
	finit_dat_out_bytes(w, &(char){ __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ }, 1);
	finit_dat_out_bytes(w, &(char){ (char)sizeof(long) }, 1);
	finit_dat_out_u32(w, page_size);
}

/* finit_dat_out_formats - systems, each with its count and formats */
void finit_dat_out_formats(struct finit_dat_out *w, const struct finit_dat_header *h)
{
	int nsys = 0;

	for (int i = 0; i < h->nformats; i++)
		nsys += !i || strcmp(h->formats[i].sys, h->formats[i - 1].sys);
	finit_dat_out_u32(w, nsys);
	for (int i = 0; i < h->nformats;) {
		int j = i;

		while (j < h->nformats && !strcmp(h->formats[j].sys, h->formats[i].sys))
			j++;
		finit_dat_out_str(w, h->formats[i].sys);
		finit_dat_out_u32(w, j - i);
		for (; i < j; i++) {
			finit_dat_out_u64(w, h->formats[i].len);
			finit_dat_out_bytes(w, h->formats[i].text, h->formats[i].len);
		}
	}
}

/*
 * finit_dat_out_options - libtracecmd adds OFFSET to every timestamp, so
 * trace-cmd and KernelShark show wall time; it prints seconds only for the
 * clocks it knows count nanoseconds (not "boot"), unless a TSC2NSEC option
 * came first: ours converts 1:1 (multiplier 1, shift 0, offset 0)
 */
void finit_dat_out_options(struct finit_dat_out *w, const struct finit_dat_header *h,
			   int tgids_option)
{
	struct { uint32_t mult, shift; uint64_t offset; } __attribute__((packed)) tsc = { 1, 0, 0 };
	char text[64];

	snprintf(text, sizeof(text), "%lld", h->clock_offset_ns);
	finit_dat_out_option(w, OPT_OFFSET, text, strlen(text) + 1);
	finit_dat_out_option(w, OPT_TSC2NSEC, &tsc, sizeof(tsc));
	if (h->trace_clock)
		finit_dat_out_option(w, OPT_TRACECLOCK, h->trace_clock,
				     strlen(h->trace_clock) + 1);
	if (h->uname)
		finit_dat_out_option(w, OPT_UNAME, h->uname, strlen(h->uname) + 1);
	snprintf(text, sizeof(text), "%s%s", FINIT_DAT_VERSION_PREFIX, FINIT_VERSION);
	finit_dat_out_option(w, OPT_VERSION, text, strlen(text) + 1);
	if (tgids_option && h->tgids)
		finit_dat_out_option(w, FINIT_DAT_OPT_TGIDS, h->tgids, strlen(h->tgids) + 1);
}

/* finit_dat_out_size - flushed first, so the size is what was written; whole pages */
long long finit_dat_out_size(FILE *f, int page_size)
{
	struct stat st;

	if (!f || fflush(f) || fstat(fileno(f), &st) < 0)
		return 0;
	return st.st_size - st.st_size % page_size;
}

/* finit_dat_out_done - flush, then say whether anything failed */
int finit_dat_out_done(struct finit_dat_out *w, char *err, size_t errlen)
{
	if (!w->failed && fflush(w->f))
		w->failed = errno ? errno : EIO;
	if (!w->failed)
		return 0;
	snprintf(err, errlen, "writing trace.dat: %s", strerror(w->failed));
	return -1;
}
