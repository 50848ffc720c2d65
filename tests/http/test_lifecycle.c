/*
 * The daemon as a process: flags, exit codes and messages, a database file
 * that persists across restarts, databases it must refuse without touching
 * them, and a clean exit on SIGTERM and SIGINT.
 */
#include <check.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

static char tmpdir[256];

static void make_tmpdir(void)
{
    test_tmpdir_make(tmpdir, sizeof(tmpdir), "frontier-life");
}

static void remove_tmpdir(void)
{
    test_tmpdir_remove(tmpdir);
}

/* Runs frontierd with args (NULL-ended) and one extra environment entry
 * ("NAME=value" or NULL); collects stdout and stderr; returns the exit code. */
static int run(const char *const *args, const char *env, char *out, size_t out_size,
               char *err, size_t err_size)
{
    const char *argv[32];
    size_t n = 0;
    int out_pipe[2], err_pipe[2];
    argv[n++] = getenv("FRONTIERD_BIN");
    for (size_t i = 0; args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    ck_assert_int_eq(pipe(out_pipe), 0);
    ck_assert_int_eq(pipe(err_pipe), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(out_pipe[1], STDOUT_FILENO);
        dup2(err_pipe[1], STDERR_FILENO);
        close(out_pipe[0]);
        close(err_pipe[0]);
        if (env)
            putenv((char *)env);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    /* The outputs are short: read stdout to its end, then stderr. */
    size_t used = 0;
    ssize_t got;
    while ((got = read(out_pipe[0], out + used, out_size - 1 - used)) > 0)
        used += (size_t)got;
    out[used] = '\0';
    used = 0;
    while ((got = read(err_pipe[0], err + used, err_size - 1 - used)) > 0)
        used += (size_t)got;
    err[used] = '\0';
    close(out_pipe[0]);
    close(err_pipe[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

START_TEST(test_help_and_version)
{
    char out[8192], err[4096];
    static const char *const help[] = {"--help", NULL};
    ck_assert_int_eq(run(help, NULL, out, sizeof(out), err, sizeof(err)), 0);
    ck_assert_ptr_nonnull(strstr(out, "--port"));
    ck_assert_ptr_nonnull(strstr(out, "FRONTIERD_PORT"));
    ck_assert_ptr_nonnull(strstr(out, "--db"));

    static const char *const version[] = {"--version", NULL};
    ck_assert_int_eq(run(version, NULL, out, sizeof(out), err, sizeof(err)), 0);
    ck_assert_ptr_nonnull(strstr(out, "frontierd 0."));
}
END_TEST

START_TEST(test_bad_configuration_exits_2_naming_the_key)
{
    char out[4096], err[4096];
    static const char *const bogus[] = {"--bogus", NULL};
    ck_assert_int_eq(run(bogus, NULL, out, sizeof(out), err, sizeof(err)), 2);
    ck_assert_msg(strstr(err, "--bogus"), "%s", err);

    static const char *const none[] = {NULL};
    ck_assert_int_eq(run(none, "FRONTIERD_PORT=70000", out, sizeof(out), err, sizeof(err)), 2);
    ck_assert_msg(strstr(err, "port") && strstr(err, "70000") && strstr(err, "FRONTIERD_PORT"),
                  "%s", err);

    static const char *const threads[] = {"--threads", "many", NULL};
    ck_assert_int_eq(run(threads, NULL, out, sizeof(out), err, sizeof(err)), 2);
    ck_assert_msg(strstr(err, "threads") && strstr(err, "many"), "%s", err);
}
END_TEST

START_TEST(test_refuses_corrupt_database_untouched)
{
    char path[512], out[4096], err[4096];
    snprintf(path, sizeof(path), "%s/corrupt.db", tmpdir);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 4096; i++)
        fputc((i * 13) & 0xff, f);
    fclose(f);

    const char *args[] = {"--port", "0", "--db", path, "--seed", test_seed_dir(), NULL};
    ck_assert_int_eq(run(args, NULL, out, sizeof(out), err, sizeof(err)), 1);
    ck_assert_msg(strstr(err, "cannot read database"), "%s", err);
    f = fopen(path, "rb");
    for (int i = 0; i < 4096; i++)
        ck_assert_int_eq(fgetc(f), (i * 13) & 0xff);
    ck_assert_int_eq(fgetc(f), EOF);
    fclose(f);
}
END_TEST

START_TEST(test_refuses_newer_schema)
{
    char path[512], out[4096], err[4096];
    sqlite3 *db = NULL;
    snprintf(path, sizeof(path), "%s/newer.db", tmpdir);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE t (x); PRAGMA user_version = 7", NULL, NULL,
                                  NULL), SQLITE_OK);
    sqlite3_close(db);

    const char *args[] = {"--port", "0", "--db", path, "--seed", test_seed_dir(), NULL};
    ck_assert_int_eq(run(args, NULL, out, sizeof(out), err, sizeof(err)), 1);
    ck_assert_msg(strstr(err, "schema version 7") && strstr(err, "newer"), "%s", err);
}
END_TEST

START_TEST(test_bad_seed_exits_1)
{
    char out[4096], err[4096];
    const char *args[] = {"--port", "0", "--db", ":memory:", "--seed", tmpdir, NULL};
    ck_assert_int_eq(run(args, NULL, out, sizeof(out), err, sizeof(err)), 1);
    ck_assert_msg(strstr(err, "organizations.json"), "%s", err);
}
END_TEST

/* The embedded default: a database file created on first start, reused on
 * the next, answering the same bytes. */
START_TEST(test_database_file_persists)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/frontier.db", tmpdir);
    const char *args[] = {"--db", path, NULL};
    struct test_server server;
    struct http_reply first, second;

    test_server_start(&server, args);
    http_get(server.port, "/v1/leaderboards/humanitys-last-exam", &first);
    ck_assert_int_eq(first.status, 200);
    ck_assert_int_eq(test_server_stop(&server), 0);
    ck_assert_int_eq(access(path, R_OK), 0);

    test_server_start(&server, args);
    http_get(server.port, "/v1/leaderboards/humanitys-last-exam", &second);
    ck_assert_int_eq(test_server_stop(&server), 0);
    ck_assert_uint_eq(first.body_len, second.body_len);
    ck_assert_int_eq(memcmp(first.body, second.body, first.body_len), 0);
    http_reply_free(&first);
    http_reply_free(&second);
}
END_TEST

START_TEST(test_config_file_and_signals)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/test.conf", tmpdir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("[server]\nthreads = 3\nport = 1\n", f);
    fclose(f);
    /* The flags that test_server_start passes (--port 0) win over the file. */
    const char *args[] = {"--config", path, NULL};

    /* The file is read: a bad value in it stops start-up naming file and line. */
    char bad[512], out[4096], err[4096];
    snprintf(bad, sizeof(bad), "%s/bad.conf", tmpdir);
    f = fopen(bad, "w");
    ck_assert_ptr_nonnull(f);
    fputs("[server]\n# comment\nport = eighty\n", f);
    fclose(f);
    const char *bad_args[] = {"--config", bad, NULL};
    ck_assert_int_eq(run(bad_args, NULL, out, sizeof(out), err, sizeof(err)), 2);
    ck_assert_msg(strstr(err, "eighty") && strstr(err, bad) && strstr(err, "line 3"), "%s", err);

    struct test_server server;
    test_server_start(&server, args);
    json_t *ready = http_get_json(server.port, "/readyz", 200);
    ck_assert_str_eq(json_string_value(json_object_get(ready, "status")), "pass");
    json_decref(ready);
    ck_assert_int_eq(test_server_stop(&server), 0); /* SIGTERM */

    test_server_start(&server, NULL);
    kill(server.pid, SIGINT);
    int status = 0;
    ck_assert_int_eq(waitpid(server.pid, &status, 0), server.pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    close(server.stderr_fd);
}
END_TEST

static Suite *lifecycle_suite(void)
{
    Suite *s = suite_create("lifecycle");
    TCase *tc = tcase_create("process");
    tcase_add_checked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_help_and_version);
    tcase_add_test(tc, test_bad_configuration_exits_2_naming_the_key);
    tcase_add_test(tc, test_refuses_corrupt_database_untouched);
    tcase_add_test(tc, test_refuses_newer_schema);
    tcase_add_test(tc, test_bad_seed_exits_1);
    tcase_add_test(tc, test_database_file_persists);
    tcase_add_test(tc, test_config_file_and_signals);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(lifecycle_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
