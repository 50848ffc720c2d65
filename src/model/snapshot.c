/*
 * Building and sharing snapshots. A snapshot is built once from the store's
 * data, enriched (dates read as intervals and display text, money as exact
 * decimals), ordered, derived (running totals, leaderboards) and rendered;
 * after that nothing in it changes, so any number of request threads read it
 * without locks while they hold a reference.
 */
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frontier/money.h"

/* ---- enrichment ------------------------------------------------------- */

static enum fr_status enrich_date(json_t *obj)
{
    const json_t *q = json_object_get(obj, "qualifier");
    struct fr_date date;
    char display[96], day[11];
    if (fr_date_parse(json_string_value(json_object_get(obj, "value")),
                      json_string_value(json_object_get(obj, "precision")),
                      json_is_string(q) ? json_string_value(q) : NULL, &date, NULL) != FR_OK)
        return FR_EINVAL;
    if (fr_date_display(&date, display, sizeof(display)) != FR_OK)
        return FR_EINVAL;
    if (json_object_set_new(obj, "display", json_string(display)))
        return FR_ENOMEM;
    /* The interval as calendar days, so clients can sort and compare. */
    fr_date_format_day(date.earliest, day);
    if (json_object_set_new(obj, "earliest", day[0] ? json_string(day) : json_null()))
        return FR_ENOMEM;
    fr_date_format_day(date.latest, day);
    if (json_object_set_new(obj, "latest", day[0] ? json_string(day) : json_null()))
        return FR_ENOMEM;
    return FR_OK;
}

static enum fr_status enrich_money(json_t *obj)
{
    struct fr_money money = {.minor = json_integer_value(json_object_get(obj, "amount_minor"))};
    const char *code = json_string_value(json_object_get(obj, "currency"));
    char amount[40];
    if (!code || strlen(code) != 3)
        return FR_EINVAL;
    memcpy(money.currency, code, 4);
    if (fr_money_format_decimal(&money, amount, sizeof(amount)) != FR_OK)
        return FR_EINVAL;
    /* The exact decimal in major units, as a string: no float ever. */
    return json_object_set_new(obj, "amount", json_string(amount)) ? FR_ENOMEM : FR_OK;
}

enum fr_status enrich_tree(json_t *json)
{
    if (json_is_array(json)) {
        size_t i;
        json_t *v;
        json_array_foreach(json, i, v) {
            enum fr_status status = enrich_tree(v);
            if (status != FR_OK)
                return status;
        }
        return FR_OK;
    }
    if (!json_is_object(json))
        return FR_OK;
    if (json_is_string(json_object_get(json, "precision")) &&
        json_is_string(json_object_get(json, "value")))
        return enrich_date(json);
    if (json_is_integer(json_object_get(json, "amount_minor")) &&
        json_is_string(json_object_get(json, "currency")))
        return enrich_money(json);
    const char *key;
    json_t *v;
    json_object_foreach(json, key, v) {
        enum fr_status status = enrich_tree(v);
        if (status != FR_OK)
            return status;
    }
    return FR_OK;
}

/* ---- building --------------------------------------------------------- */

static void snapshot_free(struct fr_snapshot *snapshot)
{
    if (!snapshot)
        return;
    for (size_t i = 0; i < FR_COLL_COUNT; i++)
        collection_cleanup(&snapshot->collections[i]);
    json_decref(snapshot->data);
    json_decref(snapshot->changes);
    free(snapshot);
}

static size_t count_records(const json_t *json)
{
    size_t n = 0;
    if (json_is_array(json)) {
        size_t i;
        const json_t *v;
        json_array_foreach(json, i, v) n += count_records(v);
    } else if (json_is_object(json)) {
        if (json_object_get(json, "id") && json_object_get(json, "citations"))
            n++;
        const char *key;
        const json_t *v;
        json_object_foreach((json_t *)json, key, v) {
            if (strcmp(key, "citations") != 0)
                n += count_records(v);
        }
    }
    return n;
}

/* Snapshots built so far by this process, for their version numbers. */
static atomic_uint_fast64_t builds;

enum fr_status fr_snapshot_build(json_t *data, struct fr_snapshot **out, char *error,
                                 size_t error_size)
{
    struct fr_snapshot *snapshot = NULL;
    json_t *derived = NULL;
    enum fr_status status = FR_ENOMEM;

    *out = NULL;
    if (error_size)
        error[0] = '\0';
    snapshot = calloc(1, sizeof(*snapshot));
    if (!snapshot) {
        snprintf(error, error_size, "out of memory");
        json_decref(data);
        return FR_ENOMEM;
    }
    atomic_init(&snapshot->refs, 1);
    snapshot->data = data;
    snapshot->built_at = (int64_t)time(NULL);
    if (!json_is_object(data)) {
        snprintf(error, error_size, "the store's data is not an object");
        status = FR_EINVAL;
        goto out;
    }
    /* The change log rides along, already enriched (see model.h). */
    snapshot->changes = json_incref(json_object_get(data, "changes"));
    if (snapshot->changes && !json_is_array(snapshot->changes)) {
        snprintf(error, error_size, "the change log is not an array");
        status = FR_EINVAL;
        goto out;
    }
    if (!snapshot->changes && !(snapshot->changes = json_array())) {
        snprintf(error, error_size, "out of memory");
        goto out;
    }
    json_object_del(data, "changes");
    snapshot->record_count = count_records(data);

    status = enrich_tree(data);
    if (status != FR_OK) {
        snprintf(error, error_size, "a stored date or amount cannot be read");
        goto out;
    }
    for (size_t i = 0; i < FR_COLL_COUNT; i++) {
        const struct fr_collection_def *def = fr_collection_def_get((enum fr_collection_id)i);
        if (!def->data_key)
            continue;
        json_t *objs = json_object_get(data, def->data_key);
        if (!json_is_array(objs)) {
            snprintf(error, error_size, "the store has no table %s", def->data_key);
            status = FR_ESCHEMA;
            goto out;
        }
        status = collection_fill(&snapshot->collections[i], def, objs, error, error_size);
        if (status != FR_OK)
            goto out;
    }

    /* A plan's history reads in the order it was promised. */
    const struct fr_collection *events = &snapshot->collections[FR_COLL_EVENTS];
    for (size_t i = 0; i < events->count && status == FR_OK; i++)
        status = sort_by_date(json_object_get(events->items[i].obj, "revisions"), "announced");

    /* Derived values go into the objects before anything is rendered. */
    if (status == FR_OK)
        status = funding_add_running_totals(snapshot);
    if (status == FR_OK)
        status = compute_add_capacity_multiples(snapshot);
    if (status == FR_OK)
        status = leaderboard_build_all(snapshot, &derived);
    if (status == FR_OK)
        status = collection_fill(&snapshot->collections[FR_COLL_LEADERBOARDS],
                                 fr_collection_def_get(FR_COLL_LEADERBOARDS), derived, error,
                                 error_size);
    json_decref(derived);
    derived = NULL;
    if (status == FR_OK)
        status = funding_build_summaries(snapshot, &derived);
    if (status == FR_OK)
        status = collection_fill(&snapshot->collections[FR_COLL_ORGANIZATION_FUNDING],
                                 fr_collection_def_get(FR_COLL_ORGANIZATION_FUNDING), derived,
                                 error, error_size);
    json_decref(derived);
    derived = NULL;
    if (status != FR_OK) {
        if (!error[0])
            snprintf(error, error_size, "building derived views failed: %s",
                     fr_status_name(status));
        goto out;
    }
    for (size_t i = 0; i < FR_COLL_COUNT && status == FR_OK; i++)
        status = collection_render(&snapshot->collections[i]);
    if (status != FR_OK) {
        snprintf(error, error_size, "out of memory rendering responses");
        goto out;
    }
    /* Numbered only once built, so a failed build leaves no gap. */
    snapshot->version = atomic_fetch_add_explicit(&builds, 1, memory_order_relaxed) + 1;
    *out = snapshot;
    snapshot = NULL;
out:
    snapshot_free(snapshot);
    return status;
}

const struct fr_snapshot *fr_snapshot_ref(const struct fr_snapshot *snapshot)
{
    struct fr_snapshot *s = (struct fr_snapshot *)snapshot;
    if (s)
        atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    return snapshot;
}

void fr_snapshot_unref(const struct fr_snapshot *snapshot)
{
    struct fr_snapshot *s = (struct fr_snapshot *)snapshot;
    if (s && atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1)
        snapshot_free(s);
}

const struct fr_collection *fr_snapshot_collection(const struct fr_snapshot *snapshot,
                                                   enum fr_collection_id id)
{
    return (unsigned)id < FR_COLL_COUNT ? &snapshot->collections[id] : NULL;
}

size_t fr_snapshot_record_count(const struct fr_snapshot *snapshot)
{
    return snapshot->record_count;
}

int64_t fr_snapshot_built_at(const struct fr_snapshot *snapshot)
{
    return snapshot->built_at;
}

uint64_t fr_snapshot_version(const struct fr_snapshot *snapshot)
{
    return snapshot->version;
}

const json_t *fr_snapshot_changes(const struct fr_snapshot *snapshot)
{
    return snapshot->changes;
}

enum fr_status fr_model_enrich(json_t *json)
{
    return enrich_tree(json);
}

char *fr_model_render_record(const json_t *record)
{
    json_t *copy = json_deep_copy(record);
    char *text = NULL;
    if (copy && enrich_tree(copy) == FR_OK)
        text = json_dumps(copy, FR_JSON_FLAGS);
    json_decref(copy);
    return text;
}
