/*
 * Query parsing and list behaviour, in-process: requests go through the
 * router and the API's handlers against the seed snapshot, without sockets.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "frontier/api.h"
#include "frontier/http.h"
#include "frontier/model.h"
#include "support.h"

static struct fr_snapshot *snapshot;

static void setup(void)
{
    snapshot = test_snapshot_load();
}

static void teardown(void)
{
    fr_snapshot_unref(snapshot);
}

/* Runs GET path with query "a=1&b=2" (no decoding; "name" alone means no
 * value) and returns the status; *body gets the parsed JSON body. */
static int get(const char *path, const char *query, json_t **body)
{
    struct fr_request req = {0};
    struct fr_response resp;
    char copy[1024];
    req.method = FR_METHOD_GET;
    req.method_name = "GET";
    req.path = path;
    req.snapshot = snapshot;
    snprintf(copy, sizeof(copy), "%s", query ? query : "");
    for (char *save = NULL, *pair = strtok_r(copy, "&", &save); pair;
         pair = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(pair, '=');
        if (eq)
            *eq = '\0';
        if (req.query_count == FR_MAX_QUERY_PARAMS) {
            req.query_overflow = true;
            break;
        }
        req.query[req.query_count].name = pair;
        req.query[req.query_count].value = eq ? eq + 1 : NULL;
        req.query_count++;
    }
    fr_response_init(&resp);
    fr_router_dispatch(fr_api_routes, &req, &resp);
    json_error_t error;
    *body = json_loadb(resp.body, resp.body_len, 0, &error);
    ck_assert_msg(*body != NULL, "%s?%s: not JSON: %s", path, query ? query : "", error.text);
    int status = resp.status;
    if (status >= 400)
        ck_assert_str_eq(resp.content_type, FR_CONTENT_PROBLEM);
    fr_response_cleanup(&resp);
    return status;
}

static int status_of(const char *path, const char *query)
{
    json_t *body = NULL;
    int status = get(path, query, &body);
    json_decref(body);
    return status;
}

/* The ids of a list's items, comma-separated. */
static void ids_of(const json_t *list, char *out, size_t size)
{
    size_t used = 0, i;
    const json_t *item;
    out[0] = '\0';
    json_array_foreach(json_object_get(list, "items"), i, item) {
        used += (size_t)snprintf(out + used, size - used, "%s%s", i ? "," : "",
                                 json_string_value(json_object_get(item, "id")));
    }
}

START_TEST(test_limit_values)
{
    static const struct { const char *query; int status; } cases[] = {
        {"limit=1", 200}, {"limit=500", 200}, {"limit=50", 200}, {"limit=007", 200},
        {"limit=0", 400}, {"limit=501", 400}, {"limit=-1", 400}, {"limit=+5", 400},
        {"limit=abc", 400}, {"limit=", 400}, {"limit", 400}, {"limit=1.5", 400},
        {"limit=99999999999999999999", 400}, {"limit=5 ", 400},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        ck_assert_msg(status_of("/v1/timeline", cases[i].query) == cases[i].status,
                      "limit case %s", cases[i].query);

    json_t *body = NULL;
    ck_assert_int_eq(get("/v1/timeline", "limit=3", &body), 200);
    ck_assert_uint_eq(json_array_size(json_object_get(body, "items")), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(body, "limit")), 3);
    ck_assert(json_is_string(json_object_get(body, "next_cursor")));
    json_decref(body);

    ck_assert_int_eq(get("/v1/models", "limit=0", &body), 400);
    ck_assert_str_eq(json_string_value(json_object_get(body, "parameter")), "limit");
    ck_assert_str_eq(json_string_value(json_object_get(body, "value")), "0");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(body, "allowed")), "500"));
    json_decref(body);
}
END_TEST

/* A page with no query is the page rendered at load: byte for byte the same
 * as asking for the defaults. */
START_TEST(test_first_page_is_prerendered_and_equal)
{
    const struct fr_collection *events = fr_snapshot_collection(snapshot, FR_COLL_EVENTS);
    struct fr_request req = {.method = FR_METHOD_GET, .method_name = "GET",
                             .path = "/v1/timeline", .snapshot = snapshot};
    struct fr_response plain, explicit_defaults;
    fr_response_init(&plain);
    fr_router_dispatch(fr_api_routes, &req, &plain);
    ck_assert_ptr_eq(plain.body, events->first_page); /* served without a copy */

    req.query[0].name = "limit";
    req.query[0].value = "50";
    req.query_count = 1;
    fr_response_init(&explicit_defaults);
    fr_router_dispatch(fr_api_routes, &req, &explicit_defaults);
    ck_assert_uint_eq(plain.body_len, explicit_defaults.body_len);
    ck_assert_int_eq(memcmp(plain.body, explicit_defaults.body, plain.body_len), 0);
    fr_response_cleanup(&plain);
    fr_response_cleanup(&explicit_defaults);
}
END_TEST

START_TEST(test_cursor_walks_every_item_once)
{
    json_t *all = NULL;
    char expected[4096], walked[4096] = "", page_ids[4096], query[512];
    ck_assert_int_eq(get("/v1/timeline", "limit=500", &all), 200);
    ids_of(all, expected, sizeof(expected));
    json_int_t total = json_integer_value(json_object_get(all, "total"));
    json_decref(all);

    char cursor[256] = "";
    size_t pages = 0;
    do {
        json_t *page = NULL;
        if (cursor[0])
            snprintf(query, sizeof(query), "limit=4&cursor=%s", cursor);
        else
            snprintf(query, sizeof(query), "limit=4");
        ck_assert_int_eq(get("/v1/timeline", query, &page), 200);
        ck_assert_int_eq(json_integer_value(json_object_get(page, "total")), total);
        ids_of(page, page_ids, sizeof(page_ids));
        if (walked[0] && page_ids[0])
            strcat(walked, ",");
        strcat(walked, page_ids);
        const json_t *next = json_object_get(page, "next_cursor");
        snprintf(cursor, sizeof(cursor), "%s", json_is_string(next) ? json_string_value(next) : "");
        json_decref(page);
        pages++;
    } while (cursor[0] && pages < 100);
    ck_assert_str_eq(walked, expected);
    ck_assert_uint_eq(pages, (size_t)(total + 3) / 4);
}
END_TEST

START_TEST(test_bad_cursors)
{
    static const char *const bad[] = {
        "cursor=!!!", "cursor=", "cursor", "cursor=YTpuby1zdWNoLWlk" /* a:no-such-id */,
        "cursor=eHl6" /* xyz */, "cursor=YQ" /* a */,
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *body = NULL;
        ck_assert_msg(get("/v1/timeline", bad[i], &body) == 400, "%s", bad[i]);
        ck_assert_str_eq(json_string_value(json_object_get(body, "parameter")), "cursor");
        json_decref(body);
    }
}
END_TEST

START_TEST(test_filters)
{
    json_t *body = NULL;
    char ids[2048];

    ck_assert_int_eq(get("/v1/models", "organization=openai", &body), 200);
    ids_of(body, ids, sizeof(ids));
    ck_assert_str_eq(ids, "gpt-5,o3");
    json_decref(body);

    ck_assert_int_eq(get("/v1/results", "benchmark=humanitys-last-exam&tools=none", &body), 200);
    ck_assert_int_eq(json_integer_value(json_object_get(body, "total")), 1);
    ck_assert_double_eq_tol(json_real_value(json_object_get(
                                json_array_get(json_object_get(body, "items"), 0), "score")),
                            26.9, 1e-9);
    json_decref(body);

    /* A multi-valued member: the capital expenditure figures name four companies. */
    ck_assert_int_eq(get("/v1/financials", "organization=meta&kind=forecast", &body), 200);
    ck_assert_int_eq(json_integer_value(json_object_get(body, "total")), 1);
    json_decref(body);

    /* Filters that match nothing are an empty page, not an error. */
    ck_assert_int_eq(get("/v1/models", "organization=nvidia", &body), 200);
    ck_assert_int_eq(json_integer_value(json_object_get(body, "total")), 0);
    ck_assert(json_is_null(json_object_get(body, "next_cursor")));
    json_decref(body);

    /* ... but a value that can match nothing names what is allowed. */
    ck_assert_int_eq(get("/v1/models", "status=shipped", &body), 400);
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(body, "allowed")),
                                 "released, announced, planned, cancelled"));
    json_decref(body);
    ck_assert_int_eq(get("/v1/results", "model=grok-9", &body), 400);
    ck_assert_str_eq(json_string_value(json_object_get(body, "parameter")), "model");
    json_decref(body);
}
END_TEST

/* from/to select events whose (possibly fuzzy) date may fall in the range. */
START_TEST(test_date_range)
{
    json_t *body = NULL;
    ck_assert_int_eq(get("/v1/timeline", "from=2025-05-15&to=2025-05-15&limit=500", &body), 200);
    size_t i;
    const json_t *item;
    bool mid_may = false, early_may = false;
    json_array_foreach(json_object_get(body, "items"), i, item) {
        const json_t *date = json_object_get(item, "date");
        ck_assert_str_le(json_string_value(json_object_get(date, "earliest")), "2025-05-15");
        ck_assert_str_ge(json_string_value(json_object_get(date, "latest")), "2025-05-15");
        const json_t *q = json_object_get(date, "qualifier");
        if (json_is_string(q) && strcmp(json_string_value(q), "mid") == 0)
            mid_may = true;
        if (json_is_string(q) && strcmp(json_string_value(q), "early") == 0)
            early_may = true;
    }
    ck_assert(mid_may);    /* "mid-May 2025" may be the 15th */
    ck_assert(!early_may); /* "early May 2025" ends on the 10th */
    json_decref(body);

    static const char *const bad[] = {"from=2025-13", "to=2025-02-30", "from=25-01-01",
                                      "from=2025-07&to=2025-06", "from=2025-5", "to="};
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
        ck_assert_msg(status_of("/v1/timeline", bad[k]) == 400, "%s", bad[k]);
}
END_TEST

START_TEST(test_unknown_repeated_and_too_many_parameters)
{
    json_t *body = NULL;
    ck_assert_int_eq(get("/v1/models", "colour=red", &body), 400);
    ck_assert_str_eq(json_string_value(json_object_get(body, "parameter")), "colour");
    ck_assert(json_is_array(json_object_get(body, "allowed_parameters")));
    json_decref(body);

    ck_assert_int_eq(get("/v1/models", "status=planned&status=released", &body), 400);
    ck_assert_str_eq(json_string_value(json_object_get(body, "parameter")), "status");
    json_decref(body);

    char many[1024] = "";
    for (int i = 0; i < 40; i++)
        snprintf(many + strlen(many), sizeof(many) - strlen(many), "%sp%d=1", i ? "&" : "", i);
    ck_assert_int_eq(status_of("/v1/models", many), 400);

    /* Items take no parameters at all. */
    ck_assert_int_eq(status_of("/v1/models/grok-4", "x=1"), 400);
    ck_assert_int_eq(status_of("/v1/models/grok-4", NULL), 200);
}
END_TEST

START_TEST(test_as_of)
{
    json_t *body = NULL;
    ck_assert_int_eq(get("/v1/leaderboards/humanitys-last-exam", "as_of=2025-07-09", &body), 200);
    ck_assert_str_eq(json_string_value(json_object_get(body, "as_of")), "2025-07-09");
    json_decref(body);
    /* A month means its end. */
    ck_assert_int_eq(get("/v1/leaderboards/humanitys-last-exam", "as_of=2025-06", &body), 200);
    ck_assert_str_eq(json_string_value(json_object_get(body, "as_of")), "2025-06-30");
    json_decref(body);
    static const char *const bad[] = {"as_of=yesterday", "as_of=2025-7-9", "as_of",
                                      "as_of=2025-07-09T00:00", "asof=2025-07-09"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(status_of("/v1/leaderboards/humanitys-last-exam", bad[i]) == 400, "%s",
                      bad[i]);
    ck_assert_int_eq(status_of("/v1/leaderboards/no-such-benchmark", "as_of=2025-07-09"), 404);
    ck_assert_int_eq(status_of("/v1/leaderboards/no-such-benchmark", NULL), 404);
}
END_TEST

/* Without a snapshot every data route answers 503, and the probes say why. */
START_TEST(test_not_ready)
{
    struct fr_request req = {.method = FR_METHOD_GET, .method_name = "GET",
                             .path = "/v1/models"};
    struct fr_response resp;
    fr_response_init(&resp);
    fr_router_dispatch(fr_api_routes, &req, &resp);
    ck_assert_int_eq(resp.status, 503);
    fr_response_cleanup(&resp);

    req.path = "/readyz";
    fr_response_init(&resp);
    fr_router_dispatch(fr_api_routes, &req, &resp);
    ck_assert_int_eq(resp.status, 503);
    fr_response_cleanup(&resp);

    req.path = "/livez";
    fr_response_init(&resp);
    fr_router_dispatch(fr_api_routes, &req, &resp);
    ck_assert_int_eq(resp.status, 200);
    fr_response_cleanup(&resp);

    req.path = "/readyz";
    req.snapshot = snapshot;
    req.shutting_down = true;
    fr_response_init(&resp);
    fr_router_dispatch(fr_api_routes, &req, &resp);
    ck_assert_int_eq(resp.status, 503);
    fr_response_cleanup(&resp);
}
END_TEST

static Suite *query_suite(void)
{
    Suite *s = suite_create("query");
    TCase *tc = tcase_create("query");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_limit_values);
    tcase_add_test(tc, test_first_page_is_prerendered_and_equal);
    tcase_add_test(tc, test_cursor_walks_every_item_once);
    tcase_add_test(tc, test_bad_cursors);
    tcase_add_test(tc, test_filters);
    tcase_add_test(tc, test_date_range);
    tcase_add_test(tc, test_unknown_repeated_and_too_many_parameters);
    tcase_add_test(tc, test_as_of);
    tcase_add_test(tc, test_not_ready);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(query_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
