// SPDX-License-Identifier: MIT
/*
 * dat.c - trace.dat v6, as documented in trace-cmd.dat.v6(5): the
 * initial format, header_page and header_event, no ftrace formats, the
 * event formats by system, empty kallsyms and printk, saved_cmdlines, the
 * CPU count, options (trace clock, uname, version, and ours), then the
 * flyrecord table and each CPU's raw sub-buffers at page-aligned offsets.
 * All numbers are little-endian on little-endian hosts (the file says so).
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

#include "stream.h"
#include "dat.h"

#define DAT_CHUNK_PAGES	16			/* sub-buffers per read */
#define COMMIT_MASK	((1ULL << 27) - 1)	/* the rest are flags */

/* trace-cmd's option ids (trace-cmd.dat.v7(5) lists them) */
#define OPT_DONE	0
#define OPT_BUFFER	3
#define OPT_TRACECLOCK	4
#define OPT_UNAME	5
#define OPT_VERSION	9

static const char magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };

struct writer {
	FILE	*f;
	int	failed;
};

static void w_bytes(struct writer *w, const void *p, size_t n)
{
	if (!w->failed && n && fwrite(p, 1, n, w->f) != n)
		w->failed = errno ? errno : EIO;
}

static void w_u16(struct writer *w, uint16_t v) { w_bytes(w, &v, 2); }
static void w_u32(struct writer *w, uint32_t v) { w_bytes(w, &v, 4); }
static void w_u64(struct writer *w, uint64_t v) { w_bytes(w, &v, 8); }

static void w_str(struct writer *w, const char *s)
{
	w_bytes(w, s, strlen(s) + 1);
}

/* w_option - one option: id, size, data */
static void w_option(struct writer *w, uint16_t id, const void *data, uint32_t size)
{
	w_u16(w, id);
	w_u32(w, size);
	w_bytes(w, data, size);
}

/* w_formats - the event systems and their formats (grouped by system) */
static void w_formats(struct writer *w, const struct finit_dat_header *h)
{
	int nsys = 0;

	for (int i = 0; i < h->nformats; i++)
		nsys += !i || strcmp(h->formats[i].sys, h->formats[i - 1].sys);
	w_u32(w, nsys);
	for (int i = 0; i < h->nformats;) {
		int j = i;

		while (j < h->nformats && !strcmp(h->formats[j].sys, h->formats[i].sys))
			j++;
		w_str(w, h->formats[i].sys);
		w_u32(w, j - i);
		for (; i < j; i++) {
			w_u64(w, h->formats[i].len);
			w_bytes(w, h->formats[i].text, h->formats[i].len);
		}
	}
}

/* file_size - whole sub-buffers in @f (a per-CPU file a kill may have cut short) */
static long long file_size(FILE *f, int page_size)
{
	struct stat st;

	if (!f || fflush(f) || fstat(fileno(f), &st) < 0)
		return 0;
	return st.st_size - st.st_size % page_size;
}

/* copy_cpu - append @size bytes of one CPU's sub-buffers */
static void copy_cpu(struct writer *w, FILE *in, long long size)
{
	char buf[65536];
	size_t n;

	rewind(in);
	while (!w->failed && size > 0 &&
	       (n = fread(buf, 1, size < (long long)sizeof(buf) ? (size_t)size : sizeof(buf),
			  in)) > 0) {
		w_bytes(w, buf, n);
		size -= (long long)n;
	}
	if (ferror(in) || (!w->failed && size > 0))
		w->failed = EIO;
}

/* w_head - everything before the options: headers, formats, cmdlines, CPUs */
static void w_head(struct writer *w, const struct finit_dat_header *h)
{
	const char *cmdlines = h->cmdlines ? h->cmdlines : "";

	w_bytes(w, magic, sizeof(magic));
	w_str(w, "6");
	w_bytes(w, &(char){ __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ }, 1);
	w_bytes(w, &(char){ (char)sizeof(long) }, 1);
	w_u32(w, h->page_size);
	w_str(w, "header_page");
	w_u64(w, h->header_page_len);
	w_bytes(w, h->header_page, h->header_page_len);
	w_str(w, "header_event");
	w_u64(w, h->header_event_len);
	w_bytes(w, h->header_event, h->header_event_len);
	w_u32(w, 0);			/* ftrace event formats */
	w_formats(w, h);
	w_u32(w, 0);			/* kallsyms: not needed by our events */
	w_u32(w, 0);			/* printk formats */
	w_u64(w, strlen(cmdlines));
	w_bytes(w, cmdlines, strlen(cmdlines));
	w_u32(w, h->ncpus);
}

/* w_options - trace-cmd's options we have, then ours */
static void w_options(struct writer *w, const struct finit_dat_header *h)
{
	char version[64];

	w_bytes(w, "options  ", 10);
	if (h->trace_clock)
		w_option(w, OPT_TRACECLOCK, h->trace_clock, strlen(h->trace_clock) + 1);
	if (h->uname)
		w_option(w, OPT_UNAME, h->uname, strlen(h->uname) + 1);
	snprintf(version, sizeof(version), "finit-ftrace %s", FINIT_VERSION);
	w_option(w, OPT_VERSION, version, strlen(version) + 1);
	w_option(w, FINIT_DAT_OPT_CLOCK_OFFSET, &h->clock_offset_ns, 8);
	if (h->tgids)
		w_option(w, FINIT_DAT_OPT_TGIDS, h->tgids, strlen(h->tgids) + 1);
	w_u16(w, OPT_DONE);
}

/* w_flyrecord - the table, then the data of each CPU at a page boundary */
static void w_flyrecord(struct writer *w, const struct finit_dat_header *h,
			FILE *const *cpu_files)
{
	long long off, pos;

	w_bytes(w, "flyrecord", 10);
	pos = ftell(w->f) + 16LL * h->ncpus;
	off = (pos + h->page_size - 1) / h->page_size * h->page_size;
	for (int cpu = 0; cpu < h->ncpus; cpu++) {
		long long size = file_size(cpu_files[cpu], h->page_size);

		w_u64(w, size ? off : 0);
		w_u64(w, size);
		off += (size + h->page_size - 1) / h->page_size * h->page_size;
	}
	for (int cpu = 0; cpu < h->ncpus && !w->failed; cpu++) {
		long long size = file_size(cpu_files[cpu], h->page_size);
		long long at = ftell(w->f);
		long long to = (at + h->page_size - 1) / h->page_size * h->page_size;

		if (!size)
			continue;
		while (at++ < to)
			w_bytes(w, "", 1);
		copy_cpu(w, cpu_files[cpu], size);
	}
}

/* finit_dat_write - a whole version 6 file */
int finit_dat_write(FILE *out, const struct finit_dat_header *h, FILE *const *cpu_files,
		    char *err, size_t errlen)
{
	struct writer w = { .f = out };

	w_head(&w, h);
	w_options(&w, h);
	w_flyrecord(&w, h, cpu_files);
	if (!w.failed && fflush(out))
		w.failed = errno ? errno : EIO;
	if (w.failed) {
		snprintf(err, errlen, "writing trace.dat: %s", strerror(w.failed));
		return -1;
	}
	return 0;
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

/* r_options - the v6 options; ours and uname are kept */
static void r_options(struct reader *r, struct finit_dat_info *info)
{
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
		if (id == FINIT_DAT_OPT_CLOCK_OFFSET && size == 8) {
			memcpy(&info->clock_offset_ns, data, 8);
			info->has_offset = true;
		} else if (id == FINIT_DAT_OPT_TGIDS && !info->tgids) {
			info->tgids = data;
			data = NULL;
		} else if (id == OPT_BUFFER) {
			info->buffers = true;
		} else if (id == OPT_UNAME) {
			char *m = strrchr(data, ' ');

			snprintf(info->machine, sizeof(info->machine), "%s", m ? m + 1 : "");
		}
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
	return info->version == 6 && info->has_offset && !info->buffers && info->cpu_off;
}

/* A file being read: where each CPU is, and the callbacks. */
struct dat_iter {
	const char		*path;
	int			fd;
	const struct finit_dat_info *info;
	unsigned long long	*pos;		/* bytes of each CPU read so far */
	char			*chunk;
	int			hdr;		/* sub-buffer header: u64 time, long commit */
	int			(*cb)(struct tep_record *, void *);
	void			(*missed)(int, long long, void *);
	void			*ctx;
	char			*err;
	size_t			errlen;
};

/* dat_refill - the next few sub-buffers of @cpu, each checked before use */
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
	for (size_t done = 0; done < want; done += ps) {
		size_t len = want - done < ps ? want - done : ps;
		unsigned long long commit = 0;

		/* kbuffer trusts the header's commit size: check it against the page */
		if (len >= (size_t)it->hdr)
			memcpy(&commit, it->chunk + done + 8, (size_t)it->hdr - 8);
		commit &= COMMIT_MASK;
		if (len < (size_t)it->hdr || commit > len - it->hdr) {
			snprintf(it->err, it->errlen, "%s: CPU %d sub-buffer claims %llu bytes of "
				 "events in %zu, at offset %llu: damaged file", it->path, cpu,
				 commit, len, off + done);
			return -1;
		}
		finit_stream_load_page(st, cpu, it->chunk + done, len);
	}
	it->pos[cpu] += want;
	return 1;
}

/* dat_record - lost-event counts first, then the caller's callback */
static int dat_record(struct tep_record *rec, void *arg)
{
	struct dat_iter *it = arg;

	if (rec->missed_events && it->missed)
		it->missed(rec->cpu, rec->missed_events, it->ctx);
	return it->cb(rec, it->ctx);
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
	it.pos = calloc(info->ncpus ? info->ncpus : 1, sizeof(*it.pos));
	it.chunk = malloc(DAT_CHUNK_PAGES * (size_t)info->page_size);
	st = finit_stream_alloc(tep, info->ncpus, info->page_size);
	if (it.pos && it.chunk && st) {
		finit_stream_set_refill(st, dat_refill, &it);
		ret = finit_stream_deliver(st, dat_record, &it);
	}
	finit_stream_close(st);
	free(it.chunk);
	free(it.pos);
	close(it.fd);
	return ret;
}
