/*
 * /v1/compute/clusters: compute clusters with their capacity over time,
 * actual and planned, each capacity's multiple of the one before it
 * (filter: operator).
 */
#include "api.h"

API_COLLECTION_HANDLERS(clusters, FR_COLL_CLUSTERS)

const struct fr_route compute_routes[] = {
    {FR_METHOD_GET, "/v1/compute/clusters", clusters_list},
    {FR_METHOD_GET, "/v1/compute/clusters/{id}", clusters_get},
    {0, NULL, NULL},
};
