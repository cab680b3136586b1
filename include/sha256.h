/* SPDX-License-Identifier: MIT */
/*
 * sha256.h - SHA-256 for the --hash option, through libcrypto's EVP
 * interface (OpenSSL: ~5x the hand-written one; the hash of a large module
 * no longer holds up the stream).
 */
#ifndef FINIT_SHA256_H
#define FINIT_SHA256_H

#include <stddef.h>

/* finit_sha256_fd - hash all that can be read from @fd: 0, or -1 (errno) */
int finit_sha256_fd(int fd, char hex[65]);

/* finit_sha256_buf - hash @len bytes: 0, or -1 */
int finit_sha256_buf(const void *data, size_t len, char hex[65]);

#endif
