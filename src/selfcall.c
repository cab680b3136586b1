// SPDX-License-Identifier: MIT
/*
 * selfcall.c - the self-test's own module syscalls: harmless calls of
 * known result, 64-bit from this thread and 32-bit (int $0x80) from a
 * child, with a marker string where the call takes one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "selfcall.h"

/* call64 - one syscall of ours; -errno or the result */
static long call64(int sys, const struct finit_selfcall *c)
{
	long ret = -ENOSYS;

	switch (sys) {
	case FINIT_SYS_FINIT_MODULE:
		ret = syscall(SYS_finit_module, -1, c->marker, 0);
		break;
	case FINIT_SYS_INIT_MODULE:
		ret = syscall(SYS_init_module, c->marker, 0UL, c->marker);
		break;
	case FINIT_SYS_DELETE_MODULE:
		ret = syscall(SYS_delete_module, c->marker, O_NONBLOCK);
		break;
	}
	return ret < 0 ? -errno : ret;
}

/* finit_selfcall_args - the arguments a record of the call must carry */
static void expect_args(int sys, unsigned long long ptr, unsigned long long *a)
{
	a[0] = a[1] = a[2] = 0;
	switch (sys) {
	case FINIT_SYS_FINIT_MODULE:
		a[0] = ~0ULL;		/* fd -1, a C int sign-extended */
		a[1] = ptr;
		break;
	case FINIT_SYS_INIT_MODULE:
		a[0] = ptr;
		a[2] = ptr;
		break;
	case FINIT_SYS_DELETE_MODULE:
		a[0] = ptr;
		a[1] = O_NONBLOCK;
		break;
	}
}

#ifdef __x86_64__
/* int80 - a 32-bit syscall from 64-bit code: the ia32 table and entry points */
static int int80(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "r8", "r9", "r10", "r11");
	return (int)ret;
}

/* ia32 syscall numbers (arch/x86/entry/syscalls/syscall_32.tbl) */
static const long ia32_nr[FINIT_SYS_NR] = { 350, 128, 129 };

/*
 * child32 - in a child (a kernel without 32-bit emulation kills it): the
 * three calls through int $0x80, results into @fd
 */
static void child32(int fd, const struct finit_selfcall *c, const char *m32)
{
	int ret[FINIT_SYS_NR] = { 0 };
	long p = (long)(unsigned long)m32;

	for (int sys = 0; sys < FINIT_SYS_NR; sys++) {
		if (!(c->events & (1u << sys)))
			continue;
		if (sys == FINIT_SYS_FINIT_MODULE)
			ret[sys] = int80(ia32_nr[sys], 0xffffffffL, p, 0);
		else if (sys == FINIT_SYS_INIT_MODULE)
			ret[sys] = int80(ia32_nr[sys], p, 0, p);
		else
			ret[sys] = int80(ia32_nr[sys], p, O_NONBLOCK, 0);
	}
	if (write(fd, ret, sizeof(ret)) != (ssize_t)sizeof(ret))
		_exit(2);
	_exit(0);
}

/* calls32 - run child32 with the marker below 4 GiB; 0 or -1 (no ia32) */
static int calls32(struct finit_selfcall *c)
{
	char *m32 = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	int pfd[2], status = 0, ret = -1;
	pid_t pid;

	if (m32 == MAP_FAILED)
		return -1;
	snprintf(m32, 4096, "%s", c->marker);
	if (pipe2(pfd, O_CLOEXEC) < 0)
		goto out;
	pid = fork();
	if (pid == 0)
		child32(pfd[1], c, m32);
	close(pfd[1]);
	if (pid > 0) {
		c->tid32 = pid;
		ret = read(pfd[0], c->ret32, sizeof(c->ret32)) == (ssize_t)sizeof(c->ret32) ? 0 : -1;
		waitpid(pid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			ret = -1;
	}
	close(pfd[0]);
	for (int sys = 0; sys < FINIT_SYS_NR; sys++)
		expect_args(sys, (unsigned long long)(unsigned long)m32, c->args32[sys]);
out:
	munmap(m32, 4096);
	return ret;
}
#else
/* calls32 - no 32-bit entry points we probe on this architecture */
static int calls32(struct finit_selfcall *c)
{
	(void)c;
	return -1;
}
#endif

/* finit_selfcall_make - the 64-bit calls, then (@want32) the 32-bit ones */
void finit_selfcall_make(struct finit_selfcall *c, bool want32)
{
	c->tid = (int)gettid();
	for (int sys = 0; sys < FINIT_SYS_NR; sys++) {
		expect_args(sys, (unsigned long long)(unsigned long)c->marker, c->args[sys]);
		if (c->events & (1u << sys))
			c->ret[sys] = call64(sys, c);
	}
	c->did32 = want32 && calls32(c) == 0;
}

/* finit_selfcall_init - the marker names us: other monitors see these calls */
void finit_selfcall_init(struct finit_selfcall *c, unsigned int events)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->marker, sizeof(c->marker), "finit-ftrace-selftest-%d", (int)getpid());
	c->events = events;
}
