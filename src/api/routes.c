/*
 * The route tables of every resource, in the order the router tries them.
 */
#include "frontier/api.h"

#include "api.h"

const struct fr_route *const fr_api_routes[] = {
    health_routes,
    docs_routes,
    web_routes,
    metrics_routes,
    sources_routes,
    organizations_routes,
    people_routes,
    models_routes,
    benchmarks_routes,
    results_routes,
    leaderboards_routes,
    funding_routes,
    valuations_routes,
    financials_routes,
    compute_routes,
    timeline_routes,
    changes_routes,
    NULL,
};
