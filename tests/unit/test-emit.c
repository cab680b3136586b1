// SPDX-License-Identifier: MIT
/*
 * test-emit.c - flag names, string escaping, and whole lines of each format.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "emit.h"
#include "finit.h"
#include "unit.h"

static void test_flag_names(void)
{
	const char *n[8];
	char unk[24];

	CU_ASSERT_EQUAL(finit_names_flags(FINIT_SYS_FINIT_MODULE, 0, n, 8, unk, sizeof(unk)), 0);
	CU_ASSERT_EQUAL_FATAL(finit_names_flags(FINIT_SYS_FINIT_MODULE, 7, n, 8, unk, sizeof(unk)), 3);
	CU_ASSERT_STRING_EQUAL(n[0], "MODULE_INIT_IGNORE_MODVERSIONS");
	CU_ASSERT_STRING_EQUAL(n[1], "MODULE_INIT_IGNORE_VERMAGIC");
	CU_ASSERT_STRING_EQUAL(n[2], "MODULE_INIT_COMPRESSED_FILE");
	CU_ASSERT_EQUAL_FATAL(finit_names_flags(FINIT_SYS_FINIT_MODULE, 0x1c, n, 8, unk, sizeof(unk)), 2);
	CU_ASSERT_STRING_EQUAL(n[0], "MODULE_INIT_COMPRESSED_FILE");
	CU_ASSERT_STRING_EQUAL(n[1], "0x18");
	CU_ASSERT_EQUAL_FATAL(finit_names_flags(FINIT_SYS_FINIT_MODULE, 0x80000000ULL, n, 8, unk, sizeof(unk)), 1);
	CU_ASSERT_STRING_EQUAL(n[0], "0x80000000");
	/* delete_module: busybox rmmod passes O_NONBLOCK|O_EXCL */
	CU_ASSERT_EQUAL_FATAL(finit_names_flags(FINIT_SYS_DELETE_MODULE, 0x880, n, 8, unk, sizeof(unk)), 2);
	CU_ASSERT_STRING_EQUAL(n[0], "O_NONBLOCK");
	CU_ASSERT_STRING_EQUAL(n[1], "0x80");
	CU_ASSERT_EQUAL_FATAL(finit_names_flags(FINIT_SYS_DELETE_MODULE, 01000, n, 8, unk, sizeof(unk)), 1);
	CU_ASSERT_STRING_EQUAL(n[0], "O_TRUNC");
}

static void test_errno_names(void)
{
	CU_ASSERT_STRING_EQUAL(finit_names_errno(-38), "ENOSYS");
	CU_ASSERT_STRING_EQUAL(finit_names_errno(-17), "EEXIST");
	CU_ASSERT_STRING_EQUAL(finit_names_errno(-95), "EOPNOTSUPP");
	CU_ASSERT_PTR_NULL(finit_names_errno(0));
	CU_ASSERT_PTR_NULL(finit_names_errno(5));
	CU_ASSERT_PTR_NULL(finit_names_errno(-100000));
}

/* json - the JSON literal of @s */
static char *json(const char *s)
{
	struct finit_buf b = { 0 };

	finit_buf_json_string(&b, s);
	return b.data;
}

static char *cstr(const char *s)
{
	struct finit_buf b = { 0 };

	finit_buf_c_string(&b, s);
	return b.data ? b.data : strdup("");
}

static char *csv(const char *s)
{
	struct finit_buf b = { 0 };

	finit_buf_csv_field(&b, s);
	return b.data ? b.data : strdup("");
}

#define CHECK(fn, in, want) do {			\
	char *got = fn(in);				\
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);		\
	CU_ASSERT_STRING_EQUAL(got, want);		\
	free(got);					\
} while (0)

static void test_json_escaping(void)
{
	CHECK(json, NULL, "null");
	CHECK(json, "", "\"\"");
	CHECK(json, "max_loop=4 max_part=2", "\"max_loop=4 max_part=2\"");
	CHECK(json, "a\"b\\c", "\"a\\\"b\\\\c\"");
	CHECK(json, "\n\t\r\b\f", "\"\\n\\t\\r\\u0008\\u000c\"");
	CHECK(json, "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	/* valid UTF-8 passes: e-acute, euro sign, an emoji */
	CHECK(json, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
	/* the edges of the valid ranges pass: U+D7FF, U+E000, U+10FFFF, U+FFFD */
	CHECK(json, "\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf\xef\xbf\xbd",
	      "\"\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf\xef\xbf\xbd\"");
	/*
	 * invalid: one \ufffd per maximal ill-formed subpart, as Python's
	 * errors="replace" gives (checked there): lone continuation, cut
	 * sequences, overlong forms, surrogates, past U+10FFFF, bytes no
	 * UTF-8 has; never a \udcXX that strict parsers refuse
	 */
	CHECK(json, "a\x80z", "\"a\\ufffdz\"");
	CHECK(json, "\xc3", "\"\\ufffd\"");
	CHECK(json, "\xe2\x82z", "\"\\ufffdz\"");
	CHECK(json, "\xf0\x9f\x98", "\"\\ufffd\"");
	CHECK(json, "\xc0\xaf", "\"\\ufffd\\ufffd\"");
	CHECK(json, "\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");
	CHECK(json, "\xf0\x80\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	CHECK(json, "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	CHECK(json, "\xed\xbf\xbf", "\"\\ufffd\\ufffd\\ufffd\"");
	CHECK(json, "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	CHECK(json, "\xf5\x80", "\"\\ufffd\\ufffd\"");
	CHECK(json, "\xff", "\"\\ufffd\"");
	CHECK(json, "bad=\xff\xfe end", "\"bad=\\ufffd\\ufffd end\"");
}

/* raw - the raw_b64 object of the strings @s (keys k0, k1, ...) */
static char *raw(const char *const *s, int n)
{
	static const char *const keys[] = { "k0", "k1", "k2", "k3" };
	struct finit_buf b = { 0 };

	finit_buf_json_raw(&b, keys, s, n);
	return b.data;
}

/* decoded - the base64 value of "@key":"..." in @obj, decoded; NULL when absent */
static char *decoded(const char *obj, const char *key, int *len)
{
	char pat[16], *out;
	const char *v, *end;
	int n;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	v = strstr(obj, pat);
	if (!v)
		return NULL;
	v += strlen(pat);
	end = strchr(v, '"');
	out = calloc(1, end - v + 1);
	n = EVP_DecodeBlock((unsigned char *)out, (const unsigned char *)v, (int)(end - v));
	/* EVP_DecodeBlock counts the padding's bytes too */
	*len = n - (end[-1] == '=') - (end[-2] == '=');
	return out;
}

/* raw_b64: the exact bytes of the invalid strings only, and they decode back */
static void test_json_raw(void)
{
	const char *const valid[] = { "plain", "\xc3\xa9", "\n\x01\"\\", NULL };
	const char *const mixed[] = { "ok", "bad=\xff\xfe end", NULL, "a\x80" };
	const char *const shapes[] = { "\xff", "\xff\xfe", "\xff\xfe\xfd" };
	char *got, *d;
	int len;

	/* valid UTF-8, control bytes and quotes included, is exact as JSON */
	got = raw(valid, 4);
	CU_ASSERT_STRING_EQUAL(got, "{}");
	free(got);
	got = raw(mixed, 4);
	CU_ASSERT_STRING_EQUAL(got, "{\"k1\":\"YmFkPf/+IGVuZA==\",\"k3\":\"YYA=\"}");
	d = decoded(got, "k1", &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(len, 10);
	CU_ASSERT_EQUAL(memcmp(d, mixed[1], 10), 0);
	free(d);
	d = decoded(got, "k3", &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(len, 2);
	CU_ASSERT_EQUAL(memcmp(d, mixed[3], 2), 0);
	free(d);
	free(got);
	/* each padding length */
	got = raw(shapes, 3);
	CU_ASSERT_STRING_EQUAL(got, "{\"k0\":\"/w==\",\"k1\":\"//4=\",\"k2\":\"//79\"}");
	free(got);
}

static void test_text_and_csv_escaping(void)
{
	CHECK(cstr, "plain", "plain");
	CHECK(cstr, "a\"b\\c\n", "a\\\"b\\\\c\\n");
	CHECK(cstr, "\x01\x7f\xff", "\\x01\\x7f\\xff");
	CHECK(cstr, "\xc3\xa9", "\xc3\xa9");
	/* text keeps one \xNN per byte of invalid UTF-8 */
	CHECK(cstr, "\xe2\x82z\xed\xa0\x80", "\\xe2\\x82z\\xed\\xa0\\x80");
	CHECK(csv, "plain", "plain");
	CHECK(csv, "a,b", "\"a,b\"");
	CHECK(csv, "say \"hi\"", "\"say \\\"\"hi\\\"\"\"");
	CHECK(csv, " lead", "\" lead\"");
	CHECK(csv, "line\nbreak", "line\\nbreak");
	CHECK(csv, NULL, "");
}

static void test_time(void)
{
	char buf[48];

	finit_emit_time(1795824000123456789LL, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "2026-11-28T00:00:00.123456789Z");
	finit_emit_time(5, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "1970-01-01T00:00:00.000000005Z");
}

static void test_buf_numbers(void)
{
	struct finit_buf b = { 0 };

	finit_buf_int(&b, 0);
	finit_buf_putc(&b, ' ');
	finit_buf_int(&b, -38);
	finit_buf_putc(&b, ' ');
	finit_buf_int(&b, -9223372036854775807LL - 1);
	finit_buf_putc(&b, ' ');
	finit_buf_uint(&b, 18446744073709551615ULL);
	/* one digit, two, three, an odd and an even count past them */
	for (unsigned long long v = 7; v <= 10000000; v = v * 10 + 3) {
		finit_buf_putc(&b, ' ');
		finit_buf_uint(&b, v);
	}
	CU_ASSERT_STRING_EQUAL(b.data, "0 -38 -9223372036854775808 18446744073709551615"
			       " 7 73 733 7333 73333 733333 7333333");
	finit_buf_free(&b);
}

/* sample - an event as the correlator hands it over */
static struct finit_event sample(void)
{
	struct finit_event ev = {
		.sys = FINIT_SYS_FINIT_MODULE, .ts = 758225049842ULL,
		.wall_ns = 1795824000000000001LL, .cpu = 1, .tid = 8927, .pid = 8926,
		.comm = "mod,call", .args = { 9, 0x7ffca0fad9c2ULL, 0xb },
		.ret = -38, .origin_pid = FINIT_ORIGIN_KERNEL,
		.origin_comm = FINIT_ORIGIN_PROCFS, .origin_ret = FINIT_ORIGIN_KERNEL,
	};
	return ev;
}

/* emit - run one emitter over @evs and return everything it wrote */
static char *emit(enum finit_format fmt, const struct finit_event *evs, int n)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct finit_sink *sink = finit_sink_stream(f, "memory");
	struct finit_emitter *em = finit_emit_open(fmt, sink, false);

	for (int i = 0; i < n; i++)
		CU_ASSERT_EQUAL(finit_emit_event(em, &evs[i]), 0);
	finit_emit_close(em);
	finit_sink_close(sink);
	fclose(f);
	if (fmt == FINIT_FMT_JSON)
		unit_keep_json(out);
	return out;
}

/* the date part is formatted once per second: a new second must show */
static void test_time_cache(void)
{
	struct finit_event ev[3] = { sample(), sample(), sample() };
	char *out;

	ev[1].wall_ns += 999999998;		/* same second, last nanosecond */
	ev[2].wall_ns += 86400000000000LL;	/* a day later */
	out = emit(FINIT_FMT_TEXT, ev, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "2026-11-28T00:00:00.000000001Z cpu1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n2026-11-28T00:00:00.999999999Z cpu1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n2026-11-29T00:00:00.000000001Z cpu1"));
	free(out);
}

/* batch mode writes nothing until 64 KiB are ready or it is flushed */
static void test_batch(void)
{
	struct finit_event ev = sample();
	char *out = NULL;
	size_t len = 0, one;
	FILE *f = open_memstream(&out, &len);
	struct finit_sink *sink = finit_sink_stream(f, "memory");
	struct finit_emitter *em = finit_emit_open(FINIT_FMT_JSON, sink, true);
	int n = 0;

	CU_ASSERT_EQUAL(finit_emit_flush(em), 0);	/* nothing yet: nothing written */
	CU_ASSERT_EQUAL(finit_emit_event(em, &ev), 0);
	fflush(f);
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT_EQUAL(finit_emit_flush(em), 0);
	one = len;
	CU_ASSERT(one > 100);
	while (len == one && n < 10000) {
		CU_ASSERT_EQUAL(finit_emit_event(em, &ev), 0);
		fflush(f);
		n++;
	}
	/* the block went out once it passed 64 KiB, whole lines only */
	CU_ASSERT(n > 1 && (size_t)n * one >= 64 * 1024 && (size_t)(n - 1) * one < 64 * 1024);
	CU_ASSERT_EQUAL(len, one * (n + 1));
	CU_ASSERT_EQUAL(out[len - 1], '\n');
	finit_emit_close(em);
	finit_sink_close(sink);
	fclose(f);
	free(out);
}

#define NO_CONTEXT "\"ppid\":null,\"uid\":null,\"gid\":null,\"exe\":null,\"cgroup\":null," \
	"\"container_id\":null,\"euid\":null,\"auid\":null,\"sessionid\":null," \
	"\"cap_effective\":null,\"verdict\":null,\"rule\":null"

static void test_json_line(void)
{
	struct finit_event ev[2] = { sample(), sample() };
	char *out;

	ev[1].origin_ret = FINIT_ORIGIN_PENDING;
	ev[1].pid = -1;
	ev[1].origin_pid = FINIT_ORIGIN_NONE;
	ev[1].param_values = (char *)"a=\"1\"";
	ev[1].origin_str = FINIT_ORIGIN_KERNEL;
	ev[1].module = (char *)"loop";
	ev[1].origin_module = FINIT_ORIGIN_KERNEL;
	ev[1].taints = 1u << 13 | 1u << 12;
	ev[1].has_taints = true;
	ev[1].path = (char *)"/lib/modules/loop.ko";
	ev[1].origin_path = FINIT_ORIGIN_PROCFS;
	ev[1].proc = (struct finit_proc){ .valid = true, .ppid = 1, .uid = 0, .gid = 5,
					  .exe = (char *)"/sbin/insmod",
					  .cgroup = (char *)"/system.slice",
					  .container_id = NULL, .euid = 0,
					  .cap_eff = 1ULL << 16 | 1ULL << 21 | 1ULL << 45,
					  .has_auid = true, .auid = 1000,
					  .has_sessionid = true, .sessionid = FINIT_ID_UNSET };
	ev[1].verdict = FINIT_VERDICT_DENY;
	ev[1].rule = "default";
	out = emit(FINIT_FMT_JSON, ev, 2);
	CU_ASSERT_STRING_EQUAL(out,
		"{\"schema_version\":" FINIT_EMIT_SCHEMA_VERSION ",\"time\":\"2026-11-28T00:00:00.000000001Z\",\"ts_ns\":758225049842,\"cpu\":1,"
		"\"event\":\"finit_module\",\"pid\":8926,\"tid\":8927,\"comm\":\"mod,call\","
		"\"compat\":false,\"args\":{\"fd\":9,\"param_values\":null,\"flags\":11},"
		"\"flags_names\":[\"MODULE_INIT_IGNORE_MODVERSIONS\",\"MODULE_INIT_IGNORE_VERMAGIC\",\"0x8\"],"
		"\"uargs_ptr\":\"0x7ffca0fad9c2\",\"ret\":-38,\"errno\":\"ENOSYS\",\"module\":null,"
		"\"taints\":null,\"path\":null,\"sha256\":null,\"truncated\":false," NO_CONTEXT ","
		"\"origin\":{\"pid\":\"kernel\",\"tid\":\"kernel\",\"comm\":\"procfs\","
		"\"args\":\"kernel\",\"param_values\":\"unavailable\",\"ret\":\"kernel\","
		"\"module\":\"unavailable\",\"path\":\"unavailable\",\"sha256\":\"unavailable\","
		"\"context\":\"unavailable\",\"euid\":\"unavailable\",\"auid\":\"unavailable\","
		"\"sessionid\":\"unavailable\",\"cap_effective\":\"unavailable\"},\"raw_b64\":{}}\n"
		"{\"schema_version\":" FINIT_EMIT_SCHEMA_VERSION ",\"time\":\"2026-11-28T00:00:00.000000001Z\",\"ts_ns\":758225049842,\"cpu\":1,"
		"\"event\":\"finit_module\",\"pid\":null,\"tid\":8927,\"comm\":\"mod,call\","
		"\"compat\":false,\"args\":{\"fd\":9,\"param_values\":\"a=\\\"1\\\"\",\"flags\":11},"
		"\"flags_names\":[\"MODULE_INIT_IGNORE_MODVERSIONS\",\"MODULE_INIT_IGNORE_VERMAGIC\",\"0x8\"],"
		"\"uargs_ptr\":\"0x7ffca0fad9c2\",\"ret\":null,\"errno\":null,\"module\":\"loop\","
		"\"taints\":\"OE\",\"path\":\"/lib/modules/loop.ko\",\"sha256\":null,\"truncated\":false,"
		"\"ppid\":1,\"uid\":0,\"gid\":5,\"exe\":\"/sbin/insmod\",\"cgroup\":\"/system.slice\","
		"\"container_id\":null,\"euid\":0,\"auid\":1000,\"sessionid\":null,"
		"\"cap_effective\":[\"CAP_SYS_MODULE\",\"CAP_SYS_ADMIN\",\"CAP_45\"],"
		"\"verdict\":\"deny\",\"rule\":\"default\","
		"\"origin\":{\"pid\":\"unavailable\",\"tid\":\"kernel\",\"comm\":\"procfs\","
		"\"args\":\"kernel\",\"param_values\":\"kernel\",\"ret\":\"no-exit-before-shutdown\","
		"\"module\":\"kernel\",\"path\":\"procfs\",\"sha256\":\"unavailable\","
		"\"context\":\"procfs\",\"euid\":\"procfs\",\"auid\":\"procfs\","
		"\"sessionid\":\"unset\",\"cap_effective\":\"procfs\"},\"raw_b64\":{}}\n");
	free(out);
}

/* every string from the caller or the kernel: \ufffd, and its bytes in raw_b64 */
static void test_json_raw_line(void)
{
	struct finit_event ev[3] = { sample(), sample(), sample() };
	char *out;

	memcpy(ev[0].comm, "mod\xff", 5);
	ev[0].param_values = (char *)"bad=\xff\xfe end";
	ev[0].path = (char *)"/tmp/\xc0.ko";
	ev[0].proc = (struct finit_proc){ .valid = true, .exe = (char *)"/bin/\xed\xa0\x80",
					  .cgroup = (char *)"/\xf4\x90\x80\x80" };
	ev[1].sys = FINIT_SYS_DELETE_MODULE;
	ev[1].module = (char *)"lo\x80p";
	/* a string the record does not print has no raw_b64 entry either */
	ev[2].sys = FINIT_EV_MODULE_LOAD;
	ev[2].param_values = (char *)"\xff";
	out = emit(FINIT_FMT_JSON, ev, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"comm\":\"mod\\ufffd\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"param_values\":\"bad=\\ufffd\\ufffd end\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"path\":\"/tmp/\\ufffd.ko\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"exe\":\"/bin/\\ufffd\\ufffd\\ufffd\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"cgroup\":\"/\\ufffd\\ufffd\\ufffd\\ufffd\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"cap_effective\":\"procfs\"},\"raw_b64\":{"
				      "\"comm\":\"bW9k/w==\",\"param_values\":\"YmFkPf/+IGVuZA==\","
				      "\"path\":\"L3RtcC/ALmtv\",\"exe\":\"L2Jpbi/toIA=\",\"cgroup\":\"L/SQgIA=\"}}\n"));
	/* delete_module's name is both args.name and module */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"args\":{\"name\":\"lo\\ufffdp\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"module\":\"lo\\ufffdp\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"event\":\"module_load\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"cap_effective\":\"unavailable\"},\"raw_b64\":{}}\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"raw_b64\":{\"name\":\"bG+AcA==\",\"module\":\"bG+AcA==\"}}\n"));
	free(out);
}

static void test_json_other_events(void)
{
	struct finit_event ev[3] = { sample(), sample(), sample() };
	char *out;

	ev[0].sys = FINIT_SYS_INIT_MODULE;
	ev[0].args[0] = 0x7f0000001000ULL;
	ev[0].args[1] = 4096;
	ev[0].args[2] = 0x7ffc00000010ULL;
	ev[0].param_values = (char *)"";
	ev[0].origin_str = FINIT_ORIGIN_PROCFS;
	ev[1].sys = FINIT_SYS_DELETE_MODULE;
	ev[1].args[0] = 0x7ffc00000020ULL;
	ev[1].args[1] = 0x880;
	ev[1].module = (char *)"dummy";
	ev[1].origin_module = ev[1].origin_str = FINIT_ORIGIN_KERNEL;
	ev[1].ret = 0;
	ev[2].sys = FINIT_EV_MODULE_FREE;
	ev[2].module = (char *)"dummy";
	ev[2].origin_module = FINIT_ORIGIN_KERNEL;
	ev[2].origin_ret = FINIT_ORIGIN_NONE;
	ev[2].compat = true;
	out = emit(FINIT_FMT_JSON, ev, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"event\":\"init_module\",\"pid\":8926,\"tid\":8927,"
				      "\"comm\":\"mod,call\",\"compat\":false,\"args\":{\"umod\":"
				      "\"0x7f0000001000\",\"len\":4096,\"param_values\":\"\"},"
				      "\"flags_names\":[],\"uargs_ptr\":\"0x7ffc00000010\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"param_values\":\"procfs\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"event\":\"delete_module\",\"pid\":8926,\"tid\":8927,"
				      "\"comm\":\"mod,call\",\"compat\":false,\"args\":{\"name\":"
				      "\"dummy\",\"flags\":2176},\"flags_names\":[\"O_NONBLOCK\","
				      "\"0x80\"],\"uargs_ptr\":\"0x7ffc00000020\",\"ret\":0,"
				      "\"errno\":null,\"module\":\"dummy\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"event\":\"module_free\",\"pid\":8926,\"tid\":8927,"
				      "\"comm\":\"mod,call\",\"compat\":true,\"args\":{},"
				      "\"flags_names\":[],\"uargs_ptr\":null,\"ret\":null,"
				      "\"errno\":null,\"module\":\"dummy\""));
	free(out);
}

static void test_text_line(void)
{
	struct finit_event ev[3] = { sample(), sample(), sample() };
	char *out;

	ev[1].args[2] = 0;
	ev[1].ret = 0;
	ev[1].param_values = (char *)"x=1\n";
	ev[1].module = (char *)"loop";
	ev[1].taints = 1u << 13;
	ev[1].has_taints = true;
	ev[1].path = (char *)"/tmp/loop.ko";
	ev[2].sys = FINIT_SYS_DELETE_MODULE;
	ev[2].args[1] = 0x800;
	ev[2].module = (char *)"loop";
	ev[2].ret = -16;
	ev[2].verdict = FINIT_VERDICT_DENY;
	ev[2].rule = "default";
	out = emit(FINIT_FMT_TEXT, ev, 3);
	CU_ASSERT_STRING_EQUAL(out,
		"2026-11-28T00:00:00.000000001Z cpu1 mod,call[8926/8927] finit_module(fd=9, "
		"param_values=?, flags=MODULE_INIT_IGNORE_MODVERSIONS|MODULE_INIT_IGNORE_VERMAGIC|0x8)"
		" = -38 ENOSYS\n"
		"2026-11-28T00:00:00.000000001Z cpu1 mod,call[8926/8927] finit_module(fd=9, "
		"param_values=\"x=1\\n\", flags=0) = 0 module=\"loop\" taints=E path=\"/tmp/loop.ko\"\n"
		"2026-11-28T00:00:00.000000001Z cpu1 mod,call[8926/8927] delete_module("
		"name=\"loop\", flags=O_NONBLOCK) = -16 EBUSY verdict=deny rule=default\n");
	free(out);
}

static void test_csv_rows(void)
{
	struct finit_event ev[2] = { sample(), sample() };
	char *out;

	ev[1].origin_ret = FINIT_ORIGIN_DROPPED;
	ev[1].param_values = (char *)"a, b";
	ev[1].truncated = true;
	ev[1].verdict = FINIT_VERDICT_ALLOW;
	ev[1].rule = "distro-modules";
	ev[1].proc = (struct finit_proc){ .valid = true, .uid = 1000, .euid = 0, .cap_eff = 1,
					  .has_auid = true, .auid = FINIT_ID_UNSET,
					  .has_sessionid = true, .sessionid = 7 };
	out = emit(FINIT_FMT_CSV, ev, 2);
	CU_ASSERT_STRING_EQUAL(out,
		"time,ts_ns,cpu,event,pid,tid,comm,compat,fd,param_values,flags,"
		"flags_names,uargs_ptr,ret,errno,module,taints,path,sha256,truncated,"
		"ppid,uid,gid,exe,cgroup,container_id,euid,auid,sessionid,cap_effective,verdict,rule\n"
		"2026-11-28T00:00:00.000000001Z,758225049842,1,finit_module,8926,8927,\"mod,call\","
		"false,9,,11,MODULE_INIT_IGNORE_MODVERSIONS|MODULE_INIT_IGNORE_VERMAGIC|0x8,"
		"0x7ffca0fad9c2,-38,ENOSYS,,,,,false,,,,,,,,,,,,\n"
		"2026-11-28T00:00:00.000000001Z,758225049842,1,finit_module,8926,8927,\"mod,call\","
		"false,9,\"a, b\",11,MODULE_INIT_IGNORE_MODVERSIONS|MODULE_INIT_IGNORE_VERMAGIC|0x8,"
		"0x7ffca0fad9c2,,,,,,,true,0,1000,0,,,,0,,7,CAP_CHOWN,allow,distro-modules\n");
	free(out);
}

static void test_write_error(void)
{
	struct finit_event ev = sample();
	char err[256];
	struct finit_sink *sink = finit_sink_file_open("/dev/full", err, sizeof(err));
	struct finit_emitter *em;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sink);
	em = finit_emit_open(FINIT_FMT_JSON, sink, false);
	CU_ASSERT_EQUAL(finit_emit_event(em, &ev), -1);
	finit_emit_close(em);
	finit_sink_close(sink);
	CU_ASSERT_PTR_NULL(finit_sink_file_open("/nonexistent/dir/out", err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot open output /nonexistent/dir/out"));
}

/* the file sink: written through the interface, reopened after a rename */
static void test_file_sink(void)
{
	char dir[] = "/tmp/finit-sink.XXXXXX", path[64], moved[64], err[256];
	struct finit_sink *sink;
	char *a, *b;
	size_t len;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out", dir);
	snprintf(moved, sizeof(moved), "%s/out.1", dir);
	sink = finit_sink_file_open(path, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(sink);
	CU_ASSERT_STRING_EQUAL(sink->name, path);
	CU_ASSERT_EQUAL(finit_sink_write(sink, "one\n", 4), 0);
	CU_ASSERT_EQUAL(finit_sink_flush(sink), 0);
	CU_ASSERT_EQUAL(rename(path, moved), 0);
	CU_ASSERT_EQUAL(finit_sink_reopen(sink), 0);
	CU_ASSERT_EQUAL(finit_sink_write(sink, "two\n", 4), 0);
	finit_sink_close(sink);
	a = unit_read(moved, &len);
	b = unit_read(path, &len);
	CU_ASSERT_STRING_EQUAL(a, "one\n");
	CU_ASSERT_STRING_EQUAL(b, "two\n");
	free(a);
	free(b);
	unlink(moved);
	unlink(path);
	rmdir(dir);
}

/* the format table: names, lists, what check can print */
static void test_format_table(void)
{
	enum finit_format f;
	char list[128];

	CU_ASSERT_EQUAL(finit_emit_format_parse("csv", &f), 0);
	CU_ASSERT_EQUAL(f, FINIT_FMT_CSV);
	CU_ASSERT_EQUAL(finit_emit_format_parse("yaml", &f), -1);
	CU_ASSERT_STRING_EQUAL(finit_emit_format_name(FINIT_FMT_JSON), "json");
	finit_emit_format_list(list, sizeof(list), false);
	CU_ASSERT_STRING_EQUAL(list, "text, json, csv or tracee");
	finit_emit_format_list(list, sizeof(list), true);
	CU_ASSERT_STRING_EQUAL(list, "text or json");
	CU_ASSERT(finit_emit_format_for_check(FINIT_FMT_JSON));
	CU_ASSERT(!finit_emit_format_for_check(FINIT_FMT_CSV));
}

int unit_add_emit(void)
{
	CU_pSuite s = CU_add_suite("emit", NULL, NULL);

	return !s ||
	       !CU_add_test(s, "finit_module flag names", test_flag_names) ||
	       !CU_add_test(s, "errno names", test_errno_names) ||
	       !CU_add_test(s, "JSON string escaping", test_json_escaping) ||
	       !CU_add_test(s, "raw_b64: the exact bytes of invalid UTF-8", test_json_raw) ||
	       !CU_add_test(s, "text and CSV escaping", test_text_and_csv_escaping) ||
	       !CU_add_test(s, "RFC 3339 time", test_time) ||
	       !CU_add_test(s, "RFC 3339 time, date part cached", test_time_cache) ||
	       !CU_add_test(s, "integers without printf", test_buf_numbers) ||
	       !CU_add_test(s, "batched output", test_batch) ||
	       !CU_add_test(s, "JSON lines", test_json_line) ||
	       !CU_add_test(s, "JSON lines with invalid UTF-8: raw_b64", test_json_raw_line) ||
	       !CU_add_test(s, "JSON of init_module, delete_module, module_free",
			    test_json_other_events) ||
	       !CU_add_test(s, "text lines", test_text_line) ||
	       !CU_add_test(s, "CSV rows", test_csv_rows) ||
	       !CU_add_test(s, "write error is reported", test_write_error) ||
	       !CU_add_test(s, "the file sink, reopened after a rename", test_file_sink) ||
	       !CU_add_test(s, "the format table", test_format_table);
}
