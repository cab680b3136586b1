// SPDX-License-Identifier: MIT
/*
 * getpid-loop - an unrelated syscall load (P8): N raw getpid() calls.
 *
 *   getpid-loop N
 *
 * Prints "calls N ns_per_call X cpu_ns_per_call Y": X is wall time
 * (CLOCK_MONOTONIC) / N, Y is this thread's own CPU time (user + sys,
 * CLOCK_THREAD_CPUTIME_ID) / N, which does not count time spent preempted
 * by other load on the machine. It uses syscall(SYS_getpid) so that no libc
 * cache can skip the kernel.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec a, b, ca, cb;
	unsigned long long n;
	char *end;
	double ns, cpu;

	if (argc != 2 || !(n = strtoull(argv[1], &end, 10)) || *end) {
		fprintf(stderr, "usage: getpid-loop N\n");
		return 2;
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ca);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (unsigned long long i = 0; i < n; i++)
		syscall(SYS_getpid);
	clock_gettime(CLOCK_MONOTONIC, &b);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cb);
	ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (double)n;
	cpu = ((cb.tv_sec - ca.tv_sec) * 1e9 + (cb.tv_nsec - ca.tv_nsec)) / (double)n;
	printf("calls %llu ns_per_call %.1f cpu_ns_per_call %.1f\n", n, ns, cpu);
	return 0;
}
