/* SPDX-License-Identifier: MIT */
/*
 * sha256.h - SHA-256 (FIPS 180-4) for the --hash option.
 */
#ifndef FINIT_SHA256_H
#define FINIT_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct finit_sha256 {
	uint32_t	h[8];
	uint64_t	len;
	unsigned char	buf[64];
	size_t		used;
};

void finit_sha256_init(struct finit_sha256 *c);
void finit_sha256_update(struct finit_sha256 *c, const void *data, size_t len);
/* finit_sha256_hex - finish and write 64 hex digits and a NUL to @hex */
void finit_sha256_hex(struct finit_sha256 *c, char hex[65]);

#endif
