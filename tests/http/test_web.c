/*
 * The dashboard against the real daemon: its page at /, its files under
 * /app/ with their media types, ETags, 304s and gzip, 404 for any name that
 * was not a file of the web directory at start (however a climb out of it
 * is spelled, through libcurl and over a raw socket, where nothing rewrites
 * the target), and 503 with the API still up when there is no dashboard.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "support.h"

#define INDEX_TEXT "<!DOCTYPE html><title>dashboard</title><script src=\"/app/app.js\"></script>\n"

static char web_dir[512];  /* index.html, app.js, .env, vendor/chart.js */
static char absent[600];   /* a path where no directory is */
static char app_js[4096];  /* over FR_GZIP_MIN_SIZE, so gzip applies */
static struct test_server dashboard, bare;

static void servers_start(void)
{
    char vendor[600];
    test_tmpdir_make(web_dir, sizeof(web_dir), "frontier-http-web");
    test_format(vendor, sizeof(vendor), "%s/vendor", web_dir);
    ck_assert_int_eq(mkdir(vendor, 0700), 0);
    size_t used = 0;
    while (used + 40 < sizeof(app_js)) {
        int n = snprintf(app_js + used, sizeof(app_js) - used, "console.log('line %zu');\n", used);
        ck_assert(n > 0 && (size_t)n < sizeof(app_js) - used);
        used += (size_t)n;
    }
    test_write_file(web_dir, "index.html", INDEX_TEXT);
    test_write_file(web_dir, "app.js", app_js);
    test_write_file(web_dir, ".env", "SECRET=do-not-serve\n");
    test_write_file(web_dir, "vendor/chart.js", "var Chart = {};\n");
    const char *const args[] = {"--web", web_dir, NULL};
    test_server_start(&dashboard, args);

    test_format(absent, sizeof(absent), "%s/absent", web_dir);
    const char *const bare_args[] = {"--web", absent, NULL};
    test_server_start(&bare, bare_args);
}

static void servers_stop(void)
{
    char vendor[600];
    ck_assert_int_eq(test_server_stop(&dashboard), 0);
    ck_assert_int_eq(test_server_stop(&bare), 0);
    test_format(vendor, sizeof(vendor), "%s/vendor", web_dir);
    test_tmpdir_remove(vendor);
    test_tmpdir_remove(web_dir);
}

static void header_is(const struct http_reply *reply, const char *name, const char *want)
{
    char value[256];
    ck_assert_msg(http_reply_header(reply, name, value, sizeof(value)), "no %s in:\n%s", name,
                  reply->headers);
    ck_assert_str_eq(value, want);
}

START_TEST(test_index_at_root)
{
    struct http_reply reply;
    char etag[64];
    http_get(dashboard.port, "/", &reply);
    ck_assert_int_eq(reply.status, 200);
    header_is(&reply, "Content-Type", "text/html; charset=utf-8");
    header_is(&reply, "Cache-Control", "no-cache");
    ck_assert_str_eq(reply.body, INDEX_TEXT);
    ck_assert(http_reply_header(&reply, "ETag", etag, sizeof(etag)));
    ck_assert(etag[0] == '"');
    /* The browser is told to load nothing from elsewhere, and to let no
     * other site frame the page or sniff a file as another type. */
    header_is(&reply, "Content-Security-Policy",
              "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
              "form-action 'none'; frame-ancestors 'none'");
    header_is(&reply, "X-Content-Type-Options", "nosniff");
    header_is(&reply, "Referrer-Policy", "no-referrer");
    http_reply_free(&reply);

    http_request(dashboard.port, "HEAD", "/", NULL, &reply);
    ck_assert_int_eq(reply.status, 200);
    ck_assert_uint_eq(reply.body_len, 0);
    header_is(&reply, "Content-Type", "text/html; charset=utf-8");
    http_reply_free(&reply);

    /* The same file under /app/ is the same representation. */
    char etag2[64];
    http_get(dashboard.port, "/app/index.html", &reply);
    ck_assert_int_eq(reply.status, 200);
    ck_assert(http_reply_header(&reply, "ETag", etag2, sizeof(etag2)));
    ck_assert_str_eq(etag, etag2);
    http_reply_free(&reply);
}
END_TEST

START_TEST(test_files_and_types)
{
    struct http_reply reply;
    http_get(dashboard.port, "/app/vendor/chart.js", &reply);
    ck_assert_int_eq(reply.status, 200);
    header_is(&reply, "Content-Type", "text/javascript; charset=utf-8");
    ck_assert_str_eq(reply.body, "var Chart = {};\n");
    http_reply_free(&reply);

    http_get(dashboard.port, "/app/app.js", &reply);
    ck_assert_int_eq(reply.status, 200);
    ck_assert_uint_eq(reply.body_len, strlen(app_js));
    ck_assert(memcmp(reply.body, app_js, reply.body_len) == 0);
    http_reply_free(&reply);

    /* A query is refused, as on every operation that takes none. */
    http_get(dashboard.port, "/?x=1", &reply);
    ck_assert_int_eq(reply.status, 400);
    http_reply_free(&reply);

    /* Segments longer than any directory entry name no file: 404. */
    char target[1200] = "/app/";
    memset(target + 5, 'd', 500);
    target[505] = '/';
    memset(target + 506, 'f', 500);
    target[1006] = '\0';
    http_get(dashboard.port, target, &reply);
    ck_assert_int_eq(reply.status, 404);
    header_is(&reply, "Content-Type", "application/problem+json");
    http_reply_free(&reply);
}
END_TEST

START_TEST(test_not_modified)
{
    struct http_reply reply;
    char etag[64], inm[96];
    http_get(dashboard.port, "/app/vendor/chart.js", &reply);
    ck_assert(http_reply_header(&reply, "ETag", etag, sizeof(etag)));
    http_reply_free(&reply);
    test_format(inm, sizeof(inm), "If-None-Match: %s", etag);
    const char *const headers[] = {inm, NULL};
    http_request(dashboard.port, "GET", "/app/vendor/chart.js", headers, &reply);
    ck_assert_int_eq(reply.status, 304);
    ck_assert_uint_eq(reply.body_len, 0);
    http_reply_free(&reply);
}
END_TEST

START_TEST(test_gzip)
{
    struct http_reply reply, again;
    char etag[64], inm[96];
    const char *const headers[] = {"Accept-Encoding: gzip", NULL};
    http_request(dashboard.port, "GET", "/app/app.js", headers, &reply);
    ck_assert_int_eq(reply.status, 200);
    header_is(&reply, "Content-Encoding", "gzip");
    header_is(&reply, "Content-Type", "text/javascript; charset=utf-8");
    size_t len = 0;
    char *plain = test_gunzip(reply.body, reply.body_len, &len);
    ck_assert_uint_eq(len, strlen(app_js));
    ck_assert(memcmp(plain, app_js, len) == 0);
    free(plain);
    ck_assert(http_reply_header(&reply, "ETag", etag, sizeof(etag)));
    ck_assert_msg(strstr(etag, "-gzip") != NULL, "%s", etag);

    test_format(inm, sizeof(inm), "If-None-Match: %s", etag);
    const char *const both[] = {"Accept-Encoding: gzip", inm, NULL};
    http_request(dashboard.port, "GET", "/app/app.js", both, &again);
    ck_assert_int_eq(again.status, 304);
    http_reply_free(&again);
    http_reply_free(&reply);
}
END_TEST

/* A refusal: 404 from the table, or 400 from the adapter, which refuses
 * some targets (a decoded dot segment, "%00") before any route sees them;
 * and no byte of the dotfile. */
static void assert_not_found(long status, const char *body, const char *target)
{
    ck_assert_msg(status == 404 || status == 400, "%s: %ld", target, status);
    ck_assert_msg(strstr(body, "do-not-serve") == NULL, "%s served the dotfile", target);
}

static const char *const climbs[] = {
    "/app/.env",
    "/app/%2eenv",
    "/app/..%2f.env",
    "/app/%2e%2e/.env",
    "/app/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/app/vendor/..%2f.env",
    "/app/vendor%2f..%2f.env",
    "/app/%2fetc%2fpasswd",
    "/app//etc/passwd",
    "/app/index.html%00.js",
    "/app/nope.js",
    "/app/vendor",
    "/app/vendor/",
    "/app/",
    "/app",
};

START_TEST(test_traversal_through_curl)
{
    for (size_t i = 0; i < sizeof(climbs) / sizeof(climbs[0]); i++) {
        struct http_reply reply;
        http_get(dashboard.port, climbs[i], &reply);
        assert_not_found(reply.status, reply.body, climbs[i]);
        header_is(&reply, "Content-Type", "application/problem+json");
        http_reply_free(&reply);
    }
}
END_TEST

/* Sends one request over a fresh connection exactly as written and returns
 * the whole answer (malloc'd, NUL-terminated); the server closes after it. */
static char *raw_exchange(unsigned port, const char *target)
{
    struct sockaddr_in addr = {.sin_family = AF_INET};
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(fd, 0);
    struct timeval timeout = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    ck_assert_msg(connect(fd, (const struct sockaddr *)&addr, sizeof(addr)) == 0, "connect: %s",
                  strerror(errno));
    char request[1024];
    test_format(request, sizeof(request),
                "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", target);
    ck_assert(send(fd, request, strlen(request), MSG_NOSIGNAL) == (ssize_t)strlen(request));
    size_t size = 8192, used = 0;
    char *out = malloc(size);
    ck_assert_ptr_nonnull(out);
    for (;;) {
        if (used + 1 == size) {
            char *grown = realloc(out, size * 2);
            ck_assert_ptr_nonnull(grown);
            out = grown;
            size *= 2;
        }
        ssize_t n = recv(fd, out + used, size - used - 1, 0);
        if (n < 0 && errno == EINTR)
            continue;
        ck_assert_msg(n >= 0, "%s: recv: %s", target, strerror(errno));
        if (n == 0)
            break;
        used += (size_t)n;
    }
    out[used] = '\0';
    close(fd);
    return out;
}

static long raw_status(const char *answer)
{
    ck_assert_msg(strncmp(answer, "HTTP/1.1 ", 9) == 0, "not a response: %.80s", answer);
    return strtol(answer + 9, NULL, 10);
}

/* Targets libcurl would not send as they are: raw dot segments, a NUL. */
START_TEST(test_traversal_over_raw_socket)
{
    static const char *const raw[] = {
        "/app/../.env",
        "/app/../../../../etc/passwd",
        "/app/vendor/../../.env",
        "/app/./index.html",
        "/../.env",
        "/app/..\\.env",
        "/app/%2e%2e/%2e%2e/.env",
        "/app/%252e%252e/.env",
        "/app/%00",
    };
    for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++) {
        char *answer = raw_exchange(dashboard.port, raw[i]);
        assert_not_found(raw_status(answer), answer, raw[i]);
        free(answer);
    }
    for (size_t i = 0; i < sizeof(climbs) / sizeof(climbs[0]); i++) {
        char *answer = raw_exchange(dashboard.port, climbs[i]);
        assert_not_found(raw_status(answer), answer, climbs[i]);
        free(answer);
    }
    /* A real file over the same path is served, so the 404s above are not
     * the raw client's doing. */
    char *answer = raw_exchange(dashboard.port, "/app/vendor/chart.js");
    ck_assert_int_eq(raw_status(answer), 200);
    ck_assert(strstr(answer, "var Chart = {};") != NULL);
    free(answer);
}
END_TEST

START_TEST(test_no_web_directory)
{
    static const char *const targets[] = {"/", "/app/index.html", "/app/vendor/chart.js"};
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        json_t *problem = http_get_json(bare.port, targets[i], 503);
        ck_assert_str_eq(test_member_str(problem, "type"), "/problems/dashboard-unavailable");
        const char *detail = test_member_str(problem, "detail");
        ck_assert_msg(strstr(detail, "not installed") != NULL, "%s", detail);
        ck_assert_msg(strstr(detail, absent) == NULL, "the detail names a path: %s", detail);
        json_decref(problem);
    }
    /* The API is served all the same. */
    json_decref(http_get_json(bare.port, "/livez", 200));
    json_decref(http_get_json(bare.port, "/v1/models/grok-4", 200));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("http web");
    TCase *tc = tcase_create("dashboard");
    tcase_add_unchecked_fixture(tc, servers_start, servers_stop);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_index_at_root);
    tcase_add_test(tc, test_files_and_types);
    tcase_add_test(tc, test_not_modified);
    tcase_add_test(tc, test_gzip);
    tcase_add_test(tc, test_traversal_through_curl);
    tcase_add_test(tc, test_traversal_over_raw_socket);
    tcase_add_test(tc, test_no_web_directory);
    suite_add_tcase(s, tc);
    return test_run_suite(s) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
