/*
 * What the resource files of src/api/ share: the generic list and item
 * handlers that answer from a snapshot's collections, and their checks.
 */
#ifndef FRONTIER_API_INTERNAL_H
#define FRONTIER_API_INTERNAL_H

#include <stdbool.h>

#include "frontier/http.h"
#include "frontier/model.h"

/* A list: limit, cursor and the collection's filters; with no query at all
 * the page rendered at build time is served as it is. */
void api_list(const struct fr_request *req, struct fr_response *resp,
              enum fr_collection_id id);

/* One item by the path's {id}; takes no query parameters. */
void api_get(const struct fr_request *req, struct fr_response *resp,
             enum fr_collection_id id);

/* 503 not-ready when the request has no snapshot; returns true if answered. */
bool api_not_ready(const struct fr_request *req, struct fr_response *resp);

/* 404 naming the kind of record and the id that was not found. */
void api_not_found(const struct fr_request *req, struct fr_response *resp,
                   const char *item_name, const char *id);

/* Parses an as_of date ("YYYY-MM-DD", or a coarser "YYYY-MM" / "YYYY" that
 * means the end of that period); answers 400 and returns false when bad. */
bool api_parse_as_of(const struct fr_request *req, struct fr_response *resp,
                     const char *value, struct fr_date *out);

/* Writes (src/api/writes.c). POST on the collection: a new record. */
void api_create(const struct fr_request *req, struct fr_response *resp,
                enum fr_collection_id id);
/* POST on a list nested in the item of the path's {id} (member child, e.g.
 * a cluster's "capacities"): the record joins that list. */
void api_create_child(const struct fr_request *req, struct fr_response *resp,
                      enum fr_collection_id id, const char *child);
/* PATCH (JSON Merge Patch) or DELETE on the path's {id}. */
void api_change(const struct fr_request *req, struct fr_response *resp,
                enum fr_collection_id id);

/* Defines <prefix>_list, <prefix>_get, <prefix>_create and <prefix>_change
 * for a collection. */
#define API_COLLECTION_HANDLERS(prefix, collection)                                     \
    static void prefix##_list(const struct fr_request *req, struct fr_response *resp)   \
    {                                                                                   \
        api_list(req, resp, collection);                                                \
    }                                                                                   \
    static void prefix##_get(const struct fr_request *req, struct fr_response *resp)    \
    {                                                                                   \
        api_get(req, resp, collection);                                                 \
    }                                                                                   \
    static void prefix##_create(const struct fr_request *req, struct fr_response *resp) \
    {                                                                                   \
        api_create(req, resp, collection);                                              \
    }                                                                                   \
    static void prefix##_change(const struct fr_request *req, struct fr_response *resp) \
    {                                                                                   \
        api_change(req, resp, collection);                                              \
    }

/* The route entries of a collection's writes. */
#define API_WRITE_ROUTES(prefix, path)                                \
    {FR_METHOD_POST, path, prefix##_create},                          \
    {FR_METHOD_PATCH | FR_METHOD_DELETE, path "/{id}", prefix##_change}

extern const struct fr_route health_routes[];
extern const struct fr_route docs_routes[];
extern const struct fr_route web_routes[];
extern const struct fr_route metrics_routes[];
extern const struct fr_route sources_routes[];
extern const struct fr_route organizations_routes[];
extern const struct fr_route people_routes[];
extern const struct fr_route models_routes[];
extern const struct fr_route benchmarks_routes[];
extern const struct fr_route results_routes[];
extern const struct fr_route leaderboards_routes[];
extern const struct fr_route funding_routes[];
extern const struct fr_route valuations_routes[];
extern const struct fr_route financials_routes[];
extern const struct fr_route compute_routes[];
extern const struct fr_route timeline_routes[];
extern const struct fr_route changes_routes[];

#endif
