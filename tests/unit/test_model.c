/*
 * The in-memory model: collections in a stable order, id lookups, rendered
 * items equal to their objects, enriched dates and money, cursors, and
 * reference counting.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

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

START_TEST(test_every_collection_is_ordered_and_findable)
{
    for (int c = 0; c < FR_COLL_COUNT; c++) {
        const struct fr_collection *coll = fr_snapshot_collection(snapshot, (enum fr_collection_id)c);
        ck_assert_msg(coll->count > 0, "%s is empty", coll->def->name);
        for (size_t i = 0; i < coll->count; i++) {
            const struct fr_item *item = &coll->items[i];
            ck_assert_ptr_eq(fr_collection_find(coll, item->id), item);
            ck_assert_uint_eq(fr_collection_index_of(coll, item->id), i);
            /* The rendered JSON is the object, exactly. */
            json_t *parsed = json_loadb(item->json, item->json_len, 0, NULL);
            ck_assert_msg(parsed && json_equal(parsed, item->obj), "%s/%s renders differently",
                          coll->def->name, item->id);
            json_decref(parsed);
            if (i == 0)
                continue;
            const struct fr_item *prev = &coll->items[i - 1];
            if (coll->def->date_key && prev->has_date && item->has_date) {
                int order = fr_date_compare(&prev->date, &item->date);
                ck_assert_msg(order < 0 || (order == 0 && strcmp(prev->id, item->id) < 0),
                              "%s: %s before %s", coll->def->name, prev->id, item->id);
            } else if (coll->def->date_key) {
                ck_assert_msg(prev->has_date || !item->has_date, "%s: undated %s before %s",
                              coll->def->name, prev->id, item->id);
            } else {
                ck_assert_str_lt(prev->id, item->id);
            }
        }
        ck_assert_ptr_null(fr_collection_find(coll, "no-such-id"));
        ck_assert_uint_eq(fr_collection_index_of(coll, ""), (size_t)-1);
    }
}
END_TEST

START_TEST(test_dates_and_money_are_enriched)
{
    const struct fr_item *event = fr_collection_find(
        fr_snapshot_collection(snapshot, FR_COLL_EVENTS), "musk-delays-grok-3-5-beta");
    ck_assert_ptr_nonnull(event);
    const json_t *date = json_object_get(event->obj, "date");
    ck_assert_str_eq(json_string_value(json_object_get(date, "value")), "2025-05");
    ck_assert_str_eq(json_string_value(json_object_get(date, "precision")), "month");
    ck_assert_str_eq(json_string_value(json_object_get(date, "qualifier")), "mid");
    ck_assert_str_eq(json_string_value(json_object_get(date, "display")), "mid-May 2025");
    ck_assert_str_eq(json_string_value(json_object_get(date, "earliest")), "2025-05-11");
    ck_assert_str_eq(json_string_value(json_object_get(date, "latest")), "2025-05-20");

    const struct fr_item *round = fr_collection_find(
        fr_snapshot_collection(snapshot, FR_COLL_FUNDING_ROUNDS), "xai-2025-06-round");
    ck_assert_ptr_nonnull(round);
    const json_t *amount = json_object_get(round->obj, "amount");
    ck_assert_int_eq(json_integer_value(json_object_get(amount, "amount_minor")),
                     1000000000000LL);
    ck_assert_str_eq(json_string_value(json_object_get(amount, "amount")), "10000000000.00");
    ck_assert(json_is_false(json_object_get(amount, "approximate")));
    /* No money is ever a float anywhere in the rendered output. */
    ck_assert_ptr_null(strstr(round->json, "\"amount_minor\":1.0"));
}
END_TEST

START_TEST(test_timeline_places_fuzzy_dates_by_interval)
{
    const struct fr_collection *events = fr_snapshot_collection(snapshot, FR_COLL_EVENTS);
    size_t end_april = fr_collection_index_of(events, "musk-announces-grok-3-5-beta");
    size_t early_may = fr_collection_index_of(events, "grok-3-5-beta-release");
    size_t mid_may = fr_collection_index_of(events, "musk-delays-grok-3-5-beta");
    size_t summer = fr_collection_index_of(events, "gpt-5-release");
    size_t august = fr_collection_index_of(events, "xai-coding-model-release");
    ck_assert_uint_lt(end_april, early_may);
    ck_assert_uint_lt(early_may, mid_may);
    /* "summer 2025" starts in June: it sorts before a July launch and August. */
    ck_assert_uint_lt(summer, august);
}
END_TEST

START_TEST(test_cursor_round_trip)
{
    const struct fr_collection *models = fr_snapshot_collection(snapshot, FR_COLL_MODELS);
    struct fr_buf buf;
    size_t start = 0;
    fr_buf_init(&buf);
    ck_assert_int_eq(fr_cursor_encode(models->items[3].id, &buf), FR_OK);
    ck_assert_int_eq(fr_cursor_decode(models, buf.data, &start), FR_OK);
    ck_assert_uint_eq(start, 4);
    /* A cursor from another collection names nothing here. */
    const struct fr_collection *events = fr_snapshot_collection(snapshot, FR_COLL_EVENTS);
    ck_assert_int_eq(fr_cursor_decode(events, buf.data, &start), FR_EINVAL);
    fr_buf_cleanup(&buf);
    ck_assert_int_eq(fr_cursor_decode(models, "not base64!", &start), FR_EINVAL);
    ck_assert_int_eq(fr_cursor_decode(models, "", &start), FR_EINVAL);
    ck_assert_int_eq(fr_cursor_decode(models, "Z3Jvay00" /* grok-4 without prefix */, &start),
                     FR_EINVAL);
}
END_TEST

START_TEST(test_query_counts_and_pages)
{
    const struct fr_collection *results = fr_snapshot_collection(snapshot, FR_COLL_RESULTS);
    struct fr_query query;
    struct fr_page page;
    fr_query_init(&query);
    query.values[1] = "humanitys-last-exam"; /* the benchmark filter */
    query.limit = 2;
    ck_assert_str_eq(results->def->filters[1].param, "benchmark");
    ck_assert_int_eq(fr_collection_query(results, &query, &page), FR_OK);
    ck_assert_uint_eq(page.total, 3);
    ck_assert_uint_eq(page.count, 2);
    ck_assert(page.has_more);
    query.start = page.indexes[1] + 1;
    free(page.indexes);
    ck_assert_int_eq(fr_collection_query(results, &query, &page), FR_OK);
    ck_assert_uint_eq(page.total, 3);
    ck_assert_uint_eq(page.count, 1);
    ck_assert(!page.has_more);
    free(page.indexes);
}
END_TEST

START_TEST(test_reference_counting)
{
    const struct fr_snapshot *extra = fr_snapshot_ref(snapshot);
    ck_assert_ptr_eq(extra, snapshot);
    fr_snapshot_unref(extra);
    /* Still alive: the fixture's reference remains. */
    ck_assert_uint_gt(fr_snapshot_collection(snapshot, FR_COLL_MODELS)->count, 0);
    fr_snapshot_unref(NULL);
    ck_assert_ptr_null(fr_snapshot_ref(NULL));
}
END_TEST

START_TEST(test_bad_data_is_refused)
{
    struct fr_snapshot *bad = NULL;
    char error[256] = "";
    ck_assert_int_ne(fr_snapshot_build(json_array(), &bad, error, sizeof(error)), FR_OK);
    ck_assert_ptr_null(bad);
    ck_assert_str_ne(error, "");
    error[0] = '\0';
    ck_assert_int_eq(fr_snapshot_build(json_object(), &bad, error, sizeof(error)), FR_ESCHEMA);
    ck_assert_ptr_nonnull(strstr(error, "no table"));
}
END_TEST

static Suite *model_suite(void)
{
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("snapshot");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_every_collection_is_ordered_and_findable);
    tcase_add_test(tc, test_dates_and_money_are_enriched);
    tcase_add_test(tc, test_timeline_places_fuzzy_dates_by_interval);
    tcase_add_test(tc, test_cursor_round_trip);
    tcase_add_test(tc, test_query_counts_and_pages);
    tcase_add_test(tc, test_reference_counting);
    tcase_add_test(tc, test_bad_data_is_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(model_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
