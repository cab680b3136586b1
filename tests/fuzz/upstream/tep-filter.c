// SPDX-License-Identifier: MIT
/*
 * tep-filter.c - libtraceevent's filter parser, unguarded, for reproducing
 * its crashes (docs/upstream-reproducers.md): each argument (or the
 * fuzzer's bytes) as a filter on syscalls:sys_enter_finit_module (Debian
 * 6.1's format), as "syscalls/sys_enter_finit_module:EXPR". Not in FUZZ_TARGETS: this crashes on purpose.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>

#define FORMAT "tests/fixtures/formats/debian-6.1.0-amd64/syscalls.sys_enter_finit_module.format"

/* one_filter - tep_filter_add_filter_str on a fresh tep, then free it */
static int one_filter(const char *expr)
{
	struct tep_handle *tep = tep_alloc();
	struct tep_event_filter *f;
	char buf[8192], *str;
	size_t n;
	FILE *in = fopen(FORMAT, "r");
	int ret;

	if (!tep || !in)
		abort();
	n = fread(buf, 1, sizeof(buf), in);
	fclose(in);
	if (tep_parse_event(tep, buf, n, "syscalls"))
		abort();
	f = tep_filter_alloc(tep);
	if (!f || asprintf(&str, "syscalls/sys_enter_finit_module:%s", expr) < 0)
		abort();
	ret = tep_filter_add_filter_str(f, str);
	free(str);
	tep_filter_free(f);
	tep_free(tep);
	return ret;
}

#ifdef STANDALONE
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("'%s': %d\n", argv[i], one_filter(argv[i]));
	return 0;
}
#else
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *expr = strndup((const char *)data, size);

	if (!expr)
		abort();
	one_filter(expr);
	free(expr);
	return 0;
}
#endif
