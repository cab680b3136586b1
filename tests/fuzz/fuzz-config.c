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
#include "policy.h"

/* judge - a policy that parsed, on an event of each kind with every field set */
static void judge(const struct finit_policy *p)
{
	struct finit_event ev = {
		.module = (char *)"loop", .path = (char *)"/lib/modules/6.1/loop.ko",
		.sha256 = (char *)"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		.proc = { .valid = true, .uid = 1000, .exe = (char *)"/usr/bin/kmod",
			  .has_auid = true, .auid = 1000,
			  .container_id = (char *)"0123456789abcdef0123456789abcdef"
						  "0123456789abcdef0123456789abcdef" },
	};

	for (int sys = 0; sys <= FINIT_EV_MODULE_LOAD; sys++) {
		ev.sys = (enum finit_syscall)sys;
		finit_policy_judge(p, &ev);
		if ((ev.verdict == FINIT_VERDICT_NONE) != !p || (p && !ev.rule))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct finit_config cfg;
	char path[64], err[768];
	int fd = memfd_create("fuzz-config", 0);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (finit_config_init(&cfg) == 0) {
		if (!finit_config_load(&cfg, path, err, sizeof(err)))
			judge(cfg.policy);
		finit_config_free(&cfg);
	}
	close(fd);
	return 0;
}
