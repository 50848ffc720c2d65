/*
 * The libmicrohttpd adapter over real sockets: a server on a free loopback
 * port with a small route table of its own, driven with libcurl. It checks
 * what only the adapter can get wrong: statuses, headers, HEAD, query
 * decoding, keep-alive, snapshot references, draining and binding.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <check.h>
#include <curl/curl.h>
#include <jansson.h>

#include "frontier/buf.h"
#include "frontier/http.h"
#include "frontier/server.h"
#include "support.h"

/* ---- a snapshot source that counts ------------------------------------ */

/* The "snapshot" is this text; /hello borrows its body from it, as real
 * handlers borrow pre-rendered responses from the snapshot. */
static const char snapshot_text[] = "{\"greeting\":\"hello\"}";
#define FAKE_SNAPSHOT ((const struct fr_snapshot *)(const void *)snapshot_text)

static atomic_int acquired;
static atomic_int released;
static atomic_int released_wrong;

static const struct fr_snapshot *count_acquire(void *ctx)
{
    (void)ctx;
    atomic_fetch_add(&acquired, 1);
    return FAKE_SNAPSHOT;
}

static void count_release(void *ctx, const struct fr_snapshot *snapshot)
{
    (void)ctx;
    if (snapshot != FAKE_SNAPSHOT)
        atomic_fetch_add(&released_wrong, 1);
    atomic_fetch_add(&released, 1);
}

/* ---- routes ------------------------------------------------------------- */

/* Handlers run on the server's threads, where a failed ck_assert cannot
 * report; they answer 500 instead and the client side checks the status. */
static void get_hello(const struct fr_request *req, struct fr_response *resp)
{
    if (req->snapshot != FAKE_SNAPSHOT) {
        fr_response_problem(resp, req, 500, "no-snapshot", "No Snapshot", NULL, NULL);
        return;
    }
    fr_response_borrow(resp, 200, FR_CONTENT_JSON, snapshot_text, sizeof snapshot_text - 1);
    (void)fr_response_add_header(resp, "X-Test", "yes");
}

/* {"method": ..., "path": ..., "overflow": ..., "query": [[name, value], ...]} */
static void get_echo(const struct fr_request *req, struct fr_response *resp)
{
    json_t *query = json_array();
    json_t *body = NULL;

    for (size_t i = 0; i < req->query_count; i++)
        json_array_append_new(query, json_pack("[s, s?]", req->query[i].name,
                                               req->query[i].value));
    body = json_pack("{s:s, s:s, s:b, s:o}", "method", req->method_name, "path", req->path,
                     "overflow", req->query_overflow, "query", query);
    fr_response_json(resp, 200, body); /* a NULL body answers 500 */
    json_decref(body);
}

static void get_item(const struct fr_request *req, struct fr_response *resp)
{
    json_t *body = json_pack("{s:s, s:s}", "id", req->path_params[0], "path", req->path);

    fr_response_json(resp, 200, body);
    json_decref(body);
}

static void get_health(const struct fr_request *req, struct fr_response *resp)
{
    if (req->shutting_down)
        fr_response_borrow(resp, 503, FR_CONTENT_TEXT, "draining", 8);
    else
        fr_response_borrow(resp, 200, FR_CONTENT_TEXT, "ok", 2);
}

static const struct fr_route test_routes[] = {
    {FR_METHOD_GET, "/hello", get_hello},
    {FR_METHOD_GET, "/echo", get_echo},
    {FR_METHOD_GET, "/items/{id}", get_item},
    {FR_METHOD_GET, "/health", get_health},
    {0, NULL, NULL},
};

static const struct fr_route *const test_tables[] = {test_routes, NULL};

/* ---- helpers ------------------------------------------------------------ */

static struct fr_server *server;
static unsigned port;

static enum fr_status start(const char *bind, unsigned at_port, unsigned threads,
                            struct fr_server **out, char *error, size_t error_size)
{
    struct fr_server_options options = {
        .bind = bind,
        .port = at_port,
        .threads = threads,
        .routes = test_tables,
        .snapshots = {count_acquire, count_release, NULL},
    };

    return fr_server_start(&options, out, error, error_size);
}

static void setup(void)
{
    char error[256] = "";

    atomic_store(&acquired, 0);
    atomic_store(&released, 0);
    atomic_store(&released_wrong, 0);
    ck_assert_msg(start("127.0.0.1", 0, 2, &server, error, sizeof error) == FR_OK, "%s",
                  error);
    port = fr_server_port(server);
}

static void teardown(void)
{
    fr_server_free(server);
    server = NULL;
}

struct reply {
    long status;
    long connects; /* new connections this transfer needed */
    struct fr_buf body;
    struct fr_buf headers;
};

static size_t collect(char *data, size_t size, size_t count, void *userdata)
{
    struct fr_buf *buf = userdata;

    return fr_buf_append(buf, data, size * count) == FR_OK ? size * count : 0;
}

static void reply_cleanup(struct reply *reply)
{
    fr_buf_cleanup(&reply->body);
    fr_buf_cleanup(&reply->headers);
}

/* The value of a response header (case-insensitive name) or "" when absent. */
static const char *header(const struct reply *reply, const char *name, char *out, size_t size)
{
    const char *line = reply->headers.data != NULL ? reply->headers.data : "";
    size_t name_len = strlen(name);

    out[0] = '\0';
    while (*line != '\0') {
        const char *end = strstr(line, "\r\n");
        if (end == NULL)
            end = line + strlen(line);
        if ((size_t)(end - line) > name_len && strncasecmp(line, name, name_len) == 0 &&
            line[name_len] == ':') {
            const char *value = line + name_len + 1;
            size_t len;
            while (*value == ' ')
                value++;
            len = (size_t)(end - value);
            ck_assert_uint_lt(len, size);
            memcpy(out, value, len);
            out[len] = '\0';
            return out;
        }
        line = *end != '\0' ? end + 2 : end;
    }
    return out;
}

/*
 * One request on curl (reset first, so options do not leak between calls,
 * while its connection cache stays). method: NULL for GET, "HEAD", or any
 * other string sent as is; post, when not NULL, is sent as the body.
 */
static void fetch_on(CURL *curl, const char *host, unsigned at_port, const char *method,
                     const char *target, const char *post, struct reply *reply)
{
    char url[512];
    CURLcode code;
    int n = snprintf(url, sizeof url, "http://%s:%u%s", host, at_port, target);

    ck_assert(n > 0 && (size_t)n < sizeof url);
    fr_buf_init(&reply->body);
    fr_buf_init(&reply->headers);
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply->body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply->headers);
    if (post != NULL) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(post));
    }
    if (method != NULL && strcmp(method, "HEAD") == 0)
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    else if (method != NULL)
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);

    code = curl_easy_perform(curl);
    ck_assert_msg(code == CURLE_OK, "%s: %s", url, curl_easy_strerror(code));
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply->status);
    curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &reply->connects);
}

static void fetch(const char *method, const char *target, const char *post, struct reply *reply)
{
    CURL *curl = curl_easy_init();

    ck_assert_ptr_nonnull(curl);
    fetch_on(curl, "127.0.0.1", port, method, target, post, reply);
    curl_easy_cleanup(curl);
}

static json_t *parse(const struct reply *reply)
{
    json_error_t error;
    json_t *json = json_loadb(reply->body.data != NULL ? reply->body.data : "", reply->body.len,
                              0, &error);

    ck_assert_msg(json != NULL, "not JSON (%s): %s", error.text,
                  reply->body.data != NULL ? reply->body.data : "");
    return json;
}

static void assert_json_equals(const struct reply *reply, json_t *expected)
{
    json_t *got = parse(reply);

    ck_assert_msg(json_equal(got, expected), "got %s", reply->body.data);
    json_decref(got);
    json_decref(expected);
}

/* ---- tests -------------------------------------------------------------- */

START_TEST(test_port)
{
    ck_assert_uint_ne(port, 0);
    ck_assert_uint_le(port, 65535);
}
END_TEST

START_TEST(test_get)
{
    struct reply reply;
    char value[128];

    fetch(NULL, "/hello", NULL, &reply);
    ck_assert_int_eq(reply.status, 200);
    ck_assert_str_eq(reply.body.data, snapshot_text);
    ck_assert_str_eq(header(&reply, "Content-Type", value, sizeof value), "application/json");
    ck_assert_str_eq(header(&reply, "Content-Length", value, sizeof value), "20");
    ck_assert_str_eq(header(&reply, "X-Test", value, sizeof value), "yes");
    reply_cleanup(&reply);
}
END_TEST

START_TEST(test_head)
{
    struct reply reply;
    char value[128];

    fetch("HEAD", "/hello", NULL, &reply);
    ck_assert_int_eq(reply.status, 200);
    ck_assert_uint_eq(reply.body.len, 0);
    ck_assert_str_eq(header(&reply, "Content-Type", value, sizeof value), "application/json");
    ck_assert_str_eq(header(&reply, "Content-Length", value, sizeof value), "20");
    ck_assert_str_eq(header(&reply, "X-Test", value, sizeof value), "yes");
    reply_cleanup(&reply);
}
END_TEST

START_TEST(test_query)
{
    struct reply reply;

    fetch(NULL, "/echo?verbose&name=a%20b%26c&name=second&empty=&caf%C3%A9=%E2%82%AC", NULL,
          &reply);
    ck_assert_int_eq(reply.status, 200);
    assert_json_equals(&reply,
                       json_pack("{s:s, s:s, s:b, s:[[s,n],[s,s],[s,s],[s,s],[s,s]]}",
                                 "method", "GET", "path", "/echo", "overflow", 0, "query",
                                 "verbose", "name", "a b&c", "name", "second", "empty", "",
                                 "caf\xC3\xA9", "\xE2\x82\xAC"));
    reply_cleanup(&reply);
}
END_TEST

START_TEST(test_query_overflow)
{
    struct fr_buf target;
    struct reply reply;
    json_t *body;

    fr_buf_init(&target);
    ck_assert_int_eq(fr_buf_append_str(&target, "/echo?p0=0"), FR_OK);
    for (int i = 1; i <= FR_MAX_QUERY_PARAMS; i++)
        ck_assert_int_eq(fr_buf_appendf(&target, "&p%d=%d", i, i), FR_OK);
    fetch(NULL, target.data, NULL, &reply);
    ck_assert_int_eq(reply.status, 200);
    body = parse(&reply);
    ck_assert(json_is_true(json_object_get(body, "overflow")));
    ck_assert_uint_eq(json_array_size(json_object_get(body, "query")), FR_MAX_QUERY_PARAMS);
    json_decref(body);
    reply_cleanup(&reply);
    fr_buf_cleanup(&target);
}
END_TEST

/* The path reaches handlers percent-decoded, captures included. Decoding
 * happens before routing, so "%2F" separates segments like '/'. */
START_TEST(test_path_decoded)
{
    struct reply reply;

    fetch(NULL, "/items/a%20b%C3%A9?x=1", NULL, &reply);
    ck_assert_int_eq(reply.status, 200);
    assert_json_equals(&reply, json_pack("{s:s, s:s}", "id", "a b\xC3\xA9", "path",
                                         "/items/a b\xC3\xA9"));
    reply_cleanup(&reply);

    fetch(NULL, "/items/a%2Fb", NULL, &reply);
    ck_assert_int_eq(reply.status, 404);
    reply_cleanup(&reply);
}
END_TEST

START_TEST(test_not_found)
{
    struct reply reply;
    char value[128];

    fetch(NULL, "/nope", NULL, &reply);
    ck_assert_int_eq(reply.status, 404);
    ck_assert_str_eq(header(&reply, "Content-Type", value, sizeof value),
                     "application/problem+json");
    assert_json_equals(&reply, json_pack("{s:s, s:s, s:i, s:s, s:s}",
                                         "type", "/problems/not-found",
                                         "title", "Not Found",
                                         "status", 404,
                                         "detail", "there is no resource at /nope",
                                         "instance", "/nope"));
    reply_cleanup(&reply);
}
END_TEST

START_TEST(test_method_not_allowed)
{
    struct reply reply;
    char value[128];
    json_t *body;

    fetch("DELETE", "/hello", NULL, &reply);
    ck_assert_int_eq(reply.status, 405);
    ck_assert_str_eq(header(&reply, "Content-Type", value, sizeof value),
                     "application/problem+json");
    ck_assert_str_eq(header(&reply, "Allow", value, sizeof value), "GET, HEAD, OPTIONS");
    body = parse(&reply);
    ck_assert_str_eq(json_string_value(json_object_get(body, "type")),
                     "/problems/method-not-allowed");
    ck_assert_str_eq(json_string_value(json_object_get(body, "detail")),
                     "DELETE is not allowed on /hello; it allows GET, HEAD, OPTIONS");
    json_decref(body);
    reply_cleanup(&reply);

    /* Methods are case-sensitive: "get" is not implemented. */
    fetch("get", "/hello", NULL, &reply);
    ck_assert_int_eq(reply.status, 501);
    body = parse(&reply);
    ck_assert_str_eq(json_string_value(json_object_get(body, "method")), "get");
    json_decref(body);
    reply_cleanup(&reply);
}
END_TEST

START_TEST(test_options)
{
    struct reply reply;
    char value[128];

    fetch("OPTIONS", "/hello", NULL, &reply);
    ck_assert_int_eq(reply.status, 204);
    ck_assert_uint_eq(reply.body.len, 0);
    ck_assert_str_eq(header(&reply, "Allow", value, sizeof value), "GET, HEAD, OPTIONS");
    ck_assert_str_eq(header(&reply, "Content-Type", value, sizeof value), "");
    reply_cleanup(&reply);
}
END_TEST

/* An upload is read and dropped, and the connection stays usable. */
START_TEST(test_upload_discarded)
{
    CURL *curl = curl_easy_init();
    char *big = malloc(200001);
    struct reply reply;

    ck_assert_ptr_nonnull(curl);
    ck_assert_ptr_nonnull(big);
    memset(big, 'x', 200000);
    big[200000] = '\0';
    fetch_on(curl, "127.0.0.1", port, "POST", "/hello", big, &reply);
    ck_assert_int_eq(reply.status, 405);
    reply_cleanup(&reply);
    fetch_on(curl, "127.0.0.1", port, NULL, "/hello", NULL, &reply);
    ck_assert_int_eq(reply.status, 200);
    ck_assert_str_eq(reply.body.data, snapshot_text);
    reply_cleanup(&reply);
    curl_easy_cleanup(curl);
    free(big);
}
END_TEST

START_TEST(test_keep_alive)
{
    CURL *curl = curl_easy_init();
    struct reply reply;

    ck_assert_ptr_nonnull(curl);
    fetch_on(curl, "127.0.0.1", port, NULL, "/hello", NULL, &reply);
    ck_assert_int_eq(reply.status, 200);
    ck_assert_int_eq(reply.connects, 1);
    ck_assert_ptr_null(strcasestr(reply.headers.data, "Connection: close"));
    reply_cleanup(&reply);

    /* The owned-body path (MHD_RESPMEM_MUST_FREE) keeps the connection too. */
    fetch_on(curl, "127.0.0.1", port, NULL, "/echo?a=1", NULL, &reply);
    ck_assert_int_eq(reply.status, 200);
    ck_assert_int_eq(reply.connects, 0);
    ck_assert_ptr_null(strcasestr(reply.headers.data, "Connection: close"));
    reply_cleanup(&reply);

    fetch_on(curl, "127.0.0.1", port, NULL, "/nope", NULL, &reply);
    ck_assert_int_eq(reply.status, 404);
    ck_assert_int_eq(reply.connects, 0);
    reply_cleanup(&reply);
    curl_easy_cleanup(curl);
}
END_TEST

/* Every request holds one snapshot reference, released once it is sent. */
START_TEST(test_snapshot_references)
{
    struct reply reply;
    int acquires;
    int releases;
    int wrong;

    for (int i = 0; i < 5; i++) {
        fetch(i % 2 == 0 ? NULL : "HEAD", "/hello", NULL, &reply);
        ck_assert_int_eq(reply.status, 200);
        reply_cleanup(&reply);
    }
    fetch(NULL, "/nope", NULL, &reply);
    reply_cleanup(&reply);

    fr_server_free(server); /* waits for the completion callbacks */
    server = NULL;
    acquires = atomic_load(&acquired);
    releases = atomic_load(&released);
    wrong = atomic_load(&released_wrong);
    ck_assert_int_eq(acquires, 6);
    ck_assert_int_eq(releases, 6);
    ck_assert_int_eq(wrong, 0);
}
END_TEST

struct client_run {
    int requests;
    atomic_int *failures;
};

static void *client_thread(void *arg)
{
    struct client_run *run = arg;
    CURL *curl = curl_easy_init();
    char url[128];
    int n = snprintf(url, sizeof url, "http://127.0.0.1:%u/hello", port);

    if (curl == NULL || n < 0 || (size_t)n >= sizeof url) {
        atomic_fetch_add(run->failures, run->requests);
        curl_easy_cleanup(curl);
        return NULL;
    }
    for (int i = 0; i < run->requests; i++) {
        struct fr_buf body;
        long status = 0;

        fr_buf_init(&body);
        curl_easy_setopt(curl, CURLOPT_URL, url);
        curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
        if (curl_easy_perform(curl) != CURLE_OK ||
            curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK ||
            status != 200 || body.data == NULL || strcmp(body.data, snapshot_text) != 0)
            atomic_fetch_add(run->failures, 1);
        fr_buf_cleanup(&body);
    }
    curl_easy_cleanup(curl);
    return NULL;
}

START_TEST(test_concurrent_clients)
{
    enum { CLIENTS = 4, REQUESTS = 50 };
    pthread_t threads[CLIENTS];
    atomic_int failures;
    struct client_run run = {REQUESTS, &failures};
    int failed;
    int acquires;
    int releases;

    atomic_init(&failures, 0);
    for (int i = 0; i < CLIENTS; i++)
        ck_assert_int_eq(pthread_create(&threads[i], NULL, client_thread, &run), 0);
    for (int i = 0; i < CLIENTS; i++)
        pthread_join(threads[i], NULL);
    failed = atomic_load(&failures);
    ck_assert_int_eq(failed, 0);

    fr_server_free(server);
    server = NULL;
    acquires = atomic_load(&acquired);
    releases = atomic_load(&released);
    ck_assert_int_eq(acquires, CLIENTS * REQUESTS);
    ck_assert_int_eq(releases, CLIENTS * REQUESTS);
}
END_TEST

START_TEST(test_begin_shutdown)
{
    struct reply reply;

    fetch(NULL, "/health", NULL, &reply);
    ck_assert_int_eq(reply.status, 200);
    ck_assert_str_eq(reply.body.data, "ok");
    reply_cleanup(&reply);

    fr_server_begin_shutdown(server);
    fetch(NULL, "/health", NULL, &reply);
    ck_assert_int_eq(reply.status, 503);
    ck_assert_str_eq(reply.body.data, "draining");
    reply_cleanup(&reply);
}
END_TEST

START_TEST(test_ipv6)
{
    struct fr_server *v6 = NULL;
    char error[256] = "";
    CURL *curl;
    struct reply reply;
    int probe = socket(AF_INET6, SOCK_STREAM, 0);

    if (probe < 0) {
        printf("test_server: no IPv6 sockets here; skipping the ::1 check\n");
        return;
    }
    close(probe);

    ck_assert_msg(start("::1", 0, 1, &v6, error, sizeof error) == FR_OK, "%s", error);
    ck_assert_uint_ne(fr_server_port(v6), 0);
    curl = curl_easy_init();
    ck_assert_ptr_nonnull(curl);
    fetch_on(curl, "[::1]", fr_server_port(v6), NULL, "/hello", NULL, &reply);
    ck_assert_int_eq(reply.status, 200);
    ck_assert_str_eq(reply.body.data, snapshot_text);
    reply_cleanup(&reply);
    curl_easy_cleanup(curl);
    fr_server_free(v6);
}
END_TEST

START_TEST(test_bad_bind)
{
    struct fr_server *bad = NULL;
    char error[256] = "";

    ck_assert_int_eq(start("not-an-address", 0, 1, &bad, error, sizeof error), FR_EINVAL);
    ck_assert_ptr_null(bad);
    ck_assert_str_eq(error, "the bind address 'not-an-address' is not an IPv4 or IPv6 literal");

    ck_assert_int_eq(start("127.0.0.1", 70000, 1, &bad, error, sizeof error), FR_EINVAL);
    ck_assert_ptr_null(bad);
    ck_assert_str_eq(error, "the port 70000 is not between 0 and 65535");

    ck_assert_int_eq(start("127.0.0.1", 0, 0, &bad, error, sizeof error), FR_EINVAL);
    ck_assert_ptr_null(bad);
    ck_assert_str_eq(error, "the server needs at least one thread");

    /* 192.0.2.1 (TEST-NET-1) is no address of this machine. */
    ck_assert_int_eq(start("192.0.2.1", 0, 1, &bad, error, sizeof error), FR_EIO);
    ck_assert_ptr_null(bad);
    ck_assert_msg(strncmp(error, "could not listen on 192.0.2.1 port 0: ", 38) == 0 &&
                      strlen(error) > 38,
                  "%s", error);
}
END_TEST

START_TEST(test_port_in_use)
{
    struct fr_server *second = NULL;
    char error[256] = "";
    char prefix[64];
    int n = snprintf(prefix, sizeof prefix, "could not listen on 127.0.0.1 port %u: ", port);

    ck_assert(n > 0 && (size_t)n < sizeof prefix);
    ck_assert_int_eq(start("127.0.0.1", port, 1, &second, error, sizeof error), FR_EIO);
    ck_assert_ptr_null(second);
    ck_assert_msg(strncmp(error, prefix, (size_t)n) == 0, "%s", error);
    ck_assert_msg(strstr(error, "Address already in use") != NULL, "%s", error);
}
END_TEST

/* A message that does not fit is cut with "..." and stays terminated. */
START_TEST(test_error_truncated)
{
    struct fr_server *bad = NULL;
    char error[16];

    ck_assert_int_eq(start("not-an-address", 0, 1, &bad, error, sizeof error), FR_EINVAL);
    ck_assert_str_eq(error, "the bind add...");
}
END_TEST

static Suite *server_suite(void)
{
    Suite *suite = suite_create("server");
    TCase *http = tcase_create("http");
    TCase *start_up = tcase_create("start");

    tcase_add_checked_fixture(http, setup, teardown);
    tcase_set_timeout(http, 60);
    tcase_add_test(http, test_port);
    tcase_add_test(http, test_get);
    tcase_add_test(http, test_head);
    tcase_add_test(http, test_query);
    tcase_add_test(http, test_query_overflow);
    tcase_add_test(http, test_path_decoded);
    tcase_add_test(http, test_not_found);
    tcase_add_test(http, test_method_not_allowed);
    tcase_add_test(http, test_options);
    tcase_add_test(http, test_upload_discarded);
    tcase_add_test(http, test_keep_alive);
    tcase_add_test(http, test_snapshot_references);
    tcase_add_test(http, test_concurrent_clients);
    tcase_add_test(http, test_begin_shutdown);
    tcase_add_test(http, test_port_in_use);
    suite_add_tcase(suite, http);

    tcase_set_timeout(start_up, 60);
    tcase_add_test(start_up, test_ipv6);
    tcase_add_test(start_up, test_bad_bind);
    tcase_add_test(start_up, test_error_truncated);
    suite_add_tcase(suite, start_up);
    return suite;
}

int main(void)
{
    return test_run_suite(server_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
