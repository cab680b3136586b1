// SPDX-License-Identifier: MIT
/*
 * main.c - run every CUnit suite; the exit code is the number of failures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <traceevent/event-parse.h>

#include "unit.h"

char *unit_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = calloc(1, n + 1);
		if (buf && fread(buf, 1, n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		if (len)
			*len = n;
	}
	fclose(f);
	return buf;
}

void unit_keep_json(const char *lines)
{
	const char *path = getenv("FINIT_UNIT_JSON");
	FILE *f;

	if (!path || !lines)
		return;
	f = fopen(path, "a");
	if (!f)
		return;
	fputs(lines, f);
	fclose(f);
}

struct tep_handle *unit_tep(const char *header_page, const char *const *formats)
{
	struct tep_handle *tep = tep_alloc();
	char path[512], *buf;
	size_t len;

	tep_set_long_size(tep, 8);
	tep_set_page_size(tep, 4096);
	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	if (header_page) {
		snprintf(path, sizeof(path), "%s/%s", FIXTURES, header_page);
		buf = unit_read(path, &len);
		if (!buf || tep_parse_header_page(tep, buf, len, 8))
			goto fail;
		free(buf);
	}
	for (int i = 0; formats[i]; i++) {
		/* files are named SYSTEM.EVENT.format */
		const char *base = strrchr(formats[i], '/');
		char sys[64];

		base = base ? base + 1 : formats[i];
		snprintf(sys, sizeof(sys), "%.*s", (int)strcspn(base, "."), base);
		snprintf(path, sizeof(path), "%s/%s", FIXTURES, formats[i]);
		buf = unit_read(path, &len);
		if (!buf || tep_parse_event(tep, buf, len, sys))
			goto fail;
		free(buf);
	}
	return tep;
fail:
	fprintf(stderr, "unit: cannot load fixture %s\n", path);
	free(buf);
	tep_free(tep);
	return NULL;
}

int main(void)
{
	unsigned int failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (unit_add_decode() || unit_add_stream() || unit_add_emit() ||
	    unit_add_config() || unit_add_filter() || unit_add_correlate() ||
	    unit_add_strings() || unit_add_verify() || unit_add_spool() ||
	    unit_add_loadguard() || unit_add_salvage() || unit_add_tracecmd() ||
	    unit_add_sinks() || unit_add_policy() || unit_add_emit_json() ||
	    unit_add_subbuf() || unit_add_context() || unit_add_tamper() ||
	    unit_add_drain() || unit_add_pidclock()) {
		fprintf(stderr, "unit: cannot register suites: %s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failures ? 1 : 0;
}
