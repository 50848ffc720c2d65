/*
 * The generic list and item handlers. Every list takes limit, cursor and
 * format (json or csv; without it Accept decides) plus its collection's
 * filters, and links its next page in a Link header. Every bad value is
 * answered with a 400 that names the parameter and what it accepts, and an
 * id that exists nowhere is a 400 on a filter (the query cannot mean
 * anything) but a 404 in a path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "frontier/negotiate.h"

bool api_not_ready(const struct fr_request *req, struct fr_response *resp)
{
    if (req->snapshot)
        return false;
    fr_response_problem(resp, req, 503, "not-ready", "Service Unavailable",
                        "the data is not loaded yet; retry shortly", NULL);
    return true;
}

void api_not_found(const struct fr_request *req, struct fr_response *resp,
                   const char *item_name, const char *id)
{
    char detail[256];
    snprintf(detail, sizeof(detail), "no %s has the id '%.120s'", item_name, id);
    fr_response_problem(resp, req, 404, "not-found", "Not Found", detail,
                        json_pack("{s:o}", "id", fr_json_string_lossy(id)));
}

bool api_parse_as_of(const struct fr_request *req, struct fr_response *resp,
                     const char *value, struct fr_date *out)
{
    const char *why = NULL;
    if (!value || fr_date_parse_query(value, out, &why) != FR_OK) {
        fr_response_bad_param(resp, req, "as_of", value, why ? why : "a value is required",
                              "a date YYYY-MM-DD (or YYYY-MM, YYYY: the end of that period)");
        return false;
    }
    return true;
}

/* Strict decimal in [min, max]: no sign, no spaces, no leading '+'. */
static bool parse_size(const char *text, size_t min, size_t max, size_t *out)
{
    if (!text || !*text || strlen(text) > 9)
        return false;
    size_t v = 0;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (size_t)(*p - '0');
    }
    if (v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* Appends "one of: a, b, c" for an enum filter. */
static void describe_values(const char *const *values, char *out, size_t size)
{
    size_t used = (size_t)snprintf(out, size, "one of: ");
    for (size_t i = 0; values[i] && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s%s", i ? ", " : "", values[i]);
}

/* Checks one filter's value and stores it in query; answers 400 if bad. */
static bool parse_filter(const struct fr_request *req, struct fr_response *resp,
                         const struct fr_filter_def *filter, size_t index, const char *value,
                         struct fr_query *query)
{
    char allowed[512], reason[256];
    const char *why = NULL;

    if (!value || !*value) {
        fr_response_bad_param(resp, req, filter->param, value, "a value is required",
                              "a non-empty value");
        return false;
    }
    switch (filter->kind) {
    case FR_FILTER_REF: {
        const struct fr_collection_def *ref = fr_collection_def_get(filter->ref);
        if (fr_collection_find(fr_snapshot_collection(req->snapshot, filter->ref), value))
            break;
        snprintf(reason, sizeof(reason), "no %s has this id", ref->item_name);
        snprintf(allowed, sizeof(allowed), "an existing %s id (see /v1/%s)", ref->item_name,
                 ref->data_key);
        fr_response_bad_param(resp, req, filter->param, value, reason, allowed);
        return false;
    }
    case FR_FILTER_ENUM:
        for (const char *const *v = filter->values; *v; v++) {
            if (strcmp(*v, value) == 0)
                goto ok;
        }
        describe_values(filter->values, allowed, sizeof(allowed));
        fr_response_bad_param(resp, req, filter->param, value, "not an allowed value", allowed);
        return false;
    case FR_FILTER_DATE_FROM:
    case FR_FILTER_DATE_TO:
        if (fr_date_parse_query(value, &query->dates[index], &why) != FR_OK) {
            fr_response_bad_param(resp, req, filter->param, value, why ? why : "not a date",
                                  "a date YYYY, YYYY-MM or YYYY-MM-DD");
            return false;
        }
        break;
    }
ok:
    query->values[index] = value;
    return true;
}

/* from after to can match nothing: say so rather than answer an empty list. */
static bool check_range(const struct fr_request *req, struct fr_response *resp,
                        const struct fr_collection_def *def, const struct fr_query *query)
{
    const struct fr_date *from = NULL, *to = NULL;
    for (size_t f = 0; f < FR_MAX_FILTERS && def->filters[f].param; f++) {
        if (!query->values[f])
            continue;
        if (def->filters[f].kind == FR_FILTER_DATE_FROM)
            from = &query->dates[f];
        else if (def->filters[f].kind == FR_FILTER_DATE_TO)
            to = &query->dates[f];
    }
    if (from && to && from->earliest > to->latest) {
        fr_response_bad_param(resp, req, "from", from->value, "the range ends before it starts",
                              "a from date on or before the to date");
        return false;
    }
    return true;
}

/* The representations of every list, for the 406 that names them. */
static const char *const list_media_types[] = {"application/json", "text/csv", NULL};

/*
 * JSON or CSV: ?format= decides when given (it overrides Accept, so a link
 * can name a CSV download); otherwise the q-values Accept gives
 * application/json and text/csv, ties and a missing Accept going to JSON.
 * When Accept allows neither, JSON is chosen here and src/http/finish.c
 * answers 406. Returns false after answering 400 for a bad format.
 */
static bool choose_format(const struct fr_request *req, struct fr_response *resp, bool *csv,
                          bool *chosen)
{
    bool given = false;
    const char *value = fr_request_query(req, "format", &given);
    *chosen = given;
    if (given) {
        *csv = value && strcmp(value, "csv") == 0;
        if (*csv || (value && strcmp(value, "json") == 0))
            return true;
        fr_response_bad_param(resp, req, "format", value,
                              value ? "not an allowed value" : "a value is required",
                              "one of: json, csv");
        return false;
    }
    const char *accept = fr_request_header(req, "Accept");
    *csv = accept && fr_accept_quality(accept, "text/csv", true) >
                         fr_accept_quality(accept, "application/json", true);
    return true;
}

/*
 * Adds Link: <same request, cursor=next>; rel="next" (RFC 8288). A field
 * value longer than a response header holds (sizeof(struct fr_header.value),
 * 1024 bytes) is left out rather than cut, which would point elsewhere; a
 * JSON body still names the next page in next_cursor. With ids of at most
 * 64 characters no valid query comes near that size today.
 */
static void add_next_link(const struct fr_request *req, struct fr_response *resp,
                          const char *cursor)
{
    struct fr_buf link;
    fr_buf_init(&link);
    if (fr_link_append(req, "cursor", cursor, "next", &link) == FR_OK &&
        link.len < sizeof(resp->headers[0].value))
        fr_response_add_header(resp, "Link", link.data);
    fr_buf_cleanup(&link);
}

void api_list(const struct fr_request *req, struct fr_response *resp,
              enum fr_collection_id id)
{
    const struct fr_collection_def *def = fr_collection_def_get(id);
    const char *accepted[FR_MAX_FILTERS + 4];
    struct fr_query query;
    struct fr_page page = {0};
    struct fr_buf body, cursor;
    size_t n = 0;
    bool csv = false, format_chosen = false, defaults = true;

    if (api_not_ready(req, resp))
        return;
    const struct fr_collection *coll = fr_snapshot_collection(req->snapshot, id);
    accepted[n++] = "limit";
    accepted[n++] = "cursor";
    accepted[n++] = "format";
    for (size_t f = 0; f < FR_MAX_FILTERS && def->filters[f].param; f++)
        accepted[n++] = def->filters[f].param;
    accepted[n] = NULL;
    if (fr_request_check_query(req, accepted, resp) != FR_OK)
        return;
    if (!choose_format(req, resp, &csv, &format_chosen))
        return;

    fr_query_init(&query);
    bool given = false;
    const char *value = fr_request_query(req, "limit", &given);
    defaults = defaults && !given;
    if (given && !parse_size(value, 1, FR_LIMIT_MAX, &query.limit)) {
        fr_response_bad_param(resp, req, "limit", value, "not an integer in range",
                              "an integer from 1 to 500 (default 50)");
        return;
    }
    value = fr_request_query(req, "cursor", &given);
    defaults = defaults && !given;
    if (given && (!value || fr_cursor_decode(coll, value, &query.start) != FR_OK)) {
        fr_response_bad_param(resp, req, "cursor", value,
                              "not a cursor this server issued for this list",
                              "the next_cursor of a previous page of this list");
        return;
    }
    for (size_t f = 0; f < FR_MAX_FILTERS && def->filters[f].param; f++) {
        value = fr_request_query(req, def->filters[f].param, &given);
        defaults = defaults && !given;
        if (given && !parse_filter(req, resp, &def->filters[f], f, value, &query))
            return;
    }
    if (!check_range(req, resp, def, &query))
        return;

    fr_buf_init(&body);
    fr_buf_init(&cursor);
    if (defaults && !csv) {
        /* The first page as rendered at build (the snapshot is immutable but
         * for the lazily made gzip copy). */
        fr_response_serve(resp, FR_CONTENT_JSON, (struct fr_rendered *)&coll->first_page_rep);
        if (coll->first_page_cursor)
            add_next_link(req, resp, coll->first_page_cursor);
    } else {
        enum fr_status status = fr_collection_query(coll, &query, &page);
        if (status == FR_OK && csv)
            status = fr_render_page_csv(coll, &page, &body);
        else if (status == FR_OK)
            status = fr_render_page(coll, &page, query.limit, &body);
        if (status == FR_OK)
            status = fr_page_next_cursor(coll, &page, &cursor);
        free(page.indexes);
        if (status != FR_OK) {
            fr_response_problem(resp, req, 500, "internal-error", "Internal Server Error",
                                "the list could not be rendered", NULL);
            goto out;
        }
        size_t len = 0;
        char *text = fr_buf_steal(&body, &len);
        /* A NULL text (out of memory) answers 500. */
        fr_response_take(resp, 200, csv ? FR_CONTENT_CSV : FR_CONTENT_JSON, text, len);
        if (!text)
            goto out;
        if (cursor.len)
            add_next_link(req, resp, cursor.data);
    }
    resp->media_types = list_media_types;
    resp->format_chosen = format_chosen;
    /* Without ?format= the representation depends on Accept. */
    if (!format_chosen)
        resp->vary |= FR_VARY_ACCEPT;
out:
    fr_buf_cleanup(&body);
    fr_buf_cleanup(&cursor);
}

void api_get(const struct fr_request *req, struct fr_response *resp,
             enum fr_collection_id id)
{
    static const char *const none[] = {NULL};
    if (api_not_ready(req, resp))
        return;
    /* A record that does not exist is a 404 whatever the query says. */
    const char *key = req->path_param_count > 0 ? req->path_params[0] : "";
    const struct fr_item *item = fr_collection_find(fr_snapshot_collection(req->snapshot, id), key);
    if (!item) {
        api_not_found(req, resp, fr_collection_def_get(id)->item_name, key);
        return;
    }
    if (fr_request_check_query(req, none, resp) != FR_OK)
        return;
    fr_response_serve(resp, FR_CONTENT_JSON, (struct fr_rendered *)&item->rep);
}
