/*
 * The libmicrohttpd adapter, and the only file that includes microhttpd.h.
 * It turns each libmicrohttpd request into a struct fr_request, runs the
 * router and turns the struct fr_response into a libmicrohttpd response, so
 * everything above it can be tested without sockets. It is also where a
 * request is observed whole: its id and trace context on the way in, its
 * metrics and access-log line once libmicrohttpd says it is over. And it is
 * where a request's body is collected, within the size limit, before the
 * handler sees it.
 */
#include "frontier/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "frontier/access_log.h"
#include "frontier/buf.h"
#include "frontier/metrics.h"
#include "frontier/trace.h"

/* Idle keep-alive connections are closed after this many seconds. */
#define CONNECTION_TIMEOUT_SECONDS 30u

/* A body that grows past the limit without announcing its length (chunked)
 * can only be refused once it has ended: libmicrohttpd takes no response
 * while an upload is arriving. Up to this much more is read and dropped so
 * that the client gets its 413; past it the connection is closed unanswered,
 * so an endless upload cannot hold a thread. */
#define OVERFLOW_DRAIN_BYTES (1024u * 1024u)

struct fr_server {
    struct MHD_Daemon *daemon;
    const struct fr_route *const *routes;
    struct fr_snapshot_source snapshots;
    const struct fr_docs *docs;
    struct fr_http_policy policy;
    struct fr_metrics *metrics;        /* borrowed, may be NULL */
    struct fr_access_log *access_log;  /* borrowed, NULL when off */
    struct fr_edits *edits;            /* borrowed, may be NULL */
    size_t max_body_bytes;             /* never 0 */
    unsigned port;
    atomic_bool shutting_down;
    /* While the daemon starts, the last message it logs is kept so that
     * fr_server_start can say why starting failed. */
    pthread_mutex_t log_lock;
    bool capturing;
    char start_message[256];
    /* Writes run on their own thread (see "writes off the polling threads"). */
    pthread_t writer;
    bool writer_started;
    pthread_mutex_t jobs_lock;
    pthread_cond_t jobs_ready;
    struct request_context *jobs_head, *jobs_tail;
    bool writer_stopping; /* under jobs_lock */
    /* Requests between their arrival and their completion callback, which
     * is what a drain waits for (see "shutdown"). */
    atomic_size_t in_flight;
    bool quiesced;            /* fr_server_stop_accepting ran */
    MHD_socket listen_socket; /* then: the socket it hands back */
};

/* What became of a request's body as it arrived. */
enum body_state {
    BODY_FINE,
    BODY_TOO_LARGE, /* past the limit: no longer kept, refused with 413 */
    BODY_NO_MEMORY, /* could not be kept: answered 500 */
};

/* What one request keeps between the calls libmicrohttpd makes for it, and
 * what its completion needs to count and log it: by then the request and
 * response structs of on_request are gone. */
struct request_context {
    const struct fr_snapshot *snapshot;
    /* The body as received, for methods whose body means something (not
     * GET, HEAD or OPTIONS, whose bodies are read and dropped). Freed with
     * the context. */
    struct fr_buf body;
    bool keep_body;
    uint64_t received; /* upload bytes seen, kept or not */
    enum body_state body_state;
    struct timespec arrived;      /* CLOCK_MONOTONIC, for durations */
    struct timespec arrived_wall; /* CLOCK_REALTIME, for the log; only when logging */
    bool answered;                /* a response was queued; the rest is set then */
    int status;
    enum fr_method method;
    const char *route; /* static, from the route table */
    size_t route_index;
    uint64_t body_bytes; /* what a complete send delivers: 0 for HEAD, 304, 204 */
    char trace_id[FR_TRACE_ID_LEN + 1]; /* "" when none */
    /* Only when logging: */
    char request_id[FR_REQUEST_ID_MAX + 1];
    char client[INET6_ADDRSTRLEN];      /* "" when unknown */
    char *method_name;                  /* owned copies */
    char *path;
    /* A write handed to the writer thread: its connection is suspended
     * meanwhile, and the request and response live here (owned). */
    enum { JOB_NONE, JOB_QUEUED, JOB_DONE } job;
    struct MHD_Connection *connection;
    struct fr_request *job_req;
    struct fr_response *job_resp;
    struct request_context *next_job;
};

/* ---- messages ------------------------------------------------------- */

/* Writes a formatted message into out, ending it with "..." if it is cut. */
__attribute__((format(printf, 3, 0))) static void format_message(char *out, size_t size,
                                                                  const char *fmt, va_list ap)
{
    int written;

    if (out == NULL || size == 0)
        return;
    written = vsnprintf(out, size, fmt, ap);
    if (written < 0)
        out[0] = '\0';
    else if ((size_t)written >= size && size >= 4)
        memcpy(out + size - 4, "...", 4);
}

__attribute__((format(printf, 3, 4))) static void set_error(char *error, size_t size,
                                                             const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    format_message(error, size, fmt, ap);
    va_end(ap);
}

/*
 * libmicrohttpd's own messages (bind failures, out of memory, ...). The line
 * is formatted first and written with one call so lines from the pool's
 * threads do not interleave.
 */
__attribute__((format(printf, 2, 0))) static void log_message(void *cls, const char *fmt,
                                                               va_list ap)
{
    struct fr_server *server = cls;
    char line[512];
    size_t len;

    format_message(line, sizeof line, fmt, ap);
    len = strlen(line);
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    fprintf(stderr, "frontierd: %s\n", line);

    pthread_mutex_lock(&server->log_lock);
    if (server->capturing && len > 0) {
        if (len >= sizeof server->start_message)
            len = sizeof server->start_message - 1;
        memcpy(server->start_message, line, len);
        server->start_message[len] = '\0';
    }
    pthread_mutex_unlock(&server->log_lock);
}

/* ---- requests ------------------------------------------------------- */

/* Copies client-chosen text for a log line: cut to fit, control characters
 * shown as '?', so a request cannot write lines of its own into the log. */
static void printable(const char *text, char *out, size_t size)
{
    size_t i = 0;

    for (; text[i] != '\0' && i + 1 < size; i++) {
        unsigned char c = (unsigned char)text[i];
        out[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    out[i] = '\0';
}

static void log_failure(const char *what, int status, const char *method, const char *url)
{
    char method_text[32];
    char url_text[256];

    printable(method, method_text, sizeof method_text);
    printable(url, url_text, sizeof url_text);
    fprintf(stderr, "frontierd: could not %s the %d response for %s %s\n", what, status,
            method_text, url_text);
}

/* Case-sensitive, as RFC 9110 says methods are: "get" is not GET. */
static enum fr_method parse_method(const char *method)
{
    static const struct {
        const char *name;
        enum fr_method method;
    } methods[] = {
        {"GET", FR_METHOD_GET},     {"HEAD", FR_METHOD_HEAD},   {"POST", FR_METHOD_POST},
        {"PUT", FR_METHOD_PUT},     {"PATCH", FR_METHOD_PATCH}, {"DELETE", FR_METHOD_DELETE},
        {"OPTIONS", FR_METHOD_OPTIONS},
    };

    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (strcmp(method, methods[i].name) == 0)
            return methods[i].method;
    }
    return FR_METHOD_OTHER;
}

/* Collects query arguments in the order sent; stops past the maximum. A
 * name without '=' ("?verbose") arrives with a NULL value. */
static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * Percent-decoding of the path and of query names and values, as
 * libmicrohttpd's own, except that "%00" stays as written: a decoded NUL
 * would silently cut a C string short, so "/v1/models/grok-4%00junk" would
 * find grok-4 and "limit=2%00abc" would pass as 2. Kept literal, such input
 * can only match nothing and is answered 404 or 400. Malformed escapes stay
 * as written too. Decodes in place and returns the new length.
 */
static size_t unescape_keeping_nul(void *cls, struct MHD_Connection *connection, char *s)
{
    char *out = s;
    (void)cls;
    (void)connection;
    for (const char *in = s; *in != '\0';) {
        int hi = in[0] == '%' ? hex_value(in[1]) : -1;
        int lo = hi >= 0 ? hex_value(in[2]) : -1;
        if (lo >= 0 && (hi | lo) != 0) {
            *out++ = (char)(hi * 16 + lo);
            in += 3;
        } else {
            *out++ = *in++;
        }
    }
    *out = '\0';
    return (size_t)(out - s);
}

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    struct fr_request *req = cls;
    (void)kind;
    if (req->header_count == FR_MAX_REQUEST_HEADERS)
        return MHD_NO;
    req->headers[req->header_count].name = key;
    req->headers[req->header_count].value = value ? value : "";
    req->header_count++;
    return MHD_YES;
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    struct fr_request *req = cls;

    (void)kind;
    if (key[0] == '\0' && value == NULL)
        return MHD_YES; /* "?&&limit=2": an empty pair says nothing */
    if (req->query_count == FR_MAX_QUERY_PARAMS) {
        req->query_overflow = true;
        return MHD_NO;
    }
    req->query[req->query_count].name = key;
    req->query[req->query_count].value = value;
    req->query_count++;
    return MHD_YES;
}

/* The peer's address as text; an IPv4-mapped IPv6 address is written as
 * the IPv4 address it is. Empty when libmicrohttpd does not know it. */
static void client_address(struct MHD_Connection *connection, char *out, size_t size)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    struct sockaddr_in v4;
    struct sockaddr_in6 v6;

    out[0] = '\0';
    if (info == NULL || info->client_addr == NULL)
        return;
    if (info->client_addr->sa_family == AF_INET) {
        memcpy(&v4, info->client_addr, sizeof v4);
        if (inet_ntop(AF_INET, &v4.sin_addr, out, (socklen_t)size) == NULL)
            out[0] = '\0';
    } else if (info->client_addr->sa_family == AF_INET6) {
        memcpy(&v6, info->client_addr, sizeof v6);
        const void *addr = &v6.sin6_addr;
        int family = AF_INET6;
        if (IN6_IS_ADDR_V4MAPPED(&v6.sin6_addr)) {
            addr = &v6.sin6_addr.s6_addr[12];
            family = AF_INET;
        }
        if (inet_ntop(family, addr, out, (socklen_t)size) == NULL)
            out[0] = '\0';
    }
}

/* A field value without the blanks around it, which RFC 9110 section 5.5
 * says are not part of it (libmicrohttpd drops only the leading ones):
 * returns where it starts and sets *len. NULL stays NULL. */
static const char *trim_blanks(const char *value, size_t *len)
{
    size_t n;

    *len = 0;
    if (value == NULL)
        return NULL;
    while (*value == ' ' || *value == '\t')
        value++;
    n = strlen(value);
    while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t'))
        n--;
    *len = n;
    return value;
}

/*
 * The request's id: the client's X-Request-Id when it is one we may echo,
 * else a new one. And its trace: a traceparent header that parses, and only
 * when there is exactly one, since two cannot both name the caller's span
 * (the W3C test suite treats a duplicate as invalid).
 */
static void identify(struct fr_request *req, char *trace_id)
{
    size_t len = 0;
    const char *given = trim_blanks(fr_request_header(req, "X-Request-Id"), &len);
    const char *traceparent = NULL;
    size_t traceparents = 0;
    struct fr_traceparent parsed;

    req->request_id[0] = '\0';
    if (given != NULL && len <= FR_REQUEST_ID_MAX) {
        memcpy(req->request_id, given, len);
        req->request_id[len] = '\0';
    }
    if (!fr_request_id_valid(req->request_id))
        fr_request_id_generate(req->request_id);

    trace_id[0] = '\0';
    for (size_t i = 0; i < req->header_count; i++) {
        if (strcasecmp(req->headers[i].name, "traceparent") == 0) {
            traceparent = req->headers[i].value;
            traceparents++;
        }
    }
    traceparent = trim_blanks(traceparent, &len);
    if (traceparents == 1 && fr_traceparent_parse(traceparent, len, &parsed) == FR_OK)
        memcpy(trace_id, parsed.trace_id, sizeof parsed.trace_id);
}

/* Body bytes a complete send puts on the wire: none for HEAD, and none for
 * statuses that have no content (1xx, 204, 304), whatever body_len says. */
static uint64_t body_bytes(const struct fr_request *req, const struct fr_response *resp)
{
    if (req->method == FR_METHOD_HEAD || resp->status < 200 || resp->status == 204 ||
        resp->status == 304)
        return 0;
    return resp->body_len;
}

static uint64_t elapsed_ns(const struct timespec *since)
{
    struct timespec now;
    int64_t ns;

    clock_gettime(CLOCK_MONOTONIC, &now);
    ns = (int64_t)(now.tv_sec - since->tv_sec) * 1000000000 + (now.tv_nsec - since->tv_nsec);
    return ns > 0 ? (uint64_t)ns : 0;
}

static struct MHD_Response *make_response(struct fr_response *resp)
{
    struct MHD_Response *response = NULL;

    /* A 304 keeps the body of the 200 it stands for: libmicrohttpd sends no
     * content with a 304 but states the response's size as Content-Length,
     * which RFC 9110 section 8.6 allows only when it is the 200's length. */
    if (resp->body_owned != NULL) {
        response = MHD_create_response_from_buffer(resp->body_len, resp->body_owned,
                                                   MHD_RESPMEM_MUST_FREE);
        if (response != NULL)
            resp->body_owned = NULL; /* libmicrohttpd frees it now */
    } else {
        /* Borrowed bodies live in the snapshot (or are static); the request
         * holds the snapshot until libmicrohttpd has sent them. */
        response = MHD_create_response_from_buffer(resp->body_len, (void *)resp->body,
                                                   MHD_RESPMEM_PERSISTENT);
    }
    if (response == NULL)
        return NULL;

    if (resp->content_type != NULL &&
        MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type) !=
            MHD_YES)
        goto fail;
    for (size_t i = 0; i < resp->header_count; i++) {
        if (MHD_add_response_header(response, resp->headers[i].name, resp->headers[i].value) !=
            MHD_YES)
            goto fail;
    }
    return response;

fail:
    MHD_destroy_response(response);
    return NULL;
}

/* ---- bodies --------------------------------------------------------- */

/* Methods whose body this API gives a meaning to. The bodies of the others
 * (GET, HEAD, OPTIONS) are read, counted against the limit and dropped:
 * RFC 9110 gives them no meaning, and refusing them would break clients
 * that send one anyway. */
static bool keeps_body(enum fr_method method)
{
    return (method & (FR_METHOD_POST | FR_METHOD_PUT | FR_METHOD_PATCH | FR_METHOD_DELETE)) != 0;
}

/*
 * The body length the request announces, when it announces one. Like
 * libmicrohttpd (and RFC 9112 section 6.3), Content-Length is ignored when
 * Transfer-Encoding is present. A value too large to parse is surely over
 * any limit; one that is not a number is left to libmicrohttpd, and the
 * limit is then enforced on the bytes as they arrive.
 */
static bool announced_length(struct MHD_Connection *connection, uint64_t *length)
{
    const char *value;
    char *end = NULL;
    unsigned long long parsed;

    if (MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
                                    MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL)
        return false;
    value = MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
                                        MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (value == NULL || *value < '0' || *value > '9')
        return false;
    errno = 0;
    parsed = strtoull(value, &end, 10);
    if (errno == ERANGE) {
        *length = UINT64_MAX;
        return true;
    }
    end += strspn(end, " \t");
    if (*end != '\0')
        return false;
    *length = parsed;
    return true;
}

/*
 * Keeps (or, for a method whose body is dropped, only counts) one piece of
 * the upload. Once the body is past the limit it is no longer kept; the rest
 * is drained so that the 413 can be sent when the upload ends, up to
 * OVERFLOW_DRAIN_BYTES more. Returns false when the connection should be
 * closed instead.
 */
static bool take_upload(struct request_context *context, size_t limit, const char *data,
                        size_t size)
{
    context->received += size;
    if (context->received > limit) {
        if (context->body_state != BODY_TOO_LARGE) {
            context->body_state = BODY_TOO_LARGE;
            fr_buf_cleanup(&context->body);
        }
        return context->received - limit <= OVERFLOW_DRAIN_BYTES;
    }
    if (context->keep_body && context->body_state == BODY_FINE &&
        fr_buf_append(&context->body, data, size) != FR_OK) {
        context->body_state = BODY_NO_MEMORY;
        fr_buf_cleanup(&context->body);
    }
    return true;
}

/*
 * The 413 of RFC 9110 section 15.5.14. It closes the connection: either the
 * body was never read (libmicrohttpd 0.9.75 closes after an answer queued
 * before the upload, and says so itself; saying it here too keeps that
 * true whatever the library version), or it was cut off while draining.
 */
static void refuse_too_large(const struct fr_request *req, struct fr_response *resp,
                             size_t limit, uint64_t length)
{
    struct fr_buf detail;
    enum fr_status status;

    fr_buf_init(&detail);
    status = fr_buf_appendf(&detail,
                            "a request body may be at most %zu bytes; this one is %" PRIu64
                            " bytes",
                            limit, length);
    fr_response_problem(resp, req, 413, "body-too-large", "Content Too Large",
                        status == FR_OK ? detail.data : NULL,
                        json_pack("{s:I}", "limit", (json_int_t)limit));
    /* Without room for the header libmicrohttpd still closes the connection
     * after an early answer; a drained one stays usable. */
    (void)fr_response_add_header(resp, "Connection", "close");
    fr_buf_cleanup(&detail);
}

/* ---- answering ------------------------------------------------------ */

/* The request's arrival: its context, clocks and snapshot. NULL when out
 * of memory. */
static struct request_context *arrive(struct fr_server *server,
                                      struct MHD_Connection *connection, const char *method)
{
    struct request_context *context = calloc(1, sizeof *context);

    if (context == NULL)
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, &context->arrived);
    if (server->access_log != NULL) {
        clock_gettime(CLOCK_REALTIME, &context->arrived_wall);
        client_address(connection, context->client, sizeof context->client);
    }
    fr_buf_init(&context->body);
    context->keep_body = keeps_body(parse_method(method));
    context->body_state = BODY_FINE;
    fr_metrics_request_begin(server->metrics);
    atomic_fetch_add_explicit(&server->in_flight, 1, memory_order_relaxed);
    if (server->snapshots.acquire != NULL)
        context->snapshot = server->snapshots.acquire(server->snapshots.ctx);
    return context;
}

/* Fills req from the connection; everything it points to is borrowed from
 * libmicrohttpd or the context, alive until the request completes. */
static void fill_request(const struct fr_server *server, struct MHD_Connection *connection,
                         struct request_context *context, const char *url,
                         const char *method, struct fr_request *req)
{
    memset(req, 0, sizeof *req);
    req->method = parse_method(method);
    req->method_name = method;
    req->path = url;
    req->snapshot = context->snapshot;
    req->docs = server->docs;
    req->metrics = server->metrics;
    req->edits = server->edits;
    req->shutting_down = atomic_load_explicit(&server->shutting_down, memory_order_relaxed);
    if (context->body_state == BODY_FINE && context->body.len > 0) {
        req->body = context->body.data;
        req->body_len = context->body.len;
    }
    MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, collect_query, req);
    MHD_get_connection_values(connection, MHD_HEADER_KIND, collect_header, req);
    identify(req, context->trace_id);
}

/* Finishes resp (borrowed; its owned body may be handed to libmicrohttpd),
 * keeps what the completion needs to count and log the request, and queues
 * the answer. */
static enum MHD_Result answer(struct fr_server *server, struct MHD_Connection *connection,
                              struct request_context *context, const struct fr_request *req,
                              struct fr_response *resp)
{
    struct MHD_Response *response = NULL;
    enum MHD_Result result = MHD_NO;

    fr_response_finish(req, resp, &server->policy);

    /* Taken before make_response, which may hand the body to libmicrohttpd. */
    context->status = resp->status;
    context->method = req->method;
    context->route = req->route;
    context->route_index = req->route != NULL ? req->route_index : FR_ROUTE_NONE;
    context->body_bytes = body_bytes(req, resp);
    if (server->access_log != NULL) {
        memcpy(context->request_id, req->request_id, sizeof req->request_id);
        context->method_name = strdup(req->method_name);
        context->path = strdup(req->path);
    }

    response = make_response(resp);
    if (response == NULL) {
        log_failure("create", resp->status, req->method_name, req->path);
        return MHD_NO;
    }
    result = MHD_queue_response(connection, (unsigned)resp->status, response);
    if (result != MHD_YES)
        log_failure("queue", resp->status, req->method_name, req->path);
    else
        context->answered = true;
    MHD_destroy_response(response); /* the queued response holds its own reference */
    return result;
}

/* ---- writes off the polling threads ------------------------------------
 *
 * libmicrohttpd's pool threads each own the connections they accepted, so a
 * handler that takes long (a write: a durable commit, then a new snapshot
 * built) would stall every other connection of its thread, readers
 * included. Writes therefore run on one thread of their own: the polling
 * thread suspends the write's connection, queues it and goes on serving the
 * rest; the writer runs the handler and resumes the connection, and
 * libmicrohttpd calls on_request again, which queues the answer. Writes are
 * applied one at a time anyway (src/edit/), so one thread loses nothing.
 */

static bool runs_on_writer(enum fr_method method)
{
    return method == FR_METHOD_POST || method == FR_METHOD_PUT ||
           method == FR_METHOD_PATCH || method == FR_METHOD_DELETE;
}

/* Queues the request (copied into the context; what it points to stays
 * alive while the connection is suspended). False when the writer is not
 * running or memory ran out: the caller then answers in place. */
static bool hand_to_writer(struct fr_server *server, struct MHD_Connection *connection,
                           struct request_context *context, const struct fr_request *req)
{
    if (!server->writer_started)
        return false;
    context->job_req = malloc(sizeof *context->job_req);
    context->job_resp = malloc(sizeof *context->job_resp);
    if (context->job_req == NULL || context->job_resp == NULL) {
        free(context->job_req);
        free(context->job_resp);
        context->job_req = NULL;
        context->job_resp = NULL;
        return false;
    }
    *context->job_req = *req;
    fr_response_init(context->job_resp);
    context->connection = connection;
    context->next_job = NULL;

    pthread_mutex_lock(&server->jobs_lock);
    bool open = !server->writer_stopping;
    if (open) {
        /* Suspended before the writer can see it, so that its resume never
         * comes first. */
        context->job = JOB_QUEUED;
        MHD_suspend_connection(connection);
        if (server->jobs_tail != NULL)
            server->jobs_tail->next_job = context;
        else
            server->jobs_head = context;
        server->jobs_tail = context;
        pthread_cond_signal(&server->jobs_ready);
    }
    pthread_mutex_unlock(&server->jobs_lock);
    if (!open) {
        free(context->job_req);
        free(context->job_resp);
        context->job_req = NULL;
        context->job_resp = NULL;
    }
    return open;
}

/* The writer: runs queued writes in order until stopped and drained. */
static void *writer_main(void *arg)
{
    struct fr_server *server = arg;
    for (;;) {
        pthread_mutex_lock(&server->jobs_lock);
        while (server->jobs_head == NULL && !server->writer_stopping)
            pthread_cond_wait(&server->jobs_ready, &server->jobs_lock);
        struct request_context *job = server->jobs_head;
        if (job != NULL) {
            server->jobs_head = job->next_job;
            if (server->jobs_head == NULL)
                server->jobs_tail = NULL;
        }
        pthread_mutex_unlock(&server->jobs_lock);
        if (job == NULL)
            return NULL; /* stopping, and nothing left */
        fr_router_dispatch(server->routes, job->job_req, job->job_resp);
        job->job = JOB_DONE;
        MHD_resume_connection(job->connection);
    }
}

/* The second half of a write: queues the answer the writer made. */
static enum MHD_Result answer_job(struct fr_server *server, struct MHD_Connection *connection,
                                  struct request_context *context)
{
    enum MHD_Result result = answer(server, connection, context, context->job_req,
                                    context->job_resp);
    fr_response_cleanup(context->job_resp);
    free(context->job_req);
    free(context->job_resp);
    context->job_req = NULL;
    context->job_resp = NULL;
    context->job = JOB_NONE;
    return result;
}

/*
 * libmicrohttpd calls this at least twice per request: once when the
 * headers are in, once per piece of the body, and once more after it. The
 * answer is queued on that last call: queued on the first, libmicrohttpd
 * (0.9.75) reads no body, sends no 100 Continue and closes the connection
 * after the answer, whatever the method, which would cost a new TCP
 * connection per request. It cannot be queued while the body arrives (the
 * library refuses it then). So the first call answers only a body announced
 * too large, which is refused unread; every other answer waits for the end
 * of the body, which keeps connections alive and pipelining working.
 */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection,
                                  const char *url, const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    struct fr_server *server = cls;
    struct request_context *context = *con_cls;
    struct fr_request req;
    struct fr_response resp;
    uint64_t length = 0;
    enum MHD_Result result;

    (void)version;
    if (context != NULL && context->job == JOB_DONE)
        return answer_job(server, connection, context);
    if (context == NULL) {
        context = arrive(server, connection, method);
        if (context == NULL)
            return MHD_NO;
        *con_cls = context;
        if (!announced_length(connection, &length) || length <= server->max_body_bytes)
            return MHD_YES; /* wait for the body, and for the call after it */
        context->body_state = BODY_TOO_LARGE;
    } else if (*upload_data_size != 0) {
        bool go_on = take_upload(context, server->max_body_bytes, upload_data,
                                 *upload_data_size);
        *upload_data_size = 0;
        return go_on ? MHD_YES : MHD_NO;
    } else {
        length = context->received;
    }

    fill_request(server, connection, context, url, method, &req);
    fr_response_init(&resp);
    if (context->body_state == BODY_TOO_LARGE)
        refuse_too_large(&req, &resp, server->max_body_bytes, length);
    else if (context->body_state == BODY_NO_MEMORY)
        fr_response_problem(&resp, &req, 500, "internal-error", "Internal Server Error",
                            "there was no memory to keep the request body", NULL);
    else if (runs_on_writer(req.method) && hand_to_writer(server, connection, context, &req))
        return MHD_YES; /* answered when the writer resumes the connection */
    else
        fr_router_dispatch(server->routes, &req, &resp);
    result = answer(server, connection, context, &req, &resp);
    fr_response_cleanup(&resp);
    return result;
}

/* Counts and logs an answered request. The log line is written last, so
 * whoever reads it (a test, a log shipper) finds the request counted. A
 * request whose connection died before it was sent in full is logged with
 * the bytes it is known to have sent: none. */
static void observe(struct fr_server *server, const struct request_context *context,
                    enum MHD_RequestTerminationCode toe)
{
    uint64_t duration = elapsed_ns(&context->arrived);

    fr_metrics_observe(server->metrics, context->route_index, context->method, context->status,
                       duration);
    if (server->access_log != NULL) {
        struct fr_access_entry entry = {
            .time = context->arrived_wall,
            .method = context->method_name,
            .route = context->route,
            .path = context->path,
            .status = context->status,
            .bytes = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? context->body_bytes : 0,
            .duration_ns = duration,
            .request_id = context->request_id,
            .trace_id = context->trace_id[0] != '\0' ? context->trace_id : NULL,
            .client = context->client[0] != '\0' ? context->client : NULL,
        };
        (void)fr_access_log_write(server->access_log, &entry); /* a lost line is not fatal */
    }
}

/* The request is over (sent, or the connection died): it is counted and
 * logged, and the snapshot its borrowed body pointed into may go now. */
static void on_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct fr_server *server = cls;
    struct request_context *context = *con_cls;

    (void)connection;
    if (context == NULL)
        return;
    fr_metrics_request_end(server->metrics);
    atomic_fetch_sub_explicit(&server->in_flight, 1, memory_order_relaxed);
    if (context->answered)
        observe(server, context, toe);
    if (context->snapshot != NULL && server->snapshots.release != NULL)
        server->snapshots.release(server->snapshots.ctx, context->snapshot);
    fr_buf_cleanup(&context->body);
    if (context->job_resp != NULL)
        fr_response_cleanup(context->job_resp);
    free(context->job_req);
    free(context->job_resp);
    free(context->method_name);
    free(context->path);
    free(context);
    *con_cls = NULL;
}

/* ---- the daemon ----------------------------------------------------- */

union address {
    struct sockaddr sa;
    struct sockaddr_in v4;
    struct sockaddr_in6 v6;
};

/* Parses an IPv4 or IPv6 literal; sets *ipv6 for the latter. */
static bool parse_address(const char *bind, unsigned port, union address *address, bool *ipv6)
{
    memset(address, 0, sizeof *address);
    if (inet_pton(AF_INET, bind, &address->v4.sin_addr) == 1) {
        address->v4.sin_family = AF_INET;
        address->v4.sin_port = htons((uint16_t)port);
        *ipv6 = false;
        return true;
    }
    if (inet_pton(AF_INET6, bind, &address->v6.sin6_addr) == 1) {
        address->v6.sin6_family = AF_INET6;
        address->v6.sin6_port = htons((uint16_t)port);
        *ipv6 = true;
        return true;
    }
    return false;
}

enum fr_status fr_server_start(const struct fr_server_options *options,
                               struct fr_server **out, char *error, size_t error_size)
{
    struct fr_server *server = NULL;
    union address address;
    bool ipv6 = false;
    bool lock_ready = false;
    /* MHD_USE_ITC lets fr_server_drain quiesce the pool's threads (suspend
     * and resume imply it too, but a drain must not depend on that). */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TURBO | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC;
    const union MHD_DaemonInfo *info;
    int saved_errno;
    struct MHD_OptionItem pool[] = {{MHD_OPTION_END, 0, NULL}, {MHD_OPTION_END, 0, NULL}};
    enum fr_status status = FR_OK;

    *out = NULL;
    if (options->bind == NULL || !parse_address(options->bind, options->port, &address, &ipv6)) {
        set_error(error, error_size, "the bind address '%s' is not an IPv4 or IPv6 literal",
                  options->bind != NULL ? options->bind : "");
        status = FR_EINVAL;
        goto out;
    }
    if (options->port > 65535) {
        set_error(error, error_size, "the port %u is not between 0 and 65535", options->port);
        status = FR_EINVAL;
        goto out;
    }
    if (options->threads == 0) {
        set_error(error, error_size, "the server needs at least one thread");
        status = FR_EINVAL;
        goto out;
    }

    server = calloc(1, sizeof *server);
    if (server == NULL) {
        set_error(error, error_size, "out of memory starting the server");
        status = FR_ENOMEM;
        goto out;
    }
    if (pthread_mutex_init(&server->log_lock, NULL) != 0) {
        set_error(error, error_size, "could not create the server's log lock");
        status = FR_ENOMEM;
        goto out;
    }
    lock_ready = true;
    pthread_mutex_init(&server->jobs_lock, NULL);
    pthread_cond_init(&server->jobs_ready, NULL);
    server->routes = options->routes;
    server->docs = options->docs;
    server->policy = options->policy;
    server->snapshots = options->snapshots;
    server->metrics = options->metrics;
    server->access_log = options->access_log;
    server->edits = options->edits;
    server->max_body_bytes =
        options->max_body_bytes != 0 ? options->max_body_bytes : FR_SERVER_BODY_DEFAULT;
    atomic_init(&server->shutting_down, false);

    /* epoll scales best with many idle keep-alive connections; a build of
     * libmicrohttpd without it still works with poll(). */
    if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES)
        flags |= MHD_USE_EPOLL;
    else
        flags |= MHD_USE_POLL;
    if (ipv6)
        flags |= MHD_USE_IPv6;

    /* One thread is the internal polling thread alone; libmicrohttpd warns
     * about a pool size of 0 or 1, so the option is only given for a pool. */
    if (options->threads > 1) {
        pool[0].option = MHD_OPTION_THREAD_POOL_SIZE;
        pool[0].value = (intptr_t)options->threads;
    }

    server->capturing = true;
    errno = 0;
    /* The logger comes first so that start-up messages reach it too. */
    server->daemon = MHD_start_daemon(
        flags, (uint16_t)options->port, NULL, NULL, on_request, server,
        MHD_OPTION_EXTERNAL_LOGGER, log_message, server,
        MHD_OPTION_SOCK_ADDR, &address.sa,
        MHD_OPTION_ARRAY, pool,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CONNECTION_TIMEOUT_SECONDS,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, server,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape_keeping_nul, NULL,
        MHD_OPTION_END);
    saved_errno = errno;

    pthread_mutex_lock(&server->log_lock);
    server->capturing = false;
    pthread_mutex_unlock(&server->log_lock);

    if (server->daemon == NULL) {
        const char *reason = server->start_message[0] != '\0' ? server->start_message
                             : saved_errno != 0           ? strerror(saved_errno)
                                                          : "unknown reason";
        set_error(error, error_size, "could not listen on %s port %u: %s", options->bind,
                  options->port, reason);
        status = FR_EIO;
        goto out;
    }

    info = MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
    server->port = info != NULL && info->port != 0 ? info->port : options->port;
    /* Without the thread, writes are answered on the polling threads. */
    server->writer_started = pthread_create(&server->writer, NULL, writer_main, server) == 0;

    *out = server;
    server = NULL;

out:
    if (server != NULL) {
        if (lock_ready) {
            pthread_mutex_destroy(&server->log_lock);
            pthread_mutex_destroy(&server->jobs_lock);
            pthread_cond_destroy(&server->jobs_ready);
        }
        free(server);
    }
    return status;
}

unsigned fr_server_port(const struct fr_server *server)
{
    return server->port;
}

/* ---- shutdown --------------------------------------------------------
 *
 * A drain: health checks turn 503 (fr_server_begin_shutdown), the listening
 * socket stops accepting, the requests in flight finish, then the daemon
 * stops and closes every connection left, the idle keep-alive ones among
 * them. "In flight" runs from a request's first handler call (its headers
 * are in) to its completion callback (its response sent, or its
 * connection gone), so a write waiting for the writer thread counts, and
 * so does a response still being sent to a slow reader.
 */

/* How often fr_server_drain looks at the count. Completions do not signal
 * it, so that the request path takes no lock for the sake of a shutdown;
 * a few milliseconds of polling while stopping cost nothing. */
#define DRAIN_POLL_NS 5000000L

void fr_server_begin_shutdown(struct fr_server *server)
{
    atomic_store_explicit(&server->shutting_down, true, memory_order_relaxed);
}

size_t fr_server_in_flight(const struct fr_server *server)
{
    return atomic_load_explicit(&server->in_flight, memory_order_relaxed);
}

/*
 * MHD_quiesce_daemon takes the listening socket out of the threads' polling
 * sets but leaves it open, and libmicrohttpd says it must stay open until
 * MHD_stop_daemon has run (a thread may still hold it). Open and unpolled,
 * it would go on completing handshakes into its backlog, and those clients
 * would wait for nothing. shutdown() ends the listening instead: the
 * kernel refuses new connections (and resets those in the backlog) while
 * the descriptor stays valid. It is closed in fr_server_free.
 */
void fr_server_stop_accepting(struct fr_server *server)
{
    MHD_socket listen_socket;

    if (server->quiesced)
        return;
    listen_socket = MHD_quiesce_daemon(server->daemon);
    if (listen_socket == MHD_INVALID_SOCKET)
        return;
    server->quiesced = true;
    server->listen_socket = listen_socket;
    (void)shutdown(listen_socket, SHUT_RDWR); /* only fails for a socket not listening */
}

size_t fr_server_drain(struct fr_server *server, unsigned timeout_ms)
{
    struct timespec start;
    const struct timespec pause = {0, DRAIN_POLL_NS};
    size_t left;

    clock_gettime(CLOCK_MONOTONIC, &start);
    fr_server_begin_shutdown(server);
    fr_server_stop_accepting(server);
    while ((left = fr_server_in_flight(server)) > 0 &&
           elapsed_ns(&start) < (uint64_t)timeout_ms * 1000000u)
        nanosleep(&pause, NULL);
    return left;
}

/* The writer finishes the writes queued (and resumes their connections)
 * first, since libmicrohttpd must not stop with a connection suspended;
 * writes that arrive after are answered in place. MHD_stop_daemon then
 * joins the pool's threads, closing every connection: a request still in
 * flight is cut (its completion callback runs with
 * MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN and releases its snapshot) before
 * this returns. */
void fr_server_free(struct fr_server *server)
{
    if (server == NULL)
        return;
    if (server->writer_started) {
        pthread_mutex_lock(&server->jobs_lock);
        server->writer_stopping = true;
        pthread_cond_signal(&server->jobs_ready);
        pthread_mutex_unlock(&server->jobs_lock);
        pthread_join(server->writer, NULL);
    }
    if (server->daemon != NULL)
        MHD_stop_daemon(server->daemon);
    /* A quiesced daemon leaves its listening socket to the caller. */
    if (server->quiesced)
        close(server->listen_socket);
    pthread_mutex_destroy(&server->log_lock);
    pthread_mutex_destroy(&server->jobs_lock);
    pthread_cond_destroy(&server->jobs_ready);
    free(server);
}
