/*
 * /v1/sources: the documents and statements every fact cites (filters: kind, publisher).
 */
#include "api.h"

API_COLLECTION_HANDLERS(sources, FR_COLL_SOURCES)

const struct fr_route sources_routes[] = {
    {FR_METHOD_GET, "/v1/sources", sources_list},
    {FR_METHOD_GET, "/v1/sources/{id}", sources_get},
    API_WRITE_ROUTES(sources, "/v1/sources"),
    {0, NULL, NULL},
};
