/*
 * Every read route of frontierd over real HTTP: the daemon is started on
 * port 0 with the seed (once per test case) and called with libcurl. The
 * tests check each route's status, content type and body shape, every filter
 * of every list with the exact ids it must return, cursor pagination, the
 * leaderboards (also as they stood on a given day), the funding summary,
 * HEAD, the shape of every date and amount served, and the probes.
 *
 * Expected ids are written out in full: a filter that silently widens or
 * narrows must fail here, not pass with "some items came back".
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

/* ---- helpers ------------------------------------------------------------ */

static void assert_header(const struct http_reply *reply, const char *name,
                          const char *expected, const char *target)
{
    char value[256];
    ck_assert_msg(http_reply_header(reply, name, value, sizeof(value)), "%s: no %s header",
                  target, name);
    ck_assert_msg(strcmp(value, expected) == 0, "%s: %s is '%s', expected '%s'", target, name,
                  value, expected);
}

/* GETs target expecting 200 with content_type; returns the parsed body (new
 * reference). */
static json_t *get_typed(const char *target, const char *content_type)
{
    struct http_reply reply;
    http_get(test_daemon.port, target, &reply);
    ck_assert_msg(reply.status == 200, "GET %s: status %ld: %.300s", target, reply.status,
                  reply.body);
    assert_header(&reply, "Content-Type", content_type, target);
    json_t *json = http_reply_json(&reply);
    http_reply_free(&reply);
    return json;
}

static json_t *get_ok(const char *target)
{
    return get_typed(target, "application/json");
}


static json_int_t member_int(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    ck_assert_msg(json_is_integer(v), "member '%s' is not an integer", key);
    return json_integer_value(v);
}

/* A non-empty list of citations, each naming a source and quoting it. */
static void check_citations(const json_t *citations, const char *where)
{
    size_t i;
    const json_t *c;
    ck_assert_msg(json_is_array(citations) && json_array_size(citations) > 0,
                  "%s: no citations", where);
    json_array_foreach(citations, i, c) {
        const char *source = json_string_value(json_object_get(c, "source"));
        const char *quote = json_string_value(json_object_get(c, "quote"));
        ck_assert_msg(source && *source && quote && *quote,
                      "%s: citation %zu lacks a source or a quote", where, i);
    }
}

/* Checks a list's envelope {total, limit, next_cursor, items} and its items;
 * returns the number of items. A page with a cursor is full. */
static size_t check_list(const json_t *list, size_t limit, bool cited, const char *target)
{
    ck_assert_msg(json_is_object(list) && json_object_size(list) == 4,
                  "%s: a list has exactly total, limit, next_cursor and items", target);
    json_int_t total = member_int(list, "total");
    ck_assert_msg(member_int(list, "limit") == (json_int_t)limit, "%s: limit is not %zu",
                  target, limit);
    const json_t *cursor = json_object_get(list, "next_cursor");
    ck_assert_msg(json_is_null(cursor) || (json_is_string(cursor) && json_string_length(cursor)),
                  "%s: next_cursor is neither null nor a string", target);
    const json_t *items = json_object_get(list, "items");
    ck_assert_msg(json_is_array(items), "%s: items is not an array", target);
    size_t n = json_array_size(items);
    ck_assert_msg(n <= limit && (json_int_t)n <= total, "%s: %zu items, total %lld", target, n,
                  (long long)total);
    if (json_is_string(cursor))
        ck_assert_msg(n == limit, "%s: a page with a next_cursor has %zu items", target, n);
    size_t i;
    const json_t *item;
    json_array_foreach(items, i, item) {
        const char *id = json_string_value(json_object_get(item, "id"));
        ck_assert_msg(id && *id, "%s: item %zu has no id", target, i);
        if (cited)
            check_citations(json_object_get(item, "citations"), id);
    }
    return n;
}

/* The items' ids joined with ',', "" for none; caller frees. */
static char *joined_ids(const json_t *list)
{
    struct fr_buf buf;
    size_t i, len = 0;
    const json_t *item;
    fr_buf_init(&buf);
    json_array_foreach(json_object_get(list, "items"), i, item) {
        ck_assert(fr_buf_append_str(&buf, i ? "," : "") == FR_OK);
        ck_assert(fr_buf_append_str(&buf, test_member_str(item, "id")) == FR_OK);
    }
    char *out = fr_buf_steal(&buf, &len);
    ck_assert_ptr_nonnull(out);
    return out;
}

/* target (with the default limit) answers exactly the ids in expected, all
 * on one page, in that order, with total equal to their number. */
static void expect_ids(const char *target, const char *expected)
{
    json_t *list = get_ok(target);
    size_t n = check_list(list, 50, true, target);
    char *ids = joined_ids(list);
    ck_assert_msg(strcmp(ids, expected) == 0, "%s:\n  got      [%s]\n  expected [%s]", target,
                  ids, expected);
    ck_assert_msg(member_int(list, "total") == (json_int_t)n, "%s: total is not %zu", target, n);
    ck_assert_msg(json_is_null(json_object_get(list, "next_cursor")),
                  "%s: a single page has a next_cursor", target);
    free(ids);
    json_decref(list);
}

/* The list routes, their sizes in the seed, and whether items cite. */
static const struct {
    const char *path;
    size_t total;
    bool cited;
} lists[] = {
    {"/v1/sources", 14, true},     {"/v1/organizations", 14, true},
    {"/v1/people", 2, true},       {"/v1/models", 13, true},
    {"/v1/benchmarks", 3, true},   {"/v1/results", 9, true},
    {"/v1/funding-rounds", 3, true}, {"/v1/valuations", 3, true},
    {"/v1/financials", 9, true},   {"/v1/compute/clusters", 1, true},
    {"/v1/timeline", 19, true},    {"/v1/leaderboards", 3, false},
};

#define LIST_COUNT (sizeof(lists) / sizeof(lists[0]))

/* ---- routes: status, type and shape ------------------------------------- */

/* Without a query the list is the page rendered at load; with limit=500 it is
 * rendered per request. Both must give the same items. */
START_TEST(test_list_shape)
{
    char target[256];
    json_t *first = get_ok(lists[_i].path);
    size_t n = check_list(first, 50, lists[_i].cited, lists[_i].path);
    ck_assert_uint_eq(n, lists[_i].total);
    ck_assert_int_eq(member_int(first, "total"), (json_int_t)lists[_i].total);
    ck_assert(json_is_null(json_object_get(first, "next_cursor")));

    test_format(target, sizeof(target), "%s?limit=500", lists[_i].path);
    json_t *all = get_ok(target);
    ck_assert_uint_eq(check_list(all, 500, lists[_i].cited, target), lists[_i].total);
    ck_assert_msg(json_equal(json_object_get(first, "items"), json_object_get(all, "items")),
                  "%s: the pre-rendered page differs from a rendered one", lists[_i].path);
    json_decref(all);
    json_decref(first);
}
END_TEST

/* GET <list>/{id} for every item of every list: 200, JSON, the same object
 * the list holds. */
START_TEST(test_item_routes)
{
    char target[256];
    test_format(target, sizeof(target), "%s?limit=500", lists[_i].path);
    json_t *all = get_ok(target);
    size_t i;
    const json_t *item;
    json_array_foreach(json_object_get(all, "items"), i, item) {
        test_format(target, sizeof(target), "%s/%s", lists[_i].path, test_member_str(item, "id"));
        json_t *one = get_ok(target);
        ck_assert_msg(json_equal(one, item), "%s differs from its list item", target);
        if (lists[_i].cited)
            check_citations(json_object_get(one, "citations"), target);
        json_decref(one);
    }
    ck_assert_uint_eq(i, lists[_i].total);
    json_decref(all);
}
END_TEST

START_TEST(test_small_lists_exact)
{
    expect_ids("/v1/people", "elon-musk,liu-xiaojie");
    expect_ids("/v1/benchmarks",
               "aime-2025,artificial-analysis-intelligence-index,humanitys-last-exam");
    expect_ids("/v1/funding-rounds", "xai-2024-round-1,xai-2024-round-2,xai-2025-06-round");
    expect_ids("/v1/valuations", "x-2025-03,xai-2025-03,xai-x-combined-2025-03");
    expect_ids("/v1/compute/clusters", "colossus");
    /* Leaderboards carry citations per entry, not per board. */
    json_t *boards = get_ok("/v1/leaderboards");
    char *ids = joined_ids(boards);
    ck_assert_str_eq(ids, "aime-2025,artificial-analysis-intelligence-index,humanitys-last-exam");
    free(ids);
    json_decref(boards);
}
END_TEST

/* Every organization has a funding summary, rounds or not. */
START_TEST(test_every_organization_funding)
{
    char target[256];
    json_t *orgs = get_ok("/v1/organizations?limit=500");
    size_t i;
    const json_t *org;
    json_array_foreach(json_object_get(orgs, "items"), i, org) {
        const char *id = test_member_str(org, "id");
        test_format(target, sizeof(target), "/v1/organizations/%s/funding", id);
        json_t *summary = get_ok(target);
        ck_assert_str_eq(test_member_str(summary, "id"), id);
        ck_assert_str_eq(test_member_str(json_object_get(summary, "organization"), "id"), id);
        ck_assert_str_eq(test_member_str(json_object_get(summary, "organization"), "name"),
                         test_member_str(org, "name"));
        ck_assert(json_is_array(json_object_get(summary, "rounds")));
        ck_assert(json_is_array(json_object_get(summary, "reported_totals")));
        ck_assert(json_object_get(summary, "computed_total") != NULL);
        json_decref(summary);
    }
    ck_assert_uint_eq(i, 14);
    json_decref(orgs);
}
END_TEST

/* ---- filters ------------------------------------------------------------ */

START_TEST(test_filter_sources)
{
    expect_ids("/v1/sources?kind=post",
               "blogger-xai-office-visit,morgan-stanley-x-post-2025-06-30,"
               "musk-post-2025-05-one-more-week,musk-post-2025-06-27-grok-4,"
               "musk-x-post-2025-04-grok-3-5,xai-post-livestream-starting,"
               "xai-post-most-powerful-model");
    expect_ids("/v1/sources?kind=statement",
               "musk-remark-week-before-launch,musk-remarks-on-losses");
    expect_ids("/v1/sources?kind=article", "yicai-grok4-article");
    expect_ids("/v1/sources?publisher=xai",
               "xai-grok4-livestream,xai-post-livestream-starting,xai-post-most-powerful-model");
    expect_ids("/v1/sources?publisher=morgan-stanley", "morgan-stanley-x-post-2025-06-30");
    expect_ids("/v1/sources?publisher=openai", "");
    expect_ids("/v1/sources?kind=post&publisher=xai",
               "xai-post-livestream-starting,xai-post-most-powerful-model");
    /* Every source kind is used, so "none" comes from a combination. */
    expect_ids("/v1/sources?kind=article&publisher=xai", "");
}
END_TEST

/* Every organization kind is used; together the kinds partition the list. */
START_TEST(test_filter_organizations)
{
    expect_ids("/v1/organizations?kind=ai_lab", "anthropic,deepseek,openai,xai");
    expect_ids("/v1/organizations?kind=technology_company", "amazon,google,meta,microsoft,x");
    expect_ids("/v1/organizations?kind=bank", "morgan-stanley");
    expect_ids("/v1/organizations?kind=evaluator", "artificial-analysis");
    expect_ids("/v1/organizations?kind=media", "eastmoney,yicai");
    expect_ids("/v1/organizations?kind=chip_maker", "nvidia");
}
END_TEST

START_TEST(test_filter_people)
{
    expect_ids("/v1/people?organization=xai", "elon-musk");
    expect_ids("/v1/people?organization=yicai", "liu-xiaojie");
    expect_ids("/v1/people?organization=openai", "");
}
END_TEST

START_TEST(test_filter_models)
{
    expect_ids("/v1/models?organization=openai", "gpt-5,o3");
    expect_ids("/v1/models?organization=xai",
               "grok-2,grok-3,grok-3-5,grok-4,grok-4-heavy,xai-coding-model,xai-multi-agent,"
               "xai-video-generation-model");
    expect_ids("/v1/models?organization=nvidia", "");
    expect_ids("/v1/models?status=cancelled", "grok-3-5");
    expect_ids("/v1/models?status=planned",
               "gpt-5,xai-coding-model,xai-multi-agent,xai-video-generation-model");
    expect_ids("/v1/models?status=announced", "");
    expect_ids("/v1/models?kind=coding_model", "xai-coding-model");
    expect_ids("/v1/models?kind=video_generation", "xai-video-generation-model");
    expect_ids("/v1/models?kind=multi_agent&organization=openai", "");
    expect_ids("/v1/models?status=released&organization=openai", "o3");
}
END_TEST

START_TEST(test_filter_results)
{
    expect_ids("/v1/results?model=grok-4&benchmark=humanitys-last-exam",
               "grok-4-hle-artificial-analysis,grok-4-hle-xai-no-tools");
    expect_ids("/v1/results?model=grok-4",
               "grok-4-aa-intelligence-index,grok-4-aime-2025-xai,"
               "grok-4-hle-artificial-analysis,grok-4-hle-xai-no-tools");
    expect_ids("/v1/results?model=gpt-5", "");
    expect_ids("/v1/results?benchmark=aime-2025", "grok-4-aime-2025-xai");
    expect_ids("/v1/results?benchmark=artificial-analysis-intelligence-index",
               "claude-4-opus-aa-intelligence-index,deepseek-r1-0528-aa-intelligence-index,"
               "gemini-2-5-pro-aa-intelligence-index,grok-4-aa-intelligence-index,"
               "o3-aa-intelligence-index");
    expect_ids("/v1/results?benchmark=aime-2025&model=o3", "");
    expect_ids("/v1/results?source=xai-grok4-livestream",
               "grok-4-aime-2025-xai,grok-4-hle-xai-no-tools");
    expect_ids("/v1/results?source=yicai-grok4-article", "");
    expect_ids("/v1/results?evaluator=artificial-analysis",
               "claude-4-opus-aa-intelligence-index,deepseek-r1-0528-aa-intelligence-index,"
               "gemini-2-5-pro-aa-intelligence-index,gemini-2-5-pro-hle-artificial-analysis,"
               "grok-4-aa-intelligence-index,grok-4-hle-artificial-analysis,"
               "o3-aa-intelligence-index");
    expect_ids("/v1/results?evaluator=xai", "grok-4-aime-2025-xai,grok-4-hle-xai-no-tools");
    expect_ids("/v1/results?evaluator=yicai", "");
    expect_ids("/v1/results?evaluator_relationship=first_party",
               "grok-4-aime-2025-xai,grok-4-hle-xai-no-tools");
    expect_ids("/v1/results?evaluator_relationship=third_party",
               "claude-4-opus-aa-intelligence-index,deepseek-r1-0528-aa-intelligence-index,"
               "gemini-2-5-pro-aa-intelligence-index,gemini-2-5-pro-hle-artificial-analysis,"
               "grok-4-aa-intelligence-index,grok-4-hle-artificial-analysis,"
               "o3-aa-intelligence-index");
    expect_ids("/v1/results?evaluator=artificial-analysis&evaluator_relationship=first_party",
               "");
    expect_ids("/v1/results?tools=none", "grok-4-hle-xai-no-tools");
    expect_ids("/v1/results?tools=enabled", "");
    expect_ids("/v1/results?tools=unspecified&benchmark=humanitys-last-exam",
               "gemini-2-5-pro-hle-artificial-analysis,grok-4-hle-artificial-analysis");

    /* tools=none is xAI's own 26.9%, not Artificial Analysis's 24%. */
    json_t *list = get_ok("/v1/results?tools=none");
    const json_t *r = json_array_get(json_object_get(list, "items"), 0);
    ck_assert_double_eq(json_number_value(json_object_get(r, "score")), 26.9);
    ck_assert_str_eq(test_member_str(r, "evaluator"), "xai");
    ck_assert_str_eq(test_member_str(r, "evaluator_relationship"), "first_party");
    ck_assert_str_eq(test_member_str(r, "model"), "grok-4");
    json_decref(list);
}
END_TEST

START_TEST(test_filter_money_and_compute)
{
    expect_ids("/v1/funding-rounds?organization=xai",
               "xai-2024-round-1,xai-2024-round-2,xai-2025-06-round");
    expect_ids("/v1/funding-rounds?organization=openai", "");

    /* Valuations and financials name organizations in an array. */
    expect_ids("/v1/valuations?organization=x", "x-2025-03,xai-x-combined-2025-03");
    expect_ids("/v1/valuations?organization=xai", "xai-2025-03,xai-x-combined-2025-03");
    expect_ids("/v1/valuations?organization=openai", "");

    expect_ids("/v1/financials?organization=openai",
               "openai-revenue-2025-forecast,openai-cash-flow-positive-2029");
    expect_ids("/v1/financials?organization=microsoft",
               "big-four-capex-2024,big-four-capex-2025-plan");
    expect_ids("/v1/financials?organization=nvidia", "");
    expect_ids("/v1/financials?metric=revenue",
               "openai-revenue-2025-forecast,xai-revenue-2025-forecast,xai-revenue-2026-forecast");
    expect_ids("/v1/financials?metric=burn_rate", "xai-burn-rate-2025-w28");
    expect_ids("/v1/financials?kind=forecast",
               "big-four-capex-2025-plan,openai-revenue-2025-forecast,xai-revenue-2025-forecast,"
               "xai-revenue-2026-forecast,xai-profitability-2027,openai-cash-flow-positive-2029");
    expect_ids("/v1/financials?kind=actual",
               "big-four-capex-2024,xai-cash-on-hand-2025-03,xai-burn-rate-2025-w28");
    expect_ids("/v1/financials?metric=revenue&kind=actual", "");
    expect_ids("/v1/financials?organization=xai&kind=forecast",
               "xai-revenue-2025-forecast,xai-revenue-2026-forecast,xai-profitability-2027");

    expect_ids("/v1/compute/clusters?operator=xai", "colossus");
    expect_ids("/v1/compute/clusters?operator=openai", "");
}
END_TEST

START_TEST(test_filter_timeline)
{
    expect_ids("/v1/timeline?organization=openai", "gpt-5-release");
    expect_ids("/v1/timeline?organization=artificial-analysis",
               "artificial-analysis-publishes-grok-4-results");
    expect_ids("/v1/timeline?organization=nvidia", "");
    expect_ids("/v1/timeline?model=grok-4",
               "musk-names-grok-4,musk-overnight-polishing-remark,"
               "artificial-analysis-publishes-grok-4-results,grok-4-launch-livestream");
    expect_ids("/v1/timeline?model=o3", "");
    expect_ids("/v1/timeline?kind=merger", "xai-x-merger");
    expect_ids("/v1/timeline?kind=funding",
               "xai-2024-round-1-event,xai-2024-round-2-event,xai-2025-06-round-announced,"
               "xai-further-fundraising-2026");
    expect_ids("/v1/timeline?kind=announcement",
               "musk-announces-grok-3-5-beta,musk-delays-grok-3-5-beta");
    expect_ids("/v1/timeline?model=grok-3-5",
               "musk-announces-grok-3-5-beta,grok-3-5-beta-release,musk-delays-grok-3-5-beta");
    /* Every event kind is used, so "none" comes from a combination. */
    expect_ids("/v1/timeline?kind=merger&organization=openai", "");
    expect_ids("/v1/timeline?status=cancelled", "grok-3-5-beta-release");
    expect_ids("/v1/timeline?status=planned",
               "gpt-5-release,xai-coding-model-release,xai-multi-agent-release,"
               "xai-video-generation-model-release,xai-further-fundraising-2026");
    expect_ids("/v1/timeline?status=slipped", "");
    expect_ids("/v1/timeline?organization=xai&status=planned&kind=release",
               "xai-coding-model-release,xai-multi-agent-release,"
               "xai-video-generation-model-release");

    /* The cancelled event is the Grok 3.5 beta, with its slip history. */
    json_t *list = get_ok("/v1/timeline?status=cancelled");
    const json_t *e = json_array_get(json_object_get(list, "items"), 0);
    ck_assert_str_eq(test_member_str(e, "title"), "Grok 3.5 beta release");
    ck_assert_str_eq(test_member_str(e, "model"), "grok-3-5");
    ck_assert_uint_eq(json_array_size(json_object_get(e, "revisions")), 3);
    json_decref(list);
}
END_TEST

/* A fuzzy date is in a range when its interval overlaps the range. */
START_TEST(test_timeline_date_ranges)
{
    /* "mid-May 2025" is 11-20 May: in from=2025-05-15, not in from=2025-05-21.
     * "early May 2025" (1-10 May) is in from=2025-05-10, not from=2025-05-15.
     * "summer 2025" (June-August) is still in from=2025-07-10. */
    expect_ids("/v1/timeline?from=2025-05-15",
               "musk-delays-grok-3-5-beta,gpt-5-release,musk-names-grok-4,"
               "xai-2025-06-round-announced,musk-overnight-polishing-remark,"
               "artificial-analysis-publishes-grok-4-results,grok-4-launch-livestream,"
               "xai-coding-model-release,xai-multi-agent-release,"
               "xai-video-generation-model-release,xai-further-fundraising-2026");
    expect_ids("/v1/timeline?from=2025-05-21",
               "gpt-5-release,musk-names-grok-4,xai-2025-06-round-announced,"
               "musk-overnight-polishing-remark,artificial-analysis-publishes-grok-4-results,"
               "grok-4-launch-livestream,xai-coding-model-release,xai-multi-agent-release,"
               "xai-video-generation-model-release,xai-further-fundraising-2026");
    expect_ids("/v1/timeline?from=2025-05-10",
               "grok-3-5-beta-release,musk-delays-grok-3-5-beta,gpt-5-release,"
               "musk-names-grok-4,xai-2025-06-round-announced,musk-overnight-polishing-remark,"
               "artificial-analysis-publishes-grok-4-results,grok-4-launch-livestream,"
               "xai-coding-model-release,xai-multi-agent-release,"
               "xai-video-generation-model-release,xai-further-fundraising-2026");
    expect_ids("/v1/timeline?from=2025-07-10",
               "gpt-5-release,artificial-analysis-publishes-grok-4-results,"
               "grok-4-launch-livestream,xai-coding-model-release,xai-multi-agent-release,"
               "xai-video-generation-model-release,xai-further-fundraising-2026");
    /* A month-precision "to" runs to the month's end: the May events are in
     * to=2025-05; "end of April" starts on the 21st. */
    expect_ids("/v1/timeline?to=2025-05",
               "xai-founded,xai-2024-round-1-event,xai-2024-round-2-event,colossus-launched,"
               "colossus-doubled,xai-x-merger,musk-announces-grok-3-5-beta,"
               "grok-3-5-beta-release,musk-delays-grok-3-5-beta");
    expect_ids("/v1/timeline?to=2025-05-01",
               "xai-founded,xai-2024-round-1-event,xai-2024-round-2-event,colossus-launched,"
               "colossus-doubled,xai-x-merger,musk-announces-grok-3-5-beta,"
               "grok-3-5-beta-release");
    expect_ids("/v1/timeline?to=2025-04",
               "xai-founded,xai-2024-round-1-event,xai-2024-round-2-event,colossus-launched,"
               "colossus-doubled,xai-x-merger,musk-announces-grok-3-5-beta");
    expect_ids("/v1/timeline?to=2025-04-20",
               "xai-founded,xai-2024-round-1-event,xai-2024-round-2-event,colossus-launched,"
               "colossus-doubled,xai-x-merger");
    /* The launch at 12:00+08:00 on 10 July is 04:00 UTC that day. */
    expect_ids("/v1/timeline?to=2025-07-09",
               "xai-founded,xai-2024-round-1-event,xai-2024-round-2-event,colossus-launched,"
               "colossus-doubled,xai-x-merger,musk-announces-grok-3-5-beta,"
               "grok-3-5-beta-release,musk-delays-grok-3-5-beta,gpt-5-release,"
               "musk-names-grok-4,xai-2025-06-round-announced,musk-overnight-polishing-remark");
    /* Year-precision events fall in any day of their year. */
    expect_ids("/v1/timeline?from=2024-12-31&to=2024-12-31",
               "xai-2024-round-1-event,xai-2024-round-2-event");
    expect_ids("/v1/timeline?from=2024-02-29&to=2024-02-29",
               "xai-2024-round-1-event,xai-2024-round-2-event");
    expect_ids("/v1/timeline?from=2025-05-15&to=2025-05-15", "musk-delays-grok-3-5-beta");
    expect_ids("/v1/timeline?from=2025-07-03&to=2025-07-03",
               "gpt-5-release,musk-overnight-polishing-remark");
    expect_ids("/v1/timeline?from=2025-07&to=2025-07",
               "gpt-5-release,musk-overnight-polishing-remark,"
               "artificial-analysis-publishes-grok-4-results,grok-4-launch-livestream");
    /* A from day inside a to month overlaps it. */
    expect_ids("/v1/timeline?from=2025-05-10&to=2025-05",
               "grok-3-5-beta-release,musk-delays-grok-3-5-beta");
    expect_ids("/v1/timeline?from=2025-06&to=2025-06-30&organization=xai",
               "musk-names-grok-4,xai-2025-06-round-announced");
    expect_ids("/v1/timeline?from=2030", "");
    expect_ids("/v1/timeline?to=2020", "");
    expect_ids("/v1/timeline?from=2023&to=2023", "xai-founded");
}
END_TEST

/* The timeline in date order; fuzzy dates sit where their intervals start,
 * ties going to the shorter interval. */
START_TEST(test_timeline_order)
{
    expect_ids("/v1/timeline",
               "xai-founded,xai-2024-round-1-event,xai-2024-round-2-event,colossus-launched,"
               "colossus-doubled,xai-x-merger,musk-announces-grok-3-5-beta,"
               "grok-3-5-beta-release,musk-delays-grok-3-5-beta,gpt-5-release,"
               "musk-names-grok-4,xai-2025-06-round-announced,musk-overnight-polishing-remark,"
               "artificial-analysis-publishes-grok-4-results,grok-4-launch-livestream,"
               "xai-coding-model-release,xai-multi-agent-release,"
               "xai-video-generation-model-release,xai-further-fundraising-2026");

    json_t *list = get_ok("/v1/timeline?limit=500");
    const char *prev_earliest = NULL, *prev_latest = NULL;
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(list, "items"), i, e) {
        const json_t *date = json_object_get(e, "date");
        const char *earliest = test_member_str(date, "earliest");
        const char *latest = test_member_str(date, "latest");
        if (prev_earliest) {
            int c = strcmp(prev_earliest, earliest);
            ck_assert_msg(c < 0 || (c == 0 && strcmp(prev_latest, latest) <= 0),
                          "%s (%s..%s) is out of order", test_member_str(e, "id"), earliest, latest);
        }
        prev_earliest = earliest;
        prev_latest = latest;
    }
    json_decref(list);
}
END_TEST

/* ---- pagination --------------------------------------------------------- */

/* Walks base (a list target, maybe with a query) with limit, following
 * next_cursor. Checks every page and that total never changes; returns the
 * ids joined with ',' (caller frees) and the number of pages. */
static char *walk(const char *base, size_t limit, size_t *pages_out, json_int_t *total_out)
{
    char target[1024];
    char cursor[512] = "";
    const char *sep = strchr(base, '?') ? "&" : "?";
    json_t *seen = json_array();
    json_int_t total = -1;
    size_t pages = 0;
    struct fr_buf ids;

    fr_buf_init(&ids);
    ck_assert_ptr_nonnull(seen);
    for (;;) {
        if (cursor[0])
            test_format(target, sizeof(target), "%s%slimit=%zu&cursor=%s", base, sep, limit,
                          cursor);
        else
            test_format(target, sizeof(target), "%s%slimit=%zu", base, sep, limit);
        json_t *page = get_ok(target);
        check_list(page, limit, true, target);
        pages++;
        ck_assert_msg(pages < 100, "%s: the walk does not end", base);
        if (total < 0)
            total = member_int(page, "total");
        ck_assert_msg(member_int(page, "total") == total, "%s: total changed", target);
        size_t i;
        const json_t *item;
        json_array_foreach(json_object_get(page, "items"), i, item) {
            const char *id = test_member_str(item, "id");
            size_t k;
            const json_t *old;
            json_array_foreach(seen, k, old) {
                ck_assert_msg(strcmp(json_string_value(old), id) != 0, "%s: %s seen twice",
                              target, id);
            }
            ck_assert(json_array_append_new(seen, json_string(id)) == 0);
            ck_assert(fr_buf_append_str(&ids, ids.len ? "," : "") == FR_OK);
            ck_assert(fr_buf_append_str(&ids, id) == FR_OK);
        }
        const json_t *next = json_object_get(page, "next_cursor");
        if (json_is_null(next)) {
            json_decref(page);
            break;
        }
        ck_assert_uint_lt(json_string_length(next), sizeof(cursor));
        memcpy(cursor, json_string_value(next), json_string_length(next) + 1);
        json_decref(page);
    }
    ck_assert_msg(json_array_size(seen) == (size_t)total, "%s: walked %zu items of %lld", base,
                  json_array_size(seen), (long long)total);
    json_decref(seen);
    size_t len = 0;
    char *out = fr_buf_steal(&ids, &len);
    ck_assert_ptr_nonnull(out);
    *pages_out = pages;
    *total_out = total;
    return out;
}

static char *ids_of(const char *target)
{
    json_t *list = get_ok(target);
    char *ids = joined_ids(list);
    json_decref(list);
    return ids;
}

START_TEST(test_walk_timeline)
{
    size_t pages = 0;
    json_int_t total = 0;
    char *walked = walk("/v1/timeline", 2, &pages, &total);
    char *all = ids_of("/v1/timeline?limit=500");
    ck_assert_str_eq(walked, all);
    ck_assert_int_eq(total, 19);
    ck_assert_uint_eq(pages, 10);
    free(walked);
    free(all);
}
END_TEST

START_TEST(test_walk_other_lists)
{
    size_t pages = 0;
    json_int_t total = 0;
    char *walked = walk("/v1/models", 5, &pages, &total);
    char *all = ids_of("/v1/models?limit=500");
    ck_assert_str_eq(walked, all);
    ck_assert_uint_eq(pages, 3);
    free(walked);
    free(all);

    walked = walk("/v1/sources", 1, &pages, &total);
    all = ids_of("/v1/sources?limit=500");
    ck_assert_str_eq(walked, all);
    ck_assert_uint_eq(pages, 14);
    free(walked);
    free(all);
}
END_TEST

/* Cursors hold across filters: a filtered list walks like any other. */
START_TEST(test_walk_filtered)
{
    size_t pages = 0;
    json_int_t total = 0;
    char *walked = walk("/v1/timeline?organization=xai", 3, &pages, &total);
    char *all = ids_of("/v1/timeline?organization=xai&limit=500");
    ck_assert_str_eq(walked, all);
    ck_assert_int_eq(total, 17);
    ck_assert_uint_eq(pages, 6);
    free(walked);
    free(all);

    walked = walk("/v1/results?evaluator=artificial-analysis", 2, &pages, &total);
    all = ids_of("/v1/results?evaluator=artificial-analysis&limit=500");
    ck_assert_str_eq(walked, all);
    ck_assert_int_eq(total, 7);
    free(walked);
    free(all);
}
END_TEST

/* A cursor names a place in the list's order, so one taken from the
 * unfiltered list still works with a filter added. */
START_TEST(test_cursor_with_filter)
{
    char target[512];
    json_t *first = get_ok("/v1/timeline?limit=2");
    char *ids = joined_ids(first);
    ck_assert_str_eq(ids, "xai-founded,xai-2024-round-1-event");
    free(ids);
    const char *cursor = test_member_str(first, "next_cursor");
    test_format(target, sizeof(target), "/v1/timeline?kind=funding&cursor=%s", cursor);
    json_t *rest = get_ok(target);
    check_list(rest, 50, true, target);
    ids = joined_ids(rest);
    ck_assert_str_eq(ids, "xai-2024-round-2-event,xai-2025-06-round-announced,"
                          "xai-further-fundraising-2026");
    ck_assert_int_eq(member_int(rest, "total"), 4); /* total counts the whole filter */
    ck_assert(json_is_null(json_object_get(rest, "next_cursor")));
    free(ids);
    json_decref(rest);
    json_decref(first);
}
END_TEST

/* A page that ends exactly at the last item has no cursor. */
START_TEST(test_page_edges)
{
    json_t *whole = get_ok("/v1/timeline?limit=19");
    ck_assert_uint_eq(check_list(whole, 19, true, "limit=19"), 19);
    ck_assert(json_is_null(json_object_get(whole, "next_cursor")));
    json_decref(whole);

    json_t *first = get_ok("/v1/timeline?limit=18");
    ck_assert_uint_eq(check_list(first, 18, true, "limit=18"), 18);
    char target[512];
    test_format(target, sizeof(target), "/v1/timeline?limit=18&cursor=%s",
                  test_member_str(first, "next_cursor"));
    json_t *last = get_ok(target);
    ck_assert_uint_eq(check_list(last, 18, true, target), 1);
    ck_assert_str_eq(test_member_str(json_array_get(json_object_get(last, "items"), 0), "id"),
                     "xai-further-fundraising-2026");
    ck_assert(json_is_null(json_object_get(last, "next_cursor")));
    json_decref(last);
    json_decref(first);

    json_t *one = get_ok("/v1/models?limit=1");
    ck_assert_uint_eq(check_list(one, 1, true, "limit=1"), 1);
    ck_assert_int_eq(member_int(one, "total"), 13);
    json_decref(one);
}
END_TEST

/* ---- leaderboards ------------------------------------------------------- */

/* Checks one entry: rank, tie, model, score, and that it names its source
 * and cites it. */
static void check_entry(const json_t *entry, json_int_t rank, bool tied, const char *model,
                        double score)
{
    const char *id = test_member_str(json_object_get(entry, "model"), "id");
    ck_assert_msg(strcmp(id, model) == 0, "entry is %s, expected %s", id, model);
    ck_assert_msg(member_int(entry, "rank") == rank, "%s: rank %lld, expected %lld", model,
                  (long long)member_int(entry, "rank"), (long long)rank);
    ck_assert_msg(json_is_boolean(json_object_get(entry, "tied")) &&
                      json_is_true(json_object_get(entry, "tied")) == tied,
                  "%s: tied is not %d", model, tied);
    ck_assert_double_eq(json_number_value(json_object_get(entry, "score")), score);
    ck_assert(json_is_number(json_object_get(entry, "score")));
    const json_t *source = json_object_get(entry, "source");
    ck_assert_msg(json_is_object(source) && *test_member_str(source, "id"), "%s: no source", model);
    ck_assert(*test_member_str(entry, "result"));
    ck_assert(json_is_object(json_object_get(entry, "known_since")));
    check_citations(json_object_get(entry, "citations"), model);
}

static const json_t *ranking(const json_t *board, size_t i)
{
    const json_t *r = json_array_get(json_object_get(board, "rankings"), i);
    ck_assert_msg(json_is_object(r), "no ranking %zu", i);
    return r;
}

static const json_t *entry_at(const json_t *ranking_obj, size_t i)
{
    return json_array_get(json_object_get(ranking_obj, "entries"), i);
}

/* HLE: Artificial Analysis's third-party 24% and xAI's own 26.9% without
 * tools are two rankings, never one. */
START_TEST(test_leaderboard_hle)
{
    json_t *board = get_ok("/v1/leaderboards/humanitys-last-exam");
    ck_assert_str_eq(test_member_str(board, "id"), "humanitys-last-exam");
    ck_assert_str_eq(test_member_str(json_object_get(board, "benchmark"), "id"),
                     "humanitys-last-exam");
    ck_assert(json_is_null(json_object_get(board, "as_of")));
    ck_assert_uint_eq(json_array_size(json_object_get(board, "rankings")), 2);

    const json_t *aa = ranking(board, 0);
    ck_assert_str_eq(test_member_str(aa, "comparable_set"), "artificial-analysis/third_party/unspecified");
    ck_assert_str_eq(test_member_str(json_object_get(aa, "evaluator"), "id"), "artificial-analysis");
    ck_assert_str_eq(test_member_str(aa, "evaluator_relationship"), "third_party");
    ck_assert_str_eq(test_member_str(aa, "tools"), "unspecified");
    ck_assert_uint_eq(json_array_size(json_object_get(aa, "entries")), 2);
    check_entry(entry_at(aa, 0), 1, false, "grok-4", 24);
    check_entry(entry_at(aa, 1), 2, false, "gemini-2-5-pro", 21);
    ck_assert_str_eq(test_member_str(json_object_get(entry_at(aa, 0), "source"), "id"),
                     "artificial-analysis-grok4-results");

    const json_t *xai = ranking(board, 1);
    ck_assert_str_eq(test_member_str(xai, "comparable_set"), "xai/first_party/none");
    ck_assert_str_eq(test_member_str(json_object_get(xai, "evaluator"), "id"), "xai");
    ck_assert_str_eq(test_member_str(xai, "evaluator_relationship"), "first_party");
    ck_assert_str_eq(test_member_str(xai, "tools"), "none");
    ck_assert_uint_eq(json_array_size(json_object_get(xai, "entries")), 1);
    check_entry(entry_at(xai, 0), 1, false, "grok-4", 26.9);
    ck_assert_str_eq(test_member_str(json_object_get(entry_at(xai, 0), "source"), "id"),
                     "xai-grok4-livestream");
    json_decref(board);
}
END_TEST

/* Ties share a rank and the next rank skips: 1, 2, 2, 4, 5. */
START_TEST(test_leaderboard_intelligence_index)
{
    json_t *board = get_ok("/v1/leaderboards/artificial-analysis-intelligence-index");
    ck_assert_uint_eq(json_array_size(json_object_get(board, "rankings")), 1);
    const json_t *r = ranking(board, 0);
    ck_assert_str_eq(test_member_str(r, "comparable_set"), "artificial-analysis/third_party/unspecified");
    ck_assert_uint_eq(json_array_size(json_object_get(r, "entries")), 5);
    check_entry(entry_at(r, 0), 1, false, "grok-4", 73);
    check_entry(entry_at(r, 1), 2, true, "gemini-2-5-pro", 70);
    check_entry(entry_at(r, 2), 2, true, "o3", 70);
    check_entry(entry_at(r, 3), 4, false, "deepseek-r1-0528", 68);
    check_entry(entry_at(r, 4), 5, false, "claude-4-opus", 64);
    json_decref(board);

    board = get_ok("/v1/leaderboards/aime-2025");
    ck_assert_uint_eq(json_array_size(json_object_get(board, "rankings")), 1);
    ck_assert_str_eq(test_member_str(ranking(board, 0), "comparable_set"),
                     "xai/first_party/unspecified");
    check_entry(entry_at(ranking(board, 0), 0), 1, false, "grok-4", 100);
    json_decref(board);
}
END_TEST

/* The board as it stood: on 9 July only Gemini's earlier 21% was known. */
START_TEST(test_leaderboard_as_of)
{
    json_t *before = get_ok("/v1/leaderboards/humanitys-last-exam?as_of=2025-07-09");
    ck_assert_str_eq(test_member_str(before, "as_of"), "2025-07-09");
    ck_assert_uint_eq(json_array_size(json_object_get(before, "rankings")), 1);
    const json_t *r = ranking(before, 0);
    ck_assert_str_eq(test_member_str(r, "comparable_set"), "artificial-analysis/third_party/unspecified");
    ck_assert_uint_eq(json_array_size(json_object_get(r, "entries")), 1);
    check_entry(entry_at(r, 0), 1, false, "gemini-2-5-pro", 21);
    json_decref(before);

    /* On 10 July the board is the full one, as served without as_of. */
    json_t *full = get_ok("/v1/leaderboards/humanitys-last-exam");
    json_t *on = get_ok("/v1/leaderboards/humanitys-last-exam?as_of=2025-07-10");
    ck_assert_str_eq(test_member_str(on, "as_of"), "2025-07-10");
    ck_assert_msg(json_equal(json_object_get(on, "rankings"), json_object_get(full, "rankings")),
                  "the board as of 2025-07-10 differs from the full board");
    ck_assert(json_equal(json_object_get(on, "benchmark"), json_object_get(full, "benchmark")));
    json_decref(on);
    json_decref(full);

    /* A coarser as_of means the end of its period. */
    json_t *month = get_ok("/v1/leaderboards/humanitys-last-exam?as_of=2025-07");
    ck_assert_str_eq(test_member_str(month, "as_of"), "2025-07-31");
    ck_assert_uint_eq(json_array_size(json_object_get(month, "rankings")), 2);
    json_decref(month);
    json_t *year = get_ok("/v1/leaderboards/artificial-analysis-intelligence-index?as_of=2024");
    ck_assert_str_eq(test_member_str(year, "as_of"), "2024-12-31");
    ck_assert_uint_eq(json_array_size(json_object_get(year, "rankings")), 0);
    json_decref(year);
    json_t *index = get_ok("/v1/leaderboards/artificial-analysis-intelligence-index"
                           "?as_of=2025-07-09");
    ck_assert_uint_eq(json_array_size(json_object_get(index, "rankings")), 0);
    json_decref(index);
}
END_TEST

/* ---- funding ------------------------------------------------------------ */

static void check_usd(const json_t *money, json_int_t minor, const char *amount)
{
    ck_assert_msg(json_is_object(money), "not a money object");
    ck_assert_int_eq(member_int(money, "amount_minor"), minor);
    ck_assert_str_eq(test_member_str(money, "currency"), "USD");
    ck_assert_str_eq(test_member_str(money, "amount"), amount);
    ck_assert(json_is_false(json_object_get(money, "approximate")));
}

START_TEST(test_funding_xai)
{
    json_t *f = get_ok("/v1/organizations/xai/funding");
    ck_assert_str_eq(test_member_str(f, "id"), "xai");
    ck_assert_str_eq(test_member_str(json_object_get(f, "organization"), "name"), "xAI");

    const json_t *rounds = json_object_get(f, "rounds");
    ck_assert_uint_eq(json_array_size(rounds), 3);
    static const char *const ids[] = {"xai-2024-round-1", "xai-2024-round-2",
                                      "xai-2025-06-round"};
    static const json_int_t running[] = {600000000000, 1200000000000, 2200000000000};
    static const char *const running_text[] = {"6000000000.00", "12000000000.00",
                                               "22000000000.00"};
    const char *prev = "";
    for (size_t i = 0; i < 3; i++) {
        const json_t *r = json_array_get(rounds, i);
        ck_assert_str_eq(test_member_str(r, "id"), ids[i]);
        const char *earliest = test_member_str(json_object_get(r, "announced"), "earliest");
        ck_assert_msg(strcmp(prev, earliest) <= 0, "%s is out of date order", ids[i]);
        prev = earliest;
        check_usd(json_object_get(r, "running_total"), running[i], running_text[i]);
        check_citations(json_object_get(r, "citations"), ids[i]);
    }
    check_usd(json_object_get(json_array_get(rounds, 0), "amount"), 600000000000,
              "6000000000.00");

    /* June 2025: US$5 billion debt plus US$5 billion equity make the 10. */
    const json_t *june = json_array_get(rounds, 2);
    check_usd(json_object_get(june, "amount"), 1000000000000, "10000000000.00");
    const json_t *tranches = json_object_get(june, "tranches");
    ck_assert_uint_eq(json_array_size(tranches), 2);
    ck_assert_str_eq(test_member_str(json_array_get(tranches, 0), "kind"), "debt");
    ck_assert_str_eq(test_member_str(json_array_get(tranches, 1), "kind"), "equity");
    check_usd(json_object_get(json_array_get(tranches, 0), "amount"), 500000000000,
              "5000000000.00");
    check_usd(json_object_get(json_array_get(tranches, 1), "amount"), 500000000000,
              "5000000000.00");
    check_usd(json_object_get(june, "tranches_total"), 1000000000000, "10000000000.00");
    ck_assert(json_is_null(json_object_get(json_array_get(rounds, 0), "tranches_total")));

    /* The reported "US$22 billion since 2024" against the rounds' sum. */
    const json_t *totals = json_object_get(f, "reported_totals");
    ck_assert_uint_eq(json_array_size(totals), 1);
    const json_t *t = json_array_get(totals, 0);
    check_usd(json_object_get(t, "amount"), 2200000000000, "22000000000.00");
    check_usd(json_object_get(t, "computed_from_rounds"), 2200000000000, "22000000000.00");
    ck_assert(json_is_true(json_object_get(t, "matches_reported")));
    json_t *counted = json_pack("[s,s,s]", ids[0], ids[1], ids[2]);
    ck_assert(json_equal(json_object_get(t, "rounds_counted"), counted));
    json_decref(counted);
    check_usd(json_object_get(f, "computed_total"), 2200000000000, "22000000000.00");
    json_decref(f);
}
END_TEST

START_TEST(test_funding_without_rounds)
{
    json_t *f = get_ok("/v1/organizations/openai/funding");
    json_t *expected = json_pack("{s:s, s:{s:s, s:s}, s:[], s:[], s:n}", "id", "openai",
                                 "organization", "id", "openai", "name", "OpenAI", "rounds",
                                 "reported_totals", "computed_total");
    ck_assert_ptr_nonnull(expected);
    ck_assert_msg(json_equal(f, expected), "openai's funding is not the empty summary");
    json_decref(expected);
    json_decref(f);
}
END_TEST

/* ---- HEAD --------------------------------------------------------------- */

/* HEAD is GET without the body: same status, same Content-Type, and a
 * Content-Length naming the body GET sends. */
START_TEST(test_head)
{
    static const char *const targets[] = {
        "/v1/models",
        "/v1/models?organization=openai",
        "/v1/models/grok-4",
        "/v1/timeline?limit=2",
        "/v1/leaderboards/humanitys-last-exam",
        "/v1/leaderboards/humanitys-last-exam?as_of=2025-07-09",
        "/v1/organizations/xai/funding",
        "/livez",
        "/readyz",
        "/v1/models/no-such-model",
        "/v1/models?limit=0",
    };
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        struct http_reply get, head;
        char get_type[128], head_type[128], length[32], expected_length[32];
        http_get(test_daemon.port, targets[i], &get);
        http_request(test_daemon.port, "HEAD", targets[i], NULL, &head);
        ck_assert_msg(head.status == get.status, "HEAD %s: %ld, GET %ld", targets[i],
                      head.status, get.status);
        ck_assert(http_reply_header(&get, "Content-Type", get_type, sizeof(get_type)));
        ck_assert_msg(http_reply_header(&head, "Content-Type", head_type, sizeof(head_type)),
                      "HEAD %s: no Content-Type", targets[i]);
        ck_assert_str_eq(head_type, get_type);
        ck_assert_msg(http_reply_header(&head, "Content-Length", length, sizeof(length)),
                      "HEAD %s: no Content-Length", targets[i]);
        test_format(expected_length, sizeof(expected_length), "%zu", get.body_len);
        ck_assert_msg(strcmp(length, expected_length) == 0,
                      "HEAD %s: Content-Length %s, GET sent %s bytes", targets[i], length,
                      expected_length);
        ck_assert_msg(head.body_len == 0, "HEAD %s sent a body", targets[i]);
        ck_assert_uint_gt(get.body_len, 0);
        http_reply_free(&get);
        http_reply_free(&head);
    }
}
END_TEST

/* ---- dates and money ---------------------------------------------------- */

static bool is_day(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (size_t i = 0; i < 10; i++) {
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    }
    return true;
}

/* RFC 3339 in UTC to the second: YYYY-MM-DDTHH:MM:SSZ. */
static bool is_utc_timestamp(const char *s)
{
    char day[11];
    if (strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
        return false;
    memcpy(day, s, 10);
    day[10] = '\0';
    for (size_t i = 11; i < 19; i++) {
        if (i != 13 && i != 16 && (s[i] < '0' || s[i] > '9'))
            return false;
    }
    return is_day(day);
}

static bool in_list(const char *s, const char *const *values)
{
    for (; *values; values++) {
        if (strcmp(s, *values) == 0)
            return true;
    }
    return false;
}

static void check_date(const json_t *d, const char *where)
{
    static const char *const precisions[] = {"year", "quarter", "month", "week", "day",
                                             "minute", NULL};
    static const char *const qualifiers[] = {"early", "mid", "late", "end", "spring",
                                             "summer", "autumn", "winter", "before", "after",
                                             "about", NULL};
    ck_assert_msg(json_object_size(d) == 6, "%s: a date has value, precision, qualifier, "
                                            "display, earliest and latest",
                  where);
    ck_assert_msg(*test_member_str(d, "value"), "%s: empty date value", where);
    ck_assert_msg(in_list(test_member_str(d, "precision"), precisions), "%s: bad precision", where);
    const json_t *q = json_object_get(d, "qualifier");
    ck_assert_msg(json_is_null(q) || (json_is_string(q) && in_list(json_string_value(q),
                                                                   qualifiers)),
                  "%s: bad qualifier", where);
    ck_assert_msg(*test_member_str(d, "display"), "%s: empty display", where);
    const char *qualifier = json_is_string(q) ? json_string_value(q) : "";
    const json_t *earliest = json_object_get(d, "earliest");
    const json_t *latest = json_object_get(d, "latest");
    /* Only "before" is open at the start, only "after" at the end. */
    if (strcmp(qualifier, "before") == 0)
        ck_assert_msg(json_is_null(earliest), "%s: 'before' has an earliest day", where);
    else
        ck_assert_msg(is_day(test_member_str(d, "earliest")), "%s: bad earliest", where);
    if (strcmp(qualifier, "after") == 0)
        ck_assert_msg(json_is_null(latest), "%s: 'after' has a latest day", where);
    else
        ck_assert_msg(is_day(test_member_str(d, "latest")), "%s: bad latest", where);
    if (json_is_string(earliest) && json_is_string(latest))
        ck_assert_msg(strcmp(json_string_value(earliest), json_string_value(latest)) <= 0,
                      "%s: earliest after latest", where);
}

static void check_money(const json_t *m, const char *where)
{
    char expected[64];
    ck_assert_msg(json_object_size(m) == 4,
                  "%s: money has amount_minor, currency, amount and approximate", where);
    json_int_t minor = member_int(m, "amount_minor");
    const char *currency = test_member_str(m, "currency");
    ck_assert_msg(strlen(currency) == 3 && currency[0] >= 'A' && currency[0] <= 'Z' &&
                      currency[1] >= 'A' && currency[1] <= 'Z' && currency[2] >= 'A' &&
                      currency[2] <= 'Z',
                  "%s: bad currency '%s'", where, currency);
    ck_assert_msg(json_is_boolean(json_object_get(m, "approximate")), "%s: approximate", where);
    ck_assert_msg(strcmp(currency, "USD") == 0 || strcmp(currency, "CNY") == 0,
                  "%s: a currency the seed does not use: %s", where, currency);
    /* Both have two minor digits: the decimal is exact, never a float. */
    unsigned long long abs_minor = minor < 0 ? 0ULL - (unsigned long long)minor
                                             : (unsigned long long)minor;
    test_format(expected, sizeof(expected), "%s%llu.%02llu", minor < 0 ? "-" : "",
                  abs_minor / 100, abs_minor % 100);
    ck_assert_msg(strcmp(test_member_str(m, "amount"), expected) == 0, "%s: amount '%s' for %lld",
                  where, test_member_str(m, "amount"), (long long)minor);
}

/* Walks a response and checks every date and amount in it. */
static void check_values(const json_t *json, const char *where, size_t *dates, size_t *money)
{
    if (json_is_array(json)) {
        size_t i;
        const json_t *v;
        json_array_foreach(json, i, v) check_values(v, where, dates, money);
        return;
    }
    if (!json_is_object(json))
        return;
    if (json_object_get(json, "precision")) {
        check_date(json, where);
        (*dates)++;
        return;
    }
    if (json_object_get(json, "amount_minor")) {
        check_money(json, where);
        (*money)++;
        return;
    }
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)json, key, v) check_values(v, key, dates, money);
}

START_TEST(test_value_shapes)
{
    char target[256];
    size_t dates = 0, money = 0;
    for (size_t i = 0; i < LIST_COUNT; i++) {
        test_format(target, sizeof(target), "%s?limit=500", lists[i].path);
        json_t *list = get_ok(target);
        check_values(list, lists[i].path, &dates, &money);
        json_decref(list);
    }
    json_t *f = get_ok("/v1/organizations/xai/funding");
    check_values(f, "funding", &dates, &money);
    json_decref(f);
    ck_assert_uint_gt(dates, 50);
    ck_assert_uint_gt(money, 15);
}
END_TEST

static void expect_member(const char *target, const char *key, json_t *expected)
{
    ck_assert_ptr_nonnull(expected);
    json_t *obj = get_ok(target);
    char *got = json_dumps(json_object_get(obj, key), JSON_COMPACT | JSON_SORT_KEYS);
    char *want = json_dumps(expected, JSON_COMPACT | JSON_SORT_KEYS);
    ck_assert_msg(json_equal(json_object_get(obj, key), expected), "%s %s:\n  got  %s\n  want %s",
                  target, key, got, want);
    free(got);
    free(want);
    json_decref(expected);
    json_decref(obj);
}

static json_t *date_json(const char *value, const char *precision, const char *qualifier,
                         const char *display, const char *earliest, const char *latest)
{
    return json_pack("{s:s, s:s, s:s?, s:s, s:s?, s:s?}", "value", value, "precision",
                     precision, "qualifier", qualifier, "display", display, "earliest",
                     earliest, "latest", latest);
}

START_TEST(test_value_examples)
{
    expect_member("/v1/timeline/grok-3-5-beta-release", "date",
                  date_json("2025-05", "month", "early", "early May 2025", "2025-05-01",
                            "2025-05-10"));
    expect_member("/v1/timeline/gpt-5-release", "date",
                  date_json("2025", "year", "summer", "summer 2025", "2025-06-01",
                            "2025-08-31"));
    expect_member("/v1/timeline/grok-4-launch-livestream", "date",
                  date_json("2025-07-10T12:00+08:00", "minute", NULL,
                            "10 July 2025 12:00 UTC+08:00", "2025-07-10", "2025-07-10"));
    expect_member("/v1/timeline/musk-overnight-polishing-remark", "date",
                  date_json("2025-07-03", "day", "about", "about 3 July 2025", "2025-07-03",
                            "2025-07-03"));
    expect_member("/v1/results/gemini-2-5-pro-hle-artificial-analysis", "known_since",
                  date_json("2025-07-10", "day", "before", "before 10 July 2025", NULL,
                            "2025-07-09"));
    expect_member("/v1/sources/yicai-grok4-article", "published",
                  date_json("2025-W28", "week", NULL, "week 28 of 2025", "2025-07-07",
                            "2025-07-13"));
    expect_member("/v1/financials/xai-burn-rate-2025-w28", "amount",
                  json_pack("{s:I, s:s, s:b, s:s}", "amount_minor", (json_int_t)100000000000,
                            "currency", "USD", "approximate", 0, "amount",
                            "1000000000.00"));
    expect_member("/v1/valuations/xai-x-combined-2025-03", "amount",
                  json_pack("{s:I, s:s, s:b, s:s}", "amount_minor", (json_int_t)11300000000000,
                            "currency", "USD", "approximate", 0, "amount",
                            "113000000000.00"));

    /* The reported total's RMB equivalent is approximate ("about"). */
    json_t *f = get_ok("/v1/organizations/xai/funding");
    const json_t *eq = json_object_get(json_array_get(json_object_get(f, "reported_totals"), 0),
                                       "equivalent");
    json_t *want = json_pack("{s:I, s:s, s:b, s:s}", "amount_minor", (json_int_t)15790000000000,
                             "currency", "CNY", "approximate", 1, "amount", "157900000000.00");
    ck_assert(json_equal(eq, want));
    json_decref(want);
    json_decref(f);
}
END_TEST

/* ---- probes ------------------------------------------------------------- */

static void expect_body(const char *target, const char *content_type, const char *body)
{
    struct http_reply reply;
    http_get(test_daemon.port, target, &reply);
    ck_assert_msg(reply.status == 200, "%s: %ld", target, reply.status);
    assert_header(&reply, "Content-Type", content_type, target);
    ck_assert_msg(strcmp(reply.body, body) == 0, "%s: body %s", target, reply.body);
    http_reply_free(&reply);
}

START_TEST(test_probes)
{
    expect_body("/livez", "application/health+json", "{\"status\":\"pass\"}");
    expect_body("/readyz", "application/health+json", "{\"status\":\"pass\"}");
    expect_body("/healthz", "application/health+json", "{\"status\":\"pass\"}");

    json_t *live = get_typed("/livez?verbose", "application/health+json");
    ck_assert_str_eq(test_member_str(live, "status"), "pass");
    ck_assert_str_eq(test_member_str(json_object_get(json_object_get(live, "checks"), "process"),
                                "status"),
                     "pass");
    json_decref(live);

    static const char *const ready[] = {"/readyz?verbose", "/healthz?verbose"};
    for (size_t i = 0; i < 2; i++) {
        json_t *r = get_typed(ready[i], "application/health+json");
        ck_assert_str_eq(test_member_str(r, "status"), "pass");
        const json_t *checks = json_object_get(r, "checks");
        const json_t *model = json_object_get(checks, "model");
        ck_assert_str_eq(test_member_str(model, "status"), "pass");
        ck_assert_int_gt(member_int(model, "records"), 0);
        const char *at = test_member_str(model, "loaded_at");
        ck_assert_msg(is_utc_timestamp(at), "%s: loaded_at '%s'", ready[i], at);
        ck_assert_str_eq(test_member_str(json_object_get(checks, "shutdown"), "status"), "pass");
        json_decref(r);
    }
}
END_TEST

/* ---- the suite ---------------------------------------------------------- */

static TCase *server_case(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_unchecked_fixture(tc, test_daemon_start, test_daemon_stop);
    tcase_set_timeout(tc, 120);
    return tc;
}

static Suite *endpoints_suite(void)
{
    Suite *suite = suite_create("endpoints");

    TCase *routes = server_case("routes");
    tcase_add_loop_test(routes, test_list_shape, 0, (int)LIST_COUNT);
    tcase_add_loop_test(routes, test_item_routes, 0, (int)LIST_COUNT);
    tcase_add_test(routes, test_small_lists_exact);
    tcase_add_test(routes, test_every_organization_funding);
    suite_add_tcase(suite, routes);

    TCase *filters = server_case("filters");
    tcase_add_test(filters, test_filter_sources);
    tcase_add_test(filters, test_filter_organizations);
    tcase_add_test(filters, test_filter_people);
    tcase_add_test(filters, test_filter_models);
    tcase_add_test(filters, test_filter_results);
    tcase_add_test(filters, test_filter_money_and_compute);
    tcase_add_test(filters, test_filter_timeline);
    tcase_add_test(filters, test_timeline_date_ranges);
    tcase_add_test(filters, test_timeline_order);
    suite_add_tcase(suite, filters);

    TCase *pages = server_case("pagination");
    tcase_add_test(pages, test_walk_timeline);
    tcase_add_test(pages, test_walk_other_lists);
    tcase_add_test(pages, test_walk_filtered);
    tcase_add_test(pages, test_cursor_with_filter);
    tcase_add_test(pages, test_page_edges);
    suite_add_tcase(suite, pages);

    TCase *boards = server_case("leaderboards");
    tcase_add_test(boards, test_leaderboard_hle);
    tcase_add_test(boards, test_leaderboard_intelligence_index);
    tcase_add_test(boards, test_leaderboard_as_of);
    suite_add_tcase(suite, boards);

    TCase *funding = server_case("funding");
    tcase_add_test(funding, test_funding_xai);
    tcase_add_test(funding, test_funding_without_rounds);
    suite_add_tcase(suite, funding);

    TCase *protocol = server_case("protocol");
    tcase_add_test(protocol, test_head);
    tcase_add_test(protocol, test_value_shapes);
    tcase_add_test(protocol, test_value_examples);
    tcase_add_test(protocol, test_probes);
    suite_add_tcase(suite, protocol);
    return suite;
}

int main(void)
{
    int failed = test_run_suite(endpoints_suite());
    return failed == 0 && !test_daemon_failed() ? EXIT_SUCCESS : EXIT_FAILURE;
}
