/*
 * The libmicrohttpd adapter, and the only file that includes microhttpd.h.
 * It turns each libmicrohttpd request into a struct fr_request, runs the
 * router and turns the struct fr_response into a libmicrohttpd response, so
 * everything above it can be tested without sockets. It is also where a
 * request is observed whole: its id and trace context on the way in, its
 * metrics and access-log line once libmicrohttpd says it is over. And it is
 * where a request's body is collected, within the size limit, before the
 * handler sees it. libmicrohttpd 0.9.75 parses leniently, so what it hands
 * over is checked here before any handler runs (request framing, Host, the
 * header block, the request target), and the limits it lacks are built
 * here: a deadline for a whole request, kept by a watchdog thread.
 */
#include "frontier/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "frontier/access_log.h"
#include "frontier/buf.h"
#include "frontier/metrics.h"
#include "frontier/trace.h"

/* File descriptors the daemon needs besides its connections: standard
 * streams, the listening socket, the database and its journal, the access
 * log, and room for what libraries open; each pool thread adds its epoll
 * descriptor and its wake-up channel. */
#define RESERVED_FDS 64u
#define FDS_PER_THREAD 2u

/* libmicrohttpd keeps a request's head in a per-connection memory pool,
 * with its own bookkeeping (a record per header field) and the response's
 * head. The pool is made this much larger than max_header_bytes, so that
 * the library never refuses a head within the limit and the exact check in
 * check_size answers first; its own refusal (an HTML page) is left for
 * heads far over the limit. */
#define POOL_SLACK_BYTES (16u * 1024u)

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
    const struct fr_web *web;
    struct fr_http_policy policy;
    struct fr_metrics *metrics;        /* borrowed, may be NULL */
    struct fr_access_log *access_log;  /* borrowed, NULL when off */
    struct fr_edits *edits;            /* borrowed, may be NULL */
    size_t max_body_bytes;             /* never 0 */
    size_t max_header_bytes;           /* never 0 */
    unsigned request_timeout;          /* seconds, never 0 */
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
    /* Every open connection, for the watchdog (see "the request deadline"). */
    pthread_mutex_t clients_lock;
    pthread_cond_t watchdog_wake; /* on CLOCK_MONOTONIC */
    struct client *clients;       /* under clients_lock */
    pthread_t watchdog;
    bool watchdog_started;
    bool watchdog_stopping; /* under clients_lock */
    /* Requests between their arrival and their completion callback, which
     * is what a drain waits for (see "shutdown"). */
    atomic_size_t in_flight;
    atomic_bool refusing;     /* fr_server_stop_accepting ran */
};

/* Where a connection stands with respect to the request deadline. */
enum client_state {
    CLIENT_IDLE,      /* between requests; since: when it became idle */
    CLIENT_RECEIVING, /* a request is arriving; since: its first byte */
    CLIENT_ANSWERING, /* the request is whole: no deadline any more */
    CLIENT_CUT,       /* shut down by the watchdog; libmicrohttpd closes it */
};

/* One TCP connection: libmicrohttpd's socket context, from its accept to
 * its close. */
struct client {
    struct client *prev, *next; /* in server->clients, under clients_lock */
    int fd;
    pthread_mutex_t lock; /* guards state and since */
    enum client_state state;
    int64_t since; /* milliseconds on CLOCK_MONOTONIC */
    /* The current request's target as sent, before libmicrohttpd decodes
     * it (see on_target); only the connection's own thread uses these. */
    size_t target_len;
    bool target_control;       /* a control byte, raw or percent-encoded */
    bool target_space;         /* a raw space */
    bool target_encoded_slash; /* "%2F" in the path */
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
    struct client *connection_record; /* borrowed; NULL when none was made */
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

/* libmicrohttpd's unescape callback: fr_percent_decode, which keeps "%00"
 * as written (see include/frontier/http.h). */
static size_t unescape_keeping_nul(void *cls, struct MHD_Connection *connection, char *s)
{
    (void)cls;
    (void)connection;
    return fr_percent_decode(s);
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

/* Collects query arguments in the order sent; stops past the maximum. A
 * name without '=' ("?verbose") arrives with a NULL value. */
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

/* An address as text; an IPv4-mapped IPv6 address is written as the IPv4
 * address it is. Empty for other families. address is borrowed. */
static void address_text(const struct sockaddr *address, char *out, size_t size)
{
    struct sockaddr_in v4;
    struct sockaddr_in6 v6;

    out[0] = '\0';
    if (address->sa_family == AF_INET) {
        memcpy(&v4, address, sizeof v4);
        if (inet_ntop(AF_INET, &v4.sin_addr, out, (socklen_t)size) == NULL)
            out[0] = '\0';
    } else if (address->sa_family == AF_INET6) {
        memcpy(&v6, address, sizeof v6);
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

/* The peer's address as text; empty when libmicrohttpd does not know it. */
static void client_address(struct MHD_Connection *connection, char *out, size_t size)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

    out[0] = '\0';
    if (info != NULL && info->client_addr != NULL)
        address_text(info->client_addr, out, size);
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

/* ---- connections and the request deadline ----------------------------
 *
 * libmicrohttpd 0.9.75 closes a connection only when it sends nothing for
 * idle_timeout seconds, so a client that sends its request a byte at a
 * time (slowloris) keeps a connection, and its share of the connection
 * limit, for as long as it likes. So each connection records when its
 * current request began and whether it has arrived whole, and a watchdog
 * thread looks once a second and shuts down (shutdown(2): libmicrohttpd
 * then sees the connection end and closes it itself) those whose request
 * is not whole request_timeout seconds after its first byte. A whole
 * request (its head, and its body when it has one) has no deadline: a
 * response being sent, or a write waiting for the writer, is never cut.
 *
 * libmicrohttpd says nothing of a request before its request line is in
 * (on_target), so the watchdog also asks the kernel (TCP_INFO) whether an
 * idle connection has received data since it became idle: a request line
 * sent a byte at a time is on the clock too, to within a second.
 */

/* Data the kernel saw arrive this soon after a connection became idle may
 * be the end of the previous request (its clock counts in jiffies). */
#define FIRST_BYTE_MARGIN_MS 50

static int64_t monotonic_ms(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* The connection's record (its socket context); NULL when none was made. */
static struct client *client_of(struct MHD_Connection *connection)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

    return info != NULL ? info->socket_context : NULL;
}

/* A request has begun: its clock starts at now, unless the watchdog saw its
 * first bytes earlier. client is borrowed. */
static void client_receiving(struct client *client, int64_t now)
{
    pthread_mutex_lock(&client->lock);
    if (client->state == CLIENT_IDLE) {
        client->state = CLIENT_RECEIVING;
        client->since = now;
    }
    pthread_mutex_unlock(&client->lock);
}

/* The request is whole and about to be answered: nothing cuts it now.
 * False when the watchdog has already shut the connection down. client is
 * borrowed, may be NULL. */
static bool client_answering(struct client *client)
{
    bool alive = true;

    if (client == NULL)
        return true;
    pthread_mutex_lock(&client->lock);
    alive = client->state != CLIENT_CUT;
    if (alive)
        client->state = CLIENT_ANSWERING;
    pthread_mutex_unlock(&client->lock);
    return alive;
}

/* The request is over; the connection waits for the next. client is
 * borrowed, may be NULL. */
static void client_idle(struct client *client, int64_t now)
{
    if (client == NULL)
        return;
    pthread_mutex_lock(&client->lock);
    if (client->state != CLIENT_CUT) {
        client->state = CLIENT_IDLE;
        client->since = now;
    }
    pthread_mutex_unlock(&client->lock);
}

/* Whether the kernel received data on fd after since (with the margin):
 * then *at is when the latest data came, the estimate of a request's first
 * byte that is at most one watchdog round late. */
static bool data_arrived(int fd, int64_t since, int64_t now, int64_t *at)
{
    struct tcp_info info;
    socklen_t len = sizeof info;

    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0 ||
        len < offsetof(struct tcp_info, tcpi_last_data_recv) + sizeof info.tcpi_last_data_recv)
        return false;
    *at = now - (int64_t)info.tcpi_last_data_recv;
    return *at > since + FIRST_BYTE_MARGIN_MS;
}

/* Shuts the connection down (libmicrohttpd closes it when it sees that),
 * and says so with the peer's address, taken while it is still connected. */
static void cut(const struct client *client, unsigned timeout)
{
    union {
        struct sockaddr sa;
        struct sockaddr_storage storage;
    } peer;
    socklen_t peer_len = sizeof peer;
    char text[INET6_ADDRSTRLEN] = "";

    if (getpeername(client->fd, &peer.sa, &peer_len) == 0)
        address_text(&peer.sa, text, sizeof text);
    if (shutdown(client->fd, SHUT_RDWR) == 0)
        fprintf(stderr,
                "frontierd: closed the connection from %s: its request was not whole %u s "
                "after it began\n",
                text[0] != '\0' ? text : "an unknown address", timeout);
}

/* One round of the watchdog, with clients_lock held. */
static void sweep(struct fr_server *server)
{
    int64_t now = monotonic_ms();
    int64_t allowed = (int64_t)server->request_timeout * 1000;

    for (struct client *client = server->clients; client != NULL; client = client->next) {
        int64_t first = 0;

        pthread_mutex_lock(&client->lock);
        if (client->state == CLIENT_IDLE && data_arrived(client->fd, client->since, now, &first)) {
            client->state = CLIENT_RECEIVING;
            client->since = first;
        }
        if (client->state == CLIENT_RECEIVING && now - client->since >= allowed) {
            client->state = CLIENT_CUT;
            cut(client, server->request_timeout);
        }
        pthread_mutex_unlock(&client->lock);
    }
}

static void *watchdog_main(void *arg)
{
    struct fr_server *server = arg;
    struct timespec wake;

    pthread_mutex_lock(&server->clients_lock);
    while (!server->watchdog_stopping) {
        clock_gettime(CLOCK_MONOTONIC, &wake);
        wake.tv_sec += 1;
        while (!server->watchdog_stopping &&
               pthread_cond_timedwait(&server->watchdog_wake, &server->clients_lock, &wake) !=
                   ETIMEDOUT)
            continue;
        if (!server->watchdog_stopping)
            sweep(server);
    }
    pthread_mutex_unlock(&server->clients_lock);
    return NULL;
}

/* Makes the lock and condition the watchdog uses; false when it cannot. */
static bool clients_init(struct fr_server *server)
{
    pthread_condattr_t attr;
    bool ok = false;

    if (pthread_condattr_init(&attr) != 0)
        return false;
    if (pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0 &&
        pthread_cond_init(&server->watchdog_wake, &attr) == 0) {
        ok = pthread_mutex_init(&server->clients_lock, NULL) == 0;
        if (!ok)
            pthread_cond_destroy(&server->watchdog_wake);
    }
    pthread_condattr_destroy(&attr);
    return ok;
}

/* Stops the watchdog, if it runs, and frees what clients_init made. Called
 * once libmicrohttpd has closed every connection, so that the watchdog
 * keeps cutting slow requests for as long as connections are open. */
static void clients_cleanup(struct fr_server *server)
{
    if (server->watchdog_started) {
        pthread_mutex_lock(&server->clients_lock);
        server->watchdog_stopping = true;
        pthread_cond_signal(&server->watchdog_wake);
        pthread_mutex_unlock(&server->clients_lock);
        pthread_join(server->watchdog, NULL);
        server->watchdog_started = false;
    }
    pthread_mutex_destroy(&server->clients_lock);
    pthread_cond_destroy(&server->watchdog_wake);
}

/*
 * libmicrohttpd's word that a connection opened or closed: its record is
 * made and put on the watchdog's list, or taken off and freed (before the
 * library closes the socket, so the watchdog never shuts down a descriptor
 * that has been reused).
 */
static void on_connection(void *cls, struct MHD_Connection *connection, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct fr_server *server = cls;
    struct client *client = *socket_context;

    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (info == NULL)
            return;
        client = calloc(1, sizeof *client);
        if (client == NULL || pthread_mutex_init(&client->lock, NULL) != 0) {
            /* Unwatched, its request could stay open forever: not served. */
            free(client);
            (void)shutdown(info->connect_fd, SHUT_RDWR);
            return;
        }
        client->fd = info->connect_fd;
        client->state = CLIENT_IDLE;
        client->since = monotonic_ms();
        pthread_mutex_lock(&server->clients_lock);
        client->next = server->clients;
        if (server->clients != NULL)
            server->clients->prev = client;
        server->clients = client;
        pthread_mutex_unlock(&server->clients_lock);
        *socket_context = client;
    } else if (client != NULL) {
        pthread_mutex_lock(&server->clients_lock);
        if (client->prev != NULL)
            client->prev->next = client->next;
        else
            server->clients = client->next;
        if (client->next != NULL)
            client->next->prev = client->prev;
        pthread_mutex_unlock(&server->clients_lock);
        pthread_mutex_destroy(&client->lock);
        free(client);
        *socket_context = NULL;
    }
}

/*
 * libmicrohttpd passes each request target here as sent, before it splits
 * off the query and percent-decodes both: the last place where what
 * check_request refuses in it can be seen. A control byte written as %00 to
 * %1F or %7F: decoded, a NUL would cut the string short, and the others
 * would reach handlers and logs as they are. A raw space, which the library
 * takes (it looks for the version from the end of the line) where a proxy
 * in front would end the target. And an encoded '/' in the path, which
 * decoded would be a separator a proxy did not see ("/v1%2Fchanges" is not
 * "/v1/changes" to a proxy's rules). A raw NUL cannot be seen even here:
 * the library ends the target there. The request's clock starts (if the
 * watchdog has not started it already).
 */
static void *on_target(void *cls, const char *uri, struct MHD_Connection *connection)
{
    struct client *client = client_of(connection);
    bool in_path = true;
    const char *start = uri != NULL ? uri : "";
    const char *p = start;

    (void)cls;
    if (client == NULL)
        return NULL;
    client->target_control = false;
    client->target_space = false;
    client->target_encoded_slash = false;
    for (; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        int hi = c == '%' ? fr_hex_value(p[1]) : -1;
        int lo = hi >= 0 ? fr_hex_value(p[2]) : -1;
        if (c == '?')
            in_path = false;
        if (c == ' ')
            client->target_space = true;
        if (lo >= 0)
            c = (unsigned char)(hi * 16 + lo);
        if (c < 0x20 || c == 0x7f)
            client->target_control = true;
        else if (lo >= 0 && c == '/' && in_path)
            client->target_encoded_slash = true;
    }
    client->target_len = (size_t)(p - start);
    client_receiving(client, monotonic_ms());
    return NULL; /* the first call of on_request still sees *con_cls NULL */
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

/* ---- what libmicrohttpd lets through ----------------------------------
 *
 * libmicrohttpd 0.9.75 refuses some malformed requests itself (a header
 * line without a colon, a Content-Length that is not a number, a head too
 * large for its memory pool) with its own HTML page, and passes others on.
 * These are refused here, on the first call for the request, before any
 * handler runs: with a problem, and the connection closed, since what
 * follows on it cannot be trusted to be where the request says.
 */

/* Why a request is refused; status 0 when it is not. */
struct refusal {
    int status;
    const char *slug;  /* static */
    const char *title; /* static */
    char detail[256];
    size_t maximum; /* the limit broken, sent as "maximum"; 0 for none */
};

__attribute__((format(printf, 5, 6))) static void set_refusal(struct refusal *refusal,
                                                              int status, const char *slug,
                                                              const char *title,
                                                              const char *fmt, ...)
{
    va_list ap;

    refusal->status = status;
    refusal->slug = slug;
    refusal->title = title;
    va_start(ap, fmt);
    format_message(refusal->detail, sizeof refusal->detail, fmt, ap);
    va_end(ap);
}

/* What the header fields say about the request, gathered in one pass.
 * Names and values are borrowed from libmicrohttpd. */
struct head_survey {
    size_t fields;
    size_t hosts;
    const char *host; /* the first Host value */
    size_t content_lengths;
    size_t transfer_encodings;
    const char *transfer_encoding; /* the first Transfer-Encoding value */
    size_t codings;                /* transfer codings, across all fields */
    size_t chunked;                /* how many of them are chunked */
    bool chunked_last;
    const char *bad_name;  /* the first field name that is not a token */
    const char *bad_value; /* the name of the first value with a control byte */
    const char *folded;    /* the first name a folded line made (see below) */
};

/* RFC 9110 section 5.6.2: a token is one or more of these. */
static bool is_token(const char *text)
{
    if (*text == '\0')
        return false;
    for (; *text != '\0'; text++) {
        unsigned char c = (unsigned char)*text;
        bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alnum && strchr("!#$%&'*+-.^_`|~", c) == NULL)
            return false;
    }
    return true;
}

/* RFC 9110 section 5.5: a field value holds no control byte but HTAB. */
static bool has_control(const char *text)
{
    for (; *text != '\0'; text++) {
        unsigned char c = (unsigned char)*text;
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return true;
    }
    return false;
}

/* Counts the codings of one Transfer-Encoding value, a comma-separated
 * list whose empty elements are ignored (RFC 9110 section 5.6.1). */
static void survey_codings(struct head_survey *survey, const char *value)
{
    while (*value != '\0') {
        const char *end = strchrnul(value, ',');
        size_t len = (size_t)(end - value);
        while (len > 0 && (*value == ' ' || *value == '\t')) {
            value++;
            len--;
        }
        while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t'))
            len--;
        if (len > 0) {
            bool chunked = len == 7 && strncasecmp(value, "chunked", 7) == 0;
            survey->codings++;
            survey->chunked += chunked ? 1 : 0;
            survey->chunked_last = chunked;
        }
        value = *end != '\0' ? end + 1 : end;
    }
}

/*
 * libmicrohttpd 0.9.75 appends an obs-fold continuation line (one starting
 * with a blank) to the field's name, not its value: "Content-Length: 3" and
 * " 0" arrive as a field "Content-Length0" with the value 3, and the request
 * as one without a body, which is how a request is smuggled past a proxy
 * that reads the fold otherwise. A fold is invisible after that, but for the
 * fields that frame the body a name that only starts with theirs is taken
 * for one. (A continuation with a blank or separator in it makes a name that
 * is not a token, refused as such.)
 */
static bool is_folded_framing(const char *key)
{
    static const char *const framing[] = {MHD_HTTP_HEADER_CONTENT_LENGTH,
                                          MHD_HTTP_HEADER_TRANSFER_ENCODING};

    for (size_t i = 0; i < sizeof framing / sizeof framing[0]; i++) {
        size_t len = strlen(framing[i]);
        if (strncasecmp(key, framing[i], len) == 0 && key[len] != '\0')
            return true;
    }
    return false;
}

static enum MHD_Result survey_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    struct head_survey *survey = cls;

    (void)kind;
    if (value == NULL)
        value = "";
    survey->fields++;
    if (survey->bad_name == NULL && !is_token(key))
        survey->bad_name = key;
    if (survey->bad_value == NULL && has_control(value))
        survey->bad_value = key;
    if (survey->folded == NULL && is_folded_framing(key))
        survey->folded = key;
    if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0) {
        if (survey->hosts++ == 0)
            survey->host = value;
    } else if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
        survey->content_lengths++;
    } else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
        if (survey->transfer_encodings++ == 0)
            survey->transfer_encoding = value;
        survey_codings(survey, value);
    }
    return MHD_YES;
}

/* A character of a host name or address (RFC 3986 section 3.2.2: unreserved,
 * sub-delims and '%' of a pct-encoded octet). */
static bool is_host_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c != '\0' && strchr("-._~!$&'()*+,;=%", c) != NULL);
}

/* RFC 9110 section 7.2: Host is uri-host [":" port], where uri-host is a
 * name, an IPv4 address or a bracketed IP literal; empty is allowed (the
 * target has no authority). Blanks around it are not part of it. */
static bool host_valid(const char *value)
{
    size_t len = 0;
    const char *host = fr_trim_blanks(value, &len);
    size_t i = 0;

    if (len > 0 && host[0] == '[') {
        for (i = 1; i < len && host[i] != ']'; i++) {
            if (!is_host_char(host[i]) && host[i] != ':')
                return false;
        }
        if (i == len || i == 1)
            return false;
        i++;
    } else {
        while (i < len && is_host_char(host[i]))
            i++;
    }
    if (i < len && host[i] == ':') {
        for (i++; i < len && host[i] >= '0' && host[i] <= '9'; i++)
            continue;
    }
    return i == len;
}

/* The size limits: the request line, the whole head, the number of fields. */
static bool check_size(const struct fr_server *server, struct MHD_Connection *connection,
                       const struct client *client, const char *method, const char *version,
                       const struct head_survey *survey, struct refusal *refusal)
{
    size_t limit = server->max_header_bytes;
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);

    /* "METHOD target VERSION\r\n", counted as the library read it. */
    if (client != NULL && strlen(method) + client->target_len + strlen(version) + 4 > limit) {
        set_refusal(refusal, 414, "uri-too-long", "URI Too Long",
                    "the request line may be at most %zu bytes with the header fields; its "
                    "target alone is %zu bytes",
                    limit, client->target_len);
        refusal->maximum = limit;
    } else if (info != NULL && info->header_size > limit) {
        set_refusal(refusal, 431, "header-fields-too-large", "Request Header Fields Too Large",
                    "the request line and header fields may be at most %zu bytes; these are "
                    "%zu bytes",
                    limit, info->header_size);
        refusal->maximum = limit;
    } else if (survey->fields > FR_MAX_REQUEST_HEADERS) {
        set_refusal(refusal, 431, "header-fields-too-large", "Request Header Fields Too Large",
                    "a request may have at most %d header fields; this one has %zu",
                    FR_MAX_REQUEST_HEADERS, survey->fields);
        refusal->maximum = FR_MAX_REQUEST_HEADERS;
    }
    return refusal->status != 0;
}

/* How the body is delimited (RFC 9112 section 6): what libmicrohttpd would
 * read in a way a proxy in front might not (request smuggling). */
static bool check_framing(bool http10, const struct head_survey *survey,
                          struct refusal *refusal)
{
    char shown[48];

    if (survey->folded != NULL) {
        printable(survey->folded, shown, sizeof shown);
        set_refusal(refusal, 400, "invalid-framing", "Bad Request",
                    "the header field '%s' is not Content-Length or Transfer-Encoding: a "
                    "folded line (one starting with a blank, RFC 9112 section 5.2) is not "
                    "accepted",
                    shown);
    } else if (survey->transfer_encodings > 0) {
        if (http10)
            set_refusal(refusal, 400, "invalid-framing", "Bad Request",
                        "an HTTP/1.0 request cannot have a Transfer-Encoding (RFC 9112 section "
                        "6.1)");
        else if (survey->content_lengths > 0)
            set_refusal(refusal, 400, "invalid-framing", "Bad Request",
                        "a request may have Content-Length or Transfer-Encoding, not both "
                        "(RFC 9112 section 6.3)");
        else if (!survey->chunked_last || survey->chunked != 1)
            set_refusal(refusal, 400, "invalid-framing", "Bad Request",
                        "the last transfer coding must be chunked, applied once (RFC 9112 "
                        "section 6.3)");
        else if (survey->codings > 1)
            set_refusal(refusal, 501, "transfer-coding-not-implemented", "Not Implemented",
                        "chunked is the only transfer coding this server implements");
        else if (survey->transfer_encodings > 1 ||
                 strcasecmp(survey->transfer_encoding, "chunked") != 0)
            /* A list libmicrohttpd would not read as chunked (it compares
             * the whole value): write it as one plain "chunked". */
            set_refusal(refusal, 400, "invalid-framing", "Bad Request",
                        "Transfer-Encoding must be given once, as chunked");
    } else if (survey->content_lengths > 1) {
        set_refusal(refusal, 400, "invalid-framing", "Bad Request",
                    "a request may have one Content-Length; this one has %zu",
                    survey->content_lengths);
    }
    return refusal->status != 0;
}

/*
 * Everything a request is refused for before any handler sees it, checked
 * on the first call (the head is in, the body is not): the sizes, the header
 * fields' syntax, the framing, Host (RFC 9112 section 3.2: required in
 * HTTP/1.1, once, well formed) and the target. refusal->status stays 0 when
 * the request may go on. client is borrowed and may be NULL.
 */
static void check_request(const struct fr_server *server, struct MHD_Connection *connection,
                          const struct client *client, const char *method, const char *version,
                          struct refusal *refusal)
{
    struct head_survey survey;
    char shown[48];
    bool http10 = strcmp(version, MHD_HTTP_VERSION_1_0) == 0;

    memset(&survey, 0, sizeof survey);
    refusal->status = 0;
    refusal->maximum = 0;
    MHD_get_connection_values(connection, MHD_HEADER_KIND, survey_field, &survey);

    if (check_size(server, connection, client, method, version, &survey, refusal))
        return;
    if (survey.bad_name != NULL || survey.bad_value != NULL) {
        bool name = survey.bad_name != NULL;
        printable(name ? survey.bad_name : survey.bad_value, shown, sizeof shown);
        if (name)
            set_refusal(refusal, 400, "invalid-header", "Bad Request",
                        "the header field name '%s' is not a token (no blanks or separators, "
                        "RFC 9110 section 5.1)",
                        shown);
        else
            set_refusal(refusal, 400, "invalid-header", "Bad Request",
                        "the value of the header field '%s' has a control character",
                        shown);
        return;
    }
    if (check_framing(http10, &survey, refusal))
        return;
    if (survey.hosts > 1)
        set_refusal(refusal, 400, "invalid-host", "Bad Request",
                    "a request may have one Host header field; this one has %zu", survey.hosts);
    else if (survey.hosts == 0 && !http10)
        set_refusal(refusal, 400, "invalid-host", "Bad Request",
                    "an HTTP/1.1 request must have a Host header field (RFC 9112 section 3.2)");
    else if (survey.hosts == 1 && !host_valid(survey.host))
        set_refusal(refusal, 400, "invalid-host", "Bad Request",
                    "the Host header field must be a host name or address and an optional "
                    "port");
    else if (client != NULL && client->target_control)
        set_refusal(refusal, 400, "invalid-target", "Bad Request",
                    "the request target has a control character (U+0000 to U+001F or U+007F), "
                    "as sent or percent-encoded");
    else if (client != NULL && client->target_space)
        set_refusal(refusal, 400, "invalid-target", "Bad Request",
                    "the request target has a space: write it as %%20");
    else if (client != NULL && client->target_encoded_slash)
        set_refusal(refusal, 400, "invalid-target", "Bad Request",
                    "the path has an encoded '/' (%%2F), which this server does not take: "
                    "write '/' between segments");
}

/* The problem for a refusal (see check_request), closing the connection. */
static void refuse(const struct fr_request *req, struct fr_response *resp,
                   const struct refusal *refusal)
{
    json_t *extensions = NULL;

    if (refusal->maximum != 0)
        extensions = json_pack("{s:I}", "maximum", (json_int_t)refusal->maximum);
    fr_response_problem(resp, req, refusal->status, refusal->slug, refusal->title,
                        refusal->detail, extensions);
    /* libmicrohttpd closes after an answer given before the body anyway;
     * saying so keeps it true whatever the library version. */
    (void)fr_response_add_header(resp, "Connection", "close");
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
    context->connection_record = client_of(connection);
    if (server->access_log != NULL) {
        clock_gettime(CLOCK_REALTIME, &context->arrived_wall);
        client_address(connection, context->client, sizeof context->client);
    }
    fr_buf_init(&context->body);
    context->keep_body = keeps_body(fr_method_parse(method));
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
    req->method = fr_method_parse(method);
    req->method_name = method;
    req->path = url;
    req->snapshot = context->snapshot;
    req->docs = server->docs;
    req->web = server->web;
    req->metrics = server->metrics;
    req->edits = server->edits;
    req->shutting_down = atomic_load_explicit(&server->shutting_down, memory_order_relaxed);
    if (context->body_state == BODY_FINE && context->body.len > 0) {
        req->body = context->body.data;
        req->body_len = context->body.len;
    }
    MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, collect_query, req);
    MHD_get_connection_values(connection, MHD_HEADER_KIND, collect_header, req);
    fr_request_identify(req, context->trace_id);
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
 * library refuses it then). So the first call answers only what must close
 * the connection anyway: a body announced too large, refused unread, and a
 * request check_request refuses; every other answer waits for the end of
 * the body, which keeps connections alive and pipelining working.
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
    struct refusal refusal;
    uint64_t length = 0;
    enum MHD_Result result;

    refusal.status = 0;
    if (context != NULL && context->job == JOB_DONE)
        return answer_job(server, connection, context);
    if (context == NULL) {
        context = arrive(server, connection, method);
        if (context == NULL)
            return MHD_NO;
        *con_cls = context;
        check_request(server, connection, context->connection_record, method, version, &refusal);
        if (refusal.status == 0) {
            if (!announced_length(connection, &length) || length <= server->max_body_bytes)
                return MHD_YES; /* wait for the body, and for the call after it */
            context->body_state = BODY_TOO_LARGE;
        }
    } else if (*upload_data_size != 0) {
        bool go_on = take_upload(context, server->max_body_bytes, upload_data,
                                 *upload_data_size);
        *upload_data_size = 0;
        return go_on ? MHD_YES : MHD_NO;
    } else {
        length = context->received;
    }

    /* The request is whole (or refused): the deadline no longer applies. */
    if (!client_answering(context->connection_record))
        return MHD_NO; /* too late: the watchdog has shut the connection down */
    fill_request(server, connection, context, url, method, &req);
    fr_response_init(&resp);
    if (refusal.status != 0)
        refuse(&req, &resp, &refusal);
    else if (context->body_state == BODY_TOO_LARGE)
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

    client_idle(client_of(connection), monotonic_ms());
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

/*
 * Makes room under the limit on open files (RLIMIT_NOFILE) for connections
 * open at once plus what the daemon holds itself: the soft limit is raised
 * when the hard one allows, since a daemon that runs out of descriptors
 * fails every accept while its clients wait. FR_EINVAL, saying how many are
 * needed, when the hard limit is too low.
 */
static enum fr_status ensure_descriptors(unsigned connections, unsigned threads, char *error,
                                         size_t error_size)
{
    struct rlimit limit;
    unsigned long long needed = (unsigned long long)connections + RESERVED_FDS +
                                (unsigned long long)threads * FDS_PER_THREAD;

    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        set_error(error, error_size, "could not read the limit on open files: %s",
                  strerror(errno));
        return FR_EIO;
    }
    if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= needed)
        return FR_OK;
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) {
        set_error(error, error_size,
                  "max_connections %u needs %llu open files with the daemon's own, but the "
                  "limit on open files is %llu: lower max_connections or raise the limit "
                  "(ulimit -n)",
                  connections, needed, (unsigned long long)limit.rlim_max);
        return FR_EINVAL;
    }
    limit.rlim_cur = (rlim_t)needed;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
        set_error(error, error_size, "could not raise the limit on open files to %llu: %s",
                  needed, strerror(errno));
        return FR_EIO;
    }
    return FR_OK;
}

/*
 * Not MHD_quiesce_daemon: with epoll and internal threads, libmicrohttpd
 * 0.9.75 removes the listening socket from each thread's epoll set both in
 * MHD_quiesce_daemon and in the threads' own loop, without a lock, and the
 * loser of that race finds it already gone and aborts the process ("Failed
 * to remove listen FD from epoll set"; it happened once in this suite's runs).
 * So the daemon keeps accepting at the socket, and the accept policy closes
 * every new connection at once, before a byte of it is read.
 */
static enum MHD_Result admit_connection(void *cls, const struct sockaddr *addr,
                                        socklen_t addrlen)
{
    struct fr_server *server = cls;
    (void)addr;
    (void)addrlen;
    return atomic_load_explicit(&server->refusing, memory_order_relaxed) ? MHD_NO : MHD_YES;
}

enum fr_status fr_server_start(const struct fr_server_options *options,
                               struct fr_server **out, char *error, size_t error_size)
{
    struct fr_server *server = NULL;
    union address address;
    bool ipv6 = false;
    bool lock_ready = false;
    bool clients_ready = false;
    unsigned connections = options->max_connections != 0 ? options->max_connections
                                                          : FR_SERVER_CONNECTIONS_DEFAULT;
    unsigned per_client = options->max_connections_per_client != 0
                              ? options->max_connections_per_client
                              : FR_SERVER_PER_CLIENT_DEFAULT;
    unsigned idle_timeout =
        options->idle_timeout != 0 ? options->idle_timeout : FR_SERVER_IDLE_TIMEOUT_DEFAULT;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TURBO | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME;
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
    status = ensure_descriptors(connections, options->threads, error, error_size);
    if (status != FR_OK)
        goto out;

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
    if (!clients_init(server)) {
        set_error(error, error_size, "could not create the server's connection list");
        status = FR_ENOMEM;
        goto out;
    }
    clients_ready = true;
    server->routes = options->routes;
    server->docs = options->docs;
    server->web = options->web;
    server->policy = options->policy;
    server->snapshots = options->snapshots;
    server->metrics = options->metrics;
    server->access_log = options->access_log;
    server->edits = options->edits;
    server->max_body_bytes =
        options->max_body_bytes != 0 ? options->max_body_bytes : FR_SERVER_BODY_DEFAULT;
    server->max_header_bytes =
        options->max_header_bytes != 0 ? options->max_header_bytes : FR_SERVER_HEADER_DEFAULT;
    server->request_timeout = options->request_timeout != 0 ? options->request_timeout
                                                            : FR_SERVER_REQUEST_TIMEOUT_DEFAULT;
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
        flags, (uint16_t)options->port, admit_connection, server, on_request, server,
        MHD_OPTION_EXTERNAL_LOGGER, log_message, server,
        MHD_OPTION_SOCK_ADDR, &address.sa,
        MHD_OPTION_ARRAY, pool,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)per_client,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)idle_timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, server->max_header_bytes + POOL_SLACK_BYTES,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, server,
        MHD_OPTION_URI_LOG_CALLBACK, on_target, server,
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
    /* Without the watchdog a slow request would hold its connection for
     * ever: no watchdog, no server. */
    if (pthread_create(&server->watchdog, NULL, watchdog_main, server) != 0) {
        set_error(error, error_size, "could not start the request deadline's thread");
        MHD_stop_daemon(server->daemon);
        status = FR_ENOMEM;
        goto out;
    }
    server->watchdog_started = true;
    /* Without the thread, writes are answered on the polling threads. */
    server->writer_started = pthread_create(&server->writer, NULL, writer_main, server) == 0;

    *out = server;
    server = NULL;

out:
    if (server != NULL) {
        if (clients_ready)
            clients_cleanup(server);
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

void fr_server_stop_accepting(struct fr_server *server)
{
    atomic_store_explicit(&server->refusing, true, memory_order_relaxed);
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
    clients_cleanup(server);
    pthread_mutex_destroy(&server->log_lock);
    pthread_mutex_destroy(&server->jobs_lock);
    pthread_cond_destroy(&server->jobs_ready);
    free(server);
}
