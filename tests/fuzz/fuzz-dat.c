// SPDX-License-Identifier: MIT
/*
 * fuzz-dat.c - libFuzzer target: any bytes as a trace.dat through our own
 * reader (header walk, flyrecord table, sub-buffers with kbuffer) and the
 * decoder and pipeline that report uses. libtracecmd is not called here:
 * report runs it in a child process of its own (cmd-report.c).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <traceevent/event-parse.h>

#include "context.h"
#include "dat.h"
#include "decoder.h"
#include "pipeline.h"
#include "fuzz.h"

static struct tep_handle *tep;

/* load - one fixture format (or header_page) into @t */
static void load(struct tep_handle *t, const char *file, const char *sys)
{
	char path[256], buf[8192];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "tests/fixtures/formats/%s", file);
	f = fopen(path, "r");
	if (!f)
		abort();
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (sys ? tep_parse_event(t, buf, n, sys) : tep_parse_header_page(t, buf, n, 8))
		abort();
}

/* setup - the host's formats, as in the seed files */
static void setup(void)
{
	tep = tep_alloc();
	tep_set_long_size(tep, 8);
	tep_set_page_size(tep, 4096);
	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	load(tep, "host-6.18-no-modules/header_page", NULL);
	load(tep, "host-6.18-no-modules/raw_syscalls.sys_enter.format", "raw_syscalls");
	load(tep, "host-6.18-no-modules/raw_syscalls.sys_exit.format", "raw_syscalls");
	load(tep, "debian-6.1.0-amd64/module.module_load.format", "module");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct finit_dat_info info;
	struct finit_pipeline p;
	char path[64], err[512];
	int fd = memfd_create("fuzz-dat", 0);

	if (!tep)
		setup();
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (finit_dat_read_info(path, &info, err, sizeof(err)) == 0 && finit_dat_own(&info) &&
	    finit_pipeline_open(&p, finit_decoder_alloc(tep, finit_decoder_sysnr("x86_64"), NULL),
				finit_context_alloc_offline(tep, info.tgids), fuzz_drop, NULL,
				"fuzz") == 0) {
		finit_dat_iterate(path, &info, tep, fuzz_record, NULL, &p, err, sizeof(err));
		finit_correlate_flush(p.corr);
		finit_pipeline_close(&p);
	}
	finit_dat_info_free(&info);
	close(fd);
	return 0;
}
