/*
 * Request ids, trace context, the access log and /metrics, against the real
 * daemon started with --access-log on a file in a temp directory.
 *
 * The daemon writes a request's log line after counting it, so waiting for
 * the line is how these tests know a request is over before they look at
 * the metrics; counts can then be compared exactly. /metrics is checked by
 * Prometheus's own `promtool check metrics` (Debian package prometheus),
 * which must be installed: a missing promtool fails the test.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "support.h"

extern char **environ;

static char tmpdir[512];
static char log_path[600];
static struct test_server server;
static bool server_failed;

static void start_daemon(void)
{
    test_tmpdir_make(tmpdir, sizeof tmpdir, "frontier-obs");
    test_format(log_path, sizeof log_path, "%s/access.log", tmpdir);
    const char *args[] = {"--access-log", log_path, NULL};
    test_server_start(&server, args);
}

static void stop_daemon(void)
{
    int status = test_server_stop(&server);
    if (status != 0) {
        fprintf(stderr, "frontierd exited with status %d on SIGTERM\n", status);
        server_failed = true;
    }
    test_tmpdir_remove(tmpdir);
}

/* ---- the access log -------------------------------------------------------- */

/* Every line of the log, each parsed (the test fails on a line that is not
 * one JSON object); a new reference to an array. */
static json_t *read_log(void)
{
    json_t *lines = json_array();
    FILE *f = fopen(log_path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;

    ck_assert_ptr_nonnull(f);
    while ((len = getline(&line, &cap, f)) > 0) {
        json_error_t error;
        ck_assert_msg(line[len - 1] == '\n', "a line without its end: %s", line);
        json_t *obj = json_loadb(line, (size_t)len, 0, &error);
        ck_assert_msg(json_is_object(obj), "not a JSON object (%s): %s", error.text, line);
        json_array_append_new(lines, obj);
    }
    free(line);
    fclose(f);
    return lines;
}

static size_t log_count(void)
{
    json_t *lines = read_log();
    size_t n = json_array_size(lines);
    json_decref(lines);
    return n;
}

/* Waits until the log holds count lines (never more) and returns them. */
static json_t *wait_for_log(size_t count)
{
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        json_t *lines = read_log();
        size_t n = json_array_size(lines);
        ck_assert_msg(n <= count, "the log has %zu lines, expected %zu", n, count);
        if (n == count)
            return lines;
        json_decref(lines);
        clock_gettime(CLOCK_MONOTONIC, &now);
        ck_assert_msg(now.tv_sec - start.tv_sec < 10, "the log stayed at %zu lines, expected %zu",
                      n, count);
        usleep(2000);
    }
}

/* Makes one request and returns its log line (a new reference), checking
 * that it added exactly one line holding exactly the fields of the format. */
static json_t *logged_request(const char *method, const char *target,
                              const char *const *headers, struct http_reply *reply)
{
    static const char *const fields[] = {"time",    "method",           "route",
                                         "path",    "status",           "bytes",
                                         "duration_seconds", "request_id", "trace_id",
                                         "client"};
    size_t before = log_count();

    http_request(server.port, method, target, headers, reply);
    json_t *lines = wait_for_log(before + 1);
    json_t *line = json_incref(json_array_get(lines, before));
    json_decref(lines);
    ck_assert_uint_eq(json_object_size(line), sizeof fields / sizeof fields[0]);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        ck_assert_msg(json_object_get(line, fields[i]) != NULL, "no %s", fields[i]);
    return line;
}

/* A request whose answer does not matter, once its log line is written. */
static void request_waited(const char *method, const char *target, const char *const *headers)
{
    struct http_reply reply;
    json_decref(logged_request(method, target, headers, &reply));
    http_reply_free(&reply);
}

/* The ETag of a 200 to GET target. */
static void etag_of(const char *target, char *out, size_t size)
{
    struct http_reply reply;
    json_decref(logged_request("GET", target, NULL, &reply));
    ck_assert_int_eq(reply.status, 200);
    ck_assert(http_reply_header(&reply, "ETag", out, size));
    http_reply_free(&reply);
}

static const char *str_or_null(const json_t *line, const char *key)
{
    const json_t *v = json_object_get(line, key);
    ck_assert_msg(json_is_string(v) || json_is_null(v), "%s is neither string nor null", key);
    return json_string_value(v);
}

static void reply_request_id(const struct http_reply *reply, char *out, size_t size)
{
    ck_assert_msg(http_reply_header(reply, "X-Request-Id", out, size), "no X-Request-Id: %s",
                  reply->headers);
}

static bool is_generated_id(const char *id)
{
    return strlen(id) == 32 && strspn(id, "0123456789abcdef") == 32;
}

/* ---- request ids ------------------------------------------------------------ */

START_TEST(test_request_id_echoed)
{
    char longest[129 + 32], header[200], got[256];
    memset(longest, 0, sizeof longest);
    memcpy(longest, "X-Request-Id: ", 14);
    memset(longest + 14, 'z', 128);
    const char *valid[] = {"X-Request-Id: abc-123_DEF.v2", "X-Request-Id: 7", longest};

    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        const char *headers[] = {valid[i], NULL};
        struct http_reply reply;
        json_t *line = logged_request("GET", "/livez", headers, &reply);
        reply_request_id(&reply, got, sizeof got);
        ck_assert_str_eq(got, valid[i] + 14);
        ck_assert_str_eq(str_or_null(line, "request_id"), valid[i] + 14);
        json_decref(line);
        http_reply_free(&reply);
    }
    /* The blanks around a field value are not part of it (RFC 9110). */
    const char *padded[] = {"X-Request-Id: \t padded-id \t", NULL};
    struct http_reply padded_reply;
    json_t *padded_line = logged_request("GET", "/livez", padded, &padded_reply);
    reply_request_id(&padded_reply, got, sizeof got);
    ck_assert_str_eq(got, "padded-id");
    ck_assert_str_eq(str_or_null(padded_line, "request_id"), "padded-id");
    json_decref(padded_line);
    http_reply_free(&padded_reply);

    /* On an error too, and on whatever the route. */
    test_format(header, sizeof header, "X-Request-Id: %s", "err-42");
    const char *headers[] = {header, NULL};
    struct http_reply reply;
    json_t *line = logged_request("GET", "/v1/models/no-such-model", headers, &reply);
    ck_assert_int_eq(reply.status, 404);
    reply_request_id(&reply, got, sizeof got);
    ck_assert_str_eq(got, "err-42");
    ck_assert_str_eq(str_or_null(line, "request_id"), "err-42");
    json_decref(line);
    http_reply_free(&reply);
}
END_TEST

START_TEST(test_request_id_replaced)
{
    char too_long[160];
    memset(too_long, 0, sizeof too_long);
    memcpy(too_long, "X-Request-Id: ", 14);
    memset(too_long + 14, 'a', 129);
    /* "X-Request-Id;" is how libcurl sends the header with an empty value. */
    const char *invalid[] = {too_long, "X-Request-Id: has space", "X-Request-Id: a/b",
                             "X-Request-Id: quote\"d", "X-Request-Id: caf\xc3\xa9",
                             "X-Request-Id: {id}", "X-Request-Id;"};

    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        const char *headers[] = {invalid[i], NULL};
        struct http_reply reply;
        char got[256];
        json_t *line = logged_request("GET", "/livez", headers, &reply);
        reply_request_id(&reply, got, sizeof got);
        ck_assert_msg(is_generated_id(got), "'%s' answered with id '%s'", invalid[i], got);
        ck_assert_str_eq(str_or_null(line, "request_id"), got);
        json_decref(line);
        http_reply_free(&reply);
    }
}
END_TEST

/* Every kind of answer has an id, and no two are alike. */
START_TEST(test_generated_ids_unique)
{
    char etag[128], if_none_match[160];
    etag_of("/v1/models/grok-4", etag, sizeof etag);
    test_format(if_none_match, sizeof if_none_match, "If-None-Match: %s", etag);

    static const char *const preflight[] = {"Origin: https://dash.example",
                                            "Access-Control-Request-Method: GET", NULL};
    const char *revalidate[] = {if_none_match, NULL};
    const struct {
        const char *method, *target;
        const char *const *headers;
        long status;
    } cases[] = {
        {"GET", "/v1/models/grok-4", NULL, 200},
        {"GET", "/v1/models/grok-4", revalidate, 304},
        {"HEAD", "/v1/models/grok-4", NULL, 200},
        {"OPTIONS", "/v1/models", preflight, 204},
        {"GET", "/v1/models?bogus=1", NULL, 400},
        {"GET", "/nowhere", NULL, 404},
        {"DELETE", "/v1/models", NULL, 405},
        {"BREW", "/v1/models", NULL, 501},
        {"GET", "/metrics", NULL, 200},
    };
    enum { N = sizeof cases / sizeof cases[0], ROUNDS = 3 };
    char ids[N * ROUNDS][64];

    for (size_t r = 0; r < ROUNDS; r++) {
        for (size_t i = 0; i < N; i++) {
            struct http_reply reply;
            json_t *line = logged_request(cases[i].method, cases[i].target, cases[i].headers,
                                          &reply);
            ck_assert_msg(reply.status == cases[i].status, "%s %s: %ld", cases[i].method,
                          cases[i].target, reply.status);
            char *id = ids[r * N + i];
            reply_request_id(&reply, id, sizeof ids[0]);
            ck_assert_msg(is_generated_id(id), "%s %s: id '%s'", cases[i].method,
                          cases[i].target, id);
            ck_assert_str_eq(str_or_null(line, "request_id"), id);
            for (size_t j = 0; j < r * N + i; j++)
                ck_assert_msg(strcmp(ids[j], id) != 0, "id %s given twice", id);
            json_decref(line);
            http_reply_free(&reply);
        }
    }
}
END_TEST

/* ---- trace context ------------------------------------------------------------ */

#define TRACE "4bf92f3577b34da6a3ce929d0e0e4736"
#define PARENT "00f067aa0ba902b7"

START_TEST(test_traceparent_in_log)
{
    static const struct {
        const char *headers[3];
        const char *trace_id; /* NULL: the header must be ignored */
    } cases[] = {
        {{"traceparent: 00-" TRACE "-" PARENT "-01", NULL}, TRACE},
        {{"Traceparent: 00-" TRACE "-" PARENT "-00", NULL}, TRACE},
        {{"traceparent: cc-" TRACE "-" PARENT "-01-later-fields", NULL}, TRACE},
        {{"traceparent:   00-" TRACE "-" PARENT "-01  ", NULL}, TRACE}, /* blanks trimmed */
        {{NULL}, NULL},
        {{"traceparent: 00-4BF92F3577B34DA6A3CE929D0E0E4736-" PARENT "-01", NULL}, NULL},
        {{"traceparent: ff-" TRACE "-" PARENT "-01", NULL}, NULL},
        {{"traceparent: 00-00000000000000000000000000000000-" PARENT "-01", NULL}, NULL},
        {{"traceparent: 00-" TRACE "-0000000000000000-01", NULL}, NULL},
        {{"traceparent: 00-" TRACE "-" PARENT "-01-extra", NULL}, NULL},
        {{"traceparent: 00-" TRACE "-" PARENT, NULL}, NULL},
        {{"traceparent: garbage", NULL}, NULL},
        /* Two headers, even two valid ones, cannot both be the caller. */
        {{"traceparent: 00-" TRACE "-" PARENT "-01",
          "traceparent: 00-" TRACE "-" PARENT "-01"}, NULL},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct http_reply reply;
        json_t *line = logged_request("GET", "/v1/benchmarks", cases[i].headers, &reply);
        ck_assert_int_eq(reply.status, 200);
        const char *got = str_or_null(line, "trace_id");
        if (cases[i].trace_id)
            ck_assert_msg(got && strcmp(got, cases[i].trace_id) == 0, "case %zu: trace_id %s",
                          i, got ? got : "null");
        else
            ck_assert_msg(got == NULL, "case %zu: trace_id %s, expected null", i, got);
        json_decref(line);
        http_reply_free(&reply);
    }
}
END_TEST

/* ---- access log fields ---------------------------------------------------------- */

/* The line's time, parsed: RFC 3339 UTC with milliseconds, exactly. */
static double line_time(const json_t *line)
{
    const char *text = str_or_null(line, "time");
    struct tm tm;
    int ms = -1;
    char *rest;

    ck_assert_ptr_nonnull(text);
    ck_assert_uint_eq(strlen(text), 24);
    memset(&tm, 0, sizeof tm);
    rest = strptime(text, "%Y-%m-%dT%H:%M:%S", &tm);
    ck_assert_msg(rest && rest[0] == '.' && sscanf(rest, ".%3d", &ms) == 1 && rest[4] == 'Z',
                  "time %s", text);
    return (double)timegm(&tm) + ms / 1000.0;
}

static void assert_line(const json_t *line, const char *method, const char *route,
                        const char *path, long status, long long bytes)
{
    char *dump = json_dumps(line, 0);
    ck_assert_msg(strcmp(str_or_null(line, "method"), method) == 0, "method: %s", dump);
    if (route)
        ck_assert_msg(str_or_null(line, "route") && strcmp(str_or_null(line, "route"), route) == 0,
                      "route: %s", dump);
    else
        ck_assert_msg(json_is_null(json_object_get(line, "route")), "route: %s", dump);
    ck_assert_msg(strcmp(str_or_null(line, "path"), path) == 0, "path: %s", dump);
    ck_assert_msg(json_integer_value(json_object_get(line, "status")) == status &&
                      json_is_integer(json_object_get(line, "status")),
                  "status: %s", dump);
    ck_assert_msg(json_is_integer(json_object_get(line, "bytes")) &&
                      json_integer_value(json_object_get(line, "bytes")) == bytes,
                  "bytes %lld: %s", bytes, dump);
    const json_t *duration = json_object_get(line, "duration_seconds");
    ck_assert_msg(json_is_real(duration) && json_real_value(duration) > 0 &&
                      json_real_value(duration) < 2.0,
                  "duration: %s", dump);
    ck_assert_msg(strcmp(str_or_null(line, "client"), "127.0.0.1") == 0, "client: %s", dump);
    double when = line_time(line);
    /* Not time(NULL): it reads the coarse clock, which may still show the
     * previous second just after the daemon stamped the new one. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    double now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    ck_assert_msg(when > now - 30 && when <= now + 0.001, "time: %s", dump);
    free(dump);
}

START_TEST(test_access_log_fields)
{
    struct http_reply reply;
    json_t *line;

    line = logged_request("GET", "/v1/models/grok-4", NULL, &reply);
    ck_assert_int_eq(reply.status, 200);
    assert_line(line, "GET", "/v1/models/{id}", "/v1/models/grok-4", 200,
                (long long)reply.body_len);
    ck_assert_uint_gt(reply.body_len, 1000);
    json_decref(line);
    http_reply_free(&reply);

    /* The path without its query; the route a list's. */
    line = logged_request("GET", "/v1/models?limit=1", NULL, &reply);
    assert_line(line, "GET", "/v1/models", "/v1/models", 200, (long long)reply.body_len);
    json_decref(line);
    http_reply_free(&reply);

    /* HEAD sends no body, and says so. */
    line = logged_request("HEAD", "/v1/models/grok-4", NULL, &reply);
    assert_line(line, "HEAD", "/v1/models/{id}", "/v1/models/grok-4", 200, 0);
    json_decref(line);
    http_reply_free(&reply);

    /* No route: null, with the path as asked; the problem body is counted. */
    line = logged_request("GET", "/no/such/thing", NULL, &reply);
    assert_line(line, "GET", NULL, "/no/such/thing", 404, (long long)reply.body_len);
    ck_assert_uint_gt(reply.body_len, 0);
    json_decref(line);
    http_reply_free(&reply);

    /* A known path, a method it does not allow: the route is named. */
    line = logged_request("PUT", "/v1/models", NULL, &reply);
    assert_line(line, "PUT", "/v1/models", "/v1/models", 405, (long long)reply.body_len);
    json_decref(line);
    http_reply_free(&reply);

    /* An unknown method, as it was sent. */
    line = logged_request("BREW", "/v1/models", NULL, &reply);
    assert_line(line, "BREW", NULL, "/v1/models", 501, (long long)reply.body_len);
    json_decref(line);
    http_reply_free(&reply);

    /* A 304 sends no body. */
    char etag[128], header[160];
    etag_of("/v1/benchmarks", etag, sizeof etag);
    test_format(header, sizeof header, "If-None-Match: %s", etag);
    const char *revalidate[] = {header, NULL};
    line = logged_request("GET", "/v1/benchmarks", revalidate, &reply);
    ck_assert_int_eq(reply.status, 304);
    assert_line(line, "GET", "/v1/benchmarks", "/v1/benchmarks", 304, 0);
    json_decref(line);
    http_reply_free(&reply);

    /* A path with a quote, a line feed and a byte that is not UTF-8 stays
     * on its line, decoded; the line feed (a control byte) makes it a 400
     * that no route answers. */
    line = logged_request("GET", "/v1/models/%22x%22%0A%7B%7D%FF", NULL, &reply);
    assert_line(line, "GET", NULL, "/v1/models/\"x\"\n{}\xef\xbf\xbd", 400,
                (long long)reply.body_len);
    json_decref(line);
    http_reply_free(&reply);
}
END_TEST

/* Lines from requests served at the same time by the pool's threads are
 * whole: as many lines as requests, each one JSON object. */
struct burst {
    unsigned port;
    int failures;
};

static void *send_burst(void *arg)
{
    struct burst *b = arg;
    for (int i = 0; i < 25; i++) {
        struct http_reply reply;
        http_get(b->port, i % 2 ? "/v1/models/grok-4" : "/v1/leaderboards", &reply);
        if (reply.status != 200)
            b->failures++;
        http_reply_free(&reply);
    }
    return NULL;
}

START_TEST(test_concurrent_requests_logged_whole)
{
    enum { THREADS = 4 };
    pthread_t threads[THREADS];
    struct burst bursts[THREADS];
    size_t before = log_count();

    for (int i = 0; i < THREADS; i++) {
        bursts[i] = (struct burst){server.port, 0};
        ck_assert_int_eq(pthread_create(&threads[i], NULL, send_burst, &bursts[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        ck_assert_int_eq(bursts[i].failures, 0);
    }
    json_t *lines = wait_for_log(before + THREADS * 25); /* each line parsed */
    size_t i;
    json_t *line;
    json_array_foreach(lines, i, line) {
        if (i >= before)
            ck_assert_int_eq(json_integer_value(json_object_get(line, "status")), 200);
    }
    json_decref(lines);
}
END_TEST

/* ---- running programs ---------------------------------------------------------- */

/* Runs argv with stdin from input_path (or /dev/null), collecting stdout and
 * stderr together into out; returns the exit status, or -1. The program is
 * looked up in PATH. */
static int run_program(const char *const *argv, const char *input_path, char *out, size_t size,
                       bool *not_found)
{
    posix_spawn_file_actions_t actions;
    int pipefd[2];
    pid_t pid;
    int status = 0;
    size_t used = 0;
    ssize_t got;

    *not_found = false;
    ck_assert_int_eq(pipe(pipefd), 0);
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, input_path ? input_path : "/dev/null",
                                     O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipefd[0]);
    int rc = posix_spawnp(&pid, argv[0], &actions, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(pipefd[1]);
    if (rc != 0) {
        close(pipefd[0]);
        *not_found = rc == ENOENT;
        snprintf(out, size, "%s", strerror(rc));
        return -1;
    }
    while ((got = read(pipefd[0], out + used, size - 1 - used)) > 0)
        used += (size_t)got;
    out[used] = '\0';
    close(pipefd[0]);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- /metrics -------------------------------------------------------------------- */

/* The samples of an exposition as {"name{labels}": value}; a new reference. */
static json_t *parse_exposition(const char *text)
{
    json_t *samples = json_object();
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        ck_assert_msg(end != NULL, "the exposition does not end its last line");
        if (line[0] != '#' && end > line) {
            const char *space = end;
            while (space > line && space[-1] != ' ')
                space--;
            ck_assert_msg(space > line + 1, "no value: %.*s", (int)(end - line), line);
            char key[512], value[64];
            size_t key_len = (size_t)(space - 1 - line), value_len = (size_t)(end - space);
            ck_assert(key_len < sizeof key && value_len < sizeof value);
            memcpy(key, line, key_len);
            key[key_len] = '\0';
            memcpy(value, space, value_len);
            value[value_len] = '\0';
            char *rest;
            double v = strtod(value, &rest);
            ck_assert_msg(*rest == '\0', "bad value: %s", value);
            ck_assert_msg(json_object_get(samples, key) == NULL, "series twice: %s", key);
            json_object_set_new(samples, key, json_real(v));
        }
        line = end + 1;
    }
    return samples;
}

/* The value of series (0 when it is not listed: a counter not yet seen). */
static double sample(const json_t *samples, const char *series)
{
    const json_t *v = json_object_get(samples, series);
    return v ? json_real_value(v) : 0.0;
}

/* GETs /metrics, waits for its own log line (so it is counted before the
 * next scrape), checks the content type and returns the body. */
static char *scrape(void)
{
    struct http_reply reply;
    char type[128];
    json_t *line = logged_request("GET", "/metrics", NULL, &reply);
    ck_assert_int_eq(reply.status, 200);
    ck_assert(http_reply_header(&reply, "Content-Type", type, sizeof type));
    ck_assert_str_eq(type, "text/plain; version=0.0.4; charset=utf-8");
    assert_line(line, "GET", "/metrics", "/metrics", 200, (long long)reply.body_len);
    json_decref(line);
    char *body = reply.body;
    reply.body = NULL;
    http_reply_free(&reply);
    return body;
}

START_TEST(test_metrics_pass_promtool)
{
    /* Series of every kind first: routes with braces, unmatched, errors. */
    const char *const targets[] = {"/v1/models/grok-4", "/v1/models/nope", "/nowhere",
                                   "/v1/leaderboards/humanitys-last-exam", "/readyz"};
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
        request_waited("GET", targets[i], NULL);
    request_waited("BREW", "/x", NULL);

    char *body = scrape();
    char path[700], output[8192];
    test_format(path, sizeof path, "%s/metrics.txt", tmpdir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(body, 1, strlen(body), f), strlen(body));
    ck_assert_int_eq(fclose(f), 0);

    const char *argv[] = {"promtool", "check", "metrics", NULL};
    bool not_found = false;
    int status = run_program(argv, path, output, sizeof output, &not_found);
    ck_assert_msg(!not_found,
                  "promtool is not installed: it comes with the Debian package prometheus "
                  "(scripts/install-deps installs it)");
    /* promtool exits 0 when it finds nothing; lint problems (exit 3) and
     * parse errors (exit 1) print what is wrong. */
    ck_assert_msg(status == 0 && output[0] == '\0', "promtool check metrics: exit %d:\n%s\n---\n%s",
                  status, output, body);
    unlink(path);
    free(body);
}
END_TEST

#define REQUESTS(method, route, code)                                                     \
    test_format(name, sizeof name,                                                        \
                "http_requests_total{method=\"%s\",route=\"%s\",code=\"%s\"}", method, route, \
                code)
#define COUNT(route) \
    test_format(name, sizeof name, "http_request_duration_seconds_count{route=\"%s\"}", route)

START_TEST(test_metrics_count_requests)
{
    char name[512];
    char *before_text = scrape();
    json_t *before = parse_exposition(before_text);

    const struct {
        const char *method, *target;
        int times;
    } requests[] = {
        {"GET", "/v1/models/grok-4", 3},  {"GET", "/v1/models/nope", 2},
        {"HEAD", "/v1/models", 1},        {"BREW", "/x", 1},
        {"GET", "/nowhere", 1},           {"DELETE", "/v1/models", 1},
        {"OPTIONS", "/v1/models", 1},
    };
    for (size_t i = 0; i < sizeof requests / sizeof requests[0]; i++) {
        for (int t = 0; t < requests[i].times; t++) {
            struct http_reply reply;
            json_t *line = logged_request(requests[i].method, requests[i].target, NULL, &reply);
            json_decref(line);
            http_reply_free(&reply);
        }
    }

    char *after_text = scrape();
    json_t *after = parse_exposition(after_text);
    const struct {
        const char *method, *route, *code;
        double delta;
    } expect[] = {
        {"GET", "/v1/models/{id}", "200", 3}, {"GET", "/v1/models/{id}", "404", 2},
        {"HEAD", "/v1/models", "200", 1},     {"OTHER", "unmatched", "501", 1},
        {"GET", "unmatched", "404", 1},       {"DELETE", "/v1/models", "405", 1},
        {"OPTIONS", "/v1/models", "204", 1},  {"GET", "/metrics", "200", 1},
        {"GET", "/v1/models", "200", 0},      {"POST", "/v1/models", "405", 0},
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        REQUESTS(expect[i].method, expect[i].route, expect[i].code);
        double delta = sample(after, name) - sample(before, name);
        ck_assert_msg(delta == expect[i].delta, "%s went up by %g, expected %g\n%s", name, delta,
                      expect[i].delta, after_text);
    }
    static const struct {
        const char *route;
        double delta;
    } histograms[] = {{"/v1/models/{id}", 5}, {"/v1/models", 3}, {"unmatched", 2},
                      {"/metrics", 1}};
    for (size_t i = 0; i < sizeof histograms / sizeof histograms[0]; i++) {
        COUNT(histograms[i].route);
        double delta = sample(after, name) - sample(before, name);
        ck_assert_msg(delta == histograms[i].delta, "%s went up by %g, expected %g", name, delta,
                      histograms[i].delta);
    }

    /* Per route, the histogram counts every request the counters count, its
     * +Inf bucket equals its count, and its buckets never go down. */
    const char *key;
    json_t *value;
    json_t *per_route = json_object();
    json_object_foreach(after, key, value) {
        const char *route = strstr(key, "route=\"");
        if (strncmp(key, "http_requests_total{", 20) != 0 || !route)
            continue;
        char route_label[256];
        const char *end = strchr(route + 7, '"');
        test_format(route_label, sizeof route_label, "%.*s", (int)(end - route - 7), route + 7);
        json_t *sum = json_object_get(per_route, route_label);
        json_object_set_new(per_route, route_label,
                            json_real((sum ? json_real_value(sum) : 0) + json_real_value(value)));
    }
    ck_assert_uint_ge(json_object_size(per_route), 5);
    json_object_foreach(per_route, key, value) {
        char inf[512];
        COUNT(key);
        ck_assert_msg(sample(after, name) == json_real_value(value),
                      "%s is %g, the counters say %g", name, sample(after, name),
                      json_real_value(value));
        test_format(inf, sizeof inf, "http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"}",
                    key);
        ck_assert_msg(sample(after, inf) == json_real_value(value), "%s", inf);
        static const char *const les[] = {"0.0001", "0.00025", "0.0005", "0.001", "0.0025",
                                          "0.005",  "0.01",    "0.025",  "0.05",  "0.1",
                                          "0.25",   "0.5",     "1",      "2.5",   "5",
                                          "10",     "+Inf"};
        double previous = 0;
        for (size_t b = 0; b < sizeof les / sizeof les[0]; b++) {
            char bucket[512];
            test_format(bucket, sizeof bucket,
                        "http_request_duration_seconds_bucket{route=\"%s\",le=\"%s\"}", key,
                        les[b]);
            ck_assert_msg(json_object_get(after, bucket) != NULL, "no %s", bucket);
            ck_assert_double_ge(sample(after, bucket), previous);
            previous = sample(after, bucket);
        }
        char sum[512];
        test_format(sum, sizeof sum, "http_request_duration_seconds_sum{route=\"%s\"}", key);
        ck_assert_double_gt(sample(after, sum), 0);
        ck_assert_double_lt(sample(after, sum), 2.0 * json_real_value(value));
    }
    json_decref(per_route);

    /* The scrape itself is in flight while it renders. */
    ck_assert_double_ge(sample(after, "http_requests_in_flight"), 1);
    json_decref(before);
    json_decref(after);
    free(before_text);
    free(after_text);
}
END_TEST

START_TEST(test_metrics_process_and_build)
{
    char *text = scrape();
    json_t *samples = parse_exposition(text);
    double now = (double)time(NULL); /* coarse: hence the 2 s of slack below */

    /* The daemon built one snapshot at start. */
    ck_assert_double_eq(sample(samples, "frontier_snapshot_version"), 1);
    double loaded = sample(samples, "frontier_snapshot_loaded_timestamp_seconds");
    double started = sample(samples, "process_start_time_seconds");
    ck_assert_msg(started > now - 600 && started <= now + 2, "started %f, now %f", started, now);
    ck_assert_msg(loaded >= started - 1 && loaded <= now + 2, "loaded %f, started %f", loaded,
                  started);
    double load = sample(samples, "frontier_snapshot_load_duration_seconds");
    ck_assert_msg(load > 0 && load < 60, "load took %f s", load);
    ck_assert_double_gt(sample(samples, "process_resident_memory_bytes"), 1024.0 * 1024.0);

    /* build_info carries the version --version prints. */
    char output[256], series[300];
    bool not_found = false;
    const char *argv[] = {getenv("FRONTIERD_BIN"), "--version", NULL};
    ck_assert_int_eq(run_program(argv, NULL, output, sizeof output, &not_found), 0);
    ck_assert_int_eq(strncmp(output, "frontierd ", 10), 0);
    output[strcspn(output, "\n")] = '\0';
    test_format(series, sizeof series, "frontier_build_info{version=\"%s\"}", output + 10);
    ck_assert_msg(json_object_get(samples, series) != NULL, "no %s in\n%s", series, text);
    ck_assert_double_eq(sample(samples, series), 1);
    json_decref(samples);
    free(text);
}
END_TEST

/* HEAD /metrics is answered like any GET route's HEAD; a query is refused. */
START_TEST(test_metrics_head_and_query)
{
    struct http_reply reply;
    json_t *line = logged_request("HEAD", "/metrics", NULL, &reply);
    ck_assert_int_eq(reply.status, 200);
    ck_assert_uint_eq(reply.body_len, 0);
    assert_line(line, "HEAD", "/metrics", "/metrics", 200, 0);
    json_decref(line);
    http_reply_free(&reply);

    line = logged_request("GET", "/metrics?name=x", NULL, &reply);
    ck_assert_int_eq(reply.status, 400);
    json_decref(line);
    http_reply_free(&reply);
}
END_TEST

/* ---- start-up ---------------------------------------------------------------------- */

START_TEST(test_unopenable_log_stops_start_up)
{
    char missing[700], output[4096], want[900];
    bool not_found = false;
    test_format(missing, sizeof missing, "%s/no-such-dir/access.log", tmpdir);
    const char *argv[] = {getenv("FRONTIERD_BIN"), "--port", "0", "--db", ":memory:",
                          "--seed", test_seed_dir(), "--access-log", missing, NULL};
    int status = run_program(argv, NULL, output, sizeof output, &not_found);
    ck_assert_int_eq(status, 1);
    test_format(want, sizeof want,
                "frontierd: access_log: cannot open '%s': No such file or directory\n", missing);
    ck_assert_str_eq(output, want);
}
END_TEST

/* The client's address as IPv6 text, from a daemon listening on ::1. */
START_TEST(test_ipv6_client)
{
    char path[700];
    test_format(path, sizeof path, "%s/access6.log", tmpdir);
    const char *bin = getenv("FRONTIERD_BIN");
    int pipefd[2];
    ck_assert_int_eq(pipe(pipefd), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(pipefd[1], STDERR_FILENO);
        close(pipefd[0]);
        close(pipefd[1]);
        execl(bin, bin, "--bind", "::1", "--port", "0", "--db", ":memory:", "--seed",
              test_seed_dir(), "--threads", "1", "--access-log", path, (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    char log[2048];
    size_t used = 0;
    ssize_t got;
    unsigned port = 0;
    while (port == 0 && used < sizeof log - 1 &&
           (got = read(pipefd[0], log + used, sizeof log - 1 - used)) > 0) {
        used += (size_t)got;
        log[used] = '\0';
        const char *at = strstr(log, "listening on http://[::1]:");
        if (at)
            port = (unsigned)strtoul(at + strlen("listening on http://[::1]:"), NULL, 10);
    }
    log[used] = '\0';
    if (port == 0) {
        /* No IPv6 loopback here: the daemon says it cannot listen. */
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        close(pipefd[0]);
        ck_assert_msg(strstr(log, "could not listen on ::1") != NULL, "%s", log);
        return;
    }
    char target[64];
    test_format(target, sizeof target, "http://[::1]:%u/livez", port);
    /* http_request speaks to 127.0.0.1 only: libcurl by hand. */
    CURL *curl = curl_easy_init();
    ck_assert_ptr_nonnull(curl);
    curl_easy_setopt(curl, CURLOPT_URL, target);
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
    CURLcode rc = curl_easy_perform(curl);
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(curl);
    ck_assert_msg(rc == CURLE_OK, "%s: %s", target, curl_easy_strerror(rc));
    ck_assert_int_eq(code, 200);
    kill(pid, SIGTERM);
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    close(pipefd[0]);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    char line[1024];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    fclose(f);
    json_t *obj = json_loads(line, 0, NULL);
    ck_assert_ptr_nonnull(obj);
    ck_assert_str_eq(test_member_str(obj, "client"), "::1");
    ck_assert_str_eq(test_member_str(obj, "route"), "/livez");
    ck_assert_str_eq(test_member_str(obj, "method"), "HEAD");
    json_decref(obj);
}
END_TEST

static Suite *observability_suite(void)
{
    Suite *s = suite_create("observability");
    TCase *tc = tcase_create("daemon");
    tcase_add_unchecked_fixture(tc, start_daemon, stop_daemon);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_request_id_echoed);
    tcase_add_test(tc, test_request_id_replaced);
    tcase_add_test(tc, test_generated_ids_unique);
    tcase_add_test(tc, test_traceparent_in_log);
    tcase_add_test(tc, test_access_log_fields);
    tcase_add_test(tc, test_concurrent_requests_logged_whole);
    tcase_add_test(tc, test_metrics_pass_promtool);
    tcase_add_test(tc, test_metrics_count_requests);
    tcase_add_test(tc, test_metrics_process_and_build);
    tcase_add_test(tc, test_metrics_head_and_query);
    tcase_add_test(tc, test_unopenable_log_stops_start_up);
    tcase_add_test(tc, test_ipv6_client);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = test_run_suite(observability_suite());
    return failed == 0 && !server_failed ? EXIT_SUCCESS : EXIT_FAILURE;
}
