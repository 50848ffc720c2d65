/*
 * The in-memory model: an immutable snapshot of everything the store holds,
 * built once at start-up (and, later, after each committed write) and shared
 * by every request through a reference count. Collections keep their items
 * in a stable order with their JSON rendered once; responses that take no
 * query parameters are rendered whole at build time.
 */
#ifndef FRONTIER_MODEL_H
#define FRONTIER_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "frontier/buf.h"
#include "frontier/date.h"
#include "frontier/rendered.h"
#include "frontier/status.h"

enum fr_collection_id {
    FR_COLL_SOURCES = 0,
    FR_COLL_ORGANIZATIONS,
    FR_COLL_PEOPLE,
    FR_COLL_MODELS,
    FR_COLL_BENCHMARKS,
    FR_COLL_RESULTS,
    FR_COLL_FUNDING_ROUNDS,
    FR_COLL_FUNDING_TOTALS,
    FR_COLL_VALUATIONS,
    FR_COLL_FINANCIALS,
    FR_COLL_CLUSTERS,
    FR_COLL_EVENTS,
    FR_COLL_LEADERBOARDS,         /* derived: one per benchmark */
    FR_COLL_ORGANIZATION_FUNDING, /* derived: one per organization */
    FR_COLL_COUNT,
};

#define FR_MAX_FILTERS 8
#define FR_LIMIT_DEFAULT 50
#define FR_LIMIT_MAX 500

enum fr_filter_kind {
    FR_FILTER_REF,       /* an id of another collection */
    FR_FILTER_ENUM,      /* one of a fixed list of values */
    FR_FILTER_DATE_FROM, /* the item's date may fall on or after this date */
    FR_FILTER_DATE_TO,   /* the item's date may fall on or before this date */
};

struct fr_filter_def {
    const char *param;  /* query parameter name */
    const char *key;    /* the item's JSON member: a string or an array of strings */
    enum fr_filter_kind kind;
    enum fr_collection_id ref;   /* FR_FILTER_REF */
    const char *const *values;   /* FR_FILTER_ENUM: NULL-ended */
};

struct fr_collection_def {
    enum fr_collection_id id;
    const char *name;      /* plural, as in the URL: "models", "funding rounds" */
    const char *item_name; /* singular, for messages: "model" */
    const char *data_key;  /* the store's table, or NULL for a derived collection */
    const char *date_key;  /* order by this date, then id; NULL: order by id */
    struct fr_filter_def filters[FR_MAX_FILTERS]; /* ends with param NULL */
};

struct fr_item {
    const char *id;      /* borrowed from obj */
    json_t *obj;         /* owned by the snapshot */
    char *json;          /* rendered obj, owned by the snapshot */
    size_t json_len;
    struct fr_rendered rep; /* json with its ETag and gzip copy */
    bool has_date;
    struct fr_date date; /* the sort date, when the collection has one */
    const json_t *keys[FR_MAX_FILTERS]; /* filter values, borrowed from obj */
};

struct fr_csv_columns;
struct fr_filter_index; /* src/model/index.c */

struct fr_collection {
    const struct fr_collection_def *def;
    struct fr_item *items; /* in the collection's order */
    size_t count;
    size_t *by_id;         /* item indexes ordered by id, for lookups */
    char *first_page;      /* the list with no parameters, rendered at build */
    size_t first_page_len;
    struct fr_rendered first_page_rep;
    char *first_page_cursor; /* that page's next_cursor; NULL when it is the last */
    struct fr_csv_columns *csv_columns; /* every item's columns, found at build */
    /* Built with the items, so that queries never scan the whole collection:
     * per equality filter (by filter index; NULL for the others), each
     * value's item positions; for collections with a date key, how many
     * items are dated (they come first) and the running maximum of their
     * dates' latest minute. */
    struct fr_filter_index *indexes[FR_MAX_FILTERS];
    size_t dated;
    int64_t *latest_max;
    /* The dated items' latest minutes sorted (to count how many end before
     * a bound), and a max-tree over them in the collection's order (to find
     * the next item ending on or after a bound): together they answer a
     * "from" date filter without walking the items it excludes. */
    int64_t *latest_sorted;
    int64_t *latest_tree;
    size_t tree_leaves;
};

struct fr_snapshot;

/* The definition of each collection, indexed by enum fr_collection_id. */
const struct fr_collection_def *fr_collection_def_get(enum fr_collection_id id);

/* Builds a snapshot from the store's data (fr_store_load's output; the
 * reference is stolen). On failure error holds one sentence. The caller owns
 * the snapshot's first reference and drops it with fr_snapshot_unref(). */
enum fr_status fr_snapshot_build(json_t *data, struct fr_snapshot **out, char *error,
                                 size_t error_size);

/* Reference counting; both are safe from any thread. unref(NULL) is a no-op. */
const struct fr_snapshot *fr_snapshot_ref(const struct fr_snapshot *snapshot);
void fr_snapshot_unref(const struct fr_snapshot *snapshot);

/* Borrowed from the snapshot. */
const struct fr_collection *fr_snapshot_collection(const struct fr_snapshot *snapshot,
                                                   enum fr_collection_id id);
/* The number of records in the store's tables that the snapshot holds. */
size_t fr_snapshot_record_count(const struct fr_snapshot *snapshot);
/* When the snapshot was built, in seconds since the epoch. */
int64_t fr_snapshot_built_at(const struct fr_snapshot *snapshot);
/* Which snapshot of this process it is: 1 for the first one built, one more
 * for each later successful build. */
uint64_t fr_snapshot_version(const struct fr_snapshot *snapshot);

/* The change log the snapshot was built with: a JSON array of entries
 * shaped as fr_store_changes gives them, oldest first (ascending "seq"),
 * their records already enriched. Borrowed; never NULL. fr_snapshot_build
 * takes it from the data's member "changes" (optional, an array whose
 * entries it shares and never changes: enrich them before, with
 * fr_model_enrich, and never change them after). */
const json_t *fr_snapshot_changes(const struct fr_snapshot *snapshot);

/* Adds what responses show beside stored values (dates' display text and
 * interval, money's exact decimal) everywhere in json, in place. */
enum fr_status fr_model_enrich(json_t *json);

/* One stored record (fr_store_get's shape, borrowed) rendered as a response
 * would show it, without the values only a snapshot derives (running
 * totals, multiples). The caller frees the text; NULL when memory ran out
 * or a value cannot be read. */
char *fr_model_render_record(const json_t *record);

/* The item with this id, or NULL. Borrowed. */
const struct fr_item *fr_collection_find(const struct fr_collection *coll, const char *id);
/* Its position in the collection's order, or (size_t)-1. */
size_t fr_collection_index_of(const struct fr_collection *coll, const char *id);

/* ---- queries over a collection --------------------------------------- */

struct fr_query {
    const char *values[FR_MAX_FILTERS]; /* by filter index; NULL: not given */
    struct fr_date dates[FR_MAX_FILTERS]; /* parsed values of date filters */
    size_t start;  /* first position to consider (after the cursor's item) */
    size_t limit;  /* 1 .. FR_LIMIT_MAX */
};

struct fr_page {
    size_t *indexes; /* positions of the page's items; caller frees with free() */
    size_t count;
    size_t total;    /* matching items in the whole collection */
    bool has_more;   /* more matching items follow the page */
};

void fr_query_init(struct fr_query *query);

/* Does item match every filter of query? */
bool fr_query_matches(const struct fr_collection *coll, const struct fr_query *query,
                      const struct fr_item *item);

/* Runs the query. FR_ENOMEM is the only failure. */
enum fr_status fr_collection_query(const struct fr_collection *coll,
                                   const struct fr_query *query, struct fr_page *page);

/* Renders a page as {"total", "limit", "next_cursor", "items": [...]} into out. */
enum fr_status fr_render_page(const struct fr_collection *coll, const struct fr_page *page,
                              size_t limit, struct fr_buf *out);

/* Appends the page's next_cursor to out, or nothing when no page follows. */
enum fr_status fr_page_next_cursor(const struct fr_collection *coll, const struct fr_page *page,
                                   struct fr_buf *out);

/* The opaque cursor naming the position after item id, appended to out. */
enum fr_status fr_cursor_encode(const char *id, struct fr_buf *out);
/* The position after the cursor's item: FR_EINVAL if text is not a cursor
 * this server issued for coll. */
enum fr_status fr_cursor_decode(const struct fr_collection *coll, const char *text,
                                size_t *start);

/* ---- CSV (RFC 4180, src/model/csv.c) ----------------------------------- */

/* Appends text (len bytes, borrowed) as one CSV field: as it is, or quoted
 * when it holds a comma, a double quote, CR or LF, with quotes doubled. */
enum fr_status fr_csv_append_field(struct fr_buf *out, const char *text, size_t len);

/* The columns a set of JSON objects flattens to (the rule is at the top of
 * src/model/csv.c): nested objects as dotted names, arrays as JSON text, the
 * union of every object's members in first-seen order. new returns NULL when
 * memory runs out; the caller frees with fr_csv_columns_free (NULL is a
 * no-op). */
struct fr_csv_columns *fr_csv_columns_new(void);
void fr_csv_columns_free(struct fr_csv_columns *columns);
/* Adds obj's members (obj is borrowed; names are copied). FR_EINVAL when obj
 * is not an object; after FR_ENOMEM the columns should be freed. */
enum fr_status fr_csv_columns_add(struct fr_csv_columns *columns, const json_t *obj);
size_t fr_csv_columns_count(const struct fr_csv_columns *columns);

/* The header row, CRLF-ended; nothing when there are no columns. */
enum fr_status fr_csv_append_header(const struct fr_csv_columns *columns, struct fr_buf *out);
/* obj's row (obj borrowed), CRLF-ended; FR_EINVAL when obj is not an object. */
enum fr_status fr_csv_append_row(const struct fr_csv_columns *columns, const json_t *obj,
                                 struct fr_buf *out);

/* Renders a page as CSV into out: the collection's header row, then one row
 * per item of the page. */
enum fr_status fr_render_page_csv(const struct fr_collection *coll, const struct fr_page *page,
                                  struct fr_buf *out);

/* ---- derived views ---------------------------------------------------- */

/* Renders the leaderboard of the benchmark with this id as it stood at the
 * end of the day as_of (NULL: everything known). FR_ENOTFOUND if there is no
 * such benchmark. The caller owns *out (json_decref). */
enum fr_status fr_leaderboard_build(const struct fr_snapshot *snapshot, const char *benchmark,
                                    const struct fr_date *as_of, json_t **out);

#endif
