// SPDX-License-Identifier: MIT
/*
 * dat7.c - trace.dat version 7, in the order trace-cmd 3.x writes it: the
 * initial format with the compression ("zstd" and its version, or "none")
 * and where the first OPTIONS section is; our saved_tgids section (which
 * libtracecmd steps over: it walks every section by its size); the header
 * info, ftrace events (none), event formats, kallsyms and printk (empty)
 * and saved_cmdlines sections; the first OPTIONS section, pointing at
 * them; the "buffer flyrecord" section, each CPU's data page-aligned (in
 * zstd chunks, each an independent frame); the second OPTIONS section
 * with the BUFFER option; the strings. Sizes and offsets known only later
 * are written as 0 and patched.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "dat-out.h"
#include "dat7.h"

#define OPT_DONE	0
#define OPT_BUFFER	3
#define OPT_CPUCOUNT	8
#define ZLEVEL		3	/* zstd's default, what trace-cmd uses */

/* Section descriptions, by index; their ids are offsets in the strings section. */
enum { D_OPTIONS, D_HEADERS, D_FTRACE, D_FORMATS, D_KALLSYMS, D_PRINTK, D_CMDLINES,
       D_BUFFER, D_STRINGS, D_TGIDS, D_COUNT };
static const char *const descs[D_COUNT] = {
	"options", "headers", "ftrace events", "events format", "kallsyms", "printk",
	"command lines", "buffer flyrecord ", "strings", "finit-ftrace saved_tgids",
};

struct w7 {
	struct finit_dat_out	o;
	ZSTD_CCtx		*z;		/* NULL: not compressed */
	const struct finit_dat_header *h;
	long long		sec_off[6];	/* headers .. cmdlines, for the options */
	long long		fly_off;	/* the buffer flyrecord section */
	long long		*cpu_off, *cpu_size;	/* each CPU's data in it */
};

/* desc_id - where descs[@d] starts in the strings section */
static uint32_t desc_id(int d)
{
	uint32_t off = 0;

	for (int i = 0; i < d; i++)
		off += strlen(descs[i]) + 1;
	return off;
}

/* tell - where the file is now (-1 after an error) */
static long long tell(struct w7 *w)
{
	long long at = w->o.failed ? -1 : ftello(w->o.f);

	if (at < 0 && !w->o.failed)
		w->o.failed = errno ? errno : EIO;
	return at;
}

/* patch - @n bytes of @v at @at, then back to the end */
static void patch(struct w7 *w, long long at, const void *v, size_t n)
{
	if (w->o.failed || fseeko(w->o.f, at, SEEK_SET)) {
		w->o.failed = w->o.failed ? w->o.failed : errno;
		return;
	}
	finit_dat_out_bytes(&w->o, v, n);
	if (!w->o.failed && fseeko(w->o.f, 0, SEEK_END))
		w->o.failed = errno;
}

/* zblock - compress @len bytes of @data: "zsize, size, data" */
static void zblock(struct w7 *w, const void *data, size_t len)
{
	size_t cap = ZSTD_compressBound(len), n;
	void *z = malloc(cap);

	n = z ? ZSTD_compressCCtx(w->z, z, cap, data, len, ZLEVEL) : 0;
	if (!z || ZSTD_isError(n)) {
		w->o.failed = w->o.failed ? w->o.failed : ENOMEM;
	} else {
		finit_dat_out_u32(&w->o, (uint32_t)n);
		finit_dat_out_u32(&w->o, (uint32_t)len);
		finit_dat_out_bytes(&w->o, z, n);
	}
	free(z);
}

/* section - a section whose body @fill writes (compressed if @zip); its offset */
static long long section(struct w7 *w, uint16_t id, int d, bool zip,
			 void (*fill)(struct finit_dat_out *, struct w7 *))
{
	struct finit_dat_out body = { 0 };
	char *data = NULL;
	size_t len = 0;
	long long at = tell(w);

	body.f = open_memstream(&data, &len);
	if (!body.f) {
		w->o.failed = w->o.failed ? w->o.failed : ENOMEM;
		return at;
	}
	fill(&body, w);
	if (fclose(body.f) || body.failed)
		w->o.failed = w->o.failed ? w->o.failed : ENOMEM;
	zip = zip && w->z;
	finit_dat_out_u16(&w->o, id);
	finit_dat_out_u16(&w->o, zip ? FINIT_DAT7_SEC_COMPRESSED : 0);
	finit_dat_out_u32(&w->o, desc_id(d));
	finit_dat_out_u64(&w->o, 0);
	if (zip)
		zblock(w, data, len);
	else
		finit_dat_out_bytes(&w->o, data, len);
	if (at >= 0)
		patch(w, at + 8, &(uint64_t){ tell(w) - at - 16 }, 8);
	free(data);
	return at;
}

/* f_tgids - saved_tgids, "tid tgid" lines */
static void f_tgids(struct finit_dat_out *b, struct w7 *w)
{
	finit_dat_out_bytes(b, w->h->tgids, strlen(w->h->tgids));
}

/* f_headers - header_page and header_event, each tagged and sized */
static void f_headers(struct finit_dat_out *b, struct w7 *w)
{
	finit_dat_out_str(b, "header_page");
	finit_dat_out_u64(b, w->h->header_page_len);
	finit_dat_out_bytes(b, w->h->header_page, w->h->header_page_len);
	finit_dat_out_str(b, "header_event");
	finit_dat_out_u64(b, w->h->header_event_len);
	finit_dat_out_bytes(b, w->h->header_event, w->h->header_event_len);
}

/* f_zero32 - an empty list: ftrace formats, kallsyms, printk formats */
static void f_zero32(struct finit_dat_out *b, struct w7 *w)
{
	(void)w;
	finit_dat_out_u32(b, 0);
}

/* f_formats - the event systems and formats */
static void f_formats(struct finit_dat_out *b, struct w7 *w)
{
	finit_dat_out_formats(b, w->h);
}

/* f_cmdlines - saved_cmdlines, with its size */
static void f_cmdlines(struct finit_dat_out *b, struct w7 *w)
{
	const char *c = w->h->cmdlines ? w->h->cmdlines : "";

	finit_dat_out_u64(b, strlen(c));
	finit_dat_out_bytes(b, c, strlen(c));
}

/* f_strings - every description, NUL-terminated */
static void f_strings(struct finit_dat_out *b, struct w7 *w)
{
	(void)w;
	for (int d = 0; d < D_COUNT; d++)
		finit_dat_out_str(b, descs[d]);
}

/* f_options1 - where the sections are, then the options of both versions */
static void f_options1(struct finit_dat_out *b, struct w7 *w)
{
	uint32_t cpus = w->h->ncpus;

	for (int i = 0; i < 6; i++)
		finit_dat_out_option(b, FINIT_DAT7_SEC_HEADERS + i, &w->sec_off[i], 8);
	finit_dat_out_options(b, w->h, 0);
	finit_dat_out_option(b, OPT_CPUCOUNT, &cpus, 4);
	finit_dat_out_u16(b, OPT_DONE);
	finit_dat_out_u32(b, 8);
	finit_dat_out_u64(b, 0);		/* the next OPTIONS section: patched */
}

/* clock_name - the clock in use: "[boot]" in the trace_clock file; "local" if none */
static void clock_name(const char *trace_clock, char *name, size_t len)
{
	const char *b = trace_clock ? strchr(trace_clock, '[') : NULL;
	size_t n = b ? strcspn(b + 1, "]") : 0;

	if (!n || n >= len)
		snprintf(name, len, "local");
	else
		snprintf(name, len, "%.*s", (int)n, b + 1);
}

/* f_options2 - the BUFFER option of the top instance, then the last DONE */
static void f_options2(struct finit_dat_out *b, struct w7 *w)
{
	char clock[64];
	uint32_t ps = w->h->page_size, n = w->h->ncpus;

	clock_name(w->h->trace_clock, clock, sizeof(clock));
	finit_dat_out_u16(b, OPT_BUFFER);
	finit_dat_out_u32(b, 8 + 1 + strlen(clock) + 1 + 4 + 4 + 20 * n);
	finit_dat_out_u64(b, w->fly_off);
	finit_dat_out_str(b, "");
	finit_dat_out_str(b, clock);
	finit_dat_out_u32(b, ps);
	finit_dat_out_u32(b, n);
	for (uint32_t cpu = 0; cpu < n; cpu++) {
		finit_dat_out_u32(b, cpu);
		finit_dat_out_u64(b, w->cpu_off[cpu]);
		finit_dat_out_u64(b, w->cpu_size[cpu]);
	}
	finit_dat_out_u16(b, OPT_DONE);
	finit_dat_out_u32(b, 8);
	finit_dat_out_u64(b, 0);
}

/* fill - up to @len bytes of @in; fewer only at its end */
static size_t fill(FILE *in, char *buf, size_t len)
{
	size_t got = 0, n;

	while (got < len && (n = fread(buf + got, 1, len - got, in)) > 0)
		got += n;
	return got;
}

/* w_data - @size bytes of one CPU's data: in zstd chunks, counted first, or as they are */
static void w_data(struct w7 *w, FILE *in, long long size)
{
	size_t cap = (size_t)FINIT_DAT_CHUNK_PAGES * w->h->page_size, n;
	long long count_at = tell(w);
	uint32_t chunks = 0;
	char *buf = malloc(cap);

	if (!buf) {
		w->o.failed = w->o.failed ? w->o.failed : ENOMEM;
		return;
	}
	rewind(in);
	if (w->z)
		finit_dat_out_u32(&w->o, 0);
	while (!w->o.failed && size > 0 &&
	       (n = fill(in, buf, size < (long long)cap ? (size_t)size : cap)) > 0) {
		if (w->z)
			zblock(w, buf, n);
		else
			finit_dat_out_bytes(&w->o, buf, n);
		size -= (long long)n;
		chunks++;
	}
	if ((ferror(in) || size > 0) && !w->o.failed)
		w->o.failed = EIO;
	if (w->z)
		patch(w, count_at, &chunks, 4);
	free(buf);
}

/* w_flyrecord - the section, each CPU's data at a page boundary in it */
static void w_flyrecord(struct w7 *w, FILE *const *cpu_files)
{
	static const char zeros[4096];

	w->fly_off = tell(w);
	finit_dat_out_u16(&w->o, FINIT_DAT7_SEC_BUFFER);
	finit_dat_out_u16(&w->o, w->z ? FINIT_DAT7_SEC_COMPRESSED : 0);
	finit_dat_out_u32(&w->o, desc_id(D_BUFFER));
	finit_dat_out_u64(&w->o, 0);
	for (int cpu = 0; cpu < w->h->ncpus && !w->o.failed; cpu++) {
		long long at = tell(w), ps = w->h->page_size;
		long long to = (at + ps - 1) / ps * ps;
		long long size = finit_dat_out_size(cpu_files[cpu], (int)ps);

		for (long long pad = to - at; pad > 0; pad -= sizeof(zeros))
			finit_dat_out_bytes(&w->o, zeros, pad < (long long)sizeof(zeros) ?
					    (size_t)pad : sizeof(zeros));
		w->cpu_off[cpu] = to;
		if (size > 0)
			w_data(w, cpu_files[cpu], size);
		w->cpu_size[cpu] = tell(w) - to;
	}
	if (w->fly_off >= 0)
		patch(w, w->fly_off + 8, &(uint64_t){ tell(w) - w->fly_off - 16 }, 8);
}

/* w_sections - everything before the CPU data; the first OPTIONS section's end */
static long long w_sections(struct w7 *w)
{
	long long opt_at, opt1;

	finit_dat_out_magic(&w->o, "7", w->h->page_size);
	finit_dat_out_str(&w->o, w->z ? "zstd" : "none");
	finit_dat_out_str(&w->o, w->z ? ZSTD_versionString() : "");
	opt_at = tell(w);
	finit_dat_out_u64(&w->o, 0);		/* the first OPTIONS section: patched */
	if (w->h->tgids)
		section(w, FINIT_DAT_OPT_TGIDS, D_TGIDS, true, f_tgids);
	w->sec_off[0] = section(w, FINIT_DAT7_SEC_HEADERS, D_HEADERS, true, f_headers);
	w->sec_off[1] = section(w, FINIT_DAT7_SEC_HEADERS + 1, D_FTRACE, true, f_zero32);
	w->sec_off[2] = section(w, FINIT_DAT7_SEC_HEADERS + 2, D_FORMATS, true, f_formats);
	w->sec_off[3] = section(w, FINIT_DAT7_SEC_HEADERS + 3, D_KALLSYMS, true, f_zero32);
	w->sec_off[4] = section(w, FINIT_DAT7_SEC_HEADERS + 4, D_PRINTK, true, f_zero32);
	w->sec_off[5] = section(w, FINIT_DAT7_SEC_CMDLINES, D_CMDLINES, true, f_cmdlines);
	opt1 = section(w, FINIT_DAT7_SEC_OPTIONS, D_OPTIONS, false, f_options1);
	patch(w, opt_at, &opt1, 8);
	return tell(w);
}

/* finit_dat7_write - sections, CPU data, the last options, the strings */
int finit_dat7_write(FILE *out, const struct finit_dat_header *h, FILE *const *cpu_files,
		     bool zstd, char *err, size_t errlen)
{
	struct w7 w = { .o = { .f = out }, .h = h };
	long long opt1_end, opt2;
	int ret;

	w.z = zstd ? ZSTD_createCCtx() : NULL;
	w.cpu_off = calloc(h->ncpus ? h->ncpus : 1, sizeof(*w.cpu_off));
	w.cpu_size = calloc(h->ncpus ? h->ncpus : 1, sizeof(*w.cpu_size));
	if ((zstd && !w.z) || !w.cpu_off || !w.cpu_size)
		w.o.failed = ENOMEM;
	opt1_end = w_sections(&w);
	w_flyrecord(&w, cpu_files);
	opt2 = section(&w, FINIT_DAT7_SEC_OPTIONS, D_OPTIONS, false, f_options2);
	if (opt1_end >= 0)
		patch(&w, opt1_end - 8, &opt2, 8);	/* the first DONE points here */
	section(&w, FINIT_DAT7_SEC_STRINGS, D_STRINGS, true, f_strings);
	ret = finit_dat_out_done(&w.o, err, errlen);
	ZSTD_freeCCtx(w.z);
	free(w.cpu_off);
	free(w.cpu_size);
	return ret;
}
