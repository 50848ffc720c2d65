/*
 * What every response gets on its way out, whatever handler made it: the
 * request id, CORS, a 406 instead of a 200 to a read whose media type the
 * client's Accept refuses, and for a 200 to GET or HEAD its strong ETag,
 * Cache-Control, gzip when the client takes it and the body is worth it, and
 * a 304 when the client's copy is current. The answer to a write that sends
 * the record back (a 201, a 200 to PATCH) gets the ETag a GET of that body
 * would, so the client can use it in If-Match. Pre-rendered representations
 * bring their ETag and gzip copy with them; other bodies are hashed and
 * compressed here.
 */
#include "frontier/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "frontier/buf.h"
#include "frontier/negotiate.h"

/* The request headers a browser may send cross-origin to this API: those of
 * reads, and those of writes (a bearer token, a JSON body, the ETag a PATCH
 * or DELETE is conditional on, a POST's idempotency key). */
#define CORS_ALLOWED_HEADERS                                                                  \
    "Accept, Authorization, Content-Type, Idempotency-Key, If-Match, If-None-Match, "         \
    "X-Request-Id, traceparent"
/* The response headers a script may read besides the safelisted ones:
 * Location names what a POST created. */
#define CORS_EXPOSED_HEADERS "ETag, Link, Location, X-Request-Id"

/* The value of a header the response already has (the last one), or NULL. */
static const char *response_header(const struct fr_response *resp, const char *name)
{
    const char *value = NULL;
    for (size_t i = 0; i < resp->header_count; i++) {
        if (strcasecmp(resp->headers[i].name, name) == 0)
            value = resp->headers[i].value;
    }
    return value;
}

static bool origin_allowed(const struct fr_http_policy *policy, const char *origin,
                           bool *any)
{
    *any = true;
    if (!policy->cors_origins || !policy->cors_origins[0])
        return true;
    for (const char *const *o = policy->cors_origins; *o; o++) {
        if (strcmp(*o, "*") == 0)
            return true;
    }
    *any = false;
    for (const char *const *o = policy->cors_origins; *o; o++) {
        if (strcmp(*o, origin) == 0)
            return true;
    }
    return false;
}

/* CORS (the Fetch standard): an allowed origin gets Access-Control-Allow-
 * Origin, "*" when any origin is allowed, else the origin echoed (and the
 * response varies on Origin); a preflight also learns methods, headers and
 * how long to cache the answer. */
static void add_cors(const struct fr_request *req, struct fr_response *resp,
                     const struct fr_http_policy *policy)
{
    const char *origin = fr_request_header(req, "Origin");
    bool any = true;
    bool allowed = origin_allowed(policy, origin ? origin : "", &any) && origin;
    if (!any)
        resp->vary |= FR_VARY_ORIGIN; /* the answer depends on who asks */
    if (!allowed)
        return;
    fr_response_add_header(resp, "Access-Control-Allow-Origin", any ? "*" : origin);
    const char *preflight = fr_request_header(req, "Access-Control-Request-Method");
    if (req->method == FR_METHOD_OPTIONS && preflight) {
        const char *allow = response_header(resp, "Allow");
        char max_age[24];
        snprintf(max_age, sizeof(max_age), "%u", policy->cors_max_age);
        if (allow)
            fr_response_add_header(resp, "Access-Control-Allow-Methods", allow);
        fr_response_add_header(resp, "Access-Control-Allow-Headers", CORS_ALLOWED_HEADERS);
        fr_response_add_header(resp, "Access-Control-Max-Age", max_age);
    } else {
        fr_response_add_header(resp, "Access-Control-Expose-Headers", CORS_EXPOSED_HEADERS);
    }
}

static void add_vary(struct fr_response *resp)
{
    char vary[64] = "";
    size_t used = 0;
    static const struct {
        unsigned bit;
        const char *name;
    } fields[] = {
        {FR_VARY_ACCEPT, "Accept"},
        {FR_VARY_ACCEPT_ENCODING, "Accept-Encoding"},
        {FR_VARY_ORIGIN, "Origin"},
    };
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (resp->vary & fields[i].bit)
            used += (size_t)snprintf(vary + used, sizeof(vary) - used, "%s%s",
                                     used ? ", " : "", fields[i].name);
    }
    if (used)
        fr_response_add_header(resp, "Vary", vary);
}

/* "application/json" of "application/json; charset=utf-8" into out; false
 * if it does not fit (no type of ours is that long). */
static bool media_type_of(const char *content_type, char *out, size_t size)
{
    size_t len = strcspn(content_type, ";");
    while (len > 0 && (content_type[len - 1] == ' ' || content_type[len - 1] == '\t'))
        len--;
    if (len == 0 || len >= size)
        return false;
    memcpy(out, content_type, len);
    out[len] = '\0';
    return true;
}

/* "a", "a or b", "a, b or c". */
static enum fr_status append_alternatives(struct fr_buf *out, const char *const *types)
{
    enum fr_status status = FR_OK;
    for (size_t i = 0; types[i] && status == FR_OK; i++) {
        if (i > 0)
            status = fr_buf_append_str(out, types[i + 1] ? ", " : " or ");
        if (status == FR_OK)
            status = fr_buf_append_str(out, types[i]);
    }
    return status;
}

/*
 * A 200 whose media type Accept gives q=0, or does not list at all, becomes
 * a 406 naming what the resource can send (RFC 9110 sections 12.5.1 and
 * 15.5.7). The 406 itself is a problem document sent whatever Accept says
 * (section 12.5.1 lets a server disregard Accept), and it varies on Accept.
 * No Accept means anything goes, and so does an empty one, which is more
 * often a client clearing a default than one refusing everything. A
 * representation the URL chose (?format=) is not second-guessed.
 */
static void refuse_unacceptable(const struct fr_request *req, struct fr_response *resp)
{
    const char *accept = fr_request_header(req, "Accept");
    char type[128];
    if (!accept || accept[strspn(accept, " \t")] == '\0' || resp->format_chosen ||
        !resp->content_type || !media_type_of(resp->content_type, type, sizeof(type)))
        return;
    if (fr_accept_quality(accept, type, true) > 0)
        return;
    /* A "+json" type (health, problem details) is JSON to a client that
     * asks for JSON (RFC 6839's structured syntax suffix), when the type
     * itself is not listed. */
    size_t len = strlen(type);
    if (len > 5 && strcmp(type + len - 5, "+json") == 0 &&
        fr_accept_quality(accept, type, true) < 0 &&
        fr_accept_quality(accept, "application/json", true) > 0)
        return;

    const char *single[] = {type, NULL};
    const char *const *types = resp->media_types ? resp->media_types : single;
    struct fr_buf detail;
    json_t *available = json_array();
    fr_buf_init(&detail);
    enum fr_status status = fr_buf_append_str(&detail, "this resource is available as ");
    if (status == FR_OK)
        status = append_alternatives(&detail, types);
    for (size_t i = 0; types[i] && available && status == FR_OK; i++) {
        if (json_array_append_new(available, json_string(types[i])))
            status = FR_ENOMEM;
    }
    if (status == FR_OK && available) {
        fr_response_problem(resp, req, 406, "not-acceptable", "Not Acceptable", detail.data,
                            json_pack("{s:O}", "available", available));
    } else {
        fr_response_problem(resp, req, 406, "not-acceptable", "Not Acceptable", NULL, NULL);
    }
    resp->vary |= FR_VARY_ACCEPT;
    json_decref(available);
    fr_buf_cleanup(&detail);
}

/* Picks the identity or gzip representation of a 200 body, sets ETag and
 * Content-Encoding, and answers 304 when If-None-Match already has it. */
static void add_validators(const struct fr_request *req, struct fr_response *resp,
                           const struct fr_http_policy *policy)
{
    char etag[FR_ETAG_SIZE];
    bool compressible = resp->body_len >= FR_GZIP_MIN_SIZE;
    bool gzip = compressible && fr_accepts_gzip(fr_request_header(req, "Accept-Encoding"));

    if (compressible)
        resp->vary |= FR_VARY_ACCEPT_ENCODING;
    if (resp->rendered) {
        const struct fr_gzipped *g = gzip ? fr_rendered_gzip(resp->rendered) : NULL;
        if (g) {
            fr_response_borrow(resp, 200, resp->content_type, g->body, g->len);
            memcpy(etag, g->etag, sizeof(etag));
        } else {
            memcpy(etag, resp->rendered->etag, sizeof(etag));
            gzip = false;
        }
    } else {
        fr_etag(resp->body, resp->body_len, false, etag);
        char *packed = NULL;
        size_t packed_len = 0;
        if (gzip && fr_gzip(resp->body, resp->body_len, &packed, &packed_len) == FR_OK) {
            fr_etag(resp->body, resp->body_len, true, etag);
            fr_response_take(resp, 200, resp->content_type, packed, packed_len);
        } else {
            gzip = false;
        }
    }
    fr_response_add_header(resp, "ETag", etag);
    if (policy->cache_max_age) {
        char cache[48];
        snprintf(cache, sizeof(cache), "max-age=%u", policy->cache_max_age);
        fr_response_add_header(resp, "Cache-Control", cache);
    } else {
        /* Stored, but asked about each time: with the ETag that is a 304. */
        fr_response_add_header(resp, "Cache-Control", "no-cache");
    }
    if (fr_etag_matches(fr_request_header(req, "If-None-Match"), etag)) {
        /* RFC 9110 section 15.4.5: the 304 carries ETag, Cache-Control and
         * Vary as the 200 would, and no content. */
        /* The body stays, unsent, so that Content-Length is the 200's. */
        resp->status = 304;
        resp->content_type = NULL;
        return;
    }
    if (gzip)
        fr_response_add_header(resp, "Content-Encoding", "gzip");
}

/*
 * The ETag of a write's answer: the strong tag of the identity body, the
 * one a GET of the same body gets, so the client can send it back in
 * If-Match. Never a 304 (the write has happened; the client needs its
 * answer) and never gzip: a one-off body is not worth a cached copy, and
 * the tag would no longer be the GET's. A handler's own ETag stands.
 */
static void add_write_etag(struct fr_response *resp)
{
    char etag[FR_ETAG_SIZE];

    if (resp->body_len == 0 || response_header(resp, "ETag"))
        return;
    if (resp->rendered)
        memcpy(etag, resp->rendered->etag, sizeof(etag));
    else
        fr_etag(resp->body, resp->body_len, false, etag);
    fr_response_add_header(resp, "ETag", etag);
}

static bool is_write(enum fr_method method)
{
    return (method & (FR_METHOD_POST | FR_METHOD_PUT | FR_METHOD_PATCH | FR_METHOD_DELETE)) != 0;
}

void fr_response_finish(const struct fr_request *req, struct fr_response *resp,
                        const struct fr_http_policy *policy)
{
    static const struct fr_http_policy defaults = {0, NULL, 600};
    if (!policy)
        policy = &defaults;
    /* RFC 9110 section 15.3.5: a 204 has no content, so none is described. */
    if (resp->status == 204)
        fr_response_borrow(resp, 204, NULL, "", 0);
    if (req->request_id[0])
        fr_response_add_header(resp, "X-Request-Id", req->request_id);
    add_cors(req, resp, policy);
    /* A write that has been made is not undone into a 406 for its answer's
     * media type: the handler checks Accept before writing, if it cares. */
    if (resp->status == 200 && !is_write(req->method))
        refuse_unacceptable(req, resp);
    if (resp->status == 200 && (req->method == FR_METHOD_GET || req->method == FR_METHOD_HEAD))
        add_validators(req, resp, policy);
    else if (resp->status == 201 || (resp->status == 200 && req->method == FR_METHOD_PATCH))
        add_write_etag(resp);
    add_vary(resp);
}
