/*
 * The router, the query checks and the response helpers, in-process: a
 * request is filled by hand, dispatched, and the response (and the problem
 * body parsed back with jansson) compared with exact expectations.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "frontier/buf.h"
#include "frontier/http.h"
#include "support.h"

/* ---- route tables under test ------------------------------------------ */

/* What the last handler saw; captures are copied because the router clears
 * path_params once the handler returns. */
static struct {
    const char *handler;
    enum fr_method method;
    size_t param_count;
    char params[FR_MAX_PATH_PARAMS][64];
} seen;

static void record(const char *handler, const struct fr_request *req)
{
    seen.handler = handler;
    seen.method = req->method;
    seen.param_count = req->path_param_count;
    for (size_t i = 0; i < req->path_param_count && i < FR_MAX_PATH_PARAMS; i++) {
        size_t len = strlen(req->path_params[i]);
        ck_assert_uint_lt(len, sizeof seen.params[i]);
        memcpy(seen.params[i], req->path_params[i], len + 1);
    }
}

#define HANDLER(name, status, body)                                                   \
    static void name(const struct fr_request *req, struct fr_response *resp)          \
    {                                                                                 \
        record(#name, req);                                                           \
        fr_response_borrow(resp, status, FR_CONTENT_JSON, body, sizeof body - 1);     \
    }

HANDLER(list_models, 200, "[]")
HANDLER(create_model, 201, "{\"created\":true}")
HANDLER(get_model, 200, "{}")
HANDLER(get_fact, 200, "{\"fact\":true}")
HANDLER(get_special, 200, "{\"special\":true}")
HANDLER(change_thing, 200, "{}")
HANDLER(custom_options, 200, "{\"custom\":true}")
HANDLER(get_root, 200, "{\"root\":true}")
HANDLER(too_many_captures, 200, "{}")
HANDLER(results, 200, "{}")
HANDLER(result_item, 200, "{}")
HANDLER(list_events, 200, "[]")
HANDLER(create_event, 201, "{}")
HANDLER(get_event, 200, "{}")
HANDLER(change_event, 200, "{}")

static const struct fr_route model_routes[] = {
    {FR_METHOD_GET, "/v1/models", list_models},
    {FR_METHOD_POST, "/v1/models", create_model},
    {FR_METHOD_GET, "/v1/models/{id}", get_model},
    {FR_METHOD_GET, "/v1/models/{id}/facts/{fact}", get_fact},
    {0, NULL, NULL},
};

static const struct fr_route other_routes[] = {
    /* Shadowed by "/v1/models/{id}" in the earlier table. */
    {FR_METHOD_GET, "/v1/models/special", get_special},
    {FR_METHOD_DELETE | FR_METHOD_PUT, "/v1/things/{id}", change_thing},
    {FR_METHOD_GET | FR_METHOD_OPTIONS, "/v1/custom", custom_options},
    /* More captures than FR_MAX_PATH_PARAMS: never matches. */
    {FR_METHOD_GET, "/{a}/{b}/{c}/{d}/{e}", too_many_captures},
    {FR_METHOD_GET, "/", get_root},
    {0, NULL, NULL},
};

/* Writes as the resources declare them: one entry with a mask of methods,
 * or one entry per method, in any order. */
static const struct fr_route write_routes[] = {
    {FR_METHOD_GET | FR_METHOD_POST, "/v1/results", results},
    {FR_METHOD_GET | FR_METHOD_PATCH | FR_METHOD_DELETE, "/v1/results/{id}", result_item},
    {FR_METHOD_POST, "/v1/timeline", create_event},
    {FR_METHOD_PATCH | FR_METHOD_DELETE, "/v1/timeline/{id}", change_event},
    {FR_METHOD_GET, "/v1/timeline/{id}", get_event},
    {FR_METHOD_GET, "/v1/timeline", list_events},
    {0, NULL, NULL},
};

static const struct fr_route *const tables[] = {model_routes, other_routes, write_routes, NULL};

/* ---- helpers ------------------------------------------------------------ */

static struct fr_request make_request(enum fr_method method, const char *method_name,
                                      const char *path)
{
    struct fr_request req;

    memset(&req, 0, sizeof req);
    req.method = method;
    req.method_name = method_name;
    req.path = path;
    return req;
}

static void dispatch(struct fr_request *req, struct fr_response *resp)
{
    memset(&seen, 0, sizeof seen);
    fr_response_init(resp);
    fr_router_dispatch(tables, req, resp);
}

static json_t *parse_body(const struct fr_response *resp)
{
    json_error_t error;
    json_t *json = json_loadb(resp->body, resp->body_len, 0, &error);

    ck_assert_msg(json != NULL, "body is not JSON (%s): %.*s", error.text, (int)resp->body_len,
                  resp->body);
    return json;
}

/* The body must equal expected (stolen) exactly: same members, same values. */
static void assert_body_equals(const struct fr_response *resp, json_t *expected)
{
    json_t *body = parse_body(resp);
    char *got = json_dumps(body, JSON_SORT_KEYS);
    char *want = json_dumps(expected, JSON_SORT_KEYS);

    ck_assert_msg(json_equal(body, expected), "body %s, expected %s", got, want);
    free(got);
    free(want);
    json_decref(body);
    json_decref(expected);
}

static const char *header_value(const struct fr_response *resp, const char *name)
{
    for (size_t i = 0; i < resp->header_count; i++) {
        if (strcmp(resp->headers[i].name, name) == 0)
            return resp->headers[i].value;
    }
    return NULL;
}

/* ---- routing ------------------------------------------------------------ */

/* What the adapter decodes before routing. */
START_TEST(test_decoding)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"/v1/models/grok-4", "/v1/models/grok-4"},
        {"/v1/models/grok%2D4", "/v1/models/grok-4"},
        {"%41%62", "Ab"},
        {"grok-4%00junk", "grok-4%00junk"}, /* a NUL would cut the string short */
        {"%zz%2", "%zz%2"},                 /* malformed escapes stay */
        {"%", "%"},
        {"100%", "100%"},
        {"%e4%b8%ad", "\xe4\xb8\xad"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "%s", cases[i].in);
        size_t len = fr_percent_decode(buf);
        ck_assert_str_eq(buf, cases[i].out);
        ck_assert_uint_eq(len, strlen(cases[i].out));
    }
    ck_assert_int_eq(fr_method_parse("GET"), FR_METHOD_GET);
    ck_assert_int_eq(fr_method_parse("PATCH"), FR_METHOD_PATCH);
    ck_assert_int_eq(fr_method_parse("get"), FR_METHOD_OTHER);
    ck_assert_int_eq(fr_method_parse("TRACE"), FR_METHOD_OTHER);
    ck_assert_int_eq(fr_method_parse(""), FR_METHOD_OTHER);
    ck_assert_int_eq(fr_hex_value('f'), 15);
    ck_assert_int_eq(fr_hex_value('G'), -1);
}
END_TEST

START_TEST(test_literal_route)
{
    struct fr_request req = make_request(FR_METHOD_GET, "GET", "/v1/models");
    struct fr_response resp;

    dispatch(&req, &resp);
    ck_assert_str_eq(seen.handler, "list_models");
    ck_assert_uint_eq(seen.param_count, 0);
    ck_assert_int_eq(resp.status, 200);
    ck_assert_str_eq(resp.content_type, FR_CONTENT_JSON);
    ck_assert_uint_eq(resp.body_len, 2);
    ck_assert_mem_eq(resp.body, "[]", 2);
    fr_response_cleanup(&resp);

    req = make_request(FR_METHOD_POST, "POST", "/v1/models");
    dispatch(&req, &resp);
    ck_assert_str_eq(seen.handler, "create_model");
    ck_assert_int_eq(resp.status, 201);
    fr_response_cleanup(&resp);
}
END_TEST

START_TEST(test_captures)
{
    struct fr_request req = make_request(FR_METHOD_GET, "GET", "/v1/models/gpt-5");
    struct fr_response resp;

    dispatch(&req, &resp);
    ck_assert_str_eq(seen.handler, "get_model");
    ck_assert_uint_eq(seen.param_count, 1);
    ck_assert_str_eq(seen.params[0], "gpt-5");
    /* The captures only live while the handler runs. */
    ck_assert_uint_eq(req.path_param_count, 0);
    ck_assert_ptr_null(req.path_params[0]);
    fr_response_cleanup(&resp);

    req = make_request(FR_METHOD_GET, "GET", "/v1/models/claude 4/facts/release-date");
    dispatch(&req, &resp);
    ck_assert_str_eq(seen.handler, "get_fact");
    ck_assert_uint_eq(seen.param_count, 2);
    ck_assert_str_eq(seen.params[0], "claude 4");
    ck_assert_str_eq(seen.params[1], "release-date");
    fr_response_cleanup(&resp);
}
END_TEST

START_TEST(test_first_match_wins)
{
    struct fr_request req = make_request(FR_METHOD_GET, "GET", "/v1/models/special");
    struct fr_response resp;

    dispatch(&req, &resp);
    ck_assert_str_eq(seen.handler, "get_model");
    ck_assert_str_eq(seen.params[0], "special");
    fr_response_cleanup(&resp);
}
END_TEST

START_TEST(test_get_implies_head)
{
    struct fr_request req = make_request(FR_METHOD_HEAD, "HEAD", "/v1/models/o3");
    struct fr_response resp;

    dispatch(&req, &resp);
    ck_assert_str_eq(seen.handler, "get_model");
    ck_assert_int_eq(seen.method, FR_METHOD_HEAD);
    ck_assert_int_eq(resp.status, 200);
    fr_response_cleanup(&resp);
}
END_TEST

START_TEST(test_root)
{
    struct fr_request req = make_request(FR_METHOD_GET, "GET", "/");
    struct fr_response resp;

    dispatch(&req, &resp);
    ck_assert_str_eq(seen.handler, "get_root");
    fr_response_cleanup(&resp);
}
END_TEST

START_TEST(test_not_found)
{
    struct fr_request req = make_request(FR_METHOD_GET, "GET", "/v1/nothing");
    struct fr_response resp;

    dispatch(&req, &resp);
    ck_assert_ptr_null(seen.handler);
    ck_assert_int_eq(resp.status, 404);
    ck_assert_str_eq(resp.content_type, FR_CONTENT_PROBLEM);
    ck_assert_uint_eq(resp.header_count, 0);
    assert_body_equals(&resp, json_pack("{s:s, s:s, s:i, s:s, s:s}",
                                        "type", "/problems/not-found",
                                        "title", "Not Found",
                                        "status", 404,
                                        "detail", "there is no resource at /v1/nothing",
                                        "instance", "/v1/nothing"));
    fr_response_cleanup(&resp);
}
END_TEST

/* Members come out in the order RFC 9457 lists them, compactly. */
START_TEST(test_problem_exact_text)
{
    struct fr_request req = make_request(FR_METHOD_GET, "GET", "/x");
    struct fr_response resp;
    static const char expected[] =
        "{\"type\":\"/problems/not-found\",\"title\":\"Not Found\",\"status\":404,"
        "\"detail\":\"there is no resource at /x\",\"instance\":\"/x\"}";

    dispatch(&req, &resp);
    ck_assert_uint_eq(resp.body_len, sizeof expected - 1);
    ck_assert_mem_eq(resp.body, expected, sizeof expected - 1);
    ck_assert_ptr_eq(resp.body, resp.body_owned);
    fr_response_cleanup(&resp);
}
END_TEST

START_TEST(test_no_trailing_slash_tolerance)
{
    static const char *const paths[] = {
        "/v1/models/",        /* neither "/v1/models" nor "/v1/models/{id}" */
        "/v1/models/gpt-5/",  /* one segment too many */
        "//v1/models",        /* empty first segment */
        "/v1//models",        /* empty middle segment */
        "/v1/models//facts/x", /* an empty capture */
        "/v1/Models",         /* literals are case-sensitive */
        "/v1/modelsx",        /* a literal is a whole segment */
        "/v1",                /* a prefix is not a match */
        "v1/models",          /* no leading slash */
        "",
        "/1/2/3/4/5",         /* the route has too many captures */
    };

    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct fr_request req = make_request(FR_METHOD_GET, "GET", paths[i]);
        struct fr_response resp;

        dispatch(&req, &resp);
        ck_assert_msg(seen.handler == NULL, "%s reached %s", paths[i], seen.handler);
        ck_assert_msg(resp.status == 404, "%s answered %d", paths[i], resp.status);
        fr_response_cleanup(&resp);
    }
}
END_TEST

START_TEST(test_no_tables)
{
    struct fr_request req = make_request(FR_METHOD_GET, "GET", "/v1/models");
    struct fr_response resp;

    fr_response_init(&resp);
    fr_router_dispatch(NULL, &req, &resp);
    ck_assert_int_eq(resp.status, 404);
    fr_response_cleanup(&resp);
}
END_TEST

/* route_index counts every route of every table in order, as the metrics
 * registry does: model_routes are 0 to 3, other_routes 4 to 8. */
START_TEST(test_route_index)
{
    static const struct {
        enum fr_method method;
        const char *name, *path, *route;
        size_t index;
    } cases[] = {
        {FR_METHOD_GET, "GET", "/v1/models", "/v1/models", 0},
        {FR_METHOD_POST, "POST", "/v1/models", "/v1/models", 1},
        {FR_METHOD_HEAD, "HEAD", "/v1/models/x", "/v1/models/{id}", 2},
        {FR_METHOD_GET, "GET", "/v1/models/x/facts/y", "/v1/models/{id}/facts/{fact}", 3},
        {FR_METHOD_DELETE, "DELETE", "/v1/things/1", "/v1/things/{id}", 5},
        {FR_METHOD_GET, "GET", "/", "/", 8},
        /* A 405 still names the route whose path matched. */
        {FR_METHOD_PATCH, "PATCH", "/v1/things/1", "/v1/things/{id}", 5},
        {FR_METHOD_GET, "GET", "/nope", NULL, FR_ROUTE_NONE},
        {FR_METHOD_OTHER, "BREW", "/v1/models", NULL, FR_ROUTE_NONE},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fr_request req = make_request(cases[i].method, cases[i].name, cases[i].path);
        struct fr_response resp;
        /* Left over from an earlier use of the struct: must be reset. */
        req.route = "/stale";
        req.route_index = 7;
        dispatch(&req, &resp);
        if (cases[i].route)
            ck_assert_str_eq(req.route, cases[i].route);
        else
            ck_assert_ptr_null(req.route);
        ck_assert_msg(req.route_index == cases[i].index, "%s %s: index %zu, expected %zu",
                      cases[i].name, cases[i].path, req.route_index, cases[i].index);
        fr_response_cleanup(&resp);
    }
}
END_TEST

START_TEST(test_method_not_allowed)
{
    struct fr_request req = make_request(FR_METHOD_DELETE, "DELETE", "/v1/models");
    struct fr_response resp;

    dispatch(&req, &resp);
    ck_assert_ptr_null(seen.handler);
    ck_assert_int_eq(resp.status, 405);
    ck_assert_str_eq(resp.content_type, FR_CONTENT_PROBLEM);
    ck_assert_uint_eq(resp.header_count, 1);
    ck_assert_str_eq(header_value(&resp, "Allow"), "GET, HEAD, POST, OPTIONS");
    assert_body_equals(
        &resp, json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:[s,s,s,s]}",
                         "type", "/problems/method-not-allowed",
                         "title", "Method Not Allowed",
                         "status", 405,
                         "detail",
                         "DELETE is not allowed on /v1/models; it allows GET, HEAD, POST, OPTIONS",
                         "instance", "/v1/models",
                         "method", "DELETE",
                         "allowed_methods", "GET", "HEAD", "POST", "OPTIONS"));
    fr_response_cleanup(&resp);
}
END_TEST

/* Methods are case-sensitive: "get" is some other method, not GET, and a
 * method the server does not implement is a 501 whatever the path. */
START_TEST(test_other_method)
{
    struct fr_request req = make_request(FR_METHOD_OTHER, "get", "/v1/models/gpt-5");
    struct fr_response resp;
    json_t *body;

    dispatch(&req, &resp);
    ck_assert_ptr_null(seen.handler);
    ck_assert_int_eq(resp.status, 501);
    body = parse_body(&resp);
    ck_assert_str_eq(json_string_value(json_object_get(body, "type")),
                     "/problems/method-not-implemented");
    ck_assert_str_eq(json_string_value(json_object_get(body, "detail")),
                     "get is not a method this server implements (methods are "
                     "case-sensitive: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS)");
    ck_assert_str_eq(json_string_value(json_object_get(body, "method")), "get");
    json_decref(body);
    fr_response_cleanup(&resp);

    req = make_request(FR_METHOD_OTHER, "BREW", "/no/such/path");
    dispatch(&req, &resp);
    ck_assert_int_eq(resp.status, 501);
    fr_response_cleanup(&resp);
}
END_TEST

/* The Allow list has a fixed order, whatever the route's mask says, and no
 * HEAD without GET. */
START_TEST(test_allow_order)
{
    struct fr_request req = make_request(FR_METHOD_GET, "GET", "/v1/things/a");
    struct fr_response resp;

    dispatch(&req, &resp);
    ck_assert_int_eq(resp.status, 405);
    ck_assert_str_eq(header_value(&resp, "Allow"), "PUT, DELETE, OPTIONS");
    fr_response_cleanup(&resp);

    req = make_request(FR_METHOD_PUT, "PUT", "/v1/things/a");
    dispatch(&req, &resp);
    ck_assert_str_eq(seen.handler, "change_thing");
    ck_assert_str_eq(seen.params[0], "a");
    fr_response_cleanup(&resp);
}
END_TEST

START_TEST(test_options)
{
    struct fr_request req = make_request(FR_METHOD_OPTIONS, "OPTIONS", "/v1/models");
    struct fr_response resp;

    dispatch(&req, &resp);
    ck_assert_ptr_null(seen.handler);
    ck_assert_int_eq(resp.status, 204);
    ck_assert_ptr_null(resp.content_type);
    ck_assert_uint_eq(resp.body_len, 0);
    ck_assert_uint_eq(resp.header_count, 1);
    ck_assert_str_eq(header_value(&resp, "Allow"), "GET, HEAD, POST, OPTIONS");
    fr_response_cleanup(&resp);

    req = make_request(FR_METHOD_OPTIONS, "OPTIONS", "/v1/models/x/facts/y");
    dispatch(&req, &resp);
    ck_assert_int_eq(resp.status, 204);
    ck_assert_str_eq(header_value(&resp, "Allow"), "GET, HEAD, OPTIONS");
    fr_response_cleanup(&resp);

    /* A route that takes OPTIONS itself gets it. */
    req = make_request(FR_METHOD_OPTIONS, "OPTIONS", "/v1/custom");
    dispatch(&req, &resp);
    ck_assert_str_eq(seen.handler, "custom_options");
    ck_assert_int_eq(resp.status, 200);
    fr_response_cleanup(&resp);

    /* OPTIONS on an unknown path is still a 404. */
    req = make_request(FR_METHOD_OPTIONS, "OPTIONS", "/v1/none");
    dispatch(&req, &resp);
    ck_assert_int_eq(resp.status, 404);
    fr_response_cleanup(&resp);
}
END_TEST

/* A write route with a mask, or split over several entries, is one
 * resource: each method reaches its handler, and Allow, the 405's
 * allowed_methods and OPTIONS list every method of every entry. */
START_TEST(test_write_routes)
{
    static const struct {
        enum fr_method method;
        const char *name, *path, *handler;
        size_t index;
    } reached[] = {
        {FR_METHOD_GET, "GET", "/v1/results", "results", 9},
        {FR_METHOD_HEAD, "HEAD", "/v1/results", "results", 9},
        {FR_METHOD_POST, "POST", "/v1/results", "results", 9},
        {FR_METHOD_PATCH, "PATCH", "/v1/results/r1", "result_item", 10},
        {FR_METHOD_DELETE, "DELETE", "/v1/results/r1", "result_item", 10},
        {FR_METHOD_POST, "POST", "/v1/timeline", "create_event", 11},
        {FR_METHOD_GET, "GET", "/v1/timeline", "list_events", 14},
        {FR_METHOD_PATCH, "PATCH", "/v1/timeline/e1", "change_event", 12},
        {FR_METHOD_DELETE, "DELETE", "/v1/timeline/e1", "change_event", 12},
        {FR_METHOD_HEAD, "HEAD", "/v1/timeline/e1", "get_event", 13},
    };
    static const struct {
        enum fr_method method;
        const char *name, *path, *allow;
    } refused[] = {
        {FR_METHOD_PUT, "PUT", "/v1/results", "GET, HEAD, POST, OPTIONS"},
        {FR_METHOD_PATCH, "PATCH", "/v1/results", "GET, HEAD, POST, OPTIONS"},
        {FR_METHOD_POST, "POST", "/v1/results/r1", "GET, HEAD, PATCH, DELETE, OPTIONS"},
        {FR_METHOD_PUT, "PUT", "/v1/timeline", "GET, HEAD, POST, OPTIONS"},
        {FR_METHOD_POST, "POST", "/v1/timeline/e1", "GET, HEAD, PATCH, DELETE, OPTIONS"},
        {FR_METHOD_OPTIONS, "OPTIONS", "/v1/results", "GET, HEAD, POST, OPTIONS"},
        {FR_METHOD_OPTIONS, "OPTIONS", "/v1/results/r1", "GET, HEAD, PATCH, DELETE, OPTIONS"},
        {FR_METHOD_OPTIONS, "OPTIONS", "/v1/timeline", "GET, HEAD, POST, OPTIONS"},
        {FR_METHOD_OPTIONS, "OPTIONS", "/v1/timeline/e1", "GET, HEAD, PATCH, DELETE, OPTIONS"},
    };

    for (size_t i = 0; i < sizeof reached / sizeof reached[0]; i++) {
        struct fr_request req = make_request(reached[i].method, reached[i].name, reached[i].path);
        struct fr_response resp;

        dispatch(&req, &resp);
        ck_assert_msg(seen.handler != NULL && strcmp(seen.handler, reached[i].handler) == 0,
                      "%s %s reached %s", reached[i].name, reached[i].path,
                      seen.handler != NULL ? seen.handler : "nothing");
        ck_assert_int_eq(seen.method, reached[i].method);
        ck_assert_msg(req.route_index == reached[i].index, "%s %s: index %zu",
                      reached[i].name, reached[i].path, req.route_index);
        fr_response_cleanup(&resp);
    }

    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        struct fr_request req = make_request(refused[i].method, refused[i].name, refused[i].path);
        struct fr_response resp;
        const char *allow;

        dispatch(&req, &resp);
        ck_assert_ptr_null(seen.handler);
        ck_assert_int_eq(resp.status, refused[i].method == FR_METHOD_OPTIONS ? 204 : 405);
        allow = header_value(&resp, "Allow");
        ck_assert_msg(allow != NULL && strcmp(allow, refused[i].allow) == 0,
                      "%s %s: Allow %s", refused[i].name, refused[i].path,
                      allow != NULL ? allow : "missing");
        if (refused[i].method != FR_METHOD_OPTIONS) {
            json_t *body = parse_body(&resp);
            json_t *methods = json_object_get(body, "allowed_methods");
            struct fr_buf listed;
            fr_buf_init(&listed);
            for (size_t m = 0; m < json_array_size(methods); m++)
                ck_assert_int_eq(fr_buf_appendf(&listed, "%s%s", m > 0 ? ", " : "",
                                                json_string_value(json_array_get(methods, m))),
                                 FR_OK);
            ck_assert_str_eq(listed.data, refused[i].allow);
            fr_buf_cleanup(&listed);
            json_decref(body);
        }
        fr_response_cleanup(&resp);
    }
}
END_TEST

/* A CORS preflight for a write learns the route's methods, whichever
 * entries declare them. */
START_TEST(test_write_preflight)
{
    static const struct {
        const char *path, *requested, *methods;
    } cases[] = {
        {"/v1/results", "POST", "GET, HEAD, POST, OPTIONS"},
        {"/v1/results/r1", "PATCH", "GET, HEAD, PATCH, DELETE, OPTIONS"},
        {"/v1/timeline", "POST", "GET, HEAD, POST, OPTIONS"},
        {"/v1/timeline/e1", "DELETE", "GET, HEAD, PATCH, DELETE, OPTIONS"},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fr_request req = make_request(FR_METHOD_OPTIONS, "OPTIONS", cases[i].path);
        struct fr_response resp;

        req.headers[0].name = "Origin";
        req.headers[0].value = "https://editor.example";
        req.headers[1].name = "Access-Control-Request-Method";
        req.headers[1].value = cases[i].requested;
        req.header_count = 2;
        dispatch(&req, &resp);
        fr_response_finish(&req, &resp, NULL);
        ck_assert_int_eq(resp.status, 204);
        ck_assert_str_eq(header_value(&resp, "Access-Control-Allow-Origin"), "*");
        ck_assert_str_eq(header_value(&resp, "Access-Control-Allow-Methods"), cases[i].methods);
        ck_assert_str_eq(header_value(&resp, "Allow"), cases[i].methods);
        fr_response_cleanup(&resp);
    }
}
END_TEST

/* ---- query parameters --------------------------------------------------- */

static const char *const accepted[] = {"limit", "cursor", "model", NULL};

static struct fr_request query_request(const struct fr_query_param *params, size_t count)
{
    struct fr_request req = make_request(FR_METHOD_GET, "GET", "/v1/models");

    for (size_t i = 0; i < count; i++)
        req.query[i] = params[i];
    req.query_count = count;
    return req;
}

START_TEST(test_query_lookup)
{
    static const struct fr_query_param params[] = {
        {"limit", "10"}, {"verbose", NULL}, {"limit", "20"}};
    struct fr_request req = query_request(params, 3);
    bool found = false;

    ck_assert_str_eq(fr_request_query(&req, "limit", &found), "10");
    ck_assert(found);
    ck_assert_ptr_null(fr_request_query(&req, "verbose", &found));
    ck_assert(found);
    ck_assert_ptr_null(fr_request_query(&req, "cursor", &found));
    ck_assert(!found);
    ck_assert_str_eq(fr_request_query(&req, "limit", NULL), "10");
    ck_assert_ptr_null(fr_request_query(&req, "Limit", &found));
    ck_assert(!found);
}
END_TEST

START_TEST(test_query_accepted)
{
    static const struct fr_query_param params[] = {
        {"limit", "10"}, {"model", NULL}, {"cursor", "abc"}};
    struct fr_request req = query_request(params, 3);
    struct fr_response resp;

    fr_response_init(&resp);
    ck_assert_int_eq(fr_request_check_query(&req, accepted, &resp), FR_OK);
    /* Untouched: still what fr_response_init leaves. */
    ck_assert_int_eq(resp.status, 500);
    ck_assert_ptr_null(resp.body_owned);
    fr_response_cleanup(&resp);

    req = query_request(params, 0);
    fr_response_init(&resp);
    ck_assert_int_eq(fr_request_check_query(&req, NULL, &resp), FR_OK);
    fr_response_cleanup(&resp);
}
END_TEST

START_TEST(test_query_unknown)
{
    static const struct fr_query_param params[] = {{"limit", "10"}, {"foo", "1"}};
    struct fr_request req = query_request(params, 2);
    struct fr_response resp;

    fr_response_init(&resp);
    ck_assert_int_eq(fr_request_check_query(&req, accepted, &resp), FR_EINVAL);
    ck_assert_int_eq(resp.status, 400);
    ck_assert_str_eq(resp.content_type, FR_CONTENT_PROBLEM);
    assert_body_equals(
        &resp, json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:[s,s,s]}",
                         "type", "/problems/invalid-parameter",
                         "title", "Invalid Parameter",
                         "status", 400,
                         "detail",
                         "unknown query parameter 'foo'; this endpoint accepts: limit, cursor, model",
                         "instance", "/v1/models",
                         "parameter", "foo",
                         "allowed_parameters", "limit", "cursor", "model"));
    fr_response_cleanup(&resp);
}
END_TEST

START_TEST(test_query_none_accepted)
{
    static const struct fr_query_param params[] = {{"x", NULL}};
    static const char *const nothing[] = {NULL};
    struct fr_request req = query_request(params, 1);
    struct fr_response resp;

    fr_response_init(&resp);
    ck_assert_int_eq(fr_request_check_query(&req, nothing, &resp), FR_EINVAL);
    assert_body_equals(
        &resp, json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:[]}",
                         "type", "/problems/invalid-parameter",
                         "title", "Invalid Parameter",
                         "status", 400,
                         "detail",
                         "unknown query parameter 'x'; this endpoint accepts no query parameters",
                         "instance", "/v1/models",
                         "parameter", "x",
                         "allowed_parameters"));
    fr_response_cleanup(&resp);

    /* NULL means the same as an empty list. */
    fr_response_init(&resp);
    ck_assert_int_eq(fr_request_check_query(&req, NULL, &resp), FR_EINVAL);
    ck_assert_int_eq(resp.status, 400);
    fr_response_cleanup(&resp);
}
END_TEST

START_TEST(test_query_duplicate)
{
    static const struct fr_query_param params[] = {
        {"limit", "10"}, {"model", "a"}, {"limit", "10"}};
    struct fr_request req = query_request(params, 3);
    struct fr_response resp;

    fr_response_init(&resp);
    ck_assert_int_eq(fr_request_check_query(&req, accepted, &resp), FR_EINVAL);
    assert_body_equals(
        &resp, json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:[s,s,s]}",
                         "type", "/problems/invalid-parameter",
                         "title", "Invalid Parameter",
                         "status", 400,
                         "detail",
                         "query parameter 'limit' is given more than once; "
                         "this endpoint accepts: limit, cursor, model",
                         "instance", "/v1/models",
                         "parameter", "limit",
                         "allowed_parameters", "limit", "cursor", "model"));
    fr_response_cleanup(&resp);
}
END_TEST

/* The first mistake in the order sent is the one named. */
START_TEST(test_query_first_mistake)
{
    static const struct fr_query_param params[] = {
        {"limit", "1"}, {"limit", "2"}, {"bogus", "3"}};
    static const struct fr_query_param unknown_first[] = {
        {"bogus", "3"}, {"limit", "1"}, {"limit", "2"}};
    struct fr_request req = query_request(params, 3);
    struct fr_response resp;
    json_t *body;

    fr_response_init(&resp);
    ck_assert_int_eq(fr_request_check_query(&req, accepted, &resp), FR_EINVAL);
    body = parse_body(&resp);
    ck_assert_str_eq(json_string_value(json_object_get(body, "parameter")), "limit");
    json_decref(body);
    fr_response_cleanup(&resp);

    req = query_request(unknown_first, 3);
    fr_response_init(&resp);
    ck_assert_int_eq(fr_request_check_query(&req, accepted, &resp), FR_EINVAL);
    body = parse_body(&resp);
    ck_assert_str_eq(json_string_value(json_object_get(body, "parameter")), "bogus");
    json_decref(body);
    fr_response_cleanup(&resp);
}
END_TEST

START_TEST(test_query_overflow)
{
    static const struct fr_query_param params[] = {{"limit", "1"}};
    struct fr_request req = query_request(params, 1);
    struct fr_response resp;

    req.query_overflow = true;
    fr_response_init(&resp);
    ck_assert_int_eq(fr_request_check_query(&req, accepted, &resp), FR_EINVAL);
    ck_assert_int_eq(resp.status, 400);
    assert_body_equals(
        &resp, json_pack("{s:s, s:s, s:i, s:s, s:s, s:i, s:[s,s,s]}",
                         "type", "/problems/too-many-parameters",
                         "title", "Too Many Parameters",
                         "status", 400,
                         "detail",
                         "a request may have at most 32 query parameters; "
                         "this endpoint accepts: limit, cursor, model",
                         "instance", "/v1/models",
                         "maximum", 32,
                         "allowed_parameters", "limit", "cursor", "model"));
    fr_response_cleanup(&resp);
}
END_TEST

START_TEST(test_bad_param)
{
    struct fr_request req = make_request(FR_METHOD_GET, "GET", "/v1/models");
    struct fr_response resp;

    fr_response_init(&resp);
    fr_response_bad_param(&resp, &req, "limit", "abc", "not an integer",
                          "an integer from 1 to 100");
    ck_assert_int_eq(resp.status, 400);
    ck_assert_str_eq(resp.content_type, FR_CONTENT_PROBLEM);
    assert_body_equals(
        &resp, json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s}",
                         "type", "/problems/invalid-parameter",
                         "title", "Invalid Parameter",
                         "status", 400,
                         "detail",
                         "invalid value 'abc' for parameter 'limit': not an integer; "
                         "allowed: an integer from 1 to 100",
                         "instance", "/v1/models",
                         "parameter", "limit",
                         "value", "abc",
                         "allowed", "an integer from 1 to 100"));
    fr_response_cleanup(&resp);

    /* "?limit" without a value: the value is null. */
    fr_response_init(&resp);
    fr_response_bad_param(&resp, &req, "limit", NULL, "a number is required",
                          "an integer from 1 to 100");
    assert_body_equals(
        &resp, json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:n, s:s}",
                         "type", "/problems/invalid-parameter",
                         "title", "Invalid Parameter",
                         "status", 400,
                         "detail",
                         "parameter 'limit' needs a value: a number is required; "
                         "allowed: an integer from 1 to 100",
                         "instance", "/v1/models",
                         "parameter", "limit",
                         "value",
                         "allowed", "an integer from 1 to 100"));
    fr_response_cleanup(&resp);
}
END_TEST

/* ---- responses ---------------------------------------------------------- */

START_TEST(test_response_init_is_500)
{
    struct fr_response resp;
    json_t *body;

    fr_response_init(&resp);
    ck_assert_int_eq(resp.status, 500);
    ck_assert_str_eq(resp.content_type, FR_CONTENT_PROBLEM);
    ck_assert_ptr_null(resp.body_owned);
    ck_assert_uint_eq(resp.header_count, 0);
    body = parse_body(&resp);
    ck_assert_str_eq(json_string_value(json_object_get(body, "type")), "/problems/internal-error");
    ck_assert_int_eq(json_integer_value(json_object_get(body, "status")), 500);
    json_decref(body);
    fr_response_cleanup(&resp);
}
END_TEST

START_TEST(test_response_take_and_borrow)
{
    static const char borrowed[] = "borrowed";
    struct fr_response resp;
    char *owned = strdup("owned");

    ck_assert_ptr_nonnull(owned);
    fr_response_init(&resp);
    fr_response_take(&resp, 201, FR_CONTENT_TEXT, owned, 5);
    ck_assert_int_eq(resp.status, 201);
    ck_assert_ptr_eq(resp.body, owned);
    ck_assert_ptr_eq(resp.body_owned, owned);
    ck_assert_uint_eq(resp.body_len, 5);

    /* Replacing an owned body frees it (the sanitizer checks there is no leak). */
    fr_response_borrow(&resp, 200, FR_CONTENT_TEXT, borrowed, sizeof borrowed - 1);
    ck_assert_ptr_null(resp.body_owned);
    ck_assert_ptr_eq(resp.body, borrowed);
    ck_assert_uint_eq(resp.body_len, 8);
    fr_response_cleanup(&resp);
    ck_assert_int_eq(resp.status, 500);

    /* A failed allocation passed straight through becomes the 500 problem. */
    fr_response_take(&resp, 200, FR_CONTENT_JSON, NULL, 0);
    ck_assert_int_eq(resp.status, 500);
    ck_assert_str_eq(resp.content_type, FR_CONTENT_PROBLEM);
    fr_response_cleanup(&resp);
}
END_TEST

START_TEST(test_response_json)
{
    struct fr_response resp;
    json_t *json = json_pack("{s:f, s:f, s:[i,s], s:n}", "a", 0.1, "b", 1e-7, "c", 1, "x",
                             "d");
    static const char expected[] = "{\"a\":0.1,\"b\":1e-7,\"c\":[1,\"x\"],\"d\":null}";

    ck_assert_ptr_nonnull(json);
    fr_response_init(&resp);
    fr_response_json(&resp, 200, json);
    ck_assert_int_eq(resp.status, 200);
    ck_assert_str_eq(resp.content_type, FR_CONTENT_JSON);
    ck_assert_uint_eq(resp.body_len, sizeof expected - 1);
    ck_assert_str_eq(resp.body, expected);
    ck_assert_int_eq(json->refcount, 1); /* borrowed, not consumed */
    fr_response_cleanup(&resp);
    json_decref(json);

    /* A bare number is not a JSON text jansson will encode: 500. */
    json = json_integer(3);
    fr_response_init(&resp);
    fr_response_json(&resp, 200, json);
    ck_assert_int_eq(resp.status, 500);
    ck_assert_str_eq(resp.content_type, FR_CONTENT_PROBLEM);
    fr_response_cleanup(&resp);
    json_decref(json);
}
END_TEST

START_TEST(test_response_headers)
{
    struct fr_response resp;
    const size_t max = sizeof resp.headers[0].value - 1; /* the longest value that fits */
    char long_value[sizeof resp.headers[0].value + 1];
    char name[8];

    fr_response_init(&resp);
    ck_assert_int_eq(fr_response_add_header(&resp, "A", "1"), FR_OK);
    ck_assert_int_eq(fr_response_add_header(&resp, "B", "2"), FR_OK);
    ck_assert_int_eq(fr_response_add_header(&resp, "C", "3"), FR_OK);

    /* Header injection is refused. */
    ck_assert_int_eq(fr_response_add_header(&resp, "X", "a\r\nSet-Cookie: x=1"), FR_EINVAL);
    ck_assert_int_eq(fr_response_add_header(&resp, "X", "a\nb"), FR_EINVAL);

    memset(long_value, 'v', sizeof long_value);
    long_value[max + 1] = '\0';
    ck_assert_int_eq(fr_response_add_header(&resp, "D", long_value), FR_EINVAL);
    long_value[max] = '\0';
    ck_assert_int_eq(fr_response_add_header(&resp, "D", long_value), FR_OK);
    ck_assert_uint_eq(resp.header_count, 4);
    /* Fill the table: one more is refused and nothing is lost. */
    for (size_t i = 4; i < FR_MAX_EXTRA_HEADERS; i++) {
        snprintf(name, sizeof name, "H%zu", i);
        ck_assert_int_eq(fr_response_add_header(&resp, "F", name), FR_OK);
    }
    ck_assert_int_eq(fr_response_add_header(&resp, "E", "5"), FR_EINVAL);
    ck_assert_uint_eq(resp.header_count, FR_MAX_EXTRA_HEADERS);
    ck_assert_str_eq(header_value(&resp, "B"), "2");
    ck_assert_uint_eq(strlen(header_value(&resp, "D")), max);

    /* Headers survive a change of body, as a 405's Allow must. */
    fr_response_borrow(&resp, 200, FR_CONTENT_TEXT, "x", 1);
    ck_assert_uint_eq(resp.header_count, FR_MAX_EXTRA_HEADERS);
    fr_response_cleanup(&resp);
    ck_assert_uint_eq(resp.header_count, 0);
}
END_TEST

START_TEST(test_response_location)
{
    struct fr_response resp;
    char long_id[sizeof resp.headers[0].value];

    fr_response_init(&resp);
    ck_assert_int_eq(fr_response_set_location(&resp, "/v1/results", "r-42"), FR_OK);
    ck_assert_str_eq(header_value(&resp, "Location"), "/v1/results/r-42");

    /* Set, not added: one Location, the last one. The id is one segment:
     * its '/' is encoded, the path's are not; other bytes as %XX. */
    ck_assert_int_eq(fr_response_set_location(&resp, "/v1/compute/clusters/c 1/capacities",
                                              "a/b?c#d%\xC3\xA9~._-"),
                     FR_OK);
    ck_assert_uint_eq(resp.header_count, 1);
    ck_assert_str_eq(header_value(&resp, "Location"),
                     "/v1/compute/clusters/c%201/capacities/a%2Fb%3Fc%23d%25%C3%A9~._-");

    ck_assert_int_eq(fr_response_set_location(&resp, "/v1/models/gpt-5", NULL), FR_OK);
    ck_assert_str_eq(header_value(&resp, "Location"), "/v1/models/gpt-5");

    /* Too long for a header: refused, the last value kept. */
    memset(long_id, 'x', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    ck_assert_int_eq(fr_response_set_location(&resp, "/v1/results", long_id), FR_EINVAL);
    ck_assert_str_eq(header_value(&resp, "Location"), "/v1/models/gpt-5");
    ck_assert_uint_eq(resp.header_count, 1);

    /* Survives a new body, as a 201's must. */
    fr_response_borrow(&resp, 201, FR_CONTENT_JSON, "{}", 2);
    ck_assert_str_eq(header_value(&resp, "Location"), "/v1/models/gpt-5");
    fr_response_cleanup(&resp);

    /* No room for one more header: refused. */
    fr_response_init(&resp);
    for (size_t i = 0; i < FR_MAX_EXTRA_HEADERS; i++)
        ck_assert_int_eq(fr_response_add_header(&resp, "X", "1"), FR_OK);
    ck_assert_int_eq(fr_response_set_location(&resp, "/v1/results", "r"), FR_EINVAL);
    fr_response_cleanup(&resp);
}
END_TEST

START_TEST(test_problem_extensions)
{
    struct fr_request req = make_request(FR_METHOD_GET, "GET", "/v1/a");
    struct fr_response resp;
    json_t *extensions = json_pack("{s:i, s:s, s:[i]}", "status", 999, "type", "evil", "ids",
                                   7);

    fr_response_init(&resp);
    fr_response_problem(&resp, &req, 409, "conflict", "Conflict", "it clashes", extensions);
    ck_assert_int_eq(resp.status, 409);
    /* Extensions never replace the standard members. */
    assert_body_equals(&resp, json_pack("{s:s, s:s, s:i, s:s, s:s, s:[i]}",
                                        "type", "/problems/conflict",
                                        "title", "Conflict",
                                        "status", 409,
                                        "detail", "it clashes",
                                        "instance", "/v1/a",
                                        "ids", 7));
    fr_response_cleanup(&resp);

    /* No detail and no request: those members are left out. */
    fr_response_init(&resp);
    fr_response_problem(&resp, NULL, 503, "unavailable", "Service Unavailable", NULL, NULL);
    assert_body_equals(&resp, json_pack("{s:s, s:s, s:i}",
                                        "type", "/problems/unavailable",
                                        "title", "Service Unavailable",
                                        "status", 503));
    fr_response_cleanup(&resp);
}
END_TEST

/* A percent-decoded path need not be UTF-8; the problem still renders. */
START_TEST(test_problem_invalid_utf8_path)
{
    struct fr_request req = make_request(FR_METHOD_GET, "GET", "/v1/\xff\xfe");
    struct fr_response resp;
    json_t *body;

    dispatch(&req, &resp);
    ck_assert_int_eq(resp.status, 404);
    body = parse_body(&resp);
    ck_assert_str_eq(json_string_value(json_object_get(body, "instance")),
                     "/v1/\xEF\xBF\xBD\xEF\xBF\xBD");
    ck_assert_str_eq(json_string_value(json_object_get(body, "detail")),
                     "there is no resource at /v1/\xEF\xBF\xBD\xEF\xBF\xBD");
    json_decref(body);
    fr_response_cleanup(&resp);
}
END_TEST

START_TEST(test_json_string_lossy)
{
    static const struct {
        const char *in;
        const char *out;
    } cases[] = {
        {"plain", "plain"},
        {"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"},
        {"a\xFF" "b", "a\xEF\xBF\xBD" "b"},
        {"\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"},                         /* overlong */
        {"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},        /* surrogate */
        {"\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"}, /* > U+10FFFF */
        {"x\xE2\x82", "x\xEF\xBF\xBD\xEF\xBF\xBD"},                      /* cut short */
        {"", ""},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *s = fr_json_string_lossy(cases[i].in);
        ck_assert_ptr_nonnull(s);
        ck_assert_msg(strcmp(json_string_value(s), cases[i].out) == 0, "case %zu", i);
        json_decref(s);
    }
    {
        json_t *null = fr_json_string_lossy(NULL);
        ck_assert(json_is_null(null));
        json_decref(null);
    }
}
END_TEST

static Suite *router_suite(void)
{
    Suite *suite = suite_create("router");
    TCase *routing = tcase_create("routing");
    TCase *query = tcase_create("query");
    TCase *response = tcase_create("response");

    tcase_add_test(routing, test_decoding);
    tcase_add_test(routing, test_literal_route);
    tcase_add_test(routing, test_captures);
    tcase_add_test(routing, test_first_match_wins);
    tcase_add_test(routing, test_get_implies_head);
    tcase_add_test(routing, test_root);
    tcase_add_test(routing, test_not_found);
    tcase_add_test(routing, test_problem_exact_text);
    tcase_add_test(routing, test_no_trailing_slash_tolerance);
    tcase_add_test(routing, test_no_tables);
    tcase_add_test(routing, test_route_index);
    tcase_add_test(routing, test_method_not_allowed);
    tcase_add_test(routing, test_other_method);
    tcase_add_test(routing, test_allow_order);
    tcase_add_test(routing, test_options);
    tcase_add_test(routing, test_write_routes);
    tcase_add_test(routing, test_write_preflight);
    suite_add_tcase(suite, routing);

    tcase_add_test(query, test_query_lookup);
    tcase_add_test(query, test_query_accepted);
    tcase_add_test(query, test_query_unknown);
    tcase_add_test(query, test_query_none_accepted);
    tcase_add_test(query, test_query_duplicate);
    tcase_add_test(query, test_query_first_mistake);
    tcase_add_test(query, test_query_overflow);
    tcase_add_test(query, test_bad_param);
    suite_add_tcase(suite, query);

    tcase_add_test(response, test_response_init_is_500);
    tcase_add_test(response, test_response_take_and_borrow);
    tcase_add_test(response, test_response_json);
    tcase_add_test(response, test_response_headers);
    tcase_add_test(response, test_response_location);
    tcase_add_test(response, test_problem_extensions);
    tcase_add_test(response, test_problem_invalid_utf8_path);
    tcase_add_test(response, test_json_string_lossy);
    suite_add_tcase(suite, response);
    return suite;
}

int main(void)
{
    return test_run_suite(router_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
