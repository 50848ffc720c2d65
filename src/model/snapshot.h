/*
 * The snapshot's private layout, shared by the files of src/model/.
 */
#ifndef FRONTIER_MODEL_SNAPSHOT_H
#define FRONTIER_MODEL_SNAPSHOT_H

#include <stdatomic.h>

#include "frontier/model.h"

struct fr_snapshot {
    atomic_uint refs;
    json_t *data; /* the store's records, enriched; owns every item's obj */
    struct fr_collection collections[FR_COLL_COUNT];
    size_t record_count;
    int64_t built_at;
    uint64_t version; /* fr_snapshot_version */
    json_t *changes;  /* the change log, oldest first (fr_snapshot_changes) */
};

/* Fills coll's items from objs (a JSON array; references are taken), orders
 * them and extracts their filter keys. Rendering comes later, once derived
 * values have been added to the objects. */
enum fr_status collection_fill(struct fr_collection *coll, const struct fr_collection_def *def,
                               json_t *objs, char *error, size_t error_size);

/* Renders every item and the first page. */
enum fr_status collection_render(struct fr_collection *coll);

void collection_cleanup(struct fr_collection *coll);

/* Builds coll's query indexes (src/model/index.c) from its filled items.
 * They borrow the items' filter values; collection_index_cleanup frees them,
 * and is safe on a collection whose indexes were never or partly built. */
enum fr_status collection_index_build(struct fr_collection *coll);
void collection_index_cleanup(struct fr_collection *coll);

/* The ascending item positions holding value for equality filter f
 * (borrowed from coll; an empty list when no item holds it). False when
 * filter f has no index. */
bool collection_index_lookup(const struct fr_collection *coll, size_t f, const char *value,
                             const size_t **positions, size_t *count);

/* The positions [*lo, *hi) outside which no item passes query's date
 * filters; true when every item inside passes them (see index.c). */
bool collection_date_bounds(const struct fr_collection *coll, const struct fr_query *query,
                            size_t *lo, size_t *hi);

/* How many dated items end (latest minute) before bound. */
size_t collection_count_ending_before(const struct fr_collection *coll, int64_t bound);
/* The first position in [p, hi) whose item ends on or after bound, or hi.
 * Both in O(log n), from the indexes collection_index_build makes. */
size_t collection_next_ending_from(const struct fr_collection *coll, size_t p, size_t hi,
                                   int64_t bound);
/* Adds display text and intervals to every date, and the decimal amount to
 * every money value, anywhere in json. */
enum fr_status enrich_tree(json_t *json);

struct fr_money;
/* Money in the shape every response uses (as enrich_tree leaves it); a new
 * reference, NULL on failure. */
json_t *money_json(const struct fr_money *money);

/* Orders an array of objects by the date in member key (undated last, then
 * by id), in place. */
enum fr_status sort_by_date(json_t *array, const char *key);

/* Adds each funding round's running total for its organization. */
enum fr_status funding_add_running_totals(struct fr_snapshot *snapshot);
/* One funding summary per organization, empty or not (JSON array). */
enum fr_status funding_build_summaries(const struct fr_snapshot *snapshot, json_t **out);
/* Orders each cluster's capacities by date and adds to each its multiple of
 * the previous one. */
enum fr_status compute_add_capacity_multiples(struct fr_snapshot *snapshot);
/* Every benchmark's leaderboard with nothing filtered (JSON array). */
enum fr_status leaderboard_build_all(const struct fr_snapshot *snapshot, json_t **out);

/* The JSON rendering every response uses. */
#define FR_JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

#endif
