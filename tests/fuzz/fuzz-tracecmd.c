// SPDX-License-Identifier: MIT
/*
 * fuzz-tracecmd.c - libFuzzer target: any bytes as a trace.dat through the
 * path report takes (tracecmd.c): the headers and trace-cmd's records
 * through libtracecmd, our own records through dat.c, down the decoder and
 * pipeline, all in the guarded child. The property is the parent's: it
 * never crashes or hangs, whatever the child does. A crash or a sanitizer
 * report inside the child is an error result (libtracecmd's bugs: see
 * docs/upstream-reproducers.md), not a finding. The child's coverage does
 * not reach libFuzzer (it is counted in the child's copy of the counters):
 * mutations here are guided by the seeds, not by the child's paths.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "context.h"
#include "decoder.h"
#include "pipeline.h"
#include "fuzz.h"
#include "tracecmd.h"

/* the sanitizers' hook (libFuzzer's saves the input as a crash) */
void __sanitizer_set_death_callback(void (*callback)(void));

/*
 * quiet - in the child: a crash ends it without libFuzzer's handlers
 * (which would save the input as a finding) and without its report
 */
static void quiet(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGALRM };
	int null = open("/dev/null", O_WRONLY);

	__sanitizer_set_death_callback(NULL);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	if (null >= 0 && !getenv("FUZZ_CHILD_STDERR"))
		dup2(null, 2);
}

/* read_dat - the child: what report does, with the events dropped */
static int read_dat(void *arg)
{
	struct finit_tracecmd_ops o = { .record = fuzz_record };
	struct finit_tracecmd t;
	struct finit_pipeline p;
	char err[512];
	int ret = 2;

	quiet();
	if (finit_tracecmd_open(&t, arg, err, sizeof(err)) < 0)
		return 2;
	if (finit_pipeline_open(&p, finit_decoder_alloc(finit_tracecmd_tep(&t),
			finit_decoder_sysnr("x86_64"), NULL), finit_context_alloc_offline(
			finit_tracecmd_tep(&t), t.info.tgids), fuzz_drop, NULL, "fuzz") == 0) {
		o.arg = &p;
		ret = finit_tracecmd_iterate(&t, &o, err, sizeof(err)) < 0 ? 2 : 0;
		finit_correlate_flush(p.corr);
		finit_pipeline_close(&p);
	}
	finit_tracecmd_close(&t);
	return ret;
}

/*
 * LLVMFuzzerInitialize - no memory limit: libFuzzer's malloc hook, which
 * the child inherits, would save the child's huge allocations as findings;
 * the parent's memory does not grow. -max_len: the seeds run to 49 KiB.
 */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char *args[256];
	int n = 0;

	for (int i = 0; i < *argc && n < 250; i++)
		args[n++] = (*argv)[i];
	args[n++] = "-rss_limit_mb=0";
	args[n++] = "-malloc_limit_mb=0";
	args[n++] = "-max_len=65536";
	args[n] = NULL;
	*argc = n;
	*argv = args;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[512];
	int fd = memfd_create("fuzz-tracecmd", 0), ret;

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ret = finit_tracecmd_guarded(read_dat, path, path, 2, err, sizeof(err));
	if (ret != -1 && ret != 0 && ret != 2)
		abort();	/* the child returned what it cannot return */
	close(fd);
	return 0;
}
