/*
 * /v1/valuations: reported or implied valuations, a combined one linked to its parts (filter: organization).
 */
#include "api.h"

API_COLLECTION_HANDLERS(valuations, FR_COLL_VALUATIONS)

const struct fr_route valuations_routes[] = {
    {FR_METHOD_GET, "/v1/valuations", valuations_list},
    {FR_METHOD_GET, "/v1/valuations/{id}", valuations_get},
    API_WRITE_ROUTES(valuations, "/v1/valuations"),
    {0, NULL, NULL},
};
