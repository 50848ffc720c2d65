/*
 * Negotiation and validators: Accept and Accept-Encoding q-values, If-None-
 * Match lists, ETags, gzip copies made once, and the finishing step that
 * turns them into headers, 304s and CORS answers, and tags writes' answers.
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "frontier/http.h"
#include "frontier/negotiate.h"
#include "frontier/rendered.h"
#include "support.h"

START_TEST(test_accept_quality)
{
    ck_assert_int_eq(fr_accept_quality("application/json", "application/json", true), 1000);
    ck_assert_int_eq(fr_accept_quality("text/csv;q=0.5, application/json;q=0.9",
                                       "application/json", true), 900);
    ck_assert_int_eq(fr_accept_quality("text/csv;q=0.5, application/json;q=0.9", "text/csv",
                                       true), 500);
    /* The most specific entry decides, whatever the order. */
    ck_assert_int_eq(fr_accept_quality("*/*;q=0.1, text/*;q=0.4, text/csv;q=0", "text/csv",
                                       true), 0);
    ck_assert_int_eq(fr_accept_quality("*/*;q=0.1, text/*;q=0.4", "text/csv", true), 400);
    ck_assert_int_eq(fr_accept_quality("*/*", "application/json", true), 1000);
    ck_assert_int_eq(fr_accept_quality("text/html", "application/json", true), -1);
    ck_assert_int_eq(fr_accept_quality("APPLICATION/JSON", "application/json", true), 1000);
    ck_assert_int_eq(fr_accept_quality("application/json ; q=0.25 ; level=1", "application/json",
                                       true), 250);
    /* q-values: three decimals at most, 1 at most; malformed counts as 0. */
    ck_assert_int_eq(fr_accept_quality("application/json;q=1.000", "application/json", true),
                     1000);
    ck_assert_int_eq(fr_accept_quality("application/json;q=2", "application/json", true), 0);
    ck_assert_int_eq(fr_accept_quality("application/json;q=abc", "application/json", true), 0);
    ck_assert_int_eq(fr_accept_quality("", "application/json", true), -1);
}
END_TEST

START_TEST(test_accept_encoding)
{
    ck_assert(fr_accepts_gzip("gzip"));
    ck_assert(fr_accepts_gzip("deflate, gzip;q=0.5, br"));
    ck_assert(fr_accepts_gzip("*"));
    ck_assert(fr_accepts_gzip("x-gzip"));
    ck_assert(!fr_accepts_gzip(NULL));
    ck_assert(!fr_accepts_gzip(""));
    ck_assert(!fr_accepts_gzip("identity"));
    ck_assert(!fr_accepts_gzip("gzip;q=0"));
    ck_assert(!fr_accepts_gzip("*, gzip;q=0"));
    ck_assert(!fr_accepts_gzip("br, deflate"));
    ck_assert(!fr_accepts_gzip("*;q=0"));
}
END_TEST

START_TEST(test_if_none_match)
{
    ck_assert(fr_etag_matches("\"abc\"", "\"abc\""));
    ck_assert(fr_etag_matches("W/\"abc\"", "\"abc\"")); /* weak comparison */
    ck_assert(fr_etag_matches("\"x\", W/\"y\" ,\"abc\"", "\"abc\""));
    ck_assert(fr_etag_matches("*", "\"abc\""));
    ck_assert(fr_etag_matches("  *  ", "\"abc\""));
    ck_assert(!fr_etag_matches("\"abcd\"", "\"abc\""));
    ck_assert(!fr_etag_matches("abc", "\"abc\""));  /* not quoted: not an entity-tag */
    ck_assert(!fr_etag_matches("\"abc", "\"abc\""));
    ck_assert(!fr_etag_matches("*, \"abc\"", "\"abc\""));
    ck_assert(!fr_etag_matches(NULL, "\"abc\""));
    ck_assert(!fr_etag_matches("", "\"abc\""));
}
END_TEST


/* If-Match compares strongly (RFC 9110 section 13.1.1). */
START_TEST(test_if_match)
{
    ck_assert(fr_etag_matches_strong("\"abc\"", "\"abc\""));
    ck_assert(fr_etag_matches_strong(" * ", "\"abc\""));
    ck_assert(fr_etag_matches_strong("\"x\", \"abc\"", "\"abc\""));
    ck_assert(!fr_etag_matches_strong("W/\"abc\"", "\"abc\""));
    ck_assert(!fr_etag_matches_strong("W/\"abc\", \"x\"", "\"abc\""));
    ck_assert(!fr_etag_matches_strong("\"abcd\"", "\"abc\""));
    ck_assert(!fr_etag_matches_strong("abc", "\"abc\""));
    ck_assert(!fr_etag_matches_strong("\"abc", "\"abc\""));
    ck_assert(!fr_etag_matches_strong("", "\"abc\""));
    ck_assert(!fr_etag_matches_strong(NULL, "\"abc\""));
    ck_assert(!fr_etag_matches_strong("*, \"abc\"", "\"abc\"")); /* "*" stands alone */
}
END_TEST

START_TEST(test_etags_and_gzip)
{
    char a[FR_ETAG_SIZE], b[FR_ETAG_SIZE], g[FR_ETAG_SIZE];
    fr_etag("hello", 5, false, a);
    fr_etag("hellp", 5, false, b);
    fr_etag("hello", 5, true, g);
    ck_assert_str_ne(a, b);
    ck_assert_uint_eq(strlen(a), 18); /* a quoted 16-digit hex */
    ck_assert(a[0] == '"' && a[17] == '"');
    ck_assert_str_ne(a, g);
    ck_assert_ptr_nonnull(strstr(g, "-gzip\""));

    char body[4096];
    for (size_t i = 0; i < sizeof(body); i++)
        body[i] = (char)('a' + i % 7);
    struct fr_rendered r;
    fr_rendered_init(&r, body, sizeof(body));
    const struct fr_gzipped *first = fr_rendered_gzip(&r);
    ck_assert_ptr_nonnull(first);
    ck_assert_ptr_eq(fr_rendered_gzip(&r), first); /* made once */
    ck_assert_uint_lt(first->len, sizeof(body));
    size_t len = 0;
    char *back = test_gunzip(first->body, first->len, &len);
    ck_assert_uint_eq(len, sizeof(body));
    ck_assert_int_eq(memcmp(back, body, len), 0);
    free(back);
    fr_rendered_cleanup(&r);

    /* Tiny bodies are sent as they are. */
    fr_rendered_init(&r, "{}", 2);
    ck_assert_ptr_null(fr_rendered_gzip(&r));
    fr_rendered_cleanup(&r);
}
END_TEST

struct race {
    struct fr_rendered *r;
    const struct fr_gzipped *got;
};

static void *race_gzip(void *arg)
{
    struct race *race = arg;
    race->got = fr_rendered_gzip(race->r);
    return NULL;
}

/* Threads that ask at once all get the one copy that won. */
START_TEST(test_gzip_copy_race)
{
    static char body[64 * 1024];
    for (size_t i = 0; i < sizeof(body); i++)
        body[i] = (char)(i * 31 % 251);
    struct fr_rendered r;
    fr_rendered_init(&r, body, sizeof(body));
    pthread_t threads[8];
    struct race races[8];
    for (int i = 0; i < 8; i++) {
        races[i].r = &r;
        ck_assert_int_eq(pthread_create(&threads[i], NULL, race_gzip, &races[i]), 0);
    }
    for (int i = 0; i < 8; i++)
        pthread_join(threads[i], NULL);
    for (int i = 1; i < 8; i++)
        ck_assert_ptr_eq(races[i].got, races[0].got);
    ck_assert_ptr_eq(fr_rendered_gzip(&r), races[0].got);
    fr_rendered_cleanup(&r);
}
END_TEST

/* ---- the finishing step, in-process ----------------------------------- */

static const char *header(const struct fr_response *resp, const char *name)
{
    for (size_t i = 0; i < resp->header_count; i++) {
        if (strcasecmp(resp->headers[i].name, name) == 0)
            return resp->headers[i].value;
    }
    return NULL;
}

static void request_with(struct fr_request *req, enum fr_method method, const char *const *headers)
{
    memset(req, 0, sizeof(*req));
    req->method = method;
    req->method_name = fr_method_name(method);
    req->path = "/x";
    for (size_t i = 0; headers && headers[i]; i += 2) {
        req->headers[req->header_count].name = headers[i];
        req->headers[req->header_count].value = headers[i + 1];
        req->header_count++;
    }
}

START_TEST(test_finish_validators)
{
    static char big[2048];
    memset(big, 'x', sizeof(big));
    struct fr_rendered rep;
    fr_rendered_init(&rep, big, sizeof(big));
    struct fr_request req;
    struct fr_response resp;

    /* Plain GET: ETag, no-cache, Vary on Accept-Encoding, identity body. */
    request_with(&req, FR_METHOD_GET, NULL);
    fr_response_init(&resp);
    fr_response_serve(&resp, FR_CONTENT_JSON, &rep);
    fr_response_finish(&req, &resp, NULL);
    ck_assert_int_eq(resp.status, 200);
    ck_assert_str_eq(header(&resp, "ETag"), rep.etag);
    ck_assert_str_eq(header(&resp, "Cache-Control"), "no-cache");
    ck_assert_str_eq(header(&resp, "Vary"), "Accept-Encoding");
    ck_assert_ptr_null(header(&resp, "Content-Encoding"));
    ck_assert_uint_eq(resp.body_len, sizeof(big));
    fr_response_cleanup(&resp);

    /* gzip accepted: the cached copy, its own ETag; a max-age policy. */
    static const char *const gz[] = {"Accept-Encoding", "gzip, br", NULL};
    struct fr_http_policy policy = {3600, NULL, 600};
    request_with(&req, FR_METHOD_GET, gz);
    fr_response_init(&resp);
    fr_response_serve(&resp, FR_CONTENT_JSON, &rep);
    fr_response_finish(&req, &resp, &policy);
    ck_assert_str_eq(header(&resp, "Content-Encoding"), "gzip");
    ck_assert_str_eq(header(&resp, "ETag"), fr_rendered_gzip(&rep)->etag);
    ck_assert_ptr_eq(resp.body, fr_rendered_gzip(&rep)->body);
    ck_assert_str_eq(header(&resp, "Cache-Control"), "max-age=3600");
    fr_response_cleanup(&resp);

    /* If-None-Match with the current tag: 304, same validators, no type. */
    const char *inm[] = {"If-None-Match", rep.etag, NULL};
    request_with(&req, FR_METHOD_GET, inm);
    fr_response_init(&resp);
    fr_response_serve(&resp, FR_CONTENT_JSON, &rep);
    fr_response_finish(&req, &resp, NULL);
    ck_assert_int_eq(resp.status, 304);
    ck_assert_str_eq(header(&resp, "ETag"), rep.etag);
    ck_assert_str_eq(header(&resp, "Vary"), "Accept-Encoding");
    ck_assert_ptr_null(resp.content_type);
    fr_response_cleanup(&resp);

    /* A dynamic body is hashed here; errors get no validators. */
    request_with(&req, FR_METHOD_GET, NULL);
    fr_response_init(&resp);
    fr_response_take(&resp, 200, FR_CONTENT_JSON, strdup("{\"a\":1}"), 7);
    fr_response_finish(&req, &resp, NULL);
    char expected[FR_ETAG_SIZE];
    fr_etag("{\"a\":1}", 7, false, expected);
    ck_assert_str_eq(header(&resp, "ETag"), expected);
    ck_assert_ptr_null(header(&resp, "Vary")); /* too small to vary */
    fr_response_cleanup(&resp);

    fr_response_init(&resp);
    fr_response_problem(&resp, &req, 404, "not-found", "Not Found", "x", NULL);
    fr_response_finish(&req, &resp, NULL);
    ck_assert_ptr_null(header(&resp, "ETag"));
    fr_response_cleanup(&resp);
    fr_rendered_cleanup(&rep);
}
END_TEST

START_TEST(test_finish_cors)
{
    struct fr_request req;
    struct fr_response resp;
    static const char *const from[] = {"Origin", "https://dash.example", NULL};

    /* Any origin: "*", no Vary on Origin, exposed headers listed. */
    request_with(&req, FR_METHOD_GET, from);
    fr_response_init(&resp);
    fr_response_borrow(&resp, 200, FR_CONTENT_JSON, "{}", 2);
    fr_response_finish(&req, &resp, NULL);
    ck_assert_str_eq(header(&resp, "Access-Control-Allow-Origin"), "*");
    ck_assert_str_eq(header(&resp, "Access-Control-Expose-Headers"),
                     "ETag, Link, Location, X-Request-Id");
    ck_assert_ptr_null(header(&resp, "Vary"));
    fr_response_cleanup(&resp);

    /* A list: the allowed origin is echoed and the response varies on Origin. */
    static const char *const list[] = {"https://other.example", "https://dash.example", NULL};
    struct fr_http_policy policy = {0, list, 120};
    fr_response_init(&resp);
    fr_response_borrow(&resp, 200, FR_CONTENT_JSON, "{}", 2);
    fr_response_finish(&req, &resp, &policy);
    ck_assert_str_eq(header(&resp, "Access-Control-Allow-Origin"), "https://dash.example");
    ck_assert_str_eq(header(&resp, "Vary"), "Origin");
    fr_response_cleanup(&resp);

    /* Another origin gets nothing to read with, but the Vary stays. */
    static const char *const stranger[] = {"Origin", "https://evil.example", NULL};
    request_with(&req, FR_METHOD_GET, stranger);
    fr_response_init(&resp);
    fr_response_borrow(&resp, 200, FR_CONTENT_JSON, "{}", 2);
    fr_response_finish(&req, &resp, &policy);
    ck_assert_ptr_null(header(&resp, "Access-Control-Allow-Origin"));
    ck_assert_str_eq(header(&resp, "Vary"), "Origin");
    fr_response_cleanup(&resp);

    /* Preflight: methods from Allow, headers, max age. */
    static const char *const pre[] = {"Origin", "https://dash.example",
                                      "Access-Control-Request-Method", "GET", NULL};
    request_with(&req, FR_METHOD_OPTIONS, pre);
    fr_response_init(&resp);
    fr_response_borrow(&resp, 204, NULL, "", 0);
    fr_response_add_header(&resp, "Allow", "GET, HEAD, OPTIONS");
    fr_response_finish(&req, &resp, &policy);
    ck_assert_str_eq(header(&resp, "Access-Control-Allow-Methods"), "GET, HEAD, OPTIONS");
    ck_assert_ptr_nonnull(strstr(header(&resp, "Access-Control-Allow-Headers"), "If-None-Match"));
    ck_assert_str_eq(header(&resp, "Access-Control-Max-Age"), "120");
    ck_assert_ptr_null(header(&resp, "ETag"));
    fr_response_cleanup(&resp);

    /* A preflight for a write: what writes send may be sent. */
    static const char *const pre_write[] = {"Origin", "https://dash.example",
                                            "Access-Control-Request-Method", "PATCH", NULL};
    request_with(&req, FR_METHOD_OPTIONS, pre_write);
    fr_response_init(&resp);
    fr_response_borrow(&resp, 204, NULL, "", 0);
    fr_response_add_header(&resp, "Allow", "GET, HEAD, PATCH, DELETE, OPTIONS");
    fr_response_finish(&req, &resp, NULL);
    ck_assert_str_eq(header(&resp, "Access-Control-Allow-Methods"),
                     "GET, HEAD, PATCH, DELETE, OPTIONS");
    ck_assert_str_eq(header(&resp, "Access-Control-Allow-Headers"),
                     "Accept, Authorization, Content-Type, Idempotency-Key, If-Match, "
                     "If-None-Match, X-Request-Id, traceparent");
    ck_assert_ptr_null(header(&resp, "Access-Control-Expose-Headers"));
    fr_response_cleanup(&resp);
}
END_TEST

/* The answers to writes: the ETag a GET of the same body gets, so that it
 * works in If-Match, but never a 304, gzip or a 406. */
START_TEST(test_finish_writes)
{
    static char big[2048];
    memset(big, 'y', sizeof(big));
    struct fr_rendered rep;
    fr_rendered_init(&rep, big, sizeof(big));
    struct fr_request req;
    struct fr_response resp;
    char expected[FR_ETAG_SIZE];

    /* A 201 with a rendered body, to a client that takes gzip and already
     * has the tag: the identity body and its tag, still 201. */
    const char *const eager[] = {"Accept-Encoding", "gzip", "If-None-Match", rep.etag,
                                 "Accept", "text/csv", NULL};
    request_with(&req, FR_METHOD_POST, eager);
    fr_response_init(&resp);
    fr_response_serve(&resp, FR_CONTENT_JSON, &rep);
    resp.status = 201;
    ck_assert_int_eq(fr_response_set_location(&resp, "/v1/results", "r-1"), FR_OK);
    fr_response_finish(&req, &resp, NULL);
    ck_assert_int_eq(resp.status, 201);
    ck_assert_str_eq(header(&resp, "ETag"), rep.etag);
    ck_assert_str_eq(header(&resp, "Location"), "/v1/results/r-1");
    ck_assert_ptr_null(header(&resp, "Content-Encoding"));
    ck_assert_ptr_null(header(&resp, "Cache-Control"));
    ck_assert_ptr_null(header(&resp, "Vary"));
    ck_assert_ptr_eq(resp.body, big);
    ck_assert_str_eq(resp.content_type, FR_CONTENT_JSON);
    ck_assert_ptr_null(atomic_load(&rep.gzipped)); /* no copy was made for it */
    fr_response_cleanup(&resp);

    /* A 200 to PATCH with a dynamic body: hashed; Accept refusing JSON does
     * not turn the write's answer into a 406. */
    static const char *const csv[] = {"Accept", "text/csv", NULL};
    request_with(&req, FR_METHOD_PATCH, csv);
    fr_response_init(&resp);
    fr_response_take(&resp, 200, FR_CONTENT_JSON, strdup("{\"v\":2}"), 7);
    fr_response_finish(&req, &resp, NULL);
    ck_assert_int_eq(resp.status, 200);
    fr_etag("{\"v\":2}", 7, false, expected);
    ck_assert_str_eq(header(&resp, "ETag"), expected);
    fr_response_cleanup(&resp);

    /* The same body to GET gets the same tag (and the 406 reads still get). */
    request_with(&req, FR_METHOD_GET, NULL);
    fr_response_init(&resp);
    fr_response_take(&resp, 200, FR_CONTENT_JSON, strdup("{\"v\":2}"), 7);
    fr_response_finish(&req, &resp, NULL);
    ck_assert_str_eq(header(&resp, "ETag"), expected);
    fr_response_cleanup(&resp);
    request_with(&req, FR_METHOD_GET, csv);
    fr_response_init(&resp);
    fr_response_take(&resp, 200, FR_CONTENT_JSON, strdup("{\"v\":2}"), 7);
    fr_response_finish(&req, &resp, NULL);
    ck_assert_int_eq(resp.status, 406);
    fr_response_cleanup(&resp);

    /* A handler's own ETag stands, alone. */
    request_with(&req, FR_METHOD_POST, NULL);
    fr_response_init(&resp);
    fr_response_take(&resp, 201, FR_CONTENT_JSON, strdup("{}"), 2);
    fr_response_add_header(&resp, "ETag", "\"mine\"");
    fr_response_finish(&req, &resp, NULL);
    ck_assert_str_eq(header(&resp, "ETag"), "\"mine\"");
    size_t etags = 0;
    for (size_t i = 0; i < resp.header_count; i++)
        etags += strcasecmp(resp.headers[i].name, "ETag") == 0;
    ck_assert_uint_eq(etags, 1);
    fr_response_cleanup(&resp);

    /* No tag without a body, nor for other statuses of writes. */
    fr_response_init(&resp);
    fr_response_borrow(&resp, 201, NULL, "", 0);
    fr_response_finish(&req, &resp, NULL);
    ck_assert_ptr_null(header(&resp, "ETag"));
    fr_response_cleanup(&resp);
    fr_response_init(&resp);
    fr_response_borrow(&resp, 200, FR_CONTENT_JSON, "{}", 2);
    fr_response_finish(&req, &resp, NULL); /* a 200 to POST */
    ck_assert_ptr_null(header(&resp, "ETag"));
    fr_response_cleanup(&resp);
    fr_response_init(&resp);
    fr_response_problem(&resp, &req, 422, "invalid-body", "Unprocessable Content", "x", NULL);
    fr_response_finish(&req, &resp, NULL);
    ck_assert_ptr_null(header(&resp, "ETag"));
    fr_response_cleanup(&resp);

    /* A 204 sheds whatever body and type it was given. */
    request_with(&req, FR_METHOD_DELETE, NULL);
    fr_response_init(&resp);
    fr_response_take(&resp, 204, FR_CONTENT_JSON, strdup("{}"), 2);
    fr_response_finish(&req, &resp, NULL);
    ck_assert_int_eq(resp.status, 204);
    ck_assert_ptr_null(resp.content_type);
    ck_assert_uint_eq(resp.body_len, 0);
    ck_assert_ptr_null(resp.body_owned);
    ck_assert_ptr_null(header(&resp, "ETag"));
    fr_response_cleanup(&resp);
    fr_rendered_cleanup(&rep);
}
END_TEST

static Suite *negotiate_suite(void)
{
    Suite *s = suite_create("negotiate");
    TCase *tc = tcase_create("negotiate");
    tcase_add_test(tc, test_accept_quality);
    tcase_add_test(tc, test_accept_encoding);
    tcase_add_test(tc, test_if_none_match);
    tcase_add_test(tc, test_if_match);
    tcase_add_test(tc, test_etags_and_gzip);
    tcase_add_test(tc, test_gzip_copy_race);
    tcase_add_test(tc, test_finish_validators);
    tcase_add_test(tc, test_finish_cors);
    tcase_add_test(tc, test_finish_writes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(negotiate_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
