/*
 * Our own request and response types. Handlers in src/api/ see only these,
 * never libmicrohttpd, so tests call them in-process without sockets. The
 * adapter (src/http/server.c) fills a request, runs the router and turns the
 * response into a libmicrohttpd one.
 */
#ifndef FRONTIER_HTTP_H
#define FRONTIER_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "frontier/status.h"

struct fr_snapshot;
struct fr_docs;

enum fr_method {
    FR_METHOD_GET = 1 << 0,
    FR_METHOD_HEAD = 1 << 1,
    FR_METHOD_POST = 1 << 2,
    FR_METHOD_PUT = 1 << 3,
    FR_METHOD_PATCH = 1 << 4,
    FR_METHOD_DELETE = 1 << 5,
    FR_METHOD_OPTIONS = 1 << 6,
    FR_METHOD_OTHER = 1 << 7, /* anything else, e.g. TRACE or "get" */
};

#define FR_MAX_QUERY_PARAMS 32
#define FR_MAX_PATH_PARAMS 4

struct fr_query_param {
    const char *name;  /* percent-decoded, borrowed */
    const char *value; /* percent-decoded, borrowed; NULL for "?verbose" */
};

struct fr_request {
    enum fr_method method;
    const char *method_name; /* as received, borrowed */
    const char *path;        /* percent-decoded path without the query, borrowed */
    struct fr_query_param query[FR_MAX_QUERY_PARAMS];
    size_t query_count;
    bool query_overflow; /* more than FR_MAX_QUERY_PARAMS were sent */
    const char *path_params[FR_MAX_PATH_PARAMS]; /* "{id}" captures, set by the router */
    size_t path_param_count;
    const struct fr_snapshot *snapshot; /* borrowed; NULL when no model is loaded */
    const struct fr_docs *docs;         /* borrowed; NULL when not loaded */
    bool shutting_down;                 /* the daemon is draining */
};

#define FR_MAX_EXTRA_HEADERS 4

struct fr_header {
    const char *name;  /* static */
    char value[256];
};

struct fr_response {
    int status;
    const char *content_type; /* static */
    /* The body is either borrowed (body, alive as long as the request's
     * snapshot) or owned (body_owned, freed with free() by fr_response_cleanup
     * or the adapter). body points at body_owned when owned. */
    const char *body;
    size_t body_len;
    char *body_owned;
    struct fr_header headers[FR_MAX_EXTRA_HEADERS];
    size_t header_count;
};

/* A new response is a 500 internal-error problem (a static body), so a
 * handler that never sets one answers 500. cleanup frees an owned body and
 * leaves the response as init does. Setting a body keeps the headers added. */
void fr_response_init(struct fr_response *resp);
void fr_response_cleanup(struct fr_response *resp);

/* A 200 (or other status) with a body that outlives the request: no copy. */
void fr_response_borrow(struct fr_response *resp, int status, const char *content_type,
                        const char *body, size_t len);
/* Takes ownership of body (allocated with malloc; freed even on failure). A
 * NULL body (a failed allocation passed straight through) answers 500. */
void fr_response_take(struct fr_response *resp, int status, const char *content_type,
                      char *body, size_t len);
/* Renders json (borrowed, not changed) as the body. 500 problem on failure. */
void fr_response_json(struct fr_response *resp, int status, const json_t *json);
/* Adds a header; FR_EINVAL when there is no room or the value is too long. */
enum fr_status fr_response_add_header(struct fr_response *resp, const char *name,
                                      const char *value);

/*
 * Problem details (RFC 9457), served as application/problem+json:
 *   {"type": "/problems/<slug>", "title": ..., "status": ..., "detail": ...,
 *    "instance": <request path>, ...extensions}
 * extensions (may be NULL) is an object whose members are added at top level;
 * the reference is stolen.
 */
void fr_response_problem(struct fr_response *resp, const struct fr_request *req,
                         int status, const char *slug, const char *title,
                         const char *detail, json_t *extensions);

/* The common problem for one bad query parameter: 400 invalid-parameter with
 * {"parameter": name, "value": value (or null), "allowed": allowed} where
 * allowed is a short English description of what is accepted. */
void fr_response_bad_param(struct fr_response *resp, const struct fr_request *req,
                           const char *name, const char *value, const char *reason,
                           const char *allowed);

/* A JSON string for text that came from the network (a path, a query value),
 * which need not be UTF-8: each ill-formed byte becomes U+FFFD. NULL text
 * gives JSON null. Returns a new reference, NULL only when memory ran out. */
json_t *fr_json_string_lossy(const char *text);

#define FR_CONTENT_JSON "application/json"
#define FR_CONTENT_PROBLEM "application/problem+json"
#define FR_CONTENT_TEXT "text/plain; charset=utf-8"

/* ---- routing -------------------------------------------------------- */

typedef void (*fr_handler)(const struct fr_request *req, struct fr_response *resp);

/* One resource's routes; tables end with an entry whose pattern is NULL.
 * Patterns are literal segments and "{name}" captures of one segment, e.g.
 * "/v1/models/{id}". methods is a mask of enum fr_method; GET implies HEAD. */
struct fr_route {
    unsigned methods;
    const char *pattern;
    fr_handler handler;
};

/* Finds the route for req (setting its path_params) and calls the handler.
 * No route for the path: 404 not-found problem. A route for the path but not
 * the method: 405 method-not-allowed with an Allow header listing the
 * methods. tables ends with NULL. */
/* "GET", "HEAD", ... for one method bit; NULL for FR_METHOD_OTHER. Static. */
const char *fr_method_name(enum fr_method method);

void fr_router_dispatch(const struct fr_route *const *tables, struct fr_request *req,
                        struct fr_response *resp);

/* The value of query parameter name, or NULL when absent (found is false) or
 * given without a value (found is true). */
const char *fr_request_query(const struct fr_request *req, const char *name, bool *found);

/*
 * Checks the query against the parameters an operation accepts (NULL-ended):
 * an unknown name, a repeated name or too many parameters answers 400 naming
 * the parameter and listing the accepted ones, and returns FR_EINVAL.
 */
enum fr_status fr_request_check_query(const struct fr_request *req,
                                      const char *const *accepted,
                                      struct fr_response *resp);

#endif
