/*
 * Rankings: comparable sets kept apart, competition ranking for ties, lower
 * is better where a benchmark says so, the latest known score per model, and
 * as-of answers that respect fuzzy dates.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "frontier/model.h"
#include "frontier/store.h"
#include "support.h"

/* A store-shaped dataset: every table empty but the ones given. */
static json_t *dataset(json_t *benchmarks, json_t *results)
{
    json_t *data = json_object();
    for (const char *const *t = fr_store_tables(); *t; t++)
        json_object_set_new(data, *t, json_array());
    json_object_set_new(data, "benchmarks", benchmarks);
    json_object_set_new(data, "results", results);
    return data;
}

static json_t *result(const char *id, const char *model, double score, const char *evaluator,
                      const char *relationship, const char *tools, const char *known,
                      const char *precision, const char *qualifier)
{
    return json_pack("{s:s, s:s, s:s, s:f, s:s, s:s, s:s, s:{s:s, s:s, s:s?}, s:s, s:[]}",
                     "id", id, "model", model, "benchmark", "b", "score", score, "evaluator",
                     evaluator, "evaluator_relationship", relationship, "tools", tools,
                     "known_since", "value", known, "precision", precision, "qualifier",
                     qualifier, "source", "s", "citations");
}

static struct fr_snapshot *build(bool higher_is_better, json_t *results)
{
    json_t *benchmarks = json_pack("[{s:s, s:s, s:s, s:b, s:[]}]", "id", "b", "name", "B",
                                   "unit", "points", "is_higher_better", higher_is_better,
                                   "citations");
    struct fr_snapshot *snapshot = NULL;
    char error[512] = "";
    ck_assert_int_eq(fr_snapshot_build(dataset(benchmarks, results), &snapshot, error,
                                       sizeof(error)), FR_OK);
    return snapshot;
}

/* "model:rank:score,model:rank:score" for the ranking at index. */
static void ranking_text(const json_t *board, size_t index, char *out, size_t size)
{
    const json_t *entries = json_object_get(json_array_get(json_object_get(board, "rankings"),
                                                           index), "entries");
    size_t used = 0, i;
    const json_t *e;
    out[0] = '\0';
    json_array_foreach(entries, i, e) {
        used += (size_t)snprintf(out + used, size - used, "%s%s:%lld:%g", i ? "," : "",
                                 json_string_value(json_object_get(e, "result")),
                                 (long long)json_integer_value(json_object_get(e, "rank")),
                                 json_real_value(json_object_get(e, "score")));
    }
}

static json_t *board_of(const struct fr_snapshot *snapshot, const char *as_of)
{
    json_t *board = NULL;
    struct fr_date date;
    if (as_of)
        ck_assert_int_eq(fr_date_parse_query(as_of, &date, NULL), FR_OK);
    ck_assert_int_eq(fr_leaderboard_build(snapshot, "b", as_of ? &date : NULL, &board), FR_OK);
    return board;
}

START_TEST(test_competition_ranking_with_ties)
{
    json_t *results = json_pack("[o, o, o, o, o, o]",
        result("a", "ma", 73, "e", "third_party", "unspecified", "2025-07-10", "day", NULL),
        result("b", "mb", 70, "e", "third_party", "unspecified", "2025-07-10", "day", NULL),
        result("c", "mc", 70, "e", "third_party", "unspecified", "2025-07-10", "day", NULL),
        result("d", "md", 68, "e", "third_party", "unspecified", "2025-07-10", "day", NULL),
        result("f", "mf", 64, "e", "third_party", "unspecified", "2025-07-10", "day", NULL),
        result("g", "mg", 64, "e", "third_party", "unspecified", "2025-07-10", "day", NULL));
    struct fr_snapshot *snapshot = build(true, results);
    json_t *board = board_of(snapshot, NULL);
    char text[512];

    ck_assert_uint_eq(json_array_size(json_object_get(board, "rankings")), 1);
    ranking_text(board, 0, text, sizeof(text));
    ck_assert_str_eq(text, "a:1:73,b:2:70,c:2:70,d:4:68,f:5:64,g:5:64");
    const json_t *entries =
        json_object_get(json_array_get(json_object_get(board, "rankings"), 0), "entries");
    ck_assert(json_is_false(json_object_get(json_array_get(entries, 0), "tied")));
    ck_assert(json_is_true(json_object_get(json_array_get(entries, 1), "tied")));
    ck_assert(json_is_true(json_object_get(json_array_get(entries, 2), "tied")));
    ck_assert(json_is_false(json_object_get(json_array_get(entries, 3), "tied")));
    json_decref(board);
    fr_snapshot_unref(snapshot);
}
END_TEST

START_TEST(test_lower_is_better)
{
    json_t *results = json_pack("[o, o, o]",
        result("a", "ma", 3.5, "e", "third_party", "none", "2025", "year", NULL),
        result("b", "mb", 1.25, "e", "third_party", "none", "2025", "year", NULL),
        result("c", "mc", 3.5, "e", "third_party", "none", "2025", "year", NULL));
    struct fr_snapshot *snapshot = build(false, results);
    json_t *board = board_of(snapshot, NULL);
    char text[512];
    ranking_text(board, 0, text, sizeof(text));
    ck_assert_str_eq(text, "b:1:1.25,a:2:3.5,c:2:3.5");
    json_decref(board);
    fr_snapshot_unref(snapshot);
}
END_TEST

/* 26.9 by the vendor without tools and 24 by a third party are never ranked
 * together; third-party rankings come first. */
START_TEST(test_comparable_sets_are_kept_apart)
{
    json_t *results = json_pack("[o, o, o, o]",
        result("vendor", "m1", 26.9, "xai", "first_party", "none", "2025-07-10", "day", NULL),
        result("third", "m1", 24, "aa", "third_party", "unspecified", "2025-07-10", "day", NULL),
        result("old", "m2", 21, "aa", "third_party", "unspecified", "2025-07-10", "day",
               "before"),
        result("tools", "m1", 40, "xai", "first_party", "enabled", "2025-07-10", "day", NULL));
    struct fr_snapshot *snapshot = build(true, results);
    json_t *board = board_of(snapshot, NULL);
    const json_t *rankings = json_object_get(board, "rankings");
    char text[512];

    ck_assert_uint_eq(json_array_size(rankings), 3);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(rankings, 0),
                                                       "comparable_set")),
                     "aa/third_party/unspecified");
    ranking_text(board, 0, text, sizeof(text));
    ck_assert_str_eq(text, "third:1:24,old:2:21");
    ranking_text(board, 1, text, sizeof(text));
    ck_assert_str_eq(text, "tools:1:40");
    ranking_text(board, 2, text, sizeof(text));
    ck_assert_str_eq(text, "vendor:1:26.9");
    json_decref(board);
    fr_snapshot_unref(snapshot);
}
END_TEST

/* As of a day, a score counts only when it was certainly known by the end
 * of that day: "before 10 July" is, "July 2025" is not until 31 July. */
START_TEST(test_as_of_respects_fuzzy_dates)
{
    json_t *results = json_pack("[o, o, o]",
        result("new", "m1", 24, "aa", "third_party", "unspecified", "2025-07-10", "day", NULL),
        result("old", "m2", 21, "aa", "third_party", "unspecified", "2025-07-10", "day",
               "before"),
        result("month", "m3", 30, "aa", "third_party", "unspecified", "2025-07", "month", NULL));
    struct fr_snapshot *snapshot = build(true, results);
    char text[512];

    json_t *board = board_of(snapshot, "2025-07-09");
    ck_assert_str_eq(json_string_value(json_object_get(board, "as_of")), "2025-07-09");
    ranking_text(board, 0, text, sizeof(text));
    ck_assert_str_eq(text, "old:1:21");
    json_decref(board);

    board = board_of(snapshot, "2025-07-10");
    ranking_text(board, 0, text, sizeof(text));
    ck_assert_str_eq(text, "new:1:24,old:2:21");
    json_decref(board);

    board = board_of(snapshot, "2025-07-31");
    ranking_text(board, 0, text, sizeof(text));
    ck_assert_str_eq(text, "month:1:30,new:2:24,old:3:21");
    json_decref(board);

    /* Before anything was known the board has no rankings at all. */
    board = board_of(snapshot, "2020");
    ck_assert_uint_eq(json_array_size(json_object_get(board, "rankings")), 0);
    json_decref(board);
    fr_snapshot_unref(snapshot);
}
END_TEST

/* A model re-evaluated by the same evaluator keeps only its latest score. */
START_TEST(test_latest_score_per_model)
{
    json_t *results = json_pack("[o, o, o]",
        result("first", "m1", 50, "aa", "third_party", "none", "2025-03", "month", NULL),
        result("second", "m1", 55, "aa", "third_party", "none", "2025-06-02", "day", NULL),
        result("other", "m2", 52, "aa", "third_party", "none", "2025-04-01", "day", NULL));
    struct fr_snapshot *snapshot = build(true, results);
    char text[512];

    json_t *board = board_of(snapshot, NULL);
    ranking_text(board, 0, text, sizeof(text));
    ck_assert_str_eq(text, "second:1:55,other:2:52");
    json_decref(board);

    board = board_of(snapshot, "2025-05-01");
    ranking_text(board, 0, text, sizeof(text));
    ck_assert_str_eq(text, "other:1:52,first:2:50");
    json_decref(board);
    fr_snapshot_unref(snapshot);
}
END_TEST

START_TEST(test_unknown_benchmark)
{
    struct fr_snapshot *snapshot = build(true, json_array());
    json_t *board = NULL;
    ck_assert_int_eq(fr_leaderboard_build(snapshot, "nope", NULL, &board), FR_ENOTFOUND);
    ck_assert_ptr_null(board);
    board = board_of(snapshot, NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(board, "rankings")), 0);
    json_decref(board);
    fr_snapshot_unref(snapshot);
}
END_TEST

/* The seed's own boards, as the article states them. */
START_TEST(test_seed_boards)
{
    struct fr_snapshot *snapshot = test_snapshot_load();
    json_t *board = NULL;
    struct fr_date day;

    ck_assert_int_eq(fr_leaderboard_build(snapshot, "humanitys-last-exam", NULL, &board), FR_OK);
    const json_t *rankings = json_object_get(board, "rankings");
    ck_assert_uint_eq(json_array_size(rankings), 2);
    for (size_t i = 0; i < 2; i++) {
        const json_t *entries = json_object_get(json_array_get(rankings, i), "entries");
        const char *rel = json_string_value(
            json_object_get(json_array_get(rankings, i), "evaluator_relationship"));
        double top = json_real_value(json_object_get(json_array_get(entries, 0), "score"));
        ck_assert_double_eq_tol(top, strcmp(rel, "first_party") == 0 ? 26.9 : 24.0, 1e-9);
    }
    json_decref(board);

    ck_assert_int_eq(fr_date_parse_query("2025-07-09", &day, NULL), FR_OK);
    ck_assert_int_eq(fr_leaderboard_build(snapshot, "humanitys-last-exam", &day, &board), FR_OK);
    rankings = json_object_get(board, "rankings");
    ck_assert_uint_eq(json_array_size(rankings), 1);
    const json_t *leader = json_array_get(json_object_get(json_array_get(rankings, 0), "entries"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(leader, "model"), "id")),
                     "gemini-2-5-pro");
    ck_assert_double_eq_tol(json_real_value(json_object_get(leader, "score")), 21.0, 1e-9);
    json_decref(board);
    fr_snapshot_unref(snapshot);
}
END_TEST

static Suite *leaderboard_suite(void)
{
    Suite *s = suite_create("leaderboard");
    TCase *tc = tcase_create("ranking");
    tcase_add_test(tc, test_competition_ranking_with_ties);
    tcase_add_test(tc, test_lower_is_better);
    tcase_add_test(tc, test_comparable_sets_are_kept_apart);
    tcase_add_test(tc, test_as_of_respects_fuzzy_dates);
    tcase_add_test(tc, test_latest_score_per_model);
    tcase_add_test(tc, test_unknown_benchmark);
    tcase_add_test(tc, test_seed_boards);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(leaderboard_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
