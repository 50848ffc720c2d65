/*
 * Hostile input over raw TCP (sockets, not curl, so every byte goes out as
 * written) against one frontierd with small timeouts and connection
 * limits. First a set of ordinary responses is kept, byte for byte but for
 * Date and X-Request-Id. Then each hostile input gets its precise answer:
 * the status, whose problem it is (ours, as application/problem+json, or
 * libmicrohttpd's own HTML page), and whether the connection closes or
 * stays usable. Slow clients (slowloris) are cut at the request deadline
 * without starving an ordinary client. Last, the daemon still answers and
 * every kept response is the same as before.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>

#include "frontier/buf.h"
#include "support.h"

/* The daemon's limits for this suite: timeouts small enough to wait out. */
#define IDLE_TIMEOUT 2
#define REQUEST_TIMEOUT 3
#define MAX_CONNECTIONS 32
#define PER_CLIENT 8

static const char *const daemon_args[] = {
    "--idle-timeout",    "2",  "--request-timeout",            "3",
    "--max-connections", "32", "--max-connections-per-client", "8",
    NULL,
};

#define HOST "Host: frontier.test\r\n"

/* ---- raw connections ---------------------------------------------------- */

static double now_seconds(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* Copies what the daemon has logged so far to our stderr: its pipe must not
 * fill up, or the daemon would block writing to it. */
static void drain_daemon_log(void)
{
    char buf[4096];
    ssize_t got;
    int flags = fcntl(test_daemon.stderr_fd, F_GETFL);

    fcntl(test_daemon.stderr_fd, F_SETFL, flags | O_NONBLOCK);
    while ((got = read(test_daemon.stderr_fd, buf, sizeof buf)) > 0)
        fwrite(buf, 1, (size_t)got, stderr);
}

/* The raw connection of tests/support.c, opened to this suite's daemon. */
static void conn_open_from(struct test_conn *conn, const char *from)
{
    test_conn_open(conn, test_daemon.port, from);
}

static void conn_open(struct test_conn *conn)
{
    test_conn_open(conn, test_daemon.port, NULL);
}

static bool conn_send_text(struct test_conn *conn, const char *text)
{
    return test_conn_send(conn, text, strlen(text));
}

struct response {
    int status;
    char *head; /* the status line and header fields, up to the empty line; owned */
    size_t head_len;
    char *body; /* Content-Length bytes; owned, NUL-terminated */
    size_t body_len;
};

static void response_free(struct response *response)
{
    free(response->head);
    free(response->body);
    memset(response, 0, sizeof *response);
}

/* The value of a header field of response (case-insensitive name) into
 * out; "" when absent. */
static const char *response_header(const struct response *response, const char *name,
                                   char *out, size_t size)
{
    size_t name_len = strlen(name);

    out[0] = '\0';
    for (const char *line = response->head; line != NULL && *line != '\0';) {
        const char *end = strstr(line, "\r\n");
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        if (len > name_len && line[name_len] == ':' && strncasecmp(line, name, name_len) == 0) {
            const char *value = line + name_len + 1;
            while (*value == ' ')
                value++;
            ck_assert_uint_lt((size_t)(line + len - value), size);
            memcpy(out, value, (size_t)(line + len - value));
            out[line + len - value] = '\0';
            break;
        }
        line = end != NULL ? end + 2 : NULL;
    }
    return out;
}

/* Reads the next response (its body as Content-Length says; none when head
 * is set or for 204 and 304) within timeout seconds. False when the
 * connection ended, or nothing whole came in time. */
static bool read_response(struct test_conn *conn, bool head, double timeout, struct response *out)
{
    double deadline = now_seconds() + timeout;

    memset(out, 0, sizeof *out);
    for (;;) {
        const char *start = conn->in.data != NULL ? conn->in.data + conn->used : "";
        size_t available = conn->in.len - conn->used;
        const char *end = memmem(start, available, "\r\n\r\n", 4);

        if (end != NULL) {
            size_t head_len = (size_t)(end - start) + 4;
            size_t body_len = 0;
            char value[32];

            out->head = strndup(start, head_len);
            ck_assert_ptr_nonnull(out->head);
            out->head_len = head_len;
            ck_assert_msg(sscanf(out->head, "HTTP/1.1 %d ", &out->status) == 1, "not HTTP: %s",
                          out->head);
            if (!head && out->status != 204 && out->status != 304)
                body_len = strtoul(response_header(out, "Content-Length", value, sizeof value),
                                   NULL, 10);
            if (available >= head_len + body_len) {
                out->body = strndup(start + head_len, body_len);
                ck_assert_ptr_nonnull(out->body);
                out->body_len = body_len;
                conn->used += head_len + body_len;
                return true;
            }
            free(out->head);
            out->head = NULL;
        }
        if (conn->closed || now_seconds() >= deadline ||
            !test_conn_fill(conn, deadline - now_seconds()))
            return false;
    }
}

/* Waits up to timeout seconds for the server to end the connection; the
 * seconds it took. */
static double wait_closed(struct test_conn *conn, double timeout)
{
    double start = now_seconds();

    while (!conn->closed && now_seconds() - start < timeout)
        (void)test_conn_fill(conn, timeout - (now_seconds() - start));
    ck_assert_msg(conn->closed, "the connection is still open after %.1f s", timeout);
    return now_seconds() - start;
}

/* As wait_closed, and nothing more may have arrived. */
static double assert_closed(struct test_conn *conn, double timeout)
{
    double took = wait_closed(conn, timeout);

    ck_assert_msg(conn->used == conn->in.len, "more arrived: %.*s",
                  (int)(conn->in.len - conn->used), conn->in.data + conn->used);
    return took;
}

/* ---- the responses kept before anything hostile ------------------------- */

static const char *const kept_targets[] = {
    "/v1/models/grok-4",
    "/v1/models",
    "/v1/models?organization=xai&limit=2",
    "/v1/leaderboards/humanitys-last-exam",
    "/v1/leaderboards/humanitys-last-exam?as_of=2025-07-09",
    "/v1/results?model=grok-4&benchmark=humanitys-last-exam",
    "/v1/organizations/xai/funding",
    "/v1/funding-rounds?organization=xai&limit=1",
    "/v1/benchmarks?limit=1",
    "/v1/sources?kind=post&limit=2",
    "/v1/timeline?limit=0",
    "/v1/models/no-such-model",
    "/nope",
    "/openapi.json",
    "/readyz",
};

#define KEPT_COUNT (sizeof kept_targets / sizeof kept_targets[0])

/* Fetched in the runner's process (an unchecked fixture), which outlives the
 * tests that Check forks. */
static char *kept[KEPT_COUNT];
static size_t kept_len[KEPT_COUNT];

/* The response as sent, without its Date and X-Request-Id lines, the only
 * ones that differ from one identical request to the next. The caller
 * frees it. */
static char *normalized(const struct response *response, size_t *len)
{
    struct fr_buf out;

    fr_buf_init(&out);
    for (const char *line = response->head; *line != '\0';) {
        const char *end = strstr(line, "\r\n");
        size_t line_len = (size_t)(end - line) + 2;
        if (strncasecmp(line, "Date:", 5) != 0 && strncasecmp(line, "X-Request-Id:", 13) != 0)
            ck_assert_int_eq(fr_buf_append(&out, line, line_len), FR_OK);
        line += line_len;
    }
    ck_assert_int_eq(fr_buf_append(&out, response->body, response->body_len), FR_OK);
    return fr_buf_steal(&out, len);
}

/* GETs target on conn (kept alive) and returns its normalized response. */
static char *fetch_normalized(struct test_conn *conn, const char *target, size_t *len)
{
    char request[512];
    struct response response;
    char *bytes;

    test_format(request, sizeof request, "GET %s HTTP/1.1\r\n" HOST "\r\n", target);
    ck_assert(test_conn_send(conn, request, strlen(request)));
    ck_assert_msg(read_response(conn, false, 10, &response), "no answer to GET %s", target);
    bytes = normalized(&response, len);
    response_free(&response);
    return bytes;
}

static void daemon_start(void)
{
    struct test_conn conn;

    test_server_start(&test_daemon, daemon_args);
    conn_open(&conn);
    for (size_t i = 0; i < KEPT_COUNT; i++)
        kept[i] = fetch_normalized(&conn, kept_targets[i], &kept_len[i]);
    test_conn_close(&conn);
}

/* No ck_assert here: an unchecked teardown has nowhere to report to (a
 * daemon that does not exit 0 is remembered for main). */
static void daemon_stop(void)
{
    test_daemon_stop();
    for (size_t i = 0; i < KEPT_COUNT; i++) {
        free(kept[i]);
        kept[i] = NULL;
    }
}

/* ---- one hostile input, one precise answer ------------------------------ */

/* Who answers: our adapter or handlers (a problem of that slug; "" for a
 * success), or libmicrohttpd itself (its own HTML page). */
#define LIBRARY NULL

enum after { STAYS_OPEN, CLOSES };

struct hostile {
    const char *what;
    const char *bytes;
    size_t len;
    int status;       /* 0: no answer at all, only a close */
    const char *slug; /* the problem's type; LIBRARY for the library's page */
    enum after after;
};

#define H(what, literal, status, slug, after)                                                   \
    {what, literal, sizeof(literal) - 1, status, slug, after}

/* Sends one input on a new connection and checks its answer. A connection
 * that stays open must still be in step: the next request on it is served. */
static void check_hostile(const struct hostile *h)
{
    struct test_conn conn;
    struct response response;
    char value[128];

    drain_daemon_log();
    conn_open(&conn);
    (void)test_conn_send(&conn, h->bytes, h->len); /* the server may close before all is sent */
    if (h->status == 0) {
        (void)assert_closed(&conn, IDLE_TIMEOUT + 3);
        test_conn_close(&conn);
        return;
    }
    ck_assert_msg(read_response(&conn, false, 10, &response), "%s: no answer", h->what);
    ck_assert_msg(response.status == h->status, "%s: %d, not %d: %.300s", h->what, response.status,
                  h->status, response.body);
    response_header(&response, "Connection", value, sizeof value);
    ck_assert_msg(strcmp(value, h->after == CLOSES ? "close" : "") == 0 ||
                      (h->after == CLOSES && h->status < 400),
                  "%s: Connection: %s", h->what, value);
    if (h->slug == LIBRARY) {
        /* libmicrohttpd's own page: HTML without a Content-Type. */
        ck_assert_str_eq(response_header(&response, "Content-Type", value, sizeof value), "");
    } else if (h->status >= 400) {
        char type[128];
        json_error_t error;
        json_t *body = json_loadb(response.body, response.body_len, 0, &error);
        ck_assert_msg(body != NULL, "%s: not JSON: %.300s", h->what, response.body);
        ck_assert_str_eq(response_header(&response, "Content-Type", value, sizeof value),
                         "application/problem+json");
        test_format(type, sizeof type, "/problems/%s", h->slug);
        ck_assert_msg(strcmp(json_string_value(json_object_get(body, "type")), type) == 0,
                      "%s: %.300s", h->what, response.body);
        json_decref(body);
    }
    response_free(&response);

    if (h->after == CLOSES && h->slug == LIBRARY) {
        /* libmicrohttpd 0.9.75 sends the head of some of its own answers
         * twice (a bad Content-Length): what follows is not checked. */
        (void)wait_closed(&conn, 5);
    } else if (h->after == CLOSES) {
        (void)assert_closed(&conn, 5);
    } else {
        ck_assert(conn_send_text(&conn, "GET /livez HTTP/1.1\r\n" HOST "\r\n"));
        ck_assert_msg(read_response(&conn, false, 10, &response),
                      "%s: the connection is out of step", h->what);
        ck_assert_int_eq(response.status, 200);
        response_free(&response);
    }
    test_conn_close(&conn);
}

static void check_all(const struct hostile *cases, size_t count)
{
    for (size_t i = 0; i < count; i++)
        check_hostile(&cases[i]);
}

#define CHECK_ALL(cases) check_all(cases, sizeof(cases) / sizeof(cases[0]))

/* ---- the inputs ---------------------------------------------------------- */

START_TEST(test_malformed_request_lines)
{
    static const struct hostile cases[] = {
        H("a method alone", "GET\r\n\r\n", 0, LIBRARY, CLOSES),
        H("no version (HTTP/0.9)", "GET /v1/models\r\n\r\n", 400, LIBRARY, CLOSES),
        H("a fourth word", "GET /v1/models HTTP/1.1 extra\r\n" HOST "\r\n", 400, LIBRARY,
          CLOSES),
        H("a leading space", " GET /v1/models HTTP/1.1\r\n" HOST "\r\n", 0, LIBRARY, CLOSES),
        H("tabs for spaces", "GET\t/v1/models\tHTTP/1.1\r\n" HOST "\r\n", 0, LIBRARY, CLOSES),
        H("a lower-case version", "GET /v1/models http/1.1\r\n" HOST "\r\n", 400, LIBRARY,
          CLOSES),
        H("HTTP/1.10", "GET /v1/models HTTP/1.10\r\n" HOST "\r\n", 400, LIBRARY, CLOSES),
        H("HTTP/2.0", "GET /v1/models HTTP/2.0\r\n" HOST "\r\n", 505, LIBRARY, CLOSES),
        H("the HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505, LIBRARY, CLOSES),
        H("no spaces at all", "garbage\r\n\r\n", 0, LIBRARY, CLOSES),
        H("a TLS hello", "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 0, LIBRARY, CLOSES),
        H("a bare CR in the target", "GET /v1/mo\rdels HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-target", CLOSES),
        H("a bare LF in the target", "GET /v1/mo\ndels HTTP/1.1\r\n" HOST "\r\n", 400, LIBRARY,
          CLOSES),
        H("a space in the target", "GET /v1/models/grok 4 HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-target", CLOSES),
        H("an empty line first (allowed)", "\r\nGET /livez HTTP/1.1\r\n" HOST "\r\n", 200,
          "", STAYS_OPEN),
        H("LF line ends (tolerated)", "GET /livez HTTP/1.1\n" HOST "\n", 200, "", STAYS_OPEN),
    };
    CHECK_ALL(cases);
}
END_TEST

START_TEST(test_bad_percent_encoding)
{
    static const struct hostile cases[] = {
        H("%ZZ in the path", "GET /v1/models/grok%ZZ HTTP/1.1\r\n" HOST "\r\n", 404,
          "not-found", STAYS_OPEN),
        H("a cut escape", "GET /v1/models/grok%2 HTTP/1.1\r\n" HOST "\r\n", 404, "not-found",
          STAYS_OPEN),
        H("a lone % as a value", "GET /v1/models?limit=% HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-parameter", STAYS_OPEN),
        H("%G1 as a value", "GET /v1/models?limit=%G1 HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-parameter", STAYS_OPEN),
        H("% as a name", "GET /v1/models?%=1 HTTP/1.1\r\n" HOST "\r\n", 400, "invalid-parameter",
          STAYS_OPEN),
        H("%25 decodes once", "GET /v1/models/grok%254 HTTP/1.1\r\n" HOST "\r\n", 404,
          "not-found", STAYS_OPEN),
    };
    CHECK_ALL(cases);
}
END_TEST

START_TEST(test_nul_and_control_bytes)
{
    static const struct hostile cases[] = {
        /* libmicrohttpd ends the target at a raw NUL: what is before it is
         * looked up ("grok"), and nothing after it is seen. */
        H("a raw NUL in the path", "GET /v1/models/grok\0-4 HTTP/1.1\r\n" HOST "\r\n", 404,
          "not-found", STAYS_OPEN),
        H("%00 in the path", "GET /v1/models/grok-4%00 HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-target", CLOSES),
        H("%00 mid-path", "GET /v1/models%00/grok-4 HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-target", CLOSES),
        H("a raw SOH", "GET /v1/models/grok\x01-4 HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-target", CLOSES),
        H("a raw DEL", "GET /v1/models/grok\x7f HTTP/1.1\r\n" HOST "\r\n", 400, "invalid-target",
          CLOSES),
        H("CRLF encoded into the path",
          "GET /v1/models/x%0d%0aSet-Cookie:%20a=b HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-target", CLOSES),
        H("%00 in a value", "GET /v1/models?organization=xai%00 HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-target", CLOSES),
        H("%00 in a limit", "GET /v1/models?limit=2%00abc HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-target", CLOSES),
        H("a raw tab in a value", "GET /v1/models?organization=x\tai HTTP/1.1\r\n" HOST "\r\n",
          400, "invalid-target", CLOSES),
        H("%1B in a name", "GET /v1/models?a%1B=1 HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-target", CLOSES),
        H("SOH in a header value", "GET /livez HTTP/1.1\r\n" HOST "X-A: a\x01z\r\n\r\n", 400,
          "invalid-header", CLOSES),
        H("ESC in a header value", "GET /livez HTTP/1.1\r\n" HOST "X-A: \x1b[31m\r\n\r\n", 400,
          "invalid-header", CLOSES),
        /* libmicrohttpd ends a header value at a raw NUL: "a" is all that
         * arrives, and the request is served. */
        H("a raw NUL in a header value", "GET /livez HTTP/1.1\r\n" HOST "X-A: a\0z\r\n\r\n", 200,
          "", STAYS_OPEN),
    };
    CHECK_ALL(cases);
}
END_TEST

START_TEST(test_invalid_utf8)
{
    static const struct hostile cases[] = {
        H("%FF%FE as an id", "GET /v1/models/%FF%FE HTTP/1.1\r\n" HOST "\r\n", 404, "not-found",
          STAYS_OPEN),
        H("raw 0xFF as an id", "GET /v1/models/\xff HTTP/1.1\r\n" HOST "\r\n", 404, "not-found",
          STAYS_OPEN),
        H("a cut sequence", "GET /v1/models/%C3%28 HTTP/1.1\r\n" HOST "\r\n", 404, "not-found",
          STAYS_OPEN),
        H("an overlong '/'", "GET /v1/models/%C0%AF HTTP/1.1\r\n" HOST "\r\n", 404, "not-found",
          STAYS_OPEN),
        H("a surrogate", "GET /v1/models/%ED%A0%80 HTTP/1.1\r\n" HOST "\r\n", 404, "not-found",
          STAYS_OPEN),
        H("%C3%28 as a filter", "GET /v1/models?organization=%C3%28 HTTP/1.1\r\n" HOST "\r\n",
          400, "invalid-parameter", STAYS_OPEN),
        H("%FF as a limit", "GET /v1/models?limit=%ff HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-parameter", STAYS_OPEN),
        H("%FF as a name", "GET /v1/models?%ff=1 HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-parameter", STAYS_OPEN),
        H("%FF as a date", "GET /v1/leaderboards/humanitys-last-exam?as_of=%ff HTTP/1.1\r\n" HOST
          "\r\n", 400, "invalid-parameter", STAYS_OPEN),
    };
    CHECK_ALL(cases);
}
END_TEST

START_TEST(test_framing)
{
    static const struct hostile cases[] = {
        H("Content-Length and Transfer-Encoding",
          "POST /v1/models HTTP/1.1\r\n" HOST "Content-Length: 5\r\n"
          "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
          400, "invalid-framing", CLOSES),
        H("two different Content-Lengths",
          "POST /v1/models HTTP/1.1\r\n" HOST "Content-Length: 5\r\nContent-Length: 6\r\n\r\n"
          "abcdef",
          400, "invalid-framing", CLOSES),
        H("the same Content-Length twice",
          "POST /v1/models HTTP/1.1\r\n" HOST "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
          400, "invalid-framing", CLOSES),
        H("Transfer-Encoding: gzip",
          "POST /v1/models HTTP/1.1\r\n" HOST "Transfer-Encoding: gzip\r\n\r\nabc", 400,
          "invalid-framing", CLOSES),
        H("Transfer-Encoding on a GET", "GET /livez HTTP/1.1\r\n" HOST
          "Transfer-Encoding: identity\r\n\r\n", 400, "invalid-framing", CLOSES),
        H("chunked twice",
          "POST /v1/models HTTP/1.1\r\n" HOST "Transfer-Encoding: chunked\r\n"
          "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
          400, "invalid-framing", CLOSES),
        H("gzip, chunked",
          "POST /v1/models HTTP/1.1\r\n" HOST "Transfer-Encoding: gzip, chunked\r\n\r\n"
          "0\r\n\r\n",
          501, "transfer-coding-not-implemented", CLOSES),
        H("Transfer-Encoding in HTTP/1.0",
          "POST /v1/models HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
          "invalid-framing", CLOSES),
        H("a folded Content-Length",
          "POST /v1/models HTTP/1.1\r\n" HOST "Content-Length: 3\r\n 0\r\n\r\nabc", 400,
          "invalid-framing", CLOSES),
        H("a negative Content-Length",
          "POST /v1/models HTTP/1.1\r\n" HOST "Content-Length: -1\r\n\r\n", 400, LIBRARY,
          CLOSES),
        H("a Content-Length that is no number",
          "POST /v1/models HTTP/1.1\r\n" HOST "Content-Length: abc\r\n\r\n", 400, LIBRARY,
          CLOSES),
        H("a Content-Length list",
          "POST /v1/models HTTP/1.1\r\n" HOST "Content-Length: 2, 2\r\n\r\n{}", 400, LIBRARY,
          CLOSES),
        H("a Content-Length past 2^64",
          "POST /v1/models HTTP/1.1\r\n" HOST "Content-Length: 99999999999999999999999\r\n\r\n",
          413, LIBRARY, CLOSES),
        H("a Content-Length of 10^18",
          "POST /v1/models HTTP/1.1\r\n" HOST "Content-Length: 1000000000000000000\r\n\r\n", 413,
          "body-too-large", CLOSES),
        H("a chunk size that is no number",
          "POST /v1/models HTTP/1.1\r\n" HOST "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n"
          "0\r\n\r\n",
          400, LIBRARY, CLOSES),
        H("a chunk size past 2^64",
          "POST /v1/models HTTP/1.1\r\n" HOST "Transfer-Encoding: chunked\r\n\r\n"
          "ffffffffffffffffff\r\nabc",
          413, LIBRARY, CLOSES),
    };
    CHECK_ALL(cases);
}
END_TEST

/* A request smuggled after a body whose framing is ambiguous is never
 * answered: the 400 closes the connection before it is read. */
START_TEST(test_smuggled_request)
{
    static const char smuggle[] = "POST /v1/models HTTP/1.1\r\n" HOST "Content-Length: 45\r\n"
                                  "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                                  "GET /v1/models/grok-4 HTTP/1.1\r\n" HOST "\r\n";
    struct test_conn conn;
    struct response response;

    conn_open(&conn);
    ck_assert(test_conn_send(&conn, smuggle, sizeof smuggle - 1));
    ck_assert(read_response(&conn, false, 10, &response));
    ck_assert_int_eq(response.status, 400);
    response_free(&response);
    (void)assert_closed(&conn, 5);
    test_conn_close(&conn);
}
END_TEST

START_TEST(test_absurd_numbers)
{
    static const struct hostile cases[] = {
        H("limit -1", "GET /v1/models?limit=-1 HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-parameter", STAYS_OPEN),
        H("limit 0", "GET /v1/models?limit=0 HTTP/1.1\r\n" HOST "\r\n", 400, "invalid-parameter",
          STAYS_OPEN),
        H("limit 501", "GET /v1/models?limit=501 HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-parameter", STAYS_OPEN),
        H("limit past 2^64",
          "GET /v1/models?limit=99999999999999999999999 HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-parameter", STAYS_OPEN),
        H("limit +5", "GET /v1/models?limit=+5 HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-parameter", STAYS_OPEN),
        H("limit 1e3", "GET /v1/models?limit=1e3 HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-parameter", STAYS_OPEN),
        H("limit 0x10", "GET /v1/models?limit=0x10 HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-parameter", STAYS_OPEN),
        H("an empty limit", "GET /v1/models?limit= HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-parameter", STAYS_OPEN),
        H("a cursor of junk", "GET /v1/models?cursor=!!!! HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-parameter", STAYS_OPEN),
        H("month 13", "GET /v1/leaderboards/humanitys-last-exam?as_of=2025-13-45 HTTP/1.1\r\n" HOST
          "\r\n", 400, "invalid-parameter", STAYS_OPEN),
        H("a negative year", "GET /v1/leaderboards/humanitys-last-exam?as_of=-2025-01-01 "
          "HTTP/1.1\r\n" HOST "\r\n", 400, "invalid-parameter", STAYS_OPEN),
        H("since -1", "GET /v1/changes?since=-1 HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-parameter", STAYS_OPEN),
    };
    CHECK_ALL(cases);
}
END_TEST

/* "GET /v1/models/" + n bytes of 'a' + " HTTP/1.1", Host, the empty line;
 * the caller frees it. */
static char *long_id_request(size_t n, size_t *len)
{
    struct fr_buf out;

    fr_buf_init(&out);
    ck_assert_int_eq(fr_buf_append_str(&out, "GET /v1/models/"), FR_OK);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(fr_buf_append(&out, "a", 1), FR_OK);
    ck_assert_int_eq(fr_buf_append_str(&out, " HTTP/1.1\r\n" HOST "\r\n"), FR_OK);
    return fr_buf_steal(&out, len);
}

/* Ids of 10 KB are looked up (and not found); a request line past the
 * 16 KiB head is a 414, ours while libmicrohttpd's memory holds it, the
 * library's beyond. */
START_TEST(test_overlong_ids)
{
    static const struct {
        size_t length;
        int status;
        const char *slug;
        enum after after;
    } ids[] = {
        {10 * 1024, 404, "not-found", STAYS_OPEN},
        {20 * 1024, 414, "uri-too-long", CLOSES},
        {64 * 1024, 414, LIBRARY, CLOSES},
    };

    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        size_t len = 0;
        char *request = long_id_request(ids[i].length, &len);
        struct hostile h = {"a long id", request, len, ids[i].status, ids[i].slug, ids[i].after};
        check_hostile(&h);
        free(request);
    }
}
END_TEST

START_TEST(test_path_traversal)
{
    static const struct hostile cases[] = {
        H("/../", "GET /v1/../v1/models HTTP/1.1\r\n" HOST "\r\n", 404, "not-found", STAYS_OPEN),
        H("%2e%2e", "GET /v1/%2e%2e/v1/models HTTP/1.1\r\n" HOST "\r\n", 404, "not-found",
          STAYS_OPEN),
        H("above the root", "GET /../../etc/passwd HTTP/1.1\r\n" HOST "\r\n", 404, "not-found",
          STAYS_OPEN),
        H("an id of ..", "GET /v1/models/%2e%2e HTTP/1.1\r\n" HOST "\r\n", 404, "not-found",
          STAYS_OPEN),
        H("a dot segment", "GET /v1/models/./grok-4 HTTP/1.1\r\n" HOST "\r\n", 404,
          "not-found", STAYS_OPEN),
        H("//", "GET //v1/models HTTP/1.1\r\n" HOST "\r\n", 404, "not-found", STAYS_OPEN),
        H("a trailing /", "GET /v1/models/grok-4/ HTTP/1.1\r\n" HOST "\r\n", 404, "not-found",
          STAYS_OPEN),
        H("an encoded /", "GET /v1/models%2fgrok-4 HTTP/1.1\r\n" HOST "\r\n", 400,
          "invalid-target", CLOSES),
        H("encoded / and ..", "GET /v1/models/..%2f..%2fetc%2fpasswd HTTP/1.1\r\n" HOST "\r\n",
          400, "invalid-target", CLOSES),
        H("a backslash", "GET /v1\\models HTTP/1.1\r\n" HOST "\r\n", 404, "not-found",
          STAYS_OPEN),
        H("the absolute form", "GET http://frontier.test/etc/passwd HTTP/1.1\r\n" HOST "\r\n",
          404, "not-found", STAYS_OPEN),
    };
    CHECK_ALL(cases);
}
END_TEST

/* Methods are case-sensitive (RFC 9110 section 9.1): "get" is not GET. */
START_TEST(test_method_casing)
{
    static const struct hostile cases[] = {
        H("get", "get /v1/models/grok-4 HTTP/1.1\r\n" HOST "\r\n", 501,
          "method-not-implemented", STAYS_OPEN),
        H("Get", "Get /v1/models/grok-4 HTTP/1.1\r\n" HOST "\r\n", 501,
          "method-not-implemented", STAYS_OPEN),
        H("gEt", "gEt /v1/models/grok-4 HTTP/1.1\r\n" HOST "\r\n", 501,
          "method-not-implemented", STAYS_OPEN),
        H("head", "head /v1/models/grok-4 HTTP/1.1\r\n" HOST "\r\n", 501,
          "method-not-implemented", STAYS_OPEN),
        H("delete", "delete /v1/models/grok-4 HTTP/1.1\r\n" HOST "\r\n", 501,
          "method-not-implemented", STAYS_OPEN),
        H("TRACE", "TRACE /v1/models HTTP/1.1\r\n" HOST "\r\n", 501, "method-not-implemented",
          STAYS_OPEN),
        H("CONNECT", "CONNECT frontier.test:443 HTTP/1.1\r\n" HOST "\r\n", 501,
          "method-not-implemented", STAYS_OPEN),
        H("a made-up method", "BREW /v1/models HTTP/1.1\r\n" HOST "\r\n", 501,
          "method-not-implemented", STAYS_OPEN),
        H("PUT (known, not allowed)", "PUT /v1/models/grok-4 HTTP/1.1\r\n" HOST
          "Content-Length: 2\r\n\r\n{}", 405, "method-not-allowed", STAYS_OPEN),
    };
    CHECK_ALL(cases);
}
END_TEST

/* RFC 9112 section 3.2: HTTP/1.1 needs one Host; HTTP/1.0 may go without
 * (and closes after its answer, having no keep-alive by default). */
START_TEST(test_host)
{
    static const struct hostile cases[] = {
        H("HTTP/1.0 without Host", "GET /v1/models/grok-4 HTTP/1.0\r\n\r\n", 200, "", CLOSES),
        H("HTTP/1.1 without Host", "GET /v1/models/grok-4 HTTP/1.1\r\n\r\n", 400,
          "invalid-host", CLOSES),
        H("two Hosts", "GET /v1/models/grok-4 HTTP/1.1\r\n" HOST HOST "\r\n", 400,
          "invalid-host", CLOSES),
        H("a Host with a space", "GET /v1/models/grok-4 HTTP/1.1\r\nHost: a b\r\n\r\n", 400,
          "invalid-host", CLOSES),
        H("a Host with a path", "GET /v1/models/grok-4 HTTP/1.1\r\nHost: a/b\r\n\r\n", 400,
          "invalid-host", CLOSES),
        H("an empty Host (allowed)", "GET /livez HTTP/1.1\r\nHost:\r\n\r\n", 200, "",
          STAYS_OPEN),
    };
    CHECK_ALL(cases);
}
END_TEST

/* "GET /livez HTTP/1.1", Host, count more fields "X-<i>: v" of which one
 * has extra bytes of value more, and the empty line; the caller frees it. */
static char *many_fields(size_t count, size_t extra, size_t *len)
{
    struct fr_buf out;

    fr_buf_init(&out);
    ck_assert_int_eq(fr_buf_append_str(&out, "GET /livez HTTP/1.1\r\n" HOST), FR_OK);
    for (size_t i = 0; i < count; i++) {
        ck_assert_int_eq(fr_buf_appendf(&out, "X-%zu: v", i), FR_OK);
        for (size_t j = 0; i == 0 && j < extra; j++)
            ck_assert_int_eq(fr_buf_append(&out, "v", 1), FR_OK);
        ck_assert_int_eq(fr_buf_append_str(&out, "\r\n"), FR_OK);
    }
    ck_assert_int_eq(fr_buf_append_str(&out, "\r\n"), FR_OK);
    return fr_buf_steal(&out, len);
}

START_TEST(test_header_lines)
{
    static const struct hostile cases[] = {
        H("a line without a colon", "GET /livez HTTP/1.1\r\n" HOST "NoColonHere\r\n\r\n", 400,
          LIBRARY, CLOSES),
        H("a blank before the colon", "GET /livez HTTP/1.1\r\nHost : frontier.test\r\n\r\n", 400,
          "invalid-header", CLOSES),
        H("a name with a separator", "GET /livez HTTP/1.1\r\n" HOST "X(y): 1\r\n\r\n", 400,
          "invalid-header", CLOSES),
        H("a first line folded", "GET /livez HTTP/1.1\r\n Host: frontier.test\r\n\r\n", 400,
          "invalid-header", CLOSES),
        H("a fold with a blank in it", "GET /livez HTTP/1.1\r\n" HOST "X-A: a\r\n b c\r\n\r\n",
          400, "invalid-header", CLOSES),
        /* libmicrohttpd appends a fold to the field's name ("X-Ab"): the
         * field is lost, not misread, and the request is served. */
        H("a fold of one word", "GET /livez HTTP/1.1\r\n" HOST "X-A: a\r\n b\r\n\r\n", 200, "",
          STAYS_OPEN),
    };
    static const struct {
        size_t count, extra;
        int status;
        const char *slug;
    } sizes[] = {
        {47, 0, 200, ""},                              /* 48 fields with Host: the most */
        {48, 0, 431, "header-fields-too-large"},       /* one more */
        {1000, 0, 431, LIBRARY},                       /* past libmicrohttpd's memory */
        {1, 17 * 1024, 431, "header-fields-too-large"}, /* one field past 16 KiB */
        {1, 64 * 1024, 431, LIBRARY},
    };

    CHECK_ALL(cases);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t len = 0;
        char *request = many_fields(sizes[i].count, sizes[i].extra, &len);
        struct hostile h = {"many or large fields", request,        len,
                            sizes[i].status,        sizes[i].slug,  sizes[i].status == 200
                                                                        ? STAYS_OPEN
                                                                        : CLOSES};
        check_hostile(&h);
        free(request);
    }
}
END_TEST

/* Several requests in one write are answered in order, each as it is alone;
 * after a refusal that closes, nothing more is answered. */
START_TEST(test_pipelined)
{
    static const char pipelined[] = "GET /v1/models/grok-4 HTTP/1.1\r\n" HOST "\r\n"
                                    "GET /nope HTTP/1.1\r\n" HOST "\r\n"
                                    "HEAD /v1/models HTTP/1.1\r\n" HOST "\r\n"
                                    "GET /openapi.json HTTP/1.1\r\n" HOST "\r\n"
                                    "GET /v1/models?limit=0 HTTP/1.1\r\n" HOST "\r\n"
                                    "GET /v1/leaderboards/humanitys-last-exam HTTP/1.1\r\n" HOST
                                    "\r\n";
    static const char refused[] = "GET /livez HTTP/1.1\r\n" HOST "\r\n"
                                  "GET /livez HTTP/1.1\r\n\r\n"
                                  "GET /livez HTTP/1.1\r\n" HOST "\r\n";
    static const struct {
        size_t kept; /* its index in kept_targets; KEPT_COUNT: compare nothing */
        int status;
        bool head;
    } expected[] = {
        {0, 200, false}, {12, 404, false}, {KEPT_COUNT, 200, true},
        {13, 200, false}, {KEPT_COUNT, 400, false}, {3, 200, false},
    };
    struct test_conn conn;
    struct response response;

    conn_open(&conn);
    ck_assert(test_conn_send(&conn, pipelined, sizeof pipelined - 1));
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        ck_assert_msg(read_response(&conn, expected[i].head, 10, &response), "answer %zu", i);
        ck_assert_int_eq(response.status, expected[i].status);
        if (expected[i].kept < KEPT_COUNT) {
            size_t len = 0;
            char *bytes = normalized(&response, &len);
            ck_assert_msg(len == kept_len[expected[i].kept] &&
                              memcmp(bytes, kept[expected[i].kept], len) == 0,
                          "answer %zu differs from %s alone", i,
                          kept_targets[expected[i].kept]);
            free(bytes);
        }
        response_free(&response);
    }
    test_conn_close(&conn);

    conn_open(&conn);
    ck_assert(test_conn_send(&conn, refused, sizeof refused - 1));
    ck_assert(read_response(&conn, false, 10, &response));
    ck_assert_int_eq(response.status, 200);
    response_free(&response);
    ck_assert(read_response(&conn, false, 10, &response));
    ck_assert_int_eq(response.status, 400);
    response_free(&response);
    (void)assert_closed(&conn, 5);
    test_conn_close(&conn);
}
END_TEST

/* Half a request, then the client goes: nothing to answer, nothing broken.
 * Half a request, then silence: the server closes it at the idle timeout
 * without answering. */
START_TEST(test_half_sent)
{
    static const char *const halves[] = {
        "GET /v1/models HTTP/1.1\r\n" HOST,
        "GET /v1/mod",
        "POST /v1/models HTTP/1.1\r\n" HOST "Content-Length: 100\r\n\r\n{\"id\":",
        "POST /v1/models HTTP/1.1\r\n" HOST "Transfer-Encoding: chunked\r\n\r\n10\r\nabc",
    };
    struct test_conn conn;
    struct response response;
    double closed;

    for (size_t i = 0; i < sizeof halves / sizeof halves[0]; i++) {
        conn_open(&conn);
        ck_assert(test_conn_send(&conn, halves[i], strlen(halves[i])));
        test_conn_close(&conn);
    }
    conn_open(&conn);
    ck_assert(conn_send_text(&conn, "GET /livez HTTP/1.1\r\n" HOST "\r\n"));
    ck_assert(read_response(&conn, false, 10, &response));
    ck_assert_int_eq(response.status, 200);
    response_free(&response);
    test_conn_close(&conn);

    conn_open(&conn);
    ck_assert(test_conn_send(&conn, halves[0], strlen(halves[0])));
    closed = assert_closed(&conn, IDLE_TIMEOUT + 3);
    ck_assert_msg(closed >= IDLE_TIMEOUT - 0.5, "closed after %.2f s", closed);
    test_conn_close(&conn);
}
END_TEST

/* ---- slow clients ----------------------------------------------------------- */

struct slow {
    struct test_conn conn;
    const char *text; /* sent a byte a second */
    size_t sent;
    double first_byte; /* when its first byte went */
    double closed_at;  /* 0 while open */
    bool refused;      /* closed at once: over the per-client limit */
};

/* Opens count slow clients from address from, into slow; each sends its
 * first byte now. */
static void open_slow(struct slow *slow, size_t count, const char *from, const char *text)
{
    for (size_t i = 0; i < count; i++) {
        memset(&slow[i], 0, sizeof slow[i]);
        conn_open_from(&slow[i].conn, from);
        slow[i].text = text;
        slow[i].first_byte = now_seconds();
        slow[i].sent = test_conn_send(&slow[i].conn, text, 1) ? 1 : 0;
    }
}

/* One round: notes which slow clients the server closed (none may have been
 * answered), then sends the next byte of each that is open. */
static void dribble(struct slow *slow, size_t count, bool send)
{
    for (size_t i = 0; i < count; i++) {
        if (slow[i].closed_at != 0)
            continue;
        while (test_conn_fill(&slow[i].conn, 0) && !slow[i].conn.closed)
            continue;
        ck_assert_msg(slow[i].conn.in.len == 0, "a slow client was answered: %s",
                      slow[i].conn.in.data);
        if (slow[i].conn.closed) {
            slow[i].closed_at = now_seconds();
            continue;
        }
        if (send && slow[i].text[slow[i].sent] != '\0' &&
            test_conn_send(&slow[i].conn, slow[i].text + slow[i].sent, 1))
            slow[i].sent++;
    }
}

/*
 * Slowloris: ten connections from one address dribbling a byte a second
 * (the per-client limit closes two at once), one of them from the very
 * first byte of its request line, then twenty-four more from three other
 * addresses until every connection the server allows is taken. An ordinary
 * client is served at once while there is room, and when there is none it
 * waits only until the slow ones are cut, request_timeout after their first
 * byte (to within the watchdog's rounds). None of them is ever answered.
 */
START_TEST(test_slowloris)
{
    enum { FIRST = PER_CLIENT + 2, MORE = MAX_CONNECTIONS - PER_CLIENT, ALL = FIRST + MORE };
    static const char *const others[] = {"127.0.0.3", "127.0.0.4", "127.0.0.5"};
    static const char head[] = "GET /v1/models HTTP/1.1\r\n" HOST "X-Slow: "
                               "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    static const char line[] = "GET /v1/models/grok-4?a=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    struct slow slow[ALL];
    struct test_conn normal;
    struct response response;
    double start = now_seconds();
    double asked;
    size_t refused = 0;
    size_t round = 0;

    drain_daemon_log();
    /* The first slow client sends its request line a byte at a time. */
    open_slow(slow, 1, "127.0.0.2", line);
    open_slow(slow + 1, FIRST - 1, "127.0.0.2", head);
    for (size_t i = 1; i < FIRST; i++) /* the rest send their request line at once */
        if (test_conn_send(&slow[i].conn, head + 1, strlen("GET /v1/models HTTP/1.1\r\n") - 1))
            slow[i].sent = strlen("GET /v1/models HTTP/1.1\r\n");
    usleep(300 * 1000);
    dribble(slow, FIRST, true);
    for (size_t i = 0; i < FIRST; i++) {
        slow[i].refused = slow[i].closed_at != 0;
        refused += slow[i].refused ? 1 : 0;
    }
    ck_assert_uint_eq(refused, FIRST - PER_CLIENT);

    /* Room left: an ordinary client is served at once. */
    conn_open(&normal);
    asked = now_seconds();
    ck_assert(conn_send_text(&normal, "GET /v1/models/grok-4 HTTP/1.1\r\n" HOST "\r\n"));
    ck_assert(read_response(&normal, false, 1, &response));
    ck_assert_int_eq(response.status, 200);
    ck_assert_msg(now_seconds() - asked < 1, "the ordinary client waited %.2f s",
                  now_seconds() - asked);
    response_free(&response);
    test_conn_close(&normal);

    /* No room left: the ordinary client waits for the first cuts. */
    for (size_t i = 0; i < MORE; i++)
        open_slow(slow + FIRST + i, 1, others[i / PER_CLIENT], head);
    usleep(300 * 1000);
    conn_open(&normal);
    ck_assert(conn_send_text(&normal, "GET /v1/models/grok-4 HTTP/1.1\r\n" HOST "\r\n"));
    asked = now_seconds();
    while (!read_response(&normal, false, 1, &response)) {
        dribble(slow, ALL, true);
        drain_daemon_log();
        ck_assert_msg(now_seconds() - start < REQUEST_TIMEOUT + 6,
                      "the ordinary client was starved");
        ck_assert_msg(round++ < 20, "no answer");
    }
    ck_assert_int_eq(response.status, 200);
    response_free(&response);
    test_conn_close(&normal);

    /* Every slow client is cut, none answered, none before its deadline. */
    while (now_seconds() - start < REQUEST_TIMEOUT + 8) {
        bool open = false;
        dribble(slow, ALL, true);
        for (size_t i = 0; i < ALL; i++)
            open = open || slow[i].closed_at == 0;
        if (!open)
            break;
        usleep(1000 * 1000);
    }
    for (size_t i = 0; i < ALL; i++) {
        double lived = slow[i].closed_at - slow[i].first_byte;
        ck_assert_msg(slow[i].closed_at != 0, "slow client %zu survived its deadline", i);
        if (!slow[i].refused)
            ck_assert_msg(lived >= REQUEST_TIMEOUT - 0.5 && lived < REQUEST_TIMEOUT + 3.5,
                          "slow client %zu was closed after %.2f s", i, lived);
        test_conn_close(&slow[i].conn);
    }
    drain_daemon_log();
}
END_TEST

/* ---- after all that ------------------------------------------------------ */

/* The daemon still answers, and every response kept at the start is the same
 * byte for byte (but for Date and X-Request-Id). */
START_TEST(test_still_the_same)
{
    struct test_conn conn;

    drain_daemon_log();
    conn_open(&conn);
    for (size_t i = 0; i < KEPT_COUNT; i++) {
        size_t len = 0;
        char *bytes = fetch_normalized(&conn, kept_targets[i], &len);
        ck_assert_msg(len == kept_len[i] && memcmp(bytes, kept[i], len) == 0,
                      "GET %s changed:\n%.*s\nwas:\n%.*s", kept_targets[i], (int)len, bytes,
                      (int)kept_len[i], kept[i]);
        free(bytes);
    }
    test_conn_close(&conn);
}
END_TEST

static Suite *hostile_suite(void)
{
    Suite *suite = suite_create("hostile");
    /* One case, one daemon: the last test checks what the others did to it. */
    TCase *tc = tcase_create("hostile");

    tcase_add_unchecked_fixture(tc, daemon_start, daemon_stop);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_malformed_request_lines);
    tcase_add_test(tc, test_bad_percent_encoding);
    tcase_add_test(tc, test_nul_and_control_bytes);
    tcase_add_test(tc, test_invalid_utf8);
    tcase_add_test(tc, test_framing);
    tcase_add_test(tc, test_smuggled_request);
    tcase_add_test(tc, test_absurd_numbers);
    tcase_add_test(tc, test_overlong_ids);
    tcase_add_test(tc, test_path_traversal);
    tcase_add_test(tc, test_method_casing);
    tcase_add_test(tc, test_host);
    tcase_add_test(tc, test_header_lines);
    tcase_add_test(tc, test_pipelined);
    tcase_add_test(tc, test_half_sent);
    tcase_add_test(tc, test_slowloris);
    tcase_add_test(tc, test_still_the_same);
    suite_add_tcase(suite, tc);
    return suite;
}

int main(void)
{
    int failed = test_run_suite(hostile_suite());
    return failed == 0 && !test_daemon_failed() ? EXIT_SUCCESS : EXIT_FAILURE;
}
