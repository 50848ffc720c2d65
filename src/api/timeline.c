/*
 * /v1/timeline: dated events in date order, fuzzy dates as intervals, plans with their slip history (filters: organization, model, kind, status, from, to).
 */
#include "api.h"

API_COLLECTION_HANDLERS(timeline, FR_COLL_EVENTS)

const struct fr_route timeline_routes[] = {
    {FR_METHOD_GET, "/v1/timeline", timeline_list},
    {FR_METHOD_GET, "/v1/timeline/{id}", timeline_get},
    API_WRITE_ROUTES(timeline, "/v1/timeline"),
    {0, NULL, NULL},
};
