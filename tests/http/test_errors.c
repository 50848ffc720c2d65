/*
 * Every class of error the read API answers, over real HTTP against one
 * frontierd started on port 0 with the seed. Each answer must be an RFC 9457
 * problem (application/problem+json with type, title, status, detail and
 * instance) whose extension members name what was wrong and what is allowed:
 * unknown paths and ids, unknown, repeated and too many parameters, bad
 * values of every kind, bad cursors and dates, wrong methods, odd paths.
 * Last, the same daemon must still be ready and answer exactly as it did
 * before any of it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <curl/curl.h>
#include <jansson.h>

#include "frontier/buf.h"
#include "support.h"

/* ---- the daemon --------------------------------------------------------- */

/* The leaderboard as first served, before any error: the last test wants
 * the same bytes. Fetched in the runner's process, which outlives tests. */
#define BASELINE_TARGET "/v1/leaderboards/humanitys-last-exam"
static char *baseline;
static size_t baseline_len;

static void daemon_start(void)
{
    struct http_reply reply;
    test_daemon_start();
    http_get(test_daemon.port, BASELINE_TARGET, &reply);
    ck_assert_msg(reply.status == 200, "the baseline leaderboard answered %ld", reply.status);
    baseline = reply.body;
    baseline_len = reply.body_len;
    reply.body = NULL;
    http_reply_free(&reply);
}

/* No ck_assert here: an unchecked teardown has nowhere to report to. */
static void daemon_stop(void)
{
    test_daemon_stop();
    free(baseline);
    baseline = NULL;
}

/* ---- helpers ------------------------------------------------------------ */

static void assert_contains(const char *text, const char *part, const char *what)
{
    ck_assert_msg(strstr(text, part) != NULL, "%s '%s' does not mention '%s'", what, text, part);
}

/*
 * Sends method target and checks an RFC 9457 problem: the status, the
 * problem content type, and a body with type "/problems/<slug>", title,
 * status, a non-empty detail and the request's (decoded) path as instance.
 * Returns the body (new reference); *reply_out gets the reply if not NULL
 * (the caller frees it).
 */
static json_t *problem_reply(const char *method, const char *target, long status,
                             const char *slug, const char *title, const char *instance,
                             struct http_reply *reply_out)
{
    struct http_reply reply;
    char type[128], expected_type[128];
    http_request(test_daemon.port, method, target, NULL, &reply);
    ck_assert_msg(reply.status == status, "%s %s: status %ld, expected %ld: %.400s", method,
                  target, reply.status, status, reply.body);
    ck_assert_msg(http_reply_header(&reply, "Content-Type", type, sizeof(type)),
                  "%s %s: no Content-Type", method, target);
    ck_assert_msg(strcmp(type, "application/problem+json") == 0, "%s %s: Content-Type %s",
                  method, target, type);
    json_t *body = http_reply_json(&reply);
    test_format(expected_type, sizeof(expected_type), "/problems/%s", slug);
    ck_assert_msg(strcmp(test_member_str(body, "type"), expected_type) == 0, "%s %s: type %s",
                  method, target, test_member_str(body, "type"));
    ck_assert_msg(strcmp(test_member_str(body, "title"), title) == 0, "%s %s: title %s", method,
                  target, test_member_str(body, "title"));
    ck_assert_msg(json_integer_value(json_object_get(body, "status")) == status,
                  "%s %s: the body's status differs", method, target);
    ck_assert_msg(*test_member_str(body, "detail"), "%s %s: empty detail", method, target);
    ck_assert_msg(strcmp(test_member_str(body, "instance"), instance) == 0,
                  "%s %s: instance '%s', expected '%s'", method, target,
                  test_member_str(body, "instance"), instance);
    if (reply_out)
        *reply_out = reply;
    else
        http_reply_free(&reply);
    return body;
}

static json_t *problem(const char *target, long status, const char *slug, const char *title,
                       const char *instance)
{
    return problem_reply("GET", target, status, slug, title, instance, NULL);
}

/* The path part of a target, for "instance". */
static void path_of(const char *target, char *out, size_t size)
{
    size_t len = strcspn(target, "?");
    ck_assert_uint_lt(len, size);
    memcpy(out, target, len);
    out[len] = '\0';
}

/*
 * A 400 invalid-parameter for one bad value: names the parameter, echoes the
 * value (NULL: given without one, served as null), and says what is allowed.
 * allowed_part must appear in "allowed"; the detail names the parameter and
 * the value.
 */
static void expect_bad_value(const char *target, const char *param, const char *value,
                             const char *allowed_part)
{
    char path[512];
    path_of(target, path, sizeof(path));
    json_t *body = problem(target, 400, "invalid-parameter", "Invalid Parameter", path);
    ck_assert_msg(strcmp(test_member_str(body, "parameter"), param) == 0, "%s: parameter %s",
                  target, test_member_str(body, "parameter"));
    const json_t *v = json_object_get(body, "value");
    if (value) {
        ck_assert_msg(json_is_string(v) && strcmp(json_string_value(v), value) == 0,
                      "%s: value is not '%s'", target, value);
        char quoted[512];
        test_format(quoted, sizeof(quoted), "'%s'", value);
        assert_contains(test_member_str(body, "detail"), quoted, "detail");
    } else {
        ck_assert_msg(json_is_null(v), "%s: value is not null", target);
        assert_contains(test_member_str(body, "detail"), "needs a value", "detail");
    }
    char quoted_param[128];
    test_format(quoted_param, sizeof(quoted_param), "'%s'", param);
    assert_contains(test_member_str(body, "detail"), quoted_param, "detail");
    assert_contains(test_member_str(body, "allowed"), allowed_part, "allowed");
    json_decref(body);
}

/* allowed_parameters as a ','-joined string ("" for none). */
static char *joined(const json_t *array)
{
    struct fr_buf buf;
    size_t i, len = 0;
    const json_t *v;
    ck_assert_msg(json_is_array(array), "not an array");
    fr_buf_init(&buf);
    json_array_foreach(array, i, v) {
        ck_assert(json_is_string(v));
        ck_assert(fr_buf_append_str(&buf, i ? "," : "") == FR_OK);
        ck_assert(fr_buf_append_str(&buf, json_string_value(v)) == FR_OK);
    }
    char *out = fr_buf_steal(&buf, &len);
    ck_assert_ptr_nonnull(out);
    return out;
}

/* A 400 for an unknown or repeated parameter, naming it and listing the
 * parameters the route accepts. */
static void expect_param_rejected(const char *target, const char *param, const char *accepted,
                                  const char *detail_part)
{
    char path[512];
    path_of(target, path, sizeof(path));
    json_t *body = problem(target, 400, "invalid-parameter", "Invalid Parameter", path);
    ck_assert_msg(strcmp(test_member_str(body, "parameter"), param) == 0, "%s: parameter %s",
                  target, test_member_str(body, "parameter"));
    char *list = joined(json_object_get(body, "allowed_parameters"));
    ck_assert_msg(strcmp(list, accepted) == 0, "%s: allowed_parameters [%s], expected [%s]",
                  target, list, accepted);
    assert_contains(test_member_str(body, "detail"), detail_part, "detail");
    free(list);
    json_decref(body);
}

/* ---- unknown paths and ids ---------------------------------------------- */

START_TEST(test_unknown_paths)
{
    static const char *const paths[] = {
        "/nope", "/v1", "/v1/", "/v1/model", "/v1/models/", "//v1/models",
        "/v1/models/grok-4/extra", "/v1/compute", "/v1/organizations/xai/funding/x",
        "/V1/models", "/v2/models", "/livez/",
    };
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        json_t *body = problem(paths[i], 404, "not-found", "Not Found", paths[i]);
        assert_contains(test_member_str(body, "detail"), paths[i], "detail");
        json_decref(body);
    }
}
END_TEST

/* Each item route says which kind of record it did not find, and its id. */
START_TEST(test_unknown_ids)
{
    static const struct {
        const char *prefix;
        const char *suffix;
        const char *kind;
    } item_routes[] = {
        {"/v1/sources/", "", "source"},
        {"/v1/organizations/", "", "organization"},
        {"/v1/organizations/", "/funding", "organization"},
        {"/v1/people/", "", "person"},
        {"/v1/models/", "", "model"},
        {"/v1/benchmarks/", "", "benchmark"},
        {"/v1/results/", "", "result"},
        {"/v1/funding-rounds/", "", "funding round"},
        {"/v1/valuations/", "", "valuation"},
        {"/v1/financials/", "", "financial figure"},
        {"/v1/compute/clusters/", "", "cluster"},
        {"/v1/timeline/", "", "event"},
        {"/v1/leaderboards/", "", "benchmark"},
    };
    char target[256], detail[256];
    for (size_t i = 0; i < sizeof(item_routes) / sizeof(item_routes[0]); i++) {
        test_format(target, sizeof(target), "%sno-such-record%s", item_routes[i].prefix,
                      item_routes[i].suffix);
        json_t *body = problem(target, 404, "not-found", "Not Found", target);
        test_format(detail, sizeof(detail), "no %s has the id 'no-such-record'",
                      item_routes[i].kind);
        ck_assert_msg(strcmp(test_member_str(body, "detail"), detail) == 0, "%s: detail '%s'",
                      target, test_member_str(body, "detail"));
        ck_assert_str_eq(test_member_str(body, "id"), "no-such-record");
        json_decref(body);
    }
    /* Ids are case-sensitive. */
    json_t *body = problem("/v1/models/GROK-4", 404, "not-found", "Not Found",
                           "/v1/models/GROK-4");
    ck_assert_str_eq(test_member_str(body, "id"), "GROK-4");
    json_decref(body);
}
END_TEST

/* /v1/leaderboards/{benchmark} misses the same way with or without as_of. */
START_TEST(test_unknown_leaderboard_consistent)
{
    json_t *plain = problem("/v1/leaderboards/no-such-benchmark", 404, "not-found",
                            "Not Found", "/v1/leaderboards/no-such-benchmark");
    json_t *dated = problem("/v1/leaderboards/no-such-benchmark?as_of=2025-07-10", 404,
                            "not-found", "Not Found", "/v1/leaderboards/no-such-benchmark");
    ck_assert_str_eq(test_member_str(dated, "id"), "no-such-benchmark");
    ck_assert_msg(strcmp(test_member_str(plain, "detail"), test_member_str(dated, "detail")) == 0,
                  "the same missing leaderboard is described two ways: '%s' and '%s'",
                  test_member_str(plain, "detail"), test_member_str(dated, "detail"));
    json_decref(dated);
    json_decref(plain);
}
END_TEST

/* An id that is not UTF-8 is still named in the problem: detail, instance
 * and the "id" member all carry it, ill-formed bytes as U+FFFD. */
START_TEST(test_unknown_id_not_utf8)
{
    json_t *body = problem("/v1/models/%FFx", 404, "not-found", "Not Found",
                           "/v1/models/\xEF\xBF\xBDx");
    ck_assert_str_eq(test_member_str(body, "detail"), "no model has the id '\xEF\xBF\xBDx'");
    ck_assert_msg(json_is_string(json_object_get(body, "id")),
                  "the 404 for a non-UTF-8 id lacks its \"id\" member: %s",
                  json_dumps(body, JSON_COMPACT));
    ck_assert_str_eq(test_member_str(body, "id"), "\xEF\xBF\xBDx");
    json_decref(body);
}
END_TEST

/* ---- parameters: unknown, repeated, too many ---------------------------- */

START_TEST(test_unknown_parameters)
{
    static const struct {
        const char *target;
        const char *param;
        const char *accepted;
    } cases[] = {
        {"/v1/sources?author=x", "author", "limit,cursor,format,kind,publisher"},
        {"/v1/organizations?name=xai", "name", "limit,cursor,format,kind"},
        {"/v1/people?org=xai", "org", "limit,cursor,format,organization"},
        {"/v1/models?modle=grok-4", "modle", "limit,cursor,format,organization,status,kind"},
        {"/v1/benchmarks?kind=x", "kind", "limit,cursor,format"},
        {"/v1/results?score=24", "score",
         "limit,cursor,format,model,benchmark,source,evaluator,evaluator_relationship,tools"},
        {"/v1/funding-rounds?kind=debt", "kind", "limit,cursor,format,organization"},
        {"/v1/valuations?from=2025", "from", "limit,cursor,format,organization"},
        {"/v1/financials?status=x", "status", "limit,cursor,format,organization,metric,kind"},
        {"/v1/compute/clusters?organization=xai", "organization", "limit,cursor,format,operator"},
        {"/v1/timeline?since=2025", "since",
         "limit,cursor,format,organization,model,kind,status,from,to"},
        {"/v1/leaderboards?as_of=2025-07-10", "as_of", "limit,cursor,format"},
        {"/v1/leaderboards/humanitys-last-exam?tools=none", "tools", "as_of"},
        {"/v1/organizations/xai/funding?as_of=2025", "as_of", ""},
        {"/livez?verbose&full", "full", "verbose"},
        {"/readyz?x=1", "x", "verbose"},
        /* Names are case-sensitive, and decoded before they are compared. */
        {"/v1/models?Limit=2", "Limit", "limit,cursor,format,organization,status,kind"},
        {"/v1/models?lim%69t=2&x%20y=1", "x y", "limit,cursor,format,organization,status,kind"},
        {"/v1/models?=1", "", "limit,cursor,format,organization,status,kind"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char quoted[128];
        test_format(quoted, sizeof(quoted), "unknown query parameter '%s'", cases[i].param);
        expect_param_rejected(cases[i].target, cases[i].param, cases[i].accepted, quoted);
    }
}
END_TEST

/* Query parameters on an item route: it takes none. */
START_TEST(test_query_on_item_route)
{
    static const char *const targets[] = {
        "/v1/models/grok-4?x=1", "/v1/models/grok-4?limit=1", "/v1/timeline/xai-founded?x",
        "/v1/sources/yicai-grok4-article?cursor=abc",
    };
    static const char *const params[] = {"x", "limit", "x", "cursor"};
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        expect_param_rejected(targets[i], params[i], "", "accepts no query parameters");
    }
}
END_TEST

START_TEST(test_repeated_parameters)
{
    expect_param_rejected("/v1/models?status=released&status=planned", "status",
                          "limit,cursor,format,organization,status,kind",
                          "query parameter 'status' is given more than once");
    expect_param_rejected("/v1/models?limit=2&limit=2", "limit",
                          "limit,cursor,format,organization,status,kind", "more than once");
    expect_param_rejected("/v1/timeline?organization=xai&kind=post&organization=xai",
                          "organization", "limit,cursor,format,organization,model,kind,status,from,to",
                          "more than once");
    expect_param_rejected("/v1/leaderboards/humanitys-last-exam?as_of=2025&as_of=2024", "as_of",
                          "as_of", "more than once");
    expect_param_rejected("/readyz?verbose&verbose", "verbose", "verbose", "more than once");
}
END_TEST

/* More than 32 parameters is refused as such, before any is looked at;
 * exactly 32 are each looked at. */
START_TEST(test_too_many_parameters)
{
    struct fr_buf target;
    fr_buf_init(&target);
    ck_assert(fr_buf_append_str(&target, "/v1/models?limit=1") == FR_OK);
    for (int i = 1; i < 33; i++)
        ck_assert(fr_buf_appendf(&target, "&p%d=1", i) == FR_OK);
    json_t *body = problem(target.data, 400, "too-many-parameters", "Too Many Parameters",
                           "/v1/models");
    ck_assert_int_eq(json_integer_value(json_object_get(body, "maximum")), 32);
    assert_contains(test_member_str(body, "detail"), "at most 32", "detail");
    char *list = joined(json_object_get(body, "allowed_parameters"));
    ck_assert_str_eq(list, "limit,cursor,format,organization,status,kind");
    free(list);
    json_decref(body);
    fr_buf_cleanup(&target);

    fr_buf_init(&target);
    ck_assert(fr_buf_append_str(&target, "/v1/models?limit=1") == FR_OK);
    for (int i = 1; i < 32; i++)
        ck_assert(fr_buf_appendf(&target, "&p%d=1", i) == FR_OK);
    expect_param_rejected(target.data, "p1", "limit,cursor,format,organization,status,kind",
                          "unknown query parameter 'p1'");
    fr_buf_cleanup(&target);
}
END_TEST

/* ---- bad values --------------------------------------------------------- */

START_TEST(test_bad_limit)
{
    static const struct {
        const char *target;
        const char *value;
    } cases[] = {
        {"/v1/models?limit=0", "0"},
        {"/v1/models?limit=501", "501"},
        {"/v1/models?limit=-1", "-1"},
        {"/v1/models?limit=abc", "abc"},
        {"/v1/models?limit=", ""},
        {"/v1/models?limit=1%20", "1 "},
        {"/v1/models?limit=%201", " 1"},
        {"/v1/models?limit=+1", " 1"}, /* '+' is a space in a query */
        {"/v1/models?limit=1.5", "1.5"},
        {"/v1/models?limit=1e2", "1e2"},
        {"/v1/models?limit=0x10", "0x10"},
        {"/v1/models?limit=99999999999999999999", "99999999999999999999"},
        {"/v1/timeline?limit=0&kind=post", "0"},
        {"/v1/leaderboards?limit=1000", "1000"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_bad_value(cases[i].target, "limit", cases[i].value, "from 1 to 500");
    expect_bad_value("/v1/models?limit", "limit", NULL, "from 1 to 500");

    /* The bounds themselves are fine. */
    json_t *one = http_get_json(test_daemon.port, "/v1/models?limit=1", 200);
    ck_assert_int_eq(json_integer_value(json_object_get(one, "limit")), 1);
    json_decref(one);
    json_t *max = http_get_json(test_daemon.port, "/v1/models?limit=500", 200);
    ck_assert_int_eq(json_integer_value(json_object_get(max, "limit")), 500);
    json_decref(max);
}
END_TEST

/* An enum filter lists every value it accepts. */
START_TEST(test_bad_enum_values)
{
    static const struct {
        const char *target;
        const char *param;
        const char *value;
        const char *allowed;
    } cases[] = {
        {"/v1/sources?kind=tweet", "kind", "tweet",
         "one of: article, livestream, post, evaluation, statement, media_report, "
         "earnings_report"},
        {"/v1/organizations?kind=startup", "kind", "startup",
         "one of: ai_lab, technology_company, bank, evaluator, media, chip_maker"},
        {"/v1/models?status=foo", "status", "foo",
         "one of: released, announced, planned, cancelled"},
        {"/v1/models?status=Released", "status", "Released",
         "one of: released, announced, planned, cancelled"},
        {"/v1/models?kind=llm", "kind", "llm",
         "one of: language_model, coding_model, multi_agent, video_generation"},
        {"/v1/results?tools=None", "tools", "None", "one of: none, enabled, unspecified"},
        {"/v1/results?evaluator_relationship=self", "evaluator_relationship", "self",
         "one of: first_party, third_party"},
        {"/v1/financials?metric=profit", "metric", "profit",
         "one of: burn_rate, cash_on_hand, revenue, capital_expenditure, profitability, "
         "cash_flow_positive"},
        {"/v1/financials?kind=estimate", "kind", "estimate", "one of: actual, forecast"},
        {"/v1/timeline?kind=launches", "kind", "launches",
         "one of: founding, launch, release, announcement, funding, merger, infrastructure, "
         "evaluation, post"},
        {"/v1/timeline?status=delayed", "status", "delayed",
         "one of: done, planned, slipped, cancelled"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        expect_bad_value(cases[i].target, cases[i].param, cases[i].value, cases[i].allowed);
        char path[256];
        path_of(cases[i].target, path, sizeof(path));
        json_t *body = problem(cases[i].target, 400, "invalid-parameter", "Invalid Parameter",
                               path);
        ck_assert_str_eq(test_member_str(body, "allowed"), cases[i].allowed);
        json_decref(body);
    }
    expect_bad_value("/v1/models?status=", "status", "", "non-empty");
    expect_bad_value("/v1/results?model", "model", NULL, "non-empty");
    expect_bad_value("/v1/timeline?from", "from", NULL, "non-empty");
}
END_TEST

/* A reference filter must name a record that exists: the query could mean
 * nothing otherwise. The problem says which kind and where to find them. */
START_TEST(test_bad_references)
{
    static const struct {
        const char *target;
        const char *param;
        const char *kind;
        const char *list;
    } cases[] = {
        {"/v1/sources?publisher=nobody", "publisher", "organization", "/v1/organizations"},
        {"/v1/people?organization=nobody", "organization", "organization", "/v1/organizations"},
        {"/v1/models?organization=nobody", "organization", "organization", "/v1/organizations"},
        {"/v1/results?model=gpt-6", "model", "model", "/v1/models"},
        {"/v1/results?benchmark=mmlu", "benchmark", "benchmark", "/v1/benchmarks"},
        {"/v1/results?source=nobody", "source", "source", "/v1/sources"},
        {"/v1/results?evaluator=nobody", "evaluator", "organization", "/v1/organizations"},
        {"/v1/funding-rounds?organization=nobody", "organization", "organization",
         "/v1/organizations"},
        {"/v1/valuations?organization=nobody", "organization", "organization",
         "/v1/organizations"},
        {"/v1/financials?organization=nobody", "organization", "organization",
         "/v1/organizations"},
        {"/v1/compute/clusters?operator=nobody", "operator", "organization",
         "/v1/organizations"},
        {"/v1/timeline?organization=nobody", "organization", "organization",
         "/v1/organizations"},
        {"/v1/timeline?model=nobody", "model", "model", "/v1/models"},
        /* Case matters: "OpenAI" is not "openai". */
        {"/v1/models?organization=OpenAI", "organization", "organization", "/v1/organizations"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *value = strchr(cases[i].target, '=') + 1;
        expect_bad_value(cases[i].target, cases[i].param, value, cases[i].list);
        char path[256], reason[128];
        path_of(cases[i].target, path, sizeof(path));
        json_t *body = problem(cases[i].target, 400, "invalid-parameter", "Invalid Parameter",
                               path);
        test_format(reason, sizeof(reason), "no %s has this id", cases[i].kind);
        assert_contains(test_member_str(body, "detail"), reason, "detail");
        json_decref(body);
    }
}
END_TEST

START_TEST(test_bad_cursors)
{
    static const char *const allowed = "next_cursor of a previous page";
    /* Not base64url at all. */
    expect_bad_value("/v1/models?cursor=garbage!!", "cursor", "garbage!!", allowed);
    expect_bad_value("/v1/models?cursor=%2B%2F%2B%2F", "cursor", "+/+/", allowed);
    expect_bad_value("/v1/models?cursor=", "cursor", "", allowed);
    expect_bad_value("/v1/models?cursor", "cursor", NULL, allowed);
    /* Valid base64url of something else: "hello", "a:" with no id, an id
     * followed by a NUL, an id of another list. */
    expect_bad_value("/v1/models?cursor=aGVsbG8", "cursor", "aGVsbG8", allowed);
    expect_bad_value("/v1/models?cursor=YTo", "cursor", "YTo", allowed);
    expect_bad_value("/v1/models?cursor=YTpncm9rLTQAeA", "cursor", "YTpncm9rLTQAeA", allowed);
    expect_bad_value("/v1/models?cursor=YTpuby1zdWNoLW1vZGVs", "cursor",
                     "YTpuby1zdWNoLW1vZGVs", allowed);

    /* A real cursor of /v1/models means nothing to /v1/timeline. */
    json_t *page = http_get_json(test_daemon.port, "/v1/models?limit=2", 200);
    const char *cursor = test_member_str(page, "next_cursor");
    char target[256];
    test_format(target, sizeof(target), "/v1/timeline?cursor=%s", cursor);
    expect_bad_value(target, "cursor", cursor, allowed);
    /* ... while it still works where it came from. */
    test_format(target, sizeof(target), "/v1/models?limit=2&cursor=%s", cursor);
    json_t *next = http_get_json(test_daemon.port, target, 200);
    ck_assert_uint_eq(json_array_size(json_object_get(next, "items")), 2);
    json_decref(next);
    json_decref(page);
}
END_TEST

START_TEST(test_bad_dates)
{
    static const char *const allowed = "YYYY, YYYY-MM or YYYY-MM-DD";
    expect_bad_value("/v1/timeline?from=2025-13", "from", "2025-13", allowed);
    expect_bad_value("/v1/timeline?from=2025-00", "from", "2025-00", allowed);
    expect_bad_value("/v1/timeline?from=2025-02-30", "from", "2025-02-30", allowed);
    expect_bad_value("/v1/timeline?to=2025-02-29", "to", "2025-02-29", allowed);
    expect_bad_value("/v1/timeline?to=2025-06-31", "to", "2025-06-31", allowed);
    expect_bad_value("/v1/timeline?from=25-01-01", "from", "25-01-01", allowed);
    expect_bad_value("/v1/timeline?from=2025-1-1", "from", "2025-1-1", allowed);
    expect_bad_value("/v1/timeline?from=2025/01/01", "from", "2025/01/01", allowed);
    expect_bad_value("/v1/timeline?from=20250101", "from", "20250101", allowed);
    expect_bad_value("/v1/timeline?to=2025-W28", "to", "2025-W28", allowed);
    expect_bad_value("/v1/timeline?to=2025-07-10T12:00", "to", "2025-07-10T12:00", allowed);
    expect_bad_value("/v1/timeline?from=", "from", "", "non-empty");

    /* The detail says what is wrong with the date, not only that it is. */
    json_t *body = problem("/v1/timeline?from=2025-13", 400, "invalid-parameter",
                           "Invalid Parameter", "/v1/timeline");
    assert_contains(test_member_str(body, "detail"), "month", "detail");
    json_decref(body);
    body = problem("/v1/timeline?from=2025-02-30", 400, "invalid-parameter",
                   "Invalid Parameter", "/v1/timeline");
    assert_contains(test_member_str(body, "detail"), "day", "detail");
    json_decref(body);

    /* A range that ends before it starts can match nothing. */
    expect_bad_value("/v1/timeline?from=2025-06&to=2025-05", "from", "2025-06",
                     "on or before the to date");
    expect_bad_value("/v1/timeline?to=2025-05-14&from=2025-05-15", "from", "2025-05-15",
                     "on or before the to date");
    /* ... but ranges that overlap at all are fine. */
    json_t *ok = http_get_json(test_daemon.port, "/v1/timeline?from=2025-05-15&to=2025-05", 200);
    json_decref(ok);
    ok = http_get_json(test_daemon.port, "/v1/timeline?from=2025-05-31&to=2025-05", 200);
    json_decref(ok);
    ok = http_get_json(test_daemon.port, "/v1/timeline?from=2024-02-29", 200);
    json_decref(ok);
}
END_TEST

START_TEST(test_bad_as_of)
{
    static const char *const allowed = "YYYY-MM-DD";
    static const char *const values[] = {"2025-7-1", "2025-07-32", "2025-02-29", "2025-13",
                                         "yesterday", "20250709", "2025-07-09T00:00", ""};
    static const char *const encoded[] = {"2025-7-1", "2025-07-32", "2025-02-29", "2025-13",
                                          "yesterday", "20250709", "2025-07-09T00%3A00", ""};
    char target[256];
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        test_format(target, sizeof(target), "/v1/leaderboards/humanitys-last-exam?as_of=%s",
                      encoded[i]);
        expect_bad_value(target, "as_of", values[i], allowed);
    }
    expect_bad_value("/v1/leaderboards/humanitys-last-exam?as_of", "as_of", NULL, allowed);
}
END_TEST

/* ---- methods ------------------------------------------------------------ */

/* Each route and the methods it allows: collections take POST, their items
 * PATCH and DELETE (writes need a token; see test_writes.c). */
static const struct {
    const char *path;
    const char *allow;
} routes[] = {
    {"/v1/sources", "GET, HEAD, POST, OPTIONS"},
    {"/v1/sources/yicai-grok4-article", "GET, HEAD, PATCH, DELETE, OPTIONS"},
    {"/v1/organizations", "GET, HEAD, POST, OPTIONS"},
    {"/v1/organizations/xai", "GET, HEAD, PATCH, DELETE, OPTIONS"},
    {"/v1/organizations/xai/funding", "GET, HEAD, OPTIONS"},
    {"/v1/people", "GET, HEAD, POST, OPTIONS"},
    {"/v1/people/elon-musk", "GET, HEAD, PATCH, DELETE, OPTIONS"},
    {"/v1/models", "GET, HEAD, POST, OPTIONS"},
    {"/v1/models/grok-4", "GET, HEAD, PATCH, DELETE, OPTIONS"},
    {"/v1/benchmarks", "GET, HEAD, POST, OPTIONS"},
    {"/v1/benchmarks/aime-2025", "GET, HEAD, PATCH, DELETE, OPTIONS"},
    {"/v1/results", "GET, HEAD, POST, OPTIONS"},
    {"/v1/results/grok-4-hle-xai-no-tools", "GET, HEAD, PATCH, DELETE, OPTIONS"},
    {"/v1/leaderboards", "GET, HEAD, OPTIONS"},
    {"/v1/leaderboards/humanitys-last-exam", "GET, HEAD, OPTIONS"},
    {"/v1/funding-rounds", "GET, HEAD, POST, OPTIONS"},
    {"/v1/funding-rounds/xai-2025-06-round", "GET, HEAD, PATCH, DELETE, OPTIONS"},
    {"/v1/valuations", "GET, HEAD, POST, OPTIONS"},
    {"/v1/valuations/xai-2025-03", "GET, HEAD, PATCH, DELETE, OPTIONS"},
    {"/v1/financials", "GET, HEAD, POST, OPTIONS"},
    {"/v1/financials/xai-profitability-2027", "GET, HEAD, PATCH, DELETE, OPTIONS"},
    {"/v1/compute/clusters", "GET, HEAD, POST, OPTIONS"},
    {"/v1/compute/clusters/colossus", "GET, HEAD, PATCH, DELETE, OPTIONS"},
    {"/v1/timeline", "GET, HEAD, POST, OPTIONS"},
    {"/v1/timeline/xai-founded", "GET, HEAD, PATCH, DELETE, OPTIONS"},
    {"/livez", "GET, HEAD, OPTIONS"},
    {"/readyz", "GET, HEAD, OPTIONS"},
    {"/healthz", "GET, HEAD, OPTIONS"},
};

#define ROUTE_COUNT (sizeof(routes) / sizeof(routes[0]))

/* A method a route does not take is 405 with Allow, on lists and items. */
START_TEST(test_wrong_methods)
{
    static const char *const methods[] = {"POST", "PUT", "PATCH", "DELETE"};
    const char *allowed = routes[_i].allow;
    char list_want[64];
    size_t n = 0;
    for (const char *c = allowed; *c && n + 1 < sizeof(list_want); c++) {
        if (*c != ' ')
            list_want[n++] = *c;
    }
    list_want[n] = '\0';
    for (size_t m = 0; m < 4; m++) {
        if (strstr(allowed, methods[m]))
            continue; /* a write: test_writes.c */
        struct http_reply reply;
        char allow[128];
        json_t *body = problem_reply(methods[m], routes[_i].path, 405, "method-not-allowed",
                                     "Method Not Allowed", routes[_i].path, &reply);
        ck_assert_msg(http_reply_header(&reply, "Allow", allow, sizeof(allow)),
                      "%s %s: a 405 without Allow", methods[m], routes[_i].path);
        ck_assert_str_eq(allow, allowed);
        ck_assert_str_eq(test_member_str(body, "method"), methods[m]);
        char *list = joined(json_object_get(body, "allowed_methods"));
        ck_assert_str_eq(list, list_want);
        free(list);
        assert_contains(test_member_str(body, "detail"), methods[m], "detail");
        http_reply_free(&reply);
        json_decref(body);
    }
}
END_TEST

/* OPTIONS answers 204 with Allow and no body. */
START_TEST(test_options)
{
    struct http_reply reply;
    char allow[128];
    http_request(test_daemon.port, "OPTIONS", routes[_i].path, NULL, &reply);
    ck_assert_msg(reply.status == 204, "OPTIONS %s: %ld", routes[_i].path, reply.status);
    ck_assert_msg(http_reply_header(&reply, "Allow", allow, sizeof(allow)),
                  "OPTIONS %s: no Allow", routes[_i].path);
    ck_assert_str_eq(allow, routes[_i].allow);
    ck_assert_uint_eq(reply.body_len, 0);
    http_reply_free(&reply);
}
END_TEST

/* An unknown path is 404 whatever the method. */
START_TEST(test_methods_on_unknown_path)
{
    static const char *const methods[] = {"GET", "POST", "DELETE", "OPTIONS"};
    for (size_t m = 0; m < 4; m++) {
        json_t *body = problem_reply(methods[m], "/v1/nothing", 404, "not-found", "Not Found",
                                     "/v1/nothing", NULL);
        json_decref(body);
    }
}
END_TEST

/* Methods are case-sensitive (RFC 9110 section 9.1): "get" is not GET, and
 * must not be served the resource. */
START_TEST(test_lowercase_get_is_not_get)
{
    struct http_reply reply;
    char type[128];
    http_request(test_daemon.port, "get", "/v1/models", NULL, &reply);
    ck_assert_msg(reply.status >= 400, "\"get\" was answered %ld", reply.status);
    ck_assert(http_reply_header(&reply, "Content-Type", type, sizeof(type)));
    ck_assert_str_eq(type, "application/problem+json");
    json_t *body = http_reply_json(&reply);
    ck_assert_ptr_null(json_object_get(body, "items"));
    json_decref(body);
    http_reply_free(&reply);
}
END_TEST

/* A method the server does not recognise at all ("get", "BREW") is 501 Not
 * Implemented (RFC 9110 sections 9.1 and 15.6.2); 405 is for a method the
 * server knows but the resource does not allow. */
START_TEST(test_unrecognised_method_501)
{
    static const char *const methods[] = {"get", "BREW"};
    for (size_t m = 0; m < 2; m++) {
        struct http_reply reply;
        char type[128];
        http_request(test_daemon.port, methods[m], "/v1/models", NULL, &reply);
        ck_assert_msg(reply.status == 501, "%s /v1/models: %ld, expected 501 Not Implemented",
                      methods[m], reply.status);
        ck_assert(http_reply_header(&reply, "Content-Type", type, sizeof(type)));
        ck_assert_str_eq(type, "application/problem+json");
        json_t *body = http_reply_json(&reply);
        ck_assert_int_eq(json_integer_value(json_object_get(body, "status")), 501);
        json_decref(body);
        http_reply_free(&reply);
    }
}
END_TEST

/* ---- paths -------------------------------------------------------------- */

static void expect_same_body(const char *target, const char *reference)
{
    struct http_reply a, b;
    http_get(test_daemon.port, target, &a);
    http_get(test_daemon.port, reference, &b);
    ck_assert_msg(a.status == 200, "%s: %ld", target, a.status);
    ck_assert_msg(b.status == 200, "%s: %ld", reference, b.status);
    ck_assert_msg(a.body_len == b.body_len && memcmp(a.body, b.body, a.body_len) == 0,
                  "%s and %s differ", target, reference);
    http_reply_free(&a);
    http_reply_free(&b);
}

/* Paths and query values are percent-decoded before they are matched. */
START_TEST(test_percent_encoding)
{
    expect_same_body("/v1/models/grok%2D4", "/v1/models/grok-4");
    expect_same_body("/v1/models/%67%72%6F%6B%2D%34", "/v1/models/grok-4");
    expect_same_body("/v1/%6Dodels", "/v1/models");
    expect_same_body("/v1/leaderboards/humanitys%2dlast%2dexam",
                     "/v1/leaderboards/humanitys-last-exam");
    expect_same_body("/v1/models?organization=open%61i", "/v1/models?organization=openai");
    expect_same_body("/v1/models?%6Cimit=2", "/v1/models?limit=2");
    expect_same_body("/v1/leaderboards/humanitys-last-exam?as_of=2025%2D07%2D09",
                     "/v1/leaderboards/humanitys-last-exam?as_of=2025-07-09");
    /* An encoded '&' is part of the value, not a separator. */
    expect_bad_value("/v1/models?limit=2%26status=released", "limit", "2&status=released",
                     "from 1 to 500");
}
END_TEST

/* A percent-encoded NUL must not cut the path or a value short: grok-4%00x
 * is not grok-4, and "2%00abc" is not the limit 2. */
START_TEST(test_encoded_nul)
{
    static const struct {
        const char *target;
        bool in_query; /* a bad value is 400; a path that names nothing may be 404 */
    } cases[] = {
        {"/v1/models/grok-4%00junk", false},
        {"/v1/models%00/grok-4", false},
        {"/livez%00x", false},
        {"/v1/models?limit=2%00abc", true},
        {"/v1/models?organization=openai%00x", true},
        {"/v1/leaderboards/humanitys-last-exam?as_of=2025-07-09%00", true},
    };
    struct fr_buf wrong;
    fr_buf_init(&wrong);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct http_reply reply;
        http_get(test_daemon.port, cases[i].target, &reply);
        bool right = reply.status == 400 || (!cases[i].in_query && reply.status == 404);
        if (!right)
            ck_assert(fr_buf_appendf(&wrong, "\n  GET %s: %ld", cases[i].target,
                                     reply.status) == FR_OK);
        http_reply_free(&reply);
    }
    ck_assert_msg(wrong.len == 0, "a %%00 cut the request short:%s", wrong.data);
    fr_buf_cleanup(&wrong);
}
END_TEST

/* Odd paths are client errors answered as problems: a malformed escape may
 * be refused (400) or looked up as written (404); an encoded '/' and a dot
 * segment name nothing here. */
START_TEST(test_odd_paths)
{
    static const char *const targets[] = {"/v1/models/grok%ZZ", "/v1/models/grok%2",
                                          "/v1/models/grok%2F4"};
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        struct http_reply reply;
        char type[128];
        http_get(test_daemon.port, targets[i], &reply);
        ck_assert_msg(reply.status == 400 || reply.status == 404, "GET %s: %ld", targets[i],
                      reply.status);
        ck_assert(http_reply_header(&reply, "Content-Type", type, sizeof(type)));
        ck_assert_str_eq(type, "application/problem+json");
        http_reply_free(&reply);
    }
    json_t *body = problem("/v1/./models", 404, "not-found", "Not Found", "/v1/./models");
    json_decref(body);
}
END_TEST

/* ---- after all that ----------------------------------------------------- */

/* The same daemon took every error above; it is still ready and serves the
 * leaderboard byte for byte as it did first. */
START_TEST(test_still_serving)
{
    struct http_reply reply;
    http_get(test_daemon.port, "/readyz", &reply);
    ck_assert_int_eq(reply.status, 200);
    ck_assert_str_eq(reply.body, "{\"status\":\"pass\"}");
    http_reply_free(&reply);

    http_get(test_daemon.port, BASELINE_TARGET, &reply);
    ck_assert_int_eq(reply.status, 200);
    ck_assert_ptr_nonnull(baseline);
    ck_assert_msg(reply.body_len == baseline_len &&
                      memcmp(reply.body, baseline, baseline_len) == 0,
                  "the leaderboard changed after the errors");
    http_reply_free(&reply);
}
END_TEST

/* ---- the suite ---------------------------------------------------------- */

static Suite *errors_suite(void)
{
    Suite *suite = suite_create("errors");
    /* One case, one daemon: the last test checks what the others did to it. */
    TCase *tc = tcase_create("errors");
    tcase_add_unchecked_fixture(tc, daemon_start, daemon_stop);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_unknown_paths);
    tcase_add_test(tc, test_unknown_ids);
    tcase_add_test(tc, test_unknown_leaderboard_consistent);
    tcase_add_test(tc, test_unknown_id_not_utf8);
    tcase_add_test(tc, test_unknown_parameters);
    tcase_add_test(tc, test_query_on_item_route);
    tcase_add_test(tc, test_repeated_parameters);
    tcase_add_test(tc, test_too_many_parameters);
    tcase_add_test(tc, test_bad_limit);
    tcase_add_test(tc, test_bad_enum_values);
    tcase_add_test(tc, test_bad_references);
    tcase_add_test(tc, test_bad_cursors);
    tcase_add_test(tc, test_bad_dates);
    tcase_add_test(tc, test_bad_as_of);
    tcase_add_loop_test(tc, test_wrong_methods, 0, (int)ROUTE_COUNT);
    tcase_add_loop_test(tc, test_options, 0, (int)ROUTE_COUNT);
    tcase_add_test(tc, test_methods_on_unknown_path);
    tcase_add_test(tc, test_lowercase_get_is_not_get);
    tcase_add_test(tc, test_unrecognised_method_501);
    tcase_add_test(tc, test_percent_encoding);
    tcase_add_test(tc, test_encoded_nul);
    tcase_add_test(tc, test_odd_paths);
    tcase_add_test(tc, test_still_serving);
    suite_add_tcase(suite, tc);
    return suite;
}

int main(void)
{
    int failed = test_run_suite(errors_suite());
    return failed == 0 && !test_daemon_failed() ? EXIT_SUCCESS : EXIT_FAILURE;
}
