/*
 * /v1/compute/clusters: compute clusters with their capacity over time,
 * actual and planned, each capacity's multiple of the one before it
 * (filter: operator). Writes as every collection's, and POST on a cluster's
 * capacities to add one.
 */
#include "api.h"

API_COLLECTION_HANDLERS(clusters, FR_COLL_CLUSTERS)

/* A new capacity (reported or planned) joins its cluster's history. */
static void capacities_create(const struct fr_request *req, struct fr_response *resp)
{
    api_create_child(req, resp, FR_COLL_CLUSTERS, "capacities");
}

const struct fr_route compute_routes[] = {
    {FR_METHOD_GET, "/v1/compute/clusters", clusters_list},
    {FR_METHOD_GET, "/v1/compute/clusters/{id}", clusters_get},
    API_WRITE_ROUTES(clusters, "/v1/compute/clusters"),
    {FR_METHOD_POST, "/v1/compute/clusters/{id}/capacities", capacities_create},
    {0, NULL, NULL},
};
