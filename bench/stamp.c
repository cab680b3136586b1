// SPDX-License-Identifier: MIT
/*
 * stamp - CLOCK_BOOTTIME stamps for the latency and start-up benchmarks.
 * CLOCK_BOOTTIME is the clock of ftrace's "boot" trace clock, so the stamps
 * compare directly with finit-ftrace's ts_ns (and with perf -k boottime).
 *
 *   stamp lines            copy stdin to stdout, each line prefixed with the
 *                          CLOCK_BOOTTIME ns at which read() returned it
 *   stamp exec FILE CMD... write "BOOT MONO" (CLOCK_BOOTTIME and CLOCK_MONOTONIC
 *                          ns) to FILE, then exec CMD (perf record -k mono
 *                          stamps its samples with CLOCK_MONOTONIC)
 *   stamp now              print the CLOCK_BOOTTIME ns
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static unsigned long long clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static unsigned long long boot_ns(void)
{
	return clock_ns(CLOCK_BOOTTIME);
}

/* lines - stamp each line with the time its last byte was read */
static int lines(void)
{
	static char buf[1 << 20];
	size_t have = 0;

	for (;;) {
		ssize_t n = read(0, buf + have, sizeof(buf) - have);
		unsigned long long t;
		char *p, *nl;

		if (n <= 0)
			break;
		t = boot_ns();
		have += (size_t)n;
		p = buf;
		while ((nl = memchr(p, '\n', have - (size_t)(p - buf)))) {
			printf("%llu ", t);
			fwrite(p, 1, (size_t)(nl - p) + 1, stdout);
			p = nl + 1;
		}
		have -= (size_t)(p - buf);
		memmove(buf, p, have);
		if (have == sizeof(buf))	/* a line longer than the buffer: cut it */
			have = 0;
	}
	if (have) {
		printf("%llu ", boot_ns());
		fwrite(buf, 1, have, stdout);
		putchar('\n');
	}
	return fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "lines"))
		return lines();
	if (argc == 2 && !strcmp(argv[1], "now")) {
		printf("%llu\n", boot_ns());
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "exec")) {
		FILE *f = fopen(argv[2], "w");

		if (!f || fprintf(f, "%llu %llu\n", boot_ns(), clock_ns(CLOCK_MONOTONIC)) < 0 ||
		    fclose(f)) {
			perror(argv[2]);
			return 127;
		}
		execvp(argv[3], argv + 3);
		perror(argv[3]);
		return 127;
	}
	fprintf(stderr, "usage: stamp lines | stamp now | stamp exec FILE CMD [ARGS...]\n");
	return 2;
}
