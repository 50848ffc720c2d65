/*
 * Indexes over a collection, built once when the snapshot is built so that a
 * list request never has to scan the whole collection:
 *
 *  - for each equality filter (a reference or an enumerated value), a map
 *    from each value to the ascending positions of the items that hold it;
 *    an item whose member is an array of strings appears under each of them;
 *  - for collections ordered by date, the number of dated items (they come
 *    first) and the running maximum of their dates' latest minute, which
 *    bound the positions a from/to range can match.
 *
 * Positions are indexes into coll->items, which never change after the
 * collection is filled.
 */
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

struct index_entry {
    const char *value; /* borrowed from an item's obj */
    size_t offset;     /* of the first position in the index's positions */
    size_t count;
};

struct fr_filter_index {
    struct index_entry *entries; /* ordered by value */
    size_t entry_count;
    size_t *positions; /* every entry's positions, each entry's ascending */
};

/* One (value, position) pair found while building. */
struct index_pair {
    const char *value;
    size_t position;
};

static int pair_compare(const void *pa, const void *pb)
{
    const struct index_pair *a = pa, *b = pb;
    int c = strcmp(a->value, b->value);
    if (c)
        return c;
    return a->position < b->position ? -1 : a->position > b->position;
}

static void filter_index_free(struct fr_filter_index *index)
{
    if (!index)
        return;
    free(index->entries);
    free(index->positions);
    free(index);
}

/* Appends the strings of key (a string, or an array of strings; anything
 * else holds no value, as key_matches in collection.c reads it) to pairs. */
static size_t key_pairs(const json_t *key, size_t position, struct index_pair *pairs)
{
    size_t n = 0;
    if (json_is_string(key)) {
        pairs[n].value = json_string_value(key);
        pairs[n++].position = position;
    } else if (json_is_array(key)) {
        size_t i;
        const json_t *v;
        json_array_foreach(key, i, v) {
            if (json_is_string(v)) {
                pairs[n].value = json_string_value(v);
                pairs[n++].position = position;
            }
        }
    }
    return n;
}

static size_t key_value_count(const json_t *key)
{
    return json_is_string(key) ? 1 : json_is_array(key) ? json_array_size(key) : 0;
}

/* Builds the index of filter f; *out is owned by the caller (NULL on failure). */
static enum fr_status filter_index_build(const struct fr_collection *coll, size_t f,
                                         struct fr_filter_index **out)
{
    struct fr_filter_index *index = NULL;
    struct index_pair *pairs = NULL;
    size_t npairs = 0, capacity = 0;
    enum fr_status status = FR_ENOMEM;

    *out = NULL;
    for (size_t i = 0; i < coll->count; i++)
        capacity += key_value_count(coll->items[i].keys[f]);
    index = calloc(1, sizeof(*index));
    pairs = calloc(capacity ? capacity : 1, sizeof(*pairs));
    if (!index || !pairs)
        goto out;
    for (size_t i = 0; i < coll->count; i++)
        npairs += key_pairs(coll->items[i].keys[f], i, pairs + npairs);
    qsort(pairs, npairs, sizeof(*pairs), pair_compare);

    index->entries = calloc(npairs ? npairs : 1, sizeof(*index->entries));
    index->positions = calloc(npairs ? npairs : 1, sizeof(*index->positions));
    if (!index->entries || !index->positions)
        goto out;
    size_t used = 0;
    for (size_t p = 0; p < npairs; p++) {
        bool new_value = p == 0 || strcmp(pairs[p].value, pairs[p - 1].value) != 0;
        /* An array naming the same value twice still matches its item once. */
        if (!new_value && pairs[p].position == pairs[p - 1].position)
            continue;
        if (new_value) {
            struct index_entry *e = &index->entries[index->entry_count++];
            e->value = pairs[p].value;
            e->offset = used;
        }
        index->entries[index->entry_count - 1].count++;
        index->positions[used++] = pairs[p].position;
    }
    *out = index;
    index = NULL;
    status = FR_OK;
out:
    filter_index_free(index);
    free(pairs);
    return status;
}

static int compare_int64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* latest_sorted and latest_tree (see model.h). The tree is the usual array
 * heap: node k covers its children 2k and 2k + 1, leaves start at
 * tree_leaves (a power of two), and padding leaves hold INT64_MIN. */
static enum fr_status latest_index_build(struct fr_collection *coll)
{
    size_t n = coll->dated, leaves = 1;
    while (leaves < n)
        leaves *= 2;
    coll->latest_sorted = malloc((n ? n : 1) * sizeof(*coll->latest_sorted));
    coll->latest_tree = malloc(2 * leaves * sizeof(*coll->latest_tree));
    if (!coll->latest_sorted || !coll->latest_tree)
        return FR_ENOMEM;
    coll->tree_leaves = leaves;
    for (size_t i = 0; i < leaves; i++)
        coll->latest_tree[leaves + i] = i < n ? coll->items[i].date.latest : INT64_MIN;
    for (size_t k = leaves - 1; k >= 1; k--) {
        int64_t a = coll->latest_tree[2 * k], b = coll->latest_tree[2 * k + 1];
        coll->latest_tree[k] = a > b ? a : b;
    }
    for (size_t i = 0; i < n; i++)
        coll->latest_sorted[i] = coll->items[i].date.latest;
    qsort(coll->latest_sorted, n, sizeof(*coll->latest_sorted), compare_int64);
    return FR_OK;
}

size_t collection_count_ending_before(const struct fr_collection *coll, int64_t bound)
{
    size_t a = 0, b = coll->dated;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (coll->latest_sorted[mid] < bound)
            a = mid + 1;
        else
            b = mid;
    }
    return a;
}

size_t collection_next_ending_from(const struct fr_collection *coll, size_t p, size_t hi,
                                   int64_t bound)
{
    const int64_t *tree = coll->latest_tree;
    size_t leaves = coll->tree_leaves;
    if (p >= hi)
        return hi;
    size_t k = p + leaves;
    /* Up and right until a subtree holds an item ending late enough... */
    while (tree[k] < bound) {
        while (k & 1)
            k >>= 1;
        if (k == 0)
            return hi;
        k++;
    }
    /* ...then down to its leftmost such item. */
    while (k < leaves) {
        k *= 2;
        if (tree[k] < bound)
            k++;
    }
    return k - leaves < hi ? k - leaves : hi;
}

enum fr_status collection_index_build(struct fr_collection *coll)
{
    const struct fr_collection_def *def = coll->def;
    for (size_t f = 0; f < FR_MAX_FILTERS && def->filters[f].param; f++) {
        enum fr_filter_kind kind = def->filters[f].kind;
        if (kind != FR_FILTER_REF && kind != FR_FILTER_ENUM)
            continue;
        enum fr_status status = filter_index_build(coll, f, &coll->indexes[f]);
        if (status != FR_OK)
            return status;
    }
    if (!def->date_key)
        return FR_OK;
    /* Dated items come first (item_compare in collection.c). */
    while (coll->dated < coll->count && coll->items[coll->dated].has_date)
        coll->dated++;
    coll->latest_max = malloc((coll->dated ? coll->dated : 1) * sizeof(*coll->latest_max));
    if (!coll->latest_max)
        return FR_ENOMEM;
    for (size_t i = 0; i < coll->dated; i++) {
        int64_t latest = coll->items[i].date.latest;
        coll->latest_max[i] = i && coll->latest_max[i - 1] > latest ? coll->latest_max[i - 1]
                                                                    : latest;
    }
    return latest_index_build(coll);
}

void collection_index_cleanup(struct fr_collection *coll)
{
    for (size_t f = 0; f < FR_MAX_FILTERS; f++) {
        filter_index_free(coll->indexes[f]);
        coll->indexes[f] = NULL;
    }
    free(coll->latest_max);
    coll->latest_max = NULL;
    free(coll->latest_sorted);
    coll->latest_sorted = NULL;
    free(coll->latest_tree);
    coll->latest_tree = NULL;
    coll->tree_leaves = 0;
    coll->dated = 0;
}

bool collection_index_lookup(const struct fr_collection *coll, size_t f, const char *value,
                             const size_t **positions, size_t *count)
{
    const struct fr_filter_index *index = f < FR_MAX_FILTERS ? coll->indexes[f] : NULL;
    *positions = NULL;
    *count = 0;
    if (!index)
        return false;
    size_t lo = 0, hi = index->entry_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(value, index->entries[mid].value);
        if (c == 0) {
            *positions = index->positions + index->entries[mid].offset;
            *count = index->entries[mid].count;
            break;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return true;
}

/*
 * The positions [*lo, *hi) outside which no item can pass the query's date
 * filters. What is bounded, and what is not:
 *
 *  - "to": items are ordered by their date's earliest minute, so those that
 *    may fall on or before the bound are exactly a prefix of the dated items;
 *    the upper end is exact.
 *  - "from": an item passes when its latest minute is on or after the bound,
 *    and latest is not monotonic in the order (a wide "2025" sorts before a
 *    narrow "2025-03-01" but ends later). The running maximum of latest is
 *    monotonic, so every item before the first position where it reaches the
 *    bound fails; after that position items must still be checked one by
 *    one. One open-ended date ("after 2024") early in the order lifts the
 *    running maximum for everything after it and so weakens this bound.
 *
 * Returns true when every item of the range passes the date filters, so that
 * they need no check one by one.
 */
bool collection_date_bounds(const struct fr_collection *coll, const struct fr_query *query,
                            size_t *lo, size_t *hi)
{
    const struct fr_collection_def *def = coll->def;
    bool exact = true;
    *lo = 0;
    *hi = coll->count;
    for (size_t f = 0; f < FR_MAX_FILTERS && def->filters[f].param; f++) {
        enum fr_filter_kind kind = def->filters[f].kind;
        if (!query->values[f] || (kind != FR_FILTER_DATE_FROM && kind != FR_FILTER_DATE_TO))
            continue;
        /* Undated items never pass a date filter. Without an index (a
         * collection with no date key) every item must be checked. */
        if (!coll->latest_max) {
            exact = false;
            continue;
        }
        if (*hi > coll->dated)
            *hi = coll->dated;
        size_t a = 0, b = coll->dated;
        if (kind == FR_FILTER_DATE_TO) {
            int64_t bound = query->dates[f].latest;
            while (a < b) { /* the first item starting after the bound */
                size_t mid = a + (b - a) / 2;
                if (coll->items[mid].date.earliest > bound)
                    b = mid;
                else
                    a = mid + 1;
            }
            if (a < *hi)
                *hi = a;
        } else {
            int64_t bound = query->dates[f].earliest;
            while (a < b) { /* the first item whose running maximum reaches it */
                size_t mid = a + (b - a) / 2;
                if (coll->latest_max[mid] >= bound)
                    b = mid;
                else
                    a = mid + 1;
            }
            if (a > *lo)
                *lo = a;
            exact = false;
        }
    }
    if (*lo > *hi)
        *lo = *hi;
    return exact;
}
