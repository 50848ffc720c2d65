/*
 * Caching, compression and CORS against the real daemon: ETags and 304s,
 * gzip by Accept-Encoding, Cache-Control from the configuration, and the
 * headers a browser on another origin needs.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support.h"

static struct test_server tuned; /* started with --cache-max-age and --cors-origins */

static void tuned_start(void)
{
    static const char *const args[] = {"--cache-max-age", "60", "--cors-origins",
                                       "https://dash.example, http://localhost:5173", NULL};
    test_server_start(&tuned, args);
}

static void tuned_stop(void)
{
    ck_assert_int_eq(test_server_stop(&tuned), 0);
}

static void get_with(unsigned port, const char *method, const char *target, const char *h1,
                     const char *h2, struct http_reply *reply)
{
    const char *headers[3] = {h1, h2, NULL};
    if (!h1)
        headers[0] = NULL;
    http_request(port, method, target, headers, reply);
}

static void header_of(const struct http_reply *reply, const char *name, char *out, size_t size)
{
    ck_assert_msg(http_reply_header(reply, name, out, size), "no %s header in:\n%s", name,
                  reply->headers);
}

/* Every 200 GET has a strong ETag; sending it back gets a 304 with the same
 * validators and the 200's Content-Length, and no content. */
START_TEST(test_etag_and_304)
{
    static const char *const targets[] = {
        "/v1/models", "/v1/models/grok-4", "/v1/timeline?status=planned",
        "/v1/leaderboards/humanitys-last-exam?as_of=2025-07-09", "/openapi.json", "/livez",
    };
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        struct http_reply first, again;
        char etag[64], etag2[64], cache[64], inm[96], length[32];
        http_get(test_daemon.port, targets[i], &first);
        ck_assert_int_eq(first.status, 200);
        header_of(&first, "ETag", etag, sizeof(etag));
        ck_assert_msg(etag[0] == '"' && etag[strlen(etag) - 1] == '"', "%s: weak or bare %s",
                      targets[i], etag);
        header_of(&first, "Cache-Control", cache, sizeof(cache));
        ck_assert_str_eq(cache, "no-cache");

        /* The same bytes give the same tag. */
        http_get(test_daemon.port, targets[i], &again);
        header_of(&again, "ETag", etag2, sizeof(etag2));
        ck_assert_str_eq(etag, etag2);
        http_reply_free(&again);

        test_format(inm, sizeof(inm), "If-None-Match: W/\"nope\", %s", etag);
        get_with(test_daemon.port, "GET", targets[i], inm, NULL, &again);
        ck_assert_msg(again.status == 304, "%s: %ld", targets[i], again.status);
        ck_assert_uint_eq(again.body_len, 0);
        header_of(&again, "ETag", etag2, sizeof(etag2));
        ck_assert_str_eq(etag, etag2);
        header_of(&again, "Content-Length", length, sizeof(length));
        ck_assert_uint_eq(strtoul(length, NULL, 10), first.body_len);
        ck_assert(!http_reply_header(&again, "Content-Type", length, sizeof(length)));
        http_reply_free(&again);

        get_with(test_daemon.port, "GET", targets[i], "If-None-Match: *", NULL, &again);
        ck_assert_int_eq(again.status, 304);
        http_reply_free(&again);
        get_with(test_daemon.port, "GET", targets[i], "If-None-Match: \"other\"", NULL, &again);
        ck_assert_int_eq(again.status, 200);
        http_reply_free(&again);
        http_reply_free(&first);
    }
    /* Errors carry no validators. */
    struct http_reply missing;
    http_get(test_daemon.port, "/v1/models/nope", &missing);
    char etag[64];
    ck_assert(!http_reply_header(&missing, "ETag", etag, sizeof(etag)));
    http_reply_free(&missing);
}
END_TEST

/* A 304 keeps the connection usable: two requests on one socket. */
START_TEST(test_304_keeps_the_connection)
{
    struct http_reply first;
    char etag[64], request[512], buf[65536];
    http_get(test_daemon.port, "/v1/models", &first);
    header_of(&first, "ETag", etag, sizeof(etag));
    http_reply_free(&first);

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)test_daemon.port)};
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    test_format(request, sizeof(request),
                "GET /v1/models HTTP/1.1\r\nHost: t\r\nIf-None-Match: %s\r\n\r\n"
                "GET /livez HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", etag);
    ck_assert_int_eq(write(fd, request, strlen(request)), (ssize_t)strlen(request));
    size_t used = 0;
    ssize_t got;
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    while ((got = read(fd, buf + used, sizeof(buf) - 1 - used)) > 0)
        used += (size_t)got;
    buf[used] = '\0';
    close(fd);
    ck_assert_msg(strncmp(buf, "HTTP/1.1 304", 12) == 0, "%s", buf);
    const char *second = strstr(buf + 12, "HTTP/1.1 200");
    ck_assert_msg(second != NULL, "no second response after the 304:\n%s", buf);
    ck_assert_ptr_nonnull(strstr(second, "{\"status\":\"pass\"}"));
    /* Nothing between the 304's header block and the next response. */
    const char *end_of_304 = strstr(buf, "\r\n\r\n");
    ck_assert_ptr_eq(end_of_304 + 4, second);
}
END_TEST

START_TEST(test_gzip)
{
    struct http_reply plain, packed, head;
    char encoding[32], etag_plain[64], etag_gz[64], vary[64], length[32];
    const char *target = "/v1/timeline";
    http_get(test_daemon.port, target, &plain);
    header_of(&plain, "ETag", etag_plain, sizeof(etag_plain));
    header_of(&plain, "Vary", vary, sizeof(vary));
    ck_assert_ptr_nonnull(strstr(vary, "Accept-Encoding"));
    ck_assert(!http_reply_header(&plain, "Content-Encoding", encoding, sizeof(encoding)));

    get_with(test_daemon.port, "GET", target, "Accept-Encoding: br;q=1, gzip;q=0.8", NULL,
             &packed);
    header_of(&packed, "Content-Encoding", encoding, sizeof(encoding));
    ck_assert_str_eq(encoding, "gzip");
    header_of(&packed, "ETag", etag_gz, sizeof(etag_gz));
    ck_assert_str_ne(etag_plain, etag_gz); /* another representation, another tag */
    ck_assert_uint_lt(packed.body_len, plain.body_len);
    size_t len = 0;
    char *unpacked = test_gunzip(packed.body, packed.body_len, &len);
    ck_assert_uint_eq(len, plain.body_len);
    ck_assert_int_eq(memcmp(unpacked, plain.body, len), 0);
    free(unpacked);

    /* HEAD states the compressed length. */
    get_with(test_daemon.port, "HEAD", target, "Accept-Encoding: gzip", NULL, &head);
    header_of(&head, "Content-Length", length, sizeof(length));
    ck_assert_uint_eq(strtoul(length, NULL, 10), packed.body_len);
    ck_assert_uint_eq(head.body_len, 0);
    http_reply_free(&head);

    /* gzip;q=0 and identity-only clients get the plain bytes. */
    struct http_reply refused;
    get_with(test_daemon.port, "GET", target, "Accept-Encoding: gzip;q=0, deflate", NULL,
             &refused);
    ck_assert(!http_reply_header(&refused, "Content-Encoding", encoding, sizeof(encoding)));
    ck_assert_uint_eq(refused.body_len, plain.body_len);
    http_reply_free(&refused);

    /* A cached gzip copy revalidates with its own tag. */
    char inm[96];
    test_format(inm, sizeof(inm), "If-None-Match: %s", etag_gz);
    get_with(test_daemon.port, "GET", target, "Accept-Encoding: gzip", inm, &refused);
    ck_assert_int_eq(refused.status, 304);
    http_reply_free(&refused);

    /* Dynamic bodies (a filtered list) are compressed too; tiny ones are not. */
    get_with(test_daemon.port, "GET", "/v1/results?benchmark=humanitys-last-exam",
             "Accept-Encoding: gzip", NULL, &refused);
    header_of(&refused, "Content-Encoding", encoding, sizeof(encoding));
    http_reply_free(&refused);
    get_with(test_daemon.port, "GET", "/livez", "Accept-Encoding: gzip", NULL, &refused);
    ck_assert(!http_reply_header(&refused, "Content-Encoding", encoding, sizeof(encoding)));
    ck_assert(!http_reply_header(&refused, "Vary", vary, sizeof(vary)));
    http_reply_free(&refused);
    http_reply_free(&plain);
    http_reply_free(&packed);
}
END_TEST

START_TEST(test_cors_any_origin)
{
    struct http_reply reply;
    char value[256];
    get_with(test_daemon.port, "GET", "/v1/models/grok-4", "Origin: https://anyone.example",
             NULL, &reply);
    header_of(&reply, "Access-Control-Allow-Origin", value, sizeof(value));
    ck_assert_str_eq(value, "*");
    header_of(&reply, "Access-Control-Expose-Headers", value, sizeof(value));
    ck_assert_str_eq(value, "ETag, Link, Location, X-Request-Id");
    http_reply_free(&reply);

    get_with(test_daemon.port, "OPTIONS", "/v1/models", "Origin: https://anyone.example",
             "Access-Control-Request-Method: GET", &reply);
    ck_assert_int_eq(reply.status, 204);
    header_of(&reply, "Access-Control-Allow-Methods", value, sizeof(value));
    ck_assert_str_eq(value, "GET, HEAD, OPTIONS");
    header_of(&reply, "Access-Control-Allow-Headers", value, sizeof(value));
    ck_assert_ptr_nonnull(strstr(value, "If-None-Match"));
    header_of(&reply, "Access-Control-Max-Age", value, sizeof(value));
    ck_assert_str_eq(value, "600");
    http_reply_free(&reply);

    /* Without Origin there is nothing to say. */
    http_get(test_daemon.port, "/v1/models/grok-4", &reply);
    ck_assert(!http_reply_header(&reply, "Access-Control-Allow-Origin", value, sizeof(value)));
    http_reply_free(&reply);
}
END_TEST

START_TEST(test_configured_cache_and_origins)
{
    struct http_reply reply;
    char value[256];
    http_get(tuned.port, "/v1/models", &reply);
    header_of(&reply, "Cache-Control", value, sizeof(value));
    ck_assert_str_eq(value, "max-age=60");
    header_of(&reply, "Vary", value, sizeof(value));
    ck_assert_ptr_nonnull(strstr(value, "Origin"));
    http_reply_free(&reply);

    get_with(tuned.port, "GET", "/v1/models", "Origin: http://localhost:5173", NULL, &reply);
    header_of(&reply, "Access-Control-Allow-Origin", value, sizeof(value));
    ck_assert_str_eq(value, "http://localhost:5173");
    http_reply_free(&reply);

    get_with(tuned.port, "GET", "/v1/models", "Origin: https://evil.example", NULL, &reply);
    ck_assert_int_eq(reply.status, 200); /* served; the browser withholds it */
    ck_assert(!http_reply_header(&reply, "Access-Control-Allow-Origin", value, sizeof(value)));
    http_reply_free(&reply);

    get_with(tuned.port, "OPTIONS", "/v1/models/grok-4", "Origin: https://dash.example",
             "Access-Control-Request-Method: GET", &reply);
    ck_assert_int_eq(reply.status, 204);
    header_of(&reply, "Access-Control-Allow-Origin", value, sizeof(value));
    ck_assert_str_eq(value, "https://dash.example");
    http_reply_free(&reply);
}
END_TEST

static Suite *caching_suite(void)
{
    Suite *s = suite_create("caching");
    TCase *tc = tcase_create("defaults");
    tcase_add_unchecked_fixture(tc, test_daemon_start, test_daemon_stop);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_etag_and_304);
    tcase_add_test(tc, test_304_keeps_the_connection);
    tcase_add_test(tc, test_gzip);
    tcase_add_test(tc, test_cors_any_origin);
    suite_add_tcase(s, tc);
    TCase *configured = tcase_create("configured");
    tcase_add_checked_fixture(configured, tuned_start, tuned_stop);
    tcase_add_test(configured, test_configured_cache_and_origins);
    suite_add_tcase(s, configured);
    return s;
}

int main(void)
{
    int failed = test_run_suite(caching_suite());
    return failed == 0 && !test_daemon_failed() ? EXIT_SUCCESS : EXIT_FAILURE;
}
