/*
 * Unit tests for the configuration module (src/config/config.c): defaults,
 * each source alone, the precedence of file < environment < flags for every
 * key, the exact wording of every error with the source it names, the
 * token list (never quoted back) and the hash-token command, and the
 * shipped config/frontierd.conf. Config files are written with mkstemp in a
 * directory made under the system temp directory and removed at the end.
 * The shipped file is found through FRONTIER_SOURCE_DIR when set, else
 * relative to the current directory.
 */
#include "frontier/config.h"

#include <check.h>
#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontier/auth.h"
#include "frontier/server.h"
#include "support.h"

#define ARGS(...) ((char *const[]){"frontierd", __VA_ARGS__, NULL})
#define ENV(...) ((char *const[]){__VA_ARGS__, NULL})

/* SHA-256 of "correct-horse-battery-staple" and of "abcdefghijklmnop". */
#define ALICE_HEX "87cbebfeebc05f7c54ac9336c4b4bbec831227a641951a4bde7edd56020f8590"
#define BOB_HEX "f39dac6cbaba535e2c207cd0cd8f154974223c848f727f98b3564cea569b41cf"
#define TOKENS_ALLOWED "up to 64 name:digest entries separated by commas or blanks, each " \
    "digest the SHA-256 that frontierd hash-token prints, in fewer than 16384 bytes"

static char *const no_args[] = {"frontierd", NULL};
static char *const no_env[] = {NULL};

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static char error_text[1024];
static enum fr_config_action action;

static int count(char *const v[])
{
    int n = 0;
    while (v[n] != NULL) {
        n++;
    }
    return n;
}

static enum fr_status load(struct fr_config *config, char *const argv[], char *const envp[])
{
    memset(error_text, 'x', sizeof error_text - 1);
    error_text[sizeof error_text - 1] = '\0';
    action = (enum fr_config_action)-1;
    return fr_config_load(config, count(argv), argv, envp, &action, error_text,
                          sizeof error_text);
}

/* Loads and expects FR_EINVAL with exactly the message want. */
static void expect_error(char *const argv[], char *const envp[], const char *want)
{
    struct fr_config config;

    ck_assert_int_eq(load(&config, argv, envp), FR_EINVAL);
    ck_assert_str_eq(error_text, want);
    ck_assert_int_eq(action, FR_CONFIG_RUN);
}

static unsigned expected_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) {
        return 1;
    }
    return n > 256 ? 256 : (unsigned)n;
}

/* Temp files live in one directory that main() makes under the system temp
 * directory and empties at the end: with CK_FORK a failed assertion ends the
 * test's child process before any teardown, so only the parent can be sure
 * to clean up. Teardown also removes each test's files when tests share one
 * process (CK_FORK=no). */
#define TEMP_MAX 8
static char temp_root[512];
static char temp_paths[TEMP_MAX][600];
static int temp_count;

static void remove_temp_files(void)
{
    int i;
    for (i = 0; i < temp_count; i++) {
        remove(temp_paths[i]);
    }
    temp_count = 0;
}

static const char *system_temp_dir(void)
{
    const char *dir = getenv("TMPDIR");
    return dir != NULL && dir[0] != '\0' ? dir : P_tmpdir;
}

static bool make_temp_root(void)
{
    int n = snprintf(temp_root, sizeof temp_root, "%s/frontier-test-config-XXXXXX",
                     system_temp_dir());
    return n > 0 && (size_t)n < sizeof temp_root && mkdtemp(temp_root) != NULL;
}

static void remove_temp_root(void)
{
    DIR *dir = opendir(temp_root);
    struct dirent *entry;
    char path[sizeof temp_root + 300];
    int n;

    if (dir == NULL) {
        return;
    }
    while ((entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) {
            continue;
        }
        n = snprintf(path, sizeof path, "%s/%s", temp_root, entry->d_name);
        if (n > 0 && (size_t)n < sizeof path) {
            remove(path);
        }
    }
    closedir(dir);
    rmdir(temp_root);
}

/* Writes content to a new temp file; returns its path (static storage,
 * valid until teardown). */
static char *write_ini(const char *content)
{
    char *path;
    int fd;
    int n;
    size_t len = strlen(content);

    ck_assert_int_lt(temp_count, TEMP_MAX);
    path = temp_paths[temp_count];
    n = snprintf(path, sizeof temp_paths[0], "%s/ini-XXXXXX", temp_root);
    ck_assert(n > 0 && (size_t)n < sizeof temp_paths[0]);
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    temp_count++;
    ck_assert_int_eq(write(fd, content, len), (ssize_t)len);
    ck_assert_int_eq(close(fd), 0);
    return path;
}

/* "--config=PATH" in a buffer owned by the caller. */
static char *config_flag(char *buf, size_t size, const char *path)
{
    int n = snprintf(buf, size, "--config=%s", path);
    ck_assert(n > 0 && (size_t)n < size);
    return buf;
}

static char *env_entry(char *buf, size_t size, const char *name, const char *value)
{
    int n = snprintf(buf, size, "%s=%s", name, value);
    ck_assert(n > 0 && (size_t)n < size);
    return buf;
}

static void assert_defaults(const struct fr_config *config)
{
    ck_assert_str_eq(config->bind, "127.0.0.1");
    ck_assert_uint_eq(config->port, 8080);
    ck_assert_str_eq(config->db, "data/frontier.db");
    ck_assert_str_eq(config->seed, "data/seed");
    ck_assert_uint_eq(config->threads, expected_cpus());
    ck_assert_str_eq(config->access_log, "off");
    ck_assert_uint_eq(config->max_body_bytes, FR_SERVER_BODY_DEFAULT);
    ck_assert_uint_eq(config->max_body_bytes, 262144);
    ck_assert_uint_eq(config->max_connections, FR_SERVER_CONNECTIONS_DEFAULT);
    ck_assert_uint_eq(config->max_connections, 1024);
    ck_assert_uint_eq(config->max_connections_per_client, FR_SERVER_PER_CLIENT_DEFAULT);
    ck_assert_uint_eq(config->max_connections_per_client, 64);
    ck_assert_uint_eq(config->idle_timeout, FR_SERVER_IDLE_TIMEOUT_DEFAULT);
    ck_assert_uint_eq(config->idle_timeout, 15);
    ck_assert_uint_eq(config->request_timeout, FR_SERVER_REQUEST_TIMEOUT_DEFAULT);
    ck_assert_uint_eq(config->request_timeout, 30);
    ck_assert_uint_eq(config->max_header_bytes, FR_SERVER_HEADER_DEFAULT);
    ck_assert_uint_eq(config->max_header_bytes, 16384);
    ck_assert_str_eq(config->tokens, "");
}

static void setup(void)
{
    temp_count = 0;
}

static void teardown(void)
{
    remove_temp_files();
}

/* ------------------------------------------------------------------------
 * Defaults and single sources
 * ------------------------------------------------------------------------ */

START_TEST(test_defaults)
{
    struct fr_config config;

    ck_assert_int_eq(load(&config, no_args, no_env), FR_OK);
    ck_assert_int_eq(action, FR_CONFIG_RUN);
    ck_assert_str_eq(error_text, "");
    assert_defaults(&config);
    ck_assert_str_eq(config.config_file, "");
    ck_assert_uint_ge(config.threads, 1);
}
END_TEST

START_TEST(test_null_env_and_empty_argv)
{
    struct fr_config config;

    ck_assert_int_eq(fr_config_load(&config, 0, NULL, NULL, &action, NULL, 0), FR_OK);
    assert_defaults(&config);
}
END_TEST

START_TEST(test_file_alone)
{
    struct fr_config config;
    char flag[600];
    const char *path = write_ini("[server]\nbind = ::1\nport = 9000\nthreads = 3\n"
                                 "[store]\ndb = /srv/f.db\nseed = seeds\n");

    ck_assert_int_eq(load(&config, ARGS(config_flag(flag, sizeof flag, path)), no_env), FR_OK);
    ck_assert_str_eq(config.bind, "::1");
    ck_assert_uint_eq(config.port, 9000);
    ck_assert_uint_eq(config.threads, 3);
    ck_assert_str_eq(config.db, "/srv/f.db");
    ck_assert_str_eq(config.seed, "seeds");
    ck_assert_str_eq(config.config_file, path);
}
END_TEST

START_TEST(test_file_from_environment)
{
    struct fr_config config;
    char entry[600];
    const char *path = write_ini("[server]\nport = 9001\n");

    ck_assert_int_eq(load(&config, no_args,
                          ENV(env_entry(entry, sizeof entry, "FRONTIERD_CONFIG", path))), FR_OK);
    ck_assert_uint_eq(config.port, 9001);
    ck_assert_str_eq(config.config_file, path);
    ck_assert_str_eq(config.bind, "127.0.0.1");
}
END_TEST

START_TEST(test_environment_alone)
{
    struct fr_config config;

    ck_assert_int_eq(load(&config, no_args,
                          ENV("PATH=/usr/bin", "FRONTIERD_BIND=10.0.0.1", "FRONTIERD_PORT=81",
                              "FRONTIERD_DB=:memory:", "FRONTIERD_SEED=s", "FRONTIERD_THREADS=4")),
                     FR_OK);
    ck_assert_str_eq(config.bind, "10.0.0.1");
    ck_assert_uint_eq(config.port, 81);
    ck_assert_str_eq(config.db, ":memory:");
    ck_assert_str_eq(config.seed, "s");
    ck_assert_uint_eq(config.threads, 4);
    ck_assert_str_eq(config.config_file, "");
}
END_TEST

START_TEST(test_flags_alone_both_forms)
{
    struct fr_config config;

    ck_assert_int_eq(load(&config, ARGS("--bind", "0.0.0.0", "--port=82", "--db", "a.db",
                                        "--seed=sd", "--threads", "5"), no_env), FR_OK);
    ck_assert_str_eq(config.bind, "0.0.0.0");
    ck_assert_uint_eq(config.port, 82);
    ck_assert_str_eq(config.db, "a.db");
    ck_assert_str_eq(config.seed, "sd");
    ck_assert_uint_eq(config.threads, 5);

    ck_assert_int_eq(load(&config, ARGS("--bind=::", "--port", "83", "--db=b.db", "--seed", "t",
                                        "--threads=6"), no_env), FR_OK);
    ck_assert_str_eq(config.bind, "::");
    ck_assert_uint_eq(config.port, 83);
    ck_assert_str_eq(config.db, "b.db");
    ck_assert_str_eq(config.seed, "t");
    ck_assert_uint_eq(config.threads, 6);
}
END_TEST

START_TEST(test_flag_given_twice_keeps_last)
{
    struct fr_config config;

    ck_assert_int_eq(load(&config, ARGS("--port", "1", "--port=2"), no_env), FR_OK);
    ck_assert_uint_eq(config.port, 2);
}
END_TEST

START_TEST(test_flag_value_may_start_with_dash)
{
    struct fr_config config;

    ck_assert_int_eq(load(&config, ARGS("--db", "-odd.db", "--seed=--dir"), no_env), FR_OK);
    ck_assert_str_eq(config.db, "-odd.db");
    ck_assert_str_eq(config.seed, "--dir");
}
END_TEST

START_TEST(test_unknown_frontierd_variables_ignored)
{
    struct fr_config config;

    ck_assert_int_eq(load(&config, no_args,
                          ENV("FRONTIERD_PROT=x", "FRONTIERD_=1", "FRONTIERD_PORTS=2",
                              "FRONTIERD_PORT", "FRONTIERD_LOG=debug")), FR_OK);
    assert_defaults(&config);
}
END_TEST

START_TEST(test_first_environment_entry_wins)
{
    struct fr_config config;

    ck_assert_int_eq(load(&config, no_args, ENV("FRONTIERD_PORT=1", "FRONTIERD_PORT=2")), FR_OK);
    ck_assert_uint_eq(config.port, 1);
}
END_TEST

/* ------------------------------------------------------------------------
 * Precedence: every key, every combination of file, environment and flag
 * ------------------------------------------------------------------------ */

struct key_case {
    const char *section;
    const char *name;
    const char *env;
    const char *flag;
    const char *def, *file_value, *env_value, *flag_value;
};

static const struct key_case key_cases[] = {
    {"server", "bind", "FRONTIERD_BIND", "--bind", "127.0.0.1", "10.1.1.1", "10.2.2.2", "::2"},
    {"server", "port", "FRONTIERD_PORT", "--port", "8080", "1001", "1002", "1003"},
    {"server", "threads", "FRONTIERD_THREADS", "--threads", NULL, "11", "12", "13"},
    {"store", "db", "FRONTIERD_DB", "--db", "data/frontier.db", "file.db", "env.db", "flag.db"},
    {"store", "seed", "FRONTIERD_SEED", "--seed", "data/seed", "file-seed", "env-seed",
     "flag-seed"},
    {"server", "docs", "FRONTIERD_DOCS", "--docs", "node_modules/redoc/bundles", "file-docs",
     "env-docs", "flag-docs"},
    {"server", "web", "FRONTIERD_WEB", "--web", "web", "file-web", "env-web", "flag-web"},
    {"http", "cache_max_age", "FRONTIERD_CACHE_MAX_AGE", "--cache-max-age", "0", "60", "120",
     "180"},
    {"http", "cors_origins", "FRONTIERD_CORS_ORIGINS", "--cors-origins", "*",
     "https://a.example", "http://b.example:8080", "https://c.example,https://d.example"},
    {"http", "access_log", "FRONTIERD_ACCESS_LOG", "--access-log", "off", "stderr",
     "env-access.log", "flag-access.log"},
    {"http", "max_body_bytes", "FRONTIERD_MAX_BODY_BYTES", "--max-body-bytes", "262144", "1024",
     "65536", "16777216"},
    {"http", "max_connections", "FRONTIERD_MAX_CONNECTIONS", "--max-connections", "1024", "1",
     "4096", "1048576"},
    {"http", "max_connections_per_client", "FRONTIERD_MAX_CONNECTIONS_PER_CLIENT",
     "--max-connections-per-client", "64", "1", "8", "1048576"},
    {"http", "idle_timeout", "FRONTIERD_IDLE_TIMEOUT", "--idle-timeout", "15", "1", "60",
     "3600"},
    {"http", "request_timeout", "FRONTIERD_REQUEST_TIMEOUT", "--request-timeout", "30", "1",
     "90", "3600"},
    {"http", "max_header_bytes", "FRONTIERD_MAX_HEADER_BYTES", "--max-header-bytes", "16384",
     "1024", "8192", "65536"},
    {"auth", "tokens", "FRONTIERD_TOKENS", "--tokens", "", "file:" ALICE_HEX,
     "env:" ALICE_HEX ",bob:" BOB_HEX, "flag:" BOB_HEX},
};

static void value_of(const struct fr_config *config, const char *name, char *out, size_t size)
{
    int n = -1;

    if (strcmp(name, "bind") == 0) {
        n = snprintf(out, size, "%s", config->bind);
    } else if (strcmp(name, "port") == 0) {
        n = snprintf(out, size, "%u", config->port);
    } else if (strcmp(name, "threads") == 0) {
        n = snprintf(out, size, "%u", config->threads);
    } else if (strcmp(name, "db") == 0) {
        n = snprintf(out, size, "%s", config->db);
    } else if (strcmp(name, "seed") == 0) {
        n = snprintf(out, size, "%s", config->seed);
    } else if (strcmp(name, "docs") == 0) {
        n = snprintf(out, size, "%s", config->docs);
    } else if (strcmp(name, "web") == 0) {
        n = snprintf(out, size, "%s", config->web);
    } else if (strcmp(name, "cache_max_age") == 0) {
        n = snprintf(out, size, "%u", config->cache_max_age);
    } else if (strcmp(name, "cors_origins") == 0) {
        n = snprintf(out, size, "%s", config->cors_origins);
    } else if (strcmp(name, "access_log") == 0) {
        n = snprintf(out, size, "%s", config->access_log);
    } else if (strcmp(name, "max_body_bytes") == 0) {
        n = snprintf(out, size, "%zu", config->max_body_bytes);
    } else if (strcmp(name, "max_connections") == 0) {
        n = snprintf(out, size, "%u", config->max_connections);
    } else if (strcmp(name, "max_connections_per_client") == 0) {
        n = snprintf(out, size, "%u", config->max_connections_per_client);
    } else if (strcmp(name, "idle_timeout") == 0) {
        n = snprintf(out, size, "%u", config->idle_timeout);
    } else if (strcmp(name, "request_timeout") == 0) {
        n = snprintf(out, size, "%u", config->request_timeout);
    } else if (strcmp(name, "max_header_bytes") == 0) {
        n = snprintf(out, size, "%zu", config->max_header_bytes);
    } else if (strcmp(name, "tokens") == 0) {
        n = snprintf(out, size, "%s", config->tokens);
    }
    ck_assert(n >= 0 && (size_t)n < size);
}

/* _i is key index * 8 + a bit set of sources: 1 file, 2 environment, 4 flag. */
START_TEST(test_precedence)
{
    const struct key_case *kc = &key_cases[_i / 8];
    int sources = _i % 8;
    struct fr_config config;
    char ini[256], cfg_flag[600], env_var[256], flag[256], got[256], def[32];
    char *argv[4] = {"frontierd", NULL, NULL, NULL};
    char *envp[2] = {NULL, NULL};
    const char *want = kc->def;
    int argc = 1;
    int n;

    if (want == NULL) {
        n = snprintf(def, sizeof def, "%u", expected_cpus());
        ck_assert(n > 0 && (size_t)n < sizeof def);
        want = def;
    }
    if (sources & 1) {
        n = snprintf(ini, sizeof ini, "[%s]\n%s = %s\n", kc->section, kc->name, kc->file_value);
        ck_assert(n > 0 && (size_t)n < sizeof ini);
        argv[argc++] = config_flag(cfg_flag, sizeof cfg_flag, write_ini(ini));
        want = kc->file_value;
    }
    if (sources & 2) {
        envp[0] = env_entry(env_var, sizeof env_var, kc->env, kc->env_value);
        want = kc->env_value;
    }
    if (sources & 4) {
        n = snprintf(flag, sizeof flag, "%s=%s", kc->flag, kc->flag_value);
        ck_assert(n > 0 && (size_t)n < sizeof flag);
        argv[argc++] = flag;
        want = kc->flag_value;
    }
    ck_assert_int_eq(load(&config, argv, envp), FR_OK);
    value_of(&config, kc->name, got, sizeof got);
    ck_assert_msg(strcmp(got, want) == 0, "%s with sources %d: got '%s', want '%s'", kc->name,
                  sources, got, want);
}
END_TEST

START_TEST(test_config_flag_wins_over_environment)
{
    struct fr_config config;
    char flag[600], entry[600];
    char *from_env = write_ini("[server]\nport = 1\n");
    char *from_flag = write_ini("[server]\nport = 2\n");

    ck_assert_int_eq(load(&config, ARGS(config_flag(flag, sizeof flag, from_flag)),
                          ENV(env_entry(entry, sizeof entry, "FRONTIERD_CONFIG", from_env))),
                     FR_OK);
    ck_assert_uint_eq(config.port, 2);
    ck_assert_str_eq(config.config_file, from_flag);

    /* The file the environment names is not even opened. */
    ck_assert_int_eq(load(&config, ARGS("--config", from_flag),
                          ENV("FRONTIERD_CONFIG=no/such/file.conf")), FR_OK);
    ck_assert_uint_eq(config.port, 2);
}
END_TEST

/* ------------------------------------------------------------------------
 * Validation errors, with the source each names
 * ------------------------------------------------------------------------ */

START_TEST(test_port_errors)
{
    static const char *const bad[] = {"70000", "65536", "-1", "+1", " 1", "1 ", "8080x", "0x10",
                                      "1.5", "99999999999999999999999999"};
    char flag[64], want[256];
    size_t i;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert(snprintf(flag, sizeof flag, "--port=%s", bad[i]) < (int)sizeof flag);
        ck_assert(snprintf(want, sizeof want, "port: '%s' is not allowed: expected an integer "
                           "from 0 to 65535 (from --port)", bad[i]) < (int)sizeof want);
        expect_error(ARGS(flag), no_env, want);
    }
    expect_error(no_args, ENV("FRONTIERD_PORT=70000"),
                 "port: '70000' is not allowed: expected an integer from 0 to 65535 "
                 "(from FRONTIERD_PORT)");
    expect_error(ARGS("--port="), no_env,
                 "port: '' is not allowed: expected an integer from 0 to 65535 (from --port)");
}
END_TEST

START_TEST(test_port_bounds_accepted)
{
    struct fr_config config;

    ck_assert_int_eq(load(&config, ARGS("--port", "0"), no_env), FR_OK);
    ck_assert_uint_eq(config.port, 0);
    ck_assert_int_eq(load(&config, ARGS("--port", "65535"), no_env), FR_OK);
    ck_assert_uint_eq(config.port, 65535);
    ck_assert_int_eq(load(&config, ARGS("--port", "00080"), no_env), FR_OK);
    ck_assert_uint_eq(config.port, 80);
}
END_TEST

START_TEST(test_port_error_from_file)
{
    char flag[600], want[700];
    const char *path = write_ini("; comment\n[server]\nport = 8o80\n");

    ck_assert(snprintf(want, sizeof want, "port: '8o80' is not allowed: expected an integer "
                       "from 0 to 65535 (from the config file %s line 3)", path)
              < (int)sizeof want);
    expect_error(ARGS(config_flag(flag, sizeof flag, path)), no_env, want);
}
END_TEST

START_TEST(test_threads_errors_and_bounds)
{
    struct fr_config config;

    expect_error(ARGS("--threads", "257"), no_env,
                 "threads: '257' is not allowed: expected an integer from 0 to 256, where 0 "
                 "means one per CPU (from --threads)");
    expect_error(no_args, ENV("FRONTIERD_THREADS=-2"),
                 "threads: '-2' is not allowed: expected an integer from 0 to 256, where 0 "
                 "means one per CPU (from FRONTIERD_THREADS)");
    ck_assert_int_eq(load(&config, ARGS("--threads", "256"), no_env), FR_OK);
    ck_assert_uint_eq(config.threads, 256);
    ck_assert_int_eq(load(&config, ARGS("--threads", "1"), no_env), FR_OK);
    ck_assert_uint_eq(config.threads, 1);
}
END_TEST

START_TEST(test_threads_zero_resolves)
{
    struct fr_config config;

    ck_assert_int_eq(load(&config, ARGS("--threads", "0"), no_env), FR_OK);
    ck_assert_uint_ge(config.threads, 1);
    ck_assert_uint_eq(config.threads, expected_cpus());
}
END_TEST

START_TEST(test_bind_values)
{
    static const char *const bad[] = {"localhost", "256.0.0.1", "1.2.3", "[127.0.0.1]", "[::1",
                                      "::1]", "[]", "::1%lo", " ::1", "::g"};
    struct fr_config config;
    char flag[64], want[256];
    size_t i;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert(snprintf(flag, sizeof flag, "--bind=%s", bad[i]) < (int)sizeof flag);
        ck_assert(snprintf(want, sizeof want, "bind: '%s' is not allowed: expected an IPv4 or "
                           "IPv6 address such as 127.0.0.1 or ::1 (from --bind)", bad[i])
                  < (int)sizeof want);
        expect_error(ARGS(flag), no_env, want);
    }
    ck_assert_int_eq(load(&config, ARGS("--bind", "[::1]"), no_env), FR_OK);
    ck_assert_str_eq(config.bind, "::1");
    ck_assert_int_eq(load(&config, no_args, ENV("FRONTIERD_BIND=[fe80::1:2]")), FR_OK);
    ck_assert_str_eq(config.bind, "fe80::1:2");
    ck_assert_int_eq(load(&config, ARGS("--bind", "::ffff:192.0.2.1"), no_env), FR_OK);
    ck_assert_str_eq(config.bind, "::ffff:192.0.2.1");
}
END_TEST

START_TEST(test_path_errors)
{
    struct fr_config config;
    static char flag[FR_CONFIG_PATH_MAX + 16];
    const char *path;
    char cfg[600], want[700];

    expect_error(ARGS("--db="), no_env,
                 "db: '' is not allowed: expected a non-empty path shorter than 4096 bytes "
                 "(from --db)");
    expect_error(no_args, ENV("FRONTIERD_SEED="),
                 "seed: '' is not allowed: the variable is set but empty; unset it or set it "
                 "to a non-empty path shorter than 4096 bytes (from FRONTIERD_SEED)");

    path = write_ini("[store]\nseed =\n");
    ck_assert(snprintf(want, sizeof want, "seed: '' is not allowed: expected a non-empty path "
                       "shorter than 4096 bytes (from the config file %s line 2)", path)
              < (int)sizeof want);
    expect_error(ARGS(config_flag(cfg, sizeof cfg, path)), no_env, want);

    /* 4095 bytes fit, 4096 do not; the message quotes only the start. */
    memcpy(flag, "--db=", 5);
    memset(flag + 5, 'a', FR_CONFIG_PATH_MAX - 1);
    flag[5 + FR_CONFIG_PATH_MAX - 1] = '\0';
    ck_assert_int_eq(load(&config, ARGS(flag), no_env), FR_OK);
    ck_assert_uint_eq(strlen(config.db), FR_CONFIG_PATH_MAX - 1);
    flag[5 + FR_CONFIG_PATH_MAX - 1] = 'a';
    flag[5 + FR_CONFIG_PATH_MAX] = '\0';
    expect_error(ARGS(flag), no_env,
                 "db: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' is not "
                 "allowed: expected a non-empty path shorter than 4096 bytes (from --db)");

    /* A long --config path is refused before any file is opened. */
    memcpy(flag, "--config=", 9);
    memset(flag + 9, 'c', FR_CONFIG_PATH_MAX);
    flag[9 + FR_CONFIG_PATH_MAX] = '\0';
    expect_error(ARGS(flag), no_env,
                 "config: 'cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc...' is not "
                 "allowed: expected a non-empty path shorter than 4096 bytes (from --config)");
    expect_error(ARGS("--config="), no_env,
                 "config: '' is not allowed: expected a non-empty path shorter than 4096 bytes "
                 "(from --config)");
}
END_TEST

START_TEST(test_empty_environment_values)
{
    expect_error(no_args, ENV("FRONTIERD_PORT="),
                 "port: '' is not allowed: the variable is set but empty; unset it or set it "
                 "to an integer from 0 to 65535 (from FRONTIERD_PORT)");
    expect_error(no_args, ENV("FRONTIERD_BIND="),
                 "bind: '' is not allowed: the variable is set but empty; unset it or set it "
                 "to an IPv4 or IPv6 address such as 127.0.0.1 or ::1 (from FRONTIERD_BIND)");
    expect_error(no_args, ENV("FRONTIERD_THREADS="),
                 "threads: '' is not allowed: the variable is set but empty; unset it or set it "
                 "to an integer from 0 to 256, where 0 means one per CPU (from FRONTIERD_THREADS)");
    expect_error(no_args, ENV("FRONTIERD_DB="),
                 "db: '' is not allowed: the variable is set but empty; unset it or set it "
                 "to a non-empty path shorter than 4096 bytes (from FRONTIERD_DB)");
    expect_error(no_args, ENV("FRONTIERD_CONFIG="),
                 "config: '' is not allowed: the variable is set but empty; unset it or set it "
                 "to a non-empty path shorter than 4096 bytes (from FRONTIERD_CONFIG)");
}
END_TEST

START_TEST(test_overridden_value_still_validated)
{
    /* A bad value is an error even when a later source would replace it. */
    expect_error(ARGS("--port", "1"), ENV("FRONTIERD_PORT=x"),
                 "port: 'x' is not allowed: expected an integer from 0 to 65535 "
                 "(from FRONTIERD_PORT)");
}
END_TEST

START_TEST(test_control_characters_in_messages)
{
    expect_error(no_args, ENV("FRONTIERD_PORT=8\n\x1b[2J"),
                 "port: '8??[2J' is not allowed: expected an integer from 0 to 65535 "
                 "(from FRONTIERD_PORT)");
}
END_TEST

START_TEST(test_failed_load_leaves_config_alone)
{
    struct fr_config config;

    memset(&config, 0x5a, sizeof config);
    ck_assert_int_eq(load(&config, ARGS("--port", "x"), no_env), FR_EINVAL);
    ck_assert_uint_eq(((unsigned char *)&config)[0], 0x5a);
    ck_assert_uint_eq(config.port, 0x5a5a5a5au);
}
END_TEST

START_TEST(test_error_buffer_small_or_absent)
{
    struct fr_config config;
    enum fr_config_action act;
    char small[16];
    char *argv[] = {"frontierd", "--port", "x", NULL};

    ck_assert_int_eq(fr_config_load(&config, 3, argv, NULL, &act, small, sizeof small),
                     FR_EINVAL);
    ck_assert_str_eq(small, "port: 'x' is...");
    ck_assert_int_eq(fr_config_load(&config, 3, argv, NULL, &act, NULL, 0), FR_EINVAL);
}
END_TEST

/* ------------------------------------------------------------------------
 * max_body_bytes and tokens
 * ------------------------------------------------------------------------ */

START_TEST(test_max_body_bytes_values)
{
    static const char *const bad[] = {"1023", "16777217", "0", "-1", "1k", " 2048", "2048 ",
                                      "0x800", "99999999999999999999"};
    struct fr_config config;
    char flag[64], want[256], cfg[600];
    const char *path;
    size_t i;

    ck_assert_int_eq(load(&config, ARGS("--max-body-bytes", "1024"), no_env), FR_OK);
    ck_assert_uint_eq(config.max_body_bytes, 1024);
    ck_assert_int_eq(load(&config, ARGS("--max-body-bytes=16777216"), no_env), FR_OK);
    ck_assert_uint_eq(config.max_body_bytes, 16777216);
    ck_assert_int_eq(load(&config, no_args, ENV("FRONTIERD_MAX_BODY_BYTES=4096")), FR_OK);
    ck_assert_uint_eq(config.max_body_bytes, 4096);

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        test_format(flag, sizeof flag, "--max-body-bytes=%s", bad[i]);
        test_format(want, sizeof want, "max_body_bytes: '%s' is not allowed: expected an "
                    "integer number of bytes from 1024 to 16777216 (from --max-body-bytes)",
                    bad[i]);
        expect_error(ARGS(flag), no_env, want);
    }
    expect_error(no_args, ENV("FRONTIERD_MAX_BODY_BYTES=1023"),
                 "max_body_bytes: '1023' is not allowed: expected an integer number of bytes "
                 "from 1024 to 16777216 (from FRONTIERD_MAX_BODY_BYTES)");
    expect_error(no_args, ENV("FRONTIERD_MAX_BODY_BYTES="),
                 "max_body_bytes: '' is not allowed: the variable is set but empty; unset it or "
                 "set it to an integer number of bytes from 1024 to 16777216 "
                 "(from FRONTIERD_MAX_BODY_BYTES)");
    path = write_ini("[http]\nmax_body_bytes = 1m\n");
    test_format(want, sizeof want, "max_body_bytes: '1m' is not allowed: expected an integer "
                "number of bytes from 1024 to 16777216 (from the config file %s line 2)", path);
    expect_error(ARGS(config_flag(cfg, sizeof cfg, path)), no_env, want);
}
END_TEST

/* The limits: each takes an integer in its range, from any source, and
 * names its range when it does not. */
struct limit_case {
    const char *name, *flag, *env, *allowed;
    const char *min, *max, *below, *above;
};

static const struct limit_case limit_cases[] = {
    {"max_connections", "--max-connections", "FRONTIERD_MAX_CONNECTIONS",
     "an integer from 1 to 1048576", "1", "1048576", "0", "1048577"},
    {"max_connections_per_client", "--max-connections-per-client",
     "FRONTIERD_MAX_CONNECTIONS_PER_CLIENT", "an integer from 1 to 1048576", "1", "1048576",
     "0", "1048577"},
    {"idle_timeout", "--idle-timeout", "FRONTIERD_IDLE_TIMEOUT",
     "an integer number of seconds from 1 to 3600", "1", "3600", "0", "3601"},
    {"request_timeout", "--request-timeout", "FRONTIERD_REQUEST_TIMEOUT",
     "an integer number of seconds from 1 to 3600", "1", "3600", "0", "3601"},
    {"max_header_bytes", "--max-header-bytes", "FRONTIERD_MAX_HEADER_BYTES",
     "an integer number of bytes from 1024 to 65536", "1024", "65536", "1023", "65537"},
};

START_TEST(test_limit_values)
{
    const struct limit_case *lc = &limit_cases[_i];
    const char *bad[] = {lc->below, lc->above, "-1", "1k", " 30", "30 ", "0x10",
                         "99999999999999999999", "1.5"};
    struct fr_config config;
    char flag[128], env[128], want[512], ini[128], cfg[600], got[64];
    const char *path;

    test_format(flag, sizeof flag, "%s=%s", lc->flag, lc->min);
    ck_assert_int_eq(load(&config, ARGS(flag), no_env), FR_OK);
    value_of(&config, lc->name, got, sizeof got);
    ck_assert_str_eq(got, lc->min);
    test_format(env, sizeof env, "%s=%s", lc->env, lc->max);
    ck_assert_int_eq(load(&config, no_args, ENV(env)), FR_OK);
    value_of(&config, lc->name, got, sizeof got);
    ck_assert_str_eq(got, lc->max);

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        test_format(flag, sizeof flag, "%s=%s", lc->flag, bad[i]);
        test_format(want, sizeof want, "%s: '%s' is not allowed: expected %s (from %s)",
                    lc->name, bad[i], lc->allowed, lc->flag);
        expect_error(ARGS(flag), no_env, want);
    }
    test_format(env, sizeof env, "%s=%s", lc->env, lc->above);
    test_format(want, sizeof want, "%s: '%s' is not allowed: expected %s (from %s)", lc->name,
                lc->above, lc->allowed, lc->env);
    expect_error(no_args, ENV(env), want);
    test_format(env, sizeof env, "%s=", lc->env);
    test_format(want, sizeof want,
                "%s: '' is not allowed: the variable is set but empty; unset it or set it to "
                "%s (from %s)",
                lc->name, lc->allowed, lc->env);
    expect_error(no_args, ENV(env), want);
    test_format(ini, sizeof ini, "[http]\n%s = %s\n", lc->name, lc->below);
    path = write_ini(ini);
    test_format(want, sizeof want, "%s: '%s' is not allowed: expected %s (from the config "
                "file %s line 2)", lc->name, lc->below, lc->allowed, path);
    expect_error(ARGS(config_flag(cfg, sizeof cfg, path)), no_env, want);
    /* In [server] it is a mistake of place, named as such. */
    test_format(ini, sizeof ini, "[server]\n%s = %s\n", lc->name, lc->min);
    path = write_ini(ini);
    test_format(want, sizeof want, "the config file %s line 2: key '%s' belongs in [http], "
                "not [server]", path, lc->name);
    expect_error(ARGS(config_flag(cfg, sizeof cfg, path)), no_env, want);
}
END_TEST

START_TEST(test_tokens_values)
{
    struct fr_config config;

    ck_assert_int_eq(load(&config, ARGS("--tokens", "alice:" ALICE_HEX), no_env), FR_OK);
    ck_assert_str_eq(config.tokens, "alice:" ALICE_HEX);
    /* Stored as given: separators, and hex in either case. */
    ck_assert_int_eq(load(&config, no_args,
                          ENV("FRONTIERD_TOKENS= alice:" ALICE_HEX ",\tbob:F39DAC6CBABA535E2C20"
                              "7CD0CD8F154974223C848F727F98B3564CEA569B41CF ")), FR_OK);
    ck_assert_str_eq(config.tokens, " alice:" ALICE_HEX ",\tbob:F39DAC6CBABA535E2C207CD0CD8F154"
                     "974223C848F727F98B3564CEA569B41CF ");
    /* An empty flag says no one may write, overriding the environment. */
    ck_assert_int_eq(load(&config, ARGS("--tokens="), ENV("FRONTIERD_TOKENS=a:" ALICE_HEX)),
                     FR_OK);
    ck_assert_str_eq(config.tokens, "");
}
END_TEST

START_TEST(test_tokens_errors)
{
    char flag[128];

    expect_error(ARGS("--tokens", "alice"), no_env,
                 "tokens: entry 1 has no ':' between a name and a digest; expected "
                 TOKENS_ALLOWED " (from --tokens)");
    expect_error(no_args, ENV("FRONTIERD_TOKENS=alice:" ALICE_HEX ",Bob:" BOB_HEX),
                 "tokens: entry 2 has a name that is not 1 to 64 characters of a-z, 0-9, '.', "
                 "'_' and '-' starting with a letter or digit; expected " TOKENS_ALLOWED
                 " (from FRONTIERD_TOKENS)");
    expect_error(ARGS("--tokens=alice:" ALICE_HEX ",alice:" BOB_HEX), no_env,
                 "tokens: entry 2 (alice) has the same name as entry 1; expected "
                 TOKENS_ALLOWED " (from --tokens)");
    expect_error(ARGS("--tokens=alice:" ALICE_HEX ",bob:" ALICE_HEX), no_env,
                 "tokens: entry 2 (bob) has the same digest as entry 1 (alice); give each its "
                 "own token; expected " TOKENS_ALLOWED " (from --tokens)");
    expect_error(no_args, ENV("FRONTIERD_TOKENS="),
                 "tokens: '' is not allowed: the variable is set but empty; unset it or set it "
                 "to " TOKENS_ALLOWED " (from FRONTIERD_TOKENS)");
    /* A bad value is an error even when the flag replaces it. */
    expect_error(ARGS("--tokens="), ENV("FRONTIERD_TOKENS=x"),
                 "tokens: entry 1 has no ':' between a name and a digest; expected "
                 TOKENS_ALLOWED " (from FRONTIERD_TOKENS)");

    /* Neither a digest nor a pasted token is quoted back. */
    test_format(flag, sizeof flag, "--tokens=bob:%.63s", BOB_HEX);
    expect_error(ARGS(flag), no_env,
                 "tokens: entry 1 (bob) has a digest that is not 64 hexadecimal digits; expected "
                 TOKENS_ALLOWED " (from --tokens)");
    expect_error(ARGS("--tokens=alice:correct-horse-battery-staple"), no_env,
                 "tokens: entry 1 (alice) has a digest that is not 64 hexadecimal digits; "
                 "expected " TOKENS_ALLOWED " (from --tokens)");
    ck_assert_ptr_null(strstr(error_text, "horse"));
}
END_TEST

START_TEST(test_tokens_length_and_count)
{
    static char flag[FR_CONFIG_TOKENS_MAX + 32];
    struct fr_config config;
    char entry[160];
    size_t used = 0;
    int n;

    /* 64 entries with the longest names fit; a 65th is refused. */
    used = (size_t)snprintf(flag, sizeof flag, "--tokens=");
    for (int i = 0; i < FR_TOKENS_MAX; i++) {
        char hex[FR_TOKEN_DIGEST_HEX + 1];
        test_format(entry, sizeof entry, "%d", i);
        fr_sha256_hex(entry, strlen(entry), hex);
        n = snprintf(entry, sizeof entry, "%063d:%s, ", i, hex);
        ck_assert_int_eq(n, 63 + 1 + 64 + 2);
        memcpy(flag + used, entry, (size_t)n + 1);
        used += (size_t)n;
    }
    ck_assert_int_eq(load(&config, ARGS(flag), no_env), FR_OK);
    ck_assert_str_eq(config.tokens, flag + strlen("--tokens="));
    memcpy(flag + used, "x:" ALICE_HEX, sizeof "x:" ALICE_HEX);
    expect_error(ARGS(flag), no_env,
                 "tokens: the list has more than 64 entries; expected " TOKENS_ALLOWED
                 " (from --tokens)");

    /* 16383 bytes fit (blanks pad the list), 16384 do not. */
    used = (size_t)snprintf(flag, sizeof flag, "--tokens=a:%s", ALICE_HEX);
    memset(flag + used, ' ', 9 + FR_CONFIG_TOKENS_MAX - 1 - used);
    flag[9 + FR_CONFIG_TOKENS_MAX - 1] = '\0';
    ck_assert_int_eq(load(&config, ARGS(flag), no_env), FR_OK);
    ck_assert_uint_eq(strlen(config.tokens), FR_CONFIG_TOKENS_MAX - 1);
    flag[9 + FR_CONFIG_TOKENS_MAX - 1] = ' ';
    flag[9 + FR_CONFIG_TOKENS_MAX] = '\0';
    expect_error(ARGS(flag), no_env,
                 "tokens: the list is 16384 bytes long; expected " TOKENS_ALLOWED
                 " (from --tokens)");
}
END_TEST

/* ------------------------------------------------------------------------
 * The hash-token command
 * ------------------------------------------------------------------------ */

START_TEST(test_hash_token_action)
{
    struct fr_config config;

    ck_assert_int_eq(load(&config, ARGS("hash-token"), no_env), FR_OK);
    ck_assert_int_eq(action, FR_CONFIG_HASH_TOKEN);
    ck_assert_str_eq(error_text, "");
    assert_defaults(&config);
    /* Like --help, it reads nothing else: a broken environment does not
     * stop an operator hashing a token. */
    ck_assert_int_eq(load(&config, ARGS("hash-token"),
                          ENV("FRONTIERD_TOKENS=bad", "FRONTIERD_CONFIG=no/such.conf")), FR_OK);
    ck_assert_int_eq(action, FR_CONFIG_HASH_TOKEN);
    assert_defaults(&config);

    expect_error(ARGS("hash-token", "s3cret"), no_env,
                 "hash-token takes no arguments, got 's3cret'; it reads the token from "
                 "standard input");
    expect_error(ARGS("hash-token", "--help"), no_env,
                 "hash-token takes no arguments, got '--help'; it reads the token from "
                 "standard input");
    expect_error(ARGS("--port", "1", "hash-token"), no_env,
                 "hash-token is a command: give it alone, as frontierd hash-token");
    expect_error(ARGS("hash-tokens"), no_env,
                 "unexpected argument 'hash-tokens': only flags are accepted (see --help)");
    expect_error(ARGS("Hash-Token"), no_env,
                 "unexpected argument 'Hash-Token': only flags are accepted (see --help)");
    ck_assert_int_eq(load(&config, ARGS("--help", "hash-token"), no_env), FR_OK);
    ck_assert_int_eq(action, FR_CONFIG_HELP);
}
END_TEST

/* ------------------------------------------------------------------------
 * Flags: help, version and mistakes
 * ------------------------------------------------------------------------ */

START_TEST(test_help_and_version)
{
    struct fr_config config;

    ck_assert_int_eq(load(&config, ARGS("--help"), no_env), FR_OK);
    ck_assert_int_eq(action, FR_CONFIG_HELP);
    ck_assert_int_eq(load(&config, ARGS("-h"), no_env), FR_OK);
    ck_assert_int_eq(action, FR_CONFIG_HELP);
    ck_assert_int_eq(load(&config, ARGS("--version"), no_env), FR_OK);
    ck_assert_int_eq(action, FR_CONFIG_VERSION);
    ck_assert_int_eq(load(&config, ARGS("-V"), no_env), FR_OK);
    ck_assert_int_eq(action, FR_CONFIG_VERSION);
    ck_assert_int_eq(load(&config, ARGS("-V", "--help"), no_env), FR_OK);
    ck_assert_int_eq(action, FR_CONFIG_VERSION);
    ck_assert_int_eq(load(&config, ARGS("--routes"), no_env), FR_OK);
    ck_assert_int_eq(action, FR_CONFIG_ROUTES);
    ck_assert_int_eq(load(&config, ARGS("--routes=all"), no_env), FR_EINVAL);
}
END_TEST

START_TEST(test_cors_origins_values)
{
    struct fr_config config;
    ck_assert_int_eq(load(&config, ARGS("--cors-origins", " https://a.example , http://b:81"),
                          no_env), FR_OK);
    ck_assert_str_eq(config.cors_origins, "https://a.example,http://b:81");
    static char bad[][32] = {"a.example", "https://a.example/path", "ftp://a",
                             "https://", "https://a,,https://b", ",https://a",
                             "https://*.example", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(load(&config, ARGS("--cors-origins", bad[i]), no_env) == FR_EINVAL,
                      "'%s' was accepted", bad[i]);
        ck_assert_msg(strstr(error_text, "cors_origins") != NULL, "%s", error_text);
    }
    ck_assert_int_eq(load(&config, ARGS("--cache-max-age", "31536001"), no_env), FR_EINVAL);
    ck_assert_int_eq(load(&config, ARGS("--cache-max-age", "31536000"), no_env), FR_OK);
}
END_TEST

/* off, stderr and paths are taken as written: whether a path opens is the
 * daemon's check at start-up, which can say why it does not. */
START_TEST(test_access_log_values)
{
    struct fr_config config;

    ck_assert_int_eq(load(&config, no_args, no_env), FR_OK);
    ck_assert_str_eq(config.access_log, "off");
    ck_assert_int_eq(load(&config, ARGS("--access-log", "stderr"), no_env), FR_OK);
    ck_assert_str_eq(config.access_log, "stderr");
    ck_assert_int_eq(load(&config, ARGS("--access-log=logs/access.jsonl"), no_env), FR_OK);
    ck_assert_str_eq(config.access_log, "logs/access.jsonl");
    ck_assert_int_eq(load(&config, no_args, ENV("FRONTIERD_ACCESS_LOG=./off")), FR_OK);
    ck_assert_str_eq(config.access_log, "./off");

    expect_error(ARGS("--access-log="), no_env,
                 "access_log: '' is not allowed: expected off, stderr or a file path shorter "
                 "than 4096 bytes (from --access-log)");
    expect_error(no_args, ENV("FRONTIERD_ACCESS_LOG="),
                 "access_log: '' is not allowed: the variable is set but empty; unset it or "
                 "set it to off, stderr or a file path shorter than 4096 bytes "
                 "(from FRONTIERD_ACCESS_LOG)");
    char path[FR_CONFIG_PATH_MAX + 16] = "--access-log=";
    memset(path + strlen(path), 'a', FR_CONFIG_PATH_MAX);
    path[sizeof path - 1] = '\0';
    ck_assert_int_eq(load(&config, ARGS(path), no_env), FR_EINVAL);
    ck_assert_ptr_nonnull(strstr(error_text, "access_log: 'aaaa"));
    ck_assert_ptr_nonnull(strstr(error_text, "(from --access-log)"));
}
END_TEST

START_TEST(test_help_skips_validation)
{
    struct fr_config config;

    ck_assert_int_eq(load(&config, ARGS("--port", "nope", "--config", "no/such.conf", "--help",
                                        "--bogus", "positional"),
                          ENV("FRONTIERD_PORT=also-bad", "FRONTIERD_CONFIG=")), FR_OK);
    ck_assert_int_eq(action, FR_CONFIG_HELP);
    ck_assert_str_eq(error_text, "");
    assert_defaults(&config);
}
END_TEST

START_TEST(test_mistake_before_help_is_reported)
{
    expect_error(ARGS("--bogus", "--help"), no_env, "unknown flag '--bogus' (see --help)");
}
END_TEST

START_TEST(test_flag_mistakes)
{
    expect_error(ARGS("--prot", "80"), no_env, "unknown flag '--prot' (see --help)");
    expect_error(ARGS("--prot=80"), no_env, "unknown flag '--prot=80' (see --help)");
    expect_error(ARGS("-p", "80"), no_env, "unknown flag '-p' (see --help)");
    expect_error(ARGS("--"), no_env, "unknown flag '--' (see --help)");
    expect_error(ARGS("--PORT=1"), no_env, "unknown flag '--PORT=1' (see --help)");
    expect_error(ARGS("-port=1"), no_env, "unknown flag '-port=1' (see --help)");
    expect_error(ARGS("serve"), no_env,
                 "unexpected argument 'serve': only flags are accepted (see --help)");
    expect_error(ARGS("-"), no_env,
                 "unexpected argument '-': only flags are accepted (see --help)");
    expect_error(ARGS("--port", "80", "extra"), no_env,
                 "unexpected argument 'extra': only flags are accepted (see --help)");
    expect_error(ARGS("--port"), no_env,
                 "--port: missing value (give --port VALUE or --port=VALUE)");
    expect_error(ARGS("--db", "--port", "1"), no_env,
                 "--db: missing value (give --db VALUE or --db=VALUE)");
    expect_error(ARGS("--config", "-h"), no_env,
                 "--config: missing value (give --config VALUE or --config=VALUE)");
    expect_error(ARGS("--help=yes"), no_env, "--help takes no value, got '--help=yes'");
    expect_error(ARGS("--version="), no_env, "--version takes no value, got '--version='");
}
END_TEST

/* ------------------------------------------------------------------------
 * The config file: structure errors and what it accepts
 * ------------------------------------------------------------------------ */

/* Writes content, loads it with --config and expects the message
 * "the config file <path><rest>". */
static void expect_file_error(const char *content, const char *rest)
{
    char flag[600], want[1024];
    const char *path = write_ini(content);

    ck_assert(snprintf(want, sizeof want, "the config file %s%s", path, rest) < (int)sizeof want);
    expect_error(ARGS(config_flag(flag, sizeof flag, path)), no_env, want);
}

START_TEST(test_file_unknown_key)
{
    expect_file_error("[server]\nport = 1\nprot = 2\n",
                      " line 3: unknown key 'prot' in [server]; the keys are bind, port, "
                      "threads, docs, web and shutdown_timeout");
    expect_file_error("[store]\n\ndatabase = x\n",
                      " line 3: unknown key 'database' in [store]; the keys are db and seed");
    expect_file_error("[http]\naccesslog = stderr\n",
                      " line 2: unknown key 'accesslog' in [http]; the keys are cache_max_age, "
                      "cors_origins, access_log, max_body_bytes, max_connections, "
                      "max_connections_per_client, idle_timeout, request_timeout and "
                      "max_header_bytes");
    expect_file_error("[auth]\ntoken = a:" ALICE_HEX "\n",
                      " line 2: unknown key 'token' in [auth]; the keys are tokens");
    expect_file_error("[http]\ntokens =\n",
                      " line 2: key 'tokens' belongs in [auth], not [http]");
    expect_file_error("[auth]\nmax_body_bytes = 2048\n",
                      " line 2: key 'max_body_bytes' belongs in [http], not [auth]");
    expect_file_error("[server]\naccess_log = stderr\n",
                      " line 2: key 'access_log' belongs in [http], not [server]");
    expect_file_error("[store]\nport = 1\n",
                      " line 2: key 'port' belongs in [server], not [store]");
}
END_TEST

START_TEST(test_file_unknown_section)
{
    expect_file_error("[server]\nport = 1\n\n[sever]\nbind = ::1\n",
                      " line 4: unknown section [sever]; the sections are [server], [store], "
                      "[http] and [auth]");
    /* An empty unknown section is caught at its header too. */
    expect_file_error("[server]\n[Store]\n",
                      " line 2: unknown section [Store]; the sections are [server], [store], "
                      "[http] and [auth]");
}
END_TEST

START_TEST(test_file_key_outside_section)
{
    expect_file_error("port = 1\n", " line 1: key 'port' is outside any section; put it under "
                      "[server]");
    expect_file_error("# x\nfoo = 1\n", " line 2: unknown key 'foo' outside any section");
}
END_TEST

START_TEST(test_file_duplicate_key)
{
    expect_file_error("[server]\nport = 1\n[store]\ndb = a\n[server]\nport = 1\n",
                      " line 6: duplicate key 'port' in [server] (first set on line 2)");
}
END_TEST

START_TEST(test_file_syntax_error)
{
    expect_file_error("[server]\nport 80\n", " line 2: syntax error: expected [section], "
                      "key = value or a comment");
    expect_file_error("[server\nport = 80\n", " line 1: syntax error: expected [section], "
                      "key = value or a comment");
}
END_TEST

START_TEST(test_file_first_error_wins)
{
    char flag[600], want[700];
    const char *path = write_ini("[server]\nbind\nprot = 2\n");

    ck_assert(snprintf(want, sizeof want, "the config file %s line 2: syntax error: expected "
                       "[section], key = value or a comment", path) < (int)sizeof want);
    expect_error(ARGS(config_flag(flag, sizeof flag, path)), no_env, want);

    path = write_ini("[server]\nthreads = 999\nport 80\n");
    ck_assert(snprintf(want, sizeof want, "threads: '999' is not allowed: expected an integer "
                       "from 0 to 256, where 0 means one per CPU (from the config file %s "
                       "line 2)", path) < (int)sizeof want);
    expect_error(ARGS(config_flag(flag, sizeof flag, path)), no_env, want);
}
END_TEST

START_TEST(test_file_continuation_line)
{
    expect_file_error("[server]\nport = 1\n  bind = ::1\n",
                      " line 3: the line is indented, which reads as a continuation of the value "
                      "of 'port'; start each key at the beginning of its line");
}
END_TEST

START_TEST(test_file_indented_first_key)
{
    struct fr_config config;
    char flag[600];
    /* libinih continues a value only after a key of the same section, so an
     * indented first key is an ordinary key. */
    const char *path = write_ini("[server]\n  port = 5\n[store]\n\tdb = x.db\n");

    ck_assert_int_eq(load(&config, ARGS(config_flag(flag, sizeof flag, path)), no_env), FR_OK);
    ck_assert_uint_eq(config.port, 5);
    ck_assert_str_eq(config.db, "x.db");
}
END_TEST

START_TEST(test_file_long_line)
{
    char content[400];
    char rest[200];
    const char *path;
    char flag[600], want[700];

    memcpy(content, "[store]\ndb = ", 13);
    memset(content + 13, 'd', 300);
    memcpy(content + 313, "\n", 2);
    path = write_ini(content);
    ck_assert(snprintf(rest, sizeof rest, " line 2: the line is longer than %d bytes, the most "
                       "libinih reads; give a longer value through the environment or a flag",
                       198) < (int)sizeof rest);
    ck_assert(snprintf(want, sizeof want, "the config file %s%s", path, rest) < (int)sizeof want);
    expect_error(ARGS(config_flag(flag, sizeof flag, path)), no_env, want);
}
END_TEST

START_TEST(test_file_missing)
{
    struct fr_config config;

    ck_assert_int_eq(load(&config, ARGS("--config", "no/such/frontierd.conf"), no_env), FR_EIO);
    ck_assert_str_eq(error_text,
                     "the config file no/such/frontierd.conf: cannot open: No such file or "
                     "directory");
    ck_assert_int_eq(load(&config, no_args, ENV("FRONTIERD_CONFIG=no/such.conf")), FR_EIO);
    ck_assert_str_eq(error_text, "the config file no/such.conf: cannot open: No such file or "
                     "directory");
}
END_TEST

START_TEST(test_file_is_directory)
{
    struct fr_config config;
    char flag[600], want[700];
    const char *dir = temp_root;

    ck_assert(snprintf(want, sizeof want, "the config file %s: cannot read: Is a directory", dir)
              < (int)sizeof want);
    ck_assert_int_eq(load(&config, ARGS(config_flag(flag, sizeof flag, dir)), no_env), FR_EIO);
    ck_assert_str_eq(error_text, want);
}
END_TEST

START_TEST(test_file_syntax_accepted)
{
    struct fr_config config;
    char flag[600];
    /* BOM, CRLF, comments of both kinds, indented comments, blank lines,
     * ':' as separator, an inline comment, an empty file section, repeated
     * section headers, and no newline at the end. */
    const char *path = write_ini("\xEF\xBB\xBF# top\r\n[server]\r\n  ; note\r\n\r\n"
                                 "bind: ::1\r\nport = 81 ; inline\n[store]\n[server]\n"
                                 "threads=2\n[store]\ndb = a b.db\nseed = s");

    ck_assert_int_eq(load(&config, ARGS(config_flag(flag, sizeof flag, path)), no_env), FR_OK);
    ck_assert_str_eq(config.bind, "::1");
    ck_assert_uint_eq(config.port, 81);
    ck_assert_uint_eq(config.threads, 2);
    ck_assert_str_eq(config.db, "a b.db");
    ck_assert_str_eq(config.seed, "s");
}
END_TEST

START_TEST(test_empty_file)
{
    struct fr_config config;
    char flag[600];
    const char *path = write_ini("");

    ck_assert_int_eq(load(&config, ARGS(config_flag(flag, sizeof flag, path)), no_env), FR_OK);
    assert_defaults(&config);
    ck_assert_str_eq(config.config_file, path);
}
END_TEST

START_TEST(test_shipped_config_is_the_defaults)
{
    struct fr_config shipped, defaults;
    const char *source_dir = getenv("FRONTIER_SOURCE_DIR");
    char path[FR_CONFIG_PATH_MAX];
    int n;

    if (source_dir != NULL && source_dir[0] != '\0') {
        n = snprintf(path, sizeof path, "%s/config/frontierd.conf", source_dir);
    } else {
        n = snprintf(path, sizeof path, "config/frontierd.conf");
    }
    ck_assert(n > 0 && (size_t)n < sizeof path);

    ck_assert_int_eq(load(&defaults, no_args, no_env), FR_OK);
    ck_assert_msg(load(&shipped, ARGS("--config", path), no_env) == FR_OK, "%s", error_text);
    ck_assert_str_eq(shipped.config_file, path);
    ck_assert_str_eq(shipped.bind, defaults.bind);
    ck_assert_uint_eq(shipped.port, defaults.port);
    ck_assert_str_eq(shipped.db, defaults.db);
    ck_assert_str_eq(shipped.seed, defaults.seed);
    ck_assert_str_eq(shipped.docs, defaults.docs);
    ck_assert_str_eq(shipped.web, defaults.web);
    ck_assert_uint_eq(shipped.threads, defaults.threads);
    assert_defaults(&shipped);
}
END_TEST

START_TEST(test_tokens_in_file)
{
    struct fr_config config;
    char cfg[600], want[1024];
    const char *path;

    path = write_ini("[auth]\ntokens = alice:" ALICE_HEX ", bob:" BOB_HEX "\n");
    ck_assert_int_eq(load(&config, ARGS(config_flag(cfg, sizeof cfg, path)), no_env), FR_OK);
    ck_assert_str_eq(config.tokens, "alice:" ALICE_HEX ", bob:" BOB_HEX);

    /* An empty value is an empty list. */
    path = write_ini("[auth]\ntokens =\n");
    ck_assert_int_eq(load(&config, ARGS(config_flag(cfg, sizeof cfg, path)), no_env), FR_OK);
    ck_assert_str_eq(config.tokens, "");

    path = write_ini("[auth]\ntokens = alice:" ALICE_HEX ",alice:" BOB_HEX "\n");
    test_format(want, sizeof want, "tokens: entry 2 (alice) has the same name as entry 1; "
                "expected " TOKENS_ALLOWED " (from the config file %s line 2)", path);
    expect_error(ARGS(config_flag(cfg, sizeof cfg, path)), no_env, want);
}
END_TEST

/* A line holds at most 198 bytes, two entries: the list goes on over
 * indented lines, each checked (with what came before) where it is read. */
START_TEST(test_tokens_continuation_lines)
{
    struct fr_config config;
    char cfg[600], want[1024];
    char carol[FR_TOKEN_DIGEST_HEX + 1];
    char content[600];
    const char *path;

    fr_sha256_hex("carol's own token", 17, carol);
    test_format(content, sizeof content, "[auth]\ntokens =\n    alice:%s,\n\tbob:%s\n"
                "    ; a comment between\n  carol:%s ; inline\n[http]\nmax_body_bytes = 2048\n",
                ALICE_HEX, BOB_HEX, carol);
    path = write_ini(content);
    ck_assert_msg(load(&config, ARGS(config_flag(cfg, sizeof cfg, path)), no_env) == FR_OK,
                  "%s", error_text);
    test_format(want, sizeof want, "\nalice:%s,\nbob:%s\ncarol:%s", ALICE_HEX, BOB_HEX, carol);
    ck_assert_str_eq(config.tokens, want);
    ck_assert_uint_eq(config.max_body_bytes, 2048);

    /* A duplicate on a later line is reported on that line. */
    path = write_ini("[auth]\ntokens = alice:" ALICE_HEX "\n  bob:" BOB_HEX "\n  alice:"
                     "0000000000000000000000000000000000000000000000000000000000000000\n");
    test_format(want, sizeof want, "tokens: entry 3 (alice) has the same name as entry 1; "
                "expected " TOKENS_ALLOWED " (from the config file %s line 4)", path);
    expect_error(ARGS(config_flag(cfg, sizeof cfg, path)), no_env, want);

    /* Other keys still take one line. */
    expect_file_error("[http]\nmax_body_bytes = 2048\n  4096\n",
                      " line 3: the line is indented, which reads as a continuation of the value "
                      "of 'max_body_bytes'; start each key at the beginning of its line");
    /* The environment overrides the file's list whole. */
    path = write_ini("[auth]\ntokens = alice:" ALICE_HEX "\n  bob:" BOB_HEX "\n");
    ck_assert_int_eq(load(&config, ARGS(config_flag(cfg, sizeof cfg, path)),
                          ENV("FRONTIERD_TOKENS=carl:" ALICE_HEX)), FR_OK);
    ck_assert_str_eq(config.tokens, "carl:" ALICE_HEX);
}
END_TEST

/* ------------------------------------------------------------------------
 * Usage
 * ------------------------------------------------------------------------ */

START_TEST(test_usage)
{
    static const char *const must[] = {
        "--bind ADDR", "FRONTIERD_BIND", "127.0.0.1", "--port N", "FRONTIERD_PORT", "8080",
        "--db PATH", "FRONTIERD_DB", "data/frontier.db", "--seed DIR", "FRONTIERD_SEED",
        "data/seed", "--threads N", "FRONTIERD_THREADS", "--config PATH", "FRONTIERD_CONFIG",
        "--access-log WHERE", "FRONTIERD_ACCESS_LOG", "access_log", "-h, --help",
        "-V, --version", "--max-body-bytes N", "FRONTIERD_MAX_BODY_BYTES", "262144",
        "max_body_bytes", "--tokens LIST", "FRONTIERD_TOKENS", "[auth] tokens",
        "frontierd hash-token", "--max-connections N", "FRONTIERD_MAX_CONNECTIONS 1024",
        "--max-connections-per-client N", "FRONTIERD_MAX_CONNECTIONS_PER_CLIENT 64",
        "--idle-timeout S", "FRONTIERD_IDLE_TIMEOUT   15", "--request-timeout S",
        "FRONTIERD_REQUEST_TIMEOUT 30", "--max-header-bytes N",
        "FRONTIERD_MAX_HEADER_BYTES 16384", "max_connections_per_client", "idle_timeout",
        "request_timeout", "max_header_bytes", "--web DIR", "FRONTIERD_WEB"};
    const char *usage = fr_config_usage();
    const char *line;
    const char *heading;
    ptrdiff_t column;
    int aligned = 0;
    size_t i;

    ck_assert_ptr_nonnull(usage);
    ck_assert_ptr_eq(usage, fr_config_usage());
    for (i = 0; i < sizeof must / sizeof must[0]; i++) {
        ck_assert_msg(strstr(usage, must[i]) != NULL, "usage lacks '%s'", must[i]);
    }
    /* Fits an 80-column terminal, and the environment column lines up under
     * its heading on all eighteen flag lines that name their variable (the
     * longest flag has its variable on the line below). */
    heading = strstr(usage, "  FLAG ");
    ck_assert_ptr_nonnull(heading);
    column = strstr(heading, "ENVIRONMENT") - heading;
    for (line = usage; *line != '\0';) {
        const char *end = strchr(line, '\n');
        ck_assert_ptr_nonnull(end);
        ck_assert_int_le(end - line, 80);
        const char *env = memmem(line, (size_t)(end - line), "FRONTIERD_", 10);
        if (strncmp(line, "  --", 4) == 0 && env != NULL) {
            ck_assert_int_eq(env - line, column);
            aligned++;
        }
        line = end + 1;
    }
    ck_assert_int_eq(aligned, 18);
}
END_TEST

/* ------------------------------------------------------------------------ */

static Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc;

    tc = tcase_create("sources");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_null_env_and_empty_argv);
    tcase_add_test(tc, test_file_alone);
    tcase_add_test(tc, test_file_from_environment);
    tcase_add_test(tc, test_environment_alone);
    tcase_add_test(tc, test_flags_alone_both_forms);
    tcase_add_test(tc, test_flag_given_twice_keeps_last);
    tcase_add_test(tc, test_flag_value_may_start_with_dash);
    tcase_add_test(tc, test_unknown_frontierd_variables_ignored);
    tcase_add_test(tc, test_first_environment_entry_wins);
    tcase_add_loop_test(tc, test_precedence, 0,
                        (int)(8 * (sizeof key_cases / sizeof key_cases[0])));
    tcase_add_test(tc, test_config_flag_wins_over_environment);
    tcase_add_test(tc, test_cors_origins_values);
    tcase_add_test(tc, test_access_log_values);
    suite_add_tcase(s, tc);

    tc = tcase_create("validation");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_port_errors);
    tcase_add_test(tc, test_port_bounds_accepted);
    tcase_add_test(tc, test_port_error_from_file);
    tcase_add_test(tc, test_threads_errors_and_bounds);
    tcase_add_test(tc, test_threads_zero_resolves);
    tcase_add_test(tc, test_bind_values);
    tcase_add_test(tc, test_path_errors);
    tcase_add_test(tc, test_empty_environment_values);
    tcase_add_test(tc, test_overridden_value_still_validated);
    tcase_add_test(tc, test_control_characters_in_messages);
    tcase_add_test(tc, test_failed_load_leaves_config_alone);
    tcase_add_test(tc, test_error_buffer_small_or_absent);
    tcase_add_test(tc, test_max_body_bytes_values);
    tcase_add_loop_test(tc, test_limit_values, 0,
                        (int)(sizeof limit_cases / sizeof limit_cases[0]));
    tcase_add_test(tc, test_tokens_values);
    tcase_add_test(tc, test_tokens_errors);
    tcase_add_test(tc, test_tokens_length_and_count);
    suite_add_tcase(s, tc);

    tc = tcase_create("flags");
    tcase_add_test(tc, test_help_and_version);
    tcase_add_test(tc, test_help_skips_validation);
    tcase_add_test(tc, test_mistake_before_help_is_reported);
    tcase_add_test(tc, test_hash_token_action);
    tcase_add_test(tc, test_flag_mistakes);
    tcase_add_test(tc, test_usage);
    suite_add_tcase(s, tc);

    tc = tcase_create("file");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_file_unknown_key);
    tcase_add_test(tc, test_file_unknown_section);
    tcase_add_test(tc, test_file_key_outside_section);
    tcase_add_test(tc, test_file_duplicate_key);
    tcase_add_test(tc, test_file_syntax_error);
    tcase_add_test(tc, test_file_first_error_wins);
    tcase_add_test(tc, test_file_continuation_line);
    tcase_add_test(tc, test_file_indented_first_key);
    tcase_add_test(tc, test_file_long_line);
    tcase_add_test(tc, test_file_missing);
    tcase_add_test(tc, test_file_is_directory);
    tcase_add_test(tc, test_file_syntax_accepted);
    tcase_add_test(tc, test_empty_file);
    tcase_add_test(tc, test_shipped_config_is_the_defaults);
    tcase_add_test(tc, test_tokens_in_file);
    tcase_add_test(tc, test_tokens_continuation_lines);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    if (!make_temp_root()) {
        perror("test_config: cannot make a temp directory");
        return EXIT_FAILURE;
    }
    int failed = test_run_suite(config_suite());
    remove_temp_root();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
