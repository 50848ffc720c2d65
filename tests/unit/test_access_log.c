/*
 * Unit tests for the access log (src/http/access_log.c): the exact line for
 * an entry, text from the network that would break a line, where the log
 * goes ("off", "stderr", a file appended to), the message for a file that
 * cannot be opened, and whole lines when many threads write at once.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "frontier/access_log.h"
#include "support.h"

static char tmpdir[512];

static void make_tmpdir(void)
{
    test_tmpdir_make(tmpdir, sizeof tmpdir, "frontier-access-log");
}

static void remove_tmpdir(void)
{
    test_tmpdir_remove(tmpdir);
}

/* 2025-07-10T04:00:00.123Z, the Grok 4 launch at noon in Beijing. */
static const struct fr_access_entry sample = {
    .time = {1752120000, 123999999},
    .method = "GET",
    .route = "/v1/models/{id}",
    .path = "/v1/models/grok-4",
    .status = 200,
    .bytes = 4476,
    .duration_ns = 181000,
    .request_id = "abc.DEF_1-2",
    .trace_id = "4bf92f3577b34da6a3ce929d0e0e4736",
    .client = "127.0.0.1",
};

START_TEST(test_format_exact)
{
    char *line = NULL;
    size_t len = 0;

    ck_assert_int_eq(fr_access_log_format(&sample, &line, &len), FR_OK);
    ck_assert_str_eq(line, "{\"time\":\"2025-07-10T04:00:00.123Z\",\"method\":\"GET\","
                           "\"route\":\"/v1/models/{id}\",\"path\":\"/v1/models/grok-4\","
                           "\"status\":200,\"bytes\":4476,\"duration_seconds\":0.000181,"
                           "\"request_id\":\"abc.DEF_1-2\","
                           "\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
                           "\"client\":\"127.0.0.1\"}\n");
    ck_assert_uint_eq(len, strlen(line));
    free(line);
}
END_TEST

START_TEST(test_format_nulls_and_ipv6)
{
    struct fr_access_entry entry = sample;
    char *line = NULL;
    size_t len = 0;

    entry.route = NULL;
    entry.trace_id = NULL;
    entry.client = "::1";
    entry.status = 404;
    entry.bytes = 0;
    entry.duration_ns = 2500000000u;
    entry.time = (struct timespec){0, 0};
    ck_assert_int_eq(fr_access_log_format(&entry, &line, &len), FR_OK);
    ck_assert_str_eq(line, "{\"time\":\"1970-01-01T00:00:00.000Z\",\"method\":\"GET\","
                           "\"route\":null,\"path\":\"/v1/models/grok-4\",\"status\":404,"
                           "\"bytes\":0,\"duration_seconds\":2.5,\"request_id\":\"abc.DEF_1-2\","
                           "\"trace_id\":null,\"client\":\"::1\"}\n");
    free(line);
}
END_TEST

/* A path and a method straight from the network: quotes, a line feed, a
 * control character and a byte that is not UTF-8 stay inside one line. */
START_TEST(test_format_hostile_text)
{
    struct fr_access_entry entry = sample;
    char *line = NULL;
    size_t len = 0;
    json_error_t error;

    entry.path = "/v1/\"x\"\n{\"status\":1}\x01\xff";
    entry.method = "G\nET";
    ck_assert_int_eq(fr_access_log_format(&entry, &line, &len), FR_OK);
    ck_assert_ptr_eq(strchr(line, '\n'), line + len - 1);
    json_t *obj = json_loadb(line, len, 0, &error);
    ck_assert_msg(obj != NULL, "%s: %s", error.text, line);
    ck_assert_str_eq(json_string_value(json_object_get(obj, "path")),
                     "/v1/\"x\"\n{\"status\":1}\x01\xef\xbf\xbd");
    ck_assert_str_eq(json_string_value(json_object_get(obj, "method")), "G\nET");
    ck_assert_int_eq(json_integer_value(json_object_get(obj, "status")), 200);
    json_decref(obj);
    free(line);
}
END_TEST

/* A line longer than the buffers the common case uses is still whole. */
START_TEST(test_long_line)
{
    enum { PATH_LEN = 6000 };
    static char path[PATH_LEN + 2];
    struct fr_access_entry entry = sample;
    char *line = NULL;
    size_t len = 0;

    path[0] = '/';
    memset(path + 1, 'p', PATH_LEN);
    path[PATH_LEN + 1] = '\0';
    entry.path = path;
    ck_assert_int_eq(fr_access_log_format(&entry, &line, &len), FR_OK);
    ck_assert_uint_gt(len, PATH_LEN);
    ck_assert_uint_eq(strlen(line), len);
    ck_assert_ptr_eq(strchr(line, '\n'), line + len - 1);
    json_t *obj = json_loadb(line, len, 0, NULL);
    ck_assert_ptr_nonnull(obj);
    ck_assert_str_eq(test_member_str(obj, "path"), path);
    json_decref(obj);
    free(line);
}
END_TEST

START_TEST(test_open_off_and_stderr)
{
    struct fr_access_log *log = (struct fr_access_log *)1;
    char error[256] = "x";

    ck_assert_int_eq(fr_access_log_open("off", &log, error, sizeof error), FR_OK);
    ck_assert_ptr_null(log);
    ck_assert_str_eq(error, "");
    ck_assert_int_eq(fr_access_log_write(NULL, &sample), FR_OK);

    ck_assert_int_eq(fr_access_log_open("stderr", &log, error, sizeof error), FR_OK);
    ck_assert_ptr_nonnull(log);
    fr_access_log_free(log);
    /* Freeing the log leaves stderr open. */
    ck_assert_int_ne(fcntl(STDERR_FILENO, F_GETFD), -1);
    fr_access_log_free(NULL);
}
END_TEST

/* Reads a whole small file into out. */
static size_t read_file(const char *path, char *out, size_t size)
{
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(out, 1, size - 1, f);
    out[n] = '\0';
    fclose(f);
    return n;
}

START_TEST(test_file_appended)
{
    char path[600], content[8192], error[256];
    struct fr_access_log *log = NULL;

    test_format(path, sizeof path, "%s/access.log", tmpdir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("earlier line\n", f);
    fclose(f);

    /* One line that fits the stack buffer, one that does not. */
    struct fr_access_entry long_entry = sample;
    static char long_path[3001];
    memset(long_path, 'q', sizeof long_path - 1);
    long_entry.path = long_path;
    ck_assert_int_eq(fr_access_log_open(path, &log, error, sizeof error), FR_OK);
    ck_assert_int_eq(fr_access_log_write(log, &sample), FR_OK);
    ck_assert_int_eq(fr_access_log_write(log, &long_entry), FR_OK);
    fr_access_log_free(log);

    read_file(path, content, sizeof content);
    ck_assert_int_eq(strncmp(content, "earlier line\n{\"time\":", 21), 0);
    size_t lines = 0;
    for (const char *p = content; (p = strchr(p, '\n')) != NULL; p++)
        lines++;
    ck_assert_uint_eq(lines, 3);
    const char *last = strchr(strchr(content, '\n') + 1, '\n') + 1;
    json_t *obj = json_loads(last, 0, NULL);
    ck_assert_ptr_nonnull(obj);
    ck_assert_str_eq(test_member_str(obj, "path"), long_path);
    json_decref(obj);

    /* The descriptor is close-on-exec: found through /proc/self/fd. */
    ck_assert_int_eq(fr_access_log_open(path, &log, error, sizeof error), FR_OK);
    bool found = false;
    for (int fd = 3; fd < 1024 && !found; fd++) {
        char link[64], target[700];
        test_format(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, target, sizeof target - 1);
        if (n <= 0)
            continue;
        target[n] = '\0';
        if (strcmp(target, path) == 0) {
            found = true;
            ck_assert_int_ne(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
            ck_assert_int_ne(fcntl(fd, F_GETFL) & O_APPEND, 0);
        }
    }
    ck_assert_msg(found, "no descriptor open on %s", path);
    fr_access_log_free(log);
}
END_TEST

START_TEST(test_file_cannot_open)
{
    char path[600], want[800], error[1024];
    struct fr_access_log *log = (struct fr_access_log *)1;

    test_format(path, sizeof path, "%s/no/such/dir/access.log", tmpdir);
    ck_assert_int_eq(fr_access_log_open(path, &log, error, sizeof error), FR_EIO);
    ck_assert_ptr_null(log);
    test_format(want, sizeof want, "access_log: cannot open '%s': No such file or directory",
                path);
    ck_assert_str_eq(error, want);

    /* A directory is not a log file. */
    ck_assert_int_eq(fr_access_log_open(tmpdir, &log, error, sizeof error), FR_EIO);
    test_format(want, sizeof want, "access_log: cannot open '%s': Is a directory", tmpdir);
    ck_assert_str_eq(error, want);

    /* A small buffer gets a cut message that says so. */
    ck_assert_int_eq(fr_access_log_open(path, &log, error, 16), FR_EIO);
    ck_assert_str_eq(error, "access_log: ...");
}
END_TEST

/* ---- many writers --------------------------------------------------------- */

#define WRITERS 4
#define LINES_EACH 500

struct writer {
    struct fr_access_log *log;
    int id;
};

static void *write_lines(void *arg)
{
    struct writer *w = arg;
    char path[64], request_id[32];
    struct fr_access_entry entry = sample;

    for (int i = 0; i < LINES_EACH; i++) {
        /* Lines of different lengths, so a torn write would show. */
        snprintf(path, sizeof path, "/w%d/%0*d", w->id, 1 + i % 40, i);
        snprintf(request_id, sizeof request_id, "w%d-%d", w->id, i);
        entry.path = path;
        entry.request_id = request_id;
        if (fr_access_log_write(w->log, &entry) != FR_OK)
            return arg; /* reported by the main thread */
    }
    return NULL;
}

START_TEST(test_concurrent_lines_whole)
{
    char path[600], error[256];
    struct fr_access_log *log = NULL;
    pthread_t threads[WRITERS];
    struct writer writers[WRITERS];

    test_format(path, sizeof path, "%s/busy.log", tmpdir);
    ck_assert_int_eq(fr_access_log_open(path, &log, error, sizeof error), FR_OK);
    for (int i = 0; i < WRITERS; i++) {
        writers[i] = (struct writer){log, i};
        ck_assert_int_eq(pthread_create(&threads[i], NULL, write_lines, &writers[i]), 0);
    }
    for (int i = 0; i < WRITERS; i++) {
        void *failed = NULL;
        pthread_join(threads[i], &failed);
        ck_assert_ptr_null(failed);
    }
    fr_access_log_free(log);

    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    char line[1024];
    int seen[WRITERS] = {0};
    size_t count = 0;
    while (fgets(line, sizeof line, f)) {
        json_error_t jerr;
        json_t *obj = json_loads(line, 0, &jerr);
        ck_assert_msg(obj != NULL, "line %zu is not JSON: %s", count + 1, line);
        int w = -1, i = -1;
        ck_assert_int_eq(sscanf(test_member_str(obj, "request_id"), "w%d-%d", &w, &i), 2);
        ck_assert(w >= 0 && w < WRITERS);
        ck_assert_int_eq(i, seen[w]); /* each thread's lines in its own order */
        seen[w]++;
        json_decref(obj);
        count++;
    }
    fclose(f);
    ck_assert_uint_eq(count, WRITERS * LINES_EACH);
}
END_TEST

static Suite *access_log_suite(void)
{
    Suite *s = suite_create("access_log");
    TCase *tc = tcase_create("format");
    tcase_add_test(tc, test_format_exact);
    tcase_add_test(tc, test_format_nulls_and_ipv6);
    tcase_add_test(tc, test_format_hostile_text);
    tcase_add_test(tc, test_long_line);
    suite_add_tcase(s, tc);

    tc = tcase_create("files");
    tcase_add_checked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_test(tc, test_open_off_and_stderr);
    tcase_add_test(tc, test_file_appended);
    tcase_add_test(tc, test_file_cannot_open);
    tcase_add_test(tc, test_concurrent_lines_whole);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(access_log_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
