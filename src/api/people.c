/*
 * /v1/people: the people the sources name (filter: organization).
 */
#include "api.h"

API_COLLECTION_HANDLERS(people, FR_COLL_PEOPLE)

const struct fr_route people_routes[] = {
    {FR_METHOD_GET, "/v1/people", people_list},
    {FR_METHOD_GET, "/v1/people/{id}", people_get},
    API_WRITE_ROUTES(people, "/v1/people"),
    {0, NULL, NULL},
};
