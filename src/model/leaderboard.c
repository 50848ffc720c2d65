/*
 * Leaderboards. A ranking only ever holds comparable scores: the same
 * evaluator, relationship (first or third party) and tool setting. xAI's own
 * 26.9% on HLE without tools and Artificial Analysis's 24% are two rankings,
 * never one. Ties share a rank (competition ranking, "1224"), and a
 * leaderboard can be asked how it stood at the end of any day.
 */
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

struct entry {
    const json_t *result; /* borrowed from the snapshot */
    const char *model;
    const char *group;    /* "<evaluator>/<relationship>/<tools>" */
    double score;
    struct fr_date known;
};

static const char *str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

/* A member to share in a new object; null when the record lacks it. */
static json_t *member(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return v ? v : json_null();
}

/* Groups first (third-party rankings before first-party ones, then by
 * evaluator and tools), then best score first, then model id. */
static int entry_compare(const void *pa, const void *pb, void *ctx)
{
    const struct entry *a = pa, *b = pb;
    bool higher_is_better = *(const bool *)ctx;
    int c = strcmp(str(b->result, "evaluator_relationship"),
                   str(a->result, "evaluator_relationship"));
    if (c)
        return c;
    c = strcmp(a->group, b->group);
    if (c)
        return c;
    if (a->score != b->score)
        return (a->score > b->score) == higher_is_better ? -1 : 1;
    return strcmp(a->model, b->model);
}

static bool known_by(const struct fr_date *known, const struct fr_date *as_of)
{
    /* Known by the end of that day for certain: the whole interval is past. */
    return !as_of || known->latest <= as_of->latest;
}

static json_t *ref_summary(const struct fr_snapshot *snapshot, enum fr_collection_id id,
                           const char *ref, const char *const *keys)
{
    const struct fr_item *item = fr_collection_find(fr_snapshot_collection(snapshot, id), ref);
    if (!item)
        return json_null();
    json_t *out = json_object();
    for (; out && *keys; keys++) {
        json_t *v = json_object_get(item->obj, *keys);
        if (json_object_set_new(out, *keys, v ? json_incref(v) : json_null())) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

static const char *const model_keys[] = {"id", "name", "organization", NULL};
static const char *const org_keys[] = {"id", "name", NULL};
static const char *const source_keys[] = {"id", "title", "kind", NULL};
static const char *const benchmark_keys[] = {"id", "name", "abbreviation", "unit",
                                             "is_higher_better", NULL};

static json_t *entry_json(const struct fr_snapshot *snapshot, const struct entry *e,
                          json_int_t rank, bool tied)
{
    const json_t *r = e->result;
    return json_pack("{s:I, s:b, s:o, s:f, s:O, s:s, s:O, s:o, s:O}", "rank", rank, "tied",
                     tied, "model",
                     ref_summary(snapshot, FR_COLL_MODELS, e->model, model_keys), "score",
                     e->score, "reported_as", member(r, "reported_as"), "result",
                     str(r, "id"), "known_since", member(r, "known_since"),
                     "source",
                     ref_summary(snapshot, FR_COLL_SOURCES, str(r, "source"), source_keys),
                     "citations", member(r, "citations"));
}

static json_t *ranking_json(const struct fr_snapshot *snapshot, const struct entry *entries,
                            size_t n)
{
    const json_t *first = entries[0].result;
    json_t *list = json_array();
    json_t *ranking = json_pack(
        "{s:s, s:o, s:O, s:O, s:o}", "comparable_set", entries[0].group, "evaluator",
        ref_summary(snapshot, FR_COLL_ORGANIZATIONS, str(first, "evaluator"), org_keys),
        "evaluator_relationship", member(first, "evaluator_relationship"), "tools",
        member(first, "tools"), "entries", list ? list : json_null());
    if (!ranking || !list)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        /* Competition ranking: 1 + the number of strictly better scores. */
        size_t rank = i;
        while (rank > 0 && entries[rank - 1].score == entries[i].score)
            rank--;
        bool tied = (i > 0 && entries[i - 1].score == entries[i].score) ||
                    (i + 1 < n && entries[i + 1].score == entries[i].score);
        json_t *e = entry_json(snapshot, &entries[i], (json_int_t)rank + 1, tied);
        if (!e || json_array_append_new(list, e)) {
            json_decref(ranking);
            return NULL;
        }
    }
    return ranking;
}

enum fr_status fr_leaderboard_build(const struct fr_snapshot *snapshot, const char *benchmark,
                                    const struct fr_date *as_of, json_t **out)
{
    const struct fr_collection *results = fr_snapshot_collection(snapshot, FR_COLL_RESULTS);
    const struct fr_item *bench =
        fr_collection_find(fr_snapshot_collection(snapshot, FR_COLL_BENCHMARKS), benchmark);
    struct entry *entries = NULL;
    char *groups = NULL;
    json_t *board = NULL, *rankings = NULL;
    enum fr_status status = FR_ENOMEM;
    size_t n = 0;
    const size_t group_len = 200;

    *out = NULL;
    if (!bench)
        return FR_ENOTFOUND;
    entries = calloc(results->count ? results->count : 1, sizeof(*entries));
    groups = calloc(results->count ? results->count : 1, group_len);
    if (!entries || !groups)
        goto out;

    for (size_t i = 0; i < results->count; i++) {
        const json_t *r = results->items[i].obj;
        if (strcmp(str(r, "benchmark"), benchmark) != 0)
            continue;
        struct entry e = {.result = r, .model = str(r, "model"),
                          .score = json_number_value(json_object_get(r, "score"))};
        const json_t *k = json_object_get(r, "known_since");
        const json_t *q = json_object_get(k, "qualifier");
        if (fr_date_parse(str(k, "value"), str(k, "precision"),
                          json_is_string(q) ? json_string_value(q) : NULL, &e.known,
                          NULL) != FR_OK || !known_by(&e.known, as_of))
            continue;
        char *group = groups + n * group_len;
        snprintf(group, group_len, "%s/%s/%s", str(r, "evaluator"),
                 str(r, "evaluator_relationship"), str(r, "tools"));
        e.group = group;
        /* One score per model in a ranking: the latest known replaces older. */
        size_t j;
        for (j = 0; j < n; j++) {
            if (strcmp(entries[j].group, group) == 0 && strcmp(entries[j].model, e.model) == 0)
                break;
        }
        if (j < n) {
            if (fr_date_compare(&e.known, &entries[j].known) > 0) {
                e.group = entries[j].group;
                entries[j] = e;
            }
            continue;
        }
        entries[n++] = e;
    }

    bool higher_is_better = !json_is_false(json_object_get(bench->obj, "is_higher_better"));
    qsort_r(entries, n, sizeof(*entries), entry_compare, &higher_is_better);

    rankings = json_array();
    board = json_pack("{s:s, s:o, s:o}", "id", benchmark, "benchmark",
                      ref_summary(snapshot, FR_COLL_BENCHMARKS, benchmark, benchmark_keys),
                      "as_of", json_null());
    if (!rankings || !board)
        goto out;
    if (as_of) {
        char day[11];
        fr_date_format_day(as_of->latest, day);
        if (json_object_set_new(board, "as_of", json_string(day)))
            goto out;
    }
    for (size_t start = 0; start < n;) {
        size_t end = start + 1;
        while (end < n && strcmp(entries[end].group, entries[start].group) == 0)
            end++;
        json_t *ranking = ranking_json(snapshot, entries + start, end - start);
        if (!ranking || json_array_append_new(rankings, ranking))
            goto out;
        start = end;
    }
    if (json_object_set(board, "rankings", rankings))
        goto out;
    *out = board;
    board = NULL;
    status = FR_OK;
out:
    json_decref(board);
    json_decref(rankings);
    free(entries);
    free(groups);
    return status;
}

enum fr_status leaderboard_build_all(const struct fr_snapshot *snapshot, json_t **out)
{
    const struct fr_collection *benchmarks =
        fr_snapshot_collection(snapshot, FR_COLL_BENCHMARKS);
    json_t *list = json_array();
    if (!list)
        return FR_ENOMEM;
    for (size_t i = 0; i < benchmarks->count; i++) {
        json_t *board = NULL;
        enum fr_status status =
            fr_leaderboard_build(snapshot, benchmarks->items[i].id, NULL, &board);
        if (status != FR_OK || json_array_append_new(list, board)) {
            json_decref(list);
            return status != FR_OK ? status : FR_ENOMEM;
        }
    }
    *out = list;
    return FR_OK;
}
