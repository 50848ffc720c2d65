/*
 * The HTTP server: a libmicrohttpd daemon with an internal thread pool and
 * epoll. It borrows a snapshot for each request from a snapshot source and
 * dispatches through the route tables.
 */
#ifndef FRONTIER_SERVER_H
#define FRONTIER_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "frontier/http.h"
#include "frontier/status.h"

struct fr_snapshot;
struct fr_docs;
struct fr_web;
struct fr_metrics;
struct fr_access_log;

/* Where requests get their snapshot: acquire returns a referenced snapshot
 * (or NULL when none is loaded), release drops that reference. Both must be
 * safe to call from many threads. The server acquires once per request and
 * releases once the response has been sent (never for NULL), since borrowed
 * bodies point into the snapshot. */
struct fr_snapshot_source {
    const struct fr_snapshot *(*acquire)(void *ctx);
    void (*release)(void *ctx, const struct fr_snapshot *snapshot);
    void *ctx;
};

struct fr_server_options {
    const char *bind;   /* IPv4 or IPv6 literal */
    unsigned port;      /* 0 picks a free port */
    unsigned threads;   /* size of the thread pool, at least 1 */
    const struct fr_route *const *routes; /* NULL-ended list of tables, borrowed */
    struct fr_snapshot_source snapshots;
    const struct fr_docs *docs; /* borrowed, may be NULL; outlives the server */
    const struct fr_web *web;   /* borrowed, may be NULL; outlives the server */
    struct fr_http_policy policy; /* its strings borrowed; they outlive the server */
    /* Both borrowed, may be NULL (not kept, off); they outlive the server.
     * metrics must have been made for the same route tables as routes. */
    struct fr_metrics *metrics;
    struct fr_access_log *access_log;
    /* Request bodies larger than this are refused with 413 (before reading
     * them when Content-Length says so); 0 means FR_SERVER_BODY_DEFAULT. */
    size_t max_body_bytes;
    /* Limits on connections and on how requests arrive; 0 means the
     * FR_SERVER_*_DEFAULT below. Past max_connections open at once, new
     * ones wait in the kernel's listen queue until one closes; one past
     * max_connections_per_client from one address is closed as soon as it
     * is accepted. One on which nothing is received or sent for
     * idle_timeout seconds is closed; so is one whose request (head and
     * body) is not whole
     * request_timeout seconds after its first byte (checked once a second;
     * a response being sent is never cut). A request head (request line
     * and header fields, line ends included) over max_header_bytes is
     * refused: 414 when the request line alone is over, else 431. */
    unsigned max_connections;
    unsigned max_connections_per_client;
    unsigned idle_timeout;
    unsigned request_timeout;
    size_t max_header_bytes;
    struct fr_edits *edits; /* borrowed, may be NULL; outlives the server */
};

#define FR_SERVER_BODY_DEFAULT (256u * 1024u)
#define FR_SERVER_CONNECTIONS_DEFAULT 1024u
#define FR_SERVER_PER_CLIENT_DEFAULT 64u
#define FR_SERVER_IDLE_TIMEOUT_DEFAULT 15u
#define FR_SERVER_REQUEST_TIMEOUT_DEFAULT 30u
#define FR_SERVER_HEADER_DEFAULT (16u * 1024u)

struct fr_server;

/* Starts serving. On failure, error holds one sentence (e.g. the bind address
 * and the OS's reason). Raises the soft limit on open files when
 * max_connections needs more (within the hard limit); FR_EINVAL when even
 * the hard limit is too low. The caller frees the server with
 * fr_server_free(). */
enum fr_status fr_server_start(const struct fr_server_options *options,
                               struct fr_server **out, char *error, size_t error_size);

/* The port actually bound (useful with port 0). */
unsigned fr_server_port(const struct fr_server *server);

/* Marks the server as draining: health checks answer 503 from now on. It
 * goes on accepting connections and answering requests. */
void fr_server_begin_shutdown(struct fr_server *server);

/* Requests in flight: from the arrival of a request's headers until its
 * response has been sent (or its connection has gone). Safe from any
 * thread. */
size_t fr_server_in_flight(const struct fr_server *server);

/* Stops taking connections for good: each new one is closed as soon as it
 * is accepted, before anything on it is read or answered. Connections
 * already open are still served. Calling it again does nothing. */
void fr_server_stop_accepting(struct fr_server *server);

/* The graceful part of a shutdown: fr_server_begin_shutdown, then
 * fr_server_stop_accepting, then waits until no request is in flight or
 * timeout_ms has passed. Requests already in flight finish, writes
 * included; connections already open may still bring new requests
 * meanwhile, which are answered (/readyz with 503). Returns the number of
 * requests still in flight (0: drained). Call it from one thread; then
 * fr_server_free. */
size_t fr_server_drain(struct fr_server *server, unsigned timeout_ms);

/* Stops the daemon and frees everything; NULL is allowed. The writes queued
 * for the writer thread are finished first; every other request still in
 * flight is cut (its connection closed), as is every open connection, idle
 * keep-alive ones included. */
void fr_server_free(struct fr_server *server);

#endif
