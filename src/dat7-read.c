// SPDX-License-Identifier: MIT
/*
 * dat7-read.c - the header of a trace.dat version 7 (trace-cmd.dat.v7(5)),
 * read as hostile input: every offset and size is checked against the file
 * before use, metadata sections are read whole but limited in size, and
 * OPTIONS sections are followed a bounded number of times. Numbers are read
 * in the host's byte order: a file of the other order is left to
 * libtracecmd (its options are not read).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "dat7-read.h"
#include "dat7.h"

#define OPT_DONE	0
#define OPT_DATE	1
#define OPT_BUFFER	3
#define OPT_TRACECLOCK	4
#define OPT_UNAME	5
#define OPT_HOOK	6
#define OPT_OFFSET	7
#define OPT_VERSION	9
#define OPT_PROCMAPS	10
#define OPT_GUEST	13
#define OPT_BUFFER_TEXT	22
#define META_MAX	(64 << 20)	/* bytes of saved_tgids, at most */
#define OPTIONS_MAX	(1 << 20)	/* bytes of one OPTIONS section, at most */
#define MAX_OPT_SECTIONS 64

struct r7 {
	int			fd;
	long long		size;
	const char		*path;
	struct finit_dat_info	*info;
	char			*err;
	size_t			errlen;
	int			failed;
};

/* fail - "file: what, at offset N" (the first failure is kept) */
static int fail(struct r7 *r, long long at, const char *what)
{
	if (!r->failed)
		snprintf(r->err, r->errlen, "%s: %s, at offset %lld", r->path, what, at);
	r->failed = 1;
	return -1;
}

/* get - @n bytes at @at, which must lie in the file */
static int get(struct r7 *r, long long at, void *p, size_t n, const char *what)
{
	if (r->failed)
		return -1;
	if (at < 0 || at > r->size || (long long)n > r->size - at ||
	    pread(r->fd, p, n, at) != (ssize_t)n)
		return fail(r, at, what);
	return 0;
}

/* cstr - a NUL-terminated string at *@at of at most @len - 1 bytes; *@at moves past it */
static int cstr(struct r7 *r, long long *at, char *buf, size_t len, const char *what)
{
	long long left = r->size - *at;
	size_t n = left <= 0 ? 0 : left < (long long)len ? (size_t)left : len;

	if (!n || get(r, *at, buf, n, what) < 0 || !memchr(buf, 0, n))
		return fail(r, *at, what);
	*at += (long long)strlen(buf) + 1;
	return 0;
}

/* unzip - a compressed body of at most *@out_len bytes: "zsize, size, data"; NULL if bad */
static char *unzip(struct r7 *r, long long at, uint64_t len, uint32_t *out_len)
{
	uint32_t zr[2] = { 0, 0 };
	char *z = NULL, *out = NULL;
	size_t n;

	if (!r->info->zstd)
		return fail(r, at, "compressed section in a file of unknown compression"), NULL;
	if (len < 8 || get(r, at, zr, 8, "truncated compressed section") < 0)
		return fail(r, at, "truncated compressed section"), NULL;
	if (zr[0] > len - 8 || zr[1] > *out_len)
		return fail(r, at, "compressed section sizes do not fit it"), NULL;
	z = malloc(zr[0] ? zr[0] : 1);
	out = malloc((size_t)zr[1] + 1);
	if (!z || !out || get(r, at + 8, z, zr[0], "truncated compressed section") < 0) {
		fail(r, at, "out of memory for a section");
	} else {
		n = ZSTD_decompress(out, zr[1], z, zr[0]);
		if (ZSTD_isError(n) || n != zr[1])
			fail(r, at, "section does not decompress to its stated size");
	}
	free(z);
	if (r->failed) {
		free(out);
		return NULL;
	}
	out[zr[1]] = '\0';
	*out_len = zr[1];
	return out;
}

/*
 * section - the section at @at: its id, and with @body its body
 * (NUL-terminated) of at most *@len bytes, and *@len its size
 */
static int section(struct r7 *r, long long at, uint16_t *id, char **body, uint32_t *len,
		   long long *next)
{
	struct { uint16_t id, flags; uint32_t desc; uint64_t size; } __attribute__((packed)) h;

	if (get(r, at, &h, sizeof(h), "truncated section header") < 0)
		return -1;
	if (h.size > (uint64_t)(r->size - at - (long long)sizeof(h)))
		return fail(r, at, "section larger than the file");
	*id = h.id;
	*next = at + (long long)sizeof(h) + (long long)h.size;
	if (!body)
		return 0;
	if (h.flags & FINIT_DAT7_SEC_COMPRESSED) {
		*body = unzip(r, at + (long long)sizeof(h), h.size, len);
		return *body ? 0 : -1;
	}
	if (h.size > *len)
		return fail(r, at, "section too large for what it holds");
	*body = calloc(1, h.size + 1);
	*len = (uint32_t)h.size;
	if (!*body)
		return fail(r, at, "out of memory for a section");
	return get(r, at + (long long)sizeof(h), *body, h.size, "truncated section");
}

/* buffer - a v7 BUFFER option: an instance's, or the top one's CPU table */
static int buffer(struct finit_dat_info *info, const char *data, uint32_t size, char *err,
		  size_t errlen)
{
	size_t p = 8, n;
	uint32_t ps, cpus, max = 0;
	const char *name = data + p;

	for (int s = 0; s < 2; s++) {		/* the name, the clock */
		n = p < size ? strnlen(data + p, size - p) : size;
		if (p + n >= size)
			return snprintf(err, errlen, "BUFFER option: bad strings"), -1;
		p += n + 1;
	}
	if (size - p < 8)
		return snprintf(err, errlen, "BUFFER option: truncated"), -1;
	memcpy(&ps, data + p, 4);
	memcpy(&cpus, data + p + 4, 4);
	p += 8;
	if (*name || info->cpu_off) {
		info->buffers = true;	/* an instance's, or a second top buffer */
		return 0;
	}
	if (cpus > FINIT_DAT_MAX_CPUS || (size - p) / 20 < cpus)
		return snprintf(err, errlen, "BUFFER option: %u CPUs do not fit it", cpus), -1;
	for (uint32_t i = 0; i < cpus; i++) {
		uint32_t id;

		memcpy(&id, data + p + 20 * i, 4);
		if (id >= FINIT_DAT_MAX_CPUS)
			return snprintf(err, errlen, "BUFFER option: CPU id %u", id), -1;
		max = id + 1 > max ? id + 1 : max;
	}
	info->cpu_off = calloc(max ? max : 1, sizeof(*info->cpu_off));
	info->cpu_size = calloc(max ? max : 1, sizeof(*info->cpu_size));
	if (!info->cpu_off || !info->cpu_size)
		return snprintf(err, errlen, "out of memory"), -1;
	info->ncpus = (int)max;
	info->page_size = (int)ps;
	for (uint32_t i = 0; i < cpus; i++) {
		uint32_t id;

		memcpy(&id, data + p + 20 * i, 4);
		if (info->cpu_off[id] || info->cpu_size[id])
			return snprintf(err, errlen, "BUFFER option: CPU %u twice", id), -1;
		memcpy(&info->cpu_off[id], data + p + 20 * i + 4, 8);
		memcpy(&info->cpu_size[id], data + p + 20 * i + 12, 8);
	}
	return 0;
}

/*
 * c_string - libtracecmd reads this option as a C string from a block of
 * exactly its size (strdup, strtoll, strtok): without a NUL inside, it
 * reads past the block (found by a bit flip: UNAME's last byte)
 */
static bool c_string(uint16_t id)
{
	switch (id) {
	case OPT_DATE:
	case OPT_TRACECLOCK:
	case OPT_UNAME:
	case OPT_HOOK:
	case OPT_OFFSET:
	case OPT_VERSION:
	case OPT_PROCMAPS:
	case OPT_GUEST:
	case OPT_BUFFER_TEXT:
		return true;
	}
	return false;
}

/* finit_dat7_read_option - what report needs of an option */
int finit_dat7_read_option(struct finit_dat_info *info, uint16_t id, const char *data,
			   uint32_t size, char *err, size_t errlen)
{
	const char *m;

	if (size && c_string(id) && !memchr(data, '\0', size))
		return snprintf(err, errlen, "option %u: a string without its NUL", id), -1;
	switch (id) {
	case OPT_OFFSET:		/* as libtracecmd reads it */
		info->clock_offset_ns = strtoll(data, NULL, 0);
		info->has_offset = true;
		break;
	case FINIT_DAT_OPT_CLOCK_OFFSET:
		if (size == 8) {
			memcpy(&info->clock_offset_ns, data, 8);
			info->has_offset = true;
		}
		break;
	case FINIT_DAT_OPT_TGIDS:
		if (!info->tgids && !(info->tgids = strdup(data)))
			return snprintf(err, errlen, "out of memory"), -1;
		break;
	case OPT_BUFFER:
		if (info->version >= 7)
			return buffer(info, data, size, err, errlen);
		info->buffers = true;
		break;
	case OPT_BUFFER_TEXT:
		info->latency = true;
		break;
	case OPT_UNAME:
		m = strrchr(data, ' ');
		snprintf(info->machine, sizeof(info->machine), "%s", m ? m + 1 : "");
		break;
	case OPT_VERSION:
		info->ours = !strncmp(data, FINIT_DAT_VERSION_PREFIX,
				      strlen(FINIT_DAT_VERSION_PREFIX));
		break;
	}
	return 0;
}

/* options - one OPTIONS section's options; where the next is (0: none), -1 */
static long long options(struct r7 *r, long long at)
{
	long long next = -1, end;
	uint32_t len = OPTIONS_MAX, p = 0, osize;
	uint16_t id, oid;
	char *b = NULL, what[160];

	if (section(r, at, &id, &b, &len, &end) < 0)
		goto out;
	if (id != FINIT_DAT7_SEC_OPTIONS) {
		fail(r, at, "no OPTIONS section where the header says");
		goto out;
	}
	for (; len - p >= 6 && next < 0 && !r->failed; p += osize) {
		memcpy(&oid, b + p, 2);
		memcpy(&osize, b + p + 2, 4);
		p += 6;
		if (osize > len - p) {
			fail(r, at, "option larger than its OPTIONS section");
		} else if (oid == OPT_DONE) {
			uint64_t n = 0;

			memcpy(&n, b + p, osize < 8 ? osize : 8);
			next = n <= (uint64_t)r->size ? (long long)n : fail(r, at, "bad next OPTIONS");
		} else {
			char *d = calloc(1, osize + 1);

			if (d)
				memcpy(d, b + p, osize);
			if (!d || finit_dat7_read_option(r->info, oid, d, osize, what,
							 sizeof(what)) < 0)
				fail(r, at, d ? what : "out of memory");
			free(d);
		}
	}
	if (next < 0)
		fail(r, at, "OPTIONS section without DONE");
out:
	free(b);
	return r->failed ? -1 : next;
}

/* check_cpus - the top buffer's page size is plausible and its CPU data in the file */
static int check_cpus(struct r7 *r)
{
	struct finit_dat_info *info = r->info;

	if (info->page_size < 64 || info->page_size > FINIT_DAT_MAX_PAGE)
		return fail(r, 0, "implausible page size in the BUFFER option");
	for (int c = 0; c < info->ncpus; c++) {
		unsigned long long off = info->cpu_off[c], size = info->cpu_size[c];

		if (off > (unsigned long long)r->size || size > (unsigned long long)r->size - off) {
			snprintf(r->err, r->errlen, "%s: CPU %d data (%llu bytes at offset %llu) "
				 "runs past the end of the file (%lld bytes): truncated?", r->path,
				 c, size, off, r->size);
			r->failed = 1;
			return -1;
		}
	}
	return 0;
}

/* walk - every section from @at to the end of the file, each in it; keep saved_tgids */
static int walk(struct r7 *r, long long at)
{
	long long next;
	uint32_t len;
	uint16_t id;
	char *body;

	while (at < r->size) {
		if (section(r, at, &id, NULL, NULL, &next) < 0)
			return -1;
		if (id == FINIT_DAT_OPT_TGIDS && !r->info->tgids) {
			len = META_MAX;
			if (section(r, at, &id, &body, &len, &next) < 0)
				return -1;
			r->info->tgids = body;
		}
		at = next;
	}
	return 0;
}

/*
 * finit_dat7_read_info - the initial format's rest, the OPTIONS chain, the
 * CPU table; in a file of ours also every section (and saved_tgids)
 */
int finit_dat7_read_info(int fd, long long size, long long at, const char *path,
			 struct finit_dat_info *info, char *err, size_t errlen)
{
	struct r7 r = { .fd = fd, .size = size, .path = path, .info = info, .err = err,
			.errlen = errlen };
	unsigned char head[6];
	char name[64], ver[64];
	long long opt = 0;
	int n = 0;

	if (get(&r, at, head, sizeof(head), "truncated initial format") < 0)
		return -1;
	memcpy(&info->page_size, head + 2, 4);
	at += sizeof(head);
	if (cstr(&r, &at, name, sizeof(name), "bad compression name") < 0 ||
	    cstr(&r, &at, ver, sizeof(ver), "bad compression version") < 0 ||
	    get(&r, at, &opt, 8, "truncated initial format") < 0)
		return -1;
	info->zstd = !strcmp(name, "zstd");
	/* another byte order or compression: libtracecmd's to read */
	if (head[0] != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__) ||
	    (!info->zstd && strcmp(name, "none")))
		return 0;
	while (opt > 0 && n++ < MAX_OPT_SECTIONS)
		opt = options(&r, opt);
	if (opt)
		return fail(&r, at, opt < 0 ? "bad OPTIONS section" : "too many OPTIONS sections");
	if (info->cpu_off && check_cpus(&r) < 0)
		return -1;
	return info->ours ? walk(&r, at + 8) : 0;
}
