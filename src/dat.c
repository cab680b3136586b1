// SPDX-License-Identifier: MIT
/*
 * dat.c - trace.dat v6, as documented in trace-cmd.dat.v6(5): the
 * initial format, header_page and header_event, no ftrace formats, the
 * event formats by system, empty kallsyms and printk, saved_cmdlines, the
 * CPU count, options (dat-out.c: those both versions carry, and our
 * saved_tgids), then the flyrecord table and each CPU's raw sub-buffers at
 * page-aligned offsets. Reading: the header of either version (dat7-read.c
 * reads version 7's), and the CPU data of our files, raw or in zstd chunks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <traceevent/event-parse.h>
#include <zstd.h>

#include "dat-out.h"
#include "dat7-read.h"
#include "stream.h"
#include "dat.h"

#define DAT_CHUNK_PAGES	16			/* sub-buffers per read */

#define OPT_DONE	0

static const char magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };

/* copy_cpu - append @size bytes of one CPU's sub-buffers */
static void copy_cpu(struct finit_dat_out *w, FILE *in, long long size)
{
	char buf[65536];
	size_t n;

	rewind(in);
	while (!w->failed && size > 0 &&
	       (n = fread(buf, 1, size < (long long)sizeof(buf) ? (size_t)size : sizeof(buf),
			  in)) > 0) {
		finit_dat_out_bytes(w, buf, n);
		size -= (long long)n;
	}
	if (ferror(in) || (!w->failed && size > 0))
		w->failed = EIO;
}

/* w_head - everything before the options: headers, formats, cmdlines, CPUs */
static void w_head(struct finit_dat_out *w, const struct finit_dat_header *h)
{
	const char *cmdlines = h->cmdlines ? h->cmdlines : "";

	finit_dat_out_magic(w, "6", h->page_size);
	finit_dat_out_str(w, "header_page");
	finit_dat_out_u64(w, h->header_page_len);
	finit_dat_out_bytes(w, h->header_page, h->header_page_len);
	finit_dat_out_str(w, "header_event");
	finit_dat_out_u64(w, h->header_event_len);
	finit_dat_out_bytes(w, h->header_event, h->header_event_len);
	finit_dat_out_u32(w, 0);		/* ftrace event formats */
	finit_dat_out_formats(w, h);
	finit_dat_out_u32(w, 0);		/* kallsyms: not needed by our events */
	finit_dat_out_u32(w, 0);		/* printk formats */
	finit_dat_out_u64(w, strlen(cmdlines));
	finit_dat_out_bytes(w, cmdlines, strlen(cmdlines));
	finit_dat_out_u32(w, h->ncpus);
}

/* w_flyrecord - the table, then the data of each CPU at a page boundary */
static void w_flyrecord(struct finit_dat_out *w, const struct finit_dat_header *h,
			FILE *const *cpu_files)
{
	long long off, pos;

	finit_dat_out_bytes(w, "flyrecord", 10);
	pos = ftell(w->f) + 16LL * h->ncpus;
	off = (pos + h->page_size - 1) / h->page_size * h->page_size;
	for (int cpu = 0; cpu < h->ncpus; cpu++) {
		long long size = finit_dat_out_size(cpu_files[cpu], h->page_size);

		finit_dat_out_u64(w, size ? off : 0);
		finit_dat_out_u64(w, size);
		off += (size + h->page_size - 1) / h->page_size * h->page_size;
	}
	for (int cpu = 0; cpu < h->ncpus && !w->failed; cpu++) {
		long long size = finit_dat_out_size(cpu_files[cpu], h->page_size);
		long long at = ftell(w->f);
		long long to = (at + h->page_size - 1) / h->page_size * h->page_size;

		if (!size)
			continue;
		while (at++ < to)
			finit_dat_out_bytes(w, "", 1);
		copy_cpu(w, cpu_files[cpu], size);
	}
}

/* finit_dat_write - a whole version 6 file */
int finit_dat_write(FILE *out, const struct finit_dat_header *h, FILE *const *cpu_files,
		    char *err, size_t errlen)
{
	struct finit_dat_out w = { .f = out };

	w_head(&w, h);
	finit_dat_out_bytes(&w, "options  ", 10);
	finit_dat_out_options(&w, h, 1);
	finit_dat_out_u16(&w, OPT_DONE);
	w_flyrecord(&w, h, cpu_files);
	return finit_dat_out_done(&w, err, errlen);
}

/* Reading: a bounds-checked cursor over the whole file. */
struct reader {
	const char	*path;
	FILE		*f;
	long long	size;
	char		*err;
	size_t		errlen;
	int		failed;
};

static int r_fail(struct reader *r, const char *what)
{
	if (!r->failed)
		snprintf(r->err, r->errlen, "%s: %s, at offset %lld", r->path, what,
			 (long long)ftell(r->f));
	r->failed = 1;
	return -1;
}

static int r_bytes(struct reader *r, void *p, size_t n, const char *what)
{
	if (r->failed)
		return -1;
	if (fread(p, 1, n, r->f) != n)
		return r_fail(r, what);
	return 0;
}

static uint64_t r_num(struct reader *r, int n, const char *what)
{
	uint64_t v = 0;

	r_bytes(r, &v, n, what);
	return v;
}

/* r_skip - skip @n bytes of a section that must fit in the file */
static void r_skip(struct reader *r, uint64_t n, const char *what)
{
	long long at = ftell(r->f);

	if (r->failed)
		return;
	if (n > (uint64_t)(r->size - at) || fseek(r->f, (long)n, SEEK_CUR))
		r_fail(r, what);
}

/* r_cstr - a NUL-terminated string of at most @len - 1 bytes */
static void r_cstr(struct reader *r, char *buf, size_t len, const char *what)
{
	size_t i = 0;
	int c = 0;

	while (!r->failed && (c = fgetc(r->f)) != EOF && c) {
		if (i + 1 >= len) {
			r_fail(r, what);
			return;
		}
		buf[i++] = (char)c;
	}
	if (c == EOF)
		r_fail(r, what);
	buf[i] = '\0';
}

/* r_options - the v6 options, read as version 7's are */
static void r_options(struct reader *r, struct finit_dat_info *info)
{
	char what[160];

	for (;;) {
		uint16_t id = (uint16_t)r_num(r, 2, "truncated option");
		uint32_t size;
		char *data;

		if (r->failed || id == OPT_DONE)
			return;
		size = (uint32_t)r_num(r, 4, "truncated option");
		if (r->failed || size > r->size - ftell(r->f)) {
			r_fail(r, "option larger than the file");
			return;
		}
		data = calloc(1, size + 1);
		if (!data || r_bytes(r, data, size, "truncated option")) {
			free(data);
			return;
		}
		if (finit_dat7_read_option(info, id, data, size, what, sizeof(what)) < 0)
			r_fail(r, what);
		free(data);
	}
}

/* r_sections - skip the sections before the CPU count, checking each fits */
static void r_sections(struct reader *r, struct finit_dat_info *info)
{
	char name[256];
	uint32_t n;

	r_num(r, 2, "truncated initial format");	/* endian, long size */
	info->page_size = (int)r_num(r, 4, "truncated initial format");
	r_cstr(r, name, sizeof(name), "bad header_page tag");
	if (!r->failed && strcmp(name, "header_page"))
		r_fail(r, "bad header_page tag");
	r_skip(r, r_num(r, 8, "truncated header_page"), "header_page larger than the file");
	r_cstr(r, name, sizeof(name), "bad header_event tag");
	if (!r->failed && strcmp(name, "header_event"))
		r_fail(r, "bad header_event tag");
	r_skip(r, r_num(r, 8, "truncated header_event"), "header_event larger than the file");
	n = (uint32_t)r_num(r, 4, "truncated ftrace formats");
	for (uint32_t i = 0; i < n && !r->failed; i++)
		r_skip(r, r_num(r, 8, "truncated format"), "format larger than the file");
	n = (uint32_t)r_num(r, 4, "truncated event systems");
	for (uint32_t i = 0; i < n && !r->failed; i++) {
		uint32_t events;

		r_cstr(r, name, sizeof(name), "bad system name");
		events = (uint32_t)r_num(r, 4, "truncated system");
		for (uint32_t e = 0; e < events && !r->failed; e++)
			r_skip(r, r_num(r, 8, "truncated format"), "format larger than the file");
	}
	r_skip(r, r_num(r, 4, "truncated kallsyms"), "kallsyms larger than the file");
	r_skip(r, r_num(r, 4, "truncated printk formats"), "printk formats larger than the file");
	r_skip(r, r_num(r, 8, "truncated saved_cmdlines"), "saved_cmdlines larger than the file");
}

/* r_flyrecord - the flyrecord table: each CPU's data must lie in the file */
static void r_flyrecord(struct reader *r, struct finit_dat_info *info, uint32_t cpus)
{
	if (!r->failed && (cpus > FINIT_DAT_MAX_CPUS || info->page_size < 64 ||
			   info->page_size > FINIT_DAT_MAX_PAGE)) {
		r_fail(r, "implausible CPU count or page size");
		return;
	}
	info->cpu_off = calloc(cpus ? cpus : 1, sizeof(*info->cpu_off));
	info->cpu_size = calloc(cpus ? cpus : 1, sizeof(*info->cpu_size));
	if (!info->cpu_off || !info->cpu_size) {
		r_fail(r, "out of memory for the flyrecord table");
		return;
	}
	info->ncpus = (int)cpus;
	for (uint32_t c = 0; c < cpus && !r->failed; c++) {
		uint64_t off = r_num(r, 8, "truncated flyrecord table");
		uint64_t size = r_num(r, 8, "truncated flyrecord table");

		info->cpu_off[c] = off;
		info->cpu_size[c] = size;
		if (!r->failed && (off > (uint64_t)r->size || size > (uint64_t)r->size - off)) {
			snprintf(r->err, r->errlen, "%s: CPU %u data (%llu bytes at offset %llu) "
				 "runs past the end of the file (%lld bytes): truncated?", r->path,
				 c, (unsigned long long)size, (unsigned long long)off, r->size);
			r->failed = 1;
		}
	}
}

/* r_v6 - walk a version 6 header and check its flyrecord table */
static void r_v6(struct reader *r, struct finit_dat_info *info)
{
	char tag[10];
	uint32_t cpus;

	r_sections(r, info);
	cpus = (uint32_t)r_num(r, 4, "truncated CPU count");
	if (r_bytes(r, tag, 10, "truncated section tag"))
		return;
	if (!memcmp(tag, "options  ", 10)) {
		r_options(r, info);
		if (r_bytes(r, tag, 10, "truncated section tag"))
			return;
	}
	if (memcmp(tag, "flyrecord", 10)) {
		if (memcmp(tag, "latency  ", 10))
			r_fail(r, "unknown section (not flyrecord or latency)");
		return;
	}
	r_flyrecord(r, info, cpus);
}

int finit_dat_read_info(const char *path, struct finit_dat_info *info,
			char *err, size_t errlen)
{
	struct reader r = { .path = path, .err = err, .errlen = errlen };
	struct stat st;
	char head[10], ver[16];

	memset(info, 0, sizeof(*info));
	r.f = fopen(path, "rb");
	if (!r.f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(r.f), &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		fclose(r.f);
		return -1;
	}
	r.size = st.st_size;
	if (!r.size) {
		snprintf(err, errlen, "%s: empty file, not a trace.dat", path);
	} else if (r_bytes(&r, head, sizeof(head), "too short for a trace.dat") == 0 &&
		   memcmp(head, magic, sizeof(magic))) {
		snprintf(err, errlen, "%s: not a trace.dat file (bad magic at offset 0)", path);
		r.failed = 1;
	} else if (!r.failed) {
		r_cstr(&r, ver, sizeof(ver), "bad version string");
		info->version = atoi(ver);
		if (!r.failed && info->version != 6 && info->version != 7)
			r_fail(&r, "unsupported trace.dat version");
		else if (info->version == 6)
			r_v6(&r, info);
		else if (!r.failed && finit_dat7_read_info(fileno(r.f), r.size, ftell(r.f), path,
							   info, err, errlen) < 0)
			r.failed = 1;
	}
	fclose(r.f);
	if (!r.size || r.failed) {
		finit_dat_info_free(info);
		return -1;
	}
	return 0;
}

void finit_dat_info_free(struct finit_dat_info *info)
{
	free(info->tgids);
	free(info->cpu_off);
	free(info->cpu_size);
	info->tgids = NULL;
	info->cpu_off = info->cpu_size = NULL;
}

bool finit_dat_own(const struct finit_dat_info *info)
{
	return (info->version == 6 || info->version == 7) && info->ours && !info->buffers &&
	       !info->latency && info->cpu_off;
}

/* A file being read: where each CPU is, and the callbacks. */
struct dat_iter {
	const char		*path;
	int			fd;
	const struct finit_dat_info *info;
	unsigned long long	*pos;		/* bytes of each CPU read so far */
	uint32_t		*chunks;	/* zstd: chunks of each CPU left */
	char			*chunk;		/* FINIT_DAT_CHUNK_PAGES sub-buffers */
	char			*zchunk;	/* a compressed chunk */
	size_t			zcap;
	ZSTD_DCtx		*z;
	int			hdr;		/* sub-buffer header: u64 time, long commit */
	int			(*cb)(struct tep_record *, void *);
	void			(*missed)(int, long long, void *);
	void			*ctx;
	char			*err;
	size_t			errlen;
};

/* damaged - "file: CPU n data: what, at offset N: damaged file"; -1 */
static int damaged(struct dat_iter *it, int cpu, const char *what, unsigned long long off)
{
	snprintf(it->err, it->errlen, "%s: CPU %d data: %s, at offset %llu: damaged file",
		 it->path, cpu, what, off);
	return -1;
}

/* load - @len bytes of sub-buffers in it->chunk (from @off), each checked before use */
static int load(struct dat_iter *it, struct finit_stream *st, int cpu, size_t len,
		unsigned long long off)
{
	size_t ps = (size_t)it->info->page_size;

	for (size_t done = 0; done < len; done += ps) {
		size_t n = len - done < ps ? len - done : ps;
		unsigned long long commit = 0;

		/* kbuffer trusts the header's commit size: check it against the page */
		if (n >= (size_t)it->hdr)
			commit = finit_stream_page_used(st, it->chunk + done);
		if (n < (size_t)it->hdr || commit > n - it->hdr) {
			snprintf(it->err, it->errlen, "%s: CPU %d sub-buffer claims %llu bytes of "
				 "events in %zu, at offset %llu: damaged file", it->path, cpu,
				 commit, n, off + done);
			return -1;
		}
		finit_stream_load_page(st, cpu, it->chunk + done, n);
	}
	return 1;
}

/* dat_refill - the next few raw sub-buffers of @cpu */
static int dat_refill(struct finit_stream *st, int cpu, void *arg)
{
	struct dat_iter *it = arg;
	unsigned long long left = it->info->cpu_size[cpu] - it->pos[cpu];
	unsigned long long off = it->info->cpu_off[cpu] + it->pos[cpu];
	size_t ps = (size_t)it->info->page_size;
	size_t want = left < DAT_CHUNK_PAGES * ps ? (size_t)left : DAT_CHUNK_PAGES * ps;
	ssize_t n;

	if (!want)
		return 0;
	n = pread(it->fd, it->chunk, want, (off_t)off);
	if (n != (ssize_t)want) {
		snprintf(it->err, it->errlen, "%s: cannot read CPU %d data, at offset %llu: %s",
			 it->path, cpu, off, n < 0 ? strerror(errno) : "file shorter than its table");
		return -1;
	}
	it->pos[cpu] += want;
	return load(it, st, cpu, want, off);
}

/* zrefill - the next zstd chunk of @cpu ("zsize, size, data"), decompressed */
static int zrefill(struct finit_stream *st, int cpu, void *arg)
{
	struct dat_iter *it = arg;
	unsigned long long size = it->info->cpu_size[cpu], base = it->info->cpu_off[cpu];
	unsigned long long off = base + it->pos[cpu];
	size_t cap = (size_t)FINIT_DAT_CHUNK_PAGES * it->info->page_size, n;
	uint32_t zr[2] = { 0, 0 };

	if (!it->pos[cpu] && size) {
		if (size < 4 || pread(it->fd, &it->chunks[cpu], 4, (off_t)base) != 4)
			return damaged(it, cpu, "no chunk count", base);
		it->pos[cpu] = 4;
		off += 4;
	}
	if (!it->chunks[cpu])
		return 0;
	if (size - it->pos[cpu] < 8 || pread(it->fd, zr, 8, (off_t)off) != 8)
		return damaged(it, cpu, "truncated chunk", off);
	if (zr[0] > size - it->pos[cpu] - 8 || zr[0] > it->zcap || !zr[1] || zr[1] > cap)
		return damaged(it, cpu, "chunk sizes do not fit", off);
	if (pread(it->fd, it->zchunk, zr[0], (off_t)off + 8) != (ssize_t)zr[0])
		return damaged(it, cpu, "truncated chunk", off);
	n = ZSTD_decompressDCtx(it->z, it->chunk, zr[1], it->zchunk, zr[0]);
	if (ZSTD_isError(n) || n != zr[1])
		return damaged(it, cpu, "chunk does not decompress to its stated size", off);
	it->pos[cpu] += 8 + zr[0];
	it->chunks[cpu]--;
	return load(it, st, cpu, zr[1], off);
}

/* dat_record - lost-event counts first, then the caller's callback */
static int dat_record(struct tep_record *rec, void *arg)
{
	struct dat_iter *it = arg;

	if (rec->missed_events && it->missed)
		it->missed(rec->cpu, rec->missed_events, it->ctx);
	return it->cb(rec, it->ctx);
}

/* iter_alloc - the iterator's buffers for @info; -1 if out of memory */
static int iter_alloc(struct dat_iter *it, const struct finit_dat_info *info)
{
	size_t ps = (size_t)info->page_size, n = info->ncpus ? info->ncpus : 1;

	it->pos = calloc(n, sizeof(*it->pos));
	it->chunk = malloc(FINIT_DAT_CHUNK_PAGES * ps);
	if (info->zstd) {
		it->chunks = calloc(n, sizeof(*it->chunks));
		it->zcap = ZSTD_compressBound(FINIT_DAT_CHUNK_PAGES * ps);
		it->zchunk = malloc(it->zcap);
		it->z = ZSTD_createDCtx();
		if (!it->chunks || !it->zchunk || !it->z)
			return -1;
	}
	return it->pos && it->chunk ? 0 : -1;
}

/* iter_free - what iter_alloc took */
static void iter_free(struct dat_iter *it)
{
	ZSTD_freeDCtx(it->z);
	free(it->zchunk);
	free(it->chunks);
	free(it->chunk);
	free(it->pos);
}

int finit_dat_iterate(const char *path, const struct finit_dat_info *info,
		      struct tep_handle *tep, int (*cb)(struct tep_record *, void *),
		      void (*missed)(int cpu, long long n, void *), void *ctx,
		      char *err, size_t errlen)
{
	struct dat_iter it = { .path = path, .info = info, .cb = cb, .missed = missed,
			       .ctx = ctx, .err = err, .errlen = errlen,
			       .hdr = 8 + tep_get_long_size(tep) };
	struct finit_stream *st = NULL;
	int ret = -1;

	/* the header's long size comes from the file: only 4 or 8 is real */
	if (it.hdr != 12 && it.hdr != 16) {
		snprintf(err, errlen, "%s: long size %d in the file header: damaged file", path,
			 it.hdr - 8);
		return -1;
	}
	snprintf(err, errlen, "%s: out of memory", path);
	it.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (it.fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	st = finit_stream_alloc(tep, info->ncpus, info->page_size);
	if (iter_alloc(&it, info) == 0 && st) {
		finit_stream_set_refill(st, info->zstd ? zrefill : dat_refill, &it);
		ret = finit_stream_deliver(st, dat_record, &it);
	}
	finit_stream_close(st);
	iter_free(&it);
	close(it.fd);
	return ret;
}
