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

#endif
