/*
 * /v1/funding-rounds: funding rounds in date order, each with its tranches
 * (debt, equity), their sum and the organization's running total
 * (filter: organization).
 */
#include "api.h"

API_COLLECTION_HANDLERS(funding_rounds, FR_COLL_FUNDING_ROUNDS)

const struct fr_route funding_routes[] = {
    {FR_METHOD_GET, "/v1/funding-rounds", funding_rounds_list},
    {FR_METHOD_GET, "/v1/funding-rounds/{id}", funding_rounds_get},
    API_WRITE_ROUTES(funding_rounds, "/v1/funding-rounds"),
    {0, NULL, NULL},
};
