/*
 * /v1/models: models released, announced, planned or cancelled, with their claims and subscription plans (filters: organization, status, kind).
 */
#include "api.h"

API_COLLECTION_HANDLERS(models, FR_COLL_MODELS)

const struct fr_route models_routes[] = {
    {FR_METHOD_GET, "/v1/models", models_list},
    {FR_METHOD_GET, "/v1/models/{id}", models_get},
    API_WRITE_ROUTES(models, "/v1/models"),
    {0, NULL, NULL},
};
