// SPDX-License-Identifier: MIT
/*
 * fuzz-config.c - libFuzzer target: any bytes as the INI config file.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct finit_config cfg;
	char path[64], err[768];
	int fd = memfd_create("fuzz-config", 0);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (finit_config_init(&cfg) == 0) {
		finit_config_load(&cfg, path, err, sizeof(err));
		finit_config_free(&cfg);
	}
	close(fd);
	return 0;
}
