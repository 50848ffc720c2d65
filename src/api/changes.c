/*
 * /v1/changes: the change feed. Every committed write, oldest first, with
 * when, by whom (the token's name), what (collection table and id, the
 * version it made) and the record before and after. A client keeps the
 * next_since of its last page and asks again from there; an empty page
 * still returns it, so polling never loses its place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

static const char *const accepted[] = {"since", "limit", NULL};

/* A decimal integer in [0, max]; no sign, spaces or leading '+'. */
static bool parse_count(const char *text, long long max, long long *out)
{
    if (!text || !*text || strlen(text) > 18)
        return false;
    long long v = 0;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (*p - '0');
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

/* The position of the first entry whose seq is above since. */
static size_t first_after(const json_t *changes, long long since)
{
    size_t lo = 0, hi = json_array_size(changes);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (json_integer_value(json_object_get(json_array_get(changes, mid), "seq")) <= since)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void changes_list(const struct fr_request *req, struct fr_response *resp)
{
    long long since = 0, limit = FR_LIMIT_DEFAULT;
    bool found;

    if (api_not_ready(req, resp) || fr_request_check_query(req, accepted, resp) != FR_OK)
        return;
    const char *value = fr_request_query(req, "since", &found);
    if (found && !parse_count(value, 999999999999999999LL, &since)) {
        fr_response_bad_param(resp, req, "since", value, "not a change sequence number",
                              "a whole number from 0: the next_since of the last page read "
                              "(0 for the whole feed)");
        return;
    }
    value = fr_request_query(req, "limit", &found);
    if (found && (!parse_count(value, FR_LIMIT_MAX, &limit) || limit < 1)) {
        char allowed[64];
        snprintf(allowed, sizeof(allowed), "a whole number from 1 to %d", FR_LIMIT_MAX);
        fr_response_bad_param(resp, req, "limit", value, "out of range", allowed);
        return;
    }

    const json_t *changes = fr_snapshot_changes(req->snapshot);
    size_t total = json_array_size(changes);
    size_t start = first_after(changes, since);
    size_t end = start + (size_t)limit < total ? start + (size_t)limit : total;
    json_t *items = json_array();
    long long next = since;
    for (size_t i = start; items && i < end; i++) {
        json_t *entry = json_array_get(changes, i);
        if (json_array_append(items, entry) != 0) {
            json_decref(items);
            items = NULL;
        }
        next = json_integer_value(json_object_get(entry, "seq"));
    }
    json_t *page = items ? json_pack("{s:I, s:I, s:I, s:b, s:o}", "since", (json_int_t)since,
                                     "limit", (json_int_t)limit, "next_since", (json_int_t)next,
                                     "has_more", end < total, "items", items)
                         : NULL;
    fr_response_json(resp, 200, page);
    json_decref(page);
}

const struct fr_route changes_routes[] = {
    {FR_METHOD_GET, "/v1/changes", changes_list},
    {0, NULL, NULL},
};
