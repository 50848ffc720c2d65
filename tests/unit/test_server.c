/*
 * The libmicrohttpd adapter over real sockets: a server on a free loopback
 * port with a small route table of its own, driven with libcurl, and with a
 * raw socket where the exact bytes on the wire matter (a body never sent,
 * chunked uploads, 100 Continue, pipelining). It checks what only the
 * adapter can get wrong: statuses, headers, HEAD, query decoding, request
 * bodies and their limit, keep-alive, snapshot references, what is logged
 * and counted, draining and binding; and what it refuses before any handler
 * runs (framing, Host, header fields, the target, the head's size) and the
 * limits it keeps (connections, the idle timeout and the request deadline).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <curl/curl.h>
#include <jansson.h>

#include "frontier/access_log.h"
#include "frontier/buf.h"
#include "frontier/http.h"
#include "frontier/metrics.h"
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

/* How many times get_hello and upload_echo ran: a refused request runs
 * neither. */
static atomic_int handled;

/* Handlers run on the server's threads, where a failed ck_assert cannot
 * report; they answer 500 instead and the client side checks the status. */
static void get_hello(const struct fr_request *req, struct fr_response *resp)
{
    atomic_fetch_add(&handled, 1);
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

/* The server's edits are only passed along: any pointer will do. */
static char edits_marker;
#define FAKE_EDITS ((struct fr_edits *)(void *)&edits_marker)

/* The body limit of the server under test; set before it starts. */
static size_t body_limit;

/* FNV-1a, 64 bits: enough to tell bodies apart. */
static uint64_t digest_of(const char *data, size_t len)
{
    uint64_t hash = 14695981039346656037u;

    for (size_t i = 0; i < len; i++) {
        hash ^= (unsigned char)data[i];
        hash *= 1099511628211u;
    }
    return hash;
}

/* {"method", "length", "digest", "none": no body pointer, "edits": the
 * server's were passed, "content_type": as sent or null}. A body larger
 * than the limit, or a pointer that disagrees with the length, is a 500. */
static void upload_echo(const struct fr_request *req, struct fr_response *resp)
{
    char digest[17];
    json_t *body;

    atomic_fetch_add(&handled, 1);
    if (req->body_len > body_limit || (req->body == NULL) != (req->body_len == 0)) {
        fr_response_problem(resp, req, 500, "bad-body", "Bad Body", NULL, NULL);
        return;
    }
    snprintf(digest, sizeof digest, "%016" PRIx64, digest_of(req->body, req->body_len));
    body = json_pack("{s:s, s:I, s:s, s:b, s:b, s:s?}", "method", req->method_name, "length",
                     (json_int_t)req->body_len, "digest", digest, "none", req->body == NULL,
                     "edits", req->edits == FAKE_EDITS, "content_type",
                     fr_request_header(req, "Content-Type"));
    fr_response_json(resp, 200, body);
    json_decref(body);
}

/* A body far larger than the socket buffers hold: its sending takes as long
 * as the client takes to read it. */
#define BIG_BODY_BYTES (8u * 1024u * 1024u)

static void get_big(const struct fr_request *req, struct fr_response *resp)
{
    char *body = malloc(BIG_BODY_BYTES);

    (void)req;
    if (body != NULL)
        memset(body, 'b', BIG_BODY_BYTES);
    fr_response_take(resp, 200, FR_CONTENT_TEXT, body, BIG_BODY_BYTES);
}

/* A write that takes its time on the writer thread. */
static void post_slow(const struct fr_request *req, struct fr_response *resp)
{
    struct timespec pause = {2, 500000000};

    (void)req;
    nanosleep(&pause, NULL);
    fr_response_borrow(resp, 200, FR_CONTENT_TEXT, "slow", 4);
}

static const struct fr_route test_routes[] = {
    {FR_METHOD_GET, "/hello", get_hello},
    {FR_METHOD_GET, "/big", get_big},
    {FR_METHOD_POST, "/slow", post_slow},
    {FR_METHOD_GET, "/echo", get_echo},
    {FR_METHOD_GET, "/items/{id}", get_item},
    {FR_METHOD_GET, "/health", get_health},
    {FR_METHOD_GET | FR_METHOD_POST | FR_METHOD_PUT | FR_METHOD_PATCH | FR_METHOD_DELETE,
     "/upload", upload_echo},
    {0, NULL, NULL},
};

static const struct fr_route *const test_tables[] = {test_routes, NULL};

/* ---- helpers ------------------------------------------------------------ */

static struct fr_server *server;
static unsigned port;

/* The test server's options; max_body_bytes 0 means the default limit. */
static struct fr_server_options server_options(const char *bind, unsigned at_port,
                                               unsigned threads)
{
    struct fr_server_options options = {
        .bind = bind,
        .port = at_port,
        .threads = threads,
        .routes = test_tables,
        .snapshots = {count_acquire, count_release, NULL},
        .edits = FAKE_EDITS,
    };

    return options;
}

static enum fr_status start(const char *bind, unsigned at_port, unsigned threads,
                            struct fr_server **out, char *error, size_t error_size)
{
    struct fr_server_options options = server_options(bind, at_port, threads);

    return fr_server_start(&options, out, error, error_size);
}

/* Replaces the fixture's server with one started with options. */
static void restart(const struct fr_server_options *options)
{
    char error[256] = "";

    fr_server_free(server);
    body_limit = options->max_body_bytes != 0 ? options->max_body_bytes
                                              : FR_SERVER_BODY_DEFAULT;
    ck_assert_msg(fr_server_start(options, &server, error, sizeof error) == FR_OK, "%s", error);
    port = fr_server_port(server);
}

static void setup(void)
{
    char error[256] = "";

    atomic_store(&acquired, 0);
    atomic_store(&released, 0);
    atomic_store(&released_wrong, 0);
    atomic_store(&handled, 0);
    body_limit = FR_SERVER_BODY_DEFAULT;
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
 * other string sent as is; body, when not NULL, is sent (body_len bytes);
 * headers is NULL or a NULL-ended list of "Name: value" lines.
 */
static void perform(CURL *curl, const char *host, unsigned at_port, const char *method,
                    const char *target, const char *body, size_t body_len,
                    const char *const *headers, struct reply *reply)
{
    char url[512];
    CURLcode code;
    struct curl_slist *list = NULL;
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
    if (body != NULL) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    if (method != NULL && strcmp(method, "HEAD") == 0)
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    else if (method != NULL)
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    for (size_t i = 0; headers != NULL && headers[i] != NULL; i++) {
        struct curl_slist *longer = curl_slist_append(list, headers[i]);
        ck_assert_ptr_nonnull(longer);
        list = longer;
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);

    code = curl_easy_perform(curl);
    curl_slist_free_all(list);
    ck_assert_msg(code == CURLE_OK, "%s: %s", url, curl_easy_strerror(code));
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply->status);
    curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &reply->connects);
}

static void fetch_on(CURL *curl, const char *host, unsigned at_port, const char *method,
                     const char *target, const char *post, struct reply *reply)
{
    perform(curl, host, at_port, method, target, post, post != NULL ? strlen(post) : 0, NULL,
            reply);
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

/* ---- a raw connection ---------------------------------------------------- */

/* The raw connection of tests/support.c (for what libcurl would not send as
 * written), opened to this suite's server. */
static void raw_open_from(struct test_conn *conn, const char *from)
{
    test_conn_open(conn, port, from);
}

static void raw_open(struct test_conn *conn)
{
    test_conn_open(conn, port, NULL);
}

static void raw_send_text(struct test_conn *conn, const char *text)
{
    ck_assert(test_conn_send(conn, text, strlen(text)));
}

/* Sends len bytes of body as chunks of at most piece bytes, then the last
 * chunk; false once the server has closed the connection. */
static bool raw_send_chunked(struct test_conn *conn, const char *body, size_t len, size_t piece)
{
    char size_line[32];

    for (size_t at = 0; at < len; at += piece) {
        size_t n = len - at < piece ? len - at : piece;
        test_format(size_line, sizeof size_line, "%zx\r\n", n);
        if (!test_conn_send(conn, size_line, strlen(size_line)) || !test_conn_send(conn, body + at, n) ||
            !test_conn_send(conn, "\r\n", 2))
            return false;
    }
    return test_conn_send(conn, "0\r\n\r\n", 5);
}

/* Reads what arrives within 10 s: the bytes read, 0 when the server closed
 * the connection (or reset it), -1 when nothing came. */
static long raw_fill(struct test_conn *conn)
{
    size_t before = conn->in.len;
    if (!test_conn_fill(conn, 10))
        return -1;
    return conn->in.len > before ? (long)(conn->in.len - before) : 0;
}

/* Reads the next response, an interim 1xx one included, into reply (the
 * caller cleans it up): its body is Content-Length bytes, none for 1xx, 204
 * and 304 or when head is set. False when the connection ended first. */
static bool raw_response(struct test_conn *conn, bool head, struct reply *reply)
{
    char value[64];

    fr_buf_init(&reply->body);
    fr_buf_init(&reply->headers);
    reply->status = 0;
    reply->connects = 0;
    for (;;) {
        const char *start = conn->in.data != NULL ? conn->in.data + conn->used : "";
        size_t available = conn->in.len - conn->used;
        const char *end = memmem(start, available, "\r\n\r\n", 4);

        if (end != NULL) {
            size_t head_len = (size_t)(end - start) + 4;
            size_t body_len = 0;

            fr_buf_cleanup(&reply->headers);
            ck_assert_int_eq(fr_buf_append(&reply->headers, start, head_len), FR_OK);
            ck_assert_int_eq(sscanf(start, "HTTP/1.1 %ld ", &reply->status), 1);
            if (!head && reply->status >= 200 && reply->status != 204 && reply->status != 304)
                body_len = strtoul(header(reply, "Content-Length", value, sizeof value), NULL,
                                   10);
            if (available >= head_len + body_len) {
                ck_assert_int_eq(fr_buf_append(&reply->body, start + head_len, body_len), FR_OK);
                conn->used += head_len + body_len;
                return true;
            }
        }
        if (raw_fill(conn) <= 0)
            return false;
    }
}

/* The server closes the connection, with nothing more to read. */
static void assert_raw_closed(struct test_conn *conn)
{
    long n;

    while ((n = raw_fill(conn)) > 0)
        continue;
    ck_assert_msg(n == 0, "the connection is still open");
    ck_assert_msg(conn->used == conn->in.len, "more arrived: %s", conn->in.data + conn->used);
}

/* ---- bodies --------------------------------------------------------------- */

/* The head of a POST whose body follows in chunks. */
static const char chunked_post[] =
    "POST /upload HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n";

/* len bytes of every value, NULs included; the caller frees it. */
static char *make_body(size_t len)
{
    char *body = malloc(len + 1);

    ck_assert_ptr_nonnull(body);
    for (size_t i = 0; i < len; i++)
        body[i] = (char)((i * 7 + i / 251) & 0xff);
    body[len] = '\0';
    return body;
}

/* The reply is upload_echo's for this body (len bytes, method as sent). */
static void assert_echoed(const struct reply *reply, const char *method, const char *body,
                          size_t len)
{
    char digest[17];
    json_t *got;

    ck_assert_msg(reply->status == 200, "status %ld: %s", reply->status,
                  reply->body.data != NULL ? reply->body.data : "");
    test_format(digest, sizeof digest, "%016" PRIx64, digest_of(body, len));
    got = parse(reply);
    ck_assert_str_eq(json_string_value(json_object_get(got, "method")), method);
    ck_assert_int_eq(json_integer_value(json_object_get(got, "length")), (json_int_t)len);
    ck_assert_str_eq(json_string_value(json_object_get(got, "digest")), digest);
    ck_assert(json_is_boolean(json_object_get(got, "none")));
    ck_assert(json_boolean_value(json_object_get(got, "none")) == (len == 0));
    ck_assert(json_is_true(json_object_get(got, "edits")));
    json_decref(got);
}

/* The reply is the 413 for a body of length bytes over limit. */
static void assert_too_large(const struct reply *reply, size_t limit, uint64_t length)
{
    char detail[128];
    char value[64];

    ck_assert_int_eq(reply->status, 413);
    ck_assert_str_eq(header(reply, "Content-Type", value, sizeof value),
                     "application/problem+json");
    ck_assert_str_eq(header(reply, "Connection", value, sizeof value), "close");
    test_format(detail, sizeof detail,
                "a request body may be at most %zu bytes; this one is %" PRIu64 " bytes", limit,
                length);
    assert_json_equals(reply, json_pack("{s:s, s:s, s:i, s:s, s:s, s:I}",
                                        "type", "/problems/body-too-large",
                                        "title", "Content Too Large",
                                        "status", 413,
                                        "detail", detail,
                                        "instance", "/upload",
                                        "limit", (json_int_t)limit));
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

/* The path reaches handlers percent-decoded, captures included. An encoded
 * '/' in the path is refused (see test_refused_target); "%252F" is the text
 * "%2F", an id like any other. */
START_TEST(test_path_decoded)
{
    struct reply reply;

    fetch(NULL, "/items/a%20b%C3%A9?x=1", NULL, &reply);
    ck_assert_int_eq(reply.status, 200);
    assert_json_equals(&reply, json_pack("{s:s, s:s}", "id", "a b\xC3\xA9", "path",
                                         "/items/a b\xC3\xA9"));
    reply_cleanup(&reply);

    fetch(NULL, "/items/a%252Fb", NULL, &reply);
    ck_assert_int_eq(reply.status, 200);
    assert_json_equals(&reply, json_pack("{s:s, s:s}", "id", "a%2Fb", "path", "/items/a%2Fb"));
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

/* An upload to a route that does not take the method is read whole and
 * answered 405, and the connection stays usable. */
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

/* Sends method /upload announcing a body one byte over the default limit
 * (extra: more header lines, each ending in CRLF) but none of it: the 413
 * comes all the same, and the connection closes. */
static void assert_refused_unread(struct test_conn *conn, const char *method, const char *extra)
{
    char request[512];
    struct reply reply;

    test_format(request, sizeof request,
                "%s /upload HTTP/1.1\r\nHost: test\r\n%sContent-Length: %zu\r\n\r\n", method,
                extra, (size_t)FR_SERVER_BODY_DEFAULT + 1);
    raw_send_text(conn, request);
    ck_assert(raw_response(conn, false, &reply));
    assert_too_large(&reply, FR_SERVER_BODY_DEFAULT, FR_SERVER_BODY_DEFAULT + 1);
    reply_cleanup(&reply);
    assert_raw_closed(conn);
}

/* Bodies of 0, 1 and exactly the limit reach the handler whole, for every
 * method that takes one, on one kept-alive connection; one byte more is a
 * 413 that closes it. */
START_TEST(test_body_sizes)
{
    static const char *const methods[] = {"PUT", "PATCH", "DELETE"};
    const size_t sizes[] = {0, 1, 2, 1000, FR_SERVER_BODY_DEFAULT};
    CURL *curl = curl_easy_init();
    char *body = make_body(FR_SERVER_BODY_DEFAULT + 1);
    struct reply reply;
    char value[64];

    ck_assert_ptr_nonnull(curl);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        perform(curl, "127.0.0.1", port, "POST", "/upload", body, sizes[i], NULL, &reply);
        assert_echoed(&reply, "POST", body, sizes[i]);
        ck_assert_int_eq(reply.connects, i == 0 ? 1 : 0);
        ck_assert_str_eq(header(&reply, "Connection", value, sizeof value), "");
        reply_cleanup(&reply);
    }
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        perform(curl, "127.0.0.1", port, methods[i], "/upload", body + i, 10 + i, NULL, &reply);
        assert_echoed(&reply, methods[i], body + i, 10 + i);
        ck_assert_int_eq(reply.connects, 0);
        reply_cleanup(&reply);
    }

    perform(curl, "127.0.0.1", port, "POST", "/upload", body, FR_SERVER_BODY_DEFAULT + 1, NULL,
            &reply);
    assert_too_large(&reply, FR_SERVER_BODY_DEFAULT, FR_SERVER_BODY_DEFAULT + 1);
    reply_cleanup(&reply);
    /* That connection is gone; the next request gets a new one. */
    perform(curl, "127.0.0.1", port, "POST", "/upload", body, 3, NULL, &reply);
    assert_echoed(&reply, "POST", body, 3);
    ck_assert_int_eq(reply.connects, 1);
    reply_cleanup(&reply);
    curl_easy_cleanup(curl);
    free(body);
}
END_TEST

/* A Content-Length over the limit is answered before any of the body is
 * sent, and the connection closed: the body is never read. */
START_TEST(test_body_refused_unread)
{
    struct test_conn conn;
    struct reply reply;

    raw_open(&conn);
    assert_refused_unread(&conn, "POST", "Content-Type: application/json\r\n");
    test_conn_close(&conn);

    /* Whatever the method, and however large. */
    raw_open(&conn);
    raw_send_text(&conn, "PATCH /upload HTTP/1.1\r\nHost: test\r\n"
                         "Content-Length: 1000000000000000\r\n\r\n");
    ck_assert(raw_response(&conn, false, &reply));
    assert_too_large(&reply, FR_SERVER_BODY_DEFAULT, 1000000000000000u);
    reply_cleanup(&reply);
    assert_raw_closed(&conn);
    test_conn_close(&conn);
}
END_TEST

/* Chunked bodies have no length to refuse early: below or at the limit they
 * arrive whole and the connection stays; past it they are refused with a
 * 413 once the upload ends, naming what was sent, and the connection
 * closes. */
START_TEST(test_body_chunked)
{
    char *body = make_body(FR_SERVER_BODY_DEFAULT + 100);
    struct test_conn conn;
    struct reply reply;

    raw_open(&conn);
    raw_send_text(&conn, chunked_post);
    ck_assert(raw_send_chunked(&conn, body, 3000, 1000));
    ck_assert(raw_response(&conn, false, &reply));
    assert_echoed(&reply, "POST", body, 3000);
    reply_cleanup(&reply);

    raw_send_text(&conn, chunked_post);
    ck_assert(raw_send_chunked(&conn, body, FR_SERVER_BODY_DEFAULT, 65536));
    ck_assert(raw_response(&conn, false, &reply));
    assert_echoed(&reply, "POST", body, FR_SERVER_BODY_DEFAULT);
    reply_cleanup(&reply);

    raw_send_text(&conn, chunked_post);
    ck_assert(raw_send_chunked(&conn, body, FR_SERVER_BODY_DEFAULT + 100, 4096));
    ck_assert(raw_response(&conn, false, &reply));
    assert_too_large(&reply, FR_SERVER_BODY_DEFAULT, FR_SERVER_BODY_DEFAULT + 100);
    reply_cleanup(&reply);
    assert_raw_closed(&conn);
    test_conn_close(&conn);
    free(body);
}
END_TEST

/* A chunked upload that does not end is not drained for ever: the server
 * closes the connection without an answer well before 4 MiB past the
 * limit. */
START_TEST(test_body_endless)
{
    enum { PIECE = 65536 };
    char *piece = make_body(PIECE);
    struct test_conn conn;
    struct reply reply;
    char size_line[32];
    size_t sent = 0;
    bool open = true;

    raw_open(&conn);
    raw_send_text(&conn, chunked_post);
    test_format(size_line, sizeof size_line, "%x\r\n", (unsigned)PIECE);
    while (open && sent < FR_SERVER_BODY_DEFAULT + 4u * 1024u * 1024u) {
        open = test_conn_send(&conn, size_line, strlen(size_line)) &&
               test_conn_send(&conn, piece, PIECE) && test_conn_send(&conn, "\r\n", 2);
        sent += PIECE;
    }
    ck_assert(!raw_response(&conn, false, &reply));
    reply_cleanup(&reply);
    ck_assert(!open || raw_fill(&conn) == 0);
    test_conn_close(&conn);
    free(piece);
}
END_TEST

/* Expect: 100-continue is answered 100 when the body is welcome, and with
 * the 413 alone (no 100) when it is not. */
START_TEST(test_expect_continue)
{
    struct test_conn conn;
    struct reply reply;

    raw_open(&conn);
    raw_send_text(&conn, "POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n"
                         "Expect: 100-continue\r\n\r\n");
    ck_assert(raw_response(&conn, false, &reply));
    ck_assert_int_eq(reply.status, 100);
    reply_cleanup(&reply);
    raw_send_text(&conn, "hello");
    ck_assert(raw_response(&conn, false, &reply));
    assert_echoed(&reply, "POST", "hello", 5);
    reply_cleanup(&reply);

    /* The first thing to arrive is the 413, with no 100 before it. */
    assert_refused_unread(&conn, "POST", "Expect: 100-continue\r\n");
    test_conn_close(&conn);
}
END_TEST

/* Requests sent back to back are answered in order: the POST's body ends
 * where its length says and the GET after it is read as a request. */
START_TEST(test_pipelined_post)
{
    struct test_conn conn;
    struct reply reply;

    raw_open(&conn);
    raw_send_text(&conn, "POST /upload HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                         "Content-Length: 11\r\n\r\n{\"a\":\"GET\"}"
                         "GET /hello HTTP/1.1\r\nHost: test\r\n\r\n"
                         "POST /upload HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "3\r\nabc\r\n0\r\n\r\n");
    ck_assert(raw_response(&conn, false, &reply));
    assert_echoed(&reply, "POST", "{\"a\":\"GET\"}", 11);
    reply_cleanup(&reply);
    ck_assert(raw_response(&conn, false, &reply));
    ck_assert_int_eq(reply.status, 200);
    ck_assert_str_eq(reply.body.data, snapshot_text);
    reply_cleanup(&reply);
    ck_assert(raw_response(&conn, false, &reply));
    assert_echoed(&reply, "POST", "abc", 3);
    reply_cleanup(&reply);
    test_conn_close(&conn);
}
END_TEST

/* A body without Content-Type still reaches the handler, which decides. */
START_TEST(test_body_without_type)
{
    struct test_conn conn;
    struct reply reply;
    json_t *got;

    raw_open(&conn);
    raw_send_text(&conn, "POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\n\r\n{}");
    ck_assert(raw_response(&conn, false, &reply));
    assert_echoed(&reply, "POST", "{}", 2);
    got = parse(&reply);
    ck_assert(json_is_null(json_object_get(got, "content_type")));
    json_decref(got);
    reply_cleanup(&reply);
    test_conn_close(&conn);
}
END_TEST

/* The bodies of GET, HEAD and OPTIONS are read and dropped: the handler
 * sees none, the request is not refused and the connection goes on. Their
 * size is still limited. */
START_TEST(test_body_on_reads)
{
    struct test_conn conn;
    struct reply reply;
    char value[64];

    raw_open(&conn);
    raw_send_text(&conn, "GET /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nhello");
    ck_assert(raw_response(&conn, false, &reply));
    assert_echoed(&reply, "GET", "", 0);
    reply_cleanup(&reply);
    raw_send_text(&conn, "HEAD /upload HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "5\r\nhello\r\n0\r\n\r\n");
    ck_assert(raw_response(&conn, true, &reply));
    ck_assert_int_eq(reply.status, 200);
    reply_cleanup(&reply);
    raw_send_text(&conn, "OPTIONS /hello HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\n\r\nabc");
    ck_assert(raw_response(&conn, false, &reply));
    ck_assert_int_eq(reply.status, 204);
    ck_assert_str_eq(header(&reply, "Allow", value, sizeof value), "GET, HEAD, OPTIONS");
    reply_cleanup(&reply);
    raw_send_text(&conn, "GET /hello HTTP/1.1\r\nHost: test\r\n\r\n");
    ck_assert(raw_response(&conn, false, &reply));
    ck_assert_str_eq(reply.body.data, snapshot_text);
    reply_cleanup(&reply);

    assert_refused_unread(&conn, "GET", "");
    test_conn_close(&conn);
}
END_TEST

/* max_body_bytes is the limit when set. */
START_TEST(test_body_limit_option)
{
    struct fr_server_options options = server_options("127.0.0.1", 0, 1);
    char *body = make_body(101);
    struct reply reply;
    struct test_conn conn;

    options.max_body_bytes = 100;
    restart(&options);
    {
        CURL *curl = curl_easy_init();
        ck_assert_ptr_nonnull(curl);
        perform(curl, "127.0.0.1", port, "POST", "/upload", body, 100, NULL, &reply);
        assert_echoed(&reply, "POST", body, 100);
        reply_cleanup(&reply);
        perform(curl, "127.0.0.1", port, "PATCH", "/upload", body, 101, NULL, &reply);
        assert_too_large(&reply, 100, 101);
        reply_cleanup(&reply);
        curl_easy_cleanup(curl);
    }
    raw_open(&conn);
    raw_send_text(&conn, chunked_post);
    ck_assert(raw_send_chunked(&conn, body, 101, 50));
    ck_assert(raw_response(&conn, false, &reply));
    assert_too_large(&reply, 100, 101);
    reply_cleanup(&reply);
    test_conn_close(&conn);
    free(body);
}
END_TEST

/* Reads a whole file into a NUL-terminated string; the caller frees it. */
static char *read_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    struct fr_buf text;
    char chunk[4096];
    size_t n;

    ck_assert_msg(file != NULL, "%s", path);
    fr_buf_init(&text);
    ck_assert_int_eq(fr_buf_append_str(&text, ""), FR_OK);
    while ((n = fread(chunk, 1, sizeof chunk, file)) > 0)
        ck_assert_int_eq(fr_buf_append(&text, chunk, n), FR_OK);
    fclose(file);
    return fr_buf_steal(&text, NULL);
}

/* Writes are logged without their credentials, and counted by method. */
START_TEST(test_writes_logged_and_counted)
{
    static const char *const auth[] = {"Authorization: Bearer tok-SECRET-42",
                                       "Content-Type: application/json", NULL};
    static const char *const methods[] = {"POST", "PATCH", "DELETE"};
    static const char *const counted[] = {
        "http_requests_total{method=\"POST\",route=\"/upload\",code=\"200\"} 1\n",
        "http_requests_total{method=\"PATCH\",route=\"/upload\",code=\"200\"} 1\n",
        "http_requests_total{method=\"DELETE\",route=\"/upload\",code=\"200\"} 1\n",
        "http_requests_total{method=\"POST\",route=\"unmatched\",code=\"413\"} 1\n",
    };
    struct fr_server_options options = server_options("127.0.0.1", 0, 1);
    struct fr_access_log *log = NULL;
    struct fr_metrics *metrics = NULL;
    char dir[256];
    char path[512];
    char error[256] = "";
    struct reply reply;
    struct test_conn conn;
    struct fr_buf exposition;
    char *text;
    size_t lines = 0;

    test_tmpdir_make(dir, sizeof dir, "test_server");
    test_format(path, sizeof path, "%s/access.log", dir);
    ck_assert_msg(fr_access_log_open(path, &log, error, sizeof error) == FR_OK, "%s", error);
    ck_assert_int_eq(fr_metrics_new(test_tables, "test", &metrics), FR_OK);
    options.access_log = log;
    options.metrics = metrics;
    restart(&options);

    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        CURL *curl = curl_easy_init();
        ck_assert_ptr_nonnull(curl);
        perform(curl, "127.0.0.1", port, methods[i], "/upload", "{\"x\":1}", 7, auth, &reply);
        assert_echoed(&reply, methods[i], "{\"x\":1}", 7);
        reply_cleanup(&reply);
        curl_easy_cleanup(curl);
    }
    raw_open(&conn);
    assert_refused_unread(&conn, "POST", "Authorization: Bearer tok-SECRET-42\r\n");
    test_conn_close(&conn);

    fr_server_free(server); /* every request is logged and counted by now */
    server = NULL;

    text = read_file(path);
    for (const char *c = text; *c != '\0'; c++)
        lines += *c == '\n';
    ck_assert_msg(lines == 4, "%s", text);
    ck_assert_msg(strstr(text, "tok-SECRET-42") == NULL, "%s", text);
    ck_assert_msg(strcasestr(text, "Bearer") == NULL, "%s", text);
    ck_assert_msg(strstr(text, "\"PATCH\"") != NULL, "%s", text);
    free(text);

    fr_buf_init(&exposition);
    ck_assert_int_eq(fr_metrics_render(metrics, NULL, &exposition), FR_OK);
    for (size_t i = 0; i < sizeof counted / sizeof counted[0]; i++)
        ck_assert_msg(strstr(exposition.data, counted[i]) != NULL, "no %s in %s", counted[i],
                      exposition.data);
    fr_buf_cleanup(&exposition);
    fr_metrics_free(metrics);
    fr_access_log_free(log);
    test_tmpdir_remove(dir);
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

/* ---- refused before any handler ------------------------------------------ */

/* Sends request (len bytes, NULs and all) on a new connection and expects
 * the problem status/slug/detail, with Connection: close, the connection
 * closed after it, and no handler run. */
static void assert_refused(const char *request, size_t len, int status, const char *slug,
                           const char *detail)
{
    struct test_conn conn;
    struct reply reply;
    char value[64];
    char type[128];
    int before = atomic_load(&handled);
    int after;
    json_t *body;

    raw_open(&conn);
    ck_assert(test_conn_send(&conn, request, len));
    ck_assert_msg(raw_response(&conn, false, &reply), "no answer to %.*s", (int)len, request);
    ck_assert_msg(reply.status == status, "%ld, not %d, for %.*s: %s", reply.status, status,
                  (int)len, request, reply.body.data != NULL ? reply.body.data : "");
    ck_assert_str_eq(header(&reply, "Content-Type", value, sizeof value),
                     "application/problem+json");
    ck_assert_str_eq(header(&reply, "Connection", value, sizeof value), "close");
    body = parse(&reply);
    test_format(type, sizeof type, "/problems/%s", slug);
    ck_assert_str_eq(json_string_value(json_object_get(body, "type")), type);
    ck_assert_int_eq(json_integer_value(json_object_get(body, "status")), status);
    ck_assert_str_eq(json_string_value(json_object_get(body, "detail")), detail);
    json_decref(body);
    reply_cleanup(&reply);
    assert_raw_closed(&conn);
    test_conn_close(&conn);
    after = atomic_load(&handled);
    ck_assert_msg(after == before, "a handler ran for %.*s", (int)len, request);
}

#define REFUSED(request, status, slug, detail)                                                 \
    assert_refused(request, sizeof(request) - 1, status, slug, detail)

/* Sends request on a new connection and expects status from a handler. */
static void assert_served(const char *request, int status)
{
    struct test_conn conn;
    struct reply reply;

    raw_open(&conn);
    raw_send_text(&conn, request);
    ck_assert_msg(raw_response(&conn, false, &reply), "no answer to %s", request);
    ck_assert_msg(reply.status == status, "%ld, not %d, for %s: %s", reply.status, status,
                  request, reply.body.data != NULL ? reply.body.data : "");
    reply_cleanup(&reply);
    test_conn_close(&conn);
}

#define FRAMING_BOTH                                                                           \
    "a request may have Content-Length or Transfer-Encoding, not both (RFC 9112 section 6.3)"
#define FRAMING_LAST "the last transfer coding must be chunked, applied once (RFC 9112 section 6.3)"

/* How the body is delimited: whatever libmicrohttpd and a proxy in front
 * could read differently is refused (request smuggling). */
START_TEST(test_refused_framing)
{
    REFUSED("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
            "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            400, "invalid-framing", FRAMING_BOTH);
    REFUSED("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
            "Content-Length: 0\r\n\r\n0\r\n\r\n",
            400, "invalid-framing", FRAMING_BOTH);
    REFUSED("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n"
            "abcd",
            400, "invalid-framing", "a request may have one Content-Length; this one has 2");
    REFUSED("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n"
            "abc",
            400, "invalid-framing", "a request may have one Content-Length; this one has 2");
    REFUSED("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\nabc", 400,
            "invalid-framing", FRAMING_LAST);
    REFUSED("GET /hello HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: identity\r\n\r\n", 400,
            "invalid-framing", FRAMING_LAST);
    REFUSED("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400,
            "invalid-framing", FRAMING_LAST);
    REFUSED("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
            400, "invalid-framing", FRAMING_LAST);
    REFUSED("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
            "Transfer-Encoding: chunked\r\n\r\n",
            400, "invalid-framing", FRAMING_LAST);
    REFUSED("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding:\r\n\r\n", 400,
            "invalid-framing", FRAMING_LAST);
    REFUSED("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
            "0\r\n\r\n",
            501, "transfer-coding-not-implemented",
            "chunked is the only transfer coding this server implements");
    REFUSED("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: , chunked\r\n\r\n0\r\n\r\n",
            400, "invalid-framing", "Transfer-Encoding must be given once, as chunked");
    REFUSED("POST /upload HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
            "invalid-framing",
            "an HTTP/1.0 request cannot have a Transfer-Encoding (RFC 9112 section 6.1)");
    /* libmicrohttpd appends a folded line to the field's name, so this one
     * would be read as a request without a body. */
    REFUSED("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n 0\r\n\r\nabc", 400,
            "invalid-framing",
            "the header field 'Content-Length0' is not Content-Length or Transfer-Encoding: a "
            "folded line (one starting with a blank, RFC 9112 section 5.2) is not accepted");
    REFUSED("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\tx\r\n\r\n"
            "0\r\n\r\n",
            400, "invalid-framing",
            "the header field 'Transfer-Encodingx' is not Content-Length or Transfer-Encoding: "
            "a folded line (one starting with a blank, RFC 9112 section 5.2) is not accepted");
    /* chunked in any case is chunked. */
    assert_served("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: Chunked\r\n\r\n"
                  "2\r\n{}\r\n0\r\n\r\n",
                  200);
}
END_TEST

/* RFC 9112 section 3.2: HTTP/1.1 needs one well-formed Host; HTTP/1.0 may
 * go without. */
START_TEST(test_refused_host)
{
    static const char *const good[] = {"t", "example.org:8080", "127.0.0.1", "[::1]:80",
                                       "example.org:", "", "xn--bcher-kva.example",
                                       "a_b.example  "};
    static const char *const bad[] = {"exa mple", "[::1", "[]", "a/b", "a:80x", "a@b", "a:b:c"};
    char request[256];

    REFUSED("GET /hello HTTP/1.1\r\n\r\n", 400, "invalid-host",
            "an HTTP/1.1 request must have a Host header field (RFC 9112 section 3.2)");
    REFUSED("GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "invalid-host",
            "a request may have one Host header field; this one has 2");
    REFUSED("GET /hello HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n", 400, "invalid-host",
            "a request may have one Host header field; this one has 2");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        test_format(request, sizeof request, "GET /hello HTTP/1.1\r\nHost: %s\r\n\r\n", bad[i]);
        assert_refused(request, strlen(request), 400, "invalid-host",
                       "the Host header field must be a host name or address and an optional "
                       "port");
    }
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        test_format(request, sizeof request, "GET /hello HTTP/1.1\r\nHost: %s\r\n\r\n", good[i]);
        assert_served(request, 200);
    }
    assert_served("GET /hello HTTP/1.0\r\n\r\n", 200);
}
END_TEST

/* Field names are tokens (no blank before the colon: RFC 9112 section 5.1)
 * and values have no control byte but a tab. */
START_TEST(test_refused_fields)
{
    REFUSED("GET /hello HTTP/1.1\r\nHost : t\r\n\r\n", 400, "invalid-header",
            "the header field name 'Host ' is not a token (no blanks or separators, RFC 9110 "
            "section 5.1)");
    REFUSED("GET /hello HTTP/1.1\r\nHost: t\r\nX(y): 1\r\n\r\n", 400, "invalid-header",
            "the header field name 'X(y)' is not a token (no blanks or separators, RFC 9110 "
            "section 5.1)");
    REFUSED("GET /hello HTTP/1.1\r\nHost: t\r\nX\tY: 1\r\n\r\n", 400, "invalid-header",
            "the header field name 'X?Y' is not a token (no blanks or separators, RFC 9110 "
            "section 5.1)");
    REFUSED("GET /hello HTTP/1.1\r\nHost: t\r\nX-A: a\x01z\r\n\r\n", 400, "invalid-header",
            "the value of the header field 'X-A' has a control character");
    REFUSED("GET /hello HTTP/1.1\r\nHost: t\r\nX-A: a\x7fz\r\n\r\n", 400, "invalid-header",
            "the value of the header field 'X-A' has a control character");
    REFUSED("GET /hello HTTP/1.1\r\nHost: t\r\nX-A: a\x1bz\r\n\r\n", 400, "invalid-header",
            "the value of the header field 'X-A' has a control character");
    /* A folded line with a blank in it makes a name that is no token. */
    REFUSED("GET /hello HTTP/1.1\r\nHost: t\r\nX-A: a\r\n b c\r\n\r\n", 400, "invalid-header",
            "the header field name 'X-Ab c' is not a token (no blanks or separators, RFC 9110 "
            "section 5.1)");
    /* A tab, and bytes that are not ASCII (obs-text), are allowed. */
    assert_served("GET /hello HTTP/1.1\r\nHost: t\r\nX-A: a\tb \xc3\xa9\xff\r\n\r\n", 200);
}
END_TEST

#define CONTROL_DETAIL                                                                         \
    "the request target has a control character (U+0000 to U+001F or U+007F), as sent or "    \
    "percent-encoded"
#define SLASH_DETAIL                                                                           \
    "the path has an encoded '/' (%2F), which this server does not take: write '/' between "   \
    "segments"

/* The target: a control byte, raw or percent-encoded, anywhere in it, a
 * raw space, and an encoded '/' in the path. */
START_TEST(test_refused_target)
{
    static const char *const control[] = {"/items/a%00", "/items/a%00b", "/items/%1f",
                                          "/items/a%7F", "/echo?a=%0A", "/echo?a%0d=1",
                                          "/echo?a=b%09c", "/items/a\x01", "/echo?a=b\tc",
                                          "/echo?a=\x7f"};
    static const char *const slash[] = {"/items/a%2Fb", "/items/a%2fb", "/items%2Fa",
                                        "%2Fhello"};
    char request[256];
    struct reply reply;

    for (size_t i = 0; i < sizeof control / sizeof control[0]; i++) {
        test_format(request, sizeof request, "GET %s HTTP/1.1\r\nHost: t\r\n\r\n", control[i]);
        assert_refused(request, strlen(request), 400, "invalid-target", CONTROL_DETAIL);
    }
    for (size_t i = 0; i < sizeof slash / sizeof slash[0]; i++) {
        test_format(request, sizeof request, "GET %s HTTP/1.1\r\nHost: t\r\n\r\n", slash[i]);
        assert_refused(request, strlen(request), 400, "invalid-target", SLASH_DETAIL);
    }
    REFUSED("GET /items/a b HTTP/1.1\r\nHost: t\r\n\r\n", 400, "invalid-target",
            "the request target has a space: write it as %20");
    /* In the query an encoded '/' is just a character. */
    fetch(NULL, "/echo?a=%2F", NULL, &reply);
    ck_assert_int_eq(reply.status, 200);
    assert_json_equals(&reply, json_pack("{s:s, s:s, s:b, s:[[s,s]]}", "method", "GET", "path",
                                         "/echo", "overflow", 0, "query", "a", "/"));
    reply_cleanup(&reply);
}
END_TEST

/* A head of n bytes exactly: "GET /hello HTTP/1.1", Host, fields X-<i>
 * with values of 'v' making up the size, then the empty line. fields is
 * the number of header fields in all (Host included, at least 2). */
static char *make_head(size_t n, size_t fields)
{
    struct fr_buf head;
    size_t fixed = strlen("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    size_t each;

    fr_buf_init(&head);
    ck_assert_int_eq(fr_buf_append_str(&head, "GET /hello HTTP/1.1\r\nHost: t\r\n"), FR_OK);
    for (size_t i = 1; i < fields; i++) {
        char name[32];
        test_format(name, sizeof name, "X-%zu: ", i);
        fixed += strlen(name) + 2;
    }
    ck_assert_uint_ge(n, fixed);
    each = (n - fixed) / (fields - 1);
    for (size_t i = 1; i < fields; i++) {
        size_t len = i == fields - 1 ? n - fixed - each * (fields - 2) : each;
        ck_assert_int_eq(fr_buf_appendf(&head, "X-%zu: ", i), FR_OK);
        for (size_t j = 0; j < len; j++)
            ck_assert_int_eq(fr_buf_append(&head, "v", 1), FR_OK);
        ck_assert_int_eq(fr_buf_append_str(&head, "\r\n"), FR_OK);
    }
    ck_assert_int_eq(fr_buf_append_str(&head, "\r\n"), FR_OK);
    ck_assert_uint_eq(head.len, n);
    return fr_buf_steal(&head, NULL);
}

/* Sends a head of n bytes in fields fields and expects it served. */
static void assert_head_served(size_t n, size_t fields)
{
    char *head = make_head(n, fields);

    assert_served(head, 200);
    free(head);
}

/* max_header_bytes is exact: a head of that size is served, one byte more
 * is a 431 (a 414 when the request line alone is over); past 48 fields is
 * a 431 too. Far past the limit libmicrohttpd answers 431 itself, with its
 * own page. */
START_TEST(test_header_limit)
{
    struct fr_server_options options = server_options("127.0.0.1", 0, 1);
    char *head;
    char detail[160];
    struct test_conn conn;
    struct reply reply;
    int calls;

    /* The default, with the most fields a request may have. */
    assert_head_served(FR_SERVER_HEADER_DEFAULT, FR_MAX_REQUEST_HEADERS);
    head = make_head(FR_SERVER_HEADER_DEFAULT + 1, 3);
    test_format(detail, sizeof detail, "the request line and header fields may be at most %u "
                "bytes; these are %u bytes", FR_SERVER_HEADER_DEFAULT,
                FR_SERVER_HEADER_DEFAULT + 1);
    assert_refused(head, strlen(head), 431, "header-fields-too-large", detail);
    free(head);

    options.max_header_bytes = 1024;
    restart(&options);
    assert_head_served(1024, 2);
    assert_head_served(1024, FR_MAX_REQUEST_HEADERS);
    head = make_head(1025, 2);
    assert_refused(head, strlen(head), 431, "header-fields-too-large",
                   "the request line and header fields may be at most 1024 bytes; these are "
                   "1025 bytes");
    free(head);
    head = make_head(1000, FR_MAX_REQUEST_HEADERS + 1);
    assert_refused(head, strlen(head), 431, "header-fields-too-large",
                   "a request may have at most 48 header fields; this one has 49");
    free(head);
    {
        /* A request line of 1025 bytes: "GET " + target + " HTTP/1.1\r\n". */
        struct fr_buf line;
        fr_buf_init(&line);
        ck_assert_int_eq(fr_buf_append_str(&line, "GET /items/"), FR_OK);
        while (line.len < 1025 - strlen(" HTTP/1.1\r\n"))
            ck_assert_int_eq(fr_buf_append(&line, "i", 1), FR_OK);
        ck_assert_int_eq(fr_buf_append_str(&line, " HTTP/1.1\r\nHost: t\r\n\r\n"), FR_OK);
        assert_refused(line.data, line.len, 414, "uri-too-long",
                       "the request line may be at most 1024 bytes with the header fields; its "
                       "target alone is 1010 bytes");
        fr_buf_cleanup(&line);
    }
    /* 64 KiB of one field: libmicrohttpd's pool is full first. */
    head = make_head(65536, 2);
    raw_open(&conn);
    (void)test_conn_send(&conn, head, strlen(head)); /* it may close before all is sent */
    ck_assert(raw_response(&conn, false, &reply));
    ck_assert_int_eq(reply.status, 431);
    reply_cleanup(&reply);
    test_conn_close(&conn);
    free(head);
    calls = atomic_load(&handled);
    ck_assert_int_eq(calls, 3); /* the heads served above, no more */

    options.max_header_bytes = 65536;
    restart(&options);
    assert_head_served(65536, FR_MAX_REQUEST_HEADERS);
}
END_TEST

/* ---- limits on connections and time ---------------------------------------- */

static double seconds_since(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Sends one byte of text every interval_ms until the server closes the
 * connection (or max seconds pass); returns the seconds from start until
 * it closed, or -1. Nothing may be answered. */
static double dribble_until_closed(struct test_conn *conn, const char *text, long interval_ms,
                                   const struct timespec *start, double max)
{
    size_t at = 0;
    struct timespec pause = {interval_ms / 1000, (interval_ms % 1000) * 1000000};

    while (seconds_since(start) < max) {
        struct pollfd ready = {.fd = conn->fd, .events = POLLIN};
        char byte = text[at % strlen(text)];
        if (poll(&ready, 1, 0) > 0) {
            char got[256];
            ssize_t n = recv(conn->fd, got, sizeof got, 0);
            ck_assert_msg(n <= 0, "answered: %.*s", (int)n, got);
            return seconds_since(start);
        }
        if (!test_conn_send(conn, &byte, 1))
            return seconds_since(start);
        at++;
        nanosleep(&pause, NULL);
    }
    return -1;
}

/* Sends first (may be empty), then the bytes of slowly one every 200 ms:
 * the server must close the connection, unanswered, 1 to 3.5 s after the
 * first byte (request_timeout 1, checked once a second). */
static void assert_cut(const char *first, const char *slowly)
{
    struct test_conn conn;
    struct timespec start;
    double closed;

    raw_open(&conn);
    clock_gettime(CLOCK_MONOTONIC, &start);
    if (first[0] != '\0')
        raw_send_text(&conn, first);
    closed = dribble_until_closed(&conn, slowly, 200, &start, 10);
    ck_assert_msg(closed >= 1.0 && closed < 3.5, "%s%s...: closed after %.2f s", first, slowly,
                  closed);
    test_conn_close(&conn);
}

/* A request sent slowly is cut request_timeout after its first byte, to
 * within the watchdog's rounds: after its request line, in its request
 * line, or in its body. */
START_TEST(test_request_timeout)
{
    struct fr_server_options options = server_options("127.0.0.1", 0, 2);
    int calls;

    options.request_timeout = 1;
    options.idle_timeout = 30;
    restart(&options);

    assert_cut("GET /hello HTTP/1.1\r\nHost: t\r\n", "X-Slow: aaaa\r\n");
    /* The request line itself, a byte at a time from the start. */
    assert_cut("", "GET /hello/and/on/and/on");
    /* A body that does not come. */
    assert_cut("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc", "d");
    calls = atomic_load(&handled);
    ck_assert_int_eq(calls, 0);
}
END_TEST

/* The deadline is for a request's arrival: a kept-alive connection gets a
 * new clock for each request, and neither a slow response nor a slow write
 * is cut. */
START_TEST(test_request_timeout_spares_answers)
{
    struct fr_server_options options = server_options("127.0.0.1", 0, 2);
    struct timespec pause = {2, 500000000};
    struct test_conn conn;
    struct reply reply;
    char value[64];

    options.request_timeout = 1;
    options.idle_timeout = 30;
    restart(&options);

    raw_open(&conn);
    raw_send_text(&conn, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    ck_assert(raw_response(&conn, false, &reply));
    ck_assert_int_eq(reply.status, 200);
    reply_cleanup(&reply);
    nanosleep(&pause, NULL); /* idle, longer than the deadline */
    raw_send_text(&conn, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    ck_assert(raw_response(&conn, false, &reply));
    ck_assert_int_eq(reply.status, 200);
    reply_cleanup(&reply);

    /* 8 MiB not read for 2.5 s, then read whole. */
    raw_send_text(&conn, "GET /big HTTP/1.1\r\nHost: t\r\n\r\n");
    nanosleep(&pause, NULL);
    ck_assert(raw_response(&conn, false, &reply));
    ck_assert_int_eq(reply.status, 200);
    ck_assert_uint_eq(reply.body.len, BIG_BODY_BYTES);
    ck_assert_str_eq(header(&reply, "Connection", value, sizeof value), "");
    reply_cleanup(&reply);

    /* A write that takes 2.5 s on the writer thread. */
    raw_send_text(&conn, "POST /slow HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}");
    ck_assert(raw_response(&conn, false, &reply));
    ck_assert_int_eq(reply.status, 200);
    ck_assert_str_eq(reply.body.data, "slow");
    reply_cleanup(&reply);
    test_conn_close(&conn);
}
END_TEST

/* A connection that sends nothing is closed after idle_timeout. */
START_TEST(test_idle_timeout)
{
    struct fr_server_options options = server_options("127.0.0.1", 0, 1);
    struct test_conn conn;
    struct timespec start;
    double closed;

    options.idle_timeout = 1;
    restart(&options);
    raw_open(&conn);
    clock_gettime(CLOCK_MONOTONIC, &start);
    ck_assert_int_eq(raw_fill(&conn), 0);
    closed = seconds_since(&start);
    ck_assert_msg(closed >= 0.9 && closed < 3.0, "closed after %.2f s", closed);
    test_conn_close(&conn);
}
END_TEST

/* Past max_connections a connection waits until one closes; past
 * max_connections_per_client from one address it is closed at once, while
 * other addresses are served. */
START_TEST(test_connection_limits)
{
    struct fr_server_options options = server_options("127.0.0.1", 0, 1);
    struct test_conn held[2], waiting, other;
    struct reply reply;
    struct pollfd ready;

    options.max_connections = 2;
    restart(&options);
    raw_open(&held[0]);
    raw_open(&held[1]);
    raw_open(&waiting); /* the kernel completes the handshake; the server waits */
    raw_send_text(&waiting, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    ready = (struct pollfd){.fd = waiting.fd, .events = POLLIN};
    ck_assert_int_eq(poll(&ready, 1, 1000), 0);
    test_conn_close(&held[0]);
    ck_assert(raw_response(&waiting, false, &reply));
    ck_assert_int_eq(reply.status, 200);
    reply_cleanup(&reply);
    test_conn_close(&waiting);
    test_conn_close(&held[1]);

    options.max_connections = 100;
    options.max_connections_per_client = 2;
    restart(&options);
    raw_open(&held[0]);
    raw_open(&held[1]);
    raw_open(&waiting);
    (void)test_conn_send(&waiting, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n", 33);
    ck_assert(!raw_response(&waiting, false, &reply));
    reply_cleanup(&reply);
    test_conn_close(&waiting);
    raw_open_from(&other, "127.0.0.2");
    raw_send_text(&other, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    ck_assert(raw_response(&other, false, &reply));
    ck_assert_int_eq(reply.status, 200);
    reply_cleanup(&reply);
    test_conn_close(&other);
    raw_send_text(&held[0], "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    ck_assert(raw_response(&held[0], false, &reply));
    ck_assert_int_eq(reply.status, 200);
    reply_cleanup(&reply);
    test_conn_close(&held[0]);
    test_conn_close(&held[1]);
}
END_TEST

/* The limit on open files is checked at start, in a child of its own (the
 * hard limit cannot be raised again): raised within the hard limit, or a
 * refusal that says what is needed (100 + 2 threads' 2 + 64 reserved). */
START_TEST(test_descriptor_limit)
{
    pid_t child;
    int status = 0;

    /* No thread may hold a lock across the fork: the fixture's server goes. */
    fr_server_free(server);
    server = NULL;
    child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        struct rlimit limit = {100, 200};
        struct fr_server_options options = server_options("127.0.0.1", 0, 2);
        struct fr_server *started = NULL;
        char error[256] = "";
        const char *want = "max_connections 150 needs 218 open files with the daemon's own, "
                           "but the limit on open files is 200: lower max_connections or "
                           "raise the limit (ulimit -n)";
        int failures = 0;

        if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
            _exit(10);
        options.max_connections = 150;
        if (fr_server_start(&options, &started, error, sizeof error) != FR_EINVAL ||
            started != NULL || strcmp(error, want) != 0) {
            fprintf(stderr, "got '%s'\n", error);
            failures |= 1;
        }
        options.max_connections = 100;
        if (fr_server_start(&options, &started, error, sizeof error) != FR_OK) {
            fprintf(stderr, "got '%s'\n", error);
            failures |= 2;
        }
        fr_server_free(started);
        if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur != 168 ||
            limit.rlim_max != 200)
            failures |= 4;
        _exit(failures);
    }
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
}
END_TEST

static Suite *server_suite(void)
{
    Suite *suite = suite_create("server");
    TCase *http = tcase_create("http");
    TCase *start_up = tcase_create("start");
    TCase *limits = tcase_create("limits");

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
    tcase_add_test(http, test_body_sizes);
    tcase_add_test(http, test_body_refused_unread);
    tcase_add_test(http, test_body_chunked);
    tcase_add_test(http, test_body_endless);
    tcase_add_test(http, test_expect_continue);
    tcase_add_test(http, test_pipelined_post);
    tcase_add_test(http, test_body_without_type);
    tcase_add_test(http, test_body_on_reads);
    tcase_add_test(http, test_body_limit_option);
    tcase_add_test(http, test_writes_logged_and_counted);
    tcase_add_test(http, test_keep_alive);
    tcase_add_test(http, test_snapshot_references);
    tcase_add_test(http, test_concurrent_clients);
    tcase_add_test(http, test_begin_shutdown);
    tcase_add_test(http, test_port_in_use);
    tcase_add_test(http, test_refused_framing);
    tcase_add_test(http, test_refused_host);
    tcase_add_test(http, test_refused_fields);
    tcase_add_test(http, test_refused_target);
    tcase_add_test(http, test_header_limit);
    suite_add_tcase(suite, http);

    /* Each waits out a timeout or two. */
    tcase_add_checked_fixture(limits, setup, teardown);
    tcase_set_timeout(limits, 60);
    tcase_add_test(limits, test_request_timeout);
    tcase_add_test(limits, test_request_timeout_spares_answers);
    tcase_add_test(limits, test_idle_timeout);
    tcase_add_test(limits, test_connection_limits);
    tcase_add_test(limits, test_descriptor_limit);
    suite_add_tcase(suite, limits);

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
