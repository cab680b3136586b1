// SPDX-License-Identifier: MIT
/*
 * sha256.c - SHA-256 with libcrypto's EVP digests.
 */
#include <errno.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "sha256.h"

/* hex_of - 32 bytes as 64 lowercase hex digits and a NUL */
static void hex_of(const unsigned char *md, char hex[65])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
}

/* finish - the digest of @ctx into @hex; frees @ctx */
static int finish(EVP_MD_CTX *ctx, int ok, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	ok = ok && EVP_DigestFinal_ex(ctx, md, &len) == 1 && len == 32;
	EVP_MD_CTX_free(ctx);
	if (ok)
		hex_of(md, hex);
	return ok ? 0 : -1;
}

/* finit_sha256_fd - read @fd to its end in 64 KiB blocks */
int finit_sha256_fd(int fd, char hex[65])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char buf[65536];
	ssize_t n;
	int ok;

	if (!ctx)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
	while (ok && (n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0 && EVP_DigestUpdate(ctx, buf, (size_t)n) == 1;
	}
	return finish(ctx, ok, hex);
}

/* finit_sha256_buf - one buffer */
int finit_sha256_buf(const void *data, size_t len, char hex[65])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	if (!ctx)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	     EVP_DigestUpdate(ctx, data, len) == 1;
	return finish(ctx, ok, hex);
}
