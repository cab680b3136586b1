// SPDX-License-Identifier: MIT
/*
 * test-config.c - the INI file: defaults, values, and errors with file:line.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <getopt.h>

#include "cli.h"
#include "config.h"
#include "outputs.h"
#include "finit.h"
#include "unit.h"

/* load - write @text to a temp file and load it; returns 0/-1, error in @err */
static int load_n(struct finit_config *cfg, const char *text, size_t len, char *path,
		  char *err)
{
	int fd;

	strcpy(path, "/tmp/finit-unit-XXXXXX");
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, text, len) == (ssize_t)len);
	close(fd);
	finit_config_init(cfg);
	fd = finit_config_load(cfg, path, err, 512);
	unlink(path);
	return fd;
}

static int load(struct finit_config *cfg, const char *text, char *path, char *err)
{
	return load_n(cfg, text, strlen(text), path, err);
}

/* unit_config_load - @text as a config file (other suites' policies) */
int unit_config_load(struct finit_config *cfg, const char *text, char *err)
{
	char path[64];

	return load(cfg, text, path, err);
}

static void test_defaults_file(void)
{
	struct finit_config cfg;
	char err[512] = "";

	finit_config_init(&cfg);
	CU_ASSERT_EQUAL(finit_config_load(&cfg, "configs/finit-ftrace.ini", err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	CU_ASSERT_PTR_NULL(cfg.tracefs_path);
	CU_ASSERT_STRING_EQUAL(cfg.instance_prefix, "finit-ftrace");
	CU_ASSERT_EQUAL(cfg.buffer_size_kb, 4096);
	CU_ASSERT_PTR_NULL(cfg.filter);
	CU_ASSERT_EQUAL(cfg.format, FINIT_FMT_TEXT);
	CU_ASSERT_PTR_NULL(cfg.output);
	CU_ASSERT_EQUAL(cfg.hash, 0);
	CU_ASSERT_EQUAL(cfg.compat, 1);
	finit_config_free(&cfg);
}

static void test_values(void)
{
	struct finit_config cfg;
	char path[64], err[512];

	CU_ASSERT_EQUAL(load(&cfg,
			     "[tracefs]\npath = /mnt/t\ninstance_prefix = mine_1\nbuffer_size_kb = 64\n"
			     "[capture]\nfilter = flags & 4\nhash = true\ncompat = false\n"
			     "[output]\nformat = csv\nfile = /tmp/x.csv\n", path, err), 0);
	CU_ASSERT_STRING_EQUAL(cfg.tracefs_path, "/mnt/t");
	CU_ASSERT_STRING_EQUAL(cfg.instance_prefix, "mine_1");
	CU_ASSERT_EQUAL(cfg.buffer_size_kb, 64);
	CU_ASSERT_STRING_EQUAL(cfg.filter, "flags & 4");
	CU_ASSERT_EQUAL(cfg.hash, 1);
	CU_ASSERT_EQUAL(cfg.compat, 0);
	CU_ASSERT_EQUAL(cfg.format, FINIT_FMT_CSV);
	CU_ASSERT_STRING_EQUAL(cfg.output, "/tmp/x.csv");
	finit_config_free(&cfg);
}

/* expect_error - loading @text fails, naming "path:LINE" and @key */
static void expect_error(const char *text, int line, const char *key)
{
	struct finit_config cfg;
	char path[64], err[512], want[96];

	CU_ASSERT_EQUAL(load(&cfg, text, path, err), -1);
	snprintf(want, sizeof(want), "%s:%d: ", path, line);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, key));
	finit_config_free(&cfg);
}

static void test_errors(void)
{
	expect_error("[tracefs]\nbuffer_size_kb = 8\nbogus = 1\n", 3, "bogus");
	expect_error("[tracefs]\npath =\n[nope]\nkey = 1\n", 4, "[nope]");
	expect_error("[output]\n\nformat = xml\n", 3, "format");
	expect_error("[tracefs]\nbuffer_size_kb = 12k\n", 2, "buffer_size_kb");
	expect_error("[tracefs]\nbuffer_size_kb = 0\n", 2, "buffer_size_kb");
	expect_error("[tracefs]\nbuffer_size_kb = -5\n", 2, "buffer_size_kb");
	expect_error("[tracefs]\ninstance_prefix = a/b\n", 2, "instance_prefix");
	expect_error("[tracefs]\npath = relative\n", 2, "path");
	expect_error("stray = 1\n", 1, "stray");
	expect_error("[capture]\nhash = yes\n", 2, "hash");
	expect_error("[capture]\n\ncompat = 1\n", 3, "compat");
	expect_error("[output]\nthis line has no equals sign\n", 2, "syntax error");
	/* the first error is named with its own line, whichever kind it is */
	expect_error("[output]\nformat json\n[capture]\nhash = maybe\n", 2, "syntax error");
	expect_error("[capture]\nhash = maybe\nformat json\n", 2, "hash");
}

/* what libinih would take apart silently: a NUL, a line it splits */
static void test_not_text(void)
{
	char long_line[400];

	static const char nul[] = "[output]\nformat = js\0on\n";
	struct finit_config cfg;
	char path[64], err[512];

	CU_ASSERT_EQUAL(load_n(&cfg, nul, sizeof(nul) - 1, path, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":2: a NUL byte"));
	finit_config_free(&cfg);
	snprintf(long_line, sizeof(long_line), "[capture]\n; x\nfilter = %0300d\n", 0);
	expect_error(long_line, 3, "longer than 198 bytes");
}

/* only a regular file: a device, a FIFO or a directory is refused at once */
static void test_not_a_file(void)
{
	static const char *const paths[] = { "/dev/zero", "/tmp", "/dev/null" };
	struct finit_config cfg;
	char err[512];

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		finit_config_init(&cfg);
		CU_ASSERT_EQUAL(finit_config_load(&cfg, paths[i], err, sizeof(err)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a regular file"));
		finit_config_free(&cfg);
	}
}

static void test_unreadable(void)
{
	struct finit_config cfg;
	char err[512];

	finit_config_init(&cfg);
	CU_ASSERT_EQUAL(finit_config_load(&cfg, "/nonexistent/finit.ini", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/finit.ini"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "No such file"));
	finit_config_free(&cfg);
}

static void test_override(void)
{
	struct finit_config cfg;
	char err[512];
	enum finit_format f;

	finit_config_init(&cfg);
	CU_ASSERT_EQUAL(finit_config_set(&cfg, "output", "format", "json", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cfg.format, FINIT_FMT_JSON);
	CU_ASSERT_EQUAL(finit_config_set(&cfg, "capture", "filter", "", err, sizeof(err)), 0);
	CU_ASSERT_PTR_NULL(cfg.filter);
	CU_ASSERT_EQUAL(finit_config_set(&cfg, "output", "format", "yaml", err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "[output] format: 'yaml' is not one of text, json, csv or tracee");
	CU_ASSERT_EQUAL(cfg.sinks, 0);		/* default: stdout, or file with [output] file */
	CU_ASSERT_EQUAL(cfg.syslog_facility, LOG_AUTHPRIV);
	CU_ASSERT_EQUAL(finit_config_set(&cfg, "output", "sink", "journal,file", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cfg.sinks, 1u << FINIT_OUT_FILE | 1u << FINIT_OUT_JOURNAL);
	CU_ASSERT_EQUAL(finit_config_set(&cfg, "output", "sink", "", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cfg.sinks, 0);
	CU_ASSERT_EQUAL(finit_config_set(&cfg, "output", "sink", "kafka", err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "[output] sink: 'kafka' is not a list of stdout, file, journal "
			       "or syslog");
	CU_ASSERT_EQUAL(finit_config_set(&cfg, "output", "syslog_facility", "local0", err,
					 sizeof(err)), 0);
	CU_ASSERT_EQUAL(cfg.syslog_facility, LOG_LOCAL0);
	CU_ASSERT_EQUAL(finit_config_set(&cfg, "output", "syslog_facility", "mail", err,
					 sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "[output] syslog_facility: 'mail' is not one of auth, "));
	CU_ASSERT_EQUAL(finit_emit_format_parse("csv", &f), 0);
	CU_ASSERT_EQUAL(cfg.path, FINIT_PATH_NONE);	/* auto */
	CU_ASSERT_EQUAL(finit_config_set(&cfg, "capture", "path", "kprobe", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cfg.path, FINIT_PATH_KPROBE);
	CU_ASSERT_EQUAL(finit_config_set(&cfg, "capture", "path", "raw_syscalls", err,
					 sizeof(err)), 0);
	CU_ASSERT_EQUAL(cfg.path, FINIT_PATH_RAW);
	CU_ASSERT_EQUAL(finit_config_set(&cfg, "capture", "path", "auto", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cfg.path, FINIT_PATH_NONE);
	CU_ASSERT_EQUAL(finit_config_set(&cfg, "capture", "path", "ebpf", err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "[capture] path: 'ebpf' is not one of auto, syscalls, "
			       "kprobe, raw_syscalls");
	finit_config_free(&cfg);
}

static void test_extra_arg(void)
{
	static const struct finit_cli_cmd cmd = {
		.name = "check", .synopsis = "", .about = "", .shared = "Fth",
	};
	char *stray[] = { "check", "--format", "json", "stray", NULL };
	char *fine[] = { "check", "--format", "json", "-t", "/x", NULL };
	struct finit_config cfg;

	finit_config_init(&cfg);
	CU_ASSERT_EQUAL(finit_cli_parse(&cmd, 4, stray, &cfg, NULL), FINIT_EXIT_USAGE);
	CU_ASSERT_EQUAL(finit_cli_parse(&cmd, 5, fine, &cfg, NULL), -1);
	CU_ASSERT_EQUAL(cfg.format, FINIT_FMT_JSON);
	CU_ASSERT_STRING_EQUAL(cfg.tracefs_path, "/x");
	finit_config_free(&cfg);
	optind = 1;
}

int unit_add_config(void)
{
	CU_pSuite s = CU_add_suite("config", NULL, NULL);

	return !s ||
	       !CU_add_test(s, "configs/finit-ftrace.ini gives the defaults", test_defaults_file) ||
	       !CU_add_test(s, "every key", test_values) ||
	       !CU_add_test(s, "errors name file:line and key", test_errors) ||
	       !CU_add_test(s, "unreadable file", test_unreadable) ||
	       !CU_add_test(s, "a NUL byte, a line too long", test_not_text) ||
	       !CU_add_test(s, "only a regular file", test_not_a_file) ||
	       !CU_add_test(s, "command-line overrides", test_override) ||
	       !CU_add_test(s, "words left after the options", test_extra_arg);
}
