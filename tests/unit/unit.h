/* SPDX-License-Identifier: MIT */
/*
 * unit.h - shared pieces of the CUnit suites.
 */
#ifndef FINIT_UNIT_H
#define FINIT_UNIT_H

#include <CUnit/CUnit.h>

struct tep_handle;

#define FIXTURES "tests/fixtures/formats"

/* unit_tep - a tep handle from fixture files (NULL-terminated "dir/file" list) */
struct tep_handle *unit_tep(const char *header_page, const char *const *formats);

/* unit_read - a whole fixture file, NUL-terminated; size in *len */
char *unit_read(const char *path, size_t *len);

/*
 * unit_keep_json - append JSON lines the tests made to $FINIT_UNIT_JSON (when
 * set): `make unit` validates them against docs/event.schema.json
 */
void unit_keep_json(const char *lines);

struct finit_config;

/* unit_config_load - @text written to a temporary file and loaded over a fresh @cfg; 0 or -1 (@err, 512 bytes) */
int unit_config_load(struct finit_config *cfg, const char *text, char *err);

/*
 * unit_tracing_suite - a suite whose tracing directory is a new one of its
 * own while it runs (tracefs_set_tracing_dir), removed after it
 */
CU_pSuite unit_tracing_suite(const char *name);

/* unit_put - @text into @file of that directory, the directories on the way made; 0 or -1 */
int unit_put(const char *file, const char *text);

/* unit_fifo - a named pipe at @file of that directory; an fd that writes to it (O_RDWR), or -1 */
int unit_fifo(const char *file);

#define UNIT_SUBBUF	4096
#define UNIT_DATA_OFF	16	/* header_page: timestamp 8, commit 8 */

/* A sub-buffer being built; len: bytes of data after the header. */
struct unit_page {
	unsigned char	buf[UNIT_SUBBUF];
	size_t		len;
};

/* unit_put_le - @v as @len little-endian bytes at @p */
void unit_put_le(unsigned char *p, unsigned long long v, int len);

/* unit_page_init - an empty sub-buffer whose time stamp is @ts */
void unit_page_init(struct unit_page *pg, unsigned long long ts);

/* unit_page_add - one event: a 32-bit header (type_len = words, time_delta) + data */
void unit_page_add(struct unit_page *pg, unsigned int delta, const unsigned char *data,
		   size_t size);

/* unit_raw_rec - a raw_syscalls record (id 313) of @tep's enter or exit event in @d; its size */
size_t unit_raw_rec(struct tep_handle *tep, unsigned char *d, int enter, int tid,
		    long long val);

/* Suite registration, one per file. */
int unit_add_decode(void);
int unit_add_stream(void);
int unit_add_emit(void);
int unit_add_emit_json(void);
int unit_add_subbuf(void);
int unit_add_config(void);
int unit_add_filter(void);
int unit_add_correlate(void);
int unit_add_strings(void);
int unit_add_verify(void);
int unit_add_loadguard(void);
int unit_add_spool(void);
int unit_add_salvage(void);
int unit_add_tracecmd(void);
int unit_add_sinks(void);
int unit_add_policy(void);
int unit_add_context(void);
int unit_add_tamper(void);
int unit_add_drain(void);
int unit_add_pidclock(void);

#endif
