/*
 * The dataset checked the way the article adds up: 6 + 6 + 10 = 22 (US$
 * billions raised since 2024), 5 debt + 5 equity = 10, 80 + 33 = 113, 100,000
 * to 200,000 GPUs is "doubled", and the Intelligence Index order it states.
 * Every quote is checked against the article itself, character for character.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontier/model.h"
#include "support.h"

#define BILLION_CENTS 100000000000LL /* US$1 billion in cents */

static struct fr_snapshot *snapshot;

static void setup(void)
{
    snapshot = test_snapshot_load();
}

static void teardown(void)
{
    fr_snapshot_unref(snapshot);
}

static const json_t *item(enum fr_collection_id coll, const char *id)
{
    const struct fr_item *it = fr_collection_find(fr_snapshot_collection(snapshot, coll), id);
    ck_assert_msg(it != NULL, "no record '%s'", id);
    return it->obj;
}

static long long minor(const json_t *obj, const char *key)
{
    const json_t *money = json_object_get(obj, key);
    ck_assert_msg(json_is_object(money), "no money at '%s'", key);
    ck_assert_str_eq(json_string_value(json_object_get(money, "currency")), "USD");
    return (long long)json_integer_value(json_object_get(money, "amount_minor"));
}

START_TEST(test_funding_adds_up_to_22_billion)
{
    const struct fr_collection *rounds = fr_snapshot_collection(snapshot, FR_COLL_FUNDING_ROUNDS);
    long long sum = 0;
    size_t xai_rounds = 0;
    for (size_t i = 0; i < rounds->count; i++) {
        const json_t *r = rounds->items[i].obj;
        if (strcmp(json_string_value(json_object_get(r, "organization")), "xai") != 0)
            continue;
        xai_rounds++;
        sum += minor(r, "amount");
    }
    ck_assert_uint_eq(xai_rounds, 3);
    ck_assert_int_eq(sum, 22 * BILLION_CENTS); /* 6 + 6 + 10 */

    /* The reported total says the same, and the summary sees it match. */
    const json_t *summary = item(FR_COLL_ORGANIZATION_FUNDING, "xai");
    const json_t *reported = json_array_get(json_object_get(summary, "reported_totals"), 0);
    ck_assert_int_eq(minor(reported, "amount"), 22 * BILLION_CENTS);
    ck_assert_int_eq(minor(reported, "computed_from_rounds"), 22 * BILLION_CENTS);
    ck_assert(json_is_true(json_object_get(reported, "matches_reported")));
    /* ... about RMB 157.9 billion, kept as reported, marked approximate. */
    const json_t *equivalent = json_object_get(reported, "equivalent");
    ck_assert_str_eq(json_string_value(json_object_get(equivalent, "currency")), "CNY");
    ck_assert_int_eq(json_integer_value(json_object_get(equivalent, "amount_minor")),
                     1579LL * 100000000LL * 100LL);
    ck_assert(json_is_true(json_object_get(equivalent, "approximate")));

    /* Running totals in date order: 6, 12, 22. */
    const json_t *list = json_object_get(summary, "rounds");
    ck_assert_int_eq(minor(json_array_get(list, 0), "running_total"), 6 * BILLION_CENTS);
    ck_assert_int_eq(minor(json_array_get(list, 1), "running_total"), 12 * BILLION_CENTS);
    ck_assert_int_eq(minor(json_array_get(list, 2), "running_total"), 22 * BILLION_CENTS);
}
END_TEST

START_TEST(test_tranches_add_up_to_the_round)
{
    const struct fr_collection *rounds = fr_snapshot_collection(snapshot, FR_COLL_FUNDING_ROUNDS);
    const json_t *round = rounds->items[rounds->count - 1].obj; /* the latest */
    ck_assert_int_eq(minor(round, "amount"), 10 * BILLION_CENTS);
    const json_t *tranches = json_object_get(round, "tranches");
    ck_assert_uint_eq(json_array_size(tranches), 2);
    long long debt = 0, equity = 0;
    size_t i;
    const json_t *t;
    json_array_foreach(tranches, i, t) {
        const char *kind = json_string_value(json_object_get(t, "kind"));
        if (strcmp(kind, "debt") == 0)
            debt += minor(t, "amount");
        else if (strcmp(kind, "equity") == 0)
            equity += minor(t, "amount");
    }
    ck_assert_int_eq(debt, 5 * BILLION_CENTS);
    ck_assert_int_eq(equity, 5 * BILLION_CENTS);
    ck_assert_int_eq(minor(round, "tranches_total"), minor(round, "amount"));
}
END_TEST

START_TEST(test_valuation_parts_add_up_to_113)
{
    const struct fr_collection *vals = fr_snapshot_collection(snapshot, FR_COLL_VALUATIONS);
    const json_t *combined = NULL;
    for (size_t i = 0; i < vals->count; i++) {
        if (json_array_size(json_object_get(vals->items[i].obj, "organizations")) == 2)
            combined = vals->items[i].obj;
    }
    ck_assert_ptr_nonnull(combined);
    ck_assert_int_eq(minor(combined, "amount"), 113 * BILLION_CENTS);
    const char *combined_id = json_string_value(json_object_get(combined, "id"));
    long long parts = 0;
    size_t n = 0;
    for (size_t i = 0; i < vals->count; i++) {
        const char *part_of = json_string_value(json_object_get(vals->items[i].obj, "part_of"));
        if (part_of && strcmp(part_of, combined_id) == 0) {
            parts += minor(vals->items[i].obj, "amount");
            n++;
        }
    }
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(parts, (80 + 33) * BILLION_CENTS);
}
END_TEST

START_TEST(test_colossus_doubled)
{
    const json_t *capacities = json_object_get(item(FR_COLL_CLUSTERS, "colossus"), "capacities");
    ck_assert_uint_eq(json_array_size(capacities), 3);
    const json_t *first = json_array_get(capacities, 0), *second = json_array_get(capacities, 1);
    const json_t *planned = json_array_get(capacities, 2);
    ck_assert_int_eq(json_integer_value(json_object_get(first, "gpu_count")), 100000);
    ck_assert_int_eq(json_integer_value(json_object_get(second, "gpu_count")), 200000);
    ck_assert_int_eq(json_integer_value(json_object_get(second, "gpu_count")),
                     2 * json_integer_value(json_object_get(first, "gpu_count")));
    ck_assert_double_eq(json_real_value(json_object_get(second, "multiple_of_previous")), 2.0);
    ck_assert_int_eq(json_integer_value(json_object_get(planned, "gpu_count")), 1000000);
    ck_assert_str_eq(json_string_value(json_object_get(planned, "status")), "planned");
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_object_get(first, "date"), "value")), "2024-07");
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_object_get(second, "date"), "value")), "2025-02");
}
END_TEST

/* "Grok 4 leads o3 (70), Gemini 2.5 Pro (70), Claude 4 Opus (64) and
 * DeepSeek R1 0528 (68)" with 73. */
START_TEST(test_intelligence_index_order)
{
    json_t *board = NULL;
    ck_assert_int_eq(fr_leaderboard_build(snapshot, "artificial-analysis-intelligence-index",
                                          NULL, &board), FR_OK);
    const json_t *rankings = json_object_get(board, "rankings");
    ck_assert_uint_eq(json_array_size(rankings), 1);
    const json_t *entries = json_object_get(json_array_get(rankings, 0), "entries");
    static const struct { const char *model; int rank; double score; } expected[] = {
        {"grok-4", 1, 73}, {"gemini-2-5-pro", 2, 70}, {"o3", 2, 70},
        {"deepseek-r1-0528", 4, 68}, {"claude-4-opus", 5, 64},
    };
    ck_assert_uint_eq(json_array_size(entries), 5);
    for (size_t i = 0; i < 5; i++) {
        const json_t *e = json_array_get(entries, i);
        ck_assert_str_eq(json_string_value(json_object_get(json_object_get(e, "model"), "id")),
                         expected[i].model);
        ck_assert_int_eq(json_integer_value(json_object_get(e, "rank")), expected[i].rank);
        ck_assert_double_eq(json_real_value(json_object_get(e, "score")), expected[i].score);
    }
    json_decref(board);
}
END_TEST

/* ---- provenance -------------------------------------------------------- */

static char *article;

static void load_article(void)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/article-zh.txt", test_seed_dir());
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    article = calloc(1, (size_t)n + 1);
    ck_assert_uint_eq(fread(article, 1, (size_t)n, f), (size_t)n);
    fclose(f);
}

/* Walks every record (nested ones too) and checks its citations. */
static void check_citations(const json_t *json, const char *where, size_t *records)
{
    if (json_is_array(json)) {
        size_t i;
        const json_t *v;
        json_array_foreach(json, i, v) check_citations(v, where, records);
        return;
    }
    if (!json_is_object(json))
        return;
    const json_t *citations = json_object_get(json, "citations");
    if (json_object_get(json, "id") && citations) {
        const char *id = json_string_value(json_object_get(json, "id"));
        ck_assert_msg(json_array_size(citations) > 0, "%s/%s has no citation", where, id);
        size_t i;
        const json_t *c;
        json_array_foreach(citations, i, c) {
            const char *quote = json_string_value(json_object_get(c, "quote"));
            ck_assert_msg(quote && strstr(article, quote),
                          "%s/%s: quote is not in the article verbatim: %s", where, id, quote);
            const char *source = json_string_value(json_object_get(c, "source"));
            ck_assert_msg(fr_collection_find(fr_snapshot_collection(snapshot, FR_COLL_SOURCES),
                                             source), "%s/%s cites unknown source %s", where,
                          id, source);
        }
        (*records)++;
    }
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)json, key, v) {
        if (strcmp(key, "citations") != 0)
            check_citations(v, where, records);
    }
}

START_TEST(test_every_quote_is_in_the_article)
{
    size_t records = 0;
    load_article();
    static const enum fr_collection_id stored[] = {
        FR_COLL_SOURCES, FR_COLL_ORGANIZATIONS, FR_COLL_PEOPLE, FR_COLL_MODELS,
        FR_COLL_BENCHMARKS, FR_COLL_RESULTS, FR_COLL_FUNDING_ROUNDS, FR_COLL_FUNDING_TOTALS,
        FR_COLL_VALUATIONS, FR_COLL_FINANCIALS, FR_COLL_CLUSTERS, FR_COLL_EVENTS,
    };
    for (size_t i = 0; i < sizeof(stored) / sizeof(stored[0]); i++) {
        const struct fr_collection *coll = fr_snapshot_collection(snapshot, stored[i]);
        for (size_t j = 0; j < coll->count; j++)
            check_citations(coll->items[j].obj, coll->def->name, &records);
    }
    ck_assert_uint_eq(records, fr_snapshot_record_count(snapshot));
    free(article);
}
END_TEST

/* Two sources that disagree are two records, with who measured and how. */
START_TEST(test_disagreeing_sources_are_two_records)
{
    const struct fr_collection *results = fr_snapshot_collection(snapshot, FR_COLL_RESULTS);
    int found = 0;
    for (size_t i = 0; i < results->count; i++) {
        const json_t *r = results->items[i].obj;
        if (strcmp(json_string_value(json_object_get(r, "model")), "grok-4") != 0 ||
            strcmp(json_string_value(json_object_get(r, "benchmark")), "humanitys-last-exam"))
            continue;
        double score = json_real_value(json_object_get(r, "score"));
        const char *rel = json_string_value(json_object_get(r, "evaluator_relationship"));
        const char *tools = json_string_value(json_object_get(r, "tools"));
        if (score == 26.9) {
            ck_assert_str_eq(rel, "first_party");
            ck_assert_str_eq(json_string_value(json_object_get(r, "evaluator")), "xai");
            ck_assert_str_eq(tools, "none");
            found |= 1;
        } else if (score == 24.0) {
            ck_assert_str_eq(rel, "third_party");
            ck_assert_str_eq(json_string_value(json_object_get(r, "evaluator")),
                             "artificial-analysis");
            found |= 2;
        }
    }
    ck_assert_int_eq(found, 3);
}
END_TEST

/* Grok 3.5's slip keeps its history: "next week" at the end of April, "one
 * more week" in mid-May, then skipped for Grok 4. */
START_TEST(test_slipped_plan_keeps_history)
{
    const struct fr_collection *events = fr_snapshot_collection(snapshot, FR_COLL_EVENTS);
    const json_t *plan = NULL;
    for (size_t i = 0; i < events->count; i++) {
        const char *model = json_string_value(json_object_get(events->items[i].obj, "model"));
        if (model && strcmp(model, "grok-3-5") == 0 &&
            json_array_size(json_object_get(events->items[i].obj, "revisions")) > 0)
            plan = events->items[i].obj;
    }
    ck_assert_ptr_nonnull(plan);
    ck_assert_str_eq(json_string_value(json_object_get(plan, "status")), "cancelled");
    const json_t *revisions = json_object_get(plan, "revisions");
    ck_assert_uint_eq(json_array_size(revisions), 3);
    static const struct { const char *value, *qualifier, *outcome; } expected[] = {
        {"2025-04", "end", "slipped"}, {"2025-05", "mid", "slipped"},
        {"2025-06-27", NULL, "cancelled"},
    };
    for (size_t i = 0; i < 3; i++) {
        const json_t *r = json_array_get(revisions, i);
        const json_t *announced = json_object_get(r, "announced");
        ck_assert_str_eq(json_string_value(json_object_get(announced, "value")),
                         expected[i].value);
        const json_t *q = json_object_get(announced, "qualifier");
        if (expected[i].qualifier)
            ck_assert_str_eq(json_string_value(q), expected[i].qualifier);
        else
            ck_assert(json_is_null(q));
        ck_assert_str_eq(json_string_value(json_object_get(r, "outcome")), expected[i].outcome);
    }
}
END_TEST

static Suite *data_suite(void)
{
    Suite *s = suite_create("data");
    TCase *tc = tcase_create("article");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_funding_adds_up_to_22_billion);
    tcase_add_test(tc, test_tranches_add_up_to_the_round);
    tcase_add_test(tc, test_valuation_parts_add_up_to_113);
    tcase_add_test(tc, test_colossus_doubled);
    tcase_add_test(tc, test_intelligence_index_order);
    tcase_add_test(tc, test_every_quote_is_in_the_article);
    tcase_add_test(tc, test_disagreeing_sources_are_two_records);
    tcase_add_test(tc, test_slipped_plan_keeps_history);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(data_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
