/*
 * Funding views: each round's running total for its organization, the sum of
 * its tranches, and per organization a summary that sets the reported totals
 * ("US$22 billion since 2024") beside the sum of the rounds we hold, so a
 * reader sees at once whether the article's figures add up.
 */
#include "snapshot.h"

#include <string.h>

#include "frontier/money.h"

static bool money_read(const json_t *obj, struct fr_money *out)
{
    const char *code = json_string_value(json_object_get(obj, "currency"));
    if (!json_is_integer(json_object_get(obj, "amount_minor")) || !code || strlen(code) != 3)
        return false;
    memset(out, 0, sizeof(*out));
    out->minor = json_integer_value(json_object_get(obj, "amount_minor"));
    memcpy(out->currency, code, 4);
    out->approximate = json_is_true(json_object_get(obj, "approximate"));
    return true;
}

json_t *money_json(const struct fr_money *money)
{
    char amount[40];
    if (fr_money_format_decimal(money, amount, sizeof(amount)) != FR_OK)
        return NULL;
    return json_pack("{s:I, s:s, s:b, s:s}", "amount_minor", (json_int_t)money->minor,
                     "currency", money->currency, "approximate", money->approximate,
                     "amount", amount);
}

/* Adds a value; a sum across currencies is no sum at all, so it turns null. */
static void sum_add(struct fr_money *sum, bool *valid, bool *started, const struct fr_money *m)
{
    if (!*valid)
        return;
    if (!*started) {
        *sum = *m;
        *started = true;
    } else if (fr_money_add(sum, m) != FR_OK) {
        *valid = false;
    }
}

static enum fr_status set_sum(json_t *obj, const char *key, const struct fr_money *sum,
                              bool valid, bool started)
{
    json_t *v = valid && started ? money_json(sum) : json_null();
    return v && json_object_set_new(obj, key, v) == 0 ? FR_OK : FR_ENOMEM;
}

/* The positions of org's records in coll, in coll's (date) order, from the
 * query index of its `organization` filter: building every summary costs
 * the rounds there are, not organizations times rounds. */
static void of_organization(const struct fr_collection *coll, const char *org,
                            const size_t **positions, size_t *count)
{
    static const size_t none[1] = {0};
    if (!org || strcmp(coll->def->filters[0].param, "organization") != 0 ||
        !collection_index_lookup(coll, 0, org, positions, count)) {
        *positions = none;
        *count = 0;
    }
}

enum fr_status funding_add_running_totals(struct fr_snapshot *snapshot)
{
    struct fr_collection *rounds = &snapshot->collections[FR_COLL_FUNDING_ROUNDS];
    for (size_t i = 0; i < rounds->count; i++) {
        json_t *round = rounds->items[i].obj;
        const char *org = json_string_value(json_object_get(round, "organization"));
        struct fr_money sum, m;
        bool valid = true, started = false;

        /* Rounds are in date order: the running total is every earlier round
         * of the same organization plus this one. */
        const size_t *mine;
        size_t n;
        of_organization(rounds, org, &mine, &n);
        for (size_t k = 0; k < n && mine[k] <= i; k++) {
            if (money_read(json_object_get(rounds->items[mine[k]].obj, "amount"), &m))
                sum_add(&sum, &valid, &started, &m);
        }
        enum fr_status status = set_sum(round, "running_total", &sum, valid, started);
        if (status != FR_OK)
            return status;

        valid = true;
        started = false;
        size_t k;
        json_t *tranche;
        json_array_foreach(json_object_get(round, "tranches"), k, tranche) {
            if (money_read(json_object_get(tranche, "amount"), &m))
                sum_add(&sum, &valid, &started, &m);
        }
        status = set_sum(round, "tranches_total", &sum, valid, started);
        if (status != FR_OK)
            return status;
    }
    return FR_OK;
}

static bool date_of(const json_t *obj, const char *key, struct fr_date *out)
{
    const json_t *d = json_object_get(obj, key);
    const json_t *q = json_object_get(d, "qualifier");
    return fr_date_parse(json_string_value(json_object_get(d, "value")),
                         json_string_value(json_object_get(d, "precision")),
                         json_is_string(q) ? json_string_value(q) : NULL, out,
                         NULL) == FR_OK;
}

/* A reported total beside the sum of the rounds that certainly fall in its
 * window (announced on or after `since` began, and by `as_of`). */
static json_t *total_check(const struct fr_collection *rounds, const char *org,
                           const json_t *total)
{
    struct fr_date since, as_of, announced;
    struct fr_money sum, m, reported;
    bool valid = true, started = false;
    json_t *out = json_deep_copy(total);
    json_t *counted = json_array();

    if (!out || !counted || !date_of(total, "since", &since) ||
        !date_of(total, "as_of", &as_of) || !money_read(json_object_get(total, "amount"),
                                                        &reported))
        goto fail;
    const size_t *mine;
    size_t n;
    of_organization(rounds, org, &mine, &n);
    for (size_t k = 0; k < n; k++) {
        const json_t *r = rounds->items[mine[k]].obj;
        if (!date_of(r, "announced", &announced) || announced.earliest < since.earliest ||
            announced.latest > as_of.latest || !money_read(json_object_get(r, "amount"), &m))
            continue;
        sum_add(&sum, &valid, &started, &m);
        if (json_array_append_new(counted, json_string(rounds->items[mine[k]].id)))
            goto fail;
    }
    if (set_sum(out, "computed_from_rounds", &sum, valid, started) != FR_OK ||
        json_object_set_new(out, "rounds_counted", counted))
        goto fail;
    counted = NULL;
    bool matches = valid && started && sum.minor == reported.minor &&
                   strcmp(sum.currency, reported.currency) == 0;
    if (json_object_set_new(out, "matches_reported", json_boolean(matches)))
        goto fail;
    return out;
fail:
    json_decref(out);
    json_decref(counted);
    return NULL;
}

static json_t *summary_for(const struct fr_snapshot *snapshot, const struct fr_item *org)
{
    const struct fr_collection *rounds = &snapshot->collections[FR_COLL_FUNDING_ROUNDS];
    const struct fr_collection *totals = &snapshot->collections[FR_COLL_FUNDING_TOTALS];
    json_t *round_list = json_array(), *total_list = json_array();
    struct fr_money sum, m;
    bool valid = true, started = false;
    json_t *out = NULL;

    if (!round_list || !total_list)
        goto out;
    const size_t *mine;
    size_t n;
    of_organization(rounds, org->id, &mine, &n);
    for (size_t k = 0; k < n; k++) {
        json_t *r = rounds->items[mine[k]].obj;
        if (json_array_append(round_list, r))
            goto out;
        if (money_read(json_object_get(r, "amount"), &m))
            sum_add(&sum, &valid, &started, &m);
    }
    of_organization(totals, org->id, &mine, &n);
    for (size_t k = 0; k < n; k++) {
        const json_t *t = totals->items[mine[k]].obj;
        json_t *checked = total_check(rounds, org->id, t);
        if (!checked || json_array_append_new(total_list, checked))
            goto out;
    }
    out = json_pack("{s:s, s:{s:s, s:O}, s:O, s:O}", "id", org->id, "organization", "id",
                    org->id, "name", json_object_get(org->obj, "name"), "rounds", round_list,
                    "reported_totals", total_list);
    if (out && set_sum(out, "computed_total", &sum, valid, started) != FR_OK) {
        json_decref(out);
        out = NULL;
    }
out:
    json_decref(round_list);
    json_decref(total_list);
    return out;
}

enum fr_status funding_build_summaries(const struct fr_snapshot *snapshot, json_t **out)
{
    const struct fr_collection *orgs = &snapshot->collections[FR_COLL_ORGANIZATIONS];
    json_t *list = json_array();
    if (!list)
        return FR_ENOMEM;
    for (size_t i = 0; i < orgs->count; i++) {
        json_t *summary = summary_for(snapshot, &orgs->items[i]);
        if (!summary || json_array_append_new(list, summary)) {
            json_decref(list);
            return FR_ENOMEM;
        }
    }
    *out = list;
    return FR_OK;
}
