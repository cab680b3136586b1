// SPDX-License-Identifier: MIT
/*
 * burst - the benchmark load generator: N raw finit_module calls.
 *
 *   burst [-s SPACING_US] [-t] [-w START_FILE] [-H HOLD_MS] [-q] N
 *
 * Each call is syscall(SYS_finit_module, -1, params, 0); the return value is
 * not looked at (ENOSYS on a kernel without modules, EBADF elsewhere).
 *
 *   -s US   space the calls US microseconds apart (absolute CLOCK_MONOTONIC
 *           deadlines, so the schedule does not drift); 0: back to back
 *   -t      give every call its own params string "t=<CLOCK_BOOTTIME ns>",
 *           stamped just before the call (latency benchmark, P6). Each call
 *           has its own buffer, so a tracer reading /proc/PID/mem late still
 *           sees that call's stamp.
 *   -w FILE wait until FILE exists before the first call
 *   -H MS   stay alive MS milliseconds after the last call (so a tracer can
 *           still read /proc for the last calls)
 *   -q      no summary line
 *
 * On exit it prints one line on stdout:
 *   issued N pid PID utime_us U stime_us S wall_ns W
 * where U and S are this process's own CPU time (getrusage RUSAGE_SELF):
 * a tracer's CPU time is its rusage minus this.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_finit_module
#error "SYS_finit_module is not defined on this architecture"
#endif

static unsigned long long now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void usage(void)
{
	fprintf(stderr, "usage: burst [-s SPACING_US] [-t] [-w START_FILE] [-H HOLD_MS] [-q] N\n");
	exit(2);
}

/* number - a decimal count, or the usage */
static unsigned long long number(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (!*s || *end)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	unsigned long long n, spacing_us = 0, hold_ms = 0, t0, issued = 0;
	const char *start_file = NULL;
	struct timespec next;
	struct rusage ru;
	char *stamps = NULL;
	int c, stamp = 0, quiet = 0;
	enum { SLOT = 32 };

	while ((c = getopt(argc, argv, "s:tw:H:q")) != -1) {
		switch (c) {
		case 's':
			spacing_us = number(optarg);
			break;
		case 't':
			stamp = 1;
			break;
		case 'w':
			start_file = optarg;
			break;
		case 'H':
			hold_ms = number(optarg);
			break;
		case 'q':
			quiet = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	n = number(argv[optind]);
	if (!n)
		usage();
	if (stamp) {
		stamps = calloc(n, SLOT);
		if (!stamps) {
			perror("burst: calloc");
			return 1;
		}
	}
	while (start_file && access(start_file, F_OK))
		usleep(1000);

	t0 = now_ns(CLOCK_MONOTONIC);
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (unsigned long long i = 0; i < n; i++) {
		const char *params = "p=1";

		if (spacing_us) {
			next.tv_nsec += (long)(spacing_us * 1000 % 1000000000ULL);
			next.tv_sec += (time_t)(spacing_us / 1000000);
			if (next.tv_nsec >= 1000000000L) {
				next.tv_nsec -= 1000000000L;
				next.tv_sec++;
			}
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
				;
		}
		if (stamp) {
			char *s = stamps + i * SLOT;

			snprintf(s, SLOT, "t=%llu", now_ns(CLOCK_BOOTTIME));
			params = s;
		}
		syscall(SYS_finit_module, -1, params, 0);
		issued++;
	}
	getrusage(RUSAGE_SELF, &ru);
	if (!quiet) {
		printf("issued %llu pid %d utime_us %lld stime_us %lld wall_ns %llu\n", issued,
		       (int)getpid(),
		       (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
		       (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec,
		       now_ns(CLOCK_MONOTONIC) - t0);
		fflush(stdout);
	}
	if (hold_ms)
		usleep(hold_ms * 1000);
	free(stamps);
	return 0;
}
