// SPDX-License-Identifier: MIT
/*
 * kshark-count.c - load a trace.dat the way KernelShark does (libkshark:
 * kshark_open, kshark_load_entries) and print one line per entry it found:
 * "TIMESTAMP_NS CPU PID EVENT". For tests/live/record.sh.
 *
 * Usage: kshark-count FILE; exit status 0, or 1 if libkshark cannot load it.
 */
#include <stdio.h>
#include <stdlib.h>

#include <libkshark.h>

int main(int argc, char **argv)
{
	struct kshark_context *ctx = NULL;
	struct kshark_entry **rows = NULL;
	ssize_t n;
	int sd;

	if (argc != 2) {
		fprintf(stderr, "usage: kshark-count FILE\n");
		return 2;
	}
	if (!kshark_instance(&ctx))
		return 1;
	sd = kshark_open(ctx, argv[1]);
	n = sd < 0 ? -1 : kshark_load_entries(ctx, sd, &rows);
	for (ssize_t i = 0; i < n; i++) {
		char *name = kshark_get_event_name(rows[i]);

		printf("%lld %d %d %s\n", (long long)rows[i]->ts, rows[i]->cpu, rows[i]->pid,
		       name ? name : "?");
		free(name);
		free(rows[i]);
	}
	free(rows);
	kshark_close_all(ctx);
	kshark_free(ctx);
	if (n < 0)
		fprintf(stderr, "kshark-count: libkshark cannot load %s\n", argv[1]);
	return n < 0;
}
