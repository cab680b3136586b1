// SPDX-License-Identifier: MIT
/*
 * modcall - make module syscalls on purpose and report what was done.
 *
 * Test helper for finit-ftrace. It calls the syscall directly (no libc
 * wrapper, no libkmod) and prints one JSON line per call describing exactly
 * what it passed and what the kernel returned, so tests can compare the
 * tracer's output field by field with the caller's own record.
 *
 *   modcall finit PATH|-  PARAMS FLAGS [--fd N] [--repeat K] [--hold]
 *   modcall init  PATH    PARAMS [--hold]
 *   modcall delete NAME   FLAGS  [--hold]
 *   modcall lookalike
 *
 * PATH "-" means: pass the fd given by --fd without opening anything (an
 * invalid or closed fd is fine: the kernel still reports the call).
 * --fd N dup2()s the opened file to descriptor N before the call.
 * --repeat K makes the same call K times (one JSON line each).
 * --hold keeps the process (its fds and the parameter string) alive after
 * the call until standard input reaches EOF, so a tracer can read /proc.
 * FLAGS accepts C syntax (0x880, 8, 4).
 * lookalike (64-bit builds) makes the native syscalls whose numbers are
 * the 32-bit module syscalls' (x86_64: rt_sigtimedwait 128 = i386
 * init_module, rt_sigqueueinfo 129 = i386 delete_module): no module call.
 *
 * Built statically so the same binary runs on the host and inside a
 * busybox initramfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* errno_name - symbolic name for the errnos a module syscall can return */
static const char *errno_name(int e)
{
	switch (e) {
	case 0: return NULL;
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case EBADF: return "EBADF";
	case ENOMEM: return "ENOMEM";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case ETXTBSY: return "ETXTBSY";
	case EFBIG: return "EFBIG";
	case ENOSYS: return "ENOSYS";
	case ENOEXEC: return "ENOEXEC";
	case EWOULDBLOCK: return "EAGAIN";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EKEYREJECTED: return "EKEYREJECTED";
	default: return "E?";
	}
}

/* json_str - print a JSON string literal, escaping what JSON requires */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* report - one JSON line describing a call and its result */
static void report(const char *event, long fd, const char *params,
		   unsigned long flags, long ret, int err)
{
	const char *en = ret < 0 ? errno_name(err) : NULL;
	char comm[32] = "";
	FILE *f = fopen("/proc/self/comm", "r");

	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	printf("{\"event\":\"%s\",\"pid\":%d,\"tid\":%ld,\"comm\":", event,
	       (int)getpid(), (long)syscall(SYS_gettid));
	json_str(comm);
	printf(",\"fd\":%ld,\"param_values\":", fd);
	if (params)
		json_str(params);
	else
		printf("null");
	printf(",\"flags\":%lu,\"ret\":%ld,\"errno\":", flags,
	       ret < 0 ? -(long)err : ret);
	if (en)
		printf("\"%s\"", en);
	else
		printf("null");
	printf("}\n");
	fflush(stdout);
}

static int usage(void)
{
	fprintf(stderr,
		"usage: modcall finit PATH|- PARAMS FLAGS [--fd N] [--repeat K] [--hold]\n"
		"       modcall init PATH PARAMS [--hold]\n"
		"       modcall delete NAME FLAGS [--hold]\n"
		"       modcall lookalike\n");
	return 2;
}

/* hold - with --hold, stay alive (fds, memory) until standard input hits EOF */
static void hold(int on)
{
	while (on && getchar() != EOF)
		;
}

/* hold_arg - init/delete take an optional trailing --hold: 1, 0, or -1 (bad) */
static int hold_arg(int argc, char **argv)
{
	if (argc == 4)
		return 0;
	if (argc == 5 && !strcmp(argv[4], "--hold"))
		return 1;
	return -1;
}

/* do_finit - open PATH (unless "-"), optionally move it to fd N, call finit_module */
static int do_finit(int argc, char **argv)
{
	const char *path, *params;
	unsigned long flags;
	long fd = -1, want_fd = -1, repeat = 1;
	int i, hold_on = 0;

	if (argc < 5)
		return usage();
	path = argv[2];
	params = argv[3];
	flags = strtoul(argv[4], NULL, 0);
	for (i = 5; i < argc; i++) {
		if (!strcmp(argv[i], "--fd") && i + 1 < argc)
			want_fd = strtol(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
			repeat = strtol(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--hold"))
			hold_on = 1;
		else
			return usage();
	}
	if (strcmp(path, "-")) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "modcall: open %s: %s\n", path, strerror(errno));
			return 1;
		}
		if (want_fd >= 0 && want_fd != fd) {
			if (dup2(fd, want_fd) < 0) {
				fprintf(stderr, "modcall: dup2: %s\n", strerror(errno));
				return 1;
			}
			close(fd);
			fd = want_fd;
		}
	} else {
		fd = want_fd;
	}
	for (long n = 0; n < repeat; n++) {
		long ret = syscall(SYS_finit_module, (int)fd, params, (int)flags);
		int err = errno;

		report("finit_module", fd, params, flags, ret, err);
	}
	hold(hold_on);
	return 0;
}

/* do_init - read PATH into memory and call init_module */
static int do_init(int argc, char **argv)
{
	struct stat st;
	void *img;
	long ret;
	int fd, err, hold_on = hold_arg(argc, argv);

	if (hold_on < 0)
		return usage();
	fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "modcall: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	img = mmap(NULL, st.st_size ? st.st_size : 1, PROT_READ, MAP_PRIVATE, fd, 0);
	if (img == MAP_FAILED) {
		fprintf(stderr, "modcall: mmap %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	ret = syscall(SYS_init_module, img, (unsigned long)st.st_size, argv[3]);
	err = errno;
	report("init_module", -1, argv[3], 0, ret, err);
	hold(hold_on);
	return 0;
}

/* do_delete - call delete_module(NAME, FLAGS) */
static int do_delete(int argc, char **argv)
{
	unsigned long flags;
	long ret;
	int err, hold_on = hold_arg(argc, argv);

	if (hold_on < 0)
		return usage();
	flags = strtoul(argv[3], NULL, 0);
	ret = syscall(SYS_delete_module, argv[2], (unsigned int)flags);
	err = errno;
	report("delete_module", -1, argv[2], flags, ret, err);
	hold(hold_on);
	return 0;
}

/* do_lookalike - rt_sigtimedwait (zero timeout: EAGAIN), rt_sigqueueinfo (signal 0 to self) */
static int do_lookalike(int argc)
{
	sigset_t set;
	siginfo_t si;
	struct timespec ts = { 0, 0 };
	long ret;

	if (argc != 2 || sizeof(long) != 8)
		return usage();
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	ret = syscall(SYS_rt_sigtimedwait, &set, &si, &ts, 8);
	report("rt_sigtimedwait", -1, NULL, 0, ret, errno);
	memset(&si, 0, sizeof(si));
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	ret = syscall(SYS_rt_sigqueueinfo, getpid(), 0, &si);
	report("rt_sigqueueinfo", -1, NULL, 0, ret, errno);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "finit"))
		return do_finit(argc, argv);
	if (!strcmp(argv[1], "init"))
		return do_init(argc, argv);
	if (!strcmp(argv[1], "delete"))
		return do_delete(argc, argv);
	if (!strcmp(argv[1], "lookalike"))
		return do_lookalike(argc);
	return usage();
}
