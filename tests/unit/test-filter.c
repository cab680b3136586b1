// SPDX-License-Identifier: MIT
/*
 * test-filter.c - the filter syntax check and user-space evaluation with
 * the kernel's meaning.
 */
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "decoder.h"
#include "filter.h"
#include "unit.h"

static const char *const fields[] = { "fd", "flags", "common_pid", "comm", NULL };

static void test_syntax_ok(void)
{
	static const char *const good[] = {
		"fd == 3", "flags & 4", "fd > 2 && flags != 0", "!(fd < 0) || flags == 0x8",
		"((fd >= 1))", "common_pid == 42", "fd == -1", "comm == \"insmod\"",
		"comm ~ \"ins*\"", "comm == bash", NULL,
	};
	char err[256];

	for (int i = 0; good[i]; i++)
		CU_ASSERT_EQUAL(finit_filter_check(good[i], fields, false, err, sizeof(err)), 0);
}

/* bad - @expr fails with @msg and the caret under column @col */
static void bad(const char *expr, bool numeric, const char *msg, int col)
{
	char err[256], want[128];

	CU_ASSERT_EQUAL(finit_filter_check(expr, fields, numeric, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, msg));
	snprintf(want, sizeof(want), "\n%*s^", col + 11, "");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, expr));
}

static void test_syntax_errors(void)
{
	bad("fd >", false, "Missing value", 4);
	bad("fd == ", false, "Missing value", 6);
	bad("bogus == 1", false, "Field not found", 0);
	bad("flags &&& 4", false, "operator", 6);
	bad("(fd > 1", false, "Unbalanced", 0);
	bad("fd > 1 flags", false, "Unexpected", 7);
	bad("fd > 1 &&", false, "Missing field", 9);
	bad("comm == \"x", false, "Unterminated", 8);
	bad("comm == \"x\"", true, "Expected a number", 8);
	bad("", false, "Missing field", 0);
}

static const char *const deb61[] = {
	"debian-6.1.0-amd64/syscalls.sys_enter_finit_module.format", NULL,
};

/* match - does the user-space filter @expr keep a call (fd, flags, tid)? */
static int match(const char *expr, long long fd, unsigned long long flags, int tid)
{
	struct tep_handle *tep = unit_tep(NULL, deb61);
	struct finit_decoder *dec = finit_decoder_alloc(tep, finit_decoder_sysnr("x86_64"), NULL);
	struct finit_record r = { .kind = FINIT_REC_ENTER, .tid = tid, .raw = true,
				  .args = { (unsigned long long)fd, 0x7ffc0000, flags } };
	char err[256];
	int ret;

	CU_ASSERT_EQUAL_FATAL(finit_decoder_set_filter(dec, expr, true, err, sizeof(err)), 0);
	ret = finit_decoder_match(dec, &r);
	finit_decoder_free(dec);
	tep_free(tep);
	return ret;
}

static void test_user_space_eval(void)
{
	CU_ASSERT_TRUE(match("flags & 4", 3, 4, 1));
	CU_ASSERT_TRUE(match("flags & 4", 3, 0x1c, 1));
	CU_ASSERT_FALSE(match("flags & 4", 3, 3, 1));
	CU_ASSERT_TRUE(match("fd > 2 && flags != 0", 3, 1, 1));
	CU_ASSERT_FALSE(match("fd > 2 && flags != 0", 3, 0, 1));
	CU_ASSERT_FALSE(match("fd > 2 && flags != 0", 2, 1, 1));
	CU_ASSERT_TRUE(match("fd == 9 || fd == 12", 12, 0, 1));
	CU_ASSERT_TRUE(match("common_pid == 42", 0, 0, 42));
	CU_ASSERT_FALSE(match("common_pid == 42", 0, 0, 43));
	CU_ASSERT_TRUE(match("!(flags == 0)", 0, 8, 1));
	/* as in the kernel, fd is an unsigned 8-byte field: -1 is huge */
	CU_ASSERT_TRUE(match("fd > 2", -1, 0, 1));
}

/* the expression is on finit_module: other calls, and kernel-filtered records, pass */
static void test_user_space_scope(void)
{
	struct tep_handle *tep = unit_tep(NULL, deb61);
	struct finit_decoder *dec = finit_decoder_alloc(tep, finit_decoder_sysnr("x86_64"), NULL);
	struct finit_record r = { .kind = FINIT_REC_ENTER, .raw = true, .args = { 1, 2, 0 } };
	char err[256];

	CU_ASSERT_EQUAL_FATAL(finit_decoder_set_filter(dec, "flags & 4", true, err, sizeof(err)), 0);
	CU_ASSERT_FALSE(finit_decoder_match(dec, &r));
	r.sys = FINIT_SYS_DELETE_MODULE;
	CU_ASSERT_TRUE(finit_decoder_match(dec, &r));
	r.sys = FINIT_SYS_FINIT_MODULE;
	r.raw = false;
	CU_ASSERT_TRUE(finit_decoder_match(dec, &r));
	/* offline (report), every finit_module enter is filtered */
	CU_ASSERT_EQUAL_FATAL(finit_decoder_set_filter(dec, "flags & 4", false, err, sizeof(err)), 0);
	CU_ASSERT_FALSE(finit_decoder_match(dec, &r));
	r.args[2] = 4;
	CU_ASSERT_TRUE(finit_decoder_match(dec, &r));
	finit_decoder_free(dec);
	tep_free(tep);
}

static void test_user_space_errors(void)
{
	struct tep_handle *tep = unit_tep(NULL, deb61);
	struct finit_decoder *dec = finit_decoder_alloc(tep, finit_decoder_sysnr("x86_64"), NULL);
	struct finit_record r = { .kind = FINIT_REC_ENTER };
	char err[256];

	CU_ASSERT_EQUAL(finit_decoder_set_filter(dec, "fd >", true, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "Missing value"));
	CU_ASSERT_EQUAL(finit_decoder_set_filter(dec, "comm == \"x\"", true, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(finit_decoder_set_filter(dec, "id == 313", true, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "Field not found"));
	/* no filter set: everything matches */
	CU_ASSERT_TRUE(finit_decoder_match(dec, &r));
	finit_decoder_free(dec);
	tep_free(tep);
}

/* offline - set @expr on a decoder as report's -f does; 0, or -1 with @err */
static int offline(struct finit_decoder *dec, const char *expr, char *err, size_t errlen)
{
	return finit_decoder_set_filter(dec, expr, false, err, errlen);
}

/*
 * The strings libtraceevent 1.7.1's filter parser crashes on
 * (docs/upstream-reproducers.md): rejected with the kernel's message, or
 * evaluated as the kernel would
 */
static void test_libtraceevent_crashers(void)
{
	struct tep_handle *tep = unit_tep(NULL, deb61);
	struct finit_decoder *dec = finit_decoder_alloc(tep, finit_decoder_sysnr("x86_64"), NULL);
	struct finit_record r = { .kind = FINIT_REC_ENTER, .sys = FINIT_SYS_FINIT_MODULE,
				  .raw = true, .args = { 3, 0x7ffc0000, 0 } };
	char err[256];

	CU_ASSERT_EQUAL(offline(dec, "fd >", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "Missing value"));
	CU_ASSERT_EQUAL(offline(dec, "fd ==", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "Missing value"));
	CU_ASSERT_EQUAL(offline(dec, "fd > 1 && fd > -1", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "the field is unsigned"));
	CU_ASSERT_EQUAL_FATAL(offline(dec, "!!(!!fd>0)", err, sizeof(err)), 0);
	CU_ASSERT_TRUE(finit_decoder_match(dec, &r));
	r.args[0] = 0;
	CU_ASSERT_FALSE(finit_decoder_match(dec, &r));
	finit_decoder_free(dec);
	tep_free(tep);
}

/* nest - @n opening strings @open, "fd == 1", then @n @close */
static char *nest(int n, const char *open, const char *close)
{
	char *s = calloc(1, n * 2 + 16);

	for (int i = 0; s && i < n; i++)
		strcat(s, open);
	if (s)
		strcat(s, "fd == 1");
	for (int i = 0; s && i < n; i++)
		strcat(s, close);
	return s;
}

/* nesting depth and length are bounded, with a clear message past them */
static void test_limits(void)
{
	char err[256], *s;

	for (int i = 0; i < 2; i++) {
		s = nest(FINIT_FILTER_MAX_DEPTH, i ? "!" : "(", i ? "" : ")");
		CU_ASSERT_EQUAL(finit_filter_check(s, fields, false, err, sizeof(err)), 0);
		free(s);
		s = nest(FINIT_FILTER_MAX_DEPTH + 1, i ? "!" : "(", i ? "" : ")");
		CU_ASSERT_EQUAL(finit_filter_check(s, fields, false, err, sizeof(err)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "Too deeply nested"));
		free(s);
	}
	s = calloc(1, FINIT_FILTER_MAX_LEN + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	memset(s, ' ', FINIT_FILTER_MAX_LEN + 1);
	memcpy(s, "fd == 1", 7);
	CU_ASSERT_EQUAL(finit_filter_check(s, fields, false, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "longer than 4095 bytes"));
	CU_ASSERT_PTR_NULL(finit_filter_compile(s, (const struct finit_filter_field[]){
		{ "fd", false }, { NULL, false } }, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "longer than 4095 bytes"));
	s[FINIT_FILTER_MAX_LEN] = '\0';
	CU_ASSERT_EQUAL(finit_filter_check(s, fields, false, err, sizeof(err)), 0);
	free(s);
}

int unit_add_filter(void)
{
	CU_pSuite s = CU_add_suite("filter", NULL, NULL);

	return !s ||
	       !CU_add_test(s, "well-formed expressions", test_syntax_ok) ||
	       !CU_add_test(s, "malformed expressions: message and caret", test_syntax_errors) ||
	       !CU_add_test(s, "user-space evaluation", test_user_space_eval) ||
	       !CU_add_test(s, "user-space filter scope", test_user_space_scope) ||
	       !CU_add_test(s, "user-space filter errors", test_user_space_errors) ||
	       !CU_add_test(s, "libtraceevent's crashers", test_libtraceevent_crashers) ||
	       !CU_add_test(s, "depth and length limits", test_limits);
}
