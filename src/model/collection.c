/*
 * Collections: the definitions of what the API lists (order, filters), and
 * the generic machinery every list uses: filling and ordering items, id
 * lookups, filtered queries, cursors and page rendering (as JSON here, as
 * CSV in csv.c).
 */
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

static const char *const model_statuses[] = {"released", "announced", "planned", "cancelled",
                                             NULL};
static const char *const model_kinds[] = {"language_model", "coding_model", "multi_agent",
                                          "video_generation", NULL};
static const char *const tools_values[] = {"none", "enabled", "unspecified", NULL};
static const char *const relationships[] = {"first_party", "third_party", NULL};
static const char *const metrics[] = {"burn_rate", "cash_on_hand", "revenue",
                                      "capital_expenditure", "profitability",
                                      "cash_flow_positive", NULL};
static const char *const financial_kinds[] = {"actual", "forecast", NULL};
static const char *const statuses[] = {"done", "planned", "slipped", "cancelled", NULL};
static const char *const event_kinds[] = {"founding", "launch", "release", "announcement",
                                          "funding", "merger", "infrastructure", "evaluation",
                                          "post", NULL};
static const char *const organization_kinds[] = {"ai_lab", "technology_company", "bank",
                                                 "evaluator", "media", "chip_maker", NULL};
static const char *const source_kinds[] = {"article", "livestream", "post", "evaluation",
                                           "statement", "media_report", "earnings_report",
                                           NULL};

#define REF(p, k, c) {p, k, FR_FILTER_REF, c, NULL}
#define ENUM(p, k, v) {p, k, FR_FILTER_ENUM, 0, v}
#define END {NULL, NULL, 0, 0, NULL}

static const struct fr_collection_def defs[FR_COLL_COUNT] = {
    [FR_COLL_SOURCES] = {FR_COLL_SOURCES, "sources", "source", "sources", NULL,
                         {ENUM("kind", "kind", source_kinds),
                          REF("publisher", "publisher", FR_COLL_ORGANIZATIONS), END}},
    [FR_COLL_ORGANIZATIONS] = {FR_COLL_ORGANIZATIONS, "organizations", "organization",
                               "organizations", NULL,
                               {ENUM("kind", "kind", organization_kinds), END}},
    [FR_COLL_PEOPLE] = {FR_COLL_PEOPLE, "people", "person", "people", NULL,
                        {REF("organization", "organization", FR_COLL_ORGANIZATIONS), END}},
    [FR_COLL_MODELS] = {FR_COLL_MODELS, "models", "model", "models", NULL,
                        {REF("organization", "organization", FR_COLL_ORGANIZATIONS),
                         ENUM("status", "status", model_statuses),
                         ENUM("kind", "kind", model_kinds), END}},
    [FR_COLL_BENCHMARKS] = {FR_COLL_BENCHMARKS, "benchmarks", "benchmark", "benchmarks", NULL,
                            {END}},
    [FR_COLL_RESULTS] = {FR_COLL_RESULTS, "results", "result", "results", NULL,
                         {REF("model", "model", FR_COLL_MODELS),
                          REF("benchmark", "benchmark", FR_COLL_BENCHMARKS),
                          REF("source", "source", FR_COLL_SOURCES),
                          REF("evaluator", "evaluator", FR_COLL_ORGANIZATIONS),
                          ENUM("evaluator_relationship", "evaluator_relationship",
                               relationships),
                          ENUM("tools", "tools", tools_values), END}},
    [FR_COLL_FUNDING_ROUNDS] = {FR_COLL_FUNDING_ROUNDS, "funding rounds", "funding round",
                                "funding_rounds", "announced",
                                {REF("organization", "organization", FR_COLL_ORGANIZATIONS),
                                 END}},
    [FR_COLL_FUNDING_TOTALS] = {FR_COLL_FUNDING_TOTALS, "funding totals", "funding total",
                                "funding_totals", "as_of",
                                {REF("organization", "organization", FR_COLL_ORGANIZATIONS),
                                 END}},
    [FR_COLL_VALUATIONS] = {FR_COLL_VALUATIONS, "valuations", "valuation", "valuations",
                            "date",
                            {REF("organization", "organizations", FR_COLL_ORGANIZATIONS),
                             END}},
    [FR_COLL_FINANCIALS] = {FR_COLL_FINANCIALS, "financials", "financial figure",
                            "financials", "period",
                            {REF("organization", "organizations", FR_COLL_ORGANIZATIONS),
                             ENUM("metric", "metric", metrics),
                             ENUM("kind", "kind", financial_kinds), END}},
    [FR_COLL_CLUSTERS] = {FR_COLL_CLUSTERS, "clusters", "cluster", "clusters", NULL,
                          {REF("operator", "operator", FR_COLL_ORGANIZATIONS), END}},
    [FR_COLL_EVENTS] = {FR_COLL_EVENTS, "timeline", "event", "events", "date",
                        {REF("organization", "organization", FR_COLL_ORGANIZATIONS),
                         REF("model", "model", FR_COLL_MODELS),
                         ENUM("kind", "kind", event_kinds),
                         ENUM("status", "status", statuses),
                         {"from", "date", FR_FILTER_DATE_FROM, 0, NULL},
                         {"to", "date", FR_FILTER_DATE_TO, 0, NULL}, END}},
    [FR_COLL_LEADERBOARDS] = {FR_COLL_LEADERBOARDS, "leaderboards", "benchmark", NULL, NULL,
                              {END}},
    [FR_COLL_ORGANIZATION_FUNDING] = {FR_COLL_ORGANIZATION_FUNDING, "organization funding",
                                      "organization", NULL, NULL, {END}},
};

const struct fr_collection_def *fr_collection_def_get(enum fr_collection_id id)
{
    return (unsigned)id < FR_COLL_COUNT ? &defs[id] : NULL;
}

/* ---- filling and ordering --------------------------------------------- */

/* Items with a date come in date order; items without one (a plan with no
 * date yet) come last; ties go by id, so the order is total and stable. */
static int item_compare(const void *pa, const void *pb)
{
    const struct fr_item *a = pa, *b = pb;
    if (a->has_date != b->has_date)
        return a->has_date ? -1 : 1;
    if (a->has_date) {
        int c = fr_date_compare(&a->date, &b->date);
        if (c)
            return c;
    }
    return strcmp(a->id, b->id);
}

static int index_by_id_compare(const void *pa, const void *pb, void *ctx)
{
    const struct fr_item *items = ctx;
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    return strcmp(items[a].id, items[b].id);
}

/* Reads the sort date of obj's member key: a date object as the store gives it. */
static bool item_date(const json_t *obj, const char *key, struct fr_date *out)
{
    const json_t *d = json_object_get(obj, key);
    if (!json_is_object(d))
        return false;
    const json_t *q = json_object_get(d, "qualifier");
    return fr_date_parse(json_string_value(json_object_get(d, "value")),
                         json_string_value(json_object_get(d, "precision")),
                         json_is_string(q) ? json_string_value(q) : NULL, out, NULL) == FR_OK;
}

enum fr_status collection_fill(struct fr_collection *coll, const struct fr_collection_def *def,
                               json_t *objs, char *error, size_t error_size)
{
    size_t n = json_array_size(objs);
    memset(coll, 0, sizeof(*coll));
    coll->def = def;
    coll->items = calloc(n ? n : 1, sizeof(*coll->items));
    coll->by_id = calloc(n ? n : 1, sizeof(*coll->by_id));
    if (!coll->items || !coll->by_id) {
        snprintf(error, error_size, "out of memory building %s", def->name);
        return FR_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        struct fr_item *item = &coll->items[i];
        item->obj = json_incref(json_array_get(objs, i));
        coll->count++;
        item->id = json_string_value(json_object_get(item->obj, "id"));
        if (!item->id) {
            snprintf(error, error_size, "a record of %s has no id", def->name);
            return FR_EINVAL;
        }
        if (def->date_key)
            item->has_date = item_date(item->obj, def->date_key, &item->date);
        for (size_t f = 0; f < FR_MAX_FILTERS && def->filters[f].param; f++)
            item->keys[f] = json_object_get(item->obj, def->filters[f].key);
    }
    qsort(coll->items, n, sizeof(*coll->items), item_compare);
    for (size_t i = 0; i < n; i++)
        coll->by_id[i] = i;
    qsort_r(coll->by_id, n, sizeof(*coll->by_id), index_by_id_compare, coll->items);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(coll->items[coll->by_id[i - 1]].id, coll->items[coll->by_id[i]].id) == 0) {
            snprintf(error, error_size, "two %s share the id '%s'", def->name,
                     coll->items[coll->by_id[i]].id);
            return FR_ECONFLICT;
        }
    }
    if (collection_index_build(coll) != FR_OK) {
        snprintf(error, error_size, "out of memory indexing %s", def->name);
        return FR_ENOMEM;
    }
    return FR_OK;
}

enum fr_status sort_by_date(json_t *array, const char *key)
{
    size_t n = json_array_size(array);
    struct fr_item *items = calloc(n ? n : 1, sizeof(*items));
    enum fr_status status = FR_OK;
    if (!items)
        return FR_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        items[i].obj = json_incref(json_array_get(array, i));
        const char *id = json_string_value(json_object_get(items[i].obj, "id"));
        items[i].id = id ? id : "";
        items[i].has_date = item_date(items[i].obj, key, &items[i].date);
    }
    qsort(items, n, sizeof(*items), item_compare);
    for (size_t i = 0; i < n; i++) {
        if (json_array_set(array, i, items[i].obj))
            status = FR_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        json_decref(items[i].obj);
    free(items);
    return status;
}

/* The CSV columns are the union over every item, found here once, so that
 * every page of a list, filtered or not, has the same header row. */
static enum fr_status collection_find_columns(struct fr_collection *coll)
{
    coll->csv_columns = fr_csv_columns_new();
    if (!coll->csv_columns)
        return FR_ENOMEM;
    for (size_t i = 0; i < coll->count; i++) {
        enum fr_status status = fr_csv_columns_add(coll->csv_columns, coll->items[i].obj);
        if (status != FR_OK)
            return status;
    }
    return FR_OK;
}

enum fr_status collection_render(struct fr_collection *coll)
{
    for (size_t i = 0; i < coll->count; i++) {
        struct fr_item *item = &coll->items[i];
        item->json = json_dumps(item->obj, FR_JSON_FLAGS);
        if (!item->json)
            return FR_ENOMEM;
        item->json_len = strlen(item->json);
        fr_rendered_init(&item->rep, item->json, item->json_len);
    }
    enum fr_status status = collection_find_columns(coll);
    if (status != FR_OK)
        return status;
    struct fr_query query;
    struct fr_page page = {0};
    struct fr_buf buf, cursor;
    fr_query_init(&query);
    fr_buf_init(&buf);
    fr_buf_init(&cursor);
    status = fr_collection_query(coll, &query, &page);
    if (status == FR_OK)
        status = fr_render_page(coll, &page, query.limit, &buf);
    /* Kept for the first page's Link header, which is not pre-rendered. */
    if (status == FR_OK)
        status = fr_page_next_cursor(coll, &page, &cursor);
    if (status == FR_OK && cursor.len) {
        coll->first_page_cursor = fr_buf_steal(&cursor, NULL);
        if (!coll->first_page_cursor)
            status = FR_ENOMEM;
    }
    free(page.indexes);
    if (status == FR_OK) {
        coll->first_page = fr_buf_steal(&buf, &coll->first_page_len);
        if (!coll->first_page)
            status = FR_ENOMEM;
        else
            fr_rendered_init(&coll->first_page_rep, coll->first_page, coll->first_page_len);
    }
    fr_buf_cleanup(&buf);
    fr_buf_cleanup(&cursor);
    return status;
}

void collection_cleanup(struct fr_collection *coll)
{
    for (size_t i = 0; i < coll->count; i++) {
        json_decref(coll->items[i].obj);
        if (coll->items[i].json)
            fr_rendered_cleanup(&coll->items[i].rep);
        free(coll->items[i].json);
    }
    free(coll->items);
    free(coll->by_id);
    if (coll->first_page)
        fr_rendered_cleanup(&coll->first_page_rep);
    free(coll->first_page);
    free(coll->first_page_cursor);
    fr_csv_columns_free(coll->csv_columns);
    collection_index_cleanup(coll);
    memset(coll, 0, sizeof(*coll));
}

size_t fr_collection_index_of(const struct fr_collection *coll, const char *id)
{
    size_t lo = 0, hi = coll->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        size_t at = coll->by_id[mid];
        int c = strcmp(id, coll->items[at].id);
        if (c == 0)
            return at;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return (size_t)-1;
}

const struct fr_item *fr_collection_find(const struct fr_collection *coll, const char *id)
{
    size_t at = fr_collection_index_of(coll, id);
    return at == (size_t)-1 ? NULL : &coll->items[at];
}

/* ---- queries ---------------------------------------------------------- */

void fr_query_init(struct fr_query *query)
{
    memset(query, 0, sizeof(*query));
    query->limit = FR_LIMIT_DEFAULT;
}

static bool key_matches(const json_t *key, const char *value)
{
    if (json_is_string(key))
        return strcmp(json_string_value(key), value) == 0;
    size_t i;
    const json_t *v;
    json_array_foreach(key, i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), value) == 0)
            return true;
    }
    return false;
}

bool fr_query_matches(const struct fr_collection *coll, const struct fr_query *query,
                      const struct fr_item *item)
{
    const struct fr_collection_def *def = coll->def;
    for (size_t f = 0; f < FR_MAX_FILTERS && def->filters[f].param; f++) {
        if (!query->values[f])
            continue;
        switch (def->filters[f].kind) {
        case FR_FILTER_REF:
        case FR_FILTER_ENUM:
            if (!key_matches(item->keys[f], query->values[f]))
                return false;
            break;
        /* A fuzzy date is in range when it may fall in the range: its
         * interval overlaps it. "mid-May" is in a range from 2025-05-15. */
        case FR_FILTER_DATE_FROM:
            if (!item->has_date || item->date.latest < query->dates[f].earliest)
                return false;
            break;
        case FR_FILTER_DATE_TO:
            if (!item->has_date || item->date.earliest > query->dates[f].latest)
                return false;
            break;
        }
    }
    return true;
}

/* The first k in [0, n) with position(k) >= start, where positions rise
 * with k: list[k] when list is given, lo + k otherwise. */
static size_t first_at_or_after(const size_t *list, size_t lo, size_t n, size_t start)
{
    size_t a = 0, b = n;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if ((list ? list[mid] : lo + mid) < start)
            a = mid + 1;
        else
            b = mid;
    }
    return a;
}

/*
 * The candidates are the positions an index leaves: the shortest list of the
 * equality filters given, cut to the date range, or with no equality filter
 * the date range itself (the whole collection when no date filter is given).
 * When the candidates are exactly the matches (at most one equality filter,
 * and no "from" date), the total is their number and the page a slice found
 * by binary search: the cost does not grow with the collection. A date range
 * alone is counted and paged with the latest-date indexes (date_range_page),
 * also in logarithmic time. Otherwise each candidate is checked against
 * every filter to keep the total exact, so the cost grows with the number
 * of candidates (the rarest value's items), never with the collection's
 * size.
 */
/*
 * A query whose only filters are dates, one of them "from": the items that
 * pass are those in [0, hi) (earliest on or before "to", hi from
 * collection_date_bounds) that end on or after "from". Those in [0, hi) that
 * end before "from" all start before it too, so when "from" is not after
 * "to" they are exactly the items ending before "from": the total is a
 * difference of two counts. The page is found by jumping from one passing
 * item to the next. Returns false (nothing done) when the query is not of
 * this kind.
 */
static bool date_range_page(const struct fr_collection *coll, const struct fr_query *query,
                            size_t start, size_t hi, size_t limit, struct fr_page *page)
{
    const struct fr_collection_def *def = coll->def;
    int64_t from = 0, to = INT64_MAX;
    size_t froms = 0;

    if (!coll->latest_tree)
        return false;
    for (size_t f = 0; f < FR_MAX_FILTERS && def->filters[f].param; f++) {
        if (!query->values[f])
            continue;
        if (def->filters[f].kind == FR_FILTER_DATE_FROM) {
            from = query->dates[f].earliest;
            froms++;
        } else if (def->filters[f].kind == FR_FILTER_DATE_TO) {
            if (query->dates[f].latest < to)
                to = query->dates[f].latest;
        } else {
            return false;
        }
    }
    if (froms != 1 || from > to)
        return false;
    page->total = hi - collection_count_ending_before(coll, from);
    size_t p = collection_next_ending_from(coll, start, hi, from);
    while (p < hi && page->count < limit) {
        page->indexes[page->count++] = p;
        p = collection_next_ending_from(coll, p + 1, hi, from);
    }
    page->has_more = p < hi;
    return true;
}

enum fr_status fr_collection_query(const struct fr_collection *coll,
                                   const struct fr_query *query, struct fr_page *page)
{
    const struct fr_collection_def *def = coll->def;
    size_t limit = query->limit ? query->limit : FR_LIMIT_DEFAULT;
    const size_t *list = NULL;
    size_t equality = 0, lo, hi, n;

    memset(page, 0, sizeof(*page));
    page->indexes = malloc(limit * sizeof(*page->indexes));
    if (!page->indexes)
        return FR_ENOMEM;
    bool exact = collection_date_bounds(coll, query, &lo, &hi);
    n = hi - lo;
    for (size_t f = 0; f < FR_MAX_FILTERS && def->filters[f].param; f++) {
        const size_t *positions;
        size_t count;
        if (!query->values[f] ||
            !collection_index_lookup(coll, f, query->values[f], &positions, &count))
            continue;
        /* Only the part inside the date range is a candidate. */
        size_t from = first_at_or_after(positions, 0, count, lo);
        size_t to = first_at_or_after(positions, 0, count, hi);
        equality++;
        if (equality == 1 || to - from < n) {
            list = positions ? positions + from : NULL; /* no item has the value: n is 0 */
            n = to - from;
        }
    }
    if (equality > 1)
        exact = false;

    size_t first = first_at_or_after(list, lo, n, query->start);
    if (!exact && equality == 0 && date_range_page(coll, query, lo + first, hi, limit, page))
        return FR_OK;
    if (exact) {
        page->total = n;
        page->count = n - first < limit ? n - first : limit;
        page->has_more = n - first > limit;
        for (size_t k = 0; k < page->count; k++)
            page->indexes[k] = list ? list[first + k] : lo + first + k;
        return FR_OK;
    }
    for (size_t k = 0; k < n; k++) {
        size_t i = list ? list[k] : lo + k;
        if (!fr_query_matches(coll, query, &coll->items[i]))
            continue;
        page->total++;
        if (k < first)
            continue;
        if (page->count < limit)
            page->indexes[page->count++] = i;
        else
            page->has_more = true;
    }
    return FR_OK;
}

/* ---- cursors and rendering -------------------------------------------- */

/* A cursor is "a:" + the id of the page's last item, base64url-encoded: it
 * stays valid across filters and names a place, not an offset. */
#define CURSOR_PREFIX "a:"

enum fr_status fr_cursor_encode(const char *id, struct fr_buf *out)
{
    struct fr_buf raw;
    fr_buf_init(&raw);
    enum fr_status status = fr_buf_append_str(&raw, CURSOR_PREFIX);
    if (status == FR_OK)
        status = fr_buf_append_str(&raw, id);
    if (status == FR_OK)
        status = fr_base64url_encode(out, raw.data, raw.len);
    fr_buf_cleanup(&raw);
    return status;
}

enum fr_status fr_cursor_decode(const struct fr_collection *coll, const char *text,
                                size_t *start)
{
    struct fr_buf raw;
    enum fr_status status;
    fr_buf_init(&raw);
    status = fr_base64url_decode(&raw, text, strlen(text));
    if (status == FR_OK) {
        size_t prefix = strlen(CURSOR_PREFIX);
        size_t at = (size_t)-1;
        if (raw.len > prefix && memcmp(raw.data, CURSOR_PREFIX, prefix) == 0 &&
            strlen(raw.data) == raw.len)
            at = fr_collection_index_of(coll, raw.data + prefix);
        if (at == (size_t)-1)
            status = FR_EINVAL;
        else
            *start = at + 1;
    } else if (status != FR_ENOMEM) {
        status = FR_EINVAL;
    }
    fr_buf_cleanup(&raw);
    return status;
}

enum fr_status fr_page_next_cursor(const struct fr_collection *coll, const struct fr_page *page,
                                   struct fr_buf *out)
{
    if (!page->has_more || page->count == 0)
        return FR_OK;
    return fr_cursor_encode(coll->items[page->indexes[page->count - 1]].id, out);
}

enum fr_status fr_render_page(const struct fr_collection *coll, const struct fr_page *page,
                              size_t limit, struct fr_buf *out)
{
    struct fr_buf cursor;
    json_t *meta = NULL;
    char *meta_text = NULL;
    enum fr_status status = FR_ENOMEM;

    fr_buf_init(&cursor);
    if (fr_page_next_cursor(coll, page, &cursor) != FR_OK)
        goto out;
    /* The envelope goes through jansson; the items are already JSON. */
    meta = json_pack("{s:I, s:I, s:o}", "total", (json_int_t)page->total, "limit",
                     (json_int_t)limit, "next_cursor",
                     cursor.len ? json_string(cursor.data) : json_null());
    if (!meta)
        goto out;
    meta_text = json_dumps(meta, FR_JSON_FLAGS);
    if (!meta_text)
        goto out;
    size_t meta_len = strlen(meta_text);
    if (fr_buf_append(out, meta_text, meta_len - 1) != FR_OK || /* drop the final '}' */
        fr_buf_append_str(out, ",\"items\":[") != FR_OK)
        goto out;
    for (size_t i = 0; i < page->count; i++) {
        const struct fr_item *item = &coll->items[page->indexes[i]];
        if ((i && fr_buf_append_char(out, ',') != FR_OK) ||
            fr_buf_append(out, item->json, item->json_len) != FR_OK)
            goto out;
    }
    if (fr_buf_append_str(out, "]}") != FR_OK)
        goto out;
    status = FR_OK;
out:
    json_decref(meta);
    free(meta_text);
    fr_buf_cleanup(&cursor);
    return status;
}
