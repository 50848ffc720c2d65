/*
 * /v1/results: every reported score, one record per claim, with who measured it and under what settings (filters: model, benchmark, source, evaluator, evaluator_relationship, tools).
 */
#include "api.h"

API_COLLECTION_HANDLERS(results, FR_COLL_RESULTS)

const struct fr_route results_routes[] = {
    {FR_METHOD_GET, "/v1/results", results_list},
    {FR_METHOD_GET, "/v1/results/{id}", results_get},
    API_WRITE_ROUTES(results, "/v1/results"),
    {0, NULL, NULL},
};
