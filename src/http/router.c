/*
 * The router: walks the resources' route tables in order and calls the first
 * handler whose pattern matches the path and whose methods include the
 * request's. It also owns the answers no handler gives: 404 for an unknown
 * path, 405 for a known path with the wrong method, and OPTIONS.
 */
#include "frontier/http.h"

#include <stdlib.h>
#include <string.h>

#include "frontier/buf.h"

/* Allow lists are written in this order, whatever order routes declare. */
static const struct {
    enum fr_method method;
    const char *name;
} method_names[] = {
    {FR_METHOD_GET, "GET"},       {FR_METHOD_HEAD, "HEAD"},     {FR_METHOD_POST, "POST"},
    {FR_METHOD_PUT, "PUT"},       {FR_METHOD_PATCH, "PATCH"},   {FR_METHOD_DELETE, "DELETE"},
    {FR_METHOD_OPTIONS, "OPTIONS"},
};

#define METHOD_COUNT (sizeof method_names / sizeof method_names[0])

const char *fr_method_name(enum fr_method method)
{
    for (size_t i = 0; i < METHOD_COUNT; i++) {
        if (method_names[i].method == method)
            return method_names[i].name;
    }
    return NULL;
}

/* Where one "{name}" capture lies in the path. */
struct capture {
    const char *start;
    size_t len;
};

/*
 * Compares pattern and path one '/'-separated segment at a time. Literal
 * segments match exactly; "{name}" matches any non-empty segment. Nothing is
 * normalised: an empty segment ("//", a trailing '/') is a segment like any
 * other, so "/v1/models/" matches neither "/v1/models" nor "/v1/models/{id}".
 * A pattern with more captures than FR_MAX_PATH_PARAMS never matches.
 */
static bool match(const char *pattern, const char *path, struct capture *captures,
                  size_t *capture_count)
{
    const char *p = pattern;
    const char *s = path;
    size_t count = 0;

    if (*p != '/' || *s != '/')
        return false;
    while (*p == '/' && *s == '/') {
        const char *p_end = strchrnul(p + 1, '/');
        const char *s_end = strchrnul(s + 1, '/');
        size_t p_len = (size_t)(p_end - (p + 1));
        size_t s_len = (size_t)(s_end - (s + 1));

        if (p_len >= 2 && p[1] == '{' && p_end[-1] == '}') {
            if (s_len == 0 || count == FR_MAX_PATH_PARAMS)
                return false;
            captures[count].start = s + 1;
            captures[count].len = s_len;
            count++;
        } else if (p_len != s_len || memcmp(p + 1, s + 1, p_len) != 0) {
            return false;
        }
        p = p_end;
        s = s_end;
    }
    if (*p != '\0' || *s != '\0')
        return false;
    *capture_count = count;
    return true;
}

/* The methods a route answers: GET brings HEAD, since HEAD is GET unsent. */
static unsigned route_methods(const struct fr_route *route)
{
    unsigned methods = route->methods;

    if (methods & FR_METHOD_GET)
        methods |= FR_METHOD_HEAD;
    return methods;
}

/* "GET, HEAD, OPTIONS"; the longest possible list fits in size 64. */
static void format_allow(unsigned methods, char *out, size_t size)
{
    size_t len = 0;

    out[0] = '\0';
    for (size_t i = 0; i < METHOD_COUNT; i++) {
        size_t name_len;
        if (!(methods & (unsigned)method_names[i].method))
            continue;
        name_len = strlen(method_names[i].name);
        if (len + 2 + name_len + 1 > size)
            break;
        if (len > 0) {
            memcpy(out + len, ", ", 2);
            len += 2;
        }
        memcpy(out + len, method_names[i].name, name_len + 1);
        len += name_len;
    }
}

static const char *method_label(const struct fr_request *req)
{
    if (req->method_name != NULL)
        return req->method_name;
    for (size_t i = 0; i < METHOD_COUNT; i++) {
        if (req->method == method_names[i].method)
            return method_names[i].name;
    }
    return "this method";
}

static void answer_not_found(const struct fr_request *req, struct fr_response *resp)
{
    struct fr_buf detail;

    fr_buf_init(&detail);
    if (fr_buf_appendf(&detail, "there is no resource at %s",
                       req->path != NULL ? req->path : "") != FR_OK)
        fr_buf_cleanup(&detail);
    fr_response_problem(resp, req, 404, "not-found", "Not Found", detail.data, NULL);
    fr_buf_cleanup(&detail);
}

/*
 * The path exists but no route takes this method. OPTIONS is always allowed
 * on an existing path (answered here unless a route handles it itself), so it
 * belongs in every Allow list.
 */
static void answer_method(const struct fr_request *req, struct fr_response *resp,
                          unsigned allowed)
{
    char allow[64];
    struct fr_buf detail;
    json_t *extensions = NULL;
    json_t *methods = NULL;
    bool ok = true;

    allowed |= FR_METHOD_OPTIONS;
    format_allow(allowed, allow, sizeof allow);

    if (req->method == FR_METHOD_OPTIONS) {
        fr_response_borrow(resp, 204, NULL, "", 0);
        if (fr_response_add_header(resp, "Allow", allow) != FR_OK)
            fr_response_problem(resp, req, 500, "internal-error", "Internal Server Error",
                                "the Allow header did not fit", NULL);
        return;
    }

    fr_buf_init(&detail);
    if (fr_buf_appendf(&detail, "%s is not allowed on %s; it allows %s", method_label(req),
                       req->path, allow) != FR_OK)
        ok = false;
    extensions = json_object();
    methods = json_array();
    for (size_t i = 0; ok && i < METHOD_COUNT; i++) {
        if ((allowed & (unsigned)method_names[i].method) &&
            json_array_append_new(methods, json_string(method_names[i].name)) != 0)
            ok = false;
    }
    if (ok && json_object_set_new(extensions, "method",
                                  fr_json_string_lossy(method_label(req))) != 0)
        ok = false;
    if (ok && json_object_set(extensions, "allowed_methods", methods) != 0)
        ok = false;

    if (ok) {
        fr_response_problem(resp, req, 405, "method-not-allowed", "Method Not Allowed",
                            detail.data, extensions);
        extensions = NULL; /* stolen */
    } else {
        fr_response_problem(resp, req, 405, "method-not-allowed", "Method Not Allowed", NULL,
                            NULL);
    }
    /* A 405 without Allow breaks RFC 9110; the list always fits, so this holds. */
    if (fr_response_add_header(resp, "Allow", allow) != FR_OK)
        fr_response_problem(resp, req, 500, "internal-error", "Internal Server Error",
                            "the Allow header did not fit", NULL);
    json_decref(methods);
    json_decref(extensions);
    fr_buf_cleanup(&detail);
}

/*
 * Captures are copied into one allocation, NUL-terminated, because the path
 * itself is not split; they live only while the handler runs, and the
 * request's path_params are cleared afterwards.
 */
static void call_handler(const struct fr_route *route, struct fr_request *req,
                         struct fr_response *resp, const struct capture *captures,
                         size_t capture_count)
{
    char *storage = NULL;
    size_t total = 0;
    size_t offset = 0;

    for (size_t i = 0; i < capture_count; i++)
        total += captures[i].len + 1;
    if (total > 0) {
        storage = malloc(total);
        if (storage == NULL) {
            fr_response_problem(resp, req, 500, "internal-error", "Internal Server Error",
                                "out of memory", NULL);
            return;
        }
    }
    for (size_t i = 0; i < capture_count; i++) {
        memcpy(storage + offset, captures[i].start, captures[i].len);
        storage[offset + captures[i].len] = '\0';
        req->path_params[i] = storage + offset;
        offset += captures[i].len + 1;
    }
    req->path_param_count = capture_count;

    route->handler(req, resp);

    for (size_t i = 0; i < capture_count; i++)
        req->path_params[i] = NULL;
    req->path_param_count = 0;
    free(storage);
}

/* RFC 9110 section 15.6.2: a method the server does not recognize at all
 * ("BREW", or "get", since methods are case-sensitive) is a 501 whatever the
 * path, where a known method a resource does not allow is a 405. */
static void answer_not_implemented(const struct fr_request *req, struct fr_response *resp)
{
    struct fr_buf detail;
    fr_buf_init(&detail);
    bool ok = fr_buf_appendf(&detail,
                             "%s is not a method this server implements (methods are "
                             "case-sensitive: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS)",
                             method_label(req)) == FR_OK;
    fr_response_problem(resp, req, 501, "method-not-implemented", "Not Implemented",
                        ok ? detail.data : NULL,
                        json_pack("{s:o}", "method", fr_json_string_lossy(method_label(req))));
    fr_buf_cleanup(&detail);
}

void fr_router_dispatch(const struct fr_route *const *tables, struct fr_request *req,
                        struct fr_response *resp)
{
    struct capture captures[FR_MAX_PATH_PARAMS];
    size_t capture_count = 0;
    bool path_known = false;
    unsigned allowed = 0;

    req->path_param_count = 0;
    req->route = NULL;
    req->route_index = FR_ROUTE_NONE;
    if (req->method == FR_METHOD_OTHER) {
        answer_not_implemented(req, resp);
        return;
    }
    size_t index = 0; /* the route's position across all tables: route_index */

    for (size_t t = 0; tables != NULL && req->path != NULL && tables[t] != NULL; t++) {
        for (const struct fr_route *route = tables[t]; route->pattern != NULL;
             route++, index++) {
            unsigned methods;
            if (!match(route->pattern, req->path, captures, &capture_count))
                continue;
            methods = route_methods(route);
            req->route = route->pattern;
            req->route_index = index;
            if (methods & (unsigned)req->method) {
                call_handler(route, req, resp, captures, capture_count);
                return;
            }
            path_known = true;
            allowed |= methods;
        }
    }

    if (path_known)
        answer_method(req, resp, allowed);
    else
        answer_not_found(req, resp);
}
