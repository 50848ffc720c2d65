/*
 * /v1/benchmarks: the benchmarks results are reported on.
 */
#include "api.h"

API_COLLECTION_HANDLERS(benchmarks, FR_COLL_BENCHMARKS)

const struct fr_route benchmarks_routes[] = {
    {FR_METHOD_GET, "/v1/benchmarks", benchmarks_list},
    {FR_METHOD_GET, "/v1/benchmarks/{id}", benchmarks_get},
    API_WRITE_ROUTES(benchmarks, "/v1/benchmarks"),
    {0, NULL, NULL},
};
