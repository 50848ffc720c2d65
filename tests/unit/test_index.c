/*
 * Indexed queries against a brute-force scan: on random synthetic
 * collections (single and multi-valued members, missing values, fuzzy and
 * open-ended dates, undated items), every combination of filters, cursor
 * position and limit must give the same page, total and has_more as
 * checking every item in order.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "frontier/model.h"
#include "frontier/store.h"
#include "support.h"

/* A small deterministic generator, so that a failure can be replayed. */
static uint64_t rng_state;

static uint32_t rng(void)
{
    rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)(rng_state >> 33);
}

static size_t pick(size_t n)
{
    return rng() % n;
}

static const char *const pool[] = {"a", "b", "c", "d", "e", "f"};
#define POOL_SIZE (sizeof(pool) / sizeof(pool[0]))

/* A filter value: usually one of the pool, sometimes missing or not a string
 * (neither matches anything). */
static json_t *random_value(void)
{
    size_t r = pick(20);
    if (r == 0)
        return json_null();
    if (r == 1)
        return json_integer(7);
    /* Skewed, so that some values are common and others rare. */
    return json_string(pool[pick(1 + pick(POOL_SIZE))]);
}

/* An array of strings, possibly empty, possibly naming a value twice. */
static json_t *random_values(void)
{
    json_t *array = json_array();
    size_t n = pick(4);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(array, json_string(pool[pick(POOL_SIZE)]));
    return array;
}

/* A date object as the store gives it: fuzzy, qualified, open-ended or exact. */
static json_t *random_date(void)
{
    static const char *const year_qualifiers[] = {NULL, "early", "mid", "late", "summer",
                                                  "before", "after", "about"};
    char value[40]; /* room for any int year, month and day */
    int year = 2023 + (int)pick(4), month = 1 + (int)pick(12), day = 1 + (int)pick(28);
    switch (pick(4)) {
    case 0: {
        const char *q = year_qualifiers[pick(sizeof(year_qualifiers) / sizeof(*year_qualifiers))];
        snprintf(value, sizeof(value), "%d", year);
        return json_pack("{s:s, s:s, s:s?}", "value", value, "precision", "year", "qualifier",
                         q);
    }
    case 1:
        snprintf(value, sizeof(value), "%d-Q%d", year, 1 + (int)pick(4));
        return json_pack("{s:s, s:s}", "value", value, "precision", "quarter");
    case 2: {
        static const char *const month_qualifiers[] = {NULL, "early", "mid", "late"};
        snprintf(value, sizeof(value), "%d-%02d", year, month);
        return json_pack("{s:s, s:s, s:s?}", "value", value, "precision", "month",
                         "qualifier", month_qualifiers[pick(4)]);
    }
    default:
        snprintf(value, sizeof(value), "%d-%02d-%02d", year, month, day);
        return json_pack("{s:s, s:s}", "value", value, "precision", "day");
    }
}

static json_t *random_record(enum fr_collection_id id, size_t i)
{
    char name[32];
    json_t *obj = json_object();
    /* Ids not in creation order, so id order and date order differ. */
    snprintf(name, sizeof(name), "r%06u-%zu", (unsigned)pick(1000000), i);
    json_object_set_new(obj, "id", json_string(name));
    json_object_set_new(obj, "citations", json_array());
    switch (id) {
    case FR_COLL_MODELS:
        json_object_set_new(obj, "organization", random_value());
        json_object_set_new(obj, "status", random_value());
        json_object_set_new(obj, "kind", random_value());
        break;
    case FR_COLL_VALUATIONS:
        json_object_set_new(obj, "organizations", random_values());
        if (pick(8))
            json_object_set_new(obj, "date", random_date());
        break;
    default: /* events */
        json_object_set_new(obj, "organization", random_value());
        json_object_set_new(obj, "model", random_value());
        json_object_set_new(obj, "kind", random_value());
        json_object_set_new(obj, "status", random_value());
        if (pick(10))
            json_object_set_new(obj, "date", random_date());
        break;
    }
    return obj;
}

static struct fr_snapshot *build(size_t n)
{
    static const enum fr_collection_id ids[] = {FR_COLL_MODELS, FR_COLL_VALUATIONS,
                                                FR_COLL_EVENTS};
    json_t *data = json_object();
    struct fr_snapshot *snapshot = NULL;
    char error[512] = "";
    for (const char *const *t = fr_store_tables(); *t; t++)
        json_object_set_new(data, *t, json_array());
    for (size_t c = 0; c < sizeof(ids) / sizeof(ids[0]); c++) {
        json_t *array = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(array, random_record(ids[c], i));
        json_object_set_new(data, fr_collection_def_get(ids[c])->data_key, array);
    }
    ck_assert_msg(fr_snapshot_build(data, &snapshot, error, sizeof(error)) == FR_OK, "%s",
                  error);
    return snapshot;
}

/* The definition of a query's answer: every item checked in order. */
static void brute_force(const struct fr_collection *coll, const struct fr_query *query,
                        struct fr_page *page)
{
    page->indexes = malloc(query->limit * sizeof(*page->indexes));
    ck_assert_ptr_nonnull(page->indexes);
    page->count = page->total = 0;
    page->has_more = false;
    for (size_t i = 0; i < coll->count; i++) {
        if (!fr_query_matches(coll, query, &coll->items[i]))
            continue;
        page->total++;
        if (i < query->start)
            continue;
        if (page->count < query->limit)
            page->indexes[page->count++] = i;
        else
            page->has_more = true;
    }
}

static void random_query(const struct fr_collection *coll, struct fr_query *query)
{
    static const char *const dates[] = {"2023", "2024-06", "2025-02-14", "2025", "2026-12",
                                        "2022", "2027"};
    const struct fr_collection_def *def = coll->def;
    fr_query_init(query);
    for (size_t f = 0; f < FR_MAX_FILTERS && def->filters[f].param; f++) {
        if (pick(3))
            continue;
        if (def->filters[f].kind == FR_FILTER_DATE_FROM ||
            def->filters[f].kind == FR_FILTER_DATE_TO) {
            query->values[f] = dates[pick(sizeof(dates) / sizeof(dates[0]))];
            ck_assert_int_eq(fr_date_parse_query(query->values[f], &query->dates[f], NULL),
                             FR_OK);
        } else {
            /* Now and then a value no item holds. */
            query->values[f] = pick(10) ? pool[pick(POOL_SIZE)] : "zzz";
        }
    }
    query->limit = 1 + pick(pick(2) ? 5 : FR_LIMIT_MAX);
    query->start = pick(coll->count + 1);
}

static void assert_same(const struct fr_collection *coll, const struct fr_query *query)
{
    struct fr_page got, want;
    ck_assert_int_eq(fr_collection_query(coll, query, &got), FR_OK);
    brute_force(coll, query, &want);
    ck_assert_uint_eq(got.total, want.total);
    ck_assert_uint_eq(got.count, want.count);
    ck_assert_int_eq(got.has_more, want.has_more);
    for (size_t i = 0; i < want.count; i++)
        ck_assert_uint_eq(got.indexes[i], want.indexes[i]);
    free(got.indexes);
    free(want.indexes);
}

static const enum fr_collection_id tested[] = {FR_COLL_MODELS, FR_COLL_VALUATIONS,
                                               FR_COLL_EVENTS};

START_TEST(random_queries_match_a_scan)
{
    rng_state = 0x5eed0000u + (uint64_t)_i;
    struct fr_snapshot *snapshot = build(50 + pick(400));
    for (size_t c = 0; c < sizeof(tested) / sizeof(tested[0]); c++) {
        const struct fr_collection *coll = fr_snapshot_collection(snapshot, tested[c]);
        for (int q = 0; q < 300; q++) {
            struct fr_query query;
            random_query(coll, &query);
            assert_same(coll, &query);
        }
    }
    fr_snapshot_unref(snapshot);
}
END_TEST

/* Date ranges alone ("from", with or without "to"), which are counted and
 * paged through the latest-date indexes rather than walked. */
START_TEST(date_ranges_match_a_scan)
{
    static const char *const dates[] = {"2022", "2023", "2024-06", "2024-12-31", "2025",
                                        "2025-02-14", "2025-07", "2026-12", "2027"};
    const size_t n_dates = sizeof(dates) / sizeof(dates[0]);
    rng_state = 0xda7e0000u + (uint64_t)_i;
    struct fr_snapshot *snapshot = build(100 + pick(400));
    const struct fr_collection *coll = fr_snapshot_collection(snapshot, FR_COLL_EVENTS);
    size_t from = FR_MAX_FILTERS, to = FR_MAX_FILTERS;
    for (size_t f = 0; f < FR_MAX_FILTERS && coll->def->filters[f].param; f++) {
        if (coll->def->filters[f].kind == FR_FILTER_DATE_FROM)
            from = f;
        if (coll->def->filters[f].kind == FR_FILTER_DATE_TO)
            to = f;
    }
    ck_assert_uint_lt(from, FR_MAX_FILTERS);
    ck_assert_uint_lt(to, FR_MAX_FILTERS);
    for (size_t a = 0; a < n_dates; a++) {
        for (size_t b = 0; b <= n_dates; b++) { /* b == n_dates: no "to" */
            struct fr_query query;
            fr_query_init(&query);
            query.values[from] = dates[a];
            ck_assert_int_eq(fr_date_parse_query(dates[a], &query.dates[from], NULL), FR_OK);
            if (b < n_dates) {
                query.values[to] = dates[b];
                ck_assert_int_eq(fr_date_parse_query(dates[b], &query.dates[to], NULL), FR_OK);
            }
            query.limit = 1 + pick(pick(2) ? 5 : 60);
            query.start = pick(coll->count + 1);
            assert_same(coll, &query);
        }
    }
    fr_snapshot_unref(snapshot);
}
END_TEST

/* Following the cursors through a filtered list visits exactly the matches,
 * in order, once each, with the same total on every page. */
START_TEST(cursor_walks_match_a_scan)
{
    rng_state = 0xc0c0u + (uint64_t)_i;
    struct fr_snapshot *snapshot = build(300);
    for (size_t c = 0; c < sizeof(tested) / sizeof(tested[0]); c++) {
        const struct fr_collection *coll = fr_snapshot_collection(snapshot, tested[c]);
        for (int q = 0; q < 40; q++) {
            struct fr_query query;
            random_query(coll, &query);
            query.start = 0;
            query.limit = 1 + pick(7);
            size_t seen = 0, expected = 0, total = (size_t)-1;
            for (size_t i = 0; i < coll->count; i++)
                expected += fr_query_matches(coll, &query, &coll->items[i]);
            for (;;) {
                struct fr_page page;
                assert_same(coll, &query);
                ck_assert_int_eq(fr_collection_query(coll, &query, &page), FR_OK);
                if (total != (size_t)-1)
                    ck_assert_uint_eq(page.total, total);
                total = page.total;
                seen += page.count;
                bool more = page.has_more;
                struct fr_buf cursor;
                fr_buf_init(&cursor);
                ck_assert_int_eq(fr_page_next_cursor(coll, &page, &cursor), FR_OK);
                ck_assert_int_eq(cursor.len > 0, more);
                if (more)
                    ck_assert_int_eq(fr_cursor_decode(coll, cursor.data, &query.start),
                                     FR_OK);
                fr_buf_cleanup(&cursor);
                free(page.indexes);
                if (!more)
                    break;
            }
            ck_assert_uint_eq(seen, expected);
            ck_assert_uint_eq(total, expected);
        }
    }
    fr_snapshot_unref(snapshot);
}
END_TEST

/* A multi-valued member naming a value twice still yields its item once. */
START_TEST(repeated_array_values_count_once)
{
    json_t *data = json_object();
    struct fr_snapshot *snapshot = NULL;
    char error[512] = "";
    for (const char *const *t = fr_store_tables(); *t; t++)
        json_object_set_new(data, *t, json_array());
    json_object_set_new(data, "valuations",
                        json_pack("[{s:s, s:[s,s,s], s:[]}, {s:s, s:[s], s:[]}]", "id", "v1",
                                  "organizations", "x", "x", "y", "citations", "id", "v2",
                                  "organizations", "y", "citations"));
    ck_assert_msg(fr_snapshot_build(data, &snapshot, error, sizeof(error)) == FR_OK, "%s",
                  error);
    const struct fr_collection *coll = fr_snapshot_collection(snapshot, FR_COLL_VALUATIONS);
    struct fr_query query;
    struct fr_page page;
    fr_query_init(&query);
    query.values[0] = "x";
    ck_assert_int_eq(fr_collection_query(coll, &query, &page), FR_OK);
    ck_assert_uint_eq(page.total, 1);
    ck_assert_uint_eq(page.count, 1);
    ck_assert_str_eq(coll->items[page.indexes[0]].id, "v1");
    free(page.indexes);
    query.values[0] = "y";
    ck_assert_int_eq(fr_collection_query(coll, &query, &page), FR_OK);
    ck_assert_uint_eq(page.total, 2);
    ck_assert_uint_eq(page.count, 2);
    free(page.indexes);
    fr_snapshot_unref(snapshot);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("index");
    TCase *tc = tcase_create("index");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, random_queries_match_a_scan, 0, 8);
    tcase_add_loop_test(tc, cursor_walks_match_a_scan, 0, 4);
    tcase_add_loop_test(tc, date_ranges_match_a_scan, 0, 8);
    tcase_add_test(tc, repeated_array_values_count_once);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
