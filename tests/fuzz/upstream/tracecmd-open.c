// SPDX-License-Identifier: MIT
/*
 * tracecmd-open.c - the unguarded libtracecmd path, for reproducing the
 * library's crashes (docs/upstream-reproducers.md): the bytes as a
 * trace.dat through tracecmd_open, every buffer, every record. Not in
 * FUZZ_TARGETS: this crashes on purpose. With libFuzzer (make
 * fuzz-upstream), or as a plain program on files (-DSTANDALONE).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <trace-cmd/trace-cmd.h>

/* count - libtracecmd's record callback */
static int count(struct tracecmd_input *h, struct tep_record *rec, int cpu, void *arg)
{
	(void)h;
	(void)rec;
	(void)cpu;
	(*(unsigned long *)arg)++;
	return 0;
}

/* read_file - what report does with a file that is not ours */
static unsigned long read_file(const char *path)
{
	struct tracecmd_input *top, **h;
	unsigned long n = 0;
	int nb;

	tracecmd_set_loglevel(TEP_LOG_NONE);
	top = tracecmd_open(path, TRACECMD_FL_LOAD_NO_PLUGINS | TRACECMD_FL_LOAD_NO_SYSTEM_PLUGINS);
	if (!top)
		return 0;
	nb = tracecmd_buffer_instances(top);
	h = calloc(nb + 1, sizeof(*h));
	if (!h)
		abort();
	h[0] = top;
	for (int i = 0; i < nb; i++)
		h[i + 1] = tracecmd_buffer_instance_handle(top, i);
	tracecmd_iterate_events_multi(h, nb + 1, count, &n);
	for (int i = 1; i <= nb; i++)
		if (h[i])
			tracecmd_close(h[i]);
	free(h);
	tracecmd_close(top);
	return n;
}

#ifdef STANDALONE
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("%s: %lu records\n", argv[i], read_file(argv[i]));
	return 0;
}
#else
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = memfd_create("upstream", 0);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	read_file(path);
	close(fd);
	return 0;
}
#endif
